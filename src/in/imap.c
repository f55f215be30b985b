/* imap: see imap.h. */
#include "in/imap.h"

#include <curl/curl.h>
#include <gnutls/gnutls.h>
#include <libetpan/libetpan.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "in/imap_auth.h"
#include "in/imap_stream.h"
#include "lib/log.h"
#include "lib/tlsjudge.h"
#include "lib/xmalloc.h"

#define IMAP_TIMEOUT_S 60
#define IMAP_IDLE_MAX_S (25 * 60)
#define IMAP_BUFFER 8192	/* libetpan's own */

static mailimap *
imap_s(const struct imap *m)
{
	return m->session;
}

/* "host: what failed", and why when herald's stream driver knows. */
static int
imap_fail(const struct imap *m, const char *what, char *err, size_t errlen)
{
	const char *why = m->session ?
	    imap_stream_why(imap_s(m)->imap_stream) : NULL;

	snprintf(err, errlen, "%s: %s%s%s", m->host, what, why ? ": " : "",
	    why ? why : "");
	return -1;
}

/* Host, port, TLS-from-the-start and mailbox from imap.url. */
static int
imap_parse_url(const char *url, char **host, uint16_t *port, int *tls,
    char **mailbox)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *h = NULL, *p = NULL, *path = NULL;
	int rc = -1;

	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
		*tls = strcmp(scheme, "imaps") == 0;
		*port = *tls ? 993 : 143;
		if (curl_url_get(u, CURLUPART_PORT, &p, 0) == CURLUE_OK)
			*port = (uint16_t)atoi(p);
		if (curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) !=
		    CURLUE_OK || strcmp(path, "/") == 0) {
			curl_free(path);
			path = NULL;
		}
		*host = xstrdup(h);
		*mailbox = xstrdup(path ? path + 1 : "INBOX");
		rc = 0;
	}
	curl_free(scheme);
	curl_free(h);
	curl_free(p);
	curl_free(path);
	curl_url_cleanup(u);
	return rc;
}

/*
 * The certificates the server presented, leaf first, as DER: the whole
 * chain, so that a certificate from an intermediate CA verifies against
 * the root alone. Returns how many are in ders (at most max), each to
 * be freed with free().
 */
static unsigned int
imap_peer_chain(struct imap *m, gnutls_datum_t *ders, unsigned int max)
{
	mailstream *ms = imap_s(m)->imap_stream;
	unsigned char *der = NULL;
	unsigned int n = 0, i;
	carray *chain;
	ssize_t len;

	/* the leaf first: libetpan 1.9.4's chain call returns an
	 * uninitialised pointer when the server sent no certificate */
	len = mailstream_ssl_get_certificate(ms, &der);
	if (len <= 0) {
		free(der);
		return 0;
	}
	ders[n].data = der;
	ders[n++].size = (unsigned int)len;
	if ((chain = mailstream_get_certificate_chain(ms)) == NULL)
		return n;
	/* entry 0 is the leaf again */
	for (i = 1; i < carray_count(chain) && n < max; i++) {
		MMAPString *s = carray_get(chain, i);

		ders[n].data = xmalloc(s->len ? s->len : 1);
		memcpy(ders[n].data, s->str, s->len);
		ders[n++].size = (unsigned int)s->len;
	}
	mailstream_certificate_chain_free(chain);
	return n;
}

/* The chain must lead to a trusted CA, in its dates, for our host. */
static int
imap_verify(struct imap *m, const struct conf *c, char *err, size_t errlen)
{
	gnutls_datum_t ders[TLSJUDGE_MAX_CHAIN];
	char why[1500];
	unsigned int n, i;
	enum tlsjudge_verdict v;

	n = imap_peer_chain(m, ders, TLSJUDGE_MAX_CHAIN);
	v = tlsjudge_chain(ders, n, m->host, c->imap.ca_file, why, sizeof why);
	for (i = 0; i < n; i++)
		free(ders[i].data);
	if (v == TLSJUDGE_OK)
		return 0;
	snprintf(err, errlen, "%s: %s", m->host, why);
	return -1;
}

/*
 * The connection is herald's own (imap_stream.h), with libetpan's
 * parser on top: so its driver is in place before the first byte of
 * the greeting, and the socket can be cut from another thread.
 */
