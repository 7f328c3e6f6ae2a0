// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_linux_loader: the Linux/x86 boot protocol (module/loader_linux.c)
 * on a real address space over the fake HAL, with a synthetic bzImage
 * built here: one setup sector after the boot sector, a header of
 * protocol 2.15, a 64-bit relocatable kernel of KBODY bytes that takes
 * KINIT once loaded, preferring 16 MiB.
 *
 * Guest RAM unless a case says otherwise: [0, 64 MiB).
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/bootparam.h>
#include <uapi/linux/axvm.h>
#include "npt.h"
#include "loader.h"
#include "mm.h"
#include "fake_hal.h"
#include "suites.h"

#define RAM_FLAGS	(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)
#define RAM_SIZE	SZ_64M
#define KOFS		0x400		/* (setup_sects 1 + 1) * 512 */
#define KBODY		0x1000
#define KSIZE		(KOFS + KBODY)
#define KINIT		SZ_4M
#define KPREF		SZ_16M
#define KALIGN		SZ_2M

struct lnx_fx {
	struct axvm_fake_hal *fh;
	struct axvm_aspace as;
	bool as_ready;
};

static int lnx_fx_init(struct kunit *test)
{
	struct lnx_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	test->priv = fx;
	fx->fh = axvm_fake_hal_new(test);
	KUNIT_ASSERT_EQ(test, axvm_aspace_init(&fx->as, &fx->fh->ops,
					       &axvm_x86_pte_ops, 0), 0);
	fx->as_ready = true;
	return 0;
}

static void lnx_fx_exit(struct kunit *test)
{
	struct lnx_fx *fx = test->priv;

	if (fx && fx->as_ready)
		axvm_aspace_destroy(&fx->as);
}

static struct axvm_aspace *fx_as(struct kunit *test)
{
	return &((struct lnx_fx *)test->priv)->as;
}

static void add_ram(struct kunit *test, u64 gpa, u64 size)
{
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(fx_as(test), gpa, size,
						     RAM_FLAGS, AXVM_MAP_ALLOC),
			0);
}

static void put_le(u8 *p, unsigned int width, u64 v)
{
	unsigned int i;

	for (i = 0; i < width; i++)
		p[i] = v >> (8 * i);
}

static u8 *build_bzimage(struct kunit *test)
{
	u8 *img = kunit_kzalloc(test, KSIZE, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, img);
	img[0x1f1] = 1;				/* setup_sects */
	put_le(img + 0x1f4, 4, KBODY / 16);	/* syssize */
	put_le(img + 0x1fe, 2, 0xaa55);		/* boot_flag */
	img[0x200] = 0xeb;			/* jump over the header */
	img[0x201] = 0x66;			/* ... which ends at 0x268 */
	memcpy(img + 0x202, "HdrS", 4);
	put_le(img + 0x206, 2, 0x020f);		/* version */
	img[0x211] = LOADED_HIGH;
	put_le(img + 0x214, 4, 0x100000);	/* code32_start */
	put_le(img + 0x22c, 4, 0x7fffffff);	/* initrd_addr_max */
	put_le(img + 0x230, 4, KALIGN);		/* kernel_alignment */
	img[0x234] = 1;				/* relocatable_kernel */
	img[0x235] = 21;			/* min_alignment */
	put_le(img + 0x236, 2, XLF_KERNEL_64);
	put_le(img + 0x238, 4, 2047);		/* cmdline_size */
	put_le(img + 0x258, 8, KPREF);		/* pref_address */
	put_le(img + 0x260, 4, KINIT);		/* init_size */
	for (i = KOFS; i < KSIZE; i++)
		img[i] = i * 13 + 5;
	return img;
}

struct lnx_out {
	u64 entry;
	u32 mode;
	struct axvm_boot_regs regs;
};

static int load(struct kunit *test, const u8 *img, size_t size,
		struct lnx_out *o)
{
	o->mode = AXVM_MODE_LONG;
	return axvm_load_image(fx_as(test), img, size, AXVM_IMAGE_BZIMAGE, 0,
			       &o->entry, &o->mode, &o->regs);
}

