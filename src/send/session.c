/*
 * session: one SMTP session's thread. It takes the next rendered message
 * from prep itself, checks it may go (its campaign not on hold, the rate
 * limit, a server not resting), writes its start mark (journal_start:
 * durable before the transaction begins), runs the transaction with
 * curl_easy_perform, and hands the outcome in to the sender. Nothing on
 * that path waits for the loop thread: a message needs no thread
 * switch but the ones its SMTP replies make.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/timeutil.h"
#include "send/sender.h"
#include "send/sender_int.h"
#include "send/smtp_auth.h"

#if LIBCURL_VERSION_NUM < 0x080200
#define CURLOPT_MAIL_RCPT_ALLOWFAILS CURLOPT_MAIL_RCPT_ALLLOWFAILS
#endif

/* ---- curl callbacks ---- */

static size_t
session_read(char *buf, size_t size, size_t n, void *arg)
{
	struct session *x = arg;
	size_t left = x->out.data.len - x->offset, want = size * n;

	if (want > left)
		want = left;
	/*
	 * The last bytes go only once the start mark is durable: a message
	 * whose mark a power cut could take never reaches the end of DATA.
	 * Its MAIL, RCPT and DATA round trips gave the other sessions time
	 * to write theirs, so one sync mostly covers several.
	 */
	if (want == left && !x->durable) {
		if (journal_durable(&x->s->journal, &x->mark) == -1) {
			x->journal_failed = 1;
			return CURL_READFUNC_ABORT;
		}
		x->durable = 1;
	}
	pthread_mutex_lock(&x->mu);
	/* sender_abandon gave it up before the end: never finish it */
	if (x->cut) {
		pthread_mutex_unlock(&x->mu);
		return CURL_READFUNC_ABORT;
	}
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
session_header(char *data, size_t size, size_t n, void *arg)
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
session_opensocket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
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
session_closesocket(void *arg, curl_socket_t fd)
{
	struct session *x = arg;

	pthread_mutex_lock(&x->mu);
	if (x->fd == fd)
		x->fd = -1;
	pthread_mutex_unlock(&x->mu);
	return close(fd);
}

/* ---- one transaction ---- */

/*
 * What a finished transaction means. A reply code decides when there is
 * one; without one, a failure after curl read the whole message may have
 * come after the final dot, so the delivery is uncertain.
 */
static enum queue_outcome
session_classify(struct session *x, CURLcode rc, char *reply, size_t len)
{
	long code = 0;
	int body_done;

	pthread_mutex_lock(&x->mu);
	body_done = x->body_done;
	pthread_mutex_unlock(&x->mu);
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	/* away: no connection, or 421 (RFC 5321 4.2.2: closing) before the
	 * message was handed over; another server of the list may take it */
	x->srv_down = !body_done && (code == 421 ||
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
	if (body_done) {
		snprintf(reply, len, "no reply after the end of DATA (%s): it "
		    "may have been delivered", curl_easy_strerror(rc));
		return QUEUE_UNCERTAIN;
	}
	return QUEUE_TEMPFAIL;
}

/* The server's options, set again only when the session's copy of the
 * server changed (a reload, another server of the list): curl keeps
 * them between transfers, and parsing the URL for every message is
 * wasted work. */
static void
session_prepare_server(struct session *x)
{
	const struct sender_server *v = &x->srv;
	CURL *e = x->easy;

	curl_easy_setopt(e, CURLOPT_URL, v->url);
	curl_easy_setopt(e, CURLOPT_USE_SSL, v->use_ssl);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, v->verify);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, v->verify ? 2L : 0L);
	/* never set to NULL: that would take curl's default CA file away */
	if (v->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, v->ca_file);
	/* set or cleared each time: the last server may have been another */
	curl_easy_setopt(e, CURLOPT_USERNAME, v->user);
	curl_easy_setopt(e, CURLOPT_PASSWORD, v->password);
	curl_easy_setopt(e, CURLOPT_LOGIN_OPTIONS, NULL);
	curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, NULL);
	x->prepared_gen = x->srv_gen;
	x->prepared_idx = x->srv_idx;
}

/* Per-message options; the connection itself stays open in the easy
 * handle between messages. */
static void
session_prepare(struct session *x)
{
	const struct sender_server *v = &x->srv;
	CURL *e = x->easy;

	if (x->prepared_gen != x->srv_gen || x->prepared_idx != x->srv_idx)
		session_prepare_server(x);
	if (v->oauth2)		/* OAuth2: user and a token, fresh if need be */
		smtp_auth_bearer(e, &v->o, v->user, NULL, 0);
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, x->out.mail_from);
	x->rcpt = curl_slist_append(NULL, x->out.rcpt);
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, x->rcpt);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)x->out.data.len);
	x->offset = 0;
	x->reply[0] = x->error_reply[0] = '\0';
}

