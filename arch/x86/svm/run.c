// SPDX-License-Identifier: GPL-2.0
/*
 * One guest entry: axvm_svm_vcpu_run(), in the order of KVM 6.1's
 * vcpu_enter_guest() + axvm_svm_vcpu_run():
 *
 *   bottom halves off (fpregs_lock) and guest FPU in (fpu_swap_kvm_fpstate;
 *     interrupts on); see "Guest FPU" below
 *   interrupts off; vcpu->mode = IN_GUEST_MODE (smp_store_mb); look at
 *     kicks, requests, signals, need_resched one last time: skip if any
 *   events: EXITINTINFO re-injection, then a queued exception, then an
 *     external interrupt through EVENTINJ if the guest can take one now,
 *     else an interrupt window (V_IRQ + VINTR intercept)
 *   ASID, host VMSAVE, CLGI, guest XCR0/PKRU/DR0-3/TSC_AUX in
 *   guest_state_enter_irqoff; STI (GIF=0 still masks); VMRUN (vmenter.S:
 *     VMLOAD guest, GPRs, VMRUN, GPRs, VMSAVE guest, VMLOAD host, RSB
 *     fill, untrain, IBPB on exit when the host asks); CLI;
 *     guest_state_exit_irqoff
 *   host TSC_AUX, DR7/DR0-3, PKRU, XCR0 back; STGI (an NMI comes here)
 *   mode = OUTSIDE_GUEST_MODE; #MC to the host's handler; EXITINTINFO
 *   interrupts on (the host interrupt that caused the exit, accounted as
 *     guest time), off, guest_timing_exit, on; guest FPU out and bottom
 *     halves on (likewise): softirqs raised meanwhile run here
 *
 * Guest FPU: from swap-in to swap-out the guest's registers are live in
 * the CPU. A managed VM's vCPU is a kernel thread, for which neither
 * kernel_fpu_begin() nor a context switch saves registers, so a softirq
 * SIMD user (AES-NI for IPsec, ...) running at irq exit in that window
 * would clobber them and leave its data for the guest to read. Bottom
 * halves stay off across the window: no softirq runs in it, and
 * irq_fpu_usable() refuses hardirq users while softirq_count() is set.
 * With preemption off too, nothing in the window can set
 * TIF_NEED_FPU_LOAD, so the registers are the guest's at VMRUN.
 * (Loading the guest FPU once per RUN, KVM's way, is for user tasks
 * only and is the hot-path issue's: a kthread must keep this swap.)
 *
 * SPEC_CTRL: the guest cannot read or write it (MSR intercepted, CPUID
 * hides it), so it runs with the host's value: no switch is needed, and
 * with V_SPEC_CTRL the VMCB gets the host's value too. Likewise the
 * host's SSBD (VIRT_SPEC_CTRL/LS_CFG) stays on for the guest.
 * Host FS/GS/TR/LDTR, KERNEL_GS_BASE, STAR/LSTAR/CSTAR/SFMASK and
 * SYSENTER_* are VMSAVEd to a per-CPU page before each entry and
 * VMLOADed right after #VMEXIT, before any C code runs with the guest's
 * GS base. The hidden TR state comes back whole, so (unlike KVM 6.1) no
 * LTR is needed.
 */
#include <linux/kvm_host.h>	/* guest_{timing,state}_{enter,exit}_irqoff */
#include <linux/sched.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/mce.h>
#include <asm/nospec-branch.h>
#include <asm/special_insns.h>
#include <asm/svm.h>
#include "svm.h"
#include "trace.h"
#include "kunit_export.h"

/*
 * CLGI, STGI and VMSAVE cannot fault here: SVM is on (sd->enabled, read
 * with interrupts off, so the reboot notifier's IPI cannot come between)
 * and the emergency (crash) NMI is held off by GIF=0 until STGI.
 */
static __always_inline void axvm_svm_clgi(void)
{
	asm volatile("clgi" ::: "memory");
}

static __always_inline void axvm_svm_stgi(void)
{
	asm volatile("stgi" ::: "memory");
}

