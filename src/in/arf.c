/* arf: abuse feedback reports (RFC 5965); see arf.h. */
#include "in/arf.h"

#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/addr.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* Fields are one line; a longer value is not worth reading. */
#define ARF_FIELD_MAX 2048
#define ARF_URL_MAX 1024
/* the feedback part is a dozen fields */
#define ARF_PART_MAX (64u * 1024)

static int
arf_local_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL);
}

static int
arf_domain_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* The address around the '@' at at in [s, end), normalised, or NULL. */
static char *
arf_addr_at(const char *s, const char *end, const char *at,
    const char **next)
{
	const char *b = at, *e = at + 1, *err;
	char *tmp, *a;

	while (b > s && at - b < 64 && arf_local_char((unsigned char)b[-1]) &&
	    b[-1] != '\'')
		b--;
	while (e < end && e - at < 256 && arf_domain_char((unsigned char)*e))
		e++;
	while (e > at + 1 && e[-1] == '.')
		e--;
	*next = e > at ? e : at + 1;
	if (b == at || e == at + 1)
		return NULL;
	tmp = xstrndup(b, (size_t)(e - b));
	a = addr_normalize(tmp, &err);
	free(tmp);
	return a;
}

/* Add a candidate, unless it is there already or the list is full. */
static void
arf_cand(struct arf_report *r, enum arf_from from, const char *v)
{
	size_t i;

	if (v == NULL || *v == '\0' || r->ncand == ARF_MAX_CANDS)
		return;
	for (i = 0; i < r->ncand; i++)
		if (strcasecmp(r->cand[i].value, v) == 0)
			return;
	r->cand[r->ncand].from = from;
	r->cand[r->ncand].value = xstrdup(v);
	r->ncand++;
}

/* Every address in a field value, as candidates. */
static void
arf_addrs(struct arf_report *r, enum arf_from from, const char *v)
{
	const char *end, *p, *next;
	char *a;

	if (v == NULL)
		return;
	end = v + strnlen(v, ARF_FIELD_MAX);
	for (p = v; p < end && (p = memchr(p, '@', (size_t)(end - p))) != NULL;
	    p = next) {
		if ((a = arf_addr_at(v, end, p, &next)) == NULL)
			continue;
		arf_cand(r, from, a);
		free(a);
	}
}

/* The first address in a field value, normalised, or NULL. */
static char *
arf_one_addr(const char *v)
{
	const char *end, *p, *next;
	char *a;

	if (v == NULL)
		return NULL;
	end = v + strnlen(v, ARF_FIELD_MAX);
	for (p = v; p < end && (p = memchr(p, '@', (size_t)(end - p))) != NULL;
	    p = next)
		if ((a = arf_addr_at(v, end, p, &next)) != NULL)
			return a;
	return NULL;
}

static char *
arf_msgid(const char *v)
{
	char *id = NULL, *out;
	size_t idx = 0;

	if (v == NULL || mailimf_msg_id_parse(v, strnlen(v, ARF_FIELD_MAX),
	    &idx, &id) != MAILIMF_NO_ERROR || id == NULL)
		return NULL;
	/* "<<<>>>" parses too: an id is "left@right", nothing else */
	out = strchr(id, '@') && strpbrk(id, "<> \t") == NULL ?
	    xstrdup(id) : NULL;
	free(id);
	return out;
}

/* "<mailto:a@x?subject=u>, <https://x/u/TOKEN>": addresses and URLs. */
static void
arf_unsubscribe(struct arf_report *r, const char *v)
{
	const char *end, *p, *gt, *q, *next;
	char *a, *url;

	if (v == NULL)
		return;
	end = v + strnlen(v, ARF_FIELD_MAX);
	for (p = v; (p = memchr(p, '<', (size_t)(end - p))) != NULL; p = gt) {
		if ((gt = memchr(p, '>', (size_t)(end - p))) == NULL)
			break;
		p++;
		if ((size_t)(gt - p) > 7 && strncasecmp(p, "mailto:", 7) == 0) {
			q = memchr(p, '?', (size_t)(gt - p));
			q = q ? q : gt;
			if ((next = memchr(p, '@', (size_t)(q - p))) != NULL &&
			    (a = arf_addr_at(p + 7, q, next, &next)) != NULL) {
				arf_cand(r, ARF_FROM_UNSUB_MAILTO, a);
				free(a);
			}
		} else if (gt - p < ARF_URL_MAX && (strncasecmp(p, "http://",
		    7) == 0 || strncasecmp(p, "https://", 8) == 0)) {
			url = xstrndup(p, (size_t)(gt - p));
			arf_cand(r, ARF_FROM_UNSUB_URL, url);
			free(url);
		}
	}
}

/* "Spring news <news.lists.example.org>" -> "news.lists.example.org" */
static void
arf_list_id(struct arf_report *r, const char *v)
{
	const char *lt, *gt;
	char *id;

	if (v == NULL || (lt = strrchr(v, '<')) == NULL ||
	    (gt = strchr(lt, '>')) == NULL || gt - lt < 2 ||
	    gt - lt > 256)
		return;
	id = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	arf_cand(r, ARF_FROM_LIST_ID, id);
	free(id);
}

