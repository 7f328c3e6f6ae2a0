// SPDX-License-Identifier: GPL-2.0
/*
 * The guest address space (module/mm.h): regions in an rb-tree keyed by
 * gpa, and the stage-2 table that maps them.
 *
 * Invariants, under as->lock: regions never overlap; every mapping in
 * the table lies inside a region; an alloc region's leaves are 4 KiB,
 * each its own HAL frame, counted in populated_bytes; an identical
 * region is mapped whole, GPA == HPA, over a range claimed from the HAL.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/axvm.h>
#include "mm.h"
#include "kunit_export.h"

static unsigned int mm_pte_flags(u32 mem_flags)
{
	unsigned int flags = AXVM_PTE_USER;

	if (mem_flags & AXVM_MEM_READ)
		flags |= AXVM_PTE_R;
	if (mem_flags & AXVM_MEM_WRITE)
		flags |= AXVM_PTE_W;
	if (mem_flags & AXVM_MEM_EXEC)
		flags |= AXVM_PTE_X;
	return flags;
}

static inline u64 region_end(const struct axvm_region *r)
{
	return r->gpa + r->size;
}

/* The region holding @gpa, or NULL. */
static struct axvm_region *mm_find(struct axvm_aspace *as, u64 gpa)
{
	struct rb_node *n = as->regions.rb_node;

	lockdep_assert_held(&as->lock);
	while (n) {
		struct axvm_region *r = rb_entry(n, struct axvm_region, node);

		if (gpa < r->gpa)
			n = n->rb_left;
		else if (gpa >= region_end(r))
			n = n->rb_right;
		else
			return r;
	}
	return NULL;
}

/* Link @new into the tree; -EEXIST when it overlaps a region. */
static int mm_insert(struct axvm_aspace *as, struct axvm_region *new)
{
	struct rb_node **link = &as->regions.rb_node, *parent = NULL;

	lockdep_assert_held(&as->lock);
	while (*link) {
		struct axvm_region *r = rb_entry(*link, struct axvm_region,
						 node);

		parent = *link;
		if (region_end(new) <= r->gpa)
			link = &parent->rb_left;
		else if (new->gpa >= region_end(r))
			link = &parent->rb_right;
		else
			return -EEXIST;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &as->regions);
	return 0;
}

static bool mm_overlaps(struct axvm_aspace *as, u64 gpa, u64 end)
{
	struct rb_node *n = as->regions.rb_node;

	while (n) {
		struct axvm_region *r = rb_entry(n, struct axvm_region, node);

		if (end <= r->gpa)
			n = n->rb_left;
		else if (gpa >= region_end(r))
			n = n->rb_right;
		else
			return true;
	}
	return false;
}

/* The unmap callback of alloc regions: each 4 KiB leaf is one frame. */
static void mm_free_ram(void *ctx, u64 gpa, phys_addr_t pa, u64 size)
{
	struct axvm_aspace *as = ctx;
	u64 off;

	for (off = 0; off < size; off += PAGE_SIZE)
		as->hal->dealloc_frame(as->hal, pa + off);
	as->populated_bytes -= size;
}

/* Unmap [gpa, gpa + size) of an alloc region, freeing its frames. */
static void mm_unmap_ram(struct axvm_aspace *as, u64 gpa, u64 size)
{
	/* No huge leaf in alloc regions: nothing to split, cannot fail. */
	WARN_ON_ONCE(axvm_pgtable_unmap(&as->pt, gpa, size, mm_free_ram, as));
	as->unmap_gen++;
}

/* Allocate, map and count one zeroed frame at @gpa of region @r. */
static int mm_populate_page(struct axvm_aspace *as,
			    const struct axvm_region *r, u64 gpa)
{
	phys_addr_t pa;
	int ret;

	ret = as->hal->alloc_frame(as->hal, &pa);
	if (ret)
		return ret;
	ret = axvm_pgtable_map(&as->pt, gpa, pa, PAGE_SIZE,
			       mm_pte_flags(r->flags), false);
	if (ret) {
		as->hal->dealloc_frame(as->hal, pa);
		return ret;
	}
	as->populated_bytes += PAGE_SIZE;
	return 0;
}

