// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory is charged to the memory cgroup of the VM's creator,
 * whoever causes the allocation (issue 11, item 6):
 *  - a managed VM's RAM is populated by the module's vCPU threads, which
 *    have no cgroup of their own: the creator's memory.max must still
 *    bound it, and a guest touching more RAM than that stops with an
 *    internal error (-ENOMEM) instead of escaping the limit;
 *  - an image another process loads into it (through OPEN_VM) is
 *    charged to the creator too, kept copy and RAM alike.
 * The creator is a child moved into a fresh cgroup with memory.max
 * 32 MiB; it creates the VM and exits, the VM lives on in the module.
 * Built 64-bit and 32-bit; prints TAP.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include "tap.h"

#define MiB		(1ULL << 20)
#define RWX		(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)
#define CG_ROOT		"/sys/fs/cgroup"
#define CG		CG_ROOT "/axvm-memcg-test"
#define LIMIT		(32 * MiB)
#define RAM		(64 * MiB)
#define IMAGE		(8 * MiB)

/*
 * Long mode at 0x100000: touch every page from 2 MiB to the top of RAM,
 * then write 0 to the debug-exit port.
 */
static const __u8 toucher[] = {
	0x48, 0xc7, 0xc7, 0x00, 0x00, 0x20, 0x00,	/* mov rdi, 0x200000 */
	0xb9, 0x00, 0x3e, 0x00, 0x00,			/* mov ecx, 62M/4K */
	0xc6, 0x07, 0x01,				/* 1: mov byte [rdi], 1 */
	0x48, 0x81, 0xc7, 0x00, 0x10, 0x00, 0x00,	/* add rdi, 4096 */
	0xe2, 0xf4,					/* loop 1b */
	0x31, 0xc0,					/* xor eax, eax */
	0xe6, 0xf4,					/* out 0xf4, al */
	0xf4,						/* hlt */
};

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static long long read_num(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtoll(buf, NULL, 10);
}

/* cgroup2 with the memory controller for our child cgroup, or -1. */
static int cgroup_setup(void)
{
	char buf[256] = "";
	ssize_t n;
	int fd;

	mkdir(CG_ROOT, 0755);
	if (access(CG_ROOT "/cgroup.controllers", F_OK) &&
	    mount("none", CG_ROOT, "cgroup2", 0, NULL))
		return -1;
	fd = open(CG_ROOT "/cgroup.controllers", O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || !strstr(buf, "memory"))
		return -1;
	if (write_file(CG_ROOT "/cgroup.subtree_control", "+memory"))
		return -1;
	rmdir(CG);
	if (mkdir(CG, 0755))
		return -1;
	snprintf(buf, sizeof(buf), "%llu", LIMIT);
	return write_file(CG "/memory.max", buf);
}

/* The child: join the cgroup, build the managed VM, report its id. */
static void creator(int sys, int out)
{
	struct axvm_image img;
	__u32 id = 0;
	int vm;

	if (write_file(CG "/cgroup.procs", "0"))
		_exit(1);
	vm = axvm_vm_new(sys, AXVM_VM_MANAGED, 1, "memcg-vm", &id);
	memset(&img, 0, sizeof(img));
	img.buf = U64P(toucher);
	img.size = sizeof(toucher);
	img.gpa = 0x100000;
	img.flags = AXVM_IMAGE_SET_ENTRY;
	if (vm < 0 || axvm_region(vm, 0, RAM, RWX) ||
	    axvm_device(vm, AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO, 0xf4, 4,
			AXVM_IRQ_NONE) ||
	    ioctl(vm, AXVM_LOAD_IMAGE, &img))
		id = 0;
	if (write(out, &id, sizeof(id)) != sizeof(id))
		_exit(1);
	_exit(0);
}

int main(void)
{
	struct axvm_vm_info info;
	struct axvm_open_vm o;
	struct axvm_image img;
	long long before, after, limit_events;
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int sys, vm, p[2], i;
	__u8 *blob;
	__u32 id = 0;
	pid_t pid;

	sys = axvm_open();
	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	if (!tap_check(!cgroup_setup(),
		       "a cgroup2 group with memory.max %llu MiB (%s)",
		       LIMIT / MiB, strerror(errno)))
		return tap_done();

	if (pipe(p))
		return tap_done();
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		creator(sys, p[1]);
	if (pid < 0 || read(p[0], &id, sizeof(id)) != sizeof(id))
		id = 0;
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (!tap_check(id != 0, "a process in the group created managed VM %u and exited",
		       id))
		goto out_cg;

	memset(&o, 0, sizeof(o));
	o.id = id;
	vm = tap_fd(ioctl(sys, AXVM_OPEN_VM, &o), "root opens it (OPEN_VM)");
	if (vm < 0)
		goto out_cg;

	/* An image root loads is the VM's memory: the creator pays. */
	blob = calloc(1, IMAGE);
	before = read_num(CG "/memory.current");
	memset(&img, 0, sizeof(img));
	img.buf = U64P(blob);
	img.size = IMAGE;
	img.gpa = 16 * MiB;
	tap_ret(blob ? ioctl(vm, AXVM_LOAD_IMAGE, &img) : -1, 0,
		"root loads an %llu MiB image into it", IMAGE / MiB);
	after = read_num(CG "/memory.current");
	free(blob);
	if (!tap_check(before >= 0 && after - before >= (long long)IMAGE,
		       "the creator's group is charged for the image (copy and RAM)"))
		printf("# memory.current %lld -> %lld\n", before, after);

	tap_ret(ioctl(vm, AXVM_FINALIZE, 0), 0, "FINALIZE");
	tap_ret(ioctl(vm, AXVM_START, 0), 0,
		"START: the guest touches %llu MiB of RAM", RAM / MiB);
	/* The test's own clock: only a watchdog, the VM stops by itself. */
	for (i = 0; i < 6000; i++) {
		if (axvm_info(vm, &info) || info.state == AXVM_VM_STOPPED)
			break;
		nanosleep(&ts, NULL);
	}
	tap_eq(info.state, AXVM_VM_STOPPED, "the VM stopped by itself");
	if (!tap_check(info.exit_reason == AXVM_STOP_INTERNAL_ERROR &&
		       info.exit_code == -ENOMEM,
		       "the guest hit memory.max: internal error, -ENOMEM"))
		printf("# exit_reason %u exit_code %lld, %llu pages populated\n",
		       info.exit_reason, (long long)info.exit_code,
		       (unsigned long long)info.stats.npf_populated);
	tap_check(info.stats.npf_populated * 4096 < LIMIT,
		  "it populated less than the limit (%llu pages)",
		  (unsigned long long)info.stats.npf_populated);
	after = read_num(CG "/memory.current");
	tap_check(after > 0 && after <= (long long)LIMIT,
		  "memory.current %lld stays within memory.max", after);
	limit_events = -1;
	{
		char buf[512] = "", *m;
		int fd = open(CG "/memory.events", O_RDONLY);

		if (fd >= 0) {
			if (read(fd, buf, sizeof(buf) - 1) < 0)
				buf[0] = 0;
			close(fd);
		}
		m = strstr(buf, "\nmax ");
		if (m)
			limit_events = strtoll(m + 5, NULL, 10);
	}
	tap_check(limit_events > 0, "memory.events counts the group at its max (%lld)",
		  limit_events);

	tap_ret(ioctl(vm, AXVM_DESTROY, 0), 0, "DESTROY it");
	close(vm);
	tap_eq(axvm_listed(sys, id), 0, "it is gone");
out_cg:
	tap_ret(rmdir(CG), 0, "the group is removed");
	close(sys);
	return tap_done();
}
