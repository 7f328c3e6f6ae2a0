// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_vcpu: the run loop on the fake arch and the fake HAL: each exit
 * kind in VMM and managed mode, completions on the next RUN, HLT and
 * its wakeups, immediate_exit and signals, injection, the kick
 * protocol, should_exit, and the statistics.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <uapi/linux/axvm.h>
#include "axvm.h"
#include "vm.h"
#include "fake_hal.h"
#include "fake_arch.h"
#include "suites.h"

/* A port and an MMIO address no device claims. */
#define FREE_PORT	0x80
#define FREE_MMIO	0xfed00000ULL

struct vcpu_test {
	struct axvm_fake_hal *fh;
	struct axvm_fake_arch *fa;
};

static int vcpu_test_init(struct kunit *test)
{
	struct vcpu_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->fh = axvm_fake_hal_new(test);
	t->fa = axvm_fake_arch_new(test);
	test->priv = t;
	return 0;
}

static struct axvm_fake_hal *fh_of(struct kunit *test)
{
	return ((struct vcpu_test *)test->priv)->fh;
}

static struct axvm *new_vm(struct kunit *test, bool managed, u32 max_vcpus)
{
	struct axvm_fake_arch *fa = ((struct vcpu_test *)test->priv)->fa;

	/* Managed vCPU threads halt once their script is done. */
	if (managed)
		fa->dry = AXVM_FAKE_EXIT(AXVM_VEXIT_HALT);
	return axvm_fake_vm_new(test, fa, &fh_of(test)->ops,
				managed ? AXVM_VM_MANAGED : 0, max_vcpus,
				NULL);
}

static void add_dev(struct kunit *test, struct axvm *vm, u32 type, u32 space,
		    u64 base, u64 length)
{
	struct axvm_device d = {
		.type = type, .space = space, .base = base, .length = length,
		.irq = AXVM_IRQ_NONE,
	};

	KUNIT_ASSERT_EQ(test, axvm_vm_add_device(vm, &d), 0);
}

/* Finalize: the vCPUs exist (scripts can be pushed), not started yet. */
static struct axvm_fake_vcpu *finalize(struct kunit *test, struct axvm *vm)
{
	axvm_fake_vm_finalize(test, vm);
	return axvm_fake_vcpu(vm->vcpus[0]);
}

static void start(struct kunit *test, struct axvm *vm)
{
	KUNIT_ASSERT_EQ(test, axvm_vm_start(vm), 0);
}

static void info_of(struct axvm *vm, struct axvm_vm_info *info)
{
	axvm_vm_info(vm, info);
}

/* A VMM-mode VM with one vCPU, running, whose script is @exits. */
static struct axvm *vmm_running(struct kunit *test,
				const struct axvm_vexit *exits, unsigned int n)
{
	struct axvm *vm = new_vm(test, false, 1);
	struct axvm_fake_vcpu *fv = finalize(test, vm);
	unsigned int i;

	for (i = 0; i < n; i++)
		KUNIT_ASSERT_TRUE(test, axvm_fake_push(fv, exits[i]));
	start(test, vm);
	return vm;
}

/* ---- port I/O ------------------------------------------------------------ */

static void vcpu_io_out_handled_by_device(struct kunit *test)
{
	struct axvm_vm_info info;
	struct axvm_fake_vcpu *fv;
	struct axvm_run *run;
	struct axvm *vm;

	vm = new_vm(test, false, 1);
	add_dev(test, vm, AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_PIO, 0xf4, 4);
	fv = finalize(test, vm);
	axvm_fake_push(fv, AXVM_FAKE_IO(0xf4, 1, false, 0x42));
	start(test, vm);
	run = vm->vcpus[0]->run;

	KUNIT_EXPECT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, run->exit_reason, AXVM_EXIT_SYSTEM_DOWN);
	KUNIT_EXPECT_EQ(test, run->system_down.code, 0x42LL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fv->entries), 1);
	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)AXVM_VM_STOPPED);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_DEBUG_EXIT);
	KUNIT_EXPECT_EQ(test, info.exit_code, 0x42LL);
	KUNIT_EXPECT_EQ(test, info.stats.io_exits, 1ULL);
	KUNIT_EXPECT_EQ(test, info.stats.unhandled_io, 0ULL);
}

static void vcpu_io_in_handled_by_device(struct kunit *test)
{
	struct axvm_fake_vcpu *fv;
	struct axvm *vm;

	vm = new_vm(test, false, 1);
	add_dev(test, vm, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0x3f8, 8);
	fv = finalize(test, vm);
	axvm_fake_push(fv, AXVM_FAKE_IO(0x3fd, 1, true, 0));	/* LSR */
	axvm_fake_push(fv, AXVM_FAKE_IO(FREE_PORT, 1, false, 0));
	start(test, vm);

	KUNIT_EXPECT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	/* Completed in the kernel; RUN went on to the next exit. */
	KUNIT_EXPECT_EQ(test, vm->vcpus[0]->run->io.port, FREE_PORT);
	KUNIT_ASSERT_EQ(test, fv->nr_io_in, 1U);
	/* Transmitter empty: THRE and TEMT (DESIGN.md §4). */
	KUNIT_EXPECT_EQ(test, fv->io_in[0] & 0x60, 0x60U);
}

static void vcpu_io_in_unhandled_vmm(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_IO(0x71, 2, true, 0x5555),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vm->vcpus[0]);
	struct axvm_run *run = vm->vcpus[0]->run;

	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, run->exit_reason, AXVM_EXIT_IO);
	KUNIT_EXPECT_EQ(test, run->io.direction, AXVM_IO_IN);
	KUNIT_EXPECT_EQ(test, run->io.port, 0x71);
	KUNIT_EXPECT_EQ(test, run->io.size, 2);
	KUNIT_EXPECT_EQ(test, run->io.count, 1U);
	/* Nothing is completed until userspace answers. */
	KUNIT_EXPECT_EQ(test, fv->nr_io_in, 0U);

	run->io.data = 0xbeef;
	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_ASSERT_EQ(test, fv->nr_io_in, 1U);
	KUNIT_EXPECT_EQ(test, fv->io_in[0], 0xbeefU);
	/* The completion came before the second entry, and only once. */
	KUNIT_EXPECT_EQ(test, atomic_read(&fv->entries), 2);
	axvm_fake_push(fv, AXVM_FAKE_IO(FREE_PORT, 1, false, 0));
	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, fv->nr_io_in, 1U);
}

