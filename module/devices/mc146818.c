// SPDX-License-Identifier: GPL-2.0
/*
 * The MC146818A real-time clock and its NVRAM, after the Motorola
 * datasheet, as a PC has it: ports 0x70/0x71, ISA IRQ 8, 32.768 kHz.
 *
 * Time is computed, not counted: the clock's seconds are base_sec plus
 * the whole seconds elapsed since base_ns on the host's clock, so the
 * registers are derived from the time when read (and latched while B's
 * SET bit stops the updates). The update cycle is instant at each
 * second boundary; UIP reads 1 in the 244 us (8 cycles of 32.768 kHz)
 * before it, as the datasheet's tBUC and QEMU have it.
 *
 * The interrupt flags (C: PF, AF, UF) are set whether or not their
 * interrupt is enabled, so they are folded in lazily: every access, and
 * the timer, first accounts for the events in (checked_ns, now]. One
 * HAL timer is armed for the first event of an enabled source whose
 * flag is still clear; a set flag needs no timer, its IRQF is already
 * up until the guest reads C. A guest that never reads C costs nothing.
 *
 * Locking: one spinlock, taken with interrupts off (the timer callback
 * runs in hard-IRQ context). host->set_irq is never called with it
 * held: whoever finds the line changed becomes the notifier, drops the
 * lock, reports, retakes it and repeats until the level it last
 * reported is the current one (i8259.c does the same). The HAL timer is
 * armed under the lock; it is cancelled only after dropping it (cancel
 * waits for a running callback, which takes the lock), and never from
 * the callback itself.
 */
#include <linux/bcd.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/time.h>
#include "hal.h"
#include "kunit_export.h"
#include "mc146818.h"

#define RTC_HZ			32768
/* UIP: 8 cycles of 32.768 kHz before the update, 244140.625 ns. */
#define RTC_UIP_NS		244140
#define RTC_NEVER		S64_MAX
#define RTC_DONT_CARE		0xc0	/* alarm: 11xxxxxx matches all */
#define RTC_B_IRQ_ENABLES	(AXVM_RTC_B_PIE | AXVM_RTC_B_AIE | \
				 AXVM_RTC_B_UIE)
#define RTC_C_FLAGS		(AXVM_RTC_C_PF | AXVM_RTC_C_AF | \
				 AXVM_RTC_C_UF)

struct axvm_rtc {
	/*
	 * Guards everything below but host (constant). Innermost: nothing
	 * is taken under it but the HAL's own timer lock (timer_arm).
	 */
	spinlock_t lock;
	struct axvm_rtc_host host;
	struct axvm_timer timer;
	bool timer_armed;		/* armed, at armed_ns, not fired */
	u64 armed_ns;
	struct task_struct *fn_task;	/* running rtc_timer_fn, or NULL */
	bool irq_reported;		/* last level given to set_irq */
	bool notifying;			/* someone reports (see the top) */

	u8 index;			/* port 0x70, bits 6:0 */
	bool nmi_masked;		/* port 0x70 bit 7: stored only */
	/*
	 * The NVRAM, and the clock's registers at their indices: A, B, C
	 * and the alarms always; the time registers and the century only
	 * while B.SET holds them (else they are derived from the time).
	 */
	u8 cmos[AXVM_RTC_NVRAM_SIZE];

	s64 base_sec;			/* the clock's time at base_ns */
	u64 base_ns;			/* a second boundary */
	u64 chain_ns;			/* origin of the 32.768 kHz chain */
	u64 checked_ns;			/* events up to here are in C */
};

static u64 rtc_clock(struct axvm_rtc *rtc)
{
	return rtc->host.hal->current_time_nanos(rtc->host.hal);
}

/* ---- time ---------------------------------------------------------------- */

