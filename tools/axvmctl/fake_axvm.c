// SPDX-License-Identifier: GPL-2.0
/*
 * A fake /dev/axvm for testing axvmctl on the build machine, where the
 * module can never be loaded. Linked only into build/axvmctl/axvmctl-fake
 * with -Wl,--wrap=open,--wrap=ioctl,--wrap=mmap,--wrap=munmap: the
 * calls of our objects and of libaxvm come here, libc's own do not. It
 * opens when AXVM_DEVICE=/fake/axvm.
 *
 * Each vCPU plays $FAKE_SCRIPT, comma-separated steps:
 *   p:TEXT     the guest prints TEXT (in-kernel UART: no exit)
 *   in:PORT    an IN exit; the next RUN checks it got all ones
 *   out:PORT   an OUT exit
 *   mr:GPA     an MMIO read exit; the next RUN checks all ones
 *   mw:GPA     an MMIO write exit
 *   hc:NR      a hypercall exit; the next RUN checks ret == -ENOSYS
 *   down:V     SYSTEM_DOWN with code V (the VM stops: debug-exit)
 *   triple     SHUTDOWN            failentry  FAIL_ENTRY
 *   interr     INTERNAL_ERROR      npf        NPF
 *   reset      the guest resets the machine (6 to port 0xcf9): the VM
 *              stops (reason reset); every vCPU's RUN returns RESET
 *   poweroff   ACPI S5: the VM stops (reason poweroff), SYSTEM_DOWN 0
 *   hlt        block in RUN until a signal (-EINTR) or STOP (STOPPED)
 *   echo       like hlt, echoing console input; 'q' means down:0
 * (the end of the script is an endless hlt). A failed check exits 99.
 * ';' separates the scripts of successive boots: boot N (RESTART makes
 * boot N + 1) plays the Nth, the last one again on every later boot
 * ("reset;down:3": reset once, then exit 3).
 * $FAKE_VMS pre-creates VMs: "ID:NAME:STATE:m|v[p][r],..." (STATE a
 * number, p: a PC platform VM; a stopped VM stopped for debug-exit 42,
 * or with r for a guest reset).
 * $FAKE_LOG, when set, is a file that records the ioctls made.
 * $FAKE_NO_PLATFORM, when set, plays a module from before the PC
 * platform: no such capabilities (nor reset), and their flags are
 * refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/axvm.h>

#define MAX_FDS		1024
#define MAX_VMS		16

int __real_open(const char *path, int flags, ...);
int __real_ioctl(int fd, unsigned long req, ...);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
int __real_munmap(void *addr, size_t len);

struct fvm {
	struct axvm_vm_info info;
	int con_user, con_peer;		/* the console: socketpair */
	volatile int stopped;
	bool ap_entry;			/* SET_ENTRY with AXVM_ENTRY_AP */
	unsigned int boots;		/* RESTARTs so far */
};

enum kind { K_NONE, K_SYS, K_VM, K_VCPU };

struct fent {
	enum kind kind;
	struct fvm *vm;
	unsigned int vcpu;
	struct axvm_run *run;
	const char *step;		/* the next script step */
	int check;			/* what the last exit wants back */
};

static struct fent fds[MAX_FDS];
static struct fvm vms[MAX_VMS];

static void flog(const char *fmt, ...)
{
	const char *p = getenv("FAKE_LOG");
	va_list ap;
	FILE *f;

	if (!p || !(f = fopen(p, "a")))
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static int new_fd(enum kind kind, struct fvm *vm)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	if (fd < 0 || fd >= MAX_FDS)
		return -1;
	fds[fd] = (struct fent){ .kind = kind, .vm = vm };
	return fd;
}

static struct fvm *vm_by_id(uint32_t id)
{
	int i;

	for (i = 0; i < MAX_VMS; i++)
		if (vms[i].info.id == id && id)
			return &vms[i];
	return NULL;
}

