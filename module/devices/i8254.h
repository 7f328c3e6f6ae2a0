/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 8254 programmable interval timer of a PC: three 16-bit counters on
 * one 1.193182 MHz clock at ports 0x40-0x43, and the PC's port 0x61
 * (NMI status and control) that gates counter 2 and reads its output.
 * A plain API, not a device type of the device set: the platform creates
 * the PIT of a PC VM itself, routes the guest's accesses to these ports
 * to axvm_i8254_port_read/write and takes counter 0's interrupts from
 * host->set_irq. The PIT reaches its platform only through the struct
 * axvm_i8254_host it is given.
 *
 * Conventions (see also docs/devices.md):
 * - Counters are computed from time (host->hal->current_time_nanos), never
 *   decremented by ticks: a count is the clock ticks since the counter
 *   was loaded, taken from the programmed value. Counters 1 and 2 use no
 *   timer at all. Counter 0 keeps one HAL timer armed for its next
 *   interrupt.
 * - Counter 0's OUT is IRQ 0 as edges: host->set_irq(ctx, true) then
 *   host->set_irq(ctx, false), once per period in modes 2 and 3 and once
 *   at terminal count in the one-shot modes. The platform latches edges.
 *   An interrupt that could not be delivered on time (the host was late
 *   by several periods) is one edge, not a burst: missed periods are
 *   coalesced and the next deadline is the next one in the future. No
 *   two edges come closer than AXVM_I8254_MIN_IRQ_NS.
 * - Modes 0, 2 and 3 are modelled fully, 4 as a one-tick strobe; modes 1
 *   and 5 start when the count is written (and again on each rising
 *   gate of counter 2), as if triggered then. BCD counting counts in
 *   decimal: counts are read and written as 4 BCD digits, 0 means 10000.
 *
 * Locking: every function but create, destroy and reset may be called
 * from any context but NMI, concurrently; each takes the PIT's spinlock
 * with interrupts off. host->set_irq is called only from the timer
 * callback, after dropping the lock. Port writes that reprogram counter
 * 0 may wait for a running timer callback: they must not be called from
 * within host->set_irq.
 */
#ifndef AXVM_I8254_H
#define AXVM_I8254_H

#include <linux/types.h>
#include "hal.h"

#define AXVM_I8254_HZ		1193182		/* 14.31818 MHz / 12 */

#define AXVM_I8254_PORT_CH0	0x40
#define AXVM_I8254_PORT_CH1	0x41
#define AXVM_I8254_PORT_CH2	0x42
#define AXVM_I8254_PORT_CTRL	0x43		/* control word, write-only */
#define AXVM_I8254_PORT_61	0x61		/* NMI status and control */

/* Port 0x61. */
#define AXVM_I8254_P61_GATE2	0x01	/* rw: counter 2's gate */
#define AXVM_I8254_P61_SPKR	0x02	/* rw: speaker data enable, stored */
#define AXVM_I8254_P61_RW	0x0f	/* what reads back (3:2: stored only) */
#define AXVM_I8254_P61_REFRESH	0x10	/* ro: toggles every 18 ticks */
#define AXVM_I8254_P61_OUT2	0x20	/* ro: counter 2's OUT */

/*
 * Counter 0's interrupts come no closer than this (10 kHz), whatever the
 * count: a guest that programs a period of a few ticks gets coalesced
 * edges, not a timer interrupt storm on the host.
 */
#define AXVM_I8254_MIN_IRQ_NS	100000ULL

struct axvm_i8254;

struct axvm_i8254_host {
	/*
	 * Counter 0's OUT, as edges (true then false). Called from the
	 * PIT's timer callback (interrupt context, on any CPU) without the
	 * PIT's lock; must not sleep and must not write the PIT's ports.
	 */
	void (*set_irq)(void *ctx, bool level);
	void *ctx;
	/* Time (current_time_nanos) and counter 0's timer (timer_*). */
	const struct axvm_hal_ops *hal;
};

/*
 * @host is copied. Returns the PIT in its reset state, ERR_PTR(-EINVAL)
 * for a host without set_irq or hal, or ERR_PTR(-ENOMEM). May sleep.
 */
struct axvm_i8254 *axvm_i8254_create(const struct axvm_i8254_host *host);
/*
 * Disarms and frees its timer, then frees it; NULL and ERR_PTR values
 * are fine. Nothing may call into it any more. May sleep.
 */
void axvm_i8254_destroy(struct axvm_i8254 *pit);
/*
 * The power-on state (the datasheet leaves it undefined; ours): every
 * counter in mode 0, binary, LSB-then-MSB, no count loaded (it reads 0
 * and does not count, status shows null count, OUT low), no latches;
 * port 0x61 is 0 (counter 2's gate low); counter 0's timer disarmed.
 * Called when no vCPU runs; may wait for a running timer callback.
 */
void axvm_i8254_reset(struct axvm_i8254 *pit);
/* Is @port one of ours: 0x40-0x43 or 0x61? */
bool axvm_i8254_port(u16 port);
/*
 * A byte access to @port. A port that is not ours reads 0xff and ignores
 * writes; 0x43 (the control word) reads 0.
 */
u8 axvm_i8254_port_read(struct axvm_i8254 *pit, u16 port);
void axvm_i8254_port_write(struct axvm_i8254 *pit, u16 port, u8 val);

#endif /* AXVM_I8254_H */
