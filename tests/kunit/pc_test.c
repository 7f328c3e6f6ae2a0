// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the x86 PC platform (arch/x86/pc.c) in a VM on the fake HAL and
 * the fake backend, driven as the core drives it: guest accesses through
 * its access op, lines and MSIs through the VM's entry points, delivery
 * through axvm_vcpu_pending_irq()/ack, and the run loop's vcpu_events
 * and wakeup. The device models have suites of their own (lapic_test.c,
 * ioapic_test.c, i8259_test.c); this one checks the wiring between them
 * and the vCPUs: SMP bring-up, routing, the firmware state, refusals.
 */
#include <kunit/test.h>
#include "axvm.h"
#include "vm.h"
#include "mm.h"
#include "pc.h"
#include "loader.h"
#include "fake_hal.h"
#include "fake_arch.h"
#include "suites.h"

#define APIC		0xfee00000ULL
#define XAPIC_ID		0x20
#define XAPIC_EOI	0xb0
#define XAPIC_SVR	0xf0
#define XAPIC_LVT0	0x350
#define XAPIC_ICR_LO	0x300
#define XAPIC_ICR_HI	0x310
#define IOAPIC		0xfec00000ULL

struct pc_test {
	struct axvm_fake_hal *fh;
	struct axvm_fake_arch *fa;
};

static int pc_test_init(struct kunit *test)
{
	struct pc_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->fh = axvm_fake_hal_new(test);
	t->fa = axvm_fake_arch_new(test);
	/* The fake backend offers the PC, as the SVM one does. */
	t->fa->ops.platform = &axvm_x86_pc_ops;
	test->priv = t;
	return 0;
}

/* A finalized platform VM with @n vCPUs (APs with @ap_entry if not 0). */
static struct axvm *pc_vm(struct kunit *test, u32 n, u64 ap_entry)
{
	struct pc_test *t = test->priv;
	struct axvm *vm;

	vm = axvm_fake_vm_new(test, t->fa, &t->fh->ops, AXVM_VM_PLATFORM_PC,
			      n, NULL);
	if (ap_entry) {
		struct axvm_entry e = { .entry = ap_entry,
					.flags = AXVM_ENTRY_AP };

		KUNIT_ASSERT_EQ(test, axvm_vm_set_entry(vm, &e), 0);
	}
	axvm_fake_vm_finalize(test, vm);
	return vm;
}

static bool mmio(struct axvm_vcpu *vcpu, u64 gpa, u8 width, bool write,
		 u64 *val)
{
	return vcpu->vm->platform->access(vcpu, AXVM_SPACE_MMIO, gpa, width,
					  write, val);
}

static void apic_write(struct kunit *test, struct axvm_vcpu *vcpu, u32 off,
		       u32 val)
{
	u64 v = val;

	KUNIT_ASSERT_TRUE(test, mmio(vcpu, APIC + off, 4, true, &v));
}

static u32 apic_read(struct kunit *test, struct axvm_vcpu *vcpu, u32 off)
{
	u64 v = 0;

	KUNIT_ASSERT_TRUE(test, mmio(vcpu, APIC + off, 4, false, &v));
	return v;
}

static void ioapic_write(struct kunit *test, struct axvm_vcpu *vcpu, u32 reg,
			 u32 val)
{
	u64 sel = reg, v = val;

	KUNIT_ASSERT_TRUE(test, mmio(vcpu, IOAPIC, 4, true, &sel));
	KUNIT_ASSERT_TRUE(test, mmio(vcpu, IOAPIC + 0x10, 4, true, &v));
}

static void port_write(struct kunit *test, struct axvm_vcpu *vcpu, u16 port,
		       u8 val)
{
	u64 v = val;

	KUNIT_ASSERT_TRUE(test, vcpu->vm->platform->access(vcpu,
				AXVM_SPACE_PIO, port, 1, true, &v));
}

static enum axvm_vcpu_next events(struct kunit *test, struct axvm_vcpu *vcpu)
{
	enum axvm_vcpu_next next = -1;

	KUNIT_EXPECT_EQ(test, vcpu->vm->platform->vcpu_events(vcpu, &next), 0);
	return next;
}

static bool wakeup(struct axvm_vcpu *vcpu)
{
	return vcpu->vm->platform->vcpu_wakeup(vcpu);
}

/* Deliver what is pending on @vcpu, as the backend does. */
static int take_irq(struct axvm_vcpu *vcpu)
{
	int v = axvm_vcpu_pending_irq(vcpu);

	return v >= 0 ? axvm_vcpu_ack_irq(vcpu, v) : v;
}

