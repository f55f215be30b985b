/* cmd_queue: "herald queue [--state S]" and "herald queue retry". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/campaign_int.h"
#include "cli/cli.h"
#include "lib/timeutil.h"
#include "store/queue.h"

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
	    "state", "#attempts", "@next_attempt", "server", "last_reply",
	    NULL };
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
	if (state && !queue_state_valid(state)) {
		static const char *const states[] = { QUEUE_S_QUEUED,
		    QUEUE_S_SENDING, QUEUE_S_SENT, QUEUE_S_DEFERRED,
		    QUEUE_S_FAILED, QUEUE_S_BOUNCED, QUEUE_S_UNCERTAIN,
		    QUEUE_S_CANCELLED, NULL };

		return cli_check_enum("--state", state, states);
	}
	if ((rc = cli_open(c)) != 0 || (rc = cli_require(c, "campaign", camp)))
		return rc;
	st = db_prepare(c->db, "SELECT m.id, COALESCE(k.name, ''), m.rcpt, "
	    "m.state, m.attempts, NULLIF(m.next_attempt, 0), m.server, "
	    "m.last_reply "
	    "FROM message m LEFT JOIN campaign k ON k.id = m.campaign_id "
	    "WHERE (?1 IS NULL OR m.state = ?1) AND (?2 IS NULL OR k.name = ?2) "
	    "ORDER BY m.id");
	db_bind_text(st, 1, state);
	db_bind_text(st, 2, camp);
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

/* Which messages a retry takes back. */
struct retry_sel {
	long long id;		/* one message, or 0 */
	const char *camp;	/* or the failed/uncertain ones of a campaign */
	const char *state;	/* "failed" or "uncertain" with camp */
};

/* The rows of sel, in a statement whose ?1 ?2 ?3 are bound by retry_bind. */
#define RETRY_WHERE \
	"m.state IN ('failed', 'uncertain', 'deferred') " \
	"AND (?1 = 0 OR m.id = ?1) AND (?2 IS NULL OR (m.state = ?3 AND " \
	"m.campaign_id = (SELECT id FROM campaign WHERE name = ?2))) " \
	"AND COALESCE((SELECT state FROM campaign k WHERE " \
	"k.id = m.campaign_id), '') != 'cancelled'"

static void
retry_bind(sqlite3_stmt *st, const struct retry_sel *sel)
{
	sqlite3_bind_int64(st, 1, sel->id);
	db_bind_text(st, 2, sel->camp);
	db_bind_text(st, 3, sel->state);
}

