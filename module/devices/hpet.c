// SPDX-License-Identifier: GPL-2.0
/*
 * An HPET after the IA-PC HPET specification 1.0a, with QEMU's choices
 * where the specification leaves them open (see hpet.h).
 *
 * The main counter is computed, not counted: while enabled it is
 * cnt_base plus the 10 ns ticks since ns_base on the host's clock;
 * while halted it is cnt_base. Each comparator has its next match as an
 * absolute counter value (due), from which its HAL timer's deadline
 * follows; the HAL timer is armed only while the counter runs and the
 * timer's interrupt is enabled. A match sets the level status or
 * pulses the line, then a periodic timer steps its comparator, on the
 * grid of its period, past the counter (coalescing what the host missed).
 *
 * Locking: one spinlock, taken with interrupts off (the timer callbacks
 * run in hard-IRQ context). host->set_irq is never called with it held:
 * whoever finds a line changed or a pulse pending becomes the notifier,
 * drops the lock, reports one change, retakes it and repeats until
 * nothing is left (i8259.c does the same). The HAL timers are armed
 * under the lock and cancelled only after dropping it (cancel waits for
 * a running callback, which takes the lock), never from their own
 * callback.
 */
#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "hal.h"
#include "hpet.h"
#include "kunit_export.h"

#define HPET_NS_PER_TICK	(AXVM_HPET_PERIOD_FS / 1000000)
#define HPET_CAP_VALUE							\
	(FIELD_PREP(AXVM_HPET_CAP_REV, 1) |				\
	 FIELD_PREP(AXVM_HPET_CAP_NUM_TIM, AXVM_HPET_TIMERS - 1) |	\
	 AXVM_HPET_CAP_COUNT_SIZE | AXVM_HPET_CAP_LEG_RT |		\
	 FIELD_PREP(AXVM_HPET_CAP_VENDOR, 0x8086) |			\
	 FIELD_PREP(AXVM_HPET_CAP_PERIOD, (u64)AXVM_HPET_PERIOD_FS))
/* A timer's read-only bits: what it can do. */
#define HPET_TN_CAPS		(AXVM_HPET_TN_PER_CAP |			\
				 AXVM_HPET_TN_SIZE_CAP |		\
				 FIELD_PREP(AXVM_HPET_TN_ROUTE_CAP,	\
					    (u64)AXVM_HPET_ROUTE_CAP))
#define HPET_TN_WRITABLE	(AXVM_HPET_TN_LEVEL | AXVM_HPET_TN_INT_ENB | \
				 AXVM_HPET_TN_PERIODIC |		\
				 AXVM_HPET_TN_VAL_SET |			\
				 AXVM_HPET_TN_32BIT | AXVM_HPET_TN_ROUTE)

struct hpet_timer {
	struct axvm_hpet *hpet;
	struct axvm_timer timer;
	unsigned int n;
	u64 config;
	u64 cmp;
	u64 period;
	u64 due;			/* counter value of the next match */
	bool due_valid;			/* false: no match will come */
	bool hal_armed;			/* armed, at armed_ns, not fired */
	u64 armed_ns;
	struct task_struct *fn_task;	/* running hpet_timer_fn, or NULL */
};

struct axvm_hpet {
	/*
	 * Guards everything below but host (constant) and the timers'
	 * hpet, timer and n. Innermost: nothing is taken under it but the
	 * HAL's own timer lock (timer_arm).
	 */
	spinlock_t lock;
	struct axvm_hpet_host host;
	u64 config;
	u64 status;
	u64 cnt_base;			/* the counter at ns_base, or halted */
	u64 ns_base;
	u32 reported;			/* line n last reported high */
	u32 pulses;			/* lines to pulse */
	bool notifying;			/* someone reports (see the top) */
	struct hpet_timer t[AXVM_HPET_TIMERS];
};

static u64 hpet_clock(struct axvm_hpet *hpet)
{
	return hpet->host.hal->current_time_nanos(hpet->host.hal);
}

static bool hpet_running(struct axvm_hpet *hpet)
{
	return hpet->config & AXVM_HPET_CFG_ENABLE;
}

static u64 hpet_counter(struct axvm_hpet *hpet, u64 now)
{
	if (!hpet_running(hpet) || now <= hpet->ns_base)
		return hpet->cnt_base;
	return hpet->cnt_base + div_u64(now - hpet->ns_base, HPET_NS_PER_TICK);
}

