/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libaxvm: building and running VMs on /dev/axvm, in one place.
 *
 * The ioctl API (<linux/axvm.h>, docs/api.md) is fd-shaped, as KVM's is.
 * This library is what every VMM writes on top of it anyway, written
 * once: open the device, create a VM, give it RAM, images, devices and
 * an entry, create its vCPUs with their run structures mapped, drive its
 * lifecycle, and run a vCPU. axvmctl, the test programs, the benchmark
 * and the example VMM all build their VMs with it (docs/vmm-guide.md).
 *
 *   #include <axvm/axvm.h>          cc ... -laxvm
 *
 * Errors: a function returns -1 (a pointer: NULL) and sets errno, as the
 * ioctls do; 0 or a value >= 0 is success. Where a function is one
 * ioctl, errno is that ioctl's (docs/api.md lists them), so a caller can
 * test a refusal exactly. Nothing here prints, exits or installs signal
 * handlers: the messages are the caller's.
 *
 * Objects: an int for /dev/axvm; struct axvm_vm for a VM fd and the
 * vCPUs created through it; struct axvm_vcpu for a vCPU fd and its run
 * structure. Their fields may be read; change them only through these
 * functions. A VM fd obtained some other way can be used with the VM
 * calls as "struct axvm_vm vm = { .fd = fd };". The fds the kernel
 * gives are all close-on-exec.
 *
 * Names: axvm_vm__verb() and axvm_vcpu__verb() act on those structures
 * (kvmtool's and tools/lib's object__method), which also keeps them
 * apart from the module's own axvm_vm_*() and axvm_vcpu_*() functions;
 * the calls on /dev/axvm are named after their ioctls.
 */
#ifndef AXVM_LIB_AXVM_H
#define AXVM_LIB_AXVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/axvm.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The most vCPUs a struct axvm_vm tracks (the module's hard limit). */
#define AXVM_LIB_MAX_VCPUS	64

struct axvm_vcpu {
	int fd;
	uint32_t id;
	struct axvm_run *run;		/* mapped in VMM mode, else NULL */
};

struct axvm_vm {
	int fd;				/* the VM fd; -1 once closed */
	uint32_t id;
	uint32_t flags;			/* AXVM_VM_*, as created */
	uint32_t nr_vcpus;		/* vcpus[0 .. nr_vcpus - 1] */
	struct axvm_vcpu vcpus[AXVM_LIB_MAX_VCPUS];	/* in creation order */
};

/* ---- /dev/axvm ---------------------------------------------------------- */

/* Open /dev/axvm (or @path) read-write, close-on-exec: the fd. */
int axvm_open(void);
int axvm_open_path(const char *path);
/* AXVM_GET_API_VERSION: the module's API version. */
int axvm_api_version(int sys);
/* 0 when the module speaks AXVM_API_VERSION; else -1, errno EPROTO. */
int axvm_check_api(int sys);
/* AXVM_CHECK_EXTENSION: 0 absent, > 0 present (or the limit). */
long axvm_check_extension(int sys, unsigned int cap);
/*
 * The number of VMs. With @ids, also their ids, ascending, in a new
 * array *@ids the caller frees (when it returns >= 0).
 */
int axvm_list_vms(int sys, uint32_t **ids);
/* AXVM_QUERY_VM: any VM's info, by id, without an fd. */
int axvm_query_vm(int sys, uint32_t id, struct axvm_vm_info *info);

/* ---- a VM --------------------------------------------------------------- */

/*
 * AXVM_CREATE_VM with @cv (zero what you do not set: flags 0 is a bare
 * VM in VMM mode; AXVM_VM_MANAGED makes it managed, AXVM_VM_PLATFORM_PC
 * gives it the PC platform when AXVM_CAP_PLATFORM_PC says the module has
 * it; max_vcpus; optional name, id, pcpu_sets). Fills @vm and cv->id.
 * On failure @vm is closed (fd -1).
 */
