/* seats: see seats.h. */
#include "in/seats.h"

#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/timeutil.h"
#include "store/activity.h"
#include "store/queue.h"
#include "store/rsvp.h"

/*
 * The category the contact counts in: "field=value" of the event's first
 * quota that the contact's field matches (kind: their organisation's),
 * into cat; "" and -1 when none.
 */
static int64_t
seats_category(struct db *d, int64_t event_id, int64_t contact_id,
    char *cat, size_t len)
{
	sqlite3_stmt *st = db_cached(d, "SELECT s.field || '=' || s.value, "
	    "s.seats FROM event_seat s, contact c LEFT JOIN organisation o ON "
	    "o.id = c.org_id WHERE s.event_id = ?1 AND c.id = ?2 AND s.value = "
	    "(CASE s.field WHEN 'kind' THEN o.kind WHEN 'country' THEN "
	    "c.country WHEN 'role' THEN c.role END) COLLATE NOCASE "
	    "ORDER BY s.id LIMIT 1");
	int64_t quota = -1;

	*cat = '\0';
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, contact_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(cat, len, "%s", db_col_text(st, 0));
		quota = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return quota;
}

int
seats_uses_offers(struct db *d, int64_t event_id)
{
	sqlite3_stmt *st = db_cached(d, "SELECT offer_expiry IS NOT NULL OR "
	    "EXISTS (SELECT 1 FROM event_seat s WHERE s.event_id = e.id) "
	    "FROM event e WHERE e.id = ?");
	int rc = 0;

	sqlite3_bind_int64(st, 1, event_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc;
}

/* Seats held (yes or offered) in the event, or in one category. */
#define SEATS_HELD(where) "(SELECT count(*) FROM rsvp x WHERE " \
	"x.event_id = e.id AND x.answer IN ('yes','offered') " where ")"

/*
 * A seat was freed (in category seat, "" for none): the first waitlisted
 * contact for whom there is room now, of that category first, is offered
 * it (events with quotas or an offer expiry) or given it. Returns the
 * contact's id, 0 for nobody, -1 on error.
 */
static int64_t
seats_fill(struct db *d, int64_t event_id, const char *seat, int64_t now)
{
	sqlite3_stmt *st = db_cached(d, "SELECT r.contact_id FROM rsvp r "
	    "JOIN event e ON e.id = r.event_id WHERE r.event_id = ?1 AND "
	    "r.answer = 'waitlist' AND r.contact_id IS NOT NULL AND "
	    "(e.capacity IS NULL OR " SEATS_HELD("") " < e.capacity) AND "
	    "(r.seat = '' OR " SEATS_HELD("AND x.seat = r.seat") " < COALESCE("
	    "(SELECT s.seats FROM event_seat s WHERE s.event_id = e.id AND "
	    "s.field || '=' || s.value = r.seat), 1000000000)) "
	    "ORDER BY r.seat = ?2 DESC, r.at, r.id LIMIT 1");
	int64_t id = 0;
	int offer = seats_uses_offers(d, event_id);
	char msg[160];

	sqlite3_bind_int64(st, 1, event_id);
	db_bind_text(st, 2, seat);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (id == 0)
		return 0;
	st = db_cached(d, "UPDATE rsvp SET answer = ?3, offered_at = ?4 "
	    "WHERE event_id = ?1 AND contact_id = ?2");
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, id);
	db_bind_text(st, 3, offer ? "offered" : "yes");
	if (offer)
		sqlite3_bind_int64(st, 4, now);
	else
		sqlite3_bind_null(st, 4);
	if (db_step_done(d, st) == -1)
		return -1;
	snprintf(msg, sizeof msg, "%s: a seat was freed",
	    offer ? "offered a seat from the waitlist" :
	    "promoted from the waitlist");
	rsvp_log(d, id, msg);
	return id;
}

