/*
 * Unit tests: in/msg (parsing, decoding, limits) and in/dsn (bounces) on
 * the samples in tests/data/mail, plus hostile messages built here:
 * garbage, 1,000 nested multiparts, 10,001 parts, a 1 MB boundary, an
 * 11 MB message. HERALD_TEST_DATA names tests/data (ctest sets it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "in/dsn.h"
#include "in/msg.h"
#include "lib/buf.h"

/*
 * Reliability notes section 2 item 19 asks for under 1 s: true of normal
 * builds (about 0.1 s here); sanitizers make everything several times
 * slower, so they get more room.
 */
#if defined(__SANITIZE_ADDRESS__)
#define TIME_LIMIT 5.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TIME_LIMIT 5.0
#endif
#endif
#ifndef TIME_LIMIT
#define TIME_LIMIT 1.0
#endif

static char data_dir[4096];

static void
set_data_dir(void)
{
	check_datadir(data_dir, sizeof data_dir, __FILE__, "");
}

static char *
slurp(const char *name, size_t *len)
{
	char path[4200];
	FILE *f;
	char *b;
	long n;

	snprintf(path, sizeof path, "%s/mail/%s", data_dir, name);
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, f);
	b[*len] = '\0';
	fclose(f);
	return b;
}

static struct in_msg *
parse_mem(const char *raw, size_t len)
{
	struct in_msg *m = NULL;
	const char *err = NULL;

	CHECK(in_msg_parse(raw, len, &m, &err) == 0);
	CHECK(m != NULL);
	return m;
}

static struct in_msg *
load(const char *name)
{
	size_t len;
	char *raw = slurp(name, &len);
	struct in_msg *m = parse_mem(raw, len);

	free(raw);	/* the in_msg keeps nothing of the buffer */
	return m;
}

/* Parse name and run dsn_parse; the caller frees both. */
static struct in_msg *
report(const char *name, struct dsn_report *r)
{
	struct in_msg *m = load(name);

	dsn_parse(m, r);
	return m;
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- msg ---- */

static void
check_postfix_msg(struct in_msg *m)
{
	const char *const *rc;
	const char *t;
	size_t n, len;

	CHECK_STR(in_msg_subject(m), "Undelivered Mail Returned to Sender");
	CHECK_STR(in_msg_from(m), "MAILER-DAEMON@mx1.example.net");
	CHECK_STR(in_msg_message_id(m),
	    "20240514071244.4F2A61C0D3A@mx1.example.net");
	CHECK_STR(in_msg_type(m), "multipart/report");
	CHECK_STR(in_msg_type_param(m, "report-type"), "delivery-status");
	rc = in_msg_recipients(m, &n);
	CHECK(n == 1);
	CHECK_STR(rc[0], "bounces+c42.m1187@mail.example.org");
	CHECK(in_msg_nparts(m) == 5);
	CHECK_STR(in_msg_part(m, 2)->type, "message/delivery-status");
	CHECK_STR(in_msg_part(m, 3)->type, "message/rfc822");
	CHECK(in_msg_part(m, 3)->container);
	CHECK_STR(in_hdrs_get(&in_msg_part(m, 3)->hdrs, "Message-ID", 0),
	    "<h.c42.m1187.3f9a@mail.example.org>");
	CHECK(in_msg_part(m, 4)->enclosed);
	t = in_msg_text(m, &len);
	CHECK(t != NULL && strncmp(t, "This is the mail system", 23) == 0);
	CHECK(!in_msg_malformed(m, NULL) && !in_msg_oversize(m));
	/* unfolded: no line break left inside a value */
	CHECK_STR(in_msg_header(m, "Content-Type", 0),
	    "multipart/report; report-type=delivery-status;\t"
	    "boundary=\"4F2A61C0D3A.1715670764/mx1.example.net\"");
	CHECK(in_msg_header(m, "Content-Type", 1) == NULL);
}

static void
test_msg_headers(void)
{
	struct in_msg *m = load("postfix-user-unknown.eml");
	const char *const *ids;
	const char *t;
	size_t n, len, i;
	int cal = 0;

	check_postfix_msg(m);
	in_msg_free(&m);
	CHECK(m == NULL);
	m = load("postfix-user-unknown-crlf.eml");
	check_postfix_msg(m);
	in_msg_free(&m);

	m = load("reply-normal.eml");
	ids = in_msg_in_reply_to(m, &n);
	CHECK(n == 1 && strcmp(ids[0], "h.c42.m1222.d00d@mail.example.org") == 0);
	ids = in_msg_references(m, &n);
	CHECK(n == 1);
	ids = in_msg_recipients(m, &n);
	CHECK(n == 2);
	CHECK_STR(ids[0], "reply+c42.m1222.7bn5@mail.example.org");
	CHECK_STR(ids[1], "team@example.de");
	t = in_msg_text(m, &len);
	CHECK(t != NULL && strncmp(t, "Yes, I'll be there.", 19) == 0);
	in_msg_free(&m);

	/* RFC 2047 (Latin-1 Q, folded over two words) and a QP Latin-1 body */
	m = load("ooo-fr.eml");
	CHECK_STR(in_msg_subject(m), "R\xc3\xa9ponse automatique\xc2\xa0: "
	    "Invitation\xc2\xa0: Spring Conference 2024");
	CHECK_STR(in_msg_from(m), "c.lefebvre@example.fr");
	t = in_msg_text(m, &len);
	CHECK(t != NULL && strstr(t, "limit\xc3\xa9 \xc3\xa0 ma messagerie"));
	in_msg_free(&m);

	m = load("ooo-es.eml");
	CHECK_STR(in_msg_subject(m), "Respuesta autom\xc3\xa1tica: "
	    "Invitaci\xc3\xb3n: Spring Conference 2024");
	in_msg_free(&m);

	/* a base64 calendar part comes out decoded */
	m = load("calendar-accept-outlook.eml");
	for (i = 0; i < in_msg_nparts(m); i++) {
		const struct in_part *p = in_msg_part(m, i);

		if (strcmp(p->type, "text/calendar") == 0) {
			cal = 1;
			CHECK_STR(p->charset, "utf-8");
			CHECK(strstr(p->body, "PARTSTAT=ACCEPTED") != NULL);
		}
	}
	CHECK(cal);
	in_msg_free(&m);
}

static void
test_msg_empty_and_garbage(void)
{
	struct in_msg *m = load("empty.eml");
	struct dsn_report r;
	const char *why = NULL, *err = NULL;
	unsigned seed = 12345;
	char *g;
	size_t i, n;

	CHECK(in_msg_malformed(m, &why) && why != NULL);
	CHECK(in_msg_subject(m) == NULL && in_msg_from(m) == NULL);
	CHECK(in_msg_text(m, NULL) == NULL || *in_msg_text(m, NULL) == '\0');
	CHECK(dsn_parse(m, &r) == 0 && r.kind == DSN_KIND_NONE);
	dsn_report_free(&r);
	in_msg_free(&m);
	CHECK(in_msg_parse(NULL, 0, &m, &err) == -1 && err != NULL);

	/* random bytes, NULs included: parsed to something, never a crash */
	g = malloc(65536);
	for (n = 1; n <= 65536; n *= 4) {
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			g[i] = (char)(seed >> 16);
		}
		m = parse_mem(g, n);
		dsn_parse(m, &r);
		CHECK(!r.is_bounce);
		dsn_report_free(&r);
		in_msg_free(&m);
	}
	free(g);
}

