/* Accounts: token hashing, bootstrap, default connection policy;
 * input validators. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "api/api_int.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "store/snapshot.h"

#define TXT(x)                               \
	{                                    \
		.type = STORE_TEXT, .s = (x) \
	}
#define INTV(x)                             \
	{                                   \
		.type = STORE_INT, .i = (x) \
	}

int api_token_hash(char out[72], const char *sid, const char *token)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	size_t i;

	if (!sid || !token)
		return EINVAL;
	if (!HMAC(EVP_sha256(), sid, (int)strlen(sid),
		  (const unsigned char *)token, strlen(token), md, &mdlen) ||
	    mdlen != 32)
		return EIO;
	memcpy(out, "hs256$", 6);
	for (i = 0; i < 32; i++)
		snprintf(out + 6 + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int api_account_get(struct store *st, const char *sid, struct store_row **rowp)
{
	const struct store_cond c = {.col = "sid", .v = TXT(sid)};
	const struct store_query q = {
		.table = "accounts", .conds = &c, .nconds = 1};

	return store_select_one(st, &q, rowp);
}

int api_create_default_policy(struct store *st, const char *account_sid,
			      int64_t now)
{
	char psid[35], tsid[35];
	int err;

	err = store_sid_new(psid, "NY");
	err = err ? err : store_sid_new(tsid, "NE");
	if (err)
		return err;
	{
		const struct store_col p[] = {
			{"sid", TXT(psid)},
			{"account_sid", TXT(account_sid)},
			{"friendly_name", TXT("Default (sandbox carrier)")},
			{"is_default", INTV(1)},
			{"date_created", INTV(now)},
			{"date_updated", INTV(now)},
		};
		const struct store_col t[] = {
			{"sid", TXT(tsid)},
			{"account_sid", TXT(account_sid)},
			{"connection_policy_sid", TXT(psid)},
			{"friendly_name", TXT("sandbox")},
			{"target", TXT(SNAPSHOT_SANDBOX_TARGET)},
			{"priority", INTV(10)},
			{"weight", INTV(10)},
			{"enabled", INTV(1)},
			{"date_created", INTV(now)},
			{"date_updated", INTV(now)},
		};

		err = store_insert(st, "connection_policies", p, 6);
		err = err ? err
			  : store_insert(st, "connection_policy_targets", t,
					 10);
	}
	return err;
}

static int write_credentials(const char *dir, const char *sid,
			     const char *token)
{
	char path[4096];
	FILE *f;
	int fd;

	if (!dir)
		return 0;
	snprintf(path, sizeof(path), "%s/credentials", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	(void)fchmod(fd, 0600);
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return errno;
	}
	fprintf(f, "TRUNKD_ACCOUNT_SID=%s\nTRUNKD_AUTH_TOKEN=%s\n", sid,
		token);
	if (fflush(f) || fsync(fd)) {
		fclose(f);
		return EIO;
	}
	fclose(f);
	return 0;
}

int api_bootstrap(struct store *st, const struct api_config *cfg,
		  char sid_out[35], char **tokenp)
{
	const struct store_cond c = {.col = "owner_account_sid",
				     .v = {.type = STORE_NULL}};
	const struct store_query q = {
		.table = "accounts", .conds = &c, .nconds = 1};
	struct store_row *row = NULL;
	char sid[35], token[33], hash[72];
	int64_t now = clock_wall_s();
	bool generated = false;
	int err;

	if (cfg->account_sid && !store_sid_valid(cfg->account_sid, "AC"))
		return EINVAL;
	if (cfg->account_sid) {
		snprintf(sid, sizeof(sid), "%s", cfg->account_sid);
		if (!api_account_get(st, sid, &row)) {
			/* the environment fixes the token: apply it */
			mem_deref(row);
			snprintf(sid_out, 35, "%s", sid);
			if (!cfg->auth_token)
				return 0;
			if (api_token_hash(hash, sid, cfg->auth_token))
				return EIO;
			{
				const struct store_cond k = {.col = "sid",
							     .v = TXT(sid)};
				const struct store_col h = {"auth_token_hash",
							    TXT(hash)};

				return store_update(st, "accounts", &k, 1, &h,
						    1, NULL);
			}
		}
	} else if (!store_select_one(st, &q, &row)) {
		snprintf(sid_out, 35, "%s", store_row_str(row, "sid"));
		mem_deref(row);
		return 0;
	} else if ((err = store_sid_new(sid, "AC"))) {
		return err;
	}
	if (cfg->auth_token) {
		if (strlen(cfg->auth_token) < 16)
			return EINVAL;
		snprintf(token, sizeof(token), "%.32s", cfg->auth_token);
	} else {
		char tmp[35];

		err = store_sid_new(tmp, "xx");
		if (err)
			return err;
		memcpy(token, tmp + 2, 33);
		generated = true;
	}
	if (api_token_hash(hash, sid,
			   cfg->auth_token ? cfg->auth_token : token))
		return EIO;
	err = store_tx_begin(st);
	if (err)
		return err;
	{
		const struct store_col a[] = {
			{"sid", TXT(sid)},
			{"friendly_name", TXT("trunkd")},
			{"status", TXT("active")},
			{"type", TXT("Full")},
			{"auth_token_hash", TXT(hash)},
			{"date_created", INTV(now)},
			{"date_updated", INTV(now)},
		};

		err = store_insert(st, "accounts", a, 7);
	}
	err = err ? err : api_create_default_policy(st, sid, now);
	if (err) {
		store_tx_rollback(st);
		return err;
	}
	err = store_tx_commit(st);
	if (err)
		return err;
	if (generated) {
		err = write_credentials(cfg->data_dir, sid, token);
		if (err)
			log_warn("api: cannot write credentials file: %s",
				 strerror(err));
		if (tokenp)
			*tokenp = mem_strdup(token);
	}
	snprintf(sid_out, 35, "%s", sid);
	return 0;
}

