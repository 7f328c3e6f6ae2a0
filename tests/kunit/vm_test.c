// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_vm: VM objects on the fake HAL and the fake arch: creation
 * checks, the registry, every lifecycle transition in both modes,
 * configuration after loading, memory limits, restart, guest stops,
 * info, and clean failure at every allocation.
 */
#include <kunit/test.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/mm.h>
#include <uapi/linux/axvm.h>
#include "axvm.h"
#include "vm.h"
#include "fake_hal.h"
#include "fake_arch.h"
#include "suites.h"

#define RWX	(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)

struct vm_test {
	struct axvm_fake_hal *fh;
	struct axvm_fake_arch *fa;
	struct axvm_limits saved;
};

static int vm_test_init(struct kunit *test)
{
	struct vm_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->fh = axvm_fake_hal_new(test);
	t->fa = axvm_fake_arch_new(test);
	t->saved = axvm_limits;
	test->priv = t;
	return 0;
}

static void vm_test_exit(struct kunit *test)
{
	struct vm_test *t = test->priv;

	if (t)
		axvm_limits = t->saved;
}

static struct axvm_fake_hal *fh_of(struct kunit *test)
{
	return ((struct vm_test *)test->priv)->fh;
}

static struct axvm_fake_arch *fa_of(struct kunit *test)
{
	return ((struct vm_test *)test->priv)->fa;
}

static struct axvm *new_vm(struct kunit *test, u32 flags, u32 max_vcpus,
			   const char *name)
{
	return axvm_fake_vm_new(test, fa_of(test), &fh_of(test)->ops, flags,
				max_vcpus, name);
}

static int add_ram(struct axvm *vm, u64 gpa, u64 size)
{
	struct axvm_memory_region r = {
		.gpa = gpa, .size = size, .flags = RWX,
		.map_type = AXVM_MAP_ALLOC,
	};

	return axvm_vm_add_region(vm, &r);
}

static int del_ram(struct axvm *vm, u64 gpa, u64 size)
{
	struct axvm_memory_region r = { .gpa = gpa, .size = size };

	return axvm_vm_del_region(vm, &r);
}

/* A RAW image; the VM keeps the copy on success, we free it otherwise. */
static int load_raw(struct axvm *vm, u64 gpa, const void *bytes, size_t n,
		    u32 flags)
{
	struct axvm_image req = {
		.size = n, .gpa = gpa, .format = AXVM_IMAGE_RAW,
		.flags = flags,
	};
	void *data = kvmalloc(n, GFP_KERNEL);
	int ret;

	if (!data)
		return -ENOMEM;
	memcpy(data, bytes, n);
	ret = axvm_vm_load_image(vm, data, NULL, &req);
	if (ret)
		kvfree(data);
	return ret;
}

static u32 state_of(struct axvm *vm)
{
	struct axvm_vm_info info;

	axvm_vm_info(vm, &info);
	return info.state;
}

/* ---- creation ------------------------------------------------------------ */

enum vm_create_setup {
	CS_NONE,
	CS_DUP_NAME,		/* a VM named "kt-dup" exists */
	CS_DUP_ID,		/* req.id = the id of an existing VM */
	CS_VCPUS_AT_LIMIT,	/* req.max_vcpus = axvm_limits.max_vcpus */
	CS_VCPUS_OVER_LIMIT,	/* req.max_vcpus = axvm_limits.max_vcpus + 1 */
	CS_NAME_32,		/* 32 name bytes, no NUL */
};

struct vm_create_case {
	const char *desc;
	struct axvm_create_vm req;
	enum vm_create_setup setup;
	int err;
};

#define MANAGED	AXVM_VM_MANAGED

static const struct vm_create_case vm_create_cases[] = {
	{ "VMM mode", { .max_vcpus = 1 }, CS_NONE, 0 },
	{ "managed mode", { .flags = MANAGED, .max_vcpus = 2 }, CS_NONE, 0 },
	{ "managed, no reboot", { .flags = MANAGED | AXVM_VM_NO_REBOOT,
	  .max_vcpus = 1 }, CS_NONE, 0 },
	{ "unknown flag bit 3", { .flags = 1u << 3, .max_vcpus = 1 },
	  CS_NONE, -EINVAL },
	{ "platform from a backend without one",
	  { .flags = AXVM_VM_PLATFORM_PC, .max_vcpus = 1 }, CS_NONE,
	  -EOPNOTSUPP },
	{ "unknown flag bit 31", { .flags = 1u << 31, .max_vcpus = 1 },
	  CS_NONE, -EINVAL },
	{ "pad nonzero", { .max_vcpus = 1, .pad = 1 }, CS_NONE, -EINVAL },
	{ "reserved[0] nonzero", { .max_vcpus = 1, .reserved = { 1 } },
	  CS_NONE, -EINVAL },
	{ "reserved[3] nonzero", { .max_vcpus = 1, .reserved = { 0, 0, 0, 1 } },
	  CS_NONE, -EINVAL },
	{ "max_vcpus 0", { .max_vcpus = 0 }, CS_NONE, -EINVAL },
	{ "max_vcpus at the limit", {}, CS_VCPUS_AT_LIMIT, 0 },
	{ "max_vcpus over the limit", {}, CS_VCPUS_OVER_LIMIT, -ENOSPC },
	{ "max_vcpus U32_MAX", { .max_vcpus = U32_MAX }, CS_NONE, -ENOSPC },
	{ "name of 31 bytes", { .max_vcpus = 1,
	  .name = "kt-abcdefghijklmnopqrstuvwxyz01" }, CS_NONE, 0 },
	{ "name of 32 bytes, no NUL", { .max_vcpus = 1 }, CS_NAME_32,
	  -ENAMETOOLONG },
	{ "name with a space", { .max_vcpus = 1, .name = "kt a" }, CS_NONE,
	  -EINVAL },
	{ "name with a slash", { .max_vcpus = 1, .name = "kt/a" }, CS_NONE,
	  -EINVAL },
	{ "name with a newline", { .max_vcpus = 1, .name = "kt\na" },
	  CS_NONE, -EINVAL },
	{ "name with a non-ASCII byte", { .max_vcpus = 1, .name = "kt-caf\xe9" },
	  CS_NONE, -EINVAL },
	{ "name with . _ -", { .max_vcpus = 1, .name = "kt.a_b-c" }, CS_NONE,
	  0 },
	{ "empty name", { .max_vcpus = 1 }, CS_NONE, 0 },
	{ "duplicate name", { .max_vcpus = 1, .name = "kt-dup" },
	  CS_DUP_NAME, -EEXIST },
	{ "duplicate id", { .max_vcpus = 1 }, CS_DUP_ID, -EEXIST },
	{ "free id chosen by the caller", { .max_vcpus = 1, .id = 4242 },
	  CS_NONE, 0 },
	{ "id AXVM_ID_NONE", { .max_vcpus = 1, .id = AXVM_ID_NONE },
	  CS_NONE, -EINVAL },
	{ "id above INT_MAX", { .max_vcpus = 1, .id = 0x80000000u },
	  CS_NONE, -EINVAL },
	{ "pcpu_sets in VMM mode", { .max_vcpus = 1, .pcpu_sets = { 1 } },
	  CS_NONE, -EINVAL },
	{ "pcpu_sets beyond max_vcpus", { .flags = MANAGED, .max_vcpus = 1,
	  .pcpu_sets = { 1, 1 } }, CS_NONE, -EINVAL },
	{ "pcpu_sets naming an impossible CPU", { .flags = MANAGED,
	  .max_vcpus = 1, .pcpu_sets = { 1ULL << 63 } }, CS_NONE, -EINVAL },
	{ "pcpu_sets CPU 0, managed", { .flags = MANAGED, .max_vcpus = 1,
	  .pcpu_sets = { 1 } }, CS_NONE, 0 },
};

static void vm_create_desc(const struct vm_create_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vm_create, vm_create_cases, vm_create_desc);

