// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_mm: the guest address space on the fake HAL: region validation,
 * population, access checks, guest memory copies, identical regions,
 * reset, and no leak on any failure.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <uapi/linux/axvm.h>
#include "npt.h"
#include "mm.h"
#include "fake_hal.h"
#include "suites.h"

struct mm_test {
	struct axvm_fake_hal *fh;
	struct axvm_aspace as;
	bool live;		/* as must be destroyed by .exit */
};

#define RW	(AXVM_MEM_READ | AXVM_MEM_WRITE)
#define RWX	(RW | AXVM_MEM_EXEC)
#define ALLOC	AXVM_MAP_ALLOC
#define IDENT	AXVM_MAP_IDENTICAL
#define RAM	AXVM_FAKE_RAM_BASE	/* 2 MiB aligned fake host RAM */

static int mm_test_init(struct kunit *test)
{
	struct mm_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->fh = axvm_fake_hal_new(test);
	KUNIT_ASSERT_EQ(test, axvm_aspace_init(&t->as, &t->fh->ops,
					       &axvm_x86_pte_ops, 0), 0);
	t->live = true;
	test->priv = t;
	return 0;
}

static void mm_test_exit(struct kunit *test)
{
	struct mm_test *t = test->priv;

	if (t->live)
		axvm_aspace_destroy(&t->as);
}

/* Destroy now and check that every frame and range came back. */
static void mm_destroy_and_check(struct kunit *test, struct mm_test *t)
{
	axvm_aspace_destroy(&t->as);
	t->live = false;
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 0UL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_claims_in_use(t->fh), 0UL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_bad_calls(t->fh), 0UL);
}

/* Frames held = tables + populated pages: nothing else, nothing lost. */
static void mm_expect_balanced(struct kunit *test, struct mm_test *t)
{
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh),
			t->as.pt.nr_tables +
			(unsigned long)(t->as.populated_bytes >> PAGE_SHIFT));
}

struct mm_region_case {
	const char *name;
	u64 gpa;
	u64 size;
	u32 flags;
	u32 map_type;
	int err;
};

static const struct mm_region_case mm_region_cases[] = {
	{ "valid", SZ_1M, SZ_64K, RWX, ALLOC, 0 },
	{ "USER accepted", 0, SZ_4K, RW | AXVM_MEM_USER, ALLOC, 0 },
	{ "no access flags", 0, SZ_4K, 0, ALLOC, 0 },
	{ "last page below the limit", AXVM_GPA_LIMIT - SZ_4K, SZ_4K, RW,
	  ALLOC, 0 },
	{ "gpa misaligned", SZ_1M + 0x800, SZ_64K, RW, ALLOC, -EINVAL },
	{ "size misaligned", SZ_1M, SZ_64K + 1, RW, ALLOC, -EINVAL },
	{ "size 0", SZ_1M, 0, RW, ALLOC, -EINVAL },
	{ "gpa + size overflows", 0xfffffffffffff000ULL, SZ_8K, RW, ALLOC,
	  -EINVAL },
	{ "size overflows alone", SZ_4K, 0xfffffffffffff000ULL, RW, ALLOC,
	  -EINVAL },
	{ "gpa at the limit", AXVM_GPA_LIMIT, SZ_4K, RW, ALLOC, -EINVAL },
	{ "end past the limit", AXVM_GPA_LIMIT - SZ_4K, SZ_8K, RW, ALLOC,
	  -EINVAL },
	{ "unknown flag bit 4", 0, SZ_4K, RW | (1u << 4), ALLOC, -EINVAL },
	{ "unknown flag bit 31", 0, SZ_4K, RW | (1u << 31), ALLOC, -EINVAL },
	{ "unknown map_type 3", 0, SZ_4K, RW, 3, -EINVAL },
	{ "unknown map_type ~0", 0, SZ_4K, RW, ~0u, -EINVAL },
	{ "reserved map_type 2", 0, SZ_4K, RW, AXVM_MAP_RESERVED, -EOPNOTSUPP },
	{ "identical gpa misaligned", RAM + 0x800, SZ_4K, RW, IDENT, -EINVAL },
};

