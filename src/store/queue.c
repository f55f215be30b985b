/* queue: see queue.h. */
#include "store/queue.h"

#include <stdio.h>
#include <string.h>


const char *
queue_boot_id(void)
{
	static char id[64];
	FILE *f;

	if (id[0])
		return id;
	if ((f = fopen("/proc/sys/kernel/random/boot_id", "r")) != NULL) {
		if (fgets(id, sizeof id, f) == NULL)
			id[0] = '\0';
		fclose(f);
		id[strcspn(id, "\n")] = '\0';
	}
	return id;
}

long
queue_recover(struct db *d, const char *boot)
{
	sqlite3_stmt *st;
	long n;

	if (db_begin(d) == -1)
		return -1;
	st = db_cached(d, "UPDATE message SET state = 'queued', "
	    "claim_boot = NULL WHERE state = 'sending' AND transmitting = 0 "
	    "AND claim_boot = ? AND ? != ''");
	db_bind_text(st, 1, boot);
	db_bind_text(st, 2, boot);
	if (db_step_done(d, st) == -1)
		goto fail;
	n = sqlite3_changes(d->h);
	st = db_cached(d, "UPDATE message SET state = 'uncertain', "
	    "transmitting = 0, last_reply = 'heraldd stopped during the SMTP "
	    "transaction: it may have been delivered; not re-sent (herald "
	    "queue retry ID sends it again)' WHERE state = 'sending'");
	if (db_step_done(d, st) == -1)
		goto fail;
	n += sqlite3_changes(d->h);
	if (db_commit(d) == -1)
		return -1;
	return n;
fail:
	db_rollback(d);
	return -1;
}

int
queue_reserve(struct db *d, const char *boot, int64_t now, int max,
    int64_t *ids)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	/* the reservation must be on disk before anything is sent */
	sqlite3_exec(d->h, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	if (db_begin(d) == -1)
		goto out;
	st = db_cached(d, "UPDATE message SET state = 'sending', "
	    "claim_boot = ?1, transmitting = 0 WHERE id IN ("
	    "  SELECT m.id FROM message m LEFT JOIN campaign k "
	    "  ON k.id = m.campaign_id WHERE m.state IN ('queued','deferred') "
	    "  AND m.next_attempt <= ?2 "
	    "  AND (k.id IS NULL OR k.state = 'sending') "
	    "  ORDER BY m.next_attempt, m.id LIMIT ?3) RETURNING id");
	db_bind_text(st, 1, boot);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || db_commit(d) == -1) {
		db_rollback(d);
		n = -1;
	}
out:
	sqlite3_exec(d->h, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	return n;
}

int
queue_start(struct db *d, int64_t id, int64_t now)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE message SET transmitting = 1, "
	    "attempts = attempts + 1, first_attempt = COALESCE(first_attempt, "
	    "?2), updated = ?2 WHERE id = ?1 AND state = 'sending'");

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	if (db_step_done(d, st) == -1)
		return -1;
	return sqlite3_changes(d->h) > 0;
}

int
queue_release(struct db *d, int64_t id)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE message SET state = 'queued', "
	    "claim_boot = NULL WHERE id = ? AND state = 'sending' "
	    "AND transmitting = 0");

	sqlite3_bind_int64(st, 1, id);
	return db_step_done(d, st);
}

/* Exponential backoff from retry_min, capped at retry_max. */
static int64_t
queue_backoff(const struct queue_retry *r, int64_t attempts)
{
	int64_t wait = r->retry_min;

	while (--attempts > 0 && wait < r->retry_max)
		wait *= 2;
	return wait < r->retry_max ? wait : r->retry_max;
}

int
queue_result(struct db *d, int64_t id, enum queue_outcome o,
    const char *reply, const struct queue_retry *r, int64_t now)
{
	sqlite3_stmt *st = db_cached(d, "SELECT attempts, "
	    "COALESCE(first_attempt, ?2) FROM message WHERE id = ?1");
	const char *state;
	int64_t attempts = 1, first = now, next = 0;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	if (sqlite3_step(st) == SQLITE_ROW) {
		attempts = sqlite3_column_int64(st, 0);
		first = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	switch (o) {
	case QUEUE_SENT: state = "sent"; break;
	case QUEUE_PERMFAIL: state = "failed"; break;
	case QUEUE_UNCERTAIN: state = "uncertain"; break;
	default:
		state = "deferred";
		next = now + queue_backoff(r, attempts);
		if (now - first >= r->give_up || next - first > r->give_up)
			state = "failed";	/* give up: retried long enough */
		break;
	}
	st = db_cached(d, "UPDATE message SET state = ?2, last_reply = ?3, "
	    "next_attempt = ?4, transmitting = 0, claim_boot = NULL, "
	    "updated = ?5, sent_at = CASE WHEN ?2 = 'sent' THEN ?5 "
	    "ELSE sent_at END WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, state);
	db_bind_text(st, 3, reply ? reply : "");
	sqlite3_bind_int64(st, 4, next);
	sqlite3_bind_int64(st, 5, now);
	/* the contact log shows it through the contact_log view */
	return db_step_done(d, st);
}

int64_t
queue_next_due(struct db *d)
{
	return db_int_query(d, "SELECT COALESCE(min(next_attempt), 0) FROM "
	    "message WHERE state IN ('queued', 'deferred')", NULL);
}
