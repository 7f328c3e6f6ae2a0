// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/axvm API from userspace: every ioctl that needs no running
 * guest, its success path and its failures. Built 64-bit and 32-bit
 * (the compat path); prints TAP.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/axvm.h>
#include "tap.h"

/* The ABI is the same for 32- and 64-bit callers: pin every size. */
_Static_assert(sizeof(struct axvm_create_vm) == 144, "create_vm");
_Static_assert(sizeof(struct axvm_vm_list) == 16, "vm_list");
_Static_assert(sizeof(struct axvm_open_vm) == 24, "open_vm");
_Static_assert(sizeof(struct axvm_vm_stats) == 128, "vm_stats");
_Static_assert(sizeof(struct axvm_vm_info) == 240, "vm_info");
_Static_assert(sizeof(struct axvm_memory_region) == 40, "memory_region");
_Static_assert(sizeof(struct axvm_guest_access) == 32, "guest_access");
_Static_assert(sizeof(struct axvm_image) == 64, "image");
_Static_assert(sizeof(struct axvm_device) == 64, "device");
_Static_assert(sizeof(struct axvm_entry) == 32, "entry");
_Static_assert(sizeof(struct axvm_irq) == 16, "irq");
_Static_assert(sizeof(struct axvm_regs) == 144, "regs");
_Static_assert(sizeof(struct axvm_sregs) == 232, "sregs");
_Static_assert(sizeof(struct axvm_interrupt) == 8, "interrupt");
_Static_assert(offsetof(struct axvm_run, exit_reason) == 8, "run.exit_reason");
_Static_assert(sizeof(struct axvm_run) == 272, "run");

static void test_system(int sys)
{
	tap_ret(ioctl(sys, AXVM_GET_API_VERSION, 0), AXVM_API_VERSION,
		"GET_API_VERSION returns %d", AXVM_API_VERSION);
	tap_errno(ioctl(sys, AXVM_GET_API_VERSION, 1), EINVAL,
		  "GET_API_VERSION with an argument: EINVAL");
	tap_errno(ioctl(sys, _IO(AXVMIO, 0x7f), 0), ENOTTY,
		  "unknown ioctl on /dev/axvm: ENOTTY");
	tap_errno(ioctl(sys, _IO('X', 1), 0), ENOTTY,
		  "foreign ioctl type on /dev/axvm: ENOTTY");
	tap_ret(ioctl(sys, AXVM_CHECK_EXTENSION, AXVM_CAP_NR), 0,
		"CHECK_EXTENSION of an unknown capability: 0");
}

int main(void)
{
	int sys = open("/dev/axvm", O_RDWR | O_CLOEXEC);

	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	test_system(sys);
	close(sys);
	return tap_done();
}
