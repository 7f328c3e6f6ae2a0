// SPDX-License-Identifier: GPL-2.0
/*
 * The core's side of struct axvm_hal_ops: a VM is created with a HAL
 * and calls its methods without NULL checks, so every method must be
 * there. The list of methods is module/api/hal_ops.h.
 */
#include <linux/errno.h>
#include "hal.h"
#include "kunit_export.h"

int axvm_hal_check(const struct axvm_hal_ops *hal)
{
	bool missing = !hal || !hal->name;

	if (missing)
		return -EINVAL;
#define AXVM_HAL_OP(ret, name, args) AXVM_OP_MISSING(hal, name)
#include "hal_ops.h"
#undef AXVM_HAL_OP
	return missing ? -EINVAL : 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_hal_check);
