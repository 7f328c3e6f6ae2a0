// SPDX-License-Identifier: GPL-2.0
/*
 * What to do about each #VMEXIT: a table indexed by the exit code
 * (bounds-checked, array_index_nospec). A handler either finishes the
 * job (AXVM_VEXIT_NONE: enter again) or describes what the core must do.
 *
 *   INTR, NMI, SMI, INIT, #MC   the host took it (after STGI): NONE
 *   VINTR                       window open: inject on the next entry
 *   CR8 write (platform VMs, while TPR holds back an interrupt)
 *                               decoded, to the APIC's TPR; RIP + len
 *   IRET (platform VMs, while an NMI is in service)
 *                               NMIs unblocked once RIP moves past it
 *   #DB of our single step over that IRET: TF, RF cleared, not reflected
 *   CPUID, MSR, XSETBV, RDTSCP  emulated (cpuid.c, msr.c); a bad MSR or
 *                               XCR0 raises #GP
 *   HLT                         HALT, RIP + 1
 *   IOIO                        IO with RIP = EXITINFO2 (the next RIP);
 *                               INS/OUTS (REP or not): one element per
 *                               exit, string_io.c
 *   NPF                         RAM: populate, NONE; outside RAM: fetch
 *                               and decode the instruction, MMIO with
 *                               RIP advanced; a region that forbids the
 *                               access, a fetch or a page walk outside
 *                               RAM: NPF; undecodable: INTERNAL, DECODE
 *   VMMCALL                     HYPERCALL (RAX; RBX, RCX, RDX, RSI, RDI,
 *                               R8), RIP + 3; at CPL > 0, -EPERM in RAX
 *   VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA,
 *   MONITOR, MWAIT, RDPMC, RDPRU  #UD
 *   INVD, WBINVD                a no-op, RIP + 2
 *   DR0-3 access                stop intercepting, switch DR0-3 from now
 *   #DB, #AC                    reflected into the guest
 *   SHUTDOWN                    SHUTDOWN (triple fault)
 *   VMEXIT_INVALID              FAIL_ENTRY, hw_reason = the exit code, -1
 *   anything else               INTERNAL, UNHANDLED (data: exit code,
 *                               EXITINFO1, EXITINFO2, RIP)
 *
 * Without next-RIP save (QEMU), RIP advances by the instruction's
 * architectural length; a guest that pads HLT/CPUID/RDMSR/... with
 * redundant prefixes resumes inside its own instruction. With NRIPS the
 * hardware's next RIP is used.
 */
#include <linux/nospec.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/svm.h>
#include "svm.h"
#include "decode.h"
#include "gwalk.h"

/* NPF EXITINFO1 */
#define SVM_NPF_WRITE		BIT_ULL(1)
#define SVM_NPF_RSVD		BIT_ULL(3)
#define SVM_NPF_FETCH		BIT_ULL(4)
#define SVM_NPF_GUEST_PAGE	BIT_ULL(33)	/* while walking guest tables */

typedef int (*axvm_svm_exit_fn)(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit);

static bool axvm_svm_long_mode_code(const struct vmcb_save_area *save)
{
	return (save->efer & EFER_LMA) &&
	       (save->cs.attrib & SVM_SELECTOR_L_MASK);
}

/* RIP moves on by @len; that also ends an STI / MOV SS shadow. */
static void axvm_svm_advance_rip(struct axvm_svm_vcpu *svm, unsigned int len)
{
	struct vmcb *vmcb = svm->vmcb;

	vmcb->save.rip += len;
	if (!axvm_svm_long_mode_code(&vmcb->save))
		vmcb->save.rip &= 0xffffffff;
	vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}

/*
 * Past an intercepted instruction of architectural length @len: the
 * hardware's next RIP when it saves one (run.c zeroes it before entry).
 */
