/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memtest: fills every 4 KiB page from 2 MiB up to the end of RAM (the
 * first page that does not keep a written value: reads there return all
 * ones) or 4 GiB with a pattern of its own address, then checks them
 * all again, so a page populated twice or mapped to another's frame
 * shows. Prints "RAM top <hex>". Expect: exit code 0 and a top that
 * matches the VM's memory size; FAIL n otherwise:
 *   1 no RAM above 2 MiB   2 a page lost its pattern
 */

#include "lib.S"
	.code64
	.globl _start

#define FIRST	0x200000

_start:
	GUEST_ENTRY
	movabs $0x5a5a5a5a5a5a5a5a, %r13
	movabs $0x100000000, %r14
	mov $FIRST, %rdi
1:	cmp %r14, %rdi
	jae 3f
	mov %rdi, %rax
	xor %r13, %rax
	mov %rax, (%rdi)		/* one probe: past RAM it is dropped */
	mov (%rdi), %rdx		/* (a MOV: MMIO decodes only those) */
	cmp %rdx, %rax
	jne 3f
	mov $512, %ecx
	rep stosq			/* the whole page; %rdi moves on */
	jmp 1b
3:	cmp $FIRST, %rdi
	jne 1f
	FAIL 1
1:	mov %rdi, %r12			/* the top */
	mov $FIRST, %rdi
2:	cmp %r12, %rdi
	jae 4f
	mov %rdi, %rax
	xor %r13, %rax
	mov $512, %ecx
	repe scasq
	je 2b
	FAIL 2
4:	lea msg(%rip), %rsi
	call puts
	mov %r12, %rax
	call puthex
	mov $'\n', %al
	call putc
	xor %eax, %eax
	jmp exit

msg:	.asciz "RAM top "