static void vcpu_io_out_unhandled_vmm(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_IO(FREE_PORT, 4, false, 0x12345678),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vm->vcpus[0]);
	struct axvm_run *run = vm->vcpus[0]->run;
	struct axvm_vm_info info;

	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, run->exit_reason, AXVM_EXIT_IO);
	KUNIT_EXPECT_EQ(test, run->io.direction, AXVM_IO_OUT);
	KUNIT_EXPECT_EQ(test, run->io.size, 4);
	KUNIT_EXPECT_EQ(test, run->io.data, 0x12345678ULL);
	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	/* An OUT has nothing to complete. */
	KUNIT_EXPECT_EQ(test, fv->nr_io_in, 0U);
	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.stats.unhandled_io, 2ULL);
}

static void vcpu_io_unhandled_managed_all_ones(struct kunit *test)
{
	struct axvm_fake_vcpu *fv;
	struct axvm_vm_info info;
	struct axvm *vm;

	vm = new_vm(test, true, 1);
	fv = finalize(test, vm);
	axvm_fake_push(fv, AXVM_FAKE_IO(0x71, 2, true, 0));
	axvm_fake_push(fv, AXVM_FAKE_IO(0x72, 1, true, 0));
	axvm_fake_push(fv, AXVM_FAKE_IO(0x73, 4, true, 0));
	axvm_fake_push(fv, AXVM_FAKE_IO(FREE_PORT, 1, false, 0xaa));
	start(test, vm);

	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(
		READ_ONCE(vm->vcpus[0]->state) == AXVM_VCPU_BLOCKED, 5000));
	KUNIT_ASSERT_EQ(test, fv->nr_io_in, 3U);
	KUNIT_EXPECT_EQ(test, fv->io_in[0], 0xffffU);
	KUNIT_EXPECT_EQ(test, fv->io_in[1], 0xffU);
	KUNIT_EXPECT_EQ(test, fv->io_in[2], 0xffffffffU);
	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)AXVM_VM_RUNNING);
	KUNIT_EXPECT_EQ(test, info.stats.unhandled_io, 4ULL);
}

/* ---- MMIO ---------------------------------------------------------------- */

static void vcpu_mmio_read_unhandled_vmm(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_MMIO(FREE_MMIO, 8, false, 0),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vm->vcpus[0]);
	struct axvm_run *run = vm->vcpus[0]->run;

	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, run->exit_reason, AXVM_EXIT_MMIO);
	KUNIT_EXPECT_EQ(test, run->mmio.gpa, FREE_MMIO);
	KUNIT_EXPECT_EQ(test, run->mmio.len, 8U);
	KUNIT_EXPECT_EQ(test, run->mmio.is_write, 0);
	KUNIT_EXPECT_EQ(test, fv->nr_mmio_in, 0U);

	run->mmio.data = 0x1122334455667788ULL;
	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_ASSERT_EQ(test, fv->nr_mmio_in, 1U);
	KUNIT_EXPECT_EQ(test, fv->mmio_in[0], 0x1122334455667788ULL);
}

static void vcpu_mmio_write_unhandled_vmm(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_MMIO(FREE_MMIO + 4, 4, true, 0xcafef00d),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vm->vcpus[0]);
	struct axvm_run *run = vm->vcpus[0]->run;

	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, run->exit_reason, AXVM_EXIT_MMIO);
	KUNIT_EXPECT_EQ(test, run->mmio.gpa, FREE_MMIO + 4);
	KUNIT_EXPECT_EQ(test, run->mmio.len, 4U);
	KUNIT_EXPECT_EQ(test, run->mmio.is_write, 1);
	KUNIT_EXPECT_EQ(test, run->mmio.data, 0xcafef00dULL);
	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, fv->nr_mmio_in, 0U);
}

static void vcpu_mmio_handled_by_device(struct kunit *test)
{
	struct axvm_fake_vcpu *fv;
	struct axvm_vm_info info;
	struct axvm *vm;

	vm = new_vm(test, false, 1);
	add_dev(test, vm, AXVM_DEV_DEBUG_EXIT, AXVM_SPACE_MMIO, 0xd0000000, 4);
	fv = finalize(test, vm);
	axvm_fake_push(fv, AXVM_FAKE_MMIO(0xd0000000, 4, false, 0));
	axvm_fake_push(fv, AXVM_FAKE_MMIO(0xd0000000, 2, true, 0x1234));
	start(test, vm);

	KUNIT_EXPECT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, vm->vcpus[0]->run->exit_reason,
			AXVM_EXIT_SYSTEM_DOWN);
	KUNIT_ASSERT_EQ(test, fv->nr_mmio_in, 1U);
	KUNIT_EXPECT_EQ(test, fv->mmio_in[0], 0ULL);	/* debug-exit reads 0 */
	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.exit_code, 0x1234LL);
	KUNIT_EXPECT_EQ(test, info.stats.mmio_exits, 2ULL);
	KUNIT_EXPECT_EQ(test, info.stats.unhandled_mmio, 0ULL);
}

static void vcpu_mmio_unhandled_managed_all_ones(struct kunit *test)
{
	struct axvm_fake_vcpu *fv;
	struct axvm_vm_info info;
	struct axvm *vm;

	vm = new_vm(test, true, 1);
	fv = finalize(test, vm);
	axvm_fake_push(fv, AXVM_FAKE_MMIO(FREE_MMIO, 1, false, 0));
	axvm_fake_push(fv, AXVM_FAKE_MMIO(FREE_MMIO, 2, false, 0));
	axvm_fake_push(fv, AXVM_FAKE_MMIO(FREE_MMIO, 4, false, 0));
	axvm_fake_push(fv, AXVM_FAKE_MMIO(FREE_MMIO, 8, false, 0));
	axvm_fake_push(fv, AXVM_FAKE_MMIO(FREE_MMIO, 8, true, 1));
	start(test, vm);

	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(
		READ_ONCE(vm->vcpus[0]->state) == AXVM_VCPU_BLOCKED, 5000));
	KUNIT_ASSERT_EQ(test, fv->nr_mmio_in, 4U);
	KUNIT_EXPECT_EQ(test, fv->mmio_in[0], 0xffULL);
	KUNIT_EXPECT_EQ(test, fv->mmio_in[1], 0xffffULL);
	KUNIT_EXPECT_EQ(test, fv->mmio_in[2], 0xffffffffULL);
	KUNIT_EXPECT_EQ(test, fv->mmio_in[3], ~0ULL);
	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)AXVM_VM_RUNNING);
	KUNIT_EXPECT_EQ(test, info.stats.unhandled_mmio, 5ULL);
}

