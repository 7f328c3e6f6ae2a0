// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_uart: the 16550A, register by register, through the device set
 * the way a guest reaches it (COM1, IRQ 4), with a recording host.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/serial_reg.h>
#include <uapi/linux/axvm.h>
#include "device.h"
#include "console.h"

#define COM1		0x3f8
#define COM1_IRQ	4
#define UART_EFR_OFF	2	/* EFR of the 16650 and later: IIR/FCR here */

struct uart_rec {
	struct axvm_device_host host;
	struct axvm_devset set;
	struct axvm_device_inst *uart;
	unsigned int nr_irqs;
	u32 last_irq;
	size_t out_len;
	u8 out[64];
	struct axvm_console *con;	/* also gets the output when set */
	int con_refs;
};

static void rec_raise_irq(void *ctx, u32 irq)
{
	struct uart_rec *r = ctx;

	r->nr_irqs++;
	r->last_irq = irq;
}

static void rec_console_out(void *ctx, const u8 *buf, size_t len)
{
	struct uart_rec *r = ctx;

	if (r->con)
		axvm_console_write_out(r->con, buf, len);
	while (len-- && r->out_len < sizeof(r->out))
		r->out[r->out_len++] = *buf++;
}

static int uart_test_init(struct kunit *test)
{
	struct uart_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct axvm_device req = {
		.type = AXVM_DEV_UART16550,
		.space = AXVM_SPACE_PIO,
		.base = COM1,
		.length = 8,
		.irq = COM1_IRQ,
		.name = "com1",
	};
	int ret;

	test->priv = r;
	if (!r)
		return -ENOMEM;
	r->host.raise_irq = rec_raise_irq;
	r->host.console_out = rec_console_out;
	r->host.ctx = r;
	axvm_devset_init(&r->set, &r->host);
	ret = axvm_devset_add(&r->set, &req);
	if (ret)
		return ret;
	r->uart = axvm_devset_find(&r->set, AXVM_SPACE_PIO, COM1, 1);
	if (!r->uart)
		return -ENODEV;
	return 0;
}

static void uart_test_exit(struct kunit *test)
{
	struct uart_rec *r = test->priv;

	if (r)		/* exit runs even when init failed */
		axvm_devset_destroy(&r->set);
}

/* inb/outb on COM1 + @reg, as the guest does them. */
static u8 uin(struct kunit *test, unsigned int reg)
{
	struct uart_rec *r = test->priv;
	u64 val = 0;

	KUNIT_EXPECT_TRUE(test, axvm_devset_read(&r->set, AXVM_SPACE_PIO,
						 COM1 + reg, 1, &val));
	return val;
}

static void uout(struct kunit *test, unsigned int reg, u8 val)
{
	struct uart_rec *r = test->priv;

	KUNIT_EXPECT_TRUE(test, axvm_devset_write(&r->set, AXVM_SPACE_PIO,
						  COM1 + reg, 1, val));
}

static int urx(struct kunit *test, const char *s)
{
	struct uart_rec *r = test->priv;

	return r->uart->type->input(r->uart, (const u8 *)s, strlen(s));
}

/* ---- power-on values ----------------------------------------------------- */

struct uart_reg_case {
	const char *desc;
	unsigned int reg;
	bool dlab;
	u8 value;
};

static const struct uart_reg_case uart_power_on_cases[] = {
	{ "IER", UART_IER, false, 0x00 },
	{ "IIR", UART_IIR, false, UART_IIR_NO_INT },
	{ "LCR", UART_LCR, false, 0x00 },
	{ "MCR", UART_MCR, false, 0x00 },
	{ "LSR", UART_LSR, false, UART_LSR_THRE | UART_LSR_TEMT },
	{ "MSR", UART_MSR, false, UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS },
	{ "SCR", UART_SCR, false, 0x00 },
	{ "RBR", UART_RX, false, 0x00 },
	{ "DLL", UART_DLL, true, 0x0c },
	{ "DLM", UART_DLM, true, 0x00 },
};

