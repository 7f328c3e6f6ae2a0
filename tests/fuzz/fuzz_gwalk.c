// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the guest page walker (arch/x86/gwalk.c): a
 * fuzzer-chosen tiny guest memory (1-8 pages) and control registers.
 * The read callback is the only way into guest memory; it checks the
 * walker's side of the contract (4- or 8-byte entry reads, fetches of at
 * most 15 bytes, never across a page, a bounded number of reads per
 * walk) and ASan checks the buffers. In "wrap" mode every GPA is RAM
 * (modulo the memory size) so deep walks are easy to reach; otherwise a
 * GPA past the memory is -EFAULT and the walker must turn that into
 * -ENXIO. Also checks that permissions are monotonic: what a write or a
 * user access may do, a supervisor read may do.
 */
#include <stdio.h>
#include <stdlib.h>
#include "gwalk.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

#define PAGE		4096u
#define MAX_PAGES	8u

struct fake_mem {
	u8 *mem;
	unsigned int pages;
	bool wrap;
	int fail_errno;		/* returned instead of -EFAULT, or 0 */
	unsigned int reads;
};

struct header {
	u64 cr0, cr3, cr4, efer, gva;
	u8 maxphyaddr, access, flags, len;
};

static int fake_read(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	struct fake_mem *m = ctx;
	u64 size = (u64)m->pages * PAGE;
	u64 off;

	m->reads++;
	CHECK(m->reads <= 2 * 6);	/* two pages of <= 5 levels + data */
	CHECK(len >= 1 && len <= 15);
	CHECK((gpa & (PAGE - 1)) + len <= PAGE);
	if (m->wrap) {
		off = ((gpa / PAGE) % m->pages) * PAGE + (gpa & (PAGE - 1));
	} else {
		if (gpa >= size || len > size - gpa)
			return m->fail_errno ? m->fail_errno : -EFAULT;
		off = gpa;
	}
	memcpy(buf, m->mem + off, len);
	return 0;
}

static bool ok_errno(int ret, int fail_errno)
{
	return ret == 0 || ret == -EFAULT || ret == -EINVAL ||
	       ret == -ENXIO || (fail_errno && ret == fail_errno);
}

static int translate(struct axvm_gwalk_cpu *cpu, struct fake_mem *m, u64 gva,
		     u32 access, u64 *gpa, u32 *pfec)
{
	int ret;

	m->reads = 0;
	ret = axvm_gwalk_translate(cpu, gva, access, gpa, pfec);
	CHECK(m->reads <= 5);
	CHECK(ok_errno(ret, m->fail_errno));
	if (ret != -EFAULT)
		CHECK(*pfec == 0);
	else
		CHECK((*pfec & ~0x1fu) == 0 &&
		      (*pfec & (AXVM_GW_WRITE | AXVM_GW_USER)) ==
		      (access & (AXVM_GW_WRITE | AXVM_GW_USER)));
	if (ret)
		CHECK(*gpa == 0);
	if (!ret && !(cpu->cr0 & AXVM_CR0_PG))
		CHECK(*gpa == (gva & 0xffffffffULL));
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake_mem m = { 0 };
	struct axvm_gwalk_cpu cpu = { 0 };
	struct axvm_gwalk_fault fault;
	struct header h;
	u64 gpa, gpa2;
	u32 pfec, pfec2, access;
	u8 insn[16];
	int ret, ret2, n;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);

	m.pages = 1 + (h.flags & 7);
	m.wrap = h.flags & 8;
	m.fail_errno = (h.flags & 16) ? -ENOMEM : 0;
	m.mem = calloc(m.pages, PAGE);
	CHECK(m.mem);
	memcpy(m.mem, data, size < m.pages * PAGE ? size : m.pages * PAGE);

	cpu.cr0 = h.cr0;
	cpu.cr3 = h.cr3;
	cpu.cr4 = h.cr4;
	cpu.efer = h.efer;
	cpu.maxphyaddr = h.maxphyaddr;
	cpu.read_gpa = fake_read;
	cpu.ctx = &m;

	/* Any access value, valid or not. */
	ret = translate(&cpu, &m, h.gva, h.access, &gpa, &pfec);
	if ((h.access & ~0x16u) || ((h.access & 2) && (h.access & 16)))
		CHECK(ret == -EINVAL);

	/* Monotonic: a write or user success implies a supervisor read's. */
	access = h.access & (AXVM_GW_WRITE | AXVM_GW_USER);
	ret = translate(&cpu, &m, h.gva, access, &gpa, &pfec);
	ret2 = translate(&cpu, &m, h.gva, 0, &gpa2, &pfec2);
	if (!ret)
		CHECK(ret2 == 0 && gpa2 == gpa);
	if (ret == -EFAULT && !(pfec & AXVM_PFERR_PRESENT))
		CHECK(ret2 == -EFAULT && !(pfec2 & AXVM_PFERR_PRESENT));

	/* The fetch, of any length, at any page offset. */
	memset(insn, 0xcc, sizeof(insn));
	m.reads = 0;
	n = axvm_gwalk_fetch(&cpu, h.gva, h.flags & 32, insn, h.len & 15,
			     &fault);
	if (!(h.len & 15)) {
		CHECK(n == -EINVAL);
	} else {
		CHECK(n >= 0 && n <= (h.len & 15));
		CHECK((n == (h.len & 15)) == (fault.err == 0));
		CHECK(ok_errno(fault.err, m.fail_errno));
		CHECK(insn[15] == 0xcc);
		if (fault.err)
			CHECK(fault.addr == ((h.gva + n) &
			      (((cpu.cr0 & AXVM_CR0_PG) &&
				(cpu.efer & AXVM_EFER_LMA)) ?
			       ~0ULL : 0xffffffffULL)));
		if (fault.err != -EFAULT)
			CHECK(fault.error_code == 0);
	}

	free(m.mem);
	return 0;
}
