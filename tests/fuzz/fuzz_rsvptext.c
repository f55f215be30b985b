/*
 * Fuzz target: rsvptext_read on any bytes (made a C string at the first
 * NUL, as the caller's decoded body is). Checks what every result must
 * hold: a known answer, a line number only with an answer, and a why that
 * is a NUL-terminated line without control characters.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "in/rsvptext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsvptext_result r;
	char *text = malloc(size + 1);
	const char *why = NULL;
	size_t i, n;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rsvptext_read(text, &r);
	n = strnlen(r.why, sizeof r.why);
	if (n == 0 || n == sizeof r.why)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)r.why[i] < 0x20 || r.why[i] == 0x7f)
			abort();
	if (r.answer != RSVP_NONE && r.answer != RSVP_YES &&
	    r.answer != RSVP_NO && r.answer != RSVP_MAYBE)
		abort();
	if ((r.answer == RSVP_YES || r.answer == RSVP_NO) && r.line <= 0)
		abort();
	if (rsvptext_answer(text, &why) != r.answer || strcmp(why, r.why) != 0)
		abort();
	free(text);
	return 0;
}