static CURLcode
session_perform(struct session *x)
{
	CURLcode rc;

	session_prepare(x);
	rc = curl_easy_perform(x->easy);
	if (rc == CURLE_LOGIN_DENIED && x->srv.oauth2) {
		/* the token may have been revoked or expired early: once
		 * more with a fresh one (smtp_auth_bearer sees the 535);
		 * nothing of the message was sent before the login */
		curl_slist_free_all(x->rcpt);
		session_prepare(x);
		rc = curl_easy_perform(x->easy);
	}
	curl_slist_free_all(x->rcpt);
	x->rcpt = NULL;
	return rc;
}

/* ---- may it go, and when ---- */

/*
 * What to do with a rendered item before it may start: 1 to send it;
 * 0 when it was handed in already (cancelled, held, or not makeable).
 */
static int
session_admit(struct session *x, const struct prep_item *it)
{
	struct sender *s = x->s;
	const char *held = NULL;
	int i;

	pthread_mutex_lock(&s->mu);
	for (i = 0; it->out.campaign_id && i < s->nholds; i++)
		if (s->holds[i].campaign_id == it->out.campaign_id) {
			if (s->holds[i].cancelled)
				held = QUEUE_S_CANCELLED;
			else if (!it->out.exempt)
				held = QUEUE_S_QUEUED;
			break;
		}
	pthread_mutex_unlock(&s->mu);
	if (it->skip)
		held = QUEUE_S_CANCELLED;
	if (held) {
		sender_add_release(s, it->id, held);
		return 0;
	}
	if (it->failed) {
		log_warnx("message %lld cannot be made: %s", (long long)it->id,
		    it->err);
		journal_done(&s->journal, it->id, (int)QUEUE_PERMFAIL,
		    time_now(), it->err);
		sender_add_result(s, it->id, QUEUE_PERMFAIL, it->err, NULL,
		    NULL);
		return 0;
	}
	return 1;
}

/*
 * The next start under smtp.rate and the server it goes to (s->mu
 * held): 0 with *idx set to go now, or the milliseconds to wait.
 */
static int64_t
session_slot(struct sender *s, int *idx)
{
	int64_t now = loop_now_ms(), wake = 0, t = time_now(), gap;

	if ((*idx = relays_pick(&s->relays, t, &wake)) < 0)
		return (wake > t ? wake - t : 1) * 1000;
	if (s->rate <= 0)
		return 0;
	if (now < s->next_start_ms)
		return s->next_start_ms - now;
	gap = 60000 / s->rate;
	s->next_start_ms = (s->next_start_ms + gap > now ? s->next_start_ms :
	    now) + gap;
	return 0;
}

/* Sleep ms, or less when the session is cut. -1: cut (stopping). */
static int
session_sleep(struct session *x, int64_t ms)
{
	struct timespec ts;
	int cut;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&x->mu);
	if (!x->cut)
		pthread_cond_timedwait(&x->wake, &x->mu, &ts);
	cut = x->cut;
	pthread_mutex_unlock(&x->mu);
	return cut ? -1 : 0;
}

/* Wait for this message's turn; the server index, or -1 when stopping. */
static int
session_turn(struct session *x)
{
	struct sender *s = x->s;
	int64_t wait;
	int idx;

	for (;;) {
		if (atomic_load(&s->stopping))
			return -1;
		pthread_mutex_lock(&s->mu);
		wait = session_slot(s, &idx);
		/* a reload reaches the session here, between two messages */
		if (wait == 0 && (x->srv_gen != s->server_gen ||
		    x->srv_idx != idx)) {
			server_copy(&x->srv, &s->servers[idx]);
			x->srv_gen = s->server_gen;
			x->srv_idx = idx;
		}
		pthread_mutex_unlock(&s->mu);
		if (wait == 0)
			return idx;
		if (session_sleep(x, wait) == -1)
			return -1;
	}
}

/* ---- the thread ---- */

/* Mark x in flight with id unless it was cut meanwhile. 1: go. */
static int
session_begin(struct session *x, int64_t id)
{
	int go;

	pthread_mutex_lock(&x->mu);
	go = !x->cut && !atomic_load(&x->s->stopping);
	if (go) {
		x->busy = 1;
		x->abandoned = 0;
		x->body_done = 0;
		x->msg_id = id;
	}
	pthread_mutex_unlock(&x->mu);
	return go;
}

/* x is no longer in flight; 1 when the loop thread gave it up and so
 * recorded its outcome already. */
static int
session_idle(struct session *x)
{
	int dropped;

	pthread_mutex_lock(&x->mu);
	dropped = x->abandoned;
	x->busy = x->abandoned = 0;
	x->msg_id = 0;
	pthread_mutex_unlock(&x->mu);
	return dropped;
}

