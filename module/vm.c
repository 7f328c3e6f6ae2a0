// SPDX-License-Identifier: GPL-2.0
/*
 * VMs: the registry, creation and teardown, configuration and the
 * lifecycle of DESIGN.md §2 (axvm's VMStatus, with restart that works).
 *
 * Lock order: see module/axvm.h. Here: axvm_registry_lock, then
 * vm->lock, then one vcpu->mutex at a time, then vm->state_lock.
 * A vCPU thread never takes vm->lock: it changes the state (a guest
 * stop) under vm->state_lock only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/xarray.h>
#include <linux/ctype.h>
#include <linux/overflow.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/nospec.h>
#include "vm.h"
#include "console.h"
#include "loader.h"
#include "kunit_export.h"

struct axvm_limits axvm_limits = {
	.max_vms		= 64,
	.max_vcpus		= 16,
	.max_vm_memory		= 8ULL << 30,
	.max_total_memory	= 64ULL << 30,
	.console_size		= AXVM_CONSOLE_DEFAULT_SIZE,
};
AXVM_EXPORT_FOR_TESTS(axvm_limits);

static DEFINE_MUTEX(axvm_registry_lock);
static DEFINE_XARRAY_ALLOC1(axvm_vms);
static unsigned int axvm_nr_vms;
static u64 axvm_total_memory;		/* under axvm_registry_lock */

struct axvm_image_copy {
	struct list_head node;
	void *data;
	size_t size;
	u32 format;
	u64 gpa;
};

static const char * const axvm_state_names[] = {
	[AXVM_VM_LOADING]	= "loading",
	[AXVM_VM_LOADED]	= "loaded",
	[AXVM_VM_RUNNING]	= "running",
	[AXVM_VM_SUSPENDED]	= "suspended",
	[AXVM_VM_STOPPING]	= "stopping",
	[AXVM_VM_STOPPED]	= "stopped",
};

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

	/* Until an interrupt controller exists, lines go to vCPU 0. */
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

