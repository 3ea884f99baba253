/* worker: everything one worker process keeps between requests. */
#ifndef WORKER_H
#define WORKER_H

#include <stdbool.h>

#include "auth/token.h"
#include "core/arena.h"
#include "db/db.h"
#include "tenant/tenant.h"

struct worker {
	struct db db;
	struct arena arena; /* reset after every request */
	struct tenant_cache tenants;
	unsigned char master_key[TOKEN_KEY_LEN];
	bool cookie_secure;  /* add Secure to cookies (behind TLS) */
	long token_lifetime; /* seconds */
	unsigned long long requests;
};

#endif
