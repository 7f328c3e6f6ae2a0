/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hypercall: VMMCALL with RAX = 0xabcd and RBX, RCX, RDX, RSI, RDI, R8 =
 * 1..6 (the hypercall exit shows them); the result comes back in RAX
 * and the guest exits with its low 32 bits (managed mode: -ENOSYS,
 * 0xffffffda). Prints "hypercall". FAIL n:
 *   1 an argument register or R9 changed across the call
 */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	lea msg(%rip), %rsi
	call puts
	mov $0xabcd, %eax
	mov $1, %ebx
	mov $2, %ecx
	mov $3, %edx
	mov $4, %esi
	mov $5, %edi
	mov $6, %r8d
	mov $0x99, %r9d
	vmmcall
	cmp $1, %rbx
	jne 2f
	cmp $2, %rcx
	jne 2f
	cmp $3, %rdx
	jne 2f
	cmp $4, %rsi
	jne 2f
	cmp $5, %rdi
	jne 2f
	cmp $6, %r8
	jne 2f
	cmp $0x99, %r9
	je 1f
2:	FAIL 1
1:	jmp exit

msg:	.asciz "hypercall\n"
