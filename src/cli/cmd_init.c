/* cmd_init: "herald init" and "herald check". */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <stdlib.h>

#include "cli/check_tls.h"
#include "cli/check_web.h"
#include "cli/cli.h"
#include "cli/init_files.h"
#include "in/imap.h"
#include "lib/fsmode.h"
#include "send/smtp_auth.h"
#include "lib/token.h"
#include "store/schema.h"

#define SECRET_BYTES 32
#define CHECK_SMTP_TIMEOUT_S 30

/*
 * The token secret: 32 random bytes as hex, written to a temporary file
 * with mode 0600 and renamed into place, so a crash never leaves a short
 * secret behind.
 */
static int
init_secret(const char *path, int *created)
{
	unsigned char raw[SECRET_BYTES];
	char hex[SECRET_BYTES * 2 + 2], tmp[4096];
	int fd, i;

	*created = 0;
	if (access(path, F_OK) == 0)
		return 0;
	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		return cli_fail(EX_OSERR, "getrandom: %s", strerror(errno));
	for (i = 0; i < SECRET_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	hex[SECRET_BYTES * 2] = '\n';
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600))
	    == -1)
		return cli_fail(EX_CANTCREAT, "%s: %s", tmp, strerror(errno));
	if (fsmode_share(fd, FSMODE_SECRET_SHARED) == -1 ||
	    write(fd, hex, SECRET_BYTES * 2 + 1) != SECRET_BYTES * 2 + 1 ||
	    fsync(fd) == -1 || close(fd) == -1 || rename(tmp, path) == -1) {
		unlink(tmp);
		return cli_fail(EX_CANTCREAT, "%s: %s", path, strerror(errno));
	}
	*created = 1;
	return 0;
}

/*
 * Load the secret with the function heraldd and every token-making
 * command use, so init and check never call a secret good that herald
 * then refuses.
 */
static int
secret_load(const char *path, char *err, size_t errlen)
{
	struct token_key k;
	int rc = token_key_load(&k, path, err, errlen);

	explicit_bzero(&k, sizeof k);
	return rc;
}

