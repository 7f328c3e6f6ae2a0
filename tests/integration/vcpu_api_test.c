// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU fd from userspace, with no guest running: CREATE_VCPU,
 * mmap() of struct axvm_run, GET/SET_REGS, GET/SET_SREGS (the setters
 * refused while loading, reset by RESTART), INTERRUPT, the entry state
 * of each mode after FINALIZE (docs/api.md, "Entry state"), RUN's
 * refusals and immediate_exit, the ENOTTY of VM and system ioctls sent
 * to a vCPU fd, and the VM reference a vCPU fd and its mapping hold.
 * Built 64-bit and 32-bit; prints TAP.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include "tap.h"

#define BAD_PTR		((void *)16)
#define MiB		(1ULL << 20)
#define RWX		(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)

#define CR0_PE		(1ULL << 0)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define EFER_SVME	(1ULL << 12)
#define SEG_L		(1u << 9)	/* VMCB attrib: 64-bit code */

static int sys;

static void test_wrong_fd(int vcpu)
{
	struct axvm_memory_region r = { .gpa = 0, .size = 4096 };
	struct axvm_vm_info info;
	struct axvm_create_vm c;

	memset(&c, 0, sizeof(c));
	c.max_vcpus = 1;
	tap_errno(ioctl(vcpu, AXVM_GET_VM_INFO, &info), ENOTTY,
		  "GET_VM_INFO on a vCPU fd: ENOTTY");
	tap_errno(ioctl(vcpu, AXVM_SET_MEMORY_REGION, &r), ENOTTY,
		  "SET_MEMORY_REGION on a vCPU fd: ENOTTY");
	tap_errno(ioctl(vcpu, AXVM_CREATE_VCPU, 1), ENOTTY,
		  "CREATE_VCPU on a vCPU fd: ENOTTY");
	tap_errno(ioctl(vcpu, AXVM_FINALIZE, 0), ENOTTY,
		  "FINALIZE on a vCPU fd: ENOTTY");
	tap_errno(ioctl(vcpu, AXVM_START, 0), ENOTTY,
		  "START on a vCPU fd: ENOTTY");
	tap_errno(ioctl(vcpu, AXVM_GET_CONSOLE_FD, 0), ENOTTY,
		  "GET_CONSOLE_FD on a vCPU fd: ENOTTY");
	tap_errno(ioctl(vcpu, AXVM_CREATE_VM, &c), ENOTTY,
		  "CREATE_VM on a vCPU fd: ENOTTY");
	tap_errno(ioctl(vcpu, AXVM_GET_API_VERSION, 0), ENOTTY,
		  "GET_API_VERSION on a vCPU fd: ENOTTY");
	tap_errno(ioctl(vcpu, _IO(AXVMIO, 0xfe), 0), ENOTTY,
		  "unknown ioctl on a vCPU fd: ENOTTY");
}

static void test_create(void)
{
	struct axvm_vm_info info;
	int vm, vcpu, vcpu2;

	vm = axvm_vm_new(sys, 0, 3, NULL, NULL);
	if (!tap_check(vm >= 0, "a VM with max_vcpus 3"))
		return;
	vcpu = tap_fd(ioctl(vm, AXVM_CREATE_VCPU, 0), "CREATE_VCPU 0");
	tap_errno(ioctl(vm, AXVM_CREATE_VCPU, 0), EEXIST,
		  "CREATE_VCPU 0 twice: EEXIST");
	tap_errno(ioctl(vm, AXVM_CREATE_VCPU, 3), EINVAL,
		  "CREATE_VCPU id = max_vcpus: EINVAL");
	tap_errno(ioctl(vm, AXVM_CREATE_VCPU, ~0UL), EINVAL,
		  "CREATE_VCPU id ~0: EINVAL");
#ifdef __LP64__
	tap_errno(ioctl(vm, AXVM_CREATE_VCPU, 1UL << 32), EINVAL,
		  "CREATE_VCPU id 2^32 (not truncated to 0): EINVAL");
#endif
	tap_ret(axvm_info(vm, &info), 0, "GET_VM_INFO");
	tap_eq(info.nr_vcpus, 1, "nr_vcpus counts the one vCPU");
	vcpu2 = tap_fd(ioctl(vm, AXVM_CREATE_VCPU, 2),
		       "CREATE_VCPU 2 (ids in any order)");
	tap_ret(axvm_info(vm, &info), 0, "GET_VM_INFO");
	tap_eq(info.nr_vcpus, 2, "nr_vcpus is 2");
	test_wrong_fd(vcpu);
	close(vcpu2);
	close(vcpu);
	close(vm);
}

