/* lease: work that must run once per installation takes a lease row with an expiry; another
 * host takes over when the holder stops renewing it. No LOCK TABLES or GET_LOCK (Galera). */
#ifndef SCHED_LEASE_H
#define SCHED_LEASE_H

struct arena;
struct db;

/* Takes or renews lease name for holder for seconds. Returns 1 when holder has it, 0 when
 * another does, -1 on database failure. */
int lease_take(struct db *db, struct arena *a, const char *name, const char *holder, int seconds);

#endif
