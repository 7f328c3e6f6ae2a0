// SPDX-License-Identifier: GPL-2.0
/*
 * The guest page walker: paging off, 32-bit two-level (4 MiB pages with
 * CR4.PSE, PSE-40 high bits), PAE three-level, long mode four- or
 * five-level (2 MiB and 1 GiB pages). Reserved bits follow AMD (the
 * backend is SVM): non-leaf PML5E/PML4E/PDPE bit 8 is reserved too.
 * Every level is bounded, so a guest's looping tables cannot hang it.
 */
#include "gwalk.h"

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_US		(1ULL << 2)
#define PTE_PS		(1ULL << 7)
#define PTE_NX		(1ULL << 63)

#define AXVM_GW_ACCESS	(AXVM_GW_WRITE | AXVM_GW_USER | AXVM_GW_FETCH)
#define GW_PAGE_SIZE	4096u

enum axvm_gw_format {
	GW_FMT_32,		/* two levels of 4-byte entries */
	GW_FMT_PAE,		/* PDPT (4 entries), PD, PT */
	GW_FMT_LONG,		/* 4 or 5 levels */
};

struct axvm_gw_state {
	enum axvm_gw_format fmt;
	unsigned int maxphy;	/* MAXPHYADDR, 32..52 */
	bool nxe;
};

/* Bits lo..hi set; none when lo > hi. */
static u64 gw_bits(unsigned int lo, unsigned int hi)
{
	if (lo > hi || hi > 63)
		return 0;
	return (~0ULL >> (63 - hi)) & ~((1ULL << lo) - 1);
}

/* Can an entry at @level map a page (when its PS bit is set)? */
static bool gw_can_be_large(const struct axvm_gw_state *s,
			    const struct axvm_gwalk_cpu *cpu,
			    unsigned int level)
{
	switch (s->fmt) {
	case GW_FMT_32:
		return level == 2 && (cpu->cr4 & AXVM_CR4_PSE);
	case GW_FMT_PAE:
		return level == 2;
	default:
		return level == 2 || level == 3;
	}
}

/* The bits that must be zero in a present entry at @level. */
static u64 gw_rsvd(const struct axvm_gw_state *s, unsigned int level,
		   bool large)
{
	u64 nx = s->nxe ? 0 : PTE_NX;
	u64 high;

	switch (s->fmt) {
	case GW_FMT_32:
		if (!large)
			return 0;
		/* 4 MiB: bits 20:13 are PA 39:32, bit 21 is reserved. */
		return gw_bits(21, 21) | gw_bits(13 + s->maxphy - 32, 20);
	case GW_FMT_PAE:
		high = gw_bits(s->maxphy, 62);
		/* A PDPTE has no permission bits and no NX. */
		if (level == 3)
			return high | PTE_NX | gw_bits(5, 8) | gw_bits(1, 2);
		return high | nx | (large ? gw_bits(13, 20) : 0);
	default:
		high = gw_bits(s->maxphy, 51) | nx;
		if (level >= 4)
			return high | gw_bits(7, 8);
		if (level == 3)
			return high | (large ? gw_bits(13, 29) : gw_bits(8, 8));
		if (level == 2 && large)
			return high | gw_bits(13, 20);
		return high;
	}
}

static int gw_read_entry(const struct axvm_gwalk_cpu *cpu, u64 gpa,
			 unsigned int size, u64 *pte)
{
	u8 raw[8] = { 0 };
	unsigned int i;
	int ret;

	ret = cpu->read_gpa(cpu->ctx, gpa, raw, size);
	if (ret < 0)
		return ret == -EFAULT ? -ENXIO : ret;
	*pte = 0;
	for (i = 0; i < size; i++)
		*pte |= (u64)raw[i] << (8 * i);
	return 0;
}

/* The #PF error code: the access, plus I/D when NX or SMEP is on. */
static u32 gw_pfec(const struct axvm_gwalk_cpu *cpu, u32 access, u32 extra)
{
	u32 pfec = (access & (AXVM_GW_WRITE | AXVM_GW_USER)) | extra;

	if ((access & AXVM_GW_FETCH) &&
	    ((cpu->efer & AXVM_EFER_NXE) || (cpu->cr4 & AXVM_CR4_SMEP)))
		pfec |= AXVM_PFERR_FETCH;
	return pfec;
}

