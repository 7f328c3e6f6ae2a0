// SPDX-License-Identifier: GPL-2.0
/*
 * An IOAPIC, after the 82093AA datasheet, with the EOI register of the
 * version 0x20 IOAPICs (Intel ICH): 24 input lines, each with a 64-bit
 * redirection entry that turns it into a message to the local APICs.
 *
 * Edge entries send once per rising edge of their line; an edge that
 * comes while the entry is masked is lost. Level entries send while the
 * line is asserted and then set Remote IRR, which holds further messages
 * back until a local APIC's EOI of the entry's vector (or a write of it
 * to the EOI register) clears it; a line still asserted then sends
 * again. Unmasking a level entry whose line is asserted sends too.
 * Messages go out at once, so delivery status is always 0. Line levels
 * are logical (asserted or not): polarity is stored, not applied. See
 * ioapic.h for the API and its conventions.
 */
#include <linux/bitfield.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "ioapic.h"
#include "kunit_export.h"

/* What the guest may write in an entry's low dword (high: the dest). */
#define IOAPIC_RTE_WRITABLE	(AXVM_IOAPIC_RTE_VECTOR |		\
				 AXVM_IOAPIC_RTE_DELIVERY |		\
				 AXVM_IOAPIC_RTE_LOGICAL |		\
				 AXVM_IOAPIC_RTE_ACTIVE_LOW |		\
				 AXVM_IOAPIC_RTE_LEVEL |		\
				 AXVM_IOAPIC_RTE_MASKED)
#define IOAPIC_REG_LAST		(AXVM_IOAPIC_REG_REDTBL + 2 * AXVM_IOAPIC_PINS - 1)

struct axvm_ioapic {
	/*
	 * Guards id, ioregsel, lines and rte (host and reset_id do not
	 * change after create). Taken with interrupts off, from vCPU
	 * threads (MMIO, EOI) and from whatever drives the lines (device
	 * models, timers). Innermost: nothing is taken under it, and
	 * host->deliver is called only after dropping it.
	 */
	spinlock_t lock;
	struct axvm_ioapic_host host;
	u8 reset_id;
	u8 id;
	u8 ioregsel;
	u32 lines;			/* bit n: line n asserted */
	u64 rte[AXVM_IOAPIC_PINS];
};

/*
 * The messages one call sends, collected under the lock and delivered
 * after it: the entries as they were when sent. At most one per pin.
 */
struct ioapic_batch {
	unsigned int nr;
	u64 rte[AXVM_IOAPIC_PINS];
};

static u8 rte_delivery(u64 rte)
{
	return FIELD_GET(AXVM_IOAPIC_RTE_DELIVERY, rte);
}

/*
 * Level-triggered in effect: the trigger bit, for the modes that may use
 * it. The datasheet requires edge for SMI, NMI, INIT and ExtINT, and a
 * local APIC sends no EOI for them, so we treat them as edges.
 */
static bool rte_is_level(u64 rte)
{
	u8 dm = rte_delivery(rte);

	return (rte & AXVM_IOAPIC_RTE_LEVEL) &&
	       (dm == AXVM_APIC_DM_FIXED || dm == AXVM_APIC_DM_LOWEST);
}

/* Modes 3 and 6 are reserved in an entry: they send nothing. */
static bool rte_can_send(u64 rte)
{
	u8 dm = rte_delivery(rte);

	return dm != 3 && dm != AXVM_APIC_DM_SIPI;
}

/* Send entry @pin: into @b, and a level entry now awaits its EOI. */
static void ioapic_send(struct axvm_ioapic *io, unsigned int pin,
			struct ioapic_batch *b)
{
	lockdep_assert_held(&io->lock);
	if (!rte_can_send(io->rte[pin]))
		return;
	if (rte_is_level(io->rte[pin]))
		io->rte[pin] |= AXVM_IOAPIC_RTE_REMOTE_IRR;
	b->rte[b->nr++] = io->rte[pin];
}

/*
 * A level entry sends while its line is asserted, it is unmasked and no
 * EOI is outstanding. Called after anything that may make that true.
 */
static void ioapic_service_level(struct axvm_ioapic *io, unsigned int pin,
				 struct ioapic_batch *b)
{
	u64 rte = io->rte[pin];

