/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The name of every VM state (enum axvm_vm_state, the uapi), one per
 * line in the enum's order, so the kernel's log lines and axvmctl's
 * list, info and JSON say the same words: AXVM_VM_STATE(ID, name) for
 * AXVM_VM_<ID>. The includer defines AXVM_VM_STATE. No include guard:
 * by design.
 */
AXVM_VM_STATE(LOADING, "loading")
AXVM_VM_STATE(LOADED, "loaded")
AXVM_VM_STATE(RUNNING, "running")
AXVM_VM_STATE(SUSPENDED, "suspended")
AXVM_VM_STATE(STOPPING, "stopping")
AXVM_VM_STATE(STOPPED, "stopped")