static void uart_reg_desc(const struct uart_reg_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(uart_power_on, uart_power_on_cases, uart_reg_desc);

static void uart_expect_reg(struct kunit *test, const struct uart_reg_case *c)
{
	if (c->dlab)
		uout(test, UART_LCR, UART_LCR_DLAB);
	KUNIT_EXPECT_EQ_MSG(test, uin(test, c->reg), c->value, "%s", c->desc);
	if (c->dlab)
		uout(test, UART_LCR, 0);
}

static void uart_power_on(struct kunit *test)
{
	uart_expect_reg(test, test->param_value);
}

static void uart_reset_restores(struct kunit *test)
{
	struct uart_rec *r = test->priv;
	unsigned int i;

	uout(test, UART_LCR, UART_LCR_DLAB);
	uout(test, UART_DLL, 0x01);
	uout(test, UART_DLM, 0x02);
	uout(test, UART_LCR, UART_LCR_WLEN8);
	uout(test, UART_IER, 0x0f);
	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	uout(test, UART_MCR, UART_MCR_DTR | UART_MCR_OUT2);
	uout(test, UART_SCR, 0x5a);
	KUNIT_EXPECT_EQ(test, urx(test, "abc"), 3);

	axvm_devset_reset(&r->set);
	for (i = 0; i < ARRAY_SIZE(uart_power_on_cases); i++)
		uart_expect_reg(test, &uart_power_on_cases[i]);
}

/* ---- registers ------------------------------------------------------------ */

static void uart_dlab_round_trip(struct kunit *test)
{
	uout(test, UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
	uout(test, UART_DLL, 0x01);
	uout(test, UART_DLM, 0x80);
	KUNIT_EXPECT_EQ(test, uin(test, UART_DLL), 0x01);
	KUNIT_EXPECT_EQ(test, uin(test, UART_DLM), 0x80);
	KUNIT_EXPECT_EQ(test, uin(test, UART_LCR),
			UART_LCR_DLAB | UART_LCR_WLEN8);
	uout(test, UART_LCR, UART_LCR_WLEN8);
	KUNIT_EXPECT_EQ(test, uin(test, UART_LCR), UART_LCR_WLEN8);
	/* The latch is kept while hidden. */
	uout(test, UART_LCR, UART_LCR_DLAB);
	KUNIT_EXPECT_EQ(test, uin(test, UART_DLL), 0x01);
	KUNIT_EXPECT_EQ(test, uin(test, UART_DLM), 0x80);
}

static void uart_dlab_hides_thr_ier(struct kunit *test)
{
	struct uart_rec *r = test->priv;

	uout(test, UART_LCR, UART_LCR_DLAB);
	uout(test, UART_TX, 'x');
	uout(test, UART_IER, 0x0f);
	uout(test, UART_LCR, 0);
	KUNIT_EXPECT_EQ(test, r->out_len, 0ul);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IER), 0);
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 0u);
}

static void uart_scr(struct kunit *test)
{
	static const u8 vals[] = { 0x00, 0x55, 0xaa, 0xff, 0x01 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		uout(test, UART_SCR, vals[i]);
		KUNIT_EXPECT_EQ(test, uin(test, UART_SCR), vals[i]);
	}
}

static void uart_ier_mask(struct kunit *test)
{
	uout(test, UART_IER, 0xff);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IER), 0x0f);
	uout(test, UART_IER, 0xf0);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IER), 0x00);
}

