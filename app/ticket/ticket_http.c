/* ticket_http: the ticket endpoints. Inputs arrive validated by the route table's specs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <sodium.h>

#include "../assign/assign.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/json.h"
#include "../core/jw.h"
#include "../core/log.h"
#include "../light/light_db.h"
#include "../light/light_replay.h"
#include "../note/note.h"
#include "../note/wordcheck.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../pipeline/pipeline.h"
#include "../tenant/tenant.h"
#include "../rule/rule.h"
#include "../timeline/timeline.h"
#include "ticket.h"
#include "ticket_db.h"

const char *const ticket_priority_names[PRIORITY__MAX + 1] = {
        "low",    /* PRIORITY_LOW */
        "normal", /* PRIORITY_NORMAL */
        "high",   /* PRIORITY_HIGH */
        "urgent", /* PRIORITY_URGENT */
        NULL,
};

void ticket_write(struct jw *w, const struct tenant *t, const struct principal *user, const struct ticket *tk,
                  const struct light_state *lights, time_t now)
{
	const struct pipeline *p = tenant_pipeline_by_id(t, tk->pipeline_id);
	const struct pipeline_status *s = p ? pipeline_status_by_id(p, tk->status_id) : NULL;
	bool staff = role_is_staff(user->role);

	jw_object(w);
	jw_kint(w, "number", tk->number);
	jw_kstr(w, "subject", tk->subject);
	if (tk->description != NULL)
		jw_kstr(w, "description", tk->description);
	jw_kstr(w, "priority", tk->priority);
	jw_key(w, "status");
	jw_object(w);
	jw_kstr(w, "key", s ? s->key : "unknown");
	jw_kstr(w, "name", s ? (staff ? s->staff_name : s->customer_name) : "Unknown");
	jw_kstr(w, "category", s ? status_category_name(s->category) : "unknown");
	if (staff)
		jw_kstr(w, "color", s ? s->color : "#64748b");
	jw_object_end(w);
	if (staff)
		jw_kstr(w, "pipeline", p ? p->key : NULL);
	jw_key(w, "customer");
	jw_object(w);
	jw_kint(w, "id", tk->customer_id);
	jw_kstr(w, "name", tk->customer_name);
	jw_kstr(w, "email", tk->customer_email);
	jw_object_end(w);
	jw_key(w, "company");
	if (tk->company_id > 0) {
		jw_object(w);
		jw_kint(w, "id", tk->company_id);
		jw_kstr(w, "name", tk->company_name);
		jw_object_end(w);
	} else {
		jw_null(w);
	}
	if (staff) {
		jw_key(w, "assignee");
		if (tk->assignee_id > 0) {
			jw_object(w);
			jw_kint(w, "id", tk->assignee_id);
			jw_kstr(w, "name", tk->assignee_name);
			jw_object_end(w);
		} else {
			jw_null(w);
		}
	}
	jw_kstr(w, "category", tk->category);
	if (tk->follows > 0)
		jw_kint(w, "follows", tk->follows);
	else
		jw_knull(w, "follows");
	if (staff) {
		const char *p_tag = tk->tags;

		jw_kstr(w, "queue", tk->queue);
		jw_kstr(w, "status_since", tk->status_since);
		jw_key(w, "tags");
		jw_array(w);
		while (p_tag != NULL && *p_tag != '\0') {
			size_t len = strcspn(p_tag, ",");

			jw_strn(w, p_tag, len);
			p_tag += len;
			if (*p_tag == ',')
				p_tag++;
		}
		jw_array_end(w);
		jw_key(w, "team");
		if (tk->team_id > 0) {
			jw_object(w);
			jw_kint(w, "id", tk->team_id);
			jw_kstr(w, "name", tk->team_name);
			jw_object_end(w);
		} else {
			jw_null(w);
		}
	}
	jw_kint(w, "version", tk->version);
	jw_kstr(w, "created_at", tk->created_at);
	jw_kstr(w, "updated_at", tk->updated_at);
	if (staff && lights != NULL) {
		jw_key(w, "lights");
		light_write(w, lights, now);
	}
	jw_object_end(w);
}

/* Writes the ticket as the caller may see it, with its lights for staff; -1 on database failure,
 * with nothing written. */
static int ticket_view(struct request *r, const struct ticket *tk, struct jw *w)
{
	struct light_state lights[1][LEVEL__MAX];

	if (!role_is_staff(r->user->role)) {
		ticket_write(w, r->tenant, r->user, tk, NULL, 0);
		return 0;
	}
	if (tk->lights_read)
		light_states_unpack(tk->lights_packed, lights[0]);
	else if (light_db_load(r->db, r->a, r->tenant->id, &tk->id, 1, lights) == -1)
		return -1;
	ticket_write(w, r->tenant, r->user, tk, lights[0], time(NULL));
	return 0;
}

static int answer_ticket(struct request *r, int status, const struct ticket *tk)
{
	struct jw w;

	response_jw(r, &w);
	if (ticket_view(r, tk, &w) == -1)
		return 500;
	response_headerf(r, "ETag", "\"%lld\"", tk->version);
	return status;
}

