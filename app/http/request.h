/* request: one HTTP request as the pipeline sees it, and the response being built for it.
 * Handlers take a request and return an HTTP status. */
#ifndef HTTP_REQUEST_H
#define HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "../auth/role.h"
#include "../core/buf.h"
#include "../core/validate.h"

struct arena;
struct db;
struct json_object;
struct jw;
struct tenant;
struct worker;
struct route;

enum http_method {
	METHOD_GET,
	METHOD_POST,
	METHOD_PATCH,
	METHOD_PUT,
	METHOD_DELETE,
	METHOD_HEAD,
	METHOD_OPTIONS,
	METHOD__MAX
};

/* The signed-in user, from a verified token and its live session row. */
struct principal {
	long long user_id;
	enum role role;
	const char *name;
	const char *email;
	long long company_id; /* customers; 0 for staff */
	const char *session_id;
	const char *csrf_token;
	/* Where the tenant sees tickets by team: the pipelines this user's teams (or nobody's
	 * team) own. restricted false: every ticket of the tenant. */
	bool restricted;
	long long *pipelines;
	size_t npipelines;
	/* A ticket with a team of its own (a category's, or set by a rule) is that team's instead
	 * of its pipeline's: the teams this user is in. */
	long long *teams;
	size_t nteams;
};

#define REQUEST_MAX_HEADERS 12

struct request {
	struct worker *w;
	struct arena *a;
	struct db *db;

	/* parsed input */
	enum http_method method;
	const char *path; /* without the query string */
	const char *query;
	const char *host;
	const char *cookie;
	const char *authorization;
	const char *if_match;
	const char *if_none_match;
	const char *idempotency_key;
	const char *csrf_header;
	const char *content_type;
	const char *remote_addr;
	const char *request_id;
	const char *body;
	size_t body_len;
	bool body_too_large;
	long long number; /* the {number} of the path, if the route has one */
	long long id;     /* the {id} of the path, if the route has one */

	/* filled by the pipeline before the handler runs */
	const struct route *route;
	struct tenant *tenant;
	struct principal *user; /* NULL when anonymous */
	bool via_cookie;
	struct json_object *json;  /* the parsed body, for routes with an input spec */
	struct field_value *input; /* parallel to the route's input spec */

	/* the response */
	int status;
	struct buf out_headers; /* extra header lines, each ending in \r\n */
	struct buf out_body;
	const char *out_type; /* NULL: application/json */
	const char *problem_code;
	const char *problem_detail;
	struct validation invalid;
};

/* Returns the value of query parameter name (decoded, arena-owned) or NULL; a parameter given
 * twice or with bad percent-encoding sets *bad. */
const char *request_query(struct request *r, const char *name, bool *bad);

/* Reads the paging parameters every list shares: limit (1 and up, capped at max, def when
 * absent) and cursor (an id this API gave out; 0 when absent). Returns 0, or 400 with a
 * problem already recorded. */
int request_paging(struct request *r, long long def, long long max, long long *limit, long long *cursor);

/* Adds a response header; name and value must not contain CR or LF (BUG otherwise). */
void response_header(struct request *r, const char *name, const char *value);
void response_headerf(struct request *r, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sets the body to the serialised object and returns status. */
int response_json(struct request *r, int status, struct json_object *obj);
/* Starts a JSON body that w writes into the response (any earlier body is dropped); the handler
 * then returns its status. */
void response_jw(struct request *r, struct jw *w);
/* Records a problem (code and detail) and returns status; the body is written at the end. */
int problem(struct request *r, int status, const char *code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* 422 with the collected field errors in r->invalid. */
int problem_invalid(struct request *r);
/* The default code and title for a status. */
const char *http_status_code(int status);
const char *http_status_title(int status);

/* Writes status line, the common security headers, extra headers and body into out (CGI form).
 * A status >= 400 without a body gets the problem+json body. */
void response_render(struct request *r, struct buf *out);

#endif
