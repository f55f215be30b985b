/*
 * relay: one member's copy of a list post. The poster's words and
 * attachments go out untouched: only header fields change. From becomes
 * "Poster via LIST" <LIST@lists_domain> (so DMARC holds), Reply-To the
 * poster (relay lists) or the list (discussion lists), and the list
 * fields are added: List-Id, List-Post, List-Unsubscribe, List-Help,
 * Precedence: list, and herald's loop marker. Signatures that the
 * rewrite would break (DKIM-Signature, ARC-*) and read-receipt requests
 * (which would tell the poster every member's address) are removed.
 */
#ifndef HERALD_RELAY_H
#define HERALD_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

struct relay_headers {
	const char *list;		/* NAME */
	const char *lists_domain;
	const char *poster_name;	/* UTF-8, may be "" */
	const char *poster_addr;
	int reply_to_list;		/* discussion lists, or by choice */
	const char *tag;		/* "" or a subject tag, e.g. "net" */
	const char *subject;		/* the post's, decoded (NULL: none) */
	const char *reply_to;		/* overrides both (NULL: none) */
	const char *unsubscribe;	/* "mailto:..." for this member */
	/* "https://.../u/TOKEN" (RFC 8058 one-click), or NULL: none */
	const char *unsubscribe_url;
	/* for a post that lacks them (RFC 5322 asks for both) */
	int64_t date;			/* now */
	const char *message_id;		/* the copy's own, without <> */
	/*
	 * A paragraph of herald's for this member, put before the post in a
	 * text part of its own (the post becomes the second part, its bytes
	 * unchanged), or NULL. UTF-8, LF or CRLF line ends.
	 */
	const char *note;
};

/* Append the member's copy of raw to out. -1 with *err on refusal. */
int relay_build(const char *raw, size_t len, const struct relay_headers *h,
    struct buf *out, const char **err);

/*
 * A post made ready once for all its copies to one list, for copies
 * without a note: its fields rewritten and tagged, its body with CRLF
 * line ends. relay_prep_build adds what differs per member (the list
 * fields, a Date and Message-ID for a post that lacks them); the bytes
 * are relay_build's. tag and subject are relay_headers' and must be the
 * same as those given to relay_prep_build. The struct owns its buffers.
 */
struct relay_prep {
	struct buf fields;	/* the post's own fields, rewritten */
	struct buf body;	/* the blank line, then the body */
	int has_date, has_mid;	/* the post has a Date, a Message-ID */
};
/* 0, or -1 (nothing to free) when the post is too large. */
int relay_prep_init(struct relay_prep *p, const char *raw, size_t len,
    const char *tag, const char *subject);
void relay_prep_free(struct relay_prep *p);
int relay_prep_build(const struct relay_prep *p, const struct relay_headers *h,
    struct buf *out, const char **err);
/* Does the decoded subject hold "[tag]" already (any case)? */
int relay_has_tag(const char *subject, const char *tag);
/* The loop marker header's name. */
#define RELAY_LOOP_HEADER "X-Herald-Loop"
/* Bytes of a subject tag, and of a poster's name in From, at most. */
#define RELAY_TAG_MAX 40
/*
 * The largest post relayed (bytes as read): every member's copy is built
 * in memory, and a larger one is held for a moderator, who can only
 * reject it. Attachments that size belong on a web page.
 */
#define RELAY_POST_MAX (3 * 1024 * 1024)
#define RELAY_NAME_MAX 200

#endif