static void vm_create_matrix(struct kunit *test)
{
	const struct vm_create_case *c = test->param_value;
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_create_vm req = c->req;
	struct axvm *vm = NULL, *other, *found;
	unsigned long frames;
	unsigned int before;
	int ret, vms_live;

	switch (c->setup) {
	case CS_DUP_NAME:
		new_vm(test, 0, 1, "kt-dup");
		break;
	case CS_DUP_ID:
		other = new_vm(test, 0, 1, "kt-first");
		req.id = other->id;
		break;
	case CS_VCPUS_AT_LIMIT:
		req.max_vcpus = axvm_limits.max_vcpus;
		break;
	case CS_VCPUS_OVER_LIMIT:
		req.max_vcpus = axvm_limits.max_vcpus + 1;
		break;
	case CS_NAME_32:
		memset(req.name, 'a', sizeof(req.name));
		break;
	case CS_NONE:
		break;
	}
	before = axvm_fake_nr_vms();
	frames = axvm_fake_hal_frames_in_use(fh);
	vms_live = atomic_read(&fa->vms_live);

	ret = axvm_vm_create(&req, &fh->ops, &fa->ops, &vm);
	KUNIT_EXPECT_EQ(test, ret, c->err);
	if (ret) {
		/* Nothing left behind. */
		KUNIT_EXPECT_EQ(test, axvm_fake_nr_vms(), before);
		KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(fh), frames);
		KUNIT_EXPECT_EQ(test, atomic_read(&fa->vms_live), vms_live);
		return;
	}
	axvm_fake_vm_adopt(test, vm);
	KUNIT_EXPECT_EQ(test, axvm_fake_nr_vms(), before + 1);
	found = axvm_vm_find(vm->id);
	KUNIT_EXPECT_PTR_EQ(test, found, vm);
	if (found)
		axvm_vm_put(found);
	KUNIT_EXPECT_EQ(test, vm->flags, req.flags);
	KUNIT_EXPECT_EQ(test, vm->max_vcpus, req.max_vcpus);
	if (req.id)
		KUNIT_EXPECT_EQ(test, vm->id, req.id);
	if (req.name[0])
		KUNIT_EXPECT_STREQ(test, vm->name, req.name);
}

static void vm_limit_enospc(struct kunit *test)
{
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_create_vm req = { .max_vcpus = 1 };
	struct axvm *a, *b = NULL;

	axvm_limits.max_vms = axvm_fake_nr_vms() + 1;
	a = new_vm(test, 0, 1, "kt-a");
	KUNIT_EXPECT_EQ(test, axvm_vm_create(&req, &fh->ops, &fa->ops, &b),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(fh),
			a->aspace.pt.nr_tables);

	/* The slot is free again once the VM is gone. */
	axvm_fake_vm_release(test, a);
	KUNIT_ASSERT_EQ(test, axvm_vm_create(&req, &fh->ops, &fa->ops, &b), 0);
	axvm_fake_vm_adopt(test, b);
}

static void vm_create_bad_hal_or_arch(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_create_vm req = { .max_vcpus = 1 };
	struct axvm_hal_ops *partial;
	struct axvm *vm = NULL;

	partial = kunit_kzalloc(test, sizeof(*partial), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, partial);
	*partial = fh_of(test)->ops;
	partial->kick_cpu = NULL;
	KUNIT_EXPECT_EQ(test, axvm_vm_create(&req, partial, &fa->ops, &vm),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_vm_create(&req, NULL, &fa->ops,
					     &vm), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_vm_create(&req, &fh_of(test)->ops, NULL,
					     &vm), -ENODEV);
	KUNIT_EXPECT_NULL(test, vm);
}

static void vm_fake_arch_is_complete(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_arch_ops *partial;

	KUNIT_EXPECT_EQ(test, axvm_arch_check(&fa->ops), 0);
	/* The check is real: without a required op it refuses. */
	partial = kunit_kzalloc(test, sizeof(*partial), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, partial);
	*partial = fa->ops;
	partial->handle_exit = NULL;
	KUNIT_EXPECT_EQ(test, axvm_arch_check(partial), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_arch_check(NULL), -EINVAL);
	/* Generated from arch_ops.h: the last required op counts too... */
	*partial = fa->ops;
	partial->interrupt_allowed = NULL;
	KUNIT_EXPECT_EQ(test, axvm_arch_check(partial), -EINVAL);
	/* A vCPU that cannot hold the core's struct is no backend... */
	*partial = fa->ops;
	partial->vcpu_size = sizeof(struct axvm_vcpu) - 1;
	KUNIT_EXPECT_EQ(test, axvm_arch_check(partial), -EINVAL);
	/* ...and the optional ones may be missing. */
	*partial = fa->ops;
	partial->probe = NULL;
	partial->exit = NULL;
	partial->vm_init = NULL;
	partial->vm_destroy = NULL;
	KUNIT_EXPECT_EQ(test, axvm_arch_check(partial), 0);
}

/* ---- lifecycle ----------------------------------------------------------- */

enum vm_op { OP_FINALIZE, OP_START, OP_PAUSE, OP_RESUME, OP_STOP,
	     OP_RESTART, OP_DESTROY };

static const char * const vm_op_names[] = {
	"finalize", "start", "pause", "resume", "stop", "restart", "destroy",
};

static int vm_do(struct axvm *vm, enum vm_op op)
{
	switch (op) {
	case OP_FINALIZE:
		return axvm_vm_finalize(vm);
	case OP_START:
		return axvm_vm_start(vm);
	case OP_PAUSE:
		return axvm_vm_pause(vm);
	case OP_RESUME:
		return axvm_vm_resume(vm);
	case OP_STOP:
		return axvm_vm_stop(vm);
	case OP_RESTART:
		return axvm_vm_restart(vm);
	case OP_DESTROY:
		return axvm_vm_destroy(vm);
	}
	return -EINVAL;
}

/* The legal way from creation to @state. */
static void drive_to(struct kunit *test, struct axvm *vm, u32 state)
{
	if (state == AXVM_VM_LOADING)
		return;
	KUNIT_ASSERT_EQ(test, axvm_vm_finalize(vm), 0);
	if (state == AXVM_VM_LOADED)
		return;
	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);
	if (state == AXVM_VM_SUSPENDED)
		KUNIT_ASSERT_EQ(test, axvm_vm_pause(vm), 0);
	else if (state == AXVM_VM_STOPPED)
		KUNIT_ASSERT_EQ(test, axvm_vm_stop(vm), 0);
	KUNIT_ASSERT_EQ(test, state_of(vm), state);
}

/* One transition, with its outcome in VMM mode and in managed mode. */
struct vm_transition_row {
	u32 from;
	enum vm_op op;
	int err;
	u32 to;
	int m_err;		/* managed mode */
	u32 m_to;
};

#define LOADING		AXVM_VM_LOADING
#define LOADED		AXVM_VM_LOADED
#define RUNNING		AXVM_VM_RUNNING
#define SUSPENDED	AXVM_VM_SUSPENDED
#define STOPPED		AXVM_VM_STOPPED

/*
 * DESIGN.md §2: the table's transitions succeed; any other is refused
 * with -EBUSY while the VM is running and -EINVAL otherwise, and leaves
 * the state as it was. DESTROY is for managed VMs only (a VMM-mode VM
 * goes with its last fd) and refuses a running VM.
 */
static const struct vm_transition_row vm_transition_rows[] = {
	{ LOADING, OP_FINALIZE, 0, LOADED, 0, LOADED },
	{ LOADING, OP_START, -EINVAL, LOADING, -EINVAL, LOADING },
	{ LOADING, OP_PAUSE, -EINVAL, LOADING, -EINVAL, LOADING },
	{ LOADING, OP_RESUME, -EINVAL, LOADING, -EINVAL, LOADING },
	{ LOADING, OP_STOP, -EINVAL, LOADING, -EINVAL, LOADING },
	{ LOADING, OP_RESTART, -EINVAL, LOADING, -EINVAL, LOADING },
	{ LOADING, OP_DESTROY, -EINVAL, LOADING, 0, LOADING },

	{ LOADED, OP_FINALIZE, -EINVAL, LOADED, -EINVAL, LOADED },
	{ LOADED, OP_START, 0, RUNNING, 0, RUNNING },
	{ LOADED, OP_PAUSE, -EINVAL, LOADED, -EINVAL, LOADED },
	{ LOADED, OP_RESUME, -EINVAL, LOADED, -EINVAL, LOADED },
	{ LOADED, OP_STOP, -EINVAL, LOADED, -EINVAL, LOADED },
	{ LOADED, OP_RESTART, -EINVAL, LOADED, -EINVAL, LOADED },
	{ LOADED, OP_DESTROY, -EINVAL, LOADED, 0, LOADED },

	{ RUNNING, OP_FINALIZE, -EBUSY, RUNNING, -EBUSY, RUNNING },
	{ RUNNING, OP_START, -EBUSY, RUNNING, -EBUSY, RUNNING },
	{ RUNNING, OP_PAUSE, 0, SUSPENDED, 0, SUSPENDED },
	{ RUNNING, OP_RESUME, -EBUSY, RUNNING, -EBUSY, RUNNING },
	{ RUNNING, OP_STOP, 0, STOPPED, 0, STOPPED },
	{ RUNNING, OP_RESTART, -EBUSY, RUNNING, -EBUSY, RUNNING },
	{ RUNNING, OP_DESTROY, -EINVAL, RUNNING, -EBUSY, RUNNING },

	{ SUSPENDED, OP_FINALIZE, -EINVAL, SUSPENDED, -EINVAL, SUSPENDED },
	{ SUSPENDED, OP_START, -EINVAL, SUSPENDED, -EINVAL, SUSPENDED },
	{ SUSPENDED, OP_PAUSE, -EINVAL, SUSPENDED, -EINVAL, SUSPENDED },
	{ SUSPENDED, OP_RESUME, 0, RUNNING, 0, RUNNING },
	{ SUSPENDED, OP_STOP, 0, STOPPED, 0, STOPPED },
	{ SUSPENDED, OP_RESTART, -EINVAL, SUSPENDED, -EINVAL, SUSPENDED },
	{ SUSPENDED, OP_DESTROY, -EINVAL, SUSPENDED, 0, STOPPED },

	{ STOPPED, OP_FINALIZE, -EINVAL, STOPPED, -EINVAL, STOPPED },
	{ STOPPED, OP_START, -EINVAL, STOPPED, -EINVAL, STOPPED },
	{ STOPPED, OP_PAUSE, -EINVAL, STOPPED, -EINVAL, STOPPED },
	{ STOPPED, OP_RESUME, -EINVAL, STOPPED, -EINVAL, STOPPED },
	/* Idempotent: `axvmctl run` stops VMs the guest already stopped. */
	{ STOPPED, OP_STOP, 0, STOPPED, 0, STOPPED },
	{ STOPPED, OP_RESTART, 0, RUNNING, 0, RUNNING },
	{ STOPPED, OP_DESTROY, -EINVAL, STOPPED, 0, STOPPED },
};

