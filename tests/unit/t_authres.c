/*
 * Unit tests: in/authres on Authentication-Results fields as OpenDKIM,
 * OpenDMARC, Gmail, Microsoft 365, Fastmail and rspamd write them, and on
 * hostile ones: forged authserv-ids, results hidden in comments and quoted
 * strings, too many results or properties, garbage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "in/authres.h"
#include "in/msg.h"

#define MX "mx.example.org"

static struct authres_field f;

/* Samples, as received (folded where the writer folds). */
static const char opendkim[] =
    MX "; dkim=pass (2048-bit key; unprotected) header.d=example.net "
    "header.i=@example.net header.a=rsa-sha256 header.s=mail "
    "header.b=AbCdEfGh";
static const char opendmarc[] =
    MX "; dmarc=pass (p=none dis=none) header.from=example.net";
static const char gmail[] =
    "mx.google.com;\n       dkim=pass header.i=@example.net "
    "header.s=20230601 header.b=\"Q2x+8a/b\";\n"
    "       spf=pass (google.com: domain of ann@example.net designates "
    "192.0.2.7 as permitted sender) smtp.mailfrom=ann@example.net;\n"
    "       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.net";
static const char m365[] =
    "spf=pass (sender IP is 40.107.22.1) smtp.mailfrom=example.net; "
    "dkim=pass (signature was verified) header.d=example.net;"
    "dmarc=pass action=none header.from=example.net;"
    "compauth=pass reason=100";
static const char m365_id[] =
    "mx.microsoft.com 1; spf=pass smtp.mailfrom=example.net; "
    "dmarc=pass action=none header.from=example.net; "
    "dkim=pass header.d=example.net; arc=none";
static const char fastmail[] =
    "mx6.messagingengine.com;\n    dkim=pass (2048-bit rsa key sha256) "
    "header.d=example.net header.i=@example.net header.b=AbCd1234 "
    "header.a=rsa-sha256 header.s=fm1 x-bits=2048;\n    arc=none (no "
    "signatures found);\n    dmarc=pass policy.published-domain-policy="
    "none policy.applied-disposition=none policy.evaluated-disposition="
    "none (p=none,d=none,d.eval=none) policy.policy-from=p "
    "header.from=example.net;\n    iprev=pass smtp.remote-ip=192.0.2.7 "
    "(mail.example.net);\n    spf=pass smtp.mailfrom=ann@example.net "
    "smtp.helo=mail.example.net;\n    x-aligned-from=pass (Address "
    "match);\n    x-me-sender=none;\n    x-ptr=pass smtp.helo=mail."
    "example.net policy.ptr=mail.example.net;\n    x-return-mx=pass "
    "header.domain=example.net policy.is_org=yes (MX Records found: "
    "mx1.example.net);\n    x-tls=pass smtp.version=TLSv1.3 "
    "smtp.cipher=TLS_AES_256_GCM_SHA384 smtp.bits=256/256;\n    "
    "x-vs=clean score=-100 state=0";
static const char rspamd[] =
    MX ";\n\tdkim=pass header.d=example.net header.s=dkim "
    "header.b=\"AbC/d+E=\";\n\tdmarc=pass (policy=reject) "
    "header.from=example.net;\n\tspf=pass (" MX ": domain of "
    "ann@example.net designates 192.0.2.7 as permitted sender) "
    "smtp.mailfrom=ann@example.net";

/* Field values joined as header lines, then a message around them. */
static char *
message(const char *const *values, size_t n)
{
	size_t i, len = 100;
	char *raw, *p;

	for (i = 0; i < n; i++)
		len += strlen(values[i]) + 40;
	p = raw = malloc(len);
	for (i = 0; i < n; i++)
		p += sprintf(p, "Authentication-Results: %s\n", values[i]);
	sprintf(p, "From: Ann <ann@example.net>\nSubject: hi\n\nHello.\n");
	return raw;
}

/* authres_check on a message with these Authentication-Results values. */
static void
judge(const char *const *values, size_t n, const char *from,
    struct authres_evidence *ev)
{
	struct in_msg *m = NULL;
	const char *err;
	char *raw = message(values, n);

