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
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
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
#include "lib/timeutil.h"
#include "lib/token.h"
#include "lib/xmalloc.h"
#include "send/sched.h"
#include "send/sender.h"
#include "store/db.h"
#include "store/journal.h"
#include "store/queue.h"
#include "store/schema.h"
#include "web/web.h"

#define DAEMON_TICK_MS 1000
/*
 * SIGTERM ends the process within DAEMON_STOP_S (docs/VIOLATIONS.md
 * promises 60 s): the loop waits DAEMON_DRAIN_S for transactions in
 * flight, then gives them up; the watchdog acts at DAEMON_STOP_S when
 * the loop itself is stuck. HERALD_TEST_STOP_S shortens both, for tests.
 */
#define DAEMON_STOP_S 55
#define DAEMON_DRAIN_S 45

/* The stop watchdog: see watchdog_main. */
enum { WATCHDOG_OFF, WATCHDOG_ARMED, WATCHDOG_FIRED, WATCHDOG_DONE };
struct watchdog {
	pthread_t thread;
	atomic_int state;
	int done_pipe[2];	/* the main thread finished its stop */
	int stop_ms;
	char *database, *journal, *claim, *nudge_path;
	struct queue_retry retry;
};

struct daemon {
	struct conf *conf;
	struct db *db;
	struct loop *loop;
	struct token_key key;
	struct sender *sender;
	struct ingest *ingest;
	struct web *web;	/* NULL: http.listen is "" */
	int nudge_fd;
	int lock_fd;		/* flock on the database file itself */
	int pid_fd;		/* DB.lock: the pid, for tools (fuser) */
	char *pidfile;		/* written under the lock; NULL when not */
	int64_t state_ms;	/* daemon_state last written (loop clock) */
	int64_t started_at;
	char state_activity[16];
	char nudge_path[256];
	char claim[128];	/* queue_claim_id: this run's reservations */
	int nosync;		/* HERALD_JOURNAL_NOSYNC: benchmarks only */
	struct watchdog watchdog;
	int64_t data_version;
	unsigned long passes;
};

static volatile sig_atomic_t got_term, got_hup;
/* written to by the signal handler: wakes the stop watchdog */
static int term_pipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	int e = errno;

	if (sig == SIGHUP)
		got_hup = 1;
	else {
		got_term = 1;
		if (term_pipe[1] != -1 && write(term_pipe[1], "", 1) == -1)
			(void)0;	/* full: already woken */
	}
	errno = e;
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
 * The pidfile (herald.conf(5) pidfile, default DATABASE.pid), written
 * while the lock is held: "herald reload" signals the pid it names once
 * it has seen that a daemon holds this database's lock (herald(1)).
 * Written whole under a temporary name, then renamed.
 */
static int
daemon_pidfile(struct daemon *d)
{
	const char *path = d->conf->pidfile;
	char tmp[4200];
	int fd;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1 || dprintf(fd, "%ld\n", (long)getpid()) < 0 ||
	    close(fd) == -1 || rename(tmp, path) == -1) {
		log_warn("pidfile %s", path);
		if (fd != -1)
			unlink(tmp);
		return EX_CANTCREAT;
	}
	d->pidfile = xstrdup(path);
	return 0;
}

/*
 * One daemon per database, whatever the path to it: an exclusive flock
 * on the database file itself. It belongs to the inode, so a symlink, a
 * bind mount, a hard link or a relative path all meet the same lock (a
 * lock file named after the path did not: a second daemon through a
 * symlink re-queued the first one's reservations and sent them again).
 * flock(2) locks are apart from the POSIX byte-range locks SQLite takes,
 * so the two never meet. This descriptor is closed only after every
 * SQLite connection of the process: closing any descriptor of the file
 * drops the process's POSIX locks on it, SQLite's among them.
 *
 * DB.lock is no lock any more: it holds the pid, so that tools that
 * find the daemon by it (fuser) still do.
 */
