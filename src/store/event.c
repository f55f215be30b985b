/* event: see event.h. */
#include "store/event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeutil.h"
#include "store/queue.h"

int64_t
event_create(struct db *d, const struct event *e)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO event (name, title, "
	    "start_at, end_at, location, tz, capacity, created, start_text, "
	    "end_text, description, offer_expiry) VALUES (?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?)");
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
	db_bind_text(st, 11, e->description ? e->description : "");
	if (e->offer_expiry >= 0)
		sqlite3_bind_int64(st, 12, e->offer_expiry);
	else
		sqlite3_bind_null(st, 12);
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
		e->description = db_col_dup(st, 10);
		e->sequence = sqlite3_column_int64(st, 11);
		e->offer_expiry = sqlite3_column_int64(st, 12);
		e->cancelled_at = sqlite3_column_int64(st, 13);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

#define EVENT_COLUMNS "SELECT id, name, title, start_at, end_at, " \
	"location, tz, COALESCE(capacity, -1), start_text, end_text, " \
	"description, sequence, COALESCE(offer_expiry, -1), " \
	"COALESCE(cancelled_at, 0) FROM event "

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
	free(e->description);
	memset(e, 0, sizeof *e);
}

int
event_update(struct db *d, const struct event *e)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE event SET title = ?2, "
	    "start_at = ?3, end_at = ?4, location = ?5, tz = ?6, capacity = ?7, "
	    "start_text = ?8, end_text = ?9, description = ?10, "
	    "offer_expiry = ?11, sequence = sequence + "
	    "(start_at != ?3 OR end_at != ?4 OR location != ?5 OR title != ?2 "
	    "OR description != ?10) WHERE id = ?1");
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
	db_bind_text(st, 10, e->description ? e->description : "");
	if (e->offer_expiry >= 0)
		sqlite3_bind_int64(st, 11, e->offer_expiry);
	else
		sqlite3_bind_null(st, 11);
	return db_step_done(d, st);
}

int
event_seats_replace(struct db *d, int64_t event_id,
    const struct event_seat *seats, int n)
{
	sqlite3_stmt *st = db_cached(d, "DELETE FROM event_seat WHERE "
	    "event_id = ?");
	int i;

	sqlite3_bind_int64(st, 1, event_id);
	if (db_step_done(d, st) == -1)
		return -1;
	st = db_cached(d, "INSERT INTO event_seat (event_id, field, value, "
	    "seats) VALUES (?, ?, ?, ?) ON CONFLICT (event_id, field, value) "
	    "DO UPDATE SET seats = excluded.seats");
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, event_id);
		db_bind_text(st, 2, seats[i].field);
		db_bind_text(st, 3, seats[i].value);
		sqlite3_bind_int64(st, 4, seats[i].seats);
		if (db_step_done(d, st) == -1)
			return -1;
	}
	return 0;
}

int
event_cancel(struct db *d, int64_t event_id, int64_t now)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE event SET cancelled_at = ?2, "
	    "sequence = sequence + 1 WHERE id = ?1");

	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, now);
	return db_step_done(d, st);
}

long
event_tell(struct db *d, int64_t event_id, const char *tmpl,
    const struct token_key *key, const char *domain)
{
	sqlite3_stmt *st = db_cached(d, QUEUE_ENQUEUE("SELECT m.campaign_id "
	    "AS campaign_id, NULL AS followup_id, 0 AS round, m.list_id AS "
	    "list_id, NULL AS post_id, m.contact_id AS contact_id, 'notice' AS "
	    "kind, m.id AS parent_id, ?2 AS template, NULL AS confirm_id, "
	    "c.email AS rcpt, 'new:e' || m.id || ':' || e.sequence || ':' || "
	    "?2 AS ph, ?3 AS now FROM message m JOIN campaign k ON k.id = "
	    "m.campaign_id JOIN event e ON e.id = k.event_id JOIN contact c ON "
	    "c.id = m.contact_id WHERE k.event_id = ?1 AND m.kind = 'campaign' "
	    "AND m.state = 'sent' AND m.id = (SELECT max(m2.id) FROM message "
	    "m2 JOIN campaign k2 ON k2.id = m2.campaign_id WHERE k2.event_id = "
	    "?1 AND m2.contact_id = m.contact_id AND m2.kind = 'campaign' AND "
	    "m2.state = 'sent') AND NOT EXISTS (SELECT 1 FROM rsvp r WHERE "
	    "r.event_id = ?1 AND r.contact_id = m.contact_id AND r.answer = "
	    "'no')") " ON CONFLICT DO NOTHING");

	sqlite3_bind_int64(st, 1, event_id);
	db_bind_text(st, 2, tmpl);
	sqlite3_bind_int64(st, 3, time_now());
	if (db_step_done(d, st) == -1)
		return -1;
	if (sqlite3_changes(d->h) == 0)
		return 0;
	return queue_enqueued(d, key, domain);
}
