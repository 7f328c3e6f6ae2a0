// SPDX-License-Identifier: GPL-2.0
/*
 * The register ioctls (GET/SET_REGS, GET/SET_SREGS) on an SVM vCPU. The
 * core holds vcpu->mutex, so the vCPU is not running.
 *
 * SET_SREGS refuses what we can tell is wrong (-EINVAL): reserved uapi
 * fields, unknown EFER bits or SVME, CR0 bits 63:32, NW without CD, PG
 * without PE, LMA that disagrees with LME and PG, segment attributes
 * beyond the VMCB's 12 bits. Whatever else the hardware refuses at
 * VMRUN comes back as an entry failure, never as a host fault.
 */
#include <asm/processor-flags.h>
#include <asm/svm.h>
#include "svm.h"

#define SVM_SEG_ATTRIB_MASK	0xfff
/* RFLAGS bits a guest may hold: everything but 3, 5, 15 and 22-63. */
#define SVM_RFLAGS_RESERVED	(~0x3f7fd7ULL)
#define SVM_EFER_VALID		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX | \
				 EFER_FFXSR)

int axvm_svm_get_regs(struct axvm_vcpu *vcpu, struct axvm_regs *regs)
{
	struct axvm_svm_vcpu *svm = to_svm(vcpu);
	const u64 *r = svm->regs;

	regs->rax = r[SVM_REG_RAX];
	regs->rbx = r[SVM_REG_RBX];
	regs->rcx = r[SVM_REG_RCX];
	regs->rdx = r[SVM_REG_RDX];
	regs->rsi = r[SVM_REG_RSI];
	regs->rdi = r[SVM_REG_RDI];
	regs->rsp = r[SVM_REG_RSP];
	regs->rbp = r[SVM_REG_RBP];
	regs->r8 = r[SVM_REG_R8];
	regs->r9 = r[SVM_REG_R9];
	regs->r10 = r[SVM_REG_R10];
	regs->r11 = r[SVM_REG_R11];
	regs->r12 = r[SVM_REG_R12];
	regs->r13 = r[SVM_REG_R13];
	regs->r14 = r[SVM_REG_R14];
	regs->r15 = r[SVM_REG_R15];
	regs->rip = svm->vmcb->save.rip;
	regs->rflags = svm->vmcb->save.rflags;
	return 0;
}

int axvm_svm_set_regs(struct axvm_vcpu *vcpu, const struct axvm_regs *regs)
{
	struct axvm_svm_vcpu *svm = to_svm(vcpu);
	u64 *r = svm->regs;

	if (regs->rflags & SVM_RFLAGS_RESERVED)
		return -EINVAL;
	r[SVM_REG_RAX] = regs->rax;
	r[SVM_REG_RBX] = regs->rbx;
	r[SVM_REG_RCX] = regs->rcx;
	r[SVM_REG_RDX] = regs->rdx;
	r[SVM_REG_RSI] = regs->rsi;
	r[SVM_REG_RDI] = regs->rdi;
	r[SVM_REG_RSP] = regs->rsp;
	r[SVM_REG_RBP] = regs->rbp;
	r[SVM_REG_R8] = regs->r8;
	r[SVM_REG_R9] = regs->r9;
	r[SVM_REG_R10] = regs->r10;
	r[SVM_REG_R11] = regs->r11;
	r[SVM_REG_R12] = regs->r12;
	r[SVM_REG_R13] = regs->r13;
	r[SVM_REG_R14] = regs->r14;
	r[SVM_REG_R15] = regs->r15;
	svm->vmcb->save.rip = regs->rip;
	svm->vmcb->save.rflags = regs->rflags | X86_EFLAGS_FIXED;
	return 0;
}

static void axvm_svm_get_seg(struct axvm_segment *to, const struct vmcb_seg *from)
{
	to->base = from->base;
	to->limit = from->limit;
	to->selector = from->selector;
	to->attrib = from->attrib;
}

static void axvm_svm_set_seg(struct vmcb_seg *to, const struct axvm_segment *from)
{
	to->base = from->base;
	to->limit = from->limit;
	to->selector = from->selector;
	to->attrib = from->attrib;
}

static void axvm_svm_get_dt(struct axvm_dtable *to, const struct vmcb_seg *from)
{
	memset(to, 0, sizeof(*to));
	to->base = from->base;
	to->limit = from->limit;
}

