/* SPDX-License-Identifier: GPL-2.0 */
/*
 * protected: entered in 32-bit protected mode (AXVM_MODE_PROTECTED) at
 * 0x100000: flat CS 0x08 / data 0x10 from the loader's GDT, paging off.
 * Reloads the segments from that GDT. Prints "protected mode"; expect
 * exit code 0; FAIL n (as the exit code):
 *   1 CR0.PE clear   2 CR0.PG set   3 CS != 0x08   4 DS or SS != 0x10
 *   5 EFER.LMA set   6 RFLAGS != 0x2 at entry
 */

#include "lib32.S"
	.code32
	.globl _start
_start:
	mov $STACK_TOP, %esp		/* MOV leaves RFLAGS alone */
	pushfl
	pop %eax
	cmp $2, %eax
	je 1f
	FAIL32 6
1:	mov %cr0, %eax
	test $1, %eax
	jnz 1f
	FAIL32 1
1:	test $0x80000000, %eax
	jz 1f
	FAIL32 2
1:	mov %cs, %ax
	cmp $0x08, %ax
	je 1f
	FAIL32 3
1:	mov %ds, %ax
	cmp $0x10, %ax
	jne 2f
	mov %ss, %ax
	cmp $0x10, %ax
	je 1f
2:	FAIL32 4
1:	mov $0xc0000080, %ecx
	rdmsr
	test $0x400, %eax
	jz 1f
	FAIL32 5
1:	mov $0x10, %ax			/* the loader's GDT must be there */
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	ljmp $0x08, $1f
1:	mov $msg, %esi
	call puts32
	xor %eax, %eax
	jmp exit32

msg:	.asciz "protected mode\n"
