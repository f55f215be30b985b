/*
 * Unit tests: mail/relay, a member's copy of a list post. What the
 * poster writes must not become a header field of herald's (From,
 * Reply-To), the tag goes on once, and no post is refused for its
 * header's sake.
 */
#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "check.h"
#include "lib/buf.h"
#include "mail/relay.h"

static struct relay_headers
headers(const char *name, const char *tag, const char *subject)
{
	struct relay_headers h;

	memset(&h, 0, sizeof h);
	h.list = "net";
	h.lists_domain = "lists.example.org";
	h.poster_name = name;
	h.poster_addr = "ana@redes.org";
	h.tag = tag;
	h.subject = subject;
	h.unsubscribe = "mailto:office+u1-abc@example.org";
	return h;
}

/* The copy of raw, NUL-terminated (the caller frees the buf). */
static const char *
copy(struct buf *out, const char *raw, const struct relay_headers *h)
{
	const char *why = NULL;

	buf_init(out, 1 << 20);
	if (relay_build(raw, strlen(raw), h, out, &why) == -1) {
		fprintf(stderr, "  refused: %s\n", why);
		return NULL;
	}
	buf_add(out, "", 1);
	return out->data;
}

/* How many header fields named name (case-insensitive, at a line start). */
static int
fields(const char *msg, const char *name)
{
	const char *end = strstr(msg, "\r\n\r\n"), *p = msg;
	size_t n = strlen(name);
	int count = 0;

	while (p && p < end) {
		if (strncasecmp(p, name, n) == 0 && (p[n] == ':' ||
		    p[n] == ' ' || p[n] == '\t'))
			count++;
		if ((p = strstr(p, "\r\n")) != NULL)
			p += 2;
	}
	return count;
}

/* The copy, parsed back: its From display name, decoded. */
static char *
from_name(const char *msg)
{
	struct mailimf_fields *f = NULL;
	struct mailimf_single_fields sf;
	struct mailimf_mailbox *mb;
	char *out = NULL;
	size_t idx = 0;

	if (mailimf_envelope_and_optional_fields_parse(msg, strlen(msg), &idx,
	    &f) != MAILIMF_NO_ERROR)
		return NULL;
	mailimf_single_fields_init(&sf, f);
	if (sf.fld_from && clist_count(sf.fld_from->frm_mb_list->mb_list) == 1) {
		mb = clist_content(clist_begin(sf.fld_from->frm_mb_list->mb_list));
		idx = 0;
		if (mb->mb_display_name == NULL || mailmime_encoded_phrase_parse(
		    "utf-8", mb->mb_display_name, strlen(mb->mb_display_name),
		    &idx, "utf-8", &out) != MAILIMF_NO_ERROR)
			out = NULL;
	}
	mailimf_fields_free(f);
	return out;
}

/* The copy's Subject, parsed back and decoded (static; NULL if none). */
static const char *
subject_of(const char *msg)
{
	static char out[600];
	struct mailimf_fields *f = NULL;
	struct mailimf_single_fields sf;
	char *dec = NULL;
	size_t idx = 0;

	if (msg == NULL || mailimf_envelope_and_optional_fields_parse(msg,
	    strlen(msg), &idx, &f) != MAILIMF_NO_ERROR)
		return NULL;
	mailimf_single_fields_init(&sf, f);
	idx = 0;
	if (sf.fld_subject == NULL || mailmime_encoded_phrase_parse("utf-8",
	    sf.fld_subject->sbj_value, strlen(sf.fld_subject->sbj_value), &idx,
	    "utf-8", &dec) != MAILIMF_NO_ERROR) {
		mailimf_fields_free(f);
		return NULL;
	}
	snprintf(out, sizeof out, "%s", dec);
	free(dec);
	mailimf_fields_free(f);
	return out;
}

static void
test_bare_cr_adds_no_field(void)
{
	struct relay_headers h = headers("Ana", "", "hi");
	struct buf b;
	const char *m = copy(&b, "From: Ana <ana@redes.org>\r\n"
	    "Subject: hi\rFrom: \"CEO\" <ceo@bank.example>\r"
	    "Reply-To: phish@evil.example\r\n\r\nbody\r\n", &h);

	CHECK(m != NULL);
	if (m) {
		CHECK(fields(m, "From") == 1);
		CHECK(fields(m, "Reply-To") == 1);
		CHECK(strstr(m, "\r\nReply-To: <ana@redes.org>\r\n") != NULL);
		CHECK(strstr(m, "\rFrom") == NULL);
	}
	buf_free(&b);
}

