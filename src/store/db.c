/* db: see db.h. */
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fsmode.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

#define DB_BUSY_TIMEOUT_MS 5000

/*
 * A new database is made here, empty, with its mode and group (fsmode.h)
 * before SQLite writes anything to it: SQLite would make it 0644, and
 * makes its -wal and -shm files with the mode of the database file.
 * SQLite takes an empty file for a new database.
 */
static int
db_create(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    FSMODE_PRIVATE);

	if (fd == -1 && errno == EEXIST)
		return 0;
	if (fd == -1 || fsmode_share(fd, FSMODE_DB_SHARED) == -1) {
		snprintf(err, errlen, "%s: cannot create database: %s", path,
		    strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(path);
		}
		return -1;
	}
	close(fd);
	return 0;
}

struct db *
db_open(const char *path, int create, char *err, size_t errlen)
{
	struct db *d;
	sqlite3 *h = NULL;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	char *msg = NULL;

	if (create && db_create(path, err, errlen) == -1)
		return NULL;
	if (sqlite3_open_v2(path, &h, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open database: %s", path,
		    h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, DB_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(h, 1);
	/*
	 * synchronous=FULL: a row recorded as sent must survive power loss,
	 * or the message would be sent twice after a reboot.
	 */
	if (sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON;", NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, msg ? msg : "setup failed");
		sqlite3_free(msg);
		sqlite3_close(h);
		return NULL;
	}
	d = xcalloc(1, sizeof *d);
	d->h = h;
	d->path = xstrdup(path);
	return d;
}

void
db_close(struct db **dp)
{
	struct db *d = *dp;

	if (d == NULL)
		return;
	if (d->in_tx)
		db_rollback(d);
	while (d->ncache > 0)
		sqlite3_finalize(d->cache_st[--d->ncache]);
	sqlite3_close_v2(d->h);
	free(d->path);
	free(d);
	*dp = NULL;
}

/*
 * A fixed statement (BEGIN, COMMIT) run from the cache; its result code.
 * They come once per batch in the sender and the render thread, and
 * sqlite3_exec would parse them again every time.
 */
static int
db_step_fixed(struct db *d, const char *sql)
{
	sqlite3_stmt *st = db_cached(d, sql);
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc;
}

/* db_step_fixed, a failure logged. */
static int
db_run(struct db *d, const char *sql)
{
	if (db_step_fixed(d, sql) != SQLITE_DONE) {
		log_warnx("%s: %s: %s", d->path, sql, sqlite3_errmsg(d->h));
		return -1;
	}
	return 0;
}

int
db_begin(struct db *d)
{
	if (db_run(d, "BEGIN IMMEDIATE") == -1)
		return -1;
	d->in_tx = 1;
	return 0;
}

/* Quiet: a read that cannot share a snapshot takes its own. */
int
db_begin_read(struct db *d)
{
	return db_step_fixed(d, "BEGIN") == SQLITE_DONE ? 0 : -1;
}

/* The end of db_begin_read's transaction (nothing to keep or undo). */
void
db_end_read(struct db *d)
{
	(void)db_step_fixed(d, "COMMIT");
}

int
db_commit(struct db *d)
{
	if (db_run(d, "COMMIT") == -1) {
		db_rollback(d);
		return -1;
	}
	d->in_tx = 0;
	return 0;
}

void
db_rollback(struct db *d)
{
	if (!sqlite3_get_autocommit(d->h))
		sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
	d->in_tx = 0;
}

sqlite3_stmt *
db_prepare(struct db *d, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(d->h, sql, -1, &st, NULL) != SQLITE_OK)
		fatalx(70, "%s: prepare: %s: %s", d->path, sqlite3_errmsg(d->h),
		    sql);
	return st;
}

sqlite3_stmt *
db_cached(struct db *d, const char *sql)
{
	int i;

	for (i = 0; i < d->ncache; i++)
		if (d->cache_sql[i] == sql)
			return d->cache_st[i];
	if (d->ncache == DB_CACHE_MAX)
		fatalx(70, "statement cache full");
	d->cache_sql[d->ncache] = sql;
	d->cache_st[d->ncache] = db_prepare(d, sql);
	return d->cache_st[d->ncache++];
}

void
db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

void
db_bind_id(sqlite3_stmt *st, int idx, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, idx, v);
	else
		sqlite3_bind_null(st, idx);
}

int
db_step_done(struct db *d, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_warnx("%s: %s", d->path, sqlite3_errmsg(d->h));
		return -1;
	}
	return 0;
}

const char *
db_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

char *
db_col_dup(sqlite3_stmt *st, int i)
{
	return xstrdup(db_col_text(st, i));
}

const char *
db_errmsg(struct db *d)
{
	return sqlite3_errmsg(d->h);
}

int64_t
db_int_query(struct db *d, const char *sql, const char *param)
{
	sqlite3_stmt *st = db_prepare(d, sql);
	int64_t v = -1;

	if (param)
		db_bind_text(st, 1, param);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}
