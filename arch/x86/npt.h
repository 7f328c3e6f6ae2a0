/* SPDX-License-Identifier: GPL-2.0 */
/* The x86-64 NPT entry format (arch/x86/npt.c). */
#ifndef AXVM_X86_NPT_H
#define AXVM_X86_NPT_H

#include <linux/types.h>

struct axvm_pte_ops;

extern const struct axvm_pte_ops axvm_x86_pte_ops;
/* The SME C-bit every entry carries; the backend sets it at load. */
extern u64 axvm_npt_me_mask;

#endif /* AXVM_X86_NPT_H */