static void vcpu_npf_vmm_exits(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_NPF(0xe0000000, AXVM_MEM_WRITE),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_run *run = vm->vcpus[0]->run;

	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, run->exit_reason, AXVM_EXIT_NPF);
	KUNIT_EXPECT_EQ(test, run->npf.gpa, 0xe0000000ULL);
	KUNIT_EXPECT_EQ(test, run->npf.access, (u64)AXVM_MEM_WRITE);
	/* Userspace decides; the VM goes on. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(vm->state), AXVM_VM_RUNNING);
	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, run->exit_reason, AXVM_EXIT_IO);
}

static void vcpu_npf_managed_stops_vm(struct kunit *test)
{
	struct axvm_fake_vcpu *fv;
	struct axvm_vm_info info;
	struct axvm *vm;

	vm = new_vm(test, true, 1);
	fv = finalize(test, vm);
	axvm_fake_push(fv, AXVM_FAKE_NPF(0xe0000000, AXVM_MEM_READ));
	start(test, vm);

	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(
		READ_ONCE(vm->state) == AXVM_VM_STOPPED, 5000));
	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_INTERNAL_ERROR);
	KUNIT_EXPECT_EQ(test, info.exit_code,
			(s64)AXVM_INTERNAL_ERROR_DECODE);
}

/* ---- hypercalls ---------------------------------------------------------- */

static void vcpu_hypercall_vmm(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_HYPERCALL(7, 0x11, 0x22),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vm->vcpus[0]);
	struct axvm_run *run = vm->vcpus[0]->run;

	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, run->exit_reason, AXVM_EXIT_HYPERCALL);
	KUNIT_EXPECT_EQ(test, run->hypercall.nr, 7ULL);
	KUNIT_EXPECT_EQ(test, run->hypercall.args[0], 0x11ULL);
	KUNIT_EXPECT_EQ(test, run->hypercall.args[1], 0x22ULL);
	KUNIT_EXPECT_EQ(test, run->hypercall.args[5], 0ULL);
	KUNIT_EXPECT_EQ(test, fv->nr_hc, 0U);

	run->hypercall.ret = 99;
	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_ASSERT_EQ(test, fv->nr_hc, 1U);
	KUNIT_EXPECT_EQ(test, fv->hc_ret[0], 99ULL);
}

static void vcpu_hypercall_managed_enosys(struct kunit *test)
{
	struct axvm_fake_vcpu *fv;
	struct axvm_vm_info info;
	struct axvm *vm;

	vm = new_vm(test, true, 1);
	fv = finalize(test, vm);
	axvm_fake_push(fv, AXVM_FAKE_HYPERCALL(12345, 0, 0));
	start(test, vm);

	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(
		READ_ONCE(vm->vcpus[0]->state) == AXVM_VCPU_BLOCKED, 5000));
	KUNIT_ASSERT_EQ(test, fv->nr_hc, 1U);
	/* DESIGN.md §4: unknown numbers get -38 in RAX in managed mode. */
	KUNIT_EXPECT_EQ(test, fv->hc_ret[0], (u64)-38);
	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.stats.hypercalls, 1ULL);
	KUNIT_EXPECT_EQ(test, info.state, (u32)AXVM_VM_RUNNING);
}

/* ---- fatal exits ----------------------------------------------------------- */

static void vcpu_shutdown_stops_vm(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_EXIT(AXVM_VEXIT_SHUTDOWN),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vm->vcpus[0]);
	struct axvm_run *run = vm->vcpus[0]->run;
	struct axvm_vm_info info;

	KUNIT_EXPECT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, run->exit_reason, AXVM_EXIT_SHUTDOWN);
	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)AXVM_VM_STOPPED);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_SHUTDOWN);
	/* RUN again: the same answer, and the guest is not entered. */
	KUNIT_EXPECT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, run->exit_reason, AXVM_EXIT_SHUTDOWN);
	KUNIT_EXPECT_EQ(test, atomic_read(&fv->entries), 1);
}

static void vcpu_fail_entry_invalidates(struct kunit *test)
{
	const struct axvm_vexit exits[] = { AXVM_FAKE_FAIL_ENTRY(0x1234) };
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];
	struct axvm_vm_info info;

	KUNIT_EXPECT_EQ(test, axvm_fake_run(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXVM_EXIT_FAIL_ENTRY);
	KUNIT_EXPECT_EQ(test, vcpu->run->fail_entry.hardware_reason, 0x1234ULL);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVM_VCPU_INVALID);
	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)AXVM_VM_STOPPED);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_FAIL_ENTRY);
	KUNIT_EXPECT_EQ(test, info.exit_code, 0x1234LL);
	KUNIT_EXPECT_EQ(test, axvm_fake_run(vcpu), -EBADFD);
}

static void vcpu_restart_revives_invalid(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_FAIL_ENTRY(1),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];

	KUNIT_ASSERT_EQ(test, axvm_fake_run(vcpu), 0);
	KUNIT_ASSERT_EQ(test, vcpu->state, AXVM_VCPU_INVALID);
	KUNIT_ASSERT_EQ(test, axvm_vm_restart(vm), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVM_VCPU_READY);
	KUNIT_EXPECT_EQ(test, axvm_fake_run(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXVM_EXIT_IO);
}

static void vcpu_internal_error_stops_vm(struct kunit *test)
{
	const struct axvm_vexit exits[] = { AXVM_FAKE_INTERNAL(5) };
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_run *run = vm->vcpus[0]->run;
	struct axvm_vm_info info;

	KUNIT_EXPECT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	KUNIT_EXPECT_EQ(test, run->exit_reason, AXVM_EXIT_INTERNAL_ERROR);
	KUNIT_EXPECT_EQ(test, run->internal.suberror, 5U);
	KUNIT_EXPECT_EQ(test, run->internal.data[0], 1ULL);
	KUNIT_EXPECT_EQ(test, run->internal.data[3], 4ULL);
	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)AXVM_VM_STOPPED);
	KUNIT_EXPECT_EQ(test, info.exit_reason, AXVM_STOP_INTERNAL_ERROR);
	KUNIT_EXPECT_EQ(test, info.exit_code, 5LL);
}

static void vcpu_run_error_returned(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];

	axvm_fake_vcpu(vcpu)->run_err = -EIO;
	KUNIT_EXPECT_EQ(test, axvm_fake_run(vcpu), -EIO);
	/* A host failure is not the vCPU's: it can run again. */
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVM_VCPU_READY);
	KUNIT_EXPECT_EQ(test, axvm_fake_run(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXVM_EXIT_IO);
}