/* ---- SMP bring-up -------------------------------------------------------- */

static void pc_bsp_runs_aps_wait_for_sipi(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 3, 0);

	KUNIT_EXPECT_EQ(test, events(test, vm->vcpus[0]), AXVM_VCPU_NEXT_RUN);
	KUNIT_EXPECT_EQ(test, events(test, vm->vcpus[1]), AXVM_VCPU_NEXT_WAIT);
	KUNIT_EXPECT_EQ(test, events(test, vm->vcpus[2]), AXVM_VCPU_NEXT_WAIT);
	KUNIT_EXPECT_FALSE(test, wakeup(vm->vcpus[1]));
	/* A fixed IPI does not start a CPU that waits for SIPI. */
	apic_write(test, vm->vcpus[0], XAPIC_SVR, 0x1ff);
	apic_write(test, vm->vcpus[0], XAPIC_ICR_HI, 1 << 24);
	apic_write(test, vm->vcpus[0], XAPIC_ICR_LO, 0x40);
	KUNIT_EXPECT_FALSE(test, wakeup(vm->vcpus[1]));
	KUNIT_EXPECT_EQ(test, events(test, vm->vcpus[1]), AXVM_VCPU_NEXT_WAIT);
}

static void pc_init_sipi_starts_ap_in_real_mode(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 3, 0);
	struct axvm_fake_vcpu *ap = axvm_fake_vcpu(vm->vcpus[1]);

	apic_write(test, vm->vcpus[0], XAPIC_ICR_HI, 1 << 24);
	apic_write(test, vm->vcpus[0], XAPIC_ICR_LO, 0x4500);	/* INIT */
	apic_write(test, vm->vcpus[0], XAPIC_ICR_LO, 0x469a);	/* SIPI 0x9a */
	KUNIT_EXPECT_TRUE(test, wakeup(vm->vcpus[1]));
	KUNIT_EXPECT_EQ(test, events(test, vm->vcpus[1]), AXVM_VCPU_NEXT_RUN);
	KUNIT_EXPECT_EQ(test, ap->reset_mode, (u32)AXVM_MODE_REAL);
	KUNIT_EXPECT_EQ(test, ap->sregs.cs.selector, 0x9a00);
	KUNIT_EXPECT_EQ(test, ap->sregs.cs.base, 0x9a000ULL);
	KUNIT_EXPECT_EQ(test, ap->regs.rip, 0ULL);
	/* Only the named AP. */
	KUNIT_EXPECT_EQ(test, events(test, vm->vcpus[2]), AXVM_VCPU_NEXT_WAIT);
	/* A second SIPI to a running CPU is ignored. */
	apic_write(test, vm->vcpus[0], XAPIC_ICR_LO, 0x4611);
	KUNIT_EXPECT_EQ(test, events(test, vm->vcpus[1]), AXVM_VCPU_NEXT_RUN);
	KUNIT_EXPECT_EQ(test, ap->sregs.cs.selector, 0x9a00);
	/* INIT puts it back to waiting. */
	apic_write(test, vm->vcpus[0], XAPIC_ICR_LO, 0x4500);
	KUNIT_EXPECT_EQ(test, events(test, vm->vcpus[1]), AXVM_VCPU_NEXT_WAIT);
}

static void pc_init_to_bsp_ignored(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 2, 0);

	apic_write(test, vm->vcpus[1], XAPIC_ICR_HI, 0);
	apic_write(test, vm->vcpus[1], XAPIC_ICR_LO, 0x4500);
	KUNIT_EXPECT_EQ(test, events(test, vm->vcpus[0]), AXVM_VCPU_NEXT_RUN);
}

static void pc_ap_entry_starts_aps(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 2, 0x300000);

	KUNIT_EXPECT_EQ(test, events(test, vm->vcpus[1]), AXVM_VCPU_NEXT_RUN);
	KUNIT_EXPECT_EQ(test, axvm_fake_vcpu(vm->vcpus[1])->reset_entry,
			0x300000ULL);
	KUNIT_EXPECT_EQ(test, axvm_fake_vcpu(vm->vcpus[0])->reset_entry,
			vm->entry);
}

/* ---- the APIC in the VM -------------------------------------------------- */

