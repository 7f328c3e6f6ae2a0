// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_svm: the SVM backend's guest policy, as pure functions
 * (arch/x86/svm/): CPUID as DESIGN.md §4 describes it, the MSR
 * permission map, PAT, EFER and XCR0 validation. CPUID is fed a fake
 * host whose every answer has all bits set (the worst case for an
 * allowlist) or all clear.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <asm/fpu/types.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include "svm/svm.h"

/* ---- CPUID --------------------------------------------------------------- */

static void host_all_ones(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	*a = *b = *c = *d = ~0u;
}

static void host_all_zeros(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	*a = *b = *c = *d = 0;
	/* Maximum leaves high enough for every leaf to be asked. */
	if (leaf == 0)
		*a = 0x20;
	else if (leaf == 0x80000000)
		*a = 0x80000021;
}

#define ALL_XCR0	(XFEATURE_MASK_FPSSE | XFEATURE_MASK_YMM | \
			 XFEATURE_MASK_AVX512 | XFEATURE_MASK_PKRU)

static void cpuid_ones(u32 leaf, u32 sub, u64 cr4, u32 vcpu_id, u32 r[4])
{
	struct axvm_svm_cpuid_ctx ctx = {
		.vcpu_id = vcpu_id,
		.cr4 = cr4,
		.xcr0 = XFEATURE_MASK_FP,
		.xcr0_mask = ALL_XCR0,
		.host_pku = true,
		.host = host_all_ones,
	};

	axvm_svm_cpuid(&ctx, leaf, sub, r);
}

enum { EAX, EBX, ECX, EDX };

/* A bit that must read as @set whatever the host says. */
struct cpuid_bit_case {
	const char *name;
	u32 leaf, sub;
	u8 reg;
	u8 bit;
	bool set;
};

static const struct cpuid_bit_case cpuid_bit_cases[] = {
	{ "1.ECX hypervisor set", 1, 0, ECX, 31, true },
	{ "1.ECX VMX hidden", 1, 0, ECX, 5, false },
	{ "1.ECX SMX hidden", 1, 0, ECX, 6, false },
	{ "1.ECX MONITOR hidden", 1, 0, ECX, 3, false },
	{ "1.ECX PDCM hidden", 1, 0, ECX, 15, false },
	{ "1.ECX x2APIC hidden", 1, 0, ECX, 21, false },
	{ "1.ECX TSC-deadline hidden", 1, 0, ECX, 24, false },
	{ "1.ECX OSXSAVE clear with CR4.OSXSAVE clear", 1, 0, ECX, 27, false },
	{ "1.ECX SSE4.2 kept", 1, 0, ECX, 20, true },
	{ "1.EDX MCE hidden", 1, 0, EDX, 7, false },
	{ "1.EDX MTRR hidden", 1, 0, EDX, 12, false },
	{ "1.EDX MCA hidden", 1, 0, EDX, 14, false },
	{ "1.EDX HTT hidden", 1, 0, EDX, 28, false },
	{ "1.EDX SSE2 kept", 1, 0, EDX, 26, true },
	{ "7.EBX TSC_ADJUST hidden", 7, 0, EBX, 1, false },
	{ "7.EBX HLE hidden", 7, 0, EBX, 4, false },
	{ "7.EBX RTM hidden", 7, 0, EBX, 11, false },
	{ "7.EBX AVX2 kept", 7, 0, EBX, 5, true },
	{ "7.ECX WAITPKG hidden", 7, 0, ECX, 5, false },
	{ "7.ECX CET_SS hidden", 7, 0, ECX, 7, false },
	{ "7.ECX RDPID kept (TSC_AUX switched)", 7, 0, ECX, 22, true },
	{ "7.ECX OSPKE clear with CR4.PKE clear", 7, 0, ECX, 4, false },
	{ "7.EDX SPEC_CTRL hidden", 7, 0, EDX, 26, false },
	{ "7.EDX STIBP hidden", 7, 0, EDX, 27, false },
	{ "7.EDX ARCH_CAPABILITIES hidden", 7, 0, EDX, 29, false },
	{ "7.EDX SSBD hidden", 7, 0, EDX, 31, false },
	{ "0xd.1 XSAVES hidden", 0xd, 1, EAX, 3, false },
	{ "0xd.1 XFD hidden", 0xd, 1, EAX, 4, false },
	{ "0x80000001.ECX SVM hidden", 0x80000001, 0, ECX, 2, false },
	{ "0x80000001.ECX SKINIT hidden", 0x80000001, 0, ECX, 12, false },
	{ "0x80000001.ECX IBS hidden", 0x80000001, 0, ECX, 10, false },
	{ "0x80000001.ECX perf counters hidden", 0x80000001, 0, ECX, 23, false },
	{ "0x80000001.EDX LM kept", 0x80000001, 0, EDX, 29, true },
	{ "0x80000001.EDX RDTSCP kept", 0x80000001, 0, EDX, 27, true },
	{ "0x80000001.EDX MCE hidden", 0x80000001, 0, EDX, 7, false },
	{ "0x80000008.EBX IBPB hidden", 0x80000008, 0, EBX, 12, false },
	{ "0x80000008.EBX RDPRU hidden", 0x80000008, 0, EBX, 4, false },
	{ "0x80000008.EBX WBNOINVD hidden", 0x80000008, 0, EBX, 9, false },
};