static struct boot_params *read_params(struct kunit *test)
{
	struct boot_params *bp = kunit_kzalloc(test, sizeof(*bp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, bp);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(fx_as(test),
					       AXVM_LINUX_PARAMS_GPA, bp,
					       sizeof(*bp)), 0);
	return bp;
}

/* At pref_address, its bytes there, entered at +0x200 in long mode. */
static void bz_loads_at_pref_address(struct kunit *test)
{
	u8 *img = build_bzimage(test), *buf = kunit_kzalloc(test, KBODY,
							    GFP_KERNEL);
	struct lnx_out o = {};

	KUNIT_ASSERT_NOT_NULL(test, buf);
	add_ram(test, 0, RAM_SIZE);
	KUNIT_ASSERT_EQ(test, load(test, img, KSIZE, &o), 0);
	KUNIT_EXPECT_EQ(test, o.regs.load, (u64)KPREF);
	KUNIT_EXPECT_EQ(test, o.entry, (u64)KPREF + 0x200);
	KUNIT_EXPECT_EQ(test, o.mode, (u32)AXVM_MODE_LONG);
	KUNIT_EXPECT_TRUE(test, o.regs.set);
	KUNIT_EXPECT_TRUE(test, o.regs.linux_segs);
	KUNIT_EXPECT_EQ(test, o.regs.rsi, AXVM_LINUX_PARAMS_GPA);
	KUNIT_EXPECT_EQ(test, o.regs.end, (u64)KPREF + KINIT);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(fx_as(test), KPREF, buf,
					       KBODY), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, img + KOFS, KBODY), 0);
}

/* No room at pref_address: the first aligned place from 1 MiB. */
static void bz_falls_back_below_pref(struct kunit *test)
{
	u8 *img = build_bzimage(test);
	struct lnx_out o = {};

	add_ram(test, 0, SZ_8M);
	KUNIT_ASSERT_EQ(test, load(test, img, KSIZE, &o), 0);
	KUNIT_EXPECT_EQ(test, o.regs.load, (u64)KALIGN);
}

/* Without XLF_KERNEL_64: the 32-bit entry at the load address. */
static void bz_32bit_entry(struct kunit *test)
{
	u8 *img = build_bzimage(test);
	struct lnx_out o = {};

	put_le(img + 0x236, 2, 0);
	add_ram(test, 0, RAM_SIZE);
	KUNIT_ASSERT_EQ(test, load(test, img, KSIZE, &o), 0);
	KUNIT_EXPECT_EQ(test, o.entry, (u64)KPREF);
	KUNIT_EXPECT_EQ(test, o.mode, (u32)AXVM_MODE_PROTECTED);
	KUNIT_EXPECT_EQ(test, o.regs.rsi, AXVM_LINUX_PARAMS_GPA);
}

/* Not relocatable: at 1 MiB, whatever pref_address says. */
static void bz_not_relocatable_at_1m(struct kunit *test)
{
	u8 *img = build_bzimage(test);
	struct lnx_out o = {};

	img[0x234] = 0;
	add_ram(test, 0, RAM_SIZE);
	KUNIT_ASSERT_EQ(test, load(test, img, KSIZE, &o), 0);
	KUNIT_EXPECT_EQ(test, o.regs.load, (u64)SZ_1M);
}

