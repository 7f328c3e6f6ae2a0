// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_rtc: the MC146818 model through ports 0x70/0x71 as a guest uses
 * them, on the fake HAL's clock, with a host that records the IRQ 8
 * line. Register numbers, bits and values come from the MC146818A
 * datasheet and the PC's CMOS map (QEMU's pc_cmos_init), spelled out
 * here rather than taken from mc146818.h, so a wrong constant there
 * fails.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/time.h>
#include "devices/mc146818.h"
#include "fake_hal.h"

#define NS		1000000000ULL
#define MS		1000000ULL

#define IDX		0x70
#define DATA		0x71

#define R_SEC		0x00
#define R_SEC_ALARM	0x01
#define R_MIN		0x02
#define R_MIN_ALARM	0x03
#define R_HOUR		0x04
#define R_HOUR_ALARM	0x05
#define R_WDAY		0x06
#define R_MDAY		0x07
#define R_MONTH		0x08
#define R_YEAR		0x09
#define REG_A		0x0a
#define REG_B		0x0b
#define REG_C		0x0c
#define REG_D		0x0d
#define R_CENTURY		0x32

#define A_UIP		0x80
#define A_32K		0x20		/* divider 010 */
#define B_SET		0x80
#define B_PIE		0x40
#define B_AIE		0x20
#define B_UIE		0x10
#define B_SQWE		0x08
#define B_BIN		0x04
#define B_24H		0x02
#define C_IRQF		0x80
#define C_PF		0x40
#define C_AF		0x20
#define C_UF		0x10

struct rtc_rec {
	struct axvm_fake_hal *fh;
	struct axvm_rtc *rtc;
	bool level;
	unsigned int rises;
	unsigned int calls;
	bool ack;			/* read C on each rise, as a handler */
	u8 last_c;			/* what that read returned */
	u64 rise_ns[8];			/* fake time of the first rises */
};

static struct rtc_rec *rec(struct kunit *test)
{
	return test->priv;
}

static u8 rd(struct kunit *test, u8 index)
{
	axvm_rtc_port_write(rec(test)->rtc, IDX, index);
	return axvm_rtc_port_read(rec(test)->rtc, DATA);
}

static void wr(struct kunit *test, u8 index, u8 val)
{
	axvm_rtc_port_write(rec(test)->rtc, IDX, index);
	axvm_rtc_port_write(rec(test)->rtc, DATA, val);
}

static void rec_set_irq(void *ctx, bool level)
{
	struct rtc_rec *r = ctx;

	r->calls++;
	/* Calls alternate: never the same level twice. */
	WARN_ON(level == r->level);
	r->level = level;
	if (!level)
		return;
	if (r->rises < ARRAY_SIZE(r->rise_ns))
		r->rise_ns[r->rises] = r->fh->ops.current_time_nanos(&r->fh->ops);
	r->rises++;
	if (r->ack) {
		axvm_rtc_port_write(r->rtc, IDX, REG_C);
		r->last_c = axvm_rtc_port_read(r->rtc, DATA);
	}
}

/* 2026-12-03 18:59:58 UTC, a Thursday, at fake time 0. */
static s64 test_wall(void)
{
	return mktime64(2026, 12, 3, 18, 59, 58);
}

static int rtc_test_init(struct kunit *test)
{
	struct rtc_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct axvm_rtc_host host = { .set_irq = rec_set_irq };

	if (!r)
		return -ENOMEM;
	r->fh = axvm_fake_hal_new(test);
	host.ctx = r;
	host.hal = &r->fh->ops;
	host.wall_sec = test_wall();
	host.wall_at_ns = 0;
	r->rtc = axvm_rtc_create(&host);
	if (IS_ERR(r->rtc))
		return PTR_ERR(r->rtc);
	test->priv = r;
	return 0;
}

static void rtc_test_exit(struct kunit *test)
{
	struct rtc_rec *r = test->priv;

	if (!r)
		return;
	axvm_rtc_destroy(r->rtc);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(r->fh), 0U);
}

static void advance(struct kunit *test, u64 ns)
{
	axvm_fake_hal_advance_time(rec(test)->fh, ns);
}

