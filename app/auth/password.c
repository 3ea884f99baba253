/* password: argon2id at OWASP's minimum cost (19 MiB, t=2): about 12 ms here. */
#include "password.h"

#include <string.h>

#include <sodium.h>

#include "../core/log.h"

#define PASSWORD_OPSLIMIT 2
#define PASSWORD_MEMLIMIT (19u * 1024 * 1024)

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	char tmp[crypto_pwhash_STRBYTES];

	if (crypto_pwhash_str_alg(tmp, password, strlen(password), PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0) {
		log_error("argon2id hashing failed (out of memory?)");
		return -1;
	}
	if (strlen(tmp) >= PASSWORD_HASH_MAX)
		BUG("argon2id string longer than expected");
	strcpy(out, tmp);
	return 0;
}

static char password_dummy[crypto_pwhash_STRBYTES];

int password_init(void)
{
	if (sodium_init() < 0) {
		log_error("libsodium failed to initialise");
		return -1;
	}
	return crypto_pwhash_str_alg(password_dummy, "not a password", 14, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT,
	                             crypto_pwhash_ALG_ARGON2ID13) == 0
	               ? 0
	               : -1;
}

bool password_verify(const char *hash, const char *password)
{
	if (hash == NULL) {
		if (password_dummy[0] == '\0')
			BUG("password_init was not called");
		/* Spend the time; the answer is false whatever it says. */
		volatile int spent = crypto_pwhash_str_verify(password_dummy, password, strlen(password));

		(void)spent;
		return false;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}
