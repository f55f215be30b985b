/*
 * imap_stream: herald's own connection under libetpan's IMAP parser: a
 * socket it opens itself and a low-level driver that sits around
 * libetpan's (plain or TLS). It guards against three faults that
 * libetpan 1.9.4 leaves to the caller:
 *
 *  - end of file inside a literal: 1.9.4 takes a 0-byte read as
 *    progress and loops for ever at 100% CPU (fixed upstream after
 *    1.9.4). Here end of file is an error, whatever libetpan runs.
 *  - an announced literal size: libetpan reserves "{N}" bytes before it
 *    reads one, so "{4294967295}" would ask for 4 GB. Here a literal
 *    over the limit is a protocol error before the parser sees it.
 *  - a read that waits on a silent server: imap_stream_cut() shuts the
 *    socket down from another thread, so heraldd's SIGTERM need not wait
 *    for the read timeout.
 *
 * Once a read or write has failed the stream stays failed: the parser's
 * state is lost mid-answer, and libetpan's LOGOUT on the way out would
 * otherwise wait out the timeout on a silent server.
 */
#ifndef HERALD_IMAP_STREAM_H
#define HERALD_IMAP_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <libetpan/libetpan.h>

/* Shared by the IMAP thread and the thread that may stop it. */
struct imap_cut;

struct imap_cut *imap_stream_cut_new(void);
void imap_stream_cut_free(struct imap_cut **c);
/* From any thread: fail the connection's I/O now and for good. */
void imap_stream_cut(struct imap_cut *c);

/*
 * A TCP connection to host:port within timeout_s seconds, given up early
 * when cut (may be NULL). The socket stays known to cut until its stream
 * closes it, or imap_stream_drop() does. -1 with err set.
 */
int imap_stream_connect(const char *host, uint16_t port, int timeout_s,
    struct imap_cut *cut, char *err, size_t errlen);
/* Close a socket that never got a stream. */
void imap_stream_drop(struct imap_cut *cut, int fd);

/*
 * Put herald's driver around the stream's low-level one (again after
 * STARTTLS, which replaces it). Literals over literal_max are refused.
 */
void imap_stream_wrap(mailstream *ms, struct imap_cut *cut,
    size_t literal_max);
/* Why herald's driver failed the stream, or NULL. */
const char *imap_stream_why(mailstream *ms);

#endif
