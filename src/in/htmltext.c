/* htmltext: see htmltext.h. */
#include "in/htmltext.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/xmalloc.h"

#define HTMLTEXT_NAME_MAX 15	/* tag names kept; longer ones match none */
#define HTMLTEXT_ENTITY_MAX 31	/* longest named entity looked up */
#define HTMLTEXT_DEPTH_MAX 100000	/* quote and div counters stop here */
#define HTMLTEXT_RULE "________________________________"

/* A span of the input: an attribute value. */
struct htmltext_span {
	const char *s;
	size_t len;
};

/* One tag as read: <name attr=value ...> or </name>. */
struct htmltext_tag {
	char name[HTMLTEXT_NAME_MAX + 1];
	int close;		/* </name> */
	int selfclose;		/* <name ... /> */
	struct htmltext_span cls, id;
};

struct htmltext_state {
	char *out;
	size_t len, size;
	int full;		/* HTMLTEXT_MAX reached: nothing more is added */
	int nl;			/* newlines ending the output (0: mid-line) */
	int space;		/* white space pending before the next text */
	int pre;		/* inside <pre>: white space kept */
	int quote;		/* open <blockquote> elements */
	int divs;		/* open <div> elements */
	int quote_div;		/* divs when a quoting <div> opened, or 0 */
	int quote_rest;		/* Outlook: the rest is the message answered */
};

/* ---- output ---- */

/* Append raw bytes, or stop for good at the cap (at a character start). */
static void
htmltext_put(struct htmltext_state *st, const char *s, size_t n)
{
	size_t want;

	if (st->full)
		return;
	if (n > HTMLTEXT_MAX - st->len) {
		n = HTMLTEXT_MAX - st->len;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		st->full = 1;
	}
	if (st->len + n + 1 > st->size) {
		want = st->size ? st->size : 256;
		while (want < st->len + n + 1)
			want *= 2;
		if (want > HTMLTEXT_MAX + 1)
			want = HTMLTEXT_MAX + 1;
		st->out = xrealloc(st->out, want);
		st->size = want;
	}
	memcpy(st->out + st->len, s, n);
	st->len += n;
	st->out[st->len] = '\0';
}

static int
htmltext_quoted(const struct htmltext_state *st)
{
	return st->quote > 0 || st->quote_div > 0 || st->quote_rest;
}

/* End the current line, if it has any text. */
static void
htmltext_break(struct htmltext_state *st)
{
	st->space = 0;
	if (st->len > 0 && st->nl == 0) {
		htmltext_put(st, "\n", 1);
		st->nl = 1;
	}
}

/* A line break that counts even on an empty line (<br>), one blank at most. */
static void
htmltext_newline(struct htmltext_state *st)
{
	st->space = 0;
	if (st->len > 0 && st->nl < 2) {
		htmltext_put(st, "\n", 1);
		st->nl++;
	}
}

/* Visible text: the quote mark first on a line, pending space inside one. */
static void
htmltext_text(struct htmltext_state *st, const char *s, size_t n)
{
	if (st->len == 0 || st->nl > 0) {
		if (htmltext_quoted(st))
			htmltext_put(st, "> ", 2);
	} else if (st->space)
		htmltext_put(st, " ", 1);
	st->space = 0;
	st->nl = 0;
	htmltext_put(st, s, n);
}

static int
htmltext_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v' || c == '\0';
}

/* One character of text (or white space) as the page shows it. */
static void
htmltext_char(struct htmltext_state *st, const char *s, size_t n, int blank)
{
	if (st->pre && blank && (s[0] == '\n' || s[0] == '\r')) {
		if (s[0] == '\n')	/* CRLF is one line end */
			htmltext_newline(st);
		return;
	}
	if (blank && !st->pre) {
		st->space = 1;
		return;
	}
	if (blank)
		s = " ", n = 1;
	htmltext_text(st, s, n);
}

/* ---- entities ---- */

struct htmltext_entity {
	const char *name;
	const char *utf8;
};

