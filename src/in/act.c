/* act: see act.h. */
#include "in/act.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "in/hold.h"
#include "in/request.h"
#include "mail/relay.h"
#include "send/notice.h"
#include "store/activity.h"
#include "store/inbound.h"
#include "send/fanout.h"
#include "in/seats.h"
#include "store/rsvp.h"

static int
act_is(const struct classify_result *r, const char *kind)
{
	return strcmp(r->kind, kind) == 0;
}

/* Append a clause to why, as far as it fits. */
static void
act_why(struct classify_result *r, const char *clause)
{
	size_t n = strlen(r->why);

	snprintf(r->why + n, sizeof r->why - n, "; %s", clause);
}

/*
 * Matched only by a thread, from an address that is not the contact's:
 * anybody can cite a Message-ID, so this is somebody's reply for a
 * person to read, and nobody's answer.
 */
static void
act_judge_thread(struct classify_result *r)
{
	if (strcmp(r->match, "thread") != 0 || r->from_contact ||
	    r->contact_id == 0)
		return;
	if (act_is(r, "rsvp") || act_is(r, "reply"))
		classify_set(r, "reply", "a reply in a thread of herald's, from "
		    "another address than the contact's: for a person to "
		    "read, nothing acted on", r->from);
	r->contact_id = 0;
	*r->rsvp = '\0';
	*r->rsvp_source = '\0';
	snprintf(r->match, sizeof r->match, "thread!");
}

/* Reports that did not come to a bounce address are only recorded. */
static void
act_judge_bounce(struct classify_result *r)
{
	if (!act_is(r, "bounce") || r->at_bounce_addr)
		return;
	r->scores = 0;
	act_why(r, "not sent to a bounce address: recorded, no score");
}

/*
 * Who may post: the list's post_check. A sender the list kind allows
 * is only who the From says; the proof is the office's own
 * Authentication-Results, or the From address confirming.
 */
static void
act_judge_post(struct classify_result *r)
{
	const char *pc = r->post_check;
	int auth = strcmp(pc, "auth") == 0 || strcmp(pc, "auth-or-confirm") == 0;
	int confirm = strcmp(pc, "confirm") == 0 ||
	    strcmp(pc, "auth-or-confirm") == 0;
	char why[400];

	if (!act_is(r, "post") || r->to_owners || strcmp(pc, "none") == 0)
		return;
	if (auth && r->auth_pass) {
		act_why(r, r->auth);
		return;
	}
	if (confirm && !r->no_answer && notice_rcpt_ok(r->from)) {
		snprintf(why, sizeof why, "its sender is not proven (%s): held "
		    "until the From address confirms it", auth ? r->auth :
		    "the list asks every poster to confirm");
		classify_set(r, "held", why, NULL);
		r->ask_confirm = 1;
		return;
	}
	snprintf(why, sizeof why, "its sender is not proven (%s): held for "
	    "the moderators", auth ? r->auth : r->no_answer ?
	    r->no_answer_why : "no confirmation can be asked");
	classify_set(r, "held", why, NULL);
}

/* A confirmation needs a person: not a vacation notice. */
static void
act_judge_confirm(struct classify_result *r)
{
	if (!act_is(r, "command") || r->confirm_id == 0 ||
	    (!r->text_looks_auto && !r->no_answer))
		return;
	r->confirm_id = 0;
	classify_set(r, "autoreply", "an answer to a confirmation that reads "
	    "like an automatic reply: not taken as a confirmation",
	    r->no_answer ? r->no_answer_why : "its first lines");
}

void
act_judge(const struct classify_env *e, struct classify_result *r)
{
	(void)e;
	act_judge_thread(r);
	act_judge_bounce(r);
	act_judge_post(r);
	act_judge_confirm(r);
}

/*
 * Score a hard bounce against its contact, at most once a day, and move
 * the status on at bounce.bouncing and bounce.disabled. After a quiet
 * spell of bounce.reset_after the count starts again (Mailman's
 * bounce_info_stale_after): a mailbox that was full twice in a year is
 * not a dead one.
 */
static int
act_score(struct db *d, const struct conf *c,
    const struct classify_result *r, int64_t now)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE contact SET "
	    "bounce_score = score.n, bounce_last = ?2, "
	    "status = CASE WHEN status IN ('unsubscribed', 'disabled') "
	    "  THEN status WHEN score.n >= ?3 THEN 'disabled' "
	    "  WHEN score.n >= ?4 THEN 'bouncing' ELSE status END "
	    "FROM (SELECT CASE WHEN bounce_last IS NULL OR bounce_last < ?2 - ?5 "
	    "  THEN 1 ELSE bounce_score + 1 END AS n FROM contact WHERE id = ?1) "
	    "AS score "
	    "WHERE id = ?1 AND (bounce_last IS NULL OR bounce_last < ?2 - 86400)");

	sqlite3_bind_int64(st, 1, r->contact_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, c->bounce_disabled);
	sqlite3_bind_int64(st, 4, c->bounce_bouncing);
	sqlite3_bind_int64(st, 5, c->bounce_reset);
	return db_step_done(d, st);
}

