/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the four files of a VM object (vm.c, registry.c, vm_config.c,
 * lifecycle.c) and nobody else: the rest of the core uses vm.h.
 */
#ifndef AXVM_VM_INTERNAL_H
#define AXVM_VM_INTERNAL_H

#include "vm.h"

static inline u32 axvm_vm_state(struct axvm *vm)
{
	return READ_ONCE(vm->state);
}

/* registry.c */
int axvm_registry_add(struct axvm *vm, const struct axvm_create_vm *req);
struct axvm *axvm_registry_get_any(void);
/* RAM or image bytes against the per-VM and module-wide limits. */
int axvm_vm_charge(struct axvm *vm, u64 bytes);
void axvm_vm_uncharge(struct axvm *vm, u64 bytes);

/* vm.c: everything but the registry entry. */
void axvm_vm_teardown(struct axvm *vm);

/* vm_config.c, under vm->lock */
/* axvm_vm_lock_live, and the VM must be loading; unlocked on refusal. */
int axvm_vm_lock_loading(struct axvm *vm);
int axvm_vm_create_vcpu_locked(struct axvm *vm, u32 id,
			       struct axvm_vcpu **out);
int axvm_vm_reload_images(struct axvm *vm);
void axvm_vm_free_images(struct axvm *vm);

/* lifecycle.c */
/* vm->lock for a configuration or lifecycle step; -ENOENT once destroyed. */
int axvm_vm_lock_live(struct axvm *vm);
/* The errno for a step @state refuses: -EBUSY running, else -EINVAL. */
int axvm_vm_refusal(u32 state);

#endif /* AXVM_VM_INTERNAL_H */
