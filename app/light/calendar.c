/* calendar: open time is found by walking the local days from an instant, each day cut into
 * pieces of constant UTC offset (one piece, or two on a daylight-saving day). Within a piece
 * local wall time and UTC differ by a constant, so a span maps to UTC by one subtraction; only
 * localtime_r is needed, never mktime, so skipped and repeated wall-clock hours need no
 * special case. Cost is a few localtime_r calls per day walked, whatever the open hours. */
#include "calendar.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/arena.h"
#include "../core/json.h"
#include "../core/log.h"

_Static_assert(sizeof(time_t) >= 8, "calendar arithmetic needs a 64-bit time_t");

#define ZONEINFO_DIR   "/usr/share/zoneinfo/"
#define DAY_MINUTES    1440
#define DAY_SECONDS    86400L
#define ZONE_NAME_SIZE sizeof(((struct calendar *)NULL)->time_zone)

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, kept two days inside so that local dates under
 * any offset stay in range, and the top lowered further to leave room for the look-ahead. */
#define INSTANT_MIN ((time_t)-62135596800 + 2 * DAY_SECONDS)
#define INSTANT_MAX ((time_t)253402300799 - (CALENDAR_HORIZON_DAYS + 2) * DAY_SECONDS)

#define YEAR_MIN 1900
#define YEAR_MAX 9999

/* A day's open spans after its holidays: each closure splits at most one span in two. */
#define DAY_PARTS_MAX (CALENDAR_MAX_SPANS + CALENDAR_MAX_HOLIDAY_PARTS)

static const char *const weekday_keys[CALENDAR__MAX] = {
        "mon", /* CALENDAR_MON */
        "tue", /* CALENDAR_TUE */
        "wed", /* CALENDAR_WED */
        "thu", /* CALENDAR_THU */
        "fri", /* CALENDAR_FRI */
        "sat", /* CALENDAR_SAT */
        "sun", /* CALENDAR_SUN */
};

/* --- TZ switching --- */

int calendar_zone_enter(struct calendar_zone *z, const char *time_zone)
{
	char want[ZONE_NAME_SIZE + 1];
	size_t n = strnlen(time_zone, ZONE_NAME_SIZE);
	const char *now;

	z->previous = NULL;
	z->had_previous = 0;
	z->switched = 0;
	if (n == 0 || n == ZONE_NAME_SIZE)
		return -1;
	want[0] = ':';
	memcpy(want + 1, time_zone, n + 1);
	now = getenv("TZ");
	if (now != NULL && strcmp(now, want) == 0) {
		/* Cheap when TZ is unchanged, and right if someone set TZ without calling it. */
		tzset();
		return 0;
	}
	if (now != NULL) {
		/* getenv's pointer dies with the setenv below. */
		z->previous = strdup(now);
		if (z->previous == NULL)
			BUG("out of memory copying TZ");
		z->had_previous = 1;
	}
	if (setenv("TZ", want, 1) == -1)
		BUG("setenv TZ failed");
	z->switched = 1;
	tzset();
	return 0;
}

void calendar_zone_leave(struct calendar_zone *z)
{
	if (!z->switched)
		return;
	if (z->had_previous) {
		if (setenv("TZ", z->previous, 1) == -1)
			BUG("setenv TZ failed");
	} else {
		unsetenv("TZ");
	}
	tzset();
	free(z->previous);
	z->previous = NULL;
	z->switched = 0;
}

/* --- validation --- */

static bool is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

static bool is_real_date(int year, int month, int day)
{
	return year >= YEAR_MIN && year <= YEAR_MAX && month >= 1 && month <= 12 && day >= 1 &&
	       day <= days_in_month(year, month);
}

static bool is_zone_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '/' ||
	       ch == '_' || ch == '+' || ch == '-';
}

/* NULL when name is a compiled zone the C library can load; otherwise why not. The TZif magic
 * matters: zoneinfo also holds tables (zone.tab) that glibc would quietly take as UTC. */
