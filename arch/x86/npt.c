// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 nested page table entry format, as a struct axvm_pte_ops
 * for the core's generic walker (module/pgtable.c). It is the
 * hardware's: SVM (and later EPT's cousin) hands it to the core through
 * axvm_arch_ops.pte_ops; the core never names it.
 */
#include <linux/bits.h>
#include <linux/cache.h>
#include "pgtable.h"
#include "npt.h"
#include "kunit_export.h"

/*
 * x86-64 NPT entries: the long-mode format. Every entry needs U (NPT
 * walks are user accesses); tables allow everything and leaves restrict.
 * Present implies readable: R is not expressible.
 */
#define X86_PTE_P		BIT_ULL(0)
#define X86_PTE_RW		BIT_ULL(1)
#define X86_PTE_US		BIT_ULL(2)
#define X86_PTE_PS		BIT_ULL(7)
#define X86_PTE_NX		BIT_ULL(63)
#define X86_PTE_ADDR		GENMASK_ULL(51, 12)

/*
 * The memory-encryption C-bit of an SME host (sme_me_mask), set in every
 * entry that names a host frame, as KVM's __sme_set() does: the VMCB,
 * the host save area and the kernel's own mappings carry it, and a walk
 * or a guest access through an entry without it would see ciphertext.
 * It lies inside X86_PTE_ADDR, so addr() strips it. The backend sets it
 * at load; 0 on hosts without SME.
 */
u64 axvm_npt_me_mask __read_mostly;
AXVM_EXPORT_FOR_TESTS(axvm_npt_me_mask);

static u64 x86_make_table(phys_addr_t table_pa)
{
	return (table_pa & X86_PTE_ADDR) | axvm_npt_me_mask | X86_PTE_P |
	       X86_PTE_RW | X86_PTE_US;
}

static u64 x86_make_leaf(phys_addr_t pa, unsigned int flags, bool huge)
{
	u64 pte = (pa & X86_PTE_ADDR) | axvm_npt_me_mask | X86_PTE_P |
		  X86_PTE_US;

	if (flags & AXVM_PTE_W)
		pte |= X86_PTE_RW;
	if (!(flags & AXVM_PTE_X))
		pte |= X86_PTE_NX;
	if (huge)
		pte |= X86_PTE_PS;
	return pte;
}

static bool x86_present(u64 pte)
{
	return pte & X86_PTE_P;
}

static bool x86_is_huge(u64 pte)
{
	return pte & X86_PTE_PS;
}

static phys_addr_t x86_addr(u64 pte)
{
	return pte & X86_PTE_ADDR & ~axvm_npt_me_mask;
}

static unsigned int x86_flags(u64 pte)
{
	unsigned int flags = AXVM_PTE_R;

	if (pte & X86_PTE_RW)
		flags |= AXVM_PTE_W;
	if (!(pte & X86_PTE_NX))
		flags |= AXVM_PTE_X;
	if (pte & X86_PTE_US)
		flags |= AXVM_PTE_USER;
	return flags;
}

const struct axvm_pte_ops axvm_x86_pte_ops = {
	.levels		= 4,
	.make_table	= x86_make_table,
	.make_leaf	= x86_make_leaf,
	.present	= x86_present,
	.is_huge	= x86_is_huge,
	.addr		= x86_addr,
	.flags		= x86_flags,
};
AXVM_EXPORT_FOR_TESTS(axvm_x86_pte_ops);
