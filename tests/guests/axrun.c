// SPDX-License-Identifier: GPL-2.0
/*
 * axrun: the smallest VMM that runs the test guests through the ioctl
 * API (guests.tsv says how each one is run and what it must do). Prints
 * the console, then one "RESULT ..." line per vCPU, "ELAPSED <us>".
 *
 *   axrun [-g GPA] [-m MiB] [-M long|protected|real] [-n vCPUs]
 *         [-t timeout-s] [-i line [-d ms | -b]] [-h hypercall-ret]
 *         [-k stop-after-ms] [-R] [-S] [-l] [-F] [-P] [-r] [-N] IMAGE.bin
 *   -i L -d T  inject IRQ line L T ms after START; -b: before the RUN
 *   -R         RESTART once after the VM stops, run again
 *   -S         managed mode: kernel threads run it, poll GET_VM_INFO
 *   -l         log MMIO writes ("MMIO W gpa len value")
 *   -F         SET_SREGS checks, then a guest state VMRUN must refuse
 *   -P         the PC platform (AXVM_VM_PLATFORM_PC): APs wait for SIPI;
 *              hypercall 0x100 (gsi, level) does AXVM_SET_GSI and 0x101
 *              (address, data) AXVM_SIGNAL_MSI, RAX = 0 or -errno
 *   -r         reboot: after a reset (port 0xcf9), RESTART and run again,
 *              as axvmctl run does (a few times at most); without it a
 *              reset ends the run ("RESULT vcpuN reset"). Managed mode:
 *              the kernel reboots the VM itself
 *   -N         managed mode: create with AXVM_VM_NO_REBOOT (a reset
 *              stops the VM)
 * In VMM mode, once every vCPU is done: "RESULT vm stopped reason R code
 * C" from GET_VM_INFO (R: enum axvm_stop_reason, 6 poweroff, 7 reset).
 * Unclaimed port and MMIO reads get all ones. The VM is built with
 * libaxvm (tools/lib/axvm/axvm.h): RAM at 0, COM1, debug-exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <axvm/axvm.h>

#define MAX_REBOOTS	4	/* -r: reboots in one run at most */

static struct axvm_vm vm;
static int cfd;
static unsigned long irq_delay_ms, irq_line = ~0ul;
static int irq_before;
static unsigned long long hc_ret = 0x55;
static int log_mmio, managed, nvcpus = 1, restart, bad_sregs, platform;
static int reboot, no_reboot, reset_seen;
static unsigned long stop_ms;

static void die(const char *what)
{
	printf("ERROR %s: %s\n", what, strerror(errno));
	exit(125);
}

static void drain_console(void)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(cfd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	fflush(stdout);
}

