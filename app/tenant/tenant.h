/* tenant: resolving the tenant of a request from its Host, and the per-worker cache of each
 * tenant's configuration, checked against tenants.config_version on every request so a change
 * made through any host is seen by every worker at its next request. */
#ifndef TENANT_TENANT_H
#define TENANT_TENANT_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/arena.h"
#include "../light/calendar.h"
#include "../light/light.h"

struct db;
struct pipeline;

#define TENANT_CACHE_MAX 128
#define TENANT_KID_LEN   16
/* Priorities in the order of their names: low, normal, high, urgent. */
#define TENANT_PRIORITIES 4

struct tenant_key {
	char kid[TENANT_KID_LEN + 1];
	bool retired; /* still verifies tokens issued before the rotation; signs nothing new */
};

struct tenant {
	long long id;
	const char *slug;
	const char *name;
	const char *time_zone;
	const char *branding_json; /* JSON object text */
	bool suspended;
	bool customers_see_company;
	unsigned long long config_version;
	struct pipeline *pipelines;
	size_t npipelines;
	struct tenant_key *keys; /* newest first; keys[0] signs */
	size_t nkeys;
	struct calendar calendar; /* business hours for the lights (24/7 in the tenant's zone if unset) */
	struct light_threshold thresholds[TENANT_PRIORITIES][LEVEL__MAX];
	unsigned long long lights_version;
	const char **words; /* the neutral-language list */
	size_t nwords;
	bool check_internal_notes;  /* internal notes are checked too (the default) */
	bool agents_see_all;        /* every agent sees every ticket (the default); else by team */
	bool cross_team_assignment; /* tickets may be assigned to staff outside the pipeline's team */
	/* No enabled rule changes what the router reads (priority, status, assignee, team) or asks
	 * about the assignee or queue: a new ticket may be routed before it is written. */
	bool rules_leave_routing;
	struct tenant_rule *rules; /* enabled change rules, in order */
	size_t nrules;
	struct tenant_category *categories;
	size_t ncategories;
	int min_level[TENANT_PRIORITIES]; /* the skill level a priority needs; 0: not set */
	struct arena mem;                 /* owns everything above */
};

/* An enabled rule that reacts to a change (time rules are the scheduler's), in the order rules
 * run: the rules are read with the rest of the configuration, not on every change. */
struct tenant_rule {
	long long id;
	const char *name;
	const char *trigger;    /* its name, e.g. "created" */
	const char *conditions; /* JSON text, validated when saved */
	const char *actions;
};

/* A category with the skill its tickets need (0/NULL: none) and the team that works them (0: the
 * pipeline's). */
struct tenant_category {
	long long id;
	const char *name;
	long long pipeline_id; /* 0: the default pipeline */
	long long team_id;
	long long skill_id;
	const char *skill;
};

/* A host name this worker has resolved, and to which tenant. */
struct tenant_host {
	char name[128];
	long long id;
};

struct tenant_cache {
	struct tenant *items[TENANT_CACHE_MAX];
	size_t n;
	struct tenant_host hosts[TENANT_CACHE_MAX];
	size_t nhosts;
	const char *base_domain; /* e.g. "localhost": <slug>.<base_domain> names a tenant */
};

void tenant_cache_init(struct tenant_cache *c, const char *base_domain);
void tenant_cache_release(struct tenant_cache *c);

enum tenant_lookup {
	TENANT_FOUND,
	TENANT_UNKNOWN,   /* no tenant for this host */
	TENANT_SUSPENDED, /* exists but suspended */
	TENANT_ERROR,     /* database failure */
};

/* Resolves the tenant for a Host header value (port and case ignored). Costs one indexed
 * query; reloads the cached configuration when its version changed. The tenant stays valid
 * until the next call. */
enum tenant_lookup tenant_resolve(struct tenant_cache *c, struct db *db, struct arena *a, const char *host,
                                  struct tenant **out);

/* The tenant this worker last resolved for host, from memory: no query, and unconfirmed. The
 * caller must check the tenant's status and version itself before trusting it (the session check
 * does, in the same statement); NULL when the host was not seen or its tenant left the cache. */
struct tenant *tenant_remembered(struct tenant_cache *c, const char *host);

/* The same for a tenant id (work that runs outside a request, like the sweeper). */
enum tenant_lookup tenant_by_id(struct tenant_cache *c, struct db *db, struct arena *a, long long id,
                                struct tenant **out);

/* The slug part of host if it is <slug>.<base_domain>, copied into out; false otherwise. */
bool tenant_slug_from_host(const char *host, const char *base_domain, char *out, size_t cap);

/* The tenant's default pipeline (BUG if it has none: tenants are created with one). */
const struct pipeline *tenant_default_pipeline(const struct tenant *t);
const struct pipeline *tenant_pipeline_by_id(const struct tenant *t, long long id);
/* The pipeline with this key, or NULL. */
const struct pipeline *tenant_pipeline_by_key(const struct tenant *t, const char *key);
/* The category with this id, or with exactly this name (a name that differs only in case is the
 * database's to match); NULL when not cached. */
const struct tenant_category *tenant_category_by_id(const struct tenant *t, long long id);
const struct tenant_category *tenant_category_by_name(const struct tenant *t, const char *name);
/* Index of a priority name (low 0 ... urgent 3), or -1. */
int tenant_priority_index(const char *priority);
/* The defaults a tenant's thresholds start from, in minutes of business time. */
void tenant_default_thresholds(struct light_threshold out[TENANT_PRIORITIES][LEVEL__MAX]);

#endif
