/* Unit tests: mail/compose and mail/rfc2047, read back with libetpan. */
#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/buf.h"
#include "mail/compose.h"
#include "mail/rfc2047.h"

/* Every line ends in CRLF and none is longer than 998 octets. */
static void
check_lines(const char *s, size_t len)
{
	size_t i, start = 0;
	int bare = 0, longest = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n') {
			if (i == 0 || s[i - 1] != '\r')
				bare++;
			if ((int)(i - start) > longest)
				longest = (int)(i - start);
			start = i + 1;
		} else if (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n'))
			bare++;
	}
	CHECK(bare == 0);
	CHECK(longest <= 999);	/* 998 + the CR */
	CHECK(len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n');
}

static char *
decode_header(const char *v)
{
	size_t idx = 0;
	char *out = NULL;

	if (mailmime_encoded_phrase_parse("utf-8", v, strlen(v), &idx, "utf-8",
	    &out) != MAILIMF_NO_ERROR)
		return NULL;
	return out;
}

static void
test_rfc2047(void)
{
	struct buf b;
	char *d, longs[300];

	buf_init(&b, 1 << 16);
	CHECK(rfc2047_encode(&b, "plain ascii") == 0);
	CHECK_STR(b.data, "plain ascii");
	buf_reset(&b);
	CHECK(rfc2047_encode(&b, "Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez") == 0);
	CHECK_STR(b.data, "=?UTF-8?B?Sm9zw6kgTsO6w7Fleg==?=");
	buf_reset(&b);
	/* 150 two-byte characters: several words, none splits a character */
	for (int i = 0; i < 150; i++)
		memcpy(longs + 2 * i, "\xc3\xb1", 2);
	longs[300 - 1] = '\0';
	longs[298] = '\0';
	CHECK(rfc2047_encode(&b, longs) == 0);
	CHECK(strstr(b.data, "\r\n ") != NULL);
	d = decode_header(b.data);
	CHECK_STR(d, longs);
	free(d);
	buf_reset(&b);
	/* "=?" in plain text must be encoded, or a reader would decode it */
	CHECK(rfc2047_needed("a =?x?= b", 900));
	buf_free(&b);
}

static void
test_message(void)
{
	struct compose m = { 0 };
	struct buf out;
	const char *err = NULL;
	struct mailmime *mime = NULL;
	struct mailimf_single_fields sf;
	char body[2000], *subj;
	size_t idx = 0;

	memset(body, 'x', 1500);
	strcpy(body + 1500, "\n.leading dot\n.\nend\n");
	m.from_name = "Coordinating Office";
	m.from_addr = "office@example.org";
	m.to_name = "Ana P\xc3\xa9rez, \"Red\"";
	m.to_addr = "ana@redes.org";
	m.reply_to = "office+r1-0123456789abcdef0123@example.org";
	m.subject = "Invitaci\xc3\xb3n: reuni\xc3\xb3n de redes 2027";
	m.message_id = "m1-0123456789abcdef0123@example.org";
	m.in_reply_to = "m0-aaaa@example.org";
	m.references = "m0-aaaa@example.org";
	m.date = 1803978000;
	m.extra[0] = (struct compose_header){ "X-Herald-Campaign", "invite" };
	m.nextra = 1;
	m.text = body;
	m.html = "<p>Hola</p>\n";
	m.calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
	buf_init(&out, 1 << 20);
	CHECK(compose_build(&m, &out, &err) == 0);
	check_lines(out.data, out.len);
	CHECK(strstr(out.data, "Reply-To: office+r1-") != NULL);
	CHECK(strstr(out.data, "multipart/alternative") != NULL);
	CHECK(strstr(out.data, "method=\"REQUEST\"") != NULL);
	CHECK(mailmime_parse(out.data, out.len, &idx, &mime) ==
	    MAILIMF_NO_ERROR);
	if (mime) {
		mailimf_single_fields_init(&sf,
		    mime->mm_data.mm_message.mm_fields);
		CHECK(sf.fld_subject != NULL);
		if (sf.fld_subject) {
			subj = decode_header(sf.fld_subject->sbj_value);
			CHECK_STR(subj, m.subject);
			free(subj);
		}
		CHECK(sf.fld_message_id &&
		    strcmp(sf.fld_message_id->mid_value, m.message_id) == 0);
		CHECK(sf.fld_to != NULL);
		mailmime_free(mime);
	}

	/* a CR/LF in any header value is refused, nothing written */
	buf_reset(&out);
	m.to_name = "Evil\r\nBcc: a@evil.org";
	CHECK(compose_build(&m, &out, &err) == -1 && out.len == 0);
	m.to_name = "x";
	m.extra[0].value = "a\nb";
	CHECK(compose_build(&m, &out, &err) == -1 && out.len == 0);
	/* a value too long to encode is refused, never left out or NULL */
	{
		static char longv[3001];

		memset(longv, 'y', 3000);
		m.extra[0].value = longv;
		CHECK(compose_build(&m, &out, &err) == -1 && out.len == 0);
		m.extra[0].value = "ok";
		m.subject = longv;
		CHECK(compose_build(&m, &out, &err) == -1 && out.len == 0);
		m.subject = NULL;
		CHECK(compose_build(&m, &out, &err) == -1 && out.len == 0);
	}
	buf_free(&out);
}

