/*
 * addr: mailbox addresses as RFC 5321 paths (Local-part "@" Domain), not
 * the full RFC 5322 grammar: no comments, no display names, no routes.
 * Domains are compared case-insensitively, so they are stored lower-case;
 * local parts keep their case (RFC 5321 section 2.4).
 */
#ifndef HERALD_ADDR_H
#define HERALD_ADDR_H

#include <stddef.h>

#define ADDR_LOCAL_MAX 64
#define ADDR_DOMAIN_MAX 255
#define ADDR_MAX 254 /* a path is 256 octets including the angle brackets */

/*
 * Validate s (surrounding white space is ignored) and return a normalised
 * copy (domain lower-cased) for the caller to free, or NULL with *error_r
 * set to a static message.
 */
char *addr_normalize(const char *s, const char **error_r);
/* 1 when s is a valid domain name (not an address literal). */
int addr_domain_valid(const char *s, size_t len);
/* Pointer to the '@' that separates local part and domain, or NULL. */
const char *addr_at(const char *addr);

#endif
