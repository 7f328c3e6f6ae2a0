// SPDX-License-Identifier: GPL-2.0
/*
 * LOAD_IMAGE from userspace: raw, ELF and Multiboot images built here
 * byte by byte, where each lands (READ_GUEST), the entry and mode it
 * returns, the loader window of DESIGN.md §4, and every refusal. The
 * entry state the Multiboot protocol wants is read back from the vCPU
 * after FINALIZE. No guest runs. Built 64-bit and 32-bit; prints TAP.
 */
#include <elf.h>
#include "tap.h"

#define BAD_PTR		((void *)16)
#define MiB		(1ULL << 20)
#define RWX		(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)
#define RAM		(4 * MiB)	/* every VM here: [0, 4 MiB) */

static int sys;

/* LOAD_IMAGE; fills *@img (entry, mode) on success. */
static int load(int vm, struct axvm_image *img, const void *buf, __u64 size,
		__u32 format, __u64 gpa, __u32 flags)
{
	memset(img, 0, sizeof(*img));
	img->buf = U64P(buf);
	img->size = size;
	img->format = format;
	img->gpa = gpa;
	img->flags = flags;
	return ioctl(vm, AXVM_LOAD_IMAGE, img);
}

/* Does guest memory at @gpa hold @len bytes equal to @want? */
static int guest_is(int vm, __u64 gpa, const void *want, size_t len)
{
	__u8 got[4096];

	if (len > sizeof(got) ||
	    axvm_guest(vm, AXVM_READ_GUEST, gpa, got, len))
		return 0;
	return !memcmp(got, want, len);
}

static int new_vm(__u64 ram)
{
	int vm = axvm_vm_new(sys, 0, 1, NULL, NULL);

	if (vm >= 0 && ram && axvm_region(vm, 0, ram, RWX)) {
		close(vm);
		return -1;
	}
	return vm;
}

