// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_dev: the device set (validation, overlap, lookup, dispatch,
 * limit, reset, destroy) and the debug-exit device.
 * axvm_console: the console ring and the console fd.
 * Devices talk to a recording struct axvm_device_host.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/workqueue.h>
#include <uapi/linux/axvm.h>
#include "device.h"
#include "console.h"

/* ---- a recording host ---------------------------------------------------- */

struct dev_rec {
	struct axvm_device_host host;
	struct axvm_devset set;
	unsigned int nr_irqs;
	u32 last_irq;
	unsigned int nr_down;
	s64 last_code;
	size_t out_len;
	u8 out[64];
};

static void rec_raise_irq(void *ctx, u32 irq)
{
	struct dev_rec *r = ctx;

	r->nr_irqs++;
	r->last_irq = irq;
}

static void rec_console_out(void *ctx, const u8 *buf, size_t len)
{
	struct dev_rec *r = ctx;

	while (len-- && r->out_len < sizeof(r->out))
		r->out[r->out_len++] = *buf++;
}

static void rec_system_down(void *ctx, s64 code)
{
	struct dev_rec *r = ctx;

	r->nr_down++;
	r->last_code = code;
}

static int dev_test_init(struct kunit *test)
{
	struct dev_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	test->priv = r;
	if (!r)
		return -ENOMEM;
	r->host.raise_irq = rec_raise_irq;
	r->host.console_out = rec_console_out;
	r->host.system_down = rec_system_down;
	r->host.ctx = r;
	axvm_devset_init(&r->set, &r->host);
	return 0;
}

static void dev_test_exit(struct kunit *test)
{
	struct dev_rec *r = test->priv;

	if (r)		/* exit runs even when init failed */
		axvm_devset_destroy(&r->set);
}

static struct axvm_device dev_req(u32 type, u32 space, u64 base, u64 length)
{
	struct axvm_device req = {
		.type = type,
		.space = space,
		.base = base,
		.length = length,
		.irq = AXVM_IRQ_NONE,
	};

	return req;
}

static int dev_add(struct kunit *test, u32 type, u32 space, u64 base,
		   u64 length)
{
	struct dev_rec *r = test->priv;
	struct axvm_device req = dev_req(type, space, base, length);

	return axvm_devset_add(&r->set, &req);
}

/* ---- device types --------------------------------------------------------- */

static void dev_type_table(struct kunit *test)
{
	const struct axvm_device_type *t;

	t = axvm_device_type_find(AXVM_DEV_UART16550);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_PTR_EQ(test, t, axvm_device_type_by_name("uart16550"));
	KUNIT_EXPECT_EQ(test, t->cap, (u32)AXVM_CAP_DEV_UART16550);
	t = axvm_device_type_find(AXVM_DEV_DEBUG_EXIT);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_PTR_EQ(test, t, axvm_device_type_by_name("debug-exit"));
	KUNIT_EXPECT_EQ(test, t->cap, (u32)AXVM_CAP_DEV_DEBUG_EXIT);
	KUNIT_EXPECT_NULL(test, axvm_device_type_find(0));
	KUNIT_EXPECT_NULL(test, axvm_device_type_by_name("uart"));
	KUNIT_EXPECT_NULL(test, axvm_device_type_by_name(""));
}

/*
 * Each line of include/axvm/device_types.h (what axvmctl builds its
 * name tables from) agrees with the kernel's type, and a device of the
 * space and length the line gives is accepted.
 */
struct dev_uapi_line {
	u32 type, cap, space;
	const char *name;
	u64 length;
};

static const struct dev_uapi_line dev_uapi_lines[] = {
#define AXVM_DEVICE_TYPE(id, ident, n, sp, len) \
	{ AXVM_DEV_##id, AXVM_CAP_DEV_##id, sp, n, len },
#include <axvm/device_types.h>
#undef AXVM_DEVICE_TYPE
};

static void dev_type_uapi_list(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dev_uapi_lines); i++) {
		const struct dev_uapi_line *l = &dev_uapi_lines[i];
		const struct axvm_device_type *t = axvm_device_type_find(l->type);

		KUNIT_ASSERT_NOT_NULL_MSG(test, t, "%s", l->name);
		KUNIT_EXPECT_STREQ(test, t->name, l->name);
		KUNIT_EXPECT_EQ_MSG(test, t->cap, l->cap, "%s", l->name);
		KUNIT_EXPECT_EQ_MSG(test, dev_add(test, l->type, l->space,
						  0x1000 * (i + 1), l->length),
				    0, "%s", l->name);
	}
}

static void dev_type_caps(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, axvm_device_has_cap(AXVM_CAP_DEV_UART16550));
	KUNIT_EXPECT_TRUE(test, axvm_device_has_cap(AXVM_CAP_DEV_DEBUG_EXIT));
	KUNIT_EXPECT_FALSE(test, axvm_device_has_cap(AXVM_CAP_VMM_MODE));
	KUNIT_EXPECT_FALSE(test, axvm_device_has_cap(0));
	KUNIT_EXPECT_FALSE(test, axvm_device_has_cap(~0UL));
}

static void dev_type_ops_complete(struct kunit *test)
{
	static const u32 types[] = { AXVM_DEV_UART16550, AXVM_DEV_DEBUG_EXIT };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		const struct axvm_device_type *t =
			axvm_device_type_find(types[i]);

		KUNIT_ASSERT_NOT_NULL(test, t);
		KUNIT_EXPECT_EQ(test, t->type, types[i]);
		KUNIT_EXPECT_NOT_NULL(test, t->name);
		KUNIT_EXPECT_NOT_NULL(test, t->create);
		KUNIT_EXPECT_NOT_NULL(test, t->reset);
		KUNIT_EXPECT_NOT_NULL(test, t->read);
		KUNIT_EXPECT_NOT_NULL(test, t->write);
	}
}

/* ---- validation of struct axvm_device ------------------------------------ */

struct dev_valid_case {
	const char *desc;
	struct axvm_device req;
	int expect;
};

#define UART_AT(b)	{ .type = AXVM_DEV_UART16550, .space = AXVM_SPACE_PIO, \
			  .base = (b), .length = 8, .irq = AXVM_IRQ_NONE }

