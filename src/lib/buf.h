/*
 * buf: a growable byte buffer with a hard size cap (after curl's dynbuf).
 * The data is always NUL-terminated so it can be used as a C string.
 * Functions return 0 on success, -1 when the cap would be exceeded (the
 * buffer is then left as it was); allocation failure aborts.
 */
#ifndef HERALD_BUF_H
#define HERALD_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t size;
	size_t cap;
};

void buf_init(struct buf *b, size_t cap);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
/*
 * Room for extra more bytes (and the NUL) without another allocation,
 * when the size to come is known: growing by doubling from nothing
 * costs a realloc and a copy per doubling.
 */
int buf_reserve(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hand the string to the caller (who frees it); the buffer is reset. */
char *buf_steal(struct buf *b);

#endif
