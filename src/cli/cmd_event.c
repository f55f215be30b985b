/* cmd_event: "herald event create|ls|show|set". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "lib/text.h"
#include "lib/token.h"
#include "lib/timeutil.h"
#include "store/event.h"

#define EVENT_TEXT_MAX 512

static int
event_text(const char *opt, const char *v)
{
	const char *why;

	if (!text_header_safe(v, &why))
		return cli_fail(EX_DATAERR, "--%s: %s", opt, why);
	if (strlen(v) > EVENT_TEXT_MAX)
		return cli_fail(EX_DATAERR, "--%s: longer than %d bytes", opt,
		    EVENT_TEXT_MAX);
	return 0;
}

#define EVENT_SEATS_MAX 32

/* --seats FIELD=VALUE:N into the next quota. */
static int
event_seat_arg(const char *v, struct event_seat *q, int *n)
{
	const char *eq = strchr(v, '='), *colon = strrchr(v, ':');
	char *endp;
	size_t fl;

	if (*n >= EVENT_SEATS_MAX)
		return cli_fail(EX_USAGE, "--seats: at most %d categories",
		    EVENT_SEATS_MAX);
	if (eq == NULL || colon == NULL || colon < eq)
		return cli_fail(EX_USAGE, "--seats \"%s\": expected "
		    "FIELD=VALUE:N, e.g. kind=government:40", v);
	fl = (size_t)(eq - v);
	if (!((fl == 4 && strncmp(v, "kind", 4) == 0) ||
	    (fl == 7 && strncmp(v, "country", 7) == 0) ||
	    (fl == 4 && strncmp(v, "role", 4) == 0)))
		return cli_fail(EX_USAGE, "--seats \"%s\": the field is one of "
		    "kind, country, role", v);
	if (colon == eq + 1 || (size_t)(colon - eq - 1) >= sizeof q->value)
		return cli_fail(EX_USAGE, "--seats \"%s\": the value must be 1 "
		    "to %zu bytes", v, sizeof q->value - 1);
	memset(&q[*n], 0, sizeof q[*n]);
	memcpy(q[*n].field, v, fl);
	memcpy(q[*n].value, eq + 1, (size_t)(colon - eq - 1));
	errno = 0;
	q[*n].seats = strtoll(colon + 1, &endp, 10);
	if (errno || *endp || endp == colon + 1 || q[*n].seats < 0 ||
	    q[*n].seats > 1000000)
		return cli_fail(EX_USAGE, "--seats \"%s\": expected a number of "
		    "seats after the colon", v);
	(*n)++;
	return 0;
}

static int
event_expiry_arg(const char *v, int64_t *out)
{
	if (time_parse_duration(v, out) == -1 || *out <= 0)
		return cli_fail(EX_USAGE, "--offer-expiry \"%s\": expected a "
		    "duration such as 3d or 12h", v);
	return 0;
}

static int
event_parse_args(struct event *e, const char *start, const char *end,
    const char *cap)
{
	char *endp;
	int rc;

	if (!text_is_slug(e->name))
		return cli_fail(EX_DATAERR, "event name \"%s\": use a-z, 0-9 "
		    "and -", e->name);
	if ((rc = event_text("title", e->title)) != 0 ||
	    (e->location && (rc = event_text("location", e->location)) != 0))
		return rc;
	if (e->tz && *e->tz && !time_zone_valid(e->tz))
		return cli_fail(EX_DATAERR, "--tz \"%s\": unknown time zone",
		    e->tz);
	if (time_parse(start, e->tz, &e->start_at) == -1)
		return cli_fail(EX_DATAERR, "--start \"%s\": expected a time "
		    "such as 2027-03-02T09:00", start);
	if (time_parse(end, e->tz, &e->end_at) == -1)
		return cli_fail(EX_DATAERR, "--end \"%s\": expected a time "
		    "such as 2027-03-02T17:00", end);
	if (e->end_at < e->start_at)
		return cli_fail(EX_DATAERR, "--end is before --start");
	e->capacity = -1;
	if (e->description && (rc = event_text("description",
	    e->description)) != 0)
		return rc;
	if (cap) {
		errno = 0;
		e->capacity = strtoll(cap, &endp, 10);
		if (errno || *endp || endp == cap || e->capacity < 0 ||
		    e->capacity > 1000000)
			return cli_fail(EX_DATAERR, "--capacity \"%s\": expected "
			    "a number of seats", cap);
	}
	return 0;
}

