/* check_tls: see check_tls.h. */
#include "cli/check_tls.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "in/imap_stream.h"
#include "lib/tlsjudge.h"

#define CHECK_TLS_TIMEOUT_S 15

/* Host, port and TLS-from-the-start of an smtp(s):// URL. */
static int
check_tls_url(const char *url, char *host, size_t hostlen, uint16_t *port,
    int *implicit)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *h = NULL, *p = NULL;
	int rc = -1;

	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
		*implicit = strcmp(scheme, "smtps") == 0;
		*port = *implicit ? 465 : 25;
		if (curl_url_get(u, CURLUPART_PORT, &p, 0) == CURLUE_OK)
			*port = (uint16_t)atoi(p);
		/* an IPv6 literal comes in brackets */
		snprintf(host, hostlen, "%.*s", (int)strcspn(h + (*h == '['),
		    "]"), h + (*h == '['));
		rc = 0;
	}
	curl_free(scheme);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
	return rc;
}

/* One SMTP reply (all its lines); its code, or -1. */
static int
check_tls_reply(int fd)
{
	char line[1024];
	size_t n = 0;
	char c;

	for (;;) {
		if (read(fd, &c, 1) != 1)
			return -1;
		if (n < sizeof line - 1)
			line[n++] = c;
		if (c != '\n')
			continue;
		line[n] = '\0';
		if (n < 4)
			return -1;
		if (line[3] != '-')
			return atoi(line);
		n = 0;
	}
}

static int
check_tls_say(int fd, const char *cmd)
{
	size_t n = strlen(cmd);

	return write(fd, cmd, n) == (ssize_t)n ? check_tls_reply(fd) : -1;
}

/* Greeting, EHLO, STARTTLS: the plain-text part of the probe. */
static int
check_tls_starttls(int fd, char *why, size_t len)
{
	int code;

	if (check_tls_reply(fd) != 220) {
		snprintf(why, len, "no SMTP greeting");
		return -1;
	}
	if (check_tls_say(fd, "EHLO herald.check\r\n") != 250) {
		snprintf(why, len, "EHLO refused");
		return -1;
	}
	if ((code = check_tls_say(fd, "STARTTLS\r\n")) != 220) {
		snprintf(why, len, "STARTTLS refused (reply %d)", code);
		return -1;
	}
	return 0;
}

/* The handshake, accepting any certificate; then judge the chain. */
static int
check_tls_handshake(int fd, const char *host, const char *ca_file,
    char *why, size_t len)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_session_t s = NULL;
	const gnutls_datum_t *chain;
	unsigned int n = 0;
	struct in6_addr a;
	int r, v = -1;

	if (gnutls_certificate_allocate_credentials(&cred) < 0 ||
	    gnutls_init(&s, GNUTLS_CLIENT) < 0) {
		snprintf(why, len, "out of memory");
		goto out;
	}
	gnutls_set_default_priority(s);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	/* SNI only for names (RFC 6066 3) */
	if (inet_pton(AF_INET, host, &a) != 1 && inet_pton(AF_INET6, host, &a)
	    != 1)
		gnutls_server_name_set(s, GNUTLS_NAME_DNS, host, strlen(host));
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, CHECK_TLS_TIMEOUT_S * 1000);
	do
		r = gnutls_handshake(s);
	while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0) {
		snprintf(why, len, "TLS handshake failed: %s",
		    gnutls_strerror(r));
		goto out;
	}
	chain = gnutls_certificate_get_peers(s, &n);
	v = (int)tlsjudge_chain(chain, chain ? n : 0, host, ca_file, why,
	    len);
	gnutls_bye(s, GNUTLS_SHUT_WR);
out:
	if (s)
		gnutls_deinit(s);
	if (cred)
		gnutls_certificate_free_credentials(cred);
	return v;
}

int
check_tls_smtp(const char *url, const char *ca_file, char *why, size_t len)
{
	struct timeval tv = { CHECK_TLS_TIMEOUT_S, 0 };
	char host[256];
	uint16_t port;
	int implicit, fd, v = -1;

	if (check_tls_url(url, host, sizeof host, &port, &implicit) == -1) {
		snprintf(why, len, "bad URL");
		return -1;
	}
	if ((fd = imap_stream_connect(host, port, CHECK_TLS_TIMEOUT_S, NULL, why,
	    len)) == -1)
		return -1;
	/* plain blocking reads and writes, each bounded in time */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (implicit || check_tls_starttls(fd, why, len) == 0)
		v = check_tls_handshake(fd, host, ca_file, why, len);
	close(fd);
	return v;
}
