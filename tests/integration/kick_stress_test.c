// SPDX-License-Identifier: GPL-2.0
/*
 * The kick under stress (issue 11): a vCPU must never sit in guest mode
 * with a request pending. Two VMM-mode VMs of 4 vCPUs each spin in guest
 * mode with interrupts on while a migrator flips their RUN threads
 * between the host's CPUs (sched_setaffinity, as fast as it can), and
 * per VM
 *   an injector sends IRQs (AXVM_IRQ_LINE and AXVM_INTERRUPT, random
 *     vCPU and vector), one in flight per vCPU: the guest's handler
 *     acknowledges each with an OUT (an exit to us) carrying the vector
 *     and its own count of interrupts taken;
 *   a controller PAUSEs (every RUN thread must be seen asleep in RUN,
 *     and the guest must not run meanwhile), RESUMEs (every guest must
 *     run again), and every 2 s STOPs (every RUN must return
 *     AXVM_EXIT_STOPPED) and RESTARTs (every guest must come back);
 * and every 100 ms the migrator stops to probe: one vCPU alone on the
 * last CPU, freshly moved there, gets an IRQ (probe());
 * for 30 s (5 s for the 32-bit build; AXVM_KICK_SECONDS overrides), and
 * a final STOP. Pass: every request was observed by its vCPU.
 *
 * A lost kick is usually rescued by the next host tick or migration, so
 * there is no timing threshold: the only clock is a watchdog that fails
 * the test, naming the request and the state of its vCPU's thread, when
 * a request has not been observed in 20 s although the vCPU's thread
 * had 2 s of CPU meanwhile (see thread_cpu_ns()). Only with nohz_full on the
 * probes' CPU (the kernel command line; Debian's kernel has NO_HZ_FULL)
 * does nothing rescue a probe whose kick was lost: then it is a hang,
 * and the watchdog says so. How long requests took is printed as "# "
 * lines, for whoever wants to know how sharp a run was.
 * The guest never halts: a vCPU blocked in HLT is woken by rcuwait, not
 * by the IPI this test is about.
 * Built 64-bit and 32-bit; prints TAP.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include "tap.h"

#define MiB		(1ULL << 20)
#define RWX		(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)

#define NR_VMS		2
#define NR_VCPUS	4	/* per VM: 8 spinning vCPUs on 2 pCPUs */

#ifdef __LP64__
#define DEFAULT_SECONDS	30
#else
#define DEFAULT_SECONDS	5	/* the compat path, not the race again */
#endif

/*
 * A request unobserved this long is lost (AXVM_KICK_WATCHDOG overrides).
 * Observed requests took 4 s at worst here, debug kernel included; a
 * kick lost on a nohz_full CPU once hung for 34 s before something else
 * interrupted that CPU, so 60 s could let one pass.
 */
#define WATCHDOG_S	20
/*
 * ... and only if its vCPU's RUN thread had this much CPU time meanwhile
 * (see thread_cpu_ns()); a request held up longer than STARVED_S by a
 * thread that never gets a CPU fails all the same.
 */
#define RAN_MS		2000
#define STARVED_S	120
#define SLOW_MS		250	/* "slow" ack, reported, never judged */
#define RESTART_EVERY_S	2
#define PROBE_EVERY_MS	100	/* see migrator() */
/* How long a probe's vCPU spins alone before the IRQ, in turn. */
static const long probe_settle_us[] = { 0, 5000, 50000 };

/* Guest-physical layout. RAM [0, 2 MiB) covers the loader's window. */
#define GUEST_CODE	0x100000
#define GUEST_IDT	0x170000
#define GUEST_PERCPU	0x180000	/* a page per vCPU: see below */
#define PORT_READY	0x510		/* OUT: the vCPU id, IDT is up */
#define PORT_ACK	0x511		/* OUT: vector | nested << 8 | count << 9 */
#define ACK_NESTED	0x100
#define PORT_FAULT	0x512		/* OUT: an exception's vector */

#define XSTR(x)		STR(x)
#define STR(x)		#x

/*
 * The guest, entered in long mode (DESIGN.md §4: CS 0x08, low 4 GiB
 * identity-mapped, interrupts off) at GUEST_CODE, every vCPU at once.
 * It finds its vCPU id in CPUID.1:EBX[31:24] and its page at
 * GUEST_PERCPU + id * 4 KiB: a heartbeat at +0 (the spin loop counts),
 * its count of interrupts taken at +8, its stack below +4 KiB. %r15
 * holds the page for good. Every vCPU writes the same IDT (identical
 * bytes, so the races are harmless): 256 gates to 16-byte stubs that
 * push the vector. An interrupt (vector >= 32) is acknowledged with
 * OUT PORT_ACK: the vector, the guest's count, and whether this
 * delivery nests inside another handler (RSP below the one frame the
 * spin loop can have), which no interrupt may do: the gates clear IF
 * and the host only injects when IF is set. An exception is reported
 * on PORT_FAULT and ends in cli; hlt. Only RIP-relative and absolute
 * addresses: the bytes are copied out of this program and loaded at
 * GUEST_CODE.
 */
