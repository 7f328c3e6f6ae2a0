/* SPDX-License-Identifier: GPL-2.0 */
/*
 * longmode: the long-mode entry state of DESIGN.md §4, checked from
 * inside. Expect: "long mode" and exit code 0; FAIL n otherwise:
 *   1 CS != 0x08        2 DS or SS != 0x10   3 CR0.PG or PE clear
 *   4 CR4.PAE clear     5 EFER.LMA clear     6 CR3 != 0xa000
 *   7 RFLAGS != 0x2     8 a GPR not zero     9 PML4[0] != PDPT | P | RW
 *  10 the PD does not map 4 GiB - 2 MiB 1:1
 */

#include "lib.S"
	.code64
	.globl _start
_start:
	mov $STACK_TOP, %rsp		/* MOV leaves RFLAGS alone */
	pushfq
	or %rbx, %rax
	or %rcx, %rax
	or %rdx, %rax
	or %rsi, %rax
	or %rdi, %rax
	or %rbp, %rax
	or %r8, %rax
	or %r9, %rax
	or %r10, %rax
	or %r11, %rax
	or %r12, %rax
	or %r13, %rax
	or %r14, %rax
	or %r15, %rax
	pop %rbx
	test %rax, %rax
	jz 1f
	FAIL 8
1:	cmp $2, %rbx
	je 1f
	FAIL 7
1:	mov %cs, %ax
	cmp $0x08, %ax
	je 1f
	FAIL 1
1:	mov %ds, %ax
	cmp $0x10, %ax
	jne 2f
	mov %ss, %ax
	cmp $0x10, %ax
	je 1f
2:	FAIL 2
1:	mov %cr0, %rax
	and $0x80000001, %eax
	cmp $0x80000001, %eax
	je 1f
	FAIL 3
1:	mov %cr4, %rax
	test $0x20, %eax
	jnz 1f
	FAIL 4
1:	mov $0xc0000080, %ecx
	rdmsr
	test $0x400, %eax
	jnz 1f
	FAIL 5
1:	mov %cr3, %rax
	cmp $0xa000, %rax
	je 1f
	FAIL 6
1:	mov 0xa000, %rax		/* identity mapped: the PML4 itself */
	and $0xfffffffffffff003, %rax
	cmp $0xb003, %rax
	je 1f
	FAIL 9
1:	mov 0xfff8, %rax		/* last PD entry: 4 GiB - 2 MiB */
	and $0xffffffffffe00083, %rax
	mov $0xffe00083, %ecx
	cmp %rcx, %rax
	je 1f
	FAIL 10
1:	mov $0x10, %ax			/* the loader's GDT must be there */
	mov %ax, %ds
	mov %ax, %ss
	pushq $0x08
	lea 1f(%rip), %rax
	push %rax
	lretq
1:	lea msg(%rip), %rsi
	call puts
	xor %eax, %eax
	jmp exit

msg:	.asciz "long mode\n"