int
cmd_event_create(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "location", required_argument, NULL, 'l' },
		{ "tz", required_argument, NULL, 'z' },
		{ "capacity", required_argument, NULL, 'n' },
		{ "description", required_argument, NULL, 'd' },
		{ "seats", required_argument, NULL, 'q' },
		{ "offer-expiry", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 }
	};
	struct event e = { 0 };
	struct event_seat seats[EVENT_SEATS_MAX];
	const char *start = NULL, *end = NULL, *cap = NULL;
	char b1[96], b2[96];
	int ch, rc, nseats = 0;
	int64_t id;

	e.offer_expiry = -1;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 't': e.title = optarg; break;
		case 's': start = optarg; break;
		case 'e': end = optarg; break;
		case 'l': e.location = optarg; break;
		case 'z': e.tz = optarg; break;
		case 'n': cap = optarg; break;
		case 'd': e.description = optarg; break;
		case 'q':
			if ((rc = event_seat_arg(optarg, seats, &nseats)) != 0)
				return rc;
			break;
		case 'x':
			if ((rc = event_expiry_arg(optarg, &e.offer_expiry)) != 0)
				return rc;
			break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1 || !e.title || !start || !end) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	e.name = argv[optind];
	if ((rc = event_parse_args(&e, start, end, cap)) != 0)
		return rc;
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0)
		return rc;
	if ((id = event_create(c->db, &e)) == -1 ||
	    event_seats_replace(c->db, id, seats, nseats) == -1) {
		cli_rollback(c);
		return errno == EEXIST ? cli_fail(EX_DATAERR, "event \"%s\" "
		    "already exists", e.name) : cli_fail(EX_IOERR,
		    "database: %s", db_errmsg(c->db));
	}
	if ((rc = cli_commit(c)) == 0) {
		out_set_time_zone(e.tz);
		printf("created event %s: %s to %s\n", e.name,
		    out_time(e.start_at, b1, sizeof b1),
		    out_time(e.end_at, b2, sizeof b2));
	}
	return rc;
}

