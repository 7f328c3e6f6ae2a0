// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_hal: the Linux HAL (module/hal_linux.c) for real: frames, address
 * translation, time, the per-CPU "current vCPU", vcpu_resides_on,
 * alloc_memory_region_at on real host memory, and inject_irq_to_vcpu
 * delivered by IPI to a vCPU in guest mode on the other CPU (the test
 * kernel runs with -smp 2).
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/pageblock-flags.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ktime.h>
#include "axvm.h"
#include "vm.h"
#include "hal_linux.h"
#include "fake_arch.h"
#include "fake_hal.h"
#include "suites.h"

static const struct axvm_hal_ops *const hal = &axvm_hal_linux;

static int hal_test_init(struct kunit *test)
{
	test->priv = axvm_fake_arch_new(test);
	return 0;
}

static bool page_is_zero(const void *va)
{
	return !memchr_inv(va, 0, PAGE_SIZE);
}

/* ---- frames ---------------------------------------------------------------- */

#define NR_PROBE_FRAMES	32

/* Dirty frames go back to the allocator; the next ones must be clean. */
static void hal_alloc_frame_zeroed(struct kunit *test)
{
	phys_addr_t pa[NR_PROBE_FRAMES];
	int i, n;

	for (n = 0; n < NR_PROBE_FRAMES; n++) {
		if (hal->alloc_frame(hal, &pa[n]))
			break;
		memset(hal->phys_to_virt(hal, pa[n]), 0xa5, PAGE_SIZE);
	}
	for (i = 0; i < n; i++)
		hal->dealloc_frame(hal, pa[i]);
	KUNIT_ASSERT_EQ(test, n, NR_PROBE_FRAMES);

	for (n = 0; n < NR_PROBE_FRAMES; n++) {
		if (hal->alloc_frame(hal, &pa[n]))
			break;
		KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(pa[n]));
		KUNIT_EXPECT_TRUE_MSG(test,
				      page_is_zero(hal->phys_to_virt(hal, pa[n])),
				      "frame %pa not zeroed", &pa[n]);
	}
	for (i = 0; i < n; i++)
		hal->dealloc_frame(hal, pa[i]);
	KUNIT_EXPECT_EQ(test, n, NR_PROBE_FRAMES);
}

struct hal_frames_case {
	unsigned int num;
	unsigned long align;
};

static const struct hal_frames_case hal_frames_cases[] = {
	{ 1, SZ_4K }, { 2, SZ_4K }, { 3, SZ_64K }, { 16, SZ_64K },
	{ 5, SZ_2M }, { 512, SZ_2M },
};

static void hal_frames_desc(const struct hal_frames_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u frames aligned to %#lx",
		 c->num, c->align);
}

KUNIT_ARRAY_PARAM(hal_frames, hal_frames_cases, hal_frames_desc);

static void hal_alloc_frames_aligned_and_zeroed(struct kunit *test)
{
	const struct hal_frames_case *c = test->param_value;
	phys_addr_t pa = 1;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, hal->alloc_frames(hal, c->num, c->align, &pa), 0);
	KUNIT_EXPECT_EQ(test, pa & (c->align - 1), (phys_addr_t)0);
	for (i = 0; i < c->num; i++)
		KUNIT_EXPECT_TRUE_MSG(test,
			page_is_zero(hal->phys_to_virt(hal, pa + i * PAGE_SIZE)),
			"frame %u", i);
	/* Contiguous: the last frame is num - 1 pages after the first. */
	KUNIT_EXPECT_PTR_EQ(test,
			    hal->phys_to_virt(hal, pa + (c->num - 1) * PAGE_SIZE),
			    hal->phys_to_virt(hal, pa) + (c->num - 1) * PAGE_SIZE);
	hal->dealloc_frames(hal, pa, c->num);
}