static const struct dev_valid_case dev_valid_cases[] = {
	{ "good uart", UART_AT(0x3f8), 0 },
	{ "flags", { .type = AXVM_DEV_UART16550, .base = 0x3f8, .length = 8,
		     .irq = AXVM_IRQ_NONE, .flags = 1 }, -EINVAL },
	{ "high flag", { .type = AXVM_DEV_UART16550, .base = 0x3f8,
			 .length = 8, .irq = AXVM_IRQ_NONE,
			 .flags = 0x80000000 }, -EINVAL },
	{ "reserved[0]", { .type = AXVM_DEV_UART16550, .base = 0x3f8,
			   .length = 8, .irq = AXVM_IRQ_NONE,
			   .reserved = { 1, 0 } }, -EINVAL },
	{ "reserved[1]", { .type = AXVM_DEV_UART16550, .base = 0x3f8,
			   .length = 8, .irq = AXVM_IRQ_NONE,
			   .reserved = { 0, 1 } }, -EINVAL },
	{ "space 2", { .type = AXVM_DEV_UART16550, .space = 2, .base = 0x3f8,
		       .length = 8, .irq = AXVM_IRQ_NONE }, -EINVAL },
	{ "space ~0", { .type = AXVM_DEV_UART16550, .space = ~0u,
			.base = 0x3f8, .length = 8, .irq = AXVM_IRQ_NONE },
	  -EINVAL },
	{ "length 0", { .type = AXVM_DEV_DEBUG_EXIT, .base = 0xf4,
			.irq = AXVM_IRQ_NONE }, -EINVAL },
	{ "mmio wraps", { .type = AXVM_DEV_DEBUG_EXIT,
			  .space = AXVM_SPACE_MMIO, .base = ~0ULL,
			  .length = 2, .irq = AXVM_IRQ_NONE }, -EINVAL },
	{ "mmio huge length", { .type = AXVM_DEV_DEBUG_EXIT,
				.space = AXVM_SPACE_MMIO, .base = 0x1000,
				.length = ~0ULL, .irq = AXVM_IRQ_NONE },
	  -EINVAL },
	{ "mmio last byte", { .type = AXVM_DEV_DEBUG_EXIT,
			      .space = AXVM_SPACE_MMIO, .base = ~0ULL,
			      .length = 1, .irq = AXVM_IRQ_NONE }, 0 },
	{ "pio ends at 0xffff", { .type = AXVM_DEV_DEBUG_EXIT, .base = 0xfffc,
				  .length = 4, .irq = AXVM_IRQ_NONE }, 0 },
	{ "pio past 0xffff", { .type = AXVM_DEV_DEBUG_EXIT, .base = 0xfffd,
			       .length = 4, .irq = AXVM_IRQ_NONE }, -EINVAL },
	{ "pio base 0x10000", { .type = AXVM_DEV_DEBUG_EXIT, .base = 0x10000,
				.length = 1, .irq = AXVM_IRQ_NONE }, -EINVAL },
	{ "irq 4", { .type = AXVM_DEV_UART16550, .base = 0x3f8, .length = 8,
		     .irq = 4 }, 0 },
	{ "irq 223", { .type = AXVM_DEV_UART16550, .base = 0x3f8, .length = 8,
		       .irq = 223 }, 0 },
	{ "irq 224", { .type = AXVM_DEV_UART16550, .base = 0x3f8, .length = 8,
		       .irq = 224 }, -EINVAL },
	{ "irq 0xfffffffe", { .type = AXVM_DEV_UART16550, .base = 0x3f8,
			      .length = 8, .irq = 0xfffffffe }, -EINVAL },
	{ "name of 15", { .type = AXVM_DEV_UART16550, .base = 0x3f8,
			  .length = 8, .irq = AXVM_IRQ_NONE,
			  .name = "com1-0123456789" }, 0 },
	{ "name unterminated", { .type = AXVM_DEV_UART16550, .base = 0x3f8,
				 .length = 8, .irq = AXVM_IRQ_NONE,
				 .name = { 'a', 'a', 'a', 'a', 'a', 'a', 'a',
					   'a', 'a', 'a', 'a', 'a', 'a', 'a',
					   'a', 'a' } }, -EINVAL },
	{ "type 0", { .type = 0, .base = 0x3f8, .length = 8,
		      .irq = AXVM_IRQ_NONE }, -ENODEV },
	{ "type ~0", { .type = ~0u, .base = 0x3f8, .length = 8,
		       .irq = AXVM_IRQ_NONE }, -ENODEV },
	{ "uart length 4", { .type = AXVM_DEV_UART16550, .base = 0x3f8,
			     .length = 4, .irq = AXVM_IRQ_NONE }, -EINVAL },
	{ "uart length 16", { .type = AXVM_DEV_UART16550, .base = 0x3f8,
			      .length = 16, .irq = AXVM_IRQ_NONE }, -EINVAL },
	{ "uart in mmio", { .type = AXVM_DEV_UART16550,
			    .space = AXVM_SPACE_MMIO, .base = 0xfe000000,
			    .length = 8, .irq = AXVM_IRQ_NONE }, 0 },
	{ "debug-exit length 1", { .type = AXVM_DEV_DEBUG_EXIT, .base = 0xf4,
				   .length = 1, .irq = AXVM_IRQ_NONE }, 0 },
	{ "debug-exit length 4", { .type = AXVM_DEV_DEBUG_EXIT, .base = 0xf4,
				   .length = 4, .irq = AXVM_IRQ_NONE }, 0 },
	{ "debug-exit length 5", { .type = AXVM_DEV_DEBUG_EXIT, .base = 0xf4,
				   .length = 5, .irq = AXVM_IRQ_NONE },
	  -EINVAL },
};

static void dev_valid_desc(const struct dev_valid_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dev_valid, dev_valid_cases, dev_valid_desc);

static void dev_validation(struct kunit *test)
{
	const struct dev_valid_case *c = test->param_value;
	struct dev_rec *r = test->priv;

	KUNIT_EXPECT_EQ(test, axvm_devset_add(&r->set, &c->req), c->expect);
	/* Nothing is left behind by a refusal. */
	KUNIT_EXPECT_EQ(test, r->set.nr, c->expect ? 0u : 1u);
	KUNIT_EXPECT_EQ(test, !!axvm_devset_find(&r->set, c->req.space & 1,
						 c->req.base, 1),
			!c->expect);
}

