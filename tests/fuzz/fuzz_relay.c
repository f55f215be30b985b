/*
 * Fuzz target: any bytes as a list post, through relay_build, with and
 * without a subject tag. Every copy must be built or refused cleanly,
 * and a built one must have CRLF line ends only and no field the
 * poster could have slipped past the drop list (one From, one
 * Reply-To). Seeds: the .eml files in tests/data/mail.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "mail/relay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Header fields of the copy named name, at line starts. */
static int
fuzz_count(const char *m, size_t len, const char *name)
{
	size_t i, n = strlen(name);
	int c = 0;

	for (i = 0; i + n < len; i++) {
		if (i > 0 && m[i - 1] != '\n')
			continue;
		if (m[i] == '\r' && i + 1 < len && m[i + 1] == '\n')
			break;		/* end of the header */
		if (strncasecmp(m + i, name, n) == 0 && m[i + n] == ':')
			c++;
	}
	return c;
}

static void
fuzz_one(const uint8_t *data, size_t size, const char *tag)
{
	struct relay_headers h;
	const char *err;
	struct buf b;
	size_t i;

	memset(&h, 0, sizeof h);
	h.list = "net";
	h.lists_domain = "lists.example.org";
	h.poster_name = "Ana";
	h.poster_addr = "ana@redes.org";
	h.tag = tag;
	h.subject = "x";
	h.unsubscribe = "mailto:office+u1-x@example.org";
	h.date = 1800000000;
	h.message_id = "m1-x@example.org";
	buf_init(&b, 1 << 24);
	if (relay_build((const char *)data, size, &h, &b, &err) == 0) {
		for (i = 0; i < b.len; i++)
			if ((b.data[i] == '\n' && (i == 0 ||
			    b.data[i - 1] != '\r')) || (b.data[i] == '\r' &&
			    (i + 1 == b.len || b.data[i + 1] != '\n')))
				abort();	/* a bare CR or LF */
		if (fuzz_count(b.data, b.len, "From") != 1 ||
		    fuzz_count(b.data, b.len, "Reply-To") != 1)
			abort();
	}
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(data, size, "");
	fuzz_one(data, size, "net");
	return 0;
}
