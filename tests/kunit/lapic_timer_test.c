// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_lapic's timer (SDM vol. 3 10.5.4) on the fake HAL's clock: the
 * one-shot, periodic and TSC-deadline modes, the divider, the current
 * count, and what stops the timer. The bus clock is 1 GHz (lapic.h, as
 * KVM's), so a count of n at divide-by-d lasts n * d ns: the expected
 * times below are spelled out from that, not taken from the model.
 */
#include <kunit/test.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include "devices/lapic.h"
#include "fake_hal.h"

#define VEC		0x40
#define SVR_ON		(APIC_SPIV_APIC_ENABLED | 0xff)
#define PERIODIC	APIC_LVT_TIMER_PERIODIC		/* mode 1, bit 17 */
#define TSC_DEADLINE	APIC_LVT_TIMER_TSCDEADLINE	/* mode 2, bit 18 */
#define DIV_BY_1	APIC_TDR_DIV_1			/* 0b1011 */
#define FLOOR_NS	200000ULL			/* KVM's periodic floor */

struct timer_ctx {
	struct axvm_fake_hal *fh;
	struct axvm_lapic *apic;
	struct axvm_lapic_host host;
	unsigned int kicks;
};

static void timer_kick(void *ctx)
{
	struct timer_ctx *t = ctx;

	t->kicks++;
}

static int timer_test_init(struct kunit *test)
{
	struct timer_ctx *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	test->priv = t;
	t->fh = axvm_fake_hal_new(test);
	t->host.kick = timer_kick;
	t->host.ctx = t;
	t->host.hal = &t->fh->ops;
	t->apic = axvm_lapic_create(0, true, &t->host);
	if (!t->apic)
		return -ENOMEM;
	axvm_lapic_mmio_write(t->apic, APIC_SPIV, SVR_ON);
	return 0;
}

static void timer_test_exit(struct kunit *test)
{
	struct timer_ctx *t = test->priv;

	if (!t || !t->apic)
		return;
	axvm_lapic_destroy(t->apic);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(t->fh), 0U);
}

static struct timer_ctx *ctx(struct kunit *test)
{
	return test->priv;
}

static void wr(struct kunit *test, u32 reg, u32 val)
{
	axvm_lapic_mmio_write(ctx(test)->apic, reg, val);
}

static u32 rd(struct kunit *test, u32 reg)
{
	return axvm_lapic_mmio_read(ctx(test)->apic, reg);
}

static void advance(struct kunit *test, u64 ns)
{
	axvm_fake_hal_advance_time(ctx(test)->fh, ns);
}

static int pending(struct kunit *test)
{
	return axvm_lapic_pending_vector(ctx(test)->apic);
}

/* The guest takes the interrupt and EOIs it. */
static void take(struct kunit *test)
{
	axvm_lapic_ack(ctx(test)->apic, VEC);
	wr(test, APIC_EOI, 0);
}

static void timer_oneshot(struct kunit *test)
{
	wr(test, APIC_LVTT, VEC);
	wr(test, APIC_TDCR, APIC_TDR_DIV_2);
	wr(test, APIC_TMICT, 1000);		/* 1000 counts of 2 ns */
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMICT), 1000U);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMCCT), 1000U);
	advance(test, 1000);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMCCT), 500U);
	advance(test, 999);
	KUNIT_EXPECT_EQ(test, pending(test), -1);
	KUNIT_EXPECT_EQ(test, ctx(test)->kicks, 0U);
	advance(test, 1);
	KUNIT_EXPECT_EQ(test, pending(test), VEC);
	KUNIT_EXPECT_EQ(test, ctx(test)->kicks, 1U);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMCCT), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMICT), 1000U);
	/* Once only. */
	take(test);
	advance(test, 1000000);
	KUNIT_EXPECT_EQ(test, pending(test), -1);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(ctx(test)->fh), 0U);
}

