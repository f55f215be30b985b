/*
 * campaign: a template sent to a list or a filtered set of contacts,
 * optionally about an event, now or at a time, with follow-up rules.
 *
 *   draft -> scheduled -> sending -> done
 *              |   paused <-'  |
 *              '-> cancelled <-'
 *
 * The recipients are fixed when sending starts (campaign_fill): one
 * message row per active contact; unsubscribed, bouncing and disabled
 * contacts are skipped and counted.
 */
#ifndef HERALD_CAMPAIGN_H
#define HERALD_CAMPAIGN_H

#include <stdint.h>

#include "store/db.h"

struct campaign {
	int64_t id;
	char *name;
	int64_t list_id;	/* 0 when a filter is used */
	char *list_name;	/* "" when none */
	char *filter;		/* "" when none */
	char *tmpl;
	int64_t event_id;	/* 0 when none */
	char *event_name;
	int64_t send_at;	/* 0: not set */
	char *state;
	int64_t started_at, finished_at, created;
	int64_t skipped_unsubscribed, skipped_bouncing, skipped_disabled;
};

/* 1 found, 0 not, -1 error. */
int campaign_get(struct db *d, const char *name, struct campaign *c);
int campaign_get_id(struct db *d, int64_t id, struct campaign *c);
void campaign_clear(struct campaign *c);
/* Returns the id, or -1 (errno EEXIST when the name is taken). */
int64_t campaign_create(struct db *d, const struct campaign *c);
int campaign_set_state(struct db *d, int64_t id, const char *state);
/*
 * Fill the queue: one 'queued' message per recipient, with its token and
 * Message-ID (token_make(kind 'm', row id)@domain). Sets the campaign to
 * 'sending'. Returns the number queued or -1 (*why set for a bad filter).
 */
struct token_key;
long campaign_fill(struct db *d, const struct campaign *c,
    const struct token_key *key, const char *domain, const char **why);
/*
 * The contacts the campaign would pick now, whatever their status, into
 * the temporary table temp.rcpt (id); campaign_pick_done drops it.
 * 0, or -1 (*why set for a bad filter).
 */
int campaign_pick(struct db *d, const struct campaign *c, const char **why);
void campaign_pick_done(struct db *d);
/*
 * Queue one test copy (campaign test): a message row of kind 'test' for
 * the campaign, rendered for contact_id but sent to rcpt. The counts
 * ignore it, and a reply to it links to no contact, campaign or event
 * (in/classify.c). In the caller's transaction; the row id, or -1.
 */
int64_t campaign_queue_test(struct db *d, const struct campaign *c,
    int64_t contact_id, const char *rcpt, const struct token_key *key,
    const char *domain);
/*
 * Delete a draft and its follow-up rules; its settled test copies stay,
 * without a campaign. -1 with errno EBUSY when it is not a draft or a
 * test copy of it is still to be sent.
 */
int campaign_delete(struct db *d, int64_t id);
/* Cancel every message not yet sent; returns how many. */
long campaign_cancel_queue(struct db *d, int64_t id);

#endif
