// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_skeleton: /dev/axvm's system ioctls, called the way the misc
 * device calls them.
 */
#include <kunit/test.h>
#include <uapi/linux/axvm.h>
#include "main.h"
#include "suites.h"

static void skeleton_api_version(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, axvm_system_ioctl(AXVM_GET_API_VERSION, 0),
			(long)AXVM_API_VERSION);
}

static void skeleton_api_version_rejects_arg(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, axvm_system_ioctl(AXVM_GET_API_VERSION, 1),
			(long)-EINVAL);
}

static void skeleton_unknown_ioctl(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, axvm_system_ioctl(_IO(AXVMIO, 0x7f), 0),
			(long)-ENOTTY);
	KUNIT_EXPECT_EQ(test, axvm_system_ioctl(_IO('X', 0), 0),
			(long)-ENOTTY);
}

static void skeleton_unknown_extension(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, axvm_system_ioctl(AXVM_CHECK_EXTENSION,
						       AXVM_CAP_NR), 0L);
	KUNIT_EXPECT_EQ(test, axvm_system_ioctl(AXVM_CHECK_EXTENSION,
						       ~0UL), 0L);
}

static struct kunit_case skeleton_cases[] = {
	KUNIT_CASE(skeleton_api_version),
	KUNIT_CASE(skeleton_api_version_rejects_arg),
	KUNIT_CASE(skeleton_unknown_ioctl),
	KUNIT_CASE(skeleton_unknown_extension),
	{}
};

static struct kunit_suite axvm_skeleton_suite = {
	.name = "axvm_skeleton",
	.test_cases = skeleton_cases,
};
kunit_test_suite(axvm_skeleton_suite);
