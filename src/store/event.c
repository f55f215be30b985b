/* event: see event.h. */
#include "store/event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeutil.h"

int64_t
event_create(struct db *d, const struct event *e)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO event (name, title, "
	    "start_at, end_at, location, tz, capacity, created, start_text, "
	    "end_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	char st_text[128], en_text[128];
	int rc;

	db_bind_text(st, 1, e->name);
	db_bind_text(st, 2, e->title);
	sqlite3_bind_int64(st, 3, e->start_at);
	sqlite3_bind_int64(st, 4, e->end_at);
	db_bind_text(st, 5, e->location ? e->location : "");
	db_bind_text(st, 6, e->tz ? e->tz : "");
	if (e->capacity >= 0)
		sqlite3_bind_int64(st, 7, e->capacity);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_int64(st, 8, time_now());
	db_bind_text(st, 9, time_format_local(e->start_at, e->tz, st_text,
	    sizeof st_text));
	db_bind_text(st, 10, time_format_local(e->end_at, e->tz, en_text,
	    sizeof en_text));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		errno = EEXIST;
		return -1;
	}
	return rc == SQLITE_DONE ? sqlite3_last_insert_rowid(d->h) : -1;
}

static int
event_fill(sqlite3_stmt *st, struct event *e)
{
	int rc;

	memset(e, 0, sizeof *e);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e->id = sqlite3_column_int64(st, 0);
		e->name = db_col_dup(st, 1);
		e->title = db_col_dup(st, 2);
		e->start_at = sqlite3_column_int64(st, 3);
		e->end_at = sqlite3_column_int64(st, 4);
		e->location = db_col_dup(st, 5);
		e->tz = db_col_dup(st, 6);
		e->capacity = sqlite3_column_int64(st, 7);
		e->start_text = db_col_dup(st, 8);
		e->end_text = db_col_dup(st, 9);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

#define EVENT_COLUMNS "SELECT id, name, title, start_at, end_at, " \
	"location, tz, COALESCE(capacity, -1), start_text, end_text FROM event "

int
event_get(struct db *d, const char *name, struct event *e)
{
	sqlite3_stmt *st = db_cached(d, EVENT_COLUMNS "WHERE name = ?");

	db_bind_text(st, 1, name);
	return event_fill(st, e);
}

int
event_get_id(struct db *d, int64_t id, struct event *e)
{
	sqlite3_stmt *st = db_cached(d, EVENT_COLUMNS "WHERE id = ?");

	sqlite3_bind_int64(st, 1, id);
	return event_fill(st, e);
}

void
event_clear(struct event *e)
{
	free(e->name);
	free(e->title);
	free(e->location);
	free(e->tz);
	free(e->start_text);
	free(e->end_text);
	memset(e, 0, sizeof *e);
}

int
event_update(struct db *d, const struct event *e)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE event SET title = ?2, "
	    "start_at = ?3, end_at = ?4, location = ?5, tz = ?6, capacity = ?7, "
	    "start_text = ?8, end_text = ?9, sequence = sequence + "
	    "(start_at != ?3 OR end_at != ?4 OR location != ?5 OR title != ?2) "
	    "WHERE id = ?1");
	char st_text[128], en_text[128];

	sqlite3_bind_int64(st, 1, e->id);
	db_bind_text(st, 2, e->title);
	sqlite3_bind_int64(st, 3, e->start_at);
	sqlite3_bind_int64(st, 4, e->end_at);
	db_bind_text(st, 5, e->location ? e->location : "");
	db_bind_text(st, 6, e->tz ? e->tz : "");
	if (e->capacity >= 0)
		sqlite3_bind_int64(st, 7, e->capacity);
	else
		sqlite3_bind_null(st, 7);
	db_bind_text(st, 8, time_format_local(e->start_at, e->tz, st_text,
	    sizeof st_text));
	db_bind_text(st, 9, time_format_local(e->end_at, e->tz, en_text,
	    sizeof en_text));
	return db_step_done(d, st);
}
