/*
 * tmpl: what every part of the template engine uses; see tmpl.h, and
 * tmpl_int.h for how the engine is split into files. Here: errors,
 * variable and template names, freeing a parsed template, its
 * accessors, and linking its partials.
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

#include "lib/xmalloc.h"
#include "tmpl/tmpl_int.h"

static const char *const tmpl_vars[] = {
	"contact.name", "contact.email", "contact.organisation",
	"contact.country", "contact.role", "contact.language",
	"sender.name", "sender.address",
	"event.name", "event.title", "event.start", "event.end",
	"event.location", "list.name", "list.address", "campaign.name",
	"rsvp.yes", "rsvp.no", "rsvp.maybe", "rsvp.offer_expires",
	"unsubscribe", "rsvp.link", "rsvp.link.yes", "rsvp.link.no",
	"rsvp.link.maybe", NULL
};

void
tmpl_error_set(struct tmpl_error *err, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->warning = 0;
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

/* Words that mean "no" in the languages herald's demo data is in. */
static const char *const tmpl_false_words[] = {
	"", "0", "no", "false", "off", "non", "nein", NULL
};

int
tmpl_value_true(const char *v)
{
	size_t len, i;

	if (v == NULL)
		return 0;
	v += strspn(v, " \t");
	for (len = strlen(v); len > 0 && (v[len - 1] == ' ' ||
	    v[len - 1] == '\t'); len--)
		;
	for (i = 0; tmpl_false_words[i]; i++)
		if (strlen(tmpl_false_words[i]) == len &&
		    strncasecmp(v, tmpl_false_words[i], len) == 0)
			return 0;
	return 1;
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

int
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

/* ---- the variables a template uses (template check) ---- */

int
tmpl_names_has(const struct tmpl_names *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return 1;
	return 0;
}

static void
tmpl_names_add(struct tmpl_names *s, const char *name)
{
	if (tmpl_names_has(s, name))
		return;
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	s->v[s->n++] = xstrdup(name);
}

void
tmpl_names_free(struct tmpl_names *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/*
 * One walk: the partials already walked (a partial used many times,
 * even through other partials, is walked once), and the names found.
 */
struct tmpl_vwalk {
	const struct tmpl **seen;
	size_t nseen;
	struct tmpl_names *out;
};

static void tmpl_vars_tree(struct tmpl_vwalk *, const struct tmpl *);

static void
tmpl_vars_nodes(struct tmpl_vwalk *W, const struct tmpl_node *n)
{
	for (; n; n = n->next) {
		if (n->type == TMPL_PARTIAL) {
			if (n->partial)
				tmpl_vars_tree(W, n->partial);
			continue;
		}
		if (n->type != TMPL_TEXT)
			tmpl_names_add(W->out, n->name);
		tmpl_vars_nodes(W, n->kids);
	}
}

static void
tmpl_vars_tree(struct tmpl_vwalk *W, const struct tmpl *t)
{
	size_t i;

	for (i = 0; i < W->nseen; i++)
		if (W->seen[i] == t)
			return;
	W->seen = xrealloc(W->seen, (W->nseen + 1) * sizeof *W->seen);
	W->seen[W->nseen++] = t;
	for (i = 0; i < t->nhdrs; i++)
		tmpl_vars_nodes(W, t->hdrs[i].value);
	tmpl_vars_nodes(W, t->body);
}

void
tmpl_vars_used(const struct tmpl *t, struct tmpl_names *out)
{
	struct tmpl_vwalk W = { NULL, 0, out };

	tmpl_vars_tree(&W, t);
	free(W.seen);
}
