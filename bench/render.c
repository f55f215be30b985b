/*
 * bench/render.c: CPU time of render_message() alone, per message, over
 * every queued message of a database, rendered as heraldd's render
 * thread does (src/send/prep.c): batches of 16 in one read transaction,
 * one struct render for the whole run. Built and driven by
 * bench/render.sh.
 *
 *   render CONF time            time the queued messages as they are
 *   render CONF post LIST FILE  queue one post (FILE) to LIST's members,
 *                               as the ingester would
 *   render CONF dump ID         write message ID's bytes to stdout
 *
 * The messages are rendered five times over (nothing is sent, so they
 * stay queued); prints the fastest pass and the median: "N messages,
 * X µs CPU per message (median M), Y bytes per message". Other load on
 * the machine only ever adds time, so the fastest pass is the figure to
 * compare when it is busy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/conf.h"
#include "lib/buf.h"
#include "lib/timeutil.h"
#include "lib/token.h"
#include "send/fanout.h"
#include "send/render.h"
#include "store/db.h"

#define BENCH_BATCH 16	/* as PREP_BATCH in src/send/prep.c */
#define BENCH_RUNS 5

static double
bench_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
bench_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		perror(path);
		exit(1);
	}
	rewind(f);
	s = malloc((size_t)n + 1);
	if (s == NULL || fread(s, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(f);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

/* One post, as the ingester keeps it, fanned out to LIST's members. */
static void
bench_post(struct db *d, const struct conf *c, const struct token_key *k,
    const char *list, const char *file)
{
	sqlite3_stmt *st;
	int64_t list_id, post_id;
	size_t len;
	char *raw = bench_slurp(file, &len), rcpt[256];
	long n;

	list_id = db_int_query(d, "SELECT id FROM list WHERE name = ?", list);
	snprintf(rcpt, sizeof rcpt, "%s@%s", list, c->lists_domain);
	db_begin(d);
	st = db_prepare(d, "INSERT INTO inbound (kind, from_addr, rcpt_addr, "
	    "list_id, size, received_at) VALUES ('post', 'ana@redes.org', ?, "
	    "?, ?, ?)");
	db_bind_text(st, 1, rcpt);
	sqlite3_bind_int64(st, 2, list_id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)len);
	sqlite3_bind_int64(st, 4, time_now());
	db_step_done(d, st);
	sqlite3_finalize(st);
	post_id = sqlite3_last_insert_rowid(d->h);
	st = db_prepare(d, "INSERT INTO inbound_raw (inbound_id, raw) "
	    "VALUES (?, ?)");
	sqlite3_bind_int64(st, 1, post_id);
	sqlite3_bind_blob(st, 2, raw, (int)len, SQLITE_STATIC);
	db_step_done(d, st);
	sqlite3_finalize(st);
	n = fanout_relay(d, post_id, list_id, "ana@redes.org", k,
	    c->sender_domain);
	db_commit(d);
	free(raw);
	fprintf(stderr, "post %lld: %ld copies queued\n", (long long)post_id, n);
}

static int64_t *
bench_ids(struct db *d, size_t *n)
{
	sqlite3_stmt *st = db_prepare(d, "SELECT id FROM message WHERE state = "
	    "'queued' ORDER BY id");
	int64_t *ids = NULL;
	size_t cap = 0;

	*n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			ids = realloc(ids, cap * sizeof *ids);
		}
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return ids;
}

/* One pass over ids: CPU seconds; *bytes and *failed add up. */
static double
bench_pass(struct render *r, struct db *d, const int64_t *ids, size_t n,
    struct render_out *out, size_t *bytes, size_t *failed)
{
	char err[512];
	size_t i;
	double t0 = bench_cpu();

	for (i = 0; i < n; i++) {
		if (i % BENCH_BATCH == 0) {
			if (i)
				sqlite3_exec(d->h, "COMMIT", NULL, NULL, NULL);
			sqlite3_exec(d->h, "BEGIN", NULL, NULL, NULL);
		}
		if (render_message(r, ids[i], out, err, sizeof err) != 0) {
			if ((*failed)++ == 0)
				fprintf(stderr, "message %lld: %s\n",
				    (long long)ids[i], err);
			continue;
		}
		*bytes += out->data.len;
	}
	sqlite3_exec(d->h, "COMMIT", NULL, NULL, NULL);
	return bench_cpu() - t0;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
bench_run(struct render *r, struct db *d, const int64_t *ids, size_t n)
{
	struct render_out out;
	double us[BENCH_RUNS], sorted[BENCH_RUNS];
	size_t bytes = 0, failed = 0;
	int i;

	if (n == 0) {
		printf("no queued messages\n");
		return 1;
	}
	render_out_init(&out);
	for (i = 0; i < BENCH_RUNS; i++)
		us[i] = bench_pass(r, d, ids, n, &out, &bytes, &failed) * 1e6 /
		    (double)n;
	render_out_free(&out);
	memcpy(sorted, us, sizeof us);
	qsort(sorted, BENCH_RUNS, sizeof sorted[0], bench_cmp);
	printf("%zu messages, %.1f µs CPU per message (median %.1f), %zu bytes "
	    "per message%s\n", n, sorted[0], sorted[BENCH_RUNS / 2],
	    bytes / n / BENCH_RUNS, failed ? " (some FAILED)" : "");
	return failed ? 1 : 0;
}

static int
bench_dump(struct render *r, int64_t id)
{
	struct render_out out;
	char err[512];
	int rc;

	render_out_init(&out);
	if ((rc = render_message(r, id, &out, err, sizeof err)) != 0)
		fprintf(stderr, "message %lld: %s\n", (long long)id, err);
	else
		fwrite(out.data.data, 1, out.data.len, stdout);
	render_out_free(&out);
	return rc != 0;
}

int
main(int argc, char **argv)
{
	struct conf *c;
	struct db *d;
	struct token_key key;
	struct render *r;
	int64_t *ids;
	size_t n;
	char err[512];
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: render CONF time | post LIST FILE "
		    "| dump ID\n");
		return 2;
	}
	if ((c = conf_load(argv[1], err, sizeof err)) == NULL ||
	    (d = db_open(c->database, 0, err, sizeof err)) == NULL ||
	    token_key_load(&key, c->secret_file, err, sizeof err) == -1) {
		fprintf(stderr, "render: %s\n", err);
		return 1;
	}
	r = render_new(d, c, &key);
	if (strcmp(argv[2], "post") == 0 && argc == 5) {
		bench_post(d, c, &key, argv[3], argv[4]);
		rc = 0;
	} else if (strcmp(argv[2], "dump") == 0 && argc == 4)
		rc = bench_dump(r, strtoll(argv[3], NULL, 10));
	else {
		ids = bench_ids(d, &n);
		rc = bench_run(r, d, ids, n);
		free(ids);
	}
	render_free(&r);
	db_close(&d);
	conf_free(&c);
	return rc;
}