int
cmd_init(struct cli *c, int argc, char **argv)
{
	char err[1024];
	int rc, created, applied, existed;

	if ((rc = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(rc);
	if (optind != argc)
		return cli_fail(EX_USAGE, "unexpected \"%s\"", argv[optind]);
	if ((rc = cli_load_conf(c)) != 0)
		return rc;
	if ((rc = init_dirs(c->conf)) != 0)
		return rc;
	existed = access(c->conf->database, F_OK) == 0;
	if ((c->db = db_open(c->conf->database, 1, err, sizeof err)) == NULL)
		return cli_fail(EX_CANTCREAT, "%s", err);
	if ((applied = schema_migrate(c->db, err, sizeof err)) == -1)
		return cli_fail(EX_CANTCREAT, "%s", err);
	if ((rc = init_secret(c->conf->secret_file, &created)) != 0)
		return rc;
	/* a kept secret must be one heraldd will load */
	if (!created && secret_load(c->conf->secret_file, err, sizeof err) == -1)
		return cli_fail(EX_CONFIG, "%s", err);
	printf("config    %s: ok\n", c->conf->path);
	printf("database  %s: schema %d (%s)\n", c->conf->database,
	    schema_version(c->db), !existed ? "created" :
	    applied ? "upgraded" : "up to date");
	printf("secret    %s: %s\n", c->conf->secret_file,
	    created ? "created" : "kept");
	return init_templates(c->conf);
}

/* One line of the check report; returns 1 when the item failed. */
static int
check_line(const char *what, int ok, const char *detail)
{
	printf("%-9s %-4s %s\n", what, ok ? "ok" : "FAIL", detail);
	return !ok;
}

static int
check_secret(const char *path)
{
	struct stat st;
	char detail[4200], err[200];

	if (stat(path, &st) == -1) {
		snprintf(detail, sizeof detail, "%s: %s (run herald init)", path,
		    strerror(errno));
		return check_line("secret", 0, detail);
	}
	if (fsmode_secret_ok(&st, err, sizeof err) == -1) {
		snprintf(detail, sizeof detail, "%s: %s", path, err);
		return check_line("secret", 0, detail);
	}
	if (secret_load(path, detail, sizeof detail) == -1)
		return check_line("secret", 0, detail);
	return check_line("secret", 1, path);
}

/* Wait until the connection of e can be read (1) or written (0). */
static int
check_smtp_wait(CURL *e, int out)
{
	curl_socket_t fd = CURL_SOCKET_BAD;
	struct pollfd p;

	curl_easy_getinfo(e, CURLINFO_ACTIVESOCKET, &fd);
	if (fd == CURL_SOCKET_BAD)
		return -1;
	p.fd = (int)fd;
	p.events = out ? POLLOUT : POLLIN;
	return poll(&p, 1, CHECK_SMTP_TIMEOUT_S * 1000) == 1 ? 0 : -1;
}

/*
 * One command on the connection libcurl opened (and logged in on), and
 * the server's reply: its code, and its last line in reply. -1 when the
 * connection failed.
 */
static int
check_smtp_cmd(CURL *e, const char *cmd, char *reply, size_t len)
{
	char buf[2048];
	size_t n = 0, got, sent, at = 0;
	CURLcode rc;

	while (at < strlen(cmd)) {
		rc = curl_easy_send(e, cmd + at, strlen(cmd) - at, &sent);
		if (rc == CURLE_AGAIN && check_smtp_wait(e, 1) == 0)
			continue;
		if (rc != CURLE_OK)
			return -1;
		at += sent;
	}
	for (;;) {
		char *line, *end;

		rc = curl_easy_recv(e, buf + n, sizeof buf - 1 - n, &got);
		if (rc == CURLE_AGAIN && check_smtp_wait(e, 0) == 0)
			continue;
		if (rc != CURLE_OK || got == 0)
			return -1;
		n += got;
		buf[n] = '\0';
		/* the reply is whole when its last line has "NNN " */
		if (n < 2 || buf[n - 1] != '\n')
			continue;
		buf[n - 1] = '\0';
		end = buf + n - 1;
		if (end > buf && end[-1] == '\r')
			*--end = '\0';
		line = strrchr(buf, '\n') ? strrchr(buf, '\n') + 1 : buf;
		if (strlen(line) >= 4 && line[3] == ' ') {
			snprintf(reply, len, "%s", line);
			return atoi(line);
		}
		buf[n - 1] = '\n';
		if (n >= sizeof buf - 1)
			n = 0;	/* a reply too long to keep: only its end */
	}
}

/*
 * Herald's tagged addresses, LOCAL+TAG@sender.domain, are where bounces
 * and answers come back: the server must take one (RCPT TO answered
 * 2xx). A 5xx says the form is refused: the address needs a catch-all
 * or plus-addressing on the office's mailbox.
 */
static int
check_smtp_tagged(CURL *e, const struct conf *cf)
{
	const char *at = strchr(cf->sender_address, '@');
	char cmd[600], rcpt[400], reply[600], detail[1200];
	int code;

	snprintf(rcpt, sizeof rcpt, "%.*s%scheck@%s",
	    (int)(at - cf->sender_address), cf->sender_address, cf->delimiter,
	    cf->sender_domain);
	snprintf(cmd, sizeof cmd, "MAIL FROM:<%s>\r\n", cf->sender_address);
	if ((code = check_smtp_cmd(e, cmd, reply, sizeof reply)) / 100 != 2) {
		snprintf(detail, sizeof detail, "MAIL FROM:<%s> refused: %s",
		    cf->sender_address, code == -1 ? "connection lost" : reply);
		return check_line("tagged", 0, detail);
	}
	snprintf(cmd, sizeof cmd, "RCPT TO:<%s>\r\n", rcpt);
	code = check_smtp_cmd(e, cmd, reply, sizeof reply);
	check_smtp_cmd(e, "RSET\r\n", cmd, sizeof cmd);
	check_smtp_cmd(e, "QUIT\r\n", cmd, sizeof cmd);
	if (code / 100 == 2)
		snprintf(detail, sizeof detail, "%s: accepted (%s)", rcpt, reply);
	else
		snprintf(detail, sizeof detail, "%s: %s (bounces and answers "
		    "come back to such addresses: the mailbox needs "
		    "plus-addressing or a catch-all)", rcpt, code == -1 ?
		    "connection lost" : reply);
	return check_line("tagged", code / 100 == 2, detail);
}

/* What went wrong, in words: the certificate judged when TLS failed. */
static void
check_smtp_why(const struct conf_server *v, CURLcode rc, long code,
    char *detail, size_t len)
{
	char why[1500];

	if (rc == CURLE_USE_SSL_FAILED)
		snprintf(detail, len, "%s: the server offers no STARTTLS and "
		    "smtp.tls is \"required\": herald will not send in the "
		    "clear", v->url);
	else if ((rc == CURLE_PEER_FAILED_VERIFICATION ||
	    rc == CURLE_SSL_CONNECT_ERROR) && v->verify &&
	    check_tls_smtp(v->url, v->ca_file, why, sizeof why) > 0)
		snprintf(detail, len, "%s: %s", v->url, why);
	else
		snprintf(detail, len, "%s: %s%s", v->url,
		    curl_easy_strerror(rc), code ? " (server reply)" : "");
}

/* The login user of server v: its own, or the sender for OAuth2. */
static const char *
check_smtp_login(const struct conf *cf, const struct conf_server *v)
{
	if (*v->user)
		return v->user;
	return v->auth == CONF_AUTH_OAUTH2 ? cf->sender_address : "";
}

/*
 * SMTP: connect, EHLO, STARTTLS and AUTH as the sender would
 * (CURLOPT_CONNECT_ONLY), then one RCPT TO a tagged address, so a
 * wrong port, certificate, password or address form shows here and not
 * in a campaign. v is one server of smtp (a list: each is judged).
 */
static int
check_smtp_one(const struct conf *cf, const struct conf_server *v)
{
	char url[1200], detail[2000], err[512], *pw = NULL;
	CURL *e = curl_easy_init();
	CURLcode rc;
	long code = 0;
	int tries, failed;

	snprintf(url, sizeof url, "%s%s%s", v->url,
	    v->url[strlen(v->url) - 1] == '/' ? "" : "/", cf->sender_domain);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_USE_SSL, conf_curl_use_ssl(v->tls));
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, (long)v->verify);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, v->verify ? 2L : 0L);
	if (*v->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, v->ca_file);
	if (*v->user && v->auth == CONF_AUTH_PASSWORD) {
		if (*v->password_file && (pw = conf_read_password(
		    v->password_file, err, sizeof err)) == NULL) {
			curl_easy_cleanup(e);
			return check_line("smtp", 0, err);
		}
		curl_easy_setopt(e, CURLOPT_USERNAME, v->user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, pw ? pw : "");
	}
	/* OAuth2: a second try with a fresh token when the first is refused
	 * (smtp_auth_bearer sees the 535) */
	for (tries = 0; tries < 2; tries++) {
		if (v->auth == CONF_AUTH_OAUTH2 && smtp_auth_bearer(e,
		    &cf->oauth2, check_smtp_login(cf, v), err, sizeof err)
		    == -1) {
			curl_easy_cleanup(e);
			free(pw);
			snprintf(detail, sizeof detail, "%s: OAuth2: %s",
			    v->url, err);
			return check_line("smtp", 0, detail);
		}
		rc = curl_easy_perform(e);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
		if (rc != CURLE_LOGIN_DENIED || v->auth != CONF_AUTH_OAUTH2)
			break;
	}
	if (rc == CURLE_OK)
		snprintf(detail, sizeof detail, "%s: connected%s%s%s",
		    v->url, v->tls == CONF_TLS_OFF ? "" : ", TLS verified",
		    *check_smtp_login(cf, v) ? ", logged in as " : "",
		    check_smtp_login(cf, v));
	else
		check_smtp_why(v, rc, code, detail, sizeof detail);
	if (rc == CURLE_OK && v->tls != CONF_TLS_OFF && !v->verify)
		strncat(detail, " (certificate NOT verified)", sizeof detail -
		    strlen(detail) - 1);
	failed = check_line("smtp", rc == CURLE_OK, detail);
	if (rc == CURLE_OK)
		failed += check_smtp_tagged(e, cf);
	curl_easy_cleanup(e);
	free(pw);
	return failed;
}

