// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_hpet: the HPET model through its MMIO window as Linux's
 * arch/x86/kernel/hpet.c programs it, on the fake HAL's clock, with a
 * host that records its interrupt lines. Offsets, bits and values come
 * from the IA-PC HPET specification 1.0a, spelled out here rather than
 * taken from hpet.h, so a wrong constant there fails.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/err.h>
#include "devices/hpet.h"
#include "fake_hal.h"

#define US		1000ULL
#define NS_PER_TICK	10		/* 10^7 fs */

#define CAP		0x000
#define CFG		0x010
#define STATUS		0x020
#define COUNTER		0x0f0
#define T_CFG(n)	(0x100 + 0x20 * (n))
#define T_CMP(n)	(0x108 + 0x20 * (n))
#define T_FSB(n)	(0x110 + 0x20 * (n))

#define CFG_ENABLE	BIT_ULL(0)
#define CFG_LEGACY	BIT_ULL(1)

#define TN_LEVEL	BIT_ULL(1)
#define TN_ENB		BIT_ULL(2)
#define TN_PERIODIC	BIT_ULL(3)
#define TN_PER_CAP	BIT_ULL(4)
#define TN_SIZE_CAP	BIT_ULL(5)
#define TN_VAL_SET	BIT_ULL(6)
#define TN_32BIT	BIT_ULL(8)
#define TN_ROUTE(p)	((u64)(p) << 9)
#define TN_FSB_EN	BIT_ULL(14)
/* Pins 2 and 16-23, in bits 63:32. */
#define TN_CAPS		(0x00ff0004ULL << 32 | TN_PER_CAP | TN_SIZE_CAP)

#define LINES		32

struct hpet_rec {
	struct axvm_fake_hal *fh;
	struct axvm_hpet *hpet;
	bool level[LINES];
	unsigned int rises[LINES];
	unsigned int calls;
	unsigned int nr_rises;
	u64 rise_ns[16];
	bool bad;			/* a line reported at its own level */
};

static struct hpet_rec *rec(struct kunit *test)
{
	return test->priv;
}

static void rec_set_irq(void *ctx, u32 line, bool level)
{
	struct hpet_rec *r = ctx;

	r->calls++;
	if (line >= LINES || r->level[line] == level) {
		r->bad = true;
		return;
	}
	r->level[line] = level;
	if (!level)
		return;
	r->rises[line]++;
	if (r->nr_rises < ARRAY_SIZE(r->rise_ns))
		r->rise_ns[r->nr_rises] =
			r->fh->ops.current_time_nanos(&r->fh->ops);
	r->nr_rises++;
}

static int hpet_test_init(struct kunit *test)
{
	struct hpet_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct axvm_hpet_host host = { .set_irq = rec_set_irq };

	if (!r)
		return -ENOMEM;
	r->fh = axvm_fake_hal_new(test);
	host.ctx = r;
	host.hal = &r->fh->ops;
	r->hpet = axvm_hpet_create(&host);
	if (IS_ERR(r->hpet))
		return PTR_ERR(r->hpet);
	test->priv = r;
	return 0;
}

static void hpet_test_exit(struct kunit *test)
{
	struct hpet_rec *r = test->priv;

	if (!r)
		return;
	KUNIT_EXPECT_FALSE(test, r->bad);
	axvm_hpet_destroy(r->hpet);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(r->fh), 0U);
}

static u64 r64(struct kunit *test, u32 off)
{
	return axvm_hpet_mmio_read(rec(test)->hpet, off, 8);
}

static u32 r32(struct kunit *test, u32 off)
{
	return axvm_hpet_mmio_read(rec(test)->hpet, off, 4);
}

static void w64(struct kunit *test, u32 off, u64 val)
{
	axvm_hpet_mmio_write(rec(test)->hpet, off, 8, val);
}

static void w32(struct kunit *test, u32 off, u32 val)
{
	axvm_hpet_mmio_write(rec(test)->hpet, off, 4, val);
}

static void advance(struct kunit *test, u64 ns)
{
	axvm_fake_hal_advance_time(rec(test)->fh, ns);
}

