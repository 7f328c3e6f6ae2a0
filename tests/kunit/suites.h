/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the KUnit suites of axvm_kunit.ko. Each suite registers
 * itself with kunit_test_suite() in its own file: since 6.0 the suites
 * are collected from the .kunit_test_suites section, so one module may
 * hold many. kunit_main.c carries the module's metadata.
 */
#ifndef AXVM_KUNIT_SUITES_H
#define AXVM_KUNIT_SUITES_H

#include <kunit/test.h>

#endif /* AXVM_KUNIT_SUITES_H */
