/* password: argon2id hashes through libsodium; only sign-in pays for a hash, never a request. */
#ifndef AUTH_PASSWORD_H
#define AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_CHARS 200
#define PASSWORD_HASH_MAX  128

/* Initialises libsodium and the dummy hash; start-up only. Returns 0 or -1. */
int password_init(void);
/* Hashes password into out (PHC string). Returns 0, or -1 when out of memory. */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
/* True when password matches hash. With hash NULL it spends the same time on a fixed dummy
 * hash and returns false, so an unknown account answers as slowly as a wrong password. */
bool password_verify(const char *hash, const char *password);

#endif
