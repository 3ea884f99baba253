/* auth: who is calling. Verifies the token of a request against its tenant and live session,
 * and serves sign-in, sign-out and /me. */
#ifndef AUTH_AUTH_H
#define AUTH_AUTH_H

#include <stdbool.h>

struct arena;
struct request;

enum auth_result {
	AUTH_NONE,        /* no credentials sent */
	AUTH_OK,          /* r->user is set */
	AUTH_INVALID,     /* credentials sent but refused: 401 */
	AUTH_ERROR,       /* database failure */
	AUTH_UNCONFIRMED, /* confirm_tenant: not confirmed; resolve the tenant and ask again */
};

/* Reads a Bearer header or the session cookie, verifies the token for r->tenant and checks
 * its session row, user and teams (one indexed query). With confirm_tenant, r->tenant is only
 * remembered from an earlier request: the same query also checks that the tenant is active and
 * at the remembered configuration version, and anything short of a confirmed sign-in (no
 * credentials, a refused token, another version) is AUTH_UNCONFIRMED. */
enum auth_result auth_authenticate(struct request *r, bool confirm_tenant);

/* The value of the first cookie called name in a Cookie header (NULL: no header), up to the
 * next ';', arena-owned; NULL when there is none. Pure: reads only its arguments. */
const char *auth_cookie_value(struct arena *a, const char *header, const char *name);

/* Fields of POST /auth/login, indexes into the route's input spec. */
enum login_field { LOGIN_EMAIL, LOGIN_PASSWORD, LOGIN__MAX };

int auth_login(struct request *r);
int auth_logout(struct request *r);
int auth_me(struct request *r);

#endif
