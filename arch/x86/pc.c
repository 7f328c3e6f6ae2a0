// SPDX-License-Identifier: GPL-2.0
/*
 * The PC platform (struct axvm_platform_ops, module/platform.h): a local
 * APIC per vCPU, the IOAPIC at 0xfec00000, the 8259 pair, the GSI and
 * MSI routes to them, and SMP bring-up by INIT and SIPI. The device
 * models (module/devices/lapic.c, ioapic.c, i8259.c) know nothing of
 * VMs; this file wires them to each other and to the vCPUs.
 *
 * The wiring, as on a PC (docs/devices.md, "The PC platform"):
 * - ISA IRQ n (GSI 0-15) drives 8259 input n and IOAPIC pin n, except
 *   IRQ 0, which drives pin 2 (the MADT's interrupt source override);
 *   GSIs 16-23 drive IOAPIC pins only.
 * - The 8259 master's INT goes to LINT0 of every local APIC; an APIC
 *   takes it when its LVT LINT0 says ExtINT (the BSP's does at reset,
 *   as firmware leaves it: "virtual wire") or when it is hardware
 *   disabled.
 * - IOAPIC messages, MSIs and ICR writes are routed to every APIC that
 *   matches; lowest priority goes to the first match (arbitration by
 *   priority is not modelled; any match is architecturally correct).
 * - The BSP (vCPU 0) starts at the entry. An AP starts at the AP entry
 *   when the VM has one, else waits for INIT and SIPI; SIPI starts it in
 *   real mode at CS = vector << 8, IP = 0. INIT to the BSP is ignored
 *   (a PC's BSP would run its firmware's reset code, which we lack).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include "axvm.h"
#include "vm.h"
#include "platform.h"
#include "devices/lapic.h"
#include "devices/ioapic.h"
#include "devices/i8259.h"
#include "devices/i8254.h"
#include "devices/hpet.h"
#include "devices/mc146818.h"
#include "devices/acpi_pm.h"
#include "pc.h"
#include "kunit_export.h"

/* 8259 ports: the chips and the ELCRs. */
static bool pc_pic_port(u64 port)
{
	return port == AXVM_I8259_MASTER_CMD || port == AXVM_I8259_MASTER_DATA ||
	       port == AXVM_I8259_SLAVE_CMD || port == AXVM_I8259_SLAVE_DATA ||
	       port == AXVM_I8259_ELCR_MASTER || port == AXVM_I8259_ELCR_SLAVE;
}

static struct axvm_pc *pc_of(struct axvm *vm)
{
	return vm->platform_data;
}

static struct axvm_pc_vcpu *pcv_of(struct axvm_vcpu *vcpu)
{
	return vcpu->platform_data;
}

/* Send @msg to every local APIC it names (lowest priority: to one). */
static void pc_route(struct axvm *vm, const struct axvm_apic_msg *msg)
{
	struct axvm_vcpu *vcpu;
	u32 i;

	for (i = 0; i < vm->max_vcpus; i++) {
		/* Pairs with the smp_store_release publishing a vCPU. */
		vcpu = smp_load_acquire(&vm->vcpus[i]);
		if (!vcpu || !axvm_lapic_match_dest(pcv_of(vcpu)->lapic, msg))
			continue;
		axvm_lapic_accept(pcv_of(vcpu)->lapic, msg);
		if (msg->delivery == AXVM_APIC_DM_LOWEST)
			break;
	}
}

/* ---- the models' callbacks ----------------------------------------------- */

static void pc_lapic_send(void *ctx, const struct axvm_apic_msg *msg)
{
	struct axvm_pc_vcpu *pcv = ctx;

	pc_route(pcv->vcpu->vm, msg);
}

static void pc_lapic_eoi_level(void *ctx, u8 vector)
{
	struct axvm_pc_vcpu *pcv = ctx;

	axvm_ioapic_eoi(pc_of(pcv->vcpu->vm)->ioapic, vector);
}

static void pc_lapic_kick(void *ctx)
{
	struct axvm_pc_vcpu *pcv = ctx;

	axvm_vcpu_kick(pcv->vcpu);
}

