// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550A UART: the register set Linux's 8250 driver probes and uses.
 *
 * Transmission is instant: THR is always empty (LSR.THRE|TEMT) and each
 * byte written goes straight to the VM's console (or, in loopback, to
 * our own RX FIFO). Reception comes from the console fd through
 * the type's input op into a 16-byte RX FIFO (one byte with the FIFOs
 * off); what does not fit is refused, so the writer sees back-pressure
 * instead of losing bytes. Baud rate, word length and parity are stored
 * and otherwise ignored. With no character timer, data below the FIFO
 * trigger level is reported as a character timeout (IIR 0xc) at once.
 * The modem lines read as connected (DCD, DSR, CTS); with MCR.LOOP they
 * follow MCR as the data sheet says. The IRQ is an edge, raised when the
 * interrupt condition goes from none to some.
 */
#include <linux/kernel.h>
#include <linux/serial_reg.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "device.h"
#include "kunit_export.h"

#define U16550_RX_FIFO_SIZE	16
/* Modem status lines when not in loopback: a connected cable. */
#define U16550_MSR_LINES_IDLE	(UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)
#define U16550_MSR_LINES	0xf0
#define U16550_DLL_RESET	0x0c	/* 9600 baud from 1.8432 MHz */

struct axvm_uart {
	/*
	 * Taken from vCPU threads (register access) and from the console
	 * fd (receive), with interrupts off since a host may call us so.
	 * Lock order: this lock, then whatever host->console_out takes.
	 */
	spinlock_t lock;
	u8 rx[U16550_RX_FIFO_SIZE];
	unsigned int rx_head;		/* index of the oldest byte */
	unsigned int rx_count;
	u8 rbr;				/* last byte read, read again when empty */
	u8 ier, fcr, lcr, mcr, msr, scr, dll, dlm;
	u8 lsr_err;			/* OE; cleared by reading LSR */
	bool thr_ipending;		/* THRE interrupt not yet acknowledged */
	bool irq_level;			/* some interrupt is pending */
};

static struct axvm_uart *to_uart(struct axvm_device_inst *dev)
{
	return dev->priv;
}

static unsigned int uart_rx_capacity(const struct axvm_uart *u)
{
	return (u->fcr & UART_FCR_ENABLE_FIFO) ? U16550_RX_FIFO_SIZE : 1;
}

static unsigned int uart_rx_trigger(const struct axvm_uart *u)
{
	static const u8 levels[] = { 1, 4, 8, 14 };

	return levels[(u->fcr & UART_FCR_TRIGGER_MASK) >> 6];
}

/* IIR's interrupt identification, by the 16550's priorities. */
static u8 uart_iir_id(const struct axvm_uart *u)
{
	if ((u->ier & UART_IER_RLSI) && u->lsr_err)
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx_count) {
		if ((u->fcr & UART_FCR_ENABLE_FIFO) &&
		    u->rx_count < uart_rx_trigger(u))
			return UART_IIR_RX_TIMEOUT;
		return UART_IIR_RDI;
	}
	if ((u->ier & UART_IER_THRI) && u->thr_ipending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr & UART_MSR_ANY_DELTA))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

/*
 * Recompute the interrupt line after a change; true when it rose, and
 * the caller must raise the IRQ once the lock is dropped.
 */
static bool uart_update_irq(struct axvm_uart *u)
{
	bool level = uart_iir_id(u) != UART_IIR_NO_INT;
	bool rose = level && !u->irq_level;

	u->irq_level = level;
	return rose;
}