struct vm_transition_case {
	const struct vm_transition_row *row;
	bool managed;
};

/* Each row twice: VMM mode, then managed mode. */
static struct vm_transition_case
vm_transition_cases[2 * ARRAY_SIZE(vm_transition_rows)];

static const void *vm_transition_gen_params(const void *prev, char *desc)
{
	const struct vm_transition_case *p = prev;
	size_t i = p ? p - vm_transition_cases + 1 : 0;
	struct vm_transition_case *c;
	const struct vm_transition_row *r;

	if (i >= ARRAY_SIZE(vm_transition_cases))
		return NULL;
	c = &vm_transition_cases[i];
	c->row = r = &vm_transition_rows[i / 2];
	c->managed = i & 1;
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s: %s from %s -> %d, %s",
		 c->managed ? "managed" : "vmm", vm_op_names[r->op],
		 axvm_vm_state_name(r->from), c->managed ? r->m_err : r->err,
		 axvm_vm_state_name(c->managed ? r->m_to : r->to));
	return c;
}

/* Managed VMs have a thread per vCPU exactly while running or suspended. */
static void expect_threads(struct kunit *test, struct axvm *vm, bool want)
{
	u32 i;

	for (i = 0; i < vm->max_vcpus; i++) {
		struct axvm_vcpu *vcpu = vm->vcpus[i];

		if (!vcpu)
			continue;
		if (want)
			KUNIT_EXPECT_NOT_NULL_MSG(test, vcpu->thread,
						  "vcpu %u", i);
		else
			KUNIT_EXPECT_NULL_MSG(test, vcpu->thread, "vcpu %u", i);
	}
}

static void vm_transition_matrix(struct kunit *test)
{
	const struct vm_transition_case *c = test->param_value;
	const struct vm_transition_row *r = c->row;
	u32 to = c->managed ? r->m_to : r->to;
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm *vm;

	/* Managed vCPU threads halt and wait for the end of the case. */
	fa->dry = AXVM_FAKE_EXIT(AXVM_VEXIT_HALT);
	vm = new_vm(test, c->managed ? AXVM_VM_MANAGED : 0, 2, NULL);
	drive_to(test, vm, r->from);

	KUNIT_EXPECT_EQ(test, vm_do(vm, r->op), c->managed ? r->m_err : r->err);
	KUNIT_EXPECT_EQ(test, state_of(vm), to);
	if (c->managed)
		expect_threads(test, vm, to == RUNNING || to == SUSPENDED);
}

/* Wait until every vCPU thread of @vm sits in HLT. */
static bool all_blocked(struct axvm *vm)
{
	u32 i;

	for (i = 0; i < vm->max_vcpus; i++)
		if (READ_ONCE(vm->vcpus[i]->state) != AXVM_VCPU_BLOCKED)
			return false;
	return true;
}

static void vm_managed_start_runs_threads(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm *vm;
	u32 i;

	fa->dry = AXVM_FAKE_EXIT(AXVM_VEXIT_HALT);
	vm = new_vm(test, AXVM_VM_MANAGED, 2, NULL);
	drive_to(test, vm, RUNNING);
	KUNIT_EXPECT_TRUE(test, axvm_fake_wait_for(all_blocked(vm), 5000));
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_GE(test,
				atomic_read(&axvm_fake_vcpu(vm->vcpus[i])->entries),
				1);

	KUNIT_EXPECT_EQ(test, axvm_vm_stop(vm), 0);
	for (i = 0; i < 2; i++) {
		struct axvm_vcpu *vcpu = vm->vcpus[i];

		KUNIT_EXPECT_NULL(test, vcpu->thread);
		KUNIT_EXPECT_EQ(test, vcpu->state, AXVM_VCPU_READY);
		KUNIT_EXPECT_EQ(test, READ_ONCE(vcpu->cpu), -1);
		KUNIT_EXPECT_FALSE(test, axvm_fake_vcpu(vcpu)->loaded);
	}
}

static void vm_managed_threads_pinned(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_create_vm req = {
		.flags = AXVM_VM_MANAGED, .max_vcpus = 1,
		.pcpu_sets = { 1 },	/* CPU 0 */
	};
	struct axvm_vcpu *vcpu;
	struct axvm *vm = NULL;

	fa->dry = AXVM_FAKE_EXIT(AXVM_VEXIT_HALT);
	KUNIT_ASSERT_EQ(test, axvm_vm_create(&req, &fh_of(test)->ops,
					     &fa->ops, &vm), 0);
	axvm_fake_vm_adopt(test, vm);
	drive_to(test, vm, RUNNING);
	vcpu = vm->vcpus[0];
	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(all_blocked(vm), 5000));
	KUNIT_EXPECT_TRUE(test, cpumask_equal(vcpu->thread->cpus_ptr,
					      cpumask_of(0)));
	KUNIT_EXPECT_EQ(test, READ_ONCE(axvm_fake_vcpu(vcpu)->load_cpu), 0);
}

static void vm_managed_pause_parks_threads(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_fake_vcpu *fv;
	struct axvm *vm;
	int entries;

	fa->dry = AXVM_FAKE_EXIT(AXVM_VEXIT_HALT);
	vm = new_vm(test, AXVM_VM_MANAGED, 1, NULL);
	drive_to(test, vm, RUNNING);
	fv = axvm_fake_vcpu(vm->vcpus[0]);
	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(all_blocked(vm), 5000));

	KUNIT_ASSERT_EQ(test, axvm_vm_pause(vm), 0);
	/* Out of HLT, not in the guest: waiting for resume. */
	KUNIT_EXPECT_TRUE(test, axvm_fake_wait_for(
		READ_ONCE(vm->vcpus[0]->state) == AXVM_VCPU_RUNNING, 5000));
	entries = atomic_read(&fv->entries);
	/* An interrupt does not bring a paused vCPU into the guest. */
	KUNIT_EXPECT_EQ(test, axvm_vcpu_inject(vm->vcpus[0], 0x30), 0);
	msleep(50);
	KUNIT_EXPECT_EQ(test, atomic_read(&fv->entries), entries);

	KUNIT_ASSERT_EQ(test, axvm_vm_resume(vm), 0);
	KUNIT_EXPECT_TRUE(test, axvm_fake_wait_for(
		atomic_read(&fv->entries) > entries, 5000));
}

static void vm_managed_guest_stop_then_restart(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm *vm;

	fa->dry = AXVM_FAKE_EXIT(AXVM_VEXIT_HALT);
	vm = new_vm(test, AXVM_VM_MANAGED, 1, NULL);
	drive_to(test, vm, RUNNING);
	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(all_blocked(vm), 5000));

	axvm_vm_stop_from_guest(vm, AXVM_STOP_DEBUG_EXIT, 3);
	KUNIT_EXPECT_EQ(test, state_of(vm), STOPPED);
	/* The thread left the guest; it waits to be reaped by restart. */
	KUNIT_EXPECT_TRUE(test, axvm_fake_wait_for(
		READ_ONCE(vm->vcpus[0]->state) == AXVM_VCPU_READY, 5000));

	KUNIT_ASSERT_EQ(test, axvm_vm_restart(vm), 0);
	KUNIT_EXPECT_EQ(test, state_of(vm), RUNNING);
	KUNIT_EXPECT_NOT_NULL(test, vm->vcpus[0]->thread);
	KUNIT_EXPECT_TRUE(test, axvm_fake_wait_for(all_blocked(vm), 5000));
}

