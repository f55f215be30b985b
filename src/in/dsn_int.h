/*
 * dsn internals, shared by the files of the dsn module only:
 *   dsn.c          the entry point, text helpers, status codes, the notice
 *                  text and the Amazon SES notifications;
 *   dsn_rfc3464.c  delivery-status fields (RFC 3464), in parts or pasted;
 *   dsn_mdn.c      read receipts (RFC 8098 disposition notifications);
 *   dsn_shape.c    is it from a mail system, does it read like a notice:
 *                  senders, subjects, the phrases each MTA writes;
 *   dsn_delay.c    the words of delay warnings (en, es, fr, de, pt, it);
 *   dsn_text.c     what the words of a notice say when no code does;
 *   dsn_rcpt.c     who failed and how, read from a notice's text;
 *   dsn_lead.c     the lines that state a failure ("could not be
 *                  delivered to:", "Failed Recipients:", transcripts).
 */
#ifndef HERALD_IN_DSN_INT_H
#define HERALD_IN_DSN_INT_H

#include <stddef.h>

#include "in/dsn.h"
#include "in/msg.h"

/*
 * Notices worth reading are a few kilobytes; reading at most this much of
 * any text keeps a hostile 10 MB body from costing seconds of searching.
 */
#define DSN_TEXT_MAX (32u * 1024)
#define DSN_DIAG_MAX 400

struct dsn_span {
	const char *s;
	const char *end;
};

/* The notice: the human-readable text, up to the returned copy. */
struct dsn_ctx {
	const struct in_msg *m;
	struct dsn_report *r;
	char *text;		/* owned: capped copy of the notice part */
	struct dsn_span notice;	/* text up to the returned message */
	struct dsn_span rest;	/* the returned message when inline */
	const struct in_hdrs *orig;	/* header of the returned message */
	struct in_hdrs inline_orig;
	/* what the whole notice says, read once for all its recipients */
	int notice_read;
	int notice_found;
	char notice_st[16];
	const char *notice_where;
};

/* What the words say, when no code does. */
enum dsn_why {
	DSN_WHY_USER,		/* the mailbox does not exist */
	DSN_WHY_DISABLED,
	DSN_WHY_FULL,
	DSN_WHY_HOST,
	DSN_WHY_SIZE,
	DSN_WHY_POLICY,
	DSN_WHY_EXPIRED,
	DSN_WHY_ADDRESS		/* something about the address, not what */
};

struct dsn_phrase {
	const char *text;
	const char *status;
	enum dsn_why why;
};

/* dsn.c: small text helpers */
char *dsn_msgid(const char *v);
const char *dsn_find(struct dsn_span t, const char *needle);
struct dsn_span dsn_span_of(const char *s);
const char *dsn_eol(const char *p, const char *end);
const char *dsn_bol(const char *start, const char *p);
int dsn_digit(int c);
int dsn_alnum(int c);
char *dsn_oneline(const char *p, const char *end);

/* dsn.c: status codes */
int dsn_reply_at(const char *start, const char *p, const char *end);
const char *dsn_find_status(struct dsn_span t, char out[16]);
const char *dsn_find_reply(struct dsn_span t, int *code);
int dsn_generic(const char *status);

/* dsn_text.c: what the words say */
int dsn_read_status(struct dsn_span t, char status[16], const char **where);
void dsn_judge(struct dsn_rcpt *rc, struct dsn_span said);
void dsn_text_mta(struct dsn_ctx *c);

/* dsn_shape.c: from a mail system, and is it a bounce */
int dsn_has(const char *v, const char *const *list, size_t n);
int dsn_from_system(const struct in_msg *m);
int dsn_bounce_subject(const char *s);
int dsn_is_arf(const struct in_msg *m);
int dsn_looks_like_bounce(const struct dsn_ctx *c, const char **source);

/* dsn_delay.c: still being tried (static words, or NULL) */
const char *dsn_delay_text(const struct dsn_ctx *c);
const char *dsn_delay_subject(const char *s);
const char *dsn_delay_why(const struct dsn_ctx *c);

/* dsn_mdn.c: read receipts */
int dsn_is_mdn(const struct in_msg *m);
void dsn_mdn(const struct in_msg *m, struct dsn_report *r);

/* dsn_rcpt.c: recipients and their status from the text */
char *dsn_host_at(const char *p);
char *dsn_addr_around(const char *s, const char *end, const char *at,
    const char **a0, const char **a1);
struct dsn_rcpt *dsn_add(struct dsn_report *r, const char *addr);
struct dsn_rcpt *dsn_add_addr(struct dsn_report *r, const char *raw);
int dsn_is_ours(const struct dsn_ctx *c, const char *addr);
int dsn_is_sender_side(const struct dsn_ctx *c, const char *addr);
int dsn_is_contact(struct dsn_span t, const char *at);
char *dsn_line_addr(const char *line, const char *eol);
void dsn_text_rcpts(struct dsn_ctx *c);
void dsn_text_status(struct dsn_ctx *c, struct dsn_rcpt *rc);

/* dsn_lead.c: the lines that state a failure */
void dsn_lead_rcpts(struct dsn_ctx *c);
void dsn_transcript_rcpts(struct dsn_ctx *c);
void dsn_aol_rcpts(struct dsn_ctx *c);

/* dsn_rfc3464.c: delivery-status fields */
enum dsn_action dsn_action_of(const char *v);
char *dsn_typed_addr(const char *v);
void dsn_fields(struct dsn_ctx *c, const char *s, size_t len);
void dsn_rfc3464(struct dsn_ctx *c);

#endif
