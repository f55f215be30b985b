/* queue: see queue.h. */
#include "store/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/token.h"
#include "lib/xmalloc.h"
#include "store/journal.h"


int
queue_state_valid(const char *s)
{
	static const char *const all[] = { QUEUE_S_QUEUED, QUEUE_S_SENDING,
	    QUEUE_S_SENT, QUEUE_S_DEFERRED, QUEUE_S_FAILED, QUEUE_S_BOUNCED,
	    QUEUE_S_UNCERTAIN, QUEUE_S_CANCELLED };
	size_t i;

	for (i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, all[i]) == 0)
			return 1;
	return 0;
}

/* A row's token and Message-ID, which need its id. */
static int
queue_ids(struct db *d, int64_t msg_id, const struct token_key *key,
    const char *domain)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE message SET token = ?, "
	    "message_id = ? WHERE id = ?");
	char tok[TOKEN_MAX], mid[TOKEN_MAX + 256];

	token_make(key, TOKEN_MESSAGE, (uint64_t)msg_id, tok);
	snprintf(mid, sizeof mid, "%s@%s", tok, domain);
	db_bind_text(st, 1, tok);
	db_bind_text(st, 2, mid);
	sqlite3_bind_int64(st, 3, msg_id);
	return db_step_done(d, st);
}

long
queue_enqueued(struct db *d, const struct token_key *key, const char *domain)
{
	/* one INSERT in one transaction: new rowids are consecutive (the
	 * largest plus one each; rows skipped by ON CONFLICT take none) */
	int64_t n = sqlite3_changes(d->h), i;
	int64_t first = sqlite3_last_insert_rowid(d->h) - n + 1;

	for (i = 0; i < n; i++)
		if (queue_ids(d, first + i, key, domain) == -1)
			return -1;
	return (long)n;
}

const char *
queue_boot_id(void)
{
	static char id[64];
	const char *test = getenv("HERALD_TEST_BOOT_ID");
	FILE *f;

	if (id[0])
		return id;
	if (test && *test) {
		snprintf(id, sizeof id, "%s", test);
		return id;
	}
	if ((f = fopen("/proc/sys/kernel/random/boot_id", "r")) != NULL) {
		if (fgets(id, sizeof id, f) == NULL)
			id[0] = '\0';
		fclose(f);
		id[strcspn(id, "\n")] = '\0';
	}
	return id;
}

void
queue_claim_id(char *buf, size_t len, int synced)
{
	struct timespec ts;

	/* the pid alone repeats across reboots and containers */
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(buf, len, "%s;%ld.%lld%06ld;%s", queue_boot_id(),
	    (long)getpid(), (long long)ts.tv_sec, ts.tv_nsec / 1000,
	    synced ? "sync" : "nosync");
}

/* The rows a recovery may touch: claimed by others, or by claim alone. */
#define QUEUE_SCOPE "(claim_boot IS ?8) = ?9"

static void
queue_bind_scope(sqlite3_stmt *st, const char *claim, int mine)
{
	db_bind_text(st, 8, claim);
	sqlite3_bind_int(st, 9, mine);
}

/* What the journal says, for recovery. */
struct queue_journal {
	int64_t *started;
	size_t nstarted;
	struct queue_done {
		int64_t id;
		int outcome;
		int64_t at;
		char reply[512];
	} *done;
	size_t ndone;
};

/* Drop what an earlier record said of id: the last record wins. */
static void
queue_journal_forget(struct queue_journal *q, int64_t id)
{
	size_t i;

	for (i = 0; i < q->nstarted; i++)
		if (q->started[i] == id)
			q->started[i--] = q->started[--q->nstarted];
	for (i = 0; i < q->ndone; i++)
		if (q->done[i].id == id)
			q->done[i--] = q->done[--q->ndone];
}

static void
queue_journal_cb(void *arg, const struct journal_record *r)
{
	struct queue_journal *q = arg;

	queue_journal_forget(q, r->id);
	if (r->type == 'S') {
		q->started = xrealloc(q->started, (q->nstarted + 1) *
		    sizeof *q->started);
		q->started[q->nstarted++] = r->id;
		return;
	}
	q->done = xrealloc(q->done, (q->ndone + 1) * sizeof *q->done);
	q->done[q->ndone].id = r->id;
	q->done[q->ndone].outcome = r->outcome;
	q->done[q->ndone].at = r->at;
	snprintf(q->done[q->ndone].reply, sizeof q->done[0].reply, "%s",
	    r->reply);
	q->ndone++;
}

