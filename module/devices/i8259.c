// SPDX-License-Identifier: GPL-2.0
/*
 * The PC's 8259A pair: master (IRQs 0-7) and slave (IRQs 8-15) with the
 * slave's INT on the master's IR2, and the PIIX/ICH ELCR registers.
 * Semantics from the Intel 8259A datasheet (order number 231468) and
 * the ICH's description of its 8259 pair; see i8259.h for the API.
 *
 * Where the model chooses, or differs from the chip:
 * - Trigger mode comes from the ELCR, as on PIIX/ICH: ICW1's LTIM bit
 *   is stored and ignored. ELCR bits that the chipset reserves (IRQs 0,
 *   1, 2, 8 and 13) read 0: those inputs are always edge-triggered.
 * - Edge-triggered inputs latch a rising edge in IRR, and the request
 *   stays until acknowledged even if the line falls first (on the chip
 *   it must stay high until INTA). Devices pulse their lines, so a
 *   pulse must be one interrupt; QEMU and KVM do the same.
 * - The cascade is fixed: the slave's INT drives the master's IR2,
 *   whatever ICW1's SNGL bit and ICW3 say (they are stored; with SNGL
 *   the chip skips ICW3 in its initialization sequence, and so do we).
 *   IR2 follows the slave's INT as a level, so the master requests IR2
 *   exactly while the slave has a deliverable request. On the chip IR2
 *   is an edge input; following the level does not lose the slave's
 *   second request when its INT stays high across an acknowledge (a
 *   slave in auto-EOI mode with two requests).
 * - Only the 8086 mode exists: ICW4's uPM bit (1 for x86) is stored and
 *   the acknowledge cycle always returns a vector, base | IR. ICW2's
 *   bits 2:0 are ignored, as in 8086 mode.
 * - ICW1 clears ISR as well as IMR, the latched edges, the rotation,
 *   special mask mode and the register select (as QEMU and KVM do);
 *   without IC4 it clears the ICW4 functions (AEOI, SFNM, uPM).
 * - Poll (OCW3 P): the next read of either port of that chip returns
 *   0x80 | IR and acknowledges as INTA does, or 0 with no request. A
 *   poll of the master that finds IR2 sets the master's ISR bit 2 only;
 *   software then polls the slave.
 * - Special mask mode: an in-service IR whose IMR bit is set neither
 *   blocks lower priorities nor is cleared by a non-specific EOI.
 * - Special fully nested mode (ICW4 SFNM) on the master: its in-service
 *   IR2 does not block a new request on IR2.
 *
 * Locking: one spinlock for both chips, taken with interrupts off since
 * set_irq may come from any context but NMI. host->output is never
 * called with it held: whoever finds the output changed after a call
 * becomes the notifier (pic->notifying), drops the lock, calls output,
 * retakes the lock and repeats until the level it last reported is the
 * current one; other callers meanwhile only change the state, which the
 * notifier's re-check picks up. So calls never overlap, they alternate,
 * the last one is right, and output may call back into the PIC.
 */
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "i8259.h"
#include "kunit_export.h"

#define I8259_ICW1		BIT(4)	/* on the command port: ICW1 */
#define I8259_ICW1_IC4		BIT(0)	/* ICW4 follows */
#define I8259_ICW1_SNGL		BIT(1)	/* single chip: no ICW3 */
#define I8259_OCW3		BIT(3)	/* else OCW2 */
#define I8259_OCW3_RIS		BIT(0)	/* ISR, else IRR, ... */
#define I8259_OCW3_RR		BIT(1)	/* ... when this is set */
#define I8259_OCW3_P		BIT(2)	/* poll */
#define I8259_OCW3_SMM		BIT(5)	/* special mask mode ... */
#define I8259_OCW3_ESMM		BIT(6)	/* ... when this is set */
#define I8259_ICW4_MASK		0x1f
#define I8259_ICW4_AEOI		BIT(1)
#define I8259_ICW4_SFNM		BIT(4)
#define I8259_VECTOR_MASK	0xf8	/* ICW2 bits 7:3 */
#define I8259_SPURIOUS_IR	7
#define I8259_POLL_INT		0x80

