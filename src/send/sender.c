/* sender: see sender.h. */
#include "send/sender.h"

#include <sys/socket.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "send/prep.h"
#include "send/relays.h"
#include "send/smtp_auth.h"
#include "store/journal.h"
#include "store/queue.h"

#if LIBCURL_VERSION_NUM < 0x080200
#define CURLOPT_MAIL_RCPT_ALLOWFAILS CURLOPT_MAIL_RCPT_ALLLOWFAILS
#endif

#define SENDER_MAX_SESSIONS 64
#define SENDER_MAX_SERVERS 16
#define SENDER_RESERVE_PER_SESSION 64
#define SENDER_REPLY_MAX 512
/* outcomes reach the database in batches of this many, or this late */
#define SENDER_BATCH 512
#define SENDER_BATCH_MS 100

/*
 * What a session connects to and how. Each session holds its own copy,
 * taken while it is idle: a reload reaches each session between two
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

/* A session's state, under its mutex. */
enum session_state {
	SESS_IDLE,		/* the loop thread may give it a message */
	SESS_GO,		/* its thread runs the transaction */
	SESS_DONE		/* outcome ready for the loop thread */
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
	pthread_cond_t go;
	CURL *easy;
	/* under mu: shared with the session's thread */
	enum session_state state;
	int quit;
	int cut;		/* given up: no byte more may be sent */
	int body_done;		/* curl has read the whole message */
	int fd;			/* its connection's socket, or -1 */
	/* the loop thread's alone */
	int busy;		/* started, outcome not yet collected */
	int abandoned;		/* its outcome is already recorded */
	int srv_gen;		/* which server config srv copies */
	int srv_idx;		/* ... of which server of the list */
	int want_idx;		/* the server its next message goes to */
	int srv_down;		/* its last transfer found the server away */
	/* the session thread's while state is SESS_GO */
	int64_t msg_id;
	struct render_out out;
	size_t offset;
	struct curl_slist *rcpt;
	struct sender_server srv;
	char reply[SENDER_REPLY_MAX];		/* the last reply line */
	char error_reply[SENDER_REPLY_MAX];	/* the last 4xx/5xx line */
	enum queue_outcome outcome;		/* SESS_DONE */
	char result[SENDER_REPLY_MAX];
};

struct result {
	int64_t id;
	enum queue_outcome outcome;
	char reply[SENDER_REPLY_MAX];
	char server[256];	/* "" when no server took it */
	char subject[256];
};

struct sender {
	struct db *db;
	const struct conf *conf;
	struct prep *prep;	/* renders ahead on its own thread */
	struct loop *loop;
	int done_pipe[2];	/* sessions -> loop: an outcome is ready */
	struct session sess[SENDER_MAX_SESSIONS];
	int nsess;
	int64_t pool[SENDER_MAX_SESSIONS * SENDER_RESERVE_PER_SESSION];
	struct result *results;
	int nresults, results_cap;
	/* from the config: smtp, or its list of fail-over servers */
	struct sender_server servers[SENDER_MAX_SERVERS];
	int nservers;
	struct relays relays;		/* which of them may take mail now */
	int server_gen;			/* bumped by each reconfigure */
	int64_t next_start_ms;	/* rate limit */
	int stopping;
	int need_pump;		/* a transfer moved: pump after the round */
	int64_t idle_until;	/* nothing due before this (seconds) */
	struct journal journal;
	char claim[128];	/* this daemon's identity on its reservations */
	int nosync;		/* benchmark comparison: no syncs (sender.h) */
	int64_t batch_ms;	/* when the oldest uncommitted outcome came */
	/* reserved rows held back (campaign paused or cancelled) */
	struct release { int64_t id; const char *state; } *releases;
	int nreleases, releases_cap;
};

/* ---- curl callbacks (on the session's thread) ---- */

