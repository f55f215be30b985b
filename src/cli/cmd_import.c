/*
 * cmd_import: "herald contact import FILE.csv". One transaction for the
 * whole file: bad rows are reported and skipped, but an I/O error or a
 * bad header leaves the database exactly as it was.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	char **names;	/* the field or attribute each column sets */
	char **heads;	/* the header cells as written (trimmed) */
	int *is_attr;
	size_t email;	/* index of the email column */
};

struct import_counts {
	long added, updated, unchanged, skipped, differ;
	long badutf8;		/* rows skipped for invalid UTF-8 */
	long badutf8_line;	/* the first of them */
};

struct import_ctx {
	struct cli *cli;
	const char *file;
	const char *encoding;	/* --encoding, or NULL */
	struct csvread *r;
	struct import_cols cols;
	struct import_counts n;
	int update;
	int64_t list_id;
};

/*
 * Header spellings a spreadsheet user writes for the contact fields,
 * compared lower-cased without spaces, '-', '_' and '.', so "E-mail",
 * "Email Address", "Full name" and "Organization" all find their field.
 */
static const struct {
	const char *spelling, *field;
} import_aliases[] = {
	{ "email", "email" }, { "emailaddress", "email" },
	{ "mail", "email" }, { "mailaddress", "email" },
	{ "name", "name" }, { "fullname", "name" },
	{ "organisation", "organisation" }, { "organization", "organisation" },
	{ "org", "organisation" },
	{ "role", "role" },
	{ "country", "country" },
	{ "language", "language" }, { "lang", "language" },
};

static void
import_cols_free(struct import_cols *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->names[i]);
		free(c->heads[i]);
	}
	free(c->names);
	free(c->heads);
	free(c->is_attr);
}

/* The field a header cell names, or NULL: it is an attribute. */
static const char *
import_field_for(const char *head)
{
	char sq[64];
	size_t i, n = 0;

	for (i = 0; head[i]; i++) {
		if (strchr(" -_.", head[i]))
			continue;
		if (n + 1 == sizeof sq)
			return NULL;
		sq[n++] = (char)tolower((unsigned char)head[i]);
	}
	sq[n] = '\0';
	for (i = 0; i < sizeof import_aliases / sizeof import_aliases[0]; i++)
		if (strcmp(sq, import_aliases[i].spelling) == 0)
			return import_aliases[i].field;
	return NULL;
}

/* An attribute's name from its header: lower-cased, spaces to '_'. */
static char *
import_attr_name(const char *head)
{
	char *v = xstrdup(head), *p;

	text_lower(v);
	for (p = v; *p; p++)
		if (*p == ' ')
			*p = '_';
	return v;
}

static const char *
import_delim_name(const struct import_ctx *x)
{
	switch (csvread_delim(x->r)) {
	case ';': return "semicolons";
	case '\t': return "tabs";
	default: return "commas";
	}
}

static void
import_hint_encoding(const struct import_ctx *x, long line)
{
	fprintf(stderr, "%s: not UTF-8 (first on line %ld): it looks like "
	    "Windows-1252 or Latin-1, as spreadsheets save \"CSV\"; import "
	    "it with --encoding cp1252 (or latin1), or convert it first: "
	    "iconv -f CP1252 -t UTF-8 %s > utf8.csv\n", x->file, line,
	    x->file);
}

