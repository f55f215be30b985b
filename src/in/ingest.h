/*
 * ingest: heraldd's IMAP reader, on a thread of its own (libetpan's calls
 * block) with its own config copy and database connection.
 *
 * For each new UID: fetch it, classify and act on it in one database
 * transaction, and only after the commit flag it \Seen (or move it to
 * imap.done_folder). A crash in between leaves it unflagged; read again,
 * it is recognised as handled (store/inbound.h) and only flagged.
 * UIDVALIDITY changes restart the UID count; connection trouble is
 * retried with backoff from 1 to 60 seconds.
 */
#ifndef HERALD_INGEST_H
#define HERALD_INGEST_H

#include <stddef.h>

struct ingest;

/* Start the thread; it reads conf_path itself. NULL with err set. */
struct ingest *ingest_start(const char *conf_path, char *err, size_t errlen);
/* Ask the thread to read the config again (SIGHUP). */
void ingest_reload(struct ingest *g);
/*
 * Stop after the message in hand is recorded; joins the thread. A thread
 * still waiting on the server after a second has its connection cut
 * (a silent server cannot hold SIGTERM up).
 */
void ingest_stop(struct ingest **g);

#endif
