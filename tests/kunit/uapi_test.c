// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_uapi: malformed ioctl arguments, as kernel structs, through the
 * functions the ioctl layer calls after copying in (and through the
 * ioctl dispatchers themselves where no user memory is involved): each
 * gets its precise errno and changes nothing.
 */
#include <kunit/test.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fcntl.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/axvm.h>
#include "axvm.h"
#include "vm.h"
#include "fd.h"
#include "main.h"
#include "mm.h"
#include "fake_hal.h"
#include "fake_arch.h"
#include "suites.h"

#define RWX	(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)

struct uapi_test {
	struct axvm_fake_hal *fh;
	struct axvm_fake_arch *fa;
};

static int uapi_test_init(struct kunit *test)
{
	struct uapi_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->fh = axvm_fake_hal_new(test);
	t->fa = axvm_fake_arch_new(test);
	test->priv = t;
	return 0;
}

/* A loading VMM-mode VM with RAM at [0, 2 MiB) and two vCPU slots. */
static struct axvm *loading_vm(struct kunit *test)
{
	struct uapi_test *t = test->priv;
	struct axvm_memory_region r = {
		.gpa = 0, .size = SZ_2M, .flags = RWX,
		.map_type = AXVM_MAP_ALLOC,
	};
	struct axvm *vm = axvm_fake_vm_new(test, t->fa, &t->fh->ops, 0, 2,
					   NULL);

	KUNIT_ASSERT_EQ(test, axvm_vm_add_region(vm, &r), 0);
	return vm;
}

/* Drop CAP_SYS_RAWIO from the calling thread's subjective creds. */
static const struct cred *drop_rawio(struct kunit *test)
{
	struct cred *cred = prepare_creds();

	KUNIT_ASSERT_NOT_NULL(test, cred);
	cap_lower(cred->cap_effective, CAP_SYS_RAWIO);
	return override_creds(cred);
}

static void restore_creds(const struct cred *old)
{
	const struct cred *mine = current_cred();

	revert_creds(old);
	put_cred(mine);
}

/* ---- SET_MEMORY_REGION ---------------------------------------------------- */

struct region_case {
	const char *desc;
	struct axvm_memory_region r;
	bool no_rawio;
	int err;
};

static const struct region_case region_cases[] = {
	{ "valid", { .gpa = SZ_4M, .size = SZ_1M, .flags = RWX }, false, 0 },
	{ "reserved[0] set", { .gpa = SZ_4M, .size = SZ_1M, .flags = RWX,
	  .reserved = { 1 } }, false, -EINVAL },
	{ "reserved[1] set", { .gpa = SZ_4M, .size = SZ_1M, .flags = RWX,
	  .reserved = { 0, 1 } }, false, -EINVAL },
	{ "unknown flag bit 9", { .gpa = SZ_4M, .size = SZ_1M,
	  .flags = RWX | (1u << 9) }, false, -EINVAL },
	{ "unknown flag bit 31", { .gpa = SZ_4M, .size = SZ_1M,
	  .flags = 1u << 31 }, false, -EINVAL },
	{ "unknown map_type", { .gpa = SZ_4M, .size = SZ_1M, .flags = RWX,
	  .map_type = 7 }, false, -EINVAL },
	{ "map_type reserved (axvisor's, unsupported)", { .gpa = SZ_4M,
	  .size = SZ_1M, .flags = RWX, .map_type = AXVM_MAP_RESERVED }, false,
	  -EOPNOTSUPP },
	{ "gpa not page aligned", { .gpa = SZ_4M + 1, .size = SZ_1M,
	  .flags = RWX }, false, -EINVAL },
	{ "size not page aligned", { .gpa = SZ_4M, .size = SZ_4K + SZ_2K,
	  .flags = RWX }, false, -EINVAL },
	{ "size 0", { .gpa = SZ_4M, .size = 0, .flags = RWX }, false,
	  -EINVAL },
	{ "gpa + size wraps (high gpa)", { .gpa = 0xfffffffffffff000ULL,
	  .size = 0x2000, .flags = RWX }, false, -EINVAL },
	{ "gpa + size wraps (huge size)", { .gpa = 0x200000000ULL,
	  .size = 0xffffffffffff0000ULL, .flags = RWX }, false, -EINVAL },
	{ "ends past the guest-physical limit", { .gpa = AXVM_GPA_LIMIT - SZ_4K,
	  .size = SZ_8K, .flags = RWX }, false, -EINVAL },
	{ "overlaps a region", { .gpa = SZ_1M, .size = SZ_2M, .flags = RWX },
	  false, -EEXIST },
	{ "identical without CAP_SYS_RAWIO", { .gpa = AXVM_FAKE_RAM_BASE,
	  .size = SZ_2M, .flags = RWX, .map_type = AXVM_MAP_IDENTICAL }, true,
	  -EPERM },
	{ "identical outside host RAM", { .gpa = SZ_4M, .size = SZ_2M,
	  .flags = RWX, .map_type = AXVM_MAP_IDENTICAL }, false, -EFAULT },
};

