/* SQLite backend of the store: WAL, synchronous=FULL, foreign keys,
 * numbered migrations. SQL is built from identifiers checked by
 * store_ident_ok(); every value is bound. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"
#include "store/sqlite_int.h"
#include "store/store_int.h"

struct sq {
	sqlite3 *db;
};

static sqlite3 *db_of(struct store *st)
{
	return ((struct sq *)st->be)->db;
}

static int map_err(sqlite3 *db, int rc)
{
	int ext = sqlite3_extended_errcode(db);

	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_CONSTRAINT:
		if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
			return ENOENT;
		if (ext == SQLITE_CONSTRAINT_UNIQUE ||
		    ext == SQLITE_CONSTRAINT_PRIMARYKEY)
			return EEXIST;
		return EINVAL;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EBUSY;
	case SQLITE_NOMEM:
		return ENOMEM;
	case SQLITE_ERROR:
		log_warn("store: sqlite: %s", sqlite3_errmsg(db));
		return EINVAL;
	default:
		log_error("store: sqlite: %s", sqlite3_errmsg(db));
		return EIO;
	}
}

static int exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		log_error("store: sqlite: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return map_err(db, rc);
	}
	return 0;
}

static int bind_val(sqlite3_stmt *s, int idx, const struct store_val *v)
{
	switch (v->type) {
	case STORE_INT:
		return sqlite3_bind_int64(s, idx, v->i);
	case STORE_TEXT:
		return sqlite3_bind_text(s, idx, v->s ? v->s : "", -1,
					 SQLITE_TRANSIENT);
	default:
		return sqlite3_bind_null(s, idx);
	}
}

static const char *op_sql(enum store_op op)
{
	switch (op) {
	case STORE_NE:
		return "<>";
	case STORE_LT:
		return "<";
	case STORE_LE:
		return "<=";
	case STORE_GT:
		return ">";
	case STORE_GE:
		return ">=";
	default:
		return "=";
	}
}

/* Append " WHERE ..." for conds. */
static int where_sql(struct buf *b, const struct store_cond *conds, size_t n)
{
	size_t i;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		if (!store_ident_ok(conds[i].col))
			return EINVAL;
		err = buf_write_str(b, i ? " AND " : " WHERE ");
		if (err)
			break;
		if (conds[i].op == STORE_PREFIX)
			err = buf_printf(b, "substr(%s,1,length(?))=?",
					 conds[i].col);
		else if (conds[i].v.type == STORE_NULL)
			err = buf_printf(b, "%s IS %s", conds[i].col,
					 conds[i].op == STORE_NE ? "NOT NULL"
								 : "NULL");
		else
			err = buf_printf(b, "%s%s?", conds[i].col,
					 op_sql(conds[i].op));
	}
	return err;
}

static int bind_conds(sqlite3_stmt *s, int *idx,
		      const struct store_cond *conds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (conds[i].op == STORE_PREFIX) {
			if (bind_val(s, (*idx)++, &conds[i].v) ||
			    bind_val(s, (*idx)++, &conds[i].v))
				return EINVAL;
		} else if (conds[i].v.type != STORE_NULL) {
			if (bind_val(s, (*idx)++, &conds[i].v))
				return EINVAL;
		}
	}
	return 0;
}

static int prepare(sqlite3 *db, struct buf *b, sqlite3_stmt **sp)
{
	int rc;

	if (buf_write_u8(b, 0))
		return ENOMEM;
	rc = sqlite3_prepare_v2(db, (const char *)b->data, -1, sp, NULL);
	if (rc != SQLITE_OK)
		return map_err(db, rc);
	return 0;
}

/* Run a write statement; outside a transaction it autocommits. */
static int step_write(sqlite3 *db, sqlite3_stmt *s, size_t *countp)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE)
		return map_err(db, rc);
	if (countp)
		*countp = (size_t)sqlite3_changes(db);
	return 0;
}

static int sq_insert(struct store *st, const char *table,
		     const struct store_col *cols, size_t ncols)
{
	sqlite3 *db = db_of(st);
	sqlite3_stmt *s = NULL;
	struct buf *b = buf_alloc(256);
	size_t i;
	int err;

	if (!b)
		return ENOMEM;
	err = buf_printf(b, "INSERT INTO %s (", table);
	for (i = 0; i < ncols && !err; i++) {
		if (!store_ident_ok(cols[i].name)) {
			err = EINVAL;
			break;
		}
		err = buf_printf(b, "%s%s", i ? "," : "", cols[i].name);
	}
	err = err ? err : buf_write_str(b, ") VALUES (");
	for (i = 0; i < ncols && !err; i++)
		err = buf_write_str(b, i ? ",?" : "?");
	err = err ? err : buf_write_str(b, ")");
	err = err ? err : prepare(db, b, &s);
	for (i = 0; i < ncols && !err; i++) {
		if (bind_val(s, (int)i + 1, &cols[i].v) != SQLITE_OK)
			err = EINVAL;
	}
	if (!err)
		err = step_write(db, s, NULL);
	sqlite3_finalize(s);
	mem_deref(b);
	return err;
}