static sigjmp_buf fault_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(fault_jmp, sig);
}

/* Does reading *@p raise SIGBUS (or SIGSEGV)? */
static int touch_faults(volatile __u8 *p)
{
	struct sigaction sa, old_bus, old_segv;
	int faulted;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		(void)*p;
		faulted = 0;
	} else {
		faulted = 1;
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return faulted;
}

static void test_mmap(void)
{
	struct axvm_run *run, *run2;
	void *p;
	__u32 id;
	int vm, vcpu;

	vm = axvm_vm_new(sys, 0, 1, NULL, &id);
	vcpu = ioctl(vm, AXVM_CREATE_VCPU, 0);
	if (!tap_check(vm >= 0 && vcpu >= 0, "a VM and a vCPU for mmap"))
		return;
	run = mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	if (!tap_check(run != MAP_FAILED, "mmap(vcpu, 0, AXVM_RUN_SIZE)"))
		return;
	tap_check(run->exit_reason == AXVM_EXIT_NONE && !run->immediate_exit,
		  "a new run structure: exit_reason NONE, immediate_exit 0");
	run2 = mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    vcpu, 0);
	if (run2 != MAP_FAILED) {
		run->pad0[3] = 0x5a;
		tap_eq(run2->pad0[3], 0x5a, "two mappings share one page");
		munmap(run2, AXVM_RUN_SIZE);
	} else {
		tap_check(0, "a second mmap of the vCPU");
	}
	p = mmap(NULL, AXVM_RUN_SIZE, PROT_READ, MAP_SHARED, vcpu,
		 AXVM_RUN_SIZE);
	tap_check(p == MAP_FAILED && errno == EINVAL,
		  "mmap at offset AXVM_RUN_SIZE: EINVAL");
	p = mmap(NULL, 2 * AXVM_RUN_SIZE, PROT_READ, MAP_SHARED, vcpu, 0);
	tap_check(p == MAP_FAILED && errno == EINVAL,
		  "mmap of 2 * AXVM_RUN_SIZE: EINVAL");
	p = mmap(NULL, AXVM_RUN_SIZE, PROT_READ, MAP_SHARED, vm, 0);
	tap_check(p == MAP_FAILED && errno == ENODEV,
		  "mmap of a VM fd: ENODEV");

	/* Grown behind the driver's back, it still shows one page only. */
	p = mremap(run, AXVM_RUN_SIZE, 2 * AXVM_RUN_SIZE, MREMAP_MAYMOVE);
	if (p != MAP_FAILED)
		run = p;
	tap_check(p == MAP_FAILED ||
		  touch_faults((volatile __u8 *)p + AXVM_RUN_SIZE),
		  "mremap to 2 pages: refused, or the second page faults");
	tap_check(!touch_faults((volatile __u8 *)run) &&
		  run->immediate_exit == 0 && run->pad0[3] == 0x5a,
		  "after mremap the run page is still mapped and the same");
	if (p != MAP_FAILED)
		munmap((__u8 *)p + AXVM_RUN_SIZE, AXVM_RUN_SIZE);

	/* The vCPU fd, then its mapping, each hold the VM. */
	close(vm);
	tap_eq(axvm_listed(sys, id), 1, "a vCPU fd keeps the VM alive");
	close(vcpu);
	tap_eq(axvm_listed(sys, id), 1, "a vCPU mapping keeps the VM alive");
	run->immediate_exit = 1;
	tap_eq(run->immediate_exit, 1, "the mapping stays usable");
	munmap(run, AXVM_RUN_SIZE);
	tap_eq(axvm_listed(sys, id), 0, "munmap of the last mapping frees it");
}