static int mm_populate_region(struct axvm_aspace *as,
			      const struct axvm_region *r)
{
	u64 gpa;
	int ret;

	for (gpa = r->gpa; gpa < region_end(r); gpa += PAGE_SIZE) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto err_unmap;
		}
		ret = mm_populate_page(as, r, gpa);
		if (ret)
			goto err_unmap;
		cond_resched();
	}
	return 0;

err_unmap:
	if (gpa > r->gpa)
		mm_unmap_ram(as, r->gpa, gpa - r->gpa);
	return ret;
}

static int mm_map_identical(struct axvm_aspace *as,
			    const struct axvm_region *r)
{
	int ret;

	ret = as->hal->alloc_memory_region_at(as->hal, r->gpa, r->size);
	if (ret)
		return ret;
	ret = axvm_pgtable_map(&as->pt, r->gpa, r->gpa, r->size,
			       mm_pte_flags(r->flags), true);
	if (ret) {
		as->hal->dealloc_memory_region_at(as->hal, r->gpa, r->size);
		return ret;
	}
	return 0;
}

/* Unmap a region, give its memory back, unlink and free it. */
static void mm_remove_region(struct axvm_aspace *as, struct axvm_region *r)
{
	if (r->map_type == AXVM_MAP_IDENTICAL) {
		/* Mapped whole, leaves inside the region: cannot fail. */
		WARN_ON_ONCE(axvm_pgtable_unmap(&as->pt, r->gpa, r->size,
						NULL, NULL));
		as->unmap_gen++;
		as->hal->dealloc_memory_region_at(as->hal, r->gpa, r->size);
	} else {
		mm_unmap_ram(as, r->gpa, r->size);
	}
	rb_erase(&r->node, &as->regions);
	as->nr_regions--;
	as->mapped_bytes -= r->size;
	kfree(r);
}

int axvm_aspace_init(struct axvm_aspace *as, const struct axvm_hal_ops *hal,
		     const struct axvm_pte_ops *ops, u64 limit_bytes)
{
	int ret;

	ret = axvm_pgtable_init(&as->pt, hal, ops);
	if (ret)
		return ret;
	mutex_init(&as->lock);
	as->hal = hal;
	as->regions = RB_ROOT;
	as->nr_regions = 0;
	as->mapped_bytes = 0;
	as->populated_bytes = 0;
	as->limit_bytes = limit_bytes;
	as->unmap_gen = 0;
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_aspace_init);

void axvm_aspace_destroy(struct axvm_aspace *as)
{
	struct rb_node *n;

	mutex_lock(&as->lock);
	while ((n = rb_first(&as->regions)))
		mm_remove_region(as, rb_entry(n, struct axvm_region, node));
	WARN_ON_ONCE(as->populated_bytes || as->mapped_bytes);
	axvm_pgtable_destroy(&as->pt);
	mutex_unlock(&as->lock);
	mutex_destroy(&as->lock);
}
AXVM_EXPORT_FOR_TESTS(axvm_aspace_destroy);

/* The checks that need no lock: the request alone. */
static int mm_check_region(const struct axvm_aspace *as, u64 gpa, u64 size,
			   u32 flags, u32 map_type)
{
	u64 end;

	if (flags & ~AXVM_MEM_VALID_FLAGS)
		return -EINVAL;
	if (map_type == AXVM_MAP_RESERVED)
		return -EOPNOTSUPP;
	if (map_type != AXVM_MAP_ALLOC && map_type != AXVM_MAP_IDENTICAL)
		return -EINVAL;
	if (!size || !PAGE_ALIGNED(gpa) || !PAGE_ALIGNED(size))
		return -EINVAL;
	if (check_add_overflow(gpa, size, &end) || end > AXVM_GPA_LIMIT ||
	    end > axvm_pgtable_limit(&as->pt))
		return -EINVAL;
	return 0;
}