/* Each divide configuration (SDM figure 10-10) against its duration. */
static const struct {
	u32 dcr;
	u32 divide;
} timer_divides[] = {
	{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
	{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
};

static void timer_divide(struct kunit *test)
{
	unsigned int i;

	wr(test, APIC_LVTT, VEC);
	for (i = 0; i < ARRAY_SIZE(timer_divides); i++) {
		wr(test, APIC_TDCR, timer_divides[i].dcr);
		wr(test, APIC_TMICT, 100);
		advance(test, 100ULL * timer_divides[i].divide - 1);
		KUNIT_EXPECT_EQ_MSG(test, pending(test), -1, "dcr %#x",
				    timer_divides[i].dcr);
		advance(test, 1);
		KUNIT_EXPECT_EQ_MSG(test, pending(test), VEC, "dcr %#x",
				    timer_divides[i].dcr);
		take(test);
	}
}

static void timer_periodic(struct kunit *test)
{
	const u64 period = 300000;		/* 300 us, above the floor */
	unsigned int i;

	wr(test, APIC_LVTT, VEC | PERIODIC);
	wr(test, APIC_TDCR, DIV_BY_1);
	wr(test, APIC_TMICT, period);
	for (i = 0; i < 10; i++) {
		advance(test, period - 1);
		KUNIT_EXPECT_EQ_MSG(test, pending(test), -1, "period %u", i);
		/* Halfway through the next period's count at 1 ns left. */
		KUNIT_EXPECT_EQ(test, rd(test, APIC_TMCCT), 1U);
		advance(test, 1);
		KUNIT_EXPECT_EQ_MSG(test, pending(test), VEC, "period %u", i);
		KUNIT_EXPECT_EQ(test, rd(test, APIC_TMCCT), (u32)period);
		take(test);
	}
	KUNIT_EXPECT_EQ(test, ctx(test)->kicks, 10U);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(ctx(test)->fh), 1U);
}

/* Periods the host missed merge into one interrupt; the phase is kept. */
static void timer_periodic_coalesces(struct kunit *test)
{
	const u64 period = 1000000;

	wr(test, APIC_LVTT, VEC | PERIODIC);
	wr(test, APIC_TDCR, DIV_BY_1);
	wr(test, APIC_TMICT, period);
	/* The fake clock jumps: one callback sees ten periods gone. */
	axvm_fake_hal_set_time(ctx(test)->fh, 10 * period + 100);
	advance(test, 0);
	KUNIT_EXPECT_EQ(test, pending(test), VEC);
	KUNIT_EXPECT_EQ(test, ctx(test)->kicks, 1U);
	take(test);
	/* The next deadline is 11 periods after the start, not 10 + 100 ns. */
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMCCT), (u32)(period - 100));
	advance(test, period - 101);
	KUNIT_EXPECT_EQ(test, pending(test), -1);
	advance(test, 1);
	KUNIT_EXPECT_EQ(test, pending(test), VEC);
}

/* A guest cannot ask for a periodic interrupt more often than the floor. */
static void timer_periodic_floor(struct kunit *test)
{
	wr(test, APIC_LVTT, VEC | PERIODIC);
	wr(test, APIC_TDCR, DIV_BY_1);
	wr(test, APIC_TMICT, 10);
	advance(test, FLOOR_NS - 1);
	KUNIT_EXPECT_EQ(test, pending(test), -1);
	advance(test, 1);
	KUNIT_EXPECT_EQ(test, pending(test), VEC);
	/* A one-shot of the same count is not held back. */
	take(test);
	wr(test, APIC_LVTT, VEC);
	wr(test, APIC_TMICT, 10);
	advance(test, 10);
	KUNIT_EXPECT_EQ(test, pending(test), VEC);
}

/* Masked: the count runs down, nothing is raised (SDM 10.5.1). */
static void timer_masked_counts(struct kunit *test)
{
	wr(test, APIC_LVTT, VEC | APIC_LVT_MASKED);
	wr(test, APIC_TDCR, DIV_BY_1);
	wr(test, APIC_TMICT, 5000);
	advance(test, 2000);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMCCT), 3000U);
	advance(test, 3000);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMCCT), 0U);
	KUNIT_EXPECT_EQ(test, pending(test), -1);
	KUNIT_EXPECT_EQ(test, ctx(test)->kicks, 0U);
}

/* A count of 0 stops the timer; so do a reset and a global disable. */
static void timer_stops(struct kunit *test)
{
	struct axvm_fake_hal *fh = ctx(test)->fh;

	wr(test, APIC_LVTT, VEC);
	wr(test, APIC_TMICT, 1000);
	wr(test, APIC_TMICT, 0);
	advance(test, 1000000);
	KUNIT_EXPECT_EQ(test, pending(test), -1);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 0U);

	wr(test, APIC_TMICT, 1000);
	axvm_lapic_reset(ctx(test)->apic, true);	/* INIT */
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMICT), 0U);

	wr(test, APIC_SPIV, SVR_ON);
	wr(test, APIC_LVTT, VEC);
	wr(test, APIC_TMICT, 1000);
	KUNIT_EXPECT_EQ(test, axvm_lapic_set_base(ctx(test)->apic,
						  APIC_DEFAULT_PHYS_BASE |
						  MSR_IA32_APICBASE_BSP), 0);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 0U);
	advance(test, 1000000);
	KUNIT_EXPECT_EQ(test, ctx(test)->kicks, 0U);
}

static void timer_tsc_deadline(struct kunit *test)
{
	struct axvm_lapic *apic = ctx(test)->apic;

	/* Outside TSC-deadline mode the MSR reads 0 and writes do nothing. */
	axvm_lapic_set_tsc_deadline(apic, 1234, 5000);
	KUNIT_EXPECT_EQ(test, axvm_lapic_get_tsc_deadline(apic), 0ULL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(ctx(test)->fh), 0U);

	wr(test, APIC_LVTT, VEC | TSC_DEADLINE);
	/* The initial count is ignored in this mode. */
	wr(test, APIC_TMICT, 1000);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMICT), 0U);
	axvm_lapic_set_tsc_deadline(apic, 1234, 5000);
	KUNIT_EXPECT_EQ(test, axvm_lapic_get_tsc_deadline(apic), 1234ULL);
	advance(test, 4999);
	KUNIT_EXPECT_EQ(test, pending(test), -1);
	advance(test, 1);
	KUNIT_EXPECT_EQ(test, pending(test), VEC);
	/* Fired: the MSR reads 0 and nothing is armed. */
	KUNIT_EXPECT_EQ(test, axvm_lapic_get_tsc_deadline(apic), 0ULL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(ctx(test)->fh), 0U);
	take(test);

	/* Writing 0 disarms. */
	axvm_lapic_set_tsc_deadline(apic, 99, 100000);
	axvm_lapic_set_tsc_deadline(apic, 0, 0);
	advance(test, 200000);
	KUNIT_EXPECT_EQ(test, pending(test), -1);
}

