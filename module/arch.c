// SPDX-License-Identifier: GPL-2.0
/*
 * The registered hardware backend. One at a time; its required ops are
 * checked here, once, so the core can call them without NULL checks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "axvm.h"
#include "kunit_export.h"

const struct axvm_arch_ops *axvm_arch;

/* Does @ops carry every op the core calls unconditionally? */
int axvm_arch_check(const struct axvm_arch_ops *ops)
{
	bool missing = !ops || !ops->name;

	if (missing)
		return -EINVAL;
#define AXVM_ARCH_OP(ret, name, args) AXVM_OP_MISSING(ops, name)
#define AXVM_ARCH_OP_OPTIONAL(ret, name, args)
#include "arch_ops.h"
#undef AXVM_ARCH_OP_OPTIONAL
#undef AXVM_ARCH_OP
	if (!ops->pte_ops || ops->vcpu_size < sizeof(struct axvm_vcpu))
		return -EINVAL;
	return missing ? -EINVAL : 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_arch_check);

int axvm_arch_register(const struct axvm_arch_ops *ops)
{
	int ret;

	if (axvm_arch)
		return -EBUSY;
	ret = axvm_arch_check(ops);
	if (ret) {
		pr_err("backend %s lacks required ops\n",
		       ops && ops->name ? ops->name : "(unnamed)");
		return ret;
	}
	if (ops->probe) {
		ret = ops->probe();
		if (ret)
			return ret;
	}
	axvm_arch = ops;
	return 0;
}

void axvm_arch_unregister(void)
{
	if (axvm_arch && axvm_arch->exit)
		axvm_arch->exit();
	axvm_arch = NULL;
}
