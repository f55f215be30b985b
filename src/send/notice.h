/*
 * notice: every automatic message herald sends to an address it did not
 * choose (list answers, confirmations, held-post notices, expiry and
 * rejection notices) is queued here, and only here, so that one set of
 * rules keeps herald from being a backscatter or flooding tool:
 *
 *   - never to a null, MAILER-DAEMON or postmaster address;
 *   - at most NOTICE_ADDR_DAY a day to one address (lower-cased: case
 *     variants are one mailbox), NOTICE_LIST_HOUR an hour about one list,
 *     NOTICE_ALL_HOUR an hour in all;
 *   - each message held back by a limit leaves a line in the contact
 *     log (kind "limited"), so an organiser can see what was not sent.
 *
 * Whether the mail that prompted a notice may be answered at all (RFC
 * 3834: not auto-submitted, not from a list) is the inbound side's
 * decision (in/act.c); this module only counts and queues.
 */
#ifndef HERALD_OUT_NOTICE_H
#define HERALD_OUT_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/token.h"
#include "store/db.h"

#define NOTICE_ADDR_DAY 10
#define NOTICE_LIST_HOUR 60
#define NOTICE_ALL_HOUR 300
/* how much of a stranger's Subject a notice may quote */
#define NOTICE_SUBJECT_MAX 78

struct notice {
	const char *template;	/* help, confirm-subscribe, confirm-unsubscribe,
				 * confirm-post, held-notice, held-expired,
				 * held-rejected (out/render_auto.c) */
	const char *rcpt;
	int64_t list_id;
	int64_t contact_id;	/* 0: not (yet) a contact */
	int64_t post_id;	/* the held post it is about, or 0 */
	int64_t confirm_id;	/* the confirmation it carries, or 0 */
};

enum notice_result { NOTICE_QUEUED = 0, NOTICE_HELD = 1 };

/* 1 when addr may ever get an automatic message (not null, not a
 * mail system's own address). */
int notice_rcpt_ok(const char *addr);
/*
 * Queue n, in the caller's transaction, if the limits allow. *what gets
 * one line for the log ("held-notice to a@b", or why it was held back).
 * Returns NOTICE_QUEUED, NOTICE_HELD, or -1 on a database error.
 */
int notice_queue(struct db *d, const struct token_key *key,
    const char *domain, const struct notice *n, char *what, size_t whatlen);
/* Cut a stranger's text to NOTICE_SUBJECT_MAX bytes on a UTF-8
 * character boundary, into buf (size >= NOTICE_SUBJECT_MAX + 4). */
void notice_cut(const char *s, char *buf, size_t len);

#endif
