/*
 * classify_report: mail from mail systems, judged before any auto-reply
 * rule (a bounce marked "Precedence: bulk" is still a bounce): bounces,
 * delay warnings and receipts (in/dsn.h), complaints (in/arf.h). Each is
 * linked to herald's message through a token it carries: the bounce
 * address it came to, or the returned message's Message-ID, which is
 * one of herald's signed tokens. What may be acted on is in/act.c's call.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "in/arf.h"
#include "in/classify_int.h"
#include "in/dsn.h"
#include "lib/addr.h"

/* A Message-ID (no brackets) of herald's: link r to its message. */
static int
classify_report_mid(const struct classify_env *e, const char *mid,
    struct classify_result *r)
{
	struct classify_addr a;

	if (mid == NULL || !classify_tagged(e, mid, &a) || !a.is_token ||
	    !a.token_ok || a.kind != TOKEN_MESSAGE)
		return 0;
	classify_link(e, (int64_t)a.id, r);
	if (r->message_ref)
		snprintf(r->token, sizeof r->token, "valid");
	return r->message_ref != 0;
}

/* The message a report is about: its bounce address, or its Message-ID. */
static void
classify_report_link(const struct classify_env *e,
    const struct classify_addr *to, const char *mid,
    struct classify_result *r)
{
	if (to && to->is_token && to->token_ok && to->kind != TOKEN_CONFIRM) {
		classify_link(e, (int64_t)to->id, r);
		if (r->message_ref)
			return;
	}
	classify_report_mid(e, mid, r);
}

/* Receipts and delay warnings: nothing failed. */
static void
classify_receipt(const struct classify_env *e,
    const struct classify_addr *to, const struct dsn_report *d,
    struct classify_result *r)
{
	char why[200];

	classify_report_link(e, to, d->orig_message_id, r);
	if (d->kind == DSN_KIND_DELAY)
		snprintf(why, sizeof why, "a delay warning, not a bounce: "
		    "delivery is still being tried (%s)", d->delay_why ?
		    d->delay_why : "Action: delayed");
	else if (d->kind == DSN_KIND_RECEIPT)
		snprintf(why, sizeof why, "a read receipt (RFC 8098): %s",
		    d->disposition ? d->disposition : "no disposition");
	else
		snprintf(why, sizeof why, "a delivery success report");
	classify_set(r, "receipt", why, r->message_ref ? NULL :
	    "names no message of herald's");
}

/*
 * The failed recipient: when the message is known, the report must name
 * the address herald sent it to (dsn_rcpt_for); a report that names
 * somebody else scores nobody.
 */
static const struct dsn_rcpt *
classify_failed(const struct dsn_report *d, struct classify_result *r)
{
	const struct dsn_rcpt *x;

	if (*r->linked_rcpt == '\0')
		return d->nrcpt > 0 ? &d->rcpt[0] : NULL;
	if ((x = dsn_rcpt_for(d, r->linked_rcpt)) == NULL && d->nrcpt > 0) {
		snprintf(r->bounced, sizeof r->bounced, "%s", d->rcpt[0].addr ?
		    d->rcpt[0].addr : "");
		r->hard = -1;
		r->scores = 0;
	}
	return x;
}

/* What a report claimed to be about, but did not prove. */
static void
classify_report_unlink(struct classify_result *r)
{
	r->message_ref = r->contact_id = r->campaign_id = r->list_id =
	    r->event_id = 0;
	*r->linked_rcpt = '\0';
	snprintf(r->token, sizeof r->token, "none");
}

