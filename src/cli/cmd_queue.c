/* cmd_queue: "herald queue [--state S]" and "herald queue retry". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/timeutil.h"

static int
queue_state_valid(const char *s)
{
	static const char *const states[] = { "queued", "sending", "sent",
	    "deferred", "failed", "bounced", "uncertain", "cancelled", NULL };
	int i;

	for (i = 0; states[i]; i++)
		if (strcmp(states[i], s) == 0)
			return 1;
	return 0;
}

int
cmd_queue(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "campaign", required_argument, NULL, 'k' },
		CLI_FORMAT_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const cols[] = { "#id", "campaign", "email",
	    "state", "#attempts", "@next_attempt", "last_reply", NULL };
	const char *state = NULL, *camp = NULL;
	sqlite3_stmt *st;
	int ch, rc;

	/* "herald queue retry ..." is its own command */
	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 's': state = optarg; break;
		case 'k': camp = optarg; break;
		case 'J': c->json = 1; break;
		case 'C': c->csv = 1; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (optind != argc)
		return cli_fail(EX_USAGE, "unexpected \"%s\"", argv[optind]);
	if (state && !queue_state_valid(state))
		return cli_fail(EX_USAGE, "--state \"%s\": not a message state",
		    state);
	if ((rc = cli_open(c)) != 0 || (rc = cli_require(c, "campaign", camp)))
		return rc;
	st = db_prepare(c->db, "SELECT m.id, COALESCE(k.name, ''), m.rcpt, "
	    "m.state, m.attempts, NULLIF(m.next_attempt, 0), m.last_reply "
	    "FROM message m LEFT JOIN campaign k ON k.id = m.campaign_id "
	    "WHERE (?1 IS NULL OR m.state = ?1) AND (?2 IS NULL OR k.name = ?2) "
	    "ORDER BY m.id");
	db_bind_text(st, 1, state);
	db_bind_text(st, 2, camp);
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

/*
 * Put messages back in the queue on the organiser's word: an uncertain
 * one (it may have arrived: the organiser decides), a failed or a
 * deferred one (now rather than at its next attempt).
 */
int
cmd_queue_retry(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "failed", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	const char *camp = NULL;
	sqlite3_stmt *st;
	char *end;
	long long id = 0;
	int ch, rc, n;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		camp = optarg;
	if (ch < 0)
		return cli_getopt_exit(ch);
	if ((camp == NULL) == (argc - optind != 1)) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if (camp == NULL) {
		id = strtoll(argv[optind], &end, 10);
		if (*end || id <= 0)
			return cli_fail(EX_USAGE, "\"%s\": a message id",
			    argv[optind]);
	}
	if ((rc = cli_open(c)) != 0 || (rc = cli_require(c, "campaign", camp))
	    || (rc = cli_begin(c)) != 0)
		return rc;
	st = db_prepare(c->db, "UPDATE message SET state = 'queued', "
	    "next_attempt = ?3, first_attempt = NULL, transmitting = 0, "
	    "updated = ?3 WHERE state IN ('failed', 'uncertain', 'deferred') "
	    "AND (?1 = 0 OR id = ?1) AND (?2 IS NULL OR (state = 'failed' AND "
	    "campaign_id = (SELECT id FROM campaign WHERE name = ?2))) "
	    "AND COALESCE((SELECT state FROM campaign k WHERE "
	    "k.id = message.campaign_id), '') != 'cancelled'");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, camp);
	sqlite3_bind_int64(st, 3, time_now());
	rc = db_step_done(c->db, st);
	sqlite3_finalize(st);
	n = sqlite3_changes(c->db->h);
	/* a finished campaign sends again for these */
	if (rc == 0 && n > 0)
		rc = sqlite3_exec(c->db->h, "UPDATE campaign SET state = "
		    "'sending' WHERE state = 'done' AND id IN (SELECT campaign_id "
		    "FROM message WHERE state = 'queued')", NULL, NULL, NULL) ==
		    SQLITE_OK ? 0 : -1;
	if (rc == -1) {
		cli_rollback(c);
		return cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	}
	if (id && n == 0) {
		cli_rollback(c);
		return cli_fail(EX_DATAERR, "message %lld is not failed, "
		    "uncertain or deferred, or its campaign was cancelled", id);
	}
	if ((rc = cli_commit(c)) == 0)
		printf("%d messages queued again\n", n);
	return rc;
}
