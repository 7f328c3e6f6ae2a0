// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_acpi: the PC platform's ACPI tables (arch/x86/acpi_tables.c) as
 * an OS walks them from the RSDP, and the AML encoder the DSDT is
 * written with. Offsets, flags and encodings are spelled out here from
 * the ACPI 6.3 specification (5.2 tables, 6.4 resource descriptors,
 * 20 AML) and the IA-PC HPET specification, not taken from the header,
 * so a wrong constant there fails.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "acpi_tables.h"

#define BASE		0xe0000ULL	/* where the platform puts them */
#define BUF_SIZE	0x10000		/* 0xe0000-0xeffff */

/* The common header, RSDP, XSDT. */
#define H_LEN		4
#define H_REV		8
#define H_SIZE		36
#define RSDP_REV	15
#define RSDP_LENGTH	20
#define RSDP_XSDT	24

/* FADT. */
#define F_FACS		36
#define F_DSDT		40
#define F_SCI		46
#define F_SMI_CMD	48
#define F_PM1A_EVT	56
#define F_PM1B_EVT	60
#define F_PM1A_CNT	64
#define F_PM_TMR	76
#define F_GPE0		80
#define F_PM1_EVT_LEN	88
#define F_PM1_CNT_LEN	89
#define F_PM_TMR_LEN	91
#define F_GPE0_LEN	92
#define F_LVL2_LAT	96
#define F_LVL3_LAT	98
#define F_CENTURY	108
#define F_BOOT_ARCH	109
#define F_FLAGS		112
#define F_RESET_REG	116
#define F_RESET_VAL	128
#define F_X_FACS	132
#define F_X_DSDT	140
#define F_X_PM1A_EVT	148
#define F_X_PM1A_CNT	172
#define F_X_PM_TMR	208

/* FADT flags and IA-PC boot architecture flags. */
#define WBINVD		BIT(0)
#define PROC_C1		BIT(2)
#define PWR_BUTTON	BIT(4)
#define SLP_BUTTON	BIT(5)
#define TMR_VAL_EXT	BIT(8)
#define RESET_REG_SUP	BIT(10)
#define HW_REDUCED	BIT(20)
#define BOOT_LEGACY	BIT(0)
#define BOOT_8042	BIT(1)
#define BOOT_NO_VGA	BIT(2)
#define BOOT_NO_MSI	BIT(3)
#define BOOT_NO_RTC	BIT(5)

struct acpi_ctx {
	u8 *buf;
	struct axvm_acpi_dev devs[16];
	struct axvm_acpi_config cfg;
};

static u16 le16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static u32 le32(const u8 *p)
{
	return le16(p) | (u32)le16(p + 2) << 16;
}

static u64 le64(const u8 *p)
{
	return le32(p) | (u64)le32(p + 4) << 32;
}

