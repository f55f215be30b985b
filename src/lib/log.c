/* log: see log.h. */
#include "lib/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static const char *log_ident = "herald";
static int log_to_stderr = 1;
static int log_verbose;
static int log_stamps;

void
log_set_stamps(int on)
{
	log_stamps = on;
}

/* "2027-03-02T09:00:00.123Z " when time stamps are on, else "". */
static void
log_stamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	buf[0] = '\0';
	if (!log_stamps || clock_gettime(CLOCK_REALTIME, &ts) == -1 ||
	    gmtime_r(&ts.tv_sec, &tm) == NULL)
		return;
	/* a stamp cut short is still a stamp */
	if ((size_t)snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000000)) >= len)
		buf[0] = '\0';
}

void
log_init(const char *ident, int to_stderr)
{
	log_ident = ident;
	log_to_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_set_verbose(int verbose)
{
	log_verbose = verbose;
}

static void
log_vemit(int pri, int with_errno, const char *fmt, va_list ap)
{
	char msg[2048], stamp[40];
	int saved = errno;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_to_stderr) {
		char *nl;

		log_stamp(stamp, sizeof stamp);
		/* every line of a stamped log starts with its stamp */
		while (*stamp && (nl = strchr(msg, '\n')) != NULL) {
			*nl = '\0';
			fprintf(stderr, "%s%s: %s\n", stamp, log_ident, msg);
			memmove(msg, nl + 1, strlen(nl + 1) + 1);
		}
		if (with_errno)
			fprintf(stderr, "%s%s: %s: %s\n", stamp, log_ident, msg,
			    strerror(saved));
		else
			fprintf(stderr, "%s%s: %s\n", stamp, log_ident, msg);
	} else {
		if (with_errno)
			syslog(pri, "%s: %s", msg, strerror(saved));
		else
			syslog(pri, "%s", msg);
	}
	errno = saved;
}

#define LOG_BODY(pri, en) do { va_list ap; va_start(ap, fmt); \
	log_vemit(pri, en, fmt, ap); va_end(ap); } while (0)

void log_warn(const char *fmt, ...) { LOG_BODY(LOG_WARNING, 1); }
void log_warnx(const char *fmt, ...) { LOG_BODY(LOG_WARNING, 0); }
void log_info(const char *fmt, ...) { LOG_BODY(LOG_INFO, 0); }

void
log_debug(const char *fmt, ...)
{
	if (log_verbose)
		LOG_BODY(LOG_DEBUG, 0);
}

void
fatal(int code, const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, 1);
	exit(code);
}

void
fatalx(int code, const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, 0);
	exit(code);
}
