// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the MMIO instruction decoder (arch/x86/decode.c).
 * Input: one byte picking the mode (including an invalid one), then the
 * instruction bytes, copied to a buffer of exactly that size so ASan
 * catches any read past @avail. Checks what the backend relies on:
 * a success is self-consistent and exact in length (the same bytes cut
 * one short give -ENODATA), a failure is one of the documented errnos
 * with its reason, and the register helpers touch only what they must.
 */
#include <stdio.h>
#include <stdlib.h>
#include "decode.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static const enum axvm_cpu_mode modes[] = {
	AXVM_CPU_MODE_16, AXVM_CPU_MODE_32, AXVM_CPU_MODE_64,
	(enum axvm_cpu_mode)0,
};

static bool valid_size(unsigned int n)
{
	return n == 1 || n == 2 || n == 4 || n == 8;
}

static bool same(const struct axvm_insn *a, const struct axvm_insn *b)
{
	return a->len == b->len && a->op == b->op && a->width == b->width &&
	       a->write == b->write && a->has_imm == b->has_imm &&
	       a->reg == b->reg && a->high_byte == b->high_byte &&
	       a->dst_width == b->dst_width && a->ext == b->ext &&
	       a->seg == b->seg && a->op_size == b->op_size &&
	       a->addr_size == b->addr_size &&
	       a->rip_relative == b->rip_relative &&
	       a->reason == b->reason && a->imm == b->imm &&
	       a->disp == b->disp;
}

static void check_ok(const u8 *buf, unsigned int n, enum axvm_cpu_mode mode,
		     const struct axvm_insn *in, u64 seed)
{
	struct axvm_insn again;
	u64 regs[AXVM_NR_GPRS], before[AXVM_NR_GPRS], v;
	unsigned int i;
	u8 *exact;

	CHECK(in->len >= 1 && in->len <= n && in->len <= AXVM_INSN_MAX_LEN);
	CHECK(valid_size(in->width));
	CHECK(in->op_size == 2 || in->op_size == 4 || in->op_size == 8);
	CHECK(in->addr_size == 2 || in->addr_size == 4 || in->addr_size == 8);
	CHECK(in->reg < AXVM_NR_GPRS);
	CHECK(in->seg <= AXVM_SEG_NONE);
	CHECK(in->reason == AXVM_DECODE_OK);
	CHECK(!in->high_byte || (in->reg < 4 && in->width == 1));
	CHECK(!in->rip_relative || mode == AXVM_CPU_MODE_64);
	if (in->write) {
		CHECK(in->op == AXVM_OP_MOV_STORE ||
		      in->op == AXVM_OP_MOV_STORE_IMM);
		CHECK(in->has_imm == (in->op == AXVM_OP_MOV_STORE_IMM));
		CHECK(in->dst_width == 0);
	} else {
		CHECK(!in->has_imm && in->imm == 0);
		CHECK(valid_size(in->dst_width) && in->dst_width >= in->width);
		CHECK((in->ext == AXVM_EXT_NONE) ==
		      (in->dst_width == in->width &&
		       in->op == AXVM_OP_MOV_LOAD));
	}
	if (in->width < 8)
		CHECK(in->imm >> (8 * in->width) == 0);

	/* Exactly len bytes decode the same; one fewer is truncated. */
	exact = malloc(in->len);
	CHECK(exact);
	memcpy(exact, buf, in->len);
	CHECK(axvm_decode(exact, in->len, mode, &again) == 0);
	CHECK(same(in, &again));
	CHECK(axvm_decode(exact, in->len - 1u, mode, &again) == -ENODATA);
	CHECK(again.reason == AXVM_DECODE_TRUNCATED);
	free(exact);

	for (i = 0; i < AXVM_NR_GPRS; i++)
		before[i] = regs[i] = seed * (i + 1) * 0x9e3779b97f4a7c15ULL;

	v = axvm_insn_write_value(in, regs);
	if (in->width < 8)
		CHECK(v >> (8 * in->width) == 0);

	axvm_insn_complete_read(in, regs, seed);
	for (i = 0; i < AXVM_NR_GPRS; i++) {
		if (in->write || i != in->reg)
			CHECK(regs[i] == before[i]);
	}
	if (!in->write && in->high_byte)
		CHECK((regs[in->reg] & ~0xff00ULL) ==
		      (before[in->reg] & ~0xff00ULL));
	else if (!in->write && in->dst_width < 4)
		CHECK(regs[in->reg] >> (8 * in->dst_width) ==
		      before[in->reg] >> (8 * in->dst_width));
	else if (!in->write && in->dst_width == 4)
		CHECK(regs[in->reg] >> 32 == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum axvm_cpu_mode mode;
	struct axvm_insn in;
	unsigned int n;
	u64 seed = 0;
	u8 *buf;
	int ret;

	if (size < 1)
		return 0;
	mode = modes[data[0] & 3];
	data++;
	size--;
	n = size > 24 ? 24 : (unsigned int)size;
	memcpy(&seed, data, size < sizeof(seed) ? size : sizeof(seed));

	buf = n ? malloc(n) : NULL;
	if (n)
		CHECK(buf);
	if (n)
		memcpy(buf, data, n);

	memset(&in, 0xa5, sizeof(in));
	ret = axvm_decode(buf, n, mode, &in);
	if (!ret) {
		check_ok(buf, n, mode, &in, seed);
	} else {
		CHECK(in.len == 0 && in.width == 0 && in.seg == AXVM_SEG_NONE);
		switch (ret) {
		case -EINVAL:
			CHECK(in.reason != AXVM_DECODE_OK &&
			      in.reason != AXVM_DECODE_TRUNCATED &&
			      in.reason != AXVM_DECODE_TOO_LONG &&
			      in.reason < AXVM_DECODE_NR_REASONS);
			CHECK((in.reason == AXVM_DECODE_BAD_MODE) ==
			      (mode == 0));
			break;
		case -ENODATA:
			CHECK(in.reason == AXVM_DECODE_TRUNCATED);
			CHECK(n < AXVM_INSN_MAX_LEN);
			break;
		case -E2BIG:
			CHECK(in.reason == AXVM_DECODE_TOO_LONG);
			break;
		default:
			CHECK(!"unexpected errno");
		}
		CHECK(axvm_decode_reason_str(in.reason) != NULL);
	}
	free(buf);
	return 0;
}