static size_t
sender_read(char *buf, size_t size, size_t n, void *arg)
{
	struct session *x = arg;
	size_t left = x->out.data.len - x->offset, want = size * n;

	pthread_mutex_lock(&x->mu);
	/* sender_abandon gave it up before the end: never finish it */
	if (x->cut) {
		pthread_mutex_unlock(&x->mu);
		return CURL_READFUNC_ABORT;
	}
	if (want > left)
		want = left;
	memcpy(buf, x->out.data.data + x->offset, want);
	x->offset += want;
	/*
	 * curl stops reading at INFILESIZE, so "all read" is the mark: from
	 * here on it may write the final dot at any moment.
	 */
	if (x->offset == x->out.data.len)
		x->body_done = 1;
	pthread_mutex_unlock(&x->mu);
	return want;
}

/*
 * libcurl hands every SMTP reply line to the header callback: keep the
 * last one, printable and bounded (cheaper than CURLOPT_VERBOSE).
 */
static size_t
sender_header(char *data, size_t size, size_t n, void *arg)
{
	struct session *x = arg;
	size_t len = size * n, i, o = 0;

	for (i = 0; i < len && o < sizeof x->reply - 1; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c == '\r' || c == '\n')
			break;
		x->reply[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	x->reply[o] = '\0';
	/* curl QUITs after a refused RCPT: keep the refusal, not the 221 */
	if (x->reply[0] == '4' || x->reply[0] == '5')
		memcpy(x->error_reply, x->reply, o + 1);
	return len;
}

/*
 * The session's socket is known to the loop thread, so that it can shut
 * a connection down under a blocked curl (sender_abandon); it is
 * forgotten before it is closed, so a number reused by another file is
 * never shut.
 */
static curl_socket_t
sender_opensocket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct session *x = arg;
	int fd;

	(void)purpose;
	pthread_mutex_lock(&x->mu);
	if (x->cut)
		fd = -1;
	else if ((fd = socket(a->family, a->socktype | SOCK_CLOEXEC,
	    a->protocol)) != -1)
		x->fd = fd;
	pthread_mutex_unlock(&x->mu);
	return fd == -1 ? CURL_SOCKET_BAD : fd;
}

static int
sender_closesocket(void *arg, curl_socket_t fd)
{
	struct session *x = arg;

	pthread_mutex_lock(&x->mu);
	if (x->fd == fd)
		x->fd = -1;
	pthread_mutex_unlock(&x->mu);
	return close(fd);
}

static void sender_on_timer(struct loop *, void *);

/* ---- outcomes ---- */

static void
sender_add_result(struct sender *s, int64_t id, enum queue_outcome o,
    const char *reply, const char *server, const char *subject)
{
	struct result *r;

	if (s->nresults == s->results_cap) {
		s->results_cap = s->results_cap ? s->results_cap * 2 : 64;
		s->results = xrealloc(s->results,
		    (size_t)s->results_cap * sizeof *s->results);
	}
	if (s->nresults == 0)
		s->batch_ms = loop_now_ms();
	r = &s->results[s->nresults++];
	r->id = id;
	r->outcome = o;
	snprintf(r->reply, sizeof r->reply, "%s", reply);
	snprintf(r->server, sizeof r->server, "%s", server ? server : "");
	snprintf(r->subject, sizeof r->subject, "%s", subject ? subject : "");
	journal_done(&s->journal, id, (int)o, time_now(), r->reply);
}

static void
sender_add_release(struct sender *s, int64_t id, const char *state)
{
	if (s->nreleases == s->releases_cap) {
		s->releases_cap = s->releases_cap ? s->releases_cap * 2 : 64;
		s->releases = xrealloc(s->releases,
		    (size_t)s->releases_cap * sizeof *s->releases);
	}
	s->releases[s->nreleases].id = id;
	s->releases[s->nreleases++].state = state;
}

/*
 * What a finished transaction means. A reply code decides when there is
 * one; without one, a failure after curl read the whole message may have
 * come after the final dot, so the delivery is uncertain.
 */
