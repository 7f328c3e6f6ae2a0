// SPDX-License-Identifier: GPL-2.0
/*
 * What a PC's firmware leaves for the OS it boots, done by the platform
 * at FINALIZE and RESTART (after the images are loaded, with the chips
 * at their power-on state): axvm runs no BIOS, yet OSes, boot loaders
 * and test suites start from this state. SeaBIOS is the model
 * (docs/devices.md, "Firmware state"):
 *
 * - the 8259s initialised (vectors 0x08 and 0x70), every input masked
 *   but the cascade and the timer (pic_setup, enable_hwirq(0));
 * - PIT channel 0 in mode 2 with count 0, 18.2 Hz on IRQ 0 (pit_setup);
 * - a real-mode interrupt vector table at 0, every vector on an IRET in
 *   the F segment, the 8259s' vectors on stubs that send the EOI, so a
 *   real-mode guest that enables interrupts survives the timer;
 * - the ACPI tables at 0xe0000 (acpi_tables.c) and the CMOS fields that
 *   say how much RAM and how many CPUs there are.
 * The BSP's local APIC state (LINT0 ExtINT) is the vCPU's (pc.c). A VM
 * without RAM at those addresses gets the chips' part only.
 *
 * A Linux bzImage (vm->boot_linux_segs) is entered past its real-mode
 * setup code, which would have masked every 8259 input but the cascade
 * (arch/x86/boot/pm.c, mask_all_interrupts): the timer is masked for it,
 * as that code leaves it, so the BIOS tick at vector 0x08 cannot reach a
 * kernel that has not reprogrammed the 8259s yet.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sizes.h>
#include <linux/slab.h>
#include "axvm.h"
#include "vm.h"
#include "mm.h"
#include "devices/lapic.h"
#include "devices/ioapic.h"
#include "devices/i8259.h"
#include "devices/i8254.h"
#include "devices/hpet.h"
#include "devices/mc146818.h"
#include "devices/acpi_pm.h"
#include "acpi_tables.h"
#include "pc.h"

/* Port writes, in order: the 8259s' ICWs and masks, the PIT's mode. */
static const u16 pc_firmware_ports[][2] = {
	{ AXVM_I8259_MASTER_CMD, 0x11 },	/* ICW1: edge, cascade, ICW4 */
	{ AXVM_I8259_MASTER_DATA, 0x08 },	/* ICW2: vector base */
	{ AXVM_I8259_MASTER_DATA, 0x04 },	/* ICW3: slave on IR2 */
	{ AXVM_I8259_MASTER_DATA, 0x01 },	/* ICW4: 8086 mode */
	{ AXVM_I8259_MASTER_DATA, 0xfa },	/* OCW1: timer and cascade */
	{ AXVM_I8259_SLAVE_CMD, 0x11 },
	{ AXVM_I8259_SLAVE_DATA, 0x70 },
	{ AXVM_I8259_SLAVE_DATA, 0x02 },	/* ICW3: cascade identity */
	{ AXVM_I8259_SLAVE_DATA, 0x01 },
	{ AXVM_I8259_SLAVE_DATA, 0xff },
	{ AXVM_I8254_PORT_CTRL, 0x34 },		/* ch 0, lo/hi, mode 2 */
	{ AXVM_I8254_PORT_CH0, 0x00 },		/* count 0: 65536 */
	{ AXVM_I8254_PORT_CH0, 0x00 },
};

static void pc_firmware_chips(struct axvm_pc *pc)
{
	unsigned int i;
	u16 port;
	u8 val;

	for (i = 0; i < ARRAY_SIZE(pc_firmware_ports); i++) {
		port = pc_firmware_ports[i][0];
		val = pc_firmware_ports[i][1];
		if (port == AXVM_I8254_PORT_CTRL || port == AXVM_I8254_PORT_CH0)
			axvm_i8254_port_write(pc->pit, port, val);
		else
			axvm_i8259_port_write(pc->pic, port, val);
	}
	if (pc->vm->boot_linux_segs)
		axvm_i8259_port_write(pc->pic, AXVM_I8259_MASTER_DATA, 0xfb);
}

/*
 * The interrupt vector table and its handlers, at SeaBIOS's addresses
 * in the F segment (F000:FF53 is its IRET). 16-bit code:
 *   push ax; mov al, 0x20; [out 0xa0, al;] out 0x20, al; pop ax; iret
 */
#define FW_SEG			0xf000
#define FW_IRET			0xff53
#define FW_EOI_MASTER		0xff00
#define FW_EOI_BOTH		0xff10
#define FW_IVT_SIZE		(256 * 4)

static const u8 fw_iret[] = { 0xcf };
static const u8 fw_eoi_master[] = { 0x50, 0xb0, 0x20, 0xe6, 0x20, 0x58, 0xcf };
static const u8 fw_eoi_both[] = {
	0x50, 0xb0, 0x20, 0xe6, 0xa0, 0xe6, 0x20, 0x58, 0xcf,
};

