/*
 * dsn: is an inbound message a bounce, and for which recipients, how
 * permanent, and whose fault?
 *
 * Sources, in order: RFC 3464 delivery-status parts (also when their
 * fields are pasted into the text); then the human-readable notices of
 * the common MTAs (Postfix, Exim, Sendmail, qmail, Exchange, Gmail, ...),
 * recognised by a small table of phrases; then, for anything that looks
 * like a bounce (sender MAILER-DAEMON or postmaster or empty Return-Path
 * plus a bounce subject), the recipient and code found in its text.
 *
 * Not bounces: "Action: delayed" warnings (kind DSN_KIND_DELAY), success
 * reports, and abuse feedback reports (RFC 5965, kind DSN_KIND_ARF).
 */
#ifndef HERALD_IN_DSN_H
#define HERALD_IN_DSN_H

#include <stddef.h>

#include "in/msg.h"

#define DSN_MAX_RCPTS 64

enum dsn_kind {
	DSN_KIND_NONE,		/* not a delivery report */
	DSN_KIND_BOUNCE,	/* at least one recipient failed */
	DSN_KIND_DELAY,		/* only warnings: still being tried */
	DSN_KIND_SUCCESS,	/* delivered / relayed / expanded */
	DSN_KIND_ARF		/* an abuse feedback report */
};

enum dsn_action {
	DSN_ACTION_UNKNOWN,
	DSN_ACTION_FAILED,
	DSN_ACTION_DELAYED,
	DSN_ACTION_DELIVERED,
	DSN_ACTION_RELAYED,
	DSN_ACTION_EXPANDED
};

struct dsn_rcpt {
	char *addr;		/* the failed address, normalised */
	char status[16];	/* "5.1.1"; "" when nothing said it */
	enum dsn_action action;
	/*
	 * 1: permanent (5.x.x), 0: transient (4.x.x, or a full mailbox),
	 * -1: the report does not say.
	 */
	int hard;
	/*
	 * 1 when the failure is not the address's fault and must not count
	 * against it: policy, spam or reputation rejections (5.7.x but
	 * 5.7.13), SPF/DKIM/DMARC, our IP's DNS or blocklisting, our sender
	 * address (x.1.7, x.1.8), rate limits, a message too big.
	 */
	int noscore;
	char *diag;		/* the server's words, one line, or NULL */
	char *mta;		/* remote or reporting MTA host, or NULL */
};

struct dsn_report {
	int is_bounce;		/* kind == DSN_KIND_BOUNCE */
	enum dsn_kind kind;
	const char *source;	/* "rfc3464", "postfix", "exim"...; static */
	char *reporting_mta;	/* or NULL */
	char *orig_message_id;	/* Message-ID of the returned message */
	struct dsn_rcpt *rcpt;	/* failed recipients first */
	size_t nrcpt;
};

/*
 * Fill r (free with dsn_report_free) from m. Returns r->is_bounce. Never
 * fails: anything not recognised is DSN_KIND_NONE.
 */
int dsn_parse(const struct in_msg *m, struct dsn_report *r);
void dsn_report_free(struct dsn_report *r);

const char *dsn_kind_name(enum dsn_kind k);
const char *dsn_action_name(enum dsn_action a);

#endif
