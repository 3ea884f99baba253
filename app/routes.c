/* routes: every endpoint, its method, who may call it and the body it takes. The API tests,
 * the authorization matrix and the API reference are driven from this one table. */
#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/password.h"
#include "category/category.h"
#include "team/team.h"
#include "core/validate.h"
#include "health/health.h"
#include "light/light_admin.h"
#include "light/light_db.h"
#include "supplier/supplier.h"
#include "http/openapi.h"
#include "http/route.h"
#include "note/note.h"
#include "note/word_list.h"
#include "pipeline/pipeline_admin.h"
#include "report/report.h"
#include "rule/rule.h"
#include "tenant/tenant_http.h"
#include "ticket/ticket.h"
#include "user/user.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What every performance report takes and how it counts. */
#define REPORT_DOC                                                                                                     \
	"Query: from, to (YYYY-MM-DD, days in the tenant's time zone, at most 800), format=json|csv, and the filters " \
	"pipeline, team, agent, category, company (ids) and priority. A ticket counts in the pipeline it is in at "    \
	"the end of the range (tickets do not move between pipelines yet: the one it has now); team, agent, "          \
	"priority, category and company are the ticket's now. Percentiles are nearest-rank: the p-th of n sorted "     \
	"values is the one at rank ceil(p/100 * n), so the median of an even count is the lower middle value. Agents " \
	"see their own tickets."

static const struct field_spec login_input[LOGIN__MAX] = {
        [LOGIN_EMAIL] =
                {.name = "email", .type = FIELD_STRING, .required = true, .min_chars = 1, .max_chars = USER_EMAIL_MAX},
        [LOGIN_PASSWORD] = {.name = "password",
                            .type = FIELD_STRING,
                            .required = true,
                            .min_chars = 1,
                            .max_chars = PASSWORD_MAX_CHARS},
};

static const struct field_spec ticket_create_input[TICKET_CREATE__MAX] = {
        [TICKET_CREATE_SUBJECT] = {.name = "subject",
                                   .type = FIELD_STRING,
                                   .required = true,
                                   .min_chars = 1,
                                   .max_chars = TICKET_SUBJECT_MAX},
        [TICKET_CREATE_DESCRIPTION] = {.name = "description",
                                       .type = FIELD_STRING,
                                       .max_chars = TICKET_DESCRIPTION_MAX},
        [TICKET_CREATE_PRIORITY] = {.name = "priority", .type = FIELD_ENUM, .choices = ticket_priority_names},
        [TICKET_CREATE_CUSTOMER_ID] = {.name = "customer_id", .type = FIELD_ID},
        [TICKET_CREATE_CATEGORY] = {.name = "category", .type = FIELD_STRING, .min_chars = 1, .max_chars = 60},
        [TICKET_CREATE_PIPELINE] = {.name = "pipeline",
                                    .type = FIELD_STRING,
                                    .min_chars = 1,
                                    .max_chars = PIPELINE_KEY_MAX},
};

static const struct field_spec ticket_patch_input[TICKET_PATCH__MAX] = {
        [TICKET_PATCH_SUBJECT] = {.name = "subject",
                                  .type = FIELD_STRING,
                                  .min_chars = 1,
                                  .max_chars = TICKET_SUBJECT_MAX},
        [TICKET_PATCH_PRIORITY] = {.name = "priority", .type = FIELD_ENUM, .choices = ticket_priority_names},
        [TICKET_PATCH_ASSIGNEE_ID] = {.name = "assignee_id", .type = FIELD_ID, .nullable = true},
        [TICKET_PATCH_TAGS] = {.name = "tags", .type = FIELD_ARRAY},
};

static const struct field_spec ticket_transition_input[TICKET_TRANSITION__MAX] = {
        [TICKET_TRANSITION_TO] =
                {.name = "to", .type = FIELD_STRING, .required = true, .min_chars = 1, .max_chars = 40},
        [TICKET_TRANSITION_NOTE] = {.name = "note", .type = FIELD_STRING, .min_chars = 1, .max_chars = NOTE_BODY_MAX},
};

