/* assign: the choice is pure; assign_db.c feeds it and records it. */
#include "assign.h"

#include "../core/arena.h"

int assign_choose(struct arena *a, const struct assign_candidate *c, size_t n, const char *skill, int min_level,
                  const char **reason)
{
	int best = -1;

	for (size_t i = 0; i < n; i++) {
		const struct assign_candidate *x = &c[i];

		if (!x->available || x->level < min_level || x->open >= x->capacity)
			continue;
		if (best >= 0) {
			const struct assign_candidate *b = &c[best];

			if (x->open > b->open)
				continue;
			if (x->open == b->open) {
				/* Waited longer: never assigned beats any time, earlier beats later. */
				if (b->last_assigned == 0 && x->last_assigned != 0)
					continue;
				if (x->last_assigned != 0 && b->last_assigned != 0 &&
				    x->last_assigned > b->last_assigned)
					continue;
				if (x->last_assigned == b->last_assigned && x->user_id > b->user_id)
					continue;
			}
		}
		best = (int)i;
	}
	if (best < 0) {
		*reason = skill ? arena_printf(a, "no available agent with %s %d or more and room under their capacity",
		                               skill, min_level)
		                : arena_strdup(a, "no available agent with room under their capacity");
		return -1;
	}
	if (skill)
		*reason = arena_printf(a, "assigned to %s: skill %s %d \xE2\x89\xA5 %d, %lld open of %lld",
		                       c[best].name, skill, c[best].level, min_level, c[best].open, c[best].capacity);
	else
		*reason = arena_printf(a, "assigned to %s: no skill needed, %lld open of %lld", c[best].name,
		                       c[best].open, c[best].capacity);
	return best;
}
