/* sender: see sender.h. */
#include "send/sender.h"

#include <sys/socket.h>

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "send/prep.h"
#include "send/smtp_auth.h"
#include "store/journal.h"
#include "store/queue.h"

#if LIBCURL_VERSION_NUM < 0x080200
#define CURLOPT_MAIL_RCPT_ALLOWFAILS CURLOPT_MAIL_RCPT_ALLLOWFAILS
#endif

#define SENDER_MAX_SESSIONS 64
#define SENDER_RESERVE_PER_SESSION 64
#define SENDER_REPLY_MAX 512
/* outcomes reach the database in batches of this many, or this late */
#define SENDER_BATCH 512
#define SENDER_BATCH_MS 100

struct session {
	struct sender *s;
	CURL *easy;
	int busy;		/* a transfer is in the multi handle */
	int64_t msg_id;
	struct render_out out;
	size_t offset;
	int body_done;		/* curl has read the whole message */
	struct curl_slist *rcpt;
	char reply[SENDER_REPLY_MAX];		/* the last reply line */
	char error_reply[SENDER_REPLY_MAX];	/* the last 4xx/5xx line */
};

struct result {
	int64_t id;
	enum queue_outcome outcome;
	char reply[SENDER_REPLY_MAX];
};

struct sender {
	struct db *db;
	const struct conf *conf;
	struct prep *prep;	/* renders ahead on its own thread */
	struct loop *loop;
	CURLM *multi;
	struct session sess[SENDER_MAX_SESSIONS];
	int nsess;
	int64_t pool[SENDER_MAX_SESSIONS * SENDER_RESERVE_PER_SESSION];
	struct result *results;
	int nresults, results_cap;
	char *password;
	char url[1024];
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

/* ---- curl callbacks ---- */

static size_t
sender_read(char *buf, size_t size, size_t n, void *arg)
{
	struct session *x = arg;
	size_t left = x->out.data.len - x->offset, want = size * n;

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

static void sender_on_socket(struct loop *, int, int, void *);
static void sender_on_timer(struct loop *, void *);
static void sender_on_curl_timer(struct loop *, void *);

static int
sender_socket_cb(CURL *e, curl_socket_t fd, int what, void *arg, void *sp)
{
	struct sender *s = arg;
	short ev = 0;

	(void)e;
	(void)sp;
	if (what == CURL_POLL_REMOVE) {
		loop_unwatch(s->loop, fd);
		return 0;
	}
	if (what & CURL_POLL_IN)
		ev |= POLLIN;
	if (what & CURL_POLL_OUT)
		ev |= POLLOUT;
	if (loop_watch(s->loop, fd, ev, sender_on_socket, s) == -1)
		log_warnx("sender: too many sockets");
	return 0;
}

static int
sender_timer_cb(CURLM *m, long ms, void *arg)
{
	struct sender *s = arg;

	(void)m;
	if (ms < 0)
		loop_timer_cancel(s->loop, sender_on_curl_timer, s);
	else
		loop_timer(s->loop, ms, sender_on_curl_timer, s);
	return 0;
}

/* ---- outcomes ---- */

static void
sender_add_result(struct sender *s, int64_t id, enum queue_outcome o,
    const char *reply)
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
	if (rc == CURLE_OK) {
		snprintf(reply, len, "%s", x->reply);
		return QUEUE_SENT;
	}
	if (code >= 400 && code < 600 && rc != CURLE_LOGIN_DENIED) { /* a refused login is the session's fault: deferred */
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

static void
sender_collect(struct sender *s)
{
	char reply[SENDER_REPLY_MAX];
	struct session *x;
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(s->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &x);
		sender_add_result(s, x->msg_id,
		    sender_classify(x, msg->data.result, reply, sizeof reply),
		    reply);
		curl_multi_remove_handle(s->multi, x->easy);
		curl_slist_free_all(x->rcpt);
		x->rcpt = NULL;
		x->busy = 0;
		x->msg_id = 0;
	}
}

/* ---- sessions ---- */

/* Per-message options; the connection itself stays in curl's cache. */
static int
sender_prepare(struct sender *s, struct session *x)
{
	const struct conf *c = s->conf;
	CURL *e = x->easy;

	curl_easy_setopt(e, CURLOPT_URL, s->url);
	curl_easy_setopt(e, CURLOPT_USE_SSL, c->smtp.tls == CONF_TLS_OFF ?
	    (long)CURLUSESSL_NONE : c->smtp.tls == CONF_TLS_REQUIRED ?
	    (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, (long)c->smtp.verify);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c->smtp.verify ? 2L : 0L);
	if (*c->smtp.ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->smtp.ca_file);
	if (*c->smtp.user) {
		curl_easy_setopt(e, CURLOPT_USERNAME, c->smtp.user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, s->password);
	}
	smtp_auth_setup(e, c, NULL, 0);	/* OAuth2: user and token */
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, x->out.mail_from);
	x->rcpt = curl_slist_append(NULL, x->out.rcpt);
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, x->rcpt);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)x->out.data.len);
	x->offset = 0;
	x->body_done = 0;
	x->reply[0] = x->error_reply[0] = '\0';
	return 0;
}

