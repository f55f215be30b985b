/*
 * Per-class figures: in/dsn and in/arf over the labelled samples in
 * tests/data/mail (labels.tsv: file, class, kind, recipient, id; where
 * each came from: SOURCES.md). For every class it prints how many were
 * recognised as their kind, how many named the right recipient (the
 * failed, delayed or reading address), how many named herald's message
 * (the returned or original Message-ID), and how many have a mail
 * system's shape (dsn_from_mail_system). Each file is read again with
 * CRLF line ends, which must not change the answer.
 *
 * Fails below the targets: bounces recognised >= 97% and the right
 * recipient >= 96% in every bounce class; no delay warning taken as a
 * bounce; at most 1% of people's mail called a bounce; receipts and
 * complaints recognised >= 97% and naming herald's message >= 96%.
 * -v prints one line per file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "in/arf.h"
#include "in/dsn.h"
#include "in/msg.h"

#define CLASS_MAX 32

struct tally {
	char name[32];
	char kind[16];
	int n, recognised, rcpt, rcpt_want, id, id_want, shape, bounce;
	int eol_diff;
};

static struct tally classes[CLASS_MAX];
static size_t nclasses;
static int verbose;
static char data_dir[4096];

static void
set_data_dir(void)
{
	const char *env = getenv("HERALD_TEST_DATA"), *f = __FILE__;
	const char *tail = strstr(f, "unit/t_dsnclass.c");

	if (env && *env)
		snprintf(data_dir, sizeof data_dir, "%s", env);
	else if (tail)
		snprintf(data_dir, sizeof data_dir, "%.*sdata", (int)(tail - f),
		    f);
	else
		snprintf(data_dir, sizeof data_dir, "tests/data");
}

static char *
slurp(const char *name, size_t *len)
{
	char path[4200];
	FILE *f;
	char *b;
	long n;

	snprintf(path, sizeof path, "%s/mail/%s", data_dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, f);
	b[*len] = '\0';
	fclose(f);
	return b;
}

static char *
to_crlf(const char *s, size_t len, size_t *outlen)
{
	char *o = malloc(2 * len + 1);
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			o[n++] = '\r';
		o[n++] = s[i];
	}
	*outlen = n;
	return o;
}

static struct tally *
class_of(const char *name, const char *kind)
{
	size_t i;

	for (i = 0; i < nclasses; i++)
		if (strcmp(classes[i].name, name) == 0)
			return &classes[i];
	if (nclasses == CLASS_MAX)
		return NULL;
	snprintf(classes[nclasses].name, sizeof classes[0].name, "%s", name);
	snprintf(classes[nclasses].kind, sizeof classes[0].kind, "%s", kind);
	return &classes[nclasses++];
}

/* What one message gives, as a comparable line. */
struct answer {
	char kind[16];
	char rcpt[320];
	char id[512];
	size_t nrcpt;
	int shape;
	int bounce;
};

static const char *
kind_label(const struct dsn_report *r)
{
	switch (r->kind) {
	case DSN_KIND_BOUNCE: return "bounce";
	case DSN_KIND_DELAY: return "delay";
	case DSN_KIND_RECEIPT: return "receipt";
	case DSN_KIND_SUCCESS: return "success";
	case DSN_KIND_ARF: return "complaint";
	default: return "none";
	}
}

static void
answer(const char *raw, size_t len, struct answer *a)
{
	struct in_msg *m = NULL;
	struct dsn_report r;
	struct arf_report f;
	const char *err;

	memset(a, 0, sizeof *a);
	in_msg_parse(raw, len, &m, &err);
	dsn_parse(m, &r);
	snprintf(a->kind, sizeof a->kind, "%s", kind_label(&r));
	a->bounce = r.is_bounce;
	a->shape = dsn_from_mail_system(m, NULL);
	if (r.nrcpt > 0)
		snprintf(a->rcpt, sizeof a->rcpt, "%s", r.rcpt[0].addr);
	a->nrcpt = r.nrcpt;
	if (r.orig_message_id)
		snprintf(a->id, sizeof a->id, "%s", r.orig_message_id);
	if (r.kind == DSN_KIND_ARF) {
		/* a complaint names the message through arf, not dsn */
		if (arf_parse(m, &f) && f.message_id)
			snprintf(a->id, sizeof a->id, "%s", f.message_id);
		arf_report_free(&f);
	}
	dsn_report_free(&r);
	in_msg_free(&m);
}