/* Outcomes the journal holds for rows still 'sending'. */
static long
queue_recover_done(struct db *d, const struct queue_journal *q,
    const char *claim, int mine, const struct queue_retry *r)
{
	sqlite3_stmt *st = db_cached(d, "SELECT 1 FROM message WHERE id = ?1 "
	    "AND state = 'sending' AND " QUEUE_SCOPE);
	long n = 0;
	size_t i;

	for (i = 0; i < q->ndone; i++) {
		int still;

		if (q->done[i].outcome < QUEUE_SENT ||
		    q->done[i].outcome > QUEUE_UNCERTAIN)
			continue;
		sqlite3_bind_int64(st, 1, q->done[i].id);
		queue_bind_scope(st, claim, mine);
		still = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (!still)
			continue;
		if (queue_result(d, q->done[i].id,
		    (enum queue_outcome)q->done[i].outcome, q->done[i].reply, r,
		    q->done[i].at, NULL, NULL) == -1)
			return -1;
		n++;
	}
	return n;
}

/* Started, no outcome: it may have been delivered. */
static long
queue_recover_started(struct db *d, const struct queue_journal *q,
    const char *claim, int mine)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE message SET transmitting = 1 "
	    "WHERE id = ?1 AND state = 'sending' AND " QUEUE_SCOPE);
	size_t i;

	for (i = 0; i < q->nstarted; i++) {
		sqlite3_bind_int64(st, 1, q->started[i]);
		queue_bind_scope(st, claim, mine);
		if (db_step_done(d, st) == -1)
			return -1;
	}
	return 0;
}

/*
 * Rows that never started go back to the queue: always when their
 * claimer synced its start marks; otherwise only within the boot that
 * claimed them (a process that died leaves its writes in the page cache;
 * a machine that died may not). A claim that is a bare boot id comes
 * from a herald before durable journals.
 */
static long
queue_recover_unstarted(struct db *d, const char *claim, int mine)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE message SET state = 'queued', "
	    "claim_boot = NULL WHERE state = 'sending' AND transmitting = 0 "
	    "AND " QUEUE_SCOPE " AND (claim_boot LIKE '%;sync' OR (?1 != '' "
	    "AND (claim_boot = ?1 OR substr(claim_boot, 1, length(?1) + 1) "
	    "= ?1 || ';')))");

	db_bind_text(st, 1, queue_boot_id());
	queue_bind_scope(st, claim, mine);
	if (db_step_done(d, st) == -1)
		return -1;
	return sqlite3_changes(d->h);
}

/* Whatever is left may have been delivered: a person decides. */
static long
queue_recover_uncertain(struct db *d, const char *claim, int mine)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE message SET state = "
	    "'uncertain', transmitting = 0, attempts = attempts + 1, "
	    "last_reply = 'heraldd stopped during the SMTP transaction: it "
	    "may have been delivered; not re-sent (herald queue retry ID, or "
	    "--uncertain CAMPAIGN, sends it again)' "
	    "WHERE state = 'sending' AND " QUEUE_SCOPE);

	queue_bind_scope(st, claim, mine);
	if (db_step_done(d, st) == -1)
		return -1;
	return sqlite3_changes(d->h);
}

long
queue_recover(struct db *d, const char *claim, int mine,
    const char *journal_path, const struct queue_retry *r)
{
	struct queue_journal q = { 0 };
	long n = -1, done, queued, uncertain;

	if (journal_read(journal_path, queue_journal_cb, &q) == -1 ||
	    db_begin(d) == -1)
		goto out;
	if ((done = queue_recover_done(d, &q, claim, mine, r)) < 0 ||
	    queue_recover_started(d, &q, claim, mine) == -1 ||
	    (queued = queue_recover_unstarted(d, claim, mine)) < 0 ||
	    (uncertain = queue_recover_uncertain(d, claim, mine)) < 0)
		goto fail;
	/* durable (db_open's synchronous=FULL): the journal goes next */
	if (db_commit(d) == 0)
		n = done + queued + uncertain;
	goto out;
fail:
	db_rollback(d);
out:
	free(q.started);
	free(q.done);
	return n;
}