static void test_regs(void)
{
	struct axvm_regs r, g;
	struct axvm_sregs s, s2;
	struct axvm_interrupt intr;
	struct axvm_vm_info info;
	__u64 *p;
	unsigned int i;
	int vm, vcpu;

	vm = axvm_vm_new(sys, 0, 1, NULL, NULL);
	vcpu = ioctl(vm, AXVM_CREATE_VCPU, 0);
	if (!tap_check(vm >= 0 && vcpu >= 0, "a vCPU for the registers"))
		return;

	/* Loading: FINALIZE would reset them, so the setters are refused. */
	tap_ret(ioctl(vcpu, AXVM_GET_REGS, &r), 0, "GET_REGS while loading");
	tap_ret(ioctl(vcpu, AXVM_GET_SREGS, &s), 0, "GET_SREGS while loading");
	r.rip = 0x5000;
	r.rsp = 0x8000;
	tap_errno(ioctl(vcpu, AXVM_SET_REGS, &r), EBUSY,
		  "SET_REGS while loading: EBUSY");
	tap_errno(ioctl(vcpu, AXVM_SET_SREGS, &s), EBUSY,
		  "SET_SREGS while loading: EBUSY");
	tap_eq(axvm_state(vm), AXVM_VM_LOADING, "the VM is still loading");
	if (!tap_check(!axvm_region(vm, 0, 2 * MiB, RWX) &&
		       !ioctl(vm, AXVM_FINALIZE, 0), "RAM, FINALIZE"))
		goto out;
	tap_ret(ioctl(vcpu, AXVM_GET_REGS, &r), 0, "GET_REGS after FINALIZE");
	tap_check(r.rip == 0x100000 && r.rsp == 0,
		  "after FINALIZE: the entry state, not the refused values");

	/* Loaded: they stick. */
	for (p = &r.rax, i = 0; p <= &r.r15; p++, i++)
		*p = 0x1111111111111111ULL * (i + 1) + i;
	r.rip = 0x123456;
	r.rflags = 0x202;
	tap_ret(ioctl(vcpu, AXVM_SET_REGS, &r), 0, "SET_REGS");
	memset(&g, 0, sizeof(g));
	tap_ret(ioctl(vcpu, AXVM_GET_REGS, &g), 0, "GET_REGS again");
	tap_check(!memcmp(&r, &g, sizeof(r)),
		  "GET_REGS returns what SET_REGS set, all 18 registers");
	r.rflags = 0x202 | (1u << 3);
	tap_errno(ioctl(vcpu, AXVM_SET_REGS, &r), EINVAL,
		  "SET_REGS with reserved RFLAGS bit 3: EINVAL");
	r.rflags = 0x202 | (1ULL << 63);
	tap_errno(ioctl(vcpu, AXVM_SET_REGS, &r), EINVAL,
		  "SET_REGS with RFLAGS bit 63: EINVAL");
	tap_errno(ioctl(vcpu, AXVM_GET_REGS, BAD_PTR), EFAULT,
		  "GET_REGS to a bad pointer: EFAULT");
	tap_errno(ioctl(vcpu, AXVM_SET_REGS, BAD_PTR), EFAULT,
		  "SET_REGS from a bad pointer: EFAULT");

	tap_ret(ioctl(vcpu, AXVM_GET_SREGS, &s), 0, "GET_SREGS");
	tap_eq(s.efer & EFER_SVME, 0, "GET_SREGS hides EFER.SVME");
	s.cr3 = 0x5000;
	tap_ret(ioctl(vcpu, AXVM_SET_SREGS, &s), 0, "SET_SREGS");
	memset(&s2, 0, sizeof(s2));
	ioctl(vcpu, AXVM_GET_SREGS, &s2);
	tap_eq(s2.cr3, 0x5000, "GET_SREGS returns the CR3 SET_SREGS set");
	tap_check(!memcmp(&s, &s2, sizeof(s)),
		  "GET_SREGS returns what SET_SREGS set");
	s2 = s;
	s2.reserved[2] = 1;
	tap_errno(ioctl(vcpu, AXVM_SET_SREGS, &s2), EINVAL,
		  "SET_SREGS with nonzero reserved: EINVAL");
	s2 = s;
	s2.idt.pad[1] = 1;
	tap_errno(ioctl(vcpu, AXVM_SET_SREGS, &s2), EINVAL,
		  "SET_SREGS with nonzero dtable pad: EINVAL");
	s2 = s;
	s2.cs.attrib = 0x1000;
	tap_errno(ioctl(vcpu, AXVM_SET_SREGS, &s2), EINVAL,
		  "SET_SREGS with a segment attribute past 12 bits: EINVAL");
	s2 = s;
	s2.efer |= EFER_SVME;
	tap_errno(ioctl(vcpu, AXVM_SET_SREGS, &s2), EINVAL,
		  "SET_SREGS with EFER.SVME: EINVAL");
	s2 = s;
	s2.cr0 = CR0_PG;
	s2.efer = 0;
	tap_errno(ioctl(vcpu, AXVM_SET_SREGS, &s2), EINVAL,
		  "SET_SREGS with CR0.PG but not PE: EINVAL");
	s2 = s;
	s2.cr0 |= 1ULL << 32;
	tap_errno(ioctl(vcpu, AXVM_SET_SREGS, &s2), EINVAL,
		  "SET_SREGS with CR0 bit 32: EINVAL");
	s2 = s;
	s2.cr0 = CR0_PE;
	s2.efer = EFER_LMA;
	tap_errno(ioctl(vcpu, AXVM_SET_SREGS, &s2), EINVAL,
		  "SET_SREGS with EFER.LMA but no paging: EINVAL");
	tap_errno(ioctl(vcpu, AXVM_SET_SREGS, BAD_PTR), EFAULT,
		  "SET_SREGS from a bad pointer: EFAULT");

	memset(&intr, 0, sizeof(intr));
	intr.vector = 15;
	tap_errno(ioctl(vcpu, AXVM_INTERRUPT, &intr), EINVAL,
		  "INTERRUPT vector 15 (an exception): EINVAL");
	intr.vector = 256;
	tap_errno(ioctl(vcpu, AXVM_INTERRUPT, &intr), EINVAL,
		  "INTERRUPT vector 256: EINVAL");
	intr.vector = 32;
	intr.flags = 1;
	tap_errno(ioctl(vcpu, AXVM_INTERRUPT, &intr), EINVAL,
		  "INTERRUPT with flags: EINVAL");
	intr.flags = 0;
	tap_ret(ioctl(vcpu, AXVM_INTERRUPT, &intr), 0, "INTERRUPT vector 32");
	intr.vector = 255;
	tap_ret(ioctl(vcpu, AXVM_INTERRUPT, &intr), 0, "INTERRUPT vector 255");
	tap_ret(axvm_info(vm, &info), 0, "GET_VM_INFO");
	tap_eq(info.stats.injected_irqs, 2, "INTERRUPT counts in injected_irqs");
	tap_errno(ioctl(vcpu, AXVM_INTERRUPT, BAD_PTR), EFAULT,
		  "INTERRUPT with a bad pointer: EFAULT");
out:
	close(vcpu);
	close(vm);
}

