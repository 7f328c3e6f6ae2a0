// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_lapic: the local APIC model against the Intel SDM (vol. 3 ch. 10),
 * with a recording host. Register offsets and bits come from the
 * kernel's <asm/apicdef.h> and <asm/msr-index.h>, not from the model, so
 * a wrong constant there cannot agree with itself here. Some cases wire
 * several APICs to a small bus (the host's send routes each message
 * through match_dest and accept), the way the platform will.
 */
#include <kunit/test.h>
#include <linux/irqflags.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include "devices/lapic.h"

#define REC_MAX		8
#define BUS_MAX		3

/* x2APIC MSRs, SDM table 10-6: 0x800 + offset / 16. */
#define X2(reg)		(APIC_BASE_MSR + ((reg) >> 4))
#define APIC_EN		MSR_IA32_APICBASE_ENABLE
#define APIC_EXTD	X2APIC_ENABLE
#define LVT_OFF(i)	(APIC_LVTT + 0x10 * (i))	/* timer .. error */
#define NR_LVT		6
#define SVR_ON		(APIC_SPIV_APIC_ENABLED | 0xff)

struct lapic_rec;

/* One APIC and what its host was asked. */
struct rec_cpu {
	struct lapic_rec *r;
	struct axvm_lapic *apic;
	struct axvm_lapic_host host;
	struct axvm_apic_msg sent[REC_MAX];
	unsigned int nr_sent;
	u8 eoi[REC_MAX];
	unsigned int nr_eoi;
	unsigned int nr_kicks;
};

struct lapic_rec {
	struct rec_cpu cpu[BUS_MAX];
	unsigned int nr_cpus;
	bool bus;		/* send() delivers to every matching APIC */
	/*
	 * A callback ran with interrupts off: the model takes its lock
	 * irqsave, so that is a callback made under the lock.
	 */
	bool locked_call;
};

static void rec_check_unlocked(struct rec_cpu *c)
{
	if (irqs_disabled())
		c->r->locked_call = true;
}

static void rec_send(void *ctx, const struct axvm_apic_msg *msg)
{
	struct rec_cpu *c = ctx;
	struct lapic_rec *r = c->r;
	unsigned int i;

	rec_check_unlocked(c);
	if (c->nr_sent < REC_MAX)
		c->sent[c->nr_sent] = *msg;
	c->nr_sent++;
	/* Under the lock, going round would deadlock: stop at the record. */
	if (!r->bus || r->locked_call)
		return;
	for (i = 0; i < r->nr_cpus; i++)
		if (axvm_lapic_match_dest(r->cpu[i].apic, msg))
			axvm_lapic_accept(r->cpu[i].apic, msg);
}

static void rec_eoi_level(void *ctx, u8 vector)
{
	struct rec_cpu *c = ctx;

	rec_check_unlocked(c);
	if (c->nr_eoi < REC_MAX)
		c->eoi[c->nr_eoi] = vector;
	c->nr_eoi++;
}

static void rec_kick(void *ctx)
{
	struct rec_cpu *c = ctx;

	rec_check_unlocked(c);
	c->nr_kicks++;
}

/* Another APIC on the recording host; cpu[0] is made by init. */
static struct rec_cpu *rec_add(struct kunit *test, u32 id, bool bsp,
			       u8 phys_bits)
{
	struct lapic_rec *r = test->priv;
	struct rec_cpu *c;

	KUNIT_ASSERT_LT(test, r->nr_cpus, (unsigned int)BUS_MAX);
	c = &r->cpu[r->nr_cpus];
	c->r = r;
	c->host.send = rec_send;
	c->host.eoi_level = rec_eoi_level;
	c->host.kick = rec_kick;
	c->host.ctx = c;
	c->host.phys_bits = phys_bits;
	c->apic = axvm_lapic_create(id, bsp, &c->host);
	KUNIT_ASSERT_NOT_NULL(test, c->apic);
	r->nr_cpus++;
	return c;
}

static int lapic_test_init(struct kunit *test)
{
	struct lapic_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	test->priv = r;
	if (!r)
		return -ENOMEM;
	r->cpu[0].r = r;
	r->cpu[0].host = (struct axvm_lapic_host) {
		.send = rec_send,
		.eoi_level = rec_eoi_level,
		.kick = rec_kick,
		.ctx = &r->cpu[0],
	};
	r->cpu[0].apic = axvm_lapic_create(0, true, &r->cpu[0].host);
	if (!r->cpu[0].apic)
		return -ENOMEM;
	r->nr_cpus = 1;
	return 0;
}

static void lapic_test_exit(struct kunit *test)
{
	struct lapic_rec *r = test->priv;
	unsigned int i;

	if (!r)		/* exit runs even when init failed */
		return;
	KUNIT_EXPECT_FALSE_MSG(test, r->locked_call,
			       "a host callback ran under the APIC's lock");
	for (i = 0; i < r->nr_cpus; i++)
		axvm_lapic_destroy(r->cpu[i].apic);
}

static struct rec_cpu *cpu0(struct kunit *test)
{
	struct lapic_rec *r = test->priv;

	return &r->cpu[0];
}

static struct axvm_lapic *apic0(struct kunit *test)
{
	return cpu0(test)->apic;
}

static u32 rd(struct kunit *test, u32 reg)
{
	return axvm_lapic_mmio_read(apic0(test), reg);
}

static void wr(struct kunit *test, u32 reg, u32 val)
{
	axvm_lapic_mmio_write(apic0(test), reg, val);
}

/* A message as an IOAPIC or MSI would send it to @dest, physical. */
static void deliver(struct kunit *test, u8 dm, u8 vector, bool level)
{
	struct axvm_apic_msg msg = {
		.dest = 0,
		.vector = vector,
		.delivery = dm,
		.level = level,
		.assert = true,
	};

	axvm_lapic_accept(apic0(test), &msg);
}

static void fixed(struct kunit *test, u8 vector)
{
	deliver(test, AXVM_APIC_DM_FIXED, vector, false);
}

/* A KUNIT_ARRAY_PARAM table whose cases are named by their desc member. */
#define LAPIC_PARAMS(name, cases)					\
static void name##_desc(typeof(&(cases)[0]) c, char *desc)		\
{									\
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);			\
}									\
KUNIT_ARRAY_PARAM(name, cases, name##_desc)

/* Bit @vector of the 256-bit register at @reg (ISR, TMR, IRR). */
static bool vec_bit(struct kunit *test, u32 reg, u8 vector)
{
	return rd(test, reg + 0x10 * (vector / 32)) & BIT(vector % 32);
}

static void to_x2apic(struct kunit *test, struct axvm_lapic *apic)
{
	u64 base = axvm_lapic_get_base(apic);

	KUNIT_ASSERT_EQ(test, axvm_lapic_set_base(apic, base | APIC_EXTD), 0);
}

static u64 msr(struct kunit *test, u32 index)
{
	u64 val = 0xdeadbeef;

	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(apic0(test), index, &val), 0);
	return val;
}

/* Take @vector as the CPU does: it must be the one pending. */
static void take(struct kunit *test, int vector)
{
	KUNIT_ASSERT_EQ(test, axvm_lapic_pending_vector(apic0(test)), vector);
	axvm_lapic_ack(apic0(test), vector);
}

/* ---- power-on state ------------------------------------------------------ */

