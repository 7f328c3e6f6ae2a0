// SPDX-License-Identifier: GPL-2.0
/*
 * The VM lifecycle from userspace (DESIGN.md §2): FINALIZE, START,
 * PAUSE, RESUME, STOP, RESTART, DESTROY, each legal transition and each
 * refused one (-EBUSY when the VM is running, -EINVAL when the
 * transition does not exist), configuration refused once loaded, and
 * managed VMs outliving their fds and their creator until DESTROY.
 * A VMM-mode VM needs no RUN to change state, so none of it runs a
 * guest, except one managed VM whose guest only halts (DESTROY of a
 * running VM). Built 64-bit and 32-bit; prints TAP.
 */
#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "tap.h"

#define MiB		(1ULL << 20)
#define RWX		(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)

static int sys;

static const char *const state_names[] = {
	"loading", "loaded", "running", "suspended", "stopping", "stopped",
};

static const char *state_name(long s)
{
	return s >= 0 && s < 6 ? state_names[s] : "?";
}

#define expect_state(vm, want, what) do {				\
	long __s = axvm_state(vm);					\
	if (!tap_check(__s == (want), "%s: state %s", what,		\
		       state_name(want)))				\
		printf("# state is %ld (%s)\n", __s, state_name(__s));	\
} while (0)

