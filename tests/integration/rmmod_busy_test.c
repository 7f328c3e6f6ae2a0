// SPDX-License-Identifier: GPL-2.0
/*
 * "rmmod is refused while anything of axvm is open": /dev/axvm, a VM
 * fd, a vCPU fd, a console fd, and a vCPU mapping whose fd is closed
 * each hold the module. For each, `rmmod axvm` (busybox, via system())
 * must fail and so must delete_module(2) itself (EWOULDBLOCK), the
 * module's refcnt must be above its idle value, and it must come back
 * to that value once the holder is gone (no leaked module reference).
 * The test never unloads the module: the harness's own rmmod step does,
 * after every test program. Built 64-bit and 32-bit; prints TAP.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "tap.h"

static long refcnt(void)
{
	char buf[32];
	ssize_t n;
	int fd = open("/sys/module/axvm/refcnt", O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

static int loaded(void)
{
	struct stat st;

	return !stat("/sys/module/axvm", &st) && !stat("/dev/axvm", &st);
}

/* Try to unload while @what holds the module: both ways must fail. */
static void unload_refused(const char *what, long idle)
{
	int st;

	tap_check(refcnt() > idle, "%s: module refcnt above idle (%ld > %ld)",
		  what, refcnt(), idle);
	st = system("rmmod axvm >/dev/null 2>&1");
	tap_check(st != -1 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0),
		  "%s: `rmmod axvm` fails", what);
	tap_errno(syscall(SYS_delete_module, "axvm", O_NONBLOCK), EWOULDBLOCK,
		  "%s: delete_module(axvm, O_NONBLOCK): EWOULDBLOCK", what);
	tap_check(loaded(), "%s: axvm is still loaded", what);
}

int main(void)
{
	struct axvm_run *run;
	long idle;
	int sys, vm, vcpu, con;

	if (!tap_check(loaded(), "axvm is loaded"))
		return tap_done();
	idle = refcnt();
	tap_check(idle >= 0, "/sys/module/axvm/refcnt readable (%ld)", idle);

	sys = axvm_open();
	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	unload_refused("/dev/axvm open", idle);

	vm = axvm_vm_new(sys, 0, 1, NULL, NULL);
	close(sys);
	if (!tap_check(vm >= 0, "a VM fd, /dev/axvm closed"))
		return tap_done();
	unload_refused("only a VM fd open", idle);
	tap_check(axvm_state(vm) == AXVM_VM_LOADING,
		  "the VM fd still works after the refused unloads");

	vcpu = ioctl(vm, AXVM_CREATE_VCPU, 0);
	con = ioctl(vm, AXVM_GET_CONSOLE_FD, 0);
	close(vm);
	tap_check(vcpu >= 0 && con >= 0, "a vCPU fd and a console fd");
	close(con);
	unload_refused("only a vCPU fd open", idle);

	run = mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	close(vcpu);
	if (tap_check(run != MAP_FAILED, "a vCPU mapping, every fd closed")) {
		unload_refused("only a vCPU mapping left", idle);
		munmap(run, AXVM_RUN_SIZE);
	}

	sys = axvm_open();
	vm = axvm_vm_new(sys, 0, 1, NULL, NULL);
	con = ioctl(vm, AXVM_GET_CONSOLE_FD, 0);
	close(vm);
	close(sys);
	if (tap_check(con >= 0, "a console fd, every other fd closed")) {
		unload_refused("only a console fd open", idle);
		close(con);
	}

	tap_eq(refcnt(), idle, "everything closed: refcnt back to idle");
	tap_check(loaded(), "axvm is still loaded for the harness's rmmod");
	return tap_done();
}
