/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM and vCPU objects: creation (vm.c), the registry (registry.c),
 * configuration (vm_config.c), the lifecycle (lifecycle.c), managed
 * threads (managed.c) and the run loop (vcpu.c). The ioctl layer
 * (main.c, vm_fd.c, vcpu_fd.c) calls these after copying arguments in;
 * KUnit calls them directly on a fake HAL and a fake arch.
 */
#ifndef AXVM_VM_H
#define AXVM_VM_H

#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include "axvm.h"

/* Module-wide limits (module parameters, see main.c). */
struct axvm_limits {
	unsigned int max_vms;
	unsigned int max_vcpus;
	u64 max_vm_memory;		/* bytes per VM */
	u64 max_total_memory;		/* bytes over all VMs */
	unsigned int console_size;	/* bytes, power of two */
};
extern struct axvm_limits axvm_limits;

int axvm_vm_create(const struct axvm_create_vm *req,
		   const struct axvm_hal_ops *hal,
		   const struct axvm_arch_ops *arch, struct axvm **out);
void axvm_vm_get(struct axvm *vm);
void axvm_vm_put(struct axvm *vm);
/* A new reference to the VM with @id, or NULL. */
struct axvm *axvm_vm_find(u32 id);
/* Fill @ids (up to @nr) and return how many VMs exist. */
unsigned int axvm_vm_list(u32 *ids, unsigned int nr);

void axvm_vm_info(struct axvm *vm, struct axvm_vm_info *info);

/* Configuration: only while loading. */
int axvm_vm_add_region(struct axvm *vm, const struct axvm_memory_region *r);
int axvm_vm_del_region(struct axvm *vm, const struct axvm_memory_region *r);
int axvm_vm_add_device(struct axvm *vm, const struct axvm_device *d);
int axvm_vm_set_entry(struct axvm *vm, const struct axvm_entry *e);
/* @img is a kernel copy; the VM keeps it to reload on restart. */
/* @img and @cmdline (or NULL) are the VM's on success, the caller's else. */
int axvm_vm_load_image(struct axvm *vm, void *img, char *cmdline,
		       struct axvm_image *req);
int axvm_vm_create_vcpu(struct axvm *vm, u32 id, struct axvm_vcpu **out);

/* Lifecycle, DESIGN.md §2. */
int axvm_vm_finalize(struct axvm *vm);
int axvm_vm_start(struct axvm *vm);
int axvm_vm_pause(struct axvm *vm);
int axvm_vm_resume(struct axvm *vm);
int axvm_vm_stop(struct axvm *vm);
int axvm_vm_restart(struct axvm *vm);
int axvm_vm_destroy(struct axvm *vm);
/* Stop every managed VM (module unload). */
void axvm_vm_destroy_all(void);

/*
 * From a vCPU thread or a device: the guest ended the VM. A managed VM
 * the guest reset is then rebooted by axvm_vm_reboot_work, unless
 * created with AXVM_VM_NO_REBOOT.
 */
void axvm_vm_stop_from_guest(struct axvm *vm, u32 reason, s64 code);
void axvm_vm_reboot_work(struct work_struct *work);

const char *axvm_vm_state_name(u32 state);

/* Run loop (vcpu.c). */
int axvm_vcpu_run(struct axvm_vcpu *vcpu);
void axvm_vcpu_free(struct axvm_vcpu *vcpu);
int axvm_vcpu_reset(struct axvm_vcpu *vcpu);
struct axvm_vcpu *axvm_vcpu_alloc(struct axvm *vm, u32 id);
/* Under rcu_read_lock(): the vCPU, or NULL. */
struct axvm_vcpu *axvm_vcpu_lookup_rcu(u32 vm_id, u32 vcpu_id);
int axvm_irq_line(struct axvm *vm, const struct axvm_irq *irq);
/* Platform VMs: AXVM_SET_GSI and AXVM_SIGNAL_MSI (-EINVAL on a bare VM). */
int axvm_vm_set_gsi(struct axvm *vm, const struct axvm_gsi *gsi);
int axvm_vm_signal_msi(struct axvm *vm, const struct axvm_msi *msi);

/* Managed mode (managed.c). */
int axvm_managed_start(struct axvm *vm);
void axvm_managed_stop(struct axvm *vm);
void axvm_managed_reap_orphans(struct axvm *vm);

/*
 * Around what a VM allocates on someone's behalf (its fd ioctls, its
 * managed threads): charge it to the creator's memory cgroup.
 */
static inline struct mem_cgroup *axvm_vm_charge_begin(struct axvm *vm)
{
	return set_active_memcg(vm->memcg);
}

static inline void axvm_vm_charge_end(struct mem_cgroup *old)
{
	set_active_memcg(old);
}

/* Rate-limited log lines naming the VM. */
#define axvm_vm_err(vm, fmt, ...) \
	pr_err_ratelimited("vm %u (%s): " fmt, (vm)->id, (vm)->name, ##__VA_ARGS__)
#define axvm_vm_warn(vm, fmt, ...) \
	pr_warn_ratelimited("vm %u (%s): " fmt, (vm)->id, (vm)->name, ##__VA_ARGS__)
#define axvm_vm_notice(vm, fmt, ...) \
	pr_notice_ratelimited("vm %u (%s): " fmt, (vm)->id, (vm)->name, ##__VA_ARGS__)

#endif /* AXVM_VM_H */