static struct fvm *new_vm(uint32_t id, const char *name, uint32_t flags)
{
	int i, sv[2];

	for (i = 0; i < MAX_VMS; i++) {
		struct fvm *v = &vms[i];

		if (v->info.id)
			continue;
		memset(v, 0, sizeof(*v));
		v->info.id = id;
		v->info.flags = flags;
		v->info.created_ns = 123456789;
		snprintf(v->info.name, sizeof(v->info.name), "%s",
			 *name ? name : "vm");
		if (!*name)
			snprintf(v->info.name, sizeof(v->info.name), "vm%u", id);
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
			return NULL;
		v->con_user = sv[0];
		v->con_peer = sv[1];
		return v;
	}
	return NULL;
}

static void seed_vms(void)
{
	static int done;
	const char *s = getenv("FAKE_VMS");
	char name[32], mode;
	unsigned int id, state;
	size_t k;
	int n;

	if (done || !s)
		return;
	done = 1;
	while (sscanf(s, "%u:%31[^:]:%u:%c%n", &id, name, &state, &mode, &n) == 4) {
		const char *sfx = s + n;
		uint32_t flags;
		struct fvm *v;

		k = strspn(sfx, "pr");
		flags = (mode == 'm' ? AXVM_VM_MANAGED : 0) |
			(memchr(sfx, 'p', k) ? AXVM_VM_PLATFORM_PC : 0);
		v = new_vm(id, name, flags);

		if (v) {
			v->info.state = state;
			v->info.nr_vcpus = v->info.max_vcpus = 1;
			v->info.memory_bytes = 64 << 20;
			v->info.stats.exits = 10;
			v->info.stats.io_exits = 4;
			v->info.stats.unhandled_io = 1;
			if (state == AXVM_VM_STOPPED && memchr(sfx, 'r', k)) {
				v->info.exit_reason = AXVM_STOP_RESET;
			} else if (state == AXVM_VM_STOPPED) {
				v->info.exit_reason = AXVM_STOP_DEBUG_EXIT;
				v->info.exit_code = 42;
			}
			dprintf(v->con_peer, "ring of %s\n", name);
		}
		s += n + k;
		if (*s != ',')
			break;
		s++;
	}
}

int __wrap_open(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = va_arg(ap, int);
	va_end(ap);
	if (strcmp(path, "/fake/axvm"))
		return __real_open(path, flags, mode);
	seed_vms();
	return new_fd(K_SYS, NULL);
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off)
{
	if (fd >= 0 && fd < MAX_FDS && fds[fd].kind == K_VCPU) {
		if (len != AXVM_RUN_SIZE || off) {
			errno = EINVAL;
			return MAP_FAILED;
		}
		return fds[fd].run;
	}
	return __real_mmap(addr, len, prot, flags, fd, off);
}

int __wrap_munmap(void *addr, size_t len)
{
	int i;

	for (i = 0; i < MAX_FDS; i++)
		if (fds[i].kind == K_VCPU && fds[i].run == addr)
			return 0;
	return __real_munmap(addr, len);
}

static long fail(int err)
{
	errno = err;
	return -1;
}

static bool no_platform(void)
{
	return getenv("FAKE_NO_PLATFORM");
}

static long check_extension(unsigned long cap)
{
	switch (cap) {
	case AXVM_CAP_MAX_VCPUS:
		return 64;
	case AXVM_CAP_MAX_VMS:
		return 16;
	case AXVM_CAP_MAP_IDENTICAL:
		return 0;
	case AXVM_CAP_PLATFORM_PC:
	case AXVM_CAP_SET_GSI:
	case AXVM_CAP_SIGNAL_MSI:
	case AXVM_CAP_AP_ENTRY:
	case AXVM_CAP_RESET:
		return !no_platform();
	}
	return 1;
}

