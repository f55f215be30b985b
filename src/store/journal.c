/* journal: see journal.h. */
#include "store/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xmalloc.h"

#define JOURNAL_PENDING_MAX (16 * 1024 * 1024)
#define JOURNAL_LINE_MAX 1024
/*
 * A new journal is written with this many bytes of zeros after its
 * records, and records then overwrite them in place: the file's size
 * and blocks do not change, so each start's fdatasync flushes
 * data alone, without a file system journal commit for the size (on
 * ext4, about half the cost of a sync of an append). journal_read skips
 * the zeros.
 */
#define JOURNAL_PREALLOC (64 * 1024)
static const char journal_zeros[JOURNAL_PREALLOC];

/* The directory holding path, opened for fsync after renames. */
static int
journal_open_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd;

	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return fd;
}

/* ---- descriptors for syncing (under j->mu) ---- */

/*
 * A descriptor of the journal's file of its own for one sync: a spare,
 * or a new one. Linux reports a write-back error to each open file once
 * (errseq): syncs in parallel through one descriptor could see a
 * failure reported to one of them only, and the other would take bytes
 * lost for durable. The journal's own descriptor writes; these sync.
 * Opened by name: no rotation runs while a sync does.
 */
static int
journal_spare_take(struct journal *j)
{
	if (j->nspare > 0)
		return j->spare_fds[--j->nspare];
	return open(j->path, O_WRONLY | O_CLOEXEC);
}

static void
journal_spare_give(struct journal *j, int fd)
{
	if (j->nspare == j->spare_cap) {
		j->spare_cap = j->spare_cap ? j->spare_cap * 2 : 8;
		j->spare_fds = xrealloc(j->spare_fds,
		    (size_t)j->spare_cap * sizeof *j->spare_fds);
	}
	j->spare_fds[j->nspare++] = fd;
}

/* They name the file of one rotation: closed when it is replaced. */
static void
journal_spares_close(struct journal *j)
{
	while (j->nspare > 0)
		close(j->spare_fds[--j->nspare]);
}

/* The process's open journal, for journal_freeze (the watchdog). */
static pthread_mutex_t journal_live_mu = PTHREAD_MUTEX_INITIALIZER;
static struct journal *journal_live;

int
journal_open(struct journal *j, const char *path, int nosync)
{
	struct stat sb;
	int e;

	memset(j, 0, sizeof *j);
	j->fd = j->dir_fd = -1;
	j->nosync = nosync;
	if ((j->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC,
	    0600)) == -1 || fstat(j->fd, &sb) == -1 ||
	    (j->dir_fd = journal_open_dir(path)) == -1) {
		e = errno;
		if (j->fd != -1)
			close(j->fd);
		errno = e;
		return -1;
	}
	j->len = sb.st_size;
	/* a file just created has a name that is not durable yet */
	j->dir_dirty = 1;
	j->path = xstrdup(path);
	buf_init(&j->pending, JOURNAL_PENDING_MAX);
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->synced_cv, NULL);
	pthread_mutex_lock(&journal_live_mu);
	journal_live = j;
	pthread_mutex_unlock(&journal_live_mu);
	return 0;
}

void
journal_close(struct journal *j)
{
	size_t i;

	pthread_mutex_lock(&journal_live_mu);
	if (journal_live == j)
		journal_live = NULL;
	pthread_mutex_unlock(&journal_live_mu);
	journal_spares_close(j);
	free(j->spare_fds);
	j->spare_fds = NULL;
	j->spare_cap = 0;
	if (j->fd > 0)
		close(j->fd);
	if (j->dir_fd > 0)
		close(j->dir_fd);
	j->fd = j->dir_fd = -1;
	free(j->path);
	j->path = NULL;
	buf_free(&j->pending);
	for (i = 0; i < j->nopen; i++)
		free(j->open[i].done);
	free(j->open);
	j->open = NULL;
	j->nopen = j->open_cap = 0;
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->synced_cv);
}

void
journal_freeze(void)
{
	pthread_mutex_lock(&journal_live_mu);
	if (journal_live) {
		pthread_mutex_lock(&journal_live->mu);
		journal_live->frozen = 1;
		pthread_mutex_unlock(&journal_live->mu);
	}
	pthread_mutex_unlock(&journal_live_mu);
}

/* ---- the marks not settled (under j->mu) ---- */

static struct journal_open *
journal_find(struct journal *j, int64_t id)
{
	size_t i;

	/* the newest are at the end, and most lookups are for them */
	for (i = j->nopen; i > 0; i--)
		if (j->open[i - 1].id == id)
			return &j->open[i - 1];
	return NULL;
}

static struct journal_open *
journal_add(struct journal *j, int64_t id)
{
	struct journal_open *o;

	if (j->nopen == j->open_cap) {
		j->open_cap = j->open_cap ? j->open_cap * 2 : 256;
		j->open = xrealloc(j->open, j->open_cap * sizeof *j->open);
	}
	o = &j->open[j->nopen++];
	o->id = id;
	o->done = NULL;
	return o;
}

/* ---- writing ---- */

