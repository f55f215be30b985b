/*
 * authres: is the sender of an inbound message proven, by the
 * Authentication-Results fields (RFC 8601) that the office's own receiving
 * server added? This is the evidence behind the "auth" rule for who may
 * post to a list.
 *
 * Only fields whose authserv-id equals the configured one
 * (inbound.authserv_id, compared whole and case-insensitively) are read;
 * every other field is ignored, as RFC 8601 section 5 requires: anyone can
 * write an Authentication-Results field. That the fields carrying our
 * authserv-id are really ours is the receiving server's job: it must
 * remove such fields from arriving mail (RFC 8601 section 5); herald
 * cannot tell a forged one from a true one.
 *
 * A message passes when one of our fields says
 *   - dmarc=pass, with header.from (when present) equal to the From
 *     domain; or
 *   - dkim=pass with header.d (or, lacking it, the domain of header.i)
 *     aligned with the From domain (see authres_aligned in authres.c).
 * A dmarc=fail for the From domain in one of our fields outweighs any
 * dkim=pass: the DMARC verifier saw the same signatures and judged.
 *
 * The parser is lenient about spacing, case, empty ";" and comments
 * anywhere, but anything it had to guess about never counts towards a
 * pass: a result whose properties it could not read, that lost properties
 * to the bounds below, or whose value was too long to keep, is marked
 * broken; a field with more results than it keeps, or of a version other
 * than 1, is not judged at all. Any bytes are safe to parse.
 */
#ifndef HERALD_IN_AUTHRES_H
#define HERALD_IN_AUTHRES_H

#include <stddef.h>

#include "in/msg.h"

#define AUTHRES_RESULTS 24	/* results kept per field (Fastmail: ~12) */
#define AUTHRES_PROPS 8		/* properties kept per result */
#define AUTHRES_ID_MAX 255
#define AUTHRES_VALUE_MAX 255	/* a domain name fits (253) */
#define AUTHRES_KEYWORD_MAX 31	/* methods, results, ptypes, properties */

struct authres_prop {
	char ptype[AUTHRES_KEYWORD_MAX + 1];	/* lower-cased: "header";
						   "" for "action=none" */
	char property[AUTHRES_KEYWORD_MAX + 1];	/* lower-cased: "from" */
	char value[AUTHRES_VALUE_MAX + 1];	/* unquoted, as written;
						   "" when too long */
};

struct authres_result {
	char method[AUTHRES_KEYWORD_MAX + 1];	/* lower-cased, no version */
	char result[AUTHRES_KEYWORD_MAX + 1];	/* lower-cased */
	size_t nprops;
	struct authres_prop props[AUTHRES_PROPS];
	/*
	 * 1 when something of this result could not be read or kept: bad
	 * syntax after method=result, a property beyond AUTHRES_PROPS, a
	 * keyword or value too long. A broken result never counts as a pass.
	 */
	int broken;
};

struct authres_field {
	/* Unquoted; "" when the field has none (Microsoft 365 writes none). */
	char authserv_id[AUTHRES_ID_MAX + 1];
	long version;		/* 1 when absent; -1 when unreadable */
	int none;		/* "; none": no method was applied */
	size_t nresults;
	size_t dropped;		/* results beyond AUTHRES_RESULTS */
	struct authres_result results[AUTHRES_RESULTS];	/* [0, nresults) */
};

/*
 * Parse one field value (unfolded; NULL is taken as "") into *f. 0 when
 * the whole value followed RFC 8601 section 2.2; -1 when some of it did
 * not (no authserv-id, junk between results, a broken or dropped result),
 * with *f still holding everything that could be read.
 */
int authres_parse(const char *value, struct authres_field *f);

enum authres_verdict { AUTHRES_NONE, AUTHRES_PASS };

struct authres_evidence {
	enum authres_verdict verdict;
	char method[8];		/* "dmarc" or "dkim" when PASS, else "" */
	/*
	 * Which Authentication-Results field gave the verdict: its index
	 * for in_msg_header(m, "Authentication-Results", field); -1 when
	 * none of ours said anything about the From domain.
	 */
	long field;
	/*
	 * For people (ASCII, cut with "..." when long): the result that
	 * counted, or why nothing did, e.g.
	 *   "Authentication-Results from mx.example.org: dmarc=pass
	 *    header.from=example.net"
	 *   "no Authentication-Results from mx.example.org (2 from others
	 *    ignored)"
	 *   "Authentication-Results from mx.example.org: dkim=pass
	 *    header.d=other.org, not aligned with example.net"
	 */
	char detail[256];
};

/*
 * Judge every Authentication-Results field of m whose authserv-id equals
 * authserv_id for from_domain (the domain of the From address). NULL or
 * empty authserv_id or from_domain give AUTHRES_NONE. Pure; never fails.
 */
void authres_check(const struct in_msg *m, const char *authserv_id,
    const char *from_domain, struct authres_evidence *ev);

/*
 * 1 when DKIM domain d is aligned with From domain from: equal, or one a
 * subdomain of the other with the shorter of at least two labels.
 * Case-insensitive; a trailing dot is ignored.
 */
int authres_aligned(const char *d, const char *from);

#endif
