/* auth: who is calling. Verifies the token of a request against its tenant and live session,
 * and serves sign-in, sign-out and /me. */
#ifndef AUTH_AUTH_H
#define AUTH_AUTH_H

struct arena;
struct request;

enum auth_result {
	AUTH_NONE,    /* no credentials sent */
	AUTH_OK,      /* r->user is set */
	AUTH_INVALID, /* credentials sent but refused: 401 */
	AUTH_ERROR,   /* database failure */
};

/* Reads a Bearer header or the session cookie, verifies the token for r->tenant and checks
 * its session row (one indexed query). */
enum auth_result auth_authenticate(struct request *r);

/* The value of the first cookie called name in a Cookie header (NULL: no header), up to the
 * next ';', arena-owned; NULL when there is none. Pure: reads only its arguments. */
const char *auth_cookie_value(struct arena *a, const char *header, const char *name);

/* Fields of POST /auth/login, indexes into the route's input spec. */
enum login_field { LOGIN_EMAIL, LOGIN_PASSWORD, LOGIN__MAX };

int auth_login(struct request *r);
int auth_logout(struct request *r);
int auth_me(struct request *r);

#endif
