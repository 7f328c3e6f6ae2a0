// SPDX-License-Identifier: GPL-2.0
/*
 * libaxvm: a VM. Creating or opening it, configuring it while it is
 * loading (RAM, devices, images, the entry, vCPUs), its lifecycle, and
 * closing it with everything created through it. Each call but create,
 * open, add_vcpu and close is one ioctl on the VM fd; where a call takes
 * plain values, the request structure is built here, its flags and
 * reserved fields zero (the uapi structures have no implicit padding, so
 * an initializer zeroes every byte).
 */
#include <errno.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "axvm.h"

const struct axvm_device axvm_dev_com1 = {
	.type = AXVM_DEV_UART16550, .space = AXVM_SPACE_PIO,
	.base = 0x3f8, .length = 8, .irq = 4, .name = "com1",
};

const struct axvm_device axvm_dev_debug_exit = {
	.type = AXVM_DEV_DEBUG_EXIT, .space = AXVM_SPACE_PIO,
	.base = 0xf4, .length = 4, .irq = AXVM_IRQ_NONE, .name = "debug-exit",
};

static void vm_clear(struct axvm_vm *vm)
{
	vm->fd = -1;
	vm->id = 0;
	vm->flags = 0;
	vm->nr_vcpus = 0;
}

int axvm_vm__create(struct axvm_vm *vm, int sys, struct axvm_create_vm *cv)
{
	vm_clear(vm);
	vm->fd = ioctl(sys, AXVM_CREATE_VM, cv);
	if (vm->fd < 0)
		return -1;
	vm->id = cv->id;
	vm->flags = cv->flags;
	return 0;
}

int axvm_vm__open(struct axvm_vm *vm, int sys, uint32_t id)
{
	struct axvm_open_vm o = { .id = id };
	struct axvm_vm_info info;

	vm_clear(vm);
	vm->fd = ioctl(sys, AXVM_OPEN_VM, &o);
	if (vm->fd < 0)
		return -1;
	if (axvm_vm__info(vm, &info)) {
		axvm_vm__close(vm);
		return -1;
	}
	vm->id = id;
	vm->flags = info.flags;
	return 0;
}

void axvm_vm__close(struct axvm_vm *vm)
{
	int err = errno;
	uint32_t i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, AXVM_RUN_SIZE);
		close(vm->vcpus[i].fd);
	}
	if (vm->fd >= 0)
		close(vm->fd);
	vm_clear(vm);
	errno = err;
}

int axvm_vm__info(struct axvm_vm *vm, struct axvm_vm_info *info)
{
	return ioctl(vm->fd, AXVM_GET_VM_INFO, info);
}

int axvm_vm__add_region(struct axvm_vm *vm,
			const struct axvm_memory_region *r)
{
	return ioctl(vm->fd, AXVM_SET_MEMORY_REGION, r);
}

int axvm_vm__add_ram(struct axvm_vm *vm, uint64_t gpa, uint64_t size,
		     uint32_t flags)
{
	struct axvm_memory_region r = {
		.gpa = gpa, .size = size, .flags = flags,
		.map_type = AXVM_MAP_ALLOC,
	};

	return axvm_vm__add_region(vm, &r);
}

int axvm_vm__add_device(struct axvm_vm *vm, const struct axvm_device *dev)
{
	return ioctl(vm->fd, AXVM_ADD_DEVICE, dev);
}

int axvm_vm__load_image(struct axvm_vm *vm, struct axvm_image *im)
{
	return ioctl(vm->fd, AXVM_LOAD_IMAGE, im);
}

/* AXVM_LOAD_IMAGE of @size bytes at @gpa, with @string (NULL: none). */
static int load_at(struct axvm_vm *vm, uint32_t format, uint64_t gpa,
		   const void *buf, size_t size, const char *string)
{
	struct axvm_image im = {
		.buf = (uintptr_t)buf, .size = size, .gpa = gpa,
		.format = format, .cmdline = (uintptr_t)string,
	};

	return axvm_vm__load_image(vm, &im);
}

int axvm_vm__load_raw(struct axvm_vm *vm, uint64_t gpa, const void *buf,
		      size_t size)
{
	return load_at(vm, AXVM_IMAGE_RAW, gpa, buf, size, NULL);
}

int axvm_vm__load_module(struct axvm_vm *vm, uint64_t gpa, const void *buf,
			 size_t size, const char *string)
{
	return load_at(vm, AXVM_IMAGE_MODULE, gpa, buf, size, string);
}

