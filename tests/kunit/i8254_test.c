// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_i8254: the 8254 PIT through its ports as a guest programs it, on
 * the fake HAL's clock, with a host that records counter 0's interrupt
 * edges. Expected values come from Intel's 82C54 datasheet and the PC's
 * port 0x61, spelled out below rather than taken from i8254.h, so a
 * wrong constant there fails.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/math64.h>
#include "devices/i8254.h"
#include "fake_hal.h"

#define PIT_CLOCK	1193182ULL	/* 14.31818 MHz / 12 */

#define CH0		0x40
#define CH1		0x41
#define CH2		0x42
#define CTRL		0x43
#define PORT61		0x61

/* Control word: SC (7:6), RW (5:4), mode (3:1), BCD (0). */
#define CW(ch, rw, mode)	((ch) << 6 | (rw) << 4 | (mode) << 1)
#define RW_LATCH	0
#define RW_LSB		1
#define RW_MSB		2
#define RW_LOHI		3
#define CW_BCD		0x01
/* Read-back: 11, !COUNT (5), !STATUS (4), counters 2..0 (3:1). */
#define RB_COUNT_STATUS(sel)	(0xc0 | (sel))
#define RB_STATUS(sel)		(0xc0 | 0x20 | (sel))
#define RB_COUNT(sel)		(0xc0 | 0x10 | (sel))
#define RB_SEL(ch)		(0x02 << (ch))
/* Status byte: OUT (7), null count (6), RW (5:4), mode (3:1), BCD (0). */
#define ST_OUT		0x80
#define ST_NULL		0x40
#define ST(rw, mode)	((rw) << 4 | (mode) << 1)

/* Port 0x61. */
#define P61_GATE2	0x01
#define P61_SPKR	0x02
#define P61_REFRESH	0x10
#define P61_OUT2	0x20

struct pit_rec {
	struct axvm_fake_hal *fh;
	struct axvm_i8254 *pit;
	bool level;
	bool bad_order;		/* set_irq not alternating true, false */
	unsigned int edges;
	u64 edge_ns[64];
};

static void rec_set_irq(void *ctx, bool level)
{
	struct pit_rec *r = ctx;

	if (level == r->level)
		r->bad_order = true;
	r->level = level;
	if (!level)
		return;
	if (r->edges < ARRAY_SIZE(r->edge_ns))
		r->edge_ns[r->edges] = r->fh->ops.current_time_nanos(&r->fh->ops);
	r->edges++;
}

static int pit_test_init(struct kunit *test)
{
	struct pit_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct axvm_i8254_host host = { .set_irq = rec_set_irq };

	if (!r)
		return -ENOMEM;
	r->fh = axvm_fake_hal_new(test);
	host.ctx = r;
	host.hal = &r->fh->ops;
	r->pit = axvm_i8254_create(&host);
	if (IS_ERR(r->pit))
		return PTR_ERR(r->pit);
	test->priv = r;
	return 0;
}

static void pit_test_exit(struct kunit *test)
{
	struct pit_rec *r = test->priv;

	if (!r)		/* exit runs even when init failed */
		return;
	KUNIT_EXPECT_FALSE(test, r->bad_order);
	axvm_i8254_destroy(r->pit);
}

static struct pit_rec *rec(struct kunit *test)
{
	return test->priv;
}

/* The first nanosecond at which @ticks PIT clocks have gone by since 0. */
static u64 t2ns(u64 ticks)
{
	return div64_u64(ticks * NSEC_PER_SEC + PIT_CLOCK - 1, PIT_CLOCK);
}

static u64 now_ns(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;

	return fh->ops.current_time_nanos(&fh->ops);
}

/* Jump to tick @ticks without firing timers (for counters 1 and 2). */
static void at(struct kunit *test, u64 ticks)
{
	axvm_fake_hal_set_time(rec(test)->fh, t2ns(ticks));
}

/* Run the clock to tick @ticks, firing the timers due on the way. */
static void run_to(struct kunit *test, u64 ticks)
{
	axvm_fake_hal_advance_time(rec(test)->fh, t2ns(ticks) - now_ns(test));
}

static void out(struct kunit *test, u16 port, u8 val)
{
	axvm_i8254_port_write(rec(test)->pit, port, val);
}

static u8 in(struct kunit *test, u16 port)
{
	return axvm_i8254_port_read(rec(test)->pit, port);
}

/* LSB then MSB, as Linux and SeaBIOS load a counter. */
static void load(struct kunit *test, unsigned int ch, u16 count)
{
	out(test, CH0 + ch, count & 0xff);
	out(test, CH0 + ch, count >> 8);
}

