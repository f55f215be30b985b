/*
 * dsn: the phrase tables, what the words of a notice say when no code
 * does, and whether a message is a bounce at all (see dsn_int.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "in/dsn_int.h"

/* ---- what the words say, when no code does ---- */

/*
 * The first phrase found decides, so the table runs from the address's
 * own state to the host's, then the message's and the sender's, and
 * only then to having given up.
 */
static const struct dsn_phrase dsn_phrases[] = {
	{ "domain does not exist", "5.1.2", DSN_WHY_HOST },
	{ "domain not found", "5.1.2", DSN_WHY_HOST },
	{ "no such domain", "5.1.2", DSN_WHY_HOST },
	{ "user unknown", "5.1.1", DSN_WHY_USER },
	{ "unknown user", "5.1.1", DSN_WHY_USER },
	{ "no such user", "5.1.1", DSN_WHY_USER },
	{ "no such recipient", "5.1.1", DSN_WHY_USER },
	{ "no such mailbox", "5.1.1", DSN_WHY_USER },
	{ "no such account", "5.1.1", DSN_WHY_USER },
	{ "no mailbox", "5.1.1", DSN_WHY_USER },
	{ "unknown recipient", "5.1.1", DSN_WHY_USER },
	{ "recipient unknown", "5.1.1", DSN_WHY_USER },
	{ "no valid recipient", "5.1.1", DSN_WHY_USER },
	{ "invalid final delivery userid", "5.1.1", DSN_WHY_USER },
	{ "not listed in", "5.1.1", DSN_WHY_USER },
	{ "malformed address", "5.1.3", DSN_WHY_USER },
	{ "may not exist", "5.1.1", DSN_WHY_USER },
	{ "recipient not found", "5.1.1", DSN_WHY_USER },
	{ "user not found", "5.1.1", DSN_WHY_USER },
	{ "unknown address", "5.1.1", DSN_WHY_USER },
	{ "address unknown", "5.1.1", DSN_WHY_USER },
	{ "invalid recipient", "5.1.1", DSN_WHY_USER },
	{ "invalid address", "5.1.1", DSN_WHY_USER },
	{ "invalid mailbox", "5.1.1", DSN_WHY_USER },
	{ "mailbox not found", "5.1.1", DSN_WHY_USER },
	{ "mailbox unavailable", "5.1.1", DSN_WHY_USER },
	{ "not a valid mailbox", "5.1.1", DSN_WHY_USER },
	{ "name is not recognized", "5.1.1", DSN_WHY_USER },
	{ "does not exist", "5.1.1", DSN_WHY_USER },
	{ "doesn't exist", "5.1.1", DSN_WHY_USER },
	{ "doesn't have a", "5.1.1", DSN_WHY_USER },
	{ "no longer valid", "5.1.1", DSN_WHY_USER },
	{ "account is disabled", "5.2.1", DSN_WHY_DISABLED },
	{ "account disabled", "5.2.1", DSN_WHY_DISABLED },
	{ "account is locked", "5.2.1", DSN_WHY_DISABLED },
	{ "disabled recipient", "5.2.1", DSN_WHY_DISABLED },
	{ "has been disabled", "5.2.1", DSN_WHY_DISABLED },
	{ "suspended", "5.2.1", DSN_WHY_DISABLED },
	{ "inactive", "5.2.1", DSN_WHY_DISABLED },
	{ "quota exceeded", "5.2.2", DSN_WHY_FULL },
	{ "over quota", "5.2.2", DSN_WHY_FULL },
	{ "exceeded quota", "5.2.2", DSN_WHY_FULL },
	{ "mailbox full", "5.2.2", DSN_WHY_FULL },
	{ "mailbox is full", "5.2.2", DSN_WHY_FULL },
	{ "exceeded storage", "5.2.2", DSN_WHY_FULL },
	{ "storage allocation", "5.2.2", DSN_WHY_FULL },
	{ "mailbox exceeds", "5.2.2", DSN_WHY_FULL },
	{ "host not found", "5.4.4", DSN_WHY_HOST },
	{ "host unknown", "5.4.4", DSN_WHY_HOST },
	{ "unknown host", "5.4.4", DSN_WHY_HOST },
	{ "unrouteable address", "5.4.4", DSN_WHY_HOST },
	{ "name service error", "5.4.4", DSN_WHY_HOST },
	{ "no mx record", "5.4.4", DSN_WHY_HOST },
	{ "message too large", "5.3.4", DSN_WHY_SIZE },
	{ "message size exceeds", "5.3.4", DSN_WHY_SIZE },
	{ "too big", "5.3.4", DSN_WHY_SIZE },
	{ "relay access denied", "5.7.1", DSN_WHY_POLICY },
	{ "relaying denied", "5.7.1", DSN_WHY_POLICY },
	{ "relay not permitted", "5.7.1", DSN_WHY_POLICY },
	{ "not permitted to relay", "5.7.1", DSN_WHY_POLICY },
	{ "unable to relay", "5.7.1", DSN_WHY_POLICY },
	{ "spam", "5.7.1", DSN_WHY_POLICY },
	{ "blacklist", "5.7.1", DSN_WHY_POLICY },
	{ "blocklist", "5.7.1", DSN_WHY_POLICY },
	{ "blocked", "5.7.1", DSN_WHY_POLICY },
	{ "dmarc", "5.7.1", DSN_WHY_POLICY },
	{ "spf", "5.7.1", DSN_WHY_POLICY },
	{ "reputation", "5.7.1", DSN_WHY_POLICY },
	{ "policy", "5.7.1", DSN_WHY_POLICY },
	{ "access denied", "5.7.1", DSN_WHY_POLICY },
	{ "virus", "5.7.1", DSN_WHY_POLICY },
	{ "not a member", "5.7.1", DSN_WHY_POLICY },
	{ "retry timeout exceeded", "4.4.7", DSN_WHY_EXPIRED },
	{ "retry time", "4.4.7", DSN_WHY_EXPIRED },
	{ "cannot send message for", "4.4.7", DSN_WHY_EXPIRED },
	{ "could not be delivered within", "4.4.7", DSN_WHY_EXPIRED },
	{ "timed out", "4.4.7", DSN_WHY_EXPIRED },
	{ "failing for a long time", "4.4.7", DSN_WHY_EXPIRED },
	{ "not delivered within", "4.4.7", DSN_WHY_EXPIRED },
	{ "in the queue too long", "4.4.7", DSN_WHY_EXPIRED },
	{ "aborted after", "4.4.7", DSN_WHY_EXPIRED },
	{ "giving up", "4.4.7", DSN_WHY_EXPIRED },
	{ "not responding", "4.4.1", DSN_WHY_EXPIRED },
	{ "expired", "4.4.7", DSN_WHY_EXPIRED },
	/* Postfix's prefix to many reasons: only when none is known */
	{ "recipient address rejected", "5.1.0", DSN_WHY_ADDRESS },
};

