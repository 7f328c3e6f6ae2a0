// SPDX-License-Identifier: GPL-2.0
/*
 * platform: the PC platform's firmware tables, timers and power button,
 * used as an OS uses them (run with the platform, e.g. 2 vCPUs: the APs
 * wait for SIPI and are not started). One line per step; a failure is
 * "FAIL <step>: why" and debug-exit code 1 + the step's number.
 *
 *  1 acpi    the RSDP found by scanning 0xe0000-0xfffff (both checksums),
 *            the XSDT and every table in it summing to 0; MADT: a local
 *            APIC per vCPU ("cpus N": the expectation checks N), the
 *            IOAPIC, ISOs IRQ 0 -> GSI 2 and IRQ 9 level; FADT: PM1a
 *            0x600/0x604, PM timer 0x608, SCI 9, reset register I/O
 *            0xcf9 value 6, the DSDT (checksum, _S5_ and its SLP_TYP),
 *            the FACS; the HPET table at 0xfed00000. SCI_EN reads 1.
 *  2 clocks  the TSC calibrated against the PM timer, which is the
 *            clock of every step below; the LAPIC bus clock (1 GHz)
 *  3 lapic   periodic at 1 kHz, one-shot (divide by 16), TSC-deadline
 *            (a deadline, one in the past, the MSR reading 0 after)
 *  4 pit     channel 0 mode 2 at 100 Hz on IRQ 0 (IOAPIC pin per the
 *            MADT's ISO), its count read back; channel 2 gated by port
 *            0x61 bit 0, its OUT on bit 5 after 50 ms
 *  5 hpet    the counter's rate against the PM timer; timer 0 periodic
 *            at 200 Hz in legacy replacement mode (IRQ 0), then routed
 *            to a pin from its INT_ROUTE_CAP; timer 2 one-shot, routed
 *  6 rtc     UIP seen, the time and date (valid BCD or binary, ranges),
 *            the periodic interrupt at 256 Hz on IRQ 8
 *  7 s5      SLP_TYP from _S5_ with SLP_EN to PM1a_CNT: the VM powers
 *            off ("platform ok" first); still running 1 s later: FAIL
 * Expect: the VM stopped by poweroff; console "cpus N" and "platform ok".
 *
 * Time is measured with the ACPI PM timer (3579545 Hz), read through
 * the FADT, the way Linux calibrates its clocks. The bounds are generous
 * on purpose: the test host is QEMU TCG running axvm nested, slow and
 * shared. A device's rate is exactly what was programmed, so an
 * interrupt count can come out low (a vCPU thread not scheduled for a
 * while: the periodic timers merge missed periods into one interrupt,
 * like hardware whose IRR holds one of each vector) but never high,
 * bar one at each edge of the window. So counts must be within
 * 50%..150% (+-1) of the expected count: low by half still passes a
 * busy host, while a wrong divider, a rate off by 2x or more, a second
 * source on the same pin or an interrupt storm fails. A timeout must
 * never come early (90%: the PM timer reads themselves take time) and
 * may come late by a scheduling delay (3x + 50 ms). A rate measured by
 * reading two clocks (no interrupts) must be within 25%.
 */
#include "guest.h"

#define PM_HZ		3579545ull
#define APIC		0xfee00000ull
#define APIC_ID		0x20
#define APIC_EOI	0xb0
#define APIC_LVT_TIMER	0x320
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0
#define LVT_MASKED	(1u << 16)
#define LVT_PERIODIC	(1u << 17)
#define LVT_TSC_DEADLINE (2u << 17)
#define MSR_TSC_DEADLINE 0x6e0
#define IOREDTBL(pin)	(0x10 + 2 * (pin))

#define V_LAPIC		0x40		/* periodic */
#define V_TICK		0x41		/* the idle loop's */
#define V_ONESHOT	0x42
#define V_DEADLINE	0x43
#define V_PIT		0x30
#define V_HPET_LEG	0x31
#define V_HPET		0x50
#define V_HPET2		0x51
#define V_RTC		0x38
#define V_SPURIOUS	0xff

static volatile u32 irqs[256];
static int step_no;
static const char *step_name = "start";
static u8 apic_id;

