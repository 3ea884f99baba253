/* test_report_stats: nearest-rank percentiles and rounded means, the one definition every
 * report uses. */
#include <json-c/json.h>

#include "../../app/core/buf.h"
#include "../../app/report/scope.h"
#include "unit.h"

static const char *stats_csv(struct buf *b, long long *v, size_t n)
{
	buf_reset(b);
	report_stats_csv(b, v, n);
	return b->data;
}

static void nearest_rank(void)
{
	long long ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, one[] = {42}, three[] = {300, 100, 200};
	long long twenty[20];
	struct buf b;

	for (int i = 0; i < 20; i++)
		twenty[i] = i + 1;
	buf_init(&b);
	/* 1..10: the median is rank ceil(5) = 5, the 90th rank ceil(9) = 9; mean 5.5 rounds up. */
	CHECK_STR(stats_csv(&b, ten, 10), "10,6,5,9");
	CHECK_INT(report_percentile(ten, 10, 100), 10);
	CHECK_INT(report_percentile(ten, 10, 1), 1);
	/* One value is every percentile. */
	CHECK_STR(stats_csv(&b, one, 1), "1,42,42,42");
	/* Three: median rank 2, 90th rank ceil(2.7) = 3. */
	CHECK_STR(stats_csv(&b, three, 3), "3,200,200,300");
	/* Twenty: 90th rank 18, median rank 10 (the lower middle). */
	CHECK_STR(stats_csv(&b, twenty, 20), "20,11,10,18");
	CHECK_STR(stats_csv(&b, NULL, 0), "0,,,");
	buf_release(&b);
}

static void as_json(void)
{
	long long v[] = {0, 0, 1};
	struct json_object *o = report_stats_json(v, 3), *empty = report_stats_json(NULL, 0);

	CHECK_STR(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	          "{\"count\":3,\"mean\":0,\"median\":0,\"p90\":1}");
	CHECK_STR(json_object_to_json_string_ext(empty, JSON_C_TO_STRING_PLAIN),
	          "{\"count\":0,\"mean\":null,\"median\":null,\"p90\":null}");
	json_object_put(o);
	json_object_put(empty);
}

const struct unit_case report_stats_cases[] = {
        {"report stats: nearest-rank percentiles, means rounded half up", nearest_rank},
        {"report stats: JSON, nulls when nothing was counted", as_json},
        {NULL, NULL},
};
