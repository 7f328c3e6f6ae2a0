// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl: turn a finished struct vm_config into a VM in state
 * "loaded": CREATE_VM, SET_MEMORY_REGION for each region, ADD_DEVICE
 * for each device, LOAD_IMAGE, SET_ENTRY, CREATE_VCPU for each vCPU,
 * FINALIZE. Shared by run (VMM mode) and create (managed mode).
 *
 * The image is read and checked before anything is created, so most
 * mistakes cost no ioctl; a failure after CREATE_VM destroys a managed
 * VM again (a VMM-mode VM goes with its last fd).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "axvmctl.h"

#define RAW_GPA_DEFAULT		0x100000ULL
#define RAW_GPA_REAL		0x7c00ULL
#define REAL_MODE_LIMIT		0x10000ULL

static int set_cloexec(int fd)
{
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void vm_init(struct vm *vm)
{
	unsigned int i;

	memset(vm, 0, sizeof(*vm));
	vm->sys_fd = -1;
	vm->vm_fd = -1;
	for (i = 0; i < VM_MAX_VCPUS; i++)
		vm->vcpu_fd[i] = -1;
}

void vm_close(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < VM_MAX_VCPUS; i++)
		if (vm->vcpu_fd[i] >= 0)
			close(vm->vcpu_fd[i]);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	vm_init(vm);
}

/* Pick the format: the caller's choice, checked against the file. */
static int image_format(const struct vm_config *cfg, const struct image *img,
			const char *op, uint32_t *format)
{
	bool elf = image_is_elf(img->buf, img->size);

	if (cfg->image_kind == IMAGE_ELF && !elf) {
		errf("%s: %s: not an ELF file", op, cfg->image);
		return -1;
	}
	if (cfg->image_kind == IMAGE_RAW || !elf)
		*format = AXVM_IMAGE_RAW;
	else if (image_is_multiboot(img->buf, img->size))
		*format = AXVM_IMAGE_MULTIBOOT;
	else
		*format = AXVM_IMAGE_ELF;
	return 0;
}

static int add_regions(const struct vm_config *cfg, const char *op,
		       struct vm *vm)
{
	unsigned int i;
	char sz[24];

	for (i = 0; i < cfg->nr_regions; i++) {
		const struct axvm_memory_region *r = &cfg->regions[i];

		if (!ioctl(vm->vm_fd, AXVM_SET_MEMORY_REGION, r))
			continue;
		format_size(r->size, sz, sizeof(sz));
		errnof(errno, "%s: %s: set memory region 0x%llx size %s (%s)",
		       op, vm->label, (unsigned long long)r->gpa, sz,
		       r->map_type == AXVM_MAP_IDENTICAL ? "identical" : "alloc");
		return -1;
	}
	return 0;
}

static int add_devices(const struct vm_config *cfg, const char *op,
		       struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_devices; i++) {
		const struct axvm_device *d = &cfg->devices[i];

		if (!ioctl(vm->vm_fd, AXVM_ADD_DEVICE, d))
			continue;
		errnof(errno, "%s: %s: add device %s at %s 0x%llx", op,
		       vm->label, d->name,
		       d->space == AXVM_SPACE_PIO ? "port" : "address",
		       (unsigned long long)d->base);
		return -1;
	}
	return 0;
}

static int load_image(const struct vm_config *cfg, const struct image *img,
		      uint32_t format, const char *op, struct vm *vm)
{
	struct axvm_image im = {
		.buf = (uintptr_t)img->buf,
		.size = img->size,
		.format = format,
		.flags = AXVM_IMAGE_SET_ENTRY,
	};
	struct axvm_entry e = { 0 };

	if (format == AXVM_IMAGE_RAW) {
		e.mode = cfg->mode < 0 ? AXVM_MODE_LONG : (uint32_t)cfg->mode;
		im.gpa = cfg->has_load_addr ? cfg->load_addr :
			 e.mode == AXVM_MODE_REAL ? RAW_GPA_REAL :
						   RAW_GPA_DEFAULT;
	}
	if (ioctl(vm->vm_fd, AXVM_LOAD_IMAGE, &im)) {
		errnof(errno, "%s: %s: load image %s", op, vm->label,
		       cfg->image);
		return -1;
	}
	if (format == AXVM_IMAGE_RAW) {
		e.entry = cfg->has_entry ? cfg->entry : im.gpa;
	} else {
		e.entry = cfg->has_entry ? cfg->entry : im.entry;
		e.mode = cfg->mode < 0 ? im.mode : (uint32_t)cfg->mode;
	}
	if (e.mode == AXVM_MODE_REAL && e.entry >= REAL_MODE_LIMIT) {
		errf("%s: %s: entry 0x%llx must be below 0x10000 in real mode",
		     op, vm->label, (unsigned long long)e.entry);
		return -1;
	}
	if (ioctl(vm->vm_fd, AXVM_SET_ENTRY, &e)) {
		errnof(errno, "%s: %s: set entry 0x%llx (%s mode)", op,
		       vm->label, (unsigned long long)e.entry,
		       mode_name(e.mode));
		return -1;
	}
	vm->entry = e.entry;
	vm->mode = e.mode;
	return 0;
}