static enum queue_outcome
sender_classify(struct session *x, CURLcode rc, char *reply, size_t len)
{
	long code = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	/* away: no connection, or 421 (RFC 5321 4.2.2: closing) before the
	 * message was handed over; another server of the list may take it */
	x->srv_down = !x->body_done && (code == 421 ||
	    rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST);
	if (rc == CURLE_OK) {
		snprintf(reply, len, "%s", x->reply);
		return QUEUE_SENT;
	}
	/* a refused login is the session's fault, not the message's:
	 * deferred, never failed */
	if (code >= 400 && code < 600 && rc != CURLE_LOGIN_DENIED) {
		snprintf(reply, len, "%s", *x->error_reply ? x->error_reply :
		    curl_easy_strerror(rc));
		return code >= 500 ? QUEUE_PERMFAIL : QUEUE_TEMPFAIL;
	}
	snprintf(reply, len, "%s", curl_easy_strerror(rc));
	/* whatever broke, once the final dot may be out there is no safe
	 * retry: only a reply code says what happened */
	if (x->body_done) {
		snprintf(reply, len, "no reply after the end of DATA (%s): it "
		    "may have been delivered", curl_easy_strerror(rc));
		return QUEUE_UNCERTAIN;
	}
	return QUEUE_TEMPFAIL;
}

/*
 * A finished transfer's outcome (the loop thread). With a list of
 * servers, one found away rests and the message, never handed over,
 * goes back to the queue for the next server (no attempt counted).
 */
static void
sender_outcome(struct sender *s, struct session *x)
{
	const char *who = x->srv.name;

	if (s->nservers > 1 && x->srv_down) {
		relays_failed(&s->relays, x->srv_idx, time_now());
		log_warnx("smtp server %s is away (%s): resting it %llds, the "
		    "next in the list takes its mail", who, x->result,
		    (long long)relays_rest(s->relays.v[x->srv_idx].fails));
		/* its start mark is on disk: should the release not reach the
		 * database, recovery defers it rather than doubting it */
		journal_done(&s->journal, x->msg_id, (int)QUEUE_TEMPFAIL,
		    time_now(), x->result);
		sender_add_release(s, x->msg_id, QUEUE_S_QUEUED);
		return;
	}
	if (!x->srv_down)
		relays_worked(&s->relays, x->srv_idx);
	sender_add_result(s, x->msg_id, x->outcome, x->result,
	    x->outcome == QUEUE_SENT || x->outcome == QUEUE_UNCERTAIN ||
	    !x->srv_down ? who : NULL, x->out.subject);
}

/* Outcomes of the sessions that finished (the loop thread). */
static void
sender_collect(struct sender *s)
{
	int i;

	for (i = 0; i < s->nsess; i++) {
		struct session *x = &s->sess[i];

		pthread_mutex_lock(&x->mu);
		if (x->state == SESS_DONE) {
			/* an abandoned one was recorded when it was given up */
			if (!x->abandoned)
				sender_outcome(s, x);
			x->state = SESS_IDLE;
			x->busy = x->abandoned = 0;
			x->msg_id = 0;
		}
		pthread_mutex_unlock(&x->mu);
	}
}

/* ---- sessions ---- */

/* Per-message options (the session's thread); the connection itself
 * stays open in the easy handle between messages. */
static void
sender_prepare(struct session *x)
{
	const struct sender_server *v = &x->srv;
	CURL *e = x->easy;

	curl_easy_setopt(e, CURLOPT_URL, v->url);
	curl_easy_setopt(e, CURLOPT_USE_SSL, v->use_ssl);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, v->verify);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, v->verify ? 2L : 0L);
	if (v->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, v->ca_file);
	/* set or cleared each time: the last server may have been another */
	curl_easy_setopt(e, CURLOPT_USERNAME, v->user);
	curl_easy_setopt(e, CURLOPT_PASSWORD, v->password);
	curl_easy_setopt(e, CURLOPT_LOGIN_OPTIONS, NULL);
	curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, NULL);
	if (v->oauth2)		/* OAuth2: user and token */
		smtp_auth_bearer(e, &v->o, v->user, NULL, 0);
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, x->out.mail_from);
	x->rcpt = curl_slist_append(NULL, x->out.rcpt);
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, x->rcpt);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)x->out.data.len);
	x->offset = 0;
	x->reply[0] = x->error_reply[0] = '\0';
}

