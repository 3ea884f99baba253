/* light_replay: reads a ticket's events with the priority, status and instant each recorded,
 * and steps the clocks through them exactly as light_on_change did when they happened. */
#include "light_replay.h"

#include <string.h>

#include <json-c/json.h>

#include "../core/arena.h"
#include "../core/json.h"
#include "../db/db.h"
#include "../pipeline/pipeline.h"
#include "../tenant/tenant.h"
#include "../timeline/timeline.h"
#include "calendar.h"
#include "light_db.h"

/* The timeline as the clocks saw it; the 1,000-event cap is the timeline list's own. */
static const char *const replay_sql =
        "SELECT e.id, e.kind, e.data, COALESCE(u.role, ''), FLOOR(UNIX_TIMESTAMP(e.created_at)), e.priority, "
        "COALESCE(e.status_id, 0) FROM ticket_events e "
        "LEFT JOIN users u FORCE INDEX (PRIMARY) ON u.id = e.actor_id AND u.tenant_id = e.tenant_id "
        "WHERE e.tenant_id = ? AND e.ticket_id = ? ORDER BY e.id LIMIT 1000";

static const char *const what_names[CLOCK__MAX] = {
        "started",       /* CLOCK_STARTED */
        "restarted",     /* CLOCK_RESTARTED */
        "paused",        /* CLOCK_PAUSED */
        "resumed",       /* CLOCK_RESUMED */
        "amber",         /* CLOCK_AMBER */
        "red",           /* CLOCK_RED */
        "back_to_green", /* CLOCK_BACK_TO_GREEN */
        "back_to_amber", /* CLOCK_BACK_TO_AMBER */
        "stopped",       /* CLOCK_STOPPED */
        "rescheduled",   /* CLOCK_RESCHEDULED */
};

const char *clock_what_name(enum clock_what w)
{
	return w < CLOCK__MAX ? what_names[w] : "unknown";
}

bool light_state_equal(const struct light_state *x, const struct light_state *y)
{
	return x->cycle_started == y->cycle_started && x->running_since == y->running_since &&
	       x->accrued == y->accrued && x->amber_at == y->amber_at && x->red_at == y->red_at;
}

/* What the replay knows of one level beyond its state: what was told, and why the instants
 * are where they are. */
struct level_story {
	bool amber_told, red_told;
	long long amber_cause, red_cause;
	const char *amber_kind, *red_kind;
};

struct replay_run {
	struct arena *a;
	struct light_replay *out;
	size_t cap;
};

static void tell(struct replay_run *rr, enum light_level l, enum clock_what w, time_t at, long long event_id,
                 const char *kind)
{
	struct clock_entry *e;

	if (rr->out->nentries == rr->cap) {
		size_t cap = rr->cap ? rr->cap * 2 : 32;
		struct clock_entry *grown = arena_alloc(rr->a, cap * sizeof(*grown));

		if (rr->out->nentries > 0)
			memcpy(grown, rr->out->entries, rr->out->nentries * sizeof(*grown));
		rr->out->entries = grown;
		rr->cap = cap;
	}
	e = &rr->out->entries[rr->out->nentries++];
	e->level = l;
	e->what = w;
	e->at = at;
	e->event_id = event_id;
	e->event_kind = kind;
	e->recorded_id = 0;
}

/* Tells the amber and red instants reached by instant until. */
static void tell_turns(struct replay_run *rr, const struct light_state *st, struct level_story *story, time_t until)
{
	for (int l = 0; l < LEVEL__MAX; l++) {
		const struct light_state *s = &st[l];
		struct level_story *k = &story[l];

		if (s->cycle_started == 0)
			continue;
		if (!k->amber_told && s->amber_at != 0 && s->amber_at <= until) {
			tell(rr, (enum light_level)l, CLOCK_AMBER, s->amber_at, k->amber_cause, k->amber_kind);
			k->amber_told = true;
		}
		if (!k->red_told && s->red_at != 0 && s->red_at <= until) {
			tell(rr, (enum light_level)l, CLOCK_RED, s->red_at, k->red_cause, k->red_kind);
			k->red_told = true;
		}
	}
}

