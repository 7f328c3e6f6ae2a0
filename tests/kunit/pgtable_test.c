// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_pgtable: the generic stage-2 walker on the fake HAL, with the
 * x86 NPT format. Leaves map made-up physical addresses: the walker
 * never touches a leaf's frame, only its tables.
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include "npt.h"
#include "pgtable.h"
#include "fake_hal.h"
#include "suites.h"

struct pt_test {
	struct axvm_fake_hal *fh;
	struct axvm_pgtable pt;
};

#define RW	(AXVM_PTE_R | AXVM_PTE_W)
#define PA	0x40000000ULL		/* a made-up, 1 GiB aligned frame */

static int pt_test_init(struct kunit *test)
{
	struct pt_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->fh = axvm_fake_hal_new(test);
	KUNIT_ASSERT_EQ(test, axvm_pgtable_init(&t->pt, &t->fh->ops,
						&axvm_x86_pte_ops), 0);
	test->priv = t;
	return 0;
}

static void pt_test_exit(struct kunit *test)
{
	struct pt_test *t = test->priv;

	axvm_pgtable_destroy(&t->pt);
}

/* What the unmap callback saw. */
struct unmap_log {
	unsigned int n;
	u64 bytes;
	struct {
		u64 gpa;
		phys_addr_t pa;
		u64 size;
	} e[8];
};

static void log_unmapped(void *ctx, u64 gpa, phys_addr_t pa, u64 size)
{
	struct unmap_log *log = ctx;

	if (log->n < ARRAY_SIZE(log->e)) {
		log->e[log->n].gpa = gpa;
		log->e[log->n].pa = pa;
		log->e[log->n].size = size;
	}
	log->n++;
	log->bytes += size;
}

static void expect_maps(struct kunit *test, struct axvm_pgtable *pt, u64 gpa,
			phys_addr_t want)
{
	phys_addr_t pa = 0;

	KUNIT_EXPECT_EQ(test, axvm_pgtable_translate(pt, gpa, &pa, NULL), 0);
	KUNIT_EXPECT_EQ(test, pa, want);
}

static void expect_unmapped(struct kunit *test, struct axvm_pgtable *pt,
			    u64 gpa)
{
	KUNIT_EXPECT_EQ(test, axvm_pgtable_translate(pt, gpa, NULL, NULL),
			-ENOENT);
}

static void pt_init_allocates_root(struct kunit *test)
{
	struct pt_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 1UL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 1UL);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_limit(&t->pt), 1ULL << 48);
}

static void pt_init_rejects_bad_ops(struct kunit *test)
{
	struct pt_test *t = test->priv;
	struct axvm_pte_ops ops = axvm_x86_pte_ops;
	struct axvm_pgtable pt;

	ops.levels = 1;
	KUNIT_EXPECT_EQ(test, axvm_pgtable_init(&pt, &t->fh->ops, &ops),
			-EINVAL);
	ops.levels = 6;
	KUNIT_EXPECT_EQ(test, axvm_pgtable_init(&pt, &t->fh->ops, &ops),
			-EINVAL);
	ops.levels = 4;
	ops.is_huge = NULL;
	KUNIT_EXPECT_EQ(test, axvm_pgtable_init(&pt, &t->fh->ops, &ops),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 1UL);
}

static void pt_init_enomem(struct kunit *test)
{
	struct pt_test *t = test->priv;
	struct axvm_pgtable pt;

	axvm_fake_hal_fail_all_allocs(t->fh, true);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_init(&pt, &t->fh->ops,
						&axvm_x86_pte_ops), -ENOMEM);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 1UL);
}

