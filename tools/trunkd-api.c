/* trunkd-api: the REST API and store alone, for testing until the
 * daemon's main wires everything.
 *   trunkd-api [--api HOST:PORT] [--data DIR]
 * Env TRUNKD_ACCOUNT_SID / TRUNKD_AUTH_TOKEN fix the bootstrap account.
 * Prints "listening PORT" on stdout once ready; SIGINT/SIGTERM stop it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "base/mem.h"
#include "store/snapshot.h"
#include "store/store.h"

static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct api_config cfg = {.host = "127.0.0.1", .port = 8080};
	struct store *st = NULL;
	struct snapshot_pub *pub = NULL;
	struct api_server *srv = NULL;
	const char *data = "./var";
	char host[256], path[4200];
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--api") && i + 1 < argc) {
			const char *a = argv[++i];
			const char *c = strrchr(a, ':');
			long port;

			if (!c || (size_t)(c - a) >= sizeof(host))
				goto usage;
			memcpy(host, a, (size_t)(c - a));
			host[c - a] = '\0';
			if (host[0] == '[') {
				memmove(host, host + 1, strlen(host));
				host[strlen(host) - 1] = '\0';
			}
			port = strtol(c + 1, NULL, 10);
			if (port < 0 || port > 65535)
				goto usage;
			cfg.host = host;
			cfg.port = (uint16_t)port;
		} else if (!strcmp(argv[i], "--data") && i + 1 < argc) {
			data = argv[++i];
		} else {
			goto usage;
		}
	}
	cfg.data_dir = data;
	cfg.account_sid = getenv("TRUNKD_ACCOUNT_SID");
	cfg.auth_token = getenv("TRUNKD_AUTH_TOKEN");
	if (mkdir(data, 0700) && errno != EEXIST) {
		fprintf(stderr, "trunkd-api: cannot create %s: %s\n", data,
			strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/trunkd.db", data);
	err = store_open_sqlite(&st, path);
	err = err ? err : snapshot_pub_start(&pub, st);
	err = err ? err : api_server_start(&srv, &cfg, st, pub);
	if (err) {
		fprintf(stderr, "trunkd-api: start failed: %s\n",
			strerror(err));
		mem_deref(pub);
		mem_deref(st);
		return 1;
	}
	printf("listening %u\n", api_server_port(srv));
	fflush(stdout);
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	while (!stop)
		pause();
	mem_deref(srv);
	mem_deref(pub);
	mem_deref(st);
	return 0;
usage:
	fprintf(stderr, "usage: trunkd-api [--api HOST:PORT] [--data DIR]\n");
	return 2;
}
