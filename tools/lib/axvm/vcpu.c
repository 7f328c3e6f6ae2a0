// SPDX-License-Identifier: GPL-2.0
/*
 * libaxvm: a vCPU. RUN, the answers a VMM gives when nothing claims an
 * access, the registers and injection.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include "axvm.h"

int axvm_vcpu__run(struct axvm_vcpu *vcpu)
{
	if (!ioctl(vcpu->fd, AXVM_RUN, 0UL))
		return 0;
	if (errno != EINTR || !vcpu->run)
		return -1;
	/* Also when a fatal signal cut the wait for the vCPU's lock short. */
	vcpu->run->exit_reason = AXVM_EXIT_INTR;
	return 0;
}

bool axvm_exit_unclaimed(struct axvm_run *run)
{
	switch (run->exit_reason) {
	case AXVM_EXIT_IO:
		if (run->io.direction == AXVM_IO_IN)
			run->io.data = ~0ULL;
		return true;
	case AXVM_EXIT_MMIO:
		if (!run->mmio.is_write)
			run->mmio.data = ~0ULL;
		return true;
	case AXVM_EXIT_HYPERCALL:
		run->hypercall.ret = (uint64_t)-ENOSYS;
		return true;
	default:
		return false;
	}
}

int axvm_vcpu__get_regs(struct axvm_vcpu *vcpu, struct axvm_regs *regs)
{
	return ioctl(vcpu->fd, AXVM_GET_REGS, regs);
}

int axvm_vcpu__set_regs(struct axvm_vcpu *vcpu,
			const struct axvm_regs *regs)
{
	return ioctl(vcpu->fd, AXVM_SET_REGS, regs);
}

int axvm_vcpu__get_sregs(struct axvm_vcpu *vcpu, struct axvm_sregs *sregs)
{
	return ioctl(vcpu->fd, AXVM_GET_SREGS, sregs);
}

int axvm_vcpu__set_sregs(struct axvm_vcpu *vcpu,
			 const struct axvm_sregs *sregs)
{
	return ioctl(vcpu->fd, AXVM_SET_SREGS, sregs);
}

int axvm_vcpu__interrupt(struct axvm_vcpu *vcpu, uint32_t vector)
{
	struct axvm_interrupt intr = { .vector = vector };

	return ioctl(vcpu->fd, AXVM_INTERRUPT, &intr);
}
