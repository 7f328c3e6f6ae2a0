#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every test guest through axrun (the API) and report TAP, in a test
# host with axvm.ko loaded: run-guests.sh [GUEST_DIR [AXRUN]]. guests.tsv
# and each .S say what is checked. Needs 64 MiB per VM and 2 host CPUs'
# worth of patience on TCG (a few minutes with KASAN).
G=${1:-$(dirname "$0")/build}
AXRUN=${2:-axrun}
n=0

tap() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		echo "$3" | sed 's/^/# /'
	fi
}

# why OUTPUT: a failed run's guest FAIL lines and last 8 lines.
why() {
	{ echo "$1" | grep "^FAIL" | head -3; echo "$1" | tail -8; } |
		awk '!seen[$0]++'
}

# expect NAME PATTERN AXRUN-ARGS...: the run's output has a line matching
# PATTERN (grep -E).
expect() {
	name=$1 pat=$2
	shift 2
	out=$($AXRUN "$@" 2>&1)
	if echo "$out" | grep -Eq -- "$pat"; then
		tap ok "$name"
	else
		tap fail "$name" "$(why "$out")"
	fi
}

# count NAME N PATTERN AXRUN-ARGS...: exactly N lines match
count() {
	name=$1 want=$2 pat=$3
	shift 3
	out=$($AXRUN "$@" 2>&1)
	if [ "$(echo "$out" | grep -Ec -- "$pat")" = "$want" ]; then
		tap ok "$name"
	else
		tap fail "$name" "$(why "$out")"
	fi
}

expect "hello exits 0" "^RESULT vcpu0 exit 0$" $G/hello.bin
expect "hello prints" "^Hello from axvm guest$" $G/hello.bin
expect "exit code, 1-byte write" "^RESULT vcpu0 exit 0x2a$" $G/exit8.bin
expect "exit code, 2-byte write" "^RESULT vcpu0 exit 0x1234$" $G/exit16.bin
expect "exit code, 4-byte write" "^RESULT vcpu0 exit 0x12345678$" $G/exit32.bin
expect "CPUID policy" "^RESULT vcpu0 exit 0$" $G/cpuid.bin
expect "MSR allowlist, #GP on others" "^RESULT vcpu0 exit 0$" $G/msr.bin
expect "MMIO reads of every decoded form" "^RESULT vcpu0 exit 0$" $G/mmio.bin
out=$($AXRUN -l $G/mmio.bin | grep "^MMIO W" | tr '\n' ' ')
want="MMIO W 0x70000100 1 0x5a MMIO W 0x70000108 2 0x1234 MMIO W 0x70000110 4 0x12345678 MMIO W 0x70000118 8 0xfffffffffffffffe MMIO W 0x70000120 1 0x88 MMIO W 0x70000128 1 0x77 MMIO W 0x70000130 2 0x7788 MMIO W 0x70000138 4 0x55667788 MMIO W 0x70000140 8 0x1122334455667788 MMIO W 0x70000148 1 0x88 MMIO W 0x70000150 8 0x1122334455667788 MMIO W 0x70000158 4 0x55667788 MMIO W 0x70000160 4 0x55667788 MMIO W 0x70000168 8 0x7fffffff "
[ "$out" = "$want" ] && tap ok "MMIO writes of every decoded form" ||
	tap fail "MMIO writes of every decoded form" "got: $out"