static void test_raw(void)
{
	static __u8 page[4096];
	__u8 code[100], junk[200], before[64];
	struct axvm_image img;
	int vm;

	vm = new_vm(RAM);
	if (!tap_check(vm >= 0, "a VM with 4 MiB for raw images"))
		return;
	memset(code, 0x90, sizeof(code));
	code[0] = 0xf4;
	tap_ret(load(vm, &img, code, sizeof(code), AXVM_IMAGE_RAW, 0x100000, 0),
		0, "LOAD_IMAGE raw, 100 bytes at 0x100000");
	tap_eq(img.entry, 0x100000, "LOAD_IMAGE raw: entry is the load gpa");
	tap_eq(img.mode, AXVM_MODE_LONG,
	       "LOAD_IMAGE raw: mode is the VM's (long by default)");
	tap_check(guest_is(vm, 0x100000, code, sizeof(code)),
		  "READ_GUEST sees the raw image");

	/* The loader window [0x9000, 0x10000) is the loader's own. */
	tap_ret(load(vm, &img, page, sizeof(page), AXVM_IMAGE_RAW, 0x8000, 0),
		0, "LOAD_IMAGE raw of a page ending right at 0x9000");
	tap_ret(load(vm, &img, code, sizeof(code), AXVM_IMAGE_RAW, 0x10000, 0),
		0, "LOAD_IMAGE raw starting right at 0x10000");
	tap_errno(load(vm, &img, code, sizeof(code), AXVM_IMAGE_RAW, 0x9000, 0),
		  EBUSY, "LOAD_IMAGE raw at 0x9000 in long mode: EBUSY");
	tap_errno(load(vm, &img, code, sizeof(code), AXVM_IMAGE_RAW, 0xffc0, 0),
		  EBUSY, "LOAD_IMAGE raw ending in the window: EBUSY");

	tap_errno(load(vm, &img, code, sizeof(code), AXVM_IMAGE_RAW,
		       0x10000000, 0),
		  EFAULT, "LOAD_IMAGE raw outside RAM: EFAULT");
	axvm_guest(vm, AXVM_READ_GUEST, RAM - 64, before, sizeof(before));
	memset(junk, 0xee, sizeof(junk));
	tap_errno(load(vm, &img, junk, sizeof(junk), AXVM_IMAGE_RAW, RAM - 64,
		       0),
		  EFAULT, "LOAD_IMAGE raw running off the end of RAM: EFAULT");
	tap_check(guest_is(vm, RAM - 64, before, sizeof(before)),
		  "a refused image writes nothing");
	tap_errno(load(vm, &img, code, 16, AXVM_IMAGE_RAW, ~0ULL - 8, 0),
		  EINVAL, "LOAD_IMAGE raw whose end wraps: EINVAL");

	tap_errno(load(vm, &img, code, 0, AXVM_IMAGE_RAW, 0x100000, 0), EINVAL,
		  "LOAD_IMAGE of 0 bytes: EINVAL");
	tap_errno(load(vm, &img, code, sizeof(code), AXVM_IMAGE_INITRD + 1, 0x100000, 0), EINVAL,
		  "LOAD_IMAGE of an unknown format: EINVAL");
	tap_errno(load(vm, &img, code, sizeof(code), AXVM_IMAGE_RAW, 0x100000,
		       1u << 1),
		  EINVAL, "LOAD_IMAGE with an unknown flag: EINVAL");
	tap_errno(load(vm, &img, code, (256ULL << 20) + 1, AXVM_IMAGE_RAW,
		       0x100000, 0),
		  E2BIG, "LOAD_IMAGE of 256 MiB + 1: E2BIG");
	tap_errno(load(vm, &img, BAD_PTR, sizeof(code), AXVM_IMAGE_RAW,
		       0x100000, 0),
		  EFAULT, "LOAD_IMAGE from a bad buffer: EFAULT");
	memset(&img, 0, sizeof(img));
	img.buf = U64P(code);
	img.size = sizeof(code);
	img.gpa = 0x100000;
	img.pad = 1;
	tap_errno(ioctl(vm, AXVM_LOAD_IMAGE, &img), EINVAL,
		  "LOAD_IMAGE with nonzero pad: EINVAL");
	img.pad = 0;
	img.reserved[0] = 1;
	tap_errno(ioctl(vm, AXVM_LOAD_IMAGE, &img), EINVAL,
		  "LOAD_IMAGE with nonzero reserved: EINVAL");
	tap_errno(ioctl(vm, AXVM_LOAD_IMAGE, BAD_PTR), EFAULT,
		  "LOAD_IMAGE with a bad pointer: EFAULT");
	close(vm);

	/* A real-mode guest owns low memory: the window is free for it. */
	vm = new_vm(RAM);
	axvm_entry(vm, 0x7c00, AXVM_MODE_REAL);
	memset(junk, 0x11, sizeof(junk));
	tap_ret(load(vm, &img, junk, sizeof(junk), AXVM_IMAGE_RAW, 0x8fc0, 0),
		0, "LOAD_IMAGE raw across 0x9000 in real mode");
	tap_eq(img.mode, AXVM_MODE_REAL, "LOAD_IMAGE raw: mode real");
	close(vm);
}

/* A one-segment ELF64 or ELF32 executable, built in @buf. */
struct elf_spec {
	int is64;
	__u16 machine, type;
	__u32 ptype;
	__u64 paddr, filesz, memsz, entry;
};

#define ELF_DATA_OFF	0x100

