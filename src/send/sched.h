/*
 * sched: the daemon's clock work, run on every pass: scheduled campaigns
 * whose time has come are queued, campaigns with nothing left to send
 * are done, and follow-up rules whose time has come queue their round.
 */
#ifndef HERALD_SCHED_H
#define HERALD_SCHED_H

#include "conf/conf.h"
#include "lib/token.h"
#include "store/db.h"

/* Returns the number of changes made (0 when idle), -1 on error. */
int sched_run(struct db *d, const struct conf *c, const struct token_key *k);

#endif
