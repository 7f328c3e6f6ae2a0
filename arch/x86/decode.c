// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO instruction decoder: prefixes, one opcode table, ModRM/SIB/
 * displacement in 16-, 32- and 64-bit addressing, immediates. It only
 * has to be exact about the length and the register side of the access:
 * the nested page fault already gives the guest-physical address, so no
 * effective address is computed. Every byte read is bounds-checked
 * against min(avail, 15); the guest controls all of them.
 */
#include "decode.h"

/* Opcode flags. */
#define OPF_MODRM	0x01	/* ModRM (maybe SIB, displacement) */
#define OPF_BYTE	0x02	/* the memory operand is 8-bit */
#define OPF_WORD	0x04	/* the memory operand is 16-bit */
#define OPF_IMM		0x08	/* imm8, or imm16/32 by operand size */
#define OPF_MOFFS	0x10	/* an address-size offset, no ModRM; rAX */
#define OPF_REG0	0x20	/* group 11: ModRM.reg must be 0 */

struct axvm_opdesc {
	u8 escape;		/* 0: one-byte map, 1: after 0F */
	u8 opcode;
	u8 op;			/* enum axvm_insn_op */
	u8 flags;
};

static const struct axvm_opdesc axvm_opcodes[] = {
	{ 0, 0x88, AXVM_OP_MOV_STORE, OPF_MODRM | OPF_BYTE },
	{ 0, 0x89, AXVM_OP_MOV_STORE, OPF_MODRM },
	{ 0, 0x8a, AXVM_OP_MOV_LOAD, OPF_MODRM | OPF_BYTE },
	{ 0, 0x8b, AXVM_OP_MOV_LOAD, OPF_MODRM },
	{ 0, 0xa0, AXVM_OP_MOV_LOAD, OPF_MOFFS | OPF_BYTE },
	{ 0, 0xa1, AXVM_OP_MOV_LOAD, OPF_MOFFS },
	{ 0, 0xa2, AXVM_OP_MOV_STORE, OPF_MOFFS | OPF_BYTE },
	{ 0, 0xa3, AXVM_OP_MOV_STORE, OPF_MOFFS },
	{ 0, 0xc6, AXVM_OP_MOV_STORE_IMM,
	  OPF_MODRM | OPF_REG0 | OPF_BYTE | OPF_IMM },
	{ 0, 0xc7, AXVM_OP_MOV_STORE_IMM, OPF_MODRM | OPF_REG0 | OPF_IMM },
	{ 1, 0xb6, AXVM_OP_MOVZX, OPF_MODRM | OPF_BYTE },
	{ 1, 0xb7, AXVM_OP_MOVZX, OPF_MODRM | OPF_WORD },
	{ 1, 0xbe, AXVM_OP_MOVSX, OPF_MODRM | OPF_BYTE },
	{ 1, 0xbf, AXVM_OP_MOVSX, OPF_MODRM | OPF_WORD },
};

static const char * const axvm_decode_reasons[AXVM_DECODE_NR_REASONS] = {
	[AXVM_DECODE_OK]		= "ok",
	[AXVM_DECODE_BAD_MODE]		= "bad cpu mode",
	[AXVM_DECODE_UNSUPPORTED]	= "unsupported opcode",
	[AXVM_DECODE_LOCK]		= "lock prefix",
	[AXVM_DECODE_REP]		= "rep prefix",
	[AXVM_DECODE_BAD_MODRM_REG]	= "bad modrm.reg",
	[AXVM_DECODE_NO_MEMORY]		= "register operand",
	[AXVM_DECODE_TRUNCATED]		= "truncated",
	[AXVM_DECODE_TOO_LONG]		= "longer than 15 bytes",
};

/* The bytes left to decode: never past min(avail, 15). */
struct axvm_cursor {
	const u8 *p;
	unsigned int pos;
	unsigned int limit;
};

/* Take @n (1, 2, 4 or 8) little-endian bytes. */
static int axvm_take(struct axvm_cursor *c, unsigned int n, u64 *val)
{
	unsigned int i;
	u64 v = 0;

	if (n > c->limit - c->pos)
		return c->pos + n > AXVM_INSN_MAX_LEN ? -E2BIG : -ENODATA;
	for (i = 0; i < n; i++)
		v |= (u64)c->p[c->pos + i] << (8 * i);
	c->pos += n;
	*val = v;
	return 0;
}

static int axvm_take_u8(struct axvm_cursor *c, u8 *byte)
{
	u64 v;
	int ret = axvm_take(c, 1, &v);

	*byte = (u8)v;
	return ret;
}

static u64 axvm_sext(u64 v, unsigned int bytes)
{
	unsigned int shift = 64 - 8 * bytes;

	return bytes >= 8 ? v : (u64)((s64)(v << shift) >> shift);
}

static u64 axvm_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;
}

static const struct axvm_opdesc *axvm_lookup(u8 escape, u8 opcode)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(axvm_opcodes); i++)
		if (axvm_opcodes[i].escape == escape &&
		    axvm_opcodes[i].opcode == opcode)
			return &axvm_opcodes[i];
	return NULL;
}