static void lapic_power_on_base(struct kunit *test)
{
	struct rec_cpu *ap = rec_add(test, 1, false, 0);

	/* SDM 10.4.4: 0xfee00000, enabled, BSP flag on the BSP only. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_get_base(apic0(test)), 0xfee00900ULL);
	KUNIT_EXPECT_EQ(test, axvm_lapic_get_base(ap->apic), 0xfee00800ULL);
	KUNIT_EXPECT_TRUE(test, axvm_lapic_mmio_claims(apic0(test),
						       APIC_DEFAULT_PHYS_BASE));
}

struct lapic_reg_case {
	const char *desc;
	u32 reg;
	u32 value;
};

/* SDM 10.4.7.1, table 10-1; the version as lapic.h promises it. */
static const struct lapic_reg_case lapic_power_on_cases[] = {
	{ "ID", APIC_ID, 0 },
	{ "version", APIC_LVR, 0x50014 },
	{ "TPR", APIC_TASKPRI, 0 },
	{ "APR", APIC_ARBPRI, 0 },
	{ "PPR", APIC_PROCPRI, 0 },
	{ "LDR", APIC_LDR, 0 },
	{ "DFR", APIC_DFR, 0xffffffff },
	{ "SVR", APIC_SPIV, 0xff },
	{ "ISR0", APIC_ISR, 0 },
	{ "TMR7", APIC_TMR + 0x70, 0 },
	{ "IRR0", APIC_IRR, 0 },
	{ "ESR", APIC_ESR, 0 },
	{ "ICR", APIC_ICR, 0 },
	{ "ICR2", APIC_ICR2, 0 },
	{ "LVT timer", APIC_LVTT, 0x10000 },
	{ "LVT thermal", APIC_LVTTHMR, 0x10000 },
	{ "LVT PMC", APIC_LVTPC, 0x10000 },
	{ "LVT LINT0", APIC_LVT0, 0x10000 },
	{ "LVT LINT1", APIC_LVT1, 0x10000 },
	{ "LVT error", APIC_LVTERR, 0x10000 },
	{ "timer initial count", APIC_TMICT, 0 },
	{ "timer current count", APIC_TMCCT, 0 },
	{ "timer divide", APIC_TDCR, 0 },
	/* No CMCI: the version counts 6 LVTs. */
	{ "CMCI absent", APIC_LVTCMCI, 0 },
};

LAPIC_PARAMS(lapic_power_on, lapic_power_on_cases);

static void lapic_power_on(struct kunit *test)
{
	const struct lapic_reg_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, rd(test, c->reg), c->value);
}

static void lapic_id_encodings(struct kunit *test)
{
	struct axvm_lapic *apic = rec_add(test, 0x25, false, 0)->apic;
	u64 val = 0;

	/* xAPIC: the ID in bits 31:24. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_mmio_read(apic, APIC_ID), 0x25000000U);
	to_x2apic(test, apic);
	/* x2APIC: all 32 bits; the LDR is cluster 2, bit 5 (SDM 10.12.10.2). */
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(apic, X2(APIC_ID), &val), 0);
	KUNIT_EXPECT_EQ(test, val, 0x25ULL);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(apic, X2(APIC_LDR), &val), 0);
	KUNIT_EXPECT_EQ(test, val, 0x20020ULL);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(apic, X2(APIC_LVR), &val), 0);
	KUNIT_EXPECT_EQ(test, val, 0x50014ULL);
	/* No xAPIC page any more. */
	KUNIT_EXPECT_FALSE(test, axvm_lapic_mmio_claims(apic,
							APIC_DEFAULT_PHYS_BASE));
	KUNIT_EXPECT_EQ(test, axvm_lapic_mmio_read(apic, APIC_LVR), 0U);
}

static void lapic_x2apic_full_id(struct kunit *test)
{
	struct rec_cpu *c = rec_add(test, 0x12345, false, 0);
	u64 val = 0;

	to_x2apic(test, c->apic);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(c->apic, X2(APIC_ID), &val), 0);
	KUNIT_EXPECT_EQ(test, val, 0x12345ULL);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(c->apic, X2(APIC_LDR), &val), 0);
	KUNIT_EXPECT_EQ(test, val, (0x1234ULL << 16) | BIT(5));
}

/* ---- IA32_APIC_BASE ------------------------------------------------------- */

enum base_from { FROM_XAPIC, FROM_X2APIC, FROM_DISABLED };

struct lapic_base_case {
	const char *desc;
	enum base_from from;
	u64 write;
	int ret;
	u64 after;		/* the MSR afterwards */
};

#define XAPIC_BASE	(APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_BSP | \
			 APIC_EN)
#define X2APIC_BASE	(XAPIC_BASE | APIC_EXTD)
#define OFF_BASE	(APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_BSP)

/* SDM 10.12.5.1 and figure 10-27, on an APIC with MAXPHYADDR 40. */
static const struct lapic_base_case lapic_base_cases[] = {
	{ "xAPIC->x2APIC", FROM_XAPIC, X2APIC_BASE, 0, X2APIC_BASE },
	{ "x2APIC->disabled", FROM_X2APIC, OFF_BASE, 0, OFF_BASE },
	{ "disabled->xAPIC", FROM_DISABLED, XAPIC_BASE, 0, XAPIC_BASE },
	{ "xAPIC->disabled", FROM_XAPIC, OFF_BASE, 0, OFF_BASE },
	{ "x2APIC->xAPIC refused", FROM_X2APIC, XAPIC_BASE, -EINVAL,
	  X2APIC_BASE },
	{ "disabled->x2APIC refused", FROM_DISABLED, X2APIC_BASE, -EINVAL,
	  OFF_BASE },
	{ "EXTD without EN refused", FROM_XAPIC, OFF_BASE | APIC_EXTD,
	  -EINVAL, XAPIC_BASE },
	{ "reserved bit 0", FROM_XAPIC, XAPIC_BASE | BIT(0), -EINVAL,
	  XAPIC_BASE },
	{ "reserved bit 9", FROM_XAPIC, XAPIC_BASE | BIT(9), -EINVAL,
	  XAPIC_BASE },
	{ "above MAXPHYADDR", FROM_XAPIC, XAPIC_BASE | BIT_ULL(40), -EINVAL,
	  XAPIC_BASE },
	{ "just below MAXPHYADDR", FROM_XAPIC, XAPIC_BASE | BIT_ULL(39), 0,
	  XAPIC_BASE | BIT_ULL(39) },
	{ "relocate", FROM_XAPIC, 0xfed00000 | MSR_IA32_APICBASE_BSP | APIC_EN,
	  0, 0xfed00000 | MSR_IA32_APICBASE_BSP | APIC_EN },
	{ "BSP bit is not the guest's to clear", FROM_XAPIC,
	  APIC_DEFAULT_PHYS_BASE | APIC_EN, 0, XAPIC_BASE },
};

LAPIC_PARAMS(lapic_base, lapic_base_cases);

static void lapic_base_transitions(struct kunit *test)
{
	const struct lapic_base_case *c = test->param_value;
	struct axvm_lapic *apic = rec_add(test, 1, true, 40)->apic;

	if (c->from == FROM_X2APIC)
		KUNIT_ASSERT_EQ(test, axvm_lapic_set_base(apic, X2APIC_BASE), 0);
	if (c->from == FROM_DISABLED)
		KUNIT_ASSERT_EQ(test, axvm_lapic_set_base(apic, OFF_BASE), 0);
	KUNIT_EXPECT_EQ(test, axvm_lapic_set_base(apic, c->write), c->ret);
	KUNIT_EXPECT_EQ(test, axvm_lapic_get_base(apic), c->after);
}

