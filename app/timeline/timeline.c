/* timeline: inserts and reads ticket_events; rows are never updated or deleted. */
#include "timeline.h"

#include <stdbool.h>
#include <string.h>

#include <json-c/json.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/json.h"
#include "../core/jw.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../light/light_db.h"
#include "../rule/rule.h"
#include "../tenant/tenant.h"

enum timeline_stmt {
	TIMELINE_ADD,  /* one event */
	TIMELINE_LIST, /* a ticket's events */
	TIMELINE_STMT__MAX
};

#define TIMELINE_ADD_HEAD                                                                                          \
	"INSERT INTO ticket_events (tenant_id, ticket_id, actor_id, kind, data, created_at, priority, status_id) " \
	"VALUES "
/* A row of timeline_record_batch: by the system, with the priority and status the caller read. */
#define TIMELINE_BATCH_ROW "(?, ?, NULL, ?, ?, FROM_UNIXTIME(?), ?, ?)"

/* A row of timeline_record: its instant to the microsecond, the ticket's priority and status as
 * they are when the row is written. */
#define TIMELINE_ADD_ROW                                                  \
	"(?, ?, ?, ?, ?, FROM_UNIXTIME(?) + INTERVAL ? MICROSECOND, "     \
	"(SELECT priority FROM tickets WHERE tenant_id = ? AND id = ?), " \
	"(SELECT status_id FROM tickets WHERE tenant_id = ? AND id = ?))"
#define TIMELINE_ADD_PARAMS 11

static const char *const timeline_sql[TIMELINE_STMT__MAX] = {
        /* TIMELINE_ADD */
        [TIMELINE_ADD] = TIMELINE_ADD_HEAD TIMELINE_ADD_ROW,
        /* TIMELINE_LIST */
        [TIMELINE_LIST] = "SELECT e.id, e.kind, e.data, COALESCE(e.actor_id, 0), u.name, "
                          "DATE_FORMAT(e.created_at, '%Y-%m-%dT%H:%i:%sZ') FROM ticket_events e "
                          "LEFT JOIN users u FORCE INDEX (PRIMARY) ON u.id = e.actor_id AND u.tenant_id = e.tenant_id "
                          "WHERE e.tenant_id = ? AND e.ticket_id = ? ORDER BY e.id LIMIT 1000",
};

static const char *const kind_names[] = {
        "created",           /* EVENT_CREATED */
        "status_changed",    /* EVENT_STATUS_CHANGED */
        "assigned",          /* EVENT_ASSIGNED */
        "updated",           /* EVENT_UPDATED */
        "note_added",        /* EVENT_NOTE_ADDED */
        "supplier_asked",    /* EVENT_SUPPLIER_ASKED */
        "supplier_answered", /* EVENT_SUPPLIER_ANSWERED */
        "light_changed",     /* EVENT_LIGHT_CHANGED */
        "queued",            /* EVENT_QUEUED */
        "rule_fired",        /* EVENT_RULE_FIRED */
        "lights_recomputed", /* EVENT_LIGHTS_RECOMPUTED */
        "pipeline_changed",  /* EVENT_PIPELINE_CHANGED */
        "followed_up",       /* EVENT_FOLLOWED_UP */
};
/* A kind added to the enum without a name here fails the build, not a query. */
_Static_assert(sizeof(kind_names) / sizeof(kind_names[0]) == EVENT__MAX, "a timeline kind has no name");

const char *timeline_kind_name(enum timeline_kind k)
{
	return k < EVENT__MAX ? kind_names[k] : "unknown";
}

/* Whether data's "fields" list names field. */
static bool fields_name(struct json_object *data, const char *field)
{
	struct json_object *fields;

	if (!json_object_object_get_ex(data, "fields", &fields) || !json_object_is_type(fields, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(fields); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(fields, i)), field) == 0)
			return true;
	return false;
}