static void dev_unknown_type(struct kunit *test)
{
	struct dev_rec *r = test->priv;

	KUNIT_EXPECT_EQ(test, dev_add(test, 0x1234, AXVM_SPACE_PIO, 0x100, 1),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, r->set.nr, 0u);
}

static void dev_default_name(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	struct axvm_device req = dev_req(AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO,
					 0xf4, 1);
	struct axvm_device_inst *dev;

	KUNIT_ASSERT_EQ(test, axvm_devset_add(&r->set, &req), 0);
	strscpy(req.name, "com1", sizeof(req.name));
	req.type = AXVM_DEV_UART16550;
	req.base = 0x3f8;
	req.length = 8;
	KUNIT_ASSERT_EQ(test, axvm_devset_add(&r->set, &req), 0);

	dev = axvm_devset_find(&r->set, AXVM_SPACE_PIO, 0xf4, 1);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_EXPECT_STREQ(test, dev->name, "debug-exit");
	dev = axvm_devset_find(&r->set, AXVM_SPACE_PIO, 0x3f8, 1);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_EXPECT_STREQ(test, dev->name, "com1");
}

/* ---- overlap -------------------------------------------------------------- */

/*
 * With a UART at [0x100, 0x108) and a debug-exit at [0x110, 0x114), may
 * [base, base + length) be added?
 */
struct dev_overlap_case {
	const char *desc;
	u32 type;
	u64 base, length;
	int expect;
};

static const struct dev_overlap_case dev_overlap_cases[] = {
	{ "same range", AXVM_DEV_UART16550, 0x100, 8, -EEXIST },
	{ "over the start", AXVM_DEV_DEBUG_EXIT, 0xfe, 4, -EEXIST },
	{ "first byte", AXVM_DEV_DEBUG_EXIT, 0x100, 1, -EEXIST },
	{ "inside", AXVM_DEV_DEBUG_EXIT, 0x102, 2, -EEXIST },
	{ "last byte", AXVM_DEV_DEBUG_EXIT, 0x107, 1, -EEXIST },
	{ "over the end", AXVM_DEV_DEBUG_EXIT, 0x106, 4, -EEXIST },
	{ "covers both", AXVM_DEV_UART16550, 0xf0, 0x100, -EEXIST },
	{ "into the second", AXVM_DEV_UART16550, 0x10c, 8, -EEXIST },
	{ "adjacent below", AXVM_DEV_UART16550, 0xf8, 8, 0 },
	{ "byte below", AXVM_DEV_DEBUG_EXIT, 0xff, 1, 0 },
	{ "adjacent above", AXVM_DEV_DEBUG_EXIT, 0x108, 4, 0 },
	{ "exactly between", AXVM_DEV_UART16550, 0x108, 8, 0 },
	{ "after the second", AXVM_DEV_DEBUG_EXIT, 0x114, 1, 0 },
	{ "far away", AXVM_DEV_UART16550, 0x3f8, 8, 0 },
};

static void dev_overlap_desc(const struct dev_overlap_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dev_overlap, dev_overlap_cases, dev_overlap_desc);

static void dev_overlap(struct kunit *test)
{
	const struct dev_overlap_case *c = test->param_value;
	struct dev_rec *r = test->priv;

	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_UART16550, AXVM_SPACE_PIO,
				      0x100, 8), 0);
	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_DEBUG_EXIT,
				      AXVM_SPACE_PIO, 0x110, 4), 0);
	KUNIT_EXPECT_EQ(test, dev_add(test, c->type, AXVM_SPACE_PIO, c->base,
				      c->length), c->expect);
	KUNIT_EXPECT_EQ(test, r->set.nr, c->expect ? 2u : 3u);
}

static void dev_spaces_independent(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	struct axvm_device_inst *pio, *mmio;

	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_UART16550, AXVM_SPACE_PIO,
				      0x3f8, 8), 0);
	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_DEBUG_EXIT,
				      AXVM_SPACE_MMIO, 0x3f8, 4), 0);
	pio = axvm_devset_find(&r->set, AXVM_SPACE_PIO, 0x3f8, 1);
	mmio = axvm_devset_find(&r->set, AXVM_SPACE_MMIO, 0x3f8, 1);
	KUNIT_ASSERT_NOT_NULL(test, pio);
	KUNIT_ASSERT_NOT_NULL(test, mmio);
	KUNIT_EXPECT_PTR_EQ(test, pio->type, &axvm_uart16550_type);
	KUNIT_EXPECT_PTR_EQ(test, mmio->type, &axvm_debug_exit_type);
	/* The UART's bytes 4..7 exist only in port space. */
	KUNIT_EXPECT_NOT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_PIO,
						     0x3fc, 1));
	KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_MMIO,
						 0x3fc, 1));
	KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set, 2, 0x3f8, 1));
}

/* ---- lookup and dispatch --------------------------------------------------- */

static void dev_find_first_last_byte(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	struct axvm_device_inst *dev;

	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_UART16550, AXVM_SPACE_PIO,
				      0x3f8, 8), 0);
	dev = axvm_devset_find(&r->set, AXVM_SPACE_PIO, 0x3f8, 1);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_EXPECT_EQ(test, dev->base, 0x3f8ULL);
	KUNIT_EXPECT_PTR_EQ(test, axvm_devset_find(&r->set, AXVM_SPACE_PIO,
						   0x3ff, 1), dev);
	KUNIT_EXPECT_PTR_EQ(test, axvm_devset_find(&r->set, AXVM_SPACE_PIO,
						   0x3f8, 8), dev);
	KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_PIO,
						 0x3f7, 1));
	KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_PIO,
						 0x400, 1));
}

static void dev_find_many(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	struct axvm_device_inst *dev;
	unsigned int i;

	/* Every other port from 0x200: a tree of some depth. */
	for (i = 0; i < 32; i++)
		KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_DEBUG_EXIT,
					      AXVM_SPACE_PIO, 0x200 + 2 * i,
					      1), 0);
	for (i = 0; i < 32; i++) {
		dev = axvm_devset_find(&r->set, AXVM_SPACE_PIO, 0x200 + 2 * i,
				       1);
		KUNIT_ASSERT_NOT_NULL(test, dev);
		KUNIT_EXPECT_EQ(test, dev->base, 0x200ULL + 2 * i);
		KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set,
				  AXVM_SPACE_PIO, 0x201 + 2 * i, 1));
	}
}