/*
 * A guest reset: a managed VM is rebooted by the kernel (a work item),
 * its images reloaded and its threads started again; the stop reason
 * is gone once it runs.
 */
static void vm_managed_guest_reset_reboots(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_vm_info info;
	struct axvm *vm;

	fa->dry = AXVM_FAKE_EXIT(AXVM_VEXIT_HALT);
	vm = new_vm(test, AXVM_VM_MANAGED, 2, NULL);
	drive_to(test, vm, RUNNING);
	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(all_blocked(vm), 5000));

	axvm_vm_stop_from_guest(vm, AXVM_STOP_RESET, 0);
	flush_work(&vm->reboot_work);
	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)RUNNING);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_NONE);
	expect_threads(test, vm, true);
	KUNIT_EXPECT_TRUE(test, axvm_fake_wait_for(all_blocked(vm), 5000));
}

/*
 * No reboot where nobody asked for one: a managed VM with NO_REBOOT, a
 * VMM-mode VM (its VMM gets AXVM_EXIT_RESET and decides), and any stop
 * that is not a reset stay stopped with their reason.
 */
static void vm_guest_reset_stays_stopped(struct kunit *test)
{
	static const struct {
		u32 flags;
		u32 reason;
	} cases[] = {
		{ AXVM_VM_MANAGED | AXVM_VM_NO_REBOOT, AXVM_STOP_RESET },
		{ 0, AXVM_STOP_RESET },
		{ AXVM_VM_MANAGED, AXVM_STOP_POWEROFF },
	};
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_vm_info info;
	struct axvm *vm;
	unsigned int i;

	fa->dry = AXVM_FAKE_EXIT(AXVM_VEXIT_HALT);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		vm = new_vm(test, cases[i].flags, 1, NULL);
		drive_to(test, vm, RUNNING);
		axvm_vm_stop_from_guest(vm, cases[i].reason, 0);
		KUNIT_EXPECT_FALSE_MSG(test, work_pending(&vm->reboot_work),
				       "case %u", i);
		flush_work(&vm->reboot_work);
		axvm_vm_info(vm, &info);
		KUNIT_EXPECT_EQ_MSG(test, info.state, (u32)STOPPED, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, info.exit_reason, cases[i].reason,
				    "case %u", i);
		KUNIT_EXPECT_EQ(test, axvm_vm_stop(vm), 0);
		expect_threads(test, vm, false);
	}
}

static void vm_managed_thread_error_stops_vm(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_vm_info info;
	struct axvm *vm;

	fa->dry = AXVM_FAKE_EXIT(AXVM_VEXIT_HALT);
	vm = new_vm(test, AXVM_VM_MANAGED, 1, NULL);
	drive_to(test, vm, LOADED);
	axvm_fake_vcpu(vm->vcpus[0])->run_err = -EIO;
	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);

	KUNIT_EXPECT_TRUE(test, axvm_fake_wait_for(state_of(vm) == STOPPED,
						   5000));
	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_INTERNAL_ERROR);
	KUNIT_EXPECT_EQ(test, info.exit_code, (s64)-EIO);
}

static void vm_managed_destroy_unlists_after_last_put(struct kunit *test)
{
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_create_vm req = { .flags = AXVM_VM_MANAGED, .max_vcpus = 1 };
	struct axvm *vm = NULL, *found;
	unsigned int before = axvm_fake_nr_vms();
	u32 id;

	KUNIT_ASSERT_EQ(test, axvm_vm_create(&req, &fh->ops, &fa->ops, &vm), 0);
	id = vm->id;
	KUNIT_EXPECT_EQ(test, axvm_vm_destroy(vm), 0);
	/* Destroyed once: the module's reference is gone. */
	KUNIT_EXPECT_EQ(test, axvm_vm_destroy(vm), -ENOENT);
	/* Our reference still holds it, and it is still listed. */
	found = axvm_vm_find(id);
	KUNIT_EXPECT_PTR_EQ(test, found, vm);
	if (found)
		axvm_vm_put(found);

	axvm_vm_put(vm);
	KUNIT_EXPECT_NULL(test, axvm_vm_find(id));
	KUNIT_EXPECT_EQ(test, axvm_fake_nr_vms(), before);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(fh), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fa->vms_live), 0);
}

/*
 * Issue 11: CREATE(MANAGED), FINALIZE, DESTROY, then START used to run
 * threads on a VM whose last fd close then freed it under them. Once
 * destroyed, every lifecycle and configuration step is refused.
 */
static void vm_destroyed_refuses_every_step(struct kunit *test)
{
	static const u32 states[] = { LOADING, LOADED, STOPPED };
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_entry entry = { .entry = 0x100000, .mode = AXVM_MODE_LONG };
	struct axvm *vm;
	unsigned int i;
	enum vm_op op;

	fa->dry = AXVM_FAKE_EXIT(AXVM_VEXIT_HALT);
	for (i = 0; i < ARRAY_SIZE(states); i++) {
		vm = new_vm(test, AXVM_VM_MANAGED, 2, NULL);
		KUNIT_ASSERT_EQ(test, add_ram(vm, 0, SZ_2M), 0);
		drive_to(test, vm, states[i]);
		KUNIT_ASSERT_EQ(test, axvm_vm_destroy(vm), 0);

		for (op = OP_FINALIZE; op <= OP_DESTROY; op++)
			KUNIT_EXPECT_EQ_MSG(test, vm_do(vm, op), -ENOENT,
					    "%s after destroy while %s",
					    vm_op_names[op],
					    axvm_vm_state_name(states[i]));
		KUNIT_EXPECT_EQ(test, add_ram(vm, SZ_4M, SZ_1M), -ENOENT);
		KUNIT_EXPECT_EQ(test, del_ram(vm, 0, SZ_2M), -ENOENT);
		KUNIT_EXPECT_EQ(test, load_raw(vm, 0, "x", 1, 0), -ENOENT);
		KUNIT_EXPECT_EQ(test, axvm_vm_set_entry(vm, &entry), -ENOENT);
		KUNIT_EXPECT_EQ(test, axvm_vm_create_vcpu(vm, 1, NULL), -ENOENT);
		KUNIT_EXPECT_EQ(test, state_of(vm), states[i]);
		expect_threads(test, vm, false);
	}
}

/* Each managed thread holds the VM; the reaper drops that reference. */
static void vm_managed_threads_hold_the_vm(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm *vm;
	unsigned int refs;

	fa->dry = AXVM_FAKE_EXIT(AXVM_VEXIT_HALT);
	vm = new_vm(test, AXVM_VM_MANAGED, 2, NULL);
	drive_to(test, vm, LOADED);
	refs = kref_read(&vm->ref);
	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->ref), refs + 2);
	/* A guest stop leaves the threads (and their references) to reap. */
	axvm_vm_stop_from_guest(vm, AXVM_STOP_DEBUG_EXIT, 0);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->ref), refs + 2);
	/* STOP of a stopped VM succeeds and reaps them. */
	KUNIT_EXPECT_EQ(test, axvm_vm_stop(vm), 0);
	expect_threads(test, vm, false);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->ref), refs);
}

static void vm_managed_survives_last_user_put(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_create_vm req = { .flags = AXVM_VM_MANAGED, .max_vcpus = 1 };
	struct axvm *vm = NULL, *found;
	u32 id;

	KUNIT_ASSERT_EQ(test, axvm_vm_create(&req, &fh_of(test)->ops,
					     &fa->ops, &vm), 0);
	id = vm->id;
	/* Like closing the creating fd: the module still holds it. */
	axvm_vm_put(vm);
	found = axvm_vm_find(id);
	KUNIT_ASSERT_PTR_EQ(test, found, vm);
	/* The found reference is released (destroy + put) at the end. */
	axvm_fake_vm_adopt(test, found);
}

static void vm_vmm_last_put_frees(struct kunit *test)
{
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_create_vm req = { .max_vcpus = 2 };
	struct axvm *vm = NULL;
	unsigned int before = axvm_fake_nr_vms();
	u32 id;

	KUNIT_ASSERT_EQ(test, axvm_vm_create(&req, &fh->ops, &fa->ops, &vm), 0);
	id = vm->id;
	KUNIT_ASSERT_EQ(test, add_ram(vm, 0, SZ_1M), 0);
	KUNIT_ASSERT_EQ(test, load_raw(vm, 0x100000 - 16, "0123456789abcdef",
				       16, 0), 0);
	KUNIT_ASSERT_EQ(test, axvm_vm_finalize(vm), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fa->vcpus_live), 2);

	axvm_vm_put(vm);
	KUNIT_EXPECT_NULL(test, axvm_vm_find(id));
	KUNIT_EXPECT_EQ(test, axvm_fake_nr_vms(), before);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(fh), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fa->vcpus_live), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fa->vms_live), 0);
}

