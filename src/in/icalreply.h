/*
 * icalreply: the RSVP in a text/calendar body (RFC 5545 object, RFC 5546
 * METHOD:REPLY), as calendar clients send it when someone presses Accept,
 * Decline or Tentative on herald's invitation (mail/ical.h).
 *
 * Read: METHOD at the VCALENDAR level; UID, SEQUENCE, ORGANIZER, COMMENT
 * and each ATTENDEE (PARTSTAT and mailto: address) of the first VEVENT.
 * Everything else (VTIMEZONE, VALARM and its ATTENDEEs, X- properties,
 * later VEVENTs of a recurring series) is skipped. Lines may end in CRLF
 * or LF and are unfolded (RFC 5545 3.1); property and parameter names,
 * PARTSTAT values and "mailto:" are case-insensitive; parameters may be
 * quoted and come in any order.
 *
 * An ATTENDEE named by URN (CalDAV) gets its address from the EMAIL
 * parameter (RFC 7986).
 *
 * Sizes are bounded: an unfolded line longer than ICALREPLY_LINE_MAX is
 * skipped (a DESCRIPTION may be; no property read here is), attendees
 * beyond ICALREPLY_ATTENDEES are counted in `dropped`; an over-long UID or
 * address is left empty rather than cut (a cut one could name somebody
 * else), a long comment is cut at a character boundary. Any bytes are
 * safe to parse.
 */
#ifndef HERALD_ICALREPLY_H
#define HERALD_ICALREPLY_H

#include <stddef.h>
#include <stdint.h>

#include "in/rsvptext.h"

#define ICALREPLY_LINE_MAX 4096
#define ICALREPLY_ATTENDEES 32
#define ICALREPLY_ADDR_MAX 254		/* as lib/addr.h ADDR_MAX */
#define ICALREPLY_UID_MAX 255
#define ICALREPLY_COMMENT_MAX 511
#define ICALREPLY_DEPTH 8		/* nested BEGIN/END */

struct icalreply_attendee {
	char addr[ICALREPLY_ADDR_MAX + 1];	/* after "mailto:"; "" if none */
	char partstat[24];	/* upper-cased, "" when absent or too long */
	enum rsvp_answer answer;	/* ACCEPTED yes, DECLINED no,
					   TENTATIVE maybe, else none */
};

struct icalreply {
	char method[16];	/* upper-cased, "" when absent */
	int is_reply;		/* METHOD:REPLY: only then does it count */
	char uid[ICALREPLY_UID_MAX + 1];
	int64_t sequence;	/* 0 when absent (RFC 5545 3.8.7.4) */
	char organizer[ICALREPLY_ADDR_MAX + 1];	/* mailto: address or "" */
	/*
	 * COMMENT of the VEVENT (unescaped), else Google's
	 * X-RESPONSE-COMMENT parameter of an ATTENDEE; "" when none.
	 */
	char comment[ICALREPLY_COMMENT_MAX + 1];
	size_t nattendees;
	size_t dropped;		/* ATTENDEEs beyond ICALREPLY_ATTENDEES */
	size_t skipped;		/* lines skipped: too long, NUL, bad syntax */
	struct icalreply_attendee attendees[ICALREPLY_ATTENDEES];
	const char *why;	/* static: what was wrong, or "ok" */
};

/*
 * Parse ics[0..len) (need not be NUL-terminated) into *out, which is
 * cleared first. 0 when it holds a complete VCALENDAR with a VEVENT
 * (BEGIN/END balanced); -1 when not (no calendar, truncated, nesting
 * broken), with out->why saying what. On 0, out->is_reply says whether it
 * is an answer at all.
 */
int icalreply_parse(const char *ics, size_t len, struct icalreply *out);

/*
 * The answer of a parsed calendar: RSVP_NONE unless it is a REPLY. From
 * (may be NULL) is the message's sender: the ATTENDEE with that address
 * (case-insensitive) answers; failing that the only ATTENDEE, or all of
 * them when they agree. *why (may be NULL) gets a static explanation.
 */
enum rsvp_answer icalreply_answer(const struct icalreply *r,
    const char *from, const char **why);

#endif