static void dev_access_crossing_end(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	u64 val = 0;

	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_UART16550, AXVM_SPACE_PIO,
				      0x3f8, 8), 0);
	KUNIT_EXPECT_NOT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_PIO,
						     0x3fe, 2));
	KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_PIO,
						 0x3ff, 2));
	KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_PIO,
						 0x3fd, 4));
	KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_PIO,
						 0x3f6, 4));
	KUNIT_EXPECT_FALSE(test, axvm_devset_read(&r->set, AXVM_SPACE_PIO,
						  0x3fd, 4, &val));
	KUNIT_EXPECT_EQ(test, val, 0xffffffffULL);
	KUNIT_EXPECT_FALSE(test, axvm_devset_write(&r->set, AXVM_SPACE_PIO,
						   0x3ff, 2, 0));
}

static void dev_access_bad_width(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	static const u8 widths[] = { 0, 3, 5, 16, 255 };
	unsigned int i;

	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_UART16550,
				      AXVM_SPACE_MMIO, 0x1000, 8), 0);
	for (i = 0; i < ARRAY_SIZE(widths); i++)
		KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set,
				  AXVM_SPACE_MMIO, 0x1000, widths[i]));
}

static void dev_access_top_of_space(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	u64 val;

	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_DEBUG_EXIT,
				      AXVM_SPACE_MMIO, ~0ULL, 1), 0);
	KUNIT_EXPECT_NOT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_MMIO,
						     ~0ULL, 1));
	/* addr + width wraps: never claimed. */
	KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_MMIO,
						 ~0ULL, 2));
	KUNIT_EXPECT_FALSE(test, axvm_devset_read(&r->set, AXVM_SPACE_MMIO,
						  ~0ULL - 1, 8, &val));
	KUNIT_EXPECT_EQ(test, val, ~0ULL);
}

static void dev_miss(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	u64 val = 0;

	KUNIT_EXPECT_FALSE(test, axvm_devset_read(&r->set, AXVM_SPACE_PIO,
						  0x80, 1, &val));
	KUNIT_EXPECT_EQ(test, val, 0xffULL);
	KUNIT_EXPECT_FALSE(test, axvm_devset_read(&r->set, AXVM_SPACE_MMIO,
						  0xfee00000, 4, &val));
	KUNIT_EXPECT_EQ(test, val, 0xffffffffULL);
	KUNIT_EXPECT_FALSE(test, axvm_devset_read(&r->set, AXVM_SPACE_MMIO,
						  0, 8, &val));
	KUNIT_EXPECT_EQ(test, val, ~0ULL);
	KUNIT_EXPECT_FALSE(test, axvm_devset_write(&r->set, AXVM_SPACE_PIO,
						   0xf4, 1, 0));
	KUNIT_EXPECT_EQ(test, r->nr_down, 0u);
	KUNIT_EXPECT_FALSE(test, axvm_devset_read(&r->set, 7, 0x80, 1, &val));
}

/* Console input goes to the first device whose type takes it. */
static void dev_console_input_first_taker(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	u64 val = 0;

	KUNIT_EXPECT_EQ(test, axvm_devset_console_input(&r->set,
							(const u8 *)"x", 1),
			-ENXIO);
	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_DEBUG_EXIT,
				      AXVM_SPACE_PIO, 0xf4, 1), 0);
	KUNIT_EXPECT_EQ(test, axvm_devset_console_input(&r->set,
							(const u8 *)"x", 1),
			-ENXIO);
	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_UART16550,
				      AXVM_SPACE_MMIO, 0x1000, 8), 0);
	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_UART16550, AXVM_SPACE_PIO,
				      0x3f8, 8), 0);
	KUNIT_EXPECT_EQ(test, axvm_devset_console_input(&r->set,
							(const u8 *)"x", 1), 1);
	/* Port space first: COM1 at 0x3f8 has it, the MMIO UART not. */
	KUNIT_EXPECT_TRUE(test, axvm_devset_read(&r->set, AXVM_SPACE_PIO,
						 0x3f8, 1, &val));
	KUNIT_EXPECT_EQ(test, val, (u64)'x');
	KUNIT_EXPECT_TRUE(test, axvm_devset_read(&r->set, AXVM_SPACE_MMIO,
						 0x1005, 1, &val));
	KUNIT_EXPECT_EQ(test, val & 1, 0ULL);	/* LSR.DR clear */
}

/* What dev_for_each saw, and where it stops. */
struct each_rec {
	u64 base[4];
	unsigned int nr, stop_at;
};

static int each_fn(void *ctx, const struct axvm_device_inst *dev)
{
	struct each_rec *e = ctx;

	if (e->nr < ARRAY_SIZE(e->base))
		e->base[e->nr] = dev->base;
	return ++e->nr == e->stop_at ? -EEXIST : 0;
}

/* Every device once: port space first, by address in each space. */
static void dev_iterate_in_order(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	struct each_rec e = {};

	KUNIT_EXPECT_EQ(test, axvm_devset_for_each(&r->set, each_fn, &e), 0);
	KUNIT_EXPECT_EQ(test, e.nr, 0u);
	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_UART16550,
				      AXVM_SPACE_MMIO, 0x1000, 8), 0);
	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_UART16550, AXVM_SPACE_PIO,
				      0x3f8, 8), 0);
	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_DEBUG_EXIT,
				      AXVM_SPACE_PIO, 0xf4, 1), 0);
	KUNIT_EXPECT_EQ(test, axvm_devset_for_each(&r->set, each_fn, &e), 0);
	KUNIT_ASSERT_EQ(test, e.nr, 3u);
	KUNIT_EXPECT_EQ(test, e.base[0], 0xf4ULL);
	KUNIT_EXPECT_EQ(test, e.base[1], 0x3f8ULL);
	KUNIT_EXPECT_EQ(test, e.base[2], 0x1000ULL);
	/* A nonzero result stops the walk and is returned. */
	memset(&e, 0, sizeof(e));
	e.stop_at = 2;
	KUNIT_EXPECT_EQ(test, axvm_devset_for_each(&r->set, each_fn, &e),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, e.nr, 2u);
}

