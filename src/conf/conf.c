/* conf: see conf.h. */
#include "conf/conf.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <libconfig.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/addr.h"
#include "lib/hostport.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "mail/compose.h"

enum conf_type {
	T_GROUP, T_STR, T_HSTR, T_PATH, T_PASSFILE, T_INT, T_BOOL, T_TLS,
	T_SMTPURL, T_IMAPURL, T_ADDR, T_DOMAIN, T_DELIM, T_MAILBOX, T_TZ,
	T_AUTH, T_OAUTHURL, T_HTTPURL, T_LISTEN
};

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t off;
	int required;
	const char *def_str;
	int64_t def_int, min, max;
};

#define S(f) offsetof(struct conf, f)
#define NOFF 0
static const struct conf_key conf_keys[] = {
	{ "database", T_PATH, S(database), 0, "herald.db", 0, 0, 0 },
	{ "templates", T_PATH, S(templates), 0, "templates", 0, 0, 0 },
	{ "secret_file", T_PATH, S(secret_file), 0, "secret", 0, 0, 0 },
	/* "": DATABASE.pid, set in conf_load */
	{ "pidfile", T_PATH, S(pidfile), 0, "", 0, 0, 0 },
	{ "sender", T_GROUP, NOFF, 1, NULL, 0, 0, 0 },
	{ "sender.name", T_HSTR, S(sender_name), 0, "", 0, 0, 0 },
	{ "sender.address", T_ADDR, S(sender_address), 1, NULL, 0, 0, 0 },
	{ "sender.domain", T_DOMAIN, S(sender_domain), 0, "", 0, 0, 0 },
	{ "lists_domain", T_DOMAIN, S(lists_domain), 1, NULL, 0, 0, 0 },
	{ "smtp", T_GROUP, NOFF, 0, NULL, 0, 0, 0 },
	{ "smtp.url", T_SMTPURL, S(smtp.url), 0, "smtp://127.0.0.1:25", 0, 0, 0 },
	{ "smtp.tls", T_TLS, S(smtp.tls), 0, "auto", 0, 0, 0 },
	{ "smtp.verify", T_BOOL, S(smtp.verify), 0, NULL, 1, 0, 1 },
	{ "smtp.user", T_HSTR, S(smtp.user), 0, "", 0, 0, 0 },
	{ "smtp.password_file", T_PASSFILE, S(smtp.password_file), 0, "", 0, 0, 0 },
	{ "smtp.ca_file", T_PASSFILE, S(smtp.ca_file), 0, "", 0, 0, 0 },
	{ "smtp.auth", T_AUTH, S(smtp.auth), 0, "password", 0, 0, 0 },
	{ "smtp.connections", T_INT, S(smtp_connections), 0, NULL, 4, 1, 64 },
	{ "smtp.rate", T_INT, S(smtp_rate), 0, NULL, 0, 0, 1000000 },
	{ "smtp.retry_min", T_INT, S(smtp_retry_min), 0, NULL, 300, 1, 86400 },
	{ "smtp.retry_max", T_INT, S(smtp_retry_max), 0, NULL, 14400, 1, 604800 },
	{ "smtp.give_up", T_INT, S(smtp_give_up), 0, NULL, 432000, 60, 2592000 },
	{ "imap", T_GROUP, NOFF, 0, NULL, 0, 0, 0 },
	{ "imap.url", T_IMAPURL, S(imap.url), 0, "imap://127.0.0.1:143/INBOX", 0, 0, 0 },
	{ "imap.tls", T_TLS, S(imap.tls), 0, "auto", 0, 0, 0 },
	{ "imap.verify", T_BOOL, S(imap.verify), 0, NULL, 1, 0, 1 },
	{ "imap.user", T_HSTR, S(imap.user), 0, "", 0, 0, 0 },
	{ "imap.password_file", T_PASSFILE, S(imap.password_file), 0, "", 0, 0, 0 },
	{ "imap.ca_file", T_PASSFILE, S(imap.ca_file), 0, "", 0, 0, 0 },
	{ "imap.auth", T_AUTH, S(imap.auth), 0, "password", 0, 0, 0 },
	{ "imap.idle", T_BOOL, S(imap_idle), 0, NULL, 1, 0, 1 },
	{ "imap.poll", T_INT, S(imap_poll), 0, NULL, 60, 1, 3600 },
	{ "imap.done_folder", T_MAILBOX, S(imap_done_folder), 0, "", 0, 0, 0 },
	{ "imap.sent_folder", T_MAILBOX, S(imap_sent_folder), 0, "", 0, 0, 0 },
	{ "addresses", T_GROUP, NOFF, 0, NULL, 0, 0, 0 },
	{ "addresses.delimiter", T_DELIM, S(delimiter), 0, "+", 0, 0, 0 },
	{ "bounce", T_GROUP, NOFF, 0, NULL, 0, 0, 0 },
	{ "bounce.bouncing", T_INT, S(bounce_bouncing), 0, NULL, 3, 1, 1000 },
	{ "bounce.disabled", T_INT, S(bounce_disabled), 0, NULL, 5, 1, 1000 },
	{ "bounce.reset_after", T_INT, S(bounce_reset), 0, NULL, 604800, 86400,
	    31536000 },
	{ "moderation", T_GROUP, NOFF, 0, NULL, 0, 0, 0 },
	{ "moderation.expire", T_INT, S(held_expire), 0, NULL, 1209600, 3600,
	  31536000 },
	{ "inbound", T_GROUP, NOFF, 0, NULL, 0, 0, 0 },
	{ "inbound.authserv_id", T_HSTR, S(authserv_id), 0, "", 0, 0, 0 },
	{ "display_tz", T_TZ, S(display_tz), 0, "", 0, 0, 0 },
	{ "oauth2", T_GROUP, NOFF, 0, NULL, 0, 0, 0 },
	{ "oauth2.token_url", T_OAUTHURL, S(oauth2.token_url), 0, "", 0, 0, 0 },
	{ "oauth2.device_url", T_OAUTHURL, S(oauth2.device_url), 0, "", 0, 0, 0 },
	{ "oauth2.client_id", T_HSTR, S(oauth2.client_id), 0, "", 0, 0, 0 },
	{ "oauth2.client_secret_file", T_PASSFILE, S(oauth2.client_secret_file),
	  0, "", 0, 0, 0 },
	{ "oauth2.refresh_token_file", T_PATH, S(oauth2.refresh_token_file), 0,
	  "", 0, 0, 0 },
	{ "oauth2.scope", T_HSTR, S(oauth2.scope), 0, "", 0, 0, 0 },
	/* the web endpoint (src/web/), off while http.listen is "" */
	{ "http", T_GROUP, NOFF, 0, NULL, 0, 0, 0 },
	{ "http.listen", T_LISTEN, S(http_listen), 0, "", 0, 0, 0 },
	{ "http.base_url", T_HTTPURL, S(http_base_url), 0, "", 0, 0, 0 },
	{ "http.cert_file", T_PASSFILE, S(http_cert_file), 0, "", 0, 0, 0 },
	{ "http.key_file", T_PASSFILE, S(http_key_file), 0, "", 0, 0, 0 },
	{ "http.connections", T_INT, S(http_connections), 0, NULL, 512, 8,
	    10000 },
	{ "http.rate", T_INT, S(http_rate), 0, NULL, 60, 1, 100000 },
	{ "http.timeout", T_INT, S(http_timeout), 0, NULL, 15, 1, 300 },
};
#undef S

