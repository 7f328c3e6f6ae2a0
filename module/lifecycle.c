// SPDX-License-Identifier: GPL-2.0
/*
 * The VM lifecycle of DESIGN.md §2 (axvm's VMStatus, with a restart
 * that works): finalize, start, pause, resume, stop, restart, destroy.
 *
 * Lock order: vm->lock, then one vcpu->mutex at a time, then
 * vm->state_lock. A vCPU thread never takes vm->lock: it changes the
 * state (a guest stop) under vm->state_lock only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include "vm_internal.h"
#include "console.h"
#include "kunit_export.h"

/*
 * DESTROY took the module's reference: what is left is an object that
 * open fds still hold, which no lifecycle or configuration step may
 * bring back to life (a thread started now would outlive the VM).
 */
static bool vm_destroyed(struct axvm *vm)
{
	lockdep_assert_held(&vm->lock);
	return axvm_vm_managed(vm) && !vm->registry_ref;
}

/* vm->lock for a lifecycle or configuration step: -ENOENT once destroyed. */
int axvm_vm_lock_live(struct axvm *vm)
{
	mutex_lock(&vm->lock);
	if (!vm_destroyed(vm))
		return 0;
	mutex_unlock(&vm->lock);
	axvm_vm_warn(vm, "destroyed: only closing its fds is left\n");
	return -ENOENT;
}

/*
 * The errno for an operation the state @state refuses: -EBUSY when the
 * VM is running (stop it first), -EINVAL when it does not exist there.
 */
int axvm_vm_refusal(u32 state)
{
	return state == AXVM_VM_RUNNING ? -EBUSY : -EINVAL;
}

/*
 * Move from one of the states in @from (a bit mask of states) to @to.
 * -EBUSY when the VM is running (it is busy, the caller may stop it
 * first), -EINVAL when the transition does not exist.
 */
static int vm_transition(struct axvm *vm, unsigned int from, u32 to)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&vm->state_lock, flags);
	if (!(from & BIT(vm->state)))
		ret = axvm_vm_refusal(vm->state);
	else
		WRITE_ONCE(vm->state, to);
	spin_unlock_irqrestore(&vm->state_lock, flags);
	if (ret)
		axvm_vm_warn(vm, "cannot go from %s to %s\n",
			     axvm_vm_state_name(vm->state),
			     axvm_vm_state_name(to));
	return ret;
}

static void vm_kick_all(struct axvm *vm)
{
	u32 i;

	for (i = 0; i < vm->max_vcpus; i++) {
		struct axvm_vcpu *vcpu = READ_ONCE(vm->vcpus[i]);

		if (vcpu)
			axvm_vcpu_kick(vcpu);
	}
	wake_up_all(&vm->state_wq);
}

/*
 * A resident hypervisor reboots its guests: a managed VM the guest reset
 * is restarted, from a work item (the resetting vCPU thread cannot reap
 * itself, and takes no vm->lock). The work holds a VM reference.
 */
static bool vm_reboots(struct axvm *vm, u32 reason)
{
	return reason == AXVM_STOP_RESET && axvm_vm_managed(vm) &&
	       !(vm->flags & AXVM_VM_NO_REBOOT);
}

void axvm_vm_stop_from_guest(struct axvm *vm, u32 reason, s64 code)
{
	unsigned long flags;
	bool stopped = false;

	spin_lock_irqsave(&vm->state_lock, flags);
	if (vm->state == AXVM_VM_RUNNING || vm->state == AXVM_VM_SUSPENDED) {
		WRITE_ONCE(vm->state, AXVM_VM_STOPPED);
		vm->stop_reason = reason;
		vm->exit_code = code;
		stopped = true;
	}
	spin_unlock_irqrestore(&vm->state_lock, flags);
	if (!stopped)
		return;
	vm_kick_all(vm);
	if (vm_reboots(vm, reason)) {
		axvm_vm_get(vm);
		if (!queue_work(system_unbound_wq, &vm->reboot_work))
			axvm_vm_put(vm);
	}
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_stop_from_guest);

/* Reset every vCPU to the entry state, each under its own mutex. */
static int vm_reset_vcpus(struct axvm *vm)
{
	struct axvm_vcpu *vcpu;
	u32 i;
	int ret;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < vm->max_vcpus; i++) {
		vcpu = vm->vcpus[i];
		if (!vcpu)
			continue;
		mutex_lock(&vcpu->mutex);
		ret = axvm_vcpu_reset(vcpu);
		mutex_unlock(&vcpu->mutex);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Wait until no RUN or register ioctl is in progress on any vCPU. The
 * mutexes are taken one at a time: holding up to 64 at once would
 * exceed lockdep's held-lock limit. Callers have moved the VM out of
 * "running" first, so a RUN that starts afterwards returns at once.
 */
static void vm_wait_vcpus(struct axvm *vm)
{
	u32 i;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < vm->max_vcpus; i++) {
		if (!vm->vcpus[i])
			continue;
		mutex_lock(&vm->vcpus[i]->mutex);
		mutex_unlock(&vm->vcpus[i]->mutex);
	}
}

