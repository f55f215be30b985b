/*
 * campaign_int: what the campaign command files (cmd_campaign*.c) and
 * "queue retry" share: the checks made before anything is sent.
 */
#ifndef HERALD_CAMPAIGN_INT_H
#define HERALD_CAMPAIGN_INT_H

#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "lib/token.h"
#include "store/campaign.h"

/*
 * Every error of the templates named (each as tmpl_check: every language
 * variant and partial), printed on stderr as FILE:LINE:COL: MESSAGE.
 * 0 when they all parse, else EX_DATAERR (65).
 */
int campcheck_templates(struct cli *c, const char *const *names, size_t n);
/* The same for a campaign's template and its follow-up rules' ones. */
int campcheck_campaign_templates(struct cli *c, const struct campaign *k);
/*
 * campaign create without --event: 0 when every variant of tmpl renders
 * without the event.* and rsvp.* variables, else 65 and the place.
 */
int campcheck_needs_event(struct cli *c, const char *tmpl);

struct campcheck {
	long recipients;	/* messages rendered */
	long failing;		/* of which would fail */
	long fallbacks;		/* languages that fall back to another */
};
/*
 * Render the campaign's message for every recipient, without sending:
 * before it is queued, for the contacts it would pick now (active ones);
 * after, for its messages still to be sent. Each failing recipient, with
 * the reason and its FILE:LINE:COL, and each language that falls back to
 * another file, are printed on out (NULL: nothing printed). 0, or an
 * exit code when the check itself could not run.
 */
int campcheck_render(struct cli *c, const struct campaign *k,
    const struct token_key *key, FILE *out, struct campcheck *res);

/*
 * The recipient to preview or test as: email (any contact; opt names
 * its option in errors) when given, else the first queued message's,
 * else the first the campaign would pick. *msg_id is the queued
 * message, or 0. 0 or an exit code.
 */
int campaign_target(struct cli *c, const struct campaign *k, const char *opt,
    const char *email, int64_t *contact_id, int64_t *msg_id);

#endif
