// SPDX-License-Identifier: GPL-2.0
/*
 * Build the PC platform's ACPI tables with arch/x86/acpi_tables.c, as
 * the module does, and write each table to DIR/<signature>.dat (the
 * files acpidump -b makes), for iasl -d to judge (acpi_test.sh).
 *
 *   acpi_dump DIR
 *
 * The config: 4 CPUs, the HPET, COM1 (PNP0501, ports 0x3f8-0x3ff, IRQ 4
 * edge) and a virtio-mmio device (LNRO0005, 0xfeb00000 + 0x200, GSI 16
 * level). Prints one line per table written; exit status 1 on an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include "acpi_tables.h"

static const struct axvm_acpi_dev devs[] = {
	{ .name = "COM1", .hid = "PNP0501", .uid = 1,
	  .pio_base = 0x3f8, .pio_size = 8, .gsi = 4, .has_irq = true },
	{ .name = "VR00", .hid = "LNRO0005", .uid = 0,
	  .mmio_base = 0xfeb00000, .mmio_size = 0x200, .gsi = 16,
	  .has_irq = true, .level = true },
};

static const struct axvm_acpi_config cfg = {
	.nr_cpus = 4,
	.lapic_base = 0xfee00000, .ioapic_id = 0, .ioapic_base = 0xfec00000,
	.ioapic_gsi_base = 0, .sci_irq = 9,
	.pm1a_evt = 0x600, .pm1a_cnt = 0x604, .pm_tmr = 0x608,
	.reset_port = 0xcf9, .reset_value = 0x06, .s5_slp_typ = 5,
	.hpet_base = 0xfed00000,
	.devs = devs, .nr_devs = ARRAY_SIZE(devs),
};

static u8 tables[AXVM_ACPI_TABLES_SIZE];

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u64 le64(const u8 *p)
{
	return le32(p) | (u64)le32(p + 4) << 32;
}

/* The table at guest-physical @gpa, checked to lie in what was built. */
static const u8 *at(u64 gpa, size_t len, int used)
{
	if (gpa < AXVM_ACPI_TABLES_GPA ||
	    gpa - AXVM_ACPI_TABLES_GPA + len > (size_t)used) {
		fprintf(stderr, "acpi_dump: address 0x%llx (+%zu) outside the tables\n",
			(unsigned long long)gpa, len);
		exit(1);
	}
	return tables + (gpa - AXVM_ACPI_TABLES_GPA);
}

/* iasl cannot read a binary RSDP (its signature is no NameSeg): here. */
static void check_rsdp(void)
{
	u8 sum1 = 0, sum2 = 0;
	int i;

	for (i = 0; i < 36; i++) {
		sum1 += i < 20 ? tables[i] : 0;
		sum2 += tables[i];
	}
	if (memcmp(tables, "RSD PTR ", 8) || tables[15] != 2 ||
	    le32(tables + 20) != 36 || sum1 || sum2) {
		fprintf(stderr, "acpi_dump: bad RSDP\n");
		exit(1);
	}
}

static void dump(const char *dir, const char *sig, const u8 *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, sig);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
	printf("%s %zu\n", sig, len);
}

static void dump_table(const char *dir, u64 gpa, int used)
{
	const u8 *t = at(gpa, 36, used);
	char sig[5] = { t[0], t[1], t[2], t[3] };

	dump(dir, sig, at(gpa, le32(t + 4), used), le32(t + 4));
}

int main(int argc, char **argv)
{
	const u8 *xsdt, *fadt;
	u32 i, n;
	int used;

	if (argc != 2) {
		fprintf(stderr, "usage: acpi_dump DIR\n");
		return 2;
	}
	used = axvm_acpi_build(&cfg, AXVM_ACPI_TABLES_GPA, tables,
			       sizeof(tables));
	if (used < 0) {
		fprintf(stderr, "acpi_dump: axvm_acpi_build: %s\n",
			strerror(-used));
		return 1;
	}
	/* From the RSDP as an OS walks them: XSDT, its tables, the FADT's. */
	check_rsdp();
	dump(argv[1], "RSDP", tables, 36);
	xsdt = at(le64(tables + 24), 36, used);
	dump_table(argv[1], le64(tables + 24), used);
	n = (le32(xsdt + 4) - 36) / 8;
	for (i = 0; i < n; i++)
		dump_table(argv[1], le64(xsdt + 36 + 8 * i), used);
	fadt = at(le64(xsdt + 36), 276, used);
	dump_table(argv[1], le64(fadt + 140), used);	/* X_DSDT */
	dump_table(argv[1], le64(fadt + 132), used);	/* X_FIRMWARE_CTRL */
	return 0;
}
