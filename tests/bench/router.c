/* bench-router: the time the router's choice costs a worker.
 *
 *   build/bench-router [ITERATIONS [ROUNDS [SLUG...]]]
 *
 * First assign_choose, the pure choice, over 500 candidates made in memory (mixed skill levels,
 * capacities, open tickets and availability), ITERATIONS times (default 200000). Then, for each
 * tenant SLUG, the choice as a worker makes it: assign_pick (the ticket, its category's skill, the
 * level its priority needs, the short list of the best eligible agents the database reads in the
 * router's order out of all the tenant's agents, the pick) on the
 * tenant's newest ticket, ROUNDS times (default 500), each in a transaction rolled back so nothing
 * changes; then assign_route (the choice and its recording: assignment, stamp, timeline and what
 * reacts to it) the same way. Times are per call: wall (the worker is busy for that long, waiting
 * on MariaDB included) and this process's CPU (the worker's own work). The database comes from
 * PORTAL_DB_* like portald's. One line per measurement, as key=value pairs, for ops/bench.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../app/assign/assign.h"
#include "../../app/core/arena.h"
#include "../../app/core/log.h"
#include "../../app/db/db.h"
#include "../../app/tenant/tenant.h"

#define CANDIDATES 500

static double now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile p of n sorted values. */
static double rank(const double *v, size_t n, double p)
{
	size_t k = (size_t)((p / 100.0) * (double)n + 0.999999);

	return v[k == 0 ? 0 : k - 1];
}

static void summary(const char *what, const char *slug, size_t rounds, long long agents, size_t candidates,
                    double stmts, double *wall, double *cpu)
{
	double wall_sum = 0, cpu_sum = 0;

	for (size_t i = 0; i < rounds; i++) {
		wall_sum += wall[i];
		cpu_sum += cpu[i];
	}
	qsort(wall, rounds, sizeof(*wall), cmp_double);
	qsort(cpu, rounds, sizeof(*cpu), cmp_double);
	printf("what=%s tenant=%s rounds=%zu agents=%lld candidates=%zu stmts=%.1f wall_mean_us=%.1f wall_p50_us=%.1f "
	       "wall_p90_us=%.1f wall_p99_us=%.1f cpu_mean_us=%.1f cpu_p50_us=%.1f cpu_p90_us=%.1f cpu_p99_us=%.1f\n",
	       what, slug, rounds, agents, candidates, stmts, wall_sum / (double)rounds / 1e3,
	       rank(wall, rounds, 50) / 1e3, rank(wall, rounds, 90) / 1e3, rank(wall, rounds, 99) / 1e3,
	       cpu_sum / (double)rounds / 1e3, rank(cpu, rounds, 50) / 1e3, rank(cpu, rounds, 90) / 1e3,
	       rank(cpu, rounds, 99) / 1e3);
}

/* The pure choice over candidates made like the routing tenant's agents. */
static void bench_choose(long iterations)
{
	static struct assign_candidate c[CANDIDATES];
	struct arena a;
	const char *reason = NULL;
	double w0, c0, w1, c1;
	size_t eligible = 0;
	long sum = 0;

	for (int k = 1; k <= CANDIDATES; k++) {
		struct assign_candidate *x = &c[k - 1];

		x->user_id = 1000 + k;
		x->name = "Agent";
		x->level = 1 + (k * 7) % 5;
		x->capacity = 5 + (k * 13) % 56;
		x->open = (k * 31) % (x->capacity + 3);
		x->available = k % 4 != 0;
		x->last_assigned = k % 7 == 0 ? 0 : 1700000000 + (k * 977) % 86400;
		eligible += x->available && x->level >= 2 && x->open < x->capacity;
	}
	arena_init(&a);
	w0 = now_ns(CLOCK_MONOTONIC);
	c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	for (long i = 0; i < iterations; i++) {
		sum += assign_choose(&a, c, CANDIDATES, "printers", 2, &reason);
		if ((i & 255) == 255)
			arena_reset(&a); /* the reasons, as a worker resets after each request */
	}
	c1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	w1 = now_ns(CLOCK_MONOTONIC);
	arena_release(&a);
	printf("what=choose candidates=%d eligible=%zu iterations=%ld wall_ns=%.0f cpu_ns=%.0f check=%ld\n", CANDIDATES,
	       eligible, iterations, (w1 - w0) / (double)iterations, (c1 - c0) / (double)iterations, sum);
}

