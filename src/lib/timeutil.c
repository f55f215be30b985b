/* timeutil: see timeutil.h. */
#include "lib/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xmalloc.h"

/* Read exactly n digits. */
static int
time_digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int
time_zone_valid(const char *tz)
{
	char path[512];
	struct stat st;

	if (tz == NULL || *tz == '\0' || strstr(tz, "..") || tz[0] == '/')
		return 0;
	if (strcmp(tz, "UTC") == 0)
		return 1;
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * mktime() in another zone: the C library only knows TZ, so switch it
 * for the call and put it back. Single-threaded callers only.
 */
static int64_t
time_mktime_in(struct tm *tm, const char *tz)
{
	char *old = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
	time_t t;

	if (tz && *tz)
		setenv("TZ", tz, 1);
	tzset();
	tm->tm_isdst = -1;
	t = mktime(tm);
	if (old) {
		setenv("TZ", old, 1);
		free(old);
	} else
		unsetenv("TZ");
	tzset();
	return (int64_t)t;
}

static int
time_parse_offset(const char *p, int *offset)
{
	int hh, mm = 0, sign;

	if (*p == 'Z' || *p == 'z') {
		*offset = 0;
		return p[1] == '\0' ? 0 : -1;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (time_digits(&p, 2, &hh) == -1)
		return -1;
	if (*p == ':')
		p++;
	if (*p && time_digits(&p, 2, &mm) == -1)
		return -1;
	if (*p || hh > 23 || mm > 59)
		return -1;
	*offset = sign * (hh * 3600 + mm * 60);
	return 0;
}

/*
 * The zone written after a time: an offset ("Z", "+02:00", "-0500") or
 * a zone name ("Europe/Zurich", "UTC"). Sets *offset (and *has_offset)
 * or *zone (a pointer into p).
 */
static int
time_parse_zone(const char *p, int *has_offset, int *offset,
    const char **zone)
{
	*has_offset = 0;
	*zone = NULL;
	if (*p == '\0')
		return 0;
	if (*p == 'Z' || *p == 'z' || *p == '+' || *p == '-') {
		*has_offset = 1;
		return time_parse_offset(p, offset);
	}
	if (!time_zone_valid(p))
		return -1;
	*zone = p;
	return 0;
}

int
time_parse(const char *s, const char *tz, int64_t *out)
{
	struct tm tm;
	const char *p = s, *zone;
	int y, mo, d, h = 0, mi = 0, sec = 0, offset = 0, has_offset;

	memset(&tm, 0, sizeof tm);
	if (time_digits(&p, 4, &y) || *p++ != '-' ||
	    time_digits(&p, 2, &mo) || *p++ != '-' ||
	    time_digits(&p, 2, &d))
		return -1;
	if (*p == 'T' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
		/* a time: H:MM or HH:MM, then maybe :SS */
		p++;
		if (time_digits(&p, 2, &h) == -1 &&
		    time_digits(&p, 1, &h) == -1)
			return -1;
		if (*p++ != ':' || time_digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (time_digits(&p, 2, &sec))
				return -1;
		}
		/* an offset may follow at once; a zone name after a space */
		if (*p == ' ')
			p++;
		else if (*p && *p != 'Z' && *p != 'z' && *p != '+' &&
		    *p != '-')
			return -1;
	} else if (*p == ' ')
		p++;			/* a date, then its zone */
	else if (*p != '\0')
		return -1;
	if (*p == ' ' || (p > s && p[-1] == ' ' && *p == '\0'))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	if (time_parse_zone(p, &has_offset, &offset, &zone) == -1)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (!has_offset) {
		if (zone)
			tz = zone;
		if (tz && *tz && !time_zone_valid(tz))
			return -1;
		*out = time_mktime_in(&tm, tz);
		/* mktime normalises 31 February into March: refuse that */
		return tm.tm_mday == d && tm.tm_mon == mo - 1 ? 0 : -1;
	}
	*out = (int64_t)timegm(&tm) - offset;
	return tm.tm_mday == d ? 0 : -1;
}

int
time_parse_duration(const char *s, int64_t *out)
{
	char *end;
	long long v;
	int64_t unit;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtoll(s, &end, 10);
	switch (*end) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -1;
	}
	if (end[1] != '\0' || v < 0 || v > INT64_MAX / unit / 2)
		return -1;
	*out = (int64_t)v * unit;
	return 0;
}

char *
time_format_utc(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

char *
time_format_local(int64_t t, const char *tz, char *buf, size_t len)
{
	char *old = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
	time_t tt = (time_t)t;
	struct tm tm;
	char s[64];

	if (tz == NULL || *tz == '\0')
		tz = "UTC";
	setenv("TZ", tz, 1);
	tzset();
	localtime_r(&tt, &tm);
	strftime(s, sizeof s, "%Y-%m-%d %H:%M", &tm);
	if (old) {
		setenv("TZ", old, 1);
		free(old);
	} else
		unsetenv("TZ");
	tzset();
	snprintf(buf, len, "%s (%s)", s, tz);
	return buf;
}

/* The zone name in a TZ value: ":Europe/Paris" names Europe/Paris. */
static int
time_zone_copy(const char *v, char *buf, size_t len)
{
	size_t n;

	if (v == NULL)
		return -1;
	if (*v == ':')
		v++;
	n = strcspn(v, "\r\n \t");
	if (n == 0 || n >= len)
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return time_zone_valid(buf) ? 0 : -1;
}

const char *
time_system_zone(void)
{
	static char zone[256];
	char line[256], link[512];
	const char *z;
	FILE *f;
	ssize_t n;

	if (time_zone_copy(getenv("TZ"), zone, sizeof zone) == 0)
		return zone;
	if ((f = fopen("/etc/timezone", "r")) != NULL) {
		z = fgets(line, sizeof line, f);
		fclose(f);
		if (z && time_zone_copy(line, zone, sizeof zone) == 0)
			return zone;
	}
	n = readlink("/etc/localtime", link, sizeof link - 1);
	if (n > 0) {
		link[n] = '\0';
		if ((z = strstr(link, "zoneinfo/")) != NULL &&
		    time_zone_copy(z + strlen("zoneinfo/"), zone,
		    sizeof zone) == 0)
			return zone;
	}
	return "UTC";
}

const char *
time_people_zone(const char *event_tz, const char *display_tz)
{
	if (event_tz && *event_tz)
		return event_tz;
	if (display_tz && *display_tz)
		return display_tz;
	return time_system_zone();
}

char *
time_format_people(int64_t t, const char *event_tz, const char *display_tz,
    char *buf, size_t len)
{
	return time_format_local(t, time_people_zone(event_tz, display_tz),
	    buf, len);
}

char *
time_format_zone(int64_t t, const char *tz, const char *fmt, char *buf,
    size_t len)
{
	char *old = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
	time_t tt = (time_t)t;
	struct tm tm;

	setenv("TZ", tz && *tz ? tz : "UTC", 1);
	tzset();
	localtime_r(&tt, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (strftime(buf, len, fmt, &tm) == 0 && len > 0)
		buf[0] = '\0';
#pragma GCC diagnostic pop
	if (old) {
		setenv("TZ", old, 1);
		free(old);
	} else
		unsetenv("TZ");
	tzset();
	return buf;
}

int64_t
time_now(void)
{
	return (int64_t)time(NULL);
}
