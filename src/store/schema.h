/*
 * schema: numbered migrations. Migration N moves a database from
 * user_version N-1 to N inside one transaction, so a failure leaves the
 * database at the previous version. Applying them again is harmless.
 */
#ifndef HERALD_SCHEMA_H
#define HERALD_SCHEMA_H

#include "store/db.h"

/* The version this build of herald reads and writes. */
int schema_latest(void);
/* The database's current version (0 for a new file). */
int schema_version(struct db *d);
/*
 * Apply all pending migrations. Returns the number applied, or -1 with
 * err set. A database newer than this build is an error.
 */
int schema_migrate(struct db *d, char *err, size_t errlen);
/* 0 when the database is at schema_latest(); else -1 with err set. */
int schema_check(struct db *d, char *err, size_t errlen);

#endif
