/*
 * rsvp: the stored answers to events. The rules for seats (capacity,
 * waitlist, promotion) are in/seats.h's.
 */
#ifndef HERALD_RSVP_H
#define HERALD_RSVP_H

#include <stdint.h>

#include "store/db.h"

/* 1 when answer is yes, no or maybe (what people can say). */
int rsvp_answer_valid(const char *answer);
/*
 * Store answer (yes, no, maybe, waitlist) for the contact as learned from
 * source, inside the caller's transaction; the same answer again keeps
 * its time. No rule is applied here: see in/seats.h. 0 or -1.
 */
int rsvp_put(struct db *d, int64_t event_id, int64_t contact_id,
    const char *answer, const char *source);
/* How long an offered seat is held when the event sets no --offer-expiry. */
#define RSVP_OFFER_DEFAULT (3 * 86400)
/*
 * When the seat offered to the contact stops being held (seconds since
 * the epoch), or 0 when no seat of the event is offered to them.
 */
int64_t rsvp_offer_deadline(struct db *d, int64_t event_id,
    int64_t contact_id);
/* A line in the contact's log (direction in, kind rsvp). */
void rsvp_log(struct db *d, int64_t contact_id, const char *summary);

#endif
