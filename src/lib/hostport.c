/* hostport: see hostport.h. getaddrinfo does the parsing. */
#include "lib/hostport.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
hostport_parse(const char *s, struct sockaddr_storage *ss, socklen_t *len,
    const char **why)
{
	struct addrinfo hints, *res = NULL;
	char host[64];
	const char *port, *end;
	char *stop;
	long n;

	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':') {
			*why = "an IPv6 address goes in brackets: \"[::1]:8025\"";
			return -1;
		}
		s++;
		port = end + 2;
	} else if ((end = strrchr(s, ':')) == NULL) {
		*why = "must be ADDRESS:PORT, e.g. \"127.0.0.1:8025\"";
		return -1;
	} else
		port = end + 1;
	n = strtol(port, &stop, 10);
	if (*port == '\0' || *stop != '\0' || n < 1 || n > 65535) {
		*why = "the port must be a number from 1 to 65535";
		return -1;
	}
	if ((size_t)(end - s) >= sizeof host || end == s) {
		*why = "must be ADDRESS:PORT, e.g. \"127.0.0.1:8025\"";
		return -1;
	}
	snprintf(host, sizeof host, "%.*s", (int)(end - s), s);
	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL) {
		*why = "not a numeric IPv4 or IPv6 address";
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}
