/* tenant: host parsing, the configuration cache and its loading. */
#include "tenant.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/log.h"
#include "../db/db.h"
#include "../pipeline/pipeline.h"
#include "../rule/rule.h"

enum tenant_stmt {
	TENANT_BY_SLUG,    /* the small row checked on every request */
	TENANT_BY_DOMAIN,  /* same, by custom domain */
	TENANT_BY_ID,      /* same, by id (the scheduler) */
	TENANT_FULL,       /* the configuration, loaded when the version changed */
	TENANT_KEYS,       /* signing key ids, newest first */
	TENANT_THRESHOLDS, /* traffic-light thresholds set by the admin */
	TENANT_WORDS,      /* the neutral-language list */
	TENANT_RULES,      /* enabled rules that react to changes, in order */
	TENANT_CATEGORIES, /* categories with their skill and team */
	TENANT_LEVELS,     /* the skill level each priority needs */
	TENANT_STMT__MAX
};

static const char *const tenant_sql[TENANT_STMT__MAX] = {
        /* TENANT_BY_SLUG */
        [TENANT_BY_SLUG] = "SELECT id, status, config_version FROM tenants WHERE slug = ?",
        /* TENANT_BY_DOMAIN */
        [TENANT_BY_DOMAIN] =
                "SELECT t.id, t.status, t.config_version FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id "
                "WHERE d.domain = ?",
        /* TENANT_BY_ID */
        [TENANT_BY_ID] = "SELECT id, status, config_version FROM tenants WHERE id = ?",
        /* TENANT_FULL */
        [TENANT_FULL] = "SELECT slug, name, time_zone, branding, "
                        "COALESCE(JSON_VALUE(settings, '$.customers_see_company'), '0'), calendar, lights_version, "
                        "COALESCE(JSON_VALUE(settings, '$.check_internal_notes'), '1'), "
                        "COALESCE(JSON_VALUE(settings, '$.agents_see_all'), '1'), "
                        "COALESCE(JSON_VALUE(settings, '$.cross_team_assignment'), '0') "
                        "FROM tenants WHERE id = ?",
        /* TENANT_KEYS */
        [TENANT_KEYS] = "SELECT kid, retired_at IS NOT NULL FROM signing_keys WHERE tenant_id = ? "
                        "AND (retired_at IS NULL OR retired_at > UTC_TIMESTAMP(6) - INTERVAL 1 DAY) ORDER BY "
                        "created_at DESC, kid",
        /* TENANT_THRESHOLDS */
        [TENANT_THRESHOLDS] =
                "SELECT priority, level, enabled, amber_minutes, red_minutes FROM light_thresholds WHERE tenant_id = ?",
        /* TENANT_WORDS */
        [TENANT_WORDS] = "SELECT term FROM word_list WHERE tenant_id = ? ORDER BY term LIMIT 500",
        /* TENANT_RULES */
        [TENANT_RULES] = "SELECT id, name, trigger_on, conditions, actions FROM rules WHERE tenant_id = ? AND "
                         "enabled = 1 AND trigger_on <> 'time_in_status' ORDER BY position, id",
        /* TENANT_CATEGORIES */
        [TENANT_CATEGORIES] = "SELECT c.id, c.name, COALESCE(c.pipeline_id, 0), COALESCE(c.team_id, 0), "
                              "COALESCE(s.id, 0), s.name FROM categories c LEFT JOIN skills s ON s.id = c.skill_id "
                              "AND s.tenant_id = c.tenant_id WHERE c.tenant_id = ? ORDER BY c.id",
        /* TENANT_LEVELS */
        [TENANT_LEVELS] = "SELECT priority, min_level FROM priority_levels WHERE tenant_id = ?",
};

static const char *const priority_names[TENANT_PRIORITIES] = {"low", "normal", "high", "urgent"};

int tenant_priority_index(const char *priority)
{
	for (int i = 0; i < TENANT_PRIORITIES; i++)
		if (priority != NULL && strcmp(priority, priority_names[i]) == 0)
			return i;
	return -1;
}

void tenant_default_thresholds(struct light_threshold out[TENANT_PRIORITIES][LEVEL__MAX])
{
	/* minutes: {amber, red} per level, for low, normal, high, urgent */
	static const int minutes[TENANT_PRIORITIES][LEVEL__MAX][2] = {
	        {{480, 960}, {1920, 3840}, {1440, 2880}}, /* low */
	        {{240, 480}, {960, 1920}, {960, 1440}},   /* normal */
	        {{60, 120}, {480, 960}, {240, 480}},      /* high */
	        {{30, 60}, {240, 480}, {120, 240}},       /* urgent */
	};

	for (int p = 0; p < TENANT_PRIORITIES; p++)
		for (int l = 0; l < LEVEL__MAX; l++) {
			out[p][l].enabled = true;
			out[p][l].amber_seconds = 60LL * minutes[p][l][0];
			out[p][l].red_seconds = 60LL * minutes[p][l][1];
		}
}

