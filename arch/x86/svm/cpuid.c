// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID as the guest sees it (DESIGN.md §4): the host's answer, filtered
 * through allowlists, so a feature appears only if we know the guest can
 * use it safely under this backend. Everything not listed reads as 0.
 *
 * Hidden, among others: SVM and VMX (no nesting); MONITOR/MWAIT, RDPMC,
 * RDPRU, perf and debug-store features (intercepted or host-only);
 * MCE/MCA, MTRR, TSC_ADJUST, SPEC_CTRL/IBRS/STIBP/SSBD/IBPB and every
 * other MSR-backed feature we do not emulate; the TSC deadline timer
 * (no APIC timer yet); x2APIC on bare VMs (platform VMs have it);
 * XSAVES and XFD (IA32_XSS
 * is not virtualized); TSX (HLE/RTM), WAITPKG, SGX, CET, AMX; topology
 * leaves (one core per vCPU, no SMT).
 * Set: leaf 1 ECX bit 31 (hypervisor); leaf 1 EBX[31:24] = the vCPU id
 * (its initial APIC ID); OSXSAVE and OSPKE follow the guest's CR4;
 * leaf 0x40000000 = max leaf 0x40000001 and "AxVMAxVMAxVM".
 * Leaf 0xd describes exactly the XCR0 bits XSETBV accepts.
 */
#include <linux/bitops.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>
#include <asm/fpu/types.h>
#include <asm/processor-flags.h>
#include "svm.h"
#include "kunit_export.h"

#define SVM_CPUID_MAX_BASIC	0xd
#define SVM_CPUID_MAX_EXT	0x80000008
#define AXVM_CPUID_SIGNATURE	0x40000000
#define AXVM_CPUID_FEATURES	0x40000001
#define AXVM_CPUID_SIG_WORD	0x4d567841	/* "AxVM" */

/* Leaf 1 ECX */
#define L1C_ALLOW	(BIT(0) /* SSE3 */ | BIT(1) /* PCLMULQDQ */ |	\
			 BIT(9) /* SSSE3 */ | BIT(12) /* FMA */ |	\
			 BIT(13) /* CX16 */ | BIT(17) /* PCID */ |	\
			 BIT(19) /* SSE4.1 */ | BIT(20) /* SSE4.2 */ |	\
			 BIT(22) /* MOVBE */ | BIT(23) /* POPCNT */ |	\
			 BIT(25) /* AES */ | BIT(26) /* XSAVE */ |	\
			 BIT(28) /* AVX */ | BIT(29) /* F16C */ |	\
			 BIT(30) /* RDRAND */)
#define L1C_NEED_YMM	(BIT(12) | BIT(28) | BIT(29))
#define L1C_XSAVE	BIT(26)
#define L1C_OSXSAVE	BIT(27)
#define L1C_HYPERVISOR	BIT(31)
#define L1C_X2APIC	BIT(21)
#define L1C_TSC_DEADLINE BIT(24)
/* Leaf 6 EAX: the APIC timer runs in every C-state (it is a host timer). */
#define L6A_ARAT	BIT(2)
#define L1D_APIC	BIT(9)
/* Leaf 1 EDX (also mirrored in 0x80000001 EDX on AMD) */
#define L1D_ALLOW	(BIT(0) /* FPU */ | BIT(1) /* VME */ | BIT(2) /* DE */ | \
			 BIT(3) /* PSE */ | BIT(4) /* TSC */ | BIT(5) /* MSR */ | \
			 BIT(6) /* PAE */ | BIT(8) /* CX8 */ | BIT(9) /* APIC */ | \
			 BIT(11) /* SEP */ | BIT(13) /* PGE */ |		\
			 BIT(15) /* CMOV */ | BIT(16) /* PAT */ |		\
			 BIT(17) /* PSE36 */ | BIT(19) /* CLFSH */ |	\
			 BIT(23) /* MMX */ | BIT(24) /* FXSR */ |		\
			 BIT(25) /* SSE */ | BIT(26) /* SSE2 */)