/* Console input goes to the first UART. */
static int vm_console_input(void *ctx, const u8 *buf, size_t len)
{
	struct axvm *vm = ctx;
	struct axvm_device_inst *uart;

	/* The device set is only stable (read without a lock) once loaded. */
	if (READ_ONCE(vm->state) == AXVM_VM_LOADING)
		return -EAGAIN;
	uart = axvm_devset_find_type(&vm->devices, AXVM_DEV_UART16550);
	if (!uart)
		return -ENXIO;
	return axvm_uart_receive(uart, buf, len);
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

/* Under axvm_registry_lock. Is @name used by a VM other than @self? */
static bool vm_name_taken(const char *name, const struct axvm *self)
{
	struct axvm *vm;
	unsigned long id;

	lockdep_assert_held(&axvm_registry_lock);
	xa_for_each(&axvm_vms, id, vm)
		if (vm != self && !strcmp(vm->name, name))
			return true;
	return false;
}

static int vm_register(struct axvm *vm, const struct axvm_create_vm *req)
{
	u32 id;
	int ret;

	mutex_lock(&axvm_registry_lock);
	if (axvm_nr_vms >= axvm_limits.max_vms) {
		pr_warn_ratelimited("VM limit reached (max_vms=%u)\n",
				    axvm_limits.max_vms);
		ret = -ENOSPC;
		goto out;
	}
	if (req->name[0] && vm_name_taken(req->name, NULL)) {
		ret = -EEXIST;
		goto out;
	}
	if (req->id) {
		id = req->id;
		ret = xa_insert(&axvm_vms, id, vm, GFP_KERNEL_ACCOUNT);
		if (ret == -EBUSY)
			ret = -EEXIST;
	} else {
		ret = xa_alloc(&axvm_vms, &id, vm, xa_limit_31b,
			       GFP_KERNEL_ACCOUNT);
	}
	if (ret)
		goto out;
	vm->id = id;
	if (req->name[0]) {
		strscpy(vm->name, req->name, sizeof(vm->name));
	} else {
		snprintf(vm->name, sizeof(vm->name), "vm%u", id);
		/* "vm7" may be a name someone chose: then take a longer one. */
		if (vm_name_taken(vm->name, vm))
			snprintf(vm->name, sizeof(vm->name), "vm%u-%llu", id,
				 vm->created_ns);
	}
	axvm_nr_vms++;
out:
	mutex_unlock(&axvm_registry_lock);
	return ret;
}

static void vm_free_images(struct axvm *vm)
{
	struct axvm_image_copy *img, *tmp;

	list_for_each_entry_safe(img, tmp, &vm->images, node) {
		list_del(&img->node);
		kvfree(img->data);
		kfree(img);
	}
}

/* Everything but the registry entry; the VM was never published or is gone. */
static void vm_teardown(struct axvm *vm)
{
	u32 i;

	for (i = 0; i < vm->max_vcpus; i++)
		if (vm->vcpus[i])
			axvm_vcpu_free(vm->vcpus[i]);
	axvm_devset_destroy(&vm->devices);
	axvm_aspace_destroy(&vm->aspace);
	if (vm->arch->vm_destroy)
		vm->arch->vm_destroy(vm);
	axvm_console_destroy(vm->console);
	vm_free_images(vm);
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

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->ref);
	vm->memcg = get_mem_cgroup_from_mm(current->mm);
	vm->owner = current_euid();
	vm->flags = req->flags;
	vm->hal = hal;
	vm->arch = arch;
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
	if (axvm_vm_managed(vm)) {
		/*
		 * The module keeps a managed VM until DESTROY or unload; the
		 * reference exists before the VM can be found.
		 */
		axvm_vm_get(vm);
		vm->registry_ref = true;
	}
	ret = vm_register(vm, req);
	if (ret) {
		/* Never published: the full teardown undoes vm_init too. */
		vm_teardown(vm);
		return ret;
	}
	*out = vm;
	return 0;

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

void axvm_vm_get(struct axvm *vm)
{
	kref_get(&vm->ref);
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_get);

/* Called with axvm_registry_lock held (kref_put_mutex); releases it. */
static void vm_release(struct kref *ref)
{
	struct axvm *vm = container_of(ref, struct axvm, ref);

	xa_erase(&axvm_vms, vm->id);
	axvm_nr_vms--;
	axvm_total_memory -= vm->charged_memory;
	mutex_unlock(&axvm_registry_lock);

	/*
	 * inject_irq_to_vcpu finds vCPUs under RCU: let those finish.
	 * Expedited: a VM's teardown is rare but its latency is felt (VM
	 * create+destroy is a benchmark row, and tests do it 1000 times).
	 */
	synchronize_rcu_expedited();
	axvm_managed_reap_orphans(vm);
	vm_teardown(vm);
}

void axvm_vm_put(struct axvm *vm)
{
	kref_put_mutex(&vm->ref, vm_release, &axvm_registry_lock);
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_put);

struct axvm *axvm_vm_find(u32 id)
{
	struct axvm *vm;

	mutex_lock(&axvm_registry_lock);
	vm = xa_load(&axvm_vms, id);
	if (vm && !kref_get_unless_zero(&vm->ref))
		vm = NULL;
	mutex_unlock(&axvm_registry_lock);
	return vm;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_find);

unsigned int axvm_vm_list(u32 *ids, unsigned int nr)
{
	unsigned int n = 0;
	unsigned long id;
	struct axvm *vm;

	mutex_lock(&axvm_registry_lock);
	xa_for_each(&axvm_vms, id, vm) {
		if (n < nr)
			ids[n] = id;
		n++;
	}
	mutex_unlock(&axvm_registry_lock);
	return n;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_list);

struct axvm_vcpu *axvm_vcpu_lookup_rcu(u32 vm_id, u32 vcpu_id)
{
	struct axvm *vm = xa_load(&axvm_vms, vm_id);

	if (!vm || vcpu_id >= vm->max_vcpus)
		return NULL;
	vcpu_id = array_index_nospec(vcpu_id, vm->max_vcpus);
	/* Published with smp_store_release in axvm_vm_create_vcpu. */
	return smp_load_acquire(&vm->vcpus[vcpu_id]);
}

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

/* ---- states -------------------------------------------------------------- */

static u32 vm_state(struct axvm *vm)
{
	return READ_ONCE(vm->state);
}

/*
 * DESTROY took the module's reference: what is left is an object that
 * open fds still hold, which no lifecycle or configuration step may
 * bring back to life (a thread started now would outlive the VM).
 */
static bool vm_destroyed(struct axvm *vm)
{
	lockdep_assert_held(&vm->lock);
	return axvm_vm_managed(vm) && !vm->registry_ref;
}

/* vm->lock for a lifecycle or configuration step: -ENOENT once destroyed. */
static int vm_lock_live(struct axvm *vm)
{
	mutex_lock(&vm->lock);
	if (!vm_destroyed(vm))
		return 0;
	mutex_unlock(&vm->lock);
	axvm_vm_warn(vm, "destroyed: only closing its fds is left\n");
	return -ENOENT;
}

/*
 * The errno for an operation the state @state refuses: -EBUSY when the
 * VM is running (stop it first), -EINVAL when it does not exist there.
 */
static int vm_refusal(u32 state)
{
	return state == AXVM_VM_RUNNING ? -EBUSY : -EINVAL;
}

/*
 * Move from one of the states in @from (a bit mask of states) to @to.
 * -EBUSY when the VM is running (it is busy, the caller may stop it
 * first), -EINVAL when the transition does not exist.
 */
static int vm_transition(struct axvm *vm, unsigned int from, u32 to)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&vm->state_lock, flags);
	if (!(from & BIT(vm->state)))
		ret = vm_refusal(vm->state);
	else
		WRITE_ONCE(vm->state, to);
	spin_unlock_irqrestore(&vm->state_lock, flags);
	if (ret)
		axvm_vm_warn(vm, "cannot go from %s to %s\n",
			     axvm_vm_state_name(vm->state),
			     axvm_vm_state_name(to));
	return ret;
}

