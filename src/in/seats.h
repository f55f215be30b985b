/*
 * seats: who comes to an event (herald(1), rsvp). With a capacity, a "yes"
 * beyond it becomes "waitlist"; when a "yes" turns into anything else the
 * oldest waitlisted contact is promoted to "yes", and told.
 */
#ifndef HERALD_IN_SEATS_H
#define HERALD_IN_SEATS_H

#include <stdint.h>

#include "store/db.h"

/*
 * Record answer (yes|no|maybe) for the contact, learned from source
 * (reply|address|calendar|organiser), inside the caller's transaction.
 * *stored is what was stored ("waitlist" when the event is full);
 * *promoted the contact moved from the waitlist to yes, or 0.
 */
int seats_answer(struct db *d, int64_t event_id, int64_t contact_id,
    const char *answer, const char *source, const char **stored,
    int64_t *promoted);

/* The template of the notice a promoted contact gets. */
#define SEATS_PROMOTED_TEMPLATE "promoted"

struct token_key;
/*
 * Queue the "promoted" notice for a contact moved from the waitlist to
 * yes: threaded to their invitation for the event, sent with template
 * tmpl. Returns 1 when queued, 0 when there is no invitation to answer
 * (nothing queued), -1 on error. Inside the caller's transaction.
 */
int seats_tell_promoted(struct db *d, int64_t event_id, int64_t contact_id,
    const char *tmpl, const struct token_key *key, const char *domain);

#endif