/* A calendar open around the clock in zone: what a tenant without business hours gets. */
static void calendar_around_the_clock(struct calendar *c, const char *zone)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->time_zone, sizeof(c->time_zone), "%s", zone);
	for (int d = 0; d < CALENDAR__MAX; d++) {
		c->week[d].nspans = 1;
		c->week[d].spans[0].start_min = 0;
		c->week[d].spans[0].end_min = 1440;
	}
}

void tenant_cache_init(struct tenant_cache *c, const char *base_domain)
{
	memset(c, 0, sizeof(*c));
	c->base_domain = base_domain;
}

static void tenant_free(struct tenant *t)
{
	arena_release(&t->mem);
	free(t);
}

void tenant_cache_release(struct tenant_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		tenant_free(c->items[i]);
	c->n = 0;
}

bool tenant_slug_from_host(const char *host, const char *base_domain, char *out, size_t cap)
{
	size_t hl, bl = strlen(base_domain), sl;
	const char *colon;

	if (host == NULL)
		return false;
	colon = strrchr(host, ':');
	hl = colon ? (size_t)(colon - host) : strlen(host);
	if (hl > 0 && host[hl - 1] == '.') /* a fully qualified name's trailing dot */
		hl--;
	if (hl <= bl + 1 || host[hl - bl - 1] != '.' || strncasecmp(host + hl - bl, base_domain, bl) != 0)
		return false;
	sl = hl - bl - 1;
	if (sl == 0 || sl >= cap)
		return false;
	for (size_t i = 0; i < sl; i++) {
		char ch = (char)tolower((unsigned char)host[i]);

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
		out[i] = ch;
	}
	out[sl] = '\0';
	return true;
}

/* Lower-cases host without its port into out; false when it is too long or odd. */
static bool host_name(const char *host, char *out, size_t cap)
{
	const char *colon = strrchr(host, ':');
	size_t n = colon ? (size_t)(colon - host) : strlen(host);

	if (n == 0 || n >= cap)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = (char)tolower((unsigned char)host[i]);

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
			return false;
		out[i] = ch;
	}
	out[n] = '\0';
	return true;
}

static struct tenant *tenant_load(struct db *db, long long id, unsigned long long version, bool suspended)
{
	struct tenant *t = calloc(1, sizeof(*t));
	struct db_rows r, k;