static void pt_map_first_page(struct kunit *test)
{
	struct pt_test *t = test->priv;
	unsigned int flags = 0;
	phys_addr_t pa = 0;

	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, 0, PA, SZ_4K, RW,
					       true), 0);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_translate(&t->pt, 0x123, &pa,
						     &flags), 0);
	KUNIT_EXPECT_EQ(test, pa, PA + 0x123);
	KUNIT_EXPECT_EQ(test, flags, RW | AXVM_PTE_USER);
	expect_unmapped(test, &t->pt, SZ_4K);
	/* Root plus one table per level below it. */
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 4UL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 4UL);
}

static void pt_map_last_page_below_limit(struct kunit *test)
{
	struct pt_test *t = test->priv;
	u64 last = axvm_pgtable_limit(&t->pt) - SZ_4K;

	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, last, PA, SZ_4K, RW,
					       true), 0);
	expect_maps(test, &t->pt, last + 0xfff, PA + 0xfff);
	expect_unmapped(test, &t->pt, last - SZ_4K);
	expect_unmapped(test, &t->pt, last + SZ_4K);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_map(&t->pt, last + SZ_4K, PA,
					       SZ_4K, RW, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_map(&t->pt, last, PA, SZ_8K, RW,
					       true), -EINVAL);
	/* Ends exactly at the limit: fine up to the page already there. */
	KUNIT_EXPECT_EQ(test, axvm_pgtable_map(&t->pt, last - SZ_4K, PA,
					       SZ_8K, RW, true), -EEXIST);
}

static void pt_map_huge_when_aligned(struct kunit *test)
{
	struct pt_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, SZ_2M, PA, SZ_4M, RW,
					       true), 0);
	/* Two 2 MiB leaves in one level-1 table: no level-0 table. */
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 3UL);
	expect_maps(test, &t->pt, SZ_2M, PA);
	expect_maps(test, &t->pt, SZ_4M + 0x1234, PA + SZ_2M + 0x1234);
	expect_maps(test, &t->pt, SZ_2M * 3 - 1, PA + SZ_4M - 1);
	expect_unmapped(test, &t->pt, SZ_2M - 1);
	expect_unmapped(test, &t->pt, SZ_2M * 3);
}

static void pt_map_no_huge_when_misaligned(struct kunit *test)
{
	struct pt_test *t = test->priv;

	/* gpa aligned, pa not: 512 small leaves in one level-0 table. */
	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, SZ_2M, PA + SZ_4K,
					       SZ_2M, RW, true), 0);
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 4UL);
	expect_maps(test, &t->pt, SZ_2M + SZ_1M, PA + SZ_4K + SZ_1M);
}

static void pt_map_no_huge_when_not_allowed(struct kunit *test)
{
	struct pt_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, SZ_2M, PA, SZ_2M, RW,
					       false), 0);
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 4UL);
}

static void pt_map_across_2m_boundaries(struct kunit *test)
{
	struct pt_test *t = test->priv;
	u64 gpa = SZ_2M - SZ_4K;

	/* 4 KiB, then a 2 MiB leaf, then 4 KiB: pa follows gpa. */
	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, gpa, PA + gpa,
					       SZ_2M + SZ_8K, RW, true), 0);
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 5UL);
	expect_maps(test, &t->pt, gpa, PA + gpa);
	expect_maps(test, &t->pt, SZ_2M, PA + SZ_2M);
	expect_maps(test, &t->pt, SZ_4M - 1, PA + SZ_4M - 1);
	expect_maps(test, &t->pt, SZ_4M, PA + SZ_4M);
	expect_unmapped(test, &t->pt, gpa - SZ_4K);
	expect_unmapped(test, &t->pt, SZ_4M + SZ_4K);
}

