/*
 * smtp_auth: how a libcurl SMTP handle logs in when smtp.auth is
 * "oauth2": SASL OAUTHBEARER (RFC 7628) or XOAUTH2, whichever the server
 * offers (libcurl takes OAUTHBEARER when it has both), with an access
 * token from conf/oauth2. Password logins stay with the sender, which
 * keeps the password across reloads.
 */
#ifndef HERALD_SMTP_AUTH_H
#define HERALD_SMTP_AUTH_H

#include <stddef.h>

#include <curl/curl.h>

#include "conf/conf.h"

/*
 * Set easy's login options for the next transfer: nothing for password
 * logins; for OAuth2 the user and a current access token. When the
 * handle's previous transfer ended in 535 (authentication refused), the
 * token is renewed first: so a message deferred for a stale token goes
 * out with a fresh one on its next attempt. Returns 0, or -1 with err
 * set when no token can be had (the transfer then fails to log in and
 * the message is deferred).
 */
int smtp_auth_setup(CURL *easy, const struct conf *c, char *err,
    size_t errlen);
/*
 * The same for one server's settings held apart from a conf (the sender
 * keeps copies: a reload frees the conf): o the OAuth2 client, user the
 * login name.
 */
int smtp_auth_bearer(CURL *easy, const struct conf_oauth2 *o,
    const char *user, char *err, size_t errlen);

#endif
