/* ctl lights: operator checks of the traffic lights. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/arena.h"
#include "../db/db.h"
#include "../light/light_db.h"
#include "../light/light_replay.h"
#include "../tenant/tenant.h"
#include "ctl.h"

static void print_state(const char *label, const struct light_state *s)
{
	printf("  %s: started %lld running_since %lld accrued %lld amber %lld red %lld\n", label,
	       (long long)s->cycle_started, (long long)s->running_since, s->accrued, (long long)s->amber_at,
	       (long long)s->red_at);
}

int ctl_lights_verify(const char *slug)
{
	static const char tenant_sql[] = "SELECT id FROM tenants WHERE slug = ?";
	static const char page_sql[] =
	        "SELECT id, number FROM tickets WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT 500";
	struct db *db = ctl_connect();
	struct arena *a = ctl_arena_get();
	struct arena *work = malloc(sizeof(*work));
	struct tenant_cache cache;
	struct tenant *t;
	struct db_rows rows;
	long long tenant_id, after = 0, checked = 0, mismatches = 0, partial = 0;
	time_t now = time(NULL);

	if (work == NULL)
		ctl_die("out of memory");
	if (db_query(db, a, tenant_sql, &rows, "s", slug) == -1 || rows.nrows != 1)
		ctl_die("no tenant %s", slug);
	tenant_id = db_cell_ll(&rows, 0, 0);
	arena_init(work);
	tenant_cache_init(&cache, "localhost");
	for (;;) {
		struct db_rows page;
		long long last;

		arena_reset(work);
		if (tenant_by_id(&cache, db, work, tenant_id, &t) != TENANT_FOUND)
			ctl_die("tenant %s is suspended or cannot be read", slug);
		if (db_query(db, work, page_sql, &page, "ii", tenant_id, after) == -1)
			ctl_die("cannot read tickets");
		if (page.nrows == 0)
			break;
		for (size_t i = 0; i < page.nrows; i++) {
			long long id = db_cell_ll(&page, i, 0), number = db_cell_ll(&page, i, 1);
			struct light_state stored[1][LEVEL__MAX];
			struct light_replay rp;

			if (light_db_load(db, work, tenant_id, &id, 1, stored) == -1 ||
			    light_replay_ticket(db, work, t, id, now, &rp) == -1)
				ctl_die("cannot read ticket #%lld", number);
			checked++;
			if (!rp.complete) {
				printf("#%lld: not replayable (events recorded before the clocks' inputs were)\n",
				       number);
				partial++;
				continue;
			}
			for (int l = 0; l < LEVEL__MAX; l++) {
				if (light_state_equal(&stored[0][l], &rp.state[l]))
					continue;
				printf("#%lld %s: stored and replayed differ\n", number,
				       light_level_name((enum light_level)l));
				print_state("stored  ", &stored[0][l]);
				print_state("replayed", &rp.state[l]);
				mismatches++;
			}
		}
		last = db_cell_ll(&page, page.nrows - 1, 0);
		after = last;
	}
	printf("%lld tickets checked, %lld mismatches, %lld not replayable\n", checked, mismatches, partial);
	tenant_cache_release(&cache);
	arena_release(work);
	free(work);
	return mismatches > 0 ? 1 : 0;
}

int ctl_lights_recompute(const char *slug)
{
	static const char tenant_sql[] = "SELECT id FROM tenants WHERE slug = ?";
	struct db *db = ctl_connect();
	struct arena *a = ctl_arena_get();
	struct tenant_cache cache;
	struct tenant *t;
	struct db_rows rows;
	struct timespec t0, t1;
	long long done, moved = 0;

	if (db_query(db, a, tenant_sql, &rows, "s", slug) == -1 || rows.nrows != 1)
		ctl_die("no tenant %s", slug);
	tenant_cache_init(&cache, "localhost");
	if (tenant_by_id(&cache, db, a, db_cell_ll(&rows, 0, 0), &t) != TENANT_FOUND)
		ctl_die("tenant %s is suspended or cannot be read", slug);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	done = light_recompute_tenant(db, a, t, &moved);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (done < 0)
		ctl_die("recomputing the lights of %s failed", slug);
	printf("recomputed the lights of %lld tickets in %.2f s (%lld moved)\n", done,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, moved);
	tenant_cache_release(&cache);
	return 0;
}