/*
 * A session's thread: wait for a message, run its SMTP transaction with
 * curl_easy_perform (blocking, on this thread only), hand the outcome
 * back and wake the loop.
 */
static void *
sender_session_main(void *arg)
{
	struct session *x = arg;
	char reply[SENDER_REPLY_MAX];
	enum queue_outcome o;
	CURLcode rc;

	pthread_mutex_lock(&x->mu);
	for (;;) {
		while (x->state != SESS_GO && !x->quit)
			pthread_cond_wait(&x->go, &x->mu);
		if (x->quit)
			break;
		pthread_mutex_unlock(&x->mu);
		sender_prepare(x);
		rc = curl_easy_perform(x->easy);
		if (rc == CURLE_LOGIN_DENIED && x->srv.oauth2) {
			/* the token may have been revoked or expired early: once
			 * more with a fresh one (smtp_auth_bearer sees the 535);
			 * nothing of the message was sent before the login */
			curl_slist_free_all(x->rcpt);
			sender_prepare(x);
			rc = curl_easy_perform(x->easy);
		}
		o = sender_classify(x, rc, reply, sizeof reply);
		curl_slist_free_all(x->rcpt);
		x->rcpt = NULL;
		pthread_mutex_lock(&x->mu);
		x->outcome = o;
		memcpy(x->result, reply, sizeof x->result);
		x->state = SESS_DONE;
		/* a full pipe already means "look" */
		(void)!write(x->s->done_pipe[1], "d", 1);
	}
	pthread_mutex_unlock(&x->mu);
	return NULL;
}

static void
sender_server_free(struct sender_server *v)
{
	free(v->ca_file);
	free(v->user);
	free(v->password);
	free(v->o.token_url);
	free(v->o.device_url);
	free(v->o.client_id);
	free(v->o.client_secret_file);
	free(v->o.refresh_token_file);
	free(v->o.scope);
	memset(v, 0, sizeof *v);
}

static char *
sender_dup(const char *p)
{
	return p ? xstrdup(p) : NULL;
}

static void
sender_oauth2_copy(struct conf_oauth2 *to, const struct conf_oauth2 *o)
{
	to->token_url = sender_dup(o->token_url);
	to->device_url = sender_dup(o->device_url);
	to->client_id = sender_dup(o->client_id);
	to->client_secret_file = sender_dup(o->client_secret_file);
	to->refresh_token_file = sender_dup(o->refresh_token_file);
	to->scope = sender_dup(o->scope);
}

static void
sender_server_copy(struct sender_server *to, const struct sender_server *v)
{
	sender_server_free(to);
	memcpy(to->url, v->url, sizeof to->url);
	to->use_ssl = v->use_ssl;
	to->verify = v->verify;
	to->ca_file = v->ca_file ? xstrdup(v->ca_file) : NULL;
	to->user = v->user ? xstrdup(v->user) : NULL;
	to->password = v->password ? xstrdup(v->password) : NULL;
	memcpy(to->name, v->name, sizeof to->name);
	to->oauth2 = v->oauth2;
	if (v->oauth2)
		sender_oauth2_copy(&to->o, &v->o);
}

