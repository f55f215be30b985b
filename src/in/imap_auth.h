/*
 * imap_auth: how the IMAP client logs in, on a connection imap.c has
 * opened and verified: LOGIN with imap.password_file, or with
 * imap.auth = "oauth2" AUTHENTICATE XOAUTH2 (libetpan's) or OAUTHBEARER
 * (RFC 7628, herald's own: libetpan has none) with an access token from
 * conf/oauth2, once more with a fresh token when the first is refused.
 */
#ifndef HERALD_IMAP_AUTH_H
#define HERALD_IMAP_AUTH_H

#include <stddef.h>

#include "conf/conf.h"
#include "in/imap.h"

/*
 * Log in as user. Returns a MAILIMAP_* code (MAILIMAP_NO_ERROR when
 * logged in), or -1 with err set when herald could not even try (no
 * password file, no token, no mechanism the server offers).
 */
int imap_auth_login(struct imap *m, const struct conf *c, const char *user,
    char *err, size_t errlen);

#endif