static int bench_tenant(struct db *db, struct tenant_cache *cache, const char *slug, size_t rounds)
{
	struct arena a;
	struct db_rows rows;
	struct tenant *t;
	long long ticket_id;
	double *wall = calloc(rounds, sizeof(*wall)), *cpu = calloc(rounds, sizeof(*cpu));
	size_t candidates = 0;
	long long agents;
	int rc = -1;

	arena_init(&a);
	if (wall == NULL || cpu == NULL)
		goto done;
	if (db_query(db, &a, "SELECT id FROM tenants WHERE slug = ?", &rows, "s", slug) == -1 || rows.nrows != 1) {
		fprintf(stderr, "bench-router: no tenant %s\n", slug);
		goto done;
	}
	if (tenant_by_id(cache, db, &a, db_cell_ll(&rows, 0, 0), &t) != TENANT_FOUND)
		goto done;
	if (db_query(db, &a, "SELECT COUNT(*) FROM users WHERE tenant_id = ? AND role = 'agent' AND disabled = 0",
	             &rows, "i", t->id) == -1)
		goto done;
	agents = db_cell_ll(&rows, 0, 0);
	/* The newest ticket, one of a category if there is one: the router's usual case. */
	if (db_query(db, &a,
	             "SELECT id FROM tickets WHERE tenant_id = ? ORDER BY category_id IS NULL, number DESC LIMIT 1",
	             &rows, "i", t->id) == -1 ||
	    rows.nrows != 1) {
		fprintf(stderr, "bench-router: %s has no ticket\n", slug);
		goto done;
	}
	ticket_id = db_cell_ll(&rows, 0, 0);
	for (int route = 0; route < 2; route++) {
		unsigned long long q0 = db->queries;

		for (size_t i = 0; i < rounds; i++) {
			struct assign_choice ch;
			double w0, c0;
			int r;

			arena_reset(&a);
			if (db_begin(db) == -1)
				goto done;
			w0 = now_ns(CLOCK_MONOTONIC);
			c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
			r = route ? assign_route(db, &a, t, ticket_id) : assign_pick(db, &a, t, ticket_id, &ch);
			cpu[i] = now_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
			wall[i] = now_ns(CLOCK_MONOTONIC) - w0;
			db_rollback(db);
			if (r == -1)
				goto done;
			if (!route)
				candidates = ch.ncandidates;
		}
		/* Less the START TRANSACTION before each call (the rollback is not a statement). */
		summary(route ? "route" : "pick", slug, rounds, agents, candidates,
		        (double)(db->queries - q0) / (double)rounds - 1, wall, cpu);
	}
	rc = 0;
done:
	arena_release(&a);
	free(wall);
	free(cpu);
	return rc;
}

int main(int argc, char **argv)
{
	long iterations = argc > 1 ? atol(argv[1]) : 200000;
	size_t rounds = argc > 2 ? (size_t)atol(argv[2]) : 500;
	struct db_config cfg;
	struct db db;
	struct tenant_cache cache;
	int rc = 0;

	log_setup("bench-router", LOG_INFO);
	if (iterations < 1 || rounds < 1) {
		fprintf(stderr, "usage: bench-router [ITERATIONS [ROUNDS [SLUG...]]]\n");
		return 2;
	}
	bench_choose(iterations);
	if (argc <= 3)
		return 0;
	db_config_from_env(&cfg);
	if (db_open(&db, &cfg) == -1)
		return 1;
	tenant_cache_init(&cache, "localhost");
	for (int i = 3; i < argc; i++)
		if (bench_tenant(&db, &cache, argv[i], rounds) == -1)
			rc = 1;
	tenant_cache_release(&cache);
	db_close(&db);
	return rc;
}