/* FINALIZE a VM entered at @entry in @mode; vCPU 0's fd, or -1. */
static int finalized(__u64 entry, __u32 mode, int *vmp)
{
	int vm, vcpu;

	*vmp = vm = axvm_vm_new(sys, 0, 1, NULL, NULL);
	vcpu = ioctl(vm, AXVM_CREATE_VCPU, 0);
	if (vm < 0 || vcpu < 0 || axvm_region(vm, 0, 4 * MiB, RWX) ||
	    axvm_entry(vm, entry, mode) || ioctl(vm, AXVM_FINALIZE, 0))
		return -1;
	return vcpu;
}

static void test_entry_state(void)
{
	struct axvm_regs r;
	struct axvm_sregs s;
	int vm, vcpu;

	vcpu = finalized(0x100000, AXVM_MODE_LONG, &vm);
	if (tap_check(vcpu >= 0, "a long-mode VM, FINALIZEd") &&
	    !ioctl(vcpu, AXVM_GET_REGS, &r) &&
	    !ioctl(vcpu, AXVM_GET_SREGS, &s)) {
		tap_eq(r.rip, 0x100000, "long: RIP = entry");
		tap_eq(r.rflags, 0x2, "long: RFLAGS = 0x2 (interrupts off)");
		tap_check(s.cs.selector == 0x08 && (s.cs.attrib & SEG_L),
			  "long: CS 0x08, 64-bit");
		tap_check(s.ds.selector == 0x10 && s.ss.selector == 0x10,
			  "long: data selectors 0x10");
		tap_check((s.cr0 & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG) &&
			  (s.cr4 & CR4_PAE) &&
			  (s.efer & (EFER_LME | EFER_LMA)) ==
			  (EFER_LME | EFER_LMA),
			  "long: PE, PG, PAE, LME, LMA");
		tap_check(s.cr3 >= 0xa000 && s.cr3 < 0x10000,
			  "long: page tables in the loader window (%#llx)",
			  (unsigned long long)s.cr3);
	} else {
		tap_check(0, "long: GET_REGS and GET_SREGS after FINALIZE");
	}
	close(vcpu);
	close(vm);

	vcpu = finalized(0x7c00, AXVM_MODE_REAL, &vm);
	if (tap_check(vcpu >= 0, "a real-mode VM, FINALIZEd") &&
	    !ioctl(vcpu, AXVM_GET_REGS, &r) &&
	    !ioctl(vcpu, AXVM_GET_SREGS, &s)) {
		tap_eq(r.rip, 0x7c00, "real: IP = entry");
		tap_eq(r.rflags, 0x2, "real: RFLAGS = 0x2");
		tap_check(s.cs.selector == 0 && s.cs.base == 0,
			  "real: CS = 0, base 0");
		tap_check(!s.ds.selector && !s.es.selector && !s.ss.selector,
			  "real: DS = ES = SS = 0");
		tap_eq(s.cr0 & (CR0_PE | CR0_PG), 0, "real: PE and PG off");
	} else {
		tap_check(0, "real: GET_REGS and GET_SREGS after FINALIZE");
	}
	close(vcpu);
	close(vm);

	vcpu = finalized(0x200000, AXVM_MODE_PROTECTED, &vm);
	if (tap_check(vcpu >= 0, "a protected-mode VM, FINALIZEd") &&
	    !ioctl(vcpu, AXVM_GET_REGS, &r) &&
	    !ioctl(vcpu, AXVM_GET_SREGS, &s)) {
		tap_eq(r.rip, 0x200000, "protected: EIP = entry");
		tap_check(s.cs.selector == 0x08 && s.ds.selector == 0x10,
			  "protected: CS 0x08, data 0x10");
		tap_check(s.cs.base == 0 && s.cs.limit == 0xffffffff &&
			  s.ds.base == 0 && s.ds.limit == 0xffffffff,
			  "protected: flat 4 GiB segments");
		tap_eq(s.cr0 & (CR0_PE | CR0_PG), CR0_PE,
		       "protected: PE on, paging off");
		tap_eq(s.efer & EFER_LMA, 0, "protected: not long mode");
	} else {
		tap_check(0, "protected: GET_REGS and GET_SREGS after FINALIZE");
	}
	close(vcpu);
	close(vm);
}

