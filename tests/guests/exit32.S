/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exit32: a 4-byte write of 0x12345678 to port 0xf4 (upper RAX bits set,
 * they must not leak). Expect: exit code 0x12345678.
 */

#include "lib.S"
	.code64
	.globl _start
_start:
	GUEST_ENTRY
	mov $0xdeadbeef12345678, %rax
	out %eax, $EXIT_PORT
	FAIL 1
