// SPDX-License-Identifier: GPL-2.0
/*
 * SVM on and off: EFER.SVME and MSR_VM_HSAVE_PA on every online CPU
 * while at least one VM exists (axvm_svm_get/put, KVM's
 * hardware_enable_all), and kept that way across CPU hotplug, suspend
 * and reboot.
 *
 * Like kvm_amd, we refuse a CPU whose EFER.SVME is already set: another
 * hypervisor (kvm_amd with a VM, VirtualBox) owns it, and two owners
 * would clobber each other's host save area. The check happens each time
 * we enable, not only at load.
 *
 * Crash and kexec need nothing from us: 6.1's
 * cpu_emergency_disable_virtualization() calls cpu_emergency_svm_disable()
 * itself (STGI, then EFER.SVME off) on every CPU. We do not take the
 * single cpu_emergency_register_virt_callback() slot: kvm_intel owns it
 * in 6.1 and newer kvm_amd would WARN on finding it taken.
 *
 * Lock order: axvm_svm_enable_lock (mutex) inside cpus_read_lock; the per-CPU
 * work runs with interrupts off (on_each_cpu) or from the hotplug and
 * syscore callbacks, which exclude each other.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mem_encrypt.h>
#include <linux/mutex.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/syscore_ops.h>
#include <asm/msr.h>
#include <asm/svm.h>
#include "svm.h"

DEFINE_PER_CPU(struct axvm_svm_cpu, axvm_svm_cpu);

u8 axvm_svm_rebooting;

static DEFINE_MUTEX(axvm_svm_enable_lock);
static unsigned int axvm_svm_users;		/* VMs; protected by axvm_svm_enable_lock */
static atomic_t axvm_svm_enable_failed;	/* CPUs that refused, this round */
static enum cpuhp_state axvm_svm_cpuhp_state;

/* STGI before clearing SVME: a crash between CLGI and STGI leaves GIF=0. */
static void axvm_svm_cpu_svme_off(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		asm volatile("stgi" ::: "memory");
		wrmsrl(MSR_EFER, efer & ~EFER_SVME);
	}
}

/*
 * Enable SVM here, on the current CPU. Preemption off. -EBUSY when another
 * hypervisor already set EFER.SVME here.
 */
int axvm_svm_hardware_enable(void)
{
	struct axvm_svm_cpu *sd = this_cpu_ptr(&axvm_svm_cpu);
	u64 efer;

	if (sd->enabled)
		return 0;
	if (!sd->hsave)
		return -ENOMEM;
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;		/* the callers say so, once */
	if (axvm_svm_has_tsc_aux)
		rdmsrl(MSR_TSC_AUX, sd->host_tsc_aux);
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, __sme_set(page_to_phys(sd->hsave)));
	axvm_svm_cpu_asid_reset(sd);
	sd->last_vmcb = NULL;
	sd->enabled = true;
	return 0;
}

/* Turn SVM off on this CPU if we turned it on. Preemption off. */
void axvm_svm_hardware_disable(void)
{
	struct axvm_svm_cpu *sd = this_cpu_ptr(&axvm_svm_cpu);

	if (!sd->enabled)
		return;
	axvm_svm_cpu_svme_off();
	sd->enabled = false;
}

static void axvm_svm_enable_ipi(void *unused)
{
	if (axvm_svm_hardware_enable())
		atomic_inc(&axvm_svm_enable_failed);
}

static void axvm_svm_disable_ipi(void *unused)
{
	axvm_svm_hardware_disable();
}