static void vm_kick_all(struct axvm *vm)
{
	u32 i;

	for (i = 0; i < vm->max_vcpus; i++) {
		struct axvm_vcpu *vcpu = READ_ONCE(vm->vcpus[i]);

		if (vcpu)
			axvm_vcpu_kick(vcpu);
	}
	wake_up_all(&vm->state_wq);
}

void axvm_vm_stop_from_guest(struct axvm *vm, u32 reason, s64 code)
{
	unsigned long flags;
	bool stopped = false;

	spin_lock_irqsave(&vm->state_lock, flags);
	if (vm->state == AXVM_VM_RUNNING || vm->state == AXVM_VM_SUSPENDED) {
		WRITE_ONCE(vm->state, AXVM_VM_STOPPED);
		vm->stop_reason = reason;
		vm->exit_code = code;
		stopped = true;
	}
	spin_unlock_irqrestore(&vm->state_lock, flags);
	if (stopped)
		vm_kick_all(vm);
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_stop_from_guest);

static int vm_require_loading(struct axvm *vm)
{
	lockdep_assert_held(&vm->lock);
	if (vm_state(vm) != AXVM_VM_LOADING) {
		axvm_vm_warn(vm, "configuration is only possible while loading (now %s)\n",
			     axvm_vm_state_name(vm_state(vm)));
		return vm_refusal(vm_state(vm));
	}
	return 0;
}

/* ---- configuration ------------------------------------------------------- */

/*
 * Count @bytes of guest RAM or of image copies (kept for RESTART)
 * against the per-VM and the module-wide limits. Kernel memory either
 * way, and a caller of /dev/axvm decides how much: both must be bounded.
 */
static int vm_charge(struct axvm *vm, u64 bytes)
{
	u64 vm_total, total;
	int ret = 0;

	lockdep_assert_held(&vm->lock);
	mutex_lock(&axvm_registry_lock);
	if (check_add_overflow(vm->charged_memory, bytes, &vm_total) ||
	    vm_total > axvm_limits.max_vm_memory) {
		axvm_vm_warn(vm, "guest memory limit per VM reached (max_vm_memory_mb)\n");
		ret = -ENOSPC;
	} else if (check_add_overflow(axvm_total_memory, bytes, &total) ||
		   total > axvm_limits.max_total_memory) {
		axvm_vm_warn(vm, "guest memory limit of all VMs reached (max_total_memory_mb)\n");
		ret = -ENOSPC;
	} else {
		axvm_total_memory = total;
		vm->charged_memory = vm_total;
	}
	mutex_unlock(&axvm_registry_lock);
	return ret;
}

static void vm_uncharge(struct axvm *vm, u64 bytes)
{
	mutex_lock(&axvm_registry_lock);
	axvm_total_memory -= bytes;
	vm->charged_memory -= bytes;
	mutex_unlock(&axvm_registry_lock);
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

	ret = vm_lock_live(vm);
	if (ret)
		return ret;
	ret = vm_require_loading(vm);
	if (ret)
		goto out;
	/* The limits first, so a refusal changes nothing. */
	ret = vm_charge(vm, r->size);
	if (ret)
		goto out;
	ret = axvm_aspace_add_region(&vm->aspace, r->gpa, r->size, r->flags,
				     r->map_type);
	if (ret)
		vm_uncharge(vm, r->size);
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
	ret = vm_lock_live(vm);
	if (ret)
		return ret;
	ret = vm_require_loading(vm);
	if (!ret)
		ret = axvm_aspace_del_region(&vm->aspace, r->gpa, r->size);
	if (!ret)
		vm_uncharge(vm, r->size);
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_del_region);