static unsigned int armed(struct kunit *test)
{
	return axvm_fake_hal_timers_armed(rec(test)->fh);
}

/* ---- registers -------------------------------------------------------------- */

static void hpet_capabilities(struct kunit *test)
{
	/*
	 * Period 10^7 fs (63:32), vendor 0x8086 (31:16), LEG_RT_CAP (15),
	 * COUNT_SIZE_CAP (13), NUM_TIM_CAP 2 (12:8), revision 1.
	 */
	u64 cap = 0x00989680ULL << 32 | 0x8086ULL << 16 | BIT(15) | BIT(13) |
		  2 << 8 | 1;
	unsigned int n;

	KUNIT_EXPECT_EQ(test, cap, 0x009896808086a201ULL);
	KUNIT_EXPECT_EQ(test, r64(test, CAP), cap);
	KUNIT_EXPECT_EQ(test, r32(test, CAP), 0x8086a201U);
	KUNIT_EXPECT_EQ(test, r32(test, CAP + 4), 10000000U);
	w64(test, CAP, 0);
	KUNIT_EXPECT_EQ(test, r64(test, CAP), cap);
	/* Power-on values. */
	KUNIT_EXPECT_EQ(test, r64(test, CFG), 0ULL);
	KUNIT_EXPECT_EQ(test, r64(test, STATUS), 0ULL);
	KUNIT_EXPECT_EQ(test, r64(test, COUNTER), 0ULL);
	for (n = 0; n < 3; n++) {
		KUNIT_EXPECT_EQ(test, r64(test, T_CFG(n)), TN_CAPS);
		KUNIT_EXPECT_EQ(test, r64(test, T_CMP(n)), ~0ULL);
		KUNIT_EXPECT_EQ(test, r64(test, T_FSB(n)), 0ULL);
	}
	KUNIT_EXPECT_FALSE(test, axvm_hpet_legacy(rec(test)->hpet));
}

static void hpet_timer_config_bits(struct kunit *test)
{
	/* Writable: 1, 2, 3, 6, 8, 13:9. Caps and FSB stay as they are. */
	w64(test, T_CFG(1), ~0ULL & ~TN_ROUTE(0x1f));
	KUNIT_EXPECT_EQ(test, r64(test, T_CFG(1)),
			TN_CAPS | TN_LEVEL | TN_ENB | TN_PERIODIC |
			TN_VAL_SET | TN_32BIT);
	KUNIT_EXPECT_FALSE(test, r64(test, T_CFG(1)) & TN_FSB_EN);
	w64(test, T_CFG(1), 0);
	KUNIT_EXPECT_EQ(test, r64(test, T_CFG(1)), TN_CAPS);
	/* The high half (INT_ROUTE_CAP) is read-only. */
	w32(test, T_CFG(1) + 4, 0);
	KUNIT_EXPECT_EQ(test, r32(test, T_CFG(1) + 4), 0x00ff0004U);
	/* FSB route: reads 0, writes ignored. */
	w64(test, T_FSB(1), ~0ULL);
	KUNIT_EXPECT_EQ(test, r64(test, T_FSB(1)), 0ULL);
}

