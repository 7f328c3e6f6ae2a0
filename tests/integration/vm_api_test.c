// SPDX-License-Identifier: GPL-2.0
/*
 * The VM fd's configuration ioctls from userspace: GET_VM_INFO,
 * SET/DEL_MEMORY_REGION, READ/WRITE_GUEST, ADD_DEVICE, SET_ENTRY (and
 * the APs' entry), IRQ_LINE, SET_GSI and SIGNAL_MSI (the PC platform),
 * GET_CONSOLE_FD, and the ENOTTY of system and vCPU ioctls sent to a VM
 * fd. No guest runs. Images: image_test.c; the lifecycle:
 * lifecycle_test.c. Built 64-bit and 32-bit; prints TAP.
 */
#include <poll.h>
#include <time.h>
#include "tap.h"

#define BAD_PTR		((void *)16)
#define MiB		(1ULL << 20)
#define RWX		(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)
#define RW		(AXVM_MEM_READ | AXVM_MEM_WRITE)

static int sys;

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static __u64 memory_bytes(int vm)
{
	struct axvm_vm_info info;

	return axvm_info(vm, &info) ? ~0ULL : info.memory_bytes;
}

static void test_wrong_fd(int vm)
{
	struct axvm_create_vm c;
	struct axvm_vm_list l;
	struct axvm_regs regs;
	struct axvm_interrupt intr;

	memset(&c, 0, sizeof(c));
	c.max_vcpus = 1;
	memset(&l, 0, sizeof(l));
	memset(&intr, 0, sizeof(intr));
	intr.vector = 32;
	tap_errno(ioctl(vm, AXVM_CREATE_VM, &c), ENOTTY,
		  "CREATE_VM on a VM fd: ENOTTY");
	tap_errno(ioctl(vm, AXVM_LIST_VMS, &l), ENOTTY,
		  "LIST_VMS on a VM fd: ENOTTY");
	tap_errno(ioctl(vm, AXVM_GET_API_VERSION, 0), ENOTTY,
		  "GET_API_VERSION on a VM fd: ENOTTY");
	tap_errno(ioctl(vm, AXVM_CHECK_EXTENSION, AXVM_CAP_CONSOLE), ENOTTY,
		  "CHECK_EXTENSION on a VM fd: ENOTTY");
	tap_errno(ioctl(vm, AXVM_RUN, 0), ENOTTY, "RUN on a VM fd: ENOTTY");
	tap_errno(ioctl(vm, AXVM_GET_REGS, &regs), ENOTTY,
		  "GET_REGS on a VM fd: ENOTTY");
	tap_errno(ioctl(vm, AXVM_INTERRUPT, &intr), ENOTTY,
		  "INTERRUPT on a VM fd: ENOTTY");
	tap_errno(ioctl(vm, _IO(AXVMIO, 0x7e), 0), ENOTTY,
		  "unknown ioctl on a VM fd: ENOTTY");
}

static void test_info(void)
{
	static const struct axvm_vm_stats zero_stats;
	static const __u64 zero_reserved[3];
	struct axvm_vm_info info;
	__u64 t0, t1;
	__u32 id;
	int vm;

	t0 = now_ns();
	vm = axvm_vm_new(sys, 0, 3, "vm-api-info", &id);
	t1 = now_ns();
	if (!tap_check(vm >= 0, "a VM for GET_VM_INFO"))
		return;
	tap_ret(axvm_info(vm, &info), 0, "GET_VM_INFO");
	tap_eq(info.id, id, "GET_VM_INFO id");
	tap_eq(info.state, AXVM_VM_LOADING, "GET_VM_INFO state: loading");
	tap_eq(info.flags, 0, "GET_VM_INFO flags: 0 (VMM mode)");
	tap_eq(info.max_vcpus, 3, "GET_VM_INFO max_vcpus");
	tap_eq(info.nr_vcpus, 0, "GET_VM_INFO nr_vcpus: 0 before CREATE_VCPU");
	tap_eq(info.exit_reason, AXVM_STOP_NONE, "GET_VM_INFO exit_reason NONE");
	tap_eq(info.exit_code, 0, "GET_VM_INFO exit_code 0");
	tap_eq(info.memory_bytes, 0, "GET_VM_INFO memory_bytes 0");
	tap_check(info.created_ns >= t0 && info.created_ns <= t1,
		  "GET_VM_INFO created_ns is CLOCK_MONOTONIC at creation");
	tap_check(!strcmp(info.name, "vm-api-info"), "GET_VM_INFO name");
	tap_check(!memcmp(&info.stats, &zero_stats, sizeof(zero_stats)),
		  "GET_VM_INFO stats all zero");
	tap_check(!memcmp(info.reserved, zero_reserved, sizeof(zero_reserved)),
		  "GET_VM_INFO reserved zero");
	tap_eq(info.image_bytes, 0, "GET_VM_INFO image_bytes 0 before LOAD_IMAGE");
	tap_errno(ioctl(vm, AXVM_GET_VM_INFO, BAD_PTR), EFAULT,
		  "GET_VM_INFO with a bad pointer: EFAULT");
	test_wrong_fd(vm);
	close(vm);

	vm = axvm_vm_new(sys, AXVM_VM_MANAGED, 1, NULL, NULL);
	tap_ret(axvm_info(vm, &info), 0, "GET_VM_INFO of a managed VM");
	tap_eq(info.flags, AXVM_VM_MANAGED, "GET_VM_INFO flags: MANAGED");
	tap_ret(ioctl(vm, AXVM_DESTROY, 0), 0, "DESTROY the managed VM");
	close(vm);
}