static void uart_rx_clear(struct axvm_uart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* One byte into the RX FIFO; false when full (the byte is lost). */
static bool uart_rx_push(struct axvm_uart *u, u8 byte)
{
	if (u->rx_count >= uart_rx_capacity(u))
		return false;
	u->rx[(u->rx_head + u->rx_count) % U16550_RX_FIFO_SIZE] = byte;
	u->rx_count++;
	return true;
}

static u8 uart_rx_pop(struct axvm_uart *u)
{
	if (u->rx_count) {
		u->rbr = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % U16550_RX_FIFO_SIZE;
		u->rx_count--;
	}
	return u->rbr;
}

/* MSR's line bits: from MCR in loopback, else a connected cable. */
static void uart_update_msr(struct axvm_uart *u)
{
	u8 old = u->msr & U16550_MSR_LINES, lines = U16550_MSR_LINES_IDLE;
	u8 changed, delta = 0;

	if (u->mcr & UART_MCR_LOOP) {
		lines = 0;
		if (u->mcr & UART_MCR_RTS)
			lines |= UART_MSR_CTS;
		if (u->mcr & UART_MCR_DTR)
			lines |= UART_MSR_DSR;
		if (u->mcr & UART_MCR_OUT1)
			lines |= UART_MSR_RI;
		if (u->mcr & UART_MCR_OUT2)
			lines |= UART_MSR_DCD;
	}
	changed = old ^ lines;
	if (changed & UART_MSR_CTS)
		delta |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		delta |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI))
		delta |= UART_MSR_TERI;		/* trailing edge only */
	if (changed & UART_MSR_DCD)
		delta |= UART_MSR_DDCD;
	u->msr = lines | (u->msr & UART_MSR_ANY_DELTA) | delta;
}

static void uart_transmit(struct axvm_device_inst *dev, struct axvm_uart *u,
			  u8 byte)
{
	const struct axvm_device_host *host = dev->host;

	if (u->mcr & UART_MCR_LOOP) {
		if (!uart_rx_push(u, byte))
			u->lsr_err |= UART_LSR_OE;
	} else if (host && host->console_out) {
		host->console_out(host->ctx, &byte, 1);
	}
	/* The byte left at once: THR is empty again, which interrupts. */
	u->thr_ipending = true;
}

static u8 uart_read_reg(struct axvm_uart *u, unsigned int reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 val;

	switch (reg) {
	case UART_RX:
		return dlab ? u->dll : uart_rx_pop(u);
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		val = uart_iir_id(u);
		/* Reading IIR that reports THRE acknowledges it. */
		if (val == UART_IIR_THRI)
			u->thr_ipending = false;
		if (u->fcr & UART_FCR_ENABLE_FIFO)
			val |= 0xc0;	/* "FIFOs enabled", what 16550A probes */
		return val;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		val = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_err;
		if (u->rx_count)
			val |= UART_LSR_DR;
		u->lsr_err = 0;
		return val;
	case UART_MSR:
		val = u->msr;
		u->msr &= ~UART_MSR_ANY_DELTA;
		return val;
	default:	/* UART_SCR */
		return u->scr;
	}
}

static void uart_write_reg(struct axvm_device_inst *dev, struct axvm_uart *u,
			   unsigned int reg, u8 val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 old;

	switch (reg) {
	case UART_TX:
		if (dlab)
			u->dll = val;
		else
			uart_transmit(dev, u, val);
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = val;
			break;
		}
		old = u->ier;
		u->ier = val & 0x0f;
		/*
		 * Enabling the THRE interrupt while THR is empty raises it
		 * even if an IIR read acknowledged it before (QEMU and Bochs
		 * do this; Linux's THRE test and Windows rely on it).
		 */
		if ((old ^ u->ier) & UART_IER_THRI)
			u->thr_ipending = u->ier & UART_IER_THRI;
		break;
	case UART_FCR:
		old = u->fcr;
		/* Other bits are written only together with FIFO enable. */
		u->fcr = (val & UART_FCR_ENABLE_FIFO) ?
			 val & (UART_FCR_ENABLE_FIFO | UART_FCR_DMA_SELECT |
				UART_FCR_TRIGGER_MASK) : 0;
		/* Turning the FIFOs on or off empties them too. */
		if (((old ^ u->fcr) & UART_FCR_ENABLE_FIFO) ||
		    (u->fcr && (val & UART_FCR_CLEAR_RCVR)))
			uart_rx_clear(u);
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & 0x1f;
		uart_update_msr(u);
		break;
	case UART_LSR:
	case UART_MSR:
		break;		/* read-only (factory test registers) */
	default:	/* UART_SCR */
		u->scr = val;
		break;
	}
}