/* Write p at offset at (over the zeros of a preallocated journal). */
static int
journal_write_all(int fd, const char *p, size_t n, off_t at)
{
	ssize_t w;

	while (n > 0) {
		if ((w = pwrite(fd, p, n, at)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		at += w;
		n -= (size_t)w;
	}
	return 0;
}

/* write(2) what is pending (under j->mu). */
static int
journal_write_pending(struct journal *j)
{
	off_t end = (off_t)j->len;

	if (j->pending.len == 0)
		return 0;
	if (j->fd == -1)
		return -1;
	if (journal_write_all(j->fd, j->pending.data, j->pending.len, end)
	    == -1) {
		/* no torn record may stay for the next append to join */
		if (ftruncate(j->fd, end) == -1) {
			close(j->fd);
			j->fd = -1;	/* nothing may start any more */
		}
		buf_reset(&j->pending);
		return -1;
	}
	j->len = end + (off_t)j->pending.len;
	buf_reset(&j->pending);
	return 0;
}

/*
 * Make the mark durable, and the file's name after a rotation (under
 * j->mu). The syncs run outside the lock. A sync that began after the
 * mark was written covers it: a thread whose mark such a sync in
 * progress covers waits for it (a group commit); any other starts its
 * own at once, beside the syncs in progress, rather than queue behind
 * one that cannot cover it (the disk serves several at a time: four
 * threads get about twice the syncs per second of one). A rotation
 * waits until no sync is in progress, so the file and its length cannot
 * change under one; a thread waiting when a rotation came finds its mark
 * in the new file (the open marks).
 */
static int
journal_sync_to(struct journal *j, const struct journal_mark *m)
{
	for (;;) {
		/* after a rotation the new file holds the marks, synced:
		 * only its name may be left to sync */
		int need = j->gen == m->gen && j->synced < m->end;
		int data = need && j->sync_cover < m->end;
		int dir = j->dir_dirty && !j->dir_syncing, rc = 0, fd = -1;
		int64_t target = j->len;

		if (!need && !j->dir_dirty)
			return 0;
		if (j->fd == -1 || (need && j->broken))
			return -1;
		/* a rotation waiting goes first: sessions syncing one after
		 * another would otherwise starve it */
		if (j->rotating || (!data && !dir)) {
			pthread_cond_wait(&j->synced_cv, &j->mu);
			continue;
		}
		if (data && !j->nosync && (fd = journal_spare_take(j)) == -1)
			return -1;	/* out of descriptors: nothing lost */
		j->nsyncing++;
		if (data && target > j->sync_cover)
			j->sync_cover = target;
		if (dir)
			j->dir_syncing = 1;
		pthread_mutex_unlock(&j->mu);
		if (!j->nosync)
			rc = (data && fdatasync(fd) == -1) ||
			    (dir && fsync(j->dir_fd) == -1) ? -1 : 0;
		pthread_mutex_lock(&j->mu);
		if (fd != -1)
			journal_spare_give(j, fd);
		j->nsyncing--;
		if (dir)
			j->dir_syncing = 0;
		if (rc == -1) {
			/* its bytes may be lost whatever later syncs say; no
			 * sync starts again before the rotation that mends it */
			j->broken = 1;
		} else {
			/* one that began before the failure proves nothing
			 * the failure may have taken */
			if (data && target > j->synced && !j->broken)
				j->synced = target;
			if (dir)
				j->dir_dirty = 0;
		}
		pthread_cond_broadcast(&j->synced_cv);
		if (rc == -1)
			return -1;
		/* for the power-cut test: what a crash could not take away */
		log_debug("journal: %lld bytes durable", (long long)j->synced);
	}
}

int
journal_start(struct journal *j, int64_t id, struct journal_mark *m)
{
	struct journal_open *o;
	int rc = -1;

	pthread_mutex_lock(&j->mu);
	if (!j->frozen && !j->broken) {
		buf_printf(&j->pending, "S %lld\n", (long long)id);
		if (journal_write_pending(j) == 0) {
			/* on disk now, durable or not: remembered until
			 * settled, so that no rotation drops it */
			if ((o = journal_find(j, id)) == NULL)
				journal_add(j, id);
			else {
				free(o->done);
				o->done = NULL;
			}
			m->end = j->len;
			m->gen = j->gen;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&j->mu);
	return rc;
}

int
journal_durable(struct journal *j, const struct journal_mark *m)
{
	int rc;

	pthread_mutex_lock(&j->mu);
	rc = journal_sync_to(j, m);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

void
journal_done(struct journal *j, int64_t id, int outcome, int64_t at,
    const char *reply)
{
	char clean[JOURNAL_LINE_MAX / 2], line[JOURNAL_LINE_MAX];
	struct journal_open *o;
	size_t i;

	/* one record, one line: the reply is kept printable */
	for (i = 0; reply[i] && i < sizeof clean - 1; i++)
		clean[i] = reply[i] < 0x20 || reply[i] == 0x7f ? '?' : reply[i];
	clean[i] = '\0';
	snprintf(line, sizeof line, "D %lld %d %lld %s\n", (long long)id,
	    outcome, (long long)at, clean);
	pthread_mutex_lock(&j->mu);
	buf_adds(&j->pending, line);
	if ((o = journal_find(j, id)) == NULL)
		o = journal_add(j, id);
	free(o->done);
	o->done = xstrdup(line);
	pthread_mutex_unlock(&j->mu);
}

int
journal_flush(struct journal *j)
{
	int rc;

	pthread_mutex_lock(&j->mu);
	rc = journal_write_pending(j);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

void
journal_settle(struct journal *j, const int64_t *ids, size_t n)
{
	struct journal_open *o;
	size_t i;

	pthread_mutex_lock(&j->mu);
	for (i = 0; i < n; i++)
		if ((o = journal_find(j, ids[i])) != NULL) {
			free(o->done);
			*o = j->open[--j->nopen];
		}
	pthread_mutex_unlock(&j->mu);
}

/* The new journal's records: each open mark, the start before the
 * outcome (the last record of an id wins). */
static void
journal_records(const struct journal *j, struct buf *b)
{
	size_t i;

	for (i = 0; i < j->nopen; i++) {
		buf_printf(b, "S %lld\n", (long long)j->open[i].id);
		if (j->open[i].done)
			buf_adds(b, j->open[i].done);
	}
}

/* Write the new journal beside the old one, synced; its fd or -1. */
static int
journal_write_new(const struct journal *j, const char *tmp, size_t *len)
{
	struct buf b;
	int fd, rc;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	buf_init(&b, JOURNAL_PENDING_MAX);
	journal_records(j, &b);
	*len = b.len;
	rc = journal_write_all(fd, b.data ? b.data : "", b.len, 0);
	/* zeros written, not a hole: their blocks exist before the sync */
	if (rc == 0 && !j->nosync)
		rc = journal_write_all(fd, journal_zeros, sizeof journal_zeros,
		    (off_t)b.len);
	/*
	 * The marks of what is in flight must be on disk before the name
	 * may point at them: a rename that reached the disk ahead of its
	 * data would forget transactions that may have been delivered.
	 */
	if (rc == 0 && !j->nosync && fdatasync(fd) == -1)
		rc = -1;
	buf_free(&b);
	if (rc == -1) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	return fd;
}

int
journal_rotate(struct journal *j)
{
	char tmp[4200];
	size_t len;
	int fd, rc = -1;

	pthread_mutex_lock(&j->mu);
	/* never under a sync: it holds the old descriptor and length; and
	 * no new sync starts while it waits (journal_sync_to) */
	j->rotating = 1;
	while (j->nsyncing > 0)
		pthread_cond_wait(&j->synced_cv, &j->mu);
	if (j->fd == -1)
		goto out;
	/*
	 * Written beside, renamed over: the descriptor follows the file, so
	 * appends go to the new journal with no second open that could fail
	 * after the rename. The directory is synced lazily, by the sync
	 * that must come before any further start (the old journal, still
	 * named until then, holds every mark the new one does).
	 */
	snprintf(tmp, sizeof tmp, "%s.new", j->path);
	if ((fd = journal_write_new(j, tmp, &len)) == -1)
		goto out;
	if (rename(tmp, j->path) == -1) {
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(j->fd);
	journal_spares_close(j);
	j->fd = fd;
	j->len = j->synced = j->sync_cover = (int64_t)len;
	/* every open mark is in the new file, synced */
	j->broken = 0;
	j->dir_dirty = 1;
	j->gen++;
	/* the open marks hold every outcome the pending records did */
	buf_reset(&j->pending);
	rc = 0;
out:
	j->rotating = 0;
	pthread_cond_broadcast(&j->synced_cv);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

static int
journal_parse(char *line, struct journal_record *r)
{
	long long id, at;
	int outcome, off = 0;

	memset(r, 0, sizeof *r);
	line[strcspn(line, "\n")] = '\0';
	if (sscanf(line, "S %lld%n", &id, &off) == 1 && line[off] == '\0') {
		r->type = 'S';
		r->id = id;
		return 0;
	}
	if (sscanf(line, "D %lld %d %lld %n", &id, &outcome, &at, &off) == 3 &&
	    off > 0) {
		r->type = 'D';
		r->id = id;
		r->outcome = outcome;
		r->at = at;
		r->reply = line + off;
		return 0;
	}
	return -1;	/* a torn last line from a crash: ignore it */
}

int
journal_read(const char *path,
    void (*cb)(void *, const struct journal_record *), void *arg)
{
	struct journal_record r;
	char *line = NULL, *p;
	size_t size = 0;
	ssize_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((n = getline(&line, &size, f)) != -1) {
		/* the zeros of a preallocated journal come before a record
		 * only where a rotation's file was appended to after them */
		for (p = line; p < line + n && *p == '\0'; p++)
			;
		if (p - line + JOURNAL_LINE_MAX > n &&
		    journal_parse(p, &r) == 0)
			cb(arg, &r);
	}
	free(line);
	fclose(f);
	return 0;
}
