// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl console ID: attach to a VM's console. The console fd's first
 * read returns the oldest byte its ring holds, so what the VM printed
 * before we came is shown first; then we follow new output. Keyboard
 * input goes to the guest's UART, the terminal in raw mode (so Ctrl-C
 * reaches the guest); Ctrl-] (0x1d) detaches, from a terminal or a pipe.
 * The VM keeps running either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "axvmctl.h"

#define DETACH_CHAR	0x1d	/* Ctrl-] */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t i;

	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: poll() returns EINTR and we restore the tty. */
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Read stdin into @in; true when the detach key came. */
static bool read_input(struct input_buf *in)
{
	size_t room = sizeof(in->buf) - in->len;
	unsigned char *p, *d;
	ssize_t n;

	n = read(STDIN_FILENO, in->buf + in->len, room);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return false;
	if (n <= 0) {
		in->closed = true;	/* EOF: keep following the output */
		return false;
	}
	p = in->buf + in->len;
	d = memchr(p, DETACH_CHAR, (size_t)n);
	if (d) {
		in->len += (size_t)(d - p);
		return true;
	}
	in->len += (size_t)n;
	return false;
}

static int follow(int con_fd)
{
	struct input_buf in = { .closed = false };
	struct pollfd pfd[2];
	bool detach = false;
	int n, timeout;

	if (console_drain(con_fd))
		return 1;	/* already hung up */
	while (!detach && !got_signal) {
		pfd[0] = (struct pollfd){ .fd = con_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = -1 };
		if (!in.closed && in.len < sizeof(in.buf))
			pfd[1] = (struct pollfd){ .fd = STDIN_FILENO,
						  .events = POLLIN };
		timeout = in.len ? 10 : -1;	/* the UART FIFO was full */
		n = poll(pfd, 2, timeout);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0 && pfd[0].revents && console_drain(con_fd))
			return 1;
		if (n > 0 && pfd[1].revents)
			detach = read_input(&in);
		if (input_flush(&in, con_fd))
			return 1;
	}
	/*
	 * What was typed before Ctrl-] still goes to the guest: give the
	 * UART up to two seconds to take it (its FIFO may hold one byte).
	 */
	for (n = 0; detach && in.len && n < 200; n++) {
		poll(NULL, 0, 10);
		if (console_drain(con_fd) || input_flush(&in, con_fd))
			return 1;
	}
	return 0;
}

int cmd_console(const struct cmd *c, int argc, char **argv)
{
	struct termios saved, raw;
	struct axvm_vm vm;
	char *pos[1];
	int sys_fd, con_fd, ret;
	bool tty;
	uint32_t id;

	ret = parse_simple(c, argc, argv, NULL, pos, 1, 1);
	if (ret)
		return ret > 0 ? EX_OK : c->misuse;
	if (parse_vm_id(pos[0], &id))
		return cmd_misuse(c, "bad VM id \"%s\"", pos[0]);
	sys_fd = open_sys(c->name);
	if (sys_fd < 0)
		return EX_FAIL;
	if (axvm_vm__open(&vm, sys_fd, id)) {
		errnof(errno, "%s: vm %u", c->name, id);
		close(sys_fd);
		return EX_FAIL;
	}
	con_fd = axvm_vm__console(&vm, O_NONBLOCK);
	if (con_fd < 0) {
		errnof(errno, "%s: vm %u: get console fd", c->name, id);
		axvm_vm__close(&vm);
		close(sys_fd);
		return EX_FAIL;
	}

	catch_signals();
	/* Raw mode only for a terminal we own (not from the background). */
	tty = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp() &&
	      !tcgetattr(STDIN_FILENO, &saved);
	if (tty) {
		fprintf(stderr, "Connected to vm %u; Ctrl-] detaches.\n", id);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	}
	ret = follow(con_fd);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fprintf(stderr, "\n%s from vm %u.\n",
			ret > 0 ? "Console closed" : "Detached", id);
	} else if (ret > 0) {
		errf("%s: vm %u: the console was closed", c->name, id);
	}
	if (ret < 0)
		errnof(errno, "%s: vm %u: poll", c->name, id);
	close(con_fd);
	axvm_vm__close(&vm);
	close(sys_fd);
	return ret < 0 ? EX_FAIL : EX_OK;
}