/* Whether a change can move a traffic-light clock. The clocks' own events (the sweeper's, a
 * recomputation) and a rule's firing move none; nor does a change that leaves the status and the
 * priority as they were and is not a message the lights count (an assignment, a queue, an
 * internal note, tags or team): their clocks already stand as those make them, and stepping them
 * again without a trigger gives the same state (the replay steps them and finds no change). */
static bool moves_clocks(const struct ticket_change *c, bool priority_changed)
{
	switch (c->kind) {
	case EVENT_LIGHT_CHANGED:
	case EVENT_RULE_FIRED:
	case EVENT_LIGHTS_RECOMPUTED:
	case EVENT_ASSIGNED:
	case EVENT_QUEUED:
		return false;
	case EVENT_NOTE_ADDED:
		return c->public_note;
	case EVENT_UPDATED:
		return priority_changed;
	default:
		return true;
	}
}

/* The events held back between timeline_hold and timeline_release, in the order recorded. */
struct held_event {
	long long tenant_id, ticket_id, actor_id, secs, usecs;
	const char *kind, *data;
};
static struct {
	bool on;
	struct arena *a;
	struct held_event *rows;
	size_t n, cap;
} held;

void timeline_hold(struct arena *a)
{
	if (held.on)
		BUG("timeline_hold inside a hold");
	held.on = true;
	held.a = a;
	held.rows = NULL;
	held.n = held.cap = 0;
}

void timeline_drop(void)
{
	held.on = false;
	held.n = 0;
}

int timeline_release(struct db *db)
{
	/* One statement of exactly the rows held (a handful of texts for the statement cache); a
	 * longer run in the chunks of db_exec_rows. */
	enum { EXACT_MAX = 16 };
	struct db_param *p;
	size_t n = held.n;
	int rc;

	if (!held.on)
		BUG("timeline_release without a hold");
	held.on = false;
	if (n == 0)
		return 0;
	p = arena_alloc(held.a, n * TIMELINE_ADD_PARAMS * sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		const struct held_event *e = &held.rows[i];
		struct db_param *q = &p[i * TIMELINE_ADD_PARAMS];

		q[0] = (struct db_param){'i', e->tenant_id, NULL};
		q[1] = (struct db_param){'i', e->ticket_id, NULL};
		q[2] = (struct db_param){'u', e->actor_id, NULL};
		q[3] = (struct db_param){'s', 0, e->kind};
		q[4] = (struct db_param){'s', 0, e->data};
		q[5] = (struct db_param){'i', e->secs, NULL};
		q[6] = (struct db_param){'i', e->usecs, NULL};
		q[7] = q[9] = q[0];
		q[8] = q[10] = q[1];
	}
	if (n > EXACT_MAX)
		return db_exec_rows(db, held.a, TIMELINE_ADD_HEAD, TIMELINE_ADD_ROW, "", p, TIMELINE_ADD_PARAMS, n);
	{
		struct buf sql;

		buf_init(&sql);
		buf_puts(&sql, TIMELINE_ADD_HEAD);
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				buf_puts(&sql, ", ");
			buf_puts(&sql, TIMELINE_ADD_ROW);
		}
		rc = db_exec_params(db, held.a, sql.data, p, n * TIMELINE_ADD_PARAMS);
		buf_release(&sql);
	}
	return rc;
}

/* Keeps one event for timeline_release, its text copied. */
static void hold_event(const struct ticket_change *c, const char *text, const struct timespec *ts)
{
	if (held.n == held.cap) {
		size_t cap = held.cap ? 2 * held.cap : 8;
		struct held_event *rows = arena_alloc(held.a, cap * sizeof(*rows));

		if (held.n > 0)
			memcpy(rows, held.rows, held.n * sizeof(*rows));
		held.rows = rows;
		held.cap = cap;
	}
	held.rows[held.n++] = (struct held_event){.tenant_id = c->tenant->id,
	                                          .ticket_id = c->ticket_id,
	                                          .actor_id = c->actor_id,
	                                          .secs = (long long)ts->tv_sec,
	                                          .usecs = (long long)(ts->tv_nsec / 1000),
	                                          .kind = kind_names[c->kind],
	                                          .data = arena_strdup(held.a, text)};
}