/* What the tables say. */
static u64 ioapic = 0xfec00000, hpet;
static u32 irq_pin[16];			/* ISA IRQ -> IOAPIC pin (ISOs) */
static u16 pm1a_evt, pm1a_cnt, pm_tmr, reset_port;
static u32 pm_mask = 0xffffff;		/* 24 bits unless TMR_VAL_EXT */
static u8 slp_typ_s5 = 0xff, century_index;
static int idle_tick;			/* the LAPIC's 100 Hz backstop is on */
static u64 tsc_hz, bus_hz;

static void step(const char *name)
{
	step_no++;
	step_name = name;
	printf("step %d %s\n", step_no, name);
}

static __attribute__((noreturn, format(printf, 1, 2))) void fail(const char *f, ...)
{
	va_list ap;

	cli();
	printf("FAIL %s: ", step_name);
	va_start(ap, f);
	vprintf(f, ap);
	va_end(ap);
	putc('\n');
	exit(1 + step_no);
}

void on_interrupt(int vector, u64 error, u64 *frame)
{
	if (vector < 32)
		fail("exception %d, error %lx, at %lx", vector, error, frame[0]);
	if (vector == V_RTC) {
		/* Reading C acknowledges; count only periodic flags. */
		outb(0x70, 0x0c);
		if (inb(0x71) & 0x40)
			irqs[vector]++;
	} else {
		irqs[vector]++;
	}
	if (vector != V_SPURIOUS)
		mmio_write32(APIC + APIC_EOI, 0);
}

/* ---- the clock: the ACPI PM timer, widened to 64 bits ------------------ */

static u32 pm_last;
static u64 pm_ticks;

static u64 pm_now(void)
{
	u32 v = inl(pm_tmr) & pm_mask;

	pm_ticks += (v - pm_last) & pm_mask;
	pm_last = v;
	return pm_ticks;
}

static u64 ms_to_pm(u64 ms) { return ms * PM_HZ / 1000; }
static u64 pm_to_us(u64 t) { return t * 1000000 / PM_HZ; }

/* Let interrupts in: sleep when the LAPIC tick will wake us, else spin. */
static void idle(void)
{
	if (idle_tick) {
		sti_hlt();
	} else {
		/*
		 * The NOP is where interrupts get in: QEMU 7.2's TCG
		 * keeps STI's shadow past a PAUSE, so "sti; pause; cli" lets
		 * none in on the test hosts (docs/design.md).
		 */
		asm volatile("sti; nop; pause" : : : "memory");
	}
	cli();
}

static void delay_ms(u64 ms)
{
	u64 end = pm_now() + ms_to_pm(ms);

	while (pm_now() < end)
		idle();
}

/* Interrupts on vector v in ms of PM time. */
static u32 count_irqs(int v, u64 ms)
{
	u32 c0 = irqs[v];

	delay_ms(ms);
	return irqs[v] - c0;
}

/* PM ticks until vector v's count moves (within limit_ms), 0 if never. */
static u64 time_irq(int v, u32 c0, u64 t0, u64 limit_ms)
{
	u64 end = t0 + ms_to_pm(limit_ms), t;

	while ((t = pm_now()) < end) {
		if (irqs[v] != c0)
			return t - t0;
		idle();
	}
	return irqs[v] != c0 ? pm_now() - t0 : 0;
}

static void check_count(const char *what, u32 got, u32 want)
{
	printf("%s %u/%u\n", what, got, want);
	if (got + 1 < want / 2 || got > want + want / 2 + 1)
		fail("%s: %u interrupts, want %u (50%%..150%%)", what, got, want);
}

static void check_rate(const char *what, u64 got, u64 want)
{
	if (got < want - want / 4 || got > want + want / 4)
		fail("%s: %lu Hz, want %lu (+-25%%)", what, got, want);
}

/* A timeout of want_ms took pm ticks (0: never came). */
static void check_delay(const char *what, u64 pm, u64 want_ms)
{
	u64 us = pm_to_us(pm);

	printf("%s %lu us/%lu us\n", what, us, want_ms * 1000);
	if (!pm)
		fail("%s: no interrupt", what);
	if (us < want_ms * 900 || us > want_ms * 3000 + 50000)
		fail("%s: %lu us, want %lu ms (90%%..3x + 50 ms)", what, us,
		     want_ms);
}

/* ---- interrupt controllers --------------------------------------------- */

static u32 lapic_read(u32 reg) { return mmio_read32(APIC + reg); }
static void lapic_write(u32 reg, u32 v) { mmio_write32(APIC + reg, v); }

