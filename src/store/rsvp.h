/*
 * rsvp: who comes to an event (SPEC section 8). With a capacity, a "yes"
 * beyond it becomes "waitlist"; when a "yes" turns into anything else the
 * oldest waitlisted contact is promoted to "yes".
 */
#ifndef HERALD_RSVP_H
#define HERALD_RSVP_H

#include <stdint.h>

#include "store/db.h"

/* 1 when answer is yes, no or maybe (what people can say). */
int rsvp_answer_valid(const char *answer);
/*
 * Record answer (yes|no|maybe) for the contact, learned from source
 * (reply|address|calendar|organiser), inside the caller's transaction.
 * *stored is what was stored ("waitlist" when the event is full);
 * *promoted the contact moved from the waitlist to yes, or 0.
 */
int rsvp_set(struct db *d, int64_t event_id, int64_t contact_id,
    const char *answer, const char *source, const char **stored,
    int64_t *promoted);

#endif