	CHECK(in_msg_parse(raw, strlen(raw), &m, &err) == 0);
	authres_check(m, MX, from, ev);
	in_msg_free(&m);
	free(raw);
}

static enum authres_verdict
verdict1(const char *value, const char *from)
{
	struct authres_evidence ev;

	judge(&value, 1, from, &ev);
	return ev.verdict;
}

static const char *
prop(const struct authres_result *r, size_t i, const char *what)
{
	return i >= r->nprops ? "(none)" : strcmp(what, "ptype") == 0 ?
	    r->props[i].ptype : strcmp(what, "property") == 0 ?
	    r->props[i].property : r->props[i].value;
}

static void
test_parse_samples(void)
{
	CHECK(authres_parse(opendkim, &f) == 0);
	CHECK_STR(f.authserv_id, MX);
	CHECK(f.version == 1 && f.nresults == 1 && !f.none);
	CHECK_STR(f.results[0].method, "dkim");
	CHECK_STR(f.results[0].result, "pass");
	CHECK(f.results[0].nprops == 5 && !f.results[0].broken);
	CHECK_STR(prop(&f.results[0], 0, "ptype"), "header");
	CHECK_STR(prop(&f.results[0], 0, "property"), "d");
	CHECK_STR(prop(&f.results[0], 0, "value"), "example.net");
	CHECK_STR(prop(&f.results[0], 1, "value"), "@example.net");

	CHECK(authres_parse(opendmarc, &f) == 0);
	CHECK(f.nresults == 1 && f.results[0].nprops == 1);
	CHECK_STR(prop(&f.results[0], 0, "value"), "example.net");

	CHECK(authres_parse(gmail, &f) == 0);
	CHECK_STR(f.authserv_id, "mx.google.com");
	CHECK(f.nresults == 3);
	CHECK_STR(prop(&f.results[0], 2, "value"), "Q2x+8a/b");
	CHECK_STR(f.results[1].method, "spf");
	CHECK_STR(prop(&f.results[1], 0, "value"), "ann@example.net");
	CHECK_STR(f.results[2].method, "dmarc");

	/* Microsoft 365 writes no authserv-id: read, but never ours. */
	CHECK(authres_parse(m365, &f) == -1);
	CHECK_STR(f.authserv_id, "");
	CHECK(f.nresults == 4);
	CHECK_STR(f.results[2].method, "dmarc");
	CHECK_STR(prop(&f.results[2], 0, "ptype"), "");
	CHECK_STR(prop(&f.results[2], 0, "property"), "action");
	CHECK_STR(prop(&f.results[2], 1, "value"), "example.net");
	CHECK_STR(f.results[3].method, "compauth");
	CHECK(f.results[3].nprops == 0 && !f.results[3].broken);

	CHECK(authres_parse(m365_id, &f) == 0);
	CHECK_STR(f.authserv_id, "mx.microsoft.com");
	CHECK(f.version == 1 && f.nresults == 4);

	CHECK(authres_parse(fastmail, &f) == 0);
	CHECK(f.nresults == 11);
	CHECK_STR(f.results[2].method, "dmarc");
	CHECK(f.results[2].nprops == 5);
	CHECK_STR(f.results[10].method, "x-vs");

	CHECK(authres_parse(rspamd, &f) == 0);
	CHECK(f.nresults == 3);
	CHECK_STR(prop(&f.results[0], 2, "value"), "AbC/d+E=");
}

