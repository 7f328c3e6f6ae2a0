// SPDX-License-Identifier: GPL-2.0
/*
 * axvm_decode: the MMIO instruction decoder (arch/x86/decode.c). Every
 * form it claims in 16-, 32- and 64-bit mode, with each prefix, register
 * kind, width and addressing form; what it refuses and why; truncated
 * and over-long input; and the register semantics of a completed read
 * or a write's value. Encodings were cross-checked with objdump.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "decode.h"

#define M16	AXVM_CPU_MODE_16
#define M32	AXVM_CPU_MODE_32
#define M64	AXVM_CPU_MODE_64

/* The bytes of a case, and how many of them the decoder is given. */
#define BYTES(...)	.bytes = { __VA_ARGS__ }, \
			.n = sizeof((u8[]){ __VA_ARGS__ })

/* Expected results. A segment is stored + 1 so that 0 means none. */
#define SEG(s)		.seg = AXVM_SEG_##s + 1
#define ST(w, r)	.write = true, .width = w, .reg = r
#define STH(r)		.write = true, .width = 1, .reg = r, .high = true
#define STI(w, v)	.write = true, .width = w, .has_imm = true, .imm = v
#define LD(w, r)	.width = w, .reg = r, .dst_width = w
#define LDH(r)		.width = 1, .reg = r, .high = true, .dst_width = 1
#define LDZ(w, r, dw)	.width = w, .reg = r, .dst_width = dw, \
			.ext = AXVM_EXT_ZERO
#define LDS(w, r, dw)	.width = w, .reg = r, .dst_width = dw, \
			.ext = AXVM_EXT_SIGN

struct decode_case {
	const char *name;
	enum axvm_cpu_mode mode;
	u8 bytes[16];
	u8 n;			/* after bytes: BYTES() sets both */
	u8 len;
	u8 width;
	bool write;
	bool has_imm;
	u8 reg;
	bool high;
	u8 dst_width;
	u8 ext;
	u8 seg;
	bool rip;
	u64 imm;
};

