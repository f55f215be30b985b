/*
 * timeutil: the TIME and DURATION arguments of herald(1), and the
 * one timestamp format herald stores and prints (UTC, ISO 8601).
 */
#ifndef HERALD_TIMEUTIL_H
#define HERALD_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Parse a TIME: "2017-12-02" (midnight), "2017-12-02T09:00",
 * "2017-12-02 9:00", optional ":SS", then an optional zone: "Z" or
 * "+HH:MM"/"-HHMM" (at once or after a space), or a zone name after a
 * space ("2017-12-02 9:00 Europe/Zurich", "2017-12-02 UTC"). Without a
 * zone the time is read in zone tz (an IANA name such as "Europe/Paris"),
 * or local time when tz is NULL or "". Returns 0 and *out (seconds since
 * the epoch) or -1.
 */
int time_parse(const char *s, const char *tz, int64_t *out);
/* "30m", "12h", "5d", "90s", "2w" -> seconds; -1 on error. */
int time_parse_duration(const char *s, int64_t *out);
/* 1 when tz names a zone in the system's tz database. */
int time_zone_valid(const char *tz);
/* "2026-11-28T04:50:41Z" into buf (at least 21 bytes). */
char *time_format_utc(int64_t t, char *buf, size_t len);
/*
 * "2027-03-02 09:00 (Europe/Zurich)": t as people of zone tz read it
 * ("UTC" when tz is NULL or ""). Switches TZ: single-threaded callers
 * only (the CLI); the daemon reads what the CLI stored.
 */
char *time_format_local(int64_t t, const char *tz, char *buf, size_t len);
/*
 * The system's zone name: $TZ, else /etc/timezone, else the target of
 * /etc/localtime, else "UTC". A static string.
 */
const char *time_system_zone(void);
/*
 * The zone a time is shown to people in: the event's zone when there is
 * one, else display_tz (herald.conf), else the system's zone.
 */
const char *time_people_zone(const char *event_tz, const char *display_tz);
/*
 * "A time for people": t in time_people_zone(event_tz, display_tz), the
 * zone named: "2027-03-02 09:00 (Europe/Zurich)". Switches TZ, as
 * time_format_local does.
 */
char *time_format_people(int64_t t, const char *event_tz,
    const char *display_tz, char *buf, size_t len);
/* strftime(fmt) of t in zone tz ("UTC" when NULL or ""). Switches TZ. */
char *time_format_zone(int64_t t, const char *tz, const char *fmt, char *buf,
    size_t len) __attribute__((format(strftime, 3, 0)));
/* Seconds since the epoch, now. */
int64_t time_now(void);

#endif
