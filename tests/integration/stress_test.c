// SPDX-License-Identifier: GPL-2.0
/*
 * Many VMs and many threads: 1,000 create/configure/destroy cycles
 * (the harness checks kmemleak afterwards), the max_vms and guest-memory
 * limits exhausted and recovered, and races between threads: create
 * and destroy in parallel with LIST/OPEN, one name wanted by two
 * threads, one DESTROY and one CREATE_VCPU issued by two at once.
 * Built 64-bit and 32-bit; prints TAP.
 */
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include "tap.h"

#define MiB		(1ULL << 20)
#define RWX		(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)

/*
 * The leak hunt is the 64-bit run's (kmemleak is read after all the
 * programs). A cycle costs 50-500 ms in the debug kernel under TCG,
 * so most are light and 1 in 10 goes through every step. The 32-bit
 * run only proves the compat path holds up over many cycles.
 */
#ifdef __LP64__
#define CYCLES		1000
#else
#define CYCLES		100
#endif

static int sys;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* How far cycle() takes a VM. */
enum depth {
	LIGHT,		/* create, RAM, a guest write, a UART, GET_VM_INFO */
	FULL,		/* and every other configuration step, FINALIZE */
	FULL_START,	/* and, in VMM mode, START then STOP */
};

/*
 * One small VM through the configuration steps; @managed VMs are
 * DESTROYed. Returns 0 or the number of the step that failed (errno
 * set); *@id is the VM's.
 */
static int cycle(int s, int managed, enum depth depth, const char *name,
		 __u32 *id)
{
	static const __u8 code[] = { 0xfa, 0xf4, 0xeb, 0xfd };
	__u8 buf[8192];
	struct axvm_image img;
	struct axvm_vm_info info;
	struct axvm_run *run;
	int vm, vcpu = -1, con = -1, step = 1, err;

	vm = axvm_vm_new(s, managed ? AXVM_VM_MANAGED : 0, 2, name, id);
	if (vm < 0)
		return step;
	memset(buf, 0x3c, sizeof(buf));
	memset(&img, 0, sizeof(img));
	img.buf = U64P(code);
	img.size = sizeof(code);
	img.gpa = 0x100000;
	img.flags = AXVM_IMAGE_SET_ENTRY;
	if (++step, axvm_region(vm, 0, 2 * MiB, RWX))
		goto out;
	if (++step, axvm_guest(vm, AXVM_WRITE_GUEST, 0x1ff0, buf, sizeof(buf)))
		goto out;
	if (++step, axvm_device(vm, AXVM_DEV_UART16550, AXVM_SPACE_PIO,
				0x3f8, 8, 4))
		goto out;
	if (++step, axvm_info(vm, &info) || info.memory_bytes != 2 * MiB ||
		    info.nr_vcpus != 0)
		goto out;
	if (depth == LIGHT)
		goto done;
	if (++step, axvm_region(vm, 4 * MiB, 64 << 10,
				RWX | AXVM_MEM_POPULATE))
		goto out;
	if (++step, ioctl(vm, AXVM_LOAD_IMAGE, &img))
		goto out;
	if (++step, axvm_device(vm, AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO,
				0xf4, 4, AXVM_IRQ_NONE))
		goto out;
	vcpu = ioctl(vm, AXVM_CREATE_VCPU, 0);
	if (++step, vcpu < 0)
		goto out;
	run = mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	if (++step, run == MAP_FAILED)
		goto out;
	munmap(run, AXVM_RUN_SIZE);
	con = ioctl(vm, AXVM_GET_CONSOLE_FD, O_NONBLOCK);
	if (++step, con < 0)
		goto out;
	if (++step, ioctl(vm, AXVM_FINALIZE, 0))
		goto out;
	/* VMM mode only: no guest runs before the STOP. */
	if (depth == FULL_START && !managed) {
		if (++step, ioctl(vm, AXVM_START, 0))
			goto out;
		if (++step, ioctl(vm, AXVM_STOP, 0))
			goto out;
	}
done:
	step = 0;
out:
	err = errno;
	if (managed && ioctl(vm, AXVM_DESTROY, 0) && !step) {
		step = 100;
		err = errno;
	}
	if (con >= 0)
		close(con);
	if (vcpu >= 0)
		close(vcpu);
	close(vm);
	errno = err;
	return step;
}