	if (t == NULL)
		BUG("out of memory");
	arena_init(&t->mem);
	if (db_query(db, &t->mem, tenant_sql[TENANT_FULL], &r, "i", id) == -1 || r.nrows != 1 ||
	    db_query(db, &t->mem, tenant_sql[TENANT_KEYS], &k, "i", id) == -1 ||
	    pipeline_db_load(db, &t->mem, id, &t->pipelines, &t->npipelines) == -1) {
		tenant_free(t);
		return NULL;
	}
	t->id = id;
	t->config_version = version;
	t->suspended = suspended;
	t->slug = db_cell(&r, 0, 0);
	t->name = db_cell(&r, 0, 1);
	t->time_zone = db_cell(&r, 0, 2);
	t->branding_json = db_cell(&r, 0, 3);
	/* JSON_VALUE gives a JSON true as "1". */
	t->customers_see_company = strcmp(db_cell(&r, 0, 4), "1") == 0 || strcmp(db_cell(&r, 0, 4), "true") == 0;
	t->lights_version = (unsigned long long)db_cell_ll(&r, 0, 6);
	{
		const char *reason = NULL;

		if (db_cell(&r, 0, 5) == NULL ||
		    calendar_parse(&t->mem, db_cell(&r, 0, 5), &t->calendar, &reason) == -1) {
			if (db_cell(&r, 0, 5) != NULL)
				log_error("tenant %lld: stored calendar refused (%s); counting around the clock", id,
				          reason ? reason : "?");
			calendar_around_the_clock(&t->calendar, t->time_zone);
		}
	}
	t->check_internal_notes = strcmp(db_cell(&r, 0, 7), "0") != 0 && strcmp(db_cell(&r, 0, 7), "false") != 0;
	t->agents_see_all = strcmp(db_cell(&r, 0, 8), "0") != 0 && strcmp(db_cell(&r, 0, 8), "false") != 0;
	t->cross_team_assignment = strcmp(db_cell(&r, 0, 9), "1") == 0 || strcmp(db_cell(&r, 0, 9), "true") == 0;
	{
		struct db_rows w;

		if (db_query(db, &t->mem, tenant_sql[TENANT_WORDS], &w, "i", id) == -1) {
			tenant_free(t);
			return NULL;
		}
		t->words = arena_alloc(&t->mem, (w.nrows ? w.nrows : 1) * sizeof(*t->words));
		for (size_t i = 0; i < w.nrows; i++)
			t->words[t->nwords++] = db_cell(&w, i, 0);
	}
	{
		struct db_rows rr;

		if (db_query(db, &t->mem, tenant_sql[TENANT_RULES], &rr, "i", id) == -1) {
			tenant_free(t);
			return NULL;
		}
		t->rules = arena_alloc(&t->mem, (rr.nrows ? rr.nrows : 1) * sizeof(*t->rules));
		t->rules_leave_routing = true;
		for (size_t i = 0; i < rr.nrows; i++) {
			t->rules[t->nrules++] =
			        (struct tenant_rule){db_cell_ll(&rr, i, 0), db_cell(&rr, i, 1), db_cell(&rr, i, 2),
			                             db_cell(&rr, i, 3), db_cell(&rr, i, 4)};
			if (!rule_leaves_routing(t->rules[i].conditions, t->rules[i].actions))
				t->rules_leave_routing = false;
		}
	}
	{
		struct db_rows cr, lr;

		if (db_query(db, &t->mem, tenant_sql[TENANT_CATEGORIES], &cr, "i", id) == -1 ||
		    db_query(db, &t->mem, tenant_sql[TENANT_LEVELS], &lr, "i", id) == -1) {
			tenant_free(t);
			return NULL;
		}
		t->categories = arena_alloc(&t->mem, (cr.nrows ? cr.nrows : 1) * sizeof(*t->categories));
		for (size_t i = 0; i < cr.nrows; i++)
			t->categories[t->ncategories++] = (struct tenant_category){
			        db_cell_ll(&cr, i, 0), db_cell(&cr, i, 1),    db_cell_ll(&cr, i, 2),
			        db_cell_ll(&cr, i, 3), db_cell_ll(&cr, i, 4), db_cell(&cr, i, 5)};
		for (size_t i = 0; i < lr.nrows; i++) {
			int p = tenant_priority_index(db_cell(&lr, i, 0));

			if (p >= 0)
				t->min_level[p] = (int)db_cell_ll(&lr, i, 1);
		}
	}
	tenant_default_thresholds(t->thresholds);
	{
		struct db_rows th;

		if (db_query(db, &t->mem, tenant_sql[TENANT_THRESHOLDS], &th, "i", id) == -1) {
			tenant_free(t);
			return NULL;
		}
		for (size_t i = 0; i < th.nrows; i++) {
			int p = tenant_priority_index(db_cell(&th, i, 0));
			long long level = db_cell_ll(&th, i, 1);

			if (p < 0 || level < 1 || level > LEVEL__MAX)
				continue;
			t->thresholds[p][level - 1].enabled = db_cell_ll(&th, i, 2) != 0;
			t->thresholds[p][level - 1].amber_seconds = 60 * db_cell_ll(&th, i, 3);
			t->thresholds[p][level - 1].red_seconds = 60 * db_cell_ll(&th, i, 4);
		}
	}
	t->keys = arena_alloc(&t->mem, (k.nrows ? k.nrows : 1) * sizeof(*t->keys));
	for (size_t i = 0; i < k.nrows; i++) {
		const char *kid = db_cell(&k, i, 0);

		if (strlen(kid) != TENANT_KID_LEN)
			continue;
		memcpy(t->keys[t->nkeys].kid, kid, TENANT_KID_LEN + 1);
		t->keys[t->nkeys].retired = db_cell_ll(&k, i, 1) != 0;
		t->nkeys++;
	}
	return t;
}

/* The cached tenant for a row of (id, status, config_version), loaded when new or changed. */
static enum tenant_lookup tenant_from_row(struct tenant_cache *c, struct db *db, const struct db_rows *rp,
                                          struct tenant **out)
{
	const struct db_rows r = *rp;
	long long id;
	unsigned long long version;
	bool suspended;
	size_t slot;

	if (r.nrows == 0)
		return TENANT_UNKNOWN;
	id = db_cell_ll(&r, 0, 0);
	suspended = strcmp(db_cell(&r, 0, 1), "active") != 0;
	version = (unsigned long long)db_cell_ll(&r, 0, 2);
	if (suspended)
		return TENANT_SUSPENDED;
	for (slot = 0; slot < c->n; slot++)
		if (c->items[slot]->id == id)
			break;
	if (slot < c->n && c->items[slot]->config_version == version) {
		*out = c->items[slot];
		return TENANT_FOUND;
	}
	{
		struct tenant *t = tenant_load(db, id, version, suspended);

		if (t == NULL)
			return TENANT_ERROR;
		if (t->npipelines == 0) {
			log_error("tenant %lld has no pipeline", id);
			tenant_free(t);
			return TENANT_ERROR;
		}
		if (slot < c->n) {
			tenant_free(c->items[slot]);
		} else if (c->n == TENANT_CACHE_MAX) {
			/* Full: drop the oldest entry; it reloads on its next request. */
			tenant_free(c->items[0]);
			memmove(c->items, c->items + 1, sizeof(c->items[0]) * (TENANT_CACHE_MAX - 1));
			slot = TENANT_CACHE_MAX - 1;
		} else {
			c->n++;
		}
		c->items[slot] = t;
		*out = t;
	}
	return TENANT_FOUND;
}

