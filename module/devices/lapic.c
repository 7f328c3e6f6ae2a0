// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC of one vCPU (Intel SDM vol. 3 ch. 10; lapic.h has the
 * contract). The state is the architectural registers themselves:
 * IRR/ISR/TMR as the eight 32-bit words the guest reads, PPR computed
 * when needed, so no derived copy can go stale.
 *
 * Callbacks: every function that changes state collects what it must
 * ask of the host (a message to send, a level EOI, a kick) in a struct
 * lapic_calls while holding the lock, and makes the calls once the lock
 * is dropped: a send may come straight back into axvm_lapic_accept() of
 * this APIC (a self IPI), and a kick may take the vCPU's own locks.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/math64.h>
#include "hal.h"
#include "kunit_export.h"
#include "lapic.h"

/* Register offsets in the xAPIC page (SDM table 10-1). */
#define LAPIC_ID		0x020
#define LAPIC_VERSION		0x030
#define LAPIC_TPR		0x080
#define LAPIC_APR		0x090
#define LAPIC_PPR		0x0a0
#define LAPIC_EOI		0x0b0
#define LAPIC_RRD		0x0c0
#define LAPIC_LDR		0x0d0
#define LAPIC_DFR		0x0e0
#define LAPIC_SVR		0x0f0
#define LAPIC_ISR		0x100	/* eight registers each: */
#define LAPIC_TMR		0x180	/* vectors 32n..32n+31 at */
#define LAPIC_IRR		0x200	/* offset + 0x10 * n */
#define LAPIC_VEC_REGS_LAST	0x070
#define LAPIC_ESR		0x280
#define LAPIC_ICR		0x300
#define LAPIC_ICR_HI		0x310
#define LAPIC_LVT_FIRST		0x320	/* timer, then enum lapic_lvt */
#define LAPIC_LVT_LAST		0x370	/* error */
#define LAPIC_TIMER_ICR		0x380
#define LAPIC_TIMER_CCR		0x390
#define LAPIC_TIMER_DCR		0x3e0
#define LAPIC_SELF_IPI		0x3f0	/* x2APIC only */

#define LAPIC_REG_STRIDE	16
/* The x2APIC MSR of a register is 0x800 + offset / 16. */
#define LAPIC_MSR_SHIFT		4

/* The LVT entries in register order; the version says how many. */
enum lapic_lvt {
	LVT_TIMER,
	LVT_THERMAL,
	LVT_PMC,
	LVT_LINT0,
	LVT_LINT1,
	LVT_ERROR,
	LVT_NR
};

/* 0x14: an integrated xAPIC; bits 23:16: the number of LVTs - 1. */
#define LAPIC_VERSION_VAL	(((LVT_NR - 1) << 16) | 0x14)

#define LAPIC_VECTOR		0xffU
/* Vectors 0-15 are illegal for interrupts (SDM 10.5.2). */
#define LAPIC_FIRST_VECTOR	16
#define LAPIC_PRIO_CLASS	0xf0U

/* LVT bits (SDM figure 10-8); delivery status (12) always reads 0. */
#define LVT_DM			GENMASK(10, 8)
#define LVT_DM_SHIFT		8
#define LVT_POLARITY		BIT(13)
#define LVT_LEVEL		BIT(15)
#define LVT_MASKED		BIT(16)
#define LVT_TIMER_MODE		GENMASK(18, 17)
#define LVT_TIMER_MODE_SHIFT	17

/* LVT timer modes (SDM 10.5.4); mode 3 is reserved and runs as one-shot. */
enum lapic_timer_mode {
	TIMER_ONESHOT,
	TIMER_PERIODIC,
	TIMER_TSC_DEADLINE,
};

static const u32 lapic_lvt_writable[LVT_NR] = {
	[LVT_TIMER]	= LAPIC_VECTOR | LVT_MASKED | LVT_TIMER_MODE,
	[LVT_THERMAL]	= LAPIC_VECTOR | LVT_DM | LVT_MASKED,
	[LVT_PMC]	= LAPIC_VECTOR | LVT_DM | LVT_MASKED,
	/* Remote IRR (14) is read-only and stays 0: LINTs are edges here. */
	[LVT_LINT0]	= LAPIC_VECTOR | LVT_DM | LVT_POLARITY | LVT_LEVEL |
			  LVT_MASKED,
	[LVT_LINT1]	= LAPIC_VECTOR | LVT_DM | LVT_POLARITY | LVT_LEVEL |
			  LVT_MASKED,
	[LVT_ERROR]	= LAPIC_VECTOR | LVT_MASKED,
};

/*
 * SVR: vector, software enable, focus processor checking (stored, no
 * arbitration to apply it to). EOI-broadcast suppression (bit 12) is
 * not offered (version bit 24 is 0), so it stays 0.
 */
#define SVR_ENABLE		BIT(8)
#define SVR_WRITABLE		GENMASK(9, 0)
#define SVR_RESET		0xffU

#define LDR_XAPIC_WRITABLE	GENMASK(31, 24)
#define LDR_XAPIC_SHIFT		24
/* DFR bits 31:28 are the model (flat 1111, cluster 0000), the rest 1s. */
#define DFR_ONES		GENMASK(27, 0)
#define DFR_MODEL_SHIFT		28
#define DFR_MODEL_FLAT		0xfU
#define DFR_MODEL_CLUSTER	0x0U

#define ESR_SEND_ILLEGAL	BIT(5)
#define ESR_RECV_ILLEGAL	BIT(6)

/* ICR low (SDM figure 10-12); delivery status (12) always reads 0. */
#define ICR_DM_SHIFT		8
#define ICR_DM_MASK		0x7U
#define ICR_LOGICAL		BIT(11)
#define ICR_ASSERT		BIT(14)
#define ICR_LEVEL		BIT(15)
#define ICR_SH_SHIFT		18
#define ICR_SH_MASK		0x3U
#define ICR_WRITABLE		(LAPIC_VECTOR | GENMASK(11, 8) | ICR_ASSERT | \
				 ICR_LEVEL | GENMASK(19, 18))
