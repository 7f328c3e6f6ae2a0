/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux implementation of AxVMHal (module/hal_linux.c). Only the
 * glue that creates VMs (module/main.c) and the HAL's own tests name it:
 * the core knows a struct axvm_hal_ops and nothing else.
 */
#ifndef AXVM_HAL_LINUX_H
#define AXVM_HAL_LINUX_H

#include "hal.h"

extern const struct axvm_hal_ops axvm_hal_linux;

#endif /* AXVM_HAL_LINUX_H */