int axvm_gwalk_translate(const struct axvm_gwalk_cpu *cpu, u64 gva,
			 u32 access, u64 *gpa, u32 *pfec)
{
	struct axvm_gw_state s = { 0 };
	bool rw = true, us = true, nx = false, large = false;
	unsigned int levels, level, shift = 12, esize;
	u64 table, addr_mask, pte = 0, page;
	int ret;

	*gpa = 0;
	*pfec = 0;
	if ((access & ~AXVM_GW_ACCESS) ||
	    ((access & AXVM_GW_WRITE) && (access & AXVM_GW_FETCH)))
		return -EINVAL;

	/* Without paging, linear is physical, 32 bits wide. */
	if (!(cpu->cr0 & AXVM_CR0_PG)) {
		*gpa = gva & 0xffffffffULL;
		return 0;
	}

	s.maxphy = cpu->maxphyaddr ? cpu->maxphyaddr : 52;
	if (s.maxphy < 32)
		s.maxphy = 32;
	if (s.maxphy > 52)
		s.maxphy = 52;
	s.nxe = cpu->efer & AXVM_EFER_NXE;
	addr_mask = gw_bits(12, s.maxphy - 1);

	if (cpu->efer & AXVM_EFER_LMA) {
		unsigned int va_bits;

		s.fmt = GW_FMT_LONG;
		levels = (cpu->cr4 & AXVM_CR4_LA57) ? 5 : 4;
		va_bits = levels == 5 ? 57 : 48;
		/* Non-canonical: the CPU raises #GP before any walk. */
		if ((u64)((s64)(gva << (64 - va_bits)) >>
			  (64 - va_bits)) != gva)
			return -EINVAL;
		table = cpu->cr3 & addr_mask;
		esize = 8;
	} else if (cpu->cr4 & AXVM_CR4_PAE) {
		s.fmt = GW_FMT_PAE;
		levels = 3;
		gva &= 0xffffffffULL;
		table = cpu->cr3 & 0xffffffe0ULL;
		esize = 8;
	} else {
		s.fmt = GW_FMT_32;
		levels = 2;
		gva &= 0xffffffffULL;
		table = cpu->cr3 & 0xfffff000ULL;
		addr_mask = 0xfffff000ULL;
		esize = 4;
	}

	for (level = levels; level >= 1; level--) {
		unsigned int index;

		if (esize == 4) {
			shift = 12 + 10 * (level - 1);
			index = (gva >> shift) & 0x3ff;
		} else {
			shift = 12 + 9 * (level - 1);
			index = (gva >> shift) & 0x1ff;
		}
		ret = gw_read_entry(cpu, table + index * esize, esize, &pte);
		if (ret)
			return ret;
		if (!(pte & PTE_P)) {
			*pfec = gw_pfec(cpu, access, 0);
			return -EFAULT;
		}
		large = gw_can_be_large(&s, cpu, level) && (pte & PTE_PS);
		if (pte & gw_rsvd(&s, level, large)) {
			*pfec = gw_pfec(cpu, access, AXVM_PFERR_PRESENT |
					AXVM_PFERR_RSVD);
			return -EFAULT;
		}
		/* PAE PDPTEs carry no permissions. */
		if (!(s.fmt == GW_FMT_PAE && level == 3)) {
			rw &= !!(pte & PTE_RW);
			us &= !!(pte & PTE_US);
			nx |= s.nxe && (pte & PTE_NX);
		}
		if (large || level == 1)
			break;
		table = pte & addr_mask;
	}

	if (s.fmt == GW_FMT_32 && large)
		page = (pte & 0xffc00000ULL) | (((pte >> 13) & 0xff) << 32);
	else
		page = pte & addr_mask & ~((1ULL << shift) - 1);

	if (((access & AXVM_GW_USER) && !us) ||
	    ((access & AXVM_GW_WRITE) && !rw &&
	     ((access & AXVM_GW_USER) || (cpu->cr0 & AXVM_CR0_WP))) ||
	    ((access & AXVM_GW_FETCH) && nx) ||
	    ((access & AXVM_GW_FETCH) && !(access & AXVM_GW_USER) && us &&
	     (cpu->cr4 & AXVM_CR4_SMEP))) {
		*pfec = gw_pfec(cpu, access, AXVM_PFERR_PRESENT);
		return -EFAULT;
	}

	*gpa = page | (gva & ((1ULL << shift) - 1));
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_gwalk_translate);

int axvm_gwalk_fetch(const struct axvm_gwalk_cpu *cpu, u64 lin, bool user,
		     u8 *buf, unsigned int len, struct axvm_gwalk_fault *fault)
{
	u32 access = AXVM_GW_FETCH | (user ? AXVM_GW_USER : 0);
	bool wrap32 = !((cpu->cr0 & AXVM_CR0_PG) &&
			(cpu->efer & AXVM_EFER_LMA));
	unsigned int done = 0;

	memset(fault, 0, sizeof(*fault));
	if (!len || len > 15)
		return -EINVAL;

	while (done < len) {
		u64 addr = lin + done, gpa;
		unsigned int chunk;
		u32 pfec;
		int ret;

		if (wrap32)
			addr &= 0xffffffffULL;
		chunk = GW_PAGE_SIZE - (addr & (GW_PAGE_SIZE - 1));
		if (chunk > len - done)
			chunk = len - done;

		ret = axvm_gwalk_translate(cpu, addr, access, &gpa, &pfec);
		if (!ret) {
			/* Same page offset as addr: stays inside one page. */
			ret = cpu->read_gpa(cpu->ctx, gpa, buf + done, chunk);
			if (ret == -EFAULT)
				ret = -ENXIO;
			pfec = 0;
		}
		if (ret < 0) {
			fault->err = ret;
			fault->error_code = pfec;
			fault->addr = addr;
			break;
		}
		done += chunk;
	}
	return done;
}
AXVM_EXPORT_FOR_TESTS(axvm_gwalk_fetch);
