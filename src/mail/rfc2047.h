/*
 * rfc2047: encoded-words for non-ASCII header text. libetpan decodes
 * them but has no encoder. Whole values are encoded (never a word in the
 * middle of a display name: clients then fail to decode names that sit
 * next to specials), as UTF-8 "B" words of at most 75 characters that
 * never split a UTF-8 sequence, folded with CRLF SP.
 */
#ifndef HERALD_RFC2047_H
#define HERALD_RFC2047_H

#include "lib/buf.h"

/* 1 when s must be encoded: non-ASCII, "=?" or longer than max_plain. */
int rfc2047_needed(const char *s, size_t max_plain);
/*
 * Append s to out, encoded when needed (else as is). s must already be
 * header-safe (no CR/LF/NUL). Returns -1 when out's cap is reached.
 */
int rfc2047_encode(struct buf *out, const char *s);

#endif