static void hal_alloc_frames_bad_arguments(struct kunit *test)
{
	phys_addr_t pa = 0;

	KUNIT_EXPECT_EQ(test, hal->alloc_frames(hal, 0, SZ_4K, &pa), -EINVAL);
	KUNIT_EXPECT_EQ(test, hal->alloc_frames(hal, 1, 0, &pa), -EINVAL);
	KUNIT_EXPECT_EQ(test, hal->alloc_frames(hal, 1, SZ_2K, &pa), -EINVAL);
	KUNIT_EXPECT_EQ(test, hal->alloc_frames(hal, 1, 3 * SZ_4K, &pa),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pa, (phys_addr_t)0);
}

/* hal.h: alloc_frames "Returns 0 and sets *pa, or -ENOMEM". */
static void hal_alloc_frames_too_many_enomem(struct kunit *test)
{
	phys_addr_t pa = 0;

	KUNIT_EXPECT_EQ(test, hal->alloc_frames(hal, 1U << 20, SZ_4K, &pa),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, pa, (phys_addr_t)0);
}

static void hal_virt_phys_round_trip(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	u8 *buf = kunit_kmalloc(test, 100, GFP_KERNEL);
	phys_addr_t pa;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, hal->virt_to_phys(hal, page_address(page)),
			page_to_phys(page));
	KUNIT_EXPECT_PTR_EQ(test, hal->phys_to_virt(hal, page_to_phys(page)),
			    page_address(page));
	__free_page(page);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	pa = hal->virt_to_phys(hal, buf + 17);
	KUNIT_EXPECT_PTR_EQ(test, (u8 *)hal->phys_to_virt(hal, pa), buf + 17);
}

/* ---- time ------------------------------------------------------------------ */

static void hal_time_is_monotonic_nanoseconds(struct kunit *test)
{
	u64 t0, t1, prev, now;
	int i;

	t0 = hal->current_time_nanos(hal);
	msleep(20);
	t1 = hal->current_time_nanos(hal);
	/* msleep sleeps at least that long; nanoseconds, not ticks or us. */
	KUNIT_EXPECT_GE(test, t1 - t0, 20ULL * NSEC_PER_MSEC);
	KUNIT_EXPECT_LT(test, t1 - t0, 20ULL * NSEC_PER_SEC);

	prev = hal->current_time_nanos(hal);
	for (i = 0; i < 10000; i++) {
		now = hal->current_time_nanos(hal);
		if (now < prev)
			break;
		prev = now;
	}
	KUNIT_EXPECT_EQ(test, i, 10000);
}

/* ---- current ids ----------------------------------------------------------- */

/* A VM on the Linux HAL (so the registry knows it) and the fake arch. */
static struct axvm *linux_vm(struct kunit *test, u32 max_vcpus)
{
	return axvm_fake_vm_new(test, test->priv, hal, 0, max_vcpus, NULL);
}

static void hal_current_ids_none_outside_loaded(struct kunit *test)
{
	unsigned long vm_id, vcpu_id, pcpu, me;

	preempt_disable();
	vm_id = hal->current_vm_id(hal);
	vcpu_id = hal->current_vcpu_id(hal);
	pcpu = hal->current_pcpu_id(hal);
	me = smp_processor_id();
	preempt_enable();
	KUNIT_EXPECT_EQ(test, vm_id, AXVM_HAL_ID_NONE);
	KUNIT_EXPECT_EQ(test, vcpu_id, AXVM_HAL_ID_NONE);
	KUNIT_EXPECT_EQ(test, pcpu, me);
}