/* The header copied, and what a boot loader adds to it. */
static void bz_params_header(struct kunit *test)
{
	u8 *img = build_bzimage(test);
	struct axvm_linux_boot boot = { .kernel = KPREF, .acpi = true,
					.cmdline = "console=ttyS0 quiet" };
	struct boot_params *bp;
	struct lnx_out o = {};
	char cmd[32] = {};

	add_ram(test, 0, RAM_SIZE);
	KUNIT_ASSERT_EQ(test, load(test, img, KSIZE, &o), 0);
	KUNIT_ASSERT_EQ(test, axvm_linux_write_params(fx_as(test), img, KSIZE,
						      &boot), 0);
	bp = read_params(test);
	KUNIT_EXPECT_EQ(test, memcmp(&bp->hdr.header, "HdrS", 4), 0);
	KUNIT_EXPECT_EQ(test, bp->hdr.version, 0x020f);
	KUNIT_EXPECT_EQ(test, bp->hdr.setup_sects, 1);
	KUNIT_EXPECT_EQ(test, bp->hdr.init_size, (u32)KINIT);
	KUNIT_EXPECT_EQ(test, bp->hdr.pref_address, (u64)KPREF);
	KUNIT_EXPECT_EQ(test, bp->hdr.type_of_loader, 0xff);
	KUNIT_EXPECT_EQ(test, bp->hdr.loadflags & (LOADED_HIGH | CAN_USE_HEAP),
			LOADED_HIGH | CAN_USE_HEAP);
	KUNIT_EXPECT_NE(test, bp->hdr.heap_end_ptr, 0);
	KUNIT_EXPECT_EQ(test, bp->hdr.code32_start, (u32)KPREF);
	KUNIT_EXPECT_EQ(test, bp->hdr.cmd_line_ptr, (u32)AXVM_LINUX_CMDLINE_GPA);
	KUNIT_EXPECT_EQ(test, bp->ext_cmd_line_ptr, 0u);
	KUNIT_EXPECT_EQ(test, bp->hdr.ramdisk_image, 0u);
	KUNIT_EXPECT_EQ(test, bp->hdr.ramdisk_size, 0u);
	KUNIT_EXPECT_EQ(test, bp->acpi_rsdp_addr, AXVM_LINUX_RSDP_GPA);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(fx_as(test),
					       AXVM_LINUX_CMDLINE_GPA, cmd,
					       sizeof(cmd)), 0);
	KUNIT_EXPECT_STREQ(test, cmd, "console=ttyS0 quiet");

	/* A bare VM: no RSDP. */
	boot.acpi = false;
	KUNIT_ASSERT_EQ(test, axvm_linux_write_params(fx_as(test), img, KSIZE,
						      &boot), 0);
	bp = read_params(test);
	KUNIT_EXPECT_EQ(test, bp->acpi_rsdp_addr, 0ULL);
}

static void expect_e820_sane(struct kunit *test, const struct boot_params *bp)
{
	unsigned int i;

	KUNIT_ASSERT_GT(test, bp->e820_entries, 0);
	KUNIT_ASSERT_LE(test, bp->e820_entries, E820_MAX_ENTRIES_ZEROPAGE);
	for (i = 0; i < bp->e820_entries; i++) {
		const struct boot_e820_entry *e = &bp->e820_table[i];

		KUNIT_EXPECT_GT(test, e->size, 0ULL);
		if (i)
			KUNIT_EXPECT_LE(test, e[-1].addr + e[-1].size,
					e->addr);
	}
}

/* Is [start, end) RAM in the map, entirely? Partly? */
static bool e820_ram_overlaps(const struct boot_params *bp, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < bp->e820_entries; i++) {
		const struct boot_e820_entry *e = &bp->e820_table[i];

		if (e->type == 1 && e->addr < end && start < e->addr + e->size)
			return true;
	}
	return false;
}

static bool e820_has(const struct boot_params *bp, u64 addr, u64 size,
		     u32 type)
{
	unsigned int i;

	for (i = 0; i < bp->e820_entries; i++)
		if (bp->e820_table[i].addr == addr &&
		    bp->e820_table[i].size == size &&
		    bp->e820_table[i].type == type)
			return true;
	return false;
}

