/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a C test guest needs (crt64.S starts it): port and MMIO access,
 * MSRs, TSC, CPUID, interrupts on and off, COM1 output and the
 * debug-exit. The guest runs in long mode with the low 4 GiB identity
 * mapped (DESIGN.md §4), so a physical address below 4 GiB is a pointer.
 *
 * crt64.S calls main() with interrupts off and an IDT whose every vector
 * calls on_interrupt(), which the guest defines; main's return value is
 * the exit code.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* frame: RIP, CS, RFLAGS, RSP, SS of the interrupted code (writable). */
void on_interrupt(int vector, u64 error, u64 *frame);
int main(void);

#define COM1		0x3f8
#define EXIT_PORT	0xf4

static inline void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 port, u16 v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 mmio_read32(u64 addr)
{
	return *(volatile u32 *)(uintptr_t)addr;
}

static inline void mmio_write32(u64 addr, u32 v)
{
	*(volatile u32 *)(uintptr_t)addr = v;
}

static inline u64 mmio_read64(u64 addr)
{
	return *(volatile u64 *)(uintptr_t)addr;
}

static inline void mmio_write64(u64 addr, u64 v)
{
	*(volatile u64 *)(uintptr_t)addr = v;
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return lo | (u64)hi << 32;
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | (u64)hi << 32;
}

/* r[0..3] = EAX, EBX, ECX, EDX of leaf, subleaf */
static inline void cpuid(u32 leaf, u32 sub, u32 r[4])
{
	asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		     : "a"(leaf), "c"(sub));
}

static inline void sti(void) { asm volatile("sti" : : : "memory"); }
static inline void cli(void) { asm volatile("cli" : : : "memory"); }
static inline void hlt(void) { asm volatile("hlt" : : : "memory"); }
static inline void pause(void) { asm volatile("pause" : : : "memory"); }
/* Wait for an interrupt with none lost between the STI and the HLT. */
static inline void sti_hlt(void) { asm volatile("sti; hlt" : : : "memory"); }

/* The VM stops with code v (a 4-byte write to the debug-exit port). */
static inline __attribute__((noreturn)) void exit(u32 v)
{
	outl(EXIT_PORT, v);
	for (;;) {
		cli();
		hlt();
	}
}

static inline void putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))		/* LSR.THRE */
		;
	outb(COM1, c);
}

static inline void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static inline void puthex(u64 v)
{
	int i;

	for (i = 60; i >= 0; i -= 4)
		putc("0123456789abcdef"[(v >> i) & 0xf]);
}

/* A number in base 10 or 16, at least width digits (zero-padded). */
static inline void putnum(u64 v, unsigned int base, int width)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width && n < (int)sizeof(buf))
		buf[n++] = '0';
	while (n)
		putc(buf[--n]);
}

/* %s %c %d %u %x (l, ll: 64-bit; a 0-padded width: %02u), %% */
static inline void vprintf(const char *f, va_list ap)
{
	for (; *f; f++) {
		int width = 0, lng = 0;
		u64 v;

		if (*f != '%') {
			putc(*f);
			continue;
		}
		while (*++f >= '0' && *f <= '9')
			width = width * 10 + *f - '0';
		while (*f == 'l') {
			lng = 1;
			f++;
		}
		switch (*f) {
		case 's':
			puts(va_arg(ap, const char *));
			break;
		case 'c':
			putc(va_arg(ap, int));
			break;
		case 'd':
			v = lng ? (u64)va_arg(ap, long) : (u64)va_arg(ap, int);
			if ((int64_t)v < 0) {
				putc('-');
				v = -v;
			}
			putnum(v, 10, width);
			break;
		case 'u':
		case 'x':
			v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			putnum(v, *f == 'u' ? 10 : 16, width);
			break;
		case '\0':
			return;
		default:
			putc(*f);
		}
	}
}

static inline __attribute__((format(printf, 1, 2))) void printf(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vprintf(f, ap);
	va_end(ap);
}

/* CMOS RAM: the RTC's registers, then NVRAM (0x0e-0x7f). */
static inline u8 cmos_read(u8 index)
{
	outb(0x70, index);
	return inb(0x71);
}

static inline void cmos_write(u8 index, u8 v)
{
	outb(0x70, index);
	outb(0x71, v);
}

static inline u8 bytes_sum(const void *p, u32 len)
{
	const u8 *b = p;
	u8 s = 0;

	while (len--)
		s += *b++;
	return s;
}

static inline int bytes_eq(const void *a, const void *b, u32 len)
{
	const u8 *x = a, *y = b;

	while (len--)
		if (*x++ != *y++)
			return 0;
	return 1;
}

/*
 * The ACPI RSDP as an OS finds it: "RSD PTR " on a 16-byte boundary in
 * 0xe0000-0xfffff whose first 20 bytes sum to 0; NULL if none.
 */
static inline const u8 *acpi_find_rsdp(void)
{
	uintptr_t a;

	for (a = 0xe0000; a < 0x100000; a += 16) {
		const u8 *p = (const u8 *)a;

		if (bytes_eq(p, "RSD PTR ", 8) && !bytes_sum(p, 20))
			return p;
	}
	return NULL;
}

#endif
