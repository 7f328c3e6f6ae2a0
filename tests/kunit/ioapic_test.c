// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_ioapic: the IOAPIC model through its MMIO window as a guest
 * programs it, its input lines and its EOIs, with a host that records
 * the messages sent to the local APICs. Expected values come from the
 * 82093AA datasheet (and the ICH's EOI register), spelled out below
 * rather than taken from ioapic.h, so a wrong constant there fails.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/irqflags.h>
#include "devices/ioapic.h"

#define TEST_ID		5

/* MMIO offsets. */
#define IOREGSEL	0x00
#define IOWIN		0x10
#define EOIR		0x40

/* Registers: ID, version, arbitration, then two per redirection entry. */
#define REG_ID		0x00
#define REG_VER		0x01
#define REG_ARB		0x02
#define REG_LO(pin)	(0x10 + 2 * (pin))
#define REG_HI(pin)	(0x11 + 2 * (pin))
#define ID_REG(id)	((u32)(id) << 24)

/* Redirection entry, low dword. */
#define RTE_DM(dm)	((u32)(dm) << 8)
#define RTE_LOGICAL	BIT(11)
#define RTE_STATUS	BIT(12)
#define RTE_POL_LOW	BIT(13)
#define RTE_RIRR	BIT(14)
#define RTE_LEVEL	BIT(15)
#define RTE_MASK	BIT(16)
/* High dword: destination in bits 63:56. */
#define RTE_DEST(d)	((u32)(d) << 24)

#define PINS		24
#define LEVEL_FIXED	RTE_LEVEL	/* Fixed is delivery mode 0 */

struct ioapic_rec {
	struct axvm_ioapic *io;
	unsigned int nr;		/* messages delivered */
	struct axvm_apic_msg msg[32];
	bool irqs_off;			/* some deliver ran with IRQs off */
	bool eoi_in_deliver;		/* EOI from within the next deliver */
};

static void rec_deliver(void *ctx, const struct axvm_apic_msg *msg)
{
	struct ioapic_rec *r = ctx;
	bool irqs_off = irqs_disabled();

	/* The IOAPIC's lock is taken with IRQs off: it is not held here. */
	r->irqs_off |= irqs_off;
	if (r->nr < ARRAY_SIZE(r->msg))
		r->msg[r->nr] = *msg;
	r->nr++;
	/* Re-entering would deadlock if the lock were held: only if not. */
	if (r->eoi_in_deliver && !irqs_off) {
		r->eoi_in_deliver = false;
		axvm_ioapic_eoi(r->io, msg->vector);
	}
}

static int ioapic_test_init(struct kunit *test)
{
	struct ioapic_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct axvm_ioapic_host host = { .deliver = rec_deliver };

	if (!r)
		return -ENOMEM;
	host.ctx = r;
	r->io = axvm_ioapic_create(TEST_ID, &host);
	if (IS_ERR(r->io))
		return PTR_ERR(r->io);
	test->priv = r;
	return 0;
}

static void ioapic_test_exit(struct kunit *test)
{
	struct ioapic_rec *r = test->priv;

	if (r)		/* exit runs even when init failed */
		axvm_ioapic_destroy(r->io);
}

static struct ioapic_rec *rec(struct kunit *test)
{
	return test->priv;
}

static u32 reg_read(struct kunit *test, u8 reg)
{
	axvm_ioapic_mmio_write(rec(test)->io, IOREGSEL, reg);
	return axvm_ioapic_mmio_read(rec(test)->io, IOWIN);
}

static void reg_write(struct kunit *test, u8 reg, u32 val)
{
	axvm_ioapic_mmio_write(rec(test)->io, IOREGSEL, reg);
	axvm_ioapic_mmio_write(rec(test)->io, IOWIN, val);
}

/* As an OS programs an entry: the destination first, then the rest. */
static void rte_set(struct kunit *test, unsigned int pin, u32 lo, u8 dest)
{
	reg_write(test, REG_HI(pin), RTE_DEST(dest));
	reg_write(test, REG_LO(pin), lo);
}

static bool rirr(struct kunit *test, unsigned int pin)
{
	return reg_read(test, REG_LO(pin)) & RTE_RIRR;
}

static void line(struct kunit *test, unsigned int pin, bool level)
{
	axvm_ioapic_set_irq(rec(test)->io, pin, level);
}

static void eoi(struct kunit *test, u8 vector)
{
	axvm_ioapic_eoi(rec(test)->io, vector);
}

/* Every entry as after RESET: masked, all else 0. */
static void expect_all_masked(struct kunit *test)
{
	unsigned int pin;

	for (pin = 0; pin < PINS; pin++) {
		KUNIT_EXPECT_EQ_MSG(test, reg_read(test, REG_LO(pin)),
				    (u32)RTE_MASK, "pin %u", pin);
		KUNIT_EXPECT_EQ_MSG(test, reg_read(test, REG_HI(pin)), 0u,
				    "pin %u", pin);
	}
}

/* ---- registers ------------------------------------------------------------ */

static void ioapic_reset_state(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, axvm_ioapic_mmio_read(rec(test)->io, IOREGSEL),
			0u);
	expect_all_masked(test);
	KUNIT_EXPECT_EQ(test, rec(test)->nr, 0u);
}

