/*
 * tlsjudge: what is wrong with the certificate chain a server presented,
 * in the words an administrator can act on. Pure GnuTLS: the caller
 * hands over the certificates as the server sent them (DER, leaf first)
 * and the host name it connected to; the trust anchors are a PEM file or
 * the system's store. The IMAP client refuses to log in unless the
 * verdict is TLSJUDGE_OK; "herald check" prints the words.
 */
#ifndef HERALD_TLSJUDGE_H
#define HERALD_TLSJUDGE_H

#include <stddef.h>

#include <gnutls/gnutls.h>

#define TLSJUDGE_MAX_CHAIN 16	/* certificates looked at in a chain */

enum tlsjudge_verdict {
	TLSJUDGE_OK = 0,
	TLSJUDGE_NO_CERT,	/* none sent, or none readable */
	TLSJUDGE_NO_CA,		/* no trust anchor could be loaded */
	TLSJUDGE_SELF_SIGNED,	/* a lone certificate that signed itself */
	TLSJUDGE_UNKNOWN_ISSUER,	/* chain ends at a CA not trusted here */
	TLSJUDGE_INCOMPLETE_CHAIN,	/* the issuer's certificate is missing */
	TLSJUDGE_EXPIRED,
	TLSJUDGE_NOT_YET_VALID,
	TLSJUDGE_WRONG_NAME,	/* the leaf names other hosts */
	TLSJUDGE_INVALID	/* anything else GnuTLS refuses (signature,
				 * weak algorithm, CA constraints) */
};

/*
 * Judge the chain certs[0..n) (leaf first, DER) for host (a name or an
 * IP literal) against ca_file (PEM; NULL or "" for the system's store).
 * why gets one line naming the fault: "expired on 2026-01-02 10:00 UTC
 * (CN=...)", "wrong name: the certificate is for localhost, 127.0.0.1",
 * "unknown issuer CN=...", ...; "verified" when it is OK.
 */
enum tlsjudge_verdict tlsjudge_chain(const gnutls_datum_t *certs,
    unsigned int n, const char *host, const char *ca_file, char *why,
    size_t len);

/* The verdict's short name: "expired", "wrong name", ... */
const char *tlsjudge_name(enum tlsjudge_verdict v);

#endif
