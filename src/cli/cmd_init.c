/* cmd_init: "herald init" and "herald check". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <stdlib.h>

#include "cli/check_web.h"
#include "cli/cli.h"
#include "in/imap.h"
#include "lib/token.h"
#include "store/schema.h"

#define SECRET_BYTES 32

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
	if (write(fd, hex, SECRET_BYTES * 2 + 1) != SECRET_BYTES * 2 + 1 ||
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
	return 0;
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
	char detail[4200];

	if (stat(path, &st) == -1) {
		snprintf(detail, sizeof detail, "%s: %s (run herald init)", path,
		    strerror(errno));
		return check_line("secret", 0, detail);
	}
	if (st.st_mode & 077) {
		snprintf(detail, sizeof detail, "%s: readable by others "
		    "(chmod 600)", path);
		return check_line("secret", 0, detail);
	}
	if (secret_load(path, detail, sizeof detail) == -1)
		return check_line("secret", 0, detail);
	return check_line("secret", 1, path);
}

/*
 * SMTP: connect, EHLO, STARTTLS and AUTH as the sender would, then stop
 * (CURLOPT_CONNECT_ONLY), so a wrong port, certificate or password shows
 * here and not in a campaign.
 */
static int
check_smtp(const struct conf *cf)
{
	char url[1200], detail[1400], err[512], *pw = NULL;
	CURL *e = curl_easy_init();
	CURLcode rc;
	long code = 0;

	snprintf(url, sizeof url, "%s%s%s", cf->smtp.url,
	    cf->smtp.url[strlen(cf->smtp.url) - 1] == '/' ? "" : "/",
	    cf->sender_domain);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_USE_SSL, cf->smtp.tls == CONF_TLS_OFF ?
	    (long)CURLUSESSL_NONE : cf->smtp.tls == CONF_TLS_REQUIRED ?
	    (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, (long)cf->smtp.verify);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, cf->smtp.verify ? 2L : 0L);
	if (*cf->smtp.ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, cf->smtp.ca_file);
	if (*cf->smtp.user) {
		if (*cf->smtp.password_file && (pw = conf_read_password(
		    cf->smtp.password_file, err, sizeof err)) == NULL) {
			curl_easy_cleanup(e);
			return check_line("smtp", 0, err);
		}
		curl_easy_setopt(e, CURLOPT_USERNAME, cf->smtp.user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, pw ? pw : "");
	}
	rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		snprintf(detail, sizeof detail, "%s: connected%s%s", cf->smtp.url,
		    *cf->smtp.user ? ", logged in as " : "", cf->smtp.user);
	else
		snprintf(detail, sizeof detail, "%s: %s%s", cf->smtp.url,
		    curl_easy_strerror(rc), code ? " (server reply)" : "");
	curl_easy_cleanup(e);
	free(pw);
	return check_line("smtp", rc == CURLE_OK, detail);
}

static int
check_imap(const struct conf *cf)
{
	struct imap m;
	char err[512], detail[1400];

	if (imap_open(&m, cf, err, sizeof err) == -1)
		return check_line("imap", 0, err);
	snprintf(detail, sizeof detail, "%s: %s selected, UIDVALIDITY %u%s",
	    cf->imap.url, m.mailbox, m.uidvalidity,
	    m.has_idle ? ", IDLE" : "");
	imap_close(&m);
	return check_line("imap", 1, detail);
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
	check_web(c->conf, failed ? NULL : c->db);
	if (failed)
		return EX_CONFIG;
	/* the servers last: a config problem is reported as one first */
	failed = check_smtp(c->conf) + check_imap(c->conf);
	return failed ? EX_UNAVAILABLE : 0;
}
