/* icalreply: see icalreply.h. */
#include "in/icalreply.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ICALREPLY_PARAMS 16	/* parameters kept per property */
#define ICALREPLY_NAME_MAX 15	/* component names: VCALENDAR, VTIMEZONE */

/* One unfolded content line. */
struct icalreply_line {
	char s[ICALREPLY_LINE_MAX + 1];
	size_t len;
	int bad;		/* too long, or holds a NUL */
};

/* A content line split in place: NAME;P=V;...:VALUE */
struct icalreply_prop {
	char *name;		/* upper-cased */
	char *pname[ICALREPLY_PARAMS];	/* upper-cased */
	char *pvalue[ICALREPLY_PARAMS];	/* the first value, unquoted */
	size_t nparams;
	char *value;
};

struct icalreply_state {
	struct icalreply *out;
	char stack[ICALREPLY_DEPTH][ICALREPLY_NAME_MAX + 1];
	int depth;
	int begun, ended;	/* VCALENDAR */
	int events;		/* VEVENTs begun */
	int has_comment;	/* a COMMENT property was seen */
	char rcomment[ICALREPLY_COMMENT_MAX + 1];	/* X-RESPONSE-COMMENT */
	const char *error;
};

/* ---- lines ---- */

static void
icalreply_append(struct icalreply_line *l, const char *s, size_t n)
{
	if (l->bad)
		return;
	if (n > ICALREPLY_LINE_MAX - l->len || memchr(s, '\0', n) != NULL) {
		l->bad = 1;
		return;
	}
	memcpy(l->s + l->len, s, n);
	l->len += n;
	l->s[l->len] = '\0';
}

/*
 * Read the next content line from ics[*pos..len), unfolded: a line break
 * (CRLF, LF, or a lone CR) followed by a space or a tab is removed with
 * that one blank (RFC 5545 3.1).
 */
static void
icalreply_unfold(const char *ics, size_t len, size_t *pos,
    struct icalreply_line *l)
{
	size_t start;

	l->len = 0;
	l->bad = 0;
	l->s[0] = '\0';
	for (;;) {
		start = *pos;
		while (*pos < len && ics[*pos] != '\r' && ics[*pos] != '\n')
			(*pos)++;
		icalreply_append(l, ics + start, *pos - start);
		if (*pos < len && ics[*pos] == '\r')
			(*pos)++;
		if (*pos < len && ics[*pos] == '\n')
			(*pos)++;
		if (*pos >= len || (ics[*pos] != ' ' && ics[*pos] != '\t'))
			return;
		(*pos)++;
	}
}

/* ---- content lines ---- */

