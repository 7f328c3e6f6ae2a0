// SPDX-License-Identifier: GPL-2.0
/*
 * The fake HAL of tests/kunit/fake_hal.h.
 *
 * Methods may run in atomic context (dealloc_frame under a spinlock,
 * inject_irq_to_vcpu with interrupts off), where KUNIT_FAIL cannot be
 * used (it allocates). A misuse (freeing an unknown frame, a double
 * free, phys_to_virt of an address the fake never gave out) is counted
 * and logged at once, and the case is failed at teardown.
 */
#include <kunit/resource.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "axvm.h"
#include "vm.h"
#include "fake_hal.h"

/* One alloc_frame(s) allocation: @num frames of a 2^@order block. */
struct axvm_fake_frames {
	struct page *page;
	phys_addr_t pa;
	unsigned int num;
	unsigned int order;
};

/* A claimed (or busy) fake host-physical range. */
struct axvm_fake_claim {
	struct list_head node;
	u64 base;
	u64 size;
	void *backing;			/* NULL for a busy range */
};

static void fake_count(struct axvm_fake_hal *fh, enum axvm_fake_hal_call c)
{
	unsigned long flags;

	spin_lock_irqsave(&fh->lock, flags);
	fh->calls[c]++;
	spin_unlock_irqrestore(&fh->lock, flags);
}

/* Bookkeeping of a misuse; reported (and failed) at teardown. */
static void fake_bad_call(struct axvm_fake_hal *fh, const char *what, u64 pa)
{
	unsigned long flags;

	spin_lock_irqsave(&fh->lock, flags);
	fh->bad_calls++;
	spin_unlock_irqrestore(&fh->lock, flags);
	pr_err_ratelimited("axvm fake HAL: %s %#llx\n", what, pa);
}

/* Counts the call; true when this allocation must fail (injected). */
static bool fake_alloc_should_fail(struct axvm_fake_hal *fh,
				   enum axvm_fake_hal_call c)
{
	unsigned long flags;
	bool fail = false;

	spin_lock_irqsave(&fh->lock, flags);
	fh->calls[c]++;
	if (fh->fail_all) {
		fail = true;
	} else if (fh->fail_countdown == 0) {
		fail = true;
		fh->fail_countdown = -1;
	} else if (fh->fail_countdown > 0) {
		fh->fail_countdown--;
	}
	if (fail)
		fh->alloc_failures++;
	spin_unlock_irqrestore(&fh->lock, flags);
	return fail;
}

static int fake_alloc(struct axvm_fake_hal *fh, enum axvm_fake_hal_call c,
		      unsigned int num, unsigned long align, phys_addr_t *pa)
{
	struct axvm_fake_frames *rec;
	unsigned long pfn, flags;
	unsigned int order, i;
	int ret;

	if (fake_alloc_should_fail(fh, c))
		return -ENOMEM;
	if (!num || !is_power_of_2(align) || align < PAGE_SIZE) {
		fake_bad_call(fh, "bad alloc_frames request, num", num);
		return -EINVAL;
	}
	order = max(get_order((size_t)num << PAGE_SHIFT), get_order(align));
	if (order >= MAX_ORDER) {
		fake_bad_call(fh, "alloc_frames too large, num", num);
		return -ENOMEM;
	}

	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	rec->page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	if (!rec->page) {
		ret = -ENOMEM;
		goto err_free_rec;
	}
	rec->pa = page_to_phys(rec->page);
	rec->num = num;
	rec->order = order;

	pfn = PHYS_PFN(rec->pa);
	for (i = 0; i < num; i++) {
		ret = xa_err(xa_store(&fh->frames, pfn + i, rec, GFP_KERNEL));
		if (ret)
			goto err_erase;
	}

	spin_lock_irqsave(&fh->lock, flags);
	fh->frames_in_use += num;
	spin_unlock_irqrestore(&fh->lock, flags);
	*pa = rec->pa;
	return 0;

err_erase:
	while (i--)
		xa_erase(&fh->frames, pfn + i);
	__free_pages(rec->page, order);
err_free_rec:
	kfree(rec);
	return ret;
}