static char *
build_nested(int depth, size_t *len)
{
	struct buf b;
	int i;

	buf_init(&b, 64u << 20);
	buf_adds(&b, "From: a@example.org\nSubject: nest\nMIME-Version: 1.0\n");
	for (i = 0; i < depth; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\n"
		    "\n--b%d\n", i, i);
	buf_adds(&b, "Content-Type: text/plain\n\nhello\n");
	for (i = depth - 1; i >= 0; i--)
		buf_printf(&b, "--b%d--\n", i);
	*len = b.len;
	return buf_steal(&b);
}

static void
test_msg_limits(void)
{
	struct buf b;
	struct in_msg *m;
	const char *why;
	double t0;
	size_t len;
	char *raw, *bd;
	int i;

	/* 1,000 nested multiparts: flagged, quickly */
	raw = build_nested(1000, &len);
	t0 = now();
	m = parse_mem(raw, len);
	CHECK(now() - t0 < TIME_LIMIT);
	CHECK(in_msg_malformed(m, &why));
	CHECK_STR(in_msg_subject(m), "nest");
	CHECK(in_msg_nparts(m) <= IN_MSG_MAX_DEPTH + 1);
	in_msg_free(&m);
	free(raw);

	/* 120 levels: within libetpan's budget, cut at depth 100 */
	raw = build_nested(120, &len);
	m = parse_mem(raw, len);
	CHECK(in_msg_malformed(m, &why) && strstr(why, "deeper") != NULL);
	CHECK(in_msg_nparts(m) == IN_MSG_MAX_DEPTH + 1);
	in_msg_free(&m);
	free(raw);

	/* 20 levels: fine */
	raw = build_nested(20, &len);
	m = parse_mem(raw, len);
	CHECK(!in_msg_malformed(m, NULL));
	CHECK(in_msg_nparts(m) == 21);
	CHECK_STR(in_msg_text(m, NULL), "hello");
	in_msg_free(&m);
	free(raw);

	/* 10,001 parts: the first 10,000 kept, flagged */
	buf_init(&b, 8u << 20);
	buf_adds(&b, "From: a@example.org\nContent-Type: multipart/mixed; "
	    "boundary=x\n\n");
	for (i = 0; i < 10001; i++)
		buf_printf(&b, "--x\nContent-Type: text/plain\n\npart %d\n", i);
	buf_adds(&b, "--x--\n");
	t0 = now();
	m = parse_mem(b.data, b.len);
	CHECK(now() - t0 < TIME_LIMIT);
	CHECK(in_msg_malformed(m, &why) && strstr(why, "10000") != NULL);
	CHECK(in_msg_nparts(m) == IN_MSG_MAX_PARTS);
	in_msg_free(&m);
	buf_free(&b);

	/* a 1 MB boundary, and lines that almost match it */
	bd = malloc((1u << 20) + 1);
	for (i = 0; i < (1 << 20); i++)
		bd[i] = (char)('a' + i % 26);
	bd[1 << 20] = '\0';
	buf_init(&b, 16u << 20);
	buf_printf(&b, "From: a@example.org\nSubject: wide\nContent-Type: "
	    "multipart/mixed; boundary=\"%s\"\n\n", bd);
	for (i = 0; i < 4; i++)
		buf_printf(&b, "--%.*s\n", (1 << 20) - 1 - i, bd);
	buf_printf(&b, "--%s\nContent-Type: text/plain\n\nwide body\n--%s--\n",
	    bd, bd);
	t0 = now();
	m = parse_mem(b.data, b.len);
	CHECK(now() - t0 < TIME_LIMIT);
	CHECK(in_msg_malformed(m, &why));	/* a header over 1 MB, too */
	CHECK_STR(in_msg_subject(m), "wide");
	CHECK(in_msg_text(m, NULL) == NULL ||
	    strcmp(in_msg_text(m, NULL), "wide body") == 0);
	in_msg_free(&m);
	buf_free(&b);

	/* a boundary over RFC 2046's 70 characters is worth a flag */
	buf_init(&b, 1u << 20);
	buf_printf(&b, "From: a@example.org\nContent-Type: multipart/mixed; "
	    "boundary=\"%.100s\"\n\n--%.100s\n\nbody\n--%.100s--\n", bd, bd, bd);
	m = parse_mem(b.data, b.len);
	CHECK(in_msg_malformed(m, &why) && strstr(why, "boundary") != NULL);
	CHECK_STR(in_msg_text(m, NULL), "body");
	in_msg_free(&m);
	buf_free(&b);
	free(bd);

	/* over the size cap: the header only, flagged oversize */
	buf_init(&b, 32u << 20);
	buf_adds(&b, "From: Big <big@example.org>\nSubject: large\n"
	    "Content-Type: multipart/mixed; boundary=z\n\n--z\n"
	    "Content-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: base64\n\n");
	while (b.len < IN_MSG_MAX_SIZE + 1024)
		buf_adds(&b, "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
		    "QUFBQUFBQUFBQUFB\n");
	buf_adds(&b, "--z--\n");
	t0 = now();
	m = parse_mem(b.data, b.len);
	CHECK(now() - t0 < TIME_LIMIT);
	CHECK(in_msg_oversize(m));
	CHECK(in_msg_size(m) == b.len);
	CHECK_STR(in_msg_subject(m), "large");
	CHECK_STR(in_msg_from(m), "big@example.org");
	CHECK_STR(in_msg_type(m), "multipart/mixed");
	CHECK(in_msg_nparts(m) == 0);
	in_msg_free(&m);
	buf_free(&b);

	/* 5,000 recipients: the first 1,000 kept; a 1.4 MB header: cut */
	buf_init(&b, 8u << 20);
	buf_adds(&b, "From: a@example.org\nTo: ");
	for (i = 0; i < 5000; i++)
		buf_printf(&b, "%su%d@example.com", i ? ", " : "", i);
	buf_adds(&b, "\n");
	for (i = 0; i < 200000; i++)
		buf_adds(&b, "X-A: b\n");
	buf_adds(&b, "\nbody\n");
	t0 = now();
	m = parse_mem(b.data, b.len);
	CHECK(now() - t0 < TIME_LIMIT);
	CHECK(in_msg_malformed(m, &why) && strstr(why, "1 MB") != NULL);
	in_msg_recipients(m, &len);
	CHECK(len == 1000);
	CHECK(in_hdrs_get(in_msg_headers(m), "X-A", IN_MSG_MAX_HEADERS) ==
	    NULL);
	CHECK(in_msg_nparts(m) == 0);
	in_msg_free(&m);
	buf_free(&b);

	/* 1,500 message/rfc822 inside each other: header only, flagged */
	buf_init(&b, 8u << 20);
	buf_adds(&b, "From: a@example.org\nSubject: russian doll\n");
	for (i = 0; i < 1500; i++)
		buf_adds(&b, "Content-Type: message/rfc822\n\n");
	buf_adds(&b, "Subject: inner\n\nhi\n");
	m = parse_mem(b.data, b.len);
	CHECK(in_msg_malformed(m, NULL));
	CHECK_STR(in_msg_subject(m), "russian doll");
	in_msg_free(&m);
	buf_free(&b);
}