struct conf_ctx {
	const char *file;
	char *dir;
	char *err;
	size_t errlen;
	int sender_line;	/* of sender.address, for checks made later */
	int smtp_elem;		/* smtp as a list: the server being read */
};

static int
conf_fail(struct conf_ctx *x, int line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
conf_fail(struct conf_ctx *x, int line, const char *key, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(x->err, x->errlen, "%s:%d: %s: %s", x->file, line,
		    key, what);
	else
		snprintf(x->err, x->errlen, "%s: %s: %s", x->file, key, what);
	return -1;
}

const char *
conf_default_path(const char *explicit_path)
{
	const char *env;

	if (explicit_path)
		return explicit_path;
	if ((env = getenv("HERALD_CONF")) != NULL && *env)
		return env;
	return "/etc/herald/herald.conf";
}

static const struct conf_key *
conf_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof conf_keys / sizeof conf_keys[0]; i++)
		if (strcmp(conf_keys[i].name, name) == 0)
			return &conf_keys[i];
	return NULL;
}

static int conf_check_unknown(struct conf_ctx *x, config_setting_t *group,
    const char *prefix);

/* smtp keys that belong to the sending, not to one server of a list. */
static int
conf_smtp_shared(const char *name)
{
	static const char *const shared[] = { "smtp.connections",
	    "smtp.rate", "smtp.retry_min", "smtp.retry_max", "smtp.give_up",
	    NULL };
	size_t i;

	for (i = 0; shared[i]; i++)
		if (strcmp(name, shared[i]) == 0)
			return 1;
	return 0;
}

