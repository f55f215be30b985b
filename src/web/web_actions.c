/*
 * web_actions: what a link names and what its POST changes, with the
 * same rules as mail: an unsubscribe is in/act.c's (a list copy or a
 * campaign to a list: that list; mail from no list: all of herald's),
 * an answer goes through in/seats.h (capacity, categories, waitlist,
 * promotion and its notice), and the contact log records both. Each
 * change is one short transaction of its own.
 */
#include <stdio.h>
#include <string.h>

#include "in/seats.h"
#include "lib/log.h"
#include "lib/nudge.h"
#include "lib/timeutil.h"
#include "store/activity.h"
#include "store/event.h"
#include "web/web_int.h"

/* The rsvp table's source for an answer by link: see web_rsvp. */
#define WEB_RSVP_SOURCE "web"

static void
web_lang(struct web_target *t, const char *lang)
{
	snprintf(t->lang, sizeof t->lang, "%s", strcmp(lang, "es") == 0 ||
	    strcmp(lang, "fr") == 0 ? lang : "en");
}

/* The message, its contact and its list (a test copy names nobody). */
static int
web_load_message(struct db *d, int64_t id, struct web_target *t)
{
	sqlite3_stmt *st = db_cached(d, "SELECT m.contact_id, "
	    "COALESCE(m.list_id, k.list_id, 0), COALESCE(m.campaign_id, 0), "
	    "COALESCE(k.event_id, 0), c.email, c.language, COALESCE(l.name, ''), "
	    "CASE WHEN l.id IS NULL THEN c.status = 'active' ELSE "
	    "COALESCE(ms.state = 'active', 0) END FROM message m "
	    "JOIN contact c ON c.id = m.contact_id "
	    "LEFT JOIN campaign k ON k.id = m.campaign_id "
	    "LEFT JOIN list l ON l.id = COALESCE(m.list_id, k.list_id) "
	    "LEFT JOIN membership ms ON ms.list_id = l.id AND "
	    "ms.contact_id = c.id WHERE m.id = ? AND m.kind <> 'test'");
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t->found = 1;
		t->msg_id = id;
		t->contact_id = sqlite3_column_int64(st, 0);
		t->list_id = sqlite3_column_int64(st, 1);
		t->campaign_id = sqlite3_column_int64(st, 2);
		t->event_id = sqlite3_column_int64(st, 3);
		snprintf(t->email, sizeof t->email, "%s", db_col_text(st, 4));
		web_lang(t, db_col_text(st, 5));
		snprintf(t->list, sizeof t->list, "%s", db_col_text(st, 6));
		t->subscribed = sqlite3_column_int(st, 7);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
web_load_event(struct db *d, struct web_target *t)
{
	sqlite3_stmt *st;
	struct event e;

	if (event_get_id(d, t->event_id, &e) != 1)
		return -1;
	snprintf(t->title, sizeof t->title, "%s", e.title);
	/* "2027-03-02 09:00 (Europe/Zurich)": the event's own zone */
	snprintf(t->when, sizeof t->when, "%s", e.start_text);
	snprintf(t->place, sizeof t->place, "%s", e.location ? e.location :
	    "");
	t->cancelled = e.cancelled_at != 0;
	event_clear(&e);
	st = db_cached(d, "SELECT answer FROM rsvp WHERE event_id = ? AND "
	    "contact_id = ?");
	sqlite3_bind_int64(st, 1, t->event_id);
	sqlite3_bind_int64(st, 2, t->contact_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(t->answer, sizeof t->answer, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	return 0;
}

int
web_target_load(struct db *d, const struct conf *c, enum token_kind kind,
    int64_t id, struct web_target *t)
{
	int rsvp = kind == TOKEN_YES || kind == TOKEN_NO ||
	    kind == TOKEN_MAYBE || kind == TOKEN_REPLY;

	memset(t, 0, sizeof *t);
	t->kind = kind;
	snprintf(t->sender, sizeof t->sender, "%s", *c->sender_name ?
	    c->sender_name : c->sender_address);
	if (web_load_message(d, id, t) == -1)
		return -1;
	/* a link that names what it cannot act on is no link at all */
	if (t->found && ((rsvp && t->event_id == 0) ||
	    (!rsvp && kind != TOKEN_UNSUBSCRIBE)))
		t->found = 0;
	if (t->found && rsvp && web_load_event(d, t) == -1)
		t->found = 0;
	return 0;
}

static int
web_log(struct db *d, const struct web_target *t, const char *kind,
    const char *summary)
{
	struct activity a = { 0 };

	a.direction = "in";
	a.kind = kind;
	a.contact_id = t->contact_id;
	a.list_id = t->list_id;
	a.campaign_id = t->campaign_id;
	a.message_ref = t->msg_id;
	a.summary = summary;
	return activity_add(d, &a) == -1 ? -1 : 0;
}

static int
web_unsubscribe_tx(struct db *d, const struct web_target *t, int undo)
{
	sqlite3_stmt *st;
	char summary[200];

	if (t->list_id) {
		st = db_cached(d, "UPDATE membership SET state = ?3, "
		    "updated = ?4 WHERE list_id = ?1 AND contact_id = ?2 AND "
		    "state = ?5");
		sqlite3_bind_int64(st, 1, t->list_id);
		sqlite3_bind_int64(st, 2, t->contact_id);
		db_bind_text(st, 3, undo ? "active" : "unsubscribed");
		sqlite3_bind_int64(st, 4, time_now());
		/* only what this link did is undone: a member an organiser
		 * removed since stays removed */
		db_bind_text(st, 5, undo ? "unsubscribed" : "active");
	} else {
		st = db_cached(d, "UPDATE contact SET status = ?2 WHERE id = ?1 "
		    "AND status = ?3");
		sqlite3_bind_int64(st, 1, t->contact_id);
		db_bind_text(st, 2, undo ? "active" : "unsubscribed");
		db_bind_text(st, 3, undo ? "unsubscribed" : "active");
	}
	if (db_step_done(d, st) == -1)
		return -1;
	if (sqlite3_changes(d->h) == 0)
		return 0;
	snprintf(summary, sizeof summary, "%s %s%s through the web link%s",
	    undo ? "subscribed again to" : "unsubscribed from",
	    *t->list ? "list " : "all of herald's mail", t->list,
	    undo ? " (undo)" : "");
	return web_log(d, t, "unsubscribe", summary) == -1 ? -1 : 1;
}

int
web_unsubscribe(struct db *d, const struct web_target *t, int undo)
{
	int rc;

	if (db_begin(d) == -1)
		return -1;
	if ((rc = web_unsubscribe_tx(d, t, undo)) == -1 || db_commit(d) == -1) {
		db_rollback(d);
		return -1;
	}
	if (rc == 1)
		log_info("web: contact %lld %s %s%s (message %lld)",
		    (long long)t->contact_id, undo ? "subscribed again to" :
		    "unsubscribed from", *t->list ? "list " : "all mail",
		    t->list, (long long)t->msg_id);
	return rc;
}

/* An answer by link: source "web" (migration 11), the seats' rules. */
int
web_rsvp(struct db *d, const struct conf *c, const struct token_key *k,
    const struct web_target *t, const char *answer, const char **stored)
{
	int64_t promoted;

	if (db_begin(d) == -1)
		return -1;
	if (seats_answer(d, t->event_id, t->contact_id, answer,
	    WEB_RSVP_SOURCE, stored, &promoted) == -1 ||
	    (promoted && seats_tell_promoted(d, t->event_id, promoted,
	    SEATS_PROMOTED_TEMPLATE, k, c->sender_domain) < 0) ||
	    db_commit(d) == -1) {
		db_rollback(d);
		return -1;
	}
	log_info("web: contact %lld answered %s for event %lld: %s",
	    (long long)t->contact_id, answer, (long long)t->event_id, *stored);
	if (promoted)
		nudge_send(c->database);
	return 0;
}