/* As Linux's mc146818_set_time: SET, the registers, then clear SET. */
static void set_time_bcd24(struct kunit *test, u8 cent, u8 year, u8 mon,
			   u8 day, u8 hour, u8 min, u8 sec)
{
	u8 b = rd(test, REG_B);

	wr(test, REG_B, b | B_SET);
	wr(test, R_SEC, sec);
	wr(test, R_MIN, min);
	wr(test, R_HOUR, hour);
	wr(test, R_MDAY, day);
	wr(test, R_MONTH, mon);
	wr(test, R_YEAR, year);
	wr(test, R_CENTURY, cent);
	wr(test, REG_B, b & ~B_SET);
}

static void expect_time(struct kunit *test, u8 cent, u8 year, u8 mon,
			u8 day, u8 hour, u8 min, u8 sec)
{
	KUNIT_EXPECT_EQ(test, rd(test, R_SEC), sec);
	KUNIT_EXPECT_EQ(test, rd(test, R_MIN), min);
	KUNIT_EXPECT_EQ(test, rd(test, R_HOUR), hour);
	KUNIT_EXPECT_EQ(test, rd(test, R_MDAY), day);
	KUNIT_EXPECT_EQ(test, rd(test, R_MONTH), mon);
	KUNIT_EXPECT_EQ(test, rd(test, R_YEAR), year);
	KUNIT_EXPECT_EQ(test, rd(test, R_CENTURY), cent);
}

/* ---- the clock -------------------------------------------------------------- */

static void rtc_power_on_registers(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, rd(test, REG_A), 0x26);	/* 32 kHz, 1024 Hz */
	KUNIT_EXPECT_EQ(test, rd(test, REG_B), B_24H);
	KUNIT_EXPECT_EQ(test, rd(test, REG_C), 0);
	KUNIT_EXPECT_EQ(test, rd(test, REG_D), 0x80);	/* VRT */
	KUNIT_EXPECT_FALSE(test, rec(test)->level);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(rec(test)->fh), 0U);
}

static void rtc_time_bcd_24h(struct kunit *test)
{
	expect_time(test, 0x20, 0x26, 0x12, 0x03, 0x18, 0x59, 0x58);
	KUNIT_EXPECT_EQ(test, rd(test, R_WDAY), 5);	/* Thursday; 1 = Sunday */
}

static void rtc_time_binary(struct kunit *test)
{
	wr(test, REG_B, B_24H | B_BIN);
	expect_time(test, 20, 26, 12, 3, 18, 59, 58);
}

static void rtc_time_12h(struct kunit *test)
{
	wr(test, REG_B, 0);				/* BCD, 12h */
	KUNIT_EXPECT_EQ(test, rd(test, R_HOUR), 0x80 | 0x06);	/* 6 PM */
	wr(test, REG_B, B_BIN);				/* binary, 12h */
	KUNIT_EXPECT_EQ(test, rd(test, R_HOUR), 0x80 | 6);
	KUNIT_EXPECT_EQ(test, rd(test, R_MIN), 59);
	/* Midnight is 12 AM, noon 12 PM. */
	wr(test, REG_B, B_24H);
	set_time_bcd24(test, 0x20, 0x26, 0x12, 0x03, 0x00, 0x30, 0x00);
	wr(test, REG_B, 0);
	KUNIT_EXPECT_EQ(test, rd(test, R_HOUR), 0x12);
	wr(test, REG_B, B_24H);
	set_time_bcd24(test, 0x20, 0x26, 0x12, 0x03, 0x12, 0x30, 0x00);
	wr(test, REG_B, 0);
	KUNIT_EXPECT_EQ(test, rd(test, R_HOUR), 0x92);
	/* A time set in 12h mode: 11 PM. */
	set_time_bcd24(test, 0x20, 0x26, 0x12, 0x03, 0x80 | 0x11, 0x00, 0x00);
	wr(test, REG_B, B_24H);
	KUNIT_EXPECT_EQ(test, rd(test, R_HOUR), 0x23);
}

static void rtc_second_ticks(struct kunit *test)
{
	advance(test, NS - 1);
	KUNIT_EXPECT_EQ(test, rd(test, R_SEC), 0x58);
	advance(test, 1);
	KUNIT_EXPECT_EQ(test, rd(test, R_SEC), 0x59);
	advance(test, NS);
	expect_time(test, 0x20, 0x26, 0x12, 0x03, 0x19, 0x00, 0x00);
}