/* Looked up by exact name (entities are case-sensitive: &Eacute; &eacute;). */
static const struct htmltext_entity htmltext_entities[] = {
	{ "nbsp", " " }, { "amp", "&" }, { "lt", "<" }, { "gt", ">" },
	{ "quot", "\"" }, { "apos", "'" }, { "shy", "" }, { "zwnj", "" },
	{ "zwj", "" }, { "lrm", "" }, { "rlm", "" },
	{ "ensp", " " }, { "emsp", " " }, { "thinsp", " " },
	{ "lsquo", "\xe2\x80\x98" }, { "rsquo", "\xe2\x80\x99" },
	{ "sbquo", "\xe2\x80\x9a" }, { "ldquo", "\xe2\x80\x9c" },
	{ "rdquo", "\xe2\x80\x9d" }, { "bdquo", "\xe2\x80\x9e" },
	{ "laquo", "\xc2\xab" }, { "raquo", "\xc2\xbb" },
	{ "ndash", "\xe2\x80\x93" }, { "mdash", "\xe2\x80\x94" },
	{ "hellip", "\xe2\x80\xa6" }, { "bull", "\xe2\x80\xa2" },
	{ "middot", "\xc2\xb7" }, { "iexcl", "\xc2\xa1" },
	{ "iquest", "\xc2\xbf" }, { "copy", "\xc2\xa9" }, { "reg", "\xc2\xae" },
	{ "trade", "\xe2\x84\xa2" }, { "euro", "\xe2\x82\xac" },
	{ "pound", "\xc2\xa3" }, { "deg", "\xc2\xb0" }, { "times", "\xc3\x97" },
	{ "sect", "\xc2\xa7" }, { "para", "\xc2\xb6" },
	{ "ordf", "\xc2\xaa" }, { "ordm", "\xc2\xba" },
	{ "Agrave", "\xc3\x80" }, { "Aacute", "\xc3\x81" },
	{ "Acirc", "\xc3\x82" }, { "Atilde", "\xc3\x83" },
	{ "Auml", "\xc3\x84" }, { "Aring", "\xc3\x85" }, { "AElig", "\xc3\x86" },
	{ "Ccedil", "\xc3\x87" }, { "Egrave", "\xc3\x88" },
	{ "Eacute", "\xc3\x89" }, { "Ecirc", "\xc3\x8a" }, { "Euml", "\xc3\x8b" },
	{ "Igrave", "\xc3\x8c" }, { "Iacute", "\xc3\x8d" },
	{ "Icirc", "\xc3\x8e" }, { "Iuml", "\xc3\x8f" }, { "Ntilde", "\xc3\x91" },
	{ "Ograve", "\xc3\x92" }, { "Oacute", "\xc3\x93" },
	{ "Ocirc", "\xc3\x94" }, { "Otilde", "\xc3\x95" }, { "Ouml", "\xc3\x96" },
	{ "Oslash", "\xc3\x98" }, { "Ugrave", "\xc3\x99" },
	{ "Uacute", "\xc3\x9a" }, { "Ucirc", "\xc3\x9b" }, { "Uuml", "\xc3\x9c" },
	{ "Yacute", "\xc3\x9d" }, { "szlig", "\xc3\x9f" },
	{ "agrave", "\xc3\xa0" }, { "aacute", "\xc3\xa1" },
	{ "acirc", "\xc3\xa2" }, { "atilde", "\xc3\xa3" }, { "auml", "\xc3\xa4" },
	{ "aring", "\xc3\xa5" }, { "aelig", "\xc3\xa6" },
	{ "ccedil", "\xc3\xa7" }, { "egrave", "\xc3\xa8" },
	{ "eacute", "\xc3\xa9" }, { "ecirc", "\xc3\xaa" }, { "euml", "\xc3\xab" },
	{ "igrave", "\xc3\xac" }, { "iacute", "\xc3\xad" },
	{ "icirc", "\xc3\xae" }, { "iuml", "\xc3\xaf" }, { "ntilde", "\xc3\xb1" },
	{ "ograve", "\xc3\xb2" }, { "oacute", "\xc3\xb3" },
	{ "ocirc", "\xc3\xb4" }, { "otilde", "\xc3\xb5" }, { "ouml", "\xc3\xb6" },
	{ "oslash", "\xc3\xb8" }, { "ugrave", "\xc3\xb9" },
	{ "uacute", "\xc3\xba" }, { "ucirc", "\xc3\xbb" }, { "uuml", "\xc3\xbc" },
	{ "yacute", "\xc3\xbd" }, { "yuml", "\xc3\xbf" },
	{ "OElig", "\xc5\x92" }, { "oelig", "\xc5\x93" },
};

/* The five a browser also reads without their ';' ("&nbsp" "&amp"). */
static int
htmltext_legacy(const char *name)
{
	return strcmp(name, "nbsp") == 0 || strcmp(name, "amp") == 0 ||
	    strcmp(name, "lt") == 0 || strcmp(name, "gt") == 0 ||
	    strcmp(name, "quot") == 0;
}