static void mm_region_case_desc(const struct mm_region_case *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mm_region, mm_region_cases, mm_region_case_desc);

static void mm_add_region_validation(struct kunit *test)
{
	const struct mm_region_case *p = test->param_value;
	struct mm_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(&t->as, p->gpa, p->size,
						     p->flags, p->map_type),
			p->err);
	KUNIT_EXPECT_EQ(test, t->as.nr_regions, p->err ? 0u : 1u);
	KUNIT_EXPECT_EQ(test, t->as.mapped_bytes, p->err ? 0 : p->size);
	/* Lazy: nothing but the root table is allocated either way. */
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 1UL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_calls(t->fh,
						  AXVM_FAKE_ALLOC_REGION_AT),
			0UL);
}

static void mm_add_region_overlap(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_1M, SZ_1M, RW,
						     ALLOC), 0);
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, SZ_1M, SZ_1M, RW,
						     ALLOC), -EEXIST);
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, SZ_1M + SZ_512K,
						     SZ_1M, RW, ALLOC),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, SZ_512K,
						     SZ_512K + SZ_4K, RW,
						     ALLOC), -EEXIST);
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, SZ_1M + SZ_4K, SZ_4K,
						     RW, ALLOC), -EEXIST);
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, 0, SZ_4M, RW, ALLOC),
			-EEXIST);
	/* An identical region that overlaps claims nothing. */
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, SZ_1M, SZ_4K, RW,
						     IDENT), -EEXIST);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_claims_in_use(t->fh), 0UL);
	/* Touching neighbours on both sides are fine. */
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, 0, SZ_1M, RW, ALLOC),
			0);
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, SZ_2M, SZ_1M, RW,
						     ALLOC), 0);
	KUNIT_EXPECT_EQ(test, as->nr_regions, 3u);
	KUNIT_EXPECT_EQ(test, as->mapped_bytes, (u64)SZ_2M + SZ_1M);
}

static void mm_add_region_limit(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;

	as->limit_bytes = SZ_16K;
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, 0, SZ_8K, RW, ALLOC),
			0);
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, SZ_1M, SZ_16K, RW,
						     ALLOC), -ENOSPC);
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, SZ_1M, SZ_8K, RW,
						     ALLOC), 0);
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, SZ_2M, SZ_4K, RW,
						     IDENT), -ENOSPC);
	/* Near-overflowing sizes are refused, not wrapped. */
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, SZ_4M,
						     AXVM_GPA_LIMIT - SZ_4M,
						     RW, ALLOC), -ENOSPC);
	KUNIT_EXPECT_EQ(test, as->mapped_bytes, (u64)SZ_16K);
	KUNIT_EXPECT_EQ(test, axvm_aspace_del_region(as, 0, SZ_8K), 0);
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(as, SZ_2M, SZ_8K, RW,
						     ALLOC), 0);
}

static void mm_fault_populates_lazily(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	bool populated = false;
	phys_addr_t pa;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_1M, SZ_64K, RW,
						     ALLOC), 0);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, axvm_aspace_translate(as, SZ_1M + SZ_8K, &pa),
			-ENOENT);

	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, SZ_1M + SZ_8K + 0x10,
						       AXVM_MEM_WRITE,
						       &populated), 0);
	KUNIT_EXPECT_TRUE(test, populated);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, (u64)SZ_4K);
	KUNIT_EXPECT_EQ(test, axvm_aspace_translate(as, SZ_1M + SZ_8K + 0x10,
						    &pa), 0);
	KUNIT_EXPECT_TRUE(test, axvm_fake_hal_frame_live(t->fh, pa));
	KUNIT_EXPECT_EQ(test, offset_in_page(pa), 0x10UL);
	/* Only that page. */
	KUNIT_EXPECT_EQ(test, axvm_aspace_translate(as, SZ_1M + SZ_4K, &pa),
			-ENOENT);

	/* Faulting again (another vCPU was first) allocates nothing. */
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, SZ_1M + SZ_8K,
						       AXVM_MEM_READ,
						       &populated), 0);
	KUNIT_EXPECT_FALSE(test, populated);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_calls(t->fh,
						  AXVM_FAKE_ALLOC_FRAME),
			1UL + 4);	/* tables of init and the fault, the page */
	mm_expect_balanced(test, t);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, SZ_1M, 0, NULL),
			0);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, (u64)SZ_8K);
}

