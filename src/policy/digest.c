/* SIP digest authentication, server side; see digest.h. */
#include "policy/digest.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "base/clock.h"
#include "base/hash.h"
#include "base/mem.h"

#define NONCE_RAW 32 /* ts[8] rnd[8] mac[16] */
#define NONCE_ID 16  /* ts + rnd: what identifies a nonce */
#define FUTURE_SLACK_MS 5000

struct rentry {
	uint8_t id[NONCE_ID];
	uint64_t ts;
	uint32_t nc;
	uint32_t next; /* index + 1 of the next entry in the bucket, 0 = end */
};

struct digest_ctx {
	uint8_t secret[64];
	size_t secret_len;
	uint64_t expiry_ms;
	uint64_t floor_ts;     /* nonces issued before: stale */
	struct rentry *ring;   /* owned: cap entries, FIFO from start */
	uint32_t *bucket;      /* owned: cap heads (index + 1) */
	size_t cap, max, start, count;
};

size_t digest_hexlen(enum digest_alg alg)
{
	switch (alg) {
	case DIGEST_ALG_MD5:
		return DIGEST_MD5_HEXLEN;
	case DIGEST_ALG_SHA256:
		return DIGEST_SHA256_HEXLEN;
	}
	return 0;
}

const char *digest_alg_name(enum digest_alg alg)
{
	return alg == DIGEST_ALG_SHA256 ? "SHA-256" : "MD5";
}

int digest_alg_decode(const struct pl *tok, enum digest_alg *algp)
{
	if (!algp)
		return EINVAL;
	if (!pl_isset(tok) || pl_caseeq_str(tok, "MD5")) {
		*algp = DIGEST_ALG_MD5;
		return 0;
	}
	if (pl_caseeq_str(tok, "SHA-256")) {
		*algp = DIGEST_ALG_SHA256;
		return 0;
	}
	return ENOTSUP;
}

/* Incremental hash over pieces, hex output (lowercase, NUL-terminated).
 * Pieces are pls; NULL .p with l 0 is an empty piece. */