static void uart_read_only_regs(struct kunit *test)
{
	uout(test, UART_LSR, 0x00);
	uout(test, UART_MSR, 0x00);
	KUNIT_EXPECT_EQ(test, uin(test, UART_LSR),
			UART_LSR_THRE | UART_LSR_TEMT);
	KUNIT_EXPECT_EQ(test, uin(test, UART_MSR),
			UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
}

struct uart_fcr_case {
	const char *desc;
	u8 fcr;
	u8 iir;
};

static const struct uart_fcr_case uart_fcr_cases[] = {
	{ "FIFOs off", 0x00, 0x01 },
	{ "FIFOs on", UART_FCR_ENABLE_FIFO, 0xc1 },
	{ "on, trigger 14, clears", 0xc7, 0xc1 },
	{ "64-byte bit ignored", UART_FCR_ENABLE_FIFO | UART_FCR7_64BYTE,
	  0xc1 },
	{ "clear bits without enable", UART_FCR_CLEAR_RCVR |
	  UART_FCR_CLEAR_XMIT, 0x01 },
};

static void uart_fcr_desc(const struct uart_fcr_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(uart_fcr, uart_fcr_cases, uart_fcr_desc);

static void uart_iir_fifo_bits(struct kunit *test)
{
	const struct uart_fcr_case *c = test->param_value;

	uout(test, UART_FCR, c->fcr);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), c->iir);
}

static void uart_fifo_off_again(struct kunit *test)
{
	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	KUNIT_EXPECT_EQ(test, urx(test, "abc"), 3);
	/* Turning the FIFOs off empties them. */
	uout(test, UART_FCR, 0);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), UART_IIR_NO_INT);
	KUNIT_EXPECT_FALSE(test, uin(test, UART_LSR) & UART_LSR_DR);
}

/* ---- transmit ------------------------------------------------------------- */

static void uart_tx_to_console(struct kunit *test)
{
	struct uart_rec *r = test->priv;

	uout(test, UART_TX, 'h');
	uout(test, UART_TX, 'i');
	uout(test, UART_TX, '\n');
	KUNIT_ASSERT_EQ(test, r->out_len, 3ul);
	KUNIT_EXPECT_EQ(test, memcmp(r->out, "hi\n", 3), 0);
	/* Transmission is instant: THR and the shifter stay empty. */
	KUNIT_EXPECT_EQ(test, uin(test, UART_LSR),
			UART_LSR_THRE | UART_LSR_TEMT);
	/* With IER 0 nothing interrupts. */
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 0u);
}

static void uart_thre_irq(struct kunit *test)
{
	struct uart_rec *r = test->priv;

	/* Enabling ETBEI with THR empty interrupts at once. */
	uout(test, UART_IER, UART_IER_THRI);
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 1u);
	KUNIT_EXPECT_EQ(test, r->last_irq, (u32)COM1_IRQ);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), UART_IIR_THRI);
	/* Reading IIR that reports THRE acknowledges it. */
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), UART_IIR_NO_INT);
	/* Each byte sent empties THR again: a new interrupt. */
	uout(test, UART_TX, 'a');
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 2u);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), UART_IIR_THRI);
}

static void uart_thre_irq_rearmed_by_ier(struct kunit *test)
{
	struct uart_rec *r = test->priv;
	u8 iir1, iir2;

	/* Linux's UART_BUG_THRE probe in serial8250_do_startup(). */
	uout(test, UART_IER, UART_IER_THRI);
	iir1 = uin(test, UART_IIR);
	uout(test, UART_IER, 0);
	uout(test, UART_IER, UART_IER_THRI);
	iir2 = uin(test, UART_IIR);
	uout(test, UART_IER, 0);
	KUNIT_EXPECT_EQ(test, iir1, UART_IIR_THRI);
	KUNIT_EXPECT_EQ(test, iir2, UART_IIR_THRI);
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 2u);
}

/* ---- receive -------------------------------------------------------------- */

static void uart_rx_data_ready_irq(struct kunit *test)
{
	struct uart_rec *r = test->priv;

	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);	/* trigger level 1 */
	uout(test, UART_IER, UART_IER_RDI);
	KUNIT_EXPECT_EQ(test, urx(test, "ab"), 2);
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 1u);
	KUNIT_EXPECT_EQ(test, r->last_irq, (u32)COM1_IRQ);
	KUNIT_EXPECT_TRUE(test, uin(test, UART_LSR) & UART_LSR_DR);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), 0xc0 | UART_IIR_RDI);
	KUNIT_EXPECT_EQ(test, uin(test, UART_RX), 'a');
	KUNIT_EXPECT_EQ(test, uin(test, UART_RX), 'b');
	KUNIT_EXPECT_FALSE(test, uin(test, UART_LSR) & UART_LSR_DR);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), 0xc0 | UART_IIR_NO_INT);
	/* An empty RBR reads the last byte again, changing nothing. */
	KUNIT_EXPECT_EQ(test, uin(test, UART_RX), 'b');
}

