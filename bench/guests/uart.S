/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uart: write iters bytes to COM1's THR, one OUT each. No LSR polling:
 * axvm's UART is always ready and KVM's VMM is too, so a polling guest
 * would only add one IN exit per byte on both sides.
 */
#include "bench.h"
	BENCH_MAIN
work:
	mov $COM1, %dx
1:	mov %r15d, %eax
	and $0x3f, %eax
	add $0x30, %eax
	out %al, %dx
	dec %r15
	jnz 1b
	ret
