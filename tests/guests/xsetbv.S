/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsetbv: XCR0 is checked against what the host allows. Bad values
 * raise #GP; good ones stick. Without XSAVE in CPUID: "xsetbv skipped",
 * exit 0. Expect: "xsetbv ok", exit code 0; FAIL n otherwise:
 *   1 XCR0 is not 1 at reset         2 XCR0 = 0 accepted
 *   3 YMM without SSE accepted        4 bit 62 accepted
 *   5 XCR1 (ECX = 1) accepted         6 XCR0 = 3 refused
 *   7 XCR0 does not read back 3       8 XCR0 = 7 refused (AVX in CPUID)
 *   9 an AVX instruction faulted with XCR0 = 7
 */

#include "lib.S"
	.code64
	.globl _start

.macro XSETBV_GP n, ecx, edx, eax
	EXPECT_EXC_BEGIN 3
	mov $\ecx, %ecx
	mov $\edx, %edx
	mov $\eax, %eax
	xsetbv
	EXPECT_EXC_END 13, \n
.endm

_start:
	GUEST_ENTRY
	call idt_init
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	mov %ecx, %ebx			/* keep leaf 1 ECX */
	bt $26, %ecx
	jc 1f
	lea skipped(%rip), %rsi
	call puts
	xor %eax, %eax
	jmp exit

1:	mov %cr4, %rax
	or $(1 << 18), %rax		/* OSXSAVE */
	mov %rax, %cr4
	xor %ecx, %ecx
	xgetbv
	cmp $1, %eax
	jne 2f
	test %edx, %edx
	jz 1f
2:	FAIL 1
1:	XSETBV_GP 2, 0, 0, 0
	XSETBV_GP 3, 0, 0, 5
	XSETBV_GP 4, 0, 0x40000000, 1
	XSETBV_GP 5, 1, 0, 3

	movq $0, exc_count(%rip)
	xor %ecx, %ecx
	xor %edx, %edx
	mov $3, %eax
	xsetbv
	cmpq $0, exc_count(%rip)
	je 1f
	FAIL 6
1:	xgetbv
	cmp $3, %eax
	je 1f
	FAIL 7

1:	bt $28, %ebx			/* AVX */
	jnc 2f
	xor %ecx, %ecx
	xor %edx, %edx
	mov $7, %eax
	xsetbv
	cmpq $0, exc_count(%rip)
	je 1f
	FAIL 8
1:	movq $4, skip_len(%rip)
	vxorps %ymm1, %ymm1, %ymm1
	cmpq $0, exc_count(%rip)
	je 2f
	FAIL 9

2:	lea ok(%rip), %rsi
	call puts
	xor %eax, %eax
	jmp exit

ok:	.asciz "xsetbv ok\n"
skipped: .asciz "xsetbv skipped: no XSAVE\n"