static void pc_ioapic_deliver(void *ctx, const struct axvm_apic_msg *msg)
{
	pc_route(ctx, msg);
}

/* INT went up: every vCPU whose LINT0 takes ExtINT must look. */
static void pc_pic_output(void *ctx, bool level)
{
	struct axvm *vm = ctx;
	struct axvm_vcpu *vcpu;
	u32 i;

	if (!level)
		return;
	for (i = 0; i < vm->max_vcpus; i++) {
		/* Pairs with the smp_store_release publishing a vCPU. */
		vcpu = smp_load_acquire(&vm->vcpus[i]);
		if (vcpu && axvm_lapic_lint0_extint(pcv_of(vcpu)->lapic))
			axvm_vcpu_kick(vcpu);
	}
}

/* ---- the timers' and ACPI's lines --------------------------------------- */

static int pc_set_gsi(struct axvm *vm, u32 gsi, bool level);

/*
 * The HPET's legacy replacement route takes IRQ 0 and IRQ 8 from the
 * PIT and the RTC, as the chipset's does: their outputs go nowhere.
 */
static void pc_pit_irq(void *ctx, bool level)
{
	struct axvm_pc *pc = ctx;

	if (!axvm_hpet_legacy(pc->hpet))
		pc_set_gsi(pc->vm, 0, level);
}

static void pc_rtc_irq(void *ctx, bool level)
{
	struct axvm_pc *pc = ctx;

	if (!axvm_hpet_legacy(pc->hpet))
		pc_set_gsi(pc->vm, AXVM_RTC_IRQ, level);
}

static void pc_hpet_irq(void *ctx, u32 line, bool level)
{
	struct axvm_pc *pc = ctx;

	pc_set_gsi(pc->vm, line, level);
}

static void pc_sci(void *ctx, bool level)
{
	struct axvm_pc *pc = ctx;

	pc_set_gsi(pc->vm, AXVM_ACPI_SCI_IRQ, level);
}

/* S5 (the only sleep state the DSDT offers) and the reset register. */
static void pc_sleep(void *ctx, u8 slp_typ)
{
	struct axvm_pc *pc = ctx;

	axvm_vm_stop_from_guest(pc->vm, AXVM_STOP_POWEROFF, 0);
}

static void pc_reset(void *ctx)
{
	struct axvm_pc *pc = ctx;

	axvm_vm_stop_from_guest(pc->vm, AXVM_STOP_RESET, 0);
}

/* ---- the VM -------------------------------------------------------------- */

static void pc_free(struct axvm_pc *pc)
{
	/*
	 * The timers first: their callbacks reach the interrupt chips,
	 * and the PIT's and the RTC's ask the HPET whether its legacy
	 * route cuts them off, so the HPET goes after them.
	 */
	if (!IS_ERR_OR_NULL(pc->pm))
		axvm_acpi_pm_destroy(pc->pm);
	if (!IS_ERR_OR_NULL(pc->rtc))
		axvm_rtc_destroy(pc->rtc);
	if (!IS_ERR_OR_NULL(pc->pit))
		axvm_i8254_destroy(pc->pit);
	if (!IS_ERR_OR_NULL(pc->hpet))
		axvm_hpet_destroy(pc->hpet);
	if (!IS_ERR_OR_NULL(pc->pic))
		axvm_i8259_destroy(pc->pic);
	if (!IS_ERR_OR_NULL(pc->ioapic))
		axvm_ioapic_destroy(pc->ioapic);
	kfree(pc);
}

