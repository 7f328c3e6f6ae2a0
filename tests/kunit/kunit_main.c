// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_kunit.ko: every suite of tests/kunit/, each registered in its own
 * file with kunit_test_suite(). Loaded after axvm.ko in the test kernel;
 * the suites run at load.
 */
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for axvm");
MODULE_IMPORT_NS(AXVM_TESTS);
