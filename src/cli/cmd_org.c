/* cmd_org: "herald org list|show". */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"

int
cmd_org_list(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = { "name", "kind", "country",
	    "#contacts", "#lists", NULL };
	sqlite3_stmt *st;
	int ch, rc;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if ((rc = cli_open(c)) != 0)
		return rc;
	st = db_prepare(c->db, "SELECT o.name, o.kind, o.country, "
	    "(SELECT count(*) FROM contact c WHERE c.org_id = o.id), "
	    "(SELECT count(*) FROM list l WHERE l.org_id = o.id) "
	    "FROM organisation o ORDER BY o.name");
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

static void
org_section(struct cli *c, struct json *j, const char *title,
    const char *sql, int64_t id, const char *const *cols)
{
	sqlite3_stmt *st = db_prepare(c->db, sql);

	sqlite3_bind_int64(st, 1, id);
	if (c->json) {
		json_key(j, title);
		cli_json_rows(j, st, cols);
	} else {
		printf("\n%s:\n", title);
		cli_print_rows(c, st, cols);
	}
	sqlite3_finalize(st);
}

int
cmd_org_show(struct cli *c, int argc, char **argv)
{
	static const char *const people[] = { "email", "name", "role",
	    "status", NULL };
	static const char *const lists[] = { "name", "kind", NULL };
	static const char *const log[] = { "@at", "direction", "kind",
	    "contact", "summary", NULL };
	sqlite3_stmt *st;
	struct json j;
	int64_t id = 0;
	int ch, rc;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0)
		return rc;
	st = db_prepare(c->db, "SELECT id, name, kind, country FROM "
	    "organisation WHERE name = ?");
	db_bind_text(st, 1, argv[optind]);
	json_init(&j, stdout);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (c->json) {
			json_open(&j, '{');
			json_kstr(&j, "name", db_col_text(st, 1));
			json_kstr(&j, "kind", db_col_text(st, 2));
			json_kstr(&j, "country", db_col_text(st, 3));
		} else
			printf("%s (%s%s%s)\n", db_col_text(st, 1),
			    *db_col_text(st, 2) ? db_col_text(st, 2) : "no kind",
			    *db_col_text(st, 3) ? ", " : "", db_col_text(st, 3));
	}
	sqlite3_finalize(st);
	if (id == 0)
		return cli_fail(EX_DATAERR, "unknown organisation \"%s\"",
		    argv[optind]);
	org_section(c, &j, "contacts", "SELECT email, name, role, status FROM "
	    "contact WHERE org_id = ? ORDER BY email", id, people);
	org_section(c, &j, "lists", "SELECT name, kind FROM list WHERE org_id = ? "
	    "ORDER BY name", id, lists);
	org_section(c, &j, "log", "SELECT a.at, a.direction, a.kind, "
	    "COALESCE(c.email, ''), a.summary FROM contact_log a LEFT JOIN "
	    "contact c ON c.id = a.contact_id WHERE a.org_id = ? "
	    "ORDER BY a.at DESC, a.id DESC LIMIT 50", id, log);
	if (c->json)
		json_close(&j, '}');
	return 0;
}
