/* relay: see relay.h. */
#include "mail/relay.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/text.h"
#include "mail/rfc2047.h"

/* Fields replaced or dropped in a relayed copy. */
static const char *const relay_drop[] = {
	"From", "Reply-To", "Sender", "Return-Path", "Delivered-To",
	"X-Original-To", "DKIM-Signature", "DomainKey-Signature",
	"ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results",
	"List-Id", "List-Post", "List-Unsubscribe", "List-Unsubscribe-Post",
	"List-Help", "List-Subscribe", "List-Owner", "List-Archive",
	"Precedence", RELAY_LOOP_HEADER, "Errors-To", NULL
};

static int
relay_dropped(const char *line, size_t len)
{
	size_t i, n;

	for (i = 0; relay_drop[i]; i++) {
		n = strlen(relay_drop[i]);
		if (len > n && line[n] == ':' &&
		    strncasecmp(line, relay_drop[i], n) == 0)
			return 1;
	}
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

/* The poster's header fields, less those herald replaces; the subject
 * gains "[tag] " once. */
static int
relay_copy_fields(struct buf *out, const char *h, size_t n, const char *tag)
{
	size_t i = 0, start, end, tl = strlen(tag);
	int drop = 0, rc = 0;

	while (i < n) {
		start = i;
		while (i < n && h[i] != '\n')
			i++;
		end = i > start && h[i - 1] == '\r' ? i - 1 : i;
		i++;
		/* a continuation line follows its field's fate */
		if (end > start && (h[start] == ' ' || h[start] == '\t')) {
			if (!drop)
				rc |= relay_crlf(out, h + start, end - start) |
				    buf_add(out, "\r\n", 2);
			continue;
		}
		drop = relay_dropped(h + start, end - start);
		if (!drop && tl && end - start > 8 &&
		    strncasecmp(h + start, "Subject:", 8) == 0) {
			const char *v = h + start + 8;

			while (v < h + end && (*v == ' ' || *v == '\t'))
				v++;
			if (!((size_t)(h + end - v) > tl + 1 && v[0] == '[' &&
			    strncmp(v + 1, tag, tl) == 0 && v[tl + 1] == ']')) {
				rc |= buf_printf(out, "Subject: [%s] ", tag);
				rc |= relay_crlf(out, v, (size_t)(h + end - v)) |
				    buf_add(out, "\r\n", 2);
				continue;
			}
		}
		if (!drop && end > start)
			rc |= relay_crlf(out, h + start, end - start) |
			    buf_add(out, "\r\n", 2);
	}
	return rc ? -1 : 0;
}

static int
relay_list_fields(struct buf *out, const struct relay_headers *h)
{
	char via[600];
	const char *why;
	int rc = 0;

	snprintf(via, sizeof via, "%s via %s", *h->poster_name ?
	    h->poster_name : h->poster_addr, h->list);
	if (!text_header_safe(via, &why) ||
	    !text_header_safe(h->poster_addr, &why))
		return -1;
	rc |= buf_adds(out, "From: ");
	rc |= rfc2047_needed(via, 900) ? rfc2047_encode(out, via) :
	    buf_printf(out, "\"%s\"", via);
	rc |= buf_printf(out, " <%s@%s>\r\n", h->list, h->lists_domain);
	if (h->reply_to)
		rc |= buf_printf(out, "Reply-To: <%s>\r\n", h->reply_to);
	else if (h->reply_to_list)
		rc |= buf_printf(out, "Reply-To: <%s@%s>\r\n", h->list,
		    h->lists_domain);
	else
		rc |= buf_printf(out, "Reply-To: <%s>\r\n", h->poster_addr);
	rc |= buf_printf(out, "List-Id: <%s.%s>\r\n", h->list, h->lists_domain);
	rc |= buf_printf(out, "List-Post: <mailto:%s@%s>\r\n", h->list,
	    h->lists_domain);
	rc |= buf_printf(out, "List-Unsubscribe: <%s>\r\n", h->unsubscribe);
	rc |= buf_printf(out, "List-Help: <mailto:%s-request@%s?subject=help>"
	    "\r\n", h->list, h->lists_domain);
	rc |= buf_adds(out, "Precedence: list\r\n");
	rc |= buf_printf(out, RELAY_LOOP_HEADER ": %s@%s\r\n", h->list,
	    h->lists_domain);
	return rc ? -1 : 0;
}

int
relay_build(const char *raw, size_t len, const struct relay_headers *h,
    struct buf *out, const char **err)
{
	size_t body, hend = relay_header_end(raw, len, &body);

	if (hend == len) {
		*err = "the post has no body";
		return -1;
	}
	if (relay_list_fields(out, h) == -1 ||
	    relay_copy_fields(out, raw, hend, h->tag ? h->tag : "") == -1 ||
	    buf_add(out, "\r\n", 2) == -1 ||
	    relay_crlf(out, raw + body, len - body) == -1) {
		*err = "the post cannot be relayed (header or size)";
		return -1;
	}
	if (out->len < 2 || memcmp(out->data + out->len - 2, "\r\n", 2) != 0)
		if (buf_add(out, "\r\n", 2) == -1) {
			*err = "the post is too large";
			return -1;
		}
	return 0;
}
