/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct axvm_arch_ops: the hardware backend (SVM now; VMX and arm64
 * later), in the style of kvm_x86_ops. Exactly one backend is registered
 * at module load; required ops are checked once by axvm_arch_register().
 * tests/kunit/fake_arch.c is a scriptable backend for KUnit.
 */
#ifndef AXVM_ARCH_H
#define AXVM_ARCH_H

#include <linux/types.h>
#include "ops_gen.h"
#include <uapi/linux/axvm.h>

struct axvm;
struct axvm_vcpu;
struct axvm_pte_ops;
struct axvm_platform_ops;

/*
 * What one trip into the guest ended with, as far as the core must act:
 * the arch handles everything else (CPUID, MSRs, RAM population, its own
 * exceptions) itself and reports AXVM_VEXIT_NONE. Mirrors axvcpu's
 * AxVCpuExitReason.
 */
enum axvm_vexit_kind {
	AXVM_VEXIT_NONE = 0,	/* handled; enter again */
	AXVM_VEXIT_IO,		/* port I/O; RIP already advanced */
	AXVM_VEXIT_MMIO,	/* decoded MMIO; RIP already advanced */
	AXVM_VEXIT_HALT,	/* HLT; RIP already advanced */
	AXVM_VEXIT_HYPERCALL,	/* VMMCALL; RIP already advanced */
	AXVM_VEXIT_SHUTDOWN,	/* triple fault */
	AXVM_VEXIT_FAIL_ENTRY,
	AXVM_VEXIT_INTERNAL,
	AXVM_VEXIT_NPF,		/* fault outside RAM the arch could not decode */
};

struct axvm_vexit {
	enum axvm_vexit_kind kind;
	union {
		struct {
			u16 port;
			u8 size;	/* 1, 2, 4 */
			bool in;
			u32 data;	/* OUT: the value */
		} io;
		struct {
			u64 gpa;
			u8 len;		/* 1, 2, 4, 8 */
			bool write;
			u64 data;	/* write: the value */
		} mmio;
		struct {
			u64 nr;
			u64 args[6];
		} hypercall;
		struct {
			u64 gpa;
			u64 access;	/* AXVM_MEM_* */
		} npf;
		u64 hw_reason;		/* FAIL_ENTRY */
		struct {
			u32 suberror;
			u64 data[4];
		} internal;
	};
};

struct axvm_arch_ops {
	const char *name;
#define AXVM_ARCH_OP AXVM_OP_MEMBER
#define AXVM_ARCH_OP_OPTIONAL AXVM_ARCH_OP
#include "arch_ops.h"
#undef AXVM_ARCH_OP_OPTIONAL
#undef AXVM_ARCH_OP
	/* The stage-2 page table format. */
	const struct axvm_pte_ops *pte_ops;
	/*
	 * The backend's vCPU, which embeds struct axvm_vcpu (KVM's
	 * vcpu_size): the core allocates it zeroed, vcpu_create fills the
	 * backend's part, the backend reaches it with container_of.
	 */
	size_t vcpu_size;
	/*
	 * The machine this backend offers VMs that ask for one
	 * (AXVM_VM_PLATFORM_PC on x86), or NULL.
	 */
	const struct axvm_platform_ops *platform;
};

extern const struct axvm_arch_ops *axvm_arch;

int axvm_arch_check(const struct axvm_arch_ops *ops);
int axvm_arch_register(const struct axvm_arch_ops *ops);
void axvm_arch_unregister(void);

#endif /* AXVM_ARCH_H */