#define ICR_HI_XAPIC_SHIFT	24
#define ICR_HI_XAPIC_WRITABLE	GENMASK(31, 24)
/* The P6's remote read: reserved since, like ExtINT in the ICR. */
#define ICR_DM_REMOTE_READ	3

/* Divide configuration: bits 0, 1 and 3. */
#define TIMER_DCR_WRITABLE	0xbU
/* The divide value 0b111 (bits 3, 1, 0) is "divide by 1". */
#define TIMER_DCR_BY_1		7

/* x2APIC logical IDs (SDM 10.12.10.2): cluster in 31:16, one bit in 15:0. */
#define X2APIC_CLUSTER_SHIFT	16
#define X2APIC_MEMBER_BITS	4
#define X2APIC_MEMBER_MASK	GENMASK(15, 0)

#define BASE_RESERVED_LOW	(GENMASK_ULL(7, 0) | BIT_ULL(9))
#define BASE_ADDR_MASK		(~GENMASK_ULL(11, 0))
#define MAX_PHYS_BITS		52

#define NR_VEC_WORDS		(256 / 32)

struct axvm_lapic {
	/*
	 * Guards everything below but the constants. Taken with
	 * interrupts saved: accept() may come from a device's interrupt
	 * path with interrupts off. Never held across a host callback.
	 */
	spinlock_t lock;
	struct axvm_lapic_host host;	/* constant after create */
	u32 id;				/* constant: the initial APIC ID */
	bool bsp;			/* constant */
	u64 base_reserved;		/* constant: #GP bits of APIC_BASE */

	u64 base;			/* IA32_APIC_BASE */
	u32 tpr, ldr, dfr, svr;
	u32 esr;			/* what ESR reads: latched at a write */
	u32 esr_pending;		/* errors since the last ESR write */
	u32 icr, icr_hi;
	u32 lvt[LVT_NR];
	u32 timer_icr, timer_dcr;
	/*
	 * The running timer: its next expiry on the HAL's clock (0: not
	 * armed; one-shot and TSC-deadline disarm when they expire), and
	 * in periodic mode the length of a period. The current count is
	 * computed from them when read, never counted down.
	 */
	u64 timer_next_ns;
	u64 timer_period_ns;
	u32 timer_div;			/* the divide the count started with */
	u64 tsc_deadline;		/* IA32_TSC_DEADLINE as written */
	struct axvm_timer timer;	/* with host.hal: constant after create */
	u32 irr[NR_VEC_WORDS];
	u32 isr[NR_VEC_WORDS];
	u32 tmr[NR_VEC_WORDS];
	unsigned int events;		/* AXVM_LAPIC_EV_* */
	u8 sipi_vector;
};

/* What to ask of the host once the lock is dropped. */
struct lapic_calls {
	struct axvm_apic_msg msg;
	bool send;
	bool eoi_level;
	u8 eoi_vector;
	bool kick;
	bool cancel_timer;
};

static void lapic_call_host(struct axvm_lapic *apic,
			    const struct lapic_calls *c)
{
	const struct axvm_lapic_host *h = &apic->host;

	if (c->send && h->send)
		h->send(h->ctx, &c->msg);
	if (c->eoi_level && h->eoi_level)
		h->eoi_level(h->ctx, c->eoi_vector);
	if (c->kick && h->kick)
		h->kick(h->ctx);
	/* Not under the lock: a cancel waits for a running callback. */
	if (c->cancel_timer && h->hal)
		h->hal->timer_cancel(h->hal, &apic->timer);
}

/* ---- vector registers ------------------------------------------------ */

static bool vec_test(const u32 *reg, u8 vector)
{
	return reg[vector / 32] & BIT(vector % 32);
}

static void vec_set(u32 *reg, u8 vector)
{
	reg[vector / 32] |= BIT(vector % 32);
}

static void vec_clear(u32 *reg, u8 vector)
{
	reg[vector / 32] &= ~BIT(vector % 32);
}

/* The highest vector set, or -1. */
static int vec_highest(const u32 *reg)
{
	int i;

	for (i = NR_VEC_WORDS - 1; i >= 0; i--)
		if (reg[i])
			return i * 32 + fls(reg[i]) - 1;
	return -1;
}

/* ---- modes --------------------------------------------------------------- */

static bool lapic_hw_enabled(const struct axvm_lapic *apic)
{
	return apic->base & AXVM_LAPIC_BASE_EN;
}

/* set_base never lets EXTD stand without EN. */
static bool lapic_x2apic(const struct axvm_lapic *apic)
{
	return apic->base & AXVM_LAPIC_BASE_EXTD;
}

static bool lapic_xapic(const struct axvm_lapic *apic)
{
	return lapic_hw_enabled(apic) && !lapic_x2apic(apic);
}

static bool lapic_sw_enabled(const struct axvm_lapic *apic)
{
	return apic->svr & SVR_ENABLE;
}

/* The ID as this APIC's mode sees it: 8 bits in xAPIC mode. */
static u32 lapic_mode_id(const struct axvm_lapic *apic)
{
	return lapic_x2apic(apic) ? apic->id : apic->id & 0xff;
}

/* x2APIC logical ID: fixed by the ID, 16 CPUs to a cluster. */
static u32 lapic_x2apic_ldr(const struct axvm_lapic *apic)
{
	return ((apic->id >> X2APIC_MEMBER_BITS) << X2APIC_CLUSTER_SHIFT) |
	       BIT(apic->id & GENMASK(X2APIC_MEMBER_BITS - 1, 0));
}

/* ---- priorities (SDM 10.8.3) ------------------------------------------ */

/* PPR: TPR if its class is at least the ISR's, else the ISR's class. */
static u32 lapic_ppr(const struct axvm_lapic *apic)
{
	int isrv = vec_highest(apic->isr);
	u32 isr_class = isrv < 0 ? 0 : isrv & LAPIC_PRIO_CLASS;

	lockdep_assert_held(&apic->lock);
	if ((apic->tpr & LAPIC_PRIO_CLASS) >= isr_class)
		return apic->tpr;
	return isr_class;
}