/* The same answer with CR-only line ends and after an mbox "From " line. */
static void
test_msg_line_ends(void)
{
	struct dsn_report r;
	struct in_msg *m;
	size_t len, i;
	char *raw = slurp("postfix-user-unknown.eml", &len), *v;

	v = malloc(len + 64);
	memcpy(v, raw, len);
	for (i = 0; i < len; i++)
		if (v[i] == '\n')
			v[i] = '\r';
	m = parse_mem(v, len);
	CHECK_STR(in_msg_subject(m), "Undelivered Mail Returned to Sender");
	CHECK(dsn_parse(m, &r) == 1);
	CHECK(r.nrcpt == 1 && strcmp(r.rcpt[0].status, "5.1.1") == 0);
	dsn_report_free(&r);
	in_msg_free(&m);

	i = (size_t)snprintf(v, 64, "From MAILER-DAEMON  Tue May 14 09:12:44 2024\n");
	memcpy(v + i, raw, len);
	m = parse_mem(v, len + i);
	CHECK_STR(in_msg_from(m), "MAILER-DAEMON@mx1.example.net");
	CHECK(dsn_parse(m, &r) == 1);
	CHECK(r.nrcpt == 1 && strcmp(r.rcpt[0].addr, "m.dubois@example.net") == 0);
	dsn_report_free(&r);
	in_msg_free(&m);
	free(v);
	free(raw);
}

