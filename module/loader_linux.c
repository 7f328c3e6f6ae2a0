// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux/x86 boot protocol (Documentation/arch/x86/boot.rst), as a
 * 64-bit (or 32-bit) boot loader does it: no real-mode setup code runs.
 *
 * - The image: "HdrS" at 0x202, protocol 2.06 or later, a bzImage
 *   (LOADED_HIGH). The protected-mode kernel follows the (setup_sects + 1)
 *   sectors of setup; it takes init_size bytes (2.10+) from where it is
 *   loaded.
 * - Where: a relocatable kernel at pref_address (2.10+) when RAM holds
 *   it there, else at the first kernel_alignment boundary from 1 MiB; a
 *   kernel that is not relocatable at 1 MiB.
 * - boot_params (loader.h: AXVM_LINUX_PARAMS_GPA) with the setup header
 *   copied from the image, type_of_loader 0xff (undefined), LOADED_HIGH |
 *   CAN_USE_HEAP, the command line, the initrd, acpi_rsdp_addr on
 *   platform VMs and the E820 map.
 * - The entry: 64-bit (xloadflags XLF_KERNEL_64, 2.12+) at load + 0x200
 *   in long mode, else 32-bit at the load address in protected mode; RSI
 *   = boot_params, the boot protocol's segments (regs->linux_segs), the
 *   low 4 GiB identity-mapped, interrupts off (the backend's long mode).
 *
 * The E820 map: the VM's RAM regions (adjacent ones merged) minus
 *   [0x7000, 0x10000)	 reserved: boot_params, the command line, the
 *			 loader window (GDT, page tables)
 *   [0x9fc00, 0xa0000)	 reserved, as SeaBIOS's EBDA
 *   [0xa0000, 0xe0000)	 absent: the legacy VGA/ROM hole
 *   [0xe0000, 0x100000) reserved: the ACPI tables (0xe0000-0xeffff) and
 *			 the firmware stubs (0xf0000-0xfffff)
 * The reserved ranges are listed whatever RAM there is; the PC
 * platform's MMIO (IOAPIC, HPET, LAPIC) is never RAM on a platform VM
 * (vm_config.c refuses such regions), so it is never in the map.
 *
 * The header is untrusted: read with memcpy into a zeroed struct
 * setup_header, its extent checked against the buffer.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <asm/bootparam.h>
#include <asm/unaligned.h>
#include <uapi/linux/axvm.h>
#include "kunit_export.h"
#include "loader.h"

#define lnx_refuse(err, fmt, ...) ({					\
	pr_info_ratelimited("axvm: bzImage refused: " fmt "\n",	\
			    ##__VA_ARGS__);				\
	(err); })

#define LNX_HDR_OFF		0x1f1	/* struct setup_header in the image */
#define LNX_MAGIC_OFF		0x202
#define LNX_MAGIC		0x53726448u	/* "HdrS" */
#define LNX_MIN_VERSION		0x0206
#define LNX_ENTRY64_OFF		0x200
#define LNX_LOAD_LOW		SZ_1M
#define LNX_TYPE_OF_LOADER	0xff
#define LNX_HEAP_END		0xfe00	/* heap_end_ptr: setup's, unused */
#define LNX_INITRD_MAX_OLD	0x37ffffffu	/* before protocol 2.03 */

#define E820_RAM		1
#define E820_RESERVED		2

/* What we use of the header, checked. */
struct lnx_kernel {
	struct setup_header hdr;
	u64 kofs;		/* the protected-mode kernel in the image */
	u64 ksize;
	u64 memsz;		/* bytes it takes once loaded */
	u64 align;
	bool relocatable;
	bool entry64;
};

static const struct {
	u64 start, end;
	u32 type;		/* 0: a hole, not listed */
} lnx_carve[] = {
	{ AXVM_LINUX_PARAMS_GPA, AXVM_LOADER_WIN_END, E820_RESERVED },
	{ 0x9fc00, 0xa0000, E820_RESERVED },
	{ 0xa0000, 0xe0000, 0 },
	{ 0xe0000, SZ_1M, E820_RESERVED },
};

