/* test_token: the token attacks libjwt 1.10 would let through on its own. */
#include <sodium.h>
#include <stdlib.h>
#include <time.h>

#include "../../app/auth/token.h"
#include "../../app/core/arena.h"
#include "../../app/tenant/tenant.h"
#include "unit.h"

static unsigned char master[TOKEN_KEY_LEN];
static struct tenant acme, globex;
static struct tenant_key acme_keys[1] = {{"00112233445566aa", false}};
static struct tenant_key globex_keys[1] = {{"99887766554433bb", false}};

static void setup(void)
{
	memset(master, 7, sizeof(master));
	acme.id = 1;
	acme.slug = "acme";
	acme.keys = acme_keys;
	acme.nkeys = 1;
	globex.id = 2;
	globex.slug = "globex";
	globex.keys = globex_keys;
	globex.nkeys = 1;
}

static char *issue(struct arena *a, const struct tenant *t, time_t iat, time_t exp)
{
	struct token_claims c;

	memset(&c, 0, sizeof(c));
	c.user_id = 42;
	memcpy(c.session_id, "0123456789abcdef0123456789abcdef", 33);
	strcpy(c.role, "agent");
	c.issued_at = iat;
	c.expires_at = exp;
	return token_issue(a, master, t, &c);
}

static int verify(struct arena *a, const struct tenant *t, const char *tok, time_t now)
{
	struct token_claims out;
	const char *reason;

	return token_verify(a, master, t, tok, now, &out, &reason);
}

