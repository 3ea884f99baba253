/* test_calendar: due times over business hours, holidays and daylight saving, with expected
 * instants written as UTC literals. */
#include <stdlib.h>
#include <time.h>

#include "../../app/core/arena.h"
#include "../../app/light/calendar.h"
#include "unit.h"

#define HOUR 3600LL
#define MIN  60LL

/* "2026-03-30T14:30:00Z" as epoch seconds; -1 if malformed. */
static time_t utc(const char *iso)
{
	struct tm tm = {0};
	char z = 0;

	if (sscanf(iso, "%d-%d-%dT%d:%d:%d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	           &tm.tm_sec, &z) != 7 ||
	    z != 'Z')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

static struct calendar make(const char *zone)
{
	struct calendar c;

	memset(&c, 0, sizeof(c));
	snprintf(c.time_zone, sizeof(c.time_zone), "%s", zone);
	return c;
}

static void open_on(struct calendar *c, int weekday, int from_min, int to_min)
{
	struct calendar_day *d = &c->week[weekday];

	d->spans[d->nspans++] = (struct calendar_span){from_min, to_min};
}

static struct calendar weekdays(const char *zone, int from_min, int to_min)
{
	struct calendar c = make(zone);

	for (int d = CALENDAR_MON; d <= CALENDAR_FRI; d++)
		open_on(&c, d, from_min, to_min);
	return c;
}

static struct calendar always_open(const char *zone)
{
	struct calendar c = make(zone);

	for (int d = 0; d < CALENDAR__MAX; d++)
		open_on(&c, d, 0, 1440);
	return c;
}

static int valid(const struct calendar *c)
{
	const char *reason = NULL;

	return calendar_validate(c, &reason) == 0;
}

static void london_friday_across_clocks_going_forward(void)
{
	struct calendar c = weekdays("Europe/London", 9 * 60, 17 * 60 + 30);
	time_t opened = utc("2026-03-27T16:00:00Z"); /* Friday 16:00 GMT */

	CHECK(valid(&c));
	CHECK_INT(calendar_add(&c, opened, 8 * HOUR), utc("2026-03-30T14:30:00Z")); /* Monday 15:30 BST */
	CHECK_INT(calendar_between(&c, opened, utc("2026-03-30T14:30:00Z")), 8 * HOUR);
}

static void chicago_lunch_break_and_thanksgiving(void)
{
	static const struct calendar_holiday thanksgiving[] = {{2026, 11, 26, 0, 1440}};
	struct calendar c = weekdays("America/Chicago", 8 * 60, 12 * 60);

	for (int d = CALENDAR_MON; d <= CALENDAR_FRI; d++)
		open_on(&c, d, 13 * 60, 17 * 60);
	c.holidays = thanksgiving;
	c.nholidays = 1;
	CHECK(valid(&c));
	/* Wednesday 16:30 CST: half an hour that day, none on Thursday, 90 minutes on Friday. */
	CHECK_INT(calendar_add(&c, utc("2026-11-25T22:30:00Z"), 2 * HOUR), utc("2026-11-27T15:30:00Z"));
	/* Friday 11:30 + 1 h skips lunch: 13:30 CST. */
	CHECK_INT(calendar_add(&c, utc("2026-11-27T17:30:00Z"), 1 * HOUR), utc("2026-11-27T19:30:00Z"));
	CHECK_INT(calendar_between(&c, utc("2026-11-27T17:30:00Z"), utc("2026-11-27T19:30:00Z")), 1 * HOUR);
}

static void christmas_holiday_in_utc(void)
{
	static const struct calendar_holiday christmas[] = {{2026, 12, 25, 0, 1440}};
	struct calendar c = weekdays("UTC", 9 * 60, 17 * 60);

	c.holidays = christmas;
	c.nholidays = 1;
	CHECK(valid(&c));
	CHECK_INT(calendar_add(&c, utc("2026-12-24T16:00:00Z"), 16 * HOUR), utc("2026-12-29T16:00:00Z"));
}

static void amber_before_three_hours(void)
{
	struct calendar c = weekdays("Europe/London", 8 * 60, 18 * 60);
	time_t opened = utc("2026-06-01T16:00:00Z"); /* Monday 17:00 BST */

	CHECK_INT(calendar_add(&c, opened, 3 * HOUR), utc("2026-06-02T09:00:00Z")); /* Tuesday 10:00 */
	CHECK_INT(calendar_add(&c, opened, 4 * HOUR), utc("2026-06-02T10:00:00Z")); /* Tuesday 11:00 */
	CHECK_INT(calendar_between(&c, opened, utc("2026-06-02T08:59:00Z")), 2 * HOUR + 59 * MIN);
}

static void open_one_day_a_week_or_never(void)
{
	struct calendar c = make("Europe/London"), closed = make("Europe/London");
	const char *reason = NULL;

	open_on(&c, CALENDAR_TUE, 8 * 60, 17 * 60);
	CHECK(valid(&c));
	/* Monday 10:00 BST -> Tuesday 12:00; Tuesday 16:00 -> next Tuesday 11:00. */
	CHECK_INT(calendar_add(&c, utc("2026-06-01T09:00:00Z"), 4 * HOUR), utc("2026-06-02T11:00:00Z"));
	CHECK_INT(calendar_add(&c, utc("2026-06-02T15:00:00Z"), 4 * HOUR), utc("2026-06-09T10:00:00Z"));

	CHECK_INT(calendar_validate(&closed, &reason), -1);
	CHECK_STR(reason, "no open hours in the week");
	CHECK_INT(calendar_add(&closed, utc("2026-06-01T09:00:00Z"), 0), -1);
	CHECK_INT(calendar_add(&closed, utc("2026-06-01T09:00:00Z"), 4 * HOUR), -1);
	CHECK_INT(calendar_between(&closed, utc("2026-06-01T09:00:00Z"), utc("2026-06-09T09:00:00Z")), 0);
}

static void around_the_clock(void)
{
	struct calendar c = always_open("Europe/London");

	CHECK(valid(&c));
	CHECK_INT(calendar_add(&c, utc("2026-06-01T08:00:00Z"), 8 * HOUR), utc("2026-06-01T16:00:00Z"));
	CHECK_INT(calendar_add(&c, utc("2026-06-01T08:00:00Z"), 0), utc("2026-06-01T08:00:00Z"));
	CHECK_INT(calendar_between(&c, utc("2026-06-01T08:00:00Z"), utc("2026-06-08T08:00:00Z")), 7 * 24 * HOUR);
}

static void pause_shifts_due_by_paused_business_time(void)
{
	struct calendar c = weekdays("Europe/London", 9 * 60, 17 * 60 + 30);
	time_t opened = utc("2026-06-01T09:00:00Z");      /* Monday 10:00 BST */
	time_t pause_from = utc("2026-06-02T11:00:00Z");  /* Tuesday 12:00 */
	time_t pause_until = utc("2026-06-05T11:00:00Z"); /* Friday 12:00 */
	long long target = 16 * HOUR, paused;

	/* 7.5 h on Monday and 8.5 h on Tuesday run out exactly at Tuesday's closing. */
	CHECK_INT(calendar_add(&c, opened, target), utc("2026-06-02T16:30:00Z"));
	paused = calendar_between(&c, pause_from, pause_until);
	CHECK_INT(paused, 5 * HOUR + 30 * MIN + 2 * (8 * HOUR + 30 * MIN) + 3 * HOUR);
	/* Friday 17:30 BST either way: shifting the target, or counting the rest from the resume. */
	CHECK_INT(calendar_add(&c, opened, target + paused), utc("2026-06-05T16:30:00Z"));
	CHECK_INT(calendar_add(&c, pause_until, target - calendar_between(&c, opened, pause_from)),
	          utc("2026-06-05T16:30:00Z"));

	/* A pause over a closed weekend costs nothing. */
	CHECK_INT(calendar_between(&c, utc("2026-06-05T16:30:00Z"), utc("2026-06-08T08:00:00Z")), 0);
	/* A pause that starts while closed counts from the opening: Monday 09:00-11:00. */
	CHECK_INT(calendar_between(&c, utc("2026-06-06T10:00:00Z"), utc("2026-06-08T10:00:00Z")), 2 * HOUR);
}

static void start_at_opening_and_at_closing(void)
{
	struct calendar c = weekdays("Europe/London", 9 * 60, 17 * 60 + 30);
	time_t opening = utc("2026-06-01T08:00:00Z"), closing = utc("2026-06-01T16:30:00Z");

	CHECK_INT(calendar_add(&c, opening, 0), opening);
	CHECK_INT(calendar_add(&c, opening, HOUR), utc("2026-06-01T09:00:00Z"));
	CHECK_INT(calendar_add(&c, opening, 8 * HOUR + 30 * MIN), closing);
	CHECK_INT(calendar_add(&c, opening, 8 * HOUR + 30 * MIN + 1), utc("2026-06-02T08:00:01Z"));
	CHECK_INT(calendar_add(&c, closing, 0), utc("2026-06-02T08:00:00Z"));
	CHECK_INT(calendar_add(&c, closing, HOUR), utc("2026-06-02T09:00:00Z"));
	CHECK_INT(calendar_add(&c, closing - 1, 0), closing - 1);
	CHECK_INT(calendar_between(&c, closing, utc("2026-06-02T08:00:00Z")), 0);
	/* Saturday morning waits for Monday. */
	CHECK_INT(calendar_add(&c, utc("2026-06-06T08:00:00Z"), 0), utc("2026-06-08T08:00:00Z"));
}

static void part_day_holidays(void)
{
	static const struct calendar_holiday holidays[] = {
	        {2026, 12, 25, 0, 1440},               /* Christmas, all day */
	        {2026, 12, 24, 13 * 60, 1440},         /* Christmas Eve afternoon */
	        {2026, 12, 23, 12 * 60, 14 * 60},      /* a long lunch */
	        {2026, 12, 23, 16 * 60, 16 * 60 + 30}, /* and a party */
	};
	struct calendar c = weekdays("Europe/London", 9 * 60, 17 * 60 + 30);

	c.holidays = holidays;
	c.nholidays = sizeof(holidays) / sizeof(holidays[0]);
	CHECK(valid(&c));
	/* Inside the closed afternoon: nothing until Monday 28th (26th, 27th are a weekend). */
	CHECK_INT(calendar_add(&c, utc("2026-12-24T14:00:00Z"), 0), utc("2026-12-28T09:00:00Z"));
	CHECK_INT(calendar_add(&c, utc("2026-12-24T14:00:00Z"), HOUR), utc("2026-12-28T10:00:00Z"));
	CHECK_INT(calendar_add(&c, utc("2026-12-24T12:00:00Z"), 2 * HOUR), utc("2026-12-28T10:00:00Z"));
	CHECK_INT(calendar_between(&c, utc("2026-12-24T00:00:00Z"), utc("2026-12-29T00:00:00Z")),
	          4 * HOUR + 8 * HOUR + 30 * MIN);
	CHECK_INT(calendar_between(&c, utc("2026-12-23T00:00:00Z"), utc("2026-12-24T00:00:00Z")), 6 * HOUR);
	/* 11:30 + 1 h skips the lunch: 14:30. */
	CHECK_INT(calendar_add(&c, utc("2026-12-23T11:30:00Z"), HOUR), utc("2026-12-23T14:30:00Z"));
}

static void spans_ending_at_midnight(void)
{
	struct calendar c = make("UTC");

	open_on(&c, CALENDAR_MON, 20 * 60, 1440);
	open_on(&c, CALENDAR_TUE, 0, 2 * 60);
	CHECK(valid(&c));
	CHECK_INT(calendar_add(&c, utc("2026-06-01T23:00:00Z"), 2 * HOUR), utc("2026-06-02T01:00:00Z"));
	CHECK_INT(calendar_between(&c, utc("2026-06-01T23:00:00Z"), utc("2026-06-02T01:00:00Z")), 2 * HOUR);
	CHECK_INT(calendar_add(&c, utc("2026-06-01T23:00:00Z"), 3 * HOUR), utc("2026-06-02T02:00:00Z"));
	CHECK_INT(calendar_add(&c, utc("2026-06-01T23:00:00Z"), 3 * HOUR + 1), utc("2026-06-08T20:00:01Z"));
	CHECK_INT(calendar_add(&c, utc("2026-06-02T00:00:00Z"), 0), utc("2026-06-02T00:00:00Z"));
}

static void daylight_saving_days(void)
{
	struct calendar always = always_open("Europe/London"), gap = make("Europe/London"),
	                repeat = make("Europe/London"), office = weekdays("Europe/London", 9 * 60, 17 * 60 + 30);

	/* Local midnight to local midnight: 25 hours when the clocks go back, 23 when they go forward. */
	CHECK_INT(calendar_between(&always, utc("2026-10-24T23:00:00Z"), utc("2026-10-26T00:00:00Z")), 25 * HOUR);
	CHECK_INT(calendar_add(&always, utc("2026-10-24T23:00:00Z"), 25 * HOUR), utc("2026-10-26T00:00:00Z"));
	CHECK_INT(calendar_between(&always, utc("2026-03-29T00:00:00Z"), utc("2026-03-29T23:00:00Z")), 23 * HOUR);

	/* Sunday 01:30-03:00 on 2026-03-29: 01:30-02:00 never happens, 02:00-03:00 BST is an hour. */
	open_on(&gap, CALENDAR_SUN, 90, 180);
	CHECK_INT(calendar_between(&gap, utc("2026-03-28T00:00:00Z"), utc("2026-03-30T00:00:00Z")), HOUR);
	CHECK_INT(calendar_add(&gap, utc("2026-03-28T00:00:00Z"), 0), utc("2026-03-29T01:00:00Z"));
	/* On an ordinary Sunday it is an hour and a half. */
	CHECK_INT(calendar_between(&gap, utc("2026-04-04T00:00:00Z"), utc("2026-04-06T00:00:00Z")), 90 * MIN);

	/* Sunday 01:00-01:30 on 2026-10-25 happens twice, once in BST and once in GMT. */
	open_on(&repeat, CALENDAR_SUN, 60, 90);
	CHECK_INT(calendar_between(&repeat, utc("2026-10-24T00:00:00Z"), utc("2026-10-26T00:00:00Z")), HOUR);
	CHECK_INT(calendar_add(&repeat, utc("2026-10-24T12:00:00Z"), 30 * MIN), utc("2026-10-25T00:30:00Z"));
	CHECK_INT(calendar_add(&repeat, utc("2026-10-24T12:00:00Z"), 30 * MIN + 1), utc("2026-10-25T01:00:01Z"));

	/* Office hours either side of the change: Friday 09:00 BST to Monday 17:30 GMT. */
	CHECK_INT(calendar_between(&office, utc("2026-10-23T08:00:00Z"), utc("2026-10-26T17:30:00Z")), 17 * HOUR);
}

/* Deterministic pseudo-random instants over 2026, so the identities are tried on many days,
 * including both changes of the clocks. */
static unsigned long long lcg_state;

static time_t some_instant(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return utc("2026-01-01T00:00:00Z") + (time_t)((lcg_state >> 33) % (365 * 86400ULL));
}

static void check_identities(const struct calendar *c)
{
	for (int i = 0; i < 300; i++) {
		time_t t[3] = {some_instant(), some_instant(), some_instant()}, due;
		long long ab, bc, ac, want;

		for (int j = 0; j < 2; j++)
			for (int k = 0; k < 2 - j; k++)
				if (t[k] > t[k + 1]) {
					time_t x = t[k];

					t[k] = t[k + 1];
					t[k + 1] = x;
				}
		ab = calendar_between(c, t[0], t[1]);
		bc = calendar_between(c, t[1], t[2]);
		ac = calendar_between(c, t[0], t[2]);
		CHECK(ab >= 0 && bc >= 0);
		CHECK_INT(ab + bc, ac);
		/* add undoes between, and lands no later than where between stopped (a zero total
		 * gives the next opening, which may be later). */
		due = calendar_add(c, t[0], ab);
		CHECK(ab == 0 || due <= t[1]);
		CHECK_INT(calendar_between(c, t[0], due), ab);
		want = (long long)((lcg_state >> 20) % (60 * HOUR));
		CHECK_INT(calendar_between(c, t[0], calendar_add(c, t[0], want)), want);
	}
}

static void between_adds_up_and_add_inverts_it(void)
{
	static const struct calendar_holiday holidays[] = {{2026, 12, 25, 0, 1440},
	                                                   {2026, 12, 24, 13 * 60, 1440},
	                                                   {2026, 5, 4, 0, 1440},
	                                                   {2026, 3, 30, 9 * 60, 11 * 60}};
	struct calendar london = weekdays("Europe/London", 9 * 60, 17 * 60 + 30), tuesdays = make("Europe/London"),
	                chicago = weekdays("America/Chicago", 8 * 60, 12 * 60), always = always_open("Europe/London");

	london.holidays = holidays;
	london.nholidays = sizeof(holidays) / sizeof(holidays[0]);
	open_on(&tuesdays, CALENDAR_TUE, 8 * 60, 17 * 60);
	for (int d = CALENDAR_MON; d <= CALENDAR_FRI; d++)
		open_on(&chicago, d, 13 * 60, 17 * 60);
	lcg_state = 42;
	check_identities(&london);
	check_identities(&tuesdays);
	check_identities(&chicago);
	check_identities(&always);
}

static void refuses_out_of_range_input(void)
{
	struct calendar c = weekdays("UTC", 9 * 60, 17 * 60);
	time_t t = utc("2026-06-01T08:00:00Z");

	CHECK_INT(calendar_add(&c, t, -1), -1);
	CHECK_INT(calendar_between(&c, t, t), 0);
	CHECK_INT(calendar_between(&c, t, t - 1), 0);
	/* Forty thousand business hours is more than ten years of eight-hour days. */
	CHECK_INT(calendar_add(&c, t, 40000 * HOUR), -1);
	CHECK_INT(calendar_between(&c, t, t + 3701LL * 86400), -1);
	CHECK(calendar_between(&c, t, t + 3600LL * 86400) > 0);
	CHECK_INT(calendar_add(&c, (time_t)1 << 62, 0), -1);
}

static void restores_tz(void)
{
	struct calendar c = weekdays("America/Chicago", 9 * 60, 17 * 60);
	struct calendar_zone zone;
	const char *before = getenv("TZ");
	char *saved = before ? strdup(before) : NULL;
	time_t t = utc("2026-06-01T08:00:00Z");
	struct tm tm;

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	CHECK(calendar_add(&c, t, HOUR) > 0);
	CHECK_STR(getenv("TZ"), "Asia/Tokyo");
	CHECK(localtime_r(&t, &tm) != NULL && tm.tm_gmtoff == 9 * 3600);

	unsetenv("TZ");
	tzset();
	CHECK(calendar_between(&c, t, t + 86400) > 0);
	CHECK(getenv("TZ") == NULL);

	/* Inside an entered zone the calls leave TZ as it is. */
	setenv("TZ", "UTC", 1);
	CHECK_INT(calendar_zone_enter(&zone, c.time_zone), 0);
	CHECK_STR(getenv("TZ"), ":America/Chicago");
	CHECK_INT(calendar_add(&c, t, HOUR), utc("2026-06-01T15:00:00Z"));
	CHECK_STR(getenv("TZ"), ":America/Chicago");
	calendar_zone_leave(&zone);
	CHECK_STR(getenv("TZ"), "UTC");

	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

static const char *refusal(const struct calendar *c)
{
	const char *reason = NULL;

	return calendar_validate(c, &reason) == 0 ? "(accepted)" : reason;
}

static void validate_refuses_bad_calendars(void)
{
	static const struct calendar_holiday feb29_2026[] = {{2026, 2, 29, 0, 1440}};
	static const struct calendar_holiday feb29_2028[] = {{2028, 2, 29, 0, 1440}};
	static const struct calendar_holiday backwards[] = {{2026, 2, 2, 600, 540}};
	struct calendar c = weekdays("Europe/London", 9 * 60, 17 * 60);

	CHECK_STR(refusal(&c), "(accepted)");
	snprintf(c.time_zone, sizeof(c.time_zone), "Mars/Olympus_Mons");
	CHECK_STR(refusal(&c), "unknown time zone");
	snprintf(c.time_zone, sizeof(c.time_zone), "../../etc/passwd");
	CHECK_STR(refusal(&c), "time_zone is not a zone name");
	snprintf(c.time_zone, sizeof(c.time_zone), "/etc/localtime");
	CHECK_STR(refusal(&c), "time_zone is not a zone name");
	snprintf(c.time_zone, sizeof(c.time_zone), "Europe/London;x");
	CHECK_STR(refusal(&c), "time_zone is not a zone name");
	snprintf(c.time_zone, sizeof(c.time_zone), "Europe");
	CHECK_STR(refusal(&c), "unknown time zone");
	snprintf(c.time_zone, sizeof(c.time_zone), "zone1970.tab");
	CHECK_STR(refusal(&c), "time_zone is not a zone name");
	/* A text table beside the zones, which the C library would silently take as UTC. */
	snprintf(c.time_zone, sizeof(c.time_zone), "leapseconds");
	CHECK_STR(refusal(&c), "unknown time zone");
	c.time_zone[0] = '\0';
	CHECK_STR(refusal(&c), "time_zone is empty");
	memset(c.time_zone, 'A', sizeof(c.time_zone));
	CHECK_STR(refusal(&c), "time_zone is too long");

	c = weekdays("UTC", 9 * 60, 17 * 60);
	open_on(&c, CALENDAR_MON, 16 * 60, 18 * 60);
	CHECK_STR(refusal(&c), "spans must be in order and must not overlap");
	c = weekdays("UTC", 9 * 60, 17 * 60);
	open_on(&c, CALENDAR_MON, 6 * 60, 8 * 60);
	CHECK_STR(refusal(&c), "spans must be in order and must not overlap");
	c = weekdays("UTC", 9 * 60, 1441);
	CHECK_STR(refusal(&c), "span out of range: need 0 <= start < end <= 1440 minutes");
	c = weekdays("UTC", 9 * 60, 9 * 60);
	CHECK_STR(refusal(&c), "span out of range: need 0 <= start < end <= 1440 minutes");

	c = weekdays("UTC", 9 * 60, 17 * 60);
	c.holidays = feb29_2026;
	c.nholidays = 1;
	CHECK_STR(refusal(&c), "holiday date is not a real date");
	c.holidays = feb29_2028;
	CHECK_STR(refusal(&c), "(accepted)");
	c.holidays = backwards;
	CHECK_STR(refusal(&c), "holiday hours out of range: need 0 <= start < end <= 1440 minutes");
	c.holidays = NULL;
	CHECK_STR(refusal(&c), "too many holidays");
}

static const char *parse_refusal(const char *json)
{
	static char copy[256];
	struct arena a;
	struct calendar c;
	const char *reason = NULL;

	arena_init(&a);
	if (calendar_parse(&a, json, &c, &reason) == 0)
		snprintf(copy, sizeof(copy), "(accepted)");
	else
		snprintf(copy, sizeof(copy), "%s", reason ? reason : "(no reason)");
	arena_release(&a);
	return copy;
}

static void parses_a_calendar(void)
{
	static const char json[] =
	        "{\"time_zone\":\"Europe/"
	        "London\",\"week\":{\"mon\":[[\"09:00\",\"17:30\"]],\"tue\":[[\"09:00\",\"17:30\"]],"
	        "\"wed\":[[\"09:00\",\"17:30\"]],\"thu\":[[\"09:00\",\"12:00\"],[\"13:00\",\"17:30\"]],"
	        "\"fri\":[[\"09:00\",\"17:30\"]],\"sat\":[],\"sun\":[]},"
	        "\"holidays\":[{\"date\":\"2026-12-25\"},{\"date\":\"2026-12-24\",\"from\":\"13:00\",\"to\":\"24:00\"},"
	        "{\"date\":\"2026-12-31\",\"from\":\"15:00\"}]}";
	struct arena a;
	struct calendar c;
	const char *reason = NULL;

	arena_init(&a);
	CHECK_INT(calendar_parse(&a, json, &c, &reason), 0);
	CHECK_STR(c.time_zone, "Europe/London");
	CHECK_INT(c.week[CALENDAR_MON].nspans, 1);
	CHECK_INT(c.week[CALENDAR_MON].spans[0].start_min, 540);
	CHECK_INT(c.week[CALENDAR_MON].spans[0].end_min, 1050);
	CHECK_INT(c.week[CALENDAR_THU].nspans, 2);
	CHECK_INT(c.week[CALENDAR_THU].spans[1].start_min, 780);
	CHECK_INT(c.week[CALENDAR_SAT].nspans, 0);
	CHECK_INT(c.nholidays, 3);
	CHECK_INT(c.holidays[0].year, 2026);
	CHECK_INT(c.holidays[0].month, 12);
	CHECK_INT(c.holidays[0].day, 25);
	CHECK_INT(c.holidays[0].start_min, 0);
	CHECK_INT(c.holidays[0].end_min, 1440);
	CHECK_INT(c.holidays[1].start_min, 780);
	CHECK_INT(c.holidays[1].end_min, 1440);
	CHECK_INT(c.holidays[2].start_min, 900);
	CHECK_INT(c.holidays[2].end_min, 1440);
	CHECK_INT(calendar_add(&c, utc("2026-03-27T16:00:00Z"), 8 * HOUR), utc("2026-03-30T14:30:00Z"));
	arena_release(&a);

	/* Missing days are closed, holidays are optional. */
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"sun\":[[\"00:00\",\"24:00\"]]}}"), "(accepted)");
}

static void parse_refuses_bad_calendars(void)
{
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[[\"09:00\",\"17:00\"]]},\"colour\":1}"),
	          "/colour: unknown key");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[[\"09:00\",\"25:00\"]]}}"),
	          "/week/mon/0/1: time must be HH:MM between 00:00 and 24:00");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[[\"9:00\",\"17:00\"]]}}"),
	          "/week/mon/0/0: time must be HH:MM between 00:00 and 24:00");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[[\"09:00\",\"24:01\"]]}}"),
	          "/week/mon/0/1: time must be HH:MM between 00:00 and 24:00");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[[\"09:60\",\"17:00\"]]}}"),
	          "/week/mon/0/0: time must be HH:MM between 00:00 and 24:00");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[[\"17:00\",\"09:00\"]]}}"),
	          "/week/mon/0: span must start before it ends");
	CHECK_STR(parse_refusal(
	                  "{\"time_zone\":\"UTC\",\"week\":{\"tue\":[[\"13:00\",\"17:00\"],[\"09:00\",\"12:00\"]]}}"),
	          "/week/tue/1: spans must be in order and must not overlap");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[[\"09:00\"]]}}"),
	          "/week/mon/0: span must be [\"HH:MM\", \"HH:MM\"]");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"monday\":[]}}"),
	          "/week/monday: unknown day: use mon..sun");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[[\"09:00\",\"17:00\"]]},"
	                        "\"holidays\":[{\"date\":\"2026-02-30\"}]}"),
	          "/holidays/0/date: date must be a real date as YYYY-MM-DD");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[[\"09:00\",\"17:00\"]]},"
	                        "\"holidays\":[{\"date\":\"2026-12-25\"},{\"date\":\"26-12-25\"}]}"),
	          "/holidays/1/date: date must be a real date as YYYY-MM-DD");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[[\"09:00\",\"17:00\"]]},"
	                        "\"holidays\":[{\"date\":\"2026-12-24\",\"from\":\"15:00\",\"to\":\"13:00\"}]}"),
	          "/holidays/0: from must be before to");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[[\"09:00\",\"17:00\"]]},"
	                        "\"holidays\":[{\"date\":\"2026-12-24\",\"name\":\"Eve\"}]}"),
	          "/holidays/0/name: unknown key");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[[\"09:00\",\"17:00\"]]},"
	                        "\"holidays\":[{\"from\":\"13:00\"}]}"),
	          "/holidays/0/date: required");
	CHECK_STR(parse_refusal("{\"time_zone\":\"Mars/Olympus_Mons\",\"week\":{\"mon\":[[\"09:00\",\"17:00\"]]}}"),
	          "unknown time zone");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\",\"week\":{\"mon\":[],\"sun\":[]}}"),
	          "no open hours in the week");
	CHECK_STR(parse_refusal("{\"time_zone\":\"UTC\"}"), "/week: required");
	CHECK_STR(parse_refusal("{\"week\":{\"mon\":[[\"09:00\",\"17:00\"]]}}"), "/time_zone: required");
	CHECK_STR(parse_refusal("[]"), "calendar must be a JSON object");
	CHECK(strncmp(parse_refusal("{\"time_zone\":\"UTC\","), "calendar is not valid JSON: ", 28) == 0);
	CHECK(strncmp(parse_refusal("{\"time_zone\":\"UTC\",\"time_zone\":\"UTC\",\"week\":{}}"),
	              "calendar is not valid JSON: ", 28) == 0);
}

