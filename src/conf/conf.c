/* conf: see conf.h. */
#include "conf/conf.h"

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
#include <unistd.h>

#include "lib/addr.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

enum conf_type {
	T_GROUP, T_STR, T_HSTR, T_PATH, T_PASSFILE, T_INT, T_BOOL, T_TLS,
	T_SMTPURL, T_IMAPURL, T_ADDR, T_DOMAIN, T_DELIM, T_MAILBOX
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
	{ "imap.idle", T_BOOL, S(imap_idle), 0, NULL, 1, 0, 1 },
	{ "imap.poll", T_INT, S(imap_poll), 0, NULL, 60, 1, 3600 },
	{ "imap.done_folder", T_MAILBOX, S(imap_done_folder), 0, "", 0, 0, 0 },
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
};
#undef S

struct conf_ctx {
	const char *file;
	char *dir;
	char *err;
	size_t errlen;
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
		if (k->type == T_GROUP) {
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

static int
conf_store_string(struct conf_ctx *x, struct conf *c,
    const struct conf_key *k, int line, const char *v)
{
	char *p = (char *)c + k->off;

	if (conf_check_string(x, k, line, v) == -1)
		return -1;
	switch (k->type) {
	case T_TLS:
		*(int *)p = strcmp(v, "off") == 0 ? CONF_TLS_OFF :
		    strcmp(v, "required") == 0 ? CONF_TLS_REQUIRED : CONF_TLS_AUTO;
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

static int
conf_load_key(struct conf_ctx *x, config_t *cfg, struct conf *c,
    const struct conf_key *k)
{
	config_setting_t *s = config_lookup(cfg, k->name);
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
	case T_INT: {
		long long v;

		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			return conf_fail(x, line, k->name, "must be an integer");
		v = config_setting_get_int64(s);
		if (v < k->min || v > k->max)
			return conf_fail(x, line, k->name,
			    "%lld is out of range %lld..%lld", v,
			    (long long)k->min, (long long)k->max);
		*(int64_t *)p = v;
		return 0;
	}
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

/* Checks that involve more than one key. */
static int
conf_check_relations(struct conf_ctx *x, struct conf *c)
{
	if (*c->sender_domain == '\0') {
		free(c->sender_domain);
		c->sender_domain = xstrdup(addr_at(c->sender_address) + 1);
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
	return 0;
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

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct conf_ctx x = { path, NULL, err, errlen };
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
		rc = conf_check_relations(&x, c);
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
		    k->type != T_BOOL && k->type != T_TLS)
			free(*(char **)((char *)c + k->off));
	}
	free(c->path);
	free(c);
	*cp = NULL;
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