static int sq_update(struct store *st, const char *table,
		     const struct store_cond *conds, size_t nconds,
		     const struct store_col *cols, size_t ncols,
		     size_t *countp)
{
	sqlite3 *db = db_of(st);
	sqlite3_stmt *s = NULL;
	struct buf *b = buf_alloc(256);
	size_t i;
	int idx = 1, err;

	if (!b)
		return ENOMEM;
	err = buf_printf(b, "UPDATE %s SET ", table);
	for (i = 0; i < ncols && !err; i++) {
		if (!store_ident_ok(cols[i].name)) {
			err = EINVAL;
			break;
		}
		err = buf_printf(b, "%s%s=?", i ? "," : "", cols[i].name);
	}
	err = err ? err : where_sql(b, conds, nconds);
	err = err ? err : prepare(db, b, &s);
	for (i = 0; i < ncols && !err; i++) {
		if (bind_val(s, idx++, &cols[i].v) != SQLITE_OK)
			err = EINVAL;
	}
	err = err ? err : bind_conds(s, &idx, conds, nconds);
	if (!err)
		err = step_write(db, s, countp);
	sqlite3_finalize(s);
	mem_deref(b);
	return err;
}

static int sq_delete(struct store *st, const char *table,
		     const struct store_cond *conds, size_t nconds,
		     size_t *countp)
{
	sqlite3 *db = db_of(st);
	sqlite3_stmt *s = NULL;
	struct buf *b = buf_alloc(256);
	int idx = 1, err;

	if (!b)
		return ENOMEM;
	err = buf_printf(b, "DELETE FROM %s", table);
	err = err ? err : where_sql(b, conds, nconds);
	err = err ? err : prepare(db, b, &s);
	err = err ? err : bind_conds(s, &idx, conds, nconds);
	if (!err)
		err = step_write(db, s, countp);
	sqlite3_finalize(s);
	mem_deref(b);
	return err;
}

static struct store_row *row_from_stmt(sqlite3_stmt *s)
{
	int n = sqlite3_column_count(s), i;
	const char **names;
	struct store_val *vals;
	struct store_row *row = NULL;

	names = mem_zalloc((size_t)n * sizeof(*names) + 1, NULL);
	vals = mem_zalloc((size_t)n * sizeof(*vals) + 1, NULL);
	if (!names || !vals)
		goto out;
	for (i = 0; i < n; i++) {
		names[i] = sqlite3_column_name(s, i);
		switch (sqlite3_column_type(s, i)) {
		case SQLITE_INTEGER:
			vals[i].type = STORE_INT;
			vals[i].i = sqlite3_column_int64(s, i);
			break;
		case SQLITE_NULL:
			vals[i].type = STORE_NULL;
			break;
		default:
			vals[i].type = STORE_TEXT;
			vals[i].s = (const char *)sqlite3_column_text(s, i);
			if (!vals[i].s)
				vals[i].s = "";
			break;
		}
	}
	row = store_row_build((size_t)n, names, vals);
out:
	mem_deref(names);
	mem_deref(vals);
	return row;
}

