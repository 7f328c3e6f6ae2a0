/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An IOAPIC: the 82093AA's register set, 24 pins, with the EOI register
 * of the later IOAPICs (version 0x20, as in Intel's ICH). A plain API,
 * not a device type of the device set: the platform creates the IOAPIC
 * of a PC VM itself, routes the guest's accesses to its MMIO window
 * (AXVM_IOAPIC_BASE) to axvm_ioapic_mmio_read/write, its interrupt lines
 * to axvm_ioapic_set_irq and its local APICs' EOIs of level-triggered
 * vectors to axvm_ioapic_eoi. The IOAPIC reaches the local APICs only
 * through the struct axvm_ioapic_host it is given.
 *
 * Conventions (see also docs/devices.md):
 * - Line levels are logical: 1 is "asserted", whatever the entry's
 *   polarity bit (13) says. The polarity bit is stored and read back
 *   only, as in KVM and QEMU; the platform passes each source's
 *   asserted/de-asserted state, not an electrical level.
 * - Only Fixed and LowestPri entries are level-triggered when their
 *   trigger bit (15) is set; SMI, NMI, INIT and ExtINT are always edges
 *   (the datasheet requires edge for them) and never set Remote IRR. The
 *   reserved delivery modes (3 and 6) send nothing.
 * - A message is sent at once (delivery status, bit 12, always reads 0)
 *   and Remote IRR of a level entry is set when it is sent, whether or
 *   not a local APIC accepts it.
 * - Register access is by dword: IOREGSEL (0x00; bits 7:0 kept), IOWIN
 *   (0x10) and the write-only EOI register (0x40). Any other offset in
 *   the window reads 0 and ignores writes; so do IOWIN accesses while
 *   IOREGSEL selects no register.
 *
 * Locking: every function but create and destroy may be called from any
 * context but NMI, concurrently; each takes the IOAPIC's spinlock with
 * interrupts off and calls host->deliver only after dropping it.
 */
#ifndef AXVM_IOAPIC_H
#define AXVM_IOAPIC_H

#include <linux/bits.h>
#include <linux/types.h>
#include "apic_bus.h"

#define AXVM_IOAPIC_BASE	0xfec00000ULL	/* the PC's, as in the MADT */
#define AXVM_IOAPIC_SIZE	0x1000		/* the MMIO window */
#define AXVM_IOAPIC_PINS	24

/* Offsets in the MMIO window. */
#define AXVM_IOAPIC_IOREGSEL	0x00
#define AXVM_IOAPIC_IOWIN	0x10
#define AXVM_IOAPIC_EOI		0x40	/* write-only; version 0x20 on */

/* Register indices, selected by IOREGSEL. */
#define AXVM_IOAPIC_REG_ID	0x00	/* ID in bits 27:24 */
#define AXVM_IOAPIC_REG_VER	0x01	/* max entry 23:16, version 7:0 */
#define AXVM_IOAPIC_REG_ARB	0x02	/* arbitration ID 27:24 (= ID) */
#define AXVM_IOAPIC_REG_REDTBL	0x10	/* entry n: 0x10 + 2n low, + 1 high */

#define AXVM_IOAPIC_VERSION	0x20
#define AXVM_IOAPIC_ID_SHIFT	24
#define AXVM_IOAPIC_ID_MASK	GENMASK(27, 24)

/* Redirection table entry, low dword. */
#define AXVM_IOAPIC_RTE_VECTOR		GENMASK(7, 0)
#define AXVM_IOAPIC_RTE_DELIVERY	GENMASK(10, 8)	/* AXVM_APIC_DM_* */
#define AXVM_IOAPIC_RTE_LOGICAL		BIT(11)
#define AXVM_IOAPIC_RTE_STATUS		BIT(12)		/* RO, always 0 */
#define AXVM_IOAPIC_RTE_ACTIVE_LOW	BIT(13)		/* stored only */
#define AXVM_IOAPIC_RTE_REMOTE_IRR	BIT(14)		/* RO */
#define AXVM_IOAPIC_RTE_LEVEL		BIT(15)
#define AXVM_IOAPIC_RTE_MASKED		BIT(16)
/* High dword: the destination, an xAPIC ID or logical mask. */
#define AXVM_IOAPIC_RTE_DEST		GENMASK_ULL(63, 56)

struct axvm_ioapic;

struct axvm_ioapic_host {
	/*
	 * Send @msg to the local APICs. Called without the IOAPIC's lock,
	 * from whatever context called into the IOAPIC (interrupts may be
	 * off); must not sleep. It may call back into the IOAPIC. The
	 * message is a redirection entry unpacked: dest (bits 63:56),
	 * vector, delivery mode, logical, level (see above), assert = true,
	 * shorthand none, x2apic false, src 0. For ExtINT the vector is
	 * the entry's and means nothing: the receiver asks the 8259 for it.
	 */
	void (*deliver)(void *ctx, const struct axvm_apic_msg *msg);
	void *ctx;
};

/*
 * @id: the IOAPIC ID (0-15), also what it is reset to. @host is copied.
 * Returns the IOAPIC, in its reset state, or ERR_PTR(-EINVAL) for a bad
 * ID or a host without deliver, or ERR_PTR(-ENOMEM). May sleep.
 */
struct axvm_ioapic *axvm_ioapic_create(u8 id,
				       const struct axvm_ioapic_host *host);
/* Frees it; NULL is fine. Nothing may call into it any more. */
void axvm_ioapic_destroy(struct axvm_ioapic *io);
/*
 * As after RESET: every entry masked and otherwise 0, the ID the one
 * given to create, IOREGSEL 0. The input lines keep their levels (they
 * are the sources' state): a level pin still asserted interrupts again
 * once the guest unmasks it.
 */
void axvm_ioapic_reset(struct axvm_ioapic *io);
/*
 * Input line @pin is now @level (logical, see above); pins from
 * AXVM_IOAPIC_PINS on are ignored. Edge entries send on a rising edge
 * when unmasked (an edge that comes while masked is lost); level entries
 * send while the line is asserted, unmasked and Remote IRR is clear.
 * For a pulse, call it with true then false.
 */
void axvm_ioapic_set_irq(struct axvm_ioapic *io, unsigned int pin, bool level);
/*
 * A local APIC's EOI of level-triggered @vector (its TMR bit was set):
 * clears Remote IRR of every level entry with that vector and sends that
 * entry again if its line is still asserted and it is unmasked. The EOI
 * register (0x40) does the same.
 */
void axvm_ioapic_eoi(struct axvm_ioapic *io, u8 vector);
/* A dword read or write at @offset in the MMIO window. */
u32 axvm_ioapic_mmio_read(struct axvm_ioapic *io, u32 offset);
void axvm_ioapic_mmio_write(struct axvm_ioapic *io, u32 offset, u32 val);

#endif /* AXVM_IOAPIC_H */