#define LC(vm, op, err, when) \
	tap_errno(ioctl(vm, AXVM_##op, 0), err, #op " when " when ": " #err)

/* Every configuration ioctl must fail with @err. */
static void config_refused(int vm, int err, const char *when)
{
	struct axvm_memory_region r = { .gpa = 0, .size = 2 * MiB };
	struct axvm_image img;
	__u8 code[4] = { 0xf4 };

	memset(&img, 0, sizeof(img));
	img.buf = U64P(code);
	img.size = sizeof(code);
	img.gpa = 0x100000;
	tap_errno(axvm_region(vm, 4 * MiB, MiB, RWX), err,
		  "SET_MEMORY_REGION when %s: %s", when, strerror(err));
	tap_errno(ioctl(vm, AXVM_DEL_MEMORY_REGION, &r), err,
		  "DEL_MEMORY_REGION when %s: %s", when, strerror(err));
	tap_errno(ioctl(vm, AXVM_LOAD_IMAGE, &img), err,
		  "LOAD_IMAGE when %s: %s", when, strerror(err));
	tap_errno(axvm_device(vm, AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO, 0xf4,
			      4, AXVM_IRQ_NONE), err,
		  "ADD_DEVICE when %s: %s", when, strerror(err));
	tap_errno(axvm_entry(vm, 0x100000, AXVM_MODE_LONG), err,
		  "SET_ENTRY when %s: %s", when, strerror(err));
	tap_errno(ioctl(vm, AXVM_FINALIZE, 0), err,
		  "FINALIZE when %s: %s", when, strerror(err));
}

static void test_vmm(void)
{
	struct axvm_vm_info info;
	struct axvm_run *run;
	int vm, vcpu, con;
	__u32 id;

	vm = axvm_vm_new(sys, 0, 2, NULL, &id);
	if (!tap_check(vm >= 0, "a VMM-mode VM with 2 vCPUs"))
		return;
	axvm_region(vm, 0, 2 * MiB, RWX);
	vcpu = tap_fd(ioctl(vm, AXVM_CREATE_VCPU, 0), "CREATE_VCPU 0");
	run = mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	con = ioctl(vm, AXVM_GET_CONSOLE_FD, O_NONBLOCK);
	tap_errno(write(con, "x", 1), EAGAIN,
		  "console write while loading: EAGAIN (no device yet)");

	expect_state(vm, AXVM_VM_LOADING, "CREATE_VM");
	LC(vm, START, EINVAL, "loading");
	LC(vm, PAUSE, EINVAL, "loading");
	LC(vm, RESUME, EINVAL, "loading");
	LC(vm, STOP, EINVAL, "loading");
	LC(vm, RESTART, EINVAL, "loading");
	LC(vm, DESTROY, EINVAL, "VMM mode");
	tap_errno(ioctl(vm, AXVM_FINALIZE, 1), EINVAL,
		  "FINALIZE with an argument: EINVAL");
	tap_errno(ioctl(vm, AXVM_START, 1), EINVAL,
		  "START with an argument: EINVAL");
	tap_errno(ioctl(vm, AXVM_STOP, 1), EINVAL,
		  "STOP with an argument: EINVAL");
	tap_errno(ioctl(vm, AXVM_DESTROY, 1), EINVAL,
		  "DESTROY with an argument: EINVAL");
	expect_state(vm, AXVM_VM_LOADING, "refused calls change nothing");

	tap_ret(ioctl(vm, AXVM_FINALIZE, 0), 0, "FINALIZE");
	expect_state(vm, AXVM_VM_LOADED, "FINALIZE");
	tap_ret(axvm_info(vm, &info), 0, "GET_VM_INFO when loaded");
	tap_eq(info.nr_vcpus, 2, "FINALIZE creates every vCPU up to max_vcpus");
	config_refused(vm, EINVAL, "loaded");
	tap_errno(ioctl(vm, AXVM_CREATE_VCPU, 1), EEXIST,
		  "CREATE_VCPU of a vCPU FINALIZE made: EEXIST");
	tap_errno(write(con, "x", 1), ENXIO,
		  "console write to a VM without a UART: ENXIO");
	LC(vm, PAUSE, EINVAL, "loaded");
	LC(vm, RESUME, EINVAL, "loaded");
	LC(vm, STOP, EINVAL, "loaded");
	LC(vm, RESTART, EINVAL, "loaded");

	tap_ret(ioctl(vm, AXVM_START, 0), 0, "START (VMM mode: no RUN needed)");
	expect_state(vm, AXVM_VM_RUNNING, "START");
	LC(vm, START, EBUSY, "running");
	LC(vm, RESUME, EBUSY, "running");
	LC(vm, RESTART, EBUSY, "running");
	config_refused(vm, EBUSY, "running");
	tap_errno(ioctl(vm, AXVM_CREATE_VCPU, 1), EBUSY,
		  "CREATE_VCPU when running: EBUSY");

	tap_ret(ioctl(vm, AXVM_PAUSE, 0), 0, "PAUSE");
	expect_state(vm, AXVM_VM_SUSPENDED, "PAUSE");
	LC(vm, PAUSE, EINVAL, "suspended");
	LC(vm, START, EINVAL, "suspended");
	LC(vm, RESTART, EINVAL, "suspended");
	tap_errno(axvm_entry(vm, 0x100000, AXVM_MODE_LONG), EINVAL,
		  "SET_ENTRY when suspended: EINVAL");
	tap_ret(ioctl(vm, AXVM_RESUME, 0), 0, "RESUME");
	expect_state(vm, AXVM_VM_RUNNING, "RESUME");

	tap_ret(ioctl(vm, AXVM_STOP, 0), 0, "STOP when running");
	expect_state(vm, AXVM_VM_STOPPED, "STOP");
	tap_ret(axvm_info(vm, &info), 0, "GET_VM_INFO when stopped");
	tap_eq(info.exit_reason, AXVM_STOP_REQUESTED,
	       "STOP: exit_reason REQUESTED");
	tap_eq(info.exit_code, 0, "STOP: exit_code 0");
	/* DESIGN §8: STOP on a stopped VM succeeds (silently). */
	tap_ret(ioctl(vm, AXVM_STOP, 0), 0, "STOP when stopped: 0");
	expect_state(vm, AXVM_VM_STOPPED, "STOP of a stopped VM");
	LC(vm, PAUSE, EINVAL, "stopped");
	LC(vm, RESUME, EINVAL, "stopped");
	LC(vm, START, EINVAL, "stopped");
	config_refused(vm, EINVAL, "stopped");
	if (run != MAP_FAILED) {
		run->exit_reason = 0xdead;
		tap_ret(ioctl(vcpu, AXVM_RUN, 0), 0,
			"RUN of a stopped VM returns at once");
		tap_eq(run->exit_reason, AXVM_EXIT_STOPPED,
		       "RUN of a stopped VM: exit_reason STOPPED");
	} else {
		tap_check(0, "mmap of the vCPU fd");
	}

	tap_ret(ioctl(vm, AXVM_RESTART, 0), 0, "RESTART");
	expect_state(vm, AXVM_VM_RUNNING, "RESTART");
	tap_ret(axvm_info(vm, &info), 0, "GET_VM_INFO after RESTART");
	tap_eq(info.exit_reason, AXVM_STOP_NONE,
	       "RESTART clears exit_reason");
	tap_ret(ioctl(vm, AXVM_PAUSE, 0), 0, "PAUSE after RESTART");
	tap_ret(ioctl(vm, AXVM_STOP, 0), 0, "STOP when suspended");
	expect_state(vm, AXVM_VM_STOPPED, "STOP from suspended");
	if (run != MAP_FAILED)
		munmap(run, AXVM_RUN_SIZE);
	close(con);
	close(vcpu);
	close(vm);
	tap_eq(axvm_listed(sys, id), 0, "closing a stopped VMM VM frees it");

	/*
	 * A refused FINALIZE leaves the VM loading: long mode needs RAM
	 * for the GDT and page tables the backend writes at 0x9000.
	 */
	vm = axvm_vm_new(sys, 0, 1, NULL, &id);
	tap_errno(ioctl(vm, AXVM_FINALIZE, 0), EFAULT,
		  "FINALIZE in long mode without RAM: EFAULT");
	expect_state(vm, AXVM_VM_LOADING, "the refused FINALIZE");
	tap_ret(axvm_region(vm, 0, 2 * MiB, RWX), 0,
		"SET_MEMORY_REGION after the refused FINALIZE");
	tap_ret(ioctl(vm, AXVM_FINALIZE, 0), 0, "FINALIZE once RAM is there");

	/* A VMM-mode VM goes with its last fd, whatever its state. */
	tap_ret(ioctl(vm, AXVM_START, 0), 0, "START that VM");
	close(vm);
	tap_eq(axvm_listed(sys, id), 0, "closing a running VMM VM frees it");
}

static int open_vm(__u32 id)
{
	struct axvm_open_vm o;

	memset(&o, 0, sizeof(o));
	o.id = id;
	return ioctl(sys, AXVM_OPEN_VM, &o);
}

static void test_managed_idle(void)
{
	struct axvm_vm_info info;
	struct pollfd p;
	int vm, con, pipefd[2];
	pid_t pid;
	__u32 id;
	char c;

	vm = axvm_vm_new(sys, AXVM_VM_MANAGED, 1, "lc-managed", &id);
	if (!tap_check(vm >= 0, "CREATE_VM managed \"lc-managed\""))
		return;
	close(vm);
	tap_eq(axvm_listed(sys, id), 1,
	       "a managed VM stays listed after its fd is closed");
	vm = tap_fd(open_vm(id), "OPEN_VM gets the managed VM back");
	tap_ret(axvm_info(vm, &info), 0, "GET_VM_INFO through OPEN_VM's fd");
	tap_check(info.flags == AXVM_VM_MANAGED &&
		  !strcmp(info.name, "lc-managed") &&
		  info.state == AXVM_VM_LOADING,
		  "it is the same VM: managed, \"lc-managed\", loading");
	tap_ret(axvm_region(vm, 0, MiB, RWX), 0,
		"configure it through the new fd");
	con = ioctl(vm, AXVM_GET_CONSOLE_FD, O_NONBLOCK);

	tap_ret(ioctl(vm, AXVM_DESTROY, 0), 0, "DESTROY when loading");
	tap_eq(axvm_listed(sys, id), 1, "DESTROY leaves it while an fd is open");
	tap_errno(ioctl(vm, AXVM_DESTROY, 0), ENOENT,
		  "DESTROY twice: ENOENT");
	tap_ret(read(con, &c, 1), 0, "DESTROY hangs up the console: read EOF");
	tap_errno(write(con, "x", 1), EPIPE,
		  "DESTROY hangs up the console: write EPIPE");
	p.fd = con;
	p.events = POLLIN;
	p.revents = 0;
	poll(&p, 1, 0);
	tap_check(p.revents & POLLHUP, "DESTROY hangs up the console: POLLHUP");
	close(con);
	close(vm);
	tap_eq(axvm_listed(sys, id), 0, "the last fd closed: gone");
	tap_errno(open_vm(id), ENOENT, "OPEN_VM of the destroyed VM: ENOENT");

	/* A managed VM outlives the process that created it. */
	if (pipe(pipefd))
		pipefd[0] = pipefd[1] = -1;
	pid = fork();
	if (pid == 0) {
		int s = axvm_open();

		id = 0;
		axvm_vm_new(s, AXVM_VM_MANAGED, 1, "lc-orphan", &id);
		if (write(pipefd[1], &id, sizeof(id)) != sizeof(id))
			_exit(2);
		_exit(0);
	}
	id = 0;
	if (pid < 0 || read(pipefd[0], &id, sizeof(id)) != sizeof(id))
		id = 0;
	if (pid > 0)
		waitpid(pid, NULL, 0);
	close(pipefd[0]);
	close(pipefd[1]);
	tap_check(id != 0, "a child process created managed VM %u and exited",
		  id);
	tap_eq(axvm_listed(sys, id), 1, "the orphan VM is still listed");
	vm = tap_fd(open_vm(id), "OPEN_VM of the orphan");
	tap_check(!axvm_info(vm, &info) && !strcmp(info.name, "lc-orphan"),
		  "the orphan keeps its name");
	tap_ret(ioctl(vm, AXVM_DESTROY, 0), 0, "DESTROY the orphan");
	close(vm);
	tap_eq(axvm_listed(sys, id), 0, "the orphan is gone");
}

/* A managed VM whose one vCPU halts forever with interrupts off. */
/* A finalized managed VM whose guest halts; *@vcpu: its vCPU's fd. */
static int managed_halter_vcpu(const char *name, __u32 *id, int *vcpu)
{
	static const __u8 hlt_loop[] = { 0xfa, 0xf4, 0xeb, 0xfd };
	struct axvm_image img;
	int vm;

	vm = axvm_vm_new(sys, AXVM_VM_MANAGED, 1, name, id);
	if (vm < 0)
		return -1;
	memset(&img, 0, sizeof(img));
	img.buf = U64P(hlt_loop);
	img.size = sizeof(hlt_loop);
	img.gpa = 0x100000;
	img.flags = AXVM_IMAGE_SET_ENTRY;
	if (vcpu)
		*vcpu = -1;
	if (axvm_region(vm, 0, 2 * MiB, RWX) ||
	    ioctl(vm, AXVM_LOAD_IMAGE, &img) ||
	    (vcpu && (*vcpu = ioctl(vm, AXVM_CREATE_VCPU, 0)) < 0) ||
	    ioctl(vm, AXVM_FINALIZE, 0)) {
		if (vcpu && *vcpu >= 0)
			close(*vcpu);
		ioctl(vm, AXVM_DESTROY, 0);
		close(vm);
		return -1;
	}
	return vm;
}

static int managed_halter(const char *name, __u32 *id)
{
	return managed_halter_vcpu(name, id, NULL);
}

static void test_managed_running(void)
{
	struct axvm_vm_info info;
	int vm;
	__u32 id;

	vm = managed_halter("lc-running", &id);
	if (!tap_check(vm >= 0, "a managed VM whose guest halts"))
		return;
	tap_ret(ioctl(vm, AXVM_START, 0), 0, "START a managed VM");
	expect_state(vm, AXVM_VM_RUNNING, "START (managed)");
	LC(vm, DESTROY, EBUSY, "running");
	LC(vm, START, EBUSY, "running (managed)");
	expect_state(vm, AXVM_VM_RUNNING, "the refused DESTROY changed nothing");
	tap_ret(ioctl(vm, AXVM_STOP, 0), 0, "STOP a managed VM");
	tap_check(!axvm_info(vm, &info) && info.state == AXVM_VM_STOPPED &&
		  info.exit_reason == AXVM_STOP_REQUESTED,
		  "STOP (managed): stopped, reason REQUESTED (the guest ran fine)");
	tap_ret(ioctl(vm, AXVM_RESTART, 0), 0, "RESTART a managed VM");
	expect_state(vm, AXVM_VM_RUNNING, "RESTART (managed)");
	tap_ret(ioctl(vm, AXVM_PAUSE, 0), 0, "PAUSE a managed VM");
	expect_state(vm, AXVM_VM_SUSPENDED, "PAUSE (managed)");
	tap_ret(ioctl(vm, AXVM_RESUME, 0), 0, "RESUME a managed VM");
	tap_ret(ioctl(vm, AXVM_PAUSE, 0), 0, "PAUSE it again");
	tap_ret(ioctl(vm, AXVM_DESTROY, 0), 0, "DESTROY when suspended");
	tap_check(!axvm_info(vm, &info) && info.state == AXVM_VM_STOPPED &&
		  info.exit_reason == AXVM_STOP_REQUESTED,
		  "DESTROY of a suspended VM stops it first");
	close(vm);
	tap_eq(axvm_listed(sys, id), 0, "the destroyed VM is gone");

	/*
	 * Issue 11: FINALIZE, DESTROY, then START used to run vCPU threads
	 * on a VM that the close below then freed under them.
	 */
	vm = managed_halter("lc-zombie", &id);
	tap_ret(ioctl(vm, AXVM_DESTROY, 0), 0, "DESTROY a loaded managed VM");
	LC(vm, START, ENOENT, "destroyed");
	LC(vm, RESTART, ENOENT, "destroyed");
	LC(vm, STOP, ENOENT, "destroyed");
	config_refused(vm, ENOENT, "destroyed");
	expect_state(vm, AXVM_VM_LOADED, "a destroyed VM never ran");
	close(vm);
	tap_eq(axvm_listed(sys, id), 0, "the destroyed VM is gone at close");

	/* Running with no fd at all: it goes on until someone stops it. */
	vm = managed_halter(NULL, &id);
	tap_ret(ioctl(vm, AXVM_START, 0), 0,
		"START a managed VM, then close its fd");
	close(vm);
	tap_eq(axvm_listed(sys, id), 1, "it keeps running without an fd");
	vm = open_vm(id);
	expect_state(vm, AXVM_VM_RUNNING, "OPEN_VM of it");
	tap_ret(ioctl(vm, AXVM_STOP, 0), 0, "STOP it through OPEN_VM");
	tap_ret(ioctl(vm, AXVM_DESTROY, 0), 0, "DESTROY it");
	close(vm);
	tap_eq(axvm_listed(sys, id), 0, "then it is gone");

#ifdef __LP64__
	/*
	 * Leave one running, fd-less managed VM behind on purpose: the
	 * harness's rmmod then has to stop and free it (module exit).
	 * Once only (the 64-bit run), so the 32-bit run sees no change.
	 */
	vm = managed_halter(NULL, &id);
	tap_ret(ioctl(vm, AXVM_START, 0), 0,
		"START managed VM %u and leave it running for rmmod", id);
	close(vm);
#endif
}

/*
 * @cmd on @vcpu from a child, whose answer (0 or an errno) must come
 * within 5 s: -1 when it did not (the call waited). The VM is stopped
 * then, which ends any wait on its vCPU, and the child reaped.
 */
static int vcpu_call_answer(int vm, int vcpu, unsigned long cmd)
{
	struct axvm_regs regs;
	struct pollfd p;
	int fds[2], ret = -1;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		int e = ioctl(vcpu, cmd, cmd == AXVM_RUN ? NULL : &regs) ?
			errno : 0;

		_exit(write(fds[1], &e, sizeof(e)) != sizeof(e));
	}
	p.fd = fds[0];
	p.events = POLLIN;
	if (pid > 0 && poll(&p, 1, 5000) == 1 &&
	    read(fds[0], &ret, sizeof(ret)) != sizeof(ret))
		ret = -1;
	if (ret < 0)
		ioctl(vm, AXVM_STOP, 0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	close(fds[0]);
	close(fds[1]);
	return ret;
}

/* The kernel runs a managed VM's vCPUs: their fds never wait for it. */
static void test_managed_vcpu_fd(void)
{
	struct axvm_vm_info info;
	struct axvm_regs regs;
	int vm, vcpu, i;
	__u32 id;

	vm = managed_halter_vcpu("lc-mvcpu", &id, &vcpu);
	if (!tap_check(vm >= 0, "a managed VM whose guest halts, with a vCPU fd from CREATE_VCPU"))
		return;
	tap_ret(ioctl(vm, AXVM_START, 0), 0, "START");
	/* START only wakes the thread: wait for its guest's HLT. */
	for (i = 0; i < 500; i++) {
		if (!axvm_info(vm, &info) && info.stats.halts)
			break;
		usleep(10000);
	}
	tap_check(info.stats.halts > 0,
		  "its thread runs the vCPU (the guest halted)");
	tap_eq(vcpu_call_answer(vm, vcpu, AXVM_GET_REGS), EBUSY,
	       "GET_REGS while its thread runs the vCPU: EBUSY at once");
	tap_eq(vcpu_call_answer(vm, vcpu, AXVM_RUN), EBUSY,
	       "RUN on a managed VM's vCPU: EBUSY at once");
	expect_state(vm, AXVM_VM_RUNNING, "neither stopped the VM");
	tap_ret(ioctl(vm, AXVM_STOP, 0), 0, "STOP");
	tap_ret(ioctl(vcpu, AXVM_GET_REGS, &regs), 0,
		"GET_REGS once stopped");
	tap_errno(ioctl(vcpu, AXVM_RUN, 0), EBUSY,
		  "RUN on a managed VM's vCPU, stopped: EBUSY");
	close(vcpu);
	tap_ret(ioctl(vm, AXVM_DESTROY, 0), 0, "DESTROY");
	close(vm);
}

int main(void)
{
	sys = axvm_open();
	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	test_vmm();
	test_managed_idle();
	test_managed_running();
	test_managed_vcpu_fd();
	close(sys);
	return tap_done();
}
