/* test_http: route matching, tenant host parsing, query strings and cookies. */
#include "../../app/auth/auth.h"
#include "../../app/core/arena.h"
#include "../../app/http/request.h"
#include "../../app/http/route.h"
#include "../../app/tenant/tenant.h"
#include "unit.h"

static void routes_match(void)
{
	long long n = 0, id = 0;
	int known = 0;
	const struct route *r;

	r = route_match(METHOD_GET, "/api/v1/tickets/42", &n, &id, &known);
	CHECK(r != NULL && strcmp(r->name, "tickets.get") == 0);
	CHECK_INT(n, 42);
	r = route_match(METHOD_POST, "/api/v1/tickets/7/notes", &n, &id, &known);
	CHECK(r != NULL && strcmp(r->name, "notes.create") == 0);
	CHECK_INT(n, 7);
	/* ids in other notations are not ids */
	const char *odd[] = {"/api/v1/tickets/1e3",
	                     "/api/v1/tickets/0x10",
	                     "/api/v1/tickets/-1",
	                     "/api/v1/tickets/0",
	                     "/api/v1/tickets/99999999999999999999",
	                     "/api/v1/tickets/012",
	                     "/api/v1/tickets/%31",
	                     "/api/v1/tickets/1/",
	                     "/api/v1/ticketsx"};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		CHECK(route_match(METHOD_GET, odd[i], &n, &id, &known) == NULL);
	CHECK(route_match(METHOD_DELETE, "/api/v1/tickets/5", &n, &id, &known) == NULL);
	CHECK_INT(known, 1);
}

static void every_route_is_complete(void)
{
	for (size_t i = 0; i < nroutes; i++) {
		CHECK(routes[i].handler != NULL);
		CHECK(routes[i].roles != 0);
		CHECK(strncmp(routes[i].pattern, "/api/v1/", 8) == 0);
		/* unsafe methods that take a body declare its spec */
		if (routes[i].method == METHOD_PATCH)
			CHECK(routes[i].input != NULL);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(routes[i].name, routes[j].name) != 0);
	}
}

static void hosts(void)
{
	char slug[64];

	CHECK(tenant_slug_from_host("acme.localhost:8080", "localhost", slug, sizeof(slug)));
	CHECK_STR(slug, "acme");
	CHECK(tenant_slug_from_host("ACME.LocalHost", "localhost", slug, sizeof(slug)));
	CHECK_STR(slug, "acme");
	CHECK(tenant_slug_from_host("globex.portal.example.com", "portal.example.com", slug, sizeof(slug)));
	CHECK_STR(slug, "globex");
	CHECK(!tenant_slug_from_host("localhost:8080", "localhost", slug, sizeof(slug)));
	CHECK(!tenant_slug_from_host("a.b.localhost", "localhost", slug, sizeof(slug)));
	CHECK(!tenant_slug_from_host("evil_localhost", "localhost", slug, sizeof(slug)));
	CHECK(!tenant_slug_from_host("acme.localhost.evil.com", "localhost", slug, sizeof(slug)));
	CHECK(!tenant_slug_from_host(NULL, "localhost", slug, sizeof(slug)));
}

static void queries(void)
{
	struct arena a;
	struct request r;
	bool bad = false;

	arena_init(&a);
	memset(&r, 0, sizeof(r));
	r.a = &a;
	r.query = "status=in_progress&q=printer+%F0%9F%94%A5&limit=20";
	CHECK_STR(request_query(&r, "status", &bad), "in_progress");
	CHECK_STR(request_query(&r, "q", &bad), "printer \xF0\x9F\x94\xA5");
	CHECK(request_query(&r, "cursor", &bad) == NULL);
	CHECK(!bad);
	r.query = "limit=1&limit=2";
	CHECK(request_query(&r, "limit", &bad) == NULL);
	CHECK(bad);
	bad = false;
	r.query = "q=%00x";
	CHECK(request_query(&r, "q", &bad) == NULL);
	CHECK(bad);
	bad = false;
	r.query = "q=%C3%28";
	CHECK(request_query(&r, "q", &bad) == NULL);
	CHECK(bad);
	bad = false;
	r.query = "q=%4";
	CHECK(request_query(&r, "q", &bad) == NULL);
	CHECK(bad);
	arena_release(&a);
}

static void cookies(void)
{
	struct arena a;

	arena_init(&a);
	CHECK_STR(auth_cookie_value(&a, "sp_token=abc", "sp_token"), "abc");
	CHECK_STR(auth_cookie_value(&a, "theme=dark; sp_token=a.b.c; lang=en", "sp_token"), "a.b.c");
	CHECK_STR(auth_cookie_value(&a, "xsp_token=evil; sp_token=good", "sp_token"), "good");
	CHECK_STR(auth_cookie_value(&a, "sp_token=first; sp_token=second", "sp_token"), "first");
	CHECK_STR(auth_cookie_value(&a, "sp_token=", "sp_token"), "");
	CHECK(auth_cookie_value(&a, "sp_token2=x; a=sp_token=y", "sp_token") == NULL);
	CHECK(auth_cookie_value(&a, "sp_token", "sp_token") == NULL);
	CHECK(auth_cookie_value(&a, NULL, "sp_token") == NULL);
	arena_release(&a);
}

const struct unit_case route_cases[] = {
        {"route: paths, numbers and methods", routes_match},
        {"route: every route is complete and uniquely named", every_route_is_complete},
        {NULL, NULL},
};

const struct unit_case host_cases[] = {
        {"tenant: slug from the Host header", hosts},
        {NULL, NULL},
};

const struct unit_case query_cases[] = {
        {"request: query parameters, duplicates and bad encodings", queries},
        {"request: the session cookie among others", cookies},
        {NULL, NULL},
};