static void vcpu_handle_exit_error_returned(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];

	axvm_fake_vcpu(vcpu)->handle_err = -EFAULT;
	KUNIT_EXPECT_EQ(test, axvm_fake_run(vcpu), -EFAULT);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVM_VCPU_READY);
	KUNIT_EXPECT_EQ(test, READ_ONCE(vm->state), AXVM_VM_RUNNING);
}

static void vcpu_run_needs_reset_vcpu(struct kunit *test)
{
	struct axvm *vm = new_vm(test, false, 1);
	struct axvm_vcpu *vcpu;

	KUNIT_ASSERT_EQ(test, axvm_vm_create_vcpu(vm, 0, &vcpu), 0);
	/* Created but never reset (the VM is still loading). */
	KUNIT_EXPECT_EQ(test, axvm_fake_run(vcpu), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&axvm_fake_vcpu(vcpu)->runs), 0);
}

static void vcpu_run_before_start(struct kunit *test)
{
	struct axvm *vm = new_vm(test, false, 1);
	struct axvm_fake_vcpu *fv = finalize(test, vm);

	axvm_fake_push(fv, AXVM_FAKE_IO(FREE_PORT, 1, false, 0));
	/* Loaded, the vCPU reset and ready: still not started. */
	KUNIT_EXPECT_EQ(test, axvm_fake_run(vm->vcpus[0]), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fv->runs), 0);
}

/* ---- the loaded window ----------------------------------------------------- */

static void vcpu_loaded_around_each_entry(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_EXIT(AXVM_VEXIT_NONE),
		AXVM_FAKE_EXIT(AXVM_VEXIT_NONE),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm_vcpu *vcpu = vm->vcpus[0];
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);
	int runs;

	axvm_fake_hal_reset_calls(fh);
	KUNIT_ASSERT_EQ(test, axvm_fake_run(vcpu), 0);
	runs = atomic_read(&fv->runs);
	KUNIT_EXPECT_GE(test, runs, 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&fv->loads), runs);
	KUNIT_EXPECT_EQ(test, atomic_read(&fv->puts), runs);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_calls(fh, AXVM_FAKE_VCPU_LOADED),
			(unsigned long)runs);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_calls(fh, AXVM_FAKE_VCPU_PUT),
			(unsigned long)runs);
	/* Inside: the HAL knows the vCPU; outside: nobody is loaded. */
	KUNIT_EXPECT_EQ(test, fv->seen_vm_id, (unsigned long)vm->id);
	KUNIT_EXPECT_EQ(test, fv->seen_vcpu_id, 0UL);
	KUNIT_EXPECT_NULL(test, axvm_fake_hal_loaded_vcpu(fh));
	KUNIT_EXPECT_FALSE(test, fv->loaded);
	KUNIT_EXPECT_EQ(test, READ_ONCE(vcpu->cpu), -1);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVM_VCPU_READY);
	KUNIT_EXPECT_EQ(test, READ_ONCE(vcpu->mode), AXVM_OUTSIDE_GUEST_MODE);
}

/* ---- HLT ------------------------------------------------------------------- */

struct halt_timer {
	struct hrtimer timer;
	struct axvm_vcpu *vcpu;
	u32 vector;
	int tries;
	int state_seen;
	int ret;
	bool fired;
};

/* Hard-irq context: wait for the vCPU to sit in HLT, then inject. */
static enum hrtimer_restart halt_timer_fn(struct hrtimer *timer)
{
	struct halt_timer *h = container_of(timer, struct halt_timer, timer);

	if (READ_ONCE(h->vcpu->state) != AXVM_VCPU_BLOCKED &&
	    ++h->tries < 2500) {
		hrtimer_forward_now(timer, ms_to_ktime(2));
		return HRTIMER_RESTART;
	}
	h->state_seen = READ_ONCE(h->vcpu->state);
	h->ret = axvm_vcpu_inject(h->vcpu, h->vector);
	WRITE_ONCE(h->fired, true);
	return HRTIMER_NORESTART;
}

static void vcpu_halt_wakes_on_irq_from_timer(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_EXIT(AXVM_VEXIT_HALT),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);
	struct axvm_fake_thread *t;
	struct halt_timer *h;
	struct axvm_vm_info info;
	bool done;

	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->vcpu = vcpu;
	h->vector = 0x30;
	hrtimer_init(&h->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	h->timer.function = halt_timer_fn;

	t = axvm_fake_run_async(test, vcpu, -1);
	hrtimer_start(&h->timer, ms_to_ktime(2), HRTIMER_MODE_REL);
	done = axvm_fake_thread_wait(t, 10000);
	hrtimer_cancel(&h->timer);

	KUNIT_ASSERT_TRUE(test, done);
	KUNIT_EXPECT_TRUE(test, h->fired);
	KUNIT_EXPECT_EQ(test, h->state_seen, AXVM_VCPU_BLOCKED);
	KUNIT_EXPECT_EQ(test, h->ret, 0);
	KUNIT_EXPECT_EQ(test, t->ret, 0);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXVM_EXIT_IO);
	/* Delivered at the next entry. */
	KUNIT_ASSERT_EQ(test, fv->nr_delivered, 1U);
	KUNIT_EXPECT_EQ(test, fv->delivered[0], 0x30);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vcpu), -1);
	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.stats.halts, 1ULL);
}

static bool vcpu_blocked(struct axvm_vcpu *vcpu)
{
	return READ_ONCE(vcpu->state) == AXVM_VCPU_BLOCKED;
}

static void vcpu_halt_waits_for_interrupt_allowed(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_EXIT(AXVM_VEXIT_HALT),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);
	struct axvm_fake_thread *t;

	axvm_fake_set_irq_allowed(fv, false);	/* as after CLI */
	t = axvm_fake_run_async(test, vcpu, -1);
	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(vcpu_blocked(vcpu), 5000));

	KUNIT_ASSERT_EQ(test, axvm_vcpu_inject(vcpu, 0x31), 0);
	/* An interrupt the guest cannot take does not end HLT. */
	KUNIT_EXPECT_FALSE(test, axvm_fake_thread_wait(t, 100));
	KUNIT_EXPECT_TRUE(test, vcpu_blocked(vcpu));

	axvm_fake_set_irq_allowed(fv, true);
	axvm_vcpu_kick(vcpu);
	KUNIT_ASSERT_TRUE(test, axvm_fake_thread_wait(t, 5000));
	KUNIT_EXPECT_EQ(test, t->ret, 0);
	KUNIT_ASSERT_EQ(test, fv->nr_delivered, 1U);
	KUNIT_EXPECT_EQ(test, fv->delivered[0], 0x31);
}

