// SPDX-License-Identifier: GPL-2.0
/*
 * Configuring a VM while it is loading: memory regions, devices, the
 * entry, images (kept to reload on restart) and vCPUs.
 *
 * Everything here runs under vm->lock; the accounting takes
 * axvm_registry_lock inside it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/nospec.h>
#include <linux/capability.h>
#include "vm_internal.h"
#include "loader.h"
#include "kunit_export.h"

struct axvm_image_copy {
	struct list_head node;
	void *data;
	size_t size;
	u32 format;
	u64 gpa;			/* MODULE, INITRD: once placed; BZIMAGE: the kernel's */
	u64 end;			/* one past its highest byte */
	char *cmdline;			/* MULTIBOOT, MODULE, BZIMAGE: or NULL */
};

void axvm_vm_free_images(struct axvm *vm)
{
	struct axvm_image_copy *img, *tmp;

	list_for_each_entry_safe(img, tmp, &vm->images, node) {
		list_del(&img->node);
		kvfree(img->data);
		kfree(img->cmdline);
		kfree(img);
	}
}

int axvm_vm_lock_loading(struct axvm *vm)
{
	int ret = axvm_vm_lock_live(vm);

	if (ret)
		return ret;
	if (axvm_vm_state(vm) == AXVM_VM_LOADING)
		return 0;
	axvm_vm_warn(vm, "configuration is only possible while loading (now %s)\n",
		     axvm_vm_state_name(axvm_vm_state(vm)));
	ret = axvm_vm_refusal(axvm_vm_state(vm));
	mutex_unlock(&vm->lock);
	return ret;
}

static int vm_check_entry(u64 entry, u32 mode)
{
	switch (mode) {
	case AXVM_MODE_REAL:
		return entry < 0x10000 ? 0 : -ERANGE;
	case AXVM_MODE_PROTECTED:
		return entry <= U32_MAX ? 0 : -ERANGE;
	case AXVM_MODE_LONG:
		/* Identity-mapped low 4 GiB only. */
		return entry < (4ULL << 30) ? 0 : -ERANGE;
	default:
		return -EINVAL;
	}
}

static int vm_load_one(struct axvm *vm, struct axvm_image_copy *img,
		       u64 *entry, u32 *mode)
{
	struct axvm_boot_regs regs = {};
	int ret;

	ret = axvm_load_image(&vm->aspace, img->data, img->size, img->format,
			      img->gpa, entry, mode, &regs);
	if (ret)
		return ret;
	img->end = regs.end;
	if (img->format == AXVM_IMAGE_BZIMAGE)
		img->gpa = regs.load;
	if (regs.set) {
		vm->boot_regs_set = true;
		vm->boot_linux_segs = regs.linux_segs;
		vm->boot_rax = regs.rax;
		vm->boot_rbx = regs.rbx;
		vm->boot_rsi = regs.rsi;
	}
	return 0;
}

/* The last bzImage kernel among the images kept and @extra, or NULL. */
static struct axvm_image_copy *vm_linux_kernel(struct axvm *vm,
					       struct axvm_image_copy *extra)
{
	struct axvm_image_copy *img, *kernel = NULL;

	list_for_each_entry(img, &vm->images, node)
		if (img->format == AXVM_IMAGE_BZIMAGE)
			kernel = img;
	if (extra && extra->format == AXVM_IMAGE_BZIMAGE)
		kernel = extra;
	return kernel;
}

/*
 * A bzImage kernel's boot_params, from the images kept and then @extra:
 * the last kernel's command line, the initrd, the platform's ACPI tables.
 * Nothing to do without a bzImage.
 */
static int vm_write_linux_params(struct axvm *vm,
				 struct axvm_image_copy *extra)
{
	struct axvm_image_copy *kernel = vm_linux_kernel(vm, extra);
	struct axvm_linux_boot boot = { .acpi = !!vm->platform };
	struct axvm_image_copy *img;

	if (!kernel)
		return 0;
	boot.kernel = kernel->gpa;
	boot.cmdline = kernel->cmdline;
	list_for_each_entry(img, &vm->images, node) {
		if (img->format == AXVM_IMAGE_INITRD) {
			boot.initrd = img->gpa;
			boot.initrd_size = img->size;
		}
	}
	if (extra && extra->format == AXVM_IMAGE_INITRD) {
		boot.initrd = extra->gpa;
		boot.initrd_size = extra->size;
	}
	return axvm_linux_write_params(&vm->aspace, kernel->data,
				       kernel->size, &boot);
}