static int lnx_parse(const void *img, size_t size, struct lnx_kernel *k)
{
	u32 magic;
	u16 version;
	size_t hdr_end, len;
	u8 sects;

	memset(k, 0, sizeof(*k));
	if (size < LNX_MAGIC_OFF + 4)
		return lnx_refuse(-ENOEXEC, "%zu bytes: too short for a setup header",
				  size);
	magic = get_unaligned_le32(img + LNX_MAGIC_OFF);
	if (magic != LNX_MAGIC)
		return lnx_refuse(-ENOEXEC, "no \"HdrS\" at 0x202");
	/* The header ends at 0x202 + the byte at 0x201 (boot.rst). */
	hdr_end = LNX_MAGIC_OFF + *(const u8 *)(img + 0x201);
	if (hdr_end > size)
		return lnx_refuse(-EINVAL, "setup header ends at %#zx, past the %zu-byte image",
				  hdr_end, size);
	len = min_t(size_t, hdr_end - LNX_HDR_OFF, sizeof(k->hdr));
	memcpy(&k->hdr, img + LNX_HDR_OFF, len);
	version = k->hdr.version;
	if (version < LNX_MIN_VERSION)
		return lnx_refuse(-EINVAL, "boot protocol %u.%02u is older than 2.06",
				  version >> 8, version & 0xff);
	if (!(k->hdr.loadflags & LOADED_HIGH))
		return lnx_refuse(-EINVAL, "a zImage (not loaded high): not taken");

	sects = k->hdr.setup_sects ?: 4;
	k->kofs = (sects + 1) * 512ULL;
	if (k->kofs >= size)
		return lnx_refuse(-EINVAL, "setup (%u sectors) fills the %zu-byte image",
				  sects, size);
	k->ksize = size - k->kofs;
	if ((u64)k->hdr.syssize * 16 > k->ksize)
		return lnx_refuse(-EINVAL, "kernel of %llu bytes truncated to %llu",
				  (u64)k->hdr.syssize * 16, k->ksize);
	k->memsz = k->ksize;
	if (version >= 0x020a)
		k->memsz = max_t(u64, k->memsz, k->hdr.init_size);
	k->memsz = PAGE_ALIGN(k->memsz);
	k->relocatable = k->hdr.relocatable_kernel;
	k->align = k->hdr.kernel_alignment;
	if (k->relocatable && (!k->align || !is_power_of_2(k->align)))
		return lnx_refuse(-EINVAL, "kernel_alignment %#llx not a power of two",
				  k->align);
	k->entry64 = version >= 0x020c && (k->hdr.xloadflags & XLF_KERNEL_64);
	return 0;
}

/* May the kernel take [@gpa, @gpa + memsz)? */
static bool lnx_fits(struct axvm_aspace *as, const struct lnx_kernel *k,
		     u64 gpa)
{
	u64 end;

	return gpa >= LNX_LOAD_LOW &&
	       !check_add_overflow(gpa, k->memsz, &end) && end <= SZ_4G &&
	       axvm_aspace_is_ram(as, gpa, k->memsz);
}

static int lnx_place_kernel(struct axvm_aspace *as, const struct lnx_kernel *k,
			    u64 *gpa)
{
	u64 low = k->relocatable ? ALIGN(LNX_LOAD_LOW, k->align) : LNX_LOAD_LOW;
	u64 pref = k->hdr.version >= 0x020a ? k->hdr.pref_address : 0;

	if (*gpa) {
		if (*gpa != low && (!k->relocatable || !IS_ALIGNED(*gpa, k->align)))
			return lnx_refuse(-EINVAL, "kernel cannot run at %#llx",
					  *gpa);
	} else if (k->relocatable && pref && IS_ALIGNED(pref, k->align) &&
		   lnx_fits(as, k, pref)) {
		*gpa = pref;
	} else {
		*gpa = low;
	}
	if (!lnx_fits(as, k, *gpa))
		return lnx_refuse(-EFAULT, "kernel of %#llx bytes does not fit in RAM at %#llx",
				  k->memsz, *gpa);
	return 0;
}

int axvm_linux_load(struct axvm_aspace *as, const void *img, size_t size,
		    u64 gpa, u64 *entry, u32 *mode,
		    struct axvm_boot_regs *regs)
{
	struct lnx_kernel k;
	int ret;

	ret = lnx_parse(img, size, &k);
	if (ret)
		return ret;
	if (axvm_loader_win(as) != AXVM_LOADER_WIN_START)
		return lnx_refuse(-EBUSY, "the loader window moved to %#llx",
				  axvm_loader_win(as));
	if (!axvm_aspace_is_ram(as, AXVM_LINUX_PARAMS_GPA,
				AXVM_LOADER_WIN_START - AXVM_LINUX_PARAMS_GPA))
		return lnx_refuse(-EFAULT, "no RAM at %#llx for boot_params",
				  AXVM_LINUX_PARAMS_GPA);
	ret = lnx_place_kernel(as, &k, &gpa);
	if (ret)
		return ret;
	ret = axvm_aspace_write(as, gpa, img + k.kofs, k.ksize);
	if (!ret)
		ret = axvm_linux_write_params(as, img, size,
					      &(struct axvm_linux_boot){
						      .kernel = gpa });
	if (ret)
		return ret;
	*entry = k.entry64 ? gpa + LNX_ENTRY64_OFF : gpa;
	*mode = k.entry64 ? AXVM_MODE_LONG : AXVM_MODE_PROTECTED;
	regs->set = true;
	regs->rax = 0;
	regs->rbx = 0;
	regs->rsi = AXVM_LINUX_PARAMS_GPA;
	regs->linux_segs = true;
	regs->load = gpa;
	regs->end = gpa + k.memsz;
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_linux_load);