static const struct decode_case decode_ok_cases[] = {
	/* 64-bit: MOV r/m, r (88/89), each register kind and width */
	{ "64 mov %eax,(%rdi)", M64, BYTES(0x89, 0x07), 2, ST(4, 0) },
	{ "64 mov %al,(%rdi)", M64, BYTES(0x88, 0x07), 2, ST(1, 0) },
	{ "64 mov %ah,(%rdi)", M64, BYTES(0x88, 0x27), 2, STH(0) },
	{ "64 mov %ch,(%rdi)", M64, BYTES(0x88, 0x2f), 2, STH(1) },
	{ "64 mov %dh,(%rdi)", M64, BYTES(0x88, 0x37), 2, STH(2) },
	{ "64 mov %bh,(%rdi)", M64, BYTES(0x88, 0x3f), 2, STH(3) },
	{ "64 mov %spl,(%rdi)", M64, BYTES(0x40, 0x88, 0x27), 3, ST(1, 4) },
	{ "64 mov %bpl,(%rdi)", M64, BYTES(0x40, 0x88, 0x2f), 3, ST(1, 5) },
	{ "64 mov %sil,(%rdi)", M64, BYTES(0x40, 0x88, 0x37), 3, ST(1, 6) },
	{ "64 mov %dil,(%rdi)", M64, BYTES(0x40, 0x88, 0x3f), 3, ST(1, 7) },
	{ "64 mov %r8b,(%rdi)", M64, BYTES(0x44, 0x88, 0x07), 3, ST(1, 8) },
	{ "64 mov %r12b,(%rdi)", M64, BYTES(0x44, 0x88, 0x27), 3,
	  ST(1, 12) },
	{ "64 mov %ax,(%rdi)", M64, BYTES(0x66, 0x89, 0x07), 3, ST(2, 0) },
	{ "64 mov %rax,(%rdi)", M64, BYTES(0x48, 0x89, 0x07), 3, ST(8, 0) },
	{ "64 66+REX.W mov %rax,(%rdi)", M64, BYTES(0x66, 0x48, 0x89, 0x07),
	  4, ST(8, 0) },
	{ "64 mov %r9d,(%rdi)", M64, BYTES(0x44, 0x89, 0x0f), 3, ST(4, 9) },
	{ "64 mov %r15,(%rdi)", M64, BYTES(0x4c, 0x89, 0x3f), 3, ST(8, 15) },
	{ "64 mov %r10w,(%rdi)", M64, BYTES(0x66, 0x44, 0x89, 0x17), 4,
	  ST(2, 10) },
	{ "64 mov %esp,(%rdi)", M64, BYTES(0x89, 0x27), 2, ST(4, 4) },
	/* A REX before a legacy prefix is ignored; of two REX, the last. */
	{ "64 REX.W then 66 is ignored", M64, BYTES(0x48, 0x66, 0x89, 0x07),
	  4, ST(2, 0) },
	{ "64 REX then 66 ignored: AH again", M64,
	  BYTES(0x40, 0x66, 0x88, 0x27), 4, STH(0) },
	{ "64 two REX, the last counts", M64, BYTES(0x48, 0x44, 0x89, 0x07),
	  4, ST(4, 8) },
	/* 64-bit: MOV r, r/m (8A/8B) */
	{ "64 mov (%rdi),%eax", M64, BYTES(0x8b, 0x07), 2, LD(4, 0) },
	{ "64 mov (%rdi),%al", M64, BYTES(0x8a, 0x07), 2, LD(1, 0) },
	{ "64 mov (%rdi),%ah", M64, BYTES(0x8a, 0x27), 2, LDH(0) },
	{ "64 mov (%rdi),%bh", M64, BYTES(0x8a, 0x3f), 2, LDH(3) },
	{ "64 mov (%rdi),%spl", M64, BYTES(0x40, 0x8a, 0x27), 3, LD(1, 4) },
	{ "64 mov (%rdi),%r11b", M64, BYTES(0x44, 0x8a, 0x1f), 3,
	  LD(1, 11) },
	{ "64 mov (%rdi),%ax", M64, BYTES(0x66, 0x8b, 0x07), 3, LD(2, 0) },
	{ "64 mov (%rdi),%r13", M64, BYTES(0x4c, 0x8b, 0x2f), 3, LD(8, 13) },
	/* 64-bit addressing forms */
	{ "64 disp8 mov 0x10(%rdi),%rcx", M64, BYTES(0x48, 0x8b, 0x4f, 0x10),
	  4, LD(8, 1) },
	{ "64 disp32 mov 0x12345678(%rdi),%eax", M64,
	  BYTES(0x8b, 0x87, 0x78, 0x56, 0x34, 0x12), 6, LD(4, 0) },
	{ "64 sib mov (%rsp),%eax", M64, BYTES(0x8b, 0x04, 0x24), 3,
	  LD(4, 0) },
	{ "64 sib+disp8 mov 0x8(%rsp),%eax", M64,
	  BYTES(0x8b, 0x44, 0x24, 0x08), 4, LD(4, 0) },
	{ "64 sib+disp32 mov 0x100(%rsp),%eax", M64,
	  BYTES(0x8b, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00), 7, LD(4, 0) },
	{ "64 sib index*8+disp8", M64, BYTES(0x8b, 0x44, 0xc8, 0x10), 4,
	  LD(4, 0) },
	{ "64 sib no base: disp32", M64,
	  BYTES(0x8b, 0x04, 0x25, 0x00, 0x00, 0xe0, 0xfe), 7, LD(4, 0) },
	{ "64 sib no base, REX.X", M64,
	  BYTES(0x42, 0x8b, 0x04, 0x2d, 0x00, 0x00, 0x00, 0x00), 8,
	  LD(4, 0) },
	{ "64 REX.B r13 base needs disp8", M64,
	  BYTES(0x41, 0x8b, 0x45, 0x00), 4, LD(4, 0) },
	{ "64 REX.B r12 base needs sib", M64, BYTES(0x41, 0x8b, 0x04, 0x24),
	  4, LD(4, 0) },
	{ "64 rip-relative", M64, BYTES(0x8b, 0x05, 0x10, 0x00, 0x00, 0x00),
	  6, LD(4, 0), .rip = true },
	{ "64 addr32 eip-relative", M64,
	  BYTES(0x67, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00), 7, LD(4, 0),
	  .rip = true },
	{ "64 addr32 mov (%edi),%eax", M64, BYTES(0x67, 0x8b, 0x07), 3,
	  LD(4, 0) },
	/* 64-bit: MOV r/m, imm (C6/C7) */
	{ "64 movb $0xab,(%rdi)", M64, BYTES(0xc6, 0x07, 0xab), 3,
	  STI(1, 0xab) },
	{ "64 movw $0x1234,(%rdi)", M64, BYTES(0x66, 0xc7, 0x07, 0x34, 0x12),
	  5, STI(2, 0x1234) },
	{ "64 movl $0x12345678,(%rdi)", M64,
	  BYTES(0xc7, 0x07, 0x78, 0x56, 0x34, 0x12), 6, STI(4, 0x12345678) },
	{ "64 movl $-1,(%rdi) stays 32-bit", M64,
	  BYTES(0xc7, 0x07, 0xff, 0xff, 0xff, 0xff), 6, STI(4, 0xffffffff) },
	{ "64 movq $-16: imm32 sign-extended", M64,
	  BYTES(0x48, 0xc7, 0x07, 0xf0, 0xff, 0xff, 0xff), 7,
	  STI(8, 0xfffffffffffffff0ULL) },
	{ "64 movq $0x7fffffff", M64,
	  BYTES(0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0x7f), 7,
	  STI(8, 0x7fffffff) },
	{ "64 movl $1,rip+8", M64,
	  BYTES(0xc7, 0x05, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00),
	  10, STI(4, 1), .rip = true },
	{ "64 movl $imm,sib+disp32", M64,
	  BYTES(0xc7, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00,
		0x78, 0x56, 0x34, 0x12), 11, STI(4, 0x12345678) },
	{ "64 movb $1,0x10(%r8)", M64, BYTES(0x41, 0xc6, 0x40, 0x10, 0x01),
	  5, STI(1, 1) },
	/* 64-bit: MOV moffs (A0-A3), 8-byte offsets, 4 with 67 */
	{ "64 movabs 0xfee000b0,%eax", M64,
	  BYTES(0xa1, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00), 9,
	  LD(4, 0) },
	{ "64 movabs 0x..,%al", M64,
	  BYTES(0xa0, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00), 9,
	  LD(1, 0) },
	{ "64 movabs %al,0x..", M64,
	  BYTES(0xa2, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00), 9,
	  ST(1, 0) },
	{ "64 movabs %rax,0x..", M64,
	  BYTES(0x48, 0xa3, 0xb0, 0x00, 0xe0, 0xfe, 0, 0, 0, 0), 10,
	  ST(8, 0) },
	{ "64 addr32 mov 0x..,%al", M64,
	  BYTES(0x67, 0xa0, 0xb0, 0x00, 0xe0, 0xfe), 6, LD(1, 0) },
	/* 64-bit: MOVZX / MOVSX */
	{ "64 movzbl (%rdi),%eax", M64, BYTES(0x0f, 0xb6, 0x07), 3,
	  LDZ(1, 0, 4) },
	{ "64 movzbw (%rdi),%ax", M64, BYTES(0x66, 0x0f, 0xb6, 0x07), 4,
	  LDZ(1, 0, 2) },
	{ "64 movzbl (%rdi),%esp: not AH", M64, BYTES(0x0f, 0xb6, 0x27), 3,
	  LDZ(1, 4, 4) },
	{ "64 movzwl (%rdi),%edx", M64, BYTES(0x0f, 0xb7, 0x17), 3,
	  LDZ(2, 2, 4) },
	{ "64 movzwq (%rdi),%rax", M64, BYTES(0x48, 0x0f, 0xb7, 0x07), 4,
	  LDZ(2, 0, 8) },
	{ "64 movzww (%rdi),%ax", M64, BYTES(0x66, 0x0f, 0xb7, 0x07), 4,
	  LDZ(2, 0, 2) },
	{ "64 movsbl (%rdi),%esp", M64, BYTES(0x0f, 0xbe, 0x27), 3,
	  LDS(1, 4, 4) },
	{ "64 movsbq (%rdi),%r9", M64, BYTES(0x4c, 0x0f, 0xbe, 0x0f), 4,
	  LDS(1, 9, 8) },
	{ "64 movswl (%rdi),%eax", M64, BYTES(0x0f, 0xbf, 0x07), 3,
	  LDS(2, 0, 4) },
	{ "64 movswq (%rdi),%r8", M64, BYTES(0x4c, 0x0f, 0xbf, 0x07), 4,
	  LDS(2, 8, 8) },
	{ "64 movzwl rip-relative", M64,
	  BYTES(0x0f, 0xb7, 0x15, 0x08, 0x00, 0x00, 0x00), 7, LDZ(2, 2, 4),
	  .rip = true },
	/* 64-bit: segment overrides; only FS and GS have an effect */
	{ "64 mov %fs:(%rdi),%eax", M64, BYTES(0x64, 0x8b, 0x07), 3,
	  LD(4, 0), SEG(FS) },
	{ "64 mov %eax,%gs:(%rdi)", M64, BYTES(0x65, 0x89, 0x07), 3,
	  ST(4, 0), SEG(GS) },
	{ "64 cs override is a no-op", M64, BYTES(0x2e, 0x89, 0x07), 3,
	  ST(4, 0) },
	{ "64 gs then ds: ds ignored", M64, BYTES(0x65, 0x3e, 0x89, 0x07), 4,
	  ST(4, 0), SEG(GS) },
	/* 15 bytes: the longest legal instruction */
	{ "64 15 bytes", M64,
	  BYTES(0x26, 0x26, 0x26, 0x26, 0xc7, 0x84, 0x24, 0x00, 0x01, 0x00,
		0x00, 0x78, 0x56, 0x34, 0x12), 15, STI(4, 0x12345678) },
	{ "64 trailing bytes not read", M64,
	  BYTES(0x89, 0x07, 0xf0, 0xf0, 0xf0), 2, ST(4, 0) },

	/* 32-bit mode */
	{ "32 mov %eax,(%edi)", M32, BYTES(0x89, 0x07), 2, ST(4, 0) },
	{ "32 mov %ax,(%edi)", M32, BYTES(0x66, 0x89, 0x07), 3, ST(2, 0) },
	{ "32 mov %ah,0x4(%edi)", M32, BYTES(0x88, 0x67, 0x04), 3, STH(0) },
	{ "32 mov %esp,(%edi)", M32, BYTES(0x89, 0x27), 2, ST(4, 4) },
	{ "32 mov (%edi),%dh", M32, BYTES(0x8a, 0x37), 2, LDH(2) },
	{ "32 mov (%edi),%ebx", M32, BYTES(0x8b, 0x1f), 2, LD(4, 3) },
	{ "32 disp32 absolute, not rip", M32,
	  BYTES(0x8b, 0x05, 0x00, 0x00, 0xe0, 0xfe), 6, LD(4, 0) },
	{ "32 sib+disp8", M32, BYTES(0x8b, 0x44, 0x8e, 0x10), 4, LD(4, 0) },
	{ "32 sib no base disp32", M32,
	  BYTES(0x8b, 0x04, 0x8d, 0x00, 0x10, 0x00, 0x00), 7, LD(4, 0) },
	{ "32 disp32 mov 0x..(%ebp),%eax", M32,
	  BYTES(0x8b, 0x85, 0x00, 0x01, 0x00, 0x00), 6, LD(4, 0) },
	{ "32 addr16 [bx+disp8]", M32, BYTES(0x67, 0x8b, 0x47, 0x10), 4,
	  LD(4, 0) },
	{ "32 movl $imm,abs", M32,
	  BYTES(0xc7, 0x05, 0xb0, 0x00, 0xe0, 0xfe, 0x78, 0x56, 0x34, 0x12),
	  10, STI(4, 0x12345678) },
	{ "32 movw $imm,(%edi)", M32, BYTES(0x66, 0xc7, 0x07, 0xcd, 0xab), 5,
	  STI(2, 0xabcd) },
	{ "32 moffs32 mov 0x..,%eax", M32,
	  BYTES(0xa1, 0x00, 0x00, 0xe0, 0xfe), 5, LD(4, 0) },
	{ "32 moffs32 mov %ax,0x..", M32,
	  BYTES(0x66, 0xa3, 0x00, 0x00, 0xe0, 0xfe), 6, ST(2, 0) },
	{ "32 addr16 moffs16", M32, BYTES(0x67, 0xa1, 0x00, 0xb0), 4,
	  LD(4, 0) },
	{ "32 movzbl (%edi),%ecx", M32, BYTES(0x0f, 0xb6, 0x0f), 3,
	  LDZ(1, 1, 4) },
	{ "32 movswl (%edi),%eax", M32, BYTES(0x0f, 0xbf, 0x07), 3,
	  LDS(2, 0, 4) },
	{ "32 mov %eax,%ss:(%edi)", M32, BYTES(0x36, 0x89, 0x07), 3,
	  ST(4, 0), SEG(SS) },
	{ "32 mov %eax,%es:(%edi)", M32, BYTES(0x26, 0x89, 0x07), 3,
	  ST(4, 0), SEG(ES) },
	{ "32 mov %eax,%cs:(%edi)", M32, BYTES(0x2e, 0x89, 0x07), 3,
	  ST(4, 0), SEG(CS) },
	{ "32 mov %eax,%ds:(%edi)", M32, BYTES(0x3e, 0x89, 0x07), 3,
	  ST(4, 0), SEG(DS) },
	{ "32 last override wins", M32, BYTES(0x64, 0x26, 0x89, 0x07), 4,
	  ST(4, 0), SEG(ES) },
	{ "32 15 bytes", M32,
	  BYTES(0x26, 0x26, 0x26, 0x26, 0xc7, 0x84, 0x24, 0x00, 0x01, 0x00,
		0x00, 0x78, 0x56, 0x34, 0x12), 15, STI(4, 0x12345678),
	  SEG(ES) },

	/* 16-bit mode */
	{ "16 mov %ax,(%bx)", M16, BYTES(0x89, 0x07), 2, ST(2, 0) },
	{ "16 mov %eax,(%bx)", M16, BYTES(0x66, 0x89, 0x07), 3, ST(4, 0) },
	{ "16 mov %ah,%es:(%bx)", M16, BYTES(0x26, 0x88, 0x27), 3, STH(0),
	  SEG(ES) },
	{ "16 [bx+si]", M16, BYTES(0x8b, 0x00), 2, LD(2, 0) },
	{ "16 [bp+di+disp8]", M16, BYTES(0x8b, 0x43, 0x10), 3, LD(2, 0) },
	{ "16 [bx+disp16]", M16, BYTES(0x8b, 0x87, 0x00, 0x10), 4,
	  LD(2, 0) },
	{ "16 disp16 absolute", M16, BYTES(0x8b, 0x06, 0x00, 0x10), 4,
	  LD(2, 0) },
	{ "16 [bp+disp8]", M16, BYTES(0x8b, 0x46, 0x02), 3, LD(2, 0) },
	{ "16 addr32 sib", M16, BYTES(0x67, 0x8b, 0x04, 0x24), 4, LD(2, 0) },
	{ "16 addr32 disp32", M16,
	  BYTES(0x67, 0x8b, 0x05, 0x00, 0x00, 0xe0, 0xfe), 7, LD(2, 0) },
	{ "16 moffs16 mov 0x1000,%ax", M16, BYTES(0xa1, 0x00, 0x10), 3,
	  LD(2, 0) },
	{ "16 addr32 moffs32", M16,
	  BYTES(0x67, 0xa0, 0x00, 0x00, 0xe0, 0xfe), 6, LD(1, 0) },
	{ "16 movb $0xab,0x1000", M16, BYTES(0xc6, 0x06, 0x00, 0x10, 0xab),
	  5, STI(1, 0xab) },
	{ "16 movw $0x1234,(%bx)", M16, BYTES(0xc7, 0x07, 0x34, 0x12), 4,
	  STI(2, 0x1234) },
	{ "16 movl $imm,(%bx)", M16,
	  BYTES(0x66, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12), 7,
	  STI(4, 0x12345678) },
	{ "16 movzbw (%bx),%ax", M16, BYTES(0x0f, 0xb6, 0x07), 3,
	  LDZ(1, 0, 2) },
	{ "16 movzwl (%bx),%eax", M16, BYTES(0x66, 0x0f, 0xb7, 0x07), 4,
	  LDZ(2, 0, 4) },
	{ "16 movsbw (%bx),%di", M16, BYTES(0x0f, 0xbe, 0x3f), 3,
	  LDS(1, 7, 2) },
	{ "16 mov (%bx),%ch", M16, BYTES(0x8a, 0x2f), 2, LDH(1) },
};

