// SPDX-License-Identifier: GPL-2.0
/*
 * The system ioctls of /dev/axvm from userspace: GET_API_VERSION,
 * CHECK_EXTENSION, CREATE_VM, LIST_VMS, OPEN_VM, with their success
 * paths and their failures, and the ENOTTY of VM and vCPU ioctls sent
 * to /dev/axvm. Built 64-bit and 32-bit (the compat path); prints TAP.
 */
#include <stddef.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include "tap.h"

/* The ABI is the same for 32- and 64-bit callers: pin every size. */
_Static_assert(sizeof(struct axvm_create_vm) == 144, "create_vm");
_Static_assert(sizeof(struct axvm_vm_list) == 16, "vm_list");
_Static_assert(sizeof(struct axvm_open_vm) == 24, "open_vm");
_Static_assert(sizeof(struct axvm_vm_stats) == 128, "vm_stats");
_Static_assert(sizeof(struct axvm_vm_info) == 240, "vm_info");
_Static_assert(sizeof(struct axvm_memory_region) == 40, "memory_region");
_Static_assert(sizeof(struct axvm_guest_access) == 32, "guest_access");
_Static_assert(sizeof(struct axvm_image) == 64, "image");
_Static_assert(sizeof(struct axvm_device) == 64, "device");
_Static_assert(sizeof(struct axvm_entry) == 32, "entry");
_Static_assert(sizeof(struct axvm_irq) == 16, "irq");
_Static_assert(sizeof(struct axvm_regs) == 144, "regs");
_Static_assert(sizeof(struct axvm_sregs) == 232, "sregs");
_Static_assert(sizeof(struct axvm_interrupt) == 8, "interrupt");
_Static_assert(offsetof(struct axvm_run, exit_reason) == 8, "run.exit_reason");
_Static_assert(sizeof(struct axvm_run) == 272, "run");

/* An address no process has mapped: copies from or to it must fault. */
#define BAD_PTR		((void *)16)

static void test_version(int sys)
{
	tap_ret(ioctl(sys, AXVM_GET_API_VERSION, 0), AXVM_API_VERSION,
		"GET_API_VERSION returns %d", AXVM_API_VERSION);
	tap_errno(ioctl(sys, AXVM_GET_API_VERSION, 1), EINVAL,
		  "GET_API_VERSION with an argument: EINVAL");
	tap_errno(ioctl(sys, _IO(AXVMIO, 0x7f), 0), ENOTTY,
		  "unknown ioctl on /dev/axvm: ENOTTY");
	tap_errno(ioctl(sys, _IO('X', 1), 0), ENOTTY,
		  "foreign ioctl type on /dev/axvm: ENOTTY");
}

/* VM and vCPU ioctls belong to their own fds. */
static void test_wrong_fd(int sys)
{
	struct axvm_vm_info info;
	struct axvm_regs regs;

	tap_errno(ioctl(sys, AXVM_GET_VM_INFO, &info), ENOTTY,
		  "GET_VM_INFO on /dev/axvm: ENOTTY");
	tap_errno(ioctl(sys, AXVM_FINALIZE, 0), ENOTTY,
		  "FINALIZE on /dev/axvm: ENOTTY");
	tap_errno(ioctl(sys, AXVM_CREATE_VCPU, 0), ENOTTY,
		  "CREATE_VCPU on /dev/axvm: ENOTTY");
	tap_errno(ioctl(sys, AXVM_DESTROY, 0), ENOTTY,
		  "DESTROY on /dev/axvm: ENOTTY");
	tap_errno(ioctl(sys, AXVM_RUN, 0), ENOTTY,
		  "RUN on /dev/axvm: ENOTTY");
	tap_errno(ioctl(sys, AXVM_GET_REGS, &regs), ENOTTY,
		  "GET_REGS on /dev/axvm: ENOTTY");
}