static void lapic_base_relocation_moves_mmio(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);

	KUNIT_ASSERT_EQ(test, axvm_lapic_set_base(apic, 0xfed00000 | APIC_EN), 0);
	KUNIT_EXPECT_TRUE(test, axvm_lapic_mmio_claims(apic, 0xfed00000));
	KUNIT_EXPECT_TRUE(test, axvm_lapic_mmio_claims(apic, 0xfed00fff));
	KUNIT_EXPECT_FALSE(test, axvm_lapic_mmio_claims(apic, 0xfed01000));
	KUNIT_EXPECT_FALSE(test, axvm_lapic_mmio_claims(apic, 0xfecfffff));
	KUNIT_EXPECT_FALSE(test, axvm_lapic_mmio_claims(apic,
							APIC_DEFAULT_PHYS_BASE));
	/* Still the same registers there. */
	KUNIT_EXPECT_EQ(test, rd(test, APIC_LVR), 0x50014U);
	/* Disabled: nothing is claimed. */
	KUNIT_ASSERT_EQ(test, axvm_lapic_set_base(apic, 0xfed00000), 0);
	KUNIT_EXPECT_FALSE(test, axvm_lapic_mmio_claims(apic, 0xfed00000));
}

static void lapic_disable_resets_registers(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);

	wr(test, APIC_SPIV, SVR_ON);
	wr(test, APIC_TASKPRI, 0x20);
	wr(test, APIC_LVT0, APIC_DM_EXTINT);
	fixed(test, 0x40);
	KUNIT_ASSERT_EQ(test, axvm_lapic_pending_vector(apic), 0x40);
	KUNIT_ASSERT_EQ(test, axvm_lapic_set_base(apic, OFF_BASE), 0);
	/* Disabled: nothing pending, nothing accepted. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), -1);
	KUNIT_ASSERT_EQ(test, axvm_lapic_set_base(apic, XAPIC_BASE), 0);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_SPIV), 0xffU);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TASKPRI), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_LVT0), APIC_LVT_MASKED);
	KUNIT_EXPECT_FALSE(test, vec_bit(test, APIC_IRR, 0x40));
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), -1);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_ID), 0U);
}

static void lapic_disabled_takes_nothing(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);
	struct axvm_apic_msg bcast = {
		.dest = APIC_ALL_CPUS,
		.delivery = AXVM_APIC_DM_INIT,
		.assert = true,
	};

	KUNIT_ASSERT_EQ(test, axvm_lapic_set_base(apic, OFF_BASE), 0);
	KUNIT_EXPECT_FALSE(test, axvm_lapic_match_dest(apic, &bcast));
	axvm_lapic_accept(apic, &bcast);
	KUNIT_EXPECT_EQ(test, axvm_lapic_take_events(apic, NULL), 0U);
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_kicks, 0U);
}

/* ---- resets ----------------------------------------------------------------- */

static void lapic_init_keeps_base_and_id(struct kunit *test)
{
	struct rec_cpu *c = rec_add(test, 7, false, 0);
	u64 base = 0xfed00000 | APIC_EN | APIC_EXTD;
	u64 val = 0;

	KUNIT_ASSERT_EQ(test, axvm_lapic_set_base(c->apic, 0xfed00000 | APIC_EN),
			0);
	KUNIT_ASSERT_EQ(test, axvm_lapic_set_base(c->apic, base), 0);
	KUNIT_ASSERT_EQ(test, axvm_lapic_wrmsr(c->apic, X2(APIC_SPIV), SVR_ON),
			0);
	KUNIT_ASSERT_EQ(test, axvm_lapic_wrmsr(c->apic, X2(APIC_TASKPRI), 0x30),
			0);
	axvm_lapic_reset(c->apic, true);
	/* SDM 10.4.7.3 and 10.12.5.1: INIT keeps the mode and the ID. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_get_base(c->apic), base);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(c->apic, X2(APIC_ID), &val), 0);
	KUNIT_EXPECT_EQ(test, val, 7ULL);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(c->apic, X2(APIC_SPIV), &val), 0);
	KUNIT_EXPECT_EQ(test, val, 0xffULL);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(c->apic, X2(APIC_TASKPRI), &val),
			0);
	KUNIT_EXPECT_EQ(test, val, 0ULL);
	/* Power-on: xAPIC at the default base again. */
	axvm_lapic_reset(c->apic, false);
	KUNIT_EXPECT_EQ(test, axvm_lapic_get_base(c->apic),
			(u64)APIC_DEFAULT_PHYS_BASE | APIC_EN);
}

static void lapic_reset_events(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);
	u8 vec = 0;

	deliver(test, AXVM_APIC_DM_SIPI, 0x12, false);
	/* INIT keeps what is pending: the caller took the INIT itself. */
	axvm_lapic_reset(apic, true);
	KUNIT_EXPECT_EQ(test, axvm_lapic_take_events(apic, &vec),
			AXVM_LAPIC_EV_SIPI);
	KUNIT_EXPECT_EQ(test, vec, 0x12);
	deliver(test, AXVM_APIC_DM_NMI, 0, false);
	axvm_lapic_reset(apic, false);
	KUNIT_EXPECT_EQ(test, axvm_lapic_take_events(apic, &vec), 0U);
}

/* ---- registers ---------------------------------------------------------------- */

struct lapic_write_case {
	const char *desc;
	u32 reg;
	u32 write;
	u32 read;
};

/* What sticks of an all-ones write, software-enabled (SDM 10.5.1 ff). */
static const struct lapic_write_case lapic_write_cases[] = {
	{ "ID read-only", APIC_ID, 0xffffffff, 0 },
	{ "version read-only", APIC_LVR, 0xffffffff, 0x50014 },
	{ "TPR 8 bits", APIC_TASKPRI, 0xffffffff, 0xff },
	{ "PPR read-only (= TPR)", APIC_PROCPRI, 0x12345678, 0 },
	{ "LDR bits 31:24", APIC_LDR, 0xffffffff, 0xff000000 },
	{ "DFR cluster", APIC_DFR, 0x0fffffff, 0x0fffffff },
	{ "DFR low bits read 1", APIC_DFR, 0xf0000000, 0xffffffff },
	{ "SVR 9:0", APIC_SPIV, 0xffffffff, 0x3ff },
	{ "IRR read-only", APIC_IRR + 0x10, 0xffffffff, 0 },
	{ "ICR2 bits 31:24", APIC_ICR2, 0xffffffff, 0xff000000 },
	{ "LVT timer", APIC_LVTT, 0xffffffff, 0x700ff },
	{ "LVT thermal", APIC_LVTTHMR, 0xffffffff, 0x107ff },
	{ "LVT PMC", APIC_LVTPC, 0xffffffff, 0x107ff },
	{ "LVT LINT0", APIC_LVT0, 0xffffffff, 0x1a7ff },
	{ "LVT LINT1", APIC_LVT1, 0xffffffff, 0x1a7ff },
	{ "LVT error", APIC_LVTERR, 0xffffffff, 0x100ff },
	{ "timer initial count", APIC_TMICT, 0xffffffff, 0xffffffff },
	{ "timer current count", APIC_TMCCT, 0xffffffff, 0 },
	{ "timer divide 3:0 but 2", APIC_TDCR, 0xffffffff, 0xb },
	{ "CMCI absent", APIC_LVTCMCI, 0xffffffff, 0 },
	{ "not at a 16-byte boundary", APIC_TASKPRI + 4, 0xffffffff, 0 },
};

