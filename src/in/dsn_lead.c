/*
 * dsn: the lines of a notice that state a failure, and the recipients
 * they name: "could not be delivered to the following recipient(s):"
 * and the list under it, "Failed Recipients:", an SMTP transcript's
 * "RCPT TO:<x>" answered with a 4xx/5xx, AOL's list of screen names.
 * Only the notice is read, never the returned message (see dsn_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "in/dsn_int.h"
#include "lib/xmalloc.h"

/*
 * Phrases that the failed address follows: on the same line, or in the
 * list that starts on the next line. SMTP transcripts are read apart
 * (dsn_transcript_rcpts): they are what a notice quotes after saying
 * who failed.
 */
static const char *const dsn_leads[] = {
	"error delivering your mail to",
	"could not be delivered to",
	"unable to deliver message to",
	"did not reach the following recipient",
	"returned permanent errors:",
	"not a member of this mailing list",
	"Failed Recipients:",
	"could not be reached:",
	"cannot be reached:",
	"Delivery has failed to these recipients or groups",
	"was not delivered to the following",
	"unable to deliver your message to the following",
	"not able to deliver your message to the following",
	"Unknown local user:",
	"problem delivering your message to",
	/* fr */
	"n'a pas pu être délivré",
	"n'a pas pu être remis",
	"n'a pas pu être distribué",
	/* delay warnings, en es fr de pt it */
	"recipients has been delayed",
	"not yet been delivered to",
	"se ha retrasado",
	"pas encore été remis",
	"wurde verzögert",
	"ainda não foi entregue",
	"non è stato ancora recapitato",
};

/* Lines of a list under a lead, at most. */
#define DSN_LEAD_LINES 12

static int
dsn_blank(const char *p, const char *eol)
{
	return strspn(p, " \t\r") >= (size_t)(eol - p);
}

/* The first address on [p, eol) that is not the bounce's own; added. */
static int
dsn_first_addr(struct dsn_ctx *c, const char *p, const char *eol)
{
	const char *at, *a0, *a1;
	char *a;
	int added = 0;

	while (p < eol && (at = memchr(p, '@', (size_t)(eol - p))) != NULL) {
		a = dsn_addr_around(p, eol, at, &a0, &a1);
		if (a && !dsn_is_sender_side(c, a) &&
		    !dsn_is_contact(c->notice, at)) {
			added = dsn_add(c->r, a) != NULL;
			free(a);
			return added;
		}
		free(a);
		p = a1 > at ? a1 : at + 1;
	}
	return 0;
}

/* The next line from p that is not empty, or NULL. */
static const char *
dsn_next_line(const char *p, const char *end)
{
	const char *eol;

	for (; p < end; p = eol + 1) {
		eol = dsn_eol(p, end);
		if (!dsn_blank(p, eol))
			return p;
	}
	return NULL;
}

static int
dsn_starts_addr(const char *p, const char *end)
{
	char *a = dsn_line_addr(p, dsn_eol(p, end));

	free(a);
	return a != NULL;
}

/*
 * The list that follows a lead: after at most two empty lines, each line
 * up to the next empty one gives its first address; a list goes on past
 * an empty line when the next entry starts with an address
 * ("<a@x>:\n reason\n\n<b@y>:\n reason").
 */
static void
dsn_lead_list(struct dsn_ctx *c, const char *p, const char *end)
{
	const char *eol, *next;
	int n = 0, skipped = 0;

	for (; p < end && n < DSN_LEAD_LINES; p = eol + 1) {
		eol = dsn_eol(p, end);
		if (dsn_blank(p, eol) && n == 0) {
			if (++skipped > 2)
				break;
			continue;
		}
		/* one scan over the empty lines, so a run of them is cheap */
		if (dsn_blank(p, eol)) {
			if ((next = dsn_next_line(eol, end)) == NULL ||
			    !dsn_starts_addr(next, end))
				break;
			eol = dsn_eol(next, end);
			p = next;
		}
		n++;
		dsn_first_addr(c, p, eol);
	}
}

/*
 * The rest of a lead's line announces a list under it: nothing, or it
 * ends with ':', or it says "the following ...". "could not be
 * delivered to one or more destinations." does not.
 */
static int
dsn_announces_list(const char *p, const char *eol)
{
	while (eol > p && strchr(" \t\r", eol[-1]) != NULL)
		eol--;
	return eol == p || eol[-1] == ':' ||
	    dsn_find((struct dsn_span){ p, eol }, "following") ||
	    dsn_find((struct dsn_span){ p, eol }, "suivant") ||
	    dsn_find((struct dsn_span){ p, eol }, "folgend") ||
	    dsn_find((struct dsn_span){ p, eol }, "siguiente") ||
	    dsn_find((struct dsn_span){ p, eol }, "seguinte") ||
	    dsn_find((struct dsn_span){ p, eol }, "seguent");
}