/* Counter latch command, then LSB and MSB (an LSB-then-MSB counter). */
static u16 latched(struct kunit *test, unsigned int ch)
{
	u8 lo;

	out(test, CTRL, CW(ch, RW_LATCH, 0));
	lo = in(test, CH0 + ch);
	return lo | in(test, CH0 + ch) << 8;
}

static u8 status(struct kunit *test, unsigned int ch)
{
	out(test, CTRL, RB_STATUS(RB_SEL(ch)));
	return in(test, CH0 + ch);
}

static bool out_pin(struct kunit *test, unsigned int ch)
{
	return status(test, ch) & ST_OUT;
}

/* ---- registers ------------------------------------------------------------ */

static void pit_ports(struct kunit *test)
{
	static const u16 ours[] = { 0x40, 0x41, 0x42, 0x43, 0x61 };
	static const u16 others[] = { 0x3f, 0x44, 0x48, 0x60, 0x62, 0x0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ours); i++)
		KUNIT_EXPECT_TRUE_MSG(test, axvm_i8254_port(ours[i]),
				      "port %#x", ours[i]);
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		KUNIT_EXPECT_FALSE_MSG(test, axvm_i8254_port(others[i]),
				       "port %#x", others[i]);
		KUNIT_EXPECT_EQ(test, in(test, others[i]), 0xff);
	}
	/* The control register is write-only. */
	KUNIT_EXPECT_EQ(test, in(test, CTRL), 0);
}

static void pit_power_on(struct kunit *test)
{
	unsigned int ch;

	at(test, 1000);
	for (ch = 0; ch < 3; ch++) {
		/* Mode 0, LSB then MSB, binary, no count: OUT low, null. */
		KUNIT_EXPECT_EQ_MSG(test, status(test, ch),
				    ST_NULL | ST(RW_LOHI, 0), "ch %u", ch);
		KUNIT_EXPECT_EQ_MSG(test, latched(test, ch), 0, "ch %u", ch);
	}
	/* Gate 2 low, speaker off, OUT2 low. */
	KUNIT_EXPECT_EQ(test, in(test, PORT61) & ~P61_REFRESH, 0);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(rec(test)->fh), 0u);
}

/* ---- count sequences ------------------------------------------------------ */

struct seq_point {
	u64 tick;		/* since the load */
	u16 count;
	bool out;
};

static void expect_seq(struct kunit *test, unsigned int ch, u64 t0,
		       const struct seq_point *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		at(test, t0 + p[i].tick);
		KUNIT_EXPECT_EQ_MSG(test, latched(test, ch), p[i].count,
				    "tick %llu", p[i].tick);
		KUNIT_EXPECT_EQ_MSG(test, out_pin(test, ch), p[i].out,
				    "tick %llu", p[i].tick);
	}
}

static void pit_mode0_sequence(struct kunit *test)
{
	/* Interrupt on terminal count: OUT low, high at 0; counting wraps. */
	static const struct seq_point seq[] = {
		{ 0, 1000, false }, { 1, 999, false }, { 500, 500, false },
		{ 999, 1, false }, { 1000, 0, true }, { 1001, 0xffff, true },
		{ 1000 + 0x10000, 0, true },
	};

	at(test, 7777);
	out(test, CTRL, CW(1, RW_LOHI, 0));
	KUNIT_EXPECT_FALSE(test, out_pin(test, 1));
	load(test, 1, 1000);
	expect_seq(test, 1, 7777, seq, ARRAY_SIZE(seq));
}

static void pit_mode2_sequence(struct kunit *test)
{
	/* Rate generator: n..1, OUT low while the count is 1, reload. */
	static const struct seq_point seq[] = {
		{ 0, 100, true }, { 1, 99, true }, { 98, 2, true },
		{ 99, 1, false }, { 100, 100, true }, { 150, 50, true },
		{ 199, 1, false }, { 200, 100, true },
	};

	at(test, 12345);
	out(test, CTRL, CW(1, RW_LOHI, 2));
	KUNIT_EXPECT_TRUE(test, out_pin(test, 1));
	load(test, 1, 100);
	expect_seq(test, 1, 12345, seq, ARRAY_SIZE(seq));
}