int
cmd_event_ls(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = { "name", "title", "@start", "@end",
	    "location", "tz", "#capacity", NULL };
	sqlite3_stmt *st;
	int ch, rc;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if ((rc = cli_open(c)) != 0)
		return rc;
	st = db_prepare(c->db, "SELECT name, title, start_at, end_at, "
	    "location, tz, capacity FROM event ORDER BY start_at");
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

/* The seats taken and the answers so far, for event show. */
static void
event_answers(struct cli *c, struct json *j, int64_t id)
{
	static const char *const kinds[] = { "yes", "no", "maybe", "waitlist",
	    "offered", NULL };
	sqlite3_stmt *st = db_prepare(c->db, "SELECT count(*) FROM rsvp "
	    "WHERE event_id = ? AND answer = ?");
	int64_t n[5];
	int i;

	for (i = 0; kinds[i]; i++) {
		sqlite3_bind_int64(st, 1, id);
		db_bind_text(st, 2, kinds[i]);
		n[i] = sqlite3_step(st) == SQLITE_ROW ?
		    sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (c->json) {
		json_key(j, "answers");
		json_open(j, '{');
		for (i = 0; kinds[i]; i++)
			json_kint(j, kinds[i], n[i]);
		json_close(j, '}');
	} else
		printf("answers:  %lld yes, %lld no, %lld maybe, %lld on the "
		    "waitlist, %lld offered a seat\n", (long long)n[0],
		    (long long)n[1], (long long)n[2], (long long)n[3],
		    (long long)n[4]);
}

/* Seats per category: taken (yes), offered, left, waiting. */
static void
event_seats(struct cli *c, struct json *j, int64_t id)
{
	sqlite3_stmt *st = db_prepare(c->db, EVENT_SEATS_SQL);
	int first = 1;

	sqlite3_bind_int64(st, 1, id);
	if (c->json) {
		json_key(j, "seats");
		json_open(j, '[');
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t quota = sqlite3_column_int64(st, 1);
		int64_t yes = sqlite3_column_int64(st, 2);
		int64_t off = sqlite3_column_int64(st, 3);
		int64_t wait = sqlite3_column_int64(st, 4);
		int64_t left = quota - yes - off;

		if (left < 0)
			left = 0;
		if (c->json) {
			json_open(j, '{');
			json_kstr(j, "category", db_col_text(st, 0));
			json_kint(j, "seats", quota);
			json_kint(j, "taken", yes);
			json_kint(j, "offered", off);
			json_kint(j, "left", left);
			json_kint(j, "waitlist", wait);
			json_close(j, '}');
			continue;
		}
		if (first)
			printf("seats:    %-28s %6s %6s %7s %5s %8s\n", "category",
			    "quota", "taken", "offered", "left", "waiting");
		first = 0;
		printf("          %-28s %6lld %6lld %7lld %5lld %8lld\n",
		    db_col_text(st, 0), (long long)quota, (long long)yes,
		    (long long)off, (long long)left, (long long)wait);
	}
	sqlite3_finalize(st);
	if (c->json)
		json_close(j, ']');
}

int
cmd_event_show(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = { "name", "state", "template",
	    "@started_at", NULL };
	struct event e;
	sqlite3_stmt *st;
	struct json j;
	char b1[96], b2[96];
	int ch, rc, found;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0)
		return rc;
	if ((found = event_get(c->db, argv[optind], &e)) != 1)
		return found == 0 ? cli_fail(EX_DATAERR, "unknown event \"%s\"",
		    argv[optind]) : cli_fail(EX_IOERR, "database: %s",
		    db_errmsg(c->db));
	json_init(&j, stdout);
	if (c->json) {
		json_open(&j, '{');
		json_kstr(&j, "name", e.name);
		json_kstr(&j, "title", e.title);
		json_ktime(&j, "start", e.start_at);
		json_ktime(&j, "end", e.end_at);
		json_kstr(&j, "start_local", e.start_text);
		json_kstr(&j, "end_local", e.end_text);
		json_kstr(&j, "location", *e.location ? e.location : NULL);
		json_kstr(&j, "tz", *e.tz ? e.tz : NULL);
		json_key(&j, "capacity");
		if (e.capacity >= 0)
			json_int(&j, e.capacity);
		else
			json_null(&j);
	} else {
		printf("%s: %s\n", e.name, e.title);
		out_set_time_zone(e.tz);
		printf("start:    %s\n", out_time(e.start_at, b1, sizeof b1));
		printf("end:      %s\n", out_time(e.end_at, b2, sizeof b2));
		printf("location: %s\n", *e.location ? e.location : "-");
		printf("zone:     %s\n", *e.tz ? e.tz : "local time");
		if (e.capacity >= 0)
			printf("capacity: %lld seats\n", (long long)e.capacity);
		else
			printf("capacity: no limit\n");
	}
	if (c->json) {
		json_key(&j, "offer_expiry");
		if (e.offer_expiry >= 0)
			json_int(&j, e.offer_expiry);
		else
			json_null(&j);
		json_kstr(&j, "description", e.description);
	} else {
		if (*e.description)
			printf("about:    %s\n", e.description);
		int64_t x = e.offer_expiry < 0 ? 3 * 86400 : e.offer_expiry;

		printf("offers:   to confirm within %lld%s%s\n", (long long)(
		    x % 86400 == 0 ? x / 86400 : x % 3600 == 0 ? x / 3600 :
		    x % 60 == 0 ? x / 60 : x), x % 86400 == 0 ? "d" :
		    x % 3600 == 0 ? "h" : x % 60 == 0 ? "m" : "s",
		    e.offer_expiry < 0 ? " (made only with --seats)" : "");
	}
	event_answers(c, &j, e.id);
	event_seats(c, &j, e.id);
	st = db_prepare(c->db, "SELECT name, state, template, started_at "
	    "FROM campaign WHERE event_id = ? ORDER BY created, name");
	sqlite3_bind_int64(st, 1, e.id);
	if (c->json) {
		json_key(&j, "campaigns");
		cli_json_rows(&j, st, cols);
		json_close(&j, '}');
	} else {
		printf("\ncampaigns:\n");
		cli_print_rows(c, st, cols);
	}
	sqlite3_finalize(st);
	event_clear(&e);
	return 0;
}

int
cmd_event_set(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "location", required_argument, NULL, 'l' },
		{ "tz", required_argument, NULL, 'z' },
		{ "capacity", required_argument, NULL, 'n' },
		{ "description", required_argument, NULL, 'd' },
		{ "seats", required_argument, NULL, 'q' },
		{ "offer-expiry", required_argument, NULL, 'x' },
		{ "template", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	const char *tmpl = EVENT_UPDATE_TEMPLATE;
	struct token_key key;
	char kerr[256];
	int64_t seq;
	long told = 0;
	int changed = 0;
	struct event_seat seats[EVENT_SEATS_MAX];
	const char *desc = NULL;
	char *old_desc;
	int nseats = 0;
	int64_t expiry = -1;
	const char *title = NULL, *start = NULL, *end = NULL, *loc = NULL;
	const char *tz = NULL, *cap = NULL;
	char *old_title, *old_loc, *old_tz, b1[96], b2[96], *endp;
	struct event e;
	int ch, rc, found;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 't': title = optarg; break;
		case 's': start = optarg; break;
		case 'e': end = optarg; break;
		case 'l': loc = optarg; break;
		case 'z': tz = optarg; break;
		case 'n': cap = optarg; break;
		case 'd': desc = optarg; break;
		case 'T': tmpl = optarg; break;
		case 'q':
			if ((rc = event_seat_arg(optarg, seats, &nseats)) != 0)
				return rc;
			break;
		case 'x':
			if ((rc = event_expiry_arg(optarg, &expiry)) != 0)
				return rc;
			break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if (!title && !start && !end && !loc && !tz && !cap && !desc &&
	    !nseats && expiry < 0)
		return cli_usage_error("nothing to change: give --title, "
		    "--start, --end, --location, --tz, --description, "
		    "--capacity, --seats or --offer-expiry");
	if (desc && (rc = event_text("description", desc)) != 0)
		return rc;
	if ((title && (rc = event_text("title", title)) != 0) ||
	    (loc && (rc = event_text("location", loc)) != 0))
		return rc;
	if (title && !*title)
		return cli_fail(EX_DATAERR, "--title: must not be empty");
	if (tz && *tz && !time_zone_valid(tz))
		return cli_fail(EX_DATAERR, "--tz \"%s\": unknown time zone", tz);
	if (!text_is_slug(tmpl))
		return cli_fail(EX_USAGE, "--template \"%s\": a template name",
		    tmpl);
	if ((rc = cli_open(c)) != 0)
		return rc;
	if (token_key_load(&key, c->conf->secret_file, kerr, sizeof kerr) == -1)
		return cli_fail(EX_CONFIG, "%s", kerr);
	if ((rc = cli_begin(c)) != 0)
		return rc;
	if ((found = event_get(c->db, argv[optind], &e)) != 1) {
		cli_rollback(c);
		return found == 0 ? cli_fail(EX_DATAERR, "unknown event \"%s\"",
		    argv[optind]) : cli_fail(EX_IOERR, "database: %s",
		    db_errmsg(c->db));
	}
	if (e.cancelled_at) {
		cli_rollback(c);
		rc = cli_fail(EX_DATAERR, "event \"%s\" is cancelled", e.name);
		event_clear(&e);
		return rc;
	}
	old_title = e.title;
	old_loc = e.location;
	old_tz = e.tz;
	old_desc = e.description;
	if (desc)
		e.description = (char *)desc;
	if (expiry > 0)
		e.offer_expiry = expiry;
	if (title)
		e.title = (char *)title;
	if (loc)
		e.location = (char *)loc;
	if (tz)
		e.tz = (char *)tz;
	rc = 0;
	if (start && time_parse(start, e.tz, &e.start_at) == -1)
		rc = cli_fail(EX_DATAERR, "--start \"%s\": expected a time such "
		    "as 2027-03-02T09:00", start);
	else if (end && time_parse(end, e.tz, &e.end_at) == -1)
		rc = cli_fail(EX_DATAERR, "--end \"%s\": expected a time such "
		    "as 2027-03-02T17:00", end);
	else if (e.end_at < e.start_at)
		rc = cli_fail(EX_DATAERR, "the end (%s) would be before the "
		    "start (%s)", time_format_utc(e.end_at, b2, sizeof b2),
		    time_format_utc(e.start_at, b1, sizeof b1));
	else if (cap && strcmp(cap, "none") == 0)
		e.capacity = -1;
	else if (cap) {
		errno = 0;
		e.capacity = strtoll(cap, &endp, 10);
		if (errno || *endp || endp == cap || e.capacity < 0 ||
		    e.capacity > 1000000)
			rc = cli_fail(EX_DATAERR, "--capacity \"%s\": expected a "
			    "number of seats or none", cap);
	}
	seq = e.sequence;
	/* a change that matters raises SEQUENCE: everyone invited who has
	 * not declined gets the new calendar entry */
	if (rc == 0 && (event_update(c->db, &e) == -1 || (nseats &&
	    event_seats_replace(c->db, e.id, seats, nseats) == -1) ||
	    ((changed = db_int_query(c->db, "SELECT sequence FROM event "
	    "WHERE name = ?", e.name) != seq) &&
	    (told = event_tell(c->db, e.id, tmpl, &key,
	    c->conf->sender_domain)) < 0)))
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	if (rc != 0)
		cli_rollback(c);
	else if ((rc = cli_commit(c)) == 0) {
		out_set_time_zone(e.tz);
		printf("event %s changed: %s to %s\n", e.name,
		    out_time(e.start_at, b1, sizeof b1),
		    out_time(e.end_at, b2, sizeof b2));
		if (told > 0)
			printf("%s: %ld updates queued (template \"%s\")\n",
			    e.name, told, tmpl);
		else
			printf("%s: invitations already sent are not updated: "
			    "%s\n", e.name, changed ? "none was sent to anyone "
			    "who has not declined" : "not a calendar change");
	}
	e.title = old_title;
	e.location = old_loc;
	e.tz = old_tz;
	e.description = old_desc;
	event_clear(&e);
	return rc;
}

int
cmd_event_cancel(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "template", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	const char *tmpl = EVENT_CANCEL_TEMPLATE;
	struct token_key key;
	struct event e;
	char kerr[256];
	int ch, rc, found;
	long told = 0;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		if (ch == 'T')
			tmpl = optarg;
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if (!text_is_slug(tmpl))
		return cli_fail(EX_USAGE, "--template \"%s\": a template name",
		    tmpl);
	if ((rc = cli_open(c)) != 0)
		return rc;
	if (token_key_load(&key, c->conf->secret_file, kerr, sizeof kerr) == -1)
		return cli_fail(EX_CONFIG, "%s", kerr);
	if ((rc = cli_begin(c)) != 0)
		return rc;
	if ((found = event_get(c->db, argv[optind], &e)) != 1) {
		cli_rollback(c);
		return found == 0 ? cli_fail(EX_DATAERR, "unknown event \"%s\"",
		    argv[optind]) : cli_fail(EX_IOERR, "database: %s",
		    db_errmsg(c->db));
	}
	if (e.cancelled_at)
		rc = cli_fail(EX_DATAERR, "event \"%s\" is already cancelled",
		    e.name);
	else if (event_cancel(c->db, e.id, time_now()) == -1 ||
	    (told = event_tell(c->db, e.id, tmpl, &key,
	    c->conf->sender_domain)) < 0)
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	if (rc != 0)
		cli_rollback(c);
	else if ((rc = cli_commit(c)) == 0)
		printf("event %s cancelled: %ld cancellations queued (template "
		    "\"%s\")\n", e.name, told, tmpl);
	event_clear(&e);
	return rc;
}

void
cli_event_zone(struct cli *c, int64_t event_id)
{
	struct event e;

	if (event_id == 0 || event_get_id(c->db, event_id, &e) != 1)
		return;
	out_set_time_zone(e.tz);
	event_clear(&e);
}
