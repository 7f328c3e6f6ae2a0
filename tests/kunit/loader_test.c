// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_loader: the image loader (module/loader.c) on a real address
 * space over the fake HAL. Images are built here byte by byte: a valid
 * base of each kind, and for the malformed matrices a list of patches
 * (offset, width, little-endian value) applied to a base.
 *
 * Guest RAM in every case unless it says otherwise:
 *	[0, 16 MiB) and [32 MiB, 33 MiB), a hole between them.
 */
#include <kunit/test.h>
#include <linux/elf.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include <uapi/linux/axvm.h>
#include "npt.h"
#include "loader.h"
#include "mm.h"
#include "pgtable.h"
#include "fake_hal.h"
#include "suites.h"

#define RAM_FLAGS	(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)
#define RAM_A_SIZE	SZ_16M
#define RAM_B_GPA	SZ_32M
#define RAM_B_SIZE	SZ_1M
#define HOLE_GPA	(SZ_16M + SZ_8M)

/* ELF64 / ELF32 bases: one PT_LOAD with a .bss, one PT_NOTE. */
#define E_SIZE		0x1000
#define E_DATA		0x200		/* file offset of the segment */
#define E_FILESZ	0x100
#define E_PADDR		0x200000ULL
#define E_MEMSZ		0x3000		/* .bss crosses two pages */
#define E_ENTRY		0x200010ULL

/* Multiboot ELF32 base: the header opens the segment, as in kvm-unit-tests. */
#define MBE_SIZE	0x3000
#define MBE_DATA	0x1000
#define MBE_FILESZ	0x1000
#define MBE_PADDR	0x400000ULL
#define MBE_MEMSZ	0x2000
#define MBE_ENTRY	0x400100ULL
#define MBE_FLAGS	(AXVM_MB_FLAG_PAGE_ALIGN | AXVM_MB_FLAG_MEMORY)

/* Multiboot base loaded by its address fields (not an ELF). */
#define MBA_SIZE	0x2000
#define MBA_HDR		0x40
#define MBA_LOAD	0x100000ULL
#define MBA_LOAD_END	0x101800ULL
#define MBA_BSS_END	0x103000ULL
#define MBA_ENTRY	0x100080ULL
#define MBA_FLAGS	(AXVM_MB_FLAG_ADDRESS | AXVM_MB_FLAG_MEMORY)

/* Outputs preset to these show that a refused load left them alone. */
#define SENTINEL_ENTRY	0x5e5e5e5eULL
#define SENTINEL_MODE	0x77u

enum base { ELF64, ELF32, MB_ELF, MB_ADDR };

struct ldr_fx {
	struct axvm_fake_hal *fh;
	struct axvm_aspace as;
	bool as_ready;
};

static int ldr_init(struct kunit *test)
{
	struct ldr_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	test->priv = fx;
	fx->fh = axvm_fake_hal_new(test);
	KUNIT_ASSERT_EQ(test, axvm_aspace_init(&fx->as, &fx->fh->ops,
					       &axvm_x86_pte_ops, 0), 0);
	fx->as_ready = true;
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(&fx->as, 0, RAM_A_SIZE,
						     RAM_FLAGS, AXVM_MAP_ALLOC), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(&fx->as, RAM_B_GPA,
						     RAM_B_SIZE, RAM_FLAGS,
						     AXVM_MAP_ALLOC), 0);
	return 0;
}

static void ldr_exit(struct kunit *test)
{
	struct ldr_fx *fx = test->priv;

	if (fx && fx->as_ready)
		axvm_aspace_destroy(&fx->as);
}

static struct axvm_aspace *fx_as(struct kunit *test)
{
	return &((struct ldr_fx *)test->priv)->as;
}

/* ---- image building ---------------------------------------------------- */

static u8 pattern(size_t i)
{
	return i * 7 + 3;
}

static void put_le(u8 *p, unsigned int width, u64 v)
{
	unsigned int i;

	for (i = 0; i < width; i++)
		p[i] = v >> (8 * i);
}

static void put_mb_header(u8 *p, u32 flags)
{
	put_le(p, 4, AXVM_MB_HEADER_MAGIC);
	put_le(p + 4, 4, flags);
	put_le(p + 8, 4, -(AXVM_MB_HEADER_MAGIC + flags));
}

static u8 *new_buf(struct kunit *test, size_t size)
{
	u8 *buf = kunit_kzalloc(test, size, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < size; i++)
		buf[i] = pattern(i);
	return buf;
}

static void fill_ident(u8 *ident, u8 class)
{
	memset(ident, 0, EI_NIDENT);
	memcpy(ident, ELFMAG, SELFMAG);
	ident[EI_CLASS] = class;
	ident[EI_DATA] = ELFDATA2LSB;
	ident[EI_VERSION] = EV_CURRENT;
}

static u8 *build_elf64(struct kunit *test, size_t *size)
{
	u8 *buf = new_buf(test, E_SIZE);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));

	memset(buf, 0, sizeof(*eh) + 2 * sizeof(*ph));
	fill_ident(eh->e_ident, ELFCLASS64);
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = E_ENTRY;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0].p_type = PT_LOAD;
	ph[0].p_offset = E_DATA;
	ph[0].p_filesz = E_FILESZ;
	ph[0].p_vaddr = E_PADDR;
	ph[0].p_paddr = E_PADDR;
	ph[0].p_memsz = E_MEMSZ;
	ph[1].p_type = PT_NOTE;
	*size = E_SIZE;
	return buf;
}

/* An ELF32 in @total bytes, one PT_LOAD and one PT_NOTE. */
static u8 *build_elf32_at(struct kunit *test, size_t total, u32 off,
			  u32 filesz, u32 paddr, u32 memsz, u32 entry)
{
	u8 *buf = new_buf(test, total);
	Elf32_Ehdr *eh = (Elf32_Ehdr *)buf;
	Elf32_Phdr *ph = (Elf32_Phdr *)(buf + sizeof(*eh));

	memset(buf, 0, sizeof(*eh) + 2 * sizeof(*ph));
	fill_ident(eh->e_ident, ELFCLASS32);
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0].p_type = PT_LOAD;
	ph[0].p_offset = off;
	ph[0].p_filesz = filesz;
	ph[0].p_vaddr = paddr;
	ph[0].p_paddr = paddr;
	ph[0].p_memsz = memsz;
	ph[1].p_type = PT_NOTE;
	return buf;
}