/* SET_MEMORY_REGION with @r must fail with @err. */
static void region_fails(int vm, struct axvm_memory_region *r, int err,
			 const char *what)
{
	tap_errno(ioctl(vm, AXVM_SET_MEMORY_REGION, r), err,
		  "SET_MEMORY_REGION %s: %s", what, strerror(err));
}

static void region_init(struct axvm_memory_region *r, __u64 gpa, __u64 size)
{
	memset(r, 0, sizeof(*r));
	r->gpa = gpa;
	r->size = size;
	r->flags = RW;
}

static void test_regions(void)
{
	__u64 vm_max = axvm_param("max_vm_memory_mb", 8192) << 20;
	struct axvm_memory_region r;
	__u8 buf[4096];
	int vm;

	vm = axvm_vm_new(sys, 0, 1, NULL, NULL);
	if (!tap_check(vm >= 0, "a VM for memory regions"))
		return;
	tap_ret(axvm_region(vm, 0, MiB, RWX), 0,
		"SET_MEMORY_REGION [0, 1 MiB) rwx");
	tap_eq(memory_bytes(vm), MiB, "memory_bytes is 1 MiB");
	tap_ret(axvm_region(vm, MiB, 64 << 10, RW), 0,
		"SET_MEMORY_REGION [1 MiB, +64 KiB) rw, adjacent");
	tap_ret(axvm_region(vm, 2 * MiB, 64 << 10, RW | AXVM_MEM_POPULATE), 0,
		"SET_MEMORY_REGION [2 MiB, +64 KiB) populated at once");
	tap_eq(memory_bytes(vm), MiB + (128 << 10),
	       "memory_bytes is the sum of the regions");

	region_init(&r, 0x80000, 4096);
	region_fails(vm, &r, EEXIST, "inside another");
	region_init(&r, MiB - 4096, 8192);
	region_fails(vm, &r, EEXIST, "straddling two");
	region_init(&r, 0, MiB);
	region_fails(vm, &r, EEXIST, "identical to another");
	region_init(&r, 0x4000001, 4096);
	region_fails(vm, &r, EINVAL, "with an unaligned gpa");
	region_init(&r, 0x4000000, 4097);
	region_fails(vm, &r, EINVAL, "with an unaligned size");
	region_init(&r, 0x4000000, 0);
	region_fails(vm, &r, EINVAL, "with size 0");
	region_init(&r, 0xfffffffffffff000ULL, 0x2000);
	region_fails(vm, &r, EINVAL, "whose end wraps");
	region_init(&r, 1ULL << 47, 4096);
	region_fails(vm, &r, EINVAL, "past the 47-bit GPA space");
	region_init(&r, 0x4000000, 4096);
	r.flags = 1u << 4;
	region_fails(vm, &r, EINVAL, "with an unknown flag");
	region_init(&r, 0x4000000, 4096);
	r.reserved[1] = 1;
	region_fails(vm, &r, EINVAL, "with nonzero reserved");
	region_init(&r, 0x4000000, 4096);
	r.map_type = 2;
	region_fails(vm, &r, EOPNOTSUPP, "map_type reserved (2)");
	region_init(&r, 0x4000000, 4096);
	r.map_type = 3;
	region_fails(vm, &r, EINVAL, "with an unknown map_type");
	region_init(&r, 0xfee00000, 4096);
	r.map_type = AXVM_MAP_IDENTICAL;
	region_fails(vm, &r, EFAULT, "identical over non-RAM (the APIC page)");
	region_init(&r, 1ULL << 32, vm_max + 4096);
	region_fails(vm, &r, ENOSPC, "past max_vm_memory_mb");
	tap_errno(ioctl(vm, AXVM_SET_MEMORY_REGION, BAD_PTR), EFAULT,
		  "SET_MEMORY_REGION with a bad pointer: EFAULT");
	tap_eq(memory_bytes(vm), MiB + (128 << 10),
	       "refused regions leave memory_bytes alone");

	/* The limits are inclusive: up to the last page of each. */
	tap_ret(axvm_region(vm, (1ULL << 47) - 4096, 4096, RW), 0,
		"SET_MEMORY_REGION ending exactly at 2^47");
	tap_ret(axvm_region(vm, 1ULL << 32, vm_max - memory_bytes(vm), RW), 0,
		"SET_MEMORY_REGION up to max_vm_memory_mb exactly (lazy)");
	region_init(&r, 1ULL << 40, 4096);
	region_fails(vm, &r, ENOSPC, "one page past max_vm_memory_mb");

	/* DEL_MEMORY_REGION: exactly a region that was added. */
	region_init(&r, 1ULL << 32, vm_max - MiB - (128 << 10) - 4096);
	r.flags = 0;
	tap_ret(ioctl(vm, AXVM_DEL_MEMORY_REGION, &r), 0,
		"DEL_MEMORY_REGION of the big region");
	r.gpa = (1ULL << 47) - 4096;
	r.size = 4096;
	tap_ret(ioctl(vm, AXVM_DEL_MEMORY_REGION, &r), 0,
		"DEL_MEMORY_REGION of the page at 2^47");
	tap_eq(memory_bytes(vm), MiB + (128 << 10),
	       "memory_bytes drops by what was deleted");
	tap_errno(ioctl(vm, AXVM_DEL_MEMORY_REGION, &r), ENOENT,
		  "DEL_MEMORY_REGION twice: ENOENT");
	r.gpa = 0;
	r.size = MiB / 2;
	tap_errno(ioctl(vm, AXVM_DEL_MEMORY_REGION, &r), ENOENT,
		  "DEL_MEMORY_REGION of part of a region: ENOENT");
	r.gpa = 0x4000000;
	tap_errno(ioctl(vm, AXVM_DEL_MEMORY_REGION, &r), ENOENT,
		  "DEL_MEMORY_REGION of a hole: ENOENT");
	region_init(&r, MiB, 64 << 10);
	tap_errno(ioctl(vm, AXVM_DEL_MEMORY_REGION, &r), EINVAL,
		  "DEL_MEMORY_REGION with flags: EINVAL");
	r.flags = 0;
	r.map_type = AXVM_MAP_IDENTICAL;
	tap_errno(ioctl(vm, AXVM_DEL_MEMORY_REGION, &r), EINVAL,
		  "DEL_MEMORY_REGION with a map_type: EINVAL");
	r.map_type = 0;
	r.reserved[0] = 1;
	tap_errno(ioctl(vm, AXVM_DEL_MEMORY_REGION, &r), EINVAL,
		  "DEL_MEMORY_REGION with nonzero reserved: EINVAL");
	tap_errno(ioctl(vm, AXVM_DEL_MEMORY_REGION, BAD_PTR), EFAULT,
		  "DEL_MEMORY_REGION with a bad pointer: EFAULT");

	/* A deleted region's memory is gone: re-adding it gives zeros. */
	memset(buf, 0x5a, sizeof(buf));
	axvm_guest(vm, AXVM_WRITE_GUEST, MiB, buf, sizeof(buf));
	r.reserved[0] = 0;
	tap_ret(ioctl(vm, AXVM_DEL_MEMORY_REGION, &r), 0,
		"DEL_MEMORY_REGION [1 MiB, +64 KiB) after writing it");
	tap_errno(axvm_guest(vm, AXVM_READ_GUEST, MiB, buf, sizeof(buf)),
		  EFAULT, "READ_GUEST of a deleted region: EFAULT");
	tap_ret(axvm_region(vm, MiB, 64 << 10, RW), 0,
		"SET_MEMORY_REGION of it again");
	memset(buf, 0xff, sizeof(buf));
	tap_ret(axvm_guest(vm, AXVM_READ_GUEST, MiB, buf, sizeof(buf)), 0,
		"READ_GUEST of the re-added region");
	tap_check(buf[0] == 0 && !memcmp(buf, buf + 1, sizeof(buf) - 1),
		  "a re-added region reads as zeros, not old contents");
	close(vm);
}