static int hash_hex(enum digest_alg alg, const struct pl *parts, size_t n,
		    char *out)
{
	static const char hex[] = "0123456789abcdef";
	const EVP_MD *md = alg == DIGEST_ALG_SHA256 ? EVP_sha256() : EVP_md5();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0, i;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int err = EIO;
	size_t k;

	if (!c)
		return ENOMEM;
	if (EVP_DigestInit_ex(c, md, NULL) != 1)
		goto out;
	for (k = 0; k < n; k++) {
		if (k && EVP_DigestUpdate(c, ":", 1) != 1)
			goto out;
		if (parts[k].l &&
		    EVP_DigestUpdate(c, parts[k].p, parts[k].l) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(c, d, &dl) != 1)
		goto out;
	for (i = 0; i < dl; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * dl] = '\0';
	err = 0;
out:
	EVP_MD_CTX_free(c);
	return err;
}

int digest_ha1(char *out, size_t outsz, enum digest_alg alg,
	       const char *username, const char *realm, const char *password)
{
	struct pl parts[3];
	char tmp[DIGEST_HEX_SIZE];
	size_t hl = digest_hexlen(alg);
	int err;

	if (!out || !username || !realm || !password || !hl)
		return EINVAL;
	if (outsz < hl + 1)
		return ENOSPC;
	pl_set_str(&parts[0], username);
	pl_set_str(&parts[1], realm);
	pl_set_str(&parts[2], password);
	err = hash_hex(alg, parts, 3, tmp);
	if (err)
		return err;
	memcpy(out, tmp, hl + 1);
	return 0;
}

/* ---- credentials parsing ------------------------------------------- */

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_token(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c && strchr("-.!%*_+`'~", c) != NULL;
}

/* Token-ish value characters: anything up to ',' or LWS (nc, algorithm,
 * unquoted qop and response values some clients send). */
static bool is_bare(char c)
{
	return c && c != ',' && c != '"' && !is_lws(c);
}

struct cursor {
	const char *p, *end;
};

static void skip_lws(struct cursor *c)
{
	while (c->p < c->end && is_lws(*c->p))
		c->p++;
}

/* Read one value (token or quoted string) into the store at *used. */
static int read_value(struct cursor *c, struct digest_cred *cr,
		      size_t *used, struct pl *val)
{
	char *dst = cr->store + *used;
	size_t room = sizeof(cr->store) - *used, n = 0;

	if (c->p < c->end && *c->p == '"') {
		c->p++;
		for (;;) {
			char ch;

			if (c->p >= c->end)
				return EBADMSG; /* unterminated */
			ch = *c->p++;
			if (ch == '"')
				break;
			if (ch == '\\') {
				if (c->p >= c->end)
					return EBADMSG;
				ch = *c->p++;
			}
			if (ch == '\0' || ch == '\r' || ch == '\n')
				return EBADMSG;
			if (n + 1 >= room)
				return EMSGSIZE;
			dst[n++] = ch;
		}
	} else {
		while (c->p < c->end && is_bare(*c->p)) {
			if (n + 1 >= room)
				return EMSGSIZE;
			dst[n++] = *c->p++;
		}
		if (!n)
			return EBADMSG;
	}
	dst[n] = '\0';
	pl_set(val, dst, n);
	*used += n + 1;
	return 0;
}

static struct pl *param_slot(struct digest_cred *cr, const struct pl *name)
{
	static const struct {
		const char *name;
		size_t off;
	} tab[] = {
		{"username", offsetof(struct digest_cred, username)},
		{"realm", offsetof(struct digest_cred, realm)},
		{"nonce", offsetof(struct digest_cred, nonce)},
		{"uri", offsetof(struct digest_cred, uri)},
		{"response", offsetof(struct digest_cred, response)},
		{"algorithm", offsetof(struct digest_cred, algorithm)},
		{"cnonce", offsetof(struct digest_cred, cnonce)},
		{"nc", offsetof(struct digest_cred, nc)},
		{"qop", offsetof(struct digest_cred, qop)},
		{"opaque", offsetof(struct digest_cred, opaque)},
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (pl_caseeq_str(name, tab[i].name))
			return (struct pl *)((char *)cr + tab[i].off);
	return NULL;
}

static int hex_u32(const struct pl *pl, uint32_t *vp)
{
	uint32_t v = 0;
	size_t i;

	if (pl->l != 8)
		return EBADMSG;
	for (i = 0; i < 8; i++) {
		char c = pl->p[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return EBADMSG;
		v = v << 4 | d;
	}
	*vp = v;
	return 0;
}

int digest_cred_decode(struct digest_cred *cred, const struct pl *hval)
{
	struct digest_cred tmp, *cr = &tmp;
	struct cursor c;
	struct pl scheme;
	size_t used = 0;
	int err = 0;

	if (!cred || !hval || !hval->p)
		return EINVAL;
	memset(cr, 0, sizeof(*cr));
	c.p = hval->p;
	c.end = hval->p + hval->l;
	skip_lws(&c);
	scheme.p = c.p;
	while (c.p < c.end && is_token(*c.p))
		c.p++;
	scheme.l = (size_t)(c.p - scheme.p);
	if (!scheme.l) {
		err = EBADMSG;
		goto out;
	}
	if (!pl_caseeq_str(&scheme, "Digest")) {
		err = ENOTSUP;
		goto out;
	}
	if (c.p >= c.end || !is_lws(*c.p)) {
		err = EBADMSG;
		goto out;
	}
	for (;;) {
		struct pl name, val, *slot;

		skip_lws(&c);
		name.p = c.p;
		while (c.p < c.end && is_token(*c.p))
			c.p++;
		name.l = (size_t)(c.p - name.p);
		skip_lws(&c);
		if (!name.l || c.p >= c.end || *c.p != '=') {
			err = EBADMSG;
			goto out;
		}
		c.p++;
		skip_lws(&c);
		err = read_value(&c, cr, &used, &val);
		if (err)
			goto out;
		if (pl_caseeq_str(&name, "userhash")) {
			cr->userhash = pl_caseeq_str(&val, "true");
		} else {
			slot = param_slot(cr, &name);
			if (slot) {
				if (slot->p) { /* duplicate parameter */
					err = EBADMSG;
					goto out;
				}
				*slot = val;
			}
		}
		skip_lws(&c);
		if (c.p >= c.end)
			break;
		if (*c.p != ',') {
			err = EBADMSG;
			goto out;
		}
		c.p++;
	}
	if (!cr->username.p || !cr->realm.p || !cr->nonce.p || !cr->uri.p ||
	    !pl_isset(&cr->response)) {
		err = EBADMSG;
		goto out;
	}
	err = digest_alg_decode(&cr->algorithm, &cr->alg);
	if (err)
		goto out;
	if (cr->qop.p) {
		if (!pl_isset(&cr->cnonce) || hex_u32(&cr->nc, &cr->ncval)) {
			err = EBADMSG;
			goto out;
		}
	}
	/* pls point into cr->store; rebase them onto cred->store */
	{
		struct pl *f[] = {&cr->username, &cr->realm,  &cr->nonce,
				  &cr->uri,      &cr->response, &cr->algorithm,
				  &cr->cnonce,   &cr->nc,       &cr->qop,
				  &cr->opaque};
		size_t i;

		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			if (f[i]->p)
				f[i]->p = cred->store +
					  (f[i]->p - cr->store);
		memcpy(cred, cr, sizeof(*cred));
	}
out:
	return err;
}

/* ---- verification -------------------------------------------------- */

int digest_verify(const struct digest_cred *cred, const char *method,
		  const struct pl *req_uri, const char *ha1_hex)
{
	char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE];
	char want[DIGEST_HEX_SIZE], got[DIGEST_HEX_SIZE];
	struct pl parts[6];
	size_t hl, i;
	int err;

	if (!cred || !method || !ha1_hex)
		return EINVAL;
	hl = digest_hexlen(cred->alg);
	if (!hl || strlen(ha1_hex) != hl)
		return EINVAL;
	for (i = 0; i < hl; i++) {
		char ch = ha1_hex[i];

		if (ch >= 'A' && ch <= 'F')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return EINVAL;
		ha1[i] = ch;
	}
	ha1[hl] = '\0';
	if (cred->qop.p && !pl_caseeq_str(&cred->qop, "auth"))
		return EINVAL;
	if (req_uri && !pl_eq(req_uri, &cred->uri))
		return EINVAL;

	pl_set_str(&parts[0], method);
	parts[1] = cred->uri;
	err = hash_hex(cred->alg, parts, 2, ha2);
	if (err)
		return err;

	pl_set(&parts[0], ha1, hl);
	parts[1] = cred->nonce;
	if (cred->qop.p) {
		parts[2] = cred->nc;
		parts[3] = cred->cnonce;
		parts[4] = cred->qop;
		pl_set(&parts[5], ha2, hl);
		err = hash_hex(cred->alg, parts, 6, want);
	} else {
		pl_set(&parts[2], ha2, hl);
		err = hash_hex(cred->alg, parts, 3, want);
	}
	if (err)
		return err;

	if (cred->response.l != hl)
		return EACCES;
	for (i = 0; i < hl; i++) {
		char ch = cred->response.p[i];

		if (ch >= 'A' && ch <= 'F')
			ch = (char)(ch - 'A' + 'a');
		got[i] = ch;
	}
	return CRYPTO_memcmp(got, want, hl) ? EACCES : 0;
}

/* ---- nonces and replay cache --------------------------------------- */

static void ctx_destroy(void *arg)
{
	struct digest_ctx *ctx = arg;

	OPENSSL_cleanse(ctx->secret, sizeof(ctx->secret));
	mem_deref(ctx->ring);
	mem_deref(ctx->bucket);
}

static size_t pow2_ceil(size_t n)
{
	size_t p = 16;

	while (p < n)
		p <<= 1;
	return p;
}

int digest_ctx_alloc(struct digest_ctx **ctxp, const uint8_t *secret,
		     size_t len, uint32_t expiry_s, size_t replay_max)
{
	struct digest_ctx *ctx;
	int err = 0;

	if (!ctxp || (secret && (len < 16 || len > 64)))
		return EINVAL;
	if (replay_max > (1u << 24))
		return EINVAL;
	ctx = mem_zalloc(sizeof(*ctx), ctx_destroy);
	if (!ctx)
		return ENOMEM;
	if (secret) {
		memcpy(ctx->secret, secret, len);
		ctx->secret_len = len;
	} else {
		if (RAND_bytes(ctx->secret, 32) != 1) {
			err = EIO;
			goto out;
		}
		ctx->secret_len = 32;
	}
	if (!expiry_s)
		expiry_s = DIGEST_NONCE_EXPIRY_S;
	ctx->expiry_ms = (uint64_t)expiry_s * 1000u;
	ctx->max = pow2_ceil(replay_max ? replay_max : DIGEST_REPLAY_MAX);
out:
	if (err)
		mem_deref(ctx);
	else
		*ctxp = ctx;
	return err;
}

static void put_u64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static int nonce_mac(const struct digest_ctx *ctx, const uint8_t *id,
		     uint8_t *mac16)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int ml = 0;

	if (!HMAC(EVP_sha256(), ctx->secret, (int)ctx->secret_len, id,
		  NONCE_ID, mac, &ml) ||
	    ml < 16)
		return EIO;
	memcpy(mac16, mac, 16);
	return 0;
}

int digest_nonce_make(struct digest_ctx *ctx, char *buf, size_t sz)
{
	uint8_t raw[NONCE_RAW];
	int err;

	if (!ctx || !buf)
		return EINVAL;
	if (sz <= DIGEST_NONCE_LEN)
		return ENOSPC;
	put_u64(raw, clock_now_ms());
	if (RAND_bytes(raw + 8, 8) != 1)
		return EIO;
	err = nonce_mac(ctx, raw, raw + NONCE_ID);
	if (err)
		return err;
	if (EVP_EncodeBlock((unsigned char *)buf, raw, NONCE_RAW) !=
	    DIGEST_NONCE_LEN)
		return EIO;
	return 0;
}

/* Authenticate a nonce; on success fill raw (id at raw[0..16)). */
static int nonce_open(const struct digest_ctx *ctx, const struct pl *nonce,
		      uint8_t *raw, uint64_t *tsp)
{
	unsigned char dec[NONCE_RAW + 3];
	uint8_t mac[16];
	uint64_t ts, now;
	size_t i;

	if (!ctx || !nonce || nonce->l != DIGEST_NONCE_LEN || !nonce->p)
		return EPERM;
	for (i = 0; i < nonce->l; i++) {
		char c = nonce->p[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '/' ||
		      (c == '=' && i == nonce->l - 1)))
			return EPERM;
	}
	if (nonce->p[nonce->l - 1] != '=')
		return EPERM;
	if (EVP_DecodeBlock(dec, (const unsigned char *)nonce->p,
			    (int)nonce->l) != NONCE_RAW + 1)
		return EPERM;
	memcpy(raw, dec, NONCE_RAW);
	if (nonce_mac(ctx, raw, mac) || CRYPTO_memcmp(mac, raw + NONCE_ID, 16))
		return EPERM;
	ts = get_u64(raw);
	now = clock_now_ms();
	if (ts > now + FUTURE_SLACK_MS)
		return EPERM;
	if (now > ts && now - ts > ctx->expiry_ms)
		return ESTALE;
	if (ts < ctx->floor_ts)
		return ESTALE;
	*tsp = ts;
	return 0;
}