static void pc_apic_per_vcpu(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 2, 0);
	u64 v = 0;

	KUNIT_EXPECT_EQ(test, apic_read(test, vm->vcpus[0], XAPIC_ID), 0u);
	KUNIT_EXPECT_EQ(test, apic_read(test, vm->vcpus[1], XAPIC_ID), 1u << 24);
	/* A byte read sees the register's byte; a short write is dropped. */
	KUNIT_ASSERT_TRUE(test, mmio(vm->vcpus[1], APIC + XAPIC_ID + 3, 1,
				     false, &v));
	KUNIT_EXPECT_EQ(test, v, 1ULL);
	v = 0x55;
	KUNIT_ASSERT_TRUE(test, mmio(vm->vcpus[0], APIC + XAPIC_SVR, 1, true,
				     &v));
	KUNIT_EXPECT_EQ(test, apic_read(test, vm->vcpus[0], XAPIC_SVR), 0x1ffu);
	/* Outside the two windows: not the platform's. */
	KUNIT_EXPECT_FALSE(test, mmio(vm->vcpus[0], APIC + 0x1000, 4, false,
				      &v));
}

static void pc_firmware_state(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 2, 0);
	u64 v = 0;

	/* BSP: APIC enabled, LINT0 ExtINT, LINT1 NMI; an AP: power-on. */
	KUNIT_EXPECT_EQ(test, apic_read(test, vm->vcpus[0], XAPIC_SVR), 0x1ffu);
	KUNIT_EXPECT_EQ(test, apic_read(test, vm->vcpus[0], XAPIC_LVT0), 0x8700u);
	KUNIT_EXPECT_EQ(test, apic_read(test, vm->vcpus[1], XAPIC_SVR), 0xffu);
	/* 8259 masks: all but the timer and cascade, as SeaBIOS leaves them. */
	KUNIT_ASSERT_TRUE(test, vm->platform->access(vm->vcpus[0],
			  AXVM_SPACE_PIO, 0x21, 1, false, &v));
	KUNIT_EXPECT_EQ(test, v, 0xfaULL);
	KUNIT_ASSERT_TRUE(test, vm->platform->access(vm->vcpus[0],
			  AXVM_SPACE_PIO, 0xa1, 1, false, &v));
	KUNIT_EXPECT_EQ(test, v, 0xffULL);
	KUNIT_EXPECT_FALSE(test, vm->platform->access(vm->vcpus[0],
			   AXVM_SPACE_PIO, 0x3f8, 1, false, &v));
}

static void pc_ipi_fixed_and_eoi(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 2, 0x300000);
	struct axvm_vcpu *a = vm->vcpus[1];

	apic_write(test, a, XAPIC_SVR, 0x1ff);
	apic_write(test, vm->vcpus[0], XAPIC_ICR_HI, 1 << 24);
	apic_write(test, vm->vcpus[0], XAPIC_ICR_LO, 0x51);
	KUNIT_EXPECT_TRUE(test, wakeup(a));
	KUNIT_EXPECT_EQ(test, take_irq(a), 0x51);
	/* In service: the same class waits for the EOI. */
	apic_write(test, vm->vcpus[0], XAPIC_ICR_LO, 0x52);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(a), -1);
	apic_write(test, a, XAPIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, take_irq(a), 0x52);
	KUNIT_EXPECT_EQ(test, take_irq(vm->vcpus[0]), -1);
}

/* ---- lines and MSIs ------------------------------------------------------ */

static void pc_gsi_through_ioapic(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 2, 0x300000);
	struct axvm_gsi gsi = { .gsi = 4, .level = 1 };

	/* An OS on the IOAPIC masks the 8259s (firmware left IRQ 0 on). */
	port_write(test, vm->vcpus[0], 0x21, 0xff);
	/* Pin 4 -> vector 0x34 on APIC 1; IRQ 0 arrives on pin 2. */
	ioapic_write(test, vm->vcpus[0], 0x10 + 2 * 4 + 1, 1 << 24);
	ioapic_write(test, vm->vcpus[0], 0x10 + 2 * 4, 0x34);
	ioapic_write(test, vm->vcpus[0], 0x10 + 2 * 2, 0x32);
	apic_write(test, vm->vcpus[1], XAPIC_SVR, 0x1ff);
	apic_write(test, vm->vcpus[0], XAPIC_SVR, 0x1ff);
	KUNIT_EXPECT_EQ(test, axvm_vm_set_gsi(vm, &gsi), 0);
	gsi.level = 0;
	KUNIT_EXPECT_EQ(test, axvm_vm_set_gsi(vm, &gsi), 0);
	KUNIT_EXPECT_EQ(test, take_irq(vm->vcpus[1]), 0x34);
	gsi.gsi = 0;
	gsi.level = 1;
	KUNIT_EXPECT_EQ(test, axvm_vm_set_gsi(vm, &gsi), 0);
	KUNIT_EXPECT_EQ(test, take_irq(vm->vcpus[0]), 0x32);
	/* The 8259s stayed masked: nothing came through LINT0. */
	KUNIT_EXPECT_EQ(test, take_irq(vm->vcpus[0]), -1);
}

