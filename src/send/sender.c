/*
 * sender: see sender.h. This file is the loop thread's part: it
 * reserves due rows for prep to render, keeps the list of campaigns on
 * hold, and commits the outcomes the sessions hand in, in batches. The
 * sessions (session.c) do everything a message needs on their own
 * threads; docs/design.md "The sender's threads" says why.
 */
#include "send/sender.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "send/sender_int.h"

static void sender_on_timer(struct loop *, void *);

/* ---- what the sessions hand in ---- */

static struct result *
batch_result(struct sender_batch *b)
{
	if (b->nresults == b->results_cap) {
		b->results_cap = b->results_cap ? b->results_cap * 2 : 64;
		b->results = xrealloc(b->results,
		    (size_t)b->results_cap * sizeof *b->results);
	}
	return &b->results[b->nresults++];
}

static struct release *
batch_release(struct sender_batch *b)
{
	if (b->nreleases == b->releases_cap) {
		b->releases_cap = b->releases_cap ? b->releases_cap * 2 : 64;
		b->releases = xrealloc(b->releases,
		    (size_t)b->releases_cap * sizeof *b->releases);
	}
	return &b->releases[b->nreleases++];
}

/* Move what is in from to the end of to. */
static void
batch_take(struct sender_batch *to, struct sender_batch *from)
{
	int i;

	for (i = 0; i < from->nresults; i++)
		*batch_result(to) = from->results[i];
	for (i = 0; i < from->nreleases; i++)
		*batch_release(to) = from->releases[i];
	from->nresults = from->nreleases = 0;
}

static void
batch_free(struct sender_batch *b)
{
	free(b->results);
	free(b->releases);
	memset(b, 0, sizeof *b);
}

void
sender_poke(struct sender *s)
{
	/* one byte until the loop looks: a full pipe means "look" too */
	if (!atomic_exchange(&s->poked, 1))
		(void)!write(s->done_pipe[1], "d", 1);
}

/*
 * The loop wakes for the first outcome of a batch (to time it) and for a
 * full one; the ones between wait for the batch's timer.
 */
static void
sender_handed_in(struct sender *s, int n)
{
	if (n == 1 || n >= SENDER_BATCH)
		sender_poke(s);
}

void
sender_add_result(struct sender *s, int64_t id, enum queue_outcome o,
    const char *reply, const char *server, const char *subject)
{
	struct result *r;
	int n;

	pthread_mutex_lock(&s->mu);
	r = batch_result(&s->in);
	r->id = id;
	r->outcome = o;
	snprintf(r->reply, sizeof r->reply, "%s", reply);
	snprintf(r->server, sizeof r->server, "%s", server ? server : "");
	snprintf(r->subject, sizeof r->subject, "%s", subject ? subject : "");
	n = s->in.nresults + s->in.nreleases;
	pthread_mutex_unlock(&s->mu);
	sender_handed_in(s, n);
}

void
sender_add_release(struct sender *s, int64_t id, const char *state)
{
	struct release *r;

	pthread_mutex_lock(&s->mu);
	r = batch_release(&s->in);
	r->id = id;
	r->state = state;
	pthread_mutex_unlock(&s->mu);
	/* releases are recorded at once (sender_commit): a held campaign's
	 * messages go back to the queue without waiting for a batch */
	sender_poke(s);
}

/* ---- the pump ---- */

/* The campaigns on hold, read again after the database changed. */
static void
sender_load_holds(struct sender *s)
{
	struct queue_hold *v = NULL;
	int cap = 0, n = queue_holds(s->db, &v, &cap);

	if (n < 0) {
		log_warnx("sender: cannot read the campaigns' states: %s",
		    db_errmsg(s->db));
		free(v);
		return;
	}
	pthread_mutex_lock(&s->mu);
	free(s->holds);
	s->holds = v;
	s->nholds = n;
	s->holds_cap = cap;
	pthread_mutex_unlock(&s->mu);
	s->holds_stale = 0;
}