static void ioapic_version(struct kunit *test)
{
	/* Version 0x20, maximum redirection entry 23 (24 pins). */
	u32 ver = 0x20 | ((PINS - 1) << 16);

	KUNIT_EXPECT_EQ(test, reg_read(test, REG_VER), ver);
	reg_write(test, REG_VER, 0);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_VER), ver);
}

static void ioapic_id(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ID), ID_REG(TEST_ID));
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ARB), ID_REG(TEST_ID));
	/* Only bits 27:24 are writable; arbitration follows the ID. */
	reg_write(test, REG_ID, 0xffffffff);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ID), ID_REG(0xf));
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ARB), ID_REG(0xf));
	reg_write(test, REG_ID, 0x00ffffff);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ID), 0u);
	reg_write(test, REG_ID, ID_REG(3));
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ID), ID_REG(3));
	/* Arbitration is read-only. */
	reg_write(test, REG_ARB, ID_REG(9));
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ARB), ID_REG(3));
}

static void ioapic_ioregsel(struct kunit *test)
{
	struct axvm_ioapic *io = rec(test)->io;

	/* An 8-bit register index: the upper bits are dropped. */
	axvm_ioapic_mmio_write(io, IOREGSEL, 0x12345678);
	KUNIT_EXPECT_EQ(test, axvm_ioapic_mmio_read(io, IOREGSEL), 0x78u);
	axvm_ioapic_mmio_write(io, IOREGSEL, 0xffffff00 | REG_VER);
	KUNIT_EXPECT_EQ(test, axvm_ioapic_mmio_read(io, IOREGSEL),
			(u32)REG_VER);
	KUNIT_EXPECT_EQ(test, axvm_ioapic_mmio_read(io, IOWIN),
			0x20 | ((PINS - 1) << 16));
}

static void ioapic_unknown_regs(struct kunit *test)
{
	/* 0x03-0x0f are reserved; entry 23's high dword is the last, 0x3f. */
	static const u8 regs[] = { 0x03, 0x0f, 0x40, 0x41, 0x80, 0xff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		reg_write(test, regs[i], 0xffffffff);
		KUNIT_EXPECT_EQ_MSG(test, reg_read(test, regs[i]), 0u,
				    "register %#x", regs[i]);
	}
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ID), ID_REG(TEST_ID));
	expect_all_masked(test);
	KUNIT_EXPECT_EQ(test, rec(test)->nr, 0u);
}

static void ioapic_unknown_offsets(struct kunit *test)
{
	/* Only IOREGSEL and IOWIN read; EOI is write-only. */
	static const u32 offs[] = { 0x04, 0x0c, 0x14, 0x20, 0x30, EOIR,
				    0x44, 0x80, 0xffc };
	struct axvm_ioapic *io = rec(test)->io;
	unsigned int i;

	axvm_ioapic_mmio_write(io, IOREGSEL, REG_LO(0));
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		axvm_ioapic_mmio_write(io, offs[i], 0xffffffff);
		KUNIT_EXPECT_EQ_MSG(test, axvm_ioapic_mmio_read(io, offs[i]),
				    0u, "offset %#x", offs[i]);
	}
	/* No write reached IOREGSEL or the entry it selects. */
	KUNIT_EXPECT_EQ(test, axvm_ioapic_mmio_read(io, IOREGSEL),
			(u32)REG_LO(0));
	KUNIT_EXPECT_EQ(test, axvm_ioapic_mmio_read(io, IOWIN), (u32)RTE_MASK);
}

