// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's MSRs: an allowlist. Every MSR exits (the MSRPM is all
 * ones) except a documented safe list whose state the hardware keeps in
 * the VMCB and VMLOAD/VMSAVE switch for us; a few more are emulated
 * here; any other RDMSR or WRMSR raises #GP in the guest, as on a CPU
 * without that MSR.
 *
 * Passed through (read and write), state in the VMCB: FS_BASE, GS_BASE,
 * KERNEL_GS_BASE, STAR, LSTAR, CSTAR, SYSCALL_MASK, SYSENTER_CS/ESP/EIP.
 * Passed through for reads: TSC (hardware adds TSC_OFFSET, 0).
 * Emulated:
 *   EFER          guest-visible value; SVME stays set in the VMCB and is
 *                 hidden; reserved bits, SVME and LME changes with
 *                 paging on raise #GP
 *   PAT           in the VMCB's G_PAT (nested paging combines it)
 *   TSC_AUX       per vCPU, loaded while the guest runs (RDTSCP, RDPID)
 *   TSC           writes set the vCPU's TSC_OFFSET (reads pass through)
 *   PKRS          where the CPU has PKS: per vCPU, loaded while the
 *                 guest runs (the VMCB has no field for it)
 *   APIC_BASE     bare VMs: reads 0xfee00000, enabled, BSP on vCPU 0;
 *                 writes of the same value only. Platform VMs: it,
 *                 the x2APIC MSRs 0x800-0x8ff and TSC_DEADLINE are the
 *                 local APIC's (arch/x86/pc.c)
 *   K7 PMU        EVNTSEL0-3, PERFCTR0-3: read 0, writes ignored (no
 *                 virtual PMU; KVM's behaviour with its PMU off)
 *   MTRRs         MTRRcap reads 0 (no ranges); the others read 0 and
 *                 take 0: CPUID hides MTRR, the memory type is the
 *                 host's (nested paging) and G_PAT's
 * Denied among others: SPEC_CTRL/PRED_CMD (the guest runs with the
 * host's setting; CPUID hides them), MCE banks, the core
 * perf counters (CPUID hides PERFCTR_CORE), SVM's own (VM_CR,
 * VM_HSAVE_PA), XSS, microcode.
 */
#include <linux/bitops.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include <asm/cpufeature.h>
#include <asm/svm.h>
#include "svm.h"
#include "kunit_export.h"

static const u32 axvm_svm_passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

/*
 * The MSRPM: three 2 KiB blocks for MSRs 0-0x1fff, 0xc0000000-0xc0001fff
 * and 0xc0010000-0xc0011fff, two bits per MSR (read, then write). MSRs
 * outside the three ranges always exit.
 */
static long axvm_svm_msrpm_bit(u32 msr)
{
	static const u32 base[] = { 0, 0xc0000000, 0xc0010000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(base); i++)
		if (msr - base[i] < 0x2000)
			return (long)(i * 0x800 * 8) + (msr - base[i]) * 2;
	return -1;
}

int axvm_svm_msrpm_init(void *msrpm)
{
	unsigned int i;
	long bit;

	memset(msrpm, 0xff, SVM_MSRPM_BYTES);
	for (i = 0; i < ARRAY_SIZE(axvm_svm_passthrough_msrs); i++) {
		bit = axvm_svm_msrpm_bit(axvm_svm_passthrough_msrs[i]);
		if (WARN_ON(bit < 0))
			return -EINVAL;
		__clear_bit(bit, msrpm);		/* read */
		__clear_bit(bit + 1, msrpm);		/* write */
	}
	bit = axvm_svm_msrpm_bit(MSR_IA32_TSC);
	__clear_bit(bit, msrpm);
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_svm_msrpm_init);

/* Each PAT entry is a memory type: 0, 1, 4, 5, 6 or 7. */
AXVM_VISIBLE_IF_KUNIT bool axvm_svm_pat_valid(u64 pat)
{
	unsigned int i;
	u8 type;

	for (i = 0; i < 8; i++) {
		type = pat >> (i * 8);
		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}
AXVM_EXPORT_FOR_TESTS(axvm_svm_pat_valid);

/*
 * A guest write of EFER: 0 and the new guest-visible value, or -EPERM
 * (#GP). @old is the guest-visible value, @paging CR0.PG. LMA follows
 * the hardware (set by CR0.PG with LME), so a write keeps the old LMA.
 */
AXVM_VISIBLE_IF_KUNIT int axvm_svm_efer_write(u64 old, u64 val, bool paging,
					      bool has_nx, bool has_ffxsr,
					      u64 *out)
{
	u64 allowed = EFER_SCE | EFER_LME | EFER_LMA;

	if (has_nx)
		allowed |= EFER_NX;
	if (has_ffxsr)
		allowed |= EFER_FFXSR;
	if (val & ~allowed)
		return -EPERM;
	if (paging && ((val ^ old) & EFER_LME))
		return -EPERM;
	*out = (val & ~(u64)EFER_LMA) | (old & EFER_LMA);
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_svm_efer_write);

static bool axvm_svm_is_mtrr(u32 msr)
{
	return msr == MSR_MTRRdefType || msr == MSR_MTRRfix64K_00000 ||
	       msr == MSR_MTRRfix16K_80000 || msr == MSR_MTRRfix16K_A0000 ||
	       (msr >= MSR_MTRRfix4K_C0000 && msr <= MSR_MTRRfix4K_F8000) ||
	       (msr >= 0x200 && msr <= 0x20f);	/* variable ranges */
}

/*
 * The four legacy AMD performance counters and their event selects:
 * every AMD CPU has them whatever CPUID says, so an OS writes them
 * unconditionally (kvm-unit-tests' pmu_init does). Without a virtual
 * PMU they read 0 and ignore writes, as KVM's do with its PMU off.
 */
static bool axvm_svm_is_k7_pmu(u32 msr)
{
	return msr >= MSR_K7_EVNTSEL0 && msr <= MSR_K7_PERFCTR3;
}

static u64 axvm_svm_apic_base(struct axvm_svm_vcpu *svm)
{
	u64 val = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE;

	if (svm->vcpu.id == 0)
		val |= MSR_IA32_APICBASE_BSP;
	return val;
}

/* IA32_APIC_BASE and the x2APIC registers, which a platform VM's APIC has. */
static bool axvm_svm_platform_msr(struct axvm_svm_vcpu *svm, u32 msr)
{
	return axvm_pc_active(&svm->vcpu) &&
	       (msr == MSR_IA32_APICBASE ||
		(msr >= APIC_BASE_MSR && msr <= APIC_BASE_MSR + 0xff));
}

/* 0 and *val, or -EPERM: the guest gets #GP. */
int axvm_svm_get_msr(struct axvm_svm_vcpu *svm, u32 msr, u64 *val)
{
	struct vmcb_save_area *save = &svm->vmcb->save;

	if (axvm_svm_platform_msr(svm, msr))
		return axvm_pc_get_msr(&svm->vcpu, msr, val) ? -EPERM : 0;
	if (msr == MSR_IA32_TSC_DEADLINE && axvm_pc_active(&svm->vcpu)) {
		*val = axvm_pc_get_tsc_deadline(&svm->vcpu);
		return 0;
	}

	switch (msr) {
	case MSR_EFER:
		*val = save->efer & ~(u64)EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		*val = save->g_pat;
		return 0;
	case MSR_TSC_AUX:
		*val = svm->tsc_aux;
		return 0;
	case AXVM_MSR_IA32_PKRS:
		if (!axvm_svm_has_pks)
			return -EPERM;
		*val = svm->pkrs;
		return 0;
	case MSR_IA32_TSC:
		/* Only if the MSRPM changes: reads are passed through. */
		*val = rdtsc() + svm->vmcb->control.tsc_offset;
		return 0;
	case MSR_IA32_APICBASE:
		*val = axvm_svm_apic_base(svm);
		return 0;
	case MSR_MTRRcap:
		*val = 0;
		return 0;
	/* Passed through; here for completeness if the MSRPM changes. */
	case MSR_FS_BASE:
		*val = save->fs.base;
		return 0;
	case MSR_GS_BASE:
		*val = save->gs.base;
		return 0;
	case MSR_KERNEL_GS_BASE:
		*val = save->kernel_gs_base;
		return 0;
	case MSR_STAR:
		*val = save->star;
		return 0;
	case MSR_LSTAR:
		*val = save->lstar;
		return 0;
	case MSR_CSTAR:
		*val = save->cstar;
		return 0;
	case MSR_SYSCALL_MASK:
		*val = save->sfmask;
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*val = save->sysenter_cs;
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*val = save->sysenter_esp;
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*val = save->sysenter_eip;
		return 0;
	default:
		if (axvm_svm_is_mtrr(msr) || axvm_svm_is_k7_pmu(msr)) {
			*val = 0;
			return 0;
		}
		return -EPERM;
	}
}

int axvm_svm_set_msr(struct axvm_svm_vcpu *svm, u32 msr, u64 val)
{
	struct vmcb_save_area *save = &svm->vmcb->save;
	u64 efer;

	if (axvm_svm_platform_msr(svm, msr))
		return axvm_pc_set_msr(&svm->vcpu, msr, val) ? -EPERM : 0;
	if (msr == MSR_IA32_TSC_DEADLINE && axvm_pc_active(&svm->vcpu)) {
		axvm_pc_set_tsc_deadline(&svm->vcpu, val, rdtsc() +
					 svm->vmcb->control.tsc_offset);
		return 0;
	}

	switch (msr) {
	case MSR_EFER:
		if (axvm_svm_efer_write(save->efer & ~(u64)EFER_SVME, val,
					save->cr0 & X86_CR0_PG,
					boot_cpu_has(X86_FEATURE_NX),
					boot_cpu_has(X86_FEATURE_FXSR_OPT),
					&efer))
			return -EPERM;
		save->efer = efer | EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		if (!axvm_svm_pat_valid(val))
			return -EPERM;
		save->g_pat = val;
		return 0;
	case MSR_TSC_AUX:
		if (val >> 32)
			return -EPERM;
		svm->tsc_aux = val;
		return 0;
	case AXVM_MSR_IA32_PKRS:
		if (!axvm_svm_has_pks || (val >> 32))
			return -EPERM;
		svm->pkrs = val;
		return 0;
	case MSR_IA32_TSC:
		/* This vCPU's TSC reads @val now: the hardware adds the offset. */
		svm->vmcb->control.tsc_offset = val - rdtsc();
		return 0;
	case MSR_IA32_APICBASE:
		return val == axvm_svm_apic_base(svm) ? 0 : -EPERM;
	default:
		if ((axvm_svm_is_mtrr(msr) && !val) || axvm_svm_is_k7_pmu(msr))
			return 0;
		return -EPERM;
	}
}
