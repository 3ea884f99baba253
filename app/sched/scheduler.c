/* scheduler: one pass a second; each pass renews the lease before it works, and work stops
 * at the first failure so the next pass starts clean. */
#include "scheduler.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/arena.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../light/light_db.h"
#include "../master.h"
#include "../rule/rule.h"
#include "../tenant/tenant.h"
#include "lease.h"

#define LEASE_SECONDS 10

enum scheduler_stmt {
	SCHED_STALE_LIGHTS, /* tenants whose lights need recomputing */
	SCHED_LIGHTS_DONE,  /* mark one done */
	SCHED_STMT__MAX
};

static const char *const scheduler_sql[SCHED_STMT__MAX] = {
        /* SCHED_STALE_LIGHTS */
        [SCHED_STALE_LIGHTS] = "SELECT id, lights_version FROM tenants WHERE lights_version <> lights_done_version AND "
                               "status = 'active' "
                               "ORDER BY id LIMIT 20",
        /* SCHED_LIGHTS_DONE */
        [SCHED_LIGHTS_DONE] = "UPDATE tenants SET lights_done_version = ? WHERE id = ?",
};

static void pass(struct db *db, struct arena *a, struct tenant_cache *cache, const char *holder, time_t *summarised)
{
	struct db_rows stale;
	long long n;

	if (lease_take(db, a, "sweeper", holder, LEASE_SECONDS) != 1)
		return;
	n = light_sweep(db, a, cache);
	if (n > 0)
		log_info("recorded %lld light changes", n);
	n = rule_sweep_time(db, a, cache);
	if (n > 0)
		log_info("fired %lld time-based rules", n);
	if (time(NULL) - *summarised >= LIGHT_SUMMARY_EVERY) {
		if (light_board_summarise(db, a) == -1)
			return;
		*summarised = time(NULL);
	}
	if (db_query(db, a, scheduler_sql[SCHED_STALE_LIGHTS], &stale, "") == -1)
		return;
	for (size_t i = 0; i < stale.nrows; i++) {
		struct tenant *t;
		long long id = db_cell_ll(&stale, i, 0), done, moved = 0;
		struct timespec t0, t1;

		if (tenant_by_id(cache, db, a, id, &t) != TENANT_FOUND)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		done = light_recompute_tenant(db, a, t, &moved);
		if (done < 0)
			return;
		if (db_exec(db, scheduler_sql[SCHED_LIGHTS_DONE], NULL, NULL, "ii", db_cell_ll(&stale, i, 1), id) == -1)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		log_info("tenant %lld: recomputed the lights of %lld tickets in %.1f s (%lld moved)", id, done,
		         (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, moved);
	}
}

int scheduler_run(const struct scheduler_config *cfg)
{
	struct db db;
	struct arena a;
	struct tenant_cache cache;
	char holder[128], host[64] = "host";
	time_t summarised = 0;

	gethostname(host, sizeof(host) - 1);
	snprintf(holder, sizeof(holder), "%s:%d", host, (int)getpid());
	arena_init(&a);
	tenant_cache_init(&cache, cfg->base_domain);
	if (db_open(&db, cfg->db) == -1)
		log_warn("starting without a database connection");
	while (!master_stop_requested()) {
		struct timespec pause = {cfg->interval_ms / 1000, (long)(cfg->interval_ms % 1000) * 1000000L};

		pass(&db, &a, &cache, holder, &summarised);
		db_rollback(&db); /* nothing is left open across a sleep */
		arena_reset(&a);
		if (master_stop_requested())
			break;
		nanosleep(&pause, NULL);
	}
	tenant_cache_release(&cache);
	db_close(&db);
	arena_release(&a);
	return 0;
}