/*
 * The 16550 has byte registers; a wider access is split into byte
 * accesses in address order, as the ISA bus (and QEMU) does.
 */
static u64 uart_read(struct axvm_device_inst *dev, u64 offset, u8 width)
{
	struct axvm_uart *u = to_uart(dev);
	unsigned long flags;
	u64 val = 0;
	bool rose;
	u8 i;

	spin_lock_irqsave(&u->lock, flags);
	for (i = 0; i < width; i++)
		val |= (u64)uart_read_reg(u, (offset + i) & 7) << (i * 8);
	rose = uart_update_irq(u);
	spin_unlock_irqrestore(&u->lock, flags);
	if (rose)
		axvm_device_raise_irq(dev);
	return val;
}

static void uart_write(struct axvm_device_inst *dev, u64 offset, u8 width,
		       u64 value)
{
	struct axvm_uart *u = to_uart(dev);
	unsigned long flags;
	bool rose;
	u8 i;

	spin_lock_irqsave(&u->lock, flags);
	for (i = 0; i < width; i++)
		uart_write_reg(dev, u, (offset + i) & 7, value >> (i * 8));
	rose = uart_update_irq(u);
	spin_unlock_irqrestore(&u->lock, flags);
	if (rose)
		axvm_device_raise_irq(dev);
}

/* Console input: into the RX FIFO (none in loopback), as many as fit. */
static int uart_input(struct axvm_device_inst *dev, const u8 *buf, size_t len)
{
	struct axvm_uart *u = to_uart(dev);
	unsigned long flags;
	size_t n = 0;
	bool rose;

	spin_lock_irqsave(&u->lock, flags);
	/* In loopback the serial input is disconnected from the line. */
	if (!(u->mcr & UART_MCR_LOOP))
		while (n < len && uart_rx_push(u, buf[n]))
			n++;
	rose = uart_update_irq(u);
	spin_unlock_irqrestore(&u->lock, flags);
	if (rose)
		axvm_device_raise_irq(dev);
	return n;
}

/* Power-on values; u->lock is left alone. */
static void uart_init_regs(struct axvm_uart *u)
{
	uart_rx_clear(u);
	u->rbr = 0;
	u->ier = 0;
	u->fcr = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->msr = U16550_MSR_LINES_IDLE;
	u->scr = 0;
	u->dll = U16550_DLL_RESET;
	u->dlm = 0;
	u->lsr_err = 0;
	u->thr_ipending = false;
	u->irq_level = false;
}

static void uart_reset(struct axvm_device_inst *dev)
{
	struct axvm_uart *u = to_uart(dev);
	unsigned long flags;

	spin_lock_irqsave(&u->lock, flags);
	uart_init_regs(u);
	spin_unlock_irqrestore(&u->lock, flags);
}

static int uart_create(struct axvm_device_inst *dev)
{
	struct axvm_uart *u;

	if (dev->length != 8)
		return -EINVAL;
	u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
	if (!u)
		return -ENOMEM;
	spin_lock_init(&u->lock);
	uart_init_regs(u);
	dev->priv = u;
	return 0;
}

static void uart_destroy(struct axvm_device_inst *dev)
{
	kfree(dev->priv);
	dev->priv = NULL;
}

const struct axvm_device_type axvm_uart16550_type = {
	.type		= AXVM_DEV_UART16550,
	.name		= "uart16550",
	.cap		= AXVM_CAP_DEV_UART16550,
	.create		= uart_create,
	.destroy	= uart_destroy,
	.reset		= uart_reset,
	.read		= uart_read,
	.write		= uart_write,
	.input		= uart_input,
};
AXVM_EXPORT_FOR_TESTS(axvm_uart16550_type);