static const struct field_spec note_create_input[NOTE_CREATE__MAX] = {
        [NOTE_CREATE_BODY] =
                {.name = "body", .type = FIELD_STRING, .required = true, .min_chars = 1, .max_chars = NOTE_BODY_MAX},
        [NOTE_CREATE_VISIBILITY] = {.name = "visibility", .type = FIELD_ENUM, .choices = note_visibility_names},
        [NOTE_CREATE_OVERRIDE] = {.name = "override", .type = FIELD_BOOL},
};

static const struct field_spec supplier_ask_input[SUPPLIER_ASK__MAX] = {
        [SUPPLIER_ASK_SUPPLIER] = {.name = "supplier",
                                   .type = FIELD_STRING,
                                   .required = true,
                                   .min_chars = 1,
                                   .max_chars = SUPPLIER_NAME_MAX},
        [SUPPLIER_ASK_QUESTION] = {.name = "question",
                                   .type = FIELD_STRING,
                                   .required = true,
                                   .min_chars = 1,
                                   .max_chars = SUPPLIER_QUESTION_MAX},
};

static const struct field_spec light_admin_input[LIGHT_ADMIN__MAX] = {
        [LIGHT_ADMIN_CALENDAR] = {.name = "calendar", .type = FIELD_OBJECT, .required = true},
        [LIGHT_ADMIN_THRESHOLDS] = {.name = "thresholds", .type = FIELD_ARRAY, .required = true},
};

static const struct field_spec word_list_input[WORD_LIST__MAX] = {
        [WORD_LIST_TERMS] = {.name = "terms", .type = FIELD_ARRAY, .required = true},
        [WORD_LIST_CHECK_INTERNAL] = {.name = "check_internal_notes", .type = FIELD_BOOL},
};

static const struct field_spec me_input[ME__MAX] = {
        [ME_AVAILABILITY] = {.name = "availability", .type = FIELD_ENUM, .choices = user_availability_names},
};

static const struct field_spec pipeline_put_input[PIPELINE_PUT__MAX] = {
        [PIPELINE_PUT_NAME] = {.name = "name", .type = FIELD_STRING, .min_chars = 1, .max_chars = PIPELINE_NAME_MAX},
        [PIPELINE_PUT_INTAKE] = {.name = "intake", .type = FIELD_ENUM, .choices = pipeline_intake_names},
        [PIPELINE_PUT_STATUSES] = {.name = "statuses", .type = FIELD_ARRAY, .required = true},
        [PIPELINE_PUT_MAPPING] = {.name = "mapping", .type = FIELD_OBJECT},
        [PIPELINE_PUT_TEAM_ID] = {.name = "team_id", .type = FIELD_ID, .nullable = true},
        [PIPELINE_PUT_REOPEN_DAYS] = {.name = "reopen_days",
                                      .type = FIELD_INT,
                                      .min_value = 0,
                                      .max_value = PIPELINE_REOPEN_DAYS_MAX},
};

static const struct field_spec pipeline_create_input[PIPELINE_CREATE__MAX] = {
        [PIPELINE_CREATE_KEY] =
                {.name = "key", .type = FIELD_STRING, .required = true, .min_chars = 1, .max_chars = PIPELINE_KEY_MAX},
        [PIPELINE_CREATE_NAME] = {.name = "name",
                                  .type = FIELD_STRING,
                                  .required = true,
                                  .min_chars = 1,
                                  .max_chars = PIPELINE_NAME_MAX},
        [PIPELINE_CREATE_INTAKE] = {.name = "intake", .type = FIELD_ENUM, .choices = pipeline_intake_names},
        [PIPELINE_CREATE_STATUSES] = {.name = "statuses", .type = FIELD_ARRAY, .required = true},
};

static const struct field_spec ticket_move_input[TICKET_MOVE__MAX] = {
        [TICKET_MOVE_PIPELINE] = {.name = "pipeline",
                                  .type = FIELD_STRING,
                                  .required = true,
                                  .min_chars = 1,
                                  .max_chars = PIPELINE_KEY_MAX},
        [TICKET_MOVE_STATUS] = {.name = "status", .type = FIELD_STRING, .min_chars = 1, .max_chars = PIPELINE_KEY_MAX},
};

