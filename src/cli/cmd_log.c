/* cmd_log: "herald log" and "herald log add". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "store/activity.h"
#include "store/contact.h"

#define LOG_NOTE_MAX 4000

int
cmd_log_add(struct cli *c, int argc, char **argv)
{
	struct activity a = { 0 };
	struct contact ct;
	const char *why;
	char *email;
	int ch, rc, found;

	if ((ch = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 2) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if (!text_header_safe(argv[optind + 1], &why))
		return cli_fail(EX_DATAERR, "note: %s (one line of text)", why);
	if (strlen(argv[optind + 1]) > LOG_NOTE_MAX || !*argv[optind + 1])
		return cli_fail(EX_DATAERR, "note: empty or longer than %d bytes",
		    LOG_NOTE_MAX);
	if ((email = addr_normalize(argv[optind], &why)) == NULL)
		return cli_fail_addr("", argv[optind], why);
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0) {
		free(email);
		return rc;
	}
	contact_init(&ct);
	found = contact_get(c->db, email, &ct);
	free(email);
	if (found != 1) {
		cli_rollback(c);
		return cli_fail(EX_DATAERR, "%s: no such contact", argv[optind]);
	}
	a.direction = "note";
	a.kind = "note";
	a.contact_id = ct.id;
	a.summary = argv[optind + 1];
	if (activity_add(c->db, &a) == -1) {
		cli_rollback(c);
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	} else if ((rc = cli_commit(c)) == 0)
		printf("noted for %s\n", ct.email);
	contact_clear(&ct);
	return rc;
}

/*
 * Filters of "herald log": option letter, SQL fragment; filter i binds
 * parameter i + 1. An organisation's log is its people's and its
 * network's: what went through the lists it runs, whoever the member.
 */
static const struct {
	int opt;
	const char *sql;
} log_filters[] = {
	{ 'e', " AND c.email = ?1" },
	{ 'o', " AND (o.name = ?2 OR lo.name = ?2)" },
	{ 'l', " AND l.name = ?3" },
	{ 'k', " AND k.name = ?4" },
	{ 's', " AND a.at >= ?5" },
};

#define NLOGFILTERS (sizeof log_filters / sizeof log_filters[0])

int
cmd_log(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "contact", required_argument, NULL, 'e' },
		{ "org", required_argument, NULL, 'o' },
		{ "list", required_argument, NULL, 'l' },
		{ "campaign", required_argument, NULL, 'k' },
		{ "since", required_argument, NULL, 's' },
		CLI_FORMAT_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const cols[] = { "@at", "direction", "kind",
	    "contact", "organisation", "list", "campaign", "summary", NULL };
	const char *vals[NLOGFILTERS] = { 0 };
	char *email = NULL;
	int64_t since = 0;
	struct buf sql;
	sqlite3_stmt *st;
	const char *why;
	size_t i;
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0) {
		c->json |= ch == 'J';
		c->csv |= ch == 'C';
		for (i = 0; i < NLOGFILTERS; i++)
			if (ch == log_filters[i].opt)
				vals[i] = optarg;
	}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (optind != argc)
		return cli_fail(EX_USAGE, "unexpected \"%s\"", argv[optind]);
	if (vals[4] && time_parse(vals[4], NULL, &since) == -1 &&
	    time_parse_duration(vals[4], &since) == -1)
		return cli_fail(EX_USAGE, "--since \"%s\": a TIME or a DURATION "
		    "such as 7d", vals[4]);
	if (vals[4] && since < 1000000000)	/* a duration: that long ago */
		since = time_now() - since;
	if (vals[0] && (email = addr_normalize(vals[0], &why)) == NULL)
		return cli_fail_addr("--contact ", vals[0], why);
	if ((rc = cli_open(c)) != 0 ||
	    (rc = cli_require(c, "contact", email)) != 0 ||
	    (rc = cli_require(c, "organisation", vals[1])) != 0 ||
	    (rc = cli_require(c, "list", vals[2])) != 0 ||
	    (rc = cli_require(c, "campaign", vals[3])) != 0) {
		free(email);
		return rc;
	}
	buf_init(&sql, 1 << 14);
	buf_adds(&sql, "SELECT a.at, a.direction, a.kind, COALESCE(c.email, ''),"
	    " COALESCE(o.name, ''), COALESCE(l.name, ''), COALESCE(k.name, ''),"
	    " a.summary FROM contact_log a"
	    " LEFT JOIN contact c ON c.id = a.contact_id"
	    " LEFT JOIN organisation o ON o.id = a.org_id"
	    " LEFT JOIN list l ON l.id = a.list_id"
	    " LEFT JOIN organisation lo ON lo.id = l.org_id"
	    " LEFT JOIN campaign k ON k.id = a.campaign_id WHERE 1");
	for (i = 0; i < NLOGFILTERS; i++)
		if (vals[i])
			buf_adds(&sql, log_filters[i].sql);
	buf_adds(&sql, " ORDER BY a.at, a.message_ref, a.id");
	st = db_prepare(c->db, sql.data);
	for (i = 0; i < NLOGFILTERS; i++) {
		if (vals[i] == NULL)
			continue;
		if (i == 0)
			db_bind_text(st, i + 1, email);
		else if (i == 4)
			sqlite3_bind_int64(st, i + 1, since);
		else
			db_bind_text(st, i + 1, vals[i]);
	}
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	buf_free(&sql);
	free(email);
	return 0;
}