/* Leaf 7.0 */
#define L7B_ALLOW	(BIT(0) /* FSGSBASE */ | BIT(3) /* BMI1 */ |	\
			 BIT(5) /* AVX2 */ | BIT(6) /* FDP_EXCPTN_ONLY */ | \
			 BIT(7) /* SMEP */ | BIT(8) /* BMI2 */ |		\
			 BIT(9) /* ERMS */ | BIT(10) /* INVPCID */ |	\
			 BIT(13) /* ZERO_FCS_FDS */ | BIT(18) /* RDSEED */ | \
			 BIT(19) /* ADX */ | BIT(20) /* SMAP */ |		\
			 BIT(23) /* CLFLUSHOPT */ | BIT(24) /* CLWB */ |	\
			 BIT(29) /* SHA */ | L7B_AVX512)
#define L7B_AVX512	(BIT(16) | BIT(17) | BIT(21) | BIT(26) | BIT(27) | \
			 BIT(28) | BIT(30) | BIT(31))
#define L7B_NEED_YMM	BIT(5)
#define L7C_ALLOW	(BIT(2) /* UMIP */ | BIT(16) /* LA57 */ |	\
			 BIT(22) /* RDPID: TSC_AUX is switched */ |	\
			 BIT(27) /* MOVDIRI */ | BIT(28) /* MOVDIR64B */ | \
			 BIT(31) /* PKS: PKRS is switched */ |		\
			 L7C_NEED_YMM | L7C_AVX512)
#define L7C_NEED_YMM	(BIT(8) /* GFNI */ | BIT(9) /* VAES */ |	\
			 BIT(10) /* VPCLMULQDQ */)
#define L7C_AVX512	(BIT(1) | BIT(6) | BIT(11) | BIT(12) | BIT(14))
#define L7C_PKU		BIT(3)
#define L7C_OSPKE	BIT(4)
#define L7D_ALLOW	(BIT(4) /* FSRM */ | BIT(10) /* MD_CLEAR */ |	\
			 BIT(14) /* SERIALIZE */ | L7D_AVX512)
#define L7D_AVX512	(BIT(2) | BIT(3) | BIT(8))
/* Leaf 0xd.1 EAX: XSAVEOPT, XSAVEC, XGETBV1 (not XSAVES, XFD) */
#define LD1A_ALLOW	(BIT(0) | BIT(1) | BIT(2))
/* Leaf 0x80000001 */
#define LE1C_ALLOW	(BIT(0) /* LAHF */ | BIT(4) /* CR8 legacy */ |	\
			 BIT(5) /* ABM */ | BIT(6) /* SSE4A */ |		\
			 BIT(7) /* MISALIGNSSE */ | BIT(8) /* 3DNOWPREFETCH */ | \
			 BIT(11) /* XOP */ | BIT(16) /* FMA4 */ |		\
			 BIT(21) /* TBM */)
#define LE1D_ALLOW	((L1D_ALLOW & ~(BIT(11) | BIT(19) | BIT(25) | BIT(26))) | \
			 BIT(11) /* SYSCALL */ | BIT(20) /* NX */ |	\
			 BIT(22) /* MMXEXT */ | BIT(25) /* FFXSR */ |	\
			 BIT(26) /* PDPE1GB */ | BIT(27) /* RDTSCP */ |	\
			 BIT(29) /* LM */ | BIT(30) /* 3DNOWEXT */ |	\
			 BIT(31) /* 3DNOW */)
/* 0x80000007 EDX: invariant TSC */
#define LE7D_ALLOW	BIT(8)
/* 0x80000008 EBX: CLZERO, XSAVEERPTR */
#define LE8B_ALLOW	(BIT(0) | BIT(2))

/* What XSETBV may enable: user state the host has on, minus AMX. */
u64 axvm_svm_guest_supported_xcr0(void)
{
	return axvm_svm_host_xcr0 &
	       (XFEATURE_MASK_FPSSE | XFEATURE_MASK_YMM |
		XFEATURE_MASK_AVX512 | XFEATURE_MASK_PKRU);
}

