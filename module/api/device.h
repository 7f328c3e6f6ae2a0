/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Emulated devices (axdevice's BaseDeviceOps and AxVmDevices), better:
 * one range set per address space (port I/O, MMIO) with overlap
 * rejection and O(log n) lookup, device types registered in a table,
 * devices that raise IRQs, and a miss that is an answer, not a panic.
 *
 * Locking: a device set is built while the VM is loading (under the VM's
 * config lock) and only read afterwards, so lookups take no lock. Each
 * device serialises its own state (the UART has a spinlock).
 * See docs/devices.md.
 */
#ifndef AXVM_DEVICE_H
#define AXVM_DEVICE_H

#include <linux/types.h>
#include <linux/rbtree.h>
#include <uapi/linux/axvm.h>

struct axvm_device_inst;
struct axvm_devset;

/* Devices per VM, both spaces together. */
#define AXVM_MAX_DEVICES	64
/* IRQ lines a device may be given: line N is vector 0x20 + N (DESIGN §4). */
#define AXVM_DEV_NR_IRQS	(256 - 0x20)
/* Port space is 16 bits wide: a PIO device must end at or below this. */
#define AXVM_PIO_LIMIT		0x10000ULL

/*
 * A device type: one file in module/devices/, one entry in the table of
 * module/device.c, one extern line below. All ops are required but
 * destroy (may be NULL when create allocates nothing).
 */
struct axvm_device_type {
	u32 type;			/* AXVM_DEV_* */
	const char *name;		/* "uart16550", as in configs */
	u32 cap;			/* AXVM_CAP_DEV_* */
	/*
	 * Checks what the generic code cannot (space, length): -EINVAL
	 * when the type does not support it. Allocates dev->priv and puts
	 * the device in its power-on state. May sleep.
	 */
	int (*create)(struct axvm_device_inst *dev);
	void (*destroy)(struct axvm_device_inst *dev);
	/* Back to power-on values (VM restart). May sleep. */
	void (*reset)(struct axvm_device_inst *dev);
	/*
	 * @offset is from dev->base and the access [offset, offset + width)
	 * lies inside the device; @width is 1, 2, 4 or 8. Called from vCPU
	 * threads, concurrently for one device: serialise inside. Must not
	 * sleep. The generic code masks the result to @width; @value of a
	 * write is already masked.
	 */
	u64 (*read)(struct axvm_device_inst *dev, u64 offset, u8 width);
	void (*write)(struct axvm_device_inst *dev, u64 offset, u8 width,
		      u64 value);
	/*
	 * Optional: bytes typed on the VM's console (the console fd,
	 * `axvmctl console`). Returns how many it took (0 when full),
	 * never sleeps; any context but NMI.
	 */
	int (*input)(struct axvm_device_inst *dev, const u8 *buf, size_t len);
};

/* One per line of include/axvm/device_types.h: axvm_<ident>_type. */
extern const struct axvm_device_type axvm_uart16550_type;
extern const struct axvm_device_type axvm_debug_exit_type;

/*
 * What a device may ask of its VM. Any method may be NULL (the device
 * then does without). None may sleep: they are called from vCPU threads
 * and from the console fd, console_out and system_down with the
 * device's spinlock held and interrupts off, so they must not call back
 * into the device either.
 */
struct axvm_device_host {
	/* Raise IRQ line @irq (edge). Called without device locks held. */
	void (*raise_irq)(void *ctx, u32 irq);
	/* Append guest console output. */
	void (*console_out)(void *ctx, const u8 *buf, size_t len);
	/* Stop the VM with AXVM_STOP_DEBUG_EXIT and @code. */
	void (*system_down)(void *ctx, s64 code);
	void *ctx;
};

struct axvm_device_inst {
	struct rb_node node;
	const struct axvm_device_type *type;
	const struct axvm_device_host *host;
	u32 space;			/* AXVM_SPACE_* */
	u64 base;
	u64 length;
	u32 irq;			/* AXVM_IRQ_NONE when none */
	char name[16];			/* NUL-terminated; type name if "" */
	void *priv;
};

struct axvm_devset {
	struct rb_root spaces[2];	/* indexed by AXVM_SPACE_* */
	unsigned int nr;
	const struct axvm_device_host *host;
};

const struct axvm_device_type *axvm_device_type_find(u32 type);
const struct axvm_device_type *axvm_device_type_by_name(const char *name);
/* Does a device type announce @cap (for AXVM_CHECK_EXTENSION)? */
bool axvm_device_has_cap(unsigned long cap);

void axvm_devset_init(struct axvm_devset *set,
		      const struct axvm_device_host *host);
/* Destroys every device; the set is empty (and reusable) afterwards. */
void axvm_devset_destroy(struct axvm_devset *set);
/*
 * -EINVAL for a bad uapi struct (flags, reserved, space, length 0,
 * overflow, a PIO range past 0xffff, irq >= AXVM_DEV_NR_IRQS, name not
 * NUL-terminated) or a space/length the type refuses, -ENODEV for an
 * unknown type, -EEXIST on overlap, -ENOSPC past AXVM_MAX_DEVICES,
 * -ENOMEM. Nothing changes on error. May sleep.
 */
int axvm_devset_add(struct axvm_devset *set, const struct axvm_device *req);
/*
 * The device that contains all of [addr, addr + width), or NULL (also
 * for a bad space or a width other than 1, 2, 4, 8). O(log n).
 */
struct axvm_device_inst *axvm_devset_find(struct axvm_devset *set, u32 space,
					  u64 addr, u8 width);
/*
 * Call @fn for each device, port space first, then by address; stops at
 * and returns the first nonzero result. The set must not change
 * meanwhile (it changes only while the VM is loading, under its lock).
 */
int axvm_devset_for_each(struct axvm_devset *set,
			 int (*fn)(void *ctx, const struct axvm_device_inst *dev),
			 void *ctx);
/*
 * Console input for the first device (by space, then address) whose
 * type takes input: how many bytes it took, or -ENXIO when none does.
 */
int axvm_devset_console_input(struct axvm_devset *set, const u8 *buf,
			      size_t len);
/*
 * Dispatch: false when no device claims the whole access; a read then
 * sets *@value to all ones of @width (what the caller gives the guest,
 * after counting the miss). Context: vCPU thread, must not sleep.
 */
bool axvm_devset_read(struct axvm_devset *set, u32 space, u64 addr, u8 width,
		      u64 *value);
bool axvm_devset_write(struct axvm_devset *set, u32 space, u64 addr, u8 width,
		       u64 value);
/* Power-on state for every device (VM restart). May sleep. */
void axvm_devset_reset(struct axvm_devset *set);

/* For device types: raise dev->irq through the host, if it has one. */
void axvm_device_raise_irq(struct axvm_device_inst *dev);


#endif /* AXVM_DEVICE_H */
