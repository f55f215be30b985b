/*
 * tmpl_parse: one template file's source into a tree (tmpl_parse); see
 * tmpl.h for the syntax and tmpl_int.h for the tree. The header lines
 * of a message file are parsed in tmpl_headers.c.
 *
 * The parser reads text and tags left to right, with a stack of open
 * sections whose limit (TMPL_NEST_MAX) bounds the tree's depth. It goes
 * on after an error so that one run reports as many as it can.
 */
#include "tmpl/tmpl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text.h"
#include "lib/xmalloc.h"
#include "tmpl/tmpl_int.h"

#define TMPL_NONE ((size_t)-1)

/* A tag {{...}}, as read by tmpl_tag_scan(). */
struct tmpl_tag {
	char sigil;			/* 0 or one of # ^ / ! > */
	const char *name;
	size_t namelen;
	size_t start, end;		/* "{{" and just after "}}" */
	size_t stop;			/* where reading the tag stopped */
};

int
tmpl_is_ws(char c)
{
	return c == ' ' || c == '\t';
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
	e->warning = 0;
	e->line = line;
	e->col = col;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

void
tmpl_err(struct tmpl_parser *P, size_t off, const char *fmt, ...)
{
	va_list ap;
	int line, col;

	tmpl_where(P, off, &line, &col);
	va_start(ap, fmt);
	tmpl_verr(P, line, col, fmt, ap);
	va_end(ap);
}

void
tmpl_err_lc(struct tmpl_parser *P, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tmpl_verr(P, line, col, fmt, ap);
	va_end(ap);
}

/* A short printable copy of s[0..len) for a message. */
const char *
tmpl_quote(const char *s, size_t len, char *out, size_t outlen)
{
	char tmp[80];

	snprintf(tmp, sizeof tmp, "%.*s", (int)(len < 70 ? len : 70), s);
	text_quote(tmp, out, outlen);
	if (len > 70 && strlen(out) + 4 <= outlen)
		memcpy(out + strlen(out), "...", 4);
	return out;
}

/* ---- building the tree ---- */

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

size_t
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
void
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
