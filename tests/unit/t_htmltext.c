/*
 * Unit tests: in/htmltext, an HTML body as text with its quotation
 * marked, in the shapes Gmail, Outlook (web and desktop), Apple Mail,
 * Thunderbird and Yahoo write; entities, white space, hostile markup.
 * Then in_msg_text() on HTML-only messages from tests/data/mail, read by
 * in/rsvptext as the classifier reads them.
 */
#include <stdlib.h>

#include "check.h"
#include "in/htmltext.h"
#include "in/msg.h"
#include "in/rsvptext.h"

static char datadir[1024];

static void
datadir_init(void)
{
	check_datadir(datadir, sizeof datadir, __FILE__, "mail");
}

/* The text of html, compared whole. */
static void
same(const char *html, const char *want)
{
	size_t len;
	char *t = htmltext_convert(html, strlen(html), &len);

	CHECK_STR(t, want);
	CHECK(len == strlen(t));
	free(t);
}

static void
test_text(void)
{
	same("", "");
	same("<p></p>", "");
	same("Yes", "Yes\n");
	same("<div>Yes,   we\r\n will\tattend.</div>", "Yes, we will attend.\n");
	same("<p>one</p><p>two</p>", "one\ntwo\n");
	same("a<br>b<br/>c<BR >d", "a\nb\nc\nd\n");
	same("a<br><br><br><br>b", "a\n\nb\n");
	same("<ul><li>x</li><li>y</li></ul>", "x\ny\n");
	same("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
	    "a b\nc\n");
	same("<b>bold</b> and <i>it</i>alic", "bold and italic\n");
	same("<pre>  two  spaces\r\n\tand a tab</pre>after",
	    "  two  spaces\n and a tab\nafter\n");
	same("<head><title>T</title><style>p{color:red}</style></head>"
	    "<body><script>alert('<b>')</script>Body</body>", "Body\n");
	same("<!-- a comment <b>x</b> -->kept", "kept\n");
	same("<!--[if gte mso 9]><xml><o:OfficeDocumentSettings/></xml>"
	    "<![endif]-->Yes<o:p></o:p>", "Yes\n");
	same("<!DOCTYPE html><html><body>x</body></html>", "x\n");
	same("a < b and c > d", "a < b and c > d\n");
	same("x<hr>y", "x\n________________________________\ny\n");
}

