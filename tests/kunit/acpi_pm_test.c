// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_acpi_pm: the ACPI fixed hardware through its ports as ACPICA
 * reaches it, on the fake HAL's clock, with a host that records the SCI,
 * the power-off and the reset. Expected values come from the ACPI
 * specification (4.8, fixed hardware registers) and QEMU's PIIX4 layout,
 * spelled out below rather than taken from acpi_pm.h.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/math64.h>
#include "devices/acpi_pm.h"
#include "fake_hal.h"

#define TMR_CLOCK	3579545ULL	/* the PM timer, Hz */

#define PM1_STS		0x600
#define PM1_EN		0x602
#define PM1_CNT		0x604
#define PM_TMR		0x608
#define RST_CNT		0xcf9

/* PM1_STS and PM1_EN bits. */
#define TMR		0x0001
#define PWRBTN		0x0100
#define WAK		0x8000
/* PM1_CNT. */
#define SCI_EN		0x0001
#define SLP_TYP(t)	((t) << 10)
#define SLP_EN		0x2000

struct pm_rec {
	struct axvm_fake_hal *fh;
	struct axvm_acpi_pm *pm;
	bool sci;
	unsigned int sci_calls;
	unsigned int sleeps;
	u8 slp_typ;
	unsigned int resets;
};

static void rec_set_irq(void *ctx, bool level)
{
	struct pm_rec *r = ctx;

	r->sci = level;
	r->sci_calls++;
}

static void rec_sleep(void *ctx, u8 slp_typ)
{
	struct pm_rec *r = ctx;

	r->sleeps++;
	r->slp_typ = slp_typ;
}

static void rec_reset(void *ctx)
{
	struct pm_rec *r = ctx;

	r->resets++;
}

static int pm_test_init(struct kunit *test)
{
	struct pm_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct axvm_acpi_pm_host host = {
		.set_irq = rec_set_irq,
		.sleep = rec_sleep,
		.reset = rec_reset,
	};

	if (!r)
		return -ENOMEM;
	r->fh = axvm_fake_hal_new(test);
	host.ctx = r;
	host.hal = &r->fh->ops;
	r->pm = axvm_acpi_pm_create(&host);
	if (IS_ERR(r->pm))
		return PTR_ERR(r->pm);
	test->priv = r;
	return 0;
}

static void pm_test_exit(struct kunit *test)
{
	struct pm_rec *r = test->priv;

	if (r)		/* exit runs even when init failed */
		axvm_acpi_pm_destroy(r->pm);
}

static struct pm_rec *rec(struct kunit *test)
{
	return test->priv;
}

static u32 rd(struct kunit *test, u16 port, u8 width)
{
	return axvm_acpi_pm_read(rec(test)->pm, port, width);
}

static void wr(struct kunit *test, u16 port, u8 width, u32 val)
{
	axvm_acpi_pm_write(rec(test)->pm, port, width, val);
}

/* The first nanosecond at which the PM timer has counted @ticks. */
static u64 t2ns(u64 ticks)
{
	return div64_u64(ticks * NSEC_PER_SEC + TMR_CLOCK - 1, TMR_CLOCK);
}

static void pm_ports(struct kunit *test)
{
	unsigned int p;

	for (p = 0x600; p <= 0x60b; p++)
		KUNIT_EXPECT_TRUE_MSG(test, axvm_acpi_pm_port(p), "%#x", p);
	KUNIT_EXPECT_TRUE(test, axvm_acpi_pm_port(0xcf9));
	KUNIT_EXPECT_FALSE(test, axvm_acpi_pm_port(0x5ff));
	KUNIT_EXPECT_FALSE(test, axvm_acpi_pm_port(0x60c));
	KUNIT_EXPECT_FALSE(test, axvm_acpi_pm_port(0xcf8));
	KUNIT_EXPECT_FALSE(test, axvm_acpi_pm_port(0xcfa));
}