static void
sender_session_init(struct sender *s, struct session *x)
{
	CURL *e = curl_easy_init();

	memset(x, 0, sizeof *x);
	x->s = s;
	x->easy = e;
	render_out_init(&x->out);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, sender_read);
	curl_easy_setopt(e, CURLOPT_READDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, sender_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* herald writes CRLF already; CRLF=1 would double the CRs */
	curl_easy_setopt(e, CURLOPT_CRLF, 0L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)SENDER_TIMEOUT_S);
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
			sender_add_result(s, it->id, QUEUE_PERMFAIL, it->err);
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
		if (s->sess[i].busy)
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
		    s->results[i].outcome, s->results[i].reply, &r, now);
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
	int nstart = 0, i, running;

	sender_collect(s);
	sender_refill(s, now);
	while (!s->stopping && nstart < s->nsess && sender_rate_ok(s) &&
	    (x = sender_assign(s)) != NULL) {
		journal_start(&s->journal, x->msg_id);
		start[nstart++] = x;
	}
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
	for (i = 0; i < nstart; i++) {
		sender_prepare(s, start[i]);
		start[i]->busy = 1;
		curl_multi_add_handle(s->multi, start[i]->easy);
	}
	if (nstart)
		curl_multi_socket_action(s->multi, CURL_SOCKET_TIMEOUT, 0,
		    &running);
	sender_commit(s, s->stopping);
}

void
sender_wake(struct sender *s)
{
	s->idle_until = 0;
}

static void
sender_on_socket(struct loop *l, int fd, int revents, void *arg)
{
	struct sender *s = arg;
	int flags = 0, running;

	(void)l;
	if (revents & (POLLIN | POLLHUP | POLLERR))
		flags |= CURL_CSELECT_IN;
	if (revents & POLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & POLLERR)
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(s->multi, fd, flags, &running);
	s->need_pump = 1;
}