static int
imap_stream_open(struct imap *m, uint16_t port, int tls, char *err,
    size_t errlen)
{
	mailstream_low *low;
	mailstream *ms;
	int fd, r;

	if ((fd = imap_stream_connect(m->host, port, IMAP_TIMEOUT_S, m->cut,
	    err, errlen)) == -1)
		return -1;
	low = tls ? mailstream_low_ssl_open_timeout(fd, IMAP_TIMEOUT_S) :
	    mailstream_low_socket_open(fd);
	if (low == NULL) {
		imap_stream_drop(m->cut, fd);
		snprintf(err, errlen, "%s:%u: %s", m->host, port, tls ?
		    "TLS handshake failed" : "out of memory");
		return -1;
	}
	mailstream_low_set_timeout(low, IMAP_TIMEOUT_S);
	if ((ms = mailstream_new(low, IMAP_BUFFER)) == NULL) {
		mailstream_low_close(low);
		mailstream_low_free(low);
		snprintf(err, errlen, "%s: out of memory", m->host);
		return -1;
	}
	imap_stream_wrap(ms, m->cut, IMAP_LITERAL_MAX);
	/* on failure the session owns the stream: imap_close frees it */
	r = mailimap_connect(imap_s(m), ms);
	if (r != MAILIMAP_NO_ERROR && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return imap_fail(m, "no IMAP greeting", err, errlen);
	return 0;
}

static int
imap_connect(struct imap *m, const struct conf *c, uint16_t port,
    int implicit_tls, char *err, size_t errlen)
{
	mailimap *s = imap_s(m);
	int tls = implicit_tls;

	if (imap_stream_open(m, port, implicit_tls, err, errlen) == -1)
		return -1;
	if (!implicit_tls && c->imap.tls != CONF_TLS_OFF) {
		if (mailimap_has_extension(s, "STARTTLS")) {
			/* libetpan drops what the server sent before TLS
			 * (CVE-2020-15953, patched in Debian's build) */
			if (mailimap_socket_starttls(s) != MAILIMAP_NO_ERROR)
				return imap_fail(m, "STARTTLS failed", err,
				    errlen);
			/* STARTTLS put a new low-level stream in place */
			imap_stream_wrap(s->imap_stream, m->cut,
			    IMAP_LITERAL_MAX);
			tls = 1;
		} else if (c->imap.tls == CONF_TLS_REQUIRED) {
			snprintf(err, errlen, "%s: server offers no STARTTLS and "
			    "imap.tls is \"required\"", m->host);
			return -1;
		}
	}
	if (tls && c->imap.verify && imap_verify(m, c, err, errlen) == -1)
		return -1;
	return 0;
}

static int
imap_login_select(struct imap *m, const struct conf *c, char *err,
    size_t errlen)
{
	mailimap *s = imap_s(m);
	const char *user = *c->imap.user ? c->imap.user : c->sender_address;
	struct mailimap_capability_data *cap = NULL;
	int r;

	err[0] = '\0';
	r = imap_auth_login(m, c, user, err, errlen);
	if (r == -1)
		return -1;	/* err says why: no token, no password file */
	if (r != MAILIMAP_NO_ERROR) {
		char what[300];

		snprintf(what, sizeof what, "%s refused for %s",
		    c->imap.auth == CONF_AUTH_OAUTH2 ? "OAuth2 login" : "login",
		    user);
		return imap_fail(m, what, err, errlen);
	}
	/* the capabilities after login, which may differ (MOVE) */
	if (!mailimap_has_extension(s, "MOVE") &&
	    mailimap_capability(s, &cap) == MAILIMAP_NO_ERROR)
		mailimap_capability_data_free(cap);
	if (mailimap_select(s, m->mailbox) != MAILIMAP_NO_ERROR ||
	    s->imap_selection_info == NULL) {
		char what[300];

		snprintf(what, sizeof what, "cannot select %s", m->mailbox);
		return imap_fail(m, what, err, errlen);
	}
	m->uidvalidity = s->imap_selection_info->sel_uidvalidity;
	m->uidnext = s->imap_selection_info->sel_uidnext;
	m->has_idle = mailimap_has_idle(s);
	m->has_move = mailimap_has_extension(s, "MOVE");
	return 0;
}

int
imap_open(struct imap *m, const struct conf *c, char *err, size_t errlen)
{
	return imap_open_cut(m, c, NULL, err, errlen);
}

static int
imap_open_in(struct imap *m, const struct conf *c, struct imap_cut *cut,
    const char *folder, char *err, size_t errlen)
{
	uint16_t port;
	int tls;

	memset(m, 0, sizeof *m);
	m->cut = cut;
	if (imap_parse_url(c->imap.url, &m->host, &port, &tls, &m->mailbox)
	    == -1) {
		snprintf(err, errlen, "bad imap.url \"%s\"", c->imap.url);
		return -1;
	}
	if (folder) {
		free(m->mailbox);
		m->mailbox = xstrdup(folder);
	}
	m->port = port;
	m->session = mailimap_new(0, NULL);
	mailimap_set_timeout(imap_s(m), IMAP_TIMEOUT_S);
	if (imap_connect(m, c, port, tls, err, errlen) == -1 ||
	    imap_login_select(m, c, err, errlen) == -1) {
		imap_close(m);
		return -1;
	}
	return 0;
}

int
imap_open_cut(struct imap *m, const struct conf *c, struct imap_cut *cut,
    char *err, size_t errlen)
{
	return imap_open_in(m, c, cut, NULL, err, errlen);
}

int
imap_open_folder(struct imap *m, const struct conf *c, const char *folder,
    char *err, size_t errlen)
{
	return imap_open_in(m, c, NULL, folder, err, errlen);
}

void
imap_close(struct imap *m)
{
	/* libetpan says LOGOUT here; on a failed stream herald's driver
	 * refuses it at once rather than wait for the timeout */
	if (m->session)
		mailimap_free(imap_s(m));
	free(m->host);
	free(m->mailbox);
	memset(m, 0, sizeof *m);
}

/* UIDs above after (a "UID n:*" search can return n-1: drop it). */
static int
imap_search(struct imap *m, uint32_t after, uint32_t **uids, size_t *n)
{
	struct mailimap_search_key *key;
	clist *result = NULL;
	clistiter *it;
	size_t cap = 0;
	int r;

	*uids = NULL;
	*n = 0;
	key = mailimap_search_key_new_uid(mailimap_set_new_interval(after + 1,
	    0));
	r = mailimap_uid_search(imap_s(m), NULL, key, &result);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR) {
		/* libetpan hands over what came before a NO, and keeps it
		 * only when the answer is OK (found by fuzz_imap) */
		if (result)
			mailimap_search_result_free(result);
		return -1;
	}
	for (it = clist_begin(result); it; it = clist_next(it)) {
		uint32_t uid = *(uint32_t *)clist_content(it);

		if (uid <= after)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*uids = xrealloc(*uids, cap * sizeof **uids);
		}
		(*uids)[(*n)++] = uid;
	}
	mailimap_search_result_free(result);
	return 0;
}