static void ioapic_rte_round_trip(struct kunit *test)
{
	u32 lo = 0x9a | RTE_DM(AXVM_APIC_DM_LOWEST) | RTE_LOGICAL |
		 RTE_POL_LOW | RTE_LEVEL | RTE_MASK;
	/* Writable: vector, mode, dest mode, polarity, trigger, mask. */
	u32 writable = GENMASK(11, 0) | RTE_POL_LOW | RTE_LEVEL | RTE_MASK;

	/* The last entry, whose high dword is register 0x3f. */
	reg_write(test, REG_HI(PINS - 1), 0xffffffff);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_HI(PINS - 1)), RTE_DEST(0xff));
	reg_write(test, REG_HI(PINS - 1), RTE_DEST(0x42) | 0x00abcdef);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_HI(PINS - 1)), RTE_DEST(0x42));
	reg_write(test, REG_LO(PINS - 1), lo);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_LO(PINS - 1)), lo);
	reg_write(test, REG_LO(PINS - 1), 0xffffffff);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_LO(PINS - 1)), writable);
	/* The high dword is its own register. */
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_HI(PINS - 1)), RTE_DEST(0x42));
	reg_write(test, REG_LO(PINS - 1), 0);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_LO(PINS - 1)), 0u);
	/* The neighbour is untouched. */
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_LO(PINS - 2)), (u32)RTE_MASK);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_HI(PINS - 2)), 0u);
	KUNIT_EXPECT_EQ(test, rec(test)->nr, 0u);
}

static void ioapic_rte_read_only_bits(struct kunit *test)
{
	u32 lo = 0x61 | LEVEL_FIXED;

	/* Delivery status and Remote IRR cannot be set by a write... */
	reg_write(test, REG_LO(1), RTE_MASK | RTE_STATUS | RTE_RIRR | 0x61);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_LO(1)), RTE_MASK | 0x61);
	/* ...nor Remote IRR cleared by one. */
	rte_set(test, 1, lo, 0);
	line(test, 1, true);
	KUNIT_ASSERT_EQ(test, rec(test)->nr, 1u);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_LO(1)), lo | RTE_RIRR);
	reg_write(test, REG_LO(1), lo | RTE_STATUS);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_LO(1)), lo | RTE_RIRR);
	KUNIT_EXPECT_EQ(test, rec(test)->nr, 1u);
}

static void ioapic_reset_restores(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	reg_write(test, REG_ID, ID_REG(0xc));
	rte_set(test, 7, 0x70 | LEVEL_FIXED, 0x3);
	line(test, 7, true);
	KUNIT_ASSERT_EQ(test, r->nr, 1u);

	axvm_ioapic_reset(r->io);
	KUNIT_EXPECT_EQ(test, axvm_ioapic_mmio_read(r->io, IOREGSEL), 0u);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ID), ID_REG(TEST_ID));
	expect_all_masked(test);
	KUNIT_EXPECT_EQ(test, r->nr, 1u);
	/* The line is the source's state and still asserted. */
	reg_write(test, REG_LO(7), 0x70 | LEVEL_FIXED);
	KUNIT_EXPECT_EQ(test, r->nr, 2u);
}