static int
sender_session_init(struct sender *s, struct session *x)
{
	CURL *e = curl_easy_init();

	memset(x, 0, sizeof *x);
	x->s = s;
	x->easy = e;
	x->fd = -1;
	x->srv_gen = -1;
	render_out_init(&x->out);
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->go, NULL);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, sender_read);
	curl_easy_setopt(e, CURLOPT_READDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, sender_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, sender_opensocket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, sender_closesocket);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* herald writes CRLF already; CRLF=1 would double the CRs */
	curl_easy_setopt(e, CURLOPT_CRLF, 0L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)SENDER_TIMEOUT_S);
	/* curl's 64 KB default upload buffer (plus its scratch) is allocated
	 * per transfer, and glibc gives it back and takes it again for each
	 * message; 16 KB is as fast and stays in the heap */
	curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, 16384L);
	if (pthread_create(&x->thread, NULL, sender_session_main, x) != 0) {
		curl_easy_cleanup(e);
		pthread_mutex_destroy(&x->mu);
		pthread_cond_destroy(&x->go);
		render_out_free(&x->out);
		return -1;
	}
	return 0;
}

/* Hand a marked message to its session's thread (the loop thread). */
static void
sender_session_go(struct sender *s, struct session *x)
{
	/* idle: the loop thread may change what the thread reads */
	if (x->srv_gen != s->server_gen || x->srv_idx != x->want_idx) {
		sender_server_copy(&x->srv, &s->servers[x->want_idx]);
		x->srv_gen = s->server_gen;
		x->srv_idx = x->want_idx;
	}
	pthread_mutex_lock(&x->mu);
	x->body_done = 0;
	x->cut = 0;
	x->busy = 1;
	x->state = SESS_GO;
	pthread_cond_signal(&x->go);
	pthread_mutex_unlock(&x->mu);
}

/*
 * Give a session up under its thread: shut its socket down, so that
 * curl fails at once wherever it waits, and no final dot can follow a
 * message cut short. Returns whether the whole message had been read.
 */
static int
sender_cut(struct session *x)
{
	int done;

	pthread_mutex_lock(&x->mu);
	x->cut = 1;
	if (x->fd != -1)
		shutdown(x->fd, SHUT_RDWR);
	done = x->body_done;
	pthread_mutex_unlock(&x->mu);
	return done;
}

/* ---- the pump ---- */

/* Keep the render thread a reservation ahead of the sessions. */
static void
sender_refill(struct sender *s, int64_t now)
{
	int max = s->nsess * SENDER_RESERVE_PER_SESSION, n;

	if (s->stopping || now < s->idle_until ||
	    prep_backlog(s->prep) > max / 4)
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
	prep_push(s->prep, s->pool, n);
	if (n == 0)		/* nothing due: look again on the next tick */
		s->idle_until = now + 1;
}

/* May another message start now under smtp.rate? */
static int
sender_rate_ok(struct sender *s)
{
	int64_t now = loop_now_ms(), gap;

	if (s->conf->smtp_rate <= 0)
		return 1;
	gap = 60000 / s->conf->smtp_rate;
	if (now < s->next_start_ms) {
		loop_timer(s->loop, s->next_start_ms - now,
		    sender_on_timer, s);
		return 0;
	}
	s->next_start_ms = (s->next_start_ms + gap > now ? s->next_start_ms :
	    now) + gap;
	return 1;
}

/*
 * The server the next message goes to: the first of the list that is not
 * resting; -1 (with a timer set for the first to wake) when all rest.
 */
static int
sender_pick_server(struct sender *s)
{
	int64_t now = time_now(), wake = 0;
	int i = relays_pick(&s->relays, now, &wake);

	if (i < 0)
		loop_timer(s->loop, (wake > now ? wake - now : 1) * 1000,
		    sender_on_timer, s);
	return i;
}

