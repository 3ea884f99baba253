/* test_utf8: validation and character counting. */
#include "../../app/core/utf8.h"
#include "unit.h"

static void valid_text(void)
{
	const char *s = "Printer \xF0\x9F\x94\xA5 \xE6\x95\x85\xE9\x9A\x9C \xE2\x80\x94 urgent";

	CHECK(utf8_valid(s, strlen(s)));
	CHECK_INT(utf8_chars(s, strlen(s)), 21);
	CHECK(utf8_valid("\xF0\xA0\x80\x80", 4)); /* U+20000 */
	CHECK_INT(utf8_chars("\xF0\xA0\x80\x80", 4), 1);
}

static void invalid_sequences(void)
{
	CHECK(!utf8_valid("\xC3\x28", 2));         /* bad continuation */
	CHECK(!utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
	CHECK(!utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
	CHECK(!utf8_valid("\xF4\x90\x80\x80", 4)); /* past U+10FFFF */
	CHECK(!utf8_valid("\xE2\x82", 2));         /* truncated */
	CHECK(!utf8_valid("a\0b", 3));             /* NUL */
	CHECK(!utf8_valid("\xFF", 1));
}

const struct unit_case utf8_cases[] = {
        {"utf8: valid text and counts", valid_text},
        {"utf8: invalid sequences", invalid_sequences},
        {NULL, NULL},
};