static int sq_select(struct store *st, const struct store_query *q,
		     bool count_only, struct store_rows **rowsp,
		     size_t *countp)
{
	sqlite3 *db = db_of(st);
	sqlite3_stmt *s = NULL;
	struct store_rows *rows = NULL;
	struct buf *b = buf_alloc(256);
	int idx = 1, rc, err;

	if (!b)
		return ENOMEM;
	err = buf_printf(b, "SELECT %s FROM %s", count_only ? "count(*)" : "*",
			 q->table);
	err = err ? err : where_sql(b, q->conds, q->nconds);
	if (!err && !count_only) {
		if (q->order_col && !store_ident_ok(q->order_col))
			err = EINVAL;
		else
			err = buf_printf(b, " ORDER BY %s %s",
					 q->order_col ? q->order_col : "rowid",
					 q->desc ? "DESC" : "ASC");
		if (!err && q->limit)
			err = buf_printf(b, " LIMIT %zu OFFSET %zu", q->limit,
					 q->offset);
	}
	err = err ? err : prepare(db, b, &s);
	err = err ? err : bind_conds(s, &idx, q->conds, q->nconds);
	if (err)
		goto out;
	if (count_only) {
		rc = sqlite3_step(s);
		if (rc != SQLITE_ROW) {
			err = map_err(db, rc);
			err = err ? err : EIO;
			goto out;
		}
		*countp = (size_t)sqlite3_column_int64(s, 0);
		goto out;
	}
	rows = store_rows_alloc();
	if (!rows) {
		err = ENOMEM;
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_row *row = row_from_stmt(s);

		if (!row || store_rows_push(rows, row)) {
			mem_deref(row);
			err = ENOMEM;
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		err = map_err(db, rc);
out:
	sqlite3_finalize(s);
	mem_deref(b);
	if (err || count_only)
		mem_deref(rows);
	else
		*rowsp = rows;
	return err;
}

static int sq_tx_begin(struct store *st)
{
	return exec_sql(db_of(st), "BEGIN IMMEDIATE");
}

static int sq_tx_commit(struct store *st)
{
	return exec_sql(db_of(st), "COMMIT");
}

static void sq_tx_rollback(struct store *st)
{
	sqlite3 *db = db_of(st);

	if (!sqlite3_get_autocommit(db))
		(void)exec_sql(db, "ROLLBACK");
}

static int migrate(sqlite3 *db)
{
	const char *const *m;
	sqlite3_stmt *s = NULL;
	size_t n, v;
	char sql[64];
	int err;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return EIO;
	}
	v = (size_t)sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	m = sqlite_migrations(&n);
	if (v > n) {
		log_error("store: database schema %zu is newer than this "
			  "trunkd (%zu)",
			  v, n);
		return EPROTO;
	}
	for (; v < n; v++) {
		err = exec_sql(db, "BEGIN IMMEDIATE");
		err = err ? err : exec_sql(db, m[v]);
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%zu", v + 1);
		err = err ? err : exec_sql(db, sql);
		err = err ? err : exec_sql(db, "COMMIT");
		if (err) {
			(void)exec_sql(db, "ROLLBACK");
			log_error("store: migration %zu failed", v + 1);
			return err;
		}
		log_info("store: applied migration %zu", v + 1);
	}
	return 0;
}

static int sq_open(struct store *st, const char *path)
{
	struct sq *sq;
	int rc, err;

	sq = mem_zalloc(sizeof(*sq), NULL);
	if (!sq)
		return ENOMEM;
	rc = sqlite3_open_v2(path, &sq->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_FULLMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		log_error("store: cannot open %s: %s", path,
			  sq->db ? sqlite3_errmsg(sq->db) : "no memory");
		err = EIO;
		goto out;
	}
	sqlite3_extended_result_codes(sq->db, 1);
	sqlite3_busy_timeout(sq->db, 5000);
	err = exec_sql(sq->db, "PRAGMA journal_mode=WAL;"
			       "PRAGMA synchronous=FULL;"
			       "PRAGMA foreign_keys=ON;");
	err = err ? err : migrate(sq->db);
out:
	if (err) {
		sqlite3_close(sq->db);
		mem_deref(sq);
		return err;
	}
	st->be = sq;
	return 0;
}

static void sq_close(struct store *st)
{
	struct sq *sq = st->be;

	if (!sq)
		return;
	sqlite3_close(sq->db);
	st->be = mem_deref(sq);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec_insert = sq_insert,
	.exec_update = sq_update,
	.exec_delete = sq_delete,
	.exec_select = sq_select,
	.tx_begin = sq_tx_begin,
	.tx_commit = sq_tx_commit,
	.tx_rollback = sq_tx_rollback,
};

static void store_destroy(void *arg)
{
	struct store *st = arg;

	if (st->ops && st->ops->close)
		st->ops->close(st);
	pthread_mutex_destroy(&st->lock);
}

int store_open_sqlite(struct store **stp, const char *path)
{
	pthread_mutexattr_t attr;
	struct store *st;
	int err;

	if (!stp || !path)
		return EINVAL;
	st = mem_zalloc(sizeof(*st), store_destroy);
	if (!st)
		return ENOMEM;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&st->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	st->ops = &store_sqlite_ops;
	err = st->ops->open(st, path);
	if (err) {
		mem_deref(st);
		return err;
	}
	*stp = st;
	return 0;
}

int store_schema_version(struct store *st, int *versionp)
{
	sqlite3_stmt *s = NULL;
	int err = 0;

	if (!st || !versionp || st->ops != &store_sqlite_ops)
		return EINVAL;
	pthread_mutex_lock(&st->lock);
	if (sqlite3_prepare_v2(db_of(st), "PRAGMA user_version", -1, &s,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW)
		err = EIO;
	else
		*versionp = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	pthread_mutex_unlock(&st->lock);
	return err;
}
