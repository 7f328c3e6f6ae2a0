/* SPDX-License-Identifier: GPL-2.0 */
/* exit8: a 1-byte write of 0x2a to port 0xf4. Expect: exit code 42. */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	mov $0x2a, %al
	outb %al, $EXIT_PORT
	FAIL 1
