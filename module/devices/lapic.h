/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 local APIC of one vCPU, as a self-contained model (Intel SDM
 * vol. 3 ch. 10; issue 13, part 1): the xAPIC registers at the base
 * IA32_APIC_BASE names, the x2APIC MSRs 0x800-0x8ff, the IRR/ISR/TMR
 * priority logic, the ICR and the pending NMI/INIT/SIPI events. It
 * knows nothing of VMs or vCPUs: what it needs of its platform (send an
 * IPI, tell the IOAPIC about an EOI, wake the vCPU) it asks through
 * struct axvm_lapic_host, which a KUnit test records instead.
 *
 * What the model is, in short (lapic.c says why):
 * - version 0x50014: 6 LVT entries (timer, thermal, PMC, LINT0, LINT1,
 *   error). No CMCI LVT (0x2f0 is reserved: MMIO reads 0, MSR 0x82f
 *   #GPs), no EOI-broadcast suppression, no remote read, APR reads 0.
 * - The timer runs on the host's HAL timers (struct axvm_lapic_host's
 *   hal) in one-shot, periodic and TSC-deadline modes, counting a 1 GHz
 *   bus clock through the divider (KVM's rate), so a count of n with
 *   divide-by-1 lasts n ns. Periodic periods are at least
 *   AXVM_LAPIC_MIN_PERIOD_NS (KVM's 200 us floor: a guest cannot make
 *   the host take an interrupt storm); periods the host missed merge
 *   into one interrupt. A DCR write takes effect at the next initial
 *   count. Mode 3 (reserved) runs as one-shot. Without a HAL the timer
 *   registers are stored only and the current count reads 0.
 * - Interrupts are delivered synchronously, so the ICR's delivery status
 *   always reads 0.
 * - The APIC ID is the one given at creation and read-only in both
 *   modes (writable xAPIC IDs are model-specific; SDM 10.4.6).
 * - The BSP flag of IA32_APIC_BASE is read-only too: the platform
 *   decides which vCPU is the BSP.
 *
 * Locking: each APIC has a spinlock, taken with interrupts saved, so
 * every function may be called in any context but NMI, interrupts on or
 * off. The host callbacks are always called after that lock has been
 * dropped, so they may call back into this APIC or any other one (a
 * self IPI comes back through host->send into axvm_lapic_accept() of
 * the sender). None of the functions sleeps but create.
 *
 * Who calls what:
 * - the owning vCPU's thread: create, destroy, reset, get/set_base,
 *   mmio_*, rdmsr/wrmsr, pending_vector, ack, get/set_cr8,
 *   take_events, lint0_extint;
 * - anyone (other vCPUs' ICR writes through the platform, the IOAPIC,
 *   MSIs, the PIC): match_dest and accept.
 */
#ifndef AXVM_LAPIC_H
#define AXVM_LAPIC_H

#include <linux/bits.h>
#include <linux/types.h>
#include "apic_bus.h"

struct axvm_lapic;
struct axvm_hal_ops;

/* IA32_APIC_BASE (MSR 0x1b), SDM 10.4.4. */
#define AXVM_LAPIC_BASE_MSR		0x1b
#define AXVM_LAPIC_BASE_BSP		BIT_ULL(8)
#define AXVM_LAPIC_BASE_EXTD		BIT_ULL(10)	/* x2APIC mode */
#define AXVM_LAPIC_BASE_EN		BIT_ULL(11)	/* global enable */
#define AXVM_LAPIC_DEFAULT_BASE		0xfee00000ULL
#define AXVM_LAPIC_MMIO_SIZE		0x1000U

/* The x2APIC registers: MSR 0x800 + xAPIC offset / 16 (SDM 10.12.1.2). */
#define AXVM_LAPIC_X2APIC_MSR_FIRST	0x800U
#define AXVM_LAPIC_X2APIC_MSR_LAST	0x8ffU

/* IA32_TSC_DEADLINE, for the platform's MSR dispatch. */
#define AXVM_LAPIC_TSC_DEADLINE_MSR	0x6e0U

/* The timer's input clock (before the divider) and its periodic floor. */
#define AXVM_LAPIC_TIMER_HZ		1000000000U
#define AXVM_LAPIC_MIN_PERIOD_NS	200000ULL

/* The events axvm_lapic_take_events() reports. */
#define AXVM_LAPIC_EV_NMI		BIT(0)
#define AXVM_LAPIC_EV_INIT		BIT(1)
#define AXVM_LAPIC_EV_SIPI		BIT(2)

/*
 * What the model asks of its platform. Every callback may be NULL (the
 * model then does without) and is called without the APIC's lock held,
 * in the context of the function that caused it.
 */
struct axvm_lapic_host {
	/*
	 * An ICR write (fixed, lowest priority, NMI, INIT, SIPI, also to
	 * self) or an x2APIC SELF_IPI write: route @msg to the APICs it
	 * names (axvm_lapic_match_dest(), then axvm_lapic_accept(); for
	 * lowest priority, to one of them). @msg->src is the sender's APIC
	 * ID and @msg->shorthand what the ICR said, so the platform needs
	 * nothing else. A SELF_IPI write comes as a fixed edge message with
	 * shorthand SELF. Called from the owning vCPU's thread.
	 */
	void (*send)(void *ctx, const struct axvm_apic_msg *msg);
	/*
	 * The guest wrote EOI for @vector and its TMR bit was set (a level
	 * interrupt): the IOAPIC clears the remote IRR of the pins with that
	 * vector. Called from the owning vCPU's thread.
	 */
	void (*eoi_level)(void *ctx, u8 vector);
	/*
	 * Something became deliverable: an IRR vector above PPR, or an NMI,
	 * INIT or SIPI event. Make the vCPU look (wake it from HLT, or kick
	 * it out of the guest). Called from whoever delivered the interrupt,
	 * in any context but NMI: must not sleep.
	 */
	void (*kick)(void *ctx);
	void *ctx;
	/*
	 * The guest's MAXPHYADDR (CPUID 0x80000008 EAX[7:0]): base
	 * addresses at or above 1 << phys_bits are reserved bits of
	 * IA32_APIC_BASE. 0 means 52, the architectural maximum.
	 */
	u8 phys_bits;
	/*
	 * The timer's clock and timers (current_time_nanos, timer_*).
	 * NULL: no timer runs (a model-only test).
	 */
	const struct axvm_hal_ops *hal;
};

/*
 * An APIC in its power-on state (xAPIC mode at 0xfee00000, enabled,
 * software-disabled). @host is copied. NULL when out of memory (the
 * APIC or its HAL timer). May sleep.
 */
struct axvm_lapic *axvm_lapic_create(u32 apic_id, bool bsp,
				     const struct axvm_lapic_host *host);
void axvm_lapic_destroy(struct axvm_lapic *apic);

/*
 * @init false: power-on reset, everything to its power-on value and no
 * event pending. @init true: what receiving INIT does (SDM 10.4.7.3):
 * the registers as at power-on, but IA32_APIC_BASE (address, mode, BSP)
 * and the APIC ID are kept, and so are the pending events (the caller
 * took the INIT itself; a SIPI that came since must survive).
 */
void axvm_lapic_reset(struct axvm_lapic *apic, bool init);

/* IA32_APIC_BASE: at power-on 0xfee00000 | EN, plus BSP on the BSP. */
u64 axvm_lapic_get_base(struct axvm_lapic *apic);
/*
 * A WRMSR to IA32_APIC_BASE: 0, or -EINVAL for the #GP the SDM gives
 * (10.12.5.1): reserved bits (7:0, 9, and at or above MAXPHYADDR), EXTD
 * without EN, x2APIC to xAPIC without going through disabled, disabled
 * to x2APIC directly. The base may move at any time. Clearing EN puts
 * the registers in their power-on state (keeping the ID); the BSP bit
 * written is ignored.
 */
int axvm_lapic_set_base(struct axvm_lapic *apic, u64 val);

/* Is @gpa in the 4 KiB xAPIC page? Only in xAPIC mode (EN, not EXTD). */
bool axvm_lapic_mmio_claims(struct axvm_lapic *apic, u64 gpa);
/*
 * An aligned 32-bit access at @offset (0 to 0xfff) in the xAPIC page.
 * Registers sit at 16-byte boundaries; any other offset, a reserved or
 * write-only register, and any access outside xAPIC mode read 0 and
 * ignore writes. Narrower or unaligned guest accesses are the caller's
 * to split or refuse.
 */
u32 axvm_lapic_mmio_read(struct axvm_lapic *apic, u32 offset);
void axvm_lapic_mmio_write(struct axvm_lapic *apic, u32 offset, u32 val);

/*
 * RDMSR/WRMSR of an x2APIC register (0x800-0x8ff): 0, or -EINVAL for
 * #GP (SDM 10.12.1.2): not in x2APIC mode, no such register (APR, RRD,
 * DFR, ICR high and the CMCI LVT included), a read of a write-only
 * register (EOI, SELF_IPI) or a write of a read-only one, bits 63:32 set
 * in anything but the ICR, a non-zero EOI or ESR write, a SELF_IPI
 * value above 0xff. The ICR is one 64-bit register at 0x830.
 */
int axvm_lapic_rdmsr(struct axvm_lapic *apic, u32 msr, u64 *val);
int axvm_lapic_wrmsr(struct axvm_lapic *apic, u32 msr, u64 val);

/*
 * Is this APIC a destination of @msg? Shorthands (relative to
 * @msg->src), physical IDs, broadcast (0xff from an xAPIC, the IOAPIC or
 * an MSI, 0xffffffff from an x2APIC), logical flat and cluster (per DFR)
 * in xAPIC mode, logical cluster (the LDR derived from the ID) in x2APIC
 * mode. A hardware-disabled APIC is nobody's destination. Lowest
 * priority arbitration among the matches is the platform's.
 */
bool axvm_lapic_match_dest(struct axvm_lapic *apic,
			   const struct axvm_apic_msg *msg);
/*
 * Deliver one message the platform matched to this APIC. Fixed and
 * lowest priority go to IRR (and TMR when level-triggered); NMI, INIT
 * (not the level de-assert "INIT") and SIPI become pending events; SMI
 * and ExtINT are ignored (no SMM; the PIC's ExtINT reaches the CPU
 * through axvm_lapic_lint0_extint()). A software-disabled APIC takes
 * only NMI, INIT and SIPI; a hardware-disabled one nothing. A vector
 * below 16 sets ESR "receive illegal vector" instead of IRR. Calls
 * host->kick when the result is deliverable.
 */
void axvm_lapic_accept(struct axvm_lapic *apic,
		       const struct axvm_apic_msg *msg);

/*
 * The vector the CPU should take: the highest IRR vector whose priority
 * class (vector >> 4) is above PPR's, else -1 (also when hardware
 * disabled). Whether the guest can take it now (RFLAGS.IF, interrupt
 * shadow) is the caller's business.
 */
int axvm_lapic_pending_vector(struct axvm_lapic *apic);
/*
 * The CPU took @vector (from axvm_lapic_pending_vector()): IRR -> ISR,
 * which raises PPR. False, and nothing happens, when @vector is not in
 * IRR.
 */
bool axvm_lapic_ack(struct axvm_lapic *apic, int vector);

/* CR8 is TPR[7:4] (SDM 10.8.6.1); writing it clears TPR[3:0]. */
u8 axvm_lapic_get_cr8(struct axvm_lapic *apic);
void axvm_lapic_set_cr8(struct axvm_lapic *apic, u8 cr8);

/*
 * Returns the pending events (AXVM_LAPIC_EV_*) and clears them; with
 * AXVM_LAPIC_EV_SIPI, *@sipi_vector is the last SIPI's vector (the
 * start page). The model only records events; the caller (the vCPU)
 * owns what they mean: it handles INIT before SIPI when both come at
 * once (axvm_lapic_reset(apic, true), then wait-for-SIPI), it drops a
 * SIPI unless the vCPU is waiting for one, and it keeps a taken NMI
 * until the guest can take it.
 */
unsigned int axvm_lapic_take_events(struct axvm_lapic *apic, u8 *sipi_vector);

/*
 * Does the PIC's INTR reach this CPU? True when LVT LINT0 is unmasked
 * with delivery mode ExtINT, or when the APIC is hardware-disabled (the
 * LINT0 pin is then INTR itself, SDM 10.4.3). At power-on LINT0 is
 * masked: firmware (or the platform standing in for it) programs it.
 */
bool axvm_lapic_lint0_extint(struct axvm_lapic *apic);

/*
 * The AXVM_LAPIC_EV_* pending now, left pending: for a wakeup test that
 * must not consume them. Any context; the answer may be stale.
 */
unsigned int axvm_lapic_peek_events(struct axvm_lapic *apic);

/*
 * The highest IRR vector when TPR alone keeps it from being delivered
 * (it is above every in-service class), else -1: the guest lowering TPR
 * (MOV to CR8, which does not exit) would make it deliverable, so the
 * platform must watch for that write.
 */
int axvm_lapic_tpr_blocked_vector(struct axvm_lapic *apic);

/*
 * IA32_TSC_DEADLINE (SDM 10.5.4.1). get: what the guest wrote, 0 once it
 * fired and outside TSC-deadline mode. set: the guest wrote @tsc, which
 * the platform (it knows the guest's TSC) converted to @deadline_ns on
 * the HAL's clock; ignored outside TSC-deadline mode; 0 disarms; a
 * deadline already passed sets IRR before this returns.
 */
u64 axvm_lapic_get_tsc_deadline(struct axvm_lapic *apic);
void axvm_lapic_set_tsc_deadline(struct axvm_lapic *apic, u64 tsc,
				 u64 deadline_ns);

#endif /* AXVM_LAPIC_H */