static void fake_dealloc(struct axvm_fake_hal *fh, enum axvm_fake_hal_call c,
			 phys_addr_t pa, unsigned int num)
{
	struct axvm_fake_frames *rec;
	unsigned long pfn = PHYS_PFN(pa), flags;
	unsigned int i;

	fake_count(fh, c);
	xa_lock_irqsave(&fh->frames, flags);
	rec = xa_load(&fh->frames, pfn);
	if (!rec || rec->pa != pa || rec->num != num) {
		xa_unlock_irqrestore(&fh->frames, flags);
		fake_bad_call(fh, rec ? "dealloc of a frame with wrong size/start" :
				  "dealloc of unknown or freed frame", pa);
		return;
	}
	for (i = 0; i < num; i++)
		__xa_erase(&fh->frames, pfn + i);
	xa_unlock_irqrestore(&fh->frames, flags);

	spin_lock_irqsave(&fh->lock, flags);
	fh->frames_in_use -= num;
	spin_unlock_irqrestore(&fh->lock, flags);
	__free_pages(rec->page, rec->order);
	kfree(rec);
}

static int fake_alloc_frame(const struct axvm_hal_ops *hal, phys_addr_t *pa)
{
	return fake_alloc(axvm_to_fake_hal(hal), AXVM_FAKE_ALLOC_FRAME, 1,
			  PAGE_SIZE, pa);
}

static int fake_alloc_frames(const struct axvm_hal_ops *hal, unsigned int num,
			     unsigned long align, phys_addr_t *pa)
{
	return fake_alloc(axvm_to_fake_hal(hal), AXVM_FAKE_ALLOC_FRAMES, num,
			  align, pa);
}

static void fake_dealloc_frame(const struct axvm_hal_ops *hal, phys_addr_t pa)
{
	fake_dealloc(axvm_to_fake_hal(hal), AXVM_FAKE_DEALLOC_FRAME, pa, 1);
}

static void fake_dealloc_frames(const struct axvm_hal_ops *hal,
				phys_addr_t pa, unsigned int num)
{
	fake_dealloc(axvm_to_fake_hal(hal), AXVM_FAKE_DEALLOC_FRAMES, pa, num);
}

/* The claim containing @pa, or NULL. Called with fh->lock held. */
static struct axvm_fake_claim *fake_find_claim(struct axvm_fake_hal *fh,
					       u64 pa)
{
	struct axvm_fake_claim *cl;

	list_for_each_entry(cl, &fh->claims, node)
		if (pa >= cl->base && pa - cl->base < cl->size)
			return cl;
	return NULL;
}

static void *fake_phys_to_virt(const struct axvm_hal_ops *hal, phys_addr_t pa)
{
	struct axvm_fake_hal *fh = axvm_to_fake_hal(hal);
	struct axvm_fake_claim *cl;
	unsigned long flags;
	void *va = NULL;

	fake_count(fh, AXVM_FAKE_PHYS_TO_VIRT);
	if (xa_load(&fh->frames, PHYS_PFN(pa)))
		return phys_to_virt(pa);

	spin_lock_irqsave(&fh->lock, flags);
	cl = fake_find_claim(fh, pa);
	if (cl)
		va = cl->backing + (pa - cl->base);
	spin_unlock_irqrestore(&fh->lock, flags);
	if (va)
		return va;

	/* Not ours: count it, and hand out a harmless page, not an oops. */
	fake_bad_call(fh, "phys_to_virt of an address never handed out", pa);
	return fh->scratch + offset_in_page(pa);
}

