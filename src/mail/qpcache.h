/*
 * qpcache: quoted-printable bodies through libetpan's encoder, one line
 * at a time, each line's encoding remembered.
 *
 * libetpan's encoder (mailmime_quoted_printable_write_driver) starts
 * every line afresh: after a CRLF its column is 0 and its state the
 * initial one, so the encoding of a text is the encodings of its lines
 * end to end. The messages of a campaign differ in a few lines only
 * (those holding a variable), and the encoder makes a callback, often
 * with an snprintf, per byte: it was the largest cost of rendering a
 * message. With a cache, each line of a template is encoded once per
 * run, not once per message. The encoding is a pure function of the
 * line, so nothing needs invalidating when a template changes: the
 * cache is only bounded (it is emptied when full).
 *
 * One cache per thread: it has no lock.
 */
#ifndef HERALD_QPCACHE_H
#define HERALD_QPCACHE_H

#include <stddef.h>

#include "lib/buf.h"

struct qpcache;

struct qpcache *qpcache_new(void);
void qpcache_free(struct qpcache **c);

/*
 * Append text[0..len), whose line ends are all CRLF (no lone CR or LF),
 * to out in quoted-printable: the bytes mailmime_quoted_printable_write_mem
 * writes for the whole text from column 0. c may be NULL (then the
 * whole text goes through libetpan at once). -1 when out's cap is
 * reached (out is then cut short).
 */
int qpcache_encode(struct qpcache *c, const char *text, size_t len,
    struct buf *out);

/* Lines looked up and lines found, since the cache was made. */
void qpcache_stats(const struct qpcache *c, size_t *lookups, size_t *hits);

#endif