static void
test_parse_forms(void)
{
	CHECK(authres_parse(MX "; none", &f) == 0);
	CHECK(f.none && f.nresults == 0);
	CHECK(authres_parse(MX " 1; none", &f) == 0 && f.version == 1);
	CHECK(authres_parse(MX " 2; dkim=pass", &f) == -1 && f.version == 2);
	CHECK(authres_parse("\"" MX "\"; dkim=pass header.d=x.org", &f) == 0);
	CHECK_STR(f.authserv_id, MX);

	/* Sloppy: no spaces, extra ';', upper case, spaces around '='. */
	CHECK(authres_parse("MX.Example.ORG;DKIM=PASS HEADER.D=Example.NET;;"
	    "; ;DMARC = Pass header.from = example.net;", &f) == 0);
	CHECK_STR(f.authserv_id, "MX.Example.ORG");
	CHECK(f.nresults == 2);
	CHECK_STR(f.results[1].method, "dmarc");
	CHECK_STR(f.results[1].result, "pass");
	CHECK_STR(prop(&f.results[0], 0, "property"), "d");
	CHECK_STR(prop(&f.results[0], 0, "value"), "Example.NET");

	CHECK(authres_parse(MX "; dkim/1=pass reason=\"good; sig\" "
	    "header.d=example.net", &f) == 0);
	CHECK_STR(f.results[0].method, "dkim");
	CHECK(f.results[0].nprops == 1);

	/* Results inside comments and quoted strings are not results. */
	CHECK(authres_parse(MX " (a (b; dmarc=pass) c); dkim=fail "
	    "(dmarc=pass; dkim=pass) header.b=\"x; dmarc=pass\"", &f) == 0);
	CHECK(f.nresults == 1);
	CHECK_STR(f.results[0].result, "fail");
	CHECK_STR(prop(&f.results[0], 0, "value"), "x; dmarc=pass");

	/* Junk among the properties breaks the result. */
	CHECK(authres_parse(MX "; dmarc=pass junk header.from=evil.example; "
	    "spf=pass", &f) == -1);
	CHECK(f.nresults == 2 && f.results[0].broken && !f.results[1].broken);
	CHECK(authres_parse(MX "; dkim=pass header.b=\"open", &f) == -1);
	CHECK(f.results[0].broken);
	CHECK(authres_parse(MX "; dkim=pass header.d=", &f) == -1);
	CHECK(authres_parse(MX " dkim=pass", &f) == -1 && f.nresults == 0);
}

static void
test_parse_hostile(void)
{
	static char big[400000];
	char *p = big;
	size_t i;

	CHECK(authres_parse("", &f) == -1 && f.nresults == 0);
	CHECK_STR(f.authserv_id, "");
	CHECK(authres_parse(NULL, &f) == -1);
	CHECK(authres_parse("\x01\xff(((;;\"", &f) == -1);
	CHECK(authres_parse(";;;===\"\"()", &f) == -1);
	CHECK(authres_parse(MX "; dkim=pass (unclosed ((comment", &f) == 0);

	p += sprintf(p, "%s", MX);
	for (i = 0; i < 10000; i++)
		p += sprintf(p, "; dkim=pass header.d=example.net");
	CHECK(authres_parse(big, &f) == -1);
	CHECK(f.nresults == AUTHRES_RESULTS &&
	    f.dropped == 10000 - AUTHRES_RESULTS);

	/* An over-long authserv-id is not cut: "" matches nothing. */
	memset(big, 'a', 300);
	strcpy(big + 300, "; dkim=pass");
	CHECK(authres_parse(big, &f) == -1);
	CHECK_STR(f.authserv_id, "");

	/* An over-long value is kept as "", not cut. */
	p = big + sprintf(big, "%s; dkim=pass header.d=", MX);
	memset(p, 'x', 300);
	strcpy(p + 300, ".example.net");
	CHECK(authres_parse(big, &f) == 0);
	CHECK_STR(prop(&f.results[0], 0, "value"), "");

	/* Properties beyond AUTHRES_PROPS break the result. */
	p = big + sprintf(big, "%s; dmarc=pass", MX);
	for (i = 0; i < AUTHRES_PROPS; i++)
		p += sprintf(p, " policy.x%zu=y", i);
	sprintf(p, " header.from=evil.example");
	CHECK(authres_parse(big, &f) == -1);
	CHECK(f.results[0].broken && f.results[0].nprops == AUTHRES_PROPS);
}

static void
test_aligned(void)
{
	CHECK(authres_aligned("example.net", "example.net"));
	CHECK(authres_aligned("EXAMPLE.net.", "example.NET"));
	CHECK(authres_aligned("mail.example.net", "example.net"));
	CHECK(authres_aligned("example.net", "lists.example.net"));
	CHECK(!authres_aligned("net", "example.net"));
	CHECK(!authres_aligned("ample.net", "example.net"));
	CHECK(!authres_aligned("example.net.evil", "example.net"));
	CHECK(!authres_aligned("other.org", "example.net"));
	CHECK(!authres_aligned("", "example.net"));
	CHECK(!authres_aligned("a..example.net", "example.net"));
	CHECK(!authres_aligned("ex ample.net", "ex ample.net"));
}

