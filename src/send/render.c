/* render: see render.h. */
#include "send/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/addr.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "mail/compose.h"
#include "mail/ical.h"
#include "send/links.h"
#include "send/render_int.h"
#include "store/contact.h"
#include "store/event.h"
#include "store/rsvp.h"
#include "tmpl/tmpl.h"

#define RENDER_CACHE 16
#define RENDER_MESSAGE_MAX (4 * 1024 * 1024)
#define RENDER_SCRATCH_KEEP (256 * 1024)

/* A loaded template; checked: the epoch when its files were last statted. */
struct render_cached {
	char *name;
	char lang[TMPL_LANG_MAX];
	struct tmpl_message *m;
	unsigned checked;
};

/*
 * The cache belongs to whoever owns r (heraldd: the render thread only),
 * so no lock: a template is freed or reloaded only between two renders
 * of that one thread. render_recheck() bumps epoch; each cached
 * template is then compared with the disk once, on its next use.
 */
struct render {
	struct db *db;
	const struct conf *conf;
	const struct token_key *key;
	struct render_cached cache[RENDER_CACHE];
	int ncache, next_evict;
	unsigned epoch;
	/* the bodies' encoded lines: a pure function of each line, so it
	 * outlives template reloads and config changes */
	struct qpcache *qp;
	struct render_relay_cache *relay;	/* the post being fanned out */
	struct buf scratch[COMPOSE_SCRATCH];	/* compose's, kept */
};

/* Everything one message needs, read from the database. */
struct render_job {
	int64_t msg_id, campaign_id, followup_id, list_id;
	char *message_id, *parent_mid, *tmpl, *campaign, *list;
	char *test_rcpt;	/* a test copy (kind 'test'): its address */
	struct contact contact;
	struct event event;
	int has_event;
	int has_attrs;		/* contact.attrs read (on first use) */
	/* lookup scratch: values are built on demand into these */
	char addr[7][RENDER_ADDR_MAX + 64];
	struct render *r;
};

struct render *
render_new(struct db *d, const struct conf *c, const struct token_key *key)
{
	struct render *r = xcalloc(1, sizeof *r);
	int i;

	r->db = d;
	r->conf = c;
	r->key = key;
	r->qp = qpcache_new();
	r->relay = render_relay_cache_new();
	for (i = 0; i < COMPOSE_SCRATCH; i++)
		buf_init(&r->scratch[i], (size_t)1 << 30);
	return r;
}

void
render_reset(struct render *r, const struct conf *c)
{
	int i;

	for (i = 0; i < r->ncache; i++) {
		free(r->cache[i].name);
		tmpl_message_free(&r->cache[i].m);
	}
	r->ncache = r->next_evict = 0;
	r->conf = c;
}

void
render_free(struct render **rp)
{
	int i;

	if (*rp == NULL)
		return;
	render_reset(*rp, NULL);
	qpcache_free(&(*rp)->qp);
	render_relay_cache_free(&(*rp)->relay);
	for (i = 0; i < COMPOSE_SCRATCH; i++)
		buf_free(&(*rp)->scratch[i]);
	free(*rp);
	*rp = NULL;
}

void
render_out_init(struct render_out *o)
{
	memset(o, 0, sizeof *o);
	buf_init(&o->data, RENDER_MESSAGE_MAX);
}

void
render_out_free(struct render_out *o)
{
	buf_free(&o->data);
}

void
render_tagged(const struct conf *c, const struct token_key *key,
    enum token_kind kind, int64_t id, char *buf, size_t len)
{
	const char *at = addr_at(c->sender_address);
	char tok[TOKEN_MAX];

	/* herald.conf(5): LOCAL+TOKEN@sender.domain */
	token_make(key, kind, (uint64_t)id, tok);
	snprintf(buf, len, "%.*s%s%s@%s", (int)(at - c->sender_address),
	    c->sender_address, c->delimiter, tok, c->sender_domain);
}

void
render_recheck(struct render *r)
{
	r->epoch++;
}

/*
 * The cached (name, lang), or NULL. A template not yet compared with
 * the disk in this epoch is compared now; changed, its slot is emptied
 * and *slot set to it, for the caller to load it again in place.
 */
static const struct tmpl_message *
render_cache_find(struct render *r, const char *name, const char *lang,
    struct render_cached **slot)
{
	struct render_cached *c;
	int i;

