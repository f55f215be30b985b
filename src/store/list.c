/* list: see list.h. */
#include "store/list.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/addr.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "store/queue.h"

int
list_kind_valid(const char *kind)
{
	return strcmp(kind, "announce") == 0 || strcmp(kind, "relay") == 0 ||
	    strcmp(kind, "discussion") == 0;
}

int
list_role_valid(const char *role)
{
	return strcmp(role, "member") == 0 || strcmp(role, "owner") == 0 ||
	    strcmp(role, "moderator") == 0;
}

const char *
list_address_suffix(const char *local)
{
	const char *dash = strrchr(local, '-');

	return dash && (strcmp(dash, "-request") == 0 ||
	    strcmp(dash, "-owner") == 0) ? dash : NULL;
}

_Static_assert(LIST_SUFFIX_MAX == sizeof "-request" - 1 &&
    sizeof "-owner" - 1 <= LIST_SUFFIX_MAX,
    "LIST_SUFFIX_MAX is the longest list address suffix");

const char *
list_name_invalid(const char *name)
{
	static _Thread_local char too_long[96];

	if (!text_is_slug(name))
		return "use a-z, 0-9 and -";
	if (strlen(name) > addr_base_max(LIST_SUFFIX_MAX)) {
		snprintf(too_long, sizeof too_long, "at most %zu characters, so "
		    "that NAME-request@ fits a %d-octet local part",
		    addr_base_max(LIST_SUFFIX_MAX), ADDR_LOCAL_MAX);
		return too_long;
	}
	/* NAME-request@ and NAME-owner@ are every list's own addresses */
	if (list_address_suffix(name) != NULL)
		return "a name may not end in -request or -owner";
	return NULL;
}

int
list_get(struct db *d, const char *name, struct list *l)
{
	sqlite3_stmt *st = db_cached(d, "SELECT l.id, l.name, l.kind, "
	    "COALESCE(p.name, ''), COALESCE(o.name, ''), l.created, "
	    "l.subject_tag, COALESCE(l.reply_to, ''), l.post_check "
	    "FROM list l LEFT JOIN list p ON p.id = l.parent_id "
	    "LEFT JOIN organisation o ON o.id = l.org_id WHERE l.name = ?");
	int rc;

	memset(l, 0, sizeof *l);
	db_bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		l->id = sqlite3_column_int64(st, 0);
		l->name = db_col_dup(st, 1);
		l->kind = db_col_dup(st, 2);
		l->parent = db_col_dup(st, 3);
		l->organisation = db_col_dup(st, 4);
		l->created = sqlite3_column_int64(st, 5);
		l->tag = db_col_dup(st, 6);
		l->reply_to = db_col_dup(st, 7);
		l->post_check = db_col_dup(st, 8);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

void
list_clear(struct list *l)
{
	free(l->name);
	free(l->kind);
	free(l->parent);
	free(l->organisation);
	free(l->tag);
	free(l->reply_to);
	free(l->post_check);
	memset(l, 0, sizeof *l);
}

int64_t
list_create(struct db *d, const char *name, const char *kind,
    int64_t parent_id, int64_t org_id)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO list (name, kind, "
	    "parent_id, org_id, created) VALUES (?, ?, ?, ?, ?)");
	int rc;

	db_bind_text(st, 1, name);
	db_bind_text(st, 2, kind);
	db_bind_id(st, 3, parent_id);
	db_bind_id(st, 4, org_id);
	sqlite3_bind_int64(st, 5, time_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		errno = EEXIST;
		return -1;
	}
	if (rc != SQLITE_DONE)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

int
list_add_member(struct db *d, int64_t list_id, int64_t contact_id,
    const char *role)
{
	sqlite3_stmt *st = db_cached(d, "SELECT role, state FROM membership "
	    "WHERE list_id = ? AND contact_id = ?");
	int64_t now = time_now();
	char keep[16];
	int rc, ret = 1;

	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_int64(st, 2, contact_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *old_role = db_col_text(st, 0);
		const char *old_state = db_col_text(st, 1);

		if (strcmp(old_state, "unsubscribed") == 0)
			ret = LIST_KEPT_UNSUBSCRIBED;
		else if (strcmp(old_role, role) == 0 ||
		    strcmp(role, "member") == 0)
			ret = strcmp(old_state, "active") != 0 ? 1 : 0;
		else
			ret = 2;
		if (strcmp(role, "member") == 0) {
			/* keep owners owners (copied: reset frees the text) */
			snprintf(keep, sizeof keep, "%s", old_role);
			role = keep;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (ret == 0 || ret == LIST_KEPT_UNSUBSCRIBED)
		return ret;
	st = db_cached(d, "INSERT INTO membership (list_id, contact_id, role, "
	    "state, created, updated) VALUES (?1, ?2, ?3, 'active', ?4, ?4) "
	    "ON CONFLICT (list_id, contact_id) DO UPDATE SET role = ?3, "
	    "state = 'active', updated = ?4");
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_int64(st, 2, contact_id);
	db_bind_text(st, 3, role);
	sqlite3_bind_int64(st, 4, now);
	return db_step_done(d, st) == -1 ? -1 : ret;
}

int
list_remove_member(struct db *d, int64_t list_id, int64_t contact_id)
{
	sqlite3_stmt *st = db_cached(d, "DELETE FROM membership "
	    "WHERE list_id = ? AND contact_id = ?");

	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_int64(st, 2, contact_id);
	if (db_step_done(d, st) == -1)
		return -1;
	return sqlite3_changes(d->h) > 0;
}

int
list_post_check_valid(const char *rule)
{
	return strcmp(rule, "auth") == 0 || strcmp(rule, "confirm") == 0 ||
	    strcmp(rule, "auth-or-confirm") == 0 || strcmp(rule, "none") == 0;
}

int
list_set_options(struct db *d, int64_t id, const char *tag,
    const char *reply_to, const char *post_check)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE list SET subject_tag = "
	    "COALESCE(?2, subject_tag), reply_to = CASE WHEN ?3 IS NULL THEN "
	    "reply_to WHEN ?3 = 'kind' THEN NULL ELSE ?3 END, "
	    "post_check = COALESCE(?4, post_check) WHERE id = ?1");

	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, tag);
	db_bind_text(st, 3, reply_to);
	db_bind_text(st, 4, post_check);
	return db_step_done(d, st);
}

