// SPDX-License-Identifier: GPL-2.0
/*
 * The image loader (loader.h): raw binaries, ELF (PT_LOAD segments) and
 * Multiboot v1 kernels; Linux bzImages are loader_linux.c's.
 *
 * An image comes from userspace and is untrusted: every offset and size
 * in it is checked against the buffer, with overflow checks, before it
 * is used, and every check runs before the first byte is written to the
 * guest. Image headers are read with memcpy / get_unaligned because the
 * buffer has no alignment promise. The hosts we build for (x86-64,
 * arm64) are little-endian, like the images we take, so the ELF fields
 * are used as they are.
 */
#include <linux/elf.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include <uapi/linux/axvm.h>
#include "kunit_export.h"
#include "loader.h"

/* Bad input is the caller's (userspace's) mistake: say why, quietly. */
#define ldr_refuse(err, fmt, ...) ({					\
	pr_info_ratelimited("axvm: image refused: " fmt "\n",		\
			    ##__VA_ARGS__);				\
	(err); })

/* A piece of the image to place in guest memory. */
struct ldr_seg {
	u64 offset;		/* in the image */
	u64 filesz;		/* bytes copied from the image */
	u64 paddr;		/* guest-physical load address */
	u64 memsz;		/* bytes in the guest; the rest is zeroed */
};

/* The ELF header fields we use, whatever the class. */
struct ldr_elf {
	bool is64;
	u64 entry;
	u64 phoff;
	u32 phnum;
	u32 phentsize;
};

/* Multiboot header: magic, flags, checksum, then the address fields. */
#define MB_HDR_BASE_SIZE	12
#define MB_HDR_ADDR_SIZE	32

static bool ldr_in_window(u64 win, u64 start, u64 end)
{
	return start < win + AXVM_LOADER_WIN_SIZE && win < end;
}

static u64 ldr_mb_info_gpa(const struct axvm_aspace *as)
{
	return axvm_loader_win(as) + AXVM_MB_INFO_OFF;
}

/*
 * May @s be loaded? Its bytes must lie in the image, below @limit in
 * the guest (the mode's reach), in RAM, and out of the loader window
 * unless the guest starts in real mode. An empty segment is valid.
 */
static int ldr_check_seg(struct axvm_aspace *as, size_t size,
			 const struct ldr_seg *s, u32 mode, u64 limit)
{
	u64 end;

	if (check_add_overflow(s->offset, s->filesz, &end) || end > size)
		return ldr_refuse(-EINVAL,
				  "segment at file offset %#llx+%#llx past the %zu-byte image",
				  s->offset, s->filesz, size);
	if (s->filesz > s->memsz)
		return ldr_refuse(-EINVAL,
				  "segment file size %#llx above its memory size %#llx",
				  s->filesz, s->memsz);
	if (!s->memsz)
		return 0;
	if (check_add_overflow(s->paddr, s->memsz, &end) || end > limit)
		return ldr_refuse(-EINVAL,
				  "segment %#llx+%#llx beyond the mode's reach",
				  s->paddr, s->memsz);
	if (!axvm_aspace_is_ram(as, s->paddr, s->memsz))
		return ldr_refuse(-EFAULT, "segment %#llx+%#llx is not in RAM",
				  s->paddr, s->memsz);
	if (mode != AXVM_MODE_REAL &&
	    ldr_in_window(axvm_loader_win(as), s->paddr, end))
		return ldr_refuse(-EBUSY,
				  "segment %#llx+%#llx overlaps the loader window %#llx-%#llx",
				  s->paddr, s->memsz, axvm_loader_win(as),
				  axvm_loader_win(as) + AXVM_LOADER_WIN_SIZE - 1);
	return 0;
}

/*
 * Zero [gpa, gpa + len) of guest RAM. A page not populated yet reads as
 * zero already: skip it rather than allocate it, so a large .bss costs
 * nothing until the guest touches it.
 */