static const struct dsn_phrase *
dsn_find_phrase(struct dsn_span t, const char **where)
{
	size_t i;

	for (i = 0; i < sizeof dsn_phrases / sizeof dsn_phrases[0]; i++)
		if ((*where = dsn_find(t, dsn_phrases[i].text)) != NULL)
			return &dsn_phrases[i];
	return NULL;
}

/*
 * Words that put the failure on the sending side (our sender address,
 * our IP address's reputation or DNS, our rate, our content): whatever
 * the code, the recipient's address is not to blame.
 */
static const char *const dsn_sender_side[] = {
	"sender address rejected", "sender rejected", "domain of sender",
	"unroutable sender", "sender domain", "is not verified",
	"blacklist", "blocklist", "black list", "block list", "spamhaus",
	"reverse dns", "rdns", "ptr record", "dns ptr", "client host rejected",
	"ip name lookup", "invalid ip", "not allowed to send", "spf", "dmarc",
	"dkim", "authentication checks", "too many recipients", "rate limit",
	"too many connections", "at a rate", "relay access denied",
	"relaying denied", "no relaying", "not permitted to relay",
	"unable to relay", "as spam", "spam detected", "spam message",
	"weren't sent", "service refuse", "reputation",
};

/* 1 when t says the mailbox does not exist or is disabled. */
static int
dsn_says_no_user(struct dsn_span t)
{
	size_t i;

	for (i = 0; i < sizeof dsn_phrases / sizeof dsn_phrases[0]; i++)
		if ((dsn_phrases[i].why == DSN_WHY_USER ||
		    dsn_phrases[i].why == DSN_WHY_DISABLED) &&
		    dsn_find(t, dsn_phrases[i].text))
			return 1;
	return 0;
}

static int
dsn_says_sender_side(struct dsn_span t)
{
	size_t i;

	for (i = 0; i < sizeof dsn_sender_side / sizeof dsn_sender_side[0];
	    i++)
		if (dsn_find(t, dsn_sender_side[i]))
			return 1;
	return 0;
}

/*
 * The status that t gives: a specific enhanced code; else a phrase's,
 * in the class of any code present; else the generic code. *where gets
 * the place it came from. 0 when t says nothing.
 */
