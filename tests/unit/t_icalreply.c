/*
 * Unit tests: in/icalreply, the PARTSTAT of a METHOD:REPLY calendar.
 * Whole replies in the forms Outlook, Google, Apple and Thunderbird send
 * (plus broken ones) from tests/data/rsvp; small calendars inline for
 * the grammar: folding, quoting, case, limits.
 */
#include <stdlib.h>

#include "check.h"
#include "in/icalreply.h"
#include "in/msg.h"

static char datadir[1024];

static void
datadir_init(void)
{
	check_datadir(datadir, sizeof datadir, __FILE__, "rsvp");
}

static char *
slurp(const char *name, size_t *len)
{
	return check_slurp(datadir, name, len);
}

/* Parse a sample file; its return code. */
static int
parse_file(const char *name, struct icalreply *r)
{
	size_t len;
	char *s = slurp(name, &len);
	int rc;

	CHECK(s != NULL);
	rc = icalreply_parse(s ? s : "", len, r);
	free(s);
	return rc;
}

static int
parse_str(const char *s, struct icalreply *r)
{
	return icalreply_parse(s, strlen(s), r);
}

#define HEAD "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
#define TAIL "END:VEVENT\r\nEND:VCALENDAR\r\n"

/* A REPLY with one ATTENDEE line (CRLF added); the sender's answer. */
static enum rsvp_answer
one(const char *attendee, struct icalreply *r)
{
	char s[8192];

	snprintf(s, sizeof s, HEAD "%s\r\n" TAIL, attendee);
	CHECK(parse_str(s, r) == 0);
	return icalreply_answer(r, NULL, NULL);
}

static void
test_outlook(void)
{
	struct icalreply r;
	const char *why = NULL;

	CHECK(parse_file("ics-outlook-accepted.ics", &r) == 0);
	CHECK(r.is_reply);
	CHECK_STR(r.method, "REPLY");
	CHECK_STR(r.uid, "event-3@herald.example.org");
	CHECK(r.sequence == 2);
	CHECK(r.nattendees == 1 && r.dropped == 0 && r.skipped == 0);
	CHECK_STR(r.attendees[0].addr, "ana.perez@cooperativa.example");
	CHECK_STR(r.attendees[0].partstat, "ACCEPTED");
	CHECK_STR(r.comment,
	    "All\xc3\xad estar\xc3\xa9, gracias por la invitaci\xc3\xb3n.\n");
	CHECK_STR(r.organizer, "");
	CHECK(icalreply_answer(&r, "ana.perez@cooperativa.example", &why) ==
	    RSVP_YES);
	CHECK_STR(why, "PARTSTAT of the sender's ATTENDEE");

	CHECK(parse_file("ics-outlook-declined.ics", &r) == 0);
	CHECK(r.is_reply && r.sequence == 0);
	CHECK_STR(r.attendees[0].addr, "David.Chen@yes-energy.example");
	CHECK_STR(r.organizer,
	    "events+r1f3-5a0c2e9d1b7f40c6a3e2@herald.example.org");
	CHECK_STR(r.comment, "Sorry, travelling that week.");
	CHECK(icalreply_answer(&r, "david.chen@YES-ENERGY.example", &why) ==
	    RSVP_NO);
	CHECK(icalreply_answer(&r, "assistant@yes-energy.example", &why) ==
	    RSVP_NO);
	CHECK_STR(why, "PARTSTAT of the only ATTENDEE (not the sender)");
	CHECK(parse_file("ics-outlook-tentative-fr.ics", &r) == 0);
	CHECK(r.sequence == 1 && r.skipped == 0);
	CHECK(icalreply_answer(&r, "paul.lefevre@mairie-exemple.fr", NULL) ==
	    RSVP_MAYBE);
	CHECK_STR(r.comment, "Je vous confirme d'ici jeudi; j'ai un conseil "
	    "municipal ce soir-l\xc3\xa0, qui pourrait finir tard.");
}