/* ---- limit, reset, destroy -------------------------------------------------- */

static void dev_limit(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	unsigned int i;

	for (i = 0; i < AXVM_MAX_DEVICES; i++)
		KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_DEBUG_EXIT,
					      i & 1, 0x1000 + i, 1), 0);
	KUNIT_EXPECT_EQ(test, r->set.nr, (unsigned int)AXVM_MAX_DEVICES);
	KUNIT_EXPECT_EQ(test, dev_add(test, AXVM_DEV_DEBUG_EXIT,
				      AXVM_SPACE_PIO, 0x2000, 1), -ENOSPC);
	KUNIT_EXPECT_EQ(test, dev_add(test, AXVM_DEV_DEBUG_EXIT,
				      AXVM_SPACE_MMIO, 0x2000, 1), -ENOSPC);
	KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_PIO,
						 0x2000, 1));
}

static void dev_reset(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	u64 val = 0;

	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_UART16550, AXVM_SPACE_PIO,
				      0x3f8, 8), 0);
	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_UART16550,
				      AXVM_SPACE_MMIO, 0x1000, 8), 0);
	KUNIT_EXPECT_TRUE(test, axvm_devset_write(&r->set, AXVM_SPACE_PIO,
						  0x3ff, 1, 0x5a));
	KUNIT_EXPECT_TRUE(test, axvm_devset_write(&r->set, AXVM_SPACE_MMIO,
						  0x1007, 1, 0xa5));
	axvm_devset_reset(&r->set);
	KUNIT_EXPECT_TRUE(test, axvm_devset_read(&r->set, AXVM_SPACE_PIO,
						 0x3ff, 1, &val));
	KUNIT_EXPECT_EQ(test, val, 0ULL);
	KUNIT_EXPECT_TRUE(test, axvm_devset_read(&r->set, AXVM_SPACE_MMIO,
						 0x1007, 1, &val));
	KUNIT_EXPECT_EQ(test, val, 0ULL);
	/* The devices are still there. */
	KUNIT_EXPECT_EQ(test, r->set.nr, 2u);
}

static void dev_destroy(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	unsigned int i;

	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_UART16550, i & 1,
					      0x100 + 8 * i, 8), 0);
	axvm_devset_destroy(&r->set);
	KUNIT_EXPECT_EQ(test, r->set.nr, 0u);
	KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_PIO,
						 0x100, 1));
	KUNIT_EXPECT_NULL(test, axvm_devset_find(&r->set, AXVM_SPACE_MMIO,
						 0x108, 1));
	/* Empty and usable again; destroying twice is harmless. */
	KUNIT_EXPECT_EQ(test, dev_add(test, AXVM_DEV_UART16550, AXVM_SPACE_PIO,
				      0x100, 8), 0);
	axvm_devset_destroy(&r->set);
	axvm_devset_destroy(&r->set);
	KUNIT_EXPECT_EQ(test, r->set.nr, 0u);
}

/* ---- debug-exit ---------------------------------------------------------------- */

struct dev_exit_case {
	const char *desc;
	u8 width;
	u64 base, addr;
	u64 value;
	s64 code;
};

static const struct dev_exit_case dev_exit_cases[] = {
	{ "width 1", 1, 0xf4, 0xf4, 0x11, 0x11 },
	{ "width 1 masks", 1, 0xf4, 0xf4, 0x1ff, 0xff },
	{ "width 2", 2, 0xf4, 0xf4, 0x1234, 0x1234 },
	{ "width 4", 4, 0xf4, 0xf4, 0xdeadbeef, 0xdeadbeef },
	{ "width 4 all ones", 4, 0xf4, 0xf4, 0xffffffff, 0xffffffff },
	{ "width 1 zero", 1, 0xf4, 0xf4, 0, 0 },
	{ "byte 3 of 4", 1, 0xf4, 0xf7, 0x42, 0x42 },
};

static void dev_exit_desc(const struct dev_exit_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dev_exit, dev_exit_cases, dev_exit_desc);

static void dev_debug_exit_write(struct kunit *test)
{
	const struct dev_exit_case *c = test->param_value;
	struct dev_rec *r = test->priv;

	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_DEBUG_EXIT,
				      AXVM_SPACE_PIO, c->base, 4), 0);
	KUNIT_EXPECT_TRUE(test, axvm_devset_write(&r->set, AXVM_SPACE_PIO,
						  c->addr, c->width, c->value));
	KUNIT_EXPECT_EQ(test, r->nr_down, 1u);
	KUNIT_EXPECT_EQ(test, r->last_code, c->code);
}

static void dev_debug_exit_read(struct kunit *test)
{
	struct dev_rec *r = test->priv;
	u64 val = 1;

	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_DEBUG_EXIT,
				      AXVM_SPACE_PIO, 0xf4, 4), 0);
	KUNIT_EXPECT_TRUE(test, axvm_devset_read(&r->set, AXVM_SPACE_PIO,
						 0xf4, 4, &val));
	KUNIT_EXPECT_EQ(test, val, 0ULL);
	KUNIT_EXPECT_TRUE(test, axvm_devset_read(&r->set, AXVM_SPACE_PIO,
						 0xf5, 1, &val));
	KUNIT_EXPECT_EQ(test, val, 0ULL);
	KUNIT_EXPECT_EQ(test, r->nr_down, 0u);
}

static void dev_debug_exit_one_byte(struct kunit *test)
{
	struct dev_rec *r = test->priv;

	KUNIT_ASSERT_EQ(test, dev_add(test, AXVM_DEV_DEBUG_EXIT,
				      AXVM_SPACE_PIO, 0xf4, 1), 0);
	/* A 2- or 4-byte write does not fit a 1-byte device: a miss. */
	KUNIT_EXPECT_FALSE(test, axvm_devset_write(&r->set, AXVM_SPACE_PIO,
						   0xf4, 2, 1));
	KUNIT_EXPECT_FALSE(test, axvm_devset_write(&r->set, AXVM_SPACE_PIO,
						   0xf4, 4, 1));
	KUNIT_EXPECT_EQ(test, r->nr_down, 0u);
	KUNIT_EXPECT_TRUE(test, axvm_devset_write(&r->set, AXVM_SPACE_PIO,
						  0xf4, 1, 3));
	KUNIT_EXPECT_EQ(test, r->nr_down, 1u);
	KUNIT_EXPECT_EQ(test, r->last_code, 3LL);
}