int timeline_record(struct db *db, struct arena *a, const struct ticket_change *c, struct json_object *data)
{
	const char *text = data ? json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN) : "{}";
	struct ticket_change at = *c;
	struct timespec ts;
	bool data_priority;
	int rc = 0;

	/* One instant for the event and the clocks it moves: the replay reads it back. */
	clock_gettime(CLOCK_REALTIME, &ts);
	at.at = ts.tv_sec;
	data_priority = data != NULL && fields_name(data, "priority");
	if (held.on)
		hold_event(c, text, &ts);
	else
		rc = db_exec(db, timeline_sql[TIMELINE_ADD], NULL, NULL, "iiussiiiiii", c->tenant->id, c->ticket_id,
		             c->actor_id, kind_names[c->kind], text, (long long)ts.tv_sec,
		             (long long)(ts.tv_nsec / 1000), c->tenant->id, c->ticket_id, c->tenant->id, c->ticket_id);
	json_object_put(data);
	if (rc == -1)
		return -1;
	/* What reacts to changes, in order. */
	if (moves_clocks(c, data_priority) && light_on_change(db, a, &at) == -1)
		return -1;
	if (rule_on_change(db, a, &at) == -1)
		return -1;
	return 0;
}

int timeline_record_batch(struct db *db, struct arena *a, const struct tenant *t, enum timeline_kind kind, time_t at,
                          const struct timeline_entry *e, size_t n)
{
	struct db_param *params;

	/* What timeline_record would run after the insert (the clocks, rules) does nothing for
	 * this kind; any other needs timeline_record. */
	if (kind != EVENT_LIGHTS_RECOMPUTED)
		BUG("timeline_record_batch of kind %s", timeline_kind_name(kind));
	if (n == 0)
		return 0;
	params = arena_alloc(a, n * 7 * sizeof(*params));
	for (size_t i = 0; i < n; i++) {
		struct db_param *p = &params[i * 7];

		p[0] = (struct db_param){'i', t->id, NULL};
		p[1] = (struct db_param){'i', e[i].ticket_id, NULL};
		p[2] = (struct db_param){'s', 0, kind_names[kind]};
		p[3] = (struct db_param){'s', 0, e[i].data};
		p[4] = (struct db_param){'i', (long long)at, NULL};
		p[5] = (struct db_param){'s', 0, e[i].priority};
		p[6] = (struct db_param){'u', e[i].status_id, NULL};
	}
	return db_exec_rows(db, a, TIMELINE_ADD_HEAD, TIMELINE_BATCH_ROW, "", params, 7, n);
}

int timeline_write(struct jw *w, struct db *db, struct arena *a, long long tenant_id, long long ticket_id)
{
	struct db_rows rows;

	if (db_query(db, a, timeline_sql[TIMELINE_LIST], &rows, "ii", tenant_id, ticket_id) == -1)
		return -1;
	jw_array(w);
	for (size_t i = 0; i < rows.nrows; i++) {
		long long actor = db_cell_ll(&rows, i, 3);
		const char *data = db_cell(&rows, i, 2);

		jw_object(w);
		jw_kint(w, "id", db_cell_ll(&rows, i, 0));
		jw_kstr(w, "kind", db_cell(&rows, i, 1));
		/* A JSON column (MariaDB checks every write), in practice always an object from json-c. */
		jw_key(w, "data");
		if (data != NULL && data[0] == '{')
			jw_raw(w, data, rows.lens[i * rows.ncols + 2]);
		else
			jw_raw(w, "{}", 2);
		if (actor > 0) {
			jw_key(w, "actor");
			jw_object(w);
			jw_kint(w, "id", actor);
			jw_kstr(w, "name", db_cell(&rows, i, 4));
			jw_object_end(w);
		} else {
			jw_knull(w, "actor");
		}
		jw_kstr(w, "created_at", db_cell(&rows, i, 5));
		jw_object_end(w);
	}
	jw_array_end(w);
	return 0;
}
