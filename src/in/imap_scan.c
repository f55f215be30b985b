/* imap_scan: see imap_scan.h. */
#include "in/imap_scan.h"

#include <string.h>
#include <strings.h>

/* Sizes are kept exactly up to here, then saturate (no overflow). */
#define IMAP_SCAN_HUGE 100000000000000000ULL

void
imap_scan_init(struct imap_scan *sc)
{
	memset(sc, 0, sizeof *sc);
}

/* Is the line a status answer, where a final "{N}" is only text? */
static int
imap_scan_status(const struct imap_scan *sc)
{
	static const char *const words[] = { "OK", "NO", "BAD", "BYE",
	    "PREAUTH" };
	const char *p = sc->line, *end = sc->line + sc->head;
	size_t i, len;

	if (sc->cont)
		return 0;
	if (p < end && *p == '+')
		return 1;
	while (p < end && *p != ' ')	/* the tag, or "*" */
		p++;
	if (p < end)
		p++;
	for (i = 0; i < sizeof words / sizeof *words; i++) {
		len = strlen(words[i]);
		if ((size_t)(end - p) > len && strncasecmp(p, words[i], len)
		    == 0 && p[len] == ' ')
			return 1;
	}
	return 0;
}

/* The end of a line: a literal starts when it ended with "{N}". */
static void
imap_scan_eol(struct imap_scan *sc)
{
	int literal = sc->brace == 2 && !imap_scan_status(sc);

	sc->skip = literal ? sc->num : 0;
	sc->cont = literal;
	sc->head = 0;
	sc->brace = sc->cr = 0;
}

static int
imap_scan_byte(struct imap_scan *sc, unsigned char c, uint64_t max)
{
	if (sc->head < sizeof sc->line)
		sc->line[sc->head++] = (char)c;
	if (sc->brace == 1 && c >= '0' && c <= '9') {
		if (sc->num < IMAP_SCAN_HUGE)
			sc->num = sc->num * 10 + (uint64_t)(c - '0');
		sc->digits = 1;
		return 0;
	}
	/* the size is whole: libetpan reads the whole line before it
	 * looks at it, so this is still in time */
	if (sc->brace == 1 && sc->digits && sc->num > max)
		return -1;
	if (c == '\n') {
		imap_scan_eol(sc);
	} else if (c == '{') {
		sc->brace = 1;
		sc->num = 0;
		sc->digits = sc->cr = 0;
	} else if (sc->brace == 1 && c == '}' && sc->digits) {
		sc->brace = 2;
	} else if (sc->brace == 2 && c == '\r' && !sc->cr) {
		sc->cr = 1;
	} else {
		sc->brace = sc->cr = 0;
	}
	return 0;
}

int
imap_scan(struct imap_scan *sc, const void *data, size_t n, uint64_t max)
{
	const unsigned char *p = data;

	while (n > 0) {
		if (sc->skip > 0) {
			size_t k = sc->skip < n ? (size_t)sc->skip : n;

			sc->skip -= k;
			p += k;
			n -= k;
			continue;
		}
		if (imap_scan_byte(sc, *p++, max) == -1)
			return -1;
		n--;
	}
	return 0;
}
