// SPDX-License-Identifier: GPL-2.0
/* Harness self-test: a KUnit case that fails must be counted as failed. */
#include <linux/module.h>
#include <kunit/test.h>

static void st_always_fails(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 2);
}

static void st_passes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 1);
}

static struct kunit_case st_cases[] = {
	KUNIT_CASE(st_passes),
	KUNIT_CASE(st_always_fails),
	{}
};

static struct kunit_suite st_suite = {
	.name = "axvm_selftest_fail",
	.test_cases = st_cases,
};
kunit_test_suite(st_suite);

MODULE_LICENSE("GPL");
