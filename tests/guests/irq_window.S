/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irq_window: an IRQ injected before the first RUN must wait while the
 * guest runs with interrupts off (it does port I/O meanwhile, so there
 * are exits), then arrive right after STI. Expect: exit code 0x20 +
 * line; FAIL n otherwise:
 *   1 delivered while IF = 0   2 not delivered after STI   3 an exception
 */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	call idt_init
	mov $20, %ecx
1:	mov $'.', %al
	call putc
	dec %ecx
	jnz 1b
	mov $'\n', %al
	call putc
	cmpq $0, exc_count(%rip)
	je 1f
	FAIL 1
1:	sti
	nop
	nop
	cli
	cmpq $1, exc_count(%rip)
	je 1f
	FAIL 2
1:	mov last_vector(%rip), %rax
	cmp $32, %rax
	jae 1f
	FAIL 3
1:	jmp exit
