/* Unit tests: lib/csvread (libcsv with line numbers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "lib/csvread.h"

static char path[] = "/tmp/herald-t_csvread-XXXXXX";

static struct csvread *
open_text(const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	fwrite(text, 1, len, f);
	fclose(f);
	return csvread_open(path);
}

#define OPEN(s) open_text(s, sizeof(s) - 1)

static void
test_lines(void)
{
	struct csvread *r = OPEN("\xef\xbb\xbf" "email,name\r\n"
	    "a@x.org,\"Smith, Ann\"\r\n"
	    "\r\n"
	    "b@x.org,\"two\nlines\"\n"
	    "c@x.org,\"say \"\"hi\"\"\"\n"
	    "d@x.org");
	struct csvrow *row;
	char err[256];

	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->line == 1 && row->nfields == 2);
	CHECK_STR(row->fields[0], "email");	/* BOM dropped */
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->line == 2);
	CHECK_STR(row->fields[1], "Smith, Ann");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->line == 4);		/* the blank line 3 is skipped */
	CHECK_STR(row->fields[1], "two\nlines");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->line == 6);		/* after a two-line record */
	CHECK_STR(row->fields[1], "say \"hi\"");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->line == 7);		/* no final newline */
	CHECK_STR(row->fields[0], "d@x.org");
	CHECK(csvread_next(r, &row, err, sizeof err) == 0);
	CHECK(csvread_offset(r) == csvread_size(r));
	csvread_close(&r);
}

static void
test_unterminated(void)
{
	struct csvread *r = OPEN("email,name\na@x.org,\"open\nb@x.org,b\n");
	struct csvrow *row;
	char err[256];

	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->error != NULL && row->line == 2 && row->nfields == 0);
	CHECK(csvread_next(r, &row, err, sizeof err) == 0);
	csvread_close(&r);
}

static void
test_stray_quote(void)
{
	struct csvread *r = OPEN("email,name\na@x.org,x\"y\nb@x.org,\"ok\"\n"
	    "c@x.org,\"a\"b\nd@x.org,d\n");
	struct csvrow *row;
	char err[256];

	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->error != NULL && row->line == 2);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->error == NULL && row->line == 3);
	CHECK_STR(row->fields[1], "ok");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->error != NULL && row->line == 4);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->error == NULL && row->line == 5);
	CHECK_STR(row->fields[0], "d@x.org");
	CHECK(csvread_next(r, &row, err, sizeof err) == 0);
	csvread_close(&r);
}

static void
test_nul(void)
{
	static const char text[] = "a,b\nx\0y,z\n";
	struct csvread *r = open_text(text, sizeof text - 1);
	struct csvrow *row;
	char err[256];

	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->lens[0] == 3 && strlen(row->fields[0]) == 1);
	csvread_close(&r);
}

/* A file of the text, then n bytes of c, then the tail. */
static struct csvread *
open_big(const char *head, int c, size_t n, const char *tail)
{
	FILE *f = fopen(path, "w");
	char block[4096];
	size_t k;

	memset(block, c, sizeof block);
	fputs(head, f);
	for (; n > 0; n -= k) {
		k = n < sizeof block ? n : sizeof block;
		fwrite(block, 1, k, f);
	}
	fputs(tail, f);
	fclose(f);
	return csvread_open(path);
}

/*
 * A quote never closed in a big file: reading stops once the record
 * passes CSVREAD_RECORD_MAX, naming file and line, with the rest of the
 * file unread.
 */
static void
test_record_cap(void)
{
	struct csvread *r = open_big("email,name\na@x.org,A\nb@x.org,\"", 'x',
	    8 * 1024 * 1024, "\nc@x.org,C\n");
	struct csvrow *row;
	char err[1200], want[300];

	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->error == NULL && row->line == 2);
	CHECK(csvread_next(r, &row, err, sizeof err) == -1);
	snprintf(want, sizeof want, "%s:3: record longer than", path);
	CHECK(strstr(err, want) != NULL);
	CHECK(csvread_offset(r) < 2 * CSVREAD_RECORD_MAX);
	CHECK(csvread_next(r, &row, err, sizeof err) == -1);
	csvread_close(&r);

	/* a line without an end, no quote at all */
	r = open_big("email,name\n", 'y', 8 * 1024 * 1024, "");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_next(r, &row, err, sizeof err) == -1);
	snprintf(want, sizeof want, "%s:2: record longer than", path);
	CHECK(strstr(err, want) != NULL);
	CHECK(csvread_offset(r) < 2 * CSVREAD_RECORD_MAX);
	csvread_close(&r);

	/* just under the cap the record ends: a bad row, reading goes on */
	r = open_big("email,name\na@x.org,\"", 'z', CSVREAD_RECORD_MAX - 100,
	    "\"\nb@x.org,B\n");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->line == 2 && row->error != NULL);	/* its field is too long */
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->line == 3 && row->error == NULL);
	CHECK(csvread_next(r, &row, err, sizeof err) == 0);
	csvread_close(&r);
}