static bool fake_overlaps(struct list_head *list, u64 base, u64 size)
{
	struct axvm_fake_claim *cl;

	list_for_each_entry(cl, list, node)
		if (base < cl->base + cl->size && cl->base < base + size)
			return true;
	return false;
}

static int fake_alloc_region_at(const struct axvm_hal_ops *hal,
				phys_addr_t base, size_t size)
{
	struct axvm_fake_hal *fh = axvm_to_fake_hal(hal);
	struct axvm_fake_claim *cl;
	unsigned long flags;
	u64 end;
	int ret;

	might_sleep();
	fake_count(fh, AXVM_FAKE_ALLOC_REGION_AT);
	if (fh->region_error)
		return fh->region_error;
	if (!size || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size))
		return -EINVAL;
	if (check_add_overflow((u64)base, (u64)size, &end) ||
	    base < fh->ram_base || end > fh->ram_base + fh->ram_size)
		return -EFAULT;

	cl = kzalloc(sizeof(*cl), GFP_KERNEL);
	if (!cl)
		return -ENOMEM;
	cl->base = base;
	cl->size = size;
	cl->backing = vzalloc(size);
	if (!cl->backing) {
		ret = -ENOMEM;
		goto err_free_claim;
	}

	spin_lock_irqsave(&fh->lock, flags);
	if (fake_overlaps(&fh->claims, base, size) ||
	    fake_overlaps(&fh->busy, base, size)) {
		spin_unlock_irqrestore(&fh->lock, flags);
		ret = -EBUSY;
		goto err_free_backing;
	}
	list_add(&cl->node, &fh->claims);
	fh->claims_in_use++;
	spin_unlock_irqrestore(&fh->lock, flags);
	return 0;

err_free_backing:
	vfree(cl->backing);
err_free_claim:
	kfree(cl);
	return ret;
}

static void fake_dealloc_region_at(const struct axvm_hal_ops *hal,
				   phys_addr_t base, size_t size)
{
	struct axvm_fake_hal *fh = axvm_to_fake_hal(hal);
	struct axvm_fake_claim *cl, *found = NULL;
	unsigned long flags;

	might_sleep();
	fake_count(fh, AXVM_FAKE_DEALLOC_REGION_AT);
	spin_lock_irqsave(&fh->lock, flags);
	list_for_each_entry(cl, &fh->claims, node) {
		if (cl->base == base && cl->size == size) {
			found = cl;
			list_del(&cl->node);
			fh->claims_in_use--;
			break;
		}
	}
	spin_unlock_irqrestore(&fh->lock, flags);
	if (!found) {
		fake_bad_call(fh, "dealloc_memory_region_at of an unclaimed range",
			      base);
		return;
	}
	vfree(found->backing);
	kfree(found);
}

static phys_addr_t fake_virt_to_phys(const struct axvm_hal_ops *hal,
				     const void *va)
{
	fake_count(axvm_to_fake_hal(hal), AXVM_FAKE_VIRT_TO_PHYS);
	return virt_to_phys((void *)va);
}

/* Reads one field under the lock, counting the call. */
#define FAKE_READ(fh, call, field) ({					\
	unsigned long __flags;						\
	typeof((fh)->field) __v;					\
	spin_lock_irqsave(&(fh)->lock, __flags);			\
	(fh)->calls[call]++;						\
	__v = (fh)->field;						\
	spin_unlock_irqrestore(&(fh)->lock, __flags);			\
	__v; })

static u64 fake_time(const struct axvm_hal_ops *hal)
{
	return FAKE_READ(axvm_to_fake_hal(hal), AXVM_FAKE_TIME, time_ns);
}

/* ---- timers: armed on the fake clock, fired by advance_time ------------- */

struct axvm_fake_timer {
	struct list_head node;
	struct axvm_timer *t;
	u64 deadline;
	bool armed;
};

