/*
 * msg: one inbound message, parsed once with libetpan and copied into
 * plain C strings, so that the classifiers (dsn, autoreply, rsvp, ...)
 * never touch libetpan's tree and never see undecoded text.
 *
 * Parsing never fails on content: garbage, a message with no header, a
 * broken MIME structure all give an in_msg, flagged malformed where it
 * matters. Limits keep hostile input cheap:
 *   - over IN_MSG_MAX_SIZE bytes only the header is parsed (oversize);
 *   - a header is read up to 1 MB and IN_MSG_MAX_HEADERS fields, address
 *     and id lists up to 1,000 entries; a longer header leaves the body
 *     unread (malformed);
 *   - the MIME tree is not descended past IN_MSG_MAX_DEPTH levels nor
 *     past IN_MSG_MAX_PARTS parts (malformed);
 *   - a message whose MIME structure could cost libetpan more than a
 *     fixed budget (its parser recurses once per level and rescans each
 *     level's data) is parsed header-only (malformed).
 *
 * Ownership: everything an accessor returns belongs to the in_msg and
 * lives until in_msg_free(). The raw buffer given to in_msg_parse() is not
 * referenced after it returns. Text is UTF-8 (invalid bytes replaced);
 * decoded header values have control characters turned into spaces, but
 * they are untrusted: encode them again before writing them anywhere.
 */
#ifndef HERALD_IN_MSG_H
#define HERALD_IN_MSG_H

#include <stddef.h>

#define IN_MSG_MAX_SIZE (10u * 1024 * 1024)
#define IN_MSG_MAX_DEPTH 100
#define IN_MSG_MAX_PARTS 10000
#define IN_MSG_MAX_HEADERS 2000

/* One header field: name as written, value unfolded but not decoded. */
struct in_hdr {
	char *name;
	char *value;
};

struct in_hdrs {
	struct in_hdr *v;
	size_t n;
};

/*
 * One node of the MIME tree, in depth-first order. Containers
 * (multipart/..., message/rfc822) have body NULL; the parts inside them
 * follow with depth + 1.
 */
struct in_part {
	char *type;		/* lower-case "type/subtype" */
	char *charset;		/* lower-case declared charset, or NULL */
	int depth;		/* 0: the message body itself */
	int container;
	int attachment;		/* Content-Disposition: attachment */
	int enclosed;		/* inside a message/rfc822 part */
	/*
	 * Decoded body, NUL-terminated: transfer encoding undone; text and
	 * message leaves converted to UTF-8 with NUL bytes as spaces.
	 */
	char *body;
	size_t body_len;
	/*
	 * For message/rfc822, message/global and text/rfc822-headers: the
	 * header of the message it carries. For other parts: the part's own
	 * MIME header (none for the top level: see in_msg_header()).
	 */
	struct in_hdrs hdrs;
};

struct in_msg;

/*
 * Parse raw[0..len). Returns 0 and *out (free with in_msg_free) for any
 * input; -1 with *err only when raw is NULL.
 */
int in_msg_parse(const char *raw, size_t len, struct in_msg **out,
    const char **err);
void in_msg_free(struct in_msg **m);

/* Flags: 1 when set. *why, when not NULL, gets a static reason. */
int in_msg_oversize(const struct in_msg *m);
int in_msg_malformed(const struct in_msg *m, const char **why);
size_t in_msg_size(const struct in_msg *m);

/* The top-level header: nth (0-based) value of field name, or NULL. */
const char *in_msg_header(const struct in_msg *m, const char *name,
    size_t nth);
const struct in_hdrs *in_msg_headers(const struct in_msg *m);

/* Subject decoded (RFC 2047) to UTF-8, or NULL when there is none. */
const char *in_msg_subject(const struct in_msg *m);
/*
 * The first From address, normalised (addr_normalize), or as written when
 * it is not valid but has an '@'; NULL when there is none ("<>").
 */
const char *in_msg_from(const struct in_msg *m);
/* Message-ID without angle brackets, or NULL. */
const char *in_msg_message_id(const struct in_msg *m);
/* Ids (no angle brackets) of In-Reply-To and References; *n gets the count. */
const char *const *in_msg_in_reply_to(const struct in_msg *m, size_t *n);
const char *const *in_msg_references(const struct in_msg *m, size_t *n);
/*
 * Every address of Delivered-To, X-Original-To, To and Cc, in that order,
 * each once, normalised like in_msg_from().
 */
const char *const *in_msg_recipients(const struct in_msg *m, size_t *n);

/* Top-level MIME type, lower-case "type/subtype" ("text/plain" if none). */
const char *in_msg_type(const struct in_msg *m);
/* A parameter of the top-level Content-Type (e.g. "report-type"), or NULL. */
const char *in_msg_type_param(const struct in_msg *m, const char *name);

/*
 * The first text/plain part that is not an attachment and not inside an
 * attached message, decoded to UTF-8. A message without one (HTML-only)
 * gives its first such text/html part as text instead (in/htmltext.h:
 * tags dropped, entities decoded, quotations marked "> ", at most
 * HTMLTEXT_MAX bytes). NULL when there is neither.
 */
const char *in_msg_text(const struct in_msg *m, size_t *len);
/* 1 when in_msg_text() is the HTML part made text, for explanations. */
int in_msg_text_is_html(const struct in_msg *m);

/*
 * The body as received, after the header, at most IN_MSG_RAW_MAX bytes:
 * for reading messages whose MIME structure is broken. Not decoded.
 */
#define IN_MSG_RAW_MAX (256u * 1024)
const char *in_msg_raw_body(const struct in_msg *m, size_t *len);

size_t in_msg_nparts(const struct in_msg *m);
const struct in_part *in_msg_part(const struct in_msg *m, size_t i);

/*
 * Header lists for text that carries a header block (text/rfc822-headers,
 * a delivery-status group): parse s[0..len) into h (free with
 * in_hdrs_free); parsing stops at the first line that is not a field.
 */
void in_hdrs_parse(const char *s, size_t len, struct in_hdrs *h);
void in_hdrs_free(struct in_hdrs *h);
/* The nth value of field name (case-insensitive), or NULL. */
const char *in_hdrs_get(const struct in_hdrs *h, const char *name,
    size_t nth);

#endif
