/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI tables of a PC-platform VM, built into a buffer by a pure
 * function: no VM, no guest memory. The platform copies the buffer into
 * guest RAM at AXVM_ACPI_TABLES_GPA, where an OS scanning the BIOS area
 * finds the RSDP. Plain C: builds in the kernel and in userspace
 * (tests/acpi), through axvm_types.h.
 *
 * What is built (ACPI 6.3; docs/devices.md, "ACPI tables"):
 *   RSDP (revision 2: XSDT only, no RSDT), XSDT, FADT (revision 6.3,
 *   with FACS and DSDT, 32-bit and X_ pointers both), FACS, DSDT, MADT
 *   (xAPIC entries), HPET (when hpet_base is not 0).
 * Every multi-byte field is stored byte by byte, little-endian, whatever
 * the order of the CPU that builds it.
 *
 * The AML encoder below is what the DSDT is written with; it is public
 * so that later tables (an SSDT) and the tests can use it.
 */
#ifndef AXVM_X86_ACPI_TABLES_H
#define AXVM_X86_ACPI_TABLES_H

#include "axvm_types.h"

#define AXVM_ACPI_TABLES_GPA	0xe0000ULL	/* RSDP first, in the BIOS area an OS scans */
#define AXVM_ACPI_TABLES_SIZE	0x10000		/* 0xe0000-0xeffff, reserved in the E820 map later */

/*
 * xAPIC entries only: APIC ids 0..254 (0xff is the broadcast id, and the
 * IOAPIC's destination field has 8 bits, so x2APIC ids would buy no
 * interrupts). ACPI processor uid = APIC id = vCPU index.
 */
#define AXVM_ACPI_MAX_CPUS	255

/* A device described in the DSDT (the VMM's, or ours e.g. COM1). */
struct axvm_acpi_dev {
	char name[5];			/* AML NameSeg, 4 chars, e.g. "COM1" */
	char hid[9];			/* _HID, EISA id "PNP0501" or ACPI id "LNRO0005" */
	u32 uid;			/* _UID */
	u64 mmio_base, mmio_size;	/* size 0: none (Memory32Fixed, or QWordMemory above 4 GiB) */
	u16 pio_base, pio_size;		/* size 0: none (IO descriptor: at most 255 ports) */
	u32 gsi;			/* Interrupt() extended descriptor, exclusive */
	bool has_irq;
	bool level;			/* else edge */
	bool active_low;		/* else active-high */
};

struct axvm_acpi_config {
	u32 nr_cpus;			/* MADT: a Processor Local APIC per vCPU, ACPI uid = APIC id = index, enabled */
	u64 lapic_base;			/* below 4 GiB */
	u8 ioapic_id;
	u64 ioapic_base;		/* below 4 GiB */
	u32 ioapic_gsi_base;
	u16 sci_irq;			/* 9: FADT SCI_INT, MADT ISO IRQ9->GSI9 level active-high; an ISA IRQ, not 0 or 2 */
	u16 pm1a_evt, pm1a_cnt, pm_tmr;	/* ports: 0x600 (len 4), 0x604 (len 2), 0x608 (len 4, 32-bit timer); pm_tmr 0: none */
	u16 reset_port;			/* 0xcf9: FADT RESET_REG (I/O GAS) + RESET_REG_SUP; 0: none */
	u8 reset_value;			/* 0x06 */
	u8 s5_slp_typ;			/* 5: the DSDT's _S5 package (SLP_TYP: 3 bits) */
	u64 hpet_base;			/* 0: no HPET table; else 0xfed00000, 3 comparators, 64-bit counter, legacy-capable, vendor 0x8086 */
	const struct axvm_acpi_dev *devs;
	unsigned int nr_devs;
};

/*
 * Build RSDP (rev 2, at offset 0), XSDT, MADT, FADT (rev 6, with FACS
 * and DSDT, X_ fields filled), FACS (64-byte aligned), DSDT, HPET into
 * @buf for placement at @gpa; every checksum right. Returns bytes used,
 * -ENOSPC when @size is too small (nothing written then), -EINVAL for a
 * bad config: nr_cpus 0 or above AXVM_ACPI_MAX_CPUS, a malformed name or
 * _HID or a duplicate name, a port or MMIO range that wraps, an LAPIC or
 * IOAPIC base above 4 GiB, @gpa not 16-byte aligned or the tables not
 * all below 4 GiB (the FADT's 32-bit pointers are filled too).
 */