static void pm_power_on(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2), 0u);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_EN, 2), 0u);
	/* ACPI mode from reset: SCI_EN is 1. */
	KUNIT_EXPECT_EQ(test, rd(test, PM1_CNT, 2), (u32)SCI_EN);
	KUNIT_EXPECT_EQ(test, rd(test, RST_CNT, 1), 0u);
	KUNIT_EXPECT_EQ(test, rec(test)->sci_calls, 0u);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(rec(test)->fh), 0u);
}

/* ---- the PM timer --------------------------------------------------------- */

static void pm_timer_rate(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;

	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR, 4), 0u);
	axvm_fake_hal_set_time(fh, 1000000);		/* 1 ms */
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR, 4), 3579u);
	axvm_fake_hal_set_time(fh, NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR, 4), 3579545u);
	axvm_fake_hal_set_time(fh, 3 * NSEC_PER_SEC + 500000000);
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR, 4), 12528407u);	/* 3.5 s */
	/* Read-only. */
	wr(test, PM_TMR, 4, 0);
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR, 4), 12528407u);
}

static void pm_timer_wraps_at_32_bits(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;

	/* 2^32 ticks take 1199.86 s. */
	axvm_fake_hal_set_time(fh, t2ns(0xffffffffULL));
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR, 4), 0xffffffffu);
	axvm_fake_hal_set_time(fh, t2ns(0x100000000ULL));
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR, 4), 0u);
	/* 1200 s: 4295454000 ticks, 486704 past the wrap. */
	axvm_fake_hal_set_time(fh, 1200 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR, 4), 486704u);
}

static void pm_timer_counts_from_create(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;
	struct axvm_acpi_pm_host host = {
		.set_irq = rec_set_irq, .sleep = rec_sleep,
		.reset = rec_reset, .ctx = rec(test), .hal = &fh->ops,
	};
	struct axvm_acpi_pm *pm;

	axvm_fake_hal_set_time(fh, 5 * NSEC_PER_SEC);
	pm = axvm_acpi_pm_create(&host);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pm));
	KUNIT_EXPECT_EQ(test, axvm_acpi_pm_read(pm, PM_TMR, 4), 0u);
	axvm_fake_hal_set_time(fh, 6 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, axvm_acpi_pm_read(pm, PM_TMR, 4), 3579545u);
	/* Reset does not restart it. */
	axvm_acpi_pm_reset(pm);
	KUNIT_EXPECT_EQ(test, axvm_acpi_pm_read(pm, PM_TMR, 4), 3579545u);
	axvm_acpi_pm_destroy(pm);
}

/* ---- sleep and reset ------------------------------------------------------ */

static void pm_s5_powers_off(struct kunit *test)
{
	/* ACPICA: SLP_TYP first, then SLP_TYP | SLP_EN. */
	wr(test, PM1_CNT, 2, SLP_TYP(5));
	KUNIT_EXPECT_EQ(test, rec(test)->sleeps, 0u);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_CNT, 2), (u32)(SLP_TYP(5) | SCI_EN));
	wr(test, PM1_CNT, 2, SLP_TYP(5) | SLP_EN);
	KUNIT_EXPECT_EQ(test, rec(test)->sleeps, 1u);
	KUNIT_EXPECT_EQ(test, rec(test)->slp_typ, 5);
	/* SLP_EN is write-only. */
	KUNIT_EXPECT_EQ(test, rd(test, PM1_CNT, 2), (u32)(SLP_TYP(5) | SCI_EN));
	/* One byte at 0x605 holds both fields; so does a dword at 0x604. */
	wr(test, PM1_CNT + 1, 1, (SLP_TYP(5) | SLP_EN) >> 8);
	KUNIT_EXPECT_EQ(test, rec(test)->sleeps, 2u);
	wr(test, PM1_CNT, 4, SLP_TYP(5) | SLP_EN);
	KUNIT_EXPECT_EQ(test, rec(test)->sleeps, 3u);
	KUNIT_EXPECT_EQ(test, rec(test)->resets, 0u);
}

