// SPDX-License-Identifier: GPL-2.0
/*
 * The stage-2 page table walker (module/pgtable.h).
 *
 * Level 0 holds 4 KiB leaves, level 1 2 MiB leaves or tables, and so on
 * up to ops->levels - 1 (the root); 9 bits of address per level. The
 * hardware walks these tables while we change them, so every entry is
 * written with WRITE_ONCE and a new table is filled before it is linked.
 * Flushing the guest TLB after an unmap is the caller's job.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include "pgtable.h"
#include "kunit_export.h"

#define PT_BITS		9
#define PT_ENTRIES	(1u << PT_BITS)

static inline unsigned int pt_shift(unsigned int level)
{
	return PAGE_SHIFT + PT_BITS * level;
}

static inline u64 pt_size(unsigned int level)
{
	return 1ULL << pt_shift(level);
}

static inline unsigned int pt_index(u64 gpa, unsigned int level)
{
	return (gpa >> pt_shift(level)) & (PT_ENTRIES - 1);
}

/* The end of the level-@level entry that holds @addr, capped at @end. */
static inline u64 pt_next(u64 addr, u64 end, unsigned int level)
{
	return min(end, (addr | (pt_size(level) - 1)) + 1);
}

static inline unsigned int pt_top(const struct axvm_pgtable *pt)
{
	return pt->ops->levels - 1;
}

static inline u64 *pt_table(const struct axvm_pgtable *pt, phys_addr_t pa)
{
	return pt->hal->phys_to_virt(pt->hal, pa);
}

static inline bool pt_is_leaf(const struct axvm_pgtable *pt, u64 pte,
			      unsigned int level)
{
	return level == 0 || pt->ops->is_huge(pte);
}

/* The physical address a leaf at @level starts at. */
static inline phys_addr_t pt_leaf_pa(const struct axvm_pgtable *pt, u64 pte,
				     unsigned int level)
{
	return pt->ops->addr(pte) & ~(phys_addr_t)(pt_size(level) - 1);
}

static int pt_alloc_table(struct axvm_pgtable *pt, phys_addr_t *pa)
{
	int ret = pt->hal->alloc_frame(pt->hal, pa);

	if (ret)
		return ret;
	pt->nr_tables++;
	return 0;
}

static void pt_free_table(struct axvm_pgtable *pt, phys_addr_t pa)
{
	pt->hal->dealloc_frame(pt->hal, pa);
	pt->nr_tables--;
}

int axvm_pgtable_init(struct axvm_pgtable *pt, const struct axvm_hal_ops *hal,
		      const struct axvm_pte_ops *ops)
{
	/* 2 levels at least (2 MiB leaves); 5 at most (57-bit addresses). */
	if (!ops || ops->levels < 2 || ops->levels > 5 || !ops->make_table ||
	    !ops->make_leaf || !ops->present || !ops->is_huge || !ops->addr ||
	    !ops->flags)
		return -EINVAL;

	pt->hal = hal;
	pt->ops = ops;
	pt->nr_tables = 0;
	pt->keep_empty_tables = false;
	return pt_alloc_table(pt, &pt->root);
}
AXVM_EXPORT_FOR_TESTS(axvm_pgtable_init);

static void pt_free_tree(struct axvm_pgtable *pt, phys_addr_t table,
			 unsigned int level)
{
	u64 *t = pt_table(pt, table);
	unsigned int i;

	for (i = 0; level > 0 && i < PT_ENTRIES; i++) {
		u64 pte = READ_ONCE(t[i]);

		if (pt->ops->present(pte) && !pt_is_leaf(pt, pte, level))
			pt_free_tree(pt, pt->ops->addr(pte), level - 1);
	}
	pt_free_table(pt, table);
}

void axvm_pgtable_destroy(struct axvm_pgtable *pt)
{
	if (!pt->root)
		return;
	pt_free_tree(pt, pt->root, pt_top(pt));
	WARN_ON_ONCE(pt->nr_tables);
	pt->root = 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_pgtable_destroy);

/* Is nothing mapped in [start, end) below this table? */
static bool pt_range_empty(const struct axvm_pgtable *pt, phys_addr_t table,
			   unsigned int level, u64 start, u64 end)
{
	u64 *t = pt_table(pt, table);
	u64 addr, next;

	for (addr = start; addr < end; addr = next) {
		u64 pte = READ_ONCE(t[pt_index(addr, level)]);

		next = pt_next(addr, end, level);
		if (!pt->ops->present(pte))
			continue;
		if (pt_is_leaf(pt, pte, level) ||
		    !pt_range_empty(pt, pt->ops->addr(pte), level - 1, addr,
				    next))
			return false;
	}
	return true;
}

