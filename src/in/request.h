/*
 * request: what LIST-request@ understands (subscribe, unsubscribe,
 * confirm TOKEN, help), and what a confirmation does when its token
 * comes back. Every change is confirmed by the address itself (double
 * opt-in): a request only sends a confirmation, and until it is
 * answered nothing exists that an audience, a count or a report could
 * see: no contact, no membership. A post held for its poster's
 * confirmation (in/hold.h) is released here too.
 *
 * Answers go out through out/notice.h (one rate limiter). Whether a
 * message may be answered or a confirmation believed is decided before
 * these are called (in/act.c).
 */
#ifndef HERALD_IN_REQUEST_H
#define HERALD_IN_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "lib/token.h"
#include "store/db.h"

#define REQUEST_CONFIRM_TTL (3 * 86400)

/* The command word of a request's subject or first line: "subscribe",
 * "unsubscribe", "help", "confirm" (with *token), or NULL. */
const char *request_parse(const char *subject, const char *text,
    char *token, size_t toklen);
/*
 * Act on a request from sender (a normalised address) to list_id, in
 * the caller's transaction. *what gets one line for the log. 0 or -1.
 */
int request_handle(struct db *d, const struct token_key *key,
    const char *domain, int64_t list_id, const char *sender,
    const char *cmd, char *what, size_t whatlen);
/*
 * Open a confirmation of action ("subscribe", "unsubscribe", "post")
 * for email on list_id, valid ttl seconds. Returns its id or -1.
 */
int64_t request_new_confirmation(struct db *d, int64_t list_id,
    const char *email, const char *action, int64_t post_id, int64_t ttl);
/*
 * Apply confirmation conf_id (from a valid token), once. A confirmed
 * subscription makes the contact (when new) and the membership; a
 * confirmed post is relayed. 0 or -1.
 */
int request_confirm(struct db *d, const struct token_key *key,
    const char *domain, int64_t conf_id, char *what, size_t whatlen);

#endif