static int pc_vm_init(struct axvm *vm)
{
	struct axvm_ioapic_host io_host = {
		.deliver = pc_ioapic_deliver, .ctx = vm,
	};
	struct axvm_i8259_host pic_host = {
		.output = pc_pic_output, .ctx = vm,
	};
	struct axvm_pc *pc;
	struct timespec64 wall;

	pc = kzalloc(sizeof(*pc), GFP_KERNEL_ACCOUNT);
	if (!pc)
		return -ENOMEM;
	pc->vm = vm;
	/* ID 0, as QEMU's MADT: IOAPIC IDs are not APIC IDs (APIC bus gone). */
	pc->ioapic = axvm_ioapic_create(0, &io_host);
	if (IS_ERR(pc->ioapic))
		goto err;
	pc->pic = axvm_i8259_create(&pic_host);
	if (IS_ERR(pc->pic))
		goto err;
	/* The callbacks below may run as soon as a device exists. */
	pc->hpet = axvm_hpet_create(&(struct axvm_hpet_host){
		.set_irq = pc_hpet_irq, .ctx = pc, .hal = vm->hal });
	if (IS_ERR(pc->hpet))
		goto err;
	pc->pit = axvm_i8254_create(&(struct axvm_i8254_host){
		.set_irq = pc_pit_irq, .ctx = pc, .hal = vm->hal });
	if (IS_ERR(pc->pit))
		goto err;
	/* The RTC keeps the host's wall clock, read with the HAL's. */
	ktime_get_real_ts64(&wall);
	pc->rtc = axvm_rtc_create(&(struct axvm_rtc_host){
		.set_irq = pc_rtc_irq, .ctx = pc, .hal = vm->hal,
		.wall_sec = wall.tv_sec,
		.wall_at_ns = vm->hal->current_time_nanos(vm->hal) });
	if (IS_ERR(pc->rtc))
		goto err;
	pc->pm = axvm_acpi_pm_create(&(struct axvm_acpi_pm_host){
		.set_irq = pc_sci, .sleep = pc_sleep, .reset = pc_reset,
		.ctx = pc, .hal = vm->hal });
	if (IS_ERR(pc->pm))
		goto err;
	vm->platform_data = pc;
	return 0;

err:
	pc_free(pc);
	return -ENOMEM;
}

static void pc_vm_destroy(struct axvm *vm)
{
	struct axvm_pc *pc = pc_of(vm);

	if (!pc)
		return;
	pc_free(pc);
	vm->platform_data = NULL;
}

/* Power-on state, then what firmware would leave (pc_firmware.c). */
static void pc_vm_reset(struct axvm *vm)
{
	struct axvm_pc *pc = pc_of(vm);

	axvm_ioapic_reset(pc->ioapic);
	axvm_i8259_reset(pc->pic);
	axvm_i8254_reset(pc->pit);
	axvm_hpet_reset(pc->hpet);
	axvm_acpi_pm_reset(pc->pm);
	/* A reset keeps the CMOS, as a PC's battery does. */
	axvm_rtc_reset(pc->rtc);
	axvm_pc_firmware(vm, pc);
}

/* ---- a vCPU -------------------------------------------------------------- */

static int pc_vcpu_init(struct axvm_vcpu *vcpu)
{
	struct axvm_pc_vcpu *pcv;
	struct axvm_lapic_host host = {
		.send = pc_lapic_send,
		.eoi_level = pc_lapic_eoi_level,
		.kick = pc_lapic_kick,
		.phys_bits = boot_cpu_data.x86_phys_bits,
		.hal = vcpu->vm->hal,
	};

	pcv = kzalloc(sizeof(*pcv), GFP_KERNEL_ACCOUNT);
	if (!pcv)
		return -ENOMEM;
	pcv->vcpu = vcpu;
	host.ctx = pcv;
	pcv->lapic = axvm_lapic_create(vcpu->id, vcpu->id == 0, &host);
	if (!pcv->lapic) {
		kfree(pcv);
		return -ENOMEM;
	}
	vcpu->platform_data = pcv;
	return 0;
}

static void pc_vcpu_destroy(struct axvm_vcpu *vcpu)
{
	struct axvm_pc_vcpu *pcv = pcv_of(vcpu);

	if (!pcv)
		return;
	axvm_lapic_destroy(pcv->lapic);
	kfree(pcv);
	vcpu->platform_data = NULL;
}