int axvm_svm_get(void)
{
	int ret = 0;

	cpus_read_lock();
	mutex_lock(&axvm_svm_enable_lock);
	if (READ_ONCE(axvm_svm_rebooting)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	if (axvm_svm_users++)
		goto out_unlock;
	atomic_set(&axvm_svm_enable_failed, 0);
	on_each_cpu(axvm_svm_enable_ipi, NULL, 1);
	if (atomic_read(&axvm_svm_enable_failed)) {
		pr_err_ratelimited("SVM is in use by another hypervisor on %d CPU(s) (kvm_amd running a VM?): no axvm VM until it stops\n",
				   atomic_read(&axvm_svm_enable_failed));
		on_each_cpu(axvm_svm_disable_ipi, NULL, 1);
		axvm_svm_users--;
		ret = -EBUSY;
	}
out_unlock:
	mutex_unlock(&axvm_svm_enable_lock);
	cpus_read_unlock();
	return ret;
}

void axvm_svm_put(void)
{
	cpus_read_lock();
	mutex_lock(&axvm_svm_enable_lock);
	if (!WARN_ON_ONCE(!axvm_svm_users) && !--axvm_svm_users)
		on_each_cpu(axvm_svm_disable_ipi, NULL, 1);
	mutex_unlock(&axvm_svm_enable_lock);
	cpus_read_unlock();
}

/*
 * CPU hotplug: a CPU that comes online while VMs exist gets SVM too; one
 * that goes away drops it. Refusing (-EBUSY) fails the online, as KVM
 * does, rather than leave a CPU a vCPU could be scheduled on without SVM.
 */
static int axvm_svm_cpu_online(unsigned int cpu)
{
	int ret = 0;

	mutex_lock(&axvm_svm_enable_lock);
	if (axvm_svm_users) {
		preempt_disable();
		ret = axvm_svm_hardware_enable();
		preempt_enable();
		if (ret)
			pr_err("CPU %u cannot come online for axvm: SVM is in use by another hypervisor\n",
			       cpu);
	}
	mutex_unlock(&axvm_svm_enable_lock);
	return ret;
}

static int axvm_svm_cpu_offline(unsigned int cpu)
{
	mutex_lock(&axvm_svm_enable_lock);
	preempt_disable();
	axvm_svm_hardware_disable();
	preempt_enable();
	mutex_unlock(&axvm_svm_enable_lock);
	return 0;
}

/*
 * Reboot: VMRUN on a CPU whose SVM is gone faults; vmenter.S's exception
 * table lets it through once axvm_svm_rebooting is set (KVM's
 * kvm_rebooting).
 */
static int axvm_svm_reboot(struct notifier_block *nb, unsigned long code, void *p)
{
	pr_info("disabling SVM for reboot\n");
	WRITE_ONCE(axvm_svm_rebooting, 1);
	on_each_cpu(axvm_svm_disable_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block axvm_svm_reboot_nb = {
	.notifier_call = axvm_svm_reboot,
	.priority = 0,
};

/*
 * Suspend runs on the last online CPU with interrupts off, the others
 * already offline (axvm_svm_cpu_offline turned them off); resume turns this
 * one back on if VMs exist. No lock: nothing else runs.
 */
static int axvm_svm_suspend(void)
{
	axvm_svm_hardware_disable();
	return 0;
}

static void axvm_svm_resume(void)
{
	if (axvm_svm_users)
		WARN_ON(axvm_svm_hardware_enable());
}

static struct syscore_ops axvm_svm_syscore_ops = {
	.suspend = axvm_svm_suspend,
	.resume = axvm_svm_resume,
};

static void axvm_svm_free_cpu_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct axvm_svm_cpu *sd = per_cpu_ptr(&axvm_svm_cpu, cpu);

		if (sd->hsave)
			__free_page(sd->hsave);
		if (sd->host_save)
			__free_page(sd->host_save);
		sd->hsave = NULL;
		sd->host_save = NULL;
		sd->host_save_pa = 0;
	}
}

int axvm_svm_enable_init(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		struct axvm_svm_cpu *sd = per_cpu_ptr(&axvm_svm_cpu, cpu);
		int node = cpu_to_node(cpu);

		sd->hsave = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, 0);
		sd->host_save = alloc_pages_node(node,
						 GFP_KERNEL | __GFP_ZERO, 0);
		if (!sd->hsave || !sd->host_save) {
			ret = -ENOMEM;
			goto err_free_pages;
		}
		sd->host_save_pa = __sme_set(page_to_phys(sd->host_save));
	}

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "axvm/svm:online",
					axvm_svm_cpu_online, axvm_svm_cpu_offline);
	if (ret < 0)
		goto err_free_pages;
	axvm_svm_cpuhp_state = ret;

	ret = register_reboot_notifier(&axvm_svm_reboot_nb);
	if (ret)
		goto err_remove_cpuhp;
	register_syscore_ops(&axvm_svm_syscore_ops);
	return 0;

err_remove_cpuhp:
	cpuhp_remove_state_nocalls(axvm_svm_cpuhp_state);
err_free_pages:
	axvm_svm_free_cpu_pages();
	return ret;
}

/* Module exit: every VM is gone, so SVM is already off everywhere. */
void axvm_svm_enable_exit(void)
{
	WARN_ON(axvm_svm_users);
	unregister_syscore_ops(&axvm_svm_syscore_ops);
	unregister_reboot_notifier(&axvm_svm_reboot_nb);
	cpuhp_remove_state_nocalls(axvm_svm_cpuhp_state);
	axvm_svm_free_cpu_pages();
}
