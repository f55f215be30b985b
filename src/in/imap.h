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

struct imap {
	void *session;		/* mailimap * */
	char *host;
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
void imap_close(struct imap *m);
/*
 * Fetch up to max messages with a UID above after, in UID order; bodies
 * over cap bytes come as headers only. cb returns 0 to go on, -1 to stop.
 * Returns the number handed to cb, or -1 on a protocol error.
 */
int imap_fetch_new(struct imap *m, uint32_t after, int max, size_t cap,
    int (*cb)(void *, const struct imap_message *), void *arg, char *err,
    size_t errlen);
/* Flag \Seen, or move to folder when it is not "". */
int imap_done(struct imap *m, uint32_t uid, const char *folder, char *err,
    size_t errlen);
/*
 * Wait for new mail: IDLE when the server has it (renewed under 29 min),
 * else return at once. Returns 1 when something arrived, 0 on timeout,
 * -1 on error. stop is polled every second.
 */
int imap_wait(struct imap *m, int timeout_s, const _Atomic int *stop);

#endif