static void pm_other_sleep_ignored(struct kunit *test)
{
	u8 typ;

	for (typ = 0; typ < 8; typ++) {
		if (typ == 5)
			continue;
		wr(test, PM1_CNT, 2, SLP_TYP(typ) | SLP_EN);
		KUNIT_EXPECT_EQ(test, rd(test, PM1_CNT, 2),
				(u32)(SLP_TYP(typ) | SCI_EN));
	}
	KUNIT_EXPECT_EQ(test, rec(test)->sleeps, 0u);
	/* Never woken: WAK_STS stays 0. */
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2) & WAK, 0u);
}

static void pm_reset_register(struct kunit *test)
{
	/* SYS_RST alone is stored and does nothing. */
	wr(test, RST_CNT, 1, 0x02);
	KUNIT_EXPECT_EQ(test, rec(test)->resets, 0u);
	KUNIT_EXPECT_EQ(test, rd(test, RST_CNT, 1), 0x02u);
	/* The FADT's RESET_VALUE 6: a reset; RST_CPU reads back 0. */
	wr(test, RST_CNT, 1, 0x06);
	KUNIT_EXPECT_EQ(test, rec(test)->resets, 1u);
	KUNIT_EXPECT_EQ(test, rd(test, RST_CNT, 1), 0x02u);
	wr(test, RST_CNT, 1, 0x04);
	KUNIT_EXPECT_EQ(test, rec(test)->resets, 2u);
	KUNIT_EXPECT_EQ(test, rd(test, RST_CNT, 1), 0u);
	KUNIT_EXPECT_EQ(test, rec(test)->sleeps, 0u);
}

/* ---- status, enables, the SCI -------------------------------------------- */

static void pm_power_button(struct kunit *test)
{
	/* Not enabled: the status only. */
	axvm_acpi_pm_power_button(rec(test)->pm);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2), (u32)PWRBTN);
	KUNIT_EXPECT_EQ(test, rec(test)->sci_calls, 0u);
	/* Enabling it with the status set raises the SCI. */
	wr(test, PM1_EN, 2, PWRBTN);
	KUNIT_EXPECT_TRUE(test, rec(test)->sci);
	KUNIT_EXPECT_EQ(test, rec(test)->sci_calls, 1u);
	/* A second press: the level does not change, no call. */
	axvm_acpi_pm_power_button(rec(test)->pm);
	KUNIT_EXPECT_EQ(test, rec(test)->sci_calls, 1u);
	/* Cleared: the SCI goes. */
	wr(test, PM1_STS, 2, PWRBTN);
	KUNIT_EXPECT_FALSE(test, rec(test)->sci);
	KUNIT_EXPECT_EQ(test, rec(test)->sci_calls, 2u);
	/* Enabled first, then pressed: at once. */
	axvm_acpi_pm_power_button(rec(test)->pm);
	KUNIT_EXPECT_TRUE(test, rec(test)->sci);
	KUNIT_EXPECT_EQ(test, rec(test)->sci_calls, 3u);
}

static void pm_sts_write_one_to_clear(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;

	axvm_acpi_pm_power_button(rec(test)->pm);
	axvm_fake_hal_set_time(fh, t2ns(0x80000000ULL));	/* TMR_STS */
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2), (u32)(PWRBTN | TMR));
	/* Zeros change nothing; ones clear their bit only. */
	wr(test, PM1_STS, 2, 0);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2), (u32)(PWRBTN | TMR));
	wr(test, PM1_STS, 2, TMR);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2), (u32)PWRBTN);
	/* Byte 1 holds PWRBTN_STS. */
	wr(test, PM1_STS, 1, 0xff);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2), (u32)PWRBTN);
	wr(test, PM1_STS + 1, 1, PWRBTN >> 8);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2), 0u);
	/* Enables are plain read/write (unmodelled ones read 0). */
	wr(test, PM1_EN, 2, 0xffff);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_EN, 2), (u32)(PWRBTN | TMR));
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2), 0u);
	wr(test, PM1_EN, 2, 0);
}

