/*
 * render: one queued message row -> the exact bytes to send, plus its
 * envelope. Shared by the sender in heraldd and "herald campaign preview",
 * so a preview is what the recipient receives (but for the Date header).
 *
 * Variables (herald(1) TEMPLATES) are looked up per recipient; templates are
 * loaded once per (name, language) and kept until render_reset(), or
 * until render_recheck() finds their files changed on disk.
 */
#ifndef HERALD_RENDER_H
#define HERALD_RENDER_H

#include <stdint.h>

#include "conf/conf.h"
#include "lib/buf.h"
#include "lib/token.h"
#include "store/db.h"

#define RENDER_ADDR_MAX 320

struct render;

struct render_out {
	char mail_from[RENDER_ADDR_MAX];	/* the bounce address */
	char rcpt[RENDER_ADDR_MAX];
	struct buf data;			/* CRLF message */
	/* its Subject in UTF-8, cut to fit, for the queue and the contact's
	 * thread ("" when not known) */
	char subject[256];
	/* its campaign (0: none), and whether it is exempt from the
	 * campaign's holds (a notice or a test copy): the sender checks
	 * them before it starts the message */
	int64_t campaign_id;
	int exempt;
};
/* Keep subject as out's (cut at a character, never inside one). */
void render_out_subject(struct render_out *out, const char *subject);

struct render *render_new(struct db *d, const struct conf *c,
    const struct token_key *key);
void render_free(struct render **r);
/* Forget cached templates and take a new config (after SIGHUP). */
void render_reset(struct render *r, const struct conf *c);
/*
 * Compare each cached template with its files on disk when it is next
 * used (a stat(2) per file, see tmpl_message_changed), and load it again
 * if they changed: an edited template is what the next render uses.
 * Call it before each batch; only from the thread that renders with r.
 */
void render_recheck(struct render *r);
#define RENDER_SKIP -2
/*
 * Render message row msg_id into out (data is reset first). -1 with err
 * set when the message cannot be made (a variable undefined for this
 * recipient, a missing template): a permanent failure of that message.
 * RENDER_SKIP when it must not go at all (the contact was erased or is
 * no longer active): the message is cancelled.
 */
int render_message(struct render *r, int64_t msg_id, struct render_out *out,
    char *err, size_t errlen);
/* An automatic answer to a list request (kind 'auto'). */
int render_auto(struct db *d, const struct conf *c, const struct token_key *k,
    int64_t msg_id, struct render_out *out, char *err, size_t errlen);
/* A relayed list post (kind 'relay'): see out/render_relay.c. */
int render_relay(struct db *d, const struct conf *c, const struct token_key *k,
    int64_t msg_id, struct render_out *out, char *err, size_t errlen);
/* Render for a contact as if message msg_id (maybe 0) were queued. */
int render_preview(struct render *r, int64_t campaign_id, int64_t contact_id,
    int64_t msg_id, struct render_out *out, char *err, size_t errlen);
void render_out_init(struct render_out *o);
void render_out_free(struct render_out *o);
/* "LOCAL+TOKEN@DOMAIN" from sender.address for (kind, id) into buf. */
void render_tagged(const struct conf *c, const struct token_key *key,
    enum token_kind kind, int64_t id, char *buf, size_t len);

#endif
