// SPDX-License-Identifier: GPL-2.0
/*
 * axrun: the smallest VMM that runs the test guests through the ioctl
 * API (guests.tsv says how each one is run and what it must do). Prints
 * the console, then one "RESULT ..." line per vCPU, "ELAPSED <us>".
 *
 *   axrun [-g GPA] [-m MiB] [-M long|protected|real] [-n vCPUs]
 *         [-t timeout-s] [-i line [-d ms | -b]] [-h hypercall-ret]
 *         [-k stop-after-ms] [-R] [-S] [-l] [-F] IMAGE.bin
 *   -i L -d T  inject IRQ line L T ms after START; -b: before the RUN
 *   -R         RESTART once after the VM stops, run again
 *   -S         managed mode: kernel threads run it, poll GET_VM_INFO
 *   -l         log MMIO writes ("MMIO W gpa len value")
 *   -F         SET_SREGS checks, then a guest state VMRUN must refuse
 * Unclaimed port and MMIO reads get all ones.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/axvm.h>

static int vm, cfd;
static unsigned long irq_delay_ms, irq_line = ~0ul;
static int irq_before;
static unsigned long long hc_ret = 0x55;
static int log_mmio, managed, nvcpus = 1, restart, bad_sregs;
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
	struct axvm_irq irq = { .vcpu = 0, .irq = irq_line };

	usleep(irq_delay_ms * 1000);
	if (ioctl(vm, AXVM_IRQ_LINE, &irq))
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
	if (ioctl(vm, AXVM_STOP, 0))
		perror("STOP");
	return NULL;
}

static int run_managed(unsigned int timeout)
{
	struct axvm_vm_info info;
	unsigned int i;

	for (i = 0; i < timeout * 50; i++) {
		usleep(20000);
		drain_console();
		memset(&info, 0, sizeof(info));
		if (ioctl(vm, AXVM_GET_VM_INFO, &info))
			die("GET_VM_INFO");
		if (info.state == AXVM_VM_STOPPED) {
			drain_console();
			printf("RESULT managed stopped reason %u code %#llx exits %llu\n",
			       info.exit_reason, (unsigned long long)info.exit_code,
			       (unsigned long long)info.stats.exits);
			return 0;
		}
	}
	printf("RESULT managed timeout\n");
	ioctl(vm, AXVM_STOP, 0);
	return 124;
}

struct vcpu_ctx {
	int fd;
	int id;
	struct axvm_run *run;
};

static int run_vcpu(struct vcpu_ctx *c)
{
	struct axvm_run *run = c->run;
	unsigned long exits = 0;

	for (;;) {
		int r = ioctl(c->fd, AXVM_RUN, 0);
		int err = errno;

		drain_console();
		errno = err;
		if (r < 0) {
			if (errno == EINTR) {
				printf("RESULT vcpu%d timeout\n", c->id);
				return 124;
			}
			printf("RESULT vcpu%d run-error %s\n", c->id, strerror(errno));
			return 125;
		}
		exits++;
		switch (run->exit_reason) {
		case AXVM_EXIT_IO:
			if (run->io.direction == AXVM_IO_IN)
				run->io.data = 0xffffffff;
			break;
		case AXVM_EXIT_MMIO:
			if (log_mmio && run->mmio.is_write)
				printf("MMIO W %#llx %u %#llx\n",
				       (unsigned long long)run->mmio.gpa,
				       run->mmio.len,
				       (unsigned long long)run->mmio.data);
			if (!run->mmio.is_write)
				run->mmio.data = ~0ULL;
			break;
		case AXVM_EXIT_HYPERCALL:
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
			printf("RESULT vcpu%d exit %#llx\n", c->id,
			       (unsigned long long)run->system_down.code);
			return 0;
		case AXVM_EXIT_SHUTDOWN:
			printf("RESULT vcpu%d shutdown\n", c->id);
			return 126;
		case AXVM_EXIT_FAIL_ENTRY:
			printf("RESULT vcpu%d fail_entry %#llx\n", c->id,
			       (unsigned long long)run->fail_entry.hardware_reason);
			return 126;
		case AXVM_EXIT_INTERNAL_ERROR:
			printf("RESULT vcpu%d internal %u %#llx %#llx %#llx %#llx\n",
			       c->id, run->internal.suberror,
			       (unsigned long long)run->internal.data[0],
			       (unsigned long long)run->internal.data[1],
			       (unsigned long long)run->internal.data[2],
			       (unsigned long long)run->internal.data[3]);
			return 126;
		case AXVM_EXIT_NPF:
			printf("RESULT vcpu%d npf %#llx %#llx\n", c->id,
			       (unsigned long long)run->npf.gpa,
			       (unsigned long long)run->npf.access);
			return 126;
		case AXVM_EXIT_STOPPED:
			printf("RESULT vcpu%d stopped\n", c->id);
			return 0;
		case AXVM_EXIT_HALT:
			break;
		default:
			printf("RESULT vcpu%d exit_reason %u\n", c->id,
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
	struct axvm_memory_region mr = { 0 };
	struct axvm_image im = { 0 };
	struct axvm_device dev = { 0 };
	struct axvm_entry ent = { 0 };
	struct vcpu_ctx ctx[64];
	pthread_t th, vth[64];
	struct stat st;
	struct timespec t0, t1;
	struct sigaction sa = { 0 };
	int sys, fd, opt, i, rc = 0;
	void *buf;

	while ((opt = getopt(argc, argv, "g:m:M:t:i:d:bh:lSn:k:RF")) != -1) {
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
		default:
			return 125;
		}
	}
	image = argv[optind];
	if (!image || nvcpus < 1 || nvcpus > 64) {
		fprintf(stderr, "usage: axrun [options] IMAGE (1-64 vCPUs)\n");
		return 125;
	}
	fd = open(image, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die("image");
	buf = malloc(st.st_size);
	if (read(fd, buf, st.st_size) != st.st_size)
		die("read image");

	sys = open("/dev/axvm", O_RDWR);
	if (sys < 0)
		die("open /dev/axvm");
	cv.max_vcpus = nvcpus;
	if (managed)
		cv.flags = AXVM_VM_MANAGED;
	vm = ioctl(sys, AXVM_CREATE_VM, &cv);
	if (vm < 0)
		die("CREATE_VM");
	mr.gpa = 0;
	mr.size = mem;
	mr.flags = AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC;
	if (ioctl(vm, AXVM_SET_MEMORY_REGION, &mr))
		die("SET_MEMORY_REGION");
	im.buf = (unsigned long)buf;
	im.size = st.st_size;
	im.gpa = gpa;
	im.format = AXVM_IMAGE_RAW;
	if (ioctl(vm, AXVM_LOAD_IMAGE, &im))
		die("LOAD_IMAGE");
	dev.type = AXVM_DEV_UART16550;
	dev.space = AXVM_SPACE_PIO;
	dev.base = 0x3f8;
	dev.length = 8;
	dev.irq = 4;
	strcpy(dev.name, "com1");
	if (ioctl(vm, AXVM_ADD_DEVICE, &dev))
		die("ADD_DEVICE uart");
	memset(&dev, 0, sizeof(dev));
	dev.type = AXVM_DEV_DEBUG_EXIT;
	dev.space = AXVM_SPACE_PIO;
	dev.base = 0xf4;
	dev.length = 4;
	dev.irq = AXVM_IRQ_NONE;
	strcpy(dev.name, "exit");
	if (ioctl(vm, AXVM_ADD_DEVICE, &dev))
		die("ADD_DEVICE exit");
	ent.entry = gpa;
	ent.mode = mode;
	if (ioctl(vm, AXVM_SET_ENTRY, &ent))
		die("SET_ENTRY");
	for (i = 0; i < nvcpus; i++) {
		ctx[i].id = i;
		ctx[i].fd = ioctl(vm, AXVM_CREATE_VCPU, i);
		if (ctx[i].fd < 0)
			die("CREATE_VCPU");
		if (managed)
			continue;
		ctx[i].run = mmap(NULL, AXVM_RUN_SIZE, PROT_READ | PROT_WRITE,
				  MAP_SHARED, ctx[i].fd, 0);
		if (ctx[i].run == MAP_FAILED)
			die("mmap run");
	}
	cfd = ioctl(vm, AXVM_GET_CONSOLE_FD, 0);
	if (cfd < 0)
		die("GET_CONSOLE_FD");
	fcntl(cfd, F_SETFL, O_NONBLOCK);
	if (ioctl(vm, AXVM_FINALIZE, 0))
		die("FINALIZE");
	if (ioctl(vm, AXVM_START, 0))
		die("START");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (irq_line != ~0ul && irq_before) {
		struct axvm_irq irq = { .vcpu = 0, .irq = irq_line };

		if (ioctl(vm, AXVM_IRQ_LINE, &irq))
			die("IRQ_LINE");
	} else if (irq_line != ~0ul) {
		pthread_create(&th, NULL, irq_thread, NULL);
	}
	if (stop_ms)
		pthread_create(&th, NULL, stop_thread, NULL);
	if (bad_sregs) {
		struct axvm_sregs sr;

		if (ioctl(ctx[0].fd, AXVM_GET_SREGS, &sr))
			die("GET_SREGS");
		sr.efer |= 1 << 12;	/* SVME: refused */
		if (!ioctl(ctx[0].fd, AXVM_SET_SREGS, &sr) || errno != EINVAL)
			printf("SET_SREGS with EFER.SVME not refused\n");
		sr.efer &= ~(1ULL << 12);
		sr.reserved[0] = 1;
		if (!ioctl(ctx[0].fd, AXVM_SET_SREGS, &sr) || errno != EINVAL)
			printf("SET_SREGS with reserved set not refused\n");
		sr.reserved[0] = 0;
		sr.cs.attrib |= 0x400;	/* L and D: VMRUN refuses */
		if (ioctl(ctx[0].fd, AXVM_SET_SREGS, &sr))
			die("SET_SREGS");
	}
	if (managed) {
		rc = run_managed(timeout);
		ioctl(vm, AXVM_DESTROY, 0);
		return rc;
	}
	sa.sa_handler = on_alarm;	/* no SA_RESTART: RUN returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	alarm(timeout);
again:
	if (nvcpus == 1) {
		rc = run_vcpu(&ctx[0]);
	} else {
		for (i = 0; i < nvcpus; i++)
			pthread_create(&vth[i], NULL, vcpu_thread, &ctx[i]);
		for (i = 0; i < nvcpus; i++) {
			void *r;

			pthread_join(vth[i], &r);
			if ((long)r)
				rc = (long)r;
		}
	}
	drain_console();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("ELAPSED %lld us\n", (long long)((t1.tv_sec - t0.tv_sec) * 1000000LL +
					(t1.tv_nsec - t0.tv_nsec) / 1000));
	if (restart) {
		restart = 0;
		if (ioctl(vm, AXVM_RESTART, 0))
			die("RESTART");
		printf("RESTARTED\n");
		goto again;
	}
	if (rc == 124 && ioctl(vm, AXVM_STOP, 0))
		printf("STOP failed: %s\n", strerror(errno));
	return rc;
}
