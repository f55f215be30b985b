/* journal: see journal.h. */
#include "store/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xmalloc.h"

#define JOURNAL_PENDING_MAX (16 * 1024 * 1024)
#define JOURNAL_LINE_MAX 1024
/*
 * A new journal is written with this many bytes of zeros after its
 * records, and records then overwrite them in place: the file's size
 * and blocks do not change, so each journal_sync's fdatasync flushes
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
	j->dir_dirty = j->dirty = 1;
	j->path = xstrdup(path);
	buf_init(&j->pending, JOURNAL_PENDING_MAX);
	return 0;
}

void
journal_close(struct journal *j)
{
	if (j->fd > 0)
		close(j->fd);
	if (j->dir_fd > 0)
		close(j->dir_fd);
	j->fd = j->dir_fd = -1;
	free(j->path);
	j->path = NULL;
	buf_free(&j->pending);
}

void
journal_start(struct journal *j, int64_t id)
{
	buf_printf(&j->pending, "S %lld\n", (long long)id);
}

void
journal_done(struct journal *j, int64_t id, int outcome, int64_t at,
    const char *reply)
{
	char clean[JOURNAL_LINE_MAX / 2];
	size_t i;

	/* one record, one line: the reply is kept printable */
	for (i = 0; reply[i] && i < sizeof clean - 1; i++)
		clean[i] = reply[i] < 0x20 || reply[i] == 0x7f ? '?' : reply[i];
	clean[i] = '\0';
	buf_printf(&j->pending, "D %lld %d %lld %s\n", (long long)id, outcome,
	    (long long)at, clean);
}

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

int
journal_flush(struct journal *j)
{
	off_t end = (off_t)j->len;

	if (j->pending.len == 0)
		return 0;
	if (j->fd == -1)
		return -1;
	j->dirty = 1;
	if (journal_write_all(j->fd, j->pending.data, j->pending.len, end)
	    == -1) {
		/* no torn record may stay for the next append to join */
		if (ftruncate(j->fd, end) == -1) {
			close(j->fd);
			j->fd = -1;	/* nothing may start any more */
		}
		return -1;
	}
	j->len = end + (off_t)j->pending.len;
	buf_reset(&j->pending);
	return 0;
}

int
journal_sync(struct journal *j)
{
	if (j->fd == -1)
		return -1;
	if (j->nosync)
		return 0;
	/* the data first: a name without its start marks is no journal */
	if (j->dirty && fdatasync(j->fd) == -1)
		return -1;
	j->dirty = 0;
	if (j->dir_dirty && fsync(j->dir_fd) == -1)
		return -1;
	j->dir_dirty = 0;
	return 0;
}

int
journal_rotate(struct journal *j, const int64_t *ids, size_t n)
{
	char tmp[4200];
	struct buf b;
	size_t i, len;
	int fd, rc;

	if (journal_flush(j) == -1)
		return -1;
	/*
	 * Written beside, renamed over: the descriptor follows the file, so
	 * appends go to the new journal with no second open that could fail
	 * after the rename.
	 */
	snprintf(tmp, sizeof tmp, "%s.new", j->path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	buf_init(&b, JOURNAL_PENDING_MAX);
	for (i = 0; i < n; i++)
		buf_printf(&b, "S %lld\n", (long long)ids[i]);
	len = b.len;
	rc = journal_write_all(fd, b.data ? b.data : "", b.len, 0);
	/* zeros written, not a hole: their blocks exist before the sync */
	if (rc == 0 && !j->nosync)
		rc = journal_write_all(fd, journal_zeros, sizeof journal_zeros,
		    (off_t)len);
	/*
	 * The marks of what is in flight must be on disk before the name
	 * may point at them: a rename that reached the disk ahead of its
	 * data would forget transactions that may have been delivered.
	 * The directory is synced lazily, by the journal_sync that must
	 * come before any further start (the old journal, still named
	 * until then, holds every mark the new one does).
	 */
	if (rc == 0 && !j->nosync && fdatasync(fd) == -1)
		rc = -1;
	if (rc == -1 || rename(tmp, j->path) == -1) {
		buf_free(&b);
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(j->fd);
	j->fd = fd;
	j->len = (int64_t)len;
	j->dirty = 0;
	j->dir_dirty = 1;
	buf_free(&b);
	return 0;
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