static void hal_current_ids_between_loaded_and_put(struct kunit *test)
{
	unsigned long in_vm, in_vcpu, out_vm, out_vcpu;
	struct axvm *vm = linux_vm(test, 2);
	struct axvm_vcpu *vcpu;

	axvm_fake_vm_finalize(test, vm);
	vcpu = vm->vcpus[1];
	preempt_disable();
	hal->vcpu_loaded(hal, vcpu);
	in_vm = hal->current_vm_id(hal);
	in_vcpu = hal->current_vcpu_id(hal);
	hal->vcpu_put(hal, vcpu);
	out_vm = hal->current_vm_id(hal);
	out_vcpu = hal->current_vcpu_id(hal);
	preempt_enable();

	KUNIT_EXPECT_EQ(test, in_vm, (unsigned long)vm->id);
	KUNIT_EXPECT_EQ(test, in_vcpu, 1UL);
	KUNIT_EXPECT_EQ(test, out_vm, AXVM_HAL_ID_NONE);
	KUNIT_EXPECT_EQ(test, out_vcpu, AXVM_HAL_ID_NONE);
}

/* The run loop brackets each entry: vcpu_run sees its own ids. */
static void hal_current_ids_inside_run(struct kunit *test)
{
	struct axvm *vm = linux_vm(test, 1);
	struct axvm_fake_vcpu *fv;
	struct axvm_vcpu *vcpu;
	unsigned long after;

	axvm_fake_vm_finalize(test, vm);
	vcpu = vm->vcpus[0];
	fv = axvm_fake_vcpu(vcpu);
	axvm_fake_push(fv, AXVM_FAKE_IO(0x80, 1, false, 0));
	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);
	KUNIT_ASSERT_EQ(test, axvm_fake_run(vcpu), 0);

	KUNIT_EXPECT_EQ(test, fv->seen_vm_id, (unsigned long)vm->id);
	KUNIT_EXPECT_EQ(test, fv->seen_vcpu_id, 0UL);
	KUNIT_EXPECT_EQ(test, fv->seen_pcpu_id, (unsigned long)fv->load_cpu);
	KUNIT_EXPECT_EQ(test, fv->seen_resides_on, fv->load_cpu);
	/* Put again afterwards, on whatever CPU we are now. */
	preempt_disable();
	after = hal->current_vm_id(hal);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, after, AXVM_HAL_ID_NONE);
	KUNIT_EXPECT_EQ(test, hal->vcpu_resides_on(hal, vm->id, 0), -ENOENT);
}

static void hal_vcpu_resides_on_errors(struct kunit *test)
{
	struct axvm *vm = linux_vm(test, 2);

	KUNIT_ASSERT_EQ(test, axvm_vm_create_vcpu(vm, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, hal->vcpu_resides_on(hal, vm->id, 0), -ENOENT);
	/* vCPU 1 may exist later, but not now. */
	KUNIT_EXPECT_EQ(test, hal->vcpu_resides_on(hal, vm->id, 1), -ESRCH);
	KUNIT_EXPECT_EQ(test, hal->vcpu_resides_on(hal, vm->id, 2), -ESRCH);
	KUNIT_EXPECT_EQ(test, hal->vcpu_resides_on(hal, vm->id, U32_MAX),
			-ESRCH);
	KUNIT_EXPECT_EQ(test, hal->vcpu_resides_on(hal, vm->id + 1000, 0),
			-ESRCH);
	KUNIT_EXPECT_EQ(test, hal->vcpu_resides_on(hal, AXVM_ID_NONE, 0),
			-ESRCH);
}

/* ---- inject_irq_to_vcpu ---------------------------------------------------- */

static void hal_inject_errors(struct kunit *test)
{
	struct axvm *vm = linux_vm(test, 2);
	struct axvm_vcpu *vcpu;

	KUNIT_ASSERT_EQ(test, axvm_vm_create_vcpu(vm, 0, &vcpu), 0);
	KUNIT_EXPECT_EQ(test, hal->inject_irq_to_vcpu(hal, vm->id + 1000, 0,
						      0x30), -ESRCH);
	KUNIT_EXPECT_EQ(test, hal->inject_irq_to_vcpu(hal, vm->id, 1, 0x30),
			-ESRCH);
	KUNIT_EXPECT_EQ(test, hal->inject_irq_to_vcpu(hal, vm->id, 2, 0x30),
			-ESRCH);
	KUNIT_EXPECT_EQ(test, hal->inject_irq_to_vcpu(hal, vm->id, 0, 15),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vcpu), -1);
	KUNIT_EXPECT_EQ(test, hal->inject_irq_to_vcpu(hal, vm->id, 0, 0x30), 0);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vcpu), 0x30);
}

