/*
 * render_relay: the member's copy of a list post (kind 'relay' in the
 * queue), built from the post kept whole in inbound_raw by mail/relay.
 */
#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "mail/relay.h"
#include "send/links.h"
#include "send/render.h"

struct render_relay_row {
	int64_t post_id;
	char list[80], kind[16], rcpt[320], poster[320], tag[48], reply_to[8];
	int64_t msg_id;
	int receives;		/* still an active member, active contact */
	int to_owners;		/* mail to LIST-owner@: answers go back */
	char message_id[320];	/* the copy's, for a post without one */
};

/* A header phrase decoded to UTF-8 (NULL when it cannot be). */
static char *
render_relay_decode(const char *s)
{
	size_t idx = 0;
	char *out = NULL;

	if (mailmime_encoded_phrase_parse("utf-8", s, strlen(s), &idx,
	    "utf-8", &out) != MAILIMF_NO_ERROR)
		return NULL;
	return out;
}

/*
 * The poster's display name and the subject, decoded to UTF-8 ("" when
 * none): the name goes into From, the subject tells whether the list's
 * tag is there already.
 */
static void
render_relay_fields(const char *raw, size_t len, char **name, char **subject)
{
	struct mailimf_fields *f = NULL;
	struct mailimf_single_fields sf;
	struct mailimf_mailbox *mb;
	size_t idx = 0;

	*name = *subject = NULL;
	if (mailimf_envelope_and_optional_fields_parse(raw, len, &idx, &f) ==
	    MAILIMF_NO_ERROR) {
		mailimf_single_fields_init(&sf, f);
		if (sf.fld_from && sf.fld_from->frm_mb_list &&
		    clist_begin(sf.fld_from->frm_mb_list->mb_list) &&
		    (mb = clist_content(clist_begin(
		    sf.fld_from->frm_mb_list->mb_list))) && mb->mb_display_name)
			*name = render_relay_decode(mb->mb_display_name);
		if (sf.fld_subject && sf.fld_subject->sbj_value)
			*subject = render_relay_decode(
			    sf.fld_subject->sbj_value);
		mailimf_fields_free(f);
	}
	if (*name == NULL)
		*name = xstrdup("");
	if (*subject == NULL)
		*subject = xstrdup("");
}