/* Parses a positive decimal of at most 15 digits; -1 when it is anything else. */
static long long parse_id(const char *s)
{
	long long v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 15 || s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Appends a LIKE pattern matching text anywhere, with LIKE's metacharacters escaped. */
static char *like_pattern(struct arena *a, const char *text)
{
	size_t n = strlen(text);
	char *out = arena_alloc(a, 2 * n + 3), *o = out;

	*o++ = '%';
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '%' || text[i] == '_' || text[i] == '\\')
			*o++ = '\\';
		*o++ = text[i];
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

/* The most a list binds: tenant, the caller's pipelines (PIPELINE_MAX_PER_TENANT, 20) and teams
 * (a tenant has at most 100), eight statuses and one per other filter: 139, with room to spare. */
#define LIST_MAX_PARAMS 160

struct list_query {
	struct buf sql;
	struct db_param params[LIST_MAX_PARAMS];
	size_t n;
};

static void list_add_int(struct list_query *lq, const char *fragment, long long v)
{
	if (lq->n >= LIST_MAX_PARAMS)
		BUG("ticket list: more than %d parameters", LIST_MAX_PARAMS);
	buf_puts(&lq->sql, fragment);
	lq->params[lq->n].type = 'i';
	lq->params[lq->n].i = v;
	lq->n++;
}

static void list_add_str(struct list_query *lq, const char *fragment, const char *v)
{
	if (lq->n >= LIST_MAX_PARAMS)
		BUG("ticket list: more than %d parameters", LIST_MAX_PARAMS);
	buf_puts(&lq->sql, fragment);
	lq->params[lq->n].type = 's';
	lq->params[lq->n].s = v;
	lq->n++;
}

/* The request's query string without its cursor parameter, ending in '&' when not empty. */
static const char *query_without_cursor(struct request *r)
{
	struct buf b;
	const char *q = r->query, *out;

	buf_init(&b);
	while (q != NULL && *q != '\0') {
		size_t len = strcspn(q, "&");

		if (len > 0 && strncmp(q, "cursor=", 7) != 0 && len < 400 && b.len < 1000) {
			buf_append(&b, q, len);
			buf_putc(&b, '&');
		}
		q += len;
		if (*q == '&')
			q++;
	}
	/* A header value must not break the response: keep only URL-safe bytes. */
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x21 || (unsigned char)b.data[i] > 0x7e || b.data[i] == '>')
			b.data[i] = '_';
	out = arena_strdup(r->a, b.data);
	buf_release(&b);
	return out;
}

/* A tag: 1 to TICKET_TAG_MAX of a-z, 0-9, _ and -, so it reads the same everywhere and never
 * holds the separator the list query joins tags with. */
static bool tag_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= TICKET_TAG_MAX && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static int bad_param(struct request *r, const char *detail)
{
	return problem(r, 400, "invalid_parameter", "%s", detail);
}

