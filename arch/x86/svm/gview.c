// SPDX-License-Identifier: GPL-2.0
/*
 * The guest as the exit handlers must see it to emulate an instruction
 * (QEMU's SVM has no decode assists): its code size, the linear address
 * of RIP, its page walk, and the bytes of the instruction at RIP.
 */
#include <asm/processor.h>
#include <asm/svm.h>
#include "svm.h"
#include "gwalk.h"

static int axvm_svm_read_gpa(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	return axvm_aspace_read(ctx, gpa, buf, len);
}

enum axvm_cpu_mode axvm_svm_cpu_mode(const struct vmcb_save_area *save)
{
	return axvm_cpu_mode_of(save->cr0 & X86_CR0_PE,
				save->rflags & X86_EFLAGS_VM,
				save->efer & EFER_LMA,
				save->cs.attrib & SVM_SELECTOR_L_MASK,
				save->cs.attrib & SVM_SELECTOR_DB_MASK);
}

/* The guest's paging state, for axvm_gwalk_*(). */
void axvm_svm_gwalk_cpu(struct axvm_svm_vcpu *svm, struct axvm_gwalk_cpu *cpu)
{
	const struct vmcb_save_area *save = &svm->vmcb->save;

	*cpu = (struct axvm_gwalk_cpu){
		.cr0 = save->cr0,
		.cr3 = save->cr3,
		.cr4 = save->cr4,
		.efer = save->efer,
		.maxphyaddr = boot_cpu_data.x86_phys_bits,
		.read_gpa = axvm_svm_read_gpa,
		.ctx = &svm->vcpu.vm->aspace,
	};
}

/*
 * Segment base + offset as the CPU forms a linear address: 64-bit code
 * ignores the bases of CS, DS, ES and SS; elsewhere it wraps at 4 GiB.
 */
u64 axvm_svm_linear(const struct vmcb_save_area *save, enum axvm_cpu_mode mode,
	       unsigned int seg, u64 offset)
{
	static const size_t seg_offset[] = {
		[AXVM_SEG_ES] = offsetof(struct vmcb_save_area, es),
		[AXVM_SEG_CS] = offsetof(struct vmcb_save_area, cs),
		[AXVM_SEG_SS] = offsetof(struct vmcb_save_area, ss),
		[AXVM_SEG_DS] = offsetof(struct vmcb_save_area, ds),
		[AXVM_SEG_FS] = offsetof(struct vmcb_save_area, fs),
		[AXVM_SEG_GS] = offsetof(struct vmcb_save_area, gs),
	};
	const struct vmcb_seg *s;

	if (WARN_ON_ONCE(seg >= ARRAY_SIZE(seg_offset)))
		seg = AXVM_SEG_DS;
	s = (const void *)save + seg_offset[seg];
	if (mode == AXVM_CPU_MODE_64)
		return (seg == AXVM_SEG_FS || seg == AXVM_SEG_GS) ?
		       s->base + offset : offset;
	return (u32)(s->base + offset);
}

/* The linear address of the instruction at RIP. */
u64 axvm_svm_rip_linear(const struct vmcb_save_area *save)
{
	enum axvm_cpu_mode mode = axvm_svm_cpu_mode(save);
	u64 ip = save->rip;

	if (mode == AXVM_CPU_MODE_32)
		ip = (u32)ip;
	else if (mode == AXVM_CPU_MODE_16)
		ip = (u16)ip;
	return axvm_svm_linear(save, mode, AXVM_SEG_CS, ip);
}

/*
 * Up to 15 bytes of the instruction at RIP into @bytes: how many, with
 * @fault saying why fewer; a negative errno when nothing could be tried.
 */
int axvm_svm_fetch_insn(struct axvm_svm_vcpu *svm, u8 *bytes,
		   struct axvm_gwalk_fault *fault)
{
	const struct vmcb_save_area *save = &svm->vmcb->save;
	struct axvm_gwalk_cpu cpu;

	axvm_svm_gwalk_cpu(svm, &cpu);
	memset(fault, 0, sizeof(*fault));
	return axvm_gwalk_fetch(&cpu, axvm_svm_rip_linear(save), save->cpl == 3,
				bytes, AXVM_INSN_MAX_LEN, fault);
}