static int lapic_deliverable(const struct axvm_lapic *apic)
{
	int irrv;

	lockdep_assert_held(&apic->lock);
	if (!lapic_hw_enabled(apic))
		return -1;
	irrv = vec_highest(apic->irr);
	if (irrv < 0 ||
	    (irrv & LAPIC_PRIO_CLASS) <= (lapic_ppr(apic) & LAPIC_PRIO_CLASS))
		return -1;
	return irrv;
}

/* A fixed interrupt with a legal vector into IRR; kick when it can go. */
static void lapic_set_irr(struct axvm_lapic *apic, u8 vector, bool level,
			  struct lapic_calls *calls)
{
	lockdep_assert_held(&apic->lock);
	vec_set(apic->irr, vector);
	if (level)
		vec_set(apic->tmr, vector);
	else
		vec_clear(apic->tmr, vector);
	if (lapic_deliverable(apic) >= 0)
		calls->kick = true;
}

/*
 * Record an error (SDM 10.5.3) and raise the LVT error interrupt. An
 * illegal vector in the LVT error entry itself is one more error, not a
 * loop.
 */
static void lapic_error(struct axvm_lapic *apic, u32 esr_bits,
			struct lapic_calls *calls)
{
	u32 lvt = apic->lvt[LVT_ERROR];
	u8 vector = lvt & LAPIC_VECTOR;

	lockdep_assert_held(&apic->lock);
	apic->esr_pending |= esr_bits;
	if (lvt & LVT_MASKED)
		return;
	if (vector < LAPIC_FIRST_VECTOR)
		apic->esr_pending |= ESR_RECV_ILLEGAL;
	else
		lapic_set_irr(apic, vector, false, calls);
}

/* ---- the timer (SDM 10.5.4) ------------------------------------------- */

static enum lapic_timer_mode lapic_timer_mode(const struct axvm_lapic *apic)
{
	u32 mode = (apic->lvt[LVT_TIMER] & LVT_TIMER_MODE) >>
		   LVT_TIMER_MODE_SHIFT;

	return mode == TIMER_PERIODIC || mode == TIMER_TSC_DEADLINE ?
	       mode : TIMER_ONESHOT;
}

/* Bus clocks per count: DCR bits 3 and 1:0 select 2, 4, ... 128, or 1. */
static u32 lapic_timer_divide(const struct axvm_lapic *apic)
{
	u32 v = (apic->timer_dcr & 3) | ((apic->timer_dcr >> 1) & 4);

	return v == TIMER_DCR_BY_1 ? 1 : 2U << v;
}

static u64 lapic_now(const struct axvm_lapic *apic)
{
	return apic->host.hal->current_time_nanos(apic->host.hal);
}

/*
 * Arming under the lock is safe: timer_arm never runs the callback
 * itself. It replaces any earlier deadline, so a cancel the same call
 * asked for must not follow it.
 */
static void lapic_timer_arm(struct axvm_lapic *apic, u64 deadline_ns,
			    struct lapic_calls *calls)
{
	apic->timer_next_ns = max_t(u64, deadline_ns, 1);
	calls->cancel_timer = false;
	apic->host.hal->timer_arm(apic->host.hal, &apic->timer,
				  apic->timer_next_ns);
}

/* The HAL timer is cancelled once the lock is dropped (lapic_calls). */
static void lapic_timer_disarm(struct axvm_lapic *apic,
			       struct lapic_calls *calls)
{
	if (apic->timer_next_ns)
		calls->cancel_timer = true;
	apic->timer_next_ns = 0;
}

/* A write of the initial count (one-shot and periodic): count from now. */
static void lapic_timer_start(struct axvm_lapic *apic,
			      struct lapic_calls *calls)
{
	u64 len;

	lapic_timer_disarm(apic, calls);
	if (!apic->host.hal || !apic->timer_icr)
		return;
	apic->timer_div = lapic_timer_divide(apic);
	len = (u64)apic->timer_icr * apic->timer_div *
	      (NSEC_PER_SEC / AXVM_LAPIC_TIMER_HZ);
	if (lapic_timer_mode(apic) == TIMER_PERIODIC)
		len = max_t(u64, len, AXVM_LAPIC_MIN_PERIOD_NS);
	apic->timer_period_ns = len;
	lapic_timer_arm(apic, lapic_now(apic) + len, calls);
}

/* The count reached 0 (or the TSC the deadline) at or before @now. */
static void lapic_timer_expired(struct axvm_lapic *apic, u64 now,
				struct lapic_calls *calls)
{
	u32 lvt = apic->lvt[LVT_TIMER];
	u8 vector = lvt & LAPIC_VECTOR;
	u64 missed;

	lockdep_assert_held(&apic->lock);
	/* A masked timer counts on without interrupting (SDM 10.5.1). */
	if (!(lvt & LVT_MASKED)) {
		if (vector < LAPIC_FIRST_VECTOR)
			lapic_error(apic, ESR_RECV_ILLEGAL, calls);
		else
			lapic_set_irr(apic, vector, false, calls);
	}
	switch (lapic_timer_mode(apic)) {
	case TIMER_PERIODIC:
		/*
		 * The next period follows the last deadline, not now, so the
		 * rate does not drift with the host's latency. Periods the
		 * host missed entirely merge into this one interrupt: IRR
		 * holds one of each vector, as on hardware.
		 */
		missed = div64_u64(now - apic->timer_next_ns,
				   apic->timer_period_ns);
		lapic_timer_arm(apic, apic->timer_next_ns +
				(missed + 1) * apic->timer_period_ns, calls);
		break;
	case TIMER_TSC_DEADLINE:
		apic->tsc_deadline = 0;
		fallthrough;
	default:
		apic->timer_next_ns = 0;
	}
}