static int
imap_uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* UID and RFC822.SIZE of one fetched message. */
static void
imap_att_static(struct mailimap_msg_att *att, uint32_t *uid, uint32_t *size,
    const char **data, size_t *len)
{
	clistiter *it;

	for (it = clist_begin(att->att_list); it; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *st;

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		if (st->att_type == MAILIMAP_MSG_ATT_UID)
			*uid = st->att_data.att_uid;
		else if (st->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
			*size = st->att_data.att_rfc822_size;
		else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
		    st->att_data.att_body_section) {
			*data = st->att_data.att_body_section->sec_body_part;
			*len = st->att_data.att_body_section->sec_length;
		}
	}
}

/* An IMAP set of the given UIDs (each a single, libetpan merges none). */
static struct mailimap_set *
imap_set_of(const uint32_t *uids, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	size_t i;

	for (i = 0; i < n; i++)
		mailimap_set_add_single(set, uids[i]);
	return set;
}

/* UID FETCH set ITEMS, calling got() for each message in the answer. */
static int
imap_fetch_set(struct imap *m, const uint32_t *uids, size_t n,
    struct mailimap_fetch_type *ft, clist **result)
{
	struct mailimap_set *set = imap_set_of(uids, n);
	int r = mailimap_uid_fetch(imap_s(m), set, ft, result);

	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	return r == MAILIMAP_NO_ERROR ? 0 : -1;
}

static int
imap_msg_cmp(const void *a, const void *b)
{
	return imap_uid_cmp(&((const struct imap_message *)a)->uid,
	    &((const struct imap_message *)b)->uid);
}

/*
 * Answers in UID order, each UID once: a server may answer in any
 * order, and what is kept of a batch must be its lowest UIDs, or
 * last_uid would pass over the rest.
 */
static void
imap_batch_order(struct imap_batch *b)
{
	size_t i, k = 0;

	if (b->n > 1)
		qsort(b->msgs, b->n, sizeof *b->msgs, imap_msg_cmp);
	for (i = 0; i < b->n; i++)
		if (k == 0 || b->msgs[i].uid != b->msgs[k - 1].uid)
			b->msgs[k++] = b->msgs[i];
	b->n = k;
}

