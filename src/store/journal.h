/*
 * journal: the sender's intent log, an append-only file beside the
 * database (DB.journal). Committing to SQLite for every message caps the
 * sender far below what SMTP allows, so the two facts that must be on
 * record before and after each transaction go here first, with one
 * write(2) per poll round, and reach the database in batches:
 *
 *   S ID                       the SMTP transaction of message ID starts
 *   D ID OUTCOME EPOCH REPLY   it ended (OUTCOME: queue_outcome number)
 *
 * Start marks are made durable (journal_sync: one fdatasync per poll
 * round that starts anything) before the transactions they announce
 * begin, so after a power cut the journal still names every message that
 * may have reached the end of DATA, and nothing else needs to be
 * suspected (store/queue.h). After each batch commit the journal is
 * replaced (write new, fdatasync, rename; the directory is synced before
 * the next start mark counts) by one that names only the transactions
 * still in flight.
 */
#ifndef HERALD_JOURNAL_H
#define HERALD_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

struct journal {
	char *path;
	int fd;
	int dir_fd;		/* the directory, for syncing renames */
	int nosync;		/* benchmarks only: no fdatasync/fsync */
	int dir_dirty;		/* renamed since the directory was synced */
	int dirty;		/* written since the last journal_sync */
	int64_t len;		/* bytes in the file */
	struct buf pending;	/* records not yet written */
};

struct journal_record {
	char type;		/* 'S' or 'D' */
	int64_t id;
	int outcome;
	int64_t at;
	const char *reply;
};

/* Open (create) path for appending. -1 on error (errno set). nosync: skip
 * every sync (a benchmark's comparison; power loss is then not survived). */
int journal_open(struct journal *j, const char *path, int nosync);
void journal_close(struct journal *j);
void journal_start(struct journal *j, int64_t id);
void journal_done(struct journal *j, int64_t id, int outcome, int64_t at,
    const char *reply);
/* write(2) what is pending. -1 on error: then nothing may start. */
int journal_flush(struct journal *j);
/* Make what is written durable (file data, and the name after a
 * rotation). -1 on error: then nothing may start. */
int journal_sync(struct journal *j);
/* Replace the file by one naming only ids (still in flight). */
int journal_rotate(struct journal *j, const int64_t *ids, size_t n);
/* Call cb for every well-formed record of the file at path (missing: 0). */
int journal_read(const char *path,
    void (*cb)(void *, const struct journal_record *), void *arg);

#endif