static void pm_sci_follows_sts_and_en(struct kunit *test)
{
	axvm_acpi_pm_power_button(rec(test)->pm);
	wr(test, PM1_EN, 2, TMR);		/* another source's enable */
	KUNIT_EXPECT_EQ(test, rec(test)->sci_calls, 0u);
	wr(test, PM1_EN, 2, TMR | PWRBTN);
	KUNIT_EXPECT_TRUE(test, rec(test)->sci);
	/* Disabling drops it with the status still set. */
	wr(test, PM1_EN, 2, TMR);
	KUNIT_EXPECT_FALSE(test, rec(test)->sci);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2), (u32)PWRBTN);
	KUNIT_EXPECT_EQ(test, rec(test)->sci_calls, 2u);
	wr(test, PM1_EN, 2, 0);
}

static void pm_tmr_sts_on_bit31(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;
	u64 flip = t2ns(0x80000000ULL);		/* 599.93 s */

	/* TMR_EN arms a timer for the next flip of bit 31. */
	wr(test, PM1_EN, 2, TMR);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 1u);
	axvm_fake_hal_advance_time(fh, flip - 1);
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR, 4), 0x7fffffffu);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2), 0u);
	KUNIT_EXPECT_EQ(test, rec(test)->sci_calls, 0u);
	axvm_fake_hal_advance_time(fh, 1);
	KUNIT_EXPECT_TRUE(test, rec(test)->sci);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2), (u32)TMR);
	/* Cleared, the SCI goes; the next flip (bit 31 back to 0) sets it. */
	wr(test, PM1_STS, 2, TMR);
	KUNIT_EXPECT_FALSE(test, rec(test)->sci);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 1u);
	axvm_fake_hal_advance_time(fh, t2ns(0x100000000ULL) - flip);
	KUNIT_EXPECT_TRUE(test, rec(test)->sci);
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR, 4), 0u);
	KUNIT_EXPECT_EQ(test, rec(test)->sci_calls, 3u);
	/* TMR_EN clear: no timer, no SCI. */
	wr(test, PM1_EN, 2, 0);
	KUNIT_EXPECT_FALSE(test, rec(test)->sci);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 0u);
}

static void pm_tmr_sts_without_en(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;

	/* The status is kept without the enable, with no timer. */
	axvm_fake_hal_advance_time(fh, t2ns(0x80000000ULL) + 1000);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 0u);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 2), (u32)TMR);
	KUNIT_EXPECT_EQ(test, rec(test)->sci_calls, 0u);
	/* Enabling it then raises the SCI at once. */
	wr(test, PM1_EN, 2, TMR);
	KUNIT_EXPECT_TRUE(test, rec(test)->sci);
	wr(test, PM1_EN, 2, 0);
}

/* ---- access widths --------------------------------------------------------- */

static void pm_widths(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;
	u32 t;

	/* Bytes of PM1_EN, high then low, make the word. */
	wr(test, PM1_EN + 1, 1, PWRBTN >> 8);
	wr(test, PM1_EN, 1, TMR);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_EN, 2), (u32)(PWRBTN | TMR));
	KUNIT_EXPECT_EQ(test, rd(test, PM1_EN + 1, 1), (u32)(PWRBTN >> 8));
	/* A dword at 0x600 is PM1_STS then PM1_EN. */
	axvm_acpi_pm_power_button(rec(test)->pm);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 4),
			(u32)(PWRBTN | (PWRBTN | TMR) << 16));
	/* ...and writes both: clear PWRBTN_STS, keep only TMR_EN. */
	wr(test, PM1_STS, 4, PWRBTN | TMR << 16);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 4), (u32)(TMR << 16));
	KUNIT_EXPECT_FALSE(test, rec(test)->sci);
	wr(test, PM1_EN, 2, 0);
	/* The PM timer by bytes, words and dword at one instant. */
	axvm_fake_hal_set_time(fh, t2ns(0x12345678));
	t = rd(test, PM_TMR, 4);
	KUNIT_EXPECT_EQ(test, t, 0x12345678u);
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR, 2), 0x5678u);
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR + 2, 2), 0x1234u);
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR + 1, 1), 0x56u);
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR + 3, 1), 0x12u);
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR + 1, 2), 0x3456u);
	/* The hole at 0x606 reads 0; past 0x60b is not ours: 0xff. */
	KUNIT_EXPECT_EQ(test, rd(test, 0x606, 2), 0u);
	KUNIT_EXPECT_EQ(test, rd(test, PM_TMR + 2, 4), 0xffff1234u);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_CNT, 4), 0x00000001u);
	/* 0xcf9 is a byte; 0xcfa-0xcfc are not ours. */
	KUNIT_EXPECT_EQ(test, rd(test, RST_CNT, 2), 0xff00u);
	/* No 3-byte accesses. */
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 3), 0xffffffffu);
	wr(test, PM1_EN, 3, 0xffffff);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_EN, 2), 0u);
}

