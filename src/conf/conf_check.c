/*
 * conf_check: judges herald.conf's values (see conf_int.h): each one by
 * its type as conf.c reads it, then all of them together.
 */
#include "conf/conf_int.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/addr.h"
#include "lib/hostport.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "mail/compose.h"

/* URL syntax and scheme, parsed by libcurl's URL API. */
static int
conf_check_url(struct conf_ctx *x, int line, const char *key,
    const char *url, const char *plain, const char *tls)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int rc = 0;

	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		rc = conf_fail(x, line, key, "bad URL \"%s\"", url);
	else if (strcmp(scheme, plain) != 0 && strcmp(scheme, tls) != 0)
		rc = conf_fail(x, line, key, "URL scheme must be %s:// or %s://",
		    plain, tls);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

/* http.listen ("ADDRESS:PORT") and http.base_url ("" or an http(s) URL). */
static int
conf_check_http(struct conf_ctx *x, const struct conf_key *k, int line,
    const char *v)
{
	struct sockaddr_storage ss;
	socklen_t len;
	const char *why;

	if (*v == '\0')
		return 0;
	if (k->type == T_HTTPURL)
		return conf_check_url(x, line, k->name, v, "http", "https");
	if (hostport_parse(v, &ss, &len, &why) == -1)
		return conf_fail(x, line, k->name, "\"%s\": %s", v, why);
	return 0;
}

/* The web endpoint's keys together: a listener needs its public URL. */
static int
conf_check_http_keys(struct conf_ctx *x, struct conf *c)
{
	size_t n = strlen(c->http_base_url);

	while (n > 0 && c->http_base_url[n - 1] == '/')
		c->http_base_url[--n] = '\0';	/* links add "/u/..." */
	if (n > 256)
		return conf_fail(x, 0, "http.base_url", "longer than 256 "
		    "octets: links in mail must stay short");
	if (*c->http_listen && n == 0)
		return conf_fail(x, 0, "http.base_url", "required with "
		    "http.listen: the public URL links in mail point to");
	if (!*c->http_cert_file != !*c->http_key_file)
		return conf_fail(x, 0, "http.cert_file", "http.cert_file and "
		    "http.key_file go together");
	return 0;
}

/*
 * An OAuth2 endpoint: the client secret and tokens cross it, so plain
 * http:// only to this host.
 */
static int
conf_check_oauth2_url(struct conf_ctx *x, int line, const char *key,
    const char *url)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL;
	int rc;

	if (conf_check_url(x, line, key, url, "http", "https") == -1)
		return -1;
	u = curl_url();
	curl_url_set(u, CURLUPART_URL, url, 0);
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	rc = strcmp(scheme, "http") == 0 && strcmp(host, "127.0.0.1") != 0 &&
	    strcmp(host, "localhost") != 0 && strcmp(host, "[::1]") != 0 ?
	    conf_fail(x, line, key, "must be https:// (http:// only to "
	    "this host): tokens and the client secret cross it") : 0;
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

int
conf_check_string(struct conf_ctx *x, const struct conf_key *k, int line,
    const char *v)
{
	const char *why;

	if (!text_header_safe(v, &why))
		return conf_fail(x, line, k->name, "%s in value", why);
	switch (k->type) {
	case T_SMTPURL:
		return conf_check_url(x, line, k->name, v, "smtp", "smtps");
	case T_IMAPURL:
		return conf_check_url(x, line, k->name, v, "imap", "imaps");
	case T_HTTPURL:
	case T_LISTEN:
		return conf_check_http(x, k, line, v);
	case T_ADDR: {
		char *a = addr_normalize(v, &why);

		if (a == NULL)
			return conf_fail(x, line, k->name, "%s: \"%s\"", why, v);
		free(a);
		return 0;
	}
	case T_DOMAIN:
		if (*v && !addr_domain_valid(v, strlen(v)))
			return conf_fail(x, line, k->name, "invalid domain \"%s\"",
			    v);
		return 0;
	case T_TLS:
		if (strcmp(v, "off") && strcmp(v, "auto") && strcmp(v, "required"))
			return conf_fail(x, line, k->name,
			    "must be \"off\", \"auto\" or \"required\"");
		return 0;
	case T_AUTH:
		if (strcmp(v, "password") && strcmp(v, "oauth2"))
			return conf_fail(x, line, k->name,
			    "must be \"password\" or \"oauth2\"");
		return 0;
	case T_OAUTHURL:
		return *v ? conf_check_oauth2_url(x, line, k->name, v) : 0;
	case T_TZ:
		if (*v && !time_zone_valid(v))
			return conf_fail(x, line, k->name,
			    "unknown time zone \"%s\" (a name such as "
			    "\"Europe/Zurich\", or \"\" for the system's)", v);
		return 0;
	case T_DELIM:
		if (strlen(v) != 1 || strchr("+-=", v[0]) == NULL)
			return conf_fail(x, line, k->name,
			    "must be one of \"+\", \"-\", \"=\"");
		return 0;
	default:
		return 0;
	}
}