/* The sizes first, so a 50 MB message is never read into memory. */
static int
imap_fetch_sizes(struct imap *m, struct imap_batch *b, const uint32_t *uids,
    size_t n)
{
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	clist *result = NULL;
	clistiter *it;
	size_t cap = n;

	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size());
	if (imap_fetch_set(m, uids, n, ft, &result) == -1)
		return -1;
	b->msgs = xcalloc(n, sizeof *b->msgs);
	for (it = clist_begin(result); it; it = clist_next(it)) {
		struct imap_message x = { 0 };
		const char *d = NULL;
		size_t l = 0;

		imap_att_static(clist_content(it), &x.uid, &x.size, &d, &l);
		if (x.uid == 0 || bsearch(&x.uid, uids, n, sizeof *uids,
		    imap_uid_cmp) == NULL)
			continue;	/* not asked for */
		if (b->n == cap) {
			cap *= 2;
			b->msgs = xrealloc(b->msgs, cap * sizeof *b->msgs);
		}
		b->msgs[b->n++] = x;
	}
	mailimap_fetch_list_free(result);
	imap_batch_order(b);
	return 0;
}

/* How far the reader may go on: see struct imap_batch. */
static void
imap_batch_run(struct imap_batch *b, const uint32_t *uids, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < b->n; i++) {
		if (b->msgs[i].uid != uids[i] || b->msgs[i].data == NULL)
			break;
		b->upto = uids[i];
	}
	if (i == 0 && n > 0)
		b->upto = b->missing = uids[0];
}

/* Point each message at its body (or header) in the fetched lists. */
static void
imap_batch_attach(struct imap_batch *b, clist *result)
{
	clistiter *it;
	size_t i;

	for (it = clist_begin(result); it; it = clist_next(it)) {
		uint32_t uid = 0, size = 0;
		const char *d = NULL;
		size_t l = 0;

		imap_att_static(clist_content(it), &uid, &size, &d, &l);
		for (i = 0; i < b->n; i++)
			if (b->msgs[i].uid == uid && d) {
				b->msgs[i].data = d;
				b->msgs[i].len = l;
			}
	}
}

static int
imap_fetch_bodies(struct imap *m, struct imap_batch *b, int headers)
{
	struct mailimap_fetch_type *ft;
	uint32_t *uids = xcalloc(b->n ? b->n : 1, sizeof *uids);
	size_t i, k = 0;
	int rc = 0;

	for (i = 0; i < b->n; i++)
		if (b->msgs[i].truncated == headers)
			uids[k++] = b->msgs[i].uid;
	if (k > 0) {
		ft = mailimap_fetch_type_new_fetch_att_list_empty();
		mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_uid());
		/* a header has no size of its own: ask for no more than a
		 * literal may hold */
		mailimap_fetch_type_new_fetch_att_list_add(ft, headers ?
		    mailimap_fetch_att_new_body_peek_section_partial(
		    mailimap_section_new_header(), 0, IMAP_LITERAL_MAX) :
		    mailimap_fetch_att_new_body_peek_section(
		    mailimap_section_new(NULL)));
		rc = imap_fetch_set(m, uids, k, ft, &b->lists[headers]);
		if (rc == 0)
			imap_batch_attach(b, b->lists[headers]);
	}
	free(uids);
	return rc;
}

int
imap_fetch_batch(struct imap *m, uint32_t after, size_t max, size_t bytes,
    size_t cap, struct imap_batch *b, char *err, size_t errlen)
{
	uint32_t *uids;
	size_t n, i, total = 0, keep = 0;

	memset(b, 0, sizeof *b);
	if (cap > IMAP_LITERAL_MAX)
		cap = IMAP_LITERAL_MAX;
	if (imap_search(m, after, &uids, &n) == -1)
		return imap_fail(m, "UID SEARCH failed", err, errlen);
	if (n > 1)
		qsort(uids, n, sizeof *uids, imap_uid_cmp);
	if (n > max)
		n = max;
	if (n == 0) {
		free(uids);
		return 0;
	}
	if (imap_fetch_sizes(m, b, uids, n) == -1) {
		free(uids);
		imap_batch_free(b);
		return imap_fail(m, "UID FETCH (sizes) failed", err, errlen);
	}
	/* a batch holds at most bytes of message text in memory */
	for (i = 0; i < b->n; i++) {
		b->msgs[i].truncated = b->msgs[i].size > cap;
		total += b->msgs[i].truncated ? 0 : b->msgs[i].size;
		if (total > bytes && i > 0)
			break;
		keep++;
	}
	b->n = keep;
	if (imap_fetch_bodies(m, b, 0) == -1 || imap_fetch_bodies(m, b, 1) == -1) {
		free(uids);
		imap_batch_free(b);
		return imap_fail(m, "UID FETCH (bodies) failed", err, errlen);
	}
	imap_batch_run(b, uids, n);
	free(uids);
	return (int)n;
}

