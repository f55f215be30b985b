/*
 * report_html: "herald report --html": one self-contained page (no
 * external assets), charts as inline SVG, every value escaped; readable
 * on a phone (tables scroll sideways, charts scale) and printed on A4.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report_int.h"

static void
html_text(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
}

static const char html_style[] =
    "*{box-sizing:border-box}"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:#1b1b1b;background:#fff;margin:0 auto;padding:1rem;"
    "max-width:60rem;line-height:1.4}"
    "h1{font-size:1.5rem;margin:0 0 .25rem}"
    "h2{font-size:1.25rem;margin:2rem 0 .25rem;padding-top:.5rem;"
    "border-top:3px solid #2b5797}"
    "h3{font-size:1rem;margin:1.25rem 0 .4rem}"
    "p{margin:.2rem 0}.meta{color:#555}"
    ".scroll{overflow-x:auto}"
    "table{border-collapse:collapse;font-size:.9rem;min-width:50%}"
    "th,td{border-bottom:1px solid #ddd;padding:.2rem .6rem;"
    "text-align:left;vertical-align:top}"
    "th{background:#eef2f8;font-weight:600}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".none{color:#555;font-style:italic}"
    "svg{display:block;width:100%;max-width:40rem;height:auto;"
    "margin:.4rem 0}"
    "svg text{font-size:14px;fill:#1b1b1b}"
    ".legend span{display:inline-block;margin-right:1rem}"
    "@media (max-width:600px){body{padding:.5rem}"
    "table{font-size:.8rem}th,td{padding:.15rem .3rem}}"
    "@page{size:A4;margin:15mm}"
    "@media print{body{max-width:none;padding:0;font-size:10pt}"
    "h2{break-before:auto;break-after:avoid}h3{break-after:avoid}"
    "table,svg{break-inside:avoid}.scroll{overflow:visible}}";

static long
html_num(const char *s)
{
	return strtol(s, NULL, 10);
}

/* Horizontal bars: one per row, label and value written. */
static void
html_bars(FILE *f, const struct rblock *b)
{
	long max = 1, v;
	size_t i;
	int y, w, h = 22;

	for (i = 0; i < b->nrows; i++)
		if ((v = html_num(rb_cell(b, i, b->value_col))) > max)
			max = v;
	fprintf(f, "<svg viewBox=\"0 0 480 %d\" role=img aria-label=\"",
	    (int)b->nrows * h + 4);
	html_text(f, b->title);
	fputs("\">\n", f);
	for (i = 0; i < b->nrows; i++) {
		v = html_num(rb_cell(b, i, b->value_col));
		y = (int)i * h + 2;
		w = (int)(v * 300 / max);
		fprintf(f, "<text x=0 y=%d>", y + 15);
		html_text(f, rb_cell(b, i, 0));
		fprintf(f, "</text><rect x=100 y=%d width=%d height=%d "
		    "fill=\"#2b5797\"/><text x=%d y=%d>%ld</text>\n", y + 2,
		    w > 0 ? w : 1, h - 6, 100 + (w > 0 ? w : 1) + 6, y + 15, v);
	}
	fputs("</svg>\n", f);
}