/* Open and read one byte: access(2) says yes to directories and root. */
int
conf_check_readable(const char *path)
{
	struct stat st;
	char c;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		rc = -1;
	} else if (read(fd, &c, 1) == -1)
		rc = -1;
	close(fd);
	return rc;
}

/*
 * sender.address: herald hands out LOCAL+TOKEN@sender.domain (herald.conf(5)),
 * which must still fit a 64-octet local part (RFC 5321 4.5.3.1.1) with
 * the longest token.
 */
static int
conf_check_sender_address(struct conf_ctx *x, const struct conf_key *k,
    int line, const char *v)
{
	const char *why;
	char *a = addr_normalize(v, &why);
	size_t local = (size_t)(addr_at(a) - a);
	size_t max = addr_base_max(ADDR_TAG_MAX);

	free(a);
	x->sender_line = line;
	if (local <= max)
		return 0;
	return conf_fail(x, line, k->name, "local part of %zu octets is too "
	    "long: at most %zu, as herald's tagged addresses LOCAL+TOKEN "
	    "append up to %d octets and must fit %d", local, max, ADDR_TAG_MAX,
	    ADDR_LOCAL_MAX);
}

/* A domain herald puts after its local parts: each address <= 254. */
static int
conf_check_built_domain(struct conf_ctx *x, int line, const char *key,
    const char *v)
{
	if (strlen(v) <= ADDR_BUILT_DOMAIN_MAX)
		return 0;
	return conf_fail(x, line, key, "domain is %zu octets: with a %d-octet "
	    "local part an address would exceed %d, so at most %d",
	    strlen(v), ADDR_LOCAL_MAX, ADDR_MAX, ADDR_BUILT_DOMAIN_MAX);
}

/*
 * sender.name is the From: display name of every campaign message. Try
 * it with the very builder that writes those headers, so a name that
 * passes here cannot make every message fail later (libetpan refuses a
 * quoted or encoded display name over 499 octets).
 */
static int
conf_check_sender_name(struct conf_ctx *x, const struct conf_key *k,
    int line, const char *v)
{
	struct compose m;
	struct buf b;
	const char *why = NULL;
	int rc;

	if (*v == '\0')
		return 0;
	memset(&m, 0, sizeof m);
	m.from_name = v;
	m.from_addr = m.to_addr = "probe@example.org";
	m.subject = "probe";
	m.message_id = "probe@example.org";
	m.text = "";
	buf_init(&b, 64 * 1024);
	rc = compose_build(&m, &b, &why);
	buf_free(&b);
	if (rc == 0)
		return 0;
	return conf_fail(x, line, k->name, "%zu octets do not fit the From: "
	    "header of a message (%s); 285 octets always fit", strlen(v), why);
}

/*
 * Values herald builds into every address or message, checked as they
 * will be used: what passes here never fails later on every message.
 */