void
imap_batch_free(struct imap_batch *b)
{
	if (b->lists[0])
		mailimap_fetch_list_free(b->lists[0]);
	if (b->lists[1])
		mailimap_fetch_list_free(b->lists[1]);
	free(b->msgs);
	memset(b, 0, sizeof *b);
}

int
imap_folder_exists(struct imap *m, const char *folder)
{
	clist *list = NULL;
	clistiter *it;
	int found = 0;

	if (mailimap_list(imap_s(m), "", folder, &list) != MAILIMAP_NO_ERROR) {
		if (list)
			mailimap_list_result_free(list);
		return -1;
	}
	for (it = clist_begin(list); it; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);

		if (mb->mb_name && strcmp(mb->mb_name, folder) == 0)
			found = 1;
	}
	mailimap_list_result_free(list);
	return found;
}

int
imap_folder_create(struct imap *m, const char *folder, char *err,
    size_t errlen)
{
	char what[300];

	if (mailimap_create(imap_s(m), folder) == MAILIMAP_NO_ERROR)
		return 0;
	snprintf(what, sizeof what, "cannot create folder %s", folder);
	return imap_fail(m, what, err, errlen);
}

/* MOVE, creating the folder when the move failed for want of it. */
static int
imap_move(struct imap *m, const uint32_t *uids, size_t n, const char *folder,
    char *err, size_t errlen)
{
	struct mailimap_set *set = imap_set_of(uids, n);
	char what[300];
	int r = mailimap_uid_move(imap_s(m), set, folder);

	if (r != MAILIMAP_NO_ERROR && imap_folder_exists(m, folder) == 0) {
		if (imap_folder_create(m, folder, err, errlen) == -1) {
			mailimap_set_free(set);
			snprintf(what, sizeof what, "the done folder %s does not "
			    "exist and cannot be created (create it, or set "
			    "imap.done_folder = \"\")", folder);
			imap_fail(m, what, err, errlen);
			return -2;
		}
		log_info("imap: created the done folder %s on %s", folder,
		    m->host);
		r = mailimap_uid_move(imap_s(m), set, folder);
	}
	mailimap_set_free(set);
	snprintf(what, sizeof what, "cannot move to %s", folder);
	return r == MAILIMAP_NO_ERROR ? 0 : imap_fail(m, what, err, errlen);
}

int
imap_done_set(struct imap *m, const uint32_t *uids, size_t n,
    const char *folder, char *err, size_t errlen)
{
	struct mailimap_set *set;
	struct mailimap_flag_list *fl;
	struct mailimap_store_att_flags *sf;
	int r;

	if (n == 0)
		return 0;
	if (folder && *folder && m->has_move)
		return imap_move(m, uids, n, folder, err, errlen);
	set = imap_set_of(uids, n);
	fl = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(fl, mailimap_flag_new_seen());
	sf = mailimap_store_att_flags_new_add_flags_silent(fl);
	r = mailimap_uid_store(imap_s(m), set, sf);
	mailimap_store_att_flags_free(sf);
	mailimap_set_free(set);
	return r == MAILIMAP_NO_ERROR ? 0 : imap_fail(m, "cannot flag \\Seen",
	    err, errlen);
}

int
imap_wait(struct imap *m, int timeout_s, const _Atomic int *stop)
{
	mailimap *s = imap_s(m);
	struct pollfd pfd;
	int waited = 0, got = 0, fd;

	if (!m->has_idle)
		return 0;
	if (timeout_s > IMAP_IDLE_MAX_S)
		timeout_s = IMAP_IDLE_MAX_S;
	if (mailimap_idle(s) != MAILIMAP_NO_ERROR)
		return -1;
	fd = mailimap_idle_get_fd(s);
	/* data may already sit in libetpan's buffer, where poll cannot see */
	got = s->imap_stream->read_buffer_len > 0;
	while (!got && waited < timeout_s && !*stop) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if ((got = poll(&pfd, 1, 1000)) < 0)
			break;
		waited++;
	}
	if (mailimap_idle_done(s) != MAILIMAP_NO_ERROR)
		return -1;
	return got > 0;
}
