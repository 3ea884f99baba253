/* run: the unit test main. */
#include <sodium.h>
#include <stdlib.h>

#include "unit.h"

int unit_failures_in_case;

static const struct unit_case *const suites[] = {
        utf8_cases,           json_cases,     validate_cases, token_cases,       route_cases,     host_cases,
        query_cases,          pipeline_cases, calendar_cases, light_cases,       wordcheck_cases, assign_cases,
        pipeline_admin_cases, csv_cases,      rule_cases,     report_stats_cases};

int main(void)
{
	int passed = 0, failed = 0;

	if (sodium_init() < 0)
		return 1;
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++)
		for (const struct unit_case *c = suites[s]; c->name != NULL; c++) {
			unit_failures_in_case = 0;
			c->fn();
			if (unit_failures_in_case == 0) {
				passed++;
			} else {
				failed++;
				fprintf(stderr, "FAIL %s\n", c->name);
			}
		}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