static char *
arf_line(const char *v)
{
	char *s;

	if (v == NULL)
		return NULL;
	s = xstrndup(v, strnlen(v, ARF_FIELD_MAX));
	text_trim(s);
	if (*s == '\0')
		xfree(&s);
	return s;
}

/* The machine-readable part: message/feedback-report. */
static void
arf_fields(struct arf_report *r, const struct in_part *p)
{
	struct in_hdrs h;
	const char *v;
	char *t;

	in_hdrs_parse(p->body, p->body_len < ARF_PART_MAX ? p->body_len :
	    ARF_PART_MAX, &h);
	if ((t = arf_line(in_hdrs_get(&h, "Feedback-Type", 0))) != NULL) {
		snprintf(r->feedback_type, sizeof r->feedback_type, "%s", t);
		text_lower(r->feedback_type);
		free(t);
	}
	r->user_agent = arf_line(in_hdrs_get(&h, "User-Agent", 0));
	r->source_ip = arf_line(in_hdrs_get(&h, "Source-IP", 0));
	r->reported_domain = arf_line(in_hdrs_get(&h, "Reported-Domain", 0));
	if ((v = in_hdrs_get(&h, "Arrival-Date", 0)) == NULL)
		v = in_hdrs_get(&h, "Received-Date", 0);
	r->arrival_date = arf_line(v);
	r->original_mail_from = arf_one_addr(in_hdrs_get(&h,
	    "Original-Mail-From", 0));
	r->original_rcpt_to = arf_one_addr(in_hdrs_get(&h, "Original-Rcpt-To",
	    0));
	in_hdrs_free(&h);
}

/* The feedback part and the returned header, when the report has them. */
static void
arf_parts(const struct in_msg *m, const struct in_part **fb,
    const struct in_hdrs **ret)
{
	const struct in_part *p;
	size_t i;

	*fb = NULL;
	*ret = NULL;
	for (i = 0; (p = in_msg_part(m, i)) != NULL; i++) {
		if (p->enclosed)
			continue;
		if (*fb == NULL && p->body &&
		    strcmp(p->type, "message/feedback-report") == 0)
			*fb = p;
		else if (*ret == NULL && p->hdrs.n > 0 &&
		    (strcmp(p->type, "message/rfc822") == 0 ||
		    strcmp(p->type, "message/global") == 0 ||
		    strcmp(p->type, "text/rfc822-headers") == 0 ||
		    strcmp(p->type, "message/global-headers") == 0))
			*ret = &p->hdrs;
	}
}

int
arf_parse(const struct in_msg *m, struct arf_report *r)
{
	const char *rt = in_msg_type_param(m, "report-type"), *v;
	const struct in_part *fb;
	const struct in_hdrs *ret;
	size_t i;

	memset(r, 0, sizeof *r);
	arf_parts(m, &fb, &ret);
	r->is_arf = fb != NULL || (rt && strcasecmp(rt, "feedback-report") == 0);
	if (!r->is_arf)
		return 0;
	if (fb)
		arf_fields(r, fb);
	if (ret) {
		r->returned = 1;
		r->message_id = arf_msgid(in_hdrs_get(ret, "Message-ID", 0));
		r->return_path = arf_one_addr(in_hdrs_get(ret, "Return-Path",
		    0));
		r->subject = arf_line(in_hdrs_get(ret, "Subject", 0));
	}
	/* most specific first: the message, then its envelope, then lists */
	arf_cand(r, ARF_FROM_MESSAGE_ID, r->message_id);
	arf_cand(r, ARF_FROM_RETURN_PATH, r->return_path);
	arf_cand(r, ARF_FROM_MAIL_FROM, r->original_mail_from);
	for (i = 0; ret && (v = in_hdrs_get(ret, "List-Unsubscribe", i)); i++)
		arf_unsubscribe(r, v);
	for (i = 0; ret && (v = in_hdrs_get(ret, "List-Id", i)); i++)
		arf_list_id(r, v);
	for (i = 0; ret && (v = in_hdrs_get(ret, "To", i)); i++)
		arf_addrs(r, ARF_FROM_TO, v);
	arf_cand(r, ARF_FROM_RCPT_TO, r->original_rcpt_to);
	return 1;
}

void
arf_report_free(struct arf_report *r)
{
	size_t i;

	for (i = 0; i < r->ncand; i++)
		free(r->cand[i].value);
	free(r->user_agent);
	free(r->source_ip);
	free(r->reported_domain);
	free(r->arrival_date);
	free(r->original_mail_from);
	free(r->original_rcpt_to);
	free(r->message_id);
	free(r->return_path);
	free(r->subject);
	memset(r, 0, sizeof *r);
}

const char *
arf_from_name(enum arf_from f)
{
	static const char *const names[] = { "message-id", "return-path",
	    "original-mail-from", "list-unsubscribe", "list-unsubscribe-url",
	    "list-id", "to", "original-rcpt-to" };

	return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "?";
}
