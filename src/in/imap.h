/*
 * imap: herald's IMAP client, a thin layer over libetpan's mailimap.
 * Connects over plain, STARTTLS or IMAPS; libetpan does not check the
 * server's certificate, so imap_open() does, with GnuTLS (the system's
 * trust store or imap.ca_file, and the host name) before it sends the
 * password. All calls block; the ingester runs them on its own thread.
 */
#ifndef HERALD_IMAP_H
#define HERALD_IMAP_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

/*
 * The largest literal herald accepts from the server, and so the size
 * cap of a message read whole: libetpan allocates a literal's announced
 * size before it reads it, so a larger one is a protocol error.
 */
#define IMAP_LITERAL_MAX (10 * 1024 * 1024)

struct imap_cut;

struct imap {
	void *session;		/* mailimap * */
	struct imap_cut *cut;	/* see imap_stream.h; may be NULL */
	char *host;
	unsigned int port;
	char *mailbox;
	uint32_t uidvalidity;
	uint32_t uidnext;
	int has_idle;
	int has_move;
};

/* One message fetched: the body is only valid during the callback. */
struct imap_message {
	uint32_t uid;
	uint32_t size;		/* RFC822.SIZE */
	const char *data;	/* whole message, or only its header when */
	size_t len;		/* the message is over the size cap */
	int truncated;
};

/* Connect, verify, log in and SELECT. -1 with err set. */
int imap_open(struct imap *m, const struct conf *c, char *err, size_t errlen);
/* The same, on a connection another thread may cut (imap_stream_cut). */
int imap_open_cut(struct imap *m, const struct conf *c, struct imap_cut *cut,
    char *err, size_t errlen);
/*
 * The same on another mailbox of the account (imap.sent_folder): only
 * read there (BODY.PEEK), never flagged or moved.
 */
int imap_open_folder(struct imap *m, const struct conf *c,
    const char *folder, char *err, size_t errlen);
void imap_close(struct imap *m);
/* Messages fetched together; their text lives as long as the batch. */
struct imap_batch {
	struct imap_message *msgs;	/* in UID order */
	size_t n;
	/* every UID above after and up to upto is in msgs: the place to
	 * read on from. A UID that does not come stops it, so what follows
	 * is read again, not skipped; only when the first never comes is
	 * it passed over (missing), or the mailbox would stall on it. */
	uint32_t upto;
	uint32_t missing;
	struct clist_s *lists[2];	/* libetpan's answers (bodies, headers) */
};

/*
 * Fetch, in UID order, up to max messages with a UID above after and no
 * more than bytes of text in all (at least one); messages over cap (at
 * most IMAP_LITERAL_MAX) come as headers only. Three IMAP commands,
 * whatever the count, answered in any order. Returns the number of UIDs
 * looked at (0: none new; b->n may be fewer), -1 with err set. Free
 * with imap_batch_free().
 */
int imap_fetch_batch(struct imap *m, uint32_t after, size_t max,
    size_t bytes, size_t cap, struct imap_batch *b, char *err,
    size_t errlen);
void imap_batch_free(struct imap_batch *b);
/*
 * Flag \Seen, or move to folder when it is not "", in one command; a
 * missing folder is created. -1 with err set; -2 when the folder is
 * missing and cannot be created (the connection is still good).
 */
int imap_done_set(struct imap *m, const uint32_t *uids, size_t n,
    const char *folder, char *err, size_t errlen);
/* Whether folder exists on the server: 1, 0, or -1 on error. */
int imap_folder_exists(struct imap *m, const char *folder);
/* CREATE folder. -1 with err set. */
int imap_folder_create(struct imap *m, const char *folder, char *err,
    size_t errlen);
/*
 * Wait for new mail: IDLE when the server has it (renewed under 29 min),
 * else return at once. Returns 1 when something arrived, 0 on timeout,
 * -1 on error. stop is polled every second.
 */
int imap_wait(struct imap *m, int timeout_s, const _Atomic int *stop);

#endif
