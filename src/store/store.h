/* The store: trunkd's persistent configuration and alert records.
 *
 * A narrow, backend-neutral interface. Configuration lives in plain tables
 * (one per resource, named in docs/api.md) whose rows are read and written
 * as lists of (column, value) pairs; the SQL stays inside the backend, so
 * a PostgreSQL backend only has to implement struct store_ops.
 *
 * Concurrency: a store handle may be used from several threads (API thread,
 * alert writer, snapshot publisher); calls are serialised inside. Every
 * call that writes is one transaction, committed (and durable, even across
 * kill -9) before it returns 0. store_tx_begin()..store_tx_commit() groups
 * several writes into one transaction; while it is open other threads
 * block on the store.
 *
 * Errors: 0, or a positive errno: ENOENT (no such row), EEXIST (unique key
 * taken), EINVAL (bad argument, e.g. an unknown column), ENOMEM, EIO
 * (backend failure), EBUSY (database locked past the busy timeout).
 */
#ifndef TRUNKD_STORE_STORE_H
#define TRUNKD_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* ---- Alerts (Monitor v1 Alert plus trunkd's extras) ------------------ */

/* One alert record as handed to store_alerts_insert(). All strings are
 * borrowed (copied by the store), NULL means empty/absent. */
struct store_alert {
	const char *sid;	    /* "NO" + 32 hex; NULL: store makes one */
	const char *account_sid;    /* "AC" + 32 hex, required */
	const char *error_code;	    /* e.g. "32201" (a string, as Twilio) */
	const char *log_level;	    /* "error", "warning", "notice", "debug" */
	const char *alert_text;	    /* key=value&key=value pairs */
	const char *resource_sid;   /* the trunk (TK...) or NULL */
	const char *service_sid;    /* NULL */
	const char *request_method; /* SIP method, e.g. "INVITE" */
	const char *request_url;    /* SIP Request-URI */
	const char *request_variables; /* NULL */
	const char *request_headers;   /* NULL */
	const char *response_body;     /* NULL */
	const char *response_headers;  /* NULL */
	const char *more_info;	       /* docs URL or NULL */
	const char *sip_trace;	       /* trunkd: both legs' messages */
	const char *diagnosis;	       /* trunkd: cause and fix */
	const char *evidence;	       /* trunkd: the offending lines */
	int64_t date_generated;	       /* Unix seconds the fault occurred */
	int64_t date_created;	       /* Unix seconds; 0: now */
};

/* Insert n alerts in one transaction (all or none). Returns 0, EINVAL
 * (missing account_sid/error_code) or a store error. */
int store_alerts_insert(struct store *st, const struct store_alert *alerts,
			size_t n);

/* Delete every alert whose date_created is before t (Unix seconds), in one
 * transaction. *countp (may be NULL) receives the number deleted. */
int store_alerts_purge_before(struct store *st, int64_t t, size_t *countp);

/* ---- Generic rows ---------------------------------------------------- */

enum store_type {
	STORE_NULL = 0,
	STORE_INT,
	STORE_TEXT,
};

struct store_val {
	enum store_type type;
	int64_t i;     /* STORE_INT */
	const char *s; /* STORE_TEXT, borrowed */
};

/* A named value to write. Column names are identifiers fixed in code
 * ([a-z0-9_]+), never user input; the store rejects others with EINVAL. */
struct store_col {
	const char *name;
	struct store_val v;
};

enum store_op {
	STORE_EQ = 0,
	STORE_NE,
	STORE_LT,
	STORE_LE,
	STORE_GT,
	STORE_GE,
	STORE_PREFIX, /* text column starts with v.s (literal) */
};

struct store_cond {
	const char *col;
	enum store_op op;
	struct store_val v;
};

struct store_query {
	const char *table;
	const struct store_cond *conds; /* ANDed */
	size_t nconds;
	const char *order_col; /* NULL: "rowid-like" insertion order */
	bool desc;
	size_t limit; /* 0: no limit */
	size_t offset;
};

/* A row read from the store (mem object; strings owned by it). */
struct store_row {
	size_t ncols;
	const char **names;	/* owned */
	struct store_val *vals; /* owned; .s point into the row */
};

/* Rows read from the store (mem object, owns the rows). */
struct store_rows {
	size_t n;
	struct store_row **rows; /* owned */
};

