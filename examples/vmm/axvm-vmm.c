// SPDX-License-Identifier: GPL-2.0
/*
 * axvm-vmm: the smallest useful VMM on /dev/axvm, meant to be read top to
 * bottom. Each numbered step is one part of the API; docs/vmm-guide.md
 * walks through the same steps. It is written on libaxvm (<axvm/axvm.h>),
 * which does the ioctl plumbing; include/uapi/linux/axvm.h and
 * docs/api.md are the reference for what lies beneath.
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
 * Build: cc -O2 -Wall -o axvm-vmm axvm-vmm.c -laxvm   (the header and
 * library installed by "make install"; in the source tree, -I include/uapi
 * -I tools/lib and build/lib/libaxvm.a)
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <axvm/axvm.h>

#define RAM_SIZE	(2u << 20)	/* guest RAM: 2 MiB at GPA 0 */
#define IMAGE_GPA	0x100000	/* where an IMAGE is loaded */
#define IMAGE_MAX	(1u << 20)	/* what one AXVM_WRITE_GUEST takes */
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

int main(int argc, char **argv)
{
	struct axvm_create_vm cv = { .max_vcpus = 1 };
	const void *code = real_guest;
	size_t size = sizeof(real_guest);
	uint64_t gpa = REAL_GPA;
	uint32_t mode = AXVM_MODE_REAL;
	struct axvm_vcpu *vcpu;
	struct axvm_regs regs;
	struct axvm_run *run;
	struct axvm_vm vm;
	void *image;
	int sys;

	/*
	 * 1. Open /dev/axvm and check the API version: it changes only if
	 *    an existing ioctl changes meaning. Features are probed with
	 *    axvm_check_extension() (AXVM_CHECK_EXTENSION) instead.
	 */
	sys = axvm_open();
	if (sys < 0)
		err(1, "/dev/axvm (is axvm.ko loaded? are you in group axvm?)");
	if (axvm_check_api(sys))
		err(1, "axvm API version %d", AXVM_API_VERSION);
	if (axvm_check_extension(sys, AXVM_CAP_VMM_MODE) <= 0)
		errx(1, "this axvm cannot run vCPUs from userspace");

	/*
	 * 2. Create a VM. No AXVM_VM_MANAGED flag: this is VMM mode, the
	 *    KVM way: we run the vCPU with AXVM_RUN on our own thread and
	 *    the VM lives as long as one of its fds is open.
	 */
	if (axvm_vm__create(&vm, sys, &cv))
		err(1, "AXVM_CREATE_VM");

	/*
	 * 3. Give it RAM. The kernel allocates it (on first touch, unless
	 *    AXVM_MEM_POPULATE) and maps it in the nested page table; guest
	 *    memory is not mapped into this process.
	 */
	if (axvm_vm__add_ram(&vm, 0, RAM_SIZE,
			     AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC))
		err(1, "AXVM_SET_MEMORY_REGION");

	/*
	 * 4. Load the code and say where to enter it. axvm_vm__write()
	 *    (AXVM_WRITE_GUEST) copies bytes into guest RAM;
	 *    axvm_vm__load_image() would also parse ELF and Multiboot. The
	 *    mode decides the state at entry: in long mode the kernel builds
	 *    a GDT and page tables that identity-map the low 4 GiB, in GPA
	 *    0x9000-0xffff.
	 */
	if (argc > 1) {
		if (axvm_image_read(argv[1], &image, &size))
			err(1, "%s", argv[1]);
		if (size > IMAGE_MAX)
			errx(1, "%s: larger than %u bytes", argv[1], IMAGE_MAX);
		code = image;
		gpa = IMAGE_GPA;
		mode = AXVM_MODE_LONG;
	}
	if (axvm_vm__write(&vm, gpa, code, size))
		err(1, "AXVM_WRITE_GUEST");
	if (axvm_vm__set_entry(&vm, gpa, mode))
		err(1, "AXVM_SET_ENTRY");

	/*
	 * 5. Create vCPU 0. In VMM mode libaxvm maps its struct axvm_run
	 *    too: after each RUN the kernel says there why it came back, and
	 *    we answer there.
	 */
	vcpu = axvm_vm__add_vcpu(&vm, 0);
	if (!vcpu)
		err(1, "AXVM_CREATE_VCPU");
	run = vcpu->run;

	/*
	 * 6. FINALIZE ends configuration (loading -> loaded) and puts every
	 *    vCPU in its entry state; registers set after it stick. START
	 *    makes the VM runnable (loaded -> running).
	 */
	if (axvm_vm__finalize(&vm))
		err(1, "AXVM_FINALIZE");
	if (argc <= 1) {
		if (axvm_vcpu__get_regs(vcpu, &regs))
			err(1, "AXVM_GET_REGS");
		regs.rax = 2;
		regs.rbx = 2;
		if (axvm_vcpu__set_regs(vcpu, &regs))
			err(1, "AXVM_SET_REGS");
	}
	if (axvm_vm__start(&vm))
		err(1, "AXVM_START");

	/*
	 * 7. Run. axvm_vcpu__run() returns when the guest did something the
	 *    kernel leaves to us (a signal shows as AXVM_EXIT_INTR). For an
	 *    IN, the value we put in run->io.data is what the guest reads
	 *    when we run it again. What we do not play, axvm_exit_unclaimed()
	 *    answers as an empty machine would: reads all ones, writes
	 *    dropped, hypercalls -ENOSYS.
	 *
	 * 8. The guest's write to port 0xf4 ends this program; exiting
	 *    closes our fds, and the last close frees a VMM-mode VM
	 *    (axvm_vm__close() does it by hand).
	 */
	for (;;) {
		if (axvm_vcpu__run(vcpu))
			err(1, "AXVM_RUN");
		switch (run->exit_reason) {
		case AXVM_EXIT_IO:
			if (run->io.direction == AXVM_IO_OUT &&
			    run->io.port == COM1) {
				putchar((int)(run->io.data & 0xff));
				fflush(stdout);
				continue;
			}
			if (run->io.direction == AXVM_IO_OUT &&
			    run->io.port == EXIT_PORT)
				return (int)(run->io.data & 0xff);
			if (run->io.direction == AXVM_IO_IN &&
			    run->io.port == COM1_LSR) {
				run->io.data = LSR_THRE;
				continue;
			}
			break;
		case AXVM_EXIT_INTR:		/* a signal: just go on */
		case AXVM_EXIT_HALT:
			continue;
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
		}
		/* Other ports, MMIO, hypercalls: nothing there. */
		if (!axvm_exit_unclaimed(run))
			errx(1, "exit reason %u", run->exit_reason);
	}
}
