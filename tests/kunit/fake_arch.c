// SPDX-License-Identifier: GPL-2.0
/*
 * The fake backend of tests/kunit/fake_arch.h, and the VM and thread
 * helpers the core suites share.
 *
 * The fake follows the run-loop contract of module/arch.h to the
 * letter where the core depends on it (vcpu->mode with the kick
 * protocol, axvm_vcpu_should_exit() with interrupts off, delivery of
 * the highest pending vector) and is trivially scripted elsewhere.
 */
#include <kunit/resource.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/ktime.h>
#include "npt.h"
#include "pgtable.h"
#include "fake_arch.h"

/* ---- the ops ----------------------------------------------------------- */

static int fake_vm_init(struct axvm *vm)
{
	struct axvm_fake_arch *fa = axvm_to_fake_arch(vm->arch);
	int err = READ_ONCE(fa->vm_init_err);

	if (err)
		return err;
	/* Something to lose, so kmemleak notices a missing vm_destroy. */
	vm->arch_data = kzalloc(64, GFP_KERNEL_ACCOUNT);
	if (!vm->arch_data)
		return -ENOMEM;
	atomic_inc(&fa->vms_live);
	return 0;
}

static void fake_vm_destroy(struct axvm *vm)
{
	kfree(vm->arch_data);
	vm->arch_data = NULL;
	atomic_dec(&axvm_to_fake_arch(vm->arch)->vms_live);
}

static bool fake_vcpu_create_should_fail(struct axvm_fake_arch *fa)
{
	unsigned long flags;
	bool fail = false;

	spin_lock_irqsave(&fa->lock, flags);
	if (fa->vcpu_create_fail_after == 0) {
		fail = true;
		fa->vcpu_create_fail_after = -1;
	} else if (fa->vcpu_create_fail_after > 0) {
		fa->vcpu_create_fail_after--;
	}
	spin_unlock_irqrestore(&fa->lock, flags);
	return fail;
}

static int fake_vcpu_create(struct axvm_vcpu *vcpu)
{
	struct axvm_fake_arch *fa = axvm_to_fake_arch(vcpu->vm->arch);
	struct axvm_fake_vcpu *fv;
	unsigned long flags;

	if (fake_vcpu_create_should_fail(fa))
		return -ENOMEM;
	fv = axvm_fake_vcpu(vcpu);
	spin_lock_init(&fv->lock);
	spin_lock_irqsave(&fa->lock, flags);
	fv->dry = fa->dry;
	fv->irq_allowed = fa->irq_allowed;
	spin_unlock_irqrestore(&fa->lock, flags);
	fv->spin_ms = 5000;
	fv->load_cpu = -1;
	fv->seen_vm_id = AXVM_HAL_ID_NONE;
	fv->seen_vcpu_id = AXVM_HAL_ID_NONE;
	fv->seen_pcpu_id = AXVM_HAL_ID_NONE;
	fv->seen_resides_on = -ENOENT;
	atomic_inc(&fa->vcpus_live);
	return 0;
}

static void fake_vcpu_free(struct axvm_vcpu *vcpu)
{
	atomic_dec(&axvm_to_fake_arch(vcpu->vm->arch)->vcpus_live);
}

static int fake_vcpu_reset(struct axvm_vcpu *vcpu, u64 entry, u32 mode)
{
	struct axvm_fake_arch *fa = axvm_to_fake_arch(vcpu->vm->arch);
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);
	int err = READ_ONCE(fa->vcpu_reset_err);
	unsigned long flags;

	if (err)
		return err;
	atomic_inc(&fv->resets);
	spin_lock_irqsave(&fv->lock, flags);
	memset(&fv->regs, 0, sizeof(fv->regs));
	memset(&fv->sregs, 0, sizeof(fv->sregs));
	fv->regs.rip = entry;
	fv->regs.rflags = 0x2;
	fv->reset_entry = entry;
	fv->reset_mode = mode;
	spin_unlock_irqrestore(&fv->lock, flags);
	return 0;
}

