// SPDX-License-Identifier: GPL-2.0
/*
 * axvm: /dev/axvm, the system ioctls, the module's parameters, and
 * module init/exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/anon_inodes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/log2.h>
#include <linux/cred.h>
#include <linux/capability.h>
#include <uapi/linux/axvm.h>
#include "main.h"
#include "hal_linux.h"
#include "svm/axvm_svm.h"
#include "vm.h"
#include "fd.h"
#include "console.h"
#include "kunit_export.h"

static unsigned int max_vms = 64;
module_param(max_vms, uint, 0444);
MODULE_PARM_DESC(max_vms, "Most VMs at once (default 64)");

static unsigned int max_vcpus = 16;
module_param(max_vcpus, uint, 0444);
MODULE_PARM_DESC(max_vcpus, "Most vCPUs per VM, at most 64 (default 16)");

static unsigned long max_vm_memory_mb = 8192;
module_param(max_vm_memory_mb, ulong, 0444);
MODULE_PARM_DESC(max_vm_memory_mb, "Most guest memory per VM in MiB (default 8192)");

static unsigned long max_total_memory_mb = 65536;
module_param(max_total_memory_mb, ulong, 0444);
MODULE_PARM_DESC(max_total_memory_mb, "Most guest memory of all VMs in MiB (default 65536)");

static unsigned int console_kb = 64;
module_param(console_kb, uint, 0444);
MODULE_PARM_DESC(console_kb, "Console ring size per VM in KiB, a power of two (default 64)");

long axvm_dev_check_extension(unsigned long cap)
{
	switch (cap) {
	case AXVM_CAP_VMM_MODE:
	case AXVM_CAP_MANAGED_MODE:
	case AXVM_CAP_IMAGE_ELF:
	case AXVM_CAP_IMAGE_MULTIBOOT:
	case AXVM_CAP_CONSOLE:
	case AXVM_CAP_QUERY_VM:
	case AXVM_CAP_MULTIBOOT_MODULES:
	case AXVM_CAP_AP_ENTRY:
	case AXVM_CAP_IMAGE_BZIMAGE:
		return 1;
	case AXVM_CAP_PLATFORM_PC:
	case AXVM_CAP_SET_GSI:
	case AXVM_CAP_SIGNAL_MSI:
	case AXVM_CAP_RESET:
		return axvm_arch && axvm_arch->platform ? 1 : 0;
	case AXVM_CAP_MAP_IDENTICAL:
		/* alloc_contig_range claims the range: without it, no. */
		return IS_ENABLED(CONFIG_CONTIG_ALLOC);
	case AXVM_CAP_HW_VIRT:
		return axvm_arch ? 1 : 0;
	case AXVM_CAP_MAX_VCPUS:
		return axvm_limits.max_vcpus;
	case AXVM_CAP_MAX_VMS:
		return axvm_limits.max_vms;
	default:
		/* Device types announce themselves (module/device.c). */
		return cap < AXVM_CAP_NR && axvm_device_has_cap(cap);
	}
}

static int axvm_dev_create_vm(void __user *argp)
{
	struct axvm_create_vm req;
	struct axvm *vm;
	struct file *file;
	int fd, ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!axvm_arch)
		return -ENODEV;
	ret = axvm_vm_create(&req, &axvm_hal_linux, axvm_arch, &vm);
	if (ret)
		return ret;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_destroy;
	}
	/* The file takes over the creation reference. */
	file = axvm_vm_file(vm);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}
	req.id = vm->id;
	if (copy_to_user(argp, &req, sizeof(req))) {
		put_unused_fd(fd);
		fput(file);	/* drops the creation reference */
		if (axvm_vm_managed(vm))
			axvm_vm_destroy(vm);
		return -EFAULT;
	}
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_destroy:
	if (axvm_vm_managed(vm))
		axvm_vm_destroy(vm);
	axvm_vm_put(vm);
	return ret;
}

/* Most ids LIST_VMS copies out per call. */
#define AXVM_LIST_MAX	4096

static int axvm_dev_list_vms(void __user *argp)
{
	struct axvm_vm_list req;
	unsigned int n, want;
	u32 *ids = NULL;
	int ret = 0;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags)
		return -EINVAL;
	want = min_t(u32, req.nr, AXVM_LIST_MAX);
	if (want) {
		ids = kcalloc(want, sizeof(*ids), GFP_KERNEL);
		if (!ids)
			return -ENOMEM;
	}
	n = axvm_vm_list(ids, want);
	if (want && copy_to_user(u64_to_user_ptr(req.ids), ids,
				 min(n, want) * sizeof(*ids)))
		ret = -EFAULT;
	req.nr = n;
	if (!ret && copy_to_user(argp, &req, sizeof(req)))
		ret = -EFAULT;
	kfree(ids);
	return ret;
}