/* What firmware leaves in the BSP's APIC: enabled, LINT0 ExtINT, LINT1 NMI. */
#define PC_APIC_SVR		0xf0
#define PC_APIC_LVT0		0x350
#define PC_APIC_LVT1		0x360
#define PC_SVR_ENABLED		0x1ff	/* bit 8, spurious vector 0xff */
#define PC_LVT_EXTINT_LEVEL	0x8700
#define PC_LVT_NMI_LEVEL	0x8400

static int pc_vcpu_reset(struct axvm_vcpu *vcpu)
{
	struct axvm_pc_vcpu *pcv = pcv_of(vcpu);

	axvm_lapic_reset(pcv->lapic, false);
	pcv->nmi_pending = false;
	if (vcpu->id == 0) {
		axvm_lapic_mmio_write(pcv->lapic, PC_APIC_SVR, PC_SVR_ENABLED);
		axvm_lapic_mmio_write(pcv->lapic, PC_APIC_LVT0,
				      PC_LVT_EXTINT_LEVEL);
		axvm_lapic_mmio_write(pcv->lapic, PC_APIC_LVT1,
				      PC_LVT_NMI_LEVEL);
	}
	WRITE_ONCE(pcv->wait_sipi, vcpu->id != 0 && !vcpu->vm->ap_entry_set);
	return 0;
}

/* SIPI: real mode at the vector's page, CS = vector << 8, IP = 0. */
static int pc_vcpu_sipi(struct axvm_vcpu *vcpu, u8 vector)
{
	const struct axvm_arch_ops *arch = vcpu->vm->arch;
	struct axvm_sregs sregs;
	struct axvm_regs regs;
	int ret;

	ret = arch->vcpu_reset(vcpu, 0, AXVM_MODE_REAL);
	if (!ret)
		ret = arch->get_sregs(vcpu, &sregs);
	if (ret)
		return ret;
	sregs.cs.selector = vector << 8;
	sregs.cs.base = (u64)vector << 12;
	ret = arch->set_sregs(vcpu, &sregs);
	if (!ret)
		ret = arch->get_regs(vcpu, &regs);
	if (ret)
		return ret;
	regs.rip = 0;
	return arch->set_regs(vcpu, &regs);
}

static int pc_vcpu_events(struct axvm_vcpu *vcpu, enum axvm_vcpu_next *next)
{
	struct axvm_pc_vcpu *pcv = pcv_of(vcpu);
	unsigned int ev;
	u8 sipi = 0;
	int ret;

	ev = axvm_lapic_take_events(pcv->lapic, &sipi);
	if (ev & AXVM_LAPIC_EV_NMI)
		pcv->nmi_pending = true;
	/* INIT before SIPI when both came (lapic.h). */
	if ((ev & AXVM_LAPIC_EV_INIT) && vcpu->id != 0) {
		axvm_lapic_reset(pcv->lapic, true);
		pcv->nmi_pending = false;
		WRITE_ONCE(pcv->wait_sipi, true);
	}
	if ((ev & AXVM_LAPIC_EV_SIPI) && READ_ONCE(pcv->wait_sipi)) {
		ret = pc_vcpu_sipi(vcpu, sipi);
		if (ret)
			return ret;
		WRITE_ONCE(pcv->wait_sipi, false);
	}
	*next = READ_ONCE(pcv->wait_sipi) ? AXVM_VCPU_NEXT_WAIT :
					    AXVM_VCPU_NEXT_RUN;
	return 0;
}

static bool pc_extint_pending(struct axvm_vcpu *vcpu)
{
	struct axvm_pc_vcpu *pcv = pcv_of(vcpu);

	return axvm_lapic_lint0_extint(pcv->lapic) &&
	       axvm_i8259_has_interrupt(pc_of(vcpu->vm)->pic);
}

static bool pc_vcpu_wakeup(struct axvm_vcpu *vcpu)
{
	struct axvm_pc_vcpu *pcv = pcv_of(vcpu);

	if (axvm_lapic_peek_events(pcv->lapic))
		return true;
	if (READ_ONCE(pcv->wait_sipi))
		return false;
	if (READ_ONCE(pcv->nmi_pending))
		return true;
	return (axvm_lapic_pending_vector(pcv->lapic) >= 0 ||
		pc_extint_pending(vcpu)) &&
	       vcpu->vm->arch->interrupt_allowed(vcpu);
}

