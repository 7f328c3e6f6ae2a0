// SPDX-License-Identifier: GPL-2.0
/*
 * axvm: /dev/axvm, the module's entry points and its parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <uapi/linux/axvm.h>
#include "main.h"
#include "kunit_export.h"

long axvm_dev_check_extension(unsigned long cap)
{
	switch (cap) {
	default:
		return 0;
	}
}

static long axvm_dev_ioctl(struct file *filp, unsigned int cmd,
			   unsigned long arg)
{
	return axvm_system_ioctl(cmd, arg);
}

/* The system ioctls that need no file: reachable from KUnit. */
long axvm_system_ioctl(unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case AXVM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return AXVM_API_VERSION;
	case AXVM_CHECK_EXTENSION:
		return axvm_dev_check_extension(arg);
	default:
		return -ENOTTY;
	}
}

AXVM_EXPORT_FOR_TESTS(axvm_system_ioctl);

static const struct file_operations axvm_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= axvm_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice axvm_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "axvm",
	.fops	= &axvm_dev_fops,
	.mode	= 0600,
};

static int __init axvm_init(void)
{
	int ret;

	ret = misc_register(&axvm_miscdev);
	if (ret) {
		pr_err("cannot register /dev/axvm: %d\n", ret);
		return ret;
	}
	pr_info("loaded, API version %d\n", AXVM_API_VERSION);
	return 0;
}

static void __exit axvm_exit(void)
{
	misc_deregister(&axvm_miscdev);
}

module_init(axvm_init);
module_exit(axvm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The axvm developers");
MODULE_DESCRIPTION("axvm: a type-2 hypervisor with the ArceOS axvm resource model");
MODULE_VERSION(AXVM_VERSION);
