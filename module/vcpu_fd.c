// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU fd: RUN, registers, interrupts, and mmap() of struct
 * axvm_run. The vCPU belongs to its VM (freed with it, as KVM does);
 * each vCPU fd holds a VM reference.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include "vm.h"
#include "fd.h"
#include "kunit_export.h"

static int vcpu_regs_ioctl(struct axvm_vcpu *vcpu, unsigned int cmd,
			   void __user *argp)
{
	const struct axvm_arch_ops *arch = vcpu->vm->arch;
	union {
		struct axvm_regs regs;
		struct axvm_sregs sregs;
	} u;
	int ret;

	memset(&u, 0, sizeof(u));
	switch (cmd) {
	case AXVM_GET_REGS:
		ret = arch->get_regs(vcpu, &u.regs);
		if (!ret && copy_to_user(argp, &u.regs, sizeof(u.regs)))
			ret = -EFAULT;
		return ret;
	case AXVM_SET_REGS:
		if (copy_from_user(&u.regs, argp, sizeof(u.regs)))
			return -EFAULT;
		return arch->set_regs(vcpu, &u.regs);
	case AXVM_GET_SREGS:
		ret = arch->get_sregs(vcpu, &u.sregs);
		if (!ret && copy_to_user(argp, &u.sregs, sizeof(u.sregs)))
			ret = -EFAULT;
		return ret;
	case AXVM_SET_SREGS:
		if (copy_from_user(&u.sregs, argp, sizeof(u.sregs)))
			return -EFAULT;
		if (memchr_inv(u.sregs.reserved, 0, sizeof(u.sregs.reserved)))
			return -EINVAL;
		return arch->set_sregs(vcpu, &u.sregs);
	}
	return -ENOTTY;
}

/*
 * A setter while the VM is loading: FINALIZE resets every vCPU to the
 * entry state, so what it set would be dropped without a word. Refuse
 * it instead (-EBUSY), before copying anything. vcpu->mutex is held:
 * FINALIZE resets this vCPU under it and leaves "loading" only after
 * that, so a setter that sees another state is never undone by it.
 */
static bool vcpu_regs_would_be_lost(struct axvm_vcpu *vcpu, unsigned int cmd)
{
	struct axvm *vm = vcpu->vm;

	lockdep_assert_held(&vcpu->mutex);
	if (cmd != AXVM_SET_REGS && cmd != AXVM_SET_SREGS)
		return false;
	if (READ_ONCE(vm->state) != AXVM_VM_LOADING)
		return false;
	axvm_vm_warn(vm, "vcpu %u: registers set before FINALIZE would be lost: set them after it\n",
		     vcpu->id);
	return true;
}

/*
 * The vCPU's lock for a register ioctl. A managed VM's vCPU thread holds
 * it for as long as the VM runs: say so (-EBUSY) rather than wait for a
 * STOP that may never come. Otherwise wait, as for a RUN in progress.
 */
static int vcpu_lock_for_regs(struct axvm_vcpu *vcpu)
{
	if (axvm_vm_managed(vcpu->vm))
		return mutex_trylock(&vcpu->mutex) ? 0 : -EBUSY;
	return mutex_lock_killable(&vcpu->mutex) ? -EINTR : 0;
}