int axvm_acpi_build(const struct axvm_acpi_config *cfg, u64 gpa, void *buf,
		    size_t size);

/* ---- the AML encoder ------------------------------------------------- */

/*
 * A byte sink that never writes past @size but counts on: @len is what
 * the output needs, so a run with size 0 measures it. @overflow says
 * that the output did not fit (or a PkgLength was over 2^28 - 1).
 */
struct axvm_aml {
	u8 *buf;
	size_t size;
	size_t len;
	bool overflow;
};

/* AML opcodes (ACPI 6.3, 20.3 "AML Byte Stream Byte Values"). */
#define AXVM_AML_ZERO		0x00
#define AXVM_AML_ONE		0x01
#define AXVM_AML_NAME		0x08
#define AXVM_AML_BYTE_PREFIX	0x0a
#define AXVM_AML_WORD_PREFIX	0x0b
#define AXVM_AML_DWORD_PREFIX	0x0c
#define AXVM_AML_STRING_PREFIX	0x0d
#define AXVM_AML_QWORD_PREFIX	0x0e
#define AXVM_AML_SCOPE		0x10
#define AXVM_AML_BUFFER		0x11
#define AXVM_AML_PACKAGE	0x12
#define AXVM_AML_DUAL_NAME	0x2e
#define AXVM_AML_MULTI_NAME	0x2f
#define AXVM_AML_EXT_PREFIX	0x5b
#define AXVM_AML_DEVICE		0x82	/* after AXVM_AML_EXT_PREFIX */
#define AXVM_AML_ROOT		0x5c	/* '\' */

/* The most a PkgLength can say: 28 bits. */
#define AXVM_AML_PKGLEN_MAX	0x0fffffff

void axvm_aml_init(struct axvm_aml *a, void *buf, size_t size);
void axvm_aml_byte(struct axvm_aml *a, u8 b);
void axvm_aml_bytes(struct axvm_aml *a, const void *p, size_t n);

/*
 * The PkgLength of a @body-byte body that follows it: the value counts
 * its own 1-4 bytes too. Writes it to @out and returns its size, 0 when
 * it cannot be encoded.
 */
unsigned int axvm_aml_pkglen(u8 out[4], size_t body);

/*
 * A NameString: an optional leading '\' then NameSegs of exactly four
 * characters joined by '.', e.g. "_S5_", "\_SB_", "\_SB_.COM1".
 */
void axvm_aml_namestring(struct axvm_aml *a, const char *path);
/* Zero, One, or the shortest of Byte/Word/DWord/QWordPrefix. */
void axvm_aml_integer(struct axvm_aml *a, u64 v);
void axvm_aml_dword(struct axvm_aml *a, u32 v);	/* always DWordPrefix */
void axvm_aml_string(struct axvm_aml *a, const char *s);
void axvm_aml_buffer(struct axvm_aml *a, const void *data, size_t n);
void axvm_aml_name(struct axvm_aml *a, const char *path);	/* then its object */

/*
 * Terms with a PkgLength: open returns a mark, the body follows, close
 * puts the PkgLength in front of the body (moving it).
 */
size_t axvm_aml_open(struct axvm_aml *a, u8 op);
size_t axvm_aml_open_ext(struct axvm_aml *a, u8 ext_op);
void axvm_aml_close(struct axvm_aml *a, size_t mark);
size_t axvm_aml_scope(struct axvm_aml *a, const char *path);
size_t axvm_aml_device(struct axvm_aml *a, const char *path);
size_t axvm_aml_package(struct axvm_aml *a, u8 nr_elements);

/* EISA id "PNP0501" compressed to the DWord _HID holds; 0 if malformed. */
u32 axvm_acpi_eisaid(const char *id);

#endif /* AXVM_X86_ACPI_TABLES_H */
