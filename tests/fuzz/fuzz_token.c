/* fuzz_token: token_verify for a fixed tenant and master key (as tests/unit/test_token.c sets
 * them up: tenant 1 "acme", an active key and a retired one) at a fixed time. The first byte
 * picks how the rest becomes a token:
 *   0  the token itself;
 *   1  (position, position, byte) triples, each writing the byte at the 16-bit position, taken
 *      modulo the length, of a valid token from token_issue;
 *   2  the header JSON, with the valid token's claims, signed with the active key;
 *   3  the claims JSON, under a valid header, signed with the active key.
 * Properties checked on every input:
 * - a refusal always has a reason, an acceptance none;
 * - an accepted token is authentic: its signature segment is exactly the base64url (no padding,
 *   canonical) HMAC-SHA256 of header.payload under a key of the tenant; so no mutation of a
 *   valid token other than the identity passes;
 * - accepted claims keep their promises: positive user id, 32 lower-case hex session id, a known
 *   role, and a validity window around the fixed time within the leeway. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../../app/auth/token.h"
#include "../../app/core/arena.h"
#include "../../app/tenant/tenant.h"

#define FUZZ_ASSERT(cond, what)                                                                \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "fuzz_token: %s (%s:%d)\n", what, __FILE__, __LINE__); \
			abort();                                                               \
		}                                                                              \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2030-01-01T00:00:00Z: the seed tokens are issued for this moment. */
#define NOW          ((time_t)1893456000)
#define VALID_HEADER "{\"alg\":\"HS256\",\"kid\":\"00112233445566aa\",\"typ\":\"JWT\"}"

static unsigned char master[TOKEN_KEY_LEN];
static struct tenant_key keys[2] = {{"00112233445566aa", false}, {"99887766554433bb", true}};
static struct tenant acme;
static struct arena arena, keep;
static char *valid_token;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct token_claims c;
	struct token_claims out;
	const char *reason = NULL;

	(void)argc;
	(void)argv;
	FUZZ_ASSERT(sodium_init() >= 0, "sodium_init");
	memset(master, 7, sizeof(master));
	acme.id = 1;
	acme.slug = "acme";
	acme.keys = keys;
	acme.nkeys = 2;
	memset(&c, 0, sizeof(c));
	c.user_id = 42;
	memcpy(c.session_id, "0123456789abcdef0123456789abcdef", TOKEN_SESSION_ID_LEN + 1);
	strcpy(c.role, "agent");
	c.issued_at = NOW;
	c.expires_at = NOW + 3600;
	valid_token = token_issue(&keep, master, &acme, &c);
	FUZZ_ASSERT(valid_token != NULL, "token_issue");
	FUZZ_ASSERT(token_verify(&arena, master, &acme, valid_token, NOW, &out, &reason) == 0,
	            "the issued token does not verify");
	arena_reset(&arena);
	return 0;
}

static char *b64(struct arena *a, const unsigned char *bin, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(a, cap);

	sodium_bin2base64(out, cap, bin, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static char *sign(struct arena *a, const char *kid, const char *signing_input, size_t len)
{
	unsigned char key[TOKEN_KEY_LEN], mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;

	token_derive_key(master, acme.id, kid, key);
	crypto_auth_hmacsha256_init(&st, key, sizeof(key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)signing_input, len);
	crypto_auth_hmacsha256_final(&st, mac);
	return b64(a, mac, sizeof(mac));
}

/* header.payload of JSON texts, signed with the active key. */
static char *signed_token(struct arena *a, const char *header, size_t header_len, const char *payload,
                          size_t payload_len)
{
	char *input = arena_printf(a, "%s.%s", b64(a, (const unsigned char *)header, header_len),
	                           b64(a, (const unsigned char *)payload, payload_len));

	return arena_printf(a, "%s.%s", input, sign(a, keys[0].kid, input, strlen(input)));
}

/* The valid token's claims segment, decoded. */
static char *valid_claims(struct arena *a, size_t *len)
{
	const char *dot1 = strchr(valid_token, '.'), *dot2 = strrchr(valid_token, '.');
	size_t seg = (size_t)(dot2 - dot1 - 1);
	char *out = arena_alloc(a, seg + 1);

	FUZZ_ASSERT(sodium_base642bin((unsigned char *)out, seg, dot1 + 1, seg, NULL, len, NULL,
	                              sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0,
	            "decoding the valid token");
	return out;
}

static bool lower_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void check_accepted(const char *token, const struct token_claims *out)
{
	const char *dot = strrchr(token, '.');
	bool authentic = false;

	FUZZ_ASSERT(dot != NULL, "accepted without a signature segment");
	for (size_t i = 0; i < acme.nkeys && !authentic; i++)
		authentic = strcmp(sign(&arena, keys[i].kid, token, (size_t)(dot - token)), dot + 1) == 0;
	FUZZ_ASSERT(authentic, "accepted a token whose signature segment is not ours (forged or malleated)");
	FUZZ_ASSERT(out->user_id > 0, "accepted a user id below 1");
	FUZZ_ASSERT(lower_hex(out->session_id, TOKEN_SESSION_ID_LEN), "accepted a malformed session id");
	FUZZ_ASSERT(strcmp(out->role, "admin") == 0 || strcmp(out->role, "manager") == 0 ||
	                    strcmp(out->role, "agent") == 0 || strcmp(out->role, "customer") == 0,
	            "accepted an unknown role");
	FUZZ_ASSERT(out->expires_at + TOKEN_LEEWAY >= NOW && out->issued_at - TOKEN_LEEWAY <= NOW &&
	                    out->expires_at > out->issued_at,
	            "accepted a token outside its validity window");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *rest = (const char *)data + 1, *reason = NULL;
	size_t rest_len = size > 0 ? size - 1 : 0;
	char *token;
	struct token_claims out;
	int rc;

	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		token = arena_strndup(&arena, rest, rest_len);
		break;
	case 1:
		token = arena_strdup(&arena, valid_token);
		for (size_t i = 0; i + 2 < rest_len; i += 3) {
			size_t pos = (unsigned char)rest[i] | (size_t)(unsigned char)rest[i + 1] << 8;

			token[pos % strlen(valid_token)] = rest[i + 2];
		}
		break;
	case 2: {
		size_t claims_len;
		char *claims = valid_claims(&arena, &claims_len);

		token = signed_token(&arena, rest, rest_len, claims, claims_len);
		break;
	}
	default:
		token = signed_token(&arena, VALID_HEADER, strlen(VALID_HEADER), rest, rest_len);
		break;
	}
	/* Verify an exact-size copy, so that reading past the terminating NUL is caught. */
	{
		size_t n = strlen(token);
		char *copy = malloc(n + 1);

		FUZZ_ASSERT(copy != NULL, "out of memory");
		memcpy(copy, token, n + 1);
		memset(&out, 0, sizeof(out));
		rc = token_verify(&arena, master, &acme, copy, NOW, &out, &reason);
		FUZZ_ASSERT(rc == 0 || rc == -1, "token_verify returned neither 0 nor -1");
		FUZZ_ASSERT((rc == 0) == (reason == NULL), "a refusal without a reason, or an acceptance with one");
		if (rc == 0)
			check_accepted(copy, &out);
		free(copy);
	}
	arena_reset(&arena);
	return 0;
}