/* Where the initrd goes: by the bzImage loaded before it (loader.h). */
static int vm_place_initrd(struct axvm *vm, struct axvm_image_copy *img)
{
	struct axvm_image_copy *kernel = vm_linux_kernel(vm, NULL), *prev;

	if (!kernel) {
		axvm_vm_warn(vm, "an initrd needs a bzImage kernel before it\n");
		return -EINVAL;
	}
	list_for_each_entry(prev, &vm->images, node) {
		if (prev->format == AXVM_IMAGE_INITRD) {
			axvm_vm_warn(vm, "one initrd per VM\n");
			return -EEXIST;
		}
	}
	return axvm_linux_place_initrd(&vm->aspace, kernel->data,
				       kernel->size, kernel->gpa, img->size,
				       &img->gpa);
}

/* What @img adds to a Multiboot kernel's information. */
static void vm_mb_add(const struct axvm_image_copy *img,
		      struct axvm_mb_boot *boot, struct axvm_mb_module *mods,
		      bool *kernel)
{
	if (img->format == AXVM_IMAGE_MULTIBOOT) {
		*kernel = true;
		boot->cmdline = img->cmdline;
	} else if (img->format == AXVM_IMAGE_MODULE) {
		mods[boot->nr_mods++] = (struct axvm_mb_module){
			img->gpa, img->gpa + img->size, img->cmdline };
	}
}

/*
 * A Multiboot kernel's information, from the images kept and then @extra
 * (one not kept yet, or NULL): the last kernel's command line, every
 * module in load order. Nothing to do without a Multiboot kernel.
 */
static int vm_write_mb_info(struct axvm *vm, struct axvm_image_copy *extra)
{
	struct axvm_mb_boot boot = {};
	struct axvm_mb_module *mods;
	struct axvm_image_copy *img;
	unsigned int n = 1;		/* room for @extra */
	bool kernel = false;
	int ret;

	list_for_each_entry(img, &vm->images, node)
		n += img->format == AXVM_IMAGE_MODULE;
	mods = kcalloc(n, sizeof(*mods), GFP_KERNEL);
	if (!mods)
		return -ENOMEM;
	boot.mods = mods;
	list_for_each_entry(img, &vm->images, node)
		vm_mb_add(img, &boot, mods, &kernel);
	if (extra)
		vm_mb_add(extra, &boot, mods, &kernel);
	ret = kernel ? axvm_mb_write_info(&vm->aspace, &boot) : 0;
	kfree(mods);
	return ret;
}

/* Where a MODULE without a gpa goes: above every image loaded before. */
static int vm_place_module(struct axvm *vm, struct axvm_image_copy *img)
{
	struct axvm_image_copy *prev;
	u64 end = 0;

	if (img->gpa)
		return PAGE_ALIGNED(img->gpa) ? 0 : -EINVAL;
	list_for_each_entry(prev, &vm->images, node)
		end = max(end, prev->end);
	if (!end) {
		axvm_vm_warn(vm, "a module placed by the loader needs an image before it\n");
		return -EINVAL;
	}
	img->gpa = PAGE_ALIGN(end);
	return 0;
}

/* RAM over the platform's MMIO would hide its devices: refused. */
static int vm_check_platform_mmio(struct axvm *vm, u64 start, u64 end)
{
	const struct axvm_platform_ops *p = vm->platform;
	unsigned int i;

	for (i = 0; p && i < p->nr_mmio; i++) {
		if (start < p->mmio[i].end && p->mmio[i].start < end) {
			axvm_vm_warn(vm, "memory region %#llx-%#llx overlaps the platform's MMIO at %#llx-%#llx\n",
				     start, end - 1, p->mmio[i].start,
				     p->mmio[i].end - 1);
			return -EINVAL;
		}
	}
	return 0;
}

