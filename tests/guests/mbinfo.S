/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mbinfo: a Multiboot (v1) kernel, ELF32 at 0x100000, that checks what
 * the loader hands it (docs/api.md, "Multiboot information, modules and
 * command lines"). tests/cli/cli_test.sh runs it as
 *
 *   axvmctl run --kernel mbinfo.elf --cmdline "mbinfo hello" \
 *               --initrd DIR/mbinfo.env --initrd FILE
 *
 * with "NR_CPUS=1\n" in mbinfo.env and a FILE that starts with '2'.
 * Prints "mbinfo: cmdline '...'" on COM1; expect exit code 0; FAIL n (as
 * the exit code), checked in this order:
 *   1 EAX != 0x2BADB002        2 no command line (info flags bit 2)
 *   3 no modules (bit 3)       4 the command line != "mbinfo hello"
 *   5 module 1's bytes != "NR_CPUS=1\n"
 *   6 module 1's string does not end in "mbinfo.env"
 *   7 mods_count != 2          8 module 2 does not start with '2'
 * (so a config with one ramdisk gets as far as 7).
 */

#include "lib32.S"

#define MB_HEADER_MAGIC	0x1BADB002
#define MB_HEADER_FLAGS	0x3		/* modules page aligned, memory info */
#define MB_BOOT_MAGIC	0x2BADB002	/* EAX at entry; EBX: the information */

/* struct multiboot_info: offsets, flags */
#define MBI_FLAGS	0
#define MBI_CMDLINE	16
#define MBI_MODS_COUNT	20
#define MBI_MODS_ADDR	24
#define MBI_F_CMDLINE	(1 << 2)
#define MBI_F_MODS	(1 << 3)
/* a module entry (16 bytes): [start, end) and its string */
#define MOD_START	0
#define MOD_END		4
#define MOD_STRING	8
#define MOD_ENTRY	16

	.code32
	/* In the file's first 8 KiB, 4-byte aligned: .text comes first. */
	.balign 4
mb_header:
	.long MB_HEADER_MAGIC, MB_HEADER_FLAGS
	.long -(MB_HEADER_MAGIC + MB_HEADER_FLAGS)

	.globl _start
_start:
	mov $STACK_TOP, %esp
	cmp $MB_BOOT_MAGIC, %eax
	je 1f
	FAIL32 1
1:	mov %ebx, %ebp				/* the information */
	testl $MBI_F_CMDLINE, MBI_FLAGS(%ebp)
	jnz 1f
	FAIL32 2
1:	testl $MBI_F_MODS, MBI_FLAGS(%ebp)
	jnz 1f
	FAIL32 3
1:	mov $msg, %esi
	call puts32
	mov MBI_CMDLINE(%ebp), %esi
	call puts32
	mov $msg_end, %esi
	call puts32

	/* The command line, its NUL included. */
	mov MBI_CMDLINE(%ebp), %esi
	mov $cmdline, %edi
	mov $CMDLINE_SIZE, %ecx
	repe cmpsb
	je 1f
	FAIL32 4

	/* Module 1: its size and bytes. */
1:	mov MBI_MODS_ADDR(%ebp), %ebx
	mov MOD_END(%ebx), %ecx
	sub MOD_START(%ebx), %ecx
	cmp $ENV_SIZE, %ecx
	jne 2f
	mov MOD_START(%ebx), %esi
	mov $env, %edi
	repe cmpsb
	je 1f
2:	FAIL32 5

	/* Its string ends in NAME: compare NAME's size bytes before its end. */
1:	mov MOD_STRING(%ebx), %edi
	mov %edi, %edx
	xor %eax, %eax
	mov $-1, %ecx
	repne scasb				/* %edi: past the string's NUL */
	sub $NAME_SIZE, %edi
	cmp %edx, %edi
	jb 2f					/* shorter than NAME */
	mov %edi, %esi
	mov $name, %edi
	mov $NAME_SIZE, %ecx
	repe cmpsb
	je 1f
2:	FAIL32 6

1:	cmpl $2, MBI_MODS_COUNT(%ebp)
	je 1f
	FAIL32 7
1:	mov MOD_ENTRY + MOD_START(%ebx), %esi
	cmpb $'2', (%esi)
	je 1f
	FAIL32 8
1:	xor %eax, %eax
	jmp exit32

msg:	.asciz "mbinfo: cmdline '"
msg_end: .asciz "'\n"
/* What the test gives; each size counts the NUL (the module's: none). */
cmdline: .asciz "mbinfo hello"
	.set CMDLINE_SIZE, . - cmdline
env:	.ascii "NR_CPUS=1\n"
	.set ENV_SIZE, . - env
name:	.asciz "mbinfo.env"
	.set NAME_SIZE, . - name