/* The HAL's callback, in interrupt context on any CPU. */
static void lapic_timer_fn(struct axvm_timer *t)
{
	struct axvm_lapic *apic = container_of(t, struct axvm_lapic, timer);
	struct lapic_calls calls = {};
	unsigned long flags;
	u64 now;

	spin_lock_irqsave(&apic->lock, flags);
	now = lapic_now(apic);
	/* An early call (a deadline since moved) re-arms the current one. */
	if (apic->timer_next_ns && now >= apic->timer_next_ns)
		lapic_timer_expired(apic, now, &calls);
	else if (apic->timer_next_ns)
		lapic_timer_arm(apic, apic->timer_next_ns, &calls);
	spin_unlock_irqrestore(&apic->lock, flags);
	lapic_call_host(apic, &calls);
}

/* The current count: what is left of this period, in counts. */
static u32 lapic_timer_ccr(const struct axvm_lapic *apic)
{
	u64 now, left;

	if (!apic->timer_next_ns ||
	    lapic_timer_mode(apic) == TIMER_TSC_DEADLINE)
		return 0;
	now = lapic_now(apic);
	if (now >= apic->timer_next_ns)
		return 0;
	left = div_u64(apic->timer_next_ns - now, apic->timer_div *
		       (NSEC_PER_SEC / AXVM_LAPIC_TIMER_HZ));
	return min_t(u64, left, apic->timer_icr);
}

/*
 * A new LVT timer value: a change into or out of TSC-deadline mode
 * disarms the timer and clears both its counts (SDM 10.5.4.1); one-shot
 * and periodic switch at the next expiry.
 */
static void lapic_timer_lvt_changed(struct axvm_lapic *apic,
				    enum lapic_timer_mode old,
				    struct lapic_calls *calls)
{
	enum lapic_timer_mode new = lapic_timer_mode(apic);

	if (old == new ||
	    (old != TIMER_TSC_DEADLINE && new != TIMER_TSC_DEADLINE))
		return;
	lapic_timer_disarm(apic, calls);
	apic->timer_icr = 0;
	apic->tsc_deadline = 0;
}

/* ---- state ---------------------------------------------------------------- */

/*
 * Every register to its power-on value (SDM 10.4.7.1) but the ones that
 * outlive INIT and a global disable: the base MSR, the ID, the events.
 */
static void lapic_reset_regs(struct axvm_lapic *apic,
			     struct lapic_calls *calls)
{
	unsigned int i;

	lockdep_assert_held(&apic->lock);
	lapic_timer_disarm(apic, calls);
	apic->tsc_deadline = 0;
	apic->tpr = 0;
	apic->ldr = 0;
	apic->dfr = U32_MAX;
	apic->svr = SVR_RESET;
	apic->esr = 0;
	apic->esr_pending = 0;
	apic->icr = 0;
	apic->icr_hi = 0;
	for (i = 0; i < LVT_NR; i++)
		apic->lvt[i] = LVT_MASKED;
	apic->timer_icr = 0;
	apic->timer_dcr = 0;
	memset(apic->irr, 0, sizeof(apic->irr));
	memset(apic->isr, 0, sizeof(apic->isr));
	memset(apic->tmr, 0, sizeof(apic->tmr));
}

void axvm_lapic_reset(struct axvm_lapic *apic, bool init)
{
	struct lapic_calls calls = {};
	unsigned long flags;

	spin_lock_irqsave(&apic->lock, flags);
	if (!init) {
		apic->base = AXVM_LAPIC_DEFAULT_BASE | AXVM_LAPIC_BASE_EN |
			     (apic->bsp ? AXVM_LAPIC_BASE_BSP : 0);
		apic->events = 0;
		apic->sipi_vector = 0;
	}
	lapic_reset_regs(apic, &calls);
	spin_unlock_irqrestore(&apic->lock, flags);
	lapic_call_host(apic, &calls);
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_reset);

struct axvm_lapic *axvm_lapic_create(u32 apic_id, bool bsp,
				     const struct axvm_lapic_host *host)
{
	struct axvm_lapic *apic;
	unsigned int bits;

	apic = kzalloc(sizeof(*apic), GFP_KERNEL_ACCOUNT);
	if (!apic)
		return NULL;
	spin_lock_init(&apic->lock);
	if (host)
		apic->host = *host;
	apic->id = apic_id;
	apic->bsp = bsp;
	if (apic->host.hal) {
		apic->timer.fn = lapic_timer_fn;
		if (apic->host.hal->timer_init(apic->host.hal, &apic->timer)) {
			kfree(apic);
			return NULL;
		}
	}
	bits = apic->host.phys_bits ? apic->host.phys_bits : MAX_PHYS_BITS;
	bits = min_t(unsigned int, bits, MAX_PHYS_BITS);
	apic->base_reserved = BASE_RESERVED_LOW | GENMASK_ULL(63, bits);
	axvm_lapic_reset(apic, false);
	return apic;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_create);

void axvm_lapic_destroy(struct axvm_lapic *apic)
{
	if (apic->host.hal)
		apic->host.hal->timer_destroy(apic->host.hal, &apic->timer);
	kfree(apic);
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_destroy);

/* ---- IA32_APIC_BASE (SDM 10.4.4, 10.12.5) ------------------------------ */

u64 axvm_lapic_get_base(struct axvm_lapic *apic)
{
	unsigned long flags;
	u64 base;

	spin_lock_irqsave(&apic->lock, flags);
	base = apic->base;
	spin_unlock_irqrestore(&apic->lock, flags);
	return base;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_get_base);

/* The mode changes figure 10-27 forbids, and EXTD without EN. */
static bool lapic_base_legal(u64 old, u64 new)
{
	bool old_en = old & AXVM_LAPIC_BASE_EN;
	bool old_x2 = old_en && (old & AXVM_LAPIC_BASE_EXTD);
	bool new_en = new & AXVM_LAPIC_BASE_EN;
	bool new_extd = new & AXVM_LAPIC_BASE_EXTD;

	if (new_extd && !new_en)
		return false;
	if (old_x2 && new_en && !new_extd)
		return false;		/* x2APIC -> xAPIC: disable first */
	if (!old_en && new_extd)
		return false;		/* disabled -> x2APIC: xAPIC first */
	return true;
}