static void ioapic_write(u32 index, u32 v)
{
	mmio_write32(ioapic, index);
	mmio_write32(ioapic + 0x10, v);
}

/* An edge-triggered, active-high entry to us, or masked if vector 0. */
static void ioapic_route(u32 pin, u8 vector)
{
	ioapic_write(IOREDTBL(pin) + 1, (u32)apic_id << 24);
	ioapic_write(IOREDTBL(pin), vector ? vector : LVT_MASKED);
}

/* ---- 1: the ACPI tables ------------------------------------------------- */

static u16 rd16(const u8 *p) { u16 v; __builtin_memcpy(&v, p, 2); return v; }
static u32 rd32(const u8 *p) { u32 v; __builtin_memcpy(&v, p, 4); return v; }
static u64 rd64(const u8 *p) { u64 v; __builtin_memcpy(&v, p, 8); return v; }

/* The table at addr (signature sig, or any if NULL), its checksum checked. */
static const u8 *table(u64 addr, const char *sig)
{
	const u8 *t = (const u8 *)(uintptr_t)addr;

	if (!addr || addr >= (1ull << 32))
		fail("%s at %lx", sig ? sig : "table", addr);
	if (sig && !bytes_eq(t, sig, 4))
		fail("%lx: signature %c%c%c%c, want %s", addr, t[0], t[1],
		     t[2], t[3], sig);
	if (rd32(t + 4) < 36 || rd32(t + 4) > (1u << 20))
		fail("%c%c%c%c: length %u", t[0], t[1], t[2], t[3], rd32(t + 4));
	if (bytes_sum(t, rd32(t + 4)))
		fail("%c%c%c%c: checksum", t[0], t[1], t[2], t[3]);
	return t;
}

/* A Generic Address Structure's address if it is in I/O space, else 0. */
static u64 gas_io(const u8 *gas)
{
	return gas[0] == 1 ? rd64(gas + 4) : 0;
}

static int parse_madt(const u8 *t)
{
	u32 len = rd32(t + 4), off = 44, cpus = 0, ioapics = 0;
	int found_self = 0, irq0 = 0, irq9 = 0;

	if (rd32(t + 36) != APIC)
		fail("MADT: local APIC address %x", rd32(t + 36));
	for (; off + 2 <= len && t[off + 1] >= 2; off += t[off + 1]) {
		const u8 *e = t + off;

		switch (e[0]) {
		case 0:		/* Processor Local APIC */
			if (!(rd32(e + 4) & 1))
				fail("MADT: APIC %u not enabled", e[3]);
			cpus++;
			found_self |= e[3] == apic_id;
			break;
		case 1:		/* I/O APIC */
			ioapics++;
			ioapic = rd32(e + 4);
			if (ioapic != 0xfec00000 || rd32(e + 8) != 0)
				fail("MADT: IOAPIC at %lx, GSI base %u", ioapic,
				     rd32(e + 8));
			break;
		case 2:		/* Interrupt Source Override: bus, IRQ */
			if (e[3] < 16)
				irq_pin[e[3]] = rd32(e + 4);
			if (e[3] == 0 && rd32(e + 4) == 2)
				irq0 = 1;
			/* flags 3:2 = 3: level-triggered */
			if (e[3] == 9 && rd32(e + 4) == 9 &&
			    (rd16(e + 8) & 0xc) == 0xc)
				irq9 = 1;
			break;
		}
	}
	if (off != len)
		fail("MADT: entries end at %u, length %u", off, len);
	if (!cpus || !found_self || ioapics != 1 || !irq0 || !irq9)
		fail("MADT: %u cpus (us: %d), %u IOAPICs, ISO IRQ0->2 %d, IRQ9 level %d",
		     cpus, found_self, ioapics, irq0, irq9);
	return cpus;
}

