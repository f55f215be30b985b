/*
 * xmalloc: allocation that never returns NULL. Running out of memory is
 * not a condition herald tries to survive mid-operation: it aborts, and
 * the database transaction in progress rolls back.
 */
#ifndef HERALD_XMALLOC_H
#define HERALD_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Free *p and set it to NULL. */
void xfree(char **p);

#endif
