/*
 * icalreply: the RSVP in a text/calendar body (RFC 5545 object, RFC 5546
 * METHOD:REPLY), as calendar clients send it when someone presses Accept,
 * Decline or Tentative on herald's invitation (mail/ical.h).
 *
 * Read: METHOD at the VCALENDAR level; UID, SEQUENCE, ORGANIZER, COMMENT,
 * DTSTART, DTEND, DURATION and each ATTENDEE (PARTSTAT and mailto:
 * address) of the first VEVENT. METHOD:COUNTER (RFC 5546 3.2.7: an
 * attendee proposes another time) is read too: its DTSTART/DTEND are the
 * time proposed, given as text for people (icalreply_proposed).
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

/* A DATE or DATE-TIME value as written, and its TZID parameter. */
struct icalreply_time {
	char value[24];		/* "20240614T180000Z", "20240614"; "" if none */
	char tzid[64];		/* printable ASCII, "" when none or unsafe */
};

struct icalreply {
	char method[16];	/* upper-cased, "" when absent */
	int is_reply;		/* METHOD:REPLY: only then does it count */
	int is_counter;		/* METHOD:COUNTER: a time proposed, for people */
	char uid[ICALREPLY_UID_MAX + 1];
	struct icalreply_time start, end;	/* DTSTART, DTEND */
	char duration[24];	/* DURATION as written ("PT1H"), or "" */
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
 * The answer of a parsed calendar: RSVP_NONE unless it is a REPLY (a
 * COUNTER's PARTSTAT is no answer: a person reads the proposal). From
 * (may be NULL) is the message's sender: the ATTENDEE with that address
 * (case-insensitive) answers; failing that the only ATTENDEE, or all of
 * them when they agree. *why (may be NULL) gets a static explanation.
 */
enum rsvp_answer icalreply_answer(const struct icalreply *r,
    const char *from, const char **why);

/*
 * The time r proposes, for people: "2024-06-14 19:00 UTC to 2024-06-14
 * 22:00 UTC", "2024-06-14 19:00 (Europe/Paris) for PT3H", "2024-06-14";
 * "" when r has no readable DTSTART. Always NUL-terminated in out.
 */
void icalreply_proposed(const struct icalreply *r, char *out, size_t size);

/* ---- a whole message (icalreply_msg.c) ---- */

struct in_msg;

#define ICALREPLY_PROPOSED_MAX 200
#define ICALREPLY_WHY_MAX 512

/* Where the answer of icalreply_message() was found. */
enum icalreply_source {
	ICALREPLY_NOTHING = 0,	/* no calendar answer in the message */
	/*
	 * A text/calendar or application/ics part (the message's own, not
	 * an attached message's) with METHOD:REPLY or METHOD:COUNTER: what
	 * a calendar client sends when someone presses a button. It wins
	 * over Auto-Submitted, Precedence and out-of-office subjects:
	 * Google Calendar sends its replies "Auto-Submitted: auto-generated".
	 */
	ICALREPLY_CALENDAR,
	/*
	 * No such part, but the subject Outlook/Exchange (and Thunderbird,
	 * Google) give an answer: "Accepted: ...", "Declined: ...",
	 * "Tentative: ...", in en, es, fr, de, pt, it, nl; or "New Time
	 * Proposed: ..." (counter). Weaker: it does not outweigh auto headers.
	 */
	ICALREPLY_SUBJECT,
};

struct icalreply_found {
	enum icalreply_source source;
	int counter;		/* a proposal of another time: for a person */
	enum rsvp_answer answer;	/* RSVP_NONE for a counter or unclear */
	char uid[ICALREPLY_UID_MAX + 1];	/* "" from a subject */
	char attendee[ICALREPLY_ADDR_MAX + 1];	/* whose PARTSTAT, or "" */
	char partstat[24];	/* as read, or the subject's word */
	char proposed[ICALREPLY_PROPOSED_MAX];	/* counter: icalreply_proposed */
	char comment[ICALREPLY_COMMENT_MAX + 1];	/* the attendee's note */
	/*
	 * One line for "herald inbox explain", quoting what decided, e.g.
	 * `calendar METHOD:REPLY, ATTENDEE mailto:tom@x.org PARTSTAT=ACCEPTED
	 * (PARTSTAT of the sender's ATTENDEE)`, `subject "Declined: Dinner"`,
	 * `calendar METHOD:COUNTER, ATTENDEE ... proposes 2024-06-14 19:00 UTC
	 * to ...`. Untrusted bytes are not in it unescaped.
	 */
	char why[ICALREPLY_WHY_MAX];
};

/*
 * Look for a calendar answer in m: its calendar parts first (the first
 * that parses with METHOD REPLY or COUNTER), then its subject. Returns
 * f->source; f is cleared first. The sender (in_msg_from) picks the
 * ATTENDEE, as icalreply_answer() does.
 */
enum icalreply_source icalreply_message(const struct in_msg *m,
    struct icalreply_found *f);

/*
 * The answer an Outlook-style subject gives ("Accepted: Dinner", "Refusé
 * : Dîner", "Zugesagt: ..."), RSVP_NONE when it gives none; *counter (may
 * be NULL) set to 1 for "New Time Proposed:" and kin. Only the start of
 * the subject counts, after any "RE:"/"AW:"/"TR:" is refused: a person
 * answering "Re: Accepted: ..." writes their own words.
 */
enum rsvp_answer icalreply_subject(const char *subject, int *counter);

/*
 * 1 when uid is one herald gives its invitations (mail/ical.h, built in
 * out/render.c): "herald-event-ID@DOMAIN", DOMAIN the sender domain (any
 * case); *event_id (may be NULL) gets ID.
 */
int icalreply_uid_event(const char *uid, const char *domain,
    int64_t *event_id);

#endif
