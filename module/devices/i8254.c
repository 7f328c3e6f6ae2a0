// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 PIT after Intel's 82C54 datasheet, and the PC's port 0x61.
 *
 * One clock of AXVM_I8254_HZ drives the three counters. We keep no
 * running count: a loaded counter remembers the tick it was loaded at
 * ("start", on the clock ns_to_ticks(current_time_nanos)) and its
 * initial count n, and every read computes the count and OUT from the
 * ticks elapsed since. A gate that stops counting freezes the elapsed
 * ticks instead. Counter 0 arms one HAL timer for the tick of its next
 * interrupt; counters 1 and 2 need none.
 *
 * Approximations (all documented in docs/devices.md):
 * - A count is loaded at the tick it is written, not on the next clock
 *   edge as on the chip, so mode 0's OUT rises n ticks after the write
 *   rather than n + 1.
 * - Modes 2 and 3 take a count written while they run at the end of the
 *   current period (mode 3: of the period, not of the half-cycle); the
 *   status byte shows null count until then.
 * - Mode 3 with an odd count n reads n - 1, n - 3, ... in both halves
 *   (high for (n + 1) / 2 ticks, low for (n - 1) / 2), as the chip does
 *   but for the exact clock on which the low half reloads.
 * - Modes 1 and 5 are triggered by the count write itself and, on
 *   counter 2, by each rising gate; counters 0 and 1 have their gates
 *   tied high and get no other trigger.
 * - The read and the write of a LSB-then-MSB counter each have their
 *   own byte flip-flop.
 */
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include "i8254.h"
#include "kunit_export.h"

#define PIT_CHANNELS	3
#define PIT_NONE	U64_MAX		/* no interrupt due */

/* Control word (port 0x43). */
#define PIT_CW_SC(v)	(((v) >> 6) & 3)	/* 3: read-back */
#define PIT_CW_RW(v)	(((v) >> 4) & 3)	/* 0: counter latch */
#define PIT_CW_MODE(v)	(((v) >> 1) & 7)
#define PIT_CW_BCD	0x01
/* Read-back command: bits 5 and 4 are active low, 3:1 select counters. */
#define PIT_RB_NO_COUNT		0x20
#define PIT_RB_NO_STATUS	0x10
#define PIT_RB_SEL(i)		(0x02 << (i))
/* Status byte. */
#define PIT_ST_OUT		0x80
#define PIT_ST_NULL		0x40

/* Access modes, as in control word bits 5:4. */
#define PIT_RW_LSB	1
#define PIT_RW_MSB	2
#define PIT_RW_LOHI	3

/* DRAM refresh request, port 0x61 bit 4: counter 1's 18-tick period. */
#define PIT_REFRESH_TICKS	18

struct pit_chan {
	u8 mode;		/* control word bits 3:1, as written */
	u8 rw;			/* PIT_RW_* */
	bool bcd;
	bool gate;		/* counters 0 and 1: always high */
	bool loaded;		/* a count is loaded: the counter runs */
	bool null_count;	/* control word written, no count loaded */
	bool frozen;		/* gate low stops counting: see frozen_e */
	bool pending;		/* modes 2, 3: pending_n loads at pending_tick */
	bool write_msb;		/* LSB then MSB: the next write is the MSB */
	bool read_msb;		/* LSB then MSB: the next read is the MSB */
	bool status_latched;
	u8 latch_rw;		/* bytes of the latched count left: PIT_RW_* or 0 */
	u8 status;		/* the latched status */
	u8 wlsb;		/* the LSB written, while write_msb */
	u16 latch;		/* the latched count */
	u16 hold;		/* what the counter reads while not loaded */
	u32 n;			/* the initial count in ticks, 1-65536 */
	u32 pending_n;
	u64 start;		/* tick at which n was loaded */
	u64 frozen_e;		/* ticks elapsed when the gate stopped it */
	u64 pending_tick;
};

struct axvm_i8254 {
	/*
	 * Guards ch, p61, next_edge and last_edge_ns (host does not change
	 * after create). Taken with interrupts off, from vCPU threads (port
	 * I/O) and from the timer callback. Innermost but for the HAL's
	 * timer_arm, which is called under it; timer_cancel and
	 * host->set_irq are called only without it.
	 */
	spinlock_t lock;
	struct axvm_i8254_host host;
	struct axvm_timer timer;
	struct pit_chan ch[PIT_CHANNELS];
	u8 p61;			/* port 0x61 bits 3:0 */
	u64 next_edge;		/* tick of counter 0's next interrupt */
	u64 last_edge_ns;	/* time of the last one, or of the load */
};