/*
 * The 8259 comes first, as on a PC (its ExtINT bypasses the APIC's
 * priorities). Only a peek: the acknowledge cycle runs when the CPU
 * takes the interrupt (pc_ack_irq), so a request the guest masks or
 * clears before it enables interrupts is never delivered (KVM's order:
 * has_interrupt for the window, INTA at injection).
 */
static int pc_pending_irq(struct axvm_vcpu *vcpu)
{
	struct axvm_pc_vcpu *pcv = pcv_of(vcpu);

	if (pc_extint_pending(vcpu))
		return axvm_i8259_peek_irq(pc_of(vcpu->vm)->pic);
	return axvm_lapic_pending_vector(pcv->lapic);
}

/*
 * The CPU takes an interrupt: from the 8259 when it still asks (its
 * INTA answers, if need be with its spurious IR7 vector), else @vector
 * from the APIC's IRR; -1 when that is gone too.
 */
static int pc_ack_irq(struct axvm_vcpu *vcpu, int vector)
{
	struct axvm_pc_vcpu *pcv = pcv_of(vcpu);

	if (pc_extint_pending(vcpu))
		return axvm_i8259_read_irq(pc_of(vcpu->vm)->pic);
	return axvm_lapic_ack(pcv->lapic, vector) ? vector : -1;
}

/* ---- guest accesses ------------------------------------------------------ */

/*
 * The byte-wide chips (8259, 8254, RTC): a wider access is bytes to
 * consecutive ports, as the ISA bus splits it.
 */
static u8 pc_byte_port(struct axvm_pc *pc, u16 port, bool write, u8 val)
{
	if (pc_pic_port(port)) {
		if (!write)
			return axvm_i8259_port_read(pc->pic, port);
		axvm_i8259_port_write(pc->pic, port, val);
	} else if (axvm_i8254_port(port)) {
		if (!write)
			return axvm_i8254_port_read(pc->pit, port);
		axvm_i8254_port_write(pc->pit, port, val);
	} else if (axvm_rtc_port(port)) {
		if (!write)
			return axvm_rtc_port_read(pc->rtc, port);
		axvm_rtc_port_write(pc->rtc, port, val);
	}
	return 0xff;
}

static bool pc_port_access(struct axvm_pc *pc, u64 port, u8 width, bool write,
			   u64 *val)
{
	u8 i;

	/* The ACPI blocks take their registers' widths themselves. */
	if (axvm_acpi_pm_port(port)) {
		if (write)
			axvm_acpi_pm_write(pc->pm, port, width, *val);
		else
			*val = axvm_acpi_pm_read(pc->pm, port, width);
		return true;
	}
	if (!pc_pic_port(port) && !axvm_i8254_port(port) && !axvm_rtc_port(port))
		return false;
	if (!write)
		*val = 0;
	for (i = 0; i < width; i++) {
		if (write)
			pc_byte_port(pc, port + i, true, *val >> (i * 8));
		else
			*val |= (u64)pc_byte_port(pc, port + i, false, 0) <<
				(i * 8);
	}
	return true;
}

