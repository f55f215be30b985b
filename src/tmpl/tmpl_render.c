/*
 * tmpl_render: a parsed template, or a whole message, into text for one
 * recipient; see tmpl.h. Values are escaped by context (header, text,
 * HTML); a step count bounds the work partials of partials can cause.
 */
#include "tmpl/tmpl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text.h"
#include "lib/xmalloc.h"
#include "tmpl/tmpl_int.h"

/* Values go in as they are, HTML-escaped, or checked for a header. */
enum tmpl_esc { TMPL_ESC_RAW, TMPL_ESC_HTML, TMPL_ESC_HEADER };

/* One walk of a tree: where the output goes and how values go in. */
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
		set = tmpl_value_true(R->lookup(R->ctx, n->name));
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

/* ---- messages ---- */

/* t's body as a new string in *out, capped at cap bytes. */
static int
tmpl_render_part(const struct tmpl *t, tmpl_lookup_fn *lookup, void *ctx,
    size_t cap, char **out, struct tmpl_error *err)
{
	struct buf b;

	buf_init(&b, cap);
	/* about the source's size: spares the doublings from 64 bytes up */
	(void)buf_reserve(&b, t->len < cap ? t->len : cap);
	if (tmpl_render(t, lookup, ctx, &b, err) == -1) {
		buf_free(&b);
		return -1;
	}
	*out = buf_steal(&b);
	return 0;
}

int
tmpl_message_render(const struct tmpl_message *m, tmpl_lookup_fn *lookup,
    void *ctx, size_t cap, struct tmpl_rendered *out, struct tmpl_error *err)
{
	memset(out, 0, sizeof *out);
	if (cap == 0)
		cap = TMPL_RENDER_MAX;
	if (tmpl_render_headers(m->txt, lookup, ctx, cap, out, err) == -1 ||
	    tmpl_render_part(m->txt, lookup, ctx, cap, &out->text, err) == -1 ||
	    (m->html && tmpl_render_part(m->html, lookup, ctx, cap, &out->html,
	    err) == -1)) {
		tmpl_rendered_clear(out);
		return -1;
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