static const char *zone_problem(const char *name)
{
	char path[sizeof(ZONEINFO_DIR) + ZONE_NAME_SIZE];
	char magic[4];
	size_t n = strnlen(name, ZONE_NAME_SIZE);
	FILE *f;
	bool ok;

	if (n == 0)
		return "time_zone is empty";
	if (n == ZONE_NAME_SIZE)
		return "time_zone is too long";
	if (name[0] == '/' || strstr(name, "..") != NULL || strncmp(name, "right/", 6) == 0)
		return "time_zone is not a zone name";
	for (size_t i = 0; i < n; i++)
		if (!is_zone_char(name[i]))
			return "time_zone is not a zone name";
	snprintf(path, sizeof(path), "%s%s", ZONEINFO_DIR, name);
	f = fopen(path, "rb");
	if (f == NULL)
		return "unknown time zone";
	ok = fread(magic, 1, sizeof(magic), f) == sizeof(magic) && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok ? NULL : "unknown time zone";
}

static bool same_date(const struct calendar_holiday *a, const struct calendar_holiday *b)
{
	return a->year == b->year && a->month == b->month && a->day == b->day;
}

int calendar_validate(const struct calendar *c, const char **reason)
{
	const char *problem = zone_problem(c->time_zone);
	int open_days = 0;

	if (problem != NULL) {
		*reason = problem;
		return -1;
	}
	for (int d = 0; d < CALENDAR__MAX; d++) {
		const struct calendar_day *day = &c->week[d];

		if (day->nspans < 0 || day->nspans > CALENDAR_MAX_SPANS) {
			*reason = "a day has more spans than CALENDAR_MAX_SPANS";
			return -1;
		}
		for (int i = 0; i < day->nspans; i++) {
			const struct calendar_span *s = &day->spans[i];

			if (s->start_min < 0 || s->end_min > DAY_MINUTES || s->start_min >= s->end_min) {
				*reason = "span out of range: need 0 <= start < end <= 1440 minutes";
				return -1;
			}
			if (i > 0 && s->start_min < day->spans[i - 1].end_min) {
				*reason = "spans must be in order and must not overlap";
				return -1;
			}
		}
		if (day->nspans > 0)
			open_days++;
	}
	if (open_days == 0) {
		*reason = "no open hours in the week";
		return -1;
	}
	if (c->nholidays > CALENDAR_MAX_HOLIDAYS || (c->nholidays > 0 && c->holidays == NULL)) {
		*reason = "too many holidays";
		return -1;
	}
	for (size_t i = 0; i < c->nholidays; i++) {
		const struct calendar_holiday *h = &c->holidays[i];
		int same = 0;

		if (!is_real_date(h->year, h->month, h->day)) {
			*reason = "holiday date is not a real date";
			return -1;
		}
		if (h->start_min < 0 || h->end_min > DAY_MINUTES || h->start_min >= h->end_min) {
			*reason = "holiday hours out of range: need 0 <= start < end <= 1440 minutes";
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (same_date(h, &c->holidays[j]))
				same++;
		if (same >= CALENDAR_MAX_HOLIDAY_PARTS) {
			*reason = "too many holiday entries on one date";
			return -1;
		}
	}
	return 0;
}

/* --- the walk --- */

static bool week_has_open(const struct calendar *c)
{
	for (int d = 0; d < CALENDAR__MAX; d++)
		if (c->week[d].nspans > 0)
			return true;
	return false;
}

/* Removes [from, to) from the sorted spans open[0..n); returns the new count, at most n + 1. */
static int subtract_closure(struct calendar_span *open, int n, int from, int to)
{
	struct calendar_span kept[DAY_PARTS_MAX] = {{0, 0}};
	int k = 0;

	for (int i = 0; i < n; i++) {
		if (to <= open[i].start_min || from >= open[i].end_min) {
			kept[k++] = open[i];
			continue;
		}
		if (open[i].start_min < from)
			kept[k++] = (struct calendar_span){open[i].start_min, from};
		if (to < open[i].end_min)
			kept[k++] = (struct calendar_span){to, open[i].end_min};
	}
	memcpy(open, kept, (size_t)k * sizeof(kept[0]));
	return k;
}

static int clamp_minute(int m)
{
	return m < 0 ? 0 : m > DAY_MINUTES ? DAY_MINUTES : m;
}

/* The open spans of a local date, in minutes, sorted; fills open[DAY_PARTS_MAX], returns the
 * count. Clamps rather than trusts, so an unvalidated calendar is wrong but never unsafe. */
static int open_spans_of(const struct calendar *c, int year, int month, int mday, int weekday,
                         struct calendar_span *open)
{
	const struct calendar_day *d = &c->week[weekday];
	int nspans = d->nspans < 0 ? 0 : d->nspans > CALENDAR_MAX_SPANS ? CALENDAR_MAX_SPANS : d->nspans;
	int n = 0, closures = 0;

	for (int i = 0; i < nspans; i++) {
		int from = clamp_minute(d->spans[i].start_min), to = clamp_minute(d->spans[i].end_min);

		if (from < to)
			open[n++] = (struct calendar_span){from, to};
	}
	for (size_t i = 0; n > 0 && i < c->nholidays && c->holidays != NULL; i++) {
		const struct calendar_holiday *h = &c->holidays[i];

		if (h->day != mday || h->month != month || h->year != year)
			continue;
		if (closures++ == CALENDAR_MAX_HOLIDAY_PARTS)
			break;
		n = subtract_closure(open, n, clamp_minute(h->start_min), clamp_minute(h->end_min));
	}
	return n;
}

struct walk {
	const struct calendar *c;
	time_t at;    /* where the next piece starts */
	time_t limit; /* nothing at or after this is reported */
	time_t open_from[DAY_PARTS_MAX], open_to[DAY_PARTS_MAX];
	int nopen, next; /* the current piece's open intervals, and the next to hand out */
};

static void walk_init(struct walk *w, const struct calendar *c, time_t from, time_t limit)
{
	memset(w, 0, sizeof(*w));
	w->c = c;
	w->at = from;
	w->limit = limit;
}

static int offset_at(time_t t, long *offset)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	*offset = tm.tm_gmtoff;
	return 0;
}

