/* Unit tests: send/relays (the fail-over order of SMTP servers). */
#include <stdint.h>

#include "check.h"
#include "send/relays.h"

int
main(void)
{
	struct relays r;
	int64_t wake = 0;

	CHECK(relays_rest(1) == 30 && relays_rest(2) == 60);
	CHECK(relays_rest(7) == 1800 && relays_rest(1000) == 1800);

	relays_init(&r, 2);
	CHECK(relays_pick(&r, 100, &wake) == 0);	/* the first listed */
	relays_failed(&r, 0, 100);
	CHECK(relays_pick(&r, 100, &wake) == 1);	/* the next one */
	CHECK(relays_pick(&r, 129, &wake) == 1);
	CHECK(relays_pick(&r, 130, &wake) == 0);	/* rested 30 s: back */
	relays_failed(&r, 0, 130);			/* again: 60 s */
	relays_failed(&r, 1, 130);
	CHECK(relays_pick(&r, 150, &wake) == -1 && wake == 160);
	CHECK(relays_pick(&r, 160, &wake) == 1);
	relays_worked(&r, 0);				/* took a message */
	CHECK(relays_pick(&r, 150, &wake) == 0);
	relays_failed(&r, 0, 200);			/* a new run: 30 s */
	CHECK(relays_pick(&r, 229, &wake) == 1);	/* 1 rested till 190 */
	relays_failed(&r, 1, 229);			/* its 3rd: 120 s */
	CHECK(relays_pick(&r, 229, &wake) == -1 && wake == 230);
	relays_failed(&r, 5, 0);			/* out of range: ignored */
	relays_free(&r);

	relays_init(&r, 0);				/* one, at least */
	CHECK(r.n == 1 && relays_pick(&r, 0, NULL) == 0);
	relays_free(&r);
	return check_done("t_relays");
}
