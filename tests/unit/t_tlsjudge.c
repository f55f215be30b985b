/*
 * Unit tests: lib/tlsjudge. The certificates are made here, at test
 * time, with GnuTLS (ECDSA keys: quick): a root, an intermediate and
 * leaves for localhost, good and bad in each way a server goes wrong.
 */
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "lib/tlsjudge.h"

#define DAY (24 * 3600)

struct cert {
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t key;
	gnutls_datum_t der;
};

static unsigned char serial_no = 1;

/* A certificate named cn, valid from..until, signed by issuer (NULL:
 * itself); a CA, or a leaf for the names in san ("" none). */
static void
make(struct cert *c, const char *cn, time_t from, time_t until,
    const struct cert *issuer, int ca, const char *const *san)
{
	gnutls_x509_privkey_init(&c->key);
	gnutls_x509_privkey_generate(c->key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	gnutls_x509_crt_init(&c->crt);
	gnutls_x509_crt_set_version(c->crt, 3);
	serial_no++;
	gnutls_x509_crt_set_serial(c->crt, &serial_no, 1);
	gnutls_x509_crt_set_dn_by_oid(c->crt, GNUTLS_OID_X520_COMMON_NAME, 0,
	    cn, (unsigned int)strlen(cn));
	gnutls_x509_crt_set_key(c->crt, c->key);
	gnutls_x509_crt_set_activation_time(c->crt, from);
	gnutls_x509_crt_set_expiration_time(c->crt, until);
	gnutls_x509_crt_set_basic_constraints(c->crt, ca, -1);
	gnutls_x509_crt_set_key_usage(c->crt, ca ? GNUTLS_KEY_KEY_CERT_SIGN |
	    GNUTLS_KEY_CRL_SIGN : GNUTLS_KEY_DIGITAL_SIGNATURE);
	gnutls_x509_crt_set_subject_key_id(c->crt, &serial_no, 1);
	for (; san && *san; san++) {
		unsigned char ip[4] = { 127, 0, 0, 1 };

		if (strcmp(*san, "127.0.0.1") == 0)
			gnutls_x509_crt_set_subject_alt_name(c->crt,
			    GNUTLS_SAN_IPADDRESS, ip, 4, GNUTLS_FSAN_APPEND);
		else
			gnutls_x509_crt_set_subject_alt_name(c->crt,
			    GNUTLS_SAN_DNSNAME, *san, (unsigned int)strlen(*san),
			    GNUTLS_FSAN_APPEND);
	}
	if (!ca)
		gnutls_x509_crt_set_key_purpose_oid(c->crt,
		    GNUTLS_KP_TLS_WWW_SERVER, 0);
	if (issuer)
		gnutls_x509_crt_sign2(c->crt, issuer->crt, issuer->key,
		    GNUTLS_DIG_SHA256, 0);
	else
		gnutls_x509_crt_sign2(c->crt, c->crt, c->key, GNUTLS_DIG_SHA256,
		    0);
	gnutls_x509_crt_export2(c->crt, GNUTLS_X509_FMT_DER, &c->der);
}

static void
drop(struct cert *c)
{
	gnutls_x509_crt_deinit(c->crt);
	gnutls_x509_privkey_deinit(c->key);
	gnutls_free(c->der.data);
}

static void
write_pem(const char *path, const struct cert *c)
{
	gnutls_datum_t pem;
	FILE *f = fopen(path, "w");

	gnutls_x509_crt_export2(c->crt, GNUTLS_X509_FMT_PEM, &pem);
	fwrite(pem.data, 1, pem.size, f);
	fclose(f);
	gnutls_free(pem.data);
}

static enum tlsjudge_verdict
judge(const struct cert *a, const struct cert *b, const struct cert *c,
    const char *host, const char *ca, char *why, size_t len)
{
	gnutls_datum_t d[3];
	unsigned int n = 0;

	d[n++] = a->der;
	if (b)
		d[n++] = b->der;
	if (c)
		d[n++] = c->der;
	return tlsjudge_chain(d, n, host, ca, why, len);
}

int
main(void)
{
	static const char *const names[] = { "localhost", "127.0.0.1", NULL };
	static const char *const other[] = { "mail.example.net", NULL };
	struct cert root, inter, leaf, expired, future, wrong, self, root2,
	    inter2, leaf2, old_inter, leaf3;
	char ca[] = "/tmp/t_tlsjudgeXXXXXX", ca2[] = "/tmp/t_tlsjudgeXXXXXX";
	char why[2048];
	time_t now = time(NULL);

	close(mkstemp(ca));
	close(mkstemp(ca2));
	make(&root, "herald test root", now - DAY, now + 30 * DAY, NULL, 1, NULL);
	make(&inter, "herald test intermediate", now - DAY, now + 30 * DAY,
	    &root, 1, NULL);
	make(&leaf, "localhost", now - DAY, now + 30 * DAY, &inter, 0, names);
	make(&expired, "localhost", now - 30 * DAY, now - DAY, &inter, 0, names);
	make(&future, "localhost", now + DAY, now + 30 * DAY, &inter, 0, names);
	make(&wrong, "mail.example.net", now - DAY, now + 30 * DAY, &inter, 0,
	    other);
	make(&self, "localhost", now - DAY, now + 30 * DAY, NULL, 0, names);
	make(&root2, "another root", now - DAY, now + 30 * DAY, NULL, 1, NULL);
	make(&inter2, "another intermediate", now - DAY, now + 30 * DAY, &root2,
	    1, NULL);
	make(&leaf2, "localhost", now - DAY, now + 30 * DAY, &inter2, 0, names);
	make(&old_inter, "old intermediate", now - 30 * DAY, now - DAY, &root,
	    1, NULL);
	make(&leaf3, "localhost", now - DAY, now + 30 * DAY, &old_inter, 0,
	    names);
	write_pem(ca, &root);
	write_pem(ca2, &root2);

	/* the root alone verifies leaf + intermediate, by name or address */
	CHECK(judge(&leaf, &inter, NULL, "localhost", ca, why, sizeof why) ==
	    TLSJUDGE_OK);
	CHECK_STR(why, "verified");
	CHECK(judge(&leaf, &inter, NULL, "127.0.0.1", ca, why, sizeof why) ==
	    TLSJUDGE_OK);
	/* the root sent too, or the chain shuffled: still fine */
	CHECK(judge(&leaf, &root, &inter, "localhost", ca, why, sizeof why) ==
	    TLSJUDGE_OK);
	/* no intermediate sent */
	CHECK(judge(&leaf, NULL, NULL, "localhost", ca, why, sizeof why) ==
	    TLSJUDGE_INCOMPLETE_CHAIN);
	CHECK(strstr(why, "incomplete chain") &&
	    strstr(why, "herald test intermediate"));
	/* the chain leads to a root not trusted here */
	CHECK(judge(&leaf, &inter, NULL, "localhost", ca2, why, sizeof why) ==
	    TLSJUDGE_UNKNOWN_ISSUER);
	CHECK(strstr(why, "unknown issuer") && strstr(why, "herald test root"));
	CHECK(judge(&leaf2, &inter2, &root2, "localhost", ca, why, sizeof why)
	    == TLSJUDGE_UNKNOWN_ISSUER);
	CHECK(strstr(why, "another root") != NULL);
	/* dates */
	CHECK(judge(&expired, &inter, NULL, "localhost", ca, why, sizeof why)
	    == TLSJUDGE_EXPIRED);
	CHECK(strstr(why, "expired on ") && strstr(why, "UTC"));
	CHECK(judge(&future, &inter, NULL, "localhost", ca, why, sizeof why) ==
	    TLSJUDGE_NOT_YET_VALID);
	CHECK(strstr(why, "not yet valid") != NULL);
	CHECK(judge(&leaf3, &old_inter, NULL, "localhost", ca, why, sizeof why)
	    == TLSJUDGE_EXPIRED);
	CHECK(strstr(why, "of an issuer") && strstr(why, "old intermediate"));
	/* names */
	CHECK(judge(&leaf, &inter, NULL, "mail.example.org", ca, why,
	    sizeof why) == TLSJUDGE_WRONG_NAME);
	CHECK(strstr(why, "wrong name") && strstr(why, "localhost, 127.0.0.1"));
	CHECK(judge(&wrong, &inter, NULL, "localhost", ca, why, sizeof why) ==
	    TLSJUDGE_WRONG_NAME);
	CHECK(strstr(why, "mail.example.net") != NULL);
	/* a lone self-signed certificate */
	CHECK(judge(&self, NULL, NULL, "localhost", ca, why, sizeof why) ==
	    TLSJUDGE_SELF_SIGNED);
	CHECK(strstr(why, "self-signed") && strstr(why, "not trusted"));
	/* nothing to judge, nothing to trust */
	CHECK(tlsjudge_chain(NULL, 0, "localhost", ca, why, sizeof why) ==
	    TLSJUDGE_NO_CERT);
	CHECK(judge(&leaf, &inter, NULL, "localhost", "/nonexistent.pem", why,
	    sizeof why) == TLSJUDGE_NO_CA);
	CHECK_STR(tlsjudge_name(TLSJUDGE_WRONG_NAME), "wrong name");

	unlink(ca);
	unlink(ca2);
	drop(&root); drop(&inter); drop(&leaf); drop(&expired); drop(&future);
	drop(&wrong); drop(&self); drop(&root2); drop(&inter2); drop(&leaf2);
	drop(&old_inter); drop(&leaf3);
	return check_done("t_tlsjudge");
}
