/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * axvm: the userspace ABI of /dev/axvm.
 *
 * Three kinds of file descriptor, as KVM has:
 *   /dev/axvm     system ioctls: version, extensions, create/list/open VMs
 *   VM fd         configure memory, images, devices; lifecycle; vCPUs
 *   vCPU fd       RUN, registers, interrupts; mmap() gives struct axvm_run
 * and a console fd per VM (read/poll/write).
 *
 * Versioning: AXVM_API_VERSION changes only if an existing ioctl changes
 * meaning, which we do not do. New features are new ioctls or new flag
 * bits, announced through AXVM_CHECK_EXTENSION. Every struct has flags
 * and reserved fields that must be zero; the kernel refuses unknown flags
 * and nonzero reserved fields with -EINVAL, so they can be given a
 * meaning later without breaking old callers. See docs/api.md.
 */
#ifndef _UAPI_LINUX_AXVM_H
#define _UAPI_LINUX_AXVM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define AXVM_API_VERSION	1

/* ioctl type byte: free in Documentation/userspace-api/ioctl/ioctl-number.rst */
#define AXVMIO			0xB9

#define AXVM_ID_NONE		0xffffffffu
#define AXVM_NAME_LEN		32

/* ---- /dev/axvm ---------------------------------------------------------- */

/* Returns AXVM_API_VERSION. */
#define AXVM_GET_API_VERSION	_IO(AXVMIO, 0x00)
/* arg: an AXVM_CAP_*; returns 0 when absent, > 0 when present (or a value). */
#define AXVM_CHECK_EXTENSION	_IO(AXVMIO, 0x01)
/* Returns a new VM fd; fills in id. */
#define AXVM_CREATE_VM		_IOWR(AXVMIO, 0x02, struct axvm_create_vm)
/* Copies up to nr ids into ids; sets nr to the number of VMs. */
#define AXVM_LIST_VMS		_IOWR(AXVMIO, 0x03, struct axvm_vm_list)
/*
 * Returns a new fd for an existing VM, by id. A managed VM may be opened
 * by anyone who can open /dev/axvm; a VMM-mode VM only by its creator's
 * uid or CAP_SYS_ADMIN (else -EACCES).
 */
#define AXVM_OPEN_VM		_IOW(AXVMIO, 0x04, struct axvm_open_vm)
/*
 * A read-only view of any VM without an fd (what `list` and `info` show):
 * in: id; out: the whole struct axvm_vm_info, as AXVM_GET_VM_INFO fills
 * it. -ENOENT when no VM has that id.
 */
#define AXVM_QUERY_VM		_IOWR(AXVMIO, 0x05, struct axvm_vm_info)

/* Capabilities for AXVM_CHECK_EXTENSION. */
#define AXVM_CAP_VMM_MODE	1	/* RUN from userspace threads */
#define AXVM_CAP_MANAGED_MODE	2	/* kernel threads run the vCPUs */
#define AXVM_CAP_MAX_VCPUS	3	/* returns the per-VM vCPU limit */
#define AXVM_CAP_MAX_VMS	4	/* returns the VM limit */
#define AXVM_CAP_MAP_IDENTICAL	5	/* AXVM_MAP_IDENTICAL regions */
#define AXVM_CAP_HW_VIRT	6	/* a hardware backend is present */
#define AXVM_CAP_DEV_UART16550	7
#define AXVM_CAP_DEV_DEBUG_EXIT	8
#define AXVM_CAP_IMAGE_ELF	9
#define AXVM_CAP_IMAGE_MULTIBOOT 10
#define AXVM_CAP_CONSOLE	11
#define AXVM_CAP_QUERY_VM	12	/* AXVM_QUERY_VM */
#define AXVM_CAP_MULTIBOOT_MODULES 13	/* AXVM_IMAGE_MODULE, image cmdline */
#define AXVM_CAP_PLATFORM_PC	14	/* AXVM_VM_PLATFORM_PC */
#define AXVM_CAP_SET_GSI	15	/* AXVM_SET_GSI (platform VMs) */
#define AXVM_CAP_SIGNAL_MSI	16	/* AXVM_SIGNAL_MSI (platform VMs) */
#define AXVM_CAP_AP_ENTRY	17	/* AXVM_ENTRY_AP */
/* guest resets and poweroffs: AXVM_STOP_RESET, AXVM_EXIT_RESET, NO_REBOOT */
#define AXVM_CAP_RESET		18
#define AXVM_CAP_IMAGE_BZIMAGE	19	/* AXVM_IMAGE_BZIMAGE, AXVM_IMAGE_INITRD */
#define AXVM_CAP_NR		20	/* one past the last */