static void uart_rx_no_irq_when_disabled(struct kunit *test)
{
	struct uart_rec *r = test->priv;

	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	KUNIT_EXPECT_EQ(test, urx(test, "a"), 1);
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 0u);
	KUNIT_EXPECT_TRUE(test, uin(test, UART_LSR) & UART_LSR_DR);
	/* Enabling ERBFI with data waiting interrupts. */
	uout(test, UART_IER, UART_IER_RDI);
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 1u);
}

static void uart_rx_irq_is_an_edge(struct kunit *test)
{
	struct uart_rec *r = test->priv;

	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	uout(test, UART_IER, UART_IER_RDI);
	KUNIT_EXPECT_EQ(test, urx(test, "a"), 1);
	KUNIT_EXPECT_EQ(test, urx(test, "b"), 1);
	/* The line was already up: one edge. */
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 1u);
	uin(test, UART_RX);
	uin(test, UART_RX);
	KUNIT_EXPECT_EQ(test, urx(test, "c"), 1);
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 2u);
}

static void uart_rx_fifo_off_holds_one(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, urx(test, "ab"), 1);
	KUNIT_EXPECT_EQ(test, urx(test, "b"), 0);
	KUNIT_EXPECT_EQ(test, uin(test, UART_RX), 'a');
	KUNIT_EXPECT_EQ(test, urx(test, "b"), 1);
	KUNIT_EXPECT_EQ(test, uin(test, UART_RX), 'b');
}

static void uart_rx_timeout_below_trigger(struct kunit *test)
{
	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_TRIGGER_4);
	uout(test, UART_IER, UART_IER_RDI);
	KUNIT_EXPECT_EQ(test, urx(test, "abc"), 3);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), 0xc0 | UART_IIR_RX_TIMEOUT);
	KUNIT_EXPECT_EQ(test, urx(test, "d"), 1);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), 0xc0 | UART_IIR_RDI);
}

static void uart_rx_overflow(struct kunit *test)
{
	static const char data[] = "0123456789abcdefXYZ";
	unsigned int i;

	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	KUNIT_EXPECT_EQ(test, urx(test, data), 16);
	KUNIT_EXPECT_EQ(test, urx(test, "!"), 0);
	/* Refused bytes are not lost in the FIFO: no overrun. */
	KUNIT_EXPECT_FALSE(test, uin(test, UART_LSR) & UART_LSR_OE);
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_EQ(test, uin(test, UART_RX), (u8)data[i]);
	KUNIT_EXPECT_FALSE(test, uin(test, UART_LSR) & UART_LSR_DR);
	KUNIT_EXPECT_EQ(test, urx(test, "!"), 1);
}

static void uart_rx_clear_fifo(struct kunit *test)
{
	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	KUNIT_EXPECT_EQ(test, urx(test, "abc"), 3);
	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR);
	KUNIT_EXPECT_FALSE(test, uin(test, UART_LSR) & UART_LSR_DR);
}

static void uart_iir_priority(struct kunit *test)
{
	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	uout(test, UART_IER, UART_IER_RDI | UART_IER_THRI);
	KUNIT_EXPECT_EQ(test, urx(test, "a"), 1);
	/* RX data outranks THRE, which waits its turn. */
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), 0xc0 | UART_IIR_RDI);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), 0xc0 | UART_IIR_RDI);
	uin(test, UART_RX);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), 0xc0 | UART_IIR_THRI);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), 0xc0 | UART_IIR_NO_INT);
}

