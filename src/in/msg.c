/* msg: see msg.h; the MIME tree is msg_parts.c. */
#include "in/msg.h"

#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "in/msg_int.h"
#include "lib/addr.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* A header block longer than this is cut: no real one comes close. */
#define IN_MSG_MAX_HEADER (1024u * 1024)
/* NUL bytes after every buffer given to libetpan (see in_msg_work_copy) */
#define IN_MSG_PAD 16

/*
 * Lists of addresses and ids keep their first IN_MSG_MAX_LIST entries: a
 * hostile header of 100,000 addresses would otherwise cost a quadratic
 * de-duplication. Herald's own address and Message-ID come early.
 */
#define IN_MSG_MAX_LIST 1000

static void
in_list_add(struct in_list *l, const char *s)
{
	if (l->n >= IN_MSG_MAX_LIST)
		return;
	l->v = xrealloc(l->v, (l->n + 2) * sizeof *l->v);
	l->v[l->n++] = xstrdup(s);
	l->v[l->n] = NULL;
}

static int
in_list_has(const struct in_list *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static void
in_list_free(struct in_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Header text is shown to people and matched: no control characters. */
void
in_msg_clean_controls(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

/* Unfold: a line break followed by white space is the white space. */
static char *
in_hdr_unfold(const char *v)
{
	char *out = xmalloc(strlen(v) + 1), *o = out;

	for (; *v; v++)
		if (*v != '\r' && *v != '\n')
			*o++ = *v;
	*o = '\0';
	return out;
}

static size_t in_msg_header_end(const char *, size_t);

void
in_hdrs_parse(const char *s, size_t len, struct in_hdrs *h)
{
	struct mailimf_fields *fields = NULL;
	clistiter *it;
	size_t idx = 0;
	char *w;
	int rc;

	h->v = NULL;
	h->n = 0;
	if (s == NULL || len == 0)
		return;
	/* the header only, in a copy with a NUL tail (see in_msg_parse) */
	len = in_msg_header_end(s, len < IN_MSG_MAX_HEADER ? len :
	    IN_MSG_MAX_HEADER);
	w = xcalloc(1, len + IN_MSG_PAD);
	memcpy(w, s, len);
	rc = mailimf_optional_fields_parse(w, len, &idx, &fields);
	free(w);
	if (rc != MAILIMF_NO_ERROR)
		return;
	h->v = xcalloc(clist_count(fields->fld_list) + 1, sizeof *h->v);
	for (it = clist_begin(fields->fld_list); it; it = clist_next(it)) {
		struct mailimf_field *f = clist_content(it);
		struct mailimf_optional_field *of;

		if (h->n >= IN_MSG_MAX_HEADERS)
			break;
		if (f->fld_type != MAILIMF_FIELD_OPTIONAL_FIELD)
			continue;
		of = f->fld_data.fld_optional_field;
		h->v[h->n].name = xstrdup(of->fld_name);
		h->v[h->n].value = in_hdr_unfold(of->fld_value ?
		    of->fld_value : "");
		h->n++;
	}
	mailimf_fields_free(fields);
}

void
in_hdrs_free(struct in_hdrs *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->v[i].name);
		free(h->v[i].value);
	}
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

const char *
in_hdrs_get(const struct in_hdrs *h, const char *name, size_t nth)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strcasecmp(h->v[i].name, name) == 0 && nth-- == 0)
			return h->v[i].value;
	return NULL;
}

/* ---- accessors derived from the header ---- */

static char *
in_msg_decode_phrase(const char *v)
{
	char *out = NULL;
	size_t idx = 0;

	if (mailmime_encoded_phrase_parse("utf-8", v, strlen(v), &idx,
	    "utf-8", &out) != MAILIMF_NO_ERROR || out == NULL) {
		/* keep what can be shown rather than nothing */
		out = xstrdup(v);
		if (!text_utf8_valid(out, strlen(out)))
			for (char *p = out; *p; p++)
				if ((unsigned char)*p >= 0x80)
					*p = '?';
	}
	in_msg_clean_controls(out);
	return out;
}