int ticket_list(struct request *r)
{
	bool bad = false;
	const char *status_s = request_query(r, "status", &bad);
	const char *assignee_s = request_query(r, "assignee", &bad);
	const char *customer_s = request_query(r, "customer", &bad);
	const char *priority_s = request_query(r, "priority", &bad);
	const char *q = request_query(r, "q", &bad);
	const char *queue_s = request_query(r, "queue", &bad);
	const char *tag_s = request_query(r, "tag", &bad);
	long long limit = TICKET_LIST_DEFAULT, cursor = 0, customer = 0, assignee = 0, status_ids[8];
	size_t nstatus = 0;
	bool assignee_none = false;
	struct list_query lq;
	struct db_rows rows;
	size_t shown;
	int rc;

	if (bad)
		return bad_param(r, "A query parameter is malformed or given twice.");
	if (r->user->role == ROLE_CUSTOMER) {
		/* Tags, queues and assignees are shown to staff only; filtering by them would tell a
		 * customer what they hold, so the filter is refused rather than ignored. */
		const char *staff_only = tag_s != NULL        ? "tag"
		                         : queue_s != NULL    ? "queue"
		                         : assignee_s != NULL ? "assignee"
		                                              : NULL;

		if (staff_only != NULL)
			return problem(r, 400, "invalid_parameter",
			               "%s filters by what only staff see; customers cannot filter by it.", staff_only);
	}
	if ((rc = request_paging(r, TICKET_LIST_DEFAULT, TICKET_LIST_MAX, &limit, &cursor)) != 0)
		return rc;
	if (status_s != NULL) {
		for (size_t p = 0; p < r->tenant->npipelines; p++) {
			const struct pipeline_status *st = pipeline_status_by_key(&r->tenant->pipelines[p], status_s);

			if (st != NULL && nstatus < sizeof(status_ids) / sizeof(status_ids[0]))
				status_ids[nstatus++] = st->id;
		}
		if (nstatus == 0)
			return bad_param(r, "status is not a status of this tenant.");
	}
	if (assignee_s != NULL) {
		if (strcmp(assignee_s, "none") == 0)
			assignee_none = true;
		else if (strcmp(assignee_s, "me") == 0)
			assignee = r->user->user_id;
		else if ((assignee = parse_id(assignee_s)) < 0)
			return bad_param(r, "assignee must be me, none or a user id.");
	}
	if (customer_s != NULL && (customer = parse_id(customer_s)) < 0)
		return bad_param(r, "customer must be a user id.");
	if (priority_s != NULL) {
		bool known = false;

		for (int i = 0; i < PRIORITY__MAX && !known; i++)
			known = strcmp(priority_s, ticket_priority_names[i]) == 0;
		if (!known)
			return bad_param(r, "priority must be one of: low, normal, high, urgent.");
	}
	if (queue_s != NULL && strcmp(queue_s, "triage") != 0 && strcmp(queue_s, "fallback") != 0)
		return bad_param(r, "queue must be triage or fallback.");
	if (tag_s != NULL && !tag_ok(tag_s))
		return bad_param(r, "tag is 1 to 40 of a-z, 0-9, _ and -.");
	if (q != NULL && strlen(q) > 4 * TICKET_SUBJECT_MAX)
		return bad_param(r, "q is longer than a subject can be.");

	/* The filter fragments are fixed text; every value is a bound parameter. */
	memset(&lq, 0, sizeof(lq));
	buf_init(&lq.sql);
	buf_puts(&lq.sql, TICKET_LIST_SELECT);
	lq.params[lq.n].type = 'i';
	lq.params[lq.n++].i = r->tenant->id;
	if (r->user->restricted) {
		/* By team: their pipelines' tickets (unless a ticket has a team of its own), their teams'
		 * tickets and those assigned to them. */
		list_add_int(&lq, " AND (t.assignee_id = ?", r->user->user_id);
		for (size_t i = 0; i < r->user->npipelines; i++)
			list_add_int(&lq, i == 0 ? " OR (t.team_id IS NULL AND t.pipeline_id IN (?" : ", ?",
			             r->user->pipelines[i]);
		if (r->user->npipelines > 0)
			buf_puts(&lq.sql, "))");
		for (size_t i = 0; i < r->user->nteams; i++)
			list_add_int(&lq, i == 0 ? " OR t.team_id IN (?" : ", ?", r->user->teams[i]);
		buf_puts(&lq.sql, r->user->nteams > 0 ? "))" : ")");
	}
	if (r->user->role == ROLE_CUSTOMER) {
		if (r->tenant->customers_see_company && r->user->company_id > 0)
			list_add_int(&lq, " AND t.company_id = ?", r->user->company_id);
		else
			list_add_int(&lq, " AND t.customer_id = ?", r->user->user_id);
	}
	for (size_t i = 0; i < nstatus; i++)
		list_add_int(&lq, i == 0 ? " AND t.status_id IN (?" : ", ?", status_ids[i]);
	if (nstatus > 0)
		buf_puts(&lq.sql, ")");
	if (assignee_none)
		buf_puts(&lq.sql, " AND t.assignee_id IS NULL");
	else if (assignee > 0)
		list_add_int(&lq, " AND t.assignee_id = ?", assignee);
	if (customer > 0)
		list_add_int(&lq, " AND t.customer_id = ?", customer);
	if (priority_s != NULL)
		list_add_str(&lq, " AND t.priority = ?", priority_s);
	if (queue_s != NULL)
		list_add_str(&lq, " AND t.queue = ?", queue_s);
	if (tag_s != NULL)
		list_add_str(&lq,
		             " AND EXISTS (SELECT 1 FROM ticket_tags g WHERE g.tenant_id = t.tenant_id AND g.ticket_id "
		             "= t.id "
		             "AND g.tag = ?)",
		             tag_s);
	if (q != NULL && q[0] != '\0')
		list_add_str(&lq, " AND t.subject LIKE ?", like_pattern(r->a, q));
	if (cursor > 0)
		list_add_int(&lq, " AND t.number < ?", cursor);
	/* One row more than asked tells whether there is a next page. */
	list_add_int(&lq, " ORDER BY t.number DESC LIMIT ?", limit + 1);
	rc = db_query_params(r->db, r->a, lq.sql.data, &rows, lq.params, lq.n);
	buf_release(&lq.sql);
	if (rc == -1)
		return 500;

	shown = rows.nrows > (size_t)limit ? (size_t)limit : rows.nrows;
	{
		/* One query for the lights of the whole page. */
		long long *ids = arena_alloc(r->a, (shown ? shown : 1) * sizeof(*ids));
		struct light_state(*lights)[LEVEL__MAX] = arena_alloc(r->a, (shown ? shown : 1) * sizeof(*lights));
		bool staff = role_is_staff(r->user->role);
		time_t now = time(NULL);
		struct jw w;

		for (size_t i = 0; i < shown; i++)
			ids[i] = db_cell_ll(&rows, i, 0);
		if (staff && light_db_load(r->db, r->a, r->tenant->id, ids, shown, lights) == -1)
			return 500;
		response_jw(r, &w);
		jw_object(&w);
		jw_key(&w, "data");
		jw_array(&w);
		for (size_t i = 0; i < shown; i++) {
			struct ticket tk;

			ticket_from_row(r->a, &rows, i, &tk, false);
			ticket_write(&w, r->tenant, r->user, &tk, staff ? lights[i] : NULL, now);
		}
		jw_array_end(&w);
		if (rows.nrows > (size_t)limit) {
			const char *next = arena_printf(r->a, "%lld", db_cell_ll(&rows, shown - 1, 1));

			jw_kstr(&w, "next_cursor", next);
			response_headerf(r, "Link", "<%s?%scursor=%s>; rel=\"next\"", r->path, query_without_cursor(r),
			                 next);
		} else {
			jw_knull(&w, "next_cursor");
		}
		jw_object_end(&w);
	}
	return 200;
}

/* The SHA-256 of the body as hex, to tell a retry from a different request with the same key. */
static const char *body_hash(struct request *r)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char *hex = arena_alloc(r->a, 2 * sizeof(h) + 1);

	crypto_hash_sha256(h, (const unsigned char *)r->body, r->body_len);
	sodium_bin2hex(hex, 2 * sizeof(h) + 1, h, sizeof(h));
	return hex;
}

static bool idempotency_key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > IDEMPOTENCY_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)k[i] < 0x21 || (unsigned char)k[i] > 0x7e)
			return false;
	return true;
}

/* Staff working by team see only some pipelines; everyone else sees them all. */
static bool principal_sees_pipeline(const struct principal *user, long long pipeline_id)
{
	if (!user->restricted)
		return true;
	for (size_t i = 0; i < user->npipelines; i++)
		if (user->pipelines[i] == pipeline_id)
			return true;
	return false;
}

/* The answer to a create whose Idempotency-Key was used before: the first answer again, 409 while
 * that request still runs, 422 for a different body; 0 when the key is new, 500 on a failure. */
static int idempotent_answer(struct request *r, const char *hash)
{
	struct db_rows rows;

	if (db_query(r->db, r->a, ticket_db_sql(TICKET_IDEMPOTENCY_GET), &rows, "iiss", r->tenant->id, r->user->user_id,
	             "tickets.create", r->idempotency_key) == -1)
		return 500;
	if (rows.nrows == 0)
		return 0;
	if (db_cell_ll(&rows, 0, 1) == 0)
		return problem(r, 409, "conflict",
		               "A request with this Idempotency-Key is in progress; retry to get its answer.");
	if (strcmp(db_cell(&rows, 0, 0), hash) != 0)
		return problem(r, 422, "idempotency_key_reused",
		               "This Idempotency-Key was used for a different request.");
	response_header(r, "Idempotency-Replayed", "true");
	if (db_cell(&rows, 0, 3) != NULL)
		response_header(r, "Location", db_cell(&rows, 0, 3));
	buf_reset(&r->out_body);
	buf_append(&r->out_body, db_cell(&rows, 0, 2), rows.lens[2]);
	return (int)db_cell_ll(&rows, 0, 1);
}

