// SPDX-License-Identifier: GPL-2.0
/*
 * Placeholder suite so the harness has something to run; replaced by the
 * engine suites.
 */
#include <kunit/test.h>

static void smoke_arith(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 4096UL << 9, 2UL << 20);
}

static struct kunit_case smoke_cases[] = {
	KUNIT_CASE(smoke_arith),
	{}
};

static struct kunit_suite smoke_suite = {
	.name = "vmcursor_smoke",
	.test_cases = smoke_cases,
};

kunit_test_suite(smoke_suite);

MODULE_LICENSE("GPL");