/* Code point cp as UTF-8 in out (4 bytes at least); its length. */
static size_t
htmltext_utf8(uint32_t cp, char *out)
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int
htmltext_digit(char c, int hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (hex && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (hex && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* &#233; or &#xE9; at s[0..len): bytes read, or 0 when it is none. */
static size_t
htmltext_numeric(const char *s, size_t len, char *out, size_t *outlen)
{
	size_t i = 2;
	int hex = len > 2 && (s[2] == 'x' || s[2] == 'X'), d;
	uint32_t cp = 0;

	i += (size_t)hex;
	if (i >= len || htmltext_digit(s[i], hex) < 0)
		return 0;
	for (; i < len && (d = htmltext_digit(s[i], hex)) >= 0; i++)
		if (cp <= 0x10ffff)
			cp = cp * (hex ? 16u : 10u) + (uint32_t)d;
	/* control characters other than white space are dropped */
	if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != 0)
		*outlen = 0;
	else if (cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		*outlen = 0;
	else
		*outlen = htmltext_utf8(cp, out);
	return i + (i < len && s[i] == ';');
}

/* &name; at s[0..len): bytes read, or 0 when it is unknown. */
static size_t
htmltext_named(const char *s, size_t len, const char **utf8)
{
	char name[HTMLTEXT_ENTITY_MAX + 1];
	size_t i, n = 0, k;

	for (i = 1; i < len && n < HTMLTEXT_ENTITY_MAX &&
	    ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	    (s[i] >= '0' && s[i] <= '9')); i++)
		name[n++] = s[i];
	name[n] = '\0';
	if (n == 0)
		return 0;
	for (k = 0; k < sizeof htmltext_entities / sizeof htmltext_entities[0];
	    k++)
		if (strcmp(name, htmltext_entities[k].name) == 0)
			break;
	if (k == sizeof htmltext_entities / sizeof htmltext_entities[0])
		return 0;
	if (i < len && s[i] == ';')
		i++;
	else if (!htmltext_legacy(name))
		return 0;
	*utf8 = htmltext_entities[k].utf8;
	return i;
}

/* An entity at s[0] == '&': decoded as text; bytes read (1 if none). */
static size_t
htmltext_entity(struct htmltext_state *st, const char *s, size_t len)
{
	char buf[4];
	const char *u;
	size_t n, ulen;

	if (len > 1 && s[1] == '#') {
		if ((n = htmltext_numeric(s, len, buf, &ulen)) == 0)
			goto literal;
		if (ulen == 1)
			htmltext_char(st, buf, 1, htmltext_blank(buf[0]));
		else if (ulen > 0)
			htmltext_char(st, buf, ulen, 0);
		return n;
	}
	if ((n = htmltext_named(s, len, &u)) == 0)
		goto literal;
	if (*u == ' ')
		htmltext_char(st, " ", 1, 1);	/* &nbsp;: white space here */
	else if (*u != '\0')
		htmltext_char(st, u, strlen(u), 0);
	return n;
literal:
	htmltext_char(st, "&", 1, 0);
	return 1;
}

/* ---- tags ---- */

static int
htmltext_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
htmltext_namechar(char c)
{
	return htmltext_alpha(c) || (c >= '0' && c <= '9') || c == ':' ||
	    c == '-' || c == '_';
}

/* Position of the first '>' in s[from..len), or len. */
static size_t
htmltext_gt(const char *s, size_t len, size_t from)
{
	const char *p = from < len ? memchr(s + from, '>', len - from) : NULL;

	return p ? (size_t)(p - s) : len;
}

/* Where needle (lower-case ASCII) starts in s[from..len), any case; or len. */
static size_t
htmltext_find(const char *s, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = from; n <= len && i <= len - n; i++)
		if ((s[i] | 0x20) == needle[0] && strncasecmp(s + i, needle, n) == 0)
			return i;
	return len;
}

/* One attribute value at s[*i..len): quoted or bare. */
static void
htmltext_value(const char *s, size_t len, size_t *i, struct htmltext_span *v)
{
	char q = s[*i];
	const char *end;

	if (q == '"' || q == '\'') {
		(*i)++;
		end = memchr(s + *i, q, len - *i);
		v->s = s + *i;
		v->len = end ? (size_t)(end - v->s) : len - *i;
		*i += v->len + (end != NULL);
		return;
	}
	v->s = s + *i;
	while (*i < len && !htmltext_blank(s[*i]) && s[*i] != '>')
		(*i)++;
	v->len = (size_t)(s + *i - v->s);
}

/* The attributes of a tag from s[*i]; *i ends on its '>' (or at len). */
static void
htmltext_attrs(const char *s, size_t len, size_t *i, struct htmltext_tag *t)
{
	struct htmltext_span v;
	size_t name, nlen;

	while (*i < len && s[*i] != '>') {
		if (htmltext_blank(s[*i]) || s[*i] == '/') {
			t->selfclose = s[*i] == '/';
			(*i)++;
			continue;
		}
		t->selfclose = 0;
		name = *i;
		while (*i < len && !htmltext_blank(s[*i]) && s[*i] != '=' &&
		    s[*i] != '>' && s[*i] != '/')
			(*i)++;
		nlen = *i - name;
		while (*i < len && htmltext_blank(s[*i]))
			(*i)++;
		if (*i >= len || s[*i] != '=')
			continue;
		(*i)++;
		while (*i < len && htmltext_blank(s[*i]))
			(*i)++;
		if (*i >= len)
			break;
		htmltext_value(s, len, i, &v);
		if (nlen == 5 && strncasecmp(s + name, "class", 5) == 0)
			t->cls = v;
		else if (nlen == 2 && strncasecmp(s + name, "id", 2) == 0)
			t->id = v;
	}
}

/*
 * Read the tag at s[0] == '<' (a letter or "/letter" follows) into *t;
 * bytes read, through its '>'.
 */
static size_t
htmltext_read_tag(const char *s, size_t len, struct htmltext_tag *t)
{
	size_t i = 1, n = 0;

	memset(t, 0, sizeof *t);
	if (s[1] == '/') {
		t->close = 1;
		i++;
	}
	for (; i < len && htmltext_namechar(s[i]); i++)
		if (n < HTMLTEXT_NAME_MAX)
			t->name[n++] = (char)(s[i] | 0x20);
	t->name[n] = '\0';
	if (i < len && htmltext_namechar(s[i]))
		t->name[0] = '\0';
	htmltext_attrs(s, len, &i, t);
	return i < len ? i + 1 : len;
}

static int
htmltext_is(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

/* Whether the class attribute holds one of the tokens in list. */
static int
htmltext_has_class(const struct htmltext_span *c, const char *const *list)
{
	size_t i = 0, start, n;

	while (i < c->len) {
		while (i < c->len && htmltext_blank(c->s[i]))
			i++;
		start = i;
		while (i < c->len && !htmltext_blank(c->s[i]))
			i++;
		n = i - start;
		for (const char *const *l = list; n > 0 && *l; l++)
			if (strlen(*l) == n && strncasecmp(c->s + start, *l, n) == 0)
				return 1;
	}
	return 0;
}

static int
htmltext_has_id(const struct htmltext_span *id, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == id->len &&
		    strncasecmp(id->s, *list, id->len) == 0)
			return 1;
	return 0;
}

/* Elements that end a line before and after them. */
static const char *const htmltext_blocks[] = {
	"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table",
	"tbody", "thead", "tfoot", "caption", "h1", "h2", "h3", "h4", "h5",
	"h6", "section", "article", "header", "footer", "nav", "aside",
	"center", "address", "form", "fieldset", "figure", "figcaption",
	"main", "body", "html", "details", "summary", "blockquote", "pre",
	NULL,
};

/* Dropped with everything up to their end tag. */
static const char *const htmltext_hidden[] = {
	"script", "style", "title", "template", "xml", "noscript", NULL,
};

static const char *const htmltext_quote_classes[] = {
	"gmail_quote", "yahoo_quoted", "protonmail_quote", NULL,
};

/* Outlook: the message answered comes after these, to the end. */
static const char *const htmltext_rest_ids[] = {
	"divRplyFwdMsg", "appendonsend",
	"mail-editor-reference-message-container", NULL,
};

static const char *const htmltext_sig_classes[] = {
	"gmail_signature", "moz-signature", NULL,
};

static const char *const htmltext_sig_ids[] = { "Signature", NULL };

static void
htmltext_up(int *n)
{
	if (*n < HTMLTEXT_DEPTH_MAX)
		(*n)++;
}

static void
htmltext_open(struct htmltext_state *st, const struct htmltext_tag *t)
{
	int div = strcmp(t->name, "div") == 0;

	if (htmltext_has_id(&t->id, htmltext_rest_ids)) {
		htmltext_break(st);
		st->quote_rest = 1;
	}
	if (strcmp(t->name, "br") == 0)
		htmltext_newline(st);
	else if (strcmp(t->name, "hr") == 0) {
		htmltext_break(st);
		htmltext_text(st, HTMLTEXT_RULE, strlen(HTMLTEXT_RULE));
		htmltext_break(st);
	} else if (strcmp(t->name, "td") == 0 || strcmp(t->name, "th") == 0)
		st->space = 1;
	else if (htmltext_is(t->name, htmltext_blocks))
		htmltext_break(st);
	if (t->selfclose)
		return;
	if (strcmp(t->name, "blockquote") == 0)
		htmltext_up(&st->quote);
	else if (strcmp(t->name, "pre") == 0)
		htmltext_up(&st->pre);
	else if (div) {
		htmltext_up(&st->divs);
		if (st->quote_div == 0 &&
		    htmltext_has_class(&t->cls, htmltext_quote_classes))
			st->quote_div = st->divs;
	}
	if (!htmltext_quoted(st) && (htmltext_has_class(&t->cls,
	    htmltext_sig_classes) || htmltext_has_id(&t->id, htmltext_sig_ids))) {
		htmltext_break(st);
		htmltext_text(st, "-- ", 3);
		htmltext_break(st);
	}
}

static void
htmltext_close(struct htmltext_state *st, const struct htmltext_tag *t)
{
	if (strcmp(t->name, "td") == 0 || strcmp(t->name, "th") == 0) {
		st->space = 1;
		return;
	}
	if (htmltext_is(t->name, htmltext_blocks))
		htmltext_break(st);
	if (strcmp(t->name, "blockquote") == 0 && st->quote > 0)
		st->quote--;
	else if (strcmp(t->name, "pre") == 0 && st->pre > 0)
		st->pre--;
	else if (strcmp(t->name, "div") == 0 && st->divs > 0) {
		if (st->quote_div == st->divs)
			st->quote_div = 0;
		st->divs--;
	}
}

/*
 * Markup at s[0] == '<': a comment, a declaration, a tag, or a plain '<'.
 * Bytes consumed.
 */
static size_t
htmltext_markup(struct htmltext_state *st, const char *s, size_t len)
{
	struct htmltext_tag t;
	size_t n, end;

	if (len >= 4 && memcmp(s, "<!--", 4) == 0) {
		end = htmltext_find(s, len, 4, "-->");
		return end < len ? end + 3 : len;
	}
	if (len >= 2 && (s[1] == '!' || s[1] == '?')) {
		end = htmltext_gt(s, len, 2);
		return end < len ? end + 1 : len;
	}
	if (len < 2 || !(htmltext_alpha(s[1]) || (s[1] == '/' && len > 2 &&
	    htmltext_alpha(s[2])))) {
		htmltext_char(st, "<", 1, 0);
		return 1;
	}
	n = htmltext_read_tag(s, len, &t);
	if (t.close) {
		htmltext_close(st, &t);
		return n;
	}
	htmltext_open(st, &t);
	if (!t.selfclose && htmltext_is(t.name, htmltext_hidden)) {
		char endtag[HTMLTEXT_NAME_MAX + 3];

		snprintf(endtag, sizeof endtag, "</%s", t.name);
		end = htmltext_find(s, len, n, endtag);
		n = end < len ? htmltext_gt(s, len, end) : len;
		n += n < len;
	}
	return n;
}

/*
 * Bytes of the character at s[0..len): a lead byte and the continuation
 * bytes after it, at most 4; a stray byte alone. Never a '<' or '&'.
 */
static size_t
htmltext_seqlen(const char *s, size_t len)
{
	size_t n = 1;

	if ((unsigned char)s[0] < 0xc0)
		return 1;
	while (n < len && n < 4 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	return n;
}

char *
htmltext_convert(const char *html, size_t len, size_t *outlen)
{
	struct htmltext_state st;
	size_t i = 0, n;

	memset(&st, 0, sizeof st);
	if (html == NULL)
		len = 0;
	while (i < len && !st.full) {
		if (html[i] == '<')
			i += htmltext_markup(&st, html + i, len - i);
		else if (html[i] == '&')
			i += htmltext_entity(&st, html + i, len - i);
		else {
			n = htmltext_seqlen(html + i, len - i);
			htmltext_char(&st, html + i, n, htmltext_blank(html[i]));
			i += n;
		}
	}
	if (st.len > 0 && st.nl == 0)
		htmltext_put(&st, "\n", 1);
	if (st.out == NULL)
		st.out = xstrdup("");
	if (outlen)
		*outlen = st.len;
	return st.out;
}
