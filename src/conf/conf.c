/* conf: see conf.h. */
#include "conf/conf.h"
#include "conf/conf_int.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <libconfig.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/addr.h"
#include "lib/text.h"
#include "lib/xmalloc.h"


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


int
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
