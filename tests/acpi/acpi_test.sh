#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The PC platform's ACPI tables as an OS would read them: acpi_dump
# (acpi_dump.c) writes them, iasl disassembles each (no error, no
# warning, no "****" note), recompiles what it printed (0 errors,
# warnings, remarks; a data table must come back byte for byte after its
# header), acpiexec loads the DSDT into a namespace, and the disassembly
# must say what the config asked for. TAP on stdout.
#
#   acpi_test.sh ACPI_DUMP DIR
set -u

dump=$1
dir=$2
n=0
bad=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	bad=1
	echo "not ok $n - $1"
	[ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/# /'
}

check() {	# check DESCRIPTION COMMAND...
	desc=$1
	shift
	if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc" "$out"; fi
}

# What iasl and acpiexec print when something is wrong: ACPICA's own
# warnings and errors, the disassembler's "****" and "/* Incorrect"
# notes, a table cut short, a field it cannot decode.
suspect='warning|error|exception|incorrect|invalid|\*\*\*\*|terminates|unknown'

finish() {
	echo "1..$n"
	exit $bad
}

if ! command -v iasl >/dev/null 2>&1 || ! command -v acpiexec >/dev/null 2>&1; then
	not_ok "iasl and acpiexec installed (acpica-tools: scripts/install-deps)"
	finish
fi

rm -rf "$dir"
mkdir -p "$dir"
if out=$("$dump" "$dir" 2>&1); then
	ok "axvm_acpi_build: RSDP (signature, revision 2, both checksums) and every table reached from it written"
else
	not_ok "axvm_acpi_build: RSDP and every table reached from it written" "$out"
	finish
fi
cd "$dir" || exit 1

tables="XSDT FACP FACS DSDT APIC HPET"
for t in $tables; do
	if [ ! -f "$t.dat" ]; then
		not_ok "$t: reached from the RSDP"
		continue
	fi
	# iasl 20200925 exits 0 even after warnings: read what it says.
	out=$(iasl -d "$t.dat" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] || [ ! -f "$t.dsl" ] ||
	   printf '%s\n' "$out" | grep -Eiq "$suspect" ||
	   grep -Eiq "$suspect" "$t.dsl" ||
	   ! printf '%s\n' "$out" | grep -Eq 'Data Table \['"$t"'\] decoded|Disassembly completed'; then
		not_ok "iasl -d $t: disassembled without an error or warning" \
		       "exit status $rc
$out
$(grep -Ei "$suspect" "$t.dsl" 2>/dev/null)"
		continue
	fi
	ok "iasl -d $t: disassembled without an error or warning"

	mkdir -p rc
	out=$(iasl -p "rc/$t" "$t.dsl" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] ||
	   ! printf '%s\n' "$out" | grep -q '0 Errors, 0 Warnings, 0 Remarks'; then
		not_ok "iasl recompiles $t.dsl: 0 errors, 0 warnings, 0 remarks" "$out"
		continue
	fi
	# A data table comes back the same after its header (iasl puts
	# its own compiler id there); the DSDT's AML may be optimized.
	if [ "$t" = DSDT ]; then
		ok "iasl recompiles $t.dsl: 0 errors, 0 warnings, 0 remarks"
	elif cmp -s -i 36 "$t.dat" "rc/$t.aml"; then
		ok "iasl recompiles $t.dsl: 0 errors, 0 warnings, 0 remarks, the same bytes"
	else
		not_ok "iasl recompiles $t.dsl: 0 errors, 0 warnings, 0 remarks, the same bytes" \
		       "$(cmp -l -i 36 "$t.dat" "rc/$t.aml" 2>&1 | head)"
	fi
done

out=$(acpiexec -b "namespace" DSDT.dat 2>&1)
if [ $? -eq 0 ] && ! printf '%s\n' "$out" | grep -Eiq "$suspect" &&
   printf '%s\n' "$out" | grep -q 'COM1 Device' &&
   printf '%s\n' "$out" | grep -q 'VR00 Device' &&
   printf '%s\n' "$out" | grep -q '_S5_ Package .* Elements 04'; then
	ok "acpiexec loads the DSDT: \\_SB_.COM1, \\_SB_.VR00, \\_S5_"
else
	not_ok "acpiexec loads the DSDT: \\_SB_.COM1, \\_SB_.VR00, \\_S5_" "$out"
fi

