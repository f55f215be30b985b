/* cmd_org: "herald org list|show|set". */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "lib/text.h"
#include "store/org.h"

#define ORG_NAME_MAX 200

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

int
cmd_org_set(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "country", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *kind = NULL, *country = NULL, *why;
	int64_t id;
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 'n': name = optarg; break;
		case 'k': kind = optarg; break;
		case 'C': country = optarg; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if (!name && !kind && !country)
		return cli_usage_error("nothing to change: give --name, --kind "
		    "or --country");
	if (name && (!*name || !text_header_safe(name, &why) ||
	    strlen(name) > ORG_NAME_MAX))
		return cli_fail(EX_DATAERR, "--name: one line of text, 1 to %d "
		    "bytes", ORG_NAME_MAX);
	if (kind && (!text_header_safe(kind, &why) || strlen(kind) > 64))
		return cli_fail(EX_DATAERR, "--kind: one line, at most 64 bytes");
	if (country && *country && (strlen(country) != 2 ||
	    !isalpha((unsigned char)country[0]) ||
	    !isalpha((unsigned char)country[1])))
		return cli_fail(EX_DATAERR, "--country \"%s\": a two-letter code "
		    "such as MX, or \"\"", country);
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0)
		return rc;
	if ((id = org_find(c->db, argv[optind])) == 0) {
		cli_rollback(c);
		return cli_fail(EX_DATAERR, "unknown organisation \"%s\"",
		    argv[optind]);
	}
	if (country && *country) {
		char cc[3] = { (char)toupper((unsigned char)country[0]),
		    (char)toupper((unsigned char)country[1]), '\0' };

		rc = org_update(c->db, id, name, kind, cc);
	} else
		rc = org_update(c->db, id, name, kind, country);
	if (rc == -1) {
		rc = errno == EEXIST ? cli_fail(EX_DATAERR, "an organisation "
		    "called \"%s\" already exists", name) : cli_fail(EX_IOERR,
		    "database: %s", db_errmsg(c->db));
		cli_rollback(c);
		return rc;
	}
	if ((rc = cli_commit(c)) == 0)
		printf("organisation %s changed\n", name ? name : argv[optind]);
	return rc;
}
