/* request: see request.h. */
#include "in/request.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/timeutil.h"
#include "send/notice.h"
#include "store/contact.h"
#include "send/fanout.h"

/* The first word of s, lower-cased, into w. */
static const char *
request_word(const char *s, char *w, size_t n, const char **rest)
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
request_parse(const char *subject, const char *text, char *token,
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
		request_word(src[i], w, sizeof w, &rest);
		for (k = 0; known[k]; k++)
			if (strcmp(w, known[k]) == 0) {
				if (k == 3)
					request_word(rest, token, toklen, &rest);
				return known[k];
			}
	}
	return NULL;
}

/*
 * One confirmation of each kind per address (in any case) and list a
 * day: nobody can flood an address by asking for it again and again.
 */
static int
request_recent(struct db *d, int64_t list_id, const char *email,
    const char *action)
{
	sqlite3_stmt *st = db_cached(d, "SELECT 1 FROM confirmation WHERE "
	    "list_id = ? AND lower(email) = lower(?) AND created > ? AND "
	    "action = ?");
	int rc;

	sqlite3_bind_int64(st, 1, list_id);
	db_bind_text(st, 2, email);
	sqlite3_bind_int64(st, 3, time_now() - 86400);
	db_bind_text(st, 4, action);
	rc = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return rc;
}

int64_t
request_new_confirmation(struct db *d, int64_t list_id, const char *email,
    const char *action, int64_t post_id, int64_t ttl)
{
	/* the token people see is made from the row id (lib/token.h); this
	 * column only has to be unique */
	sqlite3_stmt *st = db_cached(d, "INSERT INTO confirmation (token, "
	    "list_id, email, action, post_id, created, expires) VALUES "
	    "(lower(hex(randomblob(16))), ?1, ?2, ?3, ?4, ?5, ?5 + ?6)");

	sqlite3_bind_int64(st, 1, list_id);
	db_bind_text(st, 2, email);
	db_bind_text(st, 3, action);
	db_bind_id(st, 4, post_id);
	sqlite3_bind_int64(st, 5, time_now());
	sqlite3_bind_int64(st, 6, ttl);
	if (db_step_done(d, st) == -1)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

/* The address's contact and its state on the list ("" when none). */
static int64_t
request_member(struct db *d, int64_t list_id, const char *email, char *state,
    size_t n)
{
	sqlite3_stmt *st = db_cached(d, "SELECT c.id, COALESCE(m.state, '') "
	    "FROM contact c LEFT JOIN membership m ON m.contact_id = c.id AND "
	    "m.list_id = ?1 WHERE c.email = ?2");
	int64_t id = 0;

	sqlite3_bind_int64(st, 1, list_id);
	db_bind_text(st, 2, email);
	*state = '\0';
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		snprintf(state, n, "%s", db_col_text(st, 1));
	}
	sqlite3_reset(st);
	return id;
}

static int
request_answer(struct db *d, const struct token_key *key, const char *domain,
    const struct notice *n, char *what, size_t whatlen)
{
	return notice_queue(d, key, domain, n, what, whatlen) == -1 ? -1 : 0;
}

int
request_handle(struct db *d, const struct token_key *key,
    const char *domain, int64_t list_id, const char *sender,
    const char *cmd, char *what, size_t whatlen)
{
	struct notice n = { 0 };
	char state[16];
	int sub = strcmp(cmd, "subscribe") == 0;

	n.rcpt = sender;
	n.list_id = list_id;
	if (strcmp(cmd, "help") == 0) {
		n.template = "help";
		return request_answer(d, key, domain, &n, what, whatlen);
	}
	if (!sub && strcmp(cmd, "unsubscribe") != 0) {
		snprintf(what, whatlen, "%s: nothing to do", cmd);
		return 0;
	}
	if (request_recent(d, list_id, sender, cmd)) {
		snprintf(what, whatlen, "%s from %s: a confirmation went out "
		    "less than a day ago; not sent again", cmd, sender);
		return 0;
	}
	/* nothing is created for a stranger until the address answers */
	n.contact_id = request_member(d, list_id, sender, state, sizeof state);
	if (sub && strcmp(state, "active") == 0) {
		snprintf(what, whatlen, "%s is already a member", sender);
		return 0;
	}
	if (!sub && strcmp(state, "active") != 0) {
		snprintf(what, whatlen, "%s is not a member", sender);
		return 0;
	}
	if ((n.confirm_id = request_new_confirmation(d, list_id, sender, cmd,
	    0, REQUEST_CONFIRM_TTL)) == -1)
		return -1;
	n.template = sub ? "confirm-subscribe" : "confirm-unsubscribe";
	return request_answer(d, key, domain, &n, what, whatlen);
}

