/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 PC's interrupt messages: what an IOAPIC redirection entry, an
 * MSI, or a local APIC's ICR sends to local APICs, and what a local APIC
 * answers to the interrupt controllers behind it. Shared by the device
 * models of module/devices/ (lapic.c, ioapic.c, i8259.c) and the
 * platform code that wires them into a VM; each model reaches the rest
 * of the platform only through the callbacks it is given, so a KUnit
 * test can record them instead.
 *
 * Encodings are the hardware's (Intel SDM vol. 3 ch. 10-11, 82093AA
 * IOAPIC datasheet), so a message is a redirection entry's or ICR's
 * fields unpacked.
 */
#ifndef AXVM_APIC_BUS_H
#define AXVM_APIC_BUS_H

#include <linux/types.h>

/* Delivery modes (ICR bits 10:8, redirection entry bits 10:8). */
#define AXVM_APIC_DM_FIXED	0
#define AXVM_APIC_DM_LOWEST	1
#define AXVM_APIC_DM_SMI	2
#define AXVM_APIC_DM_NMI	4
#define AXVM_APIC_DM_INIT	5
#define AXVM_APIC_DM_SIPI	6	/* "start-up" */
#define AXVM_APIC_DM_EXTINT	7

/* ICR destination shorthands (bits 19:18). */
#define AXVM_APIC_SH_NONE	0
#define AXVM_APIC_SH_SELF	1
#define AXVM_APIC_SH_ALL	2	/* including self */
#define AXVM_APIC_SH_OTHERS	3	/* all excluding self */

/* Physical destination "all": 0xff in xAPIC mode, ~0 in x2APIC mode. */
#define AXVM_APIC_BCAST_XAPIC	0xffU
#define AXVM_APIC_BCAST_X2APIC	0xffffffffU

struct axvm_apic_msg {
	u32 dest;		/* APIC ID or logical mask, per @logical */
	u8 vector;
	u8 delivery;		/* AXVM_APIC_DM_* */
	u8 shorthand;		/* AXVM_APIC_SH_*; NONE but from an ICR */
	bool logical;		/* destination mode: logical */
	bool level;		/* trigger mode: level (else edge) */
	bool assert;		/* level: 1 assert, 0 de-assert (INIT) */
	bool x2apic;		/* sent by an x2APIC (32-bit IDs, no DFR) */
	u32 src;		/* the sender's APIC ID (for shorthands) */
};

#endif /* AXVM_APIC_BUS_H */