static void axvm_svm_set_dt(struct vmcb_seg *to, const struct axvm_dtable *from)
{
	to->base = from->base;
	to->limit = from->limit;
	to->selector = 0;
	to->attrib = 0;
}

int axvm_svm_get_sregs(struct axvm_vcpu *vcpu, struct axvm_sregs *sregs)
{
	const struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;

	memset(sregs, 0, sizeof(*sregs));
	axvm_svm_get_seg(&sregs->cs, &save->cs);
	axvm_svm_get_seg(&sregs->ds, &save->ds);
	axvm_svm_get_seg(&sregs->es, &save->es);
	axvm_svm_get_seg(&sregs->fs, &save->fs);
	axvm_svm_get_seg(&sregs->gs, &save->gs);
	axvm_svm_get_seg(&sregs->ss, &save->ss);
	axvm_svm_get_seg(&sregs->tr, &save->tr);
	axvm_svm_get_seg(&sregs->ldt, &save->ldtr);
	axvm_svm_get_dt(&sregs->gdt, &save->gdtr);
	axvm_svm_get_dt(&sregs->idt, &save->idtr);
	sregs->cr0 = save->cr0;
	sregs->cr2 = save->cr2;
	sregs->cr3 = save->cr3;
	sregs->cr4 = save->cr4;
	sregs->efer = save->efer & ~(u64)EFER_SVME;
	return 0;
}

static bool axvm_svm_sregs_valid(const struct axvm_sregs *s)
{
	const struct axvm_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr,
		&s->ldt,
	};
	bool lma_expected;
	unsigned int i;

	if (memchr_inv(s->reserved, 0, sizeof(s->reserved)) ||
	    memchr_inv(s->gdt.pad, 0, sizeof(s->gdt.pad)) ||
	    memchr_inv(s->idt.pad, 0, sizeof(s->idt.pad)))
		return false;
	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (segs[i]->attrib & ~SVM_SEG_ATTRIB_MASK)
			return false;
	if (s->efer & ~(u64)SVM_EFER_VALID)
		return false;
	if (upper_32_bits(s->cr0) || upper_32_bits(s->cr4))
		return false;
	if ((s->cr0 & X86_CR0_NW) && !(s->cr0 & X86_CR0_CD))
		return false;
	if ((s->cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PE))
		return false;
	lma_expected = (s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG);
	if (!!(s->efer & EFER_LMA) != lma_expected)
		return false;
	if (lma_expected && !(s->cr4 & X86_CR4_PAE))
		return false;
	return true;
}

int axvm_svm_set_sregs(struct axvm_vcpu *vcpu, const struct axvm_sregs *sregs)
{
	struct axvm_svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save_area *save = &svm->vmcb->save;

	if (!axvm_svm_sregs_valid(sregs))
		return -EINVAL;
	axvm_svm_set_seg(&save->cs, &sregs->cs);
	axvm_svm_set_seg(&save->ds, &sregs->ds);
	axvm_svm_set_seg(&save->es, &sregs->es);
	axvm_svm_set_seg(&save->fs, &sregs->fs);
	axvm_svm_set_seg(&save->gs, &sregs->gs);
	axvm_svm_set_seg(&save->ss, &sregs->ss);
	axvm_svm_set_seg(&save->tr, &sregs->tr);
	axvm_svm_set_seg(&save->ldtr, &sregs->ldt);
	axvm_svm_set_dt(&save->gdtr, &sregs->gdt);
	axvm_svm_set_dt(&save->idtr, &sregs->idt);
	save->cr0 = sregs->cr0;
	save->cr2 = sregs->cr2;
	save->cr3 = sregs->cr3;
	save->cr4 = sregs->cr4;
	save->efer = sregs->efer | EFER_SVME;
	/* CPL is SS.DPL in protected mode, as the hardware keeps it. */
	save->cpl = (save->cr0 & X86_CR0_PE) ?
		    (save->ss.attrib & SVM_SELECTOR_DPL_MASK) >>
		    SVM_SELECTOR_DPL_SHIFT : 0;
	/* New paging state: start from a fresh, empty ASID. */
	svm->asid_generation = 0;
	return 0;
}
