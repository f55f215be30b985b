/*
 * dsn: read receipts, RFC 8098 message disposition notifications. A
 * receipt says a reader's program displayed (or deleted, ...) one of our
 * messages: it names the message by Original-Message-ID and is never a
 * delivery failure, whoever sent it (see dsn_int.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "in/dsn_int.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* The disposition-notification part, or NULL. */
static const struct in_part *
dsn_mdn_part(const struct in_msg *m)
{
	const struct in_part *p;
	size_t i;

	for (i = 0; (p = in_msg_part(m, i)) != NULL; i++)
		if (!p->enclosed && p->body &&
		    (strcmp(p->type, "message/disposition-notification") == 0 ||
		    strcmp(p->type,
		    "message/global-disposition-notification") == 0))
			return p;
	return NULL;
}

int
dsn_is_mdn(const struct in_msg *m)
{
	const char *rt = in_msg_type_param(m, "report-type");

	return (rt && strcasecmp(rt, "disposition-notification") == 0) ||
	    dsn_mdn_part(m) != NULL;
}

/*
 * "manual-action/MDN-sent-manually; displayed/error" -> "displayed":
 * the disposition type, lower-case, without modifiers.
 */
static char *
dsn_mdn_type(const char *v)
{
	const char *semi = strchr(v, ';'), *e;
	char *t;

	if (semi == NULL)
		return NULL;
	for (semi++; *semi == ' ' || *semi == '\t'; semi++)
		;
	for (e = semi; dsn_alnum((unsigned char)*e) || *e == '-'; e++)
		;
	if (e == semi || e - semi > 32)
		return NULL;
	t = xstrndup(semi, (size_t)(e - semi));
	text_lower(t);
	return t;
}

/* The header of the message the receipt is about, when it comes back. */
static const struct in_hdrs *
dsn_mdn_returned(const struct in_msg *m)
{
	const struct in_part *p;
	size_t i;

	for (i = 0; (p = in_msg_part(m, i)) != NULL; i++)
		if (p->hdrs.n > 0 && (strcmp(p->type, "message/rfc822") == 0 ||
		    strcmp(p->type, "text/rfc822-headers") == 0))
			return &p->hdrs;
	return NULL;
}

void
dsn_mdn(const struct in_msg *m, struct dsn_report *r)
{
	const struct in_part *p = dsn_mdn_part(m);
	const struct in_hdrs *ret;
	struct dsn_rcpt *rc = NULL;
	struct in_hdrs h = { NULL, 0 };
	const char *v;
	char *a;

	r->kind = DSN_KIND_RECEIPT;
	r->source = "mdn";
	if (p)
		in_hdrs_parse(p->body, p->body_len < DSN_TEXT_MAX ?
		    p->body_len : DSN_TEXT_MAX, &h);
	if ((v = in_hdrs_get(&h, "Original-Message-ID", 0)) != NULL)
		r->orig_message_id = dsn_msgid(v);
	if (r->orig_message_id == NULL && (ret = dsn_mdn_returned(m)) &&
	    (v = in_hdrs_get(ret, "Message-ID", 0)) != NULL)
		r->orig_message_id = dsn_msgid(v);
	if ((v = in_hdrs_get(&h, "Disposition", 0)) != NULL) {
		r->disposition_field = dsn_oneline(v, v + strlen(v));
		r->disposition = dsn_mdn_type(v);
	}
	/* the address we sent to, before any forwarding, when given */
	if ((a = dsn_typed_addr(in_hdrs_get(&h, "Original-Recipient", 0))) ||
	    (a = dsn_typed_addr(in_hdrs_get(&h, "Final-Recipient", 0)))) {
		rc = dsn_add(r, a);
		free(a);
	}
	if (rc)
		rc->action = DSN_ACTION_DELIVERED;
	if ((v = in_hdrs_get(&h, "Reporting-UA", 0)) != NULL)
		r->reporting_mta = dsn_oneline(v, v + strlen(v));
	in_hdrs_free(&h);
}
