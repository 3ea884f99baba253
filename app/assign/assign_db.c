/* assign_db: routing a new ticket inside its create transaction. The candidates are read as they
 * stand, with the open-ticket count their rows keep (migration 0025); only the chosen agent's row
 * is then locked (FOR UPDATE) and read again, and the choice is made afresh while that read
 * differs, so two concurrent creates cannot both take an agent's last free place, and a create
 * never waits on agents it does not take. */
#include <string.h>

#include <json-c/json.h>

#include "../core/arena.h"
#include "../core/json.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../pipeline/pipeline.h"
#include "../tenant/tenant.h"
#include "../timeline/timeline.h"
#include "assign.h"

enum assign_stmt {
	ASSIGN_TICKET,       /* pipeline, category and priority of the new ticket */
	ASSIGN_AGENTS_SKILL, /* agents with the skill */
	ASSIGN_AGENTS_ANY,   /* all agents */
	ASSIGN_LOCK,         /* the chosen agent, locked and read again */
	ASSIGN_LOCK_SKIP,    /* the same, passing over an agent another create is assigning now */
	ASSIGN_SET,          /* the assignment */
	ASSIGN_STAMP,        /* the agent's last assignment time */
	ASSIGN_QUEUE,        /* park the ticket in a queue */
	ASSIGN_NOTIFY,       /* tell the pipeline's manager */
	ASSIGN_STMT__MAX
};

/* The agents in the order the choice ranks them (assign_choose): fewest open tickets, then never
 * assigned (NULL sorts first), then assigned longest ago, then the lowest id: the order of the
 * index users_router_order, so the database reads the agents from the best on and stops at the
 * short list. */
#define ASSIGN_ORDER "u.open_tickets, u.last_assigned_at, u.id"
/* When an agent was last assigned a ticket, in microseconds (0: never). */
#define ASSIGN_LAST "COALESCE(FLOOR(UNIX_TIMESTAMP(u.last_assigned_at) * 1000000), 0)"

/* The choice reads the best few eligible agents, not every agent with the skill: enough for the
 * ones concurrent creates are assigning now to be passed over. */
#define ASSIGN_SHORTLIST 16

static const char *const assign_sql[ASSIGN_STMT__MAX] = {
        /* ASSIGN_TICKET */
        [ASSIGN_TICKET] = "SELECT pipeline_id, COALESCE(category_id, 0), priority, number, COALESCE(team_id, 0), "
                          "COALESCE(assignee_id, 0) FROM tickets WHERE tenant_id = ? AND id = ?",
        /* ASSIGN_AGENTS_SKILL */
        [ASSIGN_AGENTS_SKILL] =
                "SELECT u.id, u.name, us.level, u.capacity, u.availability = 'available', " ASSIGN_LAST
                ", u.open_tickets FROM users u FORCE INDEX (users_router_order) "
                "STRAIGHT_JOIN user_skills us ON us.user_id = u.id AND us.tenant_id = u.tenant_id AND us.skill_id = ? "
                "WHERE u.tenant_id = ? AND u.role = 'agent' AND u.disabled = 0 AND (? = 0 OR u.id IN "
                "(SELECT m.user_id FROM team_members m WHERE m.tenant_id = u.tenant_id AND m.team_id = ?)) "
                "AND (? = 0 OR (u.availability = 'available' AND us.level >= ? AND u.open_tickets < u.capacity)) "
                "ORDER BY " ASSIGN_ORDER " LIMIT ?",
        /* ASSIGN_AGENTS_ANY */
        [ASSIGN_AGENTS_ANY] =
                "SELECT u.id, u.name, 0, u.capacity, u.availability = 'available', " ASSIGN_LAST
                ", u.open_tickets FROM users u FORCE INDEX (users_router_order) "
                "WHERE u.tenant_id = ? AND u.role = 'agent' AND u.disabled = 0 AND (? = 0 OR u.id IN "
                "(SELECT m.user_id FROM team_members m WHERE m.tenant_id = u.tenant_id AND m.team_id = ?)) "
                "AND (? = 0 OR (u.availability = 'available' AND u.open_tickets < u.capacity)) "
                "ORDER BY " ASSIGN_ORDER " LIMIT ?",
        /* ASSIGN_LOCK */
        [ASSIGN_LOCK] =
                "SELECT u.capacity, u.availability = 'available' AND u.role = 'agent' AND u.disabled = 0, " ASSIGN_LAST
                ", u.open_tickets FROM users u WHERE u.tenant_id = ? AND u.id = ? FOR UPDATE",
        /* ASSIGN_LOCK_SKIP */
        [ASSIGN_LOCK_SKIP] =
                "SELECT u.capacity, u.availability = 'available' AND u.role = 'agent' AND u.disabled = 0, " ASSIGN_LAST
                ", u.open_tickets FROM users u WHERE u.tenant_id = ? AND u.id = ? "
                "FOR UPDATE SKIP LOCKED",
        /* ASSIGN_SET */
        [ASSIGN_SET] = "UPDATE tickets SET assignee_id = ?, queue = NULL WHERE tenant_id = ? AND id = ?",
        /* ASSIGN_STAMP */
        [ASSIGN_STAMP] = "UPDATE users SET last_assigned_at = UTC_TIMESTAMP(6) WHERE tenant_id = ? AND id = ?",
        /* ASSIGN_QUEUE */
        [ASSIGN_QUEUE] = "UPDATE tickets SET queue = ? WHERE tenant_id = ? AND id = ?",
        /* ASSIGN_NOTIFY */
        [ASSIGN_NOTIFY] =
                "INSERT INTO notifications (tenant_id, user_id, ticket_id, kind, message) VALUES (?, ?, ?, ?, ?)",
};