int digest_nonce_check(const struct digest_ctx *ctx, const struct pl *nonce)
{
	uint8_t raw[NONCE_RAW];
	uint64_t ts;

	return nonce_open(ctx, nonce, raw, &ts);
}

static uint32_t rhash(const uint8_t *id, uint32_t nc)
{
	return hash_mem(id, NONCE_ID) ^ (nc * 2654435761u);
}

static void bucket_unlink(struct digest_ctx *ctx, size_t idx)
{
	struct rentry *e = &ctx->ring[idx];
	uint32_t *link = &ctx->bucket[rhash(e->id, e->nc) & (ctx->cap - 1)];

	while (*link) {
		if (*link - 1 == idx) {
			*link = e->next;
			return;
		}
		link = &ctx->ring[*link - 1].next;
	}
}

static void bucket_link(struct digest_ctx *ctx, size_t idx)
{
	struct rentry *e = &ctx->ring[idx];
	uint32_t *head = &ctx->bucket[rhash(e->id, e->nc) & (ctx->cap - 1)];

	e->next = *head;
	*head = (uint32_t)idx + 1;
}

/* Double the ring (or create it), keeping FIFO order. */
static int ring_grow(struct digest_ctx *ctx)
{
	size_t ncap = ctx->cap ? ctx->cap * 2 : 64, i;
	struct rentry *ring;
	uint32_t *bucket;

	if (ncap > ctx->max)
		ncap = ctx->max;
	ring = mem_zalloc(ncap * sizeof(*ring), NULL);
	bucket = mem_zalloc(ncap * sizeof(*bucket), NULL);
	if (!ring || !bucket) {
		mem_deref(ring);
		mem_deref(bucket);
		return ENOMEM;
	}
	for (i = 0; i < ctx->count; i++)
		ring[i] = ctx->ring[(ctx->start + i) & (ctx->cap - 1)];
	mem_deref(ctx->ring);
	mem_deref(ctx->bucket);
	ctx->ring = ring;
	ctx->bucket = bucket;
	ctx->cap = ncap;
	ctx->start = 0;
	for (i = 0; i < ctx->count; i++)
		bucket_link(ctx, i);
	return 0;
}