static void fake_vcpu_load(struct axvm_vcpu *vcpu, int cpu)
{
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);

	atomic_inc(&fv->loads);
	WRITE_ONCE(fv->load_cpu, cpu);
	WRITE_ONCE(fv->loaded, true);
}

static void fake_vcpu_put(struct axvm_vcpu *vcpu)
{
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);

	atomic_inc(&fv->puts);
	WRITE_ONCE(fv->loaded, false);
}

/*
 * Stay "in the guest" with host interrupts on, as VMRUN does, until the
 * kick IPI lands here (or the time runs out). Preemption is off.
 */
static void fake_spin_for_kick(struct axvm_vcpu *vcpu,
			       struct axvm_fake_vcpu *fv)
{
	int kicks = atomic_read(&vcpu->kicks_received);
	u64 end = ktime_get_ns() + (u64)fv->spin_ms * NSEC_PER_MSEC;
	bool timed_out = false;

	WRITE_ONCE(fv->spinning, true);
	local_irq_enable();
	while (atomic_read(&vcpu->kicks_received) == kicks) {
		if (ktime_get_ns() > end) {
			timed_out = true;
			break;
		}
		cpu_relax();
	}
	local_irq_disable();
	WRITE_ONCE(fv->spin_timed_out, timed_out);
	WRITE_ONCE(fv->spinning, false);
}

static int fake_vcpu_run(struct axvm_vcpu *vcpu)
{
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);
	const struct axvm_hal_ops *hal = vcpu->vm->hal;
	bool spin = false;
	int ret = 0, v;

	atomic_inc(&fv->runs);
	/* What the HAL tells about "current" from inside the loaded window. */
	fv->seen_vm_id = hal->current_vm_id(hal);
	fv->seen_vcpu_id = hal->current_vcpu_id(hal);
	fv->seen_pcpu_id = hal->current_pcpu_id(hal);
	fv->seen_resides_on = hal->vcpu_resides_on(hal, vcpu->vm->id,
						   vcpu->id);

	local_irq_disable();
	/* Pairs with the kicker's cmpxchg on vcpu->mode (module/vcpu.c). */
	smp_store_mb(vcpu->mode, AXVM_IN_GUEST_MODE);
	if (axvm_vcpu_should_exit(vcpu)) {
		spin_lock(&fv->lock);
		fv->skipped = true;
		spin_unlock(&fv->lock);
		goto out;
	}

	spin_lock(&fv->lock);
	fv->skipped = false;
	ret = fv->run_err;
	fv->run_err = 0;
	if (!ret) {
		atomic_inc(&fv->entries);
		v = axvm_vcpu_pending_irq(vcpu);
		if (v >= 0 && fv->irq_allowed)
			v = axvm_vcpu_ack_irq(vcpu, v);
		if (v >= 0 && fv->irq_allowed) {
			if (fv->nr_delivered < AXVM_FAKE_LOG_LEN)
				fv->delivered[fv->nr_delivered] = v;
			fv->nr_delivered++;
		}
		if (fv->len) {
			fv->last = fv->script[fv->head];
			fv->head = (fv->head + 1) % AXVM_FAKE_SCRIPT_LEN;
			fv->len--;
		} else {
			fv->last = fv->dry;
		}
		spin = fv->spin_for_kick;
		fv->spin_for_kick = false;
	}
	spin_unlock(&fv->lock);
	if (spin)
		fake_spin_for_kick(vcpu, fv);
out:
	WRITE_ONCE(vcpu->mode, AXVM_OUTSIDE_GUEST_MODE);
	local_irq_enable();
	return ret;
}

static int fake_handle_exit(struct axvm_vcpu *vcpu, struct axvm_vexit *exit)
{
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);
	unsigned long flags;
	int ret;

	might_sleep();
	atomic_inc(&fv->handles);
	spin_lock_irqsave(&fv->lock, flags);
	if (fv->skipped)
		*exit = AXVM_FAKE_EXIT(AXVM_VEXIT_NONE);
	else
		*exit = fv->last;
	ret = fv->handle_err;
	fv->handle_err = 0;
	spin_unlock_irqrestore(&fv->lock, flags);
	return ret;
}

