/* test_csv: RFC 4180 fields and formula neutralisation. */
#include "../../app/core/buf.h"
#include "../../app/report/csv.h"
#include "unit.h"

static const char *one(struct buf *b, const char *s)
{
	buf_reset(b);
	csv_field(b, s);
	return b->data;
}

static void fields(void)
{
	struct buf b;

	buf_init(&b);
	CHECK_STR(one(&b, "plain"), "plain");
	CHECK_STR(one(&b, "a,b"), "\"a,b\"");
	CHECK_STR(one(&b, "say \"hi\""), "\"say \"\"hi\"\"\"");
	CHECK_STR(one(&b, "two\nlines"), "\"two\nlines\"");
	CHECK_STR(one(&b, "=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
	CHECK_STR(one(&b, "+1"), "\"'+1\"");
	CHECK_STR(one(&b, "-2"), "\"'-2\"");
	CHECK_STR(one(&b, "@SUM(A1)"), "\"'@SUM(A1)\"");
	CHECK_STR(one(&b, "caf\xC3\xA9 \xF0\x9F\x94\xA5"), "caf\xC3\xA9 \xF0\x9F\x94\xA5");
	CHECK_STR(one(&b, NULL), "");
	buf_reset(&b);
	csv_field(&b, "a");
	buf_putc(&b, ',');
	csv_field(&b, "b");
	csv_end(&b);
	CHECK_STR(b.data, "a,b\r\n");
	buf_release(&b);
}

const struct unit_case csv_cases[] = {
        {"csv: quoting, UTF-8 and formulas never run", fields},
        {NULL, NULL},
};
