/* imap_stream: see imap_stream.h. */
#include "in/imap_stream.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "in/imap_scan.h"
#include "lib/xmalloc.h"

struct imap_cut {
	pthread_mutex_t lock;
	int fd;			/* the open socket, -1: none */
	_Atomic int done;
};

/*
 * Herald's driver: libetpan's low-level stream keeps its own data and
 * gets this as its driver, so libetpan's calls that read the data
 * (mailstream_ssl_get_certificate) still work. drv comes first: the
 * stream's driver pointer is this structure's address.
 */
struct imap_wrap {
	mailstream_low_driver drv;
	mailstream_low_driver *orig;
	struct imap_cut *cut;
	uint64_t literal_max;
	int broken;
	struct imap_scan scan;
	char why[160];
};

struct imap_cut *
imap_stream_cut_new(void)
{
	struct imap_cut *c = xcalloc(1, sizeof *c);

	pthread_mutex_init(&c->lock, NULL);
	c->fd = -1;
	return c;
}

void
imap_stream_cut_free(struct imap_cut **c)
{
	if (*c == NULL)
		return;
	pthread_mutex_destroy(&(*c)->lock);
	free(*c);
	*c = NULL;
}

/*
 * shutdown() under the lock, and the socket forgotten under the same
 * lock before anyone closes it: the number is never shut down once it
 * may name another file.
 */
void
imap_stream_cut(struct imap_cut *c)
{
	if (c == NULL)
		return;
	c->done = 1;
	pthread_mutex_lock(&c->lock);
	if (c->fd >= 0)
		shutdown(c->fd, SHUT_RDWR);
	pthread_mutex_unlock(&c->lock);
}

static void
imap_cut_track(struct imap_cut *c, int fd, int on)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	if (on)
		c->fd = fd;
	else if (c->fd == fd)
		c->fd = -1;
	pthread_mutex_unlock(&c->lock);
}

static int
imap_cut_done(const struct imap_cut *c)
{
	return c && c->done;
}

void
imap_stream_drop(struct imap_cut *cut, int fd)
{
	imap_cut_track(cut, fd, 0);
	close(fd);
}

/* Wait for a non-blocking connect, a second at a time (cut is polled). */
static int
imap_connect_wait(int fd, int timeout_s, struct imap_cut *cut)
{
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int waited, r = 0, soerr = 0;

	for (waited = 0; waited < timeout_s && !imap_cut_done(cut); waited++) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		if ((r = poll(&pfd, 1, 1000)) != 0)
			break;
	}
	if (r <= 0 || imap_cut_done(cut)) {
		errno = r == 0 ? ETIMEDOUT : errno;
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		return -1;
	errno = soerr;
	return soerr == 0 ? 0 : -1;
}

/* One address; the socket stays non-blocking, as libetpan leaves it. */
static int
imap_connect_one(const struct addrinfo *ai, int timeout_s,
    struct imap_cut *cut)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, ai->ai_protocol);

	if (fd == -1)
		return -1;
	imap_cut_track(cut, fd, 1);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
	    (errno == EINPROGRESS && imap_connect_wait(fd, timeout_s, cut)
	    == 0))
		return fd;
	imap_stream_drop(cut, fd);
	return -1;
}

int
imap_stream_connect(const char *host, uint16_t port, int timeout_s,
    struct imap_cut *cut, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char service[8];
	int fd = -1, r;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof service, "%u", port);
	if ((r = getaddrinfo(host, service, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(r));
		return -1;
	}
	errno = 0;
	for (ai = res; ai && fd == -1 && !imap_cut_done(cut); ai = ai->ai_next)
		fd = imap_connect_one(ai, timeout_s, cut);
	freeaddrinfo(res);
	if (fd == -1)
		snprintf(err, errlen, "%s:%u: cannot connect (%s)", host, port,
		    imap_cut_done(cut) ? "stopped" : strerror(errno));
	return fd;
}

static struct imap_wrap *
imap_wrap_of(mailstream_low *s)
{
	return (struct imap_wrap *)(void *)s->driver;
}

/* The stream fails for good, and says why (the first reason stays). */
static ssize_t
imap_wrap_fail(struct imap_wrap *w, const char *why)
{
	if (!w->broken)
		snprintf(w->why, sizeof w->why, "%s",
		    imap_cut_done(w->cut) ? "stopped" : why);
	w->broken = 1;
	return -1;
}

