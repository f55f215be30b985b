/*
 * arf: abuse feedback reports (RFC 5965, "Abuse Reporting Format"): a
 * mailbox provider tells the sender that one of its users called a
 * message spam. A complaint is neither a bounce nor an auto-reply.
 *
 * arf_parse reads the machine-readable part (message/feedback-report:
 * Feedback-Type, User-Agent, Original-Mail-From, Original-Rcpt-To,
 * Source-IP, ...) and the header of the returned message (a
 * message/rfc822 or text/rfc822-headers part), and lists every string in
 * them that may carry one of herald's signed tokens:
 *
 *   - the returned Message-ID, "m<id>-<mac>@sender.domain";
 *   - the envelope sender (Return-Path, Original-Mail-From), a tagged
 *     bounce address "office+b<id>-<mac>@domain";
 *   - To (when the provider did not redact it), List-Unsubscribe
 *     (mailto: addresses and URLs) and List-Id, which name a list and
 *     may carry an unsubscribe token.
 *
 * The candidates are raw strings: this module verifies nothing. The
 * classifier checks them (classify_tagged/token_check) in the order
 * given, most specific first, and counts the complaint only against a
 * message or contact that a valid token names.
 *
 *	struct arf_report a;
 *	size_t i;
 *
 *	if (arf_parse(m, &a)) {
 *		for (i = 0; i < a.ncand; i++)
 *			try a.cand[i].value (a.cand[i].from says where it
 *			was found: a Message-ID, an address or a URL);
 *		log a.feedback_type ("abuse", "fraud", "not-spam", ...);
 *	}
 *	arf_report_free(&a);
 *
 * Pure: no database, no allocation that outlives arf_report_free.
 */
#ifndef HERALD_IN_ARF_H
#define HERALD_IN_ARF_H

#include <stddef.h>

#include "in/msg.h"

#define ARF_MAX_CANDS 24

/* Where a candidate was found. */
enum arf_from {
	ARF_FROM_MESSAGE_ID,	/* the returned message's Message-ID */
	ARF_FROM_RETURN_PATH,	/* its Return-Path (envelope sender) */
	ARF_FROM_MAIL_FROM,	/* the report's Original-Mail-From */
	ARF_FROM_UNSUB_MAILTO,	/* a mailto: address of List-Unsubscribe */
	ARF_FROM_UNSUB_URL,	/* an http(s) URL of List-Unsubscribe */
	ARF_FROM_LIST_ID,	/* the id inside List-Id's angle brackets */
	ARF_FROM_TO,		/* an address of the returned To */
	ARF_FROM_RCPT_TO	/* the report's Original-Rcpt-To */
};

struct arf_cand {
	enum arf_from from;
	/*
	 * Message-IDs and List-Ids without angle brackets; addresses
	 * normalised (domain lower-cased); URLs as written.
	 */
	char *value;
};

struct arf_report {
	int is_arf;
	/* Feedback-Type lower-case ("abuse", "fraud", "virus", "other",
	 * "not-spam", "auth-failure"); "" when the report omits it */
	char feedback_type[32];
	char *user_agent;		/* each NULL when absent */
	char *source_ip;
	char *reported_domain;
	char *arrival_date;
	char *original_mail_from;	/* normalised address */
	char *original_rcpt_to;		/* normalised address */
	/* the returned message, when its header came back */
	int returned;
	char *message_id;		/* without angle brackets */
	char *return_path;		/* normalised address */
	char *subject;			/* as written (not decoded) */
	/* candidate tokens, most specific first; duplicates dropped */
	struct arf_cand cand[ARF_MAX_CANDS];
	size_t ncand;
};

/*
 * Fill r (free with arf_report_free) from m. Returns r->is_arf: 1 when
 * m is a feedback report (report-type=feedback-report, or a
 * message/feedback-report part). Never fails.
 */
int arf_parse(const struct in_msg *m, struct arf_report *r);
void arf_report_free(struct arf_report *r);

const char *arf_from_name(enum arf_from f);

#endif
