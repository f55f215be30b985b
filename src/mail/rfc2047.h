/*
 * rfc2047: encoded-words for non-ASCII header text. libetpan decodes
 * them but has no encoder. Unstructured values (Subject) are encoded
 * whole, display names by runs of words (rfc2047_encode_phrase: a plain
 * word is left plain only when it is an atom, so no encoded word sits
 * next to a special), as UTF-8 "B" words of at most 60 characters that
 * never split a UTF-8 sequence, folded with CRLF SP between words only
 * (the first word stays on the field's own line; no line of white
 * space alone).
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
/*
 * The same with sep between encoded words: " " for a writer that folds
 * (libetpan's, which folds only at white space, and not before the
 * first word when that word is at most 60 characters). force: encode
 * even plain ASCII.
 */
int rfc2047_encode_sep(struct buf *out, const char *s, const char *sep,
    int force);

/*
 * A display name (an RFC 5322 phrase): words that can stand as atoms stay
 * plain, and each run of words that cannot is one encoded word where it
 * fits. Readers differ on the blank between two encoded words in a
 * phrase (RFC 2047 drops it, Python's email keeps it), so a name is cut
 * into encoded words only at a plain word, where both agree.
 */
int rfc2047_encode_phrase(struct buf *out, const char *s, const char *sep);

#endif
