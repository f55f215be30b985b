/*
 * check: the smallest test harness that does the job. CHECK records a
 * failure with file and line and goes on; check_done() prints the summary
 * and gives main's exit code.
 */
#ifndef HERALD_CHECK_H
#define HERALD_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_run, check_failed;

#define CHECK(cond) do { check_run++; if (!(cond)) { check_failed++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
	#cond); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); check_run++; \
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) { check_failed++; \
	fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
	a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)

static inline int
check_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, check_run - check_failed,
	    check_failed);
	return check_failed ? 1 : 0;
}

/*
 * The whole of dir/name, NUL-terminated, for the caller to free; *len
 * (may be NULL) gets its size. NULL, said on stderr, when unreadable.
 */
static inline char *
check_slurp(const char *dir, const char *name, size_t *len)
{
	char path[1200], *s;
	FILE *f;
	long n;

	if (len)
		*len = 0;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "  cannot open %s\n", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s == NULL || fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		fclose(f);
		return NULL;
	}
	s[n] = '\0';
	if (len)
		*len = (size_t)n;
	fclose(f);
	return s;
}

/*
 * Where the test data are: $HERALD_TEST_DATA (ctest sets it), else
 * beside the test's own source, file (its __FILE__: tests/unit/t_x.c ->
 * tests/data); then "/" sub unless sub is "". Into buf.
 */
static inline void
check_datadir(char *buf, size_t n, const char *file, const char *sub)
{
	const char *env = getenv("HERALD_TEST_DATA"), *slash;

	if (env && *env)
		snprintf(buf, n, "%s%s%s", env, *sub ? "/" : "", sub);
	else if ((slash = strrchr(file, '/')) != NULL)
		snprintf(buf, n, "%.*s/../data%s%s", (int)(slash - file), file,
		    *sub ? "/" : "", sub);
	else
		snprintf(buf, n, "../data%s%s", *sub ? "/" : "", sub);
}

#endif