/* Registers set after FINALIZE last until RESTART puts back the entry. */
static void test_regs_restart(void)
{
	struct axvm_regs r;
	struct axvm_sregs s;
	int vm, vcpu;

	vcpu = finalized(0x100000, AXVM_MODE_LONG, &vm);
	if (!tap_check(vcpu >= 0, "a long-mode VM for RESTART"))
		goto out;
	ioctl(vcpu, AXVM_GET_REGS, &r);
	ioctl(vcpu, AXVM_GET_SREGS, &s);
	r.rip = 0x200000;
	r.rsp = 0x8000;
	s.cr3 = 0x5000;
	tap_ret(ioctl(vcpu, AXVM_SET_REGS, &r), 0, "SET_REGS after FINALIZE");
	tap_ret(ioctl(vcpu, AXVM_SET_SREGS, &s), 0, "SET_SREGS after FINALIZE");
	tap_ret(ioctl(vm, AXVM_START, 0), 0, "START");
	memset(&r, 0, sizeof(r));
	ioctl(vcpu, AXVM_GET_REGS, &r);
	tap_check(r.rip == 0x200000 && r.rsp == 0x8000,
		  "START keeps the registers set after FINALIZE");
	tap_ret(ioctl(vm, AXVM_STOP, 0), 0, "STOP");
	tap_ret(ioctl(vcpu, AXVM_SET_REGS, &r), 0, "SET_REGS while stopped");
	tap_ret(ioctl(vm, AXVM_RESTART, 0), 0, "RESTART");
	ioctl(vcpu, AXVM_GET_REGS, &r);
	ioctl(vcpu, AXVM_GET_SREGS, &s);
	tap_check(r.rip == 0x100000 && r.rsp == 0 && s.cr3 == 0xa000,
		  "RESTART puts the vCPU back in the entry state");
	tap_ret(ioctl(vm, AXVM_STOP, 0), 0, "STOP");
out:
	if (vcpu >= 0)
		close(vcpu);
	close(vm);
}

