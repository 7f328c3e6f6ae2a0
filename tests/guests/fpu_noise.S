/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fpu_noise: the guest's XMM registers and MXCSR stay its own while the
 * host does SIMD work in interrupt context (tests/fpu_noise: every
 * jiffy in a softirq, every 4 ms in a hardirq, on every CPU). It loads
 * xmm0-15 and MXCSR, then spins LOOPS times with no exit of its own,
 * re-checking every register on every iteration: the host's timer
 * interrupts stop it many times meanwhile. Not in guests.tsv: it means
 * something only with the noise module loaded (fpu_noise_test.sh).
 * Expect: "fpu_noise ok", exit code 0; otherwise "fpu_noise: xmmN
 * HIGH:LOW after I" (the noise module writes 0xbadf00d0_RRCC_000Q) and
 *   0x10 + N  xmmN changed   0x20 MXCSR changed
 */

#include "lib.S"

#define LOOPS	300000		/* about 5 s of TCG, 1000+ timer exits */

/* Register \i against its pattern; on a mismatch %ebx = \i. */
.macro CHECK i
	movdqa %xmm\i, buf(%rip)
	mov $\i, %ebx
	mov buf(%rip), %rax
	cmp pat+16*\i(%rip), %rax
	jne bad
	mov buf+8(%rip), %rax
	cmp pat+16*\i+8(%rip), %rax
	jne bad
.endm

	.code64
	.globl _start
_start:
	GUEST_ENTRY
	mov %cr0, %rax
	and $~(1 << 2), %rax		/* EM off */
	or $(1 << 1), %rax		/* MP */
	mov %rax, %cr0
	mov %cr4, %rax
	or $((1 << 9) | (1 << 10)), %rax	/* OSFXSR, OSXMMEXCPT */
	mov %rax, %cr4
	lea hello(%rip), %rsi
	call puts
	ldmxcsr mxcsr_val(%rip)
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqa pat+16*\i(%rip), %xmm\i
	.endr

	mov $LOOPS, %r12d
1:	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	CHECK \i
	.endr
	stmxcsr buf(%rip)
	mov buf(%rip), %eax
	cmp mxcsr_val(%rip), %eax
	jne bad_mxcsr
	dec %r12d
	jnz 1b

	lea ok(%rip), %rsi
	call puts
	xor %eax, %eax
	jmp exit

bad:	lea xmm_msg(%rip), %rsi
	call puts
	mov %ebx, %eax
	call putdec
	mov $' ', %al
	call putc
	mov buf+8(%rip), %rax
	call puthex
	mov $':', %al
	call putc
	mov buf(%rip), %rax
	call puthex
	call after
	lea 0x10(%rbx), %eax
	jmp exit

bad_mxcsr:
	lea mxcsr_msg(%rip), %rsi
	call puts
	mov buf(%rip), %eax
	call puthex
	call after
	mov $0x20, %eax
	jmp exit

/* " after I\n", I = the iteration (from 0) that found it. */
after:	lea after_msg(%rip), %rsi
	call puts
	mov $LOOPS, %eax
	sub %r12d, %eax
	call putdec
	mov $'\n', %al
	jmp putc

/* %eax in decimal. */
putdec:	push %rax
	push %rcx
	push %rdx
	mov $10, %ecx
	xor %edx, %edx
	div %ecx
	test %eax, %eax
	jz 1f
	call putdec
1:	lea '0'(%rdx), %eax
	call putc
	pop %rdx
	pop %rcx
	pop %rax
	ret

hello:	.asciz "fpu_noise: checking xmm0-15 and MXCSR\n"
ok:	.asciz "fpu_noise ok\n"
xmm_msg: .asciz "fpu_noise: xmm"
mxcsr_msg: .asciz "fpu_noise: MXCSR "
after_msg: .asciz " after "
	.balign 4
mxcsr_val: .long 0x7f80			/* default masks, round toward zero */
	.balign 16
pat:	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.quad 0x6775657374000000 + \i * 0x100, 0x6775657374000001 + \i * 0x100
	.endr
buf:	.quad 0, 0