static u8 *build(struct kunit *test, enum base b, size_t *size)
{
	u8 *buf;

	switch (b) {
	case ELF64:
		return build_elf64(test, size);
	case ELF32:
		*size = E_SIZE;
		return build_elf32_at(test, E_SIZE, E_DATA, E_FILESZ, E_PADDR,
				      E_MEMSZ, E_ENTRY);
	case MB_ELF:
		*size = MBE_SIZE;
		buf = build_elf32_at(test, MBE_SIZE, MBE_DATA, MBE_FILESZ,
				     MBE_PADDR, MBE_MEMSZ, MBE_ENTRY);
		put_mb_header(buf + MBE_DATA, MBE_FLAGS);
		return buf;
	case MB_ADDR:
		*size = MBA_SIZE;
		buf = new_buf(test, MBA_SIZE);
		put_mb_header(buf + MBA_HDR, MBA_FLAGS);
		put_le(buf + MBA_HDR + 12, 4, MBA_LOAD + MBA_HDR);
		put_le(buf + MBA_HDR + 16, 4, MBA_LOAD);
		put_le(buf + MBA_HDR + 20, 4, MBA_LOAD_END);
		put_le(buf + MBA_HDR + 24, 4, MBA_BSS_END);
		put_le(buf + MBA_HDR + 28, 4, MBA_ENTRY);
		return buf;
	}
	KUNIT_FAIL(test, "unknown base %d", b);
	return NULL;
}

/* A patch: @width (1..8) little-endian bytes of @val at @off; width 0 = none. */
struct patch {
	u32 off;
	u8 width;
	u64 val;
};

/* A patch of field @f of the ELF header / program header @i. */
#define EH64(f, v)	{ offsetof(Elf64_Ehdr, f), sizeof_field(Elf64_Ehdr, f), (v) }
#define EH32(f, v)	{ offsetof(Elf32_Ehdr, f), sizeof_field(Elf32_Ehdr, f), (v) }
#define PH64(i, f, v)	{ sizeof(Elf64_Ehdr) + (i) * sizeof(Elf64_Phdr) +	\
			  offsetof(Elf64_Phdr, f),				\
			  sizeof_field(Elf64_Phdr, f), (v) }
#define PH32(i, f, v)	{ sizeof(Elf32_Ehdr) + (i) * sizeof(Elf32_Phdr) +	\
			  offsetof(Elf32_Phdr, f),				\
			  sizeof_field(Elf32_Phdr, f), (v) }
#define IDENT(i, v)	{ (i), 1, (v) }
/* Multiboot header word @i (0 magic, 1 flags, 2 checksum, 3 header_addr...). */
#define MBE(i, v)	{ MBE_DATA + 4 * (i), 4, (v) }
#define MBA(i, v)	{ MBA_HDR + 4 * (i), 4, (v) }
/* Two 32-bit header words, for one 8-byte patch. */
#define PAIR(lo, hi)	((u64)(u32)(lo) | (u64)(u32)(hi) << 32)
/* Header words @i and @i + 1 at once. */
#define MBA2(i, lo, hi)	{ MBA_HDR + 4 * (i), 8, PAIR(lo, hi) }

static void apply(struct kunit *test, u8 *buf, size_t size,
		  const struct patch *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!p[i].width)
			continue;
		KUNIT_ASSERT_LE(test, (size_t)p[i].off + p[i].width, size);
		put_le(buf + p[i].off, p[i].width, p[i].val);
	}
}

/* Recompute the checksum of the header at @off after a flags patch. */
static void resum(u8 *buf, size_t off)
{
	u32 magic = get_unaligned_le32(buf + off);
	u32 flags = get_unaligned_le32(buf + off + 4);

	put_le(buf + off + 8, 4, -(magic + flags));
}

/* ---- checks -------------------------------------------------------------- */

static void expect_bytes(struct kunit *test, u64 gpa, const u8 *want,
			 size_t len)
{
	u8 *got = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(fx_as(test), gpa, got, len), 0);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(got, want, len), 0,
			    "guest bytes at %#llx", gpa);
}

static void expect_fill(struct kunit *test, u64 gpa, u8 val, size_t len)
{
	u8 *got = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(fx_as(test), gpa, got, len), 0);
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(got, val, len),
			      "guest bytes at %#llx not all %#x", gpa, val);
}

static void prefill(struct kunit *test, u64 gpa, u8 val, size_t len)
{
	u8 *buf = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, val, len);
	KUNIT_ASSERT_EQ(test, axvm_aspace_write(fx_as(test), gpa, buf, len), 0);
}

struct outs {
	u64 entry;
	u32 mode;
	struct axvm_boot_regs regs;
};

static int load(struct kunit *test, const void *img, size_t size, u32 fmt,
		u64 gpa, u32 mode, struct outs *o)
{
	o->entry = SENTINEL_ENTRY;
	o->mode = mode;
	o->regs.set = true;
	o->regs.rax = 1;
	o->regs.rbx = 2;
	return axvm_load_image(fx_as(test), img, size, fmt, gpa, &o->entry,
			       &o->mode, &o->regs);
}

static void expect_untouched(struct kunit *test, const struct outs *o,
			     u32 mode)
{
	KUNIT_EXPECT_EQ(test, o->entry, SENTINEL_ENTRY);
	KUNIT_EXPECT_EQ(test, o->mode, mode);
	KUNIT_EXPECT_TRUE(test, o->regs.set);
	KUNIT_EXPECT_EQ(test, o->regs.rax, 1ULL);
	KUNIT_EXPECT_EQ(test, o->regs.rbx, 2ULL);
}

static struct axvm_mb_info read_info(struct kunit *test)
{
	struct axvm_mb_info info;

	KUNIT_EXPECT_EQ(test, axvm_aspace_read(fx_as(test), AXVM_MB_INFO_GPA,
					       &info, sizeof(info)), 0);
	return info;
}

/* ---- raw ------------------------------------------------------------------ */

static void raw_loads_across_pages(struct kunit *test)
{
	const u64 gpa = 0x1ff0;		/* three pages touched */
	const size_t size = 0x2020;
	u8 *img = new_buf(test, size);
	struct outs o;

	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_RAW, gpa,
				   AXVM_MODE_REAL, &o), 0);
	KUNIT_EXPECT_EQ(test, o.entry, gpa);
	KUNIT_EXPECT_EQ(test, o.mode, (u32)AXVM_MODE_REAL);
	KUNIT_EXPECT_FALSE(test, o.regs.set);
	expect_bytes(test, gpa, img, size);
}

