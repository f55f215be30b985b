/* command: see command.h. */
#include "store/command.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "store/activity.h"
#include "store/campaign.h"
#include "store/contact.h"

/* The first word of s, lower-cased, into w. */
static const char *
command_word(const char *s, char *w, size_t n, const char **rest)
{
	size_t i = 0;

	while (*s && isspace((unsigned char)*s))
		s++;
	if (strncasecmp(s, "re:", 3) == 0)
		for (s += 3; *s && isspace((unsigned char)*s); s++)
			;
	while (*s && !isspace((unsigned char)*s) && i < n - 1)
		w[i++] = (char)tolower((unsigned char)*s++);
	w[i] = '\0';
	*rest = s;
	return w;
}

const char *
command_parse(const char *subject, const char *text, char *token,
    size_t toklen)
{
	static const char *const known[] = { "subscribe", "unsubscribe",
	    "help", "confirm", NULL };
	const char *src[2] = { subject, text }, *rest;
	char w[32];
	int i, k;

	for (i = 0; i < 2; i++) {
		if (src[i] == NULL)
			continue;
		command_word(src[i], w, sizeof w, &rest);
		for (k = 0; known[k]; k++)
			if (strcmp(w, known[k]) == 0) {
				if (k == 3)
					command_word(rest, token, toklen, &rest);
				return known[k];
			}
	}
	return NULL;
}

/*
 * One confirmation of each kind per address and list a day: nobody can
 * flood an address by asking for it again and again.
 */
static int
command_recent(struct db *d, int64_t list_id, const char *email,
    const char *action)
{
	sqlite3_stmt *st = db_cached(d, "SELECT 1 FROM confirmation WHERE "
	    "list_id = ? AND email = ? AND created > ? AND action = ?");
	int rc;

	sqlite3_bind_int64(st, 1, list_id);
	db_bind_text(st, 2, email);
	sqlite3_bind_int64(st, 3, time_now() - 86400);
	db_bind_text(st, 4, action);
	rc = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return rc;
}

/*
 * RFC 3834 and Mailman's habit: at most COMMAND_AUTO_MAX automatic
 * answers to one address a day, whatever it asks. 1 when one more may
 * go (and it is counted), 0 when the day's share is used.
 */
static int
command_auto_allowed(struct db *d, const char *email)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO autoresponse (email, day, "
	    "count) VALUES (?1, ?2, 1) ON CONFLICT (email, day) DO UPDATE SET "
	    "count = count + 1 WHERE count < ?3");

	db_bind_text(st, 1, email);
	sqlite3_bind_int64(st, 2, time_now() / 86400);
	sqlite3_bind_int(st, 3, COMMAND_AUTO_MAX);
	if (db_step_done(d, st) == -1)
		return -1;
	return sqlite3_changes(d->h) > 0;
}

/*
 * Queue an automatic answer (kind 'auto', template names the text).
 * 0 when queued, 1 when this address has had enough today, -1 on error.
 */
static int
command_answer(struct db *d, const struct token_key *key, const char *domain,
    int64_t list_id, int64_t contact_id, const char *email,
    const char *text, int64_t conf_id)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO message (list_id, "
	    "contact_id, kind, template, confirm_id, rcpt, token, message_id, "
	    "state, next_attempt, created, updated) VALUES (?1, ?2, 'auto', "
	    "?3, ?4, ?5, 'new:a', 'new:a', 'queued', ?6, ?6, ?6)");
	int ok = command_auto_allowed(d, email);

	if (ok <= 0)
		return ok == 0 ? 1 : -1;	/* enough answers today */
	sqlite3_bind_int64(st, 1, list_id);
	db_bind_id(st, 2, contact_id);
	db_bind_text(st, 3, text);
	db_bind_id(st, 4, conf_id);
	db_bind_text(st, 5, email);
	sqlite3_bind_int64(st, 6, time_now());
	if (db_step_done(d, st) == -1)
		return -1;
	return campaign_message_ids(d, sqlite3_last_insert_rowid(d->h), key,
	    domain);
}

/* What the log says of an answer: sent, or held back by the limit. */
static int
command_said(char *what, size_t whatlen, int rc, const char *done,
    const char *email)
{
	if (rc == 1)
		snprintf(what, whatlen, "no answer to %s: it has had %d "
		    "automatic answers today", email, COMMAND_AUTO_MAX);
	else
		snprintf(what, whatlen, "%s %s", done, email);
	return rc == -1 ? -1 : 0;
}

