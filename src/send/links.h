/*
 * links: the web endpoint's URLs in outbound mail (src/web/ answers
 * them), made only when herald.conf has http.base_url:
 *
 *   BASE/u/TOKEN   unsubscribe (RFC 8058 List-Unsubscribe, first)
 *   BASE/r/TOKEN   an answer: {{rsvp.link.yes}}, .no, .maybe, and
 *                  {{rsvp.link}} (all three, on the Reply-To's token)
 *
 * TOKEN is the message's own (lib/token.h): no new secret.
 */
#ifndef HERALD_LINKS_H
#define HERALD_LINKS_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "lib/token.h"
#include "store/db.h"

struct compose;

#define LINKS_URL_MAX 400	/* http.base_url is at most 256 octets */

/* "BASE/ROUTE/TOKEN" into buf; -1 when http.base_url is not set. */
int links_url(const struct conf *c, const struct token_key *k, char route,
    enum token_kind kind, int64_t msg_id, char *buf, size_t len);
/*
 * The value of template variable name when it is one of the rsvp.link
 * ones, into buf; NULL otherwise (or without http.base_url: the
 * template then fails as with any undefined variable).
 */
const char *links_rsvp_var(const struct conf *c, const struct token_key *k,
    int64_t msg_id, const char *name, char *buf, size_t len);

/* The List-Unsubscribe pair of one message. */
struct links_unsub {
	char value[LINKS_URL_MAX + 400];	/* "<https://...>, <mailto:...>" */
};
#define LINKS_ONE_CLICK "List-Unsubscribe=One-Click"
/*
 * For a campaign message whose campaign goes to an announce list, with
 * http.base_url set: List-Unsubscribe (the URL, then mailto) and
 * List-Unsubscribe-Post added to m's extra headers, their text in u.
 * (A database error adds nothing: the mailto in the body still works.)
 */
void links_campaign_headers(struct db *d, const struct conf *c,
    const struct token_key *k, int64_t campaign_id, int64_t msg_id,
    struct compose *m, struct links_unsub *u);

#endif
