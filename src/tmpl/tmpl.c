/*
 * tmpl: parsing one template file into a tree, and rendering it; see
 * tmpl.h. Reading files, languages and partials are in tmpl_load.c.
 *
 * A template keeps its (normalised) source; text nodes point into it.
 * Sections are nodes with children, so rendering is a walk of the tree
 * and the parser's limits (nesting, partial depth) bound the recursion.
 */
#include "tmpl/tmpl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/text.h"
#include "lib/xmalloc.h"

#define TMPL_NONE ((size_t)-1)

enum tmpl_ntype { TMPL_TEXT, TMPL_VAR, TMPL_SECTION, TMPL_INVERTED,
	TMPL_PARTIAL };

struct tmpl_node {
	enum tmpl_ntype type;
	int line, col;
	const char *text;		/* TMPL_TEXT: into tmpl.src */
	size_t len;
	char *name;			/* variable or partial */
	struct tmpl_node *kids;		/* section contents */
	struct tmpl_node *next;
	const struct tmpl *partial;	/* linked, not owned */
};

struct tmpl_header {
	char *name;
	struct tmpl_node *value;
};

struct tmpl {
	char *file;
	enum tmpl_kind kind;
	char *src;
	size_t len;
	struct tmpl_header hdrs[TMPL_HEADERS_MAX];
	size_t nhdrs;
	struct tmpl_node *body;
};

/* An open section, or (frame 0) the list being filled. */
struct tmpl_frame {
	struct tmpl_node *sec;
	struct tmpl_node **tail;
};

struct tmpl_tag {
	char sigil;			/* 0 or one of # ^ / ! > */
	const char *name;
	size_t namelen;
	size_t start, end;		/* "{{" and just after "}}" */
	size_t stop;			/* where reading the tag stopped */
};

struct tmpl_parser {
	struct tmpl *t;
	const char *s;
	struct tmpl_error *errs;
	size_t nerrs, nfound;
	size_t at_off, at_bol;		/* line/col cursor, moves forward */
	int at_line, at_col;
	struct tmpl_frame *stack;
	size_t depth;
	size_t from;			/* start of the range being parsed */
	size_t overflow;		/* sections opened beyond the limit */
	int header;			/* parsing a header value */
	int has_subject;
};

static const char *const tmpl_vars[] = {
	"contact.name", "contact.email", "contact.organisation",
	"contact.country", "contact.role", "contact.language",
	"sender.name", "sender.address",
	"event.name", "event.title", "event.start", "event.end",
	"event.location", "list.name", "list.address", "campaign.name",
	"rsvp.yes", "rsvp.no", "rsvp.maybe", "unsubscribe", NULL
};

void
tmpl_error_set(struct tmpl_error *err, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

int
tmpl_var_known(const char *name)
{
	size_t i;

	if (strncmp(name, "contact.attr.", 13) == 0)
		return name[13] != '\0';
	for (i = 0; tmpl_vars[i]; i++)
		if (strcmp(name, tmpl_vars[i]) == 0)
			return 1;
	return 0;
}

static int
tmpl_is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static int
tmpl_is_namec(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '.' || c == '-';
}

int
tmpl_name_valid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!tmpl_is_namec(*s) || *s == '.')
			return 0;
	return 1;
}

/* ---- positions and errors ---- */

/* Line and column of offset off; the cursor only rescans going back. */
static void
tmpl_where(struct tmpl_parser *P, size_t off, int *line, int *col)
{
	size_t i;

	if (off < P->at_off) {
		P->at_off = P->at_bol = 0;
		P->at_line = P->at_col = 1;
	}
	for (i = P->at_off; i < off; i++) {
		if (P->s[i] == '\n') {
			P->at_line++;
			P->at_col = 1;
		} else if (((unsigned char)P->s[i] & 0xc0) != 0x80)
			P->at_col++;
	}
	P->at_off = off;
	*line = P->at_line;
	*col = P->at_col;
}

