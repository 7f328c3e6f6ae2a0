// SPDX-License-Identifier: GPL-2.0
/*
 * The ACPI tables of a PC-platform VM (acpi_tables.h): RSDP, XSDT, FADT,
 * FACS, DSDT, MADT and HPET laid out in one buffer, and the small AML
 * encoder the DSDT is written with. Layouts from the ACPI 6.3
 * specification, chapter 5.2 (tables) and 19/20 (ASL, AML); field
 * offsets are spelled out below as the specification numbers them.
 *
 * The layout is measured first (the DSDT by an encoder run into no
 * buffer), so a buffer that is too small is left untouched.
 */
#include "acpi_tables.h"

#define ACPI_OEM_ID		"AXVM  "	/* 6 bytes */
#define ACPI_OEM_TABLE_ID	"AXVMPC  "	/* 8 bytes */
#define ACPI_OEM_REVISION	1
#define ACPI_CREATOR_ID		"AXVM"
#define ACPI_CREATOR_REVISION	1

/* Not a bound of ACPI's: of the time a config takes to check. */
#define ACPI_MAX_DEVS		256

#define ACPI_ALIGN(x, a)	(((x) + (a) - 1) & ~((u64)(a) - 1))
#define ACPI_4G			0x100000000ULL

/* ---- little-endian stores ----------------------------------------------- */

