/* Unit tests: lib/timeutil (TIME and DURATION of herald(1)). */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "lib/timeutil.h"

int
main(void)
{
	int64_t t;
	char buf[64];

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
	/* a date alone is its midnight; one-digit hours; explicit zones */
	CHECK(time_parse("2027-03-02", NULL, &t) == 0 && t == 1803945600);
	CHECK(time_parse("2027-03-02", "Europe/Zurich", &t) == 0 &&
	    t == 1803942000);
	CHECK(time_parse("2027-03-02T9:00", NULL, &t) == 0 && t == 1803978000);
	CHECK(time_parse("2027-03-02 9:00", NULL, &t) == 0 && t == 1803978000);
	CHECK(time_parse("2027-03-02 10:00 Europe/Zurich", NULL, &t) == 0 &&
	    t == 1803978000);
	/* the zone written wins over the one given */
	CHECK(time_parse("2027-03-02 10:00 Europe/Zurich", "Asia/Tokyo",
	    &t) == 0 && t == 1803978000);
	CHECK(time_parse("2027-03-02 11:00 +02:00", NULL, &t) == 0 &&
	    t == 1803978000);
	CHECK(time_parse("2027-03-02 9:00 UTC", "Europe/Paris", &t) == 0 &&
	    t == 1803978000);
	CHECK(time_parse("2027-03-02 Europe/Zurich", NULL, &t) == 0 &&
	    t == 1803942000);
	CHECK(time_parse("2027-03-02 9:00 Mars/Olympus", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02 9:00 ", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02  9:00", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02 ", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02T", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02 123:00", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02 9:0", NULL, &t) == -1);
	CHECK(time_parse("2027-03-0", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02T09:00junk", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02T09:00+25:00", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02T09:00 junk", NULL, &t) == -1);
	CHECK(time_parse("2027-03-02T09:00", "Mars/Olympus", &t) == -1);
	CHECK(time_zone_valid("America/Mexico_City"));
	CHECK(!time_zone_valid("../../etc/passwd"));
	CHECK_STR(time_format_utc(1803978000, buf, sizeof buf),
	    "2027-03-02T09:00:00Z");

	/* a time for people: the event's zone, else display_tz, else the
	 * system's, always named */
	CHECK_STR(time_format_people(1803978000, "Europe/Zurich", "Asia/Tokyo",
	    buf, sizeof buf), "2027-03-02 10:00 (Europe/Zurich)");
	CHECK_STR(time_format_people(1803978000, "", "Asia/Tokyo", buf,
	    sizeof buf), "2027-03-02 18:00 (Asia/Tokyo)");
	CHECK_STR(time_format_people(1803978000, NULL, NULL, buf, sizeof buf),
	    "2027-03-02 09:00 (UTC)");
	setenv("TZ", "America/Mexico_City", 1);
	CHECK_STR(time_system_zone(), "America/Mexico_City");
	CHECK_STR(time_format_people(1803978000, NULL, "", buf, sizeof buf),
	    "2027-03-02 03:00 (America/Mexico_City)");
	/* and TZ is put back */
	CHECK_STR(getenv("TZ"), "America/Mexico_City");
	setenv("TZ", ":Europe/Paris", 1);
	CHECK_STR(time_system_zone(), "Europe/Paris");
	CHECK_STR(time_format_zone(1803978000, "Europe/Zurich", "%d %H:%M",
	    buf, sizeof buf), "02 10:00");
	setenv("TZ", "UTC", 1);

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