/* The comparator's width: all ones of 32 or 64 bits. */
static u64 hpet_mask(struct hpet_timer *t)
{
	return t->config & AXVM_HPET_TN_32BIT ? U32_MAX : U64_MAX;
}

static bool hpet_periodic(struct hpet_timer *t)
{
	return (t->config & AXVM_HPET_TN_PERIODIC) && t->period;
}

/* Timer @t's line, or -1 when it has none (a route not capable). */
static int hpet_line(struct axvm_hpet *hpet, struct hpet_timer *t)
{
	unsigned int route = FIELD_GET(AXVM_HPET_TN_ROUTE, t->config);

	if ((hpet->config & AXVM_HPET_CFG_LEGACY) && t->n < 2)
		return t->n ? AXVM_HPET_LEGACY_LINE1 : AXVM_HPET_LEGACY_LINE0;
	return AXVM_HPET_ROUTE_CAP & BIT(route) ? route : -1;
}

/* The lines level timers hold high now. */
static u32 hpet_levels(struct axvm_hpet *hpet)
{
	u32 lines = 0;
	unsigned int n;
	int line;

	for (n = 0; n < AXVM_HPET_TIMERS; n++) {
		line = hpet_line(hpet, &hpet->t[n]);
		if ((hpet->status & BIT(n)) && line >= 0)
			lines |= BIT(line);
	}
	return lines;
}

/*
 * The next match of @t at or after counter value @cnt. A periodic
 * comparator behind the counter first steps past it by whole periods.
 */
static void hpet_set_due(struct hpet_timer *t, u64 cnt)
{
	u64 mask = hpet_mask(t), d = (t->cmp - cnt) & mask, k;

	if (hpet_periodic(t) && d > mask >> 1) {
		k = div64_u64((cnt - t->cmp) & mask, t->period) + 1;
		t->cmp = (t->cmp + k * t->period) & mask;
		d = (t->cmp - cnt) & mask;
	}
	t->due = cnt + d;
	t->due_valid = true;
}

/* The host time of @t's next match; false when none is to be armed. */
static bool hpet_deadline(struct axvm_hpet *hpet, struct hpet_timer *t,
			  u64 *ns)
{
	u64 d;

	if (!hpet_running(hpet) || !(t->config & AXVM_HPET_TN_INT_ENB) ||
	    !t->due_valid)
		return false;
	d = t->due - hpet->cnt_base;
	return !check_mul_overflow(d, (u64)HPET_NS_PER_TICK, &d) &&
	       !check_add_overflow(hpet->ns_base, d, ns);
}

/*
 * Arm each timer for its next match, or note that it should be
 * cancelled after the lock is dropped: the mask of those. From within
 * any of our timer callbacks (a set_irq that called back in) nothing is
 * cancelled: a cancel there could wait for a callback that waits for
 * what our caller holds. Such a timer fires once more and does nothing.
 */
static u32 hpet_program(struct axvm_hpet *hpet)
{
	const struct axvm_hal_ops *hal = hpet->host.hal;
	u32 cancel = 0;
	bool in_fn = false;
	unsigned int n;
	u64 ns;

	lockdep_assert_held(&hpet->lock);
	for (n = 0; n < AXVM_HPET_TIMERS; n++)
		in_fn |= hpet->t[n].fn_task == current;
	for (n = 0; n < AXVM_HPET_TIMERS; n++) {
		struct hpet_timer *t = &hpet->t[n];

		if (hpet_deadline(hpet, t, &ns)) {
			if (t->hal_armed && t->armed_ns == ns)
				continue;
			hal->timer_arm(hal, &t->timer, ns);
			t->hal_armed = true;
			t->armed_ns = ns;
		} else if (t->hal_armed) {
			t->hal_armed = false;
			if (!in_fn)
				cancel |= BIT(n);
		}
	}
	return cancel;
}

/*
 * Program the timers, drop the lock and report what changed on the
 * lines (see the top of the file), then cancel the timers no longer
 * needed.
 */
