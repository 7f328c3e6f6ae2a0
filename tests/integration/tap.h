/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny TAP producer for the integration tests: each check prints
 * "ok N - what" or "not ok N - what" plus what was seen; the harness
 * (scripts/check.py) counts them and matches the plan printed at the end.
 *
 * The second half gives the tests libaxvm (tools/lib/axvm/axvm.h), the
 * library every VM here is built with, in the shape they call it: on a
 * bare VM fd, returning what the ioctl returns, -1 and errno on failure.
 * Everything is static inline: a program that does not use a helper
 * must still build with -Werror.
 */
#ifndef AXVM_TAP_H
#define AXVM_TAP_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/axvm.h>
#include <axvm/axvm.h>

static int tap_n, tap_failed;

static inline int tap_check(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int tap_check(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

/* A check that cannot run here, with the reason. */
static inline void tap_skip(const char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

/* An ioctl-like call must fail with exactly @err. */
#define tap_errno(call, err, ...) do {					\
	errno = 0;							\
	long __r = (long)(call);					\
	int __e = errno;						\
	if (!tap_check(__r == -1 && __e == (err), __VA_ARGS__))		\
		printf("# got %ld errno %d (%s), want errno %d (%s)\n",	\
		       __r, __e, strerror(__e), (err), strerror(err));	\
} while (0)

/* A call must return exactly @want. */
#define tap_ret(call, want, ...) do {					\
	errno = 0;							\
	long __r = (long)(call);					\
	int __e = errno;						\
	if (!tap_check(__r == (long)(want), __VA_ARGS__))		\
		printf("# got %ld errno %d (%s), want %ld\n",		\
		       __r, __e, strerror(__e), (long)(want));		\
} while (0)

/* A call that returns a file descriptor: evaluates to it (or -1). */
#define tap_fd(call, ...) ({						\
	errno = 0;							\
	long __r = (long)(call);					\
	int __e = errno;						\
	if (!tap_check(__r >= 0, __VA_ARGS__))				\
		printf("# got %ld errno %d (%s), want an fd\n",		\
		       __r, __e, strerror(__e));			\
	(int)__r;							\
})

/* Two integers must be equal; both are printed on failure. */
#define tap_eq(got, want, ...) do {					\
	unsigned long long __g = (unsigned long long)(got);		\
	unsigned long long __w = (unsigned long long)(want);		\
	if (!tap_check(__g == __w, __VA_ARGS__))			\
		printf("# got %#llx (%llu), want %#llx (%llu)\n",	\
		       __g, __g, __w, __w);				\
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

/* ---- /dev/axvm helpers: libaxvm on bare fds ------------------------------ */

#define U64P(p)		((__u64)(uintptr_t)(p))

/* libaxvm's VM calls take a struct axvm_vm: one around a bare VM fd. */
#define TAP_VM(vm_fd)	(&(struct axvm_vm){ .fd = (vm_fd) })

/* A module parameter from sysfs, or @dflt when it cannot be read. */
static inline unsigned long long axvm_param(const char *name,
					    unsigned long long dflt)
{
	char path[128], buf[32];
	unsigned long long v = dflt;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/axvm/parameters/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return dflt;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = 0;
		v = strtoull(buf, NULL, 0);
	}
	close(fd);
	return v;
}

/* CREATE_VM; returns the VM fd (or -1, errno) and the id in *@id. */
static inline int axvm_vm_new(int sys, __u32 flags, __u32 max_vcpus,
			      const char *name, __u32 *id)
{
	struct axvm_create_vm c;
	struct axvm_vm vm;

	memset(&c, 0, sizeof(c));
	c.flags = flags;
	c.max_vcpus = max_vcpus;
	if (name)
		strncpy(c.name, name, sizeof(c.name) - 1);
	if (axvm_vm__create(&vm, sys, &c))
		return -1;
	if (id)
		*id = vm.id;
	return vm.fd;
}

/* GET_VM_INFO into a poisoned @info: every byte must come back filled. */
static inline int axvm_info(int vm, struct axvm_vm_info *info)
{
	memset(info, 0xa5, sizeof(*info));
	return axvm_vm__info(TAP_VM(vm), info);
}

/* The VM's state, or -1 when GET_VM_INFO fails. */
static inline long axvm_state(int vm)
{
	struct axvm_vm_info info;

	return axvm_info(vm, &info) ? -1 : (long)info.state;
}

static inline int axvm_region(int vm, __u64 gpa, __u64 size, __u32 flags)
{
	return axvm_vm__add_ram(TAP_VM(vm), gpa, size, flags);
}

/* @cmd AXVM_READ_GUEST or AXVM_WRITE_GUEST of [gpa, gpa + size), @buf. */
static inline int axvm_guest(int vm, unsigned long cmd, __u64 gpa,
			     void *buf, __u64 size)
{
	if (cmd == AXVM_READ_GUEST)
		return axvm_vm__read(TAP_VM(vm), gpa, buf, size);
	return axvm_vm__write(TAP_VM(vm), gpa, buf, size);
}

static inline int axvm_device(int vm, __u32 type, __u32 space, __u64 base,
			      __u64 length, __u32 irq)
{
	struct axvm_device d;

	memset(&d, 0, sizeof(d));
	d.type = type;
	d.space = space;
	d.base = base;
	d.length = length;
	d.irq = irq;
	return axvm_vm__add_device(TAP_VM(vm), &d);
}

static inline int axvm_entry(int vm, __u64 entry, __u32 mode)
{
	return axvm_vm__set_entry(TAP_VM(vm), entry, mode);
}

/* LIST_VMS with no room: the number of VMs, or -1. */
static inline long axvm_count(int sys)
{
	return axvm_list_vms(sys, NULL);
}

/* Is VM @id listed? 1, 0, or -1 when LIST_VMS fails. */
static inline int axvm_listed(int sys, __u32 id)
{
	uint32_t *ids;
	int i, n, found = 0;

	n = axvm_list_vms(sys, &ids);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (ids[i] == id)
			found = 1;
	free(ids);
	return found;
}

#endif /* AXVM_TAP_H */
