/*
 * check_tls: "herald check"'s own look at a server's certificate when
 * libcurl refused it: a TLS handshake with GnuTLS (after EHLO and
 * STARTTLS for smtp://, at once for smtps://) that accepts any
 * certificate, so that lib/tlsjudge can name what is wrong with it.
 * Nothing is sent after the handshake: no password crosses it.
 */
#ifndef HERALD_CHECK_TLS_H
#define HERALD_CHECK_TLS_H

#include <stddef.h>

/*
 * Judge the certificate of the SMTP server at url against ca_file (""
 * the system's store); why gets tlsjudge's words, or what stopped the
 * probe. Returns the tlsjudge verdict, or -1 when no certificate was
 * had.
 */
int check_tls_smtp(const char *url, const char *ca_file, char *why,
    size_t len);

#endif
