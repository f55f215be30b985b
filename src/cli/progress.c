/* progress: see progress.h. */
#include "cli/progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/out.h"

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
	memset(p, 0, sizeof *p);
	p->on = isatty(STDOUT_FILENO) && isatty(STDERR_FILENO) && total > 0;
	p->label = label;
	p->total = total;
	p->start_ms = -1;
}

void
progress_set_limit(struct progress *p, int64_t per_min, const char *name)
{
	p->limit = per_min > 0 ? per_min : 0;
	p->limit_name = name;
}

/* A count, or bytes as KB/MB. */
static void
progress_amount(const struct progress *p, int64_t n, char *buf, size_t len)
{
	if (!p->bytes)
		snprintf(buf, len, "%lld", (long long)n);
	else if (n < 10 * 1024)
		snprintf(buf, len, "%lldB", (long long)n);
	else if (n < 10 * 1024 * 1024)
		snprintf(buf, len, "%lldKB", (long long)(n / 1024));
	else
		snprintf(buf, len, "%lldMB", (long long)(n / (1024 * 1024)));
}

static void
progress_duration(int64_t secs, char *buf, size_t len)
{
	if (secs < 60)
		snprintf(buf, len, "%llds", (long long)secs);
	else if (secs < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)(secs / 60),
		    (long long)(secs % 60));
	else
		snprintf(buf, len, "%lldh%02lldm", (long long)(secs / 3600),
		    (long long)(secs / 60 % 60));
}

void
progress_stats(const struct progress *p, int64_t done, int64_t now_ms,
    char *buf, size_t len)
{
	char a[32], b[32], r[32] = "", left[32] = "";
	int64_t ms = p->start_ms >= 0 ? now_ms - p->start_ms : 0;
	int64_t moved = done - (p->start_ms >= 0 ? p->start_done : done);
	double rate = ms >= 1000 && moved > 0 ? moved * 1000.0 / ms : 0;
	double eff = rate;
	int64_t rest = p->total - done;

	progress_amount(p, done, a, sizeof a);
	progress_amount(p, p->total, b, sizeof b);
	if (rate > 0) {
		if (p->bytes)
			progress_amount(p, (int64_t)rate, r, sizeof r);
		else if (rate < 10)
			snprintf(r, sizeof r, "%.1f", rate);
		else
			snprintf(r, sizeof r, "%.0f", rate);
	}
	/* the limit caps the rate; before any rate is seen it is the guess */
	if (p->limit > 0 && (eff == 0 || eff > p->limit / 60.0))
		eff = p->limit / 60.0;
	if (rest > 0 && eff > 0)
		progress_duration((int64_t)(rest / eff + 0.999), left,
		    sizeof left);
	snprintf(buf, len, "%s/%s%s%s%s%s%s", a, b, *r ? "  " : "", r,
	    *r ? "/s" : "", *left ? "  " : "", *left ? left : "");
	if (*left)
		snprintf(buf + strlen(buf), len - strlen(buf), " left");
	if (p->limit > 0)
		snprintf(buf + strlen(buf), len - strlen(buf), " (%s %lld/min)",
		    p->limit_name ? p->limit_name : "limit",
		    (long long)p->limit);
}

static void
progress_draw(struct progress *p, int64_t done, int64_t now)
{
	char stats[160];
	size_t cols = out_term_width(stderr), width = PROGRESS_WIDTH, used;
	int filled, i;

	progress_stats(p, done, now, stats, sizeof stats);
	/* label, " [", bar, "] ", "100% ", stats: keep it on one line */
	used = strlen(p->label) + 4 + 5 + strlen(stats);
	if (cols > 0 && used + width >= cols)
		width = cols > used + 10 ? cols - used - 1 : 10;
	filled = (int)(done * (int64_t)width / p->total);
	fprintf(stderr, "\r%s [", p->label);
	for (i = 0; i < (int)width; i++)
		fputc(i < filled ? '#' : ' ', stderr);
	fprintf(stderr, "] %3d%% %s\033[K", (int)(done * 100 / p->total),
	    stats);
	fflush(stderr);
}

void
progress_update(struct progress *p, int64_t done)
{
	int64_t now;

	if (!p->on)
		return;
	now = progress_ms();
	if (p->start_ms < 0) {
		p->start_ms = now;
		p->start_done = done;
	}
	/* redrawing costs a write(2); ten times a second is plenty */
	if (now - p->last_ms < 100)
		return;
	p->last_ms = now;
	progress_draw(p, done > p->total ? p->total : done, now);
}

void
progress_end(struct progress *p)
{
	if (!p->on)
		return;
	progress_draw(p, p->total, progress_ms());
	fputs("\r\033[K", stderr);
	fflush(stderr);
}
