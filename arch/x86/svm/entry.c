// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_reset: the state a vCPU starts in (DESIGN.md §4). In every mode:
 * RFLAGS 0x2 (interrupts off), the GPRs zero, RIP = the entry, DR6/DR7
 * at their reset values, G_PAT at its power-on value, XCR0 = x87, the
 * guest FPU at its init state, no pending event, a fresh ASID.
 *
 *   real       CS = DS = ES = SS = FS = GS = 0 (base 0, limit 0xffff),
 *              IP = entry (< 0x10000), CR0 = ET
 *   protected  flat 4 GiB: CS 0x08 (32-bit code), data 0x10; CR0 = PE|ET,
 *              paging off
 *   long       CS 0x08 (64-bit code), data 0x10; CR0 = PG|WP|NE|ET|MP|PE,
 *              CR4 = PAE|OSFXSR|OSXMMEXCPT (compilers use SSE in 64-bit
 *              code), EFER = LME|LMA, CR3 = identity map of the low 4 GiB
 *              by 2 MiB pages
 *
 * The loader's structures, written into guest RAM here, in the VM's
 * loader window (module/loader.h: 0x9000-0xffff, which the images must
 * not overlap in protected and long mode; 0x1000-0x7fff when a
 * Multiboot kernel moved it):
 *   +0x0000  GDT: null, 0x08 code of the mode, 0x10 flat data, 0x18 the
 *            other code (32-bit in long mode, 64-bit in protected mode)
 *   +0x1000  PML4 (long mode only; so are the next two)
 *   +0x2000  PDPT: four entries
 *   +0x3000  four page directories, to the end of the window
 * Protected mode leaves +0x1000 on to the loader (Multiboot info).
 *
 * A Linux bzImage (vm->boot_linux_segs) asks for the boot protocol's
 * selectors instead (boot.rst: __BOOT_CS 0x10, __BOOT_DS 0x18): the GDT
 * is then null, 0x08 the other code, 0x10 code of the mode, 0x18 flat
 * data; CS 0x10, DS = ES = SS = FS = GS 0x18.
 */
#include <linux/slab.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/processor-flags.h>
#include <asm/svm.h>
#include "loader.h"
#include "svm.h"

/* In the VM's loader window (loader.h: 0x9000, or 0x1000 if it moved). */
#define ENTRY_GDT(vm)	(axvm_loader_win(&(vm)->aspace) + AXVM_LOADER_GDT_OFF)
#define ENTRY_PML4(vm)	(axvm_loader_win(&(vm)->aspace) + AXVM_LOADER_PT_OFF)
#define ENTRY_PDPT(vm)	(ENTRY_PML4(vm) + 0x1000)
#define ENTRY_PD(vm)	(ENTRY_PML4(vm) + 0x2000)	/* four of them */
/* The GDT and the tables lie inside the window. */
static_assert(AXVM_LOADER_PT_OFF + 0x2000 + 4 * 0x1000 == AXVM_LOADER_WIN_SIZE);

#define GDT_CODE64	0x00af9b000000ffffULL	/* L, P, DPL0, exec/read */
#define GDT_CODE32	0x00cf9b000000ffffULL	/* D, G, P, exec/read */
#define GDT_DATA	0x00cf93000000ffffULL	/* B, G, P, read/write */

/* VMCB attributes: type | S << 4 | DPL << 5 | P << 7 | AVL, L, DB, G << 8 */
#define ATTR_CODE64	0x0a9b
#define ATTR_CODE32	0x0c9b
#define ATTR_DATA32	0x0c93
#define ATTR_CODE16	0x009b
#define ATTR_DATA16	0x0093
#define ATTR_TSS_BUSY	0x008b
#define ATTR_LDT	0x0082

#define PTE_P		0x1ULL
#define PTE_RW		0x2ULL
#define PTE_PS		0x80ULL

/* The selectors of the mode's code and of data in that GDT. */
#define SEL_CODE(vm)	((vm)->boot_linux_segs ? 0x10 : 0x08)
#define SEL_DATA(vm)	((vm)->boot_linux_segs ? 0x18 : 0x10)

static int axvm_svm_write_gdt(struct axvm *vm, u32 mode)
{
	u64 code = mode == AXVM_MODE_LONG ? GDT_CODE64 : GDT_CODE32;
	u64 other = mode == AXVM_MODE_LONG ? GDT_CODE32 : GDT_CODE64;
	u64 gdt[4] = { 0, code, GDT_DATA, other };

	if (vm->boot_linux_segs) {
		gdt[1] = other;
		gdt[2] = code;
		gdt[3] = GDT_DATA;
	}
	return axvm_aspace_write(&vm->aspace, ENTRY_GDT(vm), gdt, sizeof(gdt));
}

/* PML4 -> PDPT -> 4 PDs of 512 2 MiB pages: GVA = GPA below 4 GiB. */
static int axvm_svm_write_page_tables(struct axvm *vm)
{
	u64 *t;
	int i, ret;

	t = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t[0] = ENTRY_PDPT(vm) | PTE_P | PTE_RW;
	ret = axvm_aspace_write(&vm->aspace, ENTRY_PML4(vm), t, PAGE_SIZE);
	if (ret)
		goto out_free;
	for (i = 0; i < 4; i++)
		t[i] = (ENTRY_PD(vm) + i * PAGE_SIZE) | PTE_P | PTE_RW;
	ret = axvm_aspace_write(&vm->aspace, ENTRY_PDPT(vm), t, PAGE_SIZE);
	if (ret)
		goto out_free;
	for (i = 0; i < 4 * 512; i++) {
		t[i % 512] = ((u64)i << 21) | PTE_P | PTE_RW | PTE_PS;
		if (i % 512 != 511)
			continue;
		ret = axvm_aspace_write(&vm->aspace,
					ENTRY_PD(vm) + (i / 512) * PAGE_SIZE, t,
					PAGE_SIZE);
		if (ret)
			goto out_free;
	}
out_free:
	kfree(t);
	return ret;
}

