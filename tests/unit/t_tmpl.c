/* Unit tests: tmpl (the template engine, herald(1) TEMPLATES). */
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "lib/buf.h"
#include "lib/xmalloc.h"
#include "tmpl/tmpl.h"

struct kv {
	const char *k, *v;
};

static const struct kv vals[] = {
	{ "contact.name", "Jane Doe" },
	{ "contact.email", "jane@example.org" },
	{ "contact.organisation", "Red Cedar" },
	{ "contact.role", "" },
	{ "contact.attr.funding", "yes" },
	{ "event.title", "Summit 2017" },
	{ "event.location", "Quito" },
	{ "campaign.name", "invite-1" },
	{ "sender.name", "Coordinating Office" },
	{ "rsvp.yes", "mailto:yes@example.org" },
	{ "rsvp.no", "mailto:no@example.org" },
	{ "list.name", "delegates" },
	{ "unsubscribe", "mailto:unsub@example.org" },
	{ NULL, NULL }
};

static const char *
lookup(void *ctx, const char *name)
{
	const struct kv *kv = ctx ? ctx : vals;

	for (; kv->k; kv++)
		if (strcmp(kv->k, name) == 0)
			return kv->v;
	return NULL;
}

static char datadir[1024];

static void
datadir_init(void)
{
	check_datadir(datadir, sizeof datadir, __FILE__, "tmpl");
}

static struct tmpl *
parse(enum tmpl_kind kind, const char *src)
{
	struct tmpl_error errs[4];
	struct tmpl *t = NULL;
	size_t n = 0, i;

	if (tmpl_parse("t.txt", src, strlen(src), kind, &t, errs, 4, &n) == -1)
		for (i = 0; i < n && i < 4; i++)
			fprintf(stderr, "  unexpected: %d:%d: %s\n",
			    errs[i].line, errs[i].col, errs[i].msg);
	return t;
}

/* Parsing fails and the first error is at line:col and mentions want. */
static void
bad_at(enum tmpl_kind kind, const char *src, int line, int col,
    const char *want)
{
	struct tmpl_error errs[8];
	struct tmpl *t = NULL;
	size_t n = 0;
	int rc;

	rc = tmpl_parse("t.txt", src, strlen(src), kind, &t, errs, 8, &n);
	CHECK(rc == -1 && t == NULL && n > 0);
	if (rc != -1 || n == 0) {
		fprintf(stderr, "  accepted: %s\n", src);
		tmpl_free(&t);
		return;
	}
	CHECK(errs[0].line == line && errs[0].col == col);
	CHECK(strstr(errs[0].msg, want) != NULL);
	CHECK_STR(errs[0].file, "t.txt");
	if (errs[0].line != line || errs[0].col != col ||
	    !strstr(errs[0].msg, want))
		fprintf(stderr, "  %s\n  -> %d:%d: %s\n", src, errs[0].line,
		    errs[0].col, errs[0].msg);
}

static void
bad(enum tmpl_kind kind, const char *src, const char *want)
{
	struct tmpl_error errs[8];
	struct tmpl *t = NULL;
	size_t n = 0;

	CHECK(tmpl_parse("t.txt", src, strlen(src), kind, &t, errs, 8,
	    &n) == -1 && n > 0);
	if (t != NULL || n == 0) {
		fprintf(stderr, "  accepted: %s\n", src);
		tmpl_free(&t);
		return;
	}
	CHECK(strstr(errs[0].msg, want) != NULL);
	if (!strstr(errs[0].msg, want))
		fprintf(stderr, "  %s\n  -> %s (wanted %s)\n", src,
		    errs[0].msg, want);
}

/* Render src's body as kind; NULL on error (*err filled). */
static char *
body(enum tmpl_kind kind, const char *src, const struct kv *kv, size_t cap,
    struct tmpl_error *err)
{
	struct tmpl *t = parse(kind, src);
	struct buf b;
	char *out = NULL;

	CHECK(t != NULL);
	if (t == NULL)
		return NULL;
	buf_init(&b, cap ? cap : TMPL_RENDER_MAX);
	if (tmpl_render(t, lookup, (void *)kv, &b, err) == 0)
		out = buf_steal(&b);
	buf_free(&b);
	tmpl_free(&t);
	return out;
}

static void
body_is(enum tmpl_kind kind, const char *src, const char *want)
{
	struct tmpl_error err;
	char *out = body(kind, src, NULL, 0, &err);

	if (out == NULL)
		fprintf(stderr, "  render failed: %d:%d: %s\n", err.line,
		    err.col, err.msg);
	CHECK_STR(out, want);
	free(out);
}

static void
body_fails(enum tmpl_kind kind, const char *src, const struct kv *kv,
    int line, int col, const char *want)
{
	struct tmpl_error err;
	char *out = body(kind, src, kv, 0, &err);

	CHECK(out == NULL);
	free(out);
	if (out != NULL)
		return;
	CHECK(err.line == line && err.col == col);
	CHECK(strstr(err.msg, want) != NULL);
	if (err.line != line || err.col != col || !strstr(err.msg, want))
		fprintf(stderr, "  %d:%d: %s (wanted %s)\n", err.line,
		    err.col, err.msg, want);
}

static void
test_variables(void)
{
	body_is(TMPL_PARTIAL_TXT, "Hello {{contact.name}}!", "Hello Jane Doe!");
	body_is(TMPL_PARTIAL_TXT, "{{ contact.name }}|{{\tcontact.email\t}}",
	    "Jane Doe|jane@example.org");
	body_is(TMPL_PARTIAL_TXT, "{{contact.attr.funding}}", "yes");
	body_is(TMPL_PARTIAL_TXT, "", "");
	body_is(TMPL_PARTIAL_TXT, "no tags\n", "no tags\n");
	/* a lone brace is text */
	body_is(TMPL_PARTIAL_TXT, "a { b } c {x} }} { {", "a { b } c {x} }} { {");
	body_is(TMPL_PARTIAL_TXT, "{x}{{contact.name}}}", "{x}Jane Doe}");
	/* every known variable parses */
	CHECK(tmpl_var_known("contact.name") && tmpl_var_known("unsubscribe"));
	CHECK(tmpl_var_known("contact.language"));
	CHECK(tmpl_var_known("rsvp.maybe") && tmpl_var_known("event.end"));
	CHECK(tmpl_var_known("contact.attr.x"));
	CHECK(!tmpl_var_known("contact.attr."));
	CHECK(!tmpl_var_known("contact"));
	CHECK(!tmpl_var_known("env"));
	CHECK(!tmpl_var_known("contact.name.x"));
}