/* The clock's seconds at host time @ns, and the nanoseconds into it. */
static s64 rtc_sec(struct axvm_rtc *rtc, u64 ns, u32 *frac)
{
	u64 el = ns > rtc->base_ns ? ns - rtc->base_ns : 0;
	u32 rem;
	u64 s = div_u64_rem(el, NSEC_PER_SEC, &rem);

	if (frac)
		*frac = rem;
	return rtc->base_sec + s;
}

/* When the clock's second @sec begins (@sec > base_sec). */
static u64 rtc_sec_ns(struct axvm_rtc *rtc, s64 sec)
{
	return rtc->base_ns + (u64)(sec - rtc->base_sec) * NSEC_PER_SEC;
}

static bool rtc_binary(struct axvm_rtc *rtc)
{
	return rtc->cmos[AXVM_RTC_REG_B] & AXVM_RTC_B_DM_BINARY;
}

static u8 rtc_to_reg(struct axvm_rtc *rtc, unsigned int v)
{
	return rtc_binary(rtc) ? v : bin2bcd(v);
}

static unsigned int rtc_from_reg(struct axvm_rtc *rtc, u8 v)
{
	return rtc_binary(rtc) ? v : bcd2bin(v);
}

static u8 rtc_hour_to_reg(struct axvm_rtc *rtc, unsigned int h)
{
	unsigned int h12 = h % 12;

	if (rtc->cmos[AXVM_RTC_REG_B] & AXVM_RTC_B_24H)
		return rtc_to_reg(rtc, h);
	return rtc_to_reg(rtc, h12 ? h12 : 12) | (h >= 12 ? 0x80 : 0);
}

/* 0-23 from an hour register; 12h: 12 AM is 0, 12 PM is 12. */
static unsigned int rtc_hour_from_reg(struct axvm_rtc *rtc, u8 v)
{
	if (rtc->cmos[AXVM_RTC_REG_B] & AXVM_RTC_B_24H)
		return rtc_from_reg(rtc, v);
	return rtc_from_reg(rtc, v & 0x7f) % 12 + (v & 0x80 ? 12 : 0);
}

static bool rtc_is_time_reg(u8 index)
{
	switch (index) {
	case AXVM_RTC_SEC:
	case AXVM_RTC_MIN:
	case AXVM_RTC_HOUR:
	case AXVM_RTC_DAY_OF_WEEK:
	case AXVM_RTC_DAY:
	case AXVM_RTC_MONTH:
	case AXVM_RTC_YEAR:
	case AXVM_RTC_CENTURY:
		return true;
	}
	return false;
}

/* Time register @index as the clock shows it at @now. */
static u8 rtc_time_reg(struct axvm_rtc *rtc, u8 index, u64 now)
{
	struct tm tm;
	long year;

	time64_to_tm(rtc_sec(rtc, now, NULL), 0, &tm);
	year = tm.tm_year + 1900;
	switch (index) {
	case AXVM_RTC_SEC:
		return rtc_to_reg(rtc, tm.tm_sec);
	case AXVM_RTC_MIN:
		return rtc_to_reg(rtc, tm.tm_min);
	case AXVM_RTC_HOUR:
		return rtc_hour_to_reg(rtc, tm.tm_hour);
	case AXVM_RTC_DAY_OF_WEEK:
		return rtc_to_reg(rtc, tm.tm_wday + 1);
	case AXVM_RTC_DAY:
		return rtc_to_reg(rtc, tm.tm_mday);
	case AXVM_RTC_MONTH:
		return rtc_to_reg(rtc, tm.tm_mon + 1);
	case AXVM_RTC_YEAR:
		return rtc_to_reg(rtc, year % 100);
	default:	/* AXVM_RTC_CENTURY */
		return rtc_to_reg(rtc, year / 100);
	}
}

