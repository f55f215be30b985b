/*
 * loop: heraldd's single poll(2) loop. File descriptors (the nudge
 * socket now; SMTP sessions and the IMAP connection later) and timers
 * share it, so the daemon never blocks on one thing while another waits.
 */
#ifndef HERALD_LOOP_H
#define HERALD_LOOP_H

#include <signal.h>
#include <stdint.h>

#define LOOP_MAX_FDS 128
#define LOOP_MAX_TIMERS 32

struct loop;
typedef void (*loop_fd_cb)(struct loop *, int fd, int revents, void *arg);
typedef void (*loop_timer_cb)(struct loop *, void *arg);

struct loop *loop_new(void);
void loop_free(struct loop **l);
/* Watch fd for events (POLLIN/POLLOUT); replaces an earlier watch. */
int loop_watch(struct loop *l, int fd, short events, loop_fd_cb cb,
    void *arg);
void loop_unwatch(struct loop *l, int fd);
/*
 * Call cb once, ms milliseconds from now. A timer with the same cb and arg
 * is moved rather than duplicated. Returns -1 when the table is full.
 */
int loop_timer(struct loop *l, int64_t ms, loop_timer_cb cb, void *arg);
void loop_timer_cancel(struct loop *l, loop_timer_cb cb, void *arg);
/* Milliseconds on a monotonic clock. */
int64_t loop_now_ms(void);
/*
 * Call cb after every poll round, once all ready descriptors and due
 * timers were dispatched: work that batches what the round produced
 * (one database commit for every transfer that finished) goes here.
 */
void loop_after_round(struct loop *l, loop_timer_cb cb, void *arg);
/*
 * Run one poll round (at most max_wait_ms) and dispatch what is ready.
 * Returns -1 on a poll error other than EINTR.
 */
int loop_once(struct loop *l, int max_wait_ms);

#endif