static void
test_sections(void)
{
	body_is(TMPL_PARTIAL_TXT, "a{{#contact.name}}[set]{{/contact.name}}b",
	    "a[set]b");
	body_is(TMPL_PARTIAL_TXT, "a{{#event.end}}[set]{{/event.end}}b", "ab");
	/* empty counts as false */
	body_is(TMPL_PARTIAL_TXT, "a{{#contact.role}}[set]{{/contact.role}}b",
	    "ab");
	body_is(TMPL_PARTIAL_TXT, "{{^contact.role}}none{{/contact.role}}",
	    "none");
	body_is(TMPL_PARTIAL_TXT, "{{^event.end}}none{{/event.end}}", "none");
	body_is(TMPL_PARTIAL_TXT, "{{^contact.name}}none{{/contact.name}}", "");
	/* nested, and an undefined variable inside a false section is fine */
	body_is(TMPL_PARTIAL_TXT, "{{#contact.name}}1{{#event.title}}2"
	    "{{^event.end}}3{{/event.end}}{{/event.title}}{{/contact.name}}"
	    "{{#event.end}}{{event.end}}{{/event.end}}", "123");
	/* the same section twice, and inverted inside normal */
	body_is(TMPL_PARTIAL_TXT, "{{#event.title}}a{{/event.title}}"
	    "{{#event.title}}b{{/event.title}}", "ab");
	/* standalone lines disappear, with their indentation */
	body_is(TMPL_PARTIAL_TXT,
	    "Dear {{contact.name}},\n"
	    "{{#contact.organisation}}\n"
	    "  of {{contact.organisation}}\n"
	    "  {{/contact.organisation}}  \n"
	    "{{^contact.organisation}}\n"
	    "no org\n"
	    "{{/contact.organisation}}\n"
	    "end\n",
	    "Dear Jane Doe,\n  of Red Cedar\nend\n");
	/* a tag sharing its line with text is not standalone */
	body_is(TMPL_PARTIAL_TXT, "x {{#contact.name}}\ny\n{{/contact.name}} z\n",
	    "x \ny\n z\n");
	/* standalone at the end of input, no newline */
	body_is(TMPL_PARTIAL_TXT, "a\n{{#contact.name}}\nb\n{{/contact.name}}",
	    "a\nb\n");
	/* CRLF source: normalised to LF, standalone still works */
	body_is(TMPL_PARTIAL_TXT, "a\r\n{{#contact.name}}\r\nb\r\n"
	    "{{/contact.name}}\r\nc\r\n", "a\nb\nc\n");
}

/* {{#funding}} / {{^funding}} for a funding value v gives want. */
static void
section_is(const char *v, const char *want)
{
	struct kv kv[] = { { "contact.attr.funding", v }, { NULL, NULL } };
	struct tmpl_error err;
	char *out = body(TMPL_PARTIAL_TXT, "[{{#contact.attr.funding}}funded"
	    "{{/contact.attr.funding}}{{^contact.attr.funding}}not"
	    "{{/contact.attr.funding}}]", kv, 0, &err);

	CHECK_STR(out, want);
	if (out == NULL || strcmp(out, want) != 0)
		fprintf(stderr, "  funding='%s'\n", v ? v : "(null)");
	free(out);
}

/* Sections read the words imported data uses for "no" as false. */
static void
test_false_words(void)
{
	static const char *const no[] = { "", "0", "no", "No", "NO", "false",
	    "FALSE", "off", "Off", "non", "NON", "nein", "Nein", " no ",
	    "\tfalse", NULL };
	static const char *const yes[] = { "yes", "1", "true", "on", "oui",
	    "ja", "si", "government", "none", "nope", "00", "no way", NULL };
	struct kv kv[] = { { "contact.attr.funding", "no" }, { NULL, NULL } };
	const char *const *w;
	struct tmpl_error err;
	char *out;

	CHECK(!tmpl_value_true(NULL));
	section_is(NULL, "[not]");
	for (w = no; *w; w++) {
		CHECK(!tmpl_value_true(*w));
		section_is(*w, "[not]");
	}
	for (w = yes; *w; w++) {
		CHECK(tmpl_value_true(*w));
		section_is(*w, "[funded]");
	}
	/* a false word is still a value: {{var}} prints it */
	out = body(TMPL_PARTIAL_TXT, "{{contact.attr.funding}}", kv, 0, &err);
	CHECK_STR(out, "no");
	free(out);
}

static void
test_comments(void)
{
	body_is(TMPL_PARTIAL_TXT, "a{{! a comment }}b", "ab");
	body_is(TMPL_PARTIAL_TXT, "a\n{{! standalone }}\nb\n", "a\nb\n");
	body_is(TMPL_PARTIAL_TXT, "a\n  {{! several\nlines { }\n}}  \nb",
	    "a\nb");
	/* a comment ends at the first }} */
	body_is(TMPL_PARTIAL_TXT, "{{! x {{contact.name}} y}}", " y}}");
	body_is(TMPL_PARTIAL_TXT, "a{{!{{env \"X\"}}b", "ab");
	bad_at(TMPL_PARTIAL_TXT, "ok\nx {{! never closed", 2, 3,
	    "comment is not closed");
}

static void
test_syntax_errors(void)
{
	bad_at(TMPL_PARTIAL_TXT, "{{env \"SMTP_PASSWORD\"}}", 1, 1,
	    "invalid tag");
	bad(TMPL_PARTIAL_TXT, "{{{contact.name}}}", "unescaped");
	bad(TMPL_PARTIAL_TXT, "{{&contact.name}}", "unescaped");
	bad(TMPL_PARTIAL_TXT, "{{=<% %>=}}", "delimiters");
	bad(TMPL_PARTIAL_TXT, "{{> ../../etc/passwd}}", "invalid partial name");
	bad(TMPL_PARTIAL_TXT, "{{>/etc/passwd}}", "invalid partial name");
	bad(TMPL_PARTIAL_TXT, "{{> a/b}}", "invalid partial name");
	bad(TMPL_PARTIAL_TXT, "{{> footer.txt}}", "invalid partial name");
	bad(TMPL_PARTIAL_TXT, "{{Contact.Name}}", "lower case");
	bad(TMPL_PARTIAL_TXT, "{{}}", "needs a name");
	bad(TMPL_PARTIAL_TXT, "{{ }}", "needs a name");
	bad(TMPL_PARTIAL_TXT, "{{#}}x{{/}}", "needs a name");
	bad(TMPL_PARTIAL_TXT, "{{contact.name contact.email}}", "invalid tag");
	bad(TMPL_PARTIAL_TXT, "{{contact.name}", "not closed");
	bad(TMPL_PARTIAL_TXT, "{{contact.name\n}}", "not closed");
	bad(TMPL_PARTIAL_TXT, "{{", "not closed");
	bad(TMPL_PARTIAL_TXT, "text {{", "not closed");
	bad(TMPL_PARTIAL_TXT, "{{ contact.name", "not closed");
	bad(TMPL_PARTIAL_TXT, "{{contact.phone}}", "unknown variable "
	    "'contact.phone'");
	bad(TMPL_PARTIAL_TXT, "{{#env}}x{{/env}}", "unknown variable 'env'");
	{
		/* one mistake, one error: the close still matches */
		const char *src = "{{#foo}}x{{/foo}}{{^bar}}{{/bar}}";
		struct tmpl_error e[4];
		struct tmpl *t;
		size_t n;

		CHECK(tmpl_parse("u", src, strlen(src), TMPL_PARTIAL_TXT, &t, e,
		    4, &n) == -1 && n == 2);
	}
	bad(TMPL_PARTIAL_TXT, "{{contact.attr.}}", "unknown variable");
	bad(TMPL_PARTIAL_TXT, "{{ contact.name | upper }}", "invalid tag");
	bad_at(TMPL_PARTIAL_TXT, "a\n\n  {{#contact.name}}x", 3, 3,
	    "section 'contact.name' is not closed");
	bad_at(TMPL_PARTIAL_TXT, "{{#contact.name}}{{/contact.email}}", 1, 18,
	    "closes no open section");
	bad_at(TMPL_PARTIAL_TXT, "a\n{{/contact.name}}", 2, 1,
	    "closes no open section");
	bad_at(TMPL_PARTIAL_TXT, "{{#event.title}}{{#contact.name}}"
	    "{{/event.title}}", 1, 34, "still open");
	bad_at(TMPL_HTML, "<p>\xc3\xa9t\xc3\xa9 {{nope}}</p>", 1, 8,
	    "unknown variable 'nope'");
	bad_at(TMPL_PARTIAL_TXT, "ok\nbad \xff byte\n", 2, 1, "UTF-8");
}