static void decode_case_desc(const struct decode_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decode_ok, decode_ok_cases, decode_case_desc);

static void decode_ok(struct kunit *test)
{
	const struct decode_case *c = test->param_value;
	struct axvm_insn in;

	KUNIT_ASSERT_EQ(test, axvm_decode(c->bytes, c->n, c->mode, &in), 0);
	KUNIT_EXPECT_EQ(test, in.reason, (u8)AXVM_DECODE_OK);
	KUNIT_EXPECT_EQ(test, in.len, c->len);
	KUNIT_EXPECT_EQ(test, in.width, c->width);
	KUNIT_EXPECT_EQ(test, in.write, c->write);
	KUNIT_EXPECT_EQ(test, in.has_imm, c->has_imm);
	KUNIT_EXPECT_EQ(test, in.high_byte, c->high);
	KUNIT_EXPECT_EQ(test, in.rip_relative, c->rip);
	KUNIT_EXPECT_EQ(test, in.seg,
			(u8)(c->seg ? c->seg - 1 : AXVM_SEG_NONE));
	if (c->has_imm) {
		KUNIT_EXPECT_EQ(test, in.imm, c->imm);
	} else {
		KUNIT_EXPECT_EQ(test, in.reg, c->reg);
		KUNIT_EXPECT_EQ(test, in.imm, 0ULL);
	}
	if (!c->write) {
		KUNIT_EXPECT_EQ(test, in.dst_width, c->dst_width);
		KUNIT_EXPECT_EQ(test, in.ext, c->ext);
	}
}

