/* SPDX-License-Identifier: GPL-2.0 */
/*
 * real: entered in real mode (AXVM_MODE_REAL) at 0x7c00 with CS = 0.
 * Prints "real mode"; expect exit code 0; FAIL n (as the exit code):
 *   1 CR0.PE set   2 CS not 0
 */
	.code16
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7000, %sp
	smsw %ax
	test $1, %ax
	jz 1f
	mov $1, %al
	jmp fail16
1:	mov %cs, %ax
	test %ax, %ax
	jz 1f
	mov $2, %al
	jmp fail16
1:	mov $msg, %si
2:	lodsb
	test %al, %al
	jz 3f
	call putc16
	jmp 2b
3:	xor %al, %al
fail16:
	outb %al, $0xf4
4:	hlt
	jmp 4b

putc16:
	push %dx
	push %ax
	mov $0x3fd, %dx
1:	in %dx, %al
	test $0x20, %al
	jz 1b
	pop %ax
	mov $0x3f8, %dx
	out %al, %dx
	pop %dx
	ret

msg:	.asciz "real mode\n"
