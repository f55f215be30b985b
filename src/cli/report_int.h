/*
 * report_int: what "herald report" says, as blocks that cmd_report.c
 * gathers and prints as text and report_html.c writes as one HTML page.
 */
#ifndef HERALD_REPORT_INT_H
#define HERALD_REPORT_INT_H

#include <stddef.h>
#include <stdio.h>

#define RB_MAXCOLS 8

enum rb_chart {
	RB_CHART_NONE,
	RB_CHART_BARS,		/* horizontal bars: label col 0, value col */
	RB_CHART_DAYS		/* columns by day: label col 0, value, marks */
};

/* One table, or a line saying there is nothing to show. */
struct rblock {
	char *title;
	int ncols;
	const char *head[RB_MAXCOLS];
	int numeric[RB_MAXCOLS];	/* right-aligned; never cut */
	int maxw[RB_MAXCOLS];		/* text: at most this many cells */
	char **cells;			/* nrows * ncols, owned */
	size_t nrows, size;
	const char *empty;		/* printed instead of an empty table */
	enum rb_chart chart;
	int value_col, mark_col;	/* for the chart */
	char *note;			/* a line under the table, or NULL */
};

/* A part of the report: an event or a relay network. */
struct rsection {
	char *title;
	char *lines[4];			/* lines under the title (made, zone) */
	struct rblock *blocks;
	size_t nblocks, size;
};

struct report {
	char *made;			/* when, for people, the zone named */
	struct rsection *sections;
	size_t nsections, size;
};

/* Write the report as one self-contained HTML page. Returns 0 or -1. */
int report_write_html(const struct report *r, FILE *f);
/* The cell at row i, column j. */
const char *rb_cell(const struct rblock *b, size_t i, int j);

#endif
