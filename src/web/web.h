/*
 * web: heraldd's HTTP endpoint for the links in herald's mail (issue 14),
 * off unless herald.conf has http.listen. libmicrohttpd parses HTTP and
 * runs the listener on a thread of its own, with its own SQLite
 * connection, so neither the sender nor the IMAP reader ever waits on
 * it. Routes:
 *
 *   GET  /health      "ok": herald check asks it through http.base_url
 *   GET  /u/TOKEN     a page: which list, which address, one button
 *   POST /u/TOKEN     unsubscribe (RFC 8058 one-click, or the page's
 *                     form), or undo it within WEB_UNDO_DAYS
 *   GET  /r/TOKEN     the event and the answer to confirm
 *   POST /r/TOKEN     record the answer (in/seats.h's rules)
 *
 * TOKEN is the message's own signed token (lib/token.h): 'u' for
 * unsubscribe, 'y', 'n', 'v' for an answer, 'r' (its Reply-To's) for a
 * page offering all three. Nothing changes on GET, HEAD or OPTIONS;
 * the pages' forms carry a second MAC derived from the token (web_form),
 * so a form on another site cannot post for someone. A forged token and
 * an unknown row get the same 404 page; logs never hold a token.
 */
#ifndef HERALD_WEB_H
#define HERALD_WEB_H

#include <stddef.h>

#include "lib/token.h"

struct web;

/*
 * Start listening as the config at conf_path says (it is read again
 * here: the endpoint keeps its own copy, so a reload of heraldd's does
 * not pull it from under the listener's thread). NULL with err set.
 */
struct web *web_start(const char *conf_path, const struct token_key *key,
    char *err, size_t errlen);
/* Stop accepting, finish the requests in progress, close. */
void web_stop(struct web **w);

#endif
