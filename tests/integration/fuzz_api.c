// SPDX-License-Identifier: GPL-2.0
/*
 * A stateful, multi-threaded fuzzer of the /dev/axvm API (issue 11).
 *
 * Random arguments never build a valid VM, and the bugs live in the
 * states only a valid VM reaches. So this builds mostly-valid VMs in
 * both modes (a quarter of them on the PC platform, when the module has
 * it) through the real ioctl sequence (now and then a step is
 * skipped or made slightly invalid), fills them with hostile guest code
 * (every exit kind, the SVM instructions, wild accesses, writes to its
 * own page tables and IDT) and then lets several threads drive random
 * steps on a shared table of VMs while a signal thread interrupts them:
 * lifecycle ioctls in any order, RUN loops that answer exits (sometimes
 * with a scribbled run structure), OPEN_VM by id, fds closed while other
 * threads use the VM, consoles, mmap of the run structure, interrupt
 * injection, hostile register state.
 *
 * Pass/fail never depends on timing. The checks: every thread comes
 * back (a thread stuck in a call is reported with that call); each mode
 * reached running, stopped, restarted and destroyed; every errno is one
 * docs/api.md gives that call; GET_VM_INFO always describes a sane VM;
 * and once every fd is closed and every managed VM destroyed, no VM of
 * ours is left in the module. The harness judges the kernel log after.
 *
 * Before the threads start, one deterministic check of what it found
 * first (a second mapping of a vCPU fd merged into the first).
 *
 * The guest code leaves out two things QEMU 7.2, our test host, cannot
 * take from a nested guest (it aborts): CR8 writes and data breakpoints.
 *
 * AXVM_FUZZ_SECONDS (default 40, 8 for the 32-bit build) and
 * AXVM_FUZZ_SEED (default: the time) repeat a run: each thread draws
 * from its own generator, so a seed repeats every thread's choices,
 * though not how the threads interleave. Prints TAP.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "tap.h"

#define KiB		(1ULL << 10)
#define MiB		(1ULL << 20)
#define RWX		(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define NR_WORKERS	4
#define NR_SLOTS	8	/* VMs the workers share */
#define MAX_VCPUS	2	/* the test host has 2 CPUs and 1 GiB */
#define RAM_SIZE	(2 * MiB)

/*
 * Seconds a thread may take to come back once the run is over: first
 * with signals alone, then (to tell the rest of a hang) again after
 * every VM of ours was stopped. Generous: the debug kernel under TCG is
 * slow, and only a hang should fail.
 */
#define GRACE_SIGNALS	30
#define GRACE_STOPPED	30

/*
 * The guest blob: code, an IDT and its stubs, a little data. Loaded at
 * GUEST_BASE (long and protected mode) or REAL_BASE (real mode, where
 * the 64-bit bytes mean something else, which is fine: chaos too).
 */
#define GUEST_BASE	0x100000ULL
#define REAL_BASE	0x7c00ULL
#define BLOB_SIZE	0x8000
#define CODE_MAX	0x3c00
#define IDT_OFF		0x4000	/* 256 gates of 16 bytes */
#define STUB_OFF	0x5000	/* 256 stubs of 32 bytes */
#define IDTR_OFF	0x7000
#define RESUME_OFF	0x7010	/* where an exception handler goes on */
#define STACK_TOP	0x90000ULL
#define MMIO_UART	0xfe000000ULL