/* ---- validators ---- */

int api_check_username(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;

	/* 1-32 characters: letters, digits, and - _ . */
	if (n < 1 || n > 32)
		return EINVAL;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return EINVAL;
	}
	return 0;
}

int api_check_password(const char *s)
{
	bool d = false, u = false, l = false;
	size_t n = s ? strlen(s) : 0, i;

	if (n < 12 || n > 128)
		return EINVAL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c > 0x7e)
			return EINVAL;
		d |= isdigit(c) != 0;
		u |= isupper(c) != 0;
		l |= islower(c) != 0;
	}
	return (d && u && l) ? 0 : EINVAL;
}

int api_check_e164(const char *s)
{
	size_t n, i;

	if (!s || s[0] != '+' || s[1] == '0')
		return EINVAL;
	n = strlen(s + 1);
	if (n < 8 || n > 15)
		return EINVAL;
	for (i = 1; i <= n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return EINVAL;
	}
	return 0;
}

int api_check_hostname(const char *s)
{
	size_t n = s ? strlen(s) : 0, lab = 0, i;

	if (n < 1 || n > 253 || s[0] == '.' || s[n - 1] == '.')
		return EINVAL;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return EINVAL;
			lab = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-')
			return EINVAL;
		if (c == '-' && lab == 0)
			return EINVAL;
		if (++lab > 63)
			return EINVAL;
	}
	return 0;
}

int api_check_sip_url(const char *s)
{
	const char *h;
	size_t i;

	if (!s)
		return EINVAL;
	if (!strncasecmp(s, "sip:", 4))
		h = s + 4;
	else if (!strncasecmp(s, "sips:", 5))
		h = s + 5;
	else
		return EINVAL;
	if (strchr(h, '@'))
		h = strchr(h, '@') + 1;
	if (!*h || strlen(s) > 255)
		return EINVAL;
	for (i = 0; h[i]; i++) {
		if ((unsigned char)h[i] <= ' ' || h[i] == '"' || h[i] == '<' ||
		    h[i] == '>')
			return EINVAL;
	}
	return 0;
}
