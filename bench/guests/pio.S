/* SPDX-License-Identifier: GPL-2.0 */
/* pio: a 1-byte OUT to PORT_WORK, which no device claims, in a loop. */
#include "bench.h"
	BENCH_MAIN
work:
	mov $PORT_WORK, %dx
1:	out %al, %dx
	dec %r15
	jnz 1b
	ret