/*
 * smtp = ( { url = ...; }, { url = ...; } ): fail-over servers, tried in
 * that order. Each is a group of smtp keys; the sending's own keys
 * (connections, rate, retries) are set once, in the first.
 */
static int
conf_check_smtp_list(struct conf_ctx *x, config_setting_t *list)
{
	int i, j, n = config_setting_length(list);

	if (n == 0)
		return conf_fail(x, config_setting_source_line(list), "smtp",
		    "an empty list: give at least one server { url = ...; }");
	for (i = 0; i < n; i++) {
		config_setting_t *g = config_setting_get_elem(list,
		    (unsigned)i);

		if (!config_setting_is_group(g))
			return conf_fail(x, config_setting_source_line(g),
			    "smtp", "each server of the list must be a group "
			    "{ url = ...; }");
		if (conf_check_unknown(x, g, "smtp") == -1)
			return -1;
		for (j = 0; i > 0 && j < config_setting_length(g); j++) {
			config_setting_t *e = config_setting_get_elem(g,
			    (unsigned)j);
			char path[256];

			snprintf(path, sizeof path, "smtp.%s",
			    config_setting_name(e));
			if (conf_smtp_shared(path))
				return conf_fail(x,
				    config_setting_source_line(e), path,
				    "set it in the first server of the list: "
				    "it is for all of them");
		}
	}
	return 0;
}

/* Every setting in the file must be one we know: typos are errors. */
static int
conf_check_unknown(struct conf_ctx *x, config_setting_t *group,
    const char *prefix)
{
	int i, n = config_setting_length(group);

	for (i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		const struct conf_key *k;
		char path[256];

		if (name == NULL)
			continue;
		snprintf(path, sizeof path, "%s%s%s", prefix,
		    *prefix ? "." : "", name);
		if ((k = conf_find(path)) == NULL)
			return conf_fail(x, config_setting_source_line(s), path,
			    "unknown key");
		if (strcmp(path, "smtp") == 0 && config_setting_is_list(s)) {
			if (conf_check_smtp_list(x, s) == -1)
				return -1;
		} else if (k->type == T_GROUP) {
			if (!config_setting_is_group(s))
				return conf_fail(x, config_setting_source_line(s),
				    path, "must be a group { ... }");
			if (conf_check_unknown(x, s, path) == -1)
				return -1;
		}
	}
	return 0;
}

static char *
conf_abspath(struct conf_ctx *x, const char *p)
{
	char *out;
	size_t n;

	if (*p == '\0' || *p == '/')
		return xstrdup(p);
	n = strlen(x->dir) + strlen(p) + 2;
	out = xmalloc(n);
	snprintf(out, n, "%s/%s", x->dir, p);
	return out;
}

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

static int
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
static int
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
static int
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