static size_t make_elf(__u8 *buf, const struct elf_spec *s)
{
	size_t i;

	memset(buf, 0, ELF_DATA_OFF + s->filesz);
	for (i = 0; i < s->filesz; i++)
		buf[ELF_DATA_OFF + i] = (__u8)(0xc0 + i);
	if (s->is64) {
		Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
		Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));

		memcpy(eh->e_ident, ELFMAG, SELFMAG);
		eh->e_ident[EI_CLASS] = ELFCLASS64;
		eh->e_ident[EI_DATA] = ELFDATA2LSB;
		eh->e_ident[EI_VERSION] = EV_CURRENT;
		eh->e_type = s->type;
		eh->e_machine = s->machine;
		eh->e_version = EV_CURRENT;
		eh->e_entry = s->entry;
		eh->e_phoff = sizeof(*eh);
		eh->e_ehsize = sizeof(*eh);
		eh->e_phentsize = sizeof(*ph);
		eh->e_phnum = 1;
		ph->p_type = s->ptype;
		ph->p_flags = PF_R | PF_W | PF_X;
		ph->p_offset = ELF_DATA_OFF;
		ph->p_vaddr = ph->p_paddr = s->paddr;
		ph->p_filesz = s->filesz;
		ph->p_memsz = s->memsz;
		ph->p_align = 16;
	} else {
		Elf32_Ehdr *eh = (Elf32_Ehdr *)buf;
		Elf32_Phdr *ph = (Elf32_Phdr *)(buf + sizeof(*eh));

		memcpy(eh->e_ident, ELFMAG, SELFMAG);
		eh->e_ident[EI_CLASS] = ELFCLASS32;
		eh->e_ident[EI_DATA] = ELFDATA2LSB;
		eh->e_ident[EI_VERSION] = EV_CURRENT;
		eh->e_type = s->type;
		eh->e_machine = s->machine;
		eh->e_version = EV_CURRENT;
		eh->e_entry = s->entry;
		eh->e_phoff = sizeof(*eh);
		eh->e_ehsize = sizeof(*eh);
		eh->e_phentsize = sizeof(*ph);
		eh->e_phnum = 1;
		ph->p_type = s->ptype;
		ph->p_flags = PF_R | PF_W | PF_X;
		ph->p_offset = ELF_DATA_OFF;
		ph->p_vaddr = ph->p_paddr = s->paddr;
		ph->p_filesz = s->filesz;
		ph->p_memsz = s->memsz;
		ph->p_align = 16;
	}
	return ELF_DATA_OFF + s->filesz;
}

static const struct elf_spec elf64_ok = {
	1, EM_X86_64, ET_EXEC, PT_LOAD, 0x200000, 16, 0x100, 0x200004,
};

/* LOAD_IMAGE of an ELF built from @s (a change of elf64_ok) must fail. */
static void elf_fails(int vm, const struct elf_spec *s, int err,
		      const char *what)
{
	static __u8 buf[ELF_DATA_OFF + 64];
	struct axvm_image img;
	size_t n = make_elf(buf, s);

	tap_errno(load(vm, &img, buf, n, AXVM_IMAGE_ELF, 0, 0), err,
		  "LOAD_IMAGE ELF %s: %s", what, strerror(err));
}

