// SPDX-License-Identifier: GPL-2.0
/*
 * axbench: time the same guest workloads through KVM or through axvm.
 *
 *   axbench --kvm|--axvm [options] WORKLOAD...
 *
 * One process, one backend (the other's module is not loaded); the
 * caller alternates backends between runs (bench/plan-bench.sh). Every
 * time is CLOCK_MONOTONIC read by this VMM, never by the guest: for the
 * exit workloads from the exit at the guest's start mark to the exit at
 * its done mark (bench/guests/bench.h), divided by the iterations.
 *
 * The work is timed in short bursts (--burst iterations; 4 KiB for the
 * UART) and a run reports its fastest burst: the test host is a QEMU
 * process on a shared machine, and whenever the machine is busy the
 * host preempts it, which only ever adds time to a burst. The same goes
 * for the repeated VM-lifetime workloads: the fastest repetition. The
 * mean over all bursts is printed as a detail.
 *
 * The VMM also counts the workload's exits that reach it, and fails the
 * workload when they do not match where the table says the exit is
 * handled, so the "handled" column is checked, not assumed.
 *
 * Output, one line each (parsed by scripts/check.py):
 *   result NAME VALUE UNIT
 *   detail NAME free text
 *   error NAME what went wrong
 * Exit status: 0 when every workload gave a result, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "vmm.h"

/* bench/guests/bench.h */
#define PORT_FIRST	0x80
#define PORT_START	0x501
#define PORT_DONE	0x502
#define PORT_WORK	0x510
#define COM1		0x3f8
#define MMIO_ADDR	0x70000000ULL
#define HDR_ITERS	8
#define HDR_WARMUP	16

#define KVM_ENOSYS_RAX	((uint32_t)-1000)	/* -KVM_ENOSYS, 32 bits of it */
#define MiB		(1ULL << 20)
#define GUEST_RAM	(64 * MiB)
/*
 * The guest RAM an idle axvm VM has populated: the image page, and the
 * GDT, PML4, PDPT and four page directories the loader wrote. KVM's
 * guest RAM is this process's anonymous memory, seen in AnonPages
 * (where transparent huge pages make it 2 MiB, not 32 KiB).
 */
#define AXVM_IDLE_GUEST_KB	(8 * 4)

struct opts {
	const struct vmm_ops *ops;
	const char *guests;
	uint64_t iters;		/* exit workloads */
	uint64_t burst;		/* iterations timed together */
	uint64_t warmup;
	uint64_t uart_bytes;
	uint64_t uart_burst;
	unsigned int reps;	/* create-destroy, first-insn */
	unsigned int vms;	/* idle-vm-kmem */
	int cpu;
};

static struct opts opt = {
	.guests = "guests",
	.iters = 10000,
	.burst = 100,
	.warmup = 64,
	.uart_bytes = MiB,
	.uart_burst = 4096,
	.reps = 20,
	.vms = 32,
	.cpu = 1,
};

static int failures;