static long sys_ioctl(unsigned long req, unsigned long arg)
{
	struct axvm_create_vm *cv = (void *)arg;
	struct axvm_vm_list *l = (void *)arg;
	struct axvm_open_vm *o = (void *)arg;
	struct fvm *v;
	uint32_t id, n = 0;
	int i;

	switch (req) {
	case AXVM_GET_API_VERSION:
		return AXVM_API_VERSION;
	case AXVM_CHECK_EXTENSION:
		return check_extension(arg);
	case AXVM_CREATE_VM:
		flog("CREATE_VM flags=%u id=%u max_vcpus=%u name=%s set0=%llx",
		     cv->flags, cv->id, cv->max_vcpus, cv->name,
		     (unsigned long long)cv->pcpu_sets[0]);
		if (cv->flags & ~AXVM_CREATE_VM_VALID_FLAGS ||
		    (no_platform() && (cv->flags & (AXVM_VM_PLATFORM_PC |
						    AXVM_VM_NO_REBOOT))))
			return fail(EINVAL);
		id = cv->id;
		if (id && vm_by_id(id))
			return fail(EEXIST);
		for (i = 0; i < MAX_VMS && cv->name[0]; i++)
			if (vms[i].info.id && !strcmp(vms[i].info.name, cv->name))
				return fail(EEXIST);
		if (!id)
			for (id = 1; vm_by_id(id); id++)
				;
		v = new_vm(id, cv->name, cv->flags);
		if (!v)
			return fail(ENOSPC);
		v->info.max_vcpus = cv->max_vcpus;
		cv->id = id;
		return new_fd(K_VM, v);
	case AXVM_LIST_VMS:
		for (i = 0; i < MAX_VMS; i++) {
			if (!vms[i].info.id)
				continue;
			if (n < l->nr)
				((uint32_t *)(uintptr_t)l->ids)[n] = vms[i].info.id;
			n++;
		}
		l->nr = n;
		return 0;
	case AXVM_OPEN_VM:
		v = vm_by_id(o->id);
		if (!v)
			return fail(ENOENT);
		return new_fd(K_VM, v);
	case AXVM_QUERY_VM:
		v = vm_by_id(*(uint32_t *)arg);
		if (!v)
			return fail(ENOENT);
		memcpy((void *)arg, &v->info, sizeof(v->info));
		return 0;
	}
	return fail(ENOTTY);
}

/* What vCPU @vcpu of @v plays in its current boot. */
static const char *script_for(const struct fvm *v, unsigned int vcpu)
{
	const char *s = getenv("FAKE_SCRIPT") ?: "";
	const char *semi;
	unsigned int i;

	/* A PC platform VM's APs wait for INIT/SIPI: no script. */
	if (vcpu && (v->info.flags & AXVM_VM_PLATFORM_PC) && !v->ap_entry)
		return "";
	for (i = 0; i < v->boots && (semi = strchr(s, ';')); i++)
		s = semi + 1;
	return s;
}

/* RESTART: the vCPUs start their next boot's script, run zeroed. */
static void reboot_vcpus(struct fvm *v)
{
	int i;

	v->boots++;
	for (i = 0; i < MAX_FDS; i++) {
		if (fds[i].kind != K_VCPU || fds[i].vm != v)
			continue;
		memset(fds[i].run, 0, AXVM_RUN_SIZE);
		fds[i].step = script_for(v, fds[i].vcpu);
		fds[i].check = 0;
	}
}

