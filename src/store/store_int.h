/* Private to src/store: the store handle shared by the backends. */
#ifndef TRUNKD_STORE_STORE_INT_H
#define TRUNKD_STORE_STORE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "store/store.h"

struct store {
	const struct store_ops *ops;
	void *be;	      /* owned by the backend (close releases) */
	pthread_mutex_t lock; /* recursive: serialises all calls */
	bool in_tx;	      /* a store_tx_begin() is open */
	bool tx_dirty;	      /* the open tx wrote configuration */
	_Atomic uint64_t generation;
	store_change_h *on_change; /* guarded by lock */
	void *change_arg;
};

/* Identifier check for table and column names: [a-z0-9_]+. */
bool store_ident_ok(const char *s);

/* Build a row from column names and values (copied). Returns NULL on
 * ENOMEM. */
struct store_row *store_row_build(size_t n, const char *const *names,
				  const struct store_val *vals);

/* Append a row to rows (takes the reference). 0 or ENOMEM. */
int store_rows_push(struct store_rows *rows, struct store_row *row);
struct store_rows *store_rows_alloc(void);

struct snapshot;

/* Fill every account's geo array of s (accounts and dialperms built).
 * Returns 0 or ENOMEM. (dialperm.c) */
int snapshot_geo_build(struct snapshot *s);

#endif