static void pt_map_overlap_changes_nothing(struct kunit *test)
{
	struct pt_test *t = test->priv;
	unsigned long frames;

	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, 0, PA, SZ_8K, RW,
					       true), 0);
	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, SZ_4M, PA, SZ_2M, RW,
					       true), 0);
	frames = axvm_fake_hal_frames_in_use(t->fh);

	/* The overlap is the last page: nothing before it gets mapped. */
	KUNIT_EXPECT_EQ(test, axvm_pgtable_map(&t->pt, SZ_4M - SZ_1M, PA,
					       SZ_1M + SZ_4K, RW, true),
			-EEXIST);
	/* Overlapping a small leaf, and the inside of a huge one. */
	KUNIT_EXPECT_EQ(test, axvm_pgtable_map(&t->pt, SZ_4K, PA, SZ_8K, RW,
					       true), -EEXIST);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_map(&t->pt, SZ_4M + SZ_1M, PA,
					       SZ_4K, RW, false), -EEXIST);

	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), frames);
	expect_unmapped(test, &t->pt, SZ_4M - SZ_1M);
	expect_unmapped(test, &t->pt, SZ_8K);
	expect_maps(test, &t->pt, SZ_4K, PA + SZ_4K);
	expect_maps(test, &t->pt, SZ_4M + SZ_1M, PA + SZ_1M);
}

struct pt_bad_map {
	const char *name;
	u64 gpa;
	u64 pa;
	u64 size;
	unsigned int flags;
};

static const struct pt_bad_map pt_bad_maps[] = {
	{ "gpa misaligned", 0x800, PA, SZ_4K, RW },
	{ "pa misaligned", 0, PA + 0x800, SZ_4K, RW },
	{ "size misaligned", 0, PA, 0x1800, RW },
	{ "size 0", 0, PA, 0, RW },
	{ "gpa + size overflows", ~0ULL - 0xfff, PA, SZ_8K, RW },
	{ "gpa at the limit", 1ULL << 48, PA, SZ_4K, RW },
	{ "pa past 52 bits", 0, 1ULL << 52, SZ_4K, RW },
	{ "pa + size past 52 bits", 0, (1ULL << 52) - SZ_4K, SZ_8K, RW },
	{ "pa + size overflows", 0, ~0ULL - 0xfff, SZ_8K, RW },
	{ "unknown flags", 0, PA, SZ_4K, RW | (1u << 4) },
};

static void pt_bad_map_desc(const struct pt_bad_map *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pt_bad_map, pt_bad_maps, pt_bad_map_desc);

static void pt_map_rejects_bad_args(struct kunit *test)
{
	const struct pt_bad_map *p = test->param_value;
	struct pt_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, axvm_pgtable_map(&t->pt, p->gpa, p->pa, p->size,
					       p->flags, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 1UL);
}

static void pt_translate_unmapped(struct kunit *test)
{
	struct pt_test *t = test->priv;

	expect_unmapped(test, &t->pt, 0);
	expect_unmapped(test, &t->pt, (1ULL << 48) - 1);
	expect_unmapped(test, &t->pt, 1ULL << 48);
	expect_unmapped(test, &t->pt, ~0ULL);
}

static void pt_unmap_hole_is_skipped(struct kunit *test)
{
	struct pt_test *t = test->priv;
	struct unmap_log log = {};

	KUNIT_EXPECT_EQ(test, axvm_pgtable_unmap(&t->pt, SZ_1G, SZ_1G,
						 log_unmapped, &log), 0);
	KUNIT_EXPECT_EQ(test, log.n, 0u);

	/* Two pages with a hole between them: only they are reported. */
	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, 0, PA, SZ_4K, RW,
					       true), 0);
	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, SZ_1M, PA + SZ_8K,
					       SZ_4K, RW, true), 0);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_unmap(&t->pt, 0, SZ_2M,
						 log_unmapped, &log), 0);
	KUNIT_ASSERT_EQ(test, log.n, 2u);
	KUNIT_EXPECT_EQ(test, log.e[0].gpa, 0ULL);
	KUNIT_EXPECT_EQ(test, log.e[0].pa, PA);
	KUNIT_EXPECT_EQ(test, log.e[0].size, (u64)SZ_4K);
	KUNIT_EXPECT_EQ(test, log.e[1].gpa, (u64)SZ_1M);
	KUNIT_EXPECT_EQ(test, log.e[1].pa, PA + SZ_8K);
}