/* ---- configuration after loading ----------------------------------------- */

enum vm_cfg_op { CFG_ADD_REGION, CFG_DEL_REGION, CFG_ADD_DEVICE,
		 CFG_SET_ENTRY, CFG_LOAD_IMAGE, CFG_CREATE_VCPU };

static const char * const vm_cfg_names[] = {
	"add_region", "del_region", "add_device", "set_entry", "load_image",
	"create_vcpu",
};

struct vm_cfg_case {
	enum vm_cfg_op op;
	u32 state;
	int err;
};

static const struct vm_cfg_case vm_cfg_cases[] = {
	{ CFG_ADD_REGION, LOADING, 0 },
	{ CFG_ADD_REGION, LOADED, -EINVAL },
	{ CFG_ADD_REGION, RUNNING, -EBUSY },
	{ CFG_ADD_REGION, SUSPENDED, -EINVAL },
	{ CFG_ADD_REGION, STOPPED, -EINVAL },
	{ CFG_DEL_REGION, LOADING, 0 },
	{ CFG_DEL_REGION, LOADED, -EINVAL },
	{ CFG_DEL_REGION, RUNNING, -EBUSY },
	{ CFG_DEL_REGION, SUSPENDED, -EINVAL },
	{ CFG_DEL_REGION, STOPPED, -EINVAL },
	{ CFG_ADD_DEVICE, LOADING, 0 },
	{ CFG_ADD_DEVICE, LOADED, -EINVAL },
	{ CFG_ADD_DEVICE, RUNNING, -EBUSY },
	{ CFG_ADD_DEVICE, SUSPENDED, -EINVAL },
	{ CFG_ADD_DEVICE, STOPPED, -EINVAL },
	{ CFG_SET_ENTRY, LOADING, 0 },
	{ CFG_SET_ENTRY, LOADED, -EINVAL },
	{ CFG_SET_ENTRY, RUNNING, -EBUSY },
	{ CFG_SET_ENTRY, SUSPENDED, -EINVAL },
	{ CFG_SET_ENTRY, STOPPED, -EINVAL },
	{ CFG_LOAD_IMAGE, LOADING, 0 },
	{ CFG_LOAD_IMAGE, LOADED, -EINVAL },
	{ CFG_LOAD_IMAGE, RUNNING, -EBUSY },
	{ CFG_LOAD_IMAGE, SUSPENDED, -EINVAL },
	{ CFG_LOAD_IMAGE, STOPPED, -EINVAL },
	/* vCPU 1 of 2 is still missing while loading; finalize makes it. */
	{ CFG_CREATE_VCPU, LOADING, 0 },
	{ CFG_CREATE_VCPU, RUNNING, -EBUSY },
	{ CFG_CREATE_VCPU, SUSPENDED, -EINVAL },
	{ CFG_CREATE_VCPU, STOPPED, -EINVAL },
};

static void vm_cfg_desc(const struct vm_cfg_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s while %s -> %d",
		 vm_cfg_names[c->op], axvm_vm_state_name(c->state), c->err);
}

KUNIT_ARRAY_PARAM(vm_cfg, vm_cfg_cases, vm_cfg_desc);

static void vm_config_after_loading(struct kunit *test)
{
	const struct vm_cfg_case *c = test->param_value;
	struct axvm_device dev = {
		.type = AXVM_DEV_DEBUG_EXIT, .space = AXVM_SPACE_PIO,
		.base = 0xf4, .length = 4, .irq = AXVM_IRQ_NONE,
	};
	struct axvm_entry entry = { .entry = 0x200000,
				    .mode = AXVM_MODE_PROTECTED };
	struct axvm_vm_info before, after;
	struct axvm_vcpu *vcpu;
	struct axvm *vm;
	int ret = -EINVAL;

	vm = new_vm(test, 0, 2, NULL);
	KUNIT_ASSERT_EQ(test, add_ram(vm, 0, SZ_2M), 0);
	KUNIT_ASSERT_EQ(test, axvm_vm_create_vcpu(vm, 0, NULL), 0);
	drive_to(test, vm, c->state);
	axvm_vm_info(vm, &before);

	switch (c->op) {
	case CFG_ADD_REGION:
		ret = add_ram(vm, SZ_4M, SZ_1M);
		break;
	case CFG_DEL_REGION:
		ret = del_ram(vm, 0, SZ_2M);
		break;
	case CFG_ADD_DEVICE:
		ret = axvm_vm_add_device(vm, &dev);
		break;
	case CFG_SET_ENTRY:
		ret = axvm_vm_set_entry(vm, &entry);
		break;
	case CFG_LOAD_IMAGE:
		ret = load_raw(vm, 0x100000, "image", 5, 0);
		break;
	case CFG_CREATE_VCPU:
		ret = axvm_vm_create_vcpu(vm, 1, &vcpu);
		break;
	}
	KUNIT_EXPECT_EQ(test, ret, c->err);
	axvm_vm_info(vm, &after);
	KUNIT_EXPECT_EQ(test, after.state, before.state);
	if (c->err) {
		/* A refusal changes nothing. */
		KUNIT_EXPECT_EQ(test, after.memory_bytes, before.memory_bytes);
		KUNIT_EXPECT_EQ(test, after.nr_vcpus, before.nr_vcpus);
		KUNIT_EXPECT_EQ(test, vm->entry, 0x100000ULL);
		KUNIT_EXPECT_EQ(test, vm->devices.nr, 0U);
	}
}

/* ---- memory limits ------------------------------------------------------- */

static void vm_memory_limit_per_vm(struct kunit *test)
{
	struct axvm_vm_info info;
	struct axvm *vm;

	axvm_limits.max_vm_memory = SZ_2M;
	vm = new_vm(test, 0, 1, NULL);
	KUNIT_EXPECT_EQ(test, add_ram(vm, 0, SZ_2M), 0);
	KUNIT_EXPECT_EQ(test, add_ram(vm, SZ_4M, SZ_4K), -ENOSPC);
	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.memory_bytes, (u64)SZ_2M);
}

/* Image copies kept for RESTART are kernel memory: they count too. */
static void vm_memory_limit_counts_images(struct kunit *test)
{
	static const u8 img[SZ_64K];
	struct axvm_vm_info info;
	struct axvm *vm;
	u64 charged;

	axvm_limits.max_vm_memory = SZ_1M + SZ_128K;
	vm = new_vm(test, 0, 1, NULL);
	KUNIT_ASSERT_EQ(test, add_ram(vm, 0, SZ_1M), 0);
	/* Clear of the loader window (0x9000-0xffff) a long-mode VM keeps. */
	KUNIT_EXPECT_EQ(test, load_raw(vm, SZ_64K, img, SZ_64K, 0), 0);
	KUNIT_EXPECT_EQ(test, load_raw(vm, SZ_128K, img, SZ_64K, 0), 0);
	charged = vm->charged_memory;
	KUNIT_EXPECT_EQ(test, charged, (u64)SZ_1M + SZ_128K);
	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.image_bytes, (u64)SZ_128K);
	KUNIT_EXPECT_EQ(test, info.memory_bytes, (u64)SZ_1M);
	KUNIT_EXPECT_EQ(test, load_raw(vm, 0, img, 1, 0), -ENOSPC);
	/* And RAM cannot take the room images use. */
	KUNIT_EXPECT_EQ(test, del_ram(vm, 0, SZ_1M), 0);
	KUNIT_EXPECT_EQ(test, add_ram(vm, 0, SZ_1M + SZ_4K), -ENOSPC);
	KUNIT_EXPECT_EQ(test, vm->charged_memory, (u64)SZ_128K);
}

/* NPT cannot make a present page unreadable: such regions are refused. */
static void vm_region_without_read_refused(struct kunit *test)
{
	static const u32 bad[] = { 0, AXVM_MEM_WRITE, AXVM_MEM_EXEC,
				   AXVM_MEM_WRITE | AXVM_MEM_EXEC,
				   AXVM_MEM_USER | AXVM_MEM_WRITE };
	struct axvm_memory_region r = { .size = SZ_1M,
					.map_type = AXVM_MAP_ALLOC };
	struct axvm *vm;
	unsigned int i;

	vm = new_vm(test, 0, 1, NULL);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r.flags = bad[i];
		KUNIT_EXPECT_EQ_MSG(test, axvm_vm_add_region(vm, &r), -EINVAL,
				    "flags %#x", bad[i]);
	}
	r.flags = AXVM_MEM_READ;
	KUNIT_EXPECT_EQ(test, axvm_vm_add_region(vm, &r), 0);
	KUNIT_EXPECT_EQ(test, vm->charged_memory, (u64)SZ_1M);
}