static void
test_nul(void)
{
	struct tmpl_error e;
	struct tmpl *t;
	size_t n;

	CHECK(tmpl_parse("n", "ab\0{{x}}", 8, TMPL_PARTIAL_TXT, &t, &e, 1,
	    &n) == -1 && t == NULL);
	CHECK(n == 1 && strstr(e.msg, "NUL") && e.line == 1 && e.col == 3);
}

static void
test_nesting(void)
{
	struct buf b;
	int i;

	buf_init(&b, 1 << 16);
	for (i = 0; i < TMPL_NEST_MAX; i++)
		buf_adds(&b, "{{#contact.name}}");
	buf_adds(&b, "deep");
	for (i = 0; i < TMPL_NEST_MAX; i++)
		buf_adds(&b, "{{/contact.name}}");
	body_is(TMPL_PARTIAL_TXT, b.data, "deep");
	buf_reset(&b);
	for (i = 0; i < TMPL_NEST_MAX + 1; i++)
		buf_adds(&b, "{{#contact.name}}");
	for (i = 0; i < TMPL_NEST_MAX + 1; i++)
		buf_adds(&b, "{{/contact.name}}");
	bad_at(TMPL_PARTIAL_TXT, b.data, 1, 16 * 17 + 1, "nested deeper");
	buf_reset(&b);
	for (i = 0; i < 1000; i++)
		buf_adds(&b, "{{^event.end}}");
	bad(TMPL_PARTIAL_TXT, b.data, "nested deeper");
	buf_free(&b);
}

static void
test_multiple_errors(void)
{
	const char *src = "{{a}} {{b}}\n{{c}}\n{{#contact.name}}";
	struct tmpl_error errs[2];
	struct tmpl *t;
	size_t n;

	CHECK(tmpl_parse("m.txt", src, strlen(src), TMPL_PARTIAL_TXT, &t,
	    errs, 2, &n) == -1);
	CHECK(n == 4);
	CHECK(errs[0].line == 1 && errs[0].col == 1);
	CHECK(errs[1].line == 1 && errs[1].col == 7);
	CHECK(tmpl_parse("m.txt", src, strlen(src), TMPL_PARTIAL_TXT, &t,
	    NULL, 0, &n) == -1 && n == 4);
}

static void
test_undefined(void)
{
	static const struct kv none[] = { { "contact.name", "" },
	    { NULL, NULL } };

	body_fails(TMPL_PARTIAL_TXT, "Dear\n  {{contact.organisation}}", none,
	    2, 3, "'contact.organisation' is not defined");
	body_fails(TMPL_PARTIAL_TXT, "Dear {{contact.name}}", none, 1, 6,
	    "'contact.name' is empty");
	body_fails(TMPL_HTML, "{{#event.title}}{{event.title}}{{/event.title}}"
	    "{{^contact.name}}{{contact.attr.x}}{{/contact.name}}", none, 1, 65,
	    "'contact.attr.x' is not defined");
	body_fails(TMPL_PARTIAL_TXT, "{{> footer}}", NULL, 1, 1,
	    "partial 'footer' is not loaded");
}

static void
test_escaping(void)
{
	static const struct kv evil[] = {
		{ "contact.name", "x\r\nBcc: a@evil.org" },
		{ "contact.organisation", "<b>\"Tom\" & 'Jerry'</b>" },
		{ "contact.role", "a\rb\nc" },
		{ "contact.country", "bad \xc3 utf8" },
		{ "event.title", "line\xe2\x80\xa8sep" },
		{ NULL, NULL }
	};
	struct tmpl_error err;
	char *out;

	out = body(TMPL_HTML, "<p title=\"{{contact.organisation}}\">"
	    "{{contact.organisation}}</p>", evil, 0, &err);
	CHECK_STR(out, "<p title=\"&lt;b&gt;&quot;Tom&quot; &amp; "
	    "&#39;Jerry&#39;&lt;/b&gt;\">&lt;b&gt;&quot;Tom&quot; &amp; "
	    "&#39;Jerry&#39;&lt;/b&gt;</p>");
	free(out);
	out = body(TMPL_PARTIAL_HTML, "{{contact.organisation}}", evil, 0, &err);
	CHECK_STR(out, "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;");
	free(out);
	/* text bodies take values raw; line ends become LF */
	out = body(TMPL_PARTIAL_TXT, "[{{contact.name}}]", evil, 0, &err);
	CHECK_STR(out, "[x\nBcc: a@evil.org]");
	free(out);
	out = body(TMPL_PARTIAL_TXT, "{{contact.organisation}}|{{contact.role}}",
	    evil, 0, &err);
	CHECK_STR(out, "<b>\"Tom\" & 'Jerry'</b>|a\nb\nc");
	free(out);
	out = body(TMPL_MESSAGE, "Subject: s\n\n{{contact.name}}", evil, 0,
	    &err);
	CHECK_STR(out, "x\nBcc: a@evil.org");
	free(out);
	body_fails(TMPL_PARTIAL_TXT, "{{contact.country}}", evil, 1, 1,
	    "not valid UTF-8");
}

/* Render the headers of a message source; -1 with *err. */
static int
headers(const char *src, const struct kv *kv, struct tmpl_rendered *r,
    struct tmpl_error *err)
{
	struct tmpl *t = parse(TMPL_MESSAGE, src);
	int rc;

	memset(r, 0, sizeof *r);
	CHECK(t != NULL);
	if (t == NULL)
		return -1;
	rc = tmpl_render_headers(t, lookup, (void *)kv, 4096, r, err);
	tmpl_free(&t);
	return rc;
}

