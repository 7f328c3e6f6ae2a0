// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of VMs: ids (an xarray), unique names, the module-wide
 * limits and the memory accounting against them, lookups, and the
 * reference that frees a VM when its last holder lets go.
 *
 * Lock order (module/axvm.h): axvm_registry_lock nests inside vm->lock
 * for the accounting (axvm_vm_charge) and is never held around it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/xarray.h>
#include <linux/overflow.h>
#include <linux/nospec.h>
#include "vm_internal.h"
#include "console.h"
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

int axvm_registry_add(struct axvm *vm, const struct axvm_create_vm *req)
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
	axvm_vm_teardown(vm);
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
AXVM_EXPORT_FOR_TESTS(axvm_vcpu_lookup_rcu);

/*
 * Count @bytes of guest RAM or of image copies (kept for RESTART)
 * against the per-VM and the module-wide limits. Kernel memory either
 * way, and a caller of /dev/axvm decides how much: both must be bounded.
 */
int axvm_vm_charge(struct axvm *vm, u64 bytes)
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

void axvm_vm_uncharge(struct axvm *vm, u64 bytes)
{
	mutex_lock(&axvm_registry_lock);
	axvm_total_memory -= bytes;
	vm->charged_memory -= bytes;
	mutex_unlock(&axvm_registry_lock);
}

/* A new reference to some VM still alive, or NULL when none is left. */
struct axvm *axvm_registry_get_any(void)
{
	struct axvm *vm;
	unsigned long id;

	mutex_lock(&axvm_registry_lock);
	xa_for_each(&axvm_vms, id, vm)
		if (kref_get_unless_zero(&vm->ref))
			break;
	mutex_unlock(&axvm_registry_lock);
	return vm;
}
