/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake struct axvm_hal_ops for KUnit: real zeroed pages as frames,
 * tracked so a test can tell that every one came back; call counters;
 * allocation failure injection; a fake host-RAM window for
 * alloc_memory_region_at; fake time and "current" ids; a log of
 * inject_irq_to_vcpu calls.
 *
 *	struct axvm_fake_hal *fh = axvm_fake_hal_new(test);
 *	axvm_aspace_init(&as, &fh->ops, ...);
 *	axvm_fake_hal_fail_alloc_after(fh, 2);	(the third alloc fails)
 *	...
 *	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(fh), 0UL);
 *
 * The fake is a KUnit resource: it is freed after the case (after the
 * suite's .exit), giving back any frame or range still held. By default
 * it then fails the case if frames or claimed ranges were still held
 * (a leak); axvm_fake_hal_set_leak_check(fh, false) turns that off.
 *
 * Every method is safe from any context (a spinlock with interrupts
 * off guards the state), except alloc_frame(s) and
 * alloc_memory_region_at, which sleep like the real ones.
 */
#ifndef AXVM_FAKE_HAL_H
#define AXVM_FAKE_HAL_H

#include <kunit/test.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include "hal.h"

/* One counter per method: axvm_fake_hal_calls(fh, AXVM_FAKE_ALLOC_FRAME). */
enum axvm_fake_hal_call {
	AXVM_FAKE_ALLOC_FRAME,
	AXVM_FAKE_ALLOC_FRAMES,
	AXVM_FAKE_DEALLOC_FRAME,
	AXVM_FAKE_DEALLOC_FRAMES,
	AXVM_FAKE_PHYS_TO_VIRT,
	AXVM_FAKE_ALLOC_REGION_AT,
	AXVM_FAKE_DEALLOC_REGION_AT,
	AXVM_FAKE_VIRT_TO_PHYS,
	AXVM_FAKE_TIME,
	AXVM_FAKE_CURRENT_VM_ID,
	AXVM_FAKE_CURRENT_VCPU_ID,
	AXVM_FAKE_CURRENT_PCPU_ID,
	AXVM_FAKE_VCPU_RESIDES_ON,
	AXVM_FAKE_INJECT_IRQ,
	AXVM_FAKE_VCPU_LOADED,
	AXVM_FAKE_VCPU_PUT,
	AXVM_FAKE_KICK_CPU,
	AXVM_FAKE_TIMER_INIT,
	AXVM_FAKE_TIMER_ARM,
	AXVM_FAKE_TIMER_CANCEL,
	AXVM_FAKE_TIMER_DESTROY,
	AXVM_FAKE_NR_CALLS
};

/*
 * The fake host RAM that alloc_memory_region_at claims from by default:
 * far above any real RAM of the test machine, so fake and real physical
 * addresses never meet.
 */
#define AXVM_FAKE_RAM_BASE	(1ULL << 40)
#define AXVM_FAKE_RAM_SIZE	(1ULL << 30)

/* inject_irq_to_vcpu calls kept for inspection (later ones only counted). */
#define AXVM_FAKE_MAX_IRQS	64

struct axvm_fake_irq {
	u32 vm_id;
	u32 vcpu_id;
	u32 vector;
};

struct axvm_fake_hal {
	struct axvm_hal_ops ops;	/* give &fh->ops to the code under test */
	struct kunit *test;

	/* Everything below: use the functions, not the fields. */
	spinlock_t lock;
	struct xarray frames;		/* pfn -> struct axvm_fake_frames */
	unsigned long frames_in_use;
	unsigned long calls[AXVM_FAKE_NR_CALLS];

	long fail_countdown;		/* < 0: off; 0: fail the next alloc */
	bool fail_all;
	unsigned long alloc_failures;	/* failures injected so far */

	u64 ram_base, ram_size;		/* fake host RAM for claims */
	struct list_head claims;	/* struct axvm_fake_claim */
	struct list_head busy;		/* struct axvm_fake_claim, no backing */
	unsigned long claims_in_use;
	int region_error;		/* forced result of claims, 0 = none */

	u64 time_ns;
	struct list_head timers;	/* struct axvm_fake_timer */
	unsigned long cur_vm_id, cur_vcpu_id, cur_pcpu_id;
	int resides_on;			/* vcpu_resides_on's answer */
	int inject_result;		/* inject_irq_to_vcpu's answer */
	unsigned long nr_irqs;
	struct axvm_fake_irq irqs[AXVM_FAKE_MAX_IRQS];
	struct axvm_vcpu *loaded_vcpu;
	int last_kick_cpu;

	bool leak_check;
	unsigned long bad_calls;	/* misuses, failed at teardown */
	void *scratch;			/* returned for unknown addresses */
};

/* A fresh fake, freed automatically when the case ends. Asserts on OOM. */
struct axvm_fake_hal *axvm_fake_hal_new(struct kunit *test);

static inline struct axvm_fake_hal *
axvm_to_fake_hal(const struct axvm_hal_ops *hal)
{
	return container_of(hal, struct axvm_fake_hal, ops);
}

/* How many times a method was called. */
unsigned long axvm_fake_hal_calls(struct axvm_fake_hal *fh,
				  enum axvm_fake_hal_call which);
void axvm_fake_hal_reset_calls(struct axvm_fake_hal *fh);

/* Frames (4 KiB pages) handed out and not yet given back. */
unsigned long axvm_fake_hal_frames_in_use(struct axvm_fake_hal *fh);
/* Ranges claimed with alloc_memory_region_at and not yet given back. */
unsigned long axvm_fake_hal_claims_in_use(struct axvm_fake_hal *fh);
/* Is @pa inside a frame currently handed out (not freed)? */
bool axvm_fake_hal_frame_live(struct axvm_fake_hal *fh, phys_addr_t pa);

/*
 * Allocation failures (alloc_frame and alloc_frames; claims are
 * separate): let @n allocations succeed, fail the next one with
 * -ENOMEM, then succeed again. A negative @n turns it off.
 */
void axvm_fake_hal_fail_alloc_after(struct axvm_fake_hal *fh, long n);
/* Fail every allocation from now on (until called with false). */
void axvm_fake_hal_fail_all_allocs(struct axvm_fake_hal *fh, bool fail);
/* How many allocations the fake failed on purpose so far. */
unsigned long axvm_fake_hal_alloc_failures(struct axvm_fake_hal *fh);

/*
 * The fake identical-range allocator. A claim must be page aligned
 * (-EINVAL), inside the fake host RAM (-EFAULT; default
 * [AXVM_FAKE_RAM_BASE, +AXVM_FAKE_RAM_SIZE)) and overlap no claim and
 * no busy range (-EBUSY). A claimed range is backed by zeroed memory
 * that phys_to_virt reaches, so guest reads/writes work on it.
 */
void axvm_fake_hal_set_ram(struct axvm_fake_hal *fh, u64 base, u64 size);
/* Mark [base, base + size) in use by "someone else": claims get -EBUSY. */
void axvm_fake_hal_add_busy(struct axvm_fake_hal *fh, u64 base, u64 size);
/* Make every claim fail with @err (e.g. -EPERM); 0 restores normal. */
void axvm_fake_hal_set_region_error(struct axvm_fake_hal *fh, int err);
/* Is exactly [base, base + size) claimed now? */
bool axvm_fake_hal_claimed(struct axvm_fake_hal *fh, u64 base, u64 size);

/*
 * Fake time (current_time_nanos). Starts at 0. Advancing it fires the
 * armed timers whose deadline it passes, in deadline order, each with
 * the clock set to its deadline, in the caller's context: a test drives
 * timer devices deterministically. Setting it fires nothing.
 */
void axvm_fake_hal_set_time(struct axvm_fake_hal *fh, u64 ns);
void axvm_fake_hal_advance_time(struct axvm_fake_hal *fh, u64 ns);
/* Timers armed now; timer_init'ed and not yet destroyed (a leak at the end). */
unsigned int axvm_fake_hal_timers_armed(struct axvm_fake_hal *fh);
unsigned int axvm_fake_hal_timers_live(struct axvm_fake_hal *fh);

/*
 * What current_vm_id/vcpu_id/pcpu_id return (default: AXVM_HAL_ID_NONE,
 * AXVM_HAL_ID_NONE, 0). vcpu_loaded/vcpu_put also record the vCPU.
 */
void axvm_fake_hal_set_current(struct axvm_fake_hal *fh, unsigned long vm_id,
			       unsigned long vcpu_id, unsigned long pcpu_id);
/* The vCPU between vcpu_loaded and vcpu_put, or NULL. */
struct axvm_vcpu *axvm_fake_hal_loaded_vcpu(struct axvm_fake_hal *fh);
/* What vcpu_resides_on returns (default -ENOENT). */
void axvm_fake_hal_set_resides_on(struct axvm_fake_hal *fh, int ret);
/* The @cpu of the last kick_cpu call, or -1. */
int axvm_fake_hal_last_kick_cpu(struct axvm_fake_hal *fh);

/*
 * inject_irq_to_vcpu: the calls it got, and its result (default 0: the
 * vector is then injected into the core's vCPU, as the Linux HAL does;
 * -ESRCH when the VM or vCPU is not registered; any other result is
 * returned without injecting).
 */
void axvm_fake_hal_set_inject_result(struct axvm_fake_hal *fh, int ret);
unsigned long axvm_fake_hal_nr_irqs(struct axvm_fake_hal *fh);
/* The @i-th recorded call (i < min(nr_irqs, AXVM_FAKE_MAX_IRQS)). */
bool axvm_fake_hal_irq(struct axvm_fake_hal *fh, unsigned long i,
		       struct axvm_fake_irq *irq);
void axvm_fake_hal_clear_irqs(struct axvm_fake_hal *fh);

/*
 * Misuses seen so far: a free of a frame or range never handed out (or
 * already freed, or with the wrong size), phys_to_virt of an unknown
 * address (which gets a scratch page instead of an oops). Logged at
 * once; any of them fails the case at teardown.
 */
unsigned long axvm_fake_hal_bad_calls(struct axvm_fake_hal *fh);

/* Fail the case at teardown if frames or claims are still held (default). */
void axvm_fake_hal_set_leak_check(struct axvm_fake_hal *fh, bool on);

#endif /* AXVM_FAKE_HAL_H */
