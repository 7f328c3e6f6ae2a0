// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_i8259: the 8259A pair through its ports, as a guest programs it,
 * with a recording host on the INT output. Expected values follow the
 * 8259A datasheet and the PC's wiring (slave on the master's IR2), with
 * vectors from the bases Linux programs on x86-64 (ISA_IRQ_VECTOR():
 * 0x30 for the master, 0x38 for the slave).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include "devices/i8259.h"

#define MASTER_BASE	0x30
#define SLAVE_BASE	0x38
#define ICW1_INIT_IC4	0x11	/* ICW1, ICW4 needed, cascade, edge */
#define ICW1_SNGL	0x02
#define ICW4_8086	0x01	/* uPM */
#define ICW4_AEOI	0x02
#define ICW4_SFNM	0x10
#define OCW2_EOI	0x20	/* non-specific */
#define OCW2_SEOI	0x60	/* specific, | IR */
#define OCW2_ROT_EOI	0xa0
#define OCW2_ROT_SEOI	0xe0	/* | IR */
#define OCW2_SET_PRIO	0xc0	/* | the IR to become the lowest */
#define OCW2_ROT_AEOI_SET 0x80
#define OCW3_READ_IRR	0x0a
#define OCW3_READ_ISR	0x0b
#define OCW3_POLL	0x0c
#define OCW3_SMM_ON	0x68
#define OCW3_SMM_OFF	0x48
/* ELCR bits that exist on PIIX/ICH: not IRQs 0, 1, 2 / 8, 13. */
#define ELCR_MASTER_BITS 0xf8
#define ELCR_SLAVE_BITS	0xde

struct pic_rec {
	struct axvm_i8259 *pic;
	unsigned int nr_calls;
	bool level;		/* the last level reported */
	unsigned int repeats;	/* calls that did not change the level */
	bool ack_in_output;	/* run the INTA cycle from the callback */
	u8 acked[4];
	unsigned int nr_acked;
};

static void rec_output(void *ctx, bool level)
{
	struct pic_rec *r = ctx;

	/* Before the first call the line is low. */
	if (level == r->level)
		r->repeats++;
	r->nr_calls++;
	r->level = level;
	if (level && r->ack_in_output && r->nr_acked < ARRAY_SIZE(r->acked))
		r->acked[r->nr_acked++] = axvm_i8259_read_irq(r->pic);
}

static int pic_test_init(struct kunit *test)
{
	struct pic_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct axvm_i8259_host host = { .output = rec_output };

	test->priv = r;
	if (!r)
		return -ENOMEM;
	host.ctx = r;
	r->pic = axvm_i8259_create(&host);
	if (IS_ERR(r->pic)) {
		int ret = PTR_ERR(r->pic);

		r->pic = NULL;
		return ret;
	}
	return 0;
}

static void pic_test_exit(struct kunit *test)
{
	struct pic_rec *r = test->priv;

	if (r)		/* exit runs even when init failed */
		axvm_i8259_destroy(r->pic);
}

static struct pic_rec *rec(struct kunit *test)
{
	return test->priv;
}

static void out(struct kunit *test, u16 port, u8 val)
{
	axvm_i8259_port_write(rec(test)->pic, port, val);
}

static u8 in(struct kunit *test, u16 port)
{
	return axvm_i8259_port_read(rec(test)->pic, port);
}

static u8 vector(unsigned int irq)
{
	return (irq < 8 ? MASTER_BASE : SLAVE_BASE) + (irq & 7);
}

static void set_irq(struct kunit *test, unsigned int irq, bool level)
{
	axvm_i8259_set_irq(rec(test)->pic, irq, level);
}

static void pulse(struct kunit *test, unsigned int irq)
{
	set_irq(test, irq, true);
	set_irq(test, irq, false);
}

static u8 inta(struct kunit *test)
{
	return axvm_i8259_read_irq(rec(test)->pic);
}

/*
 * INT as both the model and the host see it: the callback must agree
 * with has_interrupt and must never have repeated a level.
 */
static void expect_int(struct kunit *test, bool level)
{
	struct pic_rec *r = rec(test);
	bool now = axvm_i8259_has_interrupt(r->pic);

	/* One expectation, so a failing case's log stays short. */
	KUNIT_EXPECT_TRUE_MSG(test, now == level && r->level == level &&
			      !r->repeats,
			      "INT %d, reported %d (%u repeats), want %d",
			      now, r->level, r->repeats, level);
}

/* INT is up and the acknowledge cycle gives @irq's vector. */
static void expect_delivery(struct kunit *test, unsigned int irq)
{
	expect_int(test, true);
	KUNIT_EXPECT_EQ_MSG(test, inta(test), vector(irq), "IRQ %u", irq);
}

/* OCW3 register reads, as Linux's i8259A_irq_real() does them. */
static u8 read_isr(struct kunit *test, u16 cmd)
{
	u8 val;

	out(test, cmd, OCW3_READ_ISR);
	val = in(test, cmd);
	out(test, cmd, OCW3_READ_IRR);
	return val;
}