LAPIC_PARAMS(lapic_write, lapic_write_cases);

static void lapic_register_writes(struct kunit *test)
{
	const struct lapic_write_case *c = test->param_value;

	if (c->reg != APIC_SPIV)
		wr(test, APIC_SPIV, SVR_ON);
	wr(test, c->reg, c->write);
	KUNIT_EXPECT_EQ(test, rd(test, c->reg), c->read);
	/* An access off the register's boundary sees nothing. */
	KUNIT_EXPECT_EQ(test, rd(test, c->reg + 4), 0U);
}

static void lapic_sw_disable_masks_lvts(struct kunit *test)
{
	unsigned int i;

	wr(test, APIC_SPIV, SVR_ON);
	for (i = 0; i < NR_LVT; i++)
		wr(test, LVT_OFF(i), 0x40 + i);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_LVT0), 0x43U);
	wr(test, APIC_SPIV, 0xff);
	/* SDM 10.4.7.2: masked, and they stay masked. */
	for (i = 0; i < NR_LVT; i++) {
		KUNIT_EXPECT_EQ(test, rd(test, LVT_OFF(i)),
				APIC_LVT_MASKED | (0x40 + i));
		wr(test, LVT_OFF(i), 0x50);
		KUNIT_EXPECT_EQ(test, rd(test, LVT_OFF(i)),
				APIC_LVT_MASKED | 0x50);
	}
	/* Enabling again does not unmask them. */
	wr(test, APIC_SPIV, SVR_ON);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_LVT0), APIC_LVT_MASKED | 0x50);
}

static void lapic_sw_disable_ignores_fixed(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);

	fixed(test, 0x40);
	KUNIT_EXPECT_FALSE(test, vec_bit(test, APIC_IRR, 0x40));
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), -1);
	deliver(test, AXVM_APIC_DM_LOWEST, 0x41, false);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), -1);
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_kicks, 0U);
	/* NMI, INIT and SIPI still come in. */
	deliver(test, AXVM_APIC_DM_NMI, 0, false);
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_kicks, 1U);
	KUNIT_EXPECT_EQ(test, axvm_lapic_take_events(apic, NULL),
			AXVM_LAPIC_EV_NMI);
	/* What IRR held before the disable is held (SDM 10.4.7.2). */
	wr(test, APIC_SPIV, SVR_ON);
	fixed(test, 0x50);
	wr(test, APIC_SPIV, 0xff);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), 0x50);
}

/* ---- priorities (SDM 10.8) ---------------------------------------------------- */

static void lapic_highest_first(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);

	wr(test, APIC_SPIV, SVR_ON);
	fixed(test, 0x31);
	fixed(test, 0x52);
	KUNIT_EXPECT_TRUE(test, vec_bit(test, APIC_IRR, 0x31));
	KUNIT_EXPECT_TRUE(test, vec_bit(test, APIC_IRR, 0x52));
	take(test, 0x52);
	KUNIT_EXPECT_FALSE(test, vec_bit(test, APIC_IRR, 0x52));
	KUNIT_EXPECT_TRUE(test, vec_bit(test, APIC_ISR, 0x52));
	KUNIT_EXPECT_EQ(test, rd(test, APIC_PROCPRI), 0x50U);
	/* 0x31 waits for the EOI of 0x52. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), -1);
	wr(test, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_PROCPRI), 0U);
	take(test, 0x31);
	wr(test, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), -1);
}

static void lapic_isr_blocks_same_class(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);

	wr(test, APIC_SPIV, SVR_ON);
	fixed(test, 0x55);
	take(test, 0x55);
	/* 0x5a is higher than 0x55 but of the same class: it waits. */
	fixed(test, 0x5a);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), -1);
	/* A higher class nests. */
	fixed(test, 0x61);
	take(test, 0x61);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_PROCPRI), 0x60U);
	wr(test, APIC_EOI, 0);	/* 0x61 */
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), -1);
	wr(test, APIC_EOI, 0);	/* 0x55 */
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), 0x5a);
}

static void lapic_tpr_blocks_class(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);

	wr(test, APIC_SPIV, SVR_ON);
	wr(test, APIC_TASKPRI, 0x50);
	fixed(test, 0x5f);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), -1);
	/* Blocked: no reason to wake the vCPU. */
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_kicks, 0U);
	fixed(test, 0x60);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), 0x60);
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_kicks, 1U);
	/* Only the class counts: TPR 0x4f lets 0x5f through. */
	wr(test, APIC_TASKPRI, 0x4f);
	take(test, 0x60);
	wr(test, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), 0x5f);
}

struct lapic_ppr_case {
	const char *desc;
	u32 tpr;
	int isrv;		/* -1: ISR empty */
	u32 ppr;
};

/* SDM 10.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] << 4. */
static const struct lapic_ppr_case lapic_ppr_cases[] = {
	{ "TPR alone", 0x3c, -1, 0x3c },
	{ "ISR class above TPR", 0x30, 0x65, 0x60 },
	{ "TPR class above ISR", 0x70, 0x65, 0x70 },
	{ "same class: TPR with its low bits", 0x6f, 0x65, 0x6f },
	{ "ISR class, low bits dropped", 0x5f, 0x6a, 0x60 },
};

LAPIC_PARAMS(lapic_ppr, lapic_ppr_cases);

static void lapic_ppr(struct kunit *test)
{
	const struct lapic_ppr_case *c = test->param_value;

	wr(test, APIC_SPIV, SVR_ON);
	if (c->isrv >= 0) {
		fixed(test, c->isrv);
		take(test, c->isrv);
	}
	wr(test, APIC_TASKPRI, c->tpr);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_PROCPRI), c->ppr);
}

static void lapic_eoi_level(struct kunit *test)
{
	struct rec_cpu *c = cpu0(test);

	wr(test, APIC_SPIV, SVR_ON);
	deliver(test, AXVM_APIC_DM_FIXED, 0x40, true);
	KUNIT_EXPECT_TRUE(test, vec_bit(test, APIC_TMR, 0x40));
	take(test, 0x40);
	fixed(test, 0x80);
	KUNIT_EXPECT_FALSE(test, vec_bit(test, APIC_TMR, 0x80));
	take(test, 0x80);
	/* The EOI pops the highest ISR bit: 0x80, an edge. */
	wr(test, APIC_EOI, 0);
	KUNIT_EXPECT_FALSE(test, vec_bit(test, APIC_ISR, 0x80));
	KUNIT_EXPECT_TRUE(test, vec_bit(test, APIC_ISR, 0x40));
	KUNIT_EXPECT_EQ(test, c->nr_eoi, 0U);
	/* Then 0x40, a level: the IOAPIC hears of it. */
	wr(test, APIC_EOI, 0);
	KUNIT_EXPECT_FALSE(test, vec_bit(test, APIC_ISR, 0x40));
	KUNIT_ASSERT_EQ(test, c->nr_eoi, 1U);
	KUNIT_EXPECT_EQ(test, c->eoi[0], 0x40);
	/* An EOI with nothing in service does nothing. */
	wr(test, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, c->nr_eoi, 1U);
}