static u8 sum(const u8 *p, size_t n)
{
	u8 s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* The PC platform's config: COM1 and a virtio-mmio device. */
static int acpi_test_init(struct kunit *test)
{
	struct acpi_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	test->priv = c;
	if (!c)
		return -ENOMEM;
	c->buf = kunit_kzalloc(test, BUF_SIZE, GFP_KERNEL);
	if (!c->buf)
		return -ENOMEM;
	c->devs[0] = (struct axvm_acpi_dev){
		.name = "COM1", .hid = "PNP0501", .uid = 1,
		.pio_base = 0x3f8, .pio_size = 8, .gsi = 4, .has_irq = true,
	};
	c->devs[1] = (struct axvm_acpi_dev){
		.name = "VR00", .hid = "LNRO0005", .uid = 0,
		.mmio_base = 0xfeb00000, .mmio_size = 0x200, .gsi = 16,
		.has_irq = true, .level = true,
	};
	c->cfg = (struct axvm_acpi_config){
		.nr_cpus = 4, .lapic_base = 0xfee00000, .ioapic_id = 0,
		.ioapic_base = 0xfec00000, .ioapic_gsi_base = 0, .sci_irq = 9,
		.pm1a_evt = 0x600, .pm1a_cnt = 0x604, .pm_tmr = 0x608,
		.reset_port = 0xcf9, .reset_value = 6, .s5_slp_typ = 5,
		.hpet_base = 0xfed00000, .devs = c->devs, .nr_devs = 2,
	};
	return 0;
}

static int build(struct kunit *test, struct acpi_ctx *c)
{
	int used = axvm_acpi_build(&c->cfg, BASE, c->buf, BUF_SIZE);

	KUNIT_ASSERT_GT(test, used, 0);
	KUNIT_ASSERT_LE(test, used, BUF_SIZE);
	return used;
}

/* The table at guest-physical @gpa, inside what was built. */
static u8 *at(struct kunit *test, struct acpi_ctx *c, int used, u64 gpa,
	      size_t len)
{
	KUNIT_ASSERT_GE(test, gpa, BASE);
	KUNIT_ASSERT_LE(test, gpa - BASE + len, (u64)used);
	return c->buf + (gpa - BASE);
}

/* A table with a header, checked to fit whole. */
static u8 *table(struct kunit *test, struct acpi_ctx *c, int used, u64 gpa)
{
	u8 *t = at(test, c, used, gpa, H_SIZE);

	return at(test, c, used, gpa, le32(t + H_LEN));
}

/* The XSDT table whose signature is @sig, or NULL. */
static u8 *find(struct kunit *test, struct acpi_ctx *c, int used,
		const char *sig)
{
	u8 *x = table(test, c, used, le64(c->buf + RSDP_XSDT));
	u32 i, n = (le32(x + H_LEN) - H_SIZE) / 8;
	u8 *t;

	for (i = 0; i < n; i++) {
		t = table(test, c, used, le64(x + H_SIZE + 8 * i));
		if (!memcmp(t, sig, 4))
			return t;
	}
	return NULL;
}

static void acpi_rsdp(struct kunit *test)
{
	struct acpi_ctx *c = test->priv;
	int used = build(test, c);
	u8 *r = c->buf, *x;

	KUNIT_EXPECT_EQ(test, memcmp(r, "RSD PTR ", 8), 0);
	KUNIT_EXPECT_EQ(test, sum(r, 20), 0);		/* ACPI 1.0 part */
	KUNIT_EXPECT_EQ(test, sum(r, 36), 0);		/* extended */
	KUNIT_EXPECT_EQ(test, memcmp(r + 9, "AXVM  ", 6), 0);
	KUNIT_EXPECT_EQ(test, r[RSDP_REV], 2);
	KUNIT_EXPECT_EQ(test, le32(r + RSDP_LENGTH), 36);
	KUNIT_EXPECT_EQ(test, le64(r + RSDP_XSDT) % 8, 0);
	x = table(test, c, used, le64(r + RSDP_XSDT));
	KUNIT_EXPECT_EQ(test, memcmp(x, "XSDT", 4), 0);
	KUNIT_EXPECT_EQ(test, x[H_REV], 1);
}

/* Every table reached from the RSDP: checksum 0, our OEM ids. */
static void acpi_checksums(struct kunit *test)
{
	struct acpi_ctx *c = test->priv;
	int used = build(test, c);
	u8 *x = table(test, c, used, le64(c->buf + RSDP_XSDT));
	u32 i, n = (le32(x + H_LEN) - H_SIZE) / 8;
	u8 *t, *f;

	KUNIT_EXPECT_EQ(test, sum(x, le32(x + H_LEN)), 0);
	for (i = 0; i < n; i++) {
		t = table(test, c, used, le64(x + H_SIZE + 8 * i));
		KUNIT_EXPECT_EQ_MSG(test, sum(t, le32(t + H_LEN)), 0,
				    "%.4s", t);
		KUNIT_EXPECT_EQ(test, memcmp(t + 10, "AXVM  AXVMPC  ", 14), 0);
		KUNIT_EXPECT_EQ(test, memcmp(t + 28, "AXVM", 4), 0);
	}
	f = find(test, c, used, "FACP");
	KUNIT_ASSERT_NOT_NULL(test, f);
	t = table(test, c, used, le64(f + F_X_DSDT));
	KUNIT_EXPECT_EQ(test, sum(t, le32(t + H_LEN)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(t + 10, "AXVM  AXVMPC  ", 14), 0);
}

static void acpi_xsdt_tables(struct kunit *test)
{
	struct acpi_ctx *c = test->priv;
	int used = build(test, c);
	u8 *x = table(test, c, used, le64(c->buf + RSDP_XSDT));

	KUNIT_EXPECT_EQ(test, le32(x + H_LEN), H_SIZE + 3 * 8);
	KUNIT_EXPECT_NOT_NULL(test, find(test, c, used, "FACP"));
	KUNIT_EXPECT_NOT_NULL(test, find(test, c, used, "APIC"));
	KUNIT_EXPECT_NOT_NULL(test, find(test, c, used, "HPET"));

	c->cfg.hpet_base = 0;
	memset(c->buf, 0, BUF_SIZE);
	used = build(test, c);
	x = table(test, c, used, le64(c->buf + RSDP_XSDT));
	KUNIT_EXPECT_EQ(test, le32(x + H_LEN), H_SIZE + 2 * 8);
	KUNIT_EXPECT_NOT_NULL(test, find(test, c, used, "FACP"));
	KUNIT_EXPECT_NOT_NULL(test, find(test, c, used, "APIC"));
	KUNIT_EXPECT_NULL(test, find(test, c, used, "HPET"));
}

static const u32 madt_cpus[] = { 1, 4, 64, 255 };

static void madt_cpus_desc(const u32 *n, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u CPUs", *n);
}

KUNIT_ARRAY_PARAM(madt_cpus, madt_cpus, madt_cpus_desc);

static void acpi_madt(struct kunit *test)
{
	const u32 nr = *(const u32 *)test->param_value;
	struct acpi_ctx *c = test->priv;
	unsigned int lapics = 0, ioapics = 0, isos = 0, nmis = 0;
	u8 *m, *p, *end;
	int used;

	c->cfg.nr_cpus = nr;
	used = build(test, c);
	m = find(test, c, used, "APIC");
	KUNIT_ASSERT_NOT_NULL(test, m);
	/* 44 + 8 per CPU + IOAPIC 12 + 2 overrides of 10 + NMI 6 */
	KUNIT_EXPECT_EQ(test, le32(m + H_LEN), 44 + 8 * nr + 12 + 20 + 6);
	KUNIT_EXPECT_EQ(test, le32(m + 36), 0xfee00000);
	KUNIT_EXPECT_EQ(test, le32(m + 40), 1);		/* PCAT_COMPAT */
	end = m + le32(m + H_LEN);
	for (p = m + 44; p < end; p += p[1]) {
		KUNIT_ASSERT_GT(test, p[1], 0);
		switch (p[0]) {
		case 0:		/* Processor Local APIC */
			KUNIT_EXPECT_EQ(test, p[1], 8);
			KUNIT_EXPECT_EQ(test, p[2], lapics);	/* uid */
			KUNIT_EXPECT_EQ(test, p[3], lapics);	/* APIC id */
			KUNIT_EXPECT_EQ(test, le32(p + 4), 1);	/* enabled */
			lapics++;
			break;
		case 1:		/* I/O APIC */
			KUNIT_EXPECT_EQ(test, p[1], 12);
			KUNIT_EXPECT_EQ(test, p[2], 0);
			KUNIT_EXPECT_EQ(test, le32(p + 4), 0xfec00000);
			KUNIT_EXPECT_EQ(test, le32(p + 8), 0);
			ioapics++;
			break;
		case 2:		/* Interrupt Source Override, bus 0 (ISA) */
			KUNIT_EXPECT_EQ(test, p[1], 10);
			KUNIT_EXPECT_EQ(test, p[2], 0);
			if (p[3] == 0) {
				KUNIT_EXPECT_EQ(test, le32(p + 4), 2);
				KUNIT_EXPECT_EQ(test, le16(p + 8), 0);
			} else {
				/* SCI: active-high (01), level (11) */
				KUNIT_EXPECT_EQ(test, p[3], 9);
				KUNIT_EXPECT_EQ(test, le32(p + 4), 9);
				KUNIT_EXPECT_EQ(test, le16(p + 8), 0xd);
			}
			isos++;
			break;
		case 4:		/* Local APIC NMI */
			KUNIT_EXPECT_EQ(test, p[1], 6);
			KUNIT_EXPECT_EQ(test, p[2], 0xff);	/* all */
			KUNIT_EXPECT_EQ(test, le16(p + 3), 0);
			KUNIT_EXPECT_EQ(test, p[5], 1);		/* LINT1 */
			nmis++;
			break;
		default:
			KUNIT_FAIL(test, "MADT entry type %u", p[0]);
		}
	}
	KUNIT_EXPECT_PTR_EQ(test, p, end);
	KUNIT_EXPECT_EQ(test, lapics, nr);
	KUNIT_EXPECT_EQ(test, ioapics, 1);
	KUNIT_EXPECT_EQ(test, isos, 2);
	KUNIT_EXPECT_EQ(test, nmis, 1);
}

/* An I/O Generic Address Structure. */
static void expect_io_gas(struct kunit *test, const u8 *g, u8 bits, u8 access,
			  u64 port)
{
	KUNIT_EXPECT_EQ(test, g[0], 1);		/* System I/O */
	KUNIT_EXPECT_EQ(test, g[1], bits);
	KUNIT_EXPECT_EQ(test, g[2], 0);
	KUNIT_EXPECT_EQ(test, g[3], access);
	KUNIT_EXPECT_EQ(test, le64(g + 4), port);
}

static void acpi_fadt(struct kunit *test)
{
	struct acpi_ctx *c = test->priv;
	int used = build(test, c);
	u8 *f = find(test, c, used, "FACP");
	u32 flags;
	u8 *t;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, le32(f + H_LEN), 276);
	KUNIT_EXPECT_EQ(test, f[H_REV], 6);
	/* FACS and DSDT, 32-bit and 64-bit pointers alike */
	KUNIT_EXPECT_EQ(test, (u64)le32(f + F_FACS), le64(f + F_X_FACS));
	KUNIT_EXPECT_EQ(test, (u64)le32(f + F_DSDT), le64(f + F_X_DSDT));
	KUNIT_EXPECT_EQ(test, le64(f + F_X_FACS) % 64, 0);
	t = at(test, c, used, le64(f + F_X_FACS), 64);
	KUNIT_EXPECT_EQ(test, memcmp(t, "FACS", 4), 0);
	KUNIT_EXPECT_EQ(test, le32(t + H_LEN), 64);
	t = table(test, c, used, le64(f + F_X_DSDT));
	KUNIT_EXPECT_EQ(test, memcmp(t, "DSDT", 4), 0);
	KUNIT_EXPECT_EQ(test, t[H_REV], 2);		/* 64-bit integers */

	KUNIT_EXPECT_EQ(test, le16(f + F_SCI), 9);
	KUNIT_EXPECT_EQ(test, le32(f + F_SMI_CMD), 0);	/* always in ACPI mode */
	KUNIT_EXPECT_EQ(test, le32(f + F_PM1A_EVT), 0x600);
	KUNIT_EXPECT_EQ(test, le32(f + F_PM1B_EVT), 0);
	KUNIT_EXPECT_EQ(test, le32(f + F_PM1A_CNT), 0x604);
	KUNIT_EXPECT_EQ(test, le32(f + F_PM_TMR), 0x608);
	KUNIT_EXPECT_EQ(test, le32(f + F_GPE0), 0);
	KUNIT_EXPECT_EQ(test, f[F_PM1_EVT_LEN], 4);
	KUNIT_EXPECT_EQ(test, f[F_PM1_CNT_LEN], 2);
	KUNIT_EXPECT_EQ(test, f[F_PM_TMR_LEN], 4);
	KUNIT_EXPECT_EQ(test, f[F_GPE0_LEN], 0);
	expect_io_gas(test, f + F_X_PM1A_EVT, 32, 0, 0x600);
	expect_io_gas(test, f + F_X_PM1A_CNT, 16, 0, 0x604);
	expect_io_gas(test, f + F_X_PM_TMR, 32, 0, 0x608);
	KUNIT_EXPECT_GT(test, le16(f + F_LVL2_LAT), 100);	/* no C2 */
	KUNIT_EXPECT_GT(test, le16(f + F_LVL3_LAT), 1000);	/* no C3 */
	KUNIT_EXPECT_EQ(test, f[F_CENTURY], 0x32);
	KUNIT_EXPECT_EQ(test, le16(f + F_BOOT_ARCH) &
			(BOOT_LEGACY | BOOT_8042 | BOOT_NO_VGA | BOOT_NO_MSI |
			 BOOT_NO_RTC), BOOT_LEGACY | BOOT_NO_VGA);
	flags = le32(f + F_FLAGS);
	KUNIT_EXPECT_EQ(test, flags & (WBINVD | PROC_C1 | SLP_BUTTON |
				       TMR_VAL_EXT | RESET_REG_SUP),
			WBINVD | PROC_C1 | SLP_BUTTON | TMR_VAL_EXT |
			RESET_REG_SUP);
	KUNIT_EXPECT_EQ(test, flags & (PWR_BUTTON | HW_REDUCED), 0);
	/* the reset register: byte 6 to port 0xcf9 */
	expect_io_gas(test, f + F_RESET_REG, 8, 1, 0xcf9);
	KUNIT_EXPECT_EQ(test, f[F_RESET_VAL], 6);
}

/* No timer, no reset register: their flags go too. */
static void acpi_fadt_optional(struct kunit *test)
{
	struct acpi_ctx *c = test->priv;
	int used;
	u8 *f;

	c->cfg.pm_tmr = 0;
	c->cfg.reset_port = 0;
	used = build(test, c);
	f = find(test, c, used, "FACP");
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, le32(f + F_PM_TMR), 0);
	KUNIT_EXPECT_EQ(test, f[F_PM_TMR_LEN], 0);
	KUNIT_EXPECT_EQ(test, le32(f + F_FLAGS) & (TMR_VAL_EXT | RESET_REG_SUP),
			0);
	KUNIT_EXPECT_EQ(test, le64(f + F_RESET_REG + 4), 0);
}

