/*
 * heraldd: the daemon. One process, one poll loop (loop.c): the nudge
 * socket wakes it when the CLI changed something, a one-second tick
 * catches whatever a lost nudge missed, signals only set flags that the
 * loop acts on (Redis style).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sysexits.h>
#include <unistd.h>

#include <curl/curl.h>

#include "conf/conf.h"
#include "in/ingest.h"
#include "lib/loop.h"
#include "lib/log.h"
#include "lib/nudge.h"
#include "lib/token.h"
#include "lib/xmalloc.h"
#include "out/sched.h"
#include "out/sender.h"
#include "store/db.h"
#include "store/queue.h"
#include "store/schema.h"

#define DAEMON_TICK_MS 1000
/* how long SIGTERM waits for SMTP transactions in flight */
#define DAEMON_DRAIN_MS ((SENDER_TIMEOUT_S + 10) * 1000)

struct daemon {
	struct conf *conf;
	struct db *db;
	struct loop *loop;
	struct token_key key;
	struct sender *sender;
	struct ingest *ingest;
	int nudge_fd;
	int lock_fd;
	char nudge_path[256];
	int64_t data_version;
	unsigned long passes;
};

static volatile sig_atomic_t got_term, got_hup;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

static void
daemon_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/*
 * One daemon per database: an exclusive lock on "DB.lock", held for the
 * process's life. Two senders on one queue would be safe (claims are
 * atomic) but would double the connection and rate limits.
 */
