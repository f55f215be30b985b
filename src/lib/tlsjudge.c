/* tlsjudge: see tlsjudge.h. */
#include "lib/tlsjudge.h"

#include <arpa/inet.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct tlsjudge_ctx {
	gnutls_x509_crt_t crts[TLSJUDGE_MAX_CHAIN];
	unsigned int n;
	/* the issuing path through what the server sent: path[0] is the
	 * leaf, path[i + 1] issued path[i] */
	unsigned int path[TLSJUDGE_MAX_CHAIN];
	unsigned int plen;
};

static const char *const tlsjudge_names[] = {
	"verified", "no certificate", "no trusted CAs", "self-signed",
	"unknown issuer", "incomplete chain", "expired", "not yet valid",
	"wrong name", "not trusted"
};

const char *
tlsjudge_name(enum tlsjudge_verdict v)
{
	return tlsjudge_names[v];
}

static void
tlsjudge_free(struct tlsjudge_ctx *x)
{
	unsigned int i;

	for (i = 0; i < x->n; i++)
		gnutls_x509_crt_deinit(x->crts[i]);
	x->n = 0;
}

/* The certificates that parse, in the order sent. */
static void
tlsjudge_import(struct tlsjudge_ctx *x, const gnutls_datum_t *certs,
    unsigned int n)
{
	unsigned int i;

	x->n = 0;
	for (i = 0; i < n && x->n < TLSJUDGE_MAX_CHAIN; i++) {
		gnutls_x509_crt_t c;

		if (gnutls_x509_crt_init(&c) < 0)
			break;
		if (gnutls_x509_crt_import(c, &certs[i], GNUTLS_X509_FMT_DER)
		    < 0) {
			gnutls_x509_crt_deinit(c);
			if (i == 0)
				return;	/* no leaf: judge nothing */
			continue;
		}
		x->crts[x->n++] = c;
	}
}

static int
tlsjudge_self_issued(gnutls_x509_crt_t c)
{
	return gnutls_x509_crt_check_issuer(c, c) != 0;
}

/*
 * Follow issuers from the leaf through the certificates sent, in any
 * order (servers do send them shuffled), stopping at a self-issued one.
 */
static void
tlsjudge_path(struct tlsjudge_ctx *x)
{
	unsigned int cur = 0, i, k;

	x->plen = 0;
	x->path[x->plen++] = 0;
	while (x->plen < x->n && !tlsjudge_self_issued(x->crts[cur])) {
		for (i = 0; i < x->n; i++) {
			int seen = 0;

			for (k = 0; k < x->plen; k++)
				seen |= x->path[k] == i;
			if (!seen && gnutls_x509_crt_check_issuer(x->crts[cur],
			    x->crts[i]))
				break;
		}
		if (i == x->n)
			return;
		x->path[x->plen++] = cur = i;
	}
}

static int
tlsjudge_trust(gnutls_x509_trust_list_t *tl, const char *ca_file)
{
	int r;

	if (gnutls_x509_trust_list_init(tl, 0) < 0)
		return -1;
	r = ca_file && *ca_file ?
	    gnutls_x509_trust_list_add_trust_file(*tl, ca_file, NULL,
	    GNUTLS_X509_FMT_PEM, 0, 0) :
	    gnutls_x509_trust_list_add_system_trust(*tl, 0, 0);
	if (r <= 0) {
		gnutls_x509_trust_list_deinit(*tl, 1);
		*tl = NULL;
		return -1;
	}
	return 0;
}

/* The subject or issuer DN as text ("CN=...,O=..."). */
static void
tlsjudge_dn(gnutls_x509_crt_t c, int issuer, char *out, size_t len)
{
	gnutls_datum_t d = { NULL, 0 };
	int r = issuer ? gnutls_x509_crt_get_issuer_dn3(c, &d, 0) :
	    gnutls_x509_crt_get_dn3(c, &d, 0);

	snprintf(out, len, "%s", r < 0 || d.data == NULL ? "(no name)" :
	    (const char *)d.data);
	gnutls_free(d.data);
}

static void
tlsjudge_time(time_t t, char *out, size_t len)
{
	struct tm tm;

	if (t == (time_t)-1 || gmtime_r(&t, &tm) == NULL)
		snprintf(out, len, "(unknown)");
	else
		strftime(out, len, "%Y-%m-%d %H:%M UTC", &tm);
}

/* The DNS names and addresses the leaf is for, else its CN. */
static void
tlsjudge_names_of(gnutls_x509_crt_t c, char *out, size_t len)
{
	size_t used = 0;
	unsigned int i;

	out[0] = '\0';
	for (i = 0; used + 2 < len; i++) {
		char name[256], ip[INET6_ADDRSTRLEN];
		size_t size = sizeof name - 1;
		unsigned int critical;
		int t = gnutls_x509_crt_get_subject_alt_name(c, i, name, &size,
		    &critical);
		const char *show = NULL;

		if (t == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (t == GNUTLS_SAN_DNSNAME) {
			name[size] = '\0';
			show = name;
		} else if (t == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16))
			show = inet_ntop(size == 4 ? AF_INET : AF_INET6, name,
			    ip, sizeof ip);
		if (show)
			used += (size_t)snprintf(out + used, len - used, "%s%s",
			    used ? ", " : "", show);
	}
	if (used == 0) {
		size_t size = len;

		if (gnutls_x509_crt_get_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME,
		    0, 0, out, &size) < 0)
			snprintf(out, len, "no name at all");
	}
}