static void acpi_hpet(struct kunit *test)
{
	struct acpi_ctx *c = test->priv;
	int used = build(test, c);
	u8 *h = find(test, c, used, "HPET");

	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_EXPECT_EQ(test, le32(h + H_LEN), 56);
	/* vendor 8086, legacy route (15), 64-bit (13), 3 comparators (12:8 = 2), rev 1 */
	KUNIT_EXPECT_EQ(test, le32(h + 36), 0x8086a201);
	KUNIT_EXPECT_EQ(test, h[40], 0);		/* system memory */
	KUNIT_EXPECT_EQ(test, le64(h + 44), 0xfed00000);
	KUNIT_EXPECT_EQ(test, h[52], 0);		/* HPET number */
}

static u8 *dsdt(struct kunit *test, struct acpi_ctx *c, int used, size_t *len)
{
	u8 *f = find(test, c, used, "FACP");
	u8 *d;

	KUNIT_ASSERT_NOT_NULL(test, f);
	d = table(test, c, used, le64(f + F_X_DSDT));
	*len = le32(d + H_LEN);
	return d;
}

/* Does @hay hold the bytes @want (the kernel has no memmem)? */
static bool has_bytes(const u8 *hay, size_t n, const u8 *want, size_t m)
{
	size_t i;

	for (i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, want, m))
			return true;
	return false;
}