static void ioapic_create_rejects(struct kunit *test)
{
	struct axvm_ioapic_host host = { .deliver = rec_deliver };
	struct axvm_ioapic_host no_deliver = { .ctx = rec(test) };
	struct axvm_ioapic *io;

	host.ctx = rec(test);
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_ioapic_create(16, &host)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_ioapic_create(0, &no_deliver)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_ioapic_create(0, NULL)),
			(long)-EINVAL);
	/* The highest 4-bit ID is fine. */
	io = axvm_ioapic_create(15, &host);
	KUNIT_ASSERT_FALSE(test, IS_ERR(io));
	axvm_ioapic_mmio_write(io, IOREGSEL, REG_ID);
	KUNIT_EXPECT_EQ(test, axvm_ioapic_mmio_read(io, IOWIN), ID_REG(15));
	axvm_ioapic_destroy(io);
	axvm_ioapic_destroy(NULL);
}

/* ---- edge ----------------------------------------------------------------- */

static void ioapic_edge_once_per_rising_edge(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	rte_set(test, 4, 0x34, 0);
	line(test, 4, true);
	KUNIT_ASSERT_EQ(test, r->nr, 1u);
	KUNIT_EXPECT_EQ(test, r->msg[0].vector, 0x34);
	/* Still high: no new edge. */
	line(test, 4, true);
	line(test, 4, false);
	KUNIT_EXPECT_EQ(test, r->nr, 1u);
	line(test, 4, true);
	line(test, 4, false);
	KUNIT_EXPECT_EQ(test, r->nr, 2u);
	/* Edges need no EOI and never set Remote IRR. */
	KUNIT_EXPECT_FALSE(test, rirr(test, 4));
}

static void ioapic_edge_masked_is_lost(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	rte_set(test, 5, RTE_MASK | 0x35, 0);
	line(test, 5, true);
	KUNIT_EXPECT_EQ(test, r->nr, 0u);
	/* Unmasking with the line high: the edge is gone. */
	reg_write(test, REG_LO(5), 0x35);
	KUNIT_EXPECT_EQ(test, r->nr, 0u);
	line(test, 5, false);
	line(test, 5, true);
	KUNIT_EXPECT_EQ(test, r->nr, 1u);
}

static void ioapic_polarity_not_applied(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	/* Lines are logical: asserted is true for active-low pins too. */
	rte_set(test, 10, RTE_POL_LOW | 0x3a, 0);
	line(test, 10, false);
	KUNIT_EXPECT_EQ(test, r->nr, 0u);
	line(test, 10, true);
	KUNIT_EXPECT_EQ(test, r->nr, 1u);
	rte_set(test, 11, RTE_POL_LOW | LEVEL_FIXED | 0x3b, 0);
	line(test, 11, true);
	KUNIT_EXPECT_EQ(test, r->nr, 2u);
	KUNIT_EXPECT_TRUE(test, rirr(test, 11));
}

/* ---- level and EOI -------------------------------------------------------- */

static void ioapic_level_sets_remote_irr(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	rte_set(test, 9, LEVEL_FIXED | 0x49, 1);
	KUNIT_EXPECT_FALSE(test, rirr(test, 9));
	line(test, 9, true);
	KUNIT_ASSERT_EQ(test, r->nr, 1u);
	KUNIT_EXPECT_TRUE(test, r->msg[0].level);
	KUNIT_EXPECT_TRUE(test, rirr(test, 9));
	/* Until the EOI nothing more, whatever the line does. */
	line(test, 9, true);
	line(test, 9, false);
	line(test, 9, true);
	KUNIT_EXPECT_EQ(test, r->nr, 1u);
	KUNIT_EXPECT_TRUE(test, rirr(test, 9));
}

static void ioapic_eoi_line_high_resends(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	rte_set(test, 9, LEVEL_FIXED | 0x49, 1);
	line(test, 9, true);
	eoi(test, 0x49);
	KUNIT_ASSERT_EQ(test, r->nr, 2u);
	KUNIT_EXPECT_EQ(test, r->msg[1].vector, 0x49);
	KUNIT_EXPECT_TRUE(test, rirr(test, 9));
	eoi(test, 0x49);
	KUNIT_EXPECT_EQ(test, r->nr, 3u);
	/* The handler quietened the device before its EOI. */
	line(test, 9, false);
	eoi(test, 0x49);
	KUNIT_EXPECT_EQ(test, r->nr, 3u);
	KUNIT_EXPECT_FALSE(test, rirr(test, 9));
}