/* Copy the time at @now into the time registers (SET freezes them). */
static void rtc_latch(struct axvm_rtc *rtc, u64 now)
{
	static const u8 regs[] = {
		AXVM_RTC_SEC, AXVM_RTC_MIN, AXVM_RTC_HOUR,
		AXVM_RTC_DAY_OF_WEEK, AXVM_RTC_DAY, AXVM_RTC_MONTH,
		AXVM_RTC_YEAR, AXVM_RTC_CENTURY,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++)
		rtc->cmos[regs[i]] = rtc_time_reg(rtc, regs[i], now);
}

/*
 * Make the time registers the clock's time at @now, keeping the phase of
 * the second. The day of the week is not read: it follows from the date.
 * Values out of range are taken as mktime64() takes them.
 */
static void rtc_commit(struct axvm_rtc *rtc, u64 now)
{
	u8 *c = rtc->cmos;
	unsigned int year;
	u32 frac;

	year = rtc_from_reg(rtc, c[AXVM_RTC_CENTURY]) * 100 +
	       rtc_from_reg(rtc, c[AXVM_RTC_YEAR]);
	rtc_sec(rtc, now, &frac);
	rtc->base_ns = now > frac ? now - frac : 0;
	rtc->base_sec = mktime64(year, rtc_from_reg(rtc, c[AXVM_RTC_MONTH]),
				 rtc_from_reg(rtc, c[AXVM_RTC_DAY]),
				 rtc_hour_from_reg(rtc, c[AXVM_RTC_HOUR]),
				 rtc_from_reg(rtc, c[AXVM_RTC_MIN]),
				 rtc_from_reg(rtc, c[AXVM_RTC_SEC]));
	rtc->checked_ns = now;
}

/* ---- interrupt sources --------------------------------------------------- */

/* The periodic interrupt's period in cycles of 32.768 kHz; 0: none. */
static u32 rtc_period(struct axvm_rtc *rtc)
{
	unsigned int rs = rtc->cmos[AXVM_RTC_REG_A] & AXVM_RTC_A_RS;

	switch (rs) {
	case 0:
		return 0;
	case 1:
		return 128;		/* 256 Hz */
	case 2:
		return 256;		/* 128 Hz */
	default:
		return 1U << (rs - 1);	/* 32768 >> (rs - 1) Hz */
	}
}

/* Cycles of the divider chain at host time @ns. */
static u64 rtc_cycles(struct axvm_rtc *rtc, u64 ns)
{
	if (ns <= rtc->chain_ns)
		return 0;
	return mul_u64_u32_div(ns - rtc->chain_ns, RTC_HZ, NSEC_PER_SEC);
}

/* The first host time at which the chain has counted @cycles. */
static u64 rtc_cycles_ns(struct axvm_rtc *rtc, u64 cycles)
{
	/* 1e9 / 32768 = 1953125 / 64, rounded up. */
	return rtc->chain_ns + mul_u64_u32_div(cycles, 1953125, 64) +
	       !!(cycles & 63);
}

/*
 * An alarm field: the value (0-@max), -1 for "don't care" (0xc0-0xff),
 * or -2 for a value no time has (the alarm never matches).
 */
static int rtc_alarm_field(struct axvm_rtc *rtc, u8 index, int max)
{
	u8 v = rtc->cmos[index];
	int val;

	if ((v & RTC_DONT_CARE) == RTC_DONT_CARE)
		return -1;
	if (index == AXVM_RTC_HOUR_ALARM)
		val = rtc_hour_from_reg(rtc, v);
	else
		val = rtc_from_reg(rtc, v);
	return val <= max ? val : -2;
}