static void ring_pop(struct digest_ctx *ctx, bool raise_floor)
{
	struct rentry *e = &ctx->ring[ctx->start];

	bucket_unlink(ctx, ctx->start);
	if (raise_floor && e->ts >= ctx->floor_ts)
		ctx->floor_ts = e->ts + 1;
	ctx->start = (ctx->start + 1) & (ctx->cap - 1);
	ctx->count--;
}

int digest_replay_check(struct digest_ctx *ctx, const struct pl *nonce,
			uint32_t nc)
{
	uint8_t raw[NONCE_RAW];
	uint64_t ts, now;
	uint32_t i;
	size_t idx;
	int err;

	err = nonce_open(ctx, nonce, raw, &ts);
	if (err)
		return err;
	if (ctx->cap) {
		i = ctx->bucket[rhash(raw, nc) & (ctx->cap - 1)];
		while (i) {
			const struct rentry *e = &ctx->ring[i - 1];

			if (e->nc == nc && !memcmp(e->id, raw, NONCE_ID))
				return EALREADY;
			i = e->next;
		}
	}
	/* forget expired entries: their nonces are stale anyway */
	now = clock_now_ms();
	while (ctx->count && now > ctx->ring[ctx->start].ts &&
	       now - ctx->ring[ctx->start].ts > ctx->expiry_ms)
		ring_pop(ctx, false);
	if (ctx->count == ctx->cap) {
		if (ctx->cap < ctx->max) {
			err = ring_grow(ctx);
			if (err)
				return err;
		} else {
			ring_pop(ctx, true);
			if (ts < ctx->floor_ts)
				return ESTALE;
		}
	}
	idx = (ctx->start + ctx->count) & (ctx->cap - 1);
	memcpy(ctx->ring[idx].id, raw, NONCE_ID);
	ctx->ring[idx].ts = ts;
	ctx->ring[idx].nc = nc;
	bucket_link(ctx, idx);
	ctx->count++;
	return 0;
}

/* ---- challenge ----------------------------------------------------- */

static int print_quoted(struct buf *b, const char *s)
{
	int err = buf_write_u8(b, '"');

	for (; !err && *s; s++) {
		if (*s == '"' || *s == '\\')
			err = buf_write_u8(b, '\\');
		if (!err)
			err = buf_write_u8(b, (uint8_t)*s);
	}
	return err ? err : buf_write_u8(b, '"');
}

int digest_challenge_print(struct buf *b, enum digest_alg alg,
			   const char *realm, const char *nonce,
			   const char *opaque, bool stale)
{
	int err;

	if (!b || !realm || !nonce || !digest_hexlen(alg))
		return EINVAL;
	err = buf_write_str(b, "Digest realm=");
	err = err ? err : print_quoted(b, realm);
	err = err ? err : buf_write_str(b, ", nonce=");
	err = err ? err : print_quoted(b, nonce);
	if (opaque) {
		err = err ? err : buf_write_str(b, ", opaque=");
		err = err ? err : print_quoted(b, opaque);
	}
	if (err)
		return err;
	return buf_printf(b, ", algorithm=%s, qop=\"auth\"%s",
			  digest_alg_name(alg), stale ? ", stale=true" : "");
}