static int park(struct db *db, struct arena *a, const struct tenant *t, const struct pipeline *p, long long ticket_id,
                long long number, long long actor_id, const char *queue, const char *reason)
{
	struct json_object *data = json_object_new_object();
	struct ticket_change ch = {t, ticket_id, actor_id, false, EVENT_QUEUED, false};

	if (db_exec(db, assign_sql[ASSIGN_QUEUE], NULL, NULL, "sii", queue, t->id, ticket_id) == -1) {
		json_object_put(data);
		return -1;
	}
	json_add_str(data, "queue", queue);
	json_add_str(data, "reason", reason);
	if (timeline_record(db, a, &ch, data) == -1)
		return -1;
	if (p->manager_id > 0 &&
	    db_exec(db, assign_sql[ASSIGN_NOTIFY], NULL, NULL, "iiiss", t->id, p->manager_id, ticket_id, queue,
	            arena_printf(a, "Ticket #%lld waits in the %s queue: %s", number, queue, reason)) == -1)
		return -1;
	return 0;
}

static int route(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, long long actor_id,
                 bool by_rule);

int assign_new_ticket(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, long long actor_id)
{
	return route(db, a, t, ticket_id, actor_id, false);
}

int assign_route(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id)
{
	return route(db, a, t, ticket_id, 0, true);
}

/* The ticket as routing needs it (ASSIGN_TICKET) into *tk and its pipeline into *p (NULL when
 * unknown); -1 on a database failure or a missing ticket. */
static int ticket_row(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id,
                      struct assign_ticket *tk, const struct pipeline **p)
{
	struct db_rows tr;

	if (db_query(db, a, assign_sql[ASSIGN_TICKET], &tr, "ii", t->id, ticket_id) == -1)
		return -1;
	if (tr.nrows != 1)
		return -1;
	*tk = (struct assign_ticket){.pipeline_id = db_cell_ll(&tr, 0, 0),
	                             .category_id = db_cell_ll(&tr, 0, 1),
	                             .priority = db_cell(&tr, 0, 2),
	                             .number = db_cell_ll(&tr, 0, 3),
	                             .team_id = db_cell_ll(&tr, 0, 4),
	                             .assignee_id = db_cell_ll(&tr, 0, 5)};
	*p = tenant_pipeline_by_id(t, tk->pipeline_id);
	return 0;
}

/* The choice for ticket tk in pipeline p: its category's skill and team, the level its priority
 * needs, the agents who could take it with their open tickets, and the pick. Nothing is locked:
 * lock_choice confirms the pick. */