static void __attribute__((format(printf, 4, 0)))
tmpl_verr(struct tmpl_parser *P, int line, int col, const char *fmt,
    va_list ap)
{
	struct tmpl_error *e;

	if (P->nfound++ >= P->nerrs)
		return;
	e = &P->errs[P->nfound - 1];
	snprintf(e->file, sizeof e->file, "%s", P->t->file);
	e->line = line;
	e->col = col;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

static void __attribute__((format(printf, 3, 4)))
tmpl_err(struct tmpl_parser *P, size_t off, const char *fmt, ...)
{
	va_list ap;
	int line, col;

	tmpl_where(P, off, &line, &col);
	va_start(ap, fmt);
	tmpl_verr(P, line, col, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 4, 5)))
tmpl_err_lc(struct tmpl_parser *P, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tmpl_verr(P, line, col, fmt, ap);
	va_end(ap);
}

/* A short printable copy of s[0..len) for a message. */
static const char *
tmpl_quote(const char *s, size_t len, char *out, size_t outlen)
{
	char tmp[80];

	snprintf(tmp, sizeof tmp, "%.*s", (int)(len < 70 ? len : 70), s);
	text_quote(tmp, out, outlen);
	if (len > 70 && strlen(out) + 4 <= outlen)
		strcat(out, "...");
	return out;
}

/* ---- the tree ---- */

static void
tmpl_nodes_free(struct tmpl_node *n)
{
	struct tmpl_node *next;

	for (; n; n = next) {
		next = n->next;
		tmpl_nodes_free(n->kids);
		free(n->name);
		free(n);
	}
}

void
tmpl_free(struct tmpl **tp)
{
	struct tmpl *t = *tp;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nhdrs; i++) {
		free(t->hdrs[i].name);
		tmpl_nodes_free(t->hdrs[i].value);
	}
	tmpl_nodes_free(t->body);
	free(t->src);
	free(t->file);
	free(t);
	*tp = NULL;
}

enum tmpl_kind
tmpl_get_kind(const struct tmpl *t)
{
	return t->kind;
}

const char *
tmpl_get_file(const struct tmpl *t)
{
	return t->file;
}

static struct tmpl_node *
tmpl_node_add(struct tmpl_parser *P, enum tmpl_ntype type, size_t off)
{
	struct tmpl_node *n = xcalloc(1, sizeof *n);
	struct tmpl_frame *f = &P->stack[P->depth];

	n->type = type;
	tmpl_where(P, off, &n->line, &n->col);
	*f->tail = n;
	f->tail = &n->next;
	return n;
}

static void
tmpl_text_add(struct tmpl_parser *P, size_t from, size_t to)
{
	struct tmpl_node *n;

	if (from >= to)
		return;
	n = tmpl_node_add(P, TMPL_TEXT, from);
	n->text = P->s + from;
	n->len = to - from;
}

/* ---- tags ---- */

static size_t
tmpl_find2(const char *s, size_t from, size_t to, char c)
{
	for (; from + 1 < to; from++)
		if (s[from] == c && s[from + 1] == c)
			return from;
	return TMPL_NONE;
}

/*
 * The "}}" of a tag, looked for only up to the end of its line so that
 * many bad tags on one long line still cost linear time; NONE, with
 * *eol set, when the line ends first.
 */
static size_t
tmpl_close_on_line(const char *s, size_t from, size_t to, size_t *eol)
{
	for (; from < to && s[from] != '\n'; from++)
		if (s[from] == '}' && from + 1 < to && s[from + 1] == '}')
			return from;
	*eol = from;
	return TMPL_NONE;
}

static size_t
tmpl_eol(const char *s, size_t from, size_t to)
{
	const char *nl = memchr(s + from, '\n', to - from);

	return nl ? (size_t)(nl - s) : to;
}

static const char *
tmpl_bad_hint(const struct tmpl_tag *tag, const char *s)
{
	char c = s[tag->start + 2];

	if (c == '{' || c == '&')
		return "unescaped output is not supported";
	if (c == '=')
		return "changing delimiters is not supported";
	if (s[tag->stop] >= 'A' && s[tag->stop] <= 'Z')
		return "names are lower case";
	if (tag->namelen == 0)
		return "a tag needs a name";
	return "a tag is {{name}}, {{#name}}, {{^name}}, {{/name}}, "
	    "{{! comment}} or {{> partial}}";
}

