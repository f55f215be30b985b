/* relay: see relay.h. */
#include "mail/relay.h"

#include <libetpan/libetpan.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/text.h"
#include "lib/xmalloc.h"
#include "mail/compose.h"
#include "mail/rfc2047.h"

/*
 * Fields replaced or dropped in a relayed copy: those herald writes
 * itself, signatures the rewrite breaks, and requests that would send
 * members' addresses back to the poster (read receipts) or elsewhere.
 */
static const char *const relay_drop[] = {
	"From", "Reply-To", "Sender", "Return-Path", "Delivered-To",
	"X-Original-To", "DKIM-Signature", "DomainKey-Signature",
	"ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results",
	"List-Id", "List-Post", "List-Unsubscribe", "List-Unsubscribe-Post",
	"List-Help", "List-Subscribe", "List-Owner", "List-Archive",
	"Precedence", RELAY_LOOP_HEADER, "Errors-To", "Bcc",
	"Disposition-Notification-To", "Return-Receipt-To",
	"X-Confirm-Reading-To", "Mail-Followup-To", "Mail-Reply-To", NULL
};

/* The fields that describe a body: with a note, they go with the post's
 * part, and the copy's own header says multipart/mixed. */
static const char *const relay_mime[] = { "Content-Type",
	"Content-Transfer-Encoding", "Content-Disposition", "Content-ID",
	"Content-Description", "MIME-Version", NULL };

/* Does the field line start with name, then optional blanks and ':'? */
static int
relay_is_field(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (len <= n || strncasecmp(line, name, n) != 0)
		return 0;
	/* "From :" is read as From by mail readers: match it too */
	while (n < len && (line[n] == ' ' || line[n] == '\t'))
		n++;
	return n < len && line[n] == ':';
}

static int
relay_dropped(const char *line, size_t len)
{
	size_t i;

	for (i = 0; relay_drop[i]; i++)
		if (relay_is_field(line, len, relay_drop[i]))
			return 1;
	return 0;
}

/* Where the header block ends (the empty line's first byte) in raw. */
static size_t
relay_header_end(const char *raw, size_t len, size_t *body)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (raw[i] != '\n')
			continue;
		if (raw[i + 1] == '\n') {
			*body = i + 2;
			return i + 1;
		}
		if (raw[i + 1] == '\r' && i + 2 < len && raw[i + 2] == '\n') {
			*body = i + 3;
			return i + 1;
		}
	}
	*body = len;
	return len;
}

/* Append s[0..n) with every line ending made CRLF. */
static int
relay_crlf(struct buf *out, const char *s, size_t n)
{
	size_t i, start = 0;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '\n' && s[i] != '\r')
			continue;
		rc |= buf_add(out, s + start, i - start);
		rc |= buf_add(out, "\r\n", 2);
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	rc |= buf_add(out, s + start, n - start);
	return rc ? -1 : 0;
}

/*
 * One header line, then CRLF. A bare CR or a NUL inside it becomes a
 * space: kept as a line end it would start a field of the poster's
 * making ("Subject: hi\rFrom: ...") past the drop list.
 */
static int
relay_line(struct buf *out, const char *s, size_t n)
{
	size_t i, start = 0;
	int rc = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '\r' || s[i] == '\0') {
			rc |= buf_add(out, s + start, i - start);
			rc |= buf_add(out, " ", 1);
			start = i + 1;
		}
	rc |= buf_add(out, s + start, n - start);
	rc |= buf_add(out, "\r\n", 2);
	return rc ? -1 : 0;
}

/*
 * "Subject: [tag]": encoded when the tag is not plain ASCII. Before an
 * encoded subject, an encoded tag carries its blank inside the word:
 * readers drop the blank between two encoded words ("[réseau]café").
 */
static int
relay_tag_field(struct buf *out, const char *tag, int before_encoded)
{
	char t[RELAY_TAG_MAX + 4];

	snprintf(t, sizeof t, "[%s]", tag);
	if (before_encoded && rfc2047_needed(t, 900))
		snprintf(t, sizeof t, "[%s] ", tag);
	return buf_adds(out, "Subject: ") | rfc2047_encode(out, t) |
	    buf_add(out, "\r\n", 2);
}

