/* health: one round trip to the database. */
#include "health.h"

#include <json-c/json.h>

#include "../core/json.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../http/route.h"

static const char health_sql[] = "SELECT 1";

int health_routes(struct request *r)
{
	struct json_object *out = json_object_new_object(), *data = json_object_new_array();

	for (size_t i = 0; i < nroutes; i++) {
		struct json_object *o = json_object_new_object(), *roles = json_object_new_array();

		json_add_str(o, "name", routes[i].name);
		json_add_str(o, "method", http_method_name(routes[i].method));
		json_add_str(o, "path", routes[i].pattern);
		for (int k = 0; k < ROLE__MAX; k++)
			if (routes[i].roles & ROLE_BIT(k))
				json_object_array_add(roles, json_object_new_string(role_name((enum role)k)));
		json_object_object_add(o, "roles", roles);
		json_add_bool(o, "anonymous", (routes[i].roles & ROLES_ANONYMOUS) != 0);
		json_object_array_add(data, o);
	}
	json_object_object_add(out, "data", data);
	return response_json(r, 200, out);
}

int health_ping(struct request *r)
{
	struct json_object *o = json_object_new_object();

	json_add_str(o, "status", "ok");
	return response_json(r, 200, o);
}

int health_get(struct request *r)
{
	struct db_rows rows;
	struct json_object *o = json_object_new_object();
	bool up = db_query(r->db, r->a, health_sql, &rows, "") == 0 && rows.nrows == 1;

	json_add_str(o, "status", up ? "ok" : "degraded");
	json_add_str(o, "database", up ? "up" : "down");
	return response_json(r, up ? 200 : 503, o);
}