/* OCW2 commands, bits 7:5 (R, SL, EOI). */
enum {
	OCW2_ROTATE_AEOI_CLEAR	= 0,
	OCW2_EOI		= 1,	/* non-specific */
	OCW2_NOP		= 2,
	OCW2_SPECIFIC_EOI	= 3,
	OCW2_ROTATE_AEOI_SET	= 4,
	OCW2_ROTATE_EOI		= 5,	/* rotate on non-specific */
	OCW2_SET_PRIORITY	= 6,
	OCW2_ROTATE_SPECIFIC	= 7,	/* rotate on specific EOI */
};

/* What the odd port takes next. */
enum i8259_init {
	I8259_READY,		/* OCW1 (IMR) */
	I8259_WAIT_ICW2,
	I8259_WAIT_ICW3,
	I8259_WAIT_ICW4,
};

enum { I8259_MASTER, I8259_SLAVE, I8259_NR_CHIPS };

struct i8259_chip {
	u8 lines;		/* inputs; the master's IR2: slave INT */
	u8 edges;		/* rising edges latched, edge inputs only */
	u8 isr;
	u8 imr;
	u8 elcr;
	u8 vector_base;		/* ICW2 bits 7:3 */
	u8 highest;		/* the IR with the highest priority */
	u8 icw1, icw3, icw4;	/* as written; ICW4 bits 4:0 */
	enum i8259_init init;
	bool read_isr;		/* OCW3 register select: ISR, else IRR */
	bool poll;		/* the next read is a poll */
	bool special_mask;
	bool rotate_aeoi;
	/* Fixed at creation. */
	u8 elcr_mask;		/* ELCR bits that exist */
	u8 cascade_in;		/* slave input: BIT(2) on the master */
};

struct axvm_i8259 {
	spinlock_t lock;	/* all below; the only lock of this file */
	struct i8259_chip chip[I8259_NR_CHIPS];
	bool out;		/* the master's INT now */
	bool reported;		/* the level last passed to host.output */
	bool notifying;		/* someone reports out (see the top) */
	struct axvm_i8259_host host;
};

/* Inputs that request while high: ELCR level inputs and the cascade. */
static u8 chip_level_inputs(const struct i8259_chip *c)
{
	return c->elcr | c->cascade_in;
}

static u8 chip_irr(const struct i8259_chip *c)
{
	return c->edges | (c->lines & chip_level_inputs(c));
}

/* The first IR of @mask in priority order, or -1 when @mask is 0. */
static int chip_first(const struct i8259_chip *c, u8 mask)
{
	unsigned int rank, ir;

	for (rank = 0; rank < 8; rank++) {
		ir = (c->highest + rank) & 7;
		if (mask & BIT(ir))
			return ir;
	}
	return -1;
}

/* 0 for the highest priority IR, 7 for the lowest. */
static unsigned int chip_rank(const struct i8259_chip *c, unsigned int ir)
{
	return (ir - c->highest) & 7;
}

/* In-service IRs that take part in priority and non-specific EOI. */
static u8 chip_isr_active(const struct i8259_chip *c)
{
	return c->special_mask ? c->isr & ~c->imr : c->isr;
}

/*
 * The priority resolver: the IR the chip would assert INT for, or -1.
 * A request must be unmasked and of higher priority than every active
 * in-service IR (the same IR in service blocks it too).
 */
static int chip_pending(const struct i8259_chip *c)
{
	u8 blocking = chip_isr_active(c);
	int req, cur;

	req = chip_first(c, chip_irr(c) & ~c->imr);
	if (req < 0)
		return -1;
	if (c->icw4 & I8259_ICW4_SFNM)
		blocking &= ~c->cascade_in;
	cur = chip_first(c, blocking);
	if (cur >= 0 && chip_rank(c, cur) <= chip_rank(c, req))
		return -1;
	return req;
}

