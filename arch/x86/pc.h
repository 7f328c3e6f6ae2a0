/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 PC platform (pc.c): its ops table for the core, its per-VM
 * and per-vCPU state, and what the backend asks of it (the APIC's MSRs,
 * CR8, NMIs). The axvm_pc_* calls are for vCPUs of a VM created with
 * the platform (axvm_pc_active()), from the vCPU's own thread.
 */
#ifndef AXVM_X86_PC_H
#define AXVM_X86_PC_H

#include <linux/types.h>
#include "axvm.h"
#include "platform.h"

struct axvm_vcpu;
struct axvm_lapic;
struct axvm_ioapic;
struct axvm_i8259;
struct axvm_i8254;
struct axvm_hpet;
struct axvm_rtc;
struct axvm_acpi_pm;

struct axvm_pc {
	struct axvm *vm;
	struct axvm_ioapic *ioapic;
	struct axvm_i8259 *pic;
	struct axvm_i8254 *pit;
	struct axvm_hpet *hpet;
	struct axvm_rtc *rtc;
	struct axvm_acpi_pm *pm;
};

struct axvm_pc_vcpu {
	struct axvm_vcpu *vcpu;
	struct axvm_lapic *lapic;
	bool wait_sipi;		/* an AP after INIT (or reset): not runnable */
	bool nmi_pending;	/* taken from the APIC, not yet injected */
};

extern const struct axvm_platform_ops axvm_x86_pc_ops;

/* pc_firmware.c: what firmware leaves, after the chips' reset. May sleep. */
void axvm_pc_firmware(struct axvm *vm, struct axvm_pc *pc);

/* Is @vcpu's VM a platform VM? Inline: every entry and exit asks. */
static inline bool axvm_pc_active(struct axvm_vcpu *vcpu)
{
	return vcpu->vm->platform == &axvm_x86_pc_ops;
}
/* IA32_APIC_BASE and the x2APIC MSRs: 0, or -EINVAL for #GP. */
int axvm_pc_get_msr(struct axvm_vcpu *vcpu, u32 msr, u64 *val);
int axvm_pc_set_msr(struct axvm_vcpu *vcpu, u32 msr, u64 val);
/* IA32_TSC_DEADLINE; @guest_tsc: the guest's TSC at the write. */
u64 axvm_pc_get_tsc_deadline(struct axvm_vcpu *vcpu);
void axvm_pc_set_tsc_deadline(struct axvm_vcpu *vcpu, u64 tsc, u64 guest_tsc);
/* IA32_APIC_BASE.EN: CPUID.1:EDX.APIC follows it. */
bool axvm_pc_apic_enabled(struct axvm_vcpu *vcpu);
/* CR8 is the APIC's TPR[7:4]. */
u8 axvm_pc_get_cr8(struct axvm_vcpu *vcpu);
void axvm_pc_set_cr8(struct axvm_vcpu *vcpu, u8 cr8);
/* Does TPR alone hold back an interrupt (so a CR8 write must exit)? */
bool axvm_pc_tpr_blocks(struct axvm_vcpu *vcpu);
/* A pending NMI: is there one; take it for injection. */
bool axvm_pc_nmi_pending(struct axvm_vcpu *vcpu);
bool axvm_pc_take_nmi(struct axvm_vcpu *vcpu);

#endif /* AXVM_X86_PC_H */
