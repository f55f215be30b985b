/*
 * Unit tests: in/arf (RFC 5965 feedback reports) on the arf-*.eml
 * samples in tests/data/mail, and on hostile reports built here.
 * HERALD_TEST_DATA names tests/data (ctest sets it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "in/arf.h"
#include "in/dsn.h"
#include "in/msg.h"
#include "lib/buf.h"

static char data_dir[4096];

static void
set_data_dir(void)
{
	check_datadir(data_dir, sizeof data_dir, __FILE__, "");
}

static struct in_msg *
load(const char *name)
{
	char path[4200];
	struct in_msg *m = NULL;
	const char *err;
	FILE *f;
	char *b;
	long n;
	size_t len;

	snprintf(path, sizeof path, "%s/mail/%s", data_dir, name);
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	len = fread(b, 1, (size_t)n, f);
	fclose(f);
	CHECK(in_msg_parse(b, len, &m, &err) == 0);
	free(b);
	return m;
}

/* The index of the candidate equal to v, or -1. */
static int
cand(const struct arf_report *r, enum arf_from from, const char *v)
{
	size_t i;

	for (i = 0; i < r->ncand; i++)
		if (r->cand[i].from == from && strcmp(r->cand[i].value, v) == 0)
			return (int)i;
	return -1;
}

static void
test_yahoo(void)
{
	struct in_msg *m = load("arf-yahoo-1.eml");
	struct arf_report r;
	struct dsn_report d;

	CHECK(arf_parse(m, &r) == 1);
	CHECK_STR(r.feedback_type, "abuse");
	CHECK_STR(r.user_agent, "Yahoo!-Mail-Feedback/2.0");
	CHECK_STR(r.reported_domain, "mail.example.org");
	CHECK_STR(r.arrival_date, "Tue, 14 May 2024 14:58:12 +0000");
	CHECK_STR(r.original_mail_from,
	    "office+b2501-e0f1a2b3c4d5e6f7a8b9@mail.example.org");
	CHECK_STR(r.original_rcpt_to, "j.doe@yahoo.com");
	CHECK(r.returned);
	CHECK_STR(r.message_id, "m2501-e0f1a2b3c4d5e6f7a8b9@mail.example.org");
	CHECK_STR(r.return_path,
	    "office+b2501-e0f1a2b3c4d5e6f7a8b9@mail.example.org");
	CHECK_STR(r.subject, "Spring Conference 2024");
	/* most specific first; the envelope twice is offered once */
	CHECK(cand(&r, ARF_FROM_MESSAGE_ID,
	    "m2501-e0f1a2b3c4d5e6f7a8b9@mail.example.org") == 0);
	CHECK(cand(&r, ARF_FROM_RETURN_PATH,
	    "office+b2501-e0f1a2b3c4d5e6f7a8b9@mail.example.org") == 1);
	CHECK(cand(&r, ARF_FROM_MAIL_FROM,
	    "office+b2501-e0f1a2b3c4d5e6f7a8b9@mail.example.org") == -1);
	CHECK(cand(&r, ARF_FROM_UNSUB_MAILTO,
	    "office+u2501-1122334455667788aabb@mail.example.org") == 2);
	CHECK(cand(&r, ARF_FROM_TO, "j.doe@yahoo.com") == 3);
	CHECK(r.ncand == 4);
	arf_report_free(&r);
	CHECK(r.ncand == 0 && r.message_id == NULL);
	/* and dsn calls it a complaint, never a bounce */
	CHECK(dsn_parse(m, &d) == 0 && d.kind == DSN_KIND_ARF);
	dsn_report_free(&d);
	in_msg_free(&m);
}

