/* cmd_campaign: "herald campaign create|send|delete|pause|resume|cancel|
 * ls|followup"; preview, status and show are in cmd_campaign_view.c,
 * check and test in cmd_campaign_check.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/campaign_int.h"
#include "cli/cli.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "lib/addr.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "lib/token.h"
#include "lib/xmalloc.h"
#include "send/followup.h"
#include "send/render.h"
#include "store/campaign.h"
#include "store/contact.h"
#include "store/event.h"
#include "store/filter.h"
#include "store/list.h"
#include "tmpl/tmpl.h"

static int
campaign_lookup(struct cli *c, const char *name, struct campaign *k)
{
	int found = campaign_get(c->db, name, k);

	if (found == 1) {
		cli_event_zone(c, k->event_id);
		return 0;
	}
	return found == 0 ? cli_fail(EX_DATAERR, "unknown campaign \"%s\"",
	    name) : cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
}

/* Operands: exactly one NAME after the options. */
static int
campaign_one_name(int argc)
{
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	return 0;
}

/* The template must load for the base language before it is used. */
static int
campaign_check_template(struct cli *c, const char *name)
{
	struct tmpl_message *m = NULL;
	struct tmpl_error te;

	if (!tmpl_name_valid(name))
		return cli_fail(EX_DATAERR, "template name \"%s\": use a-z, 0-9, "
		    "_ and -", name);
	if (tmpl_message_load(c->conf->templates, name, NULL, &m, &te) == -1) {
		if (te.line)
			return cli_fail(EX_DATAERR, "%s:%d:%d: %s", te.file,
			    te.line, te.col, te.msg);
		return cli_fail(EX_DATAERR, "%s: %s", te.file, te.msg);
	}
	tmpl_message_free(&m);
	return 0;
}

