/*
 * classify_int: what classify.c shares with classify_report.c (bounces,
 * receipts and complaints): reading herald's own addresses and tokens,
 * and linking a message to the outbound row it answers. Read-only, like
 * the rest of the classifier.
 */
#ifndef HERALD_IN_CLASSIFY_INT_H
#define HERALD_IN_CLASSIFY_INT_H

#include <stdint.h>

#include "in/classify.h"
#include "in/msg.h"
#include "lib/token.h"

/* What one of our addresses says. */
struct classify_addr {
	char addr[320];
	int is_token;		/* LOCAL+TOKEN@sender.domain */
	int token_ok;
	enum token_kind kind;
	uint64_t id;
	int is_list;		/* @lists_domain */
	char list[80];		/* NAME */
	char suffix[16];	/* "", "request", "owner" */
};

/* Is addr one of ours? Fills a; returns 1 when it is. */
int classify_ours(const struct classify_env *e, const char *addr,
    struct classify_addr *a);
/*
 * A token seen outside an address (a Message-ID TOKEN@sender.domain, or
 * "confirm TOKEN"): is it ours, as LOCAL+TOKEN@sender.domain would be?
 * tail is "TOKEN@domain". Fills a; returns classify_ours's answer.
 */
int classify_tagged(const struct classify_env *e, const char *tail,
    struct classify_addr *a);
/* Link r to the outbound message row msg_id (its contact, campaign,
 * list, event and recipient), when it exists. */
void classify_link(const struct classify_env *e, int64_t msg_id,
    struct classify_result *r);
/*
 * Mail from a mail system: a bounce, a delay warning, a receipt or a
 * complaint (classify_report.c). 1 when m is one of them and r says
 * which; 0 to go on with the other rules (r->mail_system set when m is
 * shaped like a mail system's message all the same).
 */
int classify_report(const struct classify_env *e, const struct in_msg *m,
    const struct classify_addr *to, struct classify_result *r);

#endif