static u8 read_irr(struct kunit *test, u16 cmd)
{
	out(test, cmd, OCW3_READ_IRR);
	return in(test, cmd);
}

/* Linux's EOI: specific, to the slave and then the cascade IR. */
static void eoi(struct kunit *test, unsigned int irq)
{
	if (irq >= 8) {
		out(test, AXVM_I8259_SLAVE_CMD, OCW2_SEOI | (irq & 7));
		irq = AXVM_I8259_CASCADE_IRQ;
	}
	out(test, AXVM_I8259_MASTER_CMD, OCW2_SEOI | irq);
}

/* ICW1-4 as Linux's init_8259A() writes them, with the given ICW4s. */
static void pic_program(struct kunit *test, u8 master_icw4, u8 slave_icw4)
{
	out(test, AXVM_I8259_MASTER_DATA, 0xff);
	out(test, AXVM_I8259_MASTER_CMD, ICW1_INIT_IC4);
	out(test, AXVM_I8259_MASTER_DATA, MASTER_BASE);
	out(test, AXVM_I8259_MASTER_DATA, BIT(AXVM_I8259_CASCADE_IRQ));
	out(test, AXVM_I8259_MASTER_DATA, master_icw4);
	out(test, AXVM_I8259_SLAVE_CMD, ICW1_INIT_IC4);
	out(test, AXVM_I8259_SLAVE_DATA, SLAVE_BASE);
	out(test, AXVM_I8259_SLAVE_DATA, AXVM_I8259_CASCADE_IRQ);
	out(test, AXVM_I8259_SLAVE_DATA, slave_icw4);
}

static void pic_linux_init(struct kunit *test)
{
	pic_program(test, ICW4_8086, ICW4_8086);
}

/* ---- initialization ------------------------------------------------------ */

/* A peek names what the acknowledge will give and changes nothing. */
static void pic_peek_changes_nothing(struct kunit *test)
{
	struct axvm_i8259 *pic = rec(test)->pic;

	pic_linux_init(test);
	out(test, AXVM_I8259_MASTER_DATA, 0x00);
	out(test, AXVM_I8259_SLAVE_DATA, 0x00);
	pulse(test, 3);
	KUNIT_EXPECT_EQ(test, axvm_i8259_peek_irq(pic), vector(3));
	KUNIT_EXPECT_EQ(test, axvm_i8259_peek_irq(pic), vector(3));
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_MASTER_CMD), BIT(3));
	expect_delivery(test, 3);
	eoi(test, 3);
	/* Through the slave, the same. */
	pulse(test, 12);
	KUNIT_EXPECT_EQ(test, axvm_i8259_peek_irq(pic), vector(12));
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_SLAVE_CMD), 0);
	expect_delivery(test, 12);
	eoi(test, 12);
	/* Nothing asks: a peek gives IR7's spurious vector, as INTA would. */
	KUNIT_EXPECT_EQ(test, axvm_i8259_peek_irq(pic), MASTER_BASE + 7);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
}


/* What reset leaves: every register 0, INT low. */
static void expect_power_on(struct kunit *test)
{
	static const u16 ports[] = {
		AXVM_I8259_MASTER_CMD, AXVM_I8259_MASTER_DATA,
		AXVM_I8259_SLAVE_CMD, AXVM_I8259_SLAVE_DATA,
		AXVM_I8259_ELCR_MASTER, AXVM_I8259_ELCR_SLAVE,
	};
	unsigned int i;

	/* IRR (selected by reset), IMR, ELCR: all 0; INT low. */
	for (i = 0; i < ARRAY_SIZE(ports); i++)
		KUNIT_EXPECT_EQ_MSG(test, in(test, ports[i]), 0,
				    "port %#x", ports[i]);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_SLAVE_CMD), 0);
	expect_int(test, false);
}

static void pic_power_on(struct kunit *test)
{
	expect_power_on(test);
	KUNIT_EXPECT_EQ(test, rec(test)->nr_calls, 0U);
}

/* Linux writes the IMR and reads it back to tell whether a PIC exists. */
static void pic_imr_round_trip(struct kunit *test)
{
	out(test, AXVM_I8259_SLAVE_DATA, 0xff);
	out(test, AXVM_I8259_MASTER_DATA, 0xfb);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_DATA), 0xfb);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_SLAVE_DATA), 0xff);
	out(test, AXVM_I8259_MASTER_DATA, 0x5a);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_DATA), 0x5a);
}

/* ICW1 clears the IMR that was 0xff before it; ICW2-4 leave it alone. */
static void pic_linux_init_sequence(struct kunit *test)
{
	pic_linux_init(test);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_DATA), 0);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_SLAVE_DATA), 0);
	/* Initialization done: the odd ports are the IMR again. */
	out(test, AXVM_I8259_MASTER_DATA, 0xfb);
	out(test, AXVM_I8259_SLAVE_DATA, 0xff);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_DATA), 0xfb);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_SLAVE_DATA), 0xff);
	expect_int(test, false);
}

static const unsigned int pic_isa_irqs[] = {
	0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
};

