/* openapi: one operation per route; bodies from the routes' input specs. */
#include "openapi.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "../core/arena.h"
#include "../core/json.h"
#include "request.h"
#include "route.h"

static struct json_object *field_schema(const struct field_spec *f)
{
	struct json_object *s = json_object_new_object();

	switch (f->type) {
	case FIELD_STRING:
		json_add_str(s, "type", "string");
		if (f->min_chars > 0)
			json_add_int(s, "minLength", (long long)f->min_chars);
		if (f->max_chars > 0)
			json_add_int(s, "maxLength", (long long)f->max_chars);
		break;
	case FIELD_ID:
		json_add_str(s, "type", "integer");
		json_add_int(s, "minimum", 1);
		break;
	case FIELD_ENUM: {
		struct json_object *e = json_object_new_array();

		json_add_str(s, "type", "string");
		for (int i = 0; f->choices[i] != NULL; i++)
			json_object_array_add(e, json_object_new_string(f->choices[i]));
		json_object_object_add(s, "enum", e);
		break;
	}
	case FIELD_BOOL:
		json_add_str(s, "type", "boolean");
		break;
	case FIELD_OBJECT:
		json_add_str(s, "type", "object");
		break;
	case FIELD_ARRAY:
		json_add_str(s, "type", "array");
		json_object_object_add(s, "items", json_object_new_object());
		break;
	case FIELD_INT:
		json_add_str(s, "type", "integer");
		json_add_int(s, "minimum", f->min_value);
		json_add_int(s, "maximum", f->max_value);
		break;
	case FIELD__MAX:
		break;
	}
	if (f->nullable) {
		/* OpenAPI 3.1 follows JSON Schema: a type list admits null. */
		struct json_object *types = json_object_new_array();
		struct json_object *t = NULL;

		json_object_object_get_ex(s, "type", &t);
		json_object_array_add(types, json_object_new_string(json_object_get_string(t)));
		json_object_array_add(types, json_object_new_string("null"));
		json_object_object_add(s, "type", types);
	}
	return s;
}

static struct json_object *problem_response(const char *what)
{
	struct json_object *r = json_object_new_object(), *content = json_object_new_object(),
	                   *media = json_object_new_object(), *ref = json_object_new_object();

	json_add_str(r, "description", what);
	json_add_str(ref, "$ref", "#/components/schemas/Problem");
	json_object_object_add(media, "schema", ref);
	json_object_object_add(content, "application/problem+json", media);
	json_object_object_add(r, "content", content);
	return r;
}

static struct json_object *operation(struct arena *a, const struct route *rt)
{
	struct json_object *op = json_object_new_object(), *responses = json_object_new_object(),
	                   *ok = json_object_new_object(), *params = json_object_new_array(), *roles;
	char *id = arena_strdup(a, rt->name);
	const char *names[2] = {"number", "id"};

	for (char *c = id; *c != '\0'; c++)
		if (*c == '.')
			*c = '_';
	json_add_str(op, "operationId", id);
	json_add_str(op, "summary", rt->name);
	if (rt->doc != NULL)
		json_add_str(op, "description", rt->doc);
	{
		struct json_object *tags = json_object_new_array();
		char *tag = arena_strdup(a, rt->name);

		char *dot = strchr(tag, '.');

		if (dot != NULL)
			*dot = '\0';
		json_object_array_add(tags, json_object_new_string(tag));
		json_object_object_add(op, "tags", tags);
	}
	for (int k = 0; k < 2; k++) {
		char needle[16];

		snprintf(needle, sizeof(needle), "{%s}", names[k]);
		if (strstr(rt->pattern, needle) != NULL) {
			struct json_object *p = json_object_new_object(), *schema = json_object_new_object();

			json_add_str(p, "name", names[k]);
			json_add_str(p, "in", "path");
			json_add_bool(p, "required", 1);
			json_add_str(p, "description",
			             k == 0 ? "the ticket's number in its tenant" : "the sub-resource's id");
			json_add_str(schema, "type", "integer");
			json_add_int(schema, "minimum", 1);
			json_object_object_add(p, "schema", schema);
			json_object_array_add(params, p);
		}
	}
	if (json_object_array_length(params) > 0)
		json_object_object_add(op, "parameters", params);
	else
		json_object_put(params);
	if (rt->input != NULL) {
		struct json_object *body = json_object_new_object(), *content = json_object_new_object(),
		                   *media = json_object_new_object(), *schema = json_object_new_object(),
		                   *props = json_object_new_object(), *required = json_object_new_array();

		json_add_str(schema, "type", "object");
		for (size_t i = 0; i < rt->ninput; i++) {
			json_object_object_add(props, rt->input[i].name, field_schema(&rt->input[i]));
			if (rt->input[i].required)
				json_object_array_add(required, json_object_new_string(rt->input[i].name));
		}
		json_object_object_add(schema, "properties", props);
		if (json_object_array_length(required) > 0)
			json_object_object_add(schema, "required", required);
		else
			json_object_put(required);
		json_add_bool(schema, "additionalProperties", 0);
		json_object_object_add(media, "schema", schema);
		json_object_object_add(content, "application/json", media);
		json_object_object_add(body, "content", content);
		json_add_bool(body, "required", 1);
		json_object_object_add(op, "requestBody", body);
	}
	json_add_str(ok, "description", "success");
	json_object_object_add(responses, rt->method == METHOD_POST && strstr(rt->name, "create") ? "201" : "200", ok);
	json_object_object_add(responses, "4XX", problem_response("a problem with the request, as problem+json"));
	json_object_object_add(responses, "5XX", problem_response("the service could not answer"));
	json_object_object_add(op, "responses", responses);
	roles = json_object_new_array();
	if (rt->roles & ROLES_ANONYMOUS) {
		json_object_object_add(op, "security", json_object_new_array());
	} else {
		for (int k = 0; k < ROLE__MAX; k++)
			if (rt->roles & ROLE_BIT(k))
				json_object_array_add(roles, json_object_new_string(role_name((enum role)k)));
	}
	json_object_object_add(op, "x-roles", roles);
	return op;
}