static void dev_debug_exit_no_host(struct kunit *test)
{
	struct axvm_devset *set = kunit_kzalloc(test, sizeof(*set), GFP_KERNEL);
	struct axvm_device req = dev_req(AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO,
					 0xf4, 1);

	KUNIT_ASSERT_NOT_NULL(test, set);
	axvm_devset_init(set, NULL);
	KUNIT_ASSERT_EQ(test, axvm_devset_add(set, &req), 0);
	/* Without a host nothing is called, and nothing breaks. */
	KUNIT_EXPECT_TRUE(test, axvm_devset_write(set, AXVM_SPACE_PIO, 0xf4, 1,
						  1));
	axvm_devset_destroy(set);
}

static struct kunit_case dev_cases[] = {
	KUNIT_CASE(dev_type_table),
	KUNIT_CASE(dev_type_uapi_list),
	KUNIT_CASE(dev_type_caps),
	KUNIT_CASE(dev_type_ops_complete),
	KUNIT_CASE_PARAM(dev_validation, dev_valid_gen_params),
	KUNIT_CASE(dev_unknown_type),
	KUNIT_CASE(dev_default_name),
	KUNIT_CASE_PARAM(dev_overlap, dev_overlap_gen_params),
	KUNIT_CASE(dev_spaces_independent),
	KUNIT_CASE(dev_find_first_last_byte),
	KUNIT_CASE(dev_find_many),
	KUNIT_CASE(dev_access_crossing_end),
	KUNIT_CASE(dev_access_bad_width),
	KUNIT_CASE(dev_access_top_of_space),
	KUNIT_CASE(dev_miss),
	KUNIT_CASE(dev_console_input_first_taker),
	KUNIT_CASE(dev_iterate_in_order),
	KUNIT_CASE(dev_limit),
	KUNIT_CASE(dev_reset),
	KUNIT_CASE(dev_destroy),
	KUNIT_CASE_PARAM(dev_debug_exit_write, dev_exit_gen_params),
	KUNIT_CASE(dev_debug_exit_read),
	KUNIT_CASE(dev_debug_exit_one_byte),
	KUNIT_CASE(dev_debug_exit_no_host),
	{}
};

static struct kunit_suite axvm_dev_suite = {
	.name = "axvm_dev",
	.init = dev_test_init,
	.exit = dev_test_exit,
	.test_cases = dev_cases,
};

kunit_test_suite(axvm_dev_suite);

/* ==== axvm_console =========================================================== */

struct con_rec {
	struct axvm_console *con;
	int refs;			/* get - put */
	int gets;
	size_t in_room;			/* what input accepts per call */
	int in_err;			/* returned by input when nonzero */
	size_t in_len;
	u8 in[64];
	struct delayed_work late_out;
};

static int con_input(void *ctx, const u8 *buf, size_t len)
{
	struct con_rec *r = ctx;
	size_t n = min(len, r->in_room);

	if (r->in_err)
		return r->in_err;
	n = min(n, sizeof(r->in) - r->in_len);
	memcpy(r->in + r->in_len, buf, n);
	r->in_len += n;
	r->in_room -= n;
	return n;
}

static void con_get(void *ctx)
{
	struct con_rec *r = ctx;

	r->refs++;
	r->gets++;
}

static void con_put(void *ctx)
{
	struct con_rec *r = ctx;

	r->refs--;
}

static const struct axvm_console_ops con_ops = {
	.input = con_input,
	.get = con_get,
	.put = con_put,
};

static const struct axvm_console_ops con_ops_no_input = {
	.get = con_get,
	.put = con_put,
};

static struct con_rec *con_new(struct kunit *test, size_t size,
			       const struct axvm_console_ops *ops)
{
	struct con_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->con = axvm_console_create(size, ops, r);
	KUNIT_ASSERT_FALSE(test, IS_ERR(r->con));
	test->priv = r;
	return r;
}

/* 6.1 has no KUNIT_EXPECT_MEMEQ. */
#define EXPECT_BYTES(test, buf, str, n)					\
	KUNIT_EXPECT_EQ_MSG(test, memcmp(buf, str, n), 0, "got %*ph",	\
			    (int)(n), buf)

static int con_test_init(struct kunit *test)
{
	test->priv = NULL;	/* param cases reuse struct kunit */
	return 0;
}

static void con_test_exit(struct kunit *test)
{
	struct con_rec *r = test->priv;

	if (!r)
		return;
	/* Every fd a case opened must be closed again. */
	KUNIT_EXPECT_EQ(test, r->refs, 0);
	axvm_console_destroy(r->con);
}

static struct file *con_file(struct kunit *test, struct con_rec *r,
			     unsigned int flags)
{
	struct file *file = axvm_console_getfile(r->con, flags);

	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	return file;
}

static void con_close(struct file *file)
{
	/* The test runs in a kthread: release now, not from a work item. */
	__fput_sync(file);
}

static void con_out(struct con_rec *r, const char *s)
{
	axvm_console_write_out(r->con, (const u8 *)s, strlen(s));
}

struct con_size_case {
	size_t size;
	int expect;
};

static const struct con_size_case con_size_cases[] = {
	{ 0, 0 },			/* the default */
	{ 16, 0 },
	{ 4096, 0 },
	{ 64 * 1024, 0 },
	{ 16 * 1024 * 1024, 0 },
	{ 8, -EINVAL },
	{ 15, -EINVAL },
	{ 17, -EINVAL },
	{ 100, -EINVAL },
	{ 32 * 1024 * 1024, -EINVAL },
	{ SIZE_MAX, -EINVAL },
};

static void con_size_desc(const struct con_size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "size %zu", c->size);
}

KUNIT_ARRAY_PARAM(con_size, con_size_cases, con_size_desc);

static void con_create_size(struct kunit *test)
{
	const struct con_size_case *c = test->param_value;
	struct axvm_console *con = axvm_console_create(c->size, &con_ops, NULL);

	if (c->expect) {
		KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(con), (long)c->expect);
		return;
	}
	KUNIT_ASSERT_FALSE(test, IS_ERR(con));
	axvm_console_destroy(con);
}