void
dsn_lead_rcpts(struct dsn_ctx *c)
{
	const char *p, *e;
	struct dsn_span t;
	size_t i;

	for (i = 0; i < sizeof dsn_leads / sizeof dsn_leads[0]; i++) {
		t = c->notice;
		while ((p = dsn_find(t, dsn_leads[i])) != NULL) {
			p += strlen(dsn_leads[i]);
			e = dsn_eol(p, t.end);
			if (!dsn_first_addr(c, p, e) && e < t.end &&
			    dsn_announces_list(p, e))
				dsn_lead_list(c, e + 1, t.end);
			t.s = p;
		}
	}
}

/* ---- SMTP transcripts ---- */

/* A line that starts the next command: the answer to ours is over. */
static int
dsn_next_command(struct dsn_span line)
{
	return dsn_find(line, "RCPT TO:") || dsn_find(line, "MAIL FROM:") ||
	    dsn_find(line, "DATA") || dsn_find(line, "QUIT");
}

/*
 * 1 when the reply to the command that ends at p (the rest of its line,
 * or one of the next two lines that are not empty) is 4xx or 5xx.
 */
static int
dsn_refused(const char *p, const char *end)
{
	const char *eol = dsn_eol(p, end);
	int code, lines = 0;

	if (dsn_find_reply((struct dsn_span){ p, eol }, &code))
		return 1;
	for (p = eol + 1; p < end && lines < 2; p = eol + 1) {
		eol = dsn_eol(p, end);
		if (dsn_blank(p, eol))
			continue;
		lines++;
		if (dsn_next_command((struct dsn_span){ p, eol }))
			return 0;
		if (dsn_find_reply((struct dsn_span){ p, eol }, &code))
			return 1;
	}
	return 0;
}

/*
 * Each "RCPT TO:<x>" of a transcript that the server refused (MDaemon's
 * "--> RCPT To:<x>" then "<-- 550 ...", InterScan's "Sent <<< RCPT TO:"
 * then "Received >>> 550", Sendmail's ">>> RCPT To:" then "<<< 550").
 */
void
dsn_transcript_rcpts(struct dsn_ctx *c)
{
	struct dsn_span t = c->notice;
	const char *p, *e, *at, *a0, *a1;
	char *a;

	while ((p = dsn_find(t, "RCPT TO:")) != NULL) {
		p += 8;
		e = dsn_eol(p, t.end);
		t.s = p;
		if ((at = memchr(p, '@', (size_t)(e - p))) == NULL)
			continue;
		a = dsn_addr_around(p, e, at, &a0, &a1);
		if (a && !dsn_is_ours(c, a) && dsn_refused(a1, t.end))
			dsn_add(c->r, a);
		free(a);
	}
}

/* ---- AOL ---- */

static int
dsn_screen_name_char(int ch)
{
	return dsn_alnum(ch) || ch == '.' || ch == '_' || ch == '-';
}

/*
 * "Your mail to the following recipients could not be delivered because
 * they are not accepting mail from X:" and a list of AOL screen names:
 * a name alone is a mailbox at the reporting system's domain.
 */
void
dsn_aol_rcpts(struct dsn_ctx *c)
{
	const char *from = in_msg_from(c->m), *dom, *p, *eol, *w, *q;
	char addr[320];
	int n = 0;

	if ((p = dsn_find(c->notice, "not accepting mail from")) == NULL)
		return;
	dom = from ? strrchr(from, '@') : NULL;
	p = dsn_eol(p, c->notice.end);
	for (p++; p < c->notice.end && n < DSN_LEAD_LINES; p = eol + 1) {
		eol = dsn_eol(p, c->notice.end);
		if (dsn_blank(p, eol))
			break;
		n++;
		if (memchr(p, '@', (size_t)(eol - p))) {
			dsn_first_addr(c, p, eol);
			continue;
		}
		for (w = p; w < eol && (*w == ' ' || *w == '\t'); w++)
			;
		for (q = w; q < eol && dsn_screen_name_char((unsigned char)*q);
		    q++)
			;
		if (dom && q > w && q - w < 64 &&
		    dsn_blank(q, eol)) {
			snprintf(addr, sizeof addr, "%.*s%s", (int)(q - w), w,
			    dom);
			dsn_add_addr(c->r, addr);
		}
	}
}
