/* The REST API: Twilio-shaped HTTP server on its own thread
 * (libmicrohttpd), translating requests into store calls. See
 * docs/api.md for the resources, validation codes and extensions. */
#ifndef TRUNKD_API_API_H
#define TRUNKD_API_API_H

#include <stdint.h>

struct store;
struct snapshot_pub;

struct api_config {
	const char *host;	 /* listen address, "127.0.0.1" */
	uint16_t port;		 /* 0: pick a free port */
	const char *data_dir;	 /* holds DIR/credentials; NULL: none */
	const char *account_sid; /* bootstrap SID (env) or NULL */
	const char *auth_token;	 /* bootstrap token (env) or NULL */
};

struct api_server;

/* Make sure the bootstrap account exists (creating it with the given or
 * generated credentials, printing a generated token once on stdout and
 * writing DIR/credentials mode 0600), then start the HTTP server on its
 * own thread. pub (may be NULL) is kicked after each write so the SIP side
 * sees the change at once. *srvp receives a mem object; mem_deref() stops
 * the server. Returns 0, EINVAL, EADDRINUSE, or a store error. */
int api_server_start(struct api_server **srvp, const struct api_config *cfg,
		     struct store *st, struct snapshot_pub *pub);

/* Port the server listens on (useful with port 0). */
uint16_t api_server_port(const struct api_server *srv);

/* Bootstrap alone (also done by api_server_start): ensure the first
 * account exists. When created with a generated token, *tokenp (may be
 * NULL) receives it (mem string) and the SID goes to sid_out. */
int api_bootstrap(struct store *st, const struct api_config *cfg,
		  char sid_out[35], char **tokenp);

/* Validators, exported for unit tests. Each returns 0 when valid. */
int api_check_username(const char *s);
int api_check_password(const char *s);
int api_check_e164(const char *s);
int api_check_hostname(const char *s);
int api_check_sip_url(const char *s);

/* Token hash as stored ("hs256$" + hex HMAC-SHA256(key=sid, token)) into
 * out (72 bytes). Returns 0 or EIO. */
int api_token_hash(char out[72], const char *sid, const char *token);

#endif