/* Tells what one step did to each clock at instant now. */
static void tell_step(struct replay_run *rr, const struct light_state *before, const struct light_state *after,
                      struct level_story *story, time_t now, long long id, const char *kind)
{
	for (int l = 0; l < LEVEL__MAX; l++) {
		const struct light_state *p = &before[l], *n = &after[l];
		struct level_story *k = &story[l];
		enum light_level lv = (enum light_level)l;

		if (n->cycle_started != p->cycle_started) {
			if (n->cycle_started == 0) {
				tell(rr, lv, CLOCK_STOPPED, now, id, kind);
			} else {
				tell(rr, lv, p->cycle_started == 0 ? CLOCK_STARTED : CLOCK_RESTARTED, now, id, kind);
				if (n->running_since == 0)
					tell(rr, lv, CLOCK_PAUSED, now, id, kind);
			}
			memset(k, 0, sizeof(*k));
			k->amber_cause = k->red_cause = id;
			k->amber_kind = k->red_kind = kind;
			continue;
		}
		if (n->cycle_started == 0)
			continue;
		if (p->running_since != 0 && n->running_since == 0)
			tell(rr, lv, CLOCK_PAUSED, now, id, kind);
		else if (p->running_since == 0 && n->running_since != 0)
			tell(rr, lv, CLOCK_RESUMED, now, id, kind);
		if (n->amber_at != p->amber_at) {
			k->amber_cause = id;
			k->amber_kind = kind;
		}
		if (n->red_at != p->red_at) {
			k->red_cause = id;
			k->red_kind = kind;
		}
		/* A turned light that a change sent back (a lower priority, longer thresholds). */
		if (k->red_told || k->amber_told) {
			enum light_colour c = light_colour_at(n, now);

			if (c == LIGHT_GREEN) {
				tell(rr, lv, CLOCK_BACK_TO_GREEN, now, id, kind);
				k->amber_told = k->red_told = false;
			} else if (c == LIGHT_AMBER && k->red_told) {
				tell(rr, lv, CLOCK_BACK_TO_AMBER, now, id, kind);
				k->red_told = false;
			}
		}
	}
}

static const struct pipeline_status *status_of(const struct tenant *t, long long id)
{
	for (size_t i = 0; i < t->npipelines; i++) {
		const struct pipeline_status *s = pipeline_status_by_id(&t->pipelines[i], id);

		if (s != NULL)
			return s;
	}
	return NULL;
}

/* The state a lights_recomputed event recorded; false if it is malformed. */
static bool recomputed_state(struct json_object *data, struct light_state *st)
{
	struct json_object *levels;

	if (data == NULL || !json_object_object_get_ex(data, "levels", &levels) ||
	    !json_object_is_type(levels, json_type_array) || json_object_array_length(levels) != LEVEL__MAX)
		return false;
	for (int l = 0; l < LEVEL__MAX; l++) {
		struct json_object *one = json_object_array_get_idx(levels, (size_t)l);

		if (!json_object_is_type(one, json_type_array) || json_object_array_length(one) != 5)
			return false;
		st[l].cycle_started = (time_t)json_object_get_int64(json_object_array_get_idx(one, 0));
		st[l].running_since = (time_t)json_object_get_int64(json_object_array_get_idx(one, 1));
		st[l].accrued = json_object_get_int64(json_object_array_get_idx(one, 2));
		st[l].amber_at = (time_t)json_object_get_int64(json_object_array_get_idx(one, 3));
		st[l].red_at = (time_t)json_object_get_int64(json_object_array_get_idx(one, 4));
	}
	return true;
}

static int kind_of(const char *name)
{
	for (int k = 0; k < EVENT__MAX; k++)
		if (strcmp(timeline_kind_name((enum timeline_kind)k), name) == 0)
			return k;
	return -1;
}

/* Keeps the entries of each level in time order; the step that sets an instant may set it
 * before its own time (a priority raised), so telling order and time order can differ. */
static void sort_entries(struct light_replay *rp)
{
	for (size_t i = 1; i < rp->nentries; i++) {
		struct clock_entry e = rp->entries[i];
		size_t j = i;

		while (j > 0 && rp->entries[j - 1].at > e.at) {
			rp->entries[j] = rp->entries[j - 1];
			j--;
		}
		rp->entries[j] = e;
	}
}

int light_replay_ticket(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, time_t now,
                        struct light_replay *out)
{
	struct db_rows ev;
	struct replay_run rr;
	struct level_story story[LEVEL__MAX];
	struct calendar_zone zone;
	long long *open_ids;
	size_t nopen = 0;

