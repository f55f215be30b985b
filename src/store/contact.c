/* contact: see contact.h. */
#include "store/contact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/addr.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "store/org.h"

#define CONTACT_TEXT_MAX 256
#define CONTACT_ATTR_MAX 8192

static const char *const contact_fields[] = {
	"email", "name", "organisation", "role", "country", "language",
	"status", NULL
};

int
contact_is_field(const char *key)
{
	int i;

	for (i = 0; contact_fields[i]; i++)
		if (strcmp(contact_fields[i], key) == 0)
			return 1;
	return 0;
}

int
contact_attr_key_valid(const char *key)
{
	size_t n = 0;

	for (; key[n]; n++)
		if (!(islower((unsigned char)key[n]) ||
		    isdigit((unsigned char)key[n]) || key[n] == '_' ||
		    key[n] == '-'))
			return 0;
	return n > 0 && n <= 64;
}

/* BCP 47, loosely: a 2-3 letter language, then 1-8 alnum subtags. */
static int
contact_lang_valid(char *s)
{
	size_t i, sub = 0, n = 0;

	for (i = 0; s[i]; i++) {
		if (s[i] == '-' || s[i] == '_') {
			if ((n == 0 && (sub < 2 || sub > 3)) || sub == 0)
				return 0;
			s[i] = '-';
			sub = 0;
			n++;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) ||
		    (n == 0 && !isalpha((unsigned char)s[i])) || ++sub > 8)
			return 0;
		/* language lower-case, a 2-letter region upper-case */
		s[i] = n == 0 ? (char)tolower((unsigned char)s[i]) : s[i];
	}
	if (sub == 0 || (n == 0 && (sub < 2 || sub > 3)))
		return 0;
	return 1;
}

static char *
contact_check_text(const char *value, size_t max, const char **why)
{
	char *v;

	if (!text_header_safe(value, why))
		return NULL;
	v = text_trimdup(value);
	if (strlen(v) > max) {
		*why = "value too long";
		free(v);
		return NULL;
	}
	return v;
}

char *
contact_check_field(const char *key, const char *value, int is_attr,
    const char **why)
{
	char *v;

	if (is_attr)
		return contact_check_text(value, CONTACT_ATTR_MAX, why);
	if (strcmp(key, "email") == 0)
		return addr_normalize(value, why);
	if ((v = contact_check_text(value, CONTACT_TEXT_MAX, why)) == NULL)
		return NULL;
	if (strcmp(key, "country") == 0 && *v) {
		if (strlen(v) != 2 || !isalpha((unsigned char)v[0]) ||
		    !isalpha((unsigned char)v[1])) {
			*why = "country must be a two-letter ISO 3166 code";
			goto bad;
		}
		v[0] = (char)toupper((unsigned char)v[0]);
		v[1] = (char)toupper((unsigned char)v[1]);
	} else if (strcmp(key, "language") == 0 && *v) {
		if (!contact_lang_valid(v)) {
			*why = "language must be a BCP 47 tag such as es or pt-BR";
			goto bad;
		}
	} else if (strcmp(key, "status") == 0) {
		if (strcmp(v, "active") && strcmp(v, "bouncing") &&
		    strcmp(v, "disabled") && strcmp(v, "unsubscribed")) {
			*why = "status must be active, bouncing, disabled or "
			    "unsubscribed";
			goto bad;
		}
	}
	return v;
bad:
	free(v);
	return NULL;
}

void
contact_init(struct contact *c)
{
	memset(c, 0, sizeof *c);
}

void
contact_clear(struct contact *c)
{
	size_t i;

	free(c->email);
	free(c->name);
	free(c->organisation);
	free(c->role);
	free(c->country);
	free(c->language);
	free(c->status);
	for (i = 0; i < c->nattrs; i++) {
		free(c->attrs[i].key);
		free(c->attrs[i].value);
	}
	free(c->attrs);
	contact_init(c);
}

void
contact_attr_set(struct contact *c, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < c->nattrs; i++)
		if (strcmp(c->attrs[i].key, key) == 0) {
			free(c->attrs[i].value);
			c->attrs[i].value = xstrdup(value);
			return;
		}
	c->attrs = xrealloc(c->attrs, (c->nattrs + 1) * sizeof *c->attrs);
	c->attrs[c->nattrs].key = xstrdup(key);
	c->attrs[c->nattrs].value = xstrdup(value);
	c->nattrs++;
}

