/* Private to src/store: SQLite backend internals. */
#ifndef TRUNKD_STORE_SQLITE_INT_H
#define TRUNKD_STORE_SQLITE_INT_H

#include <stddef.h>

/* The numbered migrations: element i is migration i + 1. */
const char *const *sqlite_migrations(size_t *np);

#endif
