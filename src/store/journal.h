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
 * A write(2) survives the process being killed, like a WAL commit with
 * synchronous=NORMAL; after a machine crash the boot id differs and every
 * interrupted row is treated as uncertain anyway (store/queue.h). After
 * each batch commit the journal is replaced (write new, rename) by one
 * that names only the transactions still in flight.
 */
#ifndef HERALD_JOURNAL_H
#define HERALD_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

struct journal {
	char *path;
	int fd;
	struct buf pending;	/* records not yet written */
};

struct journal_record {
	char type;		/* 'S' or 'D' */
	int64_t id;
	int outcome;
	int64_t at;
	const char *reply;
};

/* Open (create) path for appending. -1 on error (errno set). */
int journal_open(struct journal *j, const char *path);
void journal_close(struct journal *j);
void journal_start(struct journal *j, int64_t id);
void journal_done(struct journal *j, int64_t id, int outcome, int64_t at,
    const char *reply);
/* write(2) what is pending. -1 on error: then nothing may start. */
int journal_flush(struct journal *j);
/* Replace the file by one naming only ids (still in flight). */
int journal_rotate(struct journal *j, const int64_t *ids, size_t n);
/* Call cb for every well-formed record of the file at path (missing: 0). */
int journal_read(const char *path,
    void (*cb)(void *, const struct journal_record *), void *arg);

#endif