#ifdef __LP64__
#define HOST_CODE	".code64\n"
#else
#define HOST_CODE	".code32\n"
#endif
asm(".pushsection .rodata.kick_guest, \"a\"\n"
    ".code64\n"
    ".balign 16\n"
    ".globl kick_guest_start\n"
    ".hidden kick_guest_start\n"
    "kick_guest_start:\n"
    "	mov $1, %eax\n"
    "	cpuid\n"
    "	shr $24, %ebx\n"
    "	mov %ebx, %r15d\n"
    "	shl $12, %r15\n"
    "	add $" XSTR(GUEST_PERCPU) ", %r15\n"
    "	lea 0x1000(%r15), %rsp\n"
    "	mov $" XSTR(GUEST_IDT) ", %edi\n"
    "	lea kick_guest_stubs(%rip), %rdx\n"
    "	xor %ecx, %ecx\n"
    "1:	mov %rdx, %rax\n"
    "	and $0xffff, %eax\n"		/* offset 15:0 */
    "	or $(0x08 << 16), %eax\n"	/* selector */
    "	mov %eax, (%rdi)\n"
    "	mov %rdx, %rax\n"
    "	and $0xffff0000, %eax\n"	/* offset 31:16 */
    "	or $0x8e00, %eax\n"		/* P, DPL 0, interrupt gate */
    "	mov %eax, 4(%rdi)\n"
    "	mov %rdx, %rax\n"
    "	shr $32, %rax\n"
    "	mov %eax, 8(%rdi)\n"		/* offset 63:32 */
    "	movl $0, 12(%rdi)\n"
    "	add $16, %rdi\n"
    "	add $16, %rdx\n"
    "	inc %ecx\n"
    "	cmp $256, %ecx\n"
    "	jne 1b\n"
    "	sub $16, %rsp\n"
    "	movw $(256 * 16 - 1), (%rsp)\n"
    "	movq $" XSTR(GUEST_IDT) ", 2(%rsp)\n"
    "	lidt (%rsp)\n"
    "	add $16, %rsp\n"
    "	mov %ebx, %eax\n"
    "	mov $" XSTR(PORT_READY) ", %dx\n"
    "	out %eax, %dx\n"
    "	sti\n"
    /*
     * Spin in guest mode: never HLT, and no PAUSE either. Under QEMU's
     * single-threaded TCG every PAUSE returns to its vCPU loop and takes
     * the big QEMU lock again; 8 vCPUs doing that in a tight loop starved
     * the thread that fires the test host's timers for up to 218 s (no
     * tick, no exit; "soft lockup" once it came back).
     */
    "2:	incq (%r15)\n"
    "	jmp 2b\n"
    /* Stack: vector (pushed by the stub), [error code,] RIP, CS, ... */
    "kick_guest_common:\n"
    "	push %rax\n"
    "	push %rdx\n"
    "	mov 16(%rsp), %rax\n"
    "	cmp $32, %rax\n"
    "	jb 3f\n"
    "	mov $1, %edx\n"
    "	lock xadd %rdx, 8(%r15)\n"	/* one step, even if nested */
    "	inc %rdx\n"
    "	shl $9, %rdx\n"
    "	or %rdx, %rax\n"
    "	lea (0x1000 - 64)(%r15), %rdx\n"	/* RSP of a handler on the */
    "	cmp %rdx, %rsp\n"		/* spin loop's frame: below */
    "	jae 5f\n"			/* it, this delivery nests in */
    "	or $0x100, %eax\n"		/* another handler (IF was 0) */
    "5:	mov $" XSTR(PORT_ACK) ", %dx\n"
    "	out %eax, %dx\n"
    "	pop %rdx\n"
    "	pop %rax\n"
    "	add $8, %rsp\n"
    "	iretq\n"
    "3:	mov $" XSTR(PORT_FAULT) ", %dx\n"
    "	out %eax, %dx\n"
    "4:	cli\n"
    "	hlt\n"
    "	jmp 4b\n"
    "	.balign 16\n"
    "kick_guest_stubs:\n"
    "	.set vec, 0\n"
    "	.rept 256\n"
    "	.balign 16\n"
    "	pushq $vec\n"
    "	jmp kick_guest_common\n"
    "	.set vec, vec + 1\n"
    "	.endr\n"
    ".globl kick_guest_end\n"
    ".hidden kick_guest_end\n"
    "kick_guest_end:\n"
    HOST_CODE
    ".popsection\n");
extern const unsigned char kick_guest_start[], kick_guest_end[];

/* ---- shared state -------------------------------------------------------- */

/*
 * Fields written by one thread and read by others go through __atomic
 * (A() and W() below); plain fields belong to one thread, or are read
 * only after it is joined.
 */
#define A(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define W(x, v)		__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define INC(x)		__atomic_add_fetch(&(x), 1, __ATOMIC_ACQ_REL)

struct vm_ctx;

struct vcpu_ctx {
	struct vm_ctx *vm;
	int id, fd;
	struct axvm_run *run;
	pthread_t thread;
	int tid;			/* A(): set by the RUN thread */
	int in_run;			/* A(): inside the RUN ioctl */

	/* The IRQ in flight: claim() and inject() set it, its ack clears it. */
	unsigned int outstanding;	/* A(): its vector, 0 = none */
	unsigned int inj_ms;		/* A(): ms since start, for the watchdog */
	__u64 inj_ns;
	unsigned int inj_pause_gen;
	int inj_line;			/* AXVM_IRQ_LINE (1) or AXVM_INTERRUPT */
	int inj_probe;			/* sent by the prober, see migrator() */

	/* The injector's counts. */
	unsigned long injected, by_line, by_vector, inj_errors;
	int inj_errno;

	/* The RUN thread's. */
	unsigned long acked, bad_vector, bad_seq, spurious, faults, repeats;
	unsigned long readies, bad_ready, exits, eintr, unexpected;
	unsigned long crossed_pause, slow, nlat;
	unsigned long lat_hist[6];	/* < 1, 4, 16, 64, 256 ms, more */
	__u64 max_lat_ns, sum_lat_ns;
	unsigned long nprobe, probe_hist[6];	/* the prober's, likewise */
	__u64 probe_max_ns;
	unsigned long guest_seq;	/* acks seen, this run */
	unsigned long max_count;	/* the guest's highest number, this run */
	unsigned int prev_vector;	/* the ack before, for the anomalies */
	int nanom;			/* the first few anomalies, kept */
	char anom[4][128];
	unsigned int epoch_ready;	/* A(): epoch of the last READY */
	unsigned int stopped_epoch;	/* A(): epoch whose STOP RUN returned */
	unsigned int last_exit, last_fault;
	int run_errno;

	unsigned long flips;		/* the migrator's */

	/* The watchdog's: the request it times, the thread's CPU then. */
	unsigned int wd_vec, wd_inj_ms;
	__u64 wd_cpu_ns;
};

/* What a controller or the main thread waits for (watchdog names it). */
enum phase {
	PH_IDLE,
	PH_PAUSE,		/* PAUSE ioctl */
	PH_PAUSE_LEAVE,		/* a RUN thread to leave the guest, asleep */
	PH_RESUME,		/* RESUME ioctl */
	PH_RESUME_RUN,		/* a guest to run again (heartbeat) */
	PH_DRAIN,		/* the injector to see its IRQs acknowledged */
	PH_STOP,		/* STOP ioctl (waits for every RUN to return) */
	PH_STOP_SEEN,		/* a RUN thread to report AXVM_EXIT_STOPPED */
	PH_RESTART,		/* RESTART ioctl */
	PH_READY,		/* a restarted guest to report READY */
	PH_JOIN,		/* threads to finish */
};

static const char *const phase_names[] = {
	[PH_IDLE]	= "idle",
	[PH_PAUSE]	= "the PAUSE ioctl to return",
	[PH_PAUSE_LEAVE] = "PAUSE: the vCPU to leave guest mode (RUN asleep)",
	[PH_RESUME]	= "the RESUME ioctl to return",
	[PH_RESUME_RUN]	= "RESUME: the guest to run again",
	[PH_DRAIN]	= "the in-flight IRQs to be acknowledged",
	[PH_STOP]	= "the STOP ioctl to return (every RUN left)",
	[PH_STOP_SEEN]	= "STOP: RUN to return AXVM_EXIT_STOPPED",
	[PH_RESTART]	= "the RESTART ioctl to return",
	[PH_READY]	= "RESTART: the guest to come back (READY)",
	[PH_JOIN]	= "the VM's threads to finish",
};

struct vm_ctx {
	int idx, fd;
	__u32 id;
	struct vcpu_ctx vcpu[NR_VCPUS];
	pthread_t injector, controller;

	unsigned int epoch;		/* A(), futex: one per START/RESTART */
	unsigned int ack_seq;		/* A(), futex: bumped on every ack */
	unsigned int pause_gen;		/* A(): odd while a pause is on */
	/* A(): odd drain_req asks the injector to drain; it answers in drain_ack */
	unsigned int drain_req, drain_ack;
	int probe_active;		/* __ATOMIC_SEQ_CST: against a drain */
	int final_stop;			/* A(): RUN threads end at STOPPED */