static ssize_t
imap_wrap_read(mailstream_low *s, void *buf, size_t count)
{
	struct imap_wrap *w = imap_wrap_of(s);
	ssize_t r;

	if (w->broken || imap_cut_done(w->cut))
		return imap_wrap_fail(w, "stopped");
	r = w->orig->mailstream_read(s, buf, count);
	/* 0 is end of file (or a wait that ended without data): libetpan
	 * 1.9.4 would take it as progress inside a literal */
	if (r == 0)
		return imap_wrap_fail(w, "the server closed the connection");
	if (r < 0)
		return imap_wrap_fail(w, "read failed or timed out");
	if (imap_scan(&w->scan, buf, (size_t)r, w->literal_max) == -1) {
		char why[sizeof w->why];

		snprintf(why, sizeof why, "protocol error: the server announced "
		    "a literal of %llu bytes (at most %llu are accepted)",
		    (unsigned long long)w->scan.num,
		    (unsigned long long)w->literal_max);
		return imap_wrap_fail(w, why);
	}
	return r;
}

static ssize_t
imap_wrap_write(mailstream_low *s, const void *buf, size_t count)
{
	struct imap_wrap *w = imap_wrap_of(s);
	ssize_t r;

	if (w->broken || imap_cut_done(w->cut))
		return imap_wrap_fail(w, "stopped");
	if ((r = w->orig->mailstream_write(s, buf, count)) < 0)
		return imap_wrap_fail(w, "write failed or timed out");
	return r;
}

static int
imap_wrap_close(mailstream_low *s)
{
	struct imap_wrap *w = imap_wrap_of(s);

	imap_cut_track(w->cut, w->orig->mailstream_get_fd(s), 0);
	return w->orig->mailstream_close(s);
}

static void
imap_wrap_free(mailstream_low *s)
{
	struct imap_wrap *w = imap_wrap_of(s);

	w->orig->mailstream_free(s);
	free(w);
}

static int
imap_wrap_get_fd(mailstream_low *s)
{
	return imap_wrap_of(s)->orig->mailstream_get_fd(s);
}

/* The optional calls, passed on: set only where libetpan's driver has them. */
static void
imap_wrap_cancel(mailstream_low *s)
{
	imap_wrap_of(s)->orig->mailstream_cancel(s);
}

static struct mailstream_cancel *
imap_wrap_get_cancel(mailstream_low *s)
{
	return imap_wrap_of(s)->orig->mailstream_get_cancel(s);
}

static carray *
imap_wrap_chain(mailstream_low *s)
{
	return imap_wrap_of(s)->orig->mailstream_get_certificate_chain(s);
}

static int
imap_wrap_setup_idle(mailstream_low *s)
{
	return imap_wrap_of(s)->orig->mailstream_setup_idle(s);
}

static int
imap_wrap_unsetup_idle(mailstream_low *s)
{
	return imap_wrap_of(s)->orig->mailstream_unsetup_idle(s);
}

static int
imap_wrap_interrupt_idle(mailstream_low *s)
{
	return imap_wrap_of(s)->orig->mailstream_interrupt_idle(s);
}

#define IMAP_WRAP_OPT(w, field, fn) \
	((w)->drv.field = (w)->orig->field ? (fn) : NULL)

void
imap_stream_wrap(mailstream *ms, struct imap_cut *cut, size_t literal_max)
{
	mailstream_low *low = mailstream_get_low(ms);
	struct imap_wrap *w;

	if (low == NULL || low->driver->mailstream_read == imap_wrap_read)
		return;
	w = xcalloc(1, sizeof *w);
	w->orig = low->driver;
	w->cut = cut;
	w->literal_max = literal_max;
	imap_scan_init(&w->scan);
	w->drv.mailstream_read = imap_wrap_read;
	w->drv.mailstream_write = imap_wrap_write;
	w->drv.mailstream_close = imap_wrap_close;
	w->drv.mailstream_get_fd = imap_wrap_get_fd;
	w->drv.mailstream_free = imap_wrap_free;
	IMAP_WRAP_OPT(w, mailstream_cancel, imap_wrap_cancel);
	IMAP_WRAP_OPT(w, mailstream_get_cancel, imap_wrap_get_cancel);
	IMAP_WRAP_OPT(w, mailstream_get_certificate_chain, imap_wrap_chain);
	IMAP_WRAP_OPT(w, mailstream_setup_idle, imap_wrap_setup_idle);
	IMAP_WRAP_OPT(w, mailstream_unsetup_idle, imap_wrap_unsetup_idle);
	IMAP_WRAP_OPT(w, mailstream_interrupt_idle, imap_wrap_interrupt_idle);
	low->driver = &w->drv;
}

const char *
imap_stream_why(mailstream *ms)
{
	mailstream_low *low = ms ? mailstream_get_low(ms) : NULL;

	if (low == NULL || low->driver->mailstream_read != imap_wrap_read)
		return NULL;
	return imap_wrap_of(low)->broken ? imap_wrap_of(low)->why : NULL;
}