static void rtc_rollover(struct kunit *test)
{
	/* Midnight, month end and year end at once. */
	set_time_bcd24(test, 0x20, 0x26, 0x12, 0x31, 0x23, 0x59, 0x59);
	expect_time(test, 0x20, 0x26, 0x12, 0x31, 0x23, 0x59, 0x59);
	advance(test, NS);
	expect_time(test, 0x20, 0x27, 0x01, 0x01, 0x00, 0x00, 0x00);
	KUNIT_EXPECT_EQ(test, rd(test, R_WDAY), 6);	/* Friday */
	/* A leap day, then March. */
	set_time_bcd24(test, 0x20, 0x28, 0x02, 0x28, 0x23, 0x59, 0x59);
	advance(test, NS);
	expect_time(test, 0x20, 0x28, 0x02, 0x29, 0x00, 0x00, 0x00);
	KUNIT_EXPECT_EQ(test, rd(test, R_WDAY), 3);	/* Tuesday */
	advance(test, 86400 * NS);
	expect_time(test, 0x20, 0x28, 0x03, 0x01, 0x00, 0x00, 0x00);
	/* The century. */
	set_time_bcd24(test, 0x20, 0x99, 0x12, 0x31, 0x23, 0x59, 0x59);
	advance(test, NS);
	expect_time(test, 0x21, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00);
}

static void rtc_uip_window(struct kunit *test)
{
	/* UIP: the 244 us (8 cycles of 32.768 kHz) before each update. */
	advance(test, NS / 2);
	KUNIT_EXPECT_EQ(test, rd(test, REG_A), 0x26);
	advance(test, NS / 2 - 244141);
	KUNIT_EXPECT_EQ(test, rd(test, REG_A), 0x26);
	advance(test, 1);
	KUNIT_EXPECT_EQ(test, rd(test, REG_A), A_UIP | 0x26);
	KUNIT_EXPECT_EQ(test, rd(test, R_SEC), 0x58);	/* not updated yet */
	advance(test, 244139);
	KUNIT_EXPECT_EQ(test, rd(test, REG_A), A_UIP | 0x26);
	advance(test, 1);				/* the update */
	KUNIT_EXPECT_EQ(test, rd(test, REG_A), 0x26);
	KUNIT_EXPECT_EQ(test, rd(test, R_SEC), 0x59);
	/* UIP is read-only; SET stops updates and clears it. */
	advance(test, NS - 1000);
	wr(test, REG_A, 0xa6);
	KUNIT_EXPECT_EQ(test, rd(test, REG_A), A_UIP | 0x26);
	wr(test, REG_B, B_24H | B_SET);
	KUNIT_EXPECT_EQ(test, rd(test, REG_A), 0x26);
}

static void rtc_set_keeps_offset(struct kunit *test)
{
	wr(test, REG_B, B_24H | B_SET);
	/* Frozen while SET: the registers hold what was latched. */
	advance(test, 5 * NS);
	KUNIT_EXPECT_EQ(test, rd(test, R_SEC), 0x58);
	wr(test, R_SEC, 0x00);
	wr(test, R_MIN, 0x00);
	wr(test, R_HOUR, 0x08);
	wr(test, R_MDAY, 0x15);
	wr(test, R_MONTH, 0x06);
	wr(test, R_YEAR, 0x30);
	advance(test, 3 * NS);
	expect_time(test, 0x20, 0x30, 0x06, 0x15, 0x08, 0x00, 0x00);
	wr(test, REG_B, B_24H);
	expect_time(test, 0x20, 0x30, 0x06, 0x15, 0x08, 0x00, 0x00);
	KUNIT_EXPECT_EQ(test, rd(test, R_WDAY), 7);	/* Saturday */
	/* The clock runs on from there, on its old second boundaries. */
	advance(test, 10 * NS);
	expect_time(test, 0x20, 0x30, 0x06, 0x15, 0x08, 0x00, 0x10);
	advance(test, 3600 * NS);
	expect_time(test, 0x20, 0x30, 0x06, 0x15, 0x09, 0x00, 0x10);
}

static void rtc_write_outside_set(struct kunit *test)
{
	/* Takes effect at once, the rest of the time unchanged. */
	advance(test, NS / 2);
	wr(test, R_MIN, 0x10);
	expect_time(test, 0x20, 0x26, 0x12, 0x03, 0x18, 0x10, 0x58);
	advance(test, NS / 2);
	KUNIT_EXPECT_EQ(test, rd(test, R_SEC), 0x59);
}

/* ---- interrupts ------------------------------------------------------------- */

