// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI fixed hardware (ACPI 6.5, 4.8): the PM1a event and control
 * blocks, the PM timer and the reset register, laid out as on QEMU's
 * PIIX4. See acpi_pm.h for the API and its conventions.
 *
 * The SCI is a level: asserted while any of TMR_STS and PWRBTN_STS is
 * set with its enable bit. TMR_STS is brought up to date from time on
 * every access and by the timer callback; the timer only makes the SCI
 * come when bit 31 of the PM timer flips while TMR_EN is set.
 */
#include <linux/bitfield.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include "acpi_pm.h"
#include "kunit_export.h"

#define PM1_SCI_SRC	(AXVM_ACPI_PM1_TMR | AXVM_ACPI_PM1_PWRBTN)
/* What PM1_STS can hold, what PM1_EN and PM1_CNT keep of a write. */
#define PM1_STS_BITS	(PM1_SCI_SRC | AXVM_ACPI_PM1_WAK)
#define PM1_EN_BITS	PM1_SCI_SRC
#define PM1_CNT_BITS	AXVM_ACPI_CNT_SLP_TYP
#define PM_TMR_FLIP	31		/* TMR_STS: bit 31 of the timer */

struct axvm_acpi_pm {
	/*
	 * Guards everything below host and timer (set at create). Taken
	 * with interrupts off, from vCPU threads, the power button and the
	 * timer callback. Innermost but for the HAL's timer_arm, called
	 * under it; timer_cancel and the host's callbacks only without it.
	 */
	spinlock_t lock;
	struct axvm_acpi_pm_host host;
	struct axvm_timer timer;
	u64 base_ns;		/* the PM timer was 0 then */
	u64 tmr_epoch;		/* ticks >> 31 when TMR_STS was last updated */
	u16 sts;
	u16 en;
	u16 cnt;		/* SLP_TYP only */
	u8 rst;			/* 0xcf9 as last written, RST_CPU clear */
	bool sci_want;		/* the level the registers say */
	bool sci_sent;		/* the level host->set_irq last got */
	bool delivering;	/* someone is calling set_irq */
	bool warned_slp;	/* an unsupported sleep type was logged */
};

/* What a write asks for after the lock is dropped. */
struct pm_effects {
	bool sync_timer;
	bool sleep;
	bool reset;
};

static u64 pm_ticks(struct axvm_acpi_pm *pm)
{
	u64 now = pm->host.hal->current_time_nanos(pm->host.hal);

	if (now < pm->base_ns)
		return 0;
	return mul_u64_u32_div(now - pm->base_ns, AXVM_ACPI_PM_TMR_HZ,
			       NSEC_PER_SEC);
}

/* The first time (ns) at which pm_ticks() reaches @ticks. */
static u64 pm_ticks_to_ns(struct axvm_acpi_pm *pm, u64 ticks)
{
	u64 ns = mul_u64_u32_div(ticks, NSEC_PER_SEC, AXVM_ACPI_PM_TMR_HZ);

	if (mul_u64_u32_div(ns, AXVM_ACPI_PM_TMR_HZ, NSEC_PER_SEC) < ticks)
		ns++;
	return pm->base_ns + ns;
}

/* TMR_STS: set when bit 31 of the timer changed since we last looked. */
static void pm_update_tmr_sts(struct axvm_acpi_pm *pm, u64 ticks)
{
	u64 epoch = ticks >> PM_TMR_FLIP;

	lockdep_assert_held(&pm->lock);
	if (epoch != pm->tmr_epoch) {
		pm->tmr_epoch = epoch;
		pm->sts |= AXVM_ACPI_PM1_TMR;
	}
}

/* While TMR_EN is set: the timer for the next flip of bit 31. */
static void pm_arm_locked(struct axvm_acpi_pm *pm, u64 ticks)
{
	const struct axvm_hal_ops *hal = pm->host.hal;
	u64 next = ((ticks >> PM_TMR_FLIP) + 1) << PM_TMR_FLIP;

	lockdep_assert_held(&pm->lock);
	if (pm->en & AXVM_ACPI_PM1_TMR)
		hal->timer_arm(hal, &pm->timer, pm_ticks_to_ns(pm, next));
}

/*
 * Unlock, then bring the SCI to the level the registers say. One caller
 * at a time calls set_irq, and it goes on until the level it sent is
 * the last one wanted, so levels never arrive out of order; the others
 * leave their change to it.
 */