/* The issuer could not be found: say which link is missing. */
static enum tlsjudge_verdict
tlsjudge_issuer(struct tlsjudge_ctx *x, char *why, size_t len)
{
	gnutls_x509_crt_t top = x->crts[x->path[x->plen - 1]];
	char dn[512];
	unsigned int ca = 0;

	if (tlsjudge_self_issued(top)) {
		tlsjudge_dn(top, 0, dn, sizeof dn);
		if (x->plen == 1) {
			snprintf(why, len, "certificate not trusted: self-signed "
			    "(%s)", dn);
			return TLSJUDGE_SELF_SIGNED;
		}
		snprintf(why, len, "certificate not trusted: unknown issuer "
		    "%s (the chain ends at a root not among the trusted CAs)",
		    dn);
		return TLSJUDGE_UNKNOWN_ISSUER;
	}
	tlsjudge_dn(top, 1, dn, sizeof dn);
	/* a CA certificate at the top: the server sent its intermediates,
	 * and the root above them is not trusted here */
	if (gnutls_x509_crt_get_basic_constraints(top, NULL, &ca, NULL) >= 0 &&
	    ca) {
		snprintf(why, len, "certificate not trusted: unknown issuer %s",
		    dn);
		return TLSJUDGE_UNKNOWN_ISSUER;
	}
	snprintf(why, len, "certificate not trusted: incomplete chain: the "
	    "server did not send the certificate of its issuer %s (an "
	    "intermediate missing from the server's configuration, or an "
	    "unknown issuer)", dn);
	return TLSJUDGE_INCOMPLETE_CHAIN;
}

/* The first certificate on the path that is outside its dates. */
static enum tlsjudge_verdict
tlsjudge_dates(struct tlsjudge_ctx *x, char *why, size_t len)
{
	time_t now = time(NULL);
	unsigned int i;

	for (i = 0; i < x->plen; i++) {
		gnutls_x509_crt_t c = x->crts[x->path[i]];
		time_t from = gnutls_x509_crt_get_activation_time(c);
		time_t until = gnutls_x509_crt_get_expiration_time(c);
		char when[64], dn[512];

		tlsjudge_dn(c, 0, dn, sizeof dn);
		if (until != (time_t)-1 && now > until) {
			tlsjudge_time(until, when, sizeof when);
			snprintf(why, len, "certificate %sexpired on %s (%s)",
			    i ? "of an issuer " : "", when, dn);
			return TLSJUDGE_EXPIRED;
		}
		if (from != (time_t)-1 && now < from) {
			tlsjudge_time(from, when, sizeof when);
			snprintf(why, len, "certificate %snot yet valid: valid "
			    "from %s (%s)", i ? "of an issuer " : "", when, dn);
			return TLSJUDGE_NOT_YET_VALID;
		}
	}
	return TLSJUDGE_OK;
}

static enum tlsjudge_verdict
tlsjudge_judge(struct tlsjudge_ctx *x, gnutls_x509_trust_list_t tl,
    const char *host, char *why, size_t len)
{
	unsigned int status = 0;
	enum tlsjudge_verdict v;
	char names[1024];

	if (gnutls_x509_trust_list_verify_crt(tl, x->crts, x->n, 0, &status,
	    NULL) < 0)
		status |= GNUTLS_CERT_INVALID;
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
		return tlsjudge_issuer(x, why, len);
	if ((v = tlsjudge_dates(x, why, len)) != TLSJUDGE_OK)
		return v;
	if (status != 0) {
		gnutls_datum_t out = { NULL, 0 };

		gnutls_certificate_verification_status_print(status,
		    GNUTLS_CRT_X509, &out, 0);
		snprintf(why, len, "certificate not trusted: %s", out.data ?
		    (const char *)out.data : "refused by GnuTLS");
		gnutls_free(out.data);
		return TLSJUDGE_INVALID;
	}
	if (!gnutls_x509_crt_check_hostname(x->crts[0], host)) {
		tlsjudge_names_of(x->crts[0], names, sizeof names);
		snprintf(why, len, "wrong name: the certificate is for %s, "
		    "not %s", names, host);
		return TLSJUDGE_WRONG_NAME;
	}
	snprintf(why, len, "verified");
	return TLSJUDGE_OK;
}

enum tlsjudge_verdict
tlsjudge_chain(const gnutls_datum_t *certs, unsigned int n, const char *host,
    const char *ca_file, char *why, size_t len)
{
	struct tlsjudge_ctx x;
	gnutls_x509_trust_list_t tl = NULL;
	enum tlsjudge_verdict v;

	tlsjudge_import(&x, certs, n);
	if (x.n == 0) {
		snprintf(why, len, "no readable server certificate");
		return TLSJUDGE_NO_CERT;
	}
	if (tlsjudge_trust(&tl, ca_file) == -1) {
		tlsjudge_free(&x);
		snprintf(why, len, "%s: no trusted CA certificates loaded",
		    ca_file && *ca_file ? ca_file : "system store");
		return TLSJUDGE_NO_CA;
	}
	tlsjudge_path(&x);
	v = tlsjudge_judge(&x, tl, host, why, len);
	gnutls_x509_trust_list_deinit(tl, 1);
	tlsjudge_free(&x);
	return v;
}