/* Give the next rendered message to an idle session. */
static struct session *
sender_assign(struct sender *s)
{
	struct session *x = NULL;
	struct prep_item *it;
	struct render_out tmp;
	char state[16];
	int i;

	for (i = 0; i < s->nsess && x == NULL; i++)
		if (!s->sess[i].busy && s->sess[i].msg_id == 0)
			x = &s->sess[i];
	if (x && (x->want_idx = sender_pick_server(s)) < 0)
		return NULL;	/* every server rests: the timer comes back */
	while (x && (it = prep_pop(s->prep)) != NULL) {
		queue_campaign_state(s->db, it->id, state, sizeof state);
		/* only a campaign that is sending sends; others wait */
		if (strcmp(state, QUEUE_S_CANCELLED) == 0 || it->skip)
			sender_add_release(s, it->id, QUEUE_S_CANCELLED);
		else if (strcmp(state, "sending") != 0)
			sender_add_release(s, it->id, QUEUE_S_QUEUED);
		else if (it->failed) {
			log_warnx("message %lld cannot be made: %s",
			    (long long)it->id, it->err);
			sender_add_result(s, it->id, QUEUE_PERMFAIL, it->err,
			    NULL, NULL);
		} else {
			/* swap buffers: no copy of the message */
			tmp = x->out;
			x->out = it->out;
			it->out = tmp;
			x->msg_id = it->id;
			prep_recycle(s->prep, it);
			return x;
		}
		prep_recycle(s->prep, it);
	}
	return NULL;
}

/* The message ids in flight, for a fresh journal. */
static size_t
sender_inflight(const struct sender *s, int64_t *ids)
{
	size_t n = 0;
	int i;

	for (i = 0; i < s->nsess; i++)
		if (s->sess[i].busy && !s->sess[i].abandoned)
			ids[n++] = s->sess[i].msg_id;
	return n;
}

/*
 * Outcomes and releases reach the database in one transaction; then the
 * journal need only name what is still in flight. With force 0 this
 * waits for a full batch or SENDER_BATCH_MS.
 */
static void
sender_commit(struct sender *s, int force)
{
	struct queue_retry r = { s->conf->smtp_retry_min,
	    s->conf->smtp_retry_max, s->conf->smtp_give_up };
	int64_t ids[SENDER_MAX_SESSIONS], now = time_now();
	int i, rc = 0;

	if (s->nresults == 0 && s->nreleases == 0)
		return;
	if (!force && s->nresults < SENDER_BATCH && s->nreleases == 0 &&
	    loop_now_ms() - s->batch_ms < SENDER_BATCH_MS) {
		loop_timer(s->loop, SENDER_BATCH_MS, sender_on_timer, s);
		return;
	}
	if (db_begin(s->db) == -1) {
		log_warnx("sender: database busy, outcomes wait in the journal: "
		    "%s", db_errmsg(s->db));
		loop_timer(s->loop, 500, sender_on_timer, s);
		return;
	}
	for (i = 0; rc == 0 && i < s->nresults; i++)
		rc = queue_result(s->db, s->results[i].id,
		    s->results[i].outcome, s->results[i].reply, &r, now,
		    s->results[i].server, s->results[i].subject);
	for (i = 0; rc == 0 && i < s->nreleases; i++)
		rc = queue_release(s->db, s->releases[i].id,
		    s->releases[i].state);
	if (rc == -1 || db_commit(s->db) == -1) {
		db_rollback(s->db);
		log_warnx("sender: cannot record outcomes yet: %s",
		    db_errmsg(s->db));
		loop_timer(s->loop, 500, sender_on_timer, s);
		return;
	}
	s->nresults = s->nreleases = 0;
	if (journal_rotate(&s->journal, ids, sender_inflight(s, ids)) == -1)
		log_warn("sender: journal %s", s->journal.path);
}

