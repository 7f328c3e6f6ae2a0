// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_gwalk: the guest page walker (arch/x86/gwalk.c). A fake guest
 * memory of 32 pages; each test builds the guest's page tables in it
 * and walks them: every paging mode, large pages, not-present entries
 * at every level, reserved bits, GW_NX, R/W with and without CR0.WP, U/S,
 * SMEP, the instruction fetch across a page boundary, and paging
 * structures outside guest RAM.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "gwalk.h"

#define GW_PAGES	32
#define GW_PG		4096ULL
#define GW_SIZE		(GW_PAGES * GW_PG)
#define GW_OUTSIDE	0x10000000ULL	/* a GPA that is not guest RAM */

#define GW_P		(1ULL << 0)
#define GW_RW		(1ULL << 1)
#define GW_US		(1ULL << 2)
#define GW_PS		(1ULL << 7)
#define GW_NX		(1ULL << 63)

#define GW_CR0_PE	(1ULL << 0)
#define GW_EFER_LME	(1ULL << 8)

#define GW_RD		0
#define GW_WR		AXVM_GW_WRITE
#define GW_USR		AXVM_GW_USER
#define GW_FE		AXVM_GW_FETCH

#define GW_PF_P		AXVM_PFERR_PRESENT
#define GW_PF_W		AXVM_PFERR_WRITE
#define GW_PF_U		AXVM_PFERR_USER
#define GW_PF_RSVD	AXVM_PFERR_RSVD
#define GW_PF_I		AXVM_PFERR_FETCH

struct gw_test {
	u8 *mem;
	unsigned int next_page;	/* the bump allocator for tables */
	unsigned int reads;
	int force_err;		/* every read fails with this, if set */
	struct axvm_gwalk_cpu cpu;
};

static int gw_read(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	struct gw_test *t = ctx;

	t->reads++;
	if (t->force_err)
		return t->force_err;
	if (gpa >= GW_SIZE || len > GW_SIZE - gpa)
		return -EFAULT;
	memcpy(buf, t->mem + gpa, len);
	return 0;
}

static int gw_test_init(struct kunit *test)
{
	struct gw_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->mem = kunit_kzalloc(test, GW_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->mem);
	t->next_page = 1;	/* page 0 stays a data page */
	t->cpu.read_gpa = gw_read;
	t->cpu.ctx = t;
	test->priv = t;
	return 0;
}

static u64 gw_alloc(struct kunit *test, struct gw_test *t)
{
	KUNIT_ASSERT_LT(test, t->next_page, (unsigned int)GW_PAGES / 2);
	return t->next_page++ * GW_PG;
}

/* Data pages come from the top half, never used for tables. */
static u64 gw_data_page(unsigned int n)
{
	return (GW_PAGES / 2 + n) * GW_PG;
}

static u64 gw_get(struct gw_test *t, u64 gpa, unsigned int size)
{
	u64 v = 0;

	memcpy(&v, t->mem + gpa, size);
	return v;
}

static void gw_set(struct gw_test *t, u64 gpa, u64 v, unsigned int size)
{
	memcpy(t->mem + gpa, &v, size);
}

/* ---- CPU modes ------------------------------------------------------- */

enum gw_fmt { F32, F32PSE, FPAE, FLONG, FLONG5 };

static void gw_setup(struct kunit *test, struct gw_test *t, enum gw_fmt fmt)
{
	struct axvm_gwalk_cpu *c = &t->cpu;

	c->cr0 = GW_CR0_PE | AXVM_CR0_PG | AXVM_CR0_WP;
	c->cr3 = gw_alloc(test, t);
	c->cr4 = 0;
	c->efer = 0;
	switch (fmt) {
	case F32:
		break;
	case F32PSE:
		c->cr4 = AXVM_CR4_PSE;
		break;
	case FPAE:
		c->cr4 = AXVM_CR4_PAE;
		c->efer = AXVM_EFER_NXE;
		break;
	case FLONG5:
		c->cr4 = AXVM_CR4_LA57;
		fallthrough;
	case FLONG:
		c->cr4 |= AXVM_CR4_PAE;
		c->efer = GW_EFER_LME | AXVM_EFER_LMA | AXVM_EFER_NXE;
		break;
	}
}

