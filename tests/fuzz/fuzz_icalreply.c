/*
 * Fuzz target: icalreply_parse on any bytes, handed over without a
 * terminating NUL (in a buffer of exactly that size, so ASan sees any
 * read past the end), then icalreply_answer with and without a sender.
 * Checks that every string in the result is terminated inside its field.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "in/icalreply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_terminated(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct icalreply r;
	const char *why = NULL;
	char *ics = malloc(size ? size : 1);
	size_t i;
	int rc;

	if (ics == NULL)
		return 0;
	memcpy(ics, data, size);
	rc = icalreply_parse(ics, size, &r);
	if ((rc != 0 && rc != -1) || r.why == NULL ||
	    r.nattendees > ICALREPLY_ATTENDEES || (rc == -1 && r.is_reply))
		abort();
	fuzz_terminated(r.method, sizeof r.method);
	fuzz_terminated(r.uid, sizeof r.uid);
	fuzz_terminated(r.organizer, sizeof r.organizer);
	fuzz_terminated(r.comment, sizeof r.comment);
	for (i = 0; i < r.nattendees; i++) {
		fuzz_terminated(r.attendees[i].addr, sizeof r.attendees[i].addr);
		fuzz_terminated(r.attendees[i].partstat,
		    sizeof r.attendees[i].partstat);
		if (strpbrk(r.attendees[i].addr, " \t\r\n") != NULL)
			abort();
	}
	icalreply_answer(&r, NULL, &why);
	if (why == NULL)
		abort();
	icalreply_answer(&r, r.nattendees ? r.attendees[0].addr : "a@x.org",
	    NULL);
	free(ics);
	return 0;
}