int ticket_create(struct request *r)
{
	const struct field_value *in = r->input;
	const struct pipeline *p = tenant_default_pipeline(r->tenant);
	const struct pipeline_status *entry;
	const char *idem = r->idempotency_key, *hash = NULL, *priority;
	long long customer_id, number, ticket_id, category_id = 0, team_id = 0;
	struct ticket tk;
	struct db_rows rows;
	const char *text, *location;
	size_t text_len;
	bool visible = false, routed_early, holding = false, facts_known = true;
	const char *category_name = NULL;
	struct assign_early early;

	if (idem != NULL) {
		if (!idempotency_key_ok(idem))
			return problem(r, 400, "invalid_parameter",
			               "Idempotency-Key must be 1 to 100 printable ASCII characters.");
		hash = body_hash(r);
	}
	if (r->user->role == ROLE_CUSTOMER) {
		if (in[TICKET_CREATE_CUSTOMER_ID].present) {
			validation_add(&r->invalid, r->a, "customer_id", "invalid_value",
			               "customers raise tickets for themselves; leave customer_id out");
			return problem_invalid(r);
		}
		customer_id = r->user->user_id;
	} else {
		if (!in[TICKET_CREATE_CUSTOMER_ID].present) {
			validation_add(&r->invalid, r->a, "customer_id", "required",
			               "customer_id is required: the customer this ticket is raised for");
			return problem_invalid(r);
		}
		customer_id = in[TICKET_CREATE_CUSTOMER_ID].id;
	}
	if (in[TICKET_CREATE_PIPELINE].present) {
		/* Customers pick a category; the pipeline behind it is the tenant's business. */
		if (r->user->role == ROLE_CUSTOMER)
			validation_add(&r->invalid, r->a, "pipeline", "invalid_value",
			               "customers choose a category; leave pipeline out");
		else if ((p = tenant_pipeline_by_key(r->tenant, in[TICKET_CREATE_PIPELINE].str)) == NULL ||
		         !principal_sees_pipeline(r->user, p->id))
			validation_add(&r->invalid, r->a, "pipeline", "not_found",
			               "pipeline is not a pipeline of this tenant you work in");
		if (r->invalid.count > 0)
			return problem_invalid(r);
	}
	priority = in[TICKET_CREATE_PRIORITY].present ? ticket_priority_names[in[TICKET_CREATE_PRIORITY].choice]
	                                              : "normal";

	/* A key already used answers from its record, before anything is taken. */
	if (idem != NULL) {
		int replayed = idempotent_answer(r, hash);

		if (replayed != 0)
			return replayed;
	}
	if (db_query(r->db, r->a, ticket_db_sql(TICKET_CUSTOMER_GET), &rows, "ii", r->tenant->id, customer_id) == -1)
		return 500;
	if (rows.nrows == 0) {
		validation_add(&r->invalid, r->a, "customer_id", "not_found",
		               "customer_id is not a customer of this tenant");
		return problem_invalid(r);
	}
	memset(&tk, 0, sizeof(tk));
	tk.customer_id = customer_id;
	tk.customer_name = db_cell(&rows, 0, 0);
	tk.customer_email = db_cell(&rows, 0, 1);
	tk.company_id = db_cell_ll(&rows, 0, 2);
	tk.company_name = db_cell(&rows, 0, 3);
	if (in[TICKET_CREATE_CATEGORY].present) {
		/* The configuration has the categories; a name written in another case is matched by the
		 * database's collation. */
		const struct tenant_category *cat = tenant_category_by_name(r->tenant, in[TICKET_CREATE_CATEGORY].str);
		long long category_pipeline;

		if (cat != NULL) {
			category_id = cat->id;
			team_id = cat->team_id;
			category_pipeline = cat->pipeline_id;
			category_name = cat->name;
		} else {
			facts_known = false; /* the stored name is the database's to say */
			struct db_rows cr;

			if (db_query(r->db, r->a, ticket_db_sql(TICKET_CATEGORY_GET), &cr, "is", r->tenant->id,
			             in[TICKET_CREATE_CATEGORY].str) == -1)
				return 500;
			if (cr.nrows == 0) {
				validation_add(&r->invalid, r->a, "category", "not_found",
				               "category is not a category of this tenant");
				return problem_invalid(r);
			}
			category_id = db_cell_ll(&cr, 0, 0);
			category_pipeline = db_cell_ll(&cr, 0, 1);
			team_id = db_cell_ll(&cr, 0, 2); /* a category's team works its tickets */
		}
		/* The category's pipeline, unless staff named one. */
		if (!in[TICKET_CREATE_PIPELINE].present && category_pipeline > 0 &&
		    tenant_pipeline_by_id(r->tenant, category_pipeline) != NULL)
			p = tenant_pipeline_by_id(r->tenant, category_pipeline);
	}
	/* The number is taken on its own, before the transaction: the tenant's counter row is locked
	 * for a moment, not for the whole create, so creates of one tenant run side by side. A create
	 * that fails after this leaves its number unused. */
	if (db_exec(r->db, ticket_db_sql(TICKET_NEXT_NUMBER), NULL, &number, "i", r->tenant->id) == -1)
		return 500;
	routed_early = p->intake == INTAKE_ROUTER && r->tenant->rules_leave_routing;
	if (db_begin(r->db) == -1)
		return 500;
	if (idem != NULL && db_exec(r->db, ticket_db_sql(TICKET_IDEMPOTENCY_CLAIM), NULL, NULL, "iisss", r->tenant->id,
	                            r->user->user_id, "tickets.create", idem, hash) == -1) {
		/* Taken since the check: by a twin of this request still running (which held us until it
		 * committed or rolled back) or just answered. */
		if (r->db->last_errno != DB_ER_DUP_ENTRY)
			goto fail;
		db_rollback(r->db);
		{
			int replayed = idempotent_answer(r, hash);

			return replayed != 0 ? replayed : 500;
		}
	}
	entry = pipeline_entry(p);
	/* Where no rule changes the priority or status, the create's timeline rows (its creation, the
	 * rules' firings and what they did, the assignment) are written in one statement before the
	 * read-back: each row takes the priority and status of the moment it is written. */
	if (r->tenant->rules_leave_routing) {
		timeline_hold(r->a);
		holding = true;
	}
	/* Where nothing a rule does on create can change the routing or read its outcome, the router
	 * chooses first and the ticket is written with its agent, not written and then changed. */
	early.user_id = 0;
	if (routed_early) {
		struct assign_ticket at = {.pipeline_id = p->id,
		                           .category_id = category_id,
		                           .team_id = team_id,
		                           .number = number,
		                           .priority = priority};

		if (assign_early_choose(r->db, r->a, r->tenant, &at, &early) == -1)
			goto fail;
	}
	if (db_exec(r->db, ticket_db_sql(TICKET_INSERT), NULL, &ticket_id, "iiiisssiuuiuu", r->tenant->id, number,
	            p->id, entry->id, in[TICKET_CREATE_SUBJECT].str,
	            in[TICKET_CREATE_DESCRIPTION].present ? in[TICKET_CREATE_DESCRIPTION].str : "", priority,
	            customer_id, tk.company_id, early.user_id, r->user->user_id, category_id, team_id) == -1)
		goto fail;
	/* The rules on "created" see the ticket as just written, without reading it back. */
	if (facts_known)
		rule_facts_seed(r->a, ticket_id, priority, entry->key, category_name, in[TICKET_CREATE_SUBJECT].str,
		                early.user_id, number, entry->id);
	{
		struct json_object *data = json_object_new_object();

		json_add_str(data, "status", entry->key);
		json_add_str(data, "priority", priority);
		struct ticket_change ch = {r->tenant,     ticket_id, r->user->user_id, r->user->role == ROLE_CUSTOMER,
		                           EVENT_CREATED, false};

		if (timeline_record(r->db, r->a, &ch, data) == -1)
			goto fail;
	}
	/* Who gets it: the pipeline's intake decides, inside this transaction. */
	if ((routed_early ? assign_early_finish(r->db, r->a, r->tenant, ticket_id, number, r->user->user_id, &early)
	                  : assign_new_ticket(r->db, r->a, r->tenant, ticket_id, r->user->user_id)) == -1)
		goto fail;
	rule_facts_forget();
	if (holding) {
		holding = false;
		if (timeline_release(r->db) == -1)
			goto fail;
	}
	/* Read back what was stored, so the answer shows the server's own times and values. */
	{
		struct ticket *stored;
		struct buf body;
		struct jw w;
		int viewed = 0;

		if (ticket_get_visible(r->db, r->a, r->tenant, r->user, number, false, &stored) == -1)
			goto fail;
		buf_init(&body);
		jw_init(&w, &body);
		if (stored != NULL) {
			tk = *stored;
			visible = true;
			viewed = ticket_view(r, &tk, &w);
		} else {
			/* The row was written in this transaction, so it is there: routing (the category's
			 * team or pipeline, or a rule) gave it to a team the creator does not work in. It
			 * stays created; the creator learns its number and nothing they may not read. */
			jw_object(&w);
			jw_kint(&w, "number", number);
			jw_kbool(&w, "visible", false);
			jw_object_end(&w);
		}
		text = arena_strndup(r->a, body.data, body.len);
		text_len = body.len;
		buf_release(&body);
		if (viewed == -1)
			goto fail;
	}
	location = arena_printf(r->a, "/api/v1/tickets/%lld", number);
	if (idem != NULL && db_exec(r->db, ticket_db_sql(TICKET_IDEMPOTENCY_DONE), NULL, NULL, "issiiss", 201LL, text,
	                            location, r->tenant->id, r->user->user_id, "tickets.create", idem) == -1)
		goto fail;
	if (db_commit(r->db) == -1)
		return 500;
	response_header(r, "Location", location);
	if (visible)
		response_headerf(r, "ETag", "\"%lld\"", tk.version);
	buf_reset(&r->out_body);
	buf_append(&r->out_body, text, text_len);
	return 201;
fail:
	rule_facts_forget();
	if (holding)
		timeline_drop();
	db_rollback(r->db);
	return 500;
}

