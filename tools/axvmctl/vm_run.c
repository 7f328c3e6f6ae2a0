// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl run: a VMM-mode VM in the foreground.
 *
 * One thread per vCPU runs it (axvm_vcpu__run) in a loop and handles
 * what exits to userspace through its mapped struct axvm_run: port I/O
 * and MMIO nobody claims and hypercalls get libaxvm's answers (reads
 * return all ones, writes are dropped, the module counts both;
 * hypercalls -ENOSYS); the exits that end the VM decide the status. The first vCPU to end the VM decides the exit status
 * (DESIGN.md §8); the main thread then stops the VM and kicks the other
 * vCPUs out of RUN (immediate_exit and SIGUSR1, as KVM's users do).
 *
 * The main thread polls the console fd (to stdout, as bytes arrive),
 * stdin (to the guest's UART), a signalfd (SIGINT, SIGTERM, SIGHUP: stop
 * the VM, exit 0), an eventfd the vCPU threads poke when they end, and
 * the --timeout deadline (stop the VM, exit 124).
 *
 * A guest reset (AXVM_EXIT_RESET, or a VM stopped for AXVM_STOP_RESET)
 * is one more decision: once every vCPU thread has left RUN and been
 * joined, the main thread RESTARTs the VM (the kernel reloads its
 * images) and starts the threads again, one boot after another in the
 * same process: the console fd, the stdin forwarding and the --timeout
 * deadline span them all. With --no-reboot a reset ends the run, 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include "axvmctl.h"

#define KICK_INTERVAL_MS	100
#define INPUT_RETRY_MS		10

struct runner;

struct vcpu_thread {
	struct runner *r;
	struct axvm_vcpu *vcpu;
	unsigned int id;
	pthread_t tid;
	bool started;
	atomic_bool done;
};

/* Not an exit status: the guest reset the VM, boot it again. */
#define ST_REBOOT	0x100

struct runner {
	struct vm *vm;
	bool no_reboot;			/* a reset ends the run, status 0 */
	pthread_mutex_t lock;
	/* Per boot: */
	int status;			/* -1 until a vCPU or main decides */
	char msg[256];			/* printed after the console */
	atomic_bool stopping;
	/* For the whole run, across reboots: */
	int notify_fd;			/* eventfd: a vCPU thread ended */
	int con_fd, sig_fd;		/* -1: hung up / not yet */
	uint64_t timeout_ms, deadline;	/* 0: none */
	struct input_buf in;		/* stdin on its way to the guest */
	struct vcpu_thread vcpu[VM_MAX_VCPUS];
};

/* The first decision wins; later ones (other vCPUs, STOPPED) are moot. */
static void decide(struct runner *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void decide(struct runner *r, int status, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&r->lock);
	if (r->status < 0) {
		r->status = status;
		if (fmt) {
			va_start(ap, fmt);
			vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
			va_end(ap);
		}
	}
	pthread_mutex_unlock(&r->lock);
}

/* A guest reset: reboot, or with --no-reboot a clean end. */
static void decide_reset(struct runner *r)
{
	decide(r, r->no_reboot ? EX_OK : ST_REBOOT, NULL);
}

/* A stop request (a signal) overrides a reboot decided before it. */
static bool cancel_reboot(struct runner *r)
{
	bool was;

	pthread_mutex_lock(&r->lock);
	was = r->status == ST_REBOOT;
	if (was)
		r->status = EX_OK;
	pthread_mutex_unlock(&r->lock);
	return was;
}

static bool decided(struct runner *r)
{
	bool d;

	pthread_mutex_lock(&r->lock);
	d = r->status >= 0;
	pthread_mutex_unlock(&r->lock);
	return d;
}

/* The VM stopped by itself (or by another vCPU): why, says GET_VM_INFO. */
static void decide_from_info(struct runner *r)
{
	struct axvm_vm_info info;

	memset(&info, 0, sizeof(info));
	if (axvm_vm__info(&r->vm->ax, &info)) {
		decide(r, EX_RUN_ERR, "get info: %s", strerror(errno));
		return;
	}
	switch (info.exit_reason) {
	case AXVM_STOP_DEBUG_EXIT:
	case AXVM_STOP_POWEROFF:
		decide(r, (int)(info.exit_code & 0xff), NULL);
		break;
	case AXVM_STOP_SHUTDOWN:
		decide(r, EX_VM_ERR, "shutdown (triple fault)");
		break;
	case AXVM_STOP_FAIL_ENTRY:
		decide(r, EX_VM_ERR, "entry failed (hardware reason 0x%llx)",
		       (unsigned long long)info.exit_code);
		break;
	case AXVM_STOP_INTERNAL_ERROR:
		decide(r, EX_VM_ERR, "internal error (code %lld)",
		       (long long)info.exit_code);
		break;
	case AXVM_STOP_RESET:
		decide_reset(r);
		break;
	default:
		decide(r, EX_OK, NULL);	/* a stop request */
		break;
	}
}

/* Handle one exit; true when this vCPU is done. */
static bool handle_exit(struct vcpu_thread *t)
{
	struct axvm_run *run = t->vcpu->run;
	struct runner *r = t->r;

	/* No device claims the port or address, nobody takes hypercalls. */
	if (axvm_exit_unclaimed(run))
		return false;
	switch (run->exit_reason) {
	case AXVM_EXIT_NONE:
	case AXVM_EXIT_INTR:
	case AXVM_EXIT_HALT:
		return false;
	case AXVM_EXIT_SYSTEM_DOWN:
		decide(r, (int)(run->system_down.code & 0xff), NULL);
		return true;
	case AXVM_EXIT_SHUTDOWN:
		decide(r, EX_VM_ERR, "shutdown (triple fault)");
		return true;
	case AXVM_EXIT_FAIL_ENTRY:
		decide(r, EX_VM_ERR, "vcpu %u: entry failed (hardware reason 0x%llx)",
		       t->id, (unsigned long long)run->fail_entry.hardware_reason);
		return true;
	case AXVM_EXIT_INTERNAL_ERROR:
		decide(r, EX_VM_ERR, "vcpu %u: internal error %u (%s), data 0x%llx 0x%llx",
		       t->id, run->internal.suberror,
		       run->internal.suberror == AXVM_INTERNAL_ERROR_DECODE ?
		       "cannot decode an MMIO instruction" :
		       run->internal.suberror == AXVM_INTERNAL_ERROR_UNHANDLED ?
		       "unhandled exit" : "unknown",
		       (unsigned long long)run->internal.data[0],
		       (unsigned long long)run->internal.data[1]);
		return true;
	case AXVM_EXIT_NPF:
		decide(r, EX_VM_ERR, "vcpu %u: unhandled nested page fault at 0x%llx (access 0x%llx)",
		       t->id, (unsigned long long)run->npf.gpa,
		       (unsigned long long)run->npf.access);
		return true;
	case AXVM_EXIT_RESET:
		decide_reset(r);
		return true;
	case AXVM_EXIT_STOPPED:
		decide_from_info(r);
		return true;
	default:
		decide(r, EX_VM_ERR, "vcpu %u: unknown exit reason %u", t->id,
		       run->exit_reason);
		return true;
	}
}

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *t = arg;
	struct runner *r = t->r;
	uint64_t one = 1;
	int err;

	while (!atomic_load(&r->stopping)) {
		if (axvm_vcpu__run(t->vcpu)) {
			err = errno;
			if (err == EAGAIN)
				continue;
			if (atomic_load(&r->stopping))
				break;
			decide(r, EX_RUN_ERR, "vcpu %u: run: %s", t->id,
			       strerror(err));
			break;
		}
		if (handle_exit(t))
			break;
	}
	atomic_store(&t->done, true);
	/* An eventfd counter cannot overflow here: nothing can fail. */
	(void)!write(r->notify_fd, &one, sizeof(one));
	return NULL;
}