#define FAKE_LOG(fv, arr, nr, val) do {					\
	unsigned long __flags;						\
	spin_lock_irqsave(&(fv)->lock, __flags);			\
	if ((fv)->nr < AXVM_FAKE_LOG_LEN)				\
		(fv)->arr[(fv)->nr] = (val);				\
	(fv)->nr++;							\
	spin_unlock_irqrestore(&(fv)->lock, __flags);			\
} while (0)

static void fake_complete_io_in(struct axvm_vcpu *vcpu, u32 value)
{
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);

	FAKE_LOG(fv, io_in, nr_io_in, value);
}

static void fake_complete_mmio_read(struct axvm_vcpu *vcpu, u64 value)
{
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);

	FAKE_LOG(fv, mmio_in, nr_mmio_in, value);
}

static void fake_set_hypercall_result(struct axvm_vcpu *vcpu, u64 value)
{
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);
	unsigned long flags;

	FAKE_LOG(fv, hc_ret, nr_hc, value);
	spin_lock_irqsave(&fv->lock, flags);
	fv->regs.rax = value;
	spin_unlock_irqrestore(&fv->lock, flags);
}

static int fake_get_regs(struct axvm_vcpu *vcpu, struct axvm_regs *regs)
{
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);
	unsigned long flags;

	spin_lock_irqsave(&fv->lock, flags);
	*regs = fv->regs;
	spin_unlock_irqrestore(&fv->lock, flags);
	return 0;
}

static int fake_set_regs(struct axvm_vcpu *vcpu, const struct axvm_regs *regs)
{
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);
	unsigned long flags;

	spin_lock_irqsave(&fv->lock, flags);
	fv->regs = *regs;
	spin_unlock_irqrestore(&fv->lock, flags);
	return 0;
}

static int fake_get_sregs(struct axvm_vcpu *vcpu, struct axvm_sregs *sregs)
{
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);
	unsigned long flags;

	spin_lock_irqsave(&fv->lock, flags);
	*sregs = fv->sregs;
	spin_unlock_irqrestore(&fv->lock, flags);
	return 0;
}

static int fake_set_sregs(struct axvm_vcpu *vcpu,
			  const struct axvm_sregs *sregs)
{
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);
	unsigned long flags;

	spin_lock_irqsave(&fv->lock, flags);
	fv->sregs = *sregs;
	spin_unlock_irqrestore(&fv->lock, flags);
	return 0;
}

static bool fake_interrupt_allowed(struct axvm_vcpu *vcpu)
{
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);

	return READ_ONCE(fv->irq_allowed);
}

/* The template each fake's ops are copied from. */
static const struct axvm_arch_ops fake_arch_ops = {
	.name			= "fake",
	.vm_init		= fake_vm_init,
	.vm_destroy		= fake_vm_destroy,
	.vcpu_create		= fake_vcpu_create,
	.vcpu_free		= fake_vcpu_free,
	.vcpu_reset		= fake_vcpu_reset,
	.vcpu_load		= fake_vcpu_load,
	.vcpu_put		= fake_vcpu_put,
	.vcpu_run		= fake_vcpu_run,
	.handle_exit		= fake_handle_exit,
	.complete_io_in		= fake_complete_io_in,
	.complete_mmio_read	= fake_complete_mmio_read,
	.set_hypercall_result	= fake_set_hypercall_result,
	.get_regs		= fake_get_regs,
	.set_regs		= fake_set_regs,
	.get_sregs		= fake_get_sregs,
	.set_sregs		= fake_set_sregs,
	.interrupt_allowed	= fake_interrupt_allowed,
	.pte_ops		= &axvm_x86_pte_ops,
	.vcpu_size		= sizeof(struct axvm_fake_vcpu),
};

