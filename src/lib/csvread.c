/* csvread: see csvread.h. */
#include "lib/csvread.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lib/xmalloc.h"

/*
 * Pieces fed to libcsv: a line, or this much of a longer one, so a line
 * without an end never sits whole in memory. libcsv grows its field
 * buffer by CSVREAD_BLOCK at a time (128 bytes by default, which makes a
 * long field cost thousands of reallocs).
 */
#define CSVREAD_CHUNK (64 * 1024)
#define CSVREAD_BLOCK (64 * 1024)

struct csvread {
	FILE *f;
	char *path;
	struct csv_parser p;
	char *chunk;		/* CSVREAD_CHUNK bytes */
	iconv_t cd;		/* to UTF-8, or (iconv_t)-1: read as is */
	char *conv;		/* a converted piece: 3 bytes a byte at most */
	const char *encname;	/* for errors: "Windows-1252" */
	char delim;
	int delim_known;	/* found in the first record */
	long lineno;
	int line_open;		/* the last piece did not end its line */
	int64_t offset, size;
	int at_boundary;	/* no record is open in the parser */
	int eof;
	int stopped;		/* a record over the limit: no more reading */
	/* the record being built */
	struct csvrow cur;
	size_t fieldcap;
	size_t cur_bytes;	/* its fields' bytes so far */
	const char *cur_error;	/* over a field limit: handed out as bad */
	/* finished records not yet handed out (a CR-only file can end
	 * several in one line) */
	struct csvrow *done;
	size_t ndone, donecap, next;
	long cur_start;
};

static void
csvread_row_free(struct csvrow *row)
{
	size_t i;

	for (i = 0; i < row->nfields; i++)
		free(row->fields[i]);
	free(row->fields);
	free(row->lens);
	memset(row, 0, sizeof *row);
}

static void
csvread_field_cb(void *data, size_t len, void *priv)
{
	struct csvread *r = priv;
	struct csvrow *row = &r->cur;
	char *copy;

	r->cur_bytes += len;
	/* past a limit the record is bad: keep nothing more of it */
	if (len > CSVREAD_FIELD_MAX)
		r->cur_error = "field longer than 65536 bytes";
	else if (row->nfields == CSVREAD_FIELDS_MAX)
		r->cur_error = "more than 1024 fields";
	if (r->cur_error)
		return;
	copy = xmalloc(len + 1);
	if (len)
		memcpy(copy, data, len);
	copy[len] = '\0';
	if (row->nfields == r->fieldcap) {
		r->fieldcap = r->fieldcap ? r->fieldcap * 2 : 16;
		row->fields = xrealloc(row->fields,
		    r->fieldcap * sizeof *row->fields);
		row->lens = xrealloc(row->lens, r->fieldcap * sizeof *row->lens);
	}
	row->fields[row->nfields] = copy;
	row->lens[row->nfields++] = len;
}

static void
csvread_row_cb(int c, void *priv)
{
	struct csvread *r = priv;

	(void)c;
	if (r->ndone == r->donecap) {
		r->donecap = r->donecap ? r->donecap * 2 : 4;
		r->done = xrealloc(r->done, r->donecap * sizeof *r->done);
	}
	if (r->cur_error) {
		csvread_row_free(&r->cur);
		r->cur.error = r->cur_error;
	}
	r->cur.line = r->cur_start;
	r->done[r->ndone++] = r->cur;
	memset(&r->cur, 0, sizeof r->cur);
	r->fieldcap = 0;
	r->cur_bytes = 0;
	r->cur_error = NULL;
	/* a second record ending in the same line starts on that line */
	r->cur_start = r->lineno;
	r->at_boundary = 1;
}

static void
csvread_parser_init(struct csvread *r)
{
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		abort();
	csv_set_blk_size(&r->p, CSVREAD_BLOCK);
	/* a fresh parser after a bad record keeps the file's separator */
	csv_set_delim(&r->p, (unsigned char)r->delim);
}