const char *
contact_attr_get(const struct contact *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->nattrs; i++)
		if (strcmp(c->attrs[i].key, key) == 0)
			return c->attrs[i].value;
	return NULL;
}

void
contact_load_attrs(struct db *d, struct contact *c)
{
	sqlite3_stmt *st = db_cached(d, "SELECT key, value FROM contact_attr "
	    "WHERE contact_id = ? ORDER BY key");

	sqlite3_bind_int64(st, 1, c->id);
	while (sqlite3_step(st) == SQLITE_ROW)
		contact_attr_set(c, db_col_text(st, 0), db_col_text(st, 1));
	sqlite3_reset(st);
}

#define CONTACT_COLUMNS "c.id, c.email, c.name, COALESCE(o.name, ''), " \
	"c.role, c.country, c.language, c.status, c.created, c.updated, " \
	"CAST(c.bounce_score AS INTEGER), COALESCE(c.bounce_last, 0) " \
	"FROM contact c LEFT JOIN organisation o ON o.id = c.org_id "

static int
contact_fill_as(struct db *d, sqlite3_stmt *st, struct contact *c, int attrs)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		c->id = sqlite3_column_int64(st, 0);
		c->email = db_col_dup(st, 1);
		c->name = db_col_dup(st, 2);
		c->organisation = db_col_dup(st, 3);
		c->role = db_col_dup(st, 4);
		c->country = db_col_dup(st, 5);
		c->language = db_col_dup(st, 6);
		c->status = db_col_dup(st, 7);
		c->created = sqlite3_column_int64(st, 8);
		c->updated = sqlite3_column_int64(st, 9);
		c->bounce_score = sqlite3_column_int64(st, 10);
		c->bounce_last = sqlite3_column_int64(st, 11);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		if (attrs)
			contact_load_attrs(d, c);
		return 1;
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
contact_fill(struct db *d, sqlite3_stmt *st, struct contact *c)
{
	return contact_fill_as(d, st, c, 1);
}

int
contact_get(struct db *d, const char *email, struct contact *c)
{
	sqlite3_stmt *st = db_cached(d, "SELECT " CONTACT_COLUMNS
	    "WHERE c.email = ? ORDER BY c.id LIMIT 1");

	db_bind_text(st, 1, email);
	return contact_fill(d, st, c);
}

int
contact_get_id(struct db *d, int64_t id, struct contact *c)
{
	sqlite3_stmt *st = db_cached(d, "SELECT " CONTACT_COLUMNS
	    "WHERE c.id = ?");

	sqlite3_bind_int64(st, 1, id);
	return contact_fill(d, st, c);
}

int
contact_get_id_bare(struct db *d, int64_t id, struct contact *c)
{
	sqlite3_stmt *st = db_cached(d, "SELECT " CONTACT_COLUMNS
	    "WHERE c.id = ?");

	sqlite3_bind_int64(st, 1, id);
	return contact_fill_as(d, st, c, 0);
}

static int
contact_put_attr(struct db *d, int64_t id, const char *key,
    const char *value)
{
	sqlite3_stmt *st;

	if (*value == '\0') {
		st = db_cached(d, "DELETE FROM contact_attr WHERE contact_id = ? "
		    "AND key = ?");
		sqlite3_bind_int64(st, 1, id);
		db_bind_text(st, 2, key);
		return db_step_done(d, st);
	}
	st = db_cached(d, "INSERT INTO contact_attr (contact_id, key, value) "
	    "VALUES (?, ?, ?) ON CONFLICT (contact_id, key) DO UPDATE "
	    "SET value = excluded.value");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, key);
	db_bind_text(st, 3, value);
	return db_step_done(d, st);
}

static int
contact_is_set(const char *s)
{
	return s && *s;
}

