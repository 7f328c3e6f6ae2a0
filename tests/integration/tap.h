/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny TAP producer for the integration tests: each check prints
 * "ok N - what" or "not ok N - what" plus the errno seen; the harness
 * (scripts/check.py) counts them and matches the plan printed at the end.
 */
#ifndef AXVM_TAP_H
#define AXVM_TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

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

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* AXVM_TAP_H */
