/* light: the cycle state machine; the only arithmetic is the calendar's. */
#include "light.h"

#include <string.h>

#include "calendar.h"

static const char *const level_names[LEVEL__MAX] = {
        "response",      /* LEVEL_RESPONSE */
        "supplier",      /* LEVEL_SUPPLIER */
        "communication", /* LEVEL_COMMUNICATION */
};

static const char *const colour_names[LIGHT__MAX] = {
        "off",   /* LIGHT_OFF */
        "green", /* LIGHT_GREEN */
        "amber", /* LIGHT_AMBER */
        "red",   /* LIGHT_RED */
};

const char *light_level_name(enum light_level l)
{
	return l < LEVEL__MAX ? level_names[l] : "unknown";
}

const char *light_colour_name(enum light_colour c)
{
	return c < LIGHT__MAX ? colour_names[c] : "unknown";
}

/* Business seconds counted in the cycle up to now. */
static long long elapsed(const struct light_state *s, const struct calendar *cal, time_t now)
{
	long long e = s->accrued;

	if (s->running_since != 0 && now > s->running_since) {
		long long seg = calendar_between(cal, s->running_since, now);

		if (seg > 0)
			e += seg;
	}
	return e;
}

/* The instant the cycle reaches threshold seconds, given it is running; 0 if never. */
static time_t reach(const struct light_state *s, const struct calendar *cal, long long threshold)
{
	time_t t;

	if (s->running_since == 0)
		return 0;
	t = calendar_add(cal, s->running_since, threshold > s->accrued ? threshold - s->accrued : 0);
	return t < 0 ? 0 : t;
}

void light_recompute(struct light_state *s, const struct calendar *cal, const struct light_threshold *th, time_t now)
{
	long long e;

	if (s->cycle_started == 0 || th == NULL || !th->enabled) {
		s->amber_at = 0;
		s->red_at = 0;
		return;
	}
	e = elapsed(s, cal, now);
	/* Amber: an instant already passed under these thresholds keeps its time; otherwise it
	 * is when the running clock will reach the threshold (none while paused). */
	if (!(s->amber_at != 0 && s->amber_at <= now && e >= th->amber_seconds))
		s->amber_at = e >= th->amber_seconds && s->running_since == 0 ? now : reach(s, cal, th->amber_seconds);
	if (!(s->red_at != 0 && s->red_at <= now && e >= th->red_seconds))
		s->red_at = e >= th->red_seconds && s->running_since == 0 ? now : reach(s, cal, th->red_seconds);
}

void light_start(struct light_state *s, const struct calendar *cal, const struct light_threshold *th, time_t now,
                 bool run)
{
	memset(s, 0, sizeof(*s));
	s->cycle_started = now;
	s->running_since = run ? now : 0;
	light_recompute(s, cal, th, now);
}

void light_stop(struct light_state *s)
{
	memset(s, 0, sizeof(*s));
}

void light_set_running(struct light_state *s, const struct calendar *cal, const struct light_threshold *th, time_t now,
                       bool run)
{
	if (s->cycle_started == 0 || (run == (s->running_since != 0)))
		return;
	if (run) {
		s->running_since = now;
	} else {
		long long seg = now > s->running_since ? calendar_between(cal, s->running_since, now) : 0;

		s->accrued += seg > 0 ? seg : 0;
		s->running_since = 0;
	}
	light_recompute(s, cal, th, now);
}

void light_step(struct light_state st[LEVEL__MAX], const struct calendar *cal, const struct light_threshold *th,
                enum light_trigger trigger, bool open, unsigned clocks, time_t now)
{
	bool run[LEVEL__MAX];

	for (int l = 0; l < LEVEL__MAX; l++)
		run[l] = (clocks & LIGHT_CLOCK(l)) != 0;
	if (!open) {
		for (int l = 0; l < LEVEL__MAX; l++)
			light_stop(&st[l]);
		trigger = LIGHT_ON_NONE;
	}
	switch (trigger) {
	case LIGHT_ON_OPENED:
		light_start(&st[LEVEL_RESPONSE], cal, &th[LEVEL_RESPONSE], now, run[LEVEL_RESPONSE]);
		light_start(&st[LEVEL_COMMUNICATION], cal, &th[LEVEL_COMMUNICATION], now, run[LEVEL_COMMUNICATION]);
		break;
	case LIGHT_ON_CUSTOMER_WROTE:
		/* A response is due, counted from the first unanswered message. */
		if (st[LEVEL_RESPONSE].cycle_started == 0)
			light_start(&st[LEVEL_RESPONSE], cal, &th[LEVEL_RESPONSE], now, run[LEVEL_RESPONSE]);
		break;
	case LIGHT_ON_WE_WROTE:
		light_stop(&st[LEVEL_RESPONSE]);
		light_start(&st[LEVEL_COMMUNICATION], cal, &th[LEVEL_COMMUNICATION], now, run[LEVEL_COMMUNICATION]);
		break;
	case LIGHT_ON_MOVED:
		/* A move by staff is an update the customer sees. */
		light_start(&st[LEVEL_COMMUNICATION], cal, &th[LEVEL_COMMUNICATION], now, run[LEVEL_COMMUNICATION]);
		break;
	case LIGHT_ON_MOVED_BY_CUSTOMER:
		/* A ticket reopened by the customer is due an update too. */
		if (st[LEVEL_COMMUNICATION].cycle_started == 0)
			light_start(&st[LEVEL_COMMUNICATION], cal, &th[LEVEL_COMMUNICATION], now,
			            run[LEVEL_COMMUNICATION]);
		break;
	case LIGHT_ON_SUPPLIER_ASKED:
		if (st[LEVEL_SUPPLIER].cycle_started == 0)
			light_start(&st[LEVEL_SUPPLIER], cal, &th[LEVEL_SUPPLIER], now, run[LEVEL_SUPPLIER]);
		break;
	case LIGHT_ON_SUPPLIER_ALL_DONE:
		light_stop(&st[LEVEL_SUPPLIER]);
		break;
	case LIGHT_ON_NONE:
	case LIGHT_ON__MAX:
		break;
	}
	for (int l = 0; l < LEVEL__MAX; l++) {
		light_set_running(&st[l], cal, &th[l], now, run[l]);
		light_recompute(&st[l], cal, &th[l], now);
	}
}

enum light_colour light_colour_at(const struct light_state *s, time_t now)
{
	if (s->cycle_started == 0)
		return LIGHT_OFF;
	if (s->red_at != 0 && s->red_at <= now)
		return LIGHT_RED;
	if (s->amber_at != 0 && s->amber_at <= now)
		return LIGHT_AMBER;
	return LIGHT_GREEN;
}
