// SPDX-License-Identifier: GPL-2.0
/* Harness self-test: an allocation nobody references must be reported. */
#include <linux/module.h>
#include <linux/slab.h>

static void *st_leak;

static int __init st_leak_init(void)
{
	st_leak = kmalloc(256, GFP_KERNEL);
	if (!st_leak)
		return -ENOMEM;
	memset(st_leak, 0xa5, 256);
	/* Forget it: kmemleak sees no reference left. */
	WRITE_ONCE(st_leak, NULL);
	return 0;
}
module_init(st_leak_init);

static void __exit st_leak_exit(void)
{
}
module_exit(st_leak_exit);

MODULE_LICENSE("GPL");
