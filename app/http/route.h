/* route: the shape of an entry in the route table (app/routes.c) and matching a path to one. */
#ifndef HTTP_ROUTE_H
#define HTTP_ROUTE_H

#include <stddef.h>

#include "request.h"

enum route_flag {
	ROUTE_NO_TENANT = 1 << 0, /* answers without resolving a tenant (health) */
	ROUTE_NO_CSRF = 1 << 1,   /* an unsafe method that needs no CSRF header (sign-in: no session yet) */
};

struct route {
	const char *name; /* stable id, e.g. "tickets.create" */
	enum http_method method;
	const char *pattern;            /* "/api/v1/tickets/{number}" */
	unsigned roles;                 /* ROLE_BIT()s, or ROLES_ANONYMOUS */
	const struct field_spec *input; /* JSON body spec, NULL for no body */
	size_t ninput;
	int (*handler)(struct request *r);
	unsigned flags;
	const char *doc; /* what it answers, for the API reference; NULL: the name says enough */
};

extern const struct route routes[];
extern const size_t nroutes;

const char *http_method_name(enum http_method m);
enum http_method http_method_parse(const char *s);

/* Finds the route for method and path; sets *number and *id for {number} and {id} segments. Returns NULL with
 * *path_known true when the path exists under another method (405). */
const struct route *route_match(enum http_method method, const char *path, long long *number, long long *id,
                                int *path_known);

#endif