static int sys;			/* /dev/axvm, open for the whole run */
static int platform_pc;		/* AXVM_CAP_PLATFORM_PC: some VMs get it */
static double dur;		/* seconds of fuzzing */
static double t_start;
static int g_stop;		/* __atomic: the run is over */
static char tag[12];		/* our VM names start with it */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep @s seconds, signals or not. */
static void nap(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int stopping(void)
{
	return __atomic_load_n(&g_stop, __ATOMIC_ACQUIRE);
}

/* ---- what happened: per-call counts, depth, exits ---------------------- */

enum op {
	OP_CREATE_VM, OP_LIST_VMS, OP_OPEN_VM, OP_QUERY_VM, OP_CHECK_EXT,
	OP_GET_VM_INFO, OP_SET_REGION, OP_DEL_REGION, OP_READ_GUEST,
	OP_WRITE_GUEST, OP_LOAD_IMAGE, OP_ADD_DEVICE, OP_CREATE_VCPU,
	OP_SET_ENTRY, OP_FINALIZE, OP_START, OP_PAUSE, OP_RESUME, OP_STOP,
	OP_RESTART, OP_DESTROY, OP_IRQ_LINE, OP_GET_CONSOLE_FD, OP_RUN,
	OP_GET_REGS, OP_SET_REGS, OP_GET_SREGS, OP_SET_SREGS, OP_INTERRUPT,
	OP_WRONG_IOCTL, OP_CON_READ, OP_CON_WRITE, OP_CON_POLL, OP_MMAP,
	NR_OPS
};

/* Each call's name and the errnos docs/api.md gives it (0-terminated). */
static const struct {
	const char *name;
	int errs[12];
} op_desc[NR_OPS] = {
	[OP_CREATE_VM]	= { "CREATE_VM", { EINVAL, ENAMETOOLONG, ENOSPC,
			    EEXIST, ENODEV, EBUSY, EFAULT, ENOMEM, EMFILE } },
	[OP_LIST_VMS]	= { "LIST_VMS", { EINVAL, EFAULT, ENOMEM } },
	[OP_OPEN_VM]	= { "OPEN_VM", { EINVAL, ENOENT, EACCES, EFAULT,
			    EMFILE, ENOMEM } },
	[OP_QUERY_VM]	= { "QUERY_VM", { ENOENT, ENOTTY, EFAULT } },
	[OP_CHECK_EXT]	= { "CHECK_EXTENSION", { EINVAL } },
	[OP_GET_VM_INFO] = { "GET_VM_INFO", { EFAULT } },
	[OP_SET_REGION]	= { "SET_MEMORY_REGION", { EINVAL, EOPNOTSUPP,
			    EEXIST, ENOSPC, EPERM, EFAULT, EBUSY, ENOENT,
			    ENOMEM } },
	[OP_DEL_REGION]	= { "DEL_MEMORY_REGION", { EINVAL, ENOENT, EBUSY,
			    EFAULT } },
	[OP_READ_GUEST]	= { "READ_GUEST", { EINVAL, E2BIG, EFAULT, ENOMEM } },
	[OP_WRITE_GUEST] = { "WRITE_GUEST", { EINVAL, E2BIG, EFAULT, ENOMEM } },
	[OP_LOAD_IMAGE]	= { "LOAD_IMAGE", { EINVAL, E2BIG, ENOEXEC, EOPNOTSUPP,
			    EFAULT, EBUSY, ERANGE, ENOENT, ENOSPC, ENOMEM } },
	[OP_ADD_DEVICE]	= { "ADD_DEVICE", { EINVAL, ENODEV, EEXIST, ENOSPC,
			    EBUSY, ENOENT, EFAULT, ENOMEM } },
	[OP_CREATE_VCPU] = { "CREATE_VCPU", { EINVAL, EEXIST, EBUSY, ENOENT,
			     ENOMEM, EMFILE } },
	[OP_SET_ENTRY]	= { "SET_ENTRY", { EINVAL, ERANGE, EBUSY, ENOENT,
			    EFAULT } },
	[OP_FINALIZE]	= { "FINALIZE", { EINVAL, EFAULT, EBUSY, ENOENT,
			    ENOMEM } },
	[OP_START]	= { "START", { EINVAL, EBUSY, ENOENT, ENOMEM } },
	[OP_PAUSE]	= { "PAUSE", { EINVAL, ENOENT } },
	[OP_RESUME]	= { "RESUME", { EINVAL, EBUSY, ENOENT } },
	[OP_STOP]	= { "STOP", { EINVAL, ENOENT } },
	/* A restart reloads the images: the loader's errors can come back. */
	[OP_RESTART]	= { "RESTART", { EINVAL, EBUSY, ENOENT, EFAULT,
			    ENOMEM } },
	[OP_DESTROY]	= { "DESTROY", { EBUSY, EINVAL, ENOENT } },
	[OP_IRQ_LINE]	= { "IRQ_LINE", { EINVAL, ENOENT, EFAULT } },
	[OP_GET_CONSOLE_FD] = { "GET_CONSOLE_FD", { EINVAL, EMFILE, ENOMEM } },
	[OP_RUN]	= { "RUN", { EINTR, EINVAL, EBADFD, ENOMEM, EBUSY } },
	[OP_GET_REGS]	= { "GET_REGS", { EBUSY, EBADFD, EFAULT } },
	[OP_SET_REGS]	= { "SET_REGS", { EBUSY, EBADFD, EINVAL, EFAULT } },
	[OP_GET_SREGS]	= { "GET_SREGS", { EBUSY, EBADFD, EFAULT } },
	[OP_SET_SREGS]	= { "SET_SREGS", { EBUSY, EBADFD, EINVAL, EFAULT } },
	[OP_INTERRUPT]	= { "INTERRUPT", { EINVAL, EFAULT } },
	[OP_WRONG_IOCTL] = { "ioctl on the wrong fd", { ENOTTY, EINVAL } },
	[OP_CON_READ]	= { "console read", { EAGAIN, EINTR, EFAULT } },
	[OP_CON_WRITE]	= { "console write", { EAGAIN, ENXIO, EPIPE, EINTR,
			    EFAULT } },
	[OP_CON_POLL]	= { "console poll", { EINTR } },
	[OP_MMAP]	= { "mmap", { EINVAL, ENODEV, EACCES } },
};

#define NR_ERRNO	140	/* the last slot counts anything larger */
static unsigned long op_count[NR_OPS][NR_ERRNO];

/* Calls that failed with an errno their documentation does not give. */
static pthread_mutex_t odd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { int op, err; unsigned long n; } odd[16];
static unsigned long nr_odd;

static int errno_documented(enum op op, int e)
{
	const int *p;

	for (p = op_desc[op].errs; *p; p++)
		if (*p == e)
			return 1;
	return 0;
}

/* Count a call's result (-1 and errno, or anything else: success). */
static long note(enum op op, long ret)
{
	int e = ret == -1 ? errno : 0;
	int k = e < NR_ERRNO ? e : NR_ERRNO - 1;
	unsigned int i;

	__atomic_fetch_add(&op_count[op][k], 1, __ATOMIC_RELAXED);
	if (e && !errno_documented(op, e)) {
		pthread_mutex_lock(&odd_lock);
		nr_odd++;
		for (i = 0; i < ARRAY_SIZE(odd); i++) {
			if (!odd[i].n || (odd[i].op == (int)op &&
					  odd[i].err == e)) {
				odd[i].op = op;
				odd[i].err = e;
				odd[i].n++;
				break;
			}
		}
		pthread_mutex_unlock(&odd_lock);
	}
	errno = e;
	return ret;
}

/* How deep VMs got, per mode ([0] VMM mode, [1] managed). */
enum depth {
	D_CREATED, D_FINALIZED, D_RUNNING, D_PAUSED, D_RESUMED, D_STOPPED,
	D_RESTARTED, D_DESTROYED, D_SCENARIOS, NR_DEPTH
};
static const char *const depth_names[NR_DEPTH] = {
	"created", "finalized", "running (START)", "paused", "resumed",
	"stopped", "restarted", "destroyed", "scripted lifecycles",
};
static unsigned long depth[2][NR_DEPTH];

static void reached(int managed, enum depth d)
{
	__atomic_fetch_add(&depth[!!managed][d], 1, __ATOMIC_RELAXED);
}

static unsigned long depth_of(int managed, enum depth d)
{
	return __atomic_load_n(&depth[!!managed][d], __ATOMIC_RELAXED);
}

#define NR_EXIT		13	/* AXVM_EXIT_* up to STOPPED, then "other" */
static const char *const exit_names[NR_EXIT] = {
	"NONE", "HYPERCALL", "MMIO", "IO", "SHUTDOWN", "SYSTEM_DOWN",
	"FAIL_ENTRY", "INTERNAL_ERROR", "NPF", "INTR", "HALT", "STOPPED",
	"unknown",
};
static unsigned long exits[NR_EXIT];
/* Stop reasons GET_VM_INFO showed on stopped VMs (AXVM_STOP_*). */
static unsigned long stop_reasons[8];

/* GET_VM_INFO answers that cannot be right, whatever the races. */
static unsigned long nr_insane;
static char insane_first[160];

static void insane(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void insane(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&odd_lock);
	if (!nr_insane++) {
		va_start(ap, fmt);
		vsnprintf(insane_first, sizeof(insane_first), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&odd_lock);
}

static unsigned long signals_sent, rescues;

/* ---- the VMs we made ---------------------------------------------------- */

/* Ids are reused, so a VM is its id and its creation time. */
struct made {
	__u32 id;
	int managed;
	__u64 ns;
};

static pthread_mutex_t made_lock = PTHREAD_MUTEX_INITIALIZER;
static struct made *made;
static size_t nr_made, cap_made;

/* VMs that existed before we started: never ours to touch. */
static struct made base[256];
static unsigned int nr_base;

static void record_made(__u32 id, int managed, __u64 ns)
{
	pthread_mutex_lock(&made_lock);
	if (nr_made == cap_made) {
		size_t cap = cap_made ? 2 * cap_made : 256;
		struct made *m = realloc(made, cap * sizeof(*m));

		if (m) {
			made = m;
			cap_made = cap;
		}
	}
	if (nr_made < cap_made)
		made[nr_made++] = (struct made){ id, managed, ns };
	pthread_mutex_unlock(&made_lock);
}

static int is_baseline(__u32 id, __u64 ns)
{
	unsigned int i;

	for (i = 0; i < nr_base; i++)
		if (base[i].id == id && (!base[i].ns || base[i].ns == ns))
			return 1;
	return 0;
}

/*
 * A shared VM. The lock guards the bookkeeping only: a thread that
 * uses a VM takes a dup of the fd under the lock and works on the dup,
 * so closing the slot's fd (another step) never lets an fd number that
 * a thread is using be reused under it.
 */
struct slot {
	pthread_mutex_t lock;
	int busy;		/* being built or taken apart: hands off */
	__u32 id;		/* 0: empty */
	__u64 ns;		/* created_ns */
	int managed;
	__u32 max_vcpus;
	int destroyed;		/* DESTROY went through (managed) */
	int vm, con;		/* fds, or -1 */
	int vcpu[MAX_VCPUS];
};

static struct slot slots[NR_SLOTS];

/* A dup of one fd of a slot's VM, for one step. */
struct ref {
	int fd;
	struct slot *s;
	__u32 id;
	__u64 ns;
	int managed;
	__u32 max_vcpus;
	int vcpu;		/* which vCPU, for a vCPU fd */
};

/* ---- workers ---------------------------------------------------------- */

struct worker {
	int idx;
	pthread_t t;
	__u64 rng;
	int done;		/* __atomic: returned */
	/* What it does now, for the watchdog (__atomic). */
	const char *op;
	__u32 op_vm;
	int op_mvcpu;		/* a vCPU call on a managed VM */
	double op_t0;
	char what[96];		/* the last mapping, for the crash report */
	__u8 *blob;		/* BLOB_SIZE */
	__u8 *buf;		/* 64 KiB */
};

static struct worker workers[NR_WORKERS];
static __thread struct worker *self;	/* for the crash report */

static void doing(struct worker *w, const char *what, __u32 vm, int mvcpu)
{
	w->op_t0 = now();
	__atomic_store_n(&w->op_vm, vm, __ATOMIC_RELAXED);
	__atomic_store_n(&w->op_mvcpu, mvcpu, __ATOMIC_RELAXED);
	__atomic_store_n(&w->op, what, __ATOMIC_RELEASE);
}

static __u64 rnd64(struct worker *w)
{
	/* xorshift64*: per thread, so a seed repeats each thread's choices. */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545f4914f6cdd1dULL;
}

static __u32 rnd(struct worker *w, __u32 n)
{
	return n ? (__u32)((rnd64(w) >> 16) % n) : 0;
}

/* 1 in @n. */
static int one_in(struct worker *w, __u32 n)
{
	return rnd(w, n) == 0;
}

/* A value with the shapes that break things: 0, ~0, one bit, edges. */
static __u64 rnd_val(struct worker *w)
{
	switch (rnd(w, 8)) {
	case 0:
		return 0;
	case 1:
		return ~0ULL;
	case 2:
		return 1ULL << rnd(w, 64);
	case 3:
		return rnd(w, 256);
	case 4:
		return 0x7fffffffULL + rnd(w, 3);
	case 5:
		return 0x8000000000000000ULL - 1 + rnd(w, 3);
	default:
		return rnd64(w);
	}
}

/* A guest-physical address worth touching. */
static __u64 rnd_gpa(struct worker *w)
{
	switch (rnd(w, 14)) {
	case 0:
	case 1:
		return rnd(w, RAM_SIZE);		/* RAM */
	case 2:
		return 0x9000 + rnd(w, 0x7000);		/* the loader's tables */
	case 3:
		return GUEST_BASE + rnd(w, BLOB_SIZE);	/* its own code, IDT */
	case 4:
		return MMIO_UART + rnd(w, 16);		/* the MMIO UART */
	case 5:
		return 0xfee00000ULL + rnd(w, 0x1000);	/* xAPIC */
	case 6:
		return 0xfec00000ULL + rnd(w, 0x100);	/* IOAPIC */
	case 7:
		return (4ULL << 30) + rnd64(w) % (1ULL << 40); /* no mapping */
	case 8:
		return rnd64(w);			/* non-canonical too */
	case 9:
		return RAM_SIZE - 8 + rnd(w, 16);	/* across the end of RAM */
	case 10:
		return 0xfffff000ULL + rnd(w, 0x1000);	/* the top of 4 GiB */
	default:
		/* MMIO nobody claims. */
		return RAM_SIZE + rnd64(w) % ((4ULL << 30) - RAM_SIZE);
	}
}

static __u16 rnd_port(struct worker *w)
{
	static const __u16 ports[] = {
		0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff,
		0x2f8, 0x20, 0x21, 0x40, 0x43, 0x60, 0x64, 0x70, 0x71, 0x80,
		0x92, 0xcf8, 0xcfc, 0x510, 0x511, 0xcf9, 0xb004, 0x604,
		0xfffc, 0xfffe, 0xffff,
	};

	if (rnd(w, 3))
		return ports[rnd(w, ARRAY_SIZE(ports))];
	return (__u16)rnd(w, 0x10000);
}

static const __u32 msrs[] = {
	0x10, 0x1b, 0x3a, 0x48, 0x49, 0x8b, 0xe7, 0xe8, 0xfe, 0x174, 0x175,
	0x176, 0x179, 0x17a, 0x1d9, 0x200, 0x201, 0x277, 0x2ff, 0x400,
	0x401, 0x6e0, 0x802, 0x808, 0x830, 0xda0,
	0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
	0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103, 0xc0000104,
	0xc0010000, 0xc0010004, 0xc0010010, 0xc0010015, 0xc0010114,
	0xc0010115, 0xc0010116, 0xc0010117, 0xc001011f, 0xc0010131,
	0xc00102b0, 0xc0011029, 0x40000000, 0x4b564d00,
};

/* ---- hostile guest code -------------------------------------------------- */

struct code {
	__u8 *b;
	size_t n, max;
	__u64 base;		/* GPA of b[0] */
};

static void emit(struct code *c, const void *p, size_t n)
{
	if (c->n + n <= c->max)
		memcpy(c->b + c->n, p, n);
	c->n += n;
}

/* @n bytes given as ints. */
static void eb(struct code *c, unsigned int n, ...)
{
	va_list ap;
	__u8 x;

	va_start(ap, n);
	while (n--) {
		x = (__u8)va_arg(ap, int);
		emit(c, &x, 1);
	}
	va_end(ap);
}

static void e32(struct code *c, __u32 v)
{
	emit(c, &v, 4);		/* x86 hosts: little-endian like the guest */
}

static void e64(struct code *c, __u64 v)
{
	emit(c, &v, 8);
}

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI };

static void mov64(struct code *c, int reg, __u64 v)
{
	eb(c, 2, 0x48, 0xb8 + reg);
	e64(c, v);
}

static void mov32(struct code *c, int reg, __u32 v)
{
	eb(c, 1, 0xb8 + reg);
	e32(c, v);
}

/* An instruction that reads or writes [rax] in a way MMIO must emulate. */
static void mmio_insn(struct worker *w, struct code *c)
{
	switch (rnd(w, 16)) {
	case 0: eb(c, 2, 0x89, 0x18); break;		/* mov [rax], ebx */
	case 1: eb(c, 2, 0x8b, 0x18); break;		/* mov ebx, [rax] */
	case 2: eb(c, 2, 0x88, 0x18); break;		/* mov [rax], bl */
	case 3: eb(c, 2, 0x8a, 0x18); break;		/* mov bl, [rax] */
	case 4: eb(c, 3, 0x48, 0x89, 0x18); break;	/* mov [rax], rbx */
	case 5: eb(c, 3, 0x48, 0x8b, 0x18); break;	/* mov rbx, [rax] */
	case 6: eb(c, 3, 0x66, 0x89, 0x18); break;	/* mov [rax], bx */
	case 7: eb(c, 3, 0xc6, 0x00, rnd(w, 256)); break; /* mov byte [rax], i */
	case 8: eb(c, 2, 0xc7, 0x00); e32(c, (__u32)rnd64(w)); break;
	case 9: eb(c, 3, 0x0f, 0xb6, 0x18); break;	/* movzx ebx, byte [rax] */
	case 10: eb(c, 3, 0x0f, 0xb7, 0x18); break;	/* movzx ebx, word [rax] */
	case 11: eb(c, 3, 0x48, 0x63, 0x18); break;	/* movsxd rbx, [rax] */
	case 12: eb(c, 3, 0x66, 0x8b, 0x18); break;	/* mov bx, [rax] */
	case 13: eb(c, 3, 0x67, 0x89, 0x18); break;	/* addr32 mov [eax], ebx */
	case 14: eb(c, 2, 0x48, 0xa1); e64(c, rnd_gpa(w)); break; /* moffs64 */
	default: eb(c, 3, 0x0f, 0xc3, 0x18); break;	/* movnti [rax], ebx */
	}
}

/* Instructions on [rax] a decoder may well refuse. */
static void mmio_odd(struct worker *w, struct code *c)
{
	switch (rnd(w, 18)) {
	case 0: eb(c, 2, 0x87, 0x18); break;		/* xchg [rax], ebx */
	case 1: eb(c, 3, 0xf0, 0x01, 0x18); break;	/* lock add [rax], ebx */
	case 2: eb(c, 3, 0x0f, 0xb1, 0x18); break;	/* cmpxchg [rax], ebx */
	case 3: eb(c, 4, 0xf3, 0x0f, 0x6f, 0x00); break; /* movdqu xmm0, [rax] */
	case 4: eb(c, 4, 0xf3, 0x0f, 0x7f, 0x00); break; /* movdqu [rax], xmm0 */
	case 5: eb(c, 4, 0xc5, 0xfe, 0x6f, 0x00); break; /* vmovdqu ymm0, [rax] */
	case 6: eb(c, 2, 0xff, 0x30); break;		/* push qword [rax] */
	case 7: eb(c, 2, 0x8f, 0x00); break;		/* pop qword [rax] */
	case 8: eb(c, 2, 0xff, 0x10); break;		/* call [rax] */
	case 9:						/* rep movsb via rsi/rdi */
		mov64(c, RSI, rnd_gpa(w));
		mov64(c, RDI, rnd_gpa(w));
		mov64(c, RCX, rnd(w, 9));
		eb(c, 2, 0xf3, 0xa4);
		break;
	case 10:					/* rep stosd */
		mov64(c, RDI, rnd_gpa(w));
		mov64(c, RCX, rnd(w, 9));
		eb(c, 2, 0xf3, 0xab);
		break;
	case 11: eb(c, 3, 0x0f, 0xa3, 0x18); break;	/* bt [rax], ebx */
	case 12: eb(c, 3, 0x0f, 0x01, 0xfc); break;	/* clzero */
	case 13: eb(c, 2, 0x01, 0x18); break;		/* add [rax], ebx */
	case 14: eb(c, 3, 0xf7, 0x18, 0x90); break;	/* neg [rax]; nop */
	case 15: eb(c, 3, 0x0f, 0xae, 0x38); break;	/* clflush [rax] */
	case 16: eb(c, 3, 0x0f, 0xae, 0x00); break;	/* fxsave [rax] */
	default: {
		/* Fifteen prefixes and a store: too long to exist (#GP). */
		unsigned int i;

		for (i = 0; i < 14; i++)
			eb(c, 1, 0x66);
		eb(c, 2, 0x89, 0x18);
		break;
	}
	}
}

/* One hostile thing for the guest to do. */
static void snippet(struct worker *w, struct code *c)
{
	__u32 k = rnd(w, 100);

	if (k < 8) {				/* IN from some port */
		mov32(c, RDX, rnd_port(w));
		switch (rnd(w, 4)) {
		case 0: eb(c, 1, 0xec); break;
		case 1: eb(c, 2, 0x66, 0xed); break;
		case 2: eb(c, 1, 0xed); break;
		default: eb(c, 2, 0xe4, rnd(w, 256)); break;
		}
	} else if (k < 16) {			/* OUT to some port */
		mov32(c, RDX, rnd_port(w));
		mov32(c, RAX, (__u32)rnd64(w));
		switch (rnd(w, 4)) {
		case 0: eb(c, 1, 0xee); break;
		case 1: eb(c, 2, 0x66, 0xef); break;
		case 2: eb(c, 1, 0xef); break;
		default: eb(c, 2, 0xe6, rnd(w, 256)); break;
		}
	} else if (k < 22) {			/* the UART: TX, LSR, IER, MCR */
		unsigned int i, n = 1 + rnd(w, 6);

		for (i = 0; i < n; i++) {
			mov32(c, RDX, 0x3f8 + rnd(w, 8));
			mov32(c, RAX, rnd(w, 3) ? 'a' + rnd(w, 26) : rnd(w, 256));
			eb(c, 1, one_in(w, 2) ? 0xee : 0xec);
		}
	} else if (k < 26) {			/* INS/OUTS, REP or not */
		mov32(c, RDX, rnd_port(w));
		mov64(c, RCX, rnd(w, 6));
		mov64(c, RSI, rnd(w, 2) ? rnd(w, RAM_SIZE) : rnd_gpa(w));
		mov64(c, RDI, rnd(w, 2) ? rnd(w, RAM_SIZE) : rnd_gpa(w));
		if (one_in(w, 4))
			eb(c, 1, 0xfd);			/* std */
		switch (rnd(w, 6)) {
		case 0: eb(c, 2, 0xf3, 0x6c); break;	/* rep insb */
		case 1: eb(c, 2, 0xf3, 0x6e); break;	/* rep outsb */
		case 2: eb(c, 2, 0x66, 0x6d); break;	/* insw */
		case 3: eb(c, 1, 0x6f); break;		/* outsd */
		case 4: eb(c, 3, 0xf3, 0x67, 0x6d); break; /* rep addr32 insd */
		default: eb(c, 3, 0xf3, 0x66, 0x6f); break;
		}
		eb(c, 1, 0xfc);				/* cld */
	} else if (k < 38) {			/* MMIO, or RAM, or nothing */
		mov64(c, RAX, rnd_gpa(w));
		mov64(c, RBX, rnd_val(w));
		mmio_insn(w, c);
	} else if (k < 42) {
		mov64(c, RAX, rnd_gpa(w));
		mmio_odd(w, c);
	} else if (k < 47) {			/* HLT, with and without IF */
		switch (rnd(w, 3)) {
		case 0: eb(c, 2, 0xfb, 0xf4); break;	/* sti; hlt */
		case 1: eb(c, 2, 0xfa, 0xf4); break;	/* cli; hlt */
		default: eb(c, 1, 0xf4); break;
		}
	} else if (k < 52) {			/* VMMCALL */
		mov64(c, RAX, rnd(w, 2) ? rnd(w, 16) : rnd_val(w));
		mov64(c, RBX, rnd_val(w));
		mov64(c, RCX, rnd_val(w));
		eb(c, 3, 0x0f, 0x01, 0xd9);
	} else if (k < 56) {			/* CPUID */
		static const __u32 leaves[] = {
			0, 1, 4, 7, 0xb, 0xd, 0x14, 0x40000000, 0x40000001,
			0x80000000, 0x80000001, 0x80000008, 0x8000000a,
			0x8000001f, 0x8fffffff,
		};

		mov32(c, RAX, rnd(w, 4) ? leaves[rnd(w, ARRAY_SIZE(leaves))] :
					  (__u32)rnd64(w));
		mov32(c, RCX, rnd(w, 3));
		eb(c, 2, 0x0f, 0xa2);
	} else if (k < 63) {			/* RDMSR / WRMSR */
		__u64 v = rnd_val(w);

		mov32(c, RCX, rnd(w, 4) ? msrs[rnd(w, ARRAY_SIZE(msrs))] :
					  (__u32)rnd64(w));
		if (one_in(w, 2)) {
			eb(c, 2, 0x0f, 0x32);
		} else {
			mov32(c, RAX, (__u32)v);
			mov32(c, RDX, (__u32)(v >> 32));
			eb(c, 2, 0x0f, 0x30);
		}
	} else if (k < 67) {			/* the SVM instructions */
		static const __u8 svm[] = { 0xd8, 0xda, 0xdb, 0xdc, 0xdd,
					    0xde, 0xdf };

		mov64(c, RAX, rnd(w, 2) ? rnd(w, RAM_SIZE) & ~0xfffULL :
					  rnd_gpa(w));
		eb(c, 3, 0x0f, 0x01, svm[rnd(w, ARRAY_SIZE(svm))]);
	} else if (k < 69) {			/* XSETBV / XGETBV */
		mov32(c, RCX, rnd(w, 4) ? 0 : rnd(w, 3));
		mov32(c, RAX, rnd(w, 2) ? 0x7u >> rnd(w, 3) : (__u32)rnd64(w));
		mov32(c, RDX, one_in(w, 4) ? (__u32)rnd64(w) : 0);
		eb(c, 3, 0x0f, 0x01, one_in(w, 4) ? 0xd0 : 0xd1);
	} else if (k < 73) {			/* privileged and odd */
		static const __u8 ops[][3] = {
			{ 2, 0x0f, 0x08 },	/* invd */
			{ 2, 0x0f, 0x09 },	/* wbinvd */
			{ 2, 0x0f, 0x33 },	/* rdpmc */
			{ 2, 0x0f, 0x31 },	/* rdtsc */
			{ 2, 0x0f, 0x06 },	/* clts */
			{ 2, 0xf3, 0x90 },	/* pause */
			{ 2, 0x0f, 0x05 },	/* syscall */
			{ 2, 0x0f, 0x34 },	/* sysenter */
			{ 2, 0x0f, 0x0b },	/* ud2 */
			{ 2, 0xf0, 0x90 },	/* lock nop: #UD */
			{ 2, 0x0f, 0x77 },	/* emms */
		};
		static const __u8 ops3[] = {
			0xf9,	/* rdtscp */
			0xc8,	/* monitor */
			0xc9,	/* mwait */
			0xf8,	/* swapgs */
			0xfa,	/* monitorx */
			0xfb,	/* mwaitx */
			0xfd,	/* rdpru */
			0xee,	/* rdpkru */
			0xc1,	/* vmcall (Intel) */
			0xcf,	/* encls */
		};
		unsigned int i = rnd(w, ARRAY_SIZE(ops) + ARRAY_SIZE(ops3));

		mov64(c, RAX, rnd(w, RAM_SIZE));
		mov32(c, RCX, rnd(w, 2));
		mov32(c, RDX, 0);
		if (i < ARRAY_SIZE(ops))
			emit(c, ops[i] + 1, ops[i][0]);
		else
			eb(c, 3, 0x0f, 0x01, ops3[i - ARRAY_SIZE(ops)]);
	} else if (k < 77) {			/* exceptions */
		switch (rnd(w, 8)) {
		case 0: eb(c, 1, 0xcc); break;		/* int3 */
		case 1: eb(c, 1, 0xf1); break;		/* int1: #DB, intercepted */
		case 2: eb(c, 2, 0xcd, rnd(w, 256)); break; /* int n */
		case 3: eb(c, 1, 0xce); break;		/* into: #UD here */
		case 4: eb(c, 4, 0x31, 0xc9, 0xf7, 0xf1); break; /* div by 0 */
		case 5: eb(c, 3, 0x48, 0x0f, 0x07); break; /* sysret */
		case 6:					/* TF: single-step #DB */
			eb(c, 9, 0x9c, 0x48, 0x81, 0x0c, 0x24, 0x00, 0x01,
			   0x00, 0x00);
			eb(c, 3, 0x9d, 0x90, 0x90);	/* popf; nop; nop */
			break;
		default:				/* iretq on garbage */
			eb(c, 2, 0x48, 0xcf);
			break;
		}
	} else if (k < 81) {			/* control registers */
		static const __u8 cr[] = { 0xc0, 0xd8, 0xe0 }; /* cr0 cr3 cr4 */
		unsigned int i = rnd(w, 4);

		if (i < 3 && one_in(w, 2)) {
			/* Flip one bit of what is there. */
			eb(c, 3, 0x0f, 0x20, cr[i]);
			eb(c, 2, 0x48, 0x35);
			e32(c, 1U << rnd(w, 31));	/* xor rax, imm32 */
		} else {
			mov64(c, RAX, rnd_val(w));
		}
		/* CR4.PAE stays set: see qemu_lme_without_pae(). */
		if (i == 2) {
			eb(c, 2, 0x48, 0x0d);
			e32(c, 1U << 5);		/* or rax, imm32 */
		}
		/*
		 * Not CR8: QEMU 7.2 (our test host) aborts when a nested
		 * guest writes CR8 while a virtual interrupt is pending
		 * (helper_write_crN calls cpu_interrupt() without the
		 * iothread lock): a bug of the emulator, not of ours.
		 */
		if (i < 3)
			eb(c, 3, 0x0f, 0x22, cr[i]);
		else
			eb(c, 3, 0x0f, 0x20, 0xc0 + 8 * rnd(w, 5)); /* read one */
	} else if (k < 83) {			/* debug registers */
		unsigned int dr = rnd(w, 8);
		__u64 v = rnd_val(w);

		/*
		 * DR7 arms instruction breakpoints only (R/W and LEN 0).
		 * QEMU 7.2 aborts when a data breakpoint is hit while it
		 * delivers an exception (cpu_check_watchpoint takes the
		 * iothread lock its caller holds): a bug of the emulator.
		 * DR5 is DR7 while CR4.DE is clear.
		 */
		if (dr == 5 || dr == 7)
			v &= 0xffffULL;
		mov64(c, RAX, v);
		if (one_in(w, 2))
			eb(c, 3, 0x0f, 0x23, 0xc0 + 8 * dr);	/* mov drN, rax */
		else
			eb(c, 3, 0x0f, 0x21, 0xc0 + 8 * dr);	/* mov rax, drN */
	} else if (k < 85) {			/* EFER: flip a bit */
		unsigned int bit = rnd(w, 15);

		/* Never LME (8): see qemu_lme_without_pae(). */
		mov32(c, RCX, 0xc0000080);
		eb(c, 2, 0x0f, 0x32);
		eb(c, 1, 0x35);
		e32(c, 1U << (bit + (bit >= 8)));	/* xor eax, imm32 */
		eb(c, 2, 0x0f, 0x30);
	} else if (k < 89) {			/* wild access in and out of RAM */
		mov64(c, RAX, rnd(w, 3) ? rnd(w, 0x10000) : rnd_gpa(w));
		mov64(c, RBX, rnd_val(w));
		eb(c, 3, 0x48, one_in(w, 2) ? 0x89 : 0x8b, 0x18);
	} else if (k < 90) {			/* jump or call anywhere */
		mov64(c, RAX, rnd(w, 2) ? rnd(w, RAM_SIZE) : rnd_gpa(w));
		eb(c, 2, 0xff, one_in(w, 2) ? 0xe0 : 0xd0);
	} else if (k < 93) {			/* FPU, SSE, AVX state */
		switch (rnd(w, 7)) {
		case 0: eb(c, 4, 0xdb, 0xe3, 0xd9, 0xe8); break; /* fninit; fld1 */
		case 1: eb(c, 3, 0x0f, 0x57, 0xc0); break;	/* xorps */
		case 2: eb(c, 4, 0x66, 0x0f, 0x51, 0xc8); break; /* sqrtpd */
		case 3: eb(c, 3, 0xc5, 0xf8, 0x77); break;	/* vzeroupper */
		case 4: eb(c, 4, 0xc5, 0xf4, 0x58, 0xc2); break; /* vaddps ymm */
		case 5:					/* xsave/xrstor on RAM */
			mov64(c, RCX, rnd(w, RAM_SIZE) & ~63ULL);
			mov32(c, RAX, ~0U);
			mov32(c, RDX, 0);
			eb(c, 3, 0x0f, 0xae, one_in(w, 2) ? 0x21 : 0x29);
			break;
		default:				/* fxrstor garbage */
			mov64(c, RAX, rnd(w, RAM_SIZE) & ~15ULL);
			eb(c, 3, 0x0f, 0xae, 0x08);
			break;
		}
	} else if (k < 94) {			/* debug-exit: stops the VM */
		mov32(c, RDX, 0xf4 + rnd(w, 2));
		mov32(c, RAX, (__u32)rnd64(w));
		eb(c, 1, one_in(w, 2) ? 0xee : 0xef);
	} else if (k < 96) {			/* descriptor tables */
		mov64(c, RAX, rnd(w, 2) ? rnd(w, RAM_SIZE) : rnd_gpa(w));
		switch (rnd(w, 5)) {
		case 0: eb(c, 3, 0x0f, 0x01, 0x10); break;	/* lgdt [rax] */
		case 1: eb(c, 3, 0x0f, 0x01, 0x18); break;	/* lidt [rax] */
		case 2: eb(c, 3, 0x0f, 0x00, 0xd8); break;	/* ltr ax */
		case 3: eb(c, 3, 0x0f, 0x00, 0xd0); break;	/* lldt ax */
		default: eb(c, 2, 0x8e, 0xd8); break;		/* mov ds, eax */
		}
	} else if (k < 97) {			/* a wild stack */
		mov64(c, RSP, rnd(w, 2) ? rnd(w, RAM_SIZE) : rnd_gpa(w));
		eb(c, 1, 0x50);				/* push rax */
	} else {				/* plain noise */
		unsigned int i, n = 1 + rnd(w, 12);

		for (i = 0; i < n; i++)
			eb(c, 1, rnd(w, 256));
	}
}

static void put32(__u8 *p, __u32 v)
{
	memcpy(p, &v, 4);
}

static void put64(__u8 *p, __u64 v)
{
	memcpy(p, &v, 8);
}

/*
 * The guest: a prologue (stack, IDT), a loop of snippets, an epilogue
 * that halts or spins and jumps back. Every exception handler resumes
 * at the snippet after the one running (each snippet first stores its
 * successor's address at RESUME), so one fault does not end the guest
 * unless it wrecked the stack, the IDT or the page tables on the way.
 */
static void gen_blob(struct worker *w, __u8 *blob, __u64 gpa, int managed)
{
	static const __u8 errcode[32] = { [8] = 1, [10] = 1, [11] = 1,
					  [12] = 1, [13] = 1, [14] = 1,
					  [17] = 1, [21] = 1, [29] = 1,
					  [30] = 1 };
	struct code c = { .b = blob, .max = CODE_MAX, .base = gpa };
	__u32 resume = (__u32)(gpa + RESUME_OFF);
	size_t loop, at;
	unsigned int v, i, n;

	memset(blob, 0, BLOB_SIZE);
	for (v = 0; v < 256; v++) {
		__u8 *s = blob + STUB_OFF + 32 * v, *g = blob + IDT_OFF + 16 * v;
		__u64 h = gpa + STUB_OFF + 32 * v;
		struct code sc = { .b = s, .max = 32 };

		if (v < 32 && errcode[v])
			eb(&sc, 4, 0x48, 0x83, 0xc4, 0x08);	/* add rsp, 8 */
		eb(&sc, 4, 0x48, 0x8b, 0x04, 0x25);	/* mov rax, [resume] */
		e32(&sc, resume);
		eb(&sc, 4, 0x48, 0x89, 0x04, 0x24);	/* mov [rsp], rax */
		eb(&sc, 2, 0x48, 0xcf);			/* iretq */
		/* A 64-bit interrupt gate, CS 0x08 (the loader's GDT). */
		g[0] = h & 0xff;
		g[1] = (h >> 8) & 0xff;
		g[2] = 0x08;
		g[5] = 0x8e;
		g[6] = (h >> 16) & 0xff;
		g[7] = (h >> 24) & 0xff;
		put32(g + 8, (__u32)(h >> 32));
	}
	blob[IDTR_OFF] = 0xff;
	blob[IDTR_OFF + 1] = 0x0f;
	put64(blob + IDTR_OFF + 2, gpa + IDT_OFF);
	put64(blob + RESUME_OFF, gpa);

	mov64(&c, RSP, STACK_TOP);
	eb(&c, 4, 0x0f, 0x01, 0x1c, 0x25);		/* lidt [idtr] */
	e32(&c, (__u32)(gpa + IDTR_OFF));
	loop = c.n;
	n = 2 + rnd(w, 40);
	for (i = 0; i < n && c.n + 160 < CODE_MAX; i++) {
		eb(&c, 4, 0x48, 0xc7, 0x04, 0x25);	/* mov qword [resume], */
		e32(&c, resume);
		at = c.n;
		e32(&c, 0);				/* the next snippet */
		snippet(w, &c);
		put32(blob + at, (__u32)(gpa + c.n));
	}
	/*
	 * Managed vCPU threads spin in the kernel on a guest that never
	 * halts; most of them halt at the end so the test host stays usable.
	 */
	switch (rnd(w, 10)) {
	case 0: case 1: case 2:
		eb(&c, 2, 0xfb, 0xf4);			/* sti; hlt */
		break;
	case 3: case 4: case 5:
		if (managed || one_in(w, 2))
			eb(&c, 2, 0xfa, 0xf4);		/* cli; hlt */
		break;
	case 6:
		if (managed)
			eb(&c, 2, 0xfa, 0xf4);
		else
			eb(&c, 3, 0xfa, 0xeb, 0xfe);	/* cli; jmp $ */
		break;
	default:
		break;
	}
	eb(&c, 1, 0xe9);				/* jmp loop */
	e32(&c, (__u32)(loop - (c.n + 4)));
	/* Now and then, corrupt it. */
	if (one_in(w, 16) && c.n > 16)
		for (i = 0; i < 1 + rnd(w, 4); i++)
			blob[rnd(w, (__u32)c.n)] = rnd(w, 256);
}

/* An ELF64 with one PT_LOAD holding @blob at @gpa, maybe mangled. */
static size_t make_elf(struct worker *w, __u8 *out, const __u8 *blob,
		       __u64 gpa)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)out;
	Elf64_Phdr *ph = (Elf64_Phdr *)(out + sizeof(*eh));
	size_t size = 0x1000 + BLOB_SIZE;
	unsigned int i;

	memset(out, 0, 0x1000);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = gpa;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_W | PF_X;
	ph->p_offset = 0x1000;
	ph->p_vaddr = gpa;
	ph->p_paddr = gpa;
	ph->p_filesz = BLOB_SIZE;
	ph->p_memsz = BLOB_SIZE + (one_in(w, 4) ? rnd(w, 0x10000) : 0);
	ph->p_align = 0x1000;
	memcpy(out + 0x1000, blob, BLOB_SIZE);
	if (one_in(w, 6))
		for (i = 0; i < 1 + rnd(w, 3); i++)
			out[rnd(w, sizeof(*eh) + sizeof(*ph))] = rnd(w, 256);
	return size;
}