/* Report a malformed tag; tag->end is where parsing resumes. */
static int
tmpl_tag_bad(struct tmpl_parser *P, size_t to, struct tmpl_tag *tag)
{
	const char *s = P->s;
	size_t eol = to, close;
	char q[96];

	close = tmpl_close_on_line(s, tag->start + 2, to, &eol);
	if (close == TMPL_NONE) {
		tmpl_err(P, tag->start, "tag is not closed on its line");
		tag->end = eol;
		return -1;
	}
	if (close + 2 < to && s[close + 2] == '}')
		close++;	/* the third brace of {{{x}}} */
	tag->end = close + 2;
	tmpl_err(P, tag->start, "invalid tag %s: %s",
	    tmpl_quote(s + tag->start, tag->end - tag->start, q, sizeof q),
	    tmpl_bad_hint(tag, s));
	return -1;
}

/* A partial's name is read loosely so a bad one gets a clear message. */
static int
tmpl_is_partialc(char c)
{
	return !tmpl_is_ws(c) && c != '}' && c != '\n';
}

/* Read the tag at tag->start; -1 (reported) when it is malformed. */
static int
tmpl_tag_scan(struct tmpl_parser *P, size_t to, struct tmpl_tag *tag)
{
	const char *s = P->s;
	size_t p = tag->start + 2, close;

	tag->sigil = 0;
	tag->namelen = 0;
	tag->name = s + p;
	tag->stop = p;
	tag->end = to;
	if (p < to && s[p] != '\0' && strchr("#^/!>", s[p]))
		tag->sigil = s[p++];
	if (tag->sigil == '!') {
		if ((close = tmpl_find2(s, p, to, '}')) == TMPL_NONE) {
			tmpl_err(P, tag->start, "comment is not closed");
			tag->end = to;
			return -1;
		}
		tag->end = close + 2;
		return 0;
	}
	while (p < to && tmpl_is_ws(s[p]))
		p++;
	tag->name = s + p;
	while (p < to && (tag->sigil == '>' ? tmpl_is_partialc(s[p]) :
	    tmpl_is_namec(s[p])))
		p++;
	tag->namelen = (size_t)(s + p - tag->name);
	tag->stop = p;
	while (p < to && tmpl_is_ws(s[p]))
		p++;
	if (tag->namelen > 0 && p + 1 < to && s[p] == '}' && s[p + 1] == '}') {
		tag->end = p + 2;
		return 0;
	}
	return tmpl_tag_bad(P, to, tag);
}

/*
 * The standalone rule: when the tag is alone on its line (white space
 * around it), drop that white space and the newline with it.
 */
static void
tmpl_standalone(struct tmpl_parser *P, size_t text, size_t to,
    const struct tmpl_tag *tag, size_t *cut, size_t *resume)
{
	const char *s = P->s;
	size_t bol = tag->start, p = tag->end;

	while (bol > text && tmpl_is_ws(s[bol - 1]))
		bol--;
	if (bol != P->from && s[bol - 1] != '\n')
		return;
	while (p < to && tmpl_is_ws(s[p]))
		p++;
	if (p < to && s[p] != '\n')
		return;
	*cut = bol;
	*resume = p < to ? p + 1 : to;
}

/*
 * Sections past the limit are reported once and only counted, so the
 * stack (and the search in tmpl_close) stays small whatever the input.
 */
static void
tmpl_push(struct tmpl_parser *P, struct tmpl_node *sec)
{
	if (P->depth == TMPL_NEST_MAX) {
		if (P->overflow++ == 0)
			tmpl_err_lc(P, sec->line, sec->col,
			    "sections nested deeper than %d", TMPL_NEST_MAX);
		return;
	}
	P->depth++;
	P->stack[P->depth].sec = sec;
	P->stack[P->depth].tail = &sec->kids;
}

static int
tmpl_tag_is(const struct tmpl_tag *tag, const char *name)
{
	return strlen(name) == tag->namelen &&
	    memcmp(name, tag->name, tag->namelen) == 0;
}