static void pic_irq_desc(const unsigned int *irq, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "IRQ %u", *irq);
}

KUNIT_ARRAY_PARAM(pic_irq, pic_isa_irqs, pic_irq_desc);

/*
 * Every ISA IRQ alone: its vector, the ISR bits it sets (a slave IRQ
 * also sets the master's IR2), and Linux's EOI clears them.
 */
static void pic_each_irq(struct kunit *test)
{
	unsigned int irq = *(const unsigned int *)test->param_value;
	u8 master_isr = irq < 8 ? BIT(irq) : BIT(AXVM_I8259_CASCADE_IRQ);
	u8 slave_isr = irq < 8 ? 0 : BIT(irq - 8);

	pic_linux_init(test);
	pulse(test, irq);
	expect_delivery(test, irq);
	expect_int(test, false);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD),
			master_isr);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_SLAVE_CMD), slave_isr);
	eoi(test, irq);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_SLAVE_CMD), 0);
	expect_int(test, false);
}

/* Without SNGL the sequence is ICW2, ICW3, ICW4; with it ICW3 is skipped. */
static void pic_single_mode_skips_icw3(struct kunit *test)
{
	out(test, AXVM_I8259_MASTER_CMD, ICW1_INIT_IC4 | ICW1_SNGL);
	out(test, AXVM_I8259_MASTER_DATA, 0x40);	/* ICW2 */
	out(test, AXVM_I8259_MASTER_DATA, ICW4_8086 | ICW4_AEOI);
	out(test, AXVM_I8259_MASTER_DATA, BIT(0));	/* OCW1 */
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_DATA), BIT(0));
	/* The third write was ICW4: auto-EOI is on. */
	pulse(test, 1);
	expect_int(test, true);
	KUNIT_EXPECT_EQ(test, inta(test), 0x40 + 1);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
}

/* Without IC4: ICW2, ICW3, then the IMR; no ICW4, so no auto-EOI. */
static void pic_no_icw4(struct kunit *test)
{
	pic_program(test, ICW4_8086 | ICW4_AEOI, ICW4_8086);
	out(test, AXVM_I8259_MASTER_CMD, 0x10);
	out(test, AXVM_I8259_MASTER_DATA, MASTER_BASE);
	out(test, AXVM_I8259_MASTER_DATA, BIT(AXVM_I8259_CASCADE_IRQ));
	out(test, AXVM_I8259_MASTER_DATA, 0x0c);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_DATA), 0x0c);
	pulse(test, 1);
	expect_delivery(test, 1);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), BIT(1));
}

/*
 * ICW1 clears the IMR, ISR, rotation, special mask mode and register
 * select, and resets the edge sense: a line high across it must rise
 * again, while a level input still requests.
 */
static void pic_icw1_resets(struct kunit *test)
{
	pic_linux_init(test);
	out(test, AXVM_I8259_ELCR_MASTER, BIT(5));
	pulse(test, 3);
	expect_delivery(test, 3);
	out(test, AXVM_I8259_MASTER_CMD, OCW2_SET_PRIO | 4);
	out(test, AXVM_I8259_MASTER_CMD, OCW3_SMM_ON);
	out(test, AXVM_I8259_MASTER_CMD, OCW3_READ_ISR);
	out(test, AXVM_I8259_MASTER_DATA, 0x10);
	set_irq(test, 6, true);
	set_irq(test, 5, true);

	pic_linux_init(test);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_DATA), 0);
	/* The register select is IRR again: only the level input is in it. */
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_CMD), BIT(5));
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
	expect_delivery(test, 5);
	set_irq(test, 5, false);
	eoi(test, 5);
	expect_int(test, false);
	/* IR0 highest again: IR0 before IR6 (after SET_PRIO 4, IR6 first). */
	set_irq(test, 6, false);
	set_irq(test, 6, true);
	pulse(test, 0);
	expect_delivery(test, 0);
	eoi(test, 0);
	expect_delivery(test, 6);
}

/* Reset: the power-on state, and a line high across it must rise again. */
static void pic_reset_restores(struct kunit *test)
{
	pic_linux_init(test);
	out(test, AXVM_I8259_ELCR_MASTER, BIT(5));
	out(test, AXVM_I8259_MASTER_DATA, 0x80);
	set_irq(test, 4, true);
	expect_delivery(test, 4);
	set_irq(test, 6, true);		/* IR4 in service blocks it */
	pulse(test, 1);
	expect_int(test, true);

	axvm_i8259_reset(rec(test)->pic);
	expect_power_on(test);
	pic_linux_init(test);
	expect_int(test, false);
	set_irq(test, 6, false);
	set_irq(test, 6, true);
	expect_delivery(test, 6);
}

/* ---- requests ------------------------------------------------------------ */

/* A masked request is latched but not delivered until unmasked. */
static void pic_masked_not_delivered(struct kunit *test)
{
	pic_linux_init(test);
	out(test, AXVM_I8259_MASTER_DATA, BIT(3));
	pulse(test, 3);
	expect_int(test, false);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_MASTER_CMD), BIT(3));
	out(test, AXVM_I8259_MASTER_DATA, 0);
	expect_delivery(test, 3);
}