#define EXPECT_AML(test, hay, n, ...) do {				\
	static const u8 __want[] = { __VA_ARGS__ };			\
	KUNIT_EXPECT_TRUE_MSG(test,					\
		has_bytes(hay, n, __want, sizeof(__want)), "%s",	\
		#__VA_ARGS__);						\
} while (0)

static void acpi_dsdt_s5(struct kunit *test)
{
	struct acpi_ctx *c = test->priv;
	size_t len;
	u8 *d = dsdt(test, c, build(test, c), &len);

	/* Name(_S5_, Package(4) { 5, 5, Zero, Zero }): PkgLength 8 */
	EXPECT_AML(test, d, len, 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
		   0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00);
	/* Scope(\_SB_) */
	KUNIT_EXPECT_EQ(test, d[H_SIZE], 0x10);
}

static void acpi_dsdt_devices(struct kunit *test)
{
	struct acpi_ctx *c = test->priv;
	size_t len;
	u8 *d;

	/* a third, its MMIO above 4 GiB, level active-low, no ports */
	c->devs[2] = (struct axvm_acpi_dev){
		.name = "VR01", .hid = "LNRO0005", .uid = 0x1234,
		.mmio_base = 0x100000000ULL, .mmio_size = 0x200, .gsi = 17,
		.has_irq = true, .level = true, .active_low = true,
	};
	c->cfg.nr_devs = 3;
	d = dsdt(test, c, build(test, c), &len);

	/* Name(_HID, EisaId("PNP0501")), Name(_UID, One) */
	EXPECT_AML(test, d, len, 'C', 'O', 'M', '1', 0x08, '_', 'H', 'I', 'D',
		   0x0c, 0x41, 0xd0, 0x05, 0x01, 0x08, '_', 'U', 'I', 'D', 0x01);
	/* IO(Decode16, 0x3f8, 0x3f8, 1, 8), Interrupt(Consumer, Edge) {4}, End */
	EXPECT_AML(test, d, len, 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,
		   0x89, 0x06, 0x00, 0x03, 0x01, 0x04, 0x00, 0x00, 0x00,
		   0x79, 0x00);
	/* Name(_HID, "LNRO0005"), Name(_UID, Zero) */
	EXPECT_AML(test, d, len, 'V', 'R', '0', '0', 0x08, '_', 'H', 'I', 'D',
		   0x0d, 'L', 'N', 'R', 'O', '0', '0', '0', '5', 0x00,
		   0x08, '_', 'U', 'I', 'D', 0x00);
	/* Memory32Fixed(ReadWrite, 0xfeb00000, 0x200), Interrupt(Level) {16} */
	EXPECT_AML(test, d, len, 0x86, 0x09, 0x00, 0x01,
		   0x00, 0x00, 0xb0, 0xfe, 0x00, 0x02, 0x00, 0x00,
		   0x89, 0x06, 0x00, 0x01, 0x01, 0x10, 0x00, 0x00, 0x00,
		   0x79, 0x00);
	/* VR01: Name(_UID, 0x1234), then QWordMemory, Interrupt(Level, ActiveLow) {17} */
	EXPECT_AML(test, d, len, 'V', 'R', '0', '1');
	EXPECT_AML(test, d, len, 0x08, '_', 'U', 'I', 'D', 0x0b, 0x34, 0x12);
	EXPECT_AML(test, d, len, 0x8a, 0x2b, 0x00, 0x00, 0x0d, 0x01,
		   0, 0, 0, 0, 0, 0, 0, 0,		/* granularity */
		   0, 0, 0, 0, 1, 0, 0, 0,		/* minimum */
		   0xff, 0x01, 0, 0, 1, 0, 0, 0,	/* maximum */
		   0, 0, 0, 0, 0, 0, 0, 0,		/* translation */
		   0x00, 0x02, 0, 0, 0, 0, 0, 0,	/* length */
		   0x89, 0x06, 0x00, 0x05, 0x01, 0x11, 0x00, 0x00, 0x00);
}

