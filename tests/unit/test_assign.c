/* test_assign: the router's choice, with the product's own examples. */
#include "../../app/assign/assign.h"
#include "../../app/core/arena.h"
#include "unit.h"

static void picks_fewest_open_then_longest_wait(void)
{
	struct arena a;
	const char *reason;
	/* A (printers 4, 2 open of 8), B (printers 5, 2 open of 8, last assigned earlier), C (printers 2, 0 open) */
	struct assign_candidate c[] = {
	        {1, "Ana", 4, 2, 8, true, 1000},
	        {2, "Ben", 5, 2, 8, true, 500},
	        {3, "Cem", 2, 0, 8, true, 0},
	};

	arena_init(&a);
	CHECK_INT(assign_choose(&a, c, 3, "printers", 3, &reason), 1);
	CHECK_STR(reason, "assigned to Ben: skill printers 5 \xE2\x89\xA5 3, 2 open of 8");
	c[1].available = false; /* B away: A */
	CHECK_INT(assign_choose(&a, c, 3, "printers", 3, &reason), 0);
	CHECK_STR(reason, "assigned to Ana: skill printers 4 \xE2\x89\xA5 3, 2 open of 8");
	c[0].open = 8; /* A full: nobody qualifies */
	CHECK_INT(assign_choose(&a, c, 3, "printers", 3, &reason), -1);
	CHECK_STR(reason, "no available agent with printers 3 or more and room under their capacity");
	arena_release(&a);
}

static void spreads_load_and_skips_away(void)
{
	struct arena a;
	const char *reason;
	struct assign_candidate c[] = {
	        {1, "Ana", 3, 0, 10, true, 0},
	        {2, "Ben", 3, 0, 10, true, 0},
	        {3, "Cem", 3, 0, 10, false, 0},
	};
	int got[3] = {0, 0, 0};

	arena_init(&a);
	for (int i = 0; i < 6; i++) {
		int k = assign_choose(&a, c, 3, "billing", 2, &reason);

		CHECK(k >= 0 && k < 2);
		if (k < 0)
			break;
		got[k]++;
		c[k].open++;
		c[k].last_assigned = 100 + i;
	}
	CHECK_INT(got[0], 3);
	CHECK_INT(got[1], 3);
	CHECK_INT(got[2], 0);
	c[0].available = c[1].available = false;
	CHECK_INT(assign_choose(&a, c, 3, "billing", 2, &reason), -1);
	CHECK_INT(assign_choose(&a, c, 0, NULL, 0, &reason), -1);
	CHECK_STR(reason, "no available agent with room under their capacity");
	arena_release(&a);
}

const struct unit_case assign_cases[] = {
        {"assign: skill and level, fewest open, longest wait, away and full", picks_fewest_open_then_longest_wait},
        {"assign: load spreads evenly and never to an away agent", spreads_load_and_skips_away},
        {NULL, NULL},
};