	*slot = NULL;
	for (i = 0; i < r->ncache; i++) {
		c = &r->cache[i];
		if (strcmp(c->name, name) != 0 || strcmp(c->lang, lang) != 0)
			continue;
		if (c->checked == r->epoch)
			return c->m;
		c->checked = r->epoch;
		if (!tmpl_message_changed(c->m))
			return c->m;
		log_info("template %s%s%s changed on disk: loaded again", name,
		    *lang ? " for " : "", lang);
		free(c->name);
		tmpl_message_free(&c->m);
		*slot = c;
		return NULL;
	}
	return NULL;
}

/* A free slot: a new one, or the oldest, emptied. */
static struct render_cached *
render_cache_slot(struct render *r)
{
	struct render_cached *slot;

	if (r->ncache < RENDER_CACHE)
		return &r->cache[r->ncache++];
	slot = &r->cache[r->next_evict];
	r->next_evict = (r->next_evict + 1) % RENDER_CACHE;
	free(slot->name);
	tmpl_message_free(&slot->m);
	return slot;
}

static const struct tmpl_message *
render_template(struct render *r, const char *name, const char *lang,
    char *err, size_t errlen)
{
	const struct tmpl_message *hit;
	struct tmpl_error te;
	struct render_cached *slot;

	if ((hit = render_cache_find(r, name, lang, &slot)) != NULL)
		return hit;
	if (slot == NULL)
		slot = render_cache_slot(r);
	memset(slot, 0, sizeof *slot);
	slot->checked = r->epoch;
	if (tmpl_message_load(r->conf->templates, name, lang, &slot->m, &te)
	    == -1) {
		snprintf(err, errlen, "template %s: %s:%d:%d: %s", name, te.file,
		    te.line, te.col, te.msg);
		/* keep the slot consistent but empty */
		slot->name = xstrdup("");
		slot->lang[0] = '\0';
		return NULL;
	}
	slot->name = xstrdup(name);
	snprintf(slot->lang, sizeof slot->lang, "%s", lang);
	return slot->m;
}

static const char *
render_mailto(struct render_job *j, int slot, enum token_kind kind,
    const char *subject)
{
	char a[RENDER_ADDR_MAX];

	render_tagged(j->r->conf, j->r->key, kind, j->msg_id, a, sizeof a);
	snprintf(j->addr[slot], sizeof j->addr[slot], "mailto:%s%s%s", a,
	    subject ? "?subject=" : "", subject ? subject : "");
	return j->addr[slot];
}

static const char *
render_lookup_contact(struct render_job *j, const char *n)
{
	const struct contact *c = &j->contact;

	if (strncmp(n, "attr.", 5) == 0) {
		/* most templates use none: read only when one is asked for */
		if (!j->has_attrs) {
			contact_load_attrs(j->r->db, &j->contact);
			j->has_attrs = 1;
		}
		return contact_attr_get(c, n + 5);
	}
	if (strcmp(n, "name") == 0)
		return c->name;
	if (strcmp(n, "email") == 0)
		return c->email;
	if (strcmp(n, "organisation") == 0)
		return c->organisation;
	if (strcmp(n, "country") == 0)
		return c->country;
	if (strcmp(n, "role") == 0)
		return c->role;
	if (strcmp(n, "language") == 0)
		return c->language;
	return NULL;
}

static const char *
render_lookup_event(struct render_job *j, const char *n)
{
	if (!j->has_event)
		return NULL;
	if (strcmp(n, "name") == 0)
		return j->event.name;
	if (strcmp(n, "title") == 0)
		return j->event.title;
	if (strcmp(n, "location") == 0)
		return j->event.location;
	/* formatted by "herald event create" (see store/event.h) */
	if (strcmp(n, "start") == 0)
		return j->event.start_text;
	if (strcmp(n, "end") == 0)
		return j->event.end_text;
	return NULL;
}

/* {{rsvp.offer_expires}}: when an offered seat stops being held. */
static const char *
render_offer_expires(struct render_job *j)
{
	int64_t t = rsvp_offer_deadline(j->r->db, j->event.id, j->contact.id);

	if (t == 0)
		return NULL;
	return time_format_people(t, j->event.tz, j->r->conf->display_tz,
	    j->addr[6], sizeof j->addr[6]);
}