/* The standard-format XSAVE area size for the components in @xcr0. */
static u32 axvm_svm_xsave_size(const struct axvm_svm_cpuid_ctx *ctx, u64 xcr0)
{
	u32 size = 512 + 64, a, b, c, d;
	unsigned int i;

	for (i = 2; i < 63; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		ctx->host(0xd, i, &a, &b, &c, &d);
		if (a + b > size)
			size = a + b;
	}
	return size;
}

static void axvm_svm_cpuid_xsave(const struct axvm_svm_cpuid_ctx *ctx, u32 sub,
			    u32 *r)
{
	u64 mask = ctx->xcr0_mask;
	u32 a, b, c, d;

	if (!mask)
		return;
	switch (sub) {
	case 0:
		r[0] = lower_32_bits(mask);
		r[3] = upper_32_bits(mask);
		r[1] = axvm_svm_xsave_size(ctx, ctx->xcr0 & mask);
		r[2] = axvm_svm_xsave_size(ctx, mask);
		return;
	case 1:
		ctx->host(0xd, 1, &a, &b, &c, &d);
		r[0] = a & LD1A_ALLOW;
		r[1] = axvm_svm_xsave_size(ctx, ctx->xcr0 & mask);
		return;
	default:
		if (sub >= 63 || !(mask & BIT_ULL(sub)))
			return;
		ctx->host(0xd, sub, &a, &b, &c, &d);
		r[0] = a;
		r[1] = b;
		r[2] = c & BIT(1);	/* alignment; never supervisor */
		return;
	}
}

/*
 * Leaf 1 EDX and its AMD mirror in 0x80000001: the host's features we
 * allow; the APIC bit follows IA32_APIC_BASE.EN (SDM 10.4.3).
 */
static u32 axvm_svm_cpuid_edx(const struct axvm_svm_cpuid_ctx *ctx, u32 d,
			      u32 allow)
{
	d &= allow;
	if (ctx->apic_off)
		d &= ~L1D_APIC;
	return d;
}

/*
 * The guest's CPUID(@leaf, @sub) into r[0..3] = EAX, EBX, ECX, EDX.
 * Pure: the host's answers come from @ctx->host, so KUnit can feed any.
 */