static int fake_timer_init(const struct axvm_hal_ops *hal, struct axvm_timer *t)
{
	struct axvm_fake_hal *fh = axvm_to_fake_hal(hal);
	struct axvm_fake_timer *ft;
	unsigned long flags;

	if (fake_alloc_should_fail(fh, AXVM_FAKE_TIMER_INIT))
		return -ENOMEM;
	ft = kzalloc(sizeof(*ft), GFP_KERNEL);
	if (!ft)
		return -ENOMEM;
	ft->t = t;
	t->host = ft;
	spin_lock_irqsave(&fh->lock, flags);
	list_add_tail(&ft->node, &fh->timers);
	spin_unlock_irqrestore(&fh->lock, flags);
	return 0;
}

static void fake_timer_arm(const struct axvm_hal_ops *hal, struct axvm_timer *t,
			   u64 deadline_ns)
{
	struct axvm_fake_hal *fh = axvm_to_fake_hal(hal);
	struct axvm_fake_timer *ft = t->host;
	unsigned long flags;

	spin_lock_irqsave(&fh->lock, flags);
	fh->calls[AXVM_FAKE_TIMER_ARM]++;
	ft->deadline = deadline_ns;
	ft->armed = true;
	spin_unlock_irqrestore(&fh->lock, flags);
}

static void fake_timer_cancel(const struct axvm_hal_ops *hal,
			      struct axvm_timer *t)
{
	struct axvm_fake_hal *fh = axvm_to_fake_hal(hal);
	struct axvm_fake_timer *ft = t->host;
	unsigned long flags;

	spin_lock_irqsave(&fh->lock, flags);
	fh->calls[AXVM_FAKE_TIMER_CANCEL]++;
	ft->armed = false;
	spin_unlock_irqrestore(&fh->lock, flags);
}

static void fake_timer_destroy(const struct axvm_hal_ops *hal,
			       struct axvm_timer *t)
{
	struct axvm_fake_hal *fh = axvm_to_fake_hal(hal);
	struct axvm_fake_timer *ft = t->host;
	unsigned long flags;

	fake_count(fh, AXVM_FAKE_TIMER_DESTROY);
	if (!ft)
		return;
	spin_lock_irqsave(&fh->lock, flags);
	list_del(&ft->node);
	spin_unlock_irqrestore(&fh->lock, flags);
	kfree(ft);
	t->host = NULL;
}

/* The armed timer due first at or before @until, disarmed; or NULL. */
static struct axvm_timer *fake_timer_next(struct axvm_fake_hal *fh, u64 until)
{
	struct axvm_fake_timer *ft, *first = NULL;
	unsigned long flags;

	spin_lock_irqsave(&fh->lock, flags);
	list_for_each_entry(ft, &fh->timers, node)
		if (ft->armed && ft->deadline <= until &&
		    (!first || ft->deadline < first->deadline))
			first = ft;
	if (first) {
		first->armed = false;
		if (first->deadline > fh->time_ns)
			fh->time_ns = first->deadline;
	}
	spin_unlock_irqrestore(&fh->lock, flags);
	return first ? first->t : NULL;
}

unsigned int axvm_fake_hal_timers_armed(struct axvm_fake_hal *fh)
{
	struct axvm_fake_timer *ft;
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&fh->lock, flags);
	list_for_each_entry(ft, &fh->timers, node)
		n += ft->armed;
	spin_unlock_irqrestore(&fh->lock, flags);
	return n;
}

unsigned int axvm_fake_hal_timers_live(struct axvm_fake_hal *fh)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&fh->lock, flags);
	n = list_count_nodes(&fh->timers);
	spin_unlock_irqrestore(&fh->lock, flags);
	return n;
}

static unsigned long fake_current_vm_id(const struct axvm_hal_ops *hal)
{
	return FAKE_READ(axvm_to_fake_hal(hal), AXVM_FAKE_CURRENT_VM_ID,
			 cur_vm_id);
}