static void ioapic_eoi_line_low(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	rte_set(test, 9, LEVEL_FIXED | 0x49, 1);
	line(test, 9, true);
	line(test, 9, false);
	KUNIT_EXPECT_TRUE(test, rirr(test, 9));
	eoi(test, 0x49);
	KUNIT_EXPECT_FALSE(test, rirr(test, 9));
	KUNIT_EXPECT_EQ(test, r->nr, 1u);
	line(test, 9, true);
	KUNIT_EXPECT_EQ(test, r->nr, 2u);
}

static void ioapic_eoi_other_vector(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	rte_set(test, 9, LEVEL_FIXED | 0x49, 1);
	rte_set(test, 3, 0x4a, 1);		/* an edge */
	line(test, 9, true);
	line(test, 3, true);
	KUNIT_ASSERT_EQ(test, r->nr, 2u);
	eoi(test, 0x4a);
	eoi(test, 0x48);
	KUNIT_EXPECT_TRUE(test, rirr(test, 9));
	KUNIT_EXPECT_EQ(test, r->nr, 2u);
}

static void ioapic_eoi_every_entry_of_vector(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	rte_set(test, 16, LEVEL_FIXED | 0x50, 0);
	rte_set(test, 17, LEVEL_FIXED | 0x50, 1);
	line(test, 16, true);
	line(test, 17, true);
	KUNIT_ASSERT_EQ(test, r->nr, 2u);
	eoi(test, 0x50);
	KUNIT_ASSERT_EQ(test, r->nr, 4u);
	KUNIT_EXPECT_EQ(test, r->msg[2].dest, 0u);
	KUNIT_EXPECT_EQ(test, r->msg[3].dest, 1u);
	KUNIT_EXPECT_TRUE(test, rirr(test, 16));
	KUNIT_EXPECT_TRUE(test, rirr(test, 17));
}

static void ioapic_eoi_register(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	rte_set(test, 9, LEVEL_FIXED | 0x49, 1);
	line(test, 9, true);
	/* Only bits 7:0, the vector, count. */
	axvm_ioapic_mmio_write(r->io, EOIR, 0x4900 | 0x48);
	KUNIT_EXPECT_EQ(test, r->nr, 1u);
	KUNIT_EXPECT_TRUE(test, rirr(test, 9));
	axvm_ioapic_mmio_write(r->io, EOIR, 0xffffff00 | 0x49);
	KUNIT_EXPECT_EQ(test, r->nr, 2u);
	line(test, 9, false);
	axvm_ioapic_mmio_write(r->io, EOIR, 0x49);
	KUNIT_EXPECT_FALSE(test, rirr(test, 9));
	KUNIT_EXPECT_EQ(test, r->nr, 2u);
}

static void ioapic_unmask_asserted_level(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	rte_set(test, 12, RTE_MASK | LEVEL_FIXED | 0x5c, 0);
	line(test, 12, true);
	KUNIT_EXPECT_EQ(test, r->nr, 0u);
	reg_write(test, REG_LO(12), LEVEL_FIXED | 0x5c);
	KUNIT_ASSERT_EQ(test, r->nr, 1u);
	KUNIT_EXPECT_EQ(test, r->msg[0].vector, 0x5c);
	KUNIT_EXPECT_TRUE(test, rirr(test, 12));
	/* Masking and unmasking again: Remote IRR still holds it back. */
	reg_write(test, REG_LO(12), RTE_MASK | LEVEL_FIXED | 0x5c);
	reg_write(test, REG_LO(12), LEVEL_FIXED | 0x5c);
	KUNIT_EXPECT_EQ(test, r->nr, 1u);
}

static void ioapic_eoi_while_masked(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	rte_set(test, 12, LEVEL_FIXED | 0x5c, 0);
	line(test, 12, true);
	reg_write(test, REG_LO(12), RTE_MASK | LEVEL_FIXED | 0x5c);
	eoi(test, 0x5c);
	KUNIT_EXPECT_FALSE(test, rirr(test, 12));
	KUNIT_EXPECT_EQ(test, r->nr, 1u);
	reg_write(test, REG_LO(12), LEVEL_FIXED | 0x5c);
	KUNIT_EXPECT_EQ(test, r->nr, 2u);
}

