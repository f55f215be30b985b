/* event: meetings that campaigns invite to, with capacity for RSVPs. */
#ifndef HERALD_EVENT_H
#define HERALD_EVENT_H

#include <stdint.h>

#include "store/db.h"

struct event {
	int64_t id;
	char *name;
	char *title;
	int64_t start_at, end_at;
	char *location;
	char *tz;
	int64_t capacity;	/* -1: no limit */
	char *start_text;	/* "2027-03-02 09:00 (Europe/Zurich)" */
	char *end_text;
	char *description;	/* "" for none */
	int64_t sequence;	/* iCalendar SEQUENCE */
	int64_t offer_expiry;	/* seconds; -1: not set (3 days, and only
				 * events with quotas make offers) */
	int64_t cancelled_at;	/* 0: not cancelled */
};

/* A quota: seats for contacts whose field (kind|country|role) is value. */
struct event_seat {
	char field[16];
	char value[128];
	int64_t seats;
};

/*
 * Seats per category of event ?1, one row per quota in the order given:
 * "field=value", seats, taken ("yes"), offered, waitlist.
 */
#define EVENT_SEATS_SQL \
	"SELECT s.field || '=' || s.value, s.seats, " \
	"(SELECT count(*) FROM rsvp r WHERE r.event_id = s.event_id AND " \
	" r.seat = s.field || '=' || s.value AND r.answer = 'yes'), " \
	"(SELECT count(*) FROM rsvp r WHERE r.event_id = s.event_id AND " \
	" r.seat = s.field || '=' || s.value AND r.answer = 'offered'), " \
	"(SELECT count(*) FROM rsvp r WHERE r.event_id = s.event_id AND " \
	" r.seat = s.field || '=' || s.value AND r.answer = 'waitlist') " \
	"FROM event_seat s WHERE s.event_id = ?1 ORDER BY s.id"

/* Returns the new id, or -1 (errno EEXIST when the name is taken). */
int64_t event_create(struct db *d, const struct event *e);
/* 1 found, 0 not, -1 error. */
int event_get(struct db *d, const char *name, struct event *e);
int event_get_id(struct db *d, int64_t id, struct event *e);
void event_clear(struct event *e);
/*
 * Store e's title, times, location, zone and capacity over the event
 * with e->id (the local texts are made again; SEQUENCE goes up when the
 * title, times or place changed). Nothing is sent. 0 or -1.
 */
int event_update(struct db *d, const struct event *e);
/* The event's quotas become seats[0..n). 0 or -1. */
int event_seats_replace(struct db *d, int64_t event_id,
    const struct event_seat *seats, int n);
/* Mark the event cancelled at now, SEQUENCE up. 0 or -1. */
int event_cancel(struct db *d, int64_t event_id, int64_t now);

/* The notices' templates for a change and a cancellation. */
#define EVENT_UPDATE_TEMPLATE "event-update"
#define EVENT_CANCEL_TEMPLATE "event-cancel"

struct token_key;
/*
 * Queue the notice tmpl (it carries the event's calendar entry as it is
 * now: REQUEST, or CANCEL once cancelled) to everyone whose invitation
 * to the event was sent and who has not answered "no", threaded to their
 * latest invitation; once per SEQUENCE and template. Inside the caller's
 * transaction. How many, or -1.
 */
long event_tell(struct db *d, int64_t event_id, const char *tmpl,
    const struct token_key *key, const char *domain);

#endif
