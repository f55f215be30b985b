/*
 * csvread: records from a CSV file (RFC 4180, parsed by libcsv) with the
 * line each record starts on, so errors can name "FILE:LINE". Quoted
 * fields may hold commas and line breaks; blank lines are skipped; a
 * UTF-8 byte-order mark is dropped.
 *
 * The separator is found in the first record (the header row): whichever
 * of ',' ';' and tab appears most often outside quotes, ',' on a tie, so
 * a spreadsheet's "CSV" export in a locale with decimal commas (';') and
 * a tab-separated file read as they were meant. A file in Latin-1 or
 * Windows-1252 can be read as UTF-8 (csvread_set_encoding): each piece is
 * converted with iconv before it is parsed; both are one byte a
 * character, so a piece never splits one.
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
 * Read the file as encoding name ("utf-8", "latin1", "iso-8859-1",
 * "cp1252", "windows-1252", any case) before the first csvread_next.
 * -1 when the name is not one of these (or iconv lacks it).
 */
int csvread_set_encoding(struct csvread *r, const char *name);
/* The separator in use: ',' ';' or '\t' (',' before the first record). */
char csvread_delim(const struct csvread *r);
/*
 * The next record: 1 and *row (valid until the next call), 0 at end of
 * file, -1 on a read error or a record over CSVREAD_RECORD_MAX (err set
 * to "FILE: ..." or "FILE:LINE: ..."; reading cannot go on; a byte
 * that is no character in the encoding set is such an error). A
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