static void pc_gsi_through_8259(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 1, 0);
	struct axvm_gsi gsi = { .gsi = 3, .level = 1 };

	port_write(test, vm->vcpus[0], 0x21, 0xf3);	/* unmask IRQ 3 */
	KUNIT_EXPECT_EQ(test, axvm_vm_set_gsi(vm, &gsi), 0);
	/* ExtINT on the BSP's LINT0: the vector the 8259's INTA gives. */
	KUNIT_EXPECT_TRUE(test, wakeup(vm->vcpus[0]));
	KUNIT_EXPECT_EQ(test, take_irq(vm->vcpus[0]), 0x08 + 3);
	KUNIT_EXPECT_EQ(test, take_irq(vm->vcpus[0]), -1);
	port_write(test, vm->vcpus[0], 0x20, 0x20);	/* EOI */
}

/*
 * The 8259's acknowledge runs when the CPU takes the interrupt, not when
 * the run loop looks: a request the guest masks first (an OS masking
 * the firmware's timer) is never delivered, and a look changes nothing.
 */
static void pc_pic_request_masked_before_taken(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 1, 0);
	struct axvm_gsi gsi = { .gsi = 3, .level = 1 };
	struct axvm_vcpu *bsp = vm->vcpus[0];

	port_write(test, bsp, 0x21, 0xf3);	/* unmask IRQ 3 */
	KUNIT_EXPECT_EQ(test, axvm_vm_set_gsi(vm, &gsi), 0);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(bsp), 0x08 + 3);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(bsp), 0x08 + 3);
	port_write(test, bsp, 0x21, 0xff);	/* the guest masks it */
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(bsp), -1);
	KUNIT_EXPECT_EQ(test, take_irq(bsp), -1);
	/* Unmasked again, the request (still in IRR) is taken once. */
	port_write(test, bsp, 0x21, 0xf3);
	KUNIT_EXPECT_EQ(test, take_irq(bsp), 0x08 + 3);
	KUNIT_EXPECT_EQ(test, take_irq(bsp), -1);
}

static void pc_msi(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 2, 0x300000);
	struct axvm_msi msi = { .address = 0xfee01000, .data = 0x45 };

	apic_write(test, vm->vcpus[1], XAPIC_SVR, 0x1ff);
	KUNIT_EXPECT_EQ(test, axvm_vm_signal_msi(vm, &msi), 0);
	KUNIT_EXPECT_EQ(test, take_irq(vm->vcpus[1]), 0x45);
	KUNIT_EXPECT_EQ(test, take_irq(vm->vcpus[0]), -1);
	msi.address = 0xfed00000;
	KUNIT_EXPECT_EQ(test, axvm_vm_signal_msi(vm, &msi), -EINVAL);
	msi.address = 0xfee00000;
	msi.data = 0x500;		/* INIT: not a device's to send */
	KUNIT_EXPECT_EQ(test, axvm_vm_signal_msi(vm, &msi), -EINVAL);
	msi.data = 0x45;
	msi.flags = 1;
	KUNIT_EXPECT_EQ(test, axvm_vm_signal_msi(vm, &msi), -EINVAL);
	msi.flags = 0;
	msi.reserved[1] = 1;
	KUNIT_EXPECT_EQ(test, axvm_vm_signal_msi(vm, &msi), -EINVAL);
}

/* What belongs to bare VMs is refused on platform VMs, and the reverse. */
static void pc_refusals(struct kunit *test)
{
	struct pc_test *t = test->priv;
	struct axvm *vm = pc_vm(test, 1, 0);
	struct axvm *bare;
	struct axvm_irq irq = { .vcpu = 0, .irq = 4 };
	struct axvm_gsi gsi = { .gsi = 24, .level = 1 };
	struct axvm_msi msi = { .address = 0xfee00000, .data = 0x45 };

	KUNIT_EXPECT_EQ(test, axvm_irq_line(vm, &irq), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_inject(vm->vcpus[0], 0x40), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_vm_set_gsi(vm, &gsi), -EINVAL);
	gsi.gsi = 4;
	gsi.level = 2;
	KUNIT_EXPECT_EQ(test, axvm_vm_set_gsi(vm, &gsi), -EINVAL);
	gsi.level = 1;
	gsi.flags = 1;
	KUNIT_EXPECT_EQ(test, axvm_vm_set_gsi(vm, &gsi), -EINVAL);

	bare = axvm_fake_vm_new(test, t->fa, &t->fh->ops, 0, 1, NULL);
	gsi.flags = 0;
	KUNIT_EXPECT_EQ(test, axvm_vm_set_gsi(bare, &gsi), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_vm_signal_msi(bare, &msi), -EINVAL);
}