static void pt_unmap_whole_huge_leaf(struct kunit *test)
{
	struct pt_test *t = test->priv;
	struct unmap_log log = {};

	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, SZ_2M, PA, SZ_2M, RW,
					       true), 0);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_unmap(&t->pt, SZ_2M, SZ_2M,
						 log_unmapped, &log), 0);
	KUNIT_ASSERT_EQ(test, log.n, 1u);
	KUNIT_EXPECT_EQ(test, log.e[0].gpa, (u64)SZ_2M);
	KUNIT_EXPECT_EQ(test, log.e[0].pa, PA);
	KUNIT_EXPECT_EQ(test, log.e[0].size, (u64)SZ_2M);
	expect_unmapped(test, &t->pt, SZ_2M);
}

static void pt_unmap_splits_huge_leaf(struct kunit *test)
{
	struct pt_test *t = test->priv;
	struct unmap_log log = {};
	unsigned int flags = 0;
	phys_addr_t pa = 0;

	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, SZ_2M, PA, SZ_2M,
					       AXVM_PTE_R | AXVM_PTE_X, true),
			0);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_unmap(&t->pt, SZ_2M + SZ_1M,
						 SZ_4K, log_unmapped, &log),
			0);
	KUNIT_ASSERT_EQ(test, log.n, 1u);
	KUNIT_EXPECT_EQ(test, log.e[0].gpa, (u64)SZ_2M + SZ_1M);
	KUNIT_EXPECT_EQ(test, log.e[0].pa, PA + SZ_1M);
	KUNIT_EXPECT_EQ(test, log.e[0].size, (u64)SZ_4K);

	expect_unmapped(test, &t->pt, SZ_2M + SZ_1M);
	/* The rest keeps its translation and its flags. */
	KUNIT_EXPECT_EQ(test, axvm_pgtable_translate(&t->pt,
						     SZ_2M + SZ_1M - 1, &pa,
						     &flags), 0);
	KUNIT_EXPECT_EQ(test, pa, PA + SZ_1M - 1);
	KUNIT_EXPECT_EQ(test, flags,
			AXVM_PTE_R | AXVM_PTE_X | AXVM_PTE_USER);
	expect_maps(test, &t->pt, SZ_2M + SZ_1M + SZ_4K, PA + SZ_1M + SZ_4K);
	expect_maps(test, &t->pt, SZ_2M, PA);
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 4UL);
}

static void pt_unmap_split_enomem_changes_nothing(struct kunit *test)
{
	struct pt_test *t = test->priv;
	struct unmap_log log = {};

	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, 0, PA, SZ_4K, RW,
					       true), 0);
	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, SZ_2M, PA, SZ_2M, RW,
					       true), 0);
	axvm_fake_hal_fail_all_allocs(t->fh, true);
	/* From the first page into the middle of the huge leaf. */
	KUNIT_EXPECT_EQ(test, axvm_pgtable_unmap(&t->pt, 0, SZ_2M + SZ_4K,
						 log_unmapped, &log),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, log.n, 0u);
	expect_maps(test, &t->pt, 0, PA);
	expect_maps(test, &t->pt, SZ_2M, PA);
}

static void pt_unmap_frees_empty_tables(struct kunit *test)
{
	struct pt_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, SZ_1G, PA, SZ_4K, RW,
					       true), 0);
	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, 0, PA, SZ_4K, RW,
					       true), 0);
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 6UL);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_unmap(&t->pt, SZ_1G, SZ_4K, NULL,
						 NULL), 0);
	/* The level-2 table is shared with gpa 0 and stays. */
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 4UL);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_unmap(&t->pt, 0, SZ_4K, NULL,
						 NULL), 0);
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 1UL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 1UL);
}

