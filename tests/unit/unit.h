/* unit: a tiny test runner. Each test file registers its cases in a table; main runs them all
 * and ends with the line "N passed, N failed". */
#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_case {
	const char *name;
	void (*fn)(void);
};

extern int unit_failures_in_case;

#define CHECK(cond)                                                                                  \
	do {                                                                                         \
		if (!(cond)) {                                                                       \
			fprintf(stderr, "    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			unit_failures_in_case++;                                                     \
		}                                                                                    \
	} while (0)

#define CHECK_INT(got, want)                                                                                     \
	do {                                                                                                     \
		long long g_ = (long long)(got), w_ = (long long)(want);                                         \
		if (g_ != w_) {                                                                                  \
			fprintf(stderr, "    %s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); \
			unit_failures_in_case++;                                                                 \
		}                                                                                                \
	} while (0)

#define CHECK_STR(got, want)                                                                                \
	do {                                                                                                \
		const char *g_ = (got), *w_ = (want);                                                       \
		if (g_ == NULL || strcmp(g_, w_) != 0) {                                                    \
			fprintf(stderr, "    %s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, \
			        g_ ? g_ : "(null)", w_);                                                    \
			unit_failures_in_case++;                                                            \
		}                                                                                           \
	} while (0)

extern const struct unit_case utf8_cases[], json_cases[], token_cases[], route_cases[], pipeline_cases[], host_cases[],
        query_cases[], validate_cases[], calendar_cases[], light_cases[], wordcheck_cases[], assign_cases[],
        pipeline_admin_cases[], csv_cases[], rule_cases[], report_stats_cases[];

#endif