static void error(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void error(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("error %s ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures++;
}

static void result(const char *name, double value, const char *unit)
{
	printf("result %s %.4f %s\n", name, value, unit);
	fflush(stdout);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A guest image with its header patched; free() it. */
static void *guest_image(const char *guest, uint64_t iters, uint64_t warmup,
			 size_t *size)
{
	char path[512];
	uint8_t *buf;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.bin", opt.guests, guest);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	buf = calloc(1, 65536);
	n = buf ? read(fd, buf, 65536) : -1;
	close(fd);
	if (n <= 0 || n == 65536) {
		free(buf);
		errno = n < 0 ? errno : EFBIG;
		return NULL;
	}
	if (n >= HDR_WARMUP + 8) {
		memcpy(buf + HDR_ITERS, &iters, 8);
		memcpy(buf + HDR_WARMUP, &warmup, 8);
	}
	*size = n;
	return buf;
}

/* A loaded 64 MiB VM running @guest; NULL after reporting the error. */
static struct vm *guest_vm(const char *name, const char *guest,
			   const struct vm_opts *vo, uint64_t iters,
			   uint64_t warmup)
{
	struct vm *vm;
	size_t size;
	void *img;
	int ret;

	img = guest_image(guest, iters, warmup, &size);
	if (!img) {
		error(name, "guest %s/%s.bin: %s", opt.guests, guest,
		      strerror(errno));
		return NULL;
	}
	vm = opt.ops->create(vo);
	if (!vm) {
		error(name, "create: %s", strerror(errno));
		free(img);
		return NULL;
	}
	ret = opt.ops->load(vm, img, size);
	free(img);
	if (ret) {
		error(name, "load: %s", strerror(-ret));
		opt.ops->destroy(vm);
		return NULL;
	}
	return vm;
}

/* ---- exit workloads ------------------------------------------------------ */

struct exit_wl {
	const char *name;
	const char *guest;
	bool uart;		/* axvm: in-kernel UART; iterations = bytes */
	bool hcall_exit;	/* KVM: KVM_CAP_EXIT_HYPERCALL */
	/* The workload's exits reach the VMM on axvm / on KVM. */
	bool user_axvm, user_kvm;
};

static const struct exit_wl exit_wls[] = {
	{ "cpuid", "cpuid", false, false, false, false },
	{ "vmmcall", "vmmcall", false, false, true, false },
	{ "vmmcall-user", "vmmcall", false, true, true, true },
	{ "pio", "pio", false, false, true, true },
	{ "mmio", "mmio", false, false, true, true },
	{ "uart-1m", "uart", true, false, false, true },
};

/*
 * What a VMM does with a console byte: keep it in a ring, as axvm's
 * console does in the kernel.
 */
static uint8_t console_ring[65536];
static uint64_t console_head;

static bool is_axvm(void)
{
	return opt.ops == &vmm_axvm;
}

/* Is @x one of this workload's own exits? */
static bool workload_exit(const struct exit_wl *w, const struct vmm_exit *x)
{
	switch (x->kind) {
	case VX_IO:
		return x->write && x->port == (w->uart ? COM1 : PORT_WORK);
	case VX_MMIO:
		return x->write && x->gpa == MMIO_ADDR && x->size == 4;
	case VX_HYPERCALL:
		return x->nr == 12;
	default:
		return false;
	}
}

/* Fastest, median and mean of @n burst times, per iteration (ns). */
struct bursts {
	uint64_t *t;
	unsigned int n;
};

static void bursts_report(const char *name, struct bursts *b, uint64_t per,
			  double scale, const char *unit)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < b->n; i++)
		sum += b->t[i];
	qsort(b->t, b->n, sizeof(*b->t), cmp_u64);
	result(name, b->t[0] * scale / per, unit);
	printf("detail %s %u bursts of %llu: fastest %.4f, median %.4f, mean %.4f %s\n",
	       name, b->n, (unsigned long long)per, b->t[0] * scale / per,
	       b->t[b->n / 2] * scale / per, (double)sum / b->n * scale / per,
	       unit);
}

static void exit_workload(const struct exit_wl *w)
{
	struct vm_opts vo = {
		.mem = GUEST_RAM, .uart = w->uart, .hypercall_exit = w->hcall_exit,
	};
	uint64_t total = w->uart ? opt.uart_bytes : opt.iters;
	uint64_t per = w->uart ? opt.uart_burst : opt.burst;
	uint64_t t0 = 0, user = 0, done_val = 0;
	bool started = false, user_side;
	struct bursts b;
	struct vmm_exit x;
	struct vm *vm;
	int ret;

	if (per > total)
		per = total;
	b.n = (total + per - 1) / per;
	b.t = calloc(b.n, sizeof(*b.t));
	if (!b.t) {
		error(w->name, "out of memory");
		return;
	}
	vm = guest_vm(w->name, w->guest, &vo, per, opt.warmup);
	if (!vm) {
		free(b.t);
		return;
	}
	for (unsigned int i = 0; i < b.n;) {
		ret = opt.ops->run(vm, &x);
		if (ret) {
			error(w->name, "RUN: %s (exit reason %u)",
			      strerror(-ret), x.reason);
			goto out;
		}
		if (x.kind == VX_IO && x.write && x.port == PORT_START &&
		    !started) {
			started = true;
			t0 = now_ns();
			continue;
		}
		if (x.kind == VX_IO && x.write && x.port == PORT_DONE &&
		    started) {
			b.t[i++] = now_ns() - t0;
			done_val = x.data;
			started = false;
			continue;
		}
		if (!workload_exit(w, &x)) {
			error(w->name, "unexpected exit: kind %d reason %u port %#x gpa %#llx",
			      x.kind, x.reason, x.port,
			      (unsigned long long)x.gpa);
			goto out;
		}
		if (started)
			user++;
		if (x.kind == VX_HYPERCALL)
			opt.ops->set_hypercall_ret(vm, 0);
		else if (w->uart)
			console_ring[console_head++ % sizeof(console_ring)] =
				x.data;
	}

	/* The "handled" column, checked. */
	user_side = is_axvm() ? w->user_axvm : w->user_kvm;
	if (user != (user_side ? b.n * per : 0)) {
		error(w->name, "%llu of %llu exits reached userspace, expected %s",
		      (unsigned long long)user,
		      (unsigned long long)(b.n * per),
		      user_side ? "all" : "none");
		goto out;
	}
	if (!strcmp(w->guest, "vmmcall") && !user_side &&
	    (uint32_t)done_val != KVM_ENOSYS_RAX) {
		error(w->name, "RAX after VMMCALL is %#x, expected -KVM_ENOSYS",
		      (uint32_t)done_val);
		goto out;
	}
	if (w->uart)
		bursts_report(w->name, &b, per, (double)MiB / 1e9, "s/MiB");
	else
		bursts_report(w->name, &b, per, 1e-3, "us");
out:
	free(b.t);
	opt.ops->destroy(vm);
}

/* ---- RUN with immediate_exit: the ioctl floor ---------------------------- */

/* Run @vm until its first exit, which must be the OUT to PORT_FIRST. */
static bool run_to_first(const char *name, struct vm *vm)
{
	struct vmm_exit x;
	int ret;

	ret = opt.ops->run(vm, &x);
	if (ret || x.kind != VX_IO || x.port != PORT_FIRST) {
		error(name, "first exit: %s, kind %d reason %u port %#x",
		      ret ? strerror(-ret) : "ok", x.kind, x.reason, x.port);
		return false;
	}
	return true;
}

static void run_immediate(const char *name)
{
	struct vm_opts vo = { .mem = GUEST_RAM };
	uint64_t per = opt.burst > opt.iters ? opt.iters : opt.burst;
	struct bursts b = { .n = (opt.iters + per - 1) / per };
	struct vmm_exit x;
	uint64_t i, t0;
	unsigned int k;
	struct vm *vm;
	int ret;

	b.t = calloc(b.n, sizeof(*b.t));
	if (!b.t) {
		error(name, "out of memory");
		return;
	}
	vm = guest_vm(name, "first", &vo, 0, 0);
	if (!vm)
		goto out_free;
	if (!run_to_first(name, vm))
		goto out;
	opt.ops->set_immediate_exit(vm, true);
	for (k = 0; k <= b.n; k++) {	/* burst 0 warms up */
		t0 = now_ns();
		for (i = 0; i < per; i++) {
			ret = opt.ops->run(vm, &x);
			if (ret != -EINTR) {
				error(name, "RUN with immediate_exit: %s, exit reason %u",
				      ret ? strerror(-ret) : "entered the guest",
				      x.reason);
				goto out;
			}
		}
		if (k)
			b.t[k - 1] = now_ns() - t0;
	}
	bursts_report(name, &b, per, 1e-3, "us");
out:
	opt.ops->destroy(vm);
out_free:
	free(b.t);
}

/* ---- VM lifetime --------------------------------------------------------- */

static void report_reps(const char *name, uint64_t *t)
{
	struct bursts b = { .t = t, .n = opt.reps };

	bursts_report(name, &b, 1, 1e-6, "ms");
}

/* Create (RAM, one vCPU) and destroy, @reps times: the fastest. */
static void create_destroy(const char *name, uint64_t mem)
{
	struct vm_opts vo = { .mem = mem };
	uint64_t *t = calloc(opt.reps, sizeof(*t)), t0;
	unsigned int i;
	struct vm *vm;

	if (!t) {
		error(name, "out of memory");
		return;
	}
	for (i = 0; i < opt.reps + 1; i++) {
		t0 = now_ns();
		vm = opt.ops->create(&vo);
		if (!vm) {
			error(name, "create with %llu MiB: %s",
			      (unsigned long long)(mem / MiB), strerror(errno));
			goto out;
		}
		opt.ops->destroy(vm);
		if (i)		/* the first one warms up */
			t[i - 1] = now_ns() - t0;
	}
	report_reps(name, t);
out:
	free(t);
}

/* From CREATE_VM to the exit of the guest's first instruction. */
static void first_insn(const char *name)
{
	struct vm_opts vo = { .mem = GUEST_RAM };
	uint64_t *t = calloc(opt.reps, sizeof(*t)), t0;
	size_t size;
	void *img = guest_image("first", 0, 0, &size);
	unsigned int i;
	struct vm *vm;
	int ret;

	if (!t || !img) {
		error(name, "guest first.bin: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < opt.reps + 1; i++) {
		t0 = now_ns();
		vm = opt.ops->create(&vo);
		if (!vm) {
			error(name, "create: %s", strerror(errno));
			goto out;
		}
		ret = opt.ops->load(vm, img, size);
		if (ret) {
			error(name, "load: %s", strerror(-ret));
			opt.ops->destroy(vm);
			goto out;
		}
		if (!run_to_first(name, vm)) {
			opt.ops->destroy(vm);
			goto out;
		}
		if (i)
			t[i - 1] = now_ns() - t0;
		opt.ops->destroy(vm);
	}
	report_reps(name, t);
out:
	free(img);
	free(t);
}

/* ---- memory per idle VM -------------------------------------------------- */

struct meminfo {
	long long free_kb;	/* MemFree + pages on per-CPU free lists */
	long long anon_kb, slab_kb, pt_kb, secpt_kb, stack_kb, vmalloc_kb;
};

static long long pcp_free_kb(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	long long pages = 0, n;
	bool in_pagesets = false;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "pagesets"))
			in_pagesets = true;
		else if (!strncmp(line, "Node", 4))
			in_pagesets = false;
		else if (in_pagesets && sscanf(line, " count: %lld", &n) == 1)
			pages += n;
	}
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

