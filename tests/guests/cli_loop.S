/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli_loop: prints "looping", then spins with interrupts off forever.
 * The host must stay responsive and be able to stop the VM (timeout,
 * STOP, a signal). Expect: no exit of its own.
 */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	lea msg(%rip), %rsi
	call puts
	cli
1:	jmp 1b

msg:	.asciz "looping\n"