/* The slave's IMR, and the master's IR2 mask, hold back slave IRQs. */
static void pic_masked_slave(struct kunit *test)
{
	pic_linux_init(test);
	out(test, AXVM_I8259_SLAVE_DATA, BIT(10 - 8));
	pulse(test, 10);
	expect_int(test, false);
	out(test, AXVM_I8259_MASTER_DATA, BIT(AXVM_I8259_CASCADE_IRQ));
	out(test, AXVM_I8259_SLAVE_DATA, 0);
	expect_int(test, false);
	/* The slave requests: the master sees it in IRR, masked. */
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_MASTER_CMD),
			BIT(AXVM_I8259_CASCADE_IRQ));
	out(test, AXVM_I8259_MASTER_DATA, 0);
	expect_delivery(test, 10);
}

/* An edge is delivered once; a line held high does not request again. */
static void pic_edge_once(struct kunit *test)
{
	pic_linux_init(test);
	set_irq(test, 4, true);
	expect_delivery(test, 4);
	expect_int(test, false);
	set_irq(test, 4, true);		/* still high: no new edge */
	eoi(test, 4);
	expect_int(test, false);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_MASTER_CMD), 0);
	set_irq(test, 4, false);
	set_irq(test, 4, true);
	expect_delivery(test, 4);
}

/* A pulse that ended before the acknowledge is still one interrupt. */
static void pic_edge_pulse_latched(struct kunit *test)
{
	pic_linux_init(test);
	pulse(test, 9);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_SLAVE_CMD), BIT(1));
	expect_delivery(test, 9);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_SLAVE_CMD), 0);
}

/* A level input is delivered again after EOI while it stays high. */
static void pic_level_redelivered(struct kunit *test)
{
	pic_linux_init(test);
	out(test, AXVM_I8259_ELCR_SLAVE, BIT(11 - 8));
	set_irq(test, 11, true);
	expect_delivery(test, 11);
	expect_int(test, false);	/* in service */
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_SLAVE_CMD), BIT(3));
	eoi(test, 11);
	expect_delivery(test, 11);
	set_irq(test, 11, false);
	eoi(test, 11);
	expect_int(test, false);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_SLAVE_CMD), 0);
}

/* IRQ 2 is the cascade, and there is no IRQ 16: both are ignored. */
static void pic_set_irq_out_of_range(struct kunit *test)
{
	pic_linux_init(test);
	set_irq(test, AXVM_I8259_CASCADE_IRQ, true);
	set_irq(test, AXVM_I8259_NR_IRQS, true);
	expect_int(test, false);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_MASTER_CMD), 0);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_SLAVE_CMD), 0);
}

/* ---- priority ------------------------------------------------------------ */

struct pic_prio_case {
	const char *desc;
	unsigned int first, second;	/* pulsed in this order */
	unsigned int winner;		/* delivered first */
};

/* IR0 highest, IR7 lowest; the slave's IRQs rank at the master's IR2. */
static const struct pic_prio_case pic_prio_cases[] = {
	{ "IRQ 3 before IRQ 6", 6, 3, 3 },
	{ "IRQ 0 before IRQ 1", 1, 0, 0 },
	{ "IRQ 8 before IRQ 15", 15, 8, 8 },
	{ "IRQ 12 before IRQ 3", 3, 12, 12 },
	{ "IRQ 1 before IRQ 12", 12, 1, 1 },
};

static void pic_prio_desc(const struct pic_prio_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pic_prio, pic_prio_cases, pic_prio_desc);

/* Two requests: the higher first, the lower after its EOI, not before. */
static void pic_priority(struct kunit *test)
{
	const struct pic_prio_case *c = test->param_value;
	unsigned int loser = c->winner == c->first ? c->second : c->first;

	pic_linux_init(test);
	pulse(test, c->first);
	pulse(test, c->second);
	expect_delivery(test, c->winner);
	expect_int(test, false);
	eoi(test, c->winner);
	expect_delivery(test, loser);
}

/* A higher priority request interrupts a lower one in service. */
static void pic_nesting(struct kunit *test)
{
	pic_linux_init(test);
	pulse(test, 6);
	expect_delivery(test, 6);
	pulse(test, 7);			/* lower: waits */
	expect_int(test, false);
	pulse(test, 1);			/* higher: nests */
	expect_delivery(test, 1);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD),
			BIT(1) | BIT(6));
}

/* ---- EOI ----------------------------------------------------------------- */

/* A specific EOI clears the IR it names, not the highest in service. */
static void pic_specific_eoi(struct kunit *test)
{
	pic_nesting(test);
	out(test, AXVM_I8259_MASTER_CMD, OCW2_SEOI | 6);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), BIT(1));
	/* IR1 still blocks IR7. */
	expect_int(test, false);
	out(test, AXVM_I8259_MASTER_CMD, OCW2_SEOI | 1);
	expect_delivery(test, 7);
}