static void test_elf(void)
{
	__u8 buf[ELF_DATA_OFF + 64], want[0x100], fill[0x100];
	struct axvm_image img;
	struct elf_spec s;
	size_t n, i;
	int vm;

	vm = new_vm(RAM);
	if (!tap_check(vm >= 0, "a VM with 4 MiB for ELF images"))
		return;
	/* Dirty the .bss first: the loader must zero it. */
	memset(fill, 0xaa, sizeof(fill));
	axvm_guest(vm, AXVM_WRITE_GUEST, 0x200000, fill, sizeof(fill));
	n = make_elf(buf, &elf64_ok);
	tap_ret(load(vm, &img, buf, n, AXVM_IMAGE_ELF, 0, 0), 0,
		"LOAD_IMAGE of an ELF64 x86-64 executable");
	tap_eq(img.entry, 0x200004, "LOAD_IMAGE ELF64: entry is e_entry");
	tap_eq(img.mode, AXVM_MODE_LONG, "LOAD_IMAGE ELF64: mode long");
	memset(want, 0, sizeof(want));
	for (i = 0; i < 16; i++)
		want[i] = (__u8)(0xc0 + i);
	tap_check(guest_is(vm, 0x200000, want, sizeof(want)),
		  "the PT_LOAD bytes land at p_paddr, the rest of p_memsz is zeroed");

	s = elf64_ok;
	s.is64 = 0;
	s.machine = EM_386;
	s.paddr = 0x300000;
	s.entry = 0x300000;
	n = make_elf(buf, &s);
	tap_ret(load(vm, &img, buf, n, AXVM_IMAGE_ELF, 0, 0), 0,
		"LOAD_IMAGE of an ELF32 i386 executable");
	tap_eq(img.mode, AXVM_MODE_PROTECTED, "LOAD_IMAGE ELF32: mode protected");
	tap_eq(img.entry, 0x300000, "LOAD_IMAGE ELF32: entry is e_entry");

	memset(buf, 0, sizeof(buf));
	strcpy((char *)buf, "#!/bin/sh\necho not an ELF\n");
	tap_errno(load(vm, &img, buf, sizeof(buf), AXVM_IMAGE_ELF, 0, 0),
		  ENOEXEC, "LOAD_IMAGE ELF of a shell script: ENOEXEC");
	tap_errno(load(vm, &img, ELFMAG, SELFMAG, AXVM_IMAGE_ELF, 0, 0),
		  ENOEXEC, "LOAD_IMAGE ELF of just the magic: ENOEXEC");
	s = elf64_ok;
	s.machine = EM_AARCH64;
	elf_fails(vm, &s, ENOEXEC, "for aarch64");
	s = elf64_ok;
	s.machine = EM_386;
	elf_fails(vm, &s, ENOEXEC, "ELF64 claiming i386");
	s = elf64_ok;
	s.type = ET_DYN;
	elf_fails(vm, &s, ENOEXEC, "of type ET_DYN");
	s = elf64_ok;
	s.ptype = PT_NOTE;
	elf_fails(vm, &s, ENOEXEC, "without a PT_LOAD");
	s = elf64_ok;
	s.paddr = 0x10000000;
	elf_fails(vm, &s, EFAULT, "with a segment outside RAM");
	s = elf64_ok;
	s.paddr = 0xa000;
	elf_fails(vm, &s, EBUSY, "with a segment in the loader window");
	s = elf64_ok;
	s.memsz = 8;
	elf_fails(vm, &s, EINVAL, "with p_filesz > p_memsz");
	s = elf64_ok;
	s.is64 = 0;
	s.machine = EM_386;
	s.paddr = 0xfffff000;
	s.memsz = 0x2000;
	elf_fails(vm, &s, EINVAL, "ELF32 segment past 4 GiB");

	n = make_elf(buf, &elf64_ok);
	buf[EI_DATA] = ELFDATA2MSB;
	tap_errno(load(vm, &img, buf, n, AXVM_IMAGE_ELF, 0, 0), ENOEXEC,
		  "LOAD_IMAGE ELF big-endian: ENOEXEC");
	n = make_elf(buf, &elf64_ok);
	((Elf64_Ehdr *)buf)->e_phoff = 0x10000;
	tap_errno(load(vm, &img, buf, n, AXVM_IMAGE_ELF, 0, 0), EINVAL,
		  "LOAD_IMAGE ELF with e_phoff past the image: EINVAL");
	n = make_elf(buf, &elf64_ok);
	tap_errno(load(vm, &img, buf, n - 1, AXVM_IMAGE_ELF, 0, 0), EINVAL,
		  "LOAD_IMAGE ELF with a segment past the image: EINVAL");
	close(vm);
}

/* A Multiboot v1 image using the address fields (flag 16). */
static size_t make_mb(__u8 *buf, __u32 flags)
{
	__u32 h[8] = {
		0x1BADB002u, flags, 0, 0x100000, 0x100000, 0, 0, 0x100020,
	};

	h[2] = -(h[0] + h[1]);
	memset(buf, 0xf4, 64);
	memcpy(buf, h, sizeof(h));
	return 64;
}