static u64 ns_to_ticks(u64 ns)
{
	return mul_u64_u32_div(ns, AXVM_I8254_HZ, NSEC_PER_SEC);
}

/* The first nanosecond at which ns_to_ticks() reaches @ticks. */
static u64 ticks_to_ns(u64 ticks)
{
	u64 ns = mul_u64_u32_div(ticks, NSEC_PER_SEC, AXVM_I8254_HZ);

	return ns_to_ticks(ns) < ticks ? ns + 1 : ns;
}

static u64 pit_now_ns(struct axvm_i8254 *pit)
{
	return pit->host.hal->current_time_nanos(pit->host.hal);
}

/* Modes 6 and 7 are 2 and 3 (control word bit 3 is "don't care"). */
static u8 chan_mode(const struct pit_chan *c)
{
	return c->mode > 5 ? c->mode - 4 : c->mode;
}

static bool chan_periodic(const struct pit_chan *c)
{
	return chan_mode(c) == 2 || chan_mode(c) == 3;
}

static u32 chan_modulus(const struct pit_chan *c)
{
	return c->bcd ? 10000 : 0x10000;
}

static u16 to_bcd(u32 v)
{
	return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 |
	       (v / 10 % 10) << 4 | v % 10;
}

/* Nibbles above 9 count as their value; the result is taken mod 10000. */
static u32 from_bcd(u16 v)
{
	return ((v >> 12) * 1000 + ((v >> 8) & 0xf) * 100 +
		((v >> 4) & 0xf) * 10 + (v & 0xf)) % 10000;
}

static u64 chan_elapsed(const struct pit_chan *c, u64 now)
{
	if (c->frozen)
		return c->frozen_e;
	return now > c->start ? now - c->start : 0;
}

/* Modes 2 and 3: a count written while running loads at the reload. */
static void chan_update(struct pit_chan *c, u64 now)
{
	if (c->pending && !c->frozen && now >= c->pending_tick) {
		c->start = c->pending_tick;
		c->n = c->pending_n;
		c->pending = false;
	}
}

/* The counting element at tick @now, as the guest reads it. */
static u16 chan_count(const struct pit_chan *c, u64 now)
{
	u32 m = chan_modulus(c), cnt, h;
	u64 e, p;

	if (!c->loaded)
		return c->hold;
	e = chan_elapsed(c, now);
	switch (chan_mode(c)) {
	case 2:				/* n, n - 1, ..., 1, then n again */
		cnt = c->n - do_div(e, c->n);
		break;
	case 3:				/* by twos, in each half */
		p = do_div(e, c->n);
		h = (c->n + 1) / 2;
		if (p >= h)
			p -= h;
		cnt = (c->n & ~1u) - 2 * (u32)p;
		break;
	default:			/* 0, 1, 4, 5: down, wrapping past 0 */
		cnt = c->n + m - do_div(e, m);
		break;
	}
	cnt %= m;			/* n = 65536 (10000) reads 0 */
	return c->bcd ? to_bcd(cnt) : cnt;
}

static bool chan_out(const struct pit_chan *c, u64 now)
{
	u64 e;

	if (!c->loaded)			/* the control word's OUT */
		return chan_mode(c) != 0;
	e = chan_elapsed(c, now);
	switch (chan_mode(c)) {
	case 0:				/* low until terminal count */
	case 1:
		return e >= c->n;
	case 2:				/* low for the tick at count 1 */
		return c->frozen || c->n == 1 || do_div(e, c->n) != c->n - 1;
	case 3:				/* high for the first (n + 1) / 2 */
		return c->frozen || do_div(e, c->n) < (c->n + 1) / 2;
	default:			/* 4, 5: low for the tick at 0 */
		return e != c->n;
	}
}

static u8 chan_status(const struct pit_chan *c, u64 now)
{
	return (chan_out(c, now) ? PIT_ST_OUT : 0) |
	       (c->null_count || c->pending ? PIT_ST_NULL : 0) |
	       c->rw << 4 | c->mode << 1 | (c->bcd ? PIT_CW_BCD : 0);
}