int
seats_answer(struct db *d, int64_t event_id, int64_t contact_id,
    const char *answer, const char *source, const char **stored,
    int64_t *promoted)
{
	char old[16] = "", old_seat[160] = "", cat[160], summary[128];
	int64_t capacity = -1, held = 0, cat_held = 0, quota;
	int had_seat, has_seat, limited;
	sqlite3_stmt *st;

	*promoted = 0;
	quota = seats_category(d, event_id, contact_id, cat, sizeof cat);
	st = db_cached(d, "SELECT COALESCE(e.capacity, -1), "
	    SEATS_HELD("AND x.contact_id IS NOT ?2") ", "
	    SEATS_HELD("AND x.contact_id IS NOT ?2 AND x.seat = ?3") ", "
	    "(SELECT answer FROM rsvp r WHERE r.event_id = e.id AND "
	    " r.contact_id = ?2), "
	    "(SELECT seat FROM rsvp r WHERE r.event_id = e.id AND "
	    " r.contact_id = ?2), "
	    "EXISTS (SELECT 1 FROM event_seat s WHERE s.event_id = e.id) "
	    "FROM event e WHERE e.id = ?1");
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, contact_id);
	db_bind_text(st, 3, cat);
	limited = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		capacity = sqlite3_column_int64(st, 0);
		held = sqlite3_column_int64(st, 1);
		cat_held = sqlite3_column_int64(st, 2);
		snprintf(old, sizeof old, "%s", db_col_text(st, 3));
		snprintf(old_seat, sizeof old_seat, "%s", db_col_text(st, 4));
		limited = capacity >= 0 || sqlite3_column_int(st, 5);
	}
	sqlite3_reset(st);
	had_seat = strcmp(old, "yes") == 0 || strcmp(old, "offered") == 0;
	*stored = answer;
	/* a seat held (or offered) stays; a new "yes" needs room in the
	 * event and in its category */
	if (strcmp(answer, "yes") == 0 && !had_seat &&
	    ((capacity >= 0 && held >= capacity) ||
	    (quota >= 0 && cat_held >= quota)))
		*stored = "waitlist";
	if (rsvp_put(d, event_id, contact_id, *stored, source) == -1)
		return -1;
	st = db_cached(d, "UPDATE rsvp SET seat = ?3, offered_at = NULL "
	    "WHERE event_id = ?1 AND contact_id = ?2");
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, contact_id);
	db_bind_text(st, 3, cat);
	if (db_step_done(d, st) == -1)
		return -1;
	snprintf(summary, sizeof summary, "RSVP %s (%s)%s", *stored, source,
	    strcmp(old, "offered") == 0 && strcmp(*stored, "yes") == 0 ?
	    ": the offered seat is taken" : "");
	rsvp_log(d, contact_id, summary);
	has_seat = strcmp(*stored, "yes") == 0;
	if (had_seat && !has_seat && limited &&
	    (*promoted = seats_fill(d, event_id, old_seat, time_now())) < 0)
		return -1;
	return 0;
}

/* The notice tmpl to the contact, threaded to their invitation. */
static int
seats_notice(struct db *d, int64_t event_id, int64_t contact_id,
    const char *tmpl, const struct token_key *key, const char *domain)
{
	sqlite3_stmt *st = db_cached(d, QUEUE_ENQUEUE("SELECT m.campaign_id "
	    "AS campaign_id, NULL AS followup_id, 0 AS round, m.list_id AS "
	    "list_id, NULL AS post_id, m.contact_id AS contact_id, 'notice' AS "
	    "kind, m.id AS parent_id, ?3 AS template, NULL AS confirm_id, "
	    "c.email AS rcpt, 'new:n' || m.id || ':' || ?3 || ':' || ?4 AS ph, "
	    "?4 AS now FROM message m JOIN campaign k "
	    "ON k.id = m.campaign_id JOIN contact c ON c.id = m.contact_id "
	    "WHERE k.event_id = ?1 AND m.contact_id = ?2 AND m.kind = "
	    "'campaign' AND m.state = 'sent' ORDER BY m.id DESC LIMIT 1"));
	char msg[160];

	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, contact_id);
	db_bind_text(st, 3, tmpl);
	sqlite3_bind_int64(st, 4, time_now());
	if (db_step_done(d, st) == -1)
		return -1;
	if (sqlite3_changes(d->h) == 0) {
		snprintf(msg, sizeof msg, "not told (%s): no invitation of "
		    "theirs to answer", tmpl);
		rsvp_log(d, contact_id, msg);
		return 0;
	}
	return queue_enqueued(d, key, domain) == -1 ? -1 : 1;
}

