/* progress: see progress.h. */
#include "cli/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_WIDTH 30

static int64_t
progress_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
progress_start(struct progress *p, const char *label, int64_t total)
{
	p->on = isatty(STDOUT_FILENO) && isatty(STDERR_FILENO) && total > 0;
	p->label = label;
	p->total = total;
	p->last_ms = 0;
}

static void
progress_draw(struct progress *p, int64_t done)
{
	int filled = (int)(done * PROGRESS_WIDTH / p->total), i;

	fprintf(stderr, "\r%s [", p->label);
	for (i = 0; i < PROGRESS_WIDTH; i++)
		fputc(i < filled ? '#' : ' ', stderr);
	fprintf(stderr, "] %3d%%", (int)(done * 100 / p->total));
	fflush(stderr);
}

void
progress_update(struct progress *p, int64_t done)
{
	int64_t now;

	if (!p->on)
		return;
	/* redrawing costs a write(2); ten times a second is plenty */
	if ((now = progress_ms()) - p->last_ms < 100)
		return;
	p->last_ms = now;
	progress_draw(p, done > p->total ? p->total : done);
}

void
progress_end(struct progress *p)
{
	if (!p->on)
		return;
	progress_draw(p, p->total);
	fputs("\r\033[K", stderr);
	fflush(stderr);
}