static int
render_relay_row(struct db *d, int64_t msg_id, struct render_relay_row *r)
{
	/* the member as they are now, not when the copy was queued: one
	 * who left, was disabled or erased since gets nothing */
	sqlite3_stmt *st = db_cached(d, "SELECT m.post_id, l.name, l.kind, "
	    "m.rcpt, i.from_addr, l.subject_tag, COALESCE(l.reply_to, ''), "
	    "COALESCE(c.status = 'active' AND ms.state = 'active', 0), "
	    "lower(i.rcpt_addr) LIKE l.name || '-owner@%', m.message_id "
	    "FROM message m JOIN list l ON l.id = m.list_id "
	    "JOIN inbound i ON i.id = m.post_id "
	    "LEFT JOIN contact c ON c.id = m.contact_id "
	    "LEFT JOIN membership ms ON ms.list_id = m.list_id AND "
	    "ms.contact_id = m.contact_id WHERE m.id = ?");
	int rc;

	memset(r, 0, sizeof *r);
	sqlite3_bind_int64(st, 1, msg_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r->msg_id = msg_id;
		r->post_id = sqlite3_column_int64(st, 0);
		snprintf(r->list, sizeof r->list, "%s", db_col_text(st, 1));
		snprintf(r->kind, sizeof r->kind, "%s", db_col_text(st, 2));
		snprintf(r->rcpt, sizeof r->rcpt, "%s", db_col_text(st, 3));
		snprintf(r->poster, sizeof r->poster, "%s", db_col_text(st, 4));
		snprintf(r->tag, sizeof r->tag, "%s", db_col_text(st, 5));
		snprintf(r->reply_to, sizeof r->reply_to, "%s", db_col_text(st, 6));
		r->receives = sqlite3_column_int(st, 7);
		r->to_owners = sqlite3_column_int(st, 8);
		snprintf(r->message_id, sizeof r->message_id, "%s",
		    db_col_text(st, 9));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Does this copy's recipient own a relay list whose parent it came to? */
static int
render_relay_owner_below(struct db *d, int64_t msg_id)
{
	/* one level: only a copy of the post to its own list, and lists
	 * right below it (fanout_forward forwards to those alone) */
	sqlite3_stmt *st = db_cached(d, "SELECT 1 FROM message m JOIN inbound i "
	    "ON i.id = m.post_id AND i.list_id = m.list_id JOIN list c "
	    "ON c.parent_id = m.list_id AND c.kind = 'relay' JOIN membership o "
	    "ON o.list_id = c.id AND o.contact_id = m.contact_id AND "
	    "o.role = 'owner' WHERE m.id = ? LIMIT 1");
	int yes;

	sqlite3_bind_int64(st, 1, msg_id);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

/*
 * What the owner is told, in their language, above the announcement:
 * that one reply passes it on (an owner who does not know would never).
 */
static const char *
render_relay_note(struct db *d, int64_t msg_id)
{
	sqlite3_stmt *st = db_cached(d, "SELECT COALESCE(c.language, '') FROM "
	    "message m JOIN contact c ON c.id = m.contact_id WHERE m.id = ?");
	char lang[3] = "";

	sqlite3_bind_int64(st, 1, msg_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(lang, sizeof lang, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	if (strcmp(lang, "es") == 0)
		return "Este anuncio le llega como responsable de la lista de "
		    "su red. Responda a este mensaje con la sola palabra "
		    "\"relay\" y se enviará una vez a los miembros de su red; "
		    "si no responde, no se envía nada.\n";
	if (strcmp(lang, "fr") == 0)
		return "Cette annonce vous parvient en tant que responsable de "
		    "la liste de votre réseau. Répondez à ce message par le "
		    "seul mot \"relay\" et elle sera transmise une fois aux "
		    "membres de votre réseau ; sans réponse, rien n'est "
		    "envoyé.\n";
	return "This announcement reaches you as the owner of your network's "
	    "list. Reply to this message with the single word \"relay\" and "
	    "it goes to your network's members, once; without a reply, "
	    "nothing is sent.\n";
}

int
render_relay(struct db *d, const struct conf *c, const struct token_key *k,
    int64_t msg_id, struct render_out *out, char *err, size_t errlen)
{
	struct render_relay_row row;
	struct relay_headers h;
	sqlite3_stmt *st;
	char unsub[RENDER_ADDR_MAX + 16], addr[RENDER_ADDR_MAX], *name, *subject;
	char forward[RENDER_ADDR_MAX], url[LINKS_URL_MAX];
	const char *why;
	int rc = -1;

	if (render_relay_row(d, msg_id, &row) == -1) {
		snprintf(err, errlen, "the post or its list is gone");
		return RENDER_SKIP;
	}
	if (!row.receives) {
		snprintf(err, errlen, "no longer an active member");
		return RENDER_SKIP;
	}
	st = db_cached(d, "SELECT raw FROM inbound_raw WHERE inbound_id = ?");
	sqlite3_bind_int64(st, 1, row.post_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		snprintf(err, errlen, "the post's text is gone");
		return RENDER_SKIP;
	}
	render_relay_fields(sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0), &name, &subject);
	render_tagged(c, k, TOKEN_UNSUBSCRIBE, msg_id, addr, sizeof addr);
	snprintf(unsub, sizeof unsub, "mailto:%s", addr);
	h.list = row.list;
	h.lists_domain = c->lists_domain;
	h.poster_name = name;
	h.poster_addr = row.poster;
	/* relay lists answer the poster, discussion lists the list, unless
	 * the list was made with --reply-to */
	h.reply_to_list = !row.to_owners && (*row.reply_to ?
	    strcmp(row.reply_to, "list") == 0 :
	    strcmp(row.kind, "discussion") == 0);
	h.tag = row.tag;
	h.subject = subject;
	/*
	 * An announcement reaching the owner of a relay list below this one:
	 * its Reply-To is a tagged address, so one reply saying "relay"
	 * forwards it to the owner's network (a parent list's announcement).
	 */
	h.reply_to = NULL;
	h.note = NULL;
	if (render_relay_owner_below(d, msg_id)) {
		render_tagged(c, k, TOKEN_REPLY, msg_id, forward, sizeof forward);
		h.reply_to = forward;
		h.note = render_relay_note(d, msg_id);
	}
	h.unsubscribe = unsub;
	h.unsubscribe_url = links_url(c, k, 'u', TOKEN_UNSUBSCRIBE, msg_id, url,
	    sizeof url) == 0 ? url : NULL;
	h.date = time_now();
	h.message_id = row.message_id;
	buf_reset(&out->data);
	if (relay_build(sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0), &h, &out->data, &why) == -1)
		snprintf(err, errlen, "%s", why);
	else {
		render_tagged(c, k, TOKEN_BOUNCE, msg_id, out->mail_from,
		    sizeof out->mail_from);
		snprintf(out->rcpt, sizeof out->rcpt, "%s", row.rcpt);
		render_out_subject(out, subject);
		rc = 0;
	}
	sqlite3_reset(st);
	free(name);
	free(subject);
	return rc;
}