static void
tmpl_close(struct tmpl_parser *P, const struct tmpl_tag *tag)
{
	struct tmpl_node *sec;
	size_t i, j;
	int n = (int)(tag->namelen < 64 ? tag->namelen : 64);

	if (P->overflow > 0) {
		P->overflow--;
		return;
	}
	for (i = P->depth; i > 0; i--)
		if (tmpl_tag_is(tag, P->stack[i].sec->name))
			break;
	if (i == 0) {
		tmpl_err(P, tag->start, "{{/%.*s}} closes no open section",
		    n, tag->name);
		return;
	}
	for (j = P->depth; j > i; j--) {
		sec = P->stack[j].sec;
		tmpl_err(P, tag->start, "{{/%.*s}} found while section "
		    "'%.64s' (line %d, col %d) is still open", n, tag->name,
		    sec->name, sec->line, sec->col);
	}
	P->depth = i - 1;
}

static void
tmpl_tag_apply(struct tmpl_parser *P, const struct tmpl_tag *tag)
{
	struct tmpl_node *n;
	enum tmpl_ntype type;
	char *name, q[96];

	if (tag->sigil == '!')
		return;
	if (P->header && tag->sigil != 0) {
		tmpl_err(P, tag->start, "%s are not allowed in headers",
		    tag->sigil == '>' ? "partials" : "sections");
		return;
	}
	if (tag->sigil == '/') {
		tmpl_close(P, tag);
		return;
	}
	type = tag->sigil == '>' ? TMPL_PARTIAL : tag->sigil == '#' ?
	    TMPL_SECTION : tag->sigil == '^' ? TMPL_INVERTED : TMPL_VAR;
	name = xstrndup(tag->name, tag->namelen);
	if (type == TMPL_PARTIAL ? !tmpl_name_valid(name) :
	    !tmpl_var_known(name)) {
		tmpl_err(P, tag->start, type == TMPL_PARTIAL ?
		    "invalid partial name '%s' (a-z, 0-9, '_' and '-' only)" :
		    "unknown variable '%s'",
		    tmpl_quote(name, tag->namelen, q, sizeof q));
		/* a bad section is still opened, so its close matches */
		if (type != TMPL_SECTION && type != TMPL_INVERTED) {
			free(name);
			return;
		}
	}
	n = tmpl_node_add(P, type, tag->start);
	n->name = name;
	if (type == TMPL_SECTION || type == TMPL_INVERTED)
		tmpl_push(P, n);
}

/* Text and tags of s[from..to) into the current frame. */
static void
tmpl_parse_range(struct tmpl_parser *P, size_t from, size_t to)
{
	struct tmpl_tag tag;
	size_t open, text = from, cut, resume;

	memset(&tag, 0, sizeof tag);
	P->from = from;
	while ((open = tmpl_find2(P->s, text, to, '{')) != TMPL_NONE) {
		tag.start = open;
		if (tmpl_tag_scan(P, to, &tag) == -1) {
			/* the parse fails: no need for the text before it */
			text = tag.end;
			continue;
		}
		cut = open;
		resume = tag.end;
		if (!P->header && tag.sigil != 0)
			tmpl_standalone(P, text, to, &tag, &cut, &resume);
		tmpl_text_add(P, text, cut);
		tmpl_tag_apply(P, &tag);
		text = resume;
	}
	tmpl_text_add(P, text, to);
}

/* ---- message headers ---- */

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
		strcpy(name, "Subject");
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
static size_t
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

/* ---- parsing a file ---- */

/* Copy src, skipping a BOM and turning CRLF into LF. */
static void
tmpl_normalise(struct tmpl *t, const char *src, size_t len)
{
	size_t i, o = 0;

	if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0) {
		src += 3;
		len -= 3;
	}
	t->src = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		if (!(src[i] == '\r' && i + 1 < len && src[i + 1] == '\n'))
			t->src[o++] = src[i];
	t->src[o] = '\0';
	t->len = o;
}

/* Refuse NUL bytes and bad UTF-8, line by line; -1 if any. */
static int
tmpl_check_bytes(struct tmpl_parser *P)
{
	const char *s = P->s, *nul;
	size_t len = P->t->len, bol = 0, eol;
	size_t before = P->nfound;

	if ((nul = memchr(s, '\0', len)) != NULL) {
		tmpl_err(P, (size_t)(nul - s), "NUL byte in template");
		return -1;
	}
	for (; bol < len; bol = eol + 1) {
		eol = tmpl_eol(s, bol, len);
		if (!text_utf8_valid(s + bol, eol - bol))
			tmpl_err(P, bol, "line is not valid UTF-8");
	}
	return P->nfound > before ? -1 : 0;
}

