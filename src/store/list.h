/* list: mailing lists (announce, relay, discussion) and memberships. */
#ifndef HERALD_LIST_H
#define HERALD_LIST_H

#include <stdint.h>

#include "store/db.h"

struct list {
	int64_t id;
	char *name;
	char *kind;
	char *parent;		/* parent list name or "" */
	char *organisation;	/* "" when none */
	char *tag;		/* subject tag, "" when none */
	char *reply_to;		/* "poster", "list", or "" (by kind) */
	char *post_check;	/* auth, confirm, auth-or-confirm, none */
	int64_t created;
};

/*
 * Where the local part of a list address ends in one of every list's own
 * suffixes ("-request", "-owner"): a pointer to its '-', else NULL.
 */
const char *list_address_suffix(const char *local);
/*
 * A list's local parts are NAME, NAME-request and NAME-owner (never
 * tagged), so the longest is NAME plus LIST_SUFFIX_MAX octets, and a name
 * is at most addr_base_max(LIST_SUFFIX_MAX) = 56 octets.
 */
#define LIST_SUFFIX_MAX 8	/* strlen("-request") */
/*
 * NULL when name may name a new list, else why not (a static message):
 * [a-z0-9-]+, short enough for every address made from it, and not
 * ending in one of the suffixes.
 */
const char *list_name_invalid(const char *name);
/* 1 when kind is announce, relay or discussion. */
int list_kind_valid(const char *kind);
/* 1 when role is member, owner or moderator. */
int list_role_valid(const char *role);
/* 1 found, 0 not, -1 error. */
int list_get(struct db *d, const char *name, struct list *l);
void list_clear(struct list *l);
/* Returns the new id or -1 (a duplicate name is -1 with errno EEXIST). */
int64_t list_create(struct db *d, const char *name, const char *kind,
    int64_t parent_id, int64_t org_id);
#define LIST_KEPT_UNSUBSCRIBED 3
/* 1 when rule is auth, confirm, auth-or-confirm or none. */
int list_post_check_valid(const char *rule);
/*
 * Subject tag ("" none), Reply-To rule ("poster", "list", or "kind":
 * by the list's kind) and who-may-post proof (list_post_check_valid);
 * NULL leaves each as it is.
 */
int list_set_options(struct db *d, int64_t id, const char *tag,
    const char *reply_to, const char *post_check);
/* The organisation whose network the list is (0: none). */
int list_set_org(struct db *d, int64_t id, int64_t org_id);
/*
 * Add a membership (state active). Returns 1 when added, 0 when it was
 * already there, 2 when the role changed, LIST_KEPT_UNSUBSCRIBED when the
 * person had unsubscribed (consent: only they can come back), -1 on error.
 * Asking for "member" never demotes an owner or moderator.
 */
int list_add_member(struct db *d, int64_t list_id, int64_t contact_id,
    const char *role);
/* 1 removed, 0 was not a member, -1 error. */
int list_remove_member(struct db *d, int64_t list_id, int64_t contact_id);

/* What keeps a list from being deleted (list_usage). */
struct list_use {
	int64_t campaigns;	/* not done or cancelled */
	char campaign[128];	/* the first of them by name */
	int64_t relays;		/* lists whose parent it is */
	char relay[128];
	int64_t unsent;		/* relayed copies and notices still to send */
	int64_t held;		/* posts waiting for the moderators */
};
/* 1 when something uses the list, 0 when nothing does, -1 on error. */
int list_usage(struct db *d, int64_t id, struct list_use *u);
/*
 * Delete a list: memberships and confirmations go with it; campaigns
 * that named it get the filter "list=NAME"; relayed copies not yet sent
 * are cancelled and held posts rejected. 0 or -1.
 */
int list_delete(struct db *d, int64_t id);

#endif