static int choose(struct db *db, struct arena *a, const struct tenant *t, const struct pipeline *p,
                  const struct assign_ticket *tk, bool shortlist, struct assign_choice *out)
{
	struct db_rows rows;
	long long skill_id = 0, category_team = 0;
	struct assign_candidate *c;

	out->skill = NULL;
	out->min_level = 0;
	if (tk->category_id > 0) {
		/* The category's skill and team come with the tenant's configuration. */
		const struct tenant_category *cat = tenant_category_by_id(t, tk->category_id);
		int prio = tenant_priority_index(tk->priority);

		if (cat != NULL && cat->skill_id > 0) {
			skill_id = cat->skill_id;
			out->skill = cat->skill;
			category_team = cat->team_id;
			/* Without a setting, the level follows the priority: low 1, normal 2, high 3, urgent 4. */
			out->min_level = prio >= 0 && t->min_level[prio] > 0 ? t->min_level[prio] : prio + 1;
		}
	}
	{
		/* By team, the router only picks agents who can see the ticket. */
		long long team = !t->agents_see_all && !t->cross_team_assignment ? p->team_id : 0;

		/* A category that names a team is worked by that team, and a team a rule set wins. */
		if (category_team > 0)
			team = category_team;
		if (tk->team_id > 0)
			team = tk->team_id;

		if (skill_id > 0 ? db_query(db, a, assign_sql[ASSIGN_AGENTS_SKILL], &rows, "iiiiiii", skill_id, t->id,
		                            team, team, (long long)shortlist, (long long)out->min_level,
		                            shortlist ? (long long)ASSIGN_SHORTLIST : 1000000LL)
		                 : db_query(db, a, assign_sql[ASSIGN_AGENTS_ANY], &rows, "iiiii", t->id, team, team,
		                            (long long)shortlist, shortlist ? (long long)ASSIGN_SHORTLIST : 1000000LL))
			return -1;
	}
	c = arena_alloc(a, (rows.nrows ? rows.nrows : 1) * sizeof(*c));
	for (size_t i = 0; i < rows.nrows; i++) {
		c[i].user_id = db_cell_ll(&rows, i, 0);
		c[i].name = db_cell(&rows, i, 1);
		c[i].level = (int)db_cell_ll(&rows, i, 2);
		c[i].capacity = db_cell_ll(&rows, i, 3);
		c[i].available = db_cell_ll(&rows, i, 4) != 0;
		c[i].last_assigned = db_cell_ll(&rows, i, 5);
		c[i].open = db_cell_ll(&rows, i, 6);
	}
	out->truncated = shortlist && rows.nrows == ASSIGN_SHORTLIST;
	out->candidates = c;
	out->ncandidates = rows.nrows;
	out->chosen = assign_choose(a, c, rows.nrows, out->skill, out->min_level, &out->reason);
	return 0;
}

/* Locks the chosen agent's row and reads it again; while it differs from what the choice saw
 * (another transaction assigned them a ticket, closed one, or they went away since), takes the
 * fresh values and chooses again. A candidate read under its lock cannot change again, so this
 * ends within one round per candidate. An agent whose row another create holds (it is assigning
 * them a ticket now) is passed over for the next best, so concurrent creates spread instead of
 * queueing behind one agent; only when nobody else is left (and may_wait) does the choice wait
 * for those rows.
 * Rows locked on the way stay locked to the commit: InnoDB keeps them, and they are few. 0
 * (out->chosen, out->reason final; -1 when nobody has room) or -1 on a database failure. */
static int lock_choice(struct db *db, struct arena *a, const struct tenant *t, bool may_wait, struct assign_choice *out)
{
	bool *passed = arena_alloc(a, (out->ncandidates ? out->ncandidates : 1) * sizeof(*passed));
	bool *was_available = arena_alloc(a, (out->ncandidates ? out->ncandidates : 1) * sizeof(*was_available));
	bool wait = false;
	size_t npassed = 0;

	memset(passed, 0, (out->ncandidates ? out->ncandidates : 1) * sizeof(*passed));
	for (;;) {
		while (out->chosen >= 0) {
			struct assign_candidate *x = &out->candidates[out->chosen];
			struct db_rows rows;
			long long capacity, open;
			bool available;
			long long last;

			if (db_query(db, a, assign_sql[wait ? ASSIGN_LOCK : ASSIGN_LOCK_SKIP], &rows, "ii", t->id,
			             x->user_id) == -1)
				return -1;
			if (rows.nrows == 0 && !wait) {
				/* Held by another transaction (or gone): for now, as if away. */
				passed[out->chosen] = true;
				was_available[out->chosen] = x->available;
				npassed++;
				x->available = false;
				out->chosen = assign_choose(a, out->candidates, out->ncandidates, out->skill,
				                            out->min_level, &out->reason);
				continue;
			}
			if (rows.nrows == 1) {
				capacity = db_cell_ll(&rows, 0, 0);
				available = db_cell_ll(&rows, 0, 1) != 0;
				last = db_cell_ll(&rows, 0, 2);
				open = db_cell_ll(&rows, 0, 3);
			} else {
				capacity = 0;
				available = false;
				last = x->last_assigned;
				open = x->open;
			}
			if (capacity == x->capacity && available == x->available && last == x->last_assigned &&
			    open == x->open)
				return 0;
			x->capacity = capacity;
			x->available = available;
			x->last_assigned = last;
			x->open = open;
			out->chosen = assign_choose(a, out->candidates, out->ncandidates, out->skill, out->min_level,
			                            &out->reason);
		}
		if (wait || npassed == 0 || !may_wait)
			return 0;
		/* Nobody free had room: wait for the agents passed over, as they are once committed. */
		for (size_t i = 0; i < out->ncandidates; i++)
			if (passed[i])
				out->candidates[i].available = was_available[i];
		wait = true;
		out->chosen =
		        assign_choose(a, out->candidates, out->ncandidates, out->skill, out->min_level, &out->reason);
	}
}