int
cmd_campaign_create(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", required_argument, NULL, 'l' },
		{ "where", required_argument, NULL, 'w' },
		{ "template", required_argument, NULL, 't' },
		{ "event", required_argument, NULL, 'e' },
		{ "at", required_argument, NULL, 'a' },
		{ "now", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	const char *list = NULL, *where = NULL, *tmpl = NULL, *ev = NULL;
	const char *at = NULL, *why;
	struct campaign k = { 0 };
	struct filter f;
	struct event e;
	struct list l;
	int ch, rc, now = 0;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 'l': list = optarg; break;
		case 'w': where = optarg; break;
		case 't': tmpl = optarg; break;
		case 'e': ev = optarg; break;
		case 'a': at = optarg; break;
		case 'n': now = 1; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if ((rc = campaign_one_name(argc)) != 0)
		return rc;
	if (tmpl == NULL || (list == NULL) == (where == NULL))
		return cli_fail(EX_USAGE, "give --template and one of --list or "
		    "--where");
	k.name = argv[optind];
	if (!text_is_slug(k.name))
		return cli_fail(EX_DATAERR, "campaign name \"%s\": use a-z, 0-9 "
		    "and -", k.name);
	filter_init(&f);
	if (where && filter_parse(&f, where, &why) == -1) {
		filter_free(&f);
		return cli_fail(EX_USAGE, "--where \"%s\": %s", where, why);
	}
	filter_free(&f);
	k.filter = (char *)where;
	k.tmpl = (char *)tmpl;
	if ((rc = cli_open(c)) != 0 ||
	    (rc = campaign_check_template(c, tmpl)) != 0 ||
	    (ev == NULL && (rc = campcheck_needs_event(c, tmpl)) != 0) ||
	    (rc = cli_begin(c)) != 0)
		return rc;
	if (list) {
		if (list_get(c->db, list, &l) != 1) {
			cli_rollback(c);
			return cli_fail(EX_DATAERR, "unknown list \"%s\"", list);
		}
		k.list_id = l.id;
		list_clear(&l);
	}
	if (ev) {
		if (event_get(c->db, ev, &e) != 1) {
			cli_rollback(c);
			return cli_fail(EX_DATAERR, "unknown event \"%s\"", ev);
		}
		k.event_id = e.id;
		if (at && time_parse(at, e.tz, &k.send_at) == -1) {
			event_clear(&e);
			cli_rollback(c);
			return cli_fail(EX_USAGE, "--at \"%s\": not a TIME", at);
		}
		event_clear(&e);
	} else if (at && time_parse(at, NULL, &k.send_at) == -1) {
		cli_rollback(c);
		return cli_fail(EX_USAGE, "--at \"%s\": not a TIME", at);
	}
	/* a time already past would send at once without a word */
	if (at && k.send_at <= time_now()) {
		if (!now) {
			cli_rollback(c);
			return cli_fail(EX_USAGE, "--at \"%s\" is in the past: "
			    "give --now to send at once when sent", at);
		}
		k.send_at = 0;
	}
	if (campaign_create(c->db, &k) == -1) {
		cli_rollback(c);
		return errno == EEXIST ? cli_fail(EX_DATAERR, "campaign \"%s\" "
		    "already exists", k.name) : cli_fail(EX_IOERR,
		    "database: %s", db_errmsg(c->db));
	}
	if ((rc = cli_commit(c)) == 0)
		printf("created campaign %s (draft): \"herald campaign send %s\" "
		    "queues it\n", k.name, k.name);
	return rc;
}

static int
campaign_load_key(struct cli *c, struct token_key *key)
{
	char err[1024];

	if (token_key_load(key, c->conf->secret_file, err, sizeof err) == -1)
		return cli_fail(EX_CONFIG, "%s", err);
	return 0;
}

/* An invitation to a cancelled event is never sent. */
static int
campaign_event_live(struct cli *c, const struct campaign *k)
{
	struct event e;
	int cancelled;

	if (k->event_id == 0 || event_get_id(c->db, k->event_id, &e) != 1)
		return 0;
	cancelled = e.cancelled_at != 0;
	event_clear(&e);
	return cancelled ? cli_fail(EX_DATAERR, "campaign %s: event %s is "
	    "cancelled; nothing was sent", k->name, k->event_name) : 0;
}

/*
 * Before queuing: the templates parse (always), every recipient's message
 * renders (else refused without --force), a time past is meant (--now),
 * and a person on a terminal agrees when it goes at once or to more than
 * 20 people (herald(1), campaign send). Read only, outside the transaction.
 */
static int
campaign_send_checks(struct cli *c, const struct campaign *k,
    const struct token_key *key, int force, int now, int yes)
{
	struct campcheck res;
	char t[96];
	int rc, later;

	if (strcmp(k->state, "draft") != 0)
		return cli_fail(EX_DATAERR, "campaign %s is %s, not a draft",
		    k->name, k->state);
	if ((rc = campaign_event_live(c, k)) != 0)
		return rc;
	if (k->send_at && k->send_at <= time_now() && !now)
		return cli_fail(EX_DATAERR, "campaign %s: its --at time %s has "
		    "passed: give --now to send it at once", k->name,
		    out_time(k->send_at, t, sizeof t));
	if ((rc = campcheck_campaign_templates(c, k)) != 0 ||
	    (rc = campcheck_render(c, k, key, NULL, &res)) != 0)
		return rc;
	if (res.failing) {
		fprintf(stderr, "campaign %s: %ld of %ld messages would fail:\n",
		    k->name, res.failing, res.recipients);
		campcheck_render(c, k, key, stderr, &res);
		if (!force)
			return cli_fail(EX_DATAERR, "campaign %s not sent: fix "
			    "the above, or give --force to send the others",
			    k->name);
	}
	later = k->send_at > time_now();
	if ((!later || res.recipients > 20) && !cli_confirm(yes, later ?
	    "Schedule campaign %s to %ld recipients for %s?" :
	    "Send campaign %s to %ld recipients now?%s", k->name,
	    res.recipients, later ? out_time(k->send_at, t, sizeof t) :
	    "")) {
		fprintf(stderr, "herald: campaign %s not sent\n", k->name);
		return 1;
	}
	return 0;
}

int
cmd_campaign_send(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "now", no_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	struct token_key key;
	struct campaign k;
	const char *why;
	long n;
	int ch, rc, force = 0, now = 0, yes = 0, nodaemon;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 'f': force = 1; break;
		case 'n': now = 1; break;
		case 'y': yes = 1; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if ((rc = campaign_one_name(argc)) != 0)
		return rc;
	/* before SQLite opens the file (cli_daemon_running) */
	nodaemon = cli_no_daemon(c);
	if ((rc = cli_open(c)) != 0 || (rc = campaign_load_key(c, &key)) != 0)
		return rc;
	if ((rc = campaign_lookup(c, argv[optind], &k)) != 0)
		return rc;
	rc = campaign_send_checks(c, &k, &key, force, now, yes);
	campaign_clear(&k);
	if (rc != 0 || (rc = cli_begin(c)) != 0)
		return rc;
	if ((rc = campaign_lookup(c, argv[optind], &k)) != 0) {
		cli_rollback(c);
		return rc;
	}
	if (strcmp(k.state, "draft") != 0) {
		rc = cli_fail(EX_DATAERR, "campaign %s is %s, not a draft",
		    k.name, k.state);
	} else if (k.send_at > time_now()) {
		if (campaign_set_state(c->db, k.id, "scheduled") == -1)
			rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
		else if ((rc = cli_commit(c)) == 0) {
			char t[96];

			printf("campaign %s scheduled for %s\n", k.name,
			    out_time(k.send_at, t, sizeof t));
		}
	} else if ((n = campaign_fill(c->db, &k, &key, c->conf->sender_domain,
	    &why)) < 0) {
		rc = cli_fail(strcmp(why, "database error") == 0 ? EX_IOERR :
		    EX_DATAERR, "campaign %s: %s", k.name, why);
	} else if ((rc = cli_commit(c)) == 0) {
		struct campaign done;

		campaign_get_id(c->db, k.id, &done);
		printf("campaign %s: %ld messages queued; skipped %lld "
		    "unsubscribed, %lld bouncing, %lld disabled\n", k.name, n,
		    (long long)done.skipped_unsubscribed,
		    (long long)done.skipped_bouncing,
		    (long long)done.skipped_disabled);
		campaign_clear(&done);
	}
	if (rc != 0 && c->db->in_tx)
		cli_rollback(c);
	if (rc == 0 && nodaemon)
		cli_warn_no_daemon(c, "nothing is sent until one starts "
		    "(heraldd(8))");
	campaign_clear(&k);
	return rc;
}

int
cmd_campaign_delete(struct cli *c, int argc, char **argv)
{
	struct campaign k;
	int ch, rc;

	if ((ch = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(ch);
	if ((rc = campaign_one_name(argc)) != 0)
		return rc;
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0)
		return rc;
	if ((rc = campaign_lookup(c, argv[optind], &k)) != 0) {
		cli_rollback(c);
		return rc;
	}
	if (strcmp(k.state, "draft") != 0)
		rc = cli_fail(EX_DATAERR, "campaign %s is %s: only a draft can "
		    "be deleted (cancel it instead, if it is not done)", k.name,
		    k.state);
	else if (campaign_delete(c->db, k.id) == -1)
		rc = errno == EBUSY ? cli_fail(EX_DATAERR, "campaign %s: a test "
		    "copy of it is still to be sent; try again when it has "
		    "gone", k.name) : cli_fail(EX_IOERR, "database: %s",
		    db_errmsg(c->db));
	else if ((rc = cli_commit(c)) == 0)
		printf("campaign %s deleted\n", k.name);
	if (rc != 0 && c->db->in_tx)
		cli_rollback(c);
	campaign_clear(&k);
	return rc;
}

/* pause, resume and cancel: allowed transitions and what they do. */
static int
campaign_transition(struct cli *c, int argc, char **argv, const char *to)
{
	struct campaign k;
	long cancelled = 0;
	int ch, rc, ok;

	if ((ch = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(ch);
	if ((rc = campaign_one_name(argc)) != 0)
		return rc;
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0)
		return rc;
	if ((rc = campaign_lookup(c, argv[optind], &k)) != 0) {
		cli_rollback(c);
		return rc;
	}
	if (strcmp(to, "paused") == 0)
		ok = strcmp(k.state, "sending") == 0 ||
		    strcmp(k.state, "scheduled") == 0;
	else if (strcmp(to, "sending") == 0)
		ok = strcmp(k.state, "paused") == 0;
	else
		ok = strcmp(k.state, "done") != 0 &&
		    strcmp(k.state, "cancelled") != 0;
	if (!ok) {
		cli_rollback(c);
		rc = cli_fail(EX_DATAERR, "campaign %s is %s: cannot %s", k.name,
		    k.state, strcmp(to, "paused") == 0 ? "pause" :
		    strcmp(to, "sending") == 0 ? "resume" : "cancel");
		campaign_clear(&k);
		return rc;
	}
	/* a paused campaign that was never queued goes back to scheduled */
	if (strcmp(to, "sending") == 0 && k.started_at == 0)
		to = "scheduled";
	/*
	 * Rows heraldd has reserved are its own: it holds them back itself
	 * when it sees the campaign paused or cancelled, before starting them.
	 */
	if (strcmp(to, "cancelled") == 0)
		cancelled = campaign_cancel_queue(c->db, k.id);
	if (cancelled < 0 || campaign_set_state(c->db, k.id, to) == -1) {
		cli_rollback(c);
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	} else if ((rc = cli_commit(c)) == 0)
		printf("campaign %s: %s%s\n", k.name, to, cancelled ?
		    " (unsent messages cancelled)" : "");
	campaign_clear(&k);
	return rc;
}

int
cmd_campaign_pause(struct cli *c, int argc, char **argv)
{
	return campaign_transition(c, argc, argv, "paused");
}

int
cmd_campaign_resume(struct cli *c, int argc, char **argv)
{
	return campaign_transition(c, argc, argv, "sending");
}

int
cmd_campaign_cancel(struct cli *c, int argc, char **argv)
{
	return campaign_transition(c, argc, argv, "cancelled");
}

int
cmd_campaign_ls(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = { "name", "state", "template",
	    "list", "filter", "event", "@send_at", "#messages", "#sent", NULL };
	sqlite3_stmt *st;
	int ch, rc;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if ((rc = cli_open(c)) != 0)
		return rc;
	st = db_prepare(c->db, "SELECT k.name, k.state, k.template, l.name, "
	    "k.filter, e.name, k.send_at, "
	    "(SELECT count(*) FROM message m WHERE m.campaign_id = k.id "
	    " AND m.kind != 'test'), "
	    "(SELECT count(*) FROM message m WHERE m.campaign_id = k.id "
	    " AND m.state = 'sent') FROM campaign k "
	    "LEFT JOIN list l ON l.id = k.list_id "
	    "LEFT JOIN event e ON e.id = k.event_id ORDER BY k.id");
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

/* --remove N: the rule goes; its messages keep their template. */
static int
followup_remove(struct cli *c, const char *name, const char *arg)
{
	struct campaign k;
	sqlite3_stmt *st;
	int64_t rule;
	char *end;
	int rc;

	rule = strtoll(arg, &end, 10);
	if (*end || rule < 1)
		return cli_fail(EX_USAGE, "--remove \"%s\": the number of a rule "
		    "(herald campaign show %s)", arg, name);
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0)
		return rc;
	if ((rc = campaign_lookup(c, name, &k)) != 0) {
		cli_rollback(c);
		return rc;
	}
	st = db_prepare(c->db, "UPDATE message SET template = COALESCE("
	    "template, (SELECT template FROM followup WHERE id = ?1)), "
	    "followup_id = NULL WHERE followup_id = ?1 AND EXISTS (SELECT 1 "
	    "FROM followup WHERE id = ?1 AND campaign_id = ?2)");
	sqlite3_bind_int64(st, 1, rule);
	sqlite3_bind_int64(st, 2, k.id);
	rc = db_step_done(c->db, st);
	sqlite3_finalize(st);
	if (rc != -1) {
		st = db_prepare(c->db, "DELETE FROM followup WHERE id = ?1 AND "
		    "campaign_id = ?2");
		sqlite3_bind_int64(st, 1, rule);
		sqlite3_bind_int64(st, 2, k.id);
		rc = db_step_done(c->db, st);
		sqlite3_finalize(st);
	}
	if (rc == -1) {
		cli_rollback(c);
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	} else if (sqlite3_changes(c->db->h) == 0) {
		cli_rollback(c);
		rc = cli_fail(EX_DATAERR, "campaign %s has no follow-up %lld "
		    "(herald campaign show %s lists them)", k.name,
		    (long long)rule, k.name);
	} else if ((rc = cli_commit(c)) == 0)
		printf("campaign %s: follow-up %lld removed\n", k.name,
		    (long long)rule);
	campaign_clear(&k);
	return rc;
}

/* The zone an event's times are read in (malloc'd, "" for local). */
static char *
event_tz(struct cli *c, int64_t event)
{
	sqlite3_stmt *st = db_prepare(c->db, "SELECT tz FROM event WHERE "
	    "id = ?");
	char *tz = NULL;

	sqlite3_bind_int64(st, 1, event);
	if (sqlite3_step(st) == SQLITE_ROW)
		tz = db_col_dup(st, 0);
	sqlite3_finalize(st);
	return tz ? tz : xstrdup("");
}

/* How many a new rule would send to at once (0: not due now). */
static long
followup_due_now(struct cli *c, int64_t rule)
{
	sqlite3_stmt *st = db_prepare(c->db, "SELECT " FOLLOWUP_NEXT_SQL
	    " FROM " FOLLOWUP_FROM " WHERE f.id = ? AND k.state IN "
	    "('sending', 'done') AND k.started_at IS NOT NULL");
	int64_t next = -1;

	sqlite3_bind_int64(st, 1, rule);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		next = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (next == -1 || next > time_now())
		return 0;
	return followup_reach(c->db, rule);
}

int
cmd_campaign_followup(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "template", required_argument, NULL, 't' },
		{ "after", required_argument, NULL, 'a' },
		{ "at", required_argument, NULL, 'A' },
		{ "before-event", required_argument, NULL, 'b' },
		{ "to", required_argument, NULL, 'o' },
		{ "max", required_argument, NULL, 'm' },
		{ "remove", required_argument, NULL, 'r' },
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	const char *tmpl = NULL, *after = NULL, *at = NULL, *before = NULL,
	    *to = NULL, *max = NULL, *rm = NULL, *kind, *when;
	struct campaign k;
	sqlite3_stmt *st;
	int64_t secs = 0, at_time = 0, rule;
	char *end, *tz = NULL, t[96];
	long nmax = 1, n;
	int ch, rc, yes = 0, asked = 0;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 't': tmpl = optarg; break;
		case 'a': after = optarg; break;
		case 'A': at = optarg; break;
		case 'b': before = optarg; break;
		case 'o': to = optarg; break;
		case 'm': max = optarg; break;
		case 'r': rm = optarg; break;
		case 'y': yes = 1; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if ((rc = campaign_one_name(argc)) != 0)
		return rc;
	if (rm) {
		if (tmpl || after || at || before || to || max)
			return cli_fail(EX_USAGE, "--remove takes no other "
			    "option");
		return followup_remove(c, argv[optind], rm);
	}
	if (!tmpl || !to || (after != NULL) + (at != NULL) + (before != NULL)
	    != 1)
		return cli_fail(EX_USAGE, "give --template, --to and one of "
		    "--after, --at or --before-event");
	if (after) {
		kind = "after";
		when = after;
		if (time_parse_duration(after, &secs) == -1 || secs <= 0)
			return cli_fail(EX_USAGE, "--after \"%s\": a DURATION "
			    "such as 5d", after);
	} else if (before) {
		kind = "before-event";
		when = before;
		if (time_parse_duration(before, &secs) == -1 || secs < 0)
			return cli_fail(EX_USAGE, "--before-event \"%s\": a "
			    "DURATION such as 14d", before);
	} else
		kind = "at", when = at;
	if (max && !after)
		return cli_fail(EX_USAGE, "--max goes with --after (a rule at a "
		    "time or before the event sends once)");
	if (!followup_target_valid(to))
		return cli_fail(EX_USAGE, "--to \"%s\": no-reply, no-answer, "
		    "yes, no, maybe, waitlist or all", to);
	if (max) {
		nmax = strtol(max, &end, 10);
		if (*end || nmax < 1 || nmax > 100)
			return cli_fail(EX_USAGE, "--max \"%s\": 1 to 100", max);
	}
	if ((rc = cli_open(c)) != 0 ||
	    (rc = campaign_check_template(c, tmpl)) != 0)
		return rc;
	/*
	 * Made, then looked at: one due at once is asked about on a
	 * terminal, outside the transaction (nobody holds the database while
	 * a person thinks), and made again when agreed to.
	 */
again:
	if ((rc = cli_begin(c)) != 0)
		return rc;
	if ((rc = campaign_lookup(c, argv[optind], &k)) != 0) {
		cli_rollback(c);
		return rc;
	}
	if (before && !k.event_id) {
		rc = cli_fail(EX_DATAERR, "campaign %s has no event: "
		    "--before-event needs one", k.name);
		goto fail;
	}
	if (at && time_parse(at, k.event_id ? (tz = event_tz(c,
	    k.event_id)) : NULL,
	    &at_time) == -1) {
		rc = cli_fail(EX_USAGE, "--at \"%s\": a TIME such as "
		    "\"2027-02-15 09:00\"", at);
		goto fail;
	}
	st = db_prepare(c->db, "INSERT INTO followup (campaign_id, template, "
	    "after_secs, target, max_rounds, created, kind, at_time, "
	    "before_secs) VALUES (?,?,?,?,?,?,?,?,?)");
	sqlite3_bind_int64(st, 1, k.id);
	db_bind_text(st, 2, tmpl);
	sqlite3_bind_int64(st, 3, after ? secs : 0);
	db_bind_text(st, 4, to);
	sqlite3_bind_int64(st, 5, nmax);
	sqlite3_bind_int64(st, 6, time_now());
	db_bind_text(st, 7, kind);
	if (at)
		sqlite3_bind_int64(st, 8, at_time);
	if (before)
		sqlite3_bind_int64(st, 9, secs);
	rc = db_step_done(c->db, st);
	sqlite3_finalize(st);
	if (rc == -1) {
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
		goto fail;
	}
	rule = sqlite3_last_insert_rowid(c->db->h);
	if (!asked && (n = followup_due_now(c, rule)) > 0) {
		cli_rollback(c);
		asked = 1;
		if (!cli_confirm(yes, "This follow-up of campaign %s is due "
		    "now: send it to %ld people at once?", k.name, n)) {
			fprintf(stderr, "herald: follow-up not added\n");
			campaign_clear(&k);
			free(tz);
			return 1;
		}
		campaign_clear(&k);
		free(tz);
		tz = NULL;
		goto again;
	}
	if ((rc = cli_commit(c)) == 0) {
		if (after)
			printf("campaign %s: follow-up %lld: %s to %s every %s, "
			    "at most %ld times\n", k.name, (long long)rule,
			    tmpl, to, after, nmax);
		else if (at)
			printf("campaign %s: follow-up %lld: %s to %s at %s\n",
			    k.name, (long long)rule, tmpl, to,
			    out_time(at_time, t, sizeof t));
		else
			printf("campaign %s: follow-up %lld: %s to %s %s before "
			    "event %s\n", k.name, (long long)rule, tmpl, to,
			    when, k.event_name);
	}
	campaign_clear(&k);
	free(tz);
	return rc;
fail:
	cli_rollback(c);
	campaign_clear(&k);
	free(tz);
	return rc;
}