static int ldr_zero(struct axvm_aspace *as, u64 gpa, u64 len)
{
	const void *zero = page_address(ZERO_PAGE(0));
	phys_addr_t pa;
	int ret;

	while (len) {
		u64 chunk = min_t(u64, len, PAGE_SIZE - (gpa & ~PAGE_MASK));

		ret = axvm_aspace_translate(as, gpa & PAGE_MASK, &pa);
		if (!ret)
			ret = axvm_aspace_write(as, gpa, zero, chunk);
		else if (ret == -ENOENT)
			ret = 0;
		if (ret)
			return ret;
		gpa += chunk;
		len -= chunk;
		cond_resched();
	}
	return 0;
}

/* Place a segment that ldr_check_seg() accepted; *@end covers it. */
static int ldr_load_seg(struct axvm_aspace *as, const void *img,
			const struct ldr_seg *s, u64 *end)
{
	int ret;

	*end = max(*end, s->paddr + s->memsz);
	if (s->filesz) {
		ret = axvm_aspace_write(as, s->paddr, img + s->offset,
					s->filesz);
		if (ret)
			return ret;
	}
	return ldr_zero(as, s->paddr + s->filesz, s->memsz - s->filesz);
}

static int ldr_load_raw(struct axvm_aspace *as, const void *img, size_t size,
			u64 gpa, u32 mode, u64 *end)
{
	struct ldr_seg s = {
		.offset = 0, .filesz = size, .paddr = gpa, .memsz = size,
	};
	int ret;

	if (!size)
		return ldr_refuse(-EINVAL, "empty raw image");
	ret = ldr_check_seg(as, size, &s, mode, U64_MAX);
	if (ret)
		return ret;
	return ldr_load_seg(as, img, &s, end);
}

/*
 * Check the ELF header: an x86 executable of the class asked for
 * (@only32: ELF32 alone), with a program header table inside the image.
 */
static int ldr_elf_header(const void *img, size_t size, bool only32,
			  struct ldr_elf *elf)
{
	const unsigned char *ident = img;
	u16 type, phentsize, phnum;
	u32 version;
	u64 table, end;

	if (size < EI_NIDENT || memcmp(ident, ELFMAG, SELFMAG))
		return ldr_refuse(-ENOEXEC, "not an ELF");
	if (ident[EI_DATA] != ELFDATA2LSB || ident[EI_VERSION] != EV_CURRENT)
		return ldr_refuse(-ENOEXEC,
				  "ELF byte order %u / version %u not taken",
				  ident[EI_DATA], ident[EI_VERSION]);

	if (ident[EI_CLASS] == ELFCLASS64 && !only32) {
		Elf64_Ehdr eh;

		if (size < sizeof(eh))
			return ldr_refuse(-ENOEXEC, "truncated ELF64 header");
		memcpy(&eh, img, sizeof(eh));
		if (eh.e_machine != EM_X86_64)
			return ldr_refuse(-ENOEXEC, "ELF64 machine %u is not x86-64",
					  eh.e_machine);
		elf->is64 = true;
		elf->entry = eh.e_entry;
		elf->phoff = eh.e_phoff;
		type = eh.e_type;
		version = eh.e_version;
		phentsize = eh.e_phentsize;
		phnum = eh.e_phnum;
		elf->phentsize = sizeof(Elf64_Phdr);
	} else if (ident[EI_CLASS] == ELFCLASS32) {
		Elf32_Ehdr eh;

		if (size < sizeof(eh))
			return ldr_refuse(-ENOEXEC, "truncated ELF32 header");
		memcpy(&eh, img, sizeof(eh));
		if (eh.e_machine != EM_386)
			return ldr_refuse(-ENOEXEC, "ELF32 machine %u is not i386",
					  eh.e_machine);
		elf->is64 = false;
		elf->entry = eh.e_entry;
		elf->phoff = eh.e_phoff;
		type = eh.e_type;
		version = eh.e_version;
		phentsize = eh.e_phentsize;
		phnum = eh.e_phnum;
		elf->phentsize = sizeof(Elf32_Phdr);
	} else {
		return ldr_refuse(-ENOEXEC, "ELF class %u not taken here",
				  ident[EI_CLASS]);
	}