static void lapic_cr8_is_tpr(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);

	axvm_lapic_set_cr8(apic, 5);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TASKPRI), 0x50U);
	wr(test, APIC_TASKPRI, 0x7a);
	KUNIT_EXPECT_EQ(test, axvm_lapic_get_cr8(apic), 7);
	/* SDM 10.8.6.1: a CR8 write clears TPR[3:0]. */
	axvm_lapic_set_cr8(apic, 7);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TASKPRI), 0x70U);
	/* And it blocks like TPR. */
	wr(test, APIC_SPIV, SVR_ON);
	axvm_lapic_set_cr8(apic, 6);
	fixed(test, 0x6f);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), -1);
	fixed(test, 0x70);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), 0x70);
}

/* ---- errors (SDM 10.5.3) --------------------------------------------------------- */

static void lapic_illegal_vector_received(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);

	wr(test, APIC_SPIV, SVR_ON);
	fixed(test, 15);
	KUNIT_EXPECT_FALSE(test, vec_bit(test, APIC_IRR, 15));
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), -1);
	wr(test, APIC_ESR, 0);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_ESR), APIC_ESR_RECVILL);
	/* 16 is the first legal vector. */
	fixed(test, 16);
	KUNIT_EXPECT_TRUE(test, vec_bit(test, APIC_IRR, 16));
}

static void lapic_illegal_vector_sent(struct kunit *test)
{
	wr(test, APIC_ICR2, SET_XAPIC_DEST_FIELD(1));
	wr(test, APIC_ICR, APIC_DM_FIXED | 3);
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_sent, 0U);
	wr(test, APIC_ESR, 0);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_ESR), APIC_ESR_SENDILL);
	/* NMI and INIT carry no vector: nothing illegal there. */
	wr(test, APIC_ICR, APIC_DM_NMI);
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_sent, 1U);
	wr(test, APIC_ESR, 0);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_ESR), 0U);
}

static void lapic_esr_latch(struct kunit *test)
{
	wr(test, APIC_SPIV, SVR_ON);
	fixed(test, 2);
	/* Nothing to read until a write latches it. */
	KUNIT_EXPECT_EQ(test, rd(test, APIC_ESR), 0U);
	wr(test, APIC_ESR, 0x12345678);	/* the value written is ignored */
	KUNIT_EXPECT_EQ(test, rd(test, APIC_ESR), APIC_ESR_RECVILL);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_ESR), APIC_ESR_RECVILL);
	/* The write also started a new accumulation. */
	wr(test, APIC_ICR, 1);
	wr(test, APIC_ESR, 0);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_ESR), APIC_ESR_SENDILL);
	wr(test, APIC_ESR, 0);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_ESR), 0U);
}

static void lapic_error_interrupt(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);

	wr(test, APIC_SPIV, SVR_ON);
	wr(test, APIC_LVTERR, 0xfe);
	fixed(test, 1);
	/* The LVT error entry delivers its vector on an error. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic), 0xfe);
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_kicks, 1U);
}

/* ---- the ICR ---------------------------------------------------------------- */

struct lapic_icr_case {
	const char *desc;
	u32 icr2;
	u32 icr;
	struct axvm_apic_msg msg;	/* src and x2apic filled by the test */
};

#define ICR_DEST(id)	SET_XAPIC_DEST_FIELD(id)

/* SDM figure 10-12, as Linux and kvm-unit-tests write it. */
static const struct lapic_icr_case lapic_icr_cases[] = {
	{ "fixed", ICR_DEST(3), APIC_DM_FIXED | 0x40,
	  { .dest = 3, .vector = 0x40, .delivery = AXVM_APIC_DM_FIXED } },
	{ "lowest priority", ICR_DEST(2), APIC_DM_LOWEST | 0x41,
	  { .dest = 2, .vector = 0x41, .delivery = AXVM_APIC_DM_LOWEST } },
	{ "NMI", ICR_DEST(1), APIC_DM_NMI,
	  { .dest = 1, .delivery = AXVM_APIC_DM_NMI } },
	{ "INIT assert", ICR_DEST(1),
	  APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT,
	  { .dest = 1, .delivery = AXVM_APIC_DM_INIT, .level = true,
	    .assert = true } },
	{ "SIPI", ICR_DEST(1), APIC_DM_STARTUP | 0x9a,
	  { .dest = 1, .vector = 0x9a, .delivery = AXVM_APIC_DM_SIPI } },
	{ "self", 0, APIC_DEST_SELF | 0x42,
	  { .vector = 0x42, .shorthand = AXVM_APIC_SH_SELF } },
	{ "all including self", 0, APIC_DEST_ALLINC | 0x43,
	  { .vector = 0x43, .shorthand = AXVM_APIC_SH_ALL } },
	{ "all excluding self, INIT", 0,
	  APIC_DEST_ALLBUT | APIC_INT_ASSERT | APIC_DM_INIT,
	  { .delivery = AXVM_APIC_DM_INIT, .shorthand = AXVM_APIC_SH_OTHERS,
	    .assert = true } },
	{ "logical", ICR_DEST(0x0f), APIC_DEST_LOGICAL | 0x44,
	  { .dest = 0x0f, .vector = 0x44, .logical = true } },
	{ "physical broadcast", ICR_DEST(0xff), 0x45,
	  { .dest = 0xff, .vector = 0x45 } },
};

LAPIC_PARAMS(lapic_icr, lapic_icr_cases);

static void expect_msg(struct kunit *test, const struct axvm_apic_msg *got,
		       const struct axvm_apic_msg *want)
{
	KUNIT_EXPECT_EQ(test, got->dest, want->dest);
	KUNIT_EXPECT_EQ(test, got->vector, want->vector);
	KUNIT_EXPECT_EQ(test, got->delivery, want->delivery);
	KUNIT_EXPECT_EQ(test, got->shorthand, want->shorthand);
	KUNIT_EXPECT_EQ(test, got->logical, want->logical);
	KUNIT_EXPECT_EQ(test, got->level, want->level);
	KUNIT_EXPECT_EQ(test, got->assert, want->assert);
	KUNIT_EXPECT_EQ(test, got->x2apic, want->x2apic);
	KUNIT_EXPECT_EQ(test, got->src, want->src);
}