static void pit_mode3_sequence(struct kunit *test)
{
	/* Square wave, even count: by twos, high for n/2, low for n/2. */
	static const struct seq_point even[] = {
		{ 0, 100, true }, { 1, 98, true }, { 49, 2, true },
		{ 50, 100, false }, { 99, 2, false }, { 100, 100, true },
	};
	/* Odd: n - 1 by twos, high for (n + 1)/2, low for (n - 1)/2. */
	static const struct seq_point odd[] = {
		{ 0, 100, true }, { 50, 0, true }, { 51, 100, false },
		{ 100, 2, false }, { 101, 100, true },
	};

	out(test, CTRL, CW(1, RW_LOHI, 3));
	load(test, 1, 100);
	expect_seq(test, 1, 0, even, ARRAY_SIZE(even));

	at(test, 5000);
	out(test, CTRL, CW(1, RW_LOHI, 3));
	load(test, 1, 101);
	expect_seq(test, 1, 5000, odd, ARRAY_SIZE(odd));
}

static void pit_mode6_7_are_2_3(struct kunit *test)
{
	/* Bit 3 is "don't care" for modes 2 and 3; status shows it. */
	out(test, CTRL, CW(1, RW_LOHI, 6));
	load(test, 1, 100);
	at(test, 99);
	KUNIT_EXPECT_EQ(test, status(test, 1), ST(RW_LOHI, 6));	/* OUT low */
	KUNIT_EXPECT_EQ(test, latched(test, 1), 1);
	out(test, CTRL, CW(2, RW_LOHI, 7));
	load(test, 2, 100);
	out(test, PORT61, P61_GATE2);
	at(test, 99 + 60);
	KUNIT_EXPECT_EQ(test, status(test, 2), ST(RW_LOHI, 7));	/* low half */
}

static void pit_count_zero_is_max(struct kunit *test)
{
	static const struct seq_point mode2[] = {
		{ 0, 0, true }, { 1, 0xffff, true }, { 0xfffe, 2, true },
		{ 0xffff, 1, false }, { 0x10000, 0, true },
	};
	static const struct seq_point mode0[] = {
		{ 0xffff, 1, false }, { 0x10000, 0, true },
	};

	out(test, CTRL, CW(1, RW_LOHI, 2));
	load(test, 1, 0);
	expect_seq(test, 1, 0, mode2, ARRAY_SIZE(mode2));
	at(test, 0);
	out(test, CTRL, CW(1, RW_LOHI, 0));
	load(test, 1, 0);
	expect_seq(test, 1, 0, mode0, ARRAY_SIZE(mode0));
}

static void pit_bcd(struct kunit *test)
{
	/* Four decades: 1000 is written 0x1000 and counts 0999 after one. */
	static const struct seq_point seq[] = {
		{ 0, 0x1000, false }, { 1, 0x0999, false }, { 1000, 0, true },
		{ 1001, 0x9999, true },
	};

	out(test, CTRL, CW(1, RW_LOHI, 0) | CW_BCD);
	KUNIT_EXPECT_EQ(test, status(test, 1),
			ST_NULL | ST(RW_LOHI, 0) | CW_BCD);
	load(test, 1, 0x1000);
	expect_seq(test, 1, 0, seq, ARRAY_SIZE(seq));
	/* 0 is 10000 in BCD. */
	at(test, 0);
	out(test, CTRL, CW(1, RW_LOHI, 2) | CW_BCD);
	load(test, 1, 0);
	at(test, 1);
	KUNIT_EXPECT_EQ(test, latched(test, 1), 0x9999);
	at(test, 9999);
	KUNIT_EXPECT_EQ(test, latched(test, 1), 0x0001);
	at(test, 10000);
	KUNIT_EXPECT_EQ(test, latched(test, 1), 0);
}

static void pit_mode4_mode1_approx(struct kunit *test)
{
	/* Mode 4: OUT high, low for the one tick at count 0. */
	static const struct seq_point m4[] = {
		{ 0, 50, true }, { 49, 1, true }, { 50, 0, false },
		{ 51, 0xffff, true },
	};
	/* Mode 1, triggered by the write: OUT low until the count ends. */
	static const struct seq_point m1[] = {
		{ 0, 50, false }, { 49, 1, false }, { 50, 0, true },
	};

	out(test, CTRL, CW(1, RW_LOHI, 4));
	load(test, 1, 50);
	expect_seq(test, 1, 0, m4, ARRAY_SIZE(m4));
	at(test, 0);
	out(test, CTRL, CW(1, RW_LOHI, 1));
	load(test, 1, 50);
	expect_seq(test, 1, 0, m1, ARRAY_SIZE(m1));
}

/* ---- access modes, latches, read-back ------------------------------------ */

