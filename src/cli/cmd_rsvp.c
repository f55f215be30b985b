/* cmd_rsvp: "herald rsvp EVENT" and "herald rsvp set EVENT EMAIL ANSWER". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "lib/addr.h"
#include "store/contact.h"
#include "store/event.h"
#include "lib/token.h"
#include "in/seats.h"
#include "store/rsvp.h"

/*
 * The people of an event: every contact a message of one of its
 * campaigns was sent to (invited), and every contact with an answer.
 * answer is 'none' while nothing is recorded. ?1 is the event's id.
 */
#define RSVP_PEOPLE_SQL \
	"WITH sent AS (SELECT m.contact_id AS cid, MAX(m.sent_at) AS last_at, " \
	"SUM(m.followup_id IS NOT NULL) AS reminders FROM message m " \
	"JOIN campaign k ON k.id = m.campaign_id WHERE k.event_id = ?1 " \
	"AND m.state = 'sent' AND m.contact_id IS NOT NULL " \
	"GROUP BY m.contact_id), " \
	"people AS (SELECT c.id AS cid, COALESCE(r.answer, 'none') AS answer, " \
	"s.last_at AS last_at, COALESCE(s.reminders, 0) AS reminders, " \
	"s.cid IS NOT NULL AS invited FROM contact c " \
	"LEFT JOIN sent s ON s.cid = c.id " \
	"LEFT JOIN rsvp r ON r.event_id = ?1 AND r.contact_id = c.id " \
	"WHERE s.cid IS NOT NULL OR r.id IS NOT NULL) "

static const char *const rsvp_answers[] = { "none", "yes", "no", "maybe",
    "waitlist", "offered", NULL };
static const char *const rsvp_groups[] = { "kind", "country",
    "organisation", "language", NULL };

