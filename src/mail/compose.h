/*
 * compose: an outbound message as RFC 5322 + MIME bytes, built with
 * libetpan's MIME builder. CRLF only, no line over 998 octets, UTF-8
 * bodies in quoted-printable, non-ASCII header text as RFC 2047 words,
 * multipart/alternative when there is HTML or a calendar part.
 *
 * Every string must already be free of CR/LF/NUL where it reaches a
 * header (the template engine and the stores guarantee it); compose
 * checks again and refuses rather than writing a header it did not mean.
 */
#ifndef HERALD_COMPOSE_H
#define HERALD_COMPOSE_H

#include <stdint.h>

#include "lib/buf.h"
#include "mail/qpcache.h"

#define COMPOSE_MAX_EXTRA 16

struct compose_header {
	const char *name;
	const char *value;	/* UTF-8; encoded when needed */
};

struct compose {
	const char *from_name, *from_addr;
	const char *to_name, *to_addr;
	const char *reply_to;		/* address or NULL */
	const char *subject;		/* UTF-8 */
	const char *message_id;		/* without < > */
	const char *in_reply_to;	/* without < >, or NULL */
	const char *references;		/* space-separated ids, or NULL */
	int64_t date;
	struct compose_header extra[COMPOSE_MAX_EXTRA];
	int nextra;
	const char *text;		/* body, LF or CRLF line ends */
	const char *html;		/* or NULL */
	const char *calendar;		/* iCalendar (METHOD:REQUEST) or NULL */
	const char *calendar_method;	/* its METHOD; NULL: REQUEST */
	/* remembers encoded body lines across messages (mail/qpcache.h), or
	 * NULL; the bytes are the same either way */
	struct qpcache *qpcache;
	/* COMPOSE_SCRATCH buffers (buf_init'd, capped at 1 GB or more) kept
	 * by the caller from one message to the next, so that the bodies'
	 * working copies are not allocated anew each time; or NULL */
	struct buf *scratch;
};
#define COMPOSE_SCRATCH 4

/* Append the message to out. -1 with *err set on refusal or overflow. */
int compose_build(const struct compose *m, struct buf *out, const char **err);

/*
 * A Date field value for t, in UTC (+0000). libetpan's mailimf_get_date
 * writes half-hour zones wrongly (India's +0530 as +0550), so herald
 * never uses the local zone. Returns libetpan's struct (the caller, or
 * the fields it joins, frees it); struct mailimf_date_time is opaque here.
 */
struct mailimf_date_time *compose_date(int64_t t);

#endif
