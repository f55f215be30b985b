/*
 * sender: heraldd's SMTP client. smtp.connections sessions, each a
 * libcurl easy handle on a thread of its own, keep their connections
 * open between messages (one recipient per transaction, so the reply is
 * that recipient's). Each session takes its next rendered message,
 * marks its start and sends it on its own thread (session.c); the poll
 * loop's thread reserves rows durably, keeps the campaigns on hold and
 * commits the outcomes in batches (sender.c), following store/queue.h.
 * See docs/design.md "One poll loop, and the sender's threads".
 */
#ifndef HERALD_SENDER_H
#define HERALD_SENDER_H

#include "conf/conf.h"
#include "lib/loop.h"
#include "lib/token.h"
#include "store/db.h"

/* The longest an SMTP transaction may take (and so a SIGTERM drain). */
#define SENDER_TIMEOUT_S 300

struct sender;

/*
 * NULL with err set (e.g. an unreadable password file). claim: the
 * daemon's identity on its reservations (queue_claim_id); nosync: no
 * fdatasync of the journal and unsynced outcome commits, for a
 * benchmark's comparison only (power loss is then not survived).
 */
struct sender *sender_new(struct db *d, const struct conf *c,
    const struct token_key *key, struct loop *l, const char *claim,
    int nosync, char *err, size_t errlen);
void sender_free(struct sender **s);
/* Look for due messages and start what the limits allow. */
void sender_pump(struct sender *s);
/* The database changed: look for due messages at the next pump even
 * when the last look, this same second, found none. */
void sender_wake(struct sender *s);
/* Stop starting messages; the ones in flight finish and are recorded. */
void sender_stop(struct sender *s);
/* 1 when nothing is in flight (after sender_stop: safe to exit). */
int sender_idle(const struct sender *s);
/*
 * Give up on the transactions still in flight (a stop that waited long
 * enough): one whose whole message was handed over becomes uncertain,
 * any other goes back to the queue (its connection is shut before the
 * final dot could go). Recorded at once; returns how many.
 */
int sender_abandon(struct sender *s);
/* Take a reloaded config (used from the next session on). */
void sender_reconfigure(struct sender *s, const struct conf *c);

#endif