static bool pc_access(struct axvm_vcpu *vcpu, u32 space, u64 addr, u8 width,
		      bool write, u64 *val)
{
	struct axvm_pc_vcpu *pcv = pcv_of(vcpu);
	struct axvm_pc *pc = pc_of(vcpu->vm);
	u32 off, dword;
	bool apic;

	if (space == AXVM_SPACE_PIO)
		return pc_port_access(pc, addr, width, write, val);
	if (addr >= AXVM_HPET_BASE && addr < AXVM_HPET_BASE + AXVM_HPET_SIZE) {
		if (write)
			axvm_hpet_mmio_write(pc->hpet, addr - AXVM_HPET_BASE,
					     width, *val);
		else
			*val = axvm_hpet_mmio_read(pc->hpet,
						   addr - AXVM_HPET_BASE, width);
		return true;
	}
	if (axvm_lapic_mmio_claims(pcv->lapic, addr)) {
		apic = true;
		off = addr & (AXVM_LAPIC_MMIO_SIZE - 1);
	} else if (addr >= AXVM_IOAPIC_BASE &&
		   addr < AXVM_IOAPIC_BASE + AXVM_IOAPIC_SIZE) {
		apic = false;
		off = addr - AXVM_IOAPIC_BASE;
	} else {
		return false;
	}
	if (write && (width != 4 || (off & 3))) {
		axvm_vm_warn(vcpu->vm, "vcpu %u: %u-byte %s write at %#x dropped\n",
			     vcpu->id, width, apic ? "APIC" : "IOAPIC", off);
	} else if (write) {
		if (apic)
			axvm_lapic_mmio_write(pcv->lapic, off, *val);
		else
			axvm_ioapic_mmio_write(pc->ioapic, off, *val);
	} else {
		/* Narrower reads see their bytes of the register's dword. */
		dword = apic ? axvm_lapic_mmio_read(pcv->lapic, off & ~3) :
			       axvm_ioapic_mmio_read(pc->ioapic, off & ~3);
		*val = dword >> ((off & 3) * 8);
	}
	return true;
}

/* ---- interrupt lines and MSIs -------------------------------------------- */

static int pc_set_gsi(struct axvm *vm, u32 gsi, bool level)
{
	struct axvm_pc *pc = pc_of(vm);

	if (gsi >= AXVM_IOAPIC_PINS)
		return -EINVAL;
	if (gsi < AXVM_I8259_NR_IRQS)
		axvm_i8259_set_irq(pc->pic, gsi, level);
	axvm_ioapic_set_irq(pc->ioapic, gsi == 0 ? 2 : gsi, level);
	return 0;
}

/* An MSI's address and data (SDM 10.11.1, 10.11.2). */
#define PC_MSI_ADDR_BASE	0xfee00000ULL
#define PC_MSI_ADDR_MASK	0xfff00000ULL
#define PC_MSI_ADDR_DEST	GENMASK_ULL(19, 12)
#define PC_MSI_ADDR_LOGICAL	BIT_ULL(2)
#define PC_MSI_DATA_VECTOR	GENMASK(7, 0)
#define PC_MSI_DATA_DELIVERY	GENMASK(10, 8)
#define PC_MSI_DATA_LEVEL	BIT(15)

static int pc_signal_msi(struct axvm *vm, u64 address, u32 data)
{
	struct axvm_apic_msg msg = {
		.dest = FIELD_GET(PC_MSI_ADDR_DEST, address),
		.logical = address & PC_MSI_ADDR_LOGICAL,
		.vector = FIELD_GET(PC_MSI_DATA_VECTOR, data),
		.delivery = FIELD_GET(PC_MSI_DATA_DELIVERY, data),
		.level = data & PC_MSI_DATA_LEVEL,
		/* A write is an edge: bit 14 (assert) means nothing here. */
		.assert = true,
	};

	if ((address & PC_MSI_ADDR_MASK) != PC_MSI_ADDR_BASE ||
	    (address >> 32))
		return -EINVAL;
	/* Only what a device may send: fixed, lowest priority, NMI. */
	if (msg.delivery != AXVM_APIC_DM_FIXED &&
	    msg.delivery != AXVM_APIC_DM_LOWEST &&
	    msg.delivery != AXVM_APIC_DM_NMI)
		return -EINVAL;
	pc_route(vm, &msg);
	return 0;
}

/* What the PC's devices answer at: never RAM (docs/devices.md). */
static const struct axvm_gpa_range pc_mmio[] = {
	{ AXVM_IOAPIC_BASE, AXVM_IOAPIC_BASE + SZ_1M },
	{ AXVM_HPET_BASE, AXVM_HPET_BASE + SZ_1K },
	{ AXVM_LAPIC_DEFAULT_BASE, AXVM_LAPIC_DEFAULT_BASE + SZ_1M },
};