static void
test_google(void)
{
	struct icalreply r;

	CHECK(parse_file("ics-google-declined.ics", &r) == 0);
	CHECK(r.is_reply && r.nattendees == 1 && r.skipped == 0);
	CHECK_STR(r.attendees[0].addr, "ana@x.org");
	CHECK(icalreply_answer(&r, "ana@x.org", NULL) == RSVP_NO);
	CHECK_STR(r.comment, "");
	CHECK_STR(r.organizer, "events@herald.example.org");

	CHECK(parse_file("ics-google-tentative-comment.ics", &r) == 0);
	CHECK(r.nattendees == 1);	/* the VALARM's ATTENDEE is not one */
	CHECK(r.sequence == 1);
	CHECK_STR(r.attendees[0].addr, "lucia.gomez@gmail.example");
	CHECK(icalreply_answer(&r, NULL, NULL) == RSVP_MAYBE);
	CHECK_STR(r.comment, "Depende del vuelo: te confirmo el jueves, "
	    "\xc2\xbfvale?");

	CHECK(parse_file("ics-google-accepted.ics", &r) == 0);
	CHECK(icalreply_answer(&r, "tom.obrien@gmail.example", NULL) ==
	    RSVP_YES);
	CHECK_STR(r.organizer,
	    "events+r1f3-5a0c2e9d1b7f40c6a3e2@herald.example.org");
}

static void
test_other_clients(void)
{
	struct icalreply r;

	CHECK(parse_file("ics-apple-accepted-lf.ics", &r) == 0);
	CHECK_STR(r.attendees[0].partstat, "ACCEPTED");
	CHECK(icalreply_answer(&r, "claire@asso.example", NULL) == RSVP_YES);
	CHECK_STR(r.organizer, "events@herald.example.org");

	CHECK(parse_file("ics-thunderbird-tentative.ics", &r) == 0);
	CHECK(r.sequence == 3 && r.nattendees == 1 && r.skipped == 0);
	CHECK_STR(r.attendees[0].addr, "jb.delafontaine@mairie.example");
	CHECK(icalreply_answer(&r, NULL, NULL) == RSVP_MAYBE);

	CHECK(parse_file("ics-attendee-only.ics", &r) == 0);
	CHECK(icalreply_answer(&r, "ravi@example.net", NULL) == RSVP_YES);
	CHECK_STR(r.organizer, "");

	CHECK(parse_file("ics-recurring-two-events.ics", &r) == 0);
	CHECK(r.nattendees == 1);
	CHECK_STR(r.uid, "series-9@herald.example.org");
	CHECK(icalreply_answer(&r, "ravi@example.net", NULL) == RSVP_YES);
}

static void
test_broken_files(void)
{
	struct icalreply r;
	const char *why;

	CHECK(parse_file("ics-broken-truncated.ics", &r) == -1);
	CHECK_STR(r.why, "truncated: no END:VCALENDAR");
	CHECK(!r.is_reply);
	CHECK(icalreply_answer(&r, "ana@x.org", NULL) == RSVP_NONE);

	CHECK(parse_file("ics-broken-request.ics", &r) == 0);
	CHECK(!r.is_reply);
	CHECK_STR(r.method, "REQUEST");
	CHECK_STR(r.why, "METHOD is not REPLY");
	CHECK(icalreply_answer(&r, "ana@x.org", &why) == RSVP_NONE);
	CHECK_STR(why, "not a METHOD:REPLY calendar");

	CHECK(parse_file("ics-broken-unbalanced.ics", &r) == -1);
	CHECK_STR(r.why, "END does not match BEGIN");

	CHECK(parse_file("ics-broken-quote.ics", &r) == 0);
	CHECK(r.nattendees == 0 && r.skipped == 2);
	CHECK(icalreply_answer(&r, "ana@x.org", &why) == RSVP_NONE);
	CHECK_STR(why, "REPLY without ATTENDEE");

	CHECK(parse_file("ics-broken-garbage.ics", &r) == -1);
	CHECK_STR(r.why, "no BEGIN:VCALENDAR");
}