/* RAM minus the loader's, the EBDA's, the hole and the firmware's. */
static void bz_e820_low_ram(struct kunit *test)
{
	u8 *img = build_bzimage(test);
	struct boot_params *bp;
	struct lnx_out o = {};

	add_ram(test, 0, RAM_SIZE);
	KUNIT_ASSERT_EQ(test, load(test, img, KSIZE, &o), 0);
	bp = read_params(test);
	expect_e820_sane(test, bp);
	KUNIT_EXPECT_EQ(test, bp->e820_entries, 6);
	KUNIT_EXPECT_TRUE(test, e820_has(bp, 0, 0x7000, 1));
	KUNIT_EXPECT_TRUE(test, e820_has(bp, 0x7000, 0x9000, 2));
	KUNIT_EXPECT_TRUE(test, e820_has(bp, 0x10000, 0x9fc00 - 0x10000, 1));
	KUNIT_EXPECT_TRUE(test, e820_has(bp, 0x9fc00, 0x400, 2));
	KUNIT_EXPECT_TRUE(test, e820_has(bp, 0xe0000, 0x20000, 2));
	KUNIT_EXPECT_TRUE(test, e820_has(bp, SZ_1M, RAM_SIZE - SZ_1M, 1));
	KUNIT_EXPECT_FALSE(test, e820_ram_overlaps(bp, 0xa0000, 0x100000));
}

/*
 * RAM as axvmctl lays out a 4 GiB PC VM (3 GiB low, 1 GiB at 4 GiB,
 * given as two adjacent regions below): the MMIO hole is no RAM.
 */
static void bz_e820_high_ram(struct kunit *test)
{
	u8 *img = build_bzimage(test);
	struct boot_params *bp;
	struct lnx_out o = {};

	add_ram(test, 0, SZ_1G);
	add_ram(test, SZ_1G, SZ_2G);
	add_ram(test, SZ_4G, SZ_1G);
	KUNIT_ASSERT_EQ(test, load(test, img, KSIZE, &o), 0);
	bp = read_params(test);
	expect_e820_sane(test, bp);
	KUNIT_EXPECT_TRUE(test, e820_has(bp, SZ_1M, 3ULL * SZ_1G - SZ_1M, 1));
	KUNIT_EXPECT_TRUE(test, e820_has(bp, SZ_4G, SZ_1G, 1));
	KUNIT_EXPECT_FALSE(test, e820_ram_overlaps(bp, 0xc0000000ULL, SZ_4G));
	KUNIT_EXPECT_FALSE(test, e820_ram_overlaps(bp, 0xfec00000ULL,
						   0xfef00000ULL));
}

