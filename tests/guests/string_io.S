/* SPDX-License-Identifier: GPL-2.0 */
/*
 * string_io: INS and OUTS, with and without REP, one element per exit.
 * Prints "string io\n" with one REP OUTSB, reads an unclaimed port (all
 * ones) with REP INSB and with INSW backwards (DF = 1), reads COM1's LSR
 * with INSB, and exits with OUTSL of a zero dword to port 0xf4.
 * Expect: that console line, exit code 0; FAIL n otherwise:
 *   1 REP INSB: bytes not all ones   2 REP INSB: RDI/RCX not advanced
 *   3 INSW with DF: RDI not moved back or the word not all ones
 *   4 INSB of LSR: THRE clear        5 REP with RCX = 0 did something
 */
	.code64
	.globl _start

#include "lib.S"

_start:
	GUEST_ENTRY
	lea msg(%rip), %rsi
	mov $(msg_end - msg), %ecx
	mov $COM1, %dx
	rep outsb

	lea buf(%rip), %rdi
	mov $4, %ecx
	mov $0x80, %dx
	rep insb
	cmpl $0xffffffff, buf(%rip)
	je 1f
	FAIL 1
1:	lea buf+4(%rip), %rax
	cmp %rax, %rdi
	jne 2f
	test %rcx, %rcx
	jz 1f
2:	FAIL 2

1:	movl $0, buf(%rip)
	lea buf+2(%rip), %rdi
	std
	insw
	cld
	lea buf(%rip), %rax
	cmp %rax, %rdi
	jne 2f
	cmpw $0xffff, buf+2(%rip)
	je 1f
2:	FAIL 3

1:	movb $0, buf(%rip)
	lea buf(%rip), %rdi
	mov $COM1_LSR, %dx
	insb
	testb $0x20, buf(%rip)
	jnz 1f
	FAIL 4

1:	lea buf(%rip), %rdi
	xor %ecx, %ecx
	mov $0x80, %dx
	movb $0x5a, buf(%rip)
	rep insb
	cmpb $0x5a, buf(%rip)
	jne 2f
	lea buf(%rip), %rax
	cmp %rax, %rdi
	je 1f
2:	FAIL 5

1:	lea zero(%rip), %rsi
	mov $EXIT_PORT, %dx
	outsl
	FAIL 6

msg:	.ascii "string io\n"
msg_end:
	.balign 8
buf:	.quad 0
zero:	.long 0