/* ---- lifetime ------------------------------------------------------------- */

static void pm_reset_state(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;

	wr(test, PM1_EN, 2, PWRBTN | TMR);
	axvm_acpi_pm_power_button(rec(test)->pm);
	wr(test, PM1_CNT, 2, SLP_TYP(3));
	wr(test, RST_CNT, 1, 0x02);
	KUNIT_EXPECT_TRUE(test, rec(test)->sci);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 1u);
	axvm_acpi_pm_reset(rec(test)->pm);
	/* The SCI is lowered, the timer disarmed, the registers cleared. */
	KUNIT_EXPECT_FALSE(test, rec(test)->sci);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 0u);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_STS, 4), 0u);
	KUNIT_EXPECT_EQ(test, rd(test, PM1_CNT, 2), (u32)SCI_EN);
	KUNIT_EXPECT_EQ(test, rd(test, RST_CNT, 1), 0u);
	axvm_fake_hal_advance_time(fh, t2ns(0x80000000ULL));
	KUNIT_EXPECT_EQ(test, rec(test)->sci_calls, 2u);
}

static void pm_destroy_frees_timer(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;

	wr(test, PM1_EN, 2, TMR);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 1u);
	axvm_acpi_pm_destroy(rec(test)->pm);
	rec(test)->pm = NULL;
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(fh), 0u);
	axvm_acpi_pm_destroy(NULL);
	axvm_acpi_pm_destroy(ERR_PTR(-ENOMEM));
}

static void pm_create_errors(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;
	struct axvm_acpi_pm_host host = {
		.set_irq = rec_set_irq, .sleep = rec_sleep,
		.reset = rec_reset, .hal = &fh->ops,
	};
	struct axvm_acpi_pm_host bad;

	bad = host;
	bad.set_irq = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_acpi_pm_create(&bad)), -EINVAL);
	bad = host;
	bad.sleep = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_acpi_pm_create(&bad)), -EINVAL);
	bad = host;
	bad.reset = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_acpi_pm_create(&bad)), -EINVAL);
	bad = host;
	bad.hal = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_acpi_pm_create(&bad)), -EINVAL);
	axvm_fake_hal_fail_all_allocs(fh, true);
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_acpi_pm_create(&host)), -ENOMEM);
	axvm_fake_hal_fail_all_allocs(fh, false);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(fh), 1u);
}

static struct kunit_case pm_cases[] = {
	KUNIT_CASE(pm_ports),
	KUNIT_CASE(pm_power_on),
	KUNIT_CASE(pm_timer_rate),
	KUNIT_CASE(pm_timer_wraps_at_32_bits),
	KUNIT_CASE(pm_timer_counts_from_create),
	KUNIT_CASE(pm_s5_powers_off),
	KUNIT_CASE(pm_other_sleep_ignored),
	KUNIT_CASE(pm_reset_register),
	KUNIT_CASE(pm_power_button),
	KUNIT_CASE(pm_sts_write_one_to_clear),
	KUNIT_CASE(pm_sci_follows_sts_and_en),
	KUNIT_CASE(pm_tmr_sts_on_bit31),
	KUNIT_CASE(pm_tmr_sts_without_en),
	KUNIT_CASE(pm_widths),
	KUNIT_CASE(pm_reset_state),
	KUNIT_CASE(pm_destroy_frees_timer),
	KUNIT_CASE(pm_create_errors),
	{}
};

static struct kunit_suite axvm_acpi_pm_suite = {
	.name = "axvm_acpi_pm",
	.init = pm_test_init,
	.exit = pm_test_exit,
	.test_cases = pm_cases,
};
kunit_test_suite(axvm_acpi_pm_suite);
