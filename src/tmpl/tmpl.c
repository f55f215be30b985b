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

#include "tmpl/tmpl_int.h"

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