static void cpuid_bit_desc(const struct cpuid_bit_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cpuid_bit, cpuid_bit_cases, cpuid_bit_desc);

static void svm_cpuid_bit(struct kunit *test)
{
	const struct cpuid_bit_case *c = test->param_value;
	u32 r[4];

	cpuid_ones(c->leaf, c->sub, 0, 0, r);
	KUNIT_EXPECT_EQ(test, !!(r[c->reg] & BIT(c->bit)), c->set);
}

static void svm_cpuid_signature(struct kunit *test)
{
	struct axvm_svm_cpuid_ctx ctx = { .host = host_all_zeros };
	u32 r[4];

	axvm_svm_cpuid(&ctx, 0x40000000, 0, r);
	KUNIT_EXPECT_EQ(test, r[EAX], 0x40000001u);
	KUNIT_EXPECT_EQ(test, r[EBX], 0x4d567841u);	/* "AxVM" */
	KUNIT_EXPECT_EQ(test, r[ECX], 0x4d567841u);
	KUNIT_EXPECT_EQ(test, r[EDX], 0x4d567841u);
	KUNIT_EXPECT_EQ(test, memcmp(&r[EBX], "AxVM", 4), 0);
}

static void svm_cpuid_features_leaf_empty(struct kunit *test)
{
	u32 r[4];

	cpuid_ones(0x40000001, 0, 0, 0, r);
	KUNIT_EXPECT_EQ(test, r[EAX] | r[EBX] | r[ECX] | r[EDX], 0u);
	cpuid_ones(0x400000ff, 0, 0, 0, r);
	KUNIT_EXPECT_EQ(test, r[EAX] | r[EBX] | r[ECX] | r[EDX], 0u);
}

static void svm_cpuid_hypervisor_bit_without_host(struct kunit *test)
{
	struct axvm_svm_cpuid_ctx ctx = { .host = host_all_zeros };
	u32 r[4];

	axvm_svm_cpuid(&ctx, 1, 0, r);
	KUNIT_EXPECT_EQ(test, r[ECX], (u32)BIT(31));
}

static void svm_cpuid_apic_id_is_vcpu_id(struct kunit *test)
{
	u32 r[4];

	cpuid_ones(1, 0, 0, 0, r);
	KUNIT_EXPECT_EQ(test, r[EBX] >> 24, 0u);
	cpuid_ones(1, 0, 0, 5, r);
	KUNIT_EXPECT_EQ(test, r[EBX] >> 24, 5u);
	KUNIT_EXPECT_EQ(test, (r[EBX] >> 16) & 0xff, 1u);
	KUNIT_EXPECT_EQ(test, r[EBX] & 0xffff, 0xffffu);
}

static void svm_cpuid_os_bits_follow_cr4(struct kunit *test)
{
	u32 r[4];

	cpuid_ones(1, 0, X86_CR4_OSXSAVE, 0, r);
	KUNIT_EXPECT_TRUE(test, r[ECX] & BIT(27));
	cpuid_ones(7, 0, X86_CR4_PKE, 0, r);
	KUNIT_EXPECT_TRUE(test, r[ECX] & BIT(4));
	KUNIT_EXPECT_TRUE(test, r[ECX] & BIT(3));
}

/*
 * The platform's APIC: x2APIC announced whatever the host has (it is
 * emulated), and the APIC bit of leaf 1 and 0x80000001 follows its
 * global enable. A bare VM announces no x2APIC. The platform's APIC
 * timer does TSC-deadline (leaf 1 ECX 24) and runs in every C-state
 * (leaf 6 EAX 2, ARAT): it is a host timer.
 */