/* The first second after @after whose time matches the alarm. */
static s64 rtc_alarm_next(struct axvm_rtc *rtc, s64 after)
{
	int ah = rtc_alarm_field(rtc, AXVM_RTC_HOUR_ALARM, 23);
	int am = rtc_alarm_field(rtc, AXVM_RTC_MIN_ALARM, 59);
	int as = rtc_alarm_field(rtc, AXVM_RTC_SEC_ALARM, 59);
	s64 t = after + 1;
	unsigned int i;

	if (ah == -2 || am == -2 || as == -2)
		return RTC_NEVER;
	/*
	 * Jump to the next hour, minute, second that matches, in that
	 * order; a jump that wraps a larger unit may undo its match, then
	 * go round again. Six rounds at most.
	 */
	for (i = 0; i < 8; i++) {
		s32 tod;
		int h, m, s;

		div_s64_rem(t, 86400, &tod);
		if (tod < 0)
			tod += 86400;
		h = tod / 3600;
		m = tod / 60 % 60;
		s = tod % 60;
		if (ah >= 0 && h != ah)
			t += (ah - h + 24) % 24 * 3600 - m * 60 - s;
		else if (am >= 0 && m != am)
			t += (am - m + 60) % 60 * 60 - s;
		else if (as >= 0 && s != as)
			t += (as - s + 60) % 60;
		else
			return t;
	}
	return RTC_NEVER;
}

/* Set C's flags for the events in (checked_ns, @now]. */
static void rtc_catch_up(struct axvm_rtc *rtc, u64 now)
{
	u64 from = rtc->checked_ns;
	u32 period = rtc_period(rtc);
	s64 s0, s1;

	lockdep_assert_held(&rtc->lock);
	if (now <= from)
		return;
	rtc->checked_ns = now;
	if (period && div_u64(rtc_cycles(rtc, now), period) >
		      div_u64(rtc_cycles(rtc, from), period))
		rtc->cmos[AXVM_RTC_REG_C] |= AXVM_RTC_C_PF;
	if (rtc->cmos[AXVM_RTC_REG_B] & AXVM_RTC_B_SET)
		return;		/* no updates, so no update or alarm */
	s0 = rtc_sec(rtc, from, NULL);
	s1 = rtc_sec(rtc, now, NULL);
	if (s1 == s0)
		return;
	rtc->cmos[AXVM_RTC_REG_C] |= AXVM_RTC_C_UF;
	if (rtc_alarm_next(rtc, s0) <= s1)
		rtc->cmos[AXVM_RTC_REG_C] |= AXVM_RTC_C_AF;
}

/* IRQF = PF & PIE | AF & AIE | UF & UIE; the line follows it. */
static void rtc_update_irqf(struct axvm_rtc *rtc)
{
	u8 *c = rtc->cmos;

	if (c[AXVM_RTC_REG_C] & c[AXVM_RTC_REG_B] & RTC_B_IRQ_ENABLES)
		c[AXVM_RTC_REG_C] |= AXVM_RTC_C_IRQF;
	else
		c[AXVM_RTC_REG_C] &= ~AXVM_RTC_C_IRQF;
}

/*
 * When the next event of an enabled source whose flag is clear comes
 * (its flag then raises IRQF), after checked_ns. False: none comes.
 */
static bool rtc_next_event(struct axvm_rtc *rtc, u64 *when)
{
	u8 want = rtc->cmos[AXVM_RTC_REG_B] & ~rtc->cmos[AXVM_RTC_REG_C];
	u64 at = U64_MAX;
	u32 period = rtc_period(rtc);
	s64 sec, alarm;

	if ((want & AXVM_RTC_B_PIE) && period) {
		u64 next = div_u64(rtc_cycles(rtc, rtc->checked_ns), period) + 1;

		at = rtc_cycles_ns(rtc, next * period);
	}
	if (!(rtc->cmos[AXVM_RTC_REG_B] & AXVM_RTC_B_SET)) {
		sec = rtc_sec(rtc, rtc->checked_ns, NULL);
		if (want & AXVM_RTC_B_UIE)
			at = min(at, rtc_sec_ns(rtc, sec + 1));
		if (want & AXVM_RTC_B_AIE) {
			alarm = rtc_alarm_next(rtc, sec);
			if (alarm != RTC_NEVER)
				at = min(at, rtc_sec_ns(rtc, alarm));
		}
	}
	*when = at;
	return at != U64_MAX;
}