/* ---- one VM, built step by step ----------------------------------------- */

static int region(int vm, __u64 gpa, __u64 size, __u32 flags)
{
	return note(OP_SET_REGION, axvm_region(vm, gpa, size, flags));
}

/* A slightly wrong SET_MEMORY_REGION. */
static void bad_region(struct worker *w, int vm)
{
	struct axvm_memory_region r;

	memset(&r, 0, sizeof(r));
	r.gpa = 4 * MiB + 4 * KiB * rnd(w, 64);
	r.size = 4 * KiB * (1 + rnd(w, 16));
	r.flags = RWX;
	switch (rnd(w, 13)) {
	case 0: r.size = 0; break;
	case 1: r.gpa |= 1 + rnd(w, 4095); break;
	case 2: r.size |= 1 + rnd(w, 4095); break;
	case 3: r.gpa = ~0xfffULL; r.size = 0x2000; break;
	case 4: r.gpa = (1ULL << 47) - 0x1000 * rnd(w, 2); r.size = 0x2000; break;
	case 5: r.flags = AXVM_MEM_WRITE; break;
	case 6: r.flags |= 1u << (4 + rnd(w, 28)); break;
	case 7: r.map_type = 2 + rnd(w, 3); break;
	case 8: r.reserved[rnd(w, 2)] = 1; break;
	case 9: r.gpa = rnd(w, 16) * 0x1000; break;		/* overlap */
	case 10: r.flags |= AXVM_MEM_POPULATE; break;		/* fine */
	case 11:
		/* GPA == HPA (we are root): a small range, anywhere. */
		r.map_type = AXVM_MAP_IDENTICAL;
		r.gpa = (64 + rnd(w, 900)) * MiB;
		r.size = 4 * KiB * (1 + rnd(w, 4));
		break;
	default:
		note(OP_SET_REGION, ioctl(vm, AXVM_SET_MEMORY_REGION,
					  (void *)16));
		return;
	}
	note(OP_SET_REGION, ioctl(vm, AXVM_SET_MEMORY_REGION, &r));
}