static void read_meminfo(struct meminfo *m)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char key[64];
	long long v;

	memset(m, 0, sizeof(*m));
	if (!f)
		return;
	while (fscanf(f, "%63s %lld%*[^\n]", key, &v) == 2) {
		if (!strcmp(key, "MemFree:"))
			m->free_kb = v;
		else if (!strcmp(key, "AnonPages:"))
			m->anon_kb = v;
		else if (!strcmp(key, "Slab:"))
			m->slab_kb = v;
		else if (!strcmp(key, "PageTables:"))
			m->pt_kb = v;
		else if (!strcmp(key, "SecPageTables:"))
			m->secpt_kb = v;
		else if (!strcmp(key, "KernelStack:"))
			m->stack_kb = v;
		else if (!strcmp(key, "VmallocUsed:"))
			m->vmalloc_kb = v;
	}
	fclose(f);
	m->free_kb += pcp_free_kb();
}

/*
 * N VMs of 64 MiB, each run to its first exit and left idle: how much
 * more memory the host uses per VM, less its guest RAM: less AnonPages
 * (KVM's guest RAM, and whatever else this process allocated) and, for
 * axvm, the pages its guest RAM holds (AXVM_IDLE_GUEST_KB). Free pages
 * on the per-CPU lists count as free. One VM made first and kept keeps
 * one-time costs (enabling SVM, first-VM setup) out.
 */
