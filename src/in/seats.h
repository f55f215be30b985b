/*
 * seats: who comes to an event (herald(1), rsvp). With a capacity, a "yes"
 * beyond it becomes "waitlist"; with quotas per category (event_seat: a
 * contact field value, the first that matches), a "yes" beyond its
 * category's quota too. When a held seat ("yes" or "offered") is given
 * up, the oldest waitlisted contact there is room for (of the same
 * category first) gets it: promoted to "yes", or, for an event with
 * quotas or an offer expiry, "offered" it until the offer expires
 * (seats_expire: then "expired", and the seat goes to the next). Every
 * one of them is told.
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

/* The templates of the notices: promoted, offered a seat, offer expired. */
#define SEATS_PROMOTED_TEMPLATE "promoted"
#define SEATS_OFFERED_TEMPLATE "offered"
#define SEATS_EXPIRED_TEMPLATE "offer-expired"

/* 1 when a freed seat of the event is offered rather than given. */
int seats_uses_offers(struct db *d, int64_t event_id);

struct token_key;
/*
 * Queue the notice for a contact moved from the waitlist to yes (sent
 * with template tmpl) or offered a seat (SEATS_OFFERED_TEMPLATE, whatever
 * tmpl says), threaded to their invitation for the event. Returns 1 when queued, 0 when there is no invitation to answer
 * (nothing queued), -1 on error. Inside the caller's transaction.
 */
int seats_tell_promoted(struct db *d, int64_t event_id, int64_t contact_id,
    const char *tmpl, const struct token_key *key, const char *domain);

/*
 * Offers past their event's offer expiry (default 3 days) at now: each
 * becomes "expired", its contact is told (SEATS_EXPIRED_TEMPLATE), and
 * the seat goes to the next on the waitlist (told). Inside the caller's
 * transaction; how many expired, or -1.
 */
long seats_expire(struct db *d, const struct token_key *key,
    const char *domain, int64_t now);
/* seats_expire in its own transaction, for the daemon's scheduler. */
int seats_expire_run(struct db *d, const struct token_key *key,
    const char *domain, int64_t now);

#endif
