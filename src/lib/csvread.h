/*
 * csvread: records from a CSV file (RFC 4180, parsed by libcsv) with the
 * line each record starts on, so errors can name "FILE:LINE". Quoted
 * fields may hold commas and line breaks; blank lines are skipped; a
 * UTF-8 byte-order mark is dropped.
 *
 * Memory is bounded while reading, whatever the file: the file is fed
 * to libcsv in pieces of at most 64 KiB, and a record may hold at most
 * CSVREAD_RECORD_MAX bytes. Past that (a quote never closed, a line
 * without an end) reading stops without reading the rest of it: where
 * the record would end cannot be known. A record with a field over
 * CSVREAD_FIELD_MAX bytes or more than CSVREAD_FIELDS_MAX fields ends
 * where it should, so it comes back as a malformed record and reading
 * goes on.
 */
#ifndef HERALD_CSVREAD_H
#define HERALD_CSVREAD_H

#include <stddef.h>
#include <stdint.h>

#define CSVREAD_RECORD_MAX (1024 * 1024)
#define CSVREAD_FIELD_MAX (64 * 1024)
#define CSVREAD_FIELDS_MAX 1024

struct csvread;

struct csvrow {
	long line;		/* physical line the record starts on */
	size_t nfields;
	char **fields;		/* NUL-terminated copies */
	size_t *lens;		/* byte lengths (a field may contain NUL) */
	const char *error;	/* malformed record: why (no fields then) */
};

/* NULL with errno set when the file cannot be opened. */
struct csvread *csvread_open(const char *path);
/*
 * The next record: 1 and *row (valid until the next call), 0 at end of
 * file, -1 on a read error or a record over CSVREAD_RECORD_MAX (err set
 * to "FILE: ..." or "FILE:LINE: ..."; reading cannot go on). A
 * malformed record (a stray quote, a quote never closed at the end of
 * the file, a field or field count over the limits) comes back with
 * row->error set and no fields; reading goes on with the next line.
 */
int csvread_next(struct csvread *r, struct csvrow **row, char *err,
    size_t errlen);
/* Bytes consumed so far and the file's size, for a progress bar. */
int64_t csvread_offset(const struct csvread *r);
int64_t csvread_size(const struct csvread *r);
void csvread_close(struct csvread **r);

#endif