/* A non-specific EOI clears the highest priority IR in service. */
static void pic_nonspecific_eoi(struct kunit *test)
{
	pic_nesting(test);
	out(test, AXVM_I8259_MASTER_CMD, OCW2_EOI);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), BIT(6));
	expect_int(test, false);	/* IR6 still blocks IR7 */
	out(test, AXVM_I8259_MASTER_CMD, OCW2_EOI);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
	expect_delivery(test, 7);
	out(test, AXVM_I8259_MASTER_CMD, OCW2_EOI);
	/* Nothing in service: a further EOI changes nothing. */
	out(test, AXVM_I8259_MASTER_CMD, OCW2_EOI);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
	expect_int(test, false);
}

/* Auto-EOI: no ISR bit, so a lower request follows without an EOI. */
static void pic_auto_eoi(struct kunit *test)
{
	pic_program(test, ICW4_8086 | ICW4_AEOI, ICW4_8086);
	pulse(test, 3);
	pulse(test, 5);
	expect_delivery(test, 3);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
	expect_delivery(test, 5);
	expect_int(test, false);
}

/*
 * The slave in auto-EOI keeps INT up across the acknowledge when it has
 * a second request: the master must still see it.
 */
static void pic_auto_eoi_slave_second_request(struct kunit *test)
{
	pic_program(test, ICW4_8086 | ICW4_AEOI, ICW4_8086 | ICW4_AEOI);
	pulse(test, 11);
	pulse(test, 9);
	expect_delivery(test, 9);
	expect_delivery(test, 11);
	expect_int(test, false);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_SLAVE_CMD), 0);
}

/* ---- rotation ------------------------------------------------------------ */

struct pic_rot_case {
	const char *desc;
	int in_service;		/* delivered before @ocw2, or -1 */
	u8 ocw2;
	unsigned int winner;	/* of IRQ 3 and IRQ 5 / 0 and 7 after */
	unsigned int loser;
};

static const struct pic_rot_case pic_rot_cases[] = {
	/* IR3 becomes the lowest: IR4 highest, so IR5 beats IR3. */
	{ "rotate on non-specific EOI", 3, OCW2_ROT_EOI, 5, 3 },
	{ "rotate on specific EOI", 3, OCW2_ROT_SEOI | 3, 5, 3 },
	/* Plain EOIs keep IR0 highest: IR3 beats IR5. */
	{ "non-specific EOI", 3, OCW2_EOI, 3, 5 },
	{ "specific EOI", 3, OCW2_SEOI | 3, 3, 5 },
	/* IR6 the lowest: IR7 highest, so IR7 beats IR0. */
	{ "set priority", -1, OCW2_SET_PRIO | 6, 7, 0 },
	/* IR7 the lowest, as after ICW1: IR0 beats IR7. */
	{ "set priority IR7 lowest", -1, OCW2_SET_PRIO | 7, 0, 7 },
};

static void pic_rot_desc(const struct pic_rot_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pic_rot, pic_rot_cases, pic_rot_desc);

static void pic_rotation(struct kunit *test)
{
	const struct pic_rot_case *c = test->param_value;

	pic_linux_init(test);
	if (c->in_service >= 0) {
		pulse(test, c->in_service);
		expect_delivery(test, c->in_service);
	}
	out(test, AXVM_I8259_MASTER_CMD, c->ocw2);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
	pulse(test, c->loser);
	pulse(test, c->winner);
	expect_delivery(test, c->winner);
	out(test, AXVM_I8259_MASTER_CMD, OCW2_SEOI | c->winner);
	expect_delivery(test, c->loser);
}

/* Rotate in auto-EOI: each acknowledged IR becomes the lowest. */
static void pic_rotate_auto_eoi(struct kunit *test)
{
	pic_program(test, ICW4_8086 | ICW4_AEOI, ICW4_8086);
	out(test, AXVM_I8259_MASTER_CMD, OCW2_ROT_AEOI_SET);
	pulse(test, 1);
	expect_delivery(test, 1);
	/* IR1 lowest now, IR2 highest: IR4 before IR1. */
	pulse(test, 1);
	pulse(test, 4);
	expect_delivery(test, 4);
	/* IR4 lowest: IR1 next anyway; then IR5 before IR1 ... */
	expect_delivery(test, 1);
	/* ... IR1 lowest again: IR0 before ... no, IR2 highest: IR7 first. */
	pulse(test, 0);
	pulse(test, 7);
	expect_delivery(test, 7);
	expect_delivery(test, 0);
}

/* ---- OCW3 ---------------------------------------------------------------- */

/* The register select holds until changed; the odd port is the IMR. */
static void pic_read_irr_isr(struct kunit *test)
{
	pic_linux_init(test);
	pulse(test, 3);
	pulse(test, 6);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_MASTER_CMD),
			BIT(3) | BIT(6));
	expect_delivery(test, 3);
	out(test, AXVM_I8259_MASTER_CMD, OCW3_READ_ISR);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_CMD), BIT(3));
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_CMD), BIT(3));
	out(test, AXVM_I8259_MASTER_CMD, 0x08);	/* OCW3 without RR */
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_CMD), BIT(3));
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_DATA), 0);
	out(test, AXVM_I8259_MASTER_CMD, OCW3_READ_IRR);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_CMD), BIT(6));
}

