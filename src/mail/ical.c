/* ical: see ical.h. */
#include "mail/ical.h"

#include <string.h>
#include <time.h>

#define ICAL_FOLD 75

/*
 * Append one content line, folded: after 75 octets a CRLF and a space,
 * never inside a UTF-8 sequence (RFC 5545 3.1).
 */
static int
ical_line(struct buf *out, const char *line)
{
	size_t len = strlen(line), col = 0, i;
	int rc = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (col >= ICAL_FOLD && (c & 0xc0) != 0x80) {
			rc |= buf_adds(out, "\r\n ");
			col = 1;
		}
		rc |= buf_addc(out, (char)c);
		col++;
	}
	rc |= buf_adds(out, "\r\n");
	return rc ? -1 : 0;
}

/* TEXT values escape backslash, semicolon, comma and newlines. */
static void
ical_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			buf_addc(b, '\\');
		if (*s == '\n') {
			buf_adds(b, "\\n");
			continue;
		}
		if (*s != '\r')
			buf_addc(b, *s);
	}
}

/* A param value is quoted; DQUOTE cannot appear in it (RFC 5545 3.2). */
static void
ical_param(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++)
		if (*s != '"')
			buf_addc(b, *s);
	buf_addc(b, '"');
}

static void
ical_time(struct buf *b, const char *name, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char s[32];

	gmtime_r(&tt, &tm);
	strftime(s, sizeof s, "%Y%m%dT%H%M%SZ", &tm);
	buf_printf(b, "%s:%s", name, s);
}

/* Build each property in a scratch buffer, then fold it into out. */
static int
ical_prop(struct buf *out, struct buf *line)
{
	int rc = ical_line(out, line->data ? line->data : "");

	buf_reset(line);
	return rc;
}

int
ical_build_request(const struct ical_request *r, struct buf *out)
{
	struct buf l;
	int rc = 0;

	buf_init(&l, 8192);
	rc |= ical_line(out, "BEGIN:VCALENDAR");
	rc |= ical_line(out, "PRODID:-//herald//herald " HERALD_VERSION "//EN");
	rc |= ical_line(out, "VERSION:2.0");
	rc |= ical_line(out, "CALSCALE:GREGORIAN");
	rc |= ical_line(out, r->cancel ? "METHOD:CANCEL" : "METHOD:REQUEST");
	rc |= ical_line(out, "BEGIN:VEVENT");
	buf_printf(&l, "UID:%s", r->uid);
	rc |= ical_prop(out, &l);
	buf_printf(&l, "SEQUENCE:%lld", (long long)r->sequence);
	rc |= ical_prop(out, &l);
	ical_time(&l, "DTSTAMP", r->stamp);
	rc |= ical_prop(out, &l);
	ical_time(&l, "DTSTART", r->start);
	rc |= ical_prop(out, &l);
	ical_time(&l, "DTEND", r->end);
	rc |= ical_prop(out, &l);
	buf_adds(&l, "SUMMARY:");
	ical_text(&l, r->summary);
	rc |= ical_prop(out, &l);
	if (r->description && *r->description) {
		buf_adds(&l, "DESCRIPTION:");
		ical_text(&l, r->description);
		rc |= ical_prop(out, &l);
	}
	if (r->location && *r->location) {
		buf_adds(&l, "LOCATION:");
		ical_text(&l, r->location);
		rc |= ical_prop(out, &l);
	}
	buf_adds(&l, "ORGANIZER;CN=");
	ical_param(&l, r->organizer_name);
	buf_printf(&l, ":mailto:%s", r->reply_addr ? r->reply_addr :
	    r->organizer_addr);
	rc |= ical_prop(out, &l);
	buf_adds(&l, "ATTENDEE;CN=");
	ical_param(&l, r->attendee_name && *r->attendee_name ?
	    r->attendee_name : r->attendee_addr);
	/* a cancellation asks for no answer */
	buf_printf(&l, ";ROLE=REQ-PARTICIPANT%s:mailto:%s", r->cancel ? "" :
	    ";PARTSTAT=NEEDS-ACTION;RSVP=TRUE", r->attendee_addr);
	rc |= ical_prop(out, &l);
	rc |= ical_line(out, r->cancel ? "STATUS:CANCELLED" :
	    "STATUS:CONFIRMED");
	rc |= ical_line(out, "TRANSP:OPAQUE");
	rc |= ical_line(out, "END:VEVENT");
	rc |= ical_line(out, "END:VCALENDAR");
	buf_free(&l);
	return rc ? -1 : 0;
}
