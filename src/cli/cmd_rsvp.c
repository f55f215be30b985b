/* cmd_rsvp: "herald rsvp EVENT" and "herald rsvp set EVENT EMAIL ANSWER". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/addr.h"
#include "store/contact.h"
#include "store/event.h"
#include "lib/token.h"
#include "in/seats.h"
#include "store/rsvp.h"

int
cmd_rsvp(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = { "email", "name", "organisation",
	    "answer", "source", "@at", NULL };
	sqlite3_stmt *st;
	int ch, rc;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0 ||
	    (rc = cli_require(c, "event", argv[optind])) != 0)
		return rc;
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
