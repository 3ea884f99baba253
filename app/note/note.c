/* note: reads filter internal notes out for customers in SQL, so no code path can hand one out. */
#include "note.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../audit/audit.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/json.h"
#include "../core/jw.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../pipeline/pipeline.h"
#include "../tenant/tenant.h"
#include "../ticket/ticket.h"
#include "../timeline/timeline.h"
#include "wordcheck.h"

#define NOTE_PAGE_MAX 100

const char *const note_visibility_names[NOTE__MAX + 1] = {
        "internal", /* NOTE_INTERNAL */
        "public",   /* NOTE_PUBLIC */
        NULL,
};

enum note_stmt {
	NOTE_LIST_ALL,    /* staff: every note */
	NOTE_LIST_PUBLIC, /* customers: public notes only */
	NOTE_INSERT,      /* a new note */
	NOTE_GET,         /* one note, to answer a create */
	NOTE_STMT__MAX
};

#define NOTE_COLUMNS                                                                                    \
	"SELECT n.id, n.visibility, n.body, COALESCE(n.author_id, 0), COALESCE(u.name, 'Automation'), " \
	"COALESCE(u.role, 'system'), DATE_FORMAT(n.created_at, '%Y-%m-%dT%H:%i:%sZ') FROM notes n "     \
	"LEFT JOIN users u FORCE INDEX (PRIMARY) ON u.id = n.author_id AND u.tenant_id = n.tenant_id "

static const char *const note_sql[NOTE_STMT__MAX] = {
        /* NOTE_LIST_ALL */
        [NOTE_LIST_ALL] = NOTE_COLUMNS "WHERE n.tenant_id = ? AND n.ticket_id = ? AND n.id > ? ORDER BY n.id LIMIT ?",
        /* NOTE_LIST_PUBLIC */
        [NOTE_LIST_PUBLIC] =
                NOTE_COLUMNS "WHERE n.tenant_id = ? AND n.ticket_id = ? AND n.visibility = 'public' AND n.id > ? "
                             "ORDER BY n.id LIMIT ?",
        /* NOTE_INSERT */
        [NOTE_INSERT] = "INSERT INTO notes (tenant_id, ticket_id, author_id, visibility, body, created_at) "
                        "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6))",
        /* NOTE_GET */
        [NOTE_GET] = NOTE_COLUMNS "WHERE n.tenant_id = ? AND n.id = ?",
};

static void note_write(struct jw *w, const struct db_rows *rows, size_t i)
{
	jw_object(w);
	jw_kint(w, "id", db_cell_ll(rows, i, 0));
	jw_kstr(w, "visibility", db_cell(rows, i, 1));
	jw_kstr(w, "body", db_cell(rows, i, 2));
	jw_key(w, "author");
	jw_object(w);
	jw_kint(w, "id", db_cell_ll(rows, i, 3));
	jw_kstr(w, "name", db_cell(rows, i, 4));
	jw_kstr(w, "role", db_cell(rows, i, 5));
	jw_object_end(w);
	jw_kstr(w, "created_at", db_cell(rows, i, 6));
	jw_object_end(w);
}

static int not_found(struct request *r)
{
	return problem(r, 404, "not_found", "There is no ticket with this number.");
}

int note_store(struct db *db, struct arena *a, const struct ticket_change *c, const char *body,
               struct json_object *override, long long *note_id)
{
	struct json_object *data;

	if (db_exec(db, note_sql[NOTE_INSERT], NULL, note_id, "iiiss", c->tenant->id, c->ticket_id, c->actor_id,
	            note_visibility_names[c->public_note ? NOTE_PUBLIC : NOTE_INTERNAL], body) == -1) {
		json_object_put(override);
		return -1;
	}
	data = json_object_new_object();
	json_add_int(data, "note_id", *note_id);
	json_add_str(data, "visibility", note_visibility_names[c->public_note ? NOTE_PUBLIC : NOTE_INTERNAL]);
	if (override != NULL) /* the author chose to keep words from the list: on the record, for good */
		json_object_object_add(data, "override", override);
	return timeline_record(db, a, c, data);
}