/* Poll: the next read acknowledges and returns 0x80 | IR, once. */
static void pic_poll(struct kunit *test)
{
	pic_linux_init(test);
	out(test, AXVM_I8259_MASTER_DATA, 0xff);	/* polled, not INT */
	pulse(test, 5);
	pulse(test, 6);
	out(test, AXVM_I8259_MASTER_CMD, OCW3_POLL);
	out(test, AXVM_I8259_MASTER_DATA, 0);
	expect_int(test, true);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_CMD), 0x80 | 5);
	expect_int(test, false);	/* IR5 in service blocks IR6 */
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), BIT(5));
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_CMD), BIT(6));
	out(test, AXVM_I8259_MASTER_CMD, OCW2_EOI);
	/* Either port: the poll read on the data port. */
	out(test, AXVM_I8259_MASTER_CMD, OCW3_POLL);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_DATA), 0x80 | 6);
	out(test, AXVM_I8259_MASTER_CMD, OCW2_EOI);
	/* Nothing requested: bit 7 clear. */
	out(test, AXVM_I8259_MASTER_CMD, OCW3_POLL);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_CMD), 0);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
}

/* Polling a slave request: the master reports IR2, the slave its IR. */
static void pic_poll_cascade(struct kunit *test)
{
	pic_linux_init(test);
	pulse(test, 13);
	out(test, AXVM_I8259_MASTER_CMD, OCW3_POLL);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_MASTER_CMD),
			0x80 | AXVM_I8259_CASCADE_IRQ);
	out(test, AXVM_I8259_SLAVE_CMD, OCW3_POLL);
	KUNIT_EXPECT_EQ(test, in(test, AXVM_I8259_SLAVE_CMD), 0x80 | (13 - 8));
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD),
			BIT(AXVM_I8259_CASCADE_IRQ));
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_SLAVE_CMD),
			BIT(13 - 8));
	expect_int(test, false);
}

/*
 * Special mask mode: with its own IR masked, a handler lets lower
 * requests in; a non-specific EOI skips the masked in-service IR.
 */
static void pic_special_mask_mode(struct kunit *test)
{
	pic_linux_init(test);
	pulse(test, 3);
	expect_delivery(test, 3);
	pulse(test, 5);
	expect_int(test, false);
	out(test, AXVM_I8259_MASTER_DATA, BIT(3));
	out(test, AXVM_I8259_MASTER_CMD, OCW3_SMM_ON);
	expect_delivery(test, 5);
	out(test, AXVM_I8259_MASTER_CMD, OCW2_EOI);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), BIT(3));
	out(test, AXVM_I8259_MASTER_CMD, OCW3_SMM_OFF);
	pulse(test, 6);
	expect_int(test, false);	/* IR3 blocks again */
	out(test, AXVM_I8259_MASTER_CMD, OCW2_SEOI | 3);
	expect_delivery(test, 6);
}

/* ---- cascade ------------------------------------------------------------- */

/* IRQ 10: the slave's vector base + 2, ISR bit 2 on both chips. */
static void pic_cascade(struct kunit *test)
{
	pic_linux_init(test);
	pulse(test, 10);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_MASTER_CMD),
			BIT(AXVM_I8259_CASCADE_IRQ));
	expect_int(test, true);
	KUNIT_EXPECT_EQ(test, inta(test), SLAVE_BASE + 2);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD),
			BIT(AXVM_I8259_CASCADE_IRQ));
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_SLAVE_CMD), BIT(2));
	/* A lower slave request waits for both EOIs. */
	pulse(test, 12);
	expect_int(test, false);
	out(test, AXVM_I8259_SLAVE_CMD, OCW2_SEOI | 2);
	expect_int(test, false);	/* master IR2 still in service */
	out(test, AXVM_I8259_MASTER_CMD, OCW2_SEOI | AXVM_I8259_CASCADE_IRQ);
	expect_delivery(test, 12);
}

struct pic_sfnm_case {
	const char *desc;
	u8 master_icw4;
	bool nests;
};

static const struct pic_sfnm_case pic_sfnm_cases[] = {
	{ "fully nested", ICW4_8086, false },
	{ "special fully nested", ICW4_8086 | ICW4_SFNM, true },
};

static void pic_sfnm_desc(const struct pic_sfnm_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pic_sfnm, pic_sfnm_cases, pic_sfnm_desc);

/*
 * A higher slave request while a slave IRQ is in service reaches the
 * CPU only when the master is in special fully nested mode.
 */
static void pic_slave_nesting(struct kunit *test)
{
	const struct pic_sfnm_case *c = test->param_value;

	pic_program(test, c->master_icw4, ICW4_8086);
	pulse(test, 12);
	expect_delivery(test, 12);
	pulse(test, 9);
	expect_int(test, c->nests);
	if (c->nests) {
		expect_delivery(test, 9);
		KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_SLAVE_CMD),
				BIT(9 - 8) | BIT(12 - 8));
	}
}