bool axvm_fake_push(struct axvm_fake_vcpu *fv, struct axvm_vexit exit)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&fv->lock, flags);
	ok = fv->len < AXVM_FAKE_SCRIPT_LEN;
	if (ok) {
		fv->script[(fv->head + fv->len) % AXVM_FAKE_SCRIPT_LEN] = exit;
		fv->len++;
	}
	spin_unlock_irqrestore(&fv->lock, flags);
	return ok;
}

void axvm_fake_set_dry(struct axvm_fake_vcpu *fv, struct axvm_vexit exit)
{
	unsigned long flags;

	spin_lock_irqsave(&fv->lock, flags);
	fv->dry = exit;
	spin_unlock_irqrestore(&fv->lock, flags);
}

void axvm_fake_set_irq_allowed(struct axvm_fake_vcpu *fv, bool allowed)
{
	WRITE_ONCE(fv->irq_allowed, allowed);
}

unsigned int axvm_fake_script_left(struct axvm_fake_vcpu *fv)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&fv->lock, flags);
	n = fv->len;
	spin_unlock_irqrestore(&fv->lock, flags);
	return n;
}

/* ---- one fake per case ------------------------------------------------- */

static int fake_res_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

/*
 * Freed after every VM made with it (a VM needs the fake first, and
 * KUnit frees resources in reverse order): by then each vm_init and
 * vcpu_create must have been undone, or the core leaked a VM or vCPU.
 */
static void fake_arch_free(struct kunit_resource *res)
{
	struct axvm_fake_arch *fa = res->data;
	int vms = atomic_read(&fa->vms_live);
	int vcpus = atomic_read(&fa->vcpus_live);

	if (vms || vcpus)
		KUNIT_FAIL(fa->test,
			   "fake arch: %d VMs and %d vCPUs never torn down",
			   vms, vcpus);
	kfree(fa);
}

struct axvm_fake_arch *axvm_fake_arch_new(struct kunit *test)
{
	struct axvm_fake_arch *fa;

	fa = kzalloc(sizeof(*fa), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fa);
	fa->ops = fake_arch_ops;
	fa->test = test;
	spin_lock_init(&fa->lock);
	fa->vcpu_create_fail_after = -1;
	fa->dry = AXVM_FAKE_INTERNAL(AXVM_FAKE_DRY_SUBERROR);
	fa->irq_allowed = true;
	if (!kunit_alloc_resource(test, fake_res_init, fake_arch_free,
				  GFP_KERNEL, fa)) {
		kfree(fa);
		KUNIT_ASSERT_FAILURE(test, "fake arch: no memory");
	}
	return fa;
}

/* ---- VMs released when the case ends ---------------------------------- */

static void fake_vm_teardown(struct axvm *vm)
{
	u32 state = READ_ONCE(vm->state);

	if (state == AXVM_VM_RUNNING || state == AXVM_VM_SUSPENDED)
		axvm_vm_stop(vm);
	/* Drops the module's reference; -ENOENT when the test did it. */
	if (axvm_vm_managed(vm))
		axvm_vm_destroy(vm);
	axvm_vm_put(vm);
}

static void fake_vm_res_free(struct kunit_resource *res)
{
	fake_vm_teardown(res->data);
}

static bool fake_vm_res_match(struct kunit *test, struct kunit_resource *res,
			      void *data)
{
	return res->free == fake_vm_res_free && res->data == data;
}

void axvm_fake_vm_adopt(struct kunit *test, struct axvm *vm)
{
	if (!kunit_alloc_resource(test, fake_res_init, fake_vm_res_free,
				  GFP_KERNEL, vm)) {
		fake_vm_teardown(vm);
		KUNIT_ASSERT_FAILURE(test, "no memory for a VM resource");
	}
}