/* Lifecycle transitions (DESIGN.md §2). */
static long transition(struct fvm *v, unsigned long req)
{
	struct axvm_vm_info *in = &v->info;

	switch (req) {
	case AXVM_FINALIZE:
		if (in->state != AXVM_VM_LOADING)
			return fail(EINVAL);
		in->state = AXVM_VM_LOADED;
		return 0;
	case AXVM_START:
		if (in->state != AXVM_VM_LOADED)
			return fail(EINVAL);
		in->state = AXVM_VM_RUNNING;
		return 0;
	case AXVM_PAUSE:
		if (in->state != AXVM_VM_RUNNING)
			return fail(EINVAL);
		in->state = AXVM_VM_SUSPENDED;
		return 0;
	case AXVM_RESUME:
		if (in->state != AXVM_VM_SUSPENDED)
			return fail(EINVAL);
		in->state = AXVM_VM_RUNNING;
		return 0;
	case AXVM_STOP:
		if (in->state == AXVM_VM_STOPPED)
			return 0;	/* idempotent, as the module */
		if (in->state != AXVM_VM_RUNNING &&
		    in->state != AXVM_VM_SUSPENDED)
			return fail(EINVAL);
		in->state = AXVM_VM_STOPPED;
		in->exit_reason = AXVM_STOP_REQUESTED;
		v->stopped = 1;
		return 0;
	case AXVM_RESTART:
		if (in->state != AXVM_VM_STOPPED)
			return fail(EINVAL);
		in->state = AXVM_VM_RUNNING;
		in->exit_reason = AXVM_STOP_NONE;
		in->exit_code = 0;
		reboot_vcpus(v);
		v->stopped = 0;
		return 0;
	case AXVM_DESTROY:
		if (in->state == AXVM_VM_RUNNING)
			return fail(EBUSY);
		in->id = 0;
		return 0;
	}
	return fail(ENOTTY);
}

static long vm_ioctl(struct fvm *v, unsigned long req, unsigned long arg)
{
	struct axvm_memory_region *r = (void *)arg;
	struct axvm_device *d = (void *)arg;
	struct axvm_image *im = (void *)arg;
	struct axvm_entry *e = (void *)arg;
	int fd;

	switch (req) {
	case AXVM_GET_VM_INFO:
		memcpy((void *)arg, &v->info, sizeof(v->info));
		return 0;
	case AXVM_SET_MEMORY_REGION:
		flog("SET_MEMORY_REGION gpa=%llx size=%llx flags=%u map=%u",
		     (unsigned long long)r->gpa, (unsigned long long)r->size,
		     r->flags, r->map_type);
		v->info.memory_bytes += r->size;
		return 0;
	case AXVM_ADD_DEVICE:
		flog("ADD_DEVICE type=%u space=%u base=%llx len=%llu irq=%d name=%s",
		     d->type, d->space, (unsigned long long)d->base,
		     (unsigned long long)d->length, (int)d->irq, d->name);
		return 0;
	case AXVM_LOAD_IMAGE:
		flog("LOAD_IMAGE format=%u flags=%u gpa=%llx size=%llu%s%s",
		     im->format, im->flags, (unsigned long long)im->gpa,
		     (unsigned long long)im->size,
		     im->cmdline ? " cmdline=" : "",
		     im->cmdline ? (const char *)(uintptr_t)im->cmdline : "");
		if (im->format != AXVM_IMAGE_RAW) {
			im->entry = 0x200000;
			im->mode = im->format == AXVM_IMAGE_ELF ||
				   im->format == AXVM_IMAGE_BZIMAGE ?
				   AXVM_MODE_LONG : AXVM_MODE_PROTECTED;
		}
		return 0;
	case AXVM_SET_ENTRY:
		flog("SET_ENTRY entry=%llx mode=%u flags=%u",
		     (unsigned long long)e->entry, e->mode, e->flags);
		if (no_platform() && e->flags)
			return fail(EINVAL);
		v->ap_entry |= e->flags & AXVM_ENTRY_AP;
		return 0;
	case AXVM_CREATE_VCPU:
		if (arg >= v->info.max_vcpus)
			return fail(EINVAL);
		fd = new_fd(K_VCPU, v);
		if (fd < 0)
			return -1;
		fds[fd].vcpu = (unsigned int)arg;
		fds[fd].run = aligned_alloc(4096, AXVM_RUN_SIZE);
		memset(fds[fd].run, 0, AXVM_RUN_SIZE);
		fds[fd].step = script_for(v, (unsigned int)arg);
		v->info.nr_vcpus++;
		return fd;
	case AXVM_GET_CONSOLE_FD:
		fd = dup(v->con_user);
		if (fd >= 0 && (arg & O_NONBLOCK))
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		return fd;
	default:
		flog("%s", req == AXVM_STOP ? "STOP" : req == AXVM_START ?
		     "START" : req == AXVM_FINALIZE ? "FINALIZE" :
		     req == AXVM_RESTART ? "RESTART" : "LIFECYCLE");
		return transition(v, req);
	}
}

