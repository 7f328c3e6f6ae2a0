// SPDX-License-Identifier: GPL-2.0
/*
 * reset: the PC's reset control register (port 0xcf9) and a reboot, run
 * with the platform. CMOS NVRAM (byte 0x40) outlives a reset, so the
 * guest knows which boot it is in:
 *  first boot   "reset: first boot", leaves marks that a reset must
 *               wipe (a word of RAM at 2 MiB, the RSDP's signature) and
 *               the NVRAM mark, then writes 0x02 and 0x06 to 0xcf9 as
 *               Linux's "reboot=pci" does (0x02 alone: no reset). Still
 *               running 1 s later: FAIL 2.
 *  second boot  RAM was reset (FAIL 3), the ACPI tables written again
 *               (FAIL 4); clears the mark, "reset ok", exit 0.
 * Expect: rebooted (axrun -r, a managed VM): exit 0, "reset ok"; not
 * rebooted: the VM stopped by a reset, "reset: first boot" only.
 */
#include "guest.h"

#define NVRAM_MARK	0x40
#define MAGIC		0xa5
#define RAM_MARK	0x200000
#define PM_TMR		0x608		/* the FADT's; platform.c checks it */

void on_interrupt(int vector, u64 error, u64 *frame)
{
	printf("FAIL exception %d error %lx at %lx\n", vector, error, frame[0]);
	exit(1);
}

/* At most ms of PM timer time (fewer if the timer is missing). */
static void delay_ms(u32 ms)
{
	u32 t0 = inl(PM_TMR), n = 0;

	while (((inl(PM_TMR) - t0) & 0xffffff) < ms * 3580 && ++n < 50000000)
		pause();
}

int main(void)
{
	volatile u32 *ram = (volatile u32 *)RAM_MARK;
	u8 *rsdp = (u8 *)acpi_find_rsdp();

	if (cmos_read(NVRAM_MARK) != MAGIC) {
		puts("reset: first boot\n");
		if (!rsdp) {
			puts("FAIL 1: no RSDP\n");
			return 1;
		}
		cmos_write(NVRAM_MARK, MAGIC);
		*ram = 0xdeadbeef;
		rsdp[0] = 'X';
		outb(0xcf9, 0x02);
		delay_ms(10);
		outb(0xcf9, 0x06);
		delay_ms(1000);
		puts("FAIL 2: no reset\n");
		return 2;
	}
	if (*ram) {
		printf("FAIL 3: RAM at %x kept %x\n", RAM_MARK, *ram);
		return 3;
	}
	if (!rsdp) {
		puts("FAIL 4: no RSDP after the reset\n");
		return 4;
	}
	cmos_write(NVRAM_MARK, 0);
	puts("reset ok\n");
	return 0;
}