	lockdep_assert_held(&io->lock);
	if (rte_is_level(rte) && (io->lines & BIT(pin)) &&
	    !(rte & (AXVM_IOAPIC_RTE_MASKED | AXVM_IOAPIC_RTE_REMOTE_IRR)))
		ioapic_send(io, pin, b);
}

/* Unlock, then deliver what @b holds, in pin order. */
static void ioapic_unlock_deliver(struct axvm_ioapic *io,
				  struct ioapic_batch *b, unsigned long flags)
	__releases(&io->lock)
{
	struct axvm_apic_msg msg;
	unsigned int i;

	spin_unlock_irqrestore(&io->lock, flags);
	for (i = 0; i < b->nr; i++) {
		u64 rte = b->rte[i];

		msg = (struct axvm_apic_msg){
			.dest = FIELD_GET(AXVM_IOAPIC_RTE_DEST, rte),
			.vector = FIELD_GET(AXVM_IOAPIC_RTE_VECTOR, rte),
			.delivery = rte_delivery(rte),
			.shorthand = AXVM_APIC_SH_NONE,
			.logical = rte & AXVM_IOAPIC_RTE_LOGICAL,
			.level = rte_is_level(rte),
			.assert = true,
		};
		io->host.deliver(io->host.ctx, &msg);
	}
}

static void ioapic_eoi_locked(struct axvm_ioapic *io, u8 vector,
			      struct ioapic_batch *b)
{
	unsigned int pin;

	lockdep_assert_held(&io->lock);
	for (pin = 0; pin < AXVM_IOAPIC_PINS; pin++) {
		u64 rte = io->rte[pin];

		if (FIELD_GET(AXVM_IOAPIC_RTE_VECTOR, rte) != vector ||
		    !(rte & AXVM_IOAPIC_RTE_REMOTE_IRR))
			continue;
		io->rte[pin] &= ~AXVM_IOAPIC_RTE_REMOTE_IRR;
		ioapic_service_level(io, pin, b);
	}
}

static u32 ioapic_read_reg(struct axvm_ioapic *io)
{
	unsigned int reg = io->ioregsel;
	u64 rte;

	switch (reg) {
	case AXVM_IOAPIC_REG_ID:
	case AXVM_IOAPIC_REG_ARB:	/* loaded from ID whenever it is written */
		return FIELD_PREP(AXVM_IOAPIC_ID_MASK, io->id);
	case AXVM_IOAPIC_REG_VER:
		return AXVM_IOAPIC_VERSION | ((AXVM_IOAPIC_PINS - 1) << 16);
	}
	if (reg < AXVM_IOAPIC_REG_REDTBL || reg > IOAPIC_REG_LAST)
		return 0;
	rte = io->rte[(reg - AXVM_IOAPIC_REG_REDTBL) / 2];
	return (reg & 1) ? upper_32_bits(rte) : lower_32_bits(rte);
}

static void ioapic_write_reg(struct axvm_ioapic *io, u32 val,
			     struct ioapic_batch *b)
{
	unsigned int reg = io->ioregsel, pin;
	u64 *rte;

	if (reg == AXVM_IOAPIC_REG_ID) {
		io->id = FIELD_GET(AXVM_IOAPIC_ID_MASK, val);
		return;
	}
	/* Version and arbitration are read-only; others do not exist. */
	if (reg < AXVM_IOAPIC_REG_REDTBL || reg > IOAPIC_REG_LAST)
		return;
	pin = (reg - AXVM_IOAPIC_REG_REDTBL) / 2;
	rte = &io->rte[pin];
	if (reg & 1) {
		*rte = (*rte & ~AXVM_IOAPIC_RTE_DEST) |
		       (((u64)val << 32) & AXVM_IOAPIC_RTE_DEST);
		return;
	}
	*rte = (*rte & (AXVM_IOAPIC_RTE_DEST | AXVM_IOAPIC_RTE_REMOTE_IRR)) |
	       (val & IOAPIC_RTE_WRITABLE);
	/*
	 * Remote IRR means something only for a level entry: made an edge,
	 * it is cleared (what Linux relies on to clear a stuck one on
	 * IOAPICs without the EOI register).
	 */
	if (!rte_is_level(*rte))
		*rte &= ~AXVM_IOAPIC_RTE_REMOTE_IRR;
	/* Unmasked (or made level) with its line asserted: it sends. */
	ioapic_service_level(io, pin, b);
}

