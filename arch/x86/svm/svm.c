// SPDX-License-Identifier: GPL-2.0
/*
 * The AMD SVM backend: probe, module-level setup, vCPU objects and the
 * struct axvm_arch_ops table the core runs it through.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mem_encrypt.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/svm.h>
#include "pgtable.h"
#include "npt.h"
#include "svm.h"

u64 axvm_svm_host_xcr0;
bool axvm_svm_has_nrips;
bool axvm_svm_has_tsc_aux;
bool axvm_svm_has_pks;
static bool axvm_svm_initialized;

static int axvm_svm_probe(void)
{
	u64 vm_cr;

	if (!boot_cpu_has(X86_FEATURE_SVM)) {
		pr_err("no AMD SVM on this CPU: the SVM backend cannot run\n");
		return -ENODEV;
	}
	if (!boot_cpu_has(X86_FEATURE_NPT)) {
		pr_err("AMD SVM without nested paging (NPT) is not supported\n");
		return -ENODEV;
	}
	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & SVM_VM_CR_SVM_DIS_MASK) {
		pr_err("AMD SVM is disabled by the firmware (VM_CR.SVMDIS): enable it in the BIOS setup\n");
		return -ENODEV;
	}
	return 0;
}

int axvm_svm_init(void)
{
	int ret;

	if (axvm_svm_initialized)
		return 0;
	ret = axvm_svm_probe();
	if (ret)
		return ret;
	/* SME hosts: NPT entries need the C-bit (module/pgtable.c). */
	axvm_npt_me_mask = sme_me_mask;
	axvm_svm_host_xcr0 = boot_cpu_has(X86_FEATURE_OSXSAVE) ?
			     xgetbv(XCR_XFEATURE_ENABLED_MASK) : 0;
	axvm_svm_has_nrips = boot_cpu_has(X86_FEATURE_NRIPS);
	axvm_svm_has_tsc_aux = boot_cpu_has(X86_FEATURE_RDTSCP) ||
			       boot_cpu_has(X86_FEATURE_RDPID);
	/* Intel's supervisor keys; QEMU's -cpu max offers them with SVM. */
	axvm_svm_has_pks = cpuid_ecx(7) & BIT(31);

	ret = axvm_svm_vmcb_global_init();
	if (ret)
		return ret;
	ret = axvm_svm_enable_init();
	if (ret)
		goto err_vmcb;
	axvm_svm_initialized = true;
	pr_info("AMD SVM backend: %u ASIDs, %d-level NPT, next-RIP save %s, host XCR0 %#llx\n",
		cpuid_ebx(SVM_CPUID_FUNC), pgtable_l5_enabled() ? 5 : 4,
		axvm_svm_has_nrips ? "on" : "off", axvm_svm_host_xcr0);
	return 0;

err_vmcb:
	axvm_svm_vmcb_global_exit();
	return ret;
}

void axvm_svm_exit(void)
{
	if (!axvm_svm_initialized)
		return;
	axvm_svm_enable_exit();
	axvm_svm_vmcb_global_exit();
	axvm_svm_initialized = false;
}

/*
 * The nested walk uses the host's paging mode at VMRUN: on a host with
 * 5-level paging (LA57) the NPT has 5 levels too. Guest-physical space
 * ends at AXVM_GPA_LIMIT (2^47), so one PML5 page whose entry 0 points
 * at the 4-level table the core built is all it takes.
 */
static int axvm_svm_vm_init(struct axvm *vm)
{
	struct axvm_svm_vm *axvm_svm_vm;
	int ret;

	axvm_svm_vm = kzalloc(sizeof(*axvm_svm_vm), GFP_KERNEL_ACCOUNT);
	if (!axvm_svm_vm)
		return -ENOMEM;
	if (pgtable_l5_enabled()) {
		axvm_svm_vm->pml5 = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!axvm_svm_vm->pml5) {
			ret = -ENOMEM;
			goto err_free;
		}
	}
	ret = axvm_svm_get();
	if (ret)
		goto err_free;
	vm->arch_data = axvm_svm_vm;
	return 0;

err_free:
	free_page((unsigned long)axvm_svm_vm->pml5);
	kfree(axvm_svm_vm);
	return ret;
}

static void axvm_svm_vm_destroy(struct axvm *vm)
{
	struct axvm_svm_vm *axvm_svm_vm = vm->arch_data;

	axvm_svm_put();
	if (axvm_svm_vm)
		free_page((unsigned long)axvm_svm_vm->pml5);
	kfree(axvm_svm_vm);
	vm->arch_data = NULL;
}

/* N_CR3 for this VM's next entry. */
phys_addr_t axvm_svm_nested_cr3(struct axvm *vm)
{
	struct axvm_svm_vm *axvm_svm_vm = vm->arch_data;
	phys_addr_t root = vm->aspace.pt.root;
	u64 pml5e;

	/* N_CR3 carries the C-bit like every NPT entry (__sme_set). */
	if (!axvm_svm_vm->pml5)
		return __sme_set(root);
	pml5e = axvm_x86_pte_ops.make_table(root);
	if (READ_ONCE(axvm_svm_vm->pml5[0]) != pml5e)
		WRITE_ONCE(axvm_svm_vm->pml5[0], pml5e);
	return __sme_set(virt_to_phys(axvm_svm_vm->pml5));
}