static void uart_only_the_uart_takes_input(struct kunit *test)
{
	struct uart_rec *r = test->priv;
	struct axvm_device req = {
		.type = AXVM_DEV_DEBUG_EXIT,
		.space = AXVM_SPACE_PIO,
		.base = 0xf4,
		.length = 1,
		.irq = AXVM_IRQ_NONE,
	};
	struct axvm_device_inst *dev;

	KUNIT_ASSERT_EQ(test, axvm_devset_add(&r->set, &req), 0);
	dev = axvm_devset_find(&r->set, AXVM_SPACE_PIO, 0xf4, 1);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	/* Only the UART takes console input (dev_test: who gets it). */
	KUNIT_EXPECT_NULL(test, dev->type->input);
	KUNIT_EXPECT_NOT_NULL(test, r->uart->type->input);
}

static void uart_no_irq_line(struct kunit *test)
{
	struct uart_rec *r = test->priv;
	struct axvm_device req = {
		.type = AXVM_DEV_UART16550,
		.space = AXVM_SPACE_PIO,
		.base = 0x2f8,
		.length = 8,
		.irq = AXVM_IRQ_NONE,
	};
	struct axvm_device_inst *dev;
	u64 val;

	KUNIT_ASSERT_EQ(test, axvm_devset_add(&r->set, &req), 0);
	dev = axvm_devset_find(&r->set, AXVM_SPACE_PIO, 0x2f8, 1);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	axvm_devset_write(&r->set, AXVM_SPACE_PIO, 0x2f9, 1,
			  UART_IER_RDI | UART_IER_THRI);
	KUNIT_EXPECT_EQ(test, dev->type->input(dev, (const u8 *)"a", 1), 1);
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 0u);
	/* The condition is still reported in IIR. */
	axvm_devset_read(&r->set, AXVM_SPACE_PIO, 0x2fa, 1, &val);
	KUNIT_EXPECT_EQ(test, val, (u64)UART_IIR_RDI);
}

/* ---- loopback and modem status ------------------------------------------- */

struct uart_loop_case {
	const char *desc;
	u8 mcr;
	u8 msr_lines;
};

static const struct uart_loop_case uart_loop_cases[] = {
	{ "none", 0, 0 },
	{ "DTR->DSR", UART_MCR_DTR, UART_MSR_DSR },
	{ "RTS->CTS", UART_MCR_RTS, UART_MSR_CTS },
	{ "OUT1->RI", UART_MCR_OUT1, UART_MSR_RI },
	{ "OUT2->DCD", UART_MCR_OUT2, UART_MSR_DCD },
	{ "8250 probe 0x0a", UART_MCR_RTS | UART_MCR_OUT2, 0x90 },
	{ "all", 0x0f, 0xf0 },
};

static void uart_loop_desc(const struct uart_loop_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(uart_loop, uart_loop_cases, uart_loop_desc);

static void uart_loopback_msr(struct kunit *test)
{
	const struct uart_loop_case *c = test->param_value;

	uout(test, UART_MCR, UART_MCR_LOOP | c->mcr);
	KUNIT_EXPECT_EQ(test, uin(test, UART_MSR) & 0xf0, c->msr_lines);
	KUNIT_EXPECT_EQ(test, uin(test, UART_MCR), UART_MCR_LOOP | c->mcr);
}

static void uart_loopback_tx_to_rx(struct kunit *test)
{
	struct uart_rec *r = test->priv;

	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	uout(test, UART_MCR, UART_MCR_LOOP);
	uout(test, UART_TX, 'x');
	uout(test, UART_TX, 'y');
	KUNIT_EXPECT_EQ(test, r->out_len, 0ul);
	KUNIT_EXPECT_TRUE(test, uin(test, UART_LSR) & UART_LSR_DR);
	KUNIT_EXPECT_EQ(test, uin(test, UART_RX), 'x');
	KUNIT_EXPECT_EQ(test, uin(test, UART_RX), 'y');
	/* Out of loopback, bytes go to the console again. */
	uout(test, UART_MCR, 0);
	uout(test, UART_TX, 'z');
	KUNIT_EXPECT_EQ(test, r->out_len, 1ul);
	KUNIT_EXPECT_EQ(test, r->out[0], 'z');
}

static void uart_loopback_refuses_input(struct kunit *test)
{
	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	uout(test, UART_MCR, UART_MCR_LOOP);
	KUNIT_EXPECT_EQ(test, urx(test, "a"), 0);
	KUNIT_EXPECT_FALSE(test, uin(test, UART_LSR) & UART_LSR_DR);
}

static void uart_loopback_overrun(struct kunit *test)
{
	struct uart_rec *r = test->priv;

	/* FIFOs off: one byte of room; the second overruns. */
	uout(test, UART_IER, UART_IER_RLSI);
	uout(test, UART_MCR, UART_MCR_LOOP);
	uout(test, UART_TX, '1');
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 0u);
	uout(test, UART_TX, '2');
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 1u);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), UART_IIR_RLSI);
	KUNIT_EXPECT_EQ(test, uin(test, UART_LSR),
			UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_OE |
			UART_LSR_DR);
	/* Reading LSR clears the error. */
	KUNIT_EXPECT_EQ(test, uin(test, UART_LSR),
			UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	KUNIT_EXPECT_EQ(test, uin(test, UART_RX), '1');
}

