/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A table-driven decoder for the x86 instructions a guest uses to touch
 * MMIO. QEMU's SVM gives neither decode assists nor next-RIP, so on an
 * MMIO nested page fault the backend fetches the faulting instruction
 * (gwalk.h) and decodes it here: the fault gives the GPA, the decoder
 * gives the length (RIP advance), the width, the direction and the
 * register or immediate. docs/decoder.md lists the forms and what is
 * refused. Plain C: builds in the kernel and in userspace.
 */
#ifndef AXVM_X86_DECODE_H
#define AXVM_X86_DECODE_H

#include "axvm_types.h"

/* The architectural limit: a longer instruction raises #GP. */
#define AXVM_INSN_MAX_LEN	15

/* The code size, from CR0.PE, RFLAGS.VM, EFER.LMA, CS.L and CS.D. */
enum axvm_cpu_mode {
	AXVM_CPU_MODE_16 = 16,
	AXVM_CPU_MODE_32 = 32,
	AXVM_CPU_MODE_64 = 64,
};

/*
 * Real and virtual-8086 mode are 16-bit whatever the hidden CS bits say
 * (KVM's emulator does the same); long mode needs CS.L, and CS.L with
 * CS.D is reserved, so CS.L wins only in long mode.
 */
static inline enum axvm_cpu_mode axvm_cpu_mode_of(bool cr0_pe, bool rflags_vm,
						  bool efer_lma, bool cs_l,
						  bool cs_d)
{
	if (!cr0_pe || rflags_vm)
		return AXVM_CPU_MODE_16;
	if (efer_lma && cs_l)
		return AXVM_CPU_MODE_64;
	return cs_d ? AXVM_CPU_MODE_32 : AXVM_CPU_MODE_16;
}

enum axvm_insn_op {
	AXVM_OP_NONE = 0,
	AXVM_OP_MOV_STORE,	/* 88, 89, A2, A3: register to memory */
	AXVM_OP_MOV_STORE_IMM,	/* C6 /0, C7 /0: immediate to memory */
	AXVM_OP_MOV_LOAD,	/* 8A, 8B, A0, A1: memory to register */
	AXVM_OP_MOVZX,		/* 0F B6, 0F B7 */
	AXVM_OP_MOVSX,		/* 0F BE, 0F BF */
};

/* How a read's value is extended into the destination register. */
enum axvm_insn_ext {
	AXVM_EXT_NONE = 0,	/* same width */
	AXVM_EXT_ZERO,		/* MOVZX */
	AXVM_EXT_SIGN,		/* MOVSX */
};

/* Segment override prefixes, in the hardware's sreg numbering. */
enum axvm_insn_seg {
	AXVM_SEG_ES = 0,
	AXVM_SEG_CS,
	AXVM_SEG_SS,
	AXVM_SEG_DS,
	AXVM_SEG_FS,
	AXVM_SEG_GS,
	AXVM_SEG_NONE,
};

/* Why axvm_decode() failed; the errno says which kind of failure. */
enum axvm_decode_reason {
	AXVM_DECODE_OK = 0,
	AXVM_DECODE_BAD_MODE,		/* -EINVAL: mode not 16/32/64 */
	AXVM_DECODE_UNSUPPORTED,	/* -EINVAL: opcode not in the table */
	AXVM_DECODE_LOCK,		/* -EINVAL: LOCK prefix */
	AXVM_DECODE_REP,		/* -EINVAL: REP/REPNE (F3/F2) prefix */
	AXVM_DECODE_BAD_MODRM_REG,	/* -EINVAL: C6/C7 with ModRM.reg 1-7 */
	AXVM_DECODE_NO_MEMORY,		/* -EINVAL: ModRM.mod == 3 */
	AXVM_DECODE_TRUNCATED,		/* -ENODATA: more than avail bytes */
	AXVM_DECODE_TOO_LONG,		/* -E2BIG: longer than 15 bytes */
	AXVM_DECODE_NR_REASONS,
};

/* General purpose registers in hardware encoding order. */
enum axvm_gpr {
	AXVM_GPR_RAX = 0, AXVM_GPR_RCX, AXVM_GPR_RDX, AXVM_GPR_RBX,
	AXVM_GPR_RSP, AXVM_GPR_RBP, AXVM_GPR_RSI, AXVM_GPR_RDI,
	AXVM_GPR_R8, AXVM_GPR_R9, AXVM_GPR_R10, AXVM_GPR_R11,
	AXVM_GPR_R12, AXVM_GPR_R13, AXVM_GPR_R14, AXVM_GPR_R15,
	AXVM_NR_GPRS,
};

struct axvm_insn {
	u8 len;			/* bytes with prefixes: the RIP advance */
	u8 op;			/* enum axvm_insn_op */
	u8 width;		/* the memory access: 1, 2, 4 or 8 bytes */
	bool write;		/* the guest writes memory */
	bool has_imm;		/* write: the value is .imm, not .reg */
	u8 reg;			/* write: source, read: destination */
	bool high_byte;		/* AH..BH: bits 15:8 of .reg (0-3) */
	u8 dst_width;		/* read: bytes of .reg written */
	u8 ext;			/* read: enum axvm_insn_ext */
	u8 seg;			/* enum axvm_insn_seg: last override */
	u8 op_size;		/* operand size: 2, 4 or 8 */
	u8 addr_size;		/* address size: 2, 4 or 8 */
	bool rip_relative;	/* 64-bit mode, ModRM mod 0 rm 5 */
	u8 reason;		/* enum axvm_decode_reason */
	u64 imm;		/* has_imm: the value, extended to .width */
	u64 disp;		/* ModRM disp (sign-extended), or moffs */
};

/*
 * Decode the instruction at @insn, of which @avail bytes are readable
 * (more than 15 are never looked at), in @mode. Returns 0 and fills @out,
 * or a negative errno with @out->reason set and the rest of @out zero:
 * -EINVAL when the instruction is not one this decoder supports (or is
 * invalid, or @mode is not an enum value), -ENODATA when it continues
 * past @avail bytes (fetch more, or raise the fault that stopped the
 * fetch), -E2BIG when it would be longer than 15 bytes (#GP).
 */
int axvm_decode(const u8 *insn, unsigned int avail, enum axvm_cpu_mode mode,
		struct axvm_insn *out);

/* A short name for a reason, for log lines. */
const char *axvm_decode_reason_str(unsigned int reason);

/*
 * The value a decoded write stores: the immediate, or the source
 * register (AH..BH included), truncated to the access width.
 */
u64 axvm_insn_write_value(const struct axvm_insn *insn,
			  const u64 regs[AXVM_NR_GPRS]);

/*
 * Finish a decoded read that returned @value (its low .width bytes
 * count): extend it and write the destination register with x86 rules:
 * a 32-bit write zeroes bits 63:32, 8- and 16-bit writes keep the other
 * bits, AH..BH write bits 15:8. Does nothing for a write.
 */
void axvm_insn_complete_read(const struct axvm_insn *insn,
			     u64 regs[AXVM_NR_GPRS], u64 value);

#endif /* AXVM_X86_DECODE_H */