static void put16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(u8 *p, u32 v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void put64(u8 *p, u64 v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

static u8 acpi_sum(const u8 *p, size_t n)
{
	u8 s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* ---- the AML encoder ------------------------------------------------------ */

void axvm_aml_init(struct axvm_aml *a, void *buf, size_t size)
{
	a->buf = buf;
	a->size = buf ? size : 0;
	a->len = 0;
	a->overflow = false;
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_init);

void axvm_aml_bytes(struct axvm_aml *a, const void *p, size_t n)
{
	/* While nothing overflowed, len <= size. */
	if (a->overflow || n > a->size - a->len)
		a->overflow = true;
	else if (n)
		memcpy(a->buf + a->len, p, n);
	a->len += n;
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_bytes);

void axvm_aml_byte(struct axvm_aml *a, u8 b)
{
	axvm_aml_bytes(a, &b, 1);
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_byte);

/*
 * ACPI 6.3, 20.2.4: one byte holds 0-63 in bits 5:0; otherwise bits 7:6
 * count the bytes that follow (1-3), bits 3:0 are the value's low nibble
 * and each following byte the next 8 bits. The value includes the
 * PkgLength's own bytes, so the size depends on itself.
 */
unsigned int axvm_aml_pkglen(u8 out[4], size_t body)
{
	unsigned int k, i;
	size_t total;

	if (body > AXVM_AML_PKGLEN_MAX)
		return 0;
	if (body + 1 <= 0x3f) {
		out[0] = body + 1;
		return 1;
	}
	for (k = 2; k <= 4; k++) {
		total = body + k;
		if (total >= (size_t)1 << (4 + 8 * (k - 1)))
			continue;
		out[0] = (k - 1) << 6 | (total & 0xf);
		for (i = 1; i < k; i++)
			out[i] = total >> (4 + 8 * (i - 1));
		return k;
	}
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_pkglen);

void axvm_aml_namestring(struct axvm_aml *a, const char *path)
{
	size_t n, segs;

	if (*path == '\\') {
		axvm_aml_byte(a, AXVM_AML_ROOT);
		path++;
	}
	n = strlen(path);
	segs = (n + 1) / 5;
	if (segs == 0) {
		axvm_aml_byte(a, 0);	/* NullName */
		return;
	}
	if (segs == 2) {
		axvm_aml_byte(a, AXVM_AML_DUAL_NAME);
	} else if (segs > 2) {
		axvm_aml_byte(a, AXVM_AML_MULTI_NAME);
		axvm_aml_byte(a, segs);
	}
	for (; segs; segs--, path += 5)
		axvm_aml_bytes(a, path, 4);
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_namestring);

void axvm_aml_integer(struct axvm_aml *a, u64 v)
{
	u8 b[8];

	if (v == 0) {
		axvm_aml_byte(a, AXVM_AML_ZERO);
	} else if (v == 1) {
		axvm_aml_byte(a, AXVM_AML_ONE);
	} else if (v <= 0xff) {
		axvm_aml_byte(a, AXVM_AML_BYTE_PREFIX);
		axvm_aml_byte(a, v);
	} else if (v <= 0xffff) {
		axvm_aml_byte(a, AXVM_AML_WORD_PREFIX);
		put16(b, v);
		axvm_aml_bytes(a, b, 2);
	} else if (v <= 0xffffffff) {
		axvm_aml_dword(a, v);
	} else {
		axvm_aml_byte(a, AXVM_AML_QWORD_PREFIX);
		put64(b, v);
		axvm_aml_bytes(a, b, 8);
	}
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_integer);

void axvm_aml_dword(struct axvm_aml *a, u32 v)
{
	u8 b[4];

	axvm_aml_byte(a, AXVM_AML_DWORD_PREFIX);
	put32(b, v);
	axvm_aml_bytes(a, b, 4);
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_dword);

void axvm_aml_string(struct axvm_aml *a, const char *s)
{
	axvm_aml_byte(a, AXVM_AML_STRING_PREFIX);
	axvm_aml_bytes(a, s, strlen(s) + 1);
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_string);

size_t axvm_aml_open(struct axvm_aml *a, u8 op)
{
	axvm_aml_byte(a, op);
	return a->len;
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_open);

size_t axvm_aml_open_ext(struct axvm_aml *a, u8 ext_op)
{
	axvm_aml_byte(a, AXVM_AML_EXT_PREFIX);
	return axvm_aml_open(a, ext_op);
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_open_ext);

void axvm_aml_close(struct axvm_aml *a, size_t mark)
{
	size_t body = a->len - mark;
	unsigned int k;
	u8 pl[4];

	k = axvm_aml_pkglen(pl, body);
	if (!k) {
		a->overflow = true;
		return;
	}
	if (!a->overflow && a->len + k <= a->size) {
		memmove(a->buf + mark + k, a->buf + mark, body);
		memcpy(a->buf + mark, pl, k);
	} else {
		a->overflow = true;
	}
	a->len += k;
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_close);

void axvm_aml_buffer(struct axvm_aml *a, const void *data, size_t n)
{
	size_t mark = axvm_aml_open(a, AXVM_AML_BUFFER);

	axvm_aml_integer(a, n);
	axvm_aml_bytes(a, data, n);
	axvm_aml_close(a, mark);
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_buffer);

void axvm_aml_name(struct axvm_aml *a, const char *path)
{
	axvm_aml_byte(a, AXVM_AML_NAME);
	axvm_aml_namestring(a, path);
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_name);

size_t axvm_aml_scope(struct axvm_aml *a, const char *path)
{
	size_t mark = axvm_aml_open(a, AXVM_AML_SCOPE);

	axvm_aml_namestring(a, path);
	return mark;
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_scope);

size_t axvm_aml_device(struct axvm_aml *a, const char *path)
{
	size_t mark = axvm_aml_open_ext(a, AXVM_AML_DEVICE);

	axvm_aml_namestring(a, path);
	return mark;
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_device);

size_t axvm_aml_package(struct axvm_aml *a, u8 nr_elements)
{
	size_t mark = axvm_aml_open(a, AXVM_AML_PACKAGE);

	axvm_aml_byte(a, nr_elements);
	return mark;
}
AXVM_EXPORT_FOR_TESTS(axvm_aml_package);

/* ---- names and ids ---------------------------------------------------------- */

static bool acpi_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool acpi_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool acpi_hex(char c)
{
	return acpi_digit(c) || (c >= 'A' && c <= 'F');
}

static unsigned int acpi_hexval(char c)
{
	return acpi_digit(c) ? c - '0' : c - 'A' + 10;
}

/* A device's NameSeg: [A-Z][A-Z0-9_]{3}; '_' first is reserved to ACPI. */
static bool acpi_dev_name_ok(const char name[5])
{
	int i;

	if (!acpi_upper(name[0]) || name[4])
		return false;
	for (i = 1; i < 4; i++)
		if (!acpi_upper(name[i]) && !acpi_digit(name[i]) &&
		    name[i] != '_')
			return false;
	return true;
}

/* ACPI 6.3, 6.1.5: an ACPI id "NNNN####" (N: [A-Z0-9], #: upper hex). */
static bool acpi_id_ok(const char *id)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!acpi_upper(id[i]) && !acpi_digit(id[i]))
			return false;
	for (; i < 8; i++)
		if (!acpi_hex(id[i]))
			return false;
	return !id[8];
}

/*
 * A PNP id "AAA####": three letters of five bits each ('A' is 1) in bits
 * 30:16, the product number in 15:0, stored big-endian in the DWord
 * (ASL's EISAID()): "PNP0501" is 0x0105d041.
 */
u32 axvm_acpi_eisaid(const char *id)
{
	u32 v = 0;
	int i;

	for (i = 0; i < 3; i++) {
		if (!acpi_upper(id[i]))
			return 0;
		v = v << 5 | (id[i] - 'A' + 1);
	}
	for (; i < 7; i++) {
		if (!acpi_hex(id[i]))
			return 0;
		v = v << 4 | acpi_hexval(id[i]);
	}
	if (id[7])
		return 0;
	return (v & 0xff) << 24 | (v & 0xff00) << 8 | (v >> 8 & 0xff00) |
	       v >> 24;
}
AXVM_EXPORT_FOR_TESTS(axvm_acpi_eisaid);

static bool acpi_dev_ok(const struct axvm_acpi_dev *d)
{
	if (!acpi_dev_name_ok(d->name))
		return false;
	if (!memchr(d->hid, 0, sizeof(d->hid)) ||
	    (!axvm_acpi_eisaid(d->hid) && !acpi_id_ok(d->hid)))
		return false;
	if (d->mmio_size && d->mmio_base + (d->mmio_size - 1) < d->mmio_base)
		return false;
	/* The IO descriptor: 16-bit ports, at most 255 of them. */
	if (d->pio_size > 0xff || (u32)d->pio_base + d->pio_size > 0x10000)
		return false;
	return true;
}

static int acpi_check_config(const struct axvm_acpi_config *cfg)
{
	unsigned int i, j;

	if (!cfg->nr_cpus || cfg->nr_cpus > AXVM_ACPI_MAX_CPUS)
		return -EINVAL;
	if (cfg->lapic_base >= ACPI_4G || cfg->ioapic_base >= ACPI_4G)
		return -EINVAL;
	/* An ISA IRQ other than the timer's and the cascade. */
	if (cfg->sci_irq == 0 || cfg->sci_irq == 2 || cfg->sci_irq > 15)
		return -EINVAL;
	if (!cfg->pm1a_evt || !cfg->pm1a_cnt || cfg->s5_slp_typ > 7)
		return -EINVAL;
	if (cfg->nr_devs > ACPI_MAX_DEVS || (cfg->nr_devs && !cfg->devs))
		return -EINVAL;
	for (i = 0; i < cfg->nr_devs; i++) {
		if (!acpi_dev_ok(&cfg->devs[i]))
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (!memcmp(cfg->devs[i].name, cfg->devs[j].name, 4))
				return -EINVAL;
	}
	return 0;
}

/* ---- the DSDT ------------------------------------------------------------------ */

/* Resource descriptors (ACPI 6.3, 6.4). */
#define RES_IO			0x47	/* small item 0x08, 7 bytes */
#define RES_IO_DECODE16		0x01
#define RES_END			0x79	/* small item 0x0f, 1 byte */
#define RES_MEM32_FIXED		0x86
#define RES_MEM_RW		0x01
#define RES_EXT_IRQ		0x89
#define RES_IRQ_CONSUMER	0x01
#define RES_IRQ_EDGE		0x02
#define RES_IRQ_ACTIVE_LOW	0x04
#define RES_QWORD_ADDR		0x8a
#define RES_ADDR_MEMORY		0
/* General flags: consumer, min fixed, max fixed (positive decode). */
#define RES_ADDR_CONSUMER_FIXED	0x0d

static void res_io(struct axvm_aml *r, u16 base, u8 len)
{
	u8 d[8] = { RES_IO, RES_IO_DECODE16 };

	put16(d + 2, base);	/* minimum */
	put16(d + 4, base);	/* maximum */
	d[6] = 1;		/* alignment */
	d[7] = len;
	axvm_aml_bytes(r, d, sizeof(d));
}

static void res_mem32_fixed(struct axvm_aml *r, u32 base, u32 len)
{
	u8 d[12] = { RES_MEM32_FIXED, 9, 0, RES_MEM_RW };

	put32(d + 4, base);
	put32(d + 8, len);
	axvm_aml_bytes(r, d, sizeof(d));
}

static void res_qword_mem(struct axvm_aml *r, u64 base, u64 len)
{
	u8 d[46] = { RES_QWORD_ADDR, 43, 0, RES_ADDR_MEMORY,
		     RES_ADDR_CONSUMER_FIXED, RES_MEM_RW /* non-cacheable */ };

	/* granularity 0 at 6, translation 0 at 30 */
	put64(d + 14, base);
	put64(d + 22, base + len - 1);
	put64(d + 38, len);
	axvm_aml_bytes(r, d, sizeof(d));
}

static void res_ext_irq(struct axvm_aml *r, const struct axvm_acpi_dev *dev)
{
	u8 d[9] = { RES_EXT_IRQ, 6, 0, RES_IRQ_CONSUMER, 1 };

	if (!dev->level)
		d[3] |= RES_IRQ_EDGE;
	if (dev->active_low)
		d[3] |= RES_IRQ_ACTIVE_LOW;
	put32(d + 5, dev->gsi);
	axvm_aml_bytes(r, d, sizeof(d));
}

/* The largest _CRS: IO, QWordMemory, Interrupt, End. */
#define ACPI_CRS_MAX		(8 + 46 + 9 + 2)

static void dsdt_device(struct axvm_aml *a, const struct axvm_acpi_dev *dev)
{
	u8 crs[ACPI_CRS_MAX];
	struct axvm_aml r;
	size_t mark;
	u32 eisa;

	mark = axvm_aml_device(a, dev->name);
	axvm_aml_name(a, "_HID");
	eisa = axvm_acpi_eisaid(dev->hid);
	if (eisa)
		axvm_aml_dword(a, eisa);
	else
		axvm_aml_string(a, dev->hid);
	axvm_aml_name(a, "_UID");
	axvm_aml_integer(a, dev->uid);

	axvm_aml_init(&r, crs, sizeof(crs));
	if (dev->pio_size)
		res_io(&r, dev->pio_base, dev->pio_size);
	if (dev->mmio_size && dev->mmio_size < ACPI_4G &&
	    dev->mmio_base + (dev->mmio_size - 1) < ACPI_4G)
		res_mem32_fixed(&r, dev->mmio_base, dev->mmio_size);
	else if (dev->mmio_size)
		res_qword_mem(&r, dev->mmio_base, dev->mmio_size);
	if (dev->has_irq)
		res_ext_irq(&r, dev);
	axvm_aml_byte(&r, RES_END);
	axvm_aml_byte(&r, 0);	/* checksum 0: "treated as correct" */
	axvm_aml_name(a, "_CRS");
	axvm_aml_buffer(a, crs, r.len);
	axvm_aml_close(a, mark);
}

/* The DSDT's AML, after its header. */
static void dsdt_body(struct axvm_aml *a, const struct axvm_acpi_config *cfg)
{
	unsigned int i;
	size_t mark;

	mark = axvm_aml_scope(a, "\\_SB_");
	for (i = 0; i < cfg->nr_devs; i++)
		dsdt_device(a, &cfg->devs[i]);
	axvm_aml_close(a, mark);

	/* SLP_TYPa, SLP_TYPb, two reserved. */
	axvm_aml_name(a, "_S5_");
	mark = axvm_aml_package(a, 4);
	axvm_aml_integer(a, cfg->s5_slp_typ);
	axvm_aml_integer(a, cfg->s5_slp_typ);
	axvm_aml_integer(a, 0);
	axvm_aml_integer(a, 0);
	axvm_aml_close(a, mark);
}

/* ---- the tables ------------------------------------------------------------------ */

/* The common header (ACPI 6.3, 5.2.6). */
#define HDR_LENGTH		4
#define HDR_CHECKSUM		9
#define HDR_SIZE		36

/* RSDP (5.2.5.3). */
#define RSDP_CHECKSUM		8
#define RSDP_OEM_ID		9
#define RSDP_REVISION		15
#define RSDP_LENGTH		20
#define RSDP_XSDT		24
#define RSDP_EXT_CHECKSUM	32
#define RSDP_SIZE		36
#define RSDP_V1_SIZE		20

/* FADT (5.2.9), revision 6, minor 3. */
#define FADT_FIRMWARE_CTRL	36
#define FADT_DSDT		40
#define FADT_SCI_INT		46
#define FADT_PM1A_EVT_BLK	56
#define FADT_PM1A_CNT_BLK	64
#define FADT_PM_TMR_BLK		76
#define FADT_PM1_EVT_LEN	88
#define FADT_PM1_CNT_LEN	89
#define FADT_PM_TMR_LEN		91
#define FADT_P_LVL2_LAT		96
#define FADT_P_LVL3_LAT		98
#define FADT_CENTURY		108
#define FADT_IAPC_BOOT_ARCH	109
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_MINOR_VERSION	131
#define FADT_X_FIRMWARE_CTRL	132
#define FADT_X_DSDT		140
#define FADT_X_PM1A_EVT_BLK	148
#define FADT_X_PM1A_CNT_BLK	172
#define FADT_X_PM_TMR_BLK	208
#define FADT_SIZE		276

#define FADT_WBINVD		(1u << 0)
#define FADT_PROC_C1		(1u << 2)
#define FADT_SLP_BUTTON		(1u << 5)	/* no fixed-feature sleep button */
#define FADT_TMR_VAL_EXT	(1u << 8)
#define FADT_RESET_REG_SUP	(1u << 10)

#define BOOT_LEGACY_DEVICES	(1u << 0)
#define BOOT_VGA_NOT_PRESENT	(1u << 2)

/* Generic Address Structure (5.2.3.2). */
#define GAS_SYSTEM_MEMORY	0
#define GAS_SYSTEM_IO		1
#define GAS_ACCESS_UNDEFINED	0
#define GAS_ACCESS_BYTE		1

/* FACS (5.2.10). */
#define FACS_VERSION		32
#define FACS_SIZE		64

/* MADT (5.2.12), revision 5. */
#define MADT_LAPIC_ADDR		36
#define MADT_FLAGS		40
#define MADT_PCAT_COMPAT	1
#define MADT_HDR_SIZE		44
#define MADT_LAPIC		0
#define MADT_LAPIC_SIZE		8
#define MADT_IOAPIC		1
#define MADT_IOAPIC_SIZE	12
#define MADT_ISO		2
#define MADT_ISO_SIZE		10
#define MADT_LAPIC_NMI		4
#define MADT_LAPIC_NMI_SIZE	6
#define MPS_INTI_CONFORMS	0
#define MPS_INTI_HIGH_LEVEL	0xd	/* polarity 01, trigger 11 */

/* HPET (IA-PC HPET specification 1.0a, 3.2.4). */
#define HPET_BLOCK_ID		36
#define HPET_BASE		40
#define HPET_SIZE		56
#define HPET_VENDOR_INTEL	0x8086u
#define HPET_LEGACY_CAPABLE	(1u << 15)
#define HPET_COUNT_64BIT	(1u << 13)
#define HPET_COMPARATORS	3
#define HPET_REV_ID		1

struct acpi_layout {
	size_t xsdt, fadt, facs, dsdt, madt, hpet, end;
	size_t dsdt_len, madt_len;
	unsigned int nr_xsdt;
};

/* The offset after @off at which gpa + offset is @align-aligned. */
static size_t acpi_place(u64 gpa, size_t off, size_t align)
{
	return ACPI_ALIGN(gpa + off, align) - gpa;
}

static void acpi_lay_out(const struct axvm_acpi_config *cfg, u64 gpa,
			 struct acpi_layout *l)
{
	struct axvm_aml a;

	l->nr_xsdt = cfg->hpet_base ? 3 : 2;
	l->xsdt = acpi_place(gpa, RSDP_SIZE, 16);
	l->fadt = acpi_place(gpa, l->xsdt + HDR_SIZE + 8 * l->nr_xsdt, 16);
	l->facs = acpi_place(gpa, l->fadt + FADT_SIZE, 64);
	l->dsdt = acpi_place(gpa, l->facs + FACS_SIZE, 16);
	axvm_aml_init(&a, NULL, 0);
	dsdt_body(&a, cfg);
	l->dsdt_len = HDR_SIZE + a.len;
	l->madt = acpi_place(gpa, l->dsdt + l->dsdt_len, 16);
	l->madt_len = MADT_HDR_SIZE + cfg->nr_cpus * MADT_LAPIC_SIZE +
		      MADT_IOAPIC_SIZE + 2 * MADT_ISO_SIZE + MADT_LAPIC_NMI_SIZE;
	l->hpet = acpi_place(gpa, l->madt + l->madt_len, 16);
	l->end = cfg->hpet_base ? l->hpet + HPET_SIZE : l->madt + l->madt_len;
}

static void acpi_header(u8 *t, const char *sig, u32 len, u8 rev)
{
	memcpy(t, sig, 4);
	put32(t + HDR_LENGTH, len);
	t[8] = rev;
	memcpy(t + 10, ACPI_OEM_ID, 6);
	memcpy(t + 16, ACPI_OEM_TABLE_ID, 8);
	put32(t + 24, ACPI_OEM_REVISION);
	memcpy(t + 28, ACPI_CREATOR_ID, 4);
	put32(t + 32, ACPI_CREATOR_REVISION);
}

/* Last, once the table is complete. */
static void acpi_checksum(u8 *t)
{
	u32 len = t[4] | t[5] << 8 | t[6] << 16 | (u32)t[7] << 24;

	t[HDR_CHECKSUM] = 0;
	t[HDR_CHECKSUM] = -acpi_sum(t, len);
}

static void put_gas(u8 *p, u8 space, u8 bits, u8 access, u64 addr)
{
	p[0] = space;
	p[1] = bits;
	p[2] = 0;		/* bit offset */
	p[3] = access;
	put64(p + 4, addr);
}

static void build_rsdp(u8 *p, u64 xsdt)
{
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + RSDP_OEM_ID, ACPI_OEM_ID, 6);
	p[RSDP_REVISION] = 2;
	/* RsdtAddress 0: an ACPI 2.0+ OS takes the XSDT. */
	put32(p + RSDP_LENGTH, RSDP_SIZE);
	put64(p + RSDP_XSDT, xsdt);
	p[RSDP_CHECKSUM] = -acpi_sum(p, RSDP_V1_SIZE);
	p[RSDP_EXT_CHECKSUM] = -acpi_sum(p, RSDP_SIZE);
}