/* A confirmed subscription: the contact (made now, when new) joins. */
static int
request_join(struct db *d, int64_t list_id, const char *email,
    const char *action, char *what, size_t whatlen)
{
	struct contact ct;
	enum contact_result res;
	int64_t cid;
	int sub = strcmp(action, "subscribe") == 0;
	sqlite3_stmt *st;

	contact_init(&ct);
	if (contact_get(d, email, &ct) != 1) {
		contact_clear(&ct);
		if (!sub) {
			snprintf(what, whatlen, "confirmation for a contact "
			    "now gone");
			return 0;
		}
		contact_init(&ct);
		ct.email = (char *)email;
		cid = contact_upsert(d, &ct, 0, &res);
		ct.email = NULL;
		contact_clear(&ct);
		if (cid == -1)
			return -1;
		contact_init(&ct);
		if (contact_get(d, email, &ct) != 1) {
			contact_clear(&ct);
			return -1;
		}
	}
	cid = ct.id;
	/* a contact who left all herald's mail gets nothing from the list
	 * either, until an organiser sets the status back: say so */
	snprintf(what, whatlen, "%s of %s confirmed%s", action, email,
	    sub && strcmp(ct.status, "active") != 0 ? "; but the contact is "
	    "not active, so nothing reaches them" : "");
	contact_clear(&ct);
	/* the address itself asked and answered: its word stands */
	st = db_cached(d, "INSERT INTO membership (list_id, contact_id, role, "
	    "state, created, updated) VALUES (?1, ?2, 'member', ?3, ?4, ?4) "
	    "ON CONFLICT (list_id, contact_id) DO UPDATE SET state = ?3, "
	    "updated = ?4");
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_int64(st, 2, cid);
	db_bind_text(st, 3, sub ? "active" : "unsubscribed");
	sqlite3_bind_int64(st, 4, time_now());
	return db_step_done(d, st);
}

/* A post its poster confirmed: relayed, once (still held, not decided). */
static int
request_release(struct db *d, const struct token_key *key, const char *domain,
    int64_t list_id, int64_t post_id, const char *email, char *what,
    size_t whatlen)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE inbound SET held_state = "
	    "'approved' WHERE id = ? AND held_state = 'held'");
	long n;

	sqlite3_bind_int64(st, 1, post_id);
	if (db_step_done(d, st) == -1)
		return -1;
	if (sqlite3_changes(d->h) == 0) {
		snprintf(what, whatlen, "post %lld confirmed by %s, but it was "
		    "already decided or expired", (long long)post_id, email);
		return 0;
	}
	if ((n = fanout_relay(d, post_id, list_id, email, key, domain)) < 0)
		return -1;
	snprintf(what, whatlen, "post %lld confirmed by its sender %s: "
	    "relayed to %ld members", (long long)post_id, email, n);
	return 0;
}

int
request_confirm(struct db *d, const struct token_key *key, const char *domain,
    int64_t conf_id, char *what, size_t whatlen)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE confirmation SET used = ?2 "
	    "WHERE id = ?1 AND used IS NULL AND expires > ?2 "
	    "RETURNING list_id, email, action, COALESCE(post_id, 0)");
	char email[320] = "", action[16] = "";
	int64_t list_id = 0, post_id = 0;

	sqlite3_bind_int64(st, 1, conf_id);
	sqlite3_bind_int64(st, 2, time_now());
	if (sqlite3_step(st) == SQLITE_ROW) {
		list_id = sqlite3_column_int64(st, 0);
		snprintf(email, sizeof email, "%s", db_col_text(st, 1));
		snprintf(action, sizeof action, "%s", db_col_text(st, 2));
		post_id = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (list_id == 0) {
		snprintf(what, whatlen, "confirmation unknown, used or expired");
		return 0;
	}
	if (strcmp(action, "post") == 0)
		return request_release(d, key, domain, list_id, post_id, email,
		    what, whatlen);
	return request_join(d, list_id, email, action, what, whatlen);
}
