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
};

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

#endif
