/*
 * check: the smallest test harness that does the job. CHECK records a
 * failure with file and line and goes on; check_done() prints the summary
 * and gives main's exit code.
 */
#ifndef HERALD_CHECK_H
#define HERALD_CHECK_H

#include <stdio.h>
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

#endif
