/* token: issuing and verifying the signed access tokens (HS256 JWT through libjwt 1.10).
 * libjwt 1.10 takes the algorithm from the token and checks no claims, so the header and the
 * claims are checked here, strictly, before and after its signature check. */
#ifndef AUTH_TOKEN_H
#define AUTH_TOKEN_H

#include <stddef.h>
#include <time.h>

struct arena;
struct tenant;

#define TOKEN_KEY_LEN        32
#define TOKEN_MAX_LEN        2048
#define TOKEN_LEEWAY         60
#define TOKEN_ISSUER         "service-portal"
#define TOKEN_SESSION_ID_LEN 32

struct token_claims {
	long long user_id;                         /* sub */
	char session_id[TOKEN_SESSION_ID_LEN + 1]; /* sid */
	char role[16];
	time_t issued_at;
	time_t expires_at;
};

/* Derives the HMAC key of one tenant's key id from the installation's master secret, so no
 * signing key is ever stored in the database. */
void token_derive_key(const unsigned char master[TOKEN_KEY_LEN], long long tenant_id, const char *kid,
                      unsigned char out[TOKEN_KEY_LEN]);

/* Signs claims with the tenant's newest key. Returns the token (arena-owned) or NULL. */
char *token_issue(struct arena *a, const unsigned char master[TOKEN_KEY_LEN], const struct tenant *t,
                  const struct token_claims *c);

/* Verifies token for tenant t at time now. Returns 0 with the claims, or -1 with a reason
 * (static text, for the log only: callers answer a plain 401). */
int token_verify(struct arena *a, const unsigned char master[TOKEN_KEY_LEN], const struct tenant *t, const char *token,
                 time_t now, struct token_claims *out, const char **reason);

/* Fills out with n random bytes as lower-case hex (2n characters plus NUL). */
void token_random_hex(char *out, size_t n);

#endif