static int
import_header(struct import_ctx *x, const struct csvrow *row)
{
	struct import_cols *c = &x->cols;
	size_t i, j;
	int have_email = 0;

	c->n = row->nfields;
	c->names = xcalloc(c->n, sizeof *c->names);
	c->heads = xcalloc(c->n, sizeof *c->heads);
	c->is_attr = xcalloc(c->n, sizeof *c->is_attr);
	for (i = 0; i < c->n; i++) {
		const char *field;
		char q[96], q2[96];

		if (strlen(row->fields[i]) != row->lens[i])
			return cli_fail(EX_DATAERR, "%s:%ld: NUL byte in header",
			    x->file, row->line);
		if (!text_utf8_valid(row->fields[i], row->lens[i])) {
			import_hint_encoding(x, row->line);
			return cli_fail(EX_DATAERR, "%s:%ld: header: invalid "
			    "UTF-8", x->file, row->line);
		}
		c->heads[i] = text_trimdup(row->fields[i]);
		/* "status" is an attribute: a CSV does not set it */
		if ((field = import_field_for(c->heads[i])) != NULL)
			c->names[i] = xstrdup(field);
		else
			c->names[i] = import_attr_name(c->heads[i]);
		for (j = 0; j < i; j++)
			if (strcmp(c->names[i], c->names[j]) == 0) {
				if (strcasecmp(c->heads[i], c->heads[j]) == 0)
					return cli_fail(EX_DATAERR, "%s:%ld: "
					    "column \"%s\" appears twice",
					    x->file, row->line,
					    text_quote(c->heads[i], q, sizeof q));
				return cli_fail(EX_DATAERR, "%s:%ld: columns "
				    "\"%s\" and \"%s\" both mean %s", x->file,
				    row->line, text_quote(c->heads[j], q, sizeof q),
				    text_quote(c->heads[i], q2, sizeof q2),
				    c->names[i]);
			}
		if (field && strcmp(field, "email") == 0) {
			c->email = i;
			have_email = 1;
		} else if (field == NULL) {
			if (!contact_attr_key_valid(c->names[i]))
				return cli_fail(EX_DATAERR, "%s:%ld: column "
				    "\"%s\" is no contact field, and attribute "
				    "names use a-z, 0-9, _ and - (the header was "
				    "split at %s)", x->file, row->line,
				    text_quote(c->heads[i], q, sizeof q),
				    import_delim_name(x));
			c->is_attr[i] = 1;
		}
	}
	if (!have_email)
		return cli_fail(EX_DATAERR, "%s:%ld: no \"email\" column in the "
		    "header row (also read as email: E-mail, Email Address, "
		    "Mail)", x->file, row->line);
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
		if (!text_utf8_valid(row->fields[i], row->lens[i])) {
			if (x->n.badutf8++ == 0)
				x->n.badutf8_line = row->line;
			return import_skip(x, row->line, "column \"%s\": invalid "
			    "UTF-8", x->cols.heads[i]) + 1;
		}
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
	bar.bytes = 1;		/* it counts the file's bytes: KB and MB */
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
	const struct import_cols *c = &x->cols;
	const char *sep = "";
	size_t i;

	printf("%s: %ld added, %ld updated, %ld unchanged, %ld skipped\n",
	    x->file, x->n.added, x->n.updated, x->n.unchanged, x->n.skipped);
	if (x->n.differ)
		printf("%ld existing contacts differ from the file and were kept "
		    "as they are: import with --update to change them\n",
		    x->n.differ);
	for (i = 0; i < c->n; i++) {
		if (!c->is_attr[i])
			continue;
		if (*sep == '\0')
			fputs("columns kept as attributes: ", stdout);
		if (strcmp(c->heads[i], c->names[i]) == 0)
			printf("%s%s", sep, c->names[i]);
		else
			printf("%s%s (\"%s\")", sep, c->names[i], c->heads[i]);
		sep = ", ";
	}
	if (*sep)
		putchar('\n');
	if (x->n.badutf8)
		import_hint_encoding(x, x->n.badutf8_line);
}

int
cmd_contact_import(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", required_argument, NULL, 'l' },
		{ "update", no_argument, NULL, 'u' },
		{ "encoding", required_argument, NULL, 'e' },
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
		case 'e': x.encoding = optarg; break;
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
	if (x.encoding && csvread_set_encoding(r, x.encoding) == -1) {
		csvread_close(&r);
		return cli_fail(EX_USAGE, "--encoding %s: herald reads utf-8, "
		    "latin1 (iso-8859-1) and cp1252 (windows-1252)", x.encoding);
	}
	x.r = r;
	if ((rc = cli_begin(c)) == 0 && (rc = import_find_list(&x, list)) == 0)
		rc = import_rows(&x, r);
	csvread_close(&r);
	x.r = NULL;
	if (rc != 0)
		cli_rollback(c);
	else if ((rc = cli_commit(c)) == 0) {
		import_summary(&x);
		rc = x.n.skipped ? EX_DATAERR : 0;
	}
	import_cols_free(&x.cols);
	return rc;
}