static int axvm_dev_open_vm(void __user *argp)
{
	struct axvm_open_vm req;
	struct axvm *vm;
	int fd;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	vm = axvm_vm_find(req.id);
	if (!vm)
		return -ENOENT;
	/*
	 * A VMM-mode VM belongs to the process that runs it: another user
	 * could otherwise read its memory and drive it. Managed VMs are the
	 * group's to share (docs/admin.md). QUERY_VM shows both to anyone.
	 */
	if (!axvm_vm_managed(vm) && !uid_eq(vm->owner, current_euid()) &&
	    !capable(CAP_SYS_ADMIN)) {
		pr_warn_ratelimited("OPEN_VM %u refused to uid %u: not its creator\n",
				    vm->id,
				    from_kuid_munged(current_user_ns(),
						     current_euid()));
		fd = -EACCES;
	} else {
		fd = axvm_vm_getfd(vm);
	}
	axvm_vm_put(vm);
	return fd;
}

static int axvm_dev_query_vm(void __user *argp)
{
	struct axvm_vm_info info;
	struct axvm *vm;
	u32 id;

	if (get_user(id, (u32 __user *)argp))
		return -EFAULT;
	vm = axvm_vm_find(id);
	if (!vm)
		return -ENOENT;
	axvm_vm_info(vm, &info);
	axvm_vm_put(vm);
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
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

static long axvm_dev_ioctl(struct file *filp, unsigned int cmd,
			   unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case AXVM_CREATE_VM:
		return axvm_dev_create_vm(argp);
	case AXVM_LIST_VMS:
		return axvm_dev_list_vms(argp);
	case AXVM_OPEN_VM:
		return axvm_dev_open_vm(argp);
	case AXVM_QUERY_VM:
		return axvm_dev_query_vm(argp);
	default:
		return axvm_system_ioctl(cmd, arg);
	}
}

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

static int axvm_check_params(void)
{
	if (!max_vms || !max_vcpus || max_vcpus > AXVM_MAX_VCPUS_LIMIT) {
		pr_err("max_vms must be > 0 and max_vcpus 1..%d\n",
		       AXVM_MAX_VCPUS_LIMIT);
		return -EINVAL;
	}
	if (!max_vm_memory_mb || !max_total_memory_mb ||
	    max_vm_memory_mb > (U64_MAX >> 20) ||
	    max_total_memory_mb > (U64_MAX >> 20)) {
		pr_err("max_vm_memory_mb and max_total_memory_mb must be > 0\n");
		return -EINVAL;
	}
	if (!is_power_of_2(console_kb) ||
	    (u64)console_kb * 1024 > AXVM_CONSOLE_MAX_SIZE) {
		pr_err("console_kb must be a power of two up to %d\n",
		       AXVM_CONSOLE_MAX_SIZE / 1024);
		return -EINVAL;
	}
	axvm_limits.max_vms = max_vms;
	axvm_limits.max_vcpus = max_vcpus;
	axvm_limits.max_vm_memory = (u64)max_vm_memory_mb << 20;
	axvm_limits.max_total_memory = (u64)max_total_memory_mb << 20;
	axvm_limits.console_size = console_kb * 1024;
	return 0;
}

static int __init axvm_init(void)
{
	int ret;

	ret = axvm_check_params();
	if (ret)
		return ret;
	ret = axvm_arch_register(&axvm_svm_ops);
	if (ret)
		return ret;
	ret = misc_register(&axvm_miscdev);
	if (ret) {
		pr_err("cannot register /dev/axvm: %d\n", ret);
		goto err_arch;
	}
	pr_info("loaded, API version %d, backend %s\n", AXVM_API_VERSION,
		axvm_arch->name);
	return 0;

err_arch:
	axvm_arch_unregister();
	return ret;
}

static void __exit axvm_exit(void)
{
	misc_deregister(&axvm_miscdev);
	/* No fd is open (each holds the module): only managed VMs remain. */
	axvm_vm_destroy_all();
	axvm_arch_unregister();
}

module_init(axvm_init);
module_exit(axvm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The axvm developers");
MODULE_DESCRIPTION("axvm: a type-2 hypervisor with the ArceOS axvm resource model");
MODULE_VERSION(AXVM_VERSION);