const struct axvm_platform_ops axvm_x86_pc_ops = {
	.name		= "pc",
	.mmio		= pc_mmio,
	.nr_mmio	= ARRAY_SIZE(pc_mmio),
	.vm_init	= pc_vm_init,
	.vm_destroy	= pc_vm_destroy,
	.vm_reset	= pc_vm_reset,
	.vcpu_init	= pc_vcpu_init,
	.vcpu_destroy	= pc_vcpu_destroy,
	.vcpu_reset	= pc_vcpu_reset,
	.vcpu_events	= pc_vcpu_events,
	.vcpu_wakeup	= pc_vcpu_wakeup,
	.access		= pc_access,
	.pending_irq	= pc_pending_irq,
	.ack_irq	= pc_ack_irq,
	.set_gsi	= pc_set_gsi,
	.signal_msi	= pc_signal_msi,
};
AXVM_EXPORT_FOR_TESTS(axvm_x86_pc_ops);

/* ---- what the backend asks (pc.h) ---------------------------------------- */

int axvm_pc_get_msr(struct axvm_vcpu *vcpu, u32 msr, u64 *val)
{
	struct axvm_lapic *apic = pcv_of(vcpu)->lapic;

	if (msr == AXVM_LAPIC_BASE_MSR) {
		*val = axvm_lapic_get_base(apic);
		return 0;
	}
	return axvm_lapic_rdmsr(apic, msr, val);
}

int axvm_pc_set_msr(struct axvm_vcpu *vcpu, u32 msr, u64 val)
{
	struct axvm_lapic *apic = pcv_of(vcpu)->lapic;

	if (msr == AXVM_LAPIC_BASE_MSR)
		return axvm_lapic_set_base(apic, val);
	return axvm_lapic_wrmsr(apic, msr, val);
}

u64 axvm_pc_get_tsc_deadline(struct axvm_vcpu *vcpu)
{
	return axvm_lapic_get_tsc_deadline(pcv_of(vcpu)->lapic);
}

/*
 * The guest's TSC runs at the host's rate (no scaling), so a distance
 * in TSC ticks is one in host time at tsc_khz. A deadline too far to
 * compute is as good as never.
 */
void axvm_pc_set_tsc_deadline(struct axvm_vcpu *vcpu, u64 tsc, u64 guest_tsc)
{
	const struct axvm_hal_ops *hal = vcpu->vm->hal;
	u64 now = hal->current_time_nanos(hal), ns = 0;

	if (tsc > guest_tsc && tsc_khz)
		ns = mul_u64_u32_div(tsc - guest_tsc, NSEC_PER_MSEC, tsc_khz);
	axvm_lapic_set_tsc_deadline(pcv_of(vcpu)->lapic, tsc,
				    ns > U64_MAX - now ? U64_MAX : now + ns);
}

bool axvm_pc_apic_enabled(struct axvm_vcpu *vcpu)
{
	return axvm_lapic_get_base(pcv_of(vcpu)->lapic) & AXVM_LAPIC_BASE_EN;
}

u8 axvm_pc_get_cr8(struct axvm_vcpu *vcpu)
{
	return axvm_lapic_get_cr8(pcv_of(vcpu)->lapic);
}

void axvm_pc_set_cr8(struct axvm_vcpu *vcpu, u8 cr8)
{
	axvm_lapic_set_cr8(pcv_of(vcpu)->lapic, cr8);
}

bool axvm_pc_tpr_blocks(struct axvm_vcpu *vcpu)
{
	return axvm_lapic_tpr_blocked_vector(pcv_of(vcpu)->lapic) >= 0;
}

bool axvm_pc_nmi_pending(struct axvm_vcpu *vcpu)
{
	return pcv_of(vcpu)->nmi_pending;
}

bool axvm_pc_take_nmi(struct axvm_vcpu *vcpu)
{
	struct axvm_pc_vcpu *pcv = pcv_of(vcpu);
	bool nmi = pcv->nmi_pending;

	pcv->nmi_pending = false;
	return nmi;
}