/* From an APIC with ID 5, in xAPIC mode. */
static void lapic_icr_xapic(struct kunit *test)
{
	const struct lapic_icr_case *c = test->param_value;
	struct rec_cpu *cpu = rec_add(test, 5, false, 0);
	struct axvm_apic_msg want = c->msg;

	want.src = 5;
	axvm_lapic_mmio_write(cpu->apic, APIC_ICR2, c->icr2);
	KUNIT_EXPECT_EQ(test, cpu->nr_sent, 0U);	/* only ICR low sends */
	axvm_lapic_mmio_write(cpu->apic, APIC_ICR, c->icr);
	KUNIT_ASSERT_EQ(test, cpu->nr_sent, 1U);
	expect_msg(test, &cpu->sent[0], &want);
	/* Delivered at once: delivery status (bit 12) reads 0. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_mmio_read(cpu->apic, APIC_ICR), c->icr);
	KUNIT_EXPECT_EQ(test, axvm_lapic_mmio_read(cpu->apic, APIC_ICR2),
			c->icr2);
}

/* The same from x2APIC mode: one 64-bit MSR, a 32-bit destination. */
static void lapic_icr_x2apic(struct kunit *test)
{
	const struct lapic_icr_case *c = test->param_value;
	struct rec_cpu *cpu = rec_add(test, 5, false, 0);
	struct axvm_apic_msg want = c->msg;
	u64 icr, val = 0;

	/* 0xff is an ID in x2APIC mode; use one past it too. */
	if (want.dest == 0xff)
		want.dest = 0x100;
	icr = (u64)want.dest << 32 | c->icr;
	want.src = 5;
	want.x2apic = true;
	to_x2apic(test, cpu->apic);
	KUNIT_EXPECT_EQ(test, axvm_lapic_wrmsr(cpu->apic, X2(APIC_ICR), icr), 0);
	KUNIT_ASSERT_EQ(test, cpu->nr_sent, 1U);
	expect_msg(test, &cpu->sent[0], &want);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(cpu->apic, X2(APIC_ICR), &val),
			0);
	KUNIT_EXPECT_EQ(test, val, icr);
}

static void lapic_icr_sends_when_sw_disabled(struct kunit *test)
{
	/* SDM 10.4.7.2: a software-disabled APIC can still send IPIs. */
	wr(test, APIC_ICR, APIC_DM_FIXED | 0x40);
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_sent, 1U);
}

static void lapic_x2apic_self_ipi(struct kunit *test)
{
	struct rec_cpu *cpu = rec_add(test, 9, false, 0);
	struct axvm_apic_msg want = {
		.dest = 9,
		.vector = 0x44,
		.delivery = AXVM_APIC_DM_FIXED,
		.shorthand = AXVM_APIC_SH_SELF,
		.x2apic = true,
		.src = 9,
	};
	u64 val = 0;

	to_x2apic(test, cpu->apic);
	/* Through host->send like any IPI, shorthand self. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_wrmsr(cpu->apic, X2(APIC_SELF_IPI),
					       0x44), 0);
	KUNIT_ASSERT_EQ(test, cpu->nr_sent, 1U);
	expect_msg(test, &cpu->sent[0], &want);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(cpu->apic, X2(APIC_SELF_IPI),
					       &val), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_lapic_wrmsr(cpu->apic, X2(APIC_SELF_IPI),
					       0x100), -EINVAL);
	KUNIT_EXPECT_EQ(test, cpu->nr_sent, 1U);
	/* An illegal vector is a send error, not a message. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_wrmsr(cpu->apic, X2(APIC_SELF_IPI), 5),
			0);
	KUNIT_EXPECT_EQ(test, cpu->nr_sent, 1U);
	KUNIT_EXPECT_EQ(test, axvm_lapic_wrmsr(cpu->apic, X2(APIC_ESR), 0), 0);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(cpu->apic, X2(APIC_ESR), &val),
			0);
	KUNIT_EXPECT_EQ(test, val, (u64)APIC_ESR_SENDILL);
}

/* ---- x2APIC MSRs --------------------------------------------------------------- */

static void lapic_x2apic_msrs_need_x2apic(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);
	u64 val;

	/* xAPIC mode: every x2APIC MSR #GPs, and nothing changes. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(apic, X2(APIC_ID), &val),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_lapic_wrmsr(apic, X2(APIC_TASKPRI), 0x20),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_lapic_wrmsr(apic, X2(APIC_ICR), 0x40),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TASKPRI), 0U);
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_sent, 0U);
	/* Outside 0x800-0x8ff, never. */
	to_x2apic(test, apic);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(apic, 0x7ff, &val), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(apic, 0x900, &val), -EINVAL);
}

struct lapic_msr_case {
	const char *desc;
	u32 msr;
	bool write;
	u64 val;
	int ret;
};

/* SDM table 10-6, in x2APIC mode. */
static const struct lapic_msr_case lapic_msr_cases[] = {
	{ "read ID", X2(APIC_ID), false, 0, 0 },
	{ "write ID", X2(APIC_ID), true, 1, -EINVAL },
	{ "write version", X2(APIC_LVR), true, 0, -EINVAL },
	{ "write TPR", X2(APIC_TASKPRI), true, 0x20, 0 },
	{ "TPR bits 63:32", X2(APIC_TASKPRI), true, BIT_ULL(32), -EINVAL },
	{ "read APR", X2(APIC_ARBPRI), false, 0, -EINVAL },
	{ "write PPR", X2(APIC_PROCPRI), true, 0, -EINVAL },
	{ "read EOI", X2(APIC_EOI), false, 0, -EINVAL },
	{ "write EOI 0", X2(APIC_EOI), true, 0, 0 },
	{ "write EOI non-zero", X2(APIC_EOI), true, 1, -EINVAL },
	{ "read RRD", X2(APIC_RRR), false, 0, -EINVAL },
	{ "write LDR", X2(APIC_LDR), true, 0, -EINVAL },
	{ "read DFR", X2(APIC_DFR), false, 0, -EINVAL },
	{ "write DFR", X2(APIC_DFR), true, 0, -EINVAL },
	{ "read ISR7", X2(APIC_ISR + 0x70), false, 0, 0 },
	{ "write IRR0", X2(APIC_IRR), true, 0, -EINVAL },
	{ "write ESR 0", X2(APIC_ESR), true, 0, 0 },
	{ "write ESR non-zero", X2(APIC_ESR), true, 1, -EINVAL },
	{ "read CMCI", X2(APIC_LVTCMCI), false, 0, -EINVAL },
	{ "read ICR2", X2(APIC_ICR2), false, 0, -EINVAL },
	{ "write ICR2", X2(APIC_ICR2), true, 0, -EINVAL },
	{ "read LVT error", X2(APIC_LVTERR), false, 0, 0 },
	{ "read current count", X2(APIC_TMCCT), false, 0, 0 },
	{ "write current count", X2(APIC_TMCCT), true, 0, -EINVAL },
	{ "read 0x801 reserved", 0x801, false, 0, -EINVAL },
	{ "write 0x83a reserved", 0x83a, true, 0, -EINVAL },
	{ "read 0x8ff", 0x8ff, false, 0, -EINVAL },
};

LAPIC_PARAMS(lapic_msr, lapic_msr_cases);

static void lapic_x2apic_msr_access(struct kunit *test)
{
	const struct lapic_msr_case *c = test->param_value;
	struct axvm_lapic *apic = apic0(test);
	u64 val;

	to_x2apic(test, apic);
	if (c->write)
		KUNIT_EXPECT_EQ(test, axvm_lapic_wrmsr(apic, c->msr, c->val),
				c->ret);
	else
		KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(apic, c->msr, &val),
				c->ret);
}