static void add_ram(struct worker *w, int vm)
{
	struct axvm_memory_region r;

	if (one_in(w, 6))
		bad_region(w, vm);
	switch (rnd(w, 8)) {
	case 0:
		region(vm, 0, MiB, RWX);
		region(vm, MiB, MiB, RWX | (one_in(w, 2) ? AXVM_MEM_POPULATE : 0));
		break;
	case 1:
		/* Code and data read-only or not executable: NPF exits. */
		region(vm, 0, MiB, RWX);
		region(vm, MiB, 64 * KiB, AXVM_MEM_READ | AXVM_MEM_EXEC);
		region(vm, MiB + 64 * KiB, MiB - 64 * KiB,
		       AXVM_MEM_READ | AXVM_MEM_WRITE);
		break;
	case 2:
		region(vm, 0, RAM_SIZE, RWX | AXVM_MEM_USER);
		region(vm, 3ULL << 30, 64 * KiB, RWX);
		region(vm, (4ULL << 30) + 4 * KiB * rnd(w, 512), 64 * KiB, RWX);
		break;
	case 3:
		if (one_in(w, 4))
			break;			/* no RAM at all */
		region(vm, 0, RAM_SIZE, RWX);
		break;
	default:
		region(vm, 0, RAM_SIZE, RWX);
		break;
	}
	if (one_in(w, 6)) {
		/* Take the low RAM away and give it back, maybe smaller. */
		memset(&r, 0, sizeof(r));
		r.size = RAM_SIZE;
		if (note(OP_DEL_REGION, ioctl(vm, AXVM_DEL_MEMORY_REGION, &r)) &&
		    errno == ENOENT) {
			r.size = MiB;
			note(OP_DEL_REGION, ioctl(vm, AXVM_DEL_MEMORY_REGION, &r));
		}
		region(vm, 0, r.size >> rnd(w, 2), RWX);
	}
	if (one_in(w, 8))
		bad_region(w, vm);
}

static int device(int vm, __u32 type, __u32 space, __u64 base, __u64 len,
		  __u32 irq)
{
	return note(OP_ADD_DEVICE, axvm_device(vm, type, space, base, len, irq));
}

static void bad_device(struct worker *w, int vm)
{
	struct axvm_device d;
	unsigned int i;

	memset(&d, 0, sizeof(d));
	d.type = AXVM_DEV_DEBUG_EXIT;
	d.space = AXVM_SPACE_PIO;
	d.base = 0x500 + rnd(w, 0x100);
	d.length = 1 + rnd(w, 4);
	d.irq = AXVM_IRQ_NONE;
	switch (rnd(w, 11)) {
	case 0: d.type = one_in(w, 2) ? 0 : 3 + rnd(w, 100); break;
	case 1: d.space = 2 + rnd(w, 5); break;
	case 2: d.length = 0; break;
	case 3: d.base = ~0ULL - rnd(w, 4); break;
	case 4: d.base = 0xfffe; d.length = 4; break;
	case 5: d.irq = 224 + rnd(w, 100); break;
	case 6: d.flags = 1u << rnd(w, 32); break;
	case 7: memset(d.name, 'n', sizeof(d.name)); break;
	case 8: d.reserved[rnd(w, 2)] = rnd64(w) | 1; break;
	case 9: d.base = 0x3f8; break;			/* overlaps the UART */
	default:
		/* More devices than a VM may have. */
		for (i = 0; i < 70; i++)
			device(vm, AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO,
			       0x1000 + 4 * i, 4, AXVM_IRQ_NONE);
		return;
	}
	note(OP_ADD_DEVICE, ioctl(vm, AXVM_ADD_DEVICE, &d));
}

static void add_devices(struct worker *w, int vm)
{
	if (rnd(w, 5))
		device(vm, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0x3f8, 8,
		       rnd(w, 4) ? 4 : one_in(w, 2) ? AXVM_IRQ_NONE : rnd(w, 224));
	if (rnd(w, 4))
		device(vm, AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO, 0xf4,
		       1u << rnd(w, 3), AXVM_IRQ_NONE);
	if (one_in(w, 3))
		device(vm, AXVM_DEV_UART16550, AXVM_SPACE_MMIO, MMIO_UART, 8,
		       rnd(w, 224));
	if (one_in(w, 8))
		bad_device(w, vm);
}

static int set_entry(int vm, __u64 entry, __u32 mode)
{
	return note(OP_SET_ENTRY, axvm_entry(vm, entry, mode));
}

static int load_image(int vm, const void *buf, __u64 size, __u64 gpa,
		      __u32 format, __u32 flags)
{
	struct axvm_image img;

	memset(&img, 0, sizeof(img));
	img.buf = U64P(buf);
	img.size = size;
	img.gpa = gpa;
	img.format = format;
	img.flags = flags;
	return note(OP_LOAD_IMAGE, ioctl(vm, AXVM_LOAD_IMAGE, &img));
}

static void bad_image(struct worker *w, int vm)
{
	__u8 *b = w->buf;
	struct axvm_image img;
	size_t i, n = 64 + rnd(w, 4096);

	for (i = 0; i < n; i++)
		b[i] = rnd(w, 256);
	switch (rnd(w, 9)) {
	case 0:
		memcpy(b, ELFMAG, SELFMAG);
		load_image(vm, b, n, 0, AXVM_IMAGE_ELF, AXVM_IMAGE_SET_ENTRY);
		break;
	case 1:
		/* A Multiboot magic somewhere in the first 8 KiB. */
		put32(b + 4 * rnd(w, (__u32)(n / 4)), 0x1badb002);
		load_image(vm, b, n, 0, AXVM_IMAGE_MULTIBOOT, 0);
		break;
	case 2:
		load_image(vm, b, n, GUEST_BASE, 3 + rnd(w, 10), 0);
		break;
	case 3:
		load_image(vm, b, 0, GUEST_BASE, AXVM_IMAGE_RAW, 0);
		break;
	case 4:
		load_image(vm, NULL, n, GUEST_BASE, AXVM_IMAGE_RAW, 0);
		break;
	case 5:
		load_image(vm, b, n, rnd_gpa(w), AXVM_IMAGE_RAW,
			   AXVM_IMAGE_SET_ENTRY);
		break;
	case 6:
		load_image(vm, b, n, 0x9000 + rnd(w, 0x6000), AXVM_IMAGE_RAW, 0);
		break;
	case 7:
		load_image(vm, b, n, GUEST_BASE, AXVM_IMAGE_RAW,
			   1u << (1 + rnd(w, 31)));
		break;
	default:
		memset(&img, 0, sizeof(img));
		img.buf = U64P(b);
		img.size = n;
		img.gpa = GUEST_BASE;
		if (one_in(w, 2))
			img.reserved[0] = 1;
		else	/* a string on a raw image, or a bad pointer */
			img.cmdline = one_in(w, 2) ? U64P("x") : 1;
		note(OP_LOAD_IMAGE, ioctl(vm, AXVM_LOAD_IMAGE, &img));
		break;
	}
}

/* Put the hostile guest in: LOAD_IMAGE (raw or ELF) or WRITE_GUEST. */
static void load_code(struct worker *w, int vm, int managed)
{
	__u32 mode = AXVM_MODE_LONG;
	__u64 gpa = GUEST_BASE;
	__u8 *elf;
	size_t n;

	if (one_in(w, 10)) {
		mode = AXVM_MODE_REAL;
		gpa = REAL_BASE;
	} else if (one_in(w, 10)) {
		mode = AXVM_MODE_PROTECTED;
	}
	gen_blob(w, w->blob, gpa, managed);
	/* First the mode: a raw image's entry is checked against it. */
	if (mode != AXVM_MODE_LONG || one_in(w, 8))
		set_entry(vm, gpa, mode);
	if (one_in(w, 10))
		bad_image(w, vm);
	switch (rnd(w, 10)) {
	case 0:
	case 1:
		if (mode == AXVM_MODE_LONG) {
			elf = malloc(0x1000 + BLOB_SIZE);
			if (!elf)
				break;
			n = make_elf(w, elf, w->blob, gpa);
			load_image(vm, elf, n, 0, AXVM_IMAGE_ELF,
				   rnd(w, 8) ? AXVM_IMAGE_SET_ENTRY : 0);
			free(elf);
			break;
		}
		/* fall through */
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
		load_image(vm, w->blob, BLOB_SIZE, gpa, AXVM_IMAGE_RAW,
			   rnd(w, 8) ? AXVM_IMAGE_SET_ENTRY : 0);
		break;
	case 7:
	case 8:
		/* Not kept for RESTART: a restarted guest runs zeros. */
		note(OP_WRITE_GUEST, axvm_guest(vm, AXVM_WRITE_GUEST, gpa,
						w->blob, BLOB_SIZE));
		set_entry(vm, gpa, mode);
		break;
	default:
		break;				/* no code at all */
	}
	if (one_in(w, 12))
		set_entry(vm, rnd(w, 2) ? rnd_gpa(w) : rnd(w, 0x10000),
			  rnd(w, 4));
}

/* CREATE_VM, mostly right; the fd or -1. */
static int create_vm(struct worker *w, int managed, __u32 *max_vcpus,
		     __u32 *id, __u64 *ns)
{
	static unsigned int serial;
	struct axvm_create_vm c;
	struct axvm_vm_info info;
	int fd;

	memset(&c, 0, sizeof(c));
	c.flags = managed ? AXVM_VM_MANAGED : 0;
	if (platform_pc && one_in(w, 4))
		c.flags |= AXVM_VM_PLATFORM_PC;
	c.max_vcpus = 1 + rnd(w, MAX_VCPUS);
	snprintf(c.name, sizeof(c.name), "%s-%u", tag,
		 __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED));
	if (managed && one_in(w, 3))
		c.pcpu_sets[rnd(w, c.max_vcpus)] = 1 + rnd(w, 3);
	switch (rnd(w, 48)) {
	case 0: c.name[0] = 0; break;			/* "vm<id>" */
	case 1: c.id = 200 + rnd(w, 20); break;		/* an id, maybe taken */
	case 2:						/* an unknown flag */
		c.flags |= (AXVM_CREATE_VM_VALID_FLAGS + 1) << rnd(w, 30);
		break;
	case 3: c.max_vcpus = one_in(w, 2) ? 0 : 1000; break;
	case 4: strcpy(c.name, "bad name"); break;
	case 5: memset(c.name, 'x', sizeof(c.name)); break;
	case 6: c.pcpu_sets[7] = 1; break;
	case 7: c.pad = 1; break;
	case 8: c.reserved[rnd(w, 4)] = 1; break;
	case 9: c.id = one_in(w, 2) ? AXVM_ID_NONE : 0x80000000u; break;
	case 10: c.pcpu_sets[0] = 1ULL << 63; break;	/* no such CPU */
	case 11:					/* a name in use */
		pthread_mutex_lock(&made_lock);
		if (nr_made)
			snprintf(c.name, sizeof(c.name), "vm%u",
				 made[rnd(w, (__u32)nr_made)].id);
		pthread_mutex_unlock(&made_lock);
		break;
	default:
		break;
	}
	fd = note(OP_CREATE_VM, ioctl(sys, AXVM_CREATE_VM, &c));
	if (fd < 0)
		return -1;
	if (note(OP_GET_VM_INFO, axvm_info(fd, &info)))
		info.created_ns = 0;
	*id = c.id;
	*ns = info.created_ns;
	*max_vcpus = c.max_vcpus;
	record_made(c.id, managed, *ns);
	reached(managed, D_CREATED);
	return fd;
}

/* ---- the shared table ----------------------------------------------------- */

static void slot_clear(struct slot *s)
{
	unsigned int i;

	s->id = 0;
	s->ns = 0;
	s->busy = 0;
	s->destroyed = 0;
	s->vm = s->con = -1;
	for (i = 0; i < MAX_VCPUS; i++)
		s->vcpu[i] = -1;
}

static int slot_has_fds(struct slot *s)
{
	unsigned int i;

	if (s->vm >= 0 || s->con >= 0)
		return 1;
	for (i = 0; i < MAX_VCPUS; i++)
		if (s->vcpu[i] >= 0)
			return 1;
	return 0;
}

enum fdkind { FD_VM, FD_VCPU, FD_CON };

