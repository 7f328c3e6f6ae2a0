/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svm_ud: the guest has no SVM of its own and no host-only instructions:
 * each of these raises #UD, caught by the IDT. Expect: "svm_ud ok", exit
 * code 0; FAIL n for the n-th instruction that did not:
 *   1 VMRUN  2 VMLOAD  3 VMSAVE  4 CLGI  5 STGI  6 SKINIT  7 INVLPGA
 *   8 MONITOR  9 MWAIT  10 RDPMC  11 RDPRU
 */

#include "lib.S"
	.code64
	.globl _start

.macro MUST_UD n, len, bytes:vararg
	EXPECT_EXC_BEGIN \len
	.byte \bytes
	EXPECT_EXC_END 6, \n
.endm

_start:
	GUEST_ENTRY
	call idt_init
	xor %eax, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	MUST_UD 1, 3, 0x0f, 0x01, 0xd8		/* vmrun */
	MUST_UD 2, 3, 0x0f, 0x01, 0xda		/* vmload */
	MUST_UD 3, 3, 0x0f, 0x01, 0xdb		/* vmsave */
	MUST_UD 4, 3, 0x0f, 0x01, 0xdd		/* clgi */
	MUST_UD 5, 3, 0x0f, 0x01, 0xdc		/* stgi */
	MUST_UD 6, 3, 0x0f, 0x01, 0xde		/* skinit */
	MUST_UD 7, 3, 0x0f, 0x01, 0xdf		/* invlpga */
	lea _start(%rip), %rax
	MUST_UD 8, 3, 0x0f, 0x01, 0xc8		/* monitor */
	xor %eax, %eax
	MUST_UD 9, 3, 0x0f, 0x01, 0xc9		/* mwait */
	MUST_UD 10, 2, 0x0f, 0x33		/* rdpmc */
	MUST_UD 11, 3, 0x0f, 0x01, 0xfd		/* rdpru */
	lea ok(%rip), %rsi
	call puts
	xor %eax, %eax
	jmp exit

ok:	.asciz "svm_ud ok\n"