static void chan_latch_count(struct pit_chan *c, u64 now)
{
	/* A second latch before the first is read is ignored. */
	if (c->latch_rw)
		return;
	c->latch = chan_count(c, now);
	c->latch_rw = c->rw;
}

/* Counter 0's interrupt follows its programming: the next edge. */
static void pit_ch0_edge_from_load(struct axvm_i8254 *pit, u64 now_ns)
{
	struct pit_chan *c = &pit->ch[0];

	lockdep_assert_held(&pit->lock);
	pit->next_edge = c->loaded ? c->start + c->n : PIT_NONE;
	pit->last_edge_ns = now_ns;
}

/*
 * Load count register value @raw (0 is the maximum). Returns whether
 * counter 0's interrupt timing changed.
 */
static bool chan_load(struct axvm_i8254 *pit, unsigned int i, u16 raw,
		      u64 now, u64 now_ns)
{
	struct pit_chan *c = &pit->ch[i];
	u32 n = c->bcd ? from_bcd(raw) : raw;

	if (!n)
		n = chan_modulus(c);
	chan_update(c, now);
	if (c->loaded && chan_periodic(c) && !c->frozen) {
		/* Takes effect at the end of the current period. */
		u64 e = now - c->start;

		c->pending = true;
		c->pending_n = n;
		c->pending_tick = c->start + (div64_u64(e, c->n) + 1) * c->n;
		/* Counter 0's next edge is that reload already. */
		return false;
	}
	c->n = n;
	c->start = now;
	c->loaded = true;
	c->null_count = false;
	c->pending = false;
	/* Gate low: modes 0 and 4 wait, 2 and 3 wait for the rising gate. */
	c->frozen = !c->gate && chan_mode(c) != 1 && chan_mode(c) != 5;
	c->frozen_e = 0;
	if (i)
		return false;
	pit_ch0_edge_from_load(pit, now_ns);
	return true;
}

static bool chan_write(struct axvm_i8254 *pit, unsigned int i, u8 val,
		       u64 now, u64 now_ns)
{
	struct pit_chan *c = &pit->ch[i];

	switch (c->rw) {
	case PIT_RW_LSB:
		return chan_load(pit, i, val, now, now_ns);
	case PIT_RW_MSB:
		return chan_load(pit, i, val << 8, now, now_ns);
	}
	if (c->write_msb) {
		c->write_msb = false;
		return chan_load(pit, i, c->wlsb | val << 8, now, now_ns);
	}
	c->wlsb = val;
	c->write_msb = true;
	/* Mode 0: writing the first byte stops the count, OUT goes low. */
	if (chan_mode(c) != 0 || !c->loaded)
		return false;
	c->hold = chan_count(c, now);
	c->loaded = false;
	if (i)
		return false;
	pit_ch0_edge_from_load(pit, now_ns);
	return true;
}

static u8 chan_read(struct pit_chan *c, u64 now)
{
	u16 cnt;

	chan_update(c, now);
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	switch (c->latch_rw) {
	case PIT_RW_LSB:
		c->latch_rw = 0;
		return c->latch & 0xff;
	case PIT_RW_MSB:
		c->latch_rw = 0;
		return c->latch >> 8;
	case PIT_RW_LOHI:
		c->latch_rw = PIT_RW_MSB;
		return c->latch & 0xff;
	}
	cnt = chan_count(c, now);
	switch (c->rw) {
	case PIT_RW_LSB:
		return cnt & 0xff;
	case PIT_RW_MSB:
		return cnt >> 8;
	}
	c->read_msb = !c->read_msb;
	return c->read_msb ? cnt & 0xff : cnt >> 8;
}

/* The control word: a counter's mode, or a latch or read-back command. */
static bool pit_control(struct axvm_i8254 *pit, u8 val, u64 now, u64 now_ns)
{
	struct pit_chan *c;
	unsigned int i;

	if (PIT_CW_SC(val) == 3) {
		for (i = 0; i < PIT_CHANNELS; i++) {
			c = &pit->ch[i];
			if (!(val & PIT_RB_SEL(i)))
				continue;
			chan_update(c, now);
			if (!(val & PIT_RB_NO_COUNT))
				chan_latch_count(c, now);
			if (!(val & PIT_RB_NO_STATUS) && !c->status_latched) {
				c->status = chan_status(c, now);
				c->status_latched = true;
			}
		}
		return false;
	}
	i = PIT_CW_SC(val);
	c = &pit->ch[i];
	chan_update(c, now);
	if (!PIT_CW_RW(val)) {
		chan_latch_count(c, now);
		return false;
	}
	/* A new mode stops the counter until a count is written. */
	c->hold = chan_count(c, now);
	c->loaded = false;
	c->pending = false;
	c->frozen = false;
	c->null_count = true;
	c->mode = PIT_CW_MODE(val);
	c->rw = PIT_CW_RW(val);
	c->bcd = val & PIT_CW_BCD;
	c->write_msb = false;
	c->read_msb = false;
	c->latch_rw = 0;
	c->status_latched = false;
	if (i)
		return false;
	pit_ch0_edge_from_load(pit, now_ns);
	return true;
}

