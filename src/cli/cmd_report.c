/*
 * cmd_report: "herald report [EVENT] [--html FILE]": for each event its
 * seats, the answer funnel, answers by day, by country and kind of
 * organisation, the open questions, the bounces that need a corrected
 * address and the complaints; for each relay network its lists and the
 * announcements forwarded down; and what came in. Times are the event's
 * (else display_tz), the zone named. Text fits 80 columns; --html writes
 * the same as one self-contained page (report_html.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "cli/report_int.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "store/event.h"

#define REPORT_WIDTH 80

/* ---------------------------------------------------------------- model */

static struct rsection *
report_section(struct report *r, const char *title)
{
	struct rsection *s;

	if (r->nsections == r->size) {
		r->size = r->size ? r->size * 2 : 8;
		r->sections = xrealloc(r->sections, r->size * sizeof *s);
	}
	s = &r->sections[r->nsections++];
	memset(s, 0, sizeof *s);
	s->title = xstrdup(title);
	return s;
}

/*
 * A new block. cols: "name" for text (cut to maxw cells, 24 unless the
 * caller says), "#name" for numbers.
 */
static struct rblock *
report_block(struct rsection *s, const char *title, const char *empty,
    const char *const *cols)
{
	struct rblock *b;
	int i;

	if (s->nblocks == s->size) {
		s->size = s->size ? s->size * 2 : 8;
		s->blocks = xrealloc(s->blocks, s->size * sizeof *b);
	}
	b = &s->blocks[s->nblocks++];
	memset(b, 0, sizeof *b);
	b->title = xstrdup(title);
	b->empty = empty;
	for (i = 0; cols[i] && i < RB_MAXCOLS; i++) {
		const char *c = cols[i];

		b->numeric[i] = c[0] == '#';
		b->head[i] = c + b->numeric[i];
		b->maxw[i] = 24;
	}
	b->ncols = i;
	return b;
}

static void
rb_add(struct rblock *b, const char *const *cells)
{
	int j;

	if (b->nrows == b->size) {
		b->size = b->size ? b->size * 2 : 16;
		b->cells = xrealloc(b->cells,
		    b->size * (size_t)b->ncols * sizeof *b->cells);
	}
	for (j = 0; j < b->ncols; j++)
		b->cells[b->nrows * (size_t)b->ncols + (size_t)j] =
		    xstrdup(cells[j] ? cells[j] : "");
	b->nrows++;
}

const char *
rb_cell(const struct rblock *b, size_t i, int j)
{
	return b->cells[i * (size_t)b->ncols + (size_t)j];
}

/* Every row of st: integer columns where the block says numeric. */
static void
rb_rows(struct rblock *b, sqlite3_stmt *st)
{
	const char *row[RB_MAXCOLS];
	int j;

	while (sqlite3_step(st) == SQLITE_ROW) {
		for (j = 0; j < b->ncols; j++)
			row[j] = db_col_text(st, j);
		rb_add(b, row);
	}
	sqlite3_finalize(st);
}

static void
report_free(struct report *r)
{
	size_t i, k, n;
	int j;

	for (i = 0; i < r->nsections; i++) {
		struct rsection *s = &r->sections[i];

		for (k = 0; k < s->nblocks; k++) {
			struct rblock *b = &s->blocks[k];

			for (n = 0; n < b->nrows * (size_t)b->ncols; n++)
				free(b->cells[n]);
			free(b->cells);
			free(b->title);
			free(b->note);
		}
		for (j = 0; j < 4; j++)
			free(s->lines[j]);
		free(s->blocks);
		free(s->title);
	}
	free(r->sections);
	free(r->made);
}

