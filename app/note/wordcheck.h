/* wordcheck: the tenant's neutral-language check. Terms are whole words or phrases, compared
 * without regard to case, accents or full-width forms; a '*' at the end of a term matches any
 * ending ("idiot*" finds "idiotic"). A listed "ass" never flags "class". */
#ifndef NOTE_WORDCHECK_H
#define NOTE_WORDCHECK_H

#include <stddef.h>

struct arena;

#define WORDCHECK_TERM_MAX  100
#define WORDCHECK_MAX_TERMS 500

/* Folds UTF-8 text to the form terms are compared in: lower case, accents removed, full-width
 * ASCII made plain, every run of non-word characters one space, no leading or trailing space.
 * Returns arena memory. */
char *wordcheck_fold(struct arena *a, const char *text, size_t len);

/* True when term is usable: 1 to WORDCHECK_TERM_MAX characters, at least one letter or digit,
 * '*' only at the end. */
int wordcheck_term_valid(const char *term);

/* Finds which of terms[0..n) occur in text. Writes the indexes of the matching terms to
 * found (capacity n) and returns their number. */
size_t wordcheck_find(struct arena *a, const char *text, size_t len, const char *const *terms, size_t n, size_t *found);

#endif