static bool pt_table_empty(const struct axvm_pgtable *pt, phys_addr_t table)
{
	u64 *t = pt_table(pt, table);
	unsigned int i;

	for (i = 0; i < PT_ENTRIES; i++)
		if (pt->ops->present(READ_ONCE(t[i])))
			return false;
	return true;
}

/*
 * Remove every leaf in [start, end) below this table. Leaves are wholly
 * inside the range (the caller split those at its ends). Tables left
 * empty are freed when @free_tables.
 */
static void pt_unmap_range(struct axvm_pgtable *pt, phys_addr_t table,
			   unsigned int level, u64 start, u64 end,
			   bool free_tables,
			   void (*unmapped)(void *ctx, u64 gpa, phys_addr_t pa,
					    u64 size),
			   void *ctx)
{
	u64 *t = pt_table(pt, table);
	u64 addr, next;

	for (addr = start; addr < end; addr = next) {
		u64 *ptep = &t[pt_index(addr, level)];
		u64 pte = READ_ONCE(*ptep);
		phys_addr_t child;

		next = pt_next(addr, end, level);
		if (!pt->ops->present(pte))
			continue;
		if (pt_is_leaf(pt, pte, level)) {
			/* Unreachable after the split; never unmap too much. */
			if (WARN_ON_ONCE(next - addr != pt_size(level)))
				continue;
			WRITE_ONCE(*ptep, 0);
			if (unmapped)
				unmapped(ctx, addr, pt_leaf_pa(pt, pte, level),
					 pt_size(level));
			continue;
		}
		child = pt->ops->addr(pte);
		pt_unmap_range(pt, child, level - 1, addr, next, free_tables,
			       unmapped, ctx);
		if (free_tables && pt_table_empty(pt, child)) {
			WRITE_ONCE(*ptep, 0);
			pt_free_table(pt, child);
		}
	}
	/* A large region has many leaf tables: let others run. */
	if (level == 1)
		cond_resched();
}

/*
 * The entry for @gpa at @level, creating the tables above it. -EEXIST
 * when a leaf sits above @level, -ENOMEM.
 */
static int pt_walk_alloc(struct axvm_pgtable *pt, u64 gpa, unsigned int level,
			 u64 **ptepp)
{
	phys_addr_t table = pt->root;
	unsigned int l;
	int ret;

	for (l = pt_top(pt); l > level; l--) {
		u64 *ptep = &pt_table(pt, table)[pt_index(gpa, l)];
		u64 pte = READ_ONCE(*ptep);

		if (!pt->ops->present(pte)) {
			ret = pt_alloc_table(pt, &table);
			if (ret)
				return ret;
			WRITE_ONCE(*ptep, pt->ops->make_table(table));
			continue;
		}
		if (pt_is_leaf(pt, pte, l))
			return -EEXIST;
		table = pt->ops->addr(pte);
	}
	*ptepp = &pt_table(pt, table)[pt_index(gpa, level)];
	return 0;
}

/* 0 when [gpa, gpa + size) is a valid, page-aligned range of the table. */
static int pt_check_range(const struct axvm_pgtable *pt, u64 gpa, u64 size)
{
	u64 end;

	if (!size || !PAGE_ALIGNED(gpa) || !PAGE_ALIGNED(size) ||
	    check_add_overflow(gpa, size, &end) ||
	    end > axvm_pgtable_limit(pt))
		return -EINVAL;
	return 0;
}