/*
 * addr_normalize when valid, else the address as written if it still
 * looks like one (an '@', no white space or brackets), else NULL.
 */
static char *
in_msg_norm_addr(const char *a)
{
	const char *err;
	char *n = addr_normalize(a, &err);

	if (n)
		return n;
	n = text_trimdup(a);
	in_msg_clean_controls(n);
	if (strchr(n, '@') == NULL || strpbrk(n, " \t<>") != NULL)
		xfree(&n);
	return n;
}

static void
in_msg_add_mailbox(struct in_list *l, const struct mailimf_mailbox *mb)
{
	char *a;

	if (mb == NULL || mb->mb_addr_spec == NULL || *mb->mb_addr_spec == '\0')
		return;
	a = in_msg_norm_addr(mb->mb_addr_spec);
	if (a && !in_list_has(l, a))
		in_list_add(l, a);
	free(a);
}

static void
in_msg_add_addresses(struct in_list *l, const char *v)
{
	struct mailimf_address_list *al = NULL;
	clistiter *it, *jt;
	size_t idx = 0;

	if (mailimf_address_list_parse(v, strlen(v), &idx, &al) !=
	    MAILIMF_NO_ERROR)
		return;
	for (it = clist_begin(al->ad_list); it; it = clist_next(it)) {
		struct mailimf_address *ad = clist_content(it);
		struct mailimf_group *g;

		if (ad->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			in_msg_add_mailbox(l, ad->ad_data.ad_mailbox);
			continue;
		}
		g = ad->ad_data.ad_group;
		if (g == NULL || g->grp_mb_list == NULL)
			continue;
		for (jt = clist_begin(g->grp_mb_list->mb_list); jt;
		    jt = clist_next(jt))
			in_msg_add_mailbox(l, clist_content(jt));
	}
	mailimf_address_list_free(al);
}

static void
in_msg_add_ids(struct in_list *l, const char *v)
{
	clist *ids = NULL;
	clistiter *it;
	size_t idx = 0;

	if (mailimf_msg_id_list_parse(v, strlen(v), &idx, &ids) !=
	    MAILIMF_NO_ERROR)
		return;
	for (it = clist_begin(ids); it; it = clist_next(it)) {
		char *id = clist_content(it);

		in_msg_clean_controls(id);
		if (*id && !in_list_has(l, id))
			in_list_add(l, id);
		free(id);
	}
	clist_free(ids);
}

static void
in_msg_read_from(struct in_msg *m)
{
	struct mailimf_mailbox_list *ml = NULL;
	const char *v = in_hdrs_get(&m->hdrs, "From", 0);
	struct mailimf_mailbox *mb;
	size_t idx = 0;

	if (v == NULL || mailimf_mailbox_list_parse(v, strlen(v), &idx, &ml) !=
	    MAILIMF_NO_ERROR)
		return;
	if (clist_begin(ml->mb_list) != NULL) {
		mb = clist_content(clist_begin(ml->mb_list));
		if (mb->mb_addr_spec && *mb->mb_addr_spec)
			m->from = in_msg_norm_addr(mb->mb_addr_spec);
	}
	mailimf_mailbox_list_free(ml);
}

static void
in_msg_read_message_id(struct in_msg *m)
{
	const char *v = in_hdrs_get(&m->hdrs, "Message-ID", 0);
	char *id = NULL;
	size_t idx = 0;

	if (v == NULL)
		return;
	if (mailimf_msg_id_parse(v, strlen(v), &idx, &id) == MAILIMF_NO_ERROR) {
		m->message_id = xstrdup(id);
		free(id);
	} else {
		/* "Message-ID: abc@host" without brackets is common enough */
		m->message_id = text_trimdup(v + strspn(v, " \t<"));
		m->message_id[strcspn(m->message_id, ">")] = '\0';
	}
	in_msg_clean_controls(m->message_id);
	if (*m->message_id == '\0')
		xfree(&m->message_id);
}

