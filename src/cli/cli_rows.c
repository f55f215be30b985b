/*
 * cli_rows: a listing's rows as a table, CSV or JSON (the --json and
 * --csv of every listing command): see cli.h.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "lib/text.h"
#include "lib/timeutil.h"

/* The name a column prints under: without its type mark. */
static const char *
cli_col_name(const char *col)
{
	return col[0] == '@' || col[0] == '#' || col[0] == '%' ? col + 1 : col;
}

/* A cell as text: times for people in tables, ISO 8601 UTC in CSV. */
static const char *
cli_cell(sqlite3_stmt *st, int i, const char *col, char *tbuf, size_t len,
    int csv)
{
	const char *v;
	size_t n;

	if (col[0] == '@')
		return sqlite3_column_type(st, i) == SQLITE_NULL ? "" : csv ?
		    time_format_utc(sqlite3_column_int64(st, i), tbuf, len) :
		    out_time(sqlite3_column_int64(st, i), tbuf, len);
	v = db_col_text(st, i);
	if (col[0] == '%') {
		/* a set: "a,b," prints as "a,b" */
		for (n = strlen(v); n > 0 && v[n - 1] == ','; n--)
			;
		snprintf(tbuf, len, "%.*s", (int)n, v);
		return tbuf;
	}
	return v;
}

void
cli_json_set(struct json *j, const char *s)
{
	size_t n;

	json_open(j, '[');
	while (s && *s) {
		char item[128];

		n = strcspn(s, ",");
		if (n > 0) {
			snprintf(item, sizeof item, "%.*s", (int)n, s);
			json_str(j, item);
		}
		s += n;
		if (*s == ',')
			s++;
	}
	json_close(j, ']');
}

void
cli_json_cell(struct json *j, sqlite3_stmt *st, int i, const char *col)
{
	const char *name = cli_col_name(col);

	if (col[0] == '%') {
		json_key(j, name);
		cli_json_set(j, sqlite3_column_type(st, i) == SQLITE_NULL ?
		    NULL : db_col_text(st, i));
	} else if (sqlite3_column_type(st, i) == SQLITE_NULL)
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

/* Rows held before they are printed; the first chunk sets the widths. */
#define CLI_ROWS_CHUNK 1000

long
cli_print_rows(struct cli *c, sqlite3_stmt *st, const char *const *cols)
{
	const char *head[16], *row[16];
	char times[16][256];
	struct table *t;
	struct json j;
	long rows = 0;
	int n, i;

	for (n = 0; cols[n] && n < 16; n++)
		head[n] = cli_col_name(cols[n]);
	if (c->json) {
		json_init(&j, stdout);
		return cli_json_rows(&j, st, cols);
	}
	/* rows go out in chunks: constant memory, and a reader that stops
	 * early (| head) stops the listing at once */
	t = table_new(n, head);
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows++;
		for (i = 0; i < n; i++)
			row[i] = cli_cell(st, i, cols[i], times[i],
			    sizeof times[i], c->csv);
		table_add(t, row);
		if (table_rows(t) == CLI_ROWS_CHUNK)
			c->csv ? table_flush_csv(t, stdout) :
			    table_flush(t, stdout);
	}
	c->csv ? table_flush_csv(t, stdout) : table_flush(t, stdout);
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