static void vm_memory_limit_total(struct kunit *test)
{
	struct axvm *a, *b;

	/* The module-wide total counts every VM: start from none. */
	KUNIT_ASSERT_EQ(test, axvm_fake_nr_vms(), 0U);
	axvm_limits.max_total_memory = SZ_2M;
	a = new_vm(test, 0, 1, "kt-a");
	b = new_vm(test, 0, 1, "kt-b");
	KUNIT_EXPECT_EQ(test, add_ram(a, 0, SZ_1M), 0);
	KUNIT_EXPECT_EQ(test, add_ram(b, 0, SZ_1M), 0);
	KUNIT_EXPECT_EQ(test, add_ram(b, SZ_2M, SZ_4K), -ENOSPC);
	/* Deleting a region gives its share back. */
	KUNIT_EXPECT_EQ(test, del_ram(a, 0, SZ_1M), 0);
	KUNIT_EXPECT_EQ(test, add_ram(b, SZ_2M, SZ_4K), 0);
}

static void vm_memory_total_released_by_last_put(struct kunit *test)
{
	struct axvm *a, *b;

	KUNIT_ASSERT_EQ(test, axvm_fake_nr_vms(), 0U);
	axvm_limits.max_total_memory = SZ_1M;
	a = new_vm(test, 0, 1, "kt-a");
	b = new_vm(test, 0, 1, "kt-b");
	KUNIT_EXPECT_EQ(test, add_ram(a, 0, SZ_1M), 0);
	KUNIT_EXPECT_EQ(test, add_ram(b, 0, SZ_4K), -ENOSPC);
	axvm_fake_vm_release(test, a);
	KUNIT_EXPECT_EQ(test, add_ram(b, 0, SZ_1M), 0);
}

static void vm_memory_refused_region_not_charged(struct kunit *test)
{
	struct axvm *a, *b;

	KUNIT_ASSERT_EQ(test, axvm_fake_nr_vms(), 0U);
	axvm_limits.max_total_memory = SZ_2M;
	a = new_vm(test, 0, 1, "kt-a");
	b = new_vm(test, 0, 1, "kt-b");
	KUNIT_EXPECT_EQ(test, add_ram(a, 0, SZ_1M), 0);
	KUNIT_EXPECT_EQ(test, add_ram(a, 0, SZ_1M), -EEXIST);
	KUNIT_EXPECT_EQ(test, add_ram(b, 0, SZ_1M), 0);
}

static void vm_memory_region_larger_than_total(struct kunit *test)
{
	struct axvm *vm = new_vm(test, 0, 1, NULL);

	axvm_limits.max_total_memory = SZ_1M;
	KUNIT_EXPECT_EQ(test, add_ram(vm, 0, SZ_2M), -ENOSPC);
}

/* ---- restart ------------------------------------------------------------- */

static void vm_restart_reloads_images_and_resets_vcpus(struct kunit *test)
{
	static const char image[16] = "axvm-test-image!";
	struct axvm_fake_vcpu *fv;
	struct axvm_vcpu *vcpu;
	struct axvm_regs regs;
	u8 buf[16], zero[16] = {};
	struct axvm *vm;

	vm = new_vm(test, 0, 1, NULL);
	KUNIT_ASSERT_EQ(test, add_ram(vm, 0, SZ_2M), 0);
	KUNIT_ASSERT_EQ(test, load_raw(vm, 0x100000, image, sizeof(image),
				       AXVM_IMAGE_SET_ENTRY), 0);
	drive_to(test, vm, RUNNING);
	vcpu = vm->vcpus[0];
	fv = axvm_fake_vcpu(vcpu);
	KUNIT_ASSERT_EQ(test, atomic_read(&fv->resets), 1);

	/* The guest ran a while: memory, registers, an interrupt pending. */
	KUNIT_ASSERT_EQ(test, axvm_aspace_write(&vm->aspace, 0x100000,
						"XXXXXXXXXXXXXXXX", 16), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_write(&vm->aspace, 0x180000,
						"junk", 4), 0);
	fv->regs.rip = 0xdead;
	KUNIT_ASSERT_EQ(test, axvm_vcpu_inject(vcpu, 0x40), 0);
	KUNIT_ASSERT_EQ(test, axvm_vm_stop(vm), 0);

	KUNIT_ASSERT_EQ(test, axvm_vm_restart(vm), 0);
	KUNIT_EXPECT_EQ(test, state_of(vm), RUNNING);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(&vm->aspace, 0x100000, buf,
					       sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, image, sizeof(image)), 0);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(&vm->aspace, 0x180000, buf, 4),
			0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, zero, 4), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fv->resets), 2);
	KUNIT_EXPECT_EQ(test, fv->reset_entry, 0x100000ULL);
	vm->arch->get_regs(vcpu, &regs);
	KUNIT_EXPECT_EQ(test, regs.rip, 0x100000ULL);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vcpu), -1);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVM_VCPU_READY);
}

static void vm_restart_clears_stop_reason(struct kunit *test)
{
	struct axvm_vm_info info;
	struct axvm *vm = new_vm(test, 0, 1, NULL);

	drive_to(test, vm, RUNNING);
	axvm_vm_stop_from_guest(vm, AXVM_STOP_DEBUG_EXIT, 9);
	KUNIT_ASSERT_EQ(test, axvm_vm_restart(vm), 0);
	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_NONE);
	KUNIT_EXPECT_EQ(test, info.exit_code, 0LL);
}

static void vm_restart_failure_stays_stopped(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm *vm = new_vm(test, 0, 1, NULL);

	drive_to(test, vm, STOPPED);
	fa->vcpu_reset_err = -EIO;
	KUNIT_EXPECT_EQ(test, axvm_vm_restart(vm), -EIO);
	KUNIT_EXPECT_EQ(test, state_of(vm), STOPPED);
	fa->vcpu_reset_err = 0;
	KUNIT_EXPECT_EQ(test, axvm_vm_restart(vm), 0);
	KUNIT_EXPECT_EQ(test, vm->vcpus[0]->state, AXVM_VCPU_READY);
}

/* ---- stops from the guest ------------------------------------------------ */

static void vm_guest_stop_sets_reason_and_code(struct kunit *test)
{
	struct axvm_vm_info info;
	struct axvm *vm = new_vm(test, 0, 1, NULL);

	drive_to(test, vm, RUNNING);
	axvm_vm_stop_from_guest(vm, AXVM_STOP_DEBUG_EXIT, 42);
	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)STOPPED);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_DEBUG_EXIT);
	KUNIT_EXPECT_EQ(test, info.exit_code, 42LL);
}

static void vm_guest_stop_while_suspended(struct kunit *test)
{
	struct axvm_vm_info info;
	struct axvm *vm = new_vm(test, 0, 1, NULL);

	drive_to(test, vm, SUSPENDED);
	axvm_vm_stop_from_guest(vm, AXVM_STOP_POWEROFF, -1);
	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)STOPPED);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_POWEROFF);
	KUNIT_EXPECT_EQ(test, info.exit_code, -1LL);
}

static void vm_guest_stop_ignored_unless_running(struct kunit *test)
{
	struct axvm_vm_info info;
	struct axvm *vm = new_vm(test, 0, 1, NULL);

	drive_to(test, vm, LOADED);
	axvm_vm_stop_from_guest(vm, AXVM_STOP_SHUTDOWN, 1);
	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)LOADED);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_NONE);
	KUNIT_EXPECT_EQ(test, info.exit_code, 0LL);
}

static void vm_guest_stop_first_reason_wins(struct kunit *test)
{
	struct axvm_vm_info info;
	struct axvm *vm = new_vm(test, 0, 1, NULL);

	drive_to(test, vm, RUNNING);
	axvm_vm_stop_from_guest(vm, AXVM_STOP_SHUTDOWN, 0);
	axvm_vm_stop_from_guest(vm, AXVM_STOP_DEBUG_EXIT, 5);
	/* A STOP request afterwards succeeds and changes no reason. */
	KUNIT_EXPECT_EQ(test, axvm_vm_stop(vm), 0);
	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_SHUTDOWN);
	KUNIT_EXPECT_EQ(test, info.exit_code, 0LL);
}

static void vm_stop_request_reason(struct kunit *test)
{
	struct axvm_vm_info info;
	struct axvm *vm = new_vm(test, 0, 1, NULL);

	drive_to(test, vm, RUNNING);
	KUNIT_ASSERT_EQ(test, axvm_vm_stop(vm), 0);
	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_REQUESTED);
	KUNIT_EXPECT_EQ(test, info.exit_code, 0LL);
}

