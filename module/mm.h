/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest address space (axaddrspace's AddrSpace): regions plus the
 * stage-2 table. "alloc" regions are backed by HAL frames, populated on
 * the first nested page fault (or at once with AXVM_MEM_POPULATE);
 * "identical" regions map GPA == HPA over a range claimed with the HAL's
 * alloc_memory_region_at.
 *
 * Locking: aspace->lock (a mutex) serialises region changes and
 * population; the caller must not hold a spinlock. Every function may
 * sleep.
 *
 * Removing mappings (del_region, reset, destroy) frees the frames at
 * once: the caller makes sure no vCPU of the VM is in guest mode then,
 * and the backend flushes the guest TLB before the next entry when
 * unmap_gen changed.
 *
 * Bad input gets a precise errno and no log line here: the ioctl layer,
 * which knows the VM's name, logs it.
 */
#ifndef AXVM_MM_H
#define AXVM_MM_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include "pgtable.h"

/* The guest-physical space we manage: 48-bit NPT, as axvm's 0..0x7fff_ffff_f000. */
#define AXVM_GPA_LIMIT		(1ULL << 47)

/* axvisor's MapReserved: a known map_type we do not support (-EOPNOTSUPP). */
#define AXVM_MAP_RESERVED	2

struct axvm_region {
	struct rb_node node;
	u64 gpa;
	u64 size;
	u32 flags;		/* AXVM_MEM_* (uapi) */
	u32 map_type;		/* AXVM_MAP_* (uapi) */
};

struct axvm_aspace {
	struct mutex lock;
	const struct axvm_hal_ops *hal;
	struct axvm_pgtable pt;
	struct rb_root regions;		/* by gpa, never overlapping */
	unsigned int nr_regions;
	u64 mapped_bytes;		/* sum of region sizes */
	u64 populated_bytes;		/* RAM frames allocated so far */
	u64 limit_bytes;		/* max mapped_bytes; 0 = none */
	u64 unmap_gen;			/* bumped when mappings are removed */
	/*
	 * The guest memory the loader and the backend keep for themselves
	 * (loader.h): where the window starts (0: the usual place), and
	 * whether an image has been loaded since the last reset (which
	 * pins the window).
	 */
	u64 loader_win;
	bool loader_used;
};

int axvm_aspace_init(struct axvm_aspace *as, const struct axvm_hal_ops *hal,
		     const struct axvm_pte_ops *ops, u64 limit_bytes);
/* Unmaps everything, frees RAM frames and releases identical ranges. */
void axvm_aspace_destroy(struct axvm_aspace *as);

/*
 * Add a region. -EINVAL for misalignment, size 0, unknown flags or
 * map_type, overflow or past AXVM_GPA_LIMIT; -EOPNOTSUPP for
 * AXVM_MAP_RESERVED; -EEXIST on overlap; -ENOSPC past limit_bytes;
 * -ENOMEM; -EINTR when a fatal signal interrupts AXVM_MEM_POPULATE; and
 * the HAL's errors for identical (-EBUSY, -EFAULT, -EPERM, ...).
 * AXVM_MAP_ALLOC: zeroed 4 KiB frames, on first touch unless
 * AXVM_MEM_POPULATE. AXVM_MAP_IDENTICAL: [gpa, gpa + size) of host
 * memory claimed and mapped at once (2 MiB leaves where aligned);
 * AXVM_MEM_POPULATE changes nothing there. Nothing is left behind on
 * failure.
 */
int axvm_aspace_add_region(struct axvm_aspace *as, u64 gpa, u64 size,
			   u32 flags, u32 map_type);
/* Remove exactly a region that was added: -ENOENT otherwise. */
int axvm_aspace_del_region(struct axvm_aspace *as, u64 gpa, u64 size);
/*
 * Drop all RAM contents (restart), keeping the regions: the frames of
 * lazily populated alloc regions are freed (populated again on first
 * touch); those of AXVM_MEM_POPULATE regions are zeroed in place, so
 * they stay allocated and reset cannot fail. Identical regions keep
 * their contents, as host memory does across a guest reboot.
 */
void axvm_aspace_reset(struct axvm_aspace *as);

/*
 * A nested page fault at @gpa with @access (AXVM_MEM_READ/WRITE/EXEC
 * bits; others ignored): 0 when the page is now mapped (*@populated,
 * if not NULL, says whether this call allocated it), -EFAULT when no
 * region covers it (MMIO or unclaimed), -EACCES when the region forbids
 * the access, -ENOMEM. May sleep.
 */
int axvm_aspace_handle_fault(struct axvm_aspace *as, u64 gpa, u32 access,
			     bool *populated);

/* 0 and *pa, or -ENOENT (not populated), -EFAULT (no region). */
int axvm_aspace_translate(struct axvm_aspace *as, u64 gpa, phys_addr_t *pa);

/*
 * Copy between guest RAM and a kernel buffer, across page and region
 * boundaries. -EFAULT when any byte is outside RAM regions (checked
 * first: nothing is copied then). A write populates the pages it
 * touches (-ENOMEM may leave it partly done); a read of a page never
 * touched returns zeros without populating it.
 */
int axvm_aspace_read(struct axvm_aspace *as, u64 gpa, void *buf, size_t len);
int axvm_aspace_write(struct axvm_aspace *as, u64 gpa, const void *buf,
		      size_t len);

/* Is [gpa, gpa + len) entirely inside RAM regions? True when len is 0. */
bool axvm_aspace_is_ram(struct axvm_aspace *as, u64 gpa, u64 len);

/*
 * Call @fn for each region in gpa order, under the lock (for VM info);
 * stops at and returns the first nonzero result. @fn must not call
 * back into the address space.
 */
int axvm_aspace_iterate_regions(struct axvm_aspace *as,
				int (*fn)(void *ctx,
					  const struct axvm_region *r),
				void *ctx);

#endif /* AXVM_MM_H */