static void
in_msg_read_header(struct in_msg *m)
{
	static const char *const rcpt_fields[] = { "Delivered-To",
	    "X-Original-To", "To", "Cc" };
	const char *v;
	size_t i, n;

	if ((v = in_hdrs_get(&m->hdrs, "Subject", 0)) != NULL)
		m->subject = in_msg_decode_phrase(v);
	in_msg_read_from(m);
	in_msg_read_message_id(m);
	for (n = 0; (v = in_hdrs_get(&m->hdrs, "In-Reply-To", n)); n++)
		in_msg_add_ids(&m->irt, v);
	for (n = 0; (v = in_hdrs_get(&m->hdrs, "References", n)); n++)
		in_msg_add_ids(&m->refs, v);
	for (i = 0; i < sizeof rcpt_fields / sizeof rcpt_fields[0]; i++)
		for (n = 0; (v = in_hdrs_get(&m->hdrs, rcpt_fields[i], n)); n++)
			in_msg_add_addresses(&m->rcpts, v);
}

/* ---- shared with msg_parts.c ---- */

/* The first reason found is the one reported. */
void
in_msg_set_malformed(struct in_msg *m, const char *why)
{
	if (m->malformed == NULL)
		m->malformed = why;
}

char *
in_msg_copy(const char *s, size_t len)
{
	char *c = xmalloc(len + 1);

	memcpy(c, s, len);
	c[len] = '\0';
	return c;
}

/* Offset just past the empty line that ends the header, or len. */
static size_t
in_msg_header_end(const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	if (len >= 1 && s[0] == '\n')
		return 1;
	if (len >= 2 && s[0] == '\r' && s[1] == '\n')
		return 2;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		p++;
		if (p < end && *p == '\n')
			return (size_t)(p + 1 - s);
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			return (size_t)(p + 2 - s);
	}
	return len;
}

/* An mbox "From " separator line is not part of the message. */
static size_t
in_msg_skip_from_line(const char *s, size_t len)
{
	const char *nl;
	size_t i = 5;

	if (len < 5 || memcmp(s, "From ", 5) != 0)
		return 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && s[i] == ':')	/* obsolete "From :" header syntax */
		return 0;
	nl = memchr(s, '\n', len);
	return nl ? (size_t)(nl + 1 - s) : 0;
}

/*
 * The bytes libetpan parses: a copy, because its decoders read a byte or
 * two past the length they are given (a quoted-printable "=" at the very
 * end), so the copy ends in NULs; of the header only when oversize; with
 * old Mac line ends made LF, the only other one libetpan knows being CRLF.
 */
static char *
in_msg_work_copy(const char *raw, size_t len, size_t *n)
{
	char *w;
	size_t i;

	*n = len > IN_MSG_MAX_SIZE ? IN_MSG_MAX_HEADER : len;
	w = xmalloc(*n + IN_MSG_PAD);
	memcpy(w, raw, *n);
	memset(w + *n, 0, IN_MSG_PAD);
	if (*n > 0 && memchr(w, '\n', *n) == NULL)
		for (i = 0; i < *n; i++)
			if (w[i] == '\r')
				w[i] = '\n';
	return w;
}

int
in_msg_parse(const char *raw, size_t len, struct in_msg **out,
    const char **err)
{
	struct in_msg *m;
	char *work;
	const char *s;
	size_t n, skip, hlen;

	*out = NULL;
	if (raw == NULL) {
		*err = "no message";
		return -1;
	}
	m = xcalloc(1, sizeof *m);
	m->size = len;
	m->oversize = len > IN_MSG_MAX_SIZE;
	s = work = in_msg_work_copy(raw, len, &n);
	skip = in_msg_skip_from_line(s, n);
	s += skip;
	n -= skip;
	hlen = in_msg_header_end(s, n < IN_MSG_MAX_HEADER ? n :
	    IN_MSG_MAX_HEADER);
	if (hlen == IN_MSG_MAX_HEADER && n > IN_MSG_MAX_HEADER)
		in_msg_set_malformed(m, "header longer than 1 MB");
	in_hdrs_parse(s, hlen, &m->hdrs);
	if (m->hdrs.n == 0)
		in_msg_set_malformed(m, "no header fields");
	in_msg_read_header(m);
	if (m->oversize || (hlen == IN_MSG_MAX_HEADER && n > hlen))
		in_msg_mime(m, s, hlen, 0);
	else if (!in_msg_affordable(s, n)) {
		in_msg_set_malformed(m,
		    "too many nested MIME parts for its size");
		in_msg_mime(m, s, hlen, 0);
	} else
		in_msg_mime(m, s, n, 1);
	m->raw_len = n - hlen < IN_MSG_RAW_MAX ? n - hlen : IN_MSG_RAW_MAX;
	m->raw_body = in_msg_copy(s + hlen, m->raw_len);
	in_msg_pick_text(m);
	free(work);
	*out = m;
	return 0;
}

