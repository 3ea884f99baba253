/* test_pipeline: transition rules of the default pipeline, built in memory. */
#include "../../app/pipeline/pipeline.h"
#include "unit.h"

static long long from_ns[] = {2, 3, 4, 5}, from_ip[] = {3, 4, 5}, from_au[] = {2, 4, 5}, from_de[] = {2, 3},
                 from_re[] = {2};
#define STATUS(id_, key_, cat_, entry_, clocks_, next_, n_)                                                    \
	{                                                                                                      \
		.id = id_, .key = key_, .staff_name = key_, .customer_name = key_, .category = cat_,           \
		.color = "#64748b", .position = id_, .is_entry = entry_, .clocks = clocks_, .next_ids = next_, \
		.nnext = n_                                                                                    \
	}
static struct pipeline_status statuses[] = {
        STATUS(1, "not_started", CATEGORY_NEW, true, 7, from_ns, 4),
        STATUS(2, "in_progress", CATEGORY_ACTIVE, false, 7, from_ip, 3),
        STATUS(3, "awaiting_update", CATEGORY_WAITING_CUSTOMER, false, 2, from_au, 3),
        STATUS(4, "deferred", CATEGORY_DEFERRED, false, 0, from_de, 2),
        STATUS(5, "resolved", CATEGORY_RESOLVED, false, 0, from_re, 1),
};
static struct pipeline support = {
        .id = 1, .key = "support", .name = "Support", .is_default = true, .statuses = statuses, .nstatuses = 5};

static void moves(void)
{
	const struct pipeline_status *ns = pipeline_status_by_key(&support, "not_started");
	const struct pipeline_status *ip = pipeline_status_by_key(&support, "in_progress");
	const struct pipeline_status *de = pipeline_status_by_key(&support, "deferred");
	const struct pipeline_status *re = pipeline_status_by_key(&support, "resolved");

	CHECK(pipeline_entry(&support) == ns);
	CHECK(pipeline_can_move(ns, ip));
	CHECK(pipeline_can_move(re, ip)); /* reopening */
	CHECK(!pipeline_can_move(de, re));
	CHECK(!pipeline_can_move(re, ns));
	CHECK(!pipeline_can_move(ip, ip));
	CHECK(pipeline_status_by_key(&support, "closed") == NULL);
	CHECK(pipeline_first_in(&support, CATEGORY_ACTIVE) == ip);
	CHECK(!status_category_is_open(CATEGORY_RESOLVED));
	CHECK(status_category_is_open(CATEGORY_DEFERRED));
	CHECK_INT(status_category_parse("waiting_customer"), CATEGORY_WAITING_CUSTOMER);
	CHECK_INT(status_category_parse("bogus"), CATEGORY__MAX);
	CHECK_INT(pipeline_clocks_parse("response,supplier,communication"), 7);
	CHECK_INT(pipeline_clocks_parse("supplier"), 2);
	CHECK_INT(pipeline_clocks_parse(""), 0);
	CHECK_INT(pipeline_clocks_parse("communication"), 4);
}

const struct unit_case pipeline_cases[] = {
        {"pipeline: entry, allowed moves, reopening", moves},
        {NULL, NULL},
};