static void region_desc(const struct region_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(region, region_cases, region_desc);

static void uapi_add_region(struct kunit *test)
{
	const struct region_case *c = test->param_value;
	struct axvm *vm = loading_vm(test);
	const struct cred *old = NULL;
	struct axvm_vm_info info;
	int ret;

	if (c->no_rawio)
		old = drop_rawio(test);
	ret = axvm_vm_add_region(vm, &c->r);
	if (old)
		restore_creds(old);
	KUNIT_EXPECT_EQ(test, ret, c->err);
	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.memory_bytes,
			(u64)SZ_2M + (ret ? 0 : c->r.size));
}

/* ---- DEL_MEMORY_REGION ---------------------------------------------------- */

struct del_case {
	const char *desc;
	struct axvm_memory_region r;
	int err;
};

static const struct del_case del_cases[] = {
	{ "exact", { .gpa = 0, .size = SZ_2M }, 0 },
	{ "flags set", { .gpa = 0, .size = SZ_2M, .flags = RWX }, -EINVAL },
	{ "map_type set", { .gpa = 0, .size = SZ_2M, .map_type = 1 }, -EINVAL },
	{ "reserved set", { .gpa = 0, .size = SZ_2M, .reserved = { 0, 2 } },
	  -EINVAL },
	{ "part of a region", { .gpa = 0, .size = SZ_1M }, -ENOENT },
	{ "no region there", { .gpa = SZ_4M, .size = SZ_2M }, -ENOENT },
};