struct rtc_rate {
	u8 rs;
	unsigned int hz;
};

static const struct rtc_rate rtc_rates[] = {
	{ 6, 1024 }, { 15, 2 }, { 3, 8192 }, { 1, 256 }, { 2, 128 },
	{ 7, 512 },
};

static void rtc_rate_desc(const struct rtc_rate *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "rate %u: %u Hz", p->rs, p->hz);
}

KUNIT_ARRAY_PARAM(rtc_rate, rtc_rates, rtc_rate_desc);

static void rtc_periodic_rate(struct kunit *test)
{
	const struct rtc_rate *p = test->param_value;
	struct rtc_rec *r = rec(test);

	r->ack = true;
	wr(test, REG_A, A_32K | p->rs);
	wr(test, REG_B, B_24H | B_PIE);
	advance(test, NS);
	KUNIT_EXPECT_EQ(test, r->rises, p->hz);
	KUNIT_EXPECT_EQ(test, r->last_c & (C_IRQF | C_PF), C_IRQF | C_PF);
	KUNIT_EXPECT_FALSE(test, r->level);
	/* The first at 1 / hz seconds (rounded up to a nanosecond). */
	KUNIT_EXPECT_EQ(test, r->rise_ns[0], DIV_ROUND_UP_ULL(NS, p->hz));
	/* Off: no more, and no timer. */
	wr(test, REG_B, B_24H);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(r->fh), 0U);
	advance(test, NS);
	KUNIT_EXPECT_EQ(test, r->rises, p->hz);
}

static void rtc_periodic_unacked(struct kunit *test)
{
	struct rtc_rec *r = rec(test);

	wr(test, REG_B, B_24H | B_PIE);		/* 1024 Hz */
	advance(test, NS);
	/* One interrupt: the line stays up, and no timer runs for it. */
	KUNIT_EXPECT_EQ(test, r->rises, 1U);
	KUNIT_EXPECT_TRUE(test, r->level);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(r->fh), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, REG_C), C_IRQF | C_PF | C_UF);
	KUNIT_EXPECT_FALSE(test, r->level);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(r->fh), 1U);
	/* 1 s + 1/1024 s, rounded up: 1000976562.5 ns. */
	advance(test, 976562);
	KUNIT_EXPECT_EQ(test, r->rises, 1U);
	advance(test, 1);
	KUNIT_EXPECT_EQ(test, r->rises, 2U);
	/* Rate 0: none. */
	rd(test, REG_C);
	wr(test, REG_A, A_32K);
	advance(test, NS);
	KUNIT_EXPECT_EQ(test, r->rises, 2U);
	KUNIT_EXPECT_EQ(test, rd(test, REG_C), C_UF);
}

static void rtc_flag_then_enable(struct kunit *test)
{
	struct rtc_rec *r = rec(test);

	/* PF is set with PIE off; enabling PIE then raises IRQF at once. */
	advance(test, MS);
	KUNIT_EXPECT_EQ(test, r->rises, 0U);
	wr(test, REG_B, B_24H | B_PIE);
	KUNIT_EXPECT_EQ(test, r->rises, 1U);
	KUNIT_EXPECT_TRUE(test, r->level);
	/* Disabling it drops IRQF (and the line); C keeps PF. */
	wr(test, REG_B, B_24H);
	KUNIT_EXPECT_FALSE(test, r->level);
	KUNIT_EXPECT_EQ(test, rd(test, REG_C), C_PF);
}

static void rtc_alarm_once(struct kunit *test)
{
	struct rtc_rec *r = rec(test);

	r->ack = true;
	wr(test, REG_A, A_32K);			/* no periodic flag */
	wr(test, R_HOUR_ALARM, 0x19);
	wr(test, R_MIN_ALARM, 0x00);
	wr(test, R_SEC_ALARM, 0x05);
	wr(test, REG_B, B_24H | B_AIE);
	/* 19:00:05 is 7 s after 18:59:58. */
	advance(test, 7 * NS - 1);
	KUNIT_EXPECT_EQ(test, r->rises, 0U);
	advance(test, 1);
	KUNIT_EXPECT_EQ(test, r->rises, 1U);
	KUNIT_EXPECT_EQ(test, r->rise_ns[0], 7 * NS);
	KUNIT_EXPECT_EQ(test, r->last_c, C_IRQF | C_AF | C_UF);
	KUNIT_EXPECT_EQ(test, rd(test, R_SEC), 0x05);
	/* Once: the next match is a day later. */
	advance(test, 3600 * NS);
	KUNIT_EXPECT_EQ(test, r->rises, 1U);
	advance(test, (86400 - 3600) * NS);
	KUNIT_EXPECT_EQ(test, r->rises, 2U);
	KUNIT_EXPECT_EQ(test, r->rise_ns[1], (86400 + 7) * NS);
}