long axvm_vcpu_ioctl(struct axvm_vcpu *vcpu, unsigned int cmd,
		     unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	struct axvm_interrupt intr;
	long ret;

	switch (cmd) {
	case AXVM_RUN:
		if (arg)
			return -EINVAL;
		/* The kernel runs a managed VM's vCPUs, nobody else. */
		if (axvm_vm_managed(vcpu->vm))
			return -EBUSY;
		/* A fatal signal only: RUN is where userspace waits. */
		if (mutex_lock_killable(&vcpu->mutex))
			return -EINTR;
		ret = axvm_vcpu_run(vcpu);
		mutex_unlock(&vcpu->mutex);
		return ret;
	case AXVM_GET_REGS:
	case AXVM_SET_REGS:
	case AXVM_GET_SREGS:
	case AXVM_SET_SREGS:
		ret = vcpu_lock_for_regs(vcpu);
		if (ret)
			return ret;
		if (vcpu->state == AXVM_VCPU_INVALID)
			ret = -EBADFD;
		else if (vcpu_regs_would_be_lost(vcpu, cmd))
			ret = -EBUSY;
		else
			ret = vcpu_regs_ioctl(vcpu, cmd, argp);
		mutex_unlock(&vcpu->mutex);
		return ret;
	case AXVM_INTERRUPT:
		if (copy_from_user(&intr, argp, sizeof(intr)))
			return -EFAULT;
		if (intr.flags)
			return -EINVAL;
		/* Lock-free: injection is safe from anywhere (the kick). */
		return vcpu->vm->hal->inject_irq_to_vcpu(vcpu->vm->hal,
							 vcpu->vm->id, vcpu->id,
							 intr.vector);
	default:
		return -ENOTTY;
	}
}
AXVM_EXPORT_FOR_TESTS(axvm_vcpu_ioctl);

static long axvm_vcpu_fd_ioctl(struct file *filp, unsigned int cmd,
			       unsigned long arg)
{
	struct axvm_vcpu *vcpu = filp->private_data;
	struct mem_cgroup *old = axvm_vm_charge_begin(vcpu->vm);
	long ret;

	/* RUN populates guest RAM: the creator's memory, whoever runs it. */
	ret = axvm_vcpu_ioctl(vcpu, cmd, arg);
	axvm_vm_charge_end(old);
	return ret;
}

static vm_fault_t axvm_vcpu_fault(struct vm_fault *vmf)
{
	struct axvm_vcpu *vcpu = vmf->vma->vm_file->private_data;

	if (vmf->pgoff != 0)
		return VM_FAULT_SIGBUS;
	vmf->page = virt_to_page(vcpu->run);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct axvm_vcpu_vm_ops = {
	.fault = axvm_vcpu_fault,
};

static int axvm_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma_pages(vma) > AXVM_RUN_SIZE / PAGE_SIZE)
		return -EINVAL;
	/*
	 * The checks above only see new mappings: mremap() could grow this
	 * one, and mmap() of the next page at offset AXVM_RUN_SIZE would be
	 * merged into it without asking us (mmap_region expands an adjacent
	 * VMA of the same file first). Either way the page past the run
	 * structure then faults with SIGBUS instead of mmap failing.
	 */
	vma->vm_flags |= VM_DONTEXPAND;
	vma->vm_ops = &axvm_vcpu_vm_ops;
	return 0;
}

static int axvm_vcpu_fd_release(struct inode *inode, struct file *filp)
{
	struct axvm_vcpu *vcpu = filp->private_data;

	axvm_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations axvm_vcpu_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= axvm_vcpu_fd_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= axvm_vcpu_mmap,
	.release	= axvm_vcpu_fd_release,
	.llseek		= noop_llseek,
};

/* CREATE_VCPU: build the vCPU, then its fd, installed last. */
int axvm_vcpu_create_fd(struct axvm *vm, unsigned long id)
{
	struct axvm_vcpu *vcpu;
	struct file *file;
	int fd, ret;

	if (id >= vm->max_vcpus)
		return -EINVAL;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	ret = axvm_vm_create_vcpu(vm, id, &vcpu);
	if (ret)
		goto err_put_fd;
	axvm_vm_get(vm);
	file = anon_inode_getfile("axvm-vcpu", &axvm_vcpu_fops, vcpu, O_RDWR);
	if (IS_ERR(file)) {
		/* The vCPU stays with its VM; only the fd failed. */
		axvm_vm_put(vm);
		ret = PTR_ERR(file);
		goto err_put_fd;
	}
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
	return ret;
}
