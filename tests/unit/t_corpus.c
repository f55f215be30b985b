/*
 * Corpus test: the bounce and auto-reply classifiers (in/dsn, in/autoreply)
 * over the Sisimai set of real bounces in ../shared/corpus, against what
 * its README asks: at least 95% of lhost/rhost/rfc3464 files a bounce
 * with the failed recipient found and hard or soft decided; every
 * rfc3834 file an auto-reply; nothing in not/ (and no ARF report) a
 * bounce. Each file is also read with CRLF and with CR line ends, which
 * must not change the answer. The corpus is data only and optional: when
 * it is absent the test says so and passes.
 *
 * HERALD_CORPUS names the corpus directory (default: ../shared/corpus
 * beside the repository). -v prints one line per file.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "in/autoreply.h"
#include "in/dsn.h"
#include "in/msg.h"

struct corpus_tally {
	int files;
	int bounce;		/* kind bounce */
	int rcpt;		/* ... with a failed recipient */
	int decided;		/* ... and hard or soft known for all of them */
	int delay;		/* "Action: delayed" warnings: not bounces */
	int autoreply;
	int shape;		/* dsn_from_mail_system */
	int receipt;		/* a read receipt or success report */
	int eol_diff;		/* answer changed with CRLF or CR line ends */
};

static int corpus_verbose;

static char *
corpus_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)n + 1);
		if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
			free(b);
			b = NULL;
		} else if (b)
			*len = (size_t)n;
	}
	fclose(f);
	return b;
}

/* LF line ends to "\r\n" (crlf) or "\r" (CR only). */
static char *
corpus_eol(const char *s, size_t len, int crlf, size_t *outlen)
{
	char *o = malloc(2 * len + 1);
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) {
			o[n++] = '\r';
			if (crlf)
				o[n++] = '\n';
		} else if (s[i] != '\r' || crlf)
			o[n++] = s[i];
	}
	*outlen = n;
	return o;
}

/* The answer for one message, as a line to compare and print. */
static void
corpus_classify(const char *raw, size_t len, char *out, size_t outlen,
    struct dsn_report *r, int *autoreply, int *shape)
{
	struct in_msg *m = NULL;
	const char *err, *why;
	size_t i, n;

	in_msg_parse(raw, len, &m, &err);
	dsn_parse(m, r);
	*shape = dsn_from_mail_system(m, NULL);
	*autoreply = !r->is_bounce && autoreply_detect(m, &why);
	n = (size_t)snprintf(out, outlen, "%s %s", dsn_kind_name(r->kind),
	    *autoreply ? "autoreply" : "-");
	for (i = 0; i < r->nrcpt && n < outlen; i++)
		n += (size_t)snprintf(out + n, outlen - n, " %s/%s/%d/%d/%s",
		    r->rcpt[i].addr, r->rcpt[i].status[0] ?
		    r->rcpt[i].status : "-", r->rcpt[i].hard,
		    r->rcpt[i].noscore, dsn_action_name(r->rcpt[i].action));
	in_msg_free(&m);
}

static void
corpus_file(const char *path, const char *name, struct corpus_tally *t)
{
	char line[4096], alt[4096];
	struct dsn_report r, r2;
	size_t len = 0, alen, i;
	int ar, ar2, sh, sh2, crlf, failed = 0, decided = 1;
	char *raw = corpus_slurp(path, &len), *v;

	if (raw == NULL) {
		fprintf(stderr, "%s: cannot read\n", path);
		return;
	}
	corpus_classify(raw, len, line, sizeof line, &r, &ar, &sh);
	t->files++;
	t->shape += sh;
	t->receipt += dsn_is_receipt(&r);
	t->autoreply += ar;
	t->delay += r.kind == DSN_KIND_DELAY;
	for (i = 0; i < r.nrcpt; i++)
		if (r.rcpt[i].action == DSN_ACTION_FAILED) {
			failed++;
			decided &= r.rcpt[i].hard != -1;
		}
	if (r.is_bounce) {
		t->bounce++;
		t->rcpt += failed > 0;
		t->decided += failed > 0 && decided;
	}
	for (crlf = 0; crlf < 2; crlf++) {
		v = corpus_eol(raw, len, crlf, &alen);
		corpus_classify(v, alen, alt, sizeof alt, &r2, &ar2, &sh2);
		if (strcmp(line, alt) != 0 || sh != sh2) {
			t->eol_diff++;
			fprintf(stderr, "%s: %s line ends change the answer:\n"
			    "  LF:   %s\n  %s %s\n", name, crlf ? "CRLF" : "CR",
			    line, crlf ? "CRLF:" : "CR:  ", alt);
		}
		dsn_report_free(&r2);
		free(v);
	}
	if (corpus_verbose)
		printf("%s\t%s\t%s\n", name, r.source ? r.source : "-", line);
	dsn_report_free(&r);
	free(raw);
}