static void hal_inject_wakes_halted_vcpu(struct kunit *test)
{
	struct axvm *vm = linux_vm(test, 1);
	struct axvm_fake_thread *t;
	struct axvm_fake_vcpu *fv;
	struct axvm_vcpu *vcpu;

	axvm_fake_vm_finalize(test, vm);
	vcpu = vm->vcpus[0];
	fv = axvm_fake_vcpu(vcpu);
	axvm_fake_push(fv, AXVM_FAKE_EXIT(AXVM_VEXIT_HALT));
	axvm_fake_push(fv, AXVM_FAKE_IO(0x80, 1, false, 0));
	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);
	t = axvm_fake_run_async(test, vcpu, -1);
	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(
		READ_ONCE(vcpu->state) == AXVM_VCPU_BLOCKED, 5000));

	KUNIT_EXPECT_EQ(test, hal->inject_irq_to_vcpu(hal, vm->id, 0, 0x41), 0);
	KUNIT_ASSERT_TRUE(test, axvm_fake_thread_wait(t, 5000));
	KUNIT_EXPECT_EQ(test, t->ret, 0);
	KUNIT_ASSERT_EQ(test, fv->nr_delivered, 1U);
	KUNIT_EXPECT_EQ(test, fv->delivered[0], 0x41);
}

/*
 * A vCPU in guest mode on the other CPU: the injection must reach that
 * CPU by IPI (the kick), whatever the injecting context.
 */
static void hal_inject_kicks_other_cpu(struct kunit *test, bool irqs_off)
{
	struct axvm_fake_thread *t;
	struct axvm_fake_vcpu *fv;
	struct axvm_vcpu *vcpu;
	struct axvm *vm;
	int target, resides, ret;
	unsigned long flags;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs, %u online",
			   num_online_cpus());
	/* We inject from CPU 0; the vCPU runs on the next online CPU. */
	if (!cpu_online(0) ||
	    set_cpus_allowed_ptr(current, cpumask_of(0)))
		kunit_skip(test, "cannot run the injecting thread on CPU 0");
	target = cpumask_next(0, cpu_online_mask);

	vm = linux_vm(test, 1);
	axvm_fake_vm_finalize(test, vm);
	vcpu = vm->vcpus[0];
	fv = axvm_fake_vcpu(vcpu);
	axvm_fake_set_irq_allowed(fv, false);	/* keep the vector pending */
	fv->spin_for_kick = true;
	axvm_fake_push(fv, AXVM_FAKE_EXIT(AXVM_VEXIT_NONE));	/* the spin */
	axvm_fake_push(fv, AXVM_FAKE_IO(0x80, 1, false, 0));
	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);

	t = axvm_fake_run_async(test, vcpu, target);
	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(READ_ONCE(fv->spinning),
						   5000));
	resides = hal->vcpu_resides_on(hal, vm->id, 0);

	if (irqs_off)
		local_irq_save(flags);
	ret = hal->inject_irq_to_vcpu(hal, vm->id, 0, 0x30);
	if (irqs_off)
		local_irq_restore(flags);

	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, resides, target);
	KUNIT_ASSERT_TRUE(test, axvm_fake_thread_wait(t, 10000));
	KUNIT_EXPECT_FALSE_MSG(test, fv->spin_timed_out,
			       "no kick reached CPU %d", target);
	KUNIT_EXPECT_EQ(test, READ_ONCE(vcpu->last_kick_cpu), target);
	KUNIT_EXPECT_GE(test, atomic_read(&vcpu->kicks_received), 1);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vcpu), 0x30);
	KUNIT_EXPECT_EQ(test, t->ret, 0);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXVM_EXIT_IO);
	set_cpus_allowed_ptr(current, cpu_possible_mask);
}