/* Every SMTP server: a fail-over server that fails is found now, too. */
static int
check_smtp(const struct conf *cf)
{
	int i, failed = 0;

	for (i = 0; i < conf_nsmtp(cf); i++)
		failed += check_smtp_one(cf, conf_smtp(cf, i));
	return failed;
}

/*
 * The folders herald uses besides the inbox: the done folder is made
 * when missing (heraldd would make it at the first move anyway); a
 * missing sent folder is a mistake in the config.
 */
static int
check_folders(struct imap *m, const struct conf *cf)
{
	char err[512], detail[1400];
	int failed = 0, r;

	if (*cf->imap_done_folder) {
		if ((r = imap_folder_exists(m, cf->imap_done_folder)) == 1)
			snprintf(detail, sizeof detail, "%s: exists%s",
			    cf->imap_done_folder, m->has_move ? "" : " (the "
			    "server has no MOVE: handled mail is only flagged "
			    "\\Seen)");
		else if (r == 0 && imap_folder_create(m, cf->imap_done_folder,
		    err, sizeof err) == 0)
			snprintf(detail, sizeof detail, "%s: created",
			    cf->imap_done_folder);
		else {
			snprintf(detail, sizeof detail, "%s: %s",
			    cf->imap_done_folder, r == -1 ? "LIST failed" :
			    err);
			r = -1;
		}
		failed += check_line("done", r != -1, detail);
	}
	if (*cf->imap_sent_folder) {
		r = imap_folder_exists(m, cf->imap_sent_folder);
		snprintf(detail, sizeof detail, "%s: %s", cf->imap_sent_folder,
		    r == 1 ? "exists" : r == 0 ? "no such folder on the server "
		    "(imap.sent_folder: the office's sent mail, e.g. \"Sent\")" :
		    "LIST failed");
		failed += check_line("sent", r == 1, detail);
	}
	return failed;
}