int
seats_tell_promoted(struct db *d, int64_t event_id, int64_t contact_id,
    const char *tmpl, const struct token_key *key, const char *domain)
{
	sqlite3_stmt *st = db_cached(d, "SELECT answer = 'offered' FROM rsvp "
	    "WHERE event_id = ? AND contact_id = ?");
	int offered = 0;

	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, contact_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		offered = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return seats_notice(d, event_id, contact_id, offered ?
	    SEATS_OFFERED_TEMPLATE : tmpl, key, domain);
}

#define SEATS_EXPIRE_BATCH 64

long
seats_expire(struct db *d, const struct token_key *key, const char *domain,
    int64_t now)
{
	sqlite3_stmt *st = db_cached(d, "SELECT r.event_id, r.contact_id, "
	    "r.seat FROM rsvp r JOIN event e ON e.id = r.event_id WHERE "
	    "r.answer = 'offered' AND r.contact_id IS NOT NULL AND "
	    "r.offered_at + COALESCE(e.offer_expiry, ?2) <= ?1 "
	    "ORDER BY r.offered_at, r.id LIMIT ?3");
	struct { int64_t ev, ct; char seat[160]; } x[SEATS_EXPIRE_BATCH];
	int n = 0, i;
	int64_t next;

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, RSVP_OFFER_DEFAULT);
	sqlite3_bind_int(st, 3, SEATS_EXPIRE_BATCH);
	while (n < SEATS_EXPIRE_BATCH && sqlite3_step(st) == SQLITE_ROW) {
		x[n].ev = sqlite3_column_int64(st, 0);
		x[n].ct = sqlite3_column_int64(st, 1);
		snprintf(x[n].seat, sizeof x[n].seat, "%s", db_col_text(st, 2));
		n++;
	}
	sqlite3_reset(st);
	for (i = 0; i < n; i++) {
		st = db_cached(d, "UPDATE rsvp SET answer = 'expired', at = ?3, "
		    "offered_at = NULL WHERE event_id = ?1 AND contact_id = ?2");
		sqlite3_bind_int64(st, 1, x[i].ev);
		sqlite3_bind_int64(st, 2, x[i].ct);
		sqlite3_bind_int64(st, 3, now);
		if (db_step_done(d, st) == -1)
			return -1;
		rsvp_log(d, x[i].ct, "the offered seat expired unconfirmed");
		if (seats_notice(d, x[i].ev, x[i].ct, SEATS_EXPIRED_TEMPLATE,
		    key, domain) == -1 ||
		    (next = seats_fill(d, x[i].ev, x[i].seat, now)) < 0 ||
		    (next > 0 && seats_notice(d, x[i].ev, next,
		    SEATS_OFFERED_TEMPLATE, key, domain) == -1))
			return -1;
	}
	return n;
}

int
seats_expire_run(struct db *d, const struct token_key *key,
    const char *domain, int64_t now)
{
	long n;

	if (db_begin(d) == -1)
		return 0;
	if ((n = seats_expire(d, key, domain, now)) < 0 || db_commit(d) == -1) {
		db_rollback(d);
		return 0;
	}
	if (n > 0)
		log_info("seats: %ld offers expired, passed on", n);
	return (int)n;
}
