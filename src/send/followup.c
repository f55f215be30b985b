/* followup: see followup.h. */
#include "send/followup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "store/campaign.h"
#include "store/queue.h"

int
followup_target_valid(const char *t)
{
	static const char *const targets[] = { "no-reply", "no-answer",
	    "yes", "no", "maybe", "waitlist", "all" };
	size_t i;

	for (i = 0; i < sizeof targets / sizeof targets[0]; i++)
		if (strcmp(t, targets[i]) == 0)
			return 1;
	return 0;
}

/*
 * Who a round goes to: recipients the invitation reached (sent), still
 * active, matching the rule's target. ?1 is the rule.
 */
#define FOLLOWUP_AUDIENCE \
    "FROM followup f JOIN campaign k ON k.id = f.campaign_id " \
    "JOIN message m ON m.campaign_id = k.id AND m.kind = 'campaign' " \
    "JOIN contact c ON c.id = m.contact_id " \
    "LEFT JOIN rsvp r ON r.event_id = k.event_id AND r.contact_id = c.id " \
    "WHERE f.id = ?1 AND m.state = 'sent' AND c.status = 'active' AND " \
    "NOT EXISTS (SELECT 1 FROM event e WHERE e.id = k.event_id AND " \
    "  e.cancelled_at IS NOT NULL) AND (" \
    "  f.target = 'all' OR " \
    "  (f.target IN ('yes', 'no', 'maybe', 'waitlist') AND " \
    "   r.answer = f.target) OR " \
    "  (f.target IN ('no-reply', 'no-answer') AND " \
    "   COALESCE(r.answer, 'none') = 'none' AND (f.target = 'no-answer' OR " \
    "   NOT EXISTS (SELECT 1 FROM inbound i WHERE i.contact_id = c.id " \
    "   AND i.campaign_id = k.id AND i.kind IN ('reply', 'rsvp')))))"

/* ?2 round, ?3 now */
static const char followup_insert_sql[] = QUEUE_ENQUEUE(
    "SELECT k.id AS campaign_id, f.id AS followup_id, ?2 AS round, "
    "m.list_id AS list_id, NULL AS post_id, m.contact_id AS contact_id, "
    "'followup' AS kind, m.id AS parent_id, NULL AS template, "
    "NULL AS confirm_id, c.email AS rcpt, "
    "'new:f' || f.id || ':' || ?2 || ':' || c.id AS ph, ?3 AS now "
    FOLLOWUP_AUDIENCE)
    /* a round is made once per contact (message_followup) */
    " ON CONFLICT DO NOTHING";

long
followup_reach(struct db *d, int64_t rule)
{
	sqlite3_stmt *st = db_prepare(d, "SELECT count(DISTINCT c.id) "
	    FOLLOWUP_AUDIENCE " AND NOT EXISTS (SELECT 1 FROM message o WHERE "
	    "o.followup_id = f.id AND o.round = f.rounds_done + 1 AND "
	    "o.contact_id = c.id)");
	long n = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, rule);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static long
followup_queue_round(struct db *d, const struct conf *c,
    const struct token_key *k, int64_t rule, int64_t round,
    int64_t campaign, int64_t now)
{
	sqlite3_stmt *st = db_cached(d, followup_insert_sql);
	long n = 0;

	sqlite3_bind_int64(st, 1, rule);
	sqlite3_bind_int64(st, 2, round);
	sqlite3_bind_int64(st, 3, now);
	if (db_step_done(d, st) == -1)
		return -1;
	if ((n = queue_enqueued(d, k, c->sender_domain)) < 0)
		return -1;
	st = db_cached(d, "UPDATE followup SET rounds_done = ?2 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, rule);
	sqlite3_bind_int64(st, 2, round);
	if (db_step_done(d, st) == -1)
		return -1;
	/* a finished campaign sends again for this round */
	if (n > 0 && campaign_set_state(d, campaign, "sending") == -1)
		return -1;
	return n;
}

int
followup_run(struct db *d, const struct conf *c, const struct token_key *k,
    int64_t now)
{
	/*
	 * Only the latest round that is due: rounds missed while heraldd was
	 * down are not sent one after another (nobody wants two reminders
	 * in a minute). An "at" or "before-event" rule has one round, once
	 * the invitations not deferred have gone (it may be due before the
	 * campaign is sent, and would else reach only the first few).
	 */
	sqlite3_stmt *st = db_prepare(d, "SELECT f.id, CASE WHEN f.kind = "
	    "'after' THEN min(f.max_rounds, (?1 - k.started_at) / f.after_secs) "
	    "ELSE 1 END, k.id, k.name FROM " FOLLOWUP_FROM " WHERE "
	    "k.state IN ('sending', 'done') AND k.started_at IS NOT NULL "
	    "AND " FOLLOWUP_NEXT_SQL " <= ?1 AND (f.kind = 'after' OR NOT "
	    "EXISTS (SELECT 1 FROM message m WHERE m.campaign_id = k.id AND "
	    "m.kind = 'campaign' AND m.state IN ('queued', 'sending'))) "
	    "ORDER BY f.id LIMIT 1");
	int rounds = 0;

	for (;;) {
		int64_t rule, round, camp;
		char name[128];
		long n;

		sqlite3_bind_int64(st, 1, now);
		if (sqlite3_step(st) != SQLITE_ROW)
			break;
		rule = sqlite3_column_int64(st, 0);
		round = sqlite3_column_int64(st, 1);
		camp = sqlite3_column_int64(st, 2);
		snprintf(name, sizeof name, "%s", db_col_text(st, 3));
		sqlite3_reset(st);
		if (db_begin(d) == -1)
			break;
		n = followup_queue_round(d, c, k, rule, round, camp, now);
		if (n < 0 || db_commit(d) == -1) {
			db_rollback(d);
			log_warnx("campaign %s: follow-up %lld round %lld: %s",
			    name, (long long)rule, (long long)round,
			    db_errmsg(d));
			rounds = -1;
			break;
		}
		log_info("campaign %s: follow-up %lld round %lld: %ld queued",
		    name, (long long)rule, (long long)round, n);
		rounds++;
	}
	sqlite3_finalize(st);
	return rounds;
}