static __always_inline void axvm_svm_vmsave(phys_addr_t pa)
{
	asm volatile("vmsave %0" :: "a" (pa) : "memory");
}

static bool axvm_svm_can_take_irq(const struct vmcb *vmcb)
{
	return (vmcb->save.rflags & X86_EFLAGS_IF) &&
	       !(vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK);
}

/* For the core's HLT wait: could an interrupt be delivered now? */
bool axvm_svm_interrupt_allowed(struct axvm_vcpu *vcpu)
{
	return axvm_svm_can_take_irq(to_svm(vcpu)->vmcb);
}

/*
 * QEMU 7.2's TCG (the test hosts) sets V_IRQ's request bit in VMRUN with
 * a plain read-modify-write of the CPU's interrupt_request, outside the
 * lock its I/O thread holds when it raises the CPU's own APIC timer
 * interrupt there (upstream fixed in 2025: "treewide: clear bits of
 * cs->interrupt_request with cpu_reset_interrupt()"). A collision loses
 * the host's request: its timer vector stays in the host APIC's IRR,
 * never delivered, until something else makes QEMU look at that APIC
 * again, which on an idle test host can take minutes. Every hrtimer of
 * that CPU (the device models' timers, so the guest's LAPIC tick) waits
 * as long. A guest polling with interrupts off while one of its own is
 * pending makes every entry request the window, thousands a second.
 *
 * After such an entry, on a host that is itself a guest, rewrite CR8
 * with its own value: QEMU re-evaluates the APIC (cpu_set_apic_tpr) and
 * raises whatever it holds. On hardware nothing is lost and nothing is
 * done.
 */
bool axvm_svm_need_host_apic_repoll(bool host_is_guest, u32 entry_int_ctl)
{
	return host_is_guest && (entry_int_ctl & V_IRQ_MASK);
}
AXVM_EXPORT_FOR_TESTS(axvm_svm_need_host_apic_repoll);

static void axvm_svm_repoll_host_apic(void)
{
	unsigned long cr8;

	asm volatile("mov %%cr8, %0" : "=r" (cr8));
	asm volatile("mov %0, %%cr8" :: "r" (cr8) : "memory");
}

/* Raise an exception at the next entry (an exit handler's verdict). */
void axvm_svm_queue_exception(struct axvm_svm_vcpu *svm, u8 vector, bool has_err,
			 u32 err)
{
	svm->exception.inj = vector | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID;
	svm->exception.err = 0;
	/* Real mode pushes no error code: injecting one corrupts the stack. */
	if (has_err && (svm->vmcb->save.cr0 & X86_CR0_PE)) {
		svm->exception.inj |= SVM_EVTINJ_VALID_ERR;
		svm->exception.err = err;
	}
}
AXVM_EXPORT_FOR_TESTS(axvm_svm_queue_exception);

/*
 * The interrupt window: V_IRQ with the highest priority (TPR ignored,
 * as our injection ignores it) makes the guest exit with VINTR as soon
 * as it could take an interrupt; the real vector then goes in through
 * EVENTINJ on the next entry.
 */
static void axvm_svm_clear_irq_window(struct vmcb *vmcb)
{
	vmcb->control.int_ctl &= ~V_IRQ_INJECTION_BITS_MASK;
	axvm_svm_clr_intercept(vmcb, INTERCEPT_VINTR);
}

static void axvm_svm_request_irq_window(struct vmcb *vmcb)
{
	vmcb->control.int_vector = 0;
	vmcb->control.int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK |
				 (0xf << V_INTR_PRIO_SHIFT);
	axvm_svm_set_intercept(vmcb, INTERCEPT_VINTR);
}

static void axvm_svm_inject(struct axvm_svm_vcpu *svm, struct axvm_svm_event *ev, u32 kind)
{
	struct axvm_vcpu *vcpu = &svm->vcpu;

	svm->vmcb->control.event_inj = ev->inj;
	svm->vmcb->control.event_inj_err = ev->err;
	trace_axvm_inject(vcpu->vm->id, vcpu->id,
			  ev->inj & SVM_EVTINJ_VEC_MASK, kind);
	ev->inj = 0;
	ev->err = 0;
}

