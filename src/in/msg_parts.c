/*
 * msg: the MIME tree, walked once and each part decoded to plain C
 * strings (see msg.h, msg_int.h).
 */
#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "in/msg_int.h"
#include "in/htmltext.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/*
 * libetpan's multipart parser recurses once per nesting level and scans
 * the rest of the data at every level, so its cost grows with (levels x
 * size) and its stack with the levels. Every multipart level needs a
 * "boundary" parameter and every message level an "rfc822" type, so
 * counting those words bounds both before anything is parsed.
 */
#define IN_MSG_MAX_NESTERS 1000
#define IN_MSG_WORK_BUDGET (256u * 1024 * 1024)

/* ---- the MIME tree ---- */

static const char *
in_msg_major(const struct mailmime_type *t)
{
	if (t->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		const struct mailmime_discrete_type *d =
		    t->tp_data.tp_discrete_type;

		switch (d->dt_type) {
		case MAILMIME_DISCRETE_TYPE_TEXT: return "text";
		case MAILMIME_DISCRETE_TYPE_IMAGE: return "image";
		case MAILMIME_DISCRETE_TYPE_AUDIO: return "audio";
		case MAILMIME_DISCRETE_TYPE_VIDEO: return "video";
		case MAILMIME_DISCRETE_TYPE_APPLICATION: return "application";
		default:
			return d->dt_extension ? d->dt_extension :
			    "application";
		}
	}
	switch (t->tp_data.tp_composite_type->ct_type) {
	case MAILMIME_COMPOSITE_TYPE_MESSAGE: return "message";
	case MAILMIME_COMPOSITE_TYPE_MULTIPART: return "multipart";
	default:
		return t->tp_data.tp_composite_type->ct_token ?
		    t->tp_data.tp_composite_type->ct_token : "application";
	}
}

static char *
in_msg_type_string(const struct mailmime_content *ct)
{
	const char *major, *minor;
	char *s;
	size_t n;

	if (ct == NULL || ct->ct_type == NULL)
		return xstrdup("text/plain");
	major = in_msg_major(ct->ct_type);
	minor = ct->ct_subtype ? ct->ct_subtype : "";
	n = strlen(major) + strlen(minor) + 2;
	s = xmalloc(n);
	snprintf(s, n, "%s/%s", major, minor);
	text_lower(s);
	in_msg_clean_controls(s);
	return s;
}

/* A parameter value without the quotes libetpan leaves around it. */
static char *
in_msg_param_value(const char *v)
{
	size_t n = strlen(v);
	char *s;

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		s = xstrndup(v + 1, n - 2);
	else
		s = xstrdup(v);
	in_msg_clean_controls(s);
	return s;
}

static void
in_msg_read_params(struct in_msg *m, const struct mailmime_content *ct)
{
	clistiter *it;
	size_t n;

	if (ct == NULL || ct->ct_parameters == NULL)
		return;
	n = clist_count(ct->ct_parameters);
	m->params.v = xcalloc(n + 1, sizeof *m->params.v);
	for (it = clist_begin(ct->ct_parameters); it; it = clist_next(it)) {
		const struct mailmime_parameter *p = clist_content(it);

		if (p->pa_name == NULL || p->pa_value == NULL)
			continue;
		m->params.v[m->params.n].name = xstrdup(p->pa_name);
		text_lower(m->params.v[m->params.n].name);
		m->params.v[m->params.n].value =
		    in_msg_param_value(p->pa_value);
		m->params.n++;
	}
}

/* s in charset cs to UTF-8, or NULL when iconv cannot do it cleanly. */
static char *
in_msg_iconv(const char *cs, const char *s, size_t len, size_t *outlen)
{
	char *c = NULL, *copy;
	size_t clen = 0;

	if (charconv_buffer("utf-8", cs, s, len, &c, &clen) !=
	    MAIL_CHARCONV_NO_ERROR || c == NULL)
		return NULL;
	copy = NULL;
	if (text_utf8_valid(c, clen)) {
		copy = in_msg_copy(c, clen);
		*outlen = clen;
	}
	charconv_buffer_free(c);
	return copy;
}