/* Loads the open intervals of the piece starting at w->at: up to the next local midnight or
 * the next change of UTC offset, whichever is first. Two offset changes within one local day
 * that cancel out would go unseen; no zone has had such a day. Returns 0, or -1 if localtime_r
 * fails. */
static int walk_piece(struct walk *w)
{
	struct calendar_span open[DAY_PARTS_MAX];
	struct tm tm;
	long wall, offset, end_offset;
	time_t day_start, end;
	int n;

	if (localtime_r(&w->at, &tm) == NULL)
		return -1;
	/* A leap second (tm_sec 60) only appears with right/ zones, which validation refuses. */
	wall = tm.tm_hour * 3600L + tm.tm_min * 60L + (tm.tm_sec > 59 ? 59 : tm.tm_sec);
	offset = tm.tm_gmtoff;
	day_start = w->at - wall; /* local midnight, were the offset constant all day */
	end = day_start + DAY_SECONDS;
	if (offset_at(end - 1, &end_offset) == -1)
		return -1;
	if (end_offset != offset) {
		/* The first instant with another offset: offset(lo) is ours, offset(hi) is not. */
		time_t lo = w->at, hi = end - 1;

		while (hi - lo > 1) {
			time_t mid = lo + (hi - lo) / 2;
			long mid_offset;

			if (offset_at(mid, &mid_offset) == -1)
				return -1;
			if (mid_offset == offset)
				lo = mid;
			else
				hi = mid;
		}
		end = hi;
	}
	n = open_spans_of(w->c, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, (tm.tm_wday + 6) % 7, open);
	w->nopen = 0;
	w->next = 0;
	for (int i = 0; i < n; i++) {
		time_t from = day_start + open[i].start_min * 60L, to = day_start + open[i].end_min * 60L;

		if (from < w->at)
			from = w->at;
		if (to > end)
			to = end;
		if (to > w->limit)
			to = w->limit;
		if (from < to) {
			w->open_from[w->nopen] = from;
			w->open_to[w->nopen] = to;
			w->nopen++;
		}
	}
	w->at = end;
	return 0;
}

/* The next open interval [*from, *to) of the walk, before its limit, in time order.
 * Returns 1, 0 when there is none before the limit, or -1 if localtime_r fails. */
