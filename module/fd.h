/* SPDX-License-Identifier: GPL-2.0 */
/* The fds of axvm: VM fds (vm_fd.c) and vCPU fds (vcpu_fd.c). */
#ifndef AXVM_FD_H
#define AXVM_FD_H

struct axvm;
struct axvm_vcpu;

struct file;

int axvm_vm_getfd(struct axvm *vm);
struct file *axvm_vm_file(struct axvm *vm);
long axvm_vm_ioctl(struct axvm *vm, unsigned int cmd, unsigned long arg);
int axvm_vcpu_create_fd(struct axvm *vm, unsigned long id);
long axvm_vcpu_ioctl(struct axvm_vcpu *vcpu, unsigned int cmd,
		     unsigned long arg);

#endif /* AXVM_FD_H */
