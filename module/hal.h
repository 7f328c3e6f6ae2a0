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

struct axvm_vcpu;

/* Returned by current_vm_id/current_vcpu_id outside a loaded vCPU. */
#define AXVM_HAL_ID_NONE	((unsigned long)-1)

struct axvm_hal_ops {
	const char *name;

	/*
	 * The paging handler (page_table_multiarch::PagingHandler): frames
	 * for stage-2 tables and guest RAM. Frames are zeroed and 4 KiB
	 * aligned; alloc_frames returns @num contiguous frames aligned to
	 * @align bytes (a power of two >= PAGE_SIZE).
	 * Context: may sleep. Returns 0 and sets *@pa, or -ENOMEM.
	 */
	int (*alloc_frame)(const struct axvm_hal_ops *hal, phys_addr_t *pa);
	int (*alloc_frames)(const struct axvm_hal_ops *hal, unsigned int num,
			    unsigned long align, phys_addr_t *pa);
	/* Context: any but NMI. */
	void (*dealloc_frame)(const struct axvm_hal_ops *hal, phys_addr_t pa);
	void (*dealloc_frames)(const struct axvm_hal_ops *hal, phys_addr_t pa,
			       unsigned int num);
	/* Context: any. A frame from alloc_frame(s) to its kernel mapping. */
	void *(*phys_to_virt)(const struct axvm_hal_ops *hal, phys_addr_t pa);

	/*
	 * Claim exactly the host-physical range [base, base + size) (the
	 * seed's alloc_memory_region_at). 0 on success; -EINVAL when not
	 * page aligned, -EFAULT when the range is not online RAM, -EBUSY
	 * when the range is in use, -EPERM without the privilege.
	 * Context: may sleep.
	 */
	int (*alloc_memory_region_at)(const struct axvm_hal_ops *hal,
				      phys_addr_t base, size_t size);
	/* Give back a range claimed by alloc_memory_region_at. May sleep. */
	void (*dealloc_memory_region_at)(const struct axvm_hal_ops *hal,
					 phys_addr_t base, size_t size);
	/* Context: any. For direct-map (kmalloc/page) addresses only. */
	phys_addr_t (*virt_to_phys)(const struct axvm_hal_ops *hal,
				    const void *va);

	/* Context: any. Monotonic nanoseconds. */
	u64 (*current_time_nanos)(const struct axvm_hal_ops *hal);

	/*
	 * The VM and vCPU loaded on this CPU, or AXVM_HAL_ID_NONE outside
	 * vcpu_load/vcpu_put. Context: preemption disabled for a stable
	 * answer.
	 */
	unsigned long (*current_vm_id)(const struct axvm_hal_ops *hal);
	unsigned long (*current_vcpu_id)(const struct axvm_hal_ops *hal);
	unsigned long (*current_pcpu_id)(const struct axvm_hal_ops *hal);

	/*
	 * The pCPU the vCPU is loaded on now (>= 0), -ENOENT when it is not
	 * loaded, -ESRCH when the VM or vCPU does not exist.
	 * Context: any; the answer may be stale when it returns.
	 */
	int (*vcpu_resides_on)(const struct axvm_hal_ops *hal, u32 vm_id,
			       u32 vcpu_id);

	/*
	 * Inject @vector into the vCPU: record it as pending, then find the
	 * pCPU the vCPU runs on and force it out of guest mode there (an
	 * IPI), or wake it when it is blocked in HLT. The vector is
	 * delivered before the vCPU's next guest entry.
	 * Returns 0, -ESRCH for no such VM/vCPU, -EINVAL for a vector
	 * below 16. Context: any, including interrupts off.
	 */
	int (*inject_irq_to_vcpu)(const struct axvm_hal_ops *hal, u32 vm_id,
				  u32 vcpu_id, u32 vector);

	/*
	 * Not in AxVMHal, but the other half of the per-CPU "current vCPU"
	 * bookkeeping that current_*_id and vcpu_resides_on read: called by
	 * the core with preemption disabled when a vCPU is loaded on / put
	 * from this CPU.
	 */
	void (*vcpu_loaded)(const struct axvm_hal_ops *hal,
			    struct axvm_vcpu *vcpu);
	void (*vcpu_put)(const struct axvm_hal_ops *hal,
			 struct axvm_vcpu *vcpu);

	/*
	 * Force the vCPU out of guest mode on @cpu (the kick). Called by the
	 * core's kick protocol; Context: any, including interrupts off.
	 */
	void (*kick_cpu)(const struct axvm_hal_ops *hal,
			 struct axvm_vcpu *vcpu, int cpu);
};

extern const struct axvm_hal_ops axvm_hal_linux;

int axvm_hal_check(const struct axvm_hal_ops *hal);

#endif /* AXVM_HAL_H */