static void test_run_refused(void)
{
	struct axvm_run *run;
	int vm, vcpu;

	vm = axvm_vm_new(sys, 0, 1, NULL, NULL);
	vcpu = ioctl(vm, AXVM_CREATE_VCPU, 0);
	if (!tap_check(vm >= 0 && vcpu >= 0, "a vCPU for RUN"))
		return;
	run = mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	tap_errno(ioctl(vcpu, AXVM_RUN, 1), EINVAL,
		  "RUN with an argument: EINVAL");
	tap_errno(ioctl(vcpu, AXVM_RUN, 0), EINVAL,
		  "RUN before FINALIZE (vCPU not ready): EINVAL");
	axvm_region(vm, 0, 2 * MiB, RWX);
	ioctl(vm, AXVM_FINALIZE, 0);
	tap_ret(ioctl(vm, AXVM_START, 0), 0, "START the VMM VM");
	if (run == MAP_FAILED) {
		tap_check(0, "mmap of the vCPU");
	} else {
		run->immediate_exit = 1;
		tap_errno(ioctl(vcpu, AXVM_RUN, 0), EINTR,
			  "RUN with immediate_exit: EINTR, no guest entry");
		tap_eq(run->exit_reason, AXVM_EXIT_INTR,
		       "RUN with immediate_exit: exit_reason INTR");
		munmap(run, AXVM_RUN_SIZE);
	}
	tap_eq(axvm_state(vm), AXVM_VM_RUNNING, "the VM is still running");
	tap_ret(ioctl(vm, AXVM_STOP, 0), 0, "STOP");
	close(vcpu);
	close(vm);
}

int main(void)
{
	sys = axvm_open();
	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	test_create();
	test_mmap();
	test_regs();
	test_entry_state();
	test_regs_restart();
	test_run_refused();
	close(sys);
	return tap_done();
}
