/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's CMOS real-time clock and NVRAM: a Motorola MC146818A (as in
 * every PC chipset since the AT) at ports 0x70 (index) and 0x71 (data),
 * interrupting on ISA IRQ 8. A plain API, not a device type of the
 * device set: the platform creates it, routes the guest's accesses to
 * ports 0x70/0x71 to axvm_rtc_port_read/write and its interrupt output
 * to ISA IRQ 8. The model reaches the platform only through the struct
 * axvm_rtc_host it is given; its clock is the host's current_time_nanos.
 *
 * Conventions (see also docs/devices.md):
 * - Time: the RTC's time is the wall-clock time the host gave at
 *   creation plus the time elapsed since, both in seconds; a guest that
 *   sets the clock keeps an offset from it. The second changes at
 *   wall_at_ns + k seconds; setting the clock keeps that phase (the
 *   divider chain runs on), as QEMU does. The time is "local time" only
 *   in the guest's eyes: the model keeps no time zone.
 * - Register A's divider bits (6:4) are stored only: the clock and the
 *   interrupts run as with 010 (32.768 kHz, the only value PCs use).
 *   Register B's SQWE is stored only (there is no SQW pin); DSE is
 *   stored only (no daylight-saving switch is made).
 * - The century (0x32) follows register B's data mode like the other
 *   time registers (BCD by default), as in QEMU and as Linux reads it.
 * - Index port bit 7 masks NMIs on a PC: stored and ignored. Port 0x70
 *   reads 0xff (write-only on a PC, as in QEMU).
 *
 * Locking: every function but create and destroy may be called from any
 * context but NMI, concurrently; each takes the RTC's spinlock with
 * interrupts off and calls host->set_irq only after dropping it. The HAL
 * timer, when no longer needed, is cancelled after the lock is dropped,
 * except in a call made from within set_irq by the timer's callback:
 * it then fires once more and does nothing.
 */
#ifndef AXVM_MC146818_H
#define AXVM_MC146818_H

#include <linux/types.h>

struct axvm_hal_ops;

#define AXVM_RTC_PORT_INDEX	0x70	/* bits 6:0 index, bit 7 NMI mask */
#define AXVM_RTC_PORT_DATA	0x71
#define AXVM_RTC_IRQ		8	/* ISA IRQ */
#define AXVM_RTC_NVRAM_SIZE	128

/* Clock registers (indices). */
#define AXVM_RTC_SEC		0x00
#define AXVM_RTC_SEC_ALARM	0x01
#define AXVM_RTC_MIN		0x02
#define AXVM_RTC_MIN_ALARM	0x03
#define AXVM_RTC_HOUR		0x04	/* 12h mode: bit 7 = PM */
#define AXVM_RTC_HOUR_ALARM	0x05
#define AXVM_RTC_DAY_OF_WEEK	0x06	/* 1 = Sunday */
#define AXVM_RTC_DAY		0x07
#define AXVM_RTC_MONTH		0x08
#define AXVM_RTC_YEAR		0x09	/* 0-99 */
#define AXVM_RTC_REG_A		0x0a
#define AXVM_RTC_REG_B		0x0b
#define AXVM_RTC_REG_C		0x0c	/* read-only; a read clears it */
#define AXVM_RTC_REG_D		0x0d	/* read-only; 0x80 (VRT) */
#define AXVM_RTC_CENTURY	0x32	/* as the ACPI FADT names it */

/* Register A */
#define AXVM_RTC_A_UIP		0x80	/* update in progress, read-only */
#define AXVM_RTC_A_DV		0x70	/* divider: 0x20 = 32.768 kHz */
#define AXVM_RTC_A_RS		0x0f	/* periodic rate select */
/* Register B */
#define AXVM_RTC_B_SET		0x80	/* updates stopped, time settable */
#define AXVM_RTC_B_PIE		0x40
#define AXVM_RTC_B_AIE		0x20
#define AXVM_RTC_B_UIE		0x10
#define AXVM_RTC_B_SQWE		0x08
#define AXVM_RTC_B_DM_BINARY	0x04	/* else BCD */
#define AXVM_RTC_B_24H		0x02	/* else 12h */
#define AXVM_RTC_B_DSE		0x01
/* Register C */
#define AXVM_RTC_C_IRQF		0x80
#define AXVM_RTC_C_PF		0x40
#define AXVM_RTC_C_AF		0x20
#define AXVM_RTC_C_UF		0x10
/* Register D */
#define AXVM_RTC_D_VRT		0x80

/* The power-on values of A and B, as a PC BIOS leaves them. */
#define AXVM_RTC_A_INIT		0x26	/* 32.768 kHz, 1024 Hz periodic */
#define AXVM_RTC_B_INIT		0x02	/* 24h, BCD, no interrupts */