int axvm_vm__load_initrd(struct axvm_vm *vm, uint64_t gpa, const void *buf,
			 size_t size)
{
	return load_at(vm, AXVM_IMAGE_INITRD, gpa, buf, size, NULL);
}

int axvm_vm__set_entry(struct axvm_vm *vm, uint64_t entry, uint32_t mode)
{
	struct axvm_entry e = { .entry = entry, .mode = mode };

	return ioctl(vm->fd, AXVM_SET_ENTRY, &e);
}

int axvm_vm__set_ap_entry(struct axvm_vm *vm, uint64_t entry)
{
	struct axvm_entry e = { .entry = entry, .flags = AXVM_ENTRY_AP };

	return ioctl(vm->fd, AXVM_SET_ENTRY, &e);
}

struct axvm_vcpu *axvm_vm__add_vcpu(struct axvm_vm *vm, uint32_t id)
{
	struct axvm_vcpu *vcpu;
	void *run = NULL;
	int fd, err;

	if (vm->nr_vcpus >= AXVM_LIB_MAX_VCPUS) {
		errno = ENOSPC;
		return NULL;
	}
	fd = ioctl(vm->fd, AXVM_CREATE_VCPU, (unsigned long)id);
	if (fd < 0)
		return NULL;
	if (!(vm->flags & AXVM_VM_MANAGED)) {
		run = mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE,
			   MAP_SHARED, fd, 0);
		if (run == MAP_FAILED) {
			err = errno;
			close(fd);
			errno = err;
			return NULL;
		}
	}
	vcpu = &vm->vcpus[vm->nr_vcpus++];
	vcpu->fd = fd;
	vcpu->id = id;
	vcpu->run = run;
	return vcpu;
}

static int guest_access(struct axvm_vm *vm, unsigned long req, uint64_t gpa,
			const void *buf, uint64_t size)
{
	struct axvm_guest_access ga = {
		.gpa = gpa, .size = size, .buf = (uintptr_t)buf,
	};

	return ioctl(vm->fd, req, &ga);
}

int axvm_vm__read(struct axvm_vm *vm, uint64_t gpa, void *buf,
		  uint64_t size)
{
	return guest_access(vm, AXVM_READ_GUEST, gpa, buf, size);
}

int axvm_vm__write(struct axvm_vm *vm, uint64_t gpa, const void *buf,
		   uint64_t size)
{
	return guest_access(vm, AXVM_WRITE_GUEST, gpa, buf, size);
}

/*
 * The lifecycle: axvm_vm__finalize(), __start(), __pause(), __resume(),
 * __stop(), __restart() and __destroy(), each its ioctl with no argument.
 */
#define VM_LIFECYCLE(verb, req)						\
int axvm_vm__##verb(struct axvm_vm *vm)					\
{									\
	return ioctl(vm->fd, req, 0UL);					\
}

VM_LIFECYCLE(finalize, AXVM_FINALIZE)
VM_LIFECYCLE(start, AXVM_START)
VM_LIFECYCLE(pause, AXVM_PAUSE)
VM_LIFECYCLE(resume, AXVM_RESUME)
VM_LIFECYCLE(stop, AXVM_STOP)
VM_LIFECYCLE(restart, AXVM_RESTART)
VM_LIFECYCLE(destroy, AXVM_DESTROY)

int axvm_vm__irq_line(struct axvm_vm *vm, uint32_t vcpu, uint32_t line)
{
	struct axvm_irq irq = { .vcpu = vcpu, .irq = line };

	return ioctl(vm->fd, AXVM_IRQ_LINE, &irq);
}

int axvm_vm__set_gsi(struct axvm_vm *vm, uint32_t gsi, uint32_t level)
{
	struct axvm_gsi g = { .gsi = gsi, .level = level };

	return ioctl(vm->fd, AXVM_SET_GSI, &g);
}

int axvm_vm__signal_msi(struct axvm_vm *vm, uint64_t address, uint32_t data)
{
	struct axvm_msi msi = { .address = address, .data = data };

	return ioctl(vm->fd, AXVM_SIGNAL_MSI, &msi);
}

int axvm_vm__console(struct axvm_vm *vm, int flags)
{
	return ioctl(vm->fd, AXVM_GET_CONSOLE_FD, (unsigned long)flags);
}
