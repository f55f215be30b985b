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
	check_datadir(data_dir, sizeof data_dir, __FILE__, "");
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
		/* and none of them is a bounce (bounces are judged first) */
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
		/* a list's bulk mail is list mail, not an auto-reply */
		{ "List-Id: <news.lists.example.org>\nPrecedence: bulk\n", 0 },
		{ "List-Id: <news.lists.example.org>\nPrecedence: junk\n", 1 },
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
		/* German, Portuguese, Italian, Dutch */
		{ "Automatische Antwort: Einladung", 1 },
		{ "Abwesenheitsnotiz: Einladung zum Jahresessen", 1 },
		{ "Abwesend bis 24.06.", 1 },
		{ "Nicht im B\xc3\xbcro", 1 },
		{ "AU\xc3\x9f" "ER HAUS", 1 },
		{ "Au\xc3\x9f" "er Haus bis Montag", 1 },
		{ "Resposta autom\xc3\xa1tica: Convite", 1 },
		{ "Ausente do escrit\xc3\xb3rio", 1 },
		{ "Risposta automatica: Invito", 1 },
		{ "Fuori ufficio fino al 24 giugno", 1 },
		{ "Automatisch antwoord: Uitnodiging", 1 },
		{ "Afwezig", 1 },
		/* Russian (any case), Arabic, Chinese */
		{ "\xd0\x90\xd0\xb2\xd1\x82\xd0\xbe\xd0\xbc\xd0\xb0\xd1\x82\xd0"
		  "\xb8\xd1\x87\xd0\xb5\xd1\x81\xd0\xba\xd0\xb8\xd0\xb9 \xd0\xbe"
		  "\xd1\x82\xd0\xb2\xd0\xb5\xd1\x82: \xd0\x9f\xd1\x80\xd0\xb8\xd0"
		  "\xb3\xd0\xbb\xd0\xb0\xd1\x88\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5",
		  1 },	/* Автоматический ответ: Приглашение */
		{ "\xd0\x90\xd0\x92\xd0\xa2\xd0\x9e\xd0\x9e\xd0\xa2\xd0\x92\xd0"
		  "\x95\xd0\xa2", 1 },	/* АВТООТВЕТ */
		{ "\xd0\x9e\xd1\x82\xd0\xbf\xd1\x83\xd1\x81\xd0\xba", 1 },
							/* Отпуск */
		{ "\xd0\x9e\xd1\x82\xd0\xbf\xd1\x83\xd1\x81\xd0\xba\xd0\xb0 "
		  "\xd0\xb2 \xd0\xb8\xd1\x8e\xd0\xbb\xd0\xb5", 0 },
							/* Отпуска в июле */
		{ "\xd8\xb1\xd8\xaf \xd8\xaa\xd9\x84\xd9\x82\xd8\xa7\xd8\xa6\xd9"
		  "\x8a: \xd8\xaf\xd8\xb9\xd9\x88\xd8\xa9", 1 },	/* رد تلقائي: دعوة */
		{ "\xe8\x87\xaa\xe5\x8a\xa8\xe7\xad\x94\xe5\xa4\x8d: \xe9\x82\x80"
		  "\xe8\xaf\xb7", 1 },		/* 自动答复: 邀请 */
		{ "\xe8\x87\xaa\xe5\x8b\x95\xe5\x9b\x9e\xe8\xa6\x86\xef\xbc\x9a"
		  "\xe9\x82\x80\xe8\xab\x8b", 1 },	/* 自動回覆：邀請 */
		{ "=?UTF-8?B?0JDQstGC0L7QvtGC0LLQtdGC?=", 1 },	/* Автоответ */
		/* people */
		{ "Re: Invitation: Spring Conference", 0 },
		{ "Re: Einladung zum Jahresessen", 0 },
		{ "\xd0\x9e\xd1\x82\xd0\xb2\xd0\xb5\xd1\x82: \xd0\xb4\xd0\xb0",
		  0 },					/* Ответ: да */
		{ "\xe5\x9b\x9e\xe5\xa4\x8d\xef\xbc\x9a\xe9\x82\x80\xe8\xaf\xb7",
		  0 },					/* 回复：邀请 */
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

/* First lines of out-of-office notices, and people's replies. */
static void
test_text(void)
{
	static const struct {
		const char *text;
		int autoreply;
	} cases[] = {
		{ "Vielen Dank f\xc3\xbcr Ihre Nachricht. Ich bin bis zum 24. Juni "
		  "nicht im B\xc3\xbcro.", 1 },
		{ "Ich befinde mich im Urlaub.", 1 },
		{ "Obrigado pela sua mensagem. Estou de f\xc3\xa9rias at\xc3\xa9 "
		  "dia 24.", 1 },
		{ "Sono fuori ufficio fino al 24 giugno.", 1 },
		{ "Ik ben afwezig tot en met 24 juni.", 1 },
		{ "\xd0\xa1\xd0\xbf\xd0\xb0\xd1\x81\xd0\xb8\xd0\xb1\xd0\xbe "
		  "\xd0\xb7\xd0\xb0 \xd0\xbf\xd0\xb8\xd1\x81\xd1\x8c\xd0\xbc\xd0"
		  "\xbe. \xd0\xaf \xd0\xb2 \xd0\xbe\xd1\x82\xd0\xbf\xd1\x83\xd1\x81"
		  "\xd0\xba\xd0\xb5 \xd0\xb4\xd0\xbe 24 \xd0\xb8\xd1\x8e\xd0\xbd"
		  "\xd1\x8f.", 1 },	/* Спасибо за письмо. Я в отпуске до 24 июня. */
		{ "\xd8\xa3\xd9\x86\xd8\xa7 \xd9\x81\xd9\x8a \xd8\xa5\xd8\xac\xd8"
		  "\xa7\xd8\xb2\xd8\xa9 \xd8\xad\xd8\xaa\xd9\x89 24 \xd9\x8a\xd9"
		  "\x88\xd9\x86\xd9\x8a\xd9\x88", 1 },	/* أنا في إجازة حتى 24 يونيو */
		{ "\xe6\x82\xa8\xe5\xa5\xbd\xef\xbc\x8c\xe6\x88\x91\xe6\xad\xa3"
		  "\xe5\x9c\xa8\xe4\xbc\x91\xe5\x81\x87\xe3\x80\x82", 1 },
							/* 您好，我正在休假。 */
		/* people */
		{ "Ja, ich komme gerne.", 0 },
		{ "Sim, estarei presente.", 0 },
		{ "\xd0\x94\xd0\xb0, \xd1\x8f \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb4"
		  "\xd1\x83.", 0 },			/* Да, я приду. */
		{ "\xe5\xa5\xbd\xe7\x9a\x84\xef\xbc\x8c\xe6\x88\x91\xe4\xbc\x9a"
		  "\xe5\x8f\x82\xe5\x8a\xa0\xe3\x80\x82", 0 },	/* 好的，我会参加。 */
		{ NULL, 0 },
	};
	const char *phrase;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int r = autoreply_text_phrase(cases[i].text, &phrase);

		if (r != cases[i].autoreply)
			fprintf(stderr, "text %zu: wrong\n", i);
		CHECK(r == cases[i].autoreply);
		CHECK(r == autoreply_text(cases[i].text));
		CHECK(r ? phrase != NULL : phrase == NULL);
	}
}

int
main(void)
{
	set_data_dir();
	test_samples();
	test_headers();
	test_subjects();
	test_text();
	return check_done("t_autoreply");
}
