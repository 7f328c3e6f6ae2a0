// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux implementation of struct axvm_hal_ops (AxVMHal).
 *
 * Frames come from alloc_pages, zeroed and charged to the caller's memory
 * cgroup; identical regions claim an exact host-physical range with
 * alloc_contig_range; ids come from a per-CPU "current vCPU" pointer set
 * while a vCPU is loaded; injection follows KVM's kick protocol.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/pfn.h>
#include <linux/io.h>
#include <linux/capability.h>
#include <linux/security.h>
#include <linux/ktime.h>
#include <linux/hrtimer.h>
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include "axvm.h"
#include "vm.h"
#include "hal_linux.h"
#include "kunit_export.h"

static DEFINE_PER_CPU(struct axvm_vcpu *, axvm_current_vcpu);

/*
 * Guest RAM and page tables: zeroed, charged to the active memory cgroup
 * (the VM's creator, module/vm.h), and allowed to fail. A guest touching
 * RAM past its creator's memory.max gets -ENOMEM at the nested fault
 * (the VM stops with an internal error) instead of an OOM kill of some
 * bystander in that cgroup.
 */
#define AXVM_GFP_GUEST	(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_RETRY_MAYFAIL | \
			 __GFP_NOWARN)

static int hal_alloc_frames(const struct axvm_hal_ops *hal, unsigned int num,
			    unsigned long align, phys_addr_t *pa)
{
	unsigned int order;
	struct page *page;

	if (!num || !is_power_of_2(align) || align < PAGE_SIZE)
		return -EINVAL;
	/* A power-of-two block is naturally aligned to its own size. */
	order = max(get_order((unsigned long)num << PAGE_SHIFT),
		    get_order(align));
	/* More than the buddy allocator hands out at once (hal.h: -ENOMEM). */
	if (order > MAX_ORDER - 1)
		return -ENOMEM;
	page = alloc_pages(AXVM_GFP_GUEST, order);
	if (!page)
		return -ENOMEM;
	/* Free the tail beyond @num, so dealloc_frames(num) is exact. */
	if (order) {
		unsigned int i;

		split_page(page, order);
		for (i = num; i < (1U << order); i++)
			__free_page(page + i);
	}
	*pa = page_to_phys(page);
	return 0;
}

static int hal_alloc_frame(const struct axvm_hal_ops *hal, phys_addr_t *pa)
{
	struct page *page = alloc_page(AXVM_GFP_GUEST);

	if (!page)
		return -ENOMEM;
	*pa = page_to_phys(page);
	return 0;
}

static void hal_dealloc_frame(const struct axvm_hal_ops *hal, phys_addr_t pa)
{
	__free_page(pfn_to_page(PHYS_PFN(pa)));
}

static void hal_dealloc_frames(const struct axvm_hal_ops *hal, phys_addr_t pa,
			       unsigned int num)
{
	struct page *page = pfn_to_page(PHYS_PFN(pa));
	unsigned int i;

	for (i = 0; i < num; i++)
		__free_page(page + i);
}

static void *hal_phys_to_virt(const struct axvm_hal_ops *hal, phys_addr_t pa)
{
	return phys_to_virt(pa);
}

static phys_addr_t hal_virt_to_phys(const struct axvm_hal_ops *hal,
				    const void *va)
{
	return virt_to_phys((void *)va);
}

/*
 * The seed's alloc_memory_region_at, literally: take exactly the frames
 * [base, base + size) out of the page allocator, or fail.
 */
static int hal_alloc_memory_region_at(const struct axvm_hal_ops *hal,
				      phys_addr_t base, size_t size)
{
	unsigned long pfn = PHYS_PFN(base), nr = size >> PAGE_SHIFT, i;
	int ret;

	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	if (security_locked_down(LOCKDOWN_DEV_MEM))
		return -EPERM;
	if (!size || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size) ||
	    pfn + nr < pfn)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		if (!pfn_to_online_page(pfn + i) ||
		    !page_is_ram(pfn + i))
			return -EFAULT;
	}
#ifdef CONFIG_CONTIG_ALLOC
	ret = alloc_contig_range(pfn, pfn + nr, MIGRATE_MOVABLE,
				 GFP_KERNEL | __GFP_NOWARN);
	if (ret)
		return ret == -EINTR ? -EINTR : -EBUSY;
	for (i = 0; i < nr; i++)
		clear_highpage(pfn_to_page(pfn + i));
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}

static void hal_dealloc_memory_region_at(const struct axvm_hal_ops *hal,
					 phys_addr_t base, size_t size)
{
#ifdef CONFIG_CONTIG_ALLOC
	free_contig_range(PHYS_PFN(base), size >> PAGE_SHIFT);
#endif
}

static u64 hal_current_time_nanos(const struct axvm_hal_ops *hal)
{
	return ktime_get_ns();
}

/*
 * Device timers on hrtimers: absolute CLOCK_MONOTONIC deadlines (the
 * clock of ktime_get_ns), expiring in hard interrupt context as KVM's
 * LAPIC timer does, so a guest's timer interrupt is not delayed behind
 * softirq work.
 */
struct hal_timer {
	struct hrtimer hr;
	struct axvm_timer *t;
};

static enum hrtimer_restart hal_timer_fire(struct hrtimer *hr)
{
	struct hal_timer *ht = container_of(hr, struct hal_timer, hr);

	ht->t->fn(ht->t);
	return HRTIMER_NORESTART;
}

