/*
 * classify: what an inbound message is (SPEC 7, in this order: loop,
 * bounce, autoreply, command, post/held, rsvp/reply, unmatched), who
 * sent it and what it answers, and then acting on it.
 *
 * classify_message() only reads the database: "herald inbox explain"
 * uses it to say why without changing anything. classify_handle() is the
 * ingester's: it classifies, records the inbound row, and acts (RSVP,
 * bounce, contact log) inside the caller's transaction.
 */
#ifndef HERALD_CLASSIFY_H
#define HERALD_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "lib/token.h"
#include "store/db.h"

struct classify_env {
	struct db *db;
	const struct conf *conf;
	const struct token_key *key;
};

/* Where a message came from (the ingester fills it). */
struct classify_source {
	const char *mailbox;
	int64_t uidvalidity, uid;
	const char *hash;
	int64_t size;
	int truncated;		/* only the header was fetched */
};

struct classify_result {
	char kind[16];			/* reply, rsvp, bounce, ... */
	char why[512];			/* one line for people */
	char from[320];
	char subject[512];
	char message_id[512];
	char recipient[320];		/* our address it was sent to */
	char token[16];			/* "valid", "forged" or "none" */
	int64_t message_ref;		/* the outbound message it answers */
	int64_t contact_id, campaign_id, list_id, event_id;
	char rsvp[16];			/* yes/no/maybe, or "" */
	char rsvp_source[16];		/* address, calendar, reply */
	char bounced[320];		/* the failed recipient of a bounce */
	char dsn_status[16];
	int hard;			/* -1 unknown */
	int scores;			/* 0 for policy rejections (5.7.x) */
	int other_sender;		/* token valid, From not the contact */
	int to_owners;			/* sent to LIST-owner@ */
	char command[16];		/* LIST-request@: the command word */
	int64_t confirm_id;		/* a valid confirmation token's row */
	int from_list;			/* carries a List-Id: never answered */
	int looks_auto;			/* an auto-reply by its subject: ditto */
	int64_t post_ref;		/* the post a relayed copy carried */
	int malformed;
};

/* Classify without acting. -1 only on a database error. */
int classify_message(const struct classify_env *e, const char *raw,
    size_t len, struct classify_result *r);
/*
 * Classify, record and act, in the caller's transaction: 0, or 1 when
 * the message was handled before (nothing done), or -1.
 */
int classify_handle(const struct classify_env *e, const char *raw,
    size_t len, const struct classify_source *src);

#endif
