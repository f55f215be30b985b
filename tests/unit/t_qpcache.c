/*
 * Unit tests: mail/qpcache gives, line by line and from its cache, the
 * very bytes libetpan's encoder gives for the whole text at once.
 */
#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/buf.h"
#include "mail/qpcache.h"

/* What libetpan writes for the whole of text, from column 0. */
static char *
reference(const char *text, size_t len, size_t *outlen)
{
	MMAPString *s = mmap_string_new("");
	int col = 0;
	char *r;

	CHECK(mailmime_quoted_printable_write_mem(s, &col, 1, text, len) ==
	    MAILIMF_NO_ERROR);
	r = malloc(s->len + 1);
	memcpy(r, s->str, s->len + 1);
	*outlen = s->len;
	mmap_string_free(s);
	return r;
}

/* text through c (twice: a miss, then a hit) and without a cache. */
static int
same(struct qpcache *c, const char *text, size_t len)
{
	struct buf b;
	size_t rlen, pass;
	char *ref = reference(text, len, &rlen);
	int ok = 1;

	buf_init(&b, 1 << 24);
	for (pass = 0; pass < 3; pass++) {
		buf_reset(&b);
		CHECK(qpcache_encode(pass == 2 ? NULL : c, text, len, &b) == 0);
		if (b.len != rlen || (rlen && memcmp(b.data, ref, rlen) != 0)) {
			ok = 0;
			fprintf(stderr, "  differs (pass %zu) for \"%.*s\"\n"
			    "  got  \"%s\"\n  want \"%s\"\n", pass, (int)len,
			    text, b.data ? b.data : "", ref);
		}
	}
	buf_free(&b);
	free(ref);
	return ok;
}

static void
test_cases(void)
{
	struct qpcache *c = qpcache_new();
	char longline[400];
	size_t i;
	const char *cases[] = {
		"",
		"plain\r\n",
		"no line end",
		"Dear Pers\xc3\xb3n 0,\r\n\r\nFrom here on: a=b? [x] {y} ~z_\r\n",
		"trailing space \r\nand tab\t\r\nboth \t\r\n",
		"spaces at the end   ",
		"a\r\n\r\n\r\nb\r\n",
		"lone\rcarriage return\r\n",
		"lone\nline feed\n",
		"space before lone cr \rx\r\n",
		"ends in cr\r",
		"ends in space cr \r",
		"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac euros\r\n",
		"=\r\n==\r\n.\r\n..\r\nFrom me\r\n",
	};

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK(same(c, cases[i], strlen(cases[i])));
	/* long lines: soft breaks at every width, with and without escapes */
	for (i = 0; i < sizeof longline - 3; i++)
		longline[i] = "abc de=f\xc3\xa9g "[i % 13];
	for (i = 60; i < sizeof longline - 3; i += 7) {
		memcpy(longline + i, "\r\n", 3);
		CHECK(same(c, longline, i + 2));
		CHECK(same(c, longline, i));
		longline[i] = "abc de=f\xc3\xa9g "[i % 13];
		longline[i + 1] = "abc de=f\xc3\xa9g "[(i + 1) % 13];
	}
	qpcache_free(&c);
	CHECK(c == NULL);
}

/* Random texts over the bytes that matter to the encoder. */
static void
test_random(void)
{
	static const char alphabet[] = "aF =\t\r\n.~\xc3\xb3\x01";
	struct qpcache *c = qpcache_new();
	char text[600];
	unsigned seed = 15;
	int n, i, fails = 0;

	for (n = 0; n < 3000 && fails < 3; n++) {
		int len = (int)(rand_r(&seed) % sizeof text);

		for (i = 0; i < len; i++) {
			/* mostly letters, so that lines get long */
			unsigned r = (unsigned)rand_r(&seed);
			text[i] = r % 4 ? 'x' :
			    alphabet[r / 4 % (sizeof alphabet - 1)];
		}
		if (!same(c, text, (size_t)len))
			fails++;
	}
	CHECK(fails == 0);
	qpcache_free(&c);
}

/* A template's lines are found again; the cache stays bounded. */
static void
test_hits(void)
{
	struct qpcache *c = qpcache_new();
	struct buf b;
	size_t lookups, hits, i;
	char line[64];

	buf_init(&b, 1 << 24);
	for (i = 0; i < 10; i++) {
		buf_reset(&b);
		CHECK(qpcache_encode(c, "Dear you,\r\nsame text\r\n", 22, &b) ==
		    0);
	}
	qpcache_stats(c, &lookups, &hits);
	CHECK(lookups == 20);
	CHECK(hits == 18);
	/* many distinct lines: emptied when full, still right */
	for (i = 0; i < 20000; i++) {
		int n = snprintf(line, sizeof line, "line %zu \xc3\xa9\r\n", i);

		if (i % 1000 == 0)
			CHECK(same(c, line, (size_t)n));
		else {
			buf_reset(&b);
			CHECK(qpcache_encode(c, line, (size_t)n, &b) == 0);
		}
	}
	/* the cap of out is kept */
	buf_free(&b);
	buf_init(&b, 10);
	CHECK(qpcache_encode(c, "more than ten bytes\r\n", 21, &b) == -1);
	CHECK(qpcache_encode(NULL, "more than ten bytes\r\n", 21, &b) == -1);
	buf_free(&b);
	qpcache_free(&c);
	qpcache_free(&c);	/* twice is harmless */
}

int
main(void)
{
	test_cases();
	test_random();
	test_hits();
	return check_done("t_qpcache");
}