static unsigned int gw_levels(struct gw_test *t)
{
	if (t->cpu.efer & AXVM_EFER_LMA)
		return (t->cpu.cr4 & AXVM_CR4_LA57) ? 5 : 4;
	return (t->cpu.cr4 & AXVM_CR4_PAE) ? 3 : 2;
}

static unsigned int gw_esize(struct gw_test *t)
{
	return gw_levels(t) == 2 ? 4 : 8;
}

static bool gw_pae(struct gw_test *t)
{
	return gw_levels(t) == 3;
}

static u64 gw_index(struct gw_test *t, u64 gva, unsigned int level)
{
	if (gw_esize(t) == 4)
		return (gva >> (12 + 10 * (level - 1))) & 0x3ff;
	return (gva >> (12 + 9 * (level - 1))) & 0x1ff;
}

/*
 * The GPA of the entry that maps @gva at @level, creating the tables
 * above it (present, writable, user; a PAE PDPTE gets GW_P only).
 */
static u64 gw_entry(struct kunit *test, struct gw_test *t, u64 gva,
		    unsigned int level)
{
	unsigned int esize = gw_esize(t), l;
	u64 mask = esize == 4 ? 0xfffff000ULL : 0x000ffffffffff000ULL;
	u64 table, e, v;

	table = t->cpu.cr3 & (gw_pae(t) ? 0xffffffe0ULL : mask);
	for (l = gw_levels(t); l > level; l--) {
		e = table + gw_index(t, gva, l) * esize;
		v = gw_get(t, e, esize);
		if (!(v & GW_P)) {
			v = gw_alloc(test, t) | GW_P;
			if (!(gw_pae(t) && l == 3))
				v |= GW_RW | GW_US;
			gw_set(t, e, v, esize);
		}
		table = v & mask;
	}
	return table + gw_index(t, gva, level) * esize;
}

/* Map @gva to @pa with a leaf at @leaf (1: 4 KiB, 2: 2/4 MiB, 3: 1 GiB). */
static void gw_map(struct kunit *test, struct gw_test *t, u64 gva, u64 pa,
		   unsigned int leaf, u64 flags)
{
	u64 v = pa | GW_P | flags | (leaf > 1 ? GW_PS : 0);

	gw_set(t, gw_entry(test, t, gva, leaf), v, gw_esize(t));
}

static void gw_or(struct kunit *test, struct gw_test *t, u64 gva,
		  unsigned int level, u64 bits)
{
	u64 e = gw_entry(test, t, gva, level);

	gw_set(t, e, gw_get(t, e, gw_esize(t)) | bits, gw_esize(t));
}

static void gw_clear(struct kunit *test, struct gw_test *t, u64 gva,
		     unsigned int level, u64 bits)
{
	u64 e = gw_entry(test, t, gva, level);

	gw_set(t, e, gw_get(t, e, gw_esize(t)) & ~bits, gw_esize(t));
}

/* Translate and expect success at @want. */
static void gw_expect_gpa(struct kunit *test, struct gw_test *t, u64 gva,
			  u32 access, u64 want)
{
	u64 gpa = ~0ULL;
	u32 pfec = ~0u;

	KUNIT_EXPECT_EQ(test, axvm_gwalk_translate(&t->cpu, gva, access, &gpa,
						   &pfec), 0);
	KUNIT_EXPECT_EQ(test, gpa, want);
	KUNIT_EXPECT_EQ(test, pfec, 0u);
}

/* Translate and expect a #PF with @want_pfec. */
static void gw_expect_pf(struct kunit *test, struct gw_test *t, u64 gva,
			 u32 access, u32 want_pfec)
{
	u64 gpa = ~0ULL;
	u32 pfec = ~0u;

	KUNIT_EXPECT_EQ(test, axvm_gwalk_translate(&t->cpu, gva, access, &gpa,
						   &pfec), -EFAULT);
	KUNIT_EXPECT_EQ(test, pfec, want_pfec);
	KUNIT_EXPECT_EQ(test, gpa, 0ULL);
}

static void gw_expect_err(struct kunit *test, struct gw_test *t, u64 gva,
			  u32 access, int err)
{
	u64 gpa = ~0ULL;
	u32 pfec = ~0u;

	KUNIT_EXPECT_EQ(test, axvm_gwalk_translate(&t->cpu, gva, access, &gpa,
						   &pfec), err);
	KUNIT_EXPECT_EQ(test, pfec, 0u);
	KUNIT_EXPECT_EQ(test, gpa, 0ULL);
}

