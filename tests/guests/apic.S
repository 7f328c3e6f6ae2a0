/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apic: the PC platform's interrupt controllers and SMP bring-up, as an
 * OS uses them (run with the platform and 4 vCPUs). vCPU 0, the BSP,
 * starts here; the APs wait for INIT/SIPI.
 *  1. IA32_APIC_BASE says BSP, enabled, 0xfee00000; the APIC ID and
 *     version registers read 0 and 0x50014.
 *  2. A self IPI (ICR shorthand self) arrives, and not before STI.
 *  3. INIT, SIPI to all but self (NR_APS of them: 3, or 2 and 4 in the
 *     apic2 and apic4 builds): each AP starts in real mode at the
 *     trampoline copied to 0x8000 (vector 8), enters long mode with the
 *     BSP's page tables, enables its APIC and checks in with its APIC ID.
 *  4. Fixed IPIs to each AP by physical ID, one to all by broadcast
 *     (0xff) and one by logical flat destination (each AP sets LDR to
 *     1 << id): every AP counts every one (a round at a time: the same
 *     vector sent again while pending would be one interrupt).
 *  5. An NMI to AP 1 reaches its NMI handler.
 *  6. COM1's THRE interrupt (IRQ 4) through the IOAPIC (pin 4 -> vector
 *     0x34 on the BSP), then through the 8259 (base 0x50, vector 0x54,
 *     ExtINT on the BSP's LINT0 as firmware left it).
 *  7. In VMM mode (axrun -P answers hypercalls 0x100 and 0x101 with
 *     AXVM_SET_GSI and AXVM_SIGNAL_MSI; managed mode answers -ENOSYS and
 *     the step is skipped): GSI 10 asserted, a level entry -> vector
 *     0x3a, delivered once until EOI; an MSI -> vector 0x46; GSI 24 is
 *     refused with -EINVAL.
 * Expect: exit 0 and "apic ok"; FAIL n at step n (10 + n: a timeout).
 */
	.code64
	.globl _start

#include "lib.S"

#define APIC		0xfee00000
#define APIC_ID		0x20
#define APIC_VER	0x30
#define APIC_EOI	0xb0
#define APIC_LDR	0xd0
#define APIC_DFR	0xe0
#define APIC_SVR	0xf0
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define IOAPIC		0xfec00000
#define TRAMP		0x8000
#ifndef NR_APS
#define NR_APS		3	/* the VM has NR_APS + 1 vCPUs */
#endif
/* Logical flat destination of every AP: LDR bit = APIC ID. */
#define AP_MASK		(((1 << (NR_APS + 1)) - 2) << 24)

#define V_SELF		0x40
#define V_AP		0x41
#define V_IOAPIC	0x34
#define V_PIC		0x54
#define V_GSI		0x3a
#define V_MSI		0x46

/* Spin until \mem (a quad) reaches \want, or FAIL \failno. */
.macro WAIT_FOR mem, want, failno
	mov $200000000, %rcx
9001:	cmpq $\want, \mem(%rip)
	jae 9002f
	pause
	dec %rcx
	jnz 9001b
	FAIL \failno
9002:
.endm

_start:
	GUEST_ENTRY
	/* Firmware left the timer on the 8259: an OS masks it first. */
	mov $0xff, %al
	out %al, $0x21
	/* Absolute addresses above 2 GiB need a register in 64-bit code. */
	mov $APIC, %r15d
	mov $IOAPIC, %r14d
	call idt_init
	lea ipi_handler(%rip), %rax
	mov $V_AP, %edi
	call set_gate
	lea nmi_handler(%rip), %rax
	mov $2, %edi
	call set_gate

	/* 1. The BSP's APIC at power-on (as firmware leaves it). */
	mov $0x1b, %ecx
	rdmsr
	cmp $0xfee00900, %eax
	je 1f
	FAIL 1
1:	mov APIC_ID(%r15), %eax		/* MMIO: plain MOVs, as an OS */
	test %eax, %eax
	je 1f
	FAIL 1
1:	mov APIC_VER(%r15), %eax
	cmp $0x50014, %eax
	je 1f
	FAIL 1
1:	movl $0x1ff, APIC_SVR(%r15)

	/* 2. A self IPI waits for STI, then arrives. */
	movq $-1, last_vector(%rip)
	movl $(0x40000 | V_SELF), APIC_ICR_LO(%r15)
	cmpq $-1, last_vector(%rip)
	je 1f
	FAIL 2
1:	sti
	nop
	cli
	cmpq $V_SELF, last_vector(%rip)
	je 1f
	FAIL 2
1:	movl $0, APIC_EOI(%r15)

	/* 3. INIT and SIPI start the APs at the trampoline. */
	lea tramp_start(%rip), %rsi
	mov $TRAMP, %edi
	mov $(tramp_end - tramp_start), %ecx
	rep movsb
	mov %cr3, %rax
	mov %eax, TRAMP + (tramp_cr3 - tramp_start)
	lea gdt(%rip), %rax
	mov %eax, TRAMP + (tramp_gdt_base - tramp_start)
	movl $0, APIC_ICR_HI(%r15)
	movl $0xc4500, APIC_ICR_LO(%r15)	/* INIT, all but self */
	movl $0xc4608, APIC_ICR_LO(%r15)	/* SIPI, vector 8 */
	WAIT_FOR aps_up, NR_APS, 13
	popcnt ap_ids(%rip), %rax
	cmp $NR_APS, %rax
	je 1f
	FAIL 3
1:	testq $1, ap_ids(%rip)			/* no AP claims ID 0 */
	jz 1f
	FAIL 3

	/* 4. Fixed IPIs: physical to each AP, broadcast, logical flat. */
1:	mov $1, %ebx
2:	mov %ebx, %eax
	shl $24, %eax
	mov %eax, APIC_ICR_HI(%r15)
	movl $V_AP, APIC_ICR_LO(%r15)
	inc %ebx
	cmp $NR_APS, %ebx
	jbe 2b
	/* One round at a time: a vector still pending is not sent twice. */
	WAIT_FOR ipis, NR_APS, 14
	movl $0xff000000, APIC_ICR_HI(%r15)
	movl $V_AP, APIC_ICR_LO(%r15)		/* broadcast (includes us: masked) */
	WAIT_FOR ipis, (2*NR_APS), 14
	movl $AP_MASK, APIC_ICR_HI(%r15)	/* logical: every AP */
	movl $(0x800 | V_AP), APIC_ICR_LO(%r15)
	WAIT_FOR ipis, (3*NR_APS), 14
	cmpq $(3 * NR_APS), ipis(%rip)
	je 1f
	FAIL 4

	/* 5. An NMI to AP 1. */
1:	movl $0x01000000, APIC_ICR_HI(%r15)
	movl $0x400, APIC_ICR_LO(%r15)
	WAIT_FOR nmis, 1, 15

	/* 6a. COM1's IRQ 4 through IOAPIC pin 4 to us. */
	movl $(0x10 + 2 * 4 + 1), (%r14)	/* entry 4, high: dest 0 */
	movl $0, 0x10(%r14)
	movl $(0x10 + 2 * 4), (%r14)		/* low: vector, unmasked */
	movl $V_IOAPIC, 0x10(%r14)
	movq $-1, last_vector(%rip)
	mov $(COM1 + 1), %dx
	mov $0x02, %al				/* IER: THRE interrupt */
	out %al, %dx
	sti
	mov $100000000, %rcx
2:	cmpq $V_IOAPIC, last_vector(%rip)
	je 1f
	dec %rcx
	jnz 2b
	FAIL 16
1:	cli
	movl $0, APIC_EOI(%r15)
	xor %al, %al
	out %al, %dx				/* IER off */
	movl $(0x10 + 2 * 4), (%r14)
	movl $0x10000, 0x10(%r14)		/* masked */

	/* 6b. The same IRQ through the 8259s, ExtINT on LINT0. */
	mov $0x11, %al
	out %al, $0x20				/* ICW1 */
	mov $0x50, %al
	out %al, $0x21				/* ICW2: base 0x50 */
	mov $0x04, %al
	out %al, $0x21				/* ICW3: slave on IR2 */
	mov $0x01, %al
	out %al, $0x21				/* ICW4: 8086 */
	mov $0xef, %al
	out %al, $0x21				/* unmask IRQ 4 only */
	movq $-1, last_vector(%rip)
	mov $(COM1 + 1), %dx
	mov $0x02, %al
	out %al, %dx
	sti
	mov $100000000, %rcx
2:	cmpq $V_PIC, last_vector(%rip)
	je 1f
	dec %rcx
	jnz 2b
	FAIL 17
1:	cli
	mov $0x20, %al
	out %al, $0x20				/* non-specific EOI */

	/* 7. Userspace's lines and MSIs (VMM mode). */
	movl $(0x10 + 2 * 10), (%r14)		/* pin 10: level, vector */
	movl $(0x8000 | V_GSI), 0x10(%r14)
	movq $-1, last_vector(%rip)
	mov $10, %ebx
	mov $1, %ecx
	mov $0x100, %eax
	vmmcall					/* assert GSI 10 */
	cmp $-38, %rax
	je 3f					/* managed: no VMM to ask */
	test %rax, %rax
	jz 1f
	FAIL 7
1:	sti
	mov $100000000, %rcx
2:	cmpq $V_GSI, last_vector(%rip)
	je 1f
	dec %rcx
	jnz 2b
	FAIL 18
1:	cli
	mov $10, %ebx
	xor %ecx, %ecx
	mov $0x100, %eax
	vmmcall					/* deassert, then EOI */
	movl $0, APIC_EOI(%r15)
	movq $-1, last_vector(%rip)
	mov $0xfee00000, %ebx
	mov $V_MSI, %ecx
	mov $0x101, %eax
	vmmcall
	test %rax, %rax
	jz 1f
	FAIL 7
1:	sti
	mov $100000000, %rcx
2:	cmpq $V_MSI, last_vector(%rip)
	je 1f
	dec %rcx
	jnz 2b
	FAIL 19
1:	cli
	movl $0, APIC_EOI(%r15)
	mov $24, %ebx
	mov $1, %ecx
	mov $0x100, %eax
	vmmcall
	cmp $-22, %rax
	je 1f
	FAIL 7
1:	lea gsi_msg(%rip), %rsi
	call puts

3:	lea ok_msg(%rip), %rsi
	call puts
	xor %eax, %eax
	jmp exit

/* IDT gate %edi -> handler %rax (the IDT lib.S built). */
set_gate:
	shl $4, %edi
	lea idt(%rip), %rdx
	add %rdi, %rdx
	mov %ax, (%rdx)
	shr $16, %rax
	mov %ax, 6(%rdx)
	shr $16, %rax
	mov %eax, 8(%rdx)
	ret

ipi_handler:
	lock incq ipis(%rip)
	movl $0, APIC_EOI(%r15)		/* %r15 is APIC everywhere */
	iretq

nmi_handler:
	lock incq nmis(%rip)
	iretq

/* An AP in long mode: its own stack, APIC on, LDR, check in, serve IPIs. */
ap64:
	mov $APIC, %r15d
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov APIC_ID(%r15), %ebx
	shr $24, %ebx
	mov %ebx, %eax
	shl $12, %eax
	mov $STACK_TOP, %esp
	sub %rax, %rsp
	lidt idt_desc(%rip)
	movl $0x1ff, APIC_SVR(%r15)
	movl $0xffffffff, APIC_DFR(%r15)	/* flat */
	mov $1, %eax
	mov %bl, %cl
	shl %cl, %eax
	shl $24, %eax
	mov %eax, APIC_LDR(%r15)
	lock bts %rbx, ap_ids(%rip)
	lock incq aps_up(%rip)
1:	sti
	hlt
	jmp 1b

	.balign 8
aps_up:		.quad 0
ap_ids:		.quad 0
ipis:		.quad 0
nmis:		.quad 0
gdt:
	.quad 0
	.quad 0x00af9a000000ffff		/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff		/* 0x10: data */
gdt_end:
ok_msg:	.asciz "apic ok\n"
gsi_msg: .asciz "gsi msi ok\n"

/*
 * The AP trampoline, copied to TRAMP: real mode at CS = 0x800, IP = 0.
 * Position-independent: data by CS-relative offsets, the jump to long
 * mode through a far pointer the BSP filled in.
 */
	.code16
tramp_start:
	cli
	mov %cs, %ax
	mov %ax, %ds
	lgdtl tramp_gdt - tramp_start
	mov tramp_cr3 - tramp_start, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $0x20, %eax				/* PAE */
	mov %eax, %cr4
	mov $0xc0000080, %ecx
	rdmsr
	or $0x100, %eax				/* LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax			/* PG, PE */
	mov %eax, %cr0
	ljmpl *(tramp_far - tramp_start)
	.balign 4
tramp_cr3:	.long 0
tramp_far:	.long ap64
		.word 0x08
tramp_gdt:	.word gdt_end - gdt - 1
tramp_gdt_base:	.long 0
tramp_end:
	.code64