static void
test_check_samples(void)
{
	const char *two[] = { opendkim, MX "; dmarc=none (p=none) "
	    "header.from=example.net" };
	const char *other_first[] = { "mx.attacker.example; dmarc=pass "
	    "header.from=example.net", opendmarc };
	struct authres_evidence ev;

	judge((const char *[]){ opendmarc }, 1, "example.net", &ev);
	CHECK(ev.verdict == AUTHRES_PASS && ev.field == 0);
	CHECK_STR(ev.method, "dmarc");
	CHECK_STR(ev.detail, "Authentication-Results from " MX ": dmarc=pass "
	    "header.from=example.net");

	judge((const char *[]){ opendkim }, 1, "example.net", &ev);
	CHECK(ev.verdict == AUTHRES_PASS);
	CHECK_STR(ev.method, "dkim");
	CHECK_STR(ev.detail, "Authentication-Results from " MX ": dkim=pass "
	    "header.d=example.net");

	/* OpenDKIM and OpenDMARC each add a field; dmarc=none is no fail. */
	judge(two, 2, "example.net", &ev);
	CHECK(ev.verdict == AUTHRES_PASS && ev.field == 0);
	CHECK_STR(ev.method, "dkim");

	judge(other_first, 2, "example.net", &ev);
	CHECK(ev.verdict == AUTHRES_PASS && ev.field == 1);

	CHECK(verdict1(rspamd, "example.net") == AUTHRES_PASS);
	CHECK(verdict1(MX "; dkim=pass header.i=@mail.example.net "
	    "header.s=x", "example.net") == AUTHRES_PASS);
	CHECK(verdict1(MX "; dkim=pass header.d=example.net",
	    "lists.example.net") == AUTHRES_PASS);
	CHECK(verdict1(MX "; dmarc=pass", "example.net") == AUTHRES_PASS);
	CHECK(verdict1("MX.EXAMPLE.ORG; DMARC=PASS HEADER.FROM=EXAMPLE.NET",
	    "example.net") == AUTHRES_PASS);

	/* Gmail, Fastmail, Microsoft: ours only when so configured. */
	CHECK(verdict1(gmail, "example.net") == AUTHRES_NONE);
	{
		struct in_msg *m = NULL;
		const char *err;
		const char *v[] = { gmail, fastmail, m365_id };
		const char *ids[] = { "mx.google.com",
		    "mx6.messagingengine.com", "mx.microsoft.com" };
		char *raw = message(v, 3);
		size_t i;

		CHECK(in_msg_parse(raw, strlen(raw), &m, &err) == 0);
		for (i = 0; i < 3; i++) {
			authres_check(m, ids[i], "example.net", &ev);
			CHECK(ev.verdict == AUTHRES_PASS &&
			    ev.field == (long)i);
			CHECK_STR(ev.method, "dmarc");
		}
		in_msg_free(&m);
		free(raw);
	}
}

