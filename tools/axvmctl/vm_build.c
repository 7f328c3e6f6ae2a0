// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl: turn a finished struct vm_config into a VM in state
 * "loaded": CREATE_VM, SET_MEMORY_REGION for each region (on a PC-platform
 * VM, RAM that would cross PC_LOWMEM_TOP continues at 4 GiB), ADD_DEVICE
 * for each device, LOAD_IMAGE (the kernel, with its command line),
 * SET_ENTRY (and the APs' entry), LOAD_IMAGE of each Multiboot module
 * (or of a bzImage's initrd),
 * CREATE_VCPU for each vCPU, FINALIZE, each through libaxvm. Shared by
 * run (VMM mode: the vCPUs' run structures are mapped) and create
 * (managed mode).
 *
 * The files are read and checked before anything is created, so most
 * mistakes cost no ioctl; a failure after CREATE_VM destroys a managed
 * VM again (a VMM-mode VM goes with its last fd).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "axvmctl.h"

#define RAW_GPA_DEFAULT		0x100000ULL
#define RAW_GPA_REAL		0x7c00ULL
#define REAL_MODE_LIMIT		0x10000ULL
/*
 * The PC platform's RAM below 4 GiB ends here (as QEMU's pc machine with
 * 3.5 GiB or more): [3 GiB, 4 GiB) is left to MMIO (the PCI hole, the
 * IOAPIC, HPET and LAPIC), and the RAM a region would have had there
 * continues at 4 GiB.
 */
#define PC_LOWMEM_TOP		0xc0000000ULL
#define PC_HIGHMEM_BASE		0x100000000ULL

static void vm_init(struct vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->sys_fd = -1;
	vm->ax.fd = -1;
}

void vm_close(struct vm *vm)
{
	axvm_vm__close(&vm->ax);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	vm_init(vm);
}

struct file {
	void *buf;
	size_t size;
};

static int read_file(const char *path, const char *op, struct file *f)
{
	if (!axvm_image_read(path, &f->buf, &f->size))
		return 0;
	errnof(errno, "%s: %s", op, path);
	return -1;
}

/*
 * Pick the format: the caller's choice, checked against the file; a
 * command line and modules only for a Multiboot kernel or a bzImage (one
 * initrd).
 */
static int image_format(const struct vm_config *cfg, const struct file *f,
			const char *op, uint32_t *format)
{
	*format = axvm_image_format(f->buf, f->size);
	if (cfg->image_kind == IMAGE_ELF && *format == AXVM_IMAGE_RAW) {
		errf("%s: %s: not an ELF file or a bzImage", op, cfg->image);
		return -1;
	}
	if (cfg->image_kind == IMAGE_RAW)
		*format = AXVM_IMAGE_RAW;
	if ((cfg->cmdline[0] || cfg->nr_modules) &&
	    *format != AXVM_IMAGE_MULTIBOOT && *format != AXVM_IMAGE_BZIMAGE) {
		errf("%s: %s: --cmdline and --initrd need a Multiboot kernel or a bzImage",
		     op, cfg->image);
		return -1;
	}
	if (*format == AXVM_IMAGE_BZIMAGE && cfg->nr_modules > 1) {
		errf("%s: %s: a bzImage takes one --initrd, not %u", op,
		     cfg->image, cfg->nr_modules);
		return -1;
	}
	return 0;
}

/*
 * On a PC-platform VM, @r as the guest gets it: the part of a region
 * from below PC_LOWMEM_TOP past it moves to 4 GiB (*@high, size 0 when
 * none).
 */
static void pc_split_region(const struct vm *vm,
			    struct axvm_memory_region *r,
			    struct axvm_memory_region *high)
{
	*high = *r;
	high->size = 0;
	if (!vm->platform_pc || r->gpa >= PC_LOWMEM_TOP ||
	    r->gpa + r->size <= PC_LOWMEM_TOP)
		return;
	high->gpa = PC_HIGHMEM_BASE;
	high->size = r->gpa + r->size - PC_LOWMEM_TOP;
	r->size = PC_LOWMEM_TOP - r->gpa;
}

static int add_regions(const struct vm_config *cfg, const char *op,
		       struct vm *vm)
{
	unsigned int i;
	char sz[24];

	for (i = 0; i < cfg->nr_regions * 2; i++) {
		struct axvm_memory_region part[2];
		const struct axvm_memory_region *r;

		part[0] = cfg->regions[i / 2];
		pc_split_region(vm, &part[0], &part[1]);
		r = &part[i % 2];
		if (!r->size || !axvm_vm__add_region(&vm->ax, r))
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

		if (!axvm_vm__add_device(&vm->ax, d))
			continue;
		errnof(errno, "%s: %s: add device %s at %s 0x%llx", op,
		       vm->label, d->name,
		       d->space == AXVM_SPACE_PIO ? "port" : "address",
		       (unsigned long long)d->base);
		return -1;
	}
	return 0;
}

/*
 * Whether the module has @cap. An error (a /dev/axvm that is not axvm's)
 * counts as no: CREATE_VM then says what is wrong.
 */
static bool has_cap(const struct vm *vm, unsigned int cap)
{
	return axvm_check_extension(vm->sys_fd, cap) > 0;
}

static int check_real_entry(const char *op, const struct vm *vm,
			    const char *what, uint64_t entry, uint32_t mode)
{
	if (mode != AXVM_MODE_REAL || entry < REAL_MODE_LIMIT)
		return 0;
	errf("%s: %s: %s 0x%llx must be below 0x10000 in real mode", op,
	     vm->label, what, (unsigned long long)entry);
	return -1;
}

static int load_image(const struct vm_config *cfg, const struct file *f,
		      uint32_t format, const char *op, struct vm *vm)
{
	struct axvm_image im = {
		.buf = (uintptr_t)f->buf,
		.size = f->size,
		.format = format,
		.flags = AXVM_IMAGE_SET_ENTRY,
		.cmdline = cfg->cmdline[0] ? (uintptr_t)cfg->cmdline : 0,
	};
	uint64_t entry;
	uint32_t mode = 0;

	if (format == AXVM_IMAGE_BZIMAGE &&
	    !has_cap(vm, AXVM_CAP_IMAGE_BZIMAGE)) {
		errf("%s: %s: %s is a bzImage, which needs the capability image_bzimage, which this axvm module lacks",
		     op, vm->label, cfg->image);
		return -1;
	}
	if (format == AXVM_IMAGE_RAW) {
		mode = cfg->mode < 0 ? AXVM_MODE_LONG : (uint32_t)cfg->mode;
		im.gpa = cfg->has_load_addr ? cfg->load_addr :
			 mode == AXVM_MODE_REAL ? RAW_GPA_REAL :
						 RAW_GPA_DEFAULT;
	}
	if (axvm_vm__load_image(&vm->ax, &im)) {
		errnof(errno, "%s: %s: load image %s", op, vm->label,
		       cfg->image);
		return -1;
	}
	if (format == AXVM_IMAGE_RAW) {
		entry = cfg->has_entry ? cfg->entry : im.gpa;
	} else {
		entry = cfg->has_entry ? cfg->entry : im.entry;
		mode = cfg->mode < 0 ? im.mode : (uint32_t)cfg->mode;
	}
	if (check_real_entry(op, vm, "entry", entry, mode))
		return -1;
	if (axvm_vm__set_entry(&vm->ax, entry, mode)) {
		errnof(errno, "%s: %s: set entry 0x%llx (%s mode)", op,
		       vm->label, (unsigned long long)entry, mode_name(mode));
		return -1;
	}
	vm->entry = entry;
	vm->mode = mode;
	return 0;
}

/* After the VM's entry: the APs start in its mode. */
static int set_ap_entry(const struct vm_config *cfg, const char *op,
			struct vm *vm)
{
	uint64_t entry = cfg->ap_entry;

	if (!cfg->has_ap_entry)
		return 0;
	if (check_real_entry(op, vm, "AP entry", entry, vm->mode))
		return -1;
	if (!has_cap(vm, AXVM_CAP_AP_ENTRY)) {
		errf("%s: %s: an AP entry needs the capability ap_entry, which this axvm module lacks",
		     op, vm->label);
		return -1;
	}
	if (axvm_vm__set_ap_entry(&vm->ax, entry)) {
		errnof(errno, "%s: %s: set AP entry 0x%llx", op, vm->label,
		       (unsigned long long)entry);
		return -1;
	}
	return 0;
}

/*
 * The Multiboot modules, in order: the first at module_addr (0: on the
 * page after the kernel), each other on the page after the one before.
 * A bzImage's initrd at module_addr (0: as high as the kernel allows).
 */
static int load_modules(const struct vm_config *cfg, const struct file *mods,
			uint32_t format, const char *op, struct vm *vm)
{
	unsigned int i;

	if (format == AXVM_IMAGE_BZIMAGE && cfg->nr_modules) {
		if (!axvm_vm__load_initrd(&vm->ax, cfg->module_addr,
					  mods[0].buf, mods[0].size))
			return 0;
		errnof(errno, "%s: %s: load initrd %s", op, vm->label,
		       cfg->modules[0]);
		return -1;
	}
	for (i = 0; i < cfg->nr_modules; i++) {
		if (!axvm_vm__load_module(&vm->ax, i ? 0 : cfg->module_addr,
					  mods[i].buf, mods[i].size,
					  cfg->modules[i]))
			continue;
		errnof(errno, "%s: %s: load module %s", op, vm->label,
		       cfg->modules[i]);
		return -1;
	}
	return 0;
}

/*
 * The PC platform unless the config or --platform says none (DESIGN.md
 * §4). Asked for by name, a module without it is an error; by default
 * such a module, older than the platform, gets the bare VM it always
 * gave, without a word.
 */
static int platform_flag(const struct vm_config *cfg, const char *op,
			 const struct vm *vm, uint32_t *flag)
{
	*flag = 0;
	if (cfg->platform == PLATFORM_NONE)
		return 0;
	if (has_cap(vm, AXVM_CAP_PLATFORM_PC)) {
		*flag = AXVM_VM_PLATFORM_PC;
		return 0;
	}
	if (cfg->platform < 0)
		return 0;
	errf("%s: %s: the PC platform needs the capability platform_pc, which this axvm module lacks (--platform none: a bare VM)",
	     op, vm->label);
	return -1;
}

/*
 * base.no_reboot / --no-reboot: for a managed VM, AXVM_VM_NO_REBOOT (the
 * kernel would reboot it); asked for, a module without the capability
 * reset is an error. A VMM-mode VM is never rebooted by the kernel: run
 * itself decides what a reset does.
 */
static int no_reboot_flag(const struct vm_config *cfg, bool managed,
			  const char *op, const struct vm *vm, uint32_t *flag)
{
	*flag = 0;
	if (!managed || !cfg->no_reboot)
		return 0;
	if (!has_cap(vm, AXVM_CAP_RESET)) {
		errf("%s: %s: --no-reboot needs the capability reset, which this axvm module lacks",
		     op, vm->label);
		return -1;
	}
	*flag = AXVM_VM_NO_REBOOT;
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
	uint32_t platform, no_reboot;

	if (platform_flag(cfg, op, vm, &platform) ||
	    no_reboot_flag(cfg, managed, op, vm, &no_reboot))
		return -1;
	cv.flags |= platform | no_reboot;
	vm->platform_pc = platform;
	if (managed)
		for (i = 0; i < cfg->nr_pcpu_sets; i++)
			cv.pcpu_sets[i] = cfg->pcpu_sets[i];
	memcpy(cv.name, cfg->name, sizeof(cv.name));
	if (axvm_vm__create(&vm->ax, vm->sys_fd, &cv)) {
		errnof(errno, "%s: %s: create", op, vm->label);
		return -1;
	}
	if (!cfg->name[0])
		snprintf(vm->label, sizeof(vm->label), "vm %u", vm->ax.id);
	return 0;
}

static int create_vcpus(const struct vm_config *cfg, const char *op,
			struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < cfg->cpu_num; i++) {
		if (axvm_vm__add_vcpu(&vm->ax, i))
			continue;
		errnof(errno, "%s: %s: create vcpu %u", op, vm->label, i);
		return -1;
	}
	return 0;
}

int vm_build(const struct vm_config *cfg, bool managed, const char *op,
	     struct vm *vm)
{
	struct file img = { 0 }, mods[CFG_MAX_MODULES] = { 0 };
	unsigned int i;
	uint32_t format;
	int ret = -1;

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
	/* Every file first: a missing one costs no ioctl. */
	if (read_file(cfg->image, op, &img) ||
	    image_format(cfg, &img, op, &format))
		goto out;
	for (i = 0; i < cfg->nr_modules; i++)
		if (read_file(cfg->modules[i], op, &mods[i]))
			goto out;

	vm->sys_fd = open_sys(op);
	if (vm->sys_fd < 0)
		goto out;
	if (create_vm(cfg, managed, op, vm) ||
	    add_regions(cfg, op, vm) ||
	    add_devices(cfg, op, vm) ||
	    load_image(cfg, &img, format, op, vm) ||
	    set_ap_entry(cfg, op, vm) ||
	    load_modules(cfg, mods, format, op, vm) ||
	    create_vcpus(cfg, op, vm))
		goto err_destroy;
	if (axvm_vm__finalize(&vm->ax)) {
		errnof(errno, "%s: %s: finalize", op, vm->label);
		goto err_destroy;
	}
	ret = 0;
	goto out;

err_destroy:
	if (managed && vm->ax.fd >= 0)
		axvm_vm__destroy(&vm->ax);
	vm_close(vm);
out:
	free(img.buf);
	for (i = 0; i < CFG_MAX_MODULES; i++)
		free(mods[i].buf);
	return ret;
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