/* --uncertain CAMPAIGN --list: what a retry would send again. */
static int
retry_list(struct cli *c, const struct retry_sel *sel)
{
	static const char *const cols[] = { "#id", "email", "#attempts",
	    "@updated", "last_reply", NULL };
	sqlite3_stmt *st = db_prepare(c->db, "SELECT m.id, m.rcpt, "
	    "m.attempts, m.updated, m.last_reply FROM message m WHERE "
	    RETRY_WHERE " ORDER BY m.id");

	retry_bind(st, sel);
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

/*
 * The templates the messages of sel are made from must parse: a retry
 * of what cannot be made would only fail again. 0 or 65 (errors said).
 */
static int
retry_check_templates(struct cli *c, const struct retry_sel *sel)
{
	sqlite3_stmt *st = db_prepare(c->db, "SELECT DISTINCT "
	    "COALESCE(m.template, f.template, k.template) FROM message m "
	    "LEFT JOIN followup f ON f.id = m.followup_id "
	    "LEFT JOIN campaign k ON k.id = m.campaign_id WHERE " RETRY_WHERE
	    " AND m.kind NOT IN ('relay', 'auto') AND COALESCE(m.template, "
	    "f.template, k.template) IS NOT NULL LIMIT 64");
	char *names[64];
	size_t n = 0, i;
	int rc;

	retry_bind(st, sel);
	while (sqlite3_step(st) == SQLITE_ROW && n < 64)
		names[n++] = db_col_dup(st, 0);
	sqlite3_finalize(st);
	rc = campcheck_templates(c, (const char *const *)names, n);
	for (i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

/* How many messages sel takes back now (read only, before asking). */
static long
retry_count(struct cli *c, const struct retry_sel *sel)
{
	sqlite3_stmt *st = db_prepare(c->db, "SELECT count(*) FROM message m "
	    "WHERE " RETRY_WHERE);
	long n = -1;

	retry_bind(st, sel);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Queue them again, in the caller's transaction; the count or -1. */
static long
retry_apply(struct cli *c, const struct retry_sel *sel)
{
	sqlite3_stmt *st = db_prepare(c->db, "UPDATE message AS m SET "
	    "state = 'queued', next_attempt = ?4, first_attempt = NULL, "
	    "transmitting = 0, updated = ?4 WHERE " RETRY_WHERE);
	long n;
	int rc;

	retry_bind(st, sel);
	sqlite3_bind_int64(st, 4, time_now());
	rc = db_step_done(c->db, st);
	sqlite3_finalize(st);
	n = sqlite3_changes(c->db->h);
	/* a finished campaign sends again for these */
	if (rc == 0 && n > 0)
		rc = sqlite3_exec(c->db->h, "UPDATE campaign SET state = "
		    "'sending' WHERE state = 'done' AND id IN (SELECT campaign_id "
		    "FROM message WHERE state = 'queued')", NULL, NULL, NULL) ==
		    SQLITE_OK ? 0 : -1;
	return rc == -1 ? -1 : n;
}

/*
 * ID | --failed CAMPAIGN | --uncertain CAMPAIGN, into sel. 0, an exit
 * code, or -1 when --help was answered (exit 0).
 */
static int
retry_args(struct cli *c, int argc, char **argv, struct retry_sel *sel,
    int *list, int *yes)
{
	static const struct option opts[] = {
		{ "failed", required_argument, NULL, 'f' },
		{ "uncertain", required_argument, NULL, 'u' },
		{ "list", no_argument, NULL, 'l' },
		{ "yes", no_argument, NULL, 'y' },
		CLI_FORMAT_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int ch, picks = 0;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 'f':
		case 'u':
			sel->camp = optarg;
			sel->state = ch == 'f' ? "failed" : "uncertain";
			picks++;
			break;
		case 'l': *list = 1; break;
		case 'y': *yes = 1; break;
		case 'J': c->json = 1; break;
		case 'C': c->csv = 1; break;
		}
	if (ch < 0)
		return ch == -2 ? -1 : cli_getopt_exit(ch);
	picks += argc - optind;
	/* --yes goes with anything: scripts may pass it always */
	if (picks != 1 || ((*list || c->json || c->csv) &&
	    (sel->state == NULL || strcmp(sel->state, "uncertain") != 0)) ||
	    (!*list && (c->json || c->csv))) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if (sel->camp == NULL) {
		sel->id = strtoll(argv[optind], &end, 10);
		if (*end || sel->id <= 0)
			return cli_fail(EX_USAGE, "\"%s\": a message id",
			    argv[optind]);
	}
	return 0;
}

/*
 * Put messages back in the queue on the organiser's word: an uncertain
 * one (it may have arrived: the organiser decides), all the uncertain
 * ones of a campaign (after the organiser decided, say when a power cut
 * left many), a failed or a deferred one (now rather than at its next
 * attempt).
 */
int
cmd_queue_retry(struct cli *c, int argc, char **argv)
{
	struct retry_sel sel = { 0, NULL, NULL };
	int rc, list = 0, yes = 0;
	long n;

	if ((rc = retry_args(c, argc, argv, &sel, &list, &yes)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = cli_open(c)) != 0 ||
	    (rc = cli_require(c, "campaign", sel.camp)) != 0)
		return rc;
	if (list)
		return retry_list(c, &sel);
	if ((rc = retry_check_templates(c, &sel)) != 0)
		return rc;
	/* asked outside the transaction: a person may take their time */
	if (sel.camp && strcmp(sel.state, "uncertain") == 0 &&
	    (n = retry_count(c, &sel)) > 0 && !cli_confirm(yes, "%ld "
	    "uncertain messages of campaign \"%s\" may have arrived "
	    "already.\nSend them again?", n, sel.camp)) {
		fprintf(stderr, "herald: nothing queued again\n");
		return 1;
	}
	if ((rc = cli_begin(c)) != 0)
		return rc;
	if ((n = retry_apply(c, &sel)) < 0) {
		cli_rollback(c);
		return cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	}
	if (sel.id && n == 0) {
		cli_rollback(c);
		return cli_fail(EX_DATAERR, "message %lld is not failed, "
		    "uncertain or deferred, or its campaign was cancelled",
		    sel.id);
	}
	if ((rc = cli_commit(c)) == 0)
		printf("%ld messages queued again\n", n);
	return rc;
}