static void mm_populate_eagerly(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	bool populated = true;
	phys_addr_t pa;
	u64 gpa;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_2M - SZ_8K,
						     SZ_16K,
						     RW | AXVM_MEM_POPULATE,
						     ALLOC), 0);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, (u64)SZ_16K);
	for (gpa = SZ_2M - SZ_8K; gpa < SZ_2M + SZ_8K; gpa += SZ_4K)
		KUNIT_EXPECT_EQ(test, axvm_aspace_translate(as, gpa, &pa), 0);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, SZ_2M,
						       AXVM_MEM_WRITE,
						       &populated), 0);
	KUNIT_EXPECT_FALSE(test, populated);
	mm_expect_balanced(test, t);
	mm_destroy_and_check(test, t);
}

static void mm_fault_access_denied(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	bool populated = true;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, 0, SZ_64K,
						     AXVM_MEM_READ, ALLOC), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_64K, SZ_64K, RW,
						     ALLOC), 0);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, 0, AXVM_MEM_WRITE,
						       &populated), -EACCES);
	KUNIT_EXPECT_FALSE(test, populated);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, 0, AXVM_MEM_EXEC,
						       NULL), -EACCES);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, SZ_64K,
						       AXVM_MEM_EXEC, NULL),
			-EACCES);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, 0ULL);
	/* A read of the read-only region populates; a write still fails. */
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, 0, AXVM_MEM_READ,
						       NULL), 0);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, 0, AXVM_MEM_WRITE,
						       NULL), -EACCES);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, (u64)SZ_4K);
}

static void mm_fault_outside_regions(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	phys_addr_t pa;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_1M, SZ_64K, RW,
						     ALLOC), 0);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, 0, AXVM_MEM_READ,
						       NULL), -EFAULT);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, SZ_1M - 1,
						       AXVM_MEM_READ, NULL),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, SZ_1M + SZ_64K,
						       AXVM_MEM_READ, NULL),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, AXVM_GPA_LIMIT,
						       AXVM_MEM_READ, NULL),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, ~0ULL,
						       AXVM_MEM_WRITE, NULL),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, axvm_aspace_translate(as, 0, &pa), -EFAULT);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 1UL);
}

static void fill_pattern(u8 *buf, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = seed + i * 7;
}

/* Write @len bytes at @gpa and read them back, also one byte around. */
static void mm_roundtrip(struct kunit *test, struct axvm_aspace *as, u64 gpa,
			 size_t len)
{
	u8 *in = kunit_kzalloc(test, len + 2, GFP_KERNEL);
	u8 *out = kunit_kzalloc(test, len + 2, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);
	fill_pattern(in + 1, len, 0x5a);
	KUNIT_ASSERT_EQ(test, axvm_aspace_write(as, gpa, in + 1, len), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(as, gpa - 1, out, len + 2), 0);
	KUNIT_EXPECT_EQ(test, memcmp(in, out, len + 2), 0);
}

static void mm_rw_across_page(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, 0, SZ_64K, RW,
						     ALLOC), 0);
	mm_roundtrip(test, as, SZ_8K - 5, 16);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, (u64)SZ_8K);
	/* Three pages: a whole one in the middle. */
	mm_roundtrip(test, as, SZ_16K + 100, SZ_8K);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, (u64)SZ_8K + (3 * SZ_4K));
	mm_expect_balanced(test, t);
}

static void mm_rw_across_2m_and_regions(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;

	/* Two adjacent regions meeting at a 2 MiB boundary. */
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_1M, SZ_1M, RW,
						     ALLOC), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_2M, SZ_1M, RW,
						     ALLOC), 0);
	mm_roundtrip(test, as, SZ_2M - 3, 9);
	KUNIT_EXPECT_TRUE(test, axvm_aspace_is_ram(as, SZ_1M, SZ_2M));
	KUNIT_EXPECT_EQ(test, as->populated_bytes, (u64)SZ_8K);
}