int axvm_vm_add_region(struct axvm *vm, const struct axvm_memory_region *r)
{
	u64 end;
	int ret;

	if (memchr_inv(r->reserved, 0, sizeof(r->reserved)))
		return -EINVAL;
	if (r->flags & ~AXVM_MEM_VALID_FLAGS)
		return -EINVAL;
	/*
	 * NPT cannot express "not readable": a present entry is readable.
	 * Refuse what we would not enforce rather than grant it silently.
	 */
	if (!(r->flags & AXVM_MEM_READ))
		return -EINVAL;
	if (r->map_type == AXVM_MAP_IDENTICAL && !capable(CAP_SYS_RAWIO))
		return -EPERM;
	/* A malformed range is -EINVAL, not a limit reached. */
	if (!r->size || check_add_overflow(r->gpa, r->size, &end) ||
	    end > AXVM_GPA_LIMIT)
		return -EINVAL;

	ret = axvm_vm_lock_loading(vm);
	if (ret)
		return ret;
	ret = vm_check_platform_mmio(vm, r->gpa, end);
	if (ret)
		goto out;
	/* The limits first, so a refusal changes nothing. */
	ret = axvm_vm_charge(vm, r->size);
	if (ret)
		goto out;
	ret = axvm_aspace_add_region(&vm->aspace, r->gpa, r->size, r->flags,
				     r->map_type);
	if (ret)
		axvm_vm_uncharge(vm, r->size);
out:
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_add_region);

int axvm_vm_del_region(struct axvm *vm, const struct axvm_memory_region *r)
{
	int ret;

	if (memchr_inv(r->reserved, 0, sizeof(r->reserved)) || r->flags ||
	    r->map_type)
		return -EINVAL;
	ret = axvm_vm_lock_loading(vm);
	if (ret)
		return ret;
	ret = axvm_aspace_del_region(&vm->aspace, r->gpa, r->size);
	if (!ret)
		axvm_vm_uncharge(vm, r->size);
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_del_region);

int axvm_vm_add_device(struct axvm *vm, const struct axvm_device *d)
{
	int ret;

	ret = axvm_vm_lock_loading(vm);
	if (ret)
		return ret;
	ret = axvm_devset_add(&vm->devices, d);
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_add_device);

int axvm_vm_set_entry(struct axvm *vm, const struct axvm_entry *e)
{
	int ret;

	if ((e->flags & ~AXVM_ENTRY_AP) ||
	    memchr_inv(e->reserved, 0, sizeof(e->reserved)))
		return -EINVAL;
	if (!(e->flags & AXVM_ENTRY_AP)) {
		ret = vm_check_entry(e->entry, e->mode);
		if (ret)
			return ret;
	}
	ret = axvm_vm_lock_loading(vm);
	if (ret)
		return ret;
	if (e->flags & AXVM_ENTRY_AP) {
		/* The APs start in the VM's mode: the entry must suit it. */
		ret = vm_check_entry(e->entry, vm->entry_mode);
		if (!ret) {
			vm->ap_entry = e->entry;
			vm->ap_entry_set = true;
		}
	} else {
		vm->entry = e->entry;
		vm->entry_mode = e->mode;
	}
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_set_entry);

int axvm_vm_load_image(struct axvm *vm, void *data, char *cmdline,
		       struct axvm_image *req)
{
	struct axvm_image_copy *img;
	u64 entry = req->gpa;
	u32 mode = vm->entry_mode;
	int ret;