/*
 * After a change: arm the timer for the next event, or say that it
 * should be cancelled (after the lock is dropped). From within the
 * timer's own callback (a set_irq that called back in) it is left to
 * fire and find nothing.
 */
static bool rtc_program(struct axvm_rtc *rtc)
{
	const struct axvm_hal_ops *hal = rtc->host.hal;
	u64 when;

	lockdep_assert_held(&rtc->lock);
	rtc_update_irqf(rtc);
	if (rtc_next_event(rtc, &when)) {
		if (!rtc->timer_armed || rtc->armed_ns != when)
			hal->timer_arm(hal, &rtc->timer, when);
		rtc->timer_armed = true;
		rtc->armed_ns = when;
		return false;
	}
	if (!rtc->timer_armed)
		return false;
	rtc->timer_armed = false;
	return rtc->fn_task != current;
}

static unsigned long rtc_lock(struct axvm_rtc *rtc, u64 *now)
	__acquires(&rtc->lock)
{
	unsigned long flags;

	spin_lock_irqsave(&rtc->lock, flags);
	*now = rtc_clock(rtc);
	rtc_catch_up(rtc, *now);
	return flags;
}

/*
 * Program the timer, drop the lock taken by rtc_lock() and report the
 * line if it changed (see the top of the file), then cancel the timer
 * if it is no longer needed.
 */
static void rtc_unlock(struct axvm_rtc *rtc, unsigned long flags)
	__releases(&rtc->lock)
{
	const struct axvm_hal_ops *hal = rtc->host.hal;
	bool cancel = rtc_program(rtc);
	bool level;
	u64 when;

	if (!rtc->notifying) {
		rtc->notifying = true;
		for (;;) {
			level = rtc->cmos[AXVM_RTC_REG_C] & AXVM_RTC_C_IRQF;
			if (level == rtc->irq_reported)
				break;
			rtc->irq_reported = level;
			spin_unlock_irqrestore(&rtc->lock, flags);
			rtc->host.set_irq(rtc->host.ctx, level);
			spin_lock_irqsave(&rtc->lock, flags);
		}
		rtc->notifying = false;
	}
	spin_unlock_irqrestore(&rtc->lock, flags);
	if (!cancel)
		return;
	hal->timer_cancel(hal, &rtc->timer);
	/* Someone may have armed it meanwhile: the cancel undid that. */
	spin_lock_irqsave(&rtc->lock, flags);
	if (rtc_next_event(rtc, &when)) {
		hal->timer_arm(hal, &rtc->timer, when);
		rtc->timer_armed = true;
		rtc->armed_ns = when;
	}
	spin_unlock_irqrestore(&rtc->lock, flags);
}

static void rtc_timer_fn(struct axvm_timer *t)
{
	struct axvm_rtc *rtc = container_of(t, struct axvm_rtc, timer);
	unsigned long flags;
	u64 now;

	flags = rtc_lock(rtc, &now);
	rtc->timer_armed = false;	/* it fired */
	rtc->fn_task = current;
	rtc_unlock(rtc, flags);
	spin_lock_irqsave(&rtc->lock, flags);
	rtc->fn_task = NULL;
	spin_unlock_irqrestore(&rtc->lock, flags);
}

/* ---- registers ----------------------------------------------------------- */

static u8 rtc_read_data(struct axvm_rtc *rtc, u64 now)
{
	u8 index = rtc->index, val;
	bool set = rtc->cmos[AXVM_RTC_REG_B] & AXVM_RTC_B_SET;
	u32 frac;

	if (rtc_is_time_reg(index))
		return set ? rtc->cmos[index] : rtc_time_reg(rtc, index, now);
	switch (index) {
	case AXVM_RTC_REG_A:
		val = rtc->cmos[index];
		rtc_sec(rtc, now, &frac);
		if (!set && frac >= NSEC_PER_SEC - RTC_UIP_NS)
			val |= AXVM_RTC_A_UIP;
		return val;
	case AXVM_RTC_REG_C:
		val = rtc->cmos[index];
		rtc->cmos[index] = 0;	/* and the line goes low */
		return val;
	case AXVM_RTC_REG_D:
		return AXVM_RTC_D_VRT;
	}
	return rtc->cmos[index];
}