/* A field or a field count over its limit: that row is bad, not the file. */
static void
test_field_caps(void)
{
	struct csvread *r = open_big("email,name\na@x.org,", 'x',
	    CSVREAD_FIELD_MAX + 1, "\nb@x.org,B\n");
	struct csvrow *row;
	char err[1200];
	FILE *f;
	int i;

	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->line == 2 && row->error != NULL && row->nfields == 0);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->line == 3 && row->error == NULL);
	CHECK_STR(row->fields[0], "b@x.org");
	csvread_close(&r);

	/* exactly the limit is fine, across several 64 KiB pieces */
	r = open_big("email,name\na@x.org,", 'x', CSVREAD_FIELD_MAX,
	    "\nb@x.org,B\n");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->error == NULL && row->lens[1] == CSVREAD_FIELD_MAX);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->line == 3);
	csvread_close(&r);

	f = fopen(path, "w");
	for (i = 0; i < CSVREAD_FIELDS_MAX; i++)
		fputs(i ? ",a" : "a", f);
	fputs("\n", f);
	for (i = 0; i <= CSVREAD_FIELDS_MAX; i++)
		fputs(i ? ",b" : "b", f);
	fputs("\nc\n", f);
	fclose(f);
	r = csvread_open(path);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->error == NULL && row->nfields == CSVREAD_FIELDS_MAX);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->error != NULL && row->line == 2);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->error == NULL && row->line == 3);
	csvread_close(&r);
}

/* The separator comes from the header row: ',' ';' or tab. */
static void
test_delim(void)
{
	struct csvread *r = OPEN("\xef\xbb\xbf" "email;name;\"a,b,c,d\"\n"
	    "a@x.org;\"Smith; Ann\";1,5\n"
	    "b@x.org;x\"y;2\n"
	    "c@x.org;C;3\n");
	struct csvrow *row;
	char err[256];

	CHECK(csvread_delim(r) == ',');
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_delim(r) == ';');
	CHECK(row->nfields == 3);
	CHECK_STR(row->fields[0], "email");	/* BOM dropped */
	CHECK_STR(row->fields[2], "a,b,c,d");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->nfields == 3);
	CHECK_STR(row->fields[1], "Smith; Ann");
	CHECK_STR(row->fields[2], "1,5");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->error != NULL && row->line == 3);
	/* after a bad record the parser starts afresh, with ';' still */
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->error == NULL && row->nfields == 3 && row->line == 4);
	csvread_close(&r);

	r = OPEN("email\tname\torganisation\n" "a@x.org\tAnn, Smith\tO; P\n");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_delim(r) == '\t' && row->nfields == 3);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->nfields == 3);
	CHECK_STR(row->fields[1], "Ann, Smith");
	CHECK_STR(row->fields[2], "O; P");
	csvread_close(&r);

	/* a tie, or a single column: ',' */
	r = OPEN("email;name,x\na@x.org;b,c\n");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_delim(r) == ',' && row->nfields == 2);
	csvread_close(&r);
	r = OPEN("\n\nemail\na@x.org\n");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_delim(r) == ',' && row->nfields == 1 && row->line == 3);
	csvread_close(&r);
}

/* Windows-1252 and Latin-1 files, converted to UTF-8 as they are read. */
static void
test_encoding(void)
{
	struct csvread *r = OPEN("email;name\r\n"
	    "jose@x.org;Jos\xe9 P\xe9rez \x80\r\n"
	    "\"q@x.org\";\"\x93Q\x94\"\r\n");
	struct csvrow *row;
	char err[256], want[300];

	CHECK(csvread_set_encoding(r, "koi8-r") == -1);
	CHECK(csvread_set_encoding(r, "CP1252") == 0);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_delim(r) == ';');
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(row->line == 2);
	CHECK_STR(row->fields[1], "Jos\xc3\xa9 P\xc3\xa9rez \xe2\x82\xac");
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK_STR(row->fields[1], "\xe2\x80\x9cQ\xe2\x80\x9d");
	CHECK(csvread_next(r, &row, err, sizeof err) == 0);
	CHECK(csvread_offset(r) == csvread_size(r));
	csvread_close(&r);

	/* Latin-1: every byte is a character */
	r = OPEN("email,name\na@x.org,\xc5sa \xfc\n");
	CHECK(csvread_set_encoding(r, "latin1") == 0);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK_STR(row->fields[1], "\xc3\x85sa \xc3\xbc");
	csvread_close(&r);

	/* 0x81 is no Windows-1252 character: reading stops, line named */
	r = OPEN("email,name\na@x.org,A\nb@x.org,\x81\n");
	CHECK(csvread_set_encoding(r, "windows-1252") == 0);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_next(r, &row, err, sizeof err) == -1);
	snprintf(want, sizeof want, "%s:3: byte 0x81 is not a Windows-1252 "
	    "character", path);
	CHECK(strstr(err, want) != NULL);
	csvread_close(&r);

	/* utf-8 by name: read as is */
	r = OPEN("email,name\na@x.org,\xc3\xa9\n");
	CHECK(csvread_set_encoding(r, "UTF-8") == 0);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK(csvread_next(r, &row, err, sizeof err) == 1);
	CHECK_STR(row->fields[1], "\xc3\xa9");
	csvread_close(&r);
}

int
main(void)
{
	int fd = mkstemp(path);

	if (fd == -1)
		return 1;
	close(fd);
	test_lines();
	test_unterminated();
	test_nul();
	test_stray_quote();
	test_record_cap();
	test_field_caps();
	test_delim();
	test_encoding();
	CHECK(csvread_open("/nonexistent.csv") == NULL);
	CHECK(csvread_open("/tmp") == NULL);
	unlink(path);
	return check_done("t_csvread");
}
