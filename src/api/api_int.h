/* Private to src/api. */
#ifndef TRUNKD_API_API_INT_H
#define TRUNKD_API_API_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "api/api.h"
#include "store/store.h"

enum { API_MAX_ARGS = 64, API_MAX_SEGS = 12 };

struct api_kv {
	char *key; /* owned (mem) */
	char *val; /* owned (mem) */
};

struct api_req {
	struct store *st;	  /* weak */
	struct snapshot_pub *pub; /* weak */
	const char *method;
	char path[512];
	bool v2010;	/* path under /2010-04-01 */
	char base[300]; /* "http://host:port" from the Host header */
	struct api_kv args[API_MAX_ARGS];
	size_t nargs;
	struct store_row *auth; /* owned ref: the authenticated account */
	/* response */
	unsigned status;
	json_t *out; /* owned */
};

enum api_ftype {
	FT_STR = 0,
	FT_INT,
	FT_BOOL,
	FT_DATE,
};

enum {
	FF_CREATE = 1 << 0,  /* settable on create */
	FF_UPDATE = 1 << 1,  /* settable on update */
	FF_REQUIRED = 1 << 2, /* required on create */
	FF_HIDDEN = 1 << 3,  /* never rendered */
	FF_FILTER = 1 << 4,  /* list filter (exact match) */
};

struct api_field;
typedef int(api_check_h)(struct api_req *r, const struct api_field *f,
			 const char *in);

struct api_field {
	const char *form; /* request parameter name, NULL: none */
	const char *col;  /* column */
	const char *json; /* response key; NULL: col */
	enum api_ftype type;
	unsigned flags;
	const char *def; /* default on create (text form), NULL: none */
	api_check_h *check;
	int code;	 /* Twilio code for an invalid value */
	long min, max;	 /* FT_INT range (when min < max) */
	const char *const *choices; /* FT_STR enum values, NULL-terminated */
};

struct api_res;

/* Hook before insert/update: adds or rewrites columns in cols (ncols in,
 * out; array has room for API_MAX_ARGS). existing is NULL on create.
 * Returns 0 or sets r's error and returns an errno. */
typedef int(api_write_h)(struct api_req *r, const struct api_res *res,
			 const struct store_row *existing,
			 struct store_col *cols, size_t *ncols,
			 char (*scratch)[128]);
typedef void(api_render_h)(struct api_req *r, const struct api_res *res,
			   const struct store_row *row, json_t *o);

/* Hook adding list conditions from request args (room: API_MAX_ARGS). */
typedef int(api_filter_h)(struct api_req *r, struct store_cond *conds,
			  size_t *nconds, char (*scratch)[128]);

enum {
	RM_LIST = 1 << 0,
	RM_CREATE = 1 << 1,
	RM_FETCH = 1 << 2,
	RM_UPDATE = 1 << 3,
	RM_DELETE = 1 << 4,
};

struct api_res {
	const char *path;	/* collection pattern, {XX} = SID of XX */
	const char *table;
	const char *prefix;	/* SID prefix of items */
	const char *list_key;
	const char *parent_col; /* column bound to the last {XX} in path */
	const char *parent_table;
	unsigned methods;
	const struct api_field *fields; /* terminated by .col == NULL */
	api_write_h *on_write;
	api_render_h *render;
	api_filter_h *filter;
	const char *order_col; /* list order; NULL: insertion */
	bool order_desc;
	bool no_account;	/* table has no account_sid (none yet) */
	bool item_is_parent_ref; /* association: sid names another row */
};

/* Route table (resources.c). */
extern const struct api_res api_resources[];
extern const size_t api_nresources;

/* Request helpers (http.c / crud.c) */
const char *api_arg(const struct api_req *r, const char *key);
void api_error(struct api_req *r, unsigned status, int code,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
bool api_visible(struct api_req *r, const char *account_sid);
const char *api_auth_sid(const struct api_req *r);

/* Generic handlers (crud.c). segs/sids from the matched path. */
void api_crud(struct api_req *r, const struct api_res *res,
	      const char *const *sids, size_t nsids, const char *item_sid);

/* Paging (crud.c): PageSize (1-1000, default 50), Page, PageToken
 * ("PT<offset>") into *sizep and *offsetp; 0, or EINVAL with a 400 reply. */
int api_page_parse(struct api_req *r, size_t *sizep, size_t *offsetp);
/* A list answer: arr (reference taken) under key, with Twilio's paging
 * links (v1 "meta" block or 2010 *_page_uri fields, by r->v2010); more
 * says whether a next page exists. */
json_t *api_page_wrap(struct api_req *r, const char *key, json_t *arr,
		      size_t size, size_t offset, bool more);

/* Dialing permissions (dialing.c): /v1/DialingPermissions/... and
 * /v1/Settings. Returns true if the path was one of them. */
bool api_dialing(struct api_req *r);

/* Rendering (render.c) */
json_t *api_render_row(struct api_req *r, const struct api_res *res,
		       const struct store_row *row);
void api_fmt_date(char *buf, size_t sz, int64_t t, bool rfc2822);
/* The item URL/URI of a row of res (sids = path parent sids). */
void api_item_url(struct api_req *r, const struct api_res *res,
		  const struct store_row *row, char *buf, size_t sz);

/* Custom endpoints (special.c). Return true if handled. */
bool api_special(struct api_req *r);

/* Bootstrap / accounts (accounts.c) */
int api_account_get(struct store *st, const char *sid,
		    struct store_row **rowp);
int api_create_default_policy(struct store *st, const char *account_sid,
			      int64_t now);

#endif