static void
test_header_rules(void)
{
	static const char *refused[] = { "Reply-To", "From", "To", "Cc", "Bcc",
	    "reply-to", "Message-ID", "Date", "Content-Type",
	    "Content-Transfer-Encoding", "MIME-Version", "Sender",
	    "Return-Path", "Resent-To", "X-", NULL };
	char src[256];
	size_t i;

	for (i = 0; refused[i]; i++) {
		snprintf(src, sizeof src, "Subject: hi\n%s: someone@evil.org\n"
		    "\nbody\n", refused[i]);
		bad_at(TMPL_MESSAGE, src, 2, 1, "is not allowed");
	}
	bad_at(TMPL_MESSAGE, "X-Foo: bar\n\nbody\n", 1, 1, "no Subject");
	bad_at(TMPL_MESSAGE, "\nSubject: in the body\n", 1, 1, "no Subject");
	bad_at(TMPL_MESSAGE, "", 1, 1, "no Subject");
	bad_at(TMPL_MESSAGE, "Subject: a\n  folded\n\nbody", 2, 1, "folded");
	bad_at(TMPL_MESSAGE, "Subject: a\n\tfolded\n\nbody", 2, 1, "folded");
	bad_at(TMPL_MESSAGE, "Subject: a\nSubject: b\n\nbody", 2, 1, "twice");
	bad_at(TMPL_MESSAGE, "Subject:   \n\nbody", 1, 1, "empty");
	bad_at(TMPL_MESSAGE, "Subject: a\nDear Jane,\n\nbody", 2, 1,
	    "not a header line");
	bad_at(TMPL_MESSAGE, "Subject: a\n: b\n\nbody", 2, 1,
	    "not a header line");
	bad_at(TMPL_MESSAGE, "Subject: {{#contact.name}}x{{/contact.name}}\n\n",
	    1, 10, "sections are not allowed in headers");
	bad_at(TMPL_MESSAGE, "Subject: {{^contact.name}}x{{/contact.name}}\n\n",
	    1, 10, "sections are not allowed in headers");
	bad_at(TMPL_MESSAGE, "Subject: x {{> footer}}\n\nb", 1, 12,
	    "partials are not allowed in headers");
	bad_at(TMPL_MESSAGE, "Subject: x\x01y\n\nb", 1, 10, "control");
	bad_at(TMPL_MESSAGE, "Subject: a {{contact.name}\n\nb", 1, 12,
	    "not closed");
	bad_at(TMPL_MESSAGE, "Subject: a {{! spans\n lines }}\n\nb", 1, 12,
	    "comment is not closed");
	bad_at(TMPL_MESSAGE, "Subject: x\n{{contact.name}}: y\n\nb", 2, 1,
	    "not allowed");
	bad(TMPL_MESSAGE, "Subject: a\nX-1: 1\nX-2: 2\nX-3: 3\nX-4: 4\nX-5: 5\n"
	    "X-6: 6\nX-7: 7\nX-8: 8\n\nb", "more than 8 headers");
	/* header part only, no body: allowed */
	{
		struct tmpl *t = parse(TMPL_MESSAGE, "Subject: only");

		CHECK(t != NULL);
		tmpl_free(&t);
	}
}

static void
test_headers_render(void)
{
	static const struct kv evil[] = {
		{ "contact.name", "x\r\nBcc: a@evil.org" },
		{ "event.title", "line\xe2\x80\xa8sep" },
		{ "contact.role", "tab\tis ok" },
		{ "contact.organisation", "Asociaci\xc3\xb3n" },
		{ NULL, NULL }
	};
	struct tmpl_rendered r;
	struct tmpl_error err;

	CHECK(headers("subject:   Hi {{contact.name}} {{! c }}, {{event.title}}"
	    "  \nX-Campaign: {{campaign.name}}\n\nBody {{contact.name}}\n", NULL,
	    &r, &err) == 0);
	CHECK(r.nheaders == 2);
	if (r.nheaders == 2) {
		CHECK_STR(r.names[0], "Subject");
		CHECK_STR(r.values[0], "Hi Jane Doe , Summit 2017");
		CHECK_STR(r.names[1], "X-Campaign");
		CHECK_STR(r.values[1], "invite-1");
	}
	tmpl_rendered_clear(&r);
	CHECK(r.nheaders == 0 && r.names == NULL);
	CHECK(headers("Subject: Hello {{contact.name}}\n\nb", evil, &r,
	    &err) == -1);
	CHECK(err.line == 1 && err.col == 16);
	CHECK(strstr(err.msg, "contact.name") && strstr(err.msg, "header"));
	tmpl_rendered_clear(&r);
	CHECK(headers("Subject: {{event.title}}\n\nb", evil, &r, &err) == -1);
	tmpl_rendered_clear(&r);
	CHECK(headers("Subject: {{contact.role}} {{contact.organisation}}\n\nb",
	    evil, &r, &err) == 0 && r.nheaders == 1);
	if (r.nheaders == 1)
		CHECK_STR(r.values[0], "tab\tis ok Asociaci\xc3\xb3n");
	tmpl_rendered_clear(&r);
	CHECK(headers("Subject: {{event.end}}\n\nb", evil, &r, &err) == -1);
	CHECK(strstr(err.msg, "'event.end' is not defined") != NULL);
	tmpl_rendered_clear(&r);
	/* the header cap (4096 here) */
	{
		static char big[5000];
		static const struct kv large[] = { { "contact.name", big },
		    { NULL, NULL } };

		memset(big, 'a', sizeof big - 1);
		CHECK(headers("Subject: {{contact.name}}\n\n", large, &r,
		    &err) == -1 && strstr(err.msg, "larger than"));
		tmpl_rendered_clear(&r);
	}
}

static void
test_positions(void)
{
	/* line and column of the tag, columns in characters */
	bad_at(TMPL_MESSAGE, "Subject: Caf\xc3\xa9 {{contact.nmae}}\n\nb", 1, 15,
	    "unknown variable 'contact.nmae'");
	bad_at(TMPL_MESSAGE, "\xef\xbb\xbfSubject: x\r\nX-A: b\r\n\r\n"
	    "line 4\r\n\tx {{oops}}\r\n", 5, 4, "unknown variable 'oops'");
	bad_at(TMPL_PARTIAL_TXT, "one\ntwo\nthree {{#contact.name}}\n"
	    "{{/contact.email}}", 4, 1, "closes no open section");
}

static void
test_cap(void)
{
	static const struct kv large[] = { { "contact.name", NULL },
	    { NULL, NULL } };
	struct kv *kv = xmalloc(sizeof large);
	struct tmpl_error err;
	char *big = xmalloc(600 * 1024 + 1), *out;

	memset(big, 'x', 600 * 1024);
	big[600 * 1024] = '\0';
	memcpy(kv, large, sizeof large);
	kv[0].v = big;
	out = body(TMPL_PARTIAL_TXT, "{{contact.name}}", kv, 0, &err);
	CHECK(out != NULL && strlen(out) == 600 * 1024);
	free(out);
	body_fails(TMPL_PARTIAL_TXT, "{{contact.name}}\n{{contact.name}}", kv,
	    2, 1, "larger than 1048576 bytes");
	out = body(TMPL_PARTIAL_TXT, "0123456789", NULL, 5, &err);
	CHECK(out == NULL && strstr(err.msg, "larger than 5 bytes"));
	free(out);
	free(kv);
	free(big);
}