struct csvread *
csvread_open(const char *path)
{
	struct csvread *r;
	struct stat st;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == -1 || S_ISDIR(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->f = f;
	r->path = xstrdup(path);
	r->chunk = xmalloc(CSVREAD_CHUNK);
	r->size = st.st_size;
	r->at_boundary = 1;
	r->cd = (iconv_t)-1;
	r->delim = ',';
	csvread_parser_init(r);
	return r;
}

int
csvread_set_encoding(struct csvread *r, const char *name)
{
	static const struct {
		const char *name, *iconv, *shown;
	} encs[] = {
		{ "utf-8", NULL, NULL }, { "utf8", NULL, NULL },
		{ "latin1", "ISO-8859-1", "Latin-1" },
		{ "latin-1", "ISO-8859-1", "Latin-1" },
		{ "iso-8859-1", "ISO-8859-1", "Latin-1" },
		{ "cp1252", "CP1252", "Windows-1252" },
		{ "windows-1252", "CP1252", "Windows-1252" },
	};
	size_t i;

	for (i = 0; i < sizeof encs / sizeof encs[0]; i++)
		if (strcasecmp(name, encs[i].name) == 0)
			break;
	if (i == sizeof encs / sizeof encs[0])
		return -1;
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	r->cd = (iconv_t)-1;
	if (encs[i].iconv == NULL)
		return 0;
	if ((r->cd = iconv_open("UTF-8", encs[i].iconv)) == (iconv_t)-1)
		return -1;
	if (r->conv == NULL)
		r->conv = xmalloc(3 * CSVREAD_CHUNK);
	r->encname = encs[i].shown;
	return 0;
}

char
csvread_delim(const struct csvread *r)
{
	return r->delim;
}

/*
 * The separator, from the first piece of the first record: the most
 * frequent of ',' ';' and tab outside quotes (',' wins a tie).
 */
static void
csvread_find_delim(struct csvread *r, const char *s, size_t n)
{
	size_t i, comma = 0, semi = 0, tab = 0;
	int quoted = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (s[i] == ',')
			comma++;
		else if (s[i] == ';')
			semi++;
		else if (s[i] == '\t')
			tab++;
	}
	r->delim = ',';
	if (semi > comma && semi >= tab)
		r->delim = ';';
	else if (tab > comma && tab > semi)
		r->delim = '\t';
	csv_set_delim(&r->p, (unsigned char)r->delim);
	r->delim_known = 1;
}

/*
 * The piece s[0..*n) in the file's encoding, as UTF-8 in r->conv: 0, or
 * -1 with err set at a byte the encoding has no character for.
 */
static int
csvread_convert(struct csvread *r, char **s, ssize_t *n, char *err,
    size_t errlen)
{
	char *in = *s, *out = r->conv;
	size_t inleft = (size_t)*n, outleft = 3 * CSVREAD_CHUNK;

	if (r->cd == (iconv_t)-1)
		return 0;
	iconv(r->cd, NULL, NULL, NULL, NULL);
	if (iconv(r->cd, &in, &inleft, &out, &outleft) == (size_t)-1) {
		snprintf(err, errlen, "%s:%ld: byte 0x%02X is not a %s "
		    "character: reading stopped here", r->path, r->lineno,
		    (unsigned char)*in, r->encname);
		r->stopped = 1;
		return -1;
	}
	*s = r->conv;
	*n = (ssize_t)(out - r->conv);
	return 0;
}

/*
 * Strict parsing stops at a malformed record: hand it out as an error
 * row and start a fresh parser on the next line.
 */
static void
csvread_bad_record(struct csvread *r, const char *why)
{
	csvread_row_free(&r->cur);
	r->fieldcap = 0;
	csvread_row_cb(0, r);
	r->done[r->ndone - 1].error = why;
	csv_free(&r->p);
	csvread_parser_init(r);
}

static int
csvread_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/*
 * The next piece of the file into r->chunk: up to and including a '\n',
 * or CSVREAD_CHUNK bytes of a longer line. Its length, 0 at the end,
 * -1 on a read error.
 */
