/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scriptable struct axvm_arch_ops for KUnit, and the helpers the core
 * suites share (VMs and threads that clean up after themselves).
 *
 * The core calls its backend as vm->arch->op(vcpu) or vm->arch->op(vm),
 * vm->arch being the table given to axvm_vm_create(), so the fake keeps
 * its state where those calls find it, and none of it is global: per
 * case in struct axvm_fake_arch, which embeds its copy of the ops
 * (axvm_to_fake_arch(vm->arch) is container_of; failure injection, what
 * new vCPUs start with, the VMs and vCPUs not yet torn down), and per
 * vCPU in struct axvm_fake_vcpu, which embeds the vCPU (container_of).
 * Each case makes its own fake with axvm_fake_arch_new() and gives
 * &fa->ops to axvm_vm_create() (fa to axvm_fake_vm_new()), so no knob
 * carries over to the next case. Like the fake HAL, it is a KUnit
 * resource, freed after the VMs made with it, and it fails the case if
 * one of them, or one of their vCPUs, was never torn down.
 *
 * A fake vCPU replays a script: each guest entry (vcpu_run that is not
 * skipped) takes the next struct axvm_vexit from the queue, and
 * handle_exit reports it. When the queue is empty the entry gets the
 * "dry" exit (by default an internal error with AXVM_FAKE_DRY_SUBERROR,
 * so a short script ends a VMM-mode RUN instead of hanging it; managed
 * tests use HALT). vcpu_run follows the contract of arch.h: interrupts
 * off, mode = IN_GUEST_MODE, axvm_vcpu_should_exit() (skip), deliver the
 * highest pending vector if interrupt_allowed, "enter".
 *
 *	struct axvm_fake_arch *fa = axvm_fake_arch_new(test);
 *	vm = axvm_fake_vm_new(test, fa, &fh->ops, 0, 1, "kt-x");
 *	fv = axvm_fake_vcpu(vm->vcpus[0]);
 *	axvm_fake_push(fv, AXVM_FAKE_IO(0x80, 1, false, 7));
 */
#ifndef AXVM_FAKE_ARCH_H
#define AXVM_FAKE_ARCH_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include "axvm.h"
#include "vm.h"

#define AXVM_FAKE_SCRIPT_LEN	32
#define AXVM_FAKE_LOG_LEN	16
/* internal.suberror of the dry exit: "the script ran out". */
#define AXVM_FAKE_DRY_SUBERROR	0xd47u

struct axvm_fake_vcpu {
	struct axvm_vcpu vcpu;		/* first: the core allocates us */
	spinlock_t lock;		/* everything below, irqsave */

	struct axvm_vexit script[AXVM_FAKE_SCRIPT_LEN];
	unsigned int head, len;
	struct axvm_vexit dry;		/* when the script is empty */
	struct axvm_vexit last;		/* what the last entry exited with */
	bool skipped;			/* the last vcpu_run skipped the entry */
	int run_err;			/* vcpu_run returns it once, 0 = none */
	int handle_err;			/* handle_exit returns it once */

	/*
	 * One-shot: the next entry stays "in the guest" (mode ==
	 * IN_GUEST_MODE, interrupts on) until vcpu->kicks_received moves,
	 * or spin_ms pass (then spin_timed_out). spinning says it is there.
	 */
	bool spin_for_kick;
	unsigned int spin_ms;
	bool spinning;
	bool spin_timed_out;

	/* Completions the core made, in order (counts go on past the log). */
	unsigned int nr_io_in, nr_mmio_in, nr_hc;
	u32 io_in[AXVM_FAKE_LOG_LEN];
	u64 mmio_in[AXVM_FAKE_LOG_LEN];
	u64 hc_ret[AXVM_FAKE_LOG_LEN];
	/* Vectors delivered at entry (acked from the pending set). */
	unsigned int nr_delivered;
	int delivered[AXVM_FAKE_LOG_LEN];

	struct axvm_regs regs;
	struct axvm_sregs sregs;
	bool irq_allowed;		/* interrupt_allowed's answer */
	u64 reset_entry;
	u32 reset_mode;

	/* Calls, and what the HAL said from inside the last vcpu_run. */
	atomic_t loads, puts, runs, entries, handles, resets;
	int load_cpu;
	bool loaded;			/* between vcpu_load and vcpu_put */
	unsigned long seen_vm_id, seen_vcpu_id, seen_pcpu_id;
	int seen_resides_on;
};

/*
 * One per case. The knobs are read when the op runs (dry and
 * irq_allowed when a vCPU is created): a test sets them directly before
 * the call they are meant for.
 */
struct axvm_fake_arch {
	struct axvm_arch_ops ops;	/* give &fa->ops to axvm_vm_create() */
	struct kunit *test;

	spinlock_t lock;		/* the knobs against the ops, irqsave */
	int vm_init_err;		/* vm_init fails with it (0: succeeds) */
	long vcpu_create_fail_after;	/* < 0 off; n: n succeed, then -ENOMEM once */
	int vcpu_reset_err;		/* every vcpu_reset fails with it */
	struct axvm_vexit dry;		/* copied into each new vCPU */
	bool irq_allowed;		/* copied into each new vCPU */

	atomic_t vms_live, vcpus_live;	/* vm_init/vcpu_create not yet undone */
};

/*
 * A fresh fake (no failures, dry = internal error, interrupts allowed),
 * freed when the case ends. Asserts on OOM.
 */