static int pc_firmware_ivt(struct axvm *vm)
{
	static const struct {
		u16 off;
		const u8 *code;
		size_t len;
	} stubs[] = {
		{ FW_IRET, fw_iret, sizeof(fw_iret) },
		{ FW_EOI_MASTER, fw_eoi_master, sizeof(fw_eoi_master) },
		{ FW_EOI_BOTH, fw_eoi_both, sizeof(fw_eoi_both) },
	};
	u16 (*ivt)[2];
	unsigned int v;
	int ret = 0;

	if (!axvm_aspace_is_ram(&vm->aspace, 0, FW_IVT_SIZE) ||
	    !axvm_aspace_is_ram(&vm->aspace, FW_SEG << 4, SZ_64K))
		return 0;
	ivt = kmalloc(FW_IVT_SIZE, GFP_KERNEL);
	if (!ivt)
		return -ENOMEM;
	for (v = 0; v < 256; v++) {
		ivt[v][0] = FW_IRET;
		if (v >= 0x08 && v < 0x10)
			ivt[v][0] = FW_EOI_MASTER;
		else if (v >= 0x70 && v < 0x78)
			ivt[v][0] = FW_EOI_BOTH;
		ivt[v][1] = FW_SEG;
	}
	for (v = 0; v < ARRAY_SIZE(stubs) && !ret; v++)
		ret = axvm_aspace_write(&vm->aspace,
					(FW_SEG << 4) + stubs[v].off,
					stubs[v].code, stubs[v].len);
	if (!ret)
		ret = axvm_aspace_write(&vm->aspace, 0, ivt, FW_IVT_SIZE);
	kfree(ivt);
	return ret;
}

/* RAM below and above 4 GiB, for the CMOS fields an OS reads. */
struct pc_ram {
	u64 below_4g, above_4g;
};

static int pc_count_ram(void *ctx, const struct axvm_region *r)
{
	struct pc_ram *ram = ctx;
	u64 end = r->gpa + r->size;

	if (r->gpa < SZ_4G)
		ram->below_4g += min_t(u64, end, SZ_4G) - r->gpa;
	if (end > SZ_4G)
		ram->above_4g += end - max_t(u64, r->gpa, SZ_4G);
	return 0;
}

/* The DSDT's devices: each 16550 in port space, COM1 first. */
struct pc_acpi_devs {
	struct axvm_acpi_dev *dev;
	unsigned int nr, max;
};

static int pc_acpi_add_dev(void *ctx, const struct axvm_device_inst *inst)
{
	struct pc_acpi_devs *d = ctx;
	struct axvm_acpi_dev *dev;

	if (inst->type != &axvm_uart16550_type || inst->space != AXVM_SPACE_PIO)
		return 0;
	if (d->nr == d->max)
		return -ENOSPC;
	dev = &d->dev[d->nr++];
	snprintf(dev->name, sizeof(dev->name), "COM%u", d->nr);
	strscpy(dev->hid, "PNP0501", sizeof(dev->hid));
	dev->uid = d->nr;
	dev->pio_base = inst->base;
	dev->pio_size = inst->length;
	if (inst->irq != AXVM_IRQ_NONE) {
		dev->has_irq = true;
		dev->gsi = inst->irq;
	}
	return 0;
}

/* The ACPI tables an OS finds the machine by (docs/devices.md). */
static int pc_firmware_acpi(struct axvm *vm)
{
	struct pc_acpi_devs devs = { .max = AXVM_MAX_DEVICES };
	struct axvm_acpi_config cfg = {
		.nr_cpus = vm->max_vcpus,
		.lapic_base = AXVM_LAPIC_DEFAULT_BASE,
		.ioapic_id = 0,
		.ioapic_base = AXVM_IOAPIC_BASE,
		.sci_irq = AXVM_ACPI_SCI_IRQ,
		.pm1a_evt = AXVM_ACPI_PM1_EVT,
		.pm1a_cnt = AXVM_ACPI_PM1_CNT,
		.pm_tmr = AXVM_ACPI_PM_TMR,
		.reset_port = AXVM_ACPI_RESET_PORT,
		.reset_value = AXVM_ACPI_RESET_VALUE,
		.s5_slp_typ = AXVM_ACPI_S5_SLP_TYP,
		.hpet_base = AXVM_HPET_BASE,
	};
	void *buf;
	int len;

	if (!axvm_aspace_is_ram(&vm->aspace, AXVM_ACPI_TABLES_GPA,
				AXVM_ACPI_TABLES_SIZE))
		return 0;
	devs.dev = kcalloc(devs.max, sizeof(*devs.dev), GFP_KERNEL);
	buf = kvzalloc(AXVM_ACPI_TABLES_SIZE, GFP_KERNEL);
	if (!devs.dev || !buf) {
		len = -ENOMEM;
		goto out;
	}
	axvm_devset_for_each(&vm->devices, pc_acpi_add_dev, &devs);
	cfg.devs = devs.dev;
	cfg.nr_devs = devs.nr;
	len = axvm_acpi_build(&cfg, AXVM_ACPI_TABLES_GPA, buf,
			      AXVM_ACPI_TABLES_SIZE);
	if (len > 0)
		len = axvm_aspace_write(&vm->aspace, AXVM_ACPI_TABLES_GPA, buf,
					len);
out:
	kvfree(buf);
	kfree(devs.dev);
	return len < 0 ? len : 0;
}

void axvm_pc_firmware(struct axvm *vm, struct axvm_pc *pc)
{
	struct pc_ram ram = {};
	int ret;

	pc_firmware_chips(pc);
	axvm_aspace_iterate_regions(&vm->aspace, pc_count_ram, &ram);
	axvm_rtc_set_memory(pc->rtc, ram.below_4g, ram.above_4g,
			    vm->max_vcpus);
	ret = pc_firmware_ivt(vm);
	if (ret)
		axvm_vm_err(vm, "interrupt vector table not written: %d\n", ret);
	ret = pc_firmware_acpi(vm);
	if (ret)
		axvm_vm_err(vm, "ACPI tables not written: %d\n", ret);
}
