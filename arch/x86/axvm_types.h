/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few types the instruction decoder and the guest page walker need,
 * so that decode.c and gwalk.c build both in the kernel (axvm.ko) and in
 * userspace (libFuzzer, quick unit runs): the kernel's own headers under
 * __KERNEL__, the C library's otherwise. Nothing else belongs here.
 */
#ifndef AXVM_X86_TYPES_H
#define AXVM_X86_TYPES_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "kunit_export.h"

#else /* userspace */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Userspace builds have no test module to export to. */
#define AXVM_EXPORT_FOR_TESTS(sym)

#endif /* __KERNEL__ */

#endif /* AXVM_X86_TYPES_H */