static void uart_msr_deltas(struct kunit *test)
{
	struct uart_rec *r = test->priv;

	uout(test, UART_IER, UART_IER_MSI);
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 0u);
	/* Loopback with no outputs: DCD, DSR and CTS fall. */
	uout(test, UART_MCR, UART_MCR_LOOP);
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 1u);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), UART_IIR_MSI);
	KUNIT_EXPECT_EQ(test, uin(test, UART_MSR),
			UART_MSR_DDCD | UART_MSR_DDSR | UART_MSR_DCTS);
	/* Reading MSR clears the deltas and the interrupt. */
	KUNIT_EXPECT_EQ(test, uin(test, UART_MSR), 0);
	KUNIT_EXPECT_EQ(test, uin(test, UART_IIR), UART_IIR_NO_INT);
	/* RI: only its trailing edge is a delta. */
	uout(test, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
	KUNIT_EXPECT_EQ(test, uin(test, UART_MSR), UART_MSR_RI);
	uout(test, UART_MCR, UART_MCR_LOOP);
	KUNIT_EXPECT_EQ(test, uin(test, UART_MSR), UART_MSR_TERI);
}

/* ---- the guest's view ------------------------------------------------------ */

static void uart_wide_access(struct kunit *test)
{
	struct uart_rec *r = test->priv;
	u64 val = 0;

	/* A 16-bit access is two byte accesses, low address first. */
	uout(test, UART_LCR, UART_LCR_DLAB);
	KUNIT_EXPECT_TRUE(test, axvm_devset_write(&r->set, AXVM_SPACE_PIO,
						  COM1 + UART_DLL, 2, 0x0201));
	KUNIT_EXPECT_EQ(test, uin(test, UART_DLL), 0x01);
	KUNIT_EXPECT_EQ(test, uin(test, UART_DLM), 0x02);
	KUNIT_EXPECT_TRUE(test, axvm_devset_read(&r->set, AXVM_SPACE_PIO,
						 COM1 + UART_DLL, 2, &val));
	KUNIT_EXPECT_EQ(test, val, 0x0201ULL);
	uout(test, UART_LCR, 0);
	/* LSR and MSR in one 16-bit read. */
	KUNIT_EXPECT_TRUE(test, axvm_devset_read(&r->set, AXVM_SPACE_PIO,
						 COM1 + UART_LSR, 2, &val));
	KUNIT_EXPECT_EQ(test, val, 0xb060ULL);
}

/*
 * Linux's autoconfig() and autoconfig_16550a() (drivers/tty/serial/8250/
 * 8250_port.c, with CONFIG_SERIAL_8250_16550A_VARIANTS), step by step:
 * the type the driver would settle on.
 */
