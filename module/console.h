/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM console: a ring buffer of guest output and the console fd.
 *
 * Output (axvm_console_write_out) may come from any context: it takes a
 * spinlock with interrupts off, never sleeps, drops the oldest bytes
 * when the ring is full (counted in axvm_console_dropped) and wakes the
 * readers.
 *
 * The console fd (AXVM_GET_CONSOLE_FD):
 *   read()   the first read returns the oldest byte the ring still holds,
 *            then each fd follows new output with its own position; a
 *            reader that fell more than the ring size behind skips to
 *            the oldest byte held. Blocks (interruptibly) when there is
 *            nothing new, -EAGAIN with O_NONBLOCK, 0 (EOF) once hung up
 *            and drained.
 *   write()  bytes for the guest, through ops->input (the UART's RX
 *            FIFO): returns how many it took, -EAGAIN when it took none
 *            (the FIFO is full: retry later; write never blocks), -EPIPE
 *            once hung up, -ENXIO with no input callback.
 *   poll()   EPOLLIN when there is unread output, EPOLLOUT always,
 *            EPOLLHUP once hung up.
 *
 * Lifetime: the console does not count references itself. An open fd
 * calls ops->get(ctx) when it is made and ops->put(ctx) when its last
 * reference goes (after it stopped touching the console), so the owner
 * (the VM, with its kref) and with it the console and the input
 * callback's target stay alive while any fd is open. The owner calls
 * axvm_console_destroy() when its own last reference goes, which
 * therefore happens with no fd open.
 *
 * Lock order: a device's lock (the UART's), then con->lock.
 * ops->input is called with no console lock held.
 */
#ifndef AXVM_CONSOLE_H
#define AXVM_CONSOLE_H

#include <linux/types.h>

struct file;
struct axvm_console;

#define AXVM_CONSOLE_DEFAULT_SIZE	(64 * 1024)
#define AXVM_CONSOLE_MIN_SIZE		16
#define AXVM_CONSOLE_MAX_SIZE		(16 * 1024 * 1024)

struct axvm_console_ops {
	/*
	 * Guest input: returns the bytes accepted (0 when none fit) or a
	 * negative errno. May be NULL. Process context, may not sleep
	 * for long (it is called once per 64-byte chunk).
	 */
	int (*input)(void *ctx, const u8 *buf, size_t len);
	/* Keep ctx alive while a console fd is open. Both required. */
	void (*get)(void *ctx);
	void (*put)(void *ctx);
};

/*
 * @size: the ring size in bytes, a power of two between
 * AXVM_CONSOLE_MIN_SIZE and AXVM_CONSOLE_MAX_SIZE, or 0 for the default.
 * Returns the console or ERR_PTR(-EINVAL) for a bad size or ops,
 * ERR_PTR(-ENOMEM). May sleep.
 */
struct axvm_console *axvm_console_create(size_t size,
					 const struct axvm_console_ops *ops,
					 void *ctx);
/* Frees the console; no fd may be open (see Lifetime). NULL is a no-op. */
void axvm_console_destroy(struct axvm_console *con);

/* Guest output. Any context but NMI. */
void axvm_console_write_out(struct axvm_console *con, const u8 *buf,
			    size_t len);

/*
 * The owner goes away (e.g. a managed VM was destroyed): readers get
 * what is left and then EOF, writers -EPIPE, poll EPOLLHUP. Permanent.
 */
void axvm_console_hangup(struct axvm_console *con);

/*
 * A kernel-side reader: copies up to @len bytes of output from *@pos
 * into @buf and advances *@pos; a *@pos older than the ring holds first
 * moves to the oldest byte held. Start with *@pos = 0. Returns the
 * bytes copied. Any context but NMI.
 */
size_t axvm_console_read(struct axvm_console *con, u64 *pos, u8 *buf,
			 size_t len);

/*
 * Bytes of output ever written, and of those the oldest ones dropped to
 * make room (a reader that had not read them yet never will).
 */
u64 axvm_console_written(struct axvm_console *con);
u64 axvm_console_dropped(struct axvm_console *con);

/*
 * A new console fd (O_RDWR), or a negative errno. @flags: O_CLOEXEC
 * and O_NONBLOCK are honoured; any other bit is -EINVAL. May sleep.
 */
int axvm_console_getfd(struct axvm_console *con, unsigned int flags);
/* The same as a struct file, not installed in a descriptor table. */
struct file *axvm_console_getfile(struct axvm_console *con,
				  unsigned int flags);

#endif /* AXVM_CONSOLE_H */