static void vcpu_halt_ends_on_stop(struct kunit *test)
{
	const struct axvm_vexit exits[] = { AXVM_FAKE_EXIT(AXVM_VEXIT_HALT) };
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];
	struct axvm_fake_thread *t;

	t = axvm_fake_run_async(test, vcpu, -1);
	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(vcpu_blocked(vcpu), 5000));
	KUNIT_EXPECT_FALSE(test, axvm_fake_thread_wait(t, 50));

	KUNIT_ASSERT_EQ(test, axvm_vm_stop(vm), 0);
	KUNIT_ASSERT_TRUE(test, axvm_fake_thread_wait(t, 5000));
	KUNIT_EXPECT_EQ(test, t->ret, 0);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXVM_EXIT_STOPPED);
}

static int run_with_signals(void *vcpu)
{
	allow_signal(SIGUSR1);
	return axvm_fake_run(vcpu);
}

/* VMM mode: a signal ends HLT, and RUN, with -EINTR. */
static void vcpu_halt_ends_on_signal(struct kunit *test)
{
	const struct axvm_vexit exits[] = { AXVM_FAKE_EXIT(AXVM_VEXIT_HALT) };
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];
	struct axvm_fake_thread *t;

	t = axvm_fake_thread_start(test, run_with_signals, vcpu, -1);
	t->unblock = axvm_fake_run_unblock;
	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(vcpu_blocked(vcpu), 5000));
	send_sig(SIGUSR1, t->task, 1);
	KUNIT_ASSERT_TRUE(test, axvm_fake_thread_wait(t, 5000));
	KUNIT_EXPECT_EQ(test, t->ret, -EINTR);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXVM_EXIT_INTR);
	KUNIT_EXPECT_EQ(test, READ_ONCE(vm->state), AXVM_VM_RUNNING);
}

static void vcpu_pause_holds_run_until_resume(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_EXIT(AXVM_VEXIT_HALT),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);
	struct axvm_fake_thread *t;

	t = axvm_fake_run_async(test, vcpu, -1);
	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(vcpu_blocked(vcpu), 5000));
	KUNIT_ASSERT_EQ(test, axvm_vm_pause(vm), 0);
	/* Out of HLT, but not back in the guest while paused. */
	KUNIT_EXPECT_TRUE(test, axvm_fake_wait_for(!vcpu_blocked(vcpu), 5000));
	KUNIT_EXPECT_FALSE(test, axvm_fake_thread_wait(t, 100));
	KUNIT_EXPECT_EQ(test, atomic_read(&fv->entries), 1);

	KUNIT_ASSERT_EQ(test, axvm_vm_resume(vm), 0);
	KUNIT_ASSERT_TRUE(test, axvm_fake_thread_wait(t, 5000));
	KUNIT_EXPECT_EQ(test, t->ret, 0);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXVM_EXIT_IO);
}

/* ---- leaving RUN early ------------------------------------------------------ */

static void vcpu_immediate_exit(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];

	vcpu->run->immediate_exit = 1;
	KUNIT_EXPECT_EQ(test, axvm_fake_run(vcpu), -EINTR);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXVM_EXIT_INTR);
	KUNIT_EXPECT_EQ(test, atomic_read(&axvm_fake_vcpu(vcpu)->runs), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVM_VCPU_READY);
}

/* As KVM: RUN with immediate_exit completes a pending IN, then leaves. */
static void vcpu_immediate_exit_completes_pending_in(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_IO(0x71, 1, true, 0),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);

	KUNIT_ASSERT_EQ(test, axvm_fake_run(vcpu), 0);
	vcpu->run->io.data = 0x5a;
	vcpu->run->immediate_exit = 1;
	KUNIT_EXPECT_EQ(test, axvm_fake_run(vcpu), -EINTR);
	KUNIT_ASSERT_EQ(test, fv->nr_io_in, 1U);
	KUNIT_EXPECT_EQ(test, fv->io_in[0], 0x5aU);
	KUNIT_EXPECT_EQ(test, atomic_read(&fv->entries), 1);
	/* And not a second time. */
	vcpu->run->immediate_exit = 0;
	KUNIT_EXPECT_EQ(test, axvm_fake_run(vcpu), 0);
	KUNIT_EXPECT_EQ(test, fv->nr_io_in, 1U);
}

static void vcpu_signal_pending_eintr(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];
	int ret;

	allow_signal(SIGUSR1);
	send_sig(SIGUSR1, current, 1);
	ret = axvm_fake_run(vcpu);
	flush_signals(current);
	disallow_signal(SIGUSR1);

	KUNIT_EXPECT_EQ(test, ret, -EINTR);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXVM_EXIT_INTR);
	KUNIT_EXPECT_EQ(test, atomic_read(&axvm_fake_vcpu(vcpu)->entries), 0);
}

/* ---- interrupts --------------------------------------------------------------- */

struct vcpu_vector_case {
	u32 vector;
	int err;
};

static const struct vcpu_vector_case vcpu_vector_cases[] = {
	{ 0, -EINVAL }, { 2, -EINVAL }, { 15, -EINVAL }, { 16, 0 },
	{ 0x20, 0 }, { 255, 0 }, { 256, -EINVAL }, { U32_MAX, -EINVAL },
};

static void vcpu_vector_desc(const struct vcpu_vector_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "vector %u -> %d", c->vector,
		 c->err);
}

KUNIT_ARRAY_PARAM(vcpu_vector, vcpu_vector_cases, vcpu_vector_desc);

static void vcpu_inject_vector_range(struct kunit *test)
{
	const struct vcpu_vector_case *c = test->param_value;
	struct axvm *vm = new_vm(test, false, 1);
	struct axvm_vcpu *vcpu;
	struct axvm_vm_info info;

	finalize(test, vm);
	vcpu = vm->vcpus[0];
	KUNIT_EXPECT_EQ(test, axvm_vcpu_inject(vcpu, c->vector), c->err);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vcpu),
			c->err ? -1 : (int)c->vector);
	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.stats.injected_irqs, c->err ? 0ULL : 1ULL);
}