static void test_multiboot(void)
{
	struct axvm_mb_info_head {
		__u32 flags, mem_lower, mem_upper;
	} mbi;
	struct axvm_regs regs;
	struct axvm_sregs sregs;
	struct axvm_image img;
	__u8 buf[64];
	size_t n;
	int vm, vcpu;

	vm = new_vm(RAM);
	if (!tap_check(vm >= 0, "a VM with 4 MiB for a Multiboot image"))
		return;
	vcpu = ioctl(vm, AXVM_CREATE_VCPU, 0);
	n = make_mb(buf, 1u << 16 | 1u << 1);
	tap_ret(load(vm, &img, buf, n, AXVM_IMAGE_MULTIBOOT, 0,
		     AXVM_IMAGE_SET_ENTRY), 0,
		"LOAD_IMAGE Multiboot (address fields), SET_ENTRY");
	tap_eq(img.entry, 0x100020, "LOAD_IMAGE Multiboot: entry_addr");
	tap_eq(img.mode, AXVM_MODE_PROTECTED, "LOAD_IMAGE Multiboot: protected");
	tap_check(guest_is(vm, 0x100000, buf, n),
		  "the Multiboot image lands at load_addr");
	memset(&mbi, 0, sizeof(mbi));
	axvm_guest(vm, AXVM_READ_GUEST, 0xa000, &mbi, sizeof(mbi));
	tap_check(mbi.flags & 1, "Multiboot info at 0xa000: mem_* valid");
	tap_eq(mbi.mem_lower, 640, "Multiboot info: mem_lower 640 KiB");
	tap_eq(mbi.mem_upper, (RAM - MiB) >> 10,
	       "Multiboot info: mem_upper = RAM above 1 MiB, in KiB");

	tap_ret(ioctl(vm, AXVM_FINALIZE, 0), 0, "FINALIZE");
	memset(&regs, 0, sizeof(regs));
	tap_ret(ioctl(vcpu, AXVM_GET_REGS, &regs), 0, "GET_REGS after FINALIZE");
	tap_eq(regs.rax, 0x2BADB002, "Multiboot entry: EAX = 0x2BADB002");
	tap_eq(regs.rbx, 0xa000, "Multiboot entry: EBX = the info (0xa000)");
	tap_eq(regs.rip, 0x100020, "Multiboot entry: RIP = entry_addr");
	tap_eq(regs.rflags, 0x2, "Multiboot entry: RFLAGS = 0x2");
	memset(&sregs, 0, sizeof(sregs));
	tap_ret(ioctl(vcpu, AXVM_GET_SREGS, &sregs), 0, "GET_SREGS");
	tap_check((sregs.cr0 & 1) && !(sregs.cr0 & (1u << 31)),
		  "Multiboot entry: protected mode, paging off");
	tap_eq(sregs.cs.selector, 0x08, "Multiboot entry: CS 0x08");
	tap_eq(sregs.ds.selector, 0x10, "Multiboot entry: DS 0x10");
	tap_check(sregs.cs.base == 0 && sregs.cs.limit == 0xffffffff,
		  "Multiboot entry: CS flat 4 GiB");
	close(vcpu);
	close(vm);

	vm = new_vm(RAM);
	n = make_mb(buf, 1u << 16 | 1u << 2);
	tap_errno(load(vm, &img, buf, n, AXVM_IMAGE_MULTIBOOT, 0, 0),
		  EOPNOTSUPP, "LOAD_IMAGE Multiboot wanting video: EOPNOTSUPP");
	n = make_mb(buf, 1u << 16);
	buf[8] ^= 1;
	tap_errno(load(vm, &img, buf, n, AXVM_IMAGE_MULTIBOOT, 0, 0), ENOEXEC,
		  "LOAD_IMAGE Multiboot with a bad checksum: ENOEXEC");
	memset(buf, 0x90, sizeof(buf));
	tap_errno(load(vm, &img, buf, sizeof(buf), AXVM_IMAGE_MULTIBOOT, 0, 0),
		  ENOEXEC, "LOAD_IMAGE Multiboot without a header: ENOEXEC");
	close(vm);

	/* The information structure needs RAM at 0xa000. */
	vm = new_vm(0);
	axvm_region(vm, MiB, MiB, RWX);
	n = make_mb(buf, 1u << 16);
	tap_errno(load(vm, &img, buf, n, AXVM_IMAGE_MULTIBOOT, 0, 0), EFAULT,
		  "LOAD_IMAGE Multiboot without RAM at 0xa000: EFAULT");
	close(vm);
}

