/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hello: prints "Hello from axvm guest\n" on COM1, then writes 0 to port
 * 0xf4 (one byte). Expect: that console output, exit code 0.
 */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	lea msg(%rip), %rsi
	call puts
	xor %eax, %eax
	outb %al, $EXIT_PORT
	cli
1:	hlt
	jmp 1b

msg:
	.asciz "Hello from axvm guest\n"
