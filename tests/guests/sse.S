/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sse: the guest's SSE and x87 state survive exits, in-kernel ones
 * (COM1) and ones that go to userspace (an unclaimed port in VMM mode),
 * while the host uses its own FPU in between. Expect: "sse ok", exit
 * code 0; FAIL n otherwise:
 *   1 XMM0 changed   2 XMM15 changed   3 MXCSR changed   4 x87 changed
 */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	movdqu pat0(%rip), %xmm0
	movdqu pat1(%rip), %xmm15
	ldmxcsr mxcsr_val(%rip)
	fninit
	fldpi
	mov $50, %ecx
1:	mov $'.', %al
	call putc
	in $0x80, %al			/* unclaimed: userspace in VMM mode */
	dec %ecx
	jnz 1b
	mov $'\n', %al
	call putc

	movdqu %xmm0, buf(%rip)
	mov buf(%rip), %rax
	cmp pat0(%rip), %rax
	jne 2f
	mov buf+8(%rip), %rax
	cmp pat0+8(%rip), %rax
	je 1f
2:	FAIL 1
1:	movdqu %xmm15, buf(%rip)
	mov buf(%rip), %rax
	cmp pat1(%rip), %rax
	jne 2f
	mov buf+8(%rip), %rax
	cmp pat1+8(%rip), %rax
	je 1f
2:	FAIL 2
1:	stmxcsr buf(%rip)
	mov buf(%rip), %eax
	cmp mxcsr_val(%rip), %eax
	je 1f
	FAIL 3
1:	fldpi
	fcomip %st(1), %st
	je 1f
	FAIL 4
1:	lea ok(%rip), %rsi
	call puts
	xor %eax, %eax
	jmp exit

	.balign 16
pat0:	.quad 0x0123456789abcdef, 0xfedcba9876543210
pat1:	.quad 0xa5a5a5a55a5a5a5a, 0x1122334455667788
mxcsr_val: .long 0x7f80			/* default masks, round toward zero */
	.balign 16
buf:	.quad 0, 0
ok:	.asciz "sse ok\n"