/* Exactly len bytes are enough; one fewer is truncated (-ENODATA). */
static void decode_ok_length_is_exact(struct kunit *test)
{
	const struct decode_case *c = test->param_value;
	struct axvm_insn in;

	KUNIT_ASSERT_EQ(test, axvm_decode(c->bytes, c->len, c->mode, &in), 0);
	KUNIT_EXPECT_EQ(test, in.len, c->len);
	KUNIT_EXPECT_EQ(test, axvm_decode(c->bytes, c->len - 1, c->mode, &in),
			-ENODATA);
	KUNIT_EXPECT_EQ(test, in.reason, (u8)AXVM_DECODE_TRUNCATED);
}

struct decode_err_case {
	const char *name;
	enum axvm_cpu_mode mode;
	u8 bytes[16];
	u8 n;			/* after bytes: BYTES() sets both */
	int err;
	u8 reason;
};

#define EINV(r)		.err = -EINVAL, .reason = AXVM_DECODE_##r
#define SHORT		.err = -ENODATA, .reason = AXVM_DECODE_TRUNCATED
#define LONG		.err = -E2BIG, .reason = AXVM_DECODE_TOO_LONG

static const struct decode_err_case decode_err_cases[] = {
	/* refused prefixes */
	{ "lock mov", M64, BYTES(0xf0, 0x89, 0x07), EINV(LOCK) },
	{ "rep mov", M64, BYTES(0xf3, 0x89, 0x07), EINV(REP) },
	{ "repne moffs", M32, BYTES(0xf2, 0xa3, 0, 0, 0, 0), EINV(REP) },
	{ "rep movzx (a different opcode)", M64, BYTES(0xf3, 0x0f, 0xb6, 0x07),
	  EINV(REP) },
	{ "lock after other prefixes", M16, BYTES(0x66, 0x2e, 0xf0, 0x89,
	  0x07), EINV(LOCK) },
	/* not a memory access */
	{ "mov %eax,%eax", M64, BYTES(0x89, 0xc0), EINV(NO_MEMORY) },
	{ "mov (reg form) %ah,%al", M32, BYTES(0x8a, 0xc4), EINV(NO_MEMORY) },
	{ "mov $1,%eax (C7 /0 reg)", M64,
	  BYTES(0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00), EINV(NO_MEMORY) },
	{ "movzx %al,%eax", M64, BYTES(0x0f, 0xb6, 0xc0), EINV(NO_MEMORY) },
	/* group 11 other than /0 */
	{ "c6 /1", M64, BYTES(0xc6, 0x4f, 0x00, 0x00), EINV(BAD_MODRM_REG) },
	{ "xabort (c6 f8)", M64, BYTES(0xc6, 0xf8, 0x00),
	  EINV(BAD_MODRM_REG) },
	{ "xbegin (c7 f8)", M64, BYTES(0xc7, 0xf8, 0, 0, 0, 0),
	  EINV(BAD_MODRM_REG) },
	/* opcodes not in the table */
	{ "add %eax,(%rdi)", M64, BYTES(0x01, 0x07), EINV(UNSUPPORTED) },
	{ "lea", M64, BYTES(0x8d, 0x07), EINV(UNSUPPORTED) },
	{ "stosb", M64, BYTES(0xaa), EINV(UNSUPPORTED) },
	{ "movsb", M64, BYTES(0xa4), EINV(UNSUPPORTED) },
	{ "ud2", M64, BYTES(0x0f, 0x0b), EINV(UNSUPPORTED) },
	{ "movnti", M64, BYTES(0x0f, 0xc3, 0x07), EINV(UNSUPPORTED) },
	{ "32-bit 0x40 is inc, not REX", M32, BYTES(0x40, 0x89, 0x07),
	  EINV(UNSUPPORTED) },
	{ "REX then 0f escape to nothing", M64, BYTES(0x48, 0x0f, 0x05),
	  EINV(UNSUPPORTED) },
	{ "vex c5", M64, BYTES(0xc5, 0xf9, 0x7e, 0x07), EINV(UNSUPPORTED) },
	{ "bad mode", (enum axvm_cpu_mode)0, BYTES(0x89, 0x07),
	  EINV(BAD_MODE) },
	{ "bad mode 48", (enum axvm_cpu_mode)48, BYTES(0x89, 0x07),
	  EINV(BAD_MODE) },
	/* truncated: fewer bytes than the instruction needs */
	{ "no bytes", M64, .n = 0, SHORT },
	{ "prefix only", M64, BYTES(0x66), SHORT },
	{ "REX only", M64, BYTES(0x48), SHORT },
	{ "escape only", M64, BYTES(0x0f), SHORT },
	{ "no modrm", M64, BYTES(0x89), SHORT },
	{ "no sib", M64, BYTES(0x89, 0x04), SHORT },
	{ "no disp8", M64, BYTES(0x89, 0x44, 0x24), SHORT },
	{ "short disp32 rip", M64, BYTES(0x8b, 0x05, 0x10, 0x00, 0x00),
	  SHORT },
	{ "short disp16", M16, BYTES(0x8b, 0x06, 0x00), SHORT },
	{ "short imm32", M64, BYTES(0xc7, 0x07, 0x78, 0x56, 0x34), SHORT },
	{ "short imm16", M16, BYTES(0xc7, 0x07, 0x34), SHORT },
	{ "short imm8", M64, BYTES(0xc6, 0x07), SHORT },
	{ "short moffs64", M64, BYTES(0xa1, 0, 0, 0, 0, 0, 0, 0), SHORT },
	{ "short moffs32", M32, BYTES(0xa1, 0, 0, 0), SHORT },
	{ "short moffs16", M16, BYTES(0xa1, 0), SHORT },
	/* longer than 15 bytes */
	{ "15 prefixes", M64, BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66), LONG },
	{ "16 bytes", M32, BYTES(0x26, 0x26, 0x26, 0x26, 0x26, 0xc7, 0x84,
	  0x24, 0x00, 0x01, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12), LONG },
	{ "14 prefixes, no room for modrm", M64, BYTES(0x2e, 0x2e, 0x2e, 0x2e,
	  0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x89),
	  LONG },
	/* too long is known before the bytes run out */
	{ "over 15 with 14 given", M32, BYTES(0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
	  0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0xc7, 0x07, 0x78, 0x56), LONG },
};