int
dsn_read_status(struct dsn_span t, char status[16], const char **where)
{
	const struct dsn_phrase *ph;
	const char *ps, *pr, *pp = NULL;
	char cls = 0;
	int code = 0;

	status[0] = '\0';
	if ((ps = dsn_find_status(t, status)) != NULL && !dsn_generic(status)) {
		*where = ps;
		return 1;
	}
	pr = dsn_find_reply(t, &code);
	if (ps)
		cls = status[0];
	else if (pr)
		cls = (char)('0' + code / 100);
	if ((ph = dsn_find_phrase(t, &pp)) != NULL) {
		snprintf(status, 16, "%s", ph->status);
		if (cls)
			status[0] = cls;
		*where = ps ? ps : pr ? pr : pp;
		return 1;
	}
	if (ps) {
		*where = ps;
		return 1;
	}
	if (pr) {
		snprintf(status, 16, "%c.0.0", cls);
		*where = pr;
		return 1;
	}
	return 0;
}

/*
 * Hard or soft, and whether it counts against the address: 5.x.x is
 * permanent but a full mailbox empties again; policy, spam, reputation
 * and size rejections (5.7.x, x.3.4, x.1.8, words about the sending side)
 * blame the message or its sender, not the address.
 */
void
dsn_judge(struct dsn_rcpt *rc, struct dsn_span said)
{
	const struct dsn_phrase *ph;
	const char *where;
	int user;

	if (rc->status[0] == '\0') {
		rc->hard = -1;
		return;
	}
	rc->hard = rc->status[0] == '5';
	if (strncmp(rc->status + 1, ".2.2", 4) == 0 &&
	    !dsn_digit((unsigned char)rc->status[5]))
		rc->hard = 0;
	ph = said.s ? dsn_find_phrase(said, &where) : NULL;
	user = said.s && dsn_says_no_user(said);
	/* the message too big, the sender's address (X.1.7, X.1.8) */
	if (strncmp(rc->status + 1, ".3.4", 4) == 0 ||
	    strncmp(rc->status + 1, ".2.3", 4) == 0 ||
	    strncmp(rc->status + 1, ".1.7", 4) == 0 ||
	    strncmp(rc->status + 1, ".1.8", 4) == 0)
		rc->noscore = 1;
	else if (said.s && dsn_says_sender_side(said) && !user)
		rc->noscore = 1;
	/*
	 * "550 5.7.1 Unknown user" is about the user after all, and so is
	 * 5.7.13, "user account disabled"
	 */
	else if (strncmp(rc->status + 1, ".7.", 3) == 0)
		rc->noscore = !user && strcmp(rc->status + 1, ".7.13") != 0;
	/* a specific code says more than words ("5.4.1 Access denied") */
	else if (dsn_generic(rc->status))
		rc->noscore = ph && (ph->why == DSN_WHY_POLICY ||
		    ph->why == DSN_WHY_SIZE);
}

/* ---- is it a bounce at all? ---- */

/*
 * Phrases that only the notices of one MTA (or a family) write. Each is
 * enough to call the message a bounce; the name is what "inbox explain"
 * shows as the source.
 */
static const struct dsn_mta {
	const char *name;
	const char *marker;
} dsn_mtas[] = {
	{ "postfix", "This is the mail system at host" },
	{ "exim", "This message was created automatically by mail delivery "
	    "software" },
	{ "exim", "could not be delivered to one or more of its" },
	{ "qmail", "This is the qmail-send program" },
	{ "qmail", "I'm afraid I wasn't able to deliver your message" },
	{ "sendmail", "----- Transcript of session follows -----" },
	{ "sendmail", "The following addresses had permanent fatal errors" },
	{ "gmail", "Delivery to the following recipient failed permanently" },
	{ "gmail", "Technical details of permanent failure" },
	{ "exchange", "did not reach the following recipient" },
	{ "exchange", "Your message did not reach some or all of the intended "
	    "recipients" },
	{ "exchange", "The following recipient(s) cannot be reached" },
	{ "exchange", "Delivery has failed to these recipients or groups" },
	{ "dragonfly", "There was an error delivering your mail to" },
	{ "opensmtpd", "An error has occurred while attempting to deliver a "
	    "message" },
	{ "yahoo", "Sorry, we were unable to deliver your message to the "
	    "following address" },
	{ "exim", "Failed addresses follow:" },
	{ "text", "Unable to deliver message to" },
	{ "text", "We had trouble delivering your message" },
	{ "verizon", "Error message below:" },
	{ "kddi", "Could not be delivered to:" },
	{ "fml", "You are not a member of this mailing list" },
	{ "text", "The following addresses had delivery errors" },
	{ "text", "could not be delivered to the following recipient" },
};

