/*
 * out: how listing commands print: aligned tables for people, CSV
 * (RFC 4180) and JSON for programs.
 */
#ifndef HERALD_OUT_H
#define HERALD_OUT_H

#include <stdint.h>
#include <stdio.h>

struct table;

struct table *table_new(int ncols, const char *const *headers);
/* Append a row of ncols strings (copied; NULL prints as ""). */
void table_add(struct table *t, const char *const *cells);
/*
 * Aligned columns, cells measured in terminal cells (text_width). On a
 * terminal the line is fitted to out_term_width(): the widest text
 * column is cut first, with an ellipsis; elsewhere nothing is cut.
 */
void table_print(const struct table *t, FILE *f);
/* Cells available on f: 0 when f is not a terminal (no limit). */
size_t out_term_width(FILE *f);
void table_print_csv(const struct table *t, FILE *f);
/*
 * A listing that streams: print the rows added so far and forget them.
 * The first call prints the headings and fixes the column widths from
 * the rows it has (later, wider cells are cut with an ellipsis).
 */
void table_flush(struct table *t, FILE *f);
void table_flush_csv(struct table *t, FILE *f);
size_t table_rows(const struct table *t);
void table_free(struct table **t);

/*
 * Times for people in tables: the zone they are shown in is the one set
 * here (the event's when a command is about one event, else herald.conf's
 * display_tz; "" for the system's zone). out_time prints t in it, the
 * zone named: "2027-03-02 10:00 (Europe/Zurich)". JSON keeps ISO 8601.
 */
void out_set_time_zone(const char *tz);
const char *out_time_zone(void);
char *out_time(int64_t t, char *buf, size_t len);

/* One CSV field, quoted when needed. */
void out_csv_field(FILE *f, const char *s);

/* A streaming JSON writer with commas handled for the caller. */
struct json {
	FILE *f;
	int depth;
	int need_comma[32];
};

void json_init(struct json *j, FILE *f);
void json_open(struct json *j, char c);	/* '{' or '[' */
void json_close(struct json *j, char c);	/* '}' or ']'; newline at end */
void json_key(struct json *j, const char *k);
void json_str(struct json *j, const char *s);	/* NULL prints null */
void json_int(struct json *j, int64_t v);
void json_null(struct json *j);
void json_bool(struct json *j, int v);
/* Shorthands for "key": value. */
void json_kstr(struct json *j, const char *k, const char *s);
void json_kint(struct json *j, const char *k, int64_t v);
/* "key": "ISO time" or null when t == 0. */
void json_ktime(struct json *j, const char *k, int64_t t);

#endif