struct axvm_fake_arch *axvm_fake_arch_new(struct kunit *test);

static inline struct axvm_fake_arch *
axvm_to_fake_arch(const struct axvm_arch_ops *arch)
{
	return container_of(arch, struct axvm_fake_arch, ops);
}

static inline struct axvm_fake_vcpu *axvm_fake_vcpu(struct axvm_vcpu *vcpu)
{
	return container_of(vcpu, struct axvm_fake_vcpu, vcpu);
}

/* Queue an exit; false when the script is full. */
bool axvm_fake_push(struct axvm_fake_vcpu *fv, struct axvm_vexit exit);
void axvm_fake_set_dry(struct axvm_fake_vcpu *fv, struct axvm_vexit exit);
void axvm_fake_set_irq_allowed(struct axvm_fake_vcpu *fv, bool allowed);
/* Exits still queued. */
unsigned int axvm_fake_script_left(struct axvm_fake_vcpu *fv);

#define AXVM_FAKE_EXIT(k)	((struct axvm_vexit){ .kind = (k) })
#define AXVM_FAKE_IO(p, sz, is_in, d)					\
	((struct axvm_vexit){ .kind = AXVM_VEXIT_IO,			\
		.io = { .port = (p), .size = (sz), .in = (is_in),	\
			.data = (d) } })
#define AXVM_FAKE_MMIO(a, l, is_write, d)				\
	((struct axvm_vexit){ .kind = AXVM_VEXIT_MMIO,			\
		.mmio = { .gpa = (a), .len = (l), .write = (is_write),	\
			  .data = (d) } })
#define AXVM_FAKE_HYPERCALL(n, a0, a1)					\
	((struct axvm_vexit){ .kind = AXVM_VEXIT_HYPERCALL,		\
		.hypercall = { .nr = (n), .args = { (a0), (a1) } } })
#define AXVM_FAKE_FAIL_ENTRY(r)						\
	((struct axvm_vexit){ .kind = AXVM_VEXIT_FAIL_ENTRY, .hw_reason = (r) })
#define AXVM_FAKE_INTERNAL(s)						\
	((struct axvm_vexit){ .kind = AXVM_VEXIT_INTERNAL,		\
		.internal = { .suberror = (s), .data = { 1, 2, 3, 4 } } })
#define AXVM_FAKE_NPF(a, acc)						\
	((struct axvm_vexit){ .kind = AXVM_VEXIT_NPF,			\
		.npf = { .gpa = (a), .access = (acc) } })

/* ---- VMs that clean up after the case -------------------------------- */

/*
 * axvm_vm_create() with @fa, asserting success; the VM is
 * released when the case ends (stopped, destroyed if managed, put).
 * @name may be NULL for "". Before any .exit-time check the suite must
 * call axvm_fake_vm_release() itself.
 */
struct axvm *axvm_fake_vm_new(struct kunit *test, struct axvm_fake_arch *fa,
			      const struct axvm_hal_ops *hal, u32 flags,
			      u32 max_vcpus, const char *name);
/* The same for a VM the test created itself (takes over its reference). */
void axvm_fake_vm_adopt(struct kunit *test, struct axvm *vm);
/* Release now what axvm_fake_vm_new/adopt would release at the end. */
void axvm_fake_vm_release(struct kunit *test, struct axvm *vm);
/* Finalize, asserting success; the vCPUs exist afterwards. */
void axvm_fake_vm_finalize(struct kunit *test, struct axvm *vm);

/* How many VMs the registry holds. */
unsigned int axvm_fake_nr_vms(void);

/* ---- threads that are always joined ----------------------------------- */

struct axvm_fake_thread {
	struct task_struct *task;
	struct completion done;
	int (*fn)(void *data);
	void *data;
	int ret;
	/* Called on join when fn has not returned in time (e.g. stop a VM). */
	void (*unblock)(void *data);
};

/*
 * Run @fn(@data) once in a kernel thread, on @cpu if >= 0. Joined (after
 * @unblock if it is still running 10 s later) when the case ends.
 */
struct axvm_fake_thread *axvm_fake_thread_start(struct kunit *test,
						int (*fn)(void *data),
						void *data, int cpu);
/* Did @fn return within @ms? */
bool axvm_fake_thread_wait(struct axvm_fake_thread *t, unsigned int ms);

/*
 * axvm_vcpu_run(@vcpu) under vcpu->mutex in a thread (on @cpu if >= 0);
 * the result is in t->ret once axvm_fake_thread_wait() says so. If it is
 * still running at the end of the case, the VM is stopped to end it.
 */
struct axvm_fake_thread *axvm_fake_run_async(struct kunit *test,
					     struct axvm_vcpu *vcpu, int cpu);

/* Stop @vcpu's VM (void * for axvm_fake_thread.unblock). */
void axvm_fake_run_unblock(void *vcpu);

/* axvm_vcpu_run under vcpu->mutex, in the calling thread. */
int axvm_fake_run(struct axvm_vcpu *vcpu);

/* Poll @cond about every millisecond for up to @ms; its final value. */
#define axvm_fake_wait_for(cond, ms) ({					\
	unsigned long __end = jiffies + msecs_to_jiffies(ms);		\
	bool __ok;							\
	while (!(__ok = (cond)) && time_before(jiffies, __end))		\
		usleep_range(1000, 2000);				\
	__ok;								\
})

#endif /* AXVM_FAKE_ARCH_H */
