// SPDX-License-Identifier: GPL-2.0
/*
 * axbench's KVM backend: the smallest VMM that gives KVM the same VM as
 * axvm's: guest RAM from an anonymous mapping (MAP_NORESERVE: touched
 * pages only, as axvm populates on first touch), one vCPU with the CPUID
 * KVM supports (KVM_GET_SUPPORTED_CPUID, as every VMM sets; long mode
 * needs it), and axvm's long-mode entry state written by hand: the GDT
 * and identity page tables in guest RAM, the segments and control
 * registers through SET_SREGS. No in-kernel irqchip or PIT (axvm has
 * none either), so every port and MMIO access that is not RAM exits to
 * userspace.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include "vmm.h"

#define GDT_GPA		0x9000ULL
#define PML4_GPA	0xa000ULL
#define PDPT_GPA	0xb000ULL
#define PD_GPA		0xc000ULL	/* four of them */

#define PTE_P		0x1ULL
#define PTE_RW		0x2ULL
#define PTE_PS		0x80ULL

#define CR0_PE		(1ULL << 0)
#define CR0_MP		(1ULL << 1)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define CR4_OSFXSR	(1ULL << 9)
#define CR4_OSXMMEXCPT	(1ULL << 10)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

struct vm {
	int fd;
	int vcpu;
	uint8_t *mem;
	uint64_t mem_size;
	struct kvm_run *run;
};

static int kvm_fd = -1;
static int run_size;
static struct kvm_cpuid2 *cpuid;

static int kvm_open(void)
{
	int nent;

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		return -errno;
	if (ioctl(kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return -EPROTO;
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(struct kvm_run))
		return -EPROTO;
	for (nent = 64; nent <= 4096; nent *= 2) {
		free(cpuid);
		cpuid = calloc(1, sizeof(*cpuid) +
				  nent * sizeof(struct kvm_cpuid_entry2));
		if (!cpuid)
			return -ENOMEM;
		cpuid->nent = nent;
		if (!ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid))
			return 0;
		if (errno != E2BIG)
			return -errno;
	}
	return -E2BIG;
}

static void kvm_destroy(struct vm *vm)
{
	int e = errno;

	if (vm->run && vm->run != MAP_FAILED)
		munmap(vm->run, run_size);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->mem && vm->mem != MAP_FAILED)
		munmap(vm->mem, vm->mem_size);
	free(vm);
	errno = e;
}

static struct vm *kvm_create(const struct vm_opts *o)
{
	struct kvm_userspace_memory_region r = { .slot = 0 };
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_EXIT_HYPERCALL,
		.args = { 1ULL << KVM_HC_MAP_GPA_RANGE },
	};
	struct vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	vm->vcpu = -1;
	vm->mem_size = o->mem;
	vm->fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		goto err;
	if (o->hypercall_exit && ioctl(vm->fd, KVM_ENABLE_CAP, &cap))
		goto err;
	vm->mem = mmap(NULL, o->mem, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		goto err;
	r.guest_phys_addr = 0;
	r.memory_size = o->mem;
	r.userspace_addr = (uintptr_t)vm->mem;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r))
		goto err;
	vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		goto err;
	vm->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	if (vm->run == MAP_FAILED)
		goto err;
	if (ioctl(vm->vcpu, KVM_SET_CPUID2, cpuid))
		goto err;
	return vm;
err:
	kvm_destroy(vm);
	return NULL;
}

/* What axvm's loader writes for long mode (arch/x86/svm/entry.c). */
static void kvm_write_tables(struct vm *vm)
{
	static const uint64_t gdt[4] = {
		0,
		0x00af9b000000ffffULL,	/* 0x08: 64-bit code */
		0x00cf93000000ffffULL,	/* 0x10: flat data */
		0x00cf9b000000ffffULL,	/* 0x18: 32-bit code */
	};
	uint64_t *pml4 = (uint64_t *)(vm->mem + PML4_GPA);
	uint64_t *pdpt = (uint64_t *)(vm->mem + PDPT_GPA);
	uint64_t *pd = (uint64_t *)(vm->mem + PD_GPA);
	int i;

	memcpy(vm->mem + GDT_GPA, gdt, sizeof(gdt));
	pml4[0] = PDPT_GPA | PTE_P | PTE_RW;
	for (i = 0; i < 4; i++)
		pdpt[i] = (PD_GPA + i * 0x1000) | PTE_P | PTE_RW;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;
}

static int kvm_load(struct vm *vm, const void *img, size_t size)
{
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 0x08,
		.type = 11, .present = 1, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = {
		.base = 0, .limit = 0xffffffff, .selector = 0x10,
		.type = 3, .present = 1, .s = 1, .db = 1, .g = 1,
	};
	struct kvm_sregs s;
	struct kvm_regs regs = { .rip = GUEST_GPA, .rflags = 0x2 };

	if (GUEST_GPA + size > vm->mem_size)
		return -E2BIG;
	kvm_write_tables(vm);
	memcpy(vm->mem + GUEST_GPA, img, size);
	if (ioctl(vm->vcpu, KVM_GET_SREGS, &s))
		return -errno;
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.gdt.base = GDT_GPA;
	s.gdt.limit = 31;
	s.cr0 = CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE;
	s.cr3 = PML4_GPA;
	s.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	s.efer = EFER_LME | EFER_LMA;
	if (ioctl(vm->vcpu, KVM_SET_SREGS, &s) ||
	    ioctl(vm->vcpu, KVM_SET_REGS, &regs))
		return -errno;
	return 0;
}

static uint64_t kvm_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static int kvm_run(struct vm *vm, struct vmm_exit *x)
{
	struct kvm_run *run = vm->run;
	uint8_t *io;

	memset(x, 0, sizeof(*x));
	if (ioctl(vm->vcpu, KVM_RUN, 0)) {
		x->kind = errno == EINTR ? VX_INTR : VX_OTHER;
		x->reason = run->exit_reason;
		return -errno;
	}
	x->reason = run->exit_reason;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.count != 1 || run->io.size > 4) {
			x->kind = VX_OTHER;
			break;
		}
		io = (uint8_t *)run + run->io.data_offset;
		x->kind = VX_IO;
		x->port = run->io.port;
		x->size = run->io.size;
		x->write = run->io.direction == KVM_EXIT_IO_OUT;
		if (x->write)
			x->data = kvm_le(io, run->io.size);
		else
			memset(io, 0xff, run->io.size);
		break;
	case KVM_EXIT_MMIO:
		x->kind = VX_MMIO;
		x->gpa = run->mmio.phys_addr;
		x->size = run->mmio.len;
		x->write = run->mmio.is_write;
		if (x->write)
			x->data = kvm_le(run->mmio.data, run->mmio.len);
		else
			memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
		break;
	case KVM_EXIT_HYPERCALL:
		x->kind = VX_HYPERCALL;
		x->nr = run->hypercall.nr;
		break;
	default:
		x->kind = VX_OTHER;
		break;
	}
	return 0;
}

static void kvm_set_immediate_exit(struct vm *vm, bool on)
{
	vm->run->immediate_exit = on;
}

static void kvm_set_hypercall_ret(struct vm *vm, uint64_t ret)
{
	vm->run->hypercall.ret = ret;
}

const struct vmm_ops vmm_kvm = {
	.name			= "kvm",
	.open			= kvm_open,
	.create			= kvm_create,
	.load			= kvm_load,
	.run			= kvm_run,
	.set_immediate_exit	= kvm_set_immediate_exit,
	.set_hypercall_ret	= kvm_set_hypercall_ret,
	.destroy		= kvm_destroy,
};