/* The Multiboot information's fields this test reads. */
struct mb_info {
	__u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	__u32 mods_count, mods_addr;
};

/* The guest's NUL-terminated string at @gpa equals @want. */
static int guest_string_is(int vm, __u32 gpa, const char *want)
{
	return gpa && guest_is(vm, gpa, want, strlen(want) + 1);
}

static int read_mb(int vm, struct mb_info *mbi, __u32 mods[][4], int n)
{
	memset(mbi, 0, sizeof(*mbi));
	if (axvm_guest(vm, AXVM_READ_GUEST, 0xa000, mbi, sizeof(*mbi)))
		return -1;
	if (n && (mbi->mods_count != (__u32)n ||
		  axvm_guest(vm, AXVM_READ_GUEST, mbi->mods_addr, mods,
			     n * sizeof(mods[0]))))
		return -1;
	return 0;
}

/*
 * kvm-unit-tests' way: a Multiboot kernel with a command line, its
 * environment as the first module, placed by the loader after the
 * kernel; a second module at a given address. RESTART must rebuild the
 * same information.
 */
static void test_multiboot_modules(void)
{
	static const char env[] = "NR_CPUS=1\nMEMSIZE=4\n";
	static const char blob[300] = "second";
	char longline[AXVM_CMDLINE_MAX + 1];
	struct axvm_image img, mod1, mod2;
	struct mb_info mbi;
	__u32 mods[2][4];
	__u8 buf[64];
	size_t n;
	int vm, vcpu;

	if (!tap_check(ioctl(sys, AXVM_CHECK_EXTENSION,
			     AXVM_CAP_MULTIBOOT_MODULES) == 1,
		       "CHECK_EXTENSION MULTIBOOT_MODULES"))
		return;
	vm = new_vm(RAM);
	vcpu = ioctl(vm, AXVM_CREATE_VCPU, 0);
	tap_errno(load(vm, &mod1, env, sizeof(env), AXVM_IMAGE_MODULE, 0, 0),
		  EINVAL, "a module placed by the loader before any image: EINVAL");
	n = make_mb(buf, 1u << 16 | 1u << 1 | 1u << 0);
	memset(&img, 0, sizeof(img));
	img.buf = U64P(buf);
	img.size = n;
	img.format = AXVM_IMAGE_MULTIBOOT;
	img.flags = AXVM_IMAGE_SET_ENTRY;
	img.cmdline = U64P("x86/smptest.flat -smp 1");
	tap_ret(ioctl(vm, AXVM_LOAD_IMAGE, &img), 0,
		"LOAD_IMAGE Multiboot with a command line");
	memset(&mod1, 0, sizeof(mod1));
	mod1.buf = U64P(env);
	mod1.size = sizeof(env) - 1;
	mod1.format = AXVM_IMAGE_MODULE;
	mod1.cmdline = U64P("env");
	tap_ret(ioctl(vm, AXVM_LOAD_IMAGE, &mod1), 0,
		"LOAD_IMAGE module, gpa 0: the loader places it");
	/* The kernel's bytes end at 0x100040: the next page. */
	tap_eq(mod1.entry, 0x101000, "the module's address comes back in entry");
	tap_ret(load(vm, &mod2, blob, sizeof(blob), AXVM_IMAGE_MODULE,
		     0x200000, 0), 0, "LOAD_IMAGE module at 0x200000");
	tap_errno(load(vm, &img, blob, sizeof(blob), AXVM_IMAGE_MODULE,
		       0x200800, 0), EINVAL,
		  "a module at an address not page aligned: EINVAL");
	tap_errno(load(vm, &img, blob, sizeof(blob), AXVM_IMAGE_MODULE, 0,
		       AXVM_IMAGE_SET_ENTRY), EINVAL,
		  "a module with SET_ENTRY: EINVAL");
	memset(&img, 0, sizeof(img));
	img.buf = U64P(blob);
	img.size = sizeof(blob);
	img.gpa = 0x300000;
	img.format = AXVM_IMAGE_RAW;
	img.cmdline = U64P("raw");
	tap_errno(ioctl(vm, AXVM_LOAD_IMAGE, &img), EINVAL,
		  "a command line on a RAW image: EINVAL");
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	img.format = AXVM_IMAGE_MODULE;
	img.gpa = 0;
	img.cmdline = U64P(longline);
	tap_errno(ioctl(vm, AXVM_LOAD_IMAGE, &img), EINVAL,
		  "a string of AXVM_CMDLINE_MAX bytes and more: EINVAL");
	img.cmdline = 1;
	tap_errno(ioctl(vm, AXVM_LOAD_IMAGE, &img), EFAULT,
		  "a string at a bad address: EFAULT");

	tap_ret(ioctl(vm, AXVM_FINALIZE, 0), 0, "FINALIZE");
	tap_ret(read_mb(vm, &mbi, mods, 2), 0,
		"the Multiboot information lists 2 modules");
	tap_eq(mbi.flags & (1u << 2 | 1u << 3 | 1u << 6),
	       1u << 2 | 1u << 3 | 1u << 6,
	       "flags: command line, modules and memory map valid");
	tap_check(guest_string_is(vm, mbi.cmdline, "x86/smptest.flat -smp 1"),
		  "the kernel's command line");
	tap_check(mods[0][0] == 0x101000 &&
		  mods[0][1] == 0x101000 + sizeof(env) - 1 &&
		  guest_is(vm, mods[0][0], env, sizeof(env) - 1) &&
		  guest_string_is(vm, mods[0][2], "env"),
		  "module 1: its bytes, [start, end) and string \"env\"");
	tap_check(mods[1][0] == 0x200000 && mods[1][1] == 0x200000 + 300 &&
		  guest_is(vm, 0x200000, blob, sizeof(blob)) && !mods[1][2],
		  "module 2 at its address, no string");

	/* RESTART: RAM is gone, the images and the information come back. */
	tap_ret(ioctl(vm, AXVM_START, 0), 0, "START");
	tap_ret(ioctl(vm, AXVM_STOP, 0), 0, "STOP");
	tap_ret(ioctl(vm, AXVM_RESTART, 0), 0, "RESTART");
	ioctl(vm, AXVM_STOP, 0);
	memset(mods, 0, sizeof(mods));
	tap_check(!read_mb(vm, &mbi, mods, 2) &&
		  guest_string_is(vm, mbi.cmdline, "x86/smptest.flat -smp 1") &&
		  mods[0][0] == 0x101000 &&
		  guest_is(vm, 0x101000, env, sizeof(env) - 1) &&
		  guest_string_is(vm, mods[0][2], "env") &&
		  mods[1][0] == 0x200000,
		  "after RESTART: the same command line and modules");
	close(vcpu);
	close(vm);
}

int main(void)
{
	sys = axvm_open();
	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	test_raw();
	test_elf();
	test_multiboot();
	test_multiboot_modules();
	close(sys);
	return tap_done();
}