static void decode_err_desc(const struct decode_err_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decode_err, decode_err_cases, decode_err_desc);

static void decode_err(struct kunit *test)
{
	const struct decode_err_case *c = test->param_value;
	struct axvm_insn in;

	memset(&in, 0xa5, sizeof(in));
	KUNIT_EXPECT_EQ(test, axvm_decode(c->bytes, c->n, c->mode, &in),
			c->err);
	KUNIT_EXPECT_EQ(test, in.reason, c->reason);
	/* Nothing half-decoded is left for a careless caller. */
	KUNIT_EXPECT_EQ(test, in.len, 0);
	KUNIT_EXPECT_EQ(test, in.width, 0);
	KUNIT_EXPECT_FALSE(test, in.write);
	KUNIT_EXPECT_EQ(test, in.seg, (u8)AXVM_SEG_NONE);
}

static void decode_null_bytes_is_truncated(struct kunit *test)
{
	struct axvm_insn in;

	KUNIT_EXPECT_EQ(test, axvm_decode(NULL, 15, M64, &in), -ENODATA);
	KUNIT_EXPECT_EQ(test, in.reason, (u8)AXVM_DECODE_TRUNCATED);
}

static void decode_reason_names(struct kunit *test)
{
	unsigned int r;

	for (r = 0; r < AXVM_DECODE_NR_REASONS; r++) {
		KUNIT_EXPECT_NOT_NULL(test, axvm_decode_reason_str(r));
		KUNIT_EXPECT_STRNEQ(test, axvm_decode_reason_str(r), "unknown");
	}
	KUNIT_EXPECT_STREQ(test, axvm_decode_reason_str(AXVM_DECODE_NR_REASONS),
			   "unknown");
	KUNIT_EXPECT_STREQ(test, axvm_decode_reason_str(~0u), "unknown");
}