static void del_desc(const struct del_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(del, del_cases, del_desc);

static void uapi_del_region(struct kunit *test)
{
	const struct del_case *c = test->param_value;
	struct axvm *vm = loading_vm(test);
	struct axvm_vm_info info;

	KUNIT_EXPECT_EQ(test, axvm_vm_del_region(vm, &c->r), c->err);
	axvm_vm_info(vm, &info);
	KUNIT_EXPECT_EQ(test, info.memory_bytes, c->err ? (u64)SZ_2M : 0ULL);
}

/* ---- ADD_DEVICE -------------------------------------------------------------- */

#define PIO	AXVM_SPACE_PIO
#define MMIO	AXVM_SPACE_MMIO
#define DEXIT	AXVM_DEV_DEBUG_EXIT
#define NOIRQ	AXVM_IRQ_NONE

struct device_case {
	const char *desc;
	struct axvm_device d;
	int err;
};

static const struct device_case device_cases[] = {
	{ "valid debug-exit", { DEXIT, PIO, 0xf4, 4, NOIRQ }, 0 },
	{ "valid, MMIO", { DEXIT, MMIO, 0xd0000000, 4, NOIRQ }, 0 },
	{ "unknown type", { 99, PIO, 0xf4, 4, NOIRQ }, -ENODEV },
	{ "type 0", { 0, PIO, 0xf4, 4, NOIRQ }, -ENODEV },
	{ "flags set", { DEXIT, PIO, 0xf4, 4, NOIRQ, 1 }, -EINVAL },
	{ "reserved set", { DEXIT, PIO, 0xf4, 4, NOIRQ, 0, "",
	  { 0, 1 } }, -EINVAL },
	{ "unknown space", { DEXIT, 2, 0xf4, 4, NOIRQ }, -EINVAL },
	{ "length 0", { DEXIT, PIO, 0xf4, 0, NOIRQ }, -EINVAL },
	{ "MMIO base + length wraps", { DEXIT, MMIO, ~0ULL - 1, 4, NOIRQ },
	  -EINVAL },
	{ "port range past 0xffff", { DEXIT, PIO, 0xfffe, 4, NOIRQ }, -EINVAL },
	{ "IRQ line 224", { DEXIT, PIO, 0xf4, 4, 224 }, -EINVAL },
	{ "IRQ line 223", { DEXIT, PIO, 0xf4, 4, 223 }, 0 },
	{ "name not NUL-terminated", { DEXIT, PIO, 0xf4, 4, NOIRQ, 0,
	  { 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a',
	    'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a' } }, -EINVAL },
	{ "overlaps the UART", { DEXIT, PIO, 0x3fc, 4, NOIRQ }, -EEXIST },
	{ "debug-exit longer than 4", { DEXIT, PIO, 0xf0, 8, NOIRQ }, -EINVAL },
};

static void device_desc(const struct device_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(device, device_cases, device_desc);

static void uapi_add_device(struct kunit *test)
{
	const struct device_case *c = test->param_value;
	struct axvm_device uart = {
		.type = AXVM_DEV_UART16550, .space = PIO, .base = 0x3f8,
		.length = 8, .irq = 4,
	};
	struct axvm *vm = loading_vm(test);

	KUNIT_ASSERT_EQ(test, axvm_vm_add_device(vm, &uart), 0);
	KUNIT_EXPECT_EQ(test, axvm_vm_add_device(vm, &c->d), c->err);
	KUNIT_EXPECT_EQ(test, vm->devices.nr, c->err ? 1U : 2U);
}

static void uapi_add_device_limit(struct kunit *test)
{
	struct axvm_device d = { .type = DEXIT, .space = PIO, .length = 1,
				 .irq = NOIRQ };
	struct axvm *vm = loading_vm(test);
	unsigned int i;

	for (i = 0; i < AXVM_MAX_DEVICES; i++) {
		d.base = 0x1000 + i;
		KUNIT_ASSERT_EQ(test, axvm_vm_add_device(vm, &d), 0);
	}
	d.base = 0x2000;
	KUNIT_EXPECT_EQ(test, axvm_vm_add_device(vm, &d), -ENOSPC);
	KUNIT_EXPECT_EQ(test, vm->devices.nr, AXVM_MAX_DEVICES);
}

/* ---- SET_ENTRY ----------------------------------------------------------------- */

struct entry_case {
	const char *desc;
	struct axvm_entry e;
	int err;
};

static const struct entry_case entry_cases[] = {
	{ "long mode", { 0x200000, AXVM_MODE_LONG }, 0 },
	{ "unknown flag", { 0x200000, AXVM_MODE_LONG, 1u << 1 }, -EINVAL },
	{ "AP entry", { 0x200000, 0, AXVM_ENTRY_AP }, 0 },
	{ "AP entry: its mode is the VM's", { 0x300000, 7, AXVM_ENTRY_AP }, 0 },
	{ "AP entry beyond what the VM's mode reaches",
	  { 1ULL << 32, AXVM_MODE_LONG, AXVM_ENTRY_AP }, -ERANGE },
	{ "reserved set", { 0x200000, AXVM_MODE_LONG, 0, { 0, 1 } }, -EINVAL },
	{ "unknown mode", { 0x200000, 3 }, -EINVAL },
	{ "real mode, last byte below 64K", { 0xffff, AXVM_MODE_REAL }, 0 },
	{ "real mode at 64K", { 0x10000, AXVM_MODE_REAL }, -ERANGE },
	{ "protected mode at 4G - 1", { 0xffffffffULL, AXVM_MODE_PROTECTED },
	  0 },
	{ "protected mode at 4G", { 1ULL << 32, AXVM_MODE_PROTECTED },
	  -ERANGE },
	{ "long mode at 4G (not identity-mapped)", { 1ULL << 32,
	  AXVM_MODE_LONG }, -ERANGE },
};

static void entry_desc(const struct entry_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(entry, entry_cases, entry_desc);

static void uapi_set_entry(struct kunit *test)
{
	const struct entry_case *c = test->param_value;
	struct axvm *vm = loading_vm(test);
	u64 entry = vm->entry;
	u32 mode = vm->entry_mode;

	bool ap = c->e.flags & AXVM_ENTRY_AP;

	KUNIT_EXPECT_EQ(test, axvm_vm_set_entry(vm, &c->e), c->err);
	/* An AP entry leaves the VM's entry and mode alone. */
	KUNIT_EXPECT_EQ(test, vm->entry, c->err || ap ? entry : c->e.entry);
	KUNIT_EXPECT_EQ(test, vm->entry_mode, c->err || ap ? mode : c->e.mode);
	KUNIT_EXPECT_EQ(test, vm->ap_entry_set, ap && !c->err);
	if (ap && !c->err)
		KUNIT_EXPECT_EQ(test, vm->ap_entry, c->e.entry);
}

/* ---- LOAD_IMAGE ---------------------------------------------------------------- */

struct image_case {
	const char *desc;
	struct axvm_image req;		/* size and buf are filled in */
	const char *bytes;
	int err;
};

static const struct image_case image_cases[] = {
	{ "raw", { .gpa = 0x100000 }, "hello", 0 },
	{ "unknown flag", { .gpa = 0x100000, .flags = 1u << 1 }, "hello",
	  -EINVAL },
	{ "pad set", { .gpa = 0x100000, .pad = 1 }, "hello", -EINVAL },
	{ "reserved set", { .gpa = 0x100000, .reserved = { 1 } }, "hello",
	  -EINVAL },
	{ "unknown format", { .gpa = 0x100000, .format = AXVM_IMAGE_INITRD + 1 }, "hello",
	  -EINVAL },
	{ "raw outside RAM", { .gpa = SZ_4M }, "hello", -EFAULT },
	{ "raw running off the end of RAM", { .gpa = SZ_2M - 2 }, "hello",
	  -EFAULT },
	{ "raw over the loader window", { .gpa = 0x9800 }, "hello", -EBUSY },
	{ "raw, empty", { .gpa = 0x100000 }, "", -EINVAL },
	{ "ELF that is not one", { .format = AXVM_IMAGE_ELF }, "hello world",
	  -ENOEXEC },
	{ "Multiboot without a header", { .format = AXVM_IMAGE_MULTIBOOT },
	  "hello world", -ENOEXEC },
	{ "bzImage without HdrS", { .format = AXVM_IMAGE_BZIMAGE },
	  "hello world", -ENOEXEC },
	{ "bzImage at a gpa", { .format = AXVM_IMAGE_BZIMAGE,
				.gpa = 0x100000 }, "hello world", -EINVAL },
	{ "initrd without a bzImage", { .format = AXVM_IMAGE_INITRD },
	  "hello world", -EINVAL },
	{ "initrd with SET_ENTRY", { .format = AXVM_IMAGE_INITRD,
				     .flags = AXVM_IMAGE_SET_ENTRY },
	  "hello world", -EINVAL },
};

static void image_desc(const struct image_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(image, image_cases, image_desc);

/* The VM keeps @bytes' copy on success; the caller frees it otherwise. */
static int load(struct axvm *vm, struct axvm_image *req, const void *bytes,
		size_t n)
{
	void *data = kvmalloc(max_t(size_t, n, 1), GFP_KERNEL);
	int ret;

	if (!data)
		return -ENOMEM;
	memcpy(data, bytes, n);
	req->size = n;
	ret = axvm_vm_load_image(vm, data, NULL, req);
	if (ret)
		kvfree(data);
	return ret;
}

static void uapi_load_image(struct kunit *test)
{
	const struct image_case *c = test->param_value;
	struct axvm_image req = c->req;
	struct axvm *vm = loading_vm(test);
	size_t n = strlen(c->bytes);
	u8 buf[16];

	KUNIT_EXPECT_EQ(test, load(vm, &req, c->bytes, n), c->err);
	if (c->err)
		return;
	KUNIT_EXPECT_EQ(test, req.entry, c->req.gpa);
	KUNIT_EXPECT_EQ(test, req.mode, (u32)AXVM_MODE_LONG);
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(&vm->aspace, c->req.gpa, buf, n),
			0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, c->bytes, n), 0);
}

/* A refused image leaves the guest as it was (loader.h), entry included. */
static void uapi_load_image_bad_entry_changes_nothing(struct kunit *test)
{
	struct axvm_memory_region high = {
		.gpa = 1ULL << 32, .size = SZ_4K, .flags = RWX,
	};
	struct axvm_image req = {
		.gpa = 1ULL << 32, .flags = AXVM_IMAGE_SET_ENTRY,
	};
	struct axvm *vm = loading_vm(test);
	u8 buf[5];

	KUNIT_ASSERT_EQ(test, axvm_vm_add_region(vm, &high), 0);
	/* Long mode enters below 4 GiB only. */
	KUNIT_EXPECT_EQ(test, load(vm, &req, "hello", 5), -ERANGE);
	KUNIT_EXPECT_EQ(test, vm->entry, 0x100000ULL);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->images));
	KUNIT_ASSERT_EQ(test, axvm_aspace_read(&vm->aspace, 1ULL << 32, buf,
					       sizeof(buf)), 0);
	KUNIT_EXPECT_TRUE_MSG(test, !memchr_inv(buf, 0, sizeof(buf)),
			      "guest memory written by a refused image");
}

