// SPDX-License-Identifier: GPL-2.0
/*
 * axbench's axvm backend: a VMM-mode VM through /dev/axvm, built the way
 * axvmctl run builds one (include/uapi/linux/axvm.h): CREATE_VM, RAM,
 * devices, CREATE_VCPU; then LOAD_IMAGE, SET_ENTRY (long mode: the
 * loader writes the GDT and page tables), FINALIZE, START.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/axvm.h>
#include "vmm.h"

struct vm {
	int fd;
	int vcpu;
	struct axvm_run *run;
};

static int sys_fd = -1;

static int ax_open(void)
{
	sys_fd = open("/dev/axvm", O_RDWR | O_CLOEXEC);
	if (sys_fd < 0)
		return -errno;
	if (ioctl(sys_fd, AXVM_GET_API_VERSION, 0) != AXVM_API_VERSION)
		return -EPROTO;
	if (ioctl(sys_fd, AXVM_CHECK_EXTENSION, AXVM_CAP_HW_VIRT) <= 0)
		return -ENODEV;
	return 0;
}

static void ax_destroy(struct vm *vm)
{
	int e = errno;

	if (vm->run && vm->run != MAP_FAILED)
		munmap(vm->run, AXVM_RUN_SIZE);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	if (vm->fd >= 0)
		close(vm->fd);
	free(vm);
	errno = e;
}

static struct vm *ax_create(const struct vm_opts *o)
{
	struct axvm_create_vm c = { .max_vcpus = 1 };
	struct axvm_memory_region r = {
		.gpa = 0,
		.size = o->mem,
		.flags = AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC,
		.map_type = AXVM_MAP_ALLOC,
	};
	struct axvm_device d = {
		.type = AXVM_DEV_UART16550,
		.space = AXVM_SPACE_PIO,
		.base = 0x3f8,
		.length = 8,
		.irq = 4,
		.name = "com1",
	};
	struct vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	vm->vcpu = -1;
	vm->fd = ioctl(sys_fd, AXVM_CREATE_VM, &c);
	if (vm->fd < 0)
		goto err;
	if (ioctl(vm->fd, AXVM_SET_MEMORY_REGION, &r))
		goto err;
	if (o->uart && ioctl(vm->fd, AXVM_ADD_DEVICE, &d))
		goto err;
	vm->vcpu = ioctl(vm->fd, AXVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		goto err;
	vm->run = mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	if (vm->run == MAP_FAILED)
		goto err;
	return vm;
err:
	ax_destroy(vm);
	return NULL;
}

static int ax_load(struct vm *vm, const void *img, size_t size)
{
	struct axvm_image im = {
		.buf = (uintptr_t)img,
		.size = size,
		.gpa = GUEST_GPA,
		.format = AXVM_IMAGE_RAW,
	};
	struct axvm_entry e = { .entry = GUEST_GPA, .mode = AXVM_MODE_LONG };

	if (ioctl(vm->fd, AXVM_LOAD_IMAGE, &im) ||
	    ioctl(vm->fd, AXVM_SET_ENTRY, &e) ||
	    ioctl(vm->fd, AXVM_FINALIZE, 0) ||
	    ioctl(vm->fd, AXVM_START, 0))
		return -errno;
	return 0;
}

static int ax_run(struct vm *vm, struct vmm_exit *x)
{
	struct axvm_run *run = vm->run;

	memset(x, 0, sizeof(*x));
	if (ioctl(vm->vcpu, AXVM_RUN, 0)) {
		x->kind = errno == EINTR ? VX_INTR : VX_OTHER;
		x->reason = run->exit_reason;
		return -errno;
	}
	x->reason = run->exit_reason;
	switch (run->exit_reason) {
	case AXVM_EXIT_IO:
		x->kind = VX_IO;
		x->port = run->io.port;
		x->size = run->io.size;
		x->write = run->io.direction == AXVM_IO_OUT;
		x->data = run->io.data;
		/* Nobody claims it: all ones for a read, as axvmctl does. */
		if (!x->write)
			run->io.data = ~0ULL;
		break;
	case AXVM_EXIT_MMIO:
		x->kind = VX_MMIO;
		x->gpa = run->mmio.gpa;
		x->size = run->mmio.len;
		x->write = run->mmio.is_write;
		x->data = run->mmio.data;
		if (!x->write)
			run->mmio.data = ~0ULL;
		break;
	case AXVM_EXIT_HYPERCALL:
		x->kind = VX_HYPERCALL;
		x->nr = run->hypercall.nr;
		break;
	default:
		x->kind = VX_OTHER;
		break;
	}
	return 0;
}

static void ax_set_immediate_exit(struct vm *vm, bool on)
{
	vm->run->immediate_exit = on;
}

static void ax_set_hypercall_ret(struct vm *vm, uint64_t ret)
{
	vm->run->hypercall.ret = ret;
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