static void lapic_x2apic_registers_work(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);

	to_x2apic(test, apic);
	KUNIT_ASSERT_EQ(test, axvm_lapic_wrmsr(apic, X2(APIC_SPIV), SVR_ON), 0);
	KUNIT_ASSERT_EQ(test, axvm_lapic_wrmsr(apic, X2(APIC_TASKPRI), 0x30), 0);
	KUNIT_EXPECT_EQ(test, axvm_lapic_get_cr8(apic), 3);
	deliver(test, AXVM_APIC_DM_FIXED, 0x45, true);
	take(test, 0x45);
	KUNIT_EXPECT_EQ(test, msr(test, X2(APIC_ISR + 0x20)), (u64)BIT(5));
	KUNIT_EXPECT_EQ(test, msr(test, X2(APIC_TMR + 0x20)), (u64)BIT(5));
	KUNIT_EXPECT_EQ(test, msr(test, X2(APIC_PROCPRI)), 0x40ULL);
	KUNIT_ASSERT_EQ(test, axvm_lapic_wrmsr(apic, X2(APIC_EOI), 0), 0);
	KUNIT_EXPECT_EQ(test, msr(test, X2(APIC_ISR + 0x20)), 0ULL);
	KUNIT_ASSERT_EQ(test, cpu0(test)->nr_eoi, 1U);
	KUNIT_EXPECT_EQ(test, cpu0(test)->eoi[0], 0x45);
}

/* ---- destinations ---------------------------------------------------------------- */

enum dest_mode { DM_XAPIC_FLAT, DM_XAPIC_CLUSTER, DM_X2APIC };

struct lapic_dest_case {
	const char *desc;
	u32 id;
	enum dest_mode mode;
	u8 ldr;			/* xAPIC logical ID (LDR bits 31:24) */
	struct axvm_apic_msg msg;
	bool match;
};

#define PHYS(d)		{ .dest = (d) }
#define PHYS_X2(d)	{ .dest = (d), .x2apic = true }
#define LOG(d)		{ .dest = (d), .logical = true }
#define LOG_X2(d)	{ .dest = (d), .logical = true, .x2apic = true }
/* The shorthand rules: @d is what the ignored destination field says. */
#define SH(sh, s, d)	{ .dest = (d), .shorthand = AXVM_APIC_SH_##sh, \
			  .src = (s) }

/* SDM 10.6.2 (xAPIC) and 10.12.10 (x2APIC). */
static const struct lapic_dest_case lapic_dest_cases[] = {
	{ "physical, mine", 3, DM_XAPIC_FLAT, 0, PHYS(3), true },
	{ "physical, another", 3, DM_XAPIC_FLAT, 0, PHYS(4), false },
	{ "physical broadcast", 3, DM_XAPIC_FLAT, 0, PHYS(0xff), true },
	{ "x2APIC physical, mine", 0x123, DM_X2APIC, 0, PHYS_X2(0x123), true },
	{ "x2APIC physical, low byte only", 0x123, DM_X2APIC, 0,
	  PHYS_X2(0x23), false },
	{ "x2APIC broadcast", 0x123, DM_X2APIC, 0, PHYS_X2(0xffffffff), true },
	{ "x2APIC 0xff is ID 255", 3, DM_X2APIC, 0, PHYS_X2(0xff), false },
	{ "IOAPIC 0xff to an x2APIC", 0x123, DM_X2APIC, 0, PHYS(0xff), true },
	{ "flat, one of my bits", 3, DM_XAPIC_FLAT, 0x04, LOG(0x06), true },
	{ "flat, not my bits", 3, DM_XAPIC_FLAT, 0x04, LOG(0x09), false },
	{ "flat broadcast", 3, DM_XAPIC_FLAT, 0x04, LOG(0xff), true },
	{ "flat, LDR 0 matches nothing", 3, DM_XAPIC_FLAT, 0, LOG(0x7f),
	  false },
	{ "cluster, mine", 3, DM_XAPIC_CLUSTER, 0x21, LOG(0x23), true },
	{ "cluster, other member", 3, DM_XAPIC_CLUSTER, 0x21, LOG(0x22),
	  false },
	{ "cluster, other cluster", 3, DM_XAPIC_CLUSTER, 0x21, LOG(0x31),
	  false },
	{ "x2APIC cluster, mine", 0x25, DM_X2APIC, 0, LOG_X2(0x20020), true },
	{ "x2APIC cluster, two bits", 0x25, DM_X2APIC, 0, LOG_X2(0x20060),
	  true },
	{ "x2APIC cluster, other member", 0x25, DM_X2APIC, 0,
	  LOG_X2(0x20010), false },
	{ "x2APIC cluster, other cluster", 0x25, DM_X2APIC, 0,
	  LOG_X2(0x10020), false },
	{ "self, from me", 3, DM_XAPIC_FLAT, 0, SH(SELF, 3, 9), true },
	{ "self, from another", 3, DM_XAPIC_FLAT, 0, SH(SELF, 7, 3), false },
	{ "all including self", 3, DM_XAPIC_FLAT, 0, SH(ALL, 3, 9), true },
	{ "all excluding self, from me", 3, DM_XAPIC_FLAT, 0,
	  SH(OTHERS, 3, 3), false },
	{ "all excluding self, from another", 3, DM_XAPIC_FLAT, 0,
	  SH(OTHERS, 7, 9), true },
};

LAPIC_PARAMS(lapic_dest, lapic_dest_cases);

static void lapic_match_dest(struct kunit *test)
{
	const struct lapic_dest_case *c = test->param_value;
	struct axvm_lapic *apic = rec_add(test, c->id, false, 0)->apic;

	if (c->mode == DM_X2APIC) {
		to_x2apic(test, apic);
	} else {
		axvm_lapic_mmio_write(apic, APIC_LDR,
				      SET_APIC_LOGICAL_ID(c->ldr));
		axvm_lapic_mmio_write(apic, APIC_DFR,
				      c->mode == DM_XAPIC_FLAT ?
				      APIC_DFR_FLAT : APIC_DFR_CLUSTER);
	}
	KUNIT_EXPECT_EQ(test, axvm_lapic_match_dest(apic, &c->msg), c->match);
}

/* ---- events and the PIC ---------------------------------------------------------- */

static void lapic_init_then_sipi(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);
	u8 vec = 0;

	deliver(test, AXVM_APIC_DM_INIT, 0, true);
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_kicks, 1U);
	KUNIT_EXPECT_EQ(test, axvm_lapic_take_events(apic, &vec),
			AXVM_LAPIC_EV_INIT);
	KUNIT_EXPECT_EQ(test, vec, 0);	/* untouched without a SIPI */
	deliver(test, AXVM_APIC_DM_SIPI, 0x9a, false);
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_kicks, 2U);
	KUNIT_EXPECT_EQ(test, axvm_lapic_take_events(apic, &vec),
			AXVM_LAPIC_EV_SIPI);
	KUNIT_EXPECT_EQ(test, vec, 0x9a);
	/* Taken means cleared. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_take_events(apic, &vec), 0U);
	/* Both at once: the caller sees both, and handles INIT first. */
	deliver(test, AXVM_APIC_DM_INIT, 0, true);
	deliver(test, AXVM_APIC_DM_SIPI, 0x10, false);
	KUNIT_EXPECT_EQ(test, axvm_lapic_take_events(apic, &vec),
			AXVM_LAPIC_EV_INIT | AXVM_LAPIC_EV_SIPI);
	KUNIT_EXPECT_EQ(test, vec, 0x10);
}

static void lapic_init_deassert_ignored(struct kunit *test)
{
	struct axvm_apic_msg deassert = {
		.delivery = AXVM_APIC_DM_INIT,
		.level = true,
		.assert = false,
	};

	axvm_lapic_accept(apic0(test), &deassert);
	KUNIT_EXPECT_EQ(test, axvm_lapic_take_events(apic0(test), NULL), 0U);
	KUNIT_EXPECT_EQ(test, cpu0(test)->nr_kicks, 0U);
}

