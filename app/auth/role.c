/* role: names of the roles, parallel to enum role. */
#include "role.h"

#include <string.h>

static const char *const role_names[ROLE__MAX] = {
        "admin",    /* ROLE_ADMIN */
        "manager",  /* ROLE_MANAGER */
        "agent",    /* ROLE_AGENT */
        "customer", /* ROLE_CUSTOMER */
};

const char *role_name(enum role r)
{
	return r < ROLE__MAX ? role_names[r] : "none";
}

enum role role_parse(const char *s, size_t len)
{
	for (int r = 0; r < ROLE__MAX; r++)
		if (strlen(role_names[r]) == len && memcmp(role_names[r], s, len) == 0)
			return (enum role)r;
	return ROLE__MAX;
}

int role_is_staff(enum role r)
{
	return r == ROLE_ADMIN || r == ROLE_MANAGER || r == ROLE_AGENT;
}