static void svm_cpuid_platform_apic(struct kunit *test)
{
	struct axvm_svm_cpuid_ctx ctx = {
		.xcr0 = XFEATURE_MASK_FP,
		.xcr0_mask = ALL_XCR0,
		.host = host_all_ones,
	};
	u32 r[4];

	axvm_svm_cpuid(&ctx, 1, 0, r);
	KUNIT_EXPECT_FALSE(test, r[ECX] & BIT(21));
	KUNIT_EXPECT_FALSE(test, r[ECX] & BIT(24));
	KUNIT_EXPECT_TRUE(test, r[EDX] & BIT(9));
	axvm_svm_cpuid(&ctx, 6, 0, r);
	KUNIT_EXPECT_EQ(test, r[EAX] | r[EBX] | r[ECX] | r[EDX], 0u);
	ctx.pc_apic = true;
	axvm_svm_cpuid(&ctx, 1, 0, r);
	KUNIT_EXPECT_TRUE(test, r[ECX] & BIT(21));
	KUNIT_EXPECT_TRUE(test, r[ECX] & BIT(24));
	KUNIT_EXPECT_TRUE(test, r[EDX] & BIT(9));
	axvm_svm_cpuid(&ctx, 6, 0, r);
	KUNIT_EXPECT_EQ(test, r[EAX], (u32)BIT(2));
	ctx.apic_off = true;
	axvm_svm_cpuid(&ctx, 1, 0, r);
	KUNIT_EXPECT_FALSE(test, r[EDX] & BIT(9));
	axvm_svm_cpuid(&ctx, 0x80000001, 0, r);
	KUNIT_EXPECT_FALSE(test, r[EDX] & BIT(9));
}

static void svm_cpuid_max_leaves_capped(struct kunit *test)
{
	u32 r[4];

	cpuid_ones(0, 0, 0, 0, r);
	KUNIT_EXPECT_EQ(test, r[EAX], 0xdu);
	cpuid_ones(0x80000000, 0, 0, 0, r);
	KUNIT_EXPECT_EQ(test, r[EAX], 0x80000008u);
	/* Beyond them, and the SVM leaf: nothing. */
	cpuid_ones(0xe, 0, 0, 0, r);
	KUNIT_EXPECT_EQ(test, r[EAX] | r[EBX] | r[ECX] | r[EDX], 0u);
	cpuid_ones(0x8000000a, 0, 0, 0, r);
	KUNIT_EXPECT_EQ(test, r[EAX] | r[EBX] | r[ECX] | r[EDX], 0u);
	cpuid_ones(7, 1, 0, 0, r);
	KUNIT_EXPECT_EQ(test, r[EAX] | r[EBX] | r[ECX] | r[EDX], 0u);
}

static void svm_cpuid_avx_needs_ymm(struct kunit *test)
{
	struct axvm_svm_cpuid_ctx ctx = {
		.xcr0_mask = XFEATURE_MASK_FPSSE,
		.host = host_all_ones,
	};
	u32 r[4];

	axvm_svm_cpuid(&ctx, 1, 0, r);
	KUNIT_EXPECT_FALSE(test, r[ECX] & BIT(28));	/* AVX */
	KUNIT_EXPECT_TRUE(test, r[ECX] & BIT(26));	/* XSAVE */
	axvm_svm_cpuid(&ctx, 7, 0, r);
	KUNIT_EXPECT_FALSE(test, r[EBX] & BIT(5));	/* AVX2 */
	KUNIT_EXPECT_FALSE(test, r[EBX] & BIT(16));	/* AVX512F */
	ctx.xcr0_mask = 0;				/* no XSAVE at all */
	axvm_svm_cpuid(&ctx, 1, 0, r);
	KUNIT_EXPECT_FALSE(test, r[ECX] & BIT(26));
	axvm_svm_cpuid(&ctx, 0xd, 0, r);
	KUNIT_EXPECT_EQ(test, r[EAX] | r[EBX] | r[ECX] | r[EDX], 0u);
}