/* The index answers exactly as calendar_between, across both clock changes of a year, a part-day
 * holiday, Chicago's lunch break, and for questions outside its span. */
static void index_agrees_with_between(void)
{
	struct calendar cals[3] = {weekdays("Europe/London", 9 * 60, 17 * 60),
	                           weekdays("America/Chicago", 8 * 60, 12 * 60), always_open("Australia/Lord_Howe")};
	struct calendar_holiday xmas = {.year = 2026, .month = 12, .day = 24, .start_min = 13 * 60, .end_min = 1440};
	struct arena a;
	unsigned seed = 7;

	open_on(&cals[1], CALENDAR_MON, 13 * 60, 17 * 60);
	cals[0].holidays = &xmas;
	cals[0].nholidays = 1;
	arena_init(&a);
	for (size_t k = 0; k < 3; k++) {
		struct calendar_index ix;
		time_t from = utc("2026-01-01T00:00:00Z"), to = utc("2027-01-01T00:00:00Z");

		CHECK_INT(calendar_index_build(&ix, &a, &cals[k], from, to), 0);
		for (int i = 0; i < 4000; i++) {
			time_t x, y;

			seed = seed * 1103515245u + 12345u;
			x = from - 5 * 86400 + (time_t)(seed % (380u * 86400u));
			seed = seed * 1103515245u + 12345u;
			y = x + (time_t)(seed % (i % 2 ? 4u * 86400u : 40u * 86400u));
			CHECK_INT(calendar_index_between(&ix, x, y), calendar_between(&cals[k], x, y));
		}
		CHECK_INT(calendar_index_between(&ix, to, from), 0);
	}
	arena_release(&a);
}

