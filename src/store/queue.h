/*
 * queue: the outbound message rows and their life, with the crash rules
 * that keep mail from being lost or sent twice.
 *
 * A row is sent only after two things are on record: its reservation
 * (state 'sending', claim_boot = the claiming daemon's identity, see
 * queue_claim_id), committed with an fsync, and its start mark, written
 * to the sender's journal (store/journal.h) before the SMTP transaction
 * begins and made durable with an fdatasync before the end of its DATA
 * can be sent. Outcomes go to the journal at once and to the database
 * in batches, each commit synced before the journal forgets the marks
 * it settles.
 *
 * Recovery (queue_recover) touches only rows whose claimer no longer
 * holds the lock: at start, heraldd holds the database's lock, so every
 * earlier claimer is gone; the stop watchdog settles its own daemon's
 * rows. For each such row still 'sending':
 *  - the journal has its outcome: recorded as if the batch had committed;
 *  - the journal has its start (or transmitting = 1) but no outcome: the
 *    transaction may have reached the end of DATA -> 'uncertain', never
 *    re-sent silently (at most one per SMTP session);
 *  - neither: it never reached the end of DATA -> queued (a server drops
 *    a DATA that did not end). A process that died left its marks in the
 *    page cache, and a power cut can take only marks that were not yet
 *    durable, which no final dot followed; so this holds after both;
 *  - neither, but claimed in an earlier boot by a daemon that did not
 *    sync its journal (a benchmark's HERALD_JOURNAL_NOSYNC, or a herald
 *    before durable journals): marks may have been lost -> 'uncertain'.
 */
#ifndef HERALD_QUEUE_H
#define HERALD_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

struct token_key;

/*
 * The message states (herald(1) MESSAGE STATES) as C spells them. The schema's
 * CHECK constraint holds SQL to the same words.
 */
#define QUEUE_S_QUEUED "queued"
#define QUEUE_S_SENDING "sending"
#define QUEUE_S_SENT "sent"
#define QUEUE_S_DEFERRED "deferred"
#define QUEUE_S_FAILED "failed"
#define QUEUE_S_BOUNCED "bounced"
#define QUEUE_S_UNCERTAIN "uncertain"
#define QUEUE_S_CANCELLED "cancelled"
/* 1 when s is one of them. */
int queue_state_valid(const char *s);

/*
 * The one way message rows are made. QUEUE_ENQUEUE(select) is an INSERT
 * whose rows come from select, which must name, in any order, the
 * columns campaign_id, followup_id, round, list_id, post_id, contact_id,
 * kind, parent_id, template, confirm_id, rcpt, a placeholder ph unique
 * to the row (both its token and Message-ID until queue_enqueued), and
 * now. Every row starts 'queued', due now. A caller may append
 * " ON CONFLICT DO NOTHING". After stepping it, queue_enqueued gives the
 * rows it made their signed tokens.
 */
#define QUEUE_ENQUEUE(select) \
	"INSERT INTO message (campaign_id, followup_id, round, list_id, " \
	"post_id, contact_id, kind, parent_id, template, confirm_id, rcpt, " \
	"token, message_id, state, next_attempt, created, updated) " \
	"SELECT campaign_id, followup_id, round, list_id, post_id, " \
	"contact_id, kind, parent_id, template, confirm_id, rcpt, ph, ph, " \
	"'" QUEUE_S_QUEUED "', now, now, now FROM (" select ") WHERE true"
/*
 * Give every row the last QUEUE_ENQUEUE statement made its token and
 * Message-ID (token_make(kind 'm', row id)@domain). Inside the caller's
 * transaction. Returns how many, or -1.
 */
long queue_enqueued(struct db *d, const struct token_key *key,
    const char *domain);

enum queue_outcome {
	QUEUE_SENT,
	QUEUE_TEMPFAIL,		/* 4xx, connection trouble: retry later */
	QUEUE_PERMFAIL,		/* 5xx, or the message cannot be made */
	QUEUE_UNCERTAIN		/* stopped between end of DATA and reply */
};

struct queue_retry {
	int64_t retry_min, retry_max, give_up;
};

/*
 * This machine's boot id ("" when unknown: treated as a new boot).
 * HERALD_TEST_BOOT_ID replaces it: for tests that simulate a reboot.
 */
const char *queue_boot_id(void);
/*
 * A daemon's identity for its claims, into buf: "BOOT;PID.START;sync"
 * (";nosync" when its journal is not synced). Unique per daemon run.
 */
void queue_claim_id(char *buf, size_t len, int synced);
/*
 * Apply the restart rules above, reading the journal at journal_path, to
 * the rows claimed by anyone but claim (mine 0: the caller holds the
 * lock, so those claimers are gone) or by claim only (mine 1: the caller
 * is claim's daemon, giving up). Returns the rows changed or -1.
 */
struct queue_retry;
long queue_recover(struct db *d, const char *claim, int mine,
    const char *journal_path, const struct queue_retry *r);
/*
 * Reserve up to max due rows (queued, or deferred and due, in a campaign
 * that is sending) in one durable transaction, claimed by claim. ids
 * receives them, oldest first. Returns how many, or -1.
 */
int queue_reserve(struct db *d, const char *claim, int64_t now, int max,
    int64_t *ids);
/* A campaign whose messages must not start: any state but 'sending'. */
struct queue_hold {
	int64_t campaign_id;
	int cancelled;		/* its reserved messages are cancelled */
};
/*
 * Every such campaign into *v (grown as needed, *cap its size): the
 * sender checks each message against them before it starts, so a pause
 * or a cancel holds back what was reserved but not started. Returns
 * how many, or -1.
 */
int queue_holds(struct db *d, struct queue_hold **v, int *cap);
/* Inside a caller's transaction: record an outcome of an attempt made at
 * time at (attempts + 1, backoff for a temporary failure), and, when not
 * NULL, the server that answered and the Subject the message had. */
int queue_result(struct db *d, int64_t id, enum queue_outcome o,
    const char *reply, const struct queue_retry *r, int64_t at,
    const char *server, const char *subject);
/* Inside a caller's transaction: give back a reservation never started
 * (to state, "queued" or "cancelled"). */
int queue_release(struct db *d, int64_t id, const char *state);
/* The earliest next_attempt of a waiting row, or 0 when none. */
int64_t queue_next_due(struct db *d);

#endif