int ticket_get(struct request *r)
{
	struct ticket *tk;

	if (ticket_get_visible(r->db, r->a, r->tenant, r->user, r->number, false, &tk) == -1)
		return 500;
	if (tk == NULL)
		return problem(r, 404, "not_found", "There is no ticket with this number.");
	return answer_ticket(r, 200, tk);
}

/* Reads an If-Match of the form "N"; returns N, or -1 when it is missing or another form. */
static long long if_match_version(const char *h)
{
	size_t n;
	long long v = 0;

	if (h == NULL)
		return -1;
	n = strlen(h);
	if (n < 3 || n > 17 || h[0] != '"' || h[n - 1] != '"')
		return -2;
	for (size_t i = 1; i < n - 1; i++) {
		if (h[i] < '0' || h[i] > '9')
			return -2;
		v = v * 10 + (h[i] - '0');
	}
	return v;
}

static int not_found(struct request *r)
{
	return problem(r, 404, "not_found", "There is no ticket with this number.");
}

static int stale(struct request *r, const struct ticket *tk)
{
	response_headerf(r, "ETag", "\"%lld\"", tk->version);
	return problem(r, 412, "precondition_failed",
	               "The ticket was changed by someone else since you loaded it (now at version %lld); "
	               "reload it and try again.",
	               tk->version);
}