static void svm_cpuid_xsave_leaf_is_xcr0_mask(struct kunit *test)
{
	u32 r[4];

	cpuid_ones(0xd, 0, 0, 0, r);
	KUNIT_EXPECT_EQ(test, r[EAX], lower_32_bits(ALL_XCR0));
	KUNIT_EXPECT_EQ(test, r[EDX], upper_32_bits(ALL_XCR0));
	/* A component outside the mask has no sub-leaf. */
	cpuid_ones(0xd, 3, 0, 0, r);			/* MPX BNDREGS */
	KUNIT_EXPECT_EQ(test, r[EAX] | r[EBX] | r[ECX] | r[EDX], 0u);
	cpuid_ones(0xd, 2, 0, 0, r);			/* YMM: host's */
	KUNIT_EXPECT_EQ(test, r[EAX], ~0u);
	KUNIT_EXPECT_EQ(test, r[ECX], (u32)BIT(1));	/* never supervisor */
}

/* ---- MSRs, PAT, EFER, XCR0 ----------------------------------------------- */

struct u64_bool_case {
	const char *name;
	u64 val;
	bool ok;
};

static const struct u64_bool_case pat_cases[] = {
	{ "power-on value", 0x0007040600070406ULL, true },
	{ "all WB", 0x0606060606060606ULL, true },
	{ "all UC", 0, true },
	{ "WC and WP", 0x0105010501050105ULL, true },
	{ "type 2 reserved", 0x0000000000000002ULL, false },
	{ "type 3 reserved", 0x0300000000000000ULL, false },
	{ "type 8", 0x0000000800000000ULL, false },
	{ "high bits of an entry", 0x0000000000000086ULL, false },
};

static void u64_bool_desc(const struct u64_bool_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pat, pat_cases, u64_bool_desc);

static void svm_pat_valid(struct kunit *test)
{
	const struct u64_bool_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, axvm_svm_pat_valid(c->val), c->ok);
}

struct efer_case {
	const char *name;
	u64 old, val;
	bool paging;
	int ret;
	u64 out;
};

static const struct efer_case efer_cases[] = {
	{ "SCE", 0, EFER_SCE, false, 0, EFER_SCE },
	{ "LME with paging off", 0, EFER_LME, false, 0, EFER_LME },
	{ "NX", EFER_LME | EFER_LMA, EFER_LME | EFER_LMA | EFER_NX, true, 0,
	  EFER_LME | EFER_LMA | EFER_NX },
	{ "LMA is read-only", EFER_LME | EFER_LMA, EFER_LME, true, 0,
	  EFER_LME | EFER_LMA },
	{ "SVME refused", 0, EFER_SVME, false, -EPERM },
	{ "LMSLE refused", 0, EFER_LMSLE, false, -EPERM },
	{ "bit 63 refused", 0, 1ULL << 63, false, -EPERM },
	{ "LME off with paging on", EFER_LME | EFER_LMA, EFER_LMA, true,
	  -EPERM },
	{ "LME on with paging on", 0, EFER_LME, true, -EPERM },
};

static void efer_desc(const struct efer_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(efer, efer_cases, efer_desc);

static void svm_efer_write(struct kunit *test)
{
	const struct efer_case *c = test->param_value;
	u64 out = 0xdead;
	int ret;

	ret = axvm_svm_efer_write(c->old, c->val, c->paging, true, true, &out);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (!c->ret)
		KUNIT_EXPECT_EQ(test, out, c->out);
	else
		KUNIT_EXPECT_EQ(test, out, 0xdeadULL);
}

static void svm_efer_nx_needs_host(struct kunit *test)
{
	u64 out;

	KUNIT_EXPECT_EQ(test, axvm_svm_efer_write(0, EFER_NX, false, false,
						  true, &out), -EPERM);
	KUNIT_EXPECT_EQ(test, axvm_svm_efer_write(0, EFER_FFXSR, false, true,
						  false, &out), -EPERM);
}

static const struct u64_bool_case xcr0_cases[] = {
	{ "x87", 1, true },
	{ "x87 SSE", 3, true },
	{ "x87 SSE AVX", 7, true },
	{ "AVX-512", 0xe7, true },
	{ "PKRU", 0x207, true },
	{ "no x87", 2, false },
	{ "zero", 0, false },
	{ "AVX without SSE", 5, false },
	{ "AVX-512 partly", 0x27, false },
	{ "AVX-512 without AVX", 0xe3, false },
	{ "MPX (not offered)", 0x1b, false },
	{ "AMX (not offered)", 0x60007, false },
	{ "bit 62", 1ULL << 62 | 1, false },
};

KUNIT_ARRAY_PARAM(xcr0, xcr0_cases, u64_bool_desc);

static void svm_xcr0_check(struct kunit *test)
{
	const struct u64_bool_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, axvm_svm_xcr0_check(c->val, ALL_XCR0),
			c->ok ? 0 : -EPERM);
}