static void mm_read_untouched_is_zero(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	u8 buf[64];

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, 0, SZ_64K, RW,
						     ALLOC), 0);
	memset(buf, 0xaa, sizeof(buf));
	KUNIT_EXPECT_EQ(test, axvm_aspace_read(as, SZ_4K - 32, buf,
					       sizeof(buf)), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(buf, 0, sizeof(buf)));
	/* Documented: reading does not populate. */
	KUNIT_EXPECT_EQ(test, as->populated_bytes, 0ULL);
}

static void mm_rw_outside_ram(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	u8 buf[16] = { 1, 2, 3 };

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, 0, SZ_8K, RW, ALLOC),
			0);
	/* Starts in RAM, ends outside: refused before anything is written. */
	KUNIT_EXPECT_EQ(test, axvm_aspace_write(as, SZ_8K - 8, buf,
						sizeof(buf)), -EFAULT);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, axvm_aspace_read(as, SZ_8K, buf, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, axvm_aspace_read(as, ~0ULL - 3, buf, 8),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, axvm_aspace_write(as, 0, buf, 0), 0);
	KUNIT_EXPECT_FALSE(test, axvm_aspace_is_ram(as, SZ_4K, SZ_8K));
	KUNIT_EXPECT_FALSE(test, axvm_aspace_is_ram(as, ~0ULL, 2));
	KUNIT_EXPECT_TRUE(test, axvm_aspace_is_ram(as, SZ_4K, SZ_4K));
}

static void mm_is_ram_gap(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, 0, SZ_8K, RW, ALLOC),
			0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, (3 * SZ_4K), SZ_8K, RW,
						     ALLOC), 0);
	KUNIT_EXPECT_TRUE(test, axvm_aspace_is_ram(as, 0, SZ_8K));
	KUNIT_EXPECT_FALSE(test, axvm_aspace_is_ram(as, 0, SZ_8K + 1));
	KUNIT_EXPECT_FALSE(test, axvm_aspace_is_ram(as, SZ_4K, (3 * SZ_4K)));
	KUNIT_EXPECT_TRUE(test, axvm_aspace_is_ram(as, SZ_16K, SZ_4K));
}

static void mm_identical_maps_gpa_to_hpa(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	phys_addr_t pa;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, RAM, SZ_4M + SZ_4K,
						     RWX, IDENT), 0);
	KUNIT_EXPECT_TRUE(test, axvm_fake_hal_claimed(t->fh, RAM,
						      SZ_4M + SZ_4K));
	KUNIT_EXPECT_EQ(test, axvm_aspace_translate(as, RAM + 0x1234, &pa), 0);
	KUNIT_EXPECT_EQ(test, pa, (phys_addr_t)RAM + 0x1234);
	KUNIT_EXPECT_EQ(test, axvm_aspace_translate(as, RAM + SZ_4M, &pa), 0);
	KUNIT_EXPECT_EQ(test, pa, (phys_addr_t)RAM + SZ_4M);
	/* Two 2 MiB leaves and one 4 KiB: root, 2 upper tables, 1 leaf table. */
	KUNIT_EXPECT_EQ(test, as->pt.nr_tables, 4UL);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, RAM, AXVM_MEM_EXEC,
						       NULL), 0);
	mm_roundtrip(test, as, RAM + SZ_2M - 2, 8);

	KUNIT_EXPECT_EQ(test, axvm_aspace_del_region(as, RAM, SZ_4M + SZ_4K),
			0);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_claims_in_use(t->fh), 0UL);
	KUNIT_EXPECT_EQ(test, as->pt.nr_tables, 1UL);
}

struct mm_ident_case {
	const char *name;
	u64 gpa;
	u64 size;
	int hal_error;		/* forced on every claim, or 0 */
	int err;
};

