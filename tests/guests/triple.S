/* SPDX-License-Identifier: GPL-2.0 */
/*
 * triple: an empty IDT, then UD2: #UD cannot be delivered, nor #DF, so
 * the CPU shuts down. Expect: the VM stops with reason shutdown (axvmctl
 * status 126); never an exit code.
 */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	lidt empty_idt(%rip)
	ud2
	FAIL 1

empty_idt:
	.word 0
	.quad 0