static void test_cycles(void)
{
	long base = axvm_count(sys);
	int i, step, bad = 0, first = 0, first_errno = 0;
	double t0 = now();
	__u32 id;

	for (i = 0; i < CYCLES; i++) {
		step = cycle(sys, i % 4 == 3,
			     i % 10 ? LIGHT : i % 20 ? FULL : FULL_START,
			     NULL, &id);
		if (step && !bad++) {
			first = step;
			first_errno = errno;
			printf("# cycle %d failed at step %d: %s\n", i, step,
			       strerror(errno));
		}
	}
	tap_check(!bad,
		  "%d create/configure/destroy cycles (1 in 4 managed, 1 in 10 FINALIZEd): %d failed (first at step %d, errno %d)",
		  CYCLES, bad, first, first_errno);
	printf("# %d cycles in %.1f s\n", CYCLES, now() - t0);
	tap_eq(axvm_count(sys), base, "no VM left behind by the cycles");
}

static void test_vm_limit(void)
{
	long max = ioctl(sys, AXVM_CHECK_EXTENSION, AXVM_CAP_MAX_VMS);
	long base = axvm_count(sys), i, n;
	int *fds, fd;

	if (max <= 0 || base < 0 || base >= max || max > 4096) {
		tap_skip("unexpected count or limit", "max_vms exhausted");
		return;
	}
	fds = calloc(max, sizeof(*fds));
	for (n = 0; n < max - base; n++) {
		fds[n] = axvm_vm_new(sys, 0, 1, NULL, NULL);
		if (fds[n] < 0)
			break;
	}
	tap_eq(n, max - base, "CREATE_VM up to max_vms (%ld VMs)", max);
	tap_errno(axvm_vm_new(sys, 0, 1, NULL, NULL), ENOSPC,
		  "CREATE_VM past max_vms: ENOSPC");
	tap_errno(axvm_vm_new(sys, AXVM_VM_MANAGED, 1, NULL, NULL), ENOSPC,
		  "CREATE_VM managed past max_vms: ENOSPC");
	tap_eq(axvm_count(sys), max, "LIST_VMS counts max_vms VMs");
	if (n > 0) {
		close(fds[--n]);
		fd = tap_fd(axvm_vm_new(sys, 0, 1, NULL, NULL),
			    "CREATE_VM once one VM is closed");
		if (fd >= 0)
			fds[n++] = fd;
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	tap_eq(axvm_count(sys), base, "all closed: the count is back");
}

/* Guest memory all VMs hold now, read through OPEN_VM + GET_VM_INFO. */
static __u64 memory_in_use(void)
{
	static __u32 ids[4096];
	struct axvm_vm_list l = { .nr = 4096, .ids = U64P(ids) };
	struct axvm_open_vm o;
	struct axvm_vm_info info;
	__u64 sum = 0;
	__u32 i;
	int fd;

	if (ioctl(sys, AXVM_LIST_VMS, &l))
		return ~0ULL;
	for (i = 0; i < l.nr && i < 4096; i++) {
		memset(&o, 0, sizeof(o));
		o.id = ids[i];
		fd = ioctl(sys, AXVM_OPEN_VM, &o);
		if (fd < 0)
			continue;
		if (!axvm_info(fd, &info))
			sum += info.memory_bytes + info.image_bytes;
		close(fd);
	}
	return sum;
}

static void test_memory_limit(void)
{
	__u64 per_vm = axvm_param("max_vm_memory_mb", 8192) << 20;
	__u64 total = axvm_param("max_total_memory_mb", 65536) << 20;
	__u64 left, size, used = memory_in_use();
	struct axvm_memory_region r;
	int fds[64], n = 0, ok = 1, i;

	if (used > total || total / per_vm > 48) {
		tap_skip("limits too large for this test",
			 "max_total_memory_mb exhausted");
		return;
	}
	/*
	 * Lazily populated: claiming 64 GiB of guest RAM costs nothing.
	 * Kept images count in bytes: a sub-page remainder stays free.
	 */
	for (left = total - used; left >= 4096; left -= size) {
		size = (left < per_vm ? left : per_vm) & ~4095ULL;
		fds[n] = axvm_vm_new(sys, 0, 1, NULL, NULL);
		if (fds[n] < 0 || axvm_region(fds[n], 0, size, RWX)) {
			ok = 0;
			n += fds[n] >= 0;
			break;
		}
		n++;
	}
	tap_check(ok, "regions up to max_total_memory_mb over %d VMs", n);
	fds[n] = axvm_vm_new(sys, 0, 1, NULL, NULL);
	tap_errno(axvm_region(fds[n], 0, 4096, RWX), ENOSPC,
		  "SET_MEMORY_REGION past max_total_memory_mb: ENOSPC");
	memset(&r, 0, sizeof(r));
	r.size = (per_vm < total - used ? per_vm : total - used) & ~4095ULL;
	tap_ret(ioctl(fds[0], AXVM_DEL_MEMORY_REGION, &r), 0,
		"DEL_MEMORY_REGION gives its size back");
	tap_ret(axvm_region(fds[n], 0, 4096, RWX), 0,
		"then SET_MEMORY_REGION fits again");
	close(fds[n]);
	close(fds[0]);
	fds[0] = axvm_vm_new(sys, 0, 1, NULL, NULL);
	tap_ret(axvm_region(fds[0], 0, r.size, RWX), 0,
		"closing a VM gives its memory back");
	for (i = 0; i < n; i++)
		close(fds[i]);
	tap_eq(memory_in_use(), used, "guest memory in use is back");
}

/* ---- races -------------------------------------------------------------- */

#define ITER		40

static int stop_listing;		/* __atomic only */
static int holders;			/* VMs named "st-race" alive */

struct worker {
	int id, errors, violations, races_won, err_step, err_errno;
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	char name[AXVM_NAME_LEN];
	int i, fd, step, s = axvm_open();
	__u32 id;

	for (i = 0; i < ITER; i++) {
		snprintf(name, sizeof(name), "st-w%d-%d", w->id, i);
		step = cycle(s, i % 3 == 0, i % 5 ? LIGHT : FULL, name, &id);
		if (step && !w->errors++) {
			w->err_step = step;
			w->err_errno = errno;
		}
		/* One name, two threads: never two VMs with it at once. */
		fd = axvm_vm_new(s, 0, 1, "st-race", NULL);
		if (fd >= 0) {
			if (__atomic_add_fetch(&holders, 1, __ATOMIC_SEQ_CST) > 1)
				w->violations++;
			w->races_won++;
			sched_yield();
			__atomic_sub_fetch(&holders, 1, __ATOMIC_SEQ_CST);
			close(fd);
		} else if (errno != EEXIST && !w->errors++) {
			w->err_step = 200;
			w->err_errno = errno;
		}
	}
	close(s);
	return NULL;
}

/* LIST, OPEN and GET_VM_INFO every VM while others come and go. */
static void *lister(void *arg)
{
	static __u32 ids[4096];
	struct axvm_vm_info info;
	struct axvm_open_vm o;
	int *errors = arg, fd;
	__u32 i;

	while (!__atomic_load_n(&stop_listing, __ATOMIC_SEQ_CST)) {
		struct axvm_vm_list l = { .nr = 4096, .ids = U64P(ids) };

		if (ioctl(sys, AXVM_LIST_VMS, &l)) {
			++*errors;
			continue;
		}
		for (i = 0; i < l.nr && i < 4096; i++) {
			memset(&o, 0, sizeof(o));
			o.id = ids[i];
			fd = ioctl(sys, AXVM_OPEN_VM, &o);
			if (fd < 0) {
				*errors += errno != ENOENT;
				continue;
			}
			*errors += axvm_info(fd, &info) != 0 ||
				   info.id != ids[i];
			close(fd);
		}
	}
	return NULL;
}

/*
 * glibc's pthreads wait with the futex syscall, which for a 32-bit
 * program on a 64-bit kernel needs CONFIG_COMPAT_32BIT_TIME (off in a
 * tinyconfig kernel): without it, glibc aborts. Find out first.
 */
static const char *no_threads(void)
{
	int word = 0;

	if (syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0) < 0 &&
	    errno == ENOSYS)
		return "no futex(2) for 32-bit programs (COMPAT_32BIT_TIME=n)";
	return NULL;
}