/* No devices: an empty Scope(\_SB_), then _S5_. */
static void acpi_dsdt_no_devices(struct kunit *test)
{
	struct acpi_ctx *c = test->priv;
	size_t len;
	u8 *d;

	c->cfg.nr_devs = 0;
	c->cfg.devs = NULL;
	d = dsdt(test, c, build(test, c), &len);
	KUNIT_ASSERT_EQ(test, len, H_SIZE + 7 + 14);
	EXPECT_AML(test, d + H_SIZE, len - H_SIZE,
		   0x10, 0x06, 0x5c, '_', 'S', 'B', '_',
		   0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
		   0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00);
}

struct pkglen_case {
	size_t body;
	unsigned int n;		/* 0: cannot be encoded */
	u8 enc[4];
};

/* The value counts its own bytes: body 63 needs 2 bytes, so 65. */
static const struct pkglen_case pkglen_cases[] = {
	{ 0, 1, { 0x01 } },
	{ 62, 1, { 0x3f } },				/* 63 */
	{ 63, 2, { 0x41, 0x04 } },			/* 65 */
	{ 4093, 2, { 0x4f, 0xff } },			/* 4095 */
	{ 4094, 3, { 0x81, 0x00, 0x01 } },		/* 4097 */
	{ 0xffffc, 3, { 0x8f, 0xff, 0xff } },		/* 0xfffff */
	{ 0xffffd, 4, { 0xc1, 0x00, 0x00, 0x01 } },	/* 0x100001 */
	{ 0xffffffb, 4, { 0xcf, 0xff, 0xff, 0xff } },	/* 0xfffffff */
	{ 0xffffffc, 0 },
};

static void pkglen_desc(const struct pkglen_case *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "body %zu", p->body);
}

KUNIT_ARRAY_PARAM(pkglen, pkglen_cases, pkglen_desc);

static void aml_pkglen(struct kunit *test)
{
	const struct pkglen_case *p = test->param_value;
	u8 out[4] = { };

	KUNIT_ASSERT_EQ(test, axvm_aml_pkglen(out, p->body), p->n);
	KUNIT_EXPECT_EQ(test, memcmp(out, p->enc, p->n), 0);
}

/*
 * Through open/close: a Buffer of @n bytes, its size a ByteConst (2
 * bytes) or WordConst (3): the body moves behind a PkgLength of 1-3.
 */
struct buffer_case {
	size_t n;
	unsigned int pl;
	u8 enc[3];
	u8 size_bytes;
};

static const struct buffer_case buffer_cases[] = {
	{ 60, 1, { 0x3f }, 2 },			/* body 62 */
	{ 61, 2, { 0x41, 0x04 }, 2 },		/* body 63 */
	{ 4090, 2, { 0x4f, 0xff }, 3 },		/* body 4093 */
	{ 4091, 3, { 0x81, 0x00, 0x01 }, 3 },	/* body 4094 */
};

static void buffer_desc(const struct buffer_case *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%zu bytes", p->n);
}

KUNIT_ARRAY_PARAM(buffer, buffer_cases, buffer_desc);