/* Acknowledge @ir (INTA or poll): IRR to ISR, or auto-EOI. */
static void chip_ack(struct i8259_chip *c, unsigned int ir)
{
	c->edges &= ~BIT(ir);
	if (!(c->icw4 & I8259_ICW4_AEOI))
		c->isr |= BIT(ir);
	else if (c->rotate_aeoi)
		c->highest = (ir + 1) & 7;
}

/* Drive input @ir; an edge input latches a rising edge. */
static void chip_set_line(struct i8259_chip *c, unsigned int ir, bool level)
{
	u8 bit = BIT(ir);

	if (level && !(c->lines & bit) && !(chip_level_inputs(c) & bit))
		c->edges |= bit;
	if (level)
		c->lines |= bit;
	else
		c->lines &= ~bit;
}

/* ICW1, and the core of reset: what the datasheet says ICW1 clears. */
static void chip_icw1(struct i8259_chip *c, u8 val)
{
	c->icw1 = val;
	c->edges = 0;		/* the edge sense circuit is reset */
	c->isr = 0;
	c->imr = 0;
	c->highest = 0;		/* IR7 lowest priority */
	c->read_isr = false;
	c->poll = false;
	c->special_mask = false;
	c->rotate_aeoi = false;
	if (!(val & I8259_ICW1_IC4))
		c->icw4 = 0;
	c->init = I8259_WAIT_ICW2;
}

static void chip_reset(struct i8259_chip *c)
{
	chip_icw1(c, 0);
	c->elcr = 0;
	c->vector_base = 0;
	c->icw3 = 0;
	c->init = I8259_READY;
}

static void chip_eoi(struct i8259_chip *c, unsigned int ir, bool rotate)
{
	c->isr &= ~BIT(ir);
	if (rotate)
		c->highest = (ir + 1) & 7;	/* @ir becomes the lowest */
}

static void chip_ocw2(struct i8259_chip *c, u8 val)
{
	unsigned int level = val & 7;
	int ir;

	switch (val >> 5) {
	case OCW2_ROTATE_AEOI_CLEAR:
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_aeoi = val >> 5 == OCW2_ROTATE_AEOI_SET;
		break;
	case OCW2_EOI:
	case OCW2_ROTATE_EOI:
		ir = chip_first(c, chip_isr_active(c));
		if (ir >= 0)
			chip_eoi(c, ir, val >> 5 == OCW2_ROTATE_EOI);
		break;
	case OCW2_SPECIFIC_EOI:
	case OCW2_ROTATE_SPECIFIC:
		chip_eoi(c, level, val >> 5 == OCW2_ROTATE_SPECIFIC);
		break;
	case OCW2_SET_PRIORITY:
		c->highest = (level + 1) & 7;	/* @level now the lowest */
		break;
	default:	/* OCW2_NOP */
		break;
	}
}

static void chip_ocw3(struct i8259_chip *c, u8 val)
{
	if (val & I8259_OCW3_RR)
		c->read_isr = val & I8259_OCW3_RIS;
	if (val & I8259_OCW3_ESMM)
		c->special_mask = val & I8259_OCW3_SMM;
	c->poll = val & I8259_OCW3_P;
}

static void chip_write_data(struct i8259_chip *c, u8 val)
{
	switch (c->init) {
	case I8259_WAIT_ICW2:
		c->vector_base = val & I8259_VECTOR_MASK;
		if (!(c->icw1 & I8259_ICW1_SNGL))
			c->init = I8259_WAIT_ICW3;
		else if (c->icw1 & I8259_ICW1_IC4)
			c->init = I8259_WAIT_ICW4;
		else
			c->init = I8259_READY;
		break;
	case I8259_WAIT_ICW3:
		c->icw3 = val;
		c->init = (c->icw1 & I8259_ICW1_IC4) ? I8259_WAIT_ICW4 :
						       I8259_READY;
		break;
	case I8259_WAIT_ICW4:
		c->icw4 = val & I8259_ICW4_MASK;
		c->init = I8259_READY;
		break;
	default:	/* I8259_READY: OCW1 */
		c->imr = val;
		break;
	}
}

