/* pool: the shared scoreboard. One cache line per worker slot, written only by its owner (and by
 * the master between owners). A worker publishes its mark first and counts the others' after,
 * with sequentially consistent atomics, so two workers racing for the last place can both be
 * turned away but never both admitted. */
#include "pool.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "core/log.h"

/* A tenant over its share is turned away only while one of its requests has held a worker this
 * long: quick requests turn the workers over fast enough for everyone (the queue is first come,
 * first served). */
#define POOL_SLOW_MS 50
/* ...and only while another tenant was served this recently: a tenant alone on the pool may use
 * all of it. */
#define POOL_OTHERS_MS 2000

struct pool_slot {
	_Atomic long long tenant; /* 0: idle */
	_Atomic long long since;  /* ms (monotonic) the request began */
	atomic_int hashing;
	char pad[64 - 2 * sizeof(long long) - sizeof(int)];
};

/* When each tenant was last admitted, in buckets by tenant id (two tenants sharing a bucket
 * only hide each other's activity, which errs towards admitting). */
#define POOL_RECENT 256
struct pool_recent {
	_Atomic long long tenant;
	_Atomic long long at; /* ms (monotonic) */
};

static struct pool_slot *slots;
static struct pool_recent *recent;
static int nslots, share, hash_limit;
static int mine = -1;

int pool_init(int n, int tenant_share, int hashes)
{
	size_t size = (size_t)n * sizeof(*slots) + POOL_RECENT * sizeof(*recent);
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		log_error("%s: mmap: %s", __func__, strerror(errno));
		return -1;
	}
	slots = p;
	recent = (struct pool_recent *)(slots + n);
	nslots = n;
	share = tenant_share < 1 ? 1 : tenant_share;
	hash_limit = hashes < 1 ? 1 : hashes;
	return 0;
}

void pool_slot_reset(int slot)
{
	if (slots == NULL || slot < 0 || slot >= nslots)
		return;
	atomic_store(&slots[slot].tenant, 0);
	atomic_store(&slots[slot].hashing, 0);
}

void pool_attach(int slot)
{
	mine = slots != NULL && slot >= 0 && slot < nslots ? slot : -1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True when a tenant other than tenant_id was admitted in the last POOL_OTHERS_MS. */
static bool others_active(long long tenant_id, long long now)
{
	for (int i = 0; i < POOL_RECENT; i++) {
		long long t = atomic_load(&recent[i].tenant);

		if (t != 0 && t != tenant_id && now - atomic_load(&recent[i].at) < POOL_OTHERS_MS)
			return true;
	}
	return false;
}

bool pool_enter(long long tenant_id)
{
	int holding = 1; /* this request */
	long long now, oldest;
	struct pool_recent *mark;

	if (mine < 0)
		return true;
	now = now_ms();
	oldest = now;
	atomic_store(&slots[mine].since, now);
	atomic_store(&slots[mine].tenant, tenant_id);
	for (int i = 0; i < nslots; i++) {
		if (i == mine || atomic_load(&slots[i].tenant) != tenant_id)
			continue;
		holding++;
		{
			long long since = atomic_load(&slots[i].since);

			oldest = since < oldest ? since : oldest;
		}
	}
	if (holding > share && now - oldest >= POOL_SLOW_MS && others_active(tenant_id, now)) {
		atomic_store(&slots[mine].tenant, 0);
		return false;
	}
	mark = &recent[(unsigned long long)tenant_id % POOL_RECENT];
	atomic_store(&mark->at, now);
	atomic_store(&mark->tenant, tenant_id);
	return true;
}

void pool_leave(void)
{
	if (mine >= 0)
		atomic_store(&slots[mine].tenant, 0);
}

static bool hash_try(void)
{
	int running = 0;

	atomic_store(&slots[mine].hashing, 1);
	for (int i = 0; i < nslots; i++)
		running += atomic_load(&slots[i].hashing);
	if (running <= hash_limit)
		return true;
	atomic_store(&slots[mine].hashing, 0);
	return false;
}

bool pool_hash_begin(int wait_ms)
{
	if (mine < 0)
		return true;
	for (int waited = 0;;) {
		/* 1-3 ms, different per slot, so two waiters do not keep colliding in step. */
		int ms = 1 + (mine + waited) % 3;
		struct timespec pause = {0, ms * 1000L * 1000L};

		if (hash_try())
			return true;
		if (waited >= wait_ms)
			return false;
		nanosleep(&pause, NULL);
		waited += ms;
	}
}

void pool_hash_end(void)
{
	if (mine >= 0)
		atomic_store(&slots[mine].hashing, 0);
}
