/* token: strict JWT handling around libjwt. */
#include "token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <sodium.h>

#include "../core/arena.h"
#include "../core/json.h"
#include "../core/log.h"
#include "../tenant/tenant.h"
#include "role.h"

void token_derive_key(const unsigned char master[TOKEN_KEY_LEN], long long tenant_id, const char *kid,
                      unsigned char out[TOKEN_KEY_LEN])
{
	char msg[96];
	int n = snprintf(msg, sizeof(msg), "service-portal access token v1:%lld:%s", tenant_id, kid);

	crypto_generichash(out, TOKEN_KEY_LEN, (const unsigned char *)msg, (size_t)n, master, TOKEN_KEY_LEN);
}

void token_random_hex(char *out, size_t n)
{
	unsigned char raw[64];

	if (n > sizeof(raw))
		BUG("token_random_hex: %zu bytes is too many", n);
	randombytes_buf(raw, n);
	sodium_bin2hex(out, 2 * n + 1, raw, n);
}

static void jwt_release(void *p)
{
	jwt_free(p);
}

char *token_issue(struct arena *a, const unsigned char master[TOKEN_KEY_LEN], const struct tenant *t,
                  const struct token_claims *c)
{
	unsigned char key[TOKEN_KEY_LEN];
	jwt_t *jwt = NULL;
	char *s, *copy;

	if (t->nkeys == 0 || t->keys[0].retired) {
		log_error("tenant %lld has no active signing key", t->id);
		return NULL;
	}
	token_derive_key(master, t->id, t->keys[0].kid, key);
	if (jwt_new(&jwt) != 0)
		BUG("jwt_new: out of memory");
	arena_defer(a, jwt_release, jwt);
	if (jwt_add_header(jwt, "kid", t->keys[0].kid) != 0 || jwt_add_grant(jwt, "iss", TOKEN_ISSUER) != 0 ||
	    jwt_add_grant(jwt, "aud", t->slug) != 0 || jwt_add_grant_int(jwt, "sub", c->user_id) != 0 ||
	    jwt_add_grant(jwt, "sid", c->session_id) != 0 || jwt_add_grant(jwt, "role", c->role) != 0 ||
	    jwt_add_grant(jwt, "typ", "access") != 0 || jwt_add_grant_int(jwt, "iat", c->issued_at) != 0 ||
	    jwt_add_grant_int(jwt, "nbf", c->issued_at) != 0 || jwt_add_grant_int(jwt, "exp", c->expires_at) != 0 ||
	    jwt_set_alg(jwt, JWT_ALG_HS256, key, TOKEN_KEY_LEN) != 0) {
		log_error("building a token failed");
		sodium_memzero(key, sizeof(key));
		return NULL;
	}
	sodium_memzero(key, sizeof(key));
	s = jwt_encode_str(jwt);
	if (s == NULL) {
		log_error("jwt_encode_str failed");
		return NULL;
	}
	copy = arena_strdup(a, s);
	free(s);
	return copy;
}

