/*
 * tmpl_headers: the header lines that start a message file (NAME.txt),
 * for tmpl_parse(); see tmpl.h. Subject is required, X-* allowed,
 * nothing else; values may hold only {{var}} tags and comments.
 */
#include "tmpl/tmpl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/text.h"
#include "lib/xmalloc.h"
#include "tmpl/tmpl_int.h"

static int
tmpl_is_ftext(char c)
{
	return c > ' ' && c < 0x7f && c != ':';
}

static int
tmpl_header_allowed(const char *name)
{
	return strcasecmp(name, "Subject") == 0 ||
	    (strncasecmp(name, "X-", 2) == 0 && name[2] != '\0');
}

/* Check "Name:" at s[bol..); its name, or NULL (reported). */
static char *
tmpl_header_name(struct tmpl_parser *P, size_t bol, size_t eol)
{
	const char *s = P->s;
	size_t colon = bol;
	char *name, q[96];

	if (tmpl_is_ws(s[bol])) {
		tmpl_err(P, bol, "folded header line: a header must fit on "
		    "one line");
		return NULL;
	}
	while (colon < eol && tmpl_is_ftext(s[colon]))
		colon++;
	if (colon == bol || colon == eol || s[colon] != ':') {
		tmpl_err(P, bol, "not a header line (expected 'Name: value'; "
		    "a blank line must separate headers from the body)");
		return NULL;
	}
	name = xstrndup(s + bol, colon - bol);
	if (!tmpl_header_allowed(name)) {
		tmpl_err(P, bol, "header '%s' is not allowed: herald sets its "
		    "own headers; a template may set Subject and X-* only",
		    tmpl_quote(name, colon - bol, q, sizeof q));
		free(name);
		return NULL;
	}
	return name;
}

/* Literal header text must be as clean as a value. */
static void
tmpl_header_text(struct tmpl_parser *P, size_t v, size_t e)
{
	char *copy = xstrndup(P->s + v, e - v);
	const char *why;

	if (!text_header_safe(copy, &why))
		tmpl_err(P, v, "header value has a %s", why);
	free(copy);
}

static void
tmpl_header_line(struct tmpl_parser *P, size_t bol, size_t eol)
{
	struct tmpl_header *h;
	const char *s = P->s;
	char *name;
	size_t v, e;

	if ((name = tmpl_header_name(P, bol, eol)) == NULL)
		return;
	if (strcasecmp(name, "Subject") == 0) {
		if (P->has_subject++)
			tmpl_err(P, bol, "Subject appears twice");
		memcpy(name, "Subject", sizeof "Subject");	/* same length */
	}
	v = bol + strlen(name) + 1;
	e = eol;
	while (v < e && tmpl_is_ws(s[v]))
		v++;
	while (e > v && tmpl_is_ws(s[e - 1]))
		e--;
	if (v == e)
		tmpl_err(P, bol, "header '%s' is empty", name);
	if (P->t->nhdrs == TMPL_HEADERS_MAX) {
		tmpl_err(P, bol, "more than %d headers", TMPL_HEADERS_MAX);
		free(name);
		return;
	}
	tmpl_header_text(P, v, e);
	h = &P->t->hdrs[P->t->nhdrs++];
	h->name = name;
	P->stack[0].tail = &h->value;
	P->header = 1;
	tmpl_parse_range(P, v, e);
	P->header = 0;
}

/* Parse the header lines; returns where the body starts. */
size_t
tmpl_parse_headers(struct tmpl_parser *P)
{
	const char *s = P->s;
	size_t len = P->t->len, bol = 0, p, eol = 0;

	for (; bol < len; bol = eol + 1) {
		for (p = bol; p < len && tmpl_is_ws(s[p]); p++)
			;
		eol = tmpl_eol(s, bol, len);
		if (p == eol)
			break;
		tmpl_header_line(P, bol, eol);
	}
	if (!P->has_subject)
		tmpl_err_lc(P, 1, 1, "no Subject: header");
	/* the body starts after the blank line, if there is one */
	return bol < len && eol < len ? eol + 1 : len;
}
