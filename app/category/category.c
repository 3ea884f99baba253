/* category: the list every signed-in user picks from when raising a ticket. */
#include "category.h"

#include <json-c/json.h>

#include "../core/json.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../pipeline/pipeline.h"
#include "../tenant/tenant.h"

enum category_stmt {
	CATEGORY_LIST, /* a tenant's categories by name */
	CATEGORY_STMT__MAX
};

static const char *const category_sql[CATEGORY_STMT__MAX] = {
        /* CATEGORY_LIST */
        [CATEGORY_LIST] = "SELECT c.name, COALESCE(c.pipeline_id, 0), s.name FROM categories c "
                          "JOIN skills s ON s.id = c.skill_id AND s.tenant_id = c.tenant_id "
                          "WHERE c.tenant_id = ? ORDER BY c.name LIMIT 500",
};

int category_list(struct request *r)
{
	struct db_rows rows;
	struct json_object *out, *data;
	bool staff = role_is_staff(r->user->role);

	if (db_query(r->db, r->a, category_sql[CATEGORY_LIST], &rows, "i", r->tenant->id) == -1)
		return 500;
	out = json_object_new_object();
	data = json_object_new_array();
	for (size_t i = 0; i < rows.nrows; i++) {
		struct json_object *o = json_object_new_object();
		const struct pipeline *p = tenant_pipeline_by_id(r->tenant, db_cell_ll(&rows, i, 1));

		if (p == NULL)
			p = tenant_default_pipeline(r->tenant);
		json_add_str(o, "name", db_cell(&rows, i, 0));
		if (staff) {
			json_add_str(o, "pipeline", p->key);
			json_add_str(o, "skill", db_cell(&rows, i, 2));
		}
		json_object_array_add(data, o);
	}
	json_object_object_add(out, "data", data);
	json_add_null(out, "next_cursor");
	return response_json(r, 200, out);
}