static int64_t
command_new_confirmation(struct db *d, int64_t list_id, const char *email,
    const char *action)
{
	/* the token people see is made from the row id (lib/token.h); this
	 * column only has to be unique */
	sqlite3_stmt *st = db_cached(d, "INSERT INTO confirmation (token, "
	    "list_id, email, action, created, expires) VALUES "
	    "(lower(hex(randomblob(16))), ?1, ?2, ?3, ?4, ?4 + ?5)");

	sqlite3_bind_int64(st, 1, list_id);
	db_bind_text(st, 2, email);
	db_bind_text(st, 3, action);
	sqlite3_bind_int64(st, 4, time_now());
	sqlite3_bind_int64(st, 5, COMMAND_CONFIRM_TTL);
	if (db_step_done(d, st) == -1)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

/* The member's state on the list: "" when none. */
static void
command_state(struct db *d, int64_t list_id, int64_t contact_id, char *buf,
    size_t n)
{
	sqlite3_stmt *st = db_cached(d, "SELECT state FROM membership "
	    "WHERE list_id = ? AND contact_id = ?");

	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_int64(st, 2, contact_id);
	snprintf(buf, n, "%s", sqlite3_step(st) == SQLITE_ROW ?
	    db_col_text(st, 0) : "");
	sqlite3_reset(st);
}

int
command_request(struct db *d, const struct token_key *key,
    const char *domain, int64_t list_id, const char *sender,
    const char *cmd, char *what, size_t whatlen)
{
	struct contact ct;
	enum contact_result res;
	char state[16];
	int64_t cid, conf;
	int sub = strcmp(cmd, "subscribe") == 0;

	if (strcmp(cmd, "help") == 0) {
		return command_said(what, whatlen, command_answer(d, key,
		    domain, list_id, 0, sender, "help", 0), "help sent to",
		    sender);
	}
	if (!sub && strcmp(cmd, "unsubscribe") != 0) {
		snprintf(what, whatlen, "%s: nothing to do", cmd);
		return 0;
	}
	if (command_recent(d, list_id, sender, cmd)) {
		snprintf(what, whatlen, "%s from %s: a confirmation went out "
		    "less than a day ago; not sent again", cmd, sender);
		return 0;
	}
	contact_init(&ct);
	ct.email = (char *)sender;
	cid = contact_upsert(d, &ct, 0, &res);
	ct.email = NULL;
	contact_clear(&ct);
	if (cid == -1)
		return -1;
	command_state(d, list_id, cid, state, sizeof state);
	if (sub && strcmp(state, "active") == 0) {
		snprintf(what, whatlen, "%s is already a member", sender);
		return 0;
	}
	if (!sub && strcmp(state, "active") != 0) {
		snprintf(what, whatlen, "%s is not a member", sender);
		return 0;
	}
	if ((conf = command_new_confirmation(d, list_id, sender, cmd)) == -1)
		return -1;
	return command_said(what, whatlen, command_answer(d, key, domain,
	    list_id, cid, sender, sub ? "confirm-subscribe" :
	    "confirm-unsubscribe", conf), sub ? "subscribe: confirmation sent "
	    "to" : "unsubscribe: confirmation sent to", sender);
}

int
command_confirm(struct db *d, int64_t conf_id, char *what, size_t whatlen)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE confirmation SET used = ?2 "
	    "WHERE id = ?1 AND used IS NULL AND expires > ?2 "
	    "RETURNING list_id, email, action");
	char email[320] = "", action[16] = "";
	int64_t list_id = 0, cid;
	struct contact ct;

	sqlite3_bind_int64(st, 1, conf_id);
	sqlite3_bind_int64(st, 2, time_now());
	if (sqlite3_step(st) == SQLITE_ROW) {
		list_id = sqlite3_column_int64(st, 0);
		snprintf(email, sizeof email, "%s", db_col_text(st, 1));
		snprintf(action, sizeof action, "%s", db_col_text(st, 2));
	}
	sqlite3_reset(st);
	if (list_id == 0) {
		snprintf(what, whatlen, "confirmation unknown, used or expired");
		return 0;
	}
	contact_init(&ct);
	if (contact_get(d, email, &ct) != 1) {
		contact_clear(&ct);
		snprintf(what, whatlen, "confirmation for a contact now gone");
		return 0;
	}
	cid = ct.id;
	/* a contact who left all herald's mail gets nothing from the list
	 * either, until an organiser sets the status back: say so */
	snprintf(what, whatlen, "%s of %s confirmed%s", action, email,
	    strcmp(action, "subscribe") == 0 && strcmp(ct.status, "active") !=
	    0 ? "; but the contact is not active, so nothing reaches them" :
	    "");
	contact_clear(&ct);
	/* the address itself asked and answered: its word stands */
	st = db_cached(d, "INSERT INTO membership (list_id, contact_id, role, "
	    "state, created, updated) VALUES (?1, ?2, 'member', ?3, ?4, ?4) "
	    "ON CONFLICT (list_id, contact_id) DO UPDATE SET state = ?3, "
	    "updated = ?4");
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_int64(st, 2, cid);
	db_bind_text(st, 3, strcmp(action, "subscribe") == 0 ? "active" :
	    "unsubscribed");
	sqlite3_bind_int64(st, 4, time_now());
	return db_step_done(d, st);
}