/* The two forms from the brief, and the parameter grammar. */
static void
test_params(void)
{
	struct icalreply r;

	CHECK(one("ATTENDEE;PARTSTAT=ACCEPTED;CN=\"P\xc3\xa9rez, Ana\":"
	    "mailto:ana@x.org", &r) == RSVP_YES);
	CHECK_STR(r.attendees[0].addr, "ana@x.org");
	CHECK(one("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;"
	    "PARTSTAT=DECLINED;CN=ana@x.org;X-NUM-GUESTS=0:mailto:ana@x.org",
	    &r) == RSVP_NO);
	CHECK_STR(r.attendees[0].addr, "ana@x.org");
	CHECK(one("attendee;partstat=declined;cn=Ana:MailTo:ana@x.org", &r) ==
	    RSVP_NO);
	CHECK_STR(r.attendees[0].addr, "ana@x.org");
	CHECK(one("ATTENDEE;CN=\"Dr: Who; really\";PARTSTAT=Tentative:"
	    "mailto:who@x.org", &r) == RSVP_MAYBE);
	CHECK_STR(r.attendees[0].addr, "who@x.org");
	CHECK(one("ATTENDEE;PARTSTAT=ACCEPTED,DECLINED:mailto:a@x.org", &r) ==
	    RSVP_YES);		/* the first of several values */
	CHECK(one("ATTENDEE;DELEGATED-TO=\"mailto:b@x.org\",\"mailto:c@x.org\";"
	    "PARTSTAT=DELEGATED:mailto:a@x.org", &r) == RSVP_NONE);
	CHECK_STR(r.attendees[0].addr, "a@x.org");
	CHECK_STR(r.attendees[0].partstat, "DELEGATED");
	CHECK(one("ATTENDEE;CN=;PARTSTAT=ACCEPTED:mailto:a@x.org", &r) ==
	    RSVP_YES);
	CHECK(one("ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:a@x.org", &r) ==
	    RSVP_NONE);
	CHECK(one("ATTENDEE:mailto:a@x.org", &r) == RSVP_NONE);
	CHECK_STR(r.attendees[0].partstat, "");
	CHECK(one("ATTENDEE;PARTSTAT=ACCEPTED:urn:uuid:1234-5678", &r) ==
	    RSVP_YES);
	CHECK_STR(r.attendees[0].addr, "");
	one("ATTENDEE;EMAIL=\"ana@x.org\";PARTSTAT=ACCEPTED:urn:uuid:12-34", &r);
	CHECK_STR(r.attendees[0].addr, "ana@x.org");
	one("ATTENDEE;EMAIL=ana@x.org;PARTSTAT=ACCEPTED:mailto:a2@x.org", &r);
	CHECK_STR(r.attendees[0].addr, "a2@x.org");
	one("ATTENDEE;PARTSTAT=ACCEPTED:mailto:ana%40x.org", &r);
	CHECK_STR(r.attendees[0].addr, "ana@x.org");
	one("ATTENDEE;PARTSTAT=ACCEPTED:mailto:<ana@x.org>", &r);
	CHECK_STR(r.attendees[0].addr, "ana@x.org");
	one("ATTENDEE;PARTSTAT=ACCEPTED:mailto:ana @x.org", &r);
	CHECK_STR(r.attendees[0].addr, "");
	one("ATTENDEE;PARTSTAT=ACCEPTED:mailto:ana%0d%0aBcc@x.org", &r);
	CHECK_STR(r.attendees[0].addr, "");
	one("ATTENDEE;PARTSTAT=ACCEPTED:mailto:ana%00@x.org", &r);
	CHECK_STR(r.attendees[0].addr, "");
	one("ATTENDEE;PARTSTAT=ACCEPTED:mailto:noatsign", &r);
	CHECK_STR(r.attendees[0].addr, "");
	/* syntax errors skip the line, not the calendar */
	one("ATTENDEE;PARTSTAT=ACCEPTED", &r);
	CHECK(r.nattendees == 0 && r.skipped == 1);
	one("ATTENDEE;PARTSTAT:mailto:a@x.org", &r);
	CHECK(r.nattendees == 0 && r.skipped == 1);
	one("ATTENDEE;CN=\"x\"y;PARTSTAT=ACCEPTED:mailto:a@x.org", &r);
	CHECK(r.nattendees == 0 && r.skipped == 1);
	one("ATTENDEE;CN=a\"b:mailto:a@x.org", &r);
	CHECK(r.nattendees == 0 && r.skipped == 1);
}

