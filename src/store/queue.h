/*
 * queue: the outbound message rows and their life, with the crash rules
 * that keep mail from being lost or sent twice.
 *
 * A row is sent only after two things are on disk: its reservation
 * (state 'sending', claim_boot = this machine's boot id), committed with
 * an fsync, and its start mark (transmitting = 1), committed before the
 * SMTP transaction begins. Results are committed in batches.
 *
 * On restart (queue_recover):
 *  - transmitting = 1: the transaction may have reached the end of DATA
 *    -> 'uncertain', never re-sent silently (at most one per session);
 *  - transmitting = 0 and claimed in this boot: the process died, but
 *    every commit it made survived (WAL), so it was never sent -> queued;
 *  - claimed in an earlier boot: the machine went down and un-synced
 *    commits (start marks) may be lost -> 'uncertain'.
 */
#ifndef HERALD_QUEUE_H
#define HERALD_QUEUE_H

#include <stdint.h>

#include "store/db.h"

enum queue_outcome {
	QUEUE_SENT,
	QUEUE_TEMPFAIL,		/* 4xx, connection trouble: retry later */
	QUEUE_PERMFAIL,		/* 5xx, or the message cannot be made */
	QUEUE_UNCERTAIN		/* stopped between end of DATA and reply */
};

struct queue_retry {
	int64_t retry_min, retry_max, give_up;
};

/* This machine's boot id ("" when unknown: treated as a new boot). */
const char *queue_boot_id(void);
/* Apply the restart rules above. Returns the rows changed or -1. */
long queue_recover(struct db *d, const char *boot);
/*
 * Reserve up to max due rows (queued, or deferred and due, in a campaign
 * that is sending) in one durable transaction. ids receives them, oldest
 * first. Returns how many, or -1.
 */
int queue_reserve(struct db *d, const char *boot, int64_t now, int max,
    int64_t *ids);
/*
 * Inside a caller's transaction: the start mark, and one more attempt.
 * 1 when started, 0 when the row is no longer reserved (its campaign was
 * paused or cancelled meanwhile: do not send it), -1 on error.
 */
int queue_start(struct db *d, int64_t id, int64_t now);
/* Inside a caller's transaction: record an outcome (and log it). */
int queue_result(struct db *d, int64_t id, enum queue_outcome o,
    const char *reply, const struct queue_retry *r, int64_t now);
/* Inside a caller's transaction: give back a reservation never started. */
int queue_release(struct db *d, int64_t id);
/* The earliest next_attempt of a waiting row, or 0 when none. */
int64_t queue_next_due(struct db *d);

#endif
