// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: creation, reset, the run loop, and the kick protocol.
 *
 * The kick protocol is KVM's: the run loop publishes vcpu->mode =
 * IN_GUEST_MODE (with a full barrier) before its last look at requests,
 * pending interrupts and the VM state, with interrupts off. Whoever
 * changes one of those afterwards moves mode to EXITING_GUEST_MODE and,
 * if it was IN_GUEST_MODE, sends an IPI to the vCPU's pCPU: the guest
 * exits (INTR intercept) and the loop sees the change. A vCPU blocked in
 * HLT is woken instead. Either way nothing is lost and nothing spins.
 *
 * vcpu->mutex serialises RUN and the register ioctls; the VM takes all
 * vCPU mutexes (in id order) to reset them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/rcuwait.h>
#include <linux/nospec.h>
#include "vm.h"
#include "trace.h"
#include "kunit_export.h"

/* The kick IPI only has to arrive; it notes where, for the tests. */
static void axvm_vcpu_kick_ipi(void *info)
{
	struct axvm_vcpu *vcpu = info;

	WRITE_ONCE(vcpu->last_kick_cpu, smp_processor_id());
	atomic_inc(&vcpu->kicks_received);
}

struct axvm_vcpu *axvm_vcpu_alloc(struct axvm *vm, u32 id)
{
	struct axvm_vcpu *vcpu;
	struct page *run;
	int ret;

	vcpu = kzalloc(vm->arch->vcpu_size, GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return ERR_PTR(-ENOMEM);
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->cpu = -1;
	/* pcpu_sets covers the first 8 vCPUs; the rest are not pinned. */
	vcpu->pcpu_mask = id < ARRAY_SIZE(vm->pcpu_sets) ? vm->pcpu_sets[id] : 0;
	vcpu->last_kick_cpu = -1;
	vcpu->state = AXVM_VCPU_CREATED;
	mutex_init(&vcpu->mutex);
	rcuwait_init(&vcpu->wait);
	INIT_CSD(&vcpu->kick_csd, axvm_vcpu_kick_ipi, vcpu);

	run = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!run) {
		ret = -ENOMEM;
		goto err_free_vcpu;
	}
	vcpu->run = page_address(run);
	ret = vm->arch->vcpu_create(vcpu);
	if (ret)
		goto err_free_run;
	if (vm->platform) {
		ret = vm->platform->vcpu_init(vcpu);
		if (ret)
			goto err_arch;
	}
	vcpu->state = AXVM_VCPU_FREE;
	return vcpu;

err_arch:
	vm->arch->vcpu_free(vcpu);
err_free_run:
	free_page((unsigned long)vcpu->run);
err_free_vcpu:
	kfree(vcpu);
	return ERR_PTR(ret);
}