/* RESTART: the chips back to the firmware state, the APs to waiting. */
static void pc_restart_resets(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 2, 0);
	u64 v = 0;

	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);
	port_write(test, vm->vcpus[0], 0x21, 0x00);
	apic_write(test, vm->vcpus[0], XAPIC_ICR_HI, 1 << 24);
	apic_write(test, vm->vcpus[0], XAPIC_ICR_LO, 0x4500);
	apic_write(test, vm->vcpus[0], XAPIC_ICR_LO, 0x4608);
	KUNIT_EXPECT_EQ(test, events(test, vm->vcpus[1]), AXVM_VCPU_NEXT_RUN);
	KUNIT_ASSERT_EQ(test, axvm_vm_stop(vm), 0);
	KUNIT_ASSERT_EQ(test, axvm_vm_restart(vm), 0);
	KUNIT_EXPECT_EQ(test, events(test, vm->vcpus[1]), AXVM_VCPU_NEXT_WAIT);
	KUNIT_ASSERT_TRUE(test, vm->platform->access(vm->vcpus[0],
			  AXVM_SPACE_PIO, 0x21, 1, false, &v));
	KUNIT_EXPECT_EQ(test, v, 0xfaULL);
	KUNIT_ASSERT_EQ(test, axvm_vm_stop(vm), 0);
}

/* ---- timers, firmware, power --------------------------------------------- */

static void port_write16(struct kunit *test, struct axvm_vcpu *vcpu, u16 port,
			 u16 val)
{
	u64 v = val;

	KUNIT_ASSERT_TRUE(test, vcpu->vm->platform->access(vcpu,
				AXVM_SPACE_PIO, port, 2, true, &v));
}

static u8 port_read(struct kunit *test, struct axvm_vcpu *vcpu, u16 port)
{
	u64 v = 0;

	KUNIT_ASSERT_TRUE(test, vcpu->vm->platform->access(vcpu,
				AXVM_SPACE_PIO, port, 1, false, &v));
	return v;
}

static void vm_info_of(struct axvm *vm, struct axvm_vm_info *info)
{
	axvm_vm_info(vm, info);
}

/* SLP_EN with SLP_TYP 5 (the DSDT's _S5) in PM1a_CNT at 0x604: poweroff. */
static void pc_s5_powers_off(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 1, 0);
	struct axvm_vm_info info;

	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);
	/* Another sleep type is not ours: nothing happens. */
	port_write16(test, vm->vcpus[0], 0x604, (1 << 10) | (1 << 13));
	vm_info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)AXVM_VM_RUNNING);
	port_write16(test, vm->vcpus[0], 0x604, (5 << 10) | (1 << 13));
	vm_info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)AXVM_VM_STOPPED);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_POWEROFF);
	KUNIT_EXPECT_EQ(test, info.exit_code, 0LL);
	KUNIT_ASSERT_EQ(test, axvm_vm_stop(vm), 0);
}

/* The reset control register (0xcf9, RST_CPU): a VMM-mode VM stops. */
static void pc_reset_register(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 1, 0);
	struct axvm_vm_info info;

	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);
	port_write(test, vm->vcpus[0], 0xcf9, 0x02);	/* SYS_RST alone */
	vm_info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)AXVM_VM_RUNNING);
	port_write(test, vm->vcpus[0], 0xcf9, 0x06);
	vm_info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)AXVM_VM_STOPPED);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_RESET);
	KUNIT_ASSERT_EQ(test, axvm_vm_stop(vm), 0);
}

/*
 * The PIT's IRQ 0 reaches IOAPIC pin 2 (the MADT's override); with the
 * HPET's legacy route on, the PIT is cut off, as on a chipset.
 */
static void pc_pit_irq0_and_hpet_legacy(struct kunit *test)
{
	struct pc_test *t = test->priv;
	struct axvm *vm = pc_vm(test, 1, 0);
	struct axvm_vcpu *bsp = vm->vcpus[0];
	u64 cfg = 0x3;			/* ENABLE_CNF | LEG_RT_CNF */

	/* An OS on the IOAPIC masks the 8259s firmware left the timer on. */
	port_write(test, bsp, 0x21, 0xff);
	ioapic_write(test, bsp, 0x10 + 2 * 2, 0x30);
	apic_write(test, bsp, XAPIC_SVR, 0x1ff);
	port_write(test, bsp, 0x43, 0x34);	/* ch 0, lo/hi, mode 2 */
	port_write(test, bsp, 0x40, 11931 & 0xff);	/* 9.9994 ms */
	port_write(test, bsp, 0x40, 11931 >> 8);
	axvm_fake_hal_advance_time(t->fh, 9 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, take_irq(bsp), -1);
	axvm_fake_hal_advance_time(t->fh, 1 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, take_irq(bsp), 0x30);
	apic_write(test, bsp, XAPIC_EOI, 0);

	KUNIT_ASSERT_TRUE(test, mmio(bsp, 0xfed00010, 8, true, &cfg));
	axvm_fake_hal_advance_time(t->fh, 50 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, take_irq(bsp), -1);
}

