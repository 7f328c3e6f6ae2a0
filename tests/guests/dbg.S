/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dbg: debug registers and #DB. DR0-3 are the guest's own (the first
 * access switches them in), a data breakpoint and single-stepping raise
 * #DB in the guest (intercepted and reflected), DR6 says why.
 * Expect: "dbg ok", exit code 0; FAIL n otherwise:
 *   1 DR0 does not read back    2 DR3 does not read back
 *   3 no #DB on a watched write  4 DR6.B0 clear after it
 *   5 no #DB after a single step 6 DR6.BS clear after it
 *   7 DR0 lost across exits
 */
	.code64
	.globl _start

#include "lib.S"

_start:
	GUEST_ENTRY
	call idt_init
	mov $0x1234000, %rax
	mov %rax, %dr0
	mov $0x5678000, %rax
	mov %rax, %dr3
	mov %dr0, %rax
	cmp $0x1234000, %rax
	je 1f
	FAIL 1
1:	mov %dr3, %rax
	cmp $0x5678000, %rax
	je 1f
	FAIL 2
1:	mov $'.', %al			/* a few exits */
	call putc
	call putc
	mov %dr0, %rax
	cmp $0x1234000, %rax
	je 1f
	FAIL 7

1:	/* A write watchpoint on "watched": DR7 L0, R/W0 = 01, LEN0 = 11. */
	lea watched(%rip), %rax
	mov %rax, %dr0
	xor %eax, %eax
	mov %rax, %dr6
	mov $0x000d0001, %eax
	mov %rax, %dr7
	movq $0, exc_count(%rip)
	movq $0, skip_len(%rip)		/* a trap: RIP is already past */
	movl $1, watched(%rip)
	nop
	xor %eax, %eax
	mov %rax, %dr7
	cmpq $1, exc_count(%rip)
	jne 2f
	cmpq $1, last_vector(%rip)
	je 1f
2:	FAIL 3
1:	mov %dr6, %rax
	test $1, %al
	jnz 1f
	FAIL 4

1:	/* Single step: TF set by POPF traps after the next instruction. */
	xor %eax, %eax
	mov %rax, %dr6
	movq $0, exc_count(%rip)
	pushfq
	orq $0x100, (%rsp)
	popfq
	nop				/* #DB after this one */
	pushfq
	andq $~0x100, (%rsp)
	popfq
	cmpq $1, exc_count(%rip)
	jb 2f
	cmpq $1, last_vector(%rip)
	je 1f
2:	FAIL 5
1:	mov %dr6, %rax
	bt $14, %rax
	jc 1f
	FAIL 6
1:	lea ok(%rip), %rsi
	call puts
	xor %eax, %eax
	jmp exit

	.balign 8
watched: .quad 0
ok:	.asciz "dbg ok\n"