static void hpet_access_widths(struct kunit *test)
{
	struct axvm_hpet *h = rec(test)->hpet;

	/* Only 4 and 8 bytes, naturally aligned. */
	KUNIT_EXPECT_EQ(test, axvm_hpet_mmio_read(h, CAP, 1), 0ULL);
	KUNIT_EXPECT_EQ(test, axvm_hpet_mmio_read(h, CAP, 2), 0ULL);
	KUNIT_EXPECT_EQ(test, axvm_hpet_mmio_read(h, CAP + 4, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, axvm_hpet_mmio_read(h, CAP + 2, 4), 0ULL);
	axvm_hpet_mmio_write(h, T_CMP(0), 2, 0);
	axvm_hpet_mmio_write(h, T_CMP(0) + 4, 8, 0);
	axvm_hpet_mmio_write(h, T_CMP(0) + 1, 4, 0);
	KUNIT_EXPECT_EQ(test, r64(test, T_CMP(0)), ~0ULL);
	/* A 4-byte access is one half of a 64-bit register. */
	w32(test, T_CMP(0), 0x11223344);
	KUNIT_EXPECT_EQ(test, r64(test, T_CMP(0)), 0xffffffff11223344ULL);
	w32(test, T_CMP(0) + 4, 0x55667788);
	KUNIT_EXPECT_EQ(test, r64(test, T_CMP(0)), 0x5566778811223344ULL);
	KUNIT_EXPECT_EQ(test, r32(test, T_CMP(0) + 4), 0x55667788U);
	/* Offsets without a register, and past the window. */
	KUNIT_EXPECT_EQ(test, r64(test, 0x008), 0ULL);
	KUNIT_EXPECT_EQ(test, r64(test, 0x0f8), 0ULL);
	KUNIT_EXPECT_EQ(test, r64(test, 0x160), 0ULL);
	KUNIT_EXPECT_EQ(test, r64(test, 0x3f8), 0ULL);
	KUNIT_EXPECT_EQ(test, axvm_hpet_mmio_read(h, 0x400, 4), 0ULL);
	w64(test, 0x160, ~0ULL);
	KUNIT_EXPECT_EQ(test, r64(test, 0x160), 0ULL);
}

/* ---- the counter ------------------------------------------------------------ */

static void hpet_counter_enable(struct kunit *test)
{
	advance(test, US);
	KUNIT_EXPECT_EQ(test, r64(test, COUNTER), 0ULL);	/* halted */
	w64(test, CFG, CFG_ENABLE);
	advance(test, US);
	KUNIT_EXPECT_EQ(test, r64(test, COUNTER), 100ULL);	/* 100 MHz */
	KUNIT_EXPECT_EQ(test, r32(test, COUNTER), 100U);
	/* Not writable while it runs. */
	w64(test, COUNTER, 5000);
	KUNIT_EXPECT_EQ(test, r64(test, COUNTER), 100ULL);
	w64(test, CFG, 0);
	advance(test, US);
	KUNIT_EXPECT_EQ(test, r64(test, COUNTER), 100ULL);
	/* Writable while halted, also by halves. */
	w64(test, COUNTER, 0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, r64(test, COUNTER), 0x1122334455667788ULL);
	w32(test, COUNTER + 4, 0);
	w32(test, COUNTER, 1000);
	KUNIT_EXPECT_EQ(test, r64(test, COUNTER), 1000ULL);
	w64(test, CFG, CFG_ENABLE);
	advance(test, 2 * US + 9);
	KUNIT_EXPECT_EQ(test, r64(test, COUNTER), 1200ULL);
	/* Reserved bits of CFG read 0. */
	w64(test, CFG, ~0ULL);
	KUNIT_EXPECT_EQ(test, r64(test, CFG), CFG_ENABLE | CFG_LEGACY);
}

/* ---- comparators ------------------------------------------------------------ */

static void hpet_oneshot_edge(struct kunit *test)
{
	struct hpet_rec *r = rec(test);

	w64(test, T_CFG(2), TN_ENB | TN_ROUTE(20));
	w64(test, T_CMP(2), 1000);		/* 10 us */
	KUNIT_EXPECT_EQ(test, armed(test), 0U);	/* the counter is halted */
	w64(test, CFG, CFG_ENABLE);
	KUNIT_EXPECT_EQ(test, armed(test), 1U);
	advance(test, 1000 * NS_PER_TICK - 1);
	KUNIT_EXPECT_EQ(test, r->rises[20], 0U);
	advance(test, 1);
	KUNIT_EXPECT_EQ(test, r->rises[20], 1U);
	KUNIT_EXPECT_FALSE(test, r->level[20]);	/* a pulse */
	KUNIT_EXPECT_EQ(test, r->rise_ns[0], 10 * US);
	/* Edge: no status. Once: no timer left. */
	KUNIT_EXPECT_EQ(test, r64(test, STATUS), 0ULL);
	KUNIT_EXPECT_EQ(test, armed(test), 0U);
	advance(test, 100000 * US);
	KUNIT_EXPECT_EQ(test, r->rises[20], 1U);
	KUNIT_EXPECT_EQ(test, r->calls, 2U);
	/* A new comparator value: once more. */
	w64(test, T_CMP(2), r64(test, COUNTER) + 50);
	advance(test, 50 * NS_PER_TICK);
	KUNIT_EXPECT_EQ(test, r->rises[20], 2U);
}

static void hpet_level_holds(struct kunit *test)
{
	struct hpet_rec *r = rec(test);

	w64(test, T_CFG(2), TN_LEVEL | TN_ENB | TN_ROUTE(21));
	w64(test, T_CMP(2), 100);
	w64(test, CFG, CFG_ENABLE);
	advance(test, US);
	KUNIT_EXPECT_TRUE(test, r->level[21]);
	KUNIT_EXPECT_EQ(test, r64(test, STATUS), BIT_ULL(2));
	advance(test, 1000 * US);
	KUNIT_EXPECT_TRUE(test, r->level[21]);
	KUNIT_EXPECT_EQ(test, r->calls, 1U);
	/* Writing 0s, or other timers' bits, changes nothing. */
	w64(test, STATUS, 0);
	w64(test, STATUS, BIT(0) | BIT(1));
	KUNIT_EXPECT_EQ(test, r64(test, STATUS), BIT_ULL(2));
	KUNIT_EXPECT_TRUE(test, r->level[21]);
	/* Write 1 to clear: the line goes low. */
	w32(test, STATUS, BIT(2));
	KUNIT_EXPECT_EQ(test, r64(test, STATUS), 0ULL);
	KUNIT_EXPECT_FALSE(test, r->level[21]);
	KUNIT_EXPECT_EQ(test, r->calls, 2U);
}

static void hpet_level_line_moves(struct kunit *test)
{
	struct hpet_rec *r = rec(test);

	w64(test, T_CFG(1), TN_LEVEL | TN_ENB | TN_ROUTE(21));
	w64(test, T_CMP(1), 100);
	w64(test, CFG, CFG_ENABLE);
	advance(test, US);
	KUNIT_EXPECT_TRUE(test, r->level[21]);
	/* A new route, legacy mode: the held line moves. */
	w64(test, T_CFG(1), TN_LEVEL | TN_ENB | TN_ROUTE(22));
	KUNIT_EXPECT_FALSE(test, r->level[21]);
	KUNIT_EXPECT_TRUE(test, r->level[22]);
	w64(test, CFG, CFG_ENABLE | CFG_LEGACY);
	KUNIT_EXPECT_FALSE(test, r->level[22]);
	KUNIT_EXPECT_TRUE(test, r->level[8]);
	/* Made an edge timer, or its interrupt disabled: status clears. */
	w64(test, T_CFG(1), TN_ENB | TN_ROUTE(22));
	KUNIT_EXPECT_FALSE(test, r->level[8]);
	KUNIT_EXPECT_EQ(test, r64(test, STATUS), 0ULL);
}

static void hpet_periodic(struct kunit *test)
{
	struct hpet_rec *r = rec(test);
	unsigned int i;

	/* As Linux's hpet_set_periodic: halted, SETVAL, start, period. */
	w64(test, T_CFG(0), TN_ENB | TN_PERIODIC | TN_VAL_SET | TN_32BIT |
		TN_ROUTE(2));
	w32(test, T_CMP(0), 1000);
	KUNIT_EXPECT_FALSE(test, r64(test, T_CFG(0)) & TN_VAL_SET);
	w32(test, T_CMP(0), 1000);
	KUNIT_EXPECT_EQ(test, r64(test, T_CMP(0)), 1000ULL);
	w64(test, CFG, CFG_ENABLE);
	advance(test, 10 * 1000 * NS_PER_TICK);
	KUNIT_EXPECT_EQ(test, r->rises[2], 10U);
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_EQ(test, r->rise_ns[i], (i + 1) * 10 * US);
	/* The comparator is the next match. */
	KUNIT_EXPECT_EQ(test, r64(test, T_CMP(0)), 11000ULL);
	KUNIT_EXPECT_EQ(test, armed(test), 1U);
	/* A new period without SETVAL: the comparator stays. */
	w32(test, T_CMP(0), 500);
	KUNIT_EXPECT_EQ(test, r64(test, T_CMP(0)), 11000ULL);
	advance(test, 10 * US);
	KUNIT_EXPECT_EQ(test, r->rises[2], 11U);
	KUNIT_EXPECT_EQ(test, r64(test, T_CMP(0)), 11500ULL);
	advance(test, 5 * US);
	KUNIT_EXPECT_EQ(test, r->rises[2], 12U);
}

static void hpet_periodic_coalesces(struct kunit *test)
{
	struct hpet_rec *r = rec(test);

	w64(test, T_CFG(2), TN_ENB | TN_PERIODIC | TN_VAL_SET |
		TN_ROUTE(23));
	w64(test, T_CMP(2), 1000);
	w64(test, T_CMP(2), 1000);
	w64(test, CFG, CFG_ENABLE);
	/* The host's timer runs 45 us late: one interrupt, not five. */
	axvm_fake_hal_set_time(r->fh, 55 * US);
	advance(test, 0);
	KUNIT_EXPECT_EQ(test, r->rises[23], 1U);
	KUNIT_EXPECT_EQ(test, r->rise_ns[0], 55 * US);
	/* And the grid is kept: next at 60 us, not 65 us. */
	KUNIT_EXPECT_EQ(test, r64(test, T_CMP(2)), 6000ULL);
	advance(test, 5 * US);
	KUNIT_EXPECT_EQ(test, r->rises[23], 2U);
	KUNIT_EXPECT_EQ(test, r->rise_ns[1], 60 * US);
}

static void hpet_32bit_mode(struct kunit *test)
{
	struct hpet_rec *r = rec(test);

	/* 32-bit mode: the comparator has no high half. */
	w64(test, T_CFG(2), TN_32BIT | TN_ROUTE(16));
	KUNIT_EXPECT_EQ(test, r64(test, T_CMP(2)), 0xffffffffULL);
	w32(test, T_CMP(2) + 4, 0x1234);
	w32(test, T_CMP(2), 0x10);
	KUNIT_EXPECT_EQ(test, r64(test, T_CMP(2)), 0x10ULL);
	w64(test, T_CMP(2), 0x777700000010ULL);
	KUNIT_EXPECT_EQ(test, r64(test, T_CMP(2)), 0x10ULL);
	/* It matches the low 32 bits: past the wrap of 0xfffffff0. */
	w64(test, COUNTER, 0xfffffff0ULL);
	w64(test, T_CFG(2), TN_ENB | TN_32BIT | TN_ROUTE(16));
	w64(test, CFG, CFG_ENABLE);
	advance(test, 0x20 * NS_PER_TICK - 1);
	KUNIT_EXPECT_EQ(test, r->rises[16], 0U);
	advance(test, 1);
	KUNIT_EXPECT_EQ(test, r->rises[16], 1U);
	KUNIT_EXPECT_EQ(test, r64(test, COUNTER), 0x100000010ULL);
	/* One-shot in 32-bit mode: again when the low half comes round. */
	advance(test, (1ULL << 32) * NS_PER_TICK - 1);
	KUNIT_EXPECT_EQ(test, r->rises[16], 1U);
	advance(test, 1);
	KUNIT_EXPECT_EQ(test, r->rises[16], 2U);
}

static void hpet_legacy_routes(struct kunit *test)
{
	struct hpet_rec *r = rec(test);
	unsigned int n;

	for (n = 0; n < 3; n++) {
		w64(test, T_CFG(n), TN_ENB | TN_ROUTE(20 + n));
		w64(test, T_CMP(n), 100 * (n + 1));
	}
	/* Legacy replacement: timer 0 on ISA IRQ 0, timer 1 on IRQ 8. */
	w64(test, CFG, CFG_ENABLE | CFG_LEGACY);
	KUNIT_EXPECT_TRUE(test, axvm_hpet_legacy(r->hpet));
	advance(test, 3 * US);
	KUNIT_EXPECT_EQ(test, r->rises[0], 1U);
	KUNIT_EXPECT_EQ(test, r->rises[8], 1U);
	KUNIT_EXPECT_EQ(test, r->rises[22], 1U);
	KUNIT_EXPECT_EQ(test, r->rises[20] + r->rises[21], 0U);
	/* Without it: their INT_ROUTE_CNF. */
	w64(test, CFG, 0);
	KUNIT_EXPECT_FALSE(test, axvm_hpet_legacy(r->hpet));
	w64(test, COUNTER, 0);
	w64(test, CFG, CFG_ENABLE);
	advance(test, 3 * US);
	KUNIT_EXPECT_EQ(test, r->rises[20], 1U);
	KUNIT_EXPECT_EQ(test, r->rises[21], 1U);
	KUNIT_EXPECT_EQ(test, r->rises[22], 2U);
	KUNIT_EXPECT_EQ(test, r->rises[0] + r->rises[8], 2U);
}

static void hpet_route_refused(struct kunit *test)
{
	static const unsigned int ok[] = { 2, 16, 17, 23 };
	static const unsigned int refused[] = { 0, 1, 3, 8, 15, 24, 31 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		w64(test, T_CFG(2), TN_ROUTE(ok[i]));
		KUNIT_EXPECT_EQ_MSG(test, r64(test, T_CFG(2)),
				    TN_CAPS | TN_ROUTE(ok[i]), "pin %u", ok[i]);
	}
	/* A pin not in INT_ROUTE_CAP: the route stays, the rest applies. */
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		w64(test, T_CFG(2), TN_ENB | TN_ROUTE(refused[i]));
		KUNIT_EXPECT_EQ_MSG(test, r64(test, T_CFG(2)),
				    TN_CAPS | TN_ENB | TN_ROUTE(23),
				    "pin %u", refused[i]);
	}
	/* After reset the route is 0, which is no line at all. */
	axvm_hpet_reset(rec(test)->hpet);
	w64(test, T_CFG(2), TN_ENB);
	w64(test, T_CMP(2), 10);
	w64(test, CFG, CFG_ENABLE);
	advance(test, US);
	KUNIT_EXPECT_EQ(test, rec(test)->calls, 0U);
}