static int64_t
report_count(struct cli *c, const char *sql, int64_t id)
{
	sqlite3_stmt *st = db_prepare(c->db, sql);
	int64_t n = 0;

	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static sqlite3_stmt *
report_query(struct cli *c, const char *sql, int64_t id)
{
	sqlite3_stmt *st = db_prepare(c->db, sql);

	if (strstr(sql, "?1"))
		sqlite3_bind_int64(st, 1, id);
	return st;
}

/* ---------------------------------------------------------------- events */

/* The campaigns inviting to event ?1. */
#define EVENT_CAMPAIGNS "(SELECT id FROM campaign WHERE event_id = ?1)"

/* A contact or an erased person, once. */
#define WHO_ONCE "COALESCE(m.contact_id, -m.anon, -1000000000 - m.id)"

/* One row of the seats table: the numbers as text, left never below 0. */
static void
report_seat_row(struct rblock *b, const char *cat, int64_t quota,
    int64_t yes, int64_t off, int64_t wait)
{
	char n[5][32];

	snprintf(n[1], sizeof n[1], "%lld", (long long)yes);
	snprintf(n[2], sizeof n[2], "%lld", (long long)off);
	snprintf(n[4], sizeof n[4], "%lld", (long long)wait);
	if (quota >= 0) {
		snprintf(n[0], sizeof n[0], "%lld", (long long)quota);
		snprintf(n[3], sizeof n[3], "%lld", (long long)(quota - yes -
		    off > 0 ? quota - yes - off : 0));
	} else
		n[0][0] = n[3][0] = '\0';	/* no limit: totals only */
	rb_add(b, (const char *const[]){ cat, n[0], n[1], n[2], n[3], n[4] });
}

/* Seats per category (event_seat), then the event as a whole. */
static void
report_seats(struct cli *c, struct rsection *s, const struct event *e)
{
	static const char *const cols[] = { "category", "#seats", "#taken",
	    "#offered", "#left", "#waiting", NULL };
	struct rblock *b = report_block(s, "Seats", NULL, cols);
	sqlite3_stmt *st = report_query(c, EVENT_SEATS_SQL, e->id);
	int ncat = 0;

	while (sqlite3_step(st) == SQLITE_ROW) {
		report_seat_row(b, db_col_text(st, 0), sqlite3_column_int64(st,
		    1), sqlite3_column_int64(st, 2), sqlite3_column_int64(st,
		    3), sqlite3_column_int64(st, 4));
		ncat++;
	}
	sqlite3_finalize(st);
	/* the whole event, in one pass over its answers */
	st = report_query(c, "SELECT total(answer = 'yes'), "
	    "total(answer = 'offered'), total(answer = 'waitlist') FROM rsvp "
	    "WHERE event_id = ?1", e->id);
	if (sqlite3_step(st) == SQLITE_ROW)
		report_seat_row(b, "all", e->capacity,
		    sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
	if (e->capacity < 0 && ncat == 0)
		b->note = xstrdup("No limit on seats: totals only.");
}

static void
report_funnel(struct cli *c, struct rsection *s, const struct event *e)
{
	static const char *const cols[] = { "stage", "#people", NULL };
	static const char *const answers[] = { "yes", "maybe", "no",
	    "waitlist", "offered", "expired" };
	struct rblock *b = report_block(s, "Answer funnel", NULL, cols);
	int64_t invited, delivered, bounced, answered, n;
	char v[32];
	size_t i;

	invited = report_count(c, "SELECT count(DISTINCT " WHO_ONCE ") FROM "
	    "message m WHERE m.kind = 'campaign' AND m.state != 'cancelled' "
	    "AND m.campaign_id IN " EVENT_CAMPAIGNS, e->id);
	delivered = report_count(c, "SELECT count(DISTINCT " WHO_ONCE ") FROM "
	    "message m WHERE m.kind = 'campaign' AND m.state = 'sent' "
	    "AND m.campaign_id IN " EVENT_CAMPAIGNS, e->id);
	bounced = report_count(c, "SELECT count(DISTINCT " WHO_ONCE ") FROM "
	    "message m WHERE m.kind = 'campaign' AND m.state = 'bounced' "
	    "AND m.campaign_id IN " EVENT_CAMPAIGNS, e->id);
	answered = report_count(c, "SELECT count(*) FROM rsvp WHERE "
	    "event_id = ?1 AND answer != 'none'", e->id);
#define ROW(label, val) do { snprintf(v, sizeof v, "%lld", \
	(long long)(val)); rb_add(b, (const char *const[]){ label, v }); } \
	while (0)
	ROW("invited", invited);
	ROW("delivered", delivered);
	ROW("bounced", bounced);
	ROW("answered", answered);
	for (i = 0; i < sizeof answers / sizeof answers[0]; i++) {
		sqlite3_stmt *st = db_prepare(c->db, "SELECT count(*) FROM "
		    "rsvp WHERE event_id = ? AND answer = ?");

		sqlite3_bind_int64(st, 1, e->id);
		db_bind_text(st, 2, answers[i]);
		n = sqlite3_step(st) == SQLITE_ROW ?
		    sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		ROW(answers[i], n);
	}
	ROW("no answer", invited > answered ? invited - answered : 0);
#undef ROW
	b->chart = RB_CHART_BARS;
	b->value_col = 1;
}

