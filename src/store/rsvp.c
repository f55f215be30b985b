/* rsvp: see rsvp.h. */
#include "store/rsvp.h"

#include <stdio.h>
#include <string.h>

#include "lib/timeutil.h"
#include "store/activity.h"

int
rsvp_answer_valid(const char *a)
{
	return strcmp(a, "yes") == 0 || strcmp(a, "no") == 0 ||
	    strcmp(a, "maybe") == 0;
}

int
rsvp_put(struct db *d, int64_t event_id, int64_t contact_id,
    const char *answer, const char *source)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO rsvp (event_id, "
	    "contact_id, answer, source, at) VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT (event_id, contact_id) DO UPDATE SET answer = ?3, "
	    /* the same answer again keeps its time: a waitlisted "yes"
	     * said twice keeps its place in the queue */
	    "source = ?4, at = CASE WHEN answer = ?3 THEN at ELSE ?5 END");

	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, contact_id);
	db_bind_text(st, 3, answer);
	db_bind_text(st, 4, source);
	sqlite3_bind_int64(st, 5, time_now());
	return db_step_done(d, st);
}

void
rsvp_log(struct db *d, int64_t contact_id, const char *summary)
{
	struct activity a = { 0 };

	a.direction = "in";
	a.kind = "rsvp";
	a.contact_id = contact_id;
	a.summary = summary;
	activity_add(d, &a);
}


int64_t
rsvp_offer_deadline(struct db *d, int64_t event_id, int64_t contact_id)
{
	sqlite3_stmt *st = db_cached(d, "SELECT r.offered_at + "
	    "COALESCE(e.offer_expiry, ?3) FROM rsvp r JOIN event e ON e.id = "
	    "r.event_id WHERE r.event_id = ?1 AND r.contact_id = ?2 AND "
	    "r.answer = 'offered' AND r.offered_at IS NOT NULL");
	int64_t t = 0;

	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, contact_id);
	sqlite3_bind_int64(st, 3, RSVP_OFFER_DEFAULT);
	if (sqlite3_step(st) == SQLITE_ROW)
		t = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return t;
}