int axvm_lapic_set_base(struct axvm_lapic *apic, u64 val)
{
	struct lapic_calls calls = {};
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&apic->lock, flags);
	if ((val & apic->base_reserved) || !lapic_base_legal(apic->base, val)) {
		ret = -EINVAL;
		goto out;
	}
	val &= ~AXVM_LAPIC_BASE_BSP;
	if (apic->bsp)
		val |= AXVM_LAPIC_BASE_BSP;
	/*
	 * A global disable may lose the APIC's state: SDM 10.4.3 says it
	 * may return to the power-on state, and re-enabling must not find
	 * x2APIC leftovers, so it does.
	 */
	if (lapic_hw_enabled(apic) && !(val & AXVM_LAPIC_BASE_EN))
		lapic_reset_regs(apic, &calls);
	apic->base = val;
out:
	spin_unlock_irqrestore(&apic->lock, flags);
	lapic_call_host(apic, &calls);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_set_base);

/* ---- register access -------------------------------------------------- */

static void lapic_write_svr(struct axvm_lapic *apic, u32 val)
{
	unsigned int i;

	apic->svr = val & SVR_WRITABLE;
	/* Software-disabled: every LVT masked (SDM 10.4.7.2). */
	if (!lapic_sw_enabled(apic))
		for (i = 0; i < LVT_NR; i++)
			apic->lvt[i] |= LVT_MASKED;
}

static void lapic_write_lvt(struct axvm_lapic *apic, enum lapic_lvt lvt,
			    u32 val, struct lapic_calls *calls)
{
	enum lapic_timer_mode mode = lapic_timer_mode(apic);

	val &= lapic_lvt_writable[lvt];
	/* ... and while software-disabled they cannot be unmasked. */
	if (!lapic_sw_enabled(apic))
		val |= LVT_MASKED;
	apic->lvt[lvt] = val;
	if (lvt == LVT_TIMER)
		lapic_timer_lvt_changed(apic, mode, calls);
}

/*
 * ESR reads what the last write latched: the write copies the errors
 * seen since and starts over (SDM 10.5.3), so a reader writes first.
 */
static void lapic_write_esr(struct axvm_lapic *apic)
{
	apic->esr = apic->esr_pending;
	apic->esr_pending = 0;
}

/* EOI: the highest ISR vector is done; a level one also at the IOAPIC. */
static void lapic_eoi(struct axvm_lapic *apic, struct lapic_calls *calls)
{
	int isrv = vec_highest(apic->isr);

	if (isrv < 0)
		return;
	vec_clear(apic->isr, isrv);
	if (vec_test(apic->tmr, isrv)) {
		calls->eoi_level = true;
		calls->eoi_vector = isrv;
	}
}

static void lapic_send(struct axvm_lapic *apic, const struct axvm_apic_msg *msg,
		       struct lapic_calls *calls)
{
	bool vectored = msg->delivery == AXVM_APIC_DM_FIXED ||
			msg->delivery == AXVM_APIC_DM_LOWEST;

	if (vectored && msg->vector < LAPIC_FIRST_VECTOR) {
		lapic_error(apic, ESR_SEND_ILLEGAL, calls);
		return;
	}
	if (msg->delivery == ICR_DM_REMOTE_READ ||
	    msg->delivery == AXVM_APIC_DM_EXTINT)
		return;		/* reserved in the ICR */
	calls->msg = *msg;
	calls->send = true;
}

/* A write to the ICR's low half (all of it in x2APIC mode) sends. */
static void lapic_send_icr(struct axvm_lapic *apic, struct lapic_calls *calls)
{
	struct axvm_apic_msg msg = {
		.vector = apic->icr & LAPIC_VECTOR,
		.delivery = (apic->icr >> ICR_DM_SHIFT) & ICR_DM_MASK,
		.shorthand = (apic->icr >> ICR_SH_SHIFT) & ICR_SH_MASK,
		.logical = apic->icr & ICR_LOGICAL,
		.level = apic->icr & ICR_LEVEL,
		.assert = apic->icr & ICR_ASSERT,
		.x2apic = lapic_x2apic(apic),
		.src = apic->id,
	};

	msg.dest = msg.x2apic ? apic->icr_hi :
		   apic->icr_hi >> ICR_HI_XAPIC_SHIFT;
	lapic_send(apic, &msg, calls);
}

/*
 * x2APIC SELF_IPI: a fixed edge IPI to ourselves, sent through the host
 * like any other so that one path delivers every IPI.
 */
static void lapic_self_ipi(struct axvm_lapic *apic, u8 vector,
			   struct lapic_calls *calls)
{
	struct axvm_apic_msg msg = {
		.dest = apic->id,
		.vector = vector,
		.delivery = AXVM_APIC_DM_FIXED,
		.shorthand = AXVM_APIC_SH_SELF,
		.x2apic = true,
		.src = apic->id,
	};

	lapic_send(apic, &msg, calls);
}

/*
 * Read the register at @reg (a multiple of 16). False when there is no
 * readable register there in the current mode: reserved, write-only,
 * or one that x2APIC mode drops (APR, RRD, DFR, ICR high).
 */