#define AXVM_VM_MANAGED		(1u << 0)	/* else VMM mode */
/*
 * The PC platform (docs/api.md, "The PC platform"): a local APIC per
 * vCPU, IOAPIC, 8259s, SMP bring-up by INIT/SIPI. Without it a VM is
 * bare: IRQ lines are vectors, every vCPU starts at the entry.
 */
#define AXVM_VM_PLATFORM_PC	(1u << 1)
/*
 * Managed VMs: a guest reset leaves the VM stopped (reason reset)
 * instead of the kernel restarting it. VMM-mode VMs are never restarted
 * by the kernel: their VMM sees AXVM_EXIT_RESET and decides.
 */
#define AXVM_VM_NO_REBOOT	(1u << 2)
#define AXVM_CREATE_VM_VALID_FLAGS	(AXVM_VM_MANAGED | AXVM_VM_PLATFORM_PC | \
					 AXVM_VM_NO_REBOOT)

struct axvm_create_vm {
	__u32 flags;		/* AXVM_VM_* */
	__u32 id;		/* in: 0 = pick; out: the id */
	__u32 max_vcpus;	/* 1..AXVM_CAP_MAX_VCPUS */
	__u32 pad;
	__u64 pcpu_sets[8];	/* per vCPU pCPU bitmask (managed); 0 = any */
	char name[AXVM_NAME_LEN];	/* NUL-terminated, unique; "" = vm<id> */
	__u64 reserved[4];
};

struct axvm_vm_list {
	__u32 nr;		/* in: room in ids; out: number of VMs */
	__u32 flags;		/* must be 0 */
	__u64 ids;		/* user pointer to __u32[nr] */
};

struct axvm_open_vm {
	__u32 id;
	__u32 flags;		/* must be 0 */
	__u64 reserved[2];
};

/* ---- VM fd -------------------------------------------------------------- */

/* VM states: axvm's VMStatus (docs/api.md, "VM states"). */
enum axvm_vm_state {
	AXVM_VM_LOADING = 0,	/* created, being configured */
	AXVM_VM_LOADED = 1,	/* configured (FINALIZE) */
	AXVM_VM_RUNNING = 2,
	AXVM_VM_SUSPENDED = 3,	/* PAUSE: RUN sleeps in the kernel */
	AXVM_VM_STOPPING = 4,	/* only while STOP pulls the vCPUs out */
	AXVM_VM_STOPPED = 5,	/* exit_reason says why; RESTART */
};

/* Why a VM stopped (axvm_vm_info.exit_reason). */
enum axvm_stop_reason {
	AXVM_STOP_NONE = 0,
	AXVM_STOP_REQUESTED = 1,	/* STOP, DESTROY when suspended, unload */
	/* the guest wrote exit_code to a debug-exit device (AXVM_ADD_DEVICE) */
	AXVM_STOP_DEBUG_EXIT = 2,
	AXVM_STOP_SHUTDOWN = 3,		/* triple fault */
	AXVM_STOP_FAIL_ENTRY = 4,	/* hardware refused the guest state */
	AXVM_STOP_INTERNAL_ERROR = 5,	/* exit_code: suberror or -errno */
	AXVM_STOP_POWEROFF = 6,		/* ACPI S5 (the PC platform) */
	/* the guest reset the machine: ACPI reset register / port 0xcf9 */
	AXVM_STOP_RESET = 7,
};

/*
 * Counted for the whole VM since creation (RESTART keeps them);
 * docs/api.md, "Statistics". "Unhandled" means no in-kernel device
 * claimed the access: in VMM mode each such access is an exit to
 * userspace, counted whether or not the VMM then handles it.
 */