static void
tmpl_parse_body(struct tmpl_parser *P, size_t from)
{
	struct tmpl_node *sec;

	P->depth = 0;
	P->stack[0].sec = NULL;
	P->stack[0].tail = &P->t->body;
	tmpl_parse_range(P, from, P->t->len);
	for (; P->depth > 0; P->depth--) {
		sec = P->stack[P->depth].sec;
		tmpl_err_lc(P, sec->line, sec->col, "section '%.64s' is not "
		    "closed", sec->name);
	}
}

int
tmpl_parse(const char *file, const char *src, size_t len,
    enum tmpl_kind kind, struct tmpl **out, struct tmpl_error *errs,
    size_t nerrs, size_t *nfound)
{
	struct tmpl_parser P;
	struct tmpl *t = xcalloc(1, sizeof *t);

	memset(&P, 0, sizeof P);
	t->file = xstrdup(file);
	t->kind = kind;
	P.t = t;
	P.errs = errs;
	P.nerrs = errs ? nerrs : 0;
	P.at_line = P.at_col = 1;
	*out = NULL;
	if (len > TMPL_FILE_MAX) {
		tmpl_err_lc(&P, 0, 0, "larger than %d bytes", TMPL_FILE_MAX);
		goto done;
	}
	tmpl_normalise(t, src, len);
	P.s = t->src;
	if (tmpl_check_bytes(&P) == -1)
		goto done;
	P.stack = xcalloc(TMPL_NEST_MAX + 1, sizeof *P.stack);
	tmpl_parse_body(&P, kind == TMPL_MESSAGE ? tmpl_parse_headers(&P) : 0);
	free(P.stack);
done:
	*nfound = P.nfound;
	if (P.nfound > 0) {
		tmpl_free(&t);
		return -1;
	}
	*out = t;
	return 0;
}

/* ---- linking partials ---- */

static void
tmpl_link_nodes(struct tmpl *t, struct tmpl_node *n, tmpl_link_fn *link,
    void *arg)
{
	for (; n; n = n->next) {
		if (n->type == TMPL_PARTIAL)
			n->partial = link(arg, t, n->name, n->line, n->col);
		tmpl_link_nodes(t, n->kids, link, arg);
	}
}

void
tmpl_link_partials(struct tmpl *t, tmpl_link_fn *link, void *arg)
{
	tmpl_link_nodes(t, t->body, link, arg);
}

/* ---- rendering ---- */

enum tmpl_esc { TMPL_ESC_RAW, TMPL_ESC_HTML, TMPL_ESC_HEADER };

struct tmpl_render {
	tmpl_lookup_fn *lookup;
	void *ctx;
	struct buf *out;
	enum tmpl_esc esc;
	struct tmpl_error *err;
	size_t steps;
};