static void rtc_write_b(struct axvm_rtc *rtc, u8 val, u64 now)
{
	u8 old = rtc->cmos[AXVM_RTC_REG_B];

	/* SET stops the update cycle, and with it the update interrupt. */
	if (val & AXVM_RTC_B_SET)
		val &= ~AXVM_RTC_B_UIE;
	rtc->cmos[AXVM_RTC_REG_B] = val;
	if ((val & AXVM_RTC_B_SET) && !(old & AXVM_RTC_B_SET))
		rtc_latch(rtc, now);
	else if (!(val & AXVM_RTC_B_SET) && (old & AXVM_RTC_B_SET))
		rtc_commit(rtc, now);
}

static void rtc_write_data(struct axvm_rtc *rtc, u8 val, u64 now)
{
	u8 index = rtc->index;

	if (rtc_is_time_reg(index)) {
		if (rtc->cmos[AXVM_RTC_REG_B] & AXVM_RTC_B_SET) {
			rtc->cmos[index] = val;
		} else {	/* takes effect at once, as in QEMU */
			rtc_latch(rtc, now);
			rtc->cmos[index] = val;
			rtc_commit(rtc, now);
		}
		return;
	}
	switch (index) {
	case AXVM_RTC_REG_A:
		rtc->cmos[index] = val & ~AXVM_RTC_A_UIP;
		break;
	case AXVM_RTC_REG_B:
		rtc_write_b(rtc, val, now);
		break;
	case AXVM_RTC_REG_C:
	case AXVM_RTC_REG_D:
		break;		/* read-only */
	default:		/* alarms, NVRAM */
		rtc->cmos[index] = val;
	}
}

bool axvm_rtc_port(u16 port)
{
	return port == AXVM_RTC_PORT_INDEX || port == AXVM_RTC_PORT_DATA;
}
AXVM_EXPORT_FOR_TESTS(axvm_rtc_port);

u8 axvm_rtc_port_read(struct axvm_rtc *rtc, u16 port)
{
	unsigned long flags;
	u64 now;
	u8 val;

	if (port != AXVM_RTC_PORT_DATA)
		return 0xff;
	flags = rtc_lock(rtc, &now);
	val = rtc_read_data(rtc, now);
	rtc_unlock(rtc, flags);
	return val;
}
AXVM_EXPORT_FOR_TESTS(axvm_rtc_port_read);

