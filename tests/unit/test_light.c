/* test_light: the light cycle state machine over a calendar open around the clock. */
#include "../../app/light/calendar.h"
#include "../../app/light/light.h"
#include "../../app/light/light_db.h"
#include "unit.h"

static struct calendar always;
static const struct light_threshold th = {true, 600, 1200}; /* amber after 10 min, red after 20 */
static const time_t T0 = 1790000000;                        /* 2026-09-21T13:33:20Z */

static void setup(void)
{
	memset(&always, 0, sizeof(always));
	strcpy(always.time_zone, "UTC");
	for (int d = 0; d < CALENDAR__MAX; d++) {
		always.week[d].nspans = 1;
		always.week[d].spans[0].start_min = 0;
		always.week[d].spans[0].end_min = 1440;
	}
}

static void start_and_turn(void)
{
	struct light_state s;

	setup();
	light_start(&s, &always, &th, T0, true);
	CHECK_INT(s.amber_at, T0 + 600);
	CHECK_INT(s.red_at, T0 + 1200);
	CHECK_INT(light_colour_at(&s, T0 + 599), LIGHT_GREEN);
	CHECK_INT(light_colour_at(&s, T0 + 600), LIGHT_AMBER);
	CHECK_INT(light_colour_at(&s, T0 + 1200), LIGHT_RED);
	light_stop(&s);
	CHECK_INT(light_colour_at(&s, T0 + 5000), LIGHT_OFF);
}

static void pause_shifts_due(void)
{
	struct light_state s;

	setup();
	light_start(&s, &always, &th, T0, true);
	light_set_running(&s, &always, &th, T0 + 300, false); /* paused after 5 minutes */
	CHECK_INT(s.accrued, 300);
	CHECK_INT(s.amber_at, 0);
	CHECK_INT(s.red_at, 0);
	CHECK_INT(light_colour_at(&s, T0 + 100000), LIGHT_GREEN);  /* a paused clock does not turn */
	light_set_running(&s, &always, &th, T0 + 3 * 86400, true); /* three days later */
	CHECK_INT(s.amber_at, T0 + 3 * 86400 + 300);
	CHECK_INT(s.red_at, T0 + 3 * 86400 + 900);
}

static void paused_red_stays_red(void)
{
	struct light_state s;

	setup();
	light_start(&s, &always, &th, T0, true);
	light_set_running(&s, &always, &th, T0 + 1500, false);
	CHECK_INT(s.red_at, T0 + 1200);
	CHECK_INT(light_colour_at(&s, T0 + 9999), LIGHT_RED);
}

static void looser_thresholds_turn_back(void)
{
	struct light_state s;
	const struct light_threshold loose = {true, 3600, 7200};

	setup();
	light_start(&s, &always, &th, T0, true);
	CHECK_INT(light_colour_at(&s, T0 + 1500), LIGHT_RED);
	light_recompute(&s, &always, &loose, T0 + 1500);
	CHECK_INT(s.amber_at, T0 + 3600);
	CHECK_INT(s.red_at, T0 + 7200);
	CHECK_INT(light_colour_at(&s, T0 + 1500), LIGHT_GREEN);
	/* Tightening again: already past both, the instants are when they were passed. */
	light_recompute(&s, &always, &th, T0 + 1500);
	CHECK_INT(s.red_at, T0 + 1200);
	CHECK_INT(light_colour_at(&s, T0 + 1500), LIGHT_RED);
}

static void disabled_level_never_turns(void)
{
	struct light_state s;
	const struct light_threshold off = {false, 600, 1200};

	setup();
	light_start(&s, &always, &off, T0, true);
	CHECK_INT(s.red_at, 0);
	CHECK_INT(light_colour_at(&s, T0 + 99999), LIGHT_GREEN);
}