static const struct tmpl *
link_to(void *arg, const struct tmpl *t, const char *name, int line, int col)
{
	(void)t; (void)name; (void)line; (void)col;
	return arg;
}

/* 5000 partials of 5000 empty sections: refused, not 25M steps */
static void
test_steps(void)
{
	struct tmpl *t, *p;
	struct tmpl_error err;
	struct buf src, out;
	int i;

	buf_init(&src, 1 << 20);
	for (i = 0; i < 5000; i++)
		buf_adds(&src, "{{> p}}");
	t = parse(TMPL_PARTIAL_TXT, src.data);
	buf_reset(&src);
	for (i = 0; i < 5000; i++)
		buf_adds(&src, "{{#event.end}}x{{/event.end}}");
	p = parse(TMPL_PARTIAL_TXT, src.data);
	CHECK(t != NULL && p != NULL);
	if (t && p) {
		tmpl_link_partials(t, link_to, p);
		buf_init(&out, 1024);
		CHECK(tmpl_render(t, lookup, NULL, &out, &err) == -1 &&
		    strstr(err.msg, "steps"));
		buf_free(&out);
	}
	tmpl_free(&t);
	tmpl_free(&p);
	buf_free(&src);
}

static void
test_lang(void)
{
	char out[TMPL_LANG_MAX];

	CHECK(tmpl_lang_canon("pt-BR", out) == 0);
	CHECK_STR(out, "pt-BR");
	CHECK(tmpl_lang_canon("PT_br", out) == 0);
	CHECK_STR(out, "pt-BR");
	CHECK(tmpl_lang_canon("zh-hant-tw", out) == 0);
	CHECK_STR(out, "zh-Hant-TW");
	CHECK(tmpl_lang_canon("es-419", out) == 0);
	CHECK_STR(out, "es-419");
	CHECK(tmpl_lang_canon("EN", out) == 0);
	CHECK_STR(out, "en");
	CHECK(tmpl_lang_canon("", out) == -1);
	CHECK(tmpl_lang_canon("e", out) == -1);
	CHECK(tmpl_lang_canon("../x", out) == -1);
	CHECK(tmpl_lang_canon("pt-", out) == -1);
	CHECK(tmpl_lang_canon("pt/BR", out) == -1);
	CHECK(tmpl_lang_canon("abcdefghi", out) == -1);
	CHECK(tmpl_lang_canon("12", out) == -1);
	CHECK(tmpl_lang_canon(NULL, out) == -1);
	CHECK(tmpl_name_valid("invite-2_b") && !tmpl_name_valid("a.b"));
	CHECK(!tmpl_name_valid("") && !tmpl_name_valid("A") &&
	    !tmpl_name_valid("a/b"));
}

/* Load and render good/invite for lang; checks the file and the footer. */
static void
message_is(const char *lang, const char *file, const char *footer)
{
	struct tmpl_message *m = NULL;
	struct tmpl_rendered r;
	struct tmpl_error err;
	char dir[1100], want[1200];

	snprintf(dir, sizeof dir, "%s/good", datadir);
	CHECK(tmpl_message_load(dir, "invite", lang, &m, &err) == 0);
	if (m == NULL) {
		fprintf(stderr, "  %s:%d:%d: %s\n", err.file, err.line,
		    err.col, err.msg);
		return;
	}
	snprintf(want, sizeof want, "%s/%s", dir, file);
	CHECK_STR(tmpl_message_file(m), want);
	CHECK(tmpl_message_render(m, lookup, NULL, 0, &r, &err) == 0);
	CHECK(r.text != NULL && strstr(r.text, footer) != NULL);
	if (r.text && !strstr(r.text, footer))
		fprintf(stderr, "  [%s] %s\n", lang ? lang : "", r.text);
	tmpl_rendered_clear(&r);
	tmpl_message_free(&m);
	CHECK(m == NULL);
}

static void
test_messages(void)
{
	struct tmpl_message *m = NULL;
	struct tmpl_rendered r;
	struct tmpl_error err;
	char dir[1100];

	message_is(NULL, "invite.txt", "-- \nCoordinating Office\n");
	message_is("", "invite.txt", "-- \nCoordinating Office\n");
	message_is("fr", "invite.txt", "-- \nCoordinating Office\n");
	message_is("pt", "invite.pt.txt", "Atenciosamente, Coordinating");
	message_is("pt-PT", "invite.pt.txt", "Atenciosamente, Coordinating");
	message_is("pt-BR", "invite.pt.txt", "Abra\xc3\xa7os, Coordinating");
	message_is("PT_br", "invite.pt.txt", "Abra\xc3\xa7os, Coordinating");
	message_is("../../etc", "invite.txt", "-- \nCoordinating Office\n");

	snprintf(dir, sizeof dir, "%s/good", datadir);
	CHECK(tmpl_message_load(dir, "invite", "en", &m, &err) == 0);
	if (m == NULL)
		return;
	CHECK(tmpl_message_has_html(m));
	CHECK(tmpl_message_render(m, lookup, NULL, 0, &r, &err) == 0);
	CHECK(r.nheaders == 2);
	if (r.nheaders == 2) {
		CHECK_STR(r.values[0], "Invitation: Summit 2017");
		CHECK_STR(r.names[1], "X-Herald-Campaign");
	}
	CHECK_STR(r.text, "Dear Jane Doe,\n\n"
	    "We invite Red Cedar to Summit 2017.\n"
	    "Yes: mailto:yes@example.org\n"
	    "No: mailto:no@example.org\n"
	    "Travel to Quito is funded.\n"
	    "-- \nCoordinating Office\n");
	CHECK_STR(r.html, "<p>Dear Jane Doe,</p>\n"
	    "<p>We invite <b>Red Cedar</b>.</p>\n"
	    "<p><a href=\"mailto:yes@example.org\">Yes</a></p>\n"
	    "<p>Coordinating Office</p>\n");
	tmpl_rendered_clear(&r);
	/* a recipient without a name: the render fails, naming it */
	{
		static const struct kv noname[] = { { "event.title", "S" },
		    { "campaign.name", "c" }, { NULL, NULL } };

		CHECK(tmpl_message_render(m, lookup, (void *)noname, 0, &r,
		    &err) == -1);
		CHECK(r.text == NULL && r.nheaders == 0);
		CHECK(strstr(err.msg, "'contact.name' is not defined") &&
		    err.line == 4 && err.col == 6 &&
		    strstr(err.file, "invite.txt"));
	}
	tmpl_message_free(&m);

	CHECK(tmpl_message_load(dir, "notice", "de", &m, &err) == 0);
	if (m) {
		CHECK(!tmpl_message_has_html(m));
		CHECK(tmpl_message_render(m, lookup, NULL, 0, &r, &err) == 0);
		CHECK(r.html == NULL && r.nheaders == 1);
		CHECK_STR(r.text, "Hello Jane Doe.\n"
		    "Unsubscribe: mailto:unsub@example.org\n");
		tmpl_rendered_clear(&r);
		tmpl_message_free(&m);
	}
	CHECK(tmpl_message_load(dir, "missing", NULL, &m, &err) == -1 &&
	    m == NULL && strstr(err.msg, "no such template") &&
	    strstr(err.file, "missing.txt"));
	CHECK(tmpl_message_load(dir, "../good/invite", NULL, &m, &err) == -1 &&
	    strstr(err.msg, "invalid template name"));
	CHECK(tmpl_message_load(dir, "footer", NULL, &m, &err) == -1 &&
	    strstr(err.msg, "not a header line") && err.line == 1);
	snprintf(dir, sizeof dir, "%s/bad", datadir);
	CHECK(tmpl_message_load(dir, "nopartial", NULL, &m, &err) == -1 &&
	    strstr(err.msg, "partial 'nothere' not found") && err.line == 4 &&
	    err.col == 1);
	CHECK(tmpl_message_load(dir, "loop", NULL, &m, &err) == -1 &&
	    strstr(err.msg, "includes itself"));
	tmpl_message_free(&m);
}