static void axvm_svm_set_segs(struct vmcb_save_area *save, u16 cs, u16 cs_attr,
			 u16 ds, u16 ds_attr, u32 limit)
{
	struct vmcb_seg *data[] = {
		&save->ds, &save->es, &save->ss, &save->fs, &save->gs,
	};
	unsigned int i;

	save->cs = (struct vmcb_seg){ .selector = cs, .attrib = cs_attr,
				      .limit = limit };
	for (i = 0; i < ARRAY_SIZE(data); i++)
		*data[i] = (struct vmcb_seg){ .selector = ds,
					      .attrib = ds_attr,
					      .limit = limit };
	save->tr = (struct vmcb_seg){ .attrib = ATTR_TSS_BUSY,
				      .limit = 0xffff };
	save->ldtr = (struct vmcb_seg){ .attrib = ATTR_LDT, .limit = 0xffff };
}

/* A fresh guest FPU: the state a restarted guest must not inherit. */
static int axvm_svm_reset_fpu(struct axvm_svm_vcpu *svm)
{
	struct fpu_guest fresh;

	if (!svm->fpu_used)
		return 0;
	if (!fpu_alloc_guest_fpstate(&fresh))
		return -ENOMEM;
	fpu_free_guest_fpstate(&svm->fpu);
	svm->fpu = fresh;
	svm->fpu_used = false;
	return 0;
}

int axvm_svm_vcpu_reset(struct axvm_vcpu *vcpu, u64 entry, u32 mode)
{
	struct axvm_svm_vcpu *svm = to_svm(vcpu);
	struct axvm *vm = vcpu->vm;
	struct vmcb_save_area *save;
	int ret;

	switch (mode) {
	case AXVM_MODE_REAL:
		if (entry > 0xffff)
			return -EINVAL;
		break;
	case AXVM_MODE_PROTECTED:
		if (entry > 0xffffffffULL)
			return -EINVAL;
		ret = axvm_svm_write_gdt(vm, mode);
		if (ret)
			return ret;
		break;
	case AXVM_MODE_LONG:
		if ((s64)(entry << 16) >> 16 != (s64)entry)
			return -EINVAL;
		ret = axvm_svm_write_gdt(vm, mode);
		if (!ret)
			ret = axvm_svm_write_page_tables(vm);
		if (ret)
			return ret;
		break;
	default:
		return -EINVAL;
	}
	ret = axvm_svm_reset_fpu(svm);
	if (ret)
		return ret;

	/* The whole VMCB: after a SHUTDOWN exit its contents are undefined. */
	memset(svm->vmcb, 0, PAGE_SIZE);
	axvm_svm_vmcb_init(svm);
	save = &svm->vmcb->save;

	switch (mode) {
	case AXVM_MODE_REAL:
		axvm_svm_set_segs(save, 0, ATTR_CODE16, 0, ATTR_DATA16, 0xffff);
		save->gdtr = (struct vmcb_seg){ .limit = 0xffff };
		save->idtr = (struct vmcb_seg){ .limit = 0x3ff };
		save->cr0 = X86_CR0_ET;
		save->efer = EFER_SVME;
		break;
	case AXVM_MODE_PROTECTED:
		axvm_svm_set_segs(save, SEL_CODE(vm), ATTR_CODE32, SEL_DATA(vm),
				  ATTR_DATA32, 0xffffffff);
		save->gdtr = (struct vmcb_seg){ .base = ENTRY_GDT(vm), .limit = 31 };
		save->cr0 = X86_CR0_PE | X86_CR0_ET;
		save->efer = EFER_SVME;
		break;
	case AXVM_MODE_LONG:
		axvm_svm_set_segs(save, SEL_CODE(vm), ATTR_CODE64, SEL_DATA(vm),
				  ATTR_DATA32, 0xffffffff);
		save->gdtr = (struct vmcb_seg){ .base = ENTRY_GDT(vm), .limit = 31 };
		save->cr0 = X86_CR0_PG | X86_CR0_WP | X86_CR0_NE | X86_CR0_ET |
			    X86_CR0_MP | X86_CR0_PE;
		save->cr3 = ENTRY_PML4(vm);
		save->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
		save->efer = EFER_LME | EFER_LMA | EFER_SVME;
		break;
	}
	save->cpl = 0;
	save->rip = entry;
	save->rflags = X86_EFLAGS_FIXED;
	save->dr6 = 0xffff0ff0;	/* reset values */
	save->dr7 = 0x400;

	memset(svm->regs, 0, sizeof(svm->regs));
	svm->xcr0 = XFEATURE_MASK_FP;
	svm->pkru = 0;
	svm->tsc_aux = 0;
	svm->pkrs = 0;
	svm->dr_live = false;
	memset(svm->db, 0, sizeof(svm->db));
	svm->reinject = (struct axvm_svm_event){};
	svm->exception = (struct axvm_svm_event){};
	svm->nmi_masked = false;
	svm->nmi_iret_seen = false;
	svm->nmi_singlestep = false;
	svm->entry_tpr = 0;
	svm->pending = SVM_PENDING_NONE;
	svm->entered = false;
	return 0;
}