static void pit_access_modes(struct kunit *test)
{
	/* LSB then MSB: writes and reads alternate bytes. */
	out(test, CTRL, CW(1, RW_LOHI, 2));
	out(test, CH1, 0x34);
	out(test, CH1, 0x12);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x34);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x12);
	at(test, 0x34);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x00);	/* 0x1200 */
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x12);
	/* LSB only: the MSB is 0. */
	out(test, CTRL, CW(1, RW_LSB, 2));
	out(test, CH1, 0x80);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x80);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x80);
	at(test, 0x34 + 0x10);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x70);
	/* MSB only: the LSB is 0. */
	out(test, CTRL, CW(1, RW_MSB, 2));
	out(test, CH1, 0x02);
	KUNIT_EXPECT_EQ(test, latched(test, 1) & 0xff, 0x02);
	KUNIT_EXPECT_EQ(test, status(test, 1), ST_OUT | ST(RW_MSB, 2));
	at(test, 0x44 + 1);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x01);	/* 0x01ff */
	/* A control word restarts the byte order. */
	out(test, CTRL, CW(1, RW_LOHI, 2));
	out(test, CH1, 0xcd);
	out(test, CTRL, CW(1, RW_LOHI, 2));
	load(test, 1, 0x0a0b);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x0b);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x0a);
}

static void pit_mode0_first_byte_stops(struct kunit *test)
{
	out(test, CTRL, CW(1, RW_LOHI, 0));
	load(test, 1, 100);
	at(test, 40);
	/* Writing the LSB stops the count and drops OUT... */
	out(test, CH1, 0x10);
	at(test, 200);
	KUNIT_EXPECT_EQ(test, latched(test, 1), 60);
	KUNIT_EXPECT_FALSE(test, out_pin(test, 1));
	/* ...the MSB loads the new count. */
	out(test, CH1, 0x00);
	at(test, 215);
	KUNIT_EXPECT_EQ(test, latched(test, 1), 1);
	at(test, 216);
	KUNIT_EXPECT_TRUE(test, out_pin(test, 1));
}

static void pit_latch_freezes(struct kunit *test)
{
	out(test, CTRL, CW(1, RW_LOHI, 2));
	load(test, 1, 0x1000);
	at(test, 0x10);
	out(test, CTRL, CW(1, RW_LATCH, 0));
	at(test, 0x800);
	/* A second latch before the first is read is ignored. */
	out(test, CTRL, CW(1, RW_LATCH, 0));
	at(test, 0x900);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0xf0);	/* 0x0ff0 */
	at(test, 0xa00);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x0f);
	/* Read out: the counter is live again. */
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x00);	/* 0x0600 */
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x06);
	/* An LSB-only counter's latch is one byte. */
	out(test, CTRL, CW(1, RW_LSB, 0));
	out(test, CH1, 0x40);
	out(test, CTRL, CW(1, RW_LATCH, 0));
	at(test, 0xa10);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x40);
	KUNIT_EXPECT_EQ(test, in(test, CH1), 0x30);
}

static void pit_read_back(struct kunit *test)
{
	out(test, CTRL, CW(0, RW_LOHI, 2));
	load(test, 0, 0x1234);
	out(test, CTRL, CW(1, RW_LSB, 3) | CW_BCD);
	out(test, CTRL, CW(2, RW_LOHI, 0));
	load(test, 2, 0x0100);
	at(test, 0x34);

	/* Status and count of counters 0 and 2 in one command. */
	out(test, CTRL, RB_COUNT_STATUS(RB_SEL(0) | RB_SEL(2)));
	at(test, 0x200);
	KUNIT_EXPECT_EQ(test, in(test, CH0), ST_OUT | ST(RW_LOHI, 2));
	KUNIT_EXPECT_EQ(test, in(test, CH0), 0x00);
	KUNIT_EXPECT_EQ(test, in(test, CH0), 0x12);
	/* Counter 2: gate low, so mode 0 has not started counting. */
	KUNIT_EXPECT_EQ(test, in(test, CH2), ST(RW_LOHI, 0));
	KUNIT_EXPECT_EQ(test, in(test, CH2), 0x00);
	KUNIT_EXPECT_EQ(test, in(test, CH2), 0x01);
	/* Counter 1: control word, no count yet: null count. */
	out(test, CTRL, RB_STATUS(RB_SEL(1)));
	KUNIT_EXPECT_EQ(test, in(test, CH1), ST_OUT | ST_NULL |
			ST(RW_LSB, 3) | CW_BCD);
	/* Count only; a latched status comes before a latched count. */
	out(test, CTRL, RB_COUNT(RB_SEL(0)));
	out(test, CTRL, RB_STATUS(RB_SEL(0)));
	at(test, 0x300);
	KUNIT_EXPECT_EQ(test, in(test, CH0), ST(RW_LOHI, 2) | ST_OUT);
	KUNIT_EXPECT_EQ(test, in(test, CH0), 0x34);	/* 0x1234 - 0x200 */
	KUNIT_EXPECT_EQ(test, in(test, CH0), 0x10);
	/* A second read-back does not replace an unread latch. */
	out(test, CTRL, RB_COUNT(RB_SEL(0)));
	at(test, 0x400);
	out(test, CTRL, RB_COUNT(RB_SEL(0)));
	KUNIT_EXPECT_EQ(test, in(test, CH0), 0x34);	/* 0x1234 - 0x300 */
	KUNIT_EXPECT_EQ(test, in(test, CH0), 0x0f);
}