static void hal_inject_kicks_vcpu_on_other_cpu(struct kunit *test)
{
	hal_inject_kicks_other_cpu(test, false);
}

static void hal_inject_with_irqs_off(struct kunit *test)
{
	hal_inject_kicks_other_cpu(test, true);
}

/* ---- alloc_memory_region_at ------------------------------------------------ */

/*
 * The smallest block alloc_contig_range isolates by itself: a whole
 * pageblock (4 MiB without hugetlb), at least the 2 MiB we claim.
 */
static unsigned int hal_claim_order(void)
{
	return max_t(unsigned int, get_order(SZ_2M), pageblock_order);
}

static void hal_region_at_claims_freed_block(struct kunit *test)
{
	unsigned int order = hal_claim_order();
	struct page *page = NULL;
	phys_addr_t pa = 0;
	int ret = -EBUSY, try;

	/* Free a block, then claim it; the allocator may take it back. */
	for (try = 0; try < 5 && ret == -EBUSY; try++) {
		page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
		if (!page)
			break;
		pa = page_to_phys(page);
		memset(page_address(page), 0x5a, PAGE_SIZE << order);
		__free_pages(page, order);
		ret = hal->alloc_memory_region_at(hal, pa, SZ_2M);
	}
	if (!page)
		kunit_skip(test, "no free block of order %u", order);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "claiming %pa after %d tries", &pa,
			    try);

	/* Exactly that range is ours: no stale host data in it. */
	KUNIT_EXPECT_TRUE(test, !memchr_inv(hal->phys_to_virt(hal, pa), 0,
					    SZ_2M));
	/* And nobody else's: claiming any of it again is refused. */
	KUNIT_EXPECT_EQ(test, hal->alloc_memory_region_at(hal, pa + SZ_1M,
							  SZ_4K), -EBUSY);
	hal->dealloc_memory_region_at(hal, pa, SZ_2M);
}

static void hal_region_at_busy_page(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, page);
	ret = hal->alloc_memory_region_at(hal, page_to_phys(page), PAGE_SIZE);
	if (!ret)
		hal->dealloc_memory_region_at(hal, page_to_phys(page),
					      PAGE_SIZE);
	__free_page(page);
	KUNIT_EXPECT_EQ(test, ret, -EBUSY);
}

struct hal_region_case {
	const char *desc;
	u64 base;
	u64 size;
	int err;
};

static const struct hal_region_case hal_region_cases[] = {
	{ "base not page aligned", 0x100000 + 1, SZ_4K, -EINVAL },
	{ "size not page aligned", 0x100000, SZ_4K + 1, -EINVAL },
	{ "size 0", 0x100000, 0, -EINVAL },
	{ "far above any RAM", 1ULL << 46, SZ_2M, -EFAULT },
	{ "the legacy VGA hole", 0xa0000, SZ_64K, -EFAULT },
};

static void hal_region_desc(const struct hal_region_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hal_region, hal_region_cases, hal_region_desc);

static void hal_region_at_refused(struct kunit *test)
{
	const struct hal_region_case *c = test->param_value;
	int ret = hal->alloc_memory_region_at(hal, c->base, c->size);

	if (!ret)	/* do not keep what must not have been given */
		hal->dealloc_memory_region_at(hal, c->base, c->size);
	KUNIT_EXPECT_EQ(test, ret, c->err);
}

static void hal_region_at_needs_cap_sys_rawio(struct kunit *test)
{
	const struct cred *old;
	struct cred *cred;
	int ret;

	cred = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, cred);
	cap_lower(cred->cap_effective, CAP_SYS_RAWIO);
	old = override_creds(cred);
	ret = hal->alloc_memory_region_at(hal, 0x100000, SZ_4K);
	revert_creds(old);
	put_cred(cred);
	if (!ret)
		hal->dealloc_memory_region_at(hal, 0x100000, SZ_4K);
	KUNIT_EXPECT_EQ(test, ret, -EPERM);
}