	int phase, phase_vcpu;		/* A(): see enum phase */
	unsigned int phase_ms;		/* A() */
	unsigned int wd_phase_ms;	/* the watchdog's, as in vcpu_ctx */
	__u64 wd_cpu_ns[NR_VCPUS];
	unsigned long starved;		/* A(): requests it let wait */

	/* The controller's counts. */
	unsigned long pauses, restarts, ran_while_paused, ctl_errors;
	int ctl_errno;
	const char *ctl_what;
	__u64 max_pause_ns, sum_pause_ns, max_resume_ns, max_stop_ns;
	__u64 final_stop_ns;
};

static struct vm_ctx vms[NR_VMS];
static int ncpus;
static int house_cpu, quiet_cpu;	/* see migrator() */
static int watchdog_s = WATCHDOG_S;
static __u64 t_start_ns;
static int ending;		/* A(): controllers finish their round */
static int inj_stop;		/* A(): injectors drain and finish */
static int mig_stop;		/* A(): the migrator finishes */
static unsigned int release;	/* A(), futex: RUN threads may exit */
static int main_phase;		/* A(): PH_JOIN while main waits */
static unsigned int main_phase_ms;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* 32 bits of milliseconds since start: atomic on both builds. */
static unsigned int now_ms(void)
{
	return (unsigned int)((now_ns() - t_start_ns) / 1000000);
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* Bounded: every wait ends after @ms so loops can look at their flags. */
static void futex_wait(unsigned int *word, unsigned int val, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, &ts, NULL, 0);
}

