// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl: finish a struct vm_config for run and create. Command-line
 * flags override what the config file says (DESIGN.md §5), then the
 * defaults fill the rest: one 64 MiB rwx region at GPA 0, one vCPU, and
 * without a config file COM1 and debug-exit. The image's format, load
 * address, entry and mode are settled in vm_build.c, once it is read,
 * and so is the default platform, which depends on the module.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "axvmctl.h"

#define PAGE_SIZE_4K		0x1000ULL
#define DEFAULT_MEMORY		(64ULL << 20)

/* FILE[@GPA]: the part after the last '@' when it is a number. */
static int split_image(const char *arg, char *file, size_t len, bool *has_gpa,
		       uint64_t *gpa)
{
	const char *at = strrchr(arg, '@');

	*has_gpa = false;
	if (at && at != arg && !parse_u64(at + 1, gpa)) {
		*has_gpa = true;
		if ((size_t)(at - arg) >= len)
			return -1;
		snprintf(file, len, "%.*s", (int)(at - arg), arg);
		return 0;
	}
	if (at && at[1] == '\0')
		return -1;
	if (strlen(arg) >= len)
		return -1;
	strcpy(file, arg);
	return 0;
}

static int finish_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int finish_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int override_memory(struct vm_config *cfg, uint64_t size, char *err,
			   size_t errlen)
{
	unsigned int i, r = 0;

	if (!size || size & (PAGE_SIZE_4K - 1))
		return finish_err(err, errlen,
				  "--memory: not a positive multiple of 4 KiB");
	if (!cfg->nr_regions) {
		cfg->nr_regions = 1;
		cfg->regions[0].flags = AXVM_MEM_READ | AXVM_MEM_WRITE |
					AXVM_MEM_EXEC;
		cfg->regions[0].map_type = AXVM_MAP_ALLOC;
	}
	/* The region at GPA 0 (guest RAM), else the first listed. */
	for (i = 0; i < cfg->nr_regions; i++)
		if (!cfg->regions[i].gpa)
			r = i;
	cfg->regions[r].size = size;
	for (i = 0; i < cfg->nr_regions; i++) {
		const struct axvm_memory_region *o = &cfg->regions[i];

		if (i != r && cfg->regions[r].gpa < o->gpa + o->size &&
		    o->gpa < cfg->regions[r].gpa + size)
			return finish_err(err, errlen,
					  "--memory: the region at 0x%llx would overlap the one at 0x%llx",
					  (unsigned long long)cfg->regions[r].gpa,
					  (unsigned long long)o->gpa);
	}
	return 0;
}

int config_finish(struct vm_config *cfg, const struct vm_opts *o, char *err,
		  size_t errlen)
{
	unsigned int i;
	bool has_gpa;
	uint64_t gpa;

	if (o->name) {
		if (strlen(o->name) >= AXVM_NAME_LEN)
			return finish_err(err, errlen,
					  "--name: longer than %d bytes",
					  AXVM_NAME_LEN - 1);
		strcpy(cfg->name, o->name);
	}
	if (o->has_cpus) {
		if (o->cpus != cfg->nr_pcpu_sets)
			cfg->nr_pcpu_sets = 0;	/* no longer one per vCPU */
		cfg->cpu_num = o->cpus;
	}
	if (o->image) {
		if (split_image(o->image, cfg->image, sizeof(cfg->image),
				&has_gpa, &gpa))
			return finish_err(err, errlen, "--image: bad FILE[@GPA] \"%s\"",
					  o->image);
		cfg->image_kind = IMAGE_RAW;
		cfg->has_load_addr = has_gpa;
		cfg->load_addr = gpa;
	}
	if (o->kernel) {
		if (strlen(o->kernel) >= sizeof(cfg->image))
			return finish_err(err, errlen, "--kernel: path too long");
		strcpy(cfg->image, o->kernel);
		cfg->image_kind = IMAGE_ELF;
		cfg->has_load_addr = false;
	}
	/* parse_vm_opts() checked the length. */
	if (o->cmdline)
		snprintf(cfg->cmdline, sizeof(cfg->cmdline), "%s", o->cmdline);
	/* --initrd replaces the config's ramdisk, and its address. */
	for (i = 0; i < o->nr_initrds; i++) {
		if (strlen(o->initrds[i]) >= sizeof(cfg->modules[i]))
			return finish_err(err, errlen, "--initrd: path too long");
		strcpy(cfg->modules[i], o->initrds[i]);
	}
	if (o->nr_initrds) {
		cfg->nr_modules = o->nr_initrds;
		cfg->module_addr = 0;
	}
	if (o->has_mode)
		cfg->mode = o->mode;
	if (o->has_entry) {
		cfg->has_entry = true;
		cfg->entry = o->entry;
	}
	if (o->has_ap_entry) {
		cfg->has_ap_entry = true;
		cfg->ap_entry = o->ap_entry;
	}
	if (o->has_platform)
		cfg->platform = o->platform;
	if (o->no_reboot)
		cfg->no_reboot = true;
	if (o->has_memory && override_memory(cfg, o->memory, err, errlen))
		return -1;

	if (!cfg->image[0] && cfg->file[0])
		return finish_err(err, errlen,
				  "%s: kernel.kernel_path: missing, and no --image or --kernel",
				  cfg->file);
	if (!cfg->image[0])
		return finish_err(err, errlen,
				  "no image: give --image FILE, --kernel ELF or a config file");
	if (!cfg->cpu_num)
		cfg->cpu_num = 1;
	if (!cfg->nr_regions) {
		cfg->nr_regions = 1;
		cfg->regions[0] = (struct axvm_memory_region){
			.gpa = 0, .size = DEFAULT_MEMORY,
			.flags = AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC,
			.map_type = AXVM_MAP_ALLOC,
		};
	}
	/* DESIGN.md §5: with a config, exactly the devices it lists. */
	if (!cfg->has_devices && !cfg->file[0]) {
		cfg->nr_devices = 2;
		cfg->devices[0] = (struct axvm_device){
			.type = AXVM_DEV_UART16550, .space = AXVM_SPACE_PIO,
			.base = 0x3f8, .length = 8, .irq = 4, .name = "com1",
		};
		cfg->devices[1] = (struct axvm_device){
			.type = AXVM_DEV_DEBUG_EXIT, .space = AXVM_SPACE_PIO,
			.base = 0xf4, .length = 4, .irq = AXVM_IRQ_NONE,
			.name = "debug-exit",
		};
	}
	return 0;
}