/* Decodes one base64url segment (no padding) into arena memory as a NUL-terminated string. */
static char *segment_decode(struct arena *a, const char *seg, size_t len, size_t *out_len)
{
	char *bin = arena_alloc(a, len + 1);
	size_t n = 0;
	const char *end = NULL;

	if (sodium_base642bin((unsigned char *)bin, len, seg, len, NULL, &n, &end,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    end != seg + len)
		return NULL;
	bin[n] = '\0';
	*out_len = n;
	return bin;
}

static struct json_object *segment_json(struct arena *a, const char *seg, size_t len)
{
	size_t n;
	const char *reason;
	char *text = segment_decode(a, seg, len, &n);
	struct json_object *o;

	if (text == NULL)
		return NULL;
	o = json_parse_strict(a, text, n, &reason);
	if (o == NULL || !json_object_is_type(o, json_type_object))
		return NULL;
	return o;
}

/* The string member key of o, exactly; NULL when missing or not a string. */
static const char *member_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int member_int(struct json_object *o, const char *key, long long *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	*out = json_object_get_int64(v);
	return 0;
}

static int only_keys(struct json_object *o, const char *const *allowed)
{
	json_object_object_foreach(o, key, unused)
	{
		int ok = 0;

		(void)unused;
		for (int i = 0; allowed[i] != NULL && !ok; i++)
			ok = strcmp(allowed[i], key) == 0;
		if (!ok)
			return -1;
	}
	return 0;
}

static bool is_lower_hex(const char *s, size_t len)
{
	if (strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int token_verify(struct arena *a, const unsigned char master[TOKEN_KEY_LEN], const struct tenant *t, const char *token,
                 time_t now, struct token_claims *out, const char **reason)
{
	static const char *const header_keys[] = {"alg", "typ", "kid", NULL};
	static const char *const claim_keys[] = {"iss", "aud", "sub", "sid", "role", "typ", "iat", "nbf", "exp", NULL};
	size_t len = strlen(token);
	const char *dot1, *dot2, *alg, *typ, *kid, *s;
	struct json_object *header, *claims;
	unsigned char key[TOKEN_KEY_LEN];
	const struct tenant_key *found = NULL;
	jwt_t *jwt = NULL;
	long long sub, iat, nbf, exp;
	int rc;

	*reason = "malformed";
	if (len == 0 || len > TOKEN_MAX_LEN)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char ch = token[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		      ch == '_' || ch == '.'))
			return -1;
	}
	dot1 = strchr(token, '.');
	dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (dot1 == NULL || dot2 == NULL || strchr(dot2 + 1, '.') != NULL || dot2[1] == '\0')
		return -1;

	/* The header decides nothing: it must name exactly the algorithm we pinned. */
	header = segment_json(a, token, (size_t)(dot1 - token));
	if (header == NULL || only_keys(header, header_keys) == -1)
		return -1;
	alg = member_str(header, "alg");
	typ = member_str(header, "typ");
	kid = member_str(header, "kid");
	*reason = "header";
	if (alg == NULL || strcmp(alg, "HS256") != 0 || typ == NULL || strcmp(typ, "JWT") != 0 || kid == NULL ||
	    !is_lower_hex(kid, TENANT_KID_LEN))
		return -1;
	for (size_t i = 0; i < t->nkeys && found == NULL; i++)
		if (strcmp(t->keys[i].kid, kid) == 0)
			found = &t->keys[i];
	*reason = "unknown key";
	if (found == NULL)
		return -1;

	token_derive_key(master, t->id, found->kid, key);
	rc = jwt_decode(&jwt, token, key, TOKEN_KEY_LEN);
	sodium_memzero(key, sizeof(key));
	*reason = "signature";
	if (rc != 0 || jwt == NULL) {
		if (jwt != NULL)
			jwt_free(jwt);
		return -1;
	}
	rc = jwt_get_alg(jwt) == JWT_ALG_HS256 ? 0 : -1;
	jwt_free(jwt);
	if (rc == -1)
		return -1;

	/* Claims are read from our strict parse of the same bytes the signature covered. */
	*reason = "claims";
	claims = segment_json(a, dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (claims == NULL || only_keys(claims, claim_keys) == -1)
		return -1;
	if ((s = member_str(claims, "iss")) == NULL || strcmp(s, TOKEN_ISSUER) != 0)
		return -1;
	*reason = "audience";
	if ((s = member_str(claims, "aud")) == NULL || strcmp(s, t->slug) != 0)
		return -1;
	*reason = "claims";
	if ((s = member_str(claims, "typ")) == NULL || strcmp(s, "access") != 0)
		return -1;
	if (member_int(claims, "sub", &sub) == -1 || sub <= 0 || member_int(claims, "iat", &iat) == -1 ||
	    member_int(claims, "nbf", &nbf) == -1 || member_int(claims, "exp", &exp) == -1)
		return -1;
	s = member_str(claims, "sid");
	if (s == NULL || !is_lower_hex(s, TOKEN_SESSION_ID_LEN))
		return -1;
	memcpy(out->session_id, s, TOKEN_SESSION_ID_LEN + 1);
	s = member_str(claims, "role");
	if (s == NULL || role_parse(s, strlen(s)) == ROLE__MAX)
		return -1;
	snprintf(out->role, sizeof(out->role), "%s", s);
	*reason = "expired or not yet valid";
	if (exp + TOKEN_LEEWAY < (long long)now || nbf - TOKEN_LEEWAY > (long long)now ||
	    iat - TOKEN_LEEWAY > (long long)now || exp <= iat)
		return -1;
	out->user_id = sub;
	out->issued_at = (time_t)iat;
	out->expires_at = (time_t)exp;
	*reason = NULL;
	return 0;
}