static const char *const dsn_subjects[] = {
	"Undelivered Mail Returned to Sender",
	"Mail delivery failed",
	"Delivery Status Notification",
	"failure notice",
	"Returned mail",
	"Undeliverable",
	"Undelivered",
	"Delivery failure",
	"Delivery failed",
	"Mail System Error",
	"Nondeliverable",
	"Non-delivery",
	"Non delivery",
	"Message not delivered",
	"Delivery Notification",
	"could not be delivered",
	"Unzustellbar",
	"Non remis",
	"No se puede entregar",
	"Mail failure",
	"mail failed",
	"delivery has failed",
	"error sending your mail",
};

static const char *
dsn_marker(const struct dsn_ctx *c)
{
	struct dsn_span t = { c->text, c->notice.end };
	const char *p, *line;
	size_t i;

	/* someone quoting a bounce ("> This is the mail system") is a person */
	for (i = 0; i < sizeof dsn_mtas / sizeof dsn_mtas[0]; i++)
		for (p = t.s; (p = dsn_find((struct dsn_span){ p, t.end },
		    dsn_mtas[i].marker)) != NULL; p++) {
			line = dsn_bol(t.s, p);
			while (line < p && (*line == ' ' || *line == '\t'))
				line++;
			if (*line != '>')
				return dsn_mtas[i].name;
		}
	return NULL;
}

int
dsn_has(const char *v, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		if (strcasestr(v, list[i]))
			return 1;
	return 0;
}

/* From MAILER-DAEMON or postmaster, or sent with an empty Return-Path. */
int
dsn_from_system(const struct in_msg *m)
{
	static const char *const names[] = { "mailer-daemon", "mailer daemon",
	    "postmaster", "post_master", "mail delivery", "mail-daemon",
	    "mailerdaemon" };
	const char *rp = in_msg_header(m, "Return-Path", 0);

	if (dsn_has(in_msg_header(m, "From", 0), names,
	    sizeof names / sizeof names[0]))
		return 1;
	if (rp) {
		while (*rp == ' ' || *rp == '\t')
			rp++;
		if (strncmp(rp, "<>", 2) == 0)
			return 1;
	}
	return 0;
}

/* Warnings that the message is still being tried. */
int
dsn_delay_text(const struct dsn_ctx *c)
{
	static const char *const words[] = { "warning message only",
	    "no action is required on your part", "will be retried for",
	    "will continue trying", "still trying to deliver",
	    "will keep trying" };
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (dsn_find(c->notice, words[i]))
			return 1;
	return 0;
}

int
dsn_delay_subject(const char *s)
{
	static const char *const delays[] = { "(Delay)", "Delayed Mail",
	    "Delivery delayed", "Warning: could not send", "delivery delay",
	    "Mail delivery delayed" };

	return dsn_has(s, delays, sizeof delays / sizeof delays[0]);
}

int
dsn_is_arf(const struct in_msg *m)
{
	const struct in_part *p;
	const char *rt = in_msg_type_param(m, "report-type");
	size_t i;

	if (rt && strcasecmp(rt, "feedback-report") == 0)
		return 1;
	for (i = 0; (p = in_msg_part(m, i)) != NULL; i++)
		if (!p->enclosed &&
		    strcmp(p->type, "message/feedback-report") == 0)
			return 1;
	return 0;
}

int
dsn_looks_like_bounce(const struct dsn_ctx *c, const char **source)
{
	const char *subject = in_msg_subject(c->m);
	const char *rt = in_msg_type_param(c->m, "report-type");

	if ((*source = dsn_marker(c)) != NULL)
		return 1;
	*source = "text";
	if (rt && strcasecmp(rt, "delivery-status") == 0)
		return 1;
	if (in_msg_header(c->m, "X-Failed-Recipients", 0))
		return 1;
	/* a system sender with a bounce subject, or an SMTP transcript */
	return dsn_from_system(c->m) && (dsn_has(subject, dsn_subjects,
	    sizeof dsn_subjects / sizeof dsn_subjects[0]) ||
	    dsn_find(c->notice, "RCPT TO:"));
}

/* "This is the mail system at host X", "the qmail-send program at X" */
void
dsn_text_mta(struct dsn_ctx *c)
{
	static const char *const says[] = { "mail system at host ",
	    "program at ", "Mail Agent at " };
	const char *p;
	size_t i;

	for (i = 0; c->r->reporting_mta == NULL && i < sizeof says /
	    sizeof says[0]; i++)
		if ((p = dsn_find(c->notice, says[i])) != NULL)
			c->r->reporting_mta = dsn_host_at(p + strlen(says[i]));
}
