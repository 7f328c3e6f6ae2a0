/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AMD SVM backend: what its files share. Included by vmenter.S for
 * the register slots only.
 *
 * Files: svm.c (the ops table, probe, per-VM and vCPU objects),
 * enable.c (EFER.SVME per CPU, refcounted, hotplug/reboot/suspend),
 * vmcb.c (intercepts, IOPM/MSRPM, ASIDs), vmenter.S + run.c (one guest
 * entry), exits.c (exit handlers), string_io.c (INS/OUTS), gview.c (the
 * guest's code and page walk as emulation sees them), cpuid.c and msr.c
 * (guest policy), regs.c (register ioctls), entry.c (the entry state of
 * DESIGN.md §4).
 */
#ifndef AXVM_SVM_SVM_H
#define AXVM_SVM_SVM_H

/* Guest GPR slots in axvm_svm_vcpu.regs[]: the hardware encoding order. */
#define SVM_REG_RAX	0	/* in the VMCB while the guest runs */
#define SVM_REG_RCX	1
#define SVM_REG_RDX	2
#define SVM_REG_RBX	3
#define SVM_REG_RSP	4	/* in the VMCB while the guest runs */
#define SVM_REG_RBP	5
#define SVM_REG_RSI	6
#define SVM_REG_RDI	7
#define SVM_REG_R8	8
#define SVM_REG_R9	9
#define SVM_REG_R10	10
#define SVM_REG_R11	11
#define SVM_REG_R12	12
#define SVM_REG_R13	13
#define SVM_REG_R14	14
#define SVM_REG_R15	15
#define SVM_NR_REGS	16

#ifndef __ASSEMBLY__

#include <linux/types.h>
#include <linux/percpu.h>
#include <asm/page.h>
#include <asm/svm.h>
#include <asm/fpu/types.h>
#include "axvm.h"
#include "axvm_svm.h"
#include "decode.h"
#include "pc.h"

/* What the guest was last told (pending completions of an exit). */
enum axvm_svm_pending {
	SVM_PENDING_NONE = 0,
	SVM_PENDING_IO_IN,	/* IN: write RAX from complete_io_in */
	SVM_PENDING_MMIO_READ,	/* decoded load: write its destination */
	SVM_PENDING_INS,	/* INS: write guest memory at ins_gpa */
};

/* An event for EVENTINJ: SVM_EVTINJ_* format, 0 = none. */
struct axvm_svm_event {
	u32 inj;
	u32 err;
};

/* KVM's shape: the generic vCPU first, reached back with container_of. */
struct axvm_svm_vcpu {
	struct axvm_vcpu vcpu;
	struct vmcb *vmcb;
	phys_addr_t vmcb_pa;
	/*
	 * The MSR permission map is per vCPU, as KVM's: which MSRs exit
	 * can follow the vCPU (its APIC mode, what its guest has used).
	 */
	void *msrpm;
	phys_addr_t msrpm_pa;

	/*
	 * Guest GPRs. RAX and RSP live in the VMCB during the run and are
	 * copied here around it, so regs[] is the whole truth in between.
	 */
	u64 regs[SVM_NR_REGS];

	/* ASID of this vCPU on its last CPU (vmcb.c). */
	int asid_cpu;
	u64 asid_generation;
	u64 unmap_gen;		/* the VM's aspace.unmap_gen at the last flush */

	/* Guest extended state, swapped around each entry. */
	struct fpu_guest fpu;
	bool fpu_used;		/* entered since the last reset */
	u64 xcr0;
	u32 pkru;

	/* Guest debug registers DR0-3, live once the guest touched one. */
	bool dr_live;
	unsigned long db[4];

	/* Emulated MSR state (msr.c). */
	u64 tsc_aux;
	u32 pkrs;

	/* Events to deliver at the next entry, in this order. */
	struct axvm_svm_event reinject;	/* from EXITINTINFO */
	struct axvm_svm_event exception;	/* raised by an exit handler */

	/* The last trip: did VMRUN run (else the exit fields are stale)? */
	bool entered;

	/*
	 * Platform VMs (run.c): V_TPR as entered; NMIs blocked from an
	 * injection until the guest's IRET has completed: the IRET seen
	 * (at nmi_iret_rip), and a single step over it asked for while
	 * another NMI waits.
	 */
	u8 entry_tpr;
	bool nmi_masked;
	bool nmi_iret_seen;
	bool nmi_singlestep;
	u64 nmi_iret_rip;

	/* An exit userspace or a device completes (exits.c). */
	u8 pending;			/* enum axvm_svm_pending */
	u8 io_size;
	u64 ins_gpa;
	struct axvm_insn mmio_insn;	/* SVM_PENDING_MMIO_READ: the load */
};

static inline struct axvm_svm_vcpu *to_svm(struct axvm_vcpu *vcpu)
{
	return container_of(vcpu, struct axvm_svm_vcpu, vcpu);
}

/* Per VM (vm->arch_data). */
struct axvm_svm_vm {
	u64 *pml5;		/* 5-level hosts: the NPT's top level */
};

/* Per physical CPU. */
struct axvm_svm_cpu {
	struct page *hsave;		/* MSR_VM_HSAVE_PA */
	struct page *host_save;		/* the host's VMSAVE/VMLOAD state */
	phys_addr_t host_save_pa;
	bool enabled;			/* we set EFER.SVME here */
	u64 host_tsc_aux;		/* what RDTSCP/RDPID give the host */
	u64 asid_generation;
	u32 next_asid;
	u32 max_asid;
	struct vmcb *last_vmcb;		/* IBPB when another vCPU comes */
};
DECLARE_PER_CPU(struct axvm_svm_cpu, axvm_svm_cpu);

/* The first ASID the host may hand out (0 is the host's own). */
#define SVM_MIN_ASID	1

/* 1 once the reboot notifier disabled SVM: VMRUN faults are expected. */
extern u8 axvm_svm_rebooting;
/* The host's XCR0 at load (0 without XSAVE), the guest's ceiling. */
extern u64 axvm_svm_host_xcr0;
/* CPU features the exit handlers may use. */
extern bool axvm_svm_has_nrips;
extern bool axvm_svm_has_tsc_aux;	/* RDTSCP or RDPID: MSR_TSC_AUX */
extern bool axvm_svm_has_pks;		/* CPUID.7.0:ECX.PKS: MSR_IA32_PKRS */
#define AXVM_MSR_IA32_PKRS	0x6e1	/* not in 6.1's msr-index.h */

/* vmenter.S */
void __axvm_svm_vcpu_run(phys_addr_t vmcb_pa, u64 *regs,
			 phys_addr_t host_save_pa);

/* svm.c */
phys_addr_t axvm_svm_nested_cr3(struct axvm *vm);

/* gview.c */
struct axvm_gwalk_cpu;
struct axvm_gwalk_fault;
enum axvm_cpu_mode axvm_svm_cpu_mode(const struct vmcb_save_area *save);
void axvm_svm_gwalk_cpu(struct axvm_svm_vcpu *svm, struct axvm_gwalk_cpu *cpu);
u64 axvm_svm_linear(const struct vmcb_save_area *save, enum axvm_cpu_mode mode,
	       unsigned int seg, u64 offset);
u64 axvm_svm_rip_linear(const struct vmcb_save_area *save);
int axvm_svm_fetch_insn(struct axvm_svm_vcpu *svm, u8 *bytes,
		   struct axvm_gwalk_fault *fault);

/* enable.c */
int axvm_svm_hardware_enable(void);
void axvm_svm_hardware_disable(void);
int axvm_svm_enable_init(void);
void axvm_svm_enable_exit(void);

/* vmcb.c */
int axvm_svm_vmcb_global_init(void);
void axvm_svm_vmcb_global_exit(void);
void axvm_svm_vmcb_init(struct axvm_svm_vcpu *svm);
void axvm_svm_set_intercept(struct vmcb *vmcb, unsigned int bit);
void axvm_svm_clr_intercept(struct vmcb *vmcb, unsigned int bit);
bool axvm_svm_is_intercept(const struct vmcb *vmcb, unsigned int bit);
void axvm_svm_assign_asid(struct axvm_svm_vcpu *svm, struct axvm_svm_cpu *sd, int cpu);
void axvm_svm_cpu_asid_reset(struct axvm_svm_cpu *sd);
void axvm_svm_set_dr_intercepts(struct vmcb *vmcb, bool on);

/* run.c */
int axvm_svm_vcpu_run(struct axvm_vcpu *vcpu);
bool axvm_svm_interrupt_allowed(struct axvm_vcpu *vcpu);
bool axvm_svm_need_host_apic_repoll(bool host_is_guest, u32 entry_int_ctl);
void axvm_svm_queue_exception(struct axvm_svm_vcpu *svm, u8 vector, bool has_err,
			 u32 err);

/* exits.c */
int axvm_svm_handle_exit(struct axvm_vcpu *vcpu, struct axvm_vexit *exit);
void axvm_svm_complete_io_in(struct axvm_vcpu *vcpu, u32 value);
void axvm_svm_complete_mmio_read(struct axvm_vcpu *vcpu, u64 value);
void axvm_svm_set_hypercall_result(struct axvm_vcpu *vcpu, u64 value);
void axvm_svm_skip_insn(struct axvm_svm_vcpu *svm, unsigned int len);
int axvm_svm_string_io_unhandled(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit);

/* string_io.c */
int axvm_svm_exit_string_io(struct axvm_svm_vcpu *svm, struct axvm_vexit *exit,
		       u32 info, unsigned int size);
void axvm_svm_complete_ins(struct axvm_svm_vcpu *svm, u32 value);

/* cpuid.c */
struct axvm_svm_cpuid_ctx {
	u32 vcpu_id;
	u64 cr4;		/* the guest's: OSXSAVE, OSPKE */
	u64 xcr0;		/* the guest's, for the XSAVE area size */
	u64 xcr0_mask;		/* what XSETBV accepts */
	bool host_pku;		/* the host runs with CR4.PKE */
	bool pc_apic;		/* the platform's APIC: x2APIC, TSC deadline */
	bool apic_off;		/* ... and is globally disabled now */
	void (*host)(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d);
};
void axvm_svm_emulate_cpuid(struct axvm_svm_vcpu *svm);
u64 axvm_svm_guest_supported_xcr0(void);

/* msr.c */
int axvm_svm_get_msr(struct axvm_svm_vcpu *svm, u32 msr, u64 *val);
int axvm_svm_set_msr(struct axvm_svm_vcpu *svm, u32 msr, u64 val);
/* The MSR permission map: 8 KiB, two frames (APM 15.11). */
#define SVM_MSRPM_FRAMES	2
#define SVM_MSRPM_BYTES		(8 * 1024)
int axvm_svm_msrpm_init(void *msrpm);

/* regs.c */
int axvm_svm_get_regs(struct axvm_vcpu *vcpu, struct axvm_regs *regs);
int axvm_svm_set_regs(struct axvm_vcpu *vcpu, const struct axvm_regs *regs);
int axvm_svm_get_sregs(struct axvm_vcpu *vcpu, struct axvm_sregs *sregs);
int axvm_svm_set_sregs(struct axvm_vcpu *vcpu, const struct axvm_sregs *sregs);

/* entry.c */
int axvm_svm_vcpu_reset(struct axvm_vcpu *vcpu, u64 entry, u32 mode);

/* Pure policy functions, reached by tests/kunit/axvm_svm_test.c. */
#if IS_ENABLED(CONFIG_KUNIT)
void axvm_svm_cpuid(const struct axvm_svm_cpuid_ctx *ctx, u32 leaf, u32 sub,
		    u32 r[4]);
bool axvm_svm_pat_valid(u64 pat);
int axvm_svm_efer_write(u64 old, u64 val, bool paging, bool has_nx,
			bool has_ffxsr, u64 *out);
int axvm_svm_xcr0_check(u64 val, u64 supported);
#endif

/* Log a line about the VM, rate limited: bad guest or caller input. */
#define axvm_svm_vm_warn(vm, fmt, ...)					\
	pr_warn_ratelimited("axvm: vm %u (%s): " fmt, (vm)->id,	\
			    (vm)->name, ##__VA_ARGS__)

#endif /* __ASSEMBLY__ */
#endif /* AXVM_SVM_SVM_H */
