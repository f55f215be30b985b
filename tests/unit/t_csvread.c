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
	CHECK(csvread_open("/nonexistent.csv") == NULL);
	CHECK(csvread_open("/tmp") == NULL);
	unlink(path);
	return check_done("t_csvread");
}
