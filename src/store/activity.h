/*
 * activity: the contact log. One row per thing that happened between
 * herald and a person: a message out, a message in, an organiser's note.
 */
#ifndef HERALD_ACTIVITY_H
#define HERALD_ACTIVITY_H

#include <stdint.h>

#include "store/db.h"

struct activity {
	const char *direction;	/* "in", "out", "note" */
	const char *kind;	/* "note", "invitation", "rsvp", "bounce", ... */
	int64_t contact_id, org_id, list_id, campaign_id;
	int64_t message_ref, inbound_ref;
	const char *summary;
};

/*
 * Record an activity now. When org_id is 0 and contact_id is set, the
 * contact's organisation is linked. Returns the row id or -1.
 */
int64_t activity_add(struct db *d, const struct activity *a);

#endif
