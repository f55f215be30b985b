/*
 * progress: a one-line bar on the terminal for long work. Nothing is
 * drawn when stdout or stderr is not a terminal, so scripts and logs see
 * only the result.
 */
#ifndef HERALD_PROGRESS_H
#define HERALD_PROGRESS_H

#include <stdint.h>

struct progress {
	int on;
	const char *label;
	int64_t total;
	int64_t last_ms;
};

void progress_start(struct progress *p, const char *label, int64_t total);
void progress_update(struct progress *p, int64_t done);
void progress_end(struct progress *p);

#endif