static int
conf_store_string(struct conf_ctx *x, struct conf *c,
    const struct conf_key *k, int line, const char *v)
{
	char *p = (char *)c + k->off;

	if (conf_check_string(x, k, line, v) == -1 ||
	    conf_check_use(x, k, line, v) == -1)
		return -1;
	switch (k->type) {
	case T_TLS:
		*(int *)p = strcmp(v, "off") == 0 ? CONF_TLS_OFF :
		    strcmp(v, "required") == 0 ? CONF_TLS_REQUIRED : CONF_TLS_AUTO;
		return 0;
	case T_AUTH:
		*(int *)p = strcmp(v, "oauth2") == 0 ? CONF_AUTH_OAUTH2 :
		    CONF_AUTH_PASSWORD;
		return 0;
	case T_PATH:
	case T_PASSFILE:
		*(char **)p = conf_abspath(x, v);
		if (k->type == T_PASSFILE && **(char **)p &&
		    conf_check_readable(*(char **)p) == -1)
			return conf_fail(x, line, k->name,
			    "cannot read file %s: %s", *(char **)p,
			    strerror(errno));
		return 0;
	case T_DOMAIN:
	case T_ADDR: {
		char *s = xstrdup(v);

		if (k->type == T_ADDR) {
			const char *why;

			free(s);
			s = addr_normalize(v, &why);
		} else
			text_lower(s);
		*(char **)p = s;
		return 0;
	}
	default:
		*(char **)p = xstrdup(v);
		return 0;
	}
}

/* The integer literal text (libconfig's syntax) as a number. */
static int
conf_parse_int(const char *text, int *overflow, long long *v)
{
	const char *p = text + (*text == '-' || *text == '+');
	char *end;

	errno = 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		unsigned long long u = strtoull(p + 2, &end, 16);

		if (end == p + 2 || *text == '-')
			return -1;
		*overflow = errno == ERANGE || u > LLONG_MAX;
		*v = (long long)u;
	} else {
		*v = strtoll(text, &end, 10);
		if (end == p)
			return -1;
		*overflow = errno == ERANGE;
	}
	while (*end == 'L')
		end++;
	return *end == '\0' ? 0 : -1;
}

/*
 * Find "NAME = TEXT" (or "NAME: TEXT") in line lineno of file and copy
 * TEXT, the literal as written. -1 when it cannot be found.
 */
static int
conf_int_text(const char *file, int lineno, const char *name, char *text,
    size_t len)
{
	FILE *f = fopen(file, "r");
	char *buf = NULL, *p;
	size_t size = 0, n = strlen(name), span;
	int i, rc = -1;

	if (f == NULL)
		return -1;
	for (i = 0; i < lineno; i++)
		if (getline(&buf, &size, f) == -1) {
			i = -1;
			break;
		}
	fclose(f);
	for (p = buf; i == lineno && (p = strstr(p, name)) != NULL; p += n) {
		const char *q = p + n;

		if (p > buf && (isalnum((unsigned char)p[-1]) || p[-1] == '_' ||
		    p[-1] == '-' || p[-1] == '*'))
			continue;
		q += strspn(q, " \t");
		if (*q != '=' && *q != ':')
			continue;
		q += 1 + strspn(q + 1, " \t");
		span = strspn(q, "+-0123456789abcdefABCDEFxXL");
		if (span > 0 && span < len) {
			memcpy(text, q, span);
			text[span] = '\0';
			rc = 0;
		}
		break;
	}
	free(buf);
	return rc;
}

/*
 * libconfig 1.5 reads an integer without the L suffix into 32 bits and
 * wraps silently (10^12 became -727379968, 2^32 became 0, which is in
 * range for some keys), and saturates or wraps 64-bit ones. So the
 * range is checked on the literal as written in the file when it can
 * be found there, and errors quote it.
 */
static int
conf_store_int(struct conf_ctx *x, const struct conf_key *k,
    config_setting_t *s, int line, int64_t *out)
{
	const char *file = config_setting_source_file(s);
	char text[64];
	long long v = config_setting_get_int64(s), written;
	int overflow = 0;

	if (conf_int_text(file ? file : x->file, line, config_setting_name(s),
	    text, sizeof text) == 0 &&
	    conf_parse_int(text, &overflow, &written) == 0)
		v = written;
	else
		snprintf(text, sizeof text, "%lld", v);
	if (overflow || v < k->min || v > k->max)
		return conf_fail(x, line, k->name,
		    "%s is out of range %lld..%lld", text,
		    (long long)k->min, (long long)k->max);
	*out = v;
	return 0;
}