/* Days as "YYYY-MM-DD" strings, each with its answers and its marks. */
struct rday {
	char date[16];
	long answers;
	int sent, reminder;
};

static struct rday *
rday_get(struct rday **days, size_t *n, const char *date)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*days)[i].date, date) == 0)
			return &(*days)[i];
	*days = xrealloc(*days, (*n + 1) * sizeof **days);
	memset(&(*days)[*n], 0, sizeof **days);
	snprintf((*days)[*n].date, sizeof (*days)[*n].date, "%s", date);
	return &(*days)[(*n)++];
}

static int
rday_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rday *)a)->date,
	    ((const struct rday *)b)->date);
}

/* The calendar day after date (no zone: days are the event's). */
static void
rday_next(const char *date, char *out, size_t len)
{
	struct tm tm;
	time_t t;
	int y, m, d;

	memset(&tm, 0, sizeof tm);
	if (sscanf(date, "%d-%d-%d", &y, &m, &d) != 3) {
		snprintf(out, len, "9999-12-31");
		return;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + 1;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

static void
report_days(struct cli *c, struct rsection *s, const struct event *e)
{
	static const char *const cols[] = { "day", "#answers", "marked",
	    NULL };
	struct rblock *b = report_block(s, "Answers by day",
	    "No answers yet.", cols);
	struct rday *days = NULL, *d;
	size_t n = 0, i;
	sqlite3_stmt *st;
	char date[16], next[16], last[16], v[32], mark[64];
	int kind;

	/* 0: answers; 1: first sending of each campaign; 2: reminders */
	st = report_query(c, "SELECT 0, at FROM rsvp WHERE event_id = ?1 AND "
	    "answer != 'none' UNION ALL SELECT 1, min(m.sent_at) FROM message m "
	    "WHERE m.kind = 'campaign' AND m.sent_at IS NOT NULL AND "
	    "m.campaign_id IN " EVENT_CAMPAIGNS " GROUP BY m.campaign_id "
	    "UNION ALL SELECT 2, m.sent_at FROM message m WHERE m.kind = "
	    "'followup' AND m.sent_at IS NOT NULL AND m.campaign_id IN "
	    EVENT_CAMPAIGNS, e->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		kind = sqlite3_column_int(st, 0);
		time_format_zone(sqlite3_column_int64(st, 1), e->tz, "%Y-%m-%d",
		    date, sizeof date);
		d = rday_get(&days, &n, date);
		if (kind == 0)
			d->answers++;
		else if (kind == 1)
			d->sent = 1;
		else
			d->reminder = 1;
	}
	sqlite3_finalize(st);
	if (n > 0) {
		/* every day from the first to the last, up to 120 of them */
		qsort(days, n, sizeof *days, rday_cmp);
		snprintf(date, sizeof date, "%s", days[0].date);
		snprintf(last, sizeof last, "%s", days[n - 1].date);
		for (i = 0; i < 120 && strcmp(date, last) < 0; i++) {
			rday_next(date, next, sizeof next);
			rday_get(&days, &n, next);
			snprintf(date, sizeof date, "%s", next);
		}
		qsort(days, n, sizeof *days, rday_cmp);
	}
	for (i = 0; i < n; i++) {
		snprintf(v, sizeof v, "%ld", days[i].answers);
		snprintf(mark, sizeof mark, "%s%s%s", days[i].sent ? "sending" :
		    "", days[i].sent && days[i].reminder ? ", " : "",
		    days[i].reminder ? "reminder" : "");
		rb_add(b, (const char *const[]){ days[i].date, v, mark });
	}
	free(days);
	b->chart = RB_CHART_DAYS;
	b->value_col = 1;
	b->mark_col = 2;
	b->maxw[2] = 20;
}

static void
report_by(struct cli *c, struct rsection *s, const struct event *e,
    const char *title, const char *what, const char *expr)
{
	const char *cols[] = { what, "#yes", "#maybe", "#no", "#waitlist",
	    "#answers", NULL };
	struct rblock *b = report_block(s, title, "No answers yet.", cols);
	char sql[1024];

	b->maxw[0] = 30;
	snprintf(sql, sizeof sql, "SELECT %s AS g, "
	    "sum(r.answer = 'yes'), sum(r.answer = 'maybe'), "
	    "sum(r.answer = 'no'), sum(r.answer = 'waitlist'), count(*) "
	    "FROM rsvp r LEFT JOIN contact c ON c.id = r.contact_id "
	    "LEFT JOIN organisation o ON o.id = c.org_id "
	    "WHERE r.event_id = ?1 AND r.answer != 'none' "
	    "GROUP BY g ORDER BY count(*) DESC, g", expr);
	rb_rows(b, report_query(c, sql, e->id));
}

/* Rows of (who, when, text) with the time for people in zone tz. */
static void
report_who_when(struct rblock *b, sqlite3_stmt *st, const char *tz)
{
	char when[96];
	const char *row[RB_MAXCOLS];
	int j;

	while (sqlite3_step(st) == SQLITE_ROW) {
		for (j = 0; j < b->ncols; j++)
			row[j] = db_col_text(st, j);
		row[1] = time_format_zone(sqlite3_column_int64(st, 1), tz,
		    "%Y-%m-%d %H:%M", when, sizeof when);
		rb_add(b, row);
	}
	sqlite3_finalize(st);
}

#define WHO "COALESCE(NULLIF(c.name, ''), c.email, i.from_addr, '')"

static void
report_open(struct cli *c, struct rsection *s, const struct event *e)
{
	static const char *const cols[] = { "who", "since",
	    "first line", NULL };
	struct rblock *b = report_block(s, "Open questions", "none", cols);

	b->maxw[0] = 22;
	b->maxw[2] = 36;
	report_who_when(b, report_query(c, "SELECT " WHO ", i.received_at, "
	    "i.subject FROM inbound i LEFT JOIN contact c ON c.id = "
	    "i.contact_id WHERE (i.kind = 'reply' OR ',' || i.flags || ',' "
	    "LIKE '%,needs-answer,%') AND i.handled_at IS NULL "
	    "AND i.campaign_id IN " EVENT_CAMPAIGNS
	    " ORDER BY i.received_at, i.id", e->id), e->tz);
}

static void
report_bounces(struct cli *c, struct rsection *s, const struct event *e)
{
	static const char *const cols[] = { "who", "when", "address",
	    "status", NULL };
	struct rblock *b = report_block(s,
	    "Bounces that need a corrected address", "none", cols);

	b->maxw[0] = 20;
	b->maxw[2] = 28;
	b->maxw[3] = 8;
	/* a bounced invitation whose contact still has the address */
	report_who_when(b, report_query(c, "SELECT COALESCE(NULLIF(c.name, "
	    "''), ''), COALESCE((SELECT max(i.received_at) FROM inbound i "
	    "WHERE i.message_ref = m.id AND i.kind = 'bounce'), m.updated), "
	    "m.rcpt, COALESCE((SELECT i.dsn_status FROM "
	    "inbound i WHERE i.message_ref = m.id AND i.kind = 'bounce' "
	    "ORDER BY i.id DESC LIMIT 1), '') FROM message m LEFT JOIN "
	    "contact c ON c.id = m.contact_id WHERE m.state = 'bounced' AND "
	    "m.kind = 'campaign' AND m.campaign_id IN " EVENT_CAMPAIGNS
	    " AND (c.id IS NULL OR c.email = m.rcpt) ORDER BY m.updated, m.id",
	    e->id), e->tz);
}

static void
report_complaints(struct cli *c, struct rsection *s, const struct event *e)
{
	static const char *const cols[] = { "who", "when",
	    "subject", NULL };
	struct rblock *b = report_block(s, "Complaints", "none", cols);

	b->maxw[0] = 22;
	b->maxw[2] = 36;
	report_who_when(b, report_query(c, "SELECT " WHO ", i.received_at, "
	    "i.subject FROM inbound i LEFT JOIN contact c ON c.id = "
	    "i.contact_id WHERE i.kind = 'complaint' AND i.campaign_id IN "
	    EVENT_CAMPAIGNS " ORDER BY i.received_at, i.id", e->id), e->tz);
}

static void
report_event(struct cli *c, struct report *r, const struct event *e,
    int64_t now)
{
	char title[512], when[128], line[512];
	struct rsection *s;

	snprintf(title, sizeof title, "Event %s: %s", e->name, e->title);
	s = report_section(r, title);
	snprintf(line, sizeof line, "Starts %s%s%s.", e->start_text,
	    *e->location ? " in " : "", e->location);
	s->lines[0] = xstrdup(line);
	snprintf(line, sizeof line, "Made %s; times are in %s.",
	    time_format_people(now, e->tz, c->conf->display_tz, when,
	    sizeof when), time_people_zone(e->tz, c->conf->display_tz));
	s->lines[1] = xstrdup(line);
	report_seats(c, s, e);
	report_funnel(c, s, e);
	report_days(c, s, e);
	report_by(c, s, e, "Answers by country", "country",
	    "COALESCE(NULLIF(c.country, ''), NULLIF(o.country, ''), "
	    "'(not known)')");
	report_by(c, s, e, "Answers by kind of organisation",
	    "organisation kind", "COALESCE(NULLIF(o.kind, ''), '(not known)')");
	report_open(c, s, e);
	report_bounces(c, s, e);
	report_complaints(c, s, e);
}

/* -------------------------------------------------------------- networks */

/* The lists of network ?1: itself when it relays, and its relay lists. */
#define NETWORK_LISTS "(SELECT id FROM list WHERE (id = ?1 AND kind = " \
	"'relay') OR (parent_id = ?1 AND kind = 'relay'))"

static void
report_network(struct cli *c, struct report *r, int64_t id, const char *name,
    const char *kind)
{
	static const char *const lcols[] = { "list", "organisation",
	    "#members", "#posts", "#delivered", "#reached", NULL };
	static const char *const acols[] = { "post", "when", "subject",
	    "#lists", "#reached", NULL };
	char title[512];
	struct rsection *s;
	struct rblock *b;

	snprintf(title, sizeof title, "Network %s (%s list)", name, kind);
	s = report_section(r, title);
	b = report_block(s, "Relay lists", "none", lcols);
	b->maxw[0] = b->maxw[1] = 18;
	rb_rows(b, report_query(c, "SELECT l.name, COALESCE(o.name, ''), "
	    "(SELECT count(*) FROM membership m WHERE m.list_id = l.id AND "
	    " m.role = 'member' AND m.state = 'active'), "
	    "(SELECT count(*) FROM inbound i WHERE i.list_id = l.id AND "
	    " i.kind = 'post'), "
	    "(SELECT count(*) FROM message m WHERE m.list_id = l.id AND "
	    " m.kind = 'relay' AND m.state = 'sent'), "
	    "(SELECT count(DISTINCT m.contact_id) FROM message m WHERE "
	    " m.list_id = l.id AND m.kind = 'relay' AND m.state = 'sent') "
	    "FROM list l LEFT JOIN organisation o ON o.id = l.org_id "
	    "WHERE l.id IN " NETWORK_LISTS " ORDER BY l.id != ?1, l.name", id));
	if (b->nrows > 1) {
		char v[4][32];

		snprintf(v[0], 32, "%lld", (long long)report_count(c,
		    "SELECT count(DISTINCT contact_id) FROM membership WHERE "
		    "role = 'member' AND state = 'active' AND list_id IN "
		    NETWORK_LISTS, id));
		snprintf(v[1], 32, "%lld", (long long)report_count(c,
		    "SELECT count(*) FROM inbound WHERE kind = 'post' AND "
		    "list_id IN " NETWORK_LISTS, id));
		snprintf(v[2], 32, "%lld", (long long)report_count(c,
		    "SELECT count(*) FROM message WHERE kind = 'relay' AND "
		    "state = 'sent' AND list_id IN " NETWORK_LISTS, id));
		snprintf(v[3], 32, "%lld", (long long)report_count(c,
		    "SELECT count(DISTINCT contact_id) FROM message WHERE "
		    "kind = 'relay' AND state = 'sent' AND list_id IN "
		    NETWORK_LISTS, id));
		rb_add(b, (const char *const[]){ "all (once each)", "", v[0],
		    v[1], v[2], v[3] });
	}
	b = report_block(s, "Announcements forwarded down", "none", acols);
	b->maxw[2] = 30;
	report_who_when(b, report_query(c, "SELECT '#' || i.id, i.received_at, "
	    "i.subject, "
	    "(SELECT count(DISTINCT m.list_id) FROM message m WHERE "
	    " m.post_id = i.id AND m.list_id != i.list_id), "
	    "(SELECT count(DISTINCT m.contact_id) FROM message m WHERE "
	    " m.post_id = i.id AND m.list_id != i.list_id AND m.state = 'sent') "
	    "FROM inbound i WHERE i.list_id = ?1 AND i.kind = 'post' AND "
	    "EXISTS (SELECT 1 FROM message m WHERE m.post_id = i.id AND "
	    " m.list_id != i.list_id) ORDER BY i.id", id),
	    out_time_zone());
}

static void
report_networks(struct cli *c, struct report *r)
{
	/* a list with relay lists under it, or a relay list on its own */
	sqlite3_stmt *st = db_prepare(c->db, "SELECT p.id, p.name, p.kind "
	    "FROM list p WHERE EXISTS (SELECT 1 FROM list l WHERE "
	    "l.parent_id = p.id AND l.kind = 'relay') OR (p.kind = 'relay' AND "
	    "(p.parent_id IS NULL OR NOT EXISTS (SELECT 1 FROM list q WHERE "
	    "q.id = p.parent_id))) ORDER BY p.name");

	while (sqlite3_step(st) == SQLITE_ROW)
		report_network(c, r, sqlite3_column_int64(st, 0),
		    db_col_text(st, 1), db_col_text(st, 2));
	sqlite3_finalize(st);
}

static void
report_inbound(struct cli *c, struct report *r)
{
	static const char *const cols[] = { "kind", "#messages", NULL };
	struct rsection *s = report_section(r, "What came in");
	struct rblock *b = report_block(s, "Messages by kind", "none", cols);

	rb_rows(b, db_prepare(c->db, "SELECT kind, count(*) FROM inbound "
	    "GROUP BY kind ORDER BY 2 DESC, 1"));
}

/* ------------------------------------------------------------------ text */

/* s cut to at most w cells, with an ellipsis when cut. */
static const char *
report_clip(const char *s, size_t w, char *buf, size_t len)
{
	size_t n;

	if (text_width(s) <= w)
		return s;
	n = text_fit(s, w - 1);
	if (n + 4 > len)
		n = len - 4;
	snprintf(buf, len, "%.*s\xe2\x80\xa6", (int)n, s);
	return buf;
}

static void
report_text_block(const struct rblock *b)
{
	const char *head[RB_MAXCOLS], *row[RB_MAXCOLS];
	char clip[RB_MAXCOLS][512];
	struct table *t;
	size_t i;
	int j;

	printf("%s\n", b->title);
	if (b->nrows == 0) {
		printf("  %s\n", b->empty ? b->empty : "none");
		return;
	}
	for (j = 0; j < b->ncols; j++)
		head[j] = b->head[j];
	t = table_new(b->ncols, head);
	for (i = 0; i < b->nrows; i++) {
		for (j = 0; j < b->ncols; j++)
			row[j] = b->numeric[j] ? rb_cell(b, i, j) :
			    report_clip(rb_cell(b, i, j), (size_t)b->maxw[j],
			    clip[j], sizeof clip[j]);
		table_add(t, row);
	}
	table_print(t, stdout);
	table_free(&t);
	if (b->note)
		printf("%s\n", b->note);
}

static void
report_text(const struct report *r)
{
	size_t i, k;
	int j;

	printf("herald report, made %s\n", r->made);
	for (i = 0; i < r->nsections; i++) {
		const struct rsection *s = &r->sections[i];
		char clip[512];

		printf("\n%s\n", report_clip(s->title, REPORT_WIDTH, clip,
		    sizeof clip));
		for (j = 0; j < 4 && s->lines[j]; j++)
			printf("%s\n", report_clip(s->lines[j], REPORT_WIDTH,
			    clip, sizeof clip));
		for (k = 0; k < s->nblocks; k++) {
			putchar('\n');
			report_text_block(&s->blocks[k]);
		}
	}
}

/* ------------------------------------------------------------------ main */

static int
report_html(const struct report *r, const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return cli_fail(EX_CANTCREAT, "%s: %s", path, strerror(errno));
	report_write_html(r, f);
	if (ferror(f)) {
		fclose(f);
		return cli_fail(EX_IOERR, "%s: %s", path, strerror(errno));
	}
	if (fclose(f) == EOF)
		return cli_fail(EX_IOERR, "%s: %s", path, strerror(errno));
	printf("report written to %s\n", path);
	return 0;
}

int
cmd_report(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "html", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	const char *html = NULL, *only = NULL;
	struct report r;
	struct event e;
	sqlite3_stmt *st;
	char when[128];
	int64_t now = time_now();
	int ch, rc, found;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		html = optarg;
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (optind < argc)
		only = argv[optind++];
	if (optind != argc)
		return cli_fail(EX_USAGE, "unexpected \"%s\"", argv[optind]);
	if ((rc = cli_open(c)) != 0)
		return rc;
	memset(&r, 0, sizeof r);
	if (only) {
		memset(&e, 0, sizeof e);
		if ((found = event_get(c->db, only, &e)) != 1)
			return found == 0 ? cli_fail(EX_DATAERR,
			    "unknown event \"%s\"", only) :
			    cli_fail(EX_SOFTWARE, "cannot read the events");
		/* the whole report in the event's zone */
		if (*e.tz)
			out_set_time_zone(e.tz);
		report_event(c, &r, &e, now);
		event_clear(&e);
	} else {
		st = db_prepare(c->db, "SELECT id FROM event ORDER BY start_at, "
		    "id");
		while (sqlite3_step(st) == SQLITE_ROW) {
			memset(&e, 0, sizeof e);
			if (event_get_id(c->db, sqlite3_column_int64(st, 0),
			    &e) == 1)
				report_event(c, &r, &e, now);
			event_clear(&e);
		}
		sqlite3_finalize(st);
	}
	report_networks(c, &r);
	report_inbound(c, &r);
	r.made = xstrdup(out_time(now, when, sizeof when));
	rc = html ? report_html(&r, html) : (report_text(&r), 0);
	report_free(&r);
	return rc;
}
