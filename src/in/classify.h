/*
 * classify: what an inbound message is (herald(1) WHAT COMES IN, in this order: loop,
 * bounce / receipt / complaint, autoreply, command, post/held,
 * rsvp/reply, unmatched), who
 * it claims to be from, what it answers, and the evidence it carries:
 * how it was matched (an address token, or only a thread), whether it
 * came to a bounce address, what the office's own server's
 * Authentication-Results say of its From domain, whether it may be
 * answered at all.
 *
 * classify_message() only reads the database and decides nothing about
 * trust: in/act.c weighs the evidence (act_judge) and acts on it.
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
	/* evidence, weighed by in/act.c */
	char match[8];			/* "token", "thread" or "" */
	int from_contact;		/* From is the linked contact's address */
	int at_bounce_addr;		/* came to a valid bounce address */
	int no_answer;			/* RFC 3834: never answer it */
	char no_answer_why[64];
	int text_looks_auto;		/* its first lines read as an auto-reply */
	char post_check[16];		/* a post's list: its proof rule */
	int auth_pass;			/* the office's A-R: dmarc/dkim pass */
	char auth[256];			/* which A-R field said what */
	int ask_confirm;		/* act: held until the sender confirms */
	char linked_rcpt[320];		/* the linked message's recipient */
	int mail_system;		/* shaped like a mail system's message */
	int needs_answer;		/* a hedge, a question, a counter */
	int hedged;			/* the answer was hedged: maybe */
	int complaint_ok;		/* an ARF report that may be acted on */
	char feedback[32];		/* an ARF report's Feedback-Type */
};

/* Classify without judging or acting. -1 only on a database error. */
int classify_message(const struct classify_env *e, const char *raw,
    size_t len, struct classify_result *r);
/* kind, and why: a sentence, then an optional detail after ": " */
void classify_set(struct classify_result *r, const char *kind,
    const char *why, const char *detail);

#endif
