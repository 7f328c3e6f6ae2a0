/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct axvm_hal_ops: the AxVMHal trait of ArceOS axvm, in C.
 *
 * The core reaches its host only through this table (and the hardware
 * through struct axvm_arch_ops). A VM is created with a HAL and keeps it;
 * module/hal_linux.c is the Linux implementation, tests/kunit/fake_hal.c
 * a recording, failure-injecting one for KUnit.
 *
 * Errors are negative errnos (AxResult). "Context" says where a method
 * may be called from.
 */
#ifndef AXVM_HAL_H
#define AXVM_HAL_H

#include <linux/types.h>
#include "ops_gen.h"

struct axvm_vcpu;

/* A device's one-shot timer (hal_ops.h: timer_*). */
struct axvm_timer {
	void (*fn)(struct axvm_timer *t);	/* set before timer_init */
	void *host;				/* the HAL's own state */
};

/* Returned by current_vm_id/current_vcpu_id outside a loaded vCPU. */
#define AXVM_HAL_ID_NONE	((unsigned long)-1)

struct axvm_hal_ops {
	const char *name;
#define AXVM_HAL_OP AXVM_OP_MEMBER
#include "hal_ops.h"
#undef AXVM_HAL_OP
};

/* Is every method there? 0 or -EINVAL (module/hal.c). */
int axvm_hal_check(const struct axvm_hal_ops *hal);

#endif /* AXVM_HAL_H */