/*
 * A platform VM's TPR lives in its local APIC; the guest's MOV to CR8
 * changes V_TPR without an exit. Each entry loads V_TPR from the APIC
 * and each exit (exits.c) copies it back if the guest changed it, which
 * keeps TPR[3:0] written through MMIO unless CR8 was written. While TPR
 * alone holds back an interrupt, a CR8 write that lowers it must exit
 * so the interrupt goes in: intercept it just then, as KVM does.
 */
static void axvm_svm_tpr_to_guest(struct axvm_svm_vcpu *svm)
{
	struct vmcb *vmcb = svm->vmcb;
	u8 tpr = axvm_pc_get_cr8(&svm->vcpu);

	vmcb->control.int_ctl = (vmcb->control.int_ctl & ~V_TPR_MASK) | tpr;
	svm->entry_tpr = tpr;
	if (axvm_pc_tpr_blocks(&svm->vcpu))
		axvm_svm_set_intercept(vmcb, INTERCEPT_CR8_WRITE);
	else
		axvm_svm_clr_intercept(vmcb, INTERCEPT_CR8_WRITE);
}

/*
 * An NMI the platform's APIC took goes in when no other event does and
 * NMIs are not blocked. They stay blocked until the guest's IRET has
 * completed (KVM's way): the IRET intercept (exits.c) marks it seen,
 * the first exit past it unblocks; and while another NMI waits, a
 * single step over the IRET (TF, its #DB intercepted) makes that exit
 * come at once, so the NMI arrives right after the IRET, as on a CPU.
 */
static void axvm_svm_inject_nmi(struct axvm_svm_vcpu *svm)
{
	struct axvm_svm_event nmi = {
		.inj = NMI_VECTOR | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID,
	};
	struct vmcb_save_area *save = &svm->vmcb->save;

	if (svm->nmi_masked) {
		if (svm->nmi_iret_seen && !svm->nmi_singlestep &&
		    axvm_pc_nmi_pending(&svm->vcpu)) {
			svm->nmi_singlestep = true;
			save->rflags |= X86_EFLAGS_TF | X86_EFLAGS_RF;
		}
		return;
	}
	if (svm->vmcb->control.event_inj || !axvm_pc_take_nmi(&svm->vcpu))
		return;
	svm->nmi_masked = true;
	axvm_svm_set_intercept(svm->vmcb, INTERCEPT_IRET);
	axvm_svm_inject(svm, &nmi, AXVM_TRACE_INJ_NMI);
}

/* Interrupts off, right before entry. */
static void axvm_svm_inject_events(struct axvm_svm_vcpu *svm)
{
	struct axvm_vcpu *vcpu = &svm->vcpu;
	struct vmcb *vmcb = svm->vmcb;
	struct axvm_svm_event irq;
	int vector;

	axvm_svm_clear_irq_window(vmcb);
	vmcb->control.event_inj = 0;
	vmcb->control.event_inj_err = 0;

	if (svm->reinject.inj)
		axvm_svm_inject(svm, &svm->reinject, AXVM_TRACE_INJ_REINJECT);
	else if (svm->exception.inj)
		axvm_svm_inject(svm, &svm->exception, AXVM_TRACE_INJ_EXCEPTION);
	if (axvm_pc_active(vcpu)) {
		axvm_svm_tpr_to_guest(svm);
		axvm_svm_inject_nmi(svm);
	}

	vector = axvm_vcpu_pending_irq(vcpu);
	if (vector < 0)
		return;
	if (vmcb->control.event_inj || !axvm_svm_can_take_irq(vmcb)) {
		axvm_svm_request_irq_window(vmcb);
		return;
	}
	vector = axvm_vcpu_ack_irq(vcpu, vector);
	if (vector < 0)
		return;
	irq.inj = vector | SVM_EVTINJ_TYPE_INTR | SVM_EVTINJ_VALID;
	irq.err = 0;
	axvm_svm_inject(svm, &irq, AXVM_TRACE_INJ_IRQ);
}

