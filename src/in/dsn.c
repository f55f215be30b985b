/* dsn: see dsn.h; how the work is shared out: see dsn_int.h. */
#include "in/dsn.h"

#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "in/dsn_int.h"
#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* ---- small text helpers ---- */

/* Case-insensitive search for needle inside t only. */
const char *
dsn_find(struct dsn_span t, const char *needle)
{
	size_t n = strlen(needle);
	int c0 = needle[0] | 0x20;
	const char *p;

	if (n == 0 || t.s == NULL || t.end < t.s || (size_t)(t.end - t.s) < n)
		return NULL;
	for (p = t.s; p + n <= t.end; p++)
		if ((*p | 0x20) == c0 && strncasecmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* The span of a string; of nothing when s is NULL. */
struct dsn_span
dsn_span_of(const char *s)
{
	struct dsn_span t = { s, s ? s + strlen(s) : NULL };

	return t;
}

const char *
dsn_eol(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

const char *
dsn_bol(const char *start, const char *p)
{
	while (p > start && p[-1] != '\n')
		p--;
	return p;
}

int
dsn_digit(int c)
{
	return c >= '0' && c <= '9';
}

int
dsn_alnum(int c)
{
	return dsn_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* One trimmed line of at most DSN_DIAG_MAX bytes, as a new string. */
char *
dsn_oneline(const char *p, const char *end)
{
	const char *e;
	char *s, *o, *c;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	e = dsn_eol(p, end);
	if (e - p > DSN_DIAG_MAX)
		e = p + DSN_DIAG_MAX;
	s = xstrndup(p, (size_t)(e - p));
	/* controls become spaces, and runs of spaces (unfolding) one */
	for (o = c = s; *c; c++) {
		char ch = (unsigned char)*c < 0x20 ? ' ' : *c;

		if (ch != ' ' || o == s || o[-1] != ' ')
			*o++ = ch;
	}
	*o = '\0';
	text_trim(s);
	if (*s == '\0')
		xfree(&s);
	return s;
}

/* A Message-ID field's id without angle brackets, as a new string. */
char *
dsn_msgid(const char *v)
{
	char *id = NULL, *out;
	size_t idx = 0;

	if (v == NULL || mailimf_msg_id_parse(v, strlen(v), &idx, &id) !=
	    MAILIMF_NO_ERROR || id == NULL)
		return NULL;
	out = xstrdup(id);
	free(id);
	return out;
}

/* ---- status codes ---- */

/* Length of an enhanced status code "4.x.x"/"5.x.x" at p, or 0. */
static size_t
dsn_status_at(const char *start, const char *p, const char *end)
{
	const char *q = p + 1;
	int n, part;

	if (p > start && (dsn_alnum((unsigned char)p[-1]) || p[-1] == '.'))
		return 0;
	if (p + 5 > end || (*p != '4' && *p != '5'))
		return 0;
	for (part = 0; part < 2; part++) {
		if (q >= end || *q != '.')
			return 0;
		for (q++, n = 0; q < end && n < 4 &&
		    dsn_digit((unsigned char)*q); q++)
			n++;
		if (n == 0 || n > 3)
			return 0;
	}
	/* not a longer dotted number (an IP address, a version) */
	if (q < end && (dsn_alnum((unsigned char)*q) ||
	    (*q == '.' && q + 1 < end && dsn_digit((unsigned char)q[1]))))
		return 0;
	return (size_t)(q - p);
}

/* A basic SMTP reply code "4xx"/"5xx" at p, as an int, or 0. */
int
dsn_reply_at(const char *start, const char *p, const char *end)
{
	if (p + 3 > end || (*p != '4' && *p != '5') || p[1] < '0' ||
	    p[1] > '5' || !dsn_digit((unsigned char)p[2]))
		return 0;
	if (p > start && (dsn_alnum((unsigned char)p[-1]) || strchr(".-#/=",
	    p[-1]) != NULL))
		return 0;
	/* "CODE :421" but not the tail of an IPv6 address or a time */
	if (p > start && p[-1] == ':' && (p - 1 == start ||
	    dsn_alnum((unsigned char)p[-2]) || p[-2] == ':'))
		return 0;
	if (p + 3 < end && p[3] != ' ' && p[3] != '-' && p[3] != '\n' &&
	    p[3] != '\r' && p[3] != ',' && p[3] != ']' && p[3] != ')' &&
	    p[3] != '\'')
		return 0;
	return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* First enhanced status code in t into out; returns where it was. */
const char *
dsn_find_status(struct dsn_span t, char out[16])
{
	const char *p;
	size_t n;

	for (p = t.s; p < t.end; p++) {
		if ((*p == '4' || *p == '5') &&
		    (n = dsn_status_at(t.s, p, t.end)) > 0 && n < 16) {
			memcpy(out, p, n);
			out[n] = '\0';
			return p;
		}
	}
	return NULL;
}

const char *
dsn_find_reply(struct dsn_span t, int *code)
{
	const char *p;

	for (p = t.s; p < t.end; p++)
		if ((*p == '4' || *p == '5') &&
		    (*code = dsn_reply_at(t.s, p, t.end)) != 0)
			return p;
	return NULL;
}

int
dsn_generic(const char *status)
{
	return strncmp(status + 1, ".0.0", 4) == 0 && status[5] == '\0';
}

/* ---- the notice: the human-readable text, up to the returned copy ---- */

/* Where MTAs start the copy of the message they return. */
static const char *const dsn_cut_markers[] = {
	"--- Below this line is a copy of the message",
	"------ This is a copy of the message",
	"----- Original message -----",
	"----- Unsent message follows -----",
	"Original message follows",
	"--- The header of the original message",
	"Message headers follow",
	"Original message headers:",
	"Below is a copy of the original message",
	"-------original message",
	"------ Original Message ------",
	"--- Original message follows",
	"----- Message header follows -----",
	"------- Returned Message --------",
	"Original message headers",
	"Message headers:",
	"-----Original Message-----",
	"---------- Forwarded message",
	"Begin forwarded message:",
	"-------- Original message --------",
	"----- Message d'origine -----",
	"Debajo de esta l",
	"Original Message:",
};

/* Crude HTML to text: enough to read a notice sent only as HTML. */
static char *
dsn_html_text(const char *s, size_t len)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&nbsp;", ' ' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&amp;", '&' }, { "&quot;", '"' }, { "&#39;", '\'' },
	};
	char *out = xmalloc(len + 1), *o = out;
	size_t i, k;

	for (i = 0; i < len; i++) {
		if (s[i] == '<') {
			const char *gt = memchr(s + i, '>', len - i);

			if (gt == NULL)
				break;
			if (strncasecmp(s + i, "<br", 3) == 0 ||
			    strncasecmp(s + i, "</p", 3) == 0 ||
			    strncasecmp(s + i, "</div", 5) == 0 ||
			    strncasecmp(s + i, "</tr", 4) == 0 ||
			    strncasecmp(s + i, "<li", 3) == 0)
				*o++ = '\n';
			else
				*o++ = ' ';
			i = (size_t)(gt - s);
			continue;
		}
		for (k = 0; k < sizeof ents / sizeof ents[0]; k++)
			if (strncasecmp(s + i, ents[k].ent,
			    strlen(ents[k].ent)) == 0)
				break;
		if (k < sizeof ents / sizeof ents[0]) {
			*o++ = ents[k].c;
			i += strlen(ents[k].ent) - 1;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
}

static void
dsn_pick_text(struct dsn_ctx *c)
{
	const struct in_part *p, *html = NULL;
	const char *t;
	size_t i, len;

	if ((t = in_msg_text(c->m, &len)) != NULL) {
		c->text = xstrndup(t, len < DSN_TEXT_MAX ? len : DSN_TEXT_MAX);
		return;
	}
	for (i = 0; (p = in_msg_part(c->m, i)) != NULL; i++) {
		if (p->enclosed || p->body == NULL)
			continue;
		if (strcmp(p->type, "text/html") == 0 && html == NULL)
			html = p;
		else if (strncmp(p->type, "text/", 5) == 0 && !p->attachment &&
		    strcmp(p->type, "text/rfc822-headers") != 0) {
			c->text = xstrndup(p->body, p->body_len < DSN_TEXT_MAX ?
			    p->body_len : DSN_TEXT_MAX);
			return;
		}
	}
	if (html)
		c->text = dsn_html_text(html->body, html->body_len <
		    DSN_TEXT_MAX ? html->body_len : DSN_TEXT_MAX);
	else
		c->text = xstrdup("");
}

/* Split the text where the returned message starts. */
static void
dsn_cut(struct dsn_ctx *c)
{
	struct dsn_span t = { c->text, c->text + strlen(c->text) };
	const char *cut = t.end, *p, *line;
	size_t i;

	for (i = 0; i < sizeof dsn_cut_markers / sizeof dsn_cut_markers[0];
	    i++)
		if ((p = dsn_find(t, dsn_cut_markers[i])) != NULL && p < cut)
			cut = dsn_bol(t.s, p);
	/* a header block pasted without any marker */
	for (line = t.s; line < cut; line = dsn_eol(line, t.end) + 1) {
		if (strncasecmp(line, "Received:", 9) == 0 ||
		    strncasecmp(line, "Return-Path:", 12) == 0) {
			cut = line;
			break;
		}
		if (dsn_eol(line, t.end) == t.end)
			break;
	}
	c->notice.s = t.s;
	c->notice.end = cut;
	c->rest.s = cut < t.end ? dsn_eol(cut, t.end) : t.end;
	c->rest.end = t.end;
	if (cut < t.end && (strncasecmp(cut, "Received:", 9) == 0 ||
	    strncasecmp(cut, "Return-Path:", 12) == 0))
		c->rest.s = cut;
}

/* The header of the returned message: an attached one, else inline. */
static void
dsn_find_original(struct dsn_ctx *c)
{
	const struct in_part *p;
	const char *s = c->rest.s;
	size_t i;

	for (i = 0; (p = in_msg_part(c->m, i)) != NULL; i++)
		if (p->hdrs.n > 0 && (strcmp(p->type, "message/rfc822") == 0 ||
		    strcmp(p->type, "message/global") == 0 ||
		    strstr(p->type, "-headers") != NULL)) {
			c->orig = &p->hdrs;
			return;
		}
	while (s < c->rest.end && (*s == '\n' || *s == '\r' || *s == ' ' ||
	    *s == '\t'))
		s++;
	in_hdrs_parse(s, (size_t)(c->rest.end - s), &c->inline_orig);
	c->orig = &c->inline_orig;
}

static void
dsn_original_id(struct dsn_ctx *c)
{
	const char *v = c->orig ? in_hdrs_get(c->orig, "Message-ID", 0) : NULL;

	if (c->r->orig_message_id == NULL)
		c->r->orig_message_id = dsn_msgid(v);
}

/* Original-Envelope-Id of a delivery-status part, when herald set one. */
static void
dsn_envelope_id(struct dsn_ctx *c)
{
	const struct in_part *p;
	struct in_hdrs h;
	const char *v;
	size_t i;

	for (i = 0; (p = in_msg_part(c->m, i)) != NULL; i++) {
		if (p->enclosed || p->body == NULL ||
		    strcmp(p->type, "message/delivery-status") != 0)
			continue;
		in_hdrs_parse(p->body, p->body_len < DSN_TEXT_MAX ?
		    p->body_len : DSN_TEXT_MAX, &h);
		if ((v = in_hdrs_get(&h, "Original-Envelope-Id", 0)) != NULL)
			c->r->envelope_id = dsn_oneline(v, v + strlen(v));
		in_hdrs_free(&h);
		return;
	}
}

/* ---- putting it together ---- */

static void
dsn_conclude(struct dsn_ctx *c)
{
	struct dsn_report *r = c->r;
	const char *delay = dsn_delay_why(c);
	int failed = 0, delayed = 0, ok = 0, words = 0;
	size_t i;

	for (i = 0; i < r->nrcpt; i++) {
		if (r->rcpt[i].mta == NULL && r->reporting_mta)
			r->rcpt[i].mta = xstrdup(r->reporting_mta);
		/* no Action field: the words decide (a retry is no failure) */
		if (r->rcpt[i].action == DSN_ACTION_UNKNOWN) {
			r->rcpt[i].action = delay ? DSN_ACTION_DELAYED :
			    DSN_ACTION_FAILED;
			words = 1;
		}
		switch (r->rcpt[i].action) {
		case DSN_ACTION_FAILED: failed++; break;
		case DSN_ACTION_DELAYED: delayed++; break;
		default: ok++; break;
		}
	}
	/* failed first, each group in report order (insertion sort) */
	for (i = 1; i < r->nrcpt; i++) {
		struct dsn_rcpt t = r->rcpt[i];
		size_t j = i;

		if (t.action != DSN_ACTION_FAILED)
			continue;
		for (; j > 0 && r->rcpt[j - 1].action != DSN_ACTION_FAILED; j--)
			r->rcpt[j] = r->rcpt[j - 1];
		r->rcpt[j] = t;
	}
	if (failed)
		r->kind = DSN_KIND_BOUNCE;
	else if (delayed)
		r->kind = DSN_KIND_DELAY;
	else if (ok)
		r->kind = DSN_KIND_SUCCESS;
	else	/* recognised, but it does not say who: still a bounce */
		r->kind = delay ? DSN_KIND_DELAY : DSN_KIND_BOUNCE;
	if (r->kind == DSN_KIND_DELAY)
		r->delay_why = delayed && !words ? "Action: delayed" : delay;
	r->is_bounce = r->kind == DSN_KIND_BOUNCE;
}

/* The string value of "key" in s[0..end), copied into out. */
static int
dsn_json_str(const char *s, const char *end, const char *key, char *out,
    size_t outlen)
{
	const char *p = dsn_find((struct dsn_span){ s, end }, key), *q;
	size_t n;

	if (p == NULL)
		return 0;
	p += strlen(key);
	for (q = p; q < end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < end)
			q++;
	n = (size_t)(q - p) < outlen - 1 ? (size_t)(q - p) : outlen - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 1;
}

/*
 * Amazon SES notifications relayed by SNS are JSON, not reports: a
 * Bounce lists its recipients; a Complaint is abuse feedback.
 */
static int
dsn_ses(struct dsn_ctx *c)
{
	struct dsn_span t = { c->text, c->text + strlen(c->text) };
	const char *p, *q, *obj;
	char v[DSN_DIAG_MAX + 1], type[32] = "";
	struct dsn_rcpt *rc;

	if (dsn_find(t, "\\\"notificationType\\\"")) {
		/* the notification as a string inside the SNS envelope */
		char *d = c->text, *o = c->text;

		for (; *d; d++)
			if (!(d[0] == '\\' && d[1] == '"'))
				*o++ = *d;
		*o = '\0';
		t.end = o;
	}
	if (!dsn_json_str(t.s, t.end, "\"notificationType\":\"", type,
	    sizeof type))
		return 0;
	c->r->source = "amazonses";
	if (strcmp(type, "Complaint") == 0)
		c->r->kind = DSN_KIND_ARF;
	else if (strcmp(type, "Delivery") == 0)
		c->r->kind = DSN_KIND_SUCCESS;
	if (strcmp(type, "Bounce") != 0)
		return 1;
	dsn_json_str(t.s, t.end, "\"bounceType\":\"", type, sizeof type);
	for (p = t.s; (p = dsn_find((struct dsn_span){ p, t.end },
	    "\"emailAddress\":\"")) != NULL; p = obj) {
		p += 16;
		q = memchr(p, '"', (size_t)(t.end - p));
		obj = q ? memchr(q, '}', (size_t)(t.end - q)) : NULL;
		if (obj == NULL)
			break;
		snprintf(v, sizeof v, "%.*s", (int)(q - p < 300 ? q - p : 300),
		    p);
		if ((rc = dsn_add_addr(c->r, v)) == NULL)
			continue;
		if (dsn_json_str(p, obj, "\"action\":\"", v, sizeof v))
			rc->action = dsn_action_of(v);
		if (rc->status[0] == '\0' &&
		    dsn_json_str(p, obj, "\"status\":\"", v, sizeof v))
			dsn_find_status(dsn_span_of(v), rc->status);
		if (rc->diag == NULL &&
		    dsn_json_str(p, obj, "\"diagnosticCode\":\"", v, sizeof v))
			rc->diag = dsn_oneline(v, v + strlen(v));
		if (rc->status[0] == '\0')
			snprintf(rc->status, sizeof rc->status, "%s",
			    strcmp(type, "Permanent") == 0 ? "5.0.0" : "4.0.0");
		dsn_judge(rc, dsn_span_of(rc->diag));
	}
	return 1;
}

static void
dsn_run(struct dsn_ctx *c)
{
	const char *source;

	dsn_cut(c);
	dsn_rfc3464(c);
	if (c->r->nrcpt > 0)
		c->r->source = "rfc3464";
	else if (dsn_looks_like_bounce(c, &source)) {
		if (c->r->source == NULL)
			c->r->source = source;
		dsn_find_original(c);
		dsn_text_rcpts(c);
		dsn_text_mta(c);
	}
	if (c->r->source && c->orig == NULL)
		dsn_find_original(c);
}

/*
 * A MIME structure too broken to find the report in (a boundary that
 * does not match, a folded header that lost it): read the raw body.
 */
static void
dsn_run_raw(struct dsn_ctx *c)
{
	const char *raw;
	size_t len;

	raw = in_msg_raw_body(c->m, &len);
	in_hdrs_free(&c->inline_orig);
	free(c->text);
	c->orig = NULL;
	c->notice_read = 0;
	c->text = xstrndup(raw, len < DSN_TEXT_MAX ? len : DSN_TEXT_MAX);
	dsn_run(c);
}

int
dsn_parse(const struct in_msg *m, struct dsn_report *r)
{
	struct dsn_ctx c;
	size_t i;

	memset(r, 0, sizeof *r);
	if (dsn_is_arf(m)) {
		r->kind = DSN_KIND_ARF;
		r->source = "arf";
		return 0;
	}
	if (dsn_is_mdn(m)) {
		dsn_mdn(m, r);
		return 0;
	}
	memset(&c, 0, sizeof c);
	c.m = m;
	c.r = r;
	dsn_pick_text(&c);
	if (dsn_ses(&c))
		dsn_cut(&c);
	else {
		dsn_run(&c);
		if (r->nrcpt == 0 && (r->source || dsn_from_system(m) ||
		    strcmp(in_msg_type(m), "multipart/report") == 0))
			dsn_run_raw(&c);
	}
	if (r->source && r->kind == DSN_KIND_NONE) {
		for (i = 0; i < r->nrcpt; i++)
			if (r->rcpt[i].hard == -1 ||
			    dsn_generic(r->rcpt[i].status))
				dsn_text_status(&c, &r->rcpt[i]);
		dsn_original_id(&c);
		dsn_envelope_id(&c);
		dsn_conclude(&c);
	}
	in_hdrs_free(&c.inline_orig);
	free(c.text);
	return r->is_bounce;
}

void
dsn_report_free(struct dsn_report *r)
{
	size_t i;

	for (i = 0; i < r->nrcpt; i++) {
		free(r->rcpt[i].addr);
		free(r->rcpt[i].diag);
		free(r->rcpt[i].mta);
	}
	free(r->rcpt);
	free(r->reporting_mta);
	free(r->orig_message_id);
	free(r->envelope_id);
	free(r->disposition);
	free(r->disposition_field);
	memset(r, 0, sizeof *r);
}

int
dsn_is_receipt(const struct dsn_report *r)
{
	return r->kind == DSN_KIND_RECEIPT || r->kind == DSN_KIND_SUCCESS;
}

const struct dsn_rcpt *
dsn_rcpt_for(const struct dsn_report *r, const char *sent_to)
{
	size_t i;

	for (i = 0; sent_to && i < r->nrcpt; i++)
		if (r->rcpt[i].addr && strcasecmp(r->rcpt[i].addr, sent_to) == 0)
			return &r->rcpt[i];
	return NULL;
}

const char *
dsn_kind_name(enum dsn_kind k)
{
	static const char *const names[] = { "none", "bounce", "delay",
	    "success", "arf", "receipt" };

	return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

const char *
dsn_action_name(enum dsn_action a)
{
	static const char *const names[] = { "unknown", "failed", "delayed",
	    "delivered", "relayed", "expanded" };

	return (unsigned)a < sizeof names / sizeof names[0] ? names[a] : "?";
}