/* SLP_TYPa of the DSDT's \_S5_ package: Name(_S5_, Package() {a, b, ...}) */
static void parse_dsdt(const u8 *t)
{
	u32 len = rd32(t + 4), i;
	const u8 *p;

	for (i = 36; i + 4 <= len; i++)
		if (bytes_eq(t + i, "_S5_", 4))
			break;
	if (i + 4 > len)
		fail("DSDT: no _S5_");
	p = t + i + 4;
	if (p + 4 > t + len || *p++ != 0x12)		/* PackageOp */
		fail("DSDT: _S5_ is not a package");
	p += 1 + (*p >> 6);				/* PkgLength */
	p++;						/* NumElements */
	if (p + 2 > t + len)
		fail("DSDT: _S5_ truncated");
	if (*p == 0x0a)					/* BytePrefix */
		slp_typ_s5 = p[1];
	else if (*p == 0x00 || *p == 0x01)		/* ZeroOp, OneOp */
		slp_typ_s5 = *p;
	else
		fail("DSDT: _S5_ SLP_TYPa opcode %x", *p);
}

static void parse_fadt(const u8 *t)
{
	u32 len = rd32(t + 4), flags = rd32(t + 112);
	u64 x, dsdt, facs;

	if (t[8] < 3 || len < 244)
		fail("FADT: revision %u, length %u", t[8], len);
	x = gas_io(t + 148);
	pm1a_evt = x ? x : rd32(t + 56);
	x = gas_io(t + 172);
	pm1a_cnt = x ? x : rd32(t + 64);
	x = gas_io(t + 208);
	pm_tmr = x ? x : rd32(t + 76);
	if (flags & (1 << 8))				/* TMR_VAL_EXT */
		pm_mask = 0xffffffff;
	reset_port = gas_io(t + 116);
	century_index = t[108];
	printf("fadt rev %u pm1a %x/%x pm_tmr %x (%u bits) sci %u reset %x/%x\n",
	       t[8], pm1a_evt, pm1a_cnt, pm_tmr, pm_mask == 0xffffffff ? 32 : 24,
	       rd16(t + 46), reset_port, t[128]);
	if (pm1a_evt != 0x600 || pm1a_cnt != 0x604 || pm_tmr != 0x608 ||
	    t[88] != 4 || t[89] != 2 || t[91] != 4)
		fail("FADT: PM1a/PM timer blocks (lengths %u %u %u)", t[88],
		     t[89], t[91]);
	if (rd16(t + 46) != 9)
		fail("FADT: SCI_INT %u", rd16(t + 46));
	if (!(flags & (1 << 10)) || reset_port != 0xcf9 || t[128] != 6)
		fail("FADT: RESET_REG_SUP %d, RESET_REG %x, value %x",
		     !!(flags & (1 << 10)), reset_port, t[128]);
	dsdt = rd64(t + 140) ? rd64(t + 140) : rd32(t + 40);
	facs = rd64(t + 132) ? rd64(t + 132) : rd32(t + 36);
	parse_dsdt(table(dsdt, "DSDT"));
	if (!bytes_eq((const u8 *)(uintptr_t)facs, "FACS", 4) ||
	    rd32((const u8 *)(uintptr_t)facs + 4) < 64)
		fail("FACS at %lx", facs);
	/* No check of the value (5 here): S5 below fails if it is wrong. */
	printf("dsdt _S5_ %u, facs %lx\n", slp_typ_s5, facs);
}

static void acpi(void)
{
	const u8 *rsdp = acpi_find_rsdp(), *xsdt, *madt = 0, *fadt = 0, *ht = 0;
	u32 i, n, cpus;

	step("acpi");
	if (!rsdp)
		fail("no RSDP in 0xe0000-0xfffff");
	if (rsdp[15] < 2 || rd32(rsdp + 20) < 36 || bytes_sum(rsdp, rd32(rsdp + 20)))
		fail("RSDP at %lx: revision %u, length %u, extended checksum",
		     (u64)(uintptr_t)rsdp, rsdp[15], rd32(rsdp + 20));
	printf("rsdp %lx oem %c%c%c%c%c%c tables", (u64)(uintptr_t)rsdp,
	       rsdp[9], rsdp[10], rsdp[11], rsdp[12], rsdp[13], rsdp[14]);
	xsdt = table(rd64(rsdp + 24), "XSDT");
	n = (rd32(xsdt + 4) - 36) / 8;
	for (i = 0; i < n; i++) {
		const u8 *t = table(rd64(xsdt + 36 + 8 * i), NULL);

		printf(" %c%c%c%c", t[0], t[1], t[2], t[3]);
		if (bytes_eq(t, "APIC", 4))
			madt = t;
		else if (bytes_eq(t, "FACP", 4))
			fadt = t;
		else if (bytes_eq(t, "HPET", 4))
			ht = t;
	}
	putc('\n');
	if (!madt || !fadt || !ht)
		fail("XSDT: MADT %d FADT %d HPET %d", !!madt, !!fadt, !!ht);
	for (i = 0; i < 16; i++)
		irq_pin[i] = i;
	cpus = parse_madt(madt);
	parse_fadt(fadt);
	/* HPET: the base address, a GAS in memory space. */
	hpet = rd64(ht + 44);
	if (ht[40] != 0 || hpet != 0xfed00000)
		fail("HPET table: base %lx (space %u)", hpet, ht[40]);
	if (!(inw(pm1a_cnt) & 1))
		fail("PM1a_CNT %x: SCI_EN clear", inw(pm1a_cnt));
	printf("cpus %u\n", cpus);
}

