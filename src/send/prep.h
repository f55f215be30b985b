/*
 * prep: renders reserved messages ahead, on a thread of its own with its
 * own database connection, so the second core builds the next messages
 * while the poll loop drives SMTP. The sender hands it ids; it hands back
 * finished messages (or the reason one cannot be made), in order, and
 * wakes the loop through a pipe.
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
/* The descriptor that becomes readable when items are ready. */
int prep_fd(const struct prep *p);
/*
 * Queue ids for rendering (copied): a batch. Before rendering it, the
 * thread compares the templates it has loaded with the disk and loads
 * edited ones again (render_recheck).
 */
void prep_push(struct prep *p, const int64_t *ids, int n);
/* Ids queued but not yet taken by prep_pop (rendered or not). */
int prep_backlog(const struct prep *p);
/* Next finished item, or NULL. Give it back with prep_recycle. */
struct prep_item *prep_pop(struct prep *p);
void prep_recycle(struct prep *p, struct prep_item *it);
/* Drop every id not yet popped; they are copied into ids (max n). */
int prep_drain(struct prep *p, int64_t *ids, int n);
/* Switch to a new config between two renders; returns when done. */
void prep_reconfigure(struct prep *p, const struct conf *c);

#endif