	if (type != ET_EXEC || version != EV_CURRENT)
		return ldr_refuse(-ENOEXEC,
				  "ELF type %u / version %u: not an executable",
				  type, version);
	/* Extended numbering (PN_XNUM) is for core files, not kernels. */
	if (!phnum || phnum == PN_XNUM)
		return ldr_refuse(-ENOEXEC, "ELF with %u program headers",
				  phnum);
	if (phentsize != elf->phentsize)
		return ldr_refuse(-EINVAL, "ELF program header size %u, not %u",
				  phentsize, elf->phentsize);
	if (check_mul_overflow((u64)phnum, (u64)phentsize, &table) ||
	    check_add_overflow(elf->phoff, table, &end) || end > size)
		return ldr_refuse(-EINVAL,
				  "ELF program headers at %#llx+%#llx past the %zu-byte image",
				  elf->phoff, table, size);
	elf->phnum = phnum;
	return 0;
}

/* Program header @i of a table that ldr_elf_header() checked. */
static void ldr_elf_phdr(const void *img, const struct ldr_elf *elf,
			 unsigned int i, u32 *type, struct ldr_seg *s)
{
	const void *p = img + elf->phoff + (u64)i * elf->phentsize;

	if (elf->is64) {
		Elf64_Phdr ph;

		memcpy(&ph, p, sizeof(ph));
		*type = ph.p_type;
		s->offset = ph.p_offset;
		s->filesz = ph.p_filesz;
		s->paddr = ph.p_paddr;
		s->memsz = ph.p_memsz;
	} else {
		Elf32_Phdr ph;

		memcpy(&ph, p, sizeof(ph));
		*type = ph.p_type;
		s->offset = ph.p_offset;
		s->filesz = ph.p_filesz;
		s->paddr = ph.p_paddr;
		s->memsz = ph.p_memsz;
	}
}

static int ldr_load_elf(struct axvm_aspace *as, const void *img, size_t size,
			bool only32, u64 *entry, u32 *mode, u64 *end)
{
	struct ldr_elf elf;
	struct ldr_seg s;
	unsigned int i, loads = 0;
	u32 type, elf_mode;
	u64 limit;
	int ret;

	ret = ldr_elf_header(img, size, only32, &elf);
	if (ret)
		return ret;
	/* An ELF32 runs with paging off: it cannot reach past 4 GiB. */
	elf_mode = elf.is64 ? AXVM_MODE_LONG : AXVM_MODE_PROTECTED;
	limit = elf.is64 ? U64_MAX : SZ_4G;

	/* Check every segment before writing any. */
	for (i = 0; i < elf.phnum; i++) {
		ldr_elf_phdr(img, &elf, i, &type, &s);
		if (type != PT_LOAD)
			continue;
		ret = ldr_check_seg(as, size, &s, elf_mode, limit);
		if (ret)
			return ret;
		if (s.memsz)
			loads++;
	}
	if (!loads)
		return ldr_refuse(-ENOEXEC, "ELF without a loadable segment");

	for (i = 0; i < elf.phnum; i++) {
		ldr_elf_phdr(img, &elf, i, &type, &s);
		if (type != PT_LOAD || !s.memsz)
			continue;
		ret = ldr_load_seg(as, img, &s, end);
		if (ret)
			return ret;
	}
	*entry = elf.entry;
	*mode = elf_mode;
	return 0;
}

/*
 * The Multiboot header: 4-byte aligned in the first 8 KiB, magic plus
 * flags plus checksum zero. A magic with a bad checksum may be a stray
 * constant: keep looking, as GRUB does.
 */
static int ldr_mb_find(const void *img, size_t size, size_t *off)
{
	size_t limit = min_t(size_t, size, AXVM_MB_SEARCH_BYTES);
	size_t o;

	for (o = 0; o + MB_HDR_BASE_SIZE <= limit; o += 4) {
		u32 magic = get_unaligned_le32(img + o);

		if (magic != AXVM_MB_HEADER_MAGIC)
			continue;
		if (magic + get_unaligned_le32(img + o + 4) +
		    get_unaligned_le32(img + o + 8) == 0) {
			*off = o;
			return 0;
		}
	}
	return ldr_refuse(-ENOEXEC, "no Multiboot header in the first %zu bytes",
			  limit);
}

/*
 * The a.out kludge (flag 16): the header says which file bytes go where.
 * header_addr is where the header itself lands, which ties file offsets
 * to addresses; load_end_addr 0 means "to the end of the file",
 * bss_end_addr 0 "no bss".
 */
