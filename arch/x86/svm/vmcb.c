// SPDX-License-Identifier: GPL-2.0
/*
 * The VMCB of a vCPU: which guest actions exit (the intercepts), the
 * I/O and MSR permission maps, nested paging, and ASIDs.
 *
 * Intercepted (everything the guest could use to reach the host or to
 * wedge the physical CPU, and everything we emulate):
 *   INTR, NMI, SMI, INIT       the host's own events: exit, let them in
 *   VINTR                      only while waiting for an interrupt window
 *   CPUID, MSR (all, MSRPM), IOIO (all ports, IOPM)   emulated/forwarded
 *   HLT, SHUTDOWN              block / stop the VM (a triple fault would
 *                              otherwise shut the physical CPU down)
 *   INVD, WBINVD               a no-op: INVD would drop the host's dirty
 *                              cache lines, WBINVD stalls the host
 *   VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA   #UD: no nested
 *                              SVM (VMRUN must be intercepted anyway)
 *   VMMCALL                    the hypercall
 *   RDTSCP                     emulated where the CPU honours it (QEMU
 *                              does not: TSC_AUX is switched anyway, see
 *                              run.c)
 *   RDPMC, RDPRU, MONITOR, MWAIT(_COND)   #UD: host counters, host idle
 *   XSETBV                     checked against the host's XCR0
 *   DR0-3 reads/writes         until first use, then switched per entry
 *   #DB, #AC                   reflected: CVE-2015-8104 / CVE-2015-5307
 *                              (an endless #DB/#AC delivery loop would
 *                              hang the CPU without an exit)
 *   #MC                        handed to the host's machine check handler
 * Not intercepted: CR and most DR accesses, INVLPG, PAUSE, task
 * switches, RDTSC: with nested paging they only touch guest state.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mem_encrypt.h>
#include <linux/mm.h>
#include <asm/processor.h>
#include <asm/svm.h>
#include "svm.h"
#include "kunit_export.h"

#define SVM_IOPM_ORDER		2	/* 12 KiB used */
#define SVM_IOPM_BYTES		(12 * 1024)

/* Shared by every vCPU: it never changes after load. */
static struct page *axvm_svm_iopm;

/* G_PAT's power-on value: WB, WT, UC-, UC, repeated. */
#define SVM_DEFAULT_GPAT	0x0007040600070406ULL

void axvm_svm_set_intercept(struct vmcb *vmcb, unsigned int bit)
{
	vmcb->control.intercepts[bit / 32] |= BIT(bit % 32);
}

void axvm_svm_clr_intercept(struct vmcb *vmcb, unsigned int bit)
{
	vmcb->control.intercepts[bit / 32] &= ~BIT(bit % 32);
}

bool axvm_svm_is_intercept(const struct vmcb *vmcb, unsigned int bit)
{
	return vmcb->control.intercepts[bit / 32] & BIT(bit % 32);
}

/* DR0-3 reads and writes: on until the guest first touches one. */
void axvm_svm_set_dr_intercepts(struct vmcb *vmcb, bool on)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (on) {
			axvm_svm_set_intercept(vmcb, INTERCEPT_DR0_READ + i);
			axvm_svm_set_intercept(vmcb, INTERCEPT_DR0_WRITE + i);
		} else {
			axvm_svm_clr_intercept(vmcb, INTERCEPT_DR0_READ + i);
			axvm_svm_clr_intercept(vmcb, INTERCEPT_DR0_WRITE + i);
		}
	}
}

static const u8 axvm_svm_intercepts[] = {
	INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_INIT,
	INTERCEPT_CPUID, INTERCEPT_RDPMC, INTERCEPT_INVD, INTERCEPT_HLT,
	INTERCEPT_INVLPGA, INTERCEPT_IOIO_PROT, INTERCEPT_MSR_PROT,
	INTERCEPT_SHUTDOWN,
	INTERCEPT_VMRUN, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD,
	INTERCEPT_VMSAVE, INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT,
	INTERCEPT_RDTSCP, INTERCEPT_WBINVD, INTERCEPT_MONITOR,
	INTERCEPT_MWAIT, INTERCEPT_MWAIT_COND, INTERCEPT_XSETBV,
	INTERCEPT_RDPRU,
};

