/* trunkctl: the command-line client of trunkd's Twilio-shaped REST API.
 *
 * One table (resources.c) describes every resource group, its commands,
 * their positional arguments and their flags, each flag mapped to the
 * PascalCase form field the API expects. args.c turns a command line into
 * a request (pure, unit-tested), http.c sends it with libcurl and follows
 * pagination, table.c renders the JSON answers. */
#ifndef TRUNKCTL_CLI_H
#define TRUNKCTL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum flag_type {
	FLAG_STR = 0,
	FLAG_INT,
	FLAG_BOOL,  /* "--secure" alone means true */
	FLAG_SINCE, /* duration ago ("1h") or a date -> ISO 8601 date */
	FLAG_DATE,  /* a date, or a duration ago */
};

struct flag_def {
	const char *name;     /* without "--" */
	const char *form;     /* form field (PascalCase) */
	enum flag_type type;
	bool required;
	const char *def;      /* default value on this command, or NULL */
	const char *def_from; /* default: the value of that form field */
	const char *help;
};

/* A positional argument: a SID substituted into the path ({0}, {1}), or,
 * with form set, sent as that form field. */
struct pos_def {
	const char *name; /* "TRUNK_SID" */
	const char *form; /* NULL: path only */
};

enum cmd_kind {
	CMD_ITEM = 0, /* one object back */
	CMD_LIST,     /* a page of objects, paginated */
	CMD_DELETE,   /* 204 */
};

struct cmd_def {
	const char *name;   /* "create" */
	const char *help;
	const char *method; /* "GET", "POST", "DELETE" */
	const char *path;   /* "{A}" account SID, "{0}".."{2}" positionals */
	enum cmd_kind kind;
	struct pos_def pos[3];
	const struct flag_def *flags; /* NULL-name terminated, or NULL */
	const char *list_key;	      /* list commands: the items' key */
	const char *const *columns;   /* table columns, NULL: group's */
	const char *json_form;	      /* send the flags as one JSON form
				       * field (an array of one object) */
};

struct res_def {
	const char *name; /* "trunks" */
	const char *help;
	const char *const *columns; /* default table columns */
	const struct cmd_def *cmds; /* NULL-name terminated */
};

extern const struct res_def trunkctl_resources[];

/* A form field or query parameter (value owned by the request). */
struct kv {
	const char *key; /* static (from the table) or owned */
	char *value;	 /* owned (malloc) */
	bool key_owned;
};

enum { REQ_MAX_FIELDS = 48 };

struct request {
	const struct res_def *res;
	const struct cmd_def *cmd;
	char path[1024];    /* with SIDs substituted, no query */
	struct kv fields[REQ_MAX_FIELDS];
	size_t nfields;
	size_t limit;	    /* list: items to print at most, 0 = all */
	size_t page_size;   /* list: PageSize, 0 = min(limit, 1000) */
};

struct config {
	const char *api;	 /* base URL, "http://127.0.0.1:8080" */
	const char *account_sid;
	const char *auth_token;
	const char *data_dir;	 /* "./var" */
	bool json;
	bool sid_only; /* --sid: print only the object's sid (scripts) */
	bool dry_run;
	bool verbose;
	char api_buf[512];
	char sid_buf[128];
	char token_buf[256];
};

/* ---- args.c (pure) ---- */

/* Look up a group and a command by name; NULL if none. */
const struct res_def *cli_res_find(const char *name);
const struct cmd_def *cli_cmd_find(const struct res_def *res,
				   const char *name);

/* Parse "90s", "30m", "1h", "2d", "1w" (or plain seconds) into seconds.
 * Returns 0 or EINVAL. */
int cli_duration_parse(const char *s, int64_t *secsp);

/* Format t (Unix seconds) as "YYYY-MM-DDTHH:MM:SSZ" into out (>= 21). */
void cli_iso8601(char *out, size_t sz, int64_t t);

/* Build req for cmd from the arguments after the command name: positionals
 * and --flags (also "--flag=value"); "--set Key=Value" adds any form field.
 * now is the wall clock for --since. On error returns EINVAL and writes a
 * message into err (size errsz). Free with cli_request_reset(). */
int cli_request_build(struct request *req, const struct res_def *res,
		      const struct cmd_def *cmd, const char *account_sid,
		      int argc, char *const *argv, int64_t now, char *err,
		      size_t errsz);
void cli_request_reset(struct request *req);
/* The value of form field key in req, or NULL. */
const char *cli_request_get(const struct request *req, const char *key);

/* Fill cfg's credentials from the text of a credentials file
 * (KEY=VALUE lines; TRUNKD_ACCOUNT_SID, TRUNKD_AUTH_TOKEN, TRUNKD_API),
 * only where cfg has none yet. */
void cli_credentials_parse(struct config *cfg, const char *text);

/* Normalise an API address: "host:port" -> "http://host:port", trailing
 * '/' removed. Returns 0 or EINVAL (empty or too long). */
int cli_api_normalise(char *out, size_t sz, const char *in);

/* The path and query of a next-page link (absolute URL or relative URI),
 * or NULL if the link is empty. */
const char *cli_link_path(const char *link);

/* ---- table.c (pure) ---- */

/* Render items (a JSON array of objects) as a table with the given
 * columns (NULL-terminated) into a malloc'd string. */
char *cli_table_render(const json_t *items, const char *const *columns);
/* Render one object as "key: value" lines (nested values as JSON). */
char *cli_object_render(const json_t *obj);
/* One cell's text: strings as is, null as "-", others as JSON. malloc'd */
char *cli_cell_text(const json_t *v);

/* ---- http.c ---- */

/* Run req against cfg's API and print the result. Returns the process
 * exit status: 0 ok, 1 API error, 3 cannot reach the API. */
int cli_run(const struct config *cfg, const struct request *req);

#endif