/* ---- dsn ---- */

struct expect {
	const char *file;
	enum dsn_kind kind;
	const char *source;
	const char *addr;	/* first recipient */
	const char *status;
	int hard, noscore;
	const char *orig_id;
};

static const struct expect expects[] = {
	{ "postfix-user-unknown.eml", DSN_KIND_BOUNCE, "rfc3464",
	    "m.dubois@example.net", "5.1.1", 1, 0,
	    "h.c42.m1187.3f9a@mail.example.org" },
	{ "postfix-user-unknown-crlf.eml", DSN_KIND_BOUNCE, "rfc3464",
	    "m.dubois@example.net", "5.1.1", 1, 0,
	    "h.c42.m1187.3f9a@mail.example.org" },
	{ "exim-two-recipients.eml", DSN_KIND_BOUNCE, "exim",
	    "j.smith@example.com", "5.1.1", 1, 0,
	    "h.c43.m2001.77d1@mail.example.org" },
	{ "office365-ndr.eml", DSN_KIND_BOUNCE, "rfc3464",
	    "p.novak@example.com", "5.1.10", 1, 0,
	    "h.c42.m1190.9b21@mail.example.org" },
	{ "gmail-dsn.eml", DSN_KIND_BOUNCE, "rfc3464",
	    "a.garcia.lopez@gmail.com", "5.1.1", 1, 0,
	    "h.c42.m1201.0c4e@mail.example.org" },
	{ "qmail-failure.eml", DSN_KIND_BOUNCE, "qmail",
	    "t.nakamura@example.net", "5.1.1", 1, 0,
	    "h.c42.m1302.8e11@mail.example.org" },
	{ "sendmail-transcript.eml", DSN_KIND_BOUNCE, "sendmail",
	    "k.weber@example.edu", "5.1.1", 1, 0,
	    "h.c42.m1310.41a0@mail.example.org" },
	{ "exchange2003-text.eml", DSN_KIND_BOUNCE, "exchange",
	    "l.hofer@corp.example.com", "5.1.1", 1, 0, NULL },
	{ "yahoo-mailbox-full.eml", DSN_KIND_BOUNCE, "yahoo",
	    "giulia.romano@yahoo.it", "5.2.2", 0, 0,
	    "h.c42.m1340.5f5f@mail.example.org" },
	{ "postfix-spam-rejected.eml", DSN_KIND_BOUNCE, "rfc3464",
	    "h.jansen@example.nl", "5.7.1", 1, 1, NULL },
	{ "malformed-no-final-boundary.eml", DSN_KIND_BOUNCE, "rfc3464",
	    "a.keller@example.net", "5.1.1", 1, 0,
	    "h.c42.m1500.3f9a@mail.example.org" },
	{ "postfix-delayed.eml", DSN_KIND_DELAY, "rfc3464",
	    "r.costa@example.com.br", "4.4.1", 0, 0,
	    "h.c42.m1320.aa07@mail.example.org" },
	{ "arf-abuse.eml", DSN_KIND_ARF, "arf", NULL, NULL, 0, 0, NULL },
	{ "ooo-en-outlook.eml", DSN_KIND_NONE, NULL, NULL, NULL, 0, 0, NULL },
	{ "ooo-es.eml", DSN_KIND_NONE, NULL, NULL, NULL, 0, 0, NULL },
	{ "ooo-fr.eml", DSN_KIND_NONE, NULL, NULL, NULL, 0, 0, NULL },
	{ "vacation-unix.eml", DSN_KIND_NONE, NULL, NULL, NULL, 0, 0, NULL },
	{ "reply-normal.eml", DSN_KIND_NONE, NULL, NULL, NULL, 0, 0, NULL },
	{ "reply-normal-crlf.eml", DSN_KIND_NONE, NULL, NULL, NULL, 0, 0, NULL },
	{ "reply-quoting-bounce.eml", DSN_KIND_NONE, NULL, NULL, NULL, 0, 0,
	    NULL },
	{ "reply-absence-word.eml", DSN_KIND_NONE, NULL, NULL, NULL, 0, 0,
	    NULL },
	{ "calendar-accept-outlook.eml", DSN_KIND_NONE, NULL, NULL, NULL, 0, 0,
	    NULL },
	{ "empty.eml", DSN_KIND_NONE, NULL, NULL, NULL, 0, 0, NULL },
};