static int ldr_mb_addr_seg(const void *img, size_t size, size_t off,
			   struct ldr_seg *s, u64 *entry)
{
	const void *h = img + off;
	u32 header_addr, load_addr, load_end, bss_end, delta;
	u64 end;

	if (off + MB_HDR_ADDR_SIZE > min_t(size_t, size, AXVM_MB_SEARCH_BYTES))
		return ldr_refuse(-EINVAL, "Multiboot address fields cut off");
	header_addr = get_unaligned_le32(h + 12);
	load_addr = get_unaligned_le32(h + 16);
	load_end = get_unaligned_le32(h + 20);
	bss_end = get_unaligned_le32(h + 24);

	if (load_addr > header_addr)
		return ldr_refuse(-EINVAL,
				  "Multiboot load_addr %#x above header_addr %#x",
				  load_addr, header_addr);
	delta = header_addr - load_addr;
	if (delta > off)
		return ldr_refuse(-EINVAL,
				  "Multiboot load would start %#x bytes before the file",
				  delta - (u32)off);
	s->offset = off - delta;
	s->paddr = load_addr;
	if (load_end) {
		if (load_end < load_addr)
			return ldr_refuse(-EINVAL,
					  "Multiboot load_end_addr %#x below load_addr %#x",
					  load_end, load_addr);
		s->filesz = load_end - load_addr;
	} else {
		s->filesz = size - s->offset;
	}
	end = s->paddr + s->filesz;
	if (bss_end) {
		if (bss_end < end)
			return ldr_refuse(-EINVAL,
					  "Multiboot bss_end_addr %#x below the load end %#llx",
					  bss_end, end);
		end = bss_end;
	}
	s->memsz = end - s->paddr;
	if (!s->memsz)
		return ldr_refuse(-EINVAL, "Multiboot image loads nothing");
	*entry = get_unaligned_le32(h + 28);
	return 0;
}

/* Bytes of RAM contiguous from @start, at most @max, to a page. */
static u64 ldr_ram_run(struct axvm_aspace *as, u64 start, u64 max)
{
	u64 lo = 0, hi = max >> PAGE_SHIFT;

	/* Invariant: the first lo pages are RAM, the first hi are not. */
	if (!hi || axvm_aspace_is_ram(as, start, hi << PAGE_SHIFT))
		return hi << PAGE_SHIFT;
	while (hi - lo > 1) {
		u64 mid = lo + (hi - lo) / 2;

		if (axvm_aspace_is_ram(as, start, mid << PAGE_SHIFT))
			lo = mid;
		else
			hi = mid;
	}
	return lo << PAGE_SHIFT;
}

/* Multiboot's memory map entry: @size counts the bytes after itself. */
struct ldr_mb_mmap {
	u32 size;
	u64 base;
	u64 length;
	u32 type;			/* 1: RAM */
} __packed;

struct ldr_mb_mod {
	u32 start, end, string, reserved;
};

/* The information page, built in a kernel buffer, written at once. */
struct ldr_mb_page {
	u8 buf[AXVM_MB_INFO_MAX];
	size_t used;
	bool full;
	u64 gpa;		/* where it goes */
};

/* Room for @len bytes (8-aligned): its guest address, or 0 when full. */
static u32 ldr_mb_take(struct ldr_mb_page *pg, const void *data, size_t len)
{
	size_t at = ALIGN(pg->used, 8);

	if (at + len > sizeof(pg->buf)) {
		pg->full = true;
		return 0;
	}
	memcpy(pg->buf + at, data, len);
	pg->used = at + len;
	return pg->gpa + at;
}

static u32 ldr_mb_string(struct ldr_mb_page *pg, const char *str)
{
	return str ? ldr_mb_take(pg, str, strlen(str) + 1) : 0;
}

static int ldr_mb_mmap_region(void *ctx, const struct axvm_region *r)
{
	struct ldr_mb_mmap e = {
		.size = sizeof(e) - sizeof(e.size),
		.base = r->gpa, .length = r->size, .type = 1,
	};

	ldr_mb_take(ctx, &e, sizeof(e));
	return 0;
}