static void fill(__u8 *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (__u8)(i * 7 + seed + (i >> 12));
}

static void test_guest_access(void)
{
	const size_t big = MiB;
	__u8 *a = malloc(big + 4096), *b = malloc(big + 4096);
	struct axvm_guest_access ga;
	__u8 page[4096], before[4096];
	int vm;

	vm = axvm_vm_new(sys, 0, 1, NULL, NULL);
	if (!tap_check(vm >= 0 && a && b, "a VM for READ/WRITE_GUEST"))
		return;
	axvm_region(vm, 0, MiB, RWX);
	axvm_region(vm, MiB, 64 << 10, RW);

	fill(a, 3 * 4096, 1);
	tap_ret(axvm_guest(vm, AXVM_WRITE_GUEST, 0xff8, a, 3 * 4096), 0,
		"WRITE_GUEST of 3 pages at 0xff8 (4 pages touched)");
	memset(b, 0, 3 * 4096);
	tap_ret(axvm_guest(vm, AXVM_READ_GUEST, 0xff8, b, 3 * 4096), 0,
		"READ_GUEST of the same bytes");
	tap_check(!memcmp(a, b, 3 * 4096),
		  "READ_GUEST returns what WRITE_GUEST wrote across pages");
	fill(a, 8192, 2);
	tap_ret(axvm_guest(vm, AXVM_WRITE_GUEST, MiB - 4096, a, 8192), 0,
		"WRITE_GUEST across two regions");
	memset(b, 0, 8192);
	tap_ret(axvm_guest(vm, AXVM_READ_GUEST, MiB - 4096, b, 8192), 0,
		"READ_GUEST across two regions");
	tap_check(!memcmp(a, b, 8192), "the round trip across regions matches");
	memset(page, 0xff, sizeof(page));
	tap_ret(axvm_guest(vm, AXVM_READ_GUEST, 0x80000, page, 4096), 0,
		"READ_GUEST of a page never written");
	tap_check(page[0] == 0 && !memcmp(page, page + 1, 4095),
		  "a page never written reads as zeros");

	fill(a, big, 3);
	tap_ret(axvm_guest(vm, AXVM_WRITE_GUEST, 0, a, big), 0,
		"WRITE_GUEST of exactly 1 MiB");
	memset(b, 0, big);
	tap_ret(axvm_guest(vm, AXVM_READ_GUEST, 0, b, big), 0,
		"READ_GUEST of exactly 1 MiB");
	tap_check(!memcmp(a, b, big), "the 1 MiB round trip matches");
	tap_errno(axvm_guest(vm, AXVM_READ_GUEST, 0, b, big + 1), E2BIG,
		  "READ_GUEST of 1 MiB + 1: E2BIG");
	tap_errno(axvm_guest(vm, AXVM_WRITE_GUEST, 0, a, big + 1), E2BIG,
		  "WRITE_GUEST of 1 MiB + 1: E2BIG");
	tap_ret(axvm_guest(vm, AXVM_READ_GUEST, 0x10000000, b, 0), 0,
		"READ_GUEST of 0 bytes: 0");

	tap_errno(axvm_guest(vm, AXVM_READ_GUEST, MiB + (64 << 10), page, 16),
		  EFAULT, "READ_GUEST of a hole: EFAULT");
	tap_errno(axvm_guest(vm, AXVM_WRITE_GUEST, 0x10000000, page, 16),
		  EFAULT, "WRITE_GUEST of a hole: EFAULT");
	axvm_guest(vm, AXVM_READ_GUEST, MiB + (60 << 10), before, 4096);
	memset(page, 0x77, sizeof(page));
	tap_errno(axvm_guest(vm, AXVM_WRITE_GUEST, MiB + (60 << 10), page,
			     4096 + 16),
		  EFAULT, "WRITE_GUEST running off the end of RAM: EFAULT");
	memset(b, 0, 4096);
	axvm_guest(vm, AXVM_READ_GUEST, MiB + (60 << 10), b, 4096);
	tap_check(!memcmp(b, before, 4096),
		  "a refused WRITE_GUEST wrote nothing");
	tap_errno(axvm_guest(vm, AXVM_READ_GUEST, ~0ULL - 100, page, 4096),
		  EINVAL, "READ_GUEST whose gpa + size wraps: EINVAL");
	tap_errno(axvm_guest(vm, AXVM_WRITE_GUEST, ~0ULL - 100, page, 4096),
		  EINVAL, "WRITE_GUEST whose gpa + size wraps: EINVAL");

	memset(&ga, 0, sizeof(ga));
	ga.size = 16;
	ga.buf = U64P(page);
	ga.flags = 1;
	tap_errno(ioctl(vm, AXVM_READ_GUEST, &ga), EINVAL,
		  "READ_GUEST with flags: EINVAL");
	ga.flags = 0;
	ga.pad = 1;
	tap_errno(ioctl(vm, AXVM_WRITE_GUEST, &ga), EINVAL,
		  "WRITE_GUEST with nonzero pad: EINVAL");
	tap_errno(axvm_guest(vm, AXVM_WRITE_GUEST, 0, BAD_PTR, 16), EFAULT,
		  "WRITE_GUEST from a bad user buffer: EFAULT");
	tap_errno(axvm_guest(vm, AXVM_READ_GUEST, 0, BAD_PTR, 16), EFAULT,
		  "READ_GUEST into a bad user buffer: EFAULT");
	tap_errno(ioctl(vm, AXVM_READ_GUEST, BAD_PTR), EFAULT,
		  "READ_GUEST with a bad pointer: EFAULT");
	close(vm);
	free(a);
	free(b);
}