/* Value of column col, or NULL if absent or NULL/non-text (an INT column
 * is returned as NULL; use store_row_int). */
const char *store_row_str(const struct store_row *row, const char *col);
/* Integer value of col, or def when absent or NULL. */
int64_t store_row_int(const struct store_row *row, const char *col,
		      int64_t def);
/* Value of col or NULL when the row has no such column. */
const struct store_val *store_row_val(const struct store_row *row,
				      const char *col);

/* Insert a row into table. Returns 0, EEXIST (unique constraint), ENOENT
 * (a referenced row is missing: foreign key) or a store error. */
int store_insert(struct store *st, const char *table,
		 const struct store_col *cols, size_t ncols);

/* Update the rows matching conds; *countp (may be NULL) = rows changed.
 * EEXIST/ENOENT as store_insert. */
int store_update(struct store *st, const char *table,
		 const struct store_cond *conds, size_t nconds,
		 const struct store_col *cols, size_t ncols, size_t *countp);

/* Delete the rows matching conds (at least one cond required);
 * *countp (may be NULL) = rows deleted. Dependent rows go by cascade. */
int store_delete(struct store *st, const char *table,
		 const struct store_cond *conds, size_t nconds,
		 size_t *countp);

/* Run a query; *rowsp receives a new store_rows (possibly n == 0). */
int store_select(struct store *st, const struct store_query *q,
		 struct store_rows **rowsp);

/* The first row matching q (limit ignored), or ENOENT. */
int store_select_one(struct store *st, const struct store_query *q,
		     struct store_row **rowp);

/* Number of rows matching q's table and conds. */
int store_count(struct store *st, const struct store_query *q, size_t *countp);

/* Group writes into one transaction. Nested begin is an error (EALREADY).
 * While a transaction is open, the calling thread holds the store. */
int store_tx_begin(struct store *st);
int store_tx_commit(struct store *st);
void store_tx_rollback(struct store *st);

/* Configuration generation: grows by one at every committed write to a
 * configuration table (not the alerts table). The snapshot publisher
 * rebuilds when it changes. */
uint64_t store_generation(struct store *st);

/* Called right after the generation grows, on the writing thread, with
 * the store held: it must not call back into the store (signal a thread
 * instead). */
typedef void(store_change_h)(void *arg);

/* Install (h NULL: remove) the one change handler. Once this returns, a
 * removed handler is no longer running nor called. */
void store_on_change(struct store *st, store_change_h *h, void *arg);

/* ---- Backends -------------------------------------------------------- */

struct store_ops {
	const char *name;
	int (*open)(struct store *st, const char *uri);
	void (*close)(struct store *st);
	int (*exec_insert)(struct store *st, const char *table,
			   const struct store_col *cols, size_t ncols);
	int (*exec_update)(struct store *st, const char *table,
			   const struct store_cond *conds, size_t nconds,
			   const struct store_col *cols, size_t ncols,
			   size_t *countp);
	int (*exec_delete)(struct store *st, const char *table,
			   const struct store_cond *conds, size_t nconds,
			   size_t *countp);
	int (*exec_select)(struct store *st, const struct store_query *q,
			   bool count_only, struct store_rows **rowsp,
			   size_t *countp);
	int (*tx_begin)(struct store *st);
	int (*tx_commit)(struct store *st);
	void (*tx_rollback)(struct store *st);
};

extern const struct store_ops store_sqlite_ops;

/* Open the SQLite store at path (file created if missing; ":memory:" for
 * tests), set WAL, synchronous=FULL, foreign_keys=ON, busy_timeout, and
 * apply pending schema migrations in order. *stp gets a mem object;
 * mem_deref() closes it. */
int store_open_sqlite(struct store **stp, const char *path);

/* Schema version after migrations (for tests). */
int store_schema_version(struct store *st, int *versionp);

/* ---- Helpers --------------------------------------------------------- */

/* Write a new random SID: two-letter prefix + 32 lowercase hex + NUL into
 * out (35 bytes). Returns 0 or EIO when no randomness is available. */
int store_sid_new(char out[35], const char *prefix);

/* True if s is prefix + 32 hex digits (lowercase or uppercase). */
bool store_sid_valid(const char *s, const char *prefix);

#endif