static const struct mm_ident_case mm_ident_cases[] = {
	{ "busy", RAM + SZ_4K, SZ_8K, 0, -EBUSY },
	{ "not RAM", SZ_1M, SZ_8K, 0, -EFAULT },
	{ "straddles the end of RAM", RAM + AXVM_FAKE_RAM_SIZE - SZ_4K, SZ_8K,
	  0, -EFAULT },
	{ "not permitted", RAM + SZ_1M, SZ_8K, -EPERM, -EPERM },
};

static void mm_ident_case_desc(const struct mm_ident_case *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mm_ident, mm_ident_cases, mm_ident_case_desc);

static void mm_identical_refused(struct kunit *test)
{
	const struct mm_ident_case *p = test->param_value;
	struct mm_test *t = test->priv;

	axvm_fake_hal_add_busy(t->fh, RAM + SZ_8K, SZ_4K);
	axvm_fake_hal_set_region_error(t->fh, p->hal_error);
	KUNIT_EXPECT_EQ(test, axvm_aspace_add_region(&t->as, p->gpa, p->size,
						     RW, IDENT), p->err);
	KUNIT_EXPECT_EQ(test, t->as.nr_regions, 0u);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_claims_in_use(t->fh), 0UL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 1UL);
}

static void mm_del_region_exact(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	u8 byte = 1;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_1M, SZ_64K, RW,
						     ALLOC), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_write(as, SZ_1M + SZ_32K, &byte, 1),
			0);
	KUNIT_EXPECT_EQ(test, axvm_aspace_del_region(as, SZ_1M, SZ_32K),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, axvm_aspace_del_region(as, SZ_1M + SZ_4K,
						     SZ_64K - SZ_4K), -ENOENT);
	KUNIT_EXPECT_EQ(test, axvm_aspace_del_region(as, 0, SZ_64K), -ENOENT);
	KUNIT_EXPECT_EQ(test, as->nr_regions, 1u);

	KUNIT_EXPECT_EQ(test, axvm_aspace_del_region(as, SZ_1M, SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, as->nr_regions, 0u);
	KUNIT_EXPECT_EQ(test, as->mapped_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, 0ULL);
	KUNIT_EXPECT_NE(test, as->unmap_gen, 0ULL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 1UL);
	KUNIT_EXPECT_EQ(test, axvm_aspace_del_region(as, SZ_1M, SZ_64K),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, SZ_1M,
						       AXVM_MEM_READ, NULL),
			-EFAULT);
}

static void mm_reset_frees_ram(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	u8 buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	u64 gen = as->unmap_gen;
	phys_addr_t pa;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, 0, SZ_64K, RW,
						     ALLOC), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_1M, SZ_8K,
						     RW | AXVM_MEM_POPULATE,
						     ALLOC), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, RAM, SZ_4K, RW,
						     IDENT), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_write(as, SZ_4K - 4, buf, 8), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_write(as, SZ_1M + 4, buf, 8), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_write(as, RAM, buf, 8), 0);
	KUNIT_EXPECT_EQ(test, as->populated_bytes, (u64)SZ_16K);

	axvm_aspace_reset(as);
	KUNIT_EXPECT_EQ(test, as->nr_regions, 3u);
	KUNIT_EXPECT_NE(test, as->unmap_gen, gen);
	/* Lazy pages freed; POPULATE pages kept, zeroed. */
	KUNIT_EXPECT_EQ(test, as->populated_bytes, (u64)SZ_8K);
	KUNIT_EXPECT_EQ(test, axvm_aspace_translate(as, 0, &pa), -ENOENT);
	KUNIT_EXPECT_EQ(test, axvm_aspace_translate(as, SZ_1M, &pa), 0);
	mm_expect_balanced(test, t);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(as, SZ_4K - 4, buf, 8), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(buf, 0, 8));
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(as, SZ_1M + 4, buf, 8), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(buf, 0, 8));
	/* Identical memory is the host's: it keeps its contents. */
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(as, RAM, buf, 8), 0);
	KUNIT_EXPECT_EQ(test, buf[7], 8);
	/* And the lazy region populates again. */
	KUNIT_EXPECT_EQ(test, axvm_aspace_handle_fault(as, 0, AXVM_MEM_READ,
						       NULL), 0);
	mm_destroy_and_check(test, t);
}