/* Notes which tenant host named; the oldest entry makes room when the table is full. */
static void remember_host(struct tenant_cache *c, const char *name, long long id)
{
	size_t i;

	if (strlen(name) >= sizeof(c->hosts[0].name))
		return;
	for (i = 0; i < c->nhosts; i++)
		if (strcmp(c->hosts[i].name, name) == 0)
			break;
	if (i == c->nhosts) {
		if (c->nhosts == TENANT_CACHE_MAX) {
			memmove(c->hosts, c->hosts + 1, sizeof(c->hosts[0]) * (TENANT_CACHE_MAX - 1));
			i = TENANT_CACHE_MAX - 1;
		} else {
			c->nhosts++;
		}
		memcpy(c->hosts[i].name, name, strlen(name) + 1); /* length checked above */
	}
	c->hosts[i].id = id;
}

enum tenant_lookup tenant_resolve(struct tenant_cache *c, struct db *db, struct arena *a, const char *host,
                                  struct tenant **out)
{
	char name[256];
	struct db_rows r;

	*out = NULL;
	if (host == NULL || !host_name(host, name, sizeof(name)))
		return TENANT_UNKNOWN;
	{
		char slug[64];

		if (tenant_slug_from_host(name, c->base_domain, slug, sizeof(slug))) {
			if (db_query(db, a, tenant_sql[TENANT_BY_SLUG], &r, "s", slug) == -1)
				return TENANT_ERROR;
		} else if (db_query(db, a, tenant_sql[TENANT_BY_DOMAIN], &r, "s", name) == -1)
			return TENANT_ERROR;
	}
	{
		enum tenant_lookup found = tenant_from_row(c, db, &r, out);

		if (found == TENANT_FOUND)
			remember_host(c, name, (*out)->id);
		return found;
	}
}

struct tenant *tenant_remembered(struct tenant_cache *c, const char *host)
{
	char name[256];

	if (host == NULL || !host_name(host, name, sizeof(name)))
		return NULL;
	for (size_t i = 0; i < c->nhosts; i++) {
		if (strcmp(c->hosts[i].name, name) != 0)
			continue;
		for (size_t k = 0; k < c->n; k++)
			if (c->items[k]->id == c->hosts[i].id)
				return c->items[k];
		return NULL;
	}
	return NULL;
}

const struct pipeline *tenant_default_pipeline(const struct tenant *t)
{
	for (size_t i = 0; i < t->npipelines; i++)
		if (t->pipelines[i].is_default)
			return &t->pipelines[i];
	if (t->npipelines == 0)
		BUG("tenant %lld has no pipeline", t->id);
	return &t->pipelines[0];
}

const struct pipeline *tenant_pipeline_by_id(const struct tenant *t, long long id)
{
	for (size_t i = 0; i < t->npipelines; i++)
		if (t->pipelines[i].id == id)
			return &t->pipelines[i];
	return NULL;
}

const struct pipeline *tenant_pipeline_by_key(const struct tenant *t, const char *key)
{
	for (size_t i = 0; i < t->npipelines; i++)
		if (strcmp(t->pipelines[i].key, key) == 0)
			return &t->pipelines[i];
	return NULL;
}

const struct tenant_category *tenant_category_by_id(const struct tenant *t, long long id)
{
	for (size_t i = 0; i < t->ncategories; i++)
		if (t->categories[i].id == id)
			return &t->categories[i];
	return NULL;
}

const struct tenant_category *tenant_category_by_name(const struct tenant *t, const char *name)
{
	for (size_t i = 0; i < t->ncategories; i++)
		if (strcmp(t->categories[i].name, name) == 0)
			return &t->categories[i];
	return NULL;
}

enum tenant_lookup tenant_by_id(struct tenant_cache *c, struct db *db, struct arena *a, long long id,
                                struct tenant **out)
{
	struct db_rows r;

	*out = NULL;
	if (db_query(db, a, tenant_sql[TENANT_BY_ID], &r, "i", id) == -1)
		return TENANT_ERROR;
	return tenant_from_row(c, db, &r, out);
}