/* Folding: CRLF or LF, then a space or a tab, anywhere in the line. */
static void
test_folding(void)
{
	struct icalreply r;

	CHECK(parse_str("BEGIN:VCALENDAR\r\nMETH\r\n OD:REP\r\n\tLY\r\n"
	    "BEGIN:VEVENT\r\nUID:abc\r\n  def\r\nATTENDEE;PART\r\n STAT=DEC"
	    "\n\tLINED;CN=\"An\r\n a\":mai\r\n lto:a\r\n @x.org\r\n"
	    "SEQUENCE:1\r\n 2\r\nEND:VEVENT\r\nEND:VCALENDAR", &r) == 0);
	CHECK(r.is_reply);
	CHECK_STR(r.uid, "abc def");
	CHECK(r.sequence == 12);
	CHECK_STR(r.attendees[0].addr, "a@x.org");
	CHECK(icalreply_answer(&r, "a@x.org", NULL) == RSVP_NO);
	/* LF only, a BOM, a preamble and a second calendar that is ignored */
	CHECK(parse_str("\xef\xbb\xbf\nnot a property\nBEGIN:VCALENDAR\n"
	    "method:reply\nbegin:vevent\nuid:x\nattendee;partstat=accepted:"
	    "mailto:a@x.org\nend:vevent\nend:vcalendar\nBEGIN:VCALENDAR\n"
	    "METHOD:REQUEST\n", &r) == 0);
	CHECK(r.is_reply && r.nattendees == 1);
	CHECK(icalreply_answer(&r, NULL, NULL) == RSVP_YES);
}

static void
test_many_attendees(void)
{
	struct icalreply r;
	const char *why;
	char *s = malloc(64 * 1024), *p;
	int i;

	p = s + sprintf(s, HEAD);
	for (i = 0; i < 40; i++)
		p += sprintf(p, "ATTENDEE;PARTSTAT=%s:mailto:p%d@x.org\r\n",
		    i == 3 ? "DECLINED" : "ACCEPTED", i);
	strcpy(p, TAIL);
	CHECK(parse_str(s, &r) == 0);
	CHECK(r.nattendees == ICALREPLY_ATTENDEES && r.dropped == 8);
	CHECK(icalreply_answer(&r, "P3@x.org", &why) == RSVP_NO);
	CHECK(icalreply_answer(&r, "p5@x.org", &why) == RSVP_YES);
	CHECK(icalreply_answer(&r, "p39@x.org", &why) == RSVP_NONE);
	CHECK_STR(why, "ATTENDEEs answer differently");
	CHECK(icalreply_answer(&r, NULL, &why) == RSVP_NONE);

	p = s + sprintf(s, HEAD);
	for (i = 0; i < 3; i++)
		p += sprintf(p, "ATTENDEE;PARTSTAT=DECLINED:mailto:p%d@x.org\r\n",
		    i);
	strcpy(p, TAIL);
	CHECK(parse_str(s, &r) == 0);
	CHECK(icalreply_answer(&r, "other@x.org", &why) == RSVP_NO);
	CHECK_STR(why, "PARTSTAT of every ATTENDEE");
	free(s);
}