static unsigned long fake_current_vcpu_id(const struct axvm_hal_ops *hal)
{
	return FAKE_READ(axvm_to_fake_hal(hal), AXVM_FAKE_CURRENT_VCPU_ID,
			 cur_vcpu_id);
}

static unsigned long fake_current_pcpu_id(const struct axvm_hal_ops *hal)
{
	return FAKE_READ(axvm_to_fake_hal(hal), AXVM_FAKE_CURRENT_PCPU_ID,
			 cur_pcpu_id);
}

static int fake_vcpu_resides_on(const struct axvm_hal_ops *hal, u32 vm_id,
				u32 vcpu_id)
{
	struct axvm_fake_hal *fh = axvm_to_fake_hal(hal);
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&fh->lock, flags);
	fh->calls[AXVM_FAKE_VCPU_RESIDES_ON]++;
	if (fh->loaded_vcpu && fh->cur_vm_id == vm_id &&
	    fh->cur_vcpu_id == vcpu_id)
		ret = fh->cur_pcpu_id;
	else
		ret = fh->resides_on;
	spin_unlock_irqrestore(&fh->lock, flags);
	return ret;
}

static int fake_inject_irq(const struct axvm_hal_ops *hal, u32 vm_id,
			   u32 vcpu_id, u32 vector)
{
	struct axvm_fake_hal *fh = axvm_to_fake_hal(hal);
	struct axvm_vcpu *vcpu;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&fh->lock, flags);
	fh->calls[AXVM_FAKE_INJECT_IRQ]++;
	if (fh->nr_irqs < AXVM_FAKE_MAX_IRQS) {
		fh->irqs[fh->nr_irqs].vm_id = vm_id;
		fh->irqs[fh->nr_irqs].vcpu_id = vcpu_id;
		fh->irqs[fh->nr_irqs].vector = vector;
	}
	fh->nr_irqs++;
	ret = fh->inject_result;
	spin_unlock_irqrestore(&fh->lock, flags);
	if (ret)
		return ret;
	/* Recorded, then done as the Linux HAL does it: the core's vCPU. */
	rcu_read_lock();
	vcpu = axvm_vcpu_lookup_rcu(vm_id, vcpu_id);
	ret = vcpu ? axvm_vcpu_inject(vcpu, vector) : -ESRCH;
	rcu_read_unlock();
	return ret;
}

static void fake_vcpu_loaded(const struct axvm_hal_ops *hal,
			     struct axvm_vcpu *vcpu)
{
	struct axvm_fake_hal *fh = axvm_to_fake_hal(hal);
	unsigned long flags;

	spin_lock_irqsave(&fh->lock, flags);
	fh->calls[AXVM_FAKE_VCPU_LOADED]++;
	fh->loaded_vcpu = vcpu;
	fh->cur_vm_id = vcpu->vm ? vcpu->vm->id : AXVM_HAL_ID_NONE;
	fh->cur_vcpu_id = vcpu->id;
	spin_unlock_irqrestore(&fh->lock, flags);
}

static void fake_vcpu_put(const struct axvm_hal_ops *hal,
			  struct axvm_vcpu *vcpu)
{
	struct axvm_fake_hal *fh = axvm_to_fake_hal(hal);
	unsigned long flags;

	spin_lock_irqsave(&fh->lock, flags);
	fh->calls[AXVM_FAKE_VCPU_PUT]++;
	if (fh->loaded_vcpu == vcpu) {
		fh->loaded_vcpu = NULL;
		fh->cur_vm_id = AXVM_HAL_ID_NONE;
		fh->cur_vcpu_id = AXVM_HAL_ID_NONE;
	}
	spin_unlock_irqrestore(&fh->lock, flags);
}

static void fake_kick_cpu(const struct axvm_hal_ops *hal,
			  struct axvm_vcpu *vcpu, int cpu)
{
	struct axvm_fake_hal *fh = axvm_to_fake_hal(hal);
	unsigned long flags;