static int walk_next(struct walk *w, time_t *from, time_t *to)
{
	while (w->next == w->nopen) {
		if (w->at >= w->limit)
			return 0;
		if (walk_piece(w) == -1)
			return -1;
	}
	*from = w->open_from[w->next];
	*to = w->open_to[w->next];
	w->next++;
	return 1;
}

time_t calendar_add(const struct calendar *c, time_t start, long long business_seconds)
{
	struct calendar_zone zone;
	struct walk w;
	time_t from, to, due = -1;
	long long left = business_seconds;

	if (business_seconds < 0 || start < INSTANT_MIN || start > INSTANT_MAX || !week_has_open(c))
		return -1;
	if (calendar_zone_enter(&zone, c->time_zone) == -1)
		return -1;
	walk_init(&w, c, start, start + CALENDAR_HORIZON_DAYS * DAY_SECONDS);
	while (walk_next(&w, &from, &to) == 1) {
		if (left <= to - from) {
			due = from + left;
			break;
		}
		left -= to - from;
	}
	calendar_zone_leave(&zone);
	return due;
}

long long calendar_between(const struct calendar *c, time_t a, time_t b)
{
	struct calendar_zone zone;
	struct walk w;
	time_t from, to;
	long long open = 0;
	int found;

	if (b <= a)
		return 0;
	if (a < INSTANT_MIN || b > INSTANT_MAX || b - a > CALENDAR_HORIZON_DAYS * DAY_SECONDS)
		return -1;
	if (!week_has_open(c))
		return 0;
	if (calendar_zone_enter(&zone, c->time_zone) == -1)
		return -1;
	walk_init(&w, c, a, b);
	while ((found = walk_next(&w, &from, &to)) == 1)
		open += to - from;
	calendar_zone_leave(&zone);
	return found == -1 ? -1 : open;
}

/* Walks c over [from, to) into the index's arrays when they are there, and returns how many
 * open intervals there are; -1 if localtime_r fails. TZ must be the calendar's zone. */
static long long index_walk(struct calendar_index *ix, time_t from, time_t to)
{
	struct walk w;
	time_t a, b;
	long long n = 0, open = 0;
	int found;

	walk_init(&w, ix->c, from, to);
	while ((found = walk_next(&w, &a, &b)) == 1) {
		if (ix->open_from != NULL) {
			ix->open_from[n] = a;
			ix->open_to[n] = b;
			ix->before[n] = open;
		}
		open += b - a;
		n++;
	}
	return found == -1 ? -1 : n;
}

int calendar_index_build(struct calendar_index *ix, struct arena *a, const struct calendar *c, time_t from, time_t to)
{
	struct calendar_zone zone;
	long long n;

	memset(ix, 0, sizeof(*ix));
	ix->c = c;
	if (from < INSTANT_MIN || to > INSTANT_MAX || to < from || to - from > CALENDAR_HORIZON_DAYS * DAY_SECONDS)
		return -1;
	if (calendar_zone_enter(&zone, c->time_zone) == -1)
		return -1;
	n = index_walk(ix, from, to);
	if (n >= 0) {
		ix->open_from = arena_alloc(a, ((size_t)n + 1) * sizeof(time_t));
		ix->open_to = arena_alloc(a, ((size_t)n + 1) * sizeof(time_t));
		ix->before = arena_alloc(a, ((size_t)n + 1) * sizeof(long long));
		if (index_walk(ix, from, to) != n)
			n = -1;
	}
	calendar_zone_leave(&zone);
	if (n < 0) {
		ix->open_from = ix->open_to = NULL;
		ix->before = NULL;
		return -1;
	}
	ix->n = (size_t)n;
	ix->from = from;
	ix->to = to;
	return 0;
}