/* The control area of a new vCPU; the guest state is entry.c's. */
void axvm_svm_vmcb_init(struct axvm_svm_vcpu *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(axvm_svm_intercepts); i++)
		axvm_svm_set_intercept(svm->vmcb, axvm_svm_intercepts[i]);
	axvm_svm_set_dr_intercepts(svm->vmcb, true);
	c->intercepts[INTERCEPT_EXCEPTION] = BIT(DB_VECTOR) | BIT(AC_VECTOR) |
					     BIT(MC_VECTOR);

	c->iopm_base_pa = __sme_set(page_to_phys(axvm_svm_iopm));
	c->msrpm_base_pa = svm->msrpm_pa;
	c->tsc_offset = 0;
	/*
	 * V_INTR_MASKING: the guest's RFLAGS.IF and CR8 mask only virtual
	 * interrupts; host interrupts always exit (INTR), so `cli; jmp .`
	 * cannot keep the host out.
	 */
	c->int_ctl = V_INTR_MASKING_MASK;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->tlb_ctl = TLB_CONTROL_DO_NOTHING;

	svm->vmcb->save.g_pat = SVM_DEFAULT_GPAT;
	/* A fresh vCPU has no ASID on any CPU yet. */
	svm->asid_cpu = -1;
	svm->asid_generation = 0;
}

/*
 * ASIDs are handed out per physical CPU (KVM's new_asid): a vCPU keeps
 * its ASID while it stays on a CPU and the CPU's generation does not
 * change. When the CPU runs out, a new generation starts with a flush
 * of every ASID (TLB_CONTROL 1: QEMU has no flush-by-ASID), so within a
 * generation each ASID belongs to one vCPU and never holds another's
 * translations. Interrupts off.
 */
void axvm_svm_assign_asid(struct axvm_svm_vcpu *svm, struct axvm_svm_cpu *sd, int cpu)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	u64 unmap_gen = READ_ONCE(svm->vcpu.vm->aspace.unmap_gen);

	/*
	 * Mappings were removed (mm.h: unmap_gen) since this vCPU last ran:
	 * its ASID may still cache translations to freed frames. No vCPU
	 * is in the guest while they go, so a flush at entry is enough.
	 */
	if (svm->unmap_gen != unmap_gen) {
		svm->unmap_gen = unmap_gen;
		c->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}

	if (svm->asid_cpu != cpu) {
		svm->asid_cpu = cpu;
		svm->asid_generation = 0;
	}
	if (svm->asid_generation == sd->asid_generation)
		return;
	if (sd->next_asid > sd->max_asid) {
		sd->asid_generation++;
		sd->next_asid = SVM_MIN_ASID;
		c->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}
	c->asid = sd->next_asid++;
	svm->asid_generation = sd->asid_generation;
}
AXVM_EXPORT_FOR_TESTS(axvm_svm_assign_asid);

/*
 * When SVM is (re)enabled on a CPU: whatever the TLB holds is stale, so
 * start a generation whose first allocation flushes everything.
 */
void axvm_svm_cpu_asid_reset(struct axvm_svm_cpu *sd)
{
	u32 nasid = cpuid_ebx(SVM_CPUID_FUNC);

	sd->max_asid = nasid > SVM_MIN_ASID ? nasid - 1 : SVM_MIN_ASID;
	sd->next_asid = sd->max_asid + 1;
	sd->asid_generation++;
}

int axvm_svm_vmcb_global_init(void)
{
	axvm_svm_iopm = alloc_pages(GFP_KERNEL, SVM_IOPM_ORDER);
	if (!axvm_svm_iopm)
		return -ENOMEM;
	/* Every port exits: the VM's devices decide (IOPM bits set). */
	memset(page_address(axvm_svm_iopm), 0xff, PAGE_SIZE << SVM_IOPM_ORDER);
	return 0;
}

void axvm_svm_vmcb_global_exit(void)
{
	if (axvm_svm_iopm)
		__free_pages(axvm_svm_iopm, SVM_IOPM_ORDER);
	axvm_svm_iopm = NULL;
}

static_assert(SVM_IOPM_BYTES <= (PAGE_SIZE << SVM_IOPM_ORDER));
static_assert(SVM_MSRPM_FRAMES * PAGE_SIZE >= SVM_MSRPM_BYTES);