	spin_lock_irqsave(&fh->lock, flags);
	fh->calls[AXVM_FAKE_KICK_CPU]++;
	fh->last_kick_cpu = cpu;
	spin_unlock_irqrestore(&fh->lock, flags);
}

static const struct axvm_hal_ops axvm_fake_hal_ops = {
	.name			= "fake",
	.alloc_frame		= fake_alloc_frame,
	.alloc_frames		= fake_alloc_frames,
	.dealloc_frame		= fake_dealloc_frame,
	.dealloc_frames		= fake_dealloc_frames,
	.phys_to_virt		= fake_phys_to_virt,
	.alloc_memory_region_at	= fake_alloc_region_at,
	.dealloc_memory_region_at = fake_dealloc_region_at,
	.virt_to_phys		= fake_virt_to_phys,
	.current_time_nanos	= fake_time,
	.current_vm_id		= fake_current_vm_id,
	.current_vcpu_id	= fake_current_vcpu_id,
	.current_pcpu_id	= fake_current_pcpu_id,
	.vcpu_resides_on	= fake_vcpu_resides_on,
	.inject_irq_to_vcpu	= fake_inject_irq,
	.vcpu_loaded		= fake_vcpu_loaded,
	.vcpu_put		= fake_vcpu_put,
	.kick_cpu		= fake_kick_cpu,
	.timer_init		= fake_timer_init,
	.timer_arm		= fake_timer_arm,
	.timer_cancel		= fake_timer_cancel,
	.timer_destroy		= fake_timer_destroy,
};

static void fake_free_list(struct list_head *list)
{
	struct axvm_fake_claim *cl, *tmp;

	list_for_each_entry_safe(cl, tmp, list, node) {
		list_del(&cl->node);
		vfree(cl->backing);
		kfree(cl);
	}
}

/* Teardown: report leaks and misuse, then give everything back. */
static void fake_hal_free(struct kunit_resource *res)
{
	struct axvm_fake_hal *fh = res->data;
	struct axvm_fake_frames *rec;
	unsigned long pfn;

	if (fh->leak_check && (fh->frames_in_use || fh->claims_in_use))
		KUNIT_FAIL(fh->test,
			   "fake HAL: %lu frames and %lu ranges never given back",
			   fh->frames_in_use, fh->claims_in_use);
	if (fh->bad_calls)
		KUNIT_FAIL(fh->test, "fake HAL: %lu bad calls (see dmesg)",
			   fh->bad_calls);
	if (fh->leak_check && !list_empty(&fh->timers))
		KUNIT_FAIL(fh->test, "fake HAL: %zu timers never destroyed",
			   list_count_nodes(&fh->timers));
	while (!list_empty(&fh->timers)) {
		struct axvm_fake_timer *ft = list_first_entry(&fh->timers,
			struct axvm_fake_timer, node);

		/* ft->t may be gone already: KUnit frees in reverse order. */
		list_del(&ft->node);
		kfree(ft);
	}

	xa_for_each(&fh->frames, pfn, rec) {
		unsigned int i;

		/* Only the first pfn of an allocation frees it. */
		if (PHYS_PFN(rec->pa) != pfn)
			continue;
		for (i = 0; i < rec->num; i++)
			xa_erase(&fh->frames, pfn + i);
		__free_pages(rec->page, rec->order);
		kfree(rec);
	}
	xa_destroy(&fh->frames);
	fake_free_list(&fh->claims);
	fake_free_list(&fh->busy);
	free_page((unsigned long)fh->scratch);
	kfree(fh);
}

static int fake_hal_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

struct axvm_fake_hal *axvm_fake_hal_new(struct kunit *test)
{
	struct axvm_fake_hal *fh;