static int hal_timer_init(const struct axvm_hal_ops *hal, struct axvm_timer *t)
{
	struct hal_timer *ht = kzalloc(sizeof(*ht), GFP_KERNEL_ACCOUNT);

	if (!ht)
		return -ENOMEM;
	hrtimer_init(&ht->hr, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	ht->hr.function = hal_timer_fire;
	ht->t = t;
	t->host = ht;
	return 0;
}

static void hal_timer_arm(const struct axvm_hal_ops *hal, struct axvm_timer *t,
			  u64 deadline_ns)
{
	struct hal_timer *ht = t->host;

	hrtimer_start(&ht->hr, ns_to_ktime(deadline_ns), HRTIMER_MODE_ABS_HARD);
}

static void hal_timer_cancel(const struct axvm_hal_ops *hal,
			     struct axvm_timer *t)
{
	struct hal_timer *ht = t->host;

	hrtimer_cancel(&ht->hr);
}

static void hal_timer_destroy(const struct axvm_hal_ops *hal,
			      struct axvm_timer *t)
{
	struct hal_timer *ht = t->host;

	if (!ht)
		return;
	hrtimer_cancel(&ht->hr);
	kfree(ht);
	t->host = NULL;
}

static unsigned long hal_current_vm_id(const struct axvm_hal_ops *hal)
{
	struct axvm_vcpu *vcpu = this_cpu_read(axvm_current_vcpu);

	return vcpu ? vcpu->vm->id : AXVM_HAL_ID_NONE;
}

static unsigned long hal_current_vcpu_id(const struct axvm_hal_ops *hal)
{
	struct axvm_vcpu *vcpu = this_cpu_read(axvm_current_vcpu);

	return vcpu ? vcpu->id : AXVM_HAL_ID_NONE;
}

static unsigned long hal_current_pcpu_id(const struct axvm_hal_ops *hal)
{
	return raw_smp_processor_id();
}

static int hal_vcpu_resides_on(const struct axvm_hal_ops *hal, u32 vm_id,
			       u32 vcpu_id)
{
	struct axvm_vcpu *vcpu;
	int cpu = -ESRCH;

	rcu_read_lock();
	vcpu = axvm_vcpu_lookup_rcu(vm_id, vcpu_id);
	if (vcpu) {
		cpu = READ_ONCE(vcpu->cpu);
		if (cpu < 0)
			cpu = -ENOENT;
	}
	rcu_read_unlock();
	return cpu;
}

static int hal_inject_irq_to_vcpu(const struct axvm_hal_ops *hal, u32 vm_id,
				  u32 vcpu_id, u32 vector)
{
	struct axvm_vcpu *vcpu;
	int ret = -ESRCH;

	rcu_read_lock();
	vcpu = axvm_vcpu_lookup_rcu(vm_id, vcpu_id);
	if (vcpu)
		ret = axvm_vcpu_inject(vcpu, vector);
	rcu_read_unlock();
	return ret;
}

static void hal_vcpu_loaded(const struct axvm_hal_ops *hal,
			    struct axvm_vcpu *vcpu)
{
	this_cpu_write(axvm_current_vcpu, vcpu);
}

static void hal_vcpu_put(const struct axvm_hal_ops *hal,
			 struct axvm_vcpu *vcpu)
{
	this_cpu_write(axvm_current_vcpu, NULL);
}

static void hal_kick_cpu(const struct axvm_hal_ops *hal,
			 struct axvm_vcpu *vcpu, int cpu)
{
	/*
	 * The _async form works with interrupts off. -EBUSY means the
	 * vCPU's csd is still queued from an earlier kick, maybe to the
	 * CPU the vCPU ran on before it migrated: that IPI proves nothing
	 * about @cpu, so interrupt @cpu another way (KVM's kick is this
	 * reschedule IPI; any interrupt makes the guest exit).
	 */
	if (smp_call_function_single_async(cpu, &vcpu->kick_csd) == -EBUSY)
		smp_send_reschedule(cpu);	/* never to an offline CPU (-ENXIO) */
}

const struct axvm_hal_ops axvm_hal_linux = {
	.name				= "linux",
	.alloc_frame			= hal_alloc_frame,
	.alloc_frames			= hal_alloc_frames,
	.dealloc_frame			= hal_dealloc_frame,
	.dealloc_frames			= hal_dealloc_frames,
	.phys_to_virt			= hal_phys_to_virt,
	.alloc_memory_region_at		= hal_alloc_memory_region_at,
	.dealloc_memory_region_at	= hal_dealloc_memory_region_at,
	.virt_to_phys			= hal_virt_to_phys,
	.current_time_nanos		= hal_current_time_nanos,
	.timer_init			= hal_timer_init,
	.timer_arm			= hal_timer_arm,
	.timer_cancel			= hal_timer_cancel,
	.timer_destroy			= hal_timer_destroy,
	.current_vm_id			= hal_current_vm_id,
	.current_vcpu_id		= hal_current_vcpu_id,
	.current_pcpu_id		= hal_current_pcpu_id,
	.vcpu_resides_on		= hal_vcpu_resides_on,
	.inject_irq_to_vcpu		= hal_inject_irq_to_vcpu,
	.vcpu_loaded			= hal_vcpu_loaded,
	.vcpu_put			= hal_vcpu_put,
	.kick_cpu			= hal_kick_cpu,
};
AXVM_EXPORT_FOR_TESTS(axvm_hal_linux);