static void kick_all(struct runner *r)
{
	unsigned int i;

	for (i = 0; i < r->vm->ax.nr_vcpus; i++) {
		struct vcpu_thread *t = &r->vcpu[i];

		if (!t->started || atomic_load(&t->done))
			continue;
		t->vcpu->run->immediate_exit = 1;
		pthread_kill(t->tid, SIGUSR1);
	}
}

static void request_stop(struct runner *r)
{
	if (!atomic_exchange(&r->stopping, true))
		/* Fails when the VM already stopped by itself: fine. */
		axvm_vm__stop(&r->vm->ax);
	kick_all(r);
}

static void on_kick(int sig)
{
	(void)sig;	/* only to make RUN return -EINTR */
}

static int setup_signals(sigset_t *stop_set)
{
	struct sigaction sa = { .sa_handler = on_kick };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		return -1;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(stop_set);
	sigaddset(stop_set, SIGINT);
	sigaddset(stop_set, SIGTERM);
	sigaddset(stop_set, SIGHUP);
	/* Blocked here and so in every vCPU thread: only the signalfd sees them. */
	return pthread_sigmask(SIG_BLOCK, stop_set, NULL) ? -1 : 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Forward stdin when it is a terminal we own (not from the background,
 * which would stop us with SIGTTIN), a pipe, a socket or a file; not
 * other devices such as /dev/null.
 */
static bool want_stdin(void)
{
	struct stat st;

	if (isatty(STDIN_FILENO))
		return tcgetpgrp(STDIN_FILENO) == getpgrp();
	return !fstat(STDIN_FILENO, &st) &&
	       (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
		S_ISREG(st.st_mode));
}

static void pin_vcpu(const struct vm_config *cfg, struct vcpu_thread *t)
{
	uint64_t mask;
	cpu_set_t set;
	unsigned int cpu;
	int err;

	if (cfg->nr_pcpu_sets != cfg->cpu_num || !cfg->pcpu_sets[t->id])
		return;
	mask = cfg->pcpu_sets[t->id];
	CPU_ZERO(&set);
	for (cpu = 0; cpu < 64; cpu++)
		if (mask & (1ULL << cpu))
			CPU_SET(cpu, &set);
	err = pthread_setaffinity_np(t->tid, sizeof(set), &set);
	if (err)
		errnof(err, "run: %s: vcpu %u: pin to CPU mask 0x%llx",
		       t->r->vm->label, t->id, (unsigned long long)mask);
}

static int start_vcpus(struct runner *r, const struct vm_config *cfg)
{
	unsigned int i;
	int err;

	for (i = 0; i < r->vm->ax.nr_vcpus; i++) {
		struct vcpu_thread *t = &r->vcpu[i];

		*t = (struct vcpu_thread){
			.r = r, .vcpu = &r->vm->ax.vcpus[i], .id = i,
		};
		/* The last boot's kick set it (RESTART zeroes it too). */
		t->vcpu->run->immediate_exit = 0;
		err = pthread_create(&t->tid, NULL, vcpu_main, t);
		if (err) {
			decide(r, EX_RUN_ERR, "vcpu %u: thread: %s", i,
			       strerror(err));
			return -1;
		}
		t->started = true;
		pin_vcpu(cfg, t);
	}
	return 0;
}

static bool all_done(struct runner *r)
{
	unsigned int i;

	for (i = 0; i < r->vm->ax.nr_vcpus; i++)
		if (r->vcpu[i].started && !atomic_load(&r->vcpu[i].done))
			return false;
	return true;
}

static void read_stdin(struct input_buf *in)
{
	ssize_t n = read(STDIN_FILENO, in->buf + in->len,
			 sizeof(in->buf) - in->len);

	if (n > 0)
		in->len += (size_t)n;
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		in->closed = true;	/* EOF: the guest keeps running */
}

static bool timed_out(const struct runner *r)
{
	return r->deadline && now_ms() >= r->deadline;
}

static void decide_timeout(struct runner *r)
{
	decide(r, EX_TIMEOUT, "timeout after %llu.%03llu s: stopped",
	       (unsigned long long)(r->timeout_ms / 1000),
	       (unsigned long long)(r->timeout_ms % 1000));
}

/*
 * The main thread's loop for one boot, until every vCPU thread has ended
 * (or a second signal asks us not to wait). It polls at least once, so
 * a signal or the deadline is seen even when the guest resets at once,
 * boot after boot (the ended threads poked notify_fd: no wait). The
 * console fd stays open for the next boot (closed when it hangs up).
 */
static void supervise(struct runner *r)
{
	struct input_buf *in = &r->in;
	struct signalfd_siginfo si;
	struct pollfd pfd[4];
	uint64_t cnt, t;
	int wait;

	do {
		pfd[0] = (struct pollfd){ .fd = r->con_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = r->sig_fd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = r->notify_fd, .events = POLLIN };
		pfd[3] = (struct pollfd){ .fd = -1 };
		if (!in->closed && in->len < sizeof(in->buf))
			pfd[3] = (struct pollfd){ .fd = STDIN_FILENO,
						  .events = POLLIN };
		wait = -1;
		if (r->deadline && !atomic_load(&r->stopping)) {
			t = now_ms();
			wait = t >= r->deadline ? 0 : (int)(r->deadline - t);
		}
		if (in->len && (wait < 0 || wait > INPUT_RETRY_MS))
			wait = INPUT_RETRY_MS;
		if (atomic_load(&r->stopping) &&
		    (wait < 0 || wait > KICK_INTERVAL_MS))
			wait = KICK_INTERVAL_MS;

		if (poll(pfd, 4, wait) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents && r->con_fd >= 0 &&
		    console_drain(r->con_fd)) {
			close(r->con_fd);	/* hung up: nothing more to show */
			r->con_fd = -1;
		}
		if (pfd[3].revents)
			read_stdin(in);
		if (r->con_fd >= 0)
			input_flush(in, r->con_fd);
		if (pfd[1].revents &&
		    read(r->sig_fd, &si, sizeof(si)) == sizeof(si)) {
			/* Stopping for a reboot: this is the first request. */
			if (!cancel_reboot(r) && atomic_load(&r->stopping) &&
			    si.ssi_signo != SIGHUP) {
				/* Asked twice: do not wait for the vCPUs. */
				decide(r, EX_OK, NULL);
				break;
			}
			decide(r, EX_OK, NULL);	/* a stop request */
			request_stop(r);
		}
		if (pfd[2].revents && read(r->notify_fd, &cnt, sizeof(cnt)) > 0 &&
		    decided(r))
			request_stop(r);	/* one vCPU ended the VM */
		if (!atomic_load(&r->stopping) && timed_out(r)) {
			decide_timeout(r);
			request_stop(r);
		}
		if (atomic_load(&r->stopping))
			kick_all(r);
	} while (!all_done(r));
	if (r->con_fd >= 0)
		console_drain(r->con_fd);	/* what the last exits printed */
}

/* Join the vCPU threads that ended; false when some are still in RUN. */
static bool join_vcpus(struct runner *r)
{
	bool waited = true;
	unsigned int i;

	for (i = 0; i < r->vm->ax.nr_vcpus; i++) {
		if (!r->vcpu[i].started)
			continue;
		if (atomic_load(&r->vcpu[i].done))
			pthread_join(r->vcpu[i].tid, NULL);
		else
			waited = false;	/* a second signal: leave */
	}
	return waited;
}

/*
 * After a guest reset, every vCPU thread joined: RESTART the VM and
 * start over. 0, or -1 when the run ends here (r->status says how).
 */
static int reboot(struct runner *r)
{
	uint64_t cnt;

	if (timed_out(r)) {
		/* The deadline passed while the vCPUs stopped: no new boot. */
		r->status = -1;
		decide_timeout(r);
		return -1;
	}
	errf("run: %s: guest reset: rebooting", r->vm->label);
	if (axvm_vm__restart(&r->vm->ax)) {
		r->status = -1;
		decide(r, EX_RUN_ERR, "restart: %s", strerror(errno));
		return -1;
	}
	r->status = -1;
	r->msg[0] = '\0';
	atomic_store(&r->stopping, false);
	/* What the last boot's threads poked. */
	(void)!read(r->notify_fd, &cnt, sizeof(cnt));
	return 0;
}

static int run_vm(struct vm *vm, const struct vm_config *cfg,
		  uint64_t timeout_ms)
{
	struct runner *r;
	sigset_t stop_set;
	int status = EX_RUN_ERR;

	r = calloc(1, sizeof(*r));
	if (!r) {
		errnof(ENOMEM, "run");
		return EX_RUN_ERR;
	}
	r->vm = vm;
	r->no_reboot = cfg->no_reboot;
	r->status = -1;
	r->con_fd = r->sig_fd = -1;
	r->timeout_ms = timeout_ms;
	r->in.closed = !want_stdin();
	pthread_mutex_init(&r->lock, NULL);
	r->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->notify_fd < 0 || setup_signals(&stop_set)) {
		errnof(errno, "run: setup");
		goto out;
	}
	r->sig_fd = signalfd(-1, &stop_set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r->sig_fd < 0) {
		errnof(errno, "run: signalfd");
		goto out;
	}
	r->con_fd = axvm_vm__console(&vm->ax, O_NONBLOCK);
	if (r->con_fd < 0) {
		errnof(errno, "run: %s: get console fd", vm->label);
		goto out;
	}
	if (axvm_vm__start(&vm->ax)) {
		errnof(errno, "run: %s: start", vm->label);
		goto out;
	}
	/* The deadline counts the whole run, every reboot included. */
	r->deadline = timeout_ms ? now_ms() + timeout_ms : 0;
	for (;;) {
		if (start_vcpus(r, cfg))
			request_stop(r);
		supervise(r);
		if (!join_vcpus(r)) {
			/* vCPU threads still in RUN: leave without them. */
			if (r->msg[0])
				errf("run: %s: %s", vm->label, r->msg);
			_exit(r->status < 0 || r->status == ST_REBOOT ?
			      EX_OK : r->status);
		}
		if (r->status != ST_REBOOT || reboot(r))
			break;
	}
	if (r->msg[0])
		errf("run: %s: %s", vm->label, r->msg);
	status = r->status < 0 ? EX_OK : r->status;
out:
	if (r->con_fd >= 0)
		close(r->con_fd);
	if (r->sig_fd >= 0)
		close(r->sig_fd);
	if (r->notify_fd >= 0)
		close(r->notify_fd);
	free(r);
	return status;
}

int cmd_run(const struct cmd *c, int argc, char **argv)
{
	struct vm_config *cfg;
	struct vm_opts o;
	uint64_t timeout_ms;
	struct vm vm;
	int first, ret;

	ret = parse_vm_opts(c, argc, argv, &o, &timeout_ms, &first);
	if (ret)
		return ret > 0 ? EX_OK : c->misuse;
	if (argc - first > 1)
		return cmd_misuse(c, "unexpected argument \"%s\"", argv[first + 1]);
	cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		errnof(ENOMEM, "run");
		return EX_RUN_ERR;
	}
	ret = EX_RUN_ERR;
	if (load_vm_config(c->name, argc > first ? argv[first] : NULL, &o, cfg))
		goto out;
	if (vm_build(cfg, false, c->name, &vm))
		goto out;
	ret = run_vm(&vm, cfg, timeout_ms);
	vm_close(&vm);
out:
	free(cfg);
	return ret;
}
