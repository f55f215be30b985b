/*
 * render_int: what render.c and render_relay.c share, outside the
 * public interface of render.h.
 */
#ifndef HERALD_RENDER_INT_H
#define HERALD_RENDER_INT_H

#include "send/render.h"

/*
 * The last post relayed, made ready once for all its copies (a fan-out
 * renders the copies of one post one after the other). One per struct
 * render, so one per thread, without a lock.
 */
struct render_relay_cache;

struct render_relay_cache *render_relay_cache_new(void);
void render_relay_cache_free(struct render_relay_cache **c);
/* render_relay(), the post taken from c when it is the same post. */
int render_relay_cached(struct render_relay_cache *c, struct db *d,
    const struct conf *conf, const struct token_key *k, int64_t msg_id,
    struct render_out *out, char *err, size_t errlen);

#endif