static void aml_buffer_pkglen(struct kunit *test)
{
	const struct buffer_case *p = test->param_value;
	struct acpi_ctx *c = test->priv;
	u8 *data = c->buf + BUF_SIZE / 2, *o = c->buf;
	struct axvm_aml a;
	size_t i;

	for (i = 0; i < p->n; i++)
		data[i] = i * 7 + 1;
	axvm_aml_init(&a, c->buf, BUF_SIZE / 2);
	axvm_aml_buffer(&a, data, p->n);
	KUNIT_ASSERT_FALSE(test, a.overflow);
	KUNIT_ASSERT_EQ(test, a.len, 1 + p->pl + p->size_bytes + p->n);
	KUNIT_EXPECT_EQ(test, o[0], 0x11);
	KUNIT_EXPECT_EQ(test, memcmp(o + 1, p->enc, p->pl), 0);
	o += 1 + p->pl;
	if (p->size_bytes == 2) {
		KUNIT_EXPECT_EQ(test, o[0], 0x0a);
		KUNIT_EXPECT_EQ(test, o[1], p->n);
	} else {
		KUNIT_EXPECT_EQ(test, o[0], 0x0b);
		KUNIT_EXPECT_EQ(test, le16(o + 1), p->n);
	}
	KUNIT_EXPECT_EQ(test, memcmp(o + p->size_bytes, data, p->n), 0);
}

struct int_case {
	u64 v;
	unsigned int n;
	u8 enc[9];
};

static const struct int_case int_cases[] = {
	{ 0, 1, { 0x00 } },
	{ 1, 1, { 0x01 } },
	{ 2, 2, { 0x0a, 0x02 } },
	{ 0xff, 2, { 0x0a, 0xff } },
	{ 0x100, 3, { 0x0b, 0x00, 0x01 } },
	{ 0xffff, 3, { 0x0b, 0xff, 0xff } },
	{ 0x10000, 5, { 0x0c, 0x00, 0x00, 0x01, 0x00 } },
	{ 0xffffffff, 5, { 0x0c, 0xff, 0xff, 0xff, 0xff } },
	{ 0x100000000ULL, 9, { 0x0e, 0, 0, 0, 0, 1, 0, 0, 0 } },
};

static void int_desc(const struct int_case *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%#llx", p->v);
}

KUNIT_ARRAY_PARAM(int, int_cases, int_desc);

static void aml_integer(struct kunit *test)
{
	const struct int_case *p = test->param_value;
	struct axvm_aml a;
	u8 out[16];

	axvm_aml_init(&a, out, sizeof(out));
	axvm_aml_integer(&a, p->v);
	KUNIT_ASSERT_EQ(test, a.len, p->n);
	KUNIT_EXPECT_EQ(test, memcmp(out, p->enc, p->n), 0);
}

static void aml_names(struct kunit *test)
{
	static const u8 root[] = { 0x5c, '_', 'S', 'B', '_' };
	static const u8 dual[] = { 0x2e, '_', 'S', 'B', '_', 'C', 'O', 'M', '1' };
	static const u8 multi[] = { 0x5c, 0x2f, 3, '_', 'S', 'B', '_',
				    'P', 'C', 'I', '0', 'I', 'S', 'A', '_' };
	struct axvm_aml a;
	u8 out[32];

	axvm_aml_init(&a, out, sizeof(out));
	axvm_aml_namestring(&a, "\\_SB_");
	KUNIT_ASSERT_EQ(test, a.len, sizeof(root));
	KUNIT_EXPECT_EQ(test, memcmp(out, root, sizeof(root)), 0);
	axvm_aml_init(&a, out, sizeof(out));
	axvm_aml_namestring(&a, "_SB_.COM1");
	KUNIT_ASSERT_EQ(test, a.len, sizeof(dual));
	KUNIT_EXPECT_EQ(test, memcmp(out, dual, sizeof(dual)), 0);
	axvm_aml_init(&a, out, sizeof(out));
	axvm_aml_namestring(&a, "\\_SB_.PCI0.ISA_");
	KUNIT_ASSERT_EQ(test, a.len, sizeof(multi));
	KUNIT_EXPECT_EQ(test, memcmp(out, multi, sizeof(multi)), 0);
}

/* ASL's EISAID(): three 5-bit letters and 16 bits, byte-swapped. */
static void acpi_eisaid(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, axvm_acpi_eisaid("PNP0501"), 0x0105d041);
	KUNIT_EXPECT_EQ(test, axvm_acpi_eisaid("PNP0A03"), 0x030ad041);
	KUNIT_EXPECT_EQ(test, axvm_acpi_eisaid("PNP0103"), 0x0301d041);
	KUNIT_EXPECT_EQ(test, axvm_acpi_eisaid("pnp0501"), 0);
	KUNIT_EXPECT_EQ(test, axvm_acpi_eisaid("PNP050"), 0);
	KUNIT_EXPECT_EQ(test, axvm_acpi_eisaid("PNP05011"), 0);
	KUNIT_EXPECT_EQ(test, axvm_acpi_eisaid("PNP05g1"), 0);
}

/* Too small: -ENOSPC and the buffer untouched; exactly enough: built. */
static void acpi_nospc(struct kunit *test)
{
	struct acpi_ctx *c = test->priv;
	int used = build(test, c);
	static const size_t sizes[] = { 0, 1, 36, 256 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(c->buf, 0xaa, BUF_SIZE);
		KUNIT_EXPECT_EQ(test, axvm_acpi_build(&c->cfg, BASE, c->buf,
						      sizes[i]), -ENOSPC);
		KUNIT_EXPECT_NULL(test, memchr_inv(c->buf, 0xaa, BUF_SIZE));
	}
	memset(c->buf, 0xaa, BUF_SIZE);
	KUNIT_EXPECT_EQ(test, axvm_acpi_build(&c->cfg, BASE, c->buf, used - 1),
			-ENOSPC);
	KUNIT_EXPECT_NULL(test, memchr_inv(c->buf, 0xaa, BUF_SIZE));
	KUNIT_EXPECT_EQ(test, axvm_acpi_build(&c->cfg, BASE, c->buf, used),
			used);
	KUNIT_EXPECT_NULL(test, memchr_inv(c->buf + used, 0xaa,
					   BUF_SIZE - used));
}

