/*
 * addr: mailbox addresses as RFC 5321 paths (Local-part "@" Domain), not
 * the full RFC 5322 grammar: no comments, no display names, no routes.
 * Domains are compared case-insensitively, so they are stored lower-case;
 * local parts keep their case (RFC 5321 section 2.4).
 */
#ifndef HERALD_ADDR_H
#define HERALD_ADDR_H

#include <stddef.h>

#include "lib/token.h"

#define ADDR_LOCAL_MAX 64
#define ADDR_DOMAIN_MAX 255
#define ADDR_MAX 254 /* a path is 256 octets including the angle brackets */

/*
 * Addresses herald builds from a base local part (herald.conf(5), sender): the tagged
 * LOCAL+TOKEN (delimiter and token appended) and a list's NAME-request.
 * ADDR_TAG_MAX is the longest tag: a one-octet delimiter and a token.
 */
#define ADDR_TAG_MAX (1 + TOKEN_LEN_MAX)
/*
 * The longest domain after which any local part still makes an address
 * of at most ADDR_MAX octets: sender.domain and lists_domain.
 */
#define ADDR_BUILT_DOMAIN_MAX (ADDR_MAX - 1 - ADDR_LOCAL_MAX)

/*
 * Validate s (surrounding white space is ignored) and return a normalised
 * copy (domain lower-cased) for the caller to free, or NULL with *error_r
 * set to a static message.
 */
char *addr_normalize(const char *s, const char **error_r);
/* 1 when s is a valid domain name (not an address literal). */
int addr_domain_valid(const char *s, size_t len);
/*
 * The longest base local part that still fits ADDR_LOCAL_MAX octets once
 * herald appends up to suffix_max octets to it (0 when none fits). The
 * one place that says how long sender.address's local part (suffix
 * ADDR_TAG_MAX) and a list name (suffix "-request") may be.
 */
size_t addr_base_max(size_t suffix_max);
/* Pointer to the '@' that separates local part and domain, or NULL. */
const char *addr_at(const char *addr);

#endif
