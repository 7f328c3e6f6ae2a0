/* SPDX-License-Identifier: GPL-2.0 */
/*
 * axvm's tracepoints (events/axvm/ in tracefs): guest entry and exit
 * and event injection (from the backend), MMIO and port I/O (from the
 * core, so every backend has them).
 * Arch-neutral: an exit reason is the hardware's code (SVM: the VMCB
 * exit code), printed in hex. Defined once, in module/trace.c.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM axvm

#if !defined(AXVM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define AXVM_TRACE_H

#include <linux/tracepoint.h>

/* What trace_axvm_inject() delivered. */
#define AXVM_TRACE_INJ_IRQ		0	/* external interrupt */
#define AXVM_TRACE_INJ_EXCEPTION	1	/* raised by an exit handler */
#define AXVM_TRACE_INJ_REINJECT		2	/* delivery cut short by an exit */
#define AXVM_TRACE_INJ_NMI		3	/* a platform VM's NMI */

TRACE_EVENT(axvm_entry,
	TP_PROTO(u32 vm_id, u32 vcpu_id, u64 rip),
	TP_ARGS(vm_id, vcpu_id, rip),
	TP_STRUCT__entry(
		__field(u32, vm_id)
		__field(u32, vcpu_id)
		__field(u64, rip)
	),
	TP_fast_assign(
		__entry->vm_id = vm_id;
		__entry->vcpu_id = vcpu_id;
		__entry->rip = rip;
	),
	TP_printk("vm %u vcpu %u rip 0x%llx",
		  __entry->vm_id, __entry->vcpu_id, __entry->rip)
);

TRACE_EVENT(axvm_exit,
	TP_PROTO(u32 vm_id, u32 vcpu_id, u64 reason, u64 rip, u64 info1,
		 u64 info2),
	TP_ARGS(vm_id, vcpu_id, reason, rip, info1, info2),
	TP_STRUCT__entry(
		__field(u32, vm_id)
		__field(u32, vcpu_id)
		__field(u64, reason)
		__field(u64, rip)
		__field(u64, info1)
		__field(u64, info2)
	),
	TP_fast_assign(
		__entry->vm_id = vm_id;
		__entry->vcpu_id = vcpu_id;
		__entry->reason = reason;
		__entry->rip = rip;
		__entry->info1 = info1;
		__entry->info2 = info2;
	),
	TP_printk("vm %u vcpu %u reason 0x%llx rip 0x%llx info 0x%llx 0x%llx",
		  __entry->vm_id, __entry->vcpu_id, __entry->reason,
		  __entry->rip, __entry->info1, __entry->info2)
);

/*
 * An access to port or MMIO space, fired by the core for every backend
 * (module/vcpu.c), before a device or userspace answers it: @val is a
 * write's value, 0 for a read.
 */
DECLARE_EVENT_CLASS(axvm_access,
	TP_PROTO(u32 vm_id, u32 vcpu_id, bool write, u64 addr, u32 width,
		 u64 val),
	TP_ARGS(vm_id, vcpu_id, write, addr, width, val),
	TP_STRUCT__entry(
		__field(u32, vm_id)
		__field(u32, vcpu_id)
		__field(bool, write)
		__field(u32, width)
		__field(u64, addr)
		__field(u64, val)
	),
	TP_fast_assign(
		__entry->vm_id = vm_id;
		__entry->vcpu_id = vcpu_id;
		__entry->write = write;
		__entry->width = width;
		__entry->addr = addr;
		__entry->val = val;
	),
	TP_printk("vm %u vcpu %u %s len %u gpa 0x%llx val 0x%llx",
		  __entry->vm_id, __entry->vcpu_id,
		  __entry->write ? "write" : "read", __entry->width,
		  __entry->addr, __entry->val)
);

DEFINE_EVENT_PRINT(axvm_access, axvm_pio,
	TP_PROTO(u32 vm_id, u32 vcpu_id, bool write, u64 addr, u32 width,
		 u64 val),
	TP_ARGS(vm_id, vcpu_id, write, addr, width, val),
	TP_printk("vm %u vcpu %u %s port 0x%llx size %u val 0x%llx",
		  __entry->vm_id, __entry->vcpu_id,
		  __entry->write ? "out" : "in", __entry->addr,
		  __entry->width, __entry->val)
);

/* MMIO prints as the class does. */
DEFINE_EVENT(axvm_access, axvm_mmio,
	TP_PROTO(u32 vm_id, u32 vcpu_id, bool write, u64 addr, u32 width,
		 u64 val),
	TP_ARGS(vm_id, vcpu_id, write, addr, width, val)
);

TRACE_EVENT(axvm_inject,
	TP_PROTO(u32 vm_id, u32 vcpu_id, u32 vector, u32 kind),
	TP_ARGS(vm_id, vcpu_id, vector, kind),
	TP_STRUCT__entry(
		__field(u32, vm_id)
		__field(u32, vcpu_id)
		__field(u32, vector)
		__field(u32, kind)
	),
	TP_fast_assign(
		__entry->vm_id = vm_id;
		__entry->vcpu_id = vcpu_id;
		__entry->vector = vector;
		__entry->kind = kind;
	),
	TP_printk("vm %u vcpu %u vector 0x%x %s",
		  __entry->vm_id, __entry->vcpu_id, __entry->vector,
		  __print_symbolic(__entry->kind,
				   { AXVM_TRACE_INJ_IRQ, "irq" },
				   { AXVM_TRACE_INJ_EXCEPTION, "exception" },
				   { AXVM_TRACE_INJ_REINJECT, "reinject" },
				   { AXVM_TRACE_INJ_NMI, "nmi" }))
);

#endif /* AXVM_TRACE_H */

/* Out of tree: found through -I$(src)/module (Kbuild's ccflags-y). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
