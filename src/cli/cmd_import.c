/*
 * cmd_import: "herald contact import FILE.csv". One transaction for the
 * whole file: bad rows are reported and skipped, but an I/O error or a
 * bad header leaves the database exactly as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "lib/csvread.h"
#include "lib/text.h"
#include "lib/xmalloc.h"
#include "store/contact.h"
#include "store/list.h"

/* What each CSV column means, from the header row. */
struct import_cols {
	size_t n;
	char **names;	/* lower-cased, trimmed */
	int *is_attr;
	size_t email;	/* index of the email column */
};

struct import_counts {
	long added, updated, unchanged, skipped, differ;
};

struct import_ctx {
	struct cli *cli;
	const char *file;
	struct import_cols cols;
	struct import_counts n;
	int update;
	int64_t list_id;
};

static void
import_cols_free(struct import_cols *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	free(c->is_attr);
}

static int
import_header(struct import_ctx *x, const struct csvrow *row)
{
	struct import_cols *c = &x->cols;
	size_t i, j;
	int have_email = 0;

	c->n = row->nfields;
	c->names = xcalloc(c->n, sizeof *c->names);
	c->is_attr = xcalloc(c->n, sizeof *c->is_attr);
	for (i = 0; i < c->n; i++) {
		c->names[i] = text_trimdup(row->fields[i]);
		text_lower(c->names[i]);
		if (strlen(c->names[i]) != row->lens[i] &&
		    memchr(row->fields[i], '\0', row->lens[i]))
			return cli_fail(EX_DATAERR, "%s:%ld: NUL byte in header",
			    x->file, row->line);
		for (j = 0; j < i; j++)
			if (strcmp(c->names[i], c->names[j]) == 0)
				return cli_fail(EX_DATAERR, "%s:%ld: column \"%s\" "
				    "appears twice", x->file, row->line,
				    c->names[i]);
		if (strcmp(c->names[i], "email") == 0) {
			c->email = i;
			have_email = 1;
		} else if (!contact_is_field(c->names[i]) ||
		    strcmp(c->names[i], "status") == 0) {
			if (!contact_attr_key_valid(c->names[i]))
				{
				char q[96];

				return cli_fail(EX_DATAERR, "%s:%ld: column "
				    "\"%s\": attribute names use a-z, 0-9, _ "
				    "and -", x->file, row->line,
				    text_quote(c->names[i], q, sizeof q));
			}
			c->is_attr[i] = 1;
		}
	}
	if (!have_email)
		return cli_fail(EX_DATAERR, "%s:%ld: no \"email\" column in the "
		    "header row", x->file, row->line);
	return 0;
}

static int
import_skip(struct import_ctx *x, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
import_skip(struct import_ctx *x, long line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%ld: ", x->file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (row skipped)\n", stderr);
	x->n.skipped++;
	return 0;
}

/* Build a change set from one row; 0 ok, 1 row skipped. */
static int
import_parse_row(struct import_ctx *x, const struct csvrow *row,
    struct contact *ct)
{
	const char *why;
	size_t i;

	for (i = 0; i < row->nfields; i++) {
		const char *name = x->cols.names[i];
		char *v;

		if (strlen(row->fields[i]) != row->lens[i])
			return import_skip(x, row->line, "column \"%s\": NUL byte",
			    name) + 1;
		if (!text_utf8_valid(row->fields[i], row->lens[i]))
			return import_skip(x, row->line, "column \"%s\": invalid "
			    "UTF-8", name) + 1;
		if (i != x->cols.email && row->fields[i][0] == '\0')
			continue;	/* an empty cell sets nothing */
		v = contact_check_field(name, row->fields[i], x->cols.is_attr[i],
		    &why);
		if (v == NULL) {
			char q[96];

			return import_skip(x, row->line, "%s \"%s\": %s", name,
			    text_quote(row->fields[i], q, sizeof q), why) + 1;
		}
		if (x->cols.is_attr[i]) {
			contact_attr_set(ct, name, v);
			free(v);
		} else if (strcmp(name, "email") == 0)
			ct->email = v;
		else if (strcmp(name, "name") == 0)
			ct->name = v;
		else if (strcmp(name, "organisation") == 0)
			ct->organisation = v;
		else if (strcmp(name, "role") == 0)
			ct->role = v;
		else if (strcmp(name, "country") == 0)
			ct->country = v;
		else if (strcmp(name, "language") == 0)
			ct->language = v;
		else
			free(v);
	}
	return 0;
}