/*
 * NVRAM fields an OS or firmware reads (QEMU's pc_cmos_init, which
 * SeaBIOS reads). Little endian where two or three bytes. The platform
 * fills them with axvm_rtc_nvram_write() or axvm_rtc_set_memory().
 */
/*
 * 0x10: floppy drive types, 4 bits each, 0 for none.
 * 0x14: equipment: bit 0 any floppy, bit 1 FPU, bit 2 PS/2 mouse,
 * 5:4 display (00 EGA/VGA), 7:6 floppies - 1 (QEMU: 0x06, no floppy).
 */
#define AXVM_CMOS_FLOPPY	0x10
#define AXVM_CMOS_EQUIPMENT	0x14
#define AXVM_CMOS_BASE_MEM_LO	0x15	/* base memory in KiB: 640 */
#define AXVM_CMOS_BASE_MEM_HI	0x16
#define AXVM_CMOS_EXT_MEM_LO	0x17	/* KiB from 1 MiB to 64 MiB, */
#define AXVM_CMOS_EXT_MEM_HI	0x18	/* at most 0xfc00 */
#define AXVM_CMOS_EXT_MEM2_LO	0x30	/* the same again (POST copy) */
#define AXVM_CMOS_EXT_MEM2_HI	0x31
#define AXVM_CMOS_MEM_16M_LO	0x34	/* 64 KiB units from 16 MiB */
#define AXVM_CMOS_MEM_16M_HI	0x35	/* to 4 GiB, at most 0xffff */
#define AXVM_CMOS_MEM_4G_LO	0x5b	/* 64 KiB units above 4 GiB, */
#define AXVM_CMOS_MEM_4G_MID	0x5c	/* 24 bits */
#define AXVM_CMOS_MEM_4G_HI	0x5d
#define AXVM_CMOS_NR_CPUS	0x5f	/* number of CPUs - 1 */

#define AXVM_CMOS_BASE_MEM_KB	640
#define AXVM_CMOS_EXT_MEM_MAX	0xfc00	/* KiB: 63 MiB, 1 to 64 MiB */

struct axvm_rtc;

/* What the model asks of the platform. The structure is copied. */
struct axvm_rtc_host {
	/*
	 * The RTC's interrupt output changed to @level: high while
	 * register C's IRQF is set, low once the guest read C. Required.
	 * Called without the RTC's lock held, from whatever context called
	 * into the RTC or from the timer (hard-IRQ context on Linux), never
	 * concurrently with itself: successive calls alternate true and
	 * false and the last one gives the current level. It must not
	 * sleep; it may call back into the RTC.
	 */
	void (*set_irq)(void *ctx, bool level);
	void *ctx;
	/* Required: current_time_nanos and the timer_* methods. */
	const struct axvm_hal_ops *hal;
	/* Unix time wall_sec was read when current_time_nanos was wall_at_ns. */
	s64 wall_sec;
	u64 wall_at_ns;
};

/*
 * A new RTC: the time of @host, A = AXVM_RTC_A_INIT, B = AXVM_RTC_B_INIT,
 * C = 0, the NVRAM zeroed. ERR_PTR(-EINVAL) for a host without set_irq
 * or hal, ERR_PTR(-ENOMEM). May sleep.
 */
struct axvm_rtc *axvm_rtc_create(const struct axvm_rtc_host *host);
/* Cancels its timer and frees it; NULL is fine. No other call may run. */
void axvm_rtc_destroy(struct axvm_rtc *rtc);
/*
 * The RESET pin, as a PC's reset drives it: clears B's PIE, AIE, UIE and
 * SQWE and all of C (the IRQ line goes low). The time, A, the rest of B,
 * the alarm and the NVRAM are kept, as a PC keeps its CMOS.
 */
void axvm_rtc_reset(struct axvm_rtc *rtc);

/* Is @port one of the RTC's (0x70, 0x71)? */
bool axvm_rtc_port(u16 port);
/* A byte access to port 0x70 or 0x71; other ports read 0xff / ignored. */
u8 axvm_rtc_port_read(struct axvm_rtc *rtc, u16 port);
void axvm_rtc_port_write(struct axvm_rtc *rtc, u16 port, u8 val);

/*
 * The platform's (firmware's) write of NVRAM byte @index (0x0e-0x7f but
 * the century, 0x32); other indices are ignored: the clock registers
 * and the century are the clock's.
 */
void axvm_rtc_nvram_write(struct axvm_rtc *rtc, u8 index, u8 val);
/*
 * Fill the memory and CPU fields above for a guest with @below_4g_bytes
 * of RAM from 0 (the PC's hole at 640 KiB-1 MiB included) and
 * @above_4g_bytes from 4 GiB, and @nr_cpus CPUs; each field saturates
 * at its maximum.
 */
void axvm_rtc_set_memory(struct axvm_rtc *rtc, u64 below_4g_bytes,
			 u64 above_4g_bytes, u32 nr_cpus);

#endif /* AXVM_MC146818_H */