int ticket_patch(struct request *r)
{
	const struct field_value *in = r->input;
	long long want = if_match_version(r->if_match), assignee;
	struct ticket *tk;
	const char *subject, *priority;
	unsigned long long affected;
	struct json_object *fields;
	size_t nfields;

	if (want == -1)
		return problem(r, 428, "precondition_required",
		               "Send If-Match with the ticket's ETag so a concurrent change is not overwritten.");
	if (want < 0)
		return problem(r, 412, "precondition_failed",
		               "If-Match must be an ETag this API gave out, like \"3\".");
	if (db_begin(r->db) == -1)
		return 500;
	if (ticket_get_visible(r->db, r->a, r->tenant, r->user, r->number, true, &tk) == -1)
		goto fail;
	if (tk == NULL) {
		db_rollback(r->db);
		return not_found(r);
	}
	if (tk->version != want) {
		db_rollback(r->db);
		return stale(r, tk);
	}
	if (in[TICKET_PATCH_TAGS].present) {
		struct json_object *list = in[TICKET_PATCH_TAGS].json;

		if (json_object_array_length(list) > TICKET_TAGS_MAX)
			validation_add(&r->invalid, r->a, "tags", "too_long", "a ticket has at most %d tags",
			               TICKET_TAGS_MAX);
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			struct json_object *v = json_object_array_get_idx(list, i);

			if (!json_object_is_type(v, json_type_string) || !tag_ok(json_object_get_string(v)))
				validation_add(&r->invalid, r->a, arena_printf(r->a, "tags/%zu", i), "invalid_value",
				               "a tag is 1 to %d of a-z, 0-9, _ and -", TICKET_TAG_MAX);
		}
		if (r->invalid.count > 0) {
			db_rollback(r->db);
			return problem_invalid(r);
		}
	}
	subject = in[TICKET_PATCH_SUBJECT].present ? in[TICKET_PATCH_SUBJECT].str : tk->subject;
	priority = in[TICKET_PATCH_PRIORITY].present ? ticket_priority_names[in[TICKET_PATCH_PRIORITY].choice]
	                                             : tk->priority;
	assignee = tk->assignee_id;
	if (in[TICKET_PATCH_ASSIGNEE_ID].present) {
		assignee = in[TICKET_PATCH_ASSIGNEE_ID].is_null ? 0 : in[TICKET_PATCH_ASSIGNEE_ID].id;
		if (assignee > 0) {
			struct db_rows rows;

			if (db_query(r->db, r->a, ticket_db_sql(TICKET_STAFF_GET), &rows, "ii", r->tenant->id,
			             assignee) == -1)
				goto fail;
			if (rows.nrows == 0) {
				db_rollback(r->db);
				validation_add(&r->invalid, r->a, "assignee_id", "invalid_value",
				               "assignee_id must be an active staff member of this tenant");
				return problem_invalid(r);
			}
			tk->assignee_name = db_cell(&rows, 0, 0);
			/* By team: the assignee must be able to see the ticket, unless the tenant allows
			 * assignment across teams. Admins see everything. */
			{
				const struct pipeline *pl = tenant_pipeline_by_id(r->tenant, tk->pipeline_id);

				long long team = tk->team_id > 0 ? tk->team_id : pl != NULL ? pl->team_id : 0;

				if (!r->tenant->agents_see_all && !r->tenant->cross_team_assignment && team > 0 &&
				    strcmp(db_cell(&rows, 0, 1), "admin") != 0) {
					struct db_rows member;

					if (db_query(r->db, r->a, ticket_db_sql(TICKET_TEAM_MEMBER), &member, "iii",
					             r->tenant->id, team, assignee) == -1)
						goto fail;
					if (member.nrows == 0) {
						db_rollback(r->db);
						validation_add(&r->invalid, r->a, "assignee_id", "invalid_value",
						               "%s is not in the team of this ticket",
						               tk->assignee_name);
						return problem_invalid(r);
					}
				}
			}
		}
	}
	if (db_exec(r->db, ticket_db_sql(TICKET_UPDATE), &affected, NULL, "ssuiii", subject, priority, assignee,
	            r->tenant->id, tk->id, want) == -1)
		goto fail;
	if (affected != 1)
		goto fail; /* the row is locked and its version checked: this cannot happen */
	fields = json_object_new_array();
	if (strcmp(subject, tk->subject) != 0)
		json_object_array_add(fields, json_object_new_string("subject"));
	if (strcmp(priority, tk->priority) != 0)
		json_object_array_add(fields, json_object_new_string("priority"));
	if (in[TICKET_PATCH_TAGS].present) {
		struct json_object *list = in[TICKET_PATCH_TAGS].json;

		if (db_exec(r->db, ticket_db_sql(TICKET_TAGS_CLEAR), NULL, NULL, "ii", r->tenant->id, tk->id) == -1)
			goto fail;
		for (size_t i = 0; i < json_object_array_length(list); i++)
			if (db_exec(r->db, ticket_db_sql(TICKET_TAG_ADD), NULL, NULL, "iis", r->tenant->id, tk->id,
			            json_object_get_string(json_object_array_get_idx(list, i))) == -1)
				goto fail;
		json_object_array_add(fields, json_object_new_string("tags"));
	}
	nfields = json_object_array_length(fields);
	if (nfields > 0) {
		struct json_object *data = json_object_new_object();

		json_object_object_add(data, "fields", fields);
		struct ticket_change ch = {r->tenant, tk->id, r->user->user_id, false, EVENT_UPDATED, false};

		if (timeline_record(r->db, r->a, &ch, data) == -1)
			goto fail;
	} else {
		json_object_put(fields);
	}
	if (assignee != tk->assignee_id) {
		struct json_object *data = json_object_new_object();

		if (tk->assignee_id > 0)
			json_add_int(data, "from", tk->assignee_id);
		else
			json_add_null(data, "from");
		if (assignee > 0) {
			json_add_int(data, "to", assignee);
			json_add_str(data, "to_name", tk->assignee_name);
		} else {
			json_add_null(data, "to");
			json_add_null(data, "to_name");
		}
		struct ticket_change ch = {r->tenant, tk->id, r->user->user_id, false, EVENT_ASSIGNED, false};

		if (timeline_record(r->db, r->a, &ch, data) == -1)
			goto fail;
	}
	if (ticket_get_visible(r->db, r->a, r->tenant, r->user, r->number, false, &tk) == -1)
		goto fail;
	if (db_commit(r->db) == -1)
		return 500;
	/* A rule that reacted to the change (set_team, route_by_skill) may have handed the ticket to
	 * a team the caller does not work in: the change stands, the ticket is no longer theirs to
	 * read. */
	if (tk == NULL)
		return 204;
	return answer_ticket(r, 200, tk);
