/* org: see org.h. */
#include "store/org.h"

#include <errno.h>
#include <string.h>

#include "lib/timeutil.h"

int64_t
org_find(struct db *d, const char *name)
{
	sqlite3_stmt *st = db_cached(d,
	    "SELECT id FROM organisation WHERE name = ?");
	int64_t id = 0;

	db_bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

int64_t
org_ensure(struct db *d, const char *name, const char *kind,
    const char *country)
{
	sqlite3_stmt *st;
	int64_t id = org_find(d, name);

	if (id)
		return id;
	st = db_cached(d, "INSERT INTO organisation (name, kind, country, "
	    "created) VALUES (?, ?, ?, ?)");
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, kind ? kind : "");
	db_bind_text(st, 3, country ? country : "");
	sqlite3_bind_int64(st, 4, time_now());
	if (db_step_done(d, st) == -1)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

const char *
org_kind_for_role(const char *role)
{
	if (role == NULL)
		return "";
	if (strcmp(role, "government") == 0)
		return "government";
	if (strcmp(role, "delegate") == 0)
		return "civil-society";
	return "";
}

int
org_update(struct db *d, int64_t id, const char *name, const char *kind,
    const char *country)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE organisation SET "
	    "name = COALESCE(?2, name), kind = COALESCE(?3, kind), "
	    "country = COALESCE(?4, country) WHERE id = ?1");
	int rc;

	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, kind);
	db_bind_text(st, 4, country);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		errno = EEXIST;
		return -1;
	}
	return rc == SQLITE_DONE ? 0 : -1;
}
