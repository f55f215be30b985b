/* cmd_event: "herald event create|ls|show|set". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "lib/text.h"
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
		{ NULL, 0, NULL, 0 }
	};
	struct event e = { 0 };
	const char *start = NULL, *end = NULL, *cap = NULL;
	char b1[32], b2[32];
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 't': e.title = optarg; break;
		case 's': start = optarg; break;
		case 'e': end = optarg; break;
		case 'l': e.location = optarg; break;
		case 'z': e.tz = optarg; break;
		case 'n': cap = optarg; break;
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
	if (event_create(c->db, &e) == -1) {
		cli_rollback(c);
		return errno == EEXIST ? cli_fail(EX_DATAERR, "event \"%s\" "
		    "already exists", e.name) : cli_fail(EX_IOERR,
		    "database: %s", db_errmsg(c->db));
	}
	if ((rc = cli_commit(c)) == 0)
		printf("created event %s: %s to %s\n", e.name,
		    time_format_utc(e.start_at, b1, sizeof b1),
		    time_format_utc(e.end_at, b2, sizeof b2));
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
	    NULL };
	sqlite3_stmt *st = db_prepare(c->db, "SELECT count(*) FROM rsvp "
	    "WHERE event_id = ? AND answer = ?");
	int64_t n[4];
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
		    "waitlist\n", (long long)n[0], (long long)n[1],
		    (long long)n[2], (long long)n[3]);
}

int
cmd_event_show(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = { "name", "state", "template",
	    "@started_at", NULL };
	struct event e;
	sqlite3_stmt *st;
	struct json j;
	char b1[32], b2[32];
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
		printf("start:    %s  (%s)\n", time_format_utc(e.start_at, b1,
		    sizeof b1), e.start_text);
		printf("end:      %s  (%s)\n", time_format_utc(e.end_at, b2,
		    sizeof b2), e.end_text);
		printf("location: %s\n", *e.location ? e.location : "-");
		printf("zone:     %s\n", *e.tz ? e.tz : "local time");
		if (e.capacity >= 0)
			printf("capacity: %lld seats\n", (long long)e.capacity);
		else
			printf("capacity: no limit\n");
	}
	event_answers(c, &j, e.id);
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
		{ NULL, 0, NULL, 0 }
	};
	const char *title = NULL, *start = NULL, *end = NULL, *loc = NULL;
	const char *tz = NULL, *cap = NULL;
	char *old_title, *old_loc, *old_tz, b1[32], b2[32], *endp;
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
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if (!title && !start && !end && !loc && !tz && !cap)
		return cli_usage_error("nothing to change: give --title, "
		    "--start, --end, --location, --tz or --capacity");
	if ((title && (rc = event_text("title", title)) != 0) ||
	    (loc && (rc = event_text("location", loc)) != 0))
		return rc;
	if (title && !*title)
		return cli_fail(EX_DATAERR, "--title: must not be empty");
	if (tz && *tz && !time_zone_valid(tz))
		return cli_fail(EX_DATAERR, "--tz \"%s\": unknown time zone", tz);
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0)
		return rc;
	if ((found = event_get(c->db, argv[optind], &e)) != 1) {
		cli_rollback(c);
		return found == 0 ? cli_fail(EX_DATAERR, "unknown event \"%s\"",
		    argv[optind]) : cli_fail(EX_IOERR, "database: %s",
		    db_errmsg(c->db));
	}
	old_title = e.title;
	old_loc = e.location;
	old_tz = e.tz;
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
	if (rc == 0 && event_update(c->db, &e) == -1)
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	if (rc != 0)
		cli_rollback(c);
	else if ((rc = cli_commit(c)) == 0)
		printf("event %s changed: %s to %s (invitations already sent "
		    "are not updated)\n", e.name, time_format_utc(e.start_at, b1,
		    sizeof b1), time_format_utc(e.end_at, b2, sizeof b2));
	e.title = old_title;
	e.location = old_loc;
	e.tz = old_tz;
	event_clear(&e);
	return rc;
}