void
sender_pump(struct sender *s)
{
	struct session *start[SENDER_MAX_SESSIONS], *x;
	int64_t now = time_now();
	int nstart = 0, i, tx;

	sender_collect(s);
	sender_refill(s, now);
	/* the round's campaign checks share one read transaction (a BEGIN
	 * with no read takes no lock) */
	tx = sqlite3_exec(s->db->h, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	while (!s->stopping && nstart < s->nsess && sender_rate_ok(s) &&
	    (x = sender_assign(s)) != NULL) {
		journal_start(&s->journal, x->msg_id);
		start[nstart++] = x;
	}
	if (tx)
		sqlite3_exec(s->db->h, "COMMIT", NULL, NULL, NULL);
	/*
	 * Nothing starts before its start mark is on disk: written, and for
	 * a round that starts anything, synced (one fdatasync for all its
	 * starts), so a power cut cannot lose the mark of a transaction
	 * that may have been delivered.
	 */
	if (journal_flush(&s->journal) == -1 ||
	    (nstart && journal_sync(&s->journal) == -1)) {
		log_warn("sender: journal %s: holding back", s->journal.path);
		/* not started: give them back, the next reservation has them */
		for (i = 0; i < nstart; i++) {
			sender_add_release(s, start[i]->msg_id, QUEUE_S_QUEUED);
			start[i]->msg_id = 0;
		}
		nstart = 0;
		buf_reset(&s->journal.pending);
		loop_timer(s->loop, 1000, sender_on_timer, s);
	} else if (nstart)
		/* for the power-cut test: what a crash could not take away */
		log_debug("journal: %lld bytes durable",
		    (long long)s->journal.len);
	for (i = 0; i < nstart; i++)
		sender_session_go(s, start[i]);
	sender_commit(s, s->stopping);
}

void
sender_wake(struct sender *s)
{
	s->idle_until = 0;
}

static void
sender_on_prep(struct loop *l, int fd, int revents, void *arg)
{
	struct sender *s = arg;
	char drain[64];

	(void)l;
	(void)revents;
	/*
	 * Drain it now: with every session busy nothing pops an item, and a
	 * pipe left readable makes every poll return at once (a busy loop).
	 */
	while (read(fd, drain, sizeof drain) > 0)
		;
	s->need_pump = 1;
}

/* A session finished: its outcome is collected by the next pump. */
static void
sender_on_done(struct loop *l, int fd, int revents, void *arg)
{
	struct sender *s = arg;
	char drain[64];

	(void)l;
	(void)revents;
	while (read(fd, drain, sizeof drain) > 0)
		;
	s->need_pump = 1;
}

/*
 * After each poll round: one pump, so every transfer that finished in
 * the round is recorded, and every start marked, in one commit.
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

/* herald's own timer: batches, the rate limit, retries */
static void
sender_on_timer(struct loop *l, void *arg)
{
	struct sender *s = arg;

	(void)l;
	s->need_pump = 1;
}

/* ---- life ---- */

/* "host:port" of an smtp URL, for the queue and the log. */
static void
sender_server_name(const char *url, char *out, size_t len)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	n = strcspn(p, "/");
	snprintf(out, len, "%.*s", (int)n, p);
}

/* One server's settings from the config, its password read now. */
static int
sender_server_load(struct sender_server *v, const struct conf_server *cs,
    const struct conf *c, char *err, size_t errlen)
{
	char *pw = NULL;

	if (cs->auth != CONF_AUTH_OAUTH2 && *cs->password_file &&
	    (pw = conf_read_password(cs->password_file, err, errlen)) == NULL)
		return -1;
	sender_server_free(v);
	v->password = pw;
	snprintf(v->url, sizeof v->url, "%s%s%s", cs->url,
	    cs->url[strlen(cs->url) - 1] == '/' ? "" : "/", c->sender_domain);
	sender_server_name(cs->url, v->name, sizeof v->name);
	v->use_ssl = conf_curl_use_ssl(cs->tls);
	v->verify = cs->verify;
	v->ca_file = *cs->ca_file ? xstrdup(cs->ca_file) : NULL;
	v->user = *cs->user ? xstrdup(cs->user) : NULL;
	if (cs->auth == CONF_AUTH_OAUTH2) {
		v->oauth2 = 1;
		sender_oauth2_copy(&v->o, &c->oauth2);
		/* OAuth2 logs in as the mailbox: the sender when no user */
		if (v->user == NULL)
			v->user = xstrdup(c->sender_address);
	}
	return 0;
}

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
		if (sender_server_load(&v[i], conf_smtp(c, i), c, err,
		    errlen) == -1) {
			while (i >= 0)
				sender_server_free(&v[i--]);
			return -1;
		}
	/* the caller frees the old config: never keep a pointer to it */
	s->conf = c;
	for (i = 0; i < s->nservers; i++)
		sender_server_free(&s->servers[i]);
	memcpy(s->servers, v, sizeof v);
	if (s->nservers != n) {
		if (s->nservers)
			relays_free(&s->relays);
		relays_init(&s->relays, n);
	}
	s->nservers = n;
	/* sessions take it when they are next idle (sender_session_go) */
	s->server_gen++;
	return 0;
}

