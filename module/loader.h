/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The image loader: puts a raw binary, an ELF or a Multiboot (v1) kernel
 * into a VM's guest memory and says where and how to enter it
 * (DESIGN.md §4, "Images").
 *
 * Guest-physical layout the loader relies on, for the protected and
 * long modes (a real-mode guest owns all of low memory): a window of
 * seven pages, at 0x9000 (as->loader_win):
 *
 *   +0x0000  the backend's GDT (and what it keeps next to it)
 *   +0x1000  Multiboot information (struct axvm_mb_info at its start;
 *            the rest of the page is kept for the command line and the
 *            module list that come next)
 *   +0x2000 - +0x6fff  the backend's (long-mode page tables); in long
 *            mode, which has no Multiboot information, the backend may
 *            take +0x1000 as well
 *
 * No image byte may land in the window when the guest is entered in
 * protected or long mode: such an image is refused with -EBUSY. One
 * exception: a Multiboot kernel loaded first whose segments overlap
 * 0x9000-0xffff (kvm-unit-tests' realmode.flat lives at 0x8000) moves
 * the window to 0x1000-0x7fff (EBX = 0x2000), if that is free of it.
 *
 * Context: may sleep (guest RAM is populated on write). The caller
 * serialises loads against anything else that changes the VM (the VM is
 * in the loading or stopped state, no vCPU runs).
 */
#ifndef AXVM_LOADER_H
#define AXVM_LOADER_H

#include <linux/types.h>
#include "mm.h"

#define AXVM_LOADER_WIN_START	0x9000ULL	/* the usual window */
#define AXVM_LOADER_WIN_LOW	0x1000ULL	/* the other (above) */
#define AXVM_LOADER_WIN_SIZE	0x7000ULL
#define AXVM_LOADER_WIN_END	(AXVM_LOADER_WIN_START + AXVM_LOADER_WIN_SIZE)
/*
 * The window's pages, one contract for the loader and the backend that
 * writes the entry state (arch/x86/svm/entry.c): the GDT, and in long
 * mode the page tables (PML4, PDPT, four page directories) from
 * AXVM_LOADER_PT_OFF to the end of the window.
 */
#define AXVM_LOADER_GDT_OFF	0x0000ULL
#define AXVM_LOADER_PT_OFF	0x1000ULL

/* Where @as's window starts. */
static inline u64 axvm_loader_win(const struct axvm_aspace *as)
{
	return as->loader_win ?: AXVM_LOADER_WIN_START;
}

/* Multiboot v1 (the protocol kvm-unit-tests uses). */
#define AXVM_MB_HEADER_MAGIC	0x1BADB002u
#define AXVM_MB_BOOT_MAGIC	0x2BADB002u	/* EAX at entry */
#define AXVM_MB_SEARCH_BYTES	8192		/* header within these, 4-aligned */
#define AXVM_MB_INFO_OFF	0x1000ULL	/* in the window: EBX at entry */
/* ... which is here, unless the kernel moved the window. */
#define AXVM_MB_INFO_GPA	(AXVM_LOADER_WIN_START + AXVM_MB_INFO_OFF)
#define AXVM_MB_INFO_MAX	0x1000ULL

/* Header flags: bits 0-15 are requirements, 16-31 optional. */
#define AXVM_MB_FLAG_PAGE_ALIGN	(1u << 0)	/* modules page aligned: they are */
#define AXVM_MB_FLAG_MEMORY	(1u << 1)	/* mem_* wanted: always given */
#define AXVM_MB_FLAG_VIDEO	(1u << 2)	/* refused: no video modes */
#define AXVM_MB_FLAG_ADDRESS	(1u << 16)	/* load by the address fields */
#define AXVM_MB_FLAGS_REQUIRED	0x0000ffffu
#define AXVM_MB_FLAGS_HONOURED	(AXVM_MB_FLAG_PAGE_ALIGN | AXVM_MB_FLAG_MEMORY)

/* Info flags. */
#define AXVM_MB_INFO_MEMORY	(1u << 0)	/* mem_lower, mem_upper valid */
#define AXVM_MB_INFO_CMDLINE	(1u << 2)
#define AXVM_MB_INFO_MODS	(1u << 3)
#define AXVM_MB_INFO_MMAP	(1u << 6)

/* The Multiboot information structure, as the spec lays it out. */
struct axvm_mb_info {
	u32 flags;
	u32 mem_lower;		/* KiB of RAM from 0, at most 640 */
	u32 mem_upper;		/* KiB of RAM contiguous from 1 MiB */
	u32 boot_device;
	u32 cmdline;
	u32 mods_count;
	u32 mods_addr;
	u32 syms[4];
	u32 mmap_length;
	u32 mmap_addr;
	u32 drives_length;
	u32 drives_addr;
	u32 config_table;
	u32 boot_loader_name;
	u32 apm_table;
	u32 vbe_control_info;
	u32 vbe_mode_info;
	u16 vbe_mode;
	u16 vbe_interface_seg;
	u16 vbe_interface_off;
	u16 vbe_interface_len;
	u64 framebuffer_addr;
	u32 framebuffer_pitch;
	u32 framebuffer_width;
	u32 framebuffer_height;
	u8 framebuffer_bpp;
	u8 framebuffer_type;
	u8 color_info[6];
} __packed;

/* Registers an entry protocol wants besides the entry point. */
struct axvm_boot_regs {
	bool set;		/* false: nothing beyond entry and mode */
	u64 rax;
	u64 rbx;
	u64 rsi;
	/*
	 * The segments of Linux's boot protocol (boot.rst): CS __BOOT_CS
	 * 0x10, DS = ES = SS __BOOT_DS 0x18, instead of 0x08 / 0x10.
	 */
	bool linux_segs;
	u64 load;		/* BZIMAGE: where the kernel was placed */
	u64 end;		/* one past the highest byte the image took */
};

/*
 * Load @size bytes at @img (a kernel buffer) into @as.
 *
 * @format AXVM_IMAGE_RAW: copy to [@gpa, @gpa + @size); *@entry = @gpa,
 *	*@mode is the caller's and is kept (it decides whether the loader
 *	window is off limits: pass the mode the VM will be entered in).
 * @format AXVM_IMAGE_ELF: the PT_LOAD segments, each at p_paddr, p_filesz
 *	bytes copied and the rest up to p_memsz zeroed; *@entry = e_entry;
 *	*@mode = AXVM_MODE_LONG for an ELF64 (EM_X86_64),
 *	AXVM_MODE_PROTECTED for an ELF32 (EM_386). Only ET_EXEC.
 * @format AXVM_IMAGE_MULTIBOOT: Multiboot v1: by the header's address
 *	fields (flag 16) or else as an ELF32; the Multiboot information is
 *	written in the window (AXVM_MB_INFO_GPA unless the kernel moved
 *	it); *@mode = AXVM_MODE_PROTECTED and @regs gives EAX =
 *	AXVM_MB_BOOT_MAGIC, EBX = the information's address.
 * @format AXVM_IMAGE_MODULE, AXVM_IMAGE_INITRD: as AXVM_IMAGE_RAW.
 * @format AXVM_IMAGE_BZIMAGE: a Linux/x86 bzImage (loader_linux.c): the
 *	protected-mode kernel at @gpa, or with @gpa 0 where its header
 *	allows (regs->load says where); boot_params without a command line
 *	or initrd (axvm_linux_write_params() adds them); *@mode =
 *	AXVM_MODE_LONG (64-bit entry, load + 0x200) or AXVM_MODE_PROTECTED
 *	(32-bit entry, the load address), RSI = AXVM_LINUX_PARAMS_GPA,
 *	regs->linux_segs.
 * @gpa is used by AXVM_IMAGE_RAW, MODULE, INITRD and BZIMAGE only.
 * @regs->set is false for the formats without entry registers.
 *
 * Everything is checked before the first byte is written, so a refused
 * image leaves guest memory as it was; only a failure of the write
 * itself (-ENOMEM) can leave an image half loaded. The outputs are set
 * on success only.
 *
 * Returns 0, or
 *   -EINVAL	unknown format; an empty raw image or one whose end
 *		overflows; an ELF or Multiboot header that contradicts
 *		itself or points past the buffer;
 *   -ENOEXEC	not an image of the format: bad ELF magic, class, byte
 *		order, version, machine or type, no loadable segment, no
 *		Multiboot header (or none with a good checksum);
 *   -EOPNOTSUPP a Multiboot header that requires a feature we lack;
 *   -EFAULT	a byte would land outside the RAM regions (or the
 *		Multiboot information window is not RAM);
 *   -EBUSY	an image byte overlaps the loader window in protected or
 *		long mode;
 *   -ENOMEM	guest RAM could not be populated.
 */
int axvm_load_image(struct axvm_aspace *as, const void *img, size_t size,
		    u32 format, u64 gpa, u64 *entry, u32 *mode,
		    struct axvm_boot_regs *regs);

/* What a Multiboot kernel is given beyond the memory sizes. */
struct axvm_mb_module {
	u64 start, end;			/* [start, end) in guest RAM */
	const char *string;		/* NULL: none */
};

struct axvm_mb_boot {
	const char *cmdline;		/* NULL: none */
	const struct axvm_mb_module *mods;
	unsigned int nr_mods;
};

/*
 * (Re)write the Multiboot information in @as's window: the memory
 * sizes, a memory map of @as's RAM regions, and @boot's command line and
 * modules. Everything lives in the information's page: the structure,
 * then the module list, the memory map and the strings.
 * Returns 0; -E2BIG when that does not fit in AXVM_MB_INFO_MAX bytes;
 * -ERANGE for a module past 4 GiB (Multiboot's fields are 32-bit);
 * -EFAULT when the page is not RAM; -ENOMEM.
 */
int axvm_mb_write_info(struct axvm_aspace *as, const struct axvm_mb_boot *boot);

/*
 * The Linux/x86 boot protocol (loader_linux.c, Documentation/arch/x86/
 * boot.rst). Beside the loader window, and reserved in the E820 map with
 * it (0x7000-0xffff):
 *   0x7000  boot_params (the zero page)
 *   0x8000  the command line (at most AXVM_CMDLINE_MAX bytes)
 * A bzImage needs the window in its usual place (0x9000).
 */
#define AXVM_LINUX_PARAMS_GPA	0x7000ULL
#define AXVM_LINUX_CMDLINE_GPA	0x8000ULL
#define AXVM_LINUX_RSDP_GPA	0xe0000ULL	/* the PC platform's ACPI */
#define AXVM_LINUX_E820_MAX	128		/* boot_params' table */

struct axvm_linux_boot {
	u64 kernel;			/* where the kernel was loaded */
	const char *cmdline;		/* NULL: none */
	u64 initrd, initrd_size;	/* size 0: none */
	bool acpi;			/* acpi_rsdp_addr: the platform's */
};

/*
 * (Re)write boot_params and the command line for the bzImage @img (@size
 * bytes, loaded by axvm_load_image at @boot->kernel): the setup header
 * copied from @img, then type_of_loader, loadflags, the command line,
 * the initrd, the RSDP and the E820 map of @as's RAM minus the reserved
 * ranges (loader_linux.c).
 * Returns 0; -EINVAL/-ENOEXEC for an image axvm_load_image would refuse;
 * -E2BIG for a command line over the kernel's cmdline_size or more than
 * AXVM_LINUX_E820_MAX map entries; -EFAULT when the pages are not RAM;
 * -ENOMEM.
 */
/* axvm_load_image's AXVM_IMAGE_BZIMAGE (loader_linux.c). */
int axvm_linux_load(struct axvm_aspace *as, const void *img, size_t size,
		    u64 gpa, u64 *entry, u32 *mode,
		    struct axvm_boot_regs *regs);

int axvm_linux_write_params(struct axvm_aspace *as, const void *img,
			    size_t size, const struct axvm_linux_boot *boot);

/*
 * Where an initrd of @initrd_size bytes goes for the bzImage @img loaded
 * at @kernel: *@gpa 0 asks for the highest page-aligned place in RAM
 * below the kernel's initrd_addr_max and 4 GiB, above 1 MiB, clear of the
 * kernel; a nonzero *@gpa is checked against the same rules.
 * Returns 0; -EINVAL (a misaligned or bad *@gpa, an empty initrd);
 * -ENOSPC when no such place exists.
 */
int axvm_linux_place_initrd(struct axvm_aspace *as, const void *img,
			    size_t size, u64 kernel, u64 initrd_size, u64 *gpa);

#endif /* AXVM_LOADER_H */
