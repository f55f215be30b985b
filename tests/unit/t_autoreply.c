/*
 * Unit tests: in/autoreply on the samples in tests/data/mail (out of
 * office in English, Spanish and French, vacation(1), people's replies)
 * and on headers and subjects built here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "in/autoreply.h"
#include "in/dsn.h"
#include "in/msg.h"

static char data_dir[4096];

static void
set_data_dir(void)
{
	const char *env = getenv("HERALD_TEST_DATA"), *f = __FILE__;
	const char *tail = strstr(f, "unit/t_autoreply.c");

	if (env && *env)
		snprintf(data_dir, sizeof data_dir, "%s", env);
	else if (tail)
		snprintf(data_dir, sizeof data_dir, "%.*sdata", (int)(tail - f), f);
	else
		snprintf(data_dir, sizeof data_dir, "tests/data");
}

static struct in_msg *
load(const char *name)
{
	struct in_msg *m = NULL;
	const char *err;
	char path[4200], *b;
	size_t len;
	FILE *f;
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
	len = fread(b, 1, (size_t)n, f);
	fclose(f);
	CHECK(in_msg_parse(b, len, &m, &err) == 0);
	free(b);
	return m;
}

/* A message with extra header lines hdr (may be "") and this subject. */
static int
detect(const char *hdr, const char *subject, const char **why)
{
	struct in_msg *m = NULL;
	const char *err;
	char raw[2048];
	int n, r;

	n = snprintf(raw, sizeof raw, "From: Someone <someone@example.com>\n"
	    "To: reply@mail.example.org\n%sSubject: %s\n\nHello.\n", hdr,
	    subject);
	CHECK(in_msg_parse(raw, (size_t)n, &m, &err) == 0);
	r = autoreply_detect(m, why);
	in_msg_free(&m);
	return r;
}

static void
test_samples(void)
{
	static const struct {
		const char *file;
		int autoreply;
		const char *why;	/* a word of the reason */
	} cases[] = {
		{ "ooo-en-outlook.eml", 1, "Auto-Submitted" },
		{ "ooo-es.eml", 1, "subject" },
		{ "ooo-fr.eml", 1, "subject" },
		{ "vacation-unix.eml", 1, "X-Autoreply" },
		{ "reply-normal.eml", 0, NULL },
		{ "reply-normal-crlf.eml", 0, NULL },
		{ "reply-absence-word.eml", 0, NULL },
		{ "reply-quoting-bounce.eml", 0, NULL },
		{ "calendar-accept-outlook.eml", 0, NULL },
		{ "empty.eml", 0, NULL },
	};
	struct dsn_report r;
	struct in_msg *m;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		m = load(cases[i].file);
		why = NULL;
		if (autoreply_detect(m, &why) != cases[i].autoreply)
			fprintf(stderr, "%s: wrong\n", cases[i].file);
		CHECK(autoreply_detect(m, &why) == cases[i].autoreply);
		if (cases[i].why)
			CHECK(why != NULL && strstr(why, cases[i].why) != NULL);
		else
			CHECK(why == NULL);
		/* and none of them is a bounce (SPEC 7 asks that first) */
		CHECK(dsn_parse(m, &r) == 0);
		dsn_report_free(&r);
		in_msg_free(&m);
	}
}

static void
test_headers(void)
{
	static const struct {
		const char *hdr;
		int autoreply;
	} cases[] = {
		{ "Auto-Submitted: auto-replied\n", 1 },
		{ "Auto-Submitted: auto-generated\n", 1 },
		{ "Auto-Submitted: auto-replied (vacation)\n", 1 },
		{ "auto-submitted: AUTO-NOTIFIED\n", 1 },
		{ "Auto-Submitted: no\n", 0 },
		{ "Auto-Submitted: No (a person wrote this)\n", 0 },
		{ "Auto-Submitted: \n", 0 },
		{ "X-Autoreply: yes\n", 1 },
		{ "X-Autorespond: Sorry, I am away\n", 1 },
		{ "X-Autoreply: no\n", 0 },
		{ "Precedence: bulk\n", 1 },
		{ "Precedence: junk\n", 1 },
		{ "Precedence: auto_reply\n", 1 },
		{ "Precedence: list\n", 0 },
		{ "Precedence: first-class\n", 0 },
		/* asks others not to answer; people's messages carry it too */
		{ "X-Auto-Response-Suppress: OOF, AutoReply\n", 0 },
		{ "X-MS-Exchange-Inbox-Rules-Loop: a@example.com\n", 0 },
		{ "", 0 },
	};
	const char *why;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (detect(cases[i].hdr, "Re: Invitation", &why) !=
		    cases[i].autoreply)
			fprintf(stderr, "header \"%s\": wrong\n", cases[i].hdr);
		CHECK(detect(cases[i].hdr, "Re: Invitation", &why) ==
		    cases[i].autoreply);
	}
}

static void
test_subjects(void)
{
	static const struct {
		const char *subject;
		int autoreply;
	} cases[] = {
		{ "Out of Office: Invitation: Spring Conference", 1 },
		{ "OUT OF OFFICE", 1 },
		{ "Automatic reply: Invitation", 1 },
		{ "Auto-Reply: Invitation", 1 },
		{ "Autoreply: Invitation", 1 },
		{ "Auto reply: Nyaan", 1 },
		{ "AutoResponse", 1 },
		{ "I am out of the office until 20 May", 1 },
		{ "Respuesta autom\xc3\xa1tica: Invitaci\xc3\xb3n", 1 },
		{ "RESPUESTA AUTOM\xc3\x81TICA", 1 },
		{ "Respuesta automatica: sin tilde", 1 },
		{ "Fuera de la oficina", 1 },
		{ "Ausente", 1 },
		{ "Ausente: hasta el lunes", 1 },
		{ "R\xc3\xa9ponse automatique : Invitation", 1 },
		{ "R\xc3\x89PONSE AUTOMATIQUE", 1 },
		{ "Absence", 1 },
		{ "Absent du bureau jusqu'au 22 mai", 1 },
		{ "=?UTF-8?B?UsOpcG9uc2UgYXV0b21hdGlxdWUgOiBJbnZpdGF0aW9u?=", 1 },
		{ "=?iso-8859-1?Q?Fuera_de_la_oficina?=", 1 },
		/* people */
		{ "Re: Invitation: Spring Conference", 0 },
		{ "Re: Absence of the keynote speaker", 0 },
		{ "Absentee ballot", 0 },
		{ "Ausentes en la reuni\xc3\xb3n", 0 },
		{ "Yes, I will attend", 0 },
		{ "Officially accepted", 0 },
		{ "", 0 },
	};
	const char *why;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int r = detect("", cases[i].subject, &why);

		if (r != cases[i].autoreply)
			fprintf(stderr, "subject \"%s\": wrong\n",
			    cases[i].subject);
		CHECK(r == cases[i].autoreply);
		if (r)
			CHECK_STR(why, "out-of-office subject");
	}
}

int
main(void)
{
	set_data_dir();
	test_samples();
	test_headers();
	test_subjects();
	return check_done("t_autoreply");
}