/* Keep prep a reservation ahead of the sessions. */
static void
sender_refill(struct sender *s, int64_t now)
{
	int max = s->nsess * SENDER_RESERVE_PER_SESSION, n;

	if (atomic_load(&s->stopping) || now < s->idle_until ||
	    prep_backlog(s->prep) > s->low_water)
		return;
	n = queue_reserve(s->db, s->claim, now, max, s->pool);
	/* the comparison: outcome commits as unsynced as before */
	if (s->nosync)
		sqlite3_exec(s->db->h, "PRAGMA synchronous=NORMAL", NULL, NULL,
		    NULL);
	if (n < 0) {
		log_warnx("sender: cannot reserve messages: %s",
		    db_errmsg(s->db));
		return;
	}
	/* the scheduler, on this same connection, may have set a campaign
	 * sending again (its follow-ups): data_version does not see it */
	if (n > 0)
		sender_load_holds(s);
	prep_push(s->prep, s->pool, n);
	if (n == 0)		/* nothing due: look again on the next tick */
		s->idle_until = now + 1;
}

/* Record the batch in one transaction; -1 when it must wait. */
static int
sender_record(struct sender *s, const struct sender_batch *b)
{
	struct queue_retry r = { s->conf->smtp_retry_min,
	    s->conf->smtp_retry_max, s->conf->smtp_give_up };
	int64_t now = time_now();
	int i, rc = 0;

	if (db_begin(s->db) == -1) {
		log_warnx("sender: database busy, outcomes wait in the journal: "
		    "%s", db_errmsg(s->db));
		return -1;
	}
	for (i = 0; rc == 0 && i < b->nresults; i++)
		rc = queue_result(s->db, b->results[i].id,
		    b->results[i].outcome, b->results[i].reply, &r, now,
		    b->results[i].server, b->results[i].subject);
	for (i = 0; rc == 0 && i < b->nreleases; i++)
		rc = queue_release(s->db, b->releases[i].id,
		    b->releases[i].state);
	if (rc == -1 || db_commit(s->db) == -1) {
		db_rollback(s->db);
		log_warnx("sender: cannot record outcomes yet: %s",
		    db_errmsg(s->db));
		return -1;
	}
	return 0;
}

/* The database holds the batch now: the journal forgets its marks. */
static void
sender_settle(struct sender *s, struct sender_batch *b)
{
	int64_t ids[256];
	size_t n = 0;
	int i;

	for (i = 0; i < b->nresults + b->nreleases; i++) {
		ids[n++] = i < b->nresults ? b->results[i].id :
		    b->releases[i - b->nresults].id;
		if (n == sizeof ids / sizeof ids[0] ||
		    i + 1 == b->nresults + b->nreleases) {
			journal_settle(&s->journal, ids, n);
			n = 0;
		}
	}
	b->nresults = b->nreleases = 0;
	if (journal_rotate(&s->journal) == -1)
		log_warn("sender: journal %s", s->journal.path);
}

/*
 * Outcomes and releases reach the database in one transaction; then the
 * journal need only hold what is not settled. With force 0 this waits
 * for a full batch or SENDER_BATCH_MS, unless no message is left in
 * flight or ahead (nothing more could join the batch: the end of a
 * campaign shows in the database at once). Until then the outcomes stay in
 * s->in, so that only the first of a batch wakes the loop
 * (sender_handed_in): taking each into s->mine as it came made every
 * outcome the first of a new batch, and every message woke the loop.
 */
static void
sender_commit(struct sender *s, int force)
{
	struct sender_batch *b = &s->mine;
	int64_t now = loop_now_ms(), age;
	int wait, idle = prep_idle(s->prep);

	pthread_mutex_lock(&s->mu);
	if (s->in.nresults + s->in.nreleases == 0) {
		pthread_mutex_unlock(&s->mu);
		if (b->nresults + b->nreleases == 0)
			return;
	} else {
		if (s->batch_ms == 0)
			s->batch_ms = now;
		age = now - s->batch_ms;
		/* after a failed batch, the new outcomes join it and the
		 * whole is tried again now */
		wait = !force && b->nresults + b->nreleases == 0 &&
		    s->in.nresults < SENDER_BATCH && s->in.nreleases == 0 &&
		    age < SENDER_BATCH_MS && !idle;
		if (!wait) {
			batch_take(b, &s->in);
			s->batch_ms = 0;
		}
		pthread_mutex_unlock(&s->mu);
		if (wait) {
			loop_timer(s->loop, SENDER_BATCH_MS - age,
			    sender_on_timer, s);
			return;
		}
	}
	if (sender_record(s, b) == -1) {
		loop_timer(s->loop, 500, sender_on_timer, s);
		return;
	}
	sender_settle(s, b);
}

