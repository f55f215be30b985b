/* cmd_moderate: "herald moderate [LIST]", "approve ID", "reject ID". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/text.h"
#include "lib/token.h"
#include "mail/relay.h"
#include "store/activity.h"
#include "in/hold.h"
#include "send/fanout.h"

int
cmd_moderate(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = { "#id", "list", "from", "subject",
	    "why", "@received_at", NULL };
	sqlite3_stmt *st;
	int ch, rc;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if (argc - optind > 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0 || (rc = cli_require(c, "list",
	    optind < argc ? argv[optind] : NULL)) != 0)
		return rc;
	st = db_prepare(c->db, "SELECT i.id, l.name, i.from_addr, i.subject, "
	    "i.detail, i.received_at FROM inbound i JOIN list l "
	    "ON l.id = i.list_id WHERE i.held_state = 'held' "
	    "AND (?1 IS NULL OR l.name = ?1) ORDER BY i.id");
	db_bind_text(st, 1, optind < argc ? argv[optind] : NULL);
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

/* The held post ID: its list, poster and whether only its header was
 * read; 0 or an exit code. */
static int
moderate_held(struct cli *c, const char *arg, int64_t *id, int64_t *list,
    char *from, size_t flen, int *oversize)
{
	sqlite3_stmt *st;
	char *end;

	*id = strtoll(arg, &end, 10);
	if (*end || *id <= 0)
		return cli_fail(EX_USAGE, "\"%s\": a held post's id", arg);
	st = db_prepare(c->db, "SELECT list_id, from_addr, instr(flags, "
	    "'oversize') > 0 OR size > ?2 FROM inbound WHERE id = ?1 AND "
	    "held_state = 'held'");
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_int64(st, 2, RELAY_POST_MAX);
	*list = 0;
	*oversize = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*list = sqlite3_column_int64(st, 0);
		snprintf(from, flen, "%s", db_col_text(st, 1));
		*oversize = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	return *list ? 0 : cli_fail(EX_DATAERR, "no held post %s", arg);
}

/*
 * Record the decision; a reason (NULL: keep the detail) goes to the
 * poster's notice, which render_auto reads from the detail.
 */
/*
 * Open, read the token secret, begin, and find held post arg: 0 inside
 * the transaction, or an exit code with nothing begun.
 */
static int
moderate_begin(struct cli *c, const char *arg, struct token_key *key,
    int64_t *id, int64_t *list, char *from, size_t flen, int *oversize)
{
	char err[1024];
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	if (token_key_load(key, c->conf->secret_file, err, sizeof err) == -1)
		return cli_fail(EX_CONFIG, "%s", err);
	if ((rc = cli_begin(c)) != 0)
		return rc;
	if ((rc = moderate_held(c, arg, id, list, from, flen, oversize)) != 0)
		cli_rollback(c);
	return rc;
}

static int
moderate_decide(struct cli *c, int64_t id, const char *state,
    const char *reason)
{
	sqlite3_stmt *st = db_prepare(c->db, "UPDATE inbound SET held_state = ?, "
	    "detail = COALESCE(?, detail) WHERE id = ?");
	int rc;

	db_bind_text(st, 1, state);
	db_bind_text(st, 2, reason);
	sqlite3_bind_int64(st, 3, id);
	rc = db_step_done(c->db, st);
	sqlite3_finalize(st);
	return rc;
}

static void
moderate_log(struct cli *c, int64_t id, int64_t list, const char *what)
{
	struct activity a = { 0 };

	a.direction = "note";
	a.kind = "moderation";
	a.list_id = list;
	a.inbound_ref = id;
	a.summary = what;
	activity_add(c->db, &a);
}

int
cmd_moderate_approve(struct cli *c, int argc, char **argv)
{
	struct token_key key;
	char from[320], what[200];
	int64_t id, list;
	long n;
	int ch, rc, oversize;

	if ((ch = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = moderate_begin(c, argv[optind], &key, &id, &list, from,
	    sizeof from, &oversize)) != 0)
		return rc;
	if (oversize) {
		cli_rollback(c);
		return cli_fail(EX_DATAERR, "held post %s is over 3 MB (or only "
		    "its header was read): it cannot be relayed (reject it, "
		    "with a reason)", argv[optind]);
	}
	if (moderate_decide(c, id, "approved", NULL) == -1 ||
	    (n = fanout_relay(c->db, id, list, from, &key,
	    c->conf->sender_domain)) < 0) {
		cli_rollback(c);
		return cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	}
	snprintf(what, sizeof what, "held post %lld approved: %ld copies",
	    (long long)id, n);
	moderate_log(c, id, list, what);
	if ((rc = cli_commit(c)) == 0)
		printf("%s\n", what);
	return rc;
}

int
cmd_moderate_reject(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *reason = "", *why;
	struct token_key key;
	char from[320], what[400];
	int64_t id, list;
	int ch, rc, oversize;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		reason = optarg;
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if (*reason && !text_header_safe(reason, &why))
		return cli_fail(EX_DATAERR, "--reason: %s (one line)", why);
	if ((rc = moderate_begin(c, argv[optind], &key, &id, &list, from,
	    sizeof from, &oversize)) != 0)
		return rc;
	snprintf(what, sizeof what, "held post %lld from %s rejected%s%s",
	    (long long)id, from, *reason ? ": " : "", reason);
	if (moderate_decide(c, id, "rejected", reason) == -1 ||
	    hold_tell_poster(c->db, &key, c->conf->sender_domain, list, id,
	    from, "held-rejected") == -1) {
		cli_rollback(c);
		return cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	}
	moderate_log(c, id, list, what);
	if ((rc = cli_commit(c)) == 0)
		printf("%s\n", what);
	return rc;
}