/* ---- 2, 3: TSC and LAPIC timer ----------------------------------------- */

static void clocks(void)
{
	u64 p0, p1, t0, t1;
	u32 c;

	step("clocks");
	p0 = pm_now();
	t0 = rdtsc();
	delay_ms(100);
	t1 = rdtsc();
	p1 = pm_now();
	tsc_hz = (t1 - t0) * PM_HZ / (p1 - p0);
	printf("tsc %lu kHz\n", tsc_hz / 1000);
	if (tsc_hz < 100000000)
		fail("TSC %lu Hz", tsc_hz);

	/* The bus clock, as Linux calibrates it: a masked one-shot. */
	lapic_write(APIC_LVT_TIMER, LVT_MASKED | V_LAPIC);
	lapic_write(APIC_TDCR, 0xb);			/* divide by 1 */
	p0 = pm_now();
	lapic_write(APIC_TMICT, 0xffffffff);
	delay_ms(100);
	c = lapic_read(APIC_TMCCT);
	p1 = pm_now();
	lapic_write(APIC_TMICT, 0);
	bus_hz = (0xffffffffull - c) * PM_HZ / (p1 - p0);
	printf("lapic bus %lu kHz\n", bus_hz / 1000);
	check_rate("LAPIC bus clock", bus_hz, 1000000000);
}

static void lapic_timer(void)
{
	u32 r[4], c0;
	u64 t0;

	step("lapic");
	lapic_write(APIC_LVT_TIMER, LVT_PERIODIC | V_LAPIC);
	lapic_write(APIC_TDCR, 0xb);
	lapic_write(APIC_TMICT, bus_hz / 1000);
	check_count("lapic periodic", count_irqs(V_LAPIC, 200), 200);
	lapic_write(APIC_TMICT, 0);
	delay_ms(5);		/* one may still be pending: let it in */

	/* One-shot, 10 ms at divide by 16; once only, and TMCCT 0 after. */
	lapic_write(APIC_LVT_TIMER, V_ONESHOT);
	lapic_write(APIC_TDCR, 0x3);
	c0 = irqs[V_ONESHOT];
	t0 = pm_now();
	lapic_write(APIC_TMICT, bus_hz / 16 / 100);
	if (lapic_read(APIC_TMCCT) == 0 || lapic_read(APIC_TMCCT) > bus_hz / 1600)
		fail("one-shot: TMCCT %u after TMICT %lu", lapic_read(APIC_TMCCT),
		     bus_hz / 1600);
	check_delay("lapic one-shot", time_irq(V_ONESHOT, c0, t0, 1000), 10);
	delay_ms(30);
	if (irqs[V_ONESHOT] != c0 + 1 || lapic_read(APIC_TMCCT))
		fail("one-shot: %u interrupts, TMCCT %u", irqs[V_ONESHOT] - c0,
		     lapic_read(APIC_TMCCT));

	/* TSC-deadline: 10 ms ahead; then one long past: at once. */
	cpuid(1, 0, r);
	if (!(r[2] & (1u << 24)))
		fail("CPUID.1:ECX.TSC_DEADLINE clear");
	lapic_write(APIC_LVT_TIMER, LVT_TSC_DEADLINE | V_DEADLINE);
	c0 = irqs[V_DEADLINE];
	t0 = pm_now();
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + tsc_hz / 100);
	check_delay("lapic tsc-deadline", time_irq(V_DEADLINE, c0, t0, 1000), 10);
	if (rdmsr(MSR_TSC_DEADLINE))
		fail("TSC_DEADLINE reads %lx after it fired",
		     rdmsr(MSR_TSC_DEADLINE));
	c0 = irqs[V_DEADLINE];
	t0 = pm_now();
	wrmsr(MSR_TSC_DEADLINE, 1);
	t0 = time_irq(V_DEADLINE, c0, t0, 1000);
	printf("lapic tsc-deadline past %lu us\n", pm_to_us(t0));
	if (!t0 || pm_to_us(t0) > 50000)
		fail("a deadline in the past: %lu us", pm_to_us(t0));
	delay_ms(20);
	if (irqs[V_DEADLINE] != c0 + 1)
		fail("tsc-deadline: %u interrupts", irqs[V_DEADLINE] - c0);

	/* From here on a 100 Hz tick wakes the idle loop (HLT). */
	lapic_write(APIC_LVT_TIMER, LVT_PERIODIC | V_TICK);
	lapic_write(APIC_TDCR, 0xb);
	lapic_write(APIC_TMICT, bus_hz / 100);
	idle_tick = 1;
}