u32 axvm_ioapic_mmio_read(struct axvm_ioapic *io, u32 offset)
{
	unsigned long flags;
	u32 val = 0;

	spin_lock_irqsave(&io->lock, flags);
	if (offset == AXVM_IOAPIC_IOREGSEL)
		val = io->ioregsel;
	else if (offset == AXVM_IOAPIC_IOWIN)
		val = ioapic_read_reg(io);
	spin_unlock_irqrestore(&io->lock, flags);
	return val;
}
AXVM_EXPORT_FOR_TESTS(axvm_ioapic_mmio_read);

void axvm_ioapic_mmio_write(struct axvm_ioapic *io, u32 offset, u32 val)
{
	struct ioapic_batch b = { .nr = 0 };
	unsigned long flags;

	spin_lock_irqsave(&io->lock, flags);
	switch (offset) {
	case AXVM_IOAPIC_IOREGSEL:
		io->ioregsel = val;		/* bits 7:0 */
		break;
	case AXVM_IOAPIC_IOWIN:
		ioapic_write_reg(io, val, &b);
		break;
	case AXVM_IOAPIC_EOI:
		ioapic_eoi_locked(io, val, &b);	/* the vector, bits 7:0 */
		break;
	}
	ioapic_unlock_deliver(io, &b, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_ioapic_mmio_write);

void axvm_ioapic_set_irq(struct axvm_ioapic *io, unsigned int pin, bool level)
{
	struct ioapic_batch b = { .nr = 0 };
	unsigned long flags;
	bool rising;

	if (pin >= AXVM_IOAPIC_PINS)
		return;
	spin_lock_irqsave(&io->lock, flags);
	rising = level && !(io->lines & BIT(pin));
	if (level)
		io->lines |= BIT(pin);
	else
		io->lines &= ~BIT(pin);
	if (!rte_is_level(io->rte[pin])) {
		if (rising && !(io->rte[pin] & AXVM_IOAPIC_RTE_MASKED))
			ioapic_send(io, pin, &b);
	} else {
		ioapic_service_level(io, pin, &b);
	}
	ioapic_unlock_deliver(io, &b, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_ioapic_set_irq);

void axvm_ioapic_eoi(struct axvm_ioapic *io, u8 vector)
{
	struct ioapic_batch b = { .nr = 0 };
	unsigned long flags;

	spin_lock_irqsave(&io->lock, flags);
	ioapic_eoi_locked(io, vector, &b);
	ioapic_unlock_deliver(io, &b, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_ioapic_eoi);

/* The reset values; io->lock and io->lines are left alone. */
static void ioapic_init_regs(struct axvm_ioapic *io)
{
	unsigned int pin;

	io->id = io->reset_id;
	io->ioregsel = 0;
	for (pin = 0; pin < AXVM_IOAPIC_PINS; pin++)
		io->rte[pin] = AXVM_IOAPIC_RTE_MASKED;
}

void axvm_ioapic_reset(struct axvm_ioapic *io)
{
	unsigned long flags;

	spin_lock_irqsave(&io->lock, flags);
	ioapic_init_regs(io);
	spin_unlock_irqrestore(&io->lock, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_ioapic_reset);

struct axvm_ioapic *axvm_ioapic_create(u8 id,
				       const struct axvm_ioapic_host *host)
{
	struct axvm_ioapic *io;

	if (!FIELD_FIT(AXVM_IOAPIC_ID_MASK, id) || !host || !host->deliver)
		return ERR_PTR(-EINVAL);
	io = kzalloc(sizeof(*io), GFP_KERNEL_ACCOUNT);
	if (!io)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&io->lock);
	io->host = *host;
	io->reset_id = id;
	ioapic_init_regs(io);
	return io;
}
AXVM_EXPORT_FOR_TESTS(axvm_ioapic_create);

void axvm_ioapic_destroy(struct axvm_ioapic *io)
{
	kfree(io);
}
AXVM_EXPORT_FOR_TESTS(axvm_ioapic_destroy);