static void
sender_on_prep(struct loop *l, int fd, int revents, void *arg)
{
	struct sender *s = arg;

	(void)l;
	(void)fd;
	(void)revents;
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

/* curl's timer: only curl's timeouts */
static void
sender_on_curl_timer(struct loop *l, void *arg)
{
	struct sender *s = arg;
	int running;

	(void)l;
	curl_multi_socket_action(s->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	s->need_pump = 1;
}

/* herald's own timer: batches, the rate limit, retries */
static void
sender_on_timer(struct loop *l, void *arg)
{
	struct sender *s = arg;
	int running;

	(void)l;
	curl_multi_socket_action(s->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	s->need_pump = 1;
}

/* ---- life ---- */

static int
sender_configure(struct sender *s, const struct conf *c, char *err,
    size_t errlen)
{
	char *pw = NULL;

	/* the caller frees the old config: never keep a pointer to it */
	s->conf = c;
	if (*c->smtp.password_file &&
	    (pw = conf_read_password(c->smtp.password_file, err, errlen))
	    == NULL)
		return -1;
	free(s->password);
	s->password = pw;
	/* the URL path is the EHLO name */
	snprintf(s->url, sizeof s->url, "%s%s%s", c->smtp.url,
	    c->smtp.url[strlen(c->smtp.url) - 1] == '/' ? "" : "/",
	    c->sender_domain);
	return 0;
}

struct sender *
sender_new(struct db *d, const struct conf *c, const struct token_key *key,
    struct loop *l, const char *claim, int nosync, char *err, size_t errlen)
{
	struct sender *s = xcalloc(1, sizeof *s);
	int i;

	s->db = d;
	s->loop = l;
	s->nosync = nosync;
	snprintf(s->claim, sizeof s->claim, "%s", claim);
	if (sender_configure(s, c, err, errlen) == -1) {
		free(s);
		return NULL;
	}
	if ((s->prep = prep_new(c, key, err, errlen)) == NULL) {
		free(s->password);
		free(s);
		return NULL;
	}
	snprintf(err, errlen, "%s.journal", c->database);
	if (journal_open(&s->journal, err, nosync) == -1) {
		snprintf(err, errlen, "%s.journal: %s", c->database,
		    strerror(errno));
		prep_free(&s->prep);
		free(s->password);
		free(s);
		return NULL;
	}
	loop_watch(l, prep_fd(s->prep), POLLIN, sender_on_prep, s);
	s->nsess = (int)(c->smtp_connections < SENDER_MAX_SESSIONS ?
	    c->smtp_connections : SENDER_MAX_SESSIONS);
	s->multi = curl_multi_init();
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETFUNCTION, sender_socket_cb);
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETDATA, s);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERFUNCTION, sender_timer_cb);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERDATA, s);
	curl_multi_setopt(s->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)s->nsess);
	curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, (long)s->nsess);
	for (i = 0; i < s->nsess; i++)
		sender_session_init(s, &s->sess[i]);
	loop_after_round(l, sender_after_round, s);
	return s;
}

void
sender_reconfigure(struct sender *s, const struct conf *c)
{
	char err[512];

	if (sender_configure(s, c, err, sizeof err) == -1)
		log_warnx("sender: keeping the old SMTP password: %s", err);
	prep_reconfigure(s->prep, c);
}

/*
 * Take a session's connection away from under curl: shut the socket
 * down, so that removing the handle (which would have curl send the end
 * of DATA and wait for the reply, blocking) fails at once, and a message
 * cut short can never be completed by a final dot.
 */
static void
sender_cut(struct session *x)
{
	curl_socket_t fd = CURL_SOCKET_BAD;

	if (curl_easy_getinfo(x->easy, CURLINFO_ACTIVESOCKET, &fd) ==
	    CURLE_OK && fd != CURL_SOCKET_BAD)
		shutdown(fd, SHUT_RDWR);
	curl_multi_remove_handle(x->s->multi, x->easy);
	curl_slist_free_all(x->rcpt);
	x->rcpt = NULL;
	x->busy = 0;
	x->msg_id = 0;
}

int
sender_abandon(struct sender *s)
{
	int i, n = 0;

	sender_collect(s);
	for (i = 0; i < s->nsess; i++) {
		struct session *x = &s->sess[i];

		if (!x->busy)
			continue;
		/* the whole message went to curl: the dot may be out */
		if (x->body_done)
			sender_add_result(s, x->msg_id, QUEUE_UNCERTAIN,
			    "heraldd stopped while waiting for the reply to "
			    "the end of DATA: it may have been delivered");
		else
			sender_add_release(s, x->msg_id, QUEUE_S_QUEUED);
		n++;
		sender_cut(x);
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
		if (s->sess[i].busy)
			return 0;
	return s->nresults == 0 && s->nreleases == 0;
}

void
sender_free(struct sender **sp)
{
	struct sender *s = *sp;
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nsess; i++) {
		if (s->sess[i].busy)
			sender_cut(&s->sess[i]);
		curl_easy_cleanup(s->sess[i].easy);
		curl_slist_free_all(s->sess[i].rcpt);
		render_out_free(&s->sess[i].out);
	}
	curl_multi_cleanup(s->multi);
	loop_unwatch(s->loop, prep_fd(s->prep));
	prep_free(&s->prep);
	journal_close(&s->journal);
	free(s->releases);
	free(s->results);
	free(s->password);
	free(s);
	*sp = NULL;
}
