/* prep: see prep.h. */
#include "send/prep.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "store/db.h"

/* How far ahead the thread renders: enough to keep every session busy,
 * and no more than PREP_AHEAD_BYTES of messages (a 3 MB post relayed to
 * a large list would otherwise hold 64 copies at once). */
#define PREP_AHEAD 64
#define PREP_AHEAD_BYTES (16 * 1024 * 1024)
/* A spare item's buffer larger than this is given back to the system. */
#define PREP_KEEP_BYTES (1024 * 1024)
#define PREP_IDS_MAX 8192
/* Rendered in one read transaction and handed back together. */
#define PREP_BATCH 16

struct prep {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;		/* ids to render, or a command */
	pthread_cond_t done;		/* a reconfigure was applied */
	pthread_cond_t ready_cv;	/* items ready, or closed */
	struct db *db;			/* the thread's own connection */
	struct render *render;
	const struct conf *conf, *new_conf;
	int stop;
	int closed;			/* prep_take gives NULL */
	int held;			/* taken, not let go */
	int recheck;			/* a batch came: templates on disk? */
	/* ids waiting, a ring */
	int64_t ids[PREP_IDS_MAX];
	int head, count;
	/* finished items, in order, and spare ones */
	struct prep_item *ready[PREP_AHEAD];
	int rhead, rcount;
	struct prep_item *spare[PREP_AHEAD + 1];
	int nspare;
	int rendering;			/* ids the thread holds now */
	size_t ready_bytes;		/* of the items in ready */
};

static struct prep_item *
prep_item_get(struct prep *p)
{
	struct prep_item *it;

	if (p->nspare > 0)
		return p->spare[--p->nspare];
	it = xcalloc(1, sizeof *it);
	render_out_init(&it->out);
	return it;
}

/* One id -> one item, outside the lock (rendering takes time). */
static void
prep_render_one(struct prep *p, int64_t id, struct prep_item *it)
{
	int rc = render_message(p->render, id, &it->out, it->err,
	    sizeof it->err);

	it->id = id;
	it->failed = rc == -1;
	it->skip = rc == RENDER_SKIP;
}

/*
 * A batch is rendered in one read transaction: its reads (relay flag,
 * message row, contact, attributes) share one snapshot and one round of
 * SQLite's file locks instead of four per message. A failed BEGIN only
 * means each read takes its own.
 */
static void
prep_render_batch(struct prep *p, const int64_t *ids, struct prep_item **its,
    int n)
{
	int i, tx;

	tx = db_begin_read(p->db) == 0;
	for (i = 0; i < n; i++)
		prep_render_one(p, ids[i], its[i]);
	if (tx)
		db_end_read(p->db);
}

/* How many ids the next batch may take (under p->mu). */
static int
prep_room(const struct prep *p)
{
	int n = PREP_AHEAD - p->rcount - p->rendering;

	if (p->ready_bytes >= PREP_AHEAD_BYTES)
		return 0;
	n = n < p->count ? n : p->count;
	if (n > PREP_BATCH)
		n = PREP_BATCH;
	/*
	 * Room for part of a batch, more ids waiting, and a batch still
	 * ready: wait for a whole batch's room. Woken for each message
	 * taken, the thread rendered them one at a time, each in its own
	 * read transaction, with a thread switch for every message.
	 */
	if (n < PREP_BATCH && n < p->count && p->rcount >= PREP_BATCH)
		return 0;
	return n;
}

/*
 * Templates edited on disk are picked up here, at the start of each
 * batch (each prep_push): render_recheck() only marks the cache, and
 * the stat(2) calls and any reload happen in render_message(), on this
 * thread, between two renders. p->render is this thread's alone once it
 * runs (the loop thread never touches it; a reconfigure is applied here
 * too), so a template is never freed while another thread renders it,
 * and the loop thread's only part is setting p->recheck under p->mu.
 * Items come back a batch at a time: one lock round and one wake-up
 * per batch, not per message.
 */
