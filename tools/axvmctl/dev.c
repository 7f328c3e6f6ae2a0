// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl: the control device, VM ids and error messages. Every failure
 * message is one line on stderr, "axvmctl: OPERATION: vm ID: what:
 * strerror".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "axvmctl.h"

const char *progname(void)
{
	return "axvmctl";
}

static void verr(int err, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err)
		fprintf(stderr, "%s: %s: %s\n", progname(), msg, strerror(err));
	else
		fprintf(stderr, "%s: %s\n", progname(), msg);
}

void errf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(0, fmt, ap);
	va_end(ap);
}

void errnof(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(err, fmt, ap);
	va_end(ap);
}

/* $AXVM_DEVICE lets tests and odd setups point elsewhere. */
const char *dev_path(void)
{
	const char *p = getenv("AXVM_DEVICE");

	return p && *p ? p : "/dev/axvm";
}

int open_sys(const char *op)
{
	int fd = axvm_open_path(dev_path());

	if (fd < 0) {
		int err = errno;

		if (err == ENOENT)
			errf("%s: %s: %s (is the axvm module loaded?)", op,
			     dev_path(), strerror(err));
		else
			errnof(err, "%s: %s", op, dev_path());
	}
	return fd;
}

int parse_vm_id(const char *s, uint32_t *id)
{
	uint64_t v;

	if (!s || s[0] < '0' || s[0] > '9' || parse_u64(s, &v) ||
	    v >= AXVM_ID_NONE)
		return -1;
	*id = (uint32_t)v;
	return 0;
}