/* ---- IRQ_LINE ------------------------------------------------------------------ */

struct irq_case {
	const char *desc;
	struct axvm_irq irq;
	int err;
};

static const struct irq_case irq_cases[] = {
	{ "line 0 to vCPU 1", { .vcpu = 1, .irq = 0 }, 0 },
	{ "flags set", { .vcpu = 0, .irq = 4, .flags = 1 }, -EINVAL },
	{ "pad set", { .vcpu = 0, .irq = 4, .pad = 1 }, -EINVAL },
	{ "line 224 (vector 256)", { .vcpu = 0, .irq = 224 }, -EINVAL },
	{ "line U32_MAX", { .vcpu = 0, .irq = U32_MAX }, -EINVAL },
	{ "vCPU 2 of 2", { .vcpu = 2, .irq = 4 }, -EINVAL },
	{ "vCPU U32_MAX", { .vcpu = U32_MAX, .irq = 4 }, -EINVAL },
};

static void irq_desc(const struct irq_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(irq, irq_cases, irq_desc);

static void uapi_irq_line(struct kunit *test)
{
	const struct irq_case *c = test->param_value;
	struct axvm *vm = loading_vm(test);

	axvm_fake_vm_finalize(test, vm);
	KUNIT_EXPECT_EQ(test, axvm_irq_line(vm, &c->irq), c->err);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vm->vcpus[0]), -1);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vm->vcpus[1]),
			c->err ? -1 : 0x20 + (int)c->irq.irq);
}

