/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every 64-bit test guest shares: included (by the C preprocessor)
 * at the top of each one; its code goes to .text.lib, which guest.ld
 * places after the guest's own .text, so _start comes first. The guest starts in long mode at _start with
 * CS 0x08, the low 4 GiB identity mapped, interrupts off (DESIGN.md §4).
 *
 *   putc       %al to COM1, polling LSR.THRE
 *   puts       the NUL-terminated string at %rsi
 *   puthex     %rax as 16 hex digits
 *   exit       %eax to port 0xf4 (32-bit write): the VM stops with it
 *   fail       print "FAIL <n>" (%eax) and exit with it
 *   idt_init   an IDT whose every vector runs common_handler: it counts
 *              (exc_count), keeps last_vector / last_error, and for an
 *              exception (vector < 32) resumes skip_len bytes after the
 *              faulting instruction
 */

#include "idt.inc"

#define COM1		0x3f8
#define COM1_LSR	(COM1 + 5)
#define EXIT_PORT	0xf4
#define STACK_TOP	0x80000

/* Set up the stack; the first thing every guest does. */
.macro GUEST_ENTRY
	mov $STACK_TOP, %rsp
.endm

/* FAIL n: report test failure n and stop. */
.macro FAIL n
	mov $\n, %eax
	jmp fail
.endm

/* EXPECT_EXC vector, len: the next instruction must raise vector. */
.macro EXPECT_EXC_BEGIN len
	movq $\len, skip_len(%rip)
	movq $0, exc_count(%rip)
	movq $-1, last_vector(%rip)
.endm

.macro EXPECT_EXC_END vector, failno
	cmpq $1, exc_count(%rip)
	jne 9001f
	cmpq $\vector, last_vector(%rip)
	je 9002f
9001:	FAIL \failno
9002:
.endm

	.section .text.lib, "ax"
putc:
	push %rdx
	push %rax
	mov $COM1_LSR, %dx
1:	in %dx, %al
	test $0x20, %al
	jz 1b
	pop %rax
	mov $COM1, %dx
	out %al, %dx
	pop %rdx
	ret

puts:
	push %rax
	push %rsi
1:	lodsb
	test %al, %al
	jz 2f
	call putc
	jmp 1b
2:	pop %rsi
	pop %rax
	ret

puthex:
	push %rax
	push %rcx
	push %rdx
	mov %rax, %rdx
	mov $16, %ecx
1:	rol $4, %rdx
	mov %edx, %eax
	and $0xf, %eax
	add $'0', %eax
	cmp $'9', %eax
	jbe 2f
	add $('a' - '9' - 1), %eax
2:	call putc
	dec %ecx
	jnz 1b
	pop %rdx
	pop %rcx
	pop %rax
	ret

exit:
	out %eax, $EXIT_PORT
	cli
1:	hlt
	jmp 1b

fail:
	push %rax
	lea fail_msg(%rip), %rsi
	call puts
	pop %rax
	push %rax
	call puthex
	mov $'\n', %al
	call putc
	pop %rax
	jmp exit

fail_msg:
	.asciz "FAIL "

/* The IDT: 256 interrupt gates to 16-byte stubs. */
idt_init:
	push %rax
	push %rcx
	push %rdx
	push %rdi
	IDT_FILL
	pop %rdi
	pop %rdx
	pop %rcx
	pop %rax
	ret

/* Stack on entry: vector, error code (0 if none), RIP, CS, RFLAGS, RSP, SS */
common_handler:
	push %rax
	mov 8(%rsp), %rax
	mov %rax, last_vector(%rip)
	mov 16(%rsp), %rax
	mov %rax, last_error(%rip)
	incq exc_count(%rip)
	cmpq $32, last_vector(%rip)
	jae 1f
	mov skip_len(%rip), %rax
	add %rax, 24(%rsp)
1:	pop %rax
	add $16, %rsp
	iretq

	IDT_STUBS common_handler

	.balign 8
skip_len:	.quad 0
exc_count:	.quad 0
last_vector:	.quad -1
last_error:	.quad 0
idt_desc:
	.word 256 * 16 - 1
	.quad idt
	.balign 16
idt:
	.fill 256 * 16, 1, 0

	.text
