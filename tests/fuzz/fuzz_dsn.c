/*
 * Fuzz target: any bytes as an inbound message, through everything the
 * classifiers read: in_msg_parse and its accessors, dsn_parse,
 * dsn_from_mail_system, arf_parse and autoreply_detect. Seeds: the .eml
 * files in tests/data/mail.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "in/arf.h"
#include "in/autoreply.h"
#include "in/dsn.h"
#include "in/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touch every string an accessor returns, so a bad one shows. */
static size_t
fuzz_touch(const char *s)
{
	return s ? strlen(s) : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *err, *why, *const *v;
	struct in_msg *m = NULL;
	struct dsn_report r;
	struct arf_report a;
	size_t i, n, sum = 0;

	if (in_msg_parse((const char *)data, size, &m, &err) == -1)
		return 0;
	sum += fuzz_touch(in_msg_subject(m)) + fuzz_touch(in_msg_from(m)) +
	    fuzz_touch(in_msg_message_id(m)) + fuzz_touch(in_msg_type(m)) +
	    fuzz_touch(in_msg_type_param(m, "report-type")) +
	    fuzz_touch(in_msg_text(m, &n));
	for (v = in_msg_recipients(m, &n), i = 0; i < n; i++)
		sum += fuzz_touch(v[i]);
	for (v = in_msg_references(m, &n), i = 0; i < n; i++)
		sum += fuzz_touch(v[i]);
	for (i = 0; i < in_msg_nparts(m); i++) {
		const struct in_part *p = in_msg_part(m, i);

		sum += fuzz_touch(p->type) + fuzz_touch(p->charset);
		if (p->body)
			sum += strlen(p->body) <= p->body_len;
	}
	dsn_parse(m, &r);
	for (i = 0; i < r.nrcpt; i++)
		sum += fuzz_touch(r.rcpt[i].addr) + fuzz_touch(r.rcpt[i].diag) +
		    fuzz_touch(r.rcpt[i].mta) + strlen(r.rcpt[i].status);
	sum += fuzz_touch(r.reporting_mta) + fuzz_touch(r.orig_message_id) +
	    fuzz_touch(r.envelope_id) + fuzz_touch(r.disposition) +
	    fuzz_touch(r.disposition_field) + fuzz_touch(r.delay_why);
	if (r.nrcpt > 0)
		sum += dsn_rcpt_for(&r, r.rcpt[r.nrcpt - 1].addr) != NULL;
	dsn_report_free(&r);
	sum += (size_t)dsn_from_mail_system(m, &why) + fuzz_touch(why);
	arf_parse(m, &a);
	for (i = 0; i < a.ncand; i++)
		sum += fuzz_touch(a.cand[i].value) +
		    fuzz_touch(arf_from_name(a.cand[i].from));
	sum += fuzz_touch(a.feedback_type) + fuzz_touch(a.message_id) +
	    fuzz_touch(a.return_path) + fuzz_touch(a.original_mail_from) +
	    fuzz_touch(a.user_agent) + fuzz_touch(a.subject);
	arf_report_free(&a);
	autoreply_detect(m, &why);
	in_msg_free(&m);
	return sum == (size_t)-1;
}
