// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: a KUnit case that fails must be counted as failed,
 * also when its log is too long for KUnit's debugfs buffer and its own
 * result line is lost there (axvm_selftest_lost).
 */
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

/* Enough failed expectations to overflow KUNIT_LOG_SIZE (512 in 6.1). */
static void st_fails_at_length(struct kunit *test)
{
	int i;

	for (i = 0; i < 32; i++)
		KUNIT_EXPECT_EQ_MSG(test, i, -1, "expectation %d of 32", i);
}

static struct kunit_case st_lost_cases[] = {
	KUNIT_CASE(st_passes),
	KUNIT_CASE(st_fails_at_length),
	{}
};

static struct kunit_suite st_lost_suite = {
	.name = "axvm_selftest_lost",
	.test_cases = st_lost_cases,
};

kunit_test_suites(&st_suite, &st_lost_suite);

MODULE_LICENSE("GPL");