/* Counter 2's gate, from port 0x61 bit 0. */
static void chan_set_gate(struct pit_chan *c, bool gate, u64 now)
{
	u8 mode = chan_mode(c);

	if (gate == c->gate)
		return;
	chan_update(c, now);
	c->gate = gate;
	if (!c->loaded)
		return;
	if (!gate) {
		/* Modes 0, 4: counting stops; 2, 3: also OUT high. */
		if (mode != 1 && mode != 5 && !c->frozen) {
			c->frozen_e = chan_elapsed(c, now);
			c->frozen = true;
		}
		return;
	}
	if (mode == 0 || mode == 4) {		/* counting goes on */
		if (c->frozen)
			c->start = now - c->frozen_e;
	} else {				/* a trigger: reload */
		c->start = now;
		if (c->pending) {
			c->n = c->pending_n;
			c->pending = false;
		}
	}
	c->frozen = false;
}

/* Under the lock: arm the timer for counter 0's next edge, if any. */
static void pit_arm_locked(struct axvm_i8254 *pit)
{
	const struct axvm_hal_ops *hal = pit->host.hal;
	u64 deadline;

	lockdep_assert_held(&pit->lock);
	if (pit->next_edge == PIT_NONE)
		return;
	deadline = ticks_to_ns(pit->next_edge);
	if (chan_periodic(&pit->ch[0]))
		deadline = max(deadline, pit->last_edge_ns + AXVM_I8254_MIN_IRQ_NS);
	hal->timer_arm(hal, &pit->timer, deadline);
}

/*
 * After counter 0 was reprogrammed, without the lock: the old deadline
 * goes (waiting for a callback that runs), the new one comes. Whoever
 * re-arms last does so from the state under the lock, so concurrent
 * writers and the callback agree.
 */
static void pit_sync_timer(struct axvm_i8254 *pit)
{
	const struct axvm_hal_ops *hal = pit->host.hal;
	unsigned long flags;

	hal->timer_cancel(hal, &pit->timer);
	spin_lock_irqsave(&pit->lock, flags);
	pit_arm_locked(pit);
	spin_unlock_irqrestore(&pit->lock, flags);
}

/*
 * Counter 0's edge is due. One edge however many periods passed since
 * the last (coalescing); the next deadline is the next period boundary
 * after now, still counted from the load, so periods do not drift.
 */
static void pit_timer_fn(struct axvm_timer *t)
{
	struct axvm_i8254 *pit = container_of(t, struct axvm_i8254, timer);
	struct pit_chan *c = &pit->ch[0];
	unsigned long flags;
	bool fire = false;
	u64 now_ns, now;

	spin_lock_irqsave(&pit->lock, flags);
	now_ns = pit_now_ns(pit);
	now = ns_to_ticks(now_ns);
	if (pit->next_edge != PIT_NONE && now >= pit->next_edge) {
		fire = true;
		pit->last_edge_ns = now_ns;
		chan_update(c, now);
		if (c->loaded && chan_periodic(c))
			pit->next_edge = c->start +
				(div64_u64(now - c->start, c->n) + 1) * c->n;
		else
			pit->next_edge = PIT_NONE;
	}
	pit_arm_locked(pit);
	spin_unlock_irqrestore(&pit->lock, flags);
	if (fire) {
		pit->host.set_irq(pit->host.ctx, true);
		pit->host.set_irq(pit->host.ctx, false);
	}
}

bool axvm_i8254_port(u16 port)
{
	return (port >= AXVM_I8254_PORT_CH0 && port <= AXVM_I8254_PORT_CTRL) ||
	       port == AXVM_I8254_PORT_61;
}
AXVM_EXPORT_FOR_TESTS(axvm_i8254_port);