static int
daemon_lock(struct daemon *d)
{
	char path[4200];

	snprintf(path, sizeof path, "%s.lock", d->conf->database);
	if ((d->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		log_warn("%s", path);
		return EX_CANTCREAT;
	}
	if (flock(d->lock_fd, LOCK_EX | LOCK_NB) == -1) {
		log_warnx("%s: another heraldd is running on this database",
		    path);
		return EX_TEMPFAIL;
	}
	return 0;
}

/*
 * The daemon's work pass: run when the database changed (nudge or
 * PRAGMA data_version) and on every tick. Sending, ingesting and
 * follow-ups hang their work here as they arrive.
 */
static void
daemon_pass(struct daemon *d, const char *why)
{
	int64_t v = db_int_query(d->db, "PRAGMA data_version", NULL);

	if (v != d->data_version) {
		log_debug("database changed (%s)", why);
		d->data_version = v;
		/* a campaign started, a post queued: send it now */
		if (d->sender)
			sender_wake(d->sender);
	}
	if (sched_run(d->db, d->conf, &d->key) < 0)
		log_warnx("scheduler: %s", db_errmsg(d->db));
	if (d->sender)
		sender_pump(d->sender);
	d->passes++;
}

static void
daemon_on_nudge(struct loop *l, int fd, int revents, void *arg)
{
	struct daemon *d = arg;

	(void)l;
	(void)revents;
	if (nudge_drain(fd) > 0) {
		log_debug("nudged by herald");
		daemon_pass(d, "nudge");
	}
}

static void
daemon_on_tick(struct loop *l, void *arg)
{
	struct daemon *d = arg;

	daemon_pass(d, "tick");
	loop_timer(l, DAEMON_TICK_MS, daemon_on_tick, d);
}

/* SIGHUP: read the config again; keep the old one if the new is bad. */
static void
daemon_reload(struct daemon *d)
{
	char err[1024];
	struct conf *nc = conf_load(d->conf->path, err, sizeof err);

	if (nc == NULL) {
		log_warnx("reload failed, keeping the old config: %s", err);
		return;
	}
	if (strcmp(nc->database, d->conf->database) != 0) {
		log_warnx("reload: database moved to %s; keeping %s until "
		    "restart", nc->database, d->conf->database);
		free(nc->database);
		nc->database = xstrdup(d->conf->database);
	}
	/* the render thread switches first: it may be using the old one */
	sender_reconfigure(d->sender, nc);
	ingest_reload(d->ingest);
	conf_free(&d->conf);
	d->conf = nc;
	log_info("config reloaded from %s", d->conf->path);
}

static int
daemon_open(struct daemon *d, const char *conf_path, int check_only)
{
	char err[1024];
	int rc;

	if ((d->conf = conf_load(conf_path, err, sizeof err)) == NULL) {
		log_warnx("%s", err);
		return EX_CONFIG;
	}
	if (access(d->conf->database, F_OK) == -1) {
		log_warnx("%s: no database: run \"herald init\"",
		    d->conf->database);
		return EX_CONFIG;
	}
	if ((d->db = db_open(d->conf->database, 0, err, sizeof err)) == NULL) {
		log_warnx("%s", err);
		return EX_IOERR;
	}
	if (schema_check(d->db, err, sizeof err) == -1) {
		log_warnx("%s", err);
		return EX_CONFIG;
	}
	if (token_key_load(&d->key, d->conf->secret_file, err, sizeof err) == -1) {
		log_warnx("%s", err);
		return EX_CONFIG;
	}
	if (check_only)
		return 0;
	if ((rc = daemon_lock(d)) != 0)
		return rc;
	if (nudge_path(d->conf->database, d->nudge_path,
	    sizeof d->nudge_path) == -1 ||
	    (d->nudge_fd = nudge_listen(d->nudge_path)) == -1) {
		log_warn("nudge socket %s (falling back to the 1 s tick)",
		    d->nudge_path);
		d->nudge_fd = -1;
		d->nudge_path[0] = '\0';
	}
	return 0;
}

/* Forget the connection of the check-only open (same process). */
static void
daemon_close_db(struct daemon *d)
{
	db_close(&d->db);
	conf_free(&d->conf);
}

static void
daemon_close(struct daemon *d)
{
	ingest_stop(&d->ingest);
	sender_free(&d->sender);
	if (d->nudge_fd != -1) {
		close(d->nudge_fd);
		unlink(d->nudge_path);
	}
	if (d->lock_fd > 0)
		close(d->lock_fd);
	loop_free(&d->loop);
	db_close(&d->db);
	conf_free(&d->conf);
}

/* Crash recovery, then the parts that do the work. */
static int
daemon_start_workers(struct daemon *d)
{
	struct queue_retry r = { d->conf->smtp_retry_min,
	    d->conf->smtp_retry_max, d->conf->smtp_give_up };
	char err[1024], journal[4200];
	long n;

	snprintf(journal, sizeof journal, "%s.journal", d->conf->database);
	n = queue_recover(d->db, queue_boot_id(), journal, &r);

	if (n < 0) {
		log_warnx("recovery: %s", db_errmsg(d->db));
		return EX_IOERR;
	}
	if (n > 0)
		log_info("recovery: %ld messages interrupted by the last stop "
		    "were recorded, re-queued or marked uncertain", n);
	/* its records are applied: a stale start mark must not outlive them */
	if (truncate(journal, 0) == -1 && errno != ENOENT) {
		log_warn("%s", journal);
		return EX_IOERR;
	}
	if ((d->sender = sender_new(d->db, d->conf, &d->key, d->loop, err,
	    sizeof err)) == NULL) {
		log_warnx("sender: %s", err);
		return EX_CONFIG;
	}
	/* the IMAP reader blocks in libetpan: it has a thread of its own */
	if ((d->ingest = ingest_start(d->conf->path, err, sizeof err)) == NULL) {
		log_warnx("%s", err);
		return EX_CONFIG;
	}
	return 0;
}

/* SIGTERM: no new transactions; finish and record those in flight. */
static void
daemon_drain(struct daemon *d)
{
	int64_t until = loop_now_ms() + DAEMON_DRAIN_MS;

	sender_stop(d->sender);
	while (!sender_idle(d->sender) && loop_now_ms() < until) {
		loop_once(d->loop, 200);
		sender_pump(d->sender);
	}
	if (!sender_idle(d->sender))
		log_warnx("stopping with SMTP transactions unfinished: they "
		    "will be marked uncertain at the next start");
}

static int
daemon_run(struct daemon *d)
{
	int rc;

	d->loop = loop_new();
	if ((rc = daemon_start_workers(d)) != 0)
		return rc;
	if (d->nudge_fd != -1)
		loop_watch(d->loop, d->nudge_fd, POLLIN, daemon_on_nudge, d);
	loop_timer(d->loop, 0, daemon_on_tick, d);
	log_info("started: database %s", d->conf->database);
	while (!got_term) {
		if (got_hup) {
			got_hup = 0;
			daemon_reload(d);
		}
		if (loop_once(d->loop, DAEMON_TICK_MS) == -1) {
			log_warn("poll");
			return EX_OSERR;
		}
	}
	log_info("stopping on signal after %lu passes", d->passes);
	daemon_drain(d);
	return 0;
}

static void
usage(FILE *f)
{
	fputs("usage: heraldd [-fnvV] [-c FILE]\n"
	    "  -c FILE  config file (default $HERALD_CONF, else "
	    "/etc/herald/herald.conf)\n"
	    "  -f       stay in the foreground and log to stderr\n"
	    "  -v       verbose (debug) logging\n"
	    "  -n       check the config and database, then exit\n"
	    "  -V       print the version\n", f);
}

int
main(int argc, char **argv)
{
	struct daemon d = { .nudge_fd = -1, .lock_fd = -1 };
	const char *conf = NULL;
	int ch, fg = 0, verbose = 0, check_only = 0, rc;

	while ((ch = getopt(argc, argv, "c:fhnvV")) != -1)
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'f': fg = 1; break;
		case 'n': check_only = 1; break;
		case 'v': verbose = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': puts("heraldd " HERALD_VERSION); return 0;
		default: usage(stderr); return EX_USAGE;
		}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	log_init("heraldd", 1);
	log_set_verbose(verbose);
	daemon_signals();
	/*
	 * Check everything while errors still reach the terminal, but close
	 * the database before detaching: SQLite's POSIX locks do not survive
	 * fork(), and a child using the parent's connection would let the
	 * CLI delete the WAL under it.
	 */
	rc = daemon_open(&d, conf_default_path(conf), 1);
	if (rc != 0 || check_only) {
		daemon_close(&d);
		return rc;
	}
	if (!fg) {
		daemon_close(&d);
		memset(&d, 0, sizeof d);
		d.nudge_fd = d.lock_fd = -1;
		if (daemon(0, 0) == -1) {
			log_warn("daemon");
			return EX_OSERR;
		}
		/* from here on, syslog */
		log_init("heraldd", 0);
	} else
		daemon_close_db(&d);
	if ((rc = daemon_open(&d, conf_default_path(conf), 0)) != 0) {
		daemon_close(&d);
		return rc;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = daemon_run(&d);
	daemon_close(&d);
	curl_global_cleanup();
	return rc;
}
