// SPDX-License-Identifier: GPL-2.0
/*
 * axvm-vmm: the smallest useful VMM on /dev/axvm, meant to be read top to
 * bottom. Each numbered step is one part of the API; docs/vmm-guide.md
 * walks through the same steps, include/uapi/linux/axvm.h and docs/api.md
 * are the reference.
 *
 *   axvm-vmm IMAGE   load a flat 64-bit binary at GPA 0x100000 and enter
 *                    it in long mode (e.g. tests/guests/hello.bin)
 *   axvm-vmm         run a built-in 16-bit real-mode guest that prints
 *                    2 + 2 (the guest of LWN's "Using the KVM API")
 *
 * The VM has no emulated device: the guest's serial port (COM1) and its
 * exit port (0xf4) reach this program as port I/O exits, and this loop
 * plays both. The exit status is what the guest wrote to port 0xf4, or 1
 * when something failed.
 *
 * Build: cc -O2 -Wall -o axvm-vmm axvm-vmm.c   (the header installed by
 * "make install", or -I include/uapi in the source tree)
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/axvm.h>

#define RAM_SIZE	(2u << 20)	/* guest RAM: 2 MiB at GPA 0 */
#define IMAGE_GPA	0x100000	/* where an IMAGE is loaded */
#define IMAGE_MAX	(RAM_SIZE - IMAGE_GPA)
#define REAL_GPA	0x1000		/* where the built-in guest is loaded */
#define COM1		0x3f8		/* the serial port's data register */
#define COM1_LSR	(COM1 + 5)	/* its line status register */
#define LSR_THRE	0x20		/* "transmitter empty": always, here */
#define EXIT_PORT	0xf4		/* a write of v here ends the guest */

/* The built-in guest, assembled by hand: print AL + BL, then exit 0. */
static const uint8_t real_guest[] = {
	0xba, 0xf8, 0x03,	/* mov $0x3f8, %dx */
	0x00, 0xd8,		/* add %bl, %al */
	0x04, '0',		/* add $'0', %al */
	0xee,			/* out %al, (%dx) */
	0xb0, '\n',		/* mov $'\n', %al */
	0xee,			/* out %al, (%dx) */
	0x31, 0xc0,		/* xor %ax, %ax */
	0xe6, 0xf4,		/* out %al, $0xf4 */
	0xf4,			/* hlt (never reached) */
};

static uint8_t image[IMAGE_MAX];

/* Read a flat binary; returns its size. */
static size_t read_image(const char *path)
{
	size_t n = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		err(1, "%s", path);
	while ((r = read(fd, image + n, sizeof(image) - n)) > 0)
		n += r;
	if (r < 0)
		err(1, "%s", path);
	if (n == sizeof(image) && read(fd, &(char){ 0 }, 1) > 0)
		errx(1, "%s: larger than %u bytes", path, IMAGE_MAX);
	close(fd);
	return n;
}