	memset(out, 0, sizeof(*out));
	memset(story, 0, sizeof(story));
	out->complete = true;
	rr.a = a;
	rr.out = out;
	rr.cap = 0;
	if (db_query(db, a, replay_sql, &ev, "ii", t->id, ticket_id) == -1)
		return -1;
	open_ids = arena_alloc(a, (ev.nrows ? ev.nrows : 1) * sizeof(*open_ids));
	calendar_zone_enter(&zone, t->calendar.time_zone);
	for (size_t i = 0; i < ev.nrows; i++) {
		long long id = db_cell_ll(&ev, i, 0);
		const char *kind_name = db_cell(&ev, i, 1);
		int kind = kind_of(kind_name);
		struct json_object *data = json_tokener_parse(db_cell(&ev, i, 2)), *v;
		bool by_customer = strcmp(db_cell(&ev, i, 3), "customer") == 0;
		time_t at = (time_t)db_cell_ll(&ev, i, 4);
		const char *prio_name = db_cell(&ev, i, 5);
		const struct pipeline_status *status = status_of(t, db_cell_ll(&ev, i, 6));
		int prio = prio_name ? tenant_priority_index(prio_name) : -1;
		bool public_note = false;
		long long request_id = 0;
		struct light_state before[LEVEL__MAX];

		out->nevents++;
		if (data != NULL && json_object_object_get_ex(data, "visibility", &v))
			public_note = strcmp(json_object_get_string(v), "public") == 0;
		if (data != NULL && json_object_object_get_ex(data, "request_id", &v))
			request_id = json_object_get_int64(v);
		tell_turns(&rr, out->state, story, at);
		if (kind == EVENT_LIGHT_CHANGED) {
			/* The sweeper's record of a turn told above: link it to the telling. */
			long long level = 0;
			const char *colour = "";

			if (data != NULL && json_object_object_get_ex(data, "level", &v))
				level = json_object_get_int64(v);
			if (data != NULL && json_object_object_get_ex(data, "colour", &v))
				colour = json_object_get_string(v);
			for (size_t k = out->nentries; k-- > 0;) {
				struct clock_entry *e = &out->entries[k];

				if ((long long)e->level + 1 == level && e->recorded_id == 0 &&
				    strcmp(clock_what_name(e->what), colour) == 0) {
					e->recorded_id = id;
					break;
				}
			}
		}
		if (kind == EVENT_LIGHTS_RECOMPUTED) {
			/* A recomputation under other service levels: its recorded result is the state. */
			struct light_state prior[LEVEL__MAX];

			memcpy(prior, out->state, sizeof(prior));
			if (!recomputed_state(data, out->state)) {
				json_object_put(data);
				out->complete = false;
				break;
			}
			/* The levels it moved: told even where the replay, which counts with today's service
			 * levels throughout, already had them there. */
			if (json_object_object_get_ex(data, "moved", &v) && json_object_is_type(v, json_type_array))
				for (size_t k = 0; k < json_object_array_length(v); k++) {
					int64_t level = json_object_get_int64(json_object_array_get_idx(v, k));

					if (level >= 1 && level <= LEVEL__MAX &&
					    out->state[level - 1].cycle_started != 0)
						tell(&rr, (enum light_level)(level - 1), CLOCK_RESCHEDULED, at, id,
						     kind_name);
				}
			json_object_put(data);
			tell_step(&rr, prior, out->state, story, at, id, kind_name);
			continue;
		}
		json_object_put(data);
		/* What light_on_change skips, the replay skips too. */
		if (kind == EVENT_LIGHT_CHANGED || kind == EVENT_RULE_FIRED)
			continue;
		if (kind < 0 || prio < 0 || status == NULL) {
			out->complete = false;
			break;
		}
		if (kind == EVENT_SUPPLIER_ASKED) {
			open_ids[nopen++] = request_id;
		} else if (kind == EVENT_SUPPLIER_ANSWERED) {
			for (size_t k = 0; k < nopen; k++)
				if (open_ids[k] == request_id) {
					open_ids[k] = open_ids[--nopen];
					break;
				}
		}
		memcpy(before, out->state, sizeof(before));
		light_step(out->state, &t->calendar, t->thresholds[prio],
		           light_trigger_of(kind, by_customer, public_note, (long long)nopen),
		           status_category_is_open(status->category), status->clocks, at);
		tell_step(&rr, before, out->state, story, at, id, kind_name);
	}
	if (out->complete)
		tell_turns(&rr, out->state, story, now);
	calendar_zone_leave(&zone);
	sort_entries(out);
	return 0;
}

static void add_time(struct json_object *o, const char *key, time_t t)
{
	char s[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_add_str(o, key, s);
}

struct json_object *light_history_json(const struct light_replay *rp)
{
	struct json_object *out = json_object_new_object();
	struct json_object *lists[LEVEL__MAX];

	for (int l = 0; l < LEVEL__MAX; l++) {
		lists[l] = json_object_new_array();
		json_object_object_add(out, light_level_name((enum light_level)l), lists[l]);
	}
	for (size_t i = 0; i < rp->nentries; i++) {
		const struct clock_entry *e = &rp->entries[i];
		struct json_object *o = json_object_new_object(), *ev = json_object_new_object();

		json_add_str(o, "what", clock_what_name(e->what));
		add_time(o, "at", e->at);
		json_add_int(ev, "id", e->event_id);
		json_add_str(ev, "kind", e->event_kind);
		json_object_object_add(o, "event", ev);
		if (e->recorded_id != 0) {
			struct json_object *rec = json_object_new_object();

			json_add_int(rec, "id", e->recorded_id);
			json_object_object_add(o, "recorded", rec);
		}
		json_object_array_add(lists[e->level], o);
	}
	return out;
}
