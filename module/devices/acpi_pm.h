/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI fixed hardware of our PC, in the PIIX4 layout QEMU uses: the
 * PM1a event block (PM1_STS, PM1_EN), the PM1a control block (PM1_CNT),
 * the 32-bit PM timer, and the reset control register at 0xcf9 (the
 * FADT's RESET_REG). A plain API, not a device type of the device set:
 * the platform creates it for a PC VM, routes the guest's port accesses
 * to axvm_acpi_pm_read/write, and takes the SCI (a level, IRQ 9), the
 * power-off and the reset from the struct axvm_acpi_pm_host it gives.
 *
 * Conventions (see also docs/devices.md):
 * - ACPI mode is on from reset: SCI_EN reads 1 and the FADT's SMI_CMD
 *   is 0, so there is no ACPI enable handshake.
 * - Only S5 exists: SLP_EN with SLP_TYP == AXVM_ACPI_S5_SLP_TYP powers
 *   off (host->sleep); any other sleep type is logged once and ignored,
 *   so WAK_STS never becomes 1.
 * - The PM timer counts at AXVM_ACPI_PM_TMR_HZ from current_time_nanos,
 *   32 bits wide (FADT TMR_VAL_EXT), from 0 at create; reset does not
 *   restart it. TMR_STS is set on every change of its bit 31, whether
 *   or not TMR_EN is; a HAL timer is armed for the next change only
 *   while TMR_EN is set, so that the SCI comes on time.
 * - Accesses of 1, 2 or 4 bytes at any port are split into bytes, in
 *   address order, as the registers are on the chip; a read samples the
 *   PM timer once, so a 4-byte read of it is coherent.
 *
 * Locking: every function but create, destroy and reset may be called
 * from any context but NMI, concurrently; each takes the device's
 * spinlock with interrupts off. host->set_irq is called without it, only
 * when the SCI's level changes, and never twice at once. host->sleep and
 * host->reset are called without it from the write that asked for them
 * (the vCPU thread). A write that sets or clears TMR_EN may wait for a
 * running timer callback: none of the host's callbacks may write PM1_EN.
 */
#ifndef AXVM_ACPI_PM_H
#define AXVM_ACPI_PM_H

#include <linux/bits.h>
#include <linux/types.h>
#include "hal.h"

/* The I/O ports, as the FADT gives them (X_PM1a_EVT_BLK etc.). */
#define AXVM_ACPI_PM_BASE	0x600
#define AXVM_ACPI_PM1_EVT	0x600		/* PM1_STS, then PM1_EN */
#define AXVM_ACPI_PM1_EVT_LEN	4
#define AXVM_ACPI_PM1_STS	0x600
#define AXVM_ACPI_PM1_EN	0x602
#define AXVM_ACPI_PM1_CNT	0x604
#define AXVM_ACPI_PM1_CNT_LEN	2
#define AXVM_ACPI_PM_TMR	0x608
#define AXVM_ACPI_PM_TMR_LEN	4
#define AXVM_ACPI_PM_LEN	0xc		/* 0x600-0x60b, 0x606-0x607 unused */
#define AXVM_ACPI_RESET_PORT	0xcf9
#define AXVM_ACPI_RESET_VALUE	0x06		/* FADT RESET_VALUE: SYS_RST | RST_CPU */

#define AXVM_ACPI_PM_TMR_HZ	3579545
#define AXVM_ACPI_S5_SLP_TYP	5	/* the _S5 package's value */
#define AXVM_ACPI_SCI_IRQ	9	/* FADT SCI_INT: ISA IRQ 9, level */

/* PM1_STS (write 1 to clear) and PM1_EN. */
#define AXVM_ACPI_PM1_TMR	BIT(0)		/* TMR_STS, TMR_EN */
#define AXVM_ACPI_PM1_PWRBTN	BIT(8)		/* PWRBTN_STS, PWRBTN_EN */
#define AXVM_ACPI_PM1_WAK	BIT(15)		/* WAK_STS; never set here */
/* PM1_CNT. */
#define AXVM_ACPI_CNT_SCI_EN	BIT(0)		/* reads 1 */
#define AXVM_ACPI_CNT_SLP_TYP	GENMASK(12, 10)
#define AXVM_ACPI_CNT_SLP_EN	BIT(13)		/* write-only */
/* The reset control register. */
#define AXVM_ACPI_RST_SYS	BIT(1)		/* stored */
#define AXVM_ACPI_RST_CPU	BIT(2)		/* write 1: reset */

struct axvm_acpi_pm;

struct axvm_acpi_pm_host {
	/*
	 * The SCI is now @level (true: asserted). Called without the
	 * device's lock from whatever called in (a vCPU, the power button,
	 * the PM timer's callback in interrupt context); must not sleep.
	 */
	void (*set_irq)(void *ctx, bool level);
	/* SLP_EN was written with SLP_TYP @slp_typ (only ever 5: off). */
	void (*sleep)(void *ctx, u8 slp_typ);
	/* RST_CPU was written to 0xcf9. */
	void (*reset)(void *ctx);
	void *ctx;
	/* Time (current_time_nanos) and the TMR_STS timer (timer_*). */
	const struct axvm_hal_ops *hal;
};

/*
 * @host is copied; every callback and hal are required. Returns the
 * device in its reset state, ERR_PTR(-EINVAL) for an incomplete host or
 * ERR_PTR(-ENOMEM). May sleep.
 */
struct axvm_acpi_pm *axvm_acpi_pm_create(const struct axvm_acpi_pm_host *host);
/* Frees it and its timer; NULL and ERR_PTR values are fine. May sleep. */
void axvm_acpi_pm_destroy(struct axvm_acpi_pm *pm);
/*
 * As after power-on: PM1_STS, PM1_EN and PM1_CNT 0 (SCI_EN reads 1),
 * 0xcf9 reads 0, the timer disarmed, the SCI de-asserted (set_irq(false)
 * if it was asserted). The PM timer keeps counting. Called when no vCPU
 * runs; may wait for a running timer callback.
 */
void axvm_acpi_pm_reset(struct axvm_acpi_pm *pm);
/* Is @port one of ours: 0x600-0x60b or 0xcf9? */
bool axvm_acpi_pm_port(u16 port);
/*
 * An access of @width 1, 2 or 4 bytes at @port (little-endian). Bytes
 * of it at ports that are not ours read 0xff (writes to them are
 * ignored), the unused 0x606-0x607 read 0; another width reads all ones
 * and writes nothing.
 */
u32 axvm_acpi_pm_read(struct axvm_acpi_pm *pm, u16 port, u8 width);
void axvm_acpi_pm_write(struct axvm_acpi_pm *pm, u16 port, u8 width, u32 val);
/* The power button was pressed: PWRBTN_STS, and the SCI if PWRBTN_EN. */
void axvm_acpi_pm_power_button(struct axvm_acpi_pm *pm);

#endif /* AXVM_ACPI_PM_H */
