// SPDX-License-Identifier: GPL-2.0
/*
 * Managed mode (axvisor's way): START runs one kernel thread per vCPU,
 * pinned to the vCPU's pCPU set; every exit is handled in the kernel
 * (module/vcpu.c does the managed-mode answers). The threads live until
 * the VM is stopped, restarted, destroyed or the module unloads.
 *
 * Called with vm->lock held; a thread never takes vm->lock.
 *
 * Each thread holds a reference to its VM, taken before it is woken and
 * dropped by whoever reaps it (axvm_managed_stop): the VM, its vCPUs and
 * their VMCBs cannot be freed under a thread. The reaper always holds a
 * reference of its own (it holds vm->lock), so that put is never the
 * last. The module cannot unload under a thread either: unload reaps
 * every managed VM's threads (axvm_vm_destroy_all) first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/cpumask.h>
#include "vm.h"

static int axvm_vcpu_thread(void *data)
{
	struct axvm_vcpu *vcpu = data;
	struct mem_cgroup *old;
	int ret;

	/* A kthread has no memcg of its own: RAM it populates is the VM's. */
	old = axvm_vm_charge_begin(vcpu->vm);
	mutex_lock(&vcpu->mutex);
	ret = axvm_vcpu_run(vcpu);
	mutex_unlock(&vcpu->mutex);
	axvm_vm_charge_end(old);
	if (ret && ret != -EINTR)
		axvm_vm_stop_from_guest(vcpu->vm, AXVM_STOP_INTERNAL_ERROR, ret);

	/* Wait to be reaped: kthread_stop() must find us. */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

int axvm_managed_start(struct axvm *vm)
{
	struct task_struct *t;
	cpumask_var_t mask;
	u32 i;
	int ret = 0;

	lockdep_assert_held(&vm->lock);
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	for (i = 0; i < vm->max_vcpus; i++) {
		struct axvm_vcpu *vcpu = vm->vcpus[i];

		clear_bit(AXVM_REQ_STOP, &vcpu->requests);
		t = kthread_create(axvm_vcpu_thread, vcpu, "axvm-%u-vcpu%u",
				   vm->id, i);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			break;
		}
		if (vcpu->pcpu_mask) {
			cpumask_clear(mask);
			bitmap_from_arr64(cpumask_bits(mask), &vcpu->pcpu_mask,
					  min_t(unsigned int, 64, nr_cpu_ids));
			cpumask_and(mask, mask, cpu_online_mask);
			if (cpumask_empty(mask)) {
				axvm_vm_err(vm, "vcpu %u: no online CPU in its set %#llx\n",
					    i, vcpu->pcpu_mask);
				kthread_stop(t);
				ret = -EINVAL;
				break;
			}
			set_cpus_allowed_ptr(t, mask);
		}
		get_task_struct(t);
		axvm_vm_get(vm);
		vcpu->thread = t;
		wake_up_process(t);
	}
	free_cpumask_var(mask);
	if (ret)
		axvm_managed_stop(vm);
	return ret;
}

/* Stop and reap every thread; returns how many there were. */
static u32 managed_reap(struct axvm *vm)
{
	u32 i, n = 0;

	for (i = 0; i < vm->max_vcpus; i++) {
		struct axvm_vcpu *vcpu = vm->vcpus[i];

		if (!vcpu || !vcpu->thread)
			continue;
		set_bit(AXVM_REQ_STOP, &vcpu->requests);
		axvm_vcpu_kick(vcpu);
		wake_up_all(&vm->state_wq);
		kthread_stop(vcpu->thread);
		put_task_struct(vcpu->thread);
		vcpu->thread = NULL;
		n++;
	}
	return n;
}

void axvm_managed_stop(struct axvm *vm)
{
	u32 n;

	lockdep_assert_held(&vm->lock);
	n = managed_reap(vm);
	/* Each thread's reference; ours (see the top) keeps the VM. */
	while (n--)
		axvm_vm_put(vm);
}

/*
 * The last reference is gone: no thread can be left, each holds one. If
 * one is, reap it before the vCPUs are freed rather than free them
 * under it.
 */
void axvm_managed_reap_orphans(struct axvm *vm)
{
	WARN_ONCE(managed_reap(vm), "axvm: vm %u freed with vCPU threads\n",
		  vm->id);
}
