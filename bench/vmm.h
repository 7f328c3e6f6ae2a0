/* SPDX-License-Identifier: GPL-2.0 */
/*
 * axbench's two backends behind one interface: the same guest, memory
 * size and entry state through /dev/kvm or /dev/axvm.
 *
 * Both build the same VM: guest RAM at GPA 0 (populated on first
 * touch), one vCPU, the flat guest image at GUEST_GPA, entered in long
 * mode with DESIGN.md §4's state (GDT at 0x9000, PML4 at 0xa000, PDPT at
 * 0xb000, four page directories at 0xc000 mapping the low 4 GiB by
 * 2 MiB pages; CS 0x08, data 0x10; interrupts off; GPRs zero). axvm's
 * loader builds that state itself; the KVM backend writes the same
 * tables into guest RAM and the same registers.
 */
#ifndef AXBENCH_VMM_H
#define AXBENCH_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_GPA	0x100000ULL

enum vmm_exit_kind {
	VX_IO,		/* port I/O the kernel did not handle */
	VX_MMIO,	/* an access to no RAM and no device */
	VX_HYPERCALL,	/* VMMCALL handed to userspace */
	VX_INTR,	/* RUN returned -EINTR (immediate_exit) */
	VX_OTHER,	/* anything else: the benchmark fails */
};

struct vmm_exit {
	enum vmm_exit_kind kind;
	uint32_t reason;	/* the backend's own exit reason */
	uint16_t port;
	uint8_t size;
	bool write;		/* IO: OUT; MMIO: a store */
	uint64_t data;		/* OUT/store value */
	uint64_t gpa;		/* MMIO */
	uint64_t nr;		/* HYPERCALL */
};

struct vm_opts {
	uint64_t mem;		/* bytes of guest RAM at GPA 0 */
	bool uart;		/* axvm: its in-kernel 16550 at COM1 */
	bool hypercall_exit;	/* KVM: KVM_CAP_EXIT_HYPERCALL, nr 12 */
};

struct vm;

struct vmm_ops {
	const char *name;
	/* Open the device; 0 or -errno. */
	int (*open)(void);
	/* A VM with its RAM and one vCPU, not yet loaded; NULL + errno. */
	struct vm *(*create)(const struct vm_opts *o);
	/* The image at GUEST_GPA and the entry state: ready to RUN. */
	int (*load)(struct vm *vm, const void *img, size_t size);
	/* One RUN: 0 with @x filled, or -errno (-EINTR: kind VX_INTR). */
	int (*run)(struct vm *vm, struct vmm_exit *x);
	void (*set_immediate_exit)(struct vm *vm, bool on);
	/* The answer to a VX_HYPERCALL, before the next RUN. */
	void (*set_hypercall_ret)(struct vm *vm, uint64_t ret);
	/* Close everything; synchronous on both backends. */
	void (*destroy)(struct vm *vm);
};

extern const struct vmm_ops vmm_kvm;
extern const struct vmm_ops vmm_axvm;

#endif
