/* pipeline_db: loading a tenant's pipelines; every statement is scoped by tenant_id. */
#include <stdlib.h>
#include <string.h>

#include "../core/arena.h"
#include "../db/db.h"
#include "pipeline.h"

enum pipeline_stmt {
	PIPELINE_LIST,   /* pipelines of a tenant */
	STATUS_LIST,     /* statuses of a tenant, in position order */
	TRANSITION_LIST, /* allowed moves of a tenant */
	PIPELINE_STMT__MAX
};

static const char *const pipeline_sql[PIPELINE_STMT__MAX] = {
        /* PIPELINE_LIST */
        [PIPELINE_LIST] = "SELECT id, pkey, name, is_default, intake, COALESCE(manager_id, 0), COALESCE(team_id, 0), "
                          "reopen_days "
                          "FROM pipelines "
                          "WHERE tenant_id = ? "
                          "ORDER BY is_default DESC, id",
        /* STATUS_LIST */
        [STATUS_LIST] =
                "SELECT id, pipeline_id, skey, staff_name, customer_name, category, color, position, is_entry, clocks, "
                "require_note "
                "FROM statuses WHERE tenant_id = ? ORDER BY pipeline_id, position, id",
        /* TRANSITION_LIST */
        [TRANSITION_LIST] = "SELECT from_status_id, to_status_id FROM status_transitions WHERE tenant_id = ? "
                            "ORDER BY from_status_id, to_status_id",
};

int pipeline_db_load(struct db *db, struct arena *a, long long tenant_id, struct pipeline **out, size_t *n)
{
	struct db_rows pr, sr, tr;
	struct pipeline *ps;

	if (db_query(db, a, pipeline_sql[PIPELINE_LIST], &pr, "i", tenant_id) == -1 ||
	    db_query(db, a, pipeline_sql[STATUS_LIST], &sr, "i", tenant_id) == -1 ||
	    db_query(db, a, pipeline_sql[TRANSITION_LIST], &tr, "i", tenant_id) == -1)
		return -1;
	ps = arena_alloc(a, (pr.nrows ? pr.nrows : 1) * sizeof(*ps));
	for (size_t i = 0; i < pr.nrows; i++) {
		struct pipeline *p = &ps[i];
		size_t count = 0;

		p->id = db_cell_ll(&pr, i, 0);
		p->key = db_cell(&pr, i, 1);
		p->name = db_cell(&pr, i, 2);
		p->is_default = db_cell_ll(&pr, i, 3) != 0;
		p->intake = strcmp(db_cell(&pr, i, 4), "router") == 0   ? INTAKE_ROUTER
		            : strcmp(db_cell(&pr, i, 4), "triage") == 0 ? INTAKE_TRIAGE
		                                                        : INTAKE_MANUAL;
		p->manager_id = db_cell_ll(&pr, i, 5);
		p->team_id = db_cell_ll(&pr, i, 6);
		p->reopen_days = (int)db_cell_ll(&pr, i, 7);
		for (size_t s = 0; s < sr.nrows; s++)
			if (db_cell_ll(&sr, s, 1) == p->id)
				count++;
		p->statuses = arena_alloc(a, (count ? count : 1) * sizeof(*p->statuses));
		for (size_t s = 0; s < sr.nrows; s++) {
			struct pipeline_status *st;

			if (db_cell_ll(&sr, s, 1) != p->id)
				continue;
			st = &p->statuses[p->nstatuses++];
			st->id = db_cell_ll(&sr, s, 0);
			st->key = db_cell(&sr, s, 2);
			st->staff_name = db_cell(&sr, s, 3);
			st->customer_name = db_cell(&sr, s, 4);
			st->category = status_category_parse(db_cell(&sr, s, 5));
			st->color = db_cell(&sr, s, 6);
			st->position = (int)db_cell_ll(&sr, s, 7);
			st->is_entry = db_cell_ll(&sr, s, 8) != 0;
			st->clocks = pipeline_clocks_parse(db_cell(&sr, s, 9));
			st->require_note = db_cell_ll(&sr, s, 10) != 0;
			for (size_t t = 0; t < tr.nrows; t++)
				if (db_cell_ll(&tr, t, 0) == st->id)
					st->nnext++;
			st->next_ids = arena_alloc(a, (st->nnext ? st->nnext : 1) * sizeof(long long));
			st->nnext = 0;
			for (size_t t = 0; t < tr.nrows; t++)
				if (db_cell_ll(&tr, t, 0) == st->id)
					st->next_ids[st->nnext++] = db_cell_ll(&tr, t, 1);
		}
	}
	*out = ps;
	*n = pr.nrows;
	return 0;
}
