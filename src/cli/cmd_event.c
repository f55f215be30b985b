/* cmd_event: "herald event create|ls". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
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
