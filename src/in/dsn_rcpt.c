/*
 * dsn: who failed, and how, as read from the text of a notice that has no
 * delivery-status fields (see dsn_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "in/dsn_int.h"
#include "lib/addr.h"
#include "lib/xmalloc.h"

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
char *
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

/*
 * Exchange and its gateways write a recipient as "dda:SMTP=user@host" or
 * "RFC-822=user@host" in X.400 addresses: '=' may be in a local part, but
 * these prefixes are not.
 */
static const char *
dsn_skip_route(const char *b, const char *at)
{
	static const char *const prefixes[] = { "SMTP=", "RFC-822=",
	    "RFC822=" };
	size_t i, n;

	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		n = strlen(prefixes[i]);
		if ((size_t)(at - b) > n && strncasecmp(b, prefixes[i], n) == 0)
			return b + n;
	}
	return b;
}

/* The address around the '@' at at, normalised (or NULL); [*a0,*a1). */
char *
dsn_addr_around(const char *s, const char *end, const char *at,
    const char **a0, const char **a1)
{
	const char *b = at, *e = at + 1, *err;
	char *tmp, *n;

	while (b > s && at - b < 64 && dsn_local_char((unsigned char)b[-1]))
		b--;
	while (b < at && *b == '.')
		b++;
	b = dsn_skip_route(b, at);
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
int
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

/*
 * The bounce's own sender and recipient, and MAILER-DAEMON: a line that
 * states a failure may name a postmaster, but never these.
 */
int
dsn_is_sender_side(const struct dsn_ctx *c, const char *addr)
{
	static const char *const fields[] = { "To", "From", "Return-Path",
	    "Sender", "Reply-To" };
	size_t i;

	if (strncasecmp(addr, "mailer-daemon@", 14) == 0)
		return 1;
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (dsn_header_mentions(c->m, fields[i], addr))
			return 1;
	return 0;
}

struct dsn_rcpt *
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

struct dsn_rcpt *
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
char *
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

/* The first "RCPT TO:" of a transcript, whatever its answer. */
static void
dsn_first_rcpt_to(struct dsn_ctx *c)
{
	const char *p = dsn_find(c->notice, "RCPT TO:"), *e, *at, *a0, *a1;
	char *a;

	if (p == NULL)
		return;
	e = dsn_eol(p, c->notice.end);
	if ((at = memchr(p, '@', (size_t)(e - p))) != NULL &&
	    (a = dsn_addr_around(p, e, at, &a0, &a1)) != NULL) {
		if (strncasecmp(a, "mailer-daemon@", 14) != 0)
			dsn_add(c->r, a);
		free(a);
	}
}

/*
 * A line that copies a header field of the message ("  To: a, b",
 * "Cc: ...", "*  From: ..."): the addresses on it are the message's,
 * not the failed ones.
 */
static int
dsn_header_line(const char *line, const char *eol)
{
	static const char *const names[] = { "To:", "Cc:", "Bcc:", "From:",
	    "Reply-To:", "Sender:", "De :", "De:", "À :", "À:", "A :",
	    "Para:", "An:", "Von:", "Da:", "Sent by", "Envoyé par" };
	size_t i, n;

	while (line < eol && strchr(" \t*>", *line) != NULL)
		line++;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		n = strlen(names[i]);
		if ((size_t)(eol - line) >= n &&
		    strncasecmp(line, names[i], n) == 0)
			return 1;
	}
	return 0;
}

/*
 * Addresses offered as help ("please contact <support@...>") are not it,
 * nor message ids, which look like addresses.
 */
int
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
		if (a && !dsn_is_ours(c, a) && !dsn_is_contact(t, p) &&
		    !dsn_header_line(dsn_bol(t.s, p), dsn_eol(p, t.end)))
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

/*
 * The last resort, for a notice that names no address at all ("Message
 * could not be delivered to mobile."): the returned message's one
 * addressee, when its To and Cc name exactly one address. Never when
 * they name more: which of them failed is then unknown. Flagged, so the
 * classifier knows it was not stated.
 */
static void
dsn_only_addressee(struct dsn_ctx *c)
{
	static const char *const fields[] = { "To", "Cc" };
	const char *v, *p, *a0, *a1;
	char *a, *one = NULL;
	size_t i, k;
	int n = 0;

	for (k = 0; c->orig && k < 2; k++)
		for (i = 0; (v = in_hdrs_get(c->orig, fields[k], i)) != NULL;
		    i++)
			for (p = v; (p = strchr(p, '@')) != NULL; p = a1 > p ?
			    a1 : p + 1) {
				a = dsn_addr_around(v, v + strlen(v), p, &a0,
				    &a1);
				if (a && !dsn_is_ours(c, a) && (one == NULL ||
				    strcasecmp(one, a) != 0)) {
					n++;
					free(one);
					one = a;
				} else
					free(a);
			}
	if (n == 1 && dsn_add(c->r, one) != NULL)
		c->r->rcpt_guessed = 1;
	free(one);
}

/*
 * Who failed, from the most to the least explicit source that has any.
 * Never the header of the returned message: its To and Cc name everyone
 * the message went to, not who failed.
 */
void
dsn_text_rcpts(struct dsn_ctx *c)
{
	const struct in_part *p;
	const char *v;
	size_t i;

	for (i = 0; (v = in_msg_header(c->m, "X-Failed-Recipients", i)); i++)
		dsn_add_all(c, dsn_span_of(v), 0);
	if (c->r->nrcpt == 0)
		dsn_lead_rcpts(c);
	if (c->r->nrcpt == 0)
		dsn_aol_rcpts(c);
	if (c->r->nrcpt == 0)
		dsn_line_rcpts(c, 0);
	if (c->r->nrcpt == 0)
		dsn_transcript_rcpts(c);
	if (c->r->nrcpt == 0)
		dsn_first_rcpt_to(c);
	if (c->r->nrcpt == 0)
		dsn_any_rcpts(c, c->notice);
	if (c->r->nrcpt == 0)
		dsn_line_rcpts(c, 1);
	/* a bounce that returns a bounce: the inner report says who */
	for (i = 0; c->r->nrcpt == 0 && (p = in_msg_part(c->m, i)); i++)
		if (p->body && strcmp(p->type, "message/delivery-status") == 0)
			dsn_fields(c, p->body, p->body_len);
	if (c->r->nrcpt == 0)
		dsn_only_addressee(c);
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

void
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
