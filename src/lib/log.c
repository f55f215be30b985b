/* log: see log.h. */
#include "lib/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static const char *log_ident = "herald";
static int log_to_stderr = 1;
static int log_verbose;

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
	char msg[2048];
	int saved = errno;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_to_stderr) {
		if (with_errno)
			fprintf(stderr, "%s: %s: %s\n", log_ident, msg,
			    strerror(saved));
		else
			fprintf(stderr, "%s: %s\n", log_ident, msg);
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