static void
test_dsn_samples(void)
{
	struct dsn_report r;
	struct in_msg *m;
	size_t i;

	for (i = 0; i < sizeof expects / sizeof expects[0]; i++) {
		const struct expect *e = &expects[i];

		m = report(e->file, &r);
		if (r.kind != e->kind)
			fprintf(stderr, "%s: kind %s\n", e->file,
			    dsn_kind_name(r.kind));
		CHECK(r.kind == e->kind);
		CHECK(r.is_bounce == (e->kind == DSN_KIND_BOUNCE));
		if (e->source)
			CHECK_STR(r.source, e->source);
		if (e->addr) {
			CHECK(r.nrcpt >= 1);
			if (r.nrcpt == 0) {
				fprintf(stderr, "%s: no recipient\n", e->file);
				goto next;
			}
			CHECK_STR(r.rcpt[0].addr, e->addr);
			CHECK_STR(r.rcpt[0].status, e->status);
			CHECK(r.rcpt[0].hard == e->hard);
			CHECK(r.rcpt[0].noscore == e->noscore);
			CHECK(r.rcpt[0].action == (e->kind == DSN_KIND_DELAY ?
			    DSN_ACTION_DELAYED : DSN_ACTION_FAILED));
		} else
			CHECK(r.nrcpt == 0);
		if (e->orig_id)
			CHECK_STR(r.orig_message_id, e->orig_id);
next:
		dsn_report_free(&r);
		CHECK(r.rcpt == NULL && r.nrcpt == 0);
		in_msg_free(&m);
	}
}

/* Details the table does not cover. */
static void
test_dsn_details(void)
{
	struct dsn_report r;
	struct in_msg *m;

	m = report("exim-two-recipients.eml", &r);
	CHECK(r.nrcpt == 2);
	if (r.nrcpt == 2) {
		CHECK_STR(r.rcpt[1].addr, "sales@example.co.uk");
		CHECK_STR(r.rcpt[1].status, "5.2.2");
		CHECK(r.rcpt[1].hard == 0);	/* a full mailbox empties */
		CHECK_STR(r.rcpt[1].diag, "552 5.2.2 Mailbox quota exceeded");
		CHECK_STR(r.rcpt[1].mta, "mail.example.co.uk");
	}
	dsn_report_free(&r);
	in_msg_free(&m);

	m = report("postfix-user-unknown.eml", &r);
	CHECK_STR(r.reporting_mta, "mx1.example.net");
	CHECK_STR(r.rcpt[0].mta, "mail.example.net");
	/* folded Diagnostic-Code, one line with single spaces */
	CHECK_STR(r.rcpt[0].diag, "550 5.1.1 <m.dubois@example.net>: Recipient "
	    "address rejected: User unknown in virtual mailbox table");
	dsn_report_free(&r);
	in_msg_free(&m);

	m = report("gmail-dsn.eml", &r);
	CHECK_STR(r.rcpt[0].mta, "gmail-smtp-in.l.google.com");
	dsn_report_free(&r);
	in_msg_free(&m);

	m = report("qmail-failure.eml", &r);
	CHECK_STR(r.reporting_mta, "mx.example.net");
	CHECK_STR(r.rcpt[0].diag, "Sorry, no mailbox here by that name. "
	    "(#5.1.1)");
	dsn_report_free(&r);
	in_msg_free(&m);

	CHECK_STR(dsn_kind_name(DSN_KIND_DELAY), "delay");
	CHECK_STR(dsn_action_name(DSN_ACTION_FAILED), "failed");
}