static int64_t
contact_insert(struct db *d, const struct contact *in)
{
	sqlite3_stmt *st;
	int64_t id, org = 0, now = time_now();
	size_t i;

	if (contact_is_set(in->organisation) &&
	    (org = org_ensure(d, in->organisation,
	    org_kind_for_role(in->role), in->country)) == -1)
		return -1;
	st = db_cached(d, "INSERT INTO contact (email, name, org_id, role, "
	    "country, language, status, created, updated) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	db_bind_text(st, 1, in->email);
	db_bind_text(st, 2, in->name ? in->name : "");
	db_bind_id(st, 3, org);
	db_bind_text(st, 4, in->role ? in->role : "");
	db_bind_text(st, 5, in->country ? in->country : "");
	db_bind_text(st, 6, in->language ? in->language : "");
	db_bind_text(st, 7, contact_is_set(in->status) ? in->status : "active");
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int64(st, 9, now);
	if (db_step_done(d, st) == -1)
		return -1;
	id = sqlite3_last_insert_rowid(d->h);
	for (i = 0; i < in->nattrs; i++)
		if (*in->attrs[i].value &&
		    contact_put_attr(d, id, in->attrs[i].key,
		    in->attrs[i].value) == -1)
			return -1;
	return id;
}

/* Does the change set differ from the stored contact? */
static int
contact_differs(const struct contact *old, const struct contact *in)
{
	const char *const pairs[][2] = {
		{ old->name, in->name }, { old->role, in->role },
		{ old->country, in->country }, { old->language, in->language },
		{ old->status, in->status },
	};
	size_t i;

	for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
		if (contact_is_set(pairs[i][1]) &&
		    strcmp(pairs[i][0], pairs[i][1]) != 0)
			return 1;
	if (contact_is_set(in->organisation) &&
	    strcasecmp(old->organisation, in->organisation) != 0)
		return 1;
	for (i = 0; i < in->nattrs; i++) {
		const char *v = contact_attr_get(old, in->attrs[i].key);

		if (*in->attrs[i].value && (v == NULL ||
		    strcmp(v, in->attrs[i].value) != 0))
			return 1;
	}
	return 0;
}

static int
contact_apply(struct db *d, int64_t id, const struct contact *in)
{
	const char *const fields[][2] = {
		{ "name", in->name }, { "organisation", in->organisation },
		{ "role", in->role }, { "country", in->country },
		{ "language", in->language }, { "status", in->status },
	};
	size_t i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (contact_is_set(fields[i][1]) &&
		    contact_set(d, id, fields[i][0], fields[i][1]) == -1)
			return -1;
	for (i = 0; i < in->nattrs; i++)
		if (*in->attrs[i].value &&
		    contact_put_attr(d, id, in->attrs[i].key,
		    in->attrs[i].value) == -1)
			return -1;
	return 0;
}

int64_t
contact_upsert(struct db *d, const struct contact *in, int overwrite,
    enum contact_result *result)
{
	struct contact old;
	int64_t id;
	int found;

	contact_init(&old);
	if ((found = contact_get(d, in->email, &old)) == -1)
		return -1;
	if (!found) {
		*result = CONTACT_ADDED;
		return contact_insert(d, in);
	}
	id = old.id;
	*result = CONTACT_UNCHANGED;
	if (contact_differs(&old, in)) {
		*result = overwrite ? CONTACT_UPDATED : CONTACT_KEPT;
		if (overwrite && contact_apply(d, id, in) == -1)
			id = -1;
	}
	contact_clear(&old);
	return id;
}

static int
contact_touch(struct db *d, int64_t id)
{
	sqlite3_stmt *st = db_cached(d,
	    "UPDATE contact SET updated = ? WHERE id = ?");

	sqlite3_bind_int64(st, 1, time_now());
	sqlite3_bind_int64(st, 2, id);
	return db_step_done(d, st);
}

int
contact_set(struct db *d, int64_t id, const char *key, const char *value)
{
	/* Column names come from this fixed table, never from the user. */
	static const char *const sql[][2] = {
		{ "email", "UPDATE contact SET email = ? WHERE id = ?" },
		{ "name", "UPDATE contact SET name = ? WHERE id = ?" },
		{ "role", "UPDATE contact SET role = ? WHERE id = ?" },
		{ "country", "UPDATE contact SET country = ? WHERE id = ?" },
		{ "language", "UPDATE contact SET language = ? WHERE id = ?" },
		/* set back to active by hand: the bounces counted so far
		 * are forgiven, or the next one would disable at once */
		{ "status", "UPDATE contact SET status = ?1, bounce_score = "
		    "CASE WHEN ?1 = 'active' AND status != 'active' THEN 0 "
		    "ELSE bounce_score END WHERE id = ?2" },
	};
	sqlite3_stmt *st;
	size_t i;

	if (strcmp(key, "organisation") == 0) {
		int64_t org = 0;

		if (*value && (org = org_ensure(d, value, "", "")) == -1)
			return -1;
		st = db_cached(d, "UPDATE contact SET org_id = ? WHERE id = ?");
		db_bind_id(st, 1, org);
		sqlite3_bind_int64(st, 2, id);
		return db_step_done(d, st) == -1 ? -1 : contact_touch(d, id);
	}
	for (i = 0; i < sizeof sql / sizeof sql[0]; i++)
		if (strcmp(sql[i][0], key) == 0) {
			st = db_cached(d, sql[i][1]);
			db_bind_text(st, 1, value);
			sqlite3_bind_int64(st, 2, id);
			if (db_step_done(d, st) == -1)
				return -1;
			return contact_touch(d, id);
		}
	if (contact_put_attr(d, id, key, value) == -1)
		return -1;
	return contact_touch(d, id);
}

int
contact_set_attr(struct db *d, int64_t id, const char *key,
    const char *value)
{
	if (contact_put_attr(d, id, key, value) == -1)
		return -1;
	return contact_touch(d, id);
}

int64_t
contact_org_id(struct db *d, int64_t contact_id)
{
	sqlite3_stmt *st = db_cached(d,
	    "SELECT COALESCE(org_id, 0) FROM contact WHERE id = ?");
	int64_t org = 0;

	sqlite3_bind_int64(st, 1, contact_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		org = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return org;
}

/*
 * Erasure keeps the rows that make counts (messages sent, replies, RSVPs,
 * log entries) but cuts them loose from the person and blanks every text
 * that could name them. Attributes and memberships go with the contact.
 * The erasure's number (anon) stays on the person's messages, answers
 * and inbound mail, so counts still see them as one anonymous person.
 */
int
contact_erase(struct db *d, int64_t id)
{
	static const char *const scrub[] = {
		"UPDATE message SET anon = ?2 WHERE contact_id = ?1",
		"UPDATE rsvp SET anon = ?2 WHERE contact_id = ?1",
		"UPDATE inbound SET anon = ?2 WHERE contact_id = ?1",
		"UPDATE message SET rcpt = 'erased', last_reply = '' "
		"WHERE contact_id = ?1",
		"UPDATE inbound SET from_addr = 'erased', subject = '', "
		"detail = '', handled_note = NULL WHERE contact_id = ?1",
		"DELETE FROM inbound_raw WHERE inbound_id IN "
		"(SELECT id FROM inbound WHERE contact_id = ?1)",
		"UPDATE activity SET summary = 'erased' WHERE contact_id = ?1",
		/* kept, blanked and spent: a deleted row's id would be
		 * reused, and the erased person's token would then confirm
		 * somebody else's request */
		"UPDATE confirmation SET email = 'erased', "
		"used = COALESCE(used, 0) WHERE email = "
		"(SELECT email FROM contact WHERE id = ?1) COLLATE NOCASE",
		"DELETE FROM contact WHERE id = ?1",
	};
	sqlite3_stmt *st;
	int64_t anon;
	size_t i;

	st = db_cached(d, "INSERT INTO erasure (at) VALUES (?)");
	sqlite3_bind_int64(st, 1, time_now());
	if (db_step_done(d, st) == -1)
		return -1;
	anon = sqlite3_last_insert_rowid(d->h);
	for (i = 0; i < sizeof scrub / sizeof scrub[0]; i++) {
		st = db_cached(d, scrub[i]);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, anon);
		if (db_step_done(d, st) == -1)
			return -1;
	}
	return 0;
}

int
contact_dupes(struct db *d, struct contact_dup **vp, size_t *np)
{
	sqlite3_stmt *st = db_prepare(d, "SELECT k.id, k.email, m.id, m.email, "
	    "(SELECT count(*) FROM membership WHERE contact_id = m.id), "
	    "(SELECT count(*) FROM rsvp WHERE contact_id = m.id), "
	    "(SELECT count(*) FROM message WHERE contact_id = m.id), "
	    "(SELECT count(*) FROM inbound WHERE contact_id = m.id), "
	    "(SELECT count(*) FROM activity WHERE contact_id = m.id), "
	    "(SELECT count(*) FROM contact_attr WHERE contact_id = m.id) "
	    "FROM contact m JOIN contact k ON k.id = (SELECT min(o.id) "
	    "FROM contact o WHERE o.email = m.email) "
	    "WHERE k.id != m.id ORDER BY k.id, m.id");
	struct contact_dup *v = NULL, *x;
	size_t n = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (n + 1) * sizeof *v);
		x = &v[n++];
		x->keep_id = sqlite3_column_int64(st, 0);
		x->keep_email = db_col_dup(st, 1);
		x->dup_id = sqlite3_column_int64(st, 2);
		x->dup_email = db_col_dup(st, 3);
		x->memberships = sqlite3_column_int(st, 4);
		x->rsvps = sqlite3_column_int(st, 5);
		x->messages = sqlite3_column_int(st, 6);
		x->inbound = sqlite3_column_int(st, 7);
		x->activity = sqlite3_column_int(st, 8);
		x->attrs = sqlite3_column_int(st, 9);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		contact_dupes_free(v, n);
		return -1;
	}
	*vp = v;
	*np = n;
	return 0;
}

