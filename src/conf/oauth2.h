/*
 * oauth2: access tokens for logging in to SMTP and IMAP with SASL
 * XOAUTH2 or OAUTHBEARER (herald.conf(5) "oauth2"). heraldd holds a
 * refresh token in oauth2.refresh_token_file and trades it for access
 * tokens at oauth2.token_url (RFC 6749 section 6); each is kept in
 * memory until shortly before it expires. All calls are thread-safe:
 * the cache is one per process, under a mutex, and the HTTP request is
 * made with the mutex held so that two threads never refresh at once.
 * Errors never contain a token.
 */
#ifndef HERALD_OAUTH2_H
#define HERALD_OAUTH2_H

#include <stddef.h>

#include <jansson.h>

#include "conf/conf.h"

/*
 * An access token (malloc'd) for the client o. force: the server refused
 * the cached token, so get a new one (unless the cached one is only a
 * few seconds old: then the token was not the problem). NULL with err
 * set when none can be had; the failure is logged.
 */
char *oauth2_token(const struct conf_oauth2 *o, int force, char *err,
    size_t errlen);
/* Forget the cached token (the configuration changed). */
void oauth2_forget(void);

/*
 * POST the form (application/x-www-form-urlencoded) to url and parse
 * the JSON answer: RFC 6749 and RFC 8628 endpoints answer errors with a
 * 4xx status and a JSON body too. Returns the object (json_decref) and
 * the HTTP status, or NULL with err set.
 */
json_t *oauth2_post(const char *url, const char *form, long *status,
    char *err, size_t errlen);
/*
 * Append "&name=value" (URL-encoded; no "&" when form is empty) to the
 * malloc'd form and return it.
 */
char *oauth2_form_add(char *form, const char *name, const char *value);
/* The client's own part of every form: client_id, client_secret. */
char *oauth2_form_client(const struct conf_oauth2 *o, char *err,
    size_t errlen);
/*
 * Write the refresh token to path, mode 0600, atomically (a temporary
 * file renamed into place). -1 with err set.
 */
int oauth2_save_refresh(const char *path, const char *token, char *err,
    size_t errlen);
/* "error: error_description" of an RFC 6749 5.2 answer, into out. */
void oauth2_error_text(json_t *answer, long status, char *out, size_t len);

/*
 * The initial client response of SASL XOAUTH2 (user, token) or
 * OAUTHBEARER (RFC 7628 section 3.1; host and port for its fields),
 * base64-encoded, malloc'd.
 */
char *oauth2_sasl_xoauth2(const char *user, const char *token);
char *oauth2_sasl_oauthbearer(const char *user, const char *host,
    unsigned int port, const char *token);

#endif