/*
 * ModRM with 16-bit addressing: no SIB; mod 0 rm 6 is a bare disp16.
 * With 32/64-bit: rm 4 means a SIB byte (whose base 5 with mod 0 is a
 * bare disp32), mod 0 rm 5 is disp32 (RIP-relative in 64-bit mode).
 * These tests look at the 3-bit fields only: REX.B does not change them.
 */
static int axvm_decode_modrm(struct axvm_cursor *c, u8 modrm,
			     enum axvm_cpu_mode mode, struct axvm_insn *out)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7;
	unsigned int disp_len = 0;
	u64 disp = 0;
	int ret;

	if (out->addr_size == 2) {
		if (mod == 1)
			disp_len = 1;
		else if (mod == 2 || (mod == 0 && rm == 6))
			disp_len = 2;
	} else {
		if (rm == 4) {
			u8 sib;

			ret = axvm_take_u8(c, &sib);
			if (ret)
				return ret;
			if (mod == 0 && (sib & 7) == 5)
				disp_len = 4;
		} else if (mod == 0 && rm == 5) {
			disp_len = 4;
			out->rip_relative = mode == AXVM_CPU_MODE_64;
		}
		if (mod == 1)
			disp_len = 1;
		else if (mod == 2)
			disp_len = 4;
	}
	if (disp_len) {
		ret = axvm_take(c, disp_len, &disp);
		if (ret)
			return ret;
		out->disp = axvm_sext(disp, disp_len);
	}
	return 0;
}

static int axvm_fail(struct axvm_insn *out, int err, unsigned int reason)
{
	memset(out, 0, sizeof(*out));
	out->seg = AXVM_SEG_NONE;
	if (err == -ENODATA)
		reason = AXVM_DECODE_TRUNCATED;
	else if (err == -E2BIG)
		reason = AXVM_DECODE_TOO_LONG;
	out->reason = reason;
	return err;
}

int axvm_decode(const u8 *insn, unsigned int avail, enum axvm_cpu_mode mode,
		struct axvm_insn *out)
{
	struct axvm_cursor c = { .p = insn, .pos = 0 };
	const struct axvm_opdesc *d;
	bool opsize_prefix = false, addrsize_prefix = false;
	u8 rex = 0, b, modrm = 0;
	unsigned int def_size;
	int ret;

	memset(out, 0, sizeof(*out));
	out->seg = AXVM_SEG_NONE;
	c.limit = insn ? avail : 0;
	if (c.limit > AXVM_INSN_MAX_LEN)
		c.limit = AXVM_INSN_MAX_LEN;

	switch (mode) {
	case AXVM_CPU_MODE_16:
		def_size = 2;
		break;
	case AXVM_CPU_MODE_32:
		def_size = 4;
		break;
	case AXVM_CPU_MODE_64:
		def_size = 4;
		break;
	default:
		return axvm_fail(out, -EINVAL, AXVM_DECODE_BAD_MODE);
	}

	/*
	 * Legacy prefixes in any order and number, then at most one REX
	 * (64-bit mode only). A REX that a legacy prefix follows is
	 * ignored, as the hardware does; of several REX the last counts.
	 */
	for (;;) {
		ret = axvm_take_u8(&c, &b);
		if (ret)
			return axvm_fail(out, ret, 0);
		switch (b) {
		case 0x66:
			opsize_prefix = true;
			break;
		case 0x67:
			addrsize_prefix = true;
			break;
		case 0xf0:
			return axvm_fail(out, -EINVAL, AXVM_DECODE_LOCK);
		case 0xf2:
		case 0xf3:
			return axvm_fail(out, -EINVAL, AXVM_DECODE_REP);
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			/* 64-bit mode ignores ES, CS, SS and DS overrides. */
			if (mode != AXVM_CPU_MODE_64)
				out->seg = (b >> 3) & 3;
			break;
		case 0x64:
		case 0x65:
			out->seg = AXVM_SEG_FS + (b & 1);
			break;
		default:
			if (mode == AXVM_CPU_MODE_64 && (b & 0xf0) == 0x40) {
				rex = b;
				continue;
			}
			goto opcode;
		}
		rex = 0;
	}

opcode:
	if (b == 0x0f) {
		ret = axvm_take_u8(&c, &b);
		if (ret)
			return axvm_fail(out, ret, 0);
		d = axvm_lookup(1, b);
	} else {
		d = axvm_lookup(0, b);
	}
	if (!d)
		return axvm_fail(out, -EINVAL, AXVM_DECODE_UNSUPPORTED);

	if (rex & 0x08)
		out->op_size = 8;
	else if (opsize_prefix)
		out->op_size = def_size == 2 ? 4 : 2;
	else
		out->op_size = def_size;