static bool lapic_read_reg(struct axvm_lapic *apic, u32 reg, u32 *val)
{
	bool x2apic = lapic_x2apic(apic);

	lockdep_assert_held(&apic->lock);
	switch (reg) {
	case LAPIC_ID:
		*val = x2apic ? apic->id : lapic_mode_id(apic) << 24;
		break;
	case LAPIC_VERSION:
		*val = LAPIC_VERSION_VAL;
		break;
	case LAPIC_TPR:
		*val = apic->tpr;
		break;
	case LAPIC_PPR:
		*val = lapic_ppr(apic);
		break;
	case LAPIC_LDR:
		*val = x2apic ? lapic_x2apic_ldr(apic) : apic->ldr;
		break;
	case LAPIC_SVR:
		*val = apic->svr;
		break;
	case LAPIC_ISR ... LAPIC_ISR + LAPIC_VEC_REGS_LAST:
		*val = apic->isr[(reg - LAPIC_ISR) / LAPIC_REG_STRIDE];
		break;
	case LAPIC_TMR ... LAPIC_TMR + LAPIC_VEC_REGS_LAST:
		*val = apic->tmr[(reg - LAPIC_TMR) / LAPIC_REG_STRIDE];
		break;
	case LAPIC_IRR ... LAPIC_IRR + LAPIC_VEC_REGS_LAST:
		*val = apic->irr[(reg - LAPIC_IRR) / LAPIC_REG_STRIDE];
		break;
	case LAPIC_ESR:
		*val = apic->esr;
		break;
	case LAPIC_ICR:
		*val = apic->icr;
		break;
	case LAPIC_LVT_FIRST ... LAPIC_LVT_LAST:
		*val = apic->lvt[(reg - LAPIC_LVT_FIRST) / LAPIC_REG_STRIDE];
		break;
	case LAPIC_TIMER_ICR:
		*val = apic->timer_icr;
		break;
	case LAPIC_TIMER_CCR:
		*val = lapic_timer_ccr(apic);
		break;
	case LAPIC_TIMER_DCR:
		*val = apic->timer_dcr;
		break;
	case LAPIC_APR:
	case LAPIC_RRD:
		*val = 0;		/* no arbitration, no remote read */
		return !x2apic;
	case LAPIC_DFR:
		*val = apic->dfr;
		return !x2apic;
	case LAPIC_ICR_HI:
		*val = apic->icr_hi;
		return !x2apic;
	default:
		return false;
	}
	return true;
}

/*
 * Write @val to the register at @reg (a multiple of 16); the x2APIC
 * ICR's high half is already in icr_hi. False when there is no writable
 * register there in the current mode.
 */
static bool lapic_write_reg(struct axvm_lapic *apic, u32 reg, u32 val,
			    struct lapic_calls *calls)
{
	bool x2apic = lapic_x2apic(apic);

	lockdep_assert_held(&apic->lock);
	switch (reg) {
	case LAPIC_TPR:
		apic->tpr = val & LAPIC_VECTOR;
		break;
	case LAPIC_EOI:
		lapic_eoi(apic, calls);
		break;
	case LAPIC_SVR:
		lapic_write_svr(apic, val);
		break;
	case LAPIC_ESR:
		lapic_write_esr(apic);
		break;
	case LAPIC_ICR:
		apic->icr = val & ICR_WRITABLE;
		lapic_send_icr(apic, calls);
		break;
	case LAPIC_LVT_FIRST ... LAPIC_LVT_LAST:
		lapic_write_lvt(apic,
				(reg - LAPIC_LVT_FIRST) / LAPIC_REG_STRIDE,
				val, calls);
		break;
	case LAPIC_TIMER_ICR:
		/* Ignored in TSC-deadline mode (SDM 10.5.4.1). */
		if (lapic_timer_mode(apic) == TIMER_TSC_DEADLINE)
			break;
		apic->timer_icr = val;
		lapic_timer_start(apic, calls);
		break;
	case LAPIC_TIMER_DCR:
		apic->timer_dcr = val & TIMER_DCR_WRITABLE;
		break;
	case LAPIC_LDR:		/* x2APIC: derived from the ID */
		if (x2apic)
			return false;
		apic->ldr = val & LDR_XAPIC_WRITABLE;
		break;
	case LAPIC_DFR:
		if (x2apic)
			return false;
		apic->dfr = val | DFR_ONES;
		break;
	case LAPIC_ICR_HI:
		if (x2apic)
			return false;
		apic->icr_hi = val & ICR_HI_XAPIC_WRITABLE;
		break;
	case LAPIC_SELF_IPI:
		if (!x2apic)
			return false;
		lapic_self_ipi(apic, val & LAPIC_VECTOR, calls);
		break;
	default:
		return false;
	}
	return true;
}

/* ---- xAPIC MMIO --------------------------------------------------------- */

bool axvm_lapic_mmio_claims(struct axvm_lapic *apic, u64 gpa)
{
	unsigned long flags;
	bool claims;
	u64 start;

	spin_lock_irqsave(&apic->lock, flags);
	start = apic->base & BASE_ADDR_MASK;
	claims = lapic_xapic(apic) && gpa >= start &&
		 gpa - start < AXVM_LAPIC_MMIO_SIZE;
	spin_unlock_irqrestore(&apic->lock, flags);
	return claims;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_mmio_claims);

static bool lapic_mmio_reg(u32 offset)
{
	return offset < AXVM_LAPIC_MMIO_SIZE && !(offset % LAPIC_REG_STRIDE);
}

u32 axvm_lapic_mmio_read(struct axvm_lapic *apic, u32 offset)
{
	unsigned long flags;
	u32 val = 0;

	if (!lapic_mmio_reg(offset))
		return 0;
	spin_lock_irqsave(&apic->lock, flags);
	if (!lapic_xapic(apic) || !lapic_read_reg(apic, offset, &val))
		val = 0;
	spin_unlock_irqrestore(&apic->lock, flags);
	return val;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_mmio_read);

void axvm_lapic_mmio_write(struct axvm_lapic *apic, u32 offset, u32 val)
{
	struct lapic_calls calls = {};
	unsigned long flags;

	if (!lapic_mmio_reg(offset))
		return;
	spin_lock_irqsave(&apic->lock, flags);
	/* Writes to read-only and reserved registers are dropped. */
	if (lapic_xapic(apic))
		lapic_write_reg(apic, offset, val, &calls);
	spin_unlock_irqrestore(&apic->lock, flags);
	lapic_call_host(apic, &calls);
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_mmio_write);

/* ---- x2APIC MSRs (SDM 10.12.1.2, table 10-6) --------------------------- */

