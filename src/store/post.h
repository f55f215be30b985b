/*
 * post: a list post accepted for relaying becomes one queued message per
 * active member (kind 'relay'), each with its own tokens, so bounces and
 * unsubscribes are per member. The poster gets no copy.
 */
#ifndef HERALD_POST_H
#define HERALD_POST_H

#include <stdint.h>

#include "lib/token.h"
#include "store/db.h"

/* Queue the copies (inside the caller's transaction): count or -1. */
long post_queue_relay(struct db *d, int64_t post_id, int64_t list_id,
    const char *poster, const struct token_key *key, const char *domain);

/* Mail to LIST-owner@: a copy to each owner and moderator. */
long post_queue_owners(struct db *d, int64_t post_id, int64_t list_id,
    const char *poster, const struct token_key *key, const char *domain);

/*
 * The owner contact_id forwards post post_id (which reached them through
 * a parent list) to each relay list below it that they own, once per
 * list. Returns the copies queued, or -1.
 */
long post_forward(struct db *d, int64_t post_id, int64_t contact_id,
    const struct token_key *key, const char *domain);

#endif
