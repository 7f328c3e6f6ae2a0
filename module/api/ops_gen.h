/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the op lists (hal_ops.h, arch_ops.h) expand to: a struct member
 * per op, and a presence check per op. One list per table generates
 * both, so a table and its check cannot drift apart (kvm-x86-ops.h's
 * idea). checkpatch cannot read X-macros: the Makefile leaves this file
 * out of `make checkpatch`, as it does kunit_export.h.
 */
#ifndef AXVM_OPS_GEN_H
#define AXVM_OPS_GEN_H

/* In a struct: the member for op @name. */
#define AXVM_OP_MEMBER(ret, name, args)	ret (*name) args;
/* In a check function with a local `bool missing`: is @obj's op there? */
#define AXVM_OP_MISSING(obj, name)	missing |= !(obj)->name;

#endif /* AXVM_OPS_GEN_H */