void axvm_vcpu_free(struct axvm_vcpu *vcpu)
{
	if (vcpu->vm->platform)
		vcpu->vm->platform->vcpu_destroy(vcpu);
	vcpu->vm->arch->vcpu_free(vcpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

/*
 * The entry state of DESIGN.md §4: the BSP (vCPU 0) at the entry, with
 * the boot protocol's registers; an AP at the AP entry if the VM has
 * one, else at the entry too (a platform may then hold it for SIPI).
 * vcpu->mutex held or no RUN possible.
 */
int axvm_vcpu_reset(struct axvm_vcpu *vcpu)
{
	struct axvm *vm = vcpu->vm;
	bool ap_entry = vcpu->id && vm->ap_entry_set;
	struct axvm_regs regs;
	int ret;

	bitmap_zero(vcpu->pending, AXVM_NR_VECTORS);
	vcpu->requests = 0;
	vcpu->user_exit = AXVM_EXIT_NONE;
	memset(vcpu->run, 0, sizeof(*vcpu->run));
	ret = vm->arch->vcpu_reset(vcpu, ap_entry ? vm->ap_entry : vm->entry,
				   vm->entry_mode);
	if (ret)
		goto fail;
	if (vm->boot_regs_set && !ap_entry) {
		ret = vm->arch->get_regs(vcpu, &regs);
		if (ret)
			goto fail;
		regs.rax = vm->boot_rax;
		regs.rbx = vm->boot_rbx;
		regs.rsi = vm->boot_rsi;
		ret = vm->arch->set_regs(vcpu, &regs);
		if (ret)
			goto fail;
	}
	if (vm->platform) {
		ret = vm->platform->vcpu_reset(vcpu);
		if (ret)
			goto fail;
	}
	vcpu->state = AXVM_VCPU_READY;
	return 0;
fail:
	vcpu->state = AXVM_VCPU_INVALID;
	axvm_vm_err(vm, "vcpu %u: reset failed: %d\n", vcpu->id, ret);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vcpu_reset);

/* ---- interrupts and kicks ------------------------------------------------ */

int axvm_vcpu_pending_irq(struct axvm_vcpu *vcpu)
{
	int v;

	if (vcpu->vm->platform)
		return vcpu->vm->platform->pending_irq(vcpu);
	v = find_last_bit(vcpu->pending, AXVM_NR_VECTORS);

	return v < AXVM_NR_VECTORS ? v : -1;
}
AXVM_EXPORT_FOR_TESTS(axvm_vcpu_pending_irq);

int axvm_vcpu_ack_irq(struct axvm_vcpu *vcpu, int vector)
{
	if (vcpu->vm->platform)
		return vcpu->vm->platform->ack_irq(vcpu, vector);
	return test_and_clear_bit(vector, vcpu->pending) ? vector : -1;
}
AXVM_EXPORT_FOR_TESTS(axvm_vcpu_ack_irq);

void axvm_vcpu_kick(struct axvm_vcpu *vcpu)
{
	const struct axvm_hal_ops *hal = vcpu->vm->hal;
	int cpu, me;

	/* Blocked in HLT (or waiting to run): a wakeup is enough. */
	if (rcuwait_wake_up(&vcpu->wait))
		return;
	get_cpu();
	me = hal->current_pcpu_id(hal);
	/*
	 * kvm_vcpu_kick's order: claim the IN_GUEST -> EXITING transition
	 * first, then ask the HAL where the vCPU runs (vcpu_resides_on
	 * reads vcpu->cpu). The run loop sets vcpu->cpu before it publishes
	 * IN_GUEST_MODE (smp_store_mb), so a vCPU seen in guest mode has
	 * that CPU in vcpu->cpu; read earlier, the CPU could belong to a
	 * previous entry and the IPI hit the wrong one.
	 */
	if (cmpxchg(&vcpu->mode, AXVM_IN_GUEST_MODE,
		    AXVM_EXITING_GUEST_MODE) == AXVM_IN_GUEST_MODE) {
		cpu = hal->vcpu_resides_on(hal, vcpu->vm->id, vcpu->id);
		/* On our own CPU it is not in the guest: the mode is enough. */
		if (cpu >= 0 && cpu != me)
			hal->kick_cpu(hal, vcpu, cpu);
	}
	put_cpu();
}
AXVM_EXPORT_FOR_TESTS(axvm_vcpu_kick);

/*
 * Is @vcpu the one loaded on this CPU? Then whoever asks interrupted
 * its entry window (a timer or device callback in interrupt context),
 * with the guest either not entered yet, so the entry's own check sees
 * what was just made pending, or already left by the interrupt that
 * runs us: no kick is needed.
 */
static bool axvm_vcpu_is_current(struct axvm_vcpu *vcpu)
{
	const struct axvm_hal_ops *hal = vcpu->vm->hal;
	bool cur;

	preempt_disable();
	cur = hal->current_vm_id(hal) == vcpu->vm->id &&
	      hal->current_vcpu_id(hal) == vcpu->id;
	preempt_enable();
	return cur;
}

int axvm_vcpu_inject(struct axvm_vcpu *vcpu, u32 vector)
{
	/* A platform VM's interrupts go through its interrupt controllers. */
	if (vector < 16 || vector >= AXVM_NR_VECTORS || vcpu->vm->platform)
		return -EINVAL;
	set_bit(vector, vcpu->pending);
	atomic64_inc(&vcpu->vm->stats.injected_irqs);
	if (!axvm_vcpu_is_current(vcpu))
		axvm_vcpu_kick(vcpu);
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_vcpu_inject);

int axvm_irq_line(struct axvm *vm, const struct axvm_irq *irq)
{
	struct axvm_vcpu *vcpu;

	if (irq->flags || irq->pad || vm->platform)
		return -EINVAL;
	if (irq->irq >= AXVM_NR_VECTORS - AXVM_IRQ_VECTOR_BASE)
		return -EINVAL;
	if (irq->vcpu >= vm->max_vcpus)
		return -EINVAL;
	/* Pairs with the smp_store_release publishing a new vCPU. */
	vcpu = smp_load_acquire(&vm->vcpus[array_index_nospec(irq->vcpu,
							      vm->max_vcpus)]);
	if (!vcpu)
		return -ENOENT;
	/* The seed's path: the host finds the vCPU's pCPU and acts there. */
	return vm->hal->inject_irq_to_vcpu(vm->hal, vm->id, vcpu->id,
					   AXVM_IRQ_VECTOR_BASE + irq->irq);
}
AXVM_EXPORT_FOR_TESTS(axvm_irq_line);

/*
 * Called by the arch with interrupts off, after mode = IN_GUEST_MODE:
 * must this entry be skipped so the loop can look again?
 */
bool axvm_vcpu_should_exit(struct axvm_vcpu *vcpu)
{
	return READ_ONCE(vcpu->mode) == AXVM_EXITING_GUEST_MODE ||
	       test_bit(AXVM_REQ_STOP, &vcpu->requests) ||
	       READ_ONCE(vcpu->vm->state) != AXVM_VM_RUNNING ||
	       need_resched() || signal_pending(current);
}
AXVM_EXPORT_FOR_TESTS(axvm_vcpu_should_exit);

/* ---- the run loop -------------------------------------------------------- */

static bool vcpu_interrupted(struct axvm_vcpu *vcpu)
{
	return signal_pending(current) ||
	       test_bit(AXVM_REQ_STOP, &vcpu->requests);
}

/* May a blocked vCPU go on: is there something it can take now? */
static bool vcpu_wakeup(struct axvm_vcpu *vcpu)
{
	struct axvm *vm = vcpu->vm;

	if (vm->platform)
		return vm->platform->vcpu_wakeup(vcpu);
	return axvm_vcpu_pending_irq(vcpu) >= 0 &&
	       vm->arch->interrupt_allowed(vcpu);
}

/*
 * HLT (or a platform's not-runnable state, e.g. waiting for SIPI): sleep
 * until the vCPU has something to do, a stop or a signal.
 */
static void vcpu_block(struct axvm_vcpu *vcpu)
{
	struct axvm *vm = vcpu->vm;

	vcpu->state = AXVM_VCPU_BLOCKED;
	rcuwait_wait_event(&vcpu->wait, vcpu_wakeup(vcpu) ||
			   READ_ONCE(vm->state) != AXVM_VM_RUNNING ||
			   vcpu_interrupted(vcpu),
			   TASK_INTERRUPTIBLE);
	vcpu->state = AXVM_VCPU_RUNNING;
}

/* The answer to an exit userspace handled, before entering again. */
static void vcpu_complete_user_exit(struct axvm_vcpu *vcpu)
{
	const struct axvm_arch_ops *arch = vcpu->vm->arch;
	struct axvm_run *run = vcpu->run;

	switch (vcpu->user_exit) {
	case AXVM_EXIT_IO:
		if (run->io.direction == AXVM_IO_IN)
			arch->complete_io_in(vcpu, (u32)run->io.data);
		break;
	case AXVM_EXIT_MMIO:
		if (!run->mmio.is_write)
			arch->complete_mmio_read(vcpu, run->mmio.data);
		break;
	case AXVM_EXIT_HYPERCALL:
		arch->set_hypercall_result(vcpu, run->hypercall.ret);
		break;
	}
	vcpu->user_exit = AXVM_EXIT_NONE;
}

/* The run structure for a VM that is no longer running. */
static void vcpu_fill_stopped(struct axvm_vcpu *vcpu)
{
	struct axvm *vm = vcpu->vm;
	struct axvm_run *run = vcpu->run;
	unsigned long flags;

	spin_lock_irqsave(&vm->state_lock, flags);
	switch (vm->stop_reason) {
	case AXVM_STOP_DEBUG_EXIT:
	case AXVM_STOP_POWEROFF:
		run->exit_reason = AXVM_EXIT_SYSTEM_DOWN;
		run->system_down.code = vm->exit_code;
		break;
	case AXVM_STOP_SHUTDOWN:
		run->exit_reason = AXVM_EXIT_SHUTDOWN;
		break;
	case AXVM_STOP_RESET:
		run->exit_reason = AXVM_EXIT_RESET;
		break;
	default:
		run->exit_reason = AXVM_EXIT_STOPPED;
		break;
	}
	spin_unlock_irqrestore(&vm->state_lock, flags);
}

/* One access to port or MMIO space, as the core emulates it. */
struct vcpu_access {
	u32 space;		/* AXVM_SPACE_* */
	u64 addr;
	u8 width;		/* 1, 2, 4 (8 for MMIO) */
	bool write;
	u64 data;		/* a write's value */
};

/* Hand a read's value to the guest. */
static void vcpu_complete_read(struct axvm_vcpu *vcpu, u32 space, u64 val)
{
	const struct axvm_arch_ops *arch = vcpu->vm->arch;

	if (space == AXVM_SPACE_PIO)
		arch->complete_io_in(vcpu, (u32)val);
	else
		arch->complete_mmio_read(vcpu, val);
}

/*
 * What a mode does with what no in-kernel device or handler answered.
 * Each returns 0 (enter again) or 1 (return to userspace, vcpu->run
 * filled).
 */
struct vcpu_exit_policy {
	/* An access no device claimed (counted as unhandled already). */
	int (*unclaimed)(struct axvm_vcpu *vcpu, const struct vcpu_access *a);
	int (*hypercall)(struct axvm_vcpu *vcpu, const struct axvm_vexit *exit);
	/* A fault outside RAM the arch could not turn into an access. */
	int (*npf)(struct axvm_vcpu *vcpu, const struct axvm_vexit *exit);
};

/* VMM mode (KVM's way): userspace answers, through the run structure. */
static int vmm_unclaimed(struct axvm_vcpu *vcpu, const struct vcpu_access *a)
{
	struct axvm_run *run = vcpu->run;

	if (a->space == AXVM_SPACE_PIO) {
		run->exit_reason = AXVM_EXIT_IO;
		run->io.direction = a->write ? AXVM_IO_OUT : AXVM_IO_IN;
		run->io.size = a->width;
		run->io.port = a->addr;
		run->io.count = 1;
		run->io.data = a->data;
	} else {
		run->exit_reason = AXVM_EXIT_MMIO;
		run->mmio.gpa = a->addr;
		run->mmio.len = a->width;
		run->mmio.is_write = a->write;
		run->mmio.data = a->data;
	}
	vcpu->user_exit = run->exit_reason;
	return 1;
}

static int vmm_hypercall(struct axvm_vcpu *vcpu, const struct axvm_vexit *exit)
{
	struct axvm_run *run = vcpu->run;

	run->exit_reason = AXVM_EXIT_HYPERCALL;
	run->hypercall.nr = exit->hypercall.nr;
	memcpy(run->hypercall.args, exit->hypercall.args,
	       sizeof(run->hypercall.args));
	run->hypercall.ret = 0;
	vcpu->user_exit = AXVM_EXIT_HYPERCALL;
	return 1;
}

static int vmm_npf(struct axvm_vcpu *vcpu, const struct axvm_vexit *exit)
{
	vcpu->run->exit_reason = AXVM_EXIT_NPF;
	vcpu->run->npf.gpa = exit->npf.gpa;
	vcpu->run->npf.access = exit->npf.access;
	return 1;
}

static const struct vcpu_exit_policy vmm_policy = {
	.unclaimed	= vmm_unclaimed,
	.hypercall	= vmm_hypercall,
	.npf		= vmm_npf,
};

/* DESIGN.md §4: an unknown hypercall returns -38 in RAX (managed mode). */
#define AXVM_HYPERCALL_UNKNOWN	((u64)-38)

static u64 width_ones(unsigned int width)
{
	return width >= 8 ? ~0ULL : (1ULL << (width * 8)) - 1;
}

/* Managed mode (axvisor's way): the kernel answers as an empty bus. */
static int managed_unclaimed(struct axvm_vcpu *vcpu,
			     const struct vcpu_access *a)
{
	/* DESIGN.md §3: all ones for a read, a write dropped. */
	if (!a->write)
		vcpu_complete_read(vcpu, a->space, width_ones(a->width));
	return 0;
}

static int managed_hypercall(struct axvm_vcpu *vcpu,
			     const struct axvm_vexit *exit)
{
	vcpu->vm->arch->set_hypercall_result(vcpu, AXVM_HYPERCALL_UNKNOWN);
	return 0;
}

static int vcpu_internal_error(struct axvm_vcpu *vcpu,
			       const struct axvm_vexit *exit, u32 suberror);

static int managed_npf(struct axvm_vcpu *vcpu, const struct axvm_vexit *exit)
{
	/* Nobody to ask: the guest did something we cannot emulate. */
	return vcpu_internal_error(vcpu, exit, AXVM_INTERNAL_ERROR_DECODE);
}

static const struct vcpu_exit_policy managed_policy = {
	.unclaimed	= managed_unclaimed,
	.hypercall	= managed_hypercall,
	.npf		= managed_npf,
};

static const struct vcpu_exit_policy *vcpu_policy(struct axvm_vcpu *vcpu)
{
	return axvm_vm_managed(vcpu->vm) ? &managed_policy : &vmm_policy;
}

/* Port I/O and MMIO alike: a device, else the mode's policy. */
static int vcpu_access(struct axvm_vcpu *vcpu, const struct vcpu_access *a)
{
	struct axvm *vm = vcpu->vm;
	bool pio = a->space == AXVM_SPACE_PIO;
	u64 val;

	atomic64_inc(pio ? &vm->stats.io_exits : &vm->stats.mmio_exits);
	if (pio)
		trace_axvm_pio(vm->id, vcpu->id, a->write, a->addr, a->width,
			       a->data);
	else
		trace_axvm_mmio(vm->id, vcpu->id, a->write, a->addr, a->width,
				a->data);
	if (vm->platform) {
		val = a->data;
		if (vm->platform->access(vcpu, a->space, a->addr, a->width,
					 a->write, &val)) {
			if (!a->write)
				vcpu_complete_read(vcpu, a->space,
						   val & width_ones(a->width));
			return 0;
		}
	}
	if (a->write) {
		if (axvm_devset_write(&vm->devices, a->space, a->addr,
				      a->width, a->data))
			return 0;
	} else if (axvm_devset_read(&vm->devices, a->space, a->addr, a->width,
				    &val)) {
		vcpu_complete_read(vcpu, a->space, val);
		return 0;
	}
	atomic64_inc(pio ? &vm->stats.unhandled_io : &vm->stats.unhandled_mmio);
	return vcpu_policy(vcpu)->unclaimed(vcpu, a);
}

/* The VM cannot go on: stop it and tell the caller why. */
static int vcpu_internal_error(struct axvm_vcpu *vcpu,
			       const struct axvm_vexit *exit, u32 suberror)
{
	struct axvm_run *run = vcpu->run;

	axvm_vm_err(vcpu->vm, "vcpu %u: internal error %u\n", vcpu->id,
		    suberror);
	axvm_vm_stop_from_guest(vcpu->vm, AXVM_STOP_INTERNAL_ERROR, suberror);
	run->exit_reason = AXVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	memcpy(run->internal.data, exit->internal.data,
	       sizeof(run->internal.data));
	return 1;
}

/*
 * Act on an exit the arch reported. 0: enter again; 1: return to
 * userspace (vcpu->run filled); < 0: error.
 */
static int vcpu_handle_exit(struct axvm_vcpu *vcpu, struct axvm_vexit *exit)
{
	struct axvm *vm = vcpu->vm;
	struct axvm_run *run = vcpu->run;
	struct vcpu_access a;

	switch (exit->kind) {
	case AXVM_VEXIT_NONE:
		return 0;
	case AXVM_VEXIT_IO:
		a = (struct vcpu_access){
			.space = AXVM_SPACE_PIO, .addr = exit->io.port,
			.width = exit->io.size, .write = !exit->io.in,
			.data = exit->io.in ? 0 : exit->io.data,
		};
		return vcpu_access(vcpu, &a);
	case AXVM_VEXIT_MMIO:
		a = (struct vcpu_access){
			.space = AXVM_SPACE_MMIO, .addr = exit->mmio.gpa,
			.width = exit->mmio.len, .write = exit->mmio.write,
			.data = exit->mmio.write ? exit->mmio.data : 0,
		};
		return vcpu_access(vcpu, &a);
	case AXVM_VEXIT_HALT:
		atomic64_inc(&vm->stats.halts);
		vcpu_block(vcpu);
		return 0;
	case AXVM_VEXIT_HYPERCALL:
		atomic64_inc(&vm->stats.hypercalls);
		return vcpu_policy(vcpu)->hypercall(vcpu, exit);
	case AXVM_VEXIT_SHUTDOWN:
		axvm_vm_stop_from_guest(vm, AXVM_STOP_SHUTDOWN, 0);
		run->exit_reason = AXVM_EXIT_SHUTDOWN;
		return 1;
	case AXVM_VEXIT_FAIL_ENTRY:
		vcpu->state = AXVM_VCPU_INVALID;
		axvm_vm_err(vm, "vcpu %u: entry failed, reason %#llx\n",
			    vcpu->id, exit->hw_reason);
		axvm_vm_stop_from_guest(vm, AXVM_STOP_FAIL_ENTRY,
					exit->hw_reason);
		run->exit_reason = AXVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_reason = exit->hw_reason;
		return 1;
	case AXVM_VEXIT_NPF:
		atomic64_inc(&vm->stats.unhandled_mmio);
		return vcpu_policy(vcpu)->npf(vcpu, exit);
	case AXVM_VEXIT_INTERNAL:
	default:
		return vcpu_internal_error(vcpu, exit, exit->internal.suberror);
	}
}

/* One trip into the guest, preemption off around it. */
static int vcpu_enter(struct axvm_vcpu *vcpu)
{
	struct axvm *vm = vcpu->vm;
	int cpu, ret;

	preempt_disable();
	cpu = smp_processor_id();
	WRITE_ONCE(vcpu->cpu, cpu);
	vm->arch->vcpu_load(vcpu, cpu);
	vm->hal->vcpu_loaded(vm->hal, vcpu);
	ret = vm->arch->vcpu_run(vcpu);
	vm->hal->vcpu_put(vm->hal, vcpu);
	vm->arch->vcpu_put(vcpu);
	preempt_enable();
	return ret;
}

/*
 * RUN: enter the guest until an exit needs userspace (VMM mode) or the
 * VM stops. Called with vcpu->mutex held. Returns 0 with vcpu->run
 * describing the exit, -EINTR for a signal (exit_reason INTR), or an
 * errno for a host failure.
 */
int axvm_vcpu_run(struct axvm_vcpu *vcpu)
{
	struct axvm *vm = vcpu->vm;
	struct axvm_run *run = vcpu->run;
	struct axvm_vexit exit;
	u32 state;
	int ret;

	lockdep_assert_held(&vcpu->mutex);
	if (vcpu->state == AXVM_VCPU_INVALID)
		return -EBADFD;
	if (vcpu->state != AXVM_VCPU_READY)
		return -EINVAL;
	state = READ_ONCE(vm->state);
	if (state == AXVM_VM_LOADING || state == AXVM_VM_LOADED) {
		axvm_vm_warn(vm, "vcpu %u: RUN before START\n", vcpu->id);
		return -EINVAL;
	}

	vcpu_complete_user_exit(vcpu);
	run->exit_reason = AXVM_EXIT_NONE;
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = AXVM_EXIT_INTR;
		return -EINTR;
	}

	vcpu->state = AXVM_VCPU_RUNNING;
	for (;;) {
		state = READ_ONCE(vm->state);
		if (state == AXVM_VM_SUSPENDED) {
			/* Paused: sleep until resumed, stopped or signalled. */
			ret = wait_event_interruptible(vm->state_wq,
				READ_ONCE(vm->state) != AXVM_VM_SUSPENDED ||
				test_bit(AXVM_REQ_STOP, &vcpu->requests));
			if (ret || test_bit(AXVM_REQ_STOP, &vcpu->requests))
				goto interrupted;
			continue;
		}
		if (state != AXVM_VM_RUNNING) {
			vcpu_fill_stopped(vcpu);
			ret = 0;
			break;
		}
		if (vcpu_interrupted(vcpu))
			goto interrupted;
		cond_resched();
		if (vm->platform) {
			enum axvm_vcpu_next next;

			ret = vm->platform->vcpu_events(vcpu, &next);
			if (ret)
				break;
			if (next == AXVM_VCPU_NEXT_WAIT) {
				vcpu_block(vcpu);
				continue;
			}
		}

		ret = vcpu_enter(vcpu);
		if (ret)
			break;
		memset(&exit, 0, sizeof(exit));
		ret = vm->arch->handle_exit(vcpu, &exit);
		if (ret)
			break;
		atomic64_inc(&vm->stats.exits);
		ret = vcpu_handle_exit(vcpu, &exit);
		if (ret) {
			ret = ret > 0 ? 0 : ret;
			break;
		}
	}
	goto out;

interrupted:
	run->exit_reason = AXVM_EXIT_INTR;
	ret = -EINTR;
out:
	WRITE_ONCE(vcpu->cpu, -1);
	if (vcpu->state != AXVM_VCPU_INVALID)
		vcpu->state = AXVM_VCPU_READY;
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vcpu_run);
