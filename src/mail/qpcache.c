/* qpcache: see qpcache.h. */
#include "mail/qpcache.h"

#include <libetpan/libetpan.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"

/*
 * Sizes: a campaign's templates hold a few hundred distinct lines; the
 * lines that hold a variable differ per message and would fill any
 * cache, so it is emptied whenever it is full (a few dozen messages'
 * worth of misses, then the template's lines are back after one
 * message). Lines longer than QPCACHE_LINE_MAX are encoded every time.
 */
#define QPCACHE_SLOTS		4096	/* a power of two */
#define QPCACHE_ENTRIES		(QPCACHE_SLOTS / 2)
#define QPCACHE_BYTES		(2 * 1024 * 1024)
#define QPCACHE_LINE_MAX	4096

struct qpcache_entry {
	uint64_t hash;
	char *line;		/* the line, then its encoding, one allocation */
	size_t len, enclen;
};

struct qpcache {
	struct qpcache_entry slot[QPCACHE_SLOTS];
	size_t nentries, bytes;
	size_t lookups, hits;
};

struct qpcache *
qpcache_new(void)
{
	return xcalloc(1, sizeof(struct qpcache));
}

static void
qpcache_clear(struct qpcache *c)
{
	size_t i;

	for (i = 0; i < QPCACHE_SLOTS; i++)
		free(c->slot[i].line);
	memset(c->slot, 0, sizeof c->slot);
	c->nentries = c->bytes = 0;
}

void
qpcache_free(struct qpcache **cp)
{
	if (*cp == NULL)
		return;
	qpcache_clear(*cp);
	free(*cp);
	*cp = NULL;
}

void
qpcache_stats(const struct qpcache *c, size_t *lookups, size_t *hits)
{
	*lookups = c ? c->lookups : 0;
	*hits = c ? c->hits : 0;
}

/* Eight bytes at a time: the hash must cost far less than the encoder. */
static uint64_t
qpcache_hash(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

/* libetpan's encoding of text from column 0 (NULL on failure). */
static MMAPString *
qpcache_run(const char *text, size_t len)
{
	MMAPString *s = mmap_string_new("");
	int col = 0;

	if (s != NULL && mailmime_quoted_printable_write_mem(s, &col, 1, text,
	    len) != MAILIMF_NO_ERROR) {
		mmap_string_free(s);
		s = NULL;
	}
	return s;
}

static int
qpcache_etpan(const char *text, size_t len, struct buf *out)
{
	MMAPString *s = qpcache_run(text, len);
	int rc;

	if (s == NULL)
		return -1;
	rc = buf_add(out, s->str, s->len);
	mmap_string_free(s);
	return rc;
}

/* The slot holding line, or the empty slot where it belongs. */
static struct qpcache_entry *
qpcache_find(struct qpcache *c, uint64_t h, const char *line, size_t len)
{
	size_t i = (size_t)h & (QPCACHE_SLOTS - 1);
	struct qpcache_entry *e;

	for (;; i = (i + 1) & (QPCACHE_SLOTS - 1)) {
		e = &c->slot[i];
		if (e->line == NULL || (e->hash == h && e->len == len &&
		    memcmp(e->line, line, len) == 0))
			return e;
	}
}

/* Remember line's encoding enc in e (emptying the cache when full). */
static void
qpcache_store(struct qpcache *c, struct qpcache_entry *e, uint64_t h,
    const char *line, size_t len, const MMAPString *enc)
{
	if (c->nentries >= QPCACHE_ENTRIES ||
	    c->bytes + len + enc->len > QPCACHE_BYTES) {
		qpcache_clear(c);
		e = qpcache_find(c, h, line, len);
	}
	e->hash = h;
	e->len = len;
	e->enclen = enc->len;
	e->line = xmalloc(len + enc->len);
	memcpy(e->line, line, len);
	memcpy(e->line + len, enc->str, enc->len);
	c->nentries++;
	c->bytes += len + enc->len;
}

/* Encode one line (with its CRLF, if any), from the cache when known. */
static int
qpcache_line(struct qpcache *c, const char *line, size_t len,
    struct buf *out)
{
	struct qpcache_entry *e;
	MMAPString *enc;
	uint64_t h;
	int rc;

	if (len > QPCACHE_LINE_MAX)
		return qpcache_etpan(line, len, out);
	c->lookups++;
	h = qpcache_hash(line, len);
	e = qpcache_find(c, h, line, len);
	if (e->line != NULL) {
		c->hits++;
		return buf_add(out, e->line + e->len, e->enclen);
	}
	if ((enc = qpcache_run(line, len)) == NULL)
		return -1;
	if ((rc = buf_add(out, enc->str, enc->len)) == 0)
		qpcache_store(c, e, h, line, len, enc);
	mmap_string_free(enc);
	return rc;
}

int
qpcache_encode(struct qpcache *c, const char *text, size_t len,
    struct buf *out)
{
	const char *nl;
	size_t n;

	if (c == NULL)
		return qpcache_etpan(text, len, out);
	while (len > 0) {
		nl = memchr(text, '\n', len);
		n = nl ? (size_t)(nl - text) + 1 : len;
		if (qpcache_line(c, text, n, out) == -1)
			return -1;
		text += n;
		len -= n;
	}
	return 0;
}