static bool lapic_msr_reg(u32 msr, u32 *reg)
{
	if (msr < AXVM_LAPIC_X2APIC_MSR_FIRST ||
	    msr > AXVM_LAPIC_X2APIC_MSR_LAST)
		return false;
	*reg = (msr - AXVM_LAPIC_X2APIC_MSR_FIRST) << LAPIC_MSR_SHIFT;
	return true;
}

int axvm_lapic_rdmsr(struct axvm_lapic *apic, u32 msr, u64 *val)
{
	unsigned long flags;
	u32 reg, low;
	int ret = -EINVAL;

	if (!lapic_msr_reg(msr, &reg))
		return -EINVAL;
	spin_lock_irqsave(&apic->lock, flags);
	if (lapic_x2apic(apic) && lapic_read_reg(apic, reg, &low)) {
		*val = low;
		if (reg == LAPIC_ICR)
			*val |= (u64)apic->icr_hi << 32;
		ret = 0;
	}
	spin_unlock_irqrestore(&apic->lock, flags);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_rdmsr);

/* Values table 10-6 gives #GP for, whatever the register's state. */
static bool lapic_msr_value_legal(u32 reg, u64 val)
{
	switch (reg) {
	case LAPIC_ICR:
		return true;		/* 64 bits: the destination above */
	case LAPIC_EOI:
	case LAPIC_ESR:
		return val == 0;
	case LAPIC_SELF_IPI:
		return val <= LAPIC_VECTOR;
	default:
		return !(val >> 32);
	}
}

int axvm_lapic_wrmsr(struct axvm_lapic *apic, u32 msr, u64 val)
{
	struct lapic_calls calls = {};
	unsigned long flags;
	int ret = -EINVAL;
	u32 reg;

	if (!lapic_msr_reg(msr, &reg) || !lapic_msr_value_legal(reg, val))
		return -EINVAL;
	spin_lock_irqsave(&apic->lock, flags);
	if (lapic_x2apic(apic)) {
		/* The ICR is writable in x2APIC mode: icr_hi never goes stale. */
		if (reg == LAPIC_ICR)
			apic->icr_hi = val >> 32;
		if (lapic_write_reg(apic, reg, val, &calls))
			ret = 0;
	}
	spin_unlock_irqrestore(&apic->lock, flags);
	lapic_call_host(apic, &calls);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_wrmsr);

/* ---- interrupt delivery ------------------------------------------------ */

static bool lapic_msg_broadcast(const struct axvm_apic_msg *msg)
{
	/*
	 * 0xff from an xAPIC, the IOAPIC or an MSI is "all" for x2APIC
	 * receivers too, as on KVM: without interrupt remapping they
	 * cannot name more than 8 bits.
	 */
	if (msg->x2apic)
		return msg->dest == AXVM_APIC_BCAST_X2APIC;
	return msg->dest == AXVM_APIC_BCAST_XAPIC;
}

/* Logical destinations in xAPIC mode, by the DFR's model (SDM 10.6.2.2). */
static bool lapic_match_xapic_logical(const struct axvm_lapic *apic, u32 dest)
{
	u32 lid = apic->ldr >> LDR_XAPIC_SHIFT;

	if (dest > 0xff)
		return false;
	switch (apic->dfr >> DFR_MODEL_SHIFT) {
	case DFR_MODEL_FLAT:
		return dest & lid;
	case DFR_MODEL_CLUSTER:
		return (dest >> 4) == (lid >> 4) && (dest & lid & 0xf);
	default:
		return false;	/* reserved models match nobody */
	}
}

static bool lapic_match_dest(const struct axvm_lapic *apic,
			     const struct axvm_apic_msg *msg)
{
	u32 ldr;

	lockdep_assert_held(&apic->lock);
	if (!lapic_hw_enabled(apic))
		return false;
	switch (msg->shorthand) {
	case AXVM_APIC_SH_SELF:
		return msg->src == apic->id;
	case AXVM_APIC_SH_ALL:
		return true;
	case AXVM_APIC_SH_OTHERS:
		return msg->src != apic->id;
	}
	if (lapic_msg_broadcast(msg))
		return true;
	if (!msg->logical)
		return msg->dest == lapic_mode_id(apic);
	if (!lapic_x2apic(apic))
		return lapic_match_xapic_logical(apic, msg->dest);
	/* x2APIC: same cluster, and one of the cluster's bits. */
	ldr = lapic_x2apic_ldr(apic);
	return (msg->dest >> X2APIC_CLUSTER_SHIFT) ==
	       (ldr >> X2APIC_CLUSTER_SHIFT) &&
	       (msg->dest & ldr & X2APIC_MEMBER_MASK);
}

bool axvm_lapic_match_dest(struct axvm_lapic *apic,
			   const struct axvm_apic_msg *msg)
{
	unsigned long flags;
	bool match;

	spin_lock_irqsave(&apic->lock, flags);
	match = lapic_match_dest(apic, msg);
	spin_unlock_irqrestore(&apic->lock, flags);
	return match;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_match_dest);

static void lapic_event(struct axvm_lapic *apic, unsigned int ev,
			struct lapic_calls *calls)
{
	apic->events |= ev;
	calls->kick = true;
}

static void lapic_accept(struct axvm_lapic *apic,
			 const struct axvm_apic_msg *msg,
			 struct lapic_calls *calls)
{
	lockdep_assert_held(&apic->lock);
	if (!lapic_hw_enabled(apic))
		return;
	switch (msg->delivery) {
	case AXVM_APIC_DM_FIXED:
	case AXVM_APIC_DM_LOWEST:
		/* Software-disabled: only NMI, INIT, SIPI (SDM 10.4.7.2). */
		if (!lapic_sw_enabled(apic))
			break;
		if (msg->vector < LAPIC_FIRST_VECTOR)
			lapic_error(apic, ESR_RECV_ILLEGAL, calls);
		else
			lapic_set_irr(apic, msg->vector, msg->level, calls);
		break;
	case AXVM_APIC_DM_NMI:
		lapic_event(apic, AXVM_LAPIC_EV_NMI, calls);
		break;
	case AXVM_APIC_DM_INIT:
		/*
		 * Level de-assert is the P6's arbitration ID sync, not an
		 * INIT; Linux still sends it after the real one.
		 */
		if (msg->level && !msg->assert)
			break;
		lapic_event(apic, AXVM_LAPIC_EV_INIT, calls);
		break;
	case AXVM_APIC_DM_SIPI:
		apic->sipi_vector = msg->vector;
		lapic_event(apic, AXVM_LAPIC_EV_SIPI, calls);
		break;
	default:	/* SMI: no SMM; ExtINT: see lint0_extint */
		break;
	}
}