static void svm_xcr0_beyond_host(struct kunit *test)
{
	/* A host without AVX refuses it whatever the guest asks. */
	KUNIT_EXPECT_EQ(test, axvm_svm_xcr0_check(7, XFEATURE_MASK_FPSSE),
			-EPERM);
}

/* The MSRPM: two bits per MSR, read then write, three 2 KiB blocks. */
static bool msrpm_bit(const u8 *pm, u32 msr, bool write)
{
	static const u32 base[] = { 0, 0xc0000000, 0xc0010000 };
	unsigned int i;
	u32 bit;

	for (i = 0; i < ARRAY_SIZE(base); i++) {
		if (msr - base[i] < 0x2000) {
			bit = i * 0x800 * 8 + (msr - base[i]) * 2 + write;
			return pm[bit / 8] & BIT(bit % 8);
		}
	}
	return true;
}

struct msrpm_case {
	const char *name;
	u32 msr;
	bool read_exits, write_exits;
};

static const struct msrpm_case msrpm_cases[] = {
	{ "EFER emulated", MSR_EFER, true, true },
	{ "FS_BASE passed", MSR_FS_BASE, false, false },
	{ "GS_BASE passed", MSR_GS_BASE, false, false },
	{ "KERNEL_GS_BASE passed", MSR_KERNEL_GS_BASE, false, false },
	{ "STAR passed", MSR_STAR, false, false },
	{ "LSTAR passed", MSR_LSTAR, false, false },
	{ "CSTAR passed", MSR_CSTAR, false, false },
	{ "SYSCALL_MASK passed", MSR_SYSCALL_MASK, false, false },
	{ "SYSENTER_CS passed", MSR_IA32_SYSENTER_CS, false, false },
	{ "SYSENTER_EIP passed", MSR_IA32_SYSENTER_EIP, false, false },
	{ "TSC read passed, write exits", MSR_IA32_TSC, false, true },
	{ "SPEC_CTRL exits", MSR_IA32_SPEC_CTRL, true, true },
	{ "PRED_CMD exits", MSR_IA32_PRED_CMD, true, true },
	{ "PAT exits", MSR_IA32_CR_PAT, true, true },
	{ "TSC_AUX exits", MSR_TSC_AUX, true, true },
	{ "VM_HSAVE_PA exits", MSR_VM_HSAVE_PA, true, true },
	{ "VM_CR exits", MSR_VM_CR, true, true },
	{ "last of block 0", 0x1fff, true, true },
	{ "last of block 2", 0xc0011fff, true, true },
};