int axvm_mb_write_info(struct axvm_aspace *as, const struct axvm_mb_boot *boot)
{
	struct axvm_mb_info info = { .flags = AXVM_MB_INFO_MEMORY |
					      AXVM_MB_INFO_MMAP };
	struct ldr_mb_page *pg;
	struct ldr_mb_mod mod = {};
	unsigned int i;
	size_t at;
	u64 upper;
	int ret;

	BUILD_BUG_ON(sizeof(info) != 116);
	BUILD_BUG_ON(sizeof(struct ldr_mb_mmap) != 24);
	for (i = 0; i < boot->nr_mods; i++)
		if (boot->mods[i].end > U32_MAX)
			return ldr_refuse(-ERANGE, "Multiboot module %u ends past 4 GiB",
					  i);
	pg = kzalloc(sizeof(*pg), GFP_KERNEL_ACCOUNT);
	if (!pg)
		return -ENOMEM;
	pg->gpa = ldr_mb_info_gpa(as);
	pg->used = sizeof(info);

	info.mem_lower = ldr_ram_run(as, 0, SZ_512K + SZ_128K) >> 10;
	upper = ldr_ram_run(as, SZ_1M, AXVM_GPA_LIMIT - SZ_1M) >> 10;
	info.mem_upper = min_t(u64, upper, U32_MAX);

	/* The module list first (its strings come later): contiguous. */
	at = ALIGN(pg->used, 8);
	for (i = 0; i < boot->nr_mods; i++)
		ldr_mb_take(pg, &mod, sizeof(mod));
	if (boot->nr_mods) {
		info.flags |= AXVM_MB_INFO_MODS;
		info.mods_count = boot->nr_mods;
		info.mods_addr = pg->gpa + at;
	}
	info.mmap_addr = pg->gpa + ALIGN(pg->used, 8);
	axvm_aspace_iterate_regions(as, ldr_mb_mmap_region, pg);
	info.mmap_length = pg->gpa + pg->used - info.mmap_addr;
	for (i = 0; i < boot->nr_mods && !pg->full; i++) {
		mod.start = boot->mods[i].start;
		mod.end = boot->mods[i].end;
		mod.string = ldr_mb_string(pg, boot->mods[i].string);
		memcpy(pg->buf + at + i * sizeof(mod), &mod, sizeof(mod));
	}
	if (boot->cmdline) {
		info.flags |= AXVM_MB_INFO_CMDLINE;
		info.cmdline = ldr_mb_string(pg, boot->cmdline);
	}
	if (pg->full) {
		ret = ldr_refuse(-E2BIG, "Multiboot information (modules, memory map, strings) over %llu bytes",
				 AXVM_MB_INFO_MAX);
	} else {
		memcpy(pg->buf, &info, sizeof(info));
		ret = axvm_aspace_write(as, pg->gpa, pg->buf, pg->used);
	}
	kfree(pg);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_mb_write_info);

/* Does a loadable byte of the Multiboot kernel fall in the window at @win? */
static bool ldr_mb_hits(const void *img, size_t size, size_t off, u32 flags,
			u64 win)
{
	struct ldr_elf elf;
	struct ldr_seg s;
	unsigned int i;
	u64 end;
	u32 type;

	/* A bad kernel: the load that follows says why. */
	if (flags & AXVM_MB_FLAG_ADDRESS) {
		if (ldr_mb_addr_seg(img, size, off, &s, &end))
			return false;
		return s.memsz && !check_add_overflow(s.paddr, s.memsz, &end) &&
		       ldr_in_window(win, s.paddr, end);
	}
	if (ldr_elf_header(img, size, true, &elf))
		return false;
	for (i = 0; i < elf.phnum; i++) {
		ldr_elf_phdr(img, &elf, i, &type, &s);
		if (type == PT_LOAD && s.memsz &&
		    !check_add_overflow(s.paddr, s.memsz, &end) &&
		    ldr_in_window(win, s.paddr, end))
			return true;
	}
	return false;
}

/* The kernel's bytes and its information, in the window chosen. */
static int ldr_load_mb_kernel(struct axvm_aspace *as, const void *img,
			      size_t size, size_t off, u32 flags,
			      struct axvm_boot_regs *regs, u64 *mb_entry)
{
	struct ldr_seg s;
	int ret;