int axvm_vm_add_device(struct axvm *vm, const struct axvm_device *d)
{
	int ret;

	ret = vm_lock_live(vm);
	if (ret)
		return ret;
	ret = vm_require_loading(vm);
	if (!ret)
		ret = axvm_devset_add(&vm->devices, d);
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_add_device);

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

int axvm_vm_set_entry(struct axvm *vm, const struct axvm_entry *e)
{
	int ret;

	if (e->flags || memchr_inv(e->reserved, 0, sizeof(e->reserved)))
		return -EINVAL;
	ret = vm_check_entry(e->entry, e->mode);
	if (ret)
		return ret;
	ret = vm_lock_live(vm);
	if (ret)
		return ret;
	ret = vm_require_loading(vm);
	if (!ret) {
		vm->entry = e->entry;
		vm->entry_mode = e->mode;
	}
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_set_entry);

static int vm_load_one(struct axvm *vm, struct axvm_image_copy *img,
		       u64 *entry, u32 *mode)
{
	struct axvm_boot_regs regs = {};
	int ret;

	ret = axvm_load_image(&vm->aspace, img->data, img->size, img->format,
			      img->gpa, entry, mode, &regs);
	if (!ret && regs.set) {
		vm->boot_regs_set = true;
		vm->boot_rax = regs.rax;
		vm->boot_rbx = regs.rbx;
	}
	return ret;
}

