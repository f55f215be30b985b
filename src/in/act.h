/*
 * act: what herald does with an inbound message, and the trust rules
 * that decide it, all in this file. classify.c says what a message is
 * and what evidence it carries; act_judge() weighs that evidence:
 *
 *   - a thread (In-Reply-To/References) is not identity: matched only so,
 *     from another address than the contact's, a message is a reply for
 *     a person to read, linked to no contact, and nothing is acted on;
 *   - a valid address token is a secret mailed to that person: acted on
 *     whoever sends it, flagged other-sender when the From differs;
 *   - a delivery report scores a contact only when it came to the
 *     bounce address of the message it reports;
 *   - a list post is relayed only when its sender is proven, by the
 *     list's post_check: the office's own Authentication-Results
 *     (dmarc=pass, or dkim=pass aligned with the From domain), or a
 *     confirmation round trip to the From address; else it is held;
 *   - a confirmation counts only with its token and a reply no rule
 *     takes for an auto-reply;
 *   - mail that must not be answered (RFC 3834) never is, and every
 *     automatic answer goes through out/notice.h's one rate limiter.
 *
 * act_explain() is "herald inbox explain": the same decision, no writes.
 */
#ifndef HERALD_IN_ACT_H
#define HERALD_IN_ACT_H

#include <stddef.h>

#include "in/classify.h"

/* Apply the trust rules to a classified message (no writes). */
void act_judge(const struct classify_env *e, struct classify_result *r);
/* Classify and judge, without acting. -1 only on a database error. */
int act_explain(const struct classify_env *e, const char *raw, size_t len,
    struct classify_result *r);
/*
 * Classify, judge, record and act, in the caller's transaction: 0, or 1
 * when the message was handled before (nothing done), or -1.
 */
int act_handle(const struct classify_env *e, const char *raw, size_t len,
    const struct classify_source *src);

#endif