/*
 * config_lookup, except that with smtp given as a list, "smtp.KEY" is
 * read from the server being loaded (x->smtp_elem) and the shared keys
 * from the first.
 */
static config_setting_t *
conf_lookup(struct conf_ctx *x, config_t *cfg, const char *name)
{
	config_setting_t *l = config_lookup(cfg, "smtp");

	if (l == NULL || !config_setting_is_list(l) ||
	    strncmp(name, "smtp", 4) != 0 || (name[4] != '.' && name[4]))
		return config_lookup(cfg, name);
	if (name[4] == '\0')
		return l;
	l = config_setting_get_elem(l, conf_smtp_shared(name) ? 0 :
	    (unsigned)x->smtp_elem);
	return l ? config_setting_lookup(l, name + 5) : NULL;
}

static int
conf_load_key(struct conf_ctx *x, config_t *cfg, struct conf *c,
    const struct conf_key *k)
{
	config_setting_t *s = conf_lookup(x, cfg, k->name);
	char *p = (char *)c + k->off;
	int line, t;

	if (s == NULL) {
		if (k->required)
			return conf_fail(x, 0, k->name, "missing (required)");
		if (k->type == T_GROUP)
			return 0;
		if (k->type == T_INT)
			*(int64_t *)p = k->def_int;
		else if (k->type == T_BOOL)
			*(int *)p = (int)k->def_int;
		else
			return conf_store_string(x, c, k, 0, k->def_str);
		return 0;
	}
	line = config_setting_source_line(s);
	t = config_setting_type(s);
	switch (k->type) {
	case T_GROUP:
		return 0;
	case T_INT:
		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			return conf_fail(x, line, k->name, "must be an integer");
		return conf_store_int(x, k, s, line, (int64_t *)p);
	case T_BOOL:
		if (t != CONFIG_TYPE_BOOL)
			return conf_fail(x, line, k->name,
			    "must be true or false");
		*(int *)p = config_setting_get_bool(s);
		return 0;
	default:
		if (t != CONFIG_TYPE_STRING)
			return conf_fail(x, line, k->name,
			    "must be a string in double quotes");
		return conf_store_string(x, c, k, line,
		    config_setting_get_string(s));
	}
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
static int
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

static char *
conf_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	char cwd[PATH_MAX];

	if (slash == NULL)
		return xstrdup(getcwd(cwd, sizeof cwd) ? cwd : ".");
	if (slash == path)
		return xstrdup("/");
	if (path[0] != '/' && getcwd(cwd, sizeof cwd)) {
		size_t n = strlen(cwd) + (size_t)(slash - path) + 2;
		char *out = xmalloc(n);

		snprintf(out, n, "%s/%.*s", cwd, (int)(slash - path), path);
		return out;
	}
	return xstrndup(path, (size_t)(slash - path));
}

/*
 * The servers after the first of an smtp list, each read with the same
 * keys and checks into a conf of its own (only its smtp is used).
 */
static int
conf_load_smtp_next(struct conf_ctx *x, config_t *cfg, struct conf *c)
{
	config_setting_t *l = config_lookup(cfg, "smtp");
	int i, n, rc = 0;
	size_t k;

	if (l == NULL || !config_setting_is_list(l))
		return 0;
	n = config_setting_length(l);
	c->smtp_next = xcalloc((size_t)n, sizeof *c->smtp_next);
	for (i = 1; rc == 0 && i < n; i++) {
		struct conf *one = xcalloc(1, sizeof *one);

		c->smtp_next[c->nsmtp_next++] = one;
		x->smtp_elem = i;
		for (k = 0; rc == 0 && k < sizeof conf_keys /
		    sizeof conf_keys[0]; k++)
			if (strncmp(conf_keys[k].name, "smtp.", 5) == 0 &&
			    !conf_smtp_shared(conf_keys[k].name))
				rc = conf_load_key(x, cfg, one, &conf_keys[k]);
	}
	x->smtp_elem = 0;
	return rc;
}