static void pt_unmap_keeps_empty_tables(struct kunit *test)
{
	struct pt_test *t = test->priv;

	t->pt.keep_empty_tables = true;
	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, 0, PA, SZ_4K, RW,
					       true), 0);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_unmap(&t->pt, 0, SZ_4K, NULL,
						 NULL), 0);
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 4UL);
	expect_unmapped(test, &t->pt, 0);
	/* And they are reused. */
	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, 0, PA, SZ_4K, RW,
					       true), 0);
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 4UL);
}

static void pt_unmap_rejects_bad_range(struct kunit *test)
{
	struct pt_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, axvm_pgtable_unmap(&t->pt, 0x800, SZ_4K, NULL,
						 NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_unmap(&t->pt, 0, 0, NULL, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_unmap(&t->pt, ~0ULL - 0xfff, SZ_8K,
						 NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_unmap(&t->pt, 1ULL << 48, SZ_4K,
						 NULL, NULL), -EINVAL);
}

/*
 * Fail each allocation a map makes in turn: -ENOMEM, nothing mapped,
 * no frame leaked, and what was mapped before (sharing some of its
 * tables) is untouched. The range crosses a 512 GiB boundary: 4 KiB
 * leaves, a 2 MiB leaf in an existing table, one in new tables, 4 KiB
 * leaves again.
 */
static void pt_map_enomem_at_every_allocation(struct kunit *test)
{
	struct pt_test *t = test->priv;
	u64 gpa = (1ULL << 39) - SZ_2M - SZ_8K;
	u64 size = SZ_4M + SZ_16K;
	phys_addr_t pa = PA - SZ_8K;	/* 2 MiB aligned where gpa is */
	unsigned long frames, n;
	int ret = -ENOMEM;

	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, (1ULL << 39) - SZ_1G,
					       PA, SZ_4K, RW, true), 0);
	frames = axvm_fake_hal_frames_in_use(t->fh);

	for (n = 0; n < 64 && ret; n++) {
		axvm_fake_hal_fail_alloc_after(t->fh, n);
		ret = axvm_pgtable_map(&t->pt, gpa, pa, size, RW, true);
		if (ret) {
			KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
			KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh),
					frames);
			KUNIT_EXPECT_EQ(test, t->pt.nr_tables, frames);
			expect_unmapped(test, &t->pt, gpa);
			expect_unmapped(test, &t->pt, (1ULL << 39) - SZ_2M);
			expect_unmapped(test, &t->pt, gpa + size - SZ_4K);
			expect_maps(test, &t->pt, (1ULL << 39) - SZ_1G, PA);
		}
	}
	axvm_fake_hal_fail_alloc_after(t->fh, -1);
	KUNIT_EXPECT_EQ(test, ret, 0);
	/* Four new tables: the fifth try succeeds. */
	KUNIT_EXPECT_EQ(test, n, 5UL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_alloc_failures(t->fh), 4UL);
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, frames + 4);
	expect_maps(test, &t->pt, gpa, pa);
	expect_maps(test, &t->pt, 1ULL << 39, pa + SZ_2M + SZ_8K);
	expect_maps(test, &t->pt, gpa + size - 1, pa + size - 1);
}

static void pt_destroy_returns_every_frame(struct kunit *test)
{
	struct pt_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, 0, PA, SZ_8M, RW,
					       true), 0);
	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, 3ULL * SZ_1G + SZ_4K, PA,
					       SZ_4M, RW, true), 0);
	KUNIT_ASSERT_EQ(test, axvm_pgtable_map(&t->pt, 1ULL << 47, PA, SZ_4K,
					       RW, true), 0);
	KUNIT_ASSERT_EQ(test, axvm_pgtable_unmap(&t->pt, SZ_1M, SZ_4K, NULL,
						 NULL), 0);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh),
			t->pt.nr_tables);
	axvm_pgtable_destroy(&t->pt);
	KUNIT_EXPECT_EQ(test, t->pt.nr_tables, 0UL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 0UL);
	/* A second destroy (the suite's .exit) is harmless. */
	axvm_pgtable_destroy(&t->pt);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_bad_calls(t->fh), 0UL);
}