/* ---- spurious interrupts ------------------------------------------------- */

/* A level request that went away before INTA: IR7's vector, no ISR. */
static void pic_spurious_level_gone(struct kunit *test)
{
	pic_linux_init(test);
	out(test, AXVM_I8259_ELCR_MASTER, BIT(5));
	set_irq(test, 5, true);
	expect_int(test, true);
	set_irq(test, 5, false);
	expect_int(test, false);
	KUNIT_EXPECT_EQ(test, inta(test), MASTER_BASE + 7);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
	/* IR7 takes no EOI: a real IRQ 7 still comes through. */
	pulse(test, 7);
	expect_delivery(test, 7);
}

/* Masked between INT and INTA: spurious, and the request stays in IRR. */
static void pic_spurious_masked(struct kunit *test)
{
	pic_linux_init(test);
	pulse(test, 4);
	expect_int(test, true);
	out(test, AXVM_I8259_MASTER_DATA, BIT(4));
	KUNIT_EXPECT_EQ(test, inta(test), MASTER_BASE + 7);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_MASTER_CMD), BIT(4));
	out(test, AXVM_I8259_MASTER_DATA, 0);
	expect_delivery(test, 4);
}

/*
 * A slave request that went away: the master's IR2 followed the slave's
 * INT down, so the master answers with its own IR7.
 */
static void pic_spurious_slave_gone(struct kunit *test)
{
	pic_linux_init(test);
	out(test, AXVM_I8259_ELCR_SLAVE, BIT(11 - 8));
	set_irq(test, 11, true);
	expect_int(test, true);
	set_irq(test, 11, false);
	expect_int(test, false);
	KUNIT_EXPECT_EQ(test, inta(test), MASTER_BASE + 7);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), 0);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_SLAVE_CMD), 0);
}

/* ---- ELCR ---------------------------------------------------------------- */

struct pic_elcr_case {
	const char *desc;
	u16 port;
	u8 written;
	u8 read;
};

/* The reserved bits (IRQs 0, 1, 2 on 0x4d0; 8, 13 on 0x4d1) read 0. */
static const struct pic_elcr_case pic_elcr_cases[] = {
	{ "master all", AXVM_I8259_ELCR_MASTER, 0xff, ELCR_MASTER_BITS },
	{ "master reserved only", AXVM_I8259_ELCR_MASTER, 0x07, 0x00 },
	{ "master IRQ 3, 5, 7", AXVM_I8259_ELCR_MASTER, 0xa8, 0xa8 },
	{ "master 0xa5", AXVM_I8259_ELCR_MASTER, 0xa5, 0xa0 },
	{ "slave all", AXVM_I8259_ELCR_SLAVE, 0xff, ELCR_SLAVE_BITS },
	{ "slave reserved only", AXVM_I8259_ELCR_SLAVE, 0x21, 0x00 },
	{ "slave IRQ 9, 10, 11", AXVM_I8259_ELCR_SLAVE, 0x0e, 0x0e },
	{ "slave 0xa5", AXVM_I8259_ELCR_SLAVE, 0xa5, 0x84 },
};

static void pic_elcr_desc(const struct pic_elcr_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pic_elcr, pic_elcr_cases, pic_elcr_desc);

static void pic_elcr_round_trip(struct kunit *test)
{
	const struct pic_elcr_case *c = test->param_value;
	u16 other = c->port ^ 1;

	out(test, c->port, c->written);
	KUNIT_EXPECT_EQ(test, in(test, c->port), c->read);
	KUNIT_EXPECT_EQ(test, in(test, other), 0);
}

/* IRQ 1 stays an edge input with its ELCR bit written as 1. */
static void pic_elcr_reserved_is_edge(struct kunit *test)
{
	pic_linux_init(test);
	out(test, AXVM_I8259_ELCR_MASTER, 0xff);
	set_irq(test, 1, true);
	expect_delivery(test, 1);
	eoi(test, 1);
	expect_int(test, false);	/* level would deliver again */
	/* And IRQ 3, with an ELCR bit that exists, is level. */
	set_irq(test, 3, true);
	expect_delivery(test, 3);
	eoi(test, 3);
	expect_delivery(test, 3);
}

/*
 * An ELCR change: a latched edge is dropped when its input becomes
 * level-triggered (then the line alone requests), and an input that
 * becomes edge-triggered starts with no latch, so a line already high
 * must rise again.
 */
static void pic_elcr_change(struct kunit *test)
{
	pic_linux_init(test);
	out(test, AXVM_I8259_MASTER_DATA, 0xff);
	pulse(test, 5);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_MASTER_CMD), BIT(5));
	out(test, AXVM_I8259_ELCR_MASTER, BIT(5));
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_MASTER_CMD), 0);
	set_irq(test, 5, true);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_MASTER_CMD), BIT(5));
	out(test, AXVM_I8259_ELCR_MASTER, 0);
	KUNIT_EXPECT_EQ(test, read_irr(test, AXVM_I8259_MASTER_CMD), 0);
	out(test, AXVM_I8259_MASTER_DATA, 0);
	expect_int(test, false);
	set_irq(test, 5, false);
	set_irq(test, 5, true);
	expect_delivery(test, 5);
}

