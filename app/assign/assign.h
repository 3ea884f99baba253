/* assign: who gets a new ticket. The router picks, among available agents with the skill at
 * the level the priority needs and room under their capacity, the one with the fewest open
 * tickets; ties go to the one who has waited longest since their last assignment. */
#ifndef ASSIGN_ASSIGN_H
#define ASSIGN_ASSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct arena;
struct db;
struct tenant;

struct assign_candidate {
	long long user_id;
	const char *name;
	int level;          /* in the needed skill; 0 when no skill is needed */
	long long open;     /* open tickets assigned now */
	long long capacity; /* most open tickets at once */
	bool available;
	long long last_assigned; /* microseconds since the epoch; 0: never */
};

/* Returns the index of the chosen candidate, or -1 when none is eligible. The reason, in
 * words for the timeline, is written to *reason (arena memory) either way. skill may be NULL
 * (no skill needed, min_level 0). */
int assign_choose(struct arena *a, const struct assign_candidate *c, size_t n, const char *skill, int min_level,
                  const char **reason);

/* The router's choice for a ticket, without acting on it: the candidates the database gives
 * (the best few eligible agents, in the choice's order) with the open tickets their rows count,
 * and assign_choose over them. Nothing is locked: routing
 * locks the chosen agent and confirms the choice before it assigns.
 * Arena memory; chosen is an index into candidates, or -1 with reason saying why. */
struct assign_choice {
	const char *skill; /* NULL: the ticket's category needs none */
	int min_level;
	struct assign_candidate *candidates;
	size_t ncandidates;
	bool truncated; /* candidates is the best few eligible agents: there may be more */
	int chosen;
	const char *reason;
};

/* A ticket as routing sees it. */
struct assign_ticket {
	long long pipeline_id, category_id, team_id, assignee_id, number; /* 0: none */
	const char *priority;
};

/* Fills *out for the ticket whatever its pipeline's intake; changes nothing. 0, or -1 on a
 * database failure or a ticket that does not exist. */
int assign_pick(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, struct assign_choice *out);

/* Routes a just-created ticket (inside its transaction) as its pipeline's intake says: to an
 * agent by skill, to the triage queue, or to the fallback queue (notifying the pipeline's
 * manager) when nobody can take it. Records the outcome on the timeline. A ticket a rule on
 * create already assigned is left as it is. 0 or -1. */
int assign_new_ticket(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, long long actor_id);

/* Routing decided before a new ticket is written, so it is written with its agent instead of
 * written and then changed (see tenant->rules_leave_routing: no rule can change what routing
 * reads, or read what it decides, in the meantime). The chosen agent is locked as
 * assign_new_ticket locks them. user_id 0: nobody has room (reason says why). */
struct assign_early {
	long long pipeline_id;
	long long user_id;
	const char *name, *reason;
};
/* The choice for tk, whose pipeline routes. 0 or -1. */
int assign_early_choose(struct db *db, struct arena *a, const struct tenant *t, const struct assign_ticket *tk,
                        struct assign_early *out);
/* Once the ticket (number, written with e->user_id as its assignee) and its creation are recorded:
 * the agent's last assignment time and the timeline's entry, or the fallback queue. 0 or -1. */
int assign_early_finish(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, long long number,
                        long long actor_id, const struct assign_early *e);

/* The same router for a ticket a rule hands to it, whatever the pipeline's intake: an agent by
 * skill, or the fallback queue. The rule clears the assignee first. 0 or -1. */
int assign_route(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id);

#endif