int axvm_vm_finalize(struct axvm *vm)
{
	u32 i;
	int ret;

	ret = axvm_vm_lock_loading(vm);
	if (ret)
		return ret;
	/* Every vCPU of max_vcpus exists from here on (axvm's init()). */
	for (i = 0; i < vm->max_vcpus; i++) {
		if (vm->vcpus[i])
			continue;
		ret = axvm_vm_create_vcpu_locked(vm, i, NULL);
		if (ret)
			goto out;
	}
	if (vm->platform)
		vm->platform->vm_reset(vm);
	ret = vm_reset_vcpus(vm);
	if (!ret)
		ret = vm_transition(vm, BIT(AXVM_VM_LOADING), AXVM_VM_LOADED);
out:
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_finalize);

static int vm_go_running(struct axvm *vm, unsigned int from)
{
	int ret;

	ret = vm_transition(vm, from, AXVM_VM_RUNNING);
	if (ret || !axvm_vm_managed(vm))
		return ret;
	ret = axvm_managed_start(vm);
	if (ret)
		axvm_vm_stop_from_guest(vm, AXVM_STOP_INTERNAL_ERROR, ret);
	return ret;
}

int axvm_vm_start(struct axvm *vm)
{
	int ret;

	ret = axvm_vm_lock_live(vm);
	if (ret)
		return ret;
	ret = vm_go_running(vm, BIT(AXVM_VM_LOADED));
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_start);

int axvm_vm_pause(struct axvm *vm)
{
	int ret;

	ret = axvm_vm_lock_live(vm);
	if (ret)
		return ret;
	ret = vm_transition(vm, BIT(AXVM_VM_RUNNING), AXVM_VM_SUSPENDED);
	if (ret == -EBUSY)	/* "busy" is not why pausing fails */
		ret = -EINVAL;
	if (!ret)
		vm_kick_all(vm);
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_pause);

int axvm_vm_resume(struct axvm *vm)
{
	int ret;

	ret = axvm_vm_lock_live(vm);
	if (ret)
		return ret;
	ret = vm_transition(vm, BIT(AXVM_VM_SUSPENDED), AXVM_VM_RUNNING);
	if (!ret)
		wake_up_all(&vm->state_wq);
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_resume);

/* Under vm->lock: running/suspended -> stopping -> stopped. */
static int vm_stop_locked(struct axvm *vm, u32 reason)
{
	unsigned long flags;
	int ret = 0;

	lockdep_assert_held(&vm->lock);
	spin_lock_irqsave(&vm->state_lock, flags);
	if (vm->state == AXVM_VM_RUNNING || vm->state == AXVM_VM_SUSPENDED) {
		WRITE_ONCE(vm->state, AXVM_VM_STOPPING);
		vm->stop_reason = reason;
		vm->exit_code = 0;
	} else if (vm->state != AXVM_VM_STOPPED) {
		ret = -EINVAL;
	}
	spin_unlock_irqrestore(&vm->state_lock, flags);
	if (ret) {
		axvm_vm_warn(vm, "cannot stop a VM that is %s\n",
			     axvm_vm_state_name(axvm_vm_state(vm)));
		return ret;
	}
	vm_kick_all(vm);
	/* Managed threads are reaped; RUN callers leave with EXIT_STOPPED. */
	axvm_managed_stop(vm);
	vm_wait_vcpus(vm);
	spin_lock_irqsave(&vm->state_lock, flags);
	WRITE_ONCE(vm->state, AXVM_VM_STOPPED);
	spin_unlock_irqrestore(&vm->state_lock, flags);
	return 0;
}

int axvm_vm_stop(struct axvm *vm)
{
	int ret;

	ret = axvm_vm_lock_live(vm);
	if (ret)
		return ret;
	if (axvm_vm_state(vm) == AXVM_VM_STOPPED) {
		/*
		 * Stopped already (e.g. by the guest): the request is met.
		 * Silent (docs/api.md): `axvmctl run` stops every VM it ran.
		 * Managed threads left by a guest stop are reaped now.
		 */
		axvm_managed_stop(vm);
		ret = 0;
	} else {
		ret = vm_stop_locked(vm, AXVM_STOP_REQUESTED);
	}
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_stop);