static void msrpm_desc(const struct msrpm_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(msrpm, msrpm_cases, msrpm_desc);

static void svm_msrpm(struct kunit *test)
{
	const struct msrpm_case *c = test->param_value;
	u8 *pm = kunit_kzalloc(test, 8192, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pm);
	KUNIT_ASSERT_EQ(test, axvm_svm_msrpm_init(pm), 0);
	KUNIT_EXPECT_EQ(test, msrpm_bit(pm, c->msr, false), c->read_exits);
	KUNIT_EXPECT_EQ(test, msrpm_bit(pm, c->msr, true), c->write_exits);
}

/* ---- events and the TLB --------------------------------------------------- */

struct svm_fake {
	struct axvm vm;
	struct axvm_svm_vcpu svm;
	struct vmcb vmcb;
	struct axvm_svm_cpu sd;
};

static struct svm_fake *svm_fake_new(struct kunit *test)
{
	struct svm_fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->svm.vcpu.vm = &f->vm;
	f->svm.vmcb = &f->vmcb;
	f->svm.asid_cpu = -1;
	f->sd.asid_generation = 1;
	f->sd.next_asid = 1;
	f->sd.max_asid = 15;
	return f;
}

/* Real mode pushes no error code: #GP there must not inject one. */
static void svm_exception_error_code_needs_pe(struct kunit *test)
{
	struct svm_fake *f = svm_fake_new(test);

	f->vmcb.save.cr0 = 0;
	axvm_svm_queue_exception(&f->svm, GP_VECTOR, true, 0x18);
	KUNIT_EXPECT_EQ(test, f->svm.exception.inj,
			(u32)(GP_VECTOR | SVM_EVTINJ_TYPE_EXEPT |
			      SVM_EVTINJ_VALID));
	KUNIT_EXPECT_EQ(test, f->svm.exception.err, 0U);

	f->vmcb.save.cr0 = X86_CR0_PE;
	axvm_svm_queue_exception(&f->svm, GP_VECTOR, true, 0x18);
	KUNIT_EXPECT_EQ(test, f->svm.exception.inj,
			(u32)(GP_VECTOR | SVM_EVTINJ_TYPE_EXEPT |
			      SVM_EVTINJ_VALID | SVM_EVTINJ_VALID_ERR));
	KUNIT_EXPECT_EQ(test, f->svm.exception.err, 0x18U);
}

/* mm.h's promise: removed mappings flush the guest TLB before entry. */
static void svm_unmap_gen_flushes_tlb(struct kunit *test)
{
	struct svm_fake *f = svm_fake_new(test);
	struct vmcb_control_area *c = &f->vmcb.control;
	u32 asid;

	axvm_svm_assign_asid(&f->svm, &f->sd, 0);
	asid = c->asid;
	KUNIT_EXPECT_EQ(test, c->tlb_ctl, (u8)TLB_CONTROL_DO_NOTHING);

	f->vm.aspace.unmap_gen++;
	axvm_svm_assign_asid(&f->svm, &f->sd, 0);
	KUNIT_EXPECT_EQ(test, c->tlb_ctl, (u8)TLB_CONTROL_FLUSH_ALL_ASID);
	KUNIT_EXPECT_EQ(test, c->asid, asid);

	/* Once flushed, the next entry needs none. */
	c->tlb_ctl = TLB_CONTROL_DO_NOTHING;
	axvm_svm_assign_asid(&f->svm, &f->sd, 0);
	KUNIT_EXPECT_EQ(test, c->tlb_ctl, (u8)TLB_CONTROL_DO_NOTHING);
}

/*
 * The test hosts' QEMU can lose the host's own APIC timer request when an
 * entry asks for the interrupt window (run.c): after such an entry, and
 * only on a host that is itself a guest, the backend re-polls the host
 * APIC. An entry without V_IRQ (nothing to wait for, or EVENTINJ used)
 * and a host on hardware never pay for it.
 */
static void svm_host_apic_repoll(struct kunit *test)
{
	u32 window = V_IRQ_MASK | V_IGN_TPR_MASK | (0xf << V_INTR_PRIO_SHIFT) |
		     V_INTR_MASKING_MASK;

	KUNIT_EXPECT_TRUE(test, axvm_svm_need_host_apic_repoll(true, window));
	KUNIT_EXPECT_FALSE(test, axvm_svm_need_host_apic_repoll(false, window));
	KUNIT_EXPECT_FALSE(test, axvm_svm_need_host_apic_repoll(true,
							V_INTR_MASKING_MASK));
	KUNIT_EXPECT_FALSE(test, axvm_svm_need_host_apic_repoll(true,
				V_INTR_MASKING_MASK | 0xf /* V_TPR */));
}

static struct kunit_case axvm_svm_cases[] = {
	KUNIT_CASE_PARAM(svm_cpuid_bit, cpuid_bit_gen_params),
	KUNIT_CASE(svm_cpuid_signature),
	KUNIT_CASE(svm_cpuid_platform_apic),
	KUNIT_CASE(svm_cpuid_features_leaf_empty),
	KUNIT_CASE(svm_cpuid_hypervisor_bit_without_host),
	KUNIT_CASE(svm_cpuid_apic_id_is_vcpu_id),
	KUNIT_CASE(svm_cpuid_os_bits_follow_cr4),
	KUNIT_CASE(svm_cpuid_max_leaves_capped),
	KUNIT_CASE(svm_cpuid_avx_needs_ymm),
	KUNIT_CASE(svm_cpuid_xsave_leaf_is_xcr0_mask),
	KUNIT_CASE_PARAM(svm_pat_valid, pat_gen_params),
	KUNIT_CASE_PARAM(svm_efer_write, efer_gen_params),
	KUNIT_CASE(svm_efer_nx_needs_host),
	KUNIT_CASE_PARAM(svm_xcr0_check, xcr0_gen_params),
	KUNIT_CASE(svm_xcr0_beyond_host),
	KUNIT_CASE_PARAM(svm_msrpm, msrpm_gen_params),
	KUNIT_CASE(svm_exception_error_code_needs_pe),
	KUNIT_CASE(svm_unmap_gen_flushes_tlb),
	KUNIT_CASE(svm_host_apic_repoll),
	{}
};

static struct kunit_suite axvm_svm_suite = {
	.name = "axvm_svm",
	.test_cases = axvm_svm_cases,
};
kunit_test_suite(axvm_svm_suite);
