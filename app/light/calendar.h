/* calendar: a tenant's business hours in its time zone, and due-time arithmetic over them. */
#ifndef LIGHT_CALENDAR_H
#define LIGHT_CALENDAR_H

#include <stddef.h>
#include <time.h>

struct arena;

#define CALENDAR_MAX_SPANS 6
/* Part-day closures that may share one date (a holiday split around a lunch opening, say). */
#define CALENDAR_MAX_HOLIDAY_PARTS 6
#define CALENDAR_MAX_HOLIDAYS      1000
/* How far calendar_add looks ahead and calendar_between may reach: about ten years. */
#define CALENDAR_HORIZON_DAYS 3700

enum calendar_weekday {
	CALENDAR_MON, /* week[0] */
	CALENDAR_TUE,
	CALENDAR_WED,
	CALENDAR_THU,
	CALENDAR_FRI,
	CALENDAR_SAT,
	CALENDAR_SUN, /* week[6] */
	CALENDAR__MAX
};

/* Open from start_min to end_min local minutes after midnight, [start, end), 0..1440. */
struct calendar_span {
	int start_min, end_min;
};

/* The open spans of one weekday, in order, not overlapping; nspans 0 = closed all day. */
struct calendar_day {
	struct calendar_span spans[CALENDAR_MAX_SPANS];
	int nspans;
};

/* Closes [start_min, end_min) of one local date; 0..1440 closes the whole day. */
struct calendar_holiday {
	int year, month, day;
	int start_min, end_min;
};

/*
 * What counts as open: every instant whose local wall-clock time in time_zone lies inside a span
 * of its local weekday and outside every closure of its local date. Daylight saving follows from
 * that rule rather than from a normalisation: the wall-clock hour skipped when clocks go forward
 * is never open (a 01:30-03:00 span in London on 2026-03-29 is one hour long), and the hour
 * repeated when they go back is open both times (a 24/7 calendar has 25 hours that day).
 */
struct calendar {
	char time_zone[64]; /* IANA name, e.g. "Europe/London"; NUL-terminated */
	struct calendar_day week[CALENDAR__MAX];
	const struct calendar_holiday *holidays; /* not owned; may be NULL when nholidays is 0 */
	size_t nholidays;
};

/* Checks that c is usable: a known zone (a compiled zone file under /usr/share/zoneinfo, the
 * name without "..", a leading '/' or the leap-second "right/" tree), spans in range, in order
 * and not overlapping, some open hours in the week, real holiday dates in years 1900..9999 with
 * closures in range, at most CALENDAR_MAX_HOLIDAY_PARTS entries on one date. Returns 0, or -1
 * with a static reason. */
int calendar_validate(const struct calendar *c, const char **reason);

/* The earliest UTC instant at which business_seconds (>= 0) of open time have passed since
 * start; counting begins at the next opening when start is closed, and a total that runs out
 * exactly at a closing gives that closing instant. business_seconds 0 gives the first open
 * instant at or after start. Returns -1 for negative input, a start before year 1 or after about
 * 9980, or when the time is not reached within CALENDAR_HORIZON_DAYS (a week with no open hours
 * gives -1 at once). c must have passed calendar_validate (otherwise the answer may be wrong,
 * though memory stays safe); TZ is switched to the calendar's zone and restored before return. */
time_t calendar_add(const struct calendar *c, time_t start, long long business_seconds);

/* Open seconds in [a, b); 0 if b <= a. Returns -1 if b - a exceeds CALENDAR_HORIZON_DAYS or the
 * instants are outside the range calendar_add accepts. Preconditions and TZ as calendar_add. */
long long calendar_between(const struct calendar *c, time_t a, time_t b);

/* The open intervals of a calendar over [from, to], for answering many calendar_between
 * questions in that span (a report's durations) with two binary searches each instead of a
 * walk through the days. */
struct calendar_index {
	const struct calendar *c;
	time_t from, to;
	size_t n;
	time_t *open_from, *open_to; /* in time order, clipped to [from, to] */
	long long *before;           /* open seconds in [from, open_from[i]) */
};

/* Fills ix for c over [from, to] with arrays in arena a. Returns 0, or -1 when the span is
 * outside what calendar_between accepts or the zone cannot be read (ix then answers every
 * question through calendar_between). TZ as calendar_add. */
int calendar_index_build(struct calendar_index *ix, struct arena *a, const struct calendar *c, time_t from, time_t to);
/* The same answer as calendar_between(ix->c, a, b), from the index when [a, b] lies in its span. */
long long calendar_index_between(const struct calendar_index *ix, time_t a, time_t b);

/* Parses {"time_zone":"Europe/London","week":{"mon":[["09:00","17:30"]],...,"sun":[]},
 * "holidays":[{"date":"2026-12-25"},{"date":"2026-12-24","from":"13:00","to":"24:00"}]} into c,
 * then runs calendar_validate. time_zone and week are required; a missing day is closed; a
 * holiday's from defaults to 00:00 and to to 24:00; unknown keys are errors. The holiday array
 * lives in arena a. Returns 0, or -1 with a reason (static or in arena a) that names the place,
 * e.g. "/week/mon/0/1: time must be HH:MM between 00:00 and 24:00". */
int calendar_parse(struct arena *a, const char *json, struct calendar *c, const char **reason);

/*
 * Saved TZ for a stretch of work in one calendar's zone. calendar_add and calendar_between
 * switch TZ around each call, which makes the C library reload two zone files per call; a loop
 * over many tickets of one tenant can enter the zone once instead, and the calls inside find TZ
 * already set and leave it alone.
 */
struct calendar_zone {
	char *previous; /* malloc'ed copy of the TZ value before entering, or NULL */
	int had_previous;
	int switched; /* 0 when TZ already named the zone and nothing needs restoring */
};

/* Sets TZ to ":time_zone" and calls tzset(). Returns 0, or -1 if the name is empty or too long
 * to be a calendar zone (nothing changed then). Aborts when out of memory. The zone is not
 * checked here: calendar_validate does that. */
int calendar_zone_enter(struct calendar_zone *z, const char *time_zone);
/* Restores the TZ seen by the matching calendar_zone_enter and calls tzset(); cannot fail. */
void calendar_zone_leave(struct calendar_zone *z);

#endif