/* Bounces without MIME reports, built here: phrases give the status. */
static void
test_dsn_phrases(void)
{
	static const struct {
		const char *said, *status;
		int hard, noscore;
	} cases[] = {
		{ "550 Requested action not taken: mailbox unavailable", "5.1.1",
		    1, 0 },
		{ "User unknown", "5.1.1", 1, 0 },
		{ "The mailbox is full", "5.2.2", 0, 0 },
		{ "quota exceeded", "5.2.2", 0, 0 },
		{ "452 4.2.2 Over quota", "4.2.2", 0, 0 },
		{ "550 Recipient address rejected: Access denied", "5.7.1", 1,
		    1 },
		{ "554 5.7.1 Message rejected as spam", "5.7.1", 1, 1 },
		{ "550 5.7.1 Unknown user in this domain", "5.7.1", 1, 0 },
		{ "Host or domain name not found. Name service error", "5.4.4",
		    1, 0 },
		{ "421 Service not available, try again later", "4.0.0", 0, 0 },
		{ "retry timeout exceeded", "4.4.7", 0, 0 },
		{ "The email account does not exist", "5.1.1", 1, 0 },
		/* the sending side's fault, whatever the code */
		{ "501 5.1.8 Sender address rejected", "5.1.8", 1, 1 },
		{ "550 5.1.1 203.0.113.2 has sent to too many recipients this "
		    "hour", "5.1.1", 1, 1 },
		{ "554 Client host rejected: blocked using zen.spamhaus.org",
		    "5.7.1", 1, 1 },
		{ "550 5.7.26 Unauthenticated email is not accepted due to "
		    "domain's DMARC policy", "5.7.26", 1, 1 },
		/* 5.7.13: the account is disabled, which is the address */
		{ "525 5.7.13 User account disabled", "5.7.13", 1, 0 },
		{ "552 5.3.4 Message size exceeds fixed limit", "5.3.4", 1, 1 },
	};
	struct dsn_report r;
	struct in_msg *m;
	char raw[2048];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int n = snprintf(raw, sizeof raw,
		    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
		    "To: bounces@mail.example.org\n"
		    "Subject: Mail delivery failed\n\n"
		    "This message was created automatically by mail delivery "
		    "software.\n\nThe following address(es) failed:\n\n"
		    "  someone@example.net\n    %s\n", cases[i].said);

		m = parse_mem(raw, (size_t)n);
		CHECK(dsn_parse(m, &r) == 1);
		CHECK(r.nrcpt == 1);
		if (r.nrcpt == 1) {
			if (strcmp(r.rcpt[0].status, cases[i].status) != 0)
				fprintf(stderr, "said \"%s\"\n", cases[i].said);
			CHECK_STR(r.rcpt[0].addr, "someone@example.net");
			CHECK_STR(r.rcpt[0].status, cases[i].status);
			CHECK(r.rcpt[0].hard == cases[i].hard);
			CHECK(r.rcpt[0].noscore == cases[i].noscore);
		}
		dsn_report_free(&r);
		in_msg_free(&m);
	}
}

/* A person's message that mentions failures is not a bounce. */
static void
test_dsn_not_bounces(void)
{
	static const char *const raws[] = {
		"From: Ann <ann@example.com>\nSubject: Re: Mail delivery failed\n"
		"\nI got a \"Mail delivery failed\" message, is my address ok?\n",
		"From: Bob <bob@example.com>\nSubject: Undeliverable\n\n"
		"The parcel was undeliverable; user unknown at the door.\n",
		"From: postmaster@example.com\nSubject: Weekly statistics\n\n"
		"550 messages were delivered this week.\n",
	};
	struct dsn_report r;
	struct in_msg *m;
	size_t i;

	for (i = 0; i < sizeof raws / sizeof raws[0]; i++) {
		m = parse_mem(raws[i], strlen(raws[i]));
		CHECK(dsn_parse(m, &r) == 0);
		CHECK(r.kind == DSN_KIND_NONE);
		dsn_report_free(&r);
		in_msg_free(&m);
	}
}

/* ---- the shape of a mail system's message ---- */

static void
test_dsn_shape(void)
{
	static const struct {
		const char *file;
		int shape;
	} files[] = {
		{ "bounce-aol-5.eml", 1 },		/* From MAILER-DAEMON */
		{ "bounce-mdaemon-2.eml", 1 },		/* From MDaemon@ */
		{ "mdn-outlook-1.eml", 1 },		/* multipart/report */
		{ "postfix-user-unknown.eml", 1 },
		{ "human-cnbd-reply-1.eml", 0 },
		{ "human-newsletter-1.eml", 0 },	/* words, not at the start */
		{ "human-re-ndr-1.eml", 0 },		/* "RE: Undeliverable" */
		{ "human-attached-1.eml", 0 },		/* a person's forward */
		/* Exchange sends out-of-office replies with a null
		 * Return-Path: the shape of a mail system, and the classifier
		 * still takes it for an auto-reply by its Auto-Submitted */
		{ "ooo-en-outlook.eml", 1 },
		{ "ooo-fr.eml", 0 },
		{ "reply-normal.eml", 0 },
	};
	static const char *const raws[] = {
		/* only the subject says so */
		"From: Relay <relay@example.net>\nSubject: Mail could not be "
		"delivered\n\nsorry\n",
		/* a returned message under automatic headers */
		"From: Gateway <gw@example.net>\nSubject: Notice\n"
		"Precedence: bulk\nMIME-Version: 1.0\nContent-Type: "
		"multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain"
		"\n\nnot delivered\n--b\nContent-Type: message/rfc822\n\n"
		"From: office@mail.example.org\nSubject: hi\n\nhi\n--b--\n",
		/* German and Italian titles */
		"From: System <sys@example.de>\nSubject: Unzustellbar: "
		"Einladung\n\nx\n",
		"From: System <sys@example.it>\nSubject: Notifica stato recapito "
		"(ritardo)\n\nx\n",
	};
	struct in_msg *m;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		m = load(files[i].file);
		why = (const char *)1;
		if (dsn_from_mail_system(m, &why) != files[i].shape)
			fprintf(stderr, "%s: shape %d\n", files[i].file,
			    !files[i].shape);
		CHECK(dsn_from_mail_system(m, &why) == files[i].shape);
		CHECK(files[i].shape ? why != NULL : why == NULL);
		in_msg_free(&m);
	}
	for (i = 0; i < sizeof raws / sizeof raws[0]; i++) {
		m = parse_mem(raws[i], strlen(raws[i]));
		CHECK(dsn_from_mail_system(m, NULL) == 1);
		in_msg_free(&m);
	}
}