void
contact_dupes_free(struct contact_dup *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].keep_email);
		free(v[i].dup_email);
	}
	free(v);
}

int
contact_merge(struct db *d, int64_t keep, int64_t dup)
{
	/* ?1 keep, ?2 dup, ?3 now */
	static const char *const merge[] = {
		/* memberships of both in one list: one row */
		"UPDATE membership AS k SET "
		"role = CASE WHEN 'owner' IN (k.role, m.role) THEN 'owner' "
		"WHEN 'moderator' IN (k.role, m.role) THEN 'moderator' "
		"ELSE 'member' END, "
		"state = CASE WHEN 'unsubscribed' IN (k.state, m.state) "
		"THEN 'unsubscribed' WHEN 'active' IN (k.state, m.state) "
		"THEN 'active' ELSE 'pending' END, "
		"created = min(k.created, m.created), updated = ?3 "
		"FROM membership AS m WHERE k.contact_id = ?1 AND "
		"m.contact_id = ?2 AND m.list_id = k.list_id",
		"DELETE FROM membership WHERE contact_id = ?2 AND list_id IN "
		"(SELECT list_id FROM membership WHERE contact_id = ?1)",
		"UPDATE membership SET contact_id = ?1 WHERE contact_id = ?2",
		/* answers to one event: the later one */
		"DELETE FROM rsvp WHERE contact_id = ?1 AND EXISTS (SELECT 1 "
		"FROM rsvp AS o WHERE o.contact_id = ?2 AND "
		"o.event_id = rsvp.event_id AND o.at > rsvp.at)",
		"DELETE FROM rsvp WHERE contact_id = ?2 AND event_id IN "
		"(SELECT event_id FROM rsvp WHERE contact_id = ?1)",
		"UPDATE rsvp SET contact_id = ?1 WHERE contact_id = ?2",
		/* one copy of a follow-up round per contact (message_followup) */
		"UPDATE message SET contact_id = ?1 WHERE contact_id = ?2 AND "
		"NOT (followup_id IS NOT NULL AND EXISTS (SELECT 1 FROM message "
		"AS o WHERE o.contact_id = ?1 AND o.followup_id = "
		"message.followup_id AND o.round = message.round))",
		"UPDATE inbound SET contact_id = ?1 WHERE contact_id = ?2",
		"UPDATE activity SET contact_id = ?1 WHERE contact_id = ?2",
		"INSERT OR IGNORE INTO contact_attr (contact_id, key, value) "
		"SELECT ?1, key, value FROM contact_attr WHERE contact_id = ?2",
		"UPDATE contact AS k SET "
		"name = CASE WHEN k.name = '' THEN m.name ELSE k.name END, "
		"org_id = COALESCE(k.org_id, m.org_id), "
		"role = CASE WHEN k.role = '' THEN m.role ELSE k.role END, "
		"country = CASE WHEN k.country = '' THEN m.country "
		"ELSE k.country END, "
		"language = CASE WHEN k.language = '' THEN m.language "
		"ELSE k.language END, "
		"status = CASE WHEN m.status = 'unsubscribed' THEN m.status "
		"ELSE k.status END, "
		"created = min(k.created, m.created), updated = ?3 "
		"FROM contact AS m WHERE k.id = ?1 AND m.id = ?2",
		"INSERT INTO activity (at, direction, kind, contact_id, summary) "
		"SELECT ?3, 'note', 'merge', ?1, 'merged contact ' || email || "
		"' (same address but for case) into this one' FROM contact "
		"WHERE id = ?2",
		"DELETE FROM contact WHERE id = ?2",
	};
	sqlite3_stmt *st;
	int64_t now = time_now();
	size_t i;

	for (i = 0; i < sizeof merge / sizeof merge[0]; i++) {
		st = db_cached(d, merge[i]);
		sqlite3_bind_int64(st, 1, keep);
		sqlite3_bind_int64(st, 2, dup);
		sqlite3_bind_int64(st, 3, now);
		if (db_step_done(d, st) == -1)
			return -1;
	}
	return 0;
}