void axvm_rtc_port_write(struct axvm_rtc *rtc, u16 port, u8 val)
{
	unsigned long flags;
	u64 now;

	if (!axvm_rtc_port(port))
		return;
	flags = rtc_lock(rtc, &now);
	if (port == AXVM_RTC_PORT_INDEX) {
		rtc->index = val & 0x7f;
		rtc->nmi_masked = val & 0x80;
	} else {
		rtc_write_data(rtc, val, now);
	}
	rtc_unlock(rtc, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_rtc_port_write);

void axvm_rtc_nvram_write(struct axvm_rtc *rtc, u8 index, u8 val)
{
	unsigned long flags;

	if (index <= AXVM_RTC_REG_D || index >= AXVM_RTC_NVRAM_SIZE ||
	    index == AXVM_RTC_CENTURY)
		return;
	spin_lock_irqsave(&rtc->lock, flags);
	rtc->cmos[index] = val;
	spin_unlock_irqrestore(&rtc->lock, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_rtc_nvram_write);

static void rtc_nvram_write16(struct axvm_rtc *rtc, u8 lo, u16 val)
{
	axvm_rtc_nvram_write(rtc, lo, val & 0xff);
	axvm_rtc_nvram_write(rtc, lo + 1, val >> 8);
}

void axvm_rtc_set_memory(struct axvm_rtc *rtc, u64 below_4g_bytes,
			 u64 above_4g_bytes, u32 nr_cpus)
{
	u64 ext = 0, mem16 = 0, mem4g = above_4g_bytes >> 16;

	if (below_4g_bytes > SZ_1M)
		ext = min_t(u64, (below_4g_bytes - SZ_1M) / SZ_1K,
			    AXVM_CMOS_EXT_MEM_MAX);
	if (below_4g_bytes > SZ_16M)
		mem16 = min_t(u64, (below_4g_bytes - SZ_16M) >> 16, 0xffff);
	mem4g = min_t(u64, mem4g, 0xffffff);
	rtc_nvram_write16(rtc, AXVM_CMOS_BASE_MEM_LO, AXVM_CMOS_BASE_MEM_KB);
	rtc_nvram_write16(rtc, AXVM_CMOS_EXT_MEM_LO, ext);
	rtc_nvram_write16(rtc, AXVM_CMOS_EXT_MEM2_LO, ext);
	rtc_nvram_write16(rtc, AXVM_CMOS_MEM_16M_LO, mem16);
	axvm_rtc_nvram_write(rtc, AXVM_CMOS_MEM_4G_LO, mem4g & 0xff);
	axvm_rtc_nvram_write(rtc, AXVM_CMOS_MEM_4G_MID, (mem4g >> 8) & 0xff);
	axvm_rtc_nvram_write(rtc, AXVM_CMOS_MEM_4G_HI, mem4g >> 16);
	axvm_rtc_nvram_write(rtc, AXVM_CMOS_NR_CPUS,
			     nr_cpus ? min_t(u32, nr_cpus - 1, 0xff) : 0);
}
AXVM_EXPORT_FOR_TESTS(axvm_rtc_set_memory);

void axvm_rtc_reset(struct axvm_rtc *rtc)
{
	unsigned long flags;
	u64 now;

	flags = rtc_lock(rtc, &now);
	rtc->cmos[AXVM_RTC_REG_B] &= ~(RTC_B_IRQ_ENABLES | AXVM_RTC_B_SQWE);
	rtc->cmos[AXVM_RTC_REG_C] = 0;
	rtc_unlock(rtc, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_rtc_reset);

struct axvm_rtc *axvm_rtc_create(const struct axvm_rtc_host *host)
{
	const struct axvm_hal_ops *hal;
	struct axvm_rtc *rtc;

	if (!host || !host->set_irq || !host->hal)
		return ERR_PTR(-EINVAL);
	hal = host->hal;
	rtc = kzalloc(sizeof(*rtc), GFP_KERNEL_ACCOUNT);
	if (!rtc)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&rtc->lock);
	rtc->host = *host;
	rtc->timer.fn = rtc_timer_fn;
	if (hal->timer_init(hal, &rtc->timer)) {
		hal->timer_destroy(hal, &rtc->timer);
		kfree(rtc);
		return ERR_PTR(-ENOMEM);
	}
	rtc->base_sec = host->wall_sec;
	rtc->base_ns = host->wall_at_ns;
	rtc->chain_ns = host->wall_at_ns;
	rtc->checked_ns = max(hal->current_time_nanos(hal), host->wall_at_ns);
	rtc->cmos[AXVM_RTC_REG_A] = AXVM_RTC_A_INIT;
	rtc->cmos[AXVM_RTC_REG_B] = AXVM_RTC_B_INIT;
	return rtc;
}
AXVM_EXPORT_FOR_TESTS(axvm_rtc_create);

void axvm_rtc_destroy(struct axvm_rtc *rtc)
{
	if (!rtc)
		return;
	rtc->host.hal->timer_destroy(rtc->host.hal, &rtc->timer);
	kfree(rtc);
}
AXVM_EXPORT_FOR_TESTS(axvm_rtc_destroy);
