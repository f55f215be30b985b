/* dsn: see dsn.h. */
#include "in/dsn.h"

#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/*
 * Notices worth reading are a few kilobytes; reading at most this much of
 * any text keeps a hostile 10 MB body from costing seconds of searching.
 */
#define DSN_TEXT_MAX (32u * 1024)
#define DSN_DIAG_MAX 400

struct dsn_span {
	const char *s;
	const char *end;
};

/* ---- small text helpers ---- */

/* Case-insensitive search for needle inside t only. */
static const char *
dsn_find(struct dsn_span t, const char *needle)
{
	size_t n = strlen(needle);
	int c0 = needle[0] | 0x20;
	const char *p;

	if (n == 0 || t.s == NULL || t.end < t.s || (size_t)(t.end - t.s) < n)
		return NULL;
	for (p = t.s; p + n <= t.end; p++)
		if ((*p | 0x20) == c0 && strncasecmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* The span of a string; of nothing when s is NULL. */
static struct dsn_span
dsn_span_of(const char *s)
{
	struct dsn_span t = { s, s ? s + strlen(s) : NULL };

	return t;
}

static const char *
dsn_eol(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

static const char *
dsn_bol(const char *start, const char *p)
{
	while (p > start && p[-1] != '\n')
		p--;
	return p;
}

static int
dsn_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
dsn_alnum(int c)
{
	return dsn_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* One trimmed line of at most DSN_DIAG_MAX bytes, as a new string. */
static char *
dsn_oneline(const char *p, const char *end)
{
	const char *e;
	char *s, *o, *c;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	e = dsn_eol(p, end);
	if (e - p > DSN_DIAG_MAX)
		e = p + DSN_DIAG_MAX;
	s = xstrndup(p, (size_t)(e - p));
	/* controls become spaces, and runs of spaces (unfolding) one */
	for (o = c = s; *c; c++) {
		char ch = (unsigned char)*c < 0x20 ? ' ' : *c;

		if (ch != ' ' || o == s || o[-1] != ' ')
			*o++ = ch;
	}
	*o = '\0';
	text_trim(s);
	if (*s == '\0')
		xfree(&s);
	return s;
}

/* ---- status codes ---- */

/* Length of an enhanced status code "4.x.x"/"5.x.x" at p, or 0. */
static size_t
dsn_status_at(const char *start, const char *p, const char *end)
{
	const char *q = p + 1;
	int n, part;

	if (p > start && (dsn_alnum((unsigned char)p[-1]) || p[-1] == '.'))
		return 0;
	if (p + 5 > end || (*p != '4' && *p != '5'))
		return 0;
	for (part = 0; part < 2; part++) {
		if (q >= end || *q != '.')
			return 0;
		for (q++, n = 0; q < end && n < 4 &&
		    dsn_digit((unsigned char)*q); q++)
			n++;
		if (n == 0 || n > 3)
			return 0;
	}
	/* not a longer dotted number (an IP address, a version) */
	if (q < end && (dsn_alnum((unsigned char)*q) ||
	    (*q == '.' && q + 1 < end && dsn_digit((unsigned char)q[1]))))
		return 0;
	return (size_t)(q - p);
}

/* A basic SMTP reply code "4xx"/"5xx" at p, as an int, or 0. */
static int
dsn_reply_at(const char *start, const char *p, const char *end)
{
	if (p + 3 > end || (*p != '4' && *p != '5') || p[1] < '0' ||
	    p[1] > '5' || !dsn_digit((unsigned char)p[2]))
		return 0;
	if (p > start && (dsn_alnum((unsigned char)p[-1]) || strchr(".-#/=",
	    p[-1]) != NULL))
		return 0;
	/* "CODE :421" but not the tail of an IPv6 address or a time */
	if (p > start && p[-1] == ':' && (p - 1 == start ||
	    dsn_alnum((unsigned char)p[-2]) || p[-2] == ':'))
		return 0;
	if (p + 3 < end && p[3] != ' ' && p[3] != '-' && p[3] != '\n' &&
	    p[3] != '\r' && p[3] != ',' && p[3] != ']' && p[3] != ')' &&
	    p[3] != '\'')
		return 0;
	return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* First enhanced status code in t into out; returns where it was. */
static const char *
dsn_find_status(struct dsn_span t, char out[16])
{
	const char *p;
	size_t n;

	for (p = t.s; p < t.end; p++) {
		if ((*p == '4' || *p == '5') &&
		    (n = dsn_status_at(t.s, p, t.end)) > 0 && n < 16) {
			memcpy(out, p, n);
			out[n] = '\0';
			return p;
		}
	}
	return NULL;
}

static const char *
dsn_find_reply(struct dsn_span t, int *code)
{
	const char *p;

	for (p = t.s; p < t.end; p++)
		if ((*p == '4' || *p == '5') &&
		    (*code = dsn_reply_at(t.s, p, t.end)) != 0)
			return p;
	return NULL;
}

/* ---- what the words say, when no code does ---- */

enum dsn_why {
	DSN_WHY_USER,		/* the mailbox does not exist */
	DSN_WHY_DISABLED,
	DSN_WHY_FULL,
	DSN_WHY_HOST,
	DSN_WHY_SIZE,
	DSN_WHY_POLICY,
	DSN_WHY_EXPIRED,
	DSN_WHY_ADDRESS		/* something about the address, not what */
};

/*
 * The first phrase found decides, so the table runs from the address's
 * own state to the host's, then the message's and the sender's, and
 * only then to having given up.
 */
static const struct dsn_phrase {
	const char *text;
	const char *status;
	enum dsn_why why;
} dsn_phrases[] = {
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

static int
dsn_generic(const char *status)
{
	return strncmp(status + 1, ".0.0", 4) == 0 && status[5] == '\0';
}

/*
 * The status that t gives: a specific enhanced code; else a phrase's,
 * in the class of any code present; else the generic code. *where gets
 * the place it came from. 0 when t says nothing.
 */
static int
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
static void
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

/* ---- the notice: the human-readable text, up to the returned copy ---- */

struct dsn_ctx {
	const struct in_msg *m;
	struct dsn_report *r;
	char *text;		/* owned: capped copy of the notice part */
	struct dsn_span notice;	/* text up to the returned message */
	struct dsn_span rest;	/* the returned message when inline */
	const struct in_hdrs *orig;	/* header of the returned message */
	struct in_hdrs inline_orig;
	/* what the whole notice says, read once for all its recipients */
	int notice_read;
	int notice_found;
	char notice_st[16];
	const char *notice_where;
};

/* Where MTAs start the copy of the message they return. */
static const char *const dsn_cut_markers[] = {
	"--- Below this line is a copy of the message",
	"------ This is a copy of the message",
	"----- Original message -----",
	"----- Unsent message follows -----",
	"Original message follows",
	"--- The header of the original message",
	"Message headers follow",
	"Original message headers:",
	"Below is a copy of the original message",
	"-------original message",
	"------ Original Message ------",
	"--- Original message follows",
	"----- Message header follows -----",
	"------- Returned Message --------",
};

/* Crude HTML to text: enough to read a notice sent only as HTML. */
static char *
dsn_html_text(const char *s, size_t len)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&nbsp;", ' ' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&amp;", '&' }, { "&quot;", '"' }, { "&#39;", '\'' },
	};
	char *out = xmalloc(len + 1), *o = out;
	size_t i, k;

	for (i = 0; i < len; i++) {
		if (s[i] == '<') {
			const char *gt = memchr(s + i, '>', len - i);

			if (gt == NULL)
				break;
			if (strncasecmp(s + i, "<br", 3) == 0 ||
			    strncasecmp(s + i, "</p", 3) == 0 ||
			    strncasecmp(s + i, "</div", 5) == 0 ||
			    strncasecmp(s + i, "</tr", 4) == 0 ||
			    strncasecmp(s + i, "<li", 3) == 0)
				*o++ = '\n';
			else
				*o++ = ' ';
			i = (size_t)(gt - s);
			continue;
		}
		for (k = 0; k < sizeof ents / sizeof ents[0]; k++)
			if (strncasecmp(s + i, ents[k].ent,
			    strlen(ents[k].ent)) == 0)
				break;
		if (k < sizeof ents / sizeof ents[0]) {
			*o++ = ents[k].c;
			i += strlen(ents[k].ent) - 1;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
}

static void
dsn_pick_text(struct dsn_ctx *c)
{
	const struct in_part *p, *html = NULL;
	const char *t;
	size_t i, len;

	if ((t = in_msg_text(c->m, &len)) != NULL) {
		c->text = xstrndup(t, len < DSN_TEXT_MAX ? len : DSN_TEXT_MAX);
		return;
	}
	for (i = 0; (p = in_msg_part(c->m, i)) != NULL; i++) {
		if (p->enclosed || p->body == NULL)
			continue;
		if (strcmp(p->type, "text/html") == 0 && html == NULL)
			html = p;
		else if (strncmp(p->type, "text/", 5) == 0 && !p->attachment &&
		    strcmp(p->type, "text/rfc822-headers") != 0) {
			c->text = xstrndup(p->body, p->body_len < DSN_TEXT_MAX ?
			    p->body_len : DSN_TEXT_MAX);
			return;
		}
	}
	if (html)
		c->text = dsn_html_text(html->body, html->body_len <
		    DSN_TEXT_MAX ? html->body_len : DSN_TEXT_MAX);
	else
		c->text = xstrdup("");
}

/* Split the text where the returned message starts. */
static void
dsn_cut(struct dsn_ctx *c)
{
	struct dsn_span t = { c->text, c->text + strlen(c->text) };
	const char *cut = t.end, *p, *line;
	size_t i;

	for (i = 0; i < sizeof dsn_cut_markers / sizeof dsn_cut_markers[0];
	    i++)
		if ((p = dsn_find(t, dsn_cut_markers[i])) != NULL && p < cut)
			cut = dsn_bol(t.s, p);
	/* a header block pasted without any marker */
	for (line = t.s; line < cut; line = dsn_eol(line, t.end) + 1) {
		if (strncasecmp(line, "Received:", 9) == 0 ||
		    strncasecmp(line, "Return-Path:", 12) == 0) {
			cut = line;
			break;
		}
		if (dsn_eol(line, t.end) == t.end)
			break;
	}
	c->notice.s = t.s;
	c->notice.end = cut;
	c->rest.s = cut < t.end ? dsn_eol(cut, t.end) : t.end;
	c->rest.end = t.end;
	if (cut < t.end && (strncasecmp(cut, "Received:", 9) == 0 ||
	    strncasecmp(cut, "Return-Path:", 12) == 0))
		c->rest.s = cut;
}

/* The header of the returned message: an attached one, else inline. */
static void
dsn_find_original(struct dsn_ctx *c)
{
	const struct in_part *p;
	const char *s = c->rest.s;
	size_t i;

	for (i = 0; (p = in_msg_part(c->m, i)) != NULL; i++)
		if (p->hdrs.n > 0 && (strcmp(p->type, "message/rfc822") == 0 ||
		    strcmp(p->type, "message/global") == 0 ||
		    strstr(p->type, "-headers") != NULL)) {
			c->orig = &p->hdrs;
			return;
		}
	while (s < c->rest.end && (*s == '\n' || *s == '\r' || *s == ' ' ||
	    *s == '\t'))
		s++;
	in_hdrs_parse(s, (size_t)(c->rest.end - s), &c->inline_orig);
	c->orig = &c->inline_orig;
}

static void
dsn_original_id(struct dsn_ctx *c)
{
	const char *v = c->orig ? in_hdrs_get(c->orig, "Message-ID", 0) : NULL;
	char *id = NULL;
	size_t idx = 0;

	if (v && mailimf_msg_id_parse(v, strlen(v), &idx, &id) ==
	    MAILIMF_NO_ERROR && id) {
		c->r->orig_message_id = xstrdup(id);
		free(id);
	}
}

/* ---- recipients ---- */

static int
dsn_local_char(int c)
{
	return dsn_alnum(c) || (c != '\0' && strchr("!#$%&*+-/=?^_`{|}~.", c));
}

static int
dsn_domain_char(int c)
{
	return dsn_alnum(c) || c == '-' || c == '.';
}

/* A host name at p: letters, digits, '-', '.', with a dot; or NULL. */
static char *
dsn_host_at(const char *p)
{
	const char *e = p;
	char *h;

	while (*e && (dsn_domain_char((unsigned char)*e) || *e == '[' ||
	    *e == ']' || *e == ':'))
		e++;
	while (e > p && (e[-1] == '.' || e[-1] == ':'))
		e--;
	if (e - p < 3 || e - p > 255 || memchr(p, '.', (size_t)(e - p)) == NULL)
		return NULL;
	h = xstrndup(p, (size_t)(e - p));
	return h;
}

/* The address around the '@' at at, normalised (or NULL); [*a0,*a1). */
static char *
dsn_addr_around(const char *s, const char *end, const char *at,
    const char **a0, const char **a1)
{
	const char *b = at, *e = at + 1, *err;
	char *tmp, *n;

	while (b > s && at - b < 64 && dsn_local_char((unsigned char)b[-1]))
		b--;
	while (b < at && *b == '.')
		b++;
	while (e < end && e - at < 256 && dsn_domain_char((unsigned char)*e))
		e++;
	while (e > at + 1 && e[-1] == '.')
		e--;
	*a0 = b;
	*a1 = e;
	if (b == at || e == at + 1)
		return NULL;
	tmp = xstrndup(b, (size_t)(e - b));
	n = addr_normalize(tmp, &err);
	free(tmp);
	return n;
}

/* 1 when addr occurs in s as a whole address (not inside a longer one). */
static int
dsn_mentions(struct dsn_span t, const char *addr, const char **where)
{
	size_t n = strlen(addr);
	const char *p = t.s;

	while (p < t.end &&
	    (p = dsn_find((struct dsn_span){ p, t.end }, addr)) != NULL) {
		if ((p == t.s || !dsn_local_char((unsigned char)p[-1])) &&
		    (p + n >= t.end || !dsn_domain_char((unsigned char)p[n]) ||
		    (p[n] == '.' && (p + n + 1 >= t.end ||
		    !dsn_alnum((unsigned char)p[n + 1]))))) {
			if (where)
				*where = p;
			return 1;
		}
		p++;
	}
	return 0;
}

static int
dsn_header_mentions(const struct in_msg *m, const char *name,
    const char *addr)
{
	const char *v;
	size_t i;

	for (i = 0; (v = in_msg_header(m, name, i)) != NULL; i++)
		if (dsn_mentions(dsn_span_of(v), addr, NULL))
			return 1;
	return 0;
}

/* Addresses that are the bounce's own: its sender and its recipient. */
static int
dsn_is_ours(const struct dsn_ctx *c, const char *addr)
{
	static const char *const daemons[] = { "mailer-daemon@",
	    "postmaster@", "mail-daemon@", "mailerdaemon@", "maildaemon@" };
	static const char *const fields[] = { "To", "From", "Return-Path",
	    "Sender", "Reply-To" };
	size_t i;

	for (i = 0; i < sizeof daemons / sizeof daemons[0]; i++)
		if (strncasecmp(addr, daemons[i], strlen(daemons[i])) == 0)
			return 1;
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (dsn_header_mentions(c->m, fields[i], addr))
			return 1;
	return 0;
}

static struct dsn_rcpt *
dsn_add(struct dsn_report *r, const char *addr)
{
	struct dsn_rcpt *rc;
	size_t i;

	for (i = 0; i < r->nrcpt; i++)
		if (strcasecmp(r->rcpt[i].addr, addr) == 0)
			return &r->rcpt[i];
	if (r->nrcpt >= DSN_MAX_RCPTS)
		return NULL;
	r->rcpt = xrealloc(r->rcpt, (r->nrcpt + 1) * sizeof *r->rcpt);
	rc = &r->rcpt[r->nrcpt++];
	memset(rc, 0, sizeof *rc);
	rc->addr = xstrdup(addr);
	rc->hard = -1;
	return rc;
}

static struct dsn_rcpt *
dsn_add_addr(struct dsn_report *r, const char *raw)
{
	const char *err;
	char *a = addr_normalize(raw, &err);
	struct dsn_rcpt *rc = a ? dsn_add(r, a) : NULL;

	free(a);
	return rc;
}

/* Every address in t (all, or only those not the bounce's own). */
static void
dsn_add_all(struct dsn_ctx *c, struct dsn_span t, int skip_ours)
{
	const char *p = t.s, *a0, *a1;
	char *a;

	while (p < t.end && (p = memchr(p, '@', (size_t)(t.end - p))) != NULL) {
		a = dsn_addr_around(t.s, t.end, p, &a0, &a1);
		if (a && !(skip_ours && dsn_is_ours(c, a)))
			dsn_add(c->r, a);
		free(a);
		p = a1 > p ? a1 : p + 1;
	}
}

/*
 * The address a line starts with: "  user@example.org", "<user@...>:",
 * "'user@...' on <date>", "user@...: 550 ..." are how MTAs list the
 * recipients that failed.
 */
static char *
dsn_line_addr(const char *line, const char *eol)
{
	const char *p = line, *q, *a0, *a1;
	char *a;

	while (p < eol && strchr(" \t<'\"(*-", *p) != NULL)
		p++;
	/* Sendmail: "550 <user@example.org>... User unknown" */
	if (eol - p > 5 && dsn_reply_at(line, p, eol) && p[3] == ' ')
		for (p += 4; p < eol && (*p == ' ' || *p == '<'); p++)
			;
	for (q = p; q < eol && *q != ' ' && *q != '\t' && *q != '@'; q++)
		;
	if (q >= eol || *q != '@')
		return NULL;
	a = dsn_addr_around(p, eol, q, &a0, &a1);
	if (a && a0 != p)
		xfree(&a);
	return a;
}

/*
 * Phrases that the failed address follows, on the same or next line.
 * SMTP transcripts ("RCPT TO:") come last: they are what a notice quotes
 * after saying who failed.
 */
static const char *const dsn_leads[] = {
	"error delivering your mail to",
	"could not be delivered to",
	"unable to deliver message to",
	"did not reach the following recipient",
	"returned permanent errors:",
	"not a member of this mailing list",
};

static const char *const dsn_transcript_leads[] = { "RCPT TO:" };

static void
dsn_lead_rcpts(struct dsn_ctx *c, const char *const *leads, size_t n)
{
	const char *p, *e, *a0, *a1, *at;
	struct dsn_span t;
	char *a;
	size_t i;

	for (i = 0; i < n; i++) {
		t = c->notice;
		while ((p = dsn_find(t, leads[i])) != NULL) {
			p += strlen(leads[i]);
			e = dsn_eol(p, t.end);
			/* on the next line */
			if (e < t.end &&
			    strspn(p, " \t\r:<'\"") >= (size_t)(e - p))
				e = dsn_eol(e + 1, t.end);
			if ((at = memchr(p, '@', (size_t)(e - p))) != NULL &&
			    (a = dsn_addr_around(p, e, at, &a0, &a1)) != NULL) {
				if (strncasecmp(a, "mailer-daemon@", 14) != 0)
					dsn_add(c->r, a);
				free(a);
			}
			t.s = p;
		}
	}
}

/*
 * Addresses offered as help ("please contact <support@...>") are not it,
 * nor message ids, which look like addresses.
 */
static int
dsn_is_contact(struct dsn_span t, const char *at)
{
	struct dsn_span line = { dsn_bol(t.s, at), at };

	line.end = dsn_eol(at, t.end);
	return dsn_find(line, "contact") || dsn_find(line, "send mail to") ||
	    dsn_find(line, "assistance") || dsn_find(line, "Message-ID");
}

/* Every address in t that is neither the bounce's own nor a contact. */
static void
dsn_any_rcpts(struct dsn_ctx *c, struct dsn_span t)
{
	const char *p = t.s, *a0, *a1;
	char *a;

	while (p < t.end && (p = memchr(p, '@', (size_t)(t.end - p))) != NULL) {
		a = dsn_addr_around(t.s, t.end, p, &a0, &a1);
		if (a && !dsn_is_ours(c, a) && !dsn_is_contact(t, p))
			dsn_add(c->r, a);
		free(a);
		p = a1 > p ? a1 : p + 1;
	}
}

/*
 * Lines that start with an address; ours (the bounce's own sender or
 * recipient) only when want_ours, for the bounce of a message sent to
 * oneself.
 */
static void
dsn_line_rcpts(struct dsn_ctx *c, int want_ours)
{
	const char *line, *eol;
	char *a;

	for (line = c->notice.s; line < c->notice.end; line = eol + 1) {
		eol = dsn_eol(line, c->notice.end);
		if ((a = dsn_line_addr(line, eol)) != NULL &&
		    dsn_is_ours(c, a) == want_ours)
			dsn_add(c->r, a);
		free(a);
	}
}

static void dsn_fields(struct dsn_ctx *, const char *, size_t);

/* Who failed, from the most to the least explicit source that has any. */
static void
dsn_text_rcpts(struct dsn_ctx *c)
{
	const struct in_part *p;
	const char *v;
	size_t i;

	for (i = 0; (v = in_msg_header(c->m, "X-Failed-Recipients", i)); i++)
		dsn_add_all(c, dsn_span_of(v), 0);
	if (c->r->nrcpt == 0)
		dsn_lead_rcpts(c, dsn_leads, sizeof dsn_leads /
		    sizeof dsn_leads[0]);
	if (c->r->nrcpt == 0)
		dsn_line_rcpts(c, 0);
	if (c->r->nrcpt == 0)
		dsn_lead_rcpts(c, dsn_transcript_leads,
		    sizeof dsn_transcript_leads / sizeof dsn_transcript_leads[0]);
	if (c->r->nrcpt == 0)
		dsn_any_rcpts(c, c->notice);
	if (c->r->nrcpt == 0)
		dsn_line_rcpts(c, 1);
	/* a bounce that returns a bounce: the inner report says who */
	for (i = 0; c->r->nrcpt == 0 && (p = in_msg_part(c->m, i)); i++)
		if (p->body && strcmp(p->type, "message/delivery-status") == 0)
			dsn_fields(c, p->body, p->body_len);
	if (c->r->nrcpt == 0 && c->orig)
		for (i = 0; (v = in_hdrs_get(c->orig, "To", i)) != NULL; i++)
			dsn_add_all(c, dsn_span_of(v), 1);
}

/* ---- status of each recipient from the text ---- */

/* Words that tell permanent from temporary when nothing more precise does. */
static const struct dsn_phrase dsn_tones[] = {
	{ "permanent error", "5.0.0", DSN_WHY_USER },
	{ "permanent failure", "5.0.0", DSN_WHY_USER },
	{ "failed permanently", "5.0.0", DSN_WHY_USER },
	{ "permanently", "5.0.0", DSN_WHY_USER },
	{ "fatal error", "5.0.0", DSN_WHY_USER },
	{ "temporary error", "4.0.0", DSN_WHY_EXPIRED },
	{ "temporary failure", "4.0.0", DSN_WHY_EXPIRED },
	{ "will be retried", "4.0.0", DSN_WHY_EXPIRED },
	{ "will retry", "4.0.0", DSN_WHY_EXPIRED },
};

static const char *const dsn_final[] = { "fail", "undeliver",
    "returned mail", "not delivered", "could not be delivered",
    "unzustellbar", "non remis", "error" };

static int dsn_has(const char *, const char *const *, size_t);

static void
dsn_set_diag(struct dsn_rcpt *rc, struct dsn_span t, const char *where)
{
	if (rc->diag == NULL && where)
		rc->diag = dsn_oneline(dsn_bol(t.s, where), t.end);
}

/* The lines that mention addr, and the line after each. */
static int
dsn_status_near(struct dsn_span t, const char *addr, char st[16],
    const char **where)
{
	const char *p = t.s, *line, *next;

	while (p < t.end && dsn_mentions((struct dsn_span){ p, t.end }, addr,
	    &p)) {
		line = dsn_bol(t.s, p);
		next = dsn_eol(p, t.end);
		if (next < t.end)
			next = dsn_eol(next + 1, t.end);
		if (dsn_read_status((struct dsn_span){ line, next }, st, where))
			return 1;
		p = dsn_eol(p, t.end);
	}
	return 0;
}

/* The part of t about rc: from its first mention to the next recipient's. */
static struct dsn_span
dsn_block(const struct dsn_report *r, const struct dsn_rcpt *rc,
    struct dsn_span t)
{
	struct dsn_span b = t;
	const char *p, *q;
	size_t i;

	if (!dsn_mentions(t, rc->addr, &p))
		return t;
	b.s = dsn_bol(t.s, p);
	for (i = 0; i < r->nrcpt; i++) {
		if (&r->rcpt[i] == rc ||
		    !dsn_mentions((struct dsn_span){ dsn_eol(p, t.end), t.end },
		    r->rcpt[i].addr, &q))
			continue;
		q = dsn_bol(t.s, q);
		if (q > b.s && q < b.end)
			b.end = q;
	}
	return b;
}

static void
dsn_text_status(struct dsn_ctx *c, struct dsn_rcpt *rc)
{
	struct dsn_span b = dsn_block(c->r, rc, c->notice);
	const char *where = NULL;
	char st[16];
	size_t i;

	if (!c->notice_read) {
		c->notice_read = 1;
		c->notice_found = dsn_read_status(c->notice, c->notice_st,
		    &c->notice_where);
	}
	if (!dsn_read_status(b, st, &where) &&
	    !dsn_status_near(c->notice, rc->addr, st, &where) &&
	    c->notice_found) {
		memcpy(st, c->notice_st, sizeof st);
		where = c->notice_where;
	}
	if (where) {
		dsn_set_diag(rc, c->notice, where);
	} else {
		st[0] = '\0';
		for (i = 0; i < sizeof dsn_tones / sizeof dsn_tones[0]; i++)
			if (dsn_find(c->notice, dsn_tones[i].text)) {
				snprintf(st, sizeof st, "%s",
				    dsn_tones[i].status);
				break;
			}
		/* last resort: a subject that calls it a failure */
		if (st[0] == '\0' && dsn_has(in_msg_subject(c->m), dsn_final,
		    sizeof dsn_final / sizeof dsn_final[0]))
			snprintf(st, sizeof st, "5.0.0");
	}
	if (rc->status[0] == '\0' || (dsn_generic(rc->status) && st[0] &&
	    !dsn_generic(st)))
		snprintf(rc->status, sizeof rc->status, "%s", st);
	if (rc->mta == NULL && (where = dsn_find(b, "host ")) != NULL)
		rc->mta = dsn_host_at(where + 5);
	dsn_judge(rc, b);
}

/* ---- RFC 3464 delivery-status fields ---- */

static enum dsn_action
dsn_action_of(const char *v)
{
	static const struct { const char *name; enum dsn_action a; } acts[] = {
		/* prefixes: "deliverable" and "failure" are seen too */
		{ "fail", DSN_ACTION_FAILED },
		{ "delay", DSN_ACTION_DELAYED },
		{ "deliver", DSN_ACTION_DELIVERED },
		{ "relay", DSN_ACTION_RELAYED },
		{ "expand", DSN_ACTION_EXPANDED },
	};
	size_t i;

	while (*v == ' ' || *v == '\t')
		v++;
	for (i = 0; i < sizeof acts / sizeof acts[0]; i++)
		if (strncasecmp(v, acts[i].name, strlen(acts[i].name)) == 0)
			return acts[i].a;
	return DSN_ACTION_UNKNOWN;
}

/* " <addr> " -> addr normalised, or NULL when it is not one address. */
static char *
dsn_unbracket(const char *v)
{
	char *t = text_trimdup(v), *a;
	const char *err;
	size_t n = strlen(t);

	if (n >= 2 && t[0] == '<' && t[n - 1] == '>') {
		memmove(t, t + 1, n - 2);
		t[n - 2] = '\0';
	}
	a = addr_normalize(t, &err);
	free(t);
	return a;
}

/* "rfc822; user@example.org" -> the address, normalised, or NULL. */
static char *
dsn_typed_addr(const char *v)
{
	const char *semi, *at, *a0, *a1;
	char *a;

	if (v == NULL)
		return NULL;
	semi = strchr(v, ';');
	v = semi ? semi + 1 : v;
	if ((at = strchr(v, '@')) == NULL)
		return NULL;
	/* a quoted local part ("a..b"@example.org) only parses whole */
	if ((a = dsn_unbracket(v)) != NULL)
		return a;
	return dsn_addr_around(v, v + strlen(v), at, &a0, &a1);
}

/* "dns; mx.example.org. (comment)" -> "mx.example.org" */
static char *
dsn_typed_host(const char *v)
{
	const char *semi = strchr(v, ';');

	v = semi ? semi + 1 : v;
	while (*v == ' ' || *v == '\t')
		v++;
	return dsn_host_at(v);
}

/* One per-recipient group of fields. */
static void
dsn_fields_rcpt(struct dsn_ctx *c, const struct in_hdrs *h)
{
	const char *v, *where = NULL;
	struct dsn_rcpt *rc;
	struct dsn_span d = { NULL, NULL };
	char *a, st[16];

	/* the address we sent to, before any forwarding, when given */
	if ((a = dsn_typed_addr(in_hdrs_get(h, "Original-Recipient", 0))) ==
	    NULL && (a = dsn_typed_addr(in_hdrs_get(h, "Final-Recipient",
	    0))) == NULL && (a = dsn_typed_addr(in_hdrs_get(h,
	    "X-Actual-Recipient", 0))) == NULL)
		return;
	rc = dsn_add(c->r, a);
	free(a);
	if (rc == NULL)
		return;
	/* a recipient listed twice: fill gaps, and "failed" wins */
	if ((v = in_hdrs_get(h, "Action", 0)) != NULL &&
	    (rc->action == DSN_ACTION_UNKNOWN ||
	    dsn_action_of(v) == DSN_ACTION_FAILED))
		rc->action = dsn_action_of(v);
	if ((v = in_hdrs_get(h, "Status", 0)) != NULL && rc->status[0] == '\0')
		dsn_find_status(dsn_span_of(v), rc->status);
	if ((v = in_hdrs_get(h, "Diagnostic-Code", 0)) != NULL &&
	    rc->diag == NULL) {
		const char *semi = strchr(v, ';');

		rc->diag = dsn_oneline(semi ? semi + 1 : v, v + strlen(v));
	}
	if (rc->diag)
		d = dsn_span_of(rc->diag);
	if (rc->mta == NULL && ((v = in_hdrs_get(h, "Remote-MTA", 0)) != NULL ||
	    (v = in_hdrs_get(h, "Reporting-MTA", 0)) != NULL))
		rc->mta = dsn_typed_host(v);
	/* "Status: 5.0.0" says less than "550 5.1.1 user unknown" */
	if (d.s && (rc->status[0] == '\0' || dsn_generic(rc->status)) &&
	    dsn_read_status(d, st, &where)) {
		if (rc->status[0])
			st[0] = rc->status[0];
		snprintf(rc->status, sizeof rc->status, "%s", st);
	}
	dsn_judge(rc, d);
}

/* "Name: value" with a name of letters, digits and '-'. */
static int
dsn_field_line(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && (dsn_alnum((unsigned char)*q) || *q == '-'))
		q++;
	return q > p && q < end && *q == ':';
}

/* Fields in groups separated by empty lines, leading prose skipped. */
static void
dsn_fields(struct dsn_ctx *c, const char *s, size_t len)
{
	const char *end = s + (len < DSN_TEXT_MAX ? len : DSN_TEXT_MAX);
	const char *g = s, *line, *eol, *v;
	struct in_hdrs h;

	while (g < end) {
		/* a group ends at a line that is empty or only white space */
		for (line = g; line < end; line = eol + 1) {
			eol = dsn_eol(line, end);
			if (strspn(line, " \t\r") >= (size_t)(eol - line))
				break;
			if (eol == end) {
				line = end;
				break;
			}
		}
		/* prose before the fields ("Technical report:") */
		while (g < line && !dsn_field_line(g, line)) {
			eol = dsn_eol(g, line);
			g = eol < line ? eol + 1 : line;
		}
		in_hdrs_parse(g, (size_t)(line - g), &h);
		if ((v = in_hdrs_get(&h, "Reporting-MTA", 0)) != NULL &&
		    c->r->reporting_mta == NULL)
			c->r->reporting_mta = dsn_typed_host(v);
		dsn_fields_rcpt(c, &h);
		in_hdrs_free(&h);
		g = line < end ? dsn_eol(line, end) + 1 : end;
	}
}

/* Delivery-status parts; else the same fields pasted into the text. */
static void
dsn_rfc3464(struct dsn_ctx *c)
{
	const struct in_part *p;
	size_t i;

	for (i = 0; (p = in_msg_part(c->m, i)) != NULL; i++)
		if (!p->enclosed && p->body &&
		    (strcmp(p->type, "message/delivery-status") == 0 ||
		    strcmp(p->type, "message/global-delivery-status") == 0))
			dsn_fields(c, p->body, p->body_len);
	if (c->r->nrcpt == 0 && (dsn_find(c->notice, "Final-Recipient:") ||
	    dsn_find(c->notice, "Original-Recipient:")))
		dsn_fields(c, c->notice.s, (size_t)(c->notice.end -
		    c->notice.s));
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

static int
dsn_has(const char *v, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		if (strcasestr(v, list[i]))
			return 1;
	return 0;
}

/* From MAILER-DAEMON or postmaster, or sent with an empty Return-Path. */
static int
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
static int
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

static int
dsn_delay_subject(const char *s)
{
	static const char *const delays[] = { "(Delay)", "Delayed Mail",
	    "Delivery delayed", "Warning: could not send", "delivery delay",
	    "Mail delivery delayed" };

	return dsn_has(s, delays, sizeof delays / sizeof delays[0]);
}

static int
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

/* ---- putting it together ---- */

static void
dsn_conclude(struct dsn_ctx *c)
{
	struct dsn_report *r = c->r;
	int failed = 0, delayed = 0, ok = 0;
	size_t i;

	for (i = 0; i < r->nrcpt; i++) {
		if (r->rcpt[i].mta == NULL && r->reporting_mta)
			r->rcpt[i].mta = xstrdup(r->reporting_mta);
		if (r->rcpt[i].action == DSN_ACTION_UNKNOWN)
			r->rcpt[i].action =
			    dsn_delay_subject(in_msg_subject(c->m)) ||
			    dsn_delay_text(c) ? DSN_ACTION_DELAYED :
			    DSN_ACTION_FAILED;
		switch (r->rcpt[i].action) {
		case DSN_ACTION_FAILED: failed++; break;
		case DSN_ACTION_DELAYED: delayed++; break;
		default: ok++; break;
		}
	}
	/* failed first, each group in report order (insertion sort) */
	for (i = 1; i < r->nrcpt; i++) {
		struct dsn_rcpt t = r->rcpt[i];
		size_t j = i;

		if (t.action != DSN_ACTION_FAILED)
			continue;
		for (; j > 0 && r->rcpt[j - 1].action != DSN_ACTION_FAILED; j--)
			r->rcpt[j] = r->rcpt[j - 1];
		r->rcpt[j] = t;
	}
	if (failed)
		r->kind = DSN_KIND_BOUNCE;
	else if (delayed)
		r->kind = DSN_KIND_DELAY;
	else if (ok)
		r->kind = DSN_KIND_SUCCESS;
	else	/* recognised, but it does not say who: still a bounce */
		r->kind = dsn_delay_subject(in_msg_subject(c->m)) ||
		    dsn_delay_text(c) ? DSN_KIND_DELAY : DSN_KIND_BOUNCE;
	r->is_bounce = r->kind == DSN_KIND_BOUNCE;
}

static int
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

/* The string value of "key" in s[0..end), copied into out. */
static int
dsn_json_str(const char *s, const char *end, const char *key, char *out,
    size_t outlen)
{
	const char *p = dsn_find((struct dsn_span){ s, end }, key), *q;
	size_t n;

	if (p == NULL)
		return 0;
	p += strlen(key);
	for (q = p; q < end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < end)
			q++;
	n = (size_t)(q - p) < outlen - 1 ? (size_t)(q - p) : outlen - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 1;
}

/*
 * Amazon SES notifications relayed by SNS are JSON, not reports: a
 * Bounce lists its recipients; a Complaint is abuse feedback.
 */
static int
dsn_ses(struct dsn_ctx *c)
{
	struct dsn_span t = { c->text, c->text + strlen(c->text) };
	const char *p, *q, *obj;
	char v[DSN_DIAG_MAX + 1], type[32] = "";
	struct dsn_rcpt *rc;

	if (dsn_find(t, "\\\"notificationType\\\"")) {
		/* the notification as a string inside the SNS envelope */
		char *d = c->text, *o = c->text;

		for (; *d; d++)
			if (!(d[0] == '\\' && d[1] == '"'))
				*o++ = *d;
		*o = '\0';
		t.end = o;
	}
	if (!dsn_json_str(t.s, t.end, "\"notificationType\":\"", type,
	    sizeof type))
		return 0;
	c->r->source = "amazonses";
	if (strcmp(type, "Complaint") == 0)
		c->r->kind = DSN_KIND_ARF;
	else if (strcmp(type, "Delivery") == 0)
		c->r->kind = DSN_KIND_SUCCESS;
	if (strcmp(type, "Bounce") != 0)
		return 1;
	dsn_json_str(t.s, t.end, "\"bounceType\":\"", type, sizeof type);
	for (p = t.s; (p = dsn_find((struct dsn_span){ p, t.end },
	    "\"emailAddress\":\"")) != NULL; p = obj) {
		p += 16;
		q = memchr(p, '"', (size_t)(t.end - p));
		obj = q ? memchr(q, '}', (size_t)(t.end - q)) : NULL;
		if (obj == NULL)
			break;
		snprintf(v, sizeof v, "%.*s", (int)(q - p < 300 ? q - p : 300),
		    p);
		if ((rc = dsn_add_addr(c->r, v)) == NULL)
			continue;
		if (dsn_json_str(p, obj, "\"action\":\"", v, sizeof v))
			rc->action = dsn_action_of(v);
		if (rc->status[0] == '\0' &&
		    dsn_json_str(p, obj, "\"status\":\"", v, sizeof v))
			dsn_find_status(dsn_span_of(v), rc->status);
		if (rc->diag == NULL &&
		    dsn_json_str(p, obj, "\"diagnosticCode\":\"", v, sizeof v))
			rc->diag = dsn_oneline(v, v + strlen(v));
		if (rc->status[0] == '\0')
			snprintf(rc->status, sizeof rc->status, "%s",
			    strcmp(type, "Permanent") == 0 ? "5.0.0" : "4.0.0");
		dsn_judge(rc, dsn_span_of(rc->diag));
	}
	return 1;
}

/* "This is the mail system at host X", "the qmail-send program at X" */
static void
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

static void
dsn_run(struct dsn_ctx *c)
{
	const char *source;

	dsn_cut(c);
	dsn_rfc3464(c);
	if (c->r->nrcpt > 0)
		c->r->source = "rfc3464";
	else if (dsn_looks_like_bounce(c, &source)) {
		if (c->r->source == NULL)
			c->r->source = source;
		dsn_find_original(c);
		dsn_text_rcpts(c);
		dsn_text_mta(c);
	}
	if (c->r->source && c->orig == NULL)
		dsn_find_original(c);
}

/*
 * A MIME structure too broken to find the report in (a boundary that
 * does not match, a folded header that lost it): read the raw body.
 */
static void
dsn_run_raw(struct dsn_ctx *c)
{
	const char *raw;
	size_t len;

	raw = in_msg_raw_body(c->m, &len);
	in_hdrs_free(&c->inline_orig);
	free(c->text);
	c->orig = NULL;
	c->notice_read = 0;
	c->text = xstrndup(raw, len < DSN_TEXT_MAX ? len : DSN_TEXT_MAX);
	dsn_run(c);
}

int
dsn_parse(const struct in_msg *m, struct dsn_report *r)
{
	struct dsn_ctx c;
	size_t i;

	memset(r, 0, sizeof *r);
	if (dsn_is_arf(m)) {
		r->kind = DSN_KIND_ARF;
		r->source = "arf";
		return 0;
	}
	memset(&c, 0, sizeof c);
	c.m = m;
	c.r = r;
	dsn_pick_text(&c);
	if (dsn_ses(&c))
		dsn_cut(&c);
	else {
		dsn_run(&c);
		if (r->nrcpt == 0 && (r->source || dsn_from_system(m) ||
		    strcmp(in_msg_type(m), "multipart/report") == 0))
			dsn_run_raw(&c);
	}
	if (r->source && r->kind == DSN_KIND_NONE) {
		for (i = 0; i < r->nrcpt; i++)
			if (r->rcpt[i].hard == -1 ||
			    dsn_generic(r->rcpt[i].status))
				dsn_text_status(&c, &r->rcpt[i]);
		dsn_original_id(&c);
		dsn_conclude(&c);
	}
	in_hdrs_free(&c.inline_orig);
	free(c.text);
	return r->is_bounce;
}

void
dsn_report_free(struct dsn_report *r)
{
	size_t i;

	for (i = 0; i < r->nrcpt; i++) {
		free(r->rcpt[i].addr);
		free(r->rcpt[i].diag);
		free(r->rcpt[i].mta);
	}
	free(r->rcpt);
	free(r->reporting_mta);
	free(r->orig_message_id);
	memset(r, 0, sizeof *r);
}

const char *
dsn_kind_name(enum dsn_kind k)
{
	static const char *const names[] = { "none", "bounce", "delay",
	    "success", "arf" };

	return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

const char *
dsn_action_name(enum dsn_action a)
{
	static const char *const names[] = { "unknown", "failed", "delayed",
	    "delivered", "relayed", "expanded" };

	return (unsigned)a < sizeof names / sizeof names[0] ? names[a] : "?";
}
