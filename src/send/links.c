/* links: see links.h. */
#include "send/links.h"

#include <stdio.h>
#include <string.h>

#include "mail/compose.h"
#include "send/render.h"

int
links_url(const struct conf *c, const struct token_key *k, char route,
    enum token_kind kind, int64_t msg_id, char *buf, size_t len)
{
	char tok[TOKEN_MAX];
	int n;

	if (c->http_base_url == NULL || *c->http_base_url == '\0')
		return -1;
	token_make(k, kind, (uint64_t)msg_id, tok);
	n = snprintf(buf, len, "%s/%c/%s", c->http_base_url, route, tok);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

const char *
links_rsvp_var(const struct conf *c, const struct token_key *k,
    int64_t msg_id, const char *name, char *buf, size_t len)
{
	enum token_kind kind;

	if (strcmp(name, "rsvp.link") == 0)
		kind = TOKEN_REPLY;	/* the page with all three answers */
	else if (strcmp(name, "rsvp.link.yes") == 0)
		kind = TOKEN_YES;
	else if (strcmp(name, "rsvp.link.no") == 0)
		kind = TOKEN_NO;
	else if (strcmp(name, "rsvp.link.maybe") == 0)
		kind = TOKEN_MAYBE;
	else
		return NULL;
	return links_url(c, k, 'r', kind, msg_id, buf, len) == 0 ? buf : NULL;
}

/* 1 when the campaign goes to an announce list, 0 not, -1 error. */
static int
links_to_announce(struct db *d, int64_t campaign_id)
{
	sqlite3_stmt *st = db_cached(d, "SELECT 1 FROM campaign k JOIN list l "
	    "ON l.id = k.list_id WHERE k.id = ? AND l.kind = 'announce'");
	int rc;

	sqlite3_bind_int64(st, 1, campaign_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

void
links_campaign_headers(struct db *d, const struct conf *c,
    const struct token_key *k, int64_t campaign_id, int64_t msg_id,
    struct compose *m, struct links_unsub *u)
{
	char url[LINKS_URL_MAX], mailto[RENDER_ADDR_MAX];

	if (campaign_id == 0 || *c->http_base_url == '\0' ||
	    m->nextra + 2 > COMPOSE_MAX_EXTRA ||
	    links_to_announce(d, campaign_id) != 1 ||
	    links_url(c, k, 'u', TOKEN_UNSUBSCRIBE, msg_id, url,
	    sizeof url) == -1)
		return;
	render_tagged(c, k, TOKEN_UNSUBSCRIBE, msg_id, mailto, sizeof mailto);
	/* RFC 8058: the https URL first; mailto for clients without it */
	snprintf(u->value, sizeof u->value, "<%s>, <mailto:%s>", url, mailto);
	m->extra[m->nextra++] = (struct compose_header){ "List-Unsubscribe",
	    u->value };
	m->extra[m->nextra++] = (struct compose_header){
	    "List-Unsubscribe-Post", LINKS_ONE_CLICK };
}