static ssize_t
csvread_piece(struct csvread *r)
{
	size_t n = 0;
	int c;

	while (n < CSVREAD_CHUNK && (c = getc_unlocked(r->f)) != EOF) {
		r->chunk[n++] = (char)c;
		if (c == '\n')
			break;
	}
	return ferror(r->f) ? -1 : (ssize_t)n;
}

/*
 * A record over CSVREAD_RECORD_MAX: stop. The rest of it stays unread,
 * since where it would end (inside a quote, anything goes) is unknown.
 */
static int
csvread_too_long(struct csvread *r, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s:%ld: record longer than %d bytes (a quote "
	    "never closed?): reading stopped here", r->path, r->cur_start,
	    CSVREAD_RECORD_MAX);
	r->stopped = 1;
	return -1;
}

/* Feed one more piece (a physical line, or part of a long one). */
static int
csvread_feed(struct csvread *r, char *err, size_t errlen)
{
	ssize_t n;
	char *s;

	errno = 0;
	if ((n = csvread_piece(r)) <= 0) {
		if (n == -1) {
			snprintf(err, errlen, "%s: read error: %s", r->path,
			    strerror(errno));
			return -1;
		}
		r->eof = 1;
		if (csv_fini(&r->p, csvread_field_cb, csvread_row_cb, r) != 0)
			csvread_bad_record(r, "quoted field is never closed "
			    "(the rest of the file was read as part of it)");
		return 0;
	}
	s = r->chunk;
	if (r->offset == 0 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		n -= 3;
	}
	r->offset += s - r->chunk + n;
	if (n == 0)
		return 0;	/* a file that holds only a BOM */
	if (!r->line_open)
		r->lineno++;
	r->line_open = s[n - 1] != '\n';
	if (csvread_convert(r, &s, &n, err, errlen) == -1)
		return -1;
	if (r->at_boundary) {
		if (csvread_blank(s, (size_t)n))
			return 0;
		r->cur_start = r->lineno;
		r->at_boundary = 0;
	}
	if (!r->delim_known)
		csvread_find_delim(r, s, (size_t)n);
	if (csv_parse(&r->p, s, (size_t)n, csvread_field_cb, csvread_row_cb,
	    r) != (size_t)n) {
		csvread_bad_record(r, "malformed quotes (a quote inside an "
		    "unquoted field, or text after a closing quote)");
		r->at_boundary = 1;
	}
	/* the open record: its finished fields and the one in libcsv */
	if (r->cur_bytes + r->p.entry_pos > CSVREAD_RECORD_MAX)
		return csvread_too_long(r, err, errlen);
	return 0;
}

int
csvread_next(struct csvread *r, struct csvrow **row, char *err,
    size_t errlen)
{
	if (r->next > 0 && r->next == r->ndone) {
		while (r->ndone > 0)
			csvread_row_free(&r->done[--r->ndone]);
		r->next = 0;
	}
	while (r->next == r->ndone) {
		if (r->stopped) {
			snprintf(err, errlen, "%s: reading stopped", r->path);
			return -1;
		}
		if (r->eof)
			return 0;
		if (csvread_feed(r, err, errlen) == -1)
			return -1;
	}
	*row = &r->done[r->next++];
	return 1;
}

int64_t
csvread_offset(const struct csvread *r)
{
	return r->offset;
}

int64_t
csvread_size(const struct csvread *r)
{
	return r->size;
}

void
csvread_close(struct csvread **rp)
{
	struct csvread *r = *rp;

	if (r == NULL)
		return;
	while (r->ndone > 0)
		csvread_row_free(&r->done[--r->ndone]);
	csvread_row_free(&r->cur);
	free(r->done);
	free(r->chunk);
	free(r->conv);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	free(r->path);
	csv_free(&r->p);
	fclose(r->f);
	free(r);
	*rp = NULL;
}