static void decode_cpu_mode_of(struct kunit *test)
{
	/* real mode and vm86 are 16-bit whatever CS says */
	KUNIT_EXPECT_EQ(test, axvm_cpu_mode_of(false, false, false, false,
					       true), M16);
	KUNIT_EXPECT_EQ(test, axvm_cpu_mode_of(true, true, false, false, true),
			M16);
	KUNIT_EXPECT_EQ(test, axvm_cpu_mode_of(true, false, false, false,
					       false), M16);
	KUNIT_EXPECT_EQ(test, axvm_cpu_mode_of(true, false, false, false, true),
			M32);
	/* compatibility mode: LMA without CS.L */
	KUNIT_EXPECT_EQ(test, axvm_cpu_mode_of(true, false, true, false, true),
			M32);
	KUNIT_EXPECT_EQ(test, axvm_cpu_mode_of(true, false, true, true, false),
			M64);
	/* CS.L outside long mode means nothing */
	KUNIT_EXPECT_EQ(test, axvm_cpu_mode_of(true, false, false, true, true),
			M32);
}

/* ---- register semantics ------------------------------------------------ */

#define REG_FILL	0x1111111111111111ULL

struct read_case {
	const char *name;
	enum axvm_cpu_mode mode;
	u8 bytes[16];
	u8 n;			/* after bytes: BYTES() sets both */
	u64 value;		/* what the device returned */
	u8 reg;			/* the register that must change */
	u64 expect;		/* its value after, from REG_FILL */
};

