/*
 * conf: herald.conf (libconfig), as herald.conf(5) describes it. Every key is checked for
 * presence, type and range at load; unknown keys are errors. Relative
 * paths are made absolute against the config file's directory.
 */
#ifndef HERALD_CONF_H
#define HERALD_CONF_H

#include <stddef.h>
#include <stdint.h>

enum conf_tls { CONF_TLS_OFF, CONF_TLS_AUTO, CONF_TLS_REQUIRED };
/* how herald logs in to a server: smtp.auth, imap.auth */
enum conf_auth { CONF_AUTH_PASSWORD, CONF_AUTH_OAUTH2 };

struct conf_server {
	char *url;
	int tls;		/* enum conf_tls */
	int verify;
	char *user;
	char *password_file;	/* absolute path or "" */
	char *ca_file;		/* trusted CAs (PEM), "" = the system's */
	int auth;		/* enum conf_auth */
};

/* The OAuth2 client both servers log in with (lib/oauth2.h). */
struct conf_oauth2 {
	char *token_url;		/* RFC 6749 token endpoint */
	char *device_url;		/* RFC 8628 device authorization */
	char *client_id;
	char *client_secret_file;	/* absolute path or "" (public client) */
	char *refresh_token_file;	/* absolute; written by oauth2 login */
	char *scope;
};

struct conf {
	char *path;		/* the file this was read from */
	char *database;
	char *templates;
	char *secret_file;
	char *pidfile;		/* heraldd's pid; default DATABASE.pid */
	char *sender_name;
	char *sender_address;
	char *sender_domain;
	char *lists_domain;
	struct conf_server smtp;	/* the first (or only) SMTP server */
	/* smtp given as a list: the fail-over servers after the first, each
	 * a conf of which only smtp is set (see conf_smtp) */
	struct conf **smtp_next;
	int nsmtp_next;
	int64_t smtp_connections;
	int64_t smtp_rate;
	int64_t smtp_retry_min;
	int64_t smtp_retry_max;
	int64_t smtp_give_up;
	struct conf_server imap;
	int imap_idle;
	int64_t imap_poll;
	char *imap_done_folder;
	char *imap_sent_folder;		/* the office's sent mail; "" none */
	char *delimiter;
	int64_t bounce_bouncing;	/* hard bounces to "bouncing" */
	int64_t bounce_disabled;	/* ... and to "disabled" */
	int64_t bounce_reset;		/* a quiet spell that restarts the count */
	int64_t held_expire;		/* seconds a held post waits */
	/* the authserv-id of the office's own receiving server: only its
	 * Authentication-Results fields are believed ("" = none) */
	char *authserv_id;
	/* the zone times are shown in where no event names one: an IANA
	 * name, or "" for the system's zone (time_system_zone) */
	char *display_tz;
	struct conf_oauth2 oauth2;
	/* the web endpoint (src/web/web.h): off while http_listen is "" */
	char *http_listen;		/* "ADDRESS:PORT" */
	char *http_base_url;		/* public, no trailing '/'; "" none */
	char *http_cert_file, *http_key_file;	/* "": plain HTTP */
	int64_t http_connections;	/* at once, all addresses */
	int64_t http_rate;		/* requests a minute per address */
	int64_t http_timeout;		/* seconds a connection may idle */
};

/*
 * Resolve the config path: explicit, else $HERALD_CONF, else
 * /etc/herald/herald.conf. Returns a static or environment string.
 */
const char *conf_default_path(const char *explicit_path);
/*
 * Load and validate path. On error returns NULL and writes one line
 * "FILE:LINE: KEY: what is wrong" into err.
 */
struct conf *conf_load(const char *path, char *err, size_t errlen);
void conf_free(struct conf **c);
/* The SMTP servers in the order given: 0 is c->smtp; conf_nsmtp of them. */
const struct conf_server *conf_smtp(const struct conf *c, int i);
int conf_nsmtp(const struct conf *c);
/* smtp.tls as libcurl's CURLOPT_USE_SSL value (CURLUSESSL_*). */
long conf_curl_use_ssl(int tls);
/*
 * The warning heraldd and "herald check" give at every start when TLS
 * is on but a server's certificate is not verified; NULL when all is
 * verified (or TLS is off, which says so itself).
 */
const char *conf_unverified(const struct conf *c);
/*
 * Read the first line of a password file (mode is not checked here).
 * Returns a malloc'd string or NULL with err set.
 */
char *conf_read_password(const char *file, char *err, size_t errlen);

#endif
