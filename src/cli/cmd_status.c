/*
 * herald status, herald reload: is heraldd running on this database, and
 * what did it last do; tell that daemon, and no other, to reload.
 *
 * Whether a daemon runs is the lock, not the pidfile: heraldd holds an
 * exclusive flock on the database file itself while it runs (see
 * heraldd.c, daemon_lock); a non-blocking shared attempt fails while it
 * does and is released at once. Done before this process opens SQLite
 * (closing a descriptor of the file would drop SQLite's POSIX locks).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "lib/timeutil.h"

int
cli_daemon_running(const char *database)
{
	int fd, held;

	if ((fd = open(database, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	held = flock(fd, LOCK_SH | LOCK_NB) == -1;
	if (held && errno != EWOULDBLOCK) {
		close(fd);
		return -1;
	}
	if (!held)
		flock(fd, LOCK_UN);
	close(fd);
	return held;
}

int
cli_no_daemon(struct cli *c)
{
	return cli_load_conf(c) == 0 &&
	    cli_daemon_running(c->conf->database) == 0;
}

void
cli_warn_no_daemon(struct cli *c, const char *what)
{
	fprintf(stderr, "herald: warning: no heraldd is running on %s: %s\n",
	    c->conf->database, what);
}

/* The pid in the pidfile; 0 when none can be read. */
static long
status_pidfile(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1 || pid < 1)
		pid = 0;
	fclose(f);
	return pid;
}

static void
status_print_state(struct cli *c, int running)
{
	sqlite3_stmt *st = db_prepare(c->db, "SELECT pid, started_at, "
	    "last_pass, activity, imap, queued, sending, deferred, uncertain, "
	    "failed FROM daemon_state WHERE id = 1");
	int64_t now = time_now();
	char t[96];

	if (sqlite3_step(st) != SQLITE_ROW) {
		printf("  no pass recorded yet\n");
		sqlite3_finalize(st);
		return;
	}
	if (running) {
		printf("  started    %s\n", out_time(
		    sqlite3_column_int64(st, 1), t, sizeof t));
		printf("  activity   %s\n", db_col_text(st, 3));
		printf("  imap       %s\n", *db_col_text(st, 4) ?
		    db_col_text(st, 4) : "not reported");
	}
	printf("  last pass  %s (%llds ago%s)\n", out_time(
	    sqlite3_column_int64(st, 2), t, sizeof t),
	    (long long)(now - sqlite3_column_int64(st, 2)),
	    running ? "" : ", by the last daemon");
	printf("  queue      %lld queued, %lld sending, %lld deferred, "
	    "%lld uncertain, %lld failed%s\n",
	    (long long)sqlite3_column_int64(st, 5),
	    (long long)sqlite3_column_int64(st, 6),
	    (long long)sqlite3_column_int64(st, 7),
	    (long long)sqlite3_column_int64(st, 8),
	    (long long)sqlite3_column_int64(st, 9),
	    running ? "" : " (then)");
	sqlite3_finalize(st);
}

int
cmd_status(struct cli *c, int argc, char **argv)
{
	int rc, running;
	long pid;

	if ((rc = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(rc);
	if (optind != argc)
		return cli_fail(EX_USAGE, "unexpected \"%s\"", argv[optind]);
	if ((rc = cli_load_conf(c)) != 0)
		return rc;
	if ((running = cli_daemon_running(c->conf->database)) == -1)
		return cli_fail(EX_IOERR, "%s: %s", c->conf->database,
		    strerror(errno));
	if ((rc = cli_open(c)) != 0)
		return rc;
	pid = status_pidfile(c->conf->pidfile);
	if (running) {
		printf("heraldd: running on %s", c->conf->database);
		if (pid)
			printf(", pid %ld (%s)", pid, c->conf->pidfile);
		putchar('\n');
	} else
		printf("heraldd: not running on %s\n", c->conf->database);
	status_print_state(c, running);
	if (!running) {
		fflush(stdout);
		fprintf(stderr, "herald: no heraldd holds %s: nothing is sent "
		    "or read until one starts\n", c->conf->database);
		return EX_UNAVAILABLE;
	}
	return 0;
}

int
cmd_reload(struct cli *c, int argc, char **argv)
{
	int rc, running;
	int64_t state_pid;
	long pid;

	if ((rc = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(rc);
	if (optind != argc)
		return cli_fail(EX_USAGE, "unexpected \"%s\"", argv[optind]);
	if ((rc = cli_load_conf(c)) != 0)
		return rc;
	if ((running = cli_daemon_running(c->conf->database)) == -1)
		return cli_fail(EX_IOERR, "%s: %s", c->conf->database,
		    strerror(errno));
	if (!running)
		return cli_fail(EX_UNAVAILABLE, "no heraldd is running on %s",
		    c->conf->database);
	if ((rc = cli_open(c)) != 0)
		return rc;
	/*
	 * The pid twice: in the pidfile and in the state the daemon of this
	 * database wrote. Both must agree, or nothing is signalled (a stale
	 * pidfile could name another process).
	 */
	pid = status_pidfile(c->conf->pidfile);
	state_pid = db_int_query(c->db, "SELECT COALESCE((SELECT pid FROM "
	    "daemon_state WHERE id = 1 AND activity != 'stopped'), 0)", NULL);
	if (pid == 0)
		return cli_fail(EX_UNAVAILABLE, "%s: no pid: is heraldd's "
		    "pidfile set elsewhere in its config?", c->conf->pidfile);
	if (state_pid != pid)
		return cli_fail(EX_TEMPFAIL, "%s names pid %ld, the daemon's "
		    "state pid %lld: not signalled (try again in a few "
		    "seconds)", c->conf->pidfile, pid, (long long)state_pid);
	if (kill((pid_t)pid, SIGHUP) == -1)
		return cli_fail(EX_NOPERM, "pid %ld: %s", pid, strerror(errno));
	printf("heraldd (pid %ld) on %s: asked to reload its config\n", pid,
	    c->conf->database);
	return 0;
}