static const char *
render_lookup(void *ctx, const char *n)
{
	struct render_job *j = ctx;
	const struct conf *c = j->r->conf;

	if (strncmp(n, "contact.", 8) == 0)
		return render_lookup_contact(j, n + 8);
	if (strncmp(n, "event.", 6) == 0)
		return render_lookup_event(j, n + 6);
	if (strcmp(n, "sender.name") == 0)
		return c->sender_name;
	if (strcmp(n, "sender.address") == 0)
		return c->sender_address;
	if (strcmp(n, "campaign.name") == 0)
		return j->campaign;
	if (strcmp(n, "list.name") == 0)
		return j->list;
	if (strcmp(n, "list.address") == 0) {
		if (j->list == NULL || *j->list == '\0')
			return NULL;
		snprintf(j->addr[5], sizeof j->addr[5], "%s@%s", j->list,
		    c->lists_domain);
		return j->addr[5];
	}
	if (strcmp(n, "rsvp.yes") == 0 && j->has_event)
		return render_mailto(j, 0, TOKEN_YES, "yes");
	if (strcmp(n, "rsvp.no") == 0 && j->has_event)
		return render_mailto(j, 1, TOKEN_NO, "no");
	if (strcmp(n, "rsvp.maybe") == 0 && j->has_event)
		return render_mailto(j, 2, TOKEN_MAYBE, "maybe");
	if (strcmp(n, "unsubscribe") == 0)
		return render_mailto(j, 3, TOKEN_UNSUBSCRIBE, "unsubscribe");
	if (strcmp(n, "rsvp.offer_expires") == 0 && j->has_event)
		return render_offer_expires(j);
	if (strncmp(n, "rsvp.link", 9) == 0 && j->has_event)
		return links_rsvp_var(c, j->r->key, j->msg_id, n, j->addr[4],
		    sizeof j->addr[4]);
	return NULL;
}

static void
render_job_clear(struct render_job *j)
{
	free(j->message_id);
	free(j->parent_mid);
	free(j->tmpl);
	free(j->campaign);
	free(j->list);
	free(j->test_rcpt);
	contact_clear(&j->contact);
	if (j->has_event)
		event_clear(&j->event);
}

/*
 * Read what the job needs; event_id and contact_id come back, and out's
 * campaign and exemption for every kind. *kind: 1
 * for a relayed post, 2 for an automatic answer (then nothing else is
 * read: those are rendered apart), 0 for campaign mail. One statement
 * for both, as this runs for every message.
 */