static int
act_bounce(const struct classify_env *e,
    const struct classify_result *r)
{
	sqlite3_stmt *st;

	/* act_judge: a report elsewhere is a claim, recorded only */
	if (r->message_ref == 0 || !r->at_bounce_addr)
		return 0;
	if (r->hard == 1) {
		st = db_cached(e->db, "UPDATE message SET state = 'bounced', "
		    "last_reply = ? WHERE id = ? AND state IN ('sent', "
		    "'uncertain')");
		db_bind_text(st, 1, r->why);
		sqlite3_bind_int64(st, 2, r->message_ref);
		if (db_step_done(e->db, st) == -1)
			return -1;
	}
	/* herald(1), bounce: a hard failure scores; soft ones only show in the log */
	if (r->contact_id && r->scores && r->hard == 1)
		return act_score(e->db, e->conf, r, time(NULL));
	return 0;
}

static int
act_rsvp(const struct classify_env *e,
    const struct classify_result *r)
{
	const char *stored;
	int64_t promoted;

	if (r->event_id == 0 || r->contact_id == 0)
		return 0;
	if (seats_answer(e->db, r->event_id, r->contact_id, r->rsvp,
	    r->rsvp_source, &stored, &promoted) == -1)
		return -1;
	/* herald(1), rsvp: the promoted contact is told */
	return promoted ? seats_tell_promoted(e->db, r->event_id, promoted,
	    SEATS_PROMOTED_TEMPLATE, e->key, e->conf->sender_domain) < 0 ?
	    -1 : 0 : 0;
}

static int
act_keep_raw(const struct classify_env *e, int64_t id, const char *raw,
    size_t len)
{
	sqlite3_stmt *st = db_cached(e->db, "INSERT INTO inbound_raw "
	    "(inbound_id, raw) VALUES (?, ?)");

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_blob(st, 2, raw, (int)len, SQLITE_TRANSIENT);
	return db_step_done(e->db, st);
}

/* Requests and confirmations; the answer says what was done. */
static int
act_command(const struct classify_env *e,
    struct classify_result *r)
{
	char what[400];

	if (strcmp(r->command, "relay") == 0 && r->post_ref) {
		long n = fanout_forward(e->db, r->post_ref, r->contact_id, e->key,
		    e->conf->sender_domain);

		if (n < 0)
			return -1;
		snprintf(r->why, sizeof r->why, "relay: the announcement "
		    "forwarded to %ld members of the owner's network", n);
		return 0;
	}
	if (r->confirm_id) {
		if (request_confirm(e->db, e->key, e->conf->sender_domain,
		    r->confirm_id, what, sizeof what) == -1)
			return -1;
		snprintf(r->why, sizeof r->why, "%s", what);
		return 0;
	}
	/* RFC 3834: never answer what must not be answered */
	if (*r->command == '\0' || r->list_id == 0 || *r->from == '\0' ||
	    r->no_answer)
		return 0;
	if (request_handle(e->db, e->key, e->conf->sender_domain, r->list_id,
	    r->from, r->command, what, sizeof what) == -1)
		return -1;
	snprintf(r->why, sizeof r->why, "%s", what);
	return 0;
}

/*
 * An unsubscribe link: from a list copy, the person leaves that list;
 * from the office's own mail (a campaign), they want no more of it.
 */
static int
act_unsubscribe(const struct classify_env *e,
    const struct classify_result *r)
{
	sqlite3_stmt *st = db_cached(e->db, "UPDATE contact SET status = "
	    "'unsubscribed' WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM "
	    "message WHERE id = ?2 AND kind = 'relay')");

	sqlite3_bind_int64(st, 1, r->contact_id);
	sqlite3_bind_int64(st, 2, r->message_ref);
	if (db_step_done(e->db, st) == -1)
		return -1;
	if (r->list_id == 0)
		return 0;
	st = db_cached(e->db, "UPDATE membership SET state = 'unsubscribed' "
	    "WHERE list_id = ? AND contact_id = ?");
	sqlite3_bind_int64(st, 1, r->list_id);
	sqlite3_bind_int64(st, 2, r->contact_id);
	return db_step_done(e->db, st);
}

/*
 * Size first: only the header of a post over the size cap was read, and
 * relaying it would send members an empty message; a moderator decides
 * (and nobody is asked to confirm what cannot be relayed).
 */
static void
act_judge_size(struct classify_result *r, int truncated, size_t len)
{
	if (!act_is(r, "post"))
		return;
	if (truncated)
		classify_set(r, "held", "over the size limit: only its header "
		    "was read, so it cannot be relayed", r->recipient);
	else if (len > RELAY_POST_MAX)
		classify_set(r, "held", "over 3 MB, too big to relay to every "
		    "member", r->recipient);
}