static void pit_mode2_new_count_at_reload(struct kunit *test)
{
	out(test, CTRL, CW(1, RW_LOHI, 2));
	load(test, 1, 100);
	at(test, 30);
	load(test, 1, 50);
	/* The current period runs out with the old count: null count. */
	KUNIT_EXPECT_EQ(test, status(test, 1), ST_OUT | ST_NULL | ST(RW_LOHI, 2));
	KUNIT_EXPECT_EQ(test, latched(test, 1), 70);
	at(test, 99);
	KUNIT_EXPECT_EQ(test, latched(test, 1), 1);
	at(test, 100);
	KUNIT_EXPECT_EQ(test, latched(test, 1), 50);
	KUNIT_EXPECT_EQ(test, status(test, 1), ST_OUT | ST(RW_LOHI, 2));
	at(test, 149);
	KUNIT_EXPECT_EQ(test, latched(test, 1), 1);
	at(test, 150);
	KUNIT_EXPECT_EQ(test, latched(test, 1), 50);
}

/* ---- counter 0: IRQ 0 ----------------------------------------------------- */

static void expect_edges(struct kunit *test, u64 t0, u64 period,
			 unsigned int n)
{
	unsigned int i;

	KUNIT_ASSERT_EQ(test, rec(test)->edges, n);
	/* Deadlines are counted from the load: no drift. */
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, rec(test)->edge_ns[i],
				    t2ns(t0 + (i + 1) * period), "edge %u", i);
}

static void pit_mode2_irq_edges(struct kunit *test)
{
	/* Linux's periodic tick at HZ=1000: 1193 clocks (0x4a9). */
	at(test, 500);
	out(test, CTRL, CW(0, RW_LOHI, 2));
	load(test, 0, 1193);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(rec(test)->fh), 1u);
	run_to(test, 500 + 20 * 1193 - 1);
	expect_edges(test, 500, 1193, 19);
	run_to(test, 500 + 20 * 1193);
	expect_edges(test, 500, 1193, 20);
	KUNIT_EXPECT_FALSE(test, rec(test)->level);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(rec(test)->fh), 1u);
}

static void pit_mode3_irq_edges(struct kunit *test)
{
	/* The BIOS's 18.2 Hz: count 0, 65536 clocks a period. */
	out(test, CTRL, CW(0, RW_LOHI, 3));
	load(test, 0, 0);
	run_to(test, 5 * 0x10000 + 0x8000);
	expect_edges(test, 0, 0x10000, 5);
	/* And an odd count: one edge per period still. */
	at(test, 1000000);
	rec(test)->edges = 0;
	out(test, CTRL, CW(0, RW_LOHI, 3));
	load(test, 0, 11931);
	run_to(test, 1000000 + 8 * 11931);
	expect_edges(test, 1000000, 11931, 8);
}

static void pit_mode0_one_edge(struct kunit *test)
{
	out(test, CTRL, CW(0, RW_LOHI, 0));
	load(test, 0, 500);
	run_to(test, 499);
	KUNIT_EXPECT_EQ(test, rec(test)->edges, 0u);
	run_to(test, 500);
	expect_edges(test, 0, 500, 1);
	/* The counter wraps and goes on, OUT stays high: no more edges. */
	run_to(test, 500 + 3 * 0x10000);
	KUNIT_EXPECT_EQ(test, rec(test)->edges, 1u);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(rec(test)->fh), 0u);
	KUNIT_EXPECT_TRUE(test, out_pin(test, 0));
}