static void
classify_bounce(const struct classify_env *e, const struct classify_addr *to,
    const struct dsn_report *d, struct classify_result *r)
{
	const struct dsn_rcpt *x;
	int via_token = to && to->is_token && to->token_ok &&
	    to->kind == TOKEN_BOUNCE;

	r->at_bounce_addr = via_token;
	r->hard = -1;
	if (via_token)
		classify_link(e, (int64_t)to->id, r);
	else
		classify_report_mid(e, d->orig_message_id, r);
	x = classify_failed(d, r);
	/* a report elsewhere names the message only for its own recipient */
	if (!via_token && x == NULL && r->message_ref)
		classify_report_unlink(r);
	if (x != NULL) {
		snprintf(r->bounced, sizeof r->bounced, "%s", x->addr ?
		    x->addr : "");
		snprintf(r->dsn_status, sizeof r->dsn_status, "%s", x->status);
		r->hard = x->hard;
		r->scores = !x->noscore;
	}
	snprintf(r->kind, sizeof r->kind, "bounce");
	snprintf(r->why, sizeof r->why, "%s%s%s%s: %s %s%s%s", via_token ?
	    "sent to a bounce address" : r->message_ref ? "a delivery "
	    "failure report, matched by the returned Message-ID" :
	    "a delivery failure report",
	    d->is_bounce ? " (" : "", d->is_bounce ? d->source : "",
	    d->is_bounce ? ")" : "", r->bounced, r->dsn_status,
	    r->hard == 1 ? " (hard)" : r->hard == 0 ? " (soft)" : "",
	    x == NULL && *r->linked_rcpt ? "; it does not name the address "
	    "herald sent to, so it counts for nobody" : "");
}

/* One candidate of an ARF report: a token of herald's? */
static int
classify_complaint_cand(const struct classify_env *e,
    const struct arf_cand *c, struct classify_result *r)
{
	struct classify_addr a;

	if (c->from == ARF_FROM_MESSAGE_ID)
		return classify_report_mid(e, c->value, r);
	if (c->from == ARF_FROM_UNSUB_URL || c->from == ARF_FROM_LIST_ID ||
	    !classify_ours(e, c->value, &a) || !a.is_token || !a.token_ok ||
	    a.kind == TOKEN_CONFIRM)
		return 0;
	classify_link(e, (int64_t)a.id, r);
	if (r->message_ref)
		snprintf(r->token, sizeof r->token, "valid");
	return r->message_ref != 0;
}

/*
 * A feedback report (RFC 5965): somebody called one of herald's messages
 * spam. It counts only through a token of that message, and only when
 * the report does not name another recipient than the one herald sent
 * it to (providers often leave the recipient out).
 */
static void
classify_complaint(const struct classify_env *e, const struct in_msg *m,
    struct classify_result *r)
{
	struct arf_report a;
	const char *rcpt;
	size_t i;

	memset(&a, 0, sizeof a);
	arf_parse(m, &a);
	for (i = 0; i < a.ncand && r->message_ref == 0; i++)
		classify_complaint_cand(e, &a.cand[i], r);
	snprintf(r->feedback, sizeof r->feedback, "%s", *a.feedback_type ?
	    a.feedback_type : "abuse");
	rcpt = a.original_rcpt_to;
	r->complaint_ok = r->message_ref != 0 && (rcpt == NULL ||
	    strcasecmp(rcpt, r->linked_rcpt) == 0);
	snprintf(r->kind, sizeof r->kind, "complaint");
	snprintf(r->why, sizeof r->why, "a complaint (feedback report, %s)%s%s",
	    r->feedback, r->message_ref == 0 ? ": names no message of "
	    "herald's, nothing done" : r->complaint_ok ? ": the recipient "
	    "gets no more of that stream" : ": it names another recipient "
	    "than the message's, nothing done", "");
	arf_report_free(&a);
}

int
classify_report(const struct classify_env *e, const struct in_msg *m,
    const struct classify_addr *to, struct classify_result *r)
{
	struct dsn_report d;
	const char *why;
	int via_token = to && to->is_token && to->token_ok &&
	    to->kind == TOKEN_BOUNCE, done = 1;

	memset(&d, 0, sizeof d);
	dsn_parse(m, &d);
	if (d.kind == DSN_KIND_ARF)
		classify_complaint(e, m, r);
	else if (dsn_is_receipt(&d) || d.kind == DSN_KIND_DELAY)
		classify_receipt(e, to, &d, r);
	else if (d.is_bounce || via_token)
		classify_bounce(e, to, &d, r);
	else {
		done = 0;
		r->mail_system = dsn_from_mail_system(m, &why);
		if (r->mail_system)
			snprintf(r->no_answer_why, sizeof r->no_answer_why,
			    "%s", why);
	}
	dsn_report_free(&d);
	return done;
}
