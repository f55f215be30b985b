/*
 * render_relay: the member's copy of a list post (kind 'relay' in the
 * queue), built from the post kept whole in inbound_raw by mail/relay.
 *
 * A fan-out renders one post for every member: the post is read and
 * parsed once (render_relay_cache), not once per copy. The cache is
 * keyed by what identifies the post's bytes (its id, their length and
 * SHA-256, when it came) and the list's tag; each copy still reads its
 * row, which says whether the post's text is still kept: an erased
 * poster's post stops going out at once, cached or not.
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
#include "send/render_int.h"

struct render_relay_row {
	int64_t post_id;
	char list[80], kind[16], rcpt[320], poster[320], tag[48], reply_to[8];
	int64_t msg_id;
	int receives;		/* still an active member, active contact */
	int to_owners;		/* mail to LIST-owner@: answers go back */
	char message_id[320];	/* the copy's, for a post without one */
	/* the post's bytes: their length (-1 when no longer kept), SHA-256
	 * in hex ("" when not known), when they came */
	int64_t raw_len, received_at;
	char hash[72];
	int owner_below;	/* owns a relay list below this one */
};

struct render_relay_cache {
	int valid;
	int64_t post_id, raw_len, received_at;
	char hash[72], tag[48];
	char *name, *subject;	/* decoded, UTF-8 */
	struct relay_prep prep;
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

/* Column i into dst[len], cut if need be (snprintf costs more). */
static void
render_relay_col(sqlite3_stmt *st, int i, char *dst, size_t len)
{
	const char *s = db_col_text(st, i);	/* text first, then its bytes */
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int
render_relay_row(struct db *d, int64_t msg_id, struct render_relay_row *r)
{
	/* the member as they are now, not when the copy was queued: one
	 * who left, was disabled or erased since gets nothing */
	sqlite3_stmt *st = db_cached(d, "SELECT m.post_id, l.name, l.kind, "
	    "m.rcpt, i.from_addr, l.subject_tag, COALESCE(l.reply_to, ''), "
	    "COALESCE(c.status = 'active' AND ms.state = 'active', 0), "
	    "lower(i.rcpt_addr) LIKE l.name || '-owner@%', m.message_id, "
	    /* length() of a blob does not read it */
	    "COALESCE((SELECT length(raw) FROM inbound_raw WHERE inbound_id = "
	    "m.post_id), -1), i.hash, i.received_at, "
	    /*
	     * Does the recipient own a relay list whose parent the post came
	     * to? One level: only a copy of the post to its own list, and
	     * lists right below it (fanout_forward forwards to those alone).
	     */
	    "i.list_id = m.list_id AND EXISTS (SELECT 1 FROM list b JOIN "
	    "membership o ON o.list_id = b.id WHERE b.parent_id = m.list_id "
	    "AND b.kind = 'relay' AND o.contact_id = m.contact_id AND "
	    "o.role = 'owner') "
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
		render_relay_col(st, 1, r->list, sizeof r->list);
		render_relay_col(st, 2, r->kind, sizeof r->kind);
		render_relay_col(st, 3, r->rcpt, sizeof r->rcpt);
		render_relay_col(st, 4, r->poster, sizeof r->poster);
		render_relay_col(st, 5, r->tag, sizeof r->tag);
		render_relay_col(st, 6, r->reply_to, sizeof r->reply_to);
		r->receives = sqlite3_column_int(st, 7);
		r->to_owners = sqlite3_column_int(st, 8);
		render_relay_col(st, 9, r->message_id, sizeof r->message_id);
		r->raw_len = sqlite3_column_int64(st, 10);
		render_relay_col(st, 11, r->hash, sizeof r->hash);
		r->received_at = sqlite3_column_int64(st, 12);
		r->owner_below = sqlite3_column_int(st, 13);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
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

struct render_relay_cache *
render_relay_cache_new(void)
{
	return xcalloc(1, sizeof(struct render_relay_cache));
}

static void
render_relay_cache_clear(struct render_relay_cache *c)
{
	if (c->valid) {
		free(c->name);
		free(c->subject);
		relay_prep_free(&c->prep);
	}
	memset(c, 0, sizeof *c);
}

void
render_relay_cache_free(struct render_relay_cache **cp)
{
	if (*cp == NULL)
		return;
	render_relay_cache_clear(*cp);
	free(*cp);
	*cp = NULL;
}

/* Does c hold row's post, made ready for row's list tag? */
static int
render_relay_cache_hit(const struct render_relay_cache *c,
    const struct render_relay_row *row)
{
	return c->valid && c->post_id == row->post_id &&
	    c->raw_len == row->raw_len && c->received_at == row->received_at &&
	    strcmp(c->hash, row->hash) == 0 && strcmp(c->tag, row->tag) == 0;
}

/* The post's bytes, as a statement to reset after use (NULL: gone). */
static sqlite3_stmt *
render_relay_raw(struct db *d, int64_t post_id)
{
	sqlite3_stmt *st = db_cached(d, "SELECT raw FROM inbound_raw "
	    "WHERE inbound_id = ?");

	sqlite3_bind_int64(st, 1, post_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		return st;
	sqlite3_reset(st);
	return NULL;
}

/* Read and parse row's post into c: 0, or -1 with err. */
static int
render_relay_cache_fill(struct render_relay_cache *c, struct db *d,
    const struct render_relay_row *row, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	const char *raw;
	size_t len;
	int rc = 0;

	render_relay_cache_clear(c);
	if ((st = render_relay_raw(d, row->post_id)) == NULL) {
		snprintf(err, errlen, "the post's text is gone");
		return -1;
	}
	raw = sqlite3_column_blob(st, 0);
	len = (size_t)sqlite3_column_bytes(st, 0);
	render_relay_fields(raw, len, &c->name, &c->subject);
	if (relay_prep_init(&c->prep, raw, len, row->tag, c->subject) == -1) {
		snprintf(err, errlen, "the post cannot be relayed (header or "
		    "size)");
		free(c->name);
		free(c->subject);
		c->name = c->subject = NULL;
		rc = -1;
	} else {
		c->valid = 1;
		c->post_id = row->post_id;
		c->raw_len = row->raw_len;
		c->received_at = row->received_at;
		snprintf(c->hash, sizeof c->hash, "%s", row->hash);
		snprintf(c->tag, sizeof c->tag, "%s", row->tag);
	}
	sqlite3_reset(st);
	return rc;
}

/* An owner's copy, with a note before the post: built from its bytes. */
static int
render_relay_noted(struct db *d, int64_t post_id,
    const struct relay_headers *h, struct buf *out, const char **why)
{
	sqlite3_stmt *st = render_relay_raw(d, post_id);
	int rc;

	if (st == NULL) {
		*why = "the post's text is gone";
		return -1;
	}
	rc = relay_build(sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0), h, out, why);
	sqlite3_reset(st);
	return rc;
}

/* The copy's header values that are this member's. */
static void
render_relay_headers(struct db *d, const struct conf *c,
    const struct token_key *k, const struct render_relay_row *row,
    struct relay_headers *h, char *unsub, char *forward, char *url)
{
	char addr[RENDER_ADDR_MAX];

	render_tagged(c, k, TOKEN_UNSUBSCRIBE, row->msg_id, addr, sizeof addr);
	snprintf(unsub, RENDER_ADDR_MAX + 16, "mailto:%s", addr);
	h->list = row->list;
	h->lists_domain = c->lists_domain;
	h->poster_addr = row->poster;
	/* relay lists answer the poster, discussion lists the list, unless
	 * the list was made with --reply-to */
	h->reply_to_list = !row->to_owners && (*row->reply_to ?
	    strcmp(row->reply_to, "list") == 0 :
	    strcmp(row->kind, "discussion") == 0);
	h->tag = row->tag;
	/*
	 * An announcement reaching the owner of a relay list below this one:
	 * its Reply-To is a tagged address, so one reply saying "relay"
	 * forwards it to the owner's network (a parent list's announcement).
	 */
	h->reply_to = NULL;
	h->note = NULL;
	if (row->owner_below) {
		render_tagged(c, k, TOKEN_REPLY, row->msg_id, forward,
		    RENDER_ADDR_MAX);
		h->reply_to = forward;
		h->note = render_relay_note(d, row->msg_id);
	}
	h->unsubscribe = unsub;
	h->unsubscribe_url = links_url(c, k, 'u', TOKEN_UNSUBSCRIBE,
	    row->msg_id, url, LINKS_URL_MAX) == 0 ? url : NULL;
	h->date = time_now();
	h->message_id = row->message_id;
}

int
render_relay_cached(struct render_relay_cache *cache, struct db *d,
    const struct conf *c, const struct token_key *k, int64_t msg_id,
    struct render_out *out, char *err, size_t errlen)
{
	struct render_relay_cache local;
	struct render_relay_row row;
	struct relay_headers h;
	char unsub[RENDER_ADDR_MAX + 16], forward[RENDER_ADDR_MAX];
	char url[LINKS_URL_MAX];
	const char *why;
	int rc;

	if (render_relay_row(d, msg_id, &row) == -1) {
		snprintf(err, errlen, "the post or its list is gone");
		return RENDER_SKIP;
	}
	if (!row.receives) {
		snprintf(err, errlen, "no longer an active member");
		return RENDER_SKIP;
	}
	if (row.raw_len < 0) {
		snprintf(err, errlen, "the post's text is gone");
		return RENDER_SKIP;
	}
	if (cache == NULL) {
		memset(&local, 0, sizeof local);
		cache = &local;
	}
	if (!render_relay_cache_hit(cache, &row) &&
	    render_relay_cache_fill(cache, d, &row, err, errlen) == -1)
		return strcmp(err, "the post's text is gone") == 0 ?
		    RENDER_SKIP : -1;
	render_relay_headers(d, c, k, &row, &h, unsub, forward, url);
	h.poster_name = cache->name;
	h.subject = cache->subject;
	buf_reset(&out->data);
	if ((h.note ? render_relay_noted(d, row.post_id, &h, &out->data, &why) :
	    relay_prep_build(&cache->prep, &h, &out->data, &why)) == -1) {
		snprintf(err, errlen, "%s", why);
		rc = -1;
	} else {
		render_tagged(c, k, TOKEN_BOUNCE, msg_id, out->mail_from,
		    sizeof out->mail_from);
		snprintf(out->rcpt, sizeof out->rcpt, "%s", row.rcpt);
		render_out_subject(out, cache->subject);
		rc = 0;
	}
	if (cache == &local)
		render_relay_cache_clear(&local);
	return rc;
}

int
render_relay(struct db *d, const struct conf *c, const struct token_key *k,
    int64_t msg_id, struct render_out *out, char *err, size_t errlen)
{
	return render_relay_cached(NULL, d, c, k, msg_id, out, err, errlen);
}