static const char *uart_linux_autoconfig(struct kunit *test)
{
	u8 scratch, scratch2, scratch3, save_mcr, save_lcr, status1, status2;
	u8 iersave;

	scratch = uin(test, UART_IER);
	uout(test, UART_IER, 0);
	scratch2 = uin(test, UART_IER) & 0x0f;
	uout(test, UART_IER, 0x0f);
	scratch3 = uin(test, UART_IER) & 0x0f;
	uout(test, UART_IER, scratch);
	if (scratch2 != 0 || scratch3 != 0x0f)
		return "IER test failed";

	save_mcr = uin(test, UART_MCR);
	save_lcr = uin(test, UART_LCR);
	uout(test, UART_MCR, UART_MCR_LOOP | 0x0a);
	status1 = uin(test, UART_MSR) & 0xf0;
	uout(test, UART_MCR, save_mcr);
	if (status1 != 0x90)
		return "LOOP test failed";

	uout(test, UART_LCR, UART_LCR_CONF_MODE_B);
	uout(test, UART_EFR_OFF, 0);
	uout(test, UART_LCR, 0);
	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	scratch = uin(test, UART_IIR);
	switch (scratch >> 6) {
	case 0:
		return "8250";
	case 1:
		return "unknown";
	case 2:
		return "16550";
	}

	/* autoconfig_16550a() */
	uout(test, UART_LCR, UART_LCR_CONF_MODE_A);
	if (uin(test, UART_EFR_OFF) == 0)
		return "16650 (EFRv1)";
	uout(test, UART_LCR, UART_LCR_CONF_MODE_B);
	if (uin(test, UART_EFR_OFF) == 0)
		return "EFRv2";

	uout(test, UART_LCR, 0);
	status1 = uin(test, UART_MCR);
	uout(test, UART_LCR, 0xe0);
	status2 = uin(test, 0x02);	/* EXCR1 */
	if (!((status2 ^ status1) & UART_MCR_LOOP)) {
		uout(test, UART_LCR, 0);
		uout(test, UART_MCR, status1 ^ UART_MCR_LOOP);
		uout(test, UART_LCR, 0xe0);
		status2 = uin(test, 0x02);
		uout(test, UART_LCR, 0);
		uout(test, UART_MCR, status1);
		if ((status2 ^ status1) & UART_MCR_LOOP)
			return "NS16550A";
	}

	uout(test, UART_LCR, 0);
	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR7_64BYTE);
	status1 = uin(test, UART_IIR) >> 5;
	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	uout(test, UART_LCR, UART_LCR_CONF_MODE_A);
	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR7_64BYTE);
	status2 = uin(test, UART_IIR) >> 5;
	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	uout(test, UART_LCR, 0);
	if (status1 == 6 && status2 == 7)
		return "16750";

	iersave = uin(test, UART_IER);
	uout(test, UART_IER, iersave & ~UART_IER_UUE);
	if (!(uin(test, UART_IER) & UART_IER_UUE)) {
		uout(test, UART_IER, iersave | UART_IER_UUE);
		if (uin(test, UART_IER) & UART_IER_UUE)
			return "XScale";
	}
	uout(test, UART_IER, iersave);

	/* The end of autoconfig(). */
	uout(test, UART_LCR, save_lcr);
	uout(test, UART_MCR, save_mcr);
	return "16550A";
}

static void uart_linux_detects_16550a(struct kunit *test)
{
	struct uart_rec *r = test->priv;

	KUNIT_EXPECT_STREQ(test, uart_linux_autoconfig(test), "16550A");
	KUNIT_EXPECT_EQ(test, r->out_len, 0ul);
}

/* ---- wired to a real console, as a VM wires them ------------------------- */

static int rec_con_input(void *ctx, const u8 *buf, size_t len)
{
	struct uart_rec *r = ctx;

	return r->uart->type->input(r->uart, buf, len);
}

static void rec_con_get(void *ctx)
{
	struct uart_rec *r = ctx;

	r->con_refs++;
}

static void rec_con_put(void *ctx)
{
	struct uart_rec *r = ctx;

	r->con_refs--;
}

static const struct axvm_console_ops rec_con_ops = {
	.input = rec_con_input,
	.get = rec_con_get,
	.put = rec_con_put,
};

/*
 * Guest output through the UART's lock into the console's (the lock
 * order lockdep sees in a VM), and console fd writes into the RX FIFO.
 */