static void mm_destroy_frees_everything(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	u8 byte = 0xff;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, 0, SZ_2M, RWX,
						     ALLOC), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_1G, SZ_64K,
						     RW | AXVM_MEM_POPULATE,
						     ALLOC), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, RAM, SZ_2M, RW,
						     IDENT), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_write(as, SZ_1M, &byte, 1), 0);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_claims_in_use(t->fh), 1UL);
	mm_destroy_and_check(test, t);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_calls(t->fh,
						  AXVM_FAKE_DEALLOC_REGION_AT),
			1UL);
}

static void mm_init_enomem(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace as;

	axvm_fake_hal_fail_all_allocs(t->fh, true);
	KUNIT_EXPECT_EQ(test, axvm_aspace_init(&as, &t->fh->ops,
					       &axvm_x86_pte_ops, 0), -ENOMEM);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 1UL);
}

/*
 * Fail each allocation of an operation in turn (until it succeeds):
 * every failure is -ENOMEM and leaves the frames balanced.
 */
static void mm_enomem_populate(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	unsigned long n;
	int ret = -ENOMEM;

	/* Crosses a 1 GiB boundary: tables on both sides. */
	for (n = 0; n < 64 && ret; n++) {
		axvm_fake_hal_fail_alloc_after(t->fh, n);
		ret = axvm_aspace_add_region(as, SZ_1G - SZ_8K, SZ_16K,
					     RW | AXVM_MEM_POPULATE, ALLOC);
		if (ret) {
			KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
			KUNIT_EXPECT_EQ(test, as->nr_regions, 0u);
			KUNIT_EXPECT_EQ(test, as->populated_bytes, 0ULL);
			KUNIT_EXPECT_EQ(test,
					axvm_fake_hal_frames_in_use(t->fh),
					1UL);
		}
	}
	axvm_fake_hal_fail_alloc_after(t->fh, -1);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_GT(test, n, 8UL);
	mm_expect_balanced(test, t);
	mm_destroy_and_check(test, t);
}

static void mm_enomem_fault(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	unsigned long n;
	phys_addr_t pa;
	int ret = -ENOMEM;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_1G, SZ_64K, RW,
						     ALLOC), 0);
	for (n = 0; n < 64 && ret; n++) {
		axvm_fake_hal_fail_alloc_after(t->fh, n);
		ret = axvm_aspace_handle_fault(as, SZ_1G + SZ_4K,
					       AXVM_MEM_WRITE, NULL);
		if (ret) {
			KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
			KUNIT_EXPECT_EQ(test, axvm_aspace_translate(as,
						SZ_1G + SZ_4K, &pa), -ENOENT);
			KUNIT_EXPECT_EQ(test,
					axvm_fake_hal_frames_in_use(t->fh),
					1UL);
		}
	}
	axvm_fake_hal_fail_alloc_after(t->fh, -1);
	KUNIT_EXPECT_EQ(test, ret, 0);
	/* The page, then 3 tables: the fifth try succeeds. */
	KUNIT_EXPECT_EQ(test, n, 5UL);
	mm_expect_balanced(test, t);
}

static void mm_enomem_write(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	u8 buf[32];
	unsigned long n;
	int ret = -ENOMEM;

	KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, SZ_2M - SZ_4K, SZ_8K,
						     RW, ALLOC), 0);
	fill_pattern(buf, sizeof(buf), 3);
	for (n = 0; n < 64 && ret; n++) {
		axvm_fake_hal_fail_alloc_after(t->fh, n);
		ret = axvm_aspace_write(as, SZ_2M - 16, buf, sizeof(buf));
		if (ret) {
			/* A write may stop half way; what it did is counted. */
			KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
			mm_expect_balanced(test, t);
		}
	}
	axvm_fake_hal_fail_alloc_after(t->fh, -1);
	KUNIT_EXPECT_EQ(test, ret, 0);
	mm_roundtrip(test, as, SZ_2M - 16, sizeof(buf));
	mm_destroy_and_check(test, t);
}

