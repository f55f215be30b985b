/* compose: see compose.h. */
#include "mail/compose.h"

#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/text.h"
#include "lib/xmalloc.h"
#include "mail/qpcache.h"
#include "mail/rfc2047.h"

/* a value this long encodes within COMPOSE_HEADER_MAX, folded */
#define COMPOSE_VALUE_MAX 2000
#define COMPOSE_HEADER_MAX 8192

/*
 * The longest plain word libetpan's writer keeps on the field's own line
 * (it folds before a word that would pass column 72, the first one too,
 * after "Subject: " or "Reply-To: ").
 */
#define COMPOSE_FIRST_WORD_MAX 60

/*
 * A header value, encoded, as a malloc'd string (libetpan takes it).
 * text: 1 for a Subject, whose too long first word is encoded too, so
 * that it can be cut into words (never an address or a URL in another
 * field); 2 for a display name (rfc2047_encode_phrase).
 */
static char *
compose_encoded_as(const char *s, int text)
{
	struct buf b;
	int force = text && strcspn(s + strspn(s, " \t"), " \t") >
	    COMPOSE_FIRST_WORD_MAX;

	buf_init(&b, COMPOSE_HEADER_MAX);
	/* one space between words: libetpan folds there (rfc2047.h) */
	if ((text == 2 ? rfc2047_encode_phrase(&b, s, " ") :
	    rfc2047_encode_sep(&b, s, " ", force)) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static char *
compose_encoded(const char *s)
{
	return compose_encoded_as(s, 1);
}

static struct mailimf_mailbox *
compose_mailbox(const char *name, const char *addr)
{
	char *dn = NULL;

	if (name && *name && (dn = compose_encoded_as(name, 2)) == NULL)
		return NULL;
	return mailimf_mailbox_new(dn, xstrdup(addr));
}

static struct mailimf_address_list *
compose_address_list(const char *name, const char *addr)
{
	struct mailimf_address_list *l = mailimf_address_list_new_empty();
	struct mailimf_mailbox *mb = compose_mailbox(name, addr);

	mailimf_address_list_add(l, mailimf_address_new(MAILIMF_ADDRESS_MAILBOX,
	    mb, NULL));
	return l;
}

/* "a b c" -> a clist of malloc'd message ids (libetpan owns them). */
static clist *
compose_id_list(const char *ids)
{
	clist *l;
	char *copy, *save = NULL, *id;

	if (ids == NULL || *ids == '\0')
		return NULL;
	l = clist_new();
	copy = xstrdup(ids);
	for (id = strtok_r(copy, " ", &save); id; id = strtok_r(NULL, " ", &save))
		clist_append(l, xstrdup(id));
	free(copy);
	return l;
}

static int
compose_check(const struct compose *m, const char **err)
{
	const char *fields[] = { m->from_name, m->from_addr, m->to_name,
	    m->to_addr, m->reply_to, m->subject, m->message_id,
	    m->in_reply_to, m->references };
	const char *why;
	size_t i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (fields[i] && !text_header_safe(fields[i], &why)) {
			*err = "header value with a line break or control "
			    "character";
			return -1;
		}
		if (fields[i] && strlen(fields[i]) > COMPOSE_VALUE_MAX) {
			*err = "header value longer than 2000 bytes";
			return -1;
		}
	}
	if (m->subject == NULL || m->to_addr == NULL || m->from_addr == NULL ||
	    m->message_id == NULL) {
		*err = "Subject, From, To and Message-ID are required";
		return -1;
	}
	for (i = 0; i < (size_t)m->nextra; i++)
		if (strlen(m->extra[i].value) > COMPOSE_VALUE_MAX) {
			*err = "header value longer than 2000 bytes";
			return -1;
		} else if (!text_header_safe(m->extra[i].value, &why) ||
		    !text_header_safe(m->extra[i].name, &why) ||
		    strchr(m->extra[i].name, ':') || strchr(m->extra[i].name, ' ')) {
			*err = "bad extra header";
			return -1;
		}
	return 0;
}

struct mailimf_date_time *
compose_date(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	return mailimf_date_time_new(tm.tm_mday, tm.tm_mon + 1,
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, 0);
}

static struct mailimf_fields *
compose_fields(const struct compose *m)
{
	struct mailimf_mailbox_list *from = mailimf_mailbox_list_new_empty();
	struct mailimf_fields *f;
	int i;

	mailimf_mailbox_list_add(from, compose_mailbox(m->from_name,
	    m->from_addr));
	f = mailimf_fields_new_with_data_all(compose_date(m->date),
	    from, NULL,
	    m->reply_to ? compose_address_list(NULL, m->reply_to) : NULL,
	    compose_address_list(m->to_name, m->to_addr), NULL, NULL,
	    xstrdup(m->message_id), compose_id_list(m->in_reply_to),
	    compose_id_list(m->references), compose_encoded(m->subject));
	for (i = 0; i < m->nextra; i++)
		mailimf_fields_add(f, mailimf_field_new_custom(
		    xstrdup(m->extra[i].name), compose_encoded_as(m->extra[i].value, 0)));
	return f;
}

/*
 * Bodies are sent with CRLF; libetpan's QP encoder keeps line breaks.
 * LF, CRLF and a lone CR all become CRLF; runs between them are copied
 * whole. Into b, emptied first.
 */
static void
compose_crlf(const char *s, struct buf *b)
{
	size_t n = strlen(s);

	buf_reset(b);
	/* LF becomes CRLF: a line of 32 bytes on average, say */
	(void)buf_reserve(b, n + n / 32 + 16);
	while (*s) {
		n = strcspn(s, "\r\n");
		buf_add(b, s, n);
		s += n;
		if (*s == '\0')
			break;
		buf_add(b, "\r\n", 2);
		s += s[0] == '\r' && s[1] == '\n' ? 2 : 1;
	}
}

/*
 * The bodies do not go through libetpan's writer: it would copy them a
 * byte at a time (mailimf_string_write_driver looks at each byte for
 * line ends), and they are encoded already. Each part's body is instead
 * one byte of compose_slot, which no other text libetpan writes can
 * point into; the writer hands that byte to compose_sink, which puts
 * the part's encoded body there. The bytes are those libetpan would
 * write for the encoded body itself (compose_build checks every slot
 * was met exactly once).
 */
static const char compose_slot[3] = { 'T', 'H', 'C' };

struct compose_sink {
	struct buf *out;
	const struct buf *enc;	/* [3]: text, HTML, calendar */
	int seen[3];
	int full;
};

/* libetpan's do_write: 1 on success, 0 on failure. */
static int
compose_write(void *arg, const char *s, size_t len)
{
	struct compose_sink *k = arg;
	const struct buf *b;
	size_t i;

	/* == only: < between pointers to different objects is undefined */
	for (i = 0; len == 1 && i < 3; i++)
		if (s == &compose_slot[i]) {
			b = &k->enc[i];
			k->seen[i]++;
			s = b->data ? b->data : "";
			len = b->len;
			break;
		}
	if (buf_add(k->out, s, len) == -1) {
		k->full = 1;
		return 0;
	}
	return 1;
}

/* A text part whose body, already quoted-printable, is slot i. */
static struct mailmime *
compose_part(const char *type, const char *method, int i)
{
	struct mailmime_content *ct = mailmime_content_new_with_str(type);
	struct mailmime *part;

	clist_append(ct->ct_parameters, mailmime_param_new_with_data("charset",
	    "utf-8"));
	if (method)
		clist_append(ct->ct_parameters,
		    mailmime_param_new_with_data("method", (char *)method));
	part = mailmime_new_empty(ct, mailmime_fields_new_encoding(
	    MAILMIME_MECHANISM_QUOTED_PRINTABLE));
	mailmime_set_body_text(part, (char *)&compose_slot[i], 1);
	part->mm_data.mm_single->dt_encoded = 1;
	return part;
}

/*
 * body (its line ends made CRLF, through tmp, when crlf is set)
 * quoted-printable, to enc (emptied first).
 */
static int
compose_qp(const struct compose *m, const char *body, int crlf,
    struct buf *tmp, struct buf *enc)
{
	size_t n;

	if (crlf) {
		compose_crlf(body, tmp);
		body = tmp->data ? tmp->data : "";
	}
	n = strlen(body);
	buf_reset(enc);
	/* QP adds a soft break per 73 bytes and 2 bytes per escaped byte */
	if (n > 0)
		(void)buf_reserve(enc, n + n / 8 + 64);
	return qpcache_encode(m->qpcache, body, n, enc);
}

/*
 * The MIME tree: text/plain alone, or multipart/alternative with the
 * HTML and calendar parts.
 */
static struct mailmime *
compose_tree(const struct compose *m)
{
	struct mailmime *msg = mailmime_new_message_data(NULL), *alt;

	mailmime_set_imf_fields(msg, compose_fields(m));
	if (!m->html && !m->calendar) {
		mailmime_smart_add_part(msg, compose_part("text/plain", NULL, 0));
		return msg;
	}
	alt = mailmime_multiple_new("multipart/alternative");
	mailmime_smart_add_part(alt, compose_part("text/plain", NULL, 0));
	if (m->html)
		mailmime_smart_add_part(alt, compose_part("text/html", NULL, 1));
	if (m->calendar)
		mailmime_smart_add_part(alt, compose_part("text/calendar",
		    m->calendar_method ? m->calendar_method : "REQUEST", 2));
	mailmime_smart_add_part(msg, alt);
	return msg;
}

/* Write the tree through compose_sink: 0, or -1 with *err. */
static int
compose_write_tree(const struct compose *m, const struct buf enc[3],
    struct buf *out, const char **err)
{
	struct compose_sink k = { out, enc, { 0, 0, 0 }, 0 };
	struct mailmime *msg = compose_tree(m);
	size_t start = out->len;
	int col = 0, r;

	r = mailmime_write_driver(compose_write, &k, &col, msg);
	mailmime_free(msg);
	if (r == MAILIMF_NO_ERROR && k.seen[0] == 1 &&
	    k.seen[1] == (m->html != NULL) && k.seen[2] == (m->calendar != NULL))
		return 0;
	*err = k.full ? "message too large" : "MIME writer failed";
	out->len = start;
	if (out->data)
		out->data[start] = '\0';
	return -1;
}

int
compose_build(const struct compose *m, struct buf *out, const char **err)
{
	struct buf own[COMPOSE_SCRATCH], *b = m->scratch ? m->scratch : own;
	int i, rc = 0;

	if (compose_check(m, err) == -1)
		return -1;
	if (b == own)
		for (i = 0; i < COMPOSE_SCRATCH; i++)
			buf_init(&own[i], (size_t)1 << 30);
	/* the calendar goes as it is: ical writes CRLF already */
	if (compose_qp(m, m->text, 1, &b[3], &b[0]) == -1 ||
	    compose_qp(m, m->html ? m->html : "", 1, &b[3], &b[1]) == -1 ||
	    compose_qp(m, m->calendar ? m->calendar : "", 0, &b[3], &b[2]) ==
	    -1) {
		*err = "MIME writer failed";
		rc = -1;
	} else
		rc = compose_write_tree(m, b, out, err);
	if (b == own)
		for (i = 0; i < COMPOSE_SCRATCH; i++)
			buf_free(&own[i]);
	return rc;
}
