/* test_wordcheck: the neutral-language matcher. */
#include "../../app/core/arena.h"
#include "../../app/note/wordcheck.h"
#include "unit.h"

static const char *const terms[] = {"ass", "idiot*", "you people", "stupid", "crétin"};

static size_t find(struct arena *a, const char *text, size_t *found)
{
	return wordcheck_find(a, text, strlen(text), terms, 5, found);
}

static void whole_words_only(void)
{
	struct arena a;
	size_t found[5];

	arena_init(&a);
	CHECK_INT(find(&a, "This class passes the assessment.", found), 0);
	CHECK_INT(find(&a, "What an ass.", found), 1);
	CHECK_INT(found[0], 0);
	CHECK_INT(find(&a, "Don't be stupidly slow", found), 0); /* "stupid" is not a prefix term */
	CHECK_INT(find(&a, "Typical of you people!", found), 1);
	CHECK_INT(found[0], 2);
	CHECK_INT(find(&a, "you, people", found), 1); /* punctuation between the words of a phrase */
	CHECK_INT(find(&a, "your people", found), 0);
	arena_release(&a);
}

static void case_accents_and_width(void)
{
	struct arena a;
	size_t found[5];

	arena_init(&a);
	CHECK_INT(find(&a, "IDIOTIC design", found), 1);
	CHECK_INT(found[0], 1);
	CHECK_INT(find(&a,
	               "\xC3\x8D"
	               "diot",
	               found),
	          1); /* Ídiot */
	CHECK_INT(find(&a, "\xEF\xBD\x93\xEF\xBD\x94\xEF\xBD\x95\xEF\xBD\x90\xEF\xBD\x89\xEF\xBD\x84", found),
	          1);                                 /* ｓｔｕｐｉｄ */
	CHECK_INT(find(&a, "quel cretin", found), 1); /* accent-free text, accented term */
	CHECK_INT(find(&a, "Stüpid? no: St\xC3\xBCpid", found), 1);
	CHECK_INT(find(&a, "", found), 0);
	arena_release(&a);
}

static void folding_and_terms(void)
{
	struct arena a;

	arena_init(&a);
	CHECK_STR(wordcheck_fold(&a, "  Hello,   WORLD!! ", 19), "hello world");
	CHECK_STR(wordcheck_fold(&a,
	                         "Stra\xC3\x9F"
	                         "e",
	                         7),
	          "strasse");
	CHECK(wordcheck_term_valid("idiot*"));
	CHECK(!wordcheck_term_valid("*idiot"));
	CHECK(!wordcheck_term_valid("!!!"));
	CHECK(!wordcheck_term_valid(""));
	arena_release(&a);
}

const struct unit_case wordcheck_cases[] = {
        {"wordcheck: whole words and phrases only", whole_words_only},
        {"wordcheck: case, accents and full-width letters", case_accents_and_width},
        {"wordcheck: folding and term rules", folding_and_terms},
        {NULL, NULL},
};
