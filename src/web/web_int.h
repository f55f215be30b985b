/* web_int: what web.c, web_pages.c, web_actions.c and web_form.c share. */
#ifndef HERALD_WEB_INT_H
#define HERALD_WEB_INT_H

#include <stdint.h>

#include "conf/conf.h"
#include "lib/buf.h"
#include "lib/token.h"
#include "store/db.h"

#define WEB_UNDO_DAYS 7
#define WEB_MAC_HEX 32		/* a form MAC: 16 bytes in hex */

/* What the token in a path names, as the database has it now. */
struct web_target {
	int found;
	enum token_kind kind;
	int64_t msg_id, contact_id, list_id, campaign_id, event_id;
	char email[320];
	char lang[8];		/* "en", "es" or "fr" */
	char list[80];		/* "" when the mail came from no list */
	char sender[200];	/* the office's name, for mail from no list */
	int subscribed;		/* still receives that list (or any mail) */
	/* an invitation's event */
	char title[256], when[160], place[256];
	char answer[16];	/* the stored answer, "" none */
	int cancelled;
};

/* web_actions.c: lookups and changes, through the stores' rules. */
int web_target_load(struct db *d, const struct conf *c, enum token_kind kind,
    int64_t id, struct web_target *t);
/* Unsubscribe (undo == 0) or subscribe again; 1 changed, 0 not, -1. */
int web_unsubscribe(struct db *d, const struct web_target *t, int undo);
/* Record answer; *stored is what the seats' rules made of it. 0 or -1. */
int web_rsvp(struct db *d, const struct conf *c, const struct token_key *k,
    const struct web_target *t, const char *answer, const char **stored);

/* web_form.c: the pages' second tokens, derived from the path's. */
void web_form_mac(const struct token_key *k, const char *purpose,
    const char *token, int64_t stamp, char *out);
/* 1 when mac is web_form_mac(purpose, token, stamp). */
int web_form_ok(const struct token_key *k, const char *purpose,
    const char *token, int64_t stamp, const char *mac);

/* web_pages.c: each page into b, escaped, in t's language. */
struct web_form {
	const char *mac;	/* the page form's MAC */
	int64_t stamp;		/* undo: when it was unsubscribed */
	const char *undo_mac;	/* undo: the MAC over token and stamp */
};
void web_page_missing(struct buf *b);
void web_page_problem(struct buf *b, const char *lang, int status);
void web_page_unsub_ask(struct buf *b, const struct web_target *t,
    const struct web_form *f);
void web_page_unsub_done(struct buf *b, const struct web_target *t,
    const struct web_form *f);
void web_page_unsub_undone(struct buf *b, const struct web_target *t);
void web_page_undo_late(struct buf *b, const struct web_target *t);
/* chosen: the token's answer or NULL; stored: after a POST, or NULL. */
void web_page_rsvp(struct buf *b, const struct web_target *t,
    const struct web_form *f, const char *chosen, const char *stored);

#endif
