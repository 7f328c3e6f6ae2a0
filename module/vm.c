// SPDX-License-Identifier: GPL-2.0
/*
 * A VM object (axvm's AxVM): creation with its address space, devices
 * and console, what its devices may ask of it, its info, and teardown.
 * The registry (registry.c), configuration (vm_config.c) and the
 * lifecycle (lifecycle.c) are files of their own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/ctype.h>
#include <linux/cpumask.h>
#include <linux/cred.h>
#include "vm_internal.h"
#include "console.h"
#include "kunit_export.h"

/* In enum order; the enum's values are 0 to AXVM_VM_STOPPED. */
static const char * const axvm_state_names[] = {
#define AXVM_VM_STATE(id, name) (name),
#include <axvm/vm_states.h>
#undef AXVM_VM_STATE
};
static_assert(ARRAY_SIZE(axvm_state_names) == AXVM_VM_STOPPED + 1);

const char *axvm_vm_state_name(u32 state)
{
	return state < ARRAY_SIZE(axvm_state_names) ? axvm_state_names[state] :
						      "invalid";
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_state_name);

/* ---- device host: what a device may ask of its VM ---------------------- */

static void vm_dev_raise_irq(void *ctx, u32 irq)
{
	struct axvm *vm = ctx;
	struct axvm_irq line = { .vcpu = 0, .irq = irq };

	/* A platform's line is an ISA IRQ: the device's edge is a pulse. */
	if (vm->platform) {
		vm->platform->set_gsi(vm, irq, true);
		vm->platform->set_gsi(vm, irq, false);
		return;
	}
	/* A bare VM's line goes to vCPU 0 as vector 0x20 + line. */
	axvm_irq_line(vm, &line);
}

static void vm_dev_console_out(void *ctx, const u8 *buf, size_t len)
{
	struct axvm *vm = ctx;

	axvm_console_write_out(vm->console, buf, len);
}

static void vm_dev_system_down(void *ctx, s64 code)
{
	axvm_vm_stop_from_guest(ctx, AXVM_STOP_DEBUG_EXIT, code);
}

/* Console input goes to the first device that takes it (the UART). */
static int vm_console_input(void *ctx, const u8 *buf, size_t len)
{
	struct axvm *vm = ctx;

	/* The device set is only stable (read without a lock) once loaded. */
	if (READ_ONCE(vm->state) == AXVM_VM_LOADING)
		return -EAGAIN;
	return axvm_devset_console_input(&vm->devices, buf, len);
}

static void vm_console_get(void *ctx)
{
	axvm_vm_get(ctx);
}

static void vm_console_put(void *ctx)
{
	axvm_vm_put(ctx);
}

static const struct axvm_console_ops vm_console_ops = {
	.input	= vm_console_input,
	.get	= vm_console_get,
	.put	= vm_console_put,
};

/* ---- interrupts from userspace's devices (platform VMs) ------------------ */

int axvm_vm_set_gsi(struct axvm *vm, const struct axvm_gsi *gsi)
{
	if (!vm->platform || gsi->flags || gsi->pad || gsi->level > 1)
		return -EINVAL;
	return vm->platform->set_gsi(vm, gsi->gsi, gsi->level);
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_set_gsi);

int axvm_vm_signal_msi(struct axvm *vm, const struct axvm_msi *msi)
{
	if (!vm->platform || msi->flags ||
	    memchr_inv(msi->reserved, 0, sizeof(msi->reserved)))
		return -EINVAL;
	return vm->platform->signal_msi(vm, msi->address, msi->data);
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_signal_msi);

/* ---- creation and teardown ---------------------------------------------- */

static int vm_check_name(const char *name)
{
	size_t len = strnlen(name, AXVM_NAME_LEN);
	size_t i;

	if (len == AXVM_NAME_LEN)
		return -ENAMETOOLONG;
	for (i = 0; i < len; i++)
		/* isalnum() takes Latin-1 letters too: names are ASCII. */
		if (!isascii(name[i]) ||
		    (!isalnum(name[i]) && !strchr("._-", name[i])))
			return -EINVAL;
	return 0;
}

static int vm_check_create(const struct axvm_create_vm *req)
{
	unsigned int i;
	int ret;

	if (req->flags & ~AXVM_CREATE_VM_VALID_FLAGS)
		return -EINVAL;
	if (req->pad || memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return -EINVAL;
	if (!req->max_vcpus || req->max_vcpus > axvm_limits.max_vcpus ||
	    req->max_vcpus > ARRAY_SIZE(req->pcpu_sets) * 8)
		return req->max_vcpus ? -ENOSPC : -EINVAL;
	if (req->id == AXVM_ID_NONE || req->id > INT_MAX)
		return -EINVAL;
	ret = vm_check_name(req->name);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(req->pcpu_sets); i++) {
		u64 set = req->pcpu_sets[i];

		if (!set)
			continue;
		/* Pinning is for the module's own threads: managed VMs. */
		if (!(req->flags & AXVM_VM_MANAGED) || i >= req->max_vcpus)
			return -EINVAL;
		if (set & ~cpumask_bits(cpu_possible_mask)[0])
			return -EINVAL;
	}
	return 0;
}

/* Everything but the registry entry; the VM was never published or is gone. */
void axvm_vm_teardown(struct axvm *vm)
{
	u32 i;

	/*
	 * The devices and the platform go first: their timers fire until
	 * destroyed, and a line they raise reaches every vCPU's APIC.
	 */
	axvm_devset_destroy(&vm->devices);
	if (vm->platform)
		vm->platform->vm_destroy(vm);
	for (i = 0; i < vm->max_vcpus; i++)
		if (vm->vcpus[i])
			axvm_vcpu_free(vm->vcpus[i]);
	axvm_aspace_destroy(&vm->aspace);
	if (vm->arch->vm_destroy)
		vm->arch->vm_destroy(vm);
	axvm_console_destroy(vm->console);
	axvm_vm_free_images(vm);
	mem_cgroup_put(vm->memcg);
	kfree(vm->vcpus);
	kfree(vm);
}