static void test_extensions(int sys)
{
	static const struct { unsigned long cap; const char *name; } on[] = {
		{ AXVM_CAP_VMM_MODE, "VMM_MODE" },
		{ AXVM_CAP_MANAGED_MODE, "MANAGED_MODE" },
		{ AXVM_CAP_MAP_IDENTICAL, "MAP_IDENTICAL" },
		{ AXVM_CAP_HW_VIRT, "HW_VIRT" },
		{ AXVM_CAP_DEV_UART16550, "DEV_UART16550" },
		{ AXVM_CAP_DEV_DEBUG_EXIT, "DEV_DEBUG_EXIT" },
		{ AXVM_CAP_IMAGE_ELF, "IMAGE_ELF" },
		{ AXVM_CAP_IMAGE_MULTIBOOT, "IMAGE_MULTIBOOT" },
		{ AXVM_CAP_CONSOLE, "CONSOLE" },
		{ AXVM_CAP_QUERY_VM, "QUERY_VM" },
		{ AXVM_CAP_IMAGE_BZIMAGE, "IMAGE_BZIMAGE" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(on) / sizeof(on[0]); i++)
		tap_ret(ioctl(sys, AXVM_CHECK_EXTENSION, on[i].cap), 1,
			"CHECK_EXTENSION(CAP_%s) is 1", on[i].name);
	tap_ret(ioctl(sys, AXVM_CHECK_EXTENSION, AXVM_CAP_MAX_VCPUS),
		axvm_param("max_vcpus", 16),
		"CHECK_EXTENSION(CAP_MAX_VCPUS) is the max_vcpus parameter");
	tap_ret(ioctl(sys, AXVM_CHECK_EXTENSION, AXVM_CAP_MAX_VMS),
		axvm_param("max_vms", 64),
		"CHECK_EXTENSION(CAP_MAX_VMS) is the max_vms parameter");
	tap_ret(ioctl(sys, AXVM_CHECK_EXTENSION, 0), 0,
		"CHECK_EXTENSION(0) is 0");
	tap_ret(ioctl(sys, AXVM_CHECK_EXTENSION, AXVM_CAP_NR), 0,
		"CHECK_EXTENSION of an unknown capability: 0");
	tap_ret(ioctl(sys, AXVM_CHECK_EXTENSION, ~0UL), 0,
		"CHECK_EXTENSION(~0UL) is 0");
}

/* CREATE_VM with @c must fail with @err and leave no VM behind. */
static void create_fails(int sys, struct axvm_create_vm *c, int err,
			 const char *what)
{
	long before = axvm_count(sys);

	tap_errno(ioctl(sys, AXVM_CREATE_VM, c), err, "CREATE_VM %s: %s",
		  what, strerror(err));
	tap_eq(axvm_count(sys), before, "CREATE_VM %s leaves no VM", what);
}

static void create_init(struct axvm_create_vm *c, __u32 flags, __u32 nr)
{
	memset(c, 0, sizeof(*c));
	c->flags = flags;
	c->max_vcpus = nr;
}

static void test_create_refused(int sys)
{
	unsigned long long maxv = axvm_param("max_vcpus", 16);
	struct axvm_create_vm c;

	/* The lowest bit AXVM_CREATE_VM_VALID_FLAGS does not have. */
	create_init(&c, ~AXVM_CREATE_VM_VALID_FLAGS &
			(AXVM_CREATE_VM_VALID_FLAGS + 1), 1);
	create_fails(sys, &c, EINVAL, "with an unknown flag");
	create_init(&c, ~0u, 1);
	create_fails(sys, &c, EINVAL, "with flags ~0");
	create_init(&c, 0, 1);
	c.pad = 1;
	create_fails(sys, &c, EINVAL, "with nonzero pad");
	create_init(&c, 0, 1);
	c.reserved[3] = 1;
	create_fails(sys, &c, EINVAL, "with nonzero reserved[3]");
	create_init(&c, 0, 0);
	create_fails(sys, &c, EINVAL, "with max_vcpus 0");
	create_init(&c, 0, maxv + 1);
	create_fails(sys, &c, ENOSPC, "with max_vcpus past CAP_MAX_VCPUS");
	create_init(&c, 0, ~0u);
	create_fails(sys, &c, ENOSPC, "with max_vcpus ~0");
	create_init(&c, 0, 1);
	c.id = AXVM_ID_NONE;
	create_fails(sys, &c, EINVAL, "with id AXVM_ID_NONE");
	create_init(&c, 0, 1);
	c.id = 0x80000000u;
	create_fails(sys, &c, EINVAL, "with id past INT_MAX");
	create_init(&c, 0, 1);
	memset(c.name, 'a', sizeof(c.name));
	create_fails(sys, &c, ENAMETOOLONG, "with an unterminated name");
	create_init(&c, 0, 1);
	strcpy(c.name, "a b");
	create_fails(sys, &c, EINVAL, "with a space in the name");
	create_init(&c, 0, 1);
	strcpy(c.name, "../x");
	create_fails(sys, &c, EINVAL, "with a slash in the name");
	create_init(&c, 0, 1);
	c.pcpu_sets[0] = 1;
	create_fails(sys, &c, EINVAL, "VMM mode with a pcpu set");
	create_init(&c, AXVM_VM_MANAGED, 1);
	c.pcpu_sets[1] = 1;
	create_fails(sys, &c, EINVAL, "managed, pcpu set past max_vcpus");
	create_init(&c, AXVM_VM_MANAGED, 1);
	c.pcpu_sets[0] = 1ULL << 63;
	create_fails(sys, &c, EINVAL, "managed, pcpu set of no possible CPU");
	tap_errno(ioctl(sys, AXVM_CREATE_VM, BAD_PTR), EFAULT,
		  "CREATE_VM with a bad pointer: EFAULT");
}

static void test_create(int sys)
{
	unsigned long long maxv = axvm_param("max_vcpus", 16);
	struct axvm_create_vm c;
	struct axvm_vm_info info;
	int fd, fd2;
	__u32 id;

	fd = tap_fd(axvm_vm_new(sys, 0, 1, NULL, &id),
		    "CREATE_VM (VMM mode, 1 vCPU) returns an fd");
	if (fd < 0)
		return;
	tap_check(id > 0 && id <= 0x7fffffff, "CREATE_VM picks an id > 0 (%u)",
		  id);
	tap_ret(axvm_info(fd, &info), 0, "GET_VM_INFO on the new VM");
	tap_eq(info.id, id, "GET_VM_INFO id is CREATE_VM's");
	{
		char want[AXVM_NAME_LEN];

		snprintf(want, sizeof(want), "vm%u", id);
		tap_check(!strcmp(info.name, want),
			  "an empty name becomes \"%s\" (got \"%.32s\")", want,
			  info.name);
	}
	close(fd);
	tap_eq(axvm_listed(sys, id), 0, "closing the VMM VM's fd unlists it");

	fd = tap_fd(axvm_vm_new(sys, 0, maxv, NULL, NULL),
		    "CREATE_VM with max_vcpus = CAP_MAX_VCPUS (%llu)", maxv);
	close(fd);
	create_init(&c, AXVM_VM_MANAGED, 2);
	c.pcpu_sets[0] = 1;
	c.pcpu_sets[1] = 2;
	fd = tap_fd(ioctl(sys, AXVM_CREATE_VM, &c),
		    "CREATE_VM managed, vCPU 0 on CPU 0, vCPU 1 on CPU 1");
	tap_ret(ioctl(fd, AXVM_DESTROY, 0), 0, "DESTROY it");
	close(fd);

	/* An id of our choosing, then the same id again. */
	create_init(&c, 0, 1);
	c.id = 4242;
	fd = tap_fd(ioctl(sys, AXVM_CREATE_VM, &c), "CREATE_VM with id 4242");
	tap_eq(c.id, 4242, "CREATE_VM keeps the id asked for");
	create_init(&c, 0, 1);
	c.id = 4242;
	create_fails(sys, &c, EEXIST, "with an id in use");
	close(fd);
	create_init(&c, 0, 1);
	c.id = 4242;
	fd = tap_fd(ioctl(sys, AXVM_CREATE_VM, &c),
		    "CREATE_VM with that id once it is free again");
	close(fd);

	/* Names: unique among live VMs, the full 31 characters allowed. */
	fd = tap_fd(axvm_vm_new(sys, 0, 1, "api-test.name_1", NULL),
		    "CREATE_VM named \"api-test.name_1\"");
	create_init(&c, 0, 1);
	strcpy(c.name, "api-test.name_1");
	create_fails(sys, &c, EEXIST, "with a name in use");
	create_init(&c, AXVM_VM_MANAGED, 1);
	strcpy(c.name, "api-test.name_1");
	create_fails(sys, &c, EEXIST, "managed, with a name in use");
	close(fd);
	fd = tap_fd(axvm_vm_new(sys, 0, 1, "api-test.name_1", NULL),
		    "CREATE_VM with that name once the VM is gone");
	create_init(&c, 0, 1);
	memset(c.name, 'n', AXVM_NAME_LEN - 1);
	fd2 = tap_fd(ioctl(sys, AXVM_CREATE_VM, &c),
		     "CREATE_VM with a 31-character name");
	if (fd2 >= 0 && !axvm_info(fd2, &info))
		tap_check(!memcmp(info.name, c.name, AXVM_NAME_LEN),
			  "GET_VM_INFO returns the 31-character name");
	else
		tap_check(0, "GET_VM_INFO returns the 31-character name");
	close(fd2);
	close(fd);
}

static void test_list(int sys)
{
	__u32 ids[8], id[3];
	struct axvm_vm_list l;
	long base = axvm_count(sys);
	int fd[3], i, seen;

	tap_check(base >= 0, "LIST_VMS with nr = 0 returns the count (%ld)",
		  base);
	for (i = 0; i < 3; i++)
		fd[i] = axvm_vm_new(sys, 0, 1, NULL, &id[i]);
	tap_check(fd[0] >= 0 && fd[1] >= 0 && fd[2] >= 0,
		  "three VMs for LIST_VMS");
	tap_eq(axvm_count(sys), base + 3, "LIST_VMS nr counts the new VMs");

	memset(&l, 0, sizeof(l));
	memset(ids, 0xff, sizeof(ids));
	l.nr = base + 3 <= 8 ? base + 3 : 8;
	l.ids = U64P(ids);
	tap_ret(ioctl(sys, AXVM_LIST_VMS, &l), 0, "LIST_VMS with room");
	tap_eq(l.nr, base + 3, "LIST_VMS sets nr to the number of VMs");
	if (base + 3 <= 8) {
		for (seen = 0, i = 0; i < base + 3; i++)
			seen += ids[i] == id[0] || ids[i] == id[1] ||
				ids[i] == id[2];
		tap_eq(seen, 3, "LIST_VMS returns the three ids");
	} else {
		tap_skip("other VMs exist", "LIST_VMS returns the three ids");
	}

	memset(&l, 0, sizeof(l));
	memset(ids, 0xff, sizeof(ids));
	l.nr = 1;
	l.ids = U64P(ids);
	tap_ret(ioctl(sys, AXVM_LIST_VMS, &l), 0, "LIST_VMS with room for 1");
	tap_eq(l.nr, base + 3, "short buffer: nr is still the full count");
	tap_check(ids[0] != 0xffffffffu && ids[1] == 0xffffffffu,
		  "short buffer: exactly one id written");

	memset(&l, 0, sizeof(l));
	l.flags = 1;
	tap_errno(ioctl(sys, AXVM_LIST_VMS, &l), EINVAL,
		  "LIST_VMS with nonzero flags: EINVAL");
	memset(&l, 0, sizeof(l));
	l.nr = 4;
	l.ids = U64P(BAD_PTR);
	tap_errno(ioctl(sys, AXVM_LIST_VMS, &l), EFAULT,
		  "LIST_VMS with a bad ids pointer: EFAULT");
	memset(&l, 0, sizeof(l));
	l.ids = U64P(BAD_PTR);
	tap_ret(ioctl(sys, AXVM_LIST_VMS, &l), 0,
		"LIST_VMS with nr = 0 does not touch ids");
	tap_errno(ioctl(sys, AXVM_LIST_VMS, BAD_PTR), EFAULT,
		  "LIST_VMS with a bad pointer: EFAULT");
	for (i = 0; i < 3; i++)
		close(fd[i]);
	tap_eq(axvm_count(sys), base, "LIST_VMS count back after closing");
}

static void test_open(int sys)
{
	struct axvm_open_vm o;
	struct axvm_vm_info info;
	int fd, fd2;
	__u32 id;

	fd = axvm_vm_new(sys, 0, 1, "api-open", &id);
	if (!tap_check(fd >= 0, "a VM for OPEN_VM"))
		return;
	memset(&o, 0, sizeof(o));
	o.id = id;
	fd2 = tap_fd(ioctl(sys, AXVM_OPEN_VM, &o), "OPEN_VM of a live VM");
	tap_check(fd2 != fd, "OPEN_VM returns a new fd");
	tap_ret(axvm_info(fd2, &info), 0, "GET_VM_INFO through the new fd");
	tap_eq(info.id, id, "OPEN_VM's fd is the same VM");
	close(fd);
	tap_eq(axvm_listed(sys, id), 1, "the opened fd keeps the VM alive");
	tap_ret(axvm_info(fd2, &info), 0,
		"GET_VM_INFO after the creator's fd closed");
	close(fd2);
	tap_eq(axvm_listed(sys, id), 0, "closing the last fd frees the VM");
	tap_errno(ioctl(sys, AXVM_OPEN_VM, &o), ENOENT,
		  "OPEN_VM of a VM that is gone: ENOENT");
	o.id = 0;
	tap_errno(ioctl(sys, AXVM_OPEN_VM, &o), ENOENT,
		  "OPEN_VM of id 0: ENOENT");
	o.id = AXVM_ID_NONE;
	tap_errno(ioctl(sys, AXVM_OPEN_VM, &o), ENOENT,
		  "OPEN_VM of AXVM_ID_NONE: ENOENT");

	fd = axvm_vm_new(sys, 0, 1, NULL, &id);
	memset(&o, 0, sizeof(o));
	o.id = id;
	o.flags = 1;
	tap_errno(ioctl(sys, AXVM_OPEN_VM, &o), EINVAL,
		  "OPEN_VM with nonzero flags: EINVAL");
	o.flags = 0;
	o.reserved[1] = 1;
	tap_errno(ioctl(sys, AXVM_OPEN_VM, &o), EINVAL,
		  "OPEN_VM with nonzero reserved: EINVAL");
	tap_errno(ioctl(sys, AXVM_OPEN_VM, BAD_PTR), EFAULT,
		  "OPEN_VM with a bad pointer: EFAULT");
	close(fd);
}

/* CREATE_VM with @c in read-only memory: copied in, the id cannot be
 * copied out. Returns the pointer to pass (or NULL).
 */
static struct axvm_create_vm *readonly_create(__u32 flags)
{
	struct axvm_create_vm *c;

	c = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		return NULL;
	create_init(c, flags, 1);
	mprotect(c, 4096, PROT_READ);
	return c;
}

/* Failures after the VM exists must take it away again. */
static void test_late_failures(int sys)
{
	struct axvm_create_vm *c;
	struct axvm_open_vm o;
	struct rlimit old, none;
	long base = axvm_count(sys);
	int vm, fd, lowest;
	__u32 id;

	c = readonly_create(0);
	tap_errno(ioctl(sys, AXVM_CREATE_VM, c), EFAULT,
		  "CREATE_VM whose id cannot be copied out: EFAULT");
	tap_eq(axvm_count(sys), base, "... and no VM is left (VMM mode)");
	if (c)
		munmap(c, 4096);
	c = readonly_create(AXVM_VM_MANAGED);
	tap_errno(ioctl(sys, AXVM_CREATE_VM, c), EFAULT,
		  "CREATE_VM managed whose id cannot be copied out: EFAULT");
	tap_eq(axvm_count(sys), base, "... and no managed VM is left");
	if (c)
		munmap(c, 4096);

	/* No free descriptor: every fd-returning ioctl gets EMFILE. */
	vm = axvm_vm_new(sys, 0, 1, NULL, &id);
	lowest = fcntl(sys, F_DUPFD, 0);
	close(lowest);
	getrlimit(RLIMIT_NOFILE, &old);
	none = old;
	none.rlim_cur = lowest;
	if (!tap_check(vm >= 0 && lowest > vm &&
		       !setrlimit(RLIMIT_NOFILE, &none),
		       "RLIMIT_NOFILE lowered to leave no free fd"))
		return;
	tap_errno(axvm_vm_new(sys, 0, 1, NULL, NULL), EMFILE,
		  "CREATE_VM with no free fd: EMFILE");
	tap_errno(axvm_vm_new(sys, AXVM_VM_MANAGED, 1, "api-emfile", NULL),
		  EMFILE, "CREATE_VM managed with no free fd: EMFILE");
	memset(&o, 0, sizeof(o));
	o.id = id;
	tap_errno(ioctl(sys, AXVM_OPEN_VM, &o), EMFILE,
		  "OPEN_VM with no free fd: EMFILE");
	tap_errno(ioctl(vm, AXVM_CREATE_VCPU, 0), EMFILE,
		  "CREATE_VCPU with no free fd: EMFILE");
	tap_errno(ioctl(vm, AXVM_GET_CONSOLE_FD, 0), EMFILE,
		  "GET_CONSOLE_FD with no free fd: EMFILE");
	setrlimit(RLIMIT_NOFILE, &old);
	tap_eq(axvm_count(sys), base + 1, "the refused CREATE_VMs left no VM");
	fd = tap_fd(ioctl(vm, AXVM_CREATE_VCPU, 0),
		    "CREATE_VCPU 0 after its EMFILE (nothing was half made)");
	close(fd);
	fd = tap_fd(axvm_vm_new(sys, AXVM_VM_MANAGED, 1, "api-emfile", NULL),
		    "the managed VM's name is free after its EMFILE");
	ioctl(fd, AXVM_DESTROY, 0);
	close(fd);
	close(vm);
}

int main(void)
{
	int sys = axvm_open();

	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	test_version(sys);
	test_wrong_fd(sys);
	test_extensions(sys);
	test_create_refused(sys);
	test_create(sys);
	test_list(sys);
	test_open(sys);
	test_late_failures(sys);
	close(sys);
	return tap_done();
}
