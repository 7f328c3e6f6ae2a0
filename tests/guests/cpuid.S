/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpuid: the CPUID policy of DESIGN.md §4, checked from inside.
 * Expect: "cpuid ok" on COM1 and exit code 0; FAIL n otherwise:
 *   1 leaf 1 ECX bit 31 (hypervisor) clear    2 leaf 1 ECX VMX set
 *   3 0x80000001 ECX SVM set                   4 0x40000000 EAX != 0x40000001
 *   5 0x40000000 signature != "AxVMAxVMAxVM"   6 leaf 1 EBX[31:24] != 0
 *   7 leaf 1 ECX MONITOR set                   8 leaf 0x8000000a not zero
 *   9 OSXSAVE set while CR4.OSXSAVE is clear  10 OSXSAVE clear after setting it
 */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	bt $31, %ecx
	jc 1f
	FAIL 1
1:	bt $5, %ecx
	jnc 1f
	FAIL 2
1:	bt $3, %ecx
	jnc 1f
	FAIL 7
1:	shr $24, %ebx
	jz 1f
	FAIL 6
1:	bt $27, %ecx
	jnc 1f
	FAIL 9
1:	mov $0x80000001, %eax
	xor %ecx, %ecx
	cpuid
	bt $2, %ecx
	jnc 1f
	FAIL 3
1:	mov $0x40000000, %eax
	cpuid
	cmp $0x40000001, %eax
	je 1f
	FAIL 4
1:	cmp $0x4d567841, %ebx
	jne 2f
	cmp $0x4d567841, %ecx
	jne 2f
	cmp $0x4d567841, %edx
	je 1f
2:	FAIL 5
1:	mov $0x8000000a, %eax
	xor %ecx, %ecx
	cpuid
	or %ebx, %eax
	or %edx, %eax
	jz 1f
	FAIL 8
1:	/* With XSAVE, OSXSAVE must follow CR4.OSXSAVE. */
	mov $1, %eax
	cpuid
	bt $26, %ecx
	jnc 2f
	mov %cr4, %rax
	or $(1 << 18), %rax
	mov %rax, %cr4
	mov $1, %eax
	cpuid
	bt $27, %ecx
	jc 2f
	FAIL 10
2:	lea ok(%rip), %rsi
	call puts
	xor %eax, %eax
	jmp exit

ok:	.asciz "cpuid ok\n"
