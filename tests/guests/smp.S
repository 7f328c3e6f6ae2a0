/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smp: every vCPU starts here (DESIGN.md §4) and tells itself apart by
 * CPUID.1:EBX[31:24]. vCPU 0 asks the host how many vCPUs there are (a
 * hypercall, nr 1: the VMM answers N), waits until the N - 1 others
 * have checked in (each with its own stack), and exits with the number
 * that did plus one. The others park in HLT with interrupts off.
 * Expect: exit code N; FAIL n otherwise:
 *   1 two vCPUs share an APIC ID   2 vCPU 0 saw more check-ins than N - 1
 */
	.code64
	.globl _start

#include "lib.S"

_start:
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	shr $24, %ebx			/* the vCPU id */
	mov %ebx, %eax
	shl $12, %eax
	mov $STACK_TOP, %esp
	sub %rax, %rsp			/* 4 KiB of stack per vCPU */
	test %ebx, %ebx
	jz boss
	lock bts %rbx, seen(%rip)	/* one bit per id: no duplicates */
	jnc 1f
	FAIL 1
1:	lock incq checked_in(%rip)
	cli
2:	hlt
	jmp 2b

boss:
	mov $1, %eax
	vmmcall				/* RAX = N */
	mov %rax, %rbx
	dec %rbx
1:	pause
	mov checked_in(%rip), %rax
	cmp %rbx, %rax
	jb 1b
	je 1f
	FAIL 2
1:	popcnt seen(%rip), %rcx
	cmp %rbx, %rcx
	je 1f
	FAIL 1
1:	lea 1(%rbx), %rax
	jmp exit

	.balign 8
checked_in:	.quad 0
seen:		.quad 0
