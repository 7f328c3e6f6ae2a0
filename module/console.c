// SPDX-License-Identifier: GPL-2.0
/*
 * The VM console: guest output in a ring buffer, read through the
 * console fd; guest input written to the fd goes to the owner's input
 * callback. See console.h for the semantics and the lifetime rules.
 *
 * Lock order (outermost first):
 *   cf->lock (mutex)        one reader at a time on an fd: pos, bounce
 *   con->lock (spinlock)    the ring, head, hung_up; interrupts off
 */
#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include "console.h"
#include "kunit_export.h"

/* Bytes a read copies out per trip through the spinlock. */
#define AXVM_CONSOLE_CHUNK	1024
/* Bytes a write hands to the input callback at a time. */
#define AXVM_CONSOLE_IN_CHUNK	64

struct axvm_console {
	spinlock_t lock;
	u8 *buf;
	size_t size;			/* a power of two */
	u64 head;			/* bytes ever written; next at head % size */
	bool hung_up;
	wait_queue_head_t wait;		/* readers and pollers */
	const struct axvm_console_ops *ops;
	void *ctx;
};

/* One open console fd. */
struct axvm_console_file {
	struct axvm_console *con;
	struct mutex lock;
	u64 pos;			/* next byte this fd reads */
	u8 bounce[AXVM_CONSOLE_CHUNK];
};

struct axvm_console *axvm_console_create(size_t size,
					 const struct axvm_console_ops *ops,
					 void *ctx)
{
	struct axvm_console *con;

	if (!size)
		size = AXVM_CONSOLE_DEFAULT_SIZE;
	if (size < AXVM_CONSOLE_MIN_SIZE || size > AXVM_CONSOLE_MAX_SIZE ||
	    !is_power_of_2(size))
		return ERR_PTR(-EINVAL);
	if (!ops || !ops->get || !ops->put)
		return ERR_PTR(-EINVAL);

	con = kzalloc(sizeof(*con), GFP_KERNEL_ACCOUNT);
	if (!con)
		return ERR_PTR(-ENOMEM);
	con->buf = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!con->buf) {
		kfree(con);
		return ERR_PTR(-ENOMEM);
	}
	spin_lock_init(&con->lock);
	init_waitqueue_head(&con->wait);
	con->size = size;
	con->ops = ops;
	con->ctx = ctx;
	return con;
}
AXVM_EXPORT_FOR_TESTS(axvm_console_create);

void axvm_console_destroy(struct axvm_console *con)
{
	if (!con)
		return;
	kvfree(con->buf);
	kfree(con);
}
AXVM_EXPORT_FOR_TESTS(axvm_console_destroy);

/* The oldest byte the ring still holds. */
static u64 axvm_console_tail(const struct axvm_console *con)
{
	lockdep_assert_held(&con->lock);
	return con->head > con->size ? con->head - con->size : 0;
}

void axvm_console_write_out(struct axvm_console *con, const u8 *buf,
			    size_t len)
{
	unsigned long flags;
	size_t off, first;

	if (!len)
		return;
	spin_lock_irqsave(&con->lock, flags);
	/* More than the ring holds: only the newest bytes survive anyway. */
	if (len > con->size) {
		con->head += len - con->size;
		buf += len - con->size;
		len = con->size;
	}
	off = con->head & (con->size - 1);
	first = min(len, con->size - off);
	memcpy(con->buf + off, buf, first);
	memcpy(con->buf, buf + first, len - first);
	con->head += len;
	spin_unlock_irqrestore(&con->lock, flags);
	wake_up_interruptible_poll(&con->wait, EPOLLIN | EPOLLRDNORM);
}
AXVM_EXPORT_FOR_TESTS(axvm_console_write_out);

void axvm_console_hangup(struct axvm_console *con)
{
	unsigned long flags;

	spin_lock_irqsave(&con->lock, flags);
	con->hung_up = true;
	spin_unlock_irqrestore(&con->lock, flags);
	wake_up_interruptible_poll(&con->wait, EPOLLIN | EPOLLHUP);
}
AXVM_EXPORT_FOR_TESTS(axvm_console_hangup);

size_t axvm_console_read(struct axvm_console *con, u64 *pos, u8 *buf,
			 size_t len)
{
	unsigned long flags;
	size_t n, off, first;
	u64 tail;

	spin_lock_irqsave(&con->lock, flags);
	tail = axvm_console_tail(con);
	/* Fell behind: the bytes in between were overwritten. */
	if (*pos < tail)
		*pos = tail;
	if (*pos > con->head)
		*pos = con->head;
	n = min_t(u64, len, con->head - *pos);
	off = *pos & (con->size - 1);
	first = min(n, con->size - off);
	memcpy(buf, con->buf + off, first);
	memcpy(buf + first, con->buf, n - first);
	*pos += n;
	spin_unlock_irqrestore(&con->lock, flags);
	return n;
}
AXVM_EXPORT_FOR_TESTS(axvm_console_read);

u64 axvm_console_written(struct axvm_console *con)
{
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&con->lock, flags);
	n = con->head;
	spin_unlock_irqrestore(&con->lock, flags);
	return n;
}
AXVM_EXPORT_FOR_TESTS(axvm_console_written);

u64 axvm_console_dropped(struct axvm_console *con)
{
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&con->lock, flags);
	n = axvm_console_tail(con);
	spin_unlock_irqrestore(&con->lock, flags);
	return n;
}
AXVM_EXPORT_FOR_TESTS(axvm_console_dropped);