/* ---- paging off ------------------------------------------------------ */

static void gw_off_identity(struct kunit *test)
{
	struct gw_test *t = test->priv;

	t->cpu.cr0 = GW_CR0_PE;
	gw_expect_gpa(test, t, 0x12345, GW_WR | GW_USR, 0x12345);
	KUNIT_EXPECT_EQ(test, t->reads, 0u);
}

static void gw_off_wraps_at_4g(struct kunit *test)
{
	struct gw_test *t = test->priv;

	t->cpu.cr0 = GW_CR0_PE;
	gw_expect_gpa(test, t, 0x100001234ULL, GW_RD, 0x1234);
}

/* ---- each mode, each page size --------------------------------------- */

static void gw_32_4k(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, F32);
	gw_map(test, t, 0x00401000, 0x5000, 1, GW_RW);
	gw_expect_gpa(test, t, 0x00401abc, GW_RD, 0x5abc);
	KUNIT_EXPECT_EQ(test, t->reads, 2u);
}

static void gw_32_4m_pse(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, F32PSE);
	gw_map(test, t, 0x00800000, 0x00c00000, 2, GW_RW);
	gw_expect_gpa(test, t, 0x00912345, GW_RD, 0x00d12345);
	KUNIT_EXPECT_EQ(test, t->reads, 1u);
}

/* PDE bits 20:13 are physical bits 39:32 (AMD's PSE-40). */
static void gw_32_4m_high_bits(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, F32PSE);
	t->cpu.maxphyaddr = 40;
	gw_map(test, t, 0x00800000, 0x00c00000 | (0x12ULL << 13), 2, GW_RW);
	gw_expect_gpa(test, t, 0x00812345, GW_RD, 0x1200c12345ULL);
}

/* Without CR4.PSE the GW_PS bit is ignored: the PDE points to a table. */
static void gw_32_ps_ignored_without_pse(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, F32);
	gw_map(test, t, 0x00400000, 0x7000, 1, GW_RW);
	gw_or(test, t, 0x00400000, 2, GW_PS);
	gw_expect_gpa(test, t, 0x00400010, GW_RD, 0x7010);
}

static void gw_pae_4k(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FPAE);
	gw_map(test, t, 0xc0001000, 0x9000, 1, GW_RW);
	gw_expect_gpa(test, t, 0xc0001234, GW_RD, 0x9234);
	KUNIT_EXPECT_EQ(test, t->reads, 3u);
}

static void gw_pae_2m(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FPAE);
	gw_map(test, t, 0x40200000, 0x12345600000ULL, 2, GW_RW);
	gw_expect_gpa(test, t, 0x40301234, GW_RD, 0x12345701234ULL);
}

/* PAE PDPTEs have no R/W or U/S bits: they restrict nothing. */
static void gw_pae_pdpte_has_no_permissions(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FPAE);
	gw_map(test, t, 0x1000, 0x9000, 1, GW_RW | GW_US);
	gw_expect_gpa(test, t, 0x1000, GW_WR | GW_USR, 0x9000);
}

static void gw_long_4k(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x7f1234567000ULL, 0xabcdef000ULL, 1, GW_RW);
	gw_expect_gpa(test, t, 0x7f1234567123ULL, GW_RD, 0xabcdef123ULL);
	KUNIT_EXPECT_EQ(test, t->reads, 4u);
}

static void gw_long_2m(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x40000000, 0x80000000, 2, GW_RW);
	gw_expect_gpa(test, t, 0x400fedcb, GW_RD, 0x800fedcb);
	KUNIT_EXPECT_EQ(test, t->reads, 3u);
}

static void gw_long_1g(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x8000000000ULL, 0x40000000, 3, GW_RW);
	gw_expect_gpa(test, t, 0x8012345678ULL, GW_RD, 0x52345678);
	KUNIT_EXPECT_EQ(test, t->reads, 2u);
}

static void gw_long_high_half(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0xffff800000001000ULL, 0x3000, 1, GW_RW);
	gw_expect_gpa(test, t, 0xffff800000001008ULL, GW_RD, 0x3008);
}

