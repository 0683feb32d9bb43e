/* Backend-neutral part of the store: locking, transactions, row helpers,
 * SIDs. */
#include "store/store_int.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include <openssl/rand.h>

#include "base/mem.h"

bool store_ident_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	}
	return true;
}

static bool is_config_table(const char *table)
{
	return strcmp(table, "alerts") != 0;
}

static void generation_grow(struct store *st)
{
	atomic_fetch_add(&st->generation, 1);
	if (st->on_change)
		st->on_change(st->change_arg);
}

static void bump(struct store *st, const char *table)
{
	if (!is_config_table(table))
		return;
	if (st->in_tx)
		st->tx_dirty = true;
	else
		generation_grow(st);
}

int store_insert(struct store *st, const char *table,
		 const struct store_col *cols, size_t ncols)
{
	int err;

	if (!st || !store_ident_ok(table) || !cols || !ncols)
		return EINVAL;
	pthread_mutex_lock(&st->lock);
	err = st->ops->exec_insert(st, table, cols, ncols);
	if (!err)
		bump(st, table);
	pthread_mutex_unlock(&st->lock);
	return err;
}

int store_update(struct store *st, const char *table,
		 const struct store_cond *conds, size_t nconds,
		 const struct store_col *cols, size_t ncols, size_t *countp)
{
	size_t n = 0;
	int err;

	if (!st || !store_ident_ok(table) || !nconds || !ncols)
		return EINVAL;
	pthread_mutex_lock(&st->lock);
	err = st->ops->exec_update(st, table, conds, nconds, cols, ncols, &n);
	if (!err && n)
		bump(st, table);
	pthread_mutex_unlock(&st->lock);
	if (!err && countp)
		*countp = n;
	return err;
}

int store_delete(struct store *st, const char *table,
		 const struct store_cond *conds, size_t nconds, size_t *countp)
{
	size_t n = 0;
	int err;

	if (!st || !store_ident_ok(table) || !nconds)
		return EINVAL;
	pthread_mutex_lock(&st->lock);
	err = st->ops->exec_delete(st, table, conds, nconds, &n);
	if (!err && n)
		bump(st, table);
	pthread_mutex_unlock(&st->lock);
	if (!err && countp)
		*countp = n;
	return err;
}

int store_select(struct store *st, const struct store_query *q,
		 struct store_rows **rowsp)
{
	struct store_rows *rows = NULL;
	int err;

	if (!st || !q || !store_ident_ok(q->table) || !rowsp)
		return EINVAL;
	pthread_mutex_lock(&st->lock);
	err = st->ops->exec_select(st, q, false, &rows, NULL);
	pthread_mutex_unlock(&st->lock);
	if (!err)
		*rowsp = rows;
	return err;
}

int store_select_one(struct store *st, const struct store_query *q,
		     struct store_row **rowp)
{
	struct store_query q1;
	struct store_rows *rows = NULL;
	int err;

	if (!q || !rowp)
		return EINVAL;
	q1 = *q;
	q1.limit = 1;
	q1.offset = 0;
	err = store_select(st, &q1, &rows);
	if (err)
		return err;
	if (rows->n == 0) {
		err = ENOENT;
	} else {
		*rowp = mem_ref(rows->rows[0]);
	}
	mem_deref(rows);
	return err;
}

int store_count(struct store *st, const struct store_query *q, size_t *countp)
{
	size_t n = 0;
	int err;

	if (!st || !q || !store_ident_ok(q->table) || !countp)
		return EINVAL;
	pthread_mutex_lock(&st->lock);
	err = st->ops->exec_select(st, q, true, NULL, &n);
	pthread_mutex_unlock(&st->lock);
	if (!err)
		*countp = n;
	return err;
}

int store_tx_begin(struct store *st)
{
	int err;

	if (!st)
		return EINVAL;
	pthread_mutex_lock(&st->lock);
	if (st->in_tx) {
		pthread_mutex_unlock(&st->lock);
		return EALREADY;
	}
	err = st->ops->tx_begin(st);
	if (err) {
		pthread_mutex_unlock(&st->lock);
		return err;
	}
	st->in_tx = true;
	st->tx_dirty = false;
	/* the lock stays held until commit/rollback */
	return 0;
}