void axvm_svm_skip_insn(struct axvm_svm_vcpu *svm, unsigned int len)
{
	struct vmcb *vmcb = svm->vmcb;

	if (axvm_svm_has_nrips && vmcb->control.next_rip) {
		vmcb->save.rip = vmcb->control.next_rip;
		vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
		return;
	}
	axvm_svm_advance_rip(svm, len);
}

static int axvm_svm_exit_none(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	exit->kind = AXVM_VEXIT_NONE;
	return 0;
}

static int axvm_svm_exit_ud(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	axvm_svm_queue_exception(svm, UD_VECTOR, false, 0);
	return axvm_svm_exit_none(svm, exit);
}

static int axvm_svm_exit_vintr(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	/* axvm_svm_inject_events() closes the window and injects. */
	return axvm_svm_exit_none(svm, exit);
}

static int axvm_svm_exit_db(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	/* Our own single step over an NMI handler's IRET (run.c). */
	if (svm->nmi_singlestep) {
		svm->nmi_singlestep = false;
		svm->vmcb->save.rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_RF);
		return axvm_svm_exit_none(svm, exit);
	}
	/* DR6 already says why; EVENTINJ leaves it alone. */
	axvm_svm_queue_exception(svm, DB_VECTOR, false, 0);
	return axvm_svm_exit_none(svm, exit);
}

static int axvm_svm_exit_ac(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	axvm_svm_queue_exception(svm, AC_VECTOR, true, 0);
	return axvm_svm_exit_none(svm, exit);
}

static int axvm_svm_exit_cpuid(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	axvm_svm_emulate_cpuid(svm);
	return axvm_svm_exit_none(svm, exit);
}

static int axvm_svm_exit_hlt(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	axvm_svm_skip_insn(svm, 1);
	exit->kind = AXVM_VEXIT_HALT;
	return 0;
}

static int axvm_svm_exit_nop2(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	axvm_svm_skip_insn(svm, 2);		/* INVD, WBINVD */
	return axvm_svm_exit_none(svm, exit);
}

static int axvm_svm_exit_shutdown(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	/* The VMCB is undefined now: vcpu_reset rebuilds it before reuse. */
	exit->kind = AXVM_VEXIT_SHUTDOWN;
	return 0;
}

static int axvm_svm_internal(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit,
			u32 suberror)
{
	struct vmcb *vmcb = svm->vmcb;

	exit->kind = AXVM_VEXIT_INTERNAL;
	exit->internal.suberror = suberror;
	exit->internal.data[0] = vmcb->control.exit_code |
				 ((u64)vmcb->control.exit_code_hi << 32);
	exit->internal.data[1] = vmcb->control.exit_info_1;
	exit->internal.data[2] = vmcb->control.exit_info_2;
	exit->internal.data[3] = vmcb->save.rip;
	return 0;
}

static int axvm_svm_exit_unhandled(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	struct axvm *vm = svm->vcpu.vm;

	axvm_svm_vm_warn(vm, "vcpu %u: unhandled exit 0x%x at rip 0x%llx\n",
		    svm->vcpu.id, svm->vmcb->control.exit_code,
		    svm->vmcb->save.rip);
	return axvm_svm_internal(svm, exit, AXVM_INTERNAL_ERROR_UNHANDLED);
}

int axvm_svm_string_io_unhandled(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	return axvm_svm_exit_unhandled(svm, exit);
}