struct axvm_vm_stats {
	__u64 exits;		/* every exit from the guest */
	__u64 io_exits;		/* port accesses, claimed or not */
	__u64 mmio_exits;	/* MMIO accesses, claimed or not */
	__u64 unhandled_io;	/* VMM mode: each AXVM_EXIT_IO */
	__u64 unhandled_mmio;	/* VMM mode: each AXVM_EXIT_MMIO and _NPF */
	__u64 injected_irqs;	/* vectors queued (IRQ_LINE, INTERRUPT, devices) */
	__u64 hypercalls;	/* VMMCALL at CPL 0 */
	__u64 halts;		/* HLT exits */
	__u64 npf_populated;	/* RAM pages populated on first touch */
	__u64 reserved[7];
};

struct axvm_vm_info {
	__u32 id;
	__u32 state;		/* enum axvm_vm_state */
	__u32 flags;		/* AXVM_VM_* given at creation */
	__u32 max_vcpus;
	__u32 nr_vcpus;
	__u32 exit_reason;	/* enum axvm_stop_reason */
	__s64 exit_code;	/* debug-exit value, hardware reason, ... */
	__u64 memory_bytes;	/* sum of region sizes */
	__u64 created_ns;	/* CLOCK_MONOTONIC */
	char name[AXVM_NAME_LEN];
	struct axvm_vm_stats stats;
	/* image copies kept for RESTART: the limits count them too */
	__u64 image_bytes;
	__u64 reserved[3];
};
#define AXVM_GET_VM_INFO	_IOR(AXVMIO, 0x10, struct axvm_vm_info)

/* Memory regions (axvisor's memory_regions). */
#define AXVM_MEM_READ		(1u << 0)
#define AXVM_MEM_WRITE		(1u << 1)
#define AXVM_MEM_EXEC		(1u << 2)
#define AXVM_MEM_USER		(1u << 3)	/* accepted, as axvisor's USER */
#define AXVM_MEM_POPULATE	(1u << 8)	/* allocate now, not on first touch */
#define AXVM_MEM_VALID_FLAGS	(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC | \
				 AXVM_MEM_USER | AXVM_MEM_POPULATE)

#define AXVM_MAP_ALLOC		0	/* anonymous RAM */
#define AXVM_MAP_IDENTICAL	1	/* GPA == HPA (CAP_SYS_RAWIO) */

struct axvm_memory_region {
	__u64 gpa;		/* 4 KiB aligned */
	__u64 size;		/* 4 KiB multiple, > 0 */
	__u32 flags;		/* AXVM_MEM_* */
	__u32 map_type;		/* AXVM_MAP_* */
	__u64 reserved[2];
};
#define AXVM_SET_MEMORY_REGION	_IOW(AXVMIO, 0x11, struct axvm_memory_region)
#define AXVM_DEL_MEMORY_REGION	_IOW(AXVMIO, 0x12, struct axvm_memory_region)

struct axvm_guest_access {
	__u64 gpa;
	__u64 size;		/* at most 1 MiB per call */
	__u64 buf;		/* user pointer */
	__u32 flags;		/* must be 0 */
	__u32 pad;
};
#define AXVM_READ_GUEST		_IOW(AXVMIO, 0x13, struct axvm_guest_access)
#define AXVM_WRITE_GUEST	_IOW(AXVMIO, 0x14, struct axvm_guest_access)

/* Images. */
#define AXVM_IMAGE_RAW		0	/* loaded at gpa */
#define AXVM_IMAGE_ELF		1	/* PT_LOAD segments; entry = e_entry */
#define AXVM_IMAGE_MULTIBOOT	2	/* Multiboot v1 ELF32 */
/*
 * A Multiboot module (an initrd, kvm-unit-tests' environment): its bytes
 * at gpa, or with gpa 0 on the first page boundary above every image
 * loaded before it; listed, in load order, in the Multiboot information
 * the kernel (AXVM_IMAGE_MULTIBOOT) gets.
 */
