/*
 * contact: people herald writes to, with their free attributes.
 * Field values are checked here (contact_check_field) so the CSV import,
 * "contact add" and "contact set" accept and refuse exactly the same.
 */
#ifndef HERALD_CONTACT_H
#define HERALD_CONTACT_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

struct contact_attr {
	char *key;
	char *value;
};

struct contact {
	int64_t id;
	char *email;
	char *name;
	char *organisation;
	char *role;
	char *country;
	char *language;
	char *status;
	int64_t bounce_score;	/* hard bounces counted (read only) */
	int64_t bounce_last;	/* when the last one counted; 0: never */
	struct contact_attr *attrs;
	size_t nattrs;
	int64_t created, updated;
};

enum contact_result {
	CONTACT_ADDED,
	CONTACT_UPDATED,
	CONTACT_UNCHANGED,
	CONTACT_KEPT		/* exists, differs, overwrite not asked */
};

/*
 * Check and normalise one value for key ("email", "name", "organisation",
 * "role", "country", "language", "status", or an attribute name when
 * is_attr). Returns a malloc'd normalised value or NULL with *why set.
 */
char *contact_check_field(const char *key, const char *value, int is_attr,
    const char **why);
/* 1 when key is a valid attribute name ([a-z0-9_-], max 64). */
int contact_attr_key_valid(const char *key);
/* 1 when key is one of the built-in fields (not an attribute). */
int contact_is_field(const char *key);

void contact_init(struct contact *c);
void contact_clear(struct contact *c);
/* Set an attribute in c (value "" removes it when c is a change set). */
void contact_attr_set(struct contact *c, const char *key, const char *value);
const char *contact_attr_get(const struct contact *c, const char *key);

/*
 * 1 found (c filled), 0 not found, -1 error. email must be normalised.
 * Addresses compare without ASCII case (the column is COLLATE NOCASE):
 * c->email is the spelling stored, the first seen. Where two contacts
 * still differ only in case (see contact_dupes), the oldest is found.
 */
int contact_get(struct db *d, const char *email, struct contact *c);
/* Same, by id. */
int contact_get_id(struct db *d, int64_t id, struct contact *c);
/*
 * contact_get_id without the attributes (nattrs 0), for a caller that
 * may need none (a template without contact.attr.*): one statement less;
 * contact_load_attrs reads them when they are wanted after all.
 */
int contact_get_id_bare(struct db *d, int64_t id, struct contact *c);
void contact_load_attrs(struct db *d, struct contact *c);
/*
 * Insert or update from a change set: NULL or "" fields set nothing.
 * When the contact exists and overwrite is 0 it is left unchanged.
 * *result tells what happened; returns the contact id or -1.
 */
int64_t contact_upsert(struct db *d, const struct contact *in, int overwrite,
    enum contact_result *result);
/* Set one field (a name that is not a field sets an attribute). */
int contact_set(struct db *d, int64_t id, const char *key, const char *value);
/* Set one attribute, whatever its name ("" removes it). */
int contact_set_attr(struct db *d, int64_t id, const char *key,
    const char *value);
/* Forget a person: see docs/privacy. */
int contact_erase(struct db *d, int64_t id);
/*
 * Contacts whose addresses differ only in case, made before herald
 * compared them so: each one that is not the oldest of its address, with
 * the oldest (the one kept) and what merging it would move there.
 */
struct contact_dup {
	int64_t keep_id, dup_id;
	char *keep_email, *dup_email;
	long memberships, rsvps, messages, inbound, activity, attrs;
};
/* All of them, ordered by kept contact then age; -1 on error. */
int contact_dupes(struct db *d, struct contact_dup **v, size_t *n);
void contact_dupes_free(struct contact_dup *v, size_t n);
/*
 * Merge contact dup into keep, in the caller's transaction: memberships
 * (one list: the higher role; unsubscribed wins, then active), RSVPs (one
 * event: the later answer), messages, inbound mail, activity and
 * attributes (one key: keep's value) move to keep; keep's empty fields
 * take dup's; an unsubscribe of either stays. A message that would make
 * keep's second copy of one follow-up round keeps its row but loses its
 * contact. A note in keep's log says what was merged; dup is deleted.
 */
int contact_merge(struct db *d, int64_t keep, int64_t dup);
/* Organisation id of a contact, 0 when none. */
int64_t contact_org_id(struct db *d, int64_t contact_id);

#endif
