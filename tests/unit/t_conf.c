/* Unit tests: conf (libconfig loading and validation). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "conf/conf.h"

static char dir[] = "/tmp/herald-t_conf-XXXXXX";

static const char *base =
    "sender = { address = \"office@example.org\"; };\n"
    "lists_domain = \"lists.example.org\";\n";

static const char *
write_conf(const char *extra)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/herald.conf", dir);
	f = fopen(path, "w");
	fputs(base, f);
	fputs(extra, f);
	fclose(f);
	return path;
}

/* Load must fail and the message must name the line and the key. */
static void
fails(const char *extra, const char *want_line, const char *want_key)
{
	char err[1024] = "";
	struct conf *c = conf_load(write_conf(extra), err, sizeof err);

	CHECK(c == NULL);
	CHECK(strstr(err, want_key) != NULL);
	if (want_line)
		CHECK(strstr(err, want_line) != NULL);
	CHECK(strchr(err, '\n') == NULL);
	if (c != NULL || strstr(err, want_key) == NULL ||
	    (want_line && strstr(err, want_line) == NULL))
		fprintf(stderr, "  for [%s]: got \"%s\"\n", extra, err);
	conf_free(&c);
}

/* Load must fail naming line and key, and the message must say text. */
static void
fails_saying(const char *extra, const char *want_line, const char *want_key,
    const char *text)
{
	char err[1024] = "";
	struct conf *c;

	fails(extra, want_line, want_key);
	c = conf_load(write_conf(extra), err, sizeof err);
	CHECK(c == NULL && strstr(err, text) != NULL);
	if (strstr(err, text) == NULL)
		fprintf(stderr, "  for [%s]: \"%s\" does not say \"%s\"\n",
		    extra, err, text);
	conf_free(&c);
}

/* Load must succeed; returns the conf for the caller to look at. */
static struct conf *
loads(const char *extra)
{
	char err[1024] = "";
	struct conf *c = conf_load(write_conf(extra), err, sizeof err);

	CHECK(c != NULL);
	if (c == NULL)
		fprintf(stderr, "  for [%s]: %s\n", extra, err);
	return c;
}

/*
 * libconfig 1.5 wraps integers without L to 32 bits: the range is
 * checked on the value as written, and the error quotes it.
 */
static void
test_integers_as_written(void)
{
	struct conf *c;

	fails_saying("smtp = { rate = 1000000000000; };\n", ":3:", "smtp.rate",
	    "1000000000000 is out of range");
	/* 2^32 wraps to 0, which is in range: still refused */
	fails_saying("smtp = { rate = 4294967296; };\n", ":3:", "smtp.rate",
	    "4294967296 is out of range");
	fails_saying("smtp = {\n  connections = 0xFFFFFFFF; };\n", ":4:",
	    "smtp.connections", "0xFFFFFFFF is out of range");
	fails_saying("smtp = { connections = 99999999999999999999L; };\n", ":3:",
	    "smtp.connections", "99999999999999999999L is out of range");
	fails_saying("smtp = { connections = -3000000000; };\n", ":3:",
	    "smtp.connections", "-3000000000 is out of range");
	fails_saying("smtp = { rate=2000000; };\n", ":3:", "smtp.rate",
	    "2000000 is out of range");
	/* the retry_max on the same line is not taken for retry_min */
	fails_saying("smtp = { retry_max = 7; retry_min = 5000000000; };\n",
	    ":3:", "smtp.retry_min", "5000000000 is out of range");
	c = loads("smtp = { connections = 5L; rate = +7; retry_min = 0x10; };\n");
	if (c) {
		CHECK(c->smtp_connections == 5 && c->smtp_rate == 7);
		CHECK(c->smtp_retry_min == 16);
	}
	conf_free(&c);
}

/* n octets: text repeated while it fits whole, then 'x's. */
static void
fill(char *buf, size_t n, const char *text)
{
	size_t len = strlen(text), i;

	for (i = 0; i + len <= n; i += len)
		memcpy(buf + i, text, len);
	memset(buf + i, 'x', n - i);
	buf[n] = '\0';
}

static const char *
sender_name(char *conf, size_t len, const char *name)
{
	snprintf(conf, len, "sender = { address = \"o@x.org\";\n"
	    "  name = \"%s\"; };\n", name);
	return conf;
}