static u8 chip_read(struct i8259_chip *c, bool data_port)
{
	int ir;

	if (c->poll) {
		c->poll = false;
		ir = chip_pending(c);
		if (ir < 0)
			return 0;
		chip_ack(c, ir);
		return I8259_POLL_INT | ir;
	}
	if (data_port)
		return c->imr;
	return c->read_isr ? c->isr : chip_irr(c);
}

static void chip_write_elcr(struct i8259_chip *c, u8 val)
{
	c->elcr = val & c->elcr_mask;
	/*
	 * Level inputs keep no latch; an input that becomes edge-triggered
	 * starts with none, as after ICW1, so a line already high must
	 * rise again to request.
	 */
	c->edges &= ~chip_level_inputs(c);
}

/* The slave's INT onto the master's IR2, then the master's INT. */
static void pic_update(struct axvm_i8259 *pic)
{
	struct i8259_chip *m = &pic->chip[I8259_MASTER];
	bool slave_int = chip_pending(&pic->chip[I8259_SLAVE]) >= 0;

	lockdep_assert_held(&pic->lock);
	chip_set_line(m, AXVM_I8259_CASCADE_IRQ, slave_int);
	pic->out = chip_pending(m) >= 0;
}

static void pic_lock(struct axvm_i8259 *pic, unsigned long *flags)
	__acquires(&pic->lock)
{
	spin_lock_irqsave(&pic->lock, *flags);
}

/*
 * Recompute the output after a change, report it if it changed (see
 * the top of the file) and drop the lock taken by pic_lock().
 */
static void pic_unlock(struct axvm_i8259 *pic, unsigned long flags)
	__releases(&pic->lock)
{
	void (*output)(void *ctx, bool level) = pic->host.output;
	bool level;

	pic_update(pic);
	if (output && !pic->notifying) {
		pic->notifying = true;
		while (pic->reported != pic->out) {
			level = pic->out;
			pic->reported = level;
			spin_unlock_irqrestore(&pic->lock, flags);
			output(pic->host.ctx, level);
			spin_lock_irqsave(&pic->lock, flags);
		}
		pic->notifying = false;
	}
	spin_unlock_irqrestore(&pic->lock, flags);
}

static struct i8259_chip *pic_port_chip(struct axvm_i8259 *pic, u16 port)
{
	switch (port) {
	case AXVM_I8259_MASTER_CMD:
	case AXVM_I8259_MASTER_DATA:
	case AXVM_I8259_ELCR_MASTER:
		return &pic->chip[I8259_MASTER];
	case AXVM_I8259_SLAVE_CMD:
	case AXVM_I8259_SLAVE_DATA:
	case AXVM_I8259_ELCR_SLAVE:
		return &pic->chip[I8259_SLAVE];
	default:
		return NULL;
	}
}

static bool pic_port_is_elcr(u16 port)
{
	return port == AXVM_I8259_ELCR_MASTER || port == AXVM_I8259_ELCR_SLAVE;
}

u8 axvm_i8259_port_read(struct axvm_i8259 *pic, u16 port)
{
	struct i8259_chip *c = pic_port_chip(pic, port);
	unsigned long flags;
	u8 val;

	if (!c)
		return 0xff;
	pic_lock(pic, &flags);
	if (pic_port_is_elcr(port))
		val = c->elcr;
	else
		val = chip_read(c, port & 1);
	pic_unlock(pic, flags);
	return val;
}
AXVM_EXPORT_FOR_TESTS(axvm_i8259_port_read);

