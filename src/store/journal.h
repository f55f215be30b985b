/*
 * journal: the sender's intent log, an append-only file beside the
 * database (DB.journal). Committing to SQLite for every message caps the
 * sender far below what SMTP allows, so the two facts that must be on
 * record before and after each transaction go here first, and reach the
 * database in batches:
 *
 *   S ID                       the SMTP transaction of message ID starts
 *   D ID OUTCOME EPOCH REPLY   it ended (OUTCOME: queue_outcome number)
 *
 * A start mark is written (write(2): a crash of the process cannot lose
 * it) before its transaction begins, and made durable before the end of
 * its DATA can be sent: the session hands curl the message's last bytes
 * only after journal_durable. So after a power cut the journal names
 * every message that may have reached the end of DATA, and a message it
 * does not name never did: its server dropped the unfinished DATA, and
 * sending it again is safe (store/queue.h). The sessions call these from
 * their own threads. One fdatasync covers every mark written before it
 * began (a group commit), and the marks of transactions under way pile
 * up while their MAIL, RCPT and DATA replies come: the sessions share
 * many syncs. A mark no sync in progress covers gets a sync of its own
 * at once, beside the others, each through a descriptor of its own: the
 * kernel reports a write-back error once per open file, so two syncs
 * sharing one could both succeed, one having lost the other's bytes. A
 * failed sync breaks the journal: what it was to make durable may be
 * gone, and a later sync that succeeds does not bring it back; no start
 * counts, and no mark becomes durable, until the next rotation has
 * written every open mark into a new file. Outcome marks need no sync:
 * one lost to a power cut leaves a start mark without an outcome, which
 * recovery doubts.
 *
 * The journal remembers the marks of the messages not yet settled in
 * the database. After each batch commit the sender settles its ids and
 * the journal is replaced (write new, fdatasync, rename; the directory
 * is synced before the next start mark counts) by one that holds only
 * those marks. Every function takes the journal's lock: any thread may
 * call them.
 */
#ifndef HERALD_JOURNAL_H
#define HERALD_JOURNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/* A message the journal has a mark of that the database has not. */
struct journal_open {
	int64_t id;
	char *done;		/* its D record, or NULL: started only */
};

struct journal {
	pthread_mutex_t mu;
	pthread_cond_t synced_cv;	/* a sync ended */
	char *path;
	int fd;
	int dir_fd;		/* the directory, for syncing renames */
	int nosync;		/* benchmarks only: no fdatasync/fsync */
	int frozen;		/* the stop watchdog reads it: no start */
	int dir_dirty;		/* renamed since the directory was synced */
	int nsyncing;		/* threads in fdatasync or fsync */
	int dir_syncing;	/* one of them syncs the directory */
	int broken;		/* a sync failed: nothing counts until a
				 * rotation has written the marks anew */
	int *spare_fds;		/* descriptors of the file for syncing */
	int nspare, spare_cap;
	int rotating;		/* a rotation waits for that sync */
	int64_t len;		/* bytes in the file */
	int64_t synced;		/* bytes known durable */
	int64_t sync_cover;	/* bytes the syncs begun so far cover */
	int64_t gen;		/* rotations so far */
	struct buf pending;	/* outcome records not yet written */
	struct journal_open *open;
	size_t nopen, open_cap;
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
/* Where a start mark ends, for journal_durable. */
struct journal_mark {
	int64_t end;		/* its last byte's offset + 1 */
	int64_t gen;		/* in the file of this rotation */
};
/*
 * Write the start mark of id (and any outcome marks waiting), not
 * synced, into *m. -1 on error, or when the journal is frozen: then the
 * transaction must not begin.
 */
int journal_start(struct journal *j, int64_t id, struct journal_mark *m);
/* Return once mark m is durable. -1 on error: then the end of DATA must
 * not be sent. */
int journal_durable(struct journal *j, const struct journal_mark *m);
/* The outcome of id, written with the next start mark or flush. */
void journal_done(struct journal *j, int64_t id, int outcome, int64_t at,
    const char *reply);
/* write(2) the outcome marks waiting. -1 on error. */
int journal_flush(struct journal *j);
/* The database now holds what became of ids: forget their marks. */
void journal_settle(struct journal *j, const int64_t *ids, size_t n);
/* Replace the file by one holding only the marks not settled. */
int journal_rotate(struct journal *j);
/*
 * No start from now on, in the process's open journal (the stop
 * watchdog, before it reads the file): a start mark being written is
 * finished first.
 */
void journal_freeze(void);
/* Call cb for every well-formed record of the file at path (missing: 0). */
int journal_read(const char *path,
    void (*cb)(void *, const struct journal_record *), void *arg);

#endif