static void hpet_disable_cancels(struct kunit *test)
{
	struct hpet_rec *r = rec(test);
	unsigned int n;

	for (n = 0; n < 3; n++) {
		w64(test, T_CFG(n), TN_ENB | TN_PERIODIC | TN_VAL_SET |
			TN_ROUTE(16 + n));
		w64(test, T_CMP(n), 1000);
		w64(test, T_CMP(n), 1000);
	}
	w64(test, CFG, CFG_ENABLE);
	KUNIT_EXPECT_EQ(test, armed(test), 3U);
	/* Halting the counter cancels every timer. */
	w64(test, CFG, 0);
	KUNIT_EXPECT_EQ(test, armed(test), 0U);
	advance(test, 100 * US);
	KUNIT_EXPECT_EQ(test, r->calls, 0U);
	/* Disabling a timer's interrupt cancels its own. */
	w64(test, CFG, CFG_ENABLE);
	KUNIT_EXPECT_EQ(test, armed(test), 3U);
	w64(test, T_CFG(1), TN_PERIODIC | TN_ROUTE(17));
	KUNIT_EXPECT_EQ(test, armed(test), 2U);
	advance(test, 10 * US);
	KUNIT_EXPECT_EQ(test, r->rises[16], 1U);
	KUNIT_EXPECT_EQ(test, r->rises[17], 0U);
	KUNIT_EXPECT_EQ(test, r->rises[18], 1U);
	/* Reset stops all. */
	axvm_hpet_reset(r->hpet);
	KUNIT_EXPECT_EQ(test, armed(test), 0U);
	advance(test, 100 * US);
	KUNIT_EXPECT_EQ(test, r->rises[16] + r->rises[18], 2U);
}

