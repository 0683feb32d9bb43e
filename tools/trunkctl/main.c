/* trunkctl: entry point, global options, configuration and help. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage_main(FILE *f)
{
	fprintf(f,
		"usage: trunkctl [options] GROUP COMMAND [ARGS] [--flags]\n"
		"\n"
		"The command-line client of trunkd's REST API.\n\n"
		"groups:\n");
	for (const struct res_def *r = trunkctl_resources; r->name; r++)
		fprintf(f, "  %-22s %s\n", r->name, r->help);
	fprintf(f,
		"\noptions (anywhere on the line):\n"
		"  --api URL            API address (TRUNKD_API; default "
		"http://127.0.0.1:8080)\n"
		"  --account-sid SID    account (TRUNKD_ACCOUNT_SID)\n"
		"  --auth-token TOKEN   auth token (TRUNKD_AUTH_TOKEN)\n"
		"  --data DIR           read DIR/credentials (default "
		"./var)\n"
		"  --json               print the raw JSON\n"
		"  --sid                print only the sid of the object "
		"(create, show, update)\n"
		"  --dry-run            print the request, send nothing\n"
		"  --verbose            show the HTTP exchange on stderr\n"
		"  --help               help for trunkctl, a group or a "
		"command\n"
		"\nexit status: 0 ok, 1 the API refused (its message is "
		"printed),\n"
		"2 bad command line, 3 the API cannot be reached.\n"
		"See 'trunkctl GROUP --help'.\n");
}

static void cmd_usage_line(FILE *f, const struct res_def *r,
			   const struct cmd_def *c)
{
	fprintf(f, "trunkctl %s %s", r->name, c->name);
	for (size_t i = 0; i < 3 && c->pos[i].name; i++)
		fprintf(f, " %s", c->pos[i].name);
	for (const struct flag_def *fl = c->flags; fl && fl->name; fl++) {
		if (fl->required)
			fprintf(f, " --%s VALUE", fl->name);
	}
	if (c->flags) {
		for (const struct flag_def *fl = c->flags; fl->name; fl++) {
			if (!fl->required) {
				fprintf(f, " [--flags]");
				break;
			}
		}
	}
	if (c->kind == CMD_LIST)
		fprintf(f, " [--limit N]");
}

static void usage_group(FILE *f, const struct res_def *r)
{
	fprintf(f, "trunkctl %s: %s\n\ncommands:\n", r->name, r->help);
	for (const struct cmd_def *c = r->cmds; c->name; c++) {
		fprintf(f, "  %-24s %s\n", c->name, c->help);
		fprintf(f, "      ");
		cmd_usage_line(f, r, c);
		fputc('\n', f);
	}
	fprintf(f, "\nSee 'trunkctl %s COMMAND --help' for its flags.\n",
		r->name);
}

static const char *type_hint(enum flag_type t)
{
	switch (t) {
	case FLAG_INT:
		return "N";
	case FLAG_BOOL:
		return "[true|false]";
	case FLAG_SINCE:
	case FLAG_DATE:
		return "DURATION|DATE";
	case FLAG_STR:
		break;
	}
	return "VALUE";
}

static void usage_cmd(FILE *f, const struct res_def *r,
		      const struct cmd_def *c)
{
	fprintf(f, "usage: ");
	cmd_usage_line(f, r, c);
	fprintf(f, "\n\n%s: %s ", c->help, c->method);
	for (const char *p = c->path; *p; p++) {
		if (p[0] == '{' && p[1] && p[2] == '}') {
			if (p[1] == 'A')
				fputs("ACCOUNT_SID", f);
			else if (p[1] >= '0' && p[1] <= '2')
				fputs(c->pos[p[1] - '0'].name, f);
			p += 2;
			continue;
		}
		fputc(*p, f);
	}
	fputc('\n', f);
	if (c->flags || c->kind == CMD_LIST)
		fprintf(f, "\nflags:\n");
	for (const struct flag_def *fl = c->flags; fl && fl->name; fl++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s %s", fl->name,
			 type_hint(fl->type));
		fprintf(f, "  %-30s %s (%s%s)\n", left, fl->help, fl->form,
			fl->required ? ", required" : "");
	}
	if (c->kind == CMD_LIST) {
		fprintf(f, "  %-30s %s\n", "--limit N",
			"print at most N items (default 50, 0 = all)");
		fprintf(f, "  %-30s %s\n", "--page-size N",
			"items per request (default: up to 1000)");
	}
	fprintf(f, "  %-30s %s\n", "--set Key=Value",
		"send any other form field");
}

static char *file_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	size_t n;

	if (!f)
		return NULL;
	s = calloc(1, 8192);
	if (s) {
		n = fread(s, 1, 8191, f);
		s[n] = '\0';
	}
	fclose(f);
	return s;
}

static int take_value(int argc, char **argv, int *i, const char *a,
		      const char *name, const char **outp)
{
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return ENOENT;
	if (a[n] == '=') {
		*outp = a + n + 1;
		return 0;
	}
	if (a[n] != '\0')
		return ENOENT;
	if (*i + 1 >= argc) {
		fprintf(stderr, "error: %s needs a value\n", name);
		return EINVAL;
	}
	*outp = argv[++*i];
	return 0;
}

int main(int argc, char **argv)
{
	struct config cfg;
	const char *api = NULL, *data = NULL, *v;
	char **rest = calloc((size_t)argc + 1, sizeof(char *));
	const struct res_def *res;
	const struct cmd_def *cmd;
	struct request req;
	bool help = false;
	char err[512], apibuf[512];
	int nrest = 0, ret = 2, e;

	memset(&cfg, 0, sizeof(cfg));
	if (!rest)
		return 2;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			help = true;
			continue;
		}
		if (!strcmp(a, "--json")) {
			cfg.json = true;
			continue;
		}
		if (!strcmp(a, "--sid")) {
			cfg.sid_only = true;
			continue;
		}
		if (!strcmp(a, "--dry-run")) {
			cfg.dry_run = true;
			continue;
		}
		if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			cfg.verbose = true;
			continue;
		}
		if ((e = take_value(argc, argv, &i, a, "--api", &val)) !=
		    ENOENT) {
			if (e)
				goto out;
			api = val;
			continue;
		}
		if ((e = take_value(argc, argv, &i, a, "--account-sid",
				    &val)) != ENOENT) {
			if (e)
				goto out;
			cfg.account_sid = val;
			continue;
		}
		if ((e = take_value(argc, argv, &i, a, "--auth-token",
				    &val)) != ENOENT) {
			if (e)
				goto out;
			cfg.auth_token = val;
			continue;
		}
		if ((e = take_value(argc, argv, &i, a, "--data", &val)) !=
		    ENOENT) {
			if (e)
				goto out;
			data = val;
			continue;
		}
		rest[nrest++] = argv[i];
	}

	if (nrest == 0) {
		usage_main(help ? stdout : stderr);
		ret = help ? 0 : 2;
		goto out;
	}
	res = cli_res_find(rest[0]);
	if (!res) {
		fprintf(stderr, "error: unknown group '%s'\n\n", rest[0]);
		usage_main(stderr);
		goto out;
	}
	if (nrest == 1) {
		usage_group(help ? stdout : stderr, res);
		ret = help ? 0 : 2;
		goto out;
	}
	cmd = cli_cmd_find(res, rest[1]);
	if (!cmd) {
		fprintf(stderr, "error: unknown command '%s %s'\n\n", rest[0],
			rest[1]);
		usage_group(stderr, res);
		goto out;
	}
	if (help) {
		usage_cmd(stdout, res, cmd);
		ret = 0;
		goto out;
	}

	/* configuration: flags, then environment, then DIR/credentials */
	if (!api && (v = getenv("TRUNKD_API")) && *v)
		api = v;
	if (!cfg.account_sid && (v = getenv("TRUNKD_ACCOUNT_SID")) && *v)
		cfg.account_sid = v;
	if (!cfg.auth_token && (v = getenv("TRUNKD_AUTH_TOKEN")) && *v)
		cfg.auth_token = v;
	if (api)
		cfg.api = api;
	cfg.data_dir = data ? data : "./var";
	if (!cfg.account_sid || !cfg.auth_token || !cfg.api) {
		char path[4096];
		char *text;

		snprintf(path, sizeof(path), "%s/credentials", cfg.data_dir);
		text = file_read(path);
		if (text) {
			cli_credentials_parse(&cfg, text);
			free(text);
		}
		else if (data) {
			fprintf(stderr, "warning: cannot read %s\n", path);
		}
	}
	if (cli_api_normalise(apibuf, sizeof(apibuf),
			      cfg.api ? cfg.api : "127.0.0.1:8080")) {
		fprintf(stderr, "error: bad API address '%s'\n", cfg.api);
		goto out;
	}
	cfg.api = apibuf;
	e = cli_request_build(&req, res, cmd, cfg.account_sid, nrest - 2,
			      rest + 2, (int64_t)time(NULL), err,
			      sizeof(err));
	if (e) {
		fprintf(stderr, "error: %s\n", err);
		goto out;
	}
	if (!cfg.dry_run && (!cfg.account_sid || !cfg.auth_token)) {
		cli_request_reset(&req);
		fprintf(stderr,
			"error: no credentials: pass --account-sid and "
			"--auth-token, set TRUNKD_ACCOUNT_SID and "
			"TRUNKD_AUTH_TOKEN, or point --data at trunkd's "
			"data directory\n");
		goto out;
	}

	ret = cli_run(&cfg, &req);
	cli_request_reset(&req);
out:
	free(rest);
	return ret;
}