/*
 * The VMCB and the MSRPM come from the HAL's frame allocator, like
 * every other page a VM owns (charged to its creator, hal_linux.c).
 */
static int axvm_svm_vcpu_create(struct axvm_vcpu *vcpu)
{
	const struct axvm_hal_ops *hal = vcpu->vm->hal;
	struct axvm_svm_vcpu *svm = to_svm(vcpu);
	phys_addr_t vmcb_pa, msrpm_pa;
	int ret;

	/* The core allocated vcpu_size bytes, zeroed. */
	ret = hal->alloc_frame(hal, &vmcb_pa);
	if (ret)
		return ret;
	ret = hal->alloc_frames(hal, SVM_MSRPM_FRAMES, PAGE_SIZE, &msrpm_pa);
	if (ret)
		goto err_vmcb;
	svm->msrpm = hal->phys_to_virt(hal, msrpm_pa);
	ret = axvm_svm_msrpm_init(svm->msrpm);
	if (ret)
		goto err_msrpm;
	if (!fpu_alloc_guest_fpstate(&svm->fpu)) {
		ret = -ENOMEM;
		goto err_msrpm;
	}
	svm->vmcb = hal->phys_to_virt(hal, vmcb_pa);
	svm->vmcb_pa = __sme_set(vmcb_pa);
	svm->msrpm_pa = __sme_set(msrpm_pa);
	svm->xcr0 = XFEATURE_MASK_FP;
	axvm_svm_vmcb_init(svm);
	return 0;

err_msrpm:
	hal->dealloc_frames(hal, msrpm_pa, SVM_MSRPM_FRAMES);
err_vmcb:
	hal->dealloc_frame(hal, vmcb_pa);
	return ret;
}

static void axvm_svm_vcpu_free(struct axvm_vcpu *vcpu)
{
	const struct axvm_hal_ops *hal = vcpu->vm->hal;
	struct axvm_svm_vcpu *svm = to_svm(vcpu);
	int cpu;

	/*
	 * A new VMCB may reuse this page: no CPU may believe it still runs
	 * this vCPU, or the IBPB on switching vCPUs would be skipped.
	 */
	for_each_possible_cpu(cpu)
		cmpxchg(&per_cpu_ptr(&axvm_svm_cpu, cpu)->last_vmcb, svm->vmcb,
			NULL);
	fpu_free_guest_fpstate(&svm->fpu);
	hal->dealloc_frames(hal, hal->virt_to_phys(hal, svm->msrpm),
			    SVM_MSRPM_FRAMES);
	hal->dealloc_frame(hal, hal->virt_to_phys(hal, svm->vmcb));
}

/*
 * Preemption off, on every entry. Another vCPU's branch predictions must
 * not steer this one: IBPB when the CPU last ran a different VMCB
 * (unless the host already issues one on every exit).
 */
static void axvm_svm_vcpu_load(struct axvm_vcpu *vcpu, int cpu)
{
	struct axvm_svm_cpu *sd = per_cpu_ptr(&axvm_svm_cpu, cpu);
	struct axvm_svm_vcpu *svm = to_svm(vcpu);

	if (sd->last_vmcb != svm->vmcb) {
		sd->last_vmcb = svm->vmcb;
		if (!cpu_feature_enabled(X86_FEATURE_IBPB_ON_VMEXIT))
			indirect_branch_prediction_barrier();
	}
}

static void axvm_svm_vcpu_put(struct axvm_vcpu *vcpu)
{
}

const struct axvm_arch_ops axvm_svm_ops = {
	.name			= "svm",
	.probe			= axvm_svm_init,
	.exit			= axvm_svm_exit,
	.vm_init		= axvm_svm_vm_init,
	.vm_destroy		= axvm_svm_vm_destroy,
	.vcpu_create		= axvm_svm_vcpu_create,
	.vcpu_free		= axvm_svm_vcpu_free,
	.vcpu_reset		= axvm_svm_vcpu_reset,
	.vcpu_load		= axvm_svm_vcpu_load,
	.vcpu_put		= axvm_svm_vcpu_put,
	.vcpu_run		= axvm_svm_vcpu_run,
	.handle_exit		= axvm_svm_handle_exit,
	.complete_io_in		= axvm_svm_complete_io_in,
	.complete_mmio_read	= axvm_svm_complete_mmio_read,
	.set_hypercall_result	= axvm_svm_set_hypercall_result,
	.get_regs		= axvm_svm_get_regs,
	.set_regs		= axvm_svm_set_regs,
	.get_sregs		= axvm_svm_get_sregs,
	.set_sregs		= axvm_svm_set_sregs,
	.interrupt_allowed	= axvm_svm_interrupt_allowed,
	.pte_ops		= &axvm_x86_pte_ops,
	.vcpu_size		= sizeof(struct axvm_svm_vcpu),
	.platform		= &axvm_x86_pc_ops,
};