int axvm_vm_create(const struct axvm_create_vm *req,
		   const struct axvm_hal_ops *hal,
		   const struct axvm_arch_ops *arch, struct axvm **out)
{
	struct axvm *vm;
	int ret;

	ret = vm_check_create(req);
	if (ret)
		return ret;
	ret = axvm_hal_check(hal);
	if (ret)
		return ret;
	if (!arch)
		return -ENODEV;
	if ((req->flags & AXVM_VM_PLATFORM_PC) && !arch->platform)
		return -EOPNOTSUPP;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->ref);
	vm->memcg = get_mem_cgroup_from_mm(current->mm);
	vm->owner = current_euid();
	vm->flags = req->flags;
	vm->hal = hal;
	vm->arch = arch;
	if (req->flags & AXVM_VM_PLATFORM_PC)
		vm->platform = arch->platform;
	vm->max_vcpus = req->max_vcpus;
	memcpy(vm->pcpu_sets, req->pcpu_sets, sizeof(vm->pcpu_sets));
	vm->created_ns = hal->current_time_nanos(hal);
	vm->state = AXVM_VM_LOADING;
	vm->entry = 0x100000;
	vm->entry_mode = AXVM_MODE_LONG;
	mutex_init(&vm->lock);
	spin_lock_init(&vm->state_lock);
	init_waitqueue_head(&vm->state_wq);
	INIT_LIST_HEAD(&vm->images);
	INIT_WORK(&vm->reboot_work, axvm_vm_reboot_work);
	vm->dev_host.raise_irq = vm_dev_raise_irq;
	vm->dev_host.console_out = vm_dev_console_out;
	vm->dev_host.system_down = vm_dev_system_down;
	vm->dev_host.ctx = vm;
	axvm_devset_init(&vm->devices, &vm->dev_host);

	vm->vcpus = kcalloc(req->max_vcpus, sizeof(*vm->vcpus),
			    GFP_KERNEL_ACCOUNT);
	if (!vm->vcpus) {
		ret = -ENOMEM;
		goto err_free_vm;
	}
	ret = axvm_aspace_init(&vm->aspace, hal, arch->pte_ops,
			       axvm_limits.max_vm_memory);
	if (ret)
		goto err_free_vcpus;
	vm->console = axvm_console_create(axvm_limits.console_size,
					  &vm_console_ops, vm);
	if (IS_ERR(vm->console)) {
		ret = PTR_ERR(vm->console);
		vm->console = NULL;
		goto err_aspace;
	}
	if (arch->vm_init) {
		ret = arch->vm_init(vm);
		if (ret)
			goto err_console;
	}
	if (vm->platform) {
		ret = vm->platform->vm_init(vm);
		if (ret)
			goto err_arch;
	}
	if (axvm_vm_managed(vm)) {
		/*
		 * The module keeps a managed VM until DESTROY or unload; the
		 * reference exists before the VM can be found.
		 */
		axvm_vm_get(vm);
		vm->registry_ref = true;
	}
	ret = axvm_registry_add(vm, req);
	if (ret) {
		/* Never published: the full teardown undoes vm_init too. */
		axvm_vm_teardown(vm);
		return ret;
	}
	*out = vm;
	return 0;

err_arch:
	if (arch->vm_destroy)
		arch->vm_destroy(vm);
err_console:
	axvm_console_destroy(vm->console);
err_aspace:
	axvm_aspace_destroy(&vm->aspace);
err_free_vcpus:
	kfree(vm->vcpus);
err_free_vm:
	axvm_devset_destroy(&vm->devices);
	mem_cgroup_put(vm->memcg);
	kfree(vm);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_create);

void axvm_vm_info(struct axvm *vm, struct axvm_vm_info *info)
{
	struct axvm_stats_counters *c = &vm->stats;
	unsigned long flags;

	memset(info, 0, sizeof(*info));
	info->id = vm->id;
	info->flags = vm->flags;
	info->max_vcpus = vm->max_vcpus;
	info->nr_vcpus = READ_ONCE(vm->nr_vcpus);
	info->memory_bytes = READ_ONCE(vm->aspace.mapped_bytes);
	info->image_bytes = READ_ONCE(vm->image_bytes);
	info->created_ns = vm->created_ns;
	strscpy(info->name, vm->name, sizeof(info->name));
	spin_lock_irqsave(&vm->state_lock, flags);
	info->state = vm->state;
	info->exit_reason = vm->stop_reason;
	info->exit_code = vm->exit_code;
	spin_unlock_irqrestore(&vm->state_lock, flags);
	info->stats.exits = atomic64_read(&c->exits);
	info->stats.io_exits = atomic64_read(&c->io_exits);
	info->stats.mmio_exits = atomic64_read(&c->mmio_exits);
	info->stats.unhandled_io = atomic64_read(&c->unhandled_io);
	info->stats.unhandled_mmio = atomic64_read(&c->unhandled_mmio);
	info->stats.injected_irqs = atomic64_read(&c->injected_irqs);
	info->stats.hypercalls = atomic64_read(&c->hypercalls);
	info->stats.halts = atomic64_read(&c->halts);
	info->stats.npf_populated = atomic64_read(&c->npf_populated);
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_info);
