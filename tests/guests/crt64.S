/* SPDX-License-Identifier: GPL-2.0 */

#include "idt.inc"
/*
 * crt64: the start of a C test guest (guest.h). Linked first, with only
 * _start in .text and the rest in .text.lib, which guest.ld places
 * after every .text, so _start is the first byte of the flat .bin (the
 * entry point) whatever the C compiler puts where. The guest starts in
 * long mode with CS 0x08, the low 4 GiB identity mapped and interrupts
 * off (DESIGN.md §4). .bss needs no zeroing: guest.ld puts it inside
 * the loaded image (zeros in the file), and RESTART reloads the image.
 *
 * _start: the stack below 0x80000, an IDT whose 256 vectors call
 * on_interrupt(vector, error code or 0, frame), then main(); its return
 * value goes to the debug-exit port. The handler runs with interrupts
 * off and returns with IRETQ (to frame[0], which it may change).
 * memset and memcpy: the compiler may call them even when freestanding.
 */
#define STACK_TOP	0x80000
#define EXIT_PORT	0xf4

	.code64
	.text
	.globl _start
_start:
	mov $STACK_TOP, %rsp
	call idt_init
	call main
	out %eax, $EXIT_PORT
1:	cli
	hlt
	jmp 1b

	.section .text.lib, "ax"
/* 256 interrupt gates to the 16-byte stubs. */
idt_init:
	IDT_FILL
	ret

/* Stack: vector, error code (0 if none), RIP, CS, RFLAGS, RSP, SS. */
isr_common:
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	push %rbx
	mov 80(%rsp), %edi		/* vector */
	mov 88(%rsp), %rsi		/* error code */
	lea 96(%rsp), %rdx		/* the frame */
	mov %rsp, %rbx			/* callee-saved */
	and $-16, %rsp			/* the ABI's alignment at a call */
	cld
	call on_interrupt
	mov %rbx, %rsp
	pop %rbx
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	add $16, %rsp
	iretq

	IDT_STUBS isr_common

	.globl memset
memset:
	mov %rdi, %r8
	mov %esi, %eax
	mov %rdx, %rcx
	rep stosb
	mov %r8, %rax
	ret

	.globl memcpy
memcpy:
	mov %rdi, %rax
	mov %rdx, %rcx
	rep movsb
	ret

	.balign 8
idt_desc:
	.word 256 * 16 - 1
	.quad idt
	.balign 16
idt:
	.fill 256 * 16, 1, 0

	.section .note.GNU-stack, "", @progbits
