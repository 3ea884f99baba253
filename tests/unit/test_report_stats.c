/* test_report_stats: nearest-rank percentiles and rounded means, the one definition every
 * report uses. */
#include <stddef.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

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

/* The radix sort gives qsort's order on every byte pattern: negatives, equal runs, values that
 * differ only in a high byte, the extremes. */
static void sort_like_qsort(void)
{
	enum { N = 5000 };
	static long long v[N], w[N];
	unsigned long long x = 88172645463325252ULL;
	bool same = true;

	for (size_t i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (i % 5) {
		case 0:
			v[i] = (long long)(x % 1000);
			break; /* a low byte only, many repeats */
		case 1:
			v[i] = (long long)(x >> 1) * (i % 2 ? 1 : -1);
			break; /* every byte, both signs */
		case 2:
			v[i] = (long long)(x % 4) << 40;
			break; /* one high byte */
		case 3:
			v[i] = i % 2 ? LLONG_MAX : LLONG_MIN;
			break;
		default:
			v[i] = 1733315824 + (long long)(x % 63072000);
			break; /* instants of two years */
		}
		w[i] = v[i];
	}
	report_sort(v, N, sizeof(v[0]), 0);
	qsort(w, N, sizeof(w[0]), report_compare_ll);
	for (size_t i = 0; i < N; i++)
		same &= v[i] == w[i];
	CHECK(same);
}

/* Sorting pairs by the second member, then stably by the first, orders them by both. */
static void sort_stable_pairs(void)
{
	struct pair {
		long long who, seconds;
	} v[] = {{2, 30}, {1, 50}, {2, 10}, {1, 5}, {3, 7}, {2, 20}, {1, 5}};
	const struct pair want[] = {{1, 5}, {1, 5}, {1, 50}, {2, 10}, {2, 20}, {2, 30}, {3, 7}};
	size_t n = sizeof(v) / sizeof(v[0]);
	bool same = true;

	report_sort(v, n, sizeof(v[0]), offsetof(struct pair, seconds));
	report_sort(v, n, sizeof(v[0]), offsetof(struct pair, who));
	for (size_t i = 0; i < n; i++)
		same &= v[i].who == want[i].who && v[i].seconds == want[i].seconds;
	CHECK(same);
	report_sort(v, 0, sizeof(v[0]), 0); /* nothing to sort, nothing touched */
}

const struct unit_case report_stats_cases[] = {
        {"report stats: the radix sort orders as qsort does", sort_like_qsort},
        {"report stats: the radix sort is stable (pairs by two keys)", sort_stable_pairs},
        {"report stats: nearest-rank percentiles, means rounded half up", nearest_rank},
        {"report stats: JSON, nulls when nothing was counted", as_json},
        {NULL, NULL},
};