int note_list(struct request *r)
{
	long long after, limit;
	struct ticket *tk;
	struct db_rows rows;
	struct jw w;
	size_t shown;
	int rc;

	if ((rc = request_paging(r, NOTE_PAGE_MAX, NOTE_PAGE_MAX, &limit, &after)) != 0)
		return rc;
	if (ticket_find_visible(r->db, r->a, r->tenant, r->user, r->number, false, &tk) == -1)
		return 500;
	if (tk == NULL)
		return not_found(r);
	if (db_query(r->db, r->a, note_sql[role_is_staff(r->user->role) ? NOTE_LIST_ALL : NOTE_LIST_PUBLIC], &rows,
	             "iiii", r->tenant->id, tk->id, after, limit + 1) == -1)
		return 500;
	shown = rows.nrows > (size_t)limit ? (size_t)limit : rows.nrows;
	response_jw(r, &w);
	jw_object(&w);
	jw_key(&w, "data");
	jw_array(&w);
	for (size_t i = 0; i < shown; i++)
		note_write(&w, &rows, i);
	jw_array_end(&w);
	if (rows.nrows > (size_t)limit)
		jw_kstr(&w, "next_cursor", arena_printf(r->a, "%lld", db_cell_ll(&rows, shown - 1, 0)));
	else
		jw_knull(&w, "next_cursor");
	jw_object_end(&w);
	return 200;
}

/* Where a reopened ticket goes: the first open status the resolved one may move to, else the
 * pipeline's first active status. */
static const struct pipeline_status *reopen_status(const struct pipeline *p, const struct pipeline_status *resolved)
{
	for (size_t i = 0; i < resolved->nnext; i++) {
		const struct pipeline_status *s = pipeline_status_by_id(p, resolved->next_ids[i]);

		if (s != NULL && status_category_is_open(s->category))
			return s;
	}
	return pipeline_first_in(p, CATEGORY_ACTIVE);
}

