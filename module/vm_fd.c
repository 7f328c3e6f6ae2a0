// SPDX-License-Identifier: GPL-2.0
/*
 * The VM fd: thin ioctl dispatchers that copy in, validate what needs no
 * lock, call module/vm.c and copy out (KVM's shape). Each open VM fd
 * holds a reference to the VM; file_operations.owner holds the module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "vm.h"
#include "fd.h"
#include "console.h"
#include "kunit_export.h"

/* Guest memory moves at most this much per READ/WRITE_GUEST call. */
#define AXVM_GUEST_ACCESS_MAX	(1U << 20)
/* The largest image LOAD_IMAGE takes. */
#define AXVM_IMAGE_MAX		(256U << 20)

static int vm_guest_access(struct axvm *vm, void __user *argp, bool write)
{
	struct axvm_guest_access ga;
	void *buf;
	u64 end;
	int ret;

	if (copy_from_user(&ga, argp, sizeof(ga)))
		return -EFAULT;
	if (ga.flags || ga.pad)
		return -EINVAL;
	if (!ga.size)
		return 0;
	if (ga.size > AXVM_GUEST_ACCESS_MAX)
		return -E2BIG;
	if (check_add_overflow(ga.gpa, ga.size, &end))
		return -EINVAL;
	buf = kvmalloc(ga.size, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	if (write) {
		ret = -EFAULT;
		if (copy_from_user(buf, u64_to_user_ptr(ga.buf), ga.size))
			goto out;
		ret = axvm_aspace_write(&vm->aspace, ga.gpa, buf, ga.size);
	} else {
		ret = axvm_aspace_read(&vm->aspace, ga.gpa, buf, ga.size);
		if (!ret && copy_to_user(u64_to_user_ptr(ga.buf), buf, ga.size))
			ret = -EFAULT;
	}
out:
	kvfree(buf);
	return ret;
}

static int vm_load_image_ioctl(struct axvm *vm, void __user *argp)
{
	struct axvm_image img;
	char *cmdline = NULL;
	void *data;
	int ret;

	if (copy_from_user(&img, argp, sizeof(img)))
		return -EFAULT;
	if (!img.size)
		return -EINVAL;
	if (img.size > AXVM_IMAGE_MAX)
		return -E2BIG;
	if (img.cmdline) {
		/* -EINVAL when no NUL comes within AXVM_CMDLINE_MAX bytes. */
		cmdline = strndup_user(u64_to_user_ptr(img.cmdline),
				       AXVM_CMDLINE_MAX);
		if (IS_ERR(cmdline))
			return PTR_ERR(cmdline);
	}
	data = kvmalloc(img.size, GFP_KERNEL_ACCOUNT);
	if (!data) {
		kfree(cmdline);
		return -ENOMEM;
	}
	if (copy_from_user(data, u64_to_user_ptr(img.buf), img.size)) {
		kvfree(data);
		kfree(cmdline);
		return -EFAULT;
	}
	/* On success the VM keeps @data and @cmdline to reload on restart. */
	ret = axvm_vm_load_image(vm, data, cmdline, &img);
	if (ret) {
		kvfree(data);
		kfree(cmdline);
		return ret;
	}
	if (copy_to_user(argp, &img, sizeof(img)))
		return -EFAULT;
	return 0;
}

static int vm_info_ioctl(struct axvm *vm, void __user *argp)
{
	struct axvm_vm_info info;

	axvm_vm_info(vm, &info);
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

long axvm_vm_ioctl(struct axvm *vm, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	union {
		struct axvm_memory_region region;
		struct axvm_device dev;
		struct axvm_entry entry;
		struct axvm_irq irq;
		struct axvm_gsi gsi;
		struct axvm_msi msi;
	} u;

	switch (cmd) {
	case AXVM_GET_VM_INFO:
		return vm_info_ioctl(vm, argp);
	case AXVM_SET_MEMORY_REGION:
		if (copy_from_user(&u.region, argp, sizeof(u.region)))
			return -EFAULT;
		return axvm_vm_add_region(vm, &u.region);
	case AXVM_DEL_MEMORY_REGION:
		if (copy_from_user(&u.region, argp, sizeof(u.region)))
			return -EFAULT;
		return axvm_vm_del_region(vm, &u.region);
	case AXVM_READ_GUEST:
		return vm_guest_access(vm, argp, false);
	case AXVM_WRITE_GUEST:
		return vm_guest_access(vm, argp, true);
	case AXVM_LOAD_IMAGE:
		return vm_load_image_ioctl(vm, argp);
	case AXVM_ADD_DEVICE:
		if (copy_from_user(&u.dev, argp, sizeof(u.dev)))
			return -EFAULT;
		return axvm_vm_add_device(vm, &u.dev);
	case AXVM_CREATE_VCPU:
		return axvm_vcpu_create_fd(vm, arg);
	case AXVM_SET_ENTRY:
		if (copy_from_user(&u.entry, argp, sizeof(u.entry)))
			return -EFAULT;
		return axvm_vm_set_entry(vm, &u.entry);
	case AXVM_FINALIZE:
		return arg ? -EINVAL : axvm_vm_finalize(vm);
	case AXVM_START:
		return arg ? -EINVAL : axvm_vm_start(vm);
	case AXVM_PAUSE:
		return arg ? -EINVAL : axvm_vm_pause(vm);
	case AXVM_RESUME:
		return arg ? -EINVAL : axvm_vm_resume(vm);
	case AXVM_STOP:
		return arg ? -EINVAL : axvm_vm_stop(vm);
	case AXVM_RESTART:
		return arg ? -EINVAL : axvm_vm_restart(vm);
	case AXVM_DESTROY:
		return arg ? -EINVAL : axvm_vm_destroy(vm);
	case AXVM_IRQ_LINE:
		if (copy_from_user(&u.irq, argp, sizeof(u.irq)))
			return -EFAULT;
		return axvm_irq_line(vm, &u.irq);
	case AXVM_SET_GSI:
		if (copy_from_user(&u.gsi, argp, sizeof(u.gsi)))
			return -EFAULT;
		return axvm_vm_set_gsi(vm, &u.gsi);
	case AXVM_SIGNAL_MSI:
		if (copy_from_user(&u.msi, argp, sizeof(u.msi)))
			return -EFAULT;
		return axvm_vm_signal_msi(vm, &u.msi);
	case AXVM_GET_CONSOLE_FD:
		if (arg & ~(unsigned long)(O_NONBLOCK | O_CLOEXEC))
			return -EINVAL;
		return axvm_console_getfd(vm->console, arg | O_CLOEXEC);
	default:
		return -ENOTTY;
	}
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_ioctl);

static long axvm_vm_fd_ioctl(struct file *filp, unsigned int cmd,
			     unsigned long arg)
{
	struct axvm *vm = filp->private_data;
	struct mem_cgroup *old = axvm_vm_charge_begin(vm);
	long ret;

	/* An fd opened with OPEN_VM charges the creator, not its holder. */
	ret = axvm_vm_ioctl(vm, cmd, arg);
	axvm_vm_charge_end(old);
	return ret;
}

static int axvm_vm_fd_release(struct inode *inode, struct file *filp)
{
	axvm_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations axvm_vm_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= axvm_vm_fd_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= axvm_vm_fd_release,
	.llseek		= noop_llseek,
};

/* A VM file that takes over a reference the caller holds. */
struct file *axvm_vm_file(struct axvm *vm)
{
	return anon_inode_getfile("axvm-vm", &axvm_vm_fops, vm, O_RDWR);
}

/* A new fd holding a new reference to @vm. */
int axvm_vm_getfd(struct axvm *vm)
{
	int fd;

	axvm_vm_get(vm);
	fd = anon_inode_getfd("axvm-vm", &axvm_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		axvm_vm_put(vm);
	return fd;
}
