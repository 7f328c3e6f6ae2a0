/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The operations of struct axvm_arch_ops, one per line:
 * AXVM_ARCH_OP(return type, name, (arguments)) for the ones the core
 * calls unconditionally, AXVM_ARCH_OP_OPTIONAL for the ones it calls
 * only when set. Included by arch.h to declare the members and by
 * arch.c to check a backend, so the two cannot drift apart
 * (kvm-x86-ops.h's idea). No include guard: by design.
 */

/* Module load: is the hardware there? -ENODEV with one clear line. */
AXVM_ARCH_OP_OPTIONAL(int, probe, (void))
AXVM_ARCH_OP_OPTIONAL(void, exit, (void))

/* Optional per-VM state. */
AXVM_ARCH_OP_OPTIONAL(int, vm_init, (struct axvm *vm))
AXVM_ARCH_OP_OPTIONAL(void, vm_destroy, (struct axvm *vm))

/* Set up / tear down the backend's part of the vCPU (vcpu_size). May sleep. */
AXVM_ARCH_OP(int, vcpu_create, (struct axvm_vcpu *vcpu))
AXVM_ARCH_OP(void, vcpu_free, (struct axvm_vcpu *vcpu))
/* Put the vCPU in the entry state of DESIGN.md §4. */
AXVM_ARCH_OP(int, vcpu_reset, (struct axvm_vcpu *vcpu, u64 entry, u32 mode))

/*
 * The run loop (module/vcpu.c) does, per guest entry:
 *   preempt_disable(); vcpu_load(vcpu, cpu); hal->vcpu_loaded();
 *   vcpu_run(vcpu);
 *   hal->vcpu_put(); vcpu_put(vcpu); preempt_enable();
 *   handle_exit(vcpu, &exit);  then acts on exit->kind
 * vcpu_load/vcpu_put run on every entry, preemption off: cheap when
 * the CPU did not change.
 */
AXVM_ARCH_OP(void, vcpu_load, (struct axvm_vcpu *vcpu, int cpu))
AXVM_ARCH_OP(void, vcpu_put, (struct axvm_vcpu *vcpu))

/*
 * One guest entry, preemption disabled, interrupts on at call and
 * return. Disables interrupts, sets vcpu->mode = IN_GUEST_MODE with
 * smp_store_mb, then checks axvm_vcpu_should_exit() (a pending kick
 * or request: skip the entry, return 0), delivers pending
 * interrupts (axvm_vcpu_pending_irq) and enters. Must not sleep;
 * records the exit for handle_exit. 0, or a negative errno.
 */
AXVM_ARCH_OP(int, vcpu_run, (struct axvm_vcpu *vcpu))

/*
 * Act on the last exit, preemption enabled: may sleep (populate
 * RAM, read guest memory to decode). Handles what the arch can
 * (CPUID, MSRs, RAM faults, exceptions) and reports the rest in
 * *exit; AXVM_VEXIT_NONE when the guest can simply be entered
 * again. 0, or a negative errno.
 */
AXVM_ARCH_OP(int, handle_exit, (struct axvm_vcpu *vcpu,
	    struct axvm_vexit *exit))

/* Complete an IN or an MMIO read the core emulated. */
AXVM_ARCH_OP(void, complete_io_in, (struct axvm_vcpu *vcpu, u32 value))
AXVM_ARCH_OP(void, complete_mmio_read, (struct axvm_vcpu *vcpu, u64 value))
/* Set the hypercall's return value (RAX). */
AXVM_ARCH_OP(void, set_hypercall_result, (struct axvm_vcpu *vcpu, u64 value))

AXVM_ARCH_OP(int, get_regs, (struct axvm_vcpu *vcpu, struct axvm_regs *regs))
AXVM_ARCH_OP(int, set_regs, (struct axvm_vcpu *vcpu,
	    const struct axvm_regs *regs))
AXVM_ARCH_OP(int, get_sregs, (struct axvm_vcpu *vcpu, struct axvm_sregs *sregs))
AXVM_ARCH_OP(int, set_sregs, (struct axvm_vcpu *vcpu,
	    const struct axvm_sregs *sregs))

/* Can the guest take an external interrupt right now? */
AXVM_ARCH_OP(bool, interrupt_allowed, (struct axvm_vcpu *vcpu))
