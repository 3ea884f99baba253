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
 * first served), so a lone busy tenant keeps the whole pool when nothing of its is slow. */
#define POOL_SLOW_MS 50

struct pool_slot {
	_Atomic long long tenant; /* 0: idle */
	_Atomic long long since;  /* ms (monotonic) the request began */
	atomic_int hashing;
	char pad[64 - 2 * sizeof(long long) - sizeof(int)];
};

static struct pool_slot *slots;
static int nslots, share, hash_limit;
static int mine = -1;

int pool_init(int n, int tenant_share, int hashes)
{
	void *p = mmap(NULL, (size_t)n * sizeof(*slots), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		log_error("%s: mmap: %s", __func__, strerror(errno));
		return -1;
	}
	slots = p;
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

bool pool_enter(long long tenant_id)
{
	int holding = 0;
	long long now, oldest;

	if (mine < 0)
		return true;
	now = now_ms();
	oldest = now;
	atomic_store(&slots[mine].since, now);
	atomic_store(&slots[mine].tenant, tenant_id);
	for (int i = 0; i < nslots; i++) {
		if (atomic_load(&slots[i].tenant) != tenant_id)
			continue;
		holding++;
		if (i != mine) {
			long long since = atomic_load(&slots[i].since);

			oldest = since < oldest ? since : oldest;
		}
	}
	if (holding <= share || now - oldest < POOL_SLOW_MS)
		return true;
	atomic_store(&slots[mine].tenant, 0);
	return false;
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
