/* scheduler: the background process beside the workers: the breach sweeper and the
 * recomputation of lights after a calendar or threshold change, under a lease so exactly one
 * host runs them. */
#ifndef SCHED_SCHEDULER_H
#define SCHED_SCHEDULER_H

struct db_config;

struct scheduler_config {
	const struct db_config *db;
	const char *base_domain;
	int interval_ms; /* between passes */
};

/* Runs passes until a stop is requested; returns the exit status. */
int scheduler_run(const struct scheduler_config *cfg);

#endif