static int
in_msg_8bit(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/*
 * Charsets that cannot hold 8-bit bytes: text labelled so that has them
 * is in fact UTF-8 (or Windows-1252) more often than not.
 */
static int
in_msg_7bit_charset(const char *cs)
{
	return strcmp(cs, "us-ascii") == 0 || strcmp(cs, "ascii") == 0 ||
	    strncmp(cs, "iso-2022-", 9) == 0;
}

/*
 * Text to UTF-8. Undeclared or "us-ascii" text that is not valid UTF-8 is
 * nearly always Windows-1252 (or Latin-1) in practice; a declared charset
 * iconv does not know gets the same guesses.
 */
static void
in_msg_to_utf8(struct in_part *p, const char *s, size_t len)
{
	const char *cs = p->charset;
	char *out = NULL;
	size_t i, olen = 0;

	if (cs && !in_msg_7bit_charset(cs))
		out = in_msg_iconv(cs, s, len, &olen);
	else if (cs && strncmp(cs, "iso-2022-", 9) == 0 &&
	    (!in_msg_8bit(s, len) || !text_utf8_valid(s, len)))
		out = in_msg_iconv(cs, s, len, &olen);
	if (out == NULL && text_utf8_valid(s, len)) {
		out = in_msg_copy(s, len);
		olen = len;
	}
	if (out == NULL)
		out = in_msg_iconv("windows-1252", s, len, &olen);
	if (out == NULL)
		out = in_msg_iconv("iso-8859-1", s, len, &olen);
	if (out == NULL) {
		out = in_msg_copy(s, len);
		olen = len;
		for (i = 0; i < olen; i++)
			if ((unsigned char)out[i] >= 0x80)
				out[i] = '?';
	}
	/* so that the classifiers can treat a body as one C string */
	for (i = 0; i < olen; i++)
		if (out[i] == '\0')
			out[i] = ' ';
	p->body = out;
	p->body_len = olen;
}

static int
in_msg_textual(const char *type)
{
	return strncmp(type, "text/", 5) == 0 ||
	    strncmp(type, "message/", 8) == 0;
}

static void
in_msg_decode(struct in_part *p, const struct mailmime_data *d)
{
	const char *raw = "";
	size_t rawlen = 0, idx = 0, outlen = 0;
	char *out = NULL;

	if (d != NULL && d->dt_type == MAILMIME_DATA_TEXT &&
	    d->dt_data.dt_text.dt_data != NULL) {
		raw = d->dt_data.dt_text.dt_data;
		rawlen = d->dt_data.dt_text.dt_length;
	}
	if (rawlen > 0 && mailmime_part_parse(raw, rawlen, &idx,
	    d->dt_encoding, &out, &outlen) == MAILIMF_NO_ERROR && out) {
		raw = out;
		rawlen = outlen;
	}
	if (in_msg_textual(p->type))
		in_msg_to_utf8(p, raw, rawlen);
	else {
		p->body = in_msg_copy(raw, rawlen);
		p->body_len = rawlen;
	}
	if (out)
		mmap_string_unref(out);
}

static int
in_msg_is_attachment(struct mailmime *mm)
{
	struct mailmime_single_fields sf;

	mailmime_single_fields_init(&sf, mm->mm_mime_fields,
	    mm->mm_content_type);
	return sf.fld_disposition && sf.fld_disposition->dsp_type &&
	    sf.fld_disposition->dsp_type->dsp_type ==
	    MAILMIME_DISPOSITION_TYPE_ATTACHMENT;
}

static struct in_part *
in_msg_new_part(struct in_msg *m)
{
	if (m->nparts == m->partcap) {
		m->partcap = m->partcap ? m->partcap * 2 : 8;
		m->parts = xrealloc(m->parts, m->partcap * sizeof *m->parts);
	}
	memset(&m->parts[m->nparts], 0, sizeof m->parts[0]);
	return &m->parts[m->nparts++];
}

/* The part's own MIME header: from its start to where its body begins. */
static void
in_msg_part_header(struct in_part *p, const struct mailmime *mm)
{
	const char *body;

	if (mm->mm_body == NULL || mm->mm_body->dt_type != MAILMIME_DATA_TEXT)
		return;
	body = mm->mm_body->dt_data.dt_text.dt_data;
	if (mm->mm_mime_start && body && body >= mm->mm_mime_start)
		in_hdrs_parse(mm->mm_mime_start, (size_t)(body -
		    mm->mm_mime_start), &p->hdrs);
}

/* Parts whose body is (or starts with) a message header. */
static int
in_msg_carries_header(const char *type)
{
	return strcmp(type, "message/rfc822") == 0 ||
	    strcmp(type, "message/global") == 0 ||
	    strcmp(type, "text/rfc822-headers") == 0 ||
	    strcmp(type, "message/rfc822-headers") == 0 ||
	    strcmp(type, "message/global-headers") == 0;
}

static void in_msg_walk(struct in_msg *, struct mailmime *, int, int, int);

static void
in_msg_walk_children(struct in_msg *m, struct mailmime *mm, int depth,
    int enclosed)
{
	clistiter *it;

	if (mm->mm_type == MAILMIME_MULTIPLE) {
		for (it = clist_begin(mm->mm_data.mm_multipart.mm_mp_list); it;
		    it = clist_next(it))
			in_msg_walk(m, clist_content(it), depth + 1, enclosed,
			    1);
	} else if (mm->mm_type == MAILMIME_MESSAGE &&
	    mm->mm_data.mm_message.mm_msg_mime != NULL)
		in_msg_walk(m, mm->mm_data.mm_message.mm_msg_mime, depth + 1, 1,
		    0);
}

static void
in_msg_walk(struct in_msg *m, struct mailmime *mm, int depth, int enclosed,
    int in_multipart)
{
	struct in_part *p;
	const char *b;

	if (depth > IN_MSG_MAX_DEPTH) {
		in_msg_set_malformed(m, "MIME nesting deeper than 100 levels");
		return;
	}
	if (m->nparts >= IN_MSG_MAX_PARTS) {
		in_msg_set_malformed(m, "more than 10000 MIME parts");
		return;
	}
	p = in_msg_new_part(m);
	p->type = in_msg_type_string(mm->mm_content_type);
	p->depth = depth;
	p->enclosed = enclosed;
	p->attachment = in_msg_is_attachment(mm);
	if (mm->mm_content_type) {
		const char *cs = mailmime_content_param_get(mm->mm_content_type,
		    "charset");

		if (cs) {
			p->charset = in_msg_param_value(cs);
			text_lower(p->charset);
		}
	}
	if (mm->mm_type == MAILMIME_SINGLE) {
		in_msg_decode(p, mm->mm_data.mm_single);
		if (in_msg_carries_header(p->type))
			in_hdrs_parse(p->body, p->body_len, &p->hdrs);
		else if (in_multipart)
			in_msg_part_header(p, mm);
		return;
	}
	p->container = 1;
	/* RFC 2046 allows 70; libetpan copes with more, but say so */
	if (mm->mm_type == MAILMIME_MULTIPLE && mm->mm_content_type &&
	    (b = mailmime_content_param_get(mm->mm_content_type, "boundary")) &&
	    strlen(b) > 72)
		in_msg_set_malformed(m, "MIME boundary over 70 characters");
	if (mm->mm_type == MAILMIME_MESSAGE && mm->mm_body &&
	    mm->mm_body->dt_type == MAILMIME_DATA_TEXT)
		in_hdrs_parse(mm->mm_body->dt_data.dt_text.dt_data,
		    mm->mm_body->dt_data.dt_text.dt_length, &p->hdrs);
	else if (in_multipart)
		in_msg_part_header(p, mm);
	/* p may move when the array grows: do not use it past here */
	in_msg_walk_children(m, mm, depth, enclosed);
}

static void
in_msg_count_nesters(const char *s, size_t len, size_t *boundary,
    size_t *rfc822)
{
	size_t i;

	*boundary = *rfc822 = 0;
	for (i = 0; i < len; i++) {
		int c = s[i] | 0x20;

		if (c == 'b' && len - i >= 8 && strncasecmp(s + i, "boundary",
		    8) == 0)
			(*boundary)++;
		else if (c == 'r' && len - i >= 6 && strncasecmp(s + i,
		    "rfc822", 6) == 0)
			(*rfc822)++;
	}
}

/* 1 when libetpan can parse the whole structure within the budget. */
int
in_msg_affordable(const char *s, size_t len)
{
	size_t b, r;

	in_msg_count_nesters(s, len, &b, &r);
	if (b + r > IN_MSG_MAX_NESTERS)
		return 0;
	return (b + 1) <= IN_MSG_WORK_BUDGET / (len ? len : 1);
}

void
in_msg_mime(struct in_msg *m, const char *raw, size_t len, int walk)
{
	struct mailmime *root = NULL, *body;
	size_t idx = 0;

	if (mailmime_parse(raw, len, &idx, &root) != MAILIMF_NO_ERROR ||
	    root == NULL) {
		in_msg_set_malformed(m, "unreadable MIME structure");
		m->type = xstrdup("text/plain");
		return;
	}
	body = root->mm_type == MAILMIME_MESSAGE ?
	    root->mm_data.mm_message.mm_msg_mime : NULL;
	m->type = in_msg_type_string(body ? body->mm_content_type : NULL);
	if (body)
		in_msg_read_params(m, body->mm_content_type);
	if (body && walk)
		in_msg_walk(m, body, 0, 0, 0);
	mailmime_free(root);
}

/* A part of the message's own text: not attached, not a carried message. */
static int
in_msg_own_text(const struct in_part *p, const char *type)
{
	return strcmp(p->type, type) == 0 && !p->attachment && !p->enclosed &&
	    p->body != NULL;
}

/*
 * The text in_msg_text() gives: the first text/plain part of the
 * message's own, else (HTML-only mail: Outlook on the web, Apple Mail,
 * mobile clients) the first such text/html part made text by
 * in/htmltext, with its quotations marked "> ".
 */
void
in_msg_pick_text(struct in_msg *m)
{
	size_t i;

	for (i = 0; i < m->nparts && m->text == NULL; i++)
		if (in_msg_own_text(&m->parts[i], "text/plain"))
			m->text = &m->parts[i];
	for (i = 0; i < m->nparts && m->text == NULL; i++)
		if (in_msg_own_text(&m->parts[i], "text/html")) {
			m->html_text = htmltext_convert(m->parts[i].body,
			    m->parts[i].body_len, &m->html_len);
			return;
		}
}