/*
 * PM1 and the timer as QEMU's PC has them, with no GPE block and no
 * SMI_CMD: ACPI is always enabled (the PM1 control block's SCI_EN reads
 * 1). Access widths "undefined" as QEMU's, byte for the reset register.
 */
static void build_fadt(u8 *t, const struct axvm_acpi_config *cfg,
		       u64 facs, u64 dsdt)
{
	u32 flags = FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BUTTON;

	acpi_header(t, "FACP", FADT_SIZE, 6);
	put32(t + FADT_FIRMWARE_CTRL, facs);
	put32(t + FADT_DSDT, dsdt);
	put16(t + FADT_SCI_INT, cfg->sci_irq);
	put32(t + FADT_PM1A_EVT_BLK, cfg->pm1a_evt);
	put32(t + FADT_PM1A_CNT_BLK, cfg->pm1a_cnt);
	t[FADT_PM1_EVT_LEN] = 4;
	t[FADT_PM1_CNT_LEN] = 2;
	put_gas(t + FADT_X_PM1A_EVT_BLK, GAS_SYSTEM_IO, 32,
		GAS_ACCESS_UNDEFINED, cfg->pm1a_evt);
	put_gas(t + FADT_X_PM1A_CNT_BLK, GAS_SYSTEM_IO, 16,
		GAS_ACCESS_UNDEFINED, cfg->pm1a_cnt);
	if (cfg->pm_tmr) {
		put32(t + FADT_PM_TMR_BLK, cfg->pm_tmr);
		t[FADT_PM_TMR_LEN] = 4;
		put_gas(t + FADT_X_PM_TMR_BLK, GAS_SYSTEM_IO, 32,
			GAS_ACCESS_UNDEFINED, cfg->pm_tmr);
		flags |= FADT_TMR_VAL_EXT;
	}
	/* Above 100 and 1000: no C2, no C3. */
	put16(t + FADT_P_LVL2_LAT, 0x0fff);
	put16(t + FADT_P_LVL3_LAT, 0x0fff);
	t[FADT_CENTURY] = 0x32;
	/* No 8042 (Linux then skips i8042), no VGA, a CMOS RTC. */
	put16(t + FADT_IAPC_BOOT_ARCH,
	      BOOT_LEGACY_DEVICES | BOOT_VGA_NOT_PRESENT);
	if (cfg->reset_port) {
		put_gas(t + FADT_RESET_REG, GAS_SYSTEM_IO, 8, GAS_ACCESS_BYTE,
			cfg->reset_port);
		t[FADT_RESET_VALUE] = cfg->reset_value;
		flags |= FADT_RESET_REG_SUP;
	}
	put32(t + FADT_FLAGS, flags);
	t[FADT_MINOR_VERSION] = 3;
	put64(t + FADT_X_FIRMWARE_CTRL, facs);
	put64(t + FADT_X_DSDT, dsdt);
}

