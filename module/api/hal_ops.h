/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The methods of struct axvm_hal_ops, one per line, all required:
 * AXVM_HAL_OP(return type, name, (arguments)). Included by hal.h to
 * declare the members and by hal.c to check a table, so the two cannot
 * drift apart (kvm-x86-ops.h's idea). No include guard: by design.
 */

/*
 * The paging handler (page_table_multiarch::PagingHandler): frames
 * for stage-2 tables and guest RAM. Frames are zeroed and 4 KiB
 * aligned; alloc_frames returns @num contiguous frames aligned to
 * @align bytes (a power of two >= PAGE_SIZE).
 * Context: may sleep. Returns 0 and sets *@pa, or -ENOMEM.
 */
AXVM_HAL_OP(int, alloc_frame, (const struct axvm_hal_ops *hal, phys_addr_t *pa))
AXVM_HAL_OP(int, alloc_frames, (const struct axvm_hal_ops *hal,
	    unsigned int num, unsigned long align, phys_addr_t *pa))
/* Context: any but NMI. */
AXVM_HAL_OP(void, dealloc_frame, (const struct axvm_hal_ops *hal,
	    phys_addr_t pa))
AXVM_HAL_OP(void, dealloc_frames, (const struct axvm_hal_ops *hal,
	    phys_addr_t pa, unsigned int num))
/* Context: any. A frame from alloc_frame(s) to its kernel mapping. */
AXVM_HAL_OP(void *, phys_to_virt, (const struct axvm_hal_ops *hal,
	    phys_addr_t pa))

/*
 * Claim exactly the host-physical range [base, base + size) (the
 * seed's alloc_memory_region_at). 0 on success; -EINVAL when not
 * page aligned, -EFAULT when the range is not online RAM, -EBUSY
 * when the range is in use, -EPERM without the privilege.
 * Context: may sleep.
 */
AXVM_HAL_OP(int, alloc_memory_region_at, (const struct axvm_hal_ops *hal,
	    phys_addr_t base, size_t size))
/* Give back a range claimed by alloc_memory_region_at. May sleep. */
AXVM_HAL_OP(void, dealloc_memory_region_at, (const struct axvm_hal_ops *hal,
	    phys_addr_t base, size_t size))
/* Context: any. For direct-map (kmalloc/page) addresses only. */
AXVM_HAL_OP(phys_addr_t, virt_to_phys, (const struct axvm_hal_ops *hal,
	    const void *va))

/* Context: any. Monotonic nanoseconds. */
AXVM_HAL_OP(u64, current_time_nanos, (const struct axvm_hal_ops *hal))

/*
 * One-shot timers for the core's devices (LAPIC, PIT, RTC, HPET), what
 * axvisor gives its devices. timer_init readies @t (its owner has set
 * @t->fn); timer_arm makes @t->fn(@t) run once at @deadline_ns on
 * current_time_nanos's clock (soon when that has passed, but never from
 * within timer_arm: a device may arm under the lock @fn takes),
 * replacing an earlier deadline; timer_cancel disarms it and waits for
 * a running callback; timer_destroy cancels and frees what init took (also after
 * a failed or no init). @fn runs in interrupt context on any CPU: it
 * must not sleep; it may re-arm @t.
 * Context: init and destroy may sleep; arm any, including interrupts
 * off and @fn itself; cancel any but @fn itself. init: 0 or -ENOMEM.
 */
AXVM_HAL_OP(int, timer_init, (const struct axvm_hal_ops *hal,
	    struct axvm_timer *t))
AXVM_HAL_OP(void, timer_arm, (const struct axvm_hal_ops *hal,
	    struct axvm_timer *t, u64 deadline_ns))
AXVM_HAL_OP(void, timer_cancel, (const struct axvm_hal_ops *hal,
	    struct axvm_timer *t))
AXVM_HAL_OP(void, timer_destroy, (const struct axvm_hal_ops *hal,
	    struct axvm_timer *t))

/*
 * The VM and vCPU loaded on this CPU, or AXVM_HAL_ID_NONE outside
 * vcpu_load/vcpu_put. Context: preemption disabled for a stable
 * answer.
 */
AXVM_HAL_OP(unsigned long, current_vm_id, (const struct axvm_hal_ops *hal))
AXVM_HAL_OP(unsigned long, current_vcpu_id, (const struct axvm_hal_ops *hal))
AXVM_HAL_OP(unsigned long, current_pcpu_id, (const struct axvm_hal_ops *hal))

/*
 * The pCPU the vCPU is loaded on now (>= 0), -ENOENT when it is not
 * loaded, -ESRCH when the VM or vCPU does not exist.
 * Context: any; the answer may be stale when it returns.
 */
AXVM_HAL_OP(int, vcpu_resides_on, (const struct axvm_hal_ops *hal, u32 vm_id,
	    u32 vcpu_id))

/*
 * Inject @vector into the vCPU: record it as pending, then find the
 * pCPU the vCPU runs on and force it out of guest mode there (an
 * IPI), or wake it when it is blocked in HLT. The vector is
 * delivered before the vCPU's next guest entry.
 * Returns 0, -ESRCH for no such VM/vCPU, -EINVAL for a vector
 * below 16. Context: any, including interrupts off.
 */
AXVM_HAL_OP(int, inject_irq_to_vcpu, (const struct axvm_hal_ops *hal, u32 vm_id,
	    u32 vcpu_id, u32 vector))

/*
 * Not in AxVMHal, but the other half of the per-CPU "current vCPU"
 * bookkeeping that current_*_id and vcpu_resides_on read: called by
 * the core with preemption disabled when a vCPU is loaded on / put
 * from this CPU.
 */
AXVM_HAL_OP(void, vcpu_loaded, (const struct axvm_hal_ops *hal,
	    struct axvm_vcpu *vcpu))
AXVM_HAL_OP(void, vcpu_put, (const struct axvm_hal_ops *hal,
	    struct axvm_vcpu *vcpu))

/*
 * Force the vCPU out of guest mode on @cpu (the kick). Called by the
 * core's kick protocol; Context: any, including interrupts off.
 */
AXVM_HAL_OP(void, kick_cpu, (const struct axvm_hal_ops *hal,
	    struct axvm_vcpu *vcpu, int cpu))