static void raw_keeps_callers_mode(struct kunit *test)
{
	u8 *img = new_buf(test, 0x100);
	struct outs o;

	KUNIT_ASSERT_EQ(test, load(test, img, 0x100, AXVM_IMAGE_RAW, SZ_1M,
				   AXVM_MODE_LONG, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mode, (u32)AXVM_MODE_LONG);
	KUNIT_EXPECT_EQ(test, o.entry, (u64)SZ_1M);
	expect_bytes(test, SZ_1M, img, 0x100);
}

static void raw_real_mode_may_cover_window(struct kunit *test)
{
	const size_t size = 0x9000;	/* 0x7c00 .. 0x10c00 */
	u8 *img = new_buf(test, size);
	struct outs o;

	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_RAW, 0x7c00,
				   AXVM_MODE_REAL, &o), 0);
	expect_bytes(test, 0x7c00, img, size);
}

/* Up to the last byte of the second region. */
static void raw_in_second_region(struct kunit *test)
{
	const u64 gpa = RAM_B_GPA + RAM_B_SIZE - SZ_64K;
	u8 *img = new_buf(test, SZ_64K);
	struct outs o;

	KUNIT_ASSERT_EQ(test, load(test, img, SZ_64K, AXVM_IMAGE_RAW, gpa,
				   AXVM_MODE_LONG, &o), 0);
	expect_bytes(test, gpa, img, SZ_64K);
}

struct raw_bad {
	const char *name;
	u64 gpa;
	size_t size;
	u32 mode;
	int err;
};

static const struct raw_bad raw_bad_cases[] = {
	{ "empty", SZ_1M, 0, AXVM_MODE_LONG, -EINVAL },
	{ "end overflows", U64_MAX - 0xff, 0x1000, AXVM_MODE_LONG, -EINVAL },
	{ "in the hole", HOLE_GPA, 0x1000, AXVM_MODE_LONG, -EFAULT },
	{ "past the end of RAM", RAM_A_SIZE - 0x800, 0x1000, AXVM_MODE_LONG,
	  -EFAULT },
	{ "past the second region", RAM_B_GPA + RAM_B_SIZE - 1, 2,
	  AXVM_MODE_LONG, -EFAULT },
	{ "past the GPA limit", AXVM_GPA_LIMIT, 0x1000, AXVM_MODE_LONG,
	  -EFAULT },
	{ "window, protected", 0x9000, 0x10, AXVM_MODE_PROTECTED, -EBUSY },
	{ "window, long, from below", 0x8ff0, 0x20, AXVM_MODE_LONG, -EBUSY },
	{ "window, long, last byte", 0xffff, 1, AXVM_MODE_LONG, -EBUSY },
};

static void raw_bad_desc(const struct raw_bad *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(raw_bad, raw_bad_cases, raw_bad_desc);

static void raw_refused(struct kunit *test)
{
	const struct raw_bad *c = test->param_value;
	u8 *img = new_buf(test, max_t(size_t, c->size, 1));
	struct outs o;

	KUNIT_EXPECT_EQ(test, load(test, img, c->size, AXVM_IMAGE_RAW, c->gpa,
				   c->mode, &o), c->err);
	expect_untouched(test, &o, c->mode);
}

static void raw_window_edges_accepted(struct kunit *test)
{
	u8 *img = new_buf(test, 0x1000);
	struct outs o;

	KUNIT_EXPECT_EQ(test, load(test, img, 0x1000, AXVM_IMAGE_RAW,
				   AXVM_LOADER_WIN_START - 0x1000,
				   AXVM_MODE_LONG, &o), 0);
	KUNIT_EXPECT_EQ(test, load(test, img, 0x1000, AXVM_IMAGE_RAW,
				   AXVM_LOADER_WIN_END, AXVM_MODE_PROTECTED,
				   &o), 0);
}

static void unknown_format_refused(struct kunit *test)
{
	u8 *img = new_buf(test, 0x100);
	struct outs o;

	KUNIT_EXPECT_EQ(test, load(test, img, 0x100, AXVM_IMAGE_INITRD + 1,
				   SZ_1M, AXVM_MODE_LONG, &o), -EINVAL);
	expect_untouched(test, &o, AXVM_MODE_LONG);
	expect_fill(test, SZ_1M, 0, 0x100);
}

/* ---- ELF ------------------------------------------------------------------ */

static void elf64_loads(struct kunit *test)
{
	size_t size;
	u8 *img = build(test, ELF64, &size);
	struct outs o;

	/* .bss over a page already written must read as zero afterwards. */
	prefill(test, E_PADDR, 0xaa, E_MEMSZ);
	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_ELF, 0,
				   AXVM_MODE_REAL, &o), 0);
	KUNIT_EXPECT_EQ(test, o.entry, E_ENTRY);
	KUNIT_EXPECT_EQ(test, o.mode, (u32)AXVM_MODE_LONG);
	KUNIT_EXPECT_FALSE(test, o.regs.set);
	expect_bytes(test, E_PADDR, img + E_DATA, E_FILESZ);
	expect_fill(test, E_PADDR + E_FILESZ, 0, E_MEMSZ - E_FILESZ);
}

static void elf32_loads(struct kunit *test)
{
	size_t size;
	u8 *img = build(test, ELF32, &size);
	struct outs o;

	prefill(test, E_PADDR, 0xaa, E_MEMSZ);
	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_ELF, 0,
				   AXVM_MODE_LONG, &o), 0);
	KUNIT_EXPECT_EQ(test, o.entry, E_ENTRY);
	KUNIT_EXPECT_EQ(test, o.mode, (u32)AXVM_MODE_PROTECTED);
	KUNIT_EXPECT_FALSE(test, o.regs.set);
	expect_bytes(test, E_PADDR, img + E_DATA, E_FILESZ);
	expect_fill(test, E_PADDR + E_FILESZ, 0, E_MEMSZ - E_FILESZ);
}

/* The image buffer has no alignment promise. */
static void elf64_unaligned_buffer(struct kunit *test)
{
	size_t size;
	u8 *img = build(test, ELF64, &size);
	u8 *odd = kunit_kzalloc(test, size + 1, GFP_KERNEL);
	struct outs o;

	KUNIT_ASSERT_NOT_NULL(test, odd);
	memcpy(odd + 1, img, size);
	KUNIT_ASSERT_EQ(test, load(test, odd + 1, size, AXVM_IMAGE_ELF, 0,
				   AXVM_MODE_REAL, &o), 0);
	expect_bytes(test, E_PADDR, img + E_DATA, E_FILESZ);
}