static void *irq_thread(void *arg)
{
	(void)arg;
	usleep(irq_delay_ms * 1000);
	if (axvm_vm__irq_line(&vm, 0, irq_line))
		perror("IRQ_LINE");
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void *stop_thread(void *arg)
{
	(void)arg;
	usleep(stop_ms * 1000);
	if (axvm_vm__stop(&vm))
		perror("STOP");
	return NULL;
}

/*
 * Why the VM stopped, once every vCPU thread is done (VMM mode); a reset
 * whichever exit each vCPU saw (as axvmctl run decides).
 */
static void print_stop(void)
{
	struct axvm_vm_info info;

	memset(&info, 0, sizeof(info));
	if (axvm_vm__info(&vm, &info) || info.state != AXVM_VM_STOPPED)
		return;
	printf("RESULT vm stopped reason %u code %#llx\n", info.exit_reason,
	       (unsigned long long)info.exit_code);
	if (info.exit_reason == AXVM_STOP_RESET)
		reset_seen = 1;
}

static int run_managed(unsigned int timeout)
{
	struct axvm_vm_info info;
	unsigned int i;

	for (i = 0; i < timeout * 50; i++) {
		usleep(20000);
		drain_console();
		memset(&info, 0, sizeof(info));
		if (axvm_vm__info(&vm, &info))
			die("GET_VM_INFO");
		/* A reset the kernel is about to reboot from: not the end. */
		if (info.state == AXVM_VM_STOPPED && reboot &&
		    info.exit_reason == AXVM_STOP_RESET)
			continue;
		if (info.state == AXVM_VM_STOPPED) {
			drain_console();
			printf("RESULT managed stopped reason %u code %#llx exits %llu\n",
			       info.exit_reason, (unsigned long long)info.exit_code,
			       (unsigned long long)info.stats.exits);
			return 0;
		}
	}
	printf("RESULT managed timeout\n");
	axvm_vm__stop(&vm);
	return 124;
}

/* The guest's way to a userspace device's interrupt line and MSI. */
#define HC_SET_GSI	0x100
#define HC_SIGNAL_MSI	0x101

static bool platform_hypercall(struct axvm_run *run)
{
	const __u64 *a = run->hypercall.args;
	struct axvm_gsi gsi = { .gsi = a[0], .level = a[1] };
	struct axvm_msi msi = { .address = a[0], .data = a[1] };
	int r;

	if (run->hypercall.nr == HC_SET_GSI)
		r = ioctl(vm.fd, AXVM_SET_GSI, &gsi);
	else if (run->hypercall.nr == HC_SIGNAL_MSI)
		r = ioctl(vm.fd, AXVM_SIGNAL_MSI, &msi);
	else
		return false;
	run->hypercall.ret = r ? -(long long)errno : 0;
	return true;
}

static int run_vcpu(struct axvm_vcpu *c)
{
	struct axvm_run *run = c->run;

	for (;;) {
		int r = axvm_vcpu__run(c);
		int err = errno;

		drain_console();
		errno = err;
		if (r < 0) {
			printf("RESULT vcpu%u run-error %s\n", c->id,
			       strerror(errno));
			return 125;
		}
		switch (run->exit_reason) {
		case AXVM_EXIT_INTR:	/* the alarm */
			printf("RESULT vcpu%u timeout\n", c->id);
			return 124;
		case AXVM_EXIT_IO:
			axvm_exit_unclaimed(run);
			break;
		case AXVM_EXIT_MMIO:
			if (log_mmio && run->mmio.is_write)
				printf("MMIO W %#llx %u %#llx\n",
				       (unsigned long long)run->mmio.gpa,
				       run->mmio.len,
				       (unsigned long long)run->mmio.data);
			axvm_exit_unclaimed(run);
			break;
		case AXVM_EXIT_HYPERCALL:
			if (platform && platform_hypercall(run))
				break;
			printf("HYPERCALL nr %#llx args %llu %llu %llu %llu %llu %llu\n",
			       (unsigned long long)run->hypercall.nr,
			       (unsigned long long)run->hypercall.args[0],
			       (unsigned long long)run->hypercall.args[1],
			       (unsigned long long)run->hypercall.args[2],
			       (unsigned long long)run->hypercall.args[3],
			       (unsigned long long)run->hypercall.args[4],
			       (unsigned long long)run->hypercall.args[5]);
			run->hypercall.ret = hc_ret;
			break;
		case AXVM_EXIT_SYSTEM_DOWN:
			printf("RESULT vcpu%u exit %#llx\n", c->id,
			       (unsigned long long)run->system_down.code);
			return 0;
		case AXVM_EXIT_SHUTDOWN:
			printf("RESULT vcpu%u shutdown\n", c->id);
			return 126;
		case AXVM_EXIT_FAIL_ENTRY:
			printf("RESULT vcpu%u fail_entry %#llx\n", c->id,
			       (unsigned long long)run->fail_entry.hardware_reason);
			return 126;
		case AXVM_EXIT_INTERNAL_ERROR:
			printf("RESULT vcpu%u internal %u %#llx %#llx %#llx %#llx\n",
			       c->id, run->internal.suberror,
			       (unsigned long long)run->internal.data[0],
			       (unsigned long long)run->internal.data[1],
			       (unsigned long long)run->internal.data[2],
			       (unsigned long long)run->internal.data[3]);
			return 126;
		case AXVM_EXIT_NPF:
			printf("RESULT vcpu%u npf %#llx %#llx\n", c->id,
			       (unsigned long long)run->npf.gpa,
			       (unsigned long long)run->npf.access);
			return 126;
		case AXVM_EXIT_STOPPED:
			printf("RESULT vcpu%u stopped\n", c->id);
			return 0;
		case AXVM_EXIT_RESET:
			printf("RESULT vcpu%u reset\n", c->id);
			reset_seen = 1;
			return 0;
		case AXVM_EXIT_HALT:
			break;
		default:
			printf("RESULT vcpu%u exit_reason %u\n", c->id,
			       run->exit_reason);
			return 125;
		}
	}
}

static void *vcpu_thread(void *arg)
{
	return (void *)(long)run_vcpu(arg);
}

int main(int argc, char **argv)
{
	unsigned long long gpa = 0x100000, mem = 64 << 20;
	unsigned int mode = AXVM_MODE_LONG, timeout = 20;
	const char *image = NULL;
	struct axvm_create_vm cv = { .max_vcpus = 1 };
	struct axvm_vcpu *vcpu0;
	pthread_t th, vth[64];
	struct timespec t0, t1;
	struct sigaction sa = { 0 };
	int sys, opt, i, rc = 0, reboots = 0;
	size_t size;
	void *buf;

	while ((opt = getopt(argc, argv, "g:m:M:t:i:d:bh:lSn:k:RFPrN")) != -1) {
		switch (opt) {
		case 'g':
			gpa = strtoull(optarg, NULL, 0);
			break;
		case 'm':
			mem = strtoull(optarg, NULL, 0) << 20;
			break;
		case 'M':
			mode = !strcmp(optarg, "real") ? AXVM_MODE_REAL :
			       !strcmp(optarg, "protected") ?
			       AXVM_MODE_PROTECTED : AXVM_MODE_LONG;
			break;
		case 't':
			timeout = atoi(optarg);
			break;
		case 'i':
			irq_line = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			irq_delay_ms = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			irq_before = 1;
			break;
		case 'h':
			hc_ret = strtoull(optarg, NULL, 0);
			break;
		case 'l':
			log_mmio = 1;
			break;
		case 'S':
			managed = 1;
			break;
		case 'n':
			nvcpus = atoi(optarg);
			break;
		case 'k':
			stop_ms = strtoul(optarg, NULL, 0);
			break;
		case 'R':
			restart = 1;
			break;
		case 'F':
			bad_sregs = 1;
			break;
		case 'P':
			platform = 1;
			break;
		case 'r':
			reboot = 1;
			break;
		case 'N':
			no_reboot = 1;
			break;
		default:
			return 125;
		}
	}
	image = argv[optind];
	if (!image || nvcpus < 1 || nvcpus > 64) {
		fprintf(stderr, "usage: axrun [options] IMAGE (1-64 vCPUs)\n");
		return 125;
	}
	if (axvm_image_read(image, &buf, &size))
		die("image");

	sys = axvm_open();
	if (sys < 0)
		die("open /dev/axvm");
	cv.max_vcpus = nvcpus;
	if (managed)
		cv.flags |= AXVM_VM_MANAGED;
	if (platform)
		cv.flags |= AXVM_VM_PLATFORM_PC;
	if (managed && no_reboot)
		cv.flags |= AXVM_VM_NO_REBOOT;
	if (axvm_vm__create(&vm, sys, &cv))
		die("CREATE_VM");
	if (axvm_vm__add_ram(&vm, 0, mem, AXVM_MEM_READ | AXVM_MEM_WRITE |
			     AXVM_MEM_EXEC))
		die("SET_MEMORY_REGION");
	if (axvm_vm__load_raw(&vm, gpa, buf, size))
		die("LOAD_IMAGE");
	if (axvm_vm__add_device(&vm, &axvm_dev_com1))
		die("ADD_DEVICE uart");
	if (axvm_vm__add_device(&vm, &axvm_dev_debug_exit))
		die("ADD_DEVICE exit");
	if (axvm_vm__set_entry(&vm, gpa, mode))
		die("SET_ENTRY");
	/* In VMM mode each vCPU's run structure is mapped with it. */
	for (i = 0; i < nvcpus; i++)
		if (!axvm_vm__add_vcpu(&vm, i))
			die("CREATE_VCPU");
	vcpu0 = &vm.vcpus[0];
	cfd = axvm_vm__console(&vm, O_NONBLOCK);
	if (cfd < 0)
		die("GET_CONSOLE_FD");
	if (axvm_vm__finalize(&vm))
		die("FINALIZE");
	if (axvm_vm__start(&vm))
		die("START");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (irq_line != ~0ul && irq_before) {
		if (axvm_vm__irq_line(&vm, 0, irq_line))
			die("IRQ_LINE");
	} else if (irq_line != ~0ul) {
		pthread_create(&th, NULL, irq_thread, NULL);
	}
	if (stop_ms)
		pthread_create(&th, NULL, stop_thread, NULL);
	if (bad_sregs) {
		struct axvm_sregs sr;

		if (axvm_vcpu__get_sregs(vcpu0, &sr))
			die("GET_SREGS");
		sr.efer |= 1 << 12;	/* SVME: refused */
		if (!axvm_vcpu__set_sregs(vcpu0, &sr) || errno != EINVAL)
			printf("SET_SREGS with EFER.SVME not refused\n");
		sr.efer &= ~(1ULL << 12);
		sr.reserved[0] = 1;
		if (!axvm_vcpu__set_sregs(vcpu0, &sr) || errno != EINVAL)
			printf("SET_SREGS with reserved set not refused\n");
		sr.reserved[0] = 0;
		sr.cs.attrib |= 0x400;	/* L and D: VMRUN refuses */
		if (axvm_vcpu__set_sregs(vcpu0, &sr))
			die("SET_SREGS");
	}
	if (managed) {
		rc = run_managed(timeout);
		axvm_vm__destroy(&vm);
		return rc;
	}
	sa.sa_handler = on_alarm;	/* no SA_RESTART: RUN returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	alarm(timeout);
again:
	if (nvcpus == 1) {
		rc = run_vcpu(vcpu0);
	} else {
		for (i = 0; i < nvcpus; i++)
			pthread_create(&vth[i], NULL, vcpu_thread, &vm.vcpus[i]);
		for (i = 0; i < nvcpus; i++) {
			void *r;

			pthread_join(vth[i], &r);
			if ((long)r)
				rc = (long)r;
		}
	}
	drain_console();
	print_stop();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("ELAPSED %lld us\n", (long long)((t1.tv_sec - t0.tv_sec) * 1000000LL +
					(t1.tv_nsec - t0.tv_nsec) / 1000));
	if (reset_seen && reboot && rc == 0 && reboots < MAX_REBOOTS) {
		reset_seen = 0;
		reboots++;
		if (axvm_vm__restart(&vm))
			die("RESTART");
		printf("REBOOTED\n");
		goto again;
	}
	if (restart) {
		restart = 0;
		if (axvm_vm__restart(&vm))
			die("RESTART");
		printf("RESTARTED\n");
		goto again;
	}
	if (rc == 124 && axvm_vm__stop(&vm))
		printf("STOP failed: %s\n", strerror(errno));
	return rc;
}
