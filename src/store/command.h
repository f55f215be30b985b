/*
 * command: what LIST-request@ understands (SPEC 7.4): subscribe and
 * unsubscribe, both confirmed by the address itself (double opt-in: a
 * confirmation goes to the address, and only its answer acts), confirm
 * TOKEN, and help. Answers are queued as automatic messages (kind
 * 'auto', RFC 3834), at most one confirmation per address and list a day.
 */
#ifndef HERALD_COMMAND_H
#define HERALD_COMMAND_H

#include <stdint.h>

#include "lib/token.h"
#include "store/db.h"

#define COMMAND_CONFIRM_TTL (3 * 86400)
#define COMMAND_AUTO_MAX 10	/* automatic answers per address a day */

/* The command word of a request's subject or first line: "subscribe",
 * "unsubscribe", "help", "confirm" (with *token), or NULL. */
const char *command_parse(const char *subject, const char *text,
    char *token, size_t toklen);
/*
 * Act on a request from sender (a normalised address) to list_id, in
 * the caller's transaction. *what gets one line for the log. 0 or -1.
 */
int command_request(struct db *d, const struct token_key *key,
    const char *domain, int64_t list_id, const char *sender,
    const char *cmd, char *what, size_t whatlen);
/* Tell each owner and moderator of list_id that post_id is held (one
 * automatic notice each). Returns how many or -1. */
long command_notify_held(struct db *d, const struct token_key *key,
    const char *domain, int64_t list_id, int64_t post_id);
/* Tell the poster of post_id, once, what became of it ("held-expired",
 * "held-rejected"). 0 or -1. */
int command_tell_poster(struct db *d, const struct token_key *key,
    const char *domain, int64_t list_id, int64_t post_id, const char *email,
    const char *text);
/* Expire posts held longer than expire seconds, telling each poster
 * once. Returns how many or -1. */
long command_expire_held(struct db *d, const struct token_key *key,
    const char *domain, int64_t expire);
/* Apply confirmation conf_id (from a valid token). 0 or -1. */
int command_confirm(struct db *d, int64_t conf_id, char *what,
    size_t whatlen);

#endif
