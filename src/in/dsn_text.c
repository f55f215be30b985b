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