static void gw_long_5level(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG5);
	gw_map(test, t, 0x00ff000000001000ULL, 0x3000, 1, GW_RW);
	gw_expect_gpa(test, t, 0x00ff000000001008ULL, GW_RD, 0x3008);
	KUNIT_EXPECT_EQ(test, t->reads, 5u);
}

/* A non-canonical address is #GP, not #PF: nothing is read. */
static void gw_long_noncanonical(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_expect_err(test, t, 0x00ff000000001000ULL, GW_RD, -EINVAL);
	gw_expect_err(test, t, 0x0000800000000000ULL, GW_RD, -EINVAL);
	KUNIT_EXPECT_EQ(test, t->reads, 0u);
}

/* ---- not present, at every level ------------------------------------- */

struct gw_level_case {
	const char *name;
	enum gw_fmt fmt;
	unsigned int leaf;
	unsigned int level;
};

static const struct gw_level_case gw_np_cases[] = {
	{ "32 PDE", F32, 1, 2 },
	{ "32 PTE", F32, 1, 1 },
	{ "32 4M PDE", F32PSE, 2, 2 },
	{ "PAE PDPTE", FPAE, 1, 3 },
	{ "PAE PDE", FPAE, 1, 2 },
	{ "PAE PTE", FPAE, 1, 1 },
	{ "long PML4E", FLONG, 1, 4 },
	{ "long PDPTE", FLONG, 1, 3 },
	{ "long PDE", FLONG, 1, 2 },
	{ "long PTE", FLONG, 1, 1 },
	{ "long 1G PDPTE", FLONG, 3, 3 },
	{ "long 2M PDE", FLONG, 2, 2 },
	{ "5-level PML5E", FLONG5, 1, 5 },
};

static void gw_level_desc(const struct gw_level_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(gw_np, gw_np_cases, gw_level_desc);

/* Error code: not GW_P; W and U as the access was. */
static void gw_not_present(struct kunit *test)
{
	const struct gw_level_case *c = test->param_value;
	struct gw_test *t = test->priv;
	u64 gva = 0x40000000;

	gw_setup(test, t, c->fmt);
	gw_map(test, t, gva, 0, c->leaf, GW_RW | GW_US);
	gw_clear(test, t, gva, c->level, GW_P);
	gw_expect_pf(test, t, gva, GW_WR | GW_USR, GW_PF_W | GW_PF_U);
	KUNIT_EXPECT_EQ(test, t->reads, gw_levels(t) - c->level + 1);
}

/* ---- reserved bits --------------------------------------------------- */

struct gw_rsvd_case {
	const char *name;
	enum gw_fmt fmt;
	bool no_nxe;
	u8 maxphyaddr;
	unsigned int leaf;
	unsigned int level;
	unsigned int bit;
};

static const struct gw_rsvd_case gw_rsvd_cases[] = {
	{ "32 4M bit 21", F32PSE, false, 0, 2, 2, 21 },
	{ "32 4M PA bit 36, MAXPHYADDR 36", F32PSE, false, 36, 2, 2, 17 },
	{ "PAE PDPTE bit 1", FPAE, false, 0, 1, 3, 1 },
	{ "PAE PDPTE bit 2", FPAE, false, 0, 1, 3, 2 },
	{ "PAE PDPTE bit 7", FPAE, false, 0, 1, 3, 7 },
	{ "PAE PDPTE bit 63", FPAE, false, 0, 1, 3, 63 },
	{ "PAE PDE bit 62", FPAE, false, 0, 1, 2, 62 },
	{ "PAE PTE NX without NXE", FPAE, true, 0, 1, 1, 63 },
	{ "PAE 2M bit 13", FPAE, false, 0, 2, 2, 13 },
	{ "PAE PTE bit 40, MAXPHYADDR 40", FPAE, false, 40, 1, 1, 40 },
	{ "PML4E PS", FLONG, false, 0, 1, 4, 7 },
	{ "PML4E bit 8 (AMD)", FLONG, false, 0, 1, 4, 8 },
	{ "PML4E bit 40, MAXPHYADDR 40", FLONG, false, 40, 1, 4, 40 },
	{ "PDPTE bit 8 (AMD)", FLONG, false, 0, 1, 3, 8 },
	{ "1G bit 13", FLONG, false, 0, 3, 3, 13 },
	{ "1G bit 29", FLONG, false, 0, 3, 3, 29 },
	{ "2M bit 20", FLONG, false, 0, 2, 2, 20 },
	{ "PTE bit 51, MAXPHYADDR 48", FLONG, false, 48, 1, 1, 51 },
	{ "PTE NX without NXE", FLONG, true, 0, 1, 1, 63 },
	{ "PDE NX without NXE", FLONG, true, 0, 1, 2, 63 },
	{ "PML5E PS", FLONG5, false, 0, 1, 5, 7 },
};

static void gw_rsvd_desc(const struct gw_rsvd_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(gw_rsvd, gw_rsvd_cases, gw_rsvd_desc);

/* Error code: GW_P and RSVD, with the access bits. */
static void gw_reserved_bit(struct kunit *test)
{
	const struct gw_rsvd_case *c = test->param_value;
	struct gw_test *t = test->priv;
	u64 gva = 0x40000000;

	gw_setup(test, t, c->fmt);
	t->cpu.maxphyaddr = c->maxphyaddr;
	if (c->no_nxe)
		t->cpu.efer &= ~AXVM_EFER_NXE;
	gw_map(test, t, gva, 0x40000000, c->leaf, GW_RW);
	gw_expect_gpa(test, t, gva, GW_RD, 0x40000000);
	gw_or(test, t, gva, c->level, 1ULL << c->bit);
	gw_expect_pf(test, t, gva, GW_WR, GW_PF_P | GW_PF_RSVD | GW_PF_W);
}

/* ---- permissions ----------------------------------------------------- */

static void gw_nx_fetch_faults(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x1000, 0x5000, 1, GW_RW | GW_NX);
	gw_expect_pf(test, t, 0x1000, GW_FE, GW_PF_P | GW_PF_I);
}

static void gw_nx_allows_read(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x1000, 0x5000, 1, GW_RW | GW_NX);
	gw_expect_gpa(test, t, 0x1000, GW_RD, 0x5000);
}