static int
daemon_lock(struct daemon *d)
{
	const char *db = d->conf->database;
	char path[4200];

	if ((d->lock_fd = open(db, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("%s", db);
		return EX_IOERR;
	}
	if (flock(d->lock_fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK) {
			log_warn("%s: lock", db);
			return EX_IOERR;
		}
		log_warnx("%s: another heraldd is running on this database "
		    "(through this or another path to the same file)", db);
		return EX_TEMPFAIL;
	}
	snprintf(path, sizeof path, "%s.lock", db);
	if ((d->pid_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		log_warn("%s", path);
		return EX_CANTCREAT;
	}
	if (ftruncate(d->pid_fd, 0) == 0)
		dprintf(d->pid_fd, "%ld\n", (long)getpid());
	return daemon_pidfile(d);
}

/* After the last SQLite connection is closed (see daemon_lock). */
static void
daemon_unlock(struct daemon *d)
{
	/* ours while the lock is: gone before it is released */
	if (d->pidfile) {
		unlink(d->pidfile);
		free(d->pidfile);
		d->pidfile = NULL;
	}
	if (d->lock_fd != -1)
		close(d->lock_fd);
	if (d->pid_fd != -1)
		close(d->pid_fd);
	d->lock_fd = d->pid_fd = -1;
}

/* ---- the stop watchdog ---- */

/* The stop budget in ms (HERALD_TEST_STOP_S: tests only). */
static int
daemon_stop_ms(void)
{
	const char *t = getenv("HERALD_TEST_STOP_S");
	int n = t ? atoi(t) : 0;

	return (n > 0 && n < DAEMON_STOP_S ? n : DAEMON_STOP_S) * 1000;
}

/*
 * Why a thread: libcurl waits for the reply to the final dot in a
 * blocking poll (smtp_done -> smtp_block_statemach), for up to its
 * response timeout and one session after another, and the poll loop can
 * do nothing meanwhile: a silent server held a SIGTERM for 231 s. Curl
 * timeouts would bound each wait but not their sum over the sessions,
 * nor anything else that may block (a resolver, a database held locked);
 * a thread woken by the signal itself bounds them all, whatever the main
 * thread is stuck in. When the main thread has not finished its stop
 * DAEMON_STOP_S after the signal, the watchdog settles this daemon's own
 * reservations through its own connection, by the recovery rules (a
 * started transaction -> uncertain, an unstarted one -> queued, an
 * outcome in the journal -> recorded), and exits.
 */
static void *
watchdog_main(void *arg)
{
	struct watchdog *w = arg;
	struct pollfd pf[2] = { { term_pipe[0], POLLIN, 0 },
	    { w->done_pipe[0], POLLIN, 0 } };
	char err[1024];
	struct db *db;
	long n;

	while (poll(pf, 2, -1) == -1 && errno == EINTR)
		;
	if (pf[1].revents)
		return NULL;
	/* the signal came: the main thread has stop_ms to finish */
	while (poll(&pf[1], 1, w->stop_ms) == -1 && errno == EINTR)
		;
	if (pf[1].revents || !atomic_compare_exchange_strong(&w->state,
	    &(int){ WATCHDOG_ARMED }, WATCHDOG_FIRED))
		return NULL;
	log_warnx("stop: still busy %d s after the signal (a silent SMTP "
	    "server?): settling this daemon's messages and exiting",
	    w->stop_ms / 1000);
	/* no session may start a transaction the recovery below would
	 * think never began */
	journal_freeze();
	if ((db = db_open(w->database, 0, err, sizeof err)) == NULL)
		log_warnx("stop: %s", err);
	else if ((n = queue_recover(db, w->claim, 1, w->journal,
	    &w->retry)) < 0)
		log_warnx("stop: %s", db_errmsg(db));
	else {
		log_info("stop: %ld messages in flight or reserved were "
		    "recorded, re-queued or marked uncertain", n);
		/* every record is applied now; nothing stale may stay */
		if (truncate(w->journal, 0) == -1)
			log_warn("%s", w->journal);
	}
	if (*w->nudge_path)
		unlink(w->nudge_path);
	_exit(0);
}

static int
watchdog_arm(struct daemon *d)
{
	struct watchdog *w = &d->watchdog;
	char journal[4200];

	if (pipe2(term_pipe, O_CLOEXEC | O_NONBLOCK) == -1 ||
	    pipe2(w->done_pipe, O_CLOEXEC) == -1)
		return -1;
	snprintf(journal, sizeof journal, "%s.journal", d->conf->database);
	w->database = xstrdup(d->conf->database);
	w->journal = xstrdup(journal);
	w->claim = xstrdup(d->claim);
	w->nudge_path = xstrdup(d->nudge_path);
	w->retry = (struct queue_retry){ d->conf->smtp_retry_min,
	    d->conf->smtp_retry_max, d->conf->smtp_give_up };
	w->stop_ms = daemon_stop_ms();
	atomic_store(&w->state, WATCHDOG_ARMED);
	if (pthread_create(&w->thread, NULL, watchdog_main, w) != 0) {
		atomic_store(&w->state, WATCHDOG_OFF);
		return -1;
	}
	if (got_term && write(term_pipe[1], "", 1) == -1)
		(void)0;
	return 0;
}

/* The stop is complete: the watchdog may go, unless it already acts. */
static void
watchdog_finish(struct watchdog *w)
{
	if (atomic_load(&w->state) == WATCHDOG_OFF)
		return;
	if (!atomic_compare_exchange_strong(&w->state,
	    &(int){ WATCHDOG_ARMED }, WATCHDOG_DONE))
		for (;;)
			pause();	/* it settles and exits the process */
	if (write(w->done_pipe[1], "", 1) == -1)
		(void)0;
	pthread_join(w->thread, NULL);
	close(w->done_pipe[0]);
	close(w->done_pipe[1]);
	free(w->database);
	free(w->journal);
	free(w->claim);
	free(w->nudge_path);
	atomic_store(&w->state, WATCHDOG_OFF);
}

/*
 * What the daemon does, for "herald status": one row, written at the
 * first pass, when sending starts or stops, and at most every
 * DAEMON_STATE_MS otherwise (counted by the message_due index). The IMAP
 * reader's connection is not known here: the column stays ''.
 */
#define DAEMON_STATE_MS 5000

static void
daemon_state(struct daemon *d, const char *activity)
{
	int64_t ms = loop_now_ms();
	sqlite3_stmt *st;

	if (strcmp(activity, d->state_activity) == 0 && d->state_ms &&
	    ms - d->state_ms < DAEMON_STATE_MS && strcmp(activity, "stopped"))
		return;
	st = db_cached(d->db, "INSERT INTO daemon_state (id, pid, started_at, "
	    "last_pass, activity, queued, sending, deferred, uncertain, failed, "
	    "updated) SELECT 1, ?1, ?2, ?3, ?4, "
	    "(SELECT count(*) FROM message WHERE state = 'queued'), "
	    "(SELECT count(*) FROM message WHERE state = 'sending'), "
	    "(SELECT count(*) FROM message WHERE state = 'deferred'), "
	    "(SELECT count(*) FROM message WHERE state = 'uncertain'), "
	    "(SELECT count(*) FROM message WHERE state = 'failed'), ?3 "
	    "WHERE 1 ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, "
	    "started_at = excluded.started_at, last_pass = excluded.last_pass, "
	    "activity = excluded.activity, queued = excluded.queued, "
	    "sending = excluded.sending, deferred = excluded.deferred, "
	    "uncertain = excluded.uncertain, failed = excluded.failed, "
	    "updated = excluded.updated");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)getpid());
	sqlite3_bind_int64(st, 2, d->started_at);
	sqlite3_bind_int64(st, 3, time_now());
	sqlite3_bind_text(st, 4, activity, -1, SQLITE_STATIC);
	if (db_step_done(d->db, st) == -1) {
		log_debug("daemon state: %s", db_errmsg(d->db));
		return;
	}
	d->state_ms = ms;
	snprintf(d->state_activity, sizeof d->state_activity, "%s", activity);
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
	daemon_state(d, d->sender && !sender_idle(d->sender) ? "sending" :
	    "idle");
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
	if (strcmp(nc->pidfile, d->conf->pidfile) != 0) {
		log_warnx("reload: pidfile moved to %s; keeping %s until "
		    "restart", nc->pidfile, d->conf->pidfile);
		free(nc->pidfile);
		nc->pidfile = xstrdup(d->conf->pidfile);
	}
	/* the render thread switches first: it may be using the old one */
	sender_reconfigure(d->sender, nc);
	ingest_reload(d->ingest);
	conf_free(&d->conf);
	d->conf = nc;
	log_info("config reloaded from %s", d->conf->path);
}

/* How far daemon_open goes. */
enum daemon_phase {
	DAEMON_CHECK,		/* -n: config and database; no lock */
	DAEMON_PROBE,		/* before detaching: the lock too, for a
				   refusal that reaches the terminal */
	DAEMON_RUN		/* everything, for good */
};

static int
daemon_open(struct daemon *d, const char *conf_path, enum daemon_phase phase)
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
	if (phase == DAEMON_CHECK)
		return 0;
	if ((rc = daemon_lock(d)) != 0 || phase == DAEMON_PROBE)
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

/* Forget the connection of the probing open (same process). */
static void
daemon_close_db(struct daemon *d)
{
	db_close(&d->db);
	daemon_unlock(d);
	conf_free(&d->conf);
}

static void
daemon_close(struct daemon *d)
{
	web_stop(&d->web);
	ingest_stop(&d->ingest);
	sender_free(&d->sender);
	if (d->nudge_fd != -1) {
		close(d->nudge_fd);
		unlink(d->nudge_path);
	}
	loop_free(&d->loop);
	db_close(&d->db);
	/* the lock is held until the watchdog can no longer settle rows */
	watchdog_finish(&d->watchdog);
	daemon_unlock(d);
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
	/* we hold the lock: every other claimer is gone */
	n = queue_recover(d->db, d->claim, 0, journal, &r);

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
	if ((d->sender = sender_new(d->db, d->conf, &d->key, d->loop,
	    d->claim, d->nosync, err, sizeof err)) == NULL) {
		log_warnx("sender: %s", err);
		return EX_CONFIG;
	}
	/* the IMAP reader blocks in libetpan: it has a thread of its own */
	if ((d->ingest = ingest_start(d->conf->path, err, sizeof err)) == NULL) {
		log_warnx("%s", err);
		return EX_CONFIG;
	}
	/* the links in mail: a thread of libmicrohttpd's (src/web/web.h) */
	if (*d->conf->http_listen && (d->web = web_start(d->conf->path,
	    &d->key, err, sizeof err)) == NULL) {
		log_warnx("%s", err);
		return EX_CONFIG;
	}
	return 0;
}

/*
 * SIGTERM: no new transactions; those in flight get DAEMON_DRAIN_S to
 * finish and be recorded, then are given up (uncertain when the whole
 * message was handed over). Should curl block the loop past that, the
 * watchdog ends it.
 */
static void
daemon_drain(struct daemon *d)
{
	int64_t until = loop_now_ms() + daemon_stop_ms() *
	    DAEMON_DRAIN_S / DAEMON_STOP_S;
	int n;

	sender_stop(d->sender);
	while (!sender_idle(d->sender) && loop_now_ms() < until) {
		loop_once(d->loop, 200);
		sender_pump(d->sender);
	}
	if (!sender_idle(d->sender) && (n = sender_abandon(d->sender)) > 0)
		log_warnx("stopping with %d SMTP transactions unfinished: "
		    "marked uncertain, or queued if their message was not "
		    "all sent", n);
}

static int
daemon_run(struct daemon *d)
{
	int rc;

	d->loop = loop_new();
	d->nosync = getenv("HERALD_JOURNAL_NOSYNC") != NULL &&
	    strcmp(getenv("HERALD_JOURNAL_NOSYNC"), "1") == 0;
	if (d->nosync)
		log_warnx("HERALD_JOURNAL_NOSYNC=1: the journal is not synced; "
		    "after a power cut every reserved message is uncertain "
		    "(for benchmarks only)");
	queue_claim_id(d->claim, sizeof d->claim, !d->nosync);
	if (watchdog_arm(d) == -1) {
		log_warn("stop watchdog");
		return EX_OSERR;
	}
	if ((rc = daemon_start_workers(d)) != 0)
		return rc;
	if (d->nudge_fd != -1)
		loop_watch(d->loop, d->nudge_fd, POLLIN, daemon_on_nudge, d);
	loop_timer(d->loop, 0, daemon_on_tick, d);
	d->started_at = time_now();
	log_info("started: database %s", d->conf->database);
	if (conf_unverified(d->conf))
		log_warnx("%s", conf_unverified(d->conf));
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
	daemon_state(d, "stopped");
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
	struct daemon d = { .nudge_fd = -1, .lock_fd = -1, .pid_fd = -1 };
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
	log_set_stamps(fg);
	log_set_verbose(verbose);
	daemon_signals();
	/*
	 * Check everything while errors still reach the terminal, but close
	 * the database before detaching: SQLite's POSIX locks do not survive
	 * fork(), and a child using the parent's connection would let the
	 * CLI delete the WAL under it.
	 */
	rc = daemon_open(&d, conf_default_path(conf), check_only ?
	    DAEMON_CHECK : DAEMON_PROBE);
	if (rc != 0 || check_only) {
		daemon_close(&d);
		return rc;
	}
	if (!fg) {
		daemon_close(&d);
		memset(&d, 0, sizeof d);
		d.nudge_fd = d.lock_fd = d.pid_fd = -1;
		if (daemon(0, 0) == -1) {
			log_warn("daemon");
			return EX_OSERR;
		}
		/* from here on, syslog */
		log_init("heraldd", 0);
	} else
		daemon_close_db(&d);
	if ((rc = daemon_open(&d, conf_default_path(conf), DAEMON_RUN)) != 0) {
		daemon_close(&d);
		return rc;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = daemon_run(&d);
	daemon_close(&d);
	curl_global_cleanup();
	return rc;
}