static void hal_is_complete(struct kunit *test)
{
	struct axvm_hal_ops *partial;

	KUNIT_EXPECT_EQ(test, axvm_hal_check(hal), 0);
	partial = kunit_kzalloc(test, sizeof(*partial), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, partial);
	*partial = axvm_hal_linux;
	partial->inject_irq_to_vcpu = NULL;
	KUNIT_EXPECT_EQ(test, axvm_hal_check(partial), -EINVAL);
	/* The check is generated from the list: the last method counts too. */
	*partial = axvm_hal_linux;
	partial->kick_cpu = NULL;
	KUNIT_EXPECT_EQ(test, axvm_hal_check(partial), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_hal_check(NULL), -EINVAL);
}

/* ---- device timers ------------------------------------------------------ */

struct timer_probe {
	struct axvm_timer t;
	const struct axvm_hal_ops *hal;
	atomic_t fired;
	int rearm;		/* re-arm from the callback this many times */
	u64 deadline, fired_at;
};

static void timer_probe_fn(struct axvm_timer *t)
{
	struct timer_probe *p = container_of(t, struct timer_probe, t);

	WRITE_ONCE(p->fired_at, p->hal->current_time_nanos(p->hal));
	atomic_inc(&p->fired);
	if (p->rearm-- > 0) {
		p->deadline = p->fired_at + 100 * NSEC_PER_USEC;
		p->hal->timer_arm(p->hal, t, p->deadline);
	}
}

static struct timer_probe *timer_probe_new(struct kunit *test,
					   const struct axvm_hal_ops *h)
{
	struct timer_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->hal = h;
	p->t.fn = timer_probe_fn;
	KUNIT_ASSERT_EQ(test, h->timer_init(h, &p->t), 0);
	return p;
}

/* An hrtimer at an absolute deadline on current_time_nanos's clock. */
static void hal_timer_fires_once_after_deadline(struct kunit *test)
{
	struct timer_probe *p = timer_probe_new(test, hal);

	p->deadline = hal->current_time_nanos(hal) + NSEC_PER_MSEC;
	hal->timer_arm(hal, &p->t, p->deadline);
	KUNIT_EXPECT_TRUE(test, axvm_fake_wait_for(atomic_read(&p->fired), 5000));
	KUNIT_EXPECT_GE(test, READ_ONCE(p->fired_at), p->deadline);
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&p->fired), 1);
	hal->timer_destroy(hal, &p->t);
	KUNIT_EXPECT_NULL(test, p->t.host);
}

static void hal_timer_cancel_and_rearm(struct kunit *test)
{
	struct timer_probe *p = timer_probe_new(test, hal);
	u64 now = hal->current_time_nanos(hal);

	/* Cancelled: it never fires. */
	hal->timer_arm(hal, &p->t, now + 30 * NSEC_PER_MSEC);
	hal->timer_cancel(hal, &p->t);
	msleep(60);
	KUNIT_EXPECT_EQ(test, atomic_read(&p->fired), 0);
	/* A later arm replaces an earlier deadline; the past fires at once. */
	hal->timer_arm(hal, &p->t, now + 10 * NSEC_PER_SEC);
	hal->timer_arm(hal, &p->t, now);
	KUNIT_EXPECT_TRUE(test, axvm_fake_wait_for(atomic_read(&p->fired), 5000));
	/* The callback may re-arm its own timer. */
	p->rearm = 3;
	hal->timer_arm(hal, &p->t, hal->current_time_nanos(hal));
	KUNIT_EXPECT_TRUE(test, axvm_fake_wait_for(atomic_read(&p->fired) == 5,
						   5000));
	hal->timer_destroy(hal, &p->t);
	/* Destroy is safe twice, and without init. */
	hal->timer_destroy(hal, &p->t);
}

