/* relays: which SMTP server takes the next session (see relays.h). */
#include "send/relays.h"

#include <stdlib.h>

#include "lib/xmalloc.h"

void
relays_init(struct relays *r, int n)
{
	pthread_mutex_init(&r->mu, NULL);
	r->n = n > 0 ? n : 1;
	r->v = xcalloc((size_t)r->n, sizeof *r->v);
}

void
relays_free(struct relays *r)
{
	free(r->v);
	r->v = NULL;
	pthread_mutex_destroy(&r->mu);
}

int64_t
relays_rest(int fails)
{
	int64_t s = RELAYS_REST_MIN;

	/* doubling from the first failure, capped before it could overflow */
	while (--fails > 0 && s < RELAYS_REST_MAX)
		s *= 2;
	return s < RELAYS_REST_MAX ? s : RELAYS_REST_MAX;
}

int
relays_pick(struct relays *r, int64_t now, int64_t *wake)
{
	int i, pick = -1;
	int64_t first = 0;

	pthread_mutex_lock(&r->mu);
	for (i = 0; i < r->n && pick < 0; i++) {
		if (r->v[i].rest_until <= now)
			pick = i;
		else if (first == 0 || r->v[i].rest_until < first)
			first = r->v[i].rest_until;
	}
	pthread_mutex_unlock(&r->mu);
	if (pick < 0 && wake)
		*wake = first;
	return pick;
}

void
relays_failed(struct relays *r, int i, int64_t now)
{
	if (i < 0 || i >= r->n)
		return;
	pthread_mutex_lock(&r->mu);
	r->v[i].fails++;
	r->v[i].rest_until = now + relays_rest(r->v[i].fails);
	pthread_mutex_unlock(&r->mu);
}

void
relays_worked(struct relays *r, int i)
{
	if (i < 0 || i >= r->n)
		return;
	pthread_mutex_lock(&r->mu);
	r->v[i].fails = 0;
	r->v[i].rest_until = 0;
	pthread_mutex_unlock(&r->mu);
}
