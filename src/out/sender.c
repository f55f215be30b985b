/* sender: see sender.h. */
#include "out/sender.h"

#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "store/queue.h"

#if LIBCURL_VERSION_NUM < 0x080200
#define CURLOPT_MAIL_RCPT_ALLOWFAILS CURLOPT_MAIL_RCPT_ALLLOWFAILS
#endif

#define SENDER_MAX_SESSIONS 64
#define SENDER_RESERVE_PER_SESSION 64
#define SENDER_REPLY_MAX 512
#define SENDER_TIMEOUT_S 300

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
	struct render *render;
	struct loop *loop;
	CURLM *multi;
	struct session sess[SENDER_MAX_SESSIONS];
	int nsess;
	int64_t pool[SENDER_MAX_SESSIONS * SENDER_RESERVE_PER_SESSION];
	int npool;
	struct result *results;
	int nresults, results_cap;
	char *password;
	char url[1024];
	int64_t next_start_ms;	/* rate limit */
	int stopping;
	int need_pump;		/* a transfer moved: pump after the round */
	int64_t idle_until;	/* nothing due before this (seconds) */
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

/* Keep the server's last reply line, printable and bounded. */
static int
sender_debug(CURL *h, curl_infotype type, char *data, size_t len, void *arg)
{
	struct session *x = arg;
	size_t i, o = 0;

	(void)h;
	if (type != CURLINFO_HEADER_IN)
		return 0;
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
	return 0;
}

static void sender_on_socket(struct loop *, int, int, void *);
static void sender_on_timer(struct loop *, void *);

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
		loop_timer_cancel(s->loop, sender_on_timer, s);
	else
		loop_timer(s->loop, ms, sender_on_timer, s);
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
	r = &s->results[s->nresults++];
	r->id = id;
	r->outcome = o;
	snprintf(r->reply, sizeof r->reply, "%s", reply);
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
	if (code >= 400 && code < 600) {
		snprintf(reply, len, "%s", *x->error_reply ? x->error_reply :
		    curl_easy_strerror(rc));
		return code >= 500 ? QUEUE_PERMFAIL : QUEUE_TEMPFAIL;
	}
	snprintf(reply, len, "%s", curl_easy_strerror(rc));
	if (x->body_done && (rc == CURLE_RECV_ERROR ||
	    rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_GOT_NOTHING ||
	    rc == CURLE_SEND_ERROR || rc == CURLE_WEIRD_SERVER_REPLY)) {
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
	if (*c->smtp.user) {
		curl_easy_setopt(e, CURLOPT_USERNAME, c->smtp.user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, s->password);
	}
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
	curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, sender_debug);
	curl_easy_setopt(e, CURLOPT_DEBUGDATA, x);
	curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);	/* feeds the debug cb */
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* herald writes CRLF already; CRLF=1 would double the CRs */
	curl_easy_setopt(e, CURLOPT_CRLF, 0L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)SENDER_TIMEOUT_S);
}

/* ---- the pump ---- */