static void uart_console_round_trip(struct kunit *test)
{
	struct uart_rec *r = test->priv;
	struct axvm_console *con;
	struct file *file;
	char buf[32] = {};

	con = axvm_console_create(64, &rec_con_ops, r);
	KUNIT_ASSERT_FALSE(test, IS_ERR(con));
	file = axvm_console_getfile(con, O_NONBLOCK);
	if (IS_ERR(file)) {
		axvm_console_destroy(con);
		KUNIT_FAIL(test, "getfile: %ld", PTR_ERR(file));
		return;
	}
	r->con = con;

	uout(test, UART_TX, 'o');
	uout(test, UART_TX, 'k');
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), NULL), 2L);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "ok", 2), 0);

	uout(test, UART_FCR, UART_FCR_ENABLE_FIFO);
	uout(test, UART_IER, UART_IER_RDI);
	KUNIT_EXPECT_EQ(test, kernel_write(file, "hi", 2, NULL), 2L);
	KUNIT_EXPECT_EQ(test, r->nr_irqs, 1u);
	KUNIT_EXPECT_EQ(test, uin(test, UART_RX), 'h');
	KUNIT_EXPECT_EQ(test, uin(test, UART_RX), 'i');
	/* A full RX FIFO pushes back on the writer. */
	KUNIT_EXPECT_EQ(test, kernel_write(file, "0123456789abcdefXYZ", 19,
					   NULL), 16L);
	KUNIT_EXPECT_EQ(test, kernel_write(file, "!", 1, NULL),
			(ssize_t)-EAGAIN);

	r->con = NULL;
	__fput_sync(file);
	KUNIT_EXPECT_EQ(test, r->con_refs, 0);
	axvm_console_destroy(con);
}

static struct kunit_case uart_cases[] = {
	KUNIT_CASE_PARAM(uart_power_on, uart_power_on_gen_params),
	KUNIT_CASE(uart_reset_restores),
	KUNIT_CASE(uart_dlab_round_trip),
	KUNIT_CASE(uart_dlab_hides_thr_ier),
	KUNIT_CASE(uart_scr),
	KUNIT_CASE(uart_ier_mask),
	KUNIT_CASE(uart_read_only_regs),
	KUNIT_CASE_PARAM(uart_iir_fifo_bits, uart_fcr_gen_params),
	KUNIT_CASE(uart_fifo_off_again),
	KUNIT_CASE(uart_tx_to_console),
	KUNIT_CASE(uart_thre_irq),
	KUNIT_CASE(uart_thre_irq_rearmed_by_ier),
	KUNIT_CASE(uart_rx_data_ready_irq),
	KUNIT_CASE(uart_rx_no_irq_when_disabled),
	KUNIT_CASE(uart_rx_irq_is_an_edge),
	KUNIT_CASE(uart_rx_fifo_off_holds_one),
	KUNIT_CASE(uart_rx_timeout_below_trigger),
	KUNIT_CASE(uart_rx_overflow),
	KUNIT_CASE(uart_rx_clear_fifo),
	KUNIT_CASE(uart_iir_priority),
	KUNIT_CASE(uart_only_the_uart_takes_input),
	KUNIT_CASE(uart_no_irq_line),
	KUNIT_CASE_PARAM(uart_loopback_msr, uart_loop_gen_params),
	KUNIT_CASE(uart_loopback_tx_to_rx),
	KUNIT_CASE(uart_loopback_refuses_input),
	KUNIT_CASE(uart_loopback_overrun),
	KUNIT_CASE(uart_msr_deltas),
	KUNIT_CASE(uart_wide_access),
	KUNIT_CASE(uart_linux_detects_16550a),
	KUNIT_CASE(uart_console_round_trip),
	{}
};

static struct kunit_suite axvm_uart_suite = {
	.name = "axvm_uart",
	.init = uart_test_init,
	.exit = uart_test_exit,
	.test_cases = uart_cases,
};

kunit_test_suite(axvm_uart_suite);