static void pm_unlock_sci(struct axvm_acpi_pm *pm, unsigned long flags)
	__releases(&pm->lock)
{
	bool level;

	pm->sci_want = pm->sts & pm->en & PM1_SCI_SRC;
	if (pm->delivering) {
		spin_unlock_irqrestore(&pm->lock, flags);
		return;
	}
	pm->delivering = true;
	while (pm->sci_sent != pm->sci_want) {
		level = pm->sci_want;
		pm->sci_sent = level;
		spin_unlock_irqrestore(&pm->lock, flags);
		pm->host.set_irq(pm->host.ctx, level);
		spin_lock_irqsave(&pm->lock, flags);
	}
	pm->delivering = false;
	spin_unlock_irqrestore(&pm->lock, flags);
}

/* Without the lock, after TMR_EN changed: see i8254.c's pit_sync_timer. */
static void pm_sync_timer(struct axvm_acpi_pm *pm)
{
	const struct axvm_hal_ops *hal = pm->host.hal;
	unsigned long flags;

	hal->timer_cancel(hal, &pm->timer);
	spin_lock_irqsave(&pm->lock, flags);
	pm_arm_locked(pm, pm_ticks(pm));
	spin_unlock_irqrestore(&pm->lock, flags);
}

static void pm_timer_fn(struct axvm_timer *t)
{
	struct axvm_acpi_pm *pm = container_of(t, struct axvm_acpi_pm, timer);
	unsigned long flags;
	u64 ticks;

	spin_lock_irqsave(&pm->lock, flags);
	ticks = pm_ticks(pm);
	pm_update_tmr_sts(pm, ticks);
	pm_arm_locked(pm, ticks);
	pm_unlock_sci(pm, flags);
}

static u8 pm_read_byte(struct axvm_acpi_pm *pm, u32 port, u32 tmr)
{
	unsigned int shift = (port & 1) * 8;

	switch (port & ~1u) {
	case AXVM_ACPI_PM1_STS:
		return pm->sts >> shift;
	case AXVM_ACPI_PM1_EN:
		return pm->en >> shift;
	case AXVM_ACPI_PM1_CNT:
		return (pm->cnt | AXVM_ACPI_CNT_SCI_EN) >> shift;
	case AXVM_ACPI_PM1_CNT + 2:	/* the hole before PM_TMR */
		return 0;
	case AXVM_ACPI_PM_TMR:
	case AXVM_ACPI_PM_TMR + 2:
		return tmr >> ((port - AXVM_ACPI_PM_TMR) * 8);
	}
	return port == AXVM_ACPI_RESET_PORT ? pm->rst : 0xff;
}

static void pm_write_cnt(struct axvm_acpi_pm *pm, u16 val, u16 mask,
			 struct pm_effects *fx)
{
	u8 typ;

	pm->cnt = (pm->cnt & ~mask) | (val & mask & PM1_CNT_BITS);
	if (!(val & mask & AXVM_ACPI_CNT_SLP_EN))
		return;
	typ = FIELD_GET(AXVM_ACPI_CNT_SLP_TYP, pm->cnt);
	if (typ == AXVM_ACPI_S5_SLP_TYP) {
		fx->sleep = true;
	} else if (!pm->warned_slp) {
		pm->warned_slp = true;
		pr_warn_ratelimited("axvm: acpi: sleep type %u not supported, ignored\n",
				    typ);
	}
}

static void pm_write_byte(struct axvm_acpi_pm *pm, u32 port, u8 b,
			  struct pm_effects *fx)
{
	unsigned int shift = (port & 1) * 8;
	u16 val = (u16)b << shift, mask = 0xff << shift;
	u16 en;

	switch (port & ~1u) {
	case AXVM_ACPI_PM1_STS:			/* write 1 to clear */
		pm->sts &= ~val;
		return;
	case AXVM_ACPI_PM1_EN:
		en = (pm->en & ~mask) | (val & PM1_EN_BITS);
		if ((en ^ pm->en) & AXVM_ACPI_PM1_TMR)
			fx->sync_timer = true;
		pm->en = en;
		return;
	case AXVM_ACPI_PM1_CNT:
		pm_write_cnt(pm, val, mask, fx);
		return;
	}
	if (port == AXVM_ACPI_RESET_PORT) {
		pm->rst = b & ~AXVM_ACPI_RST_CPU;
		if (b & AXVM_ACPI_RST_CPU)
			fx->reset = true;
	}
	/* The rest of the block (PM_TMR, the hole) is read-only. */
}

bool axvm_acpi_pm_port(u16 port)
{
	return (port >= AXVM_ACPI_PM_BASE &&
		port < AXVM_ACPI_PM_BASE + AXVM_ACPI_PM_LEN) ||
	       port == AXVM_ACPI_RESET_PORT;
}
AXVM_EXPORT_FOR_TESTS(axvm_acpi_pm_port);