#define AXVM_IMAGE_MODULE	3
/*
 * A Linux/x86 bzImage (Documentation/arch/x86/boot.rst, protocol 2.06 or
 * later): the protected-mode kernel where its header allows, boot_params
 * (the setup header, the E820 map, the command line, the initrd) written
 * by the loader; entered at the 64-bit entry (or the 32-bit one for a
 * kernel without XLF_KERNEL_64) with RSI = boot_params. gpa must be 0.
 */
#define AXVM_IMAGE_BZIMAGE	4
/*
 * The bzImage kernel's initrd, loaded after it: at gpa (page aligned),
 * or with gpa 0 as high as the kernel's initrd_addr_max and the RAM below
 * 4 GiB allow. One per VM; it has no string.
 */
#define AXVM_IMAGE_INITRD	5
/* Longest string an image may carry, NUL included. */
#define AXVM_CMDLINE_MAX	2048

/* Entry modes: the state each gives a vCPU is in docs/api.md, "Entry state". */
#define AXVM_MODE_REAL		0
#define AXVM_MODE_PROTECTED	1
#define AXVM_MODE_LONG		2	/* the default (entry 0x100000) */

#define AXVM_IMAGE_SET_ENTRY	(1u << 0)	/* make the image's entry the VM's */
#define AXVM_IMAGE_VALID_FLAGS	AXVM_IMAGE_SET_ENTRY

struct axvm_image {
	__u64 buf;		/* user pointer to the image bytes */
	__u64 size;
	__u64 gpa;		/* RAW: load address */
	__u32 format;		/* AXVM_IMAGE_* */
	__u32 flags;		/* AXVM_IMAGE_* flags */
	__u64 entry;		/* out: entry point */
	__u32 mode;		/* out: the mode the image wants */
	__u32 pad;
	/*
	 * 0, or a user pointer to a NUL-terminated string (AXVM_CAP_
	 * MULTIBOOT_MODULES): the command line of a MULTIBOOT or BZIMAGE
	 * kernel, the string of a MODULE; refused for the other formats.
	 */
	__u64 cmdline;
	__u64 reserved[1];
};
#define AXVM_LOAD_IMAGE		_IOWR(AXVMIO, 0x15, struct axvm_image)

/* Emulated devices. */
#define AXVM_DEV_UART16550	1
#define AXVM_DEV_DEBUG_EXIT	2

#define AXVM_SPACE_PIO		0
#define AXVM_SPACE_MMIO		1


#define AXVM_IRQ_NONE		0xffffffffu

struct axvm_device {
	__u32 type;		/* AXVM_DEV_* */
	__u32 space;		/* AXVM_SPACE_* */
	__u64 base;
	__u64 length;
	__u32 irq;		/* IRQ line or AXVM_IRQ_NONE */
	__u32 flags;		/* must be 0 */
	char name[16];
	__u64 reserved[2];
};
#define AXVM_ADD_DEVICE		_IOW(AXVMIO, 0x16, struct axvm_device)

/* arg: the vCPU id, 0..max_vcpus-1; returns a vCPU fd. */
#define AXVM_CREATE_VCPU	_IO(AXVMIO, 0x17)

/*
 * Entry point and mode for every vCPU (axvm's bsp/ap entries). In
 * protected and long mode FINALIZE and RESTART write a GDT (and page
 * tables) into guest RAM at 0x9000-0xffff; RSP is 0 and there is no IDT.
 * With AXVM_ENTRY_AP it is the entry of the APs (every vCPU but 0)
 * instead, in the same mode as the VM's entry: without one they start at
 * the VM's entry, or on a platform VM wait for INIT/SIPI.
 */
struct axvm_entry {
	__u64 entry;
	__u32 mode;		/* AXVM_MODE_*; with AXVM_ENTRY_AP ignored */
	__u32 flags;		/* AXVM_ENTRY_* */
	__u64 reserved[2];
};
#define AXVM_ENTRY_AP		(1u << 0)
#define AXVM_SET_ENTRY		_IOW(AXVMIO, 0x18, struct axvm_entry)

