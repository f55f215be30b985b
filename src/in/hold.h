/*
 * hold: posts held for a decision. A held post waits for the list's
 * moderators (who are told), or for its own sender to confirm it when
 * the list asks for proof (post_check confirm): then only the From
 * address is asked, once, and a forger's victim gets one message it can
 * ignore. Held posts expire after moderation.expire.
 *
 * Every notice goes through out/notice.h. Posters are told of a
 * rejection or an expiry only when their mail may be answered at all
 * (the inbound row's flags, set by in/act.c) and only when they were
 * not merely asked to confirm: an unconfirmed From is a claim.
 */
#ifndef HERALD_IN_HOLD_H
#define HERALD_IN_HOLD_H

#include <stdint.h>

#include "lib/token.h"
#include "store/db.h"

/* Tell each owner and moderator of list_id that post_id is held (one
 * notice each, rate-limited). Returns how many were queued, or -1. */
long hold_notify(struct db *d, const struct token_key *key,
    const char *domain, int64_t list_id, int64_t post_id);
/*
 * Ask from, the post's sender, to confirm post_id (single-use token,
 * valid ttl seconds). *what gets a line for the log. 0 or -1.
 */
int hold_ask_poster(struct db *d, const struct token_key *key,
    const char *domain, int64_t list_id, int64_t post_id, const char *from,
    int64_t ttl, char *what, size_t whatlen);
/* Tell the poster of post_id, once, what became of it ("held-expired",
 * "held-rejected"), when it may be told. 0 or -1. */
int hold_tell_poster(struct db *d, const struct token_key *key,
    const char *domain, int64_t list_id, int64_t post_id, const char *email,
    const char *text);
/* Expire posts held longer than expire seconds, telling each poster
 * once. Returns how many or -1. */
long hold_expire(struct db *d, const struct token_key *key,
    const char *domain, int64_t expire);

#endif