	if (!axvm_aspace_is_ram(as, ldr_mb_info_gpa(as), sizeof(struct axvm_mb_info)))
		return ldr_refuse(-EFAULT,
				  "no RAM at %#llx for the Multiboot information",
				  ldr_mb_info_gpa(as));

	if (flags & AXVM_MB_FLAG_ADDRESS) {
		ret = ldr_mb_addr_seg(img, size, off, &s, mb_entry);
		if (!ret)
			ret = ldr_check_seg(as, size, &s, AXVM_MODE_PROTECTED,
					    SZ_4G);
		if (!ret)
			ret = ldr_load_seg(as, img, &s, &regs->end);
	} else {
		u32 elf_mode;

		ret = ldr_load_elf(as, img, size, true, mb_entry, &elf_mode,
				   &regs->end);
	}
	if (ret)
		return ret;
	/* Memory only: the VM adds the command line and modules it keeps. */
	return axvm_mb_write_info(as, &(struct axvm_mb_boot){});
}

static int ldr_load_multiboot(struct axvm_aspace *as, const void *img,
			      size_t size, u64 *entry, u32 *mode,
			      struct axvm_boot_regs *regs)
{
	size_t off;
	u64 mb_entry;
	u32 flags, unknown;
	bool moved;
	int ret;

	ret = ldr_mb_find(img, size, &off);
	if (ret)
		return ret;
	flags = get_unaligned_le32(img + off + 4);
	unknown = flags & AXVM_MB_FLAGS_REQUIRED & ~AXVM_MB_FLAGS_HONOURED;
	if (unknown)
		return ldr_refuse(-EOPNOTSUPP,
				  "Multiboot header requires features %#x", unknown);
	/*
	 * A kernel loaded first over the usual window moves the window
	 * below it (loader.h), when it does not overlap that one too.
	 */
	moved = !as->loader_used && !as->loader_win &&
		ldr_mb_hits(img, size, off, flags, AXVM_LOADER_WIN_START) &&
		!ldr_mb_hits(img, size, off, flags, AXVM_LOADER_WIN_LOW);
	if (moved)
		as->loader_win = AXVM_LOADER_WIN_LOW;
	ret = ldr_load_mb_kernel(as, img, size, off, flags, regs, &mb_entry);
	if (ret) {
		if (moved)
			as->loader_win = 0;
		return ret;
	}
	*entry = mb_entry;
	*mode = AXVM_MODE_PROTECTED;
	regs->set = true;
	regs->rax = AXVM_MB_BOOT_MAGIC;
	regs->rbx = ldr_mb_info_gpa(as);
	return 0;
}

int axvm_load_image(struct axvm_aspace *as, const void *img, size_t size,
		    u32 format, u64 gpa, u64 *entry, u32 *mode,
		    struct axvm_boot_regs *regs)
{
	int ret;

	regs->end = 0;
	regs->rsi = 0;
	regs->linux_segs = false;
	regs->load = 0;
	switch (format) {
	case AXVM_IMAGE_RAW:
	case AXVM_IMAGE_MODULE:
	case AXVM_IMAGE_INITRD:
		ret = ldr_load_raw(as, img, size, gpa, *mode, &regs->end);
		if (ret)
			return ret;
		*entry = gpa;
		break;
	case AXVM_IMAGE_ELF:
		ret = ldr_load_elf(as, img, size, false, entry, mode,
				   &regs->end);
		if (ret)
			return ret;
		break;
	case AXVM_IMAGE_MULTIBOOT:
		ret = ldr_load_multiboot(as, img, size, entry, mode, regs);
		if (ret)
			return ret;
		as->loader_used = true;
		return 0;
	case AXVM_IMAGE_BZIMAGE:
		ret = axvm_linux_load(as, img, size, gpa, entry, mode, regs);
		if (ret)
			return ret;
		as->loader_used = true;
		return 0;
	default:
		return ldr_refuse(-EINVAL, "unknown format %u", format);
	}
	/* From now on the window stays where it is (loader.h). */
	as->loader_used = true;
	regs->set = false;
	regs->rax = 0;
	regs->rbx = 0;
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_load_image);
