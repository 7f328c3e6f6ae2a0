/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AMD SVM backend as the core sees it (include "svm/axvm_svm.h").
 *
 * Module init calls axvm_svm_init() (probe: -ENODEV with one line when
 * there is no usable SVM) and registers axvm_svm_ops; module exit calls
 * axvm_svm_exit() after the last VM is gone. SVM itself (EFER.SVME on
 * every CPU) is on only while a VM exists: the ops' vm_init/vm_destroy
 * take and drop a reference (axvm_svm_get/put), so kvm_amd can use the
 * CPUs whenever axvm has no VM, and the other way round.
 */
#ifndef AXVM_SVM_AXVM_SVM_H
#define AXVM_SVM_AXVM_SVM_H

#include <linux/types.h>
#include "arch.h"

extern const struct axvm_arch_ops axvm_svm_ops;

/* Probe and set up the backend; idempotent. 0, -ENODEV, -ENOMEM. */
int axvm_svm_init(void);
void axvm_svm_exit(void);

/*
 * The first user turns SVM on for every online CPU, the last one turns
 * it off. -EBUSY (and one line naming kvm_amd) when another hypervisor
 * holds a CPU. May sleep.
 */
int axvm_svm_get(void);
void axvm_svm_put(void);

#endif /* AXVM_SVM_AXVM_SVM_H */