static void con_create_needs_get_put(struct kunit *test)
{
	static const struct axvm_console_ops no_put = { .get = con_get };

	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_console_create(0, NULL, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_console_create(0, &no_put, NULL)),
			-EINVAL);
}

static void con_read_in_order(struct kunit *test)
{
	struct con_rec *r = con_new(test, 64, &con_ops);
	u8 buf[16] = {};
	u64 pos = 0;

	con_out(r, "hello ");
	con_out(r, "world");
	KUNIT_EXPECT_EQ(test, axvm_console_read(r->con, &pos, buf, 5), 5ul);
	EXPECT_BYTES(test, buf, "hello", 5);
	KUNIT_EXPECT_EQ(test, axvm_console_read(r->con, &pos, buf, sizeof(buf)),
			6ul);
	EXPECT_BYTES(test, buf, " world", 6);
	KUNIT_EXPECT_EQ(test, axvm_console_read(r->con, &pos, buf, sizeof(buf)),
			0ul);
	KUNIT_EXPECT_EQ(test, pos, 11ULL);
	KUNIT_EXPECT_EQ(test, axvm_console_dropped(r->con), 0ULL);
}

static void con_wrap_around(struct kunit *test)
{
	struct con_rec *r = con_new(test, 16, &con_ops);
	u8 buf[16] = {};
	u64 pos = 0;

	con_out(r, "0123456789");
	KUNIT_EXPECT_EQ(test, axvm_console_read(r->con, &pos, buf, 10), 10ul);
	/* Crosses the end of the ring: 6 bytes at the end, 4 at the start. */
	con_out(r, "abcdefghij");
	KUNIT_EXPECT_EQ(test, axvm_console_read(r->con, &pos, buf, sizeof(buf)),
			10ul);
	EXPECT_BYTES(test, buf, "abcdefghij", 10);
	KUNIT_EXPECT_EQ(test, axvm_console_written(r->con), 20ULL);
	KUNIT_EXPECT_EQ(test, axvm_console_dropped(r->con), 4ULL);
}

static void con_drop_oldest(struct kunit *test)
{
	struct con_rec *r = con_new(test, 16, &con_ops);
	u8 buf[32] = {};
	u64 pos = 0;

	con_out(r, "0123456789");
	con_out(r, "abcdefghij");
	/* A reader from the start gets the 16 newest bytes. */
	KUNIT_EXPECT_EQ(test, axvm_console_read(r->con, &pos, buf, sizeof(buf)),
			16ul);
	EXPECT_BYTES(test, buf, "456789abcdefghij", 16);
	KUNIT_EXPECT_EQ(test, axvm_console_dropped(r->con), 4ULL);
	KUNIT_EXPECT_EQ(test, pos, 20ULL);
}

static void con_write_bigger_than_ring(struct kunit *test)
{
	struct con_rec *r = con_new(test, 16, &con_ops);
	u8 buf[32] = {};
	u64 pos = 0;

	con_out(r, "xy");
	con_out(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	KUNIT_EXPECT_EQ(test, axvm_console_written(r->con), 28ULL);
	KUNIT_EXPECT_EQ(test, axvm_console_dropped(r->con), 12ULL);
	KUNIT_EXPECT_EQ(test, axvm_console_read(r->con, &pos, buf, sizeof(buf)),
			16ul);
	EXPECT_BYTES(test, buf, "KLMNOPQRSTUVWXYZ", 16);
}

static void con_reader_falls_behind(struct kunit *test)
{
	struct con_rec *r = con_new(test, 16, &con_ops);
	u8 buf[32] = {};
	u64 pos = 0;

	con_out(r, "abc");
	KUNIT_EXPECT_EQ(test, axvm_console_read(r->con, &pos, buf, 1), 1ul);
	con_out(r, "0123456789abcdefghij");
	/* "bc" and the first 7 new bytes are gone: skip to the oldest. */
	KUNIT_EXPECT_EQ(test, axvm_console_read(r->con, &pos, buf, sizeof(buf)),
			16ul);
	EXPECT_BYTES(test, buf, "456789abcdefghij", 16);
}

static void con_fd_first_read_gets_ring(struct kunit *test)
{
	struct con_rec *r = con_new(test, 16, &con_ops);
	struct file *file;
	char buf[32] = {};

	con_out(r, "0123456789abcdefXYZ");
	file = con_file(test, r, O_NONBLOCK);
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), NULL), 16L);
	EXPECT_BYTES(test, buf, "3456789abcdefXYZ", 16);
	con_out(r, "new");
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), NULL), 3L);
	EXPECT_BYTES(test, buf, "new", 3);
	con_close(file);
}

static void con_fd_nonblock_empty(struct kunit *test)
{
	struct con_rec *r = con_new(test, 16, &con_ops);
	struct file *file = con_file(test, r, O_NONBLOCK);
	char buf[4];

	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), NULL),
			(ssize_t)-EAGAIN);
	con_out(r, "a");
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), NULL), 1L);
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), NULL),
			(ssize_t)-EAGAIN);
	con_close(file);
}

static void con_fd_positions_independent(struct kunit *test)
{
	struct con_rec *r = con_new(test, 64, &con_ops);
	struct file *a = con_file(test, r, O_NONBLOCK);
	struct file *b;
	char buf[16] = {};

	con_out(r, "one");
	KUNIT_EXPECT_EQ(test, kernel_read(a, buf, sizeof(buf), NULL), 3L);
	b = con_file(test, r, O_NONBLOCK);
	con_out(r, "two");
	KUNIT_EXPECT_EQ(test, kernel_read(a, buf, sizeof(buf), NULL), 3L);
	EXPECT_BYTES(test, buf, "two", 3);
	KUNIT_EXPECT_EQ(test, kernel_read(b, buf, sizeof(buf), NULL), 6L);
	EXPECT_BYTES(test, buf, "onetwo", 6);
	con_close(a);
	con_close(b);
}

/* poll() mask as a plain number (__poll_t is a sparse bitwise type). */
static u32 con_poll(struct file *file)
{
	return (__force u32)vfs_poll(file, NULL);
}

