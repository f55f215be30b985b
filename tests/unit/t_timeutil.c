/* Unit tests: lib/timeutil (TIME and DURATION of herald(1)). */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "lib/timeutil.h"

int
main(void)
{
	int64_t t;
	char buf[32];

	setenv("TZ", "UTC", 1);
	CHECK(time_parse("2027-03-02T09:00", NULL, &t) == 0 && t == 1803978000);
	CHECK(time_parse("2027-03-02 09:00", NULL, &t) == 0 && t == 1803978000);
	CHECK(time_parse("2027-03-02T09:00:30Z", NULL, &t) == 0 &&
	    t == 1803978030);
	CHECK(time_parse("2027-03-02T10:00+01:00", NULL, &t) == 0 &&
	    t == 1803978000);
	CHECK(time_parse("2027-03-02T04:00-0500", NULL, &t) == 0 &&
	    t == 1803978000);
	/* Paris is UTC+1 in March */
	CHECK(time_parse("2027-03-02T10:00", "Europe/Paris", &t) == 0 &&
	    t == 1803978000);
	/* and UTC+2 in July (summer time) */
	CHECK(time_parse("2027-07-02T11:00", "Europe/Paris", &t) == 0 &&
	    t == 1814518800);
	CHECK(time_parse("2027-02-31T09:00", NULL, &t) == -1);
	CHECK(time_parse("2027-13-01T09:00", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02T9:00", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02T09:00+25:00", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02T09:00 junk", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02T09:00", "Mars/Olympus", &t) == -1);
	CHECK(time_zone_valid("America/Mexico_City"));
	CHECK(!time_zone_valid("../../etc/passwd"));
	CHECK_STR(time_format_utc(1803978000, buf, sizeof buf),
	    "2027-03-02T09:00:00Z");

	CHECK(time_parse_duration("30m", &t) == 0 && t == 1800);
	CHECK(time_parse_duration("12h", &t) == 0 && t == 43200);
	CHECK(time_parse_duration("5d", &t) == 0 && t == 432000);
	CHECK(time_parse_duration("5", &t) == -1);
	CHECK(time_parse_duration("d", &t) == -1);
	CHECK(time_parse_duration("-5d", &t) == -1);
	CHECK(time_parse_duration("5dd", &t) == -1);
	CHECK(time_parse_duration("99999999999999999999d", &t) == -1);
	return check_done("t_timeutil");
}