/* Date and Message-ID for a post that came without them. */
static int
relay_missing_fields(struct buf *out, const struct relay_headers *h,
    int date, int mid)
{
	struct mailimf_fields *f;
	MMAPString *str;
	int col = 0, rc = 0;

	if (date && mid)
		return 0;
	f = mailimf_fields_new_with_data_all(date ? NULL :
	    compose_date(h->date), NULL, NULL, NULL, NULL, NULL,
	    NULL, mid || !h->message_id ? NULL : xstrdup(h->message_id), NULL,
	    NULL, NULL);
	if (f == NULL || (str = mmap_string_new("")) == NULL) {
		if (f)
			mailimf_fields_free(f);
		return -1;
	}
	if (mailimf_fields_write_mem(str, &col, f) != MAILIMF_NO_ERROR)
		rc = -1;
	else
		rc = buf_add(out, str->str, str->len);
	mmap_string_free(str);
	mailimf_fields_free(f);
	return rc;
}

/*
 * The poster's header fields, less those herald replaces. With a tag
 * the subject gains "[tag]" unless it holds it already (anywhere, in
 * any case, once decoded: "Re: [net] ..." keeps one). The tag goes on a
 * line of its own and the poster's subject follows as a continuation,
 * byte for byte, so no line grows and encoded words stay whole.
 */
static int
relay_is_mime(const char *line, size_t len)
{
	size_t i;

	for (i = 0; relay_mime[i]; i++)
		if (relay_is_field(line, len, relay_mime[i]))
			return 1;
	return 0;
}

/*
 * The post's fields, rewritten, into out; with mime set (a note goes
 * first), the fields that describe its body go there instead, but for
 * MIME-Version, which the copy says itself.
 */
static int
relay_copy_fields(struct buf *out, const char *h, size_t n, const char *tag,
    const char *subject, struct buf *mime, int *date, int *mid)
{
	struct buf *to = out;
	size_t i = 0, start, end;
	/* a continuation line before any field belongs to nothing: dropped */
	int drop = 1, rc = 0, tagged;

	tag = tag ? tag : "";
	tagged = *tag == '\0' || relay_has_tag(subject, tag);
	*date = *mid = 0;

	while (i < n) {
		start = i;
		while (i < n && h[i] != '\n')
			i++;
		end = i > start && h[i - 1] == '\r' ? i - 1 : i;
		i++;
		if (end == start)
			continue;
		/* a continuation line follows its field's fate */
		if (h[start] == ' ' || h[start] == '\t') {
			if (!drop)
				rc |= relay_line(to, h + start, end - start);
			continue;
		}
		drop = relay_dropped(h + start, end - start);
		to = mime && relay_is_mime(h + start, end - start) ? mime : out;
		if (to == mime && relay_is_field(h + start, end - start,
		    "MIME-Version"))
			drop = 1;
		*date |= relay_is_field(h + start, end - start, "Date");
		*mid |= relay_is_field(h + start, end - start, "Message-ID");
		if (!drop && !tagged &&
		    relay_is_field(h + start, end - start, "Subject")) {
			const char *v = (const char *)memchr(h + start, ':',
			    end - start) + 1;

			tagged = 1;
			while (v < h + end && (*v == ' ' || *v == '\t'))
				v++;
			rc |= relay_tag_field(out, tag, h + end - v > 2 &&
			    v[0] == '=' && v[1] == '?');
			if (v < h + end) {
				rc |= buf_add(out, " ", 1);
				rc |= relay_line(out, v, (size_t)(h + end - v));
			}
			continue;
		}
		if (!drop)
			rc |= relay_line(to, h + start, end - start);
	}
	if (!tagged)		/* no subject at all */
		rc |= relay_tag_field(out, tag, 0);
	return rc ? -1 : 0;
}

