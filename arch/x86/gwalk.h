/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A walk of the guest's own page tables: guest-virtual (linear) address
 * to guest-physical, as the CPU would do it with the guest's CR0, CR3,
 * CR4 and EFER. The SVM backend uses it to fetch the instruction behind
 * an MMIO nested page fault (QEMU's SVM has no decode assists). Guest
 * memory is read only through the caller's callback, so the walker
 * never touches anything the callback does not hand it. Plain C: builds
 * in the kernel and in userspace.
 *
 * The walk only reads: it sets no Accessed/Dirty bits (the hardware
 * already did for the access being emulated). Not modelled: SMAP, PKU,
 * PCID (only the address part of CR3 is used); 1 GiB pages are assumed
 * available, as on every CPU with NPT.
 */
#ifndef AXVM_X86_GWALK_H
#define AXVM_X86_GWALK_H

#include "axvm_types.h"

/* The kind of access (@access), as the bits of the #PF error code. */
#define AXVM_GW_WRITE		(1u << 1)
#define AXVM_GW_USER		(1u << 2)	/* CPL 3 */
#define AXVM_GW_FETCH		(1u << 4)

/* The #PF error code a failed walk reports. */
#define AXVM_PFERR_PRESENT	(1u << 0)	/* protection, not absence */
#define AXVM_PFERR_WRITE	(1u << 1)
#define AXVM_PFERR_USER		(1u << 2)
#define AXVM_PFERR_RSVD		(1u << 3)
#define AXVM_PFERR_FETCH	(1u << 4)

/* Control register bits the walk depends on. */
#define AXVM_CR0_WP		(1ULL << 16)
#define AXVM_CR0_PG		(1ULL << 31)
#define AXVM_CR4_PSE		(1ULL << 4)
#define AXVM_CR4_PAE		(1ULL << 5)
#define AXVM_CR4_LA57		(1ULL << 12)
#define AXVM_CR4_SMEP		(1ULL << 20)
#define AXVM_EFER_LMA		(1ULL << 10)
#define AXVM_EFER_NXE		(1ULL << 11)

/*
 * Read @len bytes of guest-physical memory at @gpa into @buf: 0, or a
 * negative errno (-EFAULT when the range is not guest RAM). Called with
 * @len 4 or 8 for a paging-structure entry and up to 15 by
 * axvm_gwalk_fetch(), never across a 4 KiB boundary.
 */
typedef int (*axvm_read_gpa_t)(void *ctx, u64 gpa, void *buf,
			       unsigned int len);

/* The guest CPU state a walk depends on, and how to read its memory. */
struct axvm_gwalk_cpu {
	u64 cr0;
	u64 cr3;
	u64 cr4;
	u64 efer;
	/* The guest's MAXPHYADDR (CPUID 0x80000008 EAX[7:0]); 0 means 52. */
	u8 maxphyaddr;
	axvm_read_gpa_t read_gpa;
	void *ctx;
};

/*
 * Translate @gva for an @access (AXVM_GW_* bits). Returns 0 and *@gpa;
 * -EFAULT and *@pfec when the guest would take a page fault (CR2 is
 * @gva); -EINVAL for unknown @access bits, a fetch that writes, or a
 * non-canonical @gva in long mode (the CPU would raise #GP, not #PF);
 * -ENXIO when a paging-structure entry is not in guest RAM (the
 * callback said -EFAULT); any other error of the callback as it is.
 */
int axvm_gwalk_translate(const struct axvm_gwalk_cpu *cpu, u64 gva,
			 u32 access, u64 *gpa, u32 *pfec);

/* Why axvm_gwalk_fetch() stopped short of @len bytes. */
struct axvm_gwalk_fault {
	int err;		/* 0, or as axvm_gwalk_translate() */
	u32 error_code;		/* err == -EFAULT: the #PF error code */
	u64 addr;		/* the linear address that failed (CR2) */
};

/*
 * Fetch up to @len (1..15) instruction bytes at linear address @lin
 * into @buf, translating each 4 KiB page on its own (an instruction may
 * cross into an unmapped page). @user: the fetch is at CPL 3. Returns
 * how many bytes were fetched, 0 to @len; when fewer than @len, @fault
 * says why (a -EFAULT there is a #PF the guest takes if the decoder
 * needs those bytes). Outside long mode the address wraps at 4 GiB.
 * -EINVAL for a @len of 0 or above 15.
 */
int axvm_gwalk_fetch(const struct axvm_gwalk_cpu *cpu, u64 lin, bool user,
		     u8 *buf, unsigned int len, struct axvm_gwalk_fault *fault);

#endif /* AXVM_X86_GWALK_H */