int note_create(struct request *r)
{
	const struct field_value *in = r->input;
	bool customer = r->user->role == ROLE_CUSTOMER;
	enum note_visibility vis;
	struct ticket *tk;
	long long note_id;
	struct db_rows rows;
	struct jw w;
	struct json_object *overridden = NULL;       /* the listed words the author kept, if any */
	const struct pipeline_status *reopen = NULL; /* a resolved ticket the reply reopens goes here */
	size_t nfound = 0;

	if (in[NOTE_CREATE_VISIBILITY].present)
		vis = (enum note_visibility)in[NOTE_CREATE_VISIBILITY].choice;
	else
		vis = customer ? NOTE_PUBLIC : NOTE_INTERNAL;
	if (customer && vis != NOTE_PUBLIC) {
		validation_add(&r->invalid, r->a, "visibility", "invalid_value",
		               "customers can only add public replies");
		return problem_invalid(r);
	}
	/* The neutral-language check: public notes always, internal ones unless the tenant opts out. */
	if (r->tenant->nwords > 0 && (vis == NOTE_PUBLIC || r->tenant->check_internal_notes)) {
		size_t *found = arena_alloc(r->a, r->tenant->nwords * sizeof(*found));

		nfound = wordcheck_find(r->a, in[NOTE_CREATE_BODY].str, in[NOTE_CREATE_BODY].len, r->tenant->words,
		                        r->tenant->nwords, found);
		if (nfound > 0) {
			struct buf list;

			buf_init(&list);
			overridden = json_object_new_array();
			for (size_t i = 0; i < nfound; i++) {
				buf_printf(&list, "%s\"%s\"", i ? ", " : "", r->tenant->words[found[i]]);
				json_object_array_add(overridden, json_object_new_string(r->tenant->words[found[i]]));
			}
			if (!(in[NOTE_CREATE_OVERRIDE].present && in[NOTE_CREATE_OVERRIDE].boolean)) {
				int rc;

				json_object_put(overridden);
				validation_add(
				        &r->invalid, r->a, "body", "neutral_language",
				        "The note uses %s from the neutral-language list. Rephrase it, or post it "
				        "anyway with override (the override is recorded).",
				        list.data);
				rc = problem(r, 422, "neutral_language", "%s", r->invalid.errors[0].message);
				buf_release(&list);
				return rc;
			}
			buf_release(&list);
		}
	}
	if (db_begin(r->db) == -1)
		goto fail_early;
	if (ticket_find_visible(r->db, r->a, r->tenant, r->user, r->number, true, &tk) == -1)
		goto fail;
	if (tk == NULL) {
		db_rollback(r->db);
		return not_found(r);
	}
	/* A customer's reply on a finished ticket: within the pipeline's reopen window a resolved
	 * ticket reopens; later, or once closed, the reply starts a new ticket that follows it. */
	{
		const struct pipeline *p = tenant_pipeline_by_id(r->tenant, tk->pipeline_id);
		const struct pipeline_status *now = p ? pipeline_status_by_id(p, tk->status_id) : NULL;
		bool within = false;

		if (customer && now != NULL && !status_category_is_open(now->category)) {
			long long number;
			struct json_object *out;

			if (now->category == CATEGORY_RESOLVED &&
			    ticket_within_days(r->db, r->a, r->tenant, tk->id, p->reopen_days, &within) == -1)
				goto fail;
			if (within) {
				reopen = reopen_status(p, now);
			} else {
				/* The reply becomes the new ticket's description; a kept listed word is recorded
				 * all the same. */
				if (overridden != NULL &&
				    audit_add(r, 0, "override_neutral_language", "ticket #%lld: %s", r->number,
				              json_object_to_json_string_ext(overridden, JSON_C_TO_STRING_PLAIN)) == -1)
					goto fail;
				json_object_put(overridden);
				overridden = NULL;
				if (ticket_follow_up(r->db, r->a, r->tenant, tk, r->user->user_id,
				                     in[NOTE_CREATE_BODY].str, &number) == -1 ||
				    db_commit(r->db) == -1)
					goto fail;
				out = json_object_new_object();
				json_add_int(out, "ticket", number);
				json_add_int(out, "follows", tk->number);
				response_headerf(r, "Location", "/api/v1/tickets/%lld", number);
				return response_json(r, 201, out);
			}
		}
	}
	{
		struct ticket_change ch = {r->tenant, tk->id,           r->user->user_id,
		                           customer,  EVENT_NOTE_ADDED, vis == NOTE_PUBLIC};

		/* note_store takes the override list, whatever happens. */
		struct json_object *kept = overridden;

		if (kept != NULL && audit_add(r, 0, "override_neutral_language", "ticket #%lld: %s", r->number,
		                              json_object_to_json_string_ext(kept, JSON_C_TO_STRING_PLAIN)) == -1) {
			json_object_put(kept);
			goto fail;
		}

		overridden = NULL;
		if (note_store(r->db, r->a, &ch, in[NOTE_CREATE_BODY].str, kept, &note_id) == -1)
			goto fail;
	}
	/* A customer's reply hands a ticket that waited on them back to the team. */
	{
		const struct pipeline *p = tenant_pipeline_by_id(r->tenant, tk->pipeline_id);
		const struct pipeline_status *now = p ? pipeline_status_by_id(p, tk->status_id) : NULL;
		const struct pipeline_status *active = p ? pipeline_first_in(p, CATEGORY_ACTIVE) : NULL;

		if (customer && now != NULL && now->category == CATEGORY_WAITING_CUSTOMER && active != NULL) {
			if (ticket_set_status(r->db, r->a, r->tenant, tk, r->user->user_id, true, active->id) == -1)
				goto fail;
		} else if (reopen != NULL) {
			if (ticket_set_status(r->db, r->a, r->tenant, tk, r->user->user_id, true, reopen->id) == -1)
				goto fail;
		} else if (ticket_touch(r->db, r->tenant, tk->id) == -1) {
			goto fail;
		}
	}
	if (db_query(r->db, r->a, note_sql[NOTE_GET], &rows, "ii", r->tenant->id, note_id) == -1 || rows.nrows != 1)
		goto fail;
	if (db_commit(r->db) == -1)
		return 500;
	response_headerf(r, "Location", "/api/v1/tickets/%lld/notes/%lld", r->number, note_id);
	response_jw(r, &w);
	note_write(&w, &rows, 0);
	return 201;
fail:
	db_rollback(r->db);
fail_early:
	json_object_put(overridden);
	return 500;
}
