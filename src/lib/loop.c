/* loop: see loop.h. */
#include "lib/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/xmalloc.h"

struct loop_watch {
	int fd;
	short events;
	loop_fd_cb cb;
	void *arg;
};

struct loop_tm {
	int64_t due;
	loop_timer_cb cb;
	void *arg;
};

struct loop {
	struct loop_watch w[LOOP_MAX_FDS];
	int nw;
	struct loop_tm t[LOOP_MAX_TIMERS];
	int nt;
	loop_timer_cb after;
	void *after_arg;
};

void
loop_after_round(struct loop *l, loop_timer_cb cb, void *arg)
{
	l->after = cb;
	l->after_arg = arg;
}

int64_t
loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *
loop_new(void)
{
	return xcalloc(1, sizeof(struct loop));
}

void
loop_free(struct loop **l)
{
	free(*l);
	*l = NULL;
}

int
loop_watch(struct loop *l, int fd, short events, loop_fd_cb cb, void *arg)
{
	int i;

	for (i = 0; i < l->nw; i++)
		if (l->w[i].fd == fd)
			break;
	if (i == l->nw) {
		if (l->nw == LOOP_MAX_FDS)
			return -1;
		l->nw++;
	}
	l->w[i] = (struct loop_watch){ fd, events, cb, arg };
	return 0;
}

void
loop_unwatch(struct loop *l, int fd)
{
	int i;

	for (i = 0; i < l->nw; i++)
		if (l->w[i].fd == fd) {
			l->w[i] = l->w[--l->nw];
			return;
		}
}

void
loop_timer_cancel(struct loop *l, loop_timer_cb cb, void *arg)
{
	int i;

	for (i = 0; i < l->nt; i++)
		if (l->t[i].cb == cb && l->t[i].arg == arg) {
			l->t[i] = l->t[--l->nt];
			return;
		}
}

int
loop_timer(struct loop *l, int64_t ms, loop_timer_cb cb, void *arg)
{
	loop_timer_cancel(l, cb, arg);
	if (l->nt == LOOP_MAX_TIMERS)
		return -1;
	l->t[l->nt++] = (struct loop_tm){ loop_now_ms() + ms, cb, arg };
	return 0;
}

/* Fire every due timer; a callback may re-arm itself. */
static void
loop_run_timers(struct loop *l)
{
	int64_t now = loop_now_ms();
	int i;

	for (i = 0; i < l->nt; i++) {
		if (l->t[i].due <= now) {
			struct loop_tm t = l->t[i];

			l->t[i] = l->t[--l->nt];
			t.cb(l, t.arg);
			i = -1;	/* the table changed: start over */
			now = loop_now_ms();
		}
	}
}

/* An earlier callback in this round may have dropped the watch. */
static int
loop_still_watched(const struct loop *l, const struct loop_watch *w)
{
	int i;

	for (i = 0; i < l->nw; i++)
		if (l->w[i].fd == w->fd && l->w[i].cb == w->cb &&
		    l->w[i].arg == w->arg)
			return 1;
	return 0;
}

int
loop_once(struct loop *l, int max_wait_ms)
{
	struct pollfd pfd[LOOP_MAX_FDS];
	struct loop_watch snap[LOOP_MAX_FDS];
	int64_t now = loop_now_ms(), wait = max_wait_ms;
	int i, n, nfds = l->nw;

	for (i = 0; i < l->nt; i++)
		if (l->t[i].due - now < wait)
			wait = l->t[i].due - now < 0 ? 0 : l->t[i].due - now;
	for (i = 0; i < nfds; i++) {
		snap[i] = l->w[i];
		pfd[i] = (struct pollfd){ l->w[i].fd, l->w[i].events, 0 };
	}
	n = poll(pfd, (nfds_t)nfds, (int)wait);
	if (n == -1 && errno != EINTR)
		return -1;
	for (i = 0; n > 0 && i < nfds; i++)
		if (pfd[i].revents && loop_still_watched(l, &snap[i]))
			snap[i].cb(l, snap[i].fd, pfd[i].revents, snap[i].arg);
	loop_run_timers(l);
	if (l->after)
		l->after(l, l->after_arg);
	return 0;
}