/* The one step the live clocks and the replay share: what each change starts, stops or pauses. */
static void step_through_a_life(void)
{
	struct light_state st[LEVEL__MAX];
	const struct light_threshold ths[LEVEL__MAX] = {th, th, th};
	const unsigned all =
	        LIGHT_CLOCK(LEVEL_RESPONSE) | LIGHT_CLOCK(LEVEL_SUPPLIER) | LIGHT_CLOCK(LEVEL_COMMUNICATION);
	const unsigned waiting = LIGHT_CLOCK(LEVEL_SUPPLIER); /* waiting on the customer */

	setup();
	memset(st, 0, sizeof(st));
	light_step(st, &always, ths, LIGHT_ON_OPENED, true, all, T0);
	CHECK_INT(st[LEVEL_RESPONSE].cycle_started, T0);
	CHECK_INT(st[LEVEL_SUPPLIER].cycle_started, 0);
	CHECK_INT(st[LEVEL_COMMUNICATION].red_at, T0 + 1200);
	/* Our public answer: response ends, communication starts again. */
	light_step(st, &always, ths, LIGHT_ON_WE_WROTE, true, all, T0 + 100);
	CHECK_INT(st[LEVEL_RESPONSE].cycle_started, 0);
	CHECK_INT(st[LEVEL_COMMUNICATION].cycle_started, T0 + 100);
	/* Waiting on the customer: communication restarts paused. */
	light_step(st, &always, ths, LIGHT_ON_MOVED, true, waiting, T0 + 200);
	CHECK_INT(st[LEVEL_COMMUNICATION].cycle_started, T0 + 200);
	CHECK_INT(st[LEVEL_COMMUNICATION].running_since, 0);
	/* The customer writes (still waiting): response starts paused; their reply moves the ticket
	 * back, which resumes both and does not restart communication. */
	light_step(st, &always, ths, LIGHT_ON_CUSTOMER_WROTE, true, waiting, T0 + 300);
	CHECK_INT(st[LEVEL_RESPONSE].cycle_started, T0 + 300);
	CHECK_INT(st[LEVEL_RESPONSE].running_since, 0);
	light_step(st, &always, ths, LIGHT_ON_MOVED_BY_CUSTOMER, true, all, T0 + 300);
	CHECK_INT(st[LEVEL_RESPONSE].red_at, T0 + 1500);
	CHECK_INT(st[LEVEL_COMMUNICATION].cycle_started, T0 + 200);
	CHECK_INT(st[LEVEL_COMMUNICATION].red_at, T0 + 1500);
	/* Two supplier requests: the second starts nothing; the light ends when none is open. */
	light_step(st, &always, ths, LIGHT_ON_SUPPLIER_ASKED, true, all, T0 + 400);
	light_step(st, &always, ths, LIGHT_ON_SUPPLIER_ASKED, true, all, T0 + 450);
	CHECK_INT(st[LEVEL_SUPPLIER].cycle_started, T0 + 400);
	light_step(st, &always, ths, LIGHT_ON_NONE, true, all, T0 + 500);
	CHECK_INT(st[LEVEL_SUPPLIER].cycle_started, T0 + 400);
	light_step(st, &always, ths, LIGHT_ON_SUPPLIER_ALL_DONE, true, all, T0 + 600);
	CHECK_INT(st[LEVEL_SUPPLIER].cycle_started, 0);
	/* Resolved: everything stops, whatever the change. */
	light_step(st, &always, ths, LIGHT_ON_CUSTOMER_WROTE, false, 0, T0 + 700);
	for (int l = 0; l < LEVEL__MAX; l++)
		CHECK_INT(light_colour_at(&st[l], T0 + 700), LIGHT_OFF);
}

/* The ticket query's packed lights read back as the separate read gives them: levels in any
 * order, a missing level zeroed, fractions of seconds dropped, NULL as no lights at all. */
static void packed_lights_read_back(void)
{
	struct light_state st[LEVEL__MAX];

	light_states_unpack("3,1780000000.250000,0,120,0,0;1,1780000100.000000,1780000100.999999,0,1780003700,"
	                    "1780007300",
	                    st);
	CHECK_INT(st[0].cycle_started, 1780000100);
	CHECK_INT(st[0].running_since, 1780000100);
	CHECK_INT(st[0].accrued, 0);
	CHECK_INT(st[0].amber_at, 1780003700);
	CHECK_INT(st[0].red_at, 1780007300);
	CHECK_INT(st[1].cycle_started, 0);
	CHECK_INT(st[1].red_at, 0);
	CHECK_INT(st[2].cycle_started, 1780000000);
	CHECK_INT(st[2].running_since, 0);
	CHECK_INT(st[2].accrued, 120);
	light_states_unpack(NULL, st);
	CHECK_INT(st[2].cycle_started, 0);
	/* A level outside 1-3 or a short record changes nothing it should not. */
	light_states_unpack("9,1,2,3,4,5;2,7", st);
	CHECK_INT(st[1].cycle_started, 7);
	CHECK_INT(st[1].red_at, 0);
	CHECK_INT(st[0].cycle_started, 0);
}

const struct unit_case light_cases[] = {
        {"light: the ticket query's packed lights read back exactly", packed_lights_read_back},
        {"light: one step per change starts, stops and pauses the right clocks", step_through_a_life},
        {"light: a cycle turns amber then red at its instants", start_and_turn},
        {"light: a pause moves the due instants by the paused time", pause_shifts_due},
        {"light: a clock paused after red stays red", paused_red_stays_red},
        {"light: looser thresholds turn a red light green at once", looser_thresholds_turn_back},
        {"light: a disabled level never turns", disabled_level_never_turns},
        {NULL, NULL},
};