/* The walker is generic: a 3-level table covers 2^39 bytes. */
static void pt_three_levels(struct kunit *test)
{
	struct pt_test *t = test->priv;
	struct axvm_pte_ops ops = axvm_x86_pte_ops;
	struct axvm_pgtable pt;
	u64 last = (1ULL << 39) - SZ_4K;

	ops.levels = 3;
	KUNIT_ASSERT_EQ(test, axvm_pgtable_init(&pt, &t->fh->ops, &ops), 0);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_limit(&pt), 1ULL << 39);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_map(&pt, last, PA, SZ_4K, RW,
					       true), 0);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_map(&pt, SZ_2M, PA, SZ_2M, RW,
					       true), 0);
	KUNIT_EXPECT_EQ(test, axvm_pgtable_map(&pt, 1ULL << 39, PA, SZ_4K, RW,
					       true), -EINVAL);
	expect_maps(test, &pt, last, PA);
	expect_maps(test, &pt, SZ_2M + 5, PA + 5);
	KUNIT_EXPECT_EQ(test, pt.nr_tables, 4UL);
	axvm_pgtable_destroy(&pt);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(t->fh), 1UL);
}

#define X86_P	BIT_ULL(0)
#define X86_RW	BIT_ULL(1)
#define X86_US	BIT_ULL(2)
#define X86_PS	BIT_ULL(7)
#define X86_NX	BIT_ULL(63)

static void pt_x86_format(struct kunit *test)
{
	const struct axvm_pte_ops *ops = &axvm_x86_pte_ops;
	u64 pa = 0x000fedcba9876000ULL;	/* bits 12..51 */

	KUNIT_EXPECT_EQ(test, ops->levels, 4u);
	KUNIT_EXPECT_EQ(test, ops->make_table(pa), pa | X86_P | X86_RW |
			X86_US);
	/* NPT walks are user accesses: U on every leaf, whatever flags. */
	KUNIT_EXPECT_EQ(test, ops->make_leaf(pa, AXVM_PTE_R, false),
			pa | X86_P | X86_US | X86_NX);
	KUNIT_EXPECT_EQ(test, ops->make_leaf(pa, AXVM_PTE_R | AXVM_PTE_W |
					     AXVM_PTE_X, false),
			pa | X86_P | X86_RW | X86_US);
	KUNIT_EXPECT_EQ(test, ops->make_leaf(SZ_2M, AXVM_PTE_R, true),
			SZ_2M | X86_P | X86_US | X86_NX | X86_PS);
	/* Bits outside 12..51 never leak into an entry. */
	KUNIT_EXPECT_EQ(test, ops->make_leaf(~0ULL, 0, false) &
			~(X86_P | X86_US | X86_NX), GENMASK_ULL(51, 12));

	KUNIT_EXPECT_TRUE(test, ops->present(X86_P));
	KUNIT_EXPECT_FALSE(test, ops->present(X86_RW | X86_US | pa));
	KUNIT_EXPECT_TRUE(test, ops->is_huge(ops->make_leaf(0, 0, true)));
	KUNIT_EXPECT_FALSE(test, ops->is_huge(ops->make_leaf(0, 0, false)));
	KUNIT_EXPECT_EQ(test, ops->addr(ops->make_leaf(pa, 0, false) |
					BIT_ULL(5) | BIT_ULL(6)), pa);
	KUNIT_EXPECT_EQ(test, ops->flags(ops->make_leaf(pa, AXVM_PTE_R |
							AXVM_PTE_W, false)),
			AXVM_PTE_R | AXVM_PTE_W | AXVM_PTE_USER);
	KUNIT_EXPECT_EQ(test, ops->flags(ops->make_leaf(pa, AXVM_PTE_X,
							true)),
			AXVM_PTE_R | AXVM_PTE_X | AXVM_PTE_USER);
}