static void gw_nx_in_upper_level(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x1000, 0x5000, 1, GW_RW);
	gw_expect_gpa(test, t, 0x1000, GW_FE, 0x5000);
	gw_or(test, t, 0x1000, 4, GW_NX);
	gw_expect_pf(test, t, 0x1000, GW_FE, GW_PF_P | GW_PF_I);
}

static void gw_pae_nx_fetch_faults(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FPAE);
	gw_map(test, t, 0x1000, 0x5000, 1, GW_RW | GW_US);
	gw_expect_gpa(test, t, 0x1000, GW_FE | GW_USR, 0x5000);
	gw_or(test, t, 0x1000, 2, GW_NX);
	gw_expect_pf(test, t, 0x1000, GW_FE | GW_USR,
		     GW_PF_P | GW_PF_I | GW_PF_U);
}

/* Supervisor writes to read-only pages succeed when CR0.WP is clear. */
static void gw_ro_write_without_wp(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	t->cpu.cr0 &= ~AXVM_CR0_WP;
	gw_map(test, t, 0x1000, 0x5000, 1, 0);
	gw_expect_gpa(test, t, 0x1000, GW_WR, 0x5000);
}

static void gw_ro_write_with_wp(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x1000, 0x5000, 1, 0);
	gw_expect_pf(test, t, 0x1000, GW_WR, GW_PF_P | GW_PF_W);
}

static void gw_ro_read_ok(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x1000, 0x5000, 1, 0);
	gw_expect_gpa(test, t, 0x1000, GW_RD, 0x5000);
}

/* A user write to a read-only page faults whatever CR0.WP says. */
static void gw_ro_user_write(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, F32);
	t->cpu.cr0 &= ~AXVM_CR0_WP;
	gw_map(test, t, 0x1000, 0x5000, 1, GW_US);
	gw_expect_pf(test, t, 0x1000, GW_WR | GW_USR,
		     GW_PF_P | GW_PF_W | GW_PF_U);
}

/* R/W is the AND over the levels. */
static void gw_ro_in_upper_level(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x1000, 0x5000, 1, GW_RW);
	gw_clear(test, t, 0x1000, 3, GW_RW);
	gw_expect_pf(test, t, 0x1000, GW_WR, GW_PF_P | GW_PF_W);
}