long
conf_curl_use_ssl(int tls)
{
	return tls == CONF_TLS_OFF ? (long)CURLUSESSL_NONE :
	    tls == CONF_TLS_REQUIRED ? (long)CURLUSESSL_ALL :
	    (long)CURLUSESSL_TRY;
}

const struct conf_server *
conf_smtp(const struct conf *c, int i)
{
	return i <= 0 ? &c->smtp : &c->smtp_next[i - 1]->smtp;
}

int
conf_nsmtp(const struct conf *c)
{
	return 1 + c->nsmtp_next;
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct conf_ctx x = { path, NULL, err, errlen, 0, 0 };
	struct conf *c = xcalloc(1, sizeof *c);
	config_t cfg;
	size_t i;
	int rc = 0;

	config_init(&cfg);
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: cannot read config file: %s",
			    path, access(path, R_OK) ? strerror(errno) :
			    "I/O error");
		else
			snprintf(err, errlen, "%s:%d: %s",
			    config_error_file(&cfg) ? config_error_file(&cfg) :
			    path, config_error_line(&cfg),
			    config_error_text(&cfg));
		config_destroy(&cfg);
		free(c);
		return NULL;
	}
	x.dir = conf_dirname(path);
	/* absolute, so a daemon that chdir'ed to / can reload it */
	c->path = realpath(path, NULL);
	if (c->path == NULL)
		c->path = xstrdup(path);
	rc = conf_check_unknown(&x, config_root_setting(&cfg), "");
	for (i = 0; rc == 0 && i < sizeof conf_keys / sizeof conf_keys[0]; i++)
		rc = conf_load_key(&x, &cfg, c, &conf_keys[i]);
	if (rc == 0)
		rc = conf_load_smtp_next(&x, &cfg, c);
	if (rc == 0)
		rc = conf_check_relations(&x, c);
	if (rc == 0 && *c->pidfile == '\0') {
		size_t n = strlen(c->database) + 5;

		free(c->pidfile);
		c->pidfile = xmalloc(n);
		snprintf(c->pidfile, n, "%s.pid", c->database);
	}
	config_destroy(&cfg);
	free(x.dir);
	if (rc == -1)
		conf_free(&c);
	return c;
}

void
conf_free(struct conf **cp)
{
	struct conf *c = *cp;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < sizeof conf_keys / sizeof conf_keys[0]; i++) {
		const struct conf_key *k = &conf_keys[i];

		if (k->type != T_GROUP && k->type != T_INT &&
		    k->type != T_BOOL && k->type != T_TLS &&
		    k->type != T_AUTH)
			free(*(char **)((char *)c + k->off));
	}
	for (i = 0; i < (size_t)c->nsmtp_next; i++)
		conf_free(&c->smtp_next[i]);
	free(c->smtp_next);
	free(c->path);
	free(c);
	*cp = NULL;
}

const char *
conf_unverified(const struct conf *c)
{
	int smtp = c->smtp.tls != CONF_TLS_OFF && !c->smtp.verify;
	int imap = c->imap.tls != CONF_TLS_OFF && !c->imap.verify;

	if (smtp && imap)
		return "smtp.verify and imap.verify are false: the servers' "
		    "certificates are not checked, and anyone on the path can "
		    "read the passwords and the mail";
	if (smtp)
		return "smtp.verify is false: the SMTP server's certificate is "
		    "not checked, and anyone on the path can read the "
		    "password and the mail";
	if (imap)
		return "imap.verify is false: the IMAP server's certificate is "
		    "not checked, and anyone on the path can read the "
		    "password and the mail";
	return NULL;
}

char *
conf_read_password(const char *file, char *err, size_t errlen)
{
	FILE *f = fopen(file, "r");
	char line[1024];

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return NULL;
	}
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return xstrdup(line);
}