/* Open seconds in [ix->from, t) for t in the index's span. */
static long long index_open_before(const struct calendar_index *ix, time_t t)
{
	size_t lo = 0, hi = ix->n; /* the first interval opening after t is at hi */

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->open_from[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	lo--;
	return ix->before[lo] + ((t < ix->open_to[lo] ? t : ix->open_to[lo]) - ix->open_from[lo]);
}

long long calendar_index_between(const struct calendar_index *ix, time_t a, time_t b)
{
	if (b <= a)
		return 0;
	if (ix->open_from == NULL || a < ix->from || b > ix->to || b - a > CALENDAR_HORIZON_DAYS * DAY_SECONDS)
		return calendar_between(ix->c, a, b);
	if (!week_has_open(ix->c))
		return 0;
	return index_open_before(ix, b) - index_open_before(ix, a);
}

/* --- parsing --- */

/* Sets *reason to "<JSON pointer>: <problem>" in arena memory and returns -1. A pointer past
 * the buffer (a very long unknown key) is cut short; the problem never is. */
static int parse_fail(struct arena *a, const char **reason, const char *problem, const char *pointer_fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int parse_fail(struct arena *a, const char **reason, const char *problem, const char *pointer_fmt, ...)
{
	char pointer[128];
	va_list ap;

	va_start(ap, pointer_fmt);
	vsnprintf(pointer, sizeof(pointer), pointer_fmt, ap);
	va_end(ap);
	*reason = arena_printf(a, "%s: %s", pointer, problem);
	return -1;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* "HH:MM" from "00:00" to "24:00" into minutes; -1 for anything else. */
static int parse_time(struct json_object *v)
{
	const char *s;
	int hour, minute;

	if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) != 5)
		return -1;
	s = json_object_get_string(v);
	if (!is_digit(s[0]) || !is_digit(s[1]) || s[2] != ':' || !is_digit(s[3]) || !is_digit(s[4]))
		return -1;
	hour = (s[0] - '0') * 10 + (s[1] - '0');
	minute = (s[3] - '0') * 10 + (s[4] - '0');
	if (minute > 59 || hour > 24 || (hour == 24 && minute != 0))
		return -1;
	return hour * 60 + minute;
}

/* "YYYY-MM-DD", a real date, into h; -1 for anything else. */
static int parse_date(struct json_object *v, struct calendar_holiday *h)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) != 10)
		return -1;
	s = json_object_get_string(v);
	for (int i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : !is_digit(s[i]))
			return -1;
	h->year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	h->month = (s[5] - '0') * 10 + (s[6] - '0');
	h->day = (s[8] - '0') * 10 + (s[9] - '0');
	return is_real_date(h->year, h->month, h->day) ? 0 : -1;
}

static const char *const bad_time = "time must be HH:MM between 00:00 and 24:00";

static int parse_day(struct arena *a, const char *key, struct json_object *spans, struct calendar_day *day,
                     const char **reason)
{
	size_t n;

	if (!json_object_is_type(spans, json_type_array))
		return parse_fail(a, reason, "must be an array of [\"HH:MM\", \"HH:MM\"] spans", "/week/%s", key);
	n = json_object_array_length(spans);
	if (n > CALENDAR_MAX_SPANS)
		return parse_fail(a, reason, "at most 6 spans a day", "/week/%s", key);
	for (size_t i = 0; i < n; i++) {
		struct json_object *span = json_object_array_get_idx(spans, i);
		int from, to;

		if (!json_object_is_type(span, json_type_array) || json_object_array_length(span) != 2)
			return parse_fail(a, reason, "span must be [\"HH:MM\", \"HH:MM\"]", "/week/%s/%zu", key, i);
		from = parse_time(json_object_array_get_idx(span, 0));
		if (from == -1)
			return parse_fail(a, reason, bad_time, "/week/%s/%zu/0", key, i);
		to = parse_time(json_object_array_get_idx(span, 1));
		if (to == -1)
			return parse_fail(a, reason, bad_time, "/week/%s/%zu/1", key, i);
		if (from >= to)
			return parse_fail(a, reason, "span must start before it ends", "/week/%s/%zu", key, i);
		if (i > 0 && from < day->spans[i - 1].end_min)
			return parse_fail(a, reason, "spans must be in order and must not overlap", "/week/%s/%zu", key,
			                  i);
		day->spans[i] = (struct calendar_span){from, to};
	}
	day->nspans = (int)n;
	return 0;
}