static void test_parallel(void)
{
	struct worker w[2] = { { .id = 0 }, { .id = 1 } };
	long base = axvm_count(sys);
	pthread_t t[3];
	int lerr = 0, i;
	const char *why = no_threads();

	if (why) {
		tap_skip(why, "threads: create/destroy against LIST/OPEN_VM");
		return;
	}

	pthread_create(&t[2], NULL, lister, &lerr);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, &w[i]);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	__atomic_store_n(&stop_listing, 1, __ATOMIC_SEQ_CST);
	pthread_join(t[2], NULL);
	for (i = 0; i < 2; i++)
		tap_check(!w[i].errors,
			  "thread %d: %d create/configure/destroy cycles, %d failed (first at step %d, errno %d)",
			  i, ITER, w[i].errors, w[i].err_step, w[i].err_errno);
	tap_eq(w[0].violations + w[1].violations, 0,
	       "two threads never both hold the name \"st-race\"");
	tap_check(w[0].races_won + w[1].races_won > 0,
		  "\"st-race\" was created %d times",
		  w[0].races_won + w[1].races_won);
	tap_eq(lerr, 0, "LIST/OPEN_VM/GET_VM_INFO meanwhile: only ENOENT");
	tap_eq(axvm_count(sys), base, "no VM left behind by the threads");
}

