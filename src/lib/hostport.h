/*
 * hostport: "ADDRESS:PORT" as herald.conf's http.listen writes it, an
 * IPv4 address or a bracketed IPv6 one ("[::1]:8025"), numeric only:
 * a listener bound by name would depend on DNS at start.
 */
#ifndef HERALD_HOSTPORT_H
#define HERALD_HOSTPORT_H

#include <stddef.h>
#include <sys/socket.h>

/* 0 and *ss, *len filled; -1 with *why (a static message). */
int hostport_parse(const char *s, struct sockaddr_storage *ss,
    socklen_t *len, const char **why);

#endif
