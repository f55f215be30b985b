/*
 * icalreply_msg: the calendar answer of a whole message (icalreply.h,
 * "a whole message"): its calendar parts, else an Outlook-style subject.
 * Kept apart from icalreply.c, which reads calendar text only and needs
 * nothing of in/msg.
 */
#include "in/icalreply.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "in/msg.h"
#include "in/replytext.h"

#define ICALREPLY_SUBJECT_FOLD 96	/* folded bytes of a subject looked at */

/* ---- the subject ---- */

struct icalreply_word {
	const char *words;	/* folded: lower-case ASCII, no accents */
	enum rsvp_answer answer;
	int counter;
};

/*
 * What Outlook/Exchange, Google Calendar and Thunderbird put before the
 * event's title, in the languages herald meets. Longest first where one
 * starts another ("accepted" / "accepted provisionally" is not needed:
 * the colon must follow at once).
 */
static const struct icalreply_word icalreply_words[] = {
	/* en */
	{ "accepted", RSVP_YES, 0 }, { "declined", RSVP_NO, 0 },
	{ "tentative", RSVP_MAYBE, 0 }, { "tentatively accepted", RSVP_MAYBE, 0 },
	{ "new time proposed", RSVP_NONE, 1 },
	{ "proposed new time", RSVP_NONE, 1 },
	/* es */
	{ "aceptado", RSVP_YES, 0 }, { "aceptada", RSVP_YES, 0 },
	{ "rechazado", RSVP_NO, 0 }, { "rechazada", RSVP_NO, 0 },
	{ "provisional", RSVP_MAYBE, 0 }, { "tentativo", RSVP_MAYBE, 0 },
	{ "aceptado provisionalmente", RSVP_MAYBE, 0 },
	{ "nueva hora propuesta", RSVP_NONE, 1 },
	/* fr */
	{ "accepte", RSVP_YES, 0 }, { "refuse", RSVP_NO, 0 },
	{ "provisoire", RSVP_MAYBE, 0 },
	{ "accepte provisoirement", RSVP_MAYBE, 0 },
	{ "nouvel horaire propose", RSVP_NONE, 1 },
	{ "nouvelle heure proposee", RSVP_NONE, 1 },
	/* de */
	{ "zugesagt", RSVP_YES, 0 }, { "angenommen", RSVP_YES, 0 },
	{ "abgelehnt", RSVP_NO, 0 }, { "mit vorbehalt angenommen", RSVP_MAYBE, 0 },
	{ "vorlaufig angenommen", RSVP_MAYBE, 0 },
	{ "vorlaeufig angenommen", RSVP_MAYBE, 0 },
	{ "neue uhrzeit vorgeschlagen", RSVP_NONE, 1 },
	{ "neuer zeitpunkt vorgeschlagen", RSVP_NONE, 1 },
	/* pt */
	{ "aceito", RSVP_YES, 0 }, { "aceite", RSVP_YES, 0 },
	{ "recusado", RSVP_NO, 0 }, { "recusada", RSVP_NO, 0 },
	{ "provisorio", RSVP_MAYBE, 0 }, { "provisoriamente aceito", RSVP_MAYBE, 0 },
	{ "novo horario proposto", RSVP_NONE, 1 },
	/* it */
	{ "accettato", RSVP_YES, 0 }, { "rifiutato", RSVP_NO, 0 },
	{ "provvisorio", RSVP_MAYBE, 0 }, { "accettato con riserva", RSVP_MAYBE, 0 },
	{ "nuovo orario proposto", RSVP_NONE, 1 },
	/* nl */
	{ "geaccepteerd", RSVP_YES, 0 }, { "geweigerd", RSVP_NO, 0 },
	{ "afgewezen", RSVP_NO, 0 }, { "voorlopig", RSVP_MAYBE, 0 },
	{ "voorlopig geaccepteerd", RSVP_MAYBE, 0 },
	{ "nieuwe tijd voorgesteld", RSVP_NONE, 1 },
};

/*
 * The start of s folded: letters and digits as in/replytext folds them,
 * ASCII punctuation kept, runs of anything else one space.
 */
static void
icalreply_fold(const char *s, char *out, size_t size)
{
	struct replytext_char ch;
	size_t len = strlen(s), o = 0, fl;
	const char *add;

	while (len > 0 && o + 4 < size) {
		replytext_char_at(s, len, &ch);
		if (ch.fold[0] != '\0')
			add = ch.fold;
		else if (ch.cp > ' ' && ch.cp < 0x7f)
			add = (const char *)s;	/* one ASCII byte */
		else
			add = " ";
		fl = ch.fold[0] != '\0' ? strlen(add) : 1;
		if (!(add[0] == ' ' && (o == 0 || out[o - 1] == ' '))) {
			memcpy(out + o, add, fl);
			o += fl;
		}
		s += ch.len;
		len -= ch.len;
	}
	out[o] = '\0';
}