/* The inbound row's flags: what a person should know at a glance. */
static void
act_flags(const struct classify_result *r, int truncated, char *buf,
    size_t n)
{
	int held = act_is(r, "held");

	snprintf(buf, n, "%s%s%s%s%s%s%s%s%s%s%s", r->other_sender ?
	    "other-sender," : "", strcmp(r->token, "forged") == 0 ?
	    "forged-token," : "", r->malformed ? "malformed," : "",
	    truncated ? "oversize," : "", r->from_list && held ?
	    "from-list," : "", r->looks_auto && held ? "looks-auto," : "",
	    r->no_answer ? "no-answer," : "", r->ask_confirm ?
	    "confirm-asked," : "", strcmp(r->match, "thread!") == 0 ?
	    "thread-only," : "", r->needs_answer ? "needs-answer," : "",
	    r->hedged ? "hedged," : "");
}

static int64_t
act_record(const struct classify_env *e, const struct classify_result *r,
    const struct classify_source *src)
{
	struct inbound in;
	char flags[160];

	act_flags(r, src->truncated, flags, sizeof flags);
	memset(&in, 0, sizeof in);
	in.mailbox = src->mailbox;
	in.uidvalidity = src->uidvalidity;
	in.uid = src->uid;
	in.message_id = r->message_id;
	in.hash = src->hash;
	in.kind = r->kind;
	in.from_addr = r->from;
	in.subject = r->subject;
	in.rcpt_addr = r->recipient;
	in.contact_id = r->contact_id;
	in.message_ref = r->message_ref;
	in.campaign_id = r->campaign_id;
	in.list_id = r->list_id;
	in.rsvp = *r->rsvp ? r->rsvp : NULL;
	in.dsn_status = *r->dsn_status ? r->dsn_status : NULL;
	in.hard = r->hard;
	in.flags = flags;
	in.detail = r->why;
	in.size = src->size;
	in.held_state = act_is(r, "held") ? "held" : NULL;
	return inbound_add(e->db, &in);
}

/* A post is relayed; a held one waits for its sender or moderators. */
static int
act_post(const struct classify_env *e, struct classify_result *r, int64_t id,
    const char *raw, size_t len)
{
	char what[400];

	/* posts are kept whole: the relay (or a moderator) sends them on */
	if (act_keep_raw(e, id, raw, len) == -1)
		return -1;
	if (act_is(r, "post"))
		return (r->to_owners ? fanout_owners : fanout_relay)(
		    e->db, id, r->list_id, r->from, e->key,
		    e->conf->sender_domain) < 0 ? -1 : 0;
	if (r->ask_confirm) {
		if (hold_ask_poster(e->db, e->key, e->conf->sender_domain,
		    r->list_id, id, r->from, e->conf->held_expire, what,
		    sizeof what) == -1)
			return -1;
		act_why(r, what);
		return 0;
	}
	return hold_notify(e->db, e->key, e->conf->sender_domain, r->list_id,
	    id) < 0 ? -1 : 0;
}

static int
act_on(const struct classify_env *e, struct classify_result *r, int64_t id,
    const char *raw, size_t len)
{
	if (act_is(r, "post") || act_is(r, "held"))
		return act_post(e, r, id, raw, len);
	/* the answer queue is read by people: herald inbox show, contact
	 * thread (contact erase deletes it with the rest) */
	if ((act_is(r, "reply") || r->needs_answer) &&
	    act_keep_raw(e, id, raw, len) == -1)
		return -1;
	if (act_is(r, "command")) {
		if (act_command(e, r) == -1)
			return -1;
		/* a token of kind 'u': the unsubscribe link itself */
		if (r->contact_id && r->confirm_id == 0 && *r->command == '\0')
			return act_unsubscribe(e, r);
		return 0;
	}
	if (act_is(r, "bounce"))
		return act_bounce(e, r);
	/* a complaint stops that stream at once, as an unsubscribe would */
	if (act_is(r, "complaint") && r->complaint_ok && r->contact_id)
		return act_unsubscribe(e, r);
	if (act_is(r, "rsvp"))
		return act_rsvp(e, r);
	return 0;
}

int
act_explain(const struct classify_env *e, const char *raw, size_t len,
    struct classify_result *r)
{
	if (classify_message(e, raw, len, r) == -1)
		return -1;
	act_judge_size(r, 0, len);
	act_judge(e, r);
	return 0;
}

int
act_handle(const struct classify_env *e, const char *raw, size_t len,
    const struct classify_source *src)
{
	struct classify_result r;
	struct activity a;
	int64_t id;

	if (classify_message(e, raw, len, &r) == -1)
		return -1;
	/* handled before: by UID, or the same bytes after a UIDVALIDITY
	 * change (the message was parsed once, here, for both) */
	switch (inbound_seen(e->db, src->mailbox, src->uidvalidity, src->uid,
	    r.message_id, src->hash)) {
	case -1:
		return -1;
	case 1:
		return 1;
	}
	act_judge_size(&r, src->truncated, len);
	act_judge(e, &r);
	if ((id = act_record(e, &r, src)) == -1 ||
	    act_on(e, &r, id, raw, len) == -1)
		return -1;
	memset(&a, 0, sizeof a);
	a.direction = "in";
	a.kind = r.kind;
	a.contact_id = r.contact_id;
	a.campaign_id = r.campaign_id;
	a.list_id = r.list_id;
	a.message_ref = r.message_ref;
	a.inbound_ref = id;
	a.summary = r.why;
	return activity_add(e->db, &a) == -1 ? -1 : 0;
}
