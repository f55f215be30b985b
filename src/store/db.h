/*
 * db: the SQLite connection every herald process uses. WAL, foreign keys
 * on every connection, a busy timeout, and writers that start with
 * BEGIN IMMEDIATE so a read-then-write never fails half-way with
 * SQLITE_BUSY_SNAPSHOT. Statements are prepared and bound, never built
 * with printf.
 */
#ifndef HERALD_DB_H
#define HERALD_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define DB_CACHE_MAX 128

struct db {
	sqlite3 *h;
	char *path;
	int in_tx;
	/* prepared statements kept for the connection's life, by SQL text */
	const char *cache_sql[DB_CACHE_MAX];
	sqlite3_stmt *cache_st[DB_CACHE_MAX];
	int ncache;
};

/* Open (creating when create != 0). Returns NULL with err set. */
struct db *db_open(const char *path, int create, char *err, size_t errlen);
void db_close(struct db **d);

int db_begin(struct db *d);		/* BEGIN IMMEDIATE */
int db_commit(struct db *d);
/* A read transaction (BEGIN, deferred): one snapshot for many reads. */
int db_begin_read(struct db *d);
void db_end_read(struct db *d);
void db_rollback(struct db *d);

/* Prepare or die: a bad statement is a programming error. */
sqlite3_stmt *db_prepare(struct db *d, const char *sql);
/*
 * A statement prepared once per connection and reused: sql must be a
 * string literal (it is keyed by address). The caller resets it.
 */
sqlite3_stmt *db_cached(struct db *d, const char *sql);
/* Bind a string, or NULL when s is NULL. */
void db_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* Bind NULL when v == 0 (for optional foreign keys). */
void db_bind_id(sqlite3_stmt *st, int idx, int64_t v);
/* Run a statement without result rows; 0 or -1 (error logged). */
int db_step_done(struct db *d, sqlite3_stmt *st);
/* Copy of column i as a string ("" for NULL). */
char *db_col_dup(sqlite3_stmt *st, int i);
const char *db_col_text(sqlite3_stmt *st, int i);
const char *db_errmsg(struct db *d);
/* One-shot single-integer query with up to one text parameter. */
int64_t db_int_query(struct db *d, const char *sql, const char *param);

#endif