void axvm_i8259_port_write(struct axvm_i8259 *pic, u16 port, u8 val)
{
	struct i8259_chip *c = pic_port_chip(pic, port);
	unsigned long flags;

	if (!c)
		return;
	pic_lock(pic, &flags);
	if (pic_port_is_elcr(port))
		chip_write_elcr(c, val);
	else if (port & 1)
		chip_write_data(c, val);
	else if (val & I8259_ICW1)
		chip_icw1(c, val);
	else if (val & I8259_OCW3)
		chip_ocw3(c, val);
	else
		chip_ocw2(c, val);
	pic_unlock(pic, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_i8259_port_write);

void axvm_i8259_set_irq(struct axvm_i8259 *pic, unsigned int irq, bool level)
{
	unsigned long flags;

	if (irq >= AXVM_I8259_NR_IRQS || irq == AXVM_I8259_CASCADE_IRQ)
		return;
	pic_lock(pic, &flags);
	chip_set_line(&pic->chip[irq / 8], irq % 8, level);
	pic_unlock(pic, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_i8259_set_irq);

bool axvm_i8259_has_interrupt(struct axvm_i8259 *pic)
{
	unsigned long flags;
	bool out;

	spin_lock_irqsave(&pic->lock, flags);
	out = pic->out;
	spin_unlock_irqrestore(&pic->lock, flags);
	return out;
}
AXVM_EXPORT_FOR_TESTS(axvm_i8259_has_interrupt);

/* The vector an acknowledge would give now; @ack: and do it. */
static u8 pic_answer(struct axvm_i8259 *pic, bool ack)
{
	struct i8259_chip *m = &pic->chip[I8259_MASTER];
	struct i8259_chip *s = &pic->chip[I8259_SLAVE];
	unsigned long flags;
	int ir, slave_ir;
	u8 vector;

	pic_lock(pic, &flags);
	ir = chip_pending(m);
	if (ir < 0) {
		/* The request went away: IR7's vector, no ISR bit. */
		vector = m->vector_base | I8259_SPURIOUS_IR;
	} else if (BIT(ir) & m->cascade_in) {
		slave_ir = chip_pending(s);
		if (slave_ir >= 0) {
			if (ack)
				chip_ack(s, slave_ir);
			vector = s->vector_base | slave_ir;
		} else {
			vector = s->vector_base | I8259_SPURIOUS_IR;
		}
		if (ack)
			chip_ack(m, ir);
	} else {
		if (ack)
			chip_ack(m, ir);
		vector = m->vector_base | ir;
	}
	pic_unlock(pic, flags);
	return vector;
}

u8 axvm_i8259_read_irq(struct axvm_i8259 *pic)
{
	return pic_answer(pic, true);
}
AXVM_EXPORT_FOR_TESTS(axvm_i8259_read_irq);

u8 axvm_i8259_peek_irq(struct axvm_i8259 *pic)
{
	return pic_answer(pic, false);
}
AXVM_EXPORT_FOR_TESTS(axvm_i8259_peek_irq);

void axvm_i8259_reset(struct axvm_i8259 *pic)
{
	unsigned long flags;
	unsigned int i;

	pic_lock(pic, &flags);
	for (i = 0; i < I8259_NR_CHIPS; i++)
		chip_reset(&pic->chip[i]);
	pic_unlock(pic, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_i8259_reset);

struct axvm_i8259 *axvm_i8259_create(const struct axvm_i8259_host *host)
{
	struct axvm_i8259 *pic;

	pic = kzalloc(sizeof(*pic), GFP_KERNEL_ACCOUNT);
	if (!pic)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&pic->lock);
	if (host)
		pic->host = *host;
	pic->chip[I8259_MASTER].elcr_mask = 0xf8;	/* not IRQ 0, 1, 2 */
	pic->chip[I8259_MASTER].cascade_in = BIT(AXVM_I8259_CASCADE_IRQ);
	pic->chip[I8259_SLAVE].elcr_mask = 0xde;	/* not IRQ 8, 13 */
	chip_reset(&pic->chip[I8259_MASTER]);
	chip_reset(&pic->chip[I8259_SLAVE]);
	return pic;
}
AXVM_EXPORT_FOR_TESTS(axvm_i8259_create);

void axvm_i8259_destroy(struct axvm_i8259 *pic)
{
	kfree(pic);
}
AXVM_EXPORT_FOR_TESTS(axvm_i8259_destroy);