static const struct read_case read_cases[] = {
	{ "8-bit merges into AL", M64, BYTES(0x8a, 0x07), 0xab, 0,
	  0x11111111111111abULL },
	{ "AH writes bits 15:8", M64, BYTES(0x8a, 0x27), 0xab, 0,
	  0x111111111111ab11ULL },
	{ "BH writes bits 15:8 of rbx", M32, BYTES(0x8a, 0x3f), 0xcd, 3,
	  0x111111111111cd11ULL },
	{ "SPL with REX is rsp bits 7:0", M64, BYTES(0x40, 0x8a, 0x27), 0xab,
	  4, 0x11111111111111abULL },
	{ "R12B", M64, BYTES(0x44, 0x8a, 0x27), 0xab, 12,
	  0x11111111111111abULL },
	{ "16-bit merges", M64, BYTES(0x66, 0x8b, 0x07), 0xbeef, 0,
	  0x111111111111beefULL },
	{ "32-bit zero-extends", M64, BYTES(0x8b, 0x07), 0x89abcdef, 0,
	  0x0000000089abcdefULL },
	{ "32-bit zero-extends r15d", M64, BYTES(0x44, 0x8b, 0x3f),
	  0x80000000, 15, 0x0000000080000000ULL },
	{ "64-bit", M64, BYTES(0x48, 0x8b, 0x07), 0xfedcba9876543210ULL, 0,
	  0xfedcba9876543210ULL },
	{ "value bits above width ignored", M64, BYTES(0x66, 0x8b, 0x07),
	  0xdeadbeefULL, 0, 0x111111111111beefULL },
	{ "value bits above 32 ignored", M64, BYTES(0x8b, 0x07),
	  0xffffffff00000001ULL, 0, 1 },
	{ "movzbl zeroes 63:8", M64, BYTES(0x0f, 0xb6, 0x07), 0x80, 0, 0x80 },
	{ "movzbw keeps 63:16", M64, BYTES(0x66, 0x0f, 0xb6, 0x07), 0xff, 0,
	  0x11111111111100ffULL },
	{ "movzwq", M64, BYTES(0x48, 0x0f, 0xb7, 0x07), 0xffff, 0, 0xffff },
	{ "movsbl sign, then zero 63:32", M64, BYTES(0x0f, 0xbe, 0x07), 0x80,
	  0, 0x00000000ffffff80ULL },
	{ "movsbq", M64, BYTES(0x48, 0x0f, 0xbe, 0x07), 0x80, 0,
	  0xffffffffffffff80ULL },
	{ "movsbw keeps 63:16", M64, BYTES(0x66, 0x0f, 0xbe, 0x07), 0xfe, 0,
	  0x111111111111fffeULL },
	{ "movswq", M64, BYTES(0x48, 0x0f, 0xbf, 0x07), 0x8000, 0,
	  0xffffffffffff8000ULL },
	{ "movswl positive", M64, BYTES(0x0f, 0xbf, 0x07), 0x7fff, 0,
	  0x7fff },
	{ "movsbl (%rdi),%esp: rsp, not AH", M64, BYTES(0x0f, 0xbe, 0x27),
	  0x01, 4, 0x1 },
	{ "16-bit mode: AX merges", M16, BYTES(0x8b, 0x07), 0x1234, 0,
	  0x1111111111111234ULL },
	{ "16-bit mode: 66 EAX zero-extends", M16, BYTES(0x66, 0x8b, 0x07),
	  0x12345678, 0, 0x12345678 },
	{ "moffs to AL", M32, BYTES(0xa0, 0, 0, 0xe0, 0xfe), 0x5a, 0,
	  0x111111111111115aULL },
};