static void
test_space_before_colon_is_dropped(void)
{
	struct relay_headers h = headers("Ana", "", "x");
	struct buf b;
	const char *m = copy(&b, "From : \"CEO\" <ceo@bank.example>\r\n"
	    "Reply-To\t: phish@evil.example\r\nSubject: x\r\n"
	    "Disposition-Notification-To: ana@redes.org\r\n"
	    "Bcc: hidden@example.net\r\n\r\nbody\r\n", &h);

	CHECK(m != NULL);
	if (m) {
		CHECK(fields(m, "From") == 1);
		CHECK(fields(m, "Reply-To") == 1);
		CHECK(fields(m, "Disposition-Notification-To") == 0);
		CHECK(fields(m, "Bcc") == 0);
		CHECK(strstr(m, "ceo@bank") == NULL);
	}
	buf_free(&b);
}

static void
test_names_are_quoted_or_encoded(void)
{
	static const char *const names[] = {
		"a\" <evil@attacker.example>, \"b",	/* quote injection */
		"John \"JJ\" Smith", "back\\slash", "Ana P\xc3\xa9rez",
		"line\nbreak", "tab\there", NULL
	};
	char want[300], *got;
	struct relay_headers h;
	struct buf b;
	const char *m;
	size_t i;

	for (i = 0; names[i]; i++) {
		h = headers(names[i], "", "x");
		m = copy(&b, "From: x@y.example\r\nSubject: x\r\n\r\nb\r\n", &h);
		CHECK(m != NULL);
		if (m == NULL)
			continue;
		CHECK(fields(m, "From") == 1);
		got = from_name(m);
		CHECK(got != NULL);
		snprintf(want, sizeof want, "%s via net", names[i]);
		/* controls became spaces */
		for (char *p = want; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
		if (got)
			CHECK_STR(got, want);
		CHECK(strstr(m, "<evil@attacker.example>") == NULL ||
		    strstr(m, "From: \"a\" <evil") == NULL);
		free(got);
		buf_free(&b);
	}
}

static void
test_long_name_is_cut_on_a_character(void)
{
	char name[1201], *got;
	struct relay_headers h;
	struct buf b;
	const char *m;
	size_t i;

	for (i = 0; i < 600; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);	/* é */
	name[1200] = '\0';
	h = headers(name, "", "x");
	m = copy(&b, "From: x@y.example\r\nSubject: x\r\n\r\nb\r\n", &h);
	CHECK(m != NULL);
	if (m) {
		got = from_name(m);
		CHECK(got != NULL && strlen(got) < 260);
		CHECK(got != NULL && strstr(got, " via net") != NULL);
		free(got);
	}
	buf_free(&b);
}

static void
test_tag_once(void)
{
	static const struct {
		const char *subject_field, *decoded;
		int tagged;	/* the copy gets "[net]" added */
	} cases[] = {
		{ "Subject: hello", "hello", 1 },
		{ "Subject: [net] hello", "[net] hello", 0 },
		{ "Subject: Re: [net] hello", "Re: [net] hello", 0 },
		{ "Subject: [NET] hello", "[NET] hello", 0 },
		{ "Subject: =?UTF-8?B?W25ldF0gaGVsbG8=?=", "[net] hello", 0 },
		{ "Subject: \r\n [net] folded", "[net] folded", 0 },
		{ "Subject:\r\n folded", "folded", 1 },
		{ "Subject: [network] other", "[network] other", 1 },
	};
	char raw[400];
	struct relay_headers h;
	struct buf b;
	const char *m;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(raw, sizeof raw, "From: ana@redes.org\r\n%s\r\n\r\nb\r\n",
		    cases[i].subject_field);
		h = headers("Ana", "net", cases[i].decoded);
		m = copy(&b, raw, &h);
		CHECK(m != NULL);
		if (m) {
			CHECK(fields(m, "Subject") == 1);
			CHECK((strstr(m, "Subject: [net]\r\n") != NULL) ==
			    cases[i].tagged);
		}
		buf_free(&b);
	}
	/* no subject at all: the tag alone */
	h = headers("Ana", "net", NULL);
	m = copy(&b, "From: ana@redes.org\r\n\r\nb\r\n", &h);
	CHECK(m != NULL && strstr(m, "Subject: [net]\r\n") != NULL);
	buf_free(&b);
	/* a non-ASCII tag is encoded, never raw 8-bit */
	h = headers("Ana", "r\xc3\xa9seau", "x");
	m = copy(&b, "From: ana@redes.org\r\nSubject: x\r\n\r\nb\r\n", &h);
	CHECK(m != NULL && strstr(m, "Subject: =?") != NULL);
	CHECK(subject_of(m) != NULL &&
	    strcmp(subject_of(m), "[r\xc3\xa9seau] x") == 0);
	if (m)
		for (i = 0; m[i] && strncmp(m + i, "\r\n\r\n", 4) != 0; i++)
			if ((unsigned char)m[i] >= 0x80) {
				CHECK(!"8-bit byte in the header");
				break;
			}
	buf_free(&b);
	/* ... and before an encoded subject, the blank survives decoding */
	h = headers("Ana", "r\xc3\xa9seau", "caf\xc3\xa9");
	m = copy(&b, "From: ana@redes.org\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\n"
	    "\r\nb\r\n", &h);
	CHECK(subject_of(m) != NULL &&
	    strcmp(subject_of(m), "[r\xc3\xa9seau] caf\xc3\xa9") == 0);
	buf_free(&b);
	h = headers("Ana", "net", "caf\xc3\xa9");
	m = copy(&b, "From: ana@redes.org\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\n"
	    "\r\nb\r\n", &h);
	CHECK(subject_of(m) != NULL &&
	    strcmp(subject_of(m), "[net] caf\xc3\xa9") == 0);
	buf_free(&b);
}

