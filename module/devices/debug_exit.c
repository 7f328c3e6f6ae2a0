// SPDX-License-Identifier: GPL-2.0
/*
 * debug-exit: a write of value v (width 1, 2 or 4, anywhere in the
 * device) stops the VM with AXVM_STOP_DEBUG_EXIT and exit code v, the
 * value zero-extended (DESIGN.md §4; axvmctl run exits with v & 0xff).
 * QEMU's isa-debug-exit exits with (v << 1) | 1 instead; we keep the
 * value as written. Reads return 0, as QEMU's do. Usually at port 0xf4.
 */
#include "device.h"
#include "kunit_export.h"

#define DEBUG_EXIT_MAX_LENGTH	4

static int debug_exit_create(struct axvm_device_inst *dev)
{
	/*
	 * At most 4 bytes, so an 8-byte access never fits and the device
	 * only ever sees widths 1, 2 and 4.
	 */
	if (dev->length > DEBUG_EXIT_MAX_LENGTH)
		return -EINVAL;
	return 0;
}

static void debug_exit_reset(struct axvm_device_inst *dev)
{
}

static u64 debug_exit_read(struct axvm_device_inst *dev, u64 offset, u8 width)
{
	return 0;
}

static void debug_exit_write(struct axvm_device_inst *dev, u64 offset,
			     u8 width, u64 value)
{
	const struct axvm_device_host *host = dev->host;

	if (host && host->system_down)
		host->system_down(host->ctx, (s64)value);
}

const struct axvm_device_type axvm_debug_exit_type = {
	.type		= AXVM_DEV_DEBUG_EXIT,
	.name		= "debug-exit",
	.cap		= AXVM_CAP_DEV_DEBUG_EXIT,
	.create		= debug_exit_create,
	.reset		= debug_exit_reset,
	.read		= debug_exit_read,
	.write		= debug_exit_write,
};
AXVM_EXPORT_FOR_TESTS(axvm_debug_exit_type);