u8 axvm_i8254_port_read(struct axvm_i8254 *pit, u16 port)
{
	unsigned long flags;
	u8 val = 0;
	u64 now;

	if (!axvm_i8254_port(port))
		return 0xff;
	spin_lock_irqsave(&pit->lock, flags);
	now = ns_to_ticks(pit_now_ns(pit));
	if (port == AXVM_I8254_PORT_61) {
		val = pit->p61;
		if (div64_u64(now, PIT_REFRESH_TICKS) & 1)
			val |= AXVM_I8254_P61_REFRESH;
		chan_update(&pit->ch[2], now);
		if (chan_out(&pit->ch[2], now))
			val |= AXVM_I8254_P61_OUT2;
	} else if (port != AXVM_I8254_PORT_CTRL) {	/* 0x43 reads 0 */
		val = chan_read(&pit->ch[port - AXVM_I8254_PORT_CH0], now);
	}
	spin_unlock_irqrestore(&pit->lock, flags);
	return val;
}
AXVM_EXPORT_FOR_TESTS(axvm_i8254_port_read);

void axvm_i8254_port_write(struct axvm_i8254 *pit, u16 port, u8 val)
{
	unsigned long flags;
	bool sync = false;
	u64 now_ns, now;

	if (!axvm_i8254_port(port))
		return;
	spin_lock_irqsave(&pit->lock, flags);
	now_ns = pit_now_ns(pit);
	now = ns_to_ticks(now_ns);
	switch (port) {
	case AXVM_I8254_PORT_61:
		pit->p61 = val & AXVM_I8254_P61_RW;
		chan_set_gate(&pit->ch[2], val & AXVM_I8254_P61_GATE2, now);
		break;
	case AXVM_I8254_PORT_CTRL:
		sync = pit_control(pit, val, now, now_ns);
		break;
	default:
		sync = chan_write(pit, port - AXVM_I8254_PORT_CH0, val, now,
				  now_ns);
		break;
	}
	spin_unlock_irqrestore(&pit->lock, flags);
	if (sync)
		pit_sync_timer(pit);
}
AXVM_EXPORT_FOR_TESTS(axvm_i8254_port_write);

/* The power-on state we chose; pit->lock, host and timer are left alone. */
static void pit_init_regs(struct axvm_i8254 *pit)
{
	unsigned int i;

	for (i = 0; i < PIT_CHANNELS; i++) {
		pit->ch[i] = (struct pit_chan){
			.rw = PIT_RW_LOHI,
			.gate = i != 2,		/* 0 and 1: tied high */
			.null_count = true,
		};
	}
	pit->p61 = 0;
	pit->next_edge = PIT_NONE;
	pit->last_edge_ns = 0;
}

void axvm_i8254_reset(struct axvm_i8254 *pit)
{
	const struct axvm_hal_ops *hal = pit->host.hal;
	unsigned long flags;

	spin_lock_irqsave(&pit->lock, flags);
	pit_init_regs(pit);
	spin_unlock_irqrestore(&pit->lock, flags);
	/* A callback running now sees no edge due and does not re-arm. */
	hal->timer_cancel(hal, &pit->timer);
}
AXVM_EXPORT_FOR_TESTS(axvm_i8254_reset);

struct axvm_i8254 *axvm_i8254_create(const struct axvm_i8254_host *host)
{
	struct axvm_i8254 *pit;
	int err;

	if (!host || !host->set_irq || !host->hal)
		return ERR_PTR(-EINVAL);
	pit = kzalloc(sizeof(*pit), GFP_KERNEL_ACCOUNT);
	if (!pit)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&pit->lock);
	pit->host = *host;
	pit->timer.fn = pit_timer_fn;
	err = host->hal->timer_init(host->hal, &pit->timer);
	if (err) {
		kfree(pit);
		return ERR_PTR(err);
	}
	pit_init_regs(pit);
	return pit;
}
AXVM_EXPORT_FOR_TESTS(axvm_i8254_create);

void axvm_i8254_destroy(struct axvm_i8254 *pit)
{
	if (IS_ERR_OR_NULL(pit))
		return;
	pit->host.hal->timer_destroy(pit->host.hal, &pit->timer);
	kfree(pit);
}
AXVM_EXPORT_FOR_TESTS(axvm_i8254_destroy);