/* base64url without padding of s */
static char *b64(struct arena *a, const char *s)
{
	size_t n = strlen(s), cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(a, cap);

	sodium_bin2base64(out, cap, (const unsigned char *)s, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static void good_token_round_trip(void)
{
	struct arena a;
	struct token_claims out;
	const char *reason;
	time_t now = time(NULL);
	char *tok;

	setup();
	arena_init(&a);
	tok = issue(&a, &acme, now, now + 3600);
	CHECK(tok != NULL);
	CHECK_INT(token_verify(&a, master, &acme, tok, now, &out, &reason), 0);
	CHECK_INT(out.user_id, 42);
	CHECK_STR(out.role, "agent");
	CHECK_STR(out.session_id, "0123456789abcdef0123456789abcdef");
	arena_release(&a);
}

static void wrong_tenant_and_expiry(void)
{
	struct arena a;
	time_t now = time(NULL);
	char *tok;

	setup();
	arena_init(&a);
	tok = issue(&a, &acme, now - 7200, now - 61);
	CHECK_INT(verify(&a, &acme, tok, now), -1); /* expired past the leeway */
	tok = issue(&a, &acme, now - 7200, now - 59);
	CHECK_INT(verify(&a, &acme, tok, now), 0); /* within the 60 s leeway */
	tok = issue(&a, &acme, now + 600, now + 3600);
	CHECK_INT(verify(&a, &acme, tok, now), -1); /* not yet valid */
	tok = issue(&a, &acme, now, now + 3600);
	CHECK_INT(verify(&a, &globex, tok, now), -1); /* another tenant's audience and key */
	arena_release(&a);
}

static void forged_headers(void)
{
	struct arena a;
	time_t now = time(NULL);
	char *tok = NULL, *dot;
	const char *algs[] = {"none", "NONE", "nOnE", "hs256", "RS256", "HS512"};

	setup();
	arena_init(&a);
	tok = issue(&a, &acme, now, now + 3600);
	dot = strchr(tok, '.');
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		char *h = arena_printf(&a, "{\"alg\":\"%s\",\"kid\":\"00112233445566aa\",\"typ\":\"JWT\"}", algs[i]);
		char *forged = arena_printf(&a, "%s%s", b64(&a, h), dot); /* keep payload and signature */
		char *unsigned_tok = arena_printf(&a, "%s%.*s.", b64(&a, h), (int)(strrchr(tok, '.') - dot), dot);

		CHECK_INT(verify(&a, &acme, forged, now), -1);
		CHECK_INT(verify(&a, &acme, unsigned_tok, now), -1);
	}
	/* kid outside the key table, path-like or SQL-like */
	{
		const char *kids[] = {"../../etc/passwd", "' OR 1=1", "ffffffffffffffff"};

		for (size_t i = 0; i < 3; i++) {
			char *h = arena_printf(&a, "{\"alg\":\"HS256\",\"kid\":\"%s\",\"typ\":\"JWT\"}", kids[i]);

			CHECK_INT(verify(&a, &acme, arena_printf(&a, "%s%s", b64(&a, h), dot), now), -1);
		}
	}
	arena_release(&a);
}

static void tampered_payload_and_signature(void)
{
	struct arena a;
	time_t now = time(NULL);
	char *tok, *sig, *copy;
	size_t n;

	setup();
	arena_init(&a);
	tok = issue(&a, &acme, now, now + 3600);
	n = strlen(tok);
	sig = strrchr(tok, '.');
	/* role escalated, original signature */
	{
		char *payload = arena_printf(
		        &a,
		        "{\"aud\":\"acme\",\"exp\":%lld,\"iat\":%lld,\"iss\":\"service-portal\",\"nbf\":%lld,"
		        "\"role\":\"admin\",\"sid\":\"0123456789abcdef0123456789abcdef\",\"sub\":42,"
		        "\"typ\":\"access\"}",
		        (long long)now + 3600, (long long)now, (long long)now);
		char *forged = arena_printf(&a, "%.*s.%s%s", (int)(strchr(tok, '.') - tok), tok, b64(&a, payload), sig);

		CHECK_INT(verify(&a, &acme, forged, now), -1);
	}
	/* one bit flipped in the signature, truncated, extended */
	copy = arena_strdup(&a, tok);
	copy[n - 2] = copy[n - 2] == 'A' ? 'B' : 'A';
	CHECK_INT(verify(&a, &acme, copy, now), -1);
	CHECK_INT(verify(&a, &acme, arena_strndup(&a, tok, n - 1), now), -1);
	CHECK_INT(verify(&a, &acme, arena_printf(&a, "%sAA", tok), now), -1);
	/* two and four segments */
	CHECK_INT(verify(&a, &acme, arena_strndup(&a, tok, (size_t)(sig - tok)), now), -1);
	CHECK_INT(verify(&a, &acme, arena_printf(&a, "%s.AAAA", tok), now), -1);
	/* 100 KB */
	{
		char *big = arena_alloc(&a, 100 * 1024 + 1);

		memset(big, 'A', 100 * 1024);
		CHECK_INT(verify(&a, &acme, big, now), -1);
	}
	CHECK_INT(verify(&a, &acme, "", now), -1);
	arena_release(&a);
}

static void claim_types(void)
{
	struct arena a;
	time_t now = time(NULL);

	setup();
	arena_init(&a);
	/* Payloads we sign ourselves with the right key: only the claims are wrong. */
	{
		const char *bad[] = {
		        "{\"aud\":\"acme\",\"exp\":\"9999999999\",\"iat\":1,\"iss\":\"service-portal\",\"nbf\":1,"
		        "\"role\":\"agent\","
		        "\"sid\":\"0123456789abcdef0123456789abcdef\",\"sub\":42,\"typ\":\"access\"}",
		        "{\"aud\":\"acme\",\"iat\":1,\"iss\":\"service-portal\",\"nbf\":1,\"role\":\"agent\","
		        "\"sid\":\"0123456789abcdef0123456789abcdef\",\"sub\":42,\"typ\":\"access\"}",
		        "{\"aud\":\"acme\",\"exp\":9999999999,\"iat\":1,\"iss\":\"evil\",\"nbf\":1,\"role\":\"agent\","
		        "\"sid\":\"0123456789abcdef0123456789abcdef\",\"sub\":42,\"typ\":\"access\"}",
		        "{\"aud\":\"acme\",\"exp\":9999999999,\"iat\":1,\"iss\":\"service-portal\",\"nbf\":1,\"role\":"
		        "\"agent\","
		        "\"sid\":\"0123456789abcdef0123456789abcdef\",\"sub\":42,\"typ\":\"refresh\"}",
		        "{\"aud\":\"acme\",\"exp\":9999999999,\"iat\":1,\"iss\":\"service-portal\",\"nbf\":1,\"role\":"
		        "\"agent\","
		        "\"role\":\"admin\",\"sid\":\"0123456789abcdef0123456789abcdef\",\"sub\":42,\"typ\":"
		        "\"access\"}",
		};
		unsigned char key[TOKEN_KEY_LEN], mac[crypto_auth_hmacsha256_BYTES];

		token_derive_key(master, acme.id, acme.keys[0].kid, key);
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char *signing = arena_printf(
			        &a, "%s.%s",
			        b64(&a, "{\"alg\":\"HS256\",\"kid\":\"00112233445566aa\",\"typ\":\"JWT\"}"),
			        b64(&a, bad[i]));
			char sig[64];
			crypto_auth_hmacsha256_state st;

			crypto_auth_hmacsha256_init(&st, key, sizeof(key));
			crypto_auth_hmacsha256_update(&st, (const unsigned char *)signing, strlen(signing));
			crypto_auth_hmacsha256_final(&st, mac);
			sodium_bin2base64(sig, sizeof(sig), mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
			CHECK_INT(verify(&a, &acme, arena_printf(&a, "%s.%s", signing, sig), now), -1);
		}
		/* The same construction with good claims passes: the refusals above are the claims'. */
		{
			char *good = arena_printf(
			        &a,
			        "{\"aud\":\"acme\",\"exp\":%lld,\"iat\":%lld,\"iss\":\"service-portal\",\"nbf\":%lld,"
			        "\"role\":\"agent\",\"sid\":\"0123456789abcdef0123456789abcdef\",\"sub\":42,"
			        "\"typ\":\"access\"}",
			        (long long)now + 60, (long long)now, (long long)now);
			char *signing = arena_printf(
			        &a, "%s.%s",
			        b64(&a, "{\"alg\":\"HS256\",\"kid\":\"00112233445566aa\",\"typ\":\"JWT\"}"),
			        b64(&a, good));
			char sig[64];
			crypto_auth_hmacsha256_state st;

			crypto_auth_hmacsha256_init(&st, key, sizeof(key));
			crypto_auth_hmacsha256_update(&st, (const unsigned char *)signing, strlen(signing));
			crypto_auth_hmacsha256_final(&st, mac);
			sodium_bin2base64(sig, sizeof(sig), mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
			CHECK_INT(verify(&a, &acme, arena_printf(&a, "%s.%s", signing, sig), now), 0);
		}
	}
	arena_release(&a);
}

const struct unit_case token_cases[] = {
        {"token: a token we issue verifies with its claims", good_token_round_trip},
        {"token: expiry, leeway, not-before and another tenant", wrong_tenant_and_expiry},
        {"token: alg none/NONE/hs256/RS256 and foreign kids are refused", forged_headers},
        {"token: tampered payload or signature, wrong segment counts, 100 KB", tampered_payload_and_signature},
        {"token: wrong claim types, issuer, token type and duplicate claims", claim_types},
        {NULL, NULL},
};