static void hpet_periodic_enabled_late(struct kunit *test)
{
	struct hpet_rec *r = rec(test);

	/* Periodic, interrupt off while the counter passes its comparator. */
	w64(test, T_CFG(2), TN_PERIODIC | TN_VAL_SET | TN_ROUTE(19));
	w64(test, T_CMP(2), 1000);
	w64(test, T_CMP(2), 1000);
	w64(test, CFG, CFG_ENABLE);
	advance(test, 35 * US);
	/* Enabled: it steps on to its next match, 40 us, on its grid. */
	w64(test, T_CFG(2), TN_ENB | TN_PERIODIC | TN_ROUTE(19));
	KUNIT_EXPECT_EQ(test, r64(test, T_CMP(2)), 4000ULL);
	advance(test, 5 * US);
	KUNIT_EXPECT_EQ(test, r->rises[19], 1U);
	KUNIT_EXPECT_EQ(test, r->rise_ns[0], 40 * US);
}

static void hpet_reset_state(struct kunit *test)
{
	struct hpet_rec *r = rec(test);
	unsigned int n;

	w64(test, T_CFG(0), TN_LEVEL | TN_ENB | TN_32BIT | TN_ROUTE(2));
	w64(test, T_CMP(0), 10);
	w64(test, CFG, CFG_ENABLE | CFG_LEGACY);
	advance(test, US);
	KUNIT_EXPECT_TRUE(test, r->level[0]);
	axvm_hpet_reset(r->hpet);
	KUNIT_EXPECT_FALSE(test, r->level[0]);
	KUNIT_EXPECT_EQ(test, r64(test, CFG), 0ULL);
	KUNIT_EXPECT_EQ(test, r64(test, STATUS), 0ULL);
	KUNIT_EXPECT_EQ(test, r64(test, COUNTER), 0ULL);
	for (n = 0; n < 3; n++) {
		KUNIT_EXPECT_EQ(test, r64(test, T_CFG(n)), TN_CAPS);
		KUNIT_EXPECT_EQ(test, r64(test, T_CMP(n)), ~0ULL);
	}
	KUNIT_EXPECT_EQ(test, armed(test), 0U);
}

