/* pipeline: pure rules over an in-memory pipeline; no database here. */
#include "pipeline.h"

#include <string.h>

#include "../core/log.h"

static const char *const category_names[CATEGORY__MAX] = {
        "new",              /* CATEGORY_NEW */
        "active",           /* CATEGORY_ACTIVE */
        "waiting_customer", /* CATEGORY_WAITING_CUSTOMER */
        "waiting_supplier", /* CATEGORY_WAITING_SUPPLIER */
        "deferred",         /* CATEGORY_DEFERRED */
        "resolved",         /* CATEGORY_RESOLVED */
        "closed",           /* CATEGORY_CLOSED */
};

const char *status_category_name(enum status_category c)
{
	return c < CATEGORY__MAX ? category_names[c] : "unknown";
}

enum status_category status_category_parse(const char *s)
{
	for (int i = 0; i < CATEGORY__MAX; i++)
		if (s != NULL && strcmp(s, category_names[i]) == 0)
			return (enum status_category)i;
	return CATEGORY__MAX;
}

bool status_category_is_open(enum status_category c)
{
	return c != CATEGORY_RESOLVED && c != CATEGORY_CLOSED;
}

const struct pipeline_status *pipeline_status_by_id(const struct pipeline *p, long long id)
{
	for (size_t i = 0; i < p->nstatuses; i++)
		if (p->statuses[i].id == id)
			return &p->statuses[i];
	return NULL;
}

const struct pipeline_status *pipeline_status_by_key(const struct pipeline *p, const char *key)
{
	for (size_t i = 0; i < p->nstatuses; i++)
		if (strcmp(p->statuses[i].key, key) == 0)
			return &p->statuses[i];
	return NULL;
}

const struct pipeline_status *pipeline_entry(const struct pipeline *p)
{
	for (size_t i = 0; i < p->nstatuses; i++)
		if (p->statuses[i].is_entry)
			return &p->statuses[i];
	BUG("pipeline %s has no entry status", p->key);
}

unsigned pipeline_clocks_parse(const char *set)
{
	static const char *const names[] = {"response", "supplier", "communication"};
	unsigned bits = 0;

	if (set == NULL)
		return 0;
	for (unsigned i = 0; i < 3; i++) {
		const char *p = strstr(set, names[i]);
		size_t n = strlen(names[i]);

		if (p != NULL && (p == set || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			bits |= 1u << i;
	}
	return bits;
}

bool pipeline_can_move(const struct pipeline_status *from, const struct pipeline_status *to)
{
	for (size_t i = 0; i < from->nnext; i++)
		if (from->next_ids[i] == to->id)
			return true;
	return false;
}

const struct pipeline_status *pipeline_first_in(const struct pipeline *p, enum status_category c)
{
	for (size_t i = 0; i < p->nstatuses; i++)
		if (p->statuses[i].category == c)
			return &p->statuses[i];
	return NULL;
}