struct collected {
	char lines[64][800];
	int n;
};

static void
collect(void *ctx, const struct tmpl_error *e)
{
	struct collected *c = ctx;
	const char *base = strrchr(e->file, '/');

	base = base ? base + 1 : e->file;
	if (c->n == 64)
		return;
	if (e->line)
		snprintf(c->lines[c->n++], sizeof c->lines[0], "%s:%d:%d: %s",
		    base, e->line, e->col, e->msg);
	else
		snprintf(c->lines[c->n++], sizeof c->lines[0], "%s: %s", base,
		    e->msg);
}

static int
has_line(const struct collected *c, const char *prefix, const char *part)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (strncmp(c->lines[i], prefix, strlen(prefix)) == 0 &&
		    strstr(c->lines[i], part))
			return 1;
	return 0;
}

static void
dump(const struct collected *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		fprintf(stderr, "    %s\n", c->lines[i]);
}

static void
test_check(void)
{
	struct collected c;
	char good[1100], badd[1100];
	int n;

	snprintf(good, sizeof good, "%s/good", datadir);
	snprintf(badd, sizeof badd, "%s/bad", datadir);
	memset(&c, 0, sizeof c);
	CHECK(tmpl_check(good, "footer", collect, &c) == 0);
	CHECK(c.n == 0);
	/* no errors; invite.pt.txt is not a whole variant: warnings */
	CHECK(tmpl_check(good, "invite", collect, &c) == 0);
	CHECK(c.n == 7);
	CHECK(has_line(&c, "invite.pt.txt: warning: ", "sent with invite.html,"
	    " another language's HTML part; add invite.pt.html"));
	CHECK(has_line(&c, "invite.pt.txt: warning: ", "does not use "
	    "'contact.attr.funding', which invite.txt uses"));
	CHECK(has_line(&c, "invite.pt.txt: warning: ", "'rsvp.no'"));
	CHECK(!has_line(&c, "invite.pt.txt: warning: ", "'contact.name'"));
	CHECK(!has_line(&c, "invite.pt.txt: warning: ", "'sender.name'"));
	if (c.n != 7)
		dump(&c);
	memset(&c, 0, sizeof c);
	CHECK(tmpl_check_all(good, collect, &c) == 0);
	CHECK(c.n == 7);

	memset(&c, 0, sizeof c);
	n = tmpl_check(badd, "multi", collect, &c);
	CHECK(n == 6 && c.n == 6);
	CHECK(has_line(&c, "multi.txt:1:16: ", "unknown variable "
	    "'contact.nmae'"));
	CHECK(has_line(&c, "multi.txt:2:1: ", "header 'Reply-To' is not "
	    "allowed"));
	CHECK(has_line(&c, "multi.txt:6:1: ", "invalid tag"));
	CHECK(has_line(&c, "multi.txt:8:1: ", "unescaped"));
	CHECK(has_line(&c, "multi.txt:9:1: ", "invalid partial name "
	    "'../../etc/passwd'"));
	CHECK(has_line(&c, "multi.txt:7:1: ", "section 'contact.role' is not "
	    "closed"));
	if (n != 6)
		dump(&c);

	memset(&c, 0, sizeof c);
	CHECK(tmpl_check(badd, "folded", collect, &c) == 1 &&
	    has_line(&c, "folded.txt:2:1: ", "folded"));
	CHECK(tmpl_check(badd, "bcc", collect, &c) == 1 &&
	    has_line(&c, "bcc.txt:2:1: ", "'Bcc' is not allowed"));
	CHECK(tmpl_check(badd, "nosubject", collect, &c) == 1);
	CHECK(tmpl_check(badd, "greet", collect, &c) == 1 &&
	    has_line(&c, "greet.pt-br.txt: ", "as 'pt-BR'"));
	CHECK(tmpl_check(badd, "only", collect, &c) == 1 &&
	    has_line(&c, "only.txt: ", "fallback"));
	CHECK(tmpl_check(badd, "nothing", collect, &c) == 1 &&
	    has_line(&c, "nothing.txt: ", "no such template"));
	CHECK(tmpl_check(badd, "Upper", collect, &c) == 1);
	/* loop-a is a partial (loop includes it): checked as one */
	CHECK(tmpl_check(badd, "loop-a", collect, &c) == 1 &&
	    has_line(&c, "loop-a.txt:1:3: ", "'loop-b' includes itself"));
	if (c.n != 8)
		dump(&c);

	/* everything, each error once */
	memset(&c, 0, sizeof c);
	n = tmpl_check_all(badd, collect, &c);
	/* multi 6, loop 2 (one per entry point), 7 files with one each */
	CHECK(n == 6 + 2 + 7);
	CHECK(has_line(&c, "Upper.txt: ", "not a valid template name"));
	CHECK(has_line(&c, "nopartial.txt:4:1: ", "'nothere' not found"));
	CHECK(has_line(&c, "multi.txt:6:1: ", "a tag is {{name}}"));
	if (n != 15)
		dump(&c);
	CHECK(tmpl_check_all("/nonexistent/dir", collect, &c) == 1);
}

static void
test_list(void)
{
	struct tmpl_entry *v = NULL;
	struct tmpl_error err;
	char dir[1100];
	size_t n = 0;

	snprintf(dir, sizeof dir, "%s/good", datadir);
	CHECK(tmpl_list(dir, &v, &n, &err) == 0);
	CHECK(n == 3);
	if (n == 3) {
		CHECK_STR(v[0].name, "footer");
		CHECK(v[0].partial && v[0].has_base && v[0].has_html);
		CHECK(v[0].nlangs == 2);
		if (v[0].nlangs == 2) {
			CHECK_STR(v[0].langs[0], "pt");
			CHECK_STR(v[0].langs[1], "pt-BR");
		}
		CHECK_STR(v[1].name, "invite");
		CHECK(!v[1].partial && v[1].has_base && v[1].has_html &&
		    v[1].nlangs == 1);
		CHECK_STR(v[2].name, "notice");
		CHECK(!v[2].partial && v[2].has_base && !v[2].has_html &&
		    v[2].nlangs == 0);
	}
	tmpl_list_free(&v, n);
	CHECK(v == NULL);
	CHECK(tmpl_list("/nonexistent/dir", &v, &n, &err) == -1 &&
	    strstr(err.file, "nonexistent"));
}

