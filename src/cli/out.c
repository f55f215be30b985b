/* out: see out.h. */
#include "cli/out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/text.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"

struct table {
	int ncols;
	char **headers;
	char **cells;	/* nrows * ncols */
	size_t nrows, size;
	size_t *w;	/* fixed by the first table_flush, else NULL */
	int flushed;	/* the headings are out */
	int term;	/* table_flush's f is a terminal */
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

/*
 * The cells a table may use on f: 0 (no limit) when f is not a
 * terminal, else $COLUMNS, else the terminal's own width, else 80.
 */
size_t
out_term_width(FILE *f)
{
	struct winsize ws;
	const char *env;
	char *end;
	long v;

	if (!isatty(fileno(f)))
		return 0;
	if ((env = getenv("COLUMNS")) != NULL && *env) {
		v = strtol(env, &end, 10);
		if (*end == '\0' && v > 0 && v < 10000)
			return (size_t)v;
	}
	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Print s in exactly w cells (cut with an ellipsis); no padding if last. */
static void
table_cell(FILE *f, const char *s, size_t w, int last)
{
	size_t cw = text_width(s), used = cw;

	if (cw > w) {
		size_t n = w > 0 ? text_fit(s, w - 1) : 0;

		fwrite(s, 1, n, f);
		if (w > 0)
			fputs("\xe2\x80\xa6", f);	/* U+2026 */
		used = w > 0 ? text_width_n(s, n) + 1 : 0;
	} else
		fputs(s, f);
	if (!last)
		fprintf(f, "%*s", (int)(w - used + 2), "");
}

static void
table_line(FILE *f, char *const *cells, const size_t *w, int n)
{
	int i;

	for (i = 0; i < n; i++)
		table_cell(f, cells[i], w[i], i == n - 1);
	fputc('\n', f);
}

/* 1 when every cell of column i is a number or empty. */
static int
table_numeric(const struct table *t, int i)
{
	size_t r;

	for (r = 0; r < t->nrows; r++) {
		const char *s = t->cells[r * (size_t)t->ncols + (size_t)i];

		if (*s == '-')
			s++;
		if (strspn(s, "0123456789.") != strlen(s))
			return 0;
	}
	return 1;
}

/*
 * Narrow the text columns until the line fits in width cells: always the
 * widest first, none below TABLE_MIN_COL cells (or its own width).
 */
#define TABLE_MIN_COL 6
static void
table_fit(const struct table *t, size_t *w, size_t width)
{
	size_t total = 0, best;
	int i, pick, *text = xcalloc((size_t)t->ncols, sizeof *text);

	for (i = 0; i < t->ncols; i++) {
		total += w[i] + (i ? 2 : 0);
		text[i] = !table_numeric(t, i);
	}
	while (total > width) {
		pick = -1;
		best = TABLE_MIN_COL;
		for (i = 0; i < t->ncols; i++)
			if (text[i] && w[i] > best) {
				best = w[i];
				pick = i;
			}
		if (pick == -1)
			break;	/* as narrow as it goes: the terminal wraps */
		w[pick]--;
		total--;
	}
	free(text);
}

/* Column widths for the rows held, fitted to f's terminal. */
static size_t *
table_widths(const struct table *t, FILE *f)
{
	size_t *w = xcalloc((size_t)t->ncols, sizeof *w), r, width;
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
	if ((width = out_term_width(f)) > 0)
		table_fit(t, w, width);
	return w;
}

void
table_print(const struct table *t, FILE *f)
{
	size_t *w = table_widths(t, f), r;

	table_line(f, t->headers, w, t->ncols);
	for (r = 0; r < t->nrows; r++)
		table_line(f, t->cells + r * (size_t)t->ncols, w, t->ncols);
	free(w);
}

/* Forget the rows held (they were printed). */
static void
table_forget(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	t->nrows = 0;
}

/*
 * A streamed row: on a terminal, cut to the fixed widths; elsewhere a
 * cell wider than its column pushes the rest of its line along, so
 * nothing is cut.
 */
static void
table_stream_line(const struct table *t, FILE *f, char *const *cells)
{
	size_t w[32];
	int i, n = t->ncols < 32 ? t->ncols : 32;

	if (t->term) {
		table_line(f, cells, t->w, t->ncols);
		return;
	}
	for (i = 0; i < n; i++) {
		size_t cw = text_width(cells[i]);

		w[i] = cw > t->w[i] ? cw : t->w[i];
	}
	table_line(f, cells, w, n);
}

void
table_flush(struct table *t, FILE *f)
{
	size_t r;

	if (t->w == NULL) {
		t->w = table_widths(t, f);
		t->term = out_term_width(f) > 0;
		table_line(f, t->headers, t->w, t->ncols);
		t->flushed = 1;
	}
	for (r = 0; r < t->nrows; r++)
		table_stream_line(t, f, t->cells + r * (size_t)t->ncols);
	table_forget(t);
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
table_flush_csv(struct table *t, FILE *f)
{
	size_t r;

	if (!t->flushed)
		table_csv_line(f, t->headers, t->ncols);
	t->flushed = 1;
	for (r = 0; r < t->nrows; r++)
		table_csv_line(f, t->cells + r * (size_t)t->ncols, t->ncols);
	table_forget(t);
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
	free(t->w);
	free(t);
	*tp = NULL;
}

/* The zone tables show times in: see out_set_time_zone. */
static char out_zone[256];

void
out_set_time_zone(const char *tz)
{
	snprintf(out_zone, sizeof out_zone, "%s", tz ? tz : "");
}

const char *
out_time_zone(void)
{
	return time_people_zone(NULL, out_zone);
}

char *
out_time(int64_t t, char *buf, size_t len)
{
	return time_format_people(t, NULL, out_zone, buf, len);
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