/* ---- the INT output ------------------------------------------------------ */

/* The callback runs on each change of INT and on nothing else. */
static void pic_output_on_changes_only(struct kunit *test)
{
	struct pic_rec *r = rec(test);

	pic_linux_init(test);
	pulse(test, 3);
	KUNIT_EXPECT_EQ(test, r->nr_calls, 1U);
	pulse(test, 4);			/* INT already up */
	set_irq(test, 4, true);		/* IRR bit already set */
	in(test, AXVM_I8259_MASTER_CMD);
	KUNIT_EXPECT_EQ(test, r->nr_calls, 1U);
	expect_delivery(test, 3);
	KUNIT_EXPECT_EQ(test, r->nr_calls, 2U);	/* IR3 blocks IR4 */
	out(test, AXVM_I8259_MASTER_DATA, BIT(4));
	eoi(test, 3);
	KUNIT_EXPECT_EQ(test, r->nr_calls, 2U);	/* IR4 masked */
	out(test, AXVM_I8259_MASTER_DATA, 0);
	KUNIT_EXPECT_EQ(test, r->nr_calls, 3U);
	out(test, AXVM_I8259_MASTER_DATA, 0);	/* same IMR: no change */
	KUNIT_EXPECT_EQ(test, r->nr_calls, 3U);
	expect_delivery(test, 4);
	eoi(test, 4);
	KUNIT_EXPECT_EQ(test, r->nr_calls, 4U);
	expect_int(test, false);
}

/*
 * The callback may run the acknowledge cycle itself (a LAPIC that takes
 * the ExtINT at once): no deadlock, and the fall is reported after it.
 */
static void pic_output_reentrant(struct kunit *test)
{
	struct pic_rec *r = rec(test);

	pic_linux_init(test);
	r->ack_in_output = true;
	pulse(test, 6);
	KUNIT_EXPECT_EQ(test, r->nr_acked, 1U);
	KUNIT_EXPECT_EQ(test, r->acked[0], vector(6));
	KUNIT_EXPECT_EQ(test, r->nr_calls, 2U);
	expect_int(test, false);
	KUNIT_EXPECT_EQ(test, read_isr(test, AXVM_I8259_MASTER_CMD), BIT(6));
}

static struct kunit_case pic_cases[] = {
	KUNIT_CASE(pic_peek_changes_nothing),
	KUNIT_CASE(pic_power_on),
	KUNIT_CASE(pic_imr_round_trip),
	KUNIT_CASE(pic_linux_init_sequence),
	KUNIT_CASE_PARAM(pic_each_irq, pic_irq_gen_params),
	KUNIT_CASE(pic_single_mode_skips_icw3),
	KUNIT_CASE(pic_no_icw4),
	KUNIT_CASE(pic_icw1_resets),
	KUNIT_CASE(pic_reset_restores),
	KUNIT_CASE(pic_masked_not_delivered),
	KUNIT_CASE(pic_masked_slave),
	KUNIT_CASE(pic_edge_once),
	KUNIT_CASE(pic_edge_pulse_latched),
	KUNIT_CASE(pic_level_redelivered),
	KUNIT_CASE(pic_set_irq_out_of_range),
	KUNIT_CASE_PARAM(pic_priority, pic_prio_gen_params),
	KUNIT_CASE(pic_nesting),
	KUNIT_CASE(pic_specific_eoi),
	KUNIT_CASE(pic_nonspecific_eoi),
	KUNIT_CASE(pic_auto_eoi),
	KUNIT_CASE(pic_auto_eoi_slave_second_request),
	KUNIT_CASE_PARAM(pic_rotation, pic_rot_gen_params),
	KUNIT_CASE(pic_rotate_auto_eoi),
	KUNIT_CASE(pic_read_irr_isr),
	KUNIT_CASE(pic_poll),
	KUNIT_CASE(pic_poll_cascade),
	KUNIT_CASE(pic_special_mask_mode),
	KUNIT_CASE(pic_cascade),
	KUNIT_CASE_PARAM(pic_slave_nesting, pic_sfnm_gen_params),
	KUNIT_CASE(pic_spurious_level_gone),
	KUNIT_CASE(pic_spurious_masked),
	KUNIT_CASE(pic_spurious_slave_gone),
	KUNIT_CASE_PARAM(pic_elcr_round_trip, pic_elcr_gen_params),
	KUNIT_CASE(pic_elcr_reserved_is_edge),
	KUNIT_CASE(pic_elcr_change),
	KUNIT_CASE(pic_output_on_changes_only),
	KUNIT_CASE(pic_output_reentrant),
	{}
};

static struct kunit_suite axvm_i8259_suite = {
	.name = "axvm_i8259",
	.init = pic_test_init,
	.exit = pic_test_exit,
	.test_cases = pic_cases,
};

kunit_test_suite(axvm_i8259_suite);