/* Under vm->lock, the VM stopped: reset everything and run again. */
static int vm_restart_locked(struct axvm *vm)
{
	unsigned long flags;
	int ret;

	lockdep_assert_held(&vm->lock);
	/* A guest-initiated stop leaves the managed threads to reap. */
	axvm_managed_stop(vm);
	/* Stopped: no vCPU is in the guest, RUN returns at once. */
	vm_wait_vcpus(vm);
	axvm_aspace_reset(&vm->aspace);
	ret = axvm_vm_reload_images(vm);
	axvm_devset_reset(&vm->devices);
	if (vm->platform)
		vm->platform->vm_reset(vm);
	if (!ret)
		ret = vm_reset_vcpus(vm);
	if (ret) {
		axvm_vm_err(vm, "restart failed: %d\n", ret);
		return ret;
	}
	spin_lock_irqsave(&vm->state_lock, flags);
	vm->stop_reason = AXVM_STOP_NONE;
	vm->exit_code = 0;
	spin_unlock_irqrestore(&vm->state_lock, flags);
	return vm_go_running(vm, BIT(AXVM_VM_STOPPED));
}

int axvm_vm_restart(struct axvm *vm)
{
	int ret;

	ret = axvm_vm_lock_live(vm);
	if (ret)
		return ret;
	if (axvm_vm_state(vm) != AXVM_VM_STOPPED) {
		ret = axvm_vm_refusal(axvm_vm_state(vm));
		axvm_vm_warn(vm, "restart needs a stopped VM (now %s)\n",
			     axvm_vm_state_name(axvm_vm_state(vm)));
	} else {
		ret = vm_restart_locked(vm);
	}
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_restart);

/*
 * The reboot a guest reset asked for (vm_reboots), unless the VM has
 * moved on meanwhile: restarted or stopped by someone else, destroyed.
 */
void axvm_vm_reboot_work(struct work_struct *work)
{
	struct axvm *vm = container_of(work, struct axvm, reboot_work);

	mutex_lock(&vm->lock);
	if (!vm_destroyed(vm) && axvm_vm_state(vm) == AXVM_VM_STOPPED &&
	    READ_ONCE(vm->stop_reason) == AXVM_STOP_RESET) {
		axvm_vm_notice(vm, "guest reset: rebooting\n");
		vm_restart_locked(vm);
	}
	mutex_unlock(&vm->lock);
	axvm_vm_put(vm);	/* may be the last: the work is then done with */
}

/*
 * DESTROY: drop the module's reference to a managed VM, which is then
 * unlisted once the last fd closes. Any state but running.
 */
int axvm_vm_destroy(struct axvm *vm)
{
	int ret;

	ret = axvm_vm_lock_live(vm);
	if (ret)
		return ret;
	if (!axvm_vm_managed(vm)) {
		ret = -EINVAL;
		axvm_vm_warn(vm, "a VMM-mode VM is destroyed by closing its fds\n");
	} else if (axvm_vm_state(vm) == AXVM_VM_RUNNING) {
		ret = -EBUSY;
		axvm_vm_warn(vm, "stop the VM before destroying it\n");
	} else if (axvm_vm_state(vm) == AXVM_VM_SUSPENDED) {
		ret = vm_stop_locked(vm, AXVM_STOP_REQUESTED);
	}
	if (!ret) {
		axvm_managed_stop(vm);
		/* From here on every step is refused (vm_destroyed). */
		vm->registry_ref = false;
	}
	mutex_unlock(&vm->lock);
	if (!ret) {
		axvm_console_hangup(vm->console);
		axvm_vm_put(vm);
	}
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_destroy);

/* Module unload: no fd is open (fops hold the module), so only managed
 * VMs remain, each held by its registry reference.
 */
void axvm_vm_destroy_all(void)
{
	struct axvm *vm;

	while ((vm = axvm_registry_get_any())) {
		mutex_lock(&vm->lock);
		if (axvm_vm_state(vm) == AXVM_VM_RUNNING ||
		    axvm_vm_state(vm) == AXVM_VM_SUSPENDED)
			vm_stop_locked(vm, AXVM_STOP_REQUESTED);
		axvm_managed_stop(vm);
		if (vm->registry_ref) {
			vm->registry_ref = false;
			mutex_unlock(&vm->lock);
			axvm_vm_put(vm);
		} else {
			mutex_unlock(&vm->lock);
		}
		/* A reboot queued before the stop: its reference, our text. */
		if (cancel_work_sync(&vm->reboot_work))
			axvm_vm_put(vm);
		axvm_vm_put(vm);
	}
}