/* ---- 4: the 8254 ------------------------------------------------------- */

#define PIT_HZ		1193182ull

static void pit(void)
{
	u32 latch = (PIT_HZ + 50) / 100, n, pin = irq_pin[0];
	u64 t0, t;
	u16 cnt;
	u8 high;

	step("pit");
	ioapic_route(pin, V_PIT);
	outb(0x43, 0x34);		/* channel 0, lo/hi, mode 2, binary */
	outb(0x40, latch & 0xff);
	outb(0x40, latch >> 8);
	n = count_irqs(V_PIT, 500);
	outb(0x43, 0x00);		/* latch channel 0's count */
	cnt = inb(0x40);
	cnt |= inb(0x40) << 8;
	ioapic_route(pin, 0);
	outb(0x43, 0x30);		/* mode 0, no count: OUT low, stopped */
	printf("pit pin %u count %u\n", pin, cnt);
	check_count("pit periodic", n, 50);
	if (!cnt || cnt > latch)
		fail("channel 0 count read back %u (latch %u)", cnt, latch);

	/* Channel 2, the way Linux calibrates against it: 50 ms, mode 0. */
	latch = PIT_HZ / 20;
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xb0);		/* channel 2, lo/hi, mode 0, binary */
	outb(0x42, latch & 0xff);
	/*
	 * The count starts with its high byte: read the clock before it
	 * and after OUT, so host delays lengthen the time measured, never
	 * shorten it (the bound below is a floor).
	 */
	t0 = pm_now();
	outb(0x42, latch >> 8);
	if (inb(0x61) & 0x20)
		fail("channel 2 OUT high right after the count");
	do {
		high = inb(0x61) & 0x20;
		t = pm_now() - t0;
	} while (!high && t < ms_to_pm(1000));
	outb(0x61, inb(0x61) & ~0x03);
	check_delay("pit channel 2", high ? t : 0, 50);
}

/* ---- 5: the HPET ------------------------------------------------------- */

#define HPET_CAP	0x000
#define HPET_CFG	0x010
#define HPET_COUNTER	0x0f0
#define HPET_TCFG(n)	(0x100 + 0x20 * (n))
#define HPET_TCMP(n)	(0x108 + 0x20 * (n))
#define CFG_ENABLE	1
#define CFG_LEGACY	2
#define TN_INT_ENB	(1u << 2)
#define TN_PERIODIC	(1u << 3)
#define TN_PER_CAP	(1u << 4)
#define TN_SETVAL	(1u << 6)
#define TN_ROUTE_SHIFT	9

static u64 hpet_hz;

static u32 hpet_read32(u32 reg) { return mmio_read32(hpet + reg); }
static void hpet_write32(u32 reg, u32 v) { mmio_write32(hpet + reg, v); }

/* The highest pin in timer n's INT_ROUTE_CAP that the IOAPIC has. */
static u32 hpet_pin(int n)
{
	u32 cap = hpet_read32(HPET_TCFG(n) + 4) & 0xffffff;
	int pin;

	for (pin = 23; pin >= 0; pin--)
		if (cap & (1u << pin))
			return pin;
	fail("timer %d: INT_ROUTE_CAP %x", n, hpet_read32(HPET_TCFG(n) + 4));
}