# What the config asked for, as iasl reads it back. grep -c counts lines.
has() {	# has FILE COUNT PATTERN
	c=$(grep -Ec "$3" "$1" 2>/dev/null)
	[ "$c" -eq "$2" ] || { echo "$1: $c lines match /$3/, want $2"; return 1; }
}

dsdt_s5() {
	# Name (_S5, Package (0x04) { 0x05, 0x05, Zero, Zero })
	tr -d ' \n' < DSDT.dsl | grep -q 'Name(_S5,Package(0x04)//_S5_:S5SystemState{0x05,0x05,Zero,Zero})' ||
		{ echo "no _S5_ package {5, 5, 0, 0}"; return 1; }
}
check "DSDT: _S5_ is Package (4) { 5, 5, 0, 0 }" dsdt_s5

dsdt_com1() {
	has DSDT.dsl 1 'Device \(COM1\)' &&
	has DSDT.dsl 1 'Name \(_HID, EisaId \("PNP0501"\)' &&
	has DSDT.dsl 1 'Name \(_UID, One\)' &&
	has DSDT.dsl 2 '0x03F8, +// Range M' &&
	has DSDT.dsl 1 '0x08, +// Length' &&
	has DSDT.dsl 1 'Interrupt \(ResourceConsumer, Edge, ActiveHigh, Exclusive' &&
	has DSDT.dsl 1 '^ +0x00000004,$'
}
check "DSDT: COM1, EisaId PNP0501, IO 0x3f8 length 8, IRQ 4 edge" dsdt_com1

dsdt_virtio() {
	has DSDT.dsl 1 'Device \(VR00\)' &&
	has DSDT.dsl 1 'Name \(_HID, "LNRO0005"\)' &&
	has DSDT.dsl 1 'Memory32Fixed \(ReadWrite' &&
	has DSDT.dsl 1 '0xFEB00000, +// Address Base' &&
	has DSDT.dsl 1 '0x00000200, +// Address Length' &&
	has DSDT.dsl 1 'Interrupt \(ResourceConsumer, Level, ActiveHigh, Exclusive' &&
	has DSDT.dsl 1 '^ +0x00000010,$'
}
check "DSDT: VR00, LNRO0005, Memory32Fixed 0xfeb00000 size 0x200, GSI 16 level" dsdt_virtio

madt() {
	has APIC.dsl 4 'Subtable Type : 00 \[Processor Local APIC\]' &&
	has APIC.dsl 1 'Local Apic ID : 03' &&
	has APIC.dsl 4 'Processor Enabled : 1' &&
	has APIC.dsl 1 'Local Apic Address : FEE00000' &&
	has APIC.dsl 1 'PC-AT Compatibility : 1' &&
	has APIC.dsl 1 'Subtable Type : 01 \[I/O APIC\]' &&
	has APIC.dsl 1 'Address : FEC00000' &&
	has APIC.dsl 2 'Subtable Type : 02 \[Interrupt Source Override\]' &&
	has APIC.dsl 1 'Flags \(decoded below\) : 000D' &&
	has APIC.dsl 1 'Subtable Type : 04 \[Local APIC NMI\]' &&
	has APIC.dsl 1 'Interrupt Input LINT : 01'
}
check "MADT: 4 local APICs, the IOAPIC, 2 overrides (one level), LINT1 NMI" madt

fadt() {
	has FACP.dsl 1 'Revision : 06' &&
	has FACP.dsl 1 'SCI Interrupt : 0009' &&
	has FACP.dsl 1 'PM1A Event Block Address : 00000600' &&
	has FACP.dsl 1 'PM1A Control Block Address : 00000604' &&
	has FACP.dsl 1 'PM Timer Block Address : 00000608' &&
	has FACP.dsl 1 '32-bit PM Timer \(V1\) : 1' &&
	has FACP.dsl 1 '8042 Present on ports 60/64 \(V2\) : 0' &&
	has FACP.dsl 1 'Reset Register Supported \(V2\) : 1' &&
	has FACP.dsl 1 'Address : 0000000000000CF9' &&
	has FACP.dsl 1 'Value to cause reset : 06'
}
check "FADT: revision 6, SCI 9, PM ports 0x600/0x604/0x608, reset 0xcf9 <- 6" fadt

hpet() {
	has HPET.dsl 1 'Hardware Block ID : 8086A201' &&
	has HPET.dsl 1 'Address : 00000000FED00000'
}
check "HPET: block id 0x8086a201, at 0xfed00000" hpet

check "XSDT: 3 tables" has XSDT.dsl 3 'ACPI Table Address +[0-9]+ :'

finish
