/* word_list: stored one row a term; the tenant cache reloads it through config_version. */
#include "word_list.h"

#include <string.h>

#include <json-c/json.h>

#include "../audit/audit.h"
#include "../core/arena.h"
#include "../core/json.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../tenant/tenant.h"
#include "wordcheck.h"

enum word_list_stmt {
	WORDS_CLEAR,
	WORDS_ADD,
	WORDS_SETTINGS, /* the internal-notes switch, and the version every worker checks */
	WORDS_STMT__MAX
};

static const char *const word_sql[WORDS_STMT__MAX] = {
        /* WORDS_CLEAR */
        [WORDS_CLEAR] = "DELETE FROM word_list WHERE tenant_id = ?",
        /* WORDS_ADD */
        [WORDS_ADD] = "INSERT INTO word_list (tenant_id, term) VALUES (?, ?)",
        /* WORDS_SETTINGS */
        [WORDS_SETTINGS] =
                "UPDATE tenants SET settings = JSON_SET(settings, '$.check_internal_notes', IF(? = 1, true, false)), "
                "config_version = config_version + 1 WHERE id = ?",
};

static struct json_object *list_json(const char *const *terms, size_t n, bool check_internal)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(terms[i]));
	json_object_object_add(o, "terms", arr);
	json_add_bool(o, "check_internal_notes", check_internal);
	return o;
}

int word_list_get(struct request *r)
{
	return response_json(r, 200, list_json(r->tenant->words, r->tenant->nwords, r->tenant->check_internal_notes));
}

int word_list_put(struct request *r)
{
	struct json_object *arr = r->input[WORD_LIST_TERMS].json;
	bool check_internal = r->input[WORD_LIST_CHECK_INTERNAL].present ? r->input[WORD_LIST_CHECK_INTERNAL].boolean
	                                                                 : r->tenant->check_internal_notes;
	size_t n = json_object_array_length(arr), kept = 0;
	const char **terms, **folded;

	if (n > WORDCHECK_MAX_TERMS) {
		validation_add(&r->invalid, r->a, "terms", "too_long", "the list holds at most %d terms",
		               WORDCHECK_MAX_TERMS);
		return problem_invalid(r);
	}
	terms = arena_alloc(r->a, (n ? n : 1) * sizeof(*terms));
	folded = arena_alloc(r->a, (n ? n : 1) * sizeof(*folded));
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		const char *t = json_object_get_string(v), *f;
		bool dup = false;

		if (!json_object_is_type(v, json_type_string) || !wordcheck_term_valid(t)) {
			validation_add(
			        &r->invalid, r->a, arena_printf(r->a, "terms/%zu", i), "invalid_value",
			        "each term is 1 to %d characters with a letter or digit, and '*' only at its end",
			        WORDCHECK_TERM_MAX);
			return problem_invalid(r);
		}
		/* Terms that fold to the same text are one term. */
		f = wordcheck_fold(r->a, t, strlen(t));
		for (size_t k = 0; k < kept && !dup; k++)
			dup = strcmp(folded[k], f) == 0;
		if (dup)
			continue;
		folded[kept] = f;
		terms[kept++] = t;
	}
	if (db_begin(r->db) == -1)
		return 500;
	if (db_exec(r->db, word_sql[WORDS_CLEAR], NULL, NULL, "i", r->tenant->id) == -1)
		goto fail;
	for (size_t i = 0; i < kept; i++)
		if (db_exec(r->db, word_sql[WORDS_ADD], NULL, NULL, "is", r->tenant->id, terms[i]) == -1)
			goto fail;
	if (db_exec(r->db, word_sql[WORDS_SETTINGS], NULL, NULL, "ii", (long long)check_internal, r->tenant->id) == -1)
		goto fail;
	if (audit_add(r, 0, "config_word_list", "%zu terms, internal notes %s", kept,
	              check_internal ? "checked" : "not checked") == -1)
		goto fail;
	if (db_commit(r->db) == -1)
		return 500;
	return response_json(r, 200, list_json(terms, kept, check_internal));
fail:
	db_rollback(r->db);
	return 500;
}
