// SPDX-License-Identifier: GPL-2.0
/*
 * The per-VM device set: device types, one rb-tree of non-overlapping
 * ranges per address space, and access dispatch (axdevice's AxVmDevices,
 * with O(log n) lookup, overlap rejection and misses that are answers).
 */
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "device.h"
#include "kunit_export.h"

/*
 * Adding a device type: one file in module/devices/ defining
 * axvm_<ident>_type, one line in include/axvm/device_types.h.
 */
static const struct axvm_device_type *const axvm_device_types[] = {
#define AXVM_DEVICE_TYPE(id, ident, name, space, len) (&axvm_##ident##_type),
#include <axvm/device_types.h>
#undef AXVM_DEVICE_TYPE
};

const struct axvm_device_type *axvm_device_type_find(u32 type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(axvm_device_types); i++)
		if (axvm_device_types[i]->type == type)
			return axvm_device_types[i];
	return NULL;
}
AXVM_EXPORT_FOR_TESTS(axvm_device_type_find);

const struct axvm_device_type *axvm_device_type_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(axvm_device_types); i++)
		if (!strcmp(axvm_device_types[i]->name, name))
			return axvm_device_types[i];
	return NULL;
}
AXVM_EXPORT_FOR_TESTS(axvm_device_type_by_name);

bool axvm_device_has_cap(unsigned long cap)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(axvm_device_types); i++)
		if (cap && axvm_device_types[i]->cap == cap)
			return true;
	return false;
}
AXVM_EXPORT_FOR_TESTS(axvm_device_has_cap);

void axvm_devset_init(struct axvm_devset *set,
		      const struct axvm_device_host *host)
{
	set->spaces[AXVM_SPACE_PIO] = RB_ROOT;
	set->spaces[AXVM_SPACE_MMIO] = RB_ROOT;
	set->nr = 0;
	set->host = host;
}
AXVM_EXPORT_FOR_TESTS(axvm_devset_init);

static inline u64 axvm_dev_last(const struct axvm_device_inst *dev)
{
	return dev->base + dev->length - 1;	/* checked at add: no wrap */
}

/*
 * The device with the highest base <= @addr, the only one that can
 * contain @addr since the ranges do not overlap.
 */
static struct axvm_device_inst *axvm_devset_floor(struct rb_root *root,
						  u64 addr)
{
	struct rb_node *n = root->rb_node;
	struct axvm_device_inst *best = NULL;

	while (n) {
		struct axvm_device_inst *dev =
			rb_entry(n, struct axvm_device_inst, node);

		if (dev->base <= addr) {
			best = dev;
			n = n->rb_right;
		} else {
			n = n->rb_left;
		}
	}
	return best;
}

/* Validation of the uapi struct that needs no device type. */
static int axvm_device_check(const struct axvm_device *req)
{
	u64 last;
	unsigned int i;

	if (req->flags)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(req->reserved); i++)
		if (req->reserved[i])
			return -EINVAL;
	if (req->space != AXVM_SPACE_PIO && req->space != AXVM_SPACE_MMIO)
		return -EINVAL;
	if (!req->length || check_add_overflow(req->base, req->length - 1,
					       &last))
		return -EINVAL;
	if (req->space == AXVM_SPACE_PIO && last >= AXVM_PIO_LIMIT)
		return -EINVAL;
	if (req->irq != AXVM_IRQ_NONE && req->irq >= AXVM_DEV_NR_IRQS)
		return -EINVAL;
	if (!memchr(req->name, '\0', sizeof(req->name)))
		return -EINVAL;
	return 0;
}

int axvm_devset_add(struct axvm_devset *set, const struct axvm_device *req)
{
	const struct axvm_device_type *type;
	struct axvm_device_inst *dev, *prev;
	struct rb_node **link, *parent = NULL;
	struct rb_root *root;
	u64 last;
	int ret;

	ret = axvm_device_check(req);
	if (ret)
		return ret;
	type = axvm_device_type_find(req->type);
	if (!type)
		return -ENODEV;
	if (set->nr >= AXVM_MAX_DEVICES)
		return -ENOSPC;

	root = &set->spaces[req->space];
	last = req->base + req->length - 1;
	/* The floor of our last byte is the only device that can overlap. */
	prev = axvm_devset_floor(root, last);
	if (prev && axvm_dev_last(prev) >= req->base)
		return -EEXIST;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL_ACCOUNT);
	if (!dev)
		return -ENOMEM;
	dev->type = type;
	dev->host = set->host;
	dev->space = req->space;
	dev->base = req->base;
	dev->length = req->length;
	dev->irq = req->irq;
	strscpy(dev->name, req->name[0] ? req->name : type->name,
		sizeof(dev->name));
	ret = type->create(dev);
	if (ret) {
		kfree(dev);
		return ret;
	}

	link = &root->rb_node;
	while (*link) {
		struct axvm_device_inst *cur =
			rb_entry(*link, struct axvm_device_inst, node);

		parent = *link;
		link = dev->base < cur->base ? &parent->rb_left :
					       &parent->rb_right;
	}
	rb_link_node(&dev->node, parent, link);
	rb_insert_color(&dev->node, root);
	set->nr++;
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_devset_add);

