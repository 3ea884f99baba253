/* health: one round trip to the database. */
#include "health.h"

#include <json-c/json.h>

#include "../core/json.h"
#include "../db/db.h"
#include "../http/request.h"

static const char health_sql[] = "SELECT 1";

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