/* ADD_DEVICE of @d must fail with @err. */
static void device_fails(int vm, struct axvm_device *d, int err,
			 const char *what)
{
	tap_errno(ioctl(vm, AXVM_ADD_DEVICE, d), err, "ADD_DEVICE %s: %s",
		  what, strerror(err));
}

static void device_init(struct axvm_device *d, __u32 type, __u32 space,
			__u64 base, __u64 len)
{
	memset(d, 0, sizeof(*d));
	d->type = type;
	d->space = space;
	d->base = base;
	d->length = len;
	d->irq = AXVM_IRQ_NONE;
	strcpy(d->name, "dev");
}

static void test_devices(void)
{
	struct axvm_device d;
	int vm, i, n;

	vm = axvm_vm_new(sys, 0, 1, NULL, NULL);
	if (!tap_check(vm >= 0, "a VM for ADD_DEVICE"))
		return;
	tap_ret(axvm_device(vm, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0x3f8, 8,
			    4), 0, "ADD_DEVICE uart16550 at PIO 0x3f8, IRQ 4");
	tap_ret(axvm_device(vm, AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO, 0xf4, 4,
			    AXVM_IRQ_NONE), 0, "ADD_DEVICE debug-exit at 0xf4");
	tap_ret(axvm_device(vm, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0x3f0, 8,
			    AXVM_IRQ_NONE), 0,
		"ADD_DEVICE uart16550 right below the first");
	tap_ret(axvm_device(vm, AXVM_DEV_UART16550, AXVM_SPACE_MMIO, 0x3f8, 8,
			    3), 0, "ADD_DEVICE at the same address in MMIO");

	device_init(&d, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0x3fc, 8);
	device_fails(vm, &d, EEXIST, "overlapping another");
	device_init(&d, AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO, 0xf7, 1);
	device_fails(vm, &d, EEXIST, "on another's last byte");
	device_init(&d, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0x2f8, 4);
	device_fails(vm, &d, EINVAL, "uart16550 with length 4");
	device_init(&d, AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO, 0x500, 8);
	device_fails(vm, &d, EINVAL, "debug-exit with length 8");
	device_init(&d, 0, AXVM_SPACE_PIO, 0x500, 8);
	device_fails(vm, &d, ENODEV, "of type 0");
	device_init(&d, 99, AXVM_SPACE_PIO, 0x500, 8);
	device_fails(vm, &d, ENODEV, "of an unknown type");
	device_init(&d, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0x500, 8);
	d.flags = 1;
	device_fails(vm, &d, EINVAL, "with flags");
	device_init(&d, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0x500, 8);
	d.reserved[1] = 1;
	device_fails(vm, &d, EINVAL, "with nonzero reserved");
	device_init(&d, AXVM_DEV_UART16550, 2, 0x500, 8);
	device_fails(vm, &d, EINVAL, "in an unknown space");
	device_init(&d, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0x500, 0);
	device_fails(vm, &d, EINVAL, "with length 0");
	device_init(&d, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0xfffc, 8);
	device_fails(vm, &d, EINVAL, "running past port 0xffff");
	device_init(&d, AXVM_DEV_UART16550, AXVM_SPACE_MMIO, ~0ULL - 3, 8);
	device_fails(vm, &d, EINVAL, "whose end wraps");
	device_init(&d, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0x500, 8);
	d.irq = 256 - 0x20;
	device_fails(vm, &d, EINVAL, "with IRQ line 224");
	device_init(&d, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0x500, 8);
	memset(d.name, 'x', sizeof(d.name));
	device_fails(vm, &d, EINVAL, "with an unterminated name");
	tap_errno(ioctl(vm, AXVM_ADD_DEVICE, BAD_PTR), EFAULT,
		  "ADD_DEVICE with a bad pointer: EFAULT");

	/* The per-VM device limit (64): four are in already. */
	for (n = 4, i = 0; i < 100; i++) {
		if (axvm_device(vm, AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO,
				0x1000 + i, 1, AXVM_IRQ_NONE))
			break;
		n++;
	}
	tap_eq(n, 64, "ADD_DEVICE takes 64 devices per VM");
	device_init(&d, AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO, 0x2000, 1);
	device_fails(vm, &d, ENOSPC, "past 64 devices");
	close(vm);
}

