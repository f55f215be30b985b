/*
 * progress: a one-line bar on the terminal for long work, with done of
 * total, the rate so far and the time left. Nothing is drawn when stdout
 * or stderr is not a terminal, so scripts and logs see only the result.
 */
#ifndef HERALD_PROGRESS_H
#define HERALD_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

struct progress {
	int on;
	const char *label;
	int64_t total;
	int64_t last_ms;
	int64_t start_ms, start_done;	/* the first update: rate since then */
	int64_t limit;		/* a rate limit per minute (0: none) */
	const char *limit_name;	/* what sets it, e.g. "smtp.rate" */
	int bytes;		/* done and total are bytes: print KB/MB */
};

void progress_start(struct progress *p, const char *label, int64_t total);
/*
 * The work cannot go faster than per_min units a minute (name says what
 * sets it, e.g. smtp.rate): the time left is never shown shorter than
 * that allows, and the line says the limit applies.
 */
void progress_set_limit(struct progress *p, int64_t per_min,
    const char *name);
void progress_update(struct progress *p, int64_t done);
void progress_end(struct progress *p);
/*
 * The text after the bar, for done of p->total at now_ms:
 * "1200/5000  38/s  1m40s left (smtp.rate 2400/min)".
 */
void progress_stats(const struct progress *p, int64_t done, int64_t now_ms,
    char *buf, size_t len);

#endif