static bool pm_width_ok(u8 width)
{
	return width == 1 || width == 2 || width == 4;
}

static bool pm_byte_ours(u32 port)
{
	return port <= 0xffff && axvm_acpi_pm_port(port);
}

u32 axvm_acpi_pm_read(struct axvm_acpi_pm *pm, u16 port, u8 width)
{
	unsigned long flags;
	unsigned int i;
	u32 val = 0;
	u64 ticks;

	if (!pm_width_ok(width))
		return U32_MAX;
	spin_lock_irqsave(&pm->lock, flags);
	ticks = pm_ticks(pm);		/* one sample for the whole access */
	pm_update_tmr_sts(pm, ticks);
	for (i = 0; i < width; i++) {
		u32 p = (u32)port + i;
		u8 b = pm_byte_ours(p) ? pm_read_byte(pm, p, (u32)ticks) : 0xff;

		val |= (u32)b << (8 * i);
	}
	pm_unlock_sci(pm, flags);	/* TMR_STS may have come up */
	return val;
}
AXVM_EXPORT_FOR_TESTS(axvm_acpi_pm_read);

void axvm_acpi_pm_write(struct axvm_acpi_pm *pm, u16 port, u8 width, u32 val)
{
	struct pm_effects fx = {};
	unsigned long flags;
	unsigned int i;

	if (!pm_width_ok(width))
		return;
	spin_lock_irqsave(&pm->lock, flags);
	/* Up to date first, so that a 1 written clears a flip seen now. */
	pm_update_tmr_sts(pm, pm_ticks(pm));
	for (i = 0; i < width; i++) {
		u32 p = (u32)port + i;

		if (pm_byte_ours(p))
			pm_write_byte(pm, p, val >> (8 * i), &fx);
	}
	pm_unlock_sci(pm, flags);
	if (fx.sync_timer)
		pm_sync_timer(pm);
	if (fx.reset)
		pm->host.reset(pm->host.ctx);
	if (fx.sleep)
		pm->host.sleep(pm->host.ctx, AXVM_ACPI_S5_SLP_TYP);
}
AXVM_EXPORT_FOR_TESTS(axvm_acpi_pm_write);

void axvm_acpi_pm_power_button(struct axvm_acpi_pm *pm)
{
	unsigned long flags;

	spin_lock_irqsave(&pm->lock, flags);
	pm->sts |= AXVM_ACPI_PM1_PWRBTN;
	pm_unlock_sci(pm, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_acpi_pm_power_button);

/* The reset values; lock, host, timer, base_ns and sci_sent stay. */
static void pm_init_regs(struct axvm_acpi_pm *pm)
{
	pm->tmr_epoch = pm_ticks(pm) >> PM_TMR_FLIP;
	pm->sts = 0;
	pm->en = 0;
	pm->cnt = 0;
	pm->rst = 0;
}

void axvm_acpi_pm_reset(struct axvm_acpi_pm *pm)
{
	const struct axvm_hal_ops *hal = pm->host.hal;
	unsigned long flags;

	spin_lock_irqsave(&pm->lock, flags);
	pm_init_regs(pm);
	pm_unlock_sci(pm, flags);	/* lowers an asserted SCI */
	/* A callback running now sees TMR_EN clear and does not re-arm. */
	hal->timer_cancel(hal, &pm->timer);
}
AXVM_EXPORT_FOR_TESTS(axvm_acpi_pm_reset);

struct axvm_acpi_pm *axvm_acpi_pm_create(const struct axvm_acpi_pm_host *host)
{
	struct axvm_acpi_pm *pm;
	int err;

	if (!host || !host->set_irq || !host->sleep || !host->reset ||
	    !host->hal)
		return ERR_PTR(-EINVAL);
	pm = kzalloc(sizeof(*pm), GFP_KERNEL_ACCOUNT);
	if (!pm)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&pm->lock);
	pm->host = *host;
	pm->timer.fn = pm_timer_fn;
	err = host->hal->timer_init(host->hal, &pm->timer);
	if (err) {
		kfree(pm);
		return ERR_PTR(err);
	}
	pm->base_ns = host->hal->current_time_nanos(host->hal);
	pm_init_regs(pm);
	return pm;
}
AXVM_EXPORT_FOR_TESTS(axvm_acpi_pm_create);

void axvm_acpi_pm_destroy(struct axvm_acpi_pm *pm)
{
	if (IS_ERR_OR_NULL(pm))
		return;
	pm->host.hal->timer_destroy(pm->host.hal, &pm->timer);
	kfree(pm);
}
AXVM_EXPORT_FOR_TESTS(axvm_acpi_pm_destroy);