static void ioapic_edge_clears_remote_irr(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	rte_set(test, 13, LEVEL_FIXED | 0x5d, 0);
	line(test, 13, true);
	KUNIT_EXPECT_TRUE(test, rirr(test, 13));
	/* Made an edge (what Linux does to clear a stuck Remote IRR)... */
	reg_write(test, REG_LO(13), RTE_MASK | 0x5d);
	KUNIT_EXPECT_FALSE(test, rirr(test, 13));
	/* ...and level again, with the line still high: it sends. */
	reg_write(test, REG_LO(13), LEVEL_FIXED | 0x5d);
	KUNIT_EXPECT_EQ(test, r->nr, 2u);
	KUNIT_EXPECT_TRUE(test, rirr(test, 13));
}

/* ---- messages ------------------------------------------------------------- */

struct ioapic_msg_case {
	const char *desc;
	unsigned int pin;
	u8 vector, delivery, dest;
	bool logical, level_bit;
	bool level;		/* expected msg.level and Remote IRR */
};

static const struct ioapic_msg_case ioapic_msg_cases[] = {
	{ "fixed physical edge", 0, 0x30, AXVM_APIC_DM_FIXED, 0x01,
	  false, false, false },
	{ "fixed logical level", 1, 0x41, AXVM_APIC_DM_FIXED, 0x0c,
	  true, true, true },
	{ "lowest logical level", 2, 0x52, AXVM_APIC_DM_LOWEST, 0xff,
	  true, true, true },
	{ "lowest physical edge", 8, 0xee, AXVM_APIC_DM_LOWEST, 0xfe,
	  false, false, false },
	{ "SMI, level bit ignored", 14, 0x00, AXVM_APIC_DM_SMI, 0x00,
	  false, true, false },
	{ "NMI, level bit ignored", 15, 0x02, AXVM_APIC_DM_NMI, 0x02,
	  false, true, false },
	{ "INIT logical", 20, 0x00, AXVM_APIC_DM_INIT, 0x03,
	  true, false, false },
	{ "ExtINT", 23, 0x00, AXVM_APIC_DM_EXTINT, 0x00,
	  false, false, false },
};

static void ioapic_msg_desc(const struct ioapic_msg_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ioapic_msg, ioapic_msg_cases, ioapic_msg_desc);

static void ioapic_msg_fields(struct kunit *test)
{
	const struct ioapic_msg_case *c = test->param_value;
	struct ioapic_rec *r = rec(test);
	const struct axvm_apic_msg *m = &r->msg[0];

	rte_set(test, c->pin, c->vector | RTE_DM(c->delivery) |
		(c->logical ? RTE_LOGICAL : 0) |
		(c->level_bit ? RTE_LEVEL : 0), c->dest);
	line(test, c->pin, true);
	KUNIT_ASSERT_EQ(test, r->nr, 1u);
	KUNIT_EXPECT_EQ(test, m->vector, c->vector);
	KUNIT_EXPECT_EQ(test, m->delivery, c->delivery);
	KUNIT_EXPECT_EQ(test, m->dest, (u32)c->dest);
	KUNIT_EXPECT_EQ(test, m->logical, c->logical);
	KUNIT_EXPECT_EQ(test, m->level, c->level);
	KUNIT_EXPECT_TRUE(test, m->assert);
	KUNIT_EXPECT_EQ(test, m->shorthand, (u8)AXVM_APIC_SH_NONE);
	KUNIT_EXPECT_FALSE(test, m->x2apic);
	KUNIT_EXPECT_EQ(test, rirr(test, c->pin), c->level);
	/* An edge needs no EOI: the next rising edge sends again. */
	line(test, c->pin, false);
	line(test, c->pin, true);
	KUNIT_EXPECT_EQ(test, r->nr, c->level ? 1u : 2u);
}