static int __attribute__((format(printf, 4, 5)))
tmpl_rerr(struct tmpl_render *R, const struct tmpl *t,
    const struct tmpl_node *n, const char *fmt, ...)
{
	va_list ap;

	tmpl_error_set(R->err, t->file, n->line, n->col, "%s", "");
	va_start(ap, fmt);
	vsnprintf(R->err->msg, sizeof R->err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* Body values: line ends become LF; HTML-escaped when asked. */
static int
tmpl_put_value(struct tmpl_render *R, const char *v)
{
	const char *rep;
	size_t span;
	int rc = 0;

	while (*v && rc == 0) {
		span = strcspn(v, R->esc == TMPL_ESC_HTML ? "\r&<>\"'" : "\r");
		rc = buf_add(R->out, v, span);
		v += span;
		if (*v == '\0' || rc == -1)
			break;
		switch (*v) {
		case '\r': rep = "\n"; v += v[1] == '\n'; break;
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		default: rep = "&#39;"; break;
		}
		rc = buf_adds(R->out, rep);
		v++;
	}
	return rc;
}

static int
tmpl_render_var(struct tmpl_render *R, const struct tmpl *t,
    const struct tmpl_node *n)
{
	const char *v = R->lookup(R->ctx, n->name), *why;

	if (v == NULL)
		return tmpl_rerr(R, t, n, "variable '%s' is not defined for "
		    "this recipient", n->name);
	if (*v == '\0')
		return tmpl_rerr(R, t, n, "variable '%s' is empty for this "
		    "recipient", n->name);
	if (R->esc == TMPL_ESC_HEADER) {
		if (!text_header_safe(v, &why))
			return tmpl_rerr(R, t, n, "value of '%s' cannot go in "
			    "a header: %s", n->name, why);
		if (buf_adds(R->out, v) == -1)
			goto toobig;
		return 0;
	}
	if (!text_utf8_valid(v, strlen(v)))
		return tmpl_rerr(R, t, n, "value of '%s' is not valid UTF-8",
		    n->name);
	if (tmpl_put_value(R, v) == 0)
		return 0;
toobig:
	return tmpl_rerr(R, t, n, "output larger than %zu bytes",
	    R->out->cap);
}

static int tmpl_render_list(struct tmpl_render *, const struct tmpl *,
    const struct tmpl_node *);

static int
tmpl_render_node(struct tmpl_render *R, const struct tmpl *t,
    const struct tmpl_node *n)
{
	const char *v;
	int set;

	/* partials of partials can multiply nodes far beyond the output cap */
	if (++R->steps > TMPL_RENDER_STEPS)
		return tmpl_rerr(R, t, n, "more than %d steps to render",
		    TMPL_RENDER_STEPS);
	switch (n->type) {
	case TMPL_TEXT:
		if (buf_add(R->out, n->text, n->len) == -1)
			return tmpl_rerr(R, t, n, "output larger than %zu "
			    "bytes", R->out->cap);
		return 0;
	case TMPL_VAR:
		return tmpl_render_var(R, t, n);
	case TMPL_SECTION:
	case TMPL_INVERTED:
		v = R->lookup(R->ctx, n->name);
		set = v != NULL && *v != '\0';
		if (set == (n->type == TMPL_SECTION))
			return tmpl_render_list(R, t, n->kids);
		return 0;
	case TMPL_PARTIAL:
		if (n->partial == NULL)
			return tmpl_rerr(R, t, n, "partial '%s' is not loaded",
			    n->name);
		return tmpl_render_list(R, n->partial, n->partial->body);
	}
	return 0;
}

static int
tmpl_render_list(struct tmpl_render *R, const struct tmpl *t,
    const struct tmpl_node *n)
{
	for (; n; n = n->next)
		if (tmpl_render_node(R, t, n) == -1)
			return -1;
	return 0;
}

int
tmpl_render(const struct tmpl *t, tmpl_lookup_fn *lookup, void *ctx,
    struct buf *out, struct tmpl_error *err)
{
	struct tmpl_render R = { lookup, ctx, out, TMPL_ESC_RAW, err, 0 };

	if (t->kind == TMPL_HTML || t->kind == TMPL_PARTIAL_HTML)
		R.esc = TMPL_ESC_HTML;
	return tmpl_render_list(&R, t, t->body);
}

int
tmpl_render_headers(const struct tmpl *t, tmpl_lookup_fn *lookup, void *ctx,
    size_t cap, struct tmpl_rendered *out, struct tmpl_error *err)
{
	struct buf b;
	struct tmpl_render R = { lookup, ctx, &b, TMPL_ESC_HEADER, err, 0 };
	size_t i, n;

	for (i = 0; i < t->nhdrs; i++) {
		buf_init(&b, cap);
		if (tmpl_render_list(&R, t, t->hdrs[i].value) == -1) {
			buf_free(&b);
			return -1;
		}
		n = out->nheaders++;
		out->names = xrealloc(out->names, out->nheaders * sizeof(char *));
		out->values = xrealloc(out->values,
		    out->nheaders * sizeof(char *));
		out->names[n] = xstrdup(t->hdrs[i].name);
		out->values[n] = buf_steal(&b);
	}
	return 0;
}

void
tmpl_rendered_clear(struct tmpl_rendered *r)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++) {
		free(r->names[i]);
		free(r->values[i]);
	}
	free(r->names);
	free(r->values);
	free(r->text);
	free(r->html);
	memset(r, 0, sizeof *r);
}