/*
 * Lifecycle (docs/api.md, "VM states"; docs/design.md, "Lifecycle");
 * each refuses an illegal transition. FINALIZE and RESTART reset every
 * vCPU to the entry state; RESTART also drops RAM contents and reloads
 * the images.
 */
#define AXVM_FINALIZE		_IO(AXVMIO, 0x19)	/* loading -> loaded */
#define AXVM_START		_IO(AXVMIO, 0x1a)	/* loaded -> running */
#define AXVM_PAUSE		_IO(AXVMIO, 0x1b)	/* running -> suspended */
#define AXVM_RESUME		_IO(AXVMIO, 0x1c)	/* suspended -> running */
/* running, suspended -> stopping -> stopped; returns once stopped */
#define AXVM_STOP		_IO(AXVMIO, 0x1d)
#define AXVM_RESTART		_IO(AXVMIO, 0x1e)	/* stopped -> running */
#define AXVM_DESTROY		_IO(AXVMIO, 0x1f)	/* managed: drop the module's ref */

/* Bare VMs only: -EINVAL on a platform VM (which has AXVM_SET_GSI). */
struct axvm_irq {
	__u32 vcpu;		/* target vCPU id */
	__u32 irq;		/* IRQ line (delivered as vector 0x20 + line) */
	__u32 flags;		/* must be 0 */
	__u32 pad;
};
#define AXVM_IRQ_LINE		_IOW(AXVMIO, 0x20, struct axvm_irq)

/* Returns the console fd: read guest output, write guest input, poll. */
#define AXVM_GET_CONSOLE_FD	_IO(AXVMIO, 0x21)

/*
 * Platform VMs: drive interrupt line @gsi (0-23) to @level, as a device
 * would. GSIs 0-15 are the ISA IRQs: each drives 8259 input n and IOAPIC
 * pin n, but IRQ 0 drives pin 2 (the PC's override); 16-23 drive IOAPIC
 * pins only. An edge interrupt is a pulse: level 1, then 0. -EINVAL on
 * a bare VM (which has AXVM_IRQ_LINE), for a bad GSI or flags.
 */
struct axvm_gsi {
	__u32 gsi;
	__u32 level;		/* 0 or 1 */
	__u32 flags;		/* must be 0 */
	__u32 pad;
};
#define AXVM_SET_GSI		_IOW(AXVMIO, 0x22, struct axvm_gsi)

/*
 * Platform VMs: a message-signalled interrupt, the write a PCI device
 * would make: @address 0xfeeXXXXX (destination in bits 19:12, logical
 * in bit 2), @data vector in bits 7:0, delivery mode in bits 10:8
 * (fixed, lowest priority or NMI), level in bit 15. -EINVAL otherwise.
 */
struct axvm_msi {
	__u64 address;
	__u32 data;
	__u32 flags;		/* must be 0 */
	__u64 reserved[2];
};
#define AXVM_SIGNAL_MSI		_IOW(AXVMIO, 0x23, struct axvm_msi)

/* ---- vCPU fd ------------------------------------------------------------ */

/*
 * Run until an exit needs userspace. On a suspended VM it sleeps until
 * RESUME, STOP or a signal; on a stopped one it returns 0 at once with
 * the stop's exit (STOPPED, SYSTEM_DOWN, SHUTDOWN). docs/api.md,
 * "Running a vCPU".
 */
#define AXVM_RUN		_IO(AXVMIO, 0x80)

struct axvm_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};
/*
 * The SET_* register ioctls fail with -EBUSY while the VM is loading:
 * FINALIZE resets every vCPU to the entry state, so set them after it.
 * RESTART resets them too.
 */
#define AXVM_GET_REGS		_IOR(AXVMIO, 0x81, struct axvm_regs)
#define AXVM_SET_REGS		_IOW(AXVMIO, 0x82, struct axvm_regs)

struct axvm_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u16 attrib;		/* VMCB attribute format: type, S, DPL, P, AVL, L, DB, G */
};

struct axvm_dtable {
	__u64 base;
	__u16 limit;
	__u16 pad[3];
};