static const struct field_spec team_input[TEAM__MAX] = {
        [TEAM_NAME] =
                {.name = "name", .type = FIELD_STRING, .required = true, .min_chars = 1, .max_chars = TEAM_NAME_MAX},
        [TEAM_MEMBERS] = {.name = "members", .type = FIELD_ARRAY},
};

static const struct field_spec agent_input[AGENT__MAX] = {
        [AGENT_SKILLS] = {.name = "skills", .type = FIELD_OBJECT, .required = true},
        [AGENT_CAPACITY] = {.name = "capacity", .type = FIELD_INT, .min_value = 0, .max_value = USER_CAPACITY_MAX},
};

static const struct field_spec category_input[CATEGORY_FIELD__MAX] = {
        [CATEGORY_FIELD_NAME] = {.name = "name",
                                 .type = FIELD_STRING,
                                 .required = true,
                                 .min_chars = 1,
                                 .max_chars = CATEGORY_NAME_MAX},
        [CATEGORY_FIELD_SKILL] =
                {.name = "skill", .type = FIELD_STRING, .required = true, .min_chars = 1, .max_chars = USER_SKILL_MAX},
        [CATEGORY_FIELD_PIPELINE] = {.name = "pipeline",
                                     .type = FIELD_STRING,
                                     .nullable = true,
                                     .min_chars = 1,
                                     .max_chars = PIPELINE_KEY_MAX},
        [CATEGORY_FIELD_TEAM_ID] = {.name = "team_id", .type = FIELD_ID, .nullable = true},
};

static const struct field_spec rule_put_input[RULE_PUT__MAX] = {
        [RULE_PUT_RULES] = {.name = "rules", .type = FIELD_ARRAY, .required = true},
};