int store_tx_commit(struct store *st)
{
	int err;

	if (!st || !st->in_tx)
		return EINVAL;
	err = st->ops->tx_commit(st);
	if (err)
		st->ops->tx_rollback(st);
	else if (st->tx_dirty)
		generation_grow(st);
	st->in_tx = false;
	st->tx_dirty = false;
	pthread_mutex_unlock(&st->lock);
	return err;
}

void store_tx_rollback(struct store *st)
{
	if (!st || !st->in_tx)
		return;
	st->ops->tx_rollback(st);
	st->in_tx = false;
	st->tx_dirty = false;
	pthread_mutex_unlock(&st->lock);
}

uint64_t store_generation(struct store *st)
{
	return st ? atomic_load(&st->generation) : 0;
}

void store_on_change(struct store *st, store_change_h *h, void *arg)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	st->on_change = h;
	st->change_arg = arg;
	pthread_mutex_unlock(&st->lock);
}

/* ---- rows ---- */

struct store_row *store_row_build(size_t n, const char *const *names,
				  const struct store_val *vals)
{
	struct store_row *row;
	size_t sz, i;
	char *p;

	sz = sizeof(*row) + n * (sizeof(char *) + sizeof(struct store_val));
	for (i = 0; i < n; i++) {
		sz += strlen(names[i]) + 1;
		if (vals[i].type == STORE_TEXT)
			sz += strlen(vals[i].s ? vals[i].s : "") + 1;
	}
	row = mem_zalloc(sz, NULL);
	if (!row)
		return NULL;
	row->ncols = n;
	row->vals = (struct store_val *)(row + 1);
	row->names = (const char **)(row->vals + n);
	p = (char *)(row->names + n);
	for (i = 0; i < n; i++) {
		size_t l = strlen(names[i]) + 1;

		memcpy(p, names[i], l);
		row->names[i] = p;
		p += l;
		row->vals[i] = vals[i];
		if (vals[i].type == STORE_TEXT) {
			const char *s = vals[i].s ? vals[i].s : "";

			l = strlen(s) + 1;
			memcpy(p, s, l);
			row->vals[i].s = p;
			p += l;
		} else {
			row->vals[i].s = NULL;
		}
	}
	return row;
}

static void rows_destroy(void *arg)
{
	struct store_rows *rows = arg;
	size_t i;

	for (i = 0; i < rows->n; i++)
		mem_deref(rows->rows[i]);
	mem_deref(rows->rows);
}

struct store_rows *store_rows_alloc(void)
{
	return mem_zalloc(sizeof(struct store_rows), rows_destroy);
}

int store_rows_push(struct store_rows *rows, struct store_row *row)
{
	struct store_row **nr;

	nr = mem_realloc(rows->rows, (rows->n + 1) * sizeof(*nr));
	if (!nr)
		return ENOMEM;
	rows->rows = nr;
	rows->rows[rows->n++] = row;
	return 0;
}

const struct store_val *store_row_val(const struct store_row *row,
				      const char *col)
{
	size_t i;

	if (!row || !col)
		return NULL;
	for (i = 0; i < row->ncols; i++) {
		if (!strcmp(row->names[i], col))
			return &row->vals[i];
	}
	return NULL;
}

const char *store_row_str(const struct store_row *row, const char *col)
{
	const struct store_val *v = store_row_val(row, col);

	return (v && v->type == STORE_TEXT) ? v->s : NULL;
}

int64_t store_row_int(const struct store_row *row, const char *col,
		      int64_t def)
{
	const struct store_val *v = store_row_val(row, col);

	return (v && v->type == STORE_INT) ? v->i : def;
}

/* ---- SIDs ---- */

int store_sid_new(char out[35], const char *prefix)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[16];
	size_t i;

	if (!prefix || strlen(prefix) != 2)
		return EINVAL;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return EIO;
	out[0] = prefix[0];
	out[1] = prefix[1];
	for (i = 0; i < 16; i++) {
		out[2 + 2 * i] = hex[rnd[i] >> 4];
		out[3 + 2 * i] = hex[rnd[i] & 15];
	}
	out[34] = '\0';
	return 0;
}

bool store_sid_valid(const char *s, const char *prefix)
{
	size_t i;

	if (!s || !prefix || strncmp(s, prefix, 2) || strlen(s) != 34)
		return false;
	for (i = 2; i < 34; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}