static void
sender_refill(struct sender *s, int64_t now)
{
	int max = s->nsess * SENDER_RESERVE_PER_SESSION, n;

	if (s->npool > 0 || s->stopping || now < s->idle_until)
		return;
	n = queue_reserve(s->db, queue_boot_id(), now, max, s->pool);
	if (n < 0) {
		log_warnx("sender: cannot reserve messages: %s",
		    db_errmsg(s->db));
		return;
	}
	s->npool = n;
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

/* Render the next pooled message into an idle session. */
static struct session *
sender_assign(struct sender *s)
{
	char err[512];
	struct session *x = NULL;
	int i;

	for (i = 0; i < s->nsess && x == NULL; i++)
		if (!s->sess[i].busy && s->sess[i].msg_id == 0)
			x = &s->sess[i];
	while (x && s->npool > 0) {
		int64_t id = s->pool[0];

		memmove(s->pool, s->pool + 1, (size_t)--s->npool *
		    sizeof *s->pool);
		if (render_message(s->render, id, &x->out, err, sizeof err) == 0) {
			x->msg_id = id;
			return x;
		}
		log_warnx("message %lld cannot be made: %s", (long long)id, err);
		sender_add_result(s, id, QUEUE_PERMFAIL, err);
	}
	return NULL;
}

/*
 * One transaction records every finished message and marks every
 * message about to start; only after it commits do the starts happen.
 */
static int
sender_commit(struct sender *s, struct session **start, int *started,
    int nstart, int64_t now)
{
	struct queue_retry r = { s->conf->smtp_retry_min,
	    s->conf->smtp_retry_max, s->conf->smtp_give_up };
	int i, rc = 0;

	if (s->nresults == 0 && nstart == 0)
		return 0;
	if (db_begin(s->db) == -1)
		return -1;
	for (i = 0; rc == 0 && i < s->nresults; i++)
		rc = queue_result(s->db, s->results[i].id,
		    s->results[i].outcome, s->results[i].reply, &r, now);
	for (i = 0; rc == 0 && i < nstart; i++)
		if ((started[i] = queue_start(s->db, start[i]->msg_id, now)) < 0)
			rc = -1;
	if (rc == -1 || db_commit(s->db) == -1) {
		db_rollback(s->db);
		return -1;
	}
	s->nresults = 0;
	return 0;
}

void
sender_pump(struct sender *s)
{
	struct session *start[SENDER_MAX_SESSIONS], *x;
	int started[SENDER_MAX_SESSIONS];
	int64_t now = time_now();
	int nstart = 0, i, running;

	sender_collect(s);
	sender_refill(s, now);
	while (!s->stopping && s->npool > 0 && nstart < s->nsess &&
	    sender_rate_ok(s) && (x = sender_assign(s)) != NULL)
		start[nstart++] = x;
	if (sender_commit(s, start, started, nstart, now) == -1) {
		/* nothing recorded, nothing starts: the rows stay reserved */
		log_warnx("sender: database busy; retrying: %s",
		    db_errmsg(s->db));
		for (i = 0; i < nstart; i++) {
			s->pool[s->npool++] = start[i]->msg_id;
			start[i]->msg_id = 0;
		}
		loop_timer(s->loop, 500, sender_on_timer, s);
		return;
	}
	for (i = 0; i < nstart; i++) {
		if (!started[i]) {
			/* paused or cancelled since it was reserved */
			start[i]->msg_id = 0;
			continue;
		}
		sender_prepare(s, start[i]);
		start[i]->busy = 1;
		curl_multi_add_handle(s->multi, start[i]->easy);
	}
	if (nstart)
		curl_multi_socket_action(s->multi, CURL_SOCKET_TIMEOUT, 0,
		    &running);
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

	if (*c->smtp.password_file &&
	    (pw = conf_read_password(c->smtp.password_file, err, errlen))
	    == NULL)
		return -1;
	free(s->password);
	s->password = pw;
	s->conf = c;
	/* the URL path is the EHLO name */
	snprintf(s->url, sizeof s->url, "%s%s%s", c->smtp.url,
	    c->smtp.url[strlen(c->smtp.url) - 1] == '/' ? "" : "/",
	    c->sender_domain);
	return 0;
}

struct sender *
sender_new(struct db *d, const struct conf *c, struct render *r,
    struct loop *l, char *err, size_t errlen)
{
	struct sender *s = xcalloc(1, sizeof *s);
	int i;

	s->db = d;
	s->render = r;
	s->loop = l;
	if (sender_configure(s, c, err, errlen) == -1) {
		free(s);
		return NULL;
	}
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
}

void
sender_stop(struct sender *s)
{
	int i, rc = 0;

	if (s->stopping)
		return;
	s->stopping = 1;
	sender_collect(s);
	/* reservations never started go back to the queue */
	if (db_begin(s->db) == 0) {
		for (i = 0; rc == 0 && i < s->npool; i++)
			rc = queue_release(s->db, s->pool[i]);
		for (i = 0; rc == 0 && i < s->nsess; i++)
			if (!s->sess[i].busy && s->sess[i].msg_id)
				rc = queue_release(s->db, s->sess[i].msg_id);
		if (rc == 0 && db_commit(s->db) == 0)
			s->npool = 0;
		else
			db_rollback(s->db);
	}
	sender_commit(s, NULL, NULL, 0, time_now());
}

int
sender_idle(const struct sender *s)
{
	int i;

	for (i = 0; i < s->nsess; i++)
		if (s->sess[i].busy)
			return 0;
	return s->nresults == 0;
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
			curl_multi_remove_handle(s->multi, s->sess[i].easy);
		curl_easy_cleanup(s->sess[i].easy);
		curl_slist_free_all(s->sess[i].rcpt);
		render_out_free(&s->sess[i].out);
	}
	curl_multi_cleanup(s->multi);
	free(s->results);
	free(s->password);
	free(s);
	*sp = NULL;
}