/* A large .bss is not allocated: untouched RAM reads as zero anyway. */
static void elf_bss_not_populated(struct kunit *test)
{
	const struct patch p[] = { PH64(0, p_memsz, SZ_4M) };
	unsigned long before;
	phys_addr_t pa;
	size_t size;
	u8 *img = build(test, ELF64, &size);
	struct outs o;

	apply(test, img, size, p, ARRAY_SIZE(p));
	before = axvm_fake_hal_frames_in_use(((struct ldr_fx *)test->priv)->fh);
	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_ELF, 0,
				   AXVM_MODE_REAL, &o), 0);
	KUNIT_EXPECT_EQ(test, axvm_aspace_translate(fx_as(test),
						    E_PADDR + SZ_2M, &pa),
			-ENOENT);
	/* One data page plus at most a few page-table frames. */
	KUNIT_EXPECT_LE(test, axvm_fake_hal_frames_in_use(
				((struct ldr_fx *)test->priv)->fh) - before, 8UL);
	expect_fill(test, E_PADDR + E_FILESZ, 0, SZ_64K);
}

static void elf_segments_beside_window(struct kunit *test)
{
	const struct patch p[] = {
		PH64(0, p_paddr, AXVM_LOADER_WIN_START - 0x1000),
		PH64(0, p_memsz, 0x1000),
		PH64(1, p_type, PT_LOAD),
		PH64(1, p_offset, E_DATA + E_FILESZ),
		PH64(1, p_filesz, E_FILESZ),
		PH64(1, p_paddr, AXVM_LOADER_WIN_END),
		PH64(1, p_memsz, E_FILESZ),
	};
	size_t size;
	u8 *img = build(test, ELF64, &size);
	struct outs o;

	apply(test, img, size, p, ARRAY_SIZE(p));
	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_ELF, 0,
				   AXVM_MODE_REAL, &o), 0);
	expect_bytes(test, AXVM_LOADER_WIN_START - 0x1000, img + E_DATA,
		     E_FILESZ);
	expect_bytes(test, AXVM_LOADER_WIN_END, img + E_DATA + E_FILESZ,
		     E_FILESZ);
}

struct img_bad {
	const char *name;
	enum base base;
	struct patch p[3];
	size_t size;		/* 0: the base's */
	bool resum;		/* fix the Multiboot checksum after patching */
	int err;
};

static const struct img_bad elf_bad_cases[] = {
	{ "empty", ELF64, .size = 1, .err = -ENOEXEC },
	{ "truncated ident", ELF64, .size = EI_NIDENT - 1, .err = -ENOEXEC },
	{ "truncated ELF64 header", ELF64, .size = sizeof(Elf64_Ehdr) - 1,
	  .err = -ENOEXEC },
	{ "truncated ELF32 header", ELF32, .size = sizeof(Elf32_Ehdr) - 1,
	  .err = -ENOEXEC },
	{ "bad magic", ELF64, { IDENT(EI_MAG3, 'G') }, .err = -ENOEXEC },
	{ "class none", ELF64, { IDENT(EI_CLASS, ELFCLASSNONE) },
	  .err = -ENOEXEC },
	{ "class 3", ELF64, { IDENT(EI_CLASS, 3) }, .err = -ENOEXEC },
	{ "big endian", ELF64, { IDENT(EI_DATA, ELFDATA2MSB) },
	  .err = -ENOEXEC },
	{ "ident version 0", ELF64, { IDENT(EI_VERSION, 0) },
	  .err = -ENOEXEC },
	{ "ELF64 for i386", ELF64, { EH64(e_machine, EM_386) },
	  .err = -ENOEXEC },
	{ "ELF64 for arm64", ELF64, { EH64(e_machine, EM_AARCH64) },
	  .err = -ENOEXEC },
	{ "ELF32 for x86-64", ELF32, { EH32(e_machine, EM_X86_64) },
	  .err = -ENOEXEC },
	{ "shared object", ELF64, { EH64(e_type, ET_DYN) },
	  .err = -ENOEXEC },
	{ "relocatable", ELF32, { EH32(e_type, ET_REL) }, .err = -ENOEXEC },
	{ "e_version 0", ELF64, { EH64(e_version, 0) }, .err = -ENOEXEC },
	{ "no program headers", ELF64, { EH64(e_phnum, 0) },
	  .err = -ENOEXEC },
	{ "PN_XNUM program headers", ELF64, { EH64(e_phnum, PN_XNUM) },
	  .err = -ENOEXEC },
	{ "ELF64 phentsize 32", ELF64, { EH64(e_phentsize, 32) },
	  .err = -EINVAL },
	{ "ELF32 phentsize 56", ELF32, { EH32(e_phentsize, 56) },
	  .err = -EINVAL },
	{ "phoff past the end", ELF64, { EH64(e_phoff, E_SIZE) },
	  .err = -EINVAL },
	{ "table crosses the end", ELF64,
	  { EH64(e_phoff, E_SIZE - sizeof(Elf64_Phdr)) }, .err = -EINVAL },
	{ "phoff + table overflows", ELF64,
	  { EH64(e_phoff, U64_MAX - sizeof(Elf64_Phdr) + 1) },
	  .err = -EINVAL },
	{ "phnum past the end", ELF64, { EH64(e_phnum, 100) },
	  .err = -EINVAL },
	{ "ELF32 phoff past the end", ELF32, { EH32(e_phoff, 0xfffffff0) },
	  .err = -EINVAL },
	{ "filesz > memsz", ELF64, { PH64(0, p_memsz, E_FILESZ - 1) },
	  .err = -EINVAL },
	{ "segment past the buffer", ELF64,
	  { PH64(0, p_filesz, E_SIZE - E_DATA + 1) }, .err = -EINVAL },
	{ "segment offset overflows", ELF64, { PH64(0, p_offset, U64_MAX) },
	  .err = -EINVAL },
	{ "ELF32 segment past the buffer", ELF32,
	  { PH32(0, p_offset, E_SIZE - 1) }, .err = -EINVAL },
	{ "segment address overflows", ELF64,
	  { PH64(0, p_paddr, U64_MAX - 0xfff) }, .err = -EINVAL },
	{ "ELF32 segment past 4 GiB", ELF32,
	  { PH32(0, p_paddr, 0xfffff000) }, .err = -EINVAL },
	{ "segment in the hole", ELF64, { PH64(0, p_paddr, HOLE_GPA) },
	  .err = -EFAULT },
	{ "segment past the end of RAM", ELF64,
	  { PH64(0, p_paddr, RAM_A_SIZE - 0x1000) }, .err = -EFAULT },
	{ "segment past the GPA limit", ELF64,
	  { PH64(0, p_paddr, AXVM_GPA_LIMIT) }, .err = -EFAULT },
	{ "segment into the window from below", ELF64,
	  { PH64(0, p_paddr, AXVM_LOADER_WIN_START - 0x1000) },
	  .err = -EBUSY },
	{ "segment over the window end", ELF64,
	  { PH64(0, p_paddr, AXVM_LOADER_WIN_END - 0x1000) },
	  .err = -EBUSY },
	{ "ELF32 segment inside the window", ELF32,
	  { PH32(0, p_paddr, AXVM_MB_INFO_GPA) }, .err = -EBUSY },
	{ "no PT_LOAD", ELF64, { PH64(0, p_type, PT_NOTE) },
	  .err = -ENOEXEC },
	{ "only an empty PT_LOAD", ELF64,
	  { PH64(0, p_filesz, 0), PH64(0, p_memsz, 0) },
	  .err = -ENOEXEC },
	/* A bad segment after a good one: nothing of the good one is written. */
	{ "second PT_LOAD in the hole", ELF64,
	  { PH64(1, p_type, PT_LOAD), PH64(1, p_paddr, HOLE_GPA),
	    PH64(1, p_memsz, 0x1000) }, .err = -EFAULT },
	{ "second PT_LOAD filesz > memsz", ELF32,
	  { PH32(1, p_type, PT_LOAD), PH32(1, p_filesz, 2),
	    PH32(1, p_memsz, 1) }, .err = -EINVAL },
};