static int
corpus_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file in dir whose name starts with one of prefixes (NULL: all). */
static void
corpus_walk(const char *dir, const char *const *prefixes,
    struct corpus_tally *t)
{
	char **names = NULL, path[4096];
	size_t n = 0, i, k;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strstr(e->d_name, ".eml") == NULL)
			continue;
		for (k = 0; prefixes && prefixes[k]; k++)
			if (strncmp(e->d_name, prefixes[k],
			    strlen(prefixes[k])) == 0)
				break;
		if (prefixes && prefixes[k] == NULL)
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, corpus_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		corpus_file(path, names[i], t);
		free(names[i]);
	}
	free(names);
}

static double
corpus_pct(int a, int b)
{
	return b ? 100.0 * a / b : 0.0;
}

/* <repo>/../shared/corpus, the repository found from this file's path. */
static void
corpus_default_dir(char *buf, size_t len)
{
	const char *f = __FILE__, *tail = strstr(f, "tests/unit/t_corpus.c");

	if (tail == NULL || tail == f)
		snprintf(buf, len, "../shared/corpus");
	else
		snprintf(buf, len, "%.*s../shared/corpus", (int)(tail - f), f);
}

int
main(int argc, char **argv)
{
	static const char *const bounces[] = { "lhost-", "rhost-", "rfc3464-",
	    NULL };
	static const char *const arf[] = { "arf-", NULL };
	static const char *const rfc3834[] = { "rfc3834-", NULL };
	struct corpus_tally b = { 0 }, a = { 0 }, o = { 0 }, nb = { 0 };
	char root[4096], bsd[4200], not[4200];
	const char *env = getenv("HERALD_CORPUS");
	clock_t start = clock();
	int fail = 0;
	DIR *d;

	corpus_verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	if (env && *env)
		snprintf(root, sizeof root, "%s", env);
	else
		corpus_default_dir(root, sizeof root);
	snprintf(bsd, sizeof bsd, "%s/sisimai/bsd", root);
	snprintf(not, sizeof not, "%s/sisimai/not", root);
	if ((d = opendir(bsd)) == NULL) {
		printf("corpus absent: skipped (%s)\n", bsd);
		return 0;
	}
	closedir(d);
	corpus_walk(bsd, bounces, &b);
	corpus_walk(bsd, arf, &a);
	corpus_walk(bsd, rfc3834, &o);
	corpus_walk(not, NULL, &nb);

	printf("bounces (lhost, rhost, rfc3464): %d files\n", b.files);
	printf("  classified bounce:          %5.1f%% (%d)\n",
	    corpus_pct(b.bounce, b.files), b.bounce);
	printf("  with the recipient found:   %5.1f%% (%d)\n",
	    corpus_pct(b.rcpt, b.files), b.rcpt);
	printf("  and hard/soft decided:      %5.1f%% (%d)\n",
	    corpus_pct(b.decided, b.files), b.decided);
	printf("  delay warnings, not bounces: %d\n", b.delay);
	printf("  with a mail system's shape: %d; receipts: %d\n", b.shape,
	    b.receipt);
	printf("auto-replies (rfc3834): %d of %d detected (%.1f%%)\n",
	    o.autoreply, o.files, corpus_pct(o.autoreply, o.files));
	printf("  with a mail system's shape: %d (their Precedence and "
	    "X-Autogenerated do not count)\n", o.shape);
	printf("not bounces (not/): %d of %d wrongly called bounce\n",
	    nb.bounce, nb.files);
	printf("abuse reports (arf): %d of %d called bounce\n", a.bounce,
	    a.files);
	printf("not/ with a mail system's shape: %d\n", nb.shape);
	printf("line ends (CRLF, CR) changing an answer: %d\n",
	    b.eol_diff + a.eol_diff + o.eol_diff + nb.eol_diff);
	printf("time: %.2f s\n", (double)(clock() - start) / CLOCKS_PER_SEC);

	if (corpus_pct(b.decided, b.files) < 95.0) {
		printf("FAIL: under 95%% of bounces with recipient and "
		    "hard/soft\n");
		fail = 1;
	}
	if (o.autoreply != o.files || o.bounce != 0) {
		printf("FAIL: an rfc3834 auto-reply missed\n");
		fail = 1;
	}
	if (nb.bounce != 0 || a.bounce != 0) {
		printf("FAIL: a message in not/ or an ARF report called bounce\n");
		fail = 1;
	}
	if (b.eol_diff + a.eol_diff + o.eol_diff + nb.eol_diff != 0) {
		printf("FAIL: line ends change answers\n");
		fail = 1;
	}
	printf("t_corpus: %s\n", fail ? "FAILED" : "ok");
	return fail;
}