static void
one(const char *file, const char *cls, const char *kind, const char *rcpt,
    const char *id)
{
	struct tally *t = class_of(cls, kind);
	struct answer a, b;
	size_t len, clen;
	char *raw = slurp(file, &len), *crlf;
	int ok_kind, ok_rcpt, ok_id;

	if (raw == NULL || t == NULL) {
		fprintf(stderr, "%s: cannot read\n", file);
		exit(2);
	}
	answer(raw, len, &a);
	crlf = to_crlf(raw, len, &clen);
	answer(crlf, clen, &b);
	if (strcmp(a.kind, b.kind) != 0 || strcmp(a.rcpt, b.rcpt) != 0 ||
	    strcmp(a.id, b.id) != 0) {
		t->eol_diff++;
		fprintf(stderr, "%s: CRLF changes the answer\n", file);
	}
	ok_kind = strcmp(a.kind, kind) == 0;
	ok_rcpt = strcmp(rcpt, "-") != 0 && strcasecmp(a.rcpt, rcpt) == 0;
	ok_id = strcmp(id, "-") != 0 && strcmp(a.id, id) == 0;
	t->n++;
	t->recognised += ok_kind;
	t->rcpt_want += strcmp(rcpt, "-") != 0;
	t->rcpt += ok_rcpt;
	t->id_want += strcmp(id, "-") != 0;
	t->id += ok_id;
	t->shape += a.shape;
	t->bounce += a.bounce;
	if (verbose || !ok_kind || (!ok_rcpt && strcmp(rcpt, "-") != 0))
		printf("%s %-30s %-9s %-28s %s %s%s\n", ok_kind &&
		    (ok_rcpt || strcmp(rcpt, "-") == 0) ? "  " : "!!", file,
		    a.kind, *a.rcpt ? a.rcpt : "-", a.nrcpt > 1 ? "(+more)" :
		    "", *a.id ? a.id : "-", a.shape ? "" : " (no shape)");
	free(crlf);
	free(raw);
}

static double
pct(int a, int b)
{
	return b ? 100.0 * a / b : 100.0;
}

/* 1 when the class misses a target. */
static int
judge(const struct tally *t)
{
	int fail = 0;

	if (strcmp(t->kind, "none") == 0)
		return pct(t->bounce, t->n) > 1.0;
	if (strcmp(t->kind, "delay") == 0)
		fail |= t->bounce != 0;
	fail |= pct(t->recognised, t->n) < 97.0;
	if (strcmp(t->kind, "bounce") == 0 || strcmp(t->kind, "delay") == 0)
		fail |= pct(t->rcpt, t->rcpt_want) < 96.0;
	if (strcmp(t->kind, "receipt") == 0 ||
	    strcmp(t->kind, "complaint") == 0)
		fail |= pct(t->id, t->id_want) < 96.0;
	return fail || t->eol_diff != 0;
}

int
main(int argc, char **argv)
{
	char path[4200], line[2048], *f[5], *save, *p;
	FILE *in;
	size_t i;
	int k, fail = 0, samples = 0;

	verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	set_data_dir();
	snprintf(path, sizeof path, "%s/mail/labels.tsv", data_dir);
	if ((in = fopen(path, "r")) == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		return 2;
	}
	while (fgets(line, sizeof line, in)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		for (k = 0, p = line; k < 5; k++, p = NULL)
			if ((f[k] = strtok_r(p, "\t", &save)) == NULL)
				break;
		if (k < 5) {
			fprintf(stderr, "labels.tsv: bad line: %s\n", line);
			return 2;
		}
		one(f[0], f[1], f[2], f[3], f[4]);
		samples++;
	}
	fclose(in);

	printf("\n%-12s %-9s %5s  %-16s %-16s %-16s %-10s %s\n", "class", "kind",
	    "files", "recognised", "right rcpt", "names message", "shape",
	    "bounce");
	for (i = 0; i < nclasses; i++) {
		const struct tally *t = &classes[i];
		int bad = judge(t);
		char a[32], b[32], c[32];

		snprintf(a, sizeof a, "%d (%.0f%%)", t->recognised,
		    pct(t->recognised, t->n));
		if (t->rcpt_want)
			snprintf(b, sizeof b, "%d/%d (%.0f%%)", t->rcpt,
			    t->rcpt_want, pct(t->rcpt, t->rcpt_want));
		else
			snprintf(b, sizeof b, "-");
		if (t->id_want)
			snprintf(c, sizeof c, "%d/%d (%.0f%%)", t->id,
			    t->id_want, pct(t->id, t->id_want));
		else
			snprintf(c, sizeof c, "-");
		printf("%-12s %-9s %5d  %-16s %-16s %-16s %-10d %d%s\n",
		    t->name, t->kind, t->n, a, b, c, t->shape, t->bounce,
		    bad ? "  FAIL" : "");
		fail |= bad;
		if (t->n < 5) {
			printf("  %s: fewer than 5 samples\n", t->name);
			fail = 1;
		}
	}
	printf("%d samples\nt_dsnclass: %s\n", samples, fail ? "FAILED" : "ok");
	return fail;
}