static void
test_entities(void)
{
	same("&lt;&gt;&amp;&quot;&apos;", "<>&\"'\n");
	same("caf&eacute; &Eacute;t&eacute; &ntilde; &ccedil;",
	    "caf\xc3\xa9 \xc3\x89t\xc3\xa9 \xc3\xb1 \xc3\xa7\n");
	same("&#233;&#xE9;&#XE9;&#x1F600;", "\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xf0\x9f\x98\x80\n");
	same("a&nbsp;&nbsp;b", "a b\n");
	same("&nbsp;x &amp y &lt", "x & y <\n");
	same("&iquest;hay&nbsp;interpretaci&oacute;n?",
	    "\xc2\xbfhay interpretaci\xc3\xb3n?\n");
	same("I&rsquo;ll be there", "I\xe2\x80\x99ll be there\n");
	/* unknown, unterminated, invalid: as written, or U+FFFD */
	same("&bogus; &eacute &#; &#x; &", "&bogus; &eacute &#; &#x; &\n");
	same("&#0;&#xD800;&#x110000;&#99999999999;",
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\n");
	same("a&#1;b&#x7f;c", "abc\n");
	same("&#60;b&#62;", "<b>\n");	/* decoded, never markup again */
}

static void
test_quotes(void)
{
	/* Gmail: attribution and quote inside div.gmail_quote */
	same("<div dir=\"ltr\">Yes, we will attend.</div><br><div "
	    "class=\"gmail_quote gmail_quote_container\"><div dir=\"ltr\" "
	    "class=\"gmail_attr\">On Mon, 3 Jun 2024 at 10:00, Ana &lt;"
	    "ana@x.org&gt; wrote:<br></div><blockquote class=\"gmail_quote\" "
	    "style=\"margin:0\"><div>Will you come?<div>Reply yes or no</div>"
	    "</div></blockquote></div><div>after</div>",
	    "Yes, we will attend.\n\n> On Mon, 3 Jun 2024 at 10:00, Ana "
	    "<ana@x.org> wrote:\n> Will you come?\n> Reply yes or no\n"
	    "after\n");
	/* Outlook on the web: everything after appendonsend */
	same("<div>No, sorry.</div><div id=\"appendonsend\"></div><hr "
	    "style=\"display:inline-block\"><div id=\"divRplyFwdMsg\"><b>From:"
	    "</b> Ana<br><b>Sent:</b> Monday</div><div>Will you come? yes</div>",
	    "No, sorry.\n> ________________________________\n> From: Ana\n"
	    "> Sent: Monday\n> Will you come? yes\n");
	/* Apple Mail and Thunderbird: blockquote type=cite, nested */
	same("<div>Oui</div><div><br><blockquote type=\"cite\"><div>Le 3 juin, "
	    "Ana a &eacute;crit&nbsp;:</div><blockquote type=cite>deep"
	    "</blockquote>mid</blockquote></div>tail",
	    "Oui\n\n> Le 3 juin, Ana a \xc3\xa9" "crit :\n> deep\n> mid\n"
	    "tail\n");
	same("<div class=\"moz-cite-prefix\">On 03/06/2024 10:00, Ana wrote:"
	    "<br></div><blockquote type=\"cite\" cite=\"mid:x@y\">Q?"
	    "</blockquote><p>Yes</p>",
	    "On 03/06/2024 10:00, Ana wrote:\n> Q?\nYes\n");
	/* Yahoo; a stray </div> does not end a quote early */
	same("<div>Si</div><div class=\"yahoo_quoted\"><div>old</div>"
	    "<div>older</div></div>new", "Si\n> old\n> older\nnew\n");
	same("</div></blockquote>a<blockquote>b", "a\n> b\n");
	/* quoted <pre> lines are each marked */
	same("<blockquote><pre>a\nb</pre></blockquote>", "> a\n> b\n");
}

static void
test_signatures(void)
{
	same("<div>Yes</div><div class=\"gmail_signature\">Ana<br>ACME</div>",
	    "Yes\n-- \nAna\nACME\n");
	same("<p>Oui</p><div id=\"Signature\">Paul</div>", "Oui\n-- \nPaul\n");
	same("<pre class=\"moz-signature\" cols=\"72\">Jo</pre>",
	    "-- \nJo\n");
	/* a signature inside a quote is only quoted text */
	same("<blockquote><div class=\"gmail_signature\">x</div></blockquote>",
	    "> x\n");
}

/* Broken markup ends cleanly; nothing is read past the end. */
static void
test_hostile(void)
{
	static const char *const cuts[] = {
		"<", "<d", "<div", "<div class=\"gmail_quote", "<div class='",
		"<!--", "<!-- x --", "<!", "<?xml", "&", "&#", "&#x", "&#12",
		"&eac", "<script>x", "<style", "</", "</div", "<a href=x",
		"\xc3", "\xe2\x80", "x\xf0\x9f\x98",
	};
	size_t i, len;
	char *t, *copy;

	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		len = strlen(cuts[i]);
		copy = malloc(len ? len : 1);
		memcpy(copy, cuts[i], len);	/* no NUL after it */
		t = htmltext_convert(copy, len, NULL);
		CHECK(t != NULL && strlen(t) <= len + 1);
		free(t);
		free(copy);
	}
	t = htmltext_convert(NULL, 5, &len);
	CHECK_STR(t, "");
	CHECK(len == 0);
	free(t);
	/* NUL bytes are white space */
	t = htmltext_convert("a\0b", 3, NULL);
	CHECK_STR(t, "a b\n");
	free(t);
	/* a stray lead byte does not swallow the '<' after it */
	same("x\xc3<br>y", "x\xc3\ny\n");
	same("<script>never closed <b>x</b>", "");
	same("<divvvvvvvvvvvvvvvvvvvvvvvvvvv>x</divvvvvvvvvvvvvvvvvvvvvvvvv>",
	    "x\n");
}