static void ioapic_reserved_modes_send_nothing(struct kunit *test)
{
	static const u8 modes[] = { 3, 6 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		rte_set(test, i, RTE_DM(modes[i]) | 0x40, 0);
		rte_set(test, 8 + i, RTE_DM(modes[i]) | LEVEL_FIXED | 0x40, 0);
		line(test, i, true);
		line(test, 8 + i, true);
		KUNIT_EXPECT_FALSE(test, rirr(test, 8 + i));
	}
	KUNIT_EXPECT_EQ(test, rec(test)->nr, 0u);
}

static void ioapic_bad_pins_ignored(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);
	unsigned int pin;

	/* Every entry unmasked: a bad pin taken for a good one would send. */
	for (pin = 0; pin < PINS; pin++)
		rte_set(test, pin, 0x60 + pin, 0);
	line(test, PINS, true);
	line(test, PINS + 8, true);
	line(test, UINT_MAX, true);
	KUNIT_EXPECT_EQ(test, r->nr, 0u);
	line(test, PINS - 1, true);
	KUNIT_ASSERT_EQ(test, r->nr, 1u);
	KUNIT_EXPECT_EQ(test, r->msg[0].vector, 0x60 + PINS - 1);
}

static void ioapic_deliver_outside_lock(struct kunit *test)
{
	struct ioapic_rec *r = rec(test);

	/* From each path that sends: set_irq, unmask, EOI, EOI register. */
	rte_set(test, 6, RTE_MASK | LEVEL_FIXED | 0x66, 0);
	rte_set(test, 2, 0x62, 0);
	line(test, 2, true);
	line(test, 6, true);
	reg_write(test, REG_LO(6), LEVEL_FIXED | 0x66);
	eoi(test, 0x66);
	axvm_ioapic_mmio_write(r->io, EOIR, 0x66);
	KUNIT_EXPECT_EQ(test, r->nr, 4u);
	/* And deliver may call back in: an EOI that sends again. */
	r->eoi_in_deliver = true;
	eoi(test, 0x66);
	KUNIT_EXPECT_FALSE(test, r->eoi_in_deliver);
	KUNIT_EXPECT_EQ(test, r->nr, 6u);
	KUNIT_EXPECT_TRUE(test, rirr(test, 6));
	KUNIT_EXPECT_FALSE(test, r->irqs_off);
}

static struct kunit_case ioapic_cases[] = {
	KUNIT_CASE(ioapic_reset_state),
	KUNIT_CASE(ioapic_version),
	KUNIT_CASE(ioapic_id),
	KUNIT_CASE(ioapic_ioregsel),
	KUNIT_CASE(ioapic_unknown_regs),
	KUNIT_CASE(ioapic_unknown_offsets),
	KUNIT_CASE(ioapic_rte_round_trip),
	KUNIT_CASE(ioapic_rte_read_only_bits),
	KUNIT_CASE(ioapic_reset_restores),
	KUNIT_CASE(ioapic_create_rejects),
	KUNIT_CASE(ioapic_edge_once_per_rising_edge),
	KUNIT_CASE(ioapic_edge_masked_is_lost),
	KUNIT_CASE(ioapic_polarity_not_applied),
	KUNIT_CASE(ioapic_level_sets_remote_irr),
	KUNIT_CASE(ioapic_eoi_line_high_resends),
	KUNIT_CASE(ioapic_eoi_line_low),
	KUNIT_CASE(ioapic_eoi_other_vector),
	KUNIT_CASE(ioapic_eoi_every_entry_of_vector),
	KUNIT_CASE(ioapic_eoi_register),
	KUNIT_CASE(ioapic_unmask_asserted_level),
	KUNIT_CASE(ioapic_eoi_while_masked),
	KUNIT_CASE(ioapic_edge_clears_remote_irr),
	KUNIT_CASE_PARAM(ioapic_msg_fields, ioapic_msg_gen_params),
	KUNIT_CASE(ioapic_reserved_modes_send_nothing),
	KUNIT_CASE(ioapic_bad_pins_ignored),
	KUNIT_CASE(ioapic_deliver_outside_lock),
	{}
};

static struct kunit_suite ioapic_suite = {
	.name = "axvm_ioapic",
	.init = ioapic_test_init,
	.exit = ioapic_test_exit,
	.test_cases = ioapic_cases,
};
kunit_test_suite(ioapic_suite);