static void gw_user_on_supervisor_page(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x1000, 0x5000, 1, GW_RW | GW_US);
	gw_clear(test, t, 0x1000, 2, GW_US);
	gw_expect_pf(test, t, 0x1000, GW_USR, GW_PF_P | GW_PF_U);
}

static void gw_32_user_on_supervisor_page(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, F32);
	gw_map(test, t, 0x1000, 0x5000, 1, GW_RW);
	gw_expect_pf(test, t, 0x1000, GW_USR, GW_PF_P | GW_PF_U);
}

static void gw_user_on_user_page(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x1000, 0x5000, 1, GW_RW | GW_US);
	gw_expect_gpa(test, t, 0x1000, GW_WR | GW_USR, 0x5000);
}

/* Without SMAP (not modelled) the kernel may read user pages. */
static void gw_supervisor_on_user_page(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x1000, 0x5000, 1, GW_RW | GW_US);
	gw_expect_gpa(test, t, 0x1000, GW_WR, 0x5000);
}

static void gw_smep_supervisor_fetch_user_page(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x1000, 0x5000, 1, GW_RW | GW_US);
	gw_expect_gpa(test, t, 0x1000, GW_FE, 0x5000);
	t->cpu.cr4 |= AXVM_CR4_SMEP;
	gw_expect_pf(test, t, 0x1000, GW_FE, GW_PF_P | GW_PF_I);
}

/* No GW_NX and no SMEP: a fetch fault does not set the I/D bit. */
static void gw_fetch_pfec_without_nx(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, F32);
	gw_expect_pf(test, t, 0x1000, GW_FE, 0);
}

/* ---- bad input, memory outside RAM ----------------------------------- */

static void gw_bad_access(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x1000, 0x5000, 1, GW_RW | GW_US);
	gw_expect_err(test, t, 0x1000, 1, -EINVAL);
	gw_expect_err(test, t, 0x1000, GW_WR | GW_FE, -EINVAL);
	gw_expect_err(test, t, 0x1000, 1u << 5, -EINVAL);
	KUNIT_EXPECT_EQ(test, t->reads, 0u);
}

static void gw_cr3_outside_ram(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	t->cpu.cr3 = GW_OUTSIDE;
	gw_expect_err(test, t, 0x1000, GW_RD, -ENXIO);
}

static void gw_table_outside_ram(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FPAE);
	gw_set(t, t->cpu.cr3, GW_OUTSIDE | GW_P, 8);
	gw_expect_err(test, t, 0x1000, GW_RD, -ENXIO);
}

/* Errors other than -EFAULT (not RAM) come back as they are. */
static void gw_read_error_passed_through(struct kunit *test)
{
	struct gw_test *t = test->priv;

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x1000, 0x5000, 1, GW_RW);
	t->force_err = -ENOMEM;
	gw_expect_err(test, t, 0x1000, GW_RD, -ENOMEM);
}

/* ---- instruction fetch ----------------------------------------------- */

static void gw_fill(struct gw_test *t, u64 gpa, unsigned int len, u8 first)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		t->mem[gpa + i] = first + i;
}

static void gw_fetch_within_page(struct kunit *test)
{
	struct gw_test *t = test->priv;
	struct axvm_gwalk_fault f;
	u8 buf[15];

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x400000, gw_data_page(0), 1, GW_RW);
	gw_fill(t, gw_data_page(0) + 0x100, 15, 0x40);
	KUNIT_EXPECT_EQ(test, axvm_gwalk_fetch(&t->cpu, 0x400100, false, buf,
					       15, &f), 15);
	KUNIT_EXPECT_EQ(test, f.err, 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, t->mem + gw_data_page(0) + 0x100,
				     15), 0);
}

/* Two virtually adjacent pages, physically apart and out of order. */
static void gw_fetch_cross_page(struct kunit *test)
{
	struct gw_test *t = test->priv;
	struct axvm_gwalk_fault f;
	u8 buf[15], want[15];

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x400000, gw_data_page(3), 1, GW_RW);
	gw_map(test, t, 0x401000, gw_data_page(1), 1, GW_RW);
	gw_fill(t, gw_data_page(3) + 0xffa, 6, 0x10);
	gw_fill(t, gw_data_page(1), 9, 0x16);
	memcpy(want, t->mem + gw_data_page(3) + 0xffa, 6);
	memcpy(want + 6, t->mem + gw_data_page(1), 9);
	KUNIT_EXPECT_EQ(test, axvm_gwalk_fetch(&t->cpu, 0x400ffa, false, buf,
					       15, &f), 15);
	KUNIT_EXPECT_EQ(test, f.err, 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, 15), 0);
}