static void futex_wake(unsigned int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static int pin(int tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(tid, sizeof(set), &set);
}

/* Helper threads stay off the quiet CPU (migrator()). */
static void pin_self(void)
{
	if (ncpus > 1)
		pin(0, house_cpu);
}

static void set_phase(struct vm_ctx *vm, int phase, int vcpu)
{
	W(vm->phase_vcpu, vcpu);
	W(vm->phase_ms, now_ms());
	W(vm->phase, phase);
}

/* The thread's state letter from /proc (R, S, D, ...), '?' if unknown. */
static char thread_state(int tid, int *cpu)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd, i;

	*cpu = -1;
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return '?';
	/* Field 39 is the CPU it last ran on; the state is field 3. */
	for (i = 3, p += 2; i < 39 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		*cpu = atoi(p);
	return strrchr(buf, ')')[2];
}

/*
 * The CPU time a thread has had, in ns (the first field of schedstat:
 * user, kernel and guest time alike), or 0 when unknown.
 *
 * A kick can only be lost by a vCPU that is in guest mode, on a CPU: a
 * RUN thread the host scheduler keeps off every CPU is waiting, not
 * lost. That happens under emulation. Once seen under QEMU TCG, the test
 * host's timer interrupts stopped for 10 s while one vCPU stayed in
 * guest mode on CPU 0 and no other thread ran (no tick, no exit, the
 * trace clock frozen on both CPUs); afterwards CFS charged that thread
 * the 10 s and kept it off the CPUs for over 20 s, so its guest took
 * the IRQ late, through no fault of the kick. So a request counts as
 * lost only when the vCPU's thread had RAN_MS of CPU time while it
 * waited (a spinning guest in guest mode gets that in RAN_MS of wall
 * time when it runs alone): then a kick, or a tick, was due many times.
 */
static __u64 thread_cpu_ns(int tid)
{
	char path[64], buf[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return strtoull(buf, NULL, 10);
}

static __u64 heartbeat(struct vm_ctx *vm, int id)
{
	__u64 hb = ~0ULL;

	if (axvm_guest(vm->fd, AXVM_READ_GUEST,
		       GUEST_PERCPU + (__u64)id * 4096, &hb, sizeof(hb)))
		return ~0ULL;
	return hb;
}

/* ---- reports ------------------------------------------------------------- */

static void print_vcpu(struct vcpu_ctx *c)
{
	struct vm_ctx *vm = c->vm;
	unsigned long acked = A(c->acked), n = c->nlat ? c->nlat : 1;

	printf("# vm%d vcpu%d: injected %lu (IRQ_LINE %lu, INTERRUPT %lu), acked %lu, %lu across a pause; inject->ack max %.1f ms, mean %.2f ms, slow (>%d ms) %lu; <1/4/16/64/256/more ms: %lu/%lu/%lu/%lu/%lu/%lu\n",
	       vm->idx, c->id, A(c->injected), c->by_line, c->by_vector, acked,
	       c->crossed_pause, c->max_lat_ns / 1e6,
	       c->sum_lat_ns / 1e6 / n, SLOW_MS, c->slow,
	       c->lat_hist[0], c->lat_hist[1], c->lat_hist[2],
	       c->lat_hist[3], c->lat_hist[4], c->lat_hist[5]);
	printf("# vm%d vcpu%d: %lu probes (alone on CPU %d): inject->ack max %.1f ms; <1/4/16/64/256/more ms: %lu/%lu/%lu/%lu/%lu/%lu\n",
	       vm->idx, c->id, c->nprobe, quiet_cpu, c->probe_max_ns / 1e6,
	       c->probe_hist[0], c->probe_hist[1], c->probe_hist[2],
	       c->probe_hist[3], c->probe_hist[4], c->probe_hist[5]);
	printf("# vm%d vcpu%d: RUN returned %lu times (%lu EINTR), READY %lu, %lu affinity flips; nested repeats %lu (QEMU's), bad vector %lu, bad sequence %lu, spurious %lu, exceptions %lu (last %#x), unexpected exits %lu (last %u, errno %d), inject errors %lu (errno %d)\n",
	       vm->idx, c->id, c->exits, c->eintr, c->readies, A(c->flips),
	       c->repeats, c->bad_vector, c->bad_seq, c->spurious, c->faults,
	       c->last_fault, c->unexpected, c->last_exit, c->run_errno,
	       c->inj_errors, c->inj_errno);
}

/* What a vCPU's thread is doing, for the watchdog's report. */
static void print_vcpu_state(struct vcpu_ctx *c)
{
	int cpu, tid = A(c->tid);
	char st = tid ? thread_state(tid, &cpu) : '?';

	printf("# vm%d vcpu%d: RUN thread %d state %c on CPU %d, %s RUN, %.1f s of CPU; IRQ in flight %#x\n",
	       c->vm->idx, c->id, tid, st, cpu,
	       A(c->in_run) ? "inside" : "outside",
	       tid ? thread_cpu_ns(tid) / 1e9 : 0.0, A(c->outstanding));
}

/* ---- RUN threads ----------------------------------------------------------- */

/* The histogram's bucket: < 1, 4, 16, 64, 256 ms, more. */
static int bucket(__u64 ns)
{
	int b;

	for (b = 0; b < 5 && ns >= (1000000ULL << (2 * b)); b++)
		;
	return b;
}

/*
 * QEMU (7.2, TCG) delivers an interrupt injected through EVENTINJ a
 * second time now and then: helper_vmrun() sets cs->exception_index to
 * the vector, delivers it at once and leaves exception_index set, so an
 * exit_request (the round-robin kick, an I/O event) before the next
 * exception or #VMEXIT makes the main loop deliver it again, as an
 * exception: IF is ignored and the repeat nests in the handler of the
 * first, whose ack then comes second. Such a nested repeat of the vector
 * in flight is counted and shown, never judged: it is the emulator's.
 * A nested delivery of any other vector is an interrupt injected while
 * the guest had IF=0: a failure.
 */
static void handle_ack(struct vcpu_ctx *c, __u32 data)
{
	struct vm_ctx *vm = c->vm;
	unsigned int vector = data & 0xff, want = A(c->outstanding);
	int nested = !!(data & ACK_NESTED), bad;
	__u64 lat;

	lat = now_ns() - c->inj_ns;
	/*
	 * The guest counts every delivery. A repeat may take its number
	 * after the handler it interrupts took one (they come swapped), so
	 * the count is checked at the outer ack: as many acks as numbers.
	 */
	c->guest_seq++;
	if (data >> 9 > c->max_count)
		c->max_count = data >> 9;
	bad = (!nested && c->max_count != c->guest_seq) ||
	      !want || vector != want;
	if (bad && c->nanom < 4)
		snprintf(c->anom[c->nanom++], sizeof(c->anom[0]),
			 "ack %lu (guest %u)%s: vector %#x, in flight %#x (%s, %llu us ago), acked before %#x",
			 c->guest_seq, data >> 9, nested ? " nested" : "",
			 vector, want, c->inj_line ? "IRQ_LINE" : "INTERRUPT",
			 (unsigned long long)lat / 1000, c->prev_vector);
	if (!nested && c->max_count != c->guest_seq)
		c->bad_seq++;
	if (nested) {
		if (vector == want)
			c->repeats++;	/* QEMU's: see above */
		else
			c->bad_vector++;
		return;
	}
	c->prev_vector = vector;
	if (!want) {
		c->spurious++;
		return;
	}
	if (vector != want)
		c->bad_vector++;
	if (c->inj_pause_gen != A(vm->pause_gen) || (c->inj_pause_gen & 1)) {
		/* Held back by a pause on purpose: not a kick's latency. */
		c->crossed_pause++;
	} else if (c->inj_probe) {
		c->nprobe++;
		if (lat > c->probe_max_ns)
			c->probe_max_ns = lat;
		c->probe_hist[bucket(lat)]++;
	} else {
		c->nlat++;
		c->sum_lat_ns += lat;
		if (lat > c->max_lat_ns)
			c->max_lat_ns = lat;
		if (lat > SLOW_MS * 1000000ULL)
			c->slow++;
		c->lat_hist[bucket(lat)]++;
	}
	INC(c->acked);
	W(c->outstanding, 0);
	INC(vm->ack_seq);
	futex_wake(&vm->ack_seq);
}

static void *run_thread(void *arg)
{
	struct vcpu_ctx *c = arg;
	struct vm_ctx *vm = c->vm;
	struct axvm_run *run = c->run;
	unsigned int epoch = A(vm->epoch), e;
	int ret;

	W(c->tid, (int)syscall(SYS_gettid));
	for (;;) {
		W(c->in_run, 1);
		ret = ioctl(c->fd, AXVM_RUN, 0);
		W(c->in_run, 0);
		c->exits++;
		if (ret) {
			if (errno == EINTR) {
				c->eintr++;
				continue;
			}
			/* Recorded; the watchdog names what waits for us. */
			c->unexpected++;
			c->run_errno = errno;
			sleep_us(10000);
			continue;
		}
		switch (run->exit_reason) {
		case AXVM_EXIT_IO:
			if (run->io.direction != AXVM_IO_OUT ||
			    run->io.size != 4) {
				c->unexpected++;
				c->last_exit = 1000 + run->io.port;
			} else if (run->io.port == PORT_ACK) {
				handle_ack(c, (__u32)run->io.data);
			} else if (run->io.port == PORT_READY) {
				c->readies++;
				c->bad_ready += run->io.data != (__u64)c->id;
				W(c->epoch_ready, epoch);
			} else if (run->io.port == PORT_FAULT) {
				c->faults++;
				c->last_fault = (__u32)run->io.data;
			} else {
				c->unexpected++;
				c->last_exit = 1000 + run->io.port;
			}
			break;
		case AXVM_EXIT_STOPPED:
			W(c->stopped_epoch, epoch);
			if (A(vm->final_stop)) {
				/* Stay (tid valid) until the migrator is gone. */
				while (!A(release))
					futex_wait(&release, 0, 100);
				return NULL;
			}
			/* Until RESTART: RUN on a stopped VM returns at once. */
			while ((e = A(vm->epoch)) == epoch)
				futex_wait(&vm->epoch, epoch, 100);
			epoch = e;
			c->guest_seq = 0;	/* a restarted guest counts anew */
			c->max_count = 0;
			break;
		default:
			c->unexpected++;
			c->last_exit = run->exit_reason;
			sleep_us(10000);
			break;
		}
	}
}

/* ---- injection ------------------------------------------------------------- */

/* outstanding while an injector fills in the rest: never acked. */
#define CLAIMED		0x100

/* Take @c for one injection: nothing may be in flight on it. */
static int claim(struct vcpu_ctx *c)
{
	unsigned int zero = 0;

	return __atomic_compare_exchange_n(&c->outstanding, &zero, CLAIMED, 0,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/*
 * Inject a random vector into the claimed @c, by IRQ line or directly.
 * Everything the ack needs is published before the ioctl: the ack may
 * come before the ioctl returns.
 */
static int inject(struct vcpu_ctx *c, unsigned int *seed, int probe)
{
	struct vm_ctx *vm = c->vm;
	struct axvm_interrupt intr;
	struct axvm_irq irq;
	int ret;

	c->inj_line = rand_r(seed) & 1;
	memset(&irq, 0, sizeof(irq));
	memset(&intr, 0, sizeof(intr));
	if (c->inj_line) {
		irq.vcpu = c->id;
		irq.irq = rand_r(seed) % (256 - 32);
		intr.vector = 32 + irq.irq;
	} else {
		intr.vector = 32 + rand_r(seed) % (256 - 32);
	}
	c->inj_probe = probe;
	c->inj_ns = now_ns();
	c->inj_pause_gen = A(vm->pause_gen);
	W(c->inj_ms, now_ms());
	W(c->outstanding, intr.vector);
	if (c->inj_line)
		ret = ioctl(vm->fd, AXVM_IRQ_LINE, &irq);
	else
		ret = ioctl(c->fd, AXVM_INTERRUPT, &intr);
	if (ret) {
		c->inj_errors++;
		c->inj_errno = errno;
		W(c->outstanding, 0);
		return -1;
	}
	INC(c->injected);
	if (c->inj_line)
		c->by_line++;
	else
		c->by_vector++;
	return intr.vector;
}

static void *injector(void *arg)
{
	struct vm_ctx *vm = arg;
	unsigned int seed = 0x5eed + vm->idx, seq, drain;
	int i, v, busy;

	pin_self();
	for (;;) {
		seq = A(vm->ack_seq);
		busy = 0;
		for (i = 0; i < NR_VCPUS; i++)
			busy += A(vm->vcpu[i].outstanding) != 0;
		drain = A(vm->drain_req);
		if ((drain & 1) || A(inj_stop)) {
			/* Drain: no new IRQ until those in flight are acked. */
			if (!busy) {
				W(vm->drain_ack, drain);
				if (A(inj_stop))
					return NULL;
			}
			futex_wait(&vm->ack_seq, seq, 10);
			continue;
		}
		if (busy == NR_VCPUS) {
			futex_wait(&vm->ack_seq, seq, 100);
			continue;
		}
		/* A probe wants its vCPU free and its IPI alone. */
		if (A(vm->probe_active)) {
			sleep_us(2000);
			continue;
		}
		/* A random vCPU with nothing in flight (the prober may race). */
		v = rand_r(&seed) % NR_VCPUS;
		for (i = 0; i < NR_VCPUS && !claim(&vm->vcpu[v]); i++)
			v = (v + 1) % NR_VCPUS;
		if (i == NR_VCPUS)
			continue;
		if (inject(&vm->vcpu[v], &seed, 0) < 0)
			sleep_us(1000);
	}
}

/* ---- the controller: PAUSE/RESUME, STOP/RESTART ----------------------------- */

static int ctl_fail(struct vm_ctx *vm, const char *what)
{
	if (!vm->ctl_errors++) {
		vm->ctl_what = what;
		vm->ctl_errno = errno;
	}
	return -1;
}

/* Asleep inside RUN: the vCPU is not in guest mode, and stays out. */
static int asleep_in_run(struct vcpu_ctx *c)
{
	int cpu;

	return A(c->in_run) && thread_state(A(c->tid), &cpu) == 'S';
}

static int pause_round(struct vm_ctx *vm)
{
	__u64 hb[NR_VCPUS], t0, t;
	int i;

	INC(vm->pause_gen);	/* odd: IRQs from now on may be held back */
	set_phase(vm, PH_PAUSE, -1);
	t0 = now_ns();
	if (ioctl(vm->fd, AXVM_PAUSE, 0))
		return ctl_fail(vm, "PAUSE");
	vm->pauses++;
	for (i = 0; i < NR_VCPUS; i++) {
		set_phase(vm, PH_PAUSE_LEAVE, i);
		while (!asleep_in_run(&vm->vcpu[i]))
			sleep_us(200);
	}
	t = now_ns() - t0;
	vm->sum_pause_ns += t;
	if (t > vm->max_pause_ns)
		vm->max_pause_ns = t;
	/* Asleep in RUN means the guest cannot move: it must not. */
	for (i = 0; i < NR_VCPUS; i++)
		hb[i] = heartbeat(vm, i);
	sleep_us(2000);
	for (i = 0; i < NR_VCPUS; i++)
		vm->ran_while_paused += heartbeat(vm, i) != hb[i];

	set_phase(vm, PH_RESUME, -1);
	t0 = now_ns();
	if (ioctl(vm->fd, AXVM_RESUME, 0))
		return ctl_fail(vm, "RESUME");
	for (i = 0; i < NR_VCPUS; i++) {
		set_phase(vm, PH_RESUME_RUN, i);
		while (heartbeat(vm, i) == hb[i])
			sleep_us(200);
	}
	t = now_ns() - t0;
	if (t > vm->max_resume_ns)
		vm->max_resume_ns = t;
	INC(vm->pause_gen);
	set_phase(vm, PH_IDLE, -1);
	return 0;
}

static int stop_restart(struct vm_ctx *vm)
{
	unsigned int epoch = A(vm->epoch), drain;
	__u64 t0, t;
	int i;

	/* RESTART resets the vCPUs: no IRQ may be in flight across it. */
	set_phase(vm, PH_DRAIN, -1);
	drain = __atomic_add_fetch(&vm->drain_req, 1, __ATOMIC_SEQ_CST);
	while (A(vm->drain_ack) != drain ||	/* odd: drain */
	       __atomic_load_n(&vm->probe_active, __ATOMIC_SEQ_CST))
		sleep_us(1000);

	set_phase(vm, PH_STOP, -1);
	t0 = now_ns();
	if (ioctl(vm->fd, AXVM_STOP, 0))
		return ctl_fail(vm, "STOP");
	for (i = 0; i < NR_VCPUS; i++) {
		set_phase(vm, PH_STOP_SEEN, i);
		while (A(vm->vcpu[i].stopped_epoch) != epoch)
			sleep_us(500);
	}
	t = now_ns() - t0;
	if (t > vm->max_stop_ns)
		vm->max_stop_ns = t;
	if (axvm_state(vm->fd) != AXVM_VM_STOPPED) {
		errno = 0;
		return ctl_fail(vm, "state after STOP");
	}

	set_phase(vm, PH_RESTART, -1);
	if (ioctl(vm->fd, AXVM_RESTART, 0))
		return ctl_fail(vm, "RESTART");
	vm->restarts++;
	W(vm->epoch, epoch + 1);
	futex_wake(&vm->epoch);
	for (i = 0; i < NR_VCPUS; i++) {
		set_phase(vm, PH_READY, i);
		while (A(vm->vcpu[i].epoch_ready) != epoch + 1)
			sleep_us(500);
	}
	INC(vm->drain_req);	/* even again: the injector goes on */
	set_phase(vm, PH_IDLE, -1);
	return 0;
}

static void *controller(void *arg)
{
	struct vm_ctx *vm = arg;
	unsigned int seed = 0xc0de + vm->idx;
	__u64 last_restart = now_ns();

	pin_self();
	while (!A(ending)) {
		/* Mostly running: IRQs should meet a running vCPU. */
		sleep_us(5000 + rand_r(&seed) % 35000);
		if (now_ns() - last_restart > RESTART_EVERY_S * 1000000000ULL) {
			if (stop_restart(vm))
				break;
			last_restart = now_ns();
		} else if (pause_round(vm)) {
			break;
		}
	}
	/* A failed ioctl leaves the phase on: the watchdog tells the rest. */
	return NULL;
}

/* ---- the migrator and the prober ---------------------------------------------- */

/*
 * A probe: one vCPU alone on the quiet CPU, every other RUN and helper
 * thread on the housekeeping CPU, an IRQ from there. Its RUN thread was
 * just moved (a fresh migration, so vcpu->cpu changed under the kick),
 * and it spins in guest mode for 0, 5 or 50 ms first (the last long
 * enough for a nohz_full CPU to stop its tick). Nothing but the kick's
 * IPI gets that guest out before the next tick; with nohz_full on the
 * quiet CPU no tick comes, and a lost kick is a hang the watchdog
 * reports. Without nohz_full a lost kick costs a tick (4 ms at HZ=250):
 * the probes' latencies are shown for that.
 * Skipped while the VM drains for a RESTART, is paused, or the vCPU has
 * an IRQ in flight.
 */
static void probe(struct vcpu_ctx *t, unsigned int *seed, long settle_us)
{
	struct vm_ctx *vm = t->vm;
	int v, i, vec;

	__u64 give_up = now_ns() + 50000000ULL;

	/* Dekker with stop_restart()'s drain and main's inj_stop. */
	__atomic_store_n(&vm->probe_active, 1, __ATOMIC_SEQ_CST);
	if ((__atomic_load_n(&vm->drain_req, __ATOMIC_SEQ_CST) & 1) ||
	    __atomic_load_n(&inj_stop, __ATOMIC_SEQ_CST))
		goto out;
	/* The injector holds off meanwhile: wait for its IRQ's ack. */
	while ((A(vm->pause_gen) & 1) || !A(t->in_run) || !claim(t)) {
		if (now_ns() > give_up)
			goto out;
		sleep_us(200);
	}
	for (v = 0; v < NR_VMS; v++)
		for (i = 0; i < NR_VCPUS; i++)
			if (&vms[v].vcpu[i] != t)
				pin(A(vms[v].vcpu[i].tid), house_cpu);
	pin(t->tid, house_cpu);
	pin(t->tid, quiet_cpu);
	if (settle_us)
		sleep_us(settle_us);
	vec = inject(t, seed, 1);
	/* The watchdog names it if this never ends. */
	while (vec > 0 && A(t->outstanding) == (unsigned int)vec)
		sleep_us(200);
out:
	__atomic_store_n(&vm->probe_active, 0, __ATOMIC_SEQ_CST);
}

static void *migrator(void *arg)
{
	unsigned int k = 0, seed = 0x9e0be, p = 0;
	__u64 next_probe = now_ns() + PROBE_EVERY_MS * 1000000ULL;
	int v, i, tid;

	(void)arg;
	pin_self();
	while (!A(mig_stop)) {
		for (v = 0; v < NR_VMS; v++) {
			for (i = 0; i < NR_VCPUS; i++) {
				struct vcpu_ctx *c = &vms[v].vcpu[i];

				tid = A(c->tid);
				if (tid && !pin(tid, (k + v + i) % ncpus))
					INC(c->flips);
			}
		}
		k++;
		if (now_ns() > next_probe) {
			probe(&vms[p % NR_VMS].vcpu[(p / NR_VMS) % NR_VCPUS],
			      &seed, probe_settle_us[p % 3]);
			p++;
			next_probe = now_ns() + PROBE_EVERY_MS * 1000000ULL;
		}
	}
	return NULL;
}

/* ---- the watchdog --------------------------------------------------------------- */

static int watchdog_quit;

static void lost(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void lost(const char *fmt, ...)
{
	__u64 hb[NR_VCPUS][2];
	va_list ap;
	int v, i;

	/*
	 * The verdict first, from memory and /proc only: an ioctl may
	 * block behind the very request that was lost (a STOP holds the
	 * VM's lock while it waits for a vCPU nobody kicked).
	 */
	pthread_mutex_lock(&report_lock);
	printf("# watchdog: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	for (v = 0; v < NR_VMS; v++) {
		printf("# vm%d: controller waits for %s (vCPU %d) for %d ms, %lu pauses, %lu restarts, %lu failed ioctls (first %s, errno %d)\n",
		       v, phase_names[A(vms[v].phase)], A(vms[v].phase_vcpu),
		       (int)(now_ms() - A(vms[v].phase_ms)),
		       vms[v].pauses, vms[v].restarts, vms[v].ctl_errors,
		       vms[v].ctl_what ? vms[v].ctl_what : "-",
		       vms[v].ctl_errno);
		for (i = 0; i < NR_VCPUS; i++) {
			print_vcpu_state(&vms[v].vcpu[i]);
			print_vcpu(&vms[v].vcpu[i]);
		}
	}
	tap_check(0, "every request observed within %d s (watchdog)",
		  watchdog_s);
	tap_done();
	fflush(stdout);
	/* Then whether the guests still spin (may block: comments only). */
	for (v = 0; v < NR_VMS; v++) {
		for (i = 0; i < NR_VCPUS; i++)
			hb[i][0] = heartbeat(&vms[v], i);
		sleep_us(20000);
		for (i = 0; i < NR_VCPUS; i++)
			hb[i][1] = heartbeat(&vms[v], i);
		for (i = 0; i < NR_VCPUS; i++)
			printf("# vm%d vcpu%d: guest heartbeat %llu -> %llu in 20 ms\n",
			       v, i, (unsigned long long)hb[i][0],
			       (unsigned long long)hb[i][1]);
		fflush(stdout);
	}
	/* Exiting kills the RUN threads; the signal gets them out of RUN. */
	_exit(1);
}

/* How long ago @since was; stamps are written while we read: signed. */
static int age_ms(unsigned int since)
{
	return (int)(now_ms() - since);
}

/*
 * Has a request to @vm waited too long? @age ms since it was made; @c
 * the vCPU whose thread must run to answer it. With @c NULL, @cpu0 is
 * an array of NR_VCPUS and the request waits for every vCPU to leave
 * the guest (PAUSE, STOP): the thread that gained the most CPU stands
 * for the vCPU that did not leave. @new_req tells a new request from
 * the one timed before: the CPU times are taken then.
 */
static int overdue(struct vm_ctx *vm, struct vcpu_ctx *c, int new_req,
		   __u64 *cpu0, int age)
{
	__u64 ran_ns = 0, t;
	int i, n = c ? 1 : NR_VCPUS;

	for (i = 0; i < n; i++) {
		t = thread_cpu_ns(A((c ? c : &vm->vcpu[i])->tid));
		if (new_req)
			cpu0[i] = t;
		if (t - cpu0[i] > ran_ns)
			ran_ns = t - cpu0[i];
	}
	if (age <= watchdog_s * 1000)
		return 0;
	if (ran_ns / 1000000 >= RAN_MS || age > STARVED_S * 1000)
		return 1;
	/* Counted once per request: its threads did not get a CPU. */
	if (age - 500 <= watchdog_s * 1000)
		INC(vm->starved);
	return 0;
}

static void *watchdog(void *arg)
{
	int v, i, ph, pv, age, fresh;
	unsigned int vec, stamp;

	(void)arg;
	pin_self();
	while (!A(watchdog_quit)) {
		sleep_us(500000);
		for (v = 0; v < NR_VMS; v++) {
			struct vm_ctx *vm = &vms[v];

			for (i = 0; i < NR_VCPUS; i++) {
				struct vcpu_ctx *c = &vm->vcpu[i];

				vec = A(c->outstanding);
				stamp = A(c->inj_ms);
				age = age_ms(stamp);
				if (!vec || vec == CLAIMED ||
				    vec != A(c->outstanding))
					continue;
				fresh = vec != c->wd_vec || stamp != c->wd_inj_ms;
				c->wd_vec = vec;
				c->wd_inj_ms = stamp;
				if (overdue(vm, c, fresh, &c->wd_cpu_ns, age))
					lost("vm%d vcpu%d: vector %#x (%s%s) injected %d ms ago, never acknowledged",
					     v, i, vec,
					     c->inj_line ? "IRQ_LINE" : "INTERRUPT",
					     c->inj_probe ? ", a probe" : "",
					     age);
			}
			ph = A(vm->phase);
			pv = A(vm->phase_vcpu);
			stamp = A(vm->phase_ms);
			age = age_ms(stamp);
			if (ph == PH_IDLE || ph != A(vm->phase))
				continue;
			fresh = stamp != vm->wd_phase_ms;
			vm->wd_phase_ms = stamp;
			/* A drain waits for IRQs: those are timed above. */
			if (ph == PH_DRAIN ? age > STARVED_S * 1000 :
			    overdue(vm, pv >= 0 && pv < NR_VCPUS ?
					&vm->vcpu[pv] : NULL,
				    fresh, vm->wd_cpu_ns, age))
				lost("vm%d: waited %d ms for %s (vCPU %d)", v,
				     age, phase_names[ph], pv);
		}
		/* It waits for the requests above: those are timed there. */
		age = age_ms(A(main_phase_ms));
		if (A(main_phase) != PH_IDLE && age > STARVED_S * 1000)
			lost("main: waited %d ms for the final STOP and the threads to finish",
			     age);
	}
	return NULL;
}

/* ---- setup ------------------------------------------------------------------------ */

static int vm_setup(int sys, struct vm_ctx *vm, int idx)
{
	struct axvm_image img;
	char name[24];	/* shorter than AXVM_NAME_LEN */
	int i;

	memset(vm, 0, sizeof(*vm));
	vm->idx = idx;
	snprintf(name, sizeof(name), "kick-%d-%d", (int)getpid(), idx);
	vm->fd = axvm_vm_new(sys, 0, NR_VCPUS, name, &vm->id);
	if (vm->fd < 0)
		return -1;
	if (axvm_region(vm->fd, 0, 2 * MiB, RWX))
		return -1;
	memset(&img, 0, sizeof(img));
	img.buf = U64P(kick_guest_start);
	img.size = kick_guest_end - kick_guest_start;
	img.gpa = GUEST_CODE;
	img.format = AXVM_IMAGE_RAW;
	/* LOAD_IMAGE, not WRITE_GUEST: RESTART reloads it. */
	if (ioctl(vm->fd, AXVM_LOAD_IMAGE, &img))
		return -1;
	if (axvm_entry(vm->fd, GUEST_CODE, AXVM_MODE_LONG))
		return -1;
	for (i = 0; i < NR_VCPUS; i++) {
		struct vcpu_ctx *c = &vm->vcpu[i];

		c->vm = vm;
		c->id = i;
		/* Epoch 0 is the first run: nothing seen in it yet. */
		c->stopped_epoch = ~0u;
		c->epoch_ready = ~0u;
		c->fd = ioctl(vm->fd, AXVM_CREATE_VCPU, i);
		if (c->fd < 0)
			return -1;
		c->run = mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE,
			      MAP_SHARED, c->fd, 0);
		if (c->run == MAP_FAILED)
			return -1;
	}
	if (ioctl(vm->fd, AXVM_FINALIZE, 0))
		return -1;
	return ioctl(vm->fd, AXVM_START, 0);
}

/*
 * Without a tick on the vCPU's CPU nothing but the kick gets a spinning
 * guest out: with nohz_full a lost kick is a hang, not a 4 ms delay.
 */
static const char *nohz_full(void)
{
	static char buf[64];
	ssize_t n;
	int fd;

	fd = open("/sys/devices/system/cpu/nohz_full", O_RDONLY);
	if (fd < 0)
		return "none (no NO_HZ_FULL)";
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	/* An empty mask reads "(null)" in 6.1, or nothing. */
	return buf[0] && buf[0] != '(' ? buf : "none";
}

/* 32-bit programs need COMPAT_32BIT_TIME for futex(2) (stress_test.c). */
static const char *no_futex(void)
{
	unsigned int word = 0;

	if (syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0) < 0 &&
	    errno == ENOSYS)
		return "no futex(2) for 32-bit programs (COMPAT_32BIT_TIME=n)";
	return NULL;
}

static void print_anomalies(struct vcpu_ctx *c)
{
	int i;

	for (i = 0; i < c->nanom; i++)
		printf("# vm%d vcpu%d: %s\n", c->vm->idx, c->id, c->anom[i]);
}

static void report_vm(struct vm_ctx *vm)
{
	unsigned long inj = 0, ack = 0, bad = 0, odd = 0, lat_n = 0, slow = 0;
	unsigned long stopped = 0, ready = 0, idle = 0, repeats = 0;
	unsigned long probes = 0, probe_slow = 0;
	__u64 max_lat = 0, probe_max = 0;
	int i;

	for (i = 0; i < NR_VCPUS; i++) {
		struct vcpu_ctx *c = &vm->vcpu[i];

		print_vcpu(c);
		print_anomalies(c);
		inj += c->injected;
		ack += c->acked;
		idle += !c->injected || c->injected != c->acked;
		bad += c->bad_vector + c->bad_seq + c->spurious;
		odd += c->faults + c->unexpected + c->inj_errors +
		       c->bad_ready;
		ready += c->readies == vm->restarts + 1;
		stopped += c->stopped_epoch == vm->restarts;
		lat_n += c->nlat;
		slow += c->slow;
		repeats += c->repeats;
		probes += c->nprobe;
		/* 4 ms and more: as long as a tick at HZ=250. */
		probe_slow += c->nprobe - c->probe_hist[0] - c->probe_hist[1];
		if (c->probe_max_ns > probe_max)
			probe_max = c->probe_max_ns;
		if (c->max_lat_ns > max_lat)
			max_lat = c->max_lat_ns;
	}
	printf("# vm%d: %lu pauses (PAUSE -> all RUN asleep: max %.1f ms, mean %.2f ms; RESUME -> all running: max %.1f ms), %lu STOP/RESTART (STOP -> all STOPPED: max %.1f ms), final STOP %.1f ms\n",
	       vm->idx, vm->pauses, vm->max_pause_ns / 1e6,
	       vm->sum_pause_ns / 1e6 / (vm->pauses ? vm->pauses : 1),
	       vm->max_resume_ns / 1e6, vm->restarts, vm->max_stop_ns / 1e6,
	       vm->final_stop_ns / 1e6);
	printf("# vm%d: worst inject->ack %.1f ms over %lu acks outside pauses, %lu slower than %d ms; %lu interrupts delivered twice by the emulator (nested repeat, see handle_ack)\n",
	       vm->idx, max_lat / 1e6, lat_n, slow, SLOW_MS, repeats);
	printf("# vm%d: %lu probes: worst inject->ack %.1f ms, %lu took 4 ms or more (a tick at HZ=250: a lost kick would look like that)\n",
	       vm->idx, probes, probe_max / 1e6, probe_slow);
	printf("# vm%d: %lu requests waited over %d s for RUN threads the host kept off the CPUs (see thread_cpu_ns)\n",
	       vm->idx, A(vm->starved), watchdog_s);
	if (!tap_check(!idle && inj == ack,
		       "vm%d: every IRQ acknowledged by its vCPU (%lu injected, %lu acked, over %d vCPUs)",
		       vm->idx, inj, ack, NR_VCPUS))
		printf("# %lu vCPUs got none or lost some\n", idle);
	tap_eq(bad, 0,
	       "vm%d: each ack carried the vector in flight and the guest's next count",
	       vm->idx);
	if (!tap_check(!vm->ctl_errors && vm->pauses > 0 &&
		       !vm->ran_while_paused,
		       "vm%d: %lu PAUSEs: every RUN thread left guest mode, no guest ran while paused, every RESUME ran them again",
		       vm->idx, vm->pauses))
		printf("# %lu vCPUs ran while paused; %lu failed ioctls, first %s: %s\n",
		       vm->ran_while_paused, vm->ctl_errors,
		       vm->ctl_what ? vm->ctl_what : "-",
		       strerror(vm->ctl_errno));
	tap_check(ready == NR_VCPUS && stopped == NR_VCPUS,
		  "vm%d: %lu STOP/RESTARTs and a final STOP: every RUN returned AXVM_EXIT_STOPPED, every guest came back",
		  vm->idx, vm->restarts);
	tap_eq(odd, 0,
	       "vm%d: no guest exception, unexpected exit or failed injection",
	       vm->idx);
}

int main(void)
{
	pthread_t mig, wd;
	const char *env, *why;
	unsigned long flips = 0;
	int seconds = DEFAULT_SECONDS;
	int sys, v, i, ok = 1;
	__u64 t0, deadline;

	setvbuf(stdout, NULL, _IOLBF, 0);
	env = getenv("AXVM_KICK_WATCHDOG");
	if (env && atoi(env) > 0)
		watchdog_s = atoi(env);
	env = getenv("AXVM_KICK_SECONDS");
	if (env && atoi(env) > 0)
		seconds = atoi(env);
	t_start_ns = now_ns();
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus < 1)
		ncpus = 1;
	/* The quiet CPU: the first nohz_full one, else the last. */
	quiet_cpu = ncpus - 1;
	if (atoi(nohz_full()) > 0 && atoi(nohz_full()) < ncpus)
		quiet_cpu = atoi(nohz_full());
	house_cpu = quiet_cpu ? 0 : 1 % ncpus;
	sys = axvm_open();
	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	why = no_futex();
	if (why) {
		tap_skip(why, "kick stress");
		return tap_done();
	}
	if (ioctl(sys, AXVM_CHECK_EXTENSION, AXVM_CAP_HW_VIRT) <= 0) {
		tap_skip("no hardware backend", "kick stress");
		return tap_done();
	}
	for (v = 0; v < NR_VMS; v++) {
		ok = !vm_setup(sys, &vms[v], v);
		if (!tap_check(ok, "vm%d: %d vCPUs in long mode, started",
			       v, NR_VCPUS)) {
			printf("# errno %d (%s)\n", errno, strerror(errno));
			return tap_done();
		}
	}
	printf("# %d s, %d VMs x %d vCPUs on %d CPUs, watchdog %d s, nohz_full CPUs: %s, probes on CPU %d\n",
	       seconds, NR_VMS, NR_VCPUS, ncpus, watchdog_s, nohz_full(),
	       quiet_cpu);

	pthread_create(&wd, NULL, watchdog, NULL);
	for (v = 0; v < NR_VMS; v++)
		for (i = 0; i < NR_VCPUS; i++)
			pthread_create(&vms[v].vcpu[i].thread, NULL, run_thread,
				       &vms[v].vcpu[i]);
	pin_self();	/* and every helper thread created from here on */
	if (ncpus > 1)
		pthread_create(&mig, NULL, migrator, NULL);
	for (v = 0; v < NR_VMS; v++) {
		pthread_create(&vms[v].injector, NULL, injector, &vms[v]);
		pthread_create(&vms[v].controller, NULL, controller, &vms[v]);
	}

	deadline = now_ns() + seconds * 1000000000ULL;
	while (now_ns() < deadline)
		sleep_us(100000);

	/* Wind down in order, every wait under the watchdog. */
	W(main_phase_ms, now_ms());
	W(main_phase, PH_JOIN);
	W(ending, 1);
	for (v = 0; v < NR_VMS; v++)
		pthread_join(vms[v].controller, NULL);
	__atomic_store_n(&inj_stop, 1, __ATOMIC_SEQ_CST);
	for (v = 0; v < NR_VMS; v++) {
		pthread_join(vms[v].injector, NULL);
		/* A probe in flight must be acked before the STOP. */
		while (__atomic_load_n(&vms[v].probe_active, __ATOMIC_SEQ_CST))
			sleep_us(1000);
	}
	for (v = 0; v < NR_VMS; v++) {
		struct vm_ctx *vm = &vms[v];

		W(vm->final_stop, 1);
		set_phase(vm, PH_STOP, -1);
		t0 = now_ns();
		if (ioctl(vm->fd, AXVM_STOP, 0))
			ctl_fail(vm, "final STOP");
		for (i = 0; i < NR_VCPUS; i++) {
			set_phase(vm, PH_STOP_SEEN, i);
			while (A(vm->vcpu[i].stopped_epoch) != A(vm->epoch))
				sleep_us(500);
		}
		vm->final_stop_ns = now_ns() - t0;
		set_phase(vm, PH_IDLE, -1);
	}
	if (ncpus > 1) {
		W(mig_stop, 1);
		pthread_join(mig, NULL);
	}
	W(release, 1);
	futex_wake(&release);
	for (v = 0; v < NR_VMS; v++)
		for (i = 0; i < NR_VCPUS; i++)
			pthread_join(vms[v].vcpu[i].thread, NULL);
	W(watchdog_quit, 1);
	pthread_join(wd, NULL);
	W(main_phase, PH_IDLE);

	pthread_mutex_lock(&report_lock);
	for (v = 0; v < NR_VMS; v++) {
		report_vm(&vms[v]);
		for (i = 0; i < NR_VCPUS; i++)
			flips += vms[v].vcpu[i].flips;
	}
	if (ncpus > 1)
		tap_check(flips > 0,
			  "the RUN threads were moved between CPUs %lu times",
			  flips);
	else
		tap_skip("one CPU", "RUN threads moved between CPUs");
	for (v = 0; v < NR_VMS; v++) {
		for (i = 0; i < NR_VCPUS; i++) {
			munmap(vms[v].vcpu[i].run, AXVM_RUN_SIZE);
			close(vms[v].vcpu[i].fd);
		}
		close(vms[v].fd);
	}
	close(sys);
	return tap_done();
}