/* Two threads issue one ioctl each at the same moment, PAIRS times. */
#define PAIRS		40

struct pair {
	pthread_barrier_t *bar;
	int fd;
	unsigned long cmd, arg;
	long ret;
	int err;
};

static void *pair_run(void *arg)
{
	struct pair *p = arg;

	pthread_barrier_wait(p->bar);
	p->ret = ioctl(p->fd, p->cmd, p->arg);
	p->err = errno;
	return NULL;
}

static void race_pair(struct pair *a, struct pair *b)
{
	pthread_barrier_t bar;
	pthread_t ta, tb;

	pthread_barrier_init(&bar, NULL, 2);
	a->bar = b->bar = &bar;
	pthread_create(&ta, NULL, pair_run, a);
	pthread_create(&tb, NULL, pair_run, b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&bar);
}

static void test_pairs(void)
{
	int i, bad_destroy = 0, bad_vcpu = 0, vm, vm2;
	struct axvm_open_vm o;
	struct pair a, b;
	__u32 id = 0;
	const char *why = no_threads();

	if (why) {
		tap_skip(why, "threads: DESTROY and CREATE_VCPU races");
		return;
	}
	for (i = 0; i < PAIRS; i++) {
		vm = axvm_vm_new(sys, AXVM_VM_MANAGED, 1, NULL, &id);
		memset(&o, 0, sizeof(o));
		o.id = id;
		vm2 = ioctl(sys, AXVM_OPEN_VM, &o);
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		a.fd = vm;
		b.fd = vm2;
		a.cmd = b.cmd = AXVM_DESTROY;
		race_pair(&a, &b);
		/* Exactly one DESTROY wins; the other finds it destroyed. */
		if (!((a.ret == 0 && b.ret == -1 && b.err == ENOENT) ||
		      (b.ret == 0 && a.ret == -1 && a.err == ENOENT)))
			bad_destroy++;
		close(vm);
		close(vm2);
		if (axvm_listed(sys, id))
			bad_destroy++;

		vm = axvm_vm_new(sys, 0, 2, NULL, NULL);
		a.fd = b.fd = vm;
		a.cmd = b.cmd = AXVM_CREATE_VCPU;
		a.arg = b.arg = 1;
		race_pair(&a, &b);
		/* Exactly one vCPU 1: one fd, one EEXIST. */
		if (!((a.ret >= 0 && b.ret == -1 && b.err == EEXIST) ||
		      (b.ret >= 0 && a.ret == -1 && a.err == EEXIST)))
			bad_vcpu++;
		close(a.ret >= 0 ? a.ret : b.ret);
		close(vm);
	}
	tap_eq(bad_destroy, 0,
	       "%d x DESTROY from two fds at once: one 0, one ENOENT", PAIRS);
	tap_eq(bad_vcpu, 0,
	       "%d x CREATE_VCPU 1 from two threads: one fd, one EEXIST",
	       PAIRS);
}

int main(void)
{
	sys = axvm_open();
	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	test_cycles();
	test_vm_limit();
	test_memory_limit();
	test_parallel();
	test_pairs();
	close(sys);
	return tap_done();
}