void
sender_pump(struct sender *s)
{
	if (s->holds_stale)
		sender_load_holds(s);
	sender_refill(s, time_now());
	sender_commit(s, atomic_load(&s->stopping));
}

void
sender_wake(struct sender *s)
{
	s->idle_until = 0;
	/* a campaign may have been paused, resumed or cancelled */
	s->holds_stale = 1;
}

/* A session handed something in, or runs low. */
static void
sender_on_done(struct loop *l, int fd, int revents, void *arg)
{
	struct sender *s = arg;
	char drain[64];

	(void)l;
	(void)revents;
	/*
	 * Drained first, cleared after: a poke made between the two writes
	 * nothing, and the pump after this round sees what it was for. The
	 * other order let a poke's byte be drained with the flag left set,
	 * and no poke woke the loop again (the sessions idled until a timer).
	 */
	while (read(fd, drain, sizeof drain) > 0)
		;
	atomic_store(&s->poked, 0);
	s->need_pump = 1;
}

/*
 * After each poll round: one pump, so every outcome handed in during the
 * round is recorded in one commit.
 */
static void
sender_after_round(struct loop *l, void *arg)
{
	struct sender *s = arg;

	(void)l;
	if (s->need_pump) {
		s->need_pump = 0;
		sender_pump(s);
	}
}

/* herald's own timer: batches, retries */
static void
sender_on_timer(struct loop *l, void *arg)
{
	struct sender *s = arg;

	(void)l;
	s->need_pump = 1;
}

/* ---- life ---- */

