/* response: the one place that writes headers, so no handler can forget a security header. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "../core/arena.h"
#include "../core/json.h"
#include "../core/jw.h"
#include "../core/log.h"
#include "request.h"

static const struct {
	int status;
	const char *code;
	const char *title;
} statuses[] = {
        {200, "ok", "OK"},
        {201, "created", "Created"},
        {204, "no_content", "No Content"},
        {304, "not_modified", "Not Modified"},
        {400, "bad_request", "Bad Request"},
        {401, "unauthorized", "Unauthorized"},
        {403, "forbidden", "Forbidden"},
        {404, "not_found", "Not Found"},
        {405, "method_not_allowed", "Method Not Allowed"},
        {409, "conflict", "Conflict"},
        {412, "precondition_failed", "Precondition Failed"},
        {413, "payload_too_large", "Payload Too Large"},
        {415, "unsupported_media_type", "Unsupported Media Type"},
        {422, "validation_failed", "Unprocessable Content"},
        {428, "precondition_required", "Precondition Required"},
        {429, "too_many_attempts", "Too Many Requests"},
        {500, "internal", "Internal Server Error"},
        {503, "unavailable", "Service Unavailable"},
};

const char *http_status_code(int status)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status)
			return statuses[i].code;
	return "error";
}

const char *http_status_title(int status)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status)
			return statuses[i].title;
	return "Error";
}

static void check_header_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\r' || *s == '\n')
			BUG("CR or LF in a response header");
}

void response_header(struct request *r, const char *name, const char *value)
{
	check_header_text(name);
	check_header_text(value);
	buf_printf(&r->out_headers, "%s: %s\r\n", name, value);
}

void response_headerf(struct request *r, const char *name, const char *fmt, ...)
{
	char value[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	response_header(r, name, value);
}

int response_json(struct request *r, int status, struct json_object *obj)
{
	size_t len;
	const char *s =
	        json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	buf_reset(&r->out_body);
	buf_append(&r->out_body, s, len);
	json_object_put(obj);
	r->out_type = NULL;
	return status;
}

void response_jw(struct request *r, struct jw *w)
{
	buf_reset(&r->out_body);
	jw_init(w, &r->out_body);
	r->out_type = NULL;
}

int problem(struct request *r, int status, const char *code, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	r->problem_code = code;
	r->problem_detail = arena_strdup(r->a, detail);
	buf_reset(&r->out_body);
	return status;
}

int problem_invalid(struct request *r)
{
	return problem(r, 422, "validation_failed", "%s",
	               r->invalid.count == 1 ? r->invalid.errors[0].message : "The request has invalid fields.");
}

static void render_problem(struct request *r)
{
	struct json_object *o = json_object_new_object();
	const char *code = r->problem_code ? r->problem_code : http_status_code(r->status);

	json_add_str(o, "type", arena_printf(r->a, "/problems/%s", code));
	json_add_str(o, "title", http_status_title(r->status));
	json_add_int(o, "status", r->status);
	json_add_str(o, "detail", r->problem_detail ? r->problem_detail : http_status_title(r->status));
	json_add_str(o, "code", code);
	json_add_str(o, "instance", r->request_id);
	if (r->invalid.count > 0) {
		struct json_object *errs = json_object_new_array();

		for (int i = 0; i < r->invalid.count; i++) {
			struct json_object *e = json_object_new_object();

			json_add_str(e, "pointer", r->invalid.errors[i].pointer);
			json_add_str(e, "code", r->invalid.errors[i].code);
			json_add_str(e, "message", r->invalid.errors[i].message);
			json_object_array_add(errs, e);
		}
		json_object_object_add(o, "errors", errs);
	}
	response_json(r, r->status, o);
	r->out_type = "application/problem+json";
}

void response_render(struct request *r, struct buf *out)
{
	if (r->status >= 400 && r->out_body.len == 0)
		render_problem(r);
	buf_printf(out, "Status: %d %s\r\n", r->status, http_status_title(r->status));
	if (r->status != 204 && r->status != 304)
		buf_printf(out, "Content-Type: %s; charset=utf-8\r\n", r->out_type ? r->out_type : "application/json");
	buf_puts(out, "X-Content-Type-Options: nosniff\r\n"
	              "X-Frame-Options: DENY\r\n"
	              "Referrer-Policy: no-referrer\r\n"
	              "Cache-Control: no-store\r\n"
	              "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n");
	if (r->request_id != NULL)
		buf_printf(out, "X-Request-Id: %s\r\n", r->request_id);
	buf_append(out, r->out_headers.data, r->out_headers.len);
	buf_puts(out, "\r\n");
	if (r->status != 204 && r->status != 304 && r->method != METHOD_HEAD)
		buf_append(out, r->out_body.data, r->out_body.len);
}