static void uapi_irq_line_vcpu_not_created(struct kunit *test)
{
	struct axvm_irq irq = { .vcpu = 1, .irq = 4 };
	struct axvm *vm = loading_vm(test);

	KUNIT_ASSERT_EQ(test, axvm_vm_create_vcpu(vm, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, axvm_irq_line(vm, &irq), -ENOENT);
}

/* ---- the VM fd's dispatcher -------------------------------------------------- */

enum { ARG_ZERO, ARG_ONE, ARG_KPTR, ARG_ID_MAX, ARG_ID_HUGE, ARG_BAD_FLAGS };

struct vm_ioctl_case {
	const char *desc;
	unsigned int cmd;
	int arg;
	int err;
};

static const struct vm_ioctl_case vm_ioctl_cases[] = {
	{ "unknown number", _IO(AXVMIO, 0x7f), ARG_ZERO, -ENOTTY },
	{ "another driver's type byte", _IO('k', 0x19), ARG_ZERO, -ENOTTY },
	{ "a vCPU ioctl (RUN)", AXVM_RUN, ARG_ZERO, -ENOTTY },
	{ "a system ioctl (CREATE_VM)", AXVM_CREATE_VM, ARG_KPTR, -ENOTTY },
	{ "SET_MEMORY_REGION with the wrong size",
	  _IOW(AXVMIO, 0x11, __u32), ARG_KPTR, -ENOTTY },
	{ "SET_MEMORY_REGION read instead of write",
	  _IOR(AXVMIO, 0x11, struct axvm_memory_region), ARG_KPTR, -ENOTTY },
	{ "FINALIZE with an argument", AXVM_FINALIZE, ARG_ONE, -EINVAL },
	{ "START with an argument", AXVM_START, ARG_ONE, -EINVAL },
	{ "PAUSE with an argument", AXVM_PAUSE, ARG_ONE, -EINVAL },
	{ "RESUME with an argument", AXVM_RESUME, ARG_ONE, -EINVAL },
	{ "STOP with an argument", AXVM_STOP, ARG_ONE, -EINVAL },
	{ "RESTART with an argument", AXVM_RESTART, ARG_ONE, -EINVAL },
	{ "DESTROY with an argument", AXVM_DESTROY, ARG_ONE, -EINVAL },
	{ "GET_CONSOLE_FD with O_APPEND", AXVM_GET_CONSOLE_FD, ARG_BAD_FLAGS,
	  -EINVAL },
	{ "CREATE_VCPU id == max_vcpus", AXVM_CREATE_VCPU, ARG_ID_MAX,
	  -EINVAL },
	{ "CREATE_VCPU id 2^32", AXVM_CREATE_VCPU, ARG_ID_HUGE, -EINVAL },
	{ "SET_MEMORY_REGION, kernel pointer", AXVM_SET_MEMORY_REGION, ARG_KPTR,
	  -EFAULT },
	{ "DEL_MEMORY_REGION, kernel pointer", AXVM_DEL_MEMORY_REGION, ARG_KPTR,
	  -EFAULT },
	{ "GET_VM_INFO, kernel pointer", AXVM_GET_VM_INFO, ARG_KPTR, -EFAULT },
	{ "READ_GUEST, kernel pointer", AXVM_READ_GUEST, ARG_KPTR, -EFAULT },
	{ "WRITE_GUEST, kernel pointer", AXVM_WRITE_GUEST, ARG_KPTR, -EFAULT },
	{ "LOAD_IMAGE, kernel pointer", AXVM_LOAD_IMAGE, ARG_KPTR, -EFAULT },
	{ "ADD_DEVICE, kernel pointer", AXVM_ADD_DEVICE, ARG_KPTR, -EFAULT },
	{ "SET_ENTRY, kernel pointer", AXVM_SET_ENTRY, ARG_KPTR, -EFAULT },
	{ "IRQ_LINE, kernel pointer", AXVM_IRQ_LINE, ARG_KPTR, -EFAULT },
};

static void vm_ioctl_desc(const struct vm_ioctl_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vm_ioctl, vm_ioctl_cases, vm_ioctl_desc);

/* A kernel buffer: any copy from/to "user" memory there must fail. */
static unsigned long ioctl_arg(struct kunit *test, struct axvm *vm, int kind)
{
	void *kbuf;

	switch (kind) {
	case ARG_ONE:
		return 1;
	case ARG_KPTR:
		kbuf = kunit_kzalloc(test, 512, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, kbuf);
		return (unsigned long)kbuf;
	case ARG_ID_MAX:
		return vm->max_vcpus;
	case ARG_ID_HUGE:
		return 1UL << 32;
	case ARG_BAD_FLAGS:
		return O_APPEND;
	}
	return 0;
}

static void uapi_vm_ioctl(struct kunit *test)
{
	const struct vm_ioctl_case *c = test->param_value;
	struct axvm *vm = loading_vm(test);
	struct axvm_vm_info before, after;

	axvm_vm_info(vm, &before);
	KUNIT_EXPECT_EQ(test, axvm_vm_ioctl(vm, c->cmd,
					    ioctl_arg(test, vm, c->arg)),
			(long)c->err);
	axvm_vm_info(vm, &after);
	KUNIT_EXPECT_EQ(test, after.state, before.state);
	KUNIT_EXPECT_EQ(test, after.nr_vcpus, before.nr_vcpus);
	KUNIT_EXPECT_EQ(test, after.memory_bytes, before.memory_bytes);
}

/* ---- the vCPU fd's dispatcher ------------------------------------------------- */

struct vcpu_ioctl_case {
	const char *desc;
	unsigned int cmd;
	int arg;
	int err;
};

static const struct vcpu_ioctl_case vcpu_ioctl_cases[] = {
	{ "unknown number", _IO(AXVMIO, 0xff), ARG_ZERO, -ENOTTY },
	{ "a VM ioctl (FINALIZE)", AXVM_FINALIZE, ARG_ZERO, -ENOTTY },
	{ "GET_REGS with the wrong size", _IOR(AXVMIO, 0x81, __u64), ARG_KPTR,
	  -ENOTTY },
	{ "RUN with an argument", AXVM_RUN, ARG_ONE, -EINVAL },
	{ "GET_REGS, kernel pointer", AXVM_GET_REGS, ARG_KPTR, -EFAULT },
	{ "SET_REGS, kernel pointer", AXVM_SET_REGS, ARG_KPTR, -EFAULT },
	{ "GET_SREGS, kernel pointer", AXVM_GET_SREGS, ARG_KPTR, -EFAULT },
	{ "SET_SREGS, kernel pointer", AXVM_SET_SREGS, ARG_KPTR, -EFAULT },
	{ "INTERRUPT, kernel pointer", AXVM_INTERRUPT, ARG_KPTR, -EFAULT },
};

static void vcpu_ioctl_desc(const struct vcpu_ioctl_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vcpu_ioctl, vcpu_ioctl_cases, vcpu_ioctl_desc);

static void uapi_vcpu_ioctl(struct kunit *test)
{
	const struct vcpu_ioctl_case *c = test->param_value;
	struct axvm *vm = loading_vm(test);
	struct axvm_vcpu *vcpu;

	axvm_fake_vm_finalize(test, vm);
	vcpu = vm->vcpus[0];
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ioctl(vcpu, c->cmd,
					      ioctl_arg(test, vm, c->arg)),
			(long)c->err);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVM_VCPU_READY);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vcpu), -1);
}