const struct route routes[] = {
        {"health", METHOD_GET, "/api/v1/healthz", ROLES_ANONYMOUS, NULL, 0, health_get, ROUTE_NO_TENANT},
        {"routes.list", METHOD_GET, "/api/v1/routes", ROLES_ANONYMOUS, NULL, 0, health_routes, ROUTE_NO_TENANT},
        {"openapi.get", METHOD_GET, "/api/v1/openapi.json", ROLES_ANONYMOUS, NULL, 0, openapi_get, ROUTE_NO_TENANT},
        {"ping", METHOD_GET, "/api/v1/ping", ROLES_ANONYMOUS, NULL, 0, health_ping, ROUTE_NO_TENANT},
        {"tenant.get", METHOD_GET, "/api/v1/tenant", ROLES_ANONYMOUS, NULL, 0, tenant_get, 0},
        {"auth.login", METHOD_POST, "/api/v1/auth/login", ROLES_ANONYMOUS, login_input, N(login_input), auth_login,
         ROUTE_NO_CSRF},
        {"auth.logout", METHOD_POST, "/api/v1/auth/logout", ROLES_SIGNED_IN, NULL, 0, auth_logout, 0},
        {"me.get", METHOD_GET, "/api/v1/me", ROLES_SIGNED_IN, NULL, 0, auth_me, 0},
        {"me.update", METHOD_PATCH, "/api/v1/me", ROLES_STAFF, me_input, N(me_input), user_me_patch, 0},
        {"notifications.list", METHOD_GET, "/api/v1/notifications", ROLES_STAFF, NULL, 0, user_notifications, 0},
        {"statuses.list", METHOD_GET, "/api/v1/statuses", ROLES_SIGNED_IN, NULL, 0, tenant_statuses, 0},
        {"categories.list", METHOD_GET, "/api/v1/categories", ROLES_SIGNED_IN, NULL, 0, category_list, 0},
        {"users.list", METHOD_GET, "/api/v1/users", ROLES_STAFF, NULL, 0, user_list, 0},
        {"tickets.list", METHOD_GET, "/api/v1/tickets", ROLES_SIGNED_IN, NULL, 0, ticket_list, 0},
        {"tickets.create", METHOD_POST, "/api/v1/tickets", ROLES_SIGNED_IN, ticket_create_input, N(ticket_create_input),
         ticket_create, 0},
        {"tickets.get", METHOD_GET, "/api/v1/tickets/{number}", ROLES_SIGNED_IN, NULL, 0, ticket_get, 0},
        {"tickets.update", METHOD_PATCH, "/api/v1/tickets/{number}", ROLES_STAFF, ticket_patch_input,
         N(ticket_patch_input), ticket_patch, 0},
        {"tickets.transition", METHOD_POST, "/api/v1/tickets/{number}/transitions", ROLES_STAFF,
         ticket_transition_input, N(ticket_transition_input), ticket_transition, 0},
        {"tickets.move_pipeline", METHOD_POST, "/api/v1/tickets/{number}/pipeline",
         ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_MANAGER), ticket_move_input, N(ticket_move_input), ticket_move_pipeline,
         0},
        {"notes.list", METHOD_GET, "/api/v1/tickets/{number}/notes", ROLES_SIGNED_IN, NULL, 0, note_list, 0},
        {"notes.create", METHOD_POST, "/api/v1/tickets/{number}/notes", ROLES_SIGNED_IN, note_create_input,
         N(note_create_input), note_create, 0},
        {"timeline.list", METHOD_GET, "/api/v1/tickets/{number}/timeline", ROLES_STAFF, NULL, 0, ticket_timeline, 0},
        {"lights.history", METHOD_GET, "/api/v1/tickets/{number}/lights", ROLES_STAFF, NULL, 0, ticket_lights, 0},
        {"supplier_requests.list", METHOD_GET, "/api/v1/tickets/{number}/supplier_requests", ROLES_STAFF, NULL, 0,
         supplier_request_list, 0},
        {"supplier_requests.create", METHOD_POST, "/api/v1/tickets/{number}/supplier_requests", ROLES_STAFF,
         supplier_ask_input, N(supplier_ask_input), supplier_request_create, 0},
        {"supplier_requests.answer", METHOD_POST, "/api/v1/tickets/{number}/supplier_requests/{id}/answer", ROLES_STAFF,
         NULL, 0, supplier_request_answer, 0},
        {"reports.open", METHOD_GET, "/api/v1/reports/open", ROLES_STAFF, NULL, 0, report_open, 0},
        {"reports.volume", METHOD_GET, "/api/v1/reports/volume", ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_MANAGER), NULL, 0,
         report_volume, 0,
         "Tickets created and resolved per day in the tenant's time zone (a reopened ticket counts once per "
         "resolution). Ranges over 92 days count by week (from Monday) and over 366 days by month, unless "
         "group=day|week|month says otherwise; each row's day is its period's first day in the range. " REPORT_DOC},
        {"reports.times", METHOD_GET, "/api/v1/reports/times", ROLES_STAFF, NULL, 0, report_times, 0,
         "First-response time (creation to the first public staff reply) and resolution time (creation to each move "
         "into a resolved status; a reopened ticket counts once per resolution), calendar and business seconds: "
         "count, mean (rounded to the second), median and p90. A duration counts in the range where it "
         "ends. " REPORT_DOC},
        {"reports.lights", METHOD_GET, "/api/v1/reports/lights", ROLES_STAFF, NULL, 0, report_lights, 0,
         "Per light level, of the tickets created in the range, how many stayed green, went amber (never red) and "
         "went red; reds that happened in the range per agent (assignee at the time) and per team. " REPORT_DOC},
        {"reports.suppliers", METHOD_GET, "/api/v1/reports/suppliers", ROLES_STAFF, NULL, 0, report_suppliers, 0,
         "Request to answer per supplier, over answers given in the range, calendar and business seconds. " REPORT_DOC},
        {"reports.agents", METHOD_GET, "/api/v1/reports/agents", ROLES_STAFF, NULL, 0, report_agents, 0,
         "Per staff member: tickets handled (wrote a note on or moved), public replies, first responses and their "
         "median, reds on their tickets. Agents get their own row; managers in teams their teams' "
         "members. " REPORT_DOC},
        {"reports.filters", METHOD_GET, "/api/v1/reports/filters", ROLES_STAFF, NULL, 0, report_filters, 0,
         "The choices for the report filters: pipelines, teams, agents, priorities, categories, companies."},
        {"board.get", METHOD_GET, "/api/v1/board", ROLES_STAFF, NULL, 0, light_board, 0},
        {"admin.lights.get", METHOD_GET, "/api/v1/admin/lights", ROLE_BIT(ROLE_ADMIN), NULL, 0, light_admin_get, 0},
        {"admin.word_list.get", METHOD_GET, "/api/v1/admin/word_list", ROLE_BIT(ROLE_ADMIN), NULL, 0, word_list_get, 0},
        {"admin.word_list.put", METHOD_PUT, "/api/v1/admin/word_list", ROLE_BIT(ROLE_ADMIN), word_list_input,
         N(word_list_input), word_list_put, 0},
        {"admin.pipelines.list", METHOD_GET, "/api/v1/admin/pipelines", ROLE_BIT(ROLE_ADMIN), NULL, 0,
         pipeline_admin_list, 0},
        {"admin.pipelines.create", METHOD_POST, "/api/v1/admin/pipelines", ROLE_BIT(ROLE_ADMIN), pipeline_create_input,
         N(pipeline_create_input), pipeline_admin_create, 0},
        {"admin.pipelines.put", METHOD_PUT, "/api/v1/admin/pipelines/{id}", ROLE_BIT(ROLE_ADMIN), pipeline_put_input,
         N(pipeline_put_input), pipeline_admin_put, 0},
        {"admin.teams.list", METHOD_GET, "/api/v1/admin/teams", ROLE_BIT(ROLE_ADMIN), NULL, 0, team_admin_list, 0},
        {"admin.teams.create", METHOD_POST, "/api/v1/admin/teams", ROLE_BIT(ROLE_ADMIN), team_input, N(team_input),
         team_admin_create, 0},
        {"admin.teams.put", METHOD_PUT, "/api/v1/admin/teams/{id}", ROLE_BIT(ROLE_ADMIN), team_input, N(team_input),
         team_admin_put, 0},
        {"admin.agents.list", METHOD_GET, "/api/v1/admin/agents", ROLE_BIT(ROLE_ADMIN), NULL, 0, user_admin_agents, 0},
        {"admin.agents.put", METHOD_PUT, "/api/v1/admin/agents/{id}", ROLE_BIT(ROLE_ADMIN), agent_input, N(agent_input),
         user_admin_agent_put, 0},
        {"admin.categories.list", METHOD_GET, "/api/v1/admin/categories", ROLE_BIT(ROLE_ADMIN), NULL, 0,
         category_admin_list, 0},
        {"admin.categories.create", METHOD_POST, "/api/v1/admin/categories", ROLE_BIT(ROLE_ADMIN), category_input,
         N(category_input), category_admin_create, 0},
        {"admin.categories.put", METHOD_PUT, "/api/v1/admin/categories/{id}", ROLE_BIT(ROLE_ADMIN), category_input,
         N(category_input), category_admin_put, 0},
        {"admin.audit.list", METHOD_GET, "/api/v1/admin/audit", ROLE_BIT(ROLE_ADMIN), NULL, 0, audit_list, 0},
        {"admin.rules.list", METHOD_GET, "/api/v1/admin/rules", ROLE_BIT(ROLE_ADMIN), NULL, 0, rule_admin_list, 0},
        {"admin.rules.put", METHOD_PUT, "/api/v1/admin/rules", ROLE_BIT(ROLE_ADMIN), rule_put_input, N(rule_put_input),
         rule_admin_put, 0},
        {"admin.lights.put", METHOD_PUT, "/api/v1/admin/lights", ROLE_BIT(ROLE_ADMIN), light_admin_input,
         N(light_admin_input), light_admin_put, 0},
};

const size_t nroutes = N(routes);