/* A dup of a random slot's fd of that kind: 0, or -1 when none. */
static int grab(struct worker *w, enum fdkind kind, struct ref *r)
{
	unsigned int tries;
	struct slot *s;
	int fd;

	for (tries = 0; tries < 4; tries++) {
		s = &slots[rnd(w, NR_SLOTS)];
		pthread_mutex_lock(&s->lock);
		fd = -1;
		if (s->id && !s->busy) {
			r->vcpu = rnd(w, MAX_VCPUS);
			fd = kind == FD_VM ? s->vm :
			     kind == FD_CON ? s->con : s->vcpu[r->vcpu];
		}
		if (fd >= 0) {
			r->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
			r->s = s;
			r->id = s->id;
			r->ns = s->ns;
			r->managed = s->managed;
			r->max_vcpus = s->max_vcpus;
		}
		pthread_mutex_unlock(&s->lock);
		if (fd >= 0 && r->fd >= 0)
			return 0;
	}
	return -1;
}

static void drop(struct ref *r)
{
	close(r->fd);
	r->fd = -1;
}

/* Hand @fd to the slot's field if it still holds that VM and it is free. */
static int adopt(struct ref *r, int *field_of_slot, int fd)
{
	int taken = 0;

	if (!r->s)
		return 0;
	pthread_mutex_lock(&r->s->lock);
	/* Not into a slot being taken apart: its fds would be lost. */
	if (r->s->id == r->id && r->s->ns == r->ns && !r->s->busy &&
	    *field_of_slot < 0) {
		*field_of_slot = fd;
		taken = 1;
	}
	pthread_mutex_unlock(&r->s->lock);
	return taken;
}

/* ---- steps on a VM fd ---------------------------------------------------- */

static const char *const state_names[] = {
	"loading", "loaded", "running", "suspended", "stopping", "stopped",
};

static void check_info(const struct ref *r, const struct axvm_vm_info *i)
{
	if (i->state > AXVM_VM_STOPPED)
		insane("VM %u: state %u", r->id, i->state);
	else if (i->id != r->id)
		insane("VM %u: GET_VM_INFO says id %u", r->id, i->id);
	/* Which VMs got the PC platform is not remembered. */
	else if ((i->flags & ~AXVM_VM_PLATFORM_PC) !=
		 (r->managed ? AXVM_VM_MANAGED : 0))
		insane("VM %u: flags %#x", r->id, i->flags);
	else if (i->nr_vcpus > i->max_vcpus || i->max_vcpus != r->max_vcpus)
		insane("VM %u: %u of %u vCPUs (made with %u)", r->id,
		       i->nr_vcpus, i->max_vcpus, r->max_vcpus);
	else if (!memchr(i->name, 0, sizeof(i->name)) || !i->name[0])
		insane("VM %u: a name that is not a string", r->id);
	else if (r->ns && i->created_ns != r->ns)
		insane("VM %u: created_ns changed", r->id);
	if (i->state == AXVM_VM_STOPPED && i->exit_reason < 8)
		__atomic_fetch_add(&stop_reasons[i->exit_reason], 1,
				   __ATOMIC_RELAXED);
}

static void info_step(struct worker *w, struct ref *r)
{
	struct axvm_vm_info info;

	doing(w, "GET_VM_INFO", r->id, 0);
	if (one_in(w, 32)) {
		note(OP_GET_VM_INFO, ioctl(r->fd, AXVM_GET_VM_INFO, (void *)8));
		return;
	}
	if (!note(OP_GET_VM_INFO, axvm_info(r->fd, &info)))
		check_info(r, &info);
}

static int lifecycle_arg(struct worker *w, struct ref *r, enum op op,
			 unsigned long arg)
{
	static const struct { unsigned long cmd; const char *name; } lc[] = {
		[OP_FINALIZE]	= { AXVM_FINALIZE, "FINALIZE" },
		[OP_START]	= { AXVM_START, "START" },
		[OP_PAUSE]	= { AXVM_PAUSE, "PAUSE" },
		[OP_RESUME]	= { AXVM_RESUME, "RESUME" },
		[OP_STOP]	= { AXVM_STOP, "STOP" },
		[OP_RESTART]	= { AXVM_RESTART, "RESTART" },
		[OP_DESTROY]	= { AXVM_DESTROY, "DESTROY" },
	};
	int ret;

	doing(w, lc[op].name, r->id, 0);
	ret = note(op, ioctl(r->fd, lc[op].cmd, arg));
	if (ret)
		return ret;
	switch (op) {
	case OP_FINALIZE: reached(r->managed, D_FINALIZED); break;
	case OP_START: reached(r->managed, D_RUNNING); break;
	case OP_PAUSE: reached(r->managed, D_PAUSED); break;
	case OP_RESUME: reached(r->managed, D_RESUMED); break;
	case OP_STOP: reached(r->managed, D_STOPPED); break;
	case OP_RESTART: reached(r->managed, D_RESTARTED); break;
	case OP_DESTROY:
		reached(r->managed, D_DESTROYED);
		if (r->s) {
			pthread_mutex_lock(&r->s->lock);
			if (r->s->id == r->id && r->s->ns == r->ns)
				r->s->destroyed = 1;
			pthread_mutex_unlock(&r->s->lock);
		}
		break;
	default:
		break;
	}
	return 0;
}

/* A lifecycle step, now and then with an argument it must refuse. */
static int lifecycle(struct worker *w, struct ref *r, enum op op)
{
	return lifecycle_arg(w, r, op, one_in(w, 40) ? 1 + rnd(w, 3) : 0);
}

/* Some reads, writes and polls on a console fd. */
static void console_use(struct worker *w, int con, __u32 id)
{
	struct pollfd p;
	unsigned int i, n = 1 + rnd(w, 4);
	size_t len;

	for (i = 0; i < n; i++) {
		switch (rnd(w, 6)) {
		case 0:
		case 1:
			doing(w, "console read", id, 0);
			len = one_in(w, 4) ? 1 : rnd(w, 65536);
			note(OP_CON_READ, read(con, one_in(w, 40) ? (void *)8 :
					       (void *)w->buf, len));
			break;
		case 2:
		case 3:
			doing(w, "console write", id, 0);
			len = 1 + rnd(w, one_in(w, 8) ? 8192 : 64);
			memset(w->buf, 'a' + rnd(w, 26), len);
			note(OP_CON_WRITE, write(con, w->buf, len));
			break;
		default:
			doing(w, "console poll", id, 0);
			p.fd = con;
			p.events = POLLIN | POLLOUT;
			p.revents = 0;
			note(OP_CON_POLL, poll(&p, 1, rnd(w, 20)));
			break;
		}
	}
}

static void console_step(struct worker *w, struct ref *r)
{
	struct ref c;
	int con, flags;

	/* Mostly the slot's console; sometimes one of our own. */
	if (r->s && rnd(w, 2)) {
		c = *r;
		pthread_mutex_lock(&r->s->lock);
		con = r->s->id == r->id ? r->s->con : -1;
		c.fd = con >= 0 ? fcntl(con, F_DUPFD_CLOEXEC, 0) : -1;
		pthread_mutex_unlock(&r->s->lock);
		if (c.fd >= 0) {
			console_use(w, c.fd, r->id);
			drop(&c);
			return;
		}
	}
	doing(w, "GET_CONSOLE_FD", r->id, 0);
	flags = rnd(w, 3) ? O_NONBLOCK : 0;
	if (one_in(w, 16))
		flags = 1 << rnd(w, 24);
	con = note(OP_GET_CONSOLE_FD, ioctl(r->fd, AXVM_GET_CONSOLE_FD, flags));
	if (con < 0)
		return;
	console_use(w, con, r->id);
	if (r->s && one_in(w, 2) && adopt(r, &r->s->con, con))
		return;
	close(con);
}

static void guest_rw_step(struct worker *w, struct ref *r)
{
	struct axvm_guest_access ga;
	__u64 gpa, size;
	unsigned int i;

	gpa = rnd(w, 3) ? rnd(w, RAM_SIZE) : rnd_gpa(w);
	size = rnd(w, 4) ? rnd(w, 8192) : rnd(w, 65536);
	if (one_in(w, 32))
		size = MiB + rnd(w, 2);
	memset(&ga, 0, sizeof(ga));
	ga.gpa = gpa;
	ga.size = size;
	ga.buf = U64P(w->buf);
	if (size > 65536)
		ga.buf = U64P(NULL);		/* E2BIG or EFAULT */
	if (one_in(w, 32))
		ga.flags = 1;
	if (one_in(w, 2)) {
		doing(w, "READ_GUEST", r->id, 0);
		note(OP_READ_GUEST, ioctl(r->fd, AXVM_READ_GUEST, &ga));
		return;
	}
	/* Hostile code into a live guest, or noise. */
	doing(w, "WRITE_GUEST", r->id, 0);
	if (one_in(w, 2)) {
		gen_blob(w, w->blob, GUEST_BASE, r->managed);
		ga.gpa = GUEST_BASE + rnd(w, BLOB_SIZE);
		if (ga.size > BLOB_SIZE - (ga.gpa - GUEST_BASE))
			ga.size = BLOB_SIZE - (ga.gpa - GUEST_BASE);
		ga.buf = U64P(w->blob + (ga.gpa - GUEST_BASE));
	} else {
		for (i = 0; i < size && i < 65536; i++)
			w->buf[i] = rnd(w, 256);
	}
	note(OP_WRITE_GUEST, ioctl(r->fd, AXVM_WRITE_GUEST, &ga));
}

static void irq_step(struct worker *w, struct ref *r)
{
	struct axvm_irq irq;

	memset(&irq, 0, sizeof(irq));
	irq.vcpu = rnd(w, 8) ? rnd(w, r->max_vcpus) : rnd(w, 20);
	irq.irq = rnd(w, 8) ? rnd(w, 16) : rnd(w, 300);
	if (one_in(w, 32))
		irq.flags = 1;
	if (one_in(w, 32))
		irq.pad = 1;
	doing(w, "IRQ_LINE", r->id, 0);
	note(OP_IRQ_LINE, ioctl(r->fd, AXVM_IRQ_LINE, &irq));
}

static void create_vcpu_step(struct worker *w, struct ref *r)
{
	unsigned long id = rnd(w, 8) ? rnd(w, r->max_vcpus) : rnd(w, 20);
	int fd;

	if (one_in(w, 64))
		id = ~0UL;
	doing(w, "CREATE_VCPU", r->id, 0);
	fd = note(OP_CREATE_VCPU, ioctl(r->fd, AXVM_CREATE_VCPU, id));
	if (fd < 0)
		return;
	if (r->s && id < MAX_VCPUS && adopt(r, &r->s->vcpu[id], fd))
		return;
	close(fd);
}

static void config_step(struct worker *w, struct ref *r)
{
	struct axvm_memory_region mr;

	switch (rnd(w, 8)) {
	case 0:
		doing(w, "SET_MEMORY_REGION", r->id, 0);
		if (one_in(w, 2))
			bad_region(w, r->fd);
		else
			region(r->fd, (2 + rnd(w, 64)) * MiB,
			       4 * KiB * (1 + rnd(w, 64)), RWX);
		break;
	case 1:
		doing(w, "DEL_MEMORY_REGION", r->id, 0);
		memset(&mr, 0, sizeof(mr));
		mr.gpa = rnd(w, 2) ? 0 : rnd(w, 4) * MiB;
		mr.size = rnd(w, 2) ? RAM_SIZE : MiB * rnd(w, 3);
		note(OP_DEL_REGION, ioctl(r->fd, AXVM_DEL_MEMORY_REGION, &mr));
		break;
	case 2:
		doing(w, "ADD_DEVICE", r->id, 0);
		add_devices(w, r->fd);
		break;
	case 3:
		doing(w, "LOAD_IMAGE", r->id, 0);
		load_code(w, r->fd, r->managed);
		break;
	case 4:
		doing(w, "SET_ENTRY", r->id, 0);
		set_entry(r->fd, rnd(w, 2) ? GUEST_BASE : rnd_gpa(w), rnd(w, 4));
		break;
	default:
		create_vcpu_step(w, r);
		break;
	}
}

/* Ioctls that belong to another kind of fd (@vcpu: a vCPU fd), or none. */
static void wrong_ioctl_step(struct worker *w, int fd, int vcpu)
{
	static const unsigned long cmds[] = {
		AXVM_CREATE_VM, AXVM_LIST_VMS, AXVM_QUERY_VM,
		_IO(AXVMIO, 0x7f), _IOWR(AXVMIO, 0x10, __u32),
		_IO(AXVMIO + 1, 0x1a), _IOR(AXVMIO, 0x81, __u64),
		/* a VM fd's, for a vCPU fd; a vCPU fd's, for a VM fd */
		AXVM_FINALIZE, AXVM_GET_VM_INFO, AXVM_DESTROY,
		AXVM_RUN, AXVM_GET_REGS, AXVM_INTERRUPT,
	};
	__u8 junk[512];
	unsigned int i = rnd(w, ARRAY_SIZE(cmds) - 3);

	if (i >= ARRAY_SIZE(cmds) - 6 && !vcpu)
		i += 3;
	memset(junk, 0, sizeof(junk));
	doing(w, "wrong ioctl", 0, 0);
	note(OP_WRONG_IOCTL, ioctl(fd, cmds[i], junk));
}

/* A random step on a VM fd (the slot's dup or one from OPEN_VM). */
static void vm_step(struct worker *w, struct ref *r)
{
	static const enum op lc[] = {
		OP_FINALIZE, OP_START, OP_START, OP_PAUSE, OP_RESUME,
		OP_STOP, OP_STOP, OP_RESTART, OP_RESTART, OP_DESTROY,
	};
	__u32 k = rnd(w, 100);

	if (k < 45)
		lifecycle(w, r, lc[rnd(w, ARRAY_SIZE(lc))]);
	else if (k < 55)
		info_step(w, r);
	else if (k < 65)
		console_step(w, r);
	else if (k < 75)
		guest_rw_step(w, r);
	else if (k < 82)
		irq_step(w, r);
	else if (k < 97)
		config_step(w, r);
	else
		wrong_ioctl_step(w, r->fd, 0);
}

/* ---- steps on a vCPU fd -------------------------------------------------- */

/* What RUN left in the run structure, counted; 1 to stop the loop. */
static int answer_exit(struct worker *w, volatile struct axvm_run *run)
{
	__u32 reason = run->exit_reason;

	__atomic_fetch_add(&exits[reason < NR_EXIT - 1 ? reason : NR_EXIT - 1],
			   1, __ATOMIC_RELAXED);
	switch (reason) {
	case AXVM_EXIT_IO:
		if (run->io.direction == AXVM_IO_IN)
			run->io.data = rnd_val(w);
		return 0;
	case AXVM_EXIT_MMIO:
		if (!run->mmio.is_write)
			run->mmio.data = rnd_val(w);
		return 0;
	case AXVM_EXIT_HYPERCALL:
		run->hypercall.ret = rnd_val(w);
		return 0;
	case AXVM_EXIT_NPF:
	case AXVM_EXIT_INTR:
	case AXVM_EXIT_HALT:
		return one_in(w, 4);
	default:
		return 1;	/* stopped in one way or another */
	}
}

