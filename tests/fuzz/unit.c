// SPDX-License-Identifier: GPL-2.0
/*
 * A quick userspace run of the decoder and the walker, built with gcc
 * -Wall -Wextra -Werror by `make -C tests/fuzz unit`: proves decode.c
 * and gwalk.c are userspace-clean and sane without booting anything.
 * The thorough tests are the KUnit suites axvm_decode and axvm_gwalk.
 */
#include <stdio.h>
#include "decode.h"
#include "gwalk.h"

static int failures;

#define EXPECT(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, \
				#cond);					\
			failures++;					\
		}							\
	} while (0)

struct known {
	const char *text;
	enum axvm_cpu_mode mode;
	unsigned int n;
	u8 bytes[15];
	u8 len, width, reg;
	bool write;
};

static const struct known known[] = {
	{ "mov %eax,(%rdi)", AXVM_CPU_MODE_64, 2, { 0x89, 0x07 }, 2, 4, 0,
	  true },
	{ "mov 0x10(%rdi),%r9", AXVM_CPU_MODE_64, 4,
	  { 0x4c, 0x8b, 0x4f, 0x10 }, 4, 8, 9, false },
	{ "movl $0x12345678,0xfee000b0", AXVM_CPU_MODE_32, 10,
	  { 0xc7, 0x05, 0xb0, 0x00, 0xe0, 0xfe, 0x78, 0x56, 0x34, 0x12 },
	  10, 4, 0, true },
	{ "movzwl 0x8(%rip),%edx", AXVM_CPU_MODE_64, 7,
	  { 0x0f, 0xb7, 0x15, 0x08, 0x00, 0x00, 0x00 }, 7, 2, 2, false },
	{ "mov %ah,(%bx,%si)", AXVM_CPU_MODE_16, 2, { 0x88, 0x20 }, 2, 1, 0,
	  true },
};

static u8 guest[3 * 4096];

static int read_guest(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	(void)ctx;
	if (gpa >= sizeof(guest) || len > sizeof(guest) - gpa)
		return -EFAULT;
	memcpy(buf, guest + gpa, len);
	return 0;
}

static void put32(u64 gpa, u32 v)
{
	memcpy(guest + gpa, &v, sizeof(v));
}

int main(void)
{
	struct axvm_gwalk_cpu cpu = {
		.cr0 = AXVM_CR0_PG | 1, .cr3 = 0x1000,
		.read_gpa = read_guest,
	};
	struct axvm_gwalk_fault fault;
	u64 regs[AXVM_NR_GPRS] = { 0 };
	struct axvm_insn in;
	unsigned int i;
	u8 buf[15];
	u64 gpa;
	u32 pfec;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		const struct known *k = &known[i];
		int ret = axvm_decode(k->bytes, k->n, k->mode, &in);

		EXPECT(ret == 0);
		if (ret) {
			fprintf(stderr, "%s: %s\n", k->text,
				axvm_decode_reason_str(in.reason));
			continue;
		}
		EXPECT(in.len == k->len && in.width == k->width &&
		       in.write == k->write);
		EXPECT(in.has_imm || in.reg == k->reg);
		EXPECT(axvm_decode(k->bytes, k->len - 1, k->mode, &in) ==
		       -ENODATA);
	}

	/* mov (%rdi),%ah: without REX, reg 4 is AH; bits 15:8 change. */
	EXPECT(axvm_decode((const u8 *)"\x8a\x27", 2, AXVM_CPU_MODE_64,
			   &in) == 0 && in.high_byte && in.reg == 0);
	regs[0] = 0x1111111111111111ULL;
	axvm_insn_complete_read(&in, regs, 0xab);
	EXPECT(regs[0] == 0x111111111111ab11ULL);
	EXPECT(axvm_decode((const u8 *)"\xf0\x89\x07", 3, AXVM_CPU_MODE_64,
			   &in) == -EINVAL && in.reason == AXVM_DECODE_LOCK);

	/* 32-bit paging: PD at 0x1000, PT at 0x2000, 0x400000 -> 0x0. */
	put32(0x1000 + 1 * 4, 0x2000 | 0x3);
	put32(0x2000, 0x0000 | 0x3);
	put32(0x0, 0xdeadbeef);
	EXPECT(axvm_gwalk_translate(&cpu, 0x400123, 0, &gpa, &pfec) == 0 &&
	       gpa == 0x123);
	EXPECT(axvm_gwalk_translate(&cpu, 0x401000, 0, &gpa, &pfec) ==
	       -EFAULT && pfec == 0);
	EXPECT(axvm_gwalk_fetch(&cpu, 0x400ffe, false, buf, 4, &fault) == 2 &&
	       fault.err == -EFAULT && fault.addr == 0x401000);

	if (failures) {
		fprintf(stderr, "unit: %d failures\n", failures);
		return 1;
	}
	printf("unit: decoder and walker ok\n");
	return 0;
}