enum inval_bend {
	BEND_NO_CPUS,
	BEND_CPUS_256,
	BEND_LAPIC_HIGH,
	BEND_IOAPIC_HIGH,
	BEND_SCI_0,
	BEND_SCI_2,
	BEND_SCI_16,
	BEND_NO_PM1A_EVT,
	BEND_NO_PM1A_CNT,
	BEND_SLP_TYP_8,
	BEND_DEVS_NULL,
	BEND_NAME_LOWER,
	BEND_NAME_UNDERSCORE,
	BEND_NAME_SPACE,
	BEND_NAME_SHORT,
	BEND_NAME_LONG,
	BEND_NAME_DUP,
	BEND_HID_SHORT,
	BEND_HID_LOWER,
	BEND_HID_NOT_HEX,
	BEND_HID_LOWER_HEX,
	BEND_HID_NO_NUL,
	BEND_PIO_WRAPS,
	BEND_PIO_256,
	BEND_MMIO_WRAPS,
	BEND_NOTHING,
};

struct inval_case {
	const char *name;
	enum inval_bend bend;
	u64 gpa;		/* 0: BASE */
};

static void bend(struct acpi_ctx *c, enum inval_bend what)
{
	switch (what) {
	case BEND_NO_CPUS:
		c->cfg.nr_cpus = 0;
		break;
	case BEND_CPUS_256:
		c->cfg.nr_cpus = 256;
		break;
	case BEND_LAPIC_HIGH:
		c->cfg.lapic_base = 1ULL << 32;
		break;
	case BEND_IOAPIC_HIGH:
		c->cfg.ioapic_base = 1ULL << 32;
		break;
	case BEND_SCI_0:
		c->cfg.sci_irq = 0;
		break;
	case BEND_SCI_2:
		c->cfg.sci_irq = 2;
		break;
	case BEND_SCI_16:
		c->cfg.sci_irq = 16;
		break;
	case BEND_NO_PM1A_EVT:
		c->cfg.pm1a_evt = 0;
		break;
	case BEND_NO_PM1A_CNT:
		c->cfg.pm1a_cnt = 0;
		break;
	case BEND_SLP_TYP_8:
		c->cfg.s5_slp_typ = 8;
		break;
	case BEND_DEVS_NULL:
		c->cfg.devs = NULL;
		break;
	case BEND_NAME_LOWER:
		c->devs[0].name[0] = 'c';
		break;
	case BEND_NAME_UNDERSCORE:
		c->devs[0].name[0] = '_';
		break;
	case BEND_NAME_SPACE:
		c->devs[0].name[3] = ' ';
		break;
	case BEND_NAME_SHORT:
		c->devs[0].name[3] = 0;
		break;
	case BEND_NAME_LONG:
		c->devs[0].name[4] = 'X';
		break;
	case BEND_NAME_DUP:
		memcpy(c->devs[1].name, "COM1", 5);
		break;
	case BEND_HID_SHORT:
		c->devs[0].hid[6] = 0;
		break;
	case BEND_HID_LOWER:
		c->devs[0].hid[0] = 'p';
		break;
	case BEND_HID_NOT_HEX:
		c->devs[1].hid[7] = 'G';
		break;
	case BEND_HID_LOWER_HEX:
		c->devs[1].hid[7] = 'a';
		break;
	case BEND_HID_NO_NUL:
		memset(c->devs[1].hid, 'A', 9);
		break;
	case BEND_PIO_WRAPS:
		c->devs[0].pio_base = 0xfffc;
		break;
	case BEND_PIO_256:
		c->devs[0].pio_size = 256;
		break;
	case BEND_MMIO_WRAPS:
		c->devs[1].mmio_base = ~0ULL - 0xff;
		break;
	case BEND_NOTHING:
		break;
	}
}

static const struct inval_case inval_cases[] = {
	{ "nr_cpus 0", BEND_NO_CPUS },
	{ "nr_cpus 256", BEND_CPUS_256 },
	{ "LAPIC above 4 GiB", BEND_LAPIC_HIGH },
	{ "IOAPIC above 4 GiB", BEND_IOAPIC_HIGH },
	{ "SCI IRQ 0", BEND_SCI_0 },
	{ "SCI IRQ 2", BEND_SCI_2 },
	{ "SCI IRQ 16", BEND_SCI_16 },
	{ "no PM1a event block", BEND_NO_PM1A_EVT },
	{ "no PM1a control block", BEND_NO_PM1A_CNT },
	{ "SLP_TYP 8", BEND_SLP_TYP_8 },
	{ "nr_devs without devs", BEND_DEVS_NULL },
	{ "name lower case", BEND_NAME_LOWER },
	{ "name with leading underscore", BEND_NAME_UNDERSCORE },
	{ "name with a space", BEND_NAME_SPACE },
	{ "name of 3", BEND_NAME_SHORT },
	{ "name not terminated", BEND_NAME_LONG },
	{ "duplicate name", BEND_NAME_DUP },
	{ "EISA id of 6", BEND_HID_SHORT },
	{ "EISA id lower case", BEND_HID_LOWER },
	{ "ACPI id not hex", BEND_HID_NOT_HEX },
	{ "ACPI id lower-case hex", BEND_HID_LOWER_HEX },
	{ "_HID not terminated", BEND_HID_NO_NUL },
	{ "ports wrap", BEND_PIO_WRAPS },
	{ "256 ports", BEND_PIO_256 },
	{ "MMIO wraps", BEND_MMIO_WRAPS },
	{ "GPA not 16-byte aligned", BEND_NOTHING, BASE + 8 },
	{ "GPA above 4 GiB", BEND_NOTHING, 1ULL << 32 },
	{ "tables across 4 GiB", BEND_NOTHING, 0xffffff00 },
};

