/* cli: see cli.h. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/out.h"
#include "lib/nudge.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "store/schema.h"

static const struct cli_command *cli_cmd;

int
cli_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("herald: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int
cli_fail_addr(const char *what, const char *arg, const char *why)
{
	char q[96];

	return cli_fail(EX_DATAERR, "%s\"%s\": %s", what,
	    text_quote(arg, q, sizeof q), why);
}

int
cli_confirm(int yes, const char *fmt, ...)
{
	char line[64];
	va_list ap;

	if (yes || !isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return 1;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" [y/N] ", stderr);
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	return strcmp(line, "y\n") == 0 || strcmp(line, "yes\n") == 0 ||
	    strcmp(line, "Y\n") == 0;
}

int
cli_require(struct cli *c, const char *what, const char *value)
{
	static const struct { const char *what, *sql; } known[] = {
		{ "list", "SELECT count(*) FROM list WHERE name = ?" },
		{ "organisation",
		  "SELECT count(*) FROM organisation WHERE name = ?" },
		{ "contact", "SELECT count(*) FROM contact WHERE email = ?" },
		{ "campaign", "SELECT count(*) FROM campaign WHERE name = ?" },
		{ "event", "SELECT count(*) FROM event WHERE name = ?" },
	};
	char q[96];
	size_t i;

	if (value == NULL)
		return 0;
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(known[i].what, what) == 0 &&
		    db_int_query(c->db, known[i].sql, value) > 0)
			return 0;
	return cli_fail(EX_DATAERR, "unknown %s \"%s\"", what,
	    text_quote(value, q, sizeof q));
}

int
cli_load_conf(struct cli *c)
{
	char err[1024];

	if (c->conf)
		return 0;
	c->conf = conf_load(c->conf_path, err, sizeof err);
	if (c->conf == NULL)
		return cli_fail(EX_CONFIG, "%s", err);
	return 0;
}

int
cli_open(struct cli *c)
{
	char err[1024];
	int rc;

	if ((rc = cli_load_conf(c)) != 0)
		return rc;
	if (access(c->conf->database, F_OK) == -1)
		return cli_fail(EX_CONFIG, "%s: no database: run \"herald init\"",
		    c->conf->database);
	c->db = db_open(c->conf->database, 0, err, sizeof err);
	if (c->db == NULL)
		return cli_fail(EX_IOERR, "%s", err);
	if (schema_check(c->db, err, sizeof err) == -1)
		return cli_fail(EX_CONFIG, "%s", err);
	return 0;
}

int
cli_begin(struct cli *c)
{
	if (db_begin(c->db) == -1)
		return cli_fail(EX_TEMPFAIL, "%s: database is busy, try again",
		    c->db->path);
	return 0;
}

int
cli_commit(struct cli *c)
{
	if (db_commit(c->db) == -1)
		return cli_fail(EX_IOERR, "%s: commit failed: %s", c->db->path,
		    db_errmsg(c->db));
	nudge_send(c->db->path);
	return 0;
}

void
cli_rollback(struct cli *c)
{
	db_rollback(c->db);
}

const struct cli_command *
cli_current(void)
{
	return cli_cmd;
}

void
cli_set_current(const struct cli_command *cmd)
{
	cli_cmd = cmd;
}

void
cli_usage(const struct cli_command *cmd, int to_stdout)
{
	FILE *f = to_stdout ? stdout : stderr;

	fprintf(f, "usage: herald %s%s%s %s\n", cmd->noun,
	    cmd->verb ? " " : "", cmd->verb ? cmd->verb : "", cmd->args);
	if (to_stdout) {
		fprintf(f, "\n%s\n", cmd->summary);
		if (cmd->help)
			fprintf(f, "\n%s", cmd->help);
	}
}

int
cli_getopt(const struct cli_command *cmd, int argc, char **argv,
    const struct option *opts)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	struct option all[32];
	char shorts[80];
	size_t n = 0, s = 0;
	int ch;

	cli_cmd = cmd;
	if (opts == NULL)
		opts = none;
	for (; opts[n].name && n < 30; n++) {
		all[n] = opts[n];
		if (opts[n].val > 0 && s + 3 < sizeof shorts &&
		    opts[n].val < 128 && opts[n].val != 'J' &&
		    opts[n].val != 'C') {
			shorts[s++] = (char)opts[n].val;
			if (opts[n].has_arg)
				shorts[s++] = ':';
		}
	}
	all[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	all[n] = (struct option){ NULL, 0, NULL, 0 };
	shorts[s++] = 'h';
	shorts[s] = '\0';
	ch = getopt_long(argc, argv, shorts, all, NULL);
	if (ch == -1)
		return 0;
	if (ch == 'h') {
		cli_usage(cmd, 1);
		return -2;
	}
	if (ch == '?') {
		cli_usage(cmd, 0);
		return -1;
	}
	return ch;
}

int
cli_getopt_exit(int rc)
{
	return rc == -2 ? 0 : EX_USAGE;
}

static const char *
cli_cell(sqlite3_stmt *st, int i, const char *col, char *tbuf, size_t len)
{
	if (col[0] == '@')
		return sqlite3_column_type(st, i) == SQLITE_NULL ? "" :
		    time_format_utc(sqlite3_column_int64(st, i), tbuf, len);
	return db_col_text(st, i);
}

static void
cli_json_cell(struct json *j, sqlite3_stmt *st, int i, const char *col)
{
	const char *name = col[0] == '@' || col[0] == '#' ? col + 1 : col;

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		json_kstr(j, name, NULL);
	else if (col[0] == '@')
		json_ktime(j, name, sqlite3_column_int64(st, i));
	else if (col[0] == '#')
		json_kint(j, name, sqlite3_column_int64(st, i));
	else
		json_kstr(j, name, db_col_text(st, i));
}

long
cli_json_rows(struct json *j, sqlite3_stmt *st, const char *const *cols)
{
	long rows = 0;
	int i;

	json_open(j, '[');
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows++;
		json_open(j, '{');
		for (i = 0; cols[i]; i++)
			cli_json_cell(j, st, i, cols[i]);
		json_close(j, '}');
	}
	json_close(j, ']');
	return rows;
}

long
cli_print_rows(struct cli *c, sqlite3_stmt *st, const char *const *cols)
{
	const char *head[16], *row[16];
	char times[16][32];
	struct table *t;
	struct json j;
	long rows = 0;
	int n, i;

	for (n = 0; cols[n] && n < 16; n++)
		head[n] = cols[n][0] == '@' || cols[n][0] == '#' ?
		    cols[n] + 1 : cols[n];
	if (c->json) {
		json_init(&j, stdout);
		return cli_json_rows(&j, st, cols);
	}
	t = table_new(n, head);
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows++;
		for (i = 0; i < n; i++)
			row[i] = cli_cell(st, i, cols[i], times[i],
			    sizeof times[i]);
		table_add(t, row);
	}
	if (c->csv)
		table_print_csv(t, stdout);
	else
		table_print(t, stdout);
	table_free(&t);
	return rows;
}

int
cli_format_opts(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { CLI_FORMAT_OPTS,
	    { NULL, 0, NULL, 0 } };
	int ch;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0) {
		c->json |= ch == 'J';
		c->csv |= ch == 'C';
	}
	return ch;
}
