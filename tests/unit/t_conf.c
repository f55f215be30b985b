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

int
main(void)
{
	char err[1024];
	struct conf *c;

	if (mkdtemp(dir) == NULL)
		return 1;
	test_defaults();
	test_values();
	fails("smtp = { urll = \"smtp://x\"; };\n", ":3:", "smtp.urll");
	fails("colour = \"blue\";\n", ":3:", "colour");
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