static void build_facs(u8 *t)
{
	memcpy(t, "FACS", 4);
	put32(t + HDR_LENGTH, FACS_SIZE);
	t[FACS_VERSION] = 2;
}

static u8 *madt_iso(u8 *p, u8 irq, u32 gsi, u16 flags)
{
	p[0] = MADT_ISO;
	p[1] = MADT_ISO_SIZE;
	p[2] = 0;		/* bus: ISA */
	p[3] = irq;
	put32(p + 4, gsi);
	put16(p + 8, flags);
	return p + MADT_ISO_SIZE;
}

static void build_madt(u8 *t, const struct axvm_acpi_config *cfg, u32 len)
{
	u8 *p = t + MADT_HDR_SIZE;
	u32 i;

	acpi_header(t, "APIC", len, 5);
	put32(t + MADT_LAPIC_ADDR, cfg->lapic_base);
	put32(t + MADT_FLAGS, MADT_PCAT_COMPAT);
	for (i = 0; i < cfg->nr_cpus; i++, p += MADT_LAPIC_SIZE) {
		p[0] = MADT_LAPIC;
		p[1] = MADT_LAPIC_SIZE;
		p[2] = i;	/* ACPI processor uid */
		p[3] = i;	/* APIC id */
		put32(p + 4, 1);	/* enabled */
	}
	p[0] = MADT_IOAPIC;
	p[1] = MADT_IOAPIC_SIZE;
	p[2] = cfg->ioapic_id;
	put32(p + 4, cfg->ioapic_base);
	put32(p + 8, cfg->ioapic_gsi_base);
	p += MADT_IOAPIC_SIZE;
	/* ISA IRQ 0 is IOAPIC pin 2 (pc.c); the SCI is level, active-high. */
	p = madt_iso(p, 0, cfg->ioapic_gsi_base + 2, MPS_INTI_CONFORMS);
	p = madt_iso(p, cfg->sci_irq, cfg->ioapic_gsi_base + cfg->sci_irq,
		     MPS_INTI_HIGH_LEVEL);
	/* LINT1 of every processor is the NMI. */
	p[0] = MADT_LAPIC_NMI;
	p[1] = MADT_LAPIC_NMI_SIZE;
	p[2] = 0xff;		/* all processors */
	put16(p + 3, MPS_INTI_CONFORMS);
	p[5] = 1;		/* LINT1 */
}

