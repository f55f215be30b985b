/*
 * log: messages to stderr (foreground, CLI) or syslog (daemon).
 * Modelled on OpenSMTPD's log.h: the *_warn variants append strerror(errno),
 * the *x variants do not; fatal* log and exit.
 */
#ifndef HERALD_LOG_H
#define HERALD_LOG_H

#include <stdarg.h>

/* ident: program name; to_stderr: 1 = stderr, 0 = syslog (LOG_MAIL). */
void log_init(const char *ident, int to_stderr);
void log_set_verbose(int verbose);
/*
 * On stderr, start each line with an ISO 8601 UTC time stamp
 * ("2027-03-02T09:00:00.123Z heraldd: ..."): heraldd -f, whose lines
 * go to a file or a terminal rather than syslog.
 */
void log_set_stamps(int on);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Exit with code after logging. */
void fatal(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void fatalx(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#endif