static void inval_desc(const struct inval_case *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(inval, inval_cases, inval_desc);

static void acpi_einval(struct kunit *test)
{
	const struct inval_case *p = test->param_value;
	struct acpi_ctx *c = test->priv;

	bend(c, p->bend);
	KUNIT_EXPECT_EQ(test, axvm_acpi_build(&c->cfg, p->gpa ?: BASE, c->buf,
					      BUF_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_acpi_build(NULL, BASE, c->buf, BUF_SIZE),
			-EINVAL);
}

/* The largest config fits the 64 KiB the platform reserves. */
static void acpi_fits(struct kunit *test)
{
	struct acpi_ctx *c = test->priv;
	int i, used;
	u8 *m;

	for (i = 0; i < 16; i++) {
		c->devs[i] = (struct axvm_acpi_dev){
			.name = "VR00", .hid = "LNRO0005", .uid = i,
			.mmio_base = 0x1000000000ULL + i * 0x200,
			.mmio_size = 0x200, .pio_base = 0x1000 + i * 8,
			.pio_size = 8, .gsi = 16 + i, .has_irq = true,
			.level = true,
		};
		c->devs[i].name[2] = '0' + i / 10;
		c->devs[i].name[3] = '0' + i % 10;
	}
	c->cfg.nr_devs = 16;
	c->cfg.nr_cpus = 255;
	used = axvm_acpi_build(&c->cfg, BASE, c->buf, 0x10000);
	KUNIT_ASSERT_GT(test, used, 0);
	KUNIT_EXPECT_LE(test, used, 0x10000);
	KUNIT_EXPECT_LE(test, AXVM_ACPI_TABLES_SIZE, 0x10000);
	KUNIT_EXPECT_EQ(test, AXVM_ACPI_TABLES_GPA, 0xe0000);
	m = find(test, c, used, "APIC");
	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_EXPECT_EQ(test, m[44 + 8 * 254 + 3], 254);	/* last APIC id */
	KUNIT_EXPECT_EQ(test, sum(m, le32(m + H_LEN)), 0);
}

/* Another placement: every pointer follows, the FACS still 64-aligned. */
static void acpi_other_gpa(struct kunit *test)
{
	struct acpi_ctx *c = test->priv;
	const u64 gpa = 0x80010;
	u8 *f, *t;
	int used;

	used = axvm_acpi_build(&c->cfg, gpa, c->buf, BUF_SIZE);
	KUNIT_ASSERT_GT(test, used, 0);
	KUNIT_ASSERT_GE(test, le64(c->buf + RSDP_XSDT), gpa);
	t = c->buf + (le64(c->buf + RSDP_XSDT) - gpa);
	KUNIT_EXPECT_EQ(test, memcmp(t, "XSDT", 4), 0);
	f = c->buf + (le64(t + H_SIZE) - gpa);
	KUNIT_ASSERT_EQ(test, memcmp(f, "FACP", 4), 0);
	KUNIT_EXPECT_EQ(test, le64(f + F_X_FACS) % 64, 0);
	KUNIT_EXPECT_EQ(test, memcmp(c->buf + (le64(f + F_X_FACS) - gpa),
				     "FACS", 4), 0);
	KUNIT_EXPECT_EQ(test, memcmp(c->buf + (le64(f + F_X_DSDT) - gpa),
				     "DSDT", 4), 0);
}

static struct kunit_case acpi_cases[] = {
	KUNIT_CASE(acpi_rsdp),
	KUNIT_CASE(acpi_checksums),
	KUNIT_CASE(acpi_xsdt_tables),
	KUNIT_CASE_PARAM(acpi_madt, madt_cpus_gen_params),
	KUNIT_CASE(acpi_fadt),
	KUNIT_CASE(acpi_fadt_optional),
	KUNIT_CASE(acpi_hpet),
	KUNIT_CASE(acpi_dsdt_s5),
	KUNIT_CASE(acpi_dsdt_devices),
	KUNIT_CASE(acpi_dsdt_no_devices),
	KUNIT_CASE_PARAM(aml_pkglen, pkglen_gen_params),
	KUNIT_CASE_PARAM(aml_buffer_pkglen, buffer_gen_params),
	KUNIT_CASE_PARAM(aml_integer, int_gen_params),
	KUNIT_CASE(aml_names),
	KUNIT_CASE(acpi_eisaid),
	KUNIT_CASE(acpi_nospc),
	KUNIT_CASE_PARAM(acpi_einval, inval_gen_params),
	KUNIT_CASE(acpi_fits),
	KUNIT_CASE(acpi_other_gpa),
	{}
};

static struct kunit_suite axvm_acpi_suite = {
	.name = "axvm_acpi",
	.init = acpi_test_init,
	.test_cases = acpi_cases,
};

kunit_test_suite(axvm_acpi_suite);
