// SPDX-License-Identifier: GPL-2.0
/*
 * A nested page fault while the CPU delivers an event is not the
 * instruction at RIP (issue 11, item 7). The guest points its IDT at a
 * GPA no RAM and no device claims, then raises #GP with a store that
 * would itself be a valid MMIO instruction. Delivery reads the IDT gate
 * there: axvm must report an internal error (DELIVERY) naming that GPA,
 * not emulate the store as an MMIO write to the IDT's address.
 * Built 64-bit and 32-bit; prints TAP.
 */
#include <sys/mman.h>
#include "tap.h"

#define MiB		(1ULL << 20)
#define RWX		(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)
#define IDT_GPA		0xe0000000ULL
#define GP_VECTOR	13

/* Long mode at 0x100000. */
static const __u8 guest[] = {
	0x48, 0x8d, 0x05, 0x10, 0x00, 0x00, 0x00,	/* lea rax, [rip + 16] (desc) */
	0x0f, 0x01, 0x18,				/* lidt [rax] */
	0x48, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0x80,		/* mov rbx, 1 << 63 */
	0x89, 0x03,					/* mov [rbx], eax: #GP */
	0xf4,						/* hlt (never reached) */
	0xff, 0x0f,					/* desc: limit 0xfff */
	0x00, 0x00, 0x00, 0xe0, 0, 0, 0, 0,		/*       base IDT_GPA */
};

int main(void)
{
	struct axvm_image img;
	struct axvm_run *run;
	int sys, vm, vcpu, ret;

	sys = axvm_open();
	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	vm = axvm_vm_new(sys, 0, 1, "delivery", NULL);
	memset(&img, 0, sizeof(img));
	img.buf = U64P(guest);
	img.size = sizeof(guest);
	img.gpa = 0x100000;
	img.flags = AXVM_IMAGE_SET_ENTRY;
	vcpu = vm >= 0 ? ioctl(vm, AXVM_CREATE_VCPU, 0) : -1;
	run = vcpu >= 0 ? mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE,
			       MAP_SHARED, vcpu, 0) : MAP_FAILED;
	if (!tap_check(vm >= 0 && vcpu >= 0 && run != MAP_FAILED &&
		       !axvm_region(vm, 0, 4 * MiB, RWX) &&
		       !ioctl(vm, AXVM_LOAD_IMAGE, &img) &&
		       !ioctl(vm, AXVM_FINALIZE, 0) && !ioctl(vm, AXVM_START, 0),
		       "a VMM-mode VM whose IDT is outside RAM"))
		return tap_done();

	ret = ioctl(vcpu, AXVM_RUN, 0);
	tap_ret(ret, 0, "RUN returns");
	if (!tap_check(run->exit_reason == AXVM_EXIT_INTERNAL_ERROR &&
		       run->internal.suberror == AXVM_INTERNAL_ERROR_DELIVERY,
		       "exit: internal error, DELIVERY (not an MMIO write)"))
		printf("# exit_reason %u suberror %u mmio gpa %#llx\n",
		       run->exit_reason, run->internal.suberror,
		       (unsigned long long)run->mmio.gpa);
	tap_eq(run->internal.data[0], IDT_GPA + GP_VECTOR * 16,
	       "data[0]: the GPA of the #GP gate");
	tap_eq(run->internal.data[1] & 0x800000ff, 0x80000000 | GP_VECTOR,
	       "data[1]: EXITINTINFO, valid, vector 13");
	tap_eq(axvm_state(vm), AXVM_VM_STOPPED, "the VM stopped");
	munmap(run, AXVM_RUN_SIZE);
	close(vcpu);
	close(vm);
	close(sys);
	return tap_done();
}
