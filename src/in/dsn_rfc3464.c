/*
 * dsn: RFC 3464 delivery-status fields, in their own parts or pasted into
 * the text of a notice (see dsn_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "in/dsn_int.h"
#include "lib/addr.h"
#include "lib/text.h"

/* ---- RFC 3464 delivery-status fields ---- */

enum dsn_action
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
char *
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
void
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
void
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