AXVM_VISIBLE_IF_KUNIT void axvm_svm_cpuid(const struct axvm_svm_cpuid_ctx *ctx,
					  u32 leaf, u32 sub, u32 r[4])
{
	bool ymm = ctx->xcr0_mask & XFEATURE_MASK_YMM;
	bool avx512 = (ctx->xcr0_mask & XFEATURE_MASK_AVX512) ==
		      XFEATURE_MASK_AVX512;
	u32 a, b, c, d;

	r[0] = r[1] = r[2] = r[3] = 0;
	if (leaf >= AXVM_CPUID_SIGNATURE && leaf <= AXVM_CPUID_SIGNATURE + 0xff) {
		if (leaf == AXVM_CPUID_SIGNATURE) {
			r[0] = AXVM_CPUID_FEATURES;
			r[1] = r[2] = r[3] = AXVM_CPUID_SIG_WORD;
		}
		return;
	}

	ctx->host(leaf & 0x80000000, 0, &a, &b, &c, &d);
	if (leaf & 0x80000000) {
		if (leaf > min_t(u32, a, SVM_CPUID_MAX_EXT))
			return;
	} else if (leaf > min_t(u32, a, SVM_CPUID_MAX_BASIC)) {
		return;
	}

	ctx->host(leaf, sub, &a, &b, &c, &d);
	switch (leaf) {
	case 0:
		r[0] = min_t(u32, a, SVM_CPUID_MAX_BASIC);
		r[1] = b;
		r[2] = c;
		r[3] = d;
		break;
	case 1:
		r[0] = a;
		/* brand index, CLFLUSH size; 1 logical CPU; APIC ID = vCPU id */
		r[1] = (b & 0xffff) | (1 << 16) | (ctx->vcpu_id << 24);
		r[2] = c & L1C_ALLOW;
		if (!ymm)
			r[2] &= ~L1C_NEED_YMM;
		if (!ctx->xcr0_mask)
			r[2] &= ~L1C_XSAVE;
		if ((r[2] & L1C_XSAVE) && (ctx->cr4 & X86_CR4_OSXSAVE))
			r[2] |= L1C_OSXSAVE;
		r[2] |= L1C_HYPERVISOR;
		/* Emulated, so the host's APIC does not matter. */
		if (ctx->pc_apic)
			r[2] |= L1C_X2APIC | L1C_TSC_DEADLINE;
		r[3] = axvm_svm_cpuid_edx(ctx, d, L1D_ALLOW);
		break;
	case 2:
		r[0] = a;
		r[1] = b;
		r[2] = c;
		r[3] = d;
		break;
	case 6:
		if (ctx->pc_apic)
			r[0] = L6A_ARAT;
		break;
	case 7:
		if (sub)
			break;
		r[1] = b & L7B_ALLOW;
		if (!ymm)
			r[1] &= ~L7B_NEED_YMM;
		if (!avx512)
			r[1] &= ~L7B_AVX512;
		r[2] = c & L7C_ALLOW;
		if (!ymm)
			r[2] &= ~L7C_NEED_YMM;
		if (!avx512)
			r[2] &= ~L7C_AVX512;
		if ((c & L7C_PKU) && ctx->host_pku) {
			r[2] |= L7C_PKU;
			if (ctx->cr4 & X86_CR4_PKE)
				r[2] |= L7C_OSPKE;
		}
		r[3] = d & L7D_ALLOW;
		if (!avx512)
			r[3] &= ~L7D_AVX512;
		break;
	case 0xd:
		axvm_svm_cpuid_xsave(ctx, sub, r);
		break;
	case 0x80000000:
		r[0] = min_t(u32, a, SVM_CPUID_MAX_EXT);
		r[1] = b;
		r[2] = c;
		r[3] = d;
		break;
	case 0x80000001:
		r[0] = a;
		r[1] = b;
		r[2] = c & LE1C_ALLOW;
		if (!ymm)
			r[2] &= ~(BIT(11) | BIT(16));	/* XOP, FMA4 */
		r[3] = axvm_svm_cpuid_edx(ctx, d, LE1D_ALLOW);
		break;
	case 0x80000002 ... 0x80000006:		/* brand string, caches */
		r[0] = a;
		r[1] = b;
		r[2] = c;
		r[3] = d;
		break;
	case 0x80000007:
		r[3] = d & LE7D_ALLOW;
		break;
	case 0x80000008:
		r[0] = a & 0xffff;	/* physical and linear address bits */
		r[1] = b & LE8B_ALLOW;
		break;
	default:
		break;
	}
}
AXVM_EXPORT_FOR_TESTS(axvm_svm_cpuid);

static void axvm_svm_host_cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	cpuid_count(leaf, sub, a, b, c, d);
}

/* The CPUID exit: answer from the policy, advance RIP. */
void axvm_svm_emulate_cpuid(struct axvm_svm_vcpu *svm)
{
	struct axvm_svm_cpuid_ctx ctx = {
		.vcpu_id = svm->vcpu.id,
		.cr4 = svm->vmcb->save.cr4,
		.xcr0 = svm->xcr0,
		.xcr0_mask = axvm_svm_guest_supported_xcr0(),
		.host_pku = boot_cpu_has(X86_FEATURE_OSPKE),
		.pc_apic = axvm_pc_active(&svm->vcpu),
		.apic_off = axvm_pc_active(&svm->vcpu) &&
			    !axvm_pc_apic_enabled(&svm->vcpu),
		.host = axvm_svm_host_cpuid,
	};
	u64 *regs = svm->regs;
	u32 r[4];

	axvm_svm_cpuid(&ctx, regs[SVM_REG_RAX], regs[SVM_REG_RCX], r);
	regs[SVM_REG_RAX] = r[0];
	regs[SVM_REG_RBX] = r[1];
	regs[SVM_REG_RCX] = r[2];
	regs[SVM_REG_RDX] = r[3];
	axvm_svm_skip_insn(svm, 2);
}
