/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A generic multi-level stage-2 page table (axaddrspace's NestedPageTable
 * over page_table_multiarch). The walker is generic; the arch supplies
 * the PTE format through struct axvm_pte_ops. Table frames come from the
 * HAL's paging handler. 4 KiB and 2 MiB leaves.
 */
#ifndef AXVM_PGTABLE_H
#define AXVM_PGTABLE_H

#include <linux/types.h>
#include <asm/page.h>
#include "hal.h"

/* Mapping flags of a leaf (axaddrspace's MappingFlags). */
#define AXVM_PTE_R	(1u << 0)
#define AXVM_PTE_W	(1u << 1)
#define AXVM_PTE_X	(1u << 2)
#define AXVM_PTE_USER	(1u << 3)
#define AXVM_PTE_VALID	(AXVM_PTE_R | AXVM_PTE_W | AXVM_PTE_X | AXVM_PTE_USER)

struct axvm_pte_ops {
	unsigned int levels;		/* 4 for x86-64 NPT */
	u64 (*make_table)(phys_addr_t table_pa);
	u64 (*make_leaf)(phys_addr_t pa, unsigned int flags, bool huge);
	bool (*present)(u64 pte);
	bool (*is_huge)(u64 pte);	/* a leaf above level 0 */
	phys_addr_t (*addr)(u64 pte);
	unsigned int (*flags)(u64 pte);
};


struct axvm_pgtable {
	const struct axvm_hal_ops *hal;
	const struct axvm_pte_ops *ops;
	phys_addr_t root;
	unsigned long nr_tables;	/* table frames held, root included */
	/*
	 * Keep tables that an unmap leaves empty (cheaper re-mapping);
	 * by default they are freed. Set after init.
	 */
	bool keep_empty_tables;
};

/* One past the highest address the table can map (2^48 for 4 levels). */
static inline u64 axvm_pgtable_limit(const struct axvm_pgtable *pt)
{
	return 1ULL << (PAGE_SHIFT + 9 * pt->ops->levels);
}

/*
 * Context: all of these may sleep (frames come from the HAL); the
 * caller serialises changes to one table. The hardware may walk the
 * table meanwhile: after an unmap the caller flushes the guest TLB
 * before the unmapped frames can be reused.
 */

/* Allocates the root. -EINVAL for incomplete ops or levels not 2..5. */
int axvm_pgtable_init(struct axvm_pgtable *pt, const struct axvm_hal_ops *hal,
		      const struct axvm_pte_ops *ops);
/* Frees every table frame (not the leaves' frames). */
void axvm_pgtable_destroy(struct axvm_pgtable *pt);
/*
 * Map [gpa, gpa + size) to [pa, ...). gpa, pa and size are 4 KiB
 * aligned; 2 MiB leaves are used where both addresses and the size allow
 * and @allow_huge. -EINVAL for a misaligned or empty range, one past
 * axvm_pgtable_limit(), a @pa the format cannot hold or unknown @flags
 * (AXVM_PTE_*); -EEXIST when any page is already mapped (nothing is
 * changed then); -ENOMEM (nothing is left half mapped; empty tables in
 * the range may be freed even with keep_empty_tables).
 */
int axvm_pgtable_map(struct axvm_pgtable *pt, u64 gpa, phys_addr_t pa,
		     u64 size, unsigned int flags, bool allow_huge);
/*
 * Unmap [gpa, gpa + size); holes are skipped. A 2 MiB leaf partly
 * covered is split first (-ENOMEM if that fails, and then nothing is
 * unmapped). If @unmapped is not NULL it is called for every 4 KiB page
 * (or 2 MiB leaf) removed, in address order, so the caller can free the
 * backing frames. -EINVAL for a range as map() refuses it.
 */
int axvm_pgtable_unmap(struct axvm_pgtable *pt, u64 gpa, u64 size,
		       void (*unmapped)(void *ctx, u64 gpa, phys_addr_t pa,
					u64 size),
		       void *ctx);
/*
 * 0 and *pa / *flags (AXVM_PTE_*; either may be NULL), or -ENOENT when
 * not mapped (or past the limit).
 */
int axvm_pgtable_translate(struct axvm_pgtable *pt, u64 gpa, phys_addr_t *pa,
			   unsigned int *flags);

#endif /* AXVM_PGTABLE_H */