/* A VM with RAM at 0: its firmware tables and CMOS after FINALIZE. */
static struct axvm *pc_vm_ram(struct kunit *test, u32 n, u64 ram)
{
	struct pc_test *t = test->priv;
	struct axvm_memory_region r = {
		.gpa = 0, .size = ram, .flags = AXVM_MEM_READ |
		AXVM_MEM_WRITE | AXVM_MEM_EXEC, .map_type = AXVM_MAP_ALLOC,
	};
	struct axvm *vm;

	vm = axvm_fake_vm_new(test, t->fa, &t->fh->ops, AXVM_VM_PLATFORM_PC,
			      n, NULL);
	KUNIT_ASSERT_EQ(test, axvm_vm_add_region(vm, &r), 0);
	axvm_fake_vm_finalize(test, vm);
	return vm;
}

static u8 cmos_read(struct kunit *test, struct axvm_vcpu *vcpu, u8 index)
{
	port_write(test, vcpu, 0x70, index);
	return port_read(test, vcpu, 0x71);
}

/*
 * The RSDP at 0xe0000 with a right checksum, its XSDT in RAM; the MADT
 * there names each vCPU; the CMOS says how much RAM there is above
 * 16 MiB in 64 KiB units (0x34/0x35) and how many CPUs (0x5f).
 */
static void pc_firmware_tables(struct kunit *test)
{
	struct axvm *vm = pc_vm_ram(test, 3, SZ_64M);
	u8 rsdp[36], sum = 0;
	u64 xsdt;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, axvm_aspace_read(&vm->aspace, 0xe0000, rsdp,
					       sizeof(rsdp)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(rsdp, "RSD PTR ", 8), 0);
	for (i = 0; i < 20; i++)
		sum += rsdp[i];
	KUNIT_EXPECT_EQ(test, sum, 0);
	memcpy(&xsdt, rsdp + 24, sizeof(xsdt));
	KUNIT_EXPECT_GE(test, xsdt, 0xe0000ULL);
	KUNIT_EXPECT_LT(test, xsdt, 0xf0000ULL);
	KUNIT_EXPECT_EQ(test, cmos_read(test, vm->vcpus[0], 0x34), 0x00);
	KUNIT_EXPECT_EQ(test, cmos_read(test, vm->vcpus[0], 0x35), 0x03);
	KUNIT_EXPECT_EQ(test, cmos_read(test, vm->vcpus[0], 0x5f), 2);
}

/* Without RAM at 0xe0000 there are no tables, and no failure either. */
static void pc_no_ram_no_tables(struct kunit *test)
{
	struct axvm *vm = pc_vm(test, 1, 0);
	struct axvm_vm_info info;

	KUNIT_EXPECT_FALSE(test, axvm_aspace_is_ram(&vm->aspace, 0xe0000, 1));
	vm_info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)AXVM_VM_LOADED);
}

/* A real-mode IVT entry: segment << 16 | offset. */
static u32 ivt_entry(struct kunit *test, struct axvm *vm, u8 vector)
{
	u32 e = 0;

	KUNIT_EXPECT_EQ(test, axvm_aspace_read(&vm->aspace, vector * 4, &e,
					       sizeof(e)), 0);
	return e;
}

/*
 * Firmware's timer: PIT channel 0 at 18.2 Hz (count 65536) through the
 * 8259 (vector 0x08) to the BSP's LINT0, and the real-mode IVT that
 * takes it: IRQ 0-7 on an EOI stub, IRQ 8-15 on another, the rest on
 * an IRET at F000:FF53.
 */
