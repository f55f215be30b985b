/*
 * fanout: who gets a copy of a list post. A post accepted for relaying
 * (in/act.c, or a moderator) becomes one queued message per active
 * member (kind 'relay'), each with its own tokens, so bounces and
 * unsubscribes are per member. The poster gets no copy, a member of two
 * lists the post reaches gets one, and a contact who is not active gets
 * none.
 */
#ifndef HERALD_OUT_FANOUT_H
#define HERALD_OUT_FANOUT_H

#include <stdint.h>

#include "lib/token.h"
#include "store/db.h"

/* Queue the copies (inside the caller's transaction): count or -1. */
long fanout_relay(struct db *d, int64_t post_id, int64_t list_id,
    const char *poster, const struct token_key *key, const char *domain);

/* Mail to LIST-owner@: a copy to each owner and moderator. */
long fanout_owners(struct db *d, int64_t post_id, int64_t list_id,
    const char *poster, const struct token_key *key, const char *domain);

/*
 * The owner contact_id forwards post post_id (which reached them through
 * a parent list) to each relay list below it that they own, once per
 * list. Returns the copies queued, or -1.
 */
long fanout_forward(struct db *d, int64_t post_id, int64_t contact_id,
    const struct token_key *key, const char *domain);

#endif