	fh = kzalloc(sizeof(*fh), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fh);
	fh->scratch = (void *)get_zeroed_page(GFP_KERNEL);
	if (!fh->scratch) {
		kfree(fh);
		KUNIT_ASSERT_FAILURE(test, "fake HAL: no memory");
	}
	fh->ops = axvm_fake_hal_ops;
	fh->test = test;
	spin_lock_init(&fh->lock);
	xa_init_flags(&fh->frames, XA_FLAGS_LOCK_IRQ);
	fh->fail_countdown = -1;
	fh->ram_base = AXVM_FAKE_RAM_BASE;
	fh->ram_size = AXVM_FAKE_RAM_SIZE;
	INIT_LIST_HEAD(&fh->claims);
	INIT_LIST_HEAD(&fh->busy);
	INIT_LIST_HEAD(&fh->timers);
	fh->cur_vm_id = AXVM_HAL_ID_NONE;
	fh->cur_vcpu_id = AXVM_HAL_ID_NONE;
	fh->resides_on = -ENOENT;
	fh->last_kick_cpu = -1;
	fh->leak_check = true;

	if (!kunit_alloc_resource(test, fake_hal_init, fake_hal_free,
				  GFP_KERNEL, fh)) {
		free_page((unsigned long)fh->scratch);
		kfree(fh);
		KUNIT_ASSERT_FAILURE(test, "fake HAL: no memory");
	}
	return fh;
}

unsigned long axvm_fake_hal_calls(struct axvm_fake_hal *fh,
				  enum axvm_fake_hal_call which)
{
	unsigned long flags, n = 0;

	spin_lock_irqsave(&fh->lock, flags);
	if (which < AXVM_FAKE_NR_CALLS)
		n = fh->calls[which];
	spin_unlock_irqrestore(&fh->lock, flags);
	return n;
}

void axvm_fake_hal_reset_calls(struct axvm_fake_hal *fh)
{
	unsigned long flags;

	spin_lock_irqsave(&fh->lock, flags);
	memset(fh->calls, 0, sizeof(fh->calls));
	spin_unlock_irqrestore(&fh->lock, flags);
}

#define FAKE_GET(fh, field) ({						\
	unsigned long __flags;						\
	typeof((fh)->field) __v;					\
	spin_lock_irqsave(&(fh)->lock, __flags);			\
	__v = (fh)->field;						\
	spin_unlock_irqrestore(&(fh)->lock, __flags);			\
	__v; })

#define FAKE_SET(fh, field, val) do {					\
	unsigned long __flags;						\
	spin_lock_irqsave(&(fh)->lock, __flags);			\
	(fh)->field = (val);						\
	spin_unlock_irqrestore(&(fh)->lock, __flags);			\
} while (0)

unsigned long axvm_fake_hal_frames_in_use(struct axvm_fake_hal *fh)
{
	return FAKE_GET(fh, frames_in_use);
}

unsigned long axvm_fake_hal_claims_in_use(struct axvm_fake_hal *fh)
{
	return FAKE_GET(fh, claims_in_use);
}

bool axvm_fake_hal_frame_live(struct axvm_fake_hal *fh, phys_addr_t pa)
{
	return xa_load(&fh->frames, PHYS_PFN(pa));
}

void axvm_fake_hal_fail_alloc_after(struct axvm_fake_hal *fh, long n)
{
	FAKE_SET(fh, fail_countdown, n < 0 ? -1 : n);
}

void axvm_fake_hal_fail_all_allocs(struct axvm_fake_hal *fh, bool fail)
{
	FAKE_SET(fh, fail_all, fail);
}

unsigned long axvm_fake_hal_alloc_failures(struct axvm_fake_hal *fh)
{
	return FAKE_GET(fh, alloc_failures);
}

unsigned long axvm_fake_hal_bad_calls(struct axvm_fake_hal *fh)
{
	return FAKE_GET(fh, bad_calls);
}

void axvm_fake_hal_set_ram(struct axvm_fake_hal *fh, u64 base, u64 size)
{
	unsigned long flags;

	spin_lock_irqsave(&fh->lock, flags);
	fh->ram_base = base;
	fh->ram_size = size;
	spin_unlock_irqrestore(&fh->lock, flags);
}

