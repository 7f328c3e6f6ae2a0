// SPDX-License-Identifier: GPL-2.0
/* Harness self-test: a WARN_ON must fail the run. */
#include <linux/module.h>

static int st_trigger = 1;

static int __init st_warn_init(void)
{
	WARN_ON(READ_ONCE(st_trigger));
	return 0;
}
module_init(st_warn_init);

static void __exit st_warn_exit(void)
{
}
module_exit(st_warn_exit);

MODULE_LICENSE("GPL");