static void
put(const char *dir, const char *file, const char *text)
{
	char path[1200];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Partial chains in a scratch directory: 8 deep is fine, 9 is not. */
static void
test_partial_depth(void)
{
	char dir[] = "/tmp/t_tmpl.XXXXXX", name[32], text[64], path[64];
	struct tmpl_message *m = NULL;
	struct tmpl_rendered r;
	struct tmpl_error err;
	int i;

	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return;
	}
	put(dir, "eight.txt", "Subject: s\n\n{{> p1}}\n");
	put(dir, "nine.txt", "Subject: s\n\n{{> q1}}\n");
	for (i = 1; i <= 9; i++) {
		snprintf(name, sizeof name, "p%d.txt", i);
		snprintf(text, sizeof text, i < 8 ? "%d{{> p%d}}" : "%d",
		    i, i + 1);
		put(dir, name, text);
		snprintf(name, sizeof name, "q%d.txt", i);
		snprintf(text, sizeof text, i < 9 ? "%d{{> q%d}}" : "%d",
		    i, i + 1);
		put(dir, name, text);
	}
	put(dir, "self.txt", "Subject: s\n\n{{> me}}");
	put(dir, "me.txt", "{{#contact.name}}{{> me}}{{/contact.name}}");
	CHECK(tmpl_message_load(dir, "eight", NULL, &m, &err) == 0);
	if (m) {
		CHECK(tmpl_message_render(m, lookup, NULL, 0, &r, &err) == 0);
		/* the standalone {{> p1}} line takes its newline with it */
		CHECK_STR(r.text, "12345678");
		tmpl_rendered_clear(&r);
		tmpl_message_free(&m);
	}
	CHECK(tmpl_message_load(dir, "nine", NULL, &m, &err) == -1 &&
	    strstr(err.msg, "nested deeper than 8") &&
	    strstr(err.file, "q8.txt") && err.line == 1 && err.col == 2);
	CHECK(tmpl_message_load(dir, "self", NULL, &m, &err) == -1 &&
	    strstr(err.msg, "includes itself"));
	for (i = 1; i <= 9; i++) {
		snprintf(path, sizeof path, "%s/p%d.txt", dir, i);
		unlink(path);
		snprintf(path, sizeof path, "%s/q%d.txt", dir, i);
		unlink(path);
	}
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s.txt", dir,
		    (const char *[]){ "eight", "nine", "self", "me" }[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* The shipped invite, as a delegate imported with funding=no reads it. */
static void
shipped_invite(const char *lang, const char *funding, const char *promise,
    int promised)
{
	static struct kv kv[] = {
		{ "contact.attr.funding", NULL },
		{ "contact.name", "Jorge Garc\xc3\xad" "a" },
		{ "contact.organisation", "Red de Mujeres Rurales" },
		{ "sender.name", "Coordinating Office" },
		{ "sender.address", "office@example.org" },
		{ "event.title", "Summit" }, { "event.location", "Geneva" },
		{ "event.start", "2027-03-02 09:00 (Europe/Zurich)" },
		{ "event.end", "2027-03-03 17:00 (Europe/Zurich)" },
		{ "rsvp.yes", "mailto:y@example.org" },
		{ "rsvp.no", "mailto:n@example.org" },
		{ "rsvp.maybe", "mailto:m@example.org" },
		{ NULL, NULL }
	};
	struct tmpl_message *m = NULL;
	struct tmpl_rendered r;
	struct tmpl_error err;
	char dir[1100];

	/* datadir is tests/data/tmpl; the shipped set is templates/ */
	snprintf(dir, sizeof dir, "%s/../../../templates", datadir);
	kv[0].v = funding;
	CHECK(tmpl_message_load(dir, "invite", lang, &m, &err) == 0);
	if (m == NULL) {
		fprintf(stderr, "  %s: %s\n", err.file, err.msg);
		return;
	}
	CHECK(tmpl_message_render(m, lookup, kv, 0, &r, &err) == 0);
	CHECK(r.text != NULL && (strstr(r.text, promise) != NULL) == promised);
	if (r.text == NULL)
		fprintf(stderr, "  %s: %d:%d: %s\n", err.file, err.line,
		    err.col, err.msg);
	else if ((strstr(r.text, promise) != NULL) != promised)
		fprintf(stderr, "  [%s funding=%s]\n%s\n", lang,
		    funding ? funding : "(null)", r.text);
	tmpl_rendered_clear(&r);
	tmpl_message_free(&m);
}

static void
test_shipped_invite(void)
{
	static const struct { const char *lang, *promise; } l[] = {
		{ "en", "eligible for travel funding" },
		{ "es", "apoyo para el viaje" },
		{ "fr", "prise en charge du voyage" },
	};
	size_t i;

	for (i = 0; i < sizeof l / sizeof l[0]; i++) {
		shipped_invite(l[i].lang, "yes", l[i].promise, 1);
		shipped_invite(l[i].lang, "no", l[i].promise, 0);
		shipped_invite(l[i].lang, "No", l[i].promise, 0);
		shipped_invite(l[i].lang, "", l[i].promise, 0);
		shipped_invite(l[i].lang, NULL, l[i].promise, 0);
	}
}

/* Count the lines of c that are warnings and mention part. */
static int
warnings(const struct collected *c, const char *part)
{
	int i, n = 0;

	for (i = 0; i < c->n; i++)
		n += strstr(c->lines[i], ": warning: ") != NULL &&
		    strstr(c->lines[i], part) != NULL;
	return n;
}

/* template check: language variants that are not whole. */
static void
test_check_variants(void)
{
	static const char *const files[] = { "m.txt", "m.es.txt", "m.html",
	    "m.es.html", "n.txt", "n.fr.html", "p.txt", "p.pt.txt",
	    "p.pt-BR.txt", "p.html", "p.pt.html", "sig.txt", "sig.es.txt",
	    "sig.html", NULL };
	char dir[] = "/tmp/t_tmpl.XXXXXX", path[64];
	struct collected c;
	size_t i;

	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return;
	}
	put(dir, "m.txt", "Subject: {{event.title}}\n\n{{contact.name}}\n"
	    "{{#contact.attr.funding}}funded{{/contact.attr.funding}}\n"
	    "{{> sig}}\n");
	put(dir, "m.es.txt", "Subject: {{event.title}}\n\n{{contact.name}}\n"
	    "{{> sig}}\n");
	put(dir, "m.html", "<p>{{contact.name}}</p>\n");
	put(dir, "sig.txt", "{{sender.name}}\n");
	put(dir, "sig.es.txt", "Atentamente\n");
	put(dir, "sig.html", "<p>only one</p>\n");
	memset(&c, 0, sizeof c);
	CHECK(tmpl_check(dir, "m", collect, &c) == 0);
	CHECK(has_line(&c, "m.es.txt: warning: ", "sent with m.html, another "
	    "language's HTML part; add m.es.html"));
	/* through the partial too, in the variant's language */
	CHECK(has_line(&c, "m.es.txt: warning: ", "does not use "
	    "'contact.attr.funding', which m.txt uses"));
	CHECK(has_line(&c, "m.es.txt: warning: ", "'sender.name'"));
	CHECK(c.n == 3);
	if (c.n != 3)
		dump(&c);
	/* a partial's variants are not messages: no warnings of its own */
	memset(&c, 0, sizeof c);
	CHECK(tmpl_check(dir, "sig", collect, &c) == 0 && c.n == 0);

	/* with its own HTML and variables the Spanish variant is whole */
	put(dir, "m.es.txt", "Subject: {{event.title}}\n\n{{contact.name}}\n"
	    "{{#contact.attr.funding}}financiado{{/contact.attr.funding}}\n"
	    "{{sender.name}}\n");
	put(dir, "m.es.html", "<p>{{contact.name}}</p>\n");
	memset(&c, 0, sizeof c);
	CHECK(tmpl_check(dir, "m", collect, &c) == 0 && c.n == 0);
	if (c.n)
		dump(&c);

	/* an HTML part in a language that has no text */
	put(dir, "n.txt", "Subject: s\n\n{{contact.name}}\n");
	put(dir, "n.fr.html", "<p>{{contact.name}}</p>\n");
	memset(&c, 0, sizeof c);
	CHECK(tmpl_check(dir, "n", collect, &c) == 0);
	CHECK(c.n == 1 && has_line(&c, "n.fr.html: warning: ", "sent with "
	    "n.txt, another language's text; add n.fr.txt"));

	/* pt-BR text with the pt HTML part: one language */
	put(dir, "p.txt", "Subject: s\n\nx\n");
	put(dir, "p.pt.txt", "Subject: s\n\nx\n");
	put(dir, "p.pt-BR.txt", "Subject: s\n\nx\n");
	put(dir, "p.html", "<p>x</p>\n");
	put(dir, "p.pt.html", "<p>x</p>\n");
	memset(&c, 0, sizeof c);
	CHECK(tmpl_check(dir, "p", collect, &c) == 0 && c.n == 0);

	/* check_all: the same warnings, and still no error */
	memset(&c, 0, sizeof c);
	put(dir, "m.es.txt", "Subject: {{event.title}}\n\nhola\n");
	CHECK(tmpl_check_all(dir, collect, &c) == 0);
	CHECK(warnings(&c, "m.es.txt") == 3 && warnings(&c, "n.fr.html") == 1);
	CHECK(c.n == 4);
	if (c.n != 4)
		dump(&c);
	for (i = 0; files[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Set path's times to an hour ago plus sec: an old, settled file. */
static void
age(const char *dir, const char *file, int sec)
{
	struct timespec ts[2];
	char path[1200];

	snprintf(path, sizeof path, "%s/%s", dir, file);
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 3600 - sec;
	ts[1] = ts[0];
	CHECK(utimensat(AT_FDCWD, path, ts, 0) == 0);
}

/* 1 when m is fresh now and stale after f() touched dir. */
static int
goes_stale(const char *dir, const char *lang, void (*f)(const char *))
{
	struct tmpl_message *m = NULL;
	struct tmpl_error err;
	int fresh, stale;

	if (tmpl_message_load(dir, "m", lang, &m, &err) == -1) {
		fprintf(stderr, "  %s: %s\n", err.file, err.msg);
		return 0;
	}
	fresh = !tmpl_message_changed(m);
	f(dir);
	stale = tmpl_message_changed(m);
	tmpl_message_free(&m);
	return fresh && stale;
}

static void
scratch_files(const char *dir)
{
	put(dir, "m.txt", "Subject: s\n\nv1 {{> p}}\n");
	put(dir, "m.html", "<p>v1</p>\n");
	put(dir, "p.txt", "p1\n");
	age(dir, "m.txt", 0);
	age(dir, "m.html", 0);
	age(dir, "p.txt", 0);
}

static void
edit_same_size(const char *dir)
{
	put(dir, "m.txt", "Subject: s\n\nv2 {{> p}}\n");
	age(dir, "m.txt", 1);
}

static void
edit_partial(const char *dir)
{
	put(dir, "p.txt", "p2\n");
	age(dir, "p.txt", 1);
}

static void
add_spanish(const char *dir)
{
	put(dir, "m.es.html", "<p>es</p>\n");
	age(dir, "m.es.html", 0);
}

static void
add_spanish_partial(const char *dir)
{
	put(dir, "p.es.txt", "p es\n");
	age(dir, "p.es.txt", 0);
}

static void
edit_just_now(const char *dir)
{
	put(dir, "m.txt", "Subject: s\n\nv3 {{> p}}\n");
}

static void
nothing(const char *dir)
{
	(void)dir;
}

static void
remove_html(const char *dir)
{
	char path[1200];

	snprintf(path, sizeof path, "%s/m.html", dir);
	unlink(path);
}

/* tmpl_message_changed: what heraldd stats before each batch. */
static void
test_changed(void)
{
	static const char *const files[] = { "m.txt", "m.html", "p.txt",
	    "m.es.html", "p.es.txt", NULL };
	char dir[] = "/tmp/t_tmpl.XXXXXX", path[64];
	struct tmpl_message *m = NULL;
	struct tmpl_error err;
	size_t i;

	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return;
	}
	scratch_files(dir);
	CHECK(!goes_stale(dir, "es", nothing));
	CHECK(goes_stale(dir, "es", edit_same_size));
	scratch_files(dir);
	CHECK(goes_stale(dir, "es", edit_partial));
	scratch_files(dir);
	CHECK(goes_stale(dir, "es", remove_html));
	scratch_files(dir);
	CHECK(goes_stale(dir, "es-MX", add_spanish));
	CHECK(goes_stale(dir, "es", add_spanish_partial));
	/* a Spanish file does not concern the base set */
	CHECK(!goes_stale(dir, NULL, nothing));
	/* a file written just now cannot be trusted by its time stamps */
	CHECK(goes_stale(dir, NULL, edit_just_now));
	CHECK(tmpl_message_load(dir, "m", NULL, &m, &err) == 0);
	CHECK(m && tmpl_message_changed(m));
	tmpl_message_free(&m);
	for (i = 0; files[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int
main(void)
{
	datadir_init();
	test_variables();
	test_sections();
	test_false_words();
	test_comments();
	test_syntax_errors();
	test_nul();
	test_nesting();
	test_multiple_errors();
	test_undefined();
	test_escaping();
	test_header_rules();
	test_headers_render();
	test_positions();
	test_cap();
	test_steps();
	test_lang();
	test_messages();
	test_check();
	test_list();
	test_partial_depth();
	test_shipped_invite();
	test_changed();
	test_check_variants();
	return check_done("t_tmpl");
}