int axvm_vm_load_image(struct axvm *vm, void *data, struct axvm_image *req)
{
	struct axvm_image_copy *img;
	u64 entry = req->gpa;
	u32 mode = vm->entry_mode;
	int ret;

	if (req->flags & ~AXVM_IMAGE_VALID_FLAGS || req->pad ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return -EINVAL;
	if (req->format > AXVM_IMAGE_MULTIBOOT)
		return -EINVAL;
	img = kzalloc(sizeof(*img), GFP_KERNEL_ACCOUNT);
	if (!img)
		return -ENOMEM;
	img->data = data;
	img->size = req->size;
	img->format = req->format;
	img->gpa = req->gpa;

	ret = vm_lock_live(vm);
	if (ret)
		goto err_free_img;
	ret = vm_require_loading(vm);
	/* A raw image's entry is known up front: refuse before writing. */
	if (!ret && req->format == AXVM_IMAGE_RAW &&
	    (req->flags & AXVM_IMAGE_SET_ENTRY))
		ret = vm_check_entry(req->gpa, mode);
	/* The copy kept for RESTART counts like guest RAM. */
	if (!ret)
		ret = vm_charge(vm, req->size);
	if (ret)
		goto out_unlock;
	ret = vm_load_one(vm, img, &entry, &mode);
	if (!ret && (req->flags & AXVM_IMAGE_SET_ENTRY)) {
		ret = vm_check_entry(entry, mode);
		if (!ret) {
			vm->entry = entry;
			vm->entry_mode = mode;
		}
	}
	if (ret) {
		vm_uncharge(vm, req->size);
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
	req->entry = entry;
	req->mode = mode;
	return 0;

err_free_img:
	/* The caller frees @data on failure. */
	kfree(img);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_load_image);

/* Under vm->lock. */
static int vm_create_vcpu_locked(struct axvm *vm, u32 id,
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

	ret = vm_lock_live(vm);
	if (ret)
		return ret;
	switch (vm_state(vm)) {
	case AXVM_VM_LOADING:
	case AXVM_VM_LOADED:
		ret = vm_create_vcpu_locked(vm, id, out);
		break;
	default:
		ret = vm_refusal(vm_state(vm));
		break;
	}
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_create_vcpu);

/* ---- lifecycle ----------------------------------------------------------- */

/* Reset every vCPU to the entry state, each under its own mutex. */
static int vm_reset_vcpus(struct axvm *vm)
{
	struct axvm_vcpu *vcpu;
	u32 i;
	int ret;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < vm->max_vcpus; i++) {
		vcpu = vm->vcpus[i];
		if (!vcpu)
			continue;
		mutex_lock(&vcpu->mutex);
		ret = axvm_vcpu_reset(vcpu);
		mutex_unlock(&vcpu->mutex);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Wait until no RUN or register ioctl is in progress on any vCPU. The
 * mutexes are taken one at a time: holding up to 64 at once would
 * exceed lockdep's held-lock limit. Callers have moved the VM out of
 * "running" first, so a RUN that starts afterwards returns at once.
 */
static void vm_wait_vcpus(struct axvm *vm)
{
	u32 i;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < vm->max_vcpus; i++) {
		if (!vm->vcpus[i])
			continue;
		mutex_lock(&vm->vcpus[i]->mutex);
		mutex_unlock(&vm->vcpus[i]->mutex);
	}
}

int axvm_vm_finalize(struct axvm *vm)
{
	u32 i;
	int ret;

	ret = vm_lock_live(vm);
	if (ret)
		return ret;
	ret = vm_require_loading(vm);
	if (ret)
		goto out;
	/* Every vCPU of max_vcpus exists from here on (axvm's init()). */
	for (i = 0; i < vm->max_vcpus; i++) {
		if (vm->vcpus[i])
			continue;
		ret = vm_create_vcpu_locked(vm, i, NULL);
		if (ret)
			goto out;
	}
	ret = vm_reset_vcpus(vm);
	if (!ret)
		ret = vm_transition(vm, BIT(AXVM_VM_LOADING), AXVM_VM_LOADED);
out:
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_finalize);

static int vm_go_running(struct axvm *vm, unsigned int from)
{
	int ret;

	ret = vm_transition(vm, from, AXVM_VM_RUNNING);
	if (ret || !axvm_vm_managed(vm))
		return ret;
	ret = axvm_managed_start(vm);
	if (ret)
		axvm_vm_stop_from_guest(vm, AXVM_STOP_INTERNAL_ERROR, ret);
	return ret;
}

int axvm_vm_start(struct axvm *vm)
{
	int ret;

	ret = vm_lock_live(vm);
	if (ret)
		return ret;
	ret = vm_go_running(vm, BIT(AXVM_VM_LOADED));
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_start);

int axvm_vm_pause(struct axvm *vm)
{
	int ret;

	ret = vm_lock_live(vm);
	if (ret)
		return ret;
	ret = vm_transition(vm, BIT(AXVM_VM_RUNNING), AXVM_VM_SUSPENDED);
	if (ret == -EBUSY)	/* "busy" is not why pausing fails */
		ret = -EINVAL;
	if (!ret)
		vm_kick_all(vm);
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_pause);

int axvm_vm_resume(struct axvm *vm)
{
	int ret;

	ret = vm_lock_live(vm);
	if (ret)
		return ret;
	ret = vm_transition(vm, BIT(AXVM_VM_SUSPENDED), AXVM_VM_RUNNING);
	if (!ret)
		wake_up_all(&vm->state_wq);
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_resume);

/* Under vm->lock: running/suspended -> stopping -> stopped. */
static int vm_stop_locked(struct axvm *vm, u32 reason)
{
	unsigned long flags;
	int ret = 0;

	lockdep_assert_held(&vm->lock);
	spin_lock_irqsave(&vm->state_lock, flags);
	if (vm->state == AXVM_VM_RUNNING || vm->state == AXVM_VM_SUSPENDED) {
		WRITE_ONCE(vm->state, AXVM_VM_STOPPING);
		vm->stop_reason = reason;
		vm->exit_code = 0;
	} else if (vm->state != AXVM_VM_STOPPED) {
		ret = -EINVAL;
	}
	spin_unlock_irqrestore(&vm->state_lock, flags);
	if (ret) {
		axvm_vm_warn(vm, "cannot stop a VM that is %s\n",
			     axvm_vm_state_name(vm_state(vm)));
		return ret;
	}
	vm_kick_all(vm);
	/* Managed threads are reaped; RUN callers leave with EXIT_STOPPED. */
	axvm_managed_stop(vm);
	vm_wait_vcpus(vm);
	spin_lock_irqsave(&vm->state_lock, flags);
	WRITE_ONCE(vm->state, AXVM_VM_STOPPED);
	spin_unlock_irqrestore(&vm->state_lock, flags);
	return 0;
}

int axvm_vm_stop(struct axvm *vm)
{
	int ret;

	ret = vm_lock_live(vm);
	if (ret)
		return ret;
	if (vm_state(vm) == AXVM_VM_STOPPED) {
		/*
		 * Stopped already (e.g. by the guest): the request is met.
		 * Silent (docs/api.md): `axvmctl run` stops every VM it ran.
		 * Managed threads left by a guest stop are reaped now.
		 */
		axvm_managed_stop(vm);
		ret = 0;
	} else {
		ret = vm_stop_locked(vm, AXVM_STOP_REQUESTED);
	}
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_stop);

int axvm_vm_restart(struct axvm *vm)
{
	struct axvm_image_copy *img;
	unsigned long flags;
	u64 entry;
	u32 mode;
	int ret;

	ret = vm_lock_live(vm);
	if (ret)
		return ret;
	if (vm_state(vm) != AXVM_VM_STOPPED) {
		ret = vm_refusal(vm_state(vm));
		axvm_vm_warn(vm, "restart needs a stopped VM (now %s)\n",
			     axvm_vm_state_name(vm_state(vm)));
		goto out;
	}
	/* A guest-initiated stop leaves the managed threads to reap. */
	axvm_managed_stop(vm);
	/* Stopped: no vCPU is in the guest, RUN returns at once. */
	vm_wait_vcpus(vm);
	axvm_aspace_reset(&vm->aspace);
	ret = 0;
	list_for_each_entry(img, &vm->images, node) {
		entry = img->gpa;
		mode = vm->entry_mode;
		ret = vm_load_one(vm, img, &entry, &mode);
		if (ret)
			break;
	}
	axvm_devset_reset(&vm->devices);
	if (!ret)
		ret = vm_reset_vcpus(vm);
	if (ret) {
		axvm_vm_err(vm, "restart failed: %d\n", ret);
		goto out;
	}
	spin_lock_irqsave(&vm->state_lock, flags);
	vm->stop_reason = AXVM_STOP_NONE;
	vm->exit_code = 0;
	spin_unlock_irqrestore(&vm->state_lock, flags);
	ret = vm_go_running(vm, BIT(AXVM_VM_STOPPED));
out:
	mutex_unlock(&vm->lock);
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_restart);

/*
 * DESTROY: drop the module's reference to a managed VM, which is then
 * unlisted once the last fd closes. Any state but running.
 */
int axvm_vm_destroy(struct axvm *vm)
{
	int ret;

	ret = vm_lock_live(vm);
	if (ret)
		return ret;
	if (!axvm_vm_managed(vm)) {
		ret = -EINVAL;
		axvm_vm_warn(vm, "a VMM-mode VM is destroyed by closing its fds\n");
	} else if (vm_state(vm) == AXVM_VM_RUNNING) {
		ret = -EBUSY;
		axvm_vm_warn(vm, "stop the VM before destroying it\n");
	} else if (vm_state(vm) == AXVM_VM_SUSPENDED) {
		ret = vm_stop_locked(vm, AXVM_STOP_REQUESTED);
	}
	if (!ret) {
		axvm_managed_stop(vm);
		/* From here on every step is refused (vm_destroyed). */
		vm->registry_ref = false;
	}
	mutex_unlock(&vm->lock);
	if (!ret) {
		axvm_console_hangup(vm->console);
		axvm_vm_put(vm);
	}
	return ret;
}
AXVM_EXPORT_FOR_TESTS(axvm_vm_destroy);

/* Module unload: no fd is open (fops hold the module), so only managed
 * VMs remain, each held by its registry reference.
 */
void axvm_vm_destroy_all(void)
{
	struct axvm *vm;
	unsigned long id;

	for (;;) {
		vm = NULL;
		mutex_lock(&axvm_registry_lock);
		xa_for_each(&axvm_vms, id, vm)
			if (kref_get_unless_zero(&vm->ref))
				break;
		mutex_unlock(&axvm_registry_lock);
		if (!vm)
			break;
		mutex_lock(&vm->lock);
		if (vm_state(vm) == AXVM_VM_RUNNING ||
		    vm_state(vm) == AXVM_VM_SUSPENDED)
			vm_stop_locked(vm, AXVM_STOP_REQUESTED);
		axvm_managed_stop(vm);
		if (vm->registry_ref) {
			vm->registry_ref = false;
			mutex_unlock(&vm->lock);
			axvm_vm_put(vm);
		} else {
			mutex_unlock(&vm->lock);
		}
		axvm_vm_put(vm);
	}
}