static int
check_imap(const struct conf *cf)
{
	struct imap m;
	char err[1600], detail[1800];
	int failed;

	if (imap_open(&m, cf, err, sizeof err) == -1)
		return check_line("imap", 0, err);
	snprintf(detail, sizeof detail, "%s: %s selected, UIDVALIDITY %u%s%s%s",
	    cf->imap.url, m.mailbox, m.uidvalidity,
	    m.has_idle ? ", IDLE" : "", cf->imap.auth == CONF_AUTH_OAUTH2 ?
	    ", OAuth2" : "", cf->imap.tls != CONF_TLS_OFF && !cf->imap.verify ?
	    " (certificate NOT verified)" : "");
	failed = check_line("imap", 1, detail);
	failed += check_folders(&m, cf);
	imap_close(&m);
	return failed;
}

int
cmd_check(struct cli *c, int argc, char **argv)
{
	char err[1024], detail[4200];
	struct stat st;
	int rc, failed = 0, running;

	if ((rc = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(rc);
	if (optind != argc)
		return cli_fail(EX_USAGE, "unexpected \"%s\"", argv[optind]);
	if ((rc = cli_load_conf(c)) != 0) {
		check_line("config", 0, c->conf_path);
		return rc;
	}
	check_line("config", 1, c->conf->path);
	/* before SQLite opens the file (cli_daemon_running) */
	running = cli_daemon_running(c->conf->database);
	if ((c->db = db_open(c->conf->database, 0, err, sizeof err)) == NULL)
		failed += check_line("database", 0, err);
	else if (schema_check(c->db, err, sizeof err) == -1)
		failed += check_line("database", 0, err);
	else
		failed += check_line("database", 1, c->conf->database);
	failed += check_secret(c->conf->secret_file);
	if (stat(c->conf->templates, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(detail, sizeof detail, "%s: not a directory",
		    c->conf->templates);
		failed += check_line("templates", 0, detail);
	} else
		check_line("templates", 1, c->conf->templates);
	/* a warning, not a failure: check runs before heraldd is started */
	if (running == 1)
		printf("%-9s %-4s running on %s\n", "daemon", "ok",
		    c->conf->database);
	else if (running == 0) {
		printf("%-9s %-4s not running on %s\n", "daemon", "WARN",
		    c->conf->database);
		cli_warn_no_daemon(c, "nothing is sent or read until one "
		    "starts (heraldd(8))");
	}
	if (conf_unverified(c->conf))
		printf("%-9s %-4s %s\n", "tls", "WARN", conf_unverified(c->conf));
	check_web(c->conf, failed ? NULL : c->db);
	if (failed)
		return EX_CONFIG;
	/* the servers last: a config problem is reported as one first */
	failed = check_smtp(c->conf) + check_imap(c->conf);
	return failed ? EX_UNAVAILABLE : 0;
}