/* Over-long and binary input: skipped or refused, never overrun. */
static void
test_limits(void)
{
	struct icalreply r;
	size_t n = ICALREPLY_LINE_MAX + 100, len;
	char *s = malloc(n + 1024), *p;
	int i;

	/* an ATTENDEE too long to read, then a good one */
	p = s + sprintf(s, HEAD "ATTENDEE;CN=");
	memset(p, 'x', n);
	p += n;
	p += sprintf(p, ";PARTSTAT=DECLINED:mailto:a@x.org\r\n"
	    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@x.org\r\n" TAIL);
	CHECK(parse_str(s, &r) == 0);
	CHECK(r.skipped == 1 && r.nattendees == 1);
	CHECK(icalreply_answer(&r, "a@x.org", NULL) == RSVP_YES);
	/* a UID and an address too long to keep: empty, not cut */
	p = s + sprintf(s, HEAD "UID:");
	memset(p, 'u', 300);
	p += 300;
	p += sprintf(p, "\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:");
	memset(p, 'a', 300);
	p += 300;
	sprintf(p, "@x.org\r\n" TAIL);
	CHECK(parse_str(s, &r) == 0);
	CHECK_STR(r.uid, "");
	CHECK_STR(r.attendees[0].addr, "");
	/* a NUL inside a line skips that line */
	len = (size_t)sprintf(s, HEAD "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x"
	    "Z.org\r\n" TAIL);
	*strchr(s, 'Z') = '\0';
	CHECK(icalreply_parse(s, len, &r) == 0);
	CHECK(r.nattendees == 0 && r.skipped == 1);
	/* the length is what counts, not a NUL: cut before the END */
	strcpy(s, HEAD "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x.org\r\n" TAIL);
	CHECK(icalreply_parse(s, strlen(s) - 16, &r) == -1);
	CHECK_STR(r.why, "truncated: no END:VCALENDAR");
	/* nesting */
	p = s + sprintf(s, "BEGIN:VCALENDAR\r\n");
	for (i = 0; i < 20; i++)
		p += sprintf(p, "BEGIN:X%d\r\n", i);
	CHECK(parse_str(s, &r) == -1);
	CHECK_STR(r.why, "components nested too deep");
	CHECK(parse_str("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n",
	    &r) == -1);
	CHECK_STR(r.why, "no VEVENT");
	CHECK(parse_str("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\n"
	    "END:VCALENDAR\r\n", &r) == 0);
	CHECK(!r.is_reply);
	CHECK_STR(r.why, "no METHOD");
	CHECK(parse_str("", &r) == -1);
	CHECK(icalreply_parse(NULL, 10, &r) == -1);
	one("ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x.org\r\nSEQUENCE:-3", &r);
	CHECK(r.sequence == 0);
	one("ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x.org\r\nSEQUENCE:99999999999",
	    &r);
	CHECK(r.sequence == 0);
	free(s);
}

/* METHOD:COUNTER: no answer, the time proposed as text for people. */
static void
test_counter(void)
{
	struct icalreply r;
	char t[ICALREPLY_PROPOSED_MAX];
	const char *why = NULL;

	CHECK(parse_str("BEGIN:VCALENDAR\r\nMETHOD:counter\r\nBEGIN:VEVENT\r\n"
	    "UID:herald-event-3@herald.example.org\r\nATTENDEE;PARTSTAT=TENTATIVE"
	    ":mailto:a@x.org\r\nDTSTART;TZID=\"W. Europe Standard Time\":2024061"
	    "4T190000\r\nDTEND;TZID=W. Europe Standard Time:20240614T220000\r\n"
	    TAIL, &r) == 0);
	CHECK(r.is_counter && !r.is_reply);
	CHECK(icalreply_answer(&r, "a@x.org", &why) == RSVP_NONE);
	CHECK(why != NULL && strstr(why, "COUNTER") != NULL);
	icalreply_proposed(&r, t, sizeof t);
	CHECK_STR(t, "2024-06-14 19:00 (W. Europe Standard Time) to 2024-06-14 "
	    "22:00 (W. Europe Standard Time)");
	CHECK(parse_str("BEGIN:VCALENDAR\nMETHOD:COUNTER\nBEGIN:VEVENT\n"
	    "DTSTART:20240614T170000Z\nDURATION:PT3H\n" TAIL, &r) == 0);
	icalreply_proposed(&r, t, sizeof t);
	CHECK_STR(t, "2024-06-14 17:00 UTC for PT3H");
	CHECK(parse_str("BEGIN:VCALENDAR\nMETHOD:COUNTER\nBEGIN:VEVENT\n"
	    "DTSTART;VALUE=DATE:20240614\n" TAIL, &r) == 0);
	icalreply_proposed(&r, t, sizeof t);
	CHECK_STR(t, "2024-06-14");
	/* hostile times and zones are left out, not shown */
	CHECK(parse_str("BEGIN:VCALENDAR\nMETHOD:COUNTER\nBEGIN:VEVENT\n"
	    "DTSTART;TZID=\"a\x01b\":2024<script>\n" TAIL, &r) == 0);
	icalreply_proposed(&r, t, sizeof t);
	CHECK_STR(t, "");
	icalreply_proposed(&r, t, 0);
}

/* "mailto:" in any case, with blanks, against a From in another case. */
static void
test_mailto(void)
{
	struct icalreply r;

	CHECK(one("ATTENDEE;PARTSTAT=DECLINED:MailTo: Jane.Doe@Example.ORG", &r)
	    == RSVP_NO);
	CHECK_STR(r.attendees[0].addr, "Jane.Doe@Example.ORG");
	CHECK(icalreply_answer(&r, "jane.doe@example.org", NULL) == RSVP_NO);
}

/* Outlook-style subjects without a calendar part. */
static void
test_subjects(void)
{
	static const struct {
		const char *subject;
		enum rsvp_answer want;
		int counter;
	} cases[] = {
		{ "Accepted: Annual dinner", RSVP_YES, 0 },
		{ "ACCEPTED:Annual dinner", RSVP_YES, 0 },
		{ "Declined: Annual dinner", RSVP_NO, 0 },
		{ "Tentative: Annual dinner", RSVP_MAYBE, 0 },
		{ "Tentatively Accepted: Annual dinner", RSVP_MAYBE, 0 },
		{ "Accept\xc3\xa9 : D\xc3\xaener", RSVP_YES, 0 },
		{ "Refus\xc3\xa9\xc2\xa0: D\xc3\xaener", RSVP_NO, 0 },
		{ "Accept\xc3\xa9 provisoirement : D\xc3\xaener", RSVP_MAYBE, 0 },
		{ "Aceptado: Cena", RSVP_YES, 0 },
		{ "Rechazado: Cena", RSVP_NO, 0 },
		{ "Zugesagt: Jahresessen", RSVP_YES, 0 },
		{ "Abgelehnt: Jahresessen", RSVP_NO, 0 },
		{ "Mit Vorbehalt angenommen: Jahresessen", RSVP_MAYBE, 0 },
		{ "Vorl\xc3\xa4ufig angenommen: Jahresessen", RSVP_MAYBE, 0 },
		{ "Aceito: Jantar", RSVP_YES, 0 },
		{ "Rifiutato: Cena", RSVP_NO, 0 },
		{ "Geaccepteerd: Diner", RSVP_YES, 0 },
		{ "New Time Proposed: Annual dinner", RSVP_NONE, 1 },
		{ "Nueva hora propuesta: Cena", RSVP_NONE, 1 },
		/* people */
		{ "Re: Accepted: Annual dinner", RSVP_NONE, 0 },
		{ "Accepted speakers for the dinner", RSVP_NONE, 0 },
		{ "Declined", RSVP_NONE, 0 },
		{ "", RSVP_NONE, 0 },
		{ NULL, RSVP_NONE, 0 },
	};
	size_t i;
	int counter;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum rsvp_answer a = icalreply_subject(cases[i].subject,
		    &counter);

		if (a != cases[i].want || counter != cases[i].counter)
			fprintf(stderr, "  subject %zu: %s %d\n", i,
			    rsvptext_name(a), counter);
		CHECK(a == cases[i].want);
		CHECK(counter == cases[i].counter);
	}
}