static void pc_firmware_timer_and_ivt(struct kunit *test)
{
	struct pc_test *t = test->priv;
	struct axvm *vm = pc_vm_ram(test, 1, SZ_2M);
	u8 code[9];

	/* 65536 / 1193182 Hz = 54.925 ms. */
	axvm_fake_hal_advance_time(t->fh, 54 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, take_irq(vm->vcpus[0]), -1);
	axvm_fake_hal_advance_time(t->fh, 1 * NSEC_PER_MSEC);
	KUNIT_EXPECT_TRUE(test, wakeup(vm->vcpus[0]));
	KUNIT_EXPECT_EQ(test, take_irq(vm->vcpus[0]), 0x08);

	KUNIT_EXPECT_EQ(test, ivt_entry(test, vm, 0x08), 0xf000ff00u);
	KUNIT_EXPECT_EQ(test, ivt_entry(test, vm, 0x0f), 0xf000ff00u);
	KUNIT_EXPECT_EQ(test, ivt_entry(test, vm, 0x73), 0xf000ff10u);
	KUNIT_EXPECT_EQ(test, ivt_entry(test, vm, 0x10), 0xf000ff53u);
	KUNIT_EXPECT_EQ(test, ivt_entry(test, vm, 0x00), 0xf000ff53u);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(&vm->aspace, 0xfff53, code, 1),
			0);
	KUNIT_EXPECT_EQ(test, code[0], 0xcf);		/* iret */
	/* IRQ 8-15: EOI to the slave (0xa0), then the master (0x20). */
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(&vm->aspace, 0xfff10, code, 9),
			0);
	KUNIT_EXPECT_EQ(test, code[4], 0xa0);
	KUNIT_EXPECT_EQ(test, code[6], 0x20);
	KUNIT_EXPECT_EQ(test, code[8], 0xcf);
}

/*
 * RAM over the platform's MMIO (IOAPIC, HPET, LAPIC) would hide the
 * devices: refused on a platform VM, below and above them accepted; a
 * bare VM has no such windows.
 */
static void pc_ram_over_mmio_refused(struct kunit *test)
{
	static const struct { u64 gpa, size; int err; } c[] = {
		{ 0, 0xc0000000ULL, 0 },
		{ 0xfec00000ULL, SZ_4K, -EINVAL },	/* IOAPIC */
		{ 0xfed00000ULL, SZ_4K, -EINVAL },	/* HPET */
		{ 0xfee00000ULL, SZ_4K, -EINVAL },	/* LAPIC */
		{ 0xf0000000ULL, SZ_256M, -EINVAL },	/* across them */
		{ 0xfed01000ULL, SZ_4K, 0 },		/* between */
		{ SZ_4G, SZ_1G, 0 },
	};
	struct pc_test *t = test->priv;
	struct axvm_memory_region r = {
		.flags = AXVM_MEM_READ | AXVM_MEM_WRITE,
		.map_type = AXVM_MAP_ALLOC,
	};
	struct axvm *vm, *bare;
	unsigned int i;

	vm = axvm_fake_vm_new(test, t->fa, &t->fh->ops, AXVM_VM_PLATFORM_PC,
			      1, NULL);
	bare = axvm_fake_vm_new(test, t->fa, &t->fh->ops, 0, 1, NULL);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		r.gpa = c[i].gpa;
		r.size = c[i].size;
		KUNIT_EXPECT_EQ_MSG(test, axvm_vm_add_region(vm, &r), c[i].err,
				    "region %#llx+%#llx", r.gpa, r.size);
	}
	r.gpa = 0xfec00000ULL;
	r.size = SZ_4K;
	KUNIT_EXPECT_EQ(test, axvm_vm_add_region(bare, &r), 0);
}

/*
 * A Linux bzImage and its initrd through LOAD_IMAGE on a platform VM:
 * boot_params names the RSDP, RSI points at it, and RESTART writes the
 * same boot_params again (the kernel and initrd where they were).
 */