static void build_hpet(u8 *t, u64 base)
{
	acpi_header(t, "HPET", HPET_SIZE, 1);
	put32(t + HPET_BLOCK_ID, HPET_VENDOR_INTEL << 16 | HPET_LEGACY_CAPABLE |
	      HPET_COUNT_64BIT | (HPET_COMPARATORS - 1) << 8 | HPET_REV_ID);
	put_gas(t + HPET_BASE, GAS_SYSTEM_MEMORY, 64, GAS_ACCESS_UNDEFINED,
		base);
	/* HPET number 0, minimum tick 0 (as QEMU's), no page protection. */
}

int axvm_acpi_build(const struct axvm_acpi_config *cfg, u64 gpa, void *buf,
		    size_t size)
{
	struct acpi_layout l;
	struct axvm_aml a;
	u8 *b = buf;
	u8 *x;
	int ret;

	if (!cfg)
		return -EINVAL;
	ret = acpi_check_config(cfg);
	if (ret)
		return ret;
	/* The RSDP on a 16-byte boundary, everything under 4 GiB. */
	if (gpa % 16 || gpa >= ACPI_4G)
		return -EINVAL;
	acpi_lay_out(cfg, gpa, &l);
	if (gpa + l.end > ACPI_4G)
		return -EINVAL;
	if (!buf || l.end > size)
		return -ENOSPC;

	memset(b, 0, l.end);
	build_rsdp(b, gpa + l.xsdt);

	x = b + l.xsdt;
	acpi_header(x, "XSDT", HDR_SIZE + 8 * l.nr_xsdt, 1);
	put64(x + HDR_SIZE, gpa + l.fadt);
	put64(x + HDR_SIZE + 8, gpa + l.madt);
	if (cfg->hpet_base)
		put64(x + HDR_SIZE + 16, gpa + l.hpet);

	build_fadt(b + l.fadt, cfg, gpa + l.facs, gpa + l.dsdt);
	build_facs(b + l.facs);

	acpi_header(b + l.dsdt, "DSDT", l.dsdt_len, 2);
	axvm_aml_init(&a, b + l.dsdt + HDR_SIZE, l.dsdt_len - HDR_SIZE);
	dsdt_body(&a, cfg);
	if (a.overflow || a.len != l.dsdt_len - HDR_SIZE)
		return -ENOSPC;	/* cannot be: the same code measured it */

	build_madt(b + l.madt, cfg, l.madt_len);
	if (cfg->hpet_base)
		build_hpet(b + l.hpet, cfg->hpet_base);

	acpi_checksum(x);
	acpi_checksum(b + l.fadt);
	acpi_checksum(b + l.dsdt);
	acpi_checksum(b + l.madt);
	if (cfg->hpet_base)
		acpi_checksum(b + l.hpet);
	return l.end;
}
AXVM_EXPORT_FOR_TESTS(axvm_acpi_build);