	if (req->flags & ~AXVM_IMAGE_VALID_FLAGS || req->pad ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return -EINVAL;
	if (req->format > AXVM_IMAGE_INITRD)
		return -EINVAL;
	/*
	 * Strings go to Multiboot and Linux kernels and to modules; a
	 * module or initrd has no entry; a bzImage goes where it says.
	 */
	if (cmdline && req->format != AXVM_IMAGE_MULTIBOOT &&
	    req->format != AXVM_IMAGE_MODULE &&
	    req->format != AXVM_IMAGE_BZIMAGE)
		return -EINVAL;
	if ((req->format == AXVM_IMAGE_MODULE ||
	     req->format == AXVM_IMAGE_INITRD) &&
	    (req->flags & AXVM_IMAGE_SET_ENTRY))
		return -EINVAL;
	if (req->format == AXVM_IMAGE_BZIMAGE && req->gpa)
		return -EINVAL;
	img = kzalloc(sizeof(*img), GFP_KERNEL_ACCOUNT);
	if (!img)
		return -ENOMEM;
	img->data = data;
	img->size = req->size;
	img->format = req->format;
	img->gpa = req->gpa;

	ret = axvm_vm_lock_loading(vm);
	if (ret)
		goto err_free_img;
	if (req->format == AXVM_IMAGE_MODULE)
		ret = vm_place_module(vm, img);
	else if (req->format == AXVM_IMAGE_INITRD)
		ret = vm_place_initrd(vm, img);
	/* A raw image's entry is known up front: refuse before writing. */
	if (req->format == AXVM_IMAGE_RAW &&
	    (req->flags & AXVM_IMAGE_SET_ENTRY))
		ret = vm_check_entry(req->gpa, mode);
	/* The copy kept for RESTART counts like guest RAM. */
	if (!ret)
		ret = axvm_vm_charge(vm, req->size);
	if (ret)
		goto out_unlock;
	ret = vm_load_one(vm, img, &entry, &mode);
	if (!ret) {
		img->cmdline = cmdline;
		ret = vm_write_mb_info(vm, img);
		if (!ret)
			ret = vm_write_linux_params(vm, img);
		if (ret)
			img->cmdline = NULL;	/* the caller's again */
	}
	if (!ret && (req->flags & AXVM_IMAGE_SET_ENTRY)) {
		ret = vm_check_entry(entry, mode);
		if (!ret) {
			vm->entry = entry;
			vm->entry_mode = mode;
		}
	}
	if (ret) {
		axvm_vm_uncharge(vm, req->size);
	} else {
		list_add_tail(&img->node, &vm->images);
		WRITE_ONCE(vm->image_bytes, vm->image_bytes + req->size);
	}
out_unlock:
	mutex_unlock(&vm->lock);
	if (ret) {
		axvm_vm_err(vm, "image (format %u, %llu bytes) not loaded: %d\n",
			    req->format, req->size, ret);
		goto err_free_img;
	}
	req->entry = img->format == AXVM_IMAGE_MODULE ||
		     img->format == AXVM_IMAGE_INITRD ? img->gpa : entry;
	req->mode = mode;
	return 0;

err_free_img:
	/* The caller frees @data on failure. */
	kfree(img);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_load_image);

/* Under vm->lock. */
int axvm_vm_create_vcpu_locked(struct axvm *vm, u32 id,
				 struct axvm_vcpu **out)
{
	struct axvm_vcpu *vcpu;

	lockdep_assert_held(&vm->lock);
	if (id >= vm->max_vcpus)
		return -EINVAL;
	id = array_index_nospec(id, vm->max_vcpus);
	if (vm->vcpus[id])
		return -EEXIST;
	vcpu = axvm_vcpu_alloc(vm, id);
	if (IS_ERR(vcpu))
		return PTR_ERR(vcpu);
	/* Fully built: publish (axvm_vcpu_lookup_rcu reads it locklessly). */
	smp_store_release(&vm->vcpus[id], vcpu);
	WRITE_ONCE(vm->nr_vcpus, vm->nr_vcpus + 1);
	if (out)
		*out = vcpu;
	return 0;
}

int axvm_vm_create_vcpu(struct axvm *vm, u32 id, struct axvm_vcpu **out)
{
	int ret;

	ret = axvm_vm_lock_live(vm);
	if (ret)
		return ret;
	switch (axvm_vm_state(vm)) {
	case AXVM_VM_LOADING:
	case AXVM_VM_LOADED:
		ret = axvm_vm_create_vcpu_locked(vm, id, out);
		break;
	default:
		ret = axvm_vm_refusal(axvm_vm_state(vm));
		break;
	}
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_create_vcpu);

/* Restart: every kept image again, into RAM whose contents are gone. */
int axvm_vm_reload_images(struct axvm *vm)
{
	struct axvm_image_copy *img;
	u64 entry;
	u32 mode;
	int ret;

	lockdep_assert_held(&vm->lock);
	list_for_each_entry(img, &vm->images, node) {
		entry = img->gpa;
		mode = vm->entry_mode;
		ret = vm_load_one(vm, img, &entry, &mode);
		if (ret)
			return ret;
	}
	ret = vm_write_mb_info(vm, NULL);
	if (!ret)
		ret = vm_write_linux_params(vm, NULL);
	return ret;
}