static void pit_late_host_coalesces(struct kunit *test)
{
	out(test, CTRL, CW(0, RW_LOHI, 2));
	load(test, 0, 1193);
	run_to(test, 1193);
	KUNIT_EXPECT_EQ(test, rec(test)->edges, 1u);
	/* The host misses a second: 1000 periods, no timer fired. */
	axvm_fake_hal_set_time(rec(test)->fh, NSEC_PER_SEC);
	axvm_fake_hal_advance_time(rec(test)->fh, 1);
	KUNIT_EXPECT_EQ(test, rec(test)->edges, 2u);
	/* Then the period boundaries again: tick 1193182 is in period 1000. */
	run_to(test, 1001 * 1193);
	KUNIT_ASSERT_EQ(test, rec(test)->edges, 3u);
	KUNIT_EXPECT_EQ(test, rec(test)->edge_ns[2], t2ns(1001 * 1193));
	run_to(test, 1002 * 1193);
	KUNIT_EXPECT_EQ(test, rec(test)->edges, 4u);
}

static void pit_tiny_period_limited(struct kunit *test)
{
	/* Count 2 (1.7 us) is not a host timer storm: 100 us apart at most. */
	out(test, CTRL, CW(0, RW_LOHI, 2));
	load(test, 0, 2);
	axvm_fake_hal_advance_time(rec(test)->fh, 1000000);
	KUNIT_EXPECT_EQ(test, rec(test)->edges, 10u);
	KUNIT_EXPECT_EQ(test, rec(test)->edge_ns[0], 100000ull);
	/* The counter itself still runs at full speed: tick 1193 is odd. */
	KUNIT_EXPECT_EQ(test, latched(test, 0), 1);
	KUNIT_EXPECT_EQ(test, status(test, 0), ST(RW_LOHI, 2));
}

static void pit_reprogram_cancels(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;

	out(test, CTRL, CW(0, RW_LOHI, 2));
	load(test, 0, 1193);
	run_to(test, 2 * 1193 + 600);
	KUNIT_EXPECT_EQ(test, rec(test)->edges, 2u);
	/* A control word stops the counter until a count comes. */
	out(test, CTRL, CW(0, RW_LOHI, 2));
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 0u);
	run_to(test, 20 * 1193);
	KUNIT_EXPECT_EQ(test, rec(test)->edges, 2u);
	/* The new count's periods start at its load. */
	rec(test)->edges = 0;
	load(test, 0, 2386);
	run_to(test, 20 * 1193 + 3 * 2386);
	expect_edges(test, 20 * 1193, 2386, 3);
	/* Mode 0 then: the pending period is gone, one edge at the count. */
	rec(test)->edges = 0;
	at(test, 30000);
	out(test, CTRL, CW(0, RW_LOHI, 0));
	load(test, 0, 100);
	run_to(test, 30000 + 5000);
	expect_edges(test, 30000, 100, 1);
	/* Mode 0's first byte stops it before terminal count. */
	rec(test)->edges = 0;
	load(test, 0, 100);
	out(test, CH0, 0x10);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 0u);
	run_to(test, 40000);
	KUNIT_EXPECT_EQ(test, rec(test)->edges, 0u);
}

/* ---- port 0x61 and counter 2 --------------------------------------------- */

static void pit_port61_bits(struct kunit *test)
{
	/* Bits 3:0 read back; 7:4 are status. */
	out(test, PORT61, 0xff);
	KUNIT_EXPECT_EQ(test, in(test, PORT61) & 0x0f, 0x0f);
	out(test, PORT61, 0xf0);
	KUNIT_EXPECT_EQ(test, in(test, PORT61) & 0xcf, 0x00);
	out(test, PORT61, P61_SPKR);
	KUNIT_EXPECT_EQ(test, in(test, PORT61) & 0x0f, P61_SPKR);
}

static void pit_refresh_toggles(struct kunit *test)
{
	/* Refresh requests every 18 clocks (15.1 us): bit 4 follows. */
	u8 a, b, c;

	at(test, 0);
	a = in(test, PORT61) & P61_REFRESH;
	at(test, 17);
	KUNIT_EXPECT_EQ(test, in(test, PORT61) & P61_REFRESH, a);
	at(test, 18);
	b = in(test, PORT61) & P61_REFRESH;
	at(test, 36);
	c = in(test, PORT61) & P61_REFRESH;
	KUNIT_EXPECT_NE(test, a, b);
	KUNIT_EXPECT_EQ(test, a, c);
}

