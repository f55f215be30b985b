/*
 * prep: renders reserved messages ahead, on a thread of its own with its
 * own database connection, so the second core builds the next messages
 * while the sessions drive SMTP. The sender hands it ids; the sessions
 * take finished messages (or the reason one cannot be made), in order,
 * each from its own thread.
 */
#ifndef HERALD_PREP_H
#define HERALD_PREP_H

#include <stdint.h>

#include "conf/conf.h"
#include "lib/token.h"
#include "send/render.h"

struct prep;

struct prep_item {
	int64_t id;
	int failed;			/* 1: err says why */
	int skip;			/* not to be sent at all: cancel it */
	char err[512];
	struct render_out out;
};

/* NULL with err set. The thread opens its own connection to the database. */
struct prep *prep_new(const struct conf *c, const struct token_key *key,
    char *err, size_t errlen);
void prep_free(struct prep **p);
/*
 * Queue ids for rendering (copied): a batch. Before rendering it, the
 * thread compares the templates it has loaded with the disk and loads
 * edited ones again (render_recheck).
 */
void prep_push(struct prep *p, const int64_t *ids, int n);
/* Ids queued but not yet taken by prep_take (rendered or not). */
int prep_backlog(const struct prep *p);
/*
 * The next finished item, waiting for one; NULL once prep_close was
 * called. *backlog receives the ids left after it (rendered or not).
 * Give it back with prep_done once its message is recorded.
 */
struct prep_item *prep_take(struct prep *p, int *backlog);
/*
 * The session that took it is done with it (its outcome handed in).
 * Returns 1 when that was the last: no id is queued, rendered or held.
 */
int prep_done(struct prep *p, struct prep_item *it);
/* Items taken and not yet done: messages a session holds. */
int prep_held(const struct prep *p);
/* 1 when no id is queued, rendered or held. */
int prep_idle(const struct prep *p);
/* Wake every prep_take, now and from now on, with NULL. */
void prep_close(struct prep *p);
/* Drop every id not yet popped; they are copied into ids (max n). */
int prep_drain(struct prep *p, int64_t *ids, int n);
/* Switch to a new config between two renders; returns when done. */
void prep_reconfigure(struct prep *p, const struct conf *c);

#endif