static void hpet_create_rejects(struct kunit *test)
{
	struct axvm_hpet_host host = { .hal = &rec(test)->fh->ops };

	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_hpet_create(NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_hpet_create(&host)), -EINVAL);
	host.set_irq = rec_set_irq;
	host.hal = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_hpet_create(&host)), -EINVAL);
	/* The third timer fails: the first two are given back. */
	host.hal = &rec(test)->fh->ops;
	axvm_fake_hal_fail_alloc_after(rec(test)->fh, 2);
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_hpet_create(&host)), -ENOMEM);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_timers_live(rec(test)->fh), 3U);
}

static struct kunit_case hpet_cases[] = {
	KUNIT_CASE(hpet_capabilities),
	KUNIT_CASE(hpet_timer_config_bits),
	KUNIT_CASE(hpet_access_widths),
	KUNIT_CASE(hpet_counter_enable),
	KUNIT_CASE(hpet_oneshot_edge),
	KUNIT_CASE(hpet_level_holds),
	KUNIT_CASE(hpet_level_line_moves),
	KUNIT_CASE(hpet_periodic),
	KUNIT_CASE(hpet_periodic_coalesces),
	KUNIT_CASE(hpet_periodic_enabled_late),
	KUNIT_CASE(hpet_32bit_mode),
	KUNIT_CASE(hpet_legacy_routes),
	KUNIT_CASE(hpet_route_refused),
	KUNIT_CASE(hpet_disable_cancels),
	KUNIT_CASE(hpet_reset_state),
	KUNIT_CASE(hpet_create_rejects),
	{}
};

static struct kunit_suite hpet_suite = {
	.name = "axvm_hpet",
	.init = hpet_test_init,
	.exit = hpet_test_exit,
	.test_cases = hpet_cases,
};
kunit_test_suite(hpet_suite);