static void img_bad_desc(const struct img_bad *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(elf_bad, elf_bad_cases, img_bad_desc);

static int load_bad(struct kunit *test, const struct img_bad *c, u32 fmt,
		    struct outs *o)
{
	size_t size;
	u8 *img = build(test, c->base, &size);

	apply(test, img, size, c->p, ARRAY_SIZE(c->p));
	if (c->resum)
		resum(img, c->base == MB_ADDR ? MBA_HDR : MBE_DATA);
	if (c->size)
		size = c->size;
	return load(test, img, size, fmt, 0, AXVM_MODE_LONG, o);
}

static void elf_refused(struct kunit *test)
{
	const struct img_bad *c = test->param_value;
	struct outs o;

	KUNIT_EXPECT_EQ(test, load_bad(test, c, AXVM_IMAGE_ELF, &o), c->err);
	expect_untouched(test, &o, AXVM_MODE_LONG);
	/* Everything is checked before anything is written. */
	expect_fill(test, E_PADDR, 0, E_MEMSZ);
}

/* ---- Multiboot -------------------------------------------------------- */

static void expect_mb_regs(struct kunit *test, const struct outs *o)
{
	KUNIT_EXPECT_EQ(test, o->mode, (u32)AXVM_MODE_PROTECTED);
	KUNIT_EXPECT_TRUE(test, o->regs.set);
	KUNIT_EXPECT_EQ(test, o->regs.rax, 0x2BADB002ULL);
	KUNIT_EXPECT_EQ(test, o->regs.rbx, AXVM_MB_INFO_GPA);
}

static void mb_elf_loads(struct kunit *test)
{
	size_t size;
	u8 *img = build(test, MB_ELF, &size);
	struct outs o;

	prefill(test, MBE_PADDR, 0xaa, MBE_MEMSZ);
	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), 0);
	KUNIT_EXPECT_EQ(test, o.entry, MBE_ENTRY);
	expect_mb_regs(test, &o);
	expect_bytes(test, MBE_PADDR, img + MBE_DATA, MBE_FILESZ);
	expect_fill(test, MBE_PADDR + MBE_FILESZ, 0, MBE_MEMSZ - MBE_FILESZ);
}

/* A Multiboot ELF at 0x8000-0xb000, as realmode.flat: over the window. */
static u8 *build_mb_at_8000(struct kunit *test, size_t *size)
{
	const struct patch p[] = { PH32(0, p_paddr, 0x8000),
				   PH32(0, p_memsz, 0x3000) };
	u8 *img = build(test, MB_ELF, size);

	apply(test, img, *size, p, ARRAY_SIZE(p));
	return img;
}

/*
 * A Multiboot kernel loaded first over 0x9000-0xffff (kvm-unit-tests'
 * realmode.flat) moves the window to 0x1000: EBX and the information
 * go there, and from then on the moved window is what images must not
 * overlap. After RESTART's reset the kernel moves it again.
 */
static void mb_moves_the_window(struct kunit *test)
{
	size_t size;
	u8 *img = build_mb_at_8000(test, &size);
	struct axvm_mb_info info;
	struct outs o;

	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), 0);
	KUNIT_EXPECT_EQ(test, axvm_loader_win(fx_as(test)),
			AXVM_LOADER_WIN_LOW);
	KUNIT_EXPECT_EQ(test, o.regs.rbx, AXVM_LOADER_WIN_LOW + AXVM_MB_INFO_OFF);
	expect_bytes(test, 0x8000, img + MBE_DATA, MBE_FILESZ);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(fx_as(test), o.regs.rbx, &info,
					       sizeof(info)), 0);
	KUNIT_EXPECT_EQ(test, info.mem_lower, 640u);
	/* The usual window is the kernel's now; the moved one is kept. */
	KUNIT_EXPECT_EQ(test, load(test, img, 16, AXVM_IMAGE_RAW, 0x2000,
				   AXVM_MODE_PROTECTED, &o), -EBUSY);
	axvm_aspace_reset(fx_as(test));
	KUNIT_EXPECT_EQ(test, axvm_loader_win(fx_as(test)),
			AXVM_LOADER_WIN_START);
}

/* Anything loaded before the kernel pins the window. */
static void mb_window_pinned_by_earlier_image(struct kunit *test)
{
	size_t size;
	u8 *img = build_mb_at_8000(test, &size);
	struct outs o;

	KUNIT_ASSERT_EQ(test, load(test, img, 16, AXVM_IMAGE_RAW, 0x200000,
				   AXVM_MODE_PROTECTED, &o), 0);
	KUNIT_EXPECT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), -EBUSY);
	KUNIT_EXPECT_EQ(test, axvm_loader_win(fx_as(test)),
			AXVM_LOADER_WIN_START);
}