struct axvm_sregs {
	struct axvm_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct axvm_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, efer;
	__u64 reserved[4];
};
#define AXVM_GET_SREGS		_IOR(AXVMIO, 0x83, struct axvm_sregs)
#define AXVM_SET_SREGS		_IOW(AXVMIO, 0x84, struct axvm_sregs)

/*
 * Inject a vector into this vCPU (inject_irq_to_vcpu). Bare VMs only:
 * -EINVAL on a platform VM, whose interrupts come through its APICs.
 */
struct axvm_interrupt {
	__u32 vector;		/* 16..255 */
	__u32 flags;		/* must be 0 */
};
#define AXVM_INTERRUPT		_IOW(AXVMIO, 0x85, struct axvm_interrupt)

/* Exit reasons in axvm_run.exit_reason: axvcpu's AxVCpuExitReason. */
enum axvm_exit_reason {
	AXVM_EXIT_NONE = 0,
	AXVM_EXIT_HYPERCALL = 1,
	AXVM_EXIT_MMIO = 2,
	AXVM_EXIT_IO = 3,
	AXVM_EXIT_SHUTDOWN = 4,		/* triple fault */
	AXVM_EXIT_SYSTEM_DOWN = 5,	/* a write to a debug-exit device */
	AXVM_EXIT_FAIL_ENTRY = 6,
	AXVM_EXIT_INTERNAL_ERROR = 7,
	/*
	 * VMM mode: an access the kernel cannot emulate (a fetch or page
	 * walk outside RAM, an access the region's flags forbid)
	 */
	AXVM_EXIT_NPF = 8,
	AXVM_EXIT_INTR = 9,		/* interrupted (signal or immediate_exit) */
	AXVM_EXIT_HALT = 10,		/* reserved, never returned: HLT sleeps */
	AXVM_EXIT_STOPPED = 11,		/* the VM was stopped (or is stopping) */
	/* the guest reset the machine: the VM is stopped; RESTART reboots it */
	AXVM_EXIT_RESET = 12,
};

#define AXVM_IO_IN		0
#define AXVM_IO_OUT		1

/* mmap(vcpu_fd, 0, AXVM_RUN_SIZE) */
#define AXVM_RUN_SIZE		4096

struct axvm_run {
	/* in: nonzero, RUN returns -EINTR before entering; RUN never clears it */
	__u8 immediate_exit;
	__u8 pad0[7];
	/* out */
	__u32 exit_reason;	/* enum axvm_exit_reason */
	__u32 flags;
	union {
		/* AXVM_EXIT_IO: for IN, fill data before the next RUN */
		struct {
			__u8 direction;	/* AXVM_IO_* */
			__u8 size;	/* 1, 2, 4 */
			__u16 port;
			__u32 count;	/* always 1 for now */
			__u64 data;
		} io;
		/* AXVM_EXIT_MMIO: for a read, fill data before the next RUN */
		struct {
			__u64 gpa;
			__u64 data;
			__u32 len;	/* 1, 2, 4, 8 */
			__u8 is_write;
			__u8 pad[3];
		} mmio;
		/* AXVM_EXIT_HYPERCALL: set ret before the next RUN */
		struct {
			__u64 nr;
			__u64 args[6];
			__u64 ret;
		} hypercall;
		/* AXVM_EXIT_SYSTEM_DOWN */
		struct {
			__s64 code;
		} system_down;
		/* AXVM_EXIT_FAIL_ENTRY */
		struct {
			__u64 hardware_reason;
		} fail_entry;
		/* AXVM_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;
			__u32 pad;
			__u64 data[4];
		} internal;
		/* AXVM_EXIT_NPF */
		struct {
			__u64 gpa;
			__u64 access;	/* AXVM_MEM_* of the faulting access */
		} npf;
		__u8 pad1[256];
	};
};

#define AXVM_INTERNAL_ERROR_DECODE	1	/* MMIO instruction not decodable */
#define AXVM_INTERNAL_ERROR_UNHANDLED	2	/* exit code with no handler */
/* MMIO while delivering an event (IDT, stack): data[0] gpa, [1] EXITINTINFO */
#define AXVM_INTERNAL_ERROR_DELIVERY	3

#endif /* _UAPI_LINUX_AXVM_H */
