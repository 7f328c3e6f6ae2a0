/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct axvm_arch_ops: the hardware backend (SVM now; VMX and arm64
 * later), in the style of kvm_x86_ops. Exactly one backend is registered
 * at module load; required ops are checked once by axvm_arch_register().
 * tests/kunit/fake_arch.c is a scriptable backend for KUnit.
 */
#ifndef AXVM_ARCH_H
#define AXVM_ARCH_H

#include <linux/types.h>
#include <uapi/linux/axvm.h>

struct axvm;
struct axvm_vcpu;
struct axvm_pte_ops;

/*
 * What one trip into the guest ended with, as far as the core must act:
 * the arch handles everything else (CPUID, MSRs, RAM population, its own
 * exceptions) itself and reports AXVM_VEXIT_NONE. Mirrors axvcpu's
 * AxVCpuExitReason.
 */
enum axvm_vexit_kind {
	AXVM_VEXIT_NONE = 0,	/* handled; enter again */
	AXVM_VEXIT_IO,		/* port I/O; RIP already advanced */
	AXVM_VEXIT_MMIO,	/* decoded MMIO; RIP already advanced */
	AXVM_VEXIT_HALT,	/* HLT; RIP already advanced */
	AXVM_VEXIT_HYPERCALL,	/* VMMCALL; RIP already advanced */
	AXVM_VEXIT_SHUTDOWN,	/* triple fault */
	AXVM_VEXIT_FAIL_ENTRY,
	AXVM_VEXIT_INTERNAL,
	AXVM_VEXIT_NPF,		/* fault outside RAM the arch could not decode */
};

struct axvm_vexit {
	enum axvm_vexit_kind kind;
	union {
		struct {
			u16 port;
			u8 size;	/* 1, 2, 4 */
			bool in;
			u32 data;	/* OUT: the value */
		} io;
		struct {
			u64 gpa;
			u8 len;		/* 1, 2, 4, 8 */
			bool write;
			u64 data;	/* write: the value */
		} mmio;
		struct {
			u64 nr;
			u64 args[6];
		} hypercall;
		struct {
			u64 gpa;
			u64 access;	/* AXVM_MEM_* */
		} npf;
		u64 hw_reason;		/* FAIL_ENTRY */
		struct {
			u32 suberror;
			u64 data[4];
		} internal;
	};
};

struct axvm_arch_ops {
	const char *name;

	/* Module load: is the hardware there? -ENODEV with one clear line. */
	int (*probe)(void);
	void (*exit)(void);

	/*
	 * Turn virtualization on/off on the current CPU (preemption off,
	 * called through on_each_cpu and CPU hotplug). Enable returns
	 * -EBUSY when another hypervisor (kvm_amd) holds the CPU.
	 */
	int (*hardware_enable)(void);
	void (*hardware_disable)(void);

	/* Optional per-VM state. */
	int (*vm_init)(struct axvm *vm);
	void (*vm_destroy)(struct axvm *vm);

	/* Allocate/free vcpu->arch. May sleep. */
	int (*vcpu_create)(struct axvm_vcpu *vcpu);
	void (*vcpu_free)(struct axvm_vcpu *vcpu);
	/* Put the vCPU in the entry state of DESIGN.md §4. */
	int (*vcpu_reset)(struct axvm_vcpu *vcpu, u64 entry, u32 mode);

	/*
	 * The run loop (module/vcpu.c) does, per guest entry:
	 *   preempt_disable(); vcpu_load(vcpu, cpu); hal->vcpu_loaded();
	 *   vcpu_run(vcpu);
	 *   hal->vcpu_put(); vcpu_put(vcpu); preempt_enable();
	 *   handle_exit(vcpu, &exit);  then acts on exit->kind
	 * vcpu_load/vcpu_put run on every entry, preemption off: cheap when
	 * the CPU did not change.
	 */
	void (*vcpu_load)(struct axvm_vcpu *vcpu, int cpu);
	void (*vcpu_put)(struct axvm_vcpu *vcpu);

	/*
	 * One guest entry, preemption disabled, interrupts on at call and
	 * return. Disables interrupts, sets vcpu->mode = IN_GUEST_MODE with
	 * smp_store_mb, then checks axvm_vcpu_should_exit() (a pending kick
	 * or request: skip the entry, return 0), delivers pending
	 * interrupts (axvm_vcpu_pending_irq) and enters. Must not sleep;
	 * records the exit for handle_exit. 0, or a negative errno.
	 */
	int (*vcpu_run)(struct axvm_vcpu *vcpu);

	/*
	 * Act on the last exit, preemption enabled: may sleep (populate
	 * RAM, read guest memory to decode). Handles what the arch can
	 * (CPUID, MSRs, RAM faults, exceptions) and reports the rest in
	 * *exit; AXVM_VEXIT_NONE when the guest can simply be entered
	 * again. 0, or a negative errno.
	 */
	int (*handle_exit)(struct axvm_vcpu *vcpu, struct axvm_vexit *exit);

	/* Complete an IN or an MMIO read the core emulated. */
	void (*complete_io_in)(struct axvm_vcpu *vcpu, u32 value);
	void (*complete_mmio_read)(struct axvm_vcpu *vcpu, u64 value);
	/* Set the hypercall's return value (RAX). */
	void (*set_hypercall_result)(struct axvm_vcpu *vcpu, u64 value);

	int (*get_regs)(struct axvm_vcpu *vcpu, struct axvm_regs *regs);
	int (*set_regs)(struct axvm_vcpu *vcpu, const struct axvm_regs *regs);
	int (*get_sregs)(struct axvm_vcpu *vcpu, struct axvm_sregs *sregs);
	int (*set_sregs)(struct axvm_vcpu *vcpu, const struct axvm_sregs *sregs);

	/* Can the guest take an external interrupt right now? */
	bool (*interrupt_allowed)(struct axvm_vcpu *vcpu);

	/* The stage-2 page table format. */
	const struct axvm_pte_ops *pte_ops;
};

extern const struct axvm_arch_ops *axvm_arch;
extern const struct axvm_arch_ops axvm_svm_ops;

int axvm_arch_check(const struct axvm_arch_ops *ops);
int axvm_arch_register(const struct axvm_arch_ops *ops);
void axvm_arch_unregister(void);

#endif /* AXVM_ARCH_H */