static void pit_calibration_loop(struct kunit *test)
{
	/* Linux's pit_calibrate_tsc(): 10 ms on counter 2, mode 0. */
	const u16 latch = 11931;	/* PIT_TICK_RATE / (1000 / 10) */
	unsigned int polls = 0;
	u64 t0 = 123456;

	at(test, t0);
	out(test, PORT61, (in(test, PORT61) & ~P61_SPKR) | P61_GATE2);
	out(test, CTRL, 0xb0);		/* counter 2, LSB then MSB, mode 0 */
	out(test, CH2, latch & 0xff);
	out(test, CH2, latch >> 8);
	while (!(in(test, PORT61) & P61_OUT2) && polls < 100000) {
		axvm_fake_hal_advance_time(rec(test)->fh, 1000);
		polls++;
	}
	/* OUT2 rose at the first poll at or after 10 ms, not before. */
	KUNIT_EXPECT_GE(test, now_ns(test), t2ns(t0 + latch));
	KUNIT_EXPECT_LT(test, now_ns(test), t2ns(t0 + latch) + 1000);
	at(test, t0 + latch - 1);
	KUNIT_EXPECT_FALSE(test, in(test, PORT61) & P61_OUT2);
	at(test, t0 + latch);
	KUNIT_EXPECT_TRUE(test, in(test, PORT61) & P61_OUT2);
	/* Counters 1 and 2 never use a timer. */
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(rec(test)->fh), 0u);
}

static void pit_quick_calibrate_msb(struct kunit *test)
{
	/* quick_pit_calibrate(): count 0xffff, watch the MSB go down. */
	out(test, PORT61, P61_GATE2);
	out(test, CTRL, 0xb0);
	out(test, CH2, 0xff);
	out(test, CH2, 0xff);
	at(test, 255);
	in(test, CH2);				/* LSB, ignored */
	KUNIT_EXPECT_EQ(test, in(test, CH2), 0xff);	/* 0xff00 */
	at(test, 256);
	in(test, CH2);
	KUNIT_EXPECT_EQ(test, in(test, CH2), 0xfe);
	at(test, 256 * 10 + 5);
	in(test, CH2);
	KUNIT_EXPECT_EQ(test, in(test, CH2), 0xf5);
}

static void pit_gate_stops_mode0(struct kunit *test)
{
	/* Counter 2 loaded with its gate low: mode 0 waits. */
	out(test, CTRL, CW(2, RW_LOHI, 0));
	load(test, 2, 1000);
	at(test, 300);
	KUNIT_EXPECT_EQ(test, latched(test, 2), 1000);
	out(test, PORT61, P61_GATE2);
	at(test, 400);
	KUNIT_EXPECT_EQ(test, latched(test, 2), 900);
	/* Gate low holds the count, high lets it go on. */
	out(test, PORT61, 0);
	at(test, 5000);
	KUNIT_EXPECT_EQ(test, latched(test, 2), 900);
	KUNIT_EXPECT_FALSE(test, in(test, PORT61) & P61_OUT2);
	out(test, PORT61, P61_GATE2);
	at(test, 5899);
	KUNIT_EXPECT_EQ(test, latched(test, 2), 1);
	KUNIT_EXPECT_FALSE(test, in(test, PORT61) & P61_OUT2);
	at(test, 5900);
	KUNIT_EXPECT_TRUE(test, in(test, PORT61) & P61_OUT2);
}

static void pit_gate_mode2_3(struct kunit *test)
{
	out(test, PORT61, P61_GATE2);
	out(test, CTRL, CW(2, RW_LOHI, 3));
	load(test, 2, 100);
	at(test, 60);
	KUNIT_EXPECT_FALSE(test, in(test, PORT61) & P61_OUT2);
	/* Gate low: OUT high at once, counting stops. */
	out(test, PORT61, 0);
	KUNIT_EXPECT_TRUE(test, in(test, PORT61) & P61_OUT2);
	at(test, 1000);
	KUNIT_EXPECT_EQ(test, latched(test, 2), 80);
	KUNIT_EXPECT_TRUE(test, in(test, PORT61) & P61_OUT2);
	/* Rising gate: reload, a fresh high half. */
	out(test, PORT61, P61_GATE2);
	KUNIT_EXPECT_EQ(test, latched(test, 2), 100);
	at(test, 1049);
	KUNIT_EXPECT_TRUE(test, in(test, PORT61) & P61_OUT2);
	at(test, 1050);
	KUNIT_EXPECT_FALSE(test, in(test, PORT61) & P61_OUT2);
	/* Mode 2 the same way. */
	out(test, CTRL, CW(2, RW_LOHI, 2));
	load(test, 2, 10);
	at(test, 1059);
	KUNIT_EXPECT_FALSE(test, in(test, PORT61) & P61_OUT2);
	out(test, PORT61, 0);
	KUNIT_EXPECT_TRUE(test, in(test, PORT61) & P61_OUT2);
	at(test, 2000);
	out(test, PORT61, P61_GATE2);
	KUNIT_EXPECT_EQ(test, latched(test, 2), 10);
	at(test, 2009);
	KUNIT_EXPECT_FALSE(test, in(test, PORT61) & P61_OUT2);
}