static void
test_tag_never_makes_a_long_line(void)
{
	char raw[1200], subj[990];
	struct relay_headers h;
	struct buf b;
	const char *m, *p, *q;

	memset(subj, 'x', sizeof subj - 1);
	subj[sizeof subj - 1] = '\0';
	snprintf(raw, sizeof raw, "From: ana@redes.org\r\nSubject: %s\r\n\r\n"
	    "b\r\n", subj);
	h = headers("Ana", "net", subj);
	m = copy(&b, raw, &h);
	CHECK(m != NULL);
	for (p = m; m && (q = strstr(p, "\r\n")) != NULL; p = q + 2)
		CHECK(q - p <= 998);
	buf_free(&b);
}

static void
test_header_only_post_is_relayed(void)
{
	struct relay_headers h = headers("Ana", "", "only a subject");
	struct buf b;
	const char *m = copy(&b, "From: ana@redes.org\r\n"
	    "Subject: only a subject\r\n", &h);

	CHECK(m != NULL);
	CHECK(m != NULL && strstr(m, "Subject: only a subject\r\n") != NULL);
	buf_free(&b);
}

static void
test_unwritable_poster_address_replies_to_the_list(void)
{
	struct relay_headers h = headers("", "", "x");
	struct buf b;
	const char *m;

	h.poster_addr = "ana\"@r\xc3\xa9" "des.org";
	m = copy(&b, "From: x\r\nSubject: x\r\n\r\nb\r\n", &h);
	CHECK(m != NULL);
	CHECK(m != NULL && strstr(m,
	    "Reply-To: <net@lists.example.org>\r\n") != NULL);
	buf_free(&b);
}

static void
test_date_and_message_id_when_missing(void)
{
	struct relay_headers h = headers("Ana", "", "x");
	struct buf b;
	const char *m;

	h.date = 1800000000;
	h.message_id = "m7-abc@example.org";
	m = copy(&b, "From: ana@redes.org\r\nSubject: x\r\n\r\nb\r\n", &h);
	CHECK(m != NULL && fields(m, "Date") == 1);
	CHECK(m != NULL && strstr(m, "Message-ID: <m7-abc@example.org>\r\n"));
	CHECK(m != NULL && strstr(m, "2027") != NULL);
	/* always UTC: libetpan would write India's +0530 as +0550 */
	CHECK(m != NULL && strstr(m, "+0000\r\n") != NULL);
	buf_free(&b);
	/* the poster's own are kept, none added */
	m = copy(&b, "From: ana@redes.org\r\nDate: Mon, 1 Feb 2027 10:00:00 "
	    "+0000\r\nMessage-Id: <own@redes.org>\r\nSubject: x\r\n\r\nb\r\n",
	    &h);
	CHECK(m != NULL && fields(m, "Date") == 1);
	CHECK(m != NULL && fields(m, "Message-ID") == 1);
	CHECK(m != NULL && strstr(m, "<own@redes.org>") != NULL);
	buf_free(&b);
}

/*
 * A note for the member goes first, in a part of its own: the copy is
 * multipart/mixed, the post's Content-* fields move into its part, and
 * its body bytes are unchanged.
 */