static void test_entry_irq(void)
{
	struct axvm_entry e;
	struct axvm_irq irq;
	struct axvm_vm_info info;
	int vm, vcpu;

	vm = axvm_vm_new(sys, 0, 2, NULL, NULL);
	if (!tap_check(vm >= 0, "a VM for SET_ENTRY and IRQ_LINE"))
		return;
	tap_ret(axvm_entry(vm, 0x7c00, AXVM_MODE_REAL), 0,
		"SET_ENTRY 0x7c00 real");
	tap_ret(axvm_entry(vm, 0xffff, AXVM_MODE_REAL), 0,
		"SET_ENTRY 0xffff real (the last real-mode entry)");
	tap_errno(axvm_entry(vm, 0x10000, AXVM_MODE_REAL), ERANGE,
		  "SET_ENTRY 0x10000 real: ERANGE");
	tap_ret(axvm_entry(vm, 0xffffffffULL, AXVM_MODE_PROTECTED), 0,
		"SET_ENTRY 4 GiB - 1 protected");
	tap_errno(axvm_entry(vm, 1ULL << 32, AXVM_MODE_PROTECTED), ERANGE,
		  "SET_ENTRY 4 GiB protected: ERANGE");
	tap_ret(axvm_entry(vm, 0x100000, AXVM_MODE_LONG), 0,
		"SET_ENTRY 0x100000 long");
	tap_errno(axvm_entry(vm, 1ULL << 32, AXVM_MODE_LONG), ERANGE,
		  "SET_ENTRY 4 GiB long (not identity-mapped): ERANGE");
	tap_errno(axvm_entry(vm, 0x1000, 3), EINVAL,
		  "SET_ENTRY in an unknown mode: EINVAL");
	/* The APs' entry is checked against the VM's mode (long, here). */
	tap_ret(axvm_vm__set_ap_entry(TAP_VM(vm), 0x200000), 0,
		"SET_ENTRY AXVM_ENTRY_AP 0x200000 (long)");
	tap_errno(axvm_vm__set_ap_entry(TAP_VM(vm), 1ULL << 32), ERANGE,
		  "SET_ENTRY AXVM_ENTRY_AP 4 GiB in long mode: ERANGE");
	memset(&e, 0, sizeof(e));
	e.entry = 0x300000;
	e.mode = 3;
	e.flags = AXVM_ENTRY_AP;
	tap_ret(ioctl(vm, AXVM_SET_ENTRY, &e), 0,
		"SET_ENTRY AXVM_ENTRY_AP ignores mode");
	tap_ret(axvm_entry(vm, 0x7c00, AXVM_MODE_REAL), 0,
		"SET_ENTRY 0x7c00 real, again");
	tap_errno(axvm_vm__set_ap_entry(TAP_VM(vm), 0x10000), ERANGE,
		  "SET_ENTRY AXVM_ENTRY_AP 0x10000 in real mode: ERANGE");
	tap_ret(axvm_vm__set_ap_entry(TAP_VM(vm), 0x8000), 0,
		"SET_ENTRY AXVM_ENTRY_AP 0x8000 (real)");
	memset(&e, 0, sizeof(e));
	e.entry = 0x1000;
	e.flags = AXVM_ENTRY_AP << 1;
	tap_errno(ioctl(vm, AXVM_SET_ENTRY, &e), EINVAL,
		  "SET_ENTRY with an unknown flag: EINVAL");
	e.flags = 0;
	e.reserved[0] = 1;
	tap_errno(ioctl(vm, AXVM_SET_ENTRY, &e), EINVAL,
		  "SET_ENTRY with nonzero reserved: EINVAL");
	tap_errno(ioctl(vm, AXVM_SET_ENTRY, BAD_PTR), EFAULT,
		  "SET_ENTRY with a bad pointer: EFAULT");

	memset(&irq, 0, sizeof(irq));
	irq.irq = 4;
	tap_errno(ioctl(vm, AXVM_IRQ_LINE, &irq), ENOENT,
		  "IRQ_LINE to a vCPU not created yet: ENOENT");
	vcpu = tap_fd(ioctl(vm, AXVM_CREATE_VCPU, 0), "CREATE_VCPU 0");
	tap_ret(ioctl(vm, AXVM_IRQ_LINE, &irq), 0, "IRQ_LINE 4 to vCPU 0");
	tap_ret(axvm_info(vm, &info), 0, "GET_VM_INFO after IRQ_LINE");
	tap_eq(info.stats.injected_irqs, 1, "IRQ_LINE counts in injected_irqs");
	irq.vcpu = 2;
	tap_errno(ioctl(vm, AXVM_IRQ_LINE, &irq), EINVAL,
		  "IRQ_LINE to vCPU max_vcpus: EINVAL");
	irq.vcpu = 0;
	irq.irq = 224;
	tap_errno(ioctl(vm, AXVM_IRQ_LINE, &irq), EINVAL,
		  "IRQ_LINE 224 (vector past 255): EINVAL");
	irq.irq = 223;
	tap_ret(ioctl(vm, AXVM_IRQ_LINE, &irq), 0,
		"IRQ_LINE 223 (vector 255)");
	irq.flags = 1;
	tap_errno(ioctl(vm, AXVM_IRQ_LINE, &irq), EINVAL,
		  "IRQ_LINE with flags: EINVAL");
	irq.flags = 0;
	irq.pad = 1;
	tap_errno(ioctl(vm, AXVM_IRQ_LINE, &irq), EINVAL,
		  "IRQ_LINE with nonzero pad: EINVAL");
	tap_errno(ioctl(vm, AXVM_IRQ_LINE, BAD_PTR), EFAULT,
		  "IRQ_LINE with a bad pointer: EFAULT");
	close(vcpu);
	close(vm);
}