static void *
prep_main(void *arg)
{
	struct prep *p = arg;
	struct prep_item *its[PREP_BATCH];
	int64_t ids[PREP_BATCH];

	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		int i, n, recheck;

		if (p->new_conf) {
			render_reset(p->render, p->new_conf);
			p->conf = p->new_conf;
			p->new_conf = NULL;
			pthread_cond_broadcast(&p->done);
		}
		if ((n = prep_room(p)) == 0) {
			pthread_cond_wait(&p->work, &p->mu);
			continue;
		}
		for (i = 0; i < n; i++) {
			ids[i] = p->ids[p->head];
			p->head = (p->head + 1) % PREP_IDS_MAX;
			its[i] = prep_item_get(p);
		}
		p->count -= n;
		p->rendering = n;
		recheck = p->recheck;
		p->recheck = 0;
		pthread_mutex_unlock(&p->mu);
		if (recheck)
			render_recheck(p->render);
		prep_render_batch(p, ids, its, n);
		pthread_mutex_lock(&p->mu);
		p->rendering = 0;
		for (i = 0; i < n; i++) {
			p->ready[(p->rhead + p->rcount++) % PREP_AHEAD] = its[i];
			p->ready_bytes += its[i]->out.data.len;
		}
		pthread_cond_broadcast(&p->ready_cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct prep *
prep_new(const struct conf *c, const struct token_key *key, char *err,
    size_t errlen)
{
	struct prep *p = xcalloc(1, sizeof *p);

	if ((p->db = db_open(c->database, 0, err, errlen)) == NULL) {
		free(p);
		return NULL;
	}
	p->conf = c;
	p->render = render_new(p->db, c, key);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	pthread_cond_init(&p->ready_cv, NULL);
	if (pthread_create(&p->thread, NULL, prep_main, p) != 0) {
		snprintf(err, errlen, "cannot start the render thread");
		render_free(&p->render);
		db_close(&p->db);
		free(p);
		return NULL;
	}
	return p;
}

/* A large buffer is given back rather than kept for the next message. */
static void
prep_item_shrink(struct prep_item *it)
{
	if (it->out.data.size > PREP_KEEP_BYTES) {
		render_out_free(&it->out);
		render_out_init(&it->out);
	}
}

static void
prep_item_free(struct prep_item *it)
{
	render_out_free(&it->out);
	free(it);
}

void
prep_free(struct prep **pp)
{
	struct prep *p = *pp;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	while (p->rcount > 0) {
		prep_item_free(p->ready[p->rhead]);
		p->rhead = (p->rhead + 1) % PREP_AHEAD;
		p->rcount--;
	}
	while (p->nspare > 0)
		prep_item_free(p->spare[--p->nspare]);
	render_free(&p->render);
	db_close(&p->db);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->ready_cv);
	free(p);
	*pp = NULL;
}

void
prep_push(struct prep *p, const int64_t *ids, int n)
{
	int i;

	pthread_mutex_lock(&p->mu);
	for (i = 0; i < n && p->count < PREP_IDS_MAX; i++)
		p->ids[(p->head + p->count++) % PREP_IDS_MAX] = ids[i];
	if (n > 0)
		p->recheck = 1;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

int
prep_backlog(const struct prep *p)
{
	struct prep *q = (struct prep *)p;
	int n;

	pthread_mutex_lock(&q->mu);
	n = q->count + q->rcount + q->rendering;
	pthread_mutex_unlock(&q->mu);
	return n;
}

struct prep_item *
prep_take(struct prep *p, int *backlog)
{
	struct prep_item *it = NULL;

	pthread_mutex_lock(&p->mu);
	while (p->rcount == 0 && !p->closed)
		pthread_cond_wait(&p->ready_cv, &p->mu);
	if (!p->closed) {
		it = p->ready[p->rhead];
		p->rhead = (p->rhead + 1) % PREP_AHEAD;
		p->rcount--;
		p->ready_bytes -= it->out.data.len;
		p->held++;
		if (prep_room(p) > 0)	/* room to render ahead */
			pthread_cond_signal(&p->work);
	}
	*backlog = p->count + p->rcount + p->rendering;
	pthread_mutex_unlock(&p->mu);
	return it;
}

int
prep_held(const struct prep *p)
{
	struct prep *q = (struct prep *)p;
	int n;

	pthread_mutex_lock(&q->mu);
	n = q->held;
	pthread_mutex_unlock(&q->mu);
	return n;
}

void
prep_close(struct prep *p)
{
	pthread_mutex_lock(&p->mu);
	p->closed = 1;
	pthread_cond_broadcast(&p->ready_cv);
	pthread_mutex_unlock(&p->mu);
}

static int
prep_idle_locked(const struct prep *p)
{
	return p->held == 0 && p->count + p->rcount + p->rendering == 0;
}

int
prep_done(struct prep *p, struct prep_item *it)
{
	int last;

	prep_item_shrink(it);
	pthread_mutex_lock(&p->mu);
	p->held--;
	if (p->nspare < PREP_AHEAD + 1)
		p->spare[p->nspare++] = it;
	else
		prep_item_free(it);
	last = prep_idle_locked(p);
	pthread_mutex_unlock(&p->mu);
	return last;
}

int
prep_idle(const struct prep *p)
{
	struct prep *q = (struct prep *)p;
	int idle;

	pthread_mutex_lock(&q->mu);
	idle = prep_idle_locked(q);
	pthread_mutex_unlock(&q->mu);
	return idle;
}

int
prep_drain(struct prep *p, int64_t *ids, int n)
{
	int got = 0;

	pthread_mutex_lock(&p->mu);
	/* wait for the render in progress: its id must not be lost */
	while (p->rendering) {
		pthread_mutex_unlock(&p->mu);
		usleep(1000);
		pthread_mutex_lock(&p->mu);
	}
	while (p->rcount > 0) {
		struct prep_item *it = p->ready[p->rhead];

		if (got < n)
			ids[got++] = it->id;
		p->rhead = (p->rhead + 1) % PREP_AHEAD;
		p->rcount--;
		p->ready_bytes -= it->out.data.len;
		if (p->nspare < PREP_AHEAD + 1) {
			prep_item_shrink(it);
			p->spare[p->nspare++] = it;
		} else
			prep_item_free(it);
	}
	while (p->count > 0) {
		if (got < n)
			ids[got++] = p->ids[p->head];
		p->head = (p->head + 1) % PREP_IDS_MAX;
		p->count--;
	}
	pthread_mutex_unlock(&p->mu);
	return got;
}

void
prep_reconfigure(struct prep *p, const struct conf *c)
{
	pthread_mutex_lock(&p->mu);
	p->new_conf = c;
	pthread_cond_signal(&p->work);
	while (p->new_conf != NULL)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}