static void mb_info_contents(struct kunit *test)
{
	struct axvm_mb_info info, zero = {};
	size_t size;
	u8 *img = build(test, MB_ELF, &size);
	struct outs o;

	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), 0);
	info = read_info(test);
	KUNIT_EXPECT_EQ(test, info.flags,
			AXVM_MB_INFO_MEMORY | AXVM_MB_INFO_MMAP);
	KUNIT_EXPECT_EQ(test, info.mem_lower, 640u);
	/* [1 MiB, 16 MiB); the region past the hole does not count. */
	KUNIT_EXPECT_EQ(test, info.mem_upper, 15u * 1024);
	/* The two RAM regions, 24 bytes each, inside the page. */
	KUNIT_EXPECT_EQ(test, info.mmap_length, 2u * 24);
	KUNIT_EXPECT_GT(test, info.mmap_addr, (u32)AXVM_MB_INFO_GPA);
	KUNIT_EXPECT_LE(test, info.mmap_addr + info.mmap_length,
			(u32)(AXVM_MB_INFO_GPA + AXVM_MB_INFO_MAX));
	/* Nothing else is claimed: no modules, no command line. */
	info.flags = 0;
	info.mem_lower = 0;
	info.mem_upper = 0;
	info.mmap_addr = 0;
	info.mmap_length = 0;
	KUNIT_EXPECT_EQ(test, memcmp(&info, &zero, sizeof(info)), 0);
}

/* A Multiboot memory map entry as the guest reads it. */
struct mb_mmap_entry {
	u32 size;
	u64 base, length;
	u32 type;
} __packed;

static void mb_info_memory_map(struct kunit *test)
{
	struct axvm_mb_info info = {};
	struct mb_mmap_entry e[2];

	KUNIT_ASSERT_EQ(test, axvm_mb_write_info(fx_as(test),
						 &(struct axvm_mb_boot){}), 0);
	info = read_info(test);
	KUNIT_ASSERT_EQ(test, info.mmap_length, (u32)sizeof(e));
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(fx_as(test), info.mmap_addr,
					       e, sizeof(e)), 0);
	/* size counts the bytes after itself; type 1 is RAM. */
	KUNIT_EXPECT_EQ(test, e[0].size, 20u);
	KUNIT_EXPECT_EQ(test, e[0].base, 0ULL);
	KUNIT_EXPECT_EQ(test, e[0].length, (u64)RAM_A_SIZE);
	KUNIT_EXPECT_EQ(test, e[0].type, 1u);
	KUNIT_EXPECT_EQ(test, e[1].size, 20u);
	KUNIT_EXPECT_EQ(test, e[1].base, (u64)RAM_B_GPA);
	KUNIT_EXPECT_EQ(test, e[1].length, (u64)RAM_B_SIZE);
	KUNIT_EXPECT_EQ(test, e[1].type, 1u);
}

/* Read a NUL-terminated string of the guest's at @gpa. */
static void expect_guest_string(struct kunit *test, u32 gpa, const char *want)
{
	char got[64] = {};

	KUNIT_ASSERT_NE(test, gpa, 0u);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(fx_as(test), gpa, got,
					       strlen(want) + 1), 0);
	KUNIT_EXPECT_STREQ(test, got, want);
}

static void mb_info_cmdline_and_modules(struct kunit *test)
{
	static const struct axvm_mb_module mods[] = {
		{ 0x500000, 0x500123, "env" },
		{ 0x501000, 0x502000, NULL },
	};
	struct axvm_mb_boot boot = {
		.cmdline = "console=ttyS0 -- smp", .mods = mods, .nr_mods = 2,
	};
	struct axvm_mb_info info;
	u32 m[2][4];

	KUNIT_ASSERT_EQ(test, axvm_mb_write_info(fx_as(test), &boot), 0);
	info = read_info(test);
	KUNIT_EXPECT_EQ(test, info.flags,
			AXVM_MB_INFO_MEMORY | AXVM_MB_INFO_MMAP |
			AXVM_MB_INFO_CMDLINE | AXVM_MB_INFO_MODS);
	expect_guest_string(test, info.cmdline, "console=ttyS0 -- smp");
	KUNIT_EXPECT_EQ(test, info.mods_count, 2u);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(fx_as(test), info.mods_addr,
					       m, sizeof(m)), 0);
	/* start, end (exclusive), string, reserved: per module. */
	KUNIT_EXPECT_EQ(test, m[0][0], 0x500000u);
	KUNIT_EXPECT_EQ(test, m[0][1], 0x500123u);
	expect_guest_string(test, m[0][2], "env");
	KUNIT_EXPECT_EQ(test, m[0][3], 0u);
	KUNIT_EXPECT_EQ(test, m[1][0], 0x501000u);
	KUNIT_EXPECT_EQ(test, m[1][1], 0x502000u);
	KUNIT_EXPECT_EQ(test, m[1][2], 0u);
	/* The map still follows, past the list. */
	KUNIT_EXPECT_GE(test, info.mmap_addr, info.mods_addr + (u32)sizeof(m));
}

static void mb_info_too_big_refused(struct kunit *test)
{
	struct axvm_mb_info before, after;
	struct axvm_mb_boot boot = {};
	char *line;

	KUNIT_ASSERT_EQ(test, axvm_mb_write_info(fx_as(test), &boot), 0);
	before = read_info(test);
	/* A command line as long as the page cannot fit beside the rest. */
	line = kunit_kzalloc(test, AXVM_MB_INFO_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, line);
	memset(line, 'x', AXVM_MB_INFO_MAX - 1);
	boot.cmdline = line;
	KUNIT_EXPECT_EQ(test, axvm_mb_write_info(fx_as(test), &boot), -E2BIG);
	after = read_info(test);
	KUNIT_EXPECT_EQ(test, memcmp(&before, &after, sizeof(before)), 0);
}

static void mb_info_module_past_4g_refused(struct kunit *test)
{
	static const struct axvm_mb_module mod = { SZ_4G, SZ_4G + 0x1000 };
	struct axvm_mb_boot boot = { .mods = &mod, .nr_mods = 1 };

	KUNIT_EXPECT_EQ(test, axvm_mb_write_info(fx_as(test), &boot), -ERANGE);
}