static int
sender_configure(struct sender *s, const struct conf *c, char *err,
    size_t errlen)
{
	struct sender_server v[SENDER_MAX_SERVERS];
	int i, n = conf_nsmtp(c);

	if (n > SENDER_MAX_SERVERS)
		n = SENDER_MAX_SERVERS;
	memset(v, 0, sizeof v);
	for (i = 0; i < n; i++)
		if (server_load(&v[i], conf_smtp(c, i), c, err, errlen) == -1) {
			while (i >= 0)
				server_free(&v[i--]);
			return -1;
		}
	/* the caller frees the old config: never keep a pointer to it */
	s->conf = c;
	pthread_mutex_lock(&s->mu);
	for (i = 0; i < s->nservers; i++)
		server_free(&s->servers[i]);
	memcpy(s->servers, v, sizeof v);
	if (s->nservers != n) {
		if (s->nservers)
			relays_free(&s->relays);
		relays_init(&s->relays, n);
	}
	s->nservers = n;
	s->rate = c->smtp_rate;
	/* sessions take it before their next message (session_turn) */
	s->server_gen++;
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static void
sender_free_parts(struct sender *s)
{
	int i;

	/* no session takes anything more; each is cut and joined */
	if (s->prep)
		prep_close(s->prep);
	for (i = 0; i < s->nsess; i++)
		session_free(&s->sess[i]);
	prep_free(&s->prep);
	if (s->done_pipe[0] > 0) {
		loop_unwatch(s->loop, s->done_pipe[0]);
		close(s->done_pipe[0]);
		close(s->done_pipe[1]);
	}
	if (s->journal.path)
		journal_close(&s->journal);
	for (i = 0; i < s->nservers; i++)
		server_free(&s->servers[i]);
	if (s->nservers)
		relays_free(&s->relays);
	batch_free(&s->in);
	batch_free(&s->mine);
	free(s->holds);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

struct sender *
sender_new(struct db *d, const struct conf *c, const struct token_key *key,
    struct loop *l, const char *claim, int nosync, char *err, size_t errlen)
{
	struct sender *s = xcalloc(1, sizeof *s);
	int n;

	s->db = d;
	s->loop = l;
	s->nosync = nosync;
	s->holds_stale = 1;
	pthread_mutex_init(&s->mu, NULL);
	snprintf(s->claim, sizeof s->claim, "%s", claim);
	if (sender_configure(s, c, err, errlen) == -1 ||
	    (s->prep = prep_new(c, key, err, errlen)) == NULL)
		goto fail;
	if (pipe2(s->done_pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	snprintf(err, errlen, "%s.journal", c->database);
	if (journal_open(&s->journal, err, nosync) == -1) {
		snprintf(err, errlen, "%s.journal: %s", c->database,
		    strerror(errno));
		goto fail;
	}
	loop_watch(l, s->done_pipe[0], POLLIN, sender_on_done, s);
	sender_load_holds(s);
	n = (int)(c->smtp_connections < SENDER_MAX_SESSIONS ?
	    c->smtp_connections : SENDER_MAX_SESSIONS);
	/* set before any session runs: they read it, never s->nsess */
	s->low_water = n * SENDER_RESERVE_PER_SESSION / 4;
	for (s->nsess = 0; s->nsess < n; s->nsess++)
		if (session_init(s, &s->sess[s->nsess]) == -1) {
			snprintf(err, errlen, "cannot start an SMTP session's "
			    "thread");
			goto fail;
		}
	loop_after_round(l, sender_after_round, s);
	return s;
fail:
	sender_free_parts(s);
	return NULL;
}

void
sender_reconfigure(struct sender *s, const struct conf *c)
{
	char err[512];

	if (sender_configure(s, c, err, sizeof err) == -1)
		log_warnx("sender: keeping the old SMTP password: %s", err);
	prep_reconfigure(s->prep, c);
}

/* Give session x up; its outcome is handed in here, not by its thread. */
static int
sender_abandon_one(struct sender *s, struct session *x)
{
	int64_t id;
	int busy, whole;

	pthread_mutex_lock(&x->mu);
	busy = x->busy && !x->abandoned;
	id = x->msg_id;
	/* the whole message went to curl: the dot may be out */
	whole = session_cut_locked(x);
	if (busy)
		x->abandoned = 1;	/* its thread's outcome is dropped */
	pthread_mutex_unlock(&x->mu);
	if (!busy)
		return 0;
	if (whole) {
		const char *why = "heraldd stopped while waiting for the "
		    "reply to the end of DATA: it may have been delivered";

		journal_done(&s->journal, id, (int)QUEUE_UNCERTAIN,
		    time_now(), why);
		sender_add_result(s, id, QUEUE_UNCERTAIN, why, x->srv.name,
		    x->out.subject);
	} else
		sender_add_release(s, id, QUEUE_S_QUEUED);
	return 1;
}

int
sender_abandon(struct sender *s)
{
	int i, n = 0;

	for (i = 0; i < s->nsess; i++)
		n += sender_abandon_one(s, &s->sess[i]);
	sender_commit(s, 1);
	return n;
}

void
sender_stop(struct sender *s)
{
	int i, n;

	if (atomic_exchange(&s->stopping, 1))
		return;
	/* a session asleep for the rate or a resting server gives its
	 * message back now */
	for (i = 0; i < s->nsess; i++) {
		pthread_mutex_lock(&s->sess[i].mu);
		pthread_cond_signal(&s->sess[i].wake);
		pthread_mutex_unlock(&s->sess[i].mu);
	}
	/* reservations never taken go back to the queue */
	n = prep_drain(s->prep, s->pool, (int)(sizeof s->pool /
	    sizeof s->pool[0]));
	for (i = 0; i < n; i++)
		sender_add_release(s, s->pool[i], QUEUE_S_QUEUED);
	sender_commit(s, 1);
}

int
sender_idle(const struct sender *s)
{
	struct sender *q = (struct sender *)s;
	int n;

	if (prep_held(s->prep) > 0)
		return 0;
	pthread_mutex_lock(&q->mu);
	n = q->in.nresults + q->in.nreleases;
	pthread_mutex_unlock(&q->mu);
	return n == 0 && s->mine.nresults == 0 && s->mine.nreleases == 0;
}

void
sender_free(struct sender **sp)
{
	if (*sp == NULL)
		return;
	sender_free_parts(*sp);
	*sp = NULL;
}