static void
test_note_goes_first_in_its_own_part(void)
{
	struct relay_headers h = headers("Ana", "", "x");
	struct buf b;
	const char *m;
	const char *post = "From: ana@redes.org\r\nSubject: x\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/plain;\r\n"
	    " charset=iso-8859-1\r\nContent-Transfer-Encoding: "
	    "quoted-printable\r\n\r\nCaf=E9 =\r\nau lait\r\n";

	h.note = "Reply \"relay\" to pass it on.\n";
	m = copy(&b, post, &h);
	CHECK(m != NULL);
	if (m == NULL)
		return;
	CHECK(fields(m, "MIME-Version") == 1);
	CHECK(strstr(m, "Content-Type: multipart/mixed; boundary=\""
	    "=_herald_note_0\"\r\n") != NULL);
	CHECK(strstr(m, "\r\n\r\n--=_herald_note_0\r\nContent-Type: "
	    "text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit"
	    "\r\n\r\nReply \"relay\" to pass it on.\r\n") != NULL);
	/* the post's own part: its fields, folded as they were, its bytes */
	CHECK(strstr(m, "--=_herald_note_0\r\nContent-Type: text/plain;\r\n"
	    " charset=iso-8859-1\r\nContent-Transfer-Encoding: "
	    "quoted-printable\r\n\r\nCaf=E9 =\r\nau lait\r\n"
	    "--=_herald_note_0--\r\n") != NULL);
	buf_free(&b);
	/* a boundary the post already holds is not used */
	m = copy(&b, "From: a@b.example\r\nSubject: x\r\n\r\n"
	    "--=_herald_note_0\r\n", &h);
	CHECK(m != NULL && strstr(m, "boundary=\"=_herald_note_1\"") != NULL);
	/* a post without Content-Type is text/plain in its part */
	CHECK(m != NULL && strstr(m, "--=_herald_note_1\r\nContent-Type: "
	    "text/plain; charset=us-ascii\r\n\r\n--=_herald_note_0\r\n")
	    != NULL);
	buf_free(&b);
}

static void
test_has_tag(void)
{
	CHECK(relay_has_tag("[net] x", "net"));
	CHECK(relay_has_tag("Re: [Net] x", "net"));
	CHECK(!relay_has_tag("[network] x", "net"));
	CHECK(!relay_has_tag("net x", "net"));
	CHECK(!relay_has_tag(NULL, "net"));
	CHECK(!relay_has_tag("[net", "net"));
}

/*
 * A post made ready once (relay_prep) gives every member the copy that
 * relay_build gives: their own unsubscribe address, Date and Message-ID.
 */
static void
test_prep_serves_every_member(void)
{
	static const char *const posts[] = {
		"From: Ana <ana@redes.org>\r\nSubject: News\r\n"
		    "DKIM-Signature: a=b;\r\n c=d\r\n\r\nHello\r\n",
		"From: Ana <ana@redes.org>\nSubject: =?UTF-8?B?w6k=?=\n\n"
		    "no date\nbare\rends",
		"Subject: only a header\r\n",
	};
	const char *unsub[] = { "mailto:office+u1-a@example.org",
	    "mailto:office+u2-b@example.org" };
	struct relay_prep p;
	struct relay_headers h;
	struct buf a, b;
	const char *why;
	size_t i, k;

	for (i = 0; i < sizeof posts / sizeof posts[0]; i++) {
		h = headers("Ana", "net", i == 1 ? "\xc3\xa9" : "News");
		CHECK(relay_prep_init(&p, posts[i], strlen(posts[i]), h.tag,
		    h.subject) == 0);
		for (k = 0; k < 2; k++) {
			h.unsubscribe = unsub[k];
			h.date = 1700000000 + (int64_t)k;
			h.message_id = k ? "m2-x@example.org" : "m1-y@example.org";
			copy(&a, posts[i], &h);
			buf_init(&b, 1 << 20);
			CHECK(relay_prep_build(&p, &h, &b, &why) == 0);
			buf_add(&b, "", 1);
			CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
			buf_free(&a);
			buf_free(&b);
		}
		relay_prep_free(&p);
	}
	/* a post too large for the copy is refused, nothing left to free */
	buf_init(&b, 16);
	h = headers("Ana", "", "News");
	CHECK(relay_prep_init(&p, posts[0], strlen(posts[0]), "", "News") == 0);
	CHECK(relay_prep_build(&p, &h, &b, &why) == -1);
	relay_prep_free(&p);
	buf_free(&b);
}

int
main(void)
{
	/* a half-hour zone: the Date must not depend on it */
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	test_bare_cr_adds_no_field();
	test_space_before_colon_is_dropped();
	test_names_are_quoted_or_encoded();
	test_long_name_is_cut_on_a_character();
	test_tag_once();
	test_tag_never_makes_a_long_line();
	test_header_only_post_is_relayed();
	test_unwritable_poster_address_replies_to_the_list();
	test_date_and_message_id_when_missing();
	test_note_goes_first_in_its_own_part();
	test_has_tag();
	test_prep_serves_every_member();
	return check_done("t_relay");
}