static void idle_vm_kmem(const char *name)
{
	struct vm_opts vo = { .mem = GUEST_RAM };
	struct vm **vms = calloc(opt.vms + 1, sizeof(*vms));
	struct meminfo a, b;
	unsigned int i, n = 0;
	double per;

	if (!vms) {
		error(name, "out of memory");
		return;
	}
	vms[n] = guest_vm(name, "first", &vo, 0, 0);
	if (!vms[n] || !run_to_first(name, vms[n]))
		goto out;
	n++;
	sync();
	read_meminfo(&a);
	for (i = 0; i < opt.vms; i++) {
		vms[n] = guest_vm(name, "first", &vo, 0, 0);
		if (!vms[n])
			goto out;
		n++;
		if (!run_to_first(name, vms[n - 1]))
			goto out;
	}
	read_meminfo(&b);
	per = (double)(a.free_kb - b.free_kb) / opt.vms;
	result(name, per - (double)(b.anon_kb - a.anon_kb) / opt.vms -
		     (is_axvm() ? AXVM_IDLE_GUEST_KB : 0), "KiB");
	printf("detail %s per VM (KiB): used %.1f, of which AnonPages %.1f Slab %.1f PageTables %.1f SecPageTables %.1f KernelStack %.1f; VmallocUsed %+.1f\n",
	       name, per, (double)(b.anon_kb - a.anon_kb) / opt.vms,
	       (double)(b.slab_kb - a.slab_kb) / opt.vms,
	       (double)(b.pt_kb - a.pt_kb) / opt.vms,
	       (double)(b.secpt_kb - a.secpt_kb) / opt.vms,
	       (double)(b.stack_kb - a.stack_kb) / opt.vms,
	       (double)(b.vmalloc_kb - a.vmalloc_kb) / opt.vms);
out:
	while (n)
		opt.ops->destroy(vms[--n]);
	free(vms);
}