/* Timer 0 periodic at hz, as Linux's hpet_set_periodic() does it. */
static void hpet_periodic(u32 route, u32 hz)
{
	u64 delta = hpet_hz / hz, now;
	u32 cfg = hpet_read32(HPET_TCFG(0));

	if (!(cfg & TN_PER_CAP))
		fail("timer 0 cannot be periodic (config %x)", cfg);
	hpet_write32(HPET_CFG, 0);				/* halt */
	now = mmio_read64(hpet + HPET_COUNTER);
	cfg &= ~(0x1f << TN_ROUTE_SHIFT | 0x2 /* level */);
	cfg |= TN_INT_ENB | TN_PERIODIC | TN_SETVAL | route << TN_ROUTE_SHIFT;
	hpet_write32(HPET_TCFG(0), cfg);
	mmio_write64(hpet + HPET_TCMP(0), now + delta);
	mmio_write64(hpet + HPET_TCMP(0), delta);
}

static void hpet_stop(int n)
{
	hpet_write32(HPET_CFG, 0);
	hpet_write32(HPET_TCFG(n), hpet_read32(HPET_TCFG(n)) & ~(TN_INT_ENB | TN_PERIODIC));
}

static void hpet_test(void)
{
	u64 cap, c0, c1, p0, p1, t0;
	u32 period, timers, pin, cfg, n;

	step("hpet");
	cap = mmio_read64(hpet + HPET_CAP);
	period = cap >> 32;
	timers = ((cap >> 8) & 0x1f) + 1;
	printf("hpet cap %lx: %u timers, period %u fs\n", cap, timers, period);
	if (!period || period > 100000000 || timers < 3 || !(cap & (1 << 15)) ||
	    !(cap & (1 << 13)))
		fail("capabilities %lx (period, timers, LEG_RT_CAP, 64-bit)", cap);
	hpet_hz = 1000000000000000ull / period;
	check_rate("HPET period", hpet_hz, 100000000);

	/* The main counter's rate against the PM timer. */
	hpet_write32(HPET_CFG, 0);
	mmio_write64(hpet + HPET_COUNTER, 0);
	hpet_write32(HPET_CFG, CFG_ENABLE);
	c0 = mmio_read64(hpet + HPET_COUNTER);
	p0 = pm_now();
	delay_ms(100);
	c1 = mmio_read64(hpet + HPET_COUNTER);
	p1 = pm_now();
	c1 = (c1 - c0) * PM_HZ / (p1 - p0);
	printf("hpet counter %lu kHz\n", c1 / 1000);
	check_rate("HPET counter", c1, hpet_hz);

	/* Timer 0 in legacy replacement mode: IRQ 0. */
	ioapic_route(irq_pin[0], V_HPET_LEG);
	hpet_periodic(0, 200);
	hpet_write32(HPET_CFG, CFG_ENABLE | CFG_LEGACY);
	n = count_irqs(V_HPET_LEG, 300);
	hpet_stop(0);
	ioapic_route(irq_pin[0], 0);
	check_count("hpet legacy periodic", n, 60);

	/* Timer 0 routed to a pin it may use. */
	pin = hpet_pin(0);
	ioapic_route(pin, V_HPET);
	hpet_periodic(pin, 200);
	hpet_write32(HPET_CFG, CFG_ENABLE);
	n = count_irqs(V_HPET, 300);
	hpet_stop(0);
	ioapic_route(pin, 0);
	printf("hpet timer 0 pin %u\n", pin);
	check_count("hpet routed periodic", n, 60);

	/* Timer 2 one-shot, 10 ms, routed. */
	pin = hpet_pin(2);
	ioapic_route(pin, V_HPET2);
	cfg = hpet_read32(HPET_TCFG(2)) & ~(0x1f << TN_ROUTE_SHIFT | 0x2 | TN_PERIODIC);
	hpet_write32(HPET_TCFG(2), cfg | TN_INT_ENB | pin << TN_ROUTE_SHIFT);
	n = irqs[V_HPET2];
	hpet_write32(HPET_CFG, CFG_ENABLE);
	t0 = pm_now();
	mmio_write64(hpet + HPET_TCMP(2), mmio_read64(hpet + HPET_COUNTER) +
		     hpet_hz / 100);
	printf("hpet timer 2 pin %u\n", pin);
	check_delay("hpet one-shot", time_irq(V_HPET2, n, t0, 1000), 10);
	delay_ms(30);
	if (irqs[V_HPET2] != n + 1)
		fail("one-shot: %u interrupts", irqs[V_HPET2] - n);
	hpet_stop(2);
	ioapic_route(pin, 0);
}

