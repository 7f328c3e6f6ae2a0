/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmio: every MMIO form the decoder claims (arch/x86/decode.h), against
 * 0x70000000, which no RAM and no device claims. Reads there return all
 * ones (axvmctl and managed mode do that; an API test must answer every
 * read with all ones too); the guest checks how each value lands in its
 * register. Writes go out in this order, for the VMM to check
 * (GPA, length, value); X = 0x1122334455667788:
 *    1 0x70000100 1 0x5a                C6 /0 ib
 *    2 0x70000108 2 0x1234              66 C7 /0 iw
 *    3 0x70000110 4 0x12345678          C7 /0 id
 *    4 0x70000118 8 0xfffffffffffffffe  REX.W C7 /0 id (sign-extended)
 *    5 0x70000120 1 0x88                88 /r, DL
 *    6 0x70000128 1 0x77                88 /r, DH
 *    7 0x70000130 2 0x7788              66 REX 89 /r, R12W
 *    8 0x70000138 4 0x55667788          REX 89 /r, R13D
 *    9 0x70000140 8 X                   REX.W 89 /r, R14
 *   10 0x70000148 1 0x88                A2 moffs64, AL
 *   11 0x70000150 8 X                   REX.W A3 moffs64, RAX
 *   12 0x70000158 4 0x55667788          89 /r, SIB base + index * 8
 *   13 0x70000160 4 0x55667788          89 /r, RIP-relative
 *   14 0x70000168 8 0x7fffffff          REX.W C7 /0 id
 * Expect: "mmio ok", exit code 0; FAIL n for the n-th read below.
 */

#include "lib.S"
	.code64
	.globl _start

#define MMIO	0x70000000
#define X	0x1122334455667788
/* mmio_rip_read = MMIO + 0x80, mmio_rip_write = MMIO + 0x160: see Makefile */

/* READ n, expected, insn...: preset the target with X, read, compare. */
.macro CHECK reg, n, expected
	movabs $\expected, %r15
	cmp %r15, \reg
	je 9003f
	FAIL \n
9003:
.endm

_start:
	GUEST_ENTRY
	mov $MMIO, %ebx
	movabs $X, %rbp

	mov %rbp, %rax
	mov (%rbx), %al				/* 8A, [base] */
	CHECK %rax, 1, 0x11223344556677ff
	mov %rbp, %rax
	mov 0x08(%rbx), %ax			/* 66 8B, disp8 */
	CHECK %rax, 2, 0x112233445566ffff
	mov %rbp, %rax
	mov 0x10(%rbx), %eax			/* 8B: zero-extends */
	CHECK %rax, 3, 0xffffffff
	mov %rbp, %rax
	mov 0x18(%rbx), %rax			/* REX.W 8B */
	CHECK %rax, 4, 0xffffffffffffffff
	mov %rbp, %rcx
	mov 0x20(%rbx), %ch			/* 8A, high byte */
	CHECK %rcx, 5, 0x112233445566ff88
	mov %rbp, %r9
	mov 0x28(%rbx), %r9d			/* REX.R 8B */
	CHECK %r9, 6, 0xffffffff
	mov %rbp, %r10
	mov 0x30(%rbx), %r10w			/* 66 REX.R 8B */
	CHECK %r10, 7, 0x112233445566ffff
	mov %rbp, %r11
	mov 0x38(%rbx), %r11b			/* REX.R 8A */
	CHECK %r11, 8, 0x11223344556677ff
	mov %rbp, %rax
	movzbl 0x40(%rbx), %eax			/* 0F B6 */
	CHECK %rax, 9, 0xff
	mov %rbp, %rax
	movzwq 0x48(%rbx), %rax			/* REX.W 0F B7 */
	CHECK %rax, 10, 0xffff
	mov %rbp, %rax
	movsbl 0x50(%rbx), %eax			/* 0F BE */
	CHECK %rax, 11, 0xffffffff
	mov %rbp, %rax
	movsbq 0x58(%rbx), %rax			/* REX.W 0F BE */
	CHECK %rax, 12, 0xffffffffffffffff
	mov %rbp, %rdx
	movswl 0x60(%rbx), %edx			/* 0F BF */
	CHECK %rdx, 13, 0xffffffff
	mov %rbp, %r12
	movswq 0x68(%rbx), %r12			/* REX.WR 0F BF */
	CHECK %r12, 14, 0xffffffffffffffff
	mov $(0x70 / 8), %esi
	mov %rbp, %rax
	mov (%rbx,%rsi,8), %eax			/* SIB */
	CHECK %rax, 15, 0xffffffff
	mov %rbp, %rax
	mov 0x1000(%rbx), %eax			/* disp32 */
	CHECK %rax, 16, 0xffffffff
	mov %rbp, %rax
	mov MMIO + 0x78, %eax			/* SIB, no base, disp32 */
	CHECK %rax, 17, 0xffffffff
	mov %rbp, %rax
	mov mmio_rip_read(%rip), %eax		/* RIP-relative */
	CHECK %rax, 18, 0xffffffff
	mov %rbp, %rax
	movabs MMIO + 0x88, %al			/* A0 moffs64 */
	CHECK %rax, 19, 0x11223344556677ff
	mov %rbp, %rax
	movabs MMIO + 0x90, %rax		/* REX.W A1 */
	CHECK %rax, 20, 0xffffffffffffffff
	mov %rbp, %rax
	mov 0x98(%ebx), %eax			/* 67: 32-bit address */
	CHECK %rax, 21, 0xffffffff
	mov %rbp, %rax
	mov %fs:0xa0(%rbx), %eax		/* segment override, base 0 */
	CHECK %rax, 22, 0xffffffff

	/* The writes, in the order of the table above. */
	movb $0x5a, 0x100(%rbx)
	movw $0x1234, 0x108(%rbx)
	movl $0x12345678, 0x110(%rbx)
	movq $-2, 0x118(%rbx)
	mov %rbp, %rdx
	mov %dl, 0x120(%rbx)
	mov %dh, 0x128(%rbx)
	mov %rbp, %r12
	mov %rbp, %r13
	mov %rbp, %r14
	mov %r12w, 0x130(%rbx)
	mov %r13d, 0x138(%rbx)
	mov %r14, 0x140(%rbx)
	mov %rbp, %rax
	movabs %al, MMIO + 0x148
	movabs %rax, MMIO + 0x150
	mov $(0x158 / 8), %esi
	mov %eax, (%rbx,%rsi,8)
	mov %eax, mmio_rip_write(%rip)
	movq $0x7fffffff, 0x168(%rbx)

	lea ok(%rip), %rsi
	call puts
	xor %eax, %eax
	jmp exit

ok:	.asciz "mmio ok\n"