/* The outcome of x's transaction, handed in (unless given up). */
static void
session_end(struct session *x, int64_t id, enum queue_outcome o,
    const char *reply)
{
	struct sender *s = x->s;
	int away = 0;

	/* an abandoned one was recorded when it was given up */
	if (session_idle(x))
		return;
	pthread_mutex_lock(&s->mu);
	/* a reload may have changed the list meanwhile */
	if (x->srv_idx < s->nservers) {
		away = s->nservers > 1 && x->srv_down;
		if (away) {
			relays_failed(&s->relays, x->srv_idx, time_now());
			log_warnx("smtp server %s is away (%s): resting it "
			    "%llds, the next in the list takes its mail",
			    x->srv.name, reply, (long long)relays_rest(
			    s->relays.v[x->srv_idx].fails));
		} else if (!x->srv_down)
			relays_worked(&s->relays, x->srv_idx);
	}
	pthread_mutex_unlock(&s->mu);
	if (away) {
		/* its start mark is on disk: should the release not reach the
		 * database, recovery defers it rather than doubting it */
		journal_done(&s->journal, id, (int)QUEUE_TEMPFAIL, time_now(),
		    reply);
		sender_add_release(s, id, QUEUE_S_QUEUED);
		return;
	}
	journal_done(&s->journal, id, (int)o, time_now(), reply);
	sender_add_result(s, id, o, reply, o == QUEUE_SENT ||
	    o == QUEUE_UNCERTAIN || !x->srv_down ? x->srv.name : NULL,
	    x->out.subject);
}

/* The journal failed: the message, never handed over, goes back to the
 * queue, and the session rests a second. */
static void
session_hold_back(struct session *x, int64_t id)
{
	log_warn("sender: journal %s: holding back", x->s->journal.path);
	if (!session_idle(x))
		sender_add_release(x->s, id, QUEUE_S_QUEUED);
	session_sleep(x, 1000);
}

/* Send the message in x->out (id): its turn, its mark, its transaction. */
static void
session_send(struct session *x, int64_t id)
{
	struct sender *s = x->s;
	char reply[SENDER_REPLY_MAX];
	enum queue_outcome o;

	if (session_turn(x) < 0 || !session_begin(x, id)) {
		sender_add_release(s, id, QUEUE_S_QUEUED);
		return;
	}
	/* nothing starts before its start mark is written, nor ends before
	 * it is durable (session_read) */
	x->durable = x->journal_failed = 0;
	if (journal_start(&s->journal, id, &x->mark) == -1) {
		session_hold_back(x, id);
		return;
	}
	o = session_classify(x, session_perform(x), reply, sizeof reply);
	if (x->journal_failed)
		session_hold_back(x, id);
	else
		session_end(x, id, o, reply);
}

/*
 * A session's thread: take the next rendered message, send it, again;
 * until prep is closed. Each item's buffers are swapped with the
 * session's, not copied.
 */
static void *
session_main(void *arg)
{
	struct session *x = arg;
	struct sender *s = x->s;
	struct prep_item *it;
	struct render_out tmp;
	int64_t id;
	int backlog;

	while ((it = prep_take(s->prep, &backlog)) != NULL) {
		/* running low: the loop thread reserves more */
		if (backlog <= s->low_water)
			sender_poke(s);
		id = it->id;
		if (session_admit(x, it)) {
			tmp = x->out;
			x->out = it->out;
			it->out = tmp;
			session_send(x, id);
		}
		/* the last outcome: no other will join its batch */
		if (prep_done(s->prep, it))
			sender_poke(s);
	}
	return NULL;
}

int
session_cut_locked(struct session *x)
{
	x->cut = 1;
	if (x->fd != -1)
		shutdown(x->fd, SHUT_RDWR);
	pthread_cond_signal(&x->wake);
	return x->body_done;
}

int
session_init(struct sender *s, struct session *x)
{
	CURL *e = curl_easy_init();

	memset(x, 0, sizeof *x);
	x->s = s;
	x->easy = e;
	x->fd = -1;
	x->srv_gen = x->prepared_gen = -1;
	render_out_init(&x->out);
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->wake, NULL);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, session_read);
	curl_easy_setopt(e, CURLOPT_READDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, session_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, session_opensocket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, session_closesocket);
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
	if (pthread_create(&x->thread, NULL, session_main, x) != 0) {
		curl_easy_cleanup(e);
		pthread_mutex_destroy(&x->mu);
		pthread_cond_destroy(&x->wake);
		render_out_free(&x->out);
		return -1;
	}
	return 0;
}

/* Join x's thread (prep is closed: it takes nothing more) and free it. */
void
session_free(struct session *x)
{
	pthread_mutex_lock(&x->mu);
	session_cut_locked(x);
	pthread_mutex_unlock(&x->mu);
	pthread_join(x->thread, NULL);
	/* closes the connection through session_closesocket: mu still lives */
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->rcpt);
	render_out_free(&x->out);
	server_free(&x->srv);
	pthread_mutex_destroy(&x->mu);
	pthread_cond_destroy(&x->wake);
}