static int axvm_svm_exit_ioio(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	struct vmcb *vmcb = svm->vmcb;
	u32 info = vmcb->control.exit_info_1;
	u32 size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
	bool in = info & SVM_IOIO_TYPE_MASK;

	/* SZ8/SZ16/SZ32 are one-hot: 1, 2, 4 */
	if (size != 1 && size != 2 && size != 4)
		return axvm_svm_exit_unhandled(svm, exit);
	if (info & SVM_IOIO_STR_MASK)
		return axvm_svm_exit_string_io(svm, exit, info, size);

	exit->kind = AXVM_VEXIT_IO;
	exit->io.port = info >> 16;
	exit->io.size = size;
	exit->io.in = in;
	if (in) {
		svm->pending = SVM_PENDING_IO_IN;
		svm->io_size = size;
	} else {
		exit->io.data = svm->regs[SVM_REG_RAX] &
				(size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
	}
	vmcb->save.rip = vmcb->control.exit_info_2;
	vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	return 0;
}

void axvm_svm_complete_io_in(struct axvm_vcpu *vcpu, u32 value)
{
	struct axvm_svm_vcpu *svm = to_svm(vcpu);
	u64 *rax = &svm->regs[SVM_REG_RAX];

	if (svm->pending == SVM_PENDING_INS) {
		svm->pending = SVM_PENDING_NONE;
		axvm_svm_complete_ins(svm, value);
		return;
	}
	if (svm->pending != SVM_PENDING_IO_IN)
		return;
	svm->pending = SVM_PENDING_NONE;
	switch (svm->io_size) {
	case 1:
		*rax = (*rax & ~0xffULL) | (value & 0xff);
		break;
	case 2:
		*rax = (*rax & ~0xffffULL) | (value & 0xffff);
		break;
	default:
		*rax = value;		/* a 32-bit write zero-extends */
		break;
	}
}

static int axvm_svm_exit_msr(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	u64 *regs = svm->regs;
	u32 msr = regs[SVM_REG_RCX];
	u64 val;

	if (svm->vmcb->control.exit_info_1) {
		val = (regs[SVM_REG_RDX] << 32) | (u32)regs[SVM_REG_RAX];
		if (axvm_svm_set_msr(svm, msr, val)) {
			axvm_svm_queue_exception(svm, GP_VECTOR, true, 0);
			return axvm_svm_exit_none(svm, exit);
		}
	} else {
		if (axvm_svm_get_msr(svm, msr, &val)) {
			axvm_svm_queue_exception(svm, GP_VECTOR, true, 0);
			return axvm_svm_exit_none(svm, exit);
		}
		regs[SVM_REG_RAX] = (u32)val;
		regs[SVM_REG_RDX] = val >> 32;
	}
	axvm_svm_skip_insn(svm, 2);
	return axvm_svm_exit_none(svm, exit);
}

static int axvm_svm_exit_rdtscp(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	u64 tsc = rdtsc_ordered() + svm->vmcb->control.tsc_offset;

	svm->regs[SVM_REG_RAX] = (u32)tsc;
	svm->regs[SVM_REG_RDX] = tsc >> 32;
	svm->regs[SVM_REG_RCX] = (u32)svm->tsc_aux;
	axvm_svm_skip_insn(svm, 3);
	return axvm_svm_exit_none(svm, exit);
}

/* A new XCR0 for the guest: 0 or -EPERM (#GP), as the SDM's XSETBV. */
AXVM_VISIBLE_IF_KUNIT int axvm_svm_xcr0_check(u64 val, u64 supported)
{
	if (val & ~supported)
		return -EPERM;
	if (!(val & XFEATURE_MASK_FP))
		return -EPERM;
	if ((val & XFEATURE_MASK_YMM) && !(val & XFEATURE_MASK_SSE))
		return -EPERM;
	if ((val & XFEATURE_MASK_AVX512) &&
	    ((val & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	     !(val & XFEATURE_MASK_YMM)))
		return -EPERM;
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_svm_xcr0_check);

static int axvm_svm_exit_xsetbv(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	struct vmcb_save_area *save = &svm->vmcb->save;
	u64 *regs = svm->regs;
	u64 val = (regs[SVM_REG_RDX] << 32) | (u32)regs[SVM_REG_RAX];

	if (!(save->cr4 & X86_CR4_OSXSAVE) || !axvm_svm_host_xcr0) {
		axvm_svm_queue_exception(svm, UD_VECTOR, false, 0);
		return axvm_svm_exit_none(svm, exit);
	}
	if (save->cpl || (u32)regs[SVM_REG_RCX] != XCR_XFEATURE_ENABLED_MASK ||
	    axvm_svm_xcr0_check(val, axvm_svm_guest_supported_xcr0())) {
		axvm_svm_queue_exception(svm, GP_VECTOR, true, 0);
		return axvm_svm_exit_none(svm, exit);
	}
	svm->xcr0 = val;
	axvm_svm_skip_insn(svm, 3);
	return axvm_svm_exit_none(svm, exit);
}

static int axvm_svm_exit_vmmcall(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	u64 *regs = svm->regs;

	axvm_svm_skip_insn(svm, 3);
	/* Hypercalls are for the guest kernel, not its user programs. */
	if (svm->vmcb->save.cpl) {
		regs[SVM_REG_RAX] = (u64)-EPERM;
		return axvm_svm_exit_none(svm, exit);
	}
	exit->kind = AXVM_VEXIT_HYPERCALL;
	exit->hypercall.nr = regs[SVM_REG_RAX];
	exit->hypercall.args[0] = regs[SVM_REG_RBX];
	exit->hypercall.args[1] = regs[SVM_REG_RCX];
	exit->hypercall.args[2] = regs[SVM_REG_RDX];
	exit->hypercall.args[3] = regs[SVM_REG_RSI];
	exit->hypercall.args[4] = regs[SVM_REG_RDI];
	exit->hypercall.args[5] = regs[SVM_REG_R8];
	return 0;
}

void axvm_svm_set_hypercall_result(struct axvm_vcpu *vcpu, u64 value)
{
	to_svm(vcpu)->regs[SVM_REG_RAX] = value;
}

static int axvm_svm_exit_dr(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	/* Re-execute with DR0-3 the guest's (zero until it sets them). */
	svm->dr_live = true;
	axvm_svm_set_dr_intercepts(svm->vmcb, false);
	return axvm_svm_exit_none(svm, exit);
}

static int axvm_svm_exit_err(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	exit->kind = AXVM_VEXIT_FAIL_ENTRY;
	exit->hw_reason = (u64)SVM_EXIT_ERR;	/* VMEXIT_INVALID, -1 */
	return 0;
}

/* ---- nested page faults: RAM and MMIO ------------------------------------ */

static int axvm_svm_npf_exit(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit,
			u64 gpa, u32 access)
{
	exit->kind = AXVM_VEXIT_NPF;
	exit->npf.gpa = gpa;
	exit->npf.access = access;
	return 0;
}

static int axvm_svm_decode_failed(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit,
			     u64 gpa, const u8 *bytes, int reason)
{
	struct axvm *vm = svm->vcpu.vm;
	u64 first = 0;

	memcpy(&first, bytes, sizeof(first));
	axvm_svm_vm_warn(vm, "vcpu %u: MMIO at gpa 0x%llx by an instruction we cannot emulate at rip 0x%llx (%*ph): %s\n",
		    svm->vcpu.id, gpa, svm->vmcb->save.rip, 8, bytes,
		    axvm_decode_reason_str(reason));
	exit->kind = AXVM_VEXIT_INTERNAL;
	exit->internal.suberror = AXVM_INTERNAL_ERROR_DECODE;
	exit->internal.data[0] = gpa;
	exit->internal.data[1] = svm->vmcb->save.rip;
	exit->internal.data[2] = first;
	exit->internal.data[3] = reason;
	return 0;
}

/*
 * The guest touched @gpa outside its RAM: fetch the instruction at RIP
 * through the guest's page tables, decode it, and hand the core an MMIO
 * access with RIP already past the instruction. Loads finish in
 * axvm_svm_complete_mmio_read().
 */
static int axvm_svm_mmio(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit, u64 gpa,
		    bool write)
{
	struct vmcb_save_area *save = &svm->vmcb->save;
	struct axvm_gwalk_fault fault;
	struct axvm_insn *insn = &svm->mmio_insn;
	u8 bytes[AXVM_INSN_MAX_LEN] = {};
	int n, ret;

	n = axvm_svm_fetch_insn(svm, bytes, &fault);
	if (n < 0)
		return axvm_svm_decode_failed(svm, exit, gpa, bytes,
					 AXVM_DECODE_TRUNCATED);
	ret = axvm_decode(bytes, n, axvm_svm_cpu_mode(save), insn);
	if (ret == -ENODATA && fault.err == -EFAULT) {
		/* Its tail is on a page the guest unmapped meanwhile. */
		save->cr2 = fault.addr;
		axvm_svm_queue_exception(svm, PF_VECTOR, true, fault.error_code);
		return axvm_svm_exit_none(svm, exit);
	}
	if (ret == -E2BIG) {
		axvm_svm_queue_exception(svm, GP_VECTOR, true, 0);
		return axvm_svm_exit_none(svm, exit);
	}
	if (ret)
		return axvm_svm_decode_failed(svm, exit, gpa, bytes, insn->reason);
	/* Another vCPU rewrote the code since the fault: let it run again. */
	if (insn->write != write)
		return axvm_svm_exit_none(svm, exit);

	exit->kind = AXVM_VEXIT_MMIO;
	exit->mmio.gpa = gpa;
	exit->mmio.len = insn->width;
	exit->mmio.write = insn->write;
	if (insn->write) {
		exit->mmio.data = axvm_insn_write_value(insn, svm->regs);
		svm->pending = SVM_PENDING_NONE;
	} else {
		svm->pending = SVM_PENDING_MMIO_READ;
	}
	/* Never next_rip: an NPF has none, the decoded length is the truth. */
	axvm_svm_advance_rip(svm, insn->len);
	return 0;
}

void axvm_svm_complete_mmio_read(struct axvm_vcpu *vcpu, u64 value)
{
	struct axvm_svm_vcpu *svm = to_svm(vcpu);

	if (svm->pending != SVM_PENDING_MMIO_READ)
		return;
	svm->pending = SVM_PENDING_NONE;
	axvm_insn_complete_read(&svm->mmio_insn, svm->regs, value);
}

static int axvm_svm_exit_npf(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	struct axvm *vm = svm->vcpu.vm;
	u64 info = c->exit_info_1, gpa = c->exit_info_2;
	bool populated = false;
	u32 access;
	int ret;

	if (info & SVM_NPF_FETCH)
		access = AXVM_MEM_EXEC;
	else if (info & SVM_NPF_WRITE)
		access = AXVM_MEM_WRITE;
	else
		access = AXVM_MEM_READ;
	if (info & SVM_NPF_RSVD) {
		/* Our own table is malformed: never the guest's doing. */
		WARN_ONCE(1, "axvm: reserved bits in NPT entry for gpa 0x%llx\n",
			  gpa);
		return axvm_svm_exit_unhandled(svm, exit);
	}

	ret = axvm_aspace_handle_fault(&vm->aspace, gpa, access, &populated);
	if (!ret) {
		if (populated)
			atomic64_inc(&vm->stats.npf_populated);
		return axvm_svm_exit_none(svm, exit);
	}
	if (ret == -EACCES)
		return axvm_svm_npf_exit(svm, exit, gpa, access);
	if (ret != -EFAULT)
		return ret;
	/* Not RAM: MMIO, unless it is code or the guest's page tables. */
	if (access == AXVM_MEM_EXEC || (info & SVM_NPF_GUEST_PAGE))
		return axvm_svm_npf_exit(svm, exit, gpa, access);
	/*
	 * The CPU was delivering an event (an IDT or stack access faulted),
	 * not running the instruction at RIP: decoding that instruction
	 * would emulate something the guest never did. KVM gives up here
	 * too (KVM_INTERNAL_ERROR_DELIVERY_EV).
	 */
	if (c->exit_int_info & SVM_EXITINTINFO_VALID) {
		axvm_svm_vm_warn(vm, "vcpu %u: MMIO at gpa 0x%llx while delivering event %#x\n",
			    svm->vcpu.id, gpa, c->exit_int_info);
		svm->reinject.inj = 0;
		exit->kind = AXVM_VEXIT_INTERNAL;
		exit->internal.suberror = AXVM_INTERNAL_ERROR_DELIVERY;
		exit->internal.data[0] = gpa;
		exit->internal.data[1] = c->exit_int_info;
		return 0;
	}
	return axvm_svm_mmio(svm, exit, gpa, access == AXVM_MEM_WRITE);
}

/*
 * MOV to CR8, intercepted only while TPR alone holds back an interrupt
 * (run.c): the new TPR may release it. The instruction is decoded from
 * guest memory (QEMU has no decode assists): REX.R 0F 22 /r with mod 11
 * and reg 0; CR8 exists only in 64-bit code (the LOCK MOV CR0 alias of
 * 32-bit code is not supported: an internal error, DECODE).
 */
static int axvm_svm_exit_cr8_write(struct axvm_svm_vcpu *svm,
				   struct axvm_vexit *exit)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	struct axvm_gwalk_fault fault;
	u8 b[AXVM_INSN_MAX_LEN];
	unsigned int i = 0;
	u8 rex = 0, modrm;
	int n;
	u64 val;

	n = axvm_svm_fetch_insn(svm, b, &fault);
	if (n > 0 && (b[0] & 0xf0) == 0x40)
		rex = b[i++];
	if (n < (int)i + 3 || b[i] != 0x0f || b[i + 1] != 0x22 ||
	    !(rex & 0x4)) {
		exit->kind = AXVM_VEXIT_INTERNAL;
		exit->internal.suberror = AXVM_INTERNAL_ERROR_DECODE;
		exit->internal.data[0] = SVM_EXIT_WRITE_CR8;
		exit->internal.data[1] = svm->vmcb->save.rip;
		return 0;
	}
	modrm = b[i + 2];
	val = svm->regs[(modrm & 7) | ((rex & 1) << 3)];
	/* Bits 63:4 of CR8 are reserved. */
	if (val >> 4) {
		axvm_svm_queue_exception(svm, GP_VECTOR, true, 0);
		return axvm_svm_exit_none(svm, exit);
	}
	axvm_pc_set_cr8(&svm->vcpu, val);
	c->int_ctl = (c->int_ctl & ~V_TPR_MASK) | val;
	svm->entry_tpr = val;
	axvm_svm_skip_insn(svm, i + 3);
	return axvm_svm_exit_none(svm, exit);
}

/*
 * IRET, intercepted while an injected NMI is being handled: the exit
 * comes before it runs, so NMIs stay blocked until an exit finds RIP
 * elsewhere (run.c), which a single step forces when another waits.
 */
static int axvm_svm_exit_iret(struct axvm_svm_vcpu *svm,
			      struct axvm_vexit *exit)
{
	svm->nmi_iret_seen = true;
	svm->nmi_iret_rip = svm->vmcb->save.rip;
	axvm_svm_clr_intercept(svm->vmcb, INTERCEPT_IRET);
	return axvm_svm_exit_none(svm, exit);
}

static const axvm_svm_exit_fn axvm_svm_exit_handlers[] = {
	[SVM_EXIT_READ_DR0 ... SVM_EXIT_READ_DR3]	= axvm_svm_exit_dr,
	[SVM_EXIT_WRITE_DR0 ... SVM_EXIT_WRITE_DR3]	= axvm_svm_exit_dr,
	[SVM_EXIT_EXCP_BASE + DB_VECTOR]	= axvm_svm_exit_db,
	[SVM_EXIT_EXCP_BASE + AC_VECTOR]	= axvm_svm_exit_ac,
	[SVM_EXIT_EXCP_BASE + MC_VECTOR]	= axvm_svm_exit_none,
	[SVM_EXIT_INTR]			= axvm_svm_exit_none,
	[SVM_EXIT_NMI]			= axvm_svm_exit_none,
	[SVM_EXIT_SMI]			= axvm_svm_exit_none,
	[SVM_EXIT_INIT]			= axvm_svm_exit_none,
	[SVM_EXIT_VINTR]		= axvm_svm_exit_vintr,
	[SVM_EXIT_WRITE_CR8]		= axvm_svm_exit_cr8_write,
	[SVM_EXIT_IRET]			= axvm_svm_exit_iret,
	[SVM_EXIT_CPUID]		= axvm_svm_exit_cpuid,
	[SVM_EXIT_RDPMC]		= axvm_svm_exit_ud,
	[SVM_EXIT_INVD]			= axvm_svm_exit_nop2,
	[SVM_EXIT_HLT]			= axvm_svm_exit_hlt,
	[SVM_EXIT_INVLPGA]		= axvm_svm_exit_ud,
	[SVM_EXIT_IOIO]			= axvm_svm_exit_ioio,
	[SVM_EXIT_MSR]			= axvm_svm_exit_msr,
	[SVM_EXIT_SHUTDOWN]		= axvm_svm_exit_shutdown,
	[SVM_EXIT_VMRUN]		= axvm_svm_exit_ud,
	[SVM_EXIT_VMMCALL]		= axvm_svm_exit_vmmcall,
	[SVM_EXIT_VMLOAD]		= axvm_svm_exit_ud,
	[SVM_EXIT_VMSAVE]		= axvm_svm_exit_ud,
	[SVM_EXIT_STGI]			= axvm_svm_exit_ud,
	[SVM_EXIT_CLGI]			= axvm_svm_exit_ud,
	[SVM_EXIT_SKINIT]		= axvm_svm_exit_ud,
	[SVM_EXIT_RDTSCP]		= axvm_svm_exit_rdtscp,
	[SVM_EXIT_WBINVD]		= axvm_svm_exit_nop2,
	[SVM_EXIT_MONITOR]		= axvm_svm_exit_ud,
	[SVM_EXIT_MWAIT]		= axvm_svm_exit_ud,
	[SVM_EXIT_MWAIT_COND]		= axvm_svm_exit_ud,
	[SVM_EXIT_XSETBV]		= axvm_svm_exit_xsetbv,
	[SVM_EXIT_RDPRU]		= axvm_svm_exit_ud,
	[SVM_EXIT_NPF]			= axvm_svm_exit_npf,
};

int axvm_svm_handle_exit(struct axvm_vcpu *vcpu, struct axvm_vexit *exit)
{
	struct axvm_svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;
	u64 code;
	axvm_svm_exit_fn fn = NULL;

	if (!svm->entered)
		return axvm_svm_exit_none(svm, exit);
	svm->entered = false;
	/* The guest's MOV to CR8 since the entry, to the APIC (run.c). */
	if (axvm_pc_active(vcpu) &&
	    (c->int_ctl & V_TPR_MASK) != svm->entry_tpr)
		axvm_pc_set_cr8(vcpu, c->int_ctl & V_TPR_MASK);
	code = c->exit_code | ((u64)c->exit_code_hi << 32);

	/* Hardware writes -1 in 64 bits, QEMU in the low 32 only. */
	if (c->exit_code == (u32)SVM_EXIT_ERR)
		return axvm_svm_exit_err(svm, exit);
	if (code < ARRAY_SIZE(axvm_svm_exit_handlers))
		fn = axvm_svm_exit_handlers[array_index_nospec(code,
					ARRAY_SIZE(axvm_svm_exit_handlers))];
	if (!fn)
		return axvm_svm_exit_unhandled(svm, exit);
	return fn(svm, exit);
}