enum rsvp_answer
icalreply_subject(const char *subject, int *counter)
{
	char f[ICALREPLY_SUBJECT_FOLD];
	const char *p;
	size_t i, n;

	if (counter)
		*counter = 0;
	if (subject == NULL)
		return RSVP_NONE;
	icalreply_fold(subject, f, sizeof f);
	p = f + (f[0] == ' ');
	for (i = 0; i < sizeof icalreply_words / sizeof icalreply_words[0];
	    i++) {
		n = strlen(icalreply_words[i].words);
		if (strncmp(p, icalreply_words[i].words, n) != 0)
			continue;
		/* the colon at once ("Refusé :" has a space before it) */
		if (p[n] == ' ')
			n++;
		if (p[n] != ':')
			continue;
		if (counter)
			*counter = icalreply_words[i].counter;
		return icalreply_words[i].answer;
	}
	return RSVP_NONE;
}

/* ---- herald's own UID ---- */

int
icalreply_uid_event(const char *uid, const char *domain, int64_t *event_id)
{
	static const char pre[] = "herald-event-";
	const char *p, *at;
	int64_t id = 0;

	if (uid == NULL || domain == NULL || *domain == '\0' ||
	    strncasecmp(uid, pre, sizeof pre - 1) != 0)
		return 0;
	p = uid + sizeof pre - 1;
	if ((at = strchr(p, '@')) == NULL || at == p || at - p > 18 ||
	    strcasecmp(at + 1, domain) != 0)
		return 0;
	for (; p < at; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		id = id * 10 + (*p - '0');
	}
	if (id <= 0)
		return 0;
	if (event_id)
		*event_id = id;
	return 1;
}

/* ---- calendar parts ---- */

static int
icalreply_calendar_type(const char *type)
{
	return strcmp(type, "text/calendar") == 0 ||
	    strcmp(type, "application/ics") == 0 ||
	    strcmp(type, "text/x-vcalendar") == 0;
}

/* The ATTENDEE icalreply_answer() reads: the sender's, else the first. */
static const struct icalreply_attendee *
icalreply_who(const struct icalreply *r, const char *from)
{
	size_t i;

	for (i = 0; from && i < r->nattendees; i++)
		if (strcasecmp(r->attendees[i].addr, from) == 0)
			return &r->attendees[i];
	return r->nattendees ? &r->attendees[0] : NULL;
}

/* Copy s for a why: printable ASCII kept, anything else as '?'. */
static void
icalreply_safe(const char *s, char *out, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		out[i] = (unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ?
		    '?' : s[i];
	out[i] = '\0';
}

static void
icalreply_from_calendar(const struct icalreply *cal, const char *from,
    struct icalreply_found *f)
{
	const struct icalreply_attendee *a = icalreply_who(cal, from);
	const char *why = NULL;
	char ps[24];

	f->source = ICALREPLY_CALENDAR;
	f->counter = cal->is_counter;
	f->answer = icalreply_answer(cal, from, &why);
	snprintf(f->uid, sizeof f->uid, "%s", cal->uid);
	snprintf(f->comment, sizeof f->comment, "%s", cal->comment);
	if (a) {
		snprintf(f->attendee, sizeof f->attendee, "%s", a->addr);
		snprintf(f->partstat, sizeof f->partstat, "%s", a->partstat);
	}
	icalreply_safe(f->partstat, ps, sizeof ps);
	if (f->counter) {
		icalreply_proposed(cal, f->proposed, sizeof f->proposed);
		snprintf(f->why, sizeof f->why, "calendar METHOD:COUNTER, "
		    "ATTENDEE mailto:%s proposes %s", f->attendee,
		    f->proposed[0] ? f->proposed : "a time it does not say");
	} else
		snprintf(f->why, sizeof f->why, "calendar METHOD:REPLY, ATTENDEE "
		    "mailto:%s PARTSTAT=%s (%s)", f->attendee[0] ? f->attendee :
		    "?", ps[0] ? ps : "none", why);
}

/* The subject, for the why: quoted, control bytes as '?', cut. */
static void
icalreply_from_subject(const char *subject, enum rsvp_answer a, int counter,
    struct icalreply_found *f)
{
	char q[96];

	f->source = ICALREPLY_SUBJECT;
	f->counter = counter;
	f->answer = a;
	snprintf(f->partstat, sizeof f->partstat, "%s", counter ? "COUNTER" :
	    a == RSVP_YES ? "ACCEPTED" : a == RSVP_NO ? "DECLINED" :
	    "TENTATIVE");
	icalreply_safe(subject, q, sizeof q);
	snprintf(f->why, sizeof f->why, "subject \"%s%s\" (%s, no calendar "
	    "part)", q, strlen(subject) >= sizeof q - 1 ? "..." : "", counter ?
	    "another time proposed" : rsvptext_name(a));
}

enum icalreply_source
icalreply_message(const struct in_msg *m, struct icalreply_found *f)
{
	static _Thread_local struct icalreply cal;
	const struct in_part *p;
	const char *subject = in_msg_subject(m);
	enum rsvp_answer a;
	int counter = 0;
	size_t i;

	memset(f, 0, sizeof *f);
	for (i = 0; (p = in_msg_part(m, i)) != NULL; i++) {
		if (p->body == NULL || p->enclosed ||
		    !icalreply_calendar_type(p->type))
			continue;
		if (icalreply_parse(p->body, p->body_len, &cal) == 0 &&
		    (cal.is_reply || cal.is_counter)) {
			icalreply_from_calendar(&cal, in_msg_from(m), f);
			return f->source;
		}
	}
	a = icalreply_subject(subject, &counter);
	if (a != RSVP_NONE || counter)
		icalreply_from_subject(subject, a, counter, f);
	return f->source;
}
