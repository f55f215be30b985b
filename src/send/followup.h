/*
 * followup: rules that chase or inform a campaign's recipients (herald(1), campaign followup).
 * A rule sends TEMPLATE to the recipients whose invitation went out and
 * whose RSVP matches, at a time of one of three kinds:
 *   after         round n at the campaign's start + n x AFTER, at most
 *                 MAX rounds;
 *   at            once, at a moment;
 *   before-event  once, DURATION before the event's start, read at each
 *                 pass (the rule follows the event when it moves).
 * Each message threads to the recipient's invitation (In-Reply-To), and a
 * unique index makes a second copy for the same rule, round and contact
 * impossible. "no-reply" leaves out anyone who answered in any way;
 * "no-answer" anyone with an RSVP (replied or not).
 */
#ifndef HERALD_FOLLOWUP_H
#define HERALD_FOLLOWUP_H

#include <stdint.h>

#include "conf/conf.h"
#include "lib/token.h"
#include "store/db.h"

/*
 * A rule's next run, NULL when it has none (all rounds done, campaign
 * not started for "after", the event without a start). Aliases: f the
 * rule, k its campaign, e its event (LEFT JOIN), as FOLLOWUP_FROM makes.
 */
#define FOLLOWUP_FROM "followup f JOIN campaign k ON k.id = f.campaign_id " \
	"LEFT JOIN event e ON e.id = k.event_id"
#define FOLLOWUP_NEXT_SQL "(CASE WHEN f.rounds_done >= f.max_rounds " \
	"THEN NULL WHEN f.kind = 'after' THEN k.started_at + f.after_secs * " \
	"(f.rounds_done + 1) WHEN f.kind = 'at' THEN f.at_time " \
	"ELSE e.start_at - f.before_secs END)"

/* 1 when target is no-reply, no-answer, yes, no, maybe, waitlist or all. */
int followup_target_valid(const char *target);
/* How many people rule's next round would reach now; -1 on error. */
long followup_reach(struct db *d, int64_t rule);
/* Queue every round that is due. Returns rounds queued or -1. */
int followup_run(struct db *d, const struct conf *c,
    const struct token_key *k, int64_t now);

#endif
