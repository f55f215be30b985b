/* Unit tests: in/imap_scan (literal sizes refused before libetpan). */
#include <string.h>

#include "check.h"
#include "in/imap_scan.h"

#define MAX 100

/* Fed whole, then a byte at a time: the same answer. */
static int
scan(const char *s)
{
	struct imap_scan sc;
	size_t i, n = strlen(s);
	int whole, bytes = 0;

	imap_scan_init(&sc);
	whole = imap_scan(&sc, s, n, MAX);
	imap_scan_init(&sc);
	for (i = 0; i < n && bytes == 0; i++)
		bytes = imap_scan(&sc, s + i, 1, MAX);
	CHECK(whole == bytes);
	return whole;
}

int
main(void)
{
	char big[400];

	/* the faults: a size over the limit, at a line's end or not */
	CHECK(scan("* 1 FETCH (UID 1 BODY[] {4294967295}\r\n") == -1);
	CHECK(scan("* 1 FETCH (UID 1 BODY[] {101}\r\n") == -1);
	CHECK(scan("* 1 FETCH (BODY[] {99999999999999999999999999}\r\n") == -1);
	CHECK(scan("* 1 FETCH (UID 1 BODY[] {4294967295}  x") == -1);
	CHECK(scan("* OK [ALERT] {4294967295}\r\n") == -1);
	CHECK(scan("* 1 FETCH (BODY[] {4294967295\n") == -1);
	/* within the limit, and the text of a status answer */
	CHECK(scan("* 1 FETCH (UID 1 BODY[] {100}\r\n") == 0);
	CHECK(scan("* OK {5}\r\n* BYE {} {x}\r\n") == 0);
	/* a literal's bytes are mail: nothing in them counts */
	CHECK(scan("* 1 FETCH (UID 1 BODY[] {16}\r\n{4294967295}\r\nab"
	    " BODY[HEADER] {3}\r\nabc)\r\n2 OK done\r\n") == 0);
	/* ... but after it, the line and the next ones do */
	CHECK(scan("* 1 FETCH (BODY[] {3}\r\nabc BODY[HEADER] {200}\r\n")
	    == -1);
	CHECK(scan("* 1 FETCH (BODY[] {3}\r\nabc)\r\n* 2 FETCH (BODY[] "
	    "{200}\r\n") == -1);
	/* a final "{N}" in a status answer is text: what follows is read */
	CHECK(scan("* OK see {50}\r\n* 2 FETCH (BODY[] {4294967295}\r\n")
	    == -1);
	CHECK(scan("+ {50}\r\n* 2 FETCH (BODY[] {4294967295}\r\n") == -1);
	CHECK(scan("A7 NO see {50}\r\n* 2 FETCH (BODY[] {4294967295}\r\n")
	    == -1);
	/* a literal just under the limit, its bytes full of sizes */
	memset(big, 'x', sizeof big);
	memcpy(big, "* 9 FETCH (BODY[] {99}\r\n", 24);
	memcpy(big + 24, "{4294967295}\r\n", 14);
	memcpy(big + 24 + 99, ")\r\n", 4);
	CHECK(scan(big) == 0);
	return check_done("t_imap_scan");
}