static void rtc_alarm_dont_care(struct kunit *test)
{
	struct rtc_rec *r = rec(test);

	/* 0xc0-0xff match every value: each minute at :30. */
	r->ack = true;
	wr(test, REG_A, A_32K);
	wr(test, R_HOUR_ALARM, 0xc0);
	wr(test, R_MIN_ALARM, 0xff);
	wr(test, R_SEC_ALARM, 0x30);
	wr(test, REG_B, B_24H | B_AIE);
	advance(test, 180 * NS);
	KUNIT_EXPECT_EQ(test, r->rises, 3U);
	KUNIT_EXPECT_EQ(test, r->rise_ns[0], 32 * NS);	/* 19:00:30 */
	KUNIT_EXPECT_EQ(test, r->rise_ns[1], 92 * NS);
	/* All three don't care: every second. */
	wr(test, R_SEC_ALARM, 0xc0);
	r->rises = 0;
	advance(test, 5 * NS);
	KUNIT_EXPECT_EQ(test, r->rises, 5U);
	/* A value no time has never matches, and arms nothing. */
	wr(test, R_SEC_ALARM, 0x60);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(r->fh), 0U);
	advance(test, 120 * NS);
	KUNIT_EXPECT_EQ(test, r->rises, 5U);
}

static void rtc_update_irq(struct kunit *test)
{
	struct rtc_rec *r = rec(test);
	unsigned int i;

	r->ack = true;
	wr(test, REG_A, A_32K);
	wr(test, REG_B, B_24H | B_UIE);
	advance(test, 5 * NS + NS / 2);
	KUNIT_EXPECT_EQ(test, r->rises, 5U);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, r->rise_ns[i], (i + 1) * NS);
	KUNIT_EXPECT_EQ(test, r->last_c, C_IRQF | C_UF);
	/* SET stops updates and clears UIE. */
	wr(test, REG_B, B_24H | B_UIE | B_SET);
	KUNIT_EXPECT_EQ(test, rd(test, REG_B), B_24H | B_SET);
	advance(test, 3 * NS);
	KUNIT_EXPECT_EQ(test, r->rises, 5U);
}

static void rtc_read_c_lowers(struct kunit *test)
{
	struct rtc_rec *r = rec(test);

	wr(test, REG_A, A_32K);
	wr(test, REG_B, B_24H | B_UIE);
	advance(test, 4 * NS);
	KUNIT_EXPECT_EQ(test, r->rises, 1U);
	KUNIT_EXPECT_TRUE(test, r->level);
	KUNIT_EXPECT_EQ(test, rd(test, REG_C), C_IRQF | C_UF);
	KUNIT_EXPECT_FALSE(test, r->level);
	KUNIT_EXPECT_EQ(test, rd(test, REG_C), 0);
	KUNIT_EXPECT_EQ(test, r->calls, 2U);
	/* C is read-only. */
	advance(test, NS);
	wr(test, REG_C, 0);
	KUNIT_EXPECT_TRUE(test, r->level);
	wr(test, REG_D, 0);
	KUNIT_EXPECT_EQ(test, rd(test, REG_D), 0x80);
}

/* ---- NVRAM, reset, lifetime -------------------------------------------------- */

static void rtc_index_port(struct kunit *test)
{
	struct axvm_rtc *rtc = rec(test)->rtc;

	KUNIT_EXPECT_TRUE(test, axvm_rtc_port(0x70));
	KUNIT_EXPECT_TRUE(test, axvm_rtc_port(0x71));
	KUNIT_EXPECT_FALSE(test, axvm_rtc_port(0x72));
	KUNIT_EXPECT_FALSE(test, axvm_rtc_port(0x6f));
	/* Write-only on a PC; bit 7 masks NMIs and is not the index. */
	KUNIT_EXPECT_EQ(test, axvm_rtc_port_read(rtc, IDX), 0xff);
	axvm_rtc_port_write(rtc, IDX, 0x80 | 0x40);
	axvm_rtc_port_write(rtc, DATA, 0x5a);
	KUNIT_EXPECT_EQ(test, rd(test, 0x40), 0x5a);
	axvm_rtc_port_write(rtc, IDX, 0x80 | REG_D);
	KUNIT_EXPECT_EQ(test, axvm_rtc_port_read(rtc, DATA), 0x80);
}

