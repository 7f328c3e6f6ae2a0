/* SPDX-License-Identifier: GPL-2.0 */
/* cpuid: CPUID leaf 0 in a loop; both KVM and axvm emulate it in the kernel. */
#include "bench.h"
	BENCH_MAIN
work:
	xor %eax, %eax
	cpuid
	dec %r15
	jnz work
	ret
