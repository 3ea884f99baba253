/* role: the roles a user can hold, as bits so a route can name the set that may call it. */
#ifndef AUTH_ROLE_H
#define AUTH_ROLE_H

#include <stddef.h>

enum role {
	ROLE_ADMIN,    /* tenant admin: configuration, users */
	ROLE_MANAGER,  /* triage, assignment, reports */
	ROLE_AGENT,    /* works tickets */
	ROLE_CUSTOMER, /* raises and follows own (company's) tickets */
	ROLE__MAX
};

#define ROLE_BIT(r)     (1u << (r))
#define ROLES_STAFF     (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_AGENT))
#define ROLES_SIGNED_IN (ROLES_STAFF | ROLE_BIT(ROLE_CUSTOMER))
/* Not a role: a route open to callers without a token. */
#define ROLES_ANONYMOUS (1u << 31)

/* Name as stored in the database and carried in tokens. */
const char *role_name(enum role r);
/* Parses a role name; returns ROLE__MAX when unknown. */
enum role role_parse(const char *s, size_t len);
int role_is_staff(enum role r);

#endif
