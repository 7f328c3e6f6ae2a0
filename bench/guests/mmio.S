/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmio: a 4-byte store to MMIO_ADDR, which no RAM and no device claims,
 * in a loop. Both sides take a nested page fault, fetch and decode the
 * instruction, and exit to userspace with the store.
 */
#include "bench.h"
	BENCH_MAIN
work:
	mov $MMIO_ADDR, %ebx
	mov $0x12345678, %eax
1:	movl %eax, (%rbx)
	dec %r15
	jnz 1b
	ret