static void hpet_unlock(struct axvm_hpet *hpet, unsigned long flags)
	__releases(&hpet->lock)
{
	const struct axvm_hal_ops *hal = hpet->host.hal;
	u32 cancel = hpet_program(hpet), levels, change, pulse;
	unsigned int n, line;
	u64 ns;

	if (!hpet->notifying) {
		hpet->notifying = true;
		for (;;) {
			levels = hpet_levels(hpet);
			change = levels ^ hpet->reported;
			/* A pulse on a line held high merges with it. */
			pulse = hpet->pulses & ~levels;
			hpet->pulses = 0;
			if (!change && !pulse)
				break;
			if (change) {
				line = __ffs(change);
				hpet->reported ^= BIT(line);
				hpet->pulses = pulse;
			} else {
				line = __ffs(pulse);
				hpet->pulses = pulse & ~BIT(line);
			}
			spin_unlock_irqrestore(&hpet->lock, flags);
			if (change) {
				hpet->host.set_irq(hpet->host.ctx, line,
						   levels & BIT(line));
			} else {
				hpet->host.set_irq(hpet->host.ctx, line, true);
				hpet->host.set_irq(hpet->host.ctx, line, false);
			}
			spin_lock_irqsave(&hpet->lock, flags);
		}
		hpet->notifying = false;
	}
	spin_unlock_irqrestore(&hpet->lock, flags);
	if (!cancel)
		return;
	for (n = 0; n < AXVM_HPET_TIMERS; n++)
		if (cancel & BIT(n))
			hal->timer_cancel(hal, &hpet->t[n].timer);
	/* Someone may have armed one meanwhile: the cancel undid that. */
	spin_lock_irqsave(&hpet->lock, flags);
	for (n = 0; n < AXVM_HPET_TIMERS; n++) {
		struct hpet_timer *t = &hpet->t[n];

		if ((cancel & BIT(n)) && hpet_deadline(hpet, t, &ns)) {
			hal->timer_arm(hal, &t->timer, ns);
			t->hal_armed = true;
			t->armed_ns = ns;
		}
	}
	spin_unlock_irqrestore(&hpet->lock, flags);
}

/* A match of @t: its interrupt, and the comparator's next match. */
static void hpet_match(struct axvm_hpet *hpet, struct hpet_timer *t,
		       u64 cnt)
{
	u64 late = cnt - t->due, k;
	int line = hpet_line(hpet, t);

	if (t->config & AXVM_HPET_TN_LEVEL)
		hpet->status |= BIT(t->n);
	else if (line >= 0)
		hpet->pulses |= BIT(line);

	if (hpet_periodic(t)) {
		k = div64_u64(late, t->period) + 1;	/* coalesced */
		t->due += k * t->period;
		t->cmp = (t->cmp + k * t->period) & hpet_mask(t);
	} else if (t->config & AXVM_HPET_TN_32BIT) {
		t->due += ((late >> 32) + 1) << 32;	/* the next wrap */
	} else {
		t->due_valid = false;
	}
}

static void hpet_timer_fn(struct axvm_timer *timer)
{
	struct hpet_timer *t = container_of(timer, struct hpet_timer, timer);
	struct axvm_hpet *hpet = t->hpet;
	unsigned long flags;
	u64 cnt;

	spin_lock_irqsave(&hpet->lock, flags);
	t->hal_armed = false;		/* it fired */
	t->fn_task = current;
	cnt = hpet_counter(hpet, hpet_clock(hpet));
	if (hpet_running(hpet) && (t->config & AXVM_HPET_TN_INT_ENB) &&
	    t->due_valid && (s64)(cnt - t->due) >= 0)
		hpet_match(hpet, t, cnt);
	hpet_unlock(hpet, flags);
	spin_lock_irqsave(&hpet->lock, flags);
	t->fn_task = NULL;
	spin_unlock_irqrestore(&hpet->lock, flags);
}

/* ---- registers ----------------------------------------------------------- */

static u64 hpet_read_reg(struct axvm_hpet *hpet, u32 reg)
{
	struct hpet_timer *t;

	switch (reg) {
	case AXVM_HPET_CAP:
		return HPET_CAP_VALUE;
	case AXVM_HPET_CFG:
		return hpet->config;
	case AXVM_HPET_STATUS:
		return hpet->status;
	case AXVM_HPET_COUNTER:
		return hpet_counter(hpet, hpet_clock(hpet));
	}
	if (reg < AXVM_HPET_TN_CFG(0) || reg >= AXVM_HPET_TN_CFG(AXVM_HPET_TIMERS))
		return 0;
	t = &hpet->t[(reg - AXVM_HPET_TN_CFG(0)) / 0x20];
	switch (reg & 0x1f) {
	case 0x00:
		return t->config;
	case 0x08:
		return t->cmp;
	}
	return 0;	/* the FSB route, and the reserved qword */
}