static int
render_job_load_row(struct render *r, struct render_job *j, int64_t msg_id,
    struct render_out *out, int64_t *event_id, int64_t *contact_id,
    int *kind)
{
	sqlite3_stmt *st = db_cached(r->db, "SELECT m.id, "
	    "COALESCE(m.campaign_id, 0), COALESCE(m.followup_id, 0), "
	    "m.message_id, COALESCE(p.message_id, ''), "
	    "COALESCE(m.template, f.template, k.template, ''), "
	    "COALESCE(k.name, ''), "
	    "COALESCE(l.name, ''), COALESCE(k.event_id, 0), "
	    "COALESCE(m.contact_id, 0), "
	    "CASE WHEN m.kind = 'test' THEN m.rcpt END, "
	    "CASE m.kind WHEN 'relay' THEN 1 WHEN 'auto' THEN 2 ELSE 0 END, "
	    "m.kind IN ('notice', 'test') "
	    "FROM message m "
	    "LEFT JOIN message p ON p.id = m.parent_id "
	    "LEFT JOIN followup f ON f.id = m.followup_id "
	    "LEFT JOIN campaign k ON k.id = m.campaign_id "
	    "LEFT JOIN list l ON l.id = COALESCE(m.list_id, k.list_id) "
	    "WHERE m.id = ?");
	int rc;

	sqlite3_bind_int64(st, 1, msg_id);
	*kind = 0;
	out->campaign_id = 0;
	out->exempt = 0;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* every kind: the sender's hold check needs them */
		out->campaign_id = sqlite3_column_int64(st, 1);
		out->exempt = sqlite3_column_int(st, 12);
		*kind = sqlite3_column_int(st, 11);
	}
	if (rc == SQLITE_ROW && *kind == 0) {
		j->msg_id = sqlite3_column_int64(st, 0);
		j->campaign_id = sqlite3_column_int64(st, 1);
		j->followup_id = sqlite3_column_int64(st, 2);
		j->message_id = db_col_dup(st, 3);
		j->parent_mid = db_col_dup(st, 4);
		j->tmpl = db_col_dup(st, 5);
		j->campaign = db_col_dup(st, 6);
		j->list = db_col_dup(st, 7);
		*event_id = sqlite3_column_int64(st, 8);
		*contact_id = sqlite3_column_int64(st, 9);
		if (sqlite3_column_type(st, 10) != SQLITE_NULL)
			j->test_rcpt = db_col_dup(st, 10);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int
render_job_finish_load(struct render *r, struct render_job *j,
    int64_t event_id, int64_t contact_id, char *err, size_t errlen)
{
	if (contact_id == 0 ||
	    contact_get_id_bare(r->db, contact_id, &j->contact) != 1) {
		snprintf(err, errlen, "the contact is gone (erased)");
		return RENDER_SKIP;
	}
	/* unsubscribed, bouncing or disabled since the queue was filled */
	if (strcmp(j->contact.status, "active") != 0) {
		snprintf(err, errlen, "the contact is now %s", j->contact.status);
		return RENDER_SKIP;
	}
	if (event_id && event_get_id(r->db, event_id, &j->event) == 1)
		j->has_event = 1;
	return 0;
}

static int
render_calendar(struct render_job *j, const char *reply, struct buf *cal)
{
	const struct conf *c = j->r->conf;
	struct ical_request q;
	char uid[256];

	snprintf(uid, sizeof uid, "herald-event-%lld@%s",
	    (long long)j->event.id, c->sender_domain);
	memset(&q, 0, sizeof q);
	q.uid = uid;
	q.stamp = time_now();
	q.start = j->event.start_at;
	q.end = j->event.end_at;
	q.summary = j->event.title;
	q.location = j->event.location;
	q.organizer_name = *c->sender_name ? c->sender_name : c->sender_address;
	q.organizer_addr = c->sender_address;
	q.attendee_name = j->contact.name;
	q.attendee_addr = j->contact.email;
	q.reply_addr = reply;
	q.sequence = j->event.sequence;
	q.description = j->event.description;
	q.cancel = j->event.cancelled_at != 0;
	return ical_build_request(&q, cal);
}

/* Headers from the template: Subject, then the X- ones. */
static void
render_headers(const struct tmpl_rendered *t, struct compose *m)
{
	size_t i;

	for (i = 0; i < t->nheaders; i++) {
		if (strcasecmp(t->names[i], "Subject") == 0)
			m->subject = t->values[i];
		else if (m->nextra < COMPOSE_MAX_EXTRA)
			m->extra[m->nextra++] = (struct compose_header){
			    t->names[i], t->values[i] };
	}
}

/*
 * compose's buffers are kept for the next message, but not one grown
 * for an unusually large message: the render thread's memory stays
 * that of ordinary ones.
 */
static void
render_scratch_trim(struct render *r)
{
	int i;

	for (i = 0; i < COMPOSE_SCRATCH; i++)
		if (r->scratch[i].size > RENDER_SCRATCH_KEEP)
			buf_free(&r->scratch[i]);
}

static int
render_build(struct render_job *j, struct render_out *out, char *err,
    size_t errlen)
{
	struct render *r = j->r;
	const struct tmpl_message *tm;
	struct tmpl_rendered t;
	struct tmpl_error te;
	struct compose m;
	struct buf cal, test_subject;
	struct links_unsub unsub;
	char reply[RENDER_ADDR_MAX];
	const char *why;
	int rc = -1;

	if ((tm = render_template(r, j->tmpl, j->contact.language, err,
	    errlen)) == NULL)
		return -1;
	memset(&t, 0, sizeof t);
	if (tmpl_message_render(tm, render_lookup, j, 0, &t, &te) == -1) {
		snprintf(err, errlen, "%s:%d:%d: %s", te.file, te.line, te.col,
		    te.msg);
		return -1;
	}
	render_tagged(r->conf, r->key, TOKEN_REPLY, j->msg_id, reply,
	    sizeof reply);
	memset(&m, 0, sizeof m);
	m.from_name = r->conf->sender_name;
	m.from_addr = r->conf->sender_address;
	m.to_name = j->contact.name;
	m.to_addr = j->contact.email;
	m.reply_to = reply;
	m.message_id = j->message_id;
	m.in_reply_to = *j->parent_mid ? j->parent_mid : NULL;
	m.references = m.in_reply_to;
	m.date = time_now();
	m.text = t.text;
	m.html = t.html;
	m.qpcache = r->qp;
	m.scratch = r->scratch;
	render_headers(&t, &m);
	links_campaign_headers(r->db, r->conf, r->key, j->campaign_id,
	    j->msg_id, &m, &unsub);
	buf_init(&test_subject, TMPL_RENDER_MAX + 16);
	if (j->test_rcpt) {
		/* campaign test: the contact's message, to another address */
		m.to_name = NULL;
		m.to_addr = j->test_rcpt;
		if (m.subject && buf_adds(&test_subject, "[test] ") == 0 &&
		    buf_adds(&test_subject, m.subject) == 0)
			m.subject = test_subject.data;
	}
	buf_init(&cal, 64 * 1024);
	if (j->has_event && render_calendar(j, reply, &cal) == 0) {
		m.calendar = cal.data;
		if (j->event.cancelled_at)
			m.calendar_method = "CANCEL";
	}
	buf_reset(&out->data);
	if (m.subject == NULL)
		snprintf(err, errlen, "template %s has no Subject", j->tmpl);
	else if (compose_build(&m, &out->data, &why) == -1)
		snprintf(err, errlen, "%s", why);
	else {
		render_out_subject(out, m.subject);	/* before t is freed */
		rc = 0;
	}
	buf_free(&cal);
	buf_free(&test_subject);
	tmpl_rendered_clear(&t);
	render_scratch_trim(r);
	if (rc == 0) {
		render_tagged(r->conf, r->key, TOKEN_BOUNCE, j->msg_id,
		    out->mail_from, sizeof out->mail_from);
		snprintf(out->rcpt, sizeof out->rcpt, "%s", j->test_rcpt ?
		    j->test_rcpt : j->contact.email);
	}
	return rc;
}

void
render_out_subject(struct render_out *out, const char *subject)
{
	size_t n = subject ? strlen(subject) : 0;

	if (n >= sizeof out->subject) {
		n = sizeof out->subject - 1;
		/* back to the start of a UTF-8 character */
		while (n > 0 && ((unsigned char)subject[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out->subject, subject ? subject : "", n);
	out->subject[n] = '\0';
}

int
render_message(struct render *r, int64_t msg_id, struct render_out *out,
    char *err, size_t errlen)
{
	struct render_job j;
	int64_t event_id = 0, contact_id = 0;
	int kind, rc = -1;

	out->subject[0] = '\0';
	memset(&j, 0, sizeof j);
	j.r = r;
	contact_init(&j.contact);
	if (render_job_load_row(r, &j, msg_id, out, &event_id, &contact_id,
	    &kind) == -1)
		snprintf(err, errlen, "message %lld not found",
		    (long long)msg_id);
	else if (kind == 1)
		rc = render_relay_cached(r->relay, r->db, r->conf, r->key,
		    msg_id, out, err, errlen);
	else if (kind == 2)
		rc = render_auto(r->db, r->conf, r->key, msg_id, out, err,
		    errlen);
	else if ((rc = render_job_finish_load(r, &j, event_id, contact_id,
	    err, errlen)) == 0)
		rc = render_build(&j, out, err, errlen);
	render_job_clear(&j);
	return rc;
}

int
render_preview(struct render *r, int64_t campaign_id, int64_t contact_id,
    int64_t msg_id, struct render_out *out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	struct render_job j;
	int64_t event_id = 0;
	char tok[TOKEN_MAX], mid[TOKEN_MAX + 256];
	int rc = -1;

	if (msg_id)
		return render_message(r, msg_id, out, err, errlen);
	memset(&j, 0, sizeof j);
	j.r = r;
	j.campaign_id = campaign_id;	/* its List-Unsubscribe (send/links.h) */
	contact_init(&j.contact);
	st = db_prepare(r->db, "SELECT k.template, k.name, COALESCE(l.name, ''), "
	    "COALESCE(k.event_id, 0) FROM campaign k LEFT JOIN list l "
	    "ON l.id = k.list_id WHERE k.id = ?");
	sqlite3_bind_int64(st, 1, campaign_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		j.tmpl = db_col_dup(st, 0);
		j.campaign = db_col_dup(st, 1);
		j.list = db_col_dup(st, 2);
		event_id = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	/* not queued yet: the tokens of a row that does not exist (id 0) */
	token_make(r->key, TOKEN_MESSAGE, 0, tok);
	snprintf(mid, sizeof mid, "%s@%s", tok, r->conf->sender_domain);
	j.message_id = xstrdup(mid);
	j.parent_mid = xstrdup("");
	if (j.tmpl == NULL)
		snprintf(err, errlen, "no such campaign");
	else if (render_job_finish_load(r, &j, event_id, contact_id, err,
	    errlen) == 0)
		rc = render_build(&j, out, err, errlen);
	render_job_clear(&j);
	return rc;
}