static void rtc_nvram(struct kunit *test)
{
	unsigned int i;

	for (i = 0x0e; i < 0x80; i++)
		if (i != R_CENTURY)
			wr(test, i, i ^ 0xa5);
	wr(test, REG_B, B_24H | B_PIE | B_AIE | B_UIE | B_SQWE);
	advance(test, NS);
	axvm_rtc_reset(rec(test)->rtc);
	for (i = 0x0e; i < 0x80; i++)
		if (i != R_CENTURY)
			KUNIT_EXPECT_EQ_MSG(test, rd(test, i), i ^ 0xa5,
					    "index %#x", i);
	/* The platform's writes land in the same bytes. */
	axvm_rtc_nvram_write(rec(test)->rtc, 0x7f, 0x11);
	KUNIT_EXPECT_EQ(test, rd(test, 0x7f), 0x11);
	/* ... but not in the clock's. */
	axvm_rtc_nvram_write(rec(test)->rtc, REG_A, 0);
	axvm_rtc_nvram_write(rec(test)->rtc, R_CENTURY, 0x99);
	axvm_rtc_nvram_write(rec(test)->rtc, 0x80, 0);
	KUNIT_EXPECT_EQ(test, rd(test, REG_A), 0x26);
	KUNIT_EXPECT_EQ(test, rd(test, R_CENTURY), 0x20);
}

static void rtc_reset(struct kunit *test)
{
	struct rtc_rec *r = rec(test);

	wr(test, R_HOUR_ALARM, 0x19);
	wr(test, REG_A, A_32K | 0x0f);
	wr(test, REG_B, B_BIN | B_24H | B_PIE | B_AIE | B_UIE | B_SQWE);
	advance(test, NS);
	KUNIT_EXPECT_TRUE(test, r->level);
	axvm_rtc_reset(r->rtc);
	/* Enables, SQWE and C cleared, the line low; the rest kept. */
	KUNIT_EXPECT_FALSE(test, r->level);
	KUNIT_EXPECT_EQ(test, rd(test, REG_B), B_BIN | B_24H);
	KUNIT_EXPECT_EQ(test, rd(test, REG_C), 0);
	KUNIT_EXPECT_EQ(test, rd(test, REG_A), A_32K | 0x0f);
	KUNIT_EXPECT_EQ(test, rd(test, R_HOUR_ALARM), 0x19);
	KUNIT_EXPECT_EQ(test, rd(test, R_SEC), 59);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(r->fh), 0U);
}