/* ---- receipts, delays, and whose failure ---- */

static void
test_dsn_receipts(void)
{
	struct dsn_report r;
	struct in_msg *m;

	m = report("mdn-thunderbird-1.eml", &r);
	CHECK(r.kind == DSN_KIND_RECEIPT && !r.is_bounce && dsn_is_receipt(&r));
	CHECK_STR(r.source, "mdn");
	CHECK_STR(r.orig_message_id,
	    "m2301-9fa1b2c3d4e5f6a7b8c9@mail.example.org");
	CHECK_STR(r.disposition, "displayed");
	CHECK_STR(r.disposition_field,
	    "manual-action/MDN-sent-manually; displayed");
	CHECK_STR(r.reporting_mta, "example.jp; Mozilla Thunderbird");
	CHECK(r.nrcpt == 1 && r.rcpt[0].action == DSN_ACTION_DELIVERED);
	CHECK_STR(dsn_kind_name(r.kind), "receipt");
	dsn_report_free(&r);
	CHECK(r.disposition == NULL);
	in_msg_free(&m);

	m = report("mdn-outlook-2.eml", &r);
	CHECK_STR(r.disposition, "deleted");
	dsn_report_free(&r);
	in_msg_free(&m);

	/* the reader forwarded: the address herald wrote to comes first */
	m = report("mdn-kmail-1.eml", &r);
	CHECK_STR(r.rcpt[0].addr, "t.zielinski@example.pl");
	dsn_report_free(&r);
	in_msg_free(&m);

	m = report("success-exchange-2.eml", &r);
	CHECK(r.kind == DSN_KIND_SUCCESS && dsn_is_receipt(&r));
	CHECK(r.rcpt[0].action == DSN_ACTION_RELAYED);
	CHECK_STR(r.orig_message_id,
	    "m2403-b7c8d9e0f1a2b3c4d5e6@mail.example.org");
	CHECK(r.disposition == NULL);
	dsn_report_free(&r);
	in_msg_free(&m);

	m = report("postfix-user-unknown.eml", &r);
	CHECK(!dsn_is_receipt(&r));
	dsn_report_free(&r);
	in_msg_free(&m);
}

static void
test_dsn_delays(void)
{
	struct dsn_report r;
	struct in_msg *m;

	/* Symantec: "I was not able to deliver" but it goes on trying */
	m = report("delay-symantec-1.eml", &r);
	CHECK(r.kind == DSN_KIND_DELAY && !r.is_bounce);
	CHECK_STR(r.delay_why, "will continue to be made");
	CHECK(r.nrcpt == 1 && r.rcpt[0].action == DSN_ACTION_DELAYED);
	CHECK(r.rcpt[0].hard == 0);
	dsn_report_free(&r);
	in_msg_free(&m);

	m = report("delay-de-1.eml", &r);
	CHECK(r.kind == DSN_KIND_DELAY && r.delay_why != NULL);
	dsn_report_free(&r);
	in_msg_free(&m);

	m = report("postfix-delayed.eml", &r);
	CHECK(r.kind == DSN_KIND_DELAY);
	CHECK_STR(r.delay_why, "Action: delayed");
	dsn_report_free(&r);
	in_msg_free(&m);

	/* "Delivery attempts have been made for 5 day(s). I am giving up." */
	m = report("bounce-symantec-5.eml", &r);
	CHECK(r.kind == DSN_KIND_BOUNCE && r.delay_why == NULL);
	dsn_report_free(&r);
	in_msg_free(&m);

	/* MDaemon's final notice says "YOU DO NOT NEED TO RESEND" too */
	m = report("bounce-mdaemon-1.eml", &r);
	CHECK(r.kind == DSN_KIND_BOUNCE);
	dsn_report_free(&r);
	in_msg_free(&m);
}