#define CON_POLL_OUT	((__force u32)(EPOLLOUT | EPOLLWRNORM))
#define CON_POLL_IN	((__force u32)(EPOLLIN | EPOLLRDNORM))
#define CON_POLL_HUP	((__force u32)EPOLLHUP)

static void con_fd_poll(struct kunit *test)
{
	struct con_rec *r = con_new(test, 64, &con_ops);
	struct file *file = con_file(test, r, O_NONBLOCK);
	char buf[8];

	KUNIT_EXPECT_EQ(test, con_poll(file), CON_POLL_OUT);
	con_out(r, "x");
	KUNIT_EXPECT_EQ(test, con_poll(file), CON_POLL_OUT | CON_POLL_IN);
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), NULL), 1L);
	KUNIT_EXPECT_EQ(test, con_poll(file), CON_POLL_OUT);
	con_close(file);
}

static void con_late_out_fn(struct work_struct *work)
{
	struct con_rec *r = container_of(to_delayed_work(work), struct con_rec,
					 late_out);

	con_out(r, "late");
}

static void con_fd_blocking_read_wakes(struct kunit *test)
{
	struct con_rec *r = con_new(test, 64, &con_ops);
	struct file *file = con_file(test, r, 0);
	char buf[8] = {};

	INIT_DELAYED_WORK(&r->late_out, con_late_out_fn);
	schedule_delayed_work(&r->late_out, msecs_to_jiffies(20));
	/* Blocks until the work item writes. */
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), NULL), 4L);
	EXPECT_BYTES(test, buf, "late", 4);
	cancel_delayed_work_sync(&r->late_out);
	con_close(file);
}

static void con_fd_write_input(struct kunit *test)
{
	struct con_rec *r = con_new(test, 64, &con_ops);
	struct file *file = con_file(test, r, 0);

	r->in_room = 64;
	KUNIT_EXPECT_EQ(test, kernel_write(file, "ls\n", 3, NULL), 3L);
	KUNIT_EXPECT_EQ(test, r->in_len, 3ul);
	EXPECT_BYTES(test, r->in, "ls\n", 3);
	con_close(file);
}

static void con_fd_write_partial(struct kunit *test)
{
	struct con_rec *r = con_new(test, 64, &con_ops);
	struct file *file = con_file(test, r, 0);

	r->in_room = 2;
	KUNIT_EXPECT_EQ(test, kernel_write(file, "abcd", 4, NULL), 2L);
	EXPECT_BYTES(test, r->in, "ab", 2);
	/* Full: nothing taken is -EAGAIN, also for a blocking fd. */
	KUNIT_EXPECT_EQ(test, kernel_write(file, "cd", 2, NULL),
			(ssize_t)-EAGAIN);
	r->in_err = -EIO;
	KUNIT_EXPECT_EQ(test, kernel_write(file, "cd", 2, NULL),
			(ssize_t)-EIO);
	con_close(file);
}

static void con_fd_write_no_input(struct kunit *test)
{
	struct con_rec *r = con_new(test, 64, &con_ops_no_input);
	struct file *file = con_file(test, r, 0);

	KUNIT_EXPECT_EQ(test, kernel_write(file, "x", 1, NULL),
			(ssize_t)-ENXIO);
	con_close(file);
}

static void con_fd_refs(struct kunit *test)
{
	struct con_rec *r = con_new(test, 64, &con_ops);
	struct file *a, *b;

	a = con_file(test, r, 0);
	KUNIT_EXPECT_EQ(test, r->refs, 1);
	b = con_file(test, r, 0);
	KUNIT_EXPECT_EQ(test, r->refs, 2);
	con_close(a);
	KUNIT_EXPECT_EQ(test, r->refs, 1);
	con_close(b);
	KUNIT_EXPECT_EQ(test, r->refs, 0);
	KUNIT_EXPECT_EQ(test, r->gets, 2);
}

static void con_fd_bad_flags(struct kunit *test)
{
	struct con_rec *r = con_new(test, 64, &con_ops);

	KUNIT_EXPECT_EQ(test, PTR_ERR(axvm_console_getfile(r->con, O_APPEND)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_console_getfd(r->con, O_TRUNC), -EINVAL);
	KUNIT_EXPECT_EQ(test, r->gets, 0);
}

static void con_fd_hangup(struct kunit *test)
{
	struct con_rec *r = con_new(test, 64, &con_ops);
	struct file *file = con_file(test, r, 0);
	char buf[8] = {};

	con_out(r, "bye");
	axvm_console_hangup(r->con);
	KUNIT_EXPECT_TRUE(test, con_poll(file) & CON_POLL_HUP);
	/* What is left first, then EOF, without blocking. */
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), NULL), 3L);
	EXPECT_BYTES(test, buf, "bye", 3);
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), NULL), 0L);
	r->in_room = 8;
	KUNIT_EXPECT_EQ(test, kernel_write(file, "x", 1, NULL),
			(ssize_t)-EPIPE);
	KUNIT_EXPECT_EQ(test, r->in_len, 0ul);
	con_close(file);
}

static struct kunit_case con_cases[] = {
	KUNIT_CASE_PARAM(con_create_size, con_size_gen_params),
	KUNIT_CASE(con_create_needs_get_put),
	KUNIT_CASE(con_read_in_order),
	KUNIT_CASE(con_wrap_around),
	KUNIT_CASE(con_drop_oldest),
	KUNIT_CASE(con_write_bigger_than_ring),
	KUNIT_CASE(con_reader_falls_behind),
	KUNIT_CASE(con_fd_first_read_gets_ring),
	KUNIT_CASE(con_fd_nonblock_empty),
	KUNIT_CASE(con_fd_positions_independent),
	KUNIT_CASE(con_fd_poll),
	KUNIT_CASE(con_fd_blocking_read_wakes),
	KUNIT_CASE(con_fd_write_input),
	KUNIT_CASE(con_fd_write_partial),
	KUNIT_CASE(con_fd_write_no_input),
	KUNIT_CASE(con_fd_refs),
	KUNIT_CASE(con_fd_bad_flags),
	KUNIT_CASE(con_fd_hangup),
	{}
};

static struct kunit_suite axvm_console_suite = {
	.name = "axvm_console",
	.init = con_test_init,
	.exit = con_test_exit,
	.test_cases = con_cases,
};

kunit_test_suite(axvm_console_suite);