fail:
	db_rollback(r->db);
	return 500;
}

int ticket_transition(struct request *r)
{
	const char *to_key = r->input[TICKET_TRANSITION_TO].str;
	long long want = if_match_version(r->if_match);
	const struct pipeline *p;
	const struct pipeline_status *from, *to;
	struct ticket *tk;

	if (want < -1)
		return problem(r, 412, "precondition_failed",
		               "If-Match must be an ETag this API gave out, like \"3\".");
	if (db_begin(r->db) == -1)
		return 500;
	if (ticket_find_visible(r->db, r->a, r->tenant, r->user, r->number, true, &tk) == -1)
		goto fail;
	if (tk == NULL) {
		db_rollback(r->db);
		return not_found(r);
	}
	if (want >= 0 && tk->version != want) {
		db_rollback(r->db);
		return stale(r, tk);
	}
	p = tenant_pipeline_by_id(r->tenant, tk->pipeline_id);
	from = p ? pipeline_status_by_id(p, tk->status_id) : NULL;
	to = p ? pipeline_status_by_key(p, to_key) : NULL;
	if (from == NULL)
		goto fail;
	if (to == NULL) {
		db_rollback(r->db);
		validation_add(&r->invalid, r->a, "to", "invalid_value", "'%.40s' is not a status of the %s pipeline",
		               to_key, p->name);
		return problem_invalid(r);
	}
	if (!pipeline_can_move(from, to)) {
		struct buf allowed;
		int rc;

		db_rollback(r->db);
		buf_init(&allowed);
		for (size_t i = 0; i < from->nnext; i++) {
			const struct pipeline_status *n = pipeline_status_by_id(p, from->next_ids[i]);

			if (n != NULL)
				buf_printf(&allowed, "%s%s", allowed.len ? ", " : "", n->key);
		}
		rc = problem(r, 422, "invalid_transition", "A ticket cannot move from %s to %s; allowed: %s.",
		             from->key, to->key, allowed.len ? allowed.data : "none");
		buf_release(&allowed);
		return rc;
	}
	if (r->input[TICKET_TRANSITION_NOTE].present && r->tenant->nwords > 0) {
		/* The note is public: it passes the neutral-language check like any other. */
		size_t *found = arena_alloc(r->a, r->tenant->nwords * sizeof(*found));

		if (wordcheck_find(r->a, r->input[TICKET_TRANSITION_NOTE].str, r->input[TICKET_TRANSITION_NOTE].len,
		                   r->tenant->words, r->tenant->nwords, found) > 0) {
			db_rollback(r->db);
			validation_add(
			        &r->invalid, r->a, "note", "neutral_language",
			        "The note uses \"%s\" from the neutral-language list; rephrase it, or move the ticket "
			        "and add the note separately with override.",
			        r->tenant->words[found[0]]);
			return problem(r, 422, "neutral_language", "%s", r->invalid.errors[0].message);
		}
	}
	if (to->require_note && !r->input[TICKET_TRANSITION_NOTE].present) {
		db_rollback(r->db);
		validation_add(&r->invalid, r->a, "note", "required", "moving to %s needs a note for the customer",
		               to->staff_name);
		return problem_invalid(r);
	}
	if (ticket_set_status(r->db, r->a, r->tenant, tk, r->user->user_id, false, to->id) == -1)
		goto fail;
	if (r->input[TICKET_TRANSITION_NOTE].present) {
		struct ticket_change ch = {r->tenant, tk->id, r->user->user_id, false, EVENT_NOTE_ADDED, true};
		long long note_id;

		if (note_store(r->db, r->a, &ch, r->input[TICKET_TRANSITION_NOTE].str, NULL, &note_id) == -1)
			goto fail;
	}
	if (ticket_get_visible(r->db, r->a, r->tenant, r->user, r->number, false, &tk) == -1)
		goto fail;
	if (db_commit(r->db) == -1)
		return 500;
	/* A rule that reacted to the change (set_team, route_by_skill) may have handed the ticket to
	 * a team the caller does not work in: the change stands, the ticket is no longer theirs to
	 * read. */
	if (tk == NULL)
		return 204;
	return answer_ticket(r, 200, tk);
fail:
	db_rollback(r->db);
	return 500;
}

/* The status a ticket takes in another pipeline when the caller names none: an open ticket
 * starts at the entry; a resolved or closed one stays resolved or closed. */
static const struct pipeline_status *landing_status(const struct pipeline *to, const struct pipeline_status *from)
{
	const struct pipeline_status *s;

	if (status_category_is_open(from->category))
		return pipeline_entry(to);
	if ((s = pipeline_first_in(to, from->category)) != NULL)
		return s;
	if ((s = pipeline_first_in(to, CATEGORY_CLOSED)) != NULL)
		return s;
	return pipeline_first_in(to, CATEGORY_RESOLVED);
}