/* RAM regions, adjacent ones merged, in address order. */
struct lnx_ram {
	struct boot_e820_entry e[AXVM_LINUX_E820_MAX];
	unsigned int n;
	bool full;
};

static int lnx_ram_region(void *ctx, const struct axvm_region *r)
{
	struct lnx_ram *ram = ctx;
	struct boot_e820_entry *last = ram->n ? &ram->e[ram->n - 1] : NULL;

	if (last && last->addr + last->size == r->gpa) {
		last->size += r->size;
		return 0;
	}
	if (ram->n == ARRAY_SIZE(ram->e)) {
		ram->full = true;
		return 0;
	}
	ram->e[ram->n++] = (struct boot_e820_entry){
		.addr = r->gpa, .size = r->size, .type = E820_RAM };
	return 0;
}

/* Remove [@start, @end) from the RAM entries, splitting one if need be. */
static void lnx_ram_cut(struct lnx_ram *ram, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < ram->n; i++) {
		struct boot_e820_entry *e = &ram->e[i];
		u64 s = e->addr, t = e->addr + e->size;

		if (end <= s || t <= start)
			continue;
		if (start > s && end < t) {
			if (ram->n == ARRAY_SIZE(ram->e)) {
				ram->full = true;
				return;
			}
			memmove(e + 2, e + 1, (ram->n - i - 1) * sizeof(*e));
			ram->n++;
			e[1] = (struct boot_e820_entry){
				.addr = end, .size = t - end, .type = E820_RAM };
			e->size = start - s;
			return;
		}
		if (start <= s && end >= t) {
			memmove(e, e + 1, (ram->n - i - 1) * sizeof(*e));
			ram->n--;
			i--;
		} else if (start <= s) {
			e->addr = end;
			e->size = t - end;
		} else {
			e->size = start - s;
		}
	}
}