static int create_vm(const struct vm_config *cfg, bool managed,
		     const char *op, struct vm *vm)
{
	struct axvm_create_vm cv = {
		.flags = managed ? AXVM_VM_MANAGED : 0,
		.id = cfg->id,
		.max_vcpus = cfg->cpu_num,
	};
	unsigned int i;

	if (managed)
		for (i = 0; i < cfg->nr_pcpu_sets; i++)
			cv.pcpu_sets[i] = cfg->pcpu_sets[i];
	memcpy(cv.name, cfg->name, sizeof(cv.name));
	vm->vm_fd = ioctl(vm->sys_fd, AXVM_CREATE_VM, &cv);
	if (vm->vm_fd < 0) {
		errnof(errno, "%s: %s: create", op, vm->label);
		return -1;
	}
	set_cloexec(vm->vm_fd);
	vm->id = cv.id;
	vm->managed = managed;
	if (!cfg->name[0])
		snprintf(vm->label, sizeof(vm->label), "vm %u", vm->id);
	return 0;
}

static int create_vcpus(const struct vm_config *cfg, const char *op,
			struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < cfg->cpu_num; i++) {
		vm->vcpu_fd[i] = ioctl(vm->vm_fd, AXVM_CREATE_VCPU, i);
		if (vm->vcpu_fd[i] < 0) {
			errnof(errno, "%s: %s: create vcpu %u", op, vm->label, i);
			return -1;
		}
		set_cloexec(vm->vcpu_fd[i]);
		vm->nr_vcpus = i + 1;
	}
	return 0;
}

int vm_build(const struct vm_config *cfg, bool managed, const char *op,
	     struct vm *vm)
{
	struct image img;
	uint32_t format;

	vm_init(vm);
	if (cfg->name[0])
		snprintf(vm->label, sizeof(vm->label), "vm %s", cfg->name);
	else
		snprintf(vm->label, sizeof(vm->label), "new vm");
	if (cfg->cpu_num < 1 || cfg->cpu_num > VM_MAX_VCPUS) {
		errf("%s: %s: %u vCPUs: must be 1..%d", op, vm->label,
		     cfg->cpu_num, VM_MAX_VCPUS);
		return -1;
	}
	if (image_read(cfg->image, &img)) {
		errnof(errno, "%s: %s", op, cfg->image);
		return -1;
	}
	if (image_format(cfg, &img, op, &format))
		goto err_image;

	vm->sys_fd = axvm_open_sys(op);
	if (vm->sys_fd < 0)
		goto err_image;
	if (create_vm(cfg, managed, op, vm) ||
	    add_regions(cfg, op, vm) ||
	    add_devices(cfg, op, vm) ||
	    load_image(cfg, &img, format, op, vm) ||
	    create_vcpus(cfg, op, vm))
		goto err_destroy;
	if (ioctl(vm->vm_fd, AXVM_FINALIZE, 0)) {
		errnof(errno, "%s: %s: finalize", op, vm->label);
		goto err_destroy;
	}
	image_free(&img);
	return 0;

err_destroy:
	if (managed && vm->vm_fd >= 0)
		ioctl(vm->vm_fd, AXVM_DESTROY, 0);
	vm_close(vm);
err_image:
	image_free(&img);
	return -1;
}

int load_vm_config(const char *op, const char *file, const struct vm_opts *o,
		   struct vm_config *cfg)
{
	char err[512];

	config_init(cfg);
	/* Config errors name the file and the key, as the manual shows. */
	if (file && config_load(file, cfg, err, sizeof(err))) {
		errf("%s", err);
		return -1;
	}
	if (config_finish(cfg, o, err, sizeof(err))) {
		errf("%s: %s", op, err);
		return -1;
	}
	return 0;
}