expect "HLT wakes on an IRQ" "^RESULT vcpu0 exit 0x20$" -i 0 -d 300 $G/hlt_irq.bin
expect "IRQ injected before the run" "^RESULT vcpu0 exit 0x24$" -i 4 -b $G/hlt_irq.bin
expect "IRQ waits for STI" "^RESULT vcpu0 exit 0x21$" -i 1 -b $G/irq_window.bin
expect "triple fault: shutdown" "^RESULT vcpu0 shutdown$" $G/triple.bin
count "shutdown, restart, shutdown" 2 "^RESULT vcpu0 shutdown$" -R $G/triple.bin
count "restart keeps SSE working" 2 "^RESULT vcpu0 exit 0$" -R $G/sse.bin
expect "memtest over 64 MiB" "^RAM top 0000000004000000$" -m 64 -t 300 $G/memtest.bin
expect "long mode entry state" "^RESULT vcpu0 exit 0$" $G/longmode.bin
expect "protected mode entry state" "^RESULT vcpu0 exit 0$" -M protected $G/protected.bin
expect "real mode entry state" "^RESULT vcpu0 exit 0$" -M real -g 0x7c00 $G/real.bin
expect "reads beyond RAM: all ones" "^RESULT vcpu0 exit 0$" $G/beyond_ram.bin
expect "SVM and host-only instructions: #UD" "^RESULT vcpu0 exit 0$" $G/svm_ud.bin
expect "cli; jmp . stops on a signal" "^RESULT vcpu0 timeout$" -t 3 $G/cli_loop.bin
expect "cli; jmp . stops on STOP" "^RESULT vcpu0 stopped$" -k 1500 $G/cli_loop.bin
expect "XSETBV checked" "^RESULT vcpu0 exit 0$" $G/xsetbv.bin
expect "SSE state survives exits" "^RESULT vcpu0 exit 0$" $G/sse.bin
expect "hypercall result" "^RESULT vcpu0 exit 0x77$" -h 0x77 $G/hypercall.bin
expect "hypercall arguments" "^HYPERCALL nr 0xabcd args 1 2 3 4 5 6$" $G/hypercall.bin
expect "2 vCPUs" "^RESULT vcpu0 exit 0x2$" -n 2 -h 2 $G/smp.bin
expect "16 vCPUs" "^RESULT vcpu0 exit 0x10$" -n 16 -h 16 -t 120 $G/smp.bin
expect "PC platform: APIC, IPIs, INIT/SIPI, IOAPIC, 8259" "^apic ok$" -P -n 4 -t 120 $G/apic.bin
expect "PC platform: SET_GSI and SIGNAL_MSI from userspace" "^gsi msi ok$" -P -n 4 -t 120 $G/apic.bin
expect "PC platform: managed mode" "^apic ok$" -S -P -n 4 -t 120 $G/apic.bin
expect "PC platform: 2 APs" "^apic ok$" -P -n 3 -t 120 $G/apic2.bin
expect "PC platform: 4 APs, managed mode" "^apic ok$" -S -P -n 5 -t 120 $G/apic4.bin
# The platform's timers, ACPI tables and S5; the 0xcf9 reset and reboot.
count "PC platform: ACPI tables, timers, S5 poweroff" 3 \
	"^cpus 2$|^platform ok$|^RESULT vm stopped reason 6 code 0$" -P -n 2 -t 120 \
	$G/platform.bin
count "PC platform: managed mode, timers, S5 poweroff" 3 \
	"^cpus 2$|^platform ok$|^RESULT managed stopped reason 6 " -S -P -n 2 -t 120 \
	$G/platform.bin
count "PC platform: 0xcf9 reset, RESTART, second boot" 4 \
	"^reset: first boot$|^RESULT vcpu0 reset$|^reset ok$|^RESULT vcpu0 exit 0$" \
	-P -r -n 2 -t 60 $G/reset.bin
expect "PC platform: 0xcf9 reset ends a run without -r" \
	"^RESULT vm stopped reason 7 " -P -t 60 $G/reset.bin
count "PC platform: managed mode, the kernel reboots on reset" 3 \
	"^reset: first boot$|^reset ok$|^RESULT managed stopped reason 2 code 0 " \
	-S -P -r -n 2 -t 60 $G/reset.bin
expect "PC platform: managed mode, AXVM_VM_NO_REBOOT" \
	"^RESULT managed stopped reason 7 " -S -P -N -t 60 $G/reset.bin
expect "debug registers and #DB" "^RESULT vcpu0 exit 0$" $G/dbg.bin
expect "#AC reflected (or not checked)" "^RESULT vcpu0 exit (0|0xac)$" $G/ac.bin
expect "INS/OUTS" "^RESULT vcpu0 exit 0$" $G/string_io.bin
expect "REP OUTSB prints" "^string io$" $G/string_io.bin
expect "VMRUN refuses a bad state: fail entry" \
	"^RESULT vcpu0 fail_entry 0xffffffffffffffff$" -F $G/hello.bin
count "SET_SREGS refuses SVME and reserved fields" 0 "not refused" \
	-F $G/hello.bin
expect "managed mode: hello" "^RESULT managed stopped reason 2 code 0 " \
	-S $G/hello.bin
expect "managed mode: SSE in a kernel thread" \
	"^RESULT managed stopped reason 2 code 0 " -S $G/sse.bin
expect "managed mode: INS/OUTS" "^RESULT managed stopped reason 2 code 0 " \
	-S $G/string_io.bin
expect "managed mode: unknown hypercall is -ENOSYS" "code 0xffffffda " \
	-S $G/hypercall.bin
($AXRUN $G/sse.bin; $AXRUN $G/sse.bin) > /tmp/axrun.p1 2>&1 &
($AXRUN $G/xsetbv.bin; $AXRUN $G/sse.bin) > /tmp/axrun.p2 2>&1 &
wait
[ "$(cat /tmp/axrun.p1 /tmp/axrun.p2 | grep -c '^RESULT vcpu0 exit 0$')" = 4 ] &&
	tap ok "two VMs at once keep their FPU state" ||
	tap fail "two VMs at once keep their FPU state" "$(cat /tmp/axrun.p1 /tmp/axrun.p2)"
rm -f /tmp/axrun.p1 /tmp/axrun.p2
echo "1..$n"