/* Columns by day, sending and reminder days marked. */
static void
html_days(FILE *f, const struct rblock *b)
{
	long max = 1, v;
	size_t i, n = b->nrows;
	int x, hbar, top = 20, plot = 160, width;
	double cw;

	for (i = 0; i < n; i++)
		if ((v = html_num(rb_cell(b, i, b->value_col))) > max)
			max = v;
	width = 480;
	cw = (double)(width - 40) / (double)(n ? n : 1);
	fprintf(f, "<svg viewBox=\"0 0 %d %d\" role=img aria-label=\"",
	    width, top + plot + 40);
	html_text(f, b->title);
	fputs("\">\n", f);
	fprintf(f, "<line x1=30 y1=%d x2=%d y2=%d stroke=\"#999\"/>\n",
	    top + plot, width - 5, top + plot);
	fprintf(f, "<text x=0 y=%d>%ld</text><text x=0 y=%d>0</text>\n",
	    top + 10, max, top + plot);
	for (i = 0; i < n; i++) {
		const char *mark = rb_cell(b, i, b->mark_col);

		v = html_num(rb_cell(b, i, b->value_col));
		x = 35 + (int)(cw * (double)i);
		hbar = (int)(v * plot / max);
		if (strstr(mark, "sending"))
			fprintf(f, "<rect x=%d y=%d width=%d height=%d "
			    "fill=\"#f3c623\" opacity=\".5\"/>\n", x, top,
			    (int)cw > 2 ? (int)cw - 1 : 1, plot);
		if (strstr(mark, "reminder"))
			fprintf(f, "<rect x=%d y=%d width=%d height=%d "
			    "fill=\"#9bd1a3\" opacity=\".6\"/>\n", x, top,
			    (int)cw > 2 ? (int)cw - 1 : 1, plot);
		if (v > 0)
			fprintf(f, "<rect x=%d y=%d width=%d height=%d "
			    "fill=\"#2b5797\"><title>", x + 1, top + plot - hbar,
			    (int)cw > 3 ? (int)cw - 3 : 1, hbar);
		if (v > 0) {
			html_text(f, rb_cell(b, i, 0));
			fprintf(f, ": %ld</title></rect>\n", v);
		}
		/* a date under the first, the last and every seventh day */
		if (i == 0 || i + 1 == n || i % 7 == 0) {
			fprintf(f, "<text x=%d y=%d>", x, top + plot + 15 +
			    (i % 14 == 7 ? 14 : 0));
			html_text(f, rb_cell(b, i, 0) + 5);
			fputs("</text>\n", f);
		}
	}
	fputs("</svg>\n<p class=legend><span>&#9632; answers</span>"
	    "<span style=\"color:#c9a100\">&#9632; sending</span>"
	    "<span style=\"color:#3c9a4a\">&#9632; reminder</span></p>\n", f);
}

static void
html_block(FILE *f, const struct rblock *b)
{
	size_t i;
	int j;

	fputs("<h3>", f);
	html_text(f, b->title);
	fputs("</h3>\n", f);
	if (b->nrows == 0) {
		fputs("<p class=none>", f);
		html_text(f, b->empty ? b->empty : "none");
		fputs("</p>\n", f);
		return;
	}
	if (b->chart == RB_CHART_BARS)
		html_bars(f, b);
	else if (b->chart == RB_CHART_DAYS)
		html_days(f, b);
	fputs("<div class=scroll><table>\n<tr>", f);
	for (j = 0; j < b->ncols; j++) {
		fputs(b->numeric[j] ? "<th class=n>" : "<th>", f);
		html_text(f, b->head[j]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (i = 0; i < b->nrows; i++) {
		fputs("<tr>", f);
		for (j = 0; j < b->ncols; j++) {
			fputs(b->numeric[j] ? "<td class=n>" : "<td>", f);
			html_text(f, rb_cell(b, i, j));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
	if (b->note) {
		fputs("<p class=meta>", f);
		html_text(f, b->note);
		fputs("</p>\n", f);
	}
}

int
report_write_html(const struct report *r, FILE *f)
{
	size_t i, k;
	int j;

	fputs("<!doctype html>\n<html lang=en><head><meta charset=utf-8>\n"
	    "<meta name=viewport content=\"width=device-width,"
	    "initial-scale=1\">\n<title>herald report</title>\n<style>", f);
	fputs(html_style, f);
	fputs("</style></head><body>\n<h1>herald report</h1>\n"
	    "<p class=meta>Made ", f);
	html_text(f, r->made);
	fputs("</p>\n", f);
	for (i = 0; i < r->nsections; i++) {
		const struct rsection *s = &r->sections[i];

		fputs("<section>\n<h2>", f);
		html_text(f, s->title);
		fputs("</h2>\n", f);
		for (j = 0; j < 4 && s->lines[j]; j++) {
			fputs("<p class=meta>", f);
			html_text(f, s->lines[j]);
			fputs("</p>\n", f);
		}
		for (k = 0; k < s->nblocks; k++)
			html_block(f, &s->blocks[k]);
		fputs("</section>\n", f);
	}
	fputs("</body></html>\n", f);
	return ferror(f) ? -1 : 0;
}