int openapi_get(struct request *r)
{
	struct json_object *doc = json_object_new_object(), *info = json_object_new_object(),
	                   *paths = json_object_new_object(), *servers = json_object_new_array(),
	                   *server = json_object_new_object(), *components = json_object_new_object(),
	                   *schemes = json_object_new_object(), *bearer = json_object_new_object(),
	                   *security = json_object_new_array(), *req = json_object_new_object(),
	                   *schemas = json_object_new_object(), *problem = json_object_new_object(),
	                   *lic = json_object_new_object();

	json_add_str(doc, "openapi", "3.1.0");
	json_add_str(info, "title", "Service Portal API");
	json_add_str(info, "version", "1");
	json_add_str(info, "description",
	             "The JSON API the web UI uses. The tenant comes from the Host; errors are "
	             "RFC 9457 problem+json with a stable code.");
	json_add_str(lic, "name", "Proprietary");
	json_add_str(lic, "identifier", "LicenseRef-Proprietary");
	json_object_object_add(info, "license", lic);
	json_object_object_add(doc, "info", info);
	json_add_str(server, "url", "https://{tenant}.localhost");
	{
		struct json_object *vars = json_object_new_object(), *t = json_object_new_object();

		json_add_str(t, "default", "acme");
		json_object_object_add(vars, "tenant", t);
		json_object_object_add(server, "variables", vars);
	}
	json_object_array_add(servers, server);
	json_object_object_add(doc, "servers", servers);
	for (size_t i = 0; i < nroutes; i++) {
		struct json_object *item = NULL;
		char *method = arena_strdup(r->a, http_method_name(routes[i].method));

		for (char *c = method; *c != '\0'; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!json_object_object_get_ex(paths, routes[i].pattern, &item)) {
			item = json_object_new_object();
			json_object_object_add(paths, routes[i].pattern, item);
		}
		json_object_object_add(item, method, operation(r->a, &routes[i]));
	}
	json_object_object_add(doc, "paths", paths);
	json_add_str(bearer, "type", "http");
	json_add_str(bearer, "scheme", "bearer");
	json_add_str(bearer, "bearerFormat", "JWT");
	json_object_object_add(schemes, "bearer", bearer);
	json_object_object_add(components, "securitySchemes", schemes);
	json_add_str(problem, "type", "object");
	{
		struct json_object *props = json_object_new_object(), *req_fields = json_object_new_array();
		const char *fields[] = {"type", "title", "detail", "code", "instance"};

		for (size_t k = 0; k < 5; k++) {
			struct json_object *s = json_object_new_object();

			json_add_str(s, "type", "string");
			json_object_object_add(props, fields[k], s);
		}
		{
			struct json_object *s = json_object_new_object();

			json_add_str(s, "type", "integer");
			json_object_object_add(props, "status", s);
		}
		json_object_object_add(problem, "properties", props);
		json_object_array_add(req_fields, json_object_new_string("code"));
		json_object_array_add(req_fields, json_object_new_string("status"));
		json_object_object_add(problem, "required", req_fields);
	}
	json_object_object_add(schemas, "Problem", problem);
	json_object_object_add(components, "schemas", schemas);
	json_object_object_add(doc, "components", components);
	json_object_object_add(req, "bearer", json_object_new_array());
	json_object_array_add(security, req);
	json_object_object_add(doc, "security", security);
	return response_json(r, 200, doc);
}