static void mm_enomem_identical(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	unsigned long n;
	int ret = -ENOMEM;

	for (n = 0; n < 64 && ret; n++) {
		axvm_fake_hal_fail_alloc_after(t->fh, n);
		ret = axvm_aspace_add_region(as, RAM + SZ_2M - SZ_4K,
					     SZ_2M + SZ_8K, RW, IDENT);
		if (ret) {
			KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
			KUNIT_EXPECT_EQ(test,
					axvm_fake_hal_claims_in_use(t->fh),
					0UL);
			KUNIT_EXPECT_EQ(test,
					axvm_fake_hal_frames_in_use(t->fh),
					1UL);
		}
	}
	axvm_fake_hal_fail_alloc_after(t->fh, -1);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_GT(test, n, 1UL);
	mm_destroy_and_check(test, t);
}

struct region_list {
	unsigned int n;
	u64 gpa[4];
};

static int collect_region(void *ctx, const struct axvm_region *r)
{
	struct region_list *l = ctx;

	if (l->n == ARRAY_SIZE(l->gpa))
		return -E2BIG;
	l->gpa[l->n++] = r->gpa;
	return 0;
}

static void mm_iterate_regions_in_order(struct kunit *test)
{
	struct mm_test *t = test->priv;
	struct axvm_aspace *as = &t->as;
	struct region_list l = {};
	u64 gpas[] = { SZ_1G, 0, SZ_1M, SZ_2M, SZ_4M };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gpas); i++)
		KUNIT_ASSERT_EQ(test, axvm_aspace_add_region(as, gpas[i],
							     SZ_4K, RW, ALLOC),
				0);
	/* Stops at, and returns, the first error. */
	KUNIT_EXPECT_EQ(test, axvm_aspace_iterate_regions(as, collect_region,
							  &l), -E2BIG);
	KUNIT_ASSERT_EQ(test, l.n, 4u);
	KUNIT_EXPECT_EQ(test, l.gpa[0], 0ULL);
	KUNIT_EXPECT_EQ(test, l.gpa[1], (u64)SZ_1M);
	KUNIT_EXPECT_EQ(test, l.gpa[2], (u64)SZ_2M);
	KUNIT_EXPECT_EQ(test, l.gpa[3], (u64)SZ_4M);
}

static struct kunit_case mm_cases[] = {
	KUNIT_CASE_PARAM(mm_add_region_validation, mm_region_gen_params),
	KUNIT_CASE(mm_add_region_overlap),
	KUNIT_CASE(mm_add_region_limit),
	KUNIT_CASE(mm_fault_populates_lazily),
	KUNIT_CASE(mm_populate_eagerly),
	KUNIT_CASE(mm_fault_access_denied),
	KUNIT_CASE(mm_fault_outside_regions),
	KUNIT_CASE(mm_rw_across_page),
	KUNIT_CASE(mm_rw_across_2m_and_regions),
	KUNIT_CASE(mm_read_untouched_is_zero),
	KUNIT_CASE(mm_rw_outside_ram),
	KUNIT_CASE(mm_is_ram_gap),
	KUNIT_CASE(mm_identical_maps_gpa_to_hpa),
	KUNIT_CASE_PARAM(mm_identical_refused, mm_ident_gen_params),
	KUNIT_CASE(mm_del_region_exact),
	KUNIT_CASE(mm_reset_frees_ram),
	KUNIT_CASE(mm_destroy_frees_everything),
	KUNIT_CASE(mm_init_enomem),
	KUNIT_CASE(mm_enomem_populate),
	KUNIT_CASE(mm_enomem_fault),
	KUNIT_CASE(mm_enomem_write),
	KUNIT_CASE(mm_enomem_identical),
	KUNIT_CASE(mm_iterate_regions_in_order),
	{}
};

static struct kunit_suite axvm_mm_suite = {
	.name = "axvm_mm",
	.init = mm_test_init,
	.exit = mm_test_exit,
	.test_cases = mm_cases,
};
kunit_test_suite(axvm_mm_suite);