/* Values herald builds into addresses and headers fit where they go. */
static void
test_built_limits(void)
{
	const char *saved = base;
	char conf[2048], name[1200], dom[200];
	struct conf *c;

	base = "lists_domain = \"lists.example.org\";\n";
	/* LOCAL + delimiter + 38-octet token <= 64 */
	fails_saying("sender = { address = \"abcdefghijabcdefghijabcdef@x.org\"; };\n",
	    ":2:", "sender.address", "at most 25");
	c = loads("sender = { address = \"abcdefghijabcdefghijabcde@x.org\"; };\n");
	conf_free(&c);
	/* the 46-octet local part */
	fails("sender = { address = "
	    "\"coordinating.office.of.the.regional.network.x@example.org\"; };\n",
	    ":2:", "sender.address");

	/* domains after which any 64-octet local part fits 254 octets */
	snprintf(dom, sizeof dom, "%.63s.%.63s.%.58s.org",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	    "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc");
	CHECK(strlen(dom) == 190);
	snprintf(conf, sizeof conf, "sender = { address = \"o@x.org\"; "
	    "domain = \"%s\"; };\n", dom);
	fails_saying(conf, ":2:", "sender.domain", "at most 189");
	snprintf(conf, sizeof conf, "sender = { address = \"o@%s\"; };\n", dom);
	fails_saying(conf, ":2:", "sender.address", "at most 189");
	snprintf(conf, sizeof conf, "sender = { address = \"o@%s\"; "
	    "domain = \"x.org\"; };\n", dom);
	c = loads(conf);
	conf_free(&c);
	base = "sender = { address = \"o@x.org\"; };\n";
	snprintf(conf, sizeof conf, "lists_domain = \"%s\";\n", dom);
	fails_saying(conf, ":2:", "lists_domain", "at most 189");
	dom[strlen(dom) - 5] = '\0';	/* 189: drop a "c" */
	strcat(dom, ".org");
	snprintf(conf, sizeof conf, "lists_domain = \"%s\";\n", dom);
	c = loads(conf);
	conf_free(&c);

	/* sender.name: what the From: header of every message can carry */
	base = "lists_domain = \"lists.example.org\";\n";
	fill(name, 540, "Office, ");
	fails_saying(sender_name(conf, sizeof conf, name), ":3:", "sender.name",
	    "540 octets");
	fill(name, 499, "Office, ");	/* quoted, not encoded: 499 fit */
	conf_free((c = loads(sender_name(conf, sizeof conf, name)), &c));
	fill(name, 900, "Coordinating Office ");	/* an atom phrase: 900 */
	conf_free((c = loads(sender_name(conf, sizeof conf, name)), &c));
	/*
	 * A non-ASCII name: a 4-octet character across octet 45 cuts every
	 * encoded word at 43 octets. Encoded words now fold between them
	 * (issue 15), so 285 octets fit, and more: the 286th no longer fails.
	 */
	fill(name, 6 * 43, "\xf0\x9f\x98\x80" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\xe2\x82\xac");
	strcat(name, "\xf0\x9f\x98\x80" "aaaaaaaaaaaaaaaaaaaaaaa");
	CHECK(strlen(name) == 285);
	conf_free((c = loads(sender_name(conf, sizeof conf, name)), &c));
	strcat(name, "a");
	conf_free((c = loads(sender_name(conf, sizeof conf, name)), &c));
	base = saved;
}

static void
test_defaults(void)
{
	char err[1024], want[512];
	struct conf *c = conf_load(write_conf(""), err, sizeof err);

	CHECK(c != NULL);
	if (c == NULL) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	snprintf(want, sizeof want, "%s/herald.db", dir);
	CHECK_STR(c->database, want);
	CHECK_STR(c->sender_domain, "example.org");
	CHECK(c->smtp_connections == 4);
	CHECK(c->smtp_retry_min == 300);
	CHECK(c->smtp.tls == CONF_TLS_AUTO);
	CHECK(c->smtp.verify == 1);
	CHECK(c->imap_idle == 1);
	CHECK(c->bounce_reset == 604800);
	CHECK_STR(c->delimiter, "+");
	CHECK_STR(c->display_tz, "");	/* the system's zone */
	conf_free(&c);
}

static void
test_values(void)
{
	char err[1024];
	struct conf *c = conf_load(write_conf(
	    "database = \"/var/lib/herald/h.db\";\n"
	    "smtp = { url = \"smtps://mail.example.org:465\"; tls = \"required\";"
	    " connections = 8; rate = 600; give_up = 5000000000L; };\n"), err,
	    sizeof err);

	/* 5e9 is out of range for give_up: must not wrap to 0 */
	CHECK(c == NULL);
	CHECK(strstr(err, "smtp.give_up") != NULL);
	conf_free(&c);
	c = conf_load(write_conf(
	    "database = \"/var/lib/herald/h.db\";\n"
	    "sender = { address = \"x@y.org\"; };\n"), err, sizeof err);
	CHECK(c == NULL);	/* duplicate group is a libconfig error */
	conf_free(&c);
	c = conf_load(write_conf(
	    "database = \"/var/lib/herald/h.db\";\n"
	    "smtp = { url = \"smtps://mail.example.org:465\"; tls = \"required\";"
	    " connections = 8; rate = 600; };\n"), err, sizeof err);
	CHECK(c != NULL);
	if (c) {
		CHECK_STR(c->database, "/var/lib/herald/h.db");
		CHECK(c->smtp.tls == CONF_TLS_REQUIRED);
		CHECK(c->smtp_connections == 8);
		CHECK(c->smtp_rate == 600);
	}
	conf_free(&c);
}

/* smtp.auth, imap.auth and the oauth2 group they need. */
static void
test_oauth2(void)
{
	struct conf *c = loads("");

	if (c) {
		CHECK(c->smtp.auth == CONF_AUTH_PASSWORD);
		CHECK(c->imap.auth == CONF_AUTH_PASSWORD);
		CHECK(conf_unverified(c) == NULL);
	}
	conf_free(&c);
	fails_saying("smtp = { auth = \"token\"; };\n", ":3:", "smtp.auth",
	    "\"password\" or \"oauth2\"");
	fails_saying("imap = { auth = \"oauth2\"; };\n", NULL,
	    "oauth2.token_url", "required by imap.auth");
	fails_saying("smtp = { auth = \"oauth2\"; };\n"
	    "oauth2 = { token_url = \"https://t.example/token\"; "
	    "client_id = \"c\"; };\n", NULL, "oauth2.refresh_token_file",
	    "herald oauth2 login");
	fails("oauth2 = { token_url = \"ftp://t.example/\"; };\n", ":3:",
	    "oauth2.token_url");
	fails_saying("oauth2 = { token_url = \"http://t.example/\"; };\n",
	    ":3:", "oauth2.token_url", "must be https://");
	c = loads("oauth2 = { device_url = \"http://127.0.0.1:8080/d\"; };\n");
	conf_free(&c);
	fails("oauth2 = { client_secret_file = \"/nonexistent/s\"; };\n",
	    ":3:", "oauth2.client_secret_file");
	c = loads("smtp = { auth = \"oauth2\"; tls = \"required\"; "
	    "verify = false; };\n"
	    "oauth2 = { token_url = \"https://t.example/token\"; "
	    "client_id = \"c\"; refresh_token_file = \"rt\"; };\n");
	if (c) {
		CHECK(c->smtp.auth == CONF_AUTH_OAUTH2);
		/* relative to the config's directory, and need not exist */
		CHECK(c->oauth2.refresh_token_file[0] == '/');
		CHECK(conf_unverified(c) && strstr(conf_unverified(c),
		    "smtp.verify is false"));
	}
	conf_free(&c);
}

int
main(void)
{
	char err[1024];
	struct conf *c;

	if (mkdtemp(dir) == NULL)
		return 1;
	test_defaults();
	test_values();
	test_integers_as_written();
	test_built_limits();
	fails("smtp = { urll = \"smtp://x\"; };\n", ":3:", "smtp.urll");
	fails("colour = \"blue\";\n", ":3:", "colour");
	fails_saying("display_tz = \"Mars/Olympus\";\n", ":3:", "display_tz",
	    "unknown time zone");
	c = loads("display_tz = \"Europe/Zurich\";\n");
	if (c)
		CHECK_STR(c->display_tz, "Europe/Zurich");
	conf_free(&c);
	test_oauth2();
	fails("smtp = { connections = \"four\"; };\n", ":3:", "smtp.connections");
	fails("smtp = { connections = 0; };\n", ":3:", "smtp.connections");
	fails("smtp = { connections = 1000; };\n", ":3:", "smtp.connections");
	fails("smtp = { verify = 1; };\n", ":3:", "smtp.verify");
	fails("smtp = { tls = \"maybe\"; };\n", ":3:", "smtp.tls");
	fails("smtp = { url = \"http://example.org\"; };\n", ":3:", "smtp.url");
	fails("smtp = { url = \"not a url\"; };\n", ":3:", "smtp.url");
	fails("imap = { url = \"smtp://example.org\"; };\n", ":3:", "imap.url");
	fails("imap = { password_file = \"/nonexistent/pw\"; };\n", ":3:",
	    "imap.password_file");
	fails("smtp = { retry_min = 100; retry_max = 50; };\n", NULL,
	    "smtp.retry_min");
	/* smtp as a list of fail-over servers */
	{
		struct conf *l = loads("smtp = ( { url = \"smtp://a.example:587\"; "
		    "tls = \"required\"; connections = 2; },\n"
		    "  { url = \"smtp://b.example:25\"; user = \"u\"; } );\n");

		if (l) {
			CHECK(conf_nsmtp(l) == 2);
			CHECK_STR(conf_smtp(l, 0)->url, "smtp://a.example:587");
			CHECK(conf_smtp(l, 0)->tls == CONF_TLS_REQUIRED);
			CHECK_STR(conf_smtp(l, 1)->url, "smtp://b.example:25");
			CHECK_STR(conf_smtp(l, 1)->user, "u");
			CHECK(conf_smtp(l, 1)->tls == CONF_TLS_AUTO);
			CHECK(conf_smtp(l, 1)->verify == 1);
			CHECK(l->smtp_connections == 2);
		}
		conf_free(&l);
		l = loads("smtp = { url = \"smtp://a.example\"; };\n");
		if (l)
			CHECK(conf_nsmtp(l) == 1);
		conf_free(&l);
	}
	fails_saying("smtp = ( { url = \"smtp://a\"; },\n { rate = 5; } );\n",
	    ":4:", "smtp.rate", "first server");
	fails_saying("smtp = ( { url = \"smtp://a\"; },\n { url = \"http://b\"; } );\n",
	    ":4:", "smtp.url", "");
	fails_saying("smtp = ( { url = \"smtp://a\"; },\n { colour = 5; } );\n",
	    ":4:", "smtp.colour", "unknown key");
	fails_saying("smtp = ( );\n", ":3:", "smtp", "empty list");
	fails_saying("smtp = ( 5 );\n", ":3:", "smtp", "must be a group");
	/* the sent folder is neither the mailbox read nor the done one */
	fails_saying("imap = { sent_folder = \"inbox\"; };\n", NULL,
	    "imap.sent_folder", "mailbox of imap.url");
	fails_saying("imap = { url = \"imap://h/Office\"; "
	    "sent_folder = \"Office\"; };\n", NULL, "imap.sent_folder",
	    "mailbox of imap.url");
	fails_saying("imap = { done_folder = \"Done\"; "
	    "sent_folder = \"Done\"; };\n", NULL, "imap.sent_folder",
	    "imap.done_folder");
	conf_free(&(struct conf *){ loads("imap = { url = \"imap://h/Office\"; "
	    "sent_folder = \"Sent\"; };\n") });
	fails("addresses = { delimiter = \"++\"; };\n", ":3:",
	    "addresses.delimiter");
	fails("smtp = { user = \"a\\nb\"; };\n", ":3:", "smtp.user");
	fails("smtp = 5;\n", ":3:", "smtp");
	fails("bounce = { bouncing = 9; disabled = 2; };\n", NULL,
	    "bounce.bouncing");
	fails("bounce = { disabled = 0; };\n", ":3:", "bounce.disabled");
	fails("bounce = { reset_after = 60; };\n", ":3:", "bounce.reset_after");
	base = "";
	fails("sender = 3;\nlists_domain = \"l.example.org\";\n", ":1:",
	    "sender");
	fails("sender = { address = \"a@b.org\"; };\n"
	    "lists_domain = \"not a domain\";\n", ":2:", "lists_domain");
	fails("sender = { address = \"not an address\"; };\n"
	    "lists_domain = \"l.example.org\";\n", ":1:", "sender.address");
	fails("smtp = { url = \"smtp://x\" \n", NULL, "syntax error");

	/* a missing required key names it */
	{
		char path[256];
		FILE *f;

		snprintf(path, sizeof path, "%s/min.conf", dir);
		f = fopen(path, "w");
		fputs("lists_domain = \"l.example.org\";\n", f);
		fclose(f);
		c = conf_load(path, err, sizeof err);
		CHECK(c == NULL && strstr(err, "sender") != NULL);
		conf_free(&c);
		unlink(path);
	}
	c = conf_load("/nonexistent/herald.conf", err, sizeof err);
	CHECK(c == NULL && strstr(err, "/nonexistent/herald.conf") != NULL);

	unlink(write_conf(""));
	rmdir(dir);
	return check_done("t_conf");
}