static void check_answer(struct fent *f)
{
	struct axvm_run *run = f->run;
	int bad = 0;

	switch (f->check) {
	case AXVM_EXIT_IO:
		bad = (run->io.data & 0xff) != 0xff;
		break;
	case AXVM_EXIT_MMIO:
		bad = (run->mmio.data & 0xffffffff) != 0xffffffff;
		break;
	case AXVM_EXIT_HYPERCALL:
		bad = run->hypercall.ret != (uint64_t)-ENOSYS;
		break;
	}
	if (bad) {
		fprintf(stderr, "FAKE: bad answer to exit %d\n", f->check);
		_exit(99);
	}
	f->check = 0;
}

static void stop_vm(struct fvm *v, uint32_t reason, int64_t code)
{
	if (v->info.state != AXVM_VM_STOPPED) {
		v->info.state = AXVM_VM_STOPPED;
		v->info.exit_reason = reason;
		v->info.exit_code = code;
	}
	v->stopped = 1;
}

/* RUN on a stopped VM: the exit of its stop reason (vcpu_fill_stopped). */
static long stopped_exit(struct fent *f)
{
	struct axvm_run *run = f->run;

	switch (f->vm->info.exit_reason) {
	case AXVM_STOP_DEBUG_EXIT:
	case AXVM_STOP_POWEROFF:
		run->exit_reason = AXVM_EXIT_SYSTEM_DOWN;
		run->system_down.code = f->vm->info.exit_code;
		break;
	case AXVM_STOP_SHUTDOWN:
		run->exit_reason = AXVM_EXIT_SHUTDOWN;
		break;
	case AXVM_STOP_RESET:
		run->exit_reason = AXVM_EXIT_RESET;
		break;
	default:
		run->exit_reason = AXVM_EXIT_STOPPED;
		break;
	}
	return 0;
}

/* Block like HLT: -EINTR on a signal or immediate_exit, STOPPED on STOP. */
static long block(struct fent *f, int echo)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	char buf[64];
	ssize_t n, i;

	for (;;) {
		if (f->vm->stopped)
			return stopped_exit(f);
		if (f->run->immediate_exit)
			return fail(EINTR);
		if (echo) {
			n = recv(f->vm->con_peer, buf, sizeof(buf), MSG_DONTWAIT);
			for (i = 0; i < n; i++) {
				(void)!write(f->vm->con_peer, &buf[i], 1);
				if (buf[i] == 'q') {
					stop_vm(f->vm, AXVM_STOP_DEBUG_EXIT, 0);
					f->run->exit_reason = AXVM_EXIT_SYSTEM_DOWN;
					f->run->system_down.code = 0;
					return 0;
				}
			}
		}
		if (nanosleep(&ts, NULL))
			return fail(EINTR);
	}
}

