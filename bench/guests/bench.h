/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every benchmark guest shares (included by the C preprocessor).
 * A guest is a flat 64-bit binary loaded at 0x100000 and entered in long
 * mode with the low 4 GiB identity-mapped (DESIGN.md §4; bench/ builds
 * the same state for KVM). Its first 24 bytes are a header the VMM
 * patches before loading:
 *
 *   0x00  jmp over the header
 *   0x08  iters   loop iterations to time
 *   0x10  warmup  iterations run before the start mark
 *
 * Then: warmup iterations, OUT to PORT_START (the VMM starts its clock
 * when that exit reaches it), iters iterations, OUT of EAX to
 * PORT_DONE (the VMM stops its clock), and again from the start mark,
 * so one VM can give several samples. The ports are claimed by no
 * device on either side: both marks exit to userspace.
 *
 * Each guest defines `work`: run the workload %r15 times (%r15 > 0),
 * leaving in %eax what the VMM should see on PORT_DONE.
 */
#define PORT_FIRST	0x80	/* first.S: its very first instruction */
#define PORT_START	0x501
#define PORT_DONE	0x502
#define PORT_WORK	0x510	/* pio.S: a port nobody claims */
#define COM1		0x3f8
#define MMIO_ADDR	0x70000000	/* no RAM, no device */
#define STACK_TOP	0x80000

.macro BENCH_MAIN
	.code64
	.text
	.globl _start
_start:
	jmp 1f
	.balign 8
iters:	.quad 1000
warmup:	.quad 16
1:	mov $STACK_TOP, %rsp
	mov warmup(%rip), %r15
	test %r15, %r15
	jz 2f
	call work
2:	mov $PORT_START, %dx
	out %al, %dx
	mov iters(%rip), %r15
	test %r15, %r15
	jz 3f
	call work
3:	mov $PORT_DONE, %dx
	out %eax, %dx
	jmp 2b
.endm