int ticket_move_pipeline(struct request *r)
{
	const struct field_value *in = r->input;
	long long want = if_match_version(r->if_match);
	const struct pipeline *from_p, *to_p;
	const struct pipeline_status *from, *to;
	struct ticket *tk;
	struct json_object *data;
	bool open;

	if (want < -1)
		return problem(r, 412, "precondition_failed",
		               "If-Match must be an ETag this API gave out, like \"3\".");
	if (db_begin(r->db) == -1)
		return 500;
	if (ticket_get_visible(r->db, r->a, r->tenant, r->user, r->number, true, &tk) == -1)
		goto fail;
	if (tk == NULL) {
		db_rollback(r->db);
		return not_found(r);
	}
	if (want >= 0 && tk->version != want) {
		db_rollback(r->db);
		return stale(r, tk);
	}
	from_p = tenant_pipeline_by_id(r->tenant, tk->pipeline_id);
	from = from_p ? pipeline_status_by_id(from_p, tk->status_id) : NULL;
	if (from == NULL)
		goto fail;
	open = status_category_is_open(from->category);
	to_p = tenant_pipeline_by_key(r->tenant, in[TICKET_MOVE_PIPELINE].str);
	if (to_p == NULL || !principal_sees_pipeline(r->user, to_p->id))
		validation_add(&r->invalid, r->a, "pipeline", "not_found", "'%.40s' is not a pipeline of this tenant",
		               in[TICKET_MOVE_PIPELINE].str);
	else if (to_p->id == from_p->id)
		validation_add(&r->invalid, r->a, "pipeline", "invalid_value", "the ticket is already in %s",
		               to_p->name);
	if (r->invalid.count > 0) {
		db_rollback(r->db);
		return problem_invalid(r);
	}
	if (in[TICKET_MOVE_STATUS].present) {
		to = pipeline_status_by_key(to_p, in[TICKET_MOVE_STATUS].str);
		if (to == NULL)
			validation_add(&r->invalid, r->a, "status", "invalid_value",
			               "'%.40s' is not a status of the %s pipeline", in[TICKET_MOVE_STATUS].str,
			               to_p->name);
		else if (status_category_is_open(to->category) != open)
			validation_add(
			        &r->invalid, r->a, "status", "invalid_value",
			        open ? "an open ticket moves to an open status; resolve it with a move in its "
			               "pipeline"
			             : "a resolved or closed ticket stays resolved or closed; choose such a status");
	} else {
		to = landing_status(to_p, from);
	}
	if (r->invalid.count > 0 || to == NULL) {
		db_rollback(r->db);
		if (r->invalid.count == 0)
			validation_add(&r->invalid, r->a, "status", "required", "choose a status of the %s pipeline",
			               to_p->name);
		return problem_invalid(r);
	}
	if (db_exec(r->db, ticket_db_sql(TICKET_SET_PIPELINE), NULL, NULL, "iiiii", to_p->id, to->id, (long long)open,
	            r->tenant->id, tk->id) == -1)
		goto fail;
	data = json_object_new_object();
	json_add_str(data, "from_pipeline", from_p->key);
	json_add_str(data, "to_pipeline", to_p->key);
	json_add_str(data, "from", from->key);
	json_add_str(data, "to", to->key);
	{
		struct ticket_change ch = {r->tenant, tk->id, r->user->user_id, false, EVENT_PIPELINE_CHANGED, false};

		if (timeline_record(r->db, r->a, &ch, data) == -1)
			goto fail;
	}
	if (ticket_get_visible(r->db, r->a, r->tenant, r->user, r->number, false, &tk) == -1)
		goto fail;
	if (db_commit(r->db) == -1)
		return 500;
	/* A restricted manager may move a ticket out of their own teams' sight. */
	if (tk == NULL)
		return 204;
	return answer_ticket(r, 200, tk);
fail:
	db_rollback(r->db);
	return 500;
}

int ticket_timeline(struct request *r)
{
	struct ticket *tk;
	struct jw w;

	if (ticket_find_visible(r->db, r->a, r->tenant, r->user, r->number, false, &tk) == -1)
		return 500;
	if (tk == NULL)
		return not_found(r);
	response_jw(r, &w);
	jw_object(&w);
	jw_key(&w, "data");
	if (timeline_write(&w, r->db, r->a, r->tenant->id, tk->id) == -1) {
		buf_reset(&r->out_body); /* the object was begun: the problem takes its place */
		return 500;
	}
	jw_knull(&w, "next_cursor");
	jw_object_end(&w);
	return 200;
}

int ticket_lights(struct request *r)
{
	struct ticket *tk;
	struct light_state stored[1][LEVEL__MAX];
	struct light_replay rp;
	struct json_object *out, *replay, *mismatched;
	time_t now = time(NULL);

	if (ticket_find_visible(r->db, r->a, r->tenant, r->user, r->number, false, &tk) == -1)
		return 500;
	if (tk == NULL)
		return not_found(r);
	if (light_db_load(r->db, r->a, r->tenant->id, &tk->id, 1, stored) == -1 ||
	    light_replay_ticket(r->db, r->a, r->tenant, tk->id, now, &rp) == -1)
		return 500;
	mismatched = json_object_new_array();
	for (int l = 0; l < LEVEL__MAX; l++)
		if (!rp.complete || !light_state_equal(&stored[0][l], &rp.state[l]))
			json_object_array_add(mismatched,
			                      json_object_new_string(light_level_name((enum light_level)l)));
	replay = json_object_new_object();
	json_add_bool(replay, "complete", rp.complete);
	json_add_int(replay, "events", (long long)rp.nevents);
	json_add_bool(replay, "consistent", json_object_array_length(mismatched) == 0);
	json_object_object_add(replay, "mismatched", mismatched);
	json_object_object_add(replay, "lights", light_json(rp.state, now));
	out = json_object_new_object();
	json_object_object_add(out, "lights", light_json(stored[0], now));
	json_object_object_add(out, "history", light_history_json(&rp));
	json_object_object_add(out, "replay", replay);
	return response_json(r, 200, out);
}