/*
 * The PC platform's ways in, SET_GSI and SIGNAL_MSI (through libaxvm),
 * and the bare VM's, IRQ_LINE and INTERRUPT: each VM refuses the
 * other's. No guest runs.
 */
static void test_platform(void)
{
	struct axvm_interrupt intr;
	struct axvm_vm_info info;
	struct axvm_irq irq;
	struct axvm_gsi g;
	struct axvm_msi m;
	int vm, vcpu;

	if (axvm_check_extension(sys, AXVM_CAP_PLATFORM_PC) <= 0) {
		tap_skip("no AXVM_CAP_PLATFORM_PC", "the PC platform's ioctls");
		return;
	}
	tap_check(axvm_check_extension(sys, AXVM_CAP_SET_GSI) > 0 &&
		  axvm_check_extension(sys, AXVM_CAP_SIGNAL_MSI) > 0,
		  "CAP_PLATFORM_PC comes with CAP_SET_GSI and CAP_SIGNAL_MSI");
	vm = axvm_vm_new(sys, AXVM_VM_PLATFORM_PC, 2, "vm-api-pc", NULL);
	if (!tap_check(vm >= 0, "CREATE_VM with AXVM_VM_PLATFORM_PC"))
		return;
	tap_ret(axvm_info(vm, &info), 0, "GET_VM_INFO of a platform VM");
	tap_eq(info.flags, AXVM_VM_PLATFORM_PC,
	       "GET_VM_INFO flags: AXVM_VM_PLATFORM_PC");

	tap_ret(axvm_vm__set_gsi(TAP_VM(vm), 4, 1), 0,
		"SET_GSI 4 high, before any vCPU exists");
	tap_ret(axvm_vm__set_gsi(TAP_VM(vm), 4, 0), 0, "SET_GSI 4 low");
	vcpu = tap_fd(ioctl(vm, AXVM_CREATE_VCPU, 0), "CREATE_VCPU 0");
	tap_ret(axvm_vm__set_gsi(TAP_VM(vm), 0, 1), 0,
		"SET_GSI 0 (IOAPIC pin 2) high");
	tap_ret(axvm_vm__set_gsi(TAP_VM(vm), 0, 0), 0, "SET_GSI 0 low");
	tap_ret(axvm_vm__set_gsi(TAP_VM(vm), 23, 1), 0,
		"SET_GSI 23 (the last IOAPIC pin) high");
	tap_ret(axvm_vm__set_gsi(TAP_VM(vm), 23, 0), 0, "SET_GSI 23 low");
	tap_errno(axvm_vm__set_gsi(TAP_VM(vm), 24, 1), EINVAL,
		  "SET_GSI 24: EINVAL");
	tap_errno(axvm_vm__set_gsi(TAP_VM(vm), 4, 2), EINVAL,
		  "SET_GSI to level 2: EINVAL");
	memset(&g, 0, sizeof(g));
	g.gsi = 4;
	g.flags = 1;
	tap_errno(ioctl(vm, AXVM_SET_GSI, &g), EINVAL,
		  "SET_GSI with flags: EINVAL");
	g.flags = 0;
	g.pad = 1;
	tap_errno(ioctl(vm, AXVM_SET_GSI, &g), EINVAL,
		  "SET_GSI with nonzero pad: EINVAL");
	tap_errno(ioctl(vm, AXVM_SET_GSI, BAD_PTR), EFAULT,
		  "SET_GSI with a bad pointer: EFAULT");

	tap_ret(axvm_vm__signal_msi(TAP_VM(vm), 0xfee00000, 0x30), 0,
		"SIGNAL_MSI vector 0x30 to APIC 0");
	tap_ret(axvm_vm__signal_msi(TAP_VM(vm), 0xfee01000, 0xc031), 0,
		"SIGNAL_MSI level-triggered to APIC 1, which no vCPU has");
	tap_ret(axvm_vm__signal_msi(TAP_VM(vm), 0xfee01004, 0x130), 0,
		"SIGNAL_MSI to a logical destination, lowest priority");
	tap_ret(axvm_vm__signal_msi(TAP_VM(vm), 0xfee00000, 0x400), 0,
		"SIGNAL_MSI NMI");
	tap_errno(axvm_vm__signal_msi(TAP_VM(vm), 0xfed00000, 0x30), EINVAL,
		  "SIGNAL_MSI to 0xfed00000: EINVAL");
	tap_errno(axvm_vm__signal_msi(TAP_VM(vm), 0x1fee00000ULL, 0x30),
		  EINVAL, "SIGNAL_MSI above 4 GiB: EINVAL");
	tap_errno(axvm_vm__signal_msi(TAP_VM(vm), 0xfee00000, 0x530), EINVAL,
		  "SIGNAL_MSI delivering INIT: EINVAL");
	memset(&m, 0, sizeof(m));
	m.address = 0xfee00000;
	m.data = 0x30;
	m.flags = 1;
	tap_errno(ioctl(vm, AXVM_SIGNAL_MSI, &m), EINVAL,
		  "SIGNAL_MSI with flags: EINVAL");
	m.flags = 0;
	m.reserved[1] = 1;
	tap_errno(ioctl(vm, AXVM_SIGNAL_MSI, &m), EINVAL,
		  "SIGNAL_MSI with nonzero reserved: EINVAL");
	tap_errno(ioctl(vm, AXVM_SIGNAL_MSI, BAD_PTR), EFAULT,
		  "SIGNAL_MSI with a bad pointer: EFAULT");

	memset(&irq, 0, sizeof(irq));
	irq.irq = 4;
	tap_errno(ioctl(vm, AXVM_IRQ_LINE, &irq), EINVAL,
		  "IRQ_LINE on a platform VM: EINVAL");
	memset(&intr, 0, sizeof(intr));
	intr.vector = 0x30;
	tap_errno(ioctl(vcpu, AXVM_INTERRUPT, &intr), EINVAL,
		  "INTERRUPT on a platform VM's vCPU: EINVAL");
	tap_ret(axvm_vm__set_ap_entry(TAP_VM(vm), 0x200000), 0,
		"SET_ENTRY AXVM_ENTRY_AP on a platform VM");
	close(vcpu);
	close(vm);

	vm = axvm_vm_new(sys, 0, 1, NULL, NULL);
	if (!tap_check(vm >= 0, "a bare VM"))
		return;
	tap_errno(axvm_vm__set_gsi(TAP_VM(vm), 4, 1), EINVAL,
		  "SET_GSI on a bare VM: EINVAL");
	tap_errno(axvm_vm__signal_msi(TAP_VM(vm), 0xfee00000, 0x30), EINVAL,
		  "SIGNAL_MSI on a bare VM: EINVAL");
	close(vm);
}