/*
 * After #VMEXIT: an event whose delivery the exit interrupted (a nested
 * page fault on the IDT or the stack, a host interrupt) is delivered
 * again at the next entry. Software interrupts and INT3/INTO are not:
 * RIP still points at the instruction, which simply runs again.
 */
static void axvm_svm_complete_interrupts(struct axvm_svm_vcpu *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	u32 info = c->exit_int_info;
	u32 type = info & SVM_EXITINTINFO_TYPE_MASK;
	u8 vector = info & SVM_EXITINTINFO_VEC_MASK;

	/* Past the IRET that ends an NMI handler: NMIs may come again. */
	if (svm->nmi_iret_seen && svm->vmcb->save.rip != svm->nmi_iret_rip) {
		svm->nmi_iret_seen = false;
		svm->nmi_masked = false;
	}

	if (!(info & SVM_EXITINTINFO_VALID))
		return;
	switch (type) {
	case SVM_EXITINTINFO_TYPE_SOFT:
		return;
	case SVM_EXITINTINFO_TYPE_EXEPT:
		if (vector == BP_VECTOR || vector == OF_VECTOR)
			return;
		break;
	}
	svm->reinject.inj = info & (SVM_EXITINTINFO_VEC_MASK |
				    SVM_EXITINTINFO_TYPE_MASK |
				    SVM_EXITINTINFO_VALID |
				    SVM_EXITINTINFO_VALID_ERR);
	svm->reinject.err = c->exit_int_info_err;
}

/*
 * XCR0 and PKRU are not in the VMCB.
 *
 * XCR0 is the guest's whenever it runs, when it differs from the host's:
 * CR4 writes do not exit, so a guest that sets CR4.OSXSAVE and reads
 * XGETBV at once must already find its own value. It only matters to
 * XSAVE and AVX, which fault without the guest's CR4.OSXSAVE anyway;
 * XSETBV exits, so the guest cannot change it behind our back.
 *
 * PKRU is the guest's if its CR4.PKE or XCR0.PKRU lets it use the
 * register, and only when it differs: on QEMU every WRPKRU flushes the
 * TLB. A guest that turns CR4.PKE on inside one run sees the host's
 * (non-secret, default) PKRU until it writes its own. The host's is put
 * back whenever the register changed, whatever the guest's CR4 says by
 * then: the user task must never run with the guest's.
 */
struct axvm_svm_host_xstate {
	bool xcr0_loaded;
	u32 pkru;
};

static void axvm_svm_load_guest_xstate(struct axvm_svm_vcpu *svm,
				  struct axvm_svm_host_xstate *host)
{
	const struct vmcb_save_area *save = &svm->vmcb->save;

	if (axvm_svm_host_xcr0 && svm->xcr0 != axvm_svm_host_xcr0) {
		xsetbv(XCR_XFEATURE_ENABLED_MASK, svm->xcr0);
		host->xcr0_loaded = true;
	}
	if (cpu_feature_enabled(X86_FEATURE_OSPKE)) {
		host->pkru = rdpkru();
		if (((save->cr4 & X86_CR4_PKE) ||
		     (svm->xcr0 & XFEATURE_MASK_PKRU)) &&
		    svm->pkru != host->pkru)
			wrpkru(svm->pkru);
	}
}

static void axvm_svm_load_host_xstate(struct axvm_svm_vcpu *svm,
				 const struct axvm_svm_host_xstate *host)
{
	const struct vmcb_save_area *save = &svm->vmcb->save;
	bool xcr0_loaded = host->xcr0_loaded;
	u64 xcr0;
	u32 pkru;

	/*
	 * QEMU's nested SVM runs the guest's XSETBV without the intercept
	 * (docs/design.md, "What the test hosts' emulator gets wrong"), so
	 * the CPU's XCR0 is the guest's truth: keep it. On hardware XSETBV
	 * always exits, so only a host that is itself a guest pays for it.
	 */
	if (static_cpu_has(X86_FEATURE_HYPERVISOR) && axvm_svm_host_xcr0 &&
	    (save->cr4 & X86_CR4_OSXSAVE)) {
		xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
		if (xcr0 != svm->xcr0) {
			svm->xcr0 = xcr0;
			xcr0_loaded = true;
		}
	}
	if (cpu_feature_enabled(X86_FEATURE_OSPKE)) {
		pkru = rdpkru();
		if ((save->cr4 & X86_CR4_PKE) ||
		    (svm->xcr0 & XFEATURE_MASK_PKRU))
			svm->pkru = pkru;
		if (pkru != host->pkru)
			wrpkru(host->pkru);
	}
	if (xcr0_loaded)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, axvm_svm_host_xcr0);
}