int
relay_has_tag(const char *subject, const char *tag)
{
	size_t n = strlen(tag);
	const char *p;

	for (p = subject ? subject : ""; (p = strchr(p, '[')) != NULL; p++)
		if (strncasecmp(p + 1, tag, n) == 0 && p[n + 1] == ']')
			return 1;
	return 0;
}

/*
 * The display name of From: "NAME via LIST". Control characters become
 * spaces and a long name is cut on a character boundary: a name is
 * never a reason to refuse a post.
 */
static void
relay_via(const struct relay_headers *h, char *via, size_t len)
{
	const char *name = *h->poster_name ? h->poster_name : h->poster_addr;
	size_t i, n = strlen(name);

	if (n > RELAY_NAME_MAX) {
		n = RELAY_NAME_MAX;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	snprintf(via, len, "%.*s via %s", (int)n, name, h->list);
	for (i = 0; via[i]; i++)
		if ((unsigned char)via[i] < 0x20 || via[i] == 0x7f)
			via[i] = ' ';
}

/* A quoted string: " and \ escaped (RFC 5322 3.2.4). */
static int
relay_quoted(struct buf *out, const char *s)
{
	int rc = buf_add(out, "\"", 1);

	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			rc |= buf_add(out, "\\", 1);
		rc |= buf_add(out, s, 1);
	}
	return rc | buf_add(out, "\"", 1);
}

/* Can addr go into <...> as it is: printable ASCII, no <, > or "? */
static int
relay_writable(const char *addr)
{
	const unsigned char *p = (const unsigned char *)addr;

	if (*p == '\0')
		return 0;
	for (; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '<' || *p == '>' ||
		    *p == '"')
			return 0;
	return 1;
}

static int
relay_list_fields(struct buf *out, const struct relay_headers *h)
{
	char via[RELAY_NAME_MAX + 128];
	int rc = 0;

	relay_via(h, via, sizeof via);
	rc |= buf_adds(out, "From: ");
	rc |= rfc2047_needed(via, 900) ? rfc2047_encode(out, via) :
	    relay_quoted(out, via);
	rc |= buf_printf(out, " <%s@%s>\r\n", h->list, h->lists_domain);
	if (h->reply_to)
		rc |= buf_printf(out, "Reply-To: <%s>\r\n", h->reply_to);
	else if (h->reply_to_list || !relay_writable(h->poster_addr))
		/* a poster address that cannot be written: the list answers */
		rc |= buf_printf(out, "Reply-To: <%s@%s>\r\n", h->list,
		    h->lists_domain);
	else
		rc |= buf_printf(out, "Reply-To: <%s>\r\n", h->poster_addr);
	rc |= buf_printf(out, "List-Id: <%s.%s>\r\n", h->list, h->lists_domain);
	rc |= buf_printf(out, "List-Post: <mailto:%s@%s>\r\n", h->list,
	    h->lists_domain);
	if (h->unsubscribe_url)
		/* RFC 8058: the URL first, and the POST that it takes */
		rc |= buf_printf(out, "List-Unsubscribe: <%s>,\r\n <%s>\r\n"
		    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
		    h->unsubscribe_url, h->unsubscribe);
	else
		rc |= buf_printf(out, "List-Unsubscribe: <%s>\r\n",
		    h->unsubscribe);
	rc |= buf_printf(out, "List-Help: <mailto:%s-request@%s?subject=help>"
	    "\r\n", h->list, h->lists_domain);
	rc |= buf_adds(out, "Precedence: list\r\n");
	rc |= buf_printf(out, RELAY_LOOP_HEADER ": %s@%s\r\n", h->list,
	    h->lists_domain);
	return rc ? -1 : 0;
}

/* A boundary that the post's bytes do not hold. */
static void
relay_boundary(const char *raw, size_t len, char *b, size_t n)
{
	unsigned k = 0;

	do
		snprintf(b, n, "=_herald_note_%u", k++);
	while (memmem(raw, len, b, strlen(b)) != NULL);
}

