/*
 * inbound: every message read from the mailbox, recorded once, and
 * where the ingester stands in each mailbox (UIDVALIDITY, last UID).
 *
 * A message is "already handled" when its (mailbox, UIDVALIDITY, UID) is
 * known, or its Message-ID and content hash are: the second rule catches
 * the same mail again after a UIDVALIDITY change or a re-delivery.
 */
#ifndef HERALD_INBOUND_H
#define HERALD_INBOUND_H

#include <stdint.h>

#include "store/db.h"

struct inbound {
	const char *mailbox;
	int64_t uidvalidity, uid;
	const char *message_id;
	const char *hash;		/* hex SHA-256 of the raw message */
	const char *kind;		/* herald(1) WHAT COMES IN kinds */
	const char *from_addr, *subject, *rcpt_addr;
	int64_t contact_id, message_ref, campaign_id, list_id;
	const char *rsvp;		/* NULL when none */
	const char *dsn_status;		/* NULL when none */
	int hard;			/* -1 unknown, 0 soft, 1 hard */
	const char *flags, *detail;
	const char *held_state;		/* NULL unless held */
	int64_t size;
};

/* 1 when already handled (see above), 0 when new, -1 on error. */
int inbound_seen(struct db *d, const char *mailbox, int64_t uidvalidity,
    int64_t uid, const char *message_id, const char *hash);
/* Record it (inside the caller's transaction); the new id or -1. */
int64_t inbound_add(struct db *d, const struct inbound *in);
/* Where the ingester stands: 1 found, 0 new mailbox, -1 error. */
int inbound_state_get(struct db *d, const char *mailbox,
    int64_t *uidvalidity, int64_t *last_uid);
/*
 * The answer queue (herald(1), inbox --open): an inbound row i is open
 * while a person has to read or answer it: kind reply (a thread-only
 * reply from a stranger too), or flag needs-answer (an answer that also
 * asks something, or is hedged), and not handled yet. SQL over alias i.
 */
#define INBOUND_OPEN_SQL "((i.kind = 'reply' OR ',' || i.flags LIKE " \
	"'%,needs-answer,%') AND i.handled_at IS NULL)"
#define INBOUND_ANSWERABLE_SQL "(i.kind = 'reply' OR ',' || i.flags " \
	"LIKE '%,needs-answer,%')"
/*
 * Close inbound message id (inside the caller's transaction): handled
 * now by by ("organiser", "office-reply"), note may be NULL, and noted in
 * the person's contact log (kind "handled"). 1 closed,
 * 0 already closed, 2 not one to answer (see above), 3 no such message,
 * -1 on error.
 */
int inbound_handle(struct db *d, int64_t id, const char *by,
    const char *note);
int inbound_state_set(struct db *d, const char *mailbox, int64_t uidvalidity,
    int64_t last_uid, int resync);

#endif