int axvm_pgtable_map(struct axvm_pgtable *pt, u64 gpa, phys_addr_t pa,
		     u64 size, unsigned int flags, bool allow_huge)
{
	const struct axvm_pte_ops *ops = pt->ops;
	phys_addr_t last_pa;
	u64 cur, end;
	int ret;

	ret = pt_check_range(pt, gpa, size);
	if (ret)
		return ret;
	if (flags & ~AXVM_PTE_VALID || !PAGE_ALIGNED(pa) ||
	    check_add_overflow(pa, (phys_addr_t)(size - PAGE_SIZE), &last_pa) ||
	    ops->addr(ops->make_leaf(last_pa, flags, false)) != last_pa)
		return -EINVAL;
	end = gpa + size;

	/* Check first, so that -EEXIST changes nothing. */
	if (!pt_range_empty(pt, pt->root, pt_top(pt), gpa, end))
		return -EEXIST;

	for (cur = gpa; cur < end; ) {
		unsigned int level = 0;
		u64 *ptep;

		if (allow_huge && IS_ALIGNED(cur | pa, SZ_2M) &&
		    end - cur >= SZ_2M)
			level = 1;
		ret = pt_walk_alloc(pt, cur, level, &ptep);
		if (ret)
			goto err_unmap;
		WRITE_ONCE(*ptep, ops->make_leaf(pa, flags, level > 0));
		cur += pt_size(level);
		pa += pt_size(level);
	}
	return 0;

err_unmap:
	/*
	 * Take back the leaves this call mapped and the tables it added:
	 * [cur, end) was empty, so the tables on the path to @cur hold
	 * nothing else.
	 */
	pt_unmap_range(pt, pt->root, pt_top(pt), gpa, cur + PAGE_SIZE, true,
		       NULL, NULL);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_pgtable_map);

/* Replace the huge leaf at *@ptep (level @level) by a table of leaves. */
static int pt_split(struct axvm_pgtable *pt, u64 *ptep, unsigned int level)
{
	const struct axvm_pte_ops *ops = pt->ops;
	u64 pte = READ_ONCE(*ptep);
	phys_addr_t base = pt_leaf_pa(pt, pte, level);
	unsigned int flags = ops->flags(pte), i;
	phys_addr_t table;
	u64 *t;
	int ret;

	ret = pt_alloc_table(pt, &table);
	if (ret)
		return ret;
	t = pt_table(pt, table);
	for (i = 0; i < PT_ENTRIES; i++)
		t[i] = ops->make_leaf(base + i * pt_size(level - 1), flags,
				      level - 1 > 0);
	/* Same translations before and after: no flush needed. */
	WRITE_ONCE(*ptep, ops->make_table(table));
	return 0;
}

/* Make @addr a leaf boundary, splitting the huge leaves that span it. */
static int pt_split_at(struct axvm_pgtable *pt, u64 addr)
{
	phys_addr_t table = pt->root;
	unsigned int l;
	int ret;

	for (l = pt_top(pt); l > 0; l--) {
		u64 *ptep = &pt_table(pt, table)[pt_index(addr, l)];
		u64 pte = READ_ONCE(*ptep);

		if (!pt->ops->present(pte))
			return 0;
		if (pt->ops->is_huge(pte)) {
			if (IS_ALIGNED(addr, pt_size(l)))
				return 0;
			ret = pt_split(pt, ptep, l);
			if (ret)
				return ret;
			pte = READ_ONCE(*ptep);
		}
		table = pt->ops->addr(pte);
	}
	return 0;
}

int axvm_pgtable_unmap(struct axvm_pgtable *pt, u64 gpa, u64 size,
		       void (*unmapped)(void *ctx, u64 gpa, phys_addr_t pa,
					u64 size),
		       void *ctx)
{
	u64 end;
	int ret;

	ret = pt_check_range(pt, gpa, size);
	if (ret)
		return ret;
	end = gpa + size;

	/* Split both ends first: an -ENOMEM then leaves everything mapped. */
	ret = pt_split_at(pt, gpa);
	if (!ret && end < axvm_pgtable_limit(pt))
		ret = pt_split_at(pt, end);
	if (ret)
		return ret;

	pt_unmap_range(pt, pt->root, pt_top(pt), gpa, end,
		       !pt->keep_empty_tables, unmapped, ctx);
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_pgtable_unmap);

int axvm_pgtable_translate(struct axvm_pgtable *pt, u64 gpa, phys_addr_t *pa,
			   unsigned int *flags)
{
	phys_addr_t table = pt->root;
	unsigned int l;

	if (gpa >= axvm_pgtable_limit(pt))
		return -ENOENT;
	for (l = pt_top(pt); ; l--) {
		u64 pte = READ_ONCE(pt_table(pt, table)[pt_index(gpa, l)]);

		if (!pt->ops->present(pte))
			return -ENOENT;
		if (pt_is_leaf(pt, pte, l)) {
			if (pa)
				*pa = pt_leaf_pa(pt, pte, l) +
				      (gpa & (pt_size(l) - 1));
			if (flags)
				*flags = pt->ops->flags(pte);
			return 0;
		}
		table = pt->ops->addr(pte);
	}
}
AXVM_EXPORT_FOR_TESTS(axvm_pgtable_translate);