int
queue_reserve(struct db *d, const char *claim, int64_t now, int max,
    int64_t *ids)
{
	sqlite3_stmt *st;
	int n = 0, rc, pass;

	/* the reservation must be on disk before anything is sent */
	sqlite3_exec(d->h, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	if (db_begin(d) == -1)
		return -1;
	/*
	 * One state at a time, so the (state, next_attempt, id) index
	 * gives the rows in order without sorting the whole queue: retries
	 * that are due first, then new messages.
	 */
	st = db_cached(d, "UPDATE message SET state = 'sending', "
	    "claim_boot = ?1, transmitting = 0 WHERE id IN ("
	    "  SELECT m.id FROM message m LEFT JOIN campaign k "
	    "  ON k.id = m.campaign_id WHERE m.state = ?4 "
	    "  AND m.next_attempt <= ?2 "
	    "  AND (k.id IS NULL OR k.state = 'sending' OR (m.kind IN "
	    "  ('notice', 'test') AND k.state != 'cancelled')) "
	    "  ORDER BY m.next_attempt, m.id LIMIT ?3) RETURNING id");
	for (pass = 0, rc = SQLITE_DONE; pass < 2 && rc == SQLITE_DONE &&
	    n < max; pass++) {
		db_bind_text(st, 1, claim);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int(st, 3, max - n);
		db_bind_text(st, 4, pass == 0 ? QUEUE_S_DEFERRED : QUEUE_S_QUEUED);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			ids[n++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if (rc != SQLITE_DONE || db_commit(d) == -1) {
		db_rollback(d);
		n = -1;
	}
	/*
	 * It stays FULL: the sender's outcome commits must be durable too,
	 * before the journal is rotated and forgets their start marks.
	 */
	return n;
}

int
queue_holds(struct db *d, struct queue_hold **v, int *cap)
{
	sqlite3_stmt *st = db_cached(d, "SELECT id, state = 'cancelled' "
	    "FROM campaign WHERE state != 'sending'");
	int n = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*v = xrealloc(*v, (size_t)*cap * sizeof **v);
		}
		(*v)[n].campaign_id = sqlite3_column_int64(st, 0);
		(*v)[n++].cancelled = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
queue_release(struct db *d, int64_t id, const char *state)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE message SET state = ?2, "
	    "claim_boot = NULL WHERE id = ?1 AND state = 'sending' "
	    "AND transmitting = 0");

	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, state);
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

/* A temporary failure's next state: deferred with a backoff, or failed
 * once it has been retried long enough. */
static const char *
queue_retry_state(struct db *d, int64_t id, const struct queue_retry *r,
    int64_t now, int64_t *next)
{
	sqlite3_stmt *st = db_cached(d, "SELECT attempts + 1, "
	    "COALESCE(first_attempt, ?2) FROM message WHERE id = ?1");
	int64_t attempts = 1, first = now;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	if (sqlite3_step(st) == SQLITE_ROW) {
		attempts = sqlite3_column_int64(st, 0);
		first = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	*next = now + queue_backoff(r, attempts);
	if (now - first >= r->give_up || *next - first > r->give_up)
		return QUEUE_S_FAILED;
	return QUEUE_S_DEFERRED;
}

int
queue_result(struct db *d, int64_t id, enum queue_outcome o,
    const char *reply, const struct queue_retry *r, int64_t now,
    const char *server, const char *subject)
{
	sqlite3_stmt *st;
	const char *state;
	int64_t next = 0;

	/* only a retry needs the row's history: the others, nearly every
	 * outcome, are one UPDATE */
	switch (o) {
	case QUEUE_SENT: state = QUEUE_S_SENT; break;
	case QUEUE_PERMFAIL: state = QUEUE_S_FAILED; break;
	case QUEUE_UNCERTAIN: state = QUEUE_S_UNCERTAIN; break;
	default: state = queue_retry_state(d, id, r, now, &next); break;
	}
	st = db_cached(d, "UPDATE message SET state = ?2, last_reply = ?3, "
	    "next_attempt = ?4, transmitting = 0, claim_boot = NULL, "
	    "attempts = attempts + 1, first_attempt = COALESCE(first_attempt, "
	    "?5), updated = ?5, sent_at = CASE WHEN ?2 = 'sent' THEN ?5 "
	    "ELSE sent_at END, server = COALESCE(?6, server), "
	    "subject = COALESCE(?7, subject) WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, state);
	db_bind_text(st, 3, reply ? reply : "");
	sqlite3_bind_int64(st, 4, next);
	sqlite3_bind_int64(st, 5, now);
	/* NULL bound, not left out: a cached statement keeps the last
	 * row's values (sqlite3_reset does not clear them) */
	db_bind_text(st, 6, server && *server ? server : NULL);
	db_bind_text(st, 7, subject && *subject ? subject : NULL);
	/* the contact log shows it through the contact_log view */
	return db_step_done(d, st);
}

int64_t
queue_next_due(struct db *d)
{
	return db_int_query(d, "SELECT COALESCE(min(next_attempt), 0) FROM "
	    "message WHERE state IN ('queued', 'deferred')", NULL);
}