int
conf_check_use(struct conf_ctx *x, const struct conf_key *k, int line,
    const char *v)
{
	if (strcmp(k->name, "sender.address") == 0)
		return conf_check_sender_address(x, k, line, v);
	if (strcmp(k->name, "sender.name") == 0)
		return conf_check_sender_name(x, k, line, v);
	if (strcmp(k->name, "sender.domain") == 0 ||
	    strcmp(k->name, "lists_domain") == 0)
		return conf_check_built_domain(x, line, k->name, v);
	return 0;
}

/*
 * 1 when the mailbox of an imap:// URL ("…/MAILBOX") is name. INBOX is
 * case-insensitive (RFC 3501 5.1); other names are compared as written.
 */
static int
conf_url_mailbox_is(const char *url, const char *name)
{
	CURLU *u = curl_url();
	char *path = NULL;
	const char *box = "INBOX";
	int same;

	/* decoded, as the IMAP reader takes it (in/imap.c) */
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) ==
	    CURLUE_OK && path[0] == '/' && path[1] != '\0')
		box = path + 1;
	same = (strcasecmp(box, "INBOX") == 0 && strcasecmp(name, "INBOX")
	    == 0) || strcmp(box, name) == 0;
	curl_free(path);
	curl_url_cleanup(u);
	return same;
}

/*
 * The office's sent folder is read for its replies: were it the mailbox
 * herald reads or moves to, every reply would close itself.
 */
static int
conf_check_sent_folder(struct conf_ctx *x, const struct conf *c)
{
	const char *s = c->imap_sent_folder;

	if (*s == '\0')
		return 0;
	if (conf_url_mailbox_is(c->imap.url, s))
		return conf_fail(x, 0, "imap.sent_folder", "must not be the "
		    "mailbox of imap.url, which herald reads for replies");
	if (strcmp(s, c->imap_done_folder) == 0)
		return conf_fail(x, 0, "imap.sent_folder", "must not be "
		    "imap.done_folder, where herald moves what it has read");
	return 0;
}

/* Logging in with OAuth2 needs a client and where its tokens come from. */
static int
conf_check_oauth2(struct conf_ctx *x, const struct conf *c)
{
	const char *who = c->smtp.auth == CONF_AUTH_OAUTH2 ? "smtp.auth" :
	    c->imap.auth == CONF_AUTH_OAUTH2 ? "imap.auth" : NULL;

	if (who == NULL)
		return 0;
	if (*c->oauth2.token_url == '\0')
		return conf_fail(x, 0, "oauth2.token_url", "missing (required "
		    "by %s = \"oauth2\")", who);
	if (*c->oauth2.client_id == '\0')
		return conf_fail(x, 0, "oauth2.client_id", "missing (required "
		    "by %s = \"oauth2\")", who);
	if (*c->oauth2.refresh_token_file == '\0')
		return conf_fail(x, 0, "oauth2.refresh_token_file", "missing "
		    "(required by %s = \"oauth2\"; herald oauth2 login "
		    "writes it)", who);
	return 0;
}

/* Checks that involve more than one key. */
int
conf_check_relations(struct conf_ctx *x, struct conf *c)
{
	if (conf_check_sent_folder(x, c) == -1)
		return -1;
	if (*c->sender_domain == '\0') {
		free(c->sender_domain);
		c->sender_domain = xstrdup(addr_at(c->sender_address) + 1);
		/* the address's own domain then ends every tagged address */
		if (conf_check_built_domain(x, x->sender_line, "sender.address",
		    c->sender_domain) == -1)
			return -1;
	}
	if (c->smtp_retry_min > c->smtp_retry_max)
		return conf_fail(x, 0, "smtp.retry_min",
		    "must not exceed smtp.retry_max");
	if (c->bounce_bouncing > c->bounce_disabled)
		return conf_fail(x, 0, "bounce.bouncing",
		    "must not exceed bounce.disabled");
	if (c->smtp_retry_max > c->smtp_give_up)
		return conf_fail(x, 0, "smtp.retry_max",
		    "must not exceed smtp.give_up");
	if (conf_check_oauth2(x, c) == -1)
		return -1;
	return conf_check_http_keys(x, c);
}
