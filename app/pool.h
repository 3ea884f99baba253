/* pool: a scoreboard in memory shared by the master and its workers. Each worker marks the
 * tenant it is serving and whether it is hashing a password, so that one tenant cannot hold
 * every worker (a noisy tenant must not starve the others) and a burst of sign-ins cannot take
 * every core. Without pool_init (portalctl, unit tests) nothing is limited. */
#ifndef POOL_H
#define POOL_H

#include <stdbool.h>

/* Master, before the first fork: room for nslots workers; tenant_share is the most workers one
 * tenant may hold at once, hash_limit the most password hashes running at once (each >= 1).
 * Returns 0, or -1 when the shared mapping cannot be made (logged). */
int pool_init(int nslots, int tenant_share, int hash_limit);
/* Master: slot now belongs to a new process, or to none; whatever its last owner held (a
 * worker killed mid-request) is released. */
void pool_slot_reset(int slot);
/* Worker, right after the fork: the slot it owns. */
void pool_attach(int slot);

/* Worker: marks the request's tenant. Returns false, with the mark withdrawn, when the tenant
 * already holds its share of the workers, one of those requests has run for a while, and
 * another tenant was served in the last seconds. A tenant whose requests are all quick, or
 * that is alone on the pool, may use every worker. */
bool pool_enter(long long tenant_id);
/* Worker: the request is done (harmless when nothing is marked). */
void pool_leave(void);

/* Worker: waits up to wait_ms for a turn to hash a password. Returns true with the turn taken
 * (give it back with pool_hash_end), false when none came in time. */
bool pool_hash_begin(int wait_ms);
void pool_hash_end(void);

#endif