static int
icalreply_namechar(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

static void
icalreply_upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* A name at *pp, NUL-terminated in place; its terminator in *end. */
static char *
icalreply_name(char **pp, char *end)
{
	char *p = *pp, *name = p;

	while (icalreply_namechar(*p))
		p++;
	if (p == name)
		return NULL;
	*end = *p;
	*p = '\0';
	*pp = p + (*end != '\0');
	icalreply_upper(name);
	return name;
}

/*
 * Some clients leave "mailto:" unquoted in a parameter (SENT-BY=mailto:x),
 * which the grammar forbids; taking its colon for the end of the
 * parameters would lose the address, so it is read as part of the value.
 */
static int
icalreply_bare_mailto(const char *v, const char *p)
{
	return *p == ':' && p - v == 6 && strncasecmp(v, "mailto", 6) == 0;
}

/*
 * The values of one parameter at *pp: quoted or not, comma-separated.
 * Returns the first, NUL-terminated in place, or NULL on a syntax error;
 * *sep gets what follows the list (';' or ':').
 */
static char *
icalreply_pvalues(char **pp, char *sep)
{
	char *p = *pp, *first = NULL, *v;

	for (;;) {
		if (*p == '"') {
			v = ++p;
			while (*p != '\0' && *p != '"')
				p++;
			if (*p != '"')
				return NULL;
			*p++ = '\0';
		} else {
			v = p;
			while (*p != '\0' && *p != ';' && *p != ',' &&
			    *p != '"' && (*p != ':' || icalreply_bare_mailto(v, p)))
				p++;
		}
		if (first == NULL)
			first = v;
		if (*p != ',' && *p != ';' && *p != ':')
			return NULL;
		*sep = *p;
		*p++ = '\0';
		if (*sep != ',') {
			*pp = p;
			return first;
		}
	}
}

/* Split l in place into name, parameters and value. -1 on bad syntax. */
static int
icalreply_split(char *l, struct icalreply_prop *pr)
{
	char *p = l, *pname, *pvalue, sep;

	pr->nparams = 0;
	if ((pr->name = icalreply_name(&p, &sep)) == NULL)
		return -1;
	while (sep == ';') {
		if ((pname = icalreply_name(&p, &sep)) == NULL || sep != '=')
			return -1;
		if ((pvalue = icalreply_pvalues(&p, &sep)) == NULL)
			return -1;
		if (pr->nparams < ICALREPLY_PARAMS) {
			pr->pname[pr->nparams] = pname;
			pr->pvalue[pr->nparams++] = pvalue;
		}
	}
	if (sep != ':')
		return -1;
	pr->value = p;
	return 0;
}

static char *
icalreply_param(const struct icalreply_prop *pr, const char *name)
{
	size_t i;

	for (i = 0; i < pr->nparams; i++)
		if (strcmp(pr->pname[i], name) == 0)
			return pr->pvalue[i];
	return NULL;
}

/* ---- values ---- */

/* Copy s to out, or leave out empty when it does not fit. */
static void
icalreply_copy(char *out, size_t size, const char *s)
{
	size_t n = strlen(s);

	out[0] = '\0';
	if (n < size)
		memcpy(out, s, n + 1);
}

static void
icalreply_trim(char **s)
{
	size_t n;

	while (**s == ' ' || **s == '\t')
		(*s)++;
	n = strlen(*s);
	while (n > 0 && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t'))
		(*s)[--n] = '\0';
}

static int
icalreply_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo %XX escapes in place (a URI may carry them); -1 on a bad one. */
static int
icalreply_unpercent(char *s)
{
	char *o = s;
	int hi, lo;

	for (; *s; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if ((hi = icalreply_hex(s[1])) < 0 || (lo = icalreply_hex(s[2])) < 0 ||
		    (hi == 0 && lo == 0))
			return -1;
		*o++ = (char)(hi << 4 | lo);
		s += 2;
	}
	*o = '\0';
	return 0;
}

/*
 * One address, with no blanks or control characters: it may end up in a
 * database lookup and in "herald inbox" output. out is "" when a is not
 * one.
 */
static void
icalreply_address(char *a, char *out, size_t size)
{
	char *at;
	size_t n;

	out[0] = '\0';
	n = strlen(a);
	if (n >= 2 && a[0] == '<' && a[n - 1] == '>') {
		a[n - 1] = '\0';
		a++;
	}
	if (icalreply_unpercent(a) == -1)
		return;
	for (n = 0; a[n]; n++)
		if ((unsigned char)a[n] <= ' ' || a[n] == 0x7f || a[n] == '<' ||
		    a[n] == '>' || a[n] == ',' || a[n] == ';')
			return;
	if ((at = strrchr(a, '@')) == NULL || at == a || at[1] == '\0')
		return;
	icalreply_copy(out, size, a);
}

/* The address of a cal-address value: "mailto:" in any case, then one. */
static void
icalreply_mailto(char *value, char *out, size_t size)
{
	char *a = value;

	out[0] = '\0';
	icalreply_trim(&a);
	if (strncasecmp(a, "mailto:", 7) != 0)
		return;
	a += 7;
	icalreply_trim(&a);	/* "mailto: jane@x" (seen from gateways) */
	icalreply_address(a, out, size);
}

/* A TEXT value without its escapes (RFC 5545 3.3.11), cut to fit. */
static void
icalreply_text(const char *v, char *out, size_t size)
{
	size_t o = 0;

	for (; *v && o + 1 < size; v++) {
		if (*v == '\\' && v[1] != '\0') {
			v++;
			out[o++] = *v == 'n' || *v == 'N' ? '\n' : *v;
		} else
			out[o++] = *v;
	}
	/* never leave half a UTF-8 sequence at a cut */
	if (*v != '\0')
		while (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0x80)
			o--;
	if (*v != '\0' && o > 0 && (unsigned char)out[o - 1] >= 0xc0)
		o--;
	out[o] = '\0';
}

/* SEQUENCE: a non-negative integer, 0 when absent or unreadable. */
static int64_t
icalreply_integer(const char *v)
{
	int64_t n = 0;
	size_t i;

	for (i = 0; v[i] >= '0' && v[i] <= '9'; i++) {
		if (i == 9)
			return 0;
		n = n * 10 + (v[i] - '0');
	}
	return i > 0 && v[i] == '\0' ? n : 0;
}

static enum rsvp_answer
icalreply_partstat(const char *p)
{
	if (strcmp(p, "ACCEPTED") == 0)
		return RSVP_YES;
	if (strcmp(p, "DECLINED") == 0)
		return RSVP_NO;
	if (strcmp(p, "TENTATIVE") == 0)
		return RSVP_MAYBE;
	return RSVP_NONE;
}

/* ---- properties ---- */

static void
icalreply_attendee(struct icalreply_state *st, struct icalreply_prop *pr)
{
	struct icalreply *out = st->out;
	struct icalreply_attendee *a;
	const char *ps = icalreply_param(pr, "PARTSTAT");
	const char *rc = icalreply_param(pr, "X-RESPONSE-COMMENT");
	char *email = icalreply_param(pr, "EMAIL");

	if (out->nattendees == ICALREPLY_ATTENDEES) {
		out->dropped++;
		return;
	}
	a = &out->attendees[out->nattendees++];
	icalreply_mailto(pr->value, a->addr, sizeof a->addr);
	/* a CalDAV server may name the attendee by URN, the address in EMAIL */
	if (a->addr[0] == '\0' && email != NULL)
		icalreply_address(email, a->addr, sizeof a->addr);
	icalreply_copy(a->partstat, sizeof a->partstat, ps ? ps : "");
	icalreply_upper(a->partstat);
	a->answer = icalreply_partstat(a->partstat);
	if (rc && *rc && st->rcomment[0] == '\0')
		icalreply_text(rc, st->rcomment, sizeof st->rcomment);
}

/*
 * A DATE or DATE-TIME: digits, 'T' and 'Z' only, and a TZID that holds
 * nothing but printable ASCII (it is shown to people); else left empty.
 */
static void
icalreply_time(const struct icalreply_prop *pr, const char *v,
    struct icalreply_time *t)
{
	const char *tz = icalreply_param(pr, "TZID");
	size_t i;

	if (strspn(v, "0123456789TZ") != strlen(v) || strlen(v) < 8)
		return;
	icalreply_copy(t->value, sizeof t->value, v);
	if (tz == NULL)
		return;
	for (i = 0; tz[i]; i++)
		if ((unsigned char)tz[i] < 0x20 || (unsigned char)tz[i] >= 0x7f ||
		    tz[i] == '"' || tz[i] == '\\')
			return;
	icalreply_copy(t->tzid, sizeof t->tzid, tz);
}

/* A property of the first VEVENT. */
static void
icalreply_event_prop(struct icalreply_state *st, struct icalreply_prop *pr)
{
	struct icalreply *out = st->out;
	char *v = pr->value;

	icalreply_trim(&v);
	if (strcmp(pr->name, "ATTENDEE") == 0)
		icalreply_attendee(st, pr);
	else if (strcmp(pr->name, "UID") == 0)
		icalreply_copy(out->uid, sizeof out->uid, v);
	else if (strcmp(pr->name, "SEQUENCE") == 0)
		out->sequence = icalreply_integer(v);
	else if (strcmp(pr->name, "ORGANIZER") == 0)
		icalreply_mailto(v, out->organizer, sizeof out->organizer);
	else if (strcmp(pr->name, "DTSTART") == 0)
		icalreply_time(pr, v, &out->start);
	else if (strcmp(pr->name, "DTEND") == 0)
		icalreply_time(pr, v, &out->end);
	else if (strcmp(pr->name, "DURATION") == 0 &&
	    strspn(v, "+-PTWDHMS0123456789") == strlen(v))
		icalreply_copy(out->duration, sizeof out->duration, v);
	else if (strcmp(pr->name, "COMMENT") == 0 && !st->has_comment) {
		st->has_comment = 1;
		icalreply_text(v, out->comment, sizeof out->comment);
	}
}

static int
icalreply_in(const struct icalreply_state *st, int depth, const char *name)
{
	return st->depth == depth && strcmp(st->stack[depth - 1], name) == 0;
}

/* BEGIN and END keep the stack of components balanced. */
static void
icalreply_component(struct icalreply_state *st, int begin, char *value)
{
	const char *name = value;

	icalreply_trim(&value);
	icalreply_upper(value);
	name = strlen(value) > ICALREPLY_NAME_MAX ? "X-TOO-LONG" : value;
	if (begin) {
		if (st->depth == ICALREPLY_DEPTH) {
			st->error = "components nested too deep";
			return;
		}
		if (st->depth == 1 && strcmp(name, "VEVENT") == 0)
			st->events++;
		snprintf(st->stack[st->depth], sizeof st->stack[0], "%s", name);
		st->depth++;
		return;
	}
	if (st->depth == 0 || strcmp(st->stack[st->depth - 1], name) != 0) {
		st->error = "END does not match BEGIN";
		return;
	}
	if (--st->depth == 0)
		st->ended = 1;
}

static void
icalreply_prop(struct icalreply_state *st, struct icalreply_prop *pr)
{
	struct icalreply *out = st->out;
	char *v = pr->value;

	if (strcmp(pr->name, "BEGIN") == 0 || strcmp(pr->name, "END") == 0)
		icalreply_component(st, pr->name[0] == 'B', pr->value);
	else if (icalreply_in(st, 1, "VCALENDAR") &&
	    strcmp(pr->name, "METHOD") == 0) {
		icalreply_trim(&v);
		icalreply_copy(out->method, sizeof out->method, v);
		icalreply_upper(out->method);
	} else if (icalreply_in(st, 2, "VEVENT") && st->events == 1)
		icalreply_event_prop(st, pr);
}

/*
 * One content line. Lines before BEGIN:VCALENDAR (a preamble, a blank
 * line) are passed over; a line that cannot be read is skipped and
 * counted, since one bad X- property should not cost the answer.
 */
static void
icalreply_line(struct icalreply_state *st, struct icalreply_line *l)
{
	struct icalreply_prop pr;

	if (l->bad) {
		st->out->skipped++;
		return;
	}
	if (l->len == 0)
		return;
	if (icalreply_split(l->s, &pr) == -1) {
		st->out->skipped++;
		return;
	}
	if (!st->begun) {
		if (strcmp(pr.name, "BEGIN") != 0)
			return;
		icalreply_trim(&pr.value);
		if (strcasecmp(pr.value, "VCALENDAR") != 0)
			return;
		st->begun = 1;
	}
	icalreply_prop(st, &pr);
}

static int
icalreply_fail(struct icalreply *out, const char *why)
{
	out->why = why;
	out->is_reply = out->is_counter = 0;
	return -1;
}

int
icalreply_parse(const char *ics, size_t len, struct icalreply *out)
{
	struct icalreply_line l;
	struct icalreply_state st;
	size_t pos = 0;

	memset(out, 0, sizeof *out);
	memset(&st, 0, sizeof st);
	st.out = out;
	if (ics == NULL)
		len = 0;
	if (len >= 3 && memcmp(ics, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && !st.ended && st.error == NULL) {
		icalreply_unfold(ics, len, &pos, &l);
		icalreply_line(&st, &l);
	}
	if (!st.begun)
		return icalreply_fail(out, "no BEGIN:VCALENDAR");
	if (st.error)
		return icalreply_fail(out, st.error);
	if (!st.ended)
		return icalreply_fail(out, "truncated: no END:VCALENDAR");
	if (st.events == 0)
		return icalreply_fail(out, "no VEVENT");
	if (!st.has_comment)
		icalreply_copy(out->comment, sizeof out->comment, st.rcomment);
	out->is_reply = strcmp(out->method, "REPLY") == 0;
	out->is_counter = strcmp(out->method, "COUNTER") == 0;
	out->why = out->is_reply || out->is_counter ? "ok" : out->method[0] ?
	    "METHOD is not REPLY" : "no METHOD";
	return 0;
}

/* ---- the answer ---- */

static enum rsvp_answer
icalreply_said(const struct icalreply_attendee *a, const char *how,
    const char **why)
{
	*why = a->answer != RSVP_NONE ? how :
	    "PARTSTAT is not ACCEPTED, DECLINED or TENTATIVE";
	return a->answer;
}

enum rsvp_answer
icalreply_answer(const struct icalreply *r, const char *from,
    const char **why)
{
	const char *dummy;
	size_t i;

	if (why == NULL)
		why = &dummy;
	if (r->is_counter) {
		*why = "a COUNTER: another time proposed, for a person";
		return RSVP_NONE;
	}
	if (!r->is_reply) {
		*why = "not a METHOD:REPLY calendar";
		return RSVP_NONE;
	}
	if (r->nattendees == 0) {
		*why = "REPLY without ATTENDEE";
		return RSVP_NONE;
	}
	for (i = 0; from && i < r->nattendees; i++)
		if (strcasecmp(r->attendees[i].addr, from) == 0)
			return icalreply_said(&r->attendees[i],
			    "PARTSTAT of the sender's ATTENDEE", why);
	if (r->nattendees == 1 && r->dropped == 0)
		return icalreply_said(&r->attendees[0], from ?
		    "PARTSTAT of the only ATTENDEE (not the sender)" :
		    "PARTSTAT of the only ATTENDEE", why);
	for (i = 1; i < r->nattendees; i++)
		if (r->attendees[i].answer != r->attendees[0].answer) {
			*why = "ATTENDEEs answer differently";
			return RSVP_NONE;
		}
	return icalreply_said(&r->attendees[0], "PARTSTAT of every ATTENDEE",
	    why);
}

/* ---- the time proposed ---- */

/* "20240614T190000Z" -> "2024-06-14 19:00 UTC"; "20240614" -> "2024-06-14" */
static void
icalreply_when(const struct icalreply_time *t, char *out, size_t size)
{
	const char *v = t->value;
	size_t n = strlen(v);
	int utc = n > 0 && v[n - 1] == 'Z';

	if (n >= 15 && v[8] == 'T')
		snprintf(out, size, "%.4s-%.2s-%.2s %.2s:%.2s%s%s%s", v, v + 4,
		    v + 6, v + 9, v + 11, utc ? " UTC" : t->tzid[0] ? " (" : "",
		    utc ? "" : t->tzid, !utc && t->tzid[0] ? ")" : "");
	else if (n == 8)
		snprintf(out, size, "%.4s-%.2s-%.2s", v, v + 4, v + 6);
	else
		snprintf(out, size, "%s", v);
}

void
icalreply_proposed(const struct icalreply *r, char *out, size_t size)
{
	char a[96], b[96];

	if (size == 0)
		return;
	out[0] = '\0';
	if (r->start.value[0] == '\0')
		return;
	icalreply_when(&r->start, a, sizeof a);
	if (r->end.value[0]) {
		icalreply_when(&r->end, b, sizeof b);
		snprintf(out, size, "%s to %s", a, b);
	} else if (r->duration[0])
		snprintf(out, size, "%s for %s", a, r->duration);
	else
		snprintf(out, size, "%s", a);
}