static void
test_dsn_whose(void)
{
	static const char *const one_to =
	    "From: MAILER-DAEMON@mms.example.net\nSubject: Undeliverable "
	    "Message\n\nMessage could not be delivered to mobile.\n\n"
	    "Original Message:\nFrom: office@mail.example.org\n"
	    "To: 5550100@mms.example.net\nSubject: hi\n";
	static const char *const two_to =
	    "From: MAILER-DAEMON@mms.example.net\nSubject: Undeliverable "
	    "Message\n\nMessage could not be delivered to mobile.\n\n"
	    "Original Message:\nFrom: office@mail.example.org\n"
	    "To: 5550100@mms.example.net, 5550101@mms.example.net\n"
	    "Subject: hi\n";
	struct dsn_report r;
	struct in_msg *m;

	/* the failure line, not the Cc in the quoted "Your message" block */
	m = report("bounce-exchange-1.eml", &r);
	CHECK(r.nrcpt == 1);
	CHECK(dsn_rcpt_for(&r, "K.Ito@corp.example.com") == &r.rcpt[0]);
	CHECK(dsn_rcpt_for(&r, "anna.brown@example.com") == NULL);
	CHECK(dsn_rcpt_for(&r, NULL) == NULL);
	CHECK(!r.rcpt_guessed);
	dsn_report_free(&r);
	in_msg_free(&m);

	/* a transcript: the RCPT TO that was refused, not the one accepted */
	m = report("bounce-mdaemon-2.eml", &r);
	CHECK(r.nrcpt == 1);
	CHECK_STR(r.rcpt[0].addr, "m.chen@example.com.au");
	CHECK_STR(r.rcpt[0].status, "5.1.1");
	dsn_report_free(&r);
	in_msg_free(&m);

	/* AOL's screen names are mailboxes at aol.com */
	m = report("bounce-aol-1.eml", &r);
	CHECK(r.nrcpt == 1);
	CHECK_STR(r.rcpt[0].addr, "sunnyday1970@aol.com");
	dsn_report_free(&r);
	in_msg_free(&m);

	/* nothing stated: the one addressee, flagged; two: nobody */
	m = parse_mem(one_to, strlen(one_to));
	CHECK(dsn_parse(m, &r) == 1 && r.nrcpt == 1 && r.rcpt_guessed);
	CHECK_STR(r.rcpt[0].addr, "5550100@mms.example.net");
	dsn_report_free(&r);
	in_msg_free(&m);
	m = parse_mem(two_to, strlen(two_to));
	CHECK(dsn_parse(m, &r) == 1 && r.nrcpt == 0 && !r.rcpt_guessed);
	dsn_report_free(&r);
	in_msg_free(&m);
}

/* Notices built to make the lead and transcript readers slow. */
static void
test_dsn_hostile_notice(void)
{
	struct dsn_report r;
	struct in_msg *m;
	struct buf b;
	double t0;
	int i;

	buf_init(&b, 4u << 20);
	buf_adds(&b, "From: MAILER-DAEMON@mx.example.net\nSubject: Undeliverable"
	    "\n\n");
	for (i = 0; i < 300; i++) {
		buf_adds(&b, "Failed Recipients:\n<a@example.com>\n");
		buf_adds(&b, "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n");
	}
	for (i = 0; i < 2000; i++)
		buf_printf(&b, "RCPT TO:<u%d@example.com>\n\n\n", i);
	for (i = 0; i < 20000; i++)
		buf_adds(&b, "\n");
	buf_adds(&b, "not accepting mail from x@example.org:\n");
	for (i = 0; i < 5000; i++)
		buf_adds(&b, "\tname\n");
	t0 = now();
	m = parse_mem(b.data, b.len);
	dsn_parse(m, &r);
	CHECK(now() - t0 < TIME_LIMIT);
	CHECK(r.nrcpt <= DSN_MAX_RCPTS);
	dsn_report_free(&r);
	in_msg_free(&m);
	buf_free(&b);
}

/* People's mail that talks like a notice, and forwards one. */
static void
test_dsn_people(void)
{
	static const char *const files[] = { "human-cnbd-reply-1.eml",
	    "human-forwarded-bounce-1.eml", "human-postmaster-1.eml",
	    "human-fr-reply-1.eml", "human-newsletter-1.eml",
	    "human-re-ndr-1.eml", "human-attached-1.eml",
	    "human-delivery-word-1.eml" };
	struct dsn_report r;
	struct in_msg *m;
	size_t i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		m = report(files[i], &r);
		if (r.kind != DSN_KIND_NONE)
			fprintf(stderr, "%s: %s\n", files[i],
			    dsn_kind_name(r.kind));
		CHECK(r.kind == DSN_KIND_NONE);
		dsn_report_free(&r);
		in_msg_free(&m);
	}
}

int
main(void)
{
	set_data_dir();
	test_msg_headers();
	test_msg_empty_and_garbage();
	test_msg_limits();
	test_msg_line_ends();
	test_dsn_samples();
	test_dsn_details();
	test_dsn_phrases();
	test_dsn_not_bounces();
	test_dsn_shape();
	test_dsn_receipts();
	test_dsn_delays();
	test_dsn_whose();
	test_dsn_people();
	test_dsn_hostile_notice();
	return check_done("t_dsn");
}