static void rtc_set_memory(struct kunit *test)
{
	/* 3 GiB below 4 GiB, 1.5 GiB above, 4 CPUs. */
	axvm_rtc_set_memory(rec(test)->rtc, 3ULL << 30, 3ULL << 29, 4);
	KUNIT_EXPECT_EQ(test, rd(test, 0x15), 0x80);	/* 640 KiB */
	KUNIT_EXPECT_EQ(test, rd(test, 0x16), 0x02);
	KUNIT_EXPECT_EQ(test, rd(test, 0x17), 0x00);	/* 63 MiB, the most */
	KUNIT_EXPECT_EQ(test, rd(test, 0x18), 0xfc);
	KUNIT_EXPECT_EQ(test, rd(test, 0x30), 0x00);
	KUNIT_EXPECT_EQ(test, rd(test, 0x31), 0xfc);
	/* (3 GiB - 16 MiB) / 64 KiB = 0xbf00 */
	KUNIT_EXPECT_EQ(test, rd(test, 0x34), 0x00);
	KUNIT_EXPECT_EQ(test, rd(test, 0x35), 0xbf);
	/* 1.5 GiB / 64 KiB = 0x6000 */
	KUNIT_EXPECT_EQ(test, rd(test, 0x5b), 0x00);
	KUNIT_EXPECT_EQ(test, rd(test, 0x5c), 0x60);
	KUNIT_EXPECT_EQ(test, rd(test, 0x5d), 0x00);
	KUNIT_EXPECT_EQ(test, rd(test, 0x5f), 3);

	/* 8 MiB: 7 MiB extended, nothing above 16 MiB or 4 GiB, 1 CPU. */
	axvm_rtc_set_memory(rec(test)->rtc, 8ULL << 20, 0, 1);
	KUNIT_EXPECT_EQ(test, rd(test, 0x17), 0x00);	/* 7168 = 0x1c00 */
	KUNIT_EXPECT_EQ(test, rd(test, 0x18), 0x1c);
	KUNIT_EXPECT_EQ(test, rd(test, 0x30), 0x00);
	KUNIT_EXPECT_EQ(test, rd(test, 0x31), 0x1c);
	KUNIT_EXPECT_EQ(test, rd(test, 0x34), 0x00);
	KUNIT_EXPECT_EQ(test, rd(test, 0x35), 0x00);
	KUNIT_EXPECT_EQ(test, rd(test, 0x5c), 0x00);
	KUNIT_EXPECT_EQ(test, rd(test, 0x5f), 0);

	/* 1 TiB + 192 KiB above 4 GiB: 24 bits of 64 KiB saturate. */
	axvm_rtc_set_memory(rec(test)->rtc, 17ULL << 20, (1ULL << 40) + 0x30000,
			    2);
	KUNIT_EXPECT_EQ(test, rd(test, 0x34), 0x10);	/* 1 MiB / 64 KiB */
	KUNIT_EXPECT_EQ(test, rd(test, 0x5b), 0xff);
	KUNIT_EXPECT_EQ(test, rd(test, 0x5c), 0xff);
	KUNIT_EXPECT_EQ(test, rd(test, 0x5d), 0xff);
}

static void rtc_destroy_no_timer(struct kunit *test)
{
	struct rtc_rec *r = rec(test);

	wr(test, REG_B, B_24H | B_PIE | B_UIE);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(r->fh), 1U);
	axvm_rtc_destroy(r->rtc);
	r->rtc = NULL;
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(r->fh), 0U);
	advance(test, NS);
	KUNIT_EXPECT_EQ(test, r->rises, 0U);
}

static void rtc_create_rejects(struct kunit *test)
{
	struct axvm_rtc_host host = { .hal = &rec(test)->fh->ops };

	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_rtc_create(NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_rtc_create(&host)), -EINVAL);
	host.set_irq = rec_set_irq;
	host.hal = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_rtc_create(&host)), -EINVAL);
	/* A failed timer_init is -ENOMEM and leaks nothing. */
	host.hal = &rec(test)->fh->ops;
	axvm_fake_hal_fail_all_allocs(rec(test)->fh, true);
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_rtc_create(&host)), -ENOMEM);
	axvm_fake_hal_fail_all_allocs(rec(test)->fh, false);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(rec(test)->fh), 1U);
}

static struct kunit_case rtc_cases[] = {
	KUNIT_CASE(rtc_power_on_registers),
	KUNIT_CASE(rtc_time_bcd_24h),
	KUNIT_CASE(rtc_time_binary),
	KUNIT_CASE(rtc_time_12h),
	KUNIT_CASE(rtc_second_ticks),
	KUNIT_CASE(rtc_rollover),
	KUNIT_CASE(rtc_uip_window),
	KUNIT_CASE(rtc_set_keeps_offset),
	KUNIT_CASE(rtc_write_outside_set),
	KUNIT_CASE_PARAM(rtc_periodic_rate, rtc_rate_gen_params),
	KUNIT_CASE(rtc_periodic_unacked),
	KUNIT_CASE(rtc_flag_then_enable),
	KUNIT_CASE(rtc_alarm_once),
	KUNIT_CASE(rtc_alarm_dont_care),
	KUNIT_CASE(rtc_update_irq),
	KUNIT_CASE(rtc_read_c_lowers),
	KUNIT_CASE(rtc_index_port),
	KUNIT_CASE(rtc_nvram),
	KUNIT_CASE(rtc_reset),
	KUNIT_CASE(rtc_set_memory),
	KUNIT_CASE(rtc_destroy_no_timer),
	KUNIT_CASE(rtc_create_rejects),
	{}
};

static struct kunit_suite rtc_suite = {
	.name = "axvm_rtc",
	.init = rtc_test_init,
	.exit = rtc_test_exit,
	.test_cases = rtc_cases,
};
kunit_test_suite(rtc_suite);