static void test_console(void)
{
	struct pollfd p;
	char c[16];
	__u32 id;
	int vm, con, con2, fl;

	vm = axvm_vm_new(sys, 0, 1, NULL, &id);
	if (!tap_check(vm >= 0, "a VM for GET_CONSOLE_FD"))
		return;
	tap_errno(ioctl(vm, AXVM_GET_CONSOLE_FD, O_APPEND), EINVAL,
		  "GET_CONSOLE_FD with O_APPEND: EINVAL");
	tap_errno(ioctl(vm, AXVM_GET_CONSOLE_FD, 1UL << 31), EINVAL,
		  "GET_CONSOLE_FD with an unknown bit: EINVAL");
	con = tap_fd(ioctl(vm, AXVM_GET_CONSOLE_FD, O_NONBLOCK),
		     "GET_CONSOLE_FD(O_NONBLOCK)");
	tap_errno(read(con, c, sizeof(c)), EAGAIN,
		  "read of an empty console with O_NONBLOCK: EAGAIN");
	p.fd = con;
	p.events = POLLIN | POLLOUT;
	p.revents = 0;
	tap_ret(poll(&p, 1, 0), 1, "poll of an empty console: ready");
	tap_eq(p.revents & (POLLIN | POLLOUT | POLLHUP), POLLOUT,
	       "poll of an empty console: POLLOUT only");
	tap_ret(read(con, c, 0), 0, "read of 0 bytes: 0");

	con2 = tap_fd(ioctl(vm, AXVM_GET_CONSOLE_FD, 0), "GET_CONSOLE_FD(0)");
	fl = fcntl(con2, F_GETFL);
	tap_check(fl >= 0 && !(fl & O_NONBLOCK) && (fl & O_ACCMODE) == O_RDWR,
		  "GET_CONSOLE_FD(0): a blocking O_RDWR fd");
	fcntl(con2, F_SETFL, fl | O_NONBLOCK);
	tap_errno(read(con2, c, sizeof(c)), EAGAIN,
		  "O_NONBLOCK set by fcntl: read gives EAGAIN");
	close(con2);
	con2 = tap_fd(ioctl(vm, AXVM_GET_CONSOLE_FD, O_CLOEXEC),
		      "GET_CONSOLE_FD(O_CLOEXEC)");
	tap_check(fcntl(con2, F_GETFD) & FD_CLOEXEC,
		  "GET_CONSOLE_FD(O_CLOEXEC) sets FD_CLOEXEC");
	close(con2);

	/* The console fd holds the VM, like KVM's fds do. */
	close(vm);
	tap_eq(axvm_listed(sys, id), 1, "an open console fd keeps the VM");
	close(con);
	tap_eq(axvm_listed(sys, id), 0, "closing the console fd frees it");
}

int main(void)
{
	sys = axvm_open();
	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	test_info();
	test_regions();
	test_guest_access();
	test_devices();
	test_entry_irq();
	test_platform();
	test_console();
	close(sys);
	return tap_done();
}