/* Write garbage where userspace may write: the kernel must not care. */
static void scribble(struct worker *w, volatile struct axvm_run *run)
{
	volatile __u8 *p = (volatile __u8 *)run;
	unsigned int i, n = 1 + rnd(w, 8);

	for (i = 0; i < n; i++)
		p[rnd(w, sizeof(*run))] = rnd(w, 256);
	run->immediate_exit = 0;
}

static void run_step(struct worker *w, struct ref *r)
{
	volatile struct axvm_run *run;
	unsigned int i, n = 1 + rnd(w, 48);
	void *m;
	long ret;

	doing(w, "mmap for RUN", r->id, 0);
	m = mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 r->fd, 0);
	note(OP_MMAP, m == MAP_FAILED ? -1 : 0);
	run = m == MAP_FAILED ? NULL : m;
	for (i = 0; i < n && !stopping(); i++) {
		if (run && one_in(w, 24))
			run->immediate_exit = 1;
		doing(w, r->managed ? "RUN (managed VM)" : "RUN", r->id,
		      r->managed);
		ret = note(OP_RUN, ioctl(r->fd, AXVM_RUN, one_in(w, 64)));
		if (!run) {
			if (ret && errno != EINTR)
				break;
			continue;
		}
		doing(w, "answering a RUN exit", r->id, 0);
		run->immediate_exit = 0;
		if (ret && errno != EINTR)
			break;
		if (answer_exit(w, run))
			break;
		if (one_in(w, 20))
			scribble(w, run);
	}
	if (run)
		munmap(m, AXVM_RUN_SIZE);
}

static void regs_step(struct worker *w, struct ref *r)
{
	struct axvm_regs regs;

	doing(w, "GET_REGS", r->id, r->managed);
	if (one_in(w, 32)) {
		note(OP_GET_REGS, ioctl(r->fd, AXVM_GET_REGS, (void *)8));
		return;
	}
	if (note(OP_GET_REGS, ioctl(r->fd, AXVM_GET_REGS, &regs)))
		memset(&regs, 0, sizeof(regs));
	if (one_in(w, 2))
		return;
	switch (rnd(w, 6)) {
	case 0: regs.rip = rnd_gpa(w); break;
	case 1: regs.rsp = rnd_gpa(w); break;
	case 2: regs.rflags ^= 1ULL << rnd(w, 24); break;	/* TF, VM, ... */
	case 3: regs.rflags = rnd_val(w); break;
	case 4: regs.rax = rnd_val(w); regs.rcx = rnd_val(w); break;
	default: regs.rip = GUEST_BASE + rnd(w, 0x100); break;
	}
	doing(w, "SET_REGS", r->id, r->managed);
	note(OP_SET_REGS, ioctl(r->fd, AXVM_SET_REGS, &regs));
}

static void mutate_seg(struct worker *w, struct axvm_segment *s)
{
	switch (rnd(w, 5)) {
	case 0: s->attrib ^= 1u << rnd(w, 16); break;
	case 1: s->limit = (__u32)rnd_val(w); break;
	case 2: s->base = rnd_val(w); break;
	case 3: s->selector = (__u16)rnd64(w); break;
	default: s->attrib = (__u16)rnd64(w); break;
	}
}

/*
 * QEMU 7.2 (our test host's CPU) crashes the host when a nested guest
 * exits with EFER.LME set, CR0.PG clear and CR4.PAE clear, a state real
 * CPUs allow: do_vmexit() restores the host's CR0 before its CR4, and
 * cpu_x86_update_cr0() returns early, leaving paging off, when it sees
 * paging turned on with LME set and PAE (still the guest's) clear. The
 * host then runs its next instruction without paging: a triple fault.
 * KVM's guests would do the same to it. A bug of the emulator, not of
 * ours: the fuzzer keeps its guests out of that state (docs/design.md,
 * "What the test hosts' emulator gets wrong").
 * Guest code never sets LME and never clears PAE; SET_SREGS gets PAE
 * wherever LME is set without paging.
 */
static void qemu_lme_without_pae(struct axvm_sregs *sr)
{
	if ((sr->efer & (1ULL << 8)) && !(sr->cr0 & (1ULL << 31)))
		sr->cr4 |= 1ULL << 5;
}

static void sregs_step(struct worker *w, struct ref *r)
{
	struct axvm_sregs sr;
	struct axvm_segment *segs[] = { &sr.cs, &sr.ds, &sr.es, &sr.fs,
					&sr.gs, &sr.ss, &sr.tr, &sr.ldt };
	unsigned int i, n = 1 + rnd(w, 3);

	doing(w, "GET_SREGS", r->id, r->managed);
	if (note(OP_GET_SREGS, ioctl(r->fd, AXVM_GET_SREGS, &sr)))
		memset(&sr, 0, sizeof(sr));
	if (one_in(w, 3))
		return;
	for (i = 0; i < n; i++) {
		switch (rnd(w, 12)) {
		case 0: sr.cr0 ^= 1ULL << rnd(w, 32); break;
		case 1: sr.cr4 ^= 1ULL << rnd(w, 26); break;
		case 2: sr.efer ^= 1ULL << rnd(w, 16); break;
		case 3: sr.cr3 = rnd(w, 2) ? rnd(w, RAM_SIZE) : rnd_val(w); break;
		case 4: sr.cr2 = rnd_val(w); break;
		case 5: sr.cr0 = rnd_val(w); break;
		case 6: sr.gdt.base = rnd_gpa(w); sr.gdt.limit = rnd64(w); break;
		case 7: sr.idt.base = rnd_gpa(w); sr.idt.limit = rnd64(w); break;
		case 8: sr.reserved[rnd(w, 4)] = one_in(w, 8); break;
		case 9: sr.cr4 = rnd_val(w); sr.efer = rnd_val(w); break;
		default: mutate_seg(w, segs[rnd(w, ARRAY_SIZE(segs))]); break;
		}
	}
	qemu_lme_without_pae(&sr);
	doing(w, "SET_SREGS", r->id, r->managed);
	note(OP_SET_SREGS, ioctl(r->fd, AXVM_SET_SREGS, &sr));
}

static void mmap_step(struct worker *w, struct ref *r)
{
	static const size_t lens[] = { AXVM_RUN_SIZE, AXVM_RUN_SIZE,
				       2 * AXVM_RUN_SIZE, 1 };
	size_t len = lens[rnd(w, ARRAY_SIZE(lens))];
	off_t off = one_in(w, 6) ? AXVM_RUN_SIZE : 0;
	int prot = PROT_READ | (rnd(w, 4) ? PROT_WRITE : 0);
	volatile __u8 *p;
	void *m;

	int flags = one_in(w, 4) ? MAP_PRIVATE : MAP_SHARED;
	unsigned int at;

	doing(w, "mmap", r->id, 0);
	m = mmap(NULL, len, prot, flags, r->fd, off);
	if (note(OP_MMAP, m == MAP_FAILED ? -1 : 0))
		return;
	p = m;
	at = rnd(w, AXVM_RUN_SIZE);
	snprintf(w->what, sizeof(w->what),
		 "read of %p + %#x, mmap(len %zu, prot %#x, %s, off %ld)", m,
		 at, len, prot, flags == MAP_PRIVATE ? "private" : "shared",
		 (long)off);
	(void)p[at];
	if (prot & PROT_WRITE) {
		at = rnd(w, AXVM_RUN_SIZE);
		snprintf(w->what, sizeof(w->what),
			 "write of %p + %#x, mmap(len %zu, prot %#x, %s, off %ld)",
			 m, at, len, prot,
			 flags == MAP_PRIVATE ? "private" : "shared", (long)off);
		p[at] = rnd(w, 256);
	}
	w->what[0] = 0;
	munmap(m, len);
}

static void vcpu_step(struct worker *w)
{
	struct axvm_interrupt intr;
	struct ref r;
	__u32 k = rnd(w, 100);

	if (grab(w, FD_VCPU, &r))
		return;
	/* A managed VM's vCPU: RUN, and register calls while it runs, EBUSY. */
	if (k < 50) {
		run_step(w, &r);
	} else if (k < 62) {
		regs_step(w, &r);
	} else if (k < 72) {
		sregs_step(w, &r);
	} else if (k < 85) {
		mmap_step(w, &r);
	} else if (k < 97) {
		memset(&intr, 0, sizeof(intr));
		intr.vector = rnd(w, 8) ? 16 + rnd(w, 240) : rnd(w, 300);
		if (one_in(w, 32))
			intr.flags = 1;
		doing(w, "INTERRUPT", r.id, 0);
		note(OP_INTERRUPT, ioctl(r.fd, AXVM_INTERRUPT, &intr));
	} else {
		wrong_ioctl_step(w, r.fd, 1);
	}
	drop(&r);
}

/* ---- steps on the table ------------------------------------------------ */

static struct slot *claim_empty(struct worker *w)
{
	unsigned int i, first = rnd(w, NR_SLOTS);
	struct slot *s;

