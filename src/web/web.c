/*
 * web: the listener (see web.h). libmicrohttpd runs one polling thread
 * of its own; every request is answered on it, so the endpoint's SQLite
 * connection, its rate table and its buffers belong to that thread
 * alone. Its limits: http.connections at once, an idle timeout
 * (http.timeout: a slowloris client is dropped), 32 KiB of request head
 * per connection (more: libmicrohttpd answers 431 itself), WEB_BODY_MAX
 * of form data, and http.rate requests a minute per client address.
 */
#include "web/web.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/hostport.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "web/web_int.h"

#define WEB_BODY_MAX 4096
#define WEB_HEAD_MAX (32 * 1024)
#define WEB_PAGE_MAX (64 * 1024)
#define WEB_RATE_SLOTS 4096
#define WEB_BUSY_MS 2000	/* a web answer waits no longer for a lock */
/*
 * The listener's thread runs under SCHED_IDLE (Linux, per thread): when a
 * flood of requests and a campaign compete for the processor, a sender
 * thread that wakes for its server's reply takes the processor at once
 * instead of queueing behind the listener. A nice value alone (10 was
 * tried) left the sender 25% slower under 1,000 concurrent requests;
 * bench/web.sh measures it. The pages still get the processor whenever
 * the sender waits on the network, which is nearly always.
 */

/* A client's requests in the current minute (slots shared on collision). */
struct web_rate_slot {
	uint64_t who;
	int64_t minute;
	unsigned count;
};

struct web {
	struct MHD_Daemon *mhd;
	struct conf *conf;
	struct token_key key;
	struct db *db;
	char *cert, *pem_key;	/* TLS: PEM text, alive as long as mhd */
	struct web_rate_slot rate[WEB_RATE_SLOTS];
	struct buf page;
	char prefix[260];	/* base_url's path ("/herald"), or "" */
	int idle;		/* the listener's thread is SCHED_IDLE */
};

/* One request: its form fields as the post processor found them. */
struct web_req {
	struct MHD_PostProcessor *pp;
	size_t body;
	int too_big, limited, one_click, has_undo;
	char f[WEB_MAC_HEX + 1], u[WEB_MAC_HEX + 1], a[8], undo[24];
};

static void
web_field(char *dst, size_t n, const char *data, uint64_t off, size_t size)
{
	size_t have = strlen(dst);

	/* a field longer than any herald writes is cut, so it fails */
	if (off != have || have + size >= n)
		return;
	memcpy(dst + have, data, size);
	dst[have + size] = '\0';
}

static enum MHD_Result
web_post_field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *type, const char *enc,
    const char *data, uint64_t off, size_t size)
{
	struct web_req *r = cls;

	(void)kind; (void)filename; (void)type; (void)enc;
	if (strcmp(key, "List-Unsubscribe") == 0 && off == 0 &&
	    size == 9 && memcmp(data, "One-Click", 9) == 0)
		r->one_click = 1;	/* RFC 8058 */
	else if (strcmp(key, "f") == 0)
		web_field(r->f, sizeof r->f, data, off, size);
	else if (strcmp(key, "u") == 0)
		web_field(r->u, sizeof r->u, data, off, size);
	else if (strcmp(key, "a") == 0)
		web_field(r->a, sizeof r->a, data, off, size);
	else if (strcmp(key, "undo") == 0) {
		r->has_undo = 1;
		web_field(r->undo, sizeof r->undo, data, off, size);
	}
	return MHD_YES;
}