static bool axvm_console_readable(struct axvm_console *con, u64 pos)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&con->lock, flags);
	ret = con->head != pos;
	spin_unlock_irqrestore(&con->lock, flags);
	return ret;
}

static bool axvm_console_hung_up(struct axvm_console *con)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&con->lock, flags);
	ret = con->hung_up;
	spin_unlock_irqrestore(&con->lock, flags);
	return ret;
}

/* What wakes a reader at @pos: new output, or the end. */
static bool axvm_console_wake(struct axvm_console *con, u64 pos)
{
	return axvm_console_readable(con, pos) || axvm_console_hung_up(con);
}

static ssize_t axvm_console_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct axvm_console_file *cf = file->private_data;
	struct axvm_console *con = cf->con;
	bool nonblock = (file->f_flags & O_NONBLOCK) ||
			(iocb->ki_flags & IOCB_NOWAIT);
	ssize_t total = 0;
	int ret;

	if (!iov_iter_count(to))
		return 0;
	if (mutex_lock_interruptible(&cf->lock))
		return -ERESTARTSYS;
	while (iov_iter_count(to)) {
		u64 pos = cf->pos;
		size_t n, copied;

		n = axvm_console_read(con, &pos, cf->bounce,
				      min_t(size_t, iov_iter_count(to),
					    AXVM_CONSOLE_CHUNK));
		if (n) {
			copied = copy_to_iter(cf->bounce, n, to);
			/* What did not reach the caller is read again. */
			WRITE_ONCE(cf->pos, pos - (n - copied));
			total += copied;
			if (copied < n) {
				if (!total)
					total = -EFAULT;
				break;
			}
			continue;
		}
		if (total)
			break;
		if (axvm_console_hung_up(con))
			break;		/* drained: EOF */
		if (nonblock) {
			total = -EAGAIN;
			break;
		}
		mutex_unlock(&cf->lock);
		ret = wait_event_interruptible(con->wait,
			axvm_console_wake(con, READ_ONCE(cf->pos)));
		if (ret)
			return ret;
		if (mutex_lock_interruptible(&cf->lock))
			return -ERESTARTSYS;
	}
	mutex_unlock(&cf->lock);
	return total;
}

static ssize_t axvm_console_write_iter(struct kiocb *iocb,
				       struct iov_iter *from)
{
	struct axvm_console_file *cf = iocb->ki_filp->private_data;
	struct axvm_console *con = cf->con;
	u8 chunk[AXVM_CONSOLE_IN_CHUNK];
	ssize_t total = 0;
	int ret = 0;

	if (!iov_iter_count(from))
		return 0;
	if (axvm_console_hung_up(con))
		return -EPIPE;
	if (!con->ops->input)
		return -ENXIO;
	while (iov_iter_count(from)) {
		size_t n = min_t(size_t, iov_iter_count(from), sizeof(chunk));

		if (copy_from_iter(chunk, n, from) != n) {
			ret = -EFAULT;
			break;
		}
		ret = con->ops->input(con->ctx, chunk, n);
		if (ret < 0)
			break;
		total += min_t(size_t, ret, n);
		if ((size_t)ret < n)
			break;		/* the FIFO is full */
	}
	if (total)
		return total;
	return ret < 0 ? ret : -EAGAIN;
}

static __poll_t axvm_console_poll(struct file *file, poll_table *wait)
{
	struct axvm_console_file *cf = file->private_data;
	struct axvm_console *con = cf->con;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &con->wait, wait);
	if (axvm_console_readable(con, READ_ONCE(cf->pos)))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (axvm_console_hung_up(con))
		mask |= EPOLLHUP;
	return mask;
}

static int axvm_console_release(struct inode *inode, struct file *file)
{
	struct axvm_console_file *cf = file->private_data;
	const struct axvm_console_ops *ops = cf->con->ops;
	void *ctx = cf->con->ctx;

	mutex_destroy(&cf->lock);
	kfree(cf);
	/* May free the console: nothing of it is touched after this. */
	ops->put(ctx);
	return 0;
}

static const struct file_operations axvm_console_fops = {
	.owner		= THIS_MODULE,
	.read_iter	= axvm_console_read_iter,
	.write_iter	= axvm_console_write_iter,
	.poll		= axvm_console_poll,
	.release	= axvm_console_release,
	.llseek		= noop_llseek,
};

struct file *axvm_console_getfile(struct axvm_console *con,
				  unsigned int flags)
{
	struct axvm_console_file *cf;
	struct file *file;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return ERR_PTR(-EINVAL);
	cf = kzalloc(sizeof(*cf), GFP_KERNEL_ACCOUNT);
	if (!cf)
		return ERR_PTR(-ENOMEM);
	cf->con = con;
	mutex_init(&cf->lock);

	con->ops->get(con->ctx);
	file = anon_inode_getfile("[axvm-console]", &axvm_console_fops, cf,
				  O_RDWR | (flags & O_NONBLOCK));
	if (IS_ERR(file))
		goto err_put;
	stream_open(file_inode(file), file);
	return file;

err_put:
	con->ops->put(con->ctx);
	mutex_destroy(&cf->lock);
	kfree(cf);
	return file;
}
AXVM_EXPORT_FOR_TESTS(axvm_console_getfile);

int axvm_console_getfd(struct axvm_console *con, unsigned int flags)
{
	struct file *file;
	int fd;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	fd = get_unused_fd_flags(flags & O_CLOEXEC);
	if (fd < 0)
		return fd;
	file = axvm_console_getfile(con, flags);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	fd_install(fd, file);
	return fd;
}
AXVM_EXPORT_FOR_TESTS(axvm_console_getfd);
