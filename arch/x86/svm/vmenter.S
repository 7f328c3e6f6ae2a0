/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One VMRUN, in the manner of KVM 6.1's __svm_vcpu_run (written anew):
 * the guest's GPRs go in and out around VMRUN, the guest's FS/GS/TR/
 * LDTR/KERNEL_GS_BASE/syscall MSRs around it with VMLOAD/VMSAVE of its
 * VMCB, and the host's come back with VMLOAD of the per-CPU save page
 * before any C code runs. RAX and RSP are switched by VMRUN itself.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include "svm/svm.h"

#define REG(r)	(SVM_REG_##r * 8)

.section .noinstr.text, "ax"

/**
 * __axvm_svm_vcpu_run - enter the guest until the next #VMEXIT
 * @vmcb_pa:      (RDI) physical address of the guest's VMCB
 * @regs:         (RSI) the guest's GPRs, u64[16]; RAX and RSP unused
 * @host_save_pa: (RDX) this CPU's page for the host's VMSAVE state
 *
 * Called with GIF=0 and RFLAGS.IF=1; returns with GIF=0.
 */
SYM_FUNC_START(__axvm_svm_vcpu_run)
	push %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx

	/* Needed after #VMEXIT, popped in reverse order. */
	push %rdx
	push %rdi
	push %rsi

	mov %rdi, %rax
1:	vmload %rax
2:
	mov REG(RCX)(%rsi), %rcx
	mov REG(RDX)(%rsi), %rdx
	mov REG(RBX)(%rsi), %rbx
	mov REG(RBP)(%rsi), %rbp
	mov REG(RDI)(%rsi), %rdi
	mov REG(R8)(%rsi),  %r8
	mov REG(R9)(%rsi),  %r9
	mov REG(R10)(%rsi), %r10
	mov REG(R11)(%rsi), %r11
	mov REG(R12)(%rsi), %r12
	mov REG(R13)(%rsi), %r13
	mov REG(R14)(%rsi), %r14
	mov REG(R15)(%rsi), %r15
	mov REG(RSI)(%rsi), %rsi

	/* Clobbers EFLAGS.ZF */
	VM_CLEAR_CPU_BUFFERS

3:	vmrun %rax
4:
	/* RAX is the VMCB's address again; every other GPR is the guest's. */
	pop %rax
	mov %rcx, REG(RCX)(%rax)
	mov %rdx, REG(RDX)(%rax)
	mov %rbx, REG(RBX)(%rax)
	mov %rbp, REG(RBP)(%rax)
	mov %rsi, REG(RSI)(%rax)
	mov %rdi, REG(RDI)(%rax)
	mov %r8,  REG(R8)(%rax)
	mov %r9,  REG(R9)(%rax)
	mov %r10, REG(R10)(%rax)
	mov %r11, REG(R11)(%rax)
	mov %r12, REG(R12)(%rax)
	mov %r13, REG(R13)(%rax)
	mov %r14, REG(R14)(%rax)
	mov %r15, REG(R15)(%rax)

	pop %rax
5:	vmsave %rax
6:
	/* The host's GS base (per-CPU data) and the rest come back here. */
	pop %rax
7:	vmload %rax
8:

#ifdef CONFIG_RETPOLINE
	/* Stuff the RSB before the first RET after the guest ran. */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RETPOLINE
#endif

	/* Retbleed / SRSO: untrain RET before interrupts can come in. */
	UNTRAIN_RET
	ALTERNATIVE "", "call entry_ibpb", X86_FEATURE_IBPB_ON_VMEXIT

	/* No guest value may steer speculation in the host. */
	xor %ecx, %ecx
	xor %edx, %edx
	xor %ebx, %ebx
	xor %ebp, %ebp
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d,  %r8d
	xor %r9d,  %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d

	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET

	/* SVM instructions fault only once the reboot notifier ran. */
10:	cmpb $0, axvm_svm_rebooting(%rip)
	jne 2b
	ud2
30:	cmpb $0, axvm_svm_rebooting(%rip)
	jne 4b
	ud2
50:	cmpb $0, axvm_svm_rebooting(%rip)
	jne 6b
	ud2
70:	cmpb $0, axvm_svm_rebooting(%rip)
	jne 8b
	ud2

	_ASM_EXTABLE(1b, 10b)
	_ASM_EXTABLE(3b, 30b)
	_ASM_EXTABLE(5b, 50b)
	_ASM_EXTABLE(7b, 70b)

SYM_FUNC_END(__axvm_svm_vcpu_run)