static void
test_providers(void)
{
	struct in_msg *m;
	struct arf_report r;

	/* AOL: a redacted recipient; the unsubscribe URL is a candidate */
	m = load("arf-aol-1.eml");
	CHECK(arf_parse(m, &r));
	CHECK_STR(r.source_ip, "192.0.2.25");
	CHECK(r.original_mail_from == NULL);
	CHECK(cand(&r, ARF_FROM_UNSUB_URL,
	    "https://mail.example.org/u/u2502-2233445566778899aabb") >= 0);
	CHECK(cand(&r, ARF_FROM_UNSUB_MAILTO,
	    "office+u2502-2233445566778899aabb@mail.example.org") >= 0);
	arf_report_free(&r);
	in_msg_free(&m);

	/* Microsoft JMRP: a Return-Path without angle brackets */
	m = load("arf-microsoft-1.eml");
	CHECK(arf_parse(m, &r));
	CHECK_STR(r.return_path,
	    "office+b2503-a2b3c4d5e6f7a8b9c0d1@mail.example.org");
	CHECK_STR(r.user_agent, "Microsoft Junk Mail Reporting Program");
	arf_report_free(&r);
	in_msg_free(&m);

	/* Comcast: only the returned header; a list's id and request address */
	m = load("arf-comcast-1.eml");
	CHECK(arf_parse(m, &r));
	CHECK_STR(r.message_id, "m2504-b3c4d5e6f7a8b9c0d1e2@mail.example.org");
	CHECK(cand(&r, ARF_FROM_LIST_ID, "news.lists.example.org") >= 0);
	CHECK(cand(&r, ARF_FROM_UNSUB_MAILTO,
	    "news-request@lists.example.org") >= 0);
	arf_report_free(&r);
	in_msg_free(&m);

	/* Yandex: no Return-Path, no envelope: the Message-ID still names it */
	m = load("arf-yandex-1.eml");
	CHECK(arf_parse(m, &r));
	CHECK(r.return_path == NULL);
	CHECK(r.ncand >= 1 && r.cand[0].from == ARF_FROM_MESSAGE_ID);
	arf_report_free(&r);
	in_msg_free(&m);

	/* not a report */
	m = load("reply-normal.eml");
	CHECK(arf_parse(m, &r) == 0 && r.ncand == 0 && !r.is_arf);
	arf_report_free(&r);
	in_msg_free(&m);
	CHECK_STR(arf_from_name(ARF_FROM_LIST_ID), "list-id");
}

/* Hostile reports: huge fields, 500 unsubscribe URLs, no parts at all. */
static void
test_hostile(void)
{
	struct in_msg *m;
	struct arf_report r;
	const char *err, *raw;
	struct buf b;
	int i;

	buf_init(&b, 8u << 20);
	buf_adds(&b, "From: fbl@example.net\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=x\n\n--x\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: ");
	for (i = 0; i < 10000; i++)
		buf_adds(&b, "abuse");
	buf_adds(&b, "\nOriginal-Mail-From: <@@@>\n\n--x\n"
	    "Content-Type: text/rfc822-headers\n\nMessage-ID: <<<>>>\n"
	    "List-Unsubscribe: ");
	for (i = 0; i < 500; i++)
		buf_printf(&b, "<https://x.example/%d>, <mailto:a%d@x.example>, ",
		    i, i);
	buf_adds(&b, "<mailto:@\nTo: ");
	for (i = 0; i < 500; i++)
		buf_printf(&b, "u%d@example.com, ", i);
	buf_adds(&b, "\n\n--x--\n");
	CHECK(in_msg_parse(b.data, b.len, &m, &err) == 0);
	CHECK(arf_parse(m, &r) == 1);
	CHECK(strlen(r.feedback_type) < sizeof r.feedback_type);
	CHECK(r.original_mail_from == NULL && r.message_id == NULL);
	CHECK(r.ncand == ARF_MAX_CANDS);
	arf_report_free(&r);
	in_msg_free(&m);
	buf_free(&b);

	/* report-type alone, nothing inside */
	raw = "Content-Type: multipart/report; report-type=feedback-report\n\n";
	CHECK(in_msg_parse(raw, strlen(raw), &m, &err) == 0);
	CHECK(arf_parse(m, &r) == 1 && r.ncand == 0 && !r.returned);
	CHECK(r.feedback_type[0] == '\0');
	arf_report_free(&r);
	in_msg_free(&m);
}

int
main(void)
{
	set_data_dir();
	test_yahoo();
	test_providers();
	test_hostile();
	return check_done("t_arf");
}