/*
 * The field named name in msg: its first line starts with a word (no
 * fold right after the name), no line of it is white space alone or
 * longer than 78, and its value, unfolded and decoded, is want.
 */
static void
check_field(const char *msg, const char *name, const char *want)
{
	char head[64], *v, *d;
	const char *p, *e, *line;
	size_t n = 0;

	snprintf(head, sizeof head, "\r\n%s: ", name);
	p = strstr(msg, head);
	CHECK(p != NULL);
	if (p == NULL)
		return;
	p += strlen(head);
	CHECK(*p != ' ' && *p != '\r' && *p != '\t');
	/* the field ends at a line that does not start with white space */
	for (e = p; (e = strstr(e, "\r\n")) && (e[2] == ' ' || e[2] == '\t');)
		e += 2;
	CHECK(e != NULL);
	if (e == NULL)
		return;
	for (line = p - strlen(head) + 2; line < e;) {
		const char *le = strstr(line, "\r\n");

		CHECK(le - line <= 78);
		CHECK(strspn(line, " \t") < (size_t)(le - line));
		line = le + 2;
	}
	v = malloc((size_t)(e - p) + 1);
	/* unfold: drop each CRLF, keep the white space after it */
	for (; p < e; p++)
		if (*p != '\r' && *p != '\n')
			v[n++] = *p;
	v[n] = '\0';
	d = decode_header(v);
	CHECK(d != NULL);
	/* a display name: the field holds it, then the address */
	if (d && strcmp(name, "Subject") != 0)
		CHECK(strncmp(d, want, strlen(want)) == 0 &&
		    d[strlen(want)] == ' ' && d[strlen(want) + 1] == '<');
	else if (d) {
		if (strcmp(d, want) != 0)
			fprintf(stderr, "%s: got \"%s\"\n", name, d);
		CHECK_STR(d, want);
	}
	free(d);
	free(v);
}

/* Long subjects and names fold between words, the first on its line. */
static void
test_fold(void)
{
	static const char *const subjects[] = {
	    /* long ASCII: folded by libetpan at spaces */
	    "An invitation to the annual meeting of the research and "
	    "education networks of Latin America, 2027, in Geneva",
	    /* long non-ASCII: several encoded words */
	    "Invitaci\xc3\xb3n a la reuni\xc3\xb3n anual de las redes de "
	    "investigaci\xc3\xb3n y educaci\xc3\xb3n de Am\xc3\xa9rica "
	    "Latina 2027",
	    /* mixed: mostly ASCII, one accent */
	    "Re: Fwd: the agenda for the caf\xc3\xa9 session and the "
	    "discussion of the networks' regional plans for next year",
	    /* one ASCII word too long for the first line */
	    "Averyveryverylongsubjectwordwithoutanyspaceinsideitthatgoesonand"
	    "on and then some words",
	    /* short ones stay as they are */
	    "Hola", "Caf\xc3\xa9",
	};
	struct compose m = { 0 };
	struct buf out;
	const char *err;
	size_t i;

	m.from_name = "Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez de la Pe\xc3\xb1"
	    "a, Coordinaci\xc3\xb3n Regional de Redes Acad\xc3\xa9micas";
	m.from_addr = "office@example.org";
	m.to_name = "Mar\xc3\xad" "a Ib\xc3\xa1\xc3\xb1" "ez of the Regional "
	    "Research and Education Network Association";
	m.to_addr = "maria@example.net";
	m.message_id = "m1@example.org";
	m.date = 1803978000;
	m.text = "hi\n";
	buf_init(&out, 1 << 20);
	for (i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
		buf_reset(&out);
		m.subject = subjects[i];
		CHECK(compose_build(&m, &out, &err) == 0);
		buf_add(&out, "", 1);
		check_field(out.data, "Subject", subjects[i]);
		check_field(out.data, "From", m.from_name);
		check_field(out.data, "To", m.to_name);
	}
	buf_free(&out);
}

int
main(void)
{
	test_rfc2047();
	test_message();
	test_fold();
	return check_done("t_compose");
}