void
in_msg_free(struct in_msg **mp)
{
	struct in_msg *m = *mp;
	size_t i;

	if (m == NULL)
		return;
	in_hdrs_free(&m->hdrs);
	in_hdrs_free(&m->params);
	free(m->subject);
	free(m->from);
	free(m->message_id);
	in_list_free(&m->irt);
	in_list_free(&m->refs);
	in_list_free(&m->rcpts);
	free(m->type);
	for (i = 0; i < m->nparts; i++) {
		free(m->parts[i].type);
		free(m->parts[i].charset);
		free(m->parts[i].body);
		in_hdrs_free(&m->parts[i].hdrs);
	}
	free(m->parts);
	free(m->raw_body);
	free(m->html_text);
	free(m);
	*mp = NULL;
}

/* ---- accessors ---- */

int
in_msg_oversize(const struct in_msg *m)
{
	return m->oversize;
}

int
in_msg_malformed(const struct in_msg *m, const char **why)
{
	if (why)
		*why = m->malformed;
	return m->malformed != NULL;
}

size_t
in_msg_size(const struct in_msg *m)
{
	return m->size;
}

const char *
in_msg_header(const struct in_msg *m, const char *name, size_t nth)
{
	return in_hdrs_get(&m->hdrs, name, nth);
}

const struct in_hdrs *
in_msg_headers(const struct in_msg *m)
{
	return &m->hdrs;
}

const char *
in_msg_subject(const struct in_msg *m)
{
	return m->subject;
}

const char *
in_msg_from(const struct in_msg *m)
{
	return m->from;
}

const char *
in_msg_message_id(const struct in_msg *m)
{
	return m->message_id;
}

static const char *const *
in_list_get(const struct in_list *l, size_t *n)
{
	static const char *const empty[] = { NULL };

	*n = l->n;
	return l->v ? (const char *const *)l->v : empty;
}

const char *const *
in_msg_in_reply_to(const struct in_msg *m, size_t *n)
{
	return in_list_get(&m->irt, n);
}

const char *const *
in_msg_references(const struct in_msg *m, size_t *n)
{
	return in_list_get(&m->refs, n);
}

const char *const *
in_msg_recipients(const struct in_msg *m, size_t *n)
{
	return in_list_get(&m->rcpts, n);
}

const char *
in_msg_type(const struct in_msg *m)
{
	return m->type;
}

const char *
in_msg_type_param(const struct in_msg *m, const char *name)
{
	return in_hdrs_get(&m->params, name, 0);
}

const char *
in_msg_text(const struct in_msg *m, size_t *len)
{
	if (m->text == NULL && m->html_text != NULL) {
		if (len)
			*len = m->html_len;
		return m->html_text;
	}
	if (m->text == NULL) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = m->text->body_len;
	return m->text->body;
}

int
in_msg_text_is_html(const struct in_msg *m)
{
	return m->text == NULL && m->html_text != NULL;
}

const char *
in_msg_raw_body(const struct in_msg *m, size_t *len)
{
	*len = m->raw_len;
	return m->raw_body;
}

size_t
in_msg_nparts(const struct in_msg *m)
{
	return m->nparts;
}

const struct in_part *
in_msg_part(const struct in_msg *m, size_t i)
{
	return i < m->nparts ? &m->parts[i] : NULL;
}
