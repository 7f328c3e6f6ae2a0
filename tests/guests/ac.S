/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ac: alignment checking at CPL 3 raises #AC in the guest (the host
 * intercepts #AC, CVE-2015-5307, and must reflect it with its error
 * code 0). The guest builds a GDT with user segments and a TSS, lets
 * user mode reach the low 2 MiB (U bits in the loader's tables), drops
 * to CPL 3 with IOPL 3, RFLAGS.AC and CR0.AM, and does a misaligned
 * load. Expect: "ac ok", exit code 0; FAIL n otherwise:
 *   2 error code not 0   3 another exception
 * QEMU's TCG does not check alignment at all: with no #AC the guest says
 * "ac: the CPU does not check alignment" and exits with 0xac (skip).
 */
	.code64
	.globl _start

#include "lib.S"

_start:
	GUEST_ENTRY
	call idt_init
	/* The TSS descriptor: base = tss, limit = 0x67, type 9 (available). */
	lea tss(%rip), %rax
	mov %ax, gdt_tss + 2(%rip)
	shr $16, %rax
	mov %al, gdt_tss + 4(%rip)
	mov %ah, gdt_tss + 7(%rip)
	shr $16, %rax
	mov %eax, gdt_tss + 8(%rip)
	lgdt gdt_desc(%rip)
	mov $0x28, %ax
	ltr %ax
	/* User access to the first 2 MiB: U in PML4[0], PDPT[0], PD[0]. */
	orq $4, 0xa000
	orq $4, 0xb000
	orq $4, 0xc000
	mov %cr3, %rax
	mov %rax, %cr3
	mov %cr0, %rax
	or $(1 << 18), %eax		/* AM */
	mov %rax, %cr0
	movq $3, skip_len(%rip)		/* mov 1(%rbx), %eax: 8b 43 01 */
	movq $0, exc_count(%rip)
	/* iretq to CPL 3: SS, RSP, RFLAGS (IF off, IOPL 3, AC), CS, RIP */
	pushq $0x1b
	pushq $(STACK_TOP - 0x8000)
	pushq $(0x3000 | 0x40000 | 0x2)
	pushq $0x23
	lea user(%rip), %rax
	push %rax
	iretq

user:
	lea aligned(%rip), %rbx
	mov 1(%rbx), %eax		/* misaligned: #AC */
	cmpq $0, exc_count(%rip)
	jne 1f
	lea unchecked(%rip), %rsi
	call puts
	mov $0xac, %eax
	jmp user_fail
1:	cmpq $17, last_vector(%rip)
	je 1f
	mov $3, %eax
	jmp user_fail
1:	cmpq $0, last_error(%rip)
	je 1f
	mov $2, %eax
	jmp user_fail
1:	lea ok(%rip), %rsi		/* IOPL 3: COM1 and the exit port work */
	call puts
	xor %eax, %eax
user_fail:
	out %eax, $EXIT_PORT
2:	jmp 2b

	.balign 8
aligned: .quad 0
gdt:
	.quad 0
	.quad 0x00af9b000000ffff	/* 0x08 kernel code */
	.quad 0x00cf93000000ffff	/* 0x10 kernel data */
	.quad 0x00cff3000000ffff	/* 0x18 user data */
	.quad 0x00affb000000ffff	/* 0x20 user code */
gdt_tss:
	.quad 0x0000890000000067	/* 0x28 TSS, base filled in */
	.quad 0
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt
	.balign 16
tss:
	.long 0
	.quad STACK_TOP			/* RSP0 */
	.fill 0x68 - 12, 1, 0
ok:	.asciz "ac ok\n"
unchecked: .asciz "ac: the CPU does not check alignment\n"