static void
test_check_refusals(void)
{
	const char *forged[] = { MX ".evil; dmarc=pass header.from=example.net",
	    "evil." MX "; dkim=pass header.d=example.net", m365 };
	struct authres_evidence ev;

	judge(forged, 3, "example.net", &ev);
	CHECK(ev.verdict == AUTHRES_NONE && ev.field == -1);
	CHECK_STR(ev.detail, "no Authentication-Results from " MX
	    " (3 from others ignored)");
	judge(NULL, 0, "example.net", &ev);
	CHECK_STR(ev.detail, "no Authentication-Results from " MX);

	judge((const char *[]){ MX "; dmarc=pass header.from=other.org" }, 1,
	    "example.net", &ev);
	CHECK(ev.verdict == AUTHRES_NONE && ev.field == 0);
	CHECK_STR(ev.detail, "Authentication-Results from " MX ": dmarc=pass "
	    "for header.from=other.org, not example.net");

	judge((const char *[]){ MX "; dkim=pass header.d=other.org" }, 1,
	    "example.net", &ev);
	CHECK_STR(ev.detail, "Authentication-Results from " MX ": dkim=pass "
	    "for header.d=other.org, not aligned with example.net");

	/* DMARC's fail outweighs an aligned dkim=pass. */
	judge((const char *[]){ opendkim, MX "; dmarc=fail (p=reject) "
	    "header.from=example.net" }, 2, "example.net", &ev);
	CHECK(ev.verdict == AUTHRES_NONE && ev.field == 1);
	CHECK_STR(ev.detail, "Authentication-Results from " MX
	    ": dmarc=fail for example.net");

	judge((const char *[]){ MX "; dkim=fail (bad signature) "
	    "header.d=example.net header.s=x" }, 1, "example.net", &ev);
	CHECK(ev.verdict == AUTHRES_NONE && ev.field == 0);
	CHECK_STR(ev.detail, "Authentication-Results from " MX ": dkim=fail "
	    "header.d=example.net");

	CHECK(verdict1(MX "; dkim=none (dmarc=pass) (dkim=pass header.d="
	    "example.net)", "example.net") == AUTHRES_NONE);
	CHECK(verdict1(MX "; dkim=fail header.b=\"; dmarc=pass "
	    "header.from=example.net\"", "example.net") == AUTHRES_NONE);
	CHECK(verdict1(MX "; spf=pass smtp.mailfrom=example.net",
	    "example.net") == AUTHRES_NONE);
	CHECK(verdict1(MX "; dkim=pass header.d=net", "example.net") ==
	    AUTHRES_NONE);
	CHECK(verdict1(MX "; dkim=pass header.i=example.net",
	    "example.net") == AUTHRES_NONE);
	CHECK(verdict1(MX "; dkim=pass header.s=x", "example.net") ==
	    AUTHRES_NONE);
	CHECK(verdict1(MX "; dmarc=pass junk header.from=other.org",
	    "example.net") == AUTHRES_NONE);
	CHECK(verdict1(MX "; dmarc=pass header.from=example.net "
	    "header.from=other.org", "example.net") == AUTHRES_NONE);
	CHECK(verdict1(MX " 2; dmarc=pass header.from=example.net",
	    "example.net") == AUTHRES_NONE);
	CHECK(verdict1(MX "; none", "example.net") == AUTHRES_NONE);

	judge((const char *[]){ opendmarc }, 1, NULL, &ev);
	CHECK(ev.verdict == AUTHRES_NONE);
	authres_check(NULL, "", "example.net", &ev);
	CHECK(ev.verdict == AUTHRES_NONE && ev.detail[0] != '\0');
}

static void
test_check_hostile(void)
{
	static char big[400000];
	struct authres_evidence ev;
	const char *v = big;
	char *p = big;
	size_t i;

	/* Our field with 10,000 results, the pass last: not judged. */
	p += sprintf(p, "%s", MX);
	for (i = 0; i < 10000; i++)
		p += sprintf(p, "; dkim=fail header.d=example.net");
	sprintf(p, "; dmarc=pass header.from=example.net");
	judge(&v, 1, "example.net", &ev);
	CHECK(ev.verdict == AUTHRES_NONE);
	CHECK(strstr(ev.detail, "more than") != NULL);

	/* A property lost to the bound could have been a header.from. */
	p = big + sprintf(big, "%s; dmarc=pass", MX);
	for (i = 0; i < AUTHRES_PROPS; i++)
		p += sprintf(p, " policy.x%zu=y", i);
	sprintf(p, " header.from=other.org");
	CHECK(verdict1(big, "example.net") == AUTHRES_NONE);

	/* Long values are cut in the detail, marked, never passed. */
	p = big + sprintf(big, "%s; dkim=pass header.d=", MX);
	memset(p, 'x', 240);
	strcpy(p + 240, ".org\x01");
	judge(&v, 1, "example.net", &ev);
	CHECK(ev.verdict == AUTHRES_NONE);
	CHECK(strlen(ev.detail) == sizeof ev.detail - 1);
	CHECK(strcmp(ev.detail + sizeof ev.detail - 4, "...") == 0);
}

int
main(void)
{
	test_parse_samples();
	test_parse_forms();
	test_parse_hostile();
	test_aligned();
	test_check_samples();
	test_check_refusals();
	test_check_hostile();
	return check_done("t_authres");
}