/* Deep nesting, huge output: bounded. */
static void
test_limits(void)
{
	size_t n = 3u * 1024 * 1024, i, len;
	char *big = malloc(n), *t;

	for (i = 0; i + 12 <= n; i += 12)
		memcpy(big + i, "<blockquote>", 12);
	for (; i < n; i++)
		big[i] = 'x';
	t = htmltext_convert(big, n, &len);
	CHECK(len <= HTMLTEXT_MAX);
	free(t);
	for (i = 0; i + 4 <= n; i += 4)
		memcpy(big + i, "<br>", 4);
	memcpy(big, "<pre>", 5);	/* then "br>" as text, then <br>s */
	t = htmltext_convert(big, n, &len);
	CHECK_STR(t, "br>\n\n");	/* at most one blank line in a row */
	free(t);
	for (i = 0; i < n; i++)
		big[i] = "&#x10FFFF;"[i % 10];
	t = htmltext_convert(big, n, &len);
	CHECK(len <= HTMLTEXT_MAX && len > 0);
	/* cut at a character boundary: the last byte ends a sequence */
	CHECK(len < 2 || (unsigned char)t[len - 2] >= 0x80);
	free(t);
	free(big);
}

/* HTML-only messages: in_msg_text() is their text, read for the answer. */
static void
test_messages(void)
{
	static const struct {
		const char *file;
		enum rsvp_answer want;
	} cases[] = {
		{ "html-gmail-yes-en-1.eml", RSVP_YES },
		{ "html-outlook-yes-en-1.eml", RSVP_YES },
		{ "html-apple-no-fr-1.eml", RSVP_NO },
		{ "html-thunderbird-yes-es-1.eml", RSVP_YES },
		{ "html-yahoo-maybe-en-1.eml", RSVP_MAYBE },
	};
	struct rsvptext_result r;
	struct in_msg *m;
	const char *err, *text;
	size_t i, len;
	char *raw;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		raw = check_slurp(datadir, cases[i].file, &len);
		CHECK(raw != NULL);
		if (raw == NULL)
			continue;
		CHECK(in_msg_parse(raw, len, &m, &err) == 0);
		text = in_msg_text(m, &len);
		CHECK(text != NULL && in_msg_text_is_html(m));
		CHECK(text == NULL || strlen(text) == len);
		rsvptext_read(text, &r);
		if (r.answer != cases[i].want)
			fprintf(stderr, "  %s: %s (%s)\n", cases[i].file,
			    rsvptext_name(r.answer), r.why);
		CHECK(r.answer == cases[i].want);
		in_msg_free(&m);
		free(raw);
	}
}

/* A text/plain part still wins over the HTML one. */
static void
test_plain_first(void)
{
	static const char raw[] = "From: a@x.org\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/alternative; boundary=b\n\n--b\n"
	    "Content-Type: text/html\n\n<p>html</p>\n--b\n"
	    "Content-Type: text/plain\n\nplain\n--b--\n";
	static const char att[] = "From: a@x.org\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: text/html\nContent-Disposition: attachment\n\n"
	    "<p>attached</p>\n--b--\n";
	struct in_msg *m;
	const char *err;

	CHECK(in_msg_parse(raw, sizeof raw - 1, &m, &err) == 0);
	CHECK(strncmp(in_msg_text(m, NULL), "plain", 5) == 0);
	CHECK(!in_msg_text_is_html(m));
	in_msg_free(&m);
	CHECK(in_msg_parse(att, sizeof att - 1, &m, &err) == 0);
	CHECK(in_msg_text(m, NULL) == NULL && !in_msg_text_is_html(m));
	in_msg_free(&m);
}

int
main(void)
{
	datadir_init();
	test_text();
	test_entities();
	test_quotes();
	test_signatures();
	test_hostile();
	test_limits();
	test_messages();
	test_plain_first();
	return check_done("t_htmltext");
}
