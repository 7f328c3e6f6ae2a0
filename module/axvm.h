/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core objects: struct axvm (axvm's AxVM) and struct axvm_vcpu
 * (axvcpu's AxVCpu), their states and the kick protocol.
 *
 * Lock order (outermost first), as the code takes them:
 *   vm->lock (mutex)             lifecycle state, configuration, vCPU array
 *   axvm_registry_lock (mutex)   ids, names, the memory accounting
 *                                (registry.c); under vm->lock only to
 *                                charge memory, never around vm->lock
 *   vcpu->mutex (mutex)          one RUN / register ioctl at a time;
 *                                never more than one held at once
 *   vm->aspace.lock (mutex)      regions, population
 *   vm->state_lock (spinlock)    state reads from the run loop, exit reason
 * vcpu->pending is lock-free (atomic bitops); vcpu->mode is KVM's
 * vcpu->mode protocol with smp_store_mb.
 */
#ifndef AXVM_AXVM_H
#define AXVM_AXVM_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/smp.h>
#include <linux/rcuwait.h>
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/wait.h>
#include <linux/uidgid.h>
#include <uapi/linux/axvm.h>
#include <linux/workqueue.h>
#include "hal.h"
#include "arch.h"
#include "mm.h"
#include "device.h"
#include "platform.h"

#define AXVM_MAX_VCPUS_LIMIT	64	/* hard cap of max_vcpus module parameter */
#define AXVM_NR_VECTORS		256
#define AXVM_IRQ_VECTOR_BASE	0x20	/* IRQ line N -> vector 0x20 + N */

/* axvcpu's VCpuState. */
enum axvm_vcpu_state {
	AXVM_VCPU_INVALID = 0,	/* a fatal error; only free is left */
	AXVM_VCPU_CREATED,
	AXVM_VCPU_FREE,		/* set up, not bound to a pCPU */
	AXVM_VCPU_READY,	/* bound, between runs */
	AXVM_VCPU_RUNNING,
	AXVM_VCPU_BLOCKED,	/* in HLT */
};

/* KVM's vcpu->mode: who must kick whom. */
enum axvm_vcpu_mode {
	AXVM_OUTSIDE_GUEST_MODE = 0,
	AXVM_IN_GUEST_MODE,
	AXVM_EXITING_GUEST_MODE,
};

/* vcpu->requests bits */
#define AXVM_REQ_STOP		1	/* leave the run loop: state change */

struct axvm;

struct axvm_vcpu {
	struct axvm *vm;
	u32 id;
	enum axvm_vcpu_state state;
	int cpu;			/* loaded on, or -1 */
	int mode;			/* enum axvm_vcpu_mode */
	unsigned long requests;
	DECLARE_BITMAP(pending, AXVM_NR_VECTORS);
	struct rcuwait wait;		/* blocked in HLT */
	call_single_data_t kick_csd;
	struct mutex mutex;
	struct axvm_run *run;		/* shared with userspace (mmap) */
	struct task_struct *thread;	/* managed mode */
	u64 pcpu_mask;			/* managed: allowed pCPUs, 0 = any */
	void *platform_data;		/* the platform's (its local APIC) */

	/* An exit handed to userspace, completed by the next RUN. */
	u32 user_exit;			/* AXVM_EXIT_* pending completion */
	/* Where the last kick IPI landed (tests; the HAL sets it). */
	int last_kick_cpu;
	atomic_t kicks_received;
};

struct axvm_stats_counters {
	atomic64_t exits, io_exits, mmio_exits, unhandled_io, unhandled_mmio,
		   injected_irqs, hypercalls, halts, npf_populated;
};

struct axvm_console;

struct axvm {
	struct kref ref;
	u32 id;
	u32 flags;			/* AXVM_VM_* */
	char name[AXVM_NAME_LEN];
	const struct axvm_hal_ops *hal;
	const struct axvm_arch_ops *arch;
	void *arch_data;
	/* The machine around the CPUs (platform.h); NULL: a bare VM. */
	const struct axvm_platform_ops *platform;
	void *platform_data;

	struct mutex lock;
	spinlock_t state_lock;
	enum axvm_vm_state state;
	u32 stop_reason;		/* enum axvm_stop_reason */
	s64 exit_code;
	u64 created_ns;

	u64 entry;
	u32 entry_mode;			/* AXVM_MODE_* */
	bool ap_entry_set;		/* APs start at ap_entry (AXVM_ENTRY_AP) */
	u64 ap_entry;
	/*
	 * Registers an image's boot protocol asks for (Multiboot: EAX, EBX;
	 * Linux: RSI), and Linux's segments (loader.h, linux_segs).
	 */
	bool boot_regs_set;
	bool boot_linux_segs;
	u64 boot_rax, boot_rbx, boot_rsi;
	struct list_head images;	/* kept to reload on restart */
	wait_queue_head_t state_wq;	/* vCPUs waiting while suspended */

	u32 max_vcpus;
	u32 nr_vcpus;
	u64 pcpu_sets[8];		/* managed: per-vCPU pCPU masks */
	struct axvm_vcpu **vcpus;	/* [max_vcpus]; published with smp_store_release */

	struct axvm_aspace aspace;
	struct axvm_devset devices;
	struct axvm_device_host dev_host;
	struct axvm_console *console;
	struct axvm_stats_counters stats;

	/* managed mode: the module holds a reference until DESTROY/unload */
	bool registry_ref;
	/* managed mode: RESTART after a guest reset (lifecycle.c) */
	struct work_struct reboot_work;
	u64 charged_memory;		/* RAM + image bytes, in the limits */
	u64 image_bytes;		/* images kept for RESTART */
	/*
	 * The creator's memory cgroup: guest RAM, page tables and image
	 * copies are charged to it whoever causes the allocation (a
	 * managed vCPU thread, another process's ioctl).
	 */
	struct mem_cgroup *memcg;
	kuid_t owner;			/* the creator's euid (OPEN_VM) */
};

static inline bool axvm_vm_managed(const struct axvm *vm)
{
	return vm->flags & AXVM_VM_MANAGED;
}

/* A vCPU's backend calls these from vcpu_run. */
/* The highest pending vector, or -1. */
int axvm_vcpu_pending_irq(struct axvm_vcpu *vcpu);
/*
 * The backend delivers the interrupt axvm_vcpu_pending_irq() named:
 * returns the vector to inject (a PC's 8259 answers its acknowledge
 * then, maybe otherwise), or -1 when the request went away meanwhile.
 */
int axvm_vcpu_ack_irq(struct axvm_vcpu *vcpu, int vector);
/* With interrupts off, right before entry: must the entry be skipped? */
bool axvm_vcpu_should_exit(struct axvm_vcpu *vcpu);

/* Record @vector as pending and make the vCPU notice (the kick protocol). */
int axvm_vcpu_inject(struct axvm_vcpu *vcpu, u32 vector);
void axvm_vcpu_kick(struct axvm_vcpu *vcpu);

#endif /* AXVM_AXVM_H */