struct axvm *axvm_fake_vm_new(struct kunit *test, struct axvm_fake_arch *fa,
			      const struct axvm_hal_ops *hal, u32 flags,
			      u32 max_vcpus, const char *name)
{
	struct axvm_create_vm req = {
		.flags = flags,
		.max_vcpus = max_vcpus,
	};
	struct axvm *vm = NULL;
	int ret;

	if (name)
		strscpy(req.name, name, sizeof(req.name));
	ret = axvm_vm_create(&req, hal, &fa->ops, &vm);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "axvm_vm_create(%s)",
			    name ? name : "");
	axvm_fake_vm_adopt(test, vm);
	return vm;
}

void axvm_fake_vm_release(struct kunit *test, struct axvm *vm)
{
	KUNIT_EXPECT_EQ(test, kunit_destroy_resource(test, fake_vm_res_match,
						     vm), 0);
}

void axvm_fake_vm_finalize(struct kunit *test, struct axvm *vm)
{
	KUNIT_ASSERT_EQ(test, axvm_vm_finalize(vm), 0);
}

unsigned int axvm_fake_nr_vms(void)
{
	return axvm_vm_list(NULL, 0);
}

/* ---- threads joined when the case ends -------------------------------- */

static int fake_thread_fn(void *data)
{
	struct axvm_fake_thread *t = data;

	t->ret = t->fn(t->data);
	complete_all(&t->done);	/* every wait sees it, the join too */
	return 0;
}

static void fake_thread_res_free(struct kunit_resource *res)
{
	struct axvm_fake_thread *t = res->data;

	if (!wait_for_completion_timeout(&t->done, 10 * HZ)) {
		pr_err("axvm fake: a test thread is still running, unblocking it\n");
		if (t->unblock)
			t->unblock(t->data);
		wait_for_completion(&t->done);
	}
	kthread_stop(t->task);
	put_task_struct(t->task);
	kfree(t);
}

struct axvm_fake_thread *axvm_fake_thread_start(struct kunit *test,
						int (*fn)(void *data),
						void *data, int cpu)
{
	struct axvm_fake_thread *t;
	struct task_struct *task;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	init_completion(&t->done);
	t->fn = fn;
	t->data = data;
	task = kthread_create(fake_thread_fn, t, "axvm-kt/%d", cpu);
	if (IS_ERR(task)) {
		kfree(t);
		KUNIT_ASSERT_FAILURE(test, "kthread_create: %ld", PTR_ERR(task));
	}
	if (cpu >= 0)
		kthread_bind(task, cpu);
	get_task_struct(task);
	t->task = task;
	if (!kunit_alloc_resource(test, fake_res_init, fake_thread_res_free,
				  GFP_KERNEL, t)) {
		kthread_stop(task);	/* never woken: fn does not run */
		put_task_struct(task);
		kfree(t);
		KUNIT_ASSERT_FAILURE(test, "no memory for a thread resource");
	}
	wake_up_process(task);
	return t;
}

bool axvm_fake_thread_wait(struct axvm_fake_thread *t, unsigned int ms)
{
	return wait_for_completion_timeout(&t->done, msecs_to_jiffies(ms));
}

int axvm_fake_run(struct axvm_vcpu *vcpu)
{
	int ret;

	mutex_lock(&vcpu->mutex);
	ret = axvm_vcpu_run(vcpu);
	mutex_unlock(&vcpu->mutex);
	return ret;
}

static int fake_run_fn(void *data)
{
	return axvm_fake_run(data);
}

void axvm_fake_run_unblock(void *data)
{
	struct axvm_vcpu *vcpu = data;

	axvm_vm_stop(vcpu->vm);
}

struct axvm_fake_thread *axvm_fake_run_async(struct kunit *test,
					     struct axvm_vcpu *vcpu, int cpu)
{
	struct axvm_fake_thread *t;

	t = axvm_fake_thread_start(test, fake_run_fn, vcpu, cpu);
	/* Set before the join can need it; the thread never reads it. */
	t->unblock = axvm_fake_run_unblock;
	return t;
}