/* The fake's timers fire when the test moves its clock, in order. */
static void fake_timers_follow_the_test_clock(struct kunit *test)
{
	struct axvm_fake_hal *fh = axvm_fake_hal_new(test);
	struct timer_probe *a = timer_probe_new(test, &fh->ops);
	struct timer_probe *b = timer_probe_new(test, &fh->ops);

	axvm_fake_hal_set_time(fh, 1000);
	fh->ops.timer_arm(&fh->ops, &a->t, 5000);
	fh->ops.timer_arm(&fh->ops, &b->t, 3000);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 2U);
	axvm_fake_hal_advance_time(fh, 1999);		/* to 2999 */
	KUNIT_EXPECT_EQ(test, atomic_read(&a->fired) + atomic_read(&b->fired), 0);
	axvm_fake_hal_advance_time(fh, 10000);		/* to 12999 */
	KUNIT_EXPECT_EQ(test, atomic_read(&b->fired), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->fired), 1);
	/* Each fired with the clock at its own deadline. */
	KUNIT_EXPECT_EQ(test, b->fired_at, 3000ULL);
	KUNIT_EXPECT_EQ(test, a->fired_at, 5000ULL);
	KUNIT_EXPECT_EQ(test, fh->ops.current_time_nanos(&fh->ops), 12999ULL);

	/* Re-armed from its callback within one advance: 100 us apart. */
	a->rearm = 2;
	fh->ops.timer_arm(&fh->ops, &a->t, 20000);
	axvm_fake_hal_advance_time(fh, 1000 * NSEC_PER_USEC);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->fired), 4);
	KUNIT_EXPECT_EQ(test, a->fired_at, 20000ULL + 200 * NSEC_PER_USEC);
	fh->ops.timer_cancel(&fh->ops, &b->t);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 0U);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(fh), 2U);
	fh->ops.timer_destroy(&fh->ops, &a->t);
	fh->ops.timer_destroy(&fh->ops, &b->t);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(fh), 0U);
}

static struct kunit_case hal_cases[] = {
	KUNIT_CASE(hal_timer_fires_once_after_deadline),
	KUNIT_CASE(hal_timer_cancel_and_rearm),
	KUNIT_CASE(fake_timers_follow_the_test_clock),
	KUNIT_CASE(hal_is_complete),
	KUNIT_CASE(hal_alloc_frame_zeroed),
	KUNIT_CASE_PARAM(hal_alloc_frames_aligned_and_zeroed,
			 hal_frames_gen_params),
	KUNIT_CASE(hal_alloc_frames_bad_arguments),
	KUNIT_CASE(hal_alloc_frames_too_many_enomem),
	KUNIT_CASE(hal_virt_phys_round_trip),
	KUNIT_CASE(hal_time_is_monotonic_nanoseconds),
	KUNIT_CASE(hal_current_ids_none_outside_loaded),
	KUNIT_CASE(hal_current_ids_between_loaded_and_put),
	KUNIT_CASE(hal_current_ids_inside_run),
	KUNIT_CASE(hal_vcpu_resides_on_errors),
	KUNIT_CASE(hal_inject_errors),
	KUNIT_CASE(hal_inject_wakes_halted_vcpu),
	KUNIT_CASE(hal_inject_kicks_vcpu_on_other_cpu),
	KUNIT_CASE(hal_inject_with_irqs_off),
	KUNIT_CASE(hal_region_at_claims_freed_block),
	KUNIT_CASE(hal_region_at_busy_page),
	KUNIT_CASE_PARAM(hal_region_at_refused, hal_region_gen_params),
	KUNIT_CASE(hal_region_at_needs_cap_sys_rawio),
	{}
};

static struct kunit_suite axvm_hal_suite = {
	.name = "axvm_hal",
	.init = hal_test_init,
	.test_cases = hal_cases,
};
kunit_test_suite(axvm_hal_suite);