	if (mode == AXVM_CPU_MODE_64)
		out->addr_size = addrsize_prefix ? 4 : 8;
	else if (mode == AXVM_CPU_MODE_32)
		out->addr_size = addrsize_prefix ? 2 : 4;
	else
		out->addr_size = addrsize_prefix ? 4 : 2;

	out->op = d->op;
	out->write = d->op == AXVM_OP_MOV_STORE ||
		     d->op == AXVM_OP_MOV_STORE_IMM;
	if (d->flags & OPF_BYTE)
		out->width = 1;
	else if (d->flags & OPF_WORD)
		out->width = 2;
	else
		out->width = out->op_size;

	if (d->flags & OPF_MOFFS) {
		/* AL/AX/EAX/RAX, never AH. */
		ret = axvm_take(&c, out->addr_size, &out->disp);
		if (ret)
			return axvm_fail(out, ret, 0);
		out->reg = AXVM_GPR_RAX;
	} else {
		unsigned int reg;

		ret = axvm_take_u8(&c, &modrm);
		if (ret)
			return axvm_fail(out, ret, 0);
		reg = (modrm >> 3) & 7;
		if ((d->flags & OPF_REG0) && reg)
			return axvm_fail(out, -EINVAL,
					 AXVM_DECODE_BAD_MODRM_REG);
		/* A register operand touches no memory: not an MMIO access. */
		if ((modrm >> 6) == 3)
			return axvm_fail(out, -EINVAL, AXVM_DECODE_NO_MEMORY);
		ret = axvm_decode_modrm(&c, modrm, mode, out);
		if (ret)
			return axvm_fail(out, ret, 0);

		/*
		 * Without REX, byte registers 4-7 are AH, CH, DH, BH; any
		 * REX makes them SPL, BPL, SIL, DIL.
		 */
		if (rex & 0x04)
			reg += 8;
		if (!(d->flags & OPF_IMM) && d->op != AXVM_OP_MOVZX &&
		    d->op != AXVM_OP_MOVSX && out->width == 1 && !rex &&
		    reg >= 4) {
			reg -= 4;
			out->high_byte = true;
		}
		if (!(d->flags & OPF_IMM))
			out->reg = reg;
	}

	if (d->flags & OPF_IMM) {
		unsigned int imm_len = out->width > 4 ? 4 : out->width;

		ret = axvm_take(&c, imm_len, &out->imm);
		if (ret)
			return axvm_fail(out, ret, 0);
		/* imm32 is sign-extended to a 64-bit operand. */
		out->imm = axvm_sext(out->imm, imm_len) & axvm_mask(out->width);
		out->has_imm = true;
	}

	if (!out->write) {
		switch (d->op) {
		case AXVM_OP_MOVZX:
			out->ext = AXVM_EXT_ZERO;
			out->dst_width = out->op_size;
			break;
		case AXVM_OP_MOVSX:
			out->ext = AXVM_EXT_SIGN;
			out->dst_width = out->op_size;
			break;
		default:
			out->ext = AXVM_EXT_NONE;
			out->dst_width = out->width;
			break;
		}
	}

	out->len = c.pos;
	return 0;
}
AXVM_EXPORT_FOR_TESTS(axvm_decode);

const char *axvm_decode_reason_str(unsigned int reason)
{
	if (reason >= AXVM_DECODE_NR_REASONS)
		return "unknown";
	return axvm_decode_reasons[reason];
}
AXVM_EXPORT_FOR_TESTS(axvm_decode_reason_str);

u64 axvm_insn_write_value(const struct axvm_insn *insn,
			  const u64 regs[AXVM_NR_GPRS])
{
	u64 v;

	if (insn->has_imm)
		v = insn->imm;
	else if (insn->high_byte)
		v = regs[insn->reg & 3] >> 8;
	else
		v = regs[insn->reg & 15];
	return v & axvm_mask(insn->width);
}
AXVM_EXPORT_FOR_TESTS(axvm_insn_write_value);

void axvm_insn_complete_read(const struct axvm_insn *insn,
			     u64 regs[AXVM_NR_GPRS], u64 value)
{
	u64 *r;

	if (insn->write)
		return;
	value &= axvm_mask(insn->width);
	if (insn->ext == AXVM_EXT_SIGN)
		value = axvm_sext(value, insn->width);

	if (insn->high_byte) {
		r = &regs[insn->reg & 3];
		*r = (*r & ~0xff00ULL) | ((value & 0xff) << 8);
		return;
	}
	r = &regs[insn->reg & 15];
	switch (insn->dst_width) {
	case 1:
		*r = (*r & ~0xffULL) | (value & 0xff);
		break;
	case 2:
		*r = (*r & ~0xffffULL) | (value & 0xffff);
		break;
	case 4:
		/* A 32-bit register write zero-extends to 64 bits. */
		*r = value & 0xffffffffULL;
		break;
	case 8:
		*r = value;
		break;
	default:
		/* Not from axvm_decode(): leave the registers alone. */
		break;
	}
}
AXVM_EXPORT_FOR_TESTS(axvm_insn_complete_read);
