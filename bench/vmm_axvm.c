// SPDX-License-Identifier: GPL-2.0
/*
 * axbench's axvm backend: a VMM-mode VM through /dev/axvm, built with
 * libaxvm (tools/lib/axvm/axvm.h) as axvmctl run builds one: CREATE_VM,
 * RAM, devices, CREATE_VCPU (its run structure mapped); then
 * LOAD_IMAGE, SET_ENTRY (long mode: the loader writes the GDT and page
 * tables), FINALIZE, START.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <axvm/axvm.h>
#include "vmm.h"

struct vm {
	struct axvm_vm ax;
	struct axvm_vcpu *vcpu;
};

static int sys_fd = -1;

static int ax_open(void)
{
	sys_fd = axvm_open();
	if (sys_fd < 0 || axvm_check_api(sys_fd))
		return -errno;
	if (axvm_check_extension(sys_fd, AXVM_CAP_HW_VIRT) <= 0)
		return -ENODEV;
	return 0;
}

static void ax_destroy(struct vm *vm)
{
	axvm_vm__close(&vm->ax);	/* keeps errno */
	free(vm);
}

static struct vm *ax_create(const struct vm_opts *o)
{
	struct axvm_create_vm c = { .max_vcpus = 1 };
	struct vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	if (axvm_vm__create(&vm->ax, sys_fd, &c))
		goto err;
	if (axvm_vm__add_ram(&vm->ax, 0, o->mem, AXVM_MEM_READ |
			     AXVM_MEM_WRITE | AXVM_MEM_EXEC))
		goto err;
	if (o->uart && axvm_vm__add_device(&vm->ax, &axvm_dev_com1))
		goto err;
	vm->vcpu = axvm_vm__add_vcpu(&vm->ax, 0);
	if (!vm->vcpu)
		goto err;
	return vm;
err:
	ax_destroy(vm);
	return NULL;
}

static int ax_load(struct vm *vm, const void *img, size_t size)
{
	if (axvm_vm__load_raw(&vm->ax, GUEST_GPA, img, size) ||
	    axvm_vm__set_entry(&vm->ax, GUEST_GPA, AXVM_MODE_LONG) ||
	    axvm_vm__finalize(&vm->ax) ||
	    axvm_vm__start(&vm->ax))
		return -errno;
	return 0;
}

static int ax_run(struct vm *vm, struct vmm_exit *x)
{
	struct axvm_run *run = vm->vcpu->run;

	memset(x, 0, sizeof(*x));
	if (axvm_vcpu__run(vm->vcpu)) {
		x->kind = VX_OTHER;
		x->reason = run->exit_reason;
		return -errno;
	}
	x->reason = run->exit_reason;
	switch (run->exit_reason) {
	case AXVM_EXIT_INTR:
		x->kind = VX_INTR;
		return -EINTR;
	case AXVM_EXIT_IO:
		x->kind = VX_IO;
		x->port = run->io.port;
		x->size = run->io.size;
		x->write = run->io.direction == AXVM_IO_OUT;
		x->data = run->io.data;
		break;
	case AXVM_EXIT_MMIO:
		x->kind = VX_MMIO;
		x->gpa = run->mmio.gpa;
		x->size = run->mmio.len;
		x->write = run->mmio.is_write;
		x->data = run->mmio.data;
		break;
	case AXVM_EXIT_HYPERCALL:
		x->kind = VX_HYPERCALL;
		x->nr = run->hypercall.nr;
		break;
	default:
		x->kind = VX_OTHER;
		return 0;
	}
	/* Nobody claims it: all ones for a read, as axvmctl does. */
	axvm_exit_unclaimed(run);
	return 0;
}

static void ax_set_immediate_exit(struct vm *vm, bool on)
{
	vm->vcpu->run->immediate_exit = on;
}

static void ax_set_hypercall_ret(struct vm *vm, uint64_t ret)
{
	vm->vcpu->run->hypercall.ret = ret;
}

const struct vmm_ops vmm_axvm = {
	.name			= "axvm",
	.open			= ax_open,
	.create			= ax_create,
	.load			= ax_load,
	.run			= ax_run,
	.set_immediate_exit	= ax_set_immediate_exit,
	.set_hypercall_ret	= ax_set_hypercall_ret,
	.destroy		= ax_destroy,
};