long
command_notify_held(struct db *d, const struct token_key *key,
    const char *domain, int64_t list_id, int64_t post_id)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO message (list_id, "
	    "contact_id, post_id, kind, template, rcpt, token, message_id, "
	    "state, next_attempt, created, updated) SELECT ?1, c.id, ?2, "
	    "'auto', 'held-notice', c.email, 'new:h' || ?2 || ':' || c.id, "
	    "'new:h' || ?2 || ':' || c.id, 'queued', ?3, ?3, ?3 "
	    "FROM membership m JOIN contact c ON c.id = m.contact_id "
	    "WHERE m.list_id = ?1 AND m.role IN ('owner', 'moderator') "
	    "AND m.state = 'active' ORDER BY c.id");

	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_int64(st, 2, post_id);
	sqlite3_bind_int64(st, 3, time_now());
	if (db_step_done(d, st) == -1)
		return -1;
	return campaign_message_ids_inserted(d, key, domain);
}

/* Was the held post list mail, or an auto-reply by its subject (flagged
 * from-list or looks-auto when it was read)? */
static int
command_post_from_list(struct db *d, int64_t post_id)
{
	sqlite3_stmt *st = db_cached(d, "SELECT instr(flags, 'from-list') > 0 "
	    "OR instr(flags, 'looks-auto') > 0 FROM inbound WHERE id = ?");
	int yes;

	sqlite3_bind_int64(st, 1, post_id);
	yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return yes;
}

int
command_tell_poster(struct db *d, const struct token_key *key,
    const char *domain, int64_t list_id, int64_t post_id, const char *email,
    const char *text)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO message (list_id, post_id, "
	    "kind, template, rcpt, token, message_id, state, next_attempt, "
	    "created, updated) VALUES (?1, ?2, 'auto', ?3, ?4, 'new:t', "
	    "'new:t', 'queued', ?5, ?5, ?5)");
	int ok;

	/* RFC 3834: a post that came from another list is not answered */
	if (!*email || command_post_from_list(d, post_id))
		return 0;
	if ((ok = command_auto_allowed(d, email)) <= 0)
		return ok;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_int64(st, 2, post_id);
	db_bind_text(st, 3, text);
	db_bind_text(st, 4, email);
	sqlite3_bind_int64(st, 5, time_now());
	if (db_step_done(d, st) == -1)
		return -1;
	return campaign_message_ids(d, sqlite3_last_insert_rowid(d->h), key,
	    domain);
}

long
command_expire_held(struct db *d, const struct token_key *key,
    const char *domain, int64_t expire)
{
	/* RETURNING makes every change at the first step: read every row */
	sqlite3_stmt *st = db_prepare(d, "UPDATE inbound SET held_state = "
	    "'expired' WHERE held_state = 'held' AND received_at < ? "
	    "RETURNING id, list_id, from_addr");
	struct held { int64_t id, list; char from[320]; } *v = NULL;
	struct activity a = { 0 };
	long n = 0, i, rc = 0;

	sqlite3_bind_int64(st, 1, time_now() - expire);
	while (sqlite3_step(st) == SQLITE_ROW) {
		v = xrealloc(v, ((size_t)n + 1) * sizeof *v);
		v[n].id = sqlite3_column_int64(st, 0);
		v[n].list = sqlite3_column_int64(st, 1);
		snprintf(v[n].from, sizeof v[n].from, "%s", db_col_text(st, 2));
		n++;
	}
	if (sqlite3_finalize(st) != SQLITE_OK)
		rc = -1;
	a.direction = "note";
	a.kind = "moderation";
	a.summary = "held post expired: nobody decided in time";
	for (i = 0; rc == 0 && i < n; i++) {
		a.list_id = v[i].list;
		a.inbound_ref = v[i].id;
		if ((*v[i].from && command_tell_poster(d, key, domain,
		    v[i].list, v[i].id, v[i].from, "held-expired") == -1) ||
		    activity_add(d, &a) == -1)
			rc = -1;
	}
	free(v);
	return rc == -1 ? -1 : n;
}