int
list_set_org(struct db *d, int64_t id, int64_t org_id)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE list SET org_id = ?2 "
	    "WHERE id = ?1");

	sqlite3_bind_int64(st, 1, id);
	db_bind_id(st, 2, org_id);
	return db_step_done(d, st);
}

int
list_usage(struct db *d, int64_t id, struct list_use *u)
{
	sqlite3_stmt *st;

	memset(u, 0, sizeof *u);
	st = db_cached(d, "SELECT "
	    "(SELECT count(*) FROM campaign WHERE list_id = ?1 AND state NOT IN "
	    " ('done', 'cancelled')), "
	    "(SELECT name FROM campaign WHERE list_id = ?1 AND state NOT IN "
	    " ('done', 'cancelled') ORDER BY name LIMIT 1), "
	    "(SELECT count(*) FROM list WHERE parent_id = ?1), "
	    "(SELECT name FROM list WHERE parent_id = ?1 ORDER BY name LIMIT 1), "
	    "(SELECT count(*) FROM message WHERE list_id = ?1 AND campaign_id "
	    " IS NULL AND state IN ('" QUEUE_S_QUEUED "', '" QUEUE_S_SENDING
	    "', '" QUEUE_S_DEFERRED "')), "
	    "(SELECT count(*) FROM inbound WHERE list_id = ?1 AND "
	    " held_state = 'held')");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	u->campaigns = sqlite3_column_int64(st, 0);
	snprintf(u->campaign, sizeof u->campaign, "%s", db_col_text(st, 1));
	u->relays = sqlite3_column_int64(st, 2);
	snprintf(u->relay, sizeof u->relay, "%s", db_col_text(st, 3));
	u->unsent = sqlite3_column_int64(st, 4);
	u->held = sqlite3_column_int64(st, 5);
	sqlite3_reset(st);
	return u->campaigns || u->relays || u->unsent || u->held;
}

int
list_delete(struct db *d, int64_t id)
{
	static const char *const sql[] = {
		/* a campaign's row needs a list or a filter (schema CHECK) */
		"UPDATE campaign SET filter = COALESCE(filter, 'list=' || "
		"(SELECT name FROM list WHERE id = ?1)), list_id = NULL "
		"WHERE list_id = ?1",
		"UPDATE message SET state = '" QUEUE_S_CANCELLED "' WHERE "
		"list_id = ?1 AND campaign_id IS NULL AND state IN ('"
		QUEUE_S_QUEUED "', '" QUEUE_S_DEFERRED "')",
		"UPDATE inbound SET held_state = 'rejected' WHERE list_id = ?1 "
		"AND held_state = 'held'",
		"DELETE FROM list WHERE id = ?1",
	};
	size_t i;

	for (i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		sqlite3_stmt *st = db_cached(d, sql[i]);

		sqlite3_bind_int64(st, 1, id);
		if (db_step_done(d, st) == -1)
			return -1;
	}
	return 0;
}