const struct unit_case calendar_cases[] = {
        {"calendar: London Friday to Monday across clocks going forward", london_friday_across_clocks_going_forward},
        {"calendar: Chicago lunch break and Thanksgiving", chicago_lunch_break_and_thanksgiving},
        {"calendar: Christmas holiday in UTC", christmas_holiday_in_utc},
        {"calendar: amber before three hours", amber_before_three_hours},
        {"calendar: open one day a week, or never", open_one_day_a_week_or_never},
        {"calendar: around the clock", around_the_clock},
        {"calendar: a pause shifts the due time by paused business time", pause_shifts_due_by_paused_business_time},
        {"calendar: start at opening and at closing", start_at_opening_and_at_closing},
        {"calendar: part-day holidays", part_day_holidays},
        {"calendar: spans ending at midnight", spans_ending_at_midnight},
        {"calendar: daylight saving days", daylight_saving_days},
        {"calendar: between adds up and add inverts it", between_adds_up_and_add_inverts_it},
        {"calendar: refuses out-of-range input", refuses_out_of_range_input},
        {"calendar: restores TZ", restores_tz},
        {"calendar: validate refuses bad calendars", validate_refuses_bad_calendars},
        {"calendar: parses a calendar", parses_a_calendar},
        {"calendar: parse refuses bad calendars", parse_refuses_bad_calendars},
        {"calendar: the index agrees with calendar_between", index_agrees_with_between},
        {NULL, NULL},
};
