/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's two 8259A programmable interrupt controllers: the master at
 * ports 0x20/0x21 (ISA IRQs 0-7), the slave at 0xa0/0xa1 (IRQs 8-15)
 * with its INT output on the master's IR2, and the PIIX/ICH edge/level
 * control registers (ELCR) at 0x4d0 (master) and 0x4d1 (slave).
 *
 * A self-contained model: the platform code gives it the ISA IRQ lines
 * (axvm_i8259_set_irq), the guest's port accesses (axvm_i8259_port_read,
 * axvm_i8259_port_write) and the CPU's interrupt acknowledge cycle
 * (axvm_i8259_read_irq); the model gives back one wire, the master's INT
 * output, through the host's output callback. On a PC that wire goes to
 * LINT0 of the BSP's local APIC, programmed as ExtINT ("virtual wire").
 * What the model does and where it differs from the chip is described
 * at the top of i8259.c.
 */
#ifndef AXVM_I8259_H
#define AXVM_I8259_H

#include <linux/types.h>

#define AXVM_I8259_MASTER_CMD	0x20	/* ICW1, OCW2, OCW3; IRR/ISR */
#define AXVM_I8259_MASTER_DATA	0x21	/* ICW2-4, OCW1 (IMR) */
#define AXVM_I8259_SLAVE_CMD	0xa0
#define AXVM_I8259_SLAVE_DATA	0xa1
#define AXVM_I8259_ELCR_MASTER	0x4d0	/* IRQs 0-7: 1 = level */
#define AXVM_I8259_ELCR_SLAVE	0x4d1	/* IRQs 8-15 */

#define AXVM_I8259_NR_IRQS	16
#define AXVM_I8259_CASCADE_IRQ	2	/* master input from the slave */

struct axvm_i8259;

/* What the model asks of the platform. The structure is copied. */
struct axvm_i8259_host {
	/*
	 * The master's INT output changed to @level. Optional. Called
	 * without the PIC's lock held, in the context of whichever PIC
	 * call noticed the change, and never concurrently with itself:
	 * successive calls alternate true and false, and the last one
	 * gives the current level. A change that is undone before the
	 * callback runs again may not be reported at all, and the PIC call
	 * that made a change may return before another caller, already
	 * inside the callback, has reported it. It may call back into the
	 * PIC (read the INT line, run the INTA cycle); it must not sleep.
	 */
	void (*output)(void *ctx, bool level);
	void *ctx;
};

/*
 * A new PIC pair in its reset state (axvm_i8259_reset). @host may be
 * NULL (no output). ERR_PTR(-ENOMEM) on failure. May sleep.
 */
struct axvm_i8259 *axvm_i8259_create(const struct axvm_i8259_host *host);
/* No other call may run or follow. NULL is ignored. */
void axvm_i8259_destroy(struct axvm_i8259 *pic);

/*
 * Power-on state of both chips and of the ELCRs (all edge), as if each
 * chip had received an ICW1 without ICW4 and a vector base of 0: IMR 0,
 * ISR 0, no latched edges, IR0 highest priority. The input lines keep
 * the levels their devices last drove (a line already high must go low
 * and high again to request an edge interrupt). May change the output.
 */
void axvm_i8259_reset(struct axvm_i8259 *pic);

/*
 * Drive ISA IRQ line @irq (0-15) to @level. An edge-triggered input
 * (ELCR bit clear) latches a request in IRR on a rising edge, and the
 * request stays until the INTA cycle (or poll) acknowledges it, even if
 * the line falls first, so a pulse (set 1, set 0) is one interrupt. A
 * level-triggered input requests while it is high. IRQ 2 is the
 * cascade, not an input, and @irq 2 or above 15 is ignored. Any context
 * but NMI.
 */
void axvm_i8259_set_irq(struct axvm_i8259 *pic, unsigned int irq,
			bool level);

/* The master's INT output now. Any context but NMI. */
bool axvm_i8259_has_interrupt(struct axvm_i8259 *pic);

/*
 * The CPU's interrupt acknowledge cycle: the vector of the highest
 * priority request that is not masked or blocked by one in service,
 * from the master or, for a request on IR2, from the slave. The request
 * moves from IRR to ISR (an edge request leaves IRR; in auto-EOI mode
 * ISR is not set, and with rotate-in-AEOI the IR becomes the lowest
 * priority). With no request, as after a request vanished between INT
 * and the acknowledge, the chip answers with the spurious vector of IR7
 * (base + 7) and sets no ISR bit; the slave's spurious IR7 (IRQ 15)
 * cannot happen here, as both chips change under one lock. Call it
 * after seeing INT (output or axvm_i8259_has_interrupt). Any context
 * but NMI.
 */
u8 axvm_i8259_read_irq(struct axvm_i8259 *pic);
/*
 * The vector axvm_i8259_read_irq() would return now, without the cycle:
 * nothing changes. For a CPU that must decide whether to open an
 * interrupt window before it can take the interrupt.
 */
u8 axvm_i8259_peek_irq(struct axvm_i8259 *pic);

/*
 * One-byte accesses to the ports above; the platform splits wider ones.
 * A read of any other port returns 0xff, a write to one is ignored.
 * Any context but NMI.
 */
u8 axvm_i8259_port_read(struct axvm_i8259 *pic, u16 port);
void axvm_i8259_port_write(struct axvm_i8259 *pic, u16 port, u8 val);

#endif /* AXVM_I8259_H */
