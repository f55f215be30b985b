/* out: see out.h. */
#include "cli/out.h"

#include <stdlib.h>
#include <string.h>

#include "lib/text.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"

struct table {
	int ncols;
	char **headers;
	char **cells;	/* nrows * ncols */
	size_t nrows, size;
};

struct table *
table_new(int ncols, const char *const *headers)
{
	struct table *t = xcalloc(1, sizeof *t);
	int i;

	t->ncols = ncols;
	t->headers = xcalloc((size_t)ncols, sizeof *t->headers);
	for (i = 0; i < ncols; i++)
		t->headers[i] = xstrdup(headers[i]);
	return t;
}

void
table_add(struct table *t, const char *const *cells)
{
	size_t base;
	int i;

	if (t->nrows == t->size) {
		t->size = t->size ? t->size * 2 : 16;
		t->cells = xrealloc(t->cells,
		    t->size * (size_t)t->ncols * sizeof *t->cells);
	}
	base = t->nrows++ * (size_t)t->ncols;
	for (i = 0; i < t->ncols; i++)
		t->cells[base + (size_t)i] = xstrdup(cells[i] ? cells[i] : "");
}

size_t
table_rows(const struct table *t)
{
	return t->nrows;
}

static void
table_line(FILE *f, char *const *cells, const size_t *w, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		size_t pad = w[i] - text_width(cells[i]);

		fputs(cells[i], f);
		if (i < n - 1)
			fprintf(f, "%*s", (int)(pad + 2), "");
	}
	fputc('\n', f);
}

void
table_print(const struct table *t, FILE *f)
{
	size_t *w = xcalloc((size_t)t->ncols, sizeof *w), r;
	int i;

	for (i = 0; i < t->ncols; i++)
		w[i] = text_width(t->headers[i]);
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++) {
			size_t cw = text_width(t->cells[r * (size_t)t->ncols +
			    (size_t)i]);

			if (cw > w[i])
				w[i] = cw;
		}
	table_line(f, t->headers, w, t->ncols);
	for (r = 0; r < t->nrows; r++)
		table_line(f, t->cells + r * (size_t)t->ncols, w, t->ncols);
	free(w);
}

void
out_csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
table_csv_line(FILE *f, char *const *cells, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		out_csv_field(f, cells[i]);
	}
	fputs("\r\n", f);
}

void
table_print_csv(const struct table *t, FILE *f)
{
	size_t r;

	table_csv_line(f, t->headers, t->ncols);
	for (r = 0; r < t->nrows; r++)
		table_csv_line(f, t->cells + r * (size_t)t->ncols, t->ncols);
}

void
table_free(struct table **tp)
{
	struct table *t = *tp;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < (size_t)t->ncols; i++)
		free(t->headers[i]);
	for (i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->headers);
	free(t->cells);
	free(t);
	*tp = NULL;
}

void
json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof *j);
	j->f = f;
}

static void
json_sep(struct json *j)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = 1;
}

void
json_open(struct json *j, char c)
{
	json_sep(j);
	fputc(c, j->f);
	if (j->depth < 31)
		j->depth++;
	j->need_comma[j->depth] = 0;
}

void
json_close(struct json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	fputc(c, j->f);
	if (j->depth == 0)
		fputc('\n', j->f);
}

static void
json_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

void
json_key(struct json *j, const char *k)
{
	json_sep(j);
	json_quote(j->f, k);
	fputc(':', j->f);
	/* the value that follows must not print another comma */
	j->need_comma[j->depth] = 0;
}

static void
json_value_done(struct json *j)
{
	j->need_comma[j->depth] = 1;
}

void
json_str(struct json *j, const char *s)
{
	json_sep(j);
	if (s)
		json_quote(j->f, s);
	else
		fputs("null", j->f);
	json_value_done(j);
}

void
json_int(struct json *j, int64_t v)
{
	json_sep(j);
	fprintf(j->f, "%lld", (long long)v);
}

void
json_null(struct json *j)
{
	json_sep(j);
	fputs("null", j->f);
}

void
json_bool(struct json *j, int v)
{
	json_sep(j);
	fputs(v ? "true" : "false", j->f);
}

void
json_kstr(struct json *j, const char *k, const char *s)
{
	json_key(j, k);
	json_str(j, s);
}

void
json_kint(struct json *j, const char *k, int64_t v)
{
	json_key(j, k);
	json_int(j, v);
}

void
json_ktime(struct json *j, const char *k, int64_t t)
{
	char buf[32];

	json_key(j, k);
	json_str(j, t ? time_format_utc(t, buf, sizeof buf) : NULL);
}