/* The initrd: highest, page aligned, below initrd_addr_max, recorded. */
static void bz_initrd_placed_high(struct kunit *test)
{
	u8 *img = build_bzimage(test);
	struct axvm_linux_boot boot = { .kernel = KPREF };
	struct boot_params *bp;
	struct lnx_out o = {};
	u64 gpa = 0;

	add_ram(test, 0, RAM_SIZE);
	KUNIT_ASSERT_EQ(test, load(test, img, KSIZE, &o), 0);
	KUNIT_ASSERT_EQ(test, axvm_linux_place_initrd(fx_as(test), img, KSIZE,
						      KPREF, 0x2800, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, (u64)RAM_SIZE - 0x3000);
	boot.initrd = gpa;
	boot.initrd_size = 0x2800;
	KUNIT_ASSERT_EQ(test, axvm_linux_write_params(fx_as(test), img, KSIZE,
						      &boot), 0);
	bp = read_params(test);
	KUNIT_EXPECT_EQ(test, bp->hdr.ramdisk_image, (u32)gpa);
	KUNIT_EXPECT_EQ(test, bp->hdr.ramdisk_size, 0x2800u);
	KUNIT_EXPECT_EQ(test, bp->ext_ramdisk_image, 0u);
	KUNIT_EXPECT_EQ(test, bp->ext_ramdisk_size, 0u);
}

static void bz_initrd_below_addr_max(struct kunit *test)
{
	u8 *img = build_bzimage(test);
	struct lnx_out o = {};
	u64 gpa = 0;

	put_le(img + 0x22c, 4, 0x2fffff);
	add_ram(test, 0, RAM_SIZE);
	KUNIT_ASSERT_EQ(test, load(test, img, KSIZE, &o), 0);
	KUNIT_ASSERT_EQ(test, axvm_linux_place_initrd(fx_as(test), img, KSIZE,
						      KPREF, 0x3000, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x300000ULL - 0x3000);
}

/* RAM ends where the kernel does: the initrd goes below the kernel. */
static void bz_initrd_clear_of_kernel(struct kunit *test)
{
	u8 *img = build_bzimage(test);
	struct lnx_out o = {};
	u64 gpa = 0;

	add_ram(test, 0, KPREF + KINIT);
	KUNIT_ASSERT_EQ(test, load(test, img, KSIZE, &o), 0);
	KUNIT_ASSERT_EQ(test, o.regs.load, (u64)KPREF);
	KUNIT_ASSERT_EQ(test, axvm_linux_place_initrd(fx_as(test), img, KSIZE,
						      KPREF, 0x3000, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, (u64)KPREF - 0x3000);
	/* Asked for over the kernel: refused. */
	gpa = KPREF + SZ_1M;
	KUNIT_EXPECT_EQ(test, axvm_linux_place_initrd(fx_as(test), img, KSIZE,
						      KPREF, 0x3000, &gpa),
			-EINVAL);
	/* Too big for what is left. */
	gpa = 0;
	KUNIT_EXPECT_EQ(test, axvm_linux_place_initrd(fx_as(test), img, KSIZE,
						      KPREF, SZ_16M, &gpa),
			-ENOSPC);
}

static void bz_cmdline_too_long_refused(struct kunit *test)
{
	u8 *img = build_bzimage(test);
	struct axvm_linux_boot boot = { .kernel = KPREF, .cmdline = "0123456789" };
	struct lnx_out o = {};

	put_le(img + 0x238, 4, 9);		/* cmdline_size */
	add_ram(test, 0, RAM_SIZE);
	KUNIT_ASSERT_EQ(test, load(test, img, KSIZE, &o), 0);
	KUNIT_EXPECT_EQ(test, axvm_linux_write_params(fx_as(test), img, KSIZE,
						      &boot), -E2BIG);
}

/* Restart: fresh RAM, the same images at the same place, same params. */
static void bz_reload_same_params(struct kunit *test)
{
	u8 *img = build_bzimage(test);
	struct axvm_linux_boot boot = { .cmdline = "root=/dev/ram0",
					.acpi = true };
	struct boot_params *first, *again;
	struct lnx_out o = {}, o2 = {};
	u64 gpa = 0;

	add_ram(test, 0, RAM_SIZE);
	KUNIT_ASSERT_EQ(test, load(test, img, KSIZE, &o), 0);
	boot.kernel = o.regs.load;
	KUNIT_ASSERT_EQ(test, axvm_linux_place_initrd(fx_as(test), img, KSIZE,
						      boot.kernel, 0x5000,
						      &gpa), 0);
	boot.initrd = gpa;
	boot.initrd_size = 0x5000;
	KUNIT_ASSERT_EQ(test, axvm_linux_write_params(fx_as(test), img, KSIZE,
						      &boot), 0);
	first = read_params(test);

	axvm_aspace_reset(fx_as(test));
	o2.mode = AXVM_MODE_LONG;
	KUNIT_ASSERT_EQ(test, axvm_load_image(fx_as(test), img, KSIZE,
					      AXVM_IMAGE_BZIMAGE, o.regs.load,
					      &o2.entry, &o2.mode, &o2.regs), 0);
	KUNIT_EXPECT_EQ(test, o2.entry, o.entry);
	KUNIT_ASSERT_EQ(test, axvm_linux_place_initrd(fx_as(test), img, KSIZE,
						      boot.kernel, 0x5000,
						      &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, boot.initrd);
	KUNIT_ASSERT_EQ(test, axvm_linux_write_params(fx_as(test), img, KSIZE,
						      &boot), 0);
	again = read_params(test);
	KUNIT_EXPECT_EQ(test, memcmp(first, again, sizeof(*first)), 0);
}

/* Refusals: the output left alone, nothing written. */
struct bz_bad {
	const char *name;
	unsigned int off, width;
	u64 val;
	size_t size;		/* 0: KSIZE */
	u64 ram;		/* 0: RAM_SIZE */
	int err;
};

static const struct bz_bad bz_bad_cases[] = {
	{ "no HdrS", 0x202, 4, 0x12345678, 0, 0, -ENOEXEC },
	{ "protocol 2.05", 0x206, 2, 0x0205, 0, 0, -EINVAL },
	{ "protocol 2.00", 0x206, 2, 0x0200, 0, 0, -EINVAL },
	{ "a zImage", 0x211, 1, 0, 0, 0, -EINVAL },
	{ "shorter than the header", 0, 0, 0, 0x203, 0, -ENOEXEC },
	{ "header past the image", 0, 0, 0, 0x240, 0, -EINVAL },
	{ "setup fills the image", 0x1f1, 1, 0x40, 0, 0, -EINVAL },
	{ "kernel truncated", 0, 0, 0, KSIZE - 0x10, 0, -EINVAL },
	{ "alignment not a power of two", 0x230, 4, 0x300000, 0, 0, -EINVAL },
	{ "kernel larger than RAM", 0x260, 4, SZ_32M, 0, SZ_16M, -EFAULT },
};

static void bz_bad_desc(const struct bz_bad *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bz_bad, bz_bad_cases, bz_bad_desc);

static void bz_refused(struct kunit *test)
{
	const struct bz_bad *c = test->param_value;
	u8 *img = build_bzimage(test);
	struct lnx_out o = { .entry = 0x5e5e };
	u8 zero[64] = {}, buf[64];

	if (c->width)
		put_le(img + c->off, c->width, c->val);
	add_ram(test, 0, c->ram ?: RAM_SIZE);
	KUNIT_EXPECT_EQ(test, load(test, img, c->size ?: KSIZE, &o), c->err);
	KUNIT_EXPECT_EQ(test, o.entry, 0x5e5eULL);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(fx_as(test),
					       AXVM_LINUX_PARAMS_GPA, buf,
					       sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, zero, sizeof(buf)), 0);
}

/* boot_params needs the loader window where it usually is. */
static void bz_needs_low_ram(struct kunit *test)
{
	u8 *img = build_bzimage(test);
	struct lnx_out o = {};

	add_ram(test, SZ_1M, RAM_SIZE - SZ_1M);
	KUNIT_EXPECT_EQ(test, load(test, img, KSIZE, &o), -EFAULT);
}

static struct kunit_case linux_loader_cases[] = {
	KUNIT_CASE(bz_loads_at_pref_address),
	KUNIT_CASE(bz_falls_back_below_pref),
	KUNIT_CASE(bz_32bit_entry),
	KUNIT_CASE(bz_not_relocatable_at_1m),
	KUNIT_CASE(bz_params_header),
	KUNIT_CASE(bz_e820_low_ram),
	KUNIT_CASE(bz_e820_high_ram),
	KUNIT_CASE(bz_initrd_placed_high),
	KUNIT_CASE(bz_initrd_below_addr_max),
	KUNIT_CASE(bz_initrd_clear_of_kernel),
	KUNIT_CASE(bz_cmdline_too_long_refused),
	KUNIT_CASE(bz_reload_same_params),
	KUNIT_CASE_PARAM(bz_refused, bz_bad_gen_params),
	KUNIT_CASE(bz_needs_low_ram),
	{}
};

static struct kunit_suite axvm_linux_loader_suite = {
	.name = "axvm_linux_loader",
	.init = lnx_fx_init,
	.exit = lnx_fx_exit,
	.test_cases = linux_loader_cases,
};
kunit_test_suite(axvm_linux_loader_suite);
