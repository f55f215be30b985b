/* sched: see sched.h. */
#include "send/sched.h"

#include <stdlib.h>

#include "lib/log.h"
#include "lib/timeutil.h"
#include "send/followup.h"
#include "store/campaign.h"
#include "in/hold.h"
#include "in/seats.h"

/* Queue every scheduled campaign that is due, each in its transaction. */
static int
sched_due_campaigns(struct db *d, const struct conf *c,
    const struct token_key *k, int64_t now)
{
	sqlite3_stmt *st = db_prepare(d, "SELECT id FROM campaign WHERE "
	    "state = 'scheduled' AND COALESCE(send_at, 0) <= ? ORDER BY id");
	int64_t ids[64];
	int n = 0, i, changed = 0;

	sqlite3_bind_int64(st, 1, now);
	while (n < 64 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	for (i = 0; i < n; i++) {
		struct campaign camp;
		const char *why;
		long q = -1;

		if (db_begin(d) == -1)
			return -1;
		if (campaign_get_id(d, ids[i], &camp) == 1 &&
		    (q = campaign_fill(d, &camp, k, c->sender_domain, &why)) >= 0 &&
		    db_commit(d) == 0) {
			log_info("campaign %s: %ld messages queued", camp.name, q);
			changed++;
		} else {
			db_rollback(d);
			log_warnx("campaign %lld: cannot queue: %s",
			    (long long)ids[i], q < 0 ? why : db_errmsg(d));
		}
		campaign_clear(&camp);
	}
	return changed;
}

/* A campaign is done when no message of it can still go out. */
static int
sched_finish_campaigns(struct db *d, int64_t now)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE campaign SET state = 'done', "
	    "finished_at = ?1 WHERE state = 'sending' AND NOT EXISTS ("
	    "  SELECT 1 FROM message m INDEXED BY message_due WHERE "
	    "  m.campaign_id = campaign.id AND "
	    "  m.state IN ('queued', 'sending', 'deferred')) RETURNING name");
	int n = 0;

	sqlite3_bind_int64(st, 1, now);
	while (sqlite3_step(st) == SQLITE_ROW) {
		log_info("campaign %s: done", db_col_text(st, 0));
		n++;
	}
	sqlite3_reset(st);
	return n;
}

/* Held posts nobody decided on: expired, the poster told once. */
static int
sched_expire_held(struct db *d, const struct conf *c,
    const struct token_key *k)
{
	long n;

	if (db_begin(d) == -1)
		return 0;
	if ((n = hold_expire(d, k, c->sender_domain,
	    c->held_expire)) < 0 || db_commit(d) == -1) {
		db_rollback(d);
		return 0;
	}
	if (n > 0)
		log_info("moderation: %ld held posts expired", n);
	return (int)n;
}

int
sched_run(struct db *d, const struct conf *c, const struct token_key *k)
{
	int64_t now = time_now();
	int a, b, f;

	if ((a = sched_due_campaigns(d, c, k, now)) < 0)
		return -1;
	if ((f = followup_run(d, c, k, now)) < 0)
		return -1;
	b = sched_finish_campaigns(d, now);
	return a + b + f + sched_expire_held(d, c, k) +
	    seats_expire_run(d, k, c->sender_domain, now);
}
