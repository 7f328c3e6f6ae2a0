/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct axvm_platform_ops: the machine around a VM's CPUs that a real
 * OS expects (on x86 the PC: local APICs, IOAPIC, 8259s, SMP bring-up).
 * A VM gets it by asking at creation (AXVM_VM_PLATFORM_PC) from a
 * backend that has one (struct axvm_arch_ops.platform); without it a VM
 * is bare: vectors go straight to a vCPU's pending set and every vCPU
 * starts at the entry.
 *
 * The core calls these at fixed points of a VM's life and of the vCPU
 * run loop (module/vcpu.c, lifecycle.c); the implementation keeps its
 * state in vm->platform_data and vcpu->platform_data.
 */
#ifndef AXVM_PLATFORM_H
#define AXVM_PLATFORM_H

#include <linux/types.h>

struct axvm;
struct axvm_vcpu;

/* What the run loop does next with a vCPU (vcpu_events). */
enum axvm_vcpu_next {
	AXVM_VCPU_NEXT_RUN = 0,		/* enter the guest */
	AXVM_VCPU_NEXT_WAIT,		/* not runnable (waits for SIPI) */
};

/* A guest-physical range [start, end). */
struct axvm_gpa_range {
	u64 start, end;
};

struct axvm_platform_ops {
	const char *name;
	/*
	 * The MMIO windows the platform's devices own (IOAPIC, HPET,
	 * LAPIC): never RAM. vm_config.c refuses a memory region over one.
	 */
	const struct axvm_gpa_range *mmio;
	unsigned int nr_mmio;
	/*
	 * Build / free the VM's platform devices. May sleep. vm_destroy
	 * comes before the vCPUs' vcpu_destroy: once it returns, nothing of
	 * the platform may reach a vCPU (its timers are gone).
	 */
	int (*vm_init)(struct axvm *vm);
	void (*vm_destroy)(struct axvm *vm);
	/* FINALIZE and RESTART: the devices to their power-on state. */
	void (*vm_reset)(struct axvm *vm);
	/* A vCPU's part (its local APIC). May sleep. */
	int (*vcpu_init)(struct axvm_vcpu *vcpu);
	void (*vcpu_destroy)(struct axvm_vcpu *vcpu);
	/*
	 * After the backend's vcpu_reset (FINALIZE, RESTART): power-on
	 * state; an AP may be left waiting for SIPI. vcpu->mutex held.
	 */
	int (*vcpu_reset)(struct axvm_vcpu *vcpu);
	/*
	 * Before each entry, vcpu->mutex held, may sleep: act on what
	 * other vCPUs sent (INIT, SIPI). 0 and *@next, or an errno.
	 */
	int (*vcpu_events)(struct axvm_vcpu *vcpu, enum axvm_vcpu_next *next);
	/* May a blocked vCPU (HLT, wait-for-SIPI) go on? Any context. */
	bool (*vcpu_wakeup)(struct axvm_vcpu *vcpu);
	/*
	 * A guest access to port or MMIO space: true when the platform
	 * answered it (*@val is a read's value), false to let the VM's
	 * devices and the mode's policy have it. From the vCPU's thread.
	 */
	bool (*access)(struct axvm_vcpu *vcpu, u32 space, u64 addr, u8 width,
		       bool write, u64 *val);
	/*
	 * The vector to deliver next, or -1: a look, nothing changes. Then
	 * its delivery: the vector the CPU takes (an 8259's acknowledge
	 * may answer another), or -1 when the request went away.
	 */
	int (*pending_irq)(struct axvm_vcpu *vcpu);
	int (*ack_irq)(struct axvm_vcpu *vcpu, int vector);
	/*
	 * Drive interrupt line @gsi to @level (AXVM_SET_GSI, the VM's
	 * devices). 0, or -EINVAL for no such line. Any context but NMI.
	 */
	int (*set_gsi)(struct axvm *vm, u32 gsi, bool level);
	/* An MSI write (AXVM_SIGNAL_MSI). 0 or -EINVAL. */
	int (*signal_msi)(struct axvm *vm, u64 address, u32 data);
};

#endif /* AXVM_PLATFORM_H */
