/* SPDX-License-Identifier: GPL-2.0 */
/*
 * first: an OUT to PORT_FIRST (0x80, claimed by no device on either
 * side) is the very first instruction, so the VMM sees the guest start.
 * Then the same again forever: run-immediate never re-enters it, and
 * the idle VMs of idle-vm-kmem are never run again.
 */
	.code64
	.text
	.globl _start
_start:
	outb %al, $0x80
	jmp _start
