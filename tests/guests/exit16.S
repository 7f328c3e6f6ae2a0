/* SPDX-License-Identifier: GPL-2.0 */
/* exit16: a 2-byte write of 0x1234 to port 0xf4. Expect: exit code 0x1234. */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	mov $0x1234, %ax
	mov $EXIT_PORT, %dx
	outw %ax, %dx
	FAIL 1