int axvm_vm__create(struct axvm_vm *vm, int sys, struct axvm_create_vm *cv);
/* AXVM_OPEN_VM: an existing VM, by id, with its flags. */
int axvm_vm__open(struct axvm_vm *vm, int sys, uint32_t id);
/*
 * Unmap the run structures, close the vCPU fds and the VM fd: the end of
 * a VMM-mode VM. A managed VM lives on (axvm_vm__destroy() ends it).
 * Safe on a closed @vm; keeps errno.
 */
void axvm_vm__close(struct axvm_vm *vm);

int axvm_vm__info(struct axvm_vm *vm, struct axvm_vm_info *info);

/* Configuration: only while the VM is loading (before finalize). */
int axvm_vm__add_region(struct axvm_vm *vm,
			const struct axvm_memory_region *r);
/* RAM the kernel allocates (AXVM_MAP_ALLOC), @flags AXVM_MEM_*. */
int axvm_vm__add_ram(struct axvm_vm *vm, uint64_t gpa, uint64_t size,
		     uint32_t flags);
int axvm_vm__add_device(struct axvm_vm *vm, const struct axvm_device *dev);
/* The PC's two: a 16550 at ports 0x3f8-0x3ff, IRQ line 4, "com1"; */
extern const struct axvm_device axvm_dev_com1;
/* and the debug-exit port 0xf4 (4 ports): a write of V stops the VM. */
extern const struct axvm_device axvm_dev_debug_exit;
/* AXVM_LOAD_IMAGE: @im says what and how; entry and mode come back. */
int axvm_vm__load_image(struct axvm_vm *vm, struct axvm_image *im);
/* A flat binary of @size bytes at @gpa (AXVM_IMAGE_RAW). */
int axvm_vm__load_raw(struct axvm_vm *vm, uint64_t gpa, const void *buf,
		      size_t size);
/*
 * A Multiboot module (AXVM_IMAGE_MODULE, AXVM_CAP_MULTIBOOT_MODULES):
 * @size bytes at @gpa (4 KiB aligned), or with @gpa 0 on the page after
 * every image loaded before it; @string (NULL: none) is its string. A
 * Multiboot kernel's command line is struct axvm_image.cmdline.
 */
int axvm_vm__load_module(struct axvm_vm *vm, uint64_t gpa, const void *buf,
			 size_t size, const char *string);
/*
 * A bzImage kernel's initrd (AXVM_IMAGE_INITRD, AXVM_CAP_IMAGE_BZIMAGE),
 * after the kernel: at @gpa (4 KiB aligned), or with @gpa 0 as high as
 * the kernel and RAM allow.
 */
int axvm_vm__load_initrd(struct axvm_vm *vm, uint64_t gpa, const void *buf,
			 size_t size);
/* AXVM_SET_ENTRY: every vCPU starts at @entry in @mode (AXVM_MODE_*). */
int axvm_vm__set_entry(struct axvm_vm *vm, uint64_t entry, uint32_t mode);
/*
 * AXVM_SET_ENTRY with AXVM_ENTRY_AP (AXVM_CAP_AP_ENTRY): the APs (every
 * vCPU but 0) start at @entry, in the mode of the VM's entry, so set
 * that first. Without it they start at the VM's entry, or on a PC
 * platform VM wait for INIT/SIPI.
 */
int axvm_vm__set_ap_entry(struct axvm_vm *vm, uint64_t entry);
/*
 * AXVM_CREATE_VCPU @id, recorded in vm->vcpus; in VMM mode its struct
 * axvm_run is mapped too. Create the vCPUs you run before finalize.
 */
struct axvm_vcpu *axvm_vm__add_vcpu(struct axvm_vm *vm, uint32_t id);

/* Guest memory, in any state: one ioctl, at most 1 MiB. */
int axvm_vm__read(struct axvm_vm *vm, uint64_t gpa, void *buf,
		  uint64_t size);
int axvm_vm__write(struct axvm_vm *vm, uint64_t gpa, const void *buf,
		   uint64_t size);

