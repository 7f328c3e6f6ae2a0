/* SPDX-License-Identifier: GPL-2.0 */
/*
 * beyond_ram: reads at 3 GiB, where nothing is (the VM has less RAM and
 * no device there), return all ones at every width; a write there is
 * dropped. Expect: exit code 0; FAIL n otherwise:
 *   1 byte  2 word  3 dword (and the upper half zeroed)  4 qword
 *   5 a write stuck
 */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	mov $0xc0000000, %ebx
	xor %eax, %eax
	mov (%rbx), %al
	cmp $0xff, %rax
	je 1f
	FAIL 1
1:	xor %eax, %eax
	mov 2(%rbx), %ax
	cmp $0xffff, %rax
	je 1f
	FAIL 2
1:	mov $-1, %rax
	mov 4(%rbx), %eax
	mov $0xffffffff, %ecx
	cmp %rcx, %rax
	je 1f
	FAIL 3
1:	xor %eax, %eax
	mov 8(%rbx), %rax
	cmp $-1, %rax
	je 1f
	FAIL 4
1:	movl $0, 16(%rbx)
	mov 16(%rbx), %eax
	cmp $0xffffffff, %eax
	je 1f
	FAIL 5
1:	xor %eax, %eax
	jmp exit
