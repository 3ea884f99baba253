/* light: the three traffic lights of a ticket as pure state. A light has cycles: a cycle starts
 * (the customer wrote, a supplier was asked, communication is due), runs while the ticket's
 * status lets its clock run, pauses otherwise, and ends when it is answered. Its amber and red
 * instants are computed in business time when it starts, resumes or its thresholds change. */
#ifndef LIGHT_LIGHT_H
#define LIGHT_LIGHT_H

#include <stdbool.h>
#include <time.h>

struct calendar;

enum light_level {
	LEVEL_RESPONSE,      /* 1: from the customer's message to our public answer */
	LEVEL_SUPPLIER,      /* 2: an open supplier request waiting for the supplier */
	LEVEL_COMMUNICATION, /* 3: since our last customer-visible update */
	LEVEL__MAX
};

enum light_colour {
	LIGHT_OFF,   /* no cycle: nothing is due */
	LIGHT_GREEN, /* within the amber threshold */
	LIGHT_AMBER, /* past amber, not yet red */
	LIGHT_RED,   /* past red */
	LIGHT__MAX
};

/* What a change to a ticket means to its clocks; the mapping from timeline events lives with the
 * callers, so this module knows nothing of the timeline. */
enum light_trigger {
	LIGHT_ON_NONE,              /* starts or ends no cycle: only the status and thresholds apply */
	LIGHT_ON_OPENED,            /* the ticket was raised */
	LIGHT_ON_CUSTOMER_WROTE,    /* a public message from the customer's side */
	LIGHT_ON_WE_WROTE,          /* a public note from staff */
	LIGHT_ON_MOVED,             /* a status move by staff or the system */
	LIGHT_ON_MOVED_BY_CUSTOMER, /* a status move the customer's reply caused */
	LIGHT_ON_SUPPLIER_ASKED,    /* a supplier request was opened */
	LIGHT_ON_SUPPLIER_ALL_DONE, /* a supplier request was answered and none is open any more */
	LIGHT_ON__MAX
};

/* Bits of a status's clocks, parallel to enum light_level. */
#define LIGHT_CLOCK(level) (1u << (level))

struct light_threshold {
	bool enabled;
	long long amber_seconds; /* business seconds from the cycle's start */
	long long red_seconds;
};

/* Instants are UTC seconds; 0 means "none". */
struct light_state {
	time_t cycle_started;
	time_t running_since; /* 0 while paused */
	long long accrued;    /* business seconds of the cycle's finished segments */
	time_t amber_at;
	time_t red_at;
};

const char *light_level_name(enum light_level l);
const char *light_colour_name(enum light_colour c);

/* Starts a new cycle at now (running or paused as run says) and computes its instants. */
void light_start(struct light_state *s, const struct calendar *cal, const struct light_threshold *th, time_t now,
                 bool run);
/* Ends the cycle: the light is off until the next start. */
void light_stop(struct light_state *s);
/* Makes the clock run or pause at now (no-op if already so); instants are kept when already
 * passed and dropped when not yet reached during a pause, recomputed on resume. */
void light_set_running(struct light_state *s, const struct calendar *cal, const struct light_threshold *th, time_t now,
                       bool run);
/* Recomputes the instants after a threshold or calendar change; an instant already passed
 * under the old thresholds but not under the new ones moves to the future (the light turns
 * back), one passed under both keeps its time. */
void light_recompute(struct light_state *s, const struct calendar *cal, const struct light_threshold *th, time_t now);
/* One change at instant now to a ticket's three lights: the trigger starts or ends cycles, then
 * each clock runs or pauses as the status (open, clocks bits) says and its instants follow
 * thresholds th[level]. A closed status stops every cycle. Pure: the stored and the replayed
 * lights go through this one function. */
void light_step(struct light_state st[LEVEL__MAX], const struct calendar *cal, const struct light_threshold *th,
                enum light_trigger trigger, bool open, unsigned clocks, time_t now);
/* The colour at instant now. */
enum light_colour light_colour_at(const struct light_state *s, time_t now);

#endif
