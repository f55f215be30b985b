/*
 * Fuzz target: the IMAP answers herald reads. The input is what a server
 * sends, played by a scripted low-level stream (in chunks of the size
 * the first byte gives, then end of file) under herald's stream driver
 * (imap_stream.c) and libetpan's parser, while herald does what its
 * reader does: greeting, LOGIN, SELECT, then imap_fetch_batch (UID
 * SEARCH, sizes, bodies, headers) and imap_done_set, and the LOGOUT of
 * mailimap_free. What is written is thrown away.
 *
 * Checks: no hang (end of file inside a literal is an error), nothing
 * read past or leaked (ASan), a batch in strictly ascending UID order
 * of UIDs above the one asked after, no text over IMAP_LITERAL_MAX, and
 * upto among them. Run with -malloc_limit_mb=64: an announced literal
 * must never drive a big allocation.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "in/imap.h"
#include "in/imap_stream.h"

#define FUZZ_AFTER 3

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_script {
	const uint8_t *data;
	size_t len, pos, chunk;
};

static ssize_t
fuzz_read(mailstream_low *s, void *buf, size_t count)
{
	struct fuzz_script *sc = s->data;
	size_t n = sc->len - sc->pos;

	if (n > count)
		n = count;
	if (n > sc->chunk)
		n = sc->chunk;
	memcpy(buf, sc->data + sc->pos, n);
	sc->pos += n;
	return (ssize_t)n;	/* 0: end of file, as a socket says it */
}

static ssize_t
fuzz_write(mailstream_low *s, const void *buf, size_t count)
{
	(void)s;
	(void)buf;
	return (ssize_t)count;
}

static int
fuzz_close(mailstream_low *s)
{
	(void)s;
	return 0;
}

static int
fuzz_get_fd(mailstream_low *s)
{
	(void)s;
	return -1;
}

static void
fuzz_free(mailstream_low *s)
{
	free(s);
}

static mailstream_low_driver fuzz_driver = {
	fuzz_read, fuzz_write, fuzz_close, fuzz_get_fd, fuzz_free,
	NULL, NULL, NULL, NULL, NULL, NULL
};

static void
fuzz_check_batch(const struct imap_batch *b, int rc)
{
	size_t i;
	int upto_seen = 0;

	if (rc == 0 && (b->n != 0 || b->upto != 0))
		abort();
	if (rc > 0 && (b->upto <= FUZZ_AFTER || b->n > (size_t)rc))
		abort();
	for (i = 0; i < b->n; i++) {
		const struct imap_message *x = &b->msgs[i];

		if (x->uid <= FUZZ_AFTER || (i > 0 && x->uid <= b->msgs[i - 1].uid))
			abort();
		if (x->data && x->len > IMAP_LITERAL_MAX)
			abort();
		if (x->data && x->len > 0)	/* ASan: all of it readable */
			(void)*(volatile const char *)&x->data[x->len - 1];
		upto_seen |= x->uid == b->upto;
	}
	if (rc > 0 && !upto_seen && b->upto != b->missing)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_script sc;
	struct imap m;
	struct imap_batch b;
	mailstream_low *low;
	mailstream *ms;
	mailimap *s;
	char err[512];
	uint32_t done[4] = { 4, 5, 6, 7 };
	int rc;

	if (size < 1)
		return 0;
	sc.chunk = (size_t)data[0] + 1;
	sc.data = data + 1;
	sc.len = size - 1;
	sc.pos = 0;
	if ((low = mailstream_low_new(&sc, &fuzz_driver)) == NULL)
		return 0;
	if ((ms = mailstream_new(low, 8192)) == NULL) {
		mailstream_low_free(low);
		return 0;
	}
	imap_stream_wrap(ms, NULL, IMAP_LITERAL_MAX);
	s = mailimap_new(0, NULL);
	memset(&m, 0, sizeof m);
	m.session = s;
	m.host = "fuzz.test";
	m.mailbox = "INBOX";
	/* each step whatever the last one said: the script goes on */
	mailimap_connect(s, ms);
	mailimap_login(s, "office", "secret");
	mailimap_select(s, "INBOX");
	rc = imap_fetch_batch(&m, FUZZ_AFTER, 8, 64 * 1024, 16 * 1024, &b, err,
	    sizeof err);
	if (rc >= 0) {
		fuzz_check_batch(&b, rc);
		imap_batch_free(&b);
	}
	imap_done_set(&m, done, 4, "", err, sizeof err);
	mailimap_free(s);
	return 0;
}