static void mb_info_upper_spans_adjacent_regions(struct kunit *test)
{
	size_t size;
	u8 *img = build(test, MB_ELF, &size);
	struct outs o;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(fx_as(test), RAM_A_SIZE,
						     SZ_4M, RAM_FLAGS,
						     AXVM_MAP_ALLOC), 0);
	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), 0);
	KUNIT_EXPECT_EQ(test, read_info(test).mem_upper, 19u * 1024);
}

static void mb_info_small_ram(struct kunit *test)
{
	struct axvm_aspace *as = fx_as(test);
	size_t size;
	u8 *img = build(test, MB_ELF, &size);
	struct axvm_mb_info info;
	struct outs o;

	/* 512 KiB low, then [1 MiB, 8 MiB). */
	KUNIT_ASSERT_EQ(test, axvm_aspace_del_region(as, 0, RAM_A_SIZE), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, 0, SZ_512K, RAM_FLAGS,
						     AXVM_MAP_ALLOC), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_1M, SZ_8M - SZ_1M,
						     RAM_FLAGS,
						     AXVM_MAP_ALLOC), 0);
	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), 0);
	info = read_info(test);
	KUNIT_EXPECT_EQ(test, info.mem_lower, 512u);
	KUNIT_EXPECT_EQ(test, info.mem_upper, 7u * 1024);
}

static void mb_info_window_not_ram(struct kunit *test)
{
	struct axvm_aspace *as = fx_as(test);
	size_t size;
	u8 *img = build(test, MB_ELF, &size);
	struct outs o;

	KUNIT_ASSERT_EQ(test, axvm_aspace_del_region(as, 0, RAM_A_SIZE), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_1M,
						     RAM_A_SIZE - SZ_1M,
						     RAM_FLAGS,
						     AXVM_MAP_ALLOC), 0);
	KUNIT_EXPECT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), -EFAULT);
	expect_untouched(test, &o, AXVM_MODE_LONG);
	expect_fill(test, MBE_PADDR, 0, MBE_MEMSZ);
}

/* The last 4-byte slot that holds a whole header in the first 8 KiB. */
static void mb_header_in_last_slot(struct kunit *test)
{
	const u32 at = AXVM_MB_SEARCH_BYTES - 12;
	size_t size;
	u8 *img = build(test, MB_ELF, &size);
	struct outs o;

	put_le(img + MBE_DATA, 4, 0);
	put_mb_header(img + at, MBE_FLAGS);
	KUNIT_EXPECT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), 0);
	expect_mb_regs(test, &o);
}

/* A stray magic with a bad checksum does not hide the real header. */
static void mb_header_after_stray_magic(struct kunit *test)
{
	size_t size;
	u8 *img = build(test, MB_ELF, &size);
	struct outs o;

	put_le(img + MBE_DATA + 8, 4, 0);	/* break the first checksum */
	put_mb_header(img + MBE_DATA + 0x10, MBE_FLAGS);
	KUNIT_EXPECT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), 0);
	expect_mb_regs(test, &o);
}

static void mb_optional_flags_ignored(struct kunit *test)
{
	size_t size;
	u8 *img = build(test, MB_ELF, &size);
	struct outs o;

	/* Bit 17 (and up) are optional features: not having them is fine. */
	put_mb_header(img + MBE_DATA, MBE_FLAGS | BIT(17) | BIT(31));
	KUNIT_EXPECT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), 0);
	expect_mb_regs(test, &o);
}

static void mb_addr_loads(struct kunit *test)
{
	const size_t filesz = MBA_LOAD_END - MBA_LOAD;
	size_t size;
	u8 *img = build(test, MB_ADDR, &size);
	struct outs o;

	prefill(test, MBA_LOAD, 0xaa, MBA_BSS_END - MBA_LOAD + 0x100);
	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), 0);
	KUNIT_EXPECT_EQ(test, o.entry, MBA_ENTRY);
	expect_mb_regs(test, &o);
	/* header_addr - load_addr == file offset of the header: file from 0. */
	expect_bytes(test, MBA_LOAD, img, filesz);
	expect_fill(test, MBA_LOAD_END, 0, MBA_BSS_END - MBA_LOAD_END);
	expect_fill(test, MBA_BSS_END, 0xaa, 0x100);
	KUNIT_EXPECT_EQ(test, read_info(test).mem_upper, 15u * 1024);
}

/* load_end_addr 0: the whole file; bss_end_addr 0: no .bss. */
static void mb_addr_whole_file(struct kunit *test)
{
	const struct patch p[] = { MBA2(5, 0, 0) };
	size_t size;
	u8 *img = build(test, MB_ADDR, &size);
	struct outs o;

	apply(test, img, size, p, ARRAY_SIZE(p));
	prefill(test, MBA_LOAD + MBA_SIZE, 0xaa, 0x100);
	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), 0);
	expect_bytes(test, MBA_LOAD, img, MBA_SIZE);
	expect_fill(test, MBA_LOAD + MBA_SIZE, 0xaa, 0x100);
}

/* The header need not be at the start of what is loaded. */
static void mb_addr_skips_file_head(struct kunit *test)
{
	/* Load from file offset 0x20 at 0x200000: header lands at 0x200020. */
	const struct patch p[] = {
		MBA2(3, 0x200020, 0x200000),
		MBA2(5, 0x201000, 0),
	};
	size_t size;
	u8 *img = build(test, MB_ADDR, &size);
	struct outs o;

	apply(test, img, size, p, ARRAY_SIZE(p));
	KUNIT_ASSERT_EQ(test, load(test, img, size, AXVM_IMAGE_MULTIBOOT, 0,
				   AXVM_MODE_LONG, &o), 0);
	expect_bytes(test, 0x200000, img + 0x20, 0x1000);
}

#define MB_MOVE(from, to)						\
	{ { (from), 4, 0 },						\
	  { (to), 8, PAIR(AXVM_MB_HEADER_MAGIC, MBE_FLAGS) },		\
	  { (to) + 8, 4, (u32)-(AXVM_MB_HEADER_MAGIC + MBE_FLAGS) } }