/* ---- info and the registry ------------------------------------------------ */

static void vm_info_fields(struct kunit *test)
{
	struct axvm_vm_info *info;
	struct axvm *vm;
	u8 zero[sizeof(info->reserved)] = {};

	info = kunit_kzalloc(test, sizeof(*info), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, info);
	axvm_fake_hal_set_time(fh_of(test), 123456789);
	vm = new_vm(test, 0, 3, "kt-info");
	KUNIT_ASSERT_EQ(test, axvm_vm_create_vcpu(vm, 1, NULL), 0);
	KUNIT_ASSERT_EQ(test, add_ram(vm, 0, SZ_1M), 0);
	KUNIT_ASSERT_EQ(test, add_ram(vm, SZ_4M, SZ_64K), 0);

	memset(info, 0xa5, sizeof(*info));
	axvm_vm_info(vm, info);
	KUNIT_EXPECT_EQ(test, info->id, vm->id);
	KUNIT_EXPECT_EQ(test, info->state, (u32)LOADING);
	KUNIT_EXPECT_EQ(test, info->flags, 0U);
	KUNIT_EXPECT_EQ(test, info->max_vcpus, 3U);
	KUNIT_EXPECT_EQ(test, info->nr_vcpus, 1U);
	KUNIT_EXPECT_EQ(test, info->exit_reason, AXVM_STOP_NONE);
	KUNIT_EXPECT_EQ(test, info->exit_code, 0LL);
	KUNIT_EXPECT_EQ(test, info->memory_bytes, (u64)(SZ_1M + SZ_64K));
	KUNIT_EXPECT_EQ(test, info->created_ns, 123456789ULL);
	KUNIT_EXPECT_STREQ(test, info->name, "kt-info");
	KUNIT_EXPECT_EQ(test, info->stats.exits, 0ULL);
	KUNIT_EXPECT_EQ(test, memcmp(info->reserved, zero, sizeof(zero)), 0);

	KUNIT_ASSERT_EQ(test, axvm_vm_finalize(vm), 0);
	axvm_vm_info(vm, info);
	KUNIT_EXPECT_EQ(test, info->nr_vcpus, 3U);
	KUNIT_EXPECT_EQ(test, info->state, (u32)LOADED);
}

static void vm_info_flags_managed(struct kunit *test)
{
	struct axvm_vm_info info;
	struct axvm *vm = new_vm(test, AXVM_VM_MANAGED, 1, NULL);

	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.flags, AXVM_VM_MANAGED);
}

static void vm_find_returns_a_reference(struct kunit *test)
{
	struct axvm *vm = new_vm(test, 0, 1, NULL);
	unsigned int refs = kref_read(&vm->ref);
	struct axvm *found = axvm_vm_find(vm->id);

	KUNIT_ASSERT_PTR_EQ(test, found, vm);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->ref), refs + 1);
	axvm_vm_put(found);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->ref), refs);
}

static void vm_find_unknown(struct kunit *test)
{
	struct axvm *vm = new_vm(test, 0, 1, NULL);

	KUNIT_EXPECT_NULL(test, axvm_vm_find(vm->id + 1000));
	KUNIT_EXPECT_NULL(test, axvm_vm_find(0));
	KUNIT_EXPECT_NULL(test, axvm_vm_find(AXVM_ID_NONE));
}

static void vm_list_ids(struct kunit *test)
{
	struct axvm *vm[3];
	u32 ids[8];
	int i;

	KUNIT_ASSERT_EQ(test, axvm_fake_nr_vms(), 0U);
	vm[0] = new_vm(test, 0, 1, NULL);
	vm[1] = new_vm(test, AXVM_VM_MANAGED, 1, NULL);
	vm[2] = new_vm(test, 0, 1, NULL);
	KUNIT_ASSERT_EQ(test, axvm_vm_list(ids, ARRAY_SIZE(ids)), 3U);
	/* In id order, each once. */
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, ids[i], vm[i]->id);
	KUNIT_EXPECT_LT(test, ids[0], ids[1]);
	KUNIT_EXPECT_LT(test, ids[1], ids[2]);
}

static void vm_list_truncates(struct kunit *test)
{
	u32 ids[3] = { 0xdeadbeef, 0xdeadbeef, 0xdeadbeef };
	struct axvm *a;

	KUNIT_ASSERT_EQ(test, axvm_fake_nr_vms(), 0U);
	a = new_vm(test, 0, 1, NULL);
	new_vm(test, 0, 1, NULL);
	new_vm(test, 0, 1, NULL);
	KUNIT_EXPECT_EQ(test, axvm_vm_list(ids, 1), 3U);
	KUNIT_EXPECT_EQ(test, ids[0], a->id);
	KUNIT_EXPECT_EQ(test, ids[1], 0xdeadbeefU);
}

static void vm_default_name(struct kunit *test)
{
	struct axvm *vm = new_vm(test, 0, 1, NULL);
	char want[AXVM_NAME_LEN];

	snprintf(want, sizeof(want), "vm%u", vm->id);
	KUNIT_EXPECT_STREQ(test, vm->name, want);
}

static void vm_default_name_taken(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_create_vm req = { .max_vcpus = 1, .id = 777 };
	struct axvm *b = NULL;

	new_vm(test, 0, 1, "vm777");
	KUNIT_ASSERT_EQ(test, axvm_vm_create(&req, &fh_of(test)->ops,
					     &fa->ops, &b), 0);
	axvm_fake_vm_adopt(test, b);
	KUNIT_EXPECT_EQ(test, b->id, 777U);
	/* Unique, and still says whose it is. */
	KUNIT_EXPECT_STRNEQ(test, b->name, "vm777");
	KUNIT_EXPECT_EQ(test, strncmp(b->name, "vm777", 5), 0);
}

/* ---- failures -------------------------------------------------------------- */

static void vm_create_fails_cleanly_at_every_hal_alloc(struct kunit *test)
{
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_create_vm req = { .max_vcpus = 2, .name = "kt-fail" };
	unsigned int before = axvm_fake_nr_vms();
	unsigned long injected;
	struct axvm *vm;
	long n;
	int ret;

	for (n = 0; n < 32; n++) {
		vm = NULL;
		injected = axvm_fake_hal_alloc_failures(fh);
		axvm_fake_hal_fail_alloc_after(fh, n);
		ret = axvm_vm_create(&req, &fh->ops, &fa->ops, &vm);
		axvm_fake_hal_fail_alloc_after(fh, -1);
		if (axvm_fake_hal_alloc_failures(fh) == injected) {
			/* Every allocation passed: creation must have too. */
			KUNIT_EXPECT_EQ(test, ret, 0);
			if (!ret)
				axvm_fake_vm_adopt(test, vm);
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "failing alloc %ld", n);
		if (!ret) {
			axvm_fake_vm_adopt(test, vm);
			break;
		}
		KUNIT_EXPECT_EQ(test, axvm_fake_nr_vms(), before);
		KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(fh), 0UL);
		KUNIT_EXPECT_EQ(test, atomic_read(&fa->vms_live), 0);
	}
	/* Creation allocates at least the stage-2 root through the HAL. */
	KUNIT_EXPECT_GE(test, n, 1L);
	KUNIT_EXPECT_LT(test, n, 32L);
}

static void vm_create_vm_init_failure(struct kunit *test)
{
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_create_vm req = { .max_vcpus = 1, .name = "kt-fail" };
	unsigned int before = axvm_fake_nr_vms();
	struct axvm *vm = NULL;

	fa->vm_init_err = -EIO;
	KUNIT_EXPECT_EQ(test, axvm_vm_create(&req, &fh->ops,
					     &fa->ops, &vm), -EIO);
	KUNIT_EXPECT_EQ(test, axvm_fake_nr_vms(), before);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_frames_in_use(fh), 0UL);
	/* The name was not taken by the failed attempt. */
	fa->vm_init_err = 0;
	new_vm(test, 0, 1, "kt-fail");
}

static void vm_create_register_failure_undoes_vm_init(struct kunit *test)
{
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm_create_vm req = { .max_vcpus = 1, .name = "kt-dup" };
	struct axvm *vm = NULL;

	new_vm(test, 0, 1, "kt-dup");
	KUNIT_ASSERT_EQ(test, atomic_read(&fa->vms_live), 1);
	/* Refused at registration, after vm_init succeeded. */
	KUNIT_EXPECT_EQ(test, axvm_vm_create(&req, &fh->ops,
					     &fa->ops, &vm), -EEXIST);
	KUNIT_EXPECT_EQ(test, atomic_read(&fa->vms_live), 1);
}