/* ---- 6: the RTC -------------------------------------------------------- */

static int bcd_ok(u8 v) { return (v & 0xf) < 10 && (v >> 4) < 10; }
static u8 from_bcd(u8 v) { return (v >> 4) * 10 + (v & 0xf); }

static void rtc(void)
{
	u8 b, reg[10], cent = 0, a;
	u64 t0 = pm_now(), t;
	u32 i, n, pin = irq_pin[8];
	int bcd;

	step("rtc");
	/* As Linux reads it: wait for an update to start and finish. */
	while (!(cmos_read(0x0a) & 0x80))
		if (pm_now() - t0 > ms_to_pm(2000))
			fail("UIP not seen in 2 s");
	t = pm_now() - t0;
	while (cmos_read(0x0a) & 0x80)
		if (pm_now() - t0 > ms_to_pm(3000))
			fail("UIP stuck");
	for (i = 0; i < 10; i++)
		reg[i] = cmos_read(i);
	if (century_index)
		cent = cmos_read(century_index);
	b = cmos_read(0x0b);
	bcd = !(b & 0x04);
	printf("rtc B %x uip after %lu ms: %x%02x-%02x-%02x %02x:%02x:%02x%s\n",
	       b, pm_to_us(t) / 1000, cent, reg[9], reg[8], reg[7], reg[4],
	       reg[2], reg[0], bcd ? "" : " (binary)");
	if (bcd) {
		for (i = 0; i < 10; i++)
			if (i != 4 && i != 6 && i != 1 && i != 3 && i != 5 &&
			    !bcd_ok(reg[i]))
				fail("register %u: %x is not BCD", i, reg[i]);
		if (!bcd_ok(reg[4] & 0x7f) || (century_index && !bcd_ok(cent)))
			fail("hour %x, century %x: not BCD", reg[4], cent);
		for (i = 0; i < 10; i++)
			if (i != 4)
				reg[i] = from_bcd(reg[i]);
		reg[4] = from_bcd(reg[4] & 0x7f) | (reg[4] & 0x80);
	}
	if (!(b & 0x02))				/* 12-hour: 1-12, bit 7 PM */
		reg[4] = (reg[4] & 0x7f) % 12 + (reg[4] & 0x80 ? 12 : 0);
	if (reg[0] > 59 || reg[2] > 59 || reg[4] > 23 || !reg[7] || reg[7] > 31 ||
	    !reg[8] || reg[8] > 12 || reg[9] > 99)
		fail("time out of range");

	/* The periodic interrupt, 256 Hz (rate 8), acknowledged by C. */
	a = cmos_read(0x0a);
	cmos_write(0x0a, (a & 0x70 ? a & 0x70 : 0x20) | 8);
	cmos_read(0x0c);
	ioapic_route(pin, V_RTC);
	cmos_write(0x0b, b | 0x40);			/* PIE */
	n = count_irqs(V_RTC, 250);
	cmos_write(0x0b, b & ~0x40);
	cmos_read(0x0c);
	ioapic_route(pin, 0);
	printf("rtc pin %u\n", pin);
	check_count("rtc periodic", n, 64);
}

/* ---- 7: S5 ----------------------------------------------------------------- */

static void poweroff(void)
{
	u16 v;

	step("s5");
	lapic_write(APIC_TMICT, 0);
	idle_tick = 0;
	puts("platform ok\n");
	/* ACPICA's order: SLP_TYP first, then SLP_EN with it. */
	v = inw(pm1a_cnt) & ~(0x7 << 10 | 1 << 13);
	v |= slp_typ_s5 << 10;
	outw(pm1a_cnt, v);
	outw(pm1a_cnt, v | 1 << 13);
	delay_ms(1000);
	fail("still running 1 s after SLP_EN");
}

int main(void)
{
	u32 r[4];

	cpuid(1, 0, r);
	apic_id = r[1] >> 24;
	/* Firmware left its timer on the 8259s: an OS on the IOAPIC masks them. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	lapic_write(0xf0, 0x100 | V_SPURIOUS);		/* SVR: enabled */
	acpi();
	pm_last = inl(pm_tmr) & pm_mask;
	clocks();
	lapic_timer();
	pit();
	hpet_test();
	rtc();
	poweroff();
	return 0;
}
