/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmmcall: VMMCALL in a loop with RAX = 12 (KVM_HC_MAP_GPA_RANGE) and
 * RBX = 0 (gpa), RCX = 1 (pages), RDX = 0 (attributes). axvm (VMM mode)
 * exits to userspace with HYPERCALL nr 12 whatever the number. KVM
 * answers -KVM_ENOSYS (-1000) in RAX from the kernel, unless the VMM
 * enabled KVM_CAP_EXIT_HYPERCALL for this number: then it exits to
 * userspace too (KVM_EXIT_HYPERCALL). The last RAX goes to PORT_DONE.
 */
#include "bench.h"
	BENCH_MAIN
work:
	mov $12, %eax
	xor %ebx, %ebx
	mov $1, %ecx
	xor %edx, %edx
	vmmcall
	dec %r15
	jnz work
	ret