/*
 * TSC_AUX is the guest's while it runs, so RDTSCP and RDPID (which no
 * intercept catches on QEMU, and RDPID nowhere) return its value, not
 * the host's CPU number. Guest writes exit (MSRPM), so it changes only
 * through msr.c; most of the time both are 0 and nothing is written.
 */
static void axvm_svm_load_guest_tsc_aux(struct axvm_svm_vcpu *svm, struct axvm_svm_cpu *sd)
{
	if (axvm_svm_has_tsc_aux && svm->tsc_aux != sd->host_tsc_aux)
		wrmsrl(MSR_TSC_AUX, svm->tsc_aux);
}

static void axvm_svm_load_host_tsc_aux(struct axvm_svm_vcpu *svm, struct axvm_svm_cpu *sd)
{
	if (axvm_svm_has_tsc_aux && svm->tsc_aux != sd->host_tsc_aux)
		wrmsrl(MSR_TSC_AUX, sd->host_tsc_aux);
}

/*
 * PKRS likewise, on a CPU with PKS (QEMU's -cpu max) once the guest has
 * set it: the host's value (Linux 6.1 never enables PKS) goes back after
 * each run all the same.
 */
static void axvm_svm_load_guest_pkrs(struct axvm_svm_vcpu *svm, u64 *host)
{
	if (axvm_svm_has_pks && svm->pkrs) {
		rdmsrl(AXVM_MSR_IA32_PKRS, *host);
		wrmsrl(AXVM_MSR_IA32_PKRS, svm->pkrs);
	}
}

static void axvm_svm_load_host_pkrs(struct axvm_svm_vcpu *svm, u64 host)
{
	if (axvm_svm_has_pks && svm->pkrs)
		wrmsrl(AXVM_MSR_IA32_PKRS, host);
}

/*
 * DR0-3 are not in the VMCB. Until the guest touches one they stay
 * intercepted and the guest never sees the host's; from then on they
 * are switched around every entry. #VMEXIT disables the host's DR7, so
 * host breakpoints (perf, ptrace) are restored whenever they are on.
 */
static void axvm_svm_load_guest_dr(struct axvm_svm_vcpu *svm)
{
	if (!svm->dr_live)
		return;
	set_debugreg(svm->db[0], 0);
	set_debugreg(svm->db[1], 1);
	set_debugreg(svm->db[2], 2);
	set_debugreg(svm->db[3], 3);
}

static void axvm_svm_load_host_dr(struct axvm_svm_vcpu *svm)
{
	if (svm->dr_live) {
		get_debugreg(svm->db[0], 0);
		get_debugreg(svm->db[1], 1);
		get_debugreg(svm->db[2], 2);
		get_debugreg(svm->db[3], 3);
	}
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
}

static noinstr void axvm_svm_enter_exit(struct axvm_svm_vcpu *svm,
				   phys_addr_t host_save_pa)
{
	guest_state_enter_irqoff();
	/*
	 * RFLAGS.IF at VMRUN decides whether host interrupts exit the
	 * guest; GIF=0 keeps them pending until STGI meanwhile. Never
	 * STI right before VMRUN: its shadow would leak into the guest.
	 */
	raw_local_irq_enable();
	amd_clear_divider();
	__axvm_svm_vcpu_run(svm->vmcb_pa, svm->regs, host_save_pa);
	raw_local_irq_disable();
	guest_state_exit_irqoff();
}

