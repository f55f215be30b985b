/*
 * followup: rules that chase or inform a campaign's recipients (herald(1), campaign followup).
 * A rule sends TEMPLATE to the recipients whose RSVP matches, AFTER the
 * campaign started (round n at n x AFTER), at most MAX rounds. Each
 * message threads to the recipient's invitation (In-Reply-To), and a
 * unique index makes a second copy for the same rule, round and contact
 * impossible. "no-reply" leaves out anyone who answered in any way.
 */
#ifndef HERALD_FOLLOWUP_H
#define HERALD_FOLLOWUP_H

#include <stdint.h>

#include "conf/conf.h"
#include "lib/token.h"
#include "store/db.h"

/* 1 when target is no-reply, yes, no, maybe or all. */
int followup_target_valid(const char *target);
/* Queue every round that is due. Returns rounds queued or -1. */
int followup_run(struct db *d, const struct conf *c,
    const struct token_key *k, int64_t now);

#endif
