/*
 * imap_scan: follows the literals in what an IMAP server sends, byte by
 * byte, without parsing the rest, so that a literal's announced size can
 * be refused before libetpan's parser allocates it.
 *
 * A literal is "{N}" at the end of a line; its N bytes are passed over
 * unread (they hold the mail, which anyone may write, so nothing in them
 * can trip the limit). Any "{N}" outside a literal with N over the
 * limit is refused, wherever it stands in the line: libetpan also takes
 * "{N}" followed by spaces as a literal. In a status answer (OK, NO, BAD,
 * BYE, PREAUTH, "+") a final "{N}" is text, as it is to libetpan.
 */
#ifndef HERALD_IMAP_SCAN_H
#define HERALD_IMAP_SCAN_H

#include <stddef.h>
#include <stdint.h>

struct imap_scan {
	uint64_t skip;		/* literal bytes still to pass over */
	uint64_t num;		/* the size being read after '{' */
	int brace;		/* 1: after "{" (and digits), 2: after "}" */
	int digits;		/* a digit followed the "{" */
	int cr;			/* a CR followed the "}" */
	int cont;		/* the line goes on after a literal */
	size_t head;		/* bytes of the line's start kept in line */
	char line[32];
};

/* Start (or start again) at the beginning of a line. */
void imap_scan_init(struct imap_scan *sc);
/*
 * Follow n more bytes. -1 when they announce a literal over max bytes:
 * the size is then in sc->num.
 */
int imap_scan(struct imap_scan *sc, const void *data, size_t n, uint64_t max);

#endif