static void hpet_write_cfg(struct axvm_hpet *hpet, u64 val, u64 now)
{
	u64 cnt = hpet_counter(hpet, now), old = hpet->config;
	unsigned int n;

	hpet->config = val & (AXVM_HPET_CFG_ENABLE | AXVM_HPET_CFG_LEGACY);
	if (!((old ^ hpet->config) & AXVM_HPET_CFG_ENABLE))
		return;		/* a legacy change: hpet_unlock() moves lines */
	hpet->cnt_base = cnt;
	hpet->ns_base = now;
	if (hpet_running(hpet))
		for (n = 0; n < AXVM_HPET_TIMERS; n++)
			hpet_set_due(&hpet->t[n], cnt);
}

static void hpet_write_tn_cfg(struct axvm_hpet *hpet, struct hpet_timer *t,
			      u64 val, u64 cnt)
{
	u64 old = t->config;
	u64 route = FIELD_GET(AXVM_HPET_TN_ROUTE, val);

	if (!(AXVM_HPET_ROUTE_CAP & BIT(route))) {	/* refused: kept */
		val &= ~AXVM_HPET_TN_ROUTE;
		val |= old & AXVM_HPET_TN_ROUTE;
	}
	t->config = (old & ~HPET_TN_WRITABLE) | (val & HPET_TN_WRITABLE);
	if (t->config & AXVM_HPET_TN_32BIT) {
		t->cmp = (u32)t->cmp;
		t->period = (u32)t->period;
	}
	/* Status means something only while a level interrupt is on. */
	if (!(t->config & AXVM_HPET_TN_LEVEL) ||
	    !(t->config & AXVM_HPET_TN_INT_ENB))
		hpet->status &= ~BIT(t->n);
	/* Enabled, or the comparator's meaning changed: a new match. */
	if (((t->config & ~old) & AXVM_HPET_TN_INT_ENB) ||
	    ((t->config ^ old) & (AXVM_HPET_TN_PERIODIC | AXVM_HPET_TN_32BIT)))
		hpet_set_due(t, cnt);
}

/*
 * A comparator write (@val, @mask: the bytes written), as QEMU does it:
 * in 32-bit mode only the low half exists; a one-shot timer, or a
 * periodic one with VAL_SET, takes it as the comparator, a periodic
 * timer also as its period; VAL_SET clears itself.
 */
static void hpet_write_tn_cmp(struct hpet_timer *t, u64 val, u64 mask,
			      u64 cnt)
{
	if (t->config & AXVM_HPET_TN_32BIT) {
		if (!(mask & U32_MAX))
			return;			/* the high half: none */
		val &= U32_MAX;
		mask = U64_MAX;
	}
	if (!(t->config & AXVM_HPET_TN_PERIODIC) ||
	    (t->config & AXVM_HPET_TN_VAL_SET))
		t->cmp = (t->cmp & ~mask) | (val & mask);
	if (t->config & AXVM_HPET_TN_PERIODIC)
		t->period = (t->period & ~mask) | (val & mask);
	t->config &= ~AXVM_HPET_TN_VAL_SET;
	hpet_set_due(t, cnt);
}

static void hpet_write_reg(struct axvm_hpet *hpet, u32 reg, u64 val,
			   u64 mask, u64 now)
{
	u64 cnt = hpet_counter(hpet, now);
	struct hpet_timer *t;

	switch (reg) {
	case AXVM_HPET_CFG:
		hpet_write_cfg(hpet, (hpet->config & ~mask) | (val & mask), now);
		return;
	case AXVM_HPET_STATUS:		/* write 1 to clear */
		hpet->status &= ~(val & mask);
		return;
	case AXVM_HPET_COUNTER:
		if (!hpet_running(hpet))
			hpet->cnt_base = (hpet->cnt_base & ~mask) | (val & mask);
		return;
	}
	if (reg < AXVM_HPET_TN_CFG(0) || reg >= AXVM_HPET_TN_CFG(AXVM_HPET_TIMERS))
		return;
	t = &hpet->t[(reg - AXVM_HPET_TN_CFG(0)) / 0x20];
	switch (reg & 0x1f) {
	case 0x00:
		hpet_write_tn_cfg(hpet, t, (t->config & ~mask) | (val & mask),
				  cnt);
		break;
	case 0x08:
		hpet_write_tn_cmp(t, val, mask, cnt);
		break;
	}
}

