/*
 * sender_int.h: what sender.c (the loop thread's bookkeeping),
 * session.c (each SMTP session's thread) and server.c (a server's
 * settings) share. Not for other modules: see sender.h.
 *
 * Who owns what:
 *  - s->mu guards the sender's shared state: the outcomes and releases
 *    the sessions hand in, the servers and their rests, the rate limit,
 *    the campaigns on hold.
 *  - x->mu guards what the loop thread needs of a running session to
 *    give it up (busy, cut, body_done, fd, abandoned).
 *  - the journal and prep have locks of their own. No thread takes
 *    s->mu and then x->mu: sender_abandon takes x->mu alone and hands
 *    outcomes in after releasing it.
 */
#ifndef HERALD_SENDER_INT_H
#define HERALD_SENDER_INT_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "conf/conf.h"
#include "lib/loop.h"
#include "send/prep.h"
#include "send/relays.h"
#include "send/render.h"
#include "store/db.h"
#include "store/journal.h"
#include "store/queue.h"

#define SENDER_MAX_SESSIONS 64
#define SENDER_MAX_SERVERS 16
#define SENDER_RESERVE_PER_SESSION 64
#define SENDER_REPLY_MAX 512
/* outcomes reach the database in batches of this many, or this late */
#define SENDER_BATCH 512
#define SENDER_BATCH_MS 100

/*
 * What a session connects to and how. Each session holds its own copy,
 * taken between two messages: a reload reaches each session between two
 * messages, and a list of servers can give each session its own.
 */
struct sender_server {
	char url[1024];		/* the URL path is the EHLO name */
	long use_ssl;		/* CURLUSESSL_* */
	long verify;
	char *ca_file;		/* NULL: the system's */
	char *user;		/* NULL: no AUTH */
	char *password;
	char name[256];		/* host[:port], as queue and log show it */
	int oauth2;		/* smtp.auth = "oauth2": login with o */
	struct conf_oauth2 o;	/* its own copy (a reload frees the conf) */
};

/*
 * One SMTP session: one easy handle on a thread of its own, keeping its
 * connection between messages. libcurl blocks in a poll after the final
 * dot until the server replies (smtp_done), so sessions sharing a multi
 * handle would wait for each other's replies; on threads of their own,
 * each waits only for its own.
 */
struct session {
	struct sender *s;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;	/* a sleep (rate, rest) is cut short */
	CURL *easy;
	/* under mu: what the loop thread reads to give the session up */
	int busy;		/* its start mark is written: in flight */
	int cut;		/* given up or stopping: no byte more */
	int body_done;		/* curl has read the whole message */
	int abandoned;		/* its outcome is already recorded */
	int fd;			/* its connection's socket, or -1 */
	int64_t msg_id;
	/* the session thread's alone */
	int srv_gen;		/* which server config srv copies */
	int srv_idx;		/* ... of which server of the list */
	int prepared_gen;	/* the copy curl's options were set from */
	int prepared_idx;
	int srv_down;		/* its last transfer found the server away */
	struct render_out out;
	size_t offset;
	struct journal_mark mark;	/* its start mark */
	int durable;		/* ... is durable: the last bytes may go */
	int journal_failed;	/* ... could not be made durable */
	struct curl_slist *rcpt;
	struct sender_server srv;
	char reply[SENDER_REPLY_MAX];		/* the last reply line */
	char error_reply[SENDER_REPLY_MAX];	/* the last 4xx/5xx line */
};

struct result {
	int64_t id;
	enum queue_outcome outcome;
	char reply[SENDER_REPLY_MAX];
	char server[256];	/* "" when no server took it */
	char subject[256];
};

/* Reserved rows given back unsent (held, stopped, or server away). */
struct release {
	int64_t id;
	const char *state;
};

/* Outcomes and releases, in the order they came. */
struct sender_batch {
	struct result *results;
	int nresults, results_cap;
	struct release *releases;
	int nreleases, releases_cap;
};

struct sender {
	struct db *db;
	const struct conf *conf;	/* the loop thread's alone */
	struct prep *prep;	/* renders ahead on its own thread */
	struct loop *loop;
	int done_pipe[2];	/* sessions -> loop: look at me */
	atomic_int poked;	/* a byte is in done_pipe, unread */
	atomic_int stopping;
	struct session sess[SENDER_MAX_SESSIONS];
	int nsess;		/* the loop thread's */
	int low_water;		/* fewer ids left than this: reserve more */
	int64_t pool[SENDER_MAX_SESSIONS * SENDER_RESERVE_PER_SESSION];
	int need_pump;		/* poked: pump after the round */
	int64_t idle_until;	/* nothing due before this (seconds) */
	int holds_stale;	/* the database changed: reload holds */
	struct journal journal;
	char claim[128];	/* this daemon's identity on its reservations */
	int nosync;		/* benchmark comparison: no syncs (sender.h) */
	int64_t batch_ms;	/* when the oldest uncommitted outcome came */
	struct sender_batch mine;	/* taken from in, being committed */
	/* under mu */
	pthread_mutex_t mu;
	struct sender_batch in;		/* handed in by the sessions */
	struct sender_server servers[SENDER_MAX_SERVERS];
	int nservers;
	struct relays relays;		/* which of them may take mail now */
	int server_gen;			/* bumped by each reconfigure */
	long rate;			/* smtp.rate: messages a minute */
	int64_t next_start_ms;		/* the rate limit's next slot */
	struct queue_hold *holds;	/* campaigns on hold */
	int nholds, holds_cap;
};

/* session.c: the session threads */
int session_init(struct sender *s, struct session *x);
void session_free(struct session *x);
/* Give x up under its thread (shut its socket); 1 when its whole message
 * had been handed to curl. Caller holds x->mu. */
int session_cut_locked(struct session *x);

/* sender.c, for the sessions */
/* Hand in an outcome or a release (takes s->mu; pokes the loop). */
void sender_add_result(struct sender *s, int64_t id, enum queue_outcome o,
    const char *reply, const char *server, const char *subject);
void sender_add_release(struct sender *s, int64_t id, const char *state);
/* Wake the loop thread (once until it looks). */
void sender_poke(struct sender *s);

/* server.c: one server's settings */
int server_load(struct sender_server *v, const struct conf_server *cs,
    const struct conf *c, char *err, size_t errlen);
void server_copy(struct sender_server *to, const struct sender_server *v);
void server_free(struct sender_server *v);

#endif