static int lnx_e820_cmp(const void *a, const void *b)
{
	const struct boot_e820_entry *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int lnx_build_e820(struct axvm_aspace *as, struct boot_params *bp)
{
	struct lnx_ram *ram;
	unsigned int i;
	int ret = 0;

	ram = kzalloc(sizeof(*ram), GFP_KERNEL);
	if (!ram)
		return -ENOMEM;
	axvm_aspace_iterate_regions(as, lnx_ram_region, ram);
	for (i = 0; i < ARRAY_SIZE(lnx_carve); i++)
		lnx_ram_cut(ram, lnx_carve[i].start, lnx_carve[i].end);
	for (i = 0; i < ARRAY_SIZE(lnx_carve); i++) {
		if (!lnx_carve[i].type)
			continue;
		if (ram->n == ARRAY_SIZE(ram->e)) {
			ram->full = true;
			break;
		}
		ram->e[ram->n++] = (struct boot_e820_entry){
			.addr = lnx_carve[i].start,
			.size = lnx_carve[i].end - lnx_carve[i].start,
			.type = lnx_carve[i].type };
	}
	if (ram->full) {
		ret = lnx_refuse(-E2BIG, "more than %d E820 entries",
				 AXVM_LINUX_E820_MAX);
	} else {
		sort(ram->e, ram->n, sizeof(ram->e[0]), lnx_e820_cmp, NULL);
		memcpy(bp->e820_table, ram->e, ram->n * sizeof(ram->e[0]));
		bp->e820_entries = ram->n;
	}
	kfree(ram);
	return ret;
}

int axvm_linux_write_params(struct axvm_aspace *as, const void *img,
			    size_t size, const struct axvm_linux_boot *boot)
{
	const char *cmdline = boot->cmdline ?: "";
	size_t cmdlen = strlen(cmdline) + 1;
	struct boot_params *bp;
	struct lnx_kernel k;
	int ret;

	BUILD_BUG_ON(sizeof(*bp) != PAGE_SIZE);
	BUILD_BUG_ON(AXVM_LINUX_E820_MAX != E820_MAX_ENTRIES_ZEROPAGE);
	ret = lnx_parse(img, size, &k);
	if (ret)
		return ret;
	if (cmdlen > AXVM_CMDLINE_MAX || cmdlen - 1 > k.hdr.cmdline_size)
		return lnx_refuse(-E2BIG, "command line of %zu bytes, the kernel takes %u",
				  cmdlen - 1, k.hdr.cmdline_size);
	if (boot->initrd_size &&
	    (boot->initrd + boot->initrd_size > SZ_4G || !boot->initrd))
		return lnx_refuse(-EINVAL, "initrd at %#llx+%#llx",
				  boot->initrd, boot->initrd_size);
	bp = kzalloc(sizeof(*bp), GFP_KERNEL);
	if (!bp)
		return -ENOMEM;
	bp->hdr = k.hdr;
	bp->hdr.type_of_loader = LNX_TYPE_OF_LOADER;
	bp->hdr.loadflags |= LOADED_HIGH | CAN_USE_HEAP;
	bp->hdr.heap_end_ptr = LNX_HEAP_END;
	bp->hdr.code32_start = boot->kernel;
	bp->hdr.cmd_line_ptr = AXVM_LINUX_CMDLINE_GPA;
	bp->ext_cmd_line_ptr = AXVM_LINUX_CMDLINE_GPA >> 32;
	bp->hdr.ramdisk_image = lower_32_bits(boot->initrd_size ? boot->initrd : 0);
	bp->hdr.ramdisk_size = boot->initrd_size;
	bp->ext_ramdisk_image = upper_32_bits(boot->initrd_size ? boot->initrd : 0);
	bp->ext_ramdisk_size = 0;
	bp->hdr.setup_data = 0;
	if (boot->acpi)
		bp->acpi_rsdp_addr = AXVM_LINUX_RSDP_GPA;
	ret = lnx_build_e820(as, bp);
	if (!ret)
		ret = axvm_aspace_write(as, AXVM_LINUX_CMDLINE_GPA, cmdline,
					cmdlen);
	if (!ret)
		ret = axvm_aspace_write(as, AXVM_LINUX_PARAMS_GPA, bp,
					sizeof(*bp));
	kfree(bp);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_linux_write_params);

struct lnx_initrd {
	u64 size, limit, kstart, kend;
	u64 best;
};

static void lnx_initrd_try(struct lnx_initrd *c, u64 start, u64 top)
{
	u64 at;

	if (top < c->size)
		return;
	at = ALIGN_DOWN(top - c->size, PAGE_SIZE);
	if (at < max_t(u64, start, LNX_LOAD_LOW))
		return;
	if (at < c->kend && c->kstart < at + c->size)
		return;
	c->best = max(c->best, at);
}

static int lnx_initrd_region(void *ctx, const struct axvm_region *r)
{
	struct lnx_initrd *c = ctx;
	u64 top = min(r->gpa + r->size, c->limit);

	if (top <= r->gpa)
		return 0;
	lnx_initrd_try(c, r->gpa, top);
	if (c->kstart > r->gpa && c->kstart < top)
		lnx_initrd_try(c, r->gpa, c->kstart);
	return 0;
}

/* The merged regions: an initrd may span adjacent ones. */
static int lnx_initrd_search(struct axvm_aspace *as, struct lnx_initrd *c)
{
	struct lnx_ram *ram = kzalloc(sizeof(*ram), GFP_KERNEL);
	struct axvm_region r = {};
	unsigned int i;

	if (!ram)
		return -ENOMEM;
	axvm_aspace_iterate_regions(as, lnx_ram_region, ram);
	for (i = 0; i < ram->n; i++) {
		r.gpa = ram->e[i].addr;
		r.size = ram->e[i].size;
		lnx_initrd_region(c, &r);
	}
	kfree(ram);
	return 0;
}

int axvm_linux_place_initrd(struct axvm_aspace *as, const void *img,
			    size_t size, u64 kernel, u64 initrd_size, u64 *gpa)
{
	struct lnx_initrd c = { .size = initrd_size };
	struct lnx_kernel k;
	u64 end;
	int ret;

	ret = lnx_parse(img, size, &k);
	if (ret)
		return ret;
	if (!initrd_size)
		return lnx_refuse(-EINVAL, "empty initrd");
	c.limit = min_t(u64, SZ_4G, (u64)(k.hdr.version >= 0x0203 ?
			k.hdr.initrd_addr_max : LNX_INITRD_MAX_OLD) + 1);
	c.kstart = kernel;
	c.kend = kernel + k.memsz;
	if (*gpa) {
		if (!PAGE_ALIGNED(*gpa) ||
		    check_add_overflow(*gpa, initrd_size, &end) ||
		    end > c.limit || *gpa < LNX_LOAD_LOW ||
		    (*gpa < c.kend && c.kstart < end))
			return lnx_refuse(-EINVAL, "initrd cannot go at %#llx+%#llx (below %#llx, clear of the kernel at %#llx-%#llx)",
					  *gpa, initrd_size, c.limit,
					  c.kstart, c.kend);
		return 0;
	}
	ret = lnx_initrd_search(as, &c);
	if (ret)
		return ret;
	if (!c.best)
		return lnx_refuse(-ENOSPC, "no room for a %#llx-byte initrd below %#llx",
				  initrd_size, c.limit);
	*gpa = c.best;
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_linux_place_initrd);
