/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msr: the MSR allowlist. Allowed MSRs work, others raise #GP, caught
 * by the IDT. Expect: "msr ok", exit code 0; FAIL n otherwise:
 *   1 EFER is not LME|LMA or shows SVME    2 STAR does not read back
 *   3 VM_CR readable (no #GP)               4 EFER.SVME writable (no #GP)
 *   5 invalid PAT accepted                  6 valid PAT not read back
 *   7 RDTSCP's ECX != TSC_AUX               8 TSC read raised #GP
 *   9 SPEC_CTRL readable                   10 APIC_BASE != 0xfee00900
 *  11 MSR 0x40000000 readable              12 EFER changed by the bad write
 *  13 MTRRcap not 0                       14 RDPID != TSC_AUX (if in CPUID)
 *  15 a K7 event select or counter #GPs, or a counter reads non-zero
 *     after a write (no virtual PMU: they read 0, writes are ignored)
 */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	call idt_init

	mov $0xc0000080, %ecx		/* EFER */
	rdmsr
	and $0x1500, %eax
	cmp $0x500, %eax
	je 1f
	FAIL 1
1:	mov $0xc0000081, %ecx		/* STAR: passed through */
	mov $0x00100008, %edx
	xor %eax, %eax
	wrmsr
	xor %edx, %edx
	rdmsr
	cmp $0x00100008, %edx
	je 1f
	FAIL 2
1:	EXPECT_EXC_BEGIN 2
	mov $0xc0010114, %ecx		/* VM_CR */
	rdmsr
	EXPECT_EXC_END 13, 3

	mov $0xc0000080, %ecx
	rdmsr
	mov %eax, %ebx
	EXPECT_EXC_BEGIN 2
	or $0x1000, %eax		/* SVME */
	wrmsr
	EXPECT_EXC_END 13, 4
	rdmsr
	cmp %eax, %ebx
	je 1f
	FAIL 12

1:	mov $0x277, %ecx		/* PAT */
	EXPECT_EXC_BEGIN 2
	mov $0x02, %eax
	xor %edx, %edx
	wrmsr
	EXPECT_EXC_END 13, 5
	movq $0, exc_count(%rip)
	mov $0x00070406, %eax
	mov $0x00070106, %edx
	wrmsr
	xor %eax, %eax
	xor %edx, %edx
	rdmsr
	cmpq $0, exc_count(%rip)
	jne 2f
	cmp $0x00070406, %eax
	jne 2f
	cmp $0x00070106, %edx
	je 1f
2:	FAIL 6

1:	mov $0xc0000103, %ecx		/* TSC_AUX */
	mov $0x55, %eax
	xor %edx, %edx
	wrmsr
	xor %ecx, %ecx
	rdtscp
	cmp $0x55, %ecx
	je 1f
	FAIL 7
1:	mov $7, %eax
	xor %ecx, %ecx
	cpuid
	bt $22, %ecx			/* RDPID */
	jnc 1f
	xor %eax, %eax
	rdpid %rax
	cmp $0x55, %rax
	je 1f
	FAIL 14

1:	movq $0, exc_count(%rip)
	movq $2, skip_len(%rip)
	mov $0x10, %ecx			/* TSC */
	rdmsr
	cmpq $0, exc_count(%rip)
	je 1f
	FAIL 8

1:	EXPECT_EXC_BEGIN 2
	mov $0x48, %ecx			/* SPEC_CTRL */
	rdmsr
	EXPECT_EXC_END 13, 9

	mov $0x1b, %ecx			/* APIC_BASE */
	rdmsr
	cmp $0xfee00900, %eax
	jne 2f
	test %edx, %edx
	jz 1f
2:	FAIL 10

1:	EXPECT_EXC_BEGIN 2
	mov $0x40000000, %ecx
	rdmsr
	EXPECT_EXC_END 13, 11

	movq $0, exc_count(%rip)
	mov $0xfe, %ecx			/* MTRRcap */
	rdmsr
	or %edx, %eax
	jnz 2f
	cmpq $0, exc_count(%rip)
	je 1f
2:	FAIL 13

1:	movq $0, exc_count(%rip)
	mov $0xc0010000, %ecx		/* K7 EVNTSEL0 */
	mov $0x430076, %eax
	xor %edx, %edx
	wrmsr
	mov $0xc0010007, %ecx		/* K7 PERFCTR3 */
	mov $0x1234, %eax
	wrmsr
	rdmsr
	or %edx, %eax
	jnz 2f
	cmpq $0, exc_count(%rip)
	je 1f
2:	FAIL 15

1:	lea ok(%rip), %rsi
	call puts
	xor %eax, %eax
	jmp exit

ok:	.asciz "msr ok\n"
