/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the 32-bit test guests (protected, mbinfo) share, included as
 * lib.S is; its code goes to .text.lib, after the guest's own .text.
 * Flat 32-bit protected mode, paging off.
 *
 *   putc32     %al to COM1, polling LSR.THRE
 *   puts32     the NUL-terminated string at %esi
 *   exit32     %eax to port 0xf4 (32-bit write): the VM stops with it
 */

#define COM1		0x3f8
#define COM1_LSR	(COM1 + 5)
#define EXIT_PORT	0xf4
#define STACK_TOP	0x80000

/* FAIL32 n: stop with exit code n. */
.macro FAIL32 n
	mov $\n, %eax
	jmp exit32
.endm

	.section .text.lib, "ax"
	.code32
putc32:
	push %edx
	push %eax
	mov $COM1_LSR, %dx
1:	in %dx, %al
	test $0x20, %al
	jz 1b
	pop %eax
	mov $COM1, %dx
	out %al, %dx
	pop %edx
	ret

puts32:
	push %eax
	push %esi
1:	lodsb
	test %al, %al
	jz 2f
	call putc32
	jmp 1b
2:	pop %esi
	pop %eax
	ret

exit32:
	out %eax, $EXIT_PORT
	cli
1:	hlt
	jmp 1b

	.text