/* Every answer: these headers, whatever the status. */
static enum MHD_Result
web_send(struct MHD_Connection *c, unsigned status, const char *type,
    const char *body, size_t len)
{
	struct MHD_Response *res = MHD_create_response_from_buffer(len,
	    (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;

	if (res == NULL)
		return MHD_NO;
	MHD_add_response_header(res, "Content-Type", type);
	MHD_add_response_header(res, "Cache-Control", "no-store");
	MHD_add_response_header(res, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(res, "X-Frame-Options", "DENY");
	MHD_add_response_header(res, "Content-Security-Policy",
	    "default-src 'none'; style-src 'unsafe-inline'; "
	    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED || status == MHD_HTTP_NO_CONTENT)
		MHD_add_response_header(res, "Allow", "GET, HEAD, POST, OPTIONS");
	rc = MHD_queue_response(c, status, res);
	MHD_destroy_response(res);
	return rc;
}

static enum MHD_Result
web_html(struct web *w, struct MHD_Connection *c, unsigned status)
{
	return web_send(c, status, "text/html; charset=utf-8", w->page.data,
	    w->page.len);
}

static enum MHD_Result
web_problem(struct web *w, struct MHD_Connection *c, const char *lang,
    unsigned status)
{
	web_page_problem(&w->page, lang, (int)status);
	return web_html(w, c, status);
}

/*
 * Who is asking, for the rate limit: the peer, or, when the peer is
 * this host (the reverse proxy herald.conf(5) describes), the address
 * the proxy put last in X-Forwarded-For, which is the one it saw.
 */
static uint64_t
web_client(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const char *fwd, *last;
	char who[INET6_ADDRSTRLEN + 8] = "";
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	int loopback = 0;
	size_t i;

	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, who, sizeof who);
		loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, who, sizeof who);
		loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	if (loopback && (fwd = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Forwarded-For")) != NULL) {
		last = strrchr(fwd, ',');
		last = last ? last + 1 : fwd;
		while (*last == ' ')
			last++;
		snprintf(who, sizeof who, "%s", last);
	}
	for (i = 0; who[i]; i++)
		h = (h ^ (unsigned char)who[i]) * 1099511628211ULL;
	return h;
}

static int
web_rate_ok(struct web *w, struct MHD_Connection *c)
{
	uint64_t who = web_client(c);
	struct web_rate_slot *s = &w->rate[who % WEB_RATE_SLOTS];
	int64_t minute = time_now() / 60;

	if (s->who != who || s->minute != minute) {
		s->who = who;
		s->minute = minute;
		s->count = 0;
	}
	return ++s->count <= (unsigned)w->conf->http_rate;
}

/* The token of a path "/X/TOKEN", lower-cased, or -1. */
static int
web_path_token(const char *url, char route, char *tok)
{
	size_t n, i;

	if (url[0] != '/' || url[1] != route || url[2] != '/')
		return -1;
	url += 3;
	if ((n = strlen(url)) > 0 && url[n - 1] == '/')
		n--;		/* a trailing slash some mail clients add */
	if (n == 0 || n > TOKEN_LEN_MAX)
		return -1;
	for (i = 0; i < n; i++)
		tok[i] = (char)tolower((unsigned char)url[i]);
	tok[n] = '\0';
	return 0;
}

/*
 * The target the path names, or found == 0. A forged token is looked
 * up too (as row 0, which never exists), so it costs what an unknown
 * row costs and gets the same page.
 */
static int
web_lookup(struct web *w, const char *tok, struct web_target *t)
{
	enum token_kind kind = TOKEN_MESSAGE;
	uint64_t id = 0;

	if (token_check(&w->key, tok, strlen(tok), &kind, &id) == -1)
		id = 0;
	return web_target_load(w->db, w->conf, kind, (int64_t)id, t);
}

static enum MHD_Result
web_unsub_done(struct web *w, struct MHD_Connection *c,
    const struct web_target *t, const char *tok, const char *fmac)
{
	struct web_form f = { fmac, time_now(), NULL };
	char umac[WEB_MAC_HEX + 1];

	web_form_mac(&w->key, "undo", tok, f.stamp, umac);
	f.undo_mac = umac;
	web_page_unsub_done(&w->page, t, &f);
	return web_html(w, c, MHD_HTTP_OK);
}

static enum MHD_Result
web_unsub_post(struct web *w, struct MHD_Connection *c, struct web_req *r,
    struct web_target *t, const char *tok, const char *fmac)
{
	long long stamp;
	char *end;

	/* RFC 8058: the one-click POST carries the path's token alone */
	if (!r->one_click && !web_form_ok(&w->key, "form", tok, 0, r->f))
		return web_problem(w, c, t->lang, MHD_HTTP_FORBIDDEN);
	if (!r->has_undo || r->one_click) {
		if (web_unsubscribe(w->db, t, 0) == -1)
			return web_problem(w, c, t->lang,
			    MHD_HTTP_SERVICE_UNAVAILABLE);
		return web_unsub_done(w, c, t, tok, fmac);
	}
	stamp = strtoll(r->undo, &end, 10);
	if (*r->undo == '\0' || *end != '\0' ||
	    !web_form_ok(&w->key, "undo", tok, stamp, r->u))
		return web_problem(w, c, t->lang, MHD_HTTP_FORBIDDEN);
	if (time_now() - stamp > WEB_UNDO_DAYS * 86400 ||
	    stamp > time_now() + 300) {
		web_page_undo_late(&w->page, t);
		return web_html(w, c, MHD_HTTP_FORBIDDEN);
	}
	if (web_unsubscribe(w->db, t, 1) == -1)
		return web_problem(w, c, t->lang, MHD_HTTP_SERVICE_UNAVAILABLE);
	web_page_unsub_undone(&w->page, t);
	return web_html(w, c, MHD_HTTP_OK);
}

static const char *
web_token_answer(enum token_kind kind)
{
	return kind == TOKEN_YES ? "yes" : kind == TOKEN_NO ? "no" :
	    kind == TOKEN_MAYBE ? "maybe" : NULL;
}

static enum MHD_Result
web_rsvp_post(struct web *w, struct MHD_Connection *c, struct web_req *r,
    struct web_target *t, const char *tok, const struct web_form *f)
{
	const char *stored;

	if (!web_form_ok(&w->key, "form", tok, 0, r->f))
		return web_problem(w, c, t->lang, MHD_HTTP_FORBIDDEN);
	if (strcmp(r->a, "yes") && strcmp(r->a, "no") && strcmp(r->a, "maybe"))
		return web_problem(w, c, t->lang, MHD_HTTP_BAD_REQUEST);
	if (t->cancelled) {
		web_page_rsvp(&w->page, t, f, NULL, NULL);
		return web_html(w, c, MHD_HTTP_CONFLICT);
	}
	if (web_rsvp(w->db, w->conf, &w->key, t, r->a, &stored) == -1)
		return web_problem(w, c, t->lang, MHD_HTTP_SERVICE_UNAVAILABLE);
	snprintf(t->answer, sizeof t->answer, "%s", stored);
	web_page_rsvp(&w->page, t, f, NULL, stored);
	return web_html(w, c, MHD_HTTP_OK);
}

/* /u/TOKEN and /r/TOKEN, GET or POST. */
static enum MHD_Result
web_link(struct web *w, struct MHD_Connection *c, struct web_req *r,
    const char *url, int post)
{
	struct web_target t;
	char tok[TOKEN_MAX], fmac[WEB_MAC_HEX + 1];
	struct web_form f = { fmac, 0, NULL };
	int unsub = url[1] == 'u';

	if (web_path_token(url, url[1], tok) == -1 ||
	    web_lookup(w, tok, &t) == -1 || !t.found ||
	    (unsub != (t.kind == TOKEN_UNSUBSCRIBE))) {
		web_page_missing(&w->page);
		return web_html(w, c, MHD_HTTP_NOT_FOUND);
	}
	web_form_mac(&w->key, "form", tok, 0, fmac);
	if (post && r->too_big)
		return web_problem(w, c, t.lang,
		    MHD_HTTP_CONTENT_TOO_LARGE);
	if (unsub && post)
		return web_unsub_post(w, c, r, &t, tok, fmac);
	if (post)
		return web_rsvp_post(w, c, r, &t, tok, &f);
	if (unsub)
		web_page_unsub_ask(&w->page, &t, &f);
	else
		web_page_rsvp(&w->page, &t, &f, web_token_answer(t.kind), NULL);
	return web_html(w, c, MHD_HTTP_OK);
}

/*
 * base_url's path: a proxy that passes "/herald/u/..." on as it is
 * and one that strips "/herald" both reach the same routes.
 */
static void
web_prefix(struct web *w)
{
	const char *p = strstr(w->conf->http_base_url, "://");

	p = p ? strchr(p + 3, '/') : NULL;
	snprintf(w->prefix, sizeof w->prefix, "%s", p ? p : "");
}

static enum MHD_Result
web_route(struct web *w, struct MHD_Connection *c, struct web_req *r,
    const char *url, const char *method)
{
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	int post = strcmp(method, "POST") == 0;
	size_t n = strlen(w->prefix);

	if (n && strncmp(url, w->prefix, n) == 0 && url[n] == '/')
		url += n;

	if (r->limited)
		return web_problem(w, c, "en", MHD_HTTP_TOO_MANY_REQUESTS);
	if (strcmp(method, "OPTIONS") == 0)
		return web_send(c, MHD_HTTP_NO_CONTENT, "text/plain", "", 0);
	if (!get && !post)
		return web_problem(w, c, "en", MHD_HTTP_METHOD_NOT_ALLOWED);
	if (strcmp(url, "/health") == 0)
		return get ? web_send(c, MHD_HTTP_OK, "text/plain; charset=utf-8",
		    "ok\n", 3) : web_problem(w, c, "en",
		    MHD_HTTP_METHOD_NOT_ALLOWED);
	/* browsers ask for it on every page: nothing, and no error logged */
	if (strcmp(url, "/favicon.ico") == 0)
		return web_send(c, MHD_HTTP_NO_CONTENT, "image/x-icon", "", 0);
	if (strncmp(url, "/u/", 3) == 0 || strncmp(url, "/r/", 3) == 0)
		return web_link(w, c, r, url, post);
	web_page_missing(&w->page);
	return web_html(w, c, MHD_HTTP_NOT_FOUND);
}

static enum MHD_Result
web_handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct web *w = cls;
	struct web_req *r = *con_cls;

	(void)version;
	if (!w->idle) {
		/* the first request runs on the listener's thread: lower it */
		struct sched_param sp = { 0 };

		w->idle = 1;
		if (sched_setscheduler((pid_t)syscall(SYS_gettid), SCHED_IDLE,
		    &sp) == -1)
			log_warn("web: sched_setscheduler");
	}
	if (r == NULL) {
		/* the head is in: the body, if any, comes in later calls */
		*con_cls = r = xcalloc(1, sizeof *r);
		r->limited = !web_rate_ok(w, c);
		if (!r->limited && strcmp(method, "POST") == 0)
			r->pp = MHD_create_post_processor(c, 1024,
			    web_post_field, r);
		return MHD_YES;
	}
	if (*upload_size != 0) {
		r->body += *upload_size;
		if (r->body > WEB_BODY_MAX)
			r->too_big = 1;
		else if (r->pp && MHD_post_process(r->pp, upload,
		    *upload_size) != MHD_YES)
			r->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	return web_route(w, c, r, url, method);
}

static void
web_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode why)
{
	struct web_req *r = *con_cls;

	(void)cls; (void)c; (void)why;
	if (r == NULL)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	free(r);
	*con_cls = NULL;
}

static char *
web_read_pem(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct buf b;
	char chunk[4096];
	size_t n;

	if (f == NULL) {
		snprintf(err, errlen, "http: %s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_add(&b, chunk, n) == -1)
			break;
	fclose(f);
	return buf_steal(&b);
}

static struct MHD_Daemon *
web_listen(struct web *w, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	const char *why;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_TURBO;
	unsigned per_ip;
	struct MHD_Daemon *mhd;

	if (hostport_parse(w->conf->http_listen, &ss, &len, &why) == -1) {
		snprintf(err, errlen, "http.listen: %s", why);
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (w->cert)
		flags |= MHD_USE_TLS;
	/* a client may hold an eighth of the connections; behind a proxy
	 * on this host every request comes from it, and the proxy limits */
	per_ip = (unsigned)w->conf->http_connections / 8;
	if ((ss.ss_family == AF_INET && ntohl(((struct sockaddr_in *)&ss)->
	    sin_addr.s_addr) >> 24 == 127) || (ss.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&ss)->sin6_addr)))
		per_ip = 0;
	mhd = MHD_start_daemon(flags, 0, NULL, NULL, web_handle, w,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)w->conf->http_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)w->conf->http_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_HEAD_MAX,
	    MHD_OPTION_NOTIFY_COMPLETED, web_done, w,
	    MHD_OPTION_STRICT_FOR_CLIENT, 1,
	    w->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, w->cert,
	    MHD_OPTION_HTTPS_MEM_KEY, w->pem_key,
	    MHD_OPTION_END);
	if (mhd == NULL)
		snprintf(err, errlen, "http: cannot listen on %s%s%s",
		    w->conf->http_listen, errno ? ": " : "",
		    errno ? strerror(errno) : "");
	return mhd;
}