static void vcpu_pending_irq_highest_first(struct kunit *test)
{
	struct axvm *vm = new_vm(test, false, 1);
	struct axvm_vcpu *vcpu;

	finalize(test, vm);
	vcpu = vm->vcpus[0];
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vcpu), -1);
	KUNIT_ASSERT_EQ(test, axvm_vcpu_inject(vcpu, 0x30), 0);
	KUNIT_ASSERT_EQ(test, axvm_vcpu_inject(vcpu, 0x80), 0);
	KUNIT_ASSERT_EQ(test, axvm_vcpu_inject(vcpu, 0x41), 0);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vcpu), 0x80);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ack_irq(vcpu, 0x80), 0x80);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vcpu), 0x41);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ack_irq(vcpu, 0x41), 0x41);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vcpu), 0x30);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ack_irq(vcpu, 0x30), 0x30);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vcpu), -1);
	/* Taken already: nothing to deliver. */
	KUNIT_EXPECT_EQ(test, axvm_vcpu_ack_irq(vcpu, 0x30), -1);
}

static void vcpu_inject_same_vector_twice_is_one(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_EXIT(AXVM_VEXIT_NONE),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_vcpu *vcpu = vm->vcpus[0];
	struct axvm_fake_vcpu *fv = axvm_fake_vcpu(vcpu);

	KUNIT_ASSERT_EQ(test, axvm_vcpu_inject(vcpu, 0x30), 0);
	KUNIT_ASSERT_EQ(test, axvm_vcpu_inject(vcpu, 0x30), 0);
	KUNIT_ASSERT_EQ(test, axvm_fake_run(vcpu), 0);
	/* An edge, like a real IRR bit: delivered once. */
	KUNIT_ASSERT_EQ(test, fv->nr_delivered, 1U);
	KUNIT_EXPECT_EQ(test, fv->delivered[0], 0x30);
}

static void vcpu_irq_line_is_vector_0x20_plus_line(struct kunit *test)
{
	struct axvm_irq line = { .vcpu = 1, .irq = 4 };
	struct axvm *vm = new_vm(test, false, 2);

	finalize(test, vm);
	KUNIT_ASSERT_EQ(test, axvm_irq_line(vm, &line), 0);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vm->vcpus[1]), 0x24);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vm->vcpus[0]), -1);
	line.irq = 0xdf;	/* the last line: vector 0xff */
	KUNIT_ASSERT_EQ(test, axvm_irq_line(vm, &line), 0);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vm->vcpus[1]), 0xff);
}

/* The seed's contract: IRQs reach a vCPU through inject_irq_to_vcpu. */
static void vcpu_irq_line_goes_through_the_hal(struct kunit *test)
{
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm_irq line = { .vcpu = 1, .irq = 4 };
	struct axvm *vm = new_vm(test, false, 2);
	struct axvm_fake_irq rec;

	finalize(test, vm);
	axvm_fake_hal_clear_irqs(fh);
	KUNIT_ASSERT_EQ(test, axvm_irq_line(vm, &line), 0);
	KUNIT_ASSERT_EQ(test, axvm_fake_hal_nr_irqs(fh), 1UL);
	KUNIT_ASSERT_TRUE(test, axvm_fake_hal_irq(fh, 0, &rec));
	KUNIT_EXPECT_EQ(test, rec.vm_id, vm->id);
	KUNIT_EXPECT_EQ(test, rec.vcpu_id, 1U);
	KUNIT_EXPECT_EQ(test, rec.vector, 0x24U);
	/* What the host says goes: a refusal is the caller's answer. */
	axvm_fake_hal_set_inject_result(fh, -EIO);
	KUNIT_EXPECT_EQ(test, axvm_irq_line(vm, &line), -EIO);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vm->vcpus[0]), -1);
}

static void vcpu_device_irq_reaches_vcpu0(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_IO(0x3f9, 1, false, 0x02),	/* IER: THR empty */
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm_device d = {
		.type = AXVM_DEV_UART16550, .space = AXVM_SPACE_PIO,
		.base = 0x3f8, .length = 8, .irq = 4,
	};
	struct axvm *vm = new_vm(test, false, 1);
	struct axvm_fake_vcpu *fv;

	KUNIT_ASSERT_EQ(test, axvm_vm_add_device(vm, &d), 0);
	fv = finalize(test, vm);
	axvm_fake_set_irq_allowed(fv, false);
	axvm_fake_push(fv, exits[0]);
	axvm_fake_push(fv, exits[1]);
	start(test, vm);
	KUNIT_ASSERT_EQ(test, axvm_fake_run(vm->vcpus[0]), 0);
	/* A 16550 raises THRE at once when its interrupt is enabled. */
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(vm->vcpus[0]), 0x24);
}

/* ---- the kick protocol --------------------------------------------------------- */

static void vcpu_kick_outside_guest_sends_nothing(struct kunit *test)
{
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm *vm = new_vm(test, false, 1);
	struct axvm_vcpu *vcpu;

	finalize(test, vm);
	vcpu = vm->vcpus[0];
	axvm_fake_hal_reset_calls(fh);
	axvm_fake_hal_set_resides_on(fh, smp_processor_id() ^ 1);
	axvm_vcpu_kick(vcpu);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_calls(fh, AXVM_FAKE_KICK_CPU), 0UL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(vcpu->mode), AXVM_OUTSIDE_GUEST_MODE);
}

/* Where the HAL says the kicked vCPU runs, relative to the kicker. */
enum kick_where { KICK_OTHER_CPU, KICK_THIS_CPU, KICK_NOWHERE };

/*
 * Kick vCPU 0 of a new VM while it is "in the guest" where @where says;
 * returns the mode the kick left, *@cpu what vcpu_resides_on answered.
 */
static int kick_in_guest(struct kunit *test, enum kick_where where, int *cpu)
{
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm *vm = new_vm(test, false, 1);
	struct axvm_vcpu *vcpu;
	int mode;

	finalize(test, vm);
	vcpu = vm->vcpus[0];
	axvm_fake_hal_reset_calls(fh);
	preempt_disable();
	/* The HAL says where the vCPU runs, and which CPU asks. */
	*cpu = where == KICK_OTHER_CPU ? smp_processor_id() ^ 1 :
	       where == KICK_THIS_CPU ? smp_processor_id() : -ENOENT;
	axvm_fake_hal_set_resides_on(fh, *cpu);
	axvm_fake_hal_set_current(fh, AXVM_HAL_ID_NONE, AXVM_HAL_ID_NONE,
				  smp_processor_id());
	/* As the run loop publishes it, before a kicker looks. */
	smp_store_mb(vcpu->mode, AXVM_IN_GUEST_MODE);
	axvm_vcpu_kick(vcpu);
	mode = READ_ONCE(vcpu->mode);
	WRITE_ONCE(vcpu->mode, AXVM_OUTSIDE_GUEST_MODE);
	preempt_enable();
	return mode;
}