/* Stop a session's thread and free it (the loop thread). */
static void
sender_session_free(struct session *x)
{
	sender_cut(x);
	pthread_mutex_lock(&x->mu);
	x->quit = 1;
	pthread_cond_signal(&x->go);
	pthread_mutex_unlock(&x->mu);
	pthread_join(x->thread, NULL);
	/* closes the connection through sender_closesocket: mu still lives */
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->rcpt);
	render_out_free(&x->out);
	sender_server_free(&x->srv);
	pthread_mutex_destroy(&x->mu);
	pthread_cond_destroy(&x->go);
}

static void
sender_free_parts(struct sender *s)
{
	int i;

	for (i = 0; i < s->nsess; i++)
		sender_session_free(&s->sess[i]);
	if (s->prep) {
		loop_unwatch(s->loop, prep_fd(s->prep));
		prep_free(&s->prep);
	}
	if (s->done_pipe[0] > 0) {
		loop_unwatch(s->loop, s->done_pipe[0]);
		close(s->done_pipe[0]);
		close(s->done_pipe[1]);
	}
	if (s->journal.path)
		journal_close(&s->journal);
	for (i = 0; i < s->nservers; i++)
		sender_server_free(&s->servers[i]);
	if (s->nservers)
		relays_free(&s->relays);
	free(s->releases);
	free(s->results);
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
	loop_watch(l, prep_fd(s->prep), POLLIN, sender_on_prep, s);
	loop_watch(l, s->done_pipe[0], POLLIN, sender_on_done, s);
	n = (int)(c->smtp_connections < SENDER_MAX_SESSIONS ?
	    c->smtp_connections : SENDER_MAX_SESSIONS);
	for (s->nsess = 0; s->nsess < n; s->nsess++)
		if (sender_session_init(s, &s->sess[s->nsess]) == -1) {
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

int
sender_abandon(struct sender *s)
{
	int i, n = 0;

	sender_collect(s);
	for (i = 0; i < s->nsess; i++) {
		struct session *x = &s->sess[i];

		if (!x->busy || x->abandoned)
			continue;
		/* the whole message went to curl: the dot may be out */
		if (sender_cut(x))
			sender_add_result(s, x->msg_id, QUEUE_UNCERTAIN,
			    "heraldd stopped while waiting for the reply to "
			    "the end of DATA: it may have been delivered",
			    x->srv.name, x->out.subject);
		else
			sender_add_release(s, x->msg_id, QUEUE_S_QUEUED);
		/* its thread's own outcome, when it comes, is dropped */
		x->abandoned = 1;
		n++;
	}
	sender_commit(s, 1);
	return n;
}

void
sender_stop(struct sender *s)
{
	int i, n;

	if (s->stopping)
		return;
	s->stopping = 1;
	sender_collect(s);
	/* reservations never started go back to the queue */
	n = prep_drain(s->prep, s->pool, (int)(sizeof s->pool /
	    sizeof s->pool[0]));
	for (i = 0; i < n; i++)
		sender_add_release(s, s->pool[i], QUEUE_S_QUEUED);
	sender_commit(s, 1);
}

int
sender_idle(const struct sender *s)
{
	int i;

	for (i = 0; i < s->nsess; i++)
		if (s->sess[i].busy && !s->sess[i].abandoned)
			return 0;
	return s->nresults == 0 && s->nreleases == 0;
}

void
sender_free(struct sender **sp)
{
	if (*sp == NULL)
		return;
	sender_free_parts(*sp);
	*sp = NULL;
}
