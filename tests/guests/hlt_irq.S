/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlt_irq: HLT sleeps until the host injects an IRQ line (AXVM_IRQ_LINE,
 * vector 0x20 + line); the guest takes it and exits with the vector.
 * The host may inject at any time: before STI the interrupt waits.
 * Prints "ready" first. Expect: exit code 0x20 + line; FAIL n otherwise:
 *   1 HLT returned without an interrupt   2 an exception, not an IRQ
 */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	call idt_init
	lea ready(%rip), %rsi
	call puts
	sti
	hlt
	cli
	cmpq $0, exc_count(%rip)
	jne 1f
	FAIL 1
1:	mov last_vector(%rip), %rax
	cmp $32, %rax
	jae 1f
	FAIL 2
1:	jmp exit

ready:	.asciz "ready\n"