struct axvm_device_inst *axvm_devset_find(struct axvm_devset *set, u32 space,
					  u64 addr, u8 width)
{
	struct axvm_device_inst *dev;
	u64 last;

	if (space != AXVM_SPACE_PIO && space != AXVM_SPACE_MMIO)
		return NULL;
	if (width != 1 && width != 2 && width != 4 && width != 8)
		return NULL;
	if (check_add_overflow(addr, (u64)width - 1, &last))
		return NULL;
	dev = axvm_devset_floor(&set->spaces[space], addr);
	if (!dev || last > axvm_dev_last(dev))
		return NULL;
	return dev;
}
AXVM_EXPORT_FOR_TESTS(axvm_devset_find);

/* The device after @dev (NULL: the first), port space first, by address. */
static struct axvm_device_inst *devset_next(struct axvm_devset *set,
					    struct axvm_device_inst *dev)
{
	struct rb_node *n = dev ? rb_next(&dev->node) : NULL;
	unsigned int s = dev ? dev->space + 1 : 0;

	for (; !n && s < ARRAY_SIZE(set->spaces); s++)
		n = rb_first(&set->spaces[s]);
	return n ? rb_entry(n, struct axvm_device_inst, node) : NULL;
}

int axvm_devset_for_each(struct axvm_devset *set,
			 int (*fn)(void *ctx, const struct axvm_device_inst *dev),
			 void *ctx)
{
	struct axvm_device_inst *dev = NULL;
	int ret;

	while ((dev = devset_next(set, dev))) {
		ret = fn(ctx, dev);
		if (ret)
			return ret;
	}
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_devset_for_each);

int axvm_devset_console_input(struct axvm_devset *set, const u8 *buf,
			      size_t len)
{
	struct axvm_device_inst *dev = NULL;

	while ((dev = devset_next(set, dev)))
		if (dev->type->input)
			return dev->type->input(dev, buf, len);
	return -ENXIO;
}
AXVM_EXPORT_FOR_TESTS(axvm_devset_console_input);

static inline u64 axvm_width_mask(u8 width)
{
	return width >= 8 ? ~0ULL : (1ULL << (width * 8)) - 1;
}

bool axvm_devset_read(struct axvm_devset *set, u32 space, u64 addr, u8 width,
		      u64 *value)
{
	struct axvm_device_inst *dev = axvm_devset_find(set, space, addr,
							width);

	if (!dev) {
		*value = axvm_width_mask(width);
		return false;
	}
	*value = dev->type->read(dev, addr - dev->base, width) &
		 axvm_width_mask(width);
	return true;
}
AXVM_EXPORT_FOR_TESTS(axvm_devset_read);

bool axvm_devset_write(struct axvm_devset *set, u32 space, u64 addr, u8 width,
		       u64 value)
{
	struct axvm_device_inst *dev = axvm_devset_find(set, space, addr,
							width);

	if (!dev)
		return false;
	dev->type->write(dev, addr - dev->base, width,
			 value & axvm_width_mask(width));
	return true;
}
AXVM_EXPORT_FOR_TESTS(axvm_devset_write);

void axvm_devset_reset(struct axvm_devset *set)
{
	struct axvm_device_inst *dev = NULL;

	while ((dev = devset_next(set, dev)))
		dev->type->reset(dev);
}
AXVM_EXPORT_FOR_TESTS(axvm_devset_reset);

void axvm_devset_destroy(struct axvm_devset *set)
{
	struct axvm_device_inst *dev, *tmp;
	unsigned int s;

	for (s = 0; s < ARRAY_SIZE(set->spaces); s++) {
		rbtree_postorder_for_each_entry_safe(dev, tmp, &set->spaces[s],
						     node) {
			if (dev->type->destroy)
				dev->type->destroy(dev);
			kfree(dev);
		}
		set->spaces[s] = RB_ROOT;
	}
	set->nr = 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_devset_destroy);

void axvm_device_raise_irq(struct axvm_device_inst *dev)
{
	if (dev->irq != AXVM_IRQ_NONE && dev->host && dev->host->raise_irq)
		dev->host->raise_irq(dev->host->ctx, dev->irq);
}