static void pc_bzimage_reloads_on_restart(struct kunit *test)
{
	struct pc_test *t = test->priv;
	struct axvm_memory_region r = {
		.gpa = 0, .size = SZ_64M, .flags = AXVM_MEM_READ |
		AXVM_MEM_WRITE | AXVM_MEM_EXEC, .map_type = AXVM_MAP_ALLOC,
	};
	struct axvm_image kreq = { .format = AXVM_IMAGE_BZIMAGE, .size = 0x1400,
				   .flags = AXVM_IMAGE_SET_ENTRY };
	struct axvm_image ireq = { .format = AXVM_IMAGE_INITRD, .size = 0x2000 };
	u8 *k = kvzalloc(0x1400, GFP_KERNEL), *rd = kvzalloc(0x2000, GFP_KERNEL);
	u8 *before = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	u8 *after = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char *cmd = kstrdup("console=ttyS0", GFP_KERNEL);
	u64 rsdp = 0;
	struct axvm *vm;

	KUNIT_ASSERT_TRUE(test, k && rd && before && after && cmd);
	k[0x1f1] = 1;					/* setup_sects */
	k[0x1f5] = 1;					/* syssize 0x100 */
	k[0x201] = 0x66;
	memcpy(k + 0x202, "HdrS", 4);
	k[0x206] = 0x0f;				/* version 2.15 */
	k[0x207] = 0x02;
	k[0x211] = 1;					/* LOADED_HIGH */
	k[0x22f] = 0x7f;				/* initrd_addr_max */
	k[0x232] = 0x20;				/* alignment 2 MiB */
	k[0x234] = 1;					/* relocatable */
	k[0x236] = 1;					/* XLF_KERNEL_64 */
	k[0x239] = 0x08;				/* cmdline_size */
	k[0x25a] = 0x00;
	k[0x25b] = 0x01;				/* pref 16 MiB */
	k[0x262] = 0x40;				/* init_size 4 MiB */
	vm = axvm_fake_vm_new(test, t->fa, &t->fh->ops, AXVM_VM_PLATFORM_PC,
			      1, NULL);
	KUNIT_ASSERT_EQ(test, axvm_vm_add_region(vm, &r), 0);
	KUNIT_ASSERT_EQ(test, axvm_vm_load_image(vm, k, cmd, &kreq), 0);
	KUNIT_EXPECT_EQ(test, kreq.entry, (u64)SZ_16M + 0x200);
	KUNIT_EXPECT_EQ(test, kreq.mode, (u32)AXVM_MODE_LONG);
	KUNIT_ASSERT_EQ(test, axvm_vm_load_image(vm, rd, NULL, &ireq), 0);
	KUNIT_EXPECT_EQ(test, ireq.entry, (u64)SZ_64M - 0x2000);
	KUNIT_EXPECT_TRUE(test, vm->boot_linux_segs);
	axvm_fake_vm_finalize(test, vm);
	KUNIT_EXPECT_EQ(test, axvm_fake_vcpu(vm->vcpus[0])->regs.rsi,
			AXVM_LINUX_PARAMS_GPA);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(&vm->aspace,
					       AXVM_LINUX_PARAMS_GPA, before,
					       PAGE_SIZE), 0);
	memcpy(&rsdp, before + 0x70, sizeof(rsdp));
	KUNIT_EXPECT_EQ(test, rsdp, AXVM_LINUX_RSDP_GPA);

	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_write(&vm->aspace,
						AXVM_LINUX_PARAMS_GPA, "junk",
						4), 0);
	KUNIT_ASSERT_EQ(test, axvm_vm_stop(vm), 0);
	KUNIT_ASSERT_EQ(test, axvm_vm_restart(vm), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(&vm->aspace,
					       AXVM_LINUX_PARAMS_GPA, after,
					       PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, axvm_fake_vcpu(vm->vcpus[0])->regs.rsi,
			AXVM_LINUX_PARAMS_GPA);
	KUNIT_ASSERT_EQ(test, axvm_vm_stop(vm), 0);
}

static struct kunit_case pc_cases[] = {
	KUNIT_CASE(pc_bsp_runs_aps_wait_for_sipi),
	KUNIT_CASE(pc_init_sipi_starts_ap_in_real_mode),
	KUNIT_CASE(pc_init_to_bsp_ignored),
	KUNIT_CASE(pc_ap_entry_starts_aps),
	KUNIT_CASE(pc_apic_per_vcpu),
	KUNIT_CASE(pc_firmware_state),
	KUNIT_CASE(pc_ipi_fixed_and_eoi),
	KUNIT_CASE(pc_gsi_through_ioapic),
	KUNIT_CASE(pc_gsi_through_8259),
	KUNIT_CASE(pc_pic_request_masked_before_taken),
	KUNIT_CASE(pc_msi),
	KUNIT_CASE(pc_refusals),
	KUNIT_CASE(pc_restart_resets),
	KUNIT_CASE(pc_s5_powers_off),
	KUNIT_CASE(pc_reset_register),
	KUNIT_CASE(pc_pit_irq0_and_hpet_legacy),
	KUNIT_CASE(pc_firmware_tables),
	KUNIT_CASE(pc_no_ram_no_tables),
	KUNIT_CASE(pc_firmware_timer_and_ivt),
	KUNIT_CASE(pc_ram_over_mmio_refused),
	KUNIT_CASE(pc_bzimage_reloads_on_restart),
	{}
};

static struct kunit_suite pc_suite = {
	.name = "axvm_pc",
	.init = pc_test_init,
	.test_cases = pc_cases,
};
kunit_test_suite(pc_suite);