static void vcpu_kick_in_guest_on_other_cpu(struct kunit *test)
{
	struct axvm_fake_hal *fh = fh_of(test);
	int cpu;

	KUNIT_EXPECT_EQ(test, kick_in_guest(test, KICK_OTHER_CPU, &cpu),
			AXVM_EXITING_GUEST_MODE);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_calls(fh, AXVM_FAKE_KICK_CPU), 1UL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_last_kick_cpu(fh), cpu);
}

static void vcpu_kick_in_guest_on_this_cpu(struct kunit *test)
{
	struct axvm_fake_hal *fh = fh_of(test);
	int cpu;

	/* We are that CPU, so not in the guest: the mode says enough. */
	KUNIT_EXPECT_EQ(test, kick_in_guest(test, KICK_THIS_CPU, &cpu),
			AXVM_EXITING_GUEST_MODE);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_calls(fh, AXVM_FAKE_KICK_CPU), 0UL);
}

/* The HAL lost track of it (put meanwhile): no CPU to interrupt. */
static void vcpu_kick_in_guest_nowhere_sends_nothing(struct kunit *test)
{
	struct axvm_fake_hal *fh = fh_of(test);
	int cpu;

	KUNIT_EXPECT_EQ(test, kick_in_guest(test, KICK_NOWHERE, &cpu),
			AXVM_EXITING_GUEST_MODE);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_calls(fh, AXVM_FAKE_VCPU_RESIDES_ON),
			1UL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_calls(fh, AXVM_FAKE_KICK_CPU), 0UL);
}

/*
 * Injecting into the vCPU the HAL says is loaded here (a callback that
 * interrupted its entry window) leaves its mode alone and sends no IPI;
 * into any other vCPU it kicks.
 */
static void vcpu_inject_kicks_unless_current(struct kunit *test)
{
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm *vm = new_vm(test, false, 2);
	struct axvm_vcpu *a, *b;
	int mode_a, mode_b, me;

	finalize(test, vm);
	a = vm->vcpus[0];
	b = vm->vcpus[1];
	axvm_fake_hal_reset_calls(fh);
	preempt_disable();
	me = smp_processor_id();
	axvm_fake_hal_set_current(fh, vm->id, a->id, me);
	axvm_fake_hal_set_resides_on(fh, me ^ 1);
	/* As the run loop publishes it, before a kicker looks. */
	smp_store_mb(a->mode, AXVM_IN_GUEST_MODE);
	/* Likewise. */
	smp_store_mb(b->mode, AXVM_IN_GUEST_MODE);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_inject(a, 0x30), 0);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_inject(b, 0x31), 0);
	mode_a = READ_ONCE(a->mode);
	mode_b = READ_ONCE(b->mode);
	WRITE_ONCE(a->mode, AXVM_OUTSIDE_GUEST_MODE);
	WRITE_ONCE(b->mode, AXVM_OUTSIDE_GUEST_MODE);
	axvm_fake_hal_set_current(fh, AXVM_HAL_ID_NONE, AXVM_HAL_ID_NONE, 0);
	preempt_enable();

	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(a), 0x30);
	KUNIT_EXPECT_EQ(test, axvm_vcpu_pending_irq(b), 0x31);
	KUNIT_EXPECT_EQ(test, mode_a, AXVM_IN_GUEST_MODE);
	KUNIT_EXPECT_EQ(test, mode_b, AXVM_EXITING_GUEST_MODE);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_calls(fh, AXVM_FAKE_KICK_CPU), 1UL);
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_last_kick_cpu(fh), me ^ 1);
}

static void vcpu_kick_wakes_halted_without_ipi(struct kunit *test)
{
	const struct axvm_vexit exits[] = {
		AXVM_FAKE_EXIT(AXVM_VEXIT_HALT),
		AXVM_FAKE_IO(FREE_PORT, 1, false, 0),
	};
	struct axvm *vm = vmm_running(test, exits, ARRAY_SIZE(exits));
	struct axvm_fake_hal *fh = fh_of(test);
	struct axvm_vcpu *vcpu = vm->vcpus[0];
	struct axvm_fake_thread *t;

	t = axvm_fake_run_async(test, vcpu, -1);
	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(vcpu_blocked(vcpu), 5000));
	axvm_fake_hal_reset_calls(fh);
	KUNIT_ASSERT_EQ(test, axvm_vcpu_inject(vcpu, 0x50), 0);
	KUNIT_ASSERT_TRUE(test, axvm_fake_thread_wait(t, 5000));
	KUNIT_EXPECT_EQ(test, axvm_fake_hal_calls(fh, AXVM_FAKE_KICK_CPU), 0UL);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXVM_EXIT_IO);
}

/* ---- should_exit ----------------------------------------------------------------- */

enum should_exit_setup { SE_NONE, SE_EXITING, SE_STOP_REQ, SE_PAUSED,
			 SE_SIGNAL };

struct should_exit_case {
	const char *desc;
	enum should_exit_setup setup;
	bool want;
};

static const struct should_exit_case should_exit_cases[] = {
	{ "nothing pending", SE_NONE, false },
	{ "kicked (EXITING_GUEST_MODE)", SE_EXITING, true },
	{ "stop request", SE_STOP_REQ, true },
	{ "VM paused", SE_PAUSED, true },
	{ "signal pending", SE_SIGNAL, true },
};