static int
import_row_empty(const struct csvrow *row)
{
	size_t i;

	for (i = 0; i < row->nfields; i++)
		if (row->lens[i] > 0)
			return 0;
	return 1;
}

/* 0, or an exit code for a failure that aborts the whole import. */
static int
import_row(struct import_ctx *x, const struct csvrow *row)
{
	struct contact ct;
	enum contact_result res;
	int64_t id;

	if (row->error)
		return import_skip(x, row->line, "%s", row->error);
	if (import_row_empty(row))
		return 0;
	if (row->nfields != x->cols.n)
		return import_skip(x, row->line, "%zu fields, the header has %zu",
		    row->nfields, x->cols.n);
	contact_init(&ct);
	if (import_parse_row(x, row, &ct) != 0) {
		contact_clear(&ct);
		return 0;
	}
	id = contact_upsert(x->cli->db, &ct, x->update, &res);
	if (id == -1) {
		contact_clear(&ct);
		return cli_fail(EX_IOERR, "%s:%ld: database: %s", x->file,
		    row->line, db_errmsg(x->cli->db));
	}
	if (res == CONTACT_ADDED)
		x->n.added++;
	else if (res == CONTACT_UPDATED)
		x->n.updated++;
	else
		x->n.unchanged++;
	if (res == CONTACT_KEPT)
		x->n.differ++;
	if (x->list_id && list_add_member(x->cli->db, x->list_id, id,
	    "member") == -1) {
		contact_clear(&ct);
		return cli_fail(EX_IOERR, "%s:%ld: database: %s", x->file,
		    row->line, db_errmsg(x->cli->db));
	}
	contact_clear(&ct);
	return 0;
}

static int
import_rows(struct import_ctx *x, struct csvread *r)
{
	struct progress bar;
	struct csvrow *row;
	char err[1200];
	int rc, got, header = 0;

	progress_start(&bar, "importing", csvread_size(r));
	while ((got = csvread_next(r, &row, err, sizeof err)) == 1) {
		if (!header) {
			if (row->error)
				return cli_fail(EX_DATAERR, "%s:%ld: header: %s",
				    x->file, row->line, row->error);
			if ((rc = import_header(x, row)) != 0)
				return rc;
			header = 1;
			continue;
		}
		if ((rc = import_row(x, row)) != 0)
			return rc;
		progress_update(&bar, csvread_offset(r));
	}
	progress_end(&bar);
	/* the whole import is one transaction: the caller rolls it back */
	if (got == -1)
		return cli_fail(EX_DATAERR, "%s; nothing imported", err);
	if (!header)
		return cli_fail(EX_DATAERR, "%s: empty file (no header row)",
		    x->file);
	return 0;
}

static int
import_find_list(struct import_ctx *x, const char *name)
{
	struct list l;
	int found;

	if (name == NULL)
		return 0;
	if ((found = list_get(x->cli->db, name, &l)) != 1)
		return cli_fail(found == 0 ? EX_DATAERR : EX_IOERR,
		    "unknown list \"%s\"", name);
	x->list_id = l.id;
	list_clear(&l);
	return 0;
}

static void
import_summary(const struct import_ctx *x)
{
	printf("%s: %ld added, %ld updated, %ld unchanged, %ld skipped\n",
	    x->file, x->n.added, x->n.updated, x->n.unchanged, x->n.skipped);
	if (x->n.differ)
		printf("%ld existing contacts differ from the file and were kept "
		    "as they are: import with --update to change them\n",
		    x->n.differ);
}

int
cmd_contact_import(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", required_argument, NULL, 'l' },
		{ "update", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	struct import_ctx x = { 0 };
	const char *list = NULL;
	struct csvread *r;
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 'l': list = optarg; break;
		case 'u': x.update = 1; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (optind != argc - 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	x.cli = c;
	x.file = argv[optind];
	if ((rc = cli_open(c)) != 0)
		return rc;
	if ((r = csvread_open(x.file)) == NULL)
		return cli_fail(EX_NOINPUT, "%s: %s", x.file, strerror(errno));
	if ((rc = cli_begin(c)) == 0 && (rc = import_find_list(&x, list)) == 0)
		rc = import_rows(&x, r);
	csvread_close(&r);
	import_cols_free(&x.cols);
	if (rc != 0) {
		cli_rollback(c);
		return rc;
	}
	if ((rc = cli_commit(c)) != 0)
		return rc;
	import_summary(&x);
	return x.n.skipped ? EX_DATAERR : 0;
}