static int parse_week(struct arena *a, struct json_object *week, struct calendar *c, const char **reason)
{
	if (!json_object_is_type(week, json_type_object))
		return parse_fail(a, reason, "must be an object with keys mon..sun", "/week");
	json_object_object_foreach(week, key, spans)
	{
		int d = 0;

		while (d < CALENDAR__MAX && strcmp(key, weekday_keys[d]) != 0)
			d++;
		if (d == CALENDAR__MAX)
			return parse_fail(a, reason, "unknown day: use mon..sun", "/week/%s", key);
		if (parse_day(a, key, spans, &c->week[d], reason) == -1)
			return -1;
	}
	return 0;
}

static int parse_holiday(struct arena *a, size_t i, struct json_object *o, struct calendar_holiday *h,
                         const char **reason)
{
	bool have_date = false;

	if (!json_object_is_type(o, json_type_object))
		return parse_fail(a, reason, "must be an object with date, from and to", "/holidays/%zu", i);
	h->start_min = 0;
	h->end_min = DAY_MINUTES;
	json_object_object_foreach(o, key, v)
	{
		if (strcmp(key, "date") == 0) {
			if (parse_date(v, h) == -1)
				return parse_fail(a, reason, "date must be a real date as YYYY-MM-DD",
				                  "/holidays/%zu/date", i);
			have_date = true;
		} else if (strcmp(key, "from") == 0 || strcmp(key, "to") == 0) {
			int minute = parse_time(v);

			if (minute == -1)
				return parse_fail(a, reason, bad_time, "/holidays/%zu/%s", i, key);
			if (key[0] == 'f')
				h->start_min = minute;
			else
				h->end_min = minute;
		} else {
			return parse_fail(a, reason, "unknown key", "/holidays/%zu/%s", i, key);
		}
	}
	if (!have_date)
		return parse_fail(a, reason, "required", "/holidays/%zu/date", i);
	if (h->start_min >= h->end_min)
		return parse_fail(a, reason, "from must be before to", "/holidays/%zu", i);
	return 0;
}

static int parse_holidays(struct arena *a, struct json_object *list, struct calendar *c, const char **reason)
{
	struct calendar_holiday *holidays;
	size_t n;

	if (!json_object_is_type(list, json_type_array))
		return parse_fail(a, reason, "must be an array", "/holidays");
	n = json_object_array_length(list);
	if (n > CALENDAR_MAX_HOLIDAYS)
		return parse_fail(a, reason, "at most 1000 holidays", "/holidays");
	holidays = arena_alloc(a, (n > 0 ? n : 1) * sizeof(*holidays));
	for (size_t i = 0; i < n; i++)
		if (parse_holiday(a, i, json_object_array_get_idx(list, i), &holidays[i], reason) == -1)
			return -1;
	c->holidays = holidays;
	c->nholidays = n;
	return 0;
}

int calendar_parse(struct arena *a, const char *json, struct calendar *c, const char **reason)
{
	struct json_object *root;
	const char *why = NULL;
	bool have_zone = false, have_week = false;

	memset(c, 0, sizeof(*c));
	root = json_parse_strict(a, json, strlen(json), &why);
	if (root == NULL) {
		*reason = arena_printf(a, "calendar is not valid JSON: %s", why ? why : "parse error");
		return -1;
	}
	if (!json_object_is_type(root, json_type_object)) {
		*reason = "calendar must be a JSON object";
		return -1;
	}
	json_object_object_foreach(root, key, v)
	{
		if (strcmp(key, "time_zone") == 0) {
			if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0 ||
			    (size_t)json_object_get_string_len(v) >= sizeof(c->time_zone))
				return parse_fail(a, reason, "must be a zone name of 1 to 63 characters", "/time_zone");
			memcpy(c->time_zone, json_object_get_string(v), (size_t)json_object_get_string_len(v) + 1);
			have_zone = true;
		} else if (strcmp(key, "week") == 0) {
			if (parse_week(a, v, c, reason) == -1)
				return -1;
			have_week = true;
		} else if (strcmp(key, "holidays") == 0) {
			if (parse_holidays(a, v, c, reason) == -1)
				return -1;
		} else {
			return parse_fail(a, reason, "unknown key", "/%s", key);
		}
	}
	if (!have_zone)
		return parse_fail(a, reason, "required", "/time_zone");
	if (!have_week)
		return parse_fail(a, reason, "required", "/week");
	return calendar_validate(c, reason);
}