static void should_exit_desc(const struct should_exit_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(should_exit, should_exit_cases, should_exit_desc);

static void vcpu_should_exit_conditions(struct kunit *test)
{
	const struct should_exit_case *c = test->param_value;
	struct axvm *vm = new_vm(test, false, 1);
	struct axvm_vcpu *vcpu;
	bool got;

	finalize(test, vm);
	start(test, vm);
	vcpu = vm->vcpus[0];
	switch (c->setup) {
	case SE_NONE:
		break;
	case SE_EXITING:
		WRITE_ONCE(vcpu->mode, AXVM_EXITING_GUEST_MODE);
		break;
	case SE_STOP_REQ:
		set_bit(AXVM_REQ_STOP, &vcpu->requests);
		break;
	case SE_PAUSED:
		KUNIT_ASSERT_EQ(test, axvm_vm_pause(vm), 0);
		break;
	case SE_SIGNAL:
		allow_signal(SIGUSR1);
		send_sig(SIGUSR1, current, 1);
		break;
	}
	/* As the arch calls it: in guest mode (unless kicked), irqs off. */
	if (c->setup != SE_EXITING)
		smp_store_mb(vcpu->mode, AXVM_IN_GUEST_MODE);	/* as the arch */
	cond_resched();
	local_irq_disable();
	got = axvm_vcpu_should_exit(vcpu);
	local_irq_enable();
	if (c->setup == SE_SIGNAL) {
		flush_signals(current);
		disallow_signal(SIGUSR1);
	}
	WRITE_ONCE(vcpu->mode, AXVM_OUTSIDE_GUEST_MODE);
	clear_bit(AXVM_REQ_STOP, &vcpu->requests);
	KUNIT_EXPECT_EQ(test, got, c->want);
}

/* ---- statistics -------------------------------------------------------------------- */

static void vcpu_stats_count_each_kind(struct kunit *test)
{
	struct axvm_fake_vcpu *fv;
	struct axvm_vm_info info;
	struct axvm *vm;

	vm = new_vm(test, true, 1);
	add_dev(test, vm, AXVM_DEV_UART16550, AXVM_SPACE_PIO, 0x3f8, 8);
	fv = finalize(test, vm);
	axvm_fake_push(fv, AXVM_FAKE_IO(0x3fd, 1, true, 0));	/* handled */
	axvm_fake_push(fv, AXVM_FAKE_IO(FREE_PORT, 1, true, 0));
	axvm_fake_push(fv, AXVM_FAKE_MMIO(FREE_MMIO, 4, false, 0));
	axvm_fake_push(fv, AXVM_FAKE_MMIO(FREE_MMIO, 4, true, 0));
	axvm_fake_push(fv, AXVM_FAKE_HYPERCALL(1, 0, 0));
	axvm_fake_push(fv, AXVM_FAKE_EXIT(AXVM_VEXIT_NONE));
	/* then the dry HALT */
	KUNIT_ASSERT_EQ(test, axvm_vcpu_inject(vm->vcpus[0], 0x40), 0);
	start(test, vm);
	KUNIT_ASSERT_TRUE(test, axvm_fake_wait_for(
		READ_ONCE(vm->vcpus[0]->state) == AXVM_VCPU_BLOCKED, 5000));

	info_of(vm, &info);
	KUNIT_EXPECT_EQ(test, info.stats.io_exits, 2ULL);
	KUNIT_EXPECT_EQ(test, info.stats.unhandled_io, 1ULL);
	KUNIT_EXPECT_EQ(test, info.stats.mmio_exits, 2ULL);
	KUNIT_EXPECT_EQ(test, info.stats.unhandled_mmio, 2ULL);
	KUNIT_EXPECT_EQ(test, info.stats.hypercalls, 1ULL);
	KUNIT_EXPECT_EQ(test, info.stats.halts, 1ULL);
	KUNIT_EXPECT_EQ(test, info.stats.injected_irqs, 1ULL);
	/* Every trip out of the guest is an exit, the HLT included. */
	KUNIT_EXPECT_EQ(test, info.stats.exits,
			(u64)atomic_read(&fv->runs));
	KUNIT_EXPECT_GE(test, info.stats.exits, 7ULL);
}

static struct kunit_case vcpu_cases[] = {
	KUNIT_CASE(vcpu_io_out_handled_by_device),
	KUNIT_CASE(vcpu_io_in_handled_by_device),
	KUNIT_CASE(vcpu_io_in_unhandled_vmm),
	KUNIT_CASE(vcpu_io_out_unhandled_vmm),
	KUNIT_CASE(vcpu_io_unhandled_managed_all_ones),
	KUNIT_CASE(vcpu_mmio_read_unhandled_vmm),
	KUNIT_CASE(vcpu_mmio_write_unhandled_vmm),
	KUNIT_CASE(vcpu_mmio_handled_by_device),
	KUNIT_CASE(vcpu_mmio_unhandled_managed_all_ones),
	KUNIT_CASE(vcpu_npf_vmm_exits),
	KUNIT_CASE(vcpu_npf_managed_stops_vm),
	KUNIT_CASE(vcpu_hypercall_vmm),
	KUNIT_CASE(vcpu_hypercall_managed_enosys),
	KUNIT_CASE(vcpu_shutdown_stops_vm),
	KUNIT_CASE(vcpu_fail_entry_invalidates),
	KUNIT_CASE(vcpu_restart_revives_invalid),
	KUNIT_CASE(vcpu_internal_error_stops_vm),
	KUNIT_CASE(vcpu_run_error_returned),
	KUNIT_CASE(vcpu_handle_exit_error_returned),
	KUNIT_CASE(vcpu_run_needs_reset_vcpu),
	KUNIT_CASE(vcpu_run_before_start),
	KUNIT_CASE(vcpu_loaded_around_each_entry),
	KUNIT_CASE(vcpu_halt_wakes_on_irq_from_timer),
	KUNIT_CASE(vcpu_halt_waits_for_interrupt_allowed),
	KUNIT_CASE(vcpu_halt_ends_on_stop),
	KUNIT_CASE(vcpu_halt_ends_on_signal),
	KUNIT_CASE(vcpu_pause_holds_run_until_resume),
	KUNIT_CASE(vcpu_immediate_exit),
	KUNIT_CASE(vcpu_immediate_exit_completes_pending_in),
	KUNIT_CASE(vcpu_signal_pending_eintr),
	KUNIT_CASE_PARAM(vcpu_inject_vector_range, vcpu_vector_gen_params),
	KUNIT_CASE(vcpu_pending_irq_highest_first),
	KUNIT_CASE(vcpu_inject_same_vector_twice_is_one),
	KUNIT_CASE(vcpu_irq_line_is_vector_0x20_plus_line),
	KUNIT_CASE(vcpu_irq_line_goes_through_the_hal),
	KUNIT_CASE(vcpu_device_irq_reaches_vcpu0),
	KUNIT_CASE(vcpu_kick_outside_guest_sends_nothing),
	KUNIT_CASE(vcpu_kick_in_guest_on_other_cpu),
	KUNIT_CASE(vcpu_kick_in_guest_on_this_cpu),
	KUNIT_CASE(vcpu_kick_in_guest_nowhere_sends_nothing),
	KUNIT_CASE(vcpu_inject_kicks_unless_current),
	KUNIT_CASE(vcpu_kick_wakes_halted_without_ipi),
	KUNIT_CASE_PARAM(vcpu_should_exit_conditions, should_exit_gen_params),
	KUNIT_CASE(vcpu_stats_count_each_kind),
	{}
};

static struct kunit_suite axvm_vcpu_suite = {
	.name = "axvm_vcpu",
	.init = vcpu_test_init,
	.test_cases = vcpu_cases,
};
kunit_test_suite(axvm_vcpu_suite);