int assign_pick(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, struct assign_choice *out)
{
	struct assign_ticket tk;
	const struct pipeline *p;

	if (ticket_row(db, a, t, ticket_id, &tk, &p) == -1 || p == NULL)
		return -1;
	return choose(db, a, t, p, &tk, true, out);
}

/* The router's choice for tk in p with the chosen agent's row locked: the short list first; when
 * everyone on it is taken or being assigned meanwhile, all who could take the ticket, and only
 * then a wait for the rows other creates hold. ch->chosen -1: nobody has room. 0 or -1. */
static int choose_locked(struct db *db, struct arena *a, const struct tenant *t, const struct pipeline *p,
                         const struct assign_ticket *tk, struct assign_choice *ch)
{
	if (choose(db, a, t, p, tk, true, ch) == -1 || lock_choice(db, a, t, !ch->truncated, ch) == -1)
		return -1;
	if (ch->chosen < 0 && ch->truncated &&
	    (choose(db, a, t, p, tk, false, ch) == -1 || lock_choice(db, a, t, true, ch) == -1))
		return -1;
	return 0;
}

/* The ticket goes to agent (ASSIGN_SET unless it was written with them): their last assignment
 * time, and the choice and its reason on the timeline. 0 or -1. */
static int assign_to(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, long long agent,
                     const char *name, const char *reason, bool set)
{
	struct json_object *data;
	struct ticket_change tc = {t, ticket_id, 0, false, EVENT_ASSIGNED, false};

	if ((set && db_exec(db, assign_sql[ASSIGN_SET], NULL, NULL, "iii", agent, t->id, ticket_id) == -1) ||
	    db_exec(db, assign_sql[ASSIGN_STAMP], NULL, NULL, "ii", t->id, agent) == -1)
		return -1;
	data = json_object_new_object();
	json_add_null(data, "from");
	json_add_int(data, "to", agent);
	json_add_str(data, "to_name", name);
	json_add_str(data, "reason", reason);
	return timeline_record(db, a, &tc, data);
}

static int route(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, long long actor_id,
                 bool by_rule)
{
	struct assign_ticket tk;
	const struct pipeline *p;
	struct assign_choice ch;

	if (ticket_row(db, a, t, ticket_id, &tk, &p) == -1)
		return -1;
	if (p == NULL || (!by_rule && p->intake == INTAKE_MANUAL))
		return 0;
	/* A rule on create (set_assignee, route_by_skill) already gave the new ticket someone: the
	 * intake does not take it from them, nor route it a second time. */
	if (!by_rule && tk.assignee_id > 0)
		return 0;
	if (!by_rule && p->intake == INTAKE_TRIAGE)
		return park(db, a, t, p, ticket_id, tk.number, actor_id, "triage",
		            "the pipeline's manager checks new tickets first");
	if (choose_locked(db, a, t, p, &tk, &ch) == -1)
		return -1;
	if (ch.chosen < 0)
		return park(db, a, t, p, ticket_id, tk.number, actor_id, "fallback", ch.reason);
	return assign_to(db, a, t, ticket_id, ch.candidates[ch.chosen].user_id, ch.candidates[ch.chosen].name,
	                 ch.reason, true);
}

int assign_early_choose(struct db *db, struct arena *a, const struct tenant *t, const struct assign_ticket *tk,
                        struct assign_early *out)
{
	const struct pipeline *p = tenant_pipeline_by_id(t, tk->pipeline_id);
	struct assign_choice ch;

	memset(out, 0, sizeof(*out));
	out->pipeline_id = tk->pipeline_id;
	if (p == NULL || p->intake != INTAKE_ROUTER)
		BUG("early routing of a ticket whose pipeline does not route");
	if (choose_locked(db, a, t, p, tk, &ch) == -1)
		return -1;
	out->reason = ch.reason;
	if (ch.chosen >= 0) {
		out->user_id = ch.candidates[ch.chosen].user_id;
		out->name = ch.candidates[ch.chosen].name;
	}
	return 0;
}

int assign_early_finish(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, long long number,
                        long long actor_id, const struct assign_early *e)
{
	if (e->user_id > 0)
		return assign_to(db, a, t, ticket_id, e->user_id, e->name, e->reason, false);
	return park(db, a, t, tenant_pipeline_by_id(t, e->pipeline_id), ticket_id, number, actor_id, "fallback",
	            e->reason);
}