static long vcpu_run(struct fent *f)
{
	struct axvm_run *run = f->run;
	char tok[128];
	size_t n;
	unsigned long long v;

	check_answer(f);
	for (;;) {
		if (f->vm->stopped)
			return stopped_exit(f);
		n = strcspn(f->step, ",;");
		if (!n)
			return block(f, 0);
		snprintf(tok, sizeof(tok), "%.*s", (int)n, f->step);
		if (!strcmp(tok, "hlt") || !strcmp(tok, "echo"))
			return block(f, !strcmp(tok, "echo"));
		f->step += n + (f->step[n] == ',');
		v = strchr(tok, ':') ? strtoull(strchr(tok, ':') + 1, NULL, 0) : 0;
		memset((char *)run + 8, 0, AXVM_RUN_SIZE - 8);
		if (!strncmp(tok, "p:", 2)) {
			(void)!write(f->vm->con_peer, tok + 2, strlen(tok + 2));
			continue;
		}
		if (!strncmp(tok, "in:", 3) || !strncmp(tok, "out:", 4)) {
			run->exit_reason = AXVM_EXIT_IO;
			run->io.direction = tok[0] == 'i' ? AXVM_IO_IN : AXVM_IO_OUT;
			run->io.size = 1;
			run->io.port = (uint16_t)v;
			run->io.count = 1;
			f->check = tok[0] == 'i' ? AXVM_EXIT_IO : 0;
		} else if (!strncmp(tok, "mr:", 3) || !strncmp(tok, "mw:", 3)) {
			run->exit_reason = AXVM_EXIT_MMIO;
			run->mmio.gpa = v;
			run->mmio.len = 4;
			run->mmio.is_write = tok[1] == 'w';
			f->check = tok[1] == 'r' ? AXVM_EXIT_MMIO : 0;
		} else if (!strncmp(tok, "hc:", 3)) {
			run->exit_reason = AXVM_EXIT_HYPERCALL;
			run->hypercall.nr = v;
			f->check = AXVM_EXIT_HYPERCALL;
		} else if (!strncmp(tok, "down:", 5)) {
			stop_vm(f->vm, AXVM_STOP_DEBUG_EXIT, (int64_t)v);
			run->exit_reason = AXVM_EXIT_SYSTEM_DOWN;
			run->system_down.code = (int64_t)v;
		} else if (!strcmp(tok, "reset")) {
			stop_vm(f->vm, AXVM_STOP_RESET, 0);
			run->exit_reason = AXVM_EXIT_RESET;
		} else if (!strcmp(tok, "poweroff")) {
			stop_vm(f->vm, AXVM_STOP_POWEROFF, 0);
			run->exit_reason = AXVM_EXIT_SYSTEM_DOWN;
			run->system_down.code = 0;
		} else if (!strcmp(tok, "triple")) {
			stop_vm(f->vm, AXVM_STOP_SHUTDOWN, 0);
			run->exit_reason = AXVM_EXIT_SHUTDOWN;
		} else if (!strcmp(tok, "failentry")) {
			run->exit_reason = AXVM_EXIT_FAIL_ENTRY;
			run->fail_entry.hardware_reason = 0x1234;
		} else if (!strcmp(tok, "interr")) {
			run->exit_reason = AXVM_EXIT_INTERNAL_ERROR;
			run->internal.suberror = AXVM_INTERNAL_ERROR_DECODE;
		} else if (!strcmp(tok, "npf")) {
			run->exit_reason = AXVM_EXIT_NPF;
			run->npf.gpa = 0xd0000000;
		} else {
			fprintf(stderr, "FAKE: bad step \"%s\"\n", tok);
			_exit(98);
		}
		return 0;
	}
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	unsigned long arg;
	va_list ap;
	struct fent *f;

	va_start(ap, req);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (fd < 0 || fd >= MAX_FDS || fds[fd].kind == K_NONE)
		return __real_ioctl(fd, req, arg);
	f = &fds[fd];
	switch (f->kind) {
	case K_SYS:
		return (int)sys_ioctl(req, arg);
	case K_VM:
		if (!f->vm->info.id)
			return (int)fail(ENOENT);
		return (int)vm_ioctl(f->vm, req, arg);
	case K_VCPU:
		if (req != AXVM_RUN)
			return (int)fail(ENOTTY);
		if (f->vm->info.state != AXVM_VM_RUNNING && !f->vm->stopped)
			return (int)fail(EINVAL);
		return (int)vcpu_run(f);
	default:
		return (int)fail(EBADF);
	}
}