	for (i = 0; i < NR_SLOTS; i++) {
		s = &slots[(first + i) % NR_SLOTS];
		pthread_mutex_lock(&s->lock);
		if (!s->id && !s->busy) {
			s->busy = 1;
			pthread_mutex_unlock(&s->lock);
			return s;
		}
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

/* Build a VM the way a VMM would, mostly right, into an empty slot. */
static void create_step(struct worker *w, int managed)
{
	struct slot *s = claim_empty(w);
	int vcpu[MAX_VCPUS], con = -1;
	struct ref r;
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < MAX_VCPUS; i++)
		vcpu[i] = -1;
	memset(&r, 0, sizeof(r));
	r.managed = managed;
	doing(w, "CREATE_VM", 0, 0);
	r.fd = create_vm(w, managed, &r.max_vcpus, &r.id, &r.ns);
	if (r.fd < 0) {
		pthread_mutex_lock(&s->lock);
		s->busy = 0;
		pthread_mutex_unlock(&s->lock);
		return;
	}
	doing(w, "configuring a new VM", r.id, 0);
	add_ram(w, r.fd);
	add_devices(w, r.fd);
	load_code(w, r.fd, managed);
	/* A VMM creates its vCPU fds before FINALIZE; managed VMs need none. */
	for (i = 0; i < r.max_vcpus; i++)
		if (rnd(w, 10) < (managed ? 3u : 8u))
			vcpu[i] = note(OP_CREATE_VCPU,
				       ioctl(r.fd, AXVM_CREATE_VCPU, i));
	if (one_in(w, 3))
		con = note(OP_GET_CONSOLE_FD,
			   ioctl(r.fd, AXVM_GET_CONSOLE_FD,
				 rnd(w, 2) ? O_NONBLOCK : 0));
	if (rnd(w, 8) && !lifecycle(w, &r, OP_FINALIZE) && rnd(w, 3))
		lifecycle(w, &r, OP_START);

	pthread_mutex_lock(&s->lock);
	s->id = r.id;
	s->ns = r.ns;
	s->managed = managed;
	s->max_vcpus = r.max_vcpus;
	s->destroyed = 0;
	s->vm = r.fd;
	s->con = con;
	for (i = 0; i < MAX_VCPUS; i++)
		s->vcpu[i] = vcpu[i];
	s->busy = 0;
	pthread_mutex_unlock(&s->lock);
}

static int open_vm(__u32 id)
{
	struct axvm_open_vm o;

	memset(&o, 0, sizeof(o));
	o.id = id;
	return note(OP_OPEN_VM, ioctl(sys, AXVM_OPEN_VM, &o));
}

/* OPEN_VM of @id, only if it is still the VM created at @ns. */
static int reopen(__u32 id, __u64 ns)
{
	struct axvm_vm_info info;
	int fd = open_vm(id);

	if (fd < 0)
		return -1;
	if (note(OP_GET_VM_INFO, axvm_info(fd, &info)) ||
	    info.created_ns != ns) {
		close(fd);
		errno = ENOENT;		/* ours is gone; the id was reused */
		return -1;
	}
	return fd;
}

/* Close one fd of a slot, whoever is using the VM through a dup. */
static void close_step(struct worker *w)
{
	struct slot *s = &slots[rnd(w, NR_SLOTS)];
	int *fds[2 + MAX_VCPUS], *f;
	unsigned int i, n = 0;

	pthread_mutex_lock(&s->lock);
	if (s->id && !s->busy) {
		if (s->vm >= 0)
			fds[n++] = &s->vm;
		if (s->con >= 0)
			fds[n++] = &s->con;
		for (i = 0; i < MAX_VCPUS; i++)
			if (s->vcpu[i] >= 0)
				fds[n++] = &s->vcpu[i];
	}
	if (n) {
		f = fds[rnd(w, n)];
		doing(w, "close", s->id, 0);
		close(*f);
		*f = -1;
		/* The last fd of a VMM-mode VM: it goes (a dup may delay it). */
		if (!slot_has_fds(s) && (!s->managed || s->destroyed)) {
			if (!s->managed)
				reached(0, D_DESTROYED);
			slot_clear(s);
		}
	}
	pthread_mutex_unlock(&s->lock);
}

/* OPEN_VM of a slot's VM that has no VM fd (a managed VM left alone). */
static void reopen_step(struct worker *w)
{
	struct slot *s = &slots[rnd(w, NR_SLOTS)];
	__u32 id;
	__u64 ns;
	int fd;

	pthread_mutex_lock(&s->lock);
	id = s->id && !s->busy && s->vm < 0 ? s->id : 0;
	ns = s->ns;
	pthread_mutex_unlock(&s->lock);
	if (!id)
		return;
	doing(w, "OPEN_VM (reopen)", id, 0);
	fd = reopen(id, ns);
	pthread_mutex_lock(&s->lock);
	if (s->id == id && s->ns == ns && !s->busy) {
		if (fd >= 0 && s->vm < 0) {
			s->vm = fd;
			fd = -1;
		} else if (fd < 0 && errno == ENOENT && !slot_has_fds(s)) {
			slot_clear(s);	/* destroyed through another fd */
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (fd >= 0)
		close(fd);
}

/* Take a slot's VM apart: STOP, DESTROY (managed), close everything. */
static void recycle_step(struct worker *w)
{
	struct slot *s = &slots[rnd(w, NR_SLOTS)];
	int vcpu[MAX_VCPUS], con;
	struct ref r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	pthread_mutex_lock(&s->lock);
	if (!s->id || s->busy) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	s->busy = 1;
	r.id = s->id;
	r.ns = s->ns;
	r.managed = s->managed;
	r.max_vcpus = s->max_vcpus;
	r.fd = s->vm;
	con = s->con;
	for (i = 0; i < MAX_VCPUS; i++) {
		vcpu[i] = s->vcpu[i];
		s->vcpu[i] = -1;
	}
	s->vm = s->con = -1;
	pthread_mutex_unlock(&s->lock);

	if (r.fd < 0 && r.managed) {
		doing(w, "OPEN_VM (recycle)", r.id, 0);
		r.fd = reopen(r.id, r.ns);
	}
	if (r.fd >= 0) {
		/* DESTROY of a running VM must be refused, and change nothing. */
		if (r.managed && one_in(w, 4))
			lifecycle_arg(w, &r, OP_DESTROY, 0);
		lifecycle_arg(w, &r, OP_STOP, 0);
		if (r.managed)
			lifecycle_arg(w, &r, OP_DESTROY, 0);
	}
	doing(w, "close (recycle)", r.id, 0);
	for (i = 0; i < MAX_VCPUS; i++)
		if (vcpu[i] >= 0)
			close(vcpu[i]);
	if (con >= 0)
		close(con);
	if (r.fd >= 0)
		close(r.fd);
	if (!r.managed)
		reached(0, D_DESTROYED);
	pthread_mutex_lock(&s->lock);
	slot_clear(s);
	pthread_mutex_unlock(&s->lock);
}

/* An id to ask about: ours (alive or gone), in a slot, or made up. */
static __u32 pick_id(struct worker *w, struct made *m)
{
	struct slot *s;

	memset(m, 0, sizeof(*m));
	switch (rnd(w, 10)) {
	case 0: case 1: case 2: case 3: case 4:
		pthread_mutex_lock(&made_lock);
		if (nr_made)
			*m = made[rnd(w, (__u32)nr_made)];
		pthread_mutex_unlock(&made_lock);
		return m->id;
	case 5: case 6:
		s = &slots[rnd(w, NR_SLOTS)];
		pthread_mutex_lock(&s->lock);
		m->id = s->id;
		m->ns = s->ns;
		m->managed = s->managed;
		pthread_mutex_unlock(&s->lock);
		return m->id;
	case 7:
		return rnd(w, 300);
	default:
		switch (rnd(w, 4)) {
		case 0: return 0;
		case 1: return AXVM_ID_NONE;
		case 2: return 0x7fffffff;
		default: return (__u32)rnd64(w);
		}
	}
}

static void sys_step(struct worker *w)
{
	static __u32 ids[64];		/* written, never read: races are fine */
	struct axvm_vm_list l;
	struct axvm_vm_info info;
	struct axvm_open_vm o;
	struct made m;
	struct ref r;
	unsigned int i, n;
	int fd;

	switch (rnd(w, 10)) {
	case 0:
	case 1:
		memset(&l, 0, sizeof(l));
		l.nr = rnd(w, 2) ? rnd(w, 64) : 0;
		l.ids = U64P(ids);
		if (one_in(w, 16))
			l.flags = 1;
		if (one_in(w, 16))
			l.ids = U64P((void *)8);
		doing(w, "LIST_VMS", 0, 0);
		note(OP_LIST_VMS, ioctl(sys, AXVM_LIST_VMS, &l));
		break;
	case 2:
	case 3:
		memset(&info, 0, sizeof(info));
		info.id = pick_id(w, &m);
		doing(w, "QUERY_VM", info.id, 0);
		if (note(OP_QUERY_VM, ioctl(sys, AXVM_QUERY_VM, &info)))
			break;
		if (m.id && info.created_ns == m.ns) {
			memset(&r, 0, sizeof(r));
			r.id = m.id;
			r.ns = m.ns;
			r.managed = m.managed;
			r.max_vcpus = info.max_vcpus;
			check_info(&r, &info);
		}
		break;
	case 4:
		doing(w, "CHECK_EXTENSION", 0, 0);
		if (one_in(w, 4))
			note(OP_CHECK_EXT, ioctl(sys, AXVM_GET_API_VERSION,
						 rnd(w, 2)));
		else
			note(OP_CHECK_EXT, ioctl(sys, AXVM_CHECK_EXTENSION,
						 rnd(w, 2) ? rnd(w, 16) :
						 (__u32)rnd64(w)));
		break;
	default:
		memset(&o, 0, sizeof(o));
		o.id = pick_id(w, &m);
		if (one_in(w, 20))
			o.flags = 1;
		if (one_in(w, 20))
			o.reserved[rnd(w, 2)] = 1;
		doing(w, "OPEN_VM", o.id, 0);
		fd = note(OP_OPEN_VM, ioctl(sys, AXVM_OPEN_VM, &o));
		if (fd < 0)
			break;
		/* Not ours (it was there before us): look, do not touch. */
		if (note(OP_GET_VM_INFO, axvm_info(fd, &info)) ||
		    is_baseline(info.id, info.created_ns)) {
			close(fd);
			break;
		}
		memset(&r, 0, sizeof(r));
		r.fd = fd;
		r.id = info.id;
		r.ns = info.created_ns;
		r.managed = !!(info.flags & AXVM_VM_MANAGED);
		r.max_vcpus = info.max_vcpus;
		n = 1 + rnd(w, 3);
		for (i = 0; i < n; i++)
			vm_step(w, &r);
		close(fd);
		break;
	}
}

/*
 * A scripted lifecycle, for when the random mix has not yet taken a
 * mode through running, stopped, restarted and destroyed: it must, and
 * it must not depend on luck. The guest does one OUT (an exit to
 * userspace in VMM mode) and halts with interrupts off.
 */
static int scenario_busy[2], scenario_runs[2];
static char scenario_fail[2][160];

static int missing(int managed)
{
	return !depth_of(managed, D_RUNNING) || !depth_of(managed, D_STOPPED) ||
	       !depth_of(managed, D_RESTARTED) ||
	       !depth_of(managed, D_DESTROYED);
}

static void scenario(struct worker *w, int managed)
{
	static const __u8 guest[] = {
		0xe6, 0x80,		/* out 0x80, al */
		0xfa, 0xf4,		/* cli; hlt */
		0xeb, 0xfa,		/* jmp back to the out */
	};
	static const enum op steps[] = {
		OP_FINALIZE, OP_START, OP_RUN, OP_PAUSE, OP_RESUME, OP_STOP,
		OP_RESTART, OP_RUN, OP_STOP, OP_DESTROY,
	};
	static unsigned int serial;
	struct axvm_create_vm c;
	struct axvm_vm_info info;
	const char *what = "CREATE_VM";
	int vcpu = -1, err = 0;
	unsigned int i;
	struct ref r;

	doing(w, "scripted lifecycle", 0, 0);
	memset(&r, 0, sizeof(r));
	memset(&c, 0, sizeof(c));
	c.flags = managed ? AXVM_VM_MANAGED : 0;
	c.max_vcpus = 1;
	snprintf(c.name, sizeof(c.name), "%s-sc%u", tag,
		 __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED));
	r.fd = note(OP_CREATE_VM, ioctl(sys, AXVM_CREATE_VM, &c));
	if (r.fd < 0)
		goto fail;
	r.id = c.id;
	r.managed = managed;
	r.max_vcpus = 1;
	if (!note(OP_GET_VM_INFO, axvm_info(r.fd, &info)))
		r.ns = info.created_ns;
	record_made(r.id, managed, r.ns);
	reached(managed, D_CREATED);
	what = "SET_MEMORY_REGION";
	if (region(r.fd, 0, RAM_SIZE, RWX))
		goto fail;
	what = "LOAD_IMAGE";
	if (load_image(r.fd, guest, sizeof(guest), GUEST_BASE, AXVM_IMAGE_RAW,
		       AXVM_IMAGE_SET_ENTRY))
		goto fail;
	if (!managed) {
		what = "CREATE_VCPU";
		vcpu = note(OP_CREATE_VCPU, ioctl(r.fd, AXVM_CREATE_VCPU, 0));
		if (vcpu < 0)
			goto fail;
	}
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		what = op_desc[steps[i]].name;
		if (steps[i] == OP_RUN) {
			/* The OUT comes back to us; a signal may come first. */
			if (managed)
				continue;
			doing(w, "RUN (scripted)", r.id, 0);
			if (note(OP_RUN, ioctl(vcpu, AXVM_RUN, 0)) &&
			    errno != EINTR)
				goto fail;
			continue;
		}
		if (steps[i] == OP_DESTROY && !managed)
			break;		/* closing its fds destroys it */
		if (lifecycle_arg(w, &r, steps[i], 0))
			goto fail;
	}
	reached(managed, D_SCENARIOS);
	goto out;

fail:
	err = errno;
	snprintf(scenario_fail[managed], sizeof(scenario_fail[managed]),
		 "%s failed: %s", what, strerror(err));
	if (r.fd >= 0) {
		lifecycle_arg(w, &r, OP_STOP, 0);
		if (managed)
			lifecycle_arg(w, &r, OP_DESTROY, 0);
	}
out:
	if (vcpu >= 0)
		close(vcpu);
	if (r.fd >= 0) {
		close(r.fd);
		if (!managed)
			reached(0, D_DESTROYED);
	}
}

/*
 * A child process takes a VM fd along, works on it and exits: the last
 * close of an fd, the mappings and the lifecycle from another process.
 * Only raw system calls in the child (we are multi-threaded).
 */
static void fork_step(struct worker *w)
{
	static const unsigned long cmds[] = {
		AXVM_STOP, AXVM_DESTROY, AXVM_START, AXVM_RESTART, AXVM_PAUSE,
		AXVM_RESUME, AXVM_FINALIZE,
	};
	unsigned long cmd = cmds[rnd(w, ARRAY_SIZE(cmds))];
	int status, close_first = one_in(w, 2);
	struct ref r;
	pid_t pid;

	if (grab(w, FD_VM, &r))
		return;
	doing(w, "fork: a child works on the VM", r.id, 0);
	pid = fork();
	if (pid == 0) {
		/* The parent's copy of the dup goes first, or last. */
		if (close_first)
			syscall(SYS_close, r.fd);
		else
			syscall(SYS_ioctl, r.fd, cmd, 0);
		_exit(0);
	}
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	drop(&r);
}

static void step(struct worker *w)
{
	__u32 k = rnd(w, 100);
	struct ref r;

	if (k < 10) {
		create_step(w, one_in(w, 2));
	} else if (k < 14) {
		recycle_step(w);
	} else if (k < 44) {
		if (!grab(w, FD_VM, &r)) {
			vm_step(w, &r);
			drop(&r);
		}
	} else if (k < 70) {
		vcpu_step(w);
	} else if (k < 75) {
		if (!grab(w, FD_CON, &r)) {
			console_use(w, r.fd, r.id);
			drop(&r);
		}
	} else if (k < 87) {
		sys_step(w);
	} else if (k < 93) {
		close_step(w);
	} else if (k < 99) {
		reopen_step(w);
	} else {
		fork_step(w);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int m;

	self = w;
	while (!stopping()) {
		/* A quarter in, make sure each mode went all the way. */
		for (m = 0; m < 2 && now() - t_start > dur / 4; m++) {
			if (!missing(m) ||
			    __atomic_load_n(&scenario_runs[m], __ATOMIC_RELAXED) >= 4 ||
			    __atomic_exchange_n(&scenario_busy[m], 1, __ATOMIC_ACQUIRE))
				continue;
			__atomic_fetch_add(&scenario_runs[m], 1, __ATOMIC_RELAXED);
			scenario(w, m);
			__atomic_store_n(&scenario_busy[m], 0, __ATOMIC_RELEASE);
		}
		step(w);
	}
	doing(w, "done", 0, 0);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- signals --------------------------------------------------------------- */

static int sig_stop;

static void on_sigusr1(int sig)
{
	(void)sig;	/* only to end a blocking call with EINTR */
}

/*
 * SIGSEGV or SIGBUS in the fuzzer: most likely the run structure's
 * mapping went bad under it. Say where and what the thread was doing,
 * finish the TAP stream, and go.
 */
static void on_crash(int sig, siginfo_t *si, void *uc)
{
	struct worker *w = self;

	(void)uc;
	printf("not ok %d - the fuzzer survived: signal %d (code %d) at %p in thread %d, in %s on VM %u%s%s\n",
	       tap_n + 1, sig, si->si_code, si->si_addr, w ? w->idx : -1,
	       w ? w->op : "main", w ? w->op_vm : 0,
	       w && w->what[0] ? ": " : "", w ? w->what : "");
	printf("1..%d\n", tap_n + 1);
	fflush(stdout);
	_exit(1);
}

/*
 * SIGUSR1 to a random worker every 0.2-4 ms while the run lasts, to
 * every worker every 2 ms once it is over: any call that sleeps
 * interruptibly (RUN on a halted guest, a blocking console read) ends.
 * A signal that lands just before such a call is lost; the next one
 * is never far behind.
 */
static void *signaler(void *arg)
{
	struct worker *sw = arg;
	unsigned int i;

	while (!__atomic_load_n(&sig_stop, __ATOMIC_ACQUIRE)) {
		for (i = 0; i < NR_WORKERS; i++) {
			if (!stopping() && rnd(sw, NR_WORKERS))
				continue;
			if (__atomic_load_n(&workers[i].done, __ATOMIC_ACQUIRE))
				continue;
			pthread_kill(workers[i].t, SIGUSR1);
			signals_sent++;
		}
		nap(stopping() ? 0.002 : (200 + rnd(sw, 3800)) / 1e6);
	}
	return NULL;
}

/*
 * glibc's pthreads wait with the futex syscall, which for a 32-bit
 * program on a 64-bit kernel needs CONFIG_COMPAT_32BIT_TIME: without
 * it, glibc aborts. Find out first (as stress_test does).
 */
static const char *no_threads(void)
{
	int word = 0;

	if (syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0) < 0 &&
	    errno == ENOSYS)
		return "no futex(2) for 32-bit programs (COMPAT_32BIT_TIME=n)";
	return NULL;
}

/* ---- the end: watchdog, report, cleanup ---------------------------------- */

static int all_done(void)
{
	unsigned int i;

	for (i = 0; i < NR_WORKERS; i++)
		if (!__atomic_load_n(&workers[i].done, __ATOMIC_ACQUIRE))
			return 0;
	return 1;
}

/* Is every thread still out waiting on a managed VM's vCPU? */
static void report_stuck(const char *why)
{
	unsigned int i;
	struct worker *w;

	for (i = 0; i < NR_WORKERS; i++) {
		w = &workers[i];
		if (__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
			continue;
		printf("# thread %u %s: in %s on VM %u for %.1f s%s\n", i, why,
		       __atomic_load_n(&w->op, __ATOMIC_ACQUIRE),
		       __atomic_load_n(&w->op_vm, __ATOMIC_RELAXED),
		       now() - w->op_t0,
		       __atomic_load_n(&w->op_mvcpu, __ATOMIC_RELAXED) ?
		       " (a managed VM's vCPU: waits for a STOP)" : "");
	}
	fflush(stdout);
}

/* AXVM_QUERY_VM, or OPEN_VM + GET_VM_INFO on a module without it. */
static int query(__u32 id, struct axvm_vm_info *info)
{
	int fd, ret;

	memset(info, 0, sizeof(*info));
	info->id = id;
	if (!ioctl(sys, AXVM_QUERY_VM, info))
		return 0;
	if (errno != ENOTTY)
		return -1;
	fd = open_vm(id);
	if (fd < 0)
		return -1;
	ret = axvm_info(fd, info);
	close(fd);
	return ret;
}

/* The ids LIST_VMS gives now; their number, or -1. */
static long list_ids(__u32 *ids, __u32 room)
{
	struct axvm_vm_list l;

	memset(&l, 0, sizeof(l));
	l.nr = room;
	l.ids = U64P(ids);
	if (note(OP_LIST_VMS, ioctl(sys, AXVM_LIST_VMS, &l)))
		return -1;
	return l.nr;
}

static int rescue_done;

/* STOP every VM of ours, so a wait for a managed vCPU ends. */
static void *rescue(void *arg)
{
	static __u32 ids[4096];
	struct axvm_vm_info info;
	long i, n = list_ids(ids, 4096);
	int fd;

	(void)arg;
	for (i = 0; i < n && i < 4096; i++) {
		if (query(ids[i], &info) ||
		    is_baseline(ids[i], info.created_ns))
			continue;
		fd = open_vm(ids[i]);
		if (fd < 0)
			continue;
		note(OP_STOP, ioctl(fd, AXVM_STOP, 0));
		close(fd);
		rescues++;
	}
	__atomic_store_n(&rescue_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Wait until @cond or @secs pass. */
static void wait_for(int (*cond)(void), double secs)
{
	double t0 = now();

	while (!cond() && now() - t0 < secs)
		nap(0.02);
}

/* 1 when every thread is back (joined). */
static int watchdog(pthread_t sig_thread)
{
	pthread_t t;
	int ok, i;

	/* A managed VM's vCPU answers EBUSY while it runs: none may wait. */
	wait_for(all_done, GRACE_SIGNALS);
	ok = all_done();
	if (!ok)
		report_stuck("did not come back on signals");
	tap_check(ok, "every thread came back within %d s of the end, on signals alone",
		  GRACE_SIGNALS);
	if (!all_done()) {
		report_stuck("waits");
		if (!pthread_create(&t, NULL, rescue, NULL))
			pthread_detach(t);
		wait_for(all_done, GRACE_STOPPED);
	}
	ok = all_done();
	if (!ok)
		report_stuck("is stuck even after every VM was stopped");
	tap_check(ok, "all %d threads came back (none stuck)%s", NR_WORKERS,
		  rescues ? " once their VMs were stopped" : "");
	__atomic_store_n(&sig_stop, 1, __ATOMIC_RELEASE);
	pthread_join(sig_thread, NULL);
	for (i = 0; i < NR_WORKERS; i++)
		if (__atomic_load_n(&workers[i].done, __ATOMIC_ACQUIRE))
			pthread_join(workers[i].t, NULL);
	return ok;
}

static void print_counts(void)
{
	char line[1024];
	unsigned long total, n;
	unsigned int op, e;
	const char *name;
	int len;

	printf("# calls: ok, then each errno\n");
	for (op = 0; op < NR_OPS; op++) {
		for (total = 0, e = 0; e < NR_ERRNO; e++)
			total += op_count[op][e];
		if (!total)
			continue;
		len = snprintf(line, sizeof(line), "#   %-22s %7lu ok",
			       op_desc[op].name, op_count[op][0]);
		for (e = 1; e < NR_ERRNO && len < (int)sizeof(line) - 40; e++) {
			n = op_count[op][e];
			if (!n)
				continue;
			name = e < NR_ERRNO - 1 ? strerrorname_np(e) : NULL;
			if (name)
				len += snprintf(line + len, sizeof(line) - len,
						", %s %lu", name, n);
			else
				len += snprintf(line + len, sizeof(line) - len,
						", errno %u %lu", e, n);
		}
		printf("%s\n", line);
	}
}

static void print_depth(void)
{
	static const char *const modes[2] = { "VMM mode", "managed" };
	char line[512];
	unsigned int m, d, e;
	int len;

	for (m = 0; m < 2; m++) {
		len = snprintf(line, sizeof(line), "# %s VMs:", modes[m]);
		for (d = 0; d < NR_DEPTH; d++)
			len += snprintf(line + len, sizeof(line) - len,
					"%s %s %lu", d ? "," : "",
					depth_names[d], depth[m][d]);
		printf("%s\n", line);
	}
	len = snprintf(line, sizeof(line), "# RUN exits:");
	for (e = 0; e < NR_EXIT; e++)
		if (exits[e])
			len += snprintf(line + len, sizeof(line) - len,
					" %s %lu", exit_names[e], exits[e]);
	printf("%s\n", line);
	printf("# stopped VMs seen by GET_VM_INFO/QUERY_VM, by reason: requested %lu, debug-exit %lu, shutdown %lu, fail-entry %lu, internal %lu, poweroff %lu\n",
	       stop_reasons[AXVM_STOP_REQUESTED],
	       stop_reasons[AXVM_STOP_DEBUG_EXIT],
	       stop_reasons[AXVM_STOP_SHUTDOWN],
	       stop_reasons[AXVM_STOP_FAIL_ENTRY],
	       stop_reasons[AXVM_STOP_INTERNAL_ERROR],
	       stop_reasons[AXVM_STOP_POWEROFF]);
	printf("# %lu signals sent, %zu VMs created, %lu STOPs to end the run\n",
	       signals_sent, nr_made, rescues);
	fflush(stdout);
}

static void check_depth(void)
{
	static const char *const modes[2] = { "VMM-mode", "managed" };
	static const enum depth need[] = { D_RUNNING, D_STOPPED, D_RESTARTED,
					   D_DESTROYED };
	unsigned int m, i;

	for (m = 0; m < 2; m++) {
		for (i = 0; i < ARRAY_SIZE(need); i++)
			tap_check(depth[m][need[i]] > 0, "%s VMs were %s (%lu times)",
				  modes[m], depth_names[need[i]],
				  depth[m][need[i]]);
		if (scenario_fail[m][0])
			printf("# the last scripted %s lifecycle: %s\n",
			       modes[m], scenario_fail[m]);
	}
}

static void check_errnos(void)
{
	unsigned int i;

	if (!tap_check(!nr_odd, "every failing call gave an errno docs/api.md lists for it"))
		for (i = 0; i < ARRAY_SIZE(odd) && odd[i].n; i++)
			printf("# %s failed %lu times with %s (%s)\n",
			       op_desc[odd[i].op].name, odd[i].n,
			       strerrorname_np(odd[i].err) ?: "?",
			       strerror(odd[i].err));
	if (!tap_check(!nr_insane, "GET_VM_INFO and QUERY_VM always described a sane VM"))
		printf("# %lu times; the first: %s\n", nr_insane, insane_first);
	if (op_count[OP_QUERY_VM][ENOTTY])
		printf("# AXVM_QUERY_VM is not in this module (ENOTTY)\n");
}

/*
 * Close every fd, STOP and DESTROY every managed VM we made that is
 * still there; then no VM of ours may be listed.
 */
static void cleanup(void)
{
	static __u32 ids[4096];
	struct axvm_vm_info info;
	unsigned int i, j, bad = 0, destroyed = 0, left = 0;
	long n;
	int fd;

	for (i = 0; i < NR_SLOTS; i++) {
		struct slot *s = &slots[i];

		if (s->vm >= 0)
			close(s->vm);
		if (s->con >= 0)
			close(s->con);
		for (j = 0; j < MAX_VCPUS; j++)
			if (s->vcpu[j] >= 0)
				close(s->vcpu[j]);
		slot_clear(s);
	}
	for (i = 0; i < nr_made; i++) {
		if (!made[i].managed)
			continue;
		fd = reopen(made[i].id, made[i].ns);
		if (fd < 0)
			continue;		/* gone already */
		note(OP_STOP, ioctl(fd, AXVM_STOP, 0));
		if (!note(OP_DESTROY, ioctl(fd, AXVM_DESTROY, 0)))
			destroyed++;
		else if (errno != ENOENT && !bad++)
			printf("# DESTROY of managed VM %u: %s\n", made[i].id,
			       strerror(errno));
		close(fd);
	}
	tap_check(!bad, "DESTROY of each of the %u managed VMs still there at the end",
		  destroyed);
	n = list_ids(ids, 4096);
	for (i = 0; n > 0 && i < (unsigned long)n && i < 4096; i++) {
		if (query(ids[i], &info))
			continue;	/* gone since the LIST */
		if (is_baseline(ids[i], info.created_ns))
			continue;
		left++;
		printf("# left behind: VM %u \"%s\", %s, %s, %u vCPUs, stop reason %u\n",
		       ids[i], info.name,
		       info.flags & AXVM_VM_MANAGED ? "managed" : "VMM mode",
		       info.state <= AXVM_VM_STOPPED ? state_names[info.state] : "?",
		       info.nr_vcpus, info.exit_reason);
	}
	tap_check(n == (long)nr_base && !left,
		  "every fd closed and every managed VM destroyed: LIST_VMS shows %ld VMs (%u before the run)",
		  n, nr_base);
}

static void baseline(void)
{
	static __u32 ids[ARRAY_SIZE(base)];
	struct axvm_vm_info info;
	long i, n = list_ids(ids, ARRAY_SIZE(base));

	for (i = 0; i < n && i < (long)ARRAY_SIZE(base); i++) {
		base[nr_base].id = ids[i];
		/* 0 (unknown): that id is never ours to touch. */
		base[nr_base].ns = query(ids[i], &info) ? 0 : info.created_ns;
		nr_base++;
	}
	if (nr_base)
		printf("# %u VMs were there before the run: left alone\n",
		       nr_base);
}

/*
 * The first thing the fuzzer found (issue 11): a mapping of a vCPU fd
 * at offset AXVM_RUN_SIZE, right after a mapping of the run structure,
 * was merged into it without the driver's check, and mremap() could
 * grow the mapping; either way the second page gave SIGBUS instead of
 * mmap failing. Deterministic, so checked once here.
 */
static void test_run_mapping(void)
{
	const size_t pg = AXVM_RUN_SIZE;
	int vm, vcpu;
	__u8 *a, *b;

	vm = axvm_vm_new(sys, 0, 1, NULL, NULL);
	vcpu = vm >= 0 ? ioctl(vm, AXVM_CREATE_VCPU, 0) : -1;
	/* Two pages of address space: the run structure, then room. */
	a = mmap(NULL, 2 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vcpu < 0 || a == MAP_FAILED ||
	    mmap(a, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, vcpu,
		 0) != a || munmap(a + pg, pg)) {
		tap_check(0, "a VMM-mode VM with a vCPU and its run structure mapped");
		goto out;
	}
	b = mmap(a + pg, pg, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, vcpu, pg);
	if (!tap_check(b == MAP_FAILED && errno == EINVAL,
		       "mmap of a vCPU at offset %zu, next to its run structure: EINVAL",
		       pg))
		printf("# got %p (%s)\n", b, b == MAP_FAILED ? strerror(errno) : "mapped");
	if (b != MAP_FAILED)
		munmap(b, pg);
	b = mremap(a, pg, 2 * pg, 0);
	tap_check(b == MAP_FAILED, "mremap cannot grow the run structure's mapping");
	if (b != MAP_FAILED)
		munmap(b, 2 * pg);
	else
		munmap(a, pg);
	a = MAP_FAILED;
out:
	if (a != MAP_FAILED)
		munmap(a, 2 * pg);
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
}

static __u64 env_u64(const char *name, __u64 dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

int main(void)
{
	struct worker sigw;
	struct sigaction sa;
	pthread_t sig_thread;
	const char *why;
	__u64 seed;
	unsigned int i;
	int ok = 1;

	seed = env_u64("AXVM_FUZZ_SEED", (__u64)time(NULL) ^ ((__u64)getpid() << 32));
	dur = (double)env_u64("AXVM_FUZZ_SECONDS", sizeof(long) == 8 ? 40 : 8);
	sys = axvm_open();
	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	snprintf(tag, sizeof(tag), "fz%u", (unsigned int)getpid() % 100000);
	platform_pc = ioctl(sys, AXVM_CHECK_EXTENSION, AXVM_CAP_PLATFORM_PC) > 0;
	printf("# seed %llu: AXVM_FUZZ_SEED=%llu AXVM_FUZZ_SECONDS=%.0f repeats each thread's choices\n",
	       (unsigned long long)seed, (unsigned long long)seed, dur);
	printf("# %d threads on %d shared VMs for %.0f s, SIGUSR1 every few ms\n",
	       NR_WORKERS, NR_SLOTS, dur);
	fflush(stdout);
	baseline();
	test_run_mapping();
	why = no_threads();
	if (why) {
		tap_skip(why, "the fuzzer needs threads");
		return tap_done();
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;	/* no SA_RESTART: calls end with EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = NULL;
	sa.sa_sigaction = on_crash;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	for (i = 0; i < NR_SLOTS; i++) {
		pthread_mutex_init(&slots[i].lock, NULL);
		slot_clear(&slots[i]);
	}

	t_start = now();
	for (i = 0; i < NR_WORKERS; i++) {
		struct worker *w = &workers[i];

		w->idx = i;
		w->rng = (seed + 1) * 0x9e3779b97f4a7c15ULL ^ (i + 1);
		if (!w->rng)
			w->rng = 1;
		w->op = "starting";
		w->blob = malloc(BLOB_SIZE);
		w->buf = malloc(65536);
		if (!w->blob || !w->buf ||
		    pthread_create(&w->t, NULL, worker_main, w)) {
			ok = 0;
			w->done = 1;
		}
	}
	memset(&sigw, 0, sizeof(sigw));
	sigw.rng = seed ^ 0x5bd1e995ULL;
	if (!sigw.rng)
		sigw.rng = 1;
	if (pthread_create(&sig_thread, NULL, signaler, &sigw))
		ok = 0;
	if (!tap_check(ok, "%d worker threads and a signal thread started",
		       NR_WORKERS)) {
		__atomic_store_n(&g_stop, 1, __ATOMIC_RELEASE);
		fflush(stdout);
		_exit(1);
	}
	while (now() - t_start < dur)
		nap(0.1);
	__atomic_store_n(&g_stop, 1, __ATOMIC_RELEASE);

	ok = watchdog(sig_thread);
	print_counts();
	print_depth();
	check_depth();
	check_errnos();
	if (!ok) {
		/* A thread is inside the module: a cleanup could hang too. */
		tap_check(0, "no VM left behind (not checked: a thread is stuck)");
		tap_done();
		fflush(stdout);
		_exit(1);
	}
	cleanup();
	close(sys);
	return tap_done();
}
