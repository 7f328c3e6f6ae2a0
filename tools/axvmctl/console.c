// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl: moving bytes between a VM's console fd and our stdio, for
 * run and console. Output goes to fd 1 with write(2) as it arrives,
 * never through a stdio buffer. Input goes to the console fd, whose
 * write never blocks: a full UART FIFO says -EAGAIN and we keep the
 * bytes until the next try.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include "axvmctl.h"

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			poll(&pfd, 1, 100);
			continue;
		}
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int console_drain(int con_fd)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = read(con_fd, buf, sizeof(buf));
		if (n > 0) {
			/* A closed stdout must not stop the guest: drop. */
			write_all(STDOUT_FILENO, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		return -1;	/* EOF: the VM went away, or an error */
	}
}

int input_flush(struct input_buf *in, int con_fd)
{
	ssize_t n;

	while (in->len) {
		n = write(con_fd, in->buf, in->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;		/* FIFO full: later */
		if (n < 0) {
			/* ENXIO: no device takes input; EPIPE: hung up. */
			in->len = 0;
			in->closed = true;
			return errno == EPIPE ? -1 : 0;
		}
		memmove(in->buf, in->buf + n, in->len - (size_t)n);
		in->len -= (size_t)n;
	}
	return 0;
}