void axvm_fake_hal_add_busy(struct axvm_fake_hal *fh, u64 base, u64 size)
{
	struct axvm_fake_claim *cl;
	unsigned long flags;

	/* Freed with the fake, like the claims. */
	cl = kzalloc(sizeof(*cl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(fh->test, cl);
	cl->base = base;
	cl->size = size;
	spin_lock_irqsave(&fh->lock, flags);
	list_add(&cl->node, &fh->busy);
	spin_unlock_irqrestore(&fh->lock, flags);
}

void axvm_fake_hal_set_region_error(struct axvm_fake_hal *fh, int err)
{
	FAKE_SET(fh, region_error, err);
}

bool axvm_fake_hal_claimed(struct axvm_fake_hal *fh, u64 base, u64 size)
{
	struct axvm_fake_claim *cl;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&fh->lock, flags);
	list_for_each_entry(cl, &fh->claims, node)
		if (cl->base == base && cl->size == size)
			found = true;
	spin_unlock_irqrestore(&fh->lock, flags);
	return found;
}

void axvm_fake_hal_set_time(struct axvm_fake_hal *fh, u64 ns)
{
	FAKE_SET(fh, time_ns, ns);
}

void axvm_fake_hal_advance_time(struct axvm_fake_hal *fh, u64 ns)
{
	struct axvm_timer *t;
	unsigned long flags;
	u64 until;

	spin_lock_irqsave(&fh->lock, flags);
	until = fh->time_ns + ns;
	spin_unlock_irqrestore(&fh->lock, flags);
	/* A callback may re-arm its timer, even within the same advance. */
	while ((t = fake_timer_next(fh, until)))
		t->fn(t);
	FAKE_SET(fh, time_ns, until);
}

void axvm_fake_hal_set_current(struct axvm_fake_hal *fh, unsigned long vm_id,
			       unsigned long vcpu_id, unsigned long pcpu_id)
{
	unsigned long flags;

	spin_lock_irqsave(&fh->lock, flags);
	fh->cur_vm_id = vm_id;
	fh->cur_vcpu_id = vcpu_id;
	fh->cur_pcpu_id = pcpu_id;
	spin_unlock_irqrestore(&fh->lock, flags);
}

struct axvm_vcpu *axvm_fake_hal_loaded_vcpu(struct axvm_fake_hal *fh)
{
	return FAKE_GET(fh, loaded_vcpu);
}

void axvm_fake_hal_set_resides_on(struct axvm_fake_hal *fh, int ret)
{
	FAKE_SET(fh, resides_on, ret);
}

int axvm_fake_hal_last_kick_cpu(struct axvm_fake_hal *fh)
{
	return FAKE_GET(fh, last_kick_cpu);
}

void axvm_fake_hal_set_inject_result(struct axvm_fake_hal *fh, int ret)
{
	FAKE_SET(fh, inject_result, ret);
}

unsigned long axvm_fake_hal_nr_irqs(struct axvm_fake_hal *fh)
{
	return FAKE_GET(fh, nr_irqs);
}

bool axvm_fake_hal_irq(struct axvm_fake_hal *fh, unsigned long i,
		       struct axvm_fake_irq *irq)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&fh->lock, flags);
	ok = i < fh->nr_irqs && i < AXVM_FAKE_MAX_IRQS;
	if (ok)
		*irq = fh->irqs[i];
	spin_unlock_irqrestore(&fh->lock, flags);
	return ok;
}

void axvm_fake_hal_clear_irqs(struct axvm_fake_hal *fh)
{
	FAKE_SET(fh, nr_irqs, 0);
}

void axvm_fake_hal_set_leak_check(struct axvm_fake_hal *fh, bool on)
{
	FAKE_SET(fh, leak_check, on);
}