/*
 * The copy with a note: multipart/mixed, the note in a text part, then
 * the post's body under its own Content-* fields (text/plain when it
 * had none, as RFC 2045 says).
 */
static int
relay_build_noted(const char *raw, size_t len, size_t hend, size_t body,
    const struct relay_headers *h, struct buf *out)
{
	struct buf mime;
	char b[40];
	int rc = 0, date, mid;

	buf_init(&mime, 64 * 1024);
	relay_boundary(raw, len, b, sizeof b);
	rc |= relay_copy_fields(out, raw, hend, h->tag, h->subject, &mime, &date,
	    &mid);
	rc |= relay_missing_fields(out, h, date, mid);
	rc |= buf_printf(out, "MIME-Version: 1.0\r\nContent-Type: "
	    "multipart/mixed; boundary=\"%s\"\r\n\r\n--%s\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n", b, b);
	rc |= relay_crlf(out, h->note, strlen(h->note));
	rc |= buf_printf(out, "\r\n--%s\r\n", b);
	if (mime.len == 0)
		rc |= buf_adds(out, "Content-Type: text/plain; charset=us-ascii"
		    "\r\n");
	rc |= buf_add(out, mime.data, mime.len);
	rc |= buf_adds(out, "\r\n");
	rc |= relay_crlf(out, raw + body, len - body);
	if (out->len < 2 || memcmp(out->data + out->len - 2, "\r\n", 2) != 0)
		rc |= buf_adds(out, "\r\n");
	rc |= buf_printf(out, "--%s--\r\n", b);
	buf_free(&mime);
	return rc ? -1 : 0;
}

void
relay_prep_free(struct relay_prep *p)
{
	buf_free(&p->fields);
	buf_free(&p->body);
}

int
relay_prep_init(struct relay_prep *p, const char *raw, size_t len,
    const char *tag, const char *subject)
{
	/* a post of header fields only is valid (RFC 5322): an empty body */
	size_t body, hend = relay_header_end(raw, len, &body);
	int rc = 0;

	/* bare LFs made CRLF at most double the size */
	buf_init(&p->fields, 2 * hend + 64 * 1024);
	buf_init(&p->body, 2 * (len - body) + 8);
	rc |= relay_copy_fields(&p->fields, raw, hend, tag, subject, NULL,
	    &p->has_date, &p->has_mid);
	rc |= buf_add(&p->body, "\r\n", 2);
	rc |= relay_crlf(&p->body, raw + body, len - body);
	if (p->body.len < 2 ||
	    memcmp(p->body.data + p->body.len - 2, "\r\n", 2) != 0)
		rc |= buf_add(&p->body, "\r\n", 2);
	if (rc) {
		relay_prep_free(p);
		return -1;
	}
	return 0;
}

int
relay_prep_build(const struct relay_prep *p, const struct relay_headers *h,
    struct buf *out, const char **err)
{
	if (relay_list_fields(out, h) == -1 ||
	    buf_add(out, p->fields.data, p->fields.len) == -1 ||
	    relay_missing_fields(out, h, p->has_date, p->has_mid) == -1 ||
	    buf_add(out, p->body.data, p->body.len) == -1) {
		*err = "the post cannot be relayed (header or size)";
		return -1;
	}
	return 0;
}

int
relay_build(const char *raw, size_t len, const struct relay_headers *h,
    struct buf *out, const char **err)
{
	struct relay_prep p;
	size_t body, hend;
	int rc;

	if (h->note) {
		hend = relay_header_end(raw, len, &body);
		if (relay_list_fields(out, h) == -1 ||
		    relay_build_noted(raw, len, hend, body, h, out) == -1) {
			*err = "the post cannot be relayed (header or size)";
			return -1;
		}
		return 0;
	}
	if (relay_prep_init(&p, raw, len, h->tag, h->subject) == -1) {
		*err = "the post cannot be relayed (header or size)";
		return -1;
	}
	rc = relay_prep_build(&p, h, out, err);
	relay_prep_free(&p);
	return rc;
}
