/*
 * ical: the text/calendar part of an invitation (RFC 5545 object,
 * RFC 5546 METHOD:REQUEST, or METHOD:CANCEL once the event is
 * cancelled). One UID per event, so every invitation, update and
 * cancellation for the same event is the same calendar entry, told apart
 * by SEQUENCE (the event's, raised by every change that matters);
 * ATTENDEE is the recipient, ORGANIZER the sender; times in UTC. Calendar clients answer
 * with METHOD:REPLY, which the ingester reads as an RSVP.
 */
#ifndef HERALD_ICAL_H
#define HERALD_ICAL_H

#include <stdint.h>

#include "lib/buf.h"

struct ical_request {
	const char *uid;		/* e.g. "event-3@example.org" */
	int64_t sequence;
	int64_t stamp;			/* DTSTAMP */
	int64_t start, end;
	const char *summary;
	const char *location;		/* may be "" */
	const char *organizer_name, *organizer_addr;
	const char *attendee_name, *attendee_addr;
	const char *reply_addr;		/* where the client's REPLY goes */
	const char *description;	/* may be NULL or "" */
	int cancel;			/* METHOD:CANCEL, STATUS:CANCELLED */
};

/* Append the VCALENDAR (CRLF, folded at 75 octets). -1 on overflow. */
int ical_build_request(const struct ical_request *r, struct buf *out);

#endif