static const struct img_bad mb_bad_cases[] = {
	{ "ELF32 without a header", ELF32, .err = -ENOEXEC },
	{ "header past 8 KiB", MB_ELF,
	  MB_MOVE(MBE_DATA, AXVM_MB_SEARCH_BYTES), .err = -ENOEXEC },
	{ "header crosses 8 KiB", MB_ELF,
	  MB_MOVE(MBE_DATA, AXVM_MB_SEARCH_BYTES - 8), .err = -ENOEXEC },
	{ "header misaligned", MB_ELF, MB_MOVE(MBE_DATA, MBE_DATA + 0x22),
	  .err = -ENOEXEC },
	{ "bad checksum", MB_ELF, { MBE(2, 0) }, .err = -ENOEXEC },
	{ "image shorter than a header", MB_ELF, .size = 11, .err = -ENOEXEC },
	{ "video mode required", MB_ELF,
	  { MBE(1, MBE_FLAGS | AXVM_MB_FLAG_VIDEO) }, .resum = true,
	  .err = -EOPNOTSUPP },
	{ "required bit 15", MB_ELF, { MBE(1, BIT(15)) }, .resum = true,
	  .err = -EOPNOTSUPP },
	{ "ELF64 class", MB_ELF, { IDENT(EI_CLASS, ELFCLASS64) },
	  .err = -ENOEXEC },
	{ "not an ELF, no address fields", MB_ADDR,
	  { MBA(1, AXVM_MB_FLAG_MEMORY) }, .resum = true,
	  .err = -ENOEXEC },
	/* Over both windows (0x7800-0x9800): the window cannot move. */
	{ "ELF32 segment in both windows", MB_ELF,
	  { PH32(0, p_paddr, 0x7800) }, .err = -EBUSY },
	{ "ELF32 segment in the hole", MB_ELF,
	  { PH32(0, p_paddr, HOLE_GPA) }, .err = -EFAULT },
	{ "ELF32 filesz > memsz", MB_ELF,
	  { PH32(0, p_memsz, MBE_FILESZ - 1) }, .err = -EINVAL },
	{ "address fields cut off", MB_ADDR, .size = MBA_HDR + 28,
	  .err = -EINVAL },
	{ "load_addr above header_addr", MB_ADDR,
	  { MBA(4, MBA_LOAD + MBA_HDR + 4) }, .err = -EINVAL },
	{ "load starts before the file", MB_ADDR,
	  { MBA(4, MBA_LOAD - 4) }, .err = -EINVAL },
	{ "load_end_addr below load_addr", MB_ADDR,
	  { MBA(5, MBA_LOAD - 0x1000) }, .err = -EINVAL },
	{ "load_end_addr past the file", MB_ADDR,
	  { MBA(5, MBA_LOAD + MBA_SIZE + 1) }, .err = -EINVAL },
	{ "bss_end_addr below load_end_addr", MB_ADDR,
	  { MBA(6, MBA_LOAD_END - 1) }, .err = -EINVAL },
	{ "loads nothing", MB_ADDR, { MBA2(5, MBA_LOAD, 0) },
	  .err = -EINVAL },
	{ "address load in the hole", MB_ADDR,
	  { MBA2(3, HOLE_GPA + MBA_HDR, HOLE_GPA),
	    MBA2(5, HOLE_GPA + 0x1800, HOLE_GPA + 0x3000) },
	  .err = -EFAULT },
	{ "address load into both windows", MB_ADDR,
	  { MBA2(3, 0x7000 + MBA_HDR, 0x7000),
	    MBA2(5, 0x8800, 0xa000) }, .err = -EBUSY },
	{ "address load past 4 GiB", MB_ADDR,
	  { MBA2(3, 0xfffff000 + MBA_HDR, 0xfffff000),
	    MBA2(5, 0, 0) }, .err = -EINVAL },
};
KUNIT_ARRAY_PARAM(mb_bad, mb_bad_cases, img_bad_desc);

static void mb_refused(struct kunit *test)
{
	const struct img_bad *c = test->param_value;
	struct outs o;

	KUNIT_EXPECT_EQ(test, load_bad(test, c, AXVM_IMAGE_MULTIBOOT, &o),
			c->err);
	expect_untouched(test, &o, AXVM_MODE_LONG);
	expect_fill(test, MBE_PADDR, 0, MBE_MEMSZ);
	expect_fill(test, MBA_LOAD, 0, MBA_BSS_END - MBA_LOAD);
	expect_fill(test, AXVM_MB_INFO_GPA, 0, sizeof(struct axvm_mb_info));
}

static struct kunit_case loader_cases[] = {
	KUNIT_CASE(raw_loads_across_pages),
	KUNIT_CASE(mb_moves_the_window),
	KUNIT_CASE(mb_window_pinned_by_earlier_image),
	KUNIT_CASE(raw_keeps_callers_mode),
	KUNIT_CASE(raw_real_mode_may_cover_window),
	KUNIT_CASE(raw_in_second_region),
	KUNIT_CASE(raw_window_edges_accepted),
	KUNIT_CASE_PARAM(raw_refused, raw_bad_gen_params),
	KUNIT_CASE(unknown_format_refused),
	KUNIT_CASE(elf64_loads),
	KUNIT_CASE(elf32_loads),
	KUNIT_CASE(elf64_unaligned_buffer),
	KUNIT_CASE(elf_bss_not_populated),
	KUNIT_CASE(elf_segments_beside_window),
	KUNIT_CASE_PARAM(elf_refused, elf_bad_gen_params),
	KUNIT_CASE(mb_elf_loads),
	KUNIT_CASE(mb_info_contents),
	KUNIT_CASE(mb_info_upper_spans_adjacent_regions),
	KUNIT_CASE(mb_info_small_ram),
	KUNIT_CASE(mb_info_window_not_ram),
	KUNIT_CASE(mb_info_memory_map),
	KUNIT_CASE(mb_info_cmdline_and_modules),
	KUNIT_CASE(mb_info_too_big_refused),
	KUNIT_CASE(mb_info_module_past_4g_refused),
	KUNIT_CASE(mb_header_in_last_slot),
	KUNIT_CASE(mb_header_after_stray_magic),
	KUNIT_CASE(mb_optional_flags_ignored),
	KUNIT_CASE(mb_addr_loads),
	KUNIT_CASE(mb_addr_whole_file),
	KUNIT_CASE(mb_addr_skips_file_head),
	KUNIT_CASE_PARAM(mb_refused, mb_bad_gen_params),
	{}
};

static struct kunit_suite axvm_loader_suite = {
	.name = "axvm_loader",
	.init = ldr_init,
	.exit = ldr_exit,
	.test_cases = loader_cases,
};
kunit_test_suite(axvm_loader_suite);