/* A 4- or 8-byte access, naturally aligned, inside the window. */
static bool hpet_access_ok(u32 offset, u8 width)
{
	return (width == 4 || width == 8) && !(offset & (width - 1)) &&
	       offset < AXVM_HPET_SIZE;
}

u64 axvm_hpet_mmio_read(struct axvm_hpet *hpet, u32 offset, u8 width)
{
	unsigned long flags;
	u64 val;

	if (!hpet_access_ok(offset, width))
		return 0;
	spin_lock_irqsave(&hpet->lock, flags);
	val = hpet_read_reg(hpet, offset & ~7U);
	spin_unlock_irqrestore(&hpet->lock, flags);
	if (width == 4)
		val = (u32)(val >> (offset & 4) * 8);
	return val;
}
AXVM_EXPORT_FOR_TESTS(axvm_hpet_mmio_read);

void axvm_hpet_mmio_write(struct axvm_hpet *hpet, u32 offset, u8 width,
			  u64 val)
{
	unsigned int shift = (offset & 4) * 8;
	u64 mask = U64_MAX;
	unsigned long flags;

	if (!hpet_access_ok(offset, width))
		return;
	if (width == 4) {
		mask = (u64)U32_MAX << shift;
		val = (val & U32_MAX) << shift;
	}
	spin_lock_irqsave(&hpet->lock, flags);
	hpet_write_reg(hpet, offset & ~7U, val, mask, hpet_clock(hpet));
	hpet_unlock(hpet, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_hpet_mmio_write);

bool axvm_hpet_legacy(struct axvm_hpet *hpet)
{
	return READ_ONCE(hpet->config) & AXVM_HPET_CFG_LEGACY;
}
AXVM_EXPORT_FOR_TESTS(axvm_hpet_legacy);

static void hpet_init_regs(struct axvm_hpet *hpet)
{
	unsigned int n;

	hpet->config = 0;
	hpet->status = 0;
	hpet->cnt_base = 0;
	hpet->ns_base = 0;
	hpet->pulses = 0;
	for (n = 0; n < AXVM_HPET_TIMERS; n++) {
		struct hpet_timer *t = &hpet->t[n];

		t->config = HPET_TN_CAPS;
		t->cmp = U64_MAX;
		t->period = 0;
		t->due_valid = false;
	}
}

void axvm_hpet_reset(struct axvm_hpet *hpet)
{
	unsigned long flags;

	spin_lock_irqsave(&hpet->lock, flags);
	hpet_init_regs(hpet);
	hpet_unlock(hpet, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_hpet_reset);

struct axvm_hpet *axvm_hpet_create(const struct axvm_hpet_host *host)
{
	const struct axvm_hal_ops *hal;
	struct axvm_hpet *hpet;
	unsigned int n;

	if (!host || !host->set_irq || !host->hal)
		return ERR_PTR(-EINVAL);
	hal = host->hal;
	hpet = kzalloc(sizeof(*hpet), GFP_KERNEL_ACCOUNT);
	if (!hpet)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&hpet->lock);
	hpet->host = *host;
	for (n = 0; n < AXVM_HPET_TIMERS; n++) {
		struct hpet_timer *t = &hpet->t[n];

		t->hpet = hpet;
		t->n = n;
		t->timer.fn = hpet_timer_fn;
		if (hal->timer_init(hal, &t->timer))
			goto err_destroy_timers;
	}
	hpet_init_regs(hpet);
	return hpet;

err_destroy_timers:
	/* timer_destroy is fine after a failed or no init. */
	for (n = 0; n < AXVM_HPET_TIMERS; n++)
		hal->timer_destroy(hal, &hpet->t[n].timer);
	kfree(hpet);
	return ERR_PTR(-ENOMEM);
}
AXVM_EXPORT_FOR_TESTS(axvm_hpet_create);

void axvm_hpet_destroy(struct axvm_hpet *hpet)
{
	unsigned int n;

	if (!hpet)
		return;
	for (n = 0; n < AXVM_HPET_TIMERS; n++)
		hpet->host.hal->timer_destroy(hpet->host.hal,
					      &hpet->t[n].timer);
	kfree(hpet);
}
AXVM_EXPORT_FOR_TESTS(axvm_hpet_destroy);
