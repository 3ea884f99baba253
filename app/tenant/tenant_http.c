/* tenant_http: public branding and the pipeline for the UI. */
#include "tenant_http.h"

#include <json-c/json.h>

#include "../core/json.h"
#include "../http/request.h"
#include "../pipeline/pipeline.h"
#include "tenant.h"

struct json_object *tenant_public_json(const struct tenant *t)
{
	struct json_object *o = json_object_new_object(), *branding, *settings = json_object_new_object();

	json_add_str(o, "slug", t->slug);
	json_add_str(o, "name", t->name);
	json_add_str(o, "time_zone", t->time_zone);
	/* Written by portalctl from a validated definition: trusted JSON. */
	branding = json_tokener_parse(t->branding_json);
	json_object_object_add(o, "branding", branding ? branding : json_object_new_object());
	json_add_bool(settings, "customers_see_company", t->customers_see_company);
	json_object_object_add(o, "settings", settings);
	return o;
}

int tenant_get(struct request *r)
{
	return response_json(r, 200, tenant_public_json(r->tenant));
}

int tenant_statuses(struct request *r)
{
	const struct pipeline *p = tenant_default_pipeline(r->tenant);
	struct json_object *out, *data;
	bool staff = role_is_staff(r->user->role), bad = false;
	const char *key = request_query(r, "pipeline", &bad);

	if (bad)
		return problem(r, 400, "invalid_parameter", "A query parameter is malformed or given twice.");
	/* Staff may ask for another pipeline's statuses; customers see names through their tickets. */
	if (key != NULL && staff && (p = tenant_pipeline_by_key(r->tenant, key)) == NULL)
		return problem(r, 400, "invalid_parameter", "pipeline is not a pipeline of this tenant.");
	if (key != NULL && !staff)
		p = tenant_default_pipeline(r->tenant);
	out = json_object_new_object();
	data = json_object_new_array();

	for (size_t i = 0; i < p->nstatuses; i++) {
		const struct pipeline_status *s = &p->statuses[i];
		struct json_object *o = json_object_new_object();

		json_add_str(o, "key", s->key);
		json_add_str(o, "name", staff ? s->staff_name : s->customer_name);
		if (staff) {
			struct json_object *next = json_object_new_array();

			json_add_str(o, "customer_name", s->customer_name);
			json_add_str(o, "color", s->color);
			for (size_t k = 0; k < s->nnext; k++) {
				const struct pipeline_status *n = pipeline_status_by_id(p, s->next_ids[k]);

				if (n != NULL)
					json_object_array_add(next, json_object_new_string(n->key));
			}
			json_object_object_add(o, "transitions", next);
		}
		json_add_str(o, "category", status_category_name(s->category));
		json_object_array_add(data, o);
	}
	json_object_object_add(out, "data", data);
	json_add_str(out, "pipeline", p->key);
	if (staff) {
		struct json_object *list = json_object_new_array();

		for (size_t i = 0; i < r->tenant->npipelines; i++) {
			const struct pipeline *q = &r->tenant->pipelines[i];
			struct json_object *o = json_object_new_object();
			bool mine = !r->user->restricted;

			for (size_t k = 0; k < r->user->npipelines && !mine; k++)
				mine = r->user->pipelines[k] == q->id;
			if (!mine) {
				json_object_put(o);
				continue;
			}
			json_add_str(o, "key", q->key);
			json_add_str(o, "name", q->name);
			json_add_bool(o, "default", q->is_default);
			json_object_array_add(list, o);
		}
		json_object_object_add(out, "pipelines", list);
	}
	return response_json(r, 200, out);
}