static void read_case_desc(const struct read_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decode_read, read_cases, read_case_desc);

static void decode_complete_read(struct kunit *test)
{
	const struct read_case *c = test->param_value;
	u64 regs[AXVM_NR_GPRS];
	struct axvm_insn in;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, axvm_decode(c->bytes, c->n, c->mode, &in), 0);
	KUNIT_ASSERT_FALSE(test, in.write);
	for (i = 0; i < AXVM_NR_GPRS; i++)
		regs[i] = REG_FILL;
	axvm_insn_complete_read(&in, regs, c->value);
	for (i = 0; i < AXVM_NR_GPRS; i++) {
		if (i == c->reg)
			KUNIT_EXPECT_EQ(test, regs[i], c->expect);
		else
			KUNIT_EXPECT_EQ(test, regs[i], REG_FILL);
	}
}

struct write_case {
	const char *name;
	enum axvm_cpu_mode mode;
	u8 bytes[16];
	u8 n;			/* after bytes: BYTES() sets both */
	u64 expect;
};

/* Registers hold 0xRR..: each byte of reg i is 0x10 * i + byte index. */
static const struct write_case write_cases[] = {
	{ "AL", M64, BYTES(0x88, 0x07), 0x00 },
	{ "AH", M64, BYTES(0x88, 0x27), 0x01 },
	{ "CH", M64, BYTES(0x88, 0x2f), 0x11 },
	{ "BH", M32, BYTES(0x88, 0x3f), 0x31 },
	{ "DIL", M64, BYTES(0x40, 0x88, 0x3f), 0x70 },
	{ "R8B", M64, BYTES(0x44, 0x88, 0x07), 0x80 },
	{ "AX", M64, BYTES(0x66, 0x89, 0x07), 0x0100 },
	{ "EDX", M64, BYTES(0x89, 0x17), 0x23222120 },
	{ "RSP", M64, BYTES(0x48, 0x89, 0x27), 0x4746454443424140ULL },
	{ "R15", M64, BYTES(0x4c, 0x89, 0x3f), 0xf7f6f5f4f3f2f1f0ULL },
	{ "R9D", M64, BYTES(0x44, 0x89, 0x0f), 0x93929190 },
	{ "moffs RAX", M64, BYTES(0x48, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0),
	  0x0706050403020100ULL },
	{ "imm8", M64, BYTES(0xc6, 0x07, 0xab), 0xab },
	{ "imm16", M16, BYTES(0xc7, 0x07, 0x34, 0x12), 0x1234 },
	{ "imm32", M32, BYTES(0xc7, 0x07, 0x78, 0x56, 0x34, 0x12),
	  0x12345678 },
	{ "imm32 sign-extended to 64", M64,
	  BYTES(0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80),
	  0xffffffff80000000ULL },
};

static void write_case_desc(const struct write_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decode_write, write_cases, write_case_desc);

static void decode_write_value(struct kunit *test)
{
	const struct write_case *c = test->param_value;
	u64 regs[AXVM_NR_GPRS];
	struct axvm_insn in;
	unsigned int i, b;

	KUNIT_ASSERT_EQ(test, axvm_decode(c->bytes, c->n, c->mode, &in), 0);
	KUNIT_ASSERT_TRUE(test, in.write);
	for (i = 0; i < AXVM_NR_GPRS; i++) {
		regs[i] = 0;
		for (b = 0; b < 8; b++)
			regs[i] |= (u64)(0x10 * i + b) << (8 * b);
	}
	KUNIT_EXPECT_EQ(test, axvm_insn_write_value(&in, regs), c->expect);
}

static void decode_complete_read_ignores_write(struct kunit *test)
{
	u64 regs[AXVM_NR_GPRS] = { REG_FILL, REG_FILL };
	struct axvm_insn in;

	KUNIT_ASSERT_EQ(test, axvm_decode((const u8 *)"\x89\x07", 2, M64, &in),
			0);
	axvm_insn_complete_read(&in, regs, 0);
	KUNIT_EXPECT_EQ(test, regs[0], REG_FILL);
	KUNIT_EXPECT_EQ(test, regs[1], REG_FILL);
}

static struct kunit_case decode_cases[] = {
	KUNIT_CASE_PARAM(decode_ok, decode_ok_gen_params),
	KUNIT_CASE_PARAM(decode_ok_length_is_exact, decode_ok_gen_params),
	KUNIT_CASE_PARAM(decode_err, decode_err_gen_params),
	KUNIT_CASE(decode_null_bytes_is_truncated),
	KUNIT_CASE(decode_reason_names),
	KUNIT_CASE(decode_cpu_mode_of),
	KUNIT_CASE_PARAM(decode_complete_read, decode_read_gen_params),
	KUNIT_CASE_PARAM(decode_write_value, decode_write_gen_params),
	KUNIT_CASE(decode_complete_read_ignores_write),
	{}
};

static struct kunit_suite axvm_decode_suite = {
	.name = "axvm_decode",
	.test_cases = decode_cases,
};

kunit_test_suite(axvm_decode_suite);