static void
test_uid(void)
{
	int64_t id = 0;

	CHECK(icalreply_uid_event("herald-event-42@herald.example.org",
	    "herald.example.org", &id) && id == 42);
	CHECK(icalreply_uid_event("HERALD-EVENT-7@Herald.Example.ORG",
	    "herald.example.org", &id) && id == 7);
	CHECK(!icalreply_uid_event("herald-event-42@other.example",
	    "herald.example.org", NULL));
	CHECK(!icalreply_uid_event("herald-event-@herald.example.org",
	    "herald.example.org", NULL));
	CHECK(!icalreply_uid_event("herald-event-4x@herald.example.org",
	    "herald.example.org", NULL));
	CHECK(!icalreply_uid_event("herald-event-0@herald.example.org",
	    "herald.example.org", NULL));
	CHECK(!icalreply_uid_event("herald-event-99999999999999999999@h.org",
	    "h.org", NULL));
	CHECK(!icalreply_uid_event("event-3@herald.example.org",
	    "herald.example.org", NULL));
	CHECK(!icalreply_uid_event(NULL, "h.org", NULL));
}

/* A whole message: its calendar part, or its subject. */
static void
test_message(void)
{
	static const char google[] = "From: Tom <Tom@Gmail.example>\n"
	    "Subject: Accepted: Dinner\nAuto-Submitted: auto-generated\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain\n\nTom has accepted.\n--b\n"
	    "Content-Type: application/ics; name=invite.ics\n"
	    "Content-Disposition: attachment\n\nBEGIN:VCALENDAR\nMETHOD:REPLY\n"
	    "BEGIN:VEVENT\nUID:herald-event-3@h.org\nATTENDEE;PART\n STAT=ACC\n"
	    "\tEPTED:MAILTO:tom@gmail.example\nEND:VEVENT\nEND:VCALENDAR\n"
	    "--b--\n";
	static const char fwd[] = "From: a@x.org\nSubject: Fwd: dinner\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain\n\nsee below\n--b\n"
	    "Content-Type: message/rfc822\n\nSubject: x\nContent-Type: "
	    "text/calendar\n\nBEGIN:VCALENDAR\nMETHOD:REPLY\nBEGIN:VEVENT\n"
	    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x.org\nEND:VEVENT\n"
	    "END:VCALENDAR\n--b--\n";
	struct icalreply_found f;
	struct in_msg *m;
	const char *err;

	CHECK(in_msg_parse(google, sizeof google - 1, &m, &err) == 0);
	CHECK(icalreply_message(m, &f) == ICALREPLY_CALENDAR);
	CHECK(f.answer == RSVP_YES && !f.counter);
	CHECK_STR(f.uid, "herald-event-3@h.org");
	CHECK_STR(f.attendee, "tom@gmail.example");
	CHECK(strstr(f.why, "PARTSTAT=ACCEPTED") != NULL);
	in_msg_free(&m);
	/* a calendar inside a forwarded message is not the sender's answer */
	CHECK(in_msg_parse(fwd, sizeof fwd - 1, &m, &err) == 0);
	CHECK(icalreply_message(m, &f) == ICALREPLY_NOTHING);
	CHECK(f.answer == RSVP_NONE && f.why[0] == '\0');
	in_msg_free(&m);
}

int
main(void)
{
	datadir_init();
	test_counter();
	test_mailto();
	test_subjects();
	test_uid();
	test_message();
	test_outlook();
	test_google();
	test_other_clients();
	test_broken_files();
	test_params();
	test_folding();
	test_many_attendees();
	test_limits();
	return check_done("t_icalreply");
}