/* ---- lifetime ------------------------------------------------------------- */

static void pit_reset_disarms(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;
	unsigned int ch;

	out(test, CTRL, CW(0, RW_LOHI, 2));
	load(test, 0, 1193);
	out(test, CTRL, CW(1, RW_LSB, 3));
	out(test, PORT61, P61_GATE2 | P61_SPKR);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 1u);
	axvm_i8254_reset(rec(test)->pit);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_armed(fh), 0u);
	run_to(test, 10 * 1193);
	KUNIT_EXPECT_EQ(test, rec(test)->edges, 0u);
	for (ch = 0; ch < 3; ch++)
		KUNIT_EXPECT_EQ_MSG(test, status(test, ch),
				    ST_NULL | ST(RW_LOHI, 0), "ch %u", ch);
	KUNIT_EXPECT_EQ(test, in(test, PORT61) & ~P61_REFRESH, 0);
}

static void pit_destroy_frees_timer(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;

	out(test, CTRL, CW(0, RW_LOHI, 2));
	load(test, 0, 1193);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(fh), 1u);
	axvm_i8254_destroy(rec(test)->pit);
	rec(test)->pit = NULL;
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(fh), 0u);
	/* NULL and error pointers are fine. */
	axvm_i8254_destroy(NULL);
	axvm_i8254_destroy(ERR_PTR(-ENOMEM));
}

static void pit_create_errors(struct kunit *test)
{
	struct axvm_fake_hal *fh = rec(test)->fh;
	struct axvm_i8254_host host = { .set_irq = rec_set_irq, .hal = &fh->ops };
	struct axvm_i8254_host bad = host;

	bad.set_irq = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_i8254_create(&bad)), -EINVAL);
	bad = host;
	bad.hal = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_i8254_create(&bad)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_i8254_create(NULL)), -EINVAL);
	/* The timer cannot be had: -ENOMEM and nothing left behind. */
	axvm_fake_hal_fail_all_allocs(fh, true);
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_i8254_create(&host)), -ENOMEM);
	axvm_fake_hal_fail_all_allocs(fh, false);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(fh), 1u);
}

static struct kunit_case pit_cases[] = {
	KUNIT_CASE(pit_ports),
	KUNIT_CASE(pit_power_on),
	KUNIT_CASE(pit_mode0_sequence),
	KUNIT_CASE(pit_mode2_sequence),
	KUNIT_CASE(pit_mode3_sequence),
	KUNIT_CASE(pit_mode6_7_are_2_3),
	KUNIT_CASE(pit_count_zero_is_max),
	KUNIT_CASE(pit_bcd),
	KUNIT_CASE(pit_mode4_mode1_approx),
	KUNIT_CASE(pit_access_modes),
	KUNIT_CASE(pit_mode0_first_byte_stops),
	KUNIT_CASE(pit_latch_freezes),
	KUNIT_CASE(pit_read_back),
	KUNIT_CASE(pit_mode2_new_count_at_reload),
	KUNIT_CASE(pit_mode2_irq_edges),
	KUNIT_CASE(pit_mode3_irq_edges),
	KUNIT_CASE(pit_mode0_one_edge),
	KUNIT_CASE(pit_late_host_coalesces),
	KUNIT_CASE(pit_tiny_period_limited),
	KUNIT_CASE(pit_reprogram_cancels),
	KUNIT_CASE(pit_port61_bits),
	KUNIT_CASE(pit_refresh_toggles),
	KUNIT_CASE(pit_calibration_loop),
	KUNIT_CASE(pit_quick_calibrate_msb),
	KUNIT_CASE(pit_gate_stops_mode0),
	KUNIT_CASE(pit_gate_mode2_3),
	KUNIT_CASE(pit_reset_disarms),
	KUNIT_CASE(pit_destroy_frees_timer),
	KUNIT_CASE(pit_create_errors),
	{}
};

static struct kunit_suite axvm_i8254_suite = {
	.name = "axvm_i8254",
	.init = pit_test_init,
	.exit = pit_test_exit,
	.test_cases = pit_cases,
};
kunit_test_suite(axvm_i8254_suite);