/* After a failed entry only freeing is left: registers are refused. */
static void uapi_vcpu_regs_refused_when_invalid(struct kunit *test)
{
	struct axvm *vm = loading_vm(test);
	struct axvm_vcpu *vcpu;
	void *kbuf = kunit_kzalloc(test, 512, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, kbuf);
	axvm_fake_vm_finalize(test, vm);
	vcpu = vm->vcpus[0];
	axvm_fake_push(axvm_fake_vcpu(vcpu), AXVM_FAKE_FAIL_ENTRY(1));
	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);
	KUNIT_ASSERT_EQ(test, axvm_fake_run(vcpu), 0);
	KUNIT_ASSERT_EQ(test, vcpu->state, AXVM_VCPU_INVALID);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ioctl(vcpu, AXVM_GET_REGS,
					      (unsigned long)kbuf),
			(long)-EBADFD);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ioctl(vcpu, AXVM_SET_SREGS,
					      (unsigned long)kbuf),
			(long)-EBADFD);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ioctl(vcpu, AXVM_RUN, 0),
			(long)-EBADFD);
}

/*
 * SET_REGS/SET_SREGS while loading would be undone by FINALIZE's reset:
 * refused with -EBUSY before anything is copied (a kernel pointer would
 * give -EFAULT), registers untouched. GET_* stay allowed: they reach the
 * copy (-EFAULT). After FINALIZE the setters reach it too.
 */