void axvm_lapic_accept(struct axvm_lapic *apic,
		       const struct axvm_apic_msg *msg)
{
	struct lapic_calls calls = {};
	unsigned long flags;

	spin_lock_irqsave(&apic->lock, flags);
	lapic_accept(apic, msg, &calls);
	spin_unlock_irqrestore(&apic->lock, flags);
	lapic_call_host(apic, &calls);
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_accept);

int axvm_lapic_pending_vector(struct axvm_lapic *apic)
{
	unsigned long flags;
	int vector;

	spin_lock_irqsave(&apic->lock, flags);
	vector = lapic_deliverable(apic);
	spin_unlock_irqrestore(&apic->lock, flags);
	return vector;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_pending_vector);

bool axvm_lapic_ack(struct axvm_lapic *apic, int vector)
{
	unsigned long flags;
	bool taken;

	if (vector < 0 || vector > LAPIC_VECTOR)
		return false;
	spin_lock_irqsave(&apic->lock, flags);
	taken = vec_test(apic->irr, vector);
	if (taken) {
		vec_clear(apic->irr, vector);
		vec_set(apic->isr, vector);
	}
	spin_unlock_irqrestore(&apic->lock, flags);
	return taken;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_ack);

u8 axvm_lapic_get_cr8(struct axvm_lapic *apic)
{
	unsigned long flags;
	u8 cr8;

	spin_lock_irqsave(&apic->lock, flags);
	cr8 = apic->tpr >> 4;
	spin_unlock_irqrestore(&apic->lock, flags);
	return cr8;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_get_cr8);

void axvm_lapic_set_cr8(struct axvm_lapic *apic, u8 cr8)
{
	unsigned long flags;

	spin_lock_irqsave(&apic->lock, flags);
	apic->tpr = (cr8 & 0xf) << 4;
	spin_unlock_irqrestore(&apic->lock, flags);
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_set_cr8);

unsigned int axvm_lapic_take_events(struct axvm_lapic *apic, u8 *sipi_vector)
{
	unsigned long flags;
	unsigned int events;

	spin_lock_irqsave(&apic->lock, flags);
	events = apic->events;
	apic->events = 0;
	if ((events & AXVM_LAPIC_EV_SIPI) && sipi_vector)
		*sipi_vector = apic->sipi_vector;
	spin_unlock_irqrestore(&apic->lock, flags);
	return events;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_take_events);

bool axvm_lapic_lint0_extint(struct axvm_lapic *apic)
{
	unsigned long flags;
	u32 lvt;
	bool ret;

	spin_lock_irqsave(&apic->lock, flags);
	lvt = apic->lvt[LVT_LINT0];
	ret = !lapic_hw_enabled(apic) ||
	      (!(lvt & LVT_MASKED) &&
	       ((lvt & LVT_DM) >> LVT_DM_SHIFT) == AXVM_APIC_DM_EXTINT);
	spin_unlock_irqrestore(&apic->lock, flags);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_lint0_extint);

unsigned int axvm_lapic_peek_events(struct axvm_lapic *apic)
{
	return READ_ONCE(apic->events);
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_peek_events);

int axvm_lapic_tpr_blocked_vector(struct axvm_lapic *apic)
{
	unsigned long flags;
	int irrv, isrv, ret = -1;

	spin_lock_irqsave(&apic->lock, flags);
	irrv = vec_highest(apic->irr);
	isrv = vec_highest(apic->isr);
	/* Above every in-service class, yet not deliverable: TPR holds it. */
	if (lapic_hw_enabled(apic) && irrv >= 0 &&
	    (isrv < 0 || (irrv & LAPIC_PRIO_CLASS) > (isrv & LAPIC_PRIO_CLASS)) &&
	    lapic_deliverable(apic) < 0)
		ret = irrv;
	spin_unlock_irqrestore(&apic->lock, flags);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_tpr_blocked_vector);

u64 axvm_lapic_get_tsc_deadline(struct axvm_lapic *apic)
{
	unsigned long flags;
	u64 val = 0;

	spin_lock_irqsave(&apic->lock, flags);
	if (lapic_timer_mode(apic) == TIMER_TSC_DEADLINE)
		val = apic->tsc_deadline;
	spin_unlock_irqrestore(&apic->lock, flags);
	return val;
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_get_tsc_deadline);

void axvm_lapic_set_tsc_deadline(struct axvm_lapic *apic, u64 tsc,
				 u64 deadline_ns)
{
	struct lapic_calls calls = {};
	unsigned long flags;
	u64 now;

	spin_lock_irqsave(&apic->lock, flags);
	if (!apic->host.hal || lapic_timer_mode(apic) != TIMER_TSC_DEADLINE)
		goto out;
	lapic_timer_disarm(apic, &calls);
	apic->tsc_deadline = tsc;
	if (!tsc)
		goto out;
	now = lapic_now(apic);
	/* A deadline already passed interrupts before the next instruction. */
	if (deadline_ns <= now)
		lapic_timer_expired(apic, now, &calls);
	else
		lapic_timer_arm(apic, deadline_ns, &calls);
out:
	spin_unlock_irqrestore(&apic->lock, flags);
	lapic_call_host(apic, &calls);
}
AXVM_EXPORT_FOR_TESTS(axvm_lapic_set_tsc_deadline);
