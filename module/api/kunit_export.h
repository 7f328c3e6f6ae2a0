/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What KUnit must reach, in the spirit of 6.2's <kunit/visibility.h>
 * (Debian's 6.1 lacks it): without CONFIG_KUNIT these are plain
 * `static` and nothing is exported; with it, the symbol is global and
 * exported to the AXVM_TESTS namespace, which only tests/kunit imports.
 */
#ifndef AXVM_KUNIT_EXPORT_H
#define AXVM_KUNIT_EXPORT_H

#include <linux/export.h>

#if IS_ENABLED(CONFIG_KUNIT)
#define AXVM_VISIBLE_IF_KUNIT
#define AXVM_EXPORT_FOR_TESTS(sym)	EXPORT_SYMBOL_NS_GPL(sym, AXVM_TESTS)
#else
#define AXVM_VISIBLE_IF_KUNIT		static
#define AXVM_EXPORT_FOR_TESTS(sym)
#endif

#endif /* AXVM_KUNIT_EXPORT_H */