static void lapic_nmi_event(struct kunit *test)
{
	deliver(test, AXVM_APIC_DM_NMI, 0, false);
	deliver(test, AXVM_APIC_DM_NMI, 0, false);
	/* NMIs do not queue in the APIC: one pending. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_take_events(apic0(test), NULL),
			AXVM_LAPIC_EV_NMI);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(apic0(test)), -1);
}

static void lapic_lint0_extint(struct kunit *test)
{
	struct axvm_lapic *apic = apic0(test);

	KUNIT_EXPECT_FALSE(test, axvm_lapic_lint0_extint(apic));
	wr(test, APIC_SPIV, SVR_ON);
	wr(test, APIC_LVT0, SET_APIC_DELIVERY_MODE(0, APIC_MODE_EXTINT));
	KUNIT_EXPECT_TRUE(test, axvm_lapic_lint0_extint(apic));
	wr(test, APIC_LVT0, APIC_LVT_MASKED |
	   SET_APIC_DELIVERY_MODE(0, APIC_MODE_EXTINT));
	KUNIT_EXPECT_FALSE(test, axvm_lapic_lint0_extint(apic));
	wr(test, APIC_LVT0, SET_APIC_DELIVERY_MODE(0x30, APIC_MODE_FIXED));
	KUNIT_EXPECT_FALSE(test, axvm_lapic_lint0_extint(apic));
	/* Hardware-disabled: LINT0 is the INTR pin itself (SDM 10.4.3). */
	KUNIT_ASSERT_EQ(test, axvm_lapic_set_base(apic, OFF_BASE), 0);
	KUNIT_EXPECT_TRUE(test, axvm_lapic_lint0_extint(apic));
}

/* ---- several APICs on a bus ------------------------------------------------------- */

static void lapic_bus_ipis(struct kunit *test)
{
	struct lapic_rec *r = test->priv;
	struct rec_cpu *bsp = cpu0(test), *ap1, *ap2;
	u8 vec = 0;

	ap1 = rec_add(test, 1, false, 0);
	ap2 = rec_add(test, 2, false, 0);
	r->bus = true;
	wr(test, APIC_SPIV, SVR_ON);
	axvm_lapic_mmio_write(ap1->apic, APIC_SPIV, SVR_ON);

	/* INIT, then SIPI, to all but the sender. */
	wr(test, APIC_ICR, APIC_DEST_ALLBUT | APIC_INT_LEVELTRIG |
	   APIC_INT_ASSERT | APIC_DM_INIT);
	wr(test, APIC_ICR, APIC_DEST_ALLBUT | APIC_DM_STARTUP | 0x9a);
	KUNIT_EXPECT_EQ(test, axvm_lapic_take_events(bsp->apic, NULL), 0U);
	KUNIT_EXPECT_EQ(test, axvm_lapic_take_events(ap2->apic, &vec),
			AXVM_LAPIC_EV_INIT | AXVM_LAPIC_EV_SIPI);
	KUNIT_EXPECT_EQ(test, vec, 0x9a);

	/* A fixed IPI to AP 1 only. */
	axvm_lapic_mmio_write(ap2->apic, APIC_SPIV, SVR_ON);
	wr(test, APIC_ICR2, SET_XAPIC_DEST_FIELD(1));
	wr(test, APIC_ICR, APIC_DM_FIXED | 0x50);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(ap1->apic), 0x50);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(ap2->apic), -1);
	KUNIT_EXPECT_EQ(test, ap1->nr_kicks, 3U);	/* INIT, SIPI, fixed */
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(bsp->apic), -1);

	/* A self IPI comes back to the sender only. */
	wr(test, APIC_ICR, APIC_DEST_SELF | 0x60);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(bsp->apic), 0x60);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(ap1->apic), 0x50);

	/* So does an x2APIC SELF_IPI write. */
	axvm_lapic_ack(bsp->apic, 0x60);
	wr(test, APIC_EOI, 0);
	to_x2apic(test, bsp->apic);
	KUNIT_EXPECT_EQ(test, axvm_lapic_wrmsr(bsp->apic, X2(APIC_SELF_IPI),
					       0x70), 0);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(bsp->apic), 0x70);
	KUNIT_EXPECT_EQ(test, axvm_lapic_pending_vector(ap1->apic), 0x50);
}

static struct kunit_case lapic_cases[] = {
	KUNIT_CASE(lapic_power_on_base),
	KUNIT_CASE_PARAM(lapic_power_on, lapic_power_on_gen_params),
	KUNIT_CASE(lapic_id_encodings),
	KUNIT_CASE(lapic_x2apic_full_id),
	KUNIT_CASE_PARAM(lapic_base_transitions, lapic_base_gen_params),
	KUNIT_CASE(lapic_base_relocation_moves_mmio),
	KUNIT_CASE(lapic_disable_resets_registers),
	KUNIT_CASE(lapic_disabled_takes_nothing),
	KUNIT_CASE(lapic_init_keeps_base_and_id),
	KUNIT_CASE(lapic_reset_events),
	KUNIT_CASE_PARAM(lapic_register_writes, lapic_write_gen_params),
	KUNIT_CASE(lapic_sw_disable_masks_lvts),
	KUNIT_CASE(lapic_sw_disable_ignores_fixed),
	KUNIT_CASE(lapic_highest_first),
	KUNIT_CASE(lapic_isr_blocks_same_class),
	KUNIT_CASE(lapic_tpr_blocks_class),
	KUNIT_CASE_PARAM(lapic_ppr, lapic_ppr_gen_params),
	KUNIT_CASE(lapic_eoi_level),
	KUNIT_CASE(lapic_cr8_is_tpr),
	KUNIT_CASE(lapic_illegal_vector_received),
	KUNIT_CASE(lapic_illegal_vector_sent),
	KUNIT_CASE(lapic_esr_latch),
	KUNIT_CASE(lapic_error_interrupt),
	KUNIT_CASE_PARAM(lapic_icr_xapic, lapic_icr_gen_params),
	KUNIT_CASE_PARAM(lapic_icr_x2apic, lapic_icr_gen_params),
	KUNIT_CASE(lapic_icr_sends_when_sw_disabled),
	KUNIT_CASE(lapic_x2apic_self_ipi),
	KUNIT_CASE(lapic_x2apic_msrs_need_x2apic),
	KUNIT_CASE_PARAM(lapic_x2apic_msr_access, lapic_msr_gen_params),
	KUNIT_CASE(lapic_x2apic_registers_work),
	KUNIT_CASE_PARAM(lapic_match_dest, lapic_dest_gen_params),
	KUNIT_CASE(lapic_init_then_sipi),
	KUNIT_CASE(lapic_init_deassert_ignored),
	KUNIT_CASE(lapic_nmi_event),
	KUNIT_CASE(lapic_lint0_extint),
	KUNIT_CASE(lapic_bus_ipis),
	{}
};

static struct kunit_suite axvm_lapic_suite = {
	.name = "axvm_lapic",
	.init = lapic_test_init,
	.exit = lapic_test_exit,
	.test_cases = lapic_cases,
};

kunit_test_suite(axvm_lapic_suite);