/* The bytes of the first page, and the #PF for the second. */
static void gw_fetch_cross_into_unmapped(struct kunit *test)
{
	struct gw_test *t = test->priv;
	struct axvm_gwalk_fault f;
	u8 buf[15];

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x400000, gw_data_page(0), 1, GW_RW);
	gw_fill(t, gw_data_page(0) + 0xffd, 3, 0x89);
	KUNIT_EXPECT_EQ(test, axvm_gwalk_fetch(&t->cpu, 0x400ffd, false, buf,
					       15, &f), 3);
	KUNIT_EXPECT_EQ(test, f.err, -EFAULT);
	KUNIT_EXPECT_EQ(test, f.addr, 0x401000ULL);
	KUNIT_EXPECT_EQ(test, f.error_code, (u32)GW_PF_I);
	KUNIT_EXPECT_EQ(test, memcmp(buf, t->mem + gw_data_page(0) + 0xffd,
				     3), 0);
}

static void gw_fetch_user_cross_into_nx(struct kunit *test)
{
	struct gw_test *t = test->priv;
	struct axvm_gwalk_fault f;
	u8 buf[15];

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x400000, gw_data_page(0), 1, GW_RW | GW_US);
	gw_map(test, t, 0x401000, gw_data_page(1), 1, GW_RW | GW_US | GW_NX);
	KUNIT_EXPECT_EQ(test, axvm_gwalk_fetch(&t->cpu, 0x400ff8, true, buf,
					       15, &f), 8);
	KUNIT_EXPECT_EQ(test, f.err, -EFAULT);
	KUNIT_EXPECT_EQ(test, f.addr, 0x401000ULL);
	KUNIT_EXPECT_EQ(test, f.error_code, (u32)(GW_PF_P | GW_PF_U | GW_PF_I));
}

static void gw_fetch_first_page_faults(struct kunit *test)
{
	struct gw_test *t = test->priv;
	struct axvm_gwalk_fault f;
	u8 buf[15];

	gw_setup(test, t, FLONG);
	KUNIT_EXPECT_EQ(test, axvm_gwalk_fetch(&t->cpu, 0x400123, false, buf,
					       15, &f), 0);
	KUNIT_EXPECT_EQ(test, f.err, -EFAULT);
	KUNIT_EXPECT_EQ(test, f.addr, 0x400123ULL);
	KUNIT_EXPECT_EQ(test, f.error_code, (u32)GW_PF_I);
}

static void gw_fetch_bad_len(struct kunit *test)
{
	struct gw_test *t = test->priv;
	struct axvm_gwalk_fault f;
	u8 buf[16];

	t->cpu.cr0 = GW_CR0_PE;
	KUNIT_EXPECT_EQ(test, axvm_gwalk_fetch(&t->cpu, 0, false, buf, 0, &f),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_gwalk_fetch(&t->cpu, 0, false, buf, 16, &f),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, t->reads, 0u);
}

/* Outside long mode the linear address wraps from 4 GiB to 0. */
static void gw_fetch_wraps_at_4g(struct kunit *test)
{
	struct gw_test *t = test->priv;
	struct axvm_gwalk_fault f;
	u8 buf[6], want[6];

	gw_setup(test, t, F32);
	gw_map(test, t, 0xfffff000, gw_data_page(2), 1, GW_RW);
	gw_map(test, t, 0x0, gw_data_page(5), 1, GW_RW);
	gw_fill(t, gw_data_page(2) + 0xffd, 3, 0xa0);
	gw_fill(t, gw_data_page(5), 3, 0xb0);
	memcpy(want, t->mem + gw_data_page(2) + 0xffd, 3);
	memcpy(want + 3, t->mem + gw_data_page(5), 3);
	KUNIT_EXPECT_EQ(test, axvm_gwalk_fetch(&t->cpu, 0xfffffffd, false, buf,
					       6, &f), 6);
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, 6), 0);
}