/* A machine check exited the guest: the host's handler must see it. */
static void axvm_svm_handle_mce(void)
{
#ifdef CONFIG_X86_MCE
	/* As KVM: pretend user mode, the interrupted code was the guest. */
	struct pt_regs regs = {
		.cs = 3,
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}

/* One entry; see the top of the file. Preemption off. */
int axvm_svm_vcpu_run(struct axvm_vcpu *vcpu)
{
	struct axvm_svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct axvm_svm_host_xstate host = {};
	struct axvm_svm_cpu *sd;
	u64 host_pkrs = 0;
	bool repoll;
	int ret = 0;

	svm->entered = false;
	fpregs_lock();	/* until the swap-out: see the top */
	fpu_swap_kvm_fpstate(&svm->fpu, true);

	local_irq_disable();
	/* Pairs with the kicker's cmpxchg on vcpu->mode (module/vcpu.c). */
	smp_store_mb(vcpu->mode, AXVM_IN_GUEST_MODE);
	sd = this_cpu_ptr(&axvm_svm_cpu);
	if (unlikely(!sd->enabled)) {
		/* Only after the reboot notifier: refuse, do not fault. */
		ret = -EIO;
		goto out_outside;
	}
	if (axvm_vcpu_should_exit(vcpu))
		goto out_outside;
	axvm_svm_inject_events(svm);
	repoll = axvm_svm_need_host_apic_repoll(
			static_cpu_has(X86_FEATURE_HYPERVISOR),
			vmcb->control.int_ctl);
	axvm_svm_assign_asid(svm, sd, smp_processor_id());
	vmcb->control.nested_cr3 = axvm_svm_nested_cr3(vcpu->vm);
	vmcb->control.next_rip = 0;
	vmcb->save.rax = svm->regs[SVM_REG_RAX];
	vmcb->save.rsp = svm->regs[SVM_REG_RSP];
	if (cpu_feature_enabled(X86_FEATURE_V_SPEC_CTRL))
		vmcb->save.spec_ctrl = this_cpu_read(x86_spec_ctrl_current);
	trace_axvm_entry(vcpu->vm->id, vcpu->id, vmcb->save.rip);

	axvm_svm_vmsave(sd->host_save_pa);
	guest_timing_enter_irqoff();
	axvm_svm_clgi();
	axvm_svm_load_guest_xstate(svm, &host);
	axvm_svm_load_guest_dr(svm);
	axvm_svm_load_guest_tsc_aux(svm, sd);
	axvm_svm_load_guest_pkrs(svm, &host_pkrs);

	axvm_svm_enter_exit(svm, sd->host_save_pa);

	axvm_svm_load_host_pkrs(svm, host_pkrs);
	axvm_svm_load_host_tsc_aux(svm, sd);
	axvm_svm_load_host_dr(svm);
	axvm_svm_load_host_xstate(svm, &host);
	svm->regs[SVM_REG_RAX] = vmcb->save.rax;
	svm->regs[SVM_REG_RSP] = vmcb->save.rsp;
	axvm_svm_stgi();
	if (repoll)
		axvm_svm_repoll_host_apic();
	WRITE_ONCE(vcpu->mode, AXVM_OUTSIDE_GUEST_MODE);

	vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	if (unlikely(READ_ONCE(axvm_svm_rebooting))) {
		ret = -EIO;
	} else {
		if (unlikely(vmcb->control.exit_code ==
			     SVM_EXIT_EXCP_BASE + MC_VECTOR))
			axvm_svm_handle_mce();
		axvm_svm_complete_interrupts(svm);
		svm->entered = true;
		svm->fpu_used = true;
		trace_axvm_exit(vcpu->vm->id, vcpu->id,
				vmcb->control.exit_code, vmcb->save.rip,
				vmcb->control.exit_info_1,
				vmcb->control.exit_info_2);
	}

	/* The host interrupt that ended the run is handled here. */
	local_irq_enable();
	local_irq_disable();
	guest_timing_exit_irqoff();
	local_irq_enable();
	fpu_swap_kvm_fpstate(&svm->fpu, false);
	fpregs_unlock();
	return ret;

out_outside:
	WRITE_ONCE(vcpu->mode, AXVM_OUTSIDE_GUEST_MODE);
	local_irq_enable();
	fpu_swap_kvm_fpstate(&svm->fpu, false);
	fpregs_unlock();
	return ret;
}