static void uapi_vcpu_set_regs_refused_while_loading(struct kunit *test)
{
	struct axvm *vm = loading_vm(test);
	struct axvm_fake_vcpu *fv;
	struct axvm_vcpu *vcpu;
	struct axvm_regs before, after;
	void *kbuf = kunit_kzalloc(test, 512, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, kbuf);
	KUNIT_ASSERT_EQ(test, axvm_vm_create_vcpu(vm, 0, &vcpu), 0);
	fv = axvm_fake_vcpu(vcpu);
	before = fv->regs;
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ioctl(vcpu, AXVM_SET_REGS,
					      (unsigned long)kbuf),
			(long)-EBUSY);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ioctl(vcpu, AXVM_SET_SREGS,
					      (unsigned long)kbuf),
			(long)-EBUSY);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ioctl(vcpu, AXVM_GET_REGS,
					      (unsigned long)kbuf),
			(long)-EFAULT);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ioctl(vcpu, AXVM_GET_SREGS,
					      (unsigned long)kbuf),
			(long)-EFAULT);
	after = fv->regs;
	KUNIT_EXPECT_EQ(test, memcmp(&before, &after, sizeof(before)), 0);
	KUNIT_EXPECT_EQ(test, (u32)READ_ONCE(vm->state), (u32)AXVM_VM_LOADING);

	/* Loaded, and on to stopped: the setters are let through. */
	axvm_fake_vm_finalize(test, vm);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ioctl(vcpu, AXVM_SET_REGS,
					      (unsigned long)kbuf),
			(long)-EFAULT);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ioctl(vcpu, AXVM_SET_SREGS,
					      (unsigned long)kbuf),
			(long)-EFAULT);
	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);
	KUNIT_ASSERT_EQ(test, axvm_vm_stop(vm), 0);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ioctl(vcpu, AXVM_SET_REGS,
					      (unsigned long)kbuf),
			(long)-EFAULT);
}

/* ---- /dev/axvm ------------------------------------------------------------------ */

enum { WANT_VERSION = 1000, WANT_MAX_VCPUS, WANT_MAX_VMS };

struct system_case {
	const char *desc;
	unsigned int cmd;
	unsigned long arg;
	long want;		/* or one of WANT_* */
};

