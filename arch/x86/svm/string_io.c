// SPDX-License-Identifier: GPL-2.0
/*
 * INS and OUTS, with or without REP: one element per exit, as the core's
 * port I/O exit carries one value. Without REP the instruction completes
 * at once; with REP, RCX counts down and RIP stays on the instruction
 * until it reaches zero, so the guest re-executes it for the next
 * element (interrupts can come in between, as on hardware).
 *
 * The element is read (OUTS, from seg:rSI; DS unless a prefix says
 * otherwise) or written (INS, to ES:rDI; no override) at the address
 * size of the mode or of a 0x67 prefix, through the guest's page tables
 * (a #PF there goes to the guest) in guest RAM. Not emulated: segment
 * limit checks, an element that straddles two pages, a string in MMIO
 * (those end the run with INTERNAL, UNHANDLED).
 */
#include <asm/processor-flags.h>
#include <asm/svm.h>
#include "svm.h"
#include "gwalk.h"

/*
 * What the prefixes say: the segment of OUTS (the last override, else
 * DS) and whether 0x67 flips the address size. EXITINFO1 has the address
 * size too, but QEMU leaves it out, and the segment only comes with
 * decode assists.
 */
struct axvm_svm_string_prefixes {
	unsigned int seg;
	bool addr_override;
};

static void axvm_svm_string_prefixes(struct axvm_svm_vcpu *svm,
				struct axvm_svm_string_prefixes *p)
{
	struct axvm_gwalk_fault fault;
	u8 bytes[AXVM_INSN_MAX_LEN];
	int i, n;

	p->seg = AXVM_SEG_DS;
	p->addr_override = false;
	n = axvm_svm_fetch_insn(svm, bytes, &fault);
	for (i = 0; i < n; i++) {
		switch (bytes[i]) {
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:		/* ES CS SS DS: 001ss110 */
			p->seg = (bytes[i] >> 3) & 3;
			break;
		case 0x64:
		case 0x65:
			p->seg = AXVM_SEG_FS + (bytes[i] & 1);
			break;
		case 0x67:
			p->addr_override = true;
			break;
		case 0x66:
		case 0xf0:
		case 0xf2:
		case 0xf3:
		case 0x40 ... 0x4f:	/* REX: 64-bit code only, last */
			break;
		default:
			return;
		}
	}
}

/* The address size as a mask: EXITINFO1's A16/A32/A64, else the mode's. */
static u64 axvm_svm_string_amask(u32 info, enum axvm_cpu_mode mode,
			    bool addr_override)
{
	if (info & BIT(9))
		return ~0ULL;
	if (info & BIT(8))
		return 0xffffffffULL;
	if (info & BIT(7))
		return 0xffffULL;
	switch (mode) {
	case AXVM_CPU_MODE_64:
		return addr_override ? 0xffffffffULL : ~0ULL;
	case AXVM_CPU_MODE_32:
		return addr_override ? 0xffffULL : 0xffffffffULL;
	default:
		return addr_override ? 0xffffffffULL : 0xffffULL;
	}
}

static u64 axvm_svm_add_masked(u64 reg, s64 delta, u64 mask)
{
	return (reg & ~mask) | ((reg + delta) & mask);
}

/*
 * The string form of an IOIO exit. 0 with *exit filled (IO or NONE), or
 * INTERNAL for what is not emulated.
 */
int axvm_svm_exit_string_io(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit,
		       u32 info, unsigned int size)
{
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_save_area *save = &vmcb->save;
	enum axvm_cpu_mode mode = axvm_svm_cpu_mode(save);
	bool in = info & SVM_IOIO_TYPE_MASK;
	bool rep = info & SVM_IOIO_REP_MASK;
	u64 *regs = svm->regs;
	struct axvm_svm_string_prefixes prefixes;
	struct axvm_gwalk_cpu cpu;
	u64 amask, lin, gpa, val = 0;
	u32 pfec = 0;
	int ptr, ret;
	s64 step;

	axvm_svm_string_prefixes(svm, &prefixes);
	amask = axvm_svm_string_amask(info, mode, prefixes.addr_override);
	if (rep && !(regs[SVM_REG_RCX] & amask)) {
		save->rip = vmcb->control.exit_info_2;
		exit->kind = AXVM_VEXIT_NONE;
		return 0;
	}

	ptr = in ? SVM_REG_RDI : SVM_REG_RSI;
	lin = axvm_svm_linear(save, mode, in ? AXVM_SEG_ES : prefixes.seg,
			 regs[ptr] & amask);
	if ((lin & ~PAGE_MASK) + size > PAGE_SIZE)
		return axvm_svm_string_io_unhandled(svm, exit);
	axvm_svm_gwalk_cpu(svm, &cpu);
	ret = axvm_gwalk_translate(&cpu, lin,
				   (in ? AXVM_GW_WRITE : 0) |
				   (save->cpl == 3 ? AXVM_GW_USER : 0),
				   &gpa, &pfec);
	if (ret == -EFAULT) {
		save->cr2 = lin;
		axvm_svm_queue_exception(svm, PF_VECTOR, true, pfec);
		exit->kind = AXVM_VEXIT_NONE;
		return 0;
	}
	if (ret)
		return axvm_svm_string_io_unhandled(svm, exit);
	if (in) {
		/* Written by axvm_svm_complete_io_in(): it must be RAM now. */
		if (!axvm_aspace_is_ram(&svm->vcpu.vm->aspace, gpa, size))
			return axvm_svm_string_io_unhandled(svm, exit);
	} else if (axvm_aspace_read(&svm->vcpu.vm->aspace, gpa, &val, size)) {
		return axvm_svm_string_io_unhandled(svm, exit);
	}

	/* The element is done as far as the registers are concerned. */
	step = save->rflags & X86_EFLAGS_DF ? -(s64)size : size;
	regs[ptr] = axvm_svm_add_masked(regs[ptr], step, amask);
	if (rep)
		regs[SVM_REG_RCX] = axvm_svm_add_masked(regs[SVM_REG_RCX], -1, amask);
	if (!rep || !(regs[SVM_REG_RCX] & amask)) {
		save->rip = vmcb->control.exit_info_2;
		vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	}

	exit->kind = AXVM_VEXIT_IO;
	exit->io.port = info >> 16;
	exit->io.size = size;
	exit->io.in = in;
	if (in) {
		svm->pending = SVM_PENDING_INS;
		svm->io_size = size;
		svm->ins_gpa = gpa;
	} else {
		exit->io.data = val;
	}
	return 0;
}

/* INS: the value the core produced goes to guest memory. */
void axvm_svm_complete_ins(struct axvm_svm_vcpu *svm, u32 value)
{
	struct axvm *vm = svm->vcpu.vm;

	if (axvm_aspace_write(&vm->aspace, svm->ins_gpa, &value, svm->io_size))
		axvm_svm_vm_warn(vm, "vcpu %u: INS to gpa 0x%llx lost: not RAM\n",
			    svm->vcpu.id, svm->ins_gpa);
}