/* ---- main ---------------------------------------------------------------- */

static const char *const all_workloads[] = {
	"cpuid", "vmmcall", "vmmcall-user", "pio", "mmio", "run-immediate",
	"uart-1m", "create-destroy-64m", "create-destroy-4g", "first-insn",
	"idle-vm-kmem",
};

static void workload(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(exit_wls) / sizeof(exit_wls[0]); i++) {
		if (!strcmp(name, exit_wls[i].name)) {
			exit_workload(&exit_wls[i]);
			return;
		}
	}
	if (!strcmp(name, "run-immediate"))
		run_immediate(name);
	else if (!strcmp(name, "create-destroy-64m"))
		create_destroy(name, 64 * MiB);
	else if (!strcmp(name, "create-destroy-4g"))
		create_destroy(name, 4096 * MiB);
	else if (!strcmp(name, "first-insn"))
		first_insn(name);
	else if (!strcmp(name, "idle-vm-kmem"))
		idle_vm_kmem(name);
	else
		error(name, "no such workload");
}

static void usage(void)
{
	unsigned int i;

	fprintf(stderr,
		"usage: axbench --kvm|--axvm [--iters N] [--burst N] [--warmup N]\n"
		"               [--uart-bytes N] [--uart-burst N] [--reps N] [--vms N]\n"
		"               [--cpu N] [--guests DIR] WORKLOAD...|all\n"
		"workloads:");
	for (i = 0; i < sizeof(all_workloads) / sizeof(all_workloads[0]); i++)
		fprintf(stderr, " %s", all_workloads[i]);
	fprintf(stderr, "\n");
	exit(2);
}

static uint64_t num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || !*s)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	cpu_set_t set;
	unsigned int i;
	int a, ret;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		const char *o = argv[a];

		if (!strcmp(o, "--kvm"))
			opt.ops = &vmm_kvm;
		else if (!strcmp(o, "--axvm"))
			opt.ops = &vmm_axvm;
		else if (a + 1 >= argc)
			usage();
		else if (!strcmp(o, "--iters"))
			opt.iters = num(argv[++a]);
		else if (!strcmp(o, "--burst"))
			opt.burst = num(argv[++a]);
		else if (!strcmp(o, "--uart-burst"))
			opt.uart_burst = num(argv[++a]);
		else if (!strcmp(o, "--warmup"))
			opt.warmup = num(argv[++a]);
		else if (!strcmp(o, "--uart-bytes"))
			opt.uart_bytes = num(argv[++a]);
		else if (!strcmp(o, "--reps"))
			opt.reps = num(argv[++a]);
		else if (!strcmp(o, "--vms"))
			opt.vms = num(argv[++a]);
		else if (!strcmp(o, "--cpu"))
			opt.cpu = num(argv[++a]);
		else if (!strcmp(o, "--guests"))
			opt.guests = argv[++a];
		else
			usage();
	}
	if (!opt.ops || a == argc || !opt.iters || !opt.burst ||
	    !opt.uart_bytes || !opt.uart_burst || !opt.reps || !opt.vms)
		usage();

	/* Both backends run the vCPU on this thread: keep it on one CPU. */
	CPU_ZERO(&set);
	CPU_SET(opt.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "axbench: cannot pin to CPU %d: %s\n", opt.cpu,
			strerror(errno));
	ret = opt.ops->open();
	if (ret) {
		printf("error open %s: %s\n", opt.ops->name, strerror(-ret));
		return 1;
	}
	for (; a < argc; a++) {
		if (strcmp(argv[a], "all")) {
			workload(argv[a]);
			continue;
		}
		for (i = 0; i < sizeof(all_workloads) / sizeof(all_workloads[0]);
		     i++)
			workload(all_workloads[i]);
	}
	return failures ? 1 : 0;
}