int axvm_aspace_add_region(struct axvm_aspace *as, u64 gpa, u64 size,
			   u32 flags, u32 map_type)
{
	struct axvm_region *r;
	u64 total;
	int ret;

	ret = mm_check_region(as, gpa, size, flags, map_type);
	if (ret)
		return ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	r->gpa = gpa;
	r->size = size;
	r->flags = flags;
	r->map_type = map_type;

	mutex_lock(&as->lock);
	if (mm_overlaps(as, gpa, gpa + size)) {
		ret = -EEXIST;
		goto err_unlock;
	}
	if (as->limit_bytes &&
	    (check_add_overflow(as->mapped_bytes, size, &total) ||
	     total > as->limit_bytes)) {
		ret = -ENOSPC;
		goto err_unlock;
	}

	if (map_type == AXVM_MAP_IDENTICAL)
		ret = mm_map_identical(as, r);
	else if (flags & AXVM_MEM_POPULATE)
		ret = mm_populate_region(as, r);
	if (ret)
		goto err_unlock;

	/* Cannot fail: the overlap check above ran under the same lock. */
	WARN_ON_ONCE(mm_insert(as, r));
	as->nr_regions++;
	as->mapped_bytes += size;
	mutex_unlock(&as->lock);
	return 0;

err_unlock:
	mutex_unlock(&as->lock);
	kfree(r);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_aspace_add_region);