/*
 * SME hosts: every entry carries the C-bit (KVM's __sme_set), and the
 * frame an entry names comes back without it.
 */
static void pt_x86_sme_c_bit(struct kunit *test)
{
	const struct axvm_pte_ops *ops = &axvm_x86_pte_ops;
	u64 saved = axvm_npt_me_mask, c = BIT_ULL(47);	/* Zen's C-bit */
	u64 pa = 0x0000123456789000ULL;			/* below it */
	u64 table, leaf, huge;

	axvm_npt_me_mask = c;
	table = ops->make_table(pa);
	leaf = ops->make_leaf(pa, AXVM_PTE_R | AXVM_PTE_W, false);
	huge = ops->make_leaf(SZ_2M, AXVM_PTE_R, true);
	axvm_npt_me_mask = saved;

	KUNIT_EXPECT_EQ(test, table, pa | c | X86_P | X86_RW | X86_US);
	KUNIT_EXPECT_EQ(test, leaf, pa | c | X86_P | X86_RW | X86_US | X86_NX);
	KUNIT_EXPECT_EQ(test, huge, SZ_2M | c | X86_P | X86_US | X86_NX |
			X86_PS);
	axvm_npt_me_mask = c;
	KUNIT_EXPECT_EQ(test, ops->addr(table), pa);
	KUNIT_EXPECT_EQ(test, ops->addr(leaf), pa);
	KUNIT_EXPECT_EQ(test, ops->addr(huge), (u64)SZ_2M);
	axvm_npt_me_mask = saved;
	/* Otherwise the host's own mask (0 without SME) is what is added. */
	KUNIT_EXPECT_EQ(test, ops->make_table(pa), pa | saved | X86_P |
			X86_RW | X86_US);
}

static struct kunit_case pt_cases[] = {
	KUNIT_CASE(pt_init_allocates_root),
	KUNIT_CASE(pt_x86_sme_c_bit),
	KUNIT_CASE(pt_init_rejects_bad_ops),
	KUNIT_CASE(pt_init_enomem),
	KUNIT_CASE(pt_map_first_page),
	KUNIT_CASE(pt_map_last_page_below_limit),
	KUNIT_CASE(pt_map_huge_when_aligned),
	KUNIT_CASE(pt_map_no_huge_when_misaligned),
	KUNIT_CASE(pt_map_no_huge_when_not_allowed),
	KUNIT_CASE(pt_map_across_2m_boundaries),
	KUNIT_CASE(pt_map_overlap_changes_nothing),
	KUNIT_CASE_PARAM(pt_map_rejects_bad_args, pt_bad_map_gen_params),
	KUNIT_CASE(pt_translate_unmapped),
	KUNIT_CASE(pt_unmap_hole_is_skipped),
	KUNIT_CASE(pt_unmap_whole_huge_leaf),
	KUNIT_CASE(pt_unmap_splits_huge_leaf),
	KUNIT_CASE(pt_unmap_split_enomem_changes_nothing),
	KUNIT_CASE(pt_unmap_frees_empty_tables),
	KUNIT_CASE(pt_unmap_keeps_empty_tables),
	KUNIT_CASE(pt_unmap_rejects_bad_range),
	KUNIT_CASE(pt_map_enomem_at_every_allocation),
	KUNIT_CASE(pt_destroy_returns_every_frame),
	KUNIT_CASE(pt_three_levels),
	KUNIT_CASE(pt_x86_format),
	{}
};

static struct kunit_suite axvm_pgtable_suite = {
	.name = "axvm_pgtable",
	.init = pt_test_init,
	.exit = pt_test_exit,
	.test_cases = pt_cases,
};
kunit_test_suite(axvm_pgtable_suite);