static void vm_finalize_vcpu_create_failure(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm *vm = new_vm(test, 0, 3, NULL);

	fa->vcpu_create_fail_after = 1;
	KUNIT_EXPECT_EQ(test, axvm_vm_finalize(vm), -ENOMEM);
	KUNIT_EXPECT_EQ(test, state_of(vm), LOADING);
	KUNIT_EXPECT_EQ(test, vm->nr_vcpus, 1U);
	KUNIT_EXPECT_NULL(test, vm->vcpus[1]);
	KUNIT_EXPECT_EQ(test, atomic_read(&fa->vcpus_live), 1);
	/* Nothing half done: it can simply be tried again. */
	KUNIT_EXPECT_EQ(test, axvm_vm_finalize(vm), 0);
	KUNIT_EXPECT_EQ(test, vm->nr_vcpus, 3U);
	KUNIT_EXPECT_EQ(test, state_of(vm), LOADED);
}

static void vm_finalize_vcpu_reset_failure(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm *vm = new_vm(test, 0, 2, NULL);

	fa->vcpu_reset_err = -EIO;
	KUNIT_EXPECT_EQ(test, axvm_vm_finalize(vm), -EIO);
	KUNIT_EXPECT_EQ(test, state_of(vm), LOADING);
	fa->vcpu_reset_err = 0;
	KUNIT_EXPECT_EQ(test, axvm_vm_finalize(vm), 0);
	KUNIT_EXPECT_EQ(test, vm->vcpus[0]->state, AXVM_VCPU_READY);
	KUNIT_EXPECT_EQ(test, vm->vcpus[1]->state, AXVM_VCPU_READY);
}

static void vm_create_vcpu_checks(struct kunit *test)
{
	struct axvm_fake_arch *fa = fa_of(test);
	struct axvm *vm = new_vm(test, 0, 2, NULL);
	struct axvm_vcpu *vcpu = NULL;

	fa->vcpu_create_fail_after = 0;
	KUNIT_EXPECT_EQ(test, axvm_vm_create_vcpu(vm, 0, &vcpu), -ENOMEM);
	KUNIT_EXPECT_NULL(test, vm->vcpus[0]);
	KUNIT_EXPECT_EQ(test, vm->nr_vcpus, 0U);
	KUNIT_EXPECT_EQ(test, axvm_vm_create_vcpu(vm, 2, &vcpu), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvm_vm_create_vcpu(vm, U32_MAX, &vcpu), -EINVAL);
	KUNIT_ASSERT_EQ(test, axvm_vm_create_vcpu(vm, 0, &vcpu), 0);
	KUNIT_EXPECT_PTR_EQ(test, vm->vcpus[0], vcpu);
	KUNIT_EXPECT_EQ(test, vcpu->id, 0U);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVM_VCPU_FREE);
	KUNIT_EXPECT_EQ(test, axvm_vm_create_vcpu(vm, 0, &vcpu), -EEXIST);
	KUNIT_EXPECT_EQ(test, vm->nr_vcpus, 1U);
}

/*
 * pcpu_sets has 8 entries, max_vcpus goes to 64: a vCPU past the 8th has
 * no pinning, not whatever lies after the array.
 */
static void vm_vcpu_beyond_pcpu_sets_not_pinned(struct kunit *test)
{
	struct axvm_vcpu *vcpu;
	struct axvm *vm;

	axvm_limits.max_vcpus = AXVM_MAX_VCPUS_LIMIT;
	vm = new_vm(test, AXVM_VM_MANAGED, 9, NULL);
	KUNIT_ASSERT_EQ(test, axvm_vm_create_vcpu(vm, 8, &vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->pcpu_mask, 0ULL);
}

/*
 * finalize, stop and restart hold every vCPU mutex at once: lockdep must
 * accept that for the largest VM allowed (it has 8 subclasses and holds
 * 48 locks per task). Last in the suite: when it fails, lockdep is off
 * for whatever runs after it.
 */
static void vm_lock_all_vcpus_of_largest_vm(struct kunit *test)
{
	struct axvm *vm;

	if (!IS_ENABLED(CONFIG_LOCKDEP) || !debug_locks)
		kunit_skip(test, "lockdep is off (see the boot log)");
	axvm_limits.max_vcpus = AXVM_MAX_VCPUS_LIMIT;
	vm = new_vm(test, 0, AXVM_MAX_VCPUS_LIMIT, NULL);
	drive_to(test, vm, STOPPED);
	KUNIT_EXPECT_EQ(test, axvm_vm_restart(vm), 0);
	KUNIT_EXPECT_TRUE_MSG(test, debug_locks,
			      "lockdep turned itself off (see dmesg)");
}

/* The names of include/axvm/vm_states.h, in the enum's order. */
static void vm_state_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, axvm_vm_state_name(AXVM_VM_LOADING), "loading");
	KUNIT_EXPECT_STREQ(test, axvm_vm_state_name(AXVM_VM_SUSPENDED),
			   "suspended");
	KUNIT_EXPECT_STREQ(test, axvm_vm_state_name(AXVM_VM_STOPPED), "stopped");
	KUNIT_EXPECT_STREQ(test, axvm_vm_state_name(AXVM_VM_STOPPED + 1),
			   "invalid");
}

static struct kunit_case vm_cases[] = {
	KUNIT_CASE_PARAM(vm_create_matrix, vm_create_gen_params),
	KUNIT_CASE(vm_limit_enospc),
	KUNIT_CASE(vm_create_bad_hal_or_arch),
	KUNIT_CASE(vm_fake_arch_is_complete),
	KUNIT_CASE_PARAM(vm_transition_matrix, vm_transition_gen_params),
	KUNIT_CASE(vm_managed_start_runs_threads),
	KUNIT_CASE(vm_managed_threads_pinned),
	KUNIT_CASE(vm_managed_pause_parks_threads),
	KUNIT_CASE(vm_managed_guest_stop_then_restart),
	KUNIT_CASE(vm_managed_guest_reset_reboots),
	KUNIT_CASE(vm_guest_reset_stays_stopped),
	KUNIT_CASE(vm_managed_thread_error_stops_vm),
	KUNIT_CASE(vm_managed_destroy_unlists_after_last_put),
	KUNIT_CASE(vm_destroyed_refuses_every_step),
	KUNIT_CASE(vm_managed_threads_hold_the_vm),
	KUNIT_CASE(vm_managed_survives_last_user_put),
	KUNIT_CASE(vm_vmm_last_put_frees),
	KUNIT_CASE_PARAM(vm_config_after_loading, vm_cfg_gen_params),
	KUNIT_CASE(vm_memory_limit_per_vm),
	KUNIT_CASE(vm_memory_limit_counts_images),
	KUNIT_CASE(vm_region_without_read_refused),
	KUNIT_CASE(vm_memory_limit_total),
	KUNIT_CASE(vm_memory_total_released_by_last_put),
	KUNIT_CASE(vm_memory_refused_region_not_charged),
	KUNIT_CASE(vm_memory_region_larger_than_total),
	KUNIT_CASE(vm_restart_reloads_images_and_resets_vcpus),
	KUNIT_CASE(vm_restart_clears_stop_reason),
	KUNIT_CASE(vm_restart_failure_stays_stopped),
	KUNIT_CASE(vm_guest_stop_sets_reason_and_code),
	KUNIT_CASE(vm_guest_stop_while_suspended),
	KUNIT_CASE(vm_guest_stop_ignored_unless_running),
	KUNIT_CASE(vm_guest_stop_first_reason_wins),
	KUNIT_CASE(vm_stop_request_reason),
	KUNIT_CASE(vm_info_fields),
	KUNIT_CASE(vm_info_flags_managed),
	KUNIT_CASE(vm_state_names),
	KUNIT_CASE(vm_find_returns_a_reference),
	KUNIT_CASE(vm_find_unknown),
	KUNIT_CASE(vm_list_ids),
	KUNIT_CASE(vm_list_truncates),
	KUNIT_CASE(vm_default_name),
	KUNIT_CASE(vm_default_name_taken),
	KUNIT_CASE(vm_create_fails_cleanly_at_every_hal_alloc),
	KUNIT_CASE(vm_create_vm_init_failure),
	KUNIT_CASE(vm_create_register_failure_undoes_vm_init),
	KUNIT_CASE(vm_finalize_vcpu_create_failure),
	KUNIT_CASE(vm_finalize_vcpu_reset_failure),
	KUNIT_CASE(vm_create_vcpu_checks),
	KUNIT_CASE(vm_vcpu_beyond_pcpu_sets_not_pinned),
	KUNIT_CASE(vm_lock_all_vcpus_of_largest_vm),
	{}
};

static struct kunit_suite axvm_vm_suite = {
	.name = "axvm_vm",
	.init = vm_test_init,
	.exit = vm_test_exit,
	.test_cases = vm_cases,
};
kunit_test_suite(axvm_vm_suite);