int main(int argc, char **argv)
{
	struct axvm_create_vm cv = { .max_vcpus = 1 };
	struct axvm_memory_region ram = {
		.gpa = 0, .size = RAM_SIZE,
		.flags = AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC,
		.map_type = AXVM_MAP_ALLOC,
	};
	struct axvm_guest_access load = { 0 };
	struct axvm_entry entry = { 0 };
	struct axvm_regs regs;
	struct axvm_run *run;
	int sys, vm, vcpu, api;

	/*
	 * 1. Open /dev/axvm and check the API version: it changes only if
	 *    an existing ioctl changes meaning. Features are probed with
	 *    AXVM_CHECK_EXTENSION instead.
	 */
	sys = open("/dev/axvm", O_RDWR | O_CLOEXEC);
	if (sys < 0)
		err(1, "/dev/axvm (is axvm.ko loaded? are you in group axvm?)");
	api = ioctl(sys, AXVM_GET_API_VERSION, 0);
	if (api != AXVM_API_VERSION)
		errx(1, "axvm API %d, this program knows %d", api,
		     AXVM_API_VERSION);
	if (ioctl(sys, AXVM_CHECK_EXTENSION, AXVM_CAP_VMM_MODE) <= 0)
		errx(1, "this axvm cannot run vCPUs from userspace");

	/*
	 * 2. Create a VM. No AXVM_VM_MANAGED flag: this is VMM mode, the
	 *    KVM way: we run the vCPU with AXVM_RUN on our own thread and
	 *    the VM lives as long as one of its fds is open.
	 */
	vm = ioctl(sys, AXVM_CREATE_VM, &cv);
	if (vm < 0)
		err(1, "AXVM_CREATE_VM");

	/*
	 * 3. Give it RAM. The kernel allocates it (on first touch, unless
	 *    AXVM_MEM_POPULATE) and maps it in the nested page table; guest
	 *    memory is not mapped into this process.
	 */
	if (ioctl(vm, AXVM_SET_MEMORY_REGION, &ram))
		err(1, "AXVM_SET_MEMORY_REGION");

	/*
	 * 4. Load the code and say where to enter it. AXVM_WRITE_GUEST
	 *    copies bytes into guest RAM (AXVM_LOAD_IMAGE would also parse
	 *    ELF and Multiboot). The mode decides the state at entry: in
	 *    long mode the kernel builds a GDT and page tables that
	 *    identity-map the low 4 GiB, in GPA 0x9000-0xffff.
	 */
	if (argc > 1) {
		load.size = read_image(argv[1]);
		load.gpa = IMAGE_GPA;
		load.buf = (uintptr_t)image;
		entry.entry = IMAGE_GPA;
		entry.mode = AXVM_MODE_LONG;
	} else {
		load.size = sizeof(real_guest);
		load.gpa = REAL_GPA;
		load.buf = (uintptr_t)real_guest;
		entry.entry = REAL_GPA;
		entry.mode = AXVM_MODE_REAL;
	}
	if (ioctl(vm, AXVM_WRITE_GUEST, &load))
		err(1, "AXVM_WRITE_GUEST");
	if (ioctl(vm, AXVM_SET_ENTRY, &entry))
		err(1, "AXVM_SET_ENTRY");

	/*
	 * 5. Create vCPU 0 and map its struct axvm_run: after each RUN the
	 *    kernel says there why it came back, and we answer there.
	 */
	vcpu = ioctl(vm, AXVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		err(1, "AXVM_CREATE_VCPU");
	run = mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	if (run == MAP_FAILED)
		err(1, "mmap of the vCPU");

	/*
	 * 6. FINALIZE ends configuration (loading -> loaded) and puts every
	 *    vCPU in its entry state; registers set after it stick. START
	 *    makes the VM runnable (loaded -> running).
	 */
	if (ioctl(vm, AXVM_FINALIZE, 0))
		err(1, "AXVM_FINALIZE");
	if (argc <= 1) {
		if (ioctl(vcpu, AXVM_GET_REGS, &regs))
			err(1, "AXVM_GET_REGS");
		regs.rax = 2;
		regs.rbx = 2;
		if (ioctl(vcpu, AXVM_SET_REGS, &regs))
			err(1, "AXVM_SET_REGS");
	}
	if (ioctl(vm, AXVM_START, 0))
		err(1, "AXVM_START");

	/*
	 * 7. Run. AXVM_RUN returns when the guest did something the kernel
	 *    leaves to us. For an IN, the value we put in run->io.data is
	 *    what the guest reads when we call AXVM_RUN again.
	 *
	 * 8. The guest's write to port 0xf4 ends this program; exiting
	 *    closes our fds, and the last close frees a VMM-mode VM.
	 */
	for (;;) {
		if (ioctl(vcpu, AXVM_RUN, 0)) {
			if (errno == EINTR)	/* a signal: just go on */
				continue;
			err(1, "AXVM_RUN");
		}
		switch (run->exit_reason) {
		case AXVM_EXIT_IO:
			if (run->io.direction == AXVM_IO_OUT &&
			    run->io.port == COM1) {
				putchar((int)(run->io.data & 0xff));
				fflush(stdout);
			} else if (run->io.direction == AXVM_IO_OUT &&
				   run->io.port == EXIT_PORT) {
				return (int)(run->io.data & 0xff);
			} else if (run->io.direction == AXVM_IO_IN) {
				/* A missing port reads as all ones. */
				run->io.data = run->io.port == COM1_LSR ?
					       LSR_THRE : ~0ULL;
			}
			break;			/* other OUTs: dropped */
		case AXVM_EXIT_MMIO:
			if (!run->mmio.is_write)
				run->mmio.data = ~0ULL;
			break;
		case AXVM_EXIT_HYPERCALL:
			run->hypercall.ret = (uint64_t)-ENOSYS;
			break;
		case AXVM_EXIT_INTR:
		case AXVM_EXIT_HALT:
			break;
		case AXVM_EXIT_SYSTEM_DOWN:	/* an in-kernel exit device */
			return (int)(run->system_down.code & 0xff);
		case AXVM_EXIT_STOPPED:		/* AXVM_STOP from elsewhere */
			errx(1, "the VM was stopped");
		case AXVM_EXIT_SHUTDOWN:
			errx(1, "guest triple fault");
		case AXVM_EXIT_FAIL_ENTRY:
			errx(1, "entry failed: %#llx", (unsigned long long)
			     run->fail_entry.hardware_reason);
		case AXVM_EXIT_INTERNAL_ERROR:
			errx(1, "internal error %u", run->internal.suberror);
		default:
			errx(1, "exit reason %u", run->exit_reason);
		}
	}
}
