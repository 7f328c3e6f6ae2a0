// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_fpu_noise: while loaded, every CPU does SIMD work in interrupt
 * context, the way a softirq AES-NI or CRC user would: kernel_fpu_begin(),
 * xmm0-15 (ymm0-15 with AVX) loaded with a pattern, kernel_fpu_end().
 *
 *   soft  a timer_list per CPU, re-armed every jiffy: TIMER_SOFTIRQ
 *   hard  an hrtimer per CPU in hard-irq mode every 4 ms (hard=1, the
 *         default): a hardirq user that asks irq_fpu_usable() first
 *
 * A guest whose FPU registers are live in the CPU while bottom halves
 * are enabled (between the vCPU's swap-in and swap-out, in a kernel
 * thread that kernel_fpu_begin() does not save) reads this pattern:
 * 0xbadf00d0_RRCC_000Q per quadword Q of register RR on CPU CC.
 *
 * Read-only parameters, summed over the CPUs:
 *   runs      soft callbacks that loaded the pattern
 *   hard_runs hard callbacks that loaded it
 *   refused   callbacks that irq_fpu_usable() turned away
 *   on_axvm   loads on top of a task whose name starts with "axvm"
 *             (a managed vCPU thread, axvmctl): where the guest may be
 */
#include <linux/cpu.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/timer.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>

static bool hard = true;
module_param(hard, bool, 0444);
MODULE_PARM_DESC(hard, "also load the pattern from a hard-irq hrtimer");

struct noise_cpu {
	struct timer_list timer;
	struct hrtimer hrtimer;
	unsigned long runs, hard_runs, refused, on_axvm;
	u64 pat[16][4] __aligned(32);
};

static DEFINE_PER_CPU(struct noise_cpu, noise_cpu);
static bool noise_stopping;

#define NOISE_HARD_NS	(4 * NSEC_PER_MSEC)

#define NOISE_REGS ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"

/* Register i gets pat[i]. The kernel itself is built without SSE. */
static void noise_fill(const u64 (*pat)[16][4])
{
	if (boot_cpu_has(X86_FEATURE_AVX))
		asm volatile(NOISE_REGS "vmovdqu 32*\\i(%0), %%ymm\\i\n\t.endr"
			     :: "r" (pat), "m" (*pat));
	else
		asm volatile(NOISE_REGS "movdqu 32*\\i(%0), %%xmm\\i\n\t.endr"
			     :: "r" (pat), "m" (*pat));
}

/* Interrupt context, on this CPU; true when the registers were loaded. */
static bool noise_load(struct noise_cpu *nc)
{
	if (!irq_fpu_usable()) {
		nc->refused++;
		return false;
	}
	kernel_fpu_begin();
	noise_fill(&nc->pat);
	kernel_fpu_end();
	if (!strncmp(current->comm, "axvm", 4))
		nc->on_axvm++;
	return true;
}

static void noise_timer(struct timer_list *t)
{
	struct noise_cpu *nc = from_timer(nc, t, timer);

	if (noise_load(nc))
		nc->runs++;
	if (!READ_ONCE(noise_stopping))
		mod_timer(t, jiffies + 1);
}

static enum hrtimer_restart noise_hrtimer(struct hrtimer *t)
{
	struct noise_cpu *nc = container_of(t, struct noise_cpu, hrtimer);

	if (noise_load(nc))
		nc->hard_runs++;
	if (READ_ONCE(noise_stopping))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(NOISE_HARD_NS));
	return HRTIMER_RESTART;
}

/* On each CPU (IPI): a pinned hrtimer must be started where it runs. */
static void noise_start_hard(void *unused)
{
	struct noise_cpu *nc = this_cpu_ptr(&noise_cpu);

	hrtimer_start(&nc->hrtimer, ns_to_ktime(NOISE_HARD_NS),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

static int noise_get(char *buf, const struct kernel_param *kp)
{
	size_t off = (size_t)kp->arg;
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*(unsigned long *)
				 ((char *)per_cpu_ptr(&noise_cpu, cpu) + off));
	return sysfs_emit(buf, "%lu\n", sum);
}

static const struct kernel_param_ops noise_ops = {
	.get = noise_get,
};

#define NOISE_COUNTER(name) \
	module_param_cb(name, &noise_ops, \
			(void *)offsetof(struct noise_cpu, name), 0444)
NOISE_COUNTER(runs);
NOISE_COUNTER(hard_runs);
NOISE_COUNTER(refused);
NOISE_COUNTER(on_axvm);

static int __init noise_init(void)
{
	int cpu, r, q;

	for_each_possible_cpu(cpu) {
		struct noise_cpu *nc = per_cpu_ptr(&noise_cpu, cpu);

		for (r = 0; r < 16; r++)
			for (q = 0; q < 4; q++)
				nc->pat[r][q] = 0xbadf00d000000000ULL |
						(u64)r << 24 |
						(u64)(cpu & 0xff) << 16 | q;
		timer_setup(&nc->timer, noise_timer, TIMER_PINNED);
		hrtimer_init(&nc->hrtimer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_HARD);
		nc->hrtimer.function = noise_hrtimer;
	}
	cpus_read_lock();
	for_each_online_cpu(cpu)
		add_timer_on(&per_cpu_ptr(&noise_cpu, cpu)->timer, cpu);
	if (hard)
		on_each_cpu(noise_start_hard, NULL, 1);
	cpus_read_unlock();
	pr_info("axvm_fpu_noise: SIMD noise on %u CPUs, %s%s\n",
		num_online_cpus(),
		boot_cpu_has(X86_FEATURE_AVX) ? "ymm0-15" : "xmm0-15",
		hard ? ", soft and hard irq" : ", soft irq");
	return 0;
}
module_init(noise_init);

static void __exit noise_exit(void)
{
	int cpu;

	/* Callbacks look at the flag before re-arming. */
	WRITE_ONCE(noise_stopping, true);
	for_each_possible_cpu(cpu) {
		struct noise_cpu *nc = per_cpu_ptr(&noise_cpu, cpu);

		del_timer_sync(&nc->timer);
		hrtimer_cancel(&nc->hrtimer);
	}
}
module_exit(noise_exit);

MODULE_DESCRIPTION("axvm test: SIMD register noise from interrupt context");
MODULE_LICENSE("GPL");
