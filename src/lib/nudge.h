/*
 * nudge: the CLI tells a running heraldd "the database changed, look
 * now" with one datagram on a Unix socket beside the database. It is only
 * a hint: the daemon also re-reads the database every second, so a lost
 * nudge costs at most that second.
 */
#ifndef HERALD_NUDGE_H
#define HERALD_NUDGE_H

#include <stddef.h>

/* The socket path for a database path, into buf. -1 if too long. */
int nudge_path(const char *db_path, char *buf, size_t len);
/* Bind the socket (removing a stale one); returns a non-blocking fd. */
int nudge_listen(const char *path);
/* Drain pending datagrams; returns how many were read. */
int nudge_drain(int fd);
/* Best effort: nobody listening is not an error. */
void nudge_send(const char *db_path);

#endif