int axvm_aspace_del_region(struct axvm_aspace *as, u64 gpa, u64 size)
{
	struct axvm_region *r;
	int ret = -ENOENT;

	mutex_lock(&as->lock);
	r = mm_find(as, gpa);
	if (r && r->gpa == gpa && r->size == size) {
		mm_remove_region(as, r);
		ret = 0;
	}
	mutex_unlock(&as->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_aspace_del_region);

/* Zero every populated page of an alloc region, keeping the frames. */
static void mm_zero_region(struct axvm_aspace *as, const struct axvm_region *r)
{
	phys_addr_t pa;
	u64 gpa;

	for (gpa = r->gpa; gpa < region_end(r); gpa += PAGE_SIZE) {
		if (!axvm_pgtable_translate(&as->pt, gpa, &pa, NULL))
			clear_page(as->hal->phys_to_virt(as->hal, pa));
		cond_resched();
	}
}

void axvm_aspace_reset(struct axvm_aspace *as)
{
	struct rb_node *n;

	mutex_lock(&as->lock);
	/* The images are loaded again, in order: they choose again. */
	as->loader_win = 0;
	as->loader_used = false;
	for (n = rb_first(&as->regions); n; n = rb_next(n)) {
		struct axvm_region *r = rb_entry(n, struct axvm_region, node);

		if (r->map_type != AXVM_MAP_ALLOC)
			continue;
		if (r->flags & AXVM_MEM_POPULATE)
			mm_zero_region(as, r);
		else
			mm_unmap_ram(as, r->gpa, r->size);
	}
	mutex_unlock(&as->lock);
}
AXVM_EXPORT_FOR_TESTS(axvm_aspace_reset);

int axvm_aspace_handle_fault(struct axvm_aspace *as, u64 gpa, u32 access,
			     bool *populated)
{
	const u32 rwx = AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC;
	struct axvm_region *r;
	int ret;

	if (populated)
		*populated = false;
	mutex_lock(&as->lock);
	r = mm_find(as, gpa);
	if (!r) {
		ret = -EFAULT;
		goto out_unlock;
	}
	if (access & rwx & ~r->flags) {
		ret = -EACCES;
		goto out_unlock;
	}
	/* Already there: identical regions, or another vCPU was first. */
	ret = 0;
	if (!axvm_pgtable_translate(&as->pt, gpa, NULL, NULL))
		goto out_unlock;
	if (WARN_ON_ONCE(r->map_type != AXVM_MAP_ALLOC)) {
		ret = -EFAULT;
		goto out_unlock;
	}
	ret = mm_populate_page(as, r, PAGE_ALIGN_DOWN(gpa));
	if (!ret && populated)
		*populated = true;
out_unlock:
	mutex_unlock(&as->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_aspace_handle_fault);

int axvm_aspace_translate(struct axvm_aspace *as, u64 gpa, phys_addr_t *pa)
{
	int ret = -EFAULT;

	mutex_lock(&as->lock);
	if (mm_find(as, gpa))
		ret = axvm_pgtable_translate(&as->pt, gpa, pa, NULL);
	mutex_unlock(&as->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_aspace_translate);

static bool mm_is_ram(struct axvm_aspace *as, u64 gpa, u64 len)
{
	struct axvm_region *r;
	struct rb_node *n;
	u64 end;

	lockdep_assert_held(&as->lock);
	if (!len)
		return true;
	if (check_add_overflow(gpa, len, &end))
		return false;
	r = mm_find(as, gpa);
	/* Walk the regions that follow while they are adjacent. */
	while (r && region_end(r) < end) {
		n = rb_next(&r->node);
		if (!n)
			return false;
		if (rb_entry(n, struct axvm_region, node)->gpa != region_end(r))
			return false;
		r = rb_entry(n, struct axvm_region, node);
	}
	return r;
}

bool axvm_aspace_is_ram(struct axvm_aspace *as, u64 gpa, u64 len)
{
	bool ret;

	mutex_lock(&as->lock);
	ret = mm_is_ram(as, gpa, len);
	mutex_unlock(&as->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_aspace_is_ram);

/*
 * The kernel address of guest page @gpa (page aligned), or NULL for a
 * page never touched when @populate is false. Under the lock, inside
 * RAM (checked by the caller).
 */
static int mm_page_va(struct axvm_aspace *as, u64 gpa, bool populate,
		      void **va)
{
	struct axvm_region *r;
	phys_addr_t pa;
	int ret;

	*va = NULL;
	if (axvm_pgtable_translate(&as->pt, gpa, &pa, NULL)) {
		if (!populate)
			return 0;
		r = mm_find(as, gpa);
		if (WARN_ON_ONCE(!r || r->map_type != AXVM_MAP_ALLOC))
			return -EFAULT;
		ret = mm_populate_page(as, r, gpa);
		if (ret)
			return ret;
		ret = axvm_pgtable_translate(&as->pt, gpa, &pa, NULL);
		if (WARN_ON_ONCE(ret))
			return ret;
	}
	*va = as->hal->phys_to_virt(as->hal, pa);
	return 0;
}

/* Copy @len bytes at @gpa to (@write false) or from @buf. */
static int mm_copy(struct axvm_aspace *as, u64 gpa, u8 *buf, size_t len,
		   bool write)
{
	int ret = 0;

	mutex_lock(&as->lock);
	if (!mm_is_ram(as, gpa, len)) {
		ret = -EFAULT;
		goto out_unlock;
	}
	while (len) {
		u64 page = PAGE_ALIGN_DOWN(gpa);
		size_t off = gpa - page;
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		void *va;

		ret = mm_page_va(as, page, write, &va);
		if (ret)
			break;
		if (write)
			memcpy(va + off, buf, n);
		else if (va)
			memcpy(buf, va + off, n);
		else
			memset(buf, 0, n);
		gpa += n;
		buf += n;
		len -= n;
	}
out_unlock:
	mutex_unlock(&as->lock);
	return ret;
}

int axvm_aspace_read(struct axvm_aspace *as, u64 gpa, void *buf, size_t len)
{
	return mm_copy(as, gpa, buf, len, false);
}
AXVM_EXPORT_FOR_TESTS(axvm_aspace_read);

int axvm_aspace_write(struct axvm_aspace *as, u64 gpa, const void *buf,
		      size_t len)
{
	/* mm_copy only reads from @buf when @write. */
	return mm_copy(as, gpa, (void *)buf, len, true);
}
AXVM_EXPORT_FOR_TESTS(axvm_aspace_write);

int axvm_aspace_iterate_regions(struct axvm_aspace *as,
				int (*fn)(void *ctx,
					  const struct axvm_region *r),
				void *ctx)
{
	struct rb_node *n;
	int ret = 0;

	mutex_lock(&as->lock);
	for (n = rb_first(&as->regions); n && !ret; n = rb_next(n))
		ret = fn(ctx, rb_entry(n, struct axvm_region, node));
	mutex_unlock(&as->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_aspace_iterate_regions);