/* The lifecycle (docs/api.md): each refuses a transition that is not one. */
int axvm_vm__finalize(struct axvm_vm *vm);	/* loading -> loaded */
int axvm_vm__start(struct axvm_vm *vm);		/* loaded -> running */
int axvm_vm__pause(struct axvm_vm *vm);		/* running -> suspended */
int axvm_vm__resume(struct axvm_vm *vm);	/* suspended -> running */
int axvm_vm__stop(struct axvm_vm *vm);		/* -> stopped */
int axvm_vm__restart(struct axvm_vm *vm);	/* stopped -> running */
int axvm_vm__destroy(struct axvm_vm *vm);	/* managed, not running */

/*
 * Raise IRQ line @line of vCPU @vcpu (vector 0x20 + line); any thread.
 * Bare VMs only: a PC platform VM's interrupts go through the next two.
 */
int axvm_vm__irq_line(struct axvm_vm *vm, uint32_t vcpu, uint32_t line);
/*
 * AXVM_SET_GSI (AXVM_CAP_SET_GSI), PC platform VMs: drive interrupt line
 * @gsi (0-23) to @level (0 or 1), as a device would; an edge interrupt
 * is level 1, then 0. Any thread.
 */
int axvm_vm__set_gsi(struct axvm_vm *vm, uint32_t gsi, uint32_t level);
/*
 * AXVM_SIGNAL_MSI (AXVM_CAP_SIGNAL_MSI), PC platform VMs: the write of
 * @data to @address (0xfeeXXXXX) a PCI device makes to signal an MSI.
 * Any thread.
 */
int axvm_vm__signal_msi(struct axvm_vm *vm, uint64_t address, uint32_t data);
/* AXVM_GET_CONSOLE_FD; @flags 0 or O_NONBLOCK. The console fd. */
int axvm_vm__console(struct axvm_vm *vm, int flags);

/* ---- a vCPU ------------------------------------------------------------- */

/*
 * One AXVM_RUN. 0 when vcpu->run says why it came back, including
 * AXVM_EXIT_INTR for a signal or immediate_exit (the ioctl's EINTR);
 * -1 with errno when it failed.
 */
int axvm_vcpu__run(struct axvm_vcpu *vcpu);
/*
 * Answer the exit in @run as a machine with nothing there: an IN or an
 * MMIO read gets all ones, a hypercall -ENOSYS, an OUT or an MMIO write
 * is dropped. True for those exits (run the vCPU again), false for the
 * others. Handle what you emulate first, then call this.
 */
bool axvm_exit_unclaimed(struct axvm_run *run);

int axvm_vcpu__get_regs(struct axvm_vcpu *vcpu, struct axvm_regs *regs);
int axvm_vcpu__set_regs(struct axvm_vcpu *vcpu,
			const struct axvm_regs *regs);
int axvm_vcpu__get_sregs(struct axvm_vcpu *vcpu, struct axvm_sregs *sregs);
int axvm_vcpu__set_sregs(struct axvm_vcpu *vcpu,
			 const struct axvm_sregs *sregs);
/* Inject @vector (16..255) into this vCPU; any thread. */
int axvm_vcpu__interrupt(struct axvm_vcpu *vcpu, uint32_t vector);

/* ---- images ------------------------------------------------------------- */

/*
 * Read the regular file @path (up to 4 GiB) into a new buffer *@buf the
 * caller frees. errno EISDIR for a directory, EINVAL for another kind of
 * file, ENODATA when empty, EFBIG when too large.
 */
int axvm_image_read(const char *path, void **buf, size_t *size);
bool axvm_image_is_elf(const void *buf, size_t size);
/* A valid Multiboot v1 header in the first 8 KiB. */
bool axvm_image_is_multiboot(const void *buf, size_t size);
/* A Linux/x86 boot protocol image: "HdrS" at 0x202. */
bool axvm_image_is_bzimage(const void *buf, size_t size);
/* The AXVM_IMAGE_* AXVM_LOAD_IMAGE takes these bytes as. */
uint32_t axvm_image_format(const void *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* AXVM_LIB_AXVM_H */