static const struct system_case system_cases[] = {
	{ "GET_API_VERSION", AXVM_GET_API_VERSION, 0, WANT_VERSION },
	{ "GET_API_VERSION with an argument", AXVM_GET_API_VERSION, 1,
	  -EINVAL },
	{ "CHECK_EXTENSION 0", AXVM_CHECK_EXTENSION, 0, 0 },
	{ "CHECK_EXTENSION one past the last", AXVM_CHECK_EXTENSION,
	  AXVM_CAP_NR, 0 },
	{ "CHECK_EXTENSION ULONG_MAX", AXVM_CHECK_EXTENSION, ULONG_MAX, 0 },
	{ "CHECK_EXTENSION VMM_MODE | 1 << 32", AXVM_CHECK_EXTENSION,
	  (1UL << 32) | AXVM_CAP_VMM_MODE, 0 },
	{ "CHECK_EXTENSION VMM_MODE", AXVM_CHECK_EXTENSION, AXVM_CAP_VMM_MODE,
	  1 },
	{ "CHECK_EXTENSION MANAGED_MODE", AXVM_CHECK_EXTENSION,
	  AXVM_CAP_MANAGED_MODE, 1 },
	{ "CHECK_EXTENSION IMAGE_BZIMAGE", AXVM_CHECK_EXTENSION,
	  AXVM_CAP_IMAGE_BZIMAGE, 1 },
	{ "CHECK_EXTENSION DEV_UART16550", AXVM_CHECK_EXTENSION,
	  AXVM_CAP_DEV_UART16550, 1 },
	{ "CHECK_EXTENSION DEV_DEBUG_EXIT", AXVM_CHECK_EXTENSION,
	  AXVM_CAP_DEV_DEBUG_EXIT, 1 },
	{ "CHECK_EXTENSION QUERY_VM", AXVM_CHECK_EXTENSION,
	  AXVM_CAP_QUERY_VM, 1 },
	{ "CHECK_EXTENSION MULTIBOOT_MODULES", AXVM_CHECK_EXTENSION,
	  AXVM_CAP_MULTIBOOT_MODULES, 1 },
	/* The truth: identical regions need alloc_contig_range. */
	{ "CHECK_EXTENSION MAP_IDENTICAL", AXVM_CHECK_EXTENSION,
	  AXVM_CAP_MAP_IDENTICAL, IS_ENABLED(CONFIG_CONTIG_ALLOC) },
	{ "CHECK_EXTENSION MAX_VCPUS", AXVM_CHECK_EXTENSION,
	  AXVM_CAP_MAX_VCPUS, WANT_MAX_VCPUS },
	{ "CHECK_EXTENSION MAX_VMS", AXVM_CHECK_EXTENSION, AXVM_CAP_MAX_VMS,
	  WANT_MAX_VMS },
	{ "unknown number", _IO(AXVMIO, 0x0f), 0, -ENOTTY },
	{ "a VM ioctl (FINALIZE)", AXVM_FINALIZE, 0, -ENOTTY },
};

static void system_desc(const struct system_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(system, system_cases, system_desc);

static void uapi_system_ioctl(struct kunit *test)
{
	const struct system_case *c = test->param_value;
	long want = c->want;

	if (want == WANT_VERSION)
		want = AXVM_API_VERSION;
	else if (want == WANT_MAX_VCPUS)
		want = axvm_limits.max_vcpus;
	else if (want == WANT_MAX_VMS)
		want = axvm_limits.max_vms;
	KUNIT_EXPECT_EQ(test, axvm_system_ioctl(c->cmd, c->arg), want);
}

static struct kunit_case uapi_cases[] = {
	KUNIT_CASE_PARAM(uapi_add_region, region_gen_params),
	KUNIT_CASE_PARAM(uapi_del_region, del_gen_params),
	KUNIT_CASE_PARAM(uapi_add_device, device_gen_params),
	KUNIT_CASE(uapi_add_device_limit),
	KUNIT_CASE_PARAM(uapi_set_entry, entry_gen_params),
	KUNIT_CASE_PARAM(uapi_load_image, image_gen_params),
	KUNIT_CASE(uapi_load_image_bad_entry_changes_nothing),
	KUNIT_CASE_PARAM(uapi_irq_line, irq_gen_params),
	KUNIT_CASE(uapi_irq_line_vcpu_not_created),
	KUNIT_CASE_PARAM(uapi_vm_ioctl, vm_ioctl_gen_params),
	KUNIT_CASE_PARAM(uapi_vcpu_ioctl, vcpu_ioctl_gen_params),
	KUNIT_CASE(uapi_vcpu_regs_refused_when_invalid),
	KUNIT_CASE(uapi_vcpu_set_regs_refused_while_loading),
	KUNIT_CASE_PARAM(uapi_system_ioctl, system_gen_params),
	{}
};

static struct kunit_suite axvm_uapi_suite = {
	.name = "axvm_uapi",
	.init = uapi_test_init,
	.test_cases = uapi_cases,
};
kunit_test_suite(axvm_uapi_suite);