/* A deadline already passed interrupts before the write returns. */
static void timer_tsc_deadline_immediate(struct kunit *test)
{
	struct axvm_lapic *apic = ctx(test)->apic;

	advance(test, 10000);
	wr(test, APIC_LVTT, VEC | TSC_DEADLINE);
	axvm_lapic_set_tsc_deadline(apic, 7, 10000);
	KUNIT_EXPECT_EQ(test, pending(test), VEC);
	KUNIT_EXPECT_EQ(test, ctx(test)->kicks, 1U);
	KUNIT_EXPECT_EQ(test, axvm_lapic_get_tsc_deadline(apic), 0ULL);
}

/*
 * Into or out of TSC-deadline mode disarms and clears the counts (SDM
 * 10.5.4.1); between one-shot and periodic the count runs on.
 */
static void timer_mode_switch(struct kunit *test)
{
	struct axvm_lapic *apic = ctx(test)->apic;

	wr(test, APIC_TDCR, DIV_BY_1);
	wr(test, APIC_LVTT, VEC);
	wr(test, APIC_TMICT, 1000);
	wr(test, APIC_LVTT, VEC | PERIODIC);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMICT), 1000U);
	advance(test, 500);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMCCT), 500U);

	wr(test, APIC_LVTT, VEC | TSC_DEADLINE);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMICT), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, APIC_TMCCT), 0U);
	axvm_lapic_set_tsc_deadline(apic, 50, 100000);
	wr(test, APIC_LVTT, VEC);
	KUNIT_EXPECT_EQ(test, axvm_lapic_get_tsc_deadline(apic), 0ULL);
	advance(test, 1000000);
	KUNIT_EXPECT_EQ(test, pending(test), -1);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(ctx(test)->fh), 0U);
}

/* The timer registers as x2APIC MSRs (0x838 initial, 0x839 current). */
static void timer_x2apic(struct kunit *test)
{
	struct axvm_lapic *apic = ctx(test)->apic;
	u64 val = 0;

	KUNIT_ASSERT_EQ(test, axvm_lapic_set_base(apic, APIC_DEFAULT_PHYS_BASE |
					MSR_IA32_APICBASE_ENABLE |
					X2APIC_ENABLE), 0);
	KUNIT_EXPECT_EQ(test, axvm_lapic_wrmsr(apic, 0x83e, DIV_BY_1), 0);
	KUNIT_EXPECT_EQ(test, axvm_lapic_wrmsr(apic, 0x832, VEC), 0);
	KUNIT_EXPECT_EQ(test, axvm_lapic_wrmsr(apic, 0x838, 4000), 0);
	advance(test, 1000);
	KUNIT_EXPECT_EQ(test, axvm_lapic_rdmsr(apic, 0x839, &val), 0);
	KUNIT_EXPECT_EQ(test, val, 3000ULL);
	advance(test, 3000);
	KUNIT_EXPECT_EQ(test, pending(test), VEC);
}

/* No timer, no APIC: creation fails cleanly when timer_init does. */
static void timer_init_fails(struct kunit *test)
{
	struct timer_ctx *t = ctx(test);

	axvm_fake_hal_fail_all_allocs(t->fh, true);
	KUNIT_EXPECT_NULL(test, axvm_lapic_create(1, false, &t->host));
	axvm_fake_hal_fail_all_allocs(t->fh, false);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(t->fh), 1U);
}

static struct kunit_case lapic_timer_cases[] = {
	KUNIT_CASE(timer_oneshot),
	KUNIT_CASE(timer_divide),
	KUNIT_CASE(timer_periodic),
	KUNIT_CASE(timer_periodic_coalesces),
	KUNIT_CASE(timer_periodic_floor),
	KUNIT_CASE(timer_masked_counts),
	KUNIT_CASE(timer_stops),
	KUNIT_CASE(timer_tsc_deadline),
	KUNIT_CASE(timer_tsc_deadline_immediate),
	KUNIT_CASE(timer_mode_switch),
	KUNIT_CASE(timer_x2apic),
	KUNIT_CASE(timer_init_fails),
	{}
};

static struct kunit_suite axvm_lapic_timer_suite = {
	.name = "axvm_lapic_timer",
	.init = timer_test_init,
	.exit = timer_test_exit,
	.test_cases = lapic_timer_cases,
};

kunit_test_suite(axvm_lapic_timer_suite);
