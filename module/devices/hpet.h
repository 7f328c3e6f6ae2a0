/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A High Precision Event Timer block (IA-PC HPET specification 1.0a),
 * as QEMU's hw/timer/hpet.c models it and Linux's arch/x86/kernel/hpet.c
 * drives it: a 64-bit main counter at 100 MHz and three comparators, at
 * 0xfed00000. A plain API, not a device type of the device set: the
 * platform creates it, routes the guest's accesses to its MMIO window
 * to axvm_hpet_mmio_read/write and its interrupts to the 8259s and
 * IOAPIC; the HPET reaches the platform only through the struct
 * axvm_hpet_host it is given, and its clock is current_time_nanos.
 *
 * Conventions (see also docs/devices.md):
 * - Capabilities: revision 1, 3 timers, 64-bit counter, legacy
 *   replacement capable, vendor 0x8086, period 10 ns (10000000 fs).
 *   Every timer is 64-bit and periodic-capable (as in QEMU), may be put
 *   in 32-bit mode, and may be routed to IOAPIC pin 2 or 16-23
 *   (INT_ROUTE_CAP 0x00ff0004, QEMU's for q35). FSB delivery is not
 *   supported: FSB_INT_DEL_CAP reads 0, FSB_EN_CNF and the FSB route
 *   register read 0 and ignore writes.
 * - Interrupt lines: a timer's line is its INT_ROUTE_CNF, a GSI; in
 *   legacy replacement mode timer 0 uses line 0 and timer 1 line 8,
 *   which are ISA IRQs (the platform maps ISA IRQ 0 to IOAPIC pin 2).
 *   A write of a route not in INT_ROUTE_CAP keeps the old route (the
 *   rest of the write applies); until a capable route is written a
 *   timer routes to 0 after reset, which is not capable: outside legacy
 *   mode such a timer raises no line (its status bit is still set).
 * - Edge timers pulse their line (set_irq true, then false); level
 *   timers set their status bit and hold the line high until the guest
 *   writes 1 to the bit, disables the timer's interrupt or makes it an
 *   edge timer.
 * - A comparator matches when the counter reaches its value (the low 32
 *   bits in 32-bit mode); one written behind the counter waits for the
 *   counter to wrap, as on hardware. A one-shot 32-bit timer matches
 *   again each 2^32 ticks. A periodic timer adds its period to the
 *   comparator at each match; one with period 0 behaves as one-shot.
 *   When the host's timer fires late by more than a period, the missed
 *   matches are coalesced: one interrupt, and the comparator steps by
 *   whole periods to the first match after now (no drift, no storm). A
 *   periodic timer whose comparator fell behind the counter while its
 *   interrupt was disabled steps forward the same way when it is
 *   enabled (the comparator ran on in hardware).
 * - Access: 4- or 8-byte, naturally aligned; a 4-byte access reads or
 *   writes half of a 64-bit register. Anything else reads 0 and is
 *   ignored, as are offsets without a register. The main counter is
 *   writable only while halted (ENABLE_CNF 0); writes while it runs
 *   are ignored.
 *
 * Locking: every function but create and destroy may be called from any
 * context but NMI, concurrently; each takes the HPET's spinlock with
 * interrupts off and calls host->set_irq only after dropping it. A HAL
 * timer no longer needed is cancelled after the lock is dropped, except
 * in a call made from within set_irq by a timer callback: that timer
 * then fires once more and does nothing.
 */
#ifndef AXVM_HPET_H
#define AXVM_HPET_H

#include <linux/bits.h>
#include <linux/types.h>

struct axvm_hal_ops;

#define AXVM_HPET_BASE		0xfed00000ULL
#define AXVM_HPET_SIZE		0x400
#define AXVM_HPET_TIMERS	3
#define AXVM_HPET_PERIOD_FS	10000000	/* 10 ns: 100 MHz */

/* Register offsets. */
#define AXVM_HPET_CAP		0x000	/* general capabilities and ID */
#define AXVM_HPET_CFG		0x010	/* general configuration */
#define AXVM_HPET_STATUS	0x020	/* general interrupt status */
#define AXVM_HPET_COUNTER	0x0f0	/* main counter */
#define AXVM_HPET_TN_CFG(n)	(0x100 + 0x20 * (n))
#define AXVM_HPET_TN_CMP(n)	(0x108 + 0x20 * (n))
#define AXVM_HPET_TN_FSB(n)	(0x110 + 0x20 * (n))

/* General capabilities. */
#define AXVM_HPET_CAP_REV		GENMASK_ULL(7, 0)
#define AXVM_HPET_CAP_NUM_TIM		GENMASK_ULL(12, 8)	/* last timer */
#define AXVM_HPET_CAP_COUNT_SIZE	BIT_ULL(13)		/* 64-bit */
#define AXVM_HPET_CAP_LEG_RT		BIT_ULL(15)
#define AXVM_HPET_CAP_VENDOR		GENMASK_ULL(31, 16)
#define AXVM_HPET_CAP_PERIOD		GENMASK_ULL(63, 32)	/* fs */

/* General configuration. */
#define AXVM_HPET_CFG_ENABLE		BIT_ULL(0)
#define AXVM_HPET_CFG_LEGACY		BIT_ULL(1)

/* Timer n configuration and capabilities. */
#define AXVM_HPET_TN_LEVEL		BIT_ULL(1)	/* INT_TYPE_CNF */
#define AXVM_HPET_TN_INT_ENB		BIT_ULL(2)
#define AXVM_HPET_TN_PERIODIC		BIT_ULL(3)	/* TYPE_CNF */
#define AXVM_HPET_TN_PER_CAP		BIT_ULL(4)	/* read-only */
#define AXVM_HPET_TN_SIZE_CAP		BIT_ULL(5)	/* ro: 64-bit */
#define AXVM_HPET_TN_VAL_SET		BIT_ULL(6)
#define AXVM_HPET_TN_32BIT		BIT_ULL(8)
#define AXVM_HPET_TN_ROUTE		GENMASK_ULL(13, 9)
#define AXVM_HPET_TN_FSB_EN		BIT_ULL(14)	/* reads 0 */
#define AXVM_HPET_TN_FSB_CAP		BIT_ULL(15)	/* reads 0 */
#define AXVM_HPET_TN_ROUTE_CAP		GENMASK_ULL(63, 32)

/* The IOAPIC pins a timer may use: 2 and 16-23. */
#define AXVM_HPET_ROUTE_CAP		0x00ff0004U
/* The lines of legacy replacement mode: ISA IRQs. */
#define AXVM_HPET_LEGACY_LINE0		0	/* timer 0 */
#define AXVM_HPET_LEGACY_LINE1		8	/* timer 1 */

struct axvm_hpet;

/* What the model asks of the platform. The structure is copied. */
struct axvm_hpet_host {
	/*
	 * Interrupt @line (see above: a GSI, or ISA IRQ 0 or 8 in legacy
	 * mode) is now @level. Required. Called without the HPET's lock,
	 * from whatever context called into the HPET or from a timer
	 * (hard-IRQ context on Linux), never concurrently with itself; for
	 * one line the calls alternate true and false. It must not sleep;
	 * it may call back into the HPET.
	 */
	void (*set_irq)(void *ctx, u32 line, bool level);
	void *ctx;
	/* Required: current_time_nanos and the timer_* methods. */
	const struct axvm_hal_ops *hal;
};

/*
 * A new HPET in its reset state. ERR_PTR(-EINVAL) for a host without
 * set_irq or hal, ERR_PTR(-ENOMEM). May sleep.
 */
struct axvm_hpet *axvm_hpet_create(const struct axvm_hpet_host *host);
/* Cancels its timers and frees it; NULL is fine. No other call may run. */
void axvm_hpet_destroy(struct axvm_hpet *hpet);
/*
 * Power-on state: counter halted at 0, legacy mode off, status 0 (level
 * lines go low), every timer's interrupt disabled, edge, one-shot,
 * 64-bit, route 0, comparator all ones, period 0.
 */
void axvm_hpet_reset(struct axvm_hpet *hpet);

/* An access at @offset in the window; @width 4 or 8 (see above). */
u64 axvm_hpet_mmio_read(struct axvm_hpet *hpet, u32 offset, u8 width);
void axvm_hpet_mmio_write(struct axvm_hpet *hpet, u32 offset, u8 width,
			  u64 val);

/*
 * Is legacy replacement on? Then timer 0 drives ISA IRQ 0 and timer 1
 * ISA IRQ 8, and the platform disconnects the PIT from IRQ 0 and the
 * RTC from IRQ 8, as the chipset does.
 */
bool axvm_hpet_legacy(struct axvm_hpet *hpet);

#endif /* AXVM_HPET_H */