static int
rsvp_list(struct cli *c, int64_t event_id, const char *answer)
{
	static const char *const cols[] = { "email", "name", "organisation",
	    "kind", "country", "language", "answer", "@last_sent_at",
	    "#reminders", NULL };
	sqlite3_stmt *st;

	st = db_prepare(c->db, RSVP_PEOPLE_SQL "SELECT c.email, c.name, "
	    "o.name, o.kind, c.country, c.language, p.answer, p.last_at, "
	    "p.reminders FROM people p JOIN contact c ON c.id = p.cid "
	    "LEFT JOIN organisation o ON o.id = c.org_id "
	    "WHERE p.answer = ?2 AND (?2 != 'none' OR p.invited) "
	    "ORDER BY c.email");
	sqlite3_bind_int64(st, 1, event_id);
	db_bind_text(st, 2, answer);
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

static int
rsvp_by(struct cli *c, int64_t event_id, const char *group)
{
	static const char *const exprs[] = { "COALESCE(o.kind, '')",
	    "c.country", "COALESCE(o.name, '')", "c.language" };
	const char *cols[] = { group, "#invited", "#none", "#yes", "#no",
	    "#maybe", "#waitlist", "#offered", NULL };
	char sql[2048];
	sqlite3_stmt *st;
	int g;

	for (g = 0; strcmp(rsvp_groups[g], group) != 0; g++)
		;
	snprintf(sql, sizeof sql, RSVP_PEOPLE_SQL "SELECT %s AS g, "
	    "SUM(p.invited), SUM(p.answer = 'none' AND p.invited), "
	    "SUM(p.answer = 'yes'), SUM(p.answer = 'no'), "
	    "SUM(p.answer = 'maybe'), SUM(p.answer = 'waitlist'), "
	    "SUM(p.answer = 'offered') FROM people p "
	    "JOIN contact c ON c.id = p.cid "
	    "LEFT JOIN organisation o ON o.id = c.org_id "
	    "GROUP BY g ORDER BY g", exprs[g]);
	st = db_prepare(c->db, sql);
	sqlite3_bind_int64(st, 1, event_id);
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

int
cmd_rsvp(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "answer", required_argument, NULL, 'a' },
		{ "by", required_argument, NULL, 'b' },
		CLI_FORMAT_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const cols[] = { "email", "name", "organisation",
	    "answer", "source", "@at", NULL };
	const char *answer = NULL, *group = NULL;
	struct event e = { 0 };
	sqlite3_stmt *st;
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 'a': answer = optarg; break;
		case 'b': group = optarg; break;
		case 'J': c->json = 1; break;
		case 'C': c->csv = 1; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if (answer && group)
		return cli_usage_error("--answer and --by: one or the other");
	if (answer && (rc = cli_check_enum("--answer", answer,
	    rsvp_answers)) != 0)
		return rc;
	if (group && (rc = cli_check_enum("--by", group, rsvp_groups)) != 0)
		return rc;
	if ((rc = cli_open(c)) != 0 ||
	    (rc = cli_require(c, "event", argv[optind])) != 0)
		return rc;
	if (answer || group) {
		if (event_get(c->db, argv[optind], &e) != 1)
			return cli_fail(EX_DATAERR, "unknown event \"%s\"",
			    argv[optind]);
		/* times in the event's own zone, named */
		out_set_time_zone(e.tz);
		rc = answer ? rsvp_list(c, e.id, answer) :
		    rsvp_by(c, e.id, group);
		event_clear(&e);
		return rc;
	}
	st = db_prepare(c->db, "SELECT c.email, c.name, o.name, r.answer, "
	    "r.source, r.at FROM rsvp r JOIN event e ON e.id = r.event_id "
	    "JOIN contact c ON c.id = r.contact_id LEFT JOIN organisation o "
	    "ON o.id = c.org_id WHERE e.name = ? ORDER BY r.answer, r.at");
	db_bind_text(st, 1, argv[optind]);
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

/* Was the seat offered to contact_id (rather than given)? */
static int
rsvp_offered(struct db *d, int64_t event_id, int64_t contact_id)
{
	sqlite3_stmt *st = db_prepare(d, "SELECT answer = 'offered' FROM rsvp "
	    "WHERE event_id = ? AND contact_id = ?");
	int yes;

	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, contact_id);
	yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return yes;
}

int
cmd_rsvp_set(struct cli *c, int argc, char **argv)
{
	static const char *const answers[] = { "yes", "no", "maybe", NULL };
	const char *stored, *why;
	struct token_key key;
	char err[1024];
	int told = 0;
	struct contact ct;
	struct event e = { 0 };
	int64_t promoted;
	char *email;
	int ch, rc;

	if ((ch = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 3) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if (!rsvp_answer_valid(argv[optind + 2]))
		return cli_check_enum("answer", argv[optind + 2], answers);
	if ((email = addr_normalize(argv[optind + 1], &why)) == NULL)
		return cli_fail_addr("", argv[optind + 1], why);
	contact_init(&ct);
	if ((rc = cli_open(c)) != 0) {
		free(email);
		return rc;
	}
	if (token_key_load(&key, c->conf->secret_file, err, sizeof err) == -1) {
		free(email);
		return cli_fail(EX_CONFIG, "%s", err);
	}
	if ((rc = cli_begin(c)) != 0) {
		free(email);
		return rc;
	}
	if (event_get(c->db, argv[optind], &e) != 1)
		rc = cli_fail(EX_DATAERR, "unknown event \"%s\"", argv[optind]);
	else if (contact_get(c->db, email, &ct) != 1)
		rc = cli_fail(EX_DATAERR, "%s: no such contact", email);
	else if (seats_answer(c->db, e.id, ct.id, argv[optind + 2], "organiser",
	    &stored, &promoted) == -1)
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	else if (promoted && (told = seats_tell_promoted(c->db, e.id, promoted,
	    SEATS_PROMOTED_TEMPLATE, &key, c->conf->sender_domain)) < 0)
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	if (rc != 0)
		cli_rollback(c);
	else if ((rc = cli_commit(c)) == 0) {
		printf("%s: %s %s\n", e.name, ct.email, stored);
		if (promoted) {
			/* an event with seats by category offers the seat,
			 * one without gives it (in/seats.h) */
			int offered = rsvp_offered(c->db, e.id, promoted);

			printf("%s: a seat was freed; contact %lld %s%s\n",
			    e.name, (long long)promoted, offered ? "is offered "
			    "it" : "promoted from the waitlist", told > 0 ?
			    " and told" : " (no invitation of theirs to "
			    "answer: not told)");
		}
	}
	if (e.name)
		event_clear(&e);
	contact_clear(&ct);
	free(email);
	return rc;
}
