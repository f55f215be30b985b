/*
 * relays: the SMTP servers herald may hand mail to, in the order the
 * configuration lists them (herald.conf(5), smtp). Mail goes to the
 * first server that is not resting. A server that refuses connections
 * or answers 421 rests, with a backoff that doubles at each failure in a
 * row (30 s, 1 min, ... at most 30 min); a transfer it takes ends its
 * rest. Thread-safe: each SMTP session asks on its own thread.
 */
#ifndef HERALD_RELAYS_H
#define HERALD_RELAYS_H

#include <pthread.h>
#include <stdint.h>

#define RELAYS_REST_MIN 30
#define RELAYS_REST_MAX 1800

struct relays {
	pthread_mutex_t mu;
	int n;
	struct relay_state {
		int64_t rest_until;	/* 0: not resting */
		int fails;		/* failures in a row */
	} *v;
};

void relays_init(struct relays *r, int n);
void relays_free(struct relays *r);
/*
 * The server to use now: the first not resting, else -1 with *wake set to
 * when the first of them may be tried again.
 */
int relays_pick(struct relays *r, int64_t now, int64_t *wake);
/* Server i refused a connection or answered 421: it rests. */
void relays_failed(struct relays *r, int i, int64_t now);
/* Server i took a transfer (any reply but 421): it no longer rests. */
void relays_worked(struct relays *r, int i);
/* Seconds server i rests after its fails-th failure in a row. */
int64_t relays_rest(int fails);

#endif