struct web *
web_start(const char *conf_path, const struct token_key *key, char *err,
    size_t errlen)
{
	struct web *w = xcalloc(1, sizeof *w);

	buf_init(&w->page, WEB_PAGE_MAX);
	w->key = *key;
	if ((w->conf = conf_load(conf_path, err, errlen)) == NULL)
		goto fail;
	if (*w->conf->http_cert_file &&
	    ((w->cert = web_read_pem(w->conf->http_cert_file, err,
	    errlen)) == NULL ||
	    (w->pem_key = web_read_pem(w->conf->http_key_file, err,
	    errlen)) == NULL))
		goto fail;
	if ((w->db = db_open(w->conf->database, 0, err, errlen)) == NULL)
		goto fail;
	sqlite3_busy_timeout(w->db->h, WEB_BUSY_MS);
	web_prefix(w);
	errno = 0;
	if ((w->mhd = web_listen(w, err, errlen)) == NULL)
		goto fail;
	log_info("web: listening on %s%s for %s", w->conf->http_listen,
	    w->cert ? " (HTTPS)" : "", w->conf->http_base_url);
	return w;
fail:
	web_stop(&w);
	return NULL;
}

void
web_stop(struct web **wp)
{
	struct web *w = *wp;

	if (w == NULL)
		return;
	if (w->mhd)
		MHD_stop_daemon(w->mhd);
	db_close(&w->db);
	conf_free(&w->conf);
	buf_free(&w->page);
	free(w->cert);
	free(w->pem_key);
	free(w);
	*wp = NULL;
}
