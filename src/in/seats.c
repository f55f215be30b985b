/* seats: see seats.h. */
#include "in/seats.h"

#include <stdio.h>
#include <string.h>

#include "lib/timeutil.h"
#include "store/activity.h"
#include "store/queue.h"
#include "store/rsvp.h"

/* The oldest waitlisted contact becomes "yes"; returns its id or 0. */
static int64_t
seats_promote(struct db *d, int64_t event_id)
{
	sqlite3_stmt *st = db_cached(d, "SELECT contact_id FROM rsvp WHERE "
	    "event_id = ? AND answer = 'waitlist' AND contact_id IS NOT NULL "
	    "ORDER BY at, id LIMIT 1");
	int64_t id = 0;

	sqlite3_bind_int64(st, 1, event_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (id == 0)
		return 0;
	st = db_cached(d, "UPDATE rsvp SET answer = 'yes' WHERE event_id = ? "
	    "AND contact_id = ?");
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, id);
	if (db_step_done(d, st) == -1)
		return -1;
	rsvp_log(d, id, "promoted from the waitlist: a seat was freed");
	return id;
}

int
seats_answer(struct db *d, int64_t event_id, int64_t contact_id,
    const char *answer, const char *source, const char **stored,
    int64_t *promoted)
{
	char old[16] = "", summary[128];
	int64_t capacity = -1, yes = 0;
	sqlite3_stmt *st = db_cached(d, "SELECT COALESCE(e.capacity, -1), "
	    "(SELECT count(*) FROM rsvp r WHERE r.event_id = e.id AND "
	    " r.answer = 'yes' AND r.contact_id IS NOT ?2), "
	    "(SELECT answer FROM rsvp r WHERE r.event_id = e.id AND "
	    " r.contact_id = ?2) FROM event e WHERE e.id = ?1");

	*promoted = 0;
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, contact_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		capacity = sqlite3_column_int64(st, 0);
		yes = sqlite3_column_int64(st, 1);
		snprintf(old, sizeof old, "%s", db_col_text(st, 2));
	}
	sqlite3_reset(st);
	*stored = answer;
	if (strcmp(answer, "yes") == 0 && capacity >= 0 && yes >= capacity &&
	    strcmp(old, "yes") != 0)
		*stored = "waitlist";
	if (rsvp_put(d, event_id, contact_id, *stored, source) == -1)
		return -1;
	snprintf(summary, sizeof summary, "RSVP %s (%s)", *stored, source);
	rsvp_log(d, contact_id, summary);
	if (strcmp(old, "yes") == 0 && strcmp(*stored, "yes") != 0 &&
	    capacity >= 0 && (*promoted = seats_promote(d, event_id)) < 0)
		return -1;
	return 0;
}

int
seats_tell_promoted(struct db *d, int64_t event_id, int64_t contact_id,
    const char *tmpl, const struct token_key *key, const char *domain)
{
	sqlite3_stmt *st = db_cached(d, QUEUE_ENQUEUE("SELECT m.campaign_id "
	    "AS campaign_id, NULL AS followup_id, 0 AS round, m.list_id AS "
	    "list_id, NULL AS post_id, m.contact_id AS contact_id, 'notice' AS "
	    "kind, m.id AS parent_id, ?3 AS template, NULL AS confirm_id, "
	    "c.email AS rcpt, 'new:n' || m.id || ':' || ?4 AS ph, ?4 AS now "
	    "FROM message m JOIN campaign k "
	    "ON k.id = m.campaign_id JOIN contact c ON c.id = m.contact_id "
	    "WHERE k.event_id = ?1 AND m.contact_id = ?2 AND m.kind = "
	    "'campaign' AND m.state = 'sent' ORDER BY m.id DESC LIMIT 1"));
	int64_t now = time_now();

	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, contact_id);
	db_bind_text(st, 3, tmpl);
	sqlite3_bind_int64(st, 4, now);
	if (db_step_done(d, st) == -1)
		return -1;
	if (sqlite3_changes(d->h) == 0) {
		rsvp_log(d, contact_id, "promoted from the waitlist, but not "
		    "told: no invitation of theirs to answer");
		return 0;
	}
	return queue_enqueued(d, key, domain) == -1 ? -1 : 1;
}