static void gw_fetch_paging_off(struct kunit *test)
{
	struct gw_test *t = test->priv;
	struct axvm_gwalk_fault f;
	u8 buf[8];

	t->cpu.cr0 = GW_CR0_PE;
	gw_fill(t, 0x1ffc, 8, 0x30);
	KUNIT_EXPECT_EQ(test, axvm_gwalk_fetch(&t->cpu, 0x1ffc, false, buf, 8,
					       &f), 8);
	KUNIT_EXPECT_EQ(test, memcmp(buf, t->mem + 0x1ffc, 8), 0);
}

/* Code in a page that is not RAM (MMIO or nothing): -ENXIO, no #PF. */
static void gw_fetch_outside_ram(struct kunit *test)
{
	struct gw_test *t = test->priv;
	struct axvm_gwalk_fault f;
	u8 buf[15];

	gw_setup(test, t, FLONG);
	gw_map(test, t, 0x400000, GW_OUTSIDE, 1, GW_RW);
	KUNIT_EXPECT_EQ(test, axvm_gwalk_fetch(&t->cpu, 0x400000, false, buf,
					       15, &f), 0);
	KUNIT_EXPECT_EQ(test, f.err, -ENXIO);
	KUNIT_EXPECT_EQ(test, f.error_code, 0u);
	KUNIT_EXPECT_EQ(test, f.addr, 0x400000ULL);
}

static struct kunit_case gwalk_cases[] = {
	KUNIT_CASE(gw_off_identity),
	KUNIT_CASE(gw_off_wraps_at_4g),
	KUNIT_CASE(gw_32_4k),
	KUNIT_CASE(gw_32_4m_pse),
	KUNIT_CASE(gw_32_4m_high_bits),
	KUNIT_CASE(gw_32_ps_ignored_without_pse),
	KUNIT_CASE(gw_pae_4k),
	KUNIT_CASE(gw_pae_2m),
	KUNIT_CASE(gw_pae_pdpte_has_no_permissions),
	KUNIT_CASE(gw_long_4k),
	KUNIT_CASE(gw_long_2m),
	KUNIT_CASE(gw_long_1g),
	KUNIT_CASE(gw_long_high_half),
	KUNIT_CASE(gw_long_5level),
	KUNIT_CASE(gw_long_noncanonical),
	KUNIT_CASE_PARAM(gw_not_present, gw_np_gen_params),
	KUNIT_CASE_PARAM(gw_reserved_bit, gw_rsvd_gen_params),
	KUNIT_CASE(gw_nx_fetch_faults),
	KUNIT_CASE(gw_nx_allows_read),
	KUNIT_CASE(gw_nx_in_upper_level),
	KUNIT_CASE(gw_pae_nx_fetch_faults),
	KUNIT_CASE(gw_ro_write_without_wp),
	KUNIT_CASE(gw_ro_write_with_wp),
	KUNIT_CASE(gw_ro_read_ok),
	KUNIT_CASE(gw_ro_user_write),
	KUNIT_CASE(gw_ro_in_upper_level),
	KUNIT_CASE(gw_user_on_supervisor_page),
	KUNIT_CASE(gw_32_user_on_supervisor_page),
	KUNIT_CASE(gw_user_on_user_page),
	KUNIT_CASE(gw_supervisor_on_user_page),
	KUNIT_CASE(gw_smep_supervisor_fetch_user_page),
	KUNIT_CASE(gw_fetch_pfec_without_nx),
	KUNIT_CASE(gw_bad_access),
	KUNIT_CASE(gw_cr3_outside_ram),
	KUNIT_CASE(gw_table_outside_ram),
	KUNIT_CASE(gw_read_error_passed_through),
	KUNIT_CASE(gw_fetch_within_page),
	KUNIT_CASE(gw_fetch_cross_page),
	KUNIT_CASE(gw_fetch_cross_into_unmapped),
	KUNIT_CASE(gw_fetch_user_cross_into_nx),
	KUNIT_CASE(gw_fetch_first_page_faults),
	KUNIT_CASE(gw_fetch_bad_len),
	KUNIT_CASE(gw_fetch_wraps_at_4g),
	KUNIT_CASE(gw_fetch_paging_off),
	KUNIT_CASE(gw_fetch_outside_ram),
	{}
};

static struct kunit_suite axvm_gwalk_suite = {
	.name = "axvm_gwalk",
	.init = gw_test_init,
	.test_cases = gwalk_cases,
};

kunit_test_suite(axvm_gwalk_suite);
