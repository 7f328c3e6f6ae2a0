#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# axvmctl against a fake /dev/axvm (fake_axvm.c), on the build machine:
# the run loop and its exit statuses, the ioctl sequence, the lifecycle
# verbs, list/info/caps output and console. Prints TAP.
# usage: test_fake.sh AXVMCTL-FAKE JSONCHECK
A=$1
J=$2
T=$(mktemp -d /tmp/axvmctl-fake.XXXXXX)
trap 'rm -rf "$T"' EXIT
export AXVM_DEVICE=/fake/axvm
unset FAKE_VMS FAKE_SCRIPT FAKE_LOG
n=0
failed=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		[ -s "$T/err" ] && sed 's/^/# /' "$T/err"
	fi
}

# status NAME WANT CMD...: the command exits with WANT.
status() {
	name=$1 want=$2
	shift 2
	timeout 20 "$@" > "$T/out" 2> "$T/err" < /dev/null
	got=$?
	[ "$got" = "$want" ]
	ok $? "$name (status $got, want $want)"
}

has() { grep -q -- "$2" "$T/$1"; ok $? "$3"; }

printf '\260\052\346\364' > "$T/g.bin"
G=$T/g.bin

# ---- run: exit statuses -----------------------------------------------------
FAKE_SCRIPT='p:hello,in:0x80,out:0x80,mr:0xd0000000,mw:0xd0000000,hc:5,down:42' \
	status "run: debug-exit 42" 42 $A run --image $G
has out '^hello$' "run: the console reaches stdout"
FAKE_SCRIPT='down:300' status "run: debug-exit 300 & 0xff" 44 $A run --image $G
FAKE_SCRIPT='down:0' status "run: debug-exit 0" 0 $A run --image $G
FAKE_SCRIPT='triple' status "run: triple fault" 126 $A run --image $G
has err 'shutdown (triple fault)' "run: triple fault says so on stderr"
FAKE_SCRIPT='failentry' status "run: entry failure" 126 $A run --image $G
has err 'entry failed' "run: entry failure message"
FAKE_SCRIPT='interr' status "run: internal error" 126 $A run --image $G
FAKE_SCRIPT='npf' status "run: unhandled nested page fault" 126 $A run --image $G
FAKE_SCRIPT='p:x,hlt' status "run: --timeout" 124 $A run --timeout 0.3 --image $G
has err 'timeout' "run: timeout message"
FAKE_SCRIPT='hlt' status "run: --timeout with 4 vCPUs" 124 $A run --cpus 4 --timeout 0.3 --image $G
FAKE_SCRIPT='down:7' status "run: 3 vCPUs, one exits" 7 $A run --cpus 3 --image $G

FAKE_SCRIPT=hlt timeout 20 $A run --cpus 2 --image $G > /dev/null 2>&1 &
pid=$!
sleep 0.3
kill -INT $pid
wait $pid
ok $? "run: SIGINT stops the VM, status 0"
FAKE_SCRIPT=hlt timeout 20 $A run --image $G > /dev/null 2>&1 &
pid=$!
sleep 0.3
kill -TERM $pid
wait $pid
ok $? "run: SIGTERM stops the VM, status 0"

printf 'abcq' | FAKE_SCRIPT=echo timeout 20 $A run --image $G > "$T/out" 2> "$T/err"
ok $? "run: stdin from a pipe reaches the guest"
has out 'abcq' "run: the guest's echo comes back"

# A guest reset reboots the VM in the same process (';' separates the
# fake guest's boots); --no-reboot ends the run with 0 instead.
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='p:boot1,reset;p:boot2,down:3' \
	status "run: a guest reset reboots, the next boot exits 3" 3 $A run --image $G
has out '^boot1boot2$' "run: one console across the reboot"
has err '^axvmctl: run: vm 1: guest reset: rebooting$' "run: says it reboots"
[ "$(grep -c 'guest reset' "$T/err")" = 1 ]; ok $? "run: ... once"
[ "$(grep -c '^RESTART$' "$T/log")" = 1 ]; ok $? "run: one RESTART"
[ "$(grep -c '^START$' "$T/log")" = 1 ]; ok $? "run: the VM is built and started once"
FAKE_SCRIPT='p:1,reset;p:2,reset;p:3,down:4' \
	status "run: two resets, three boots" 4 $A run --image $G
has out '^123$' "run: three boots on the console"
[ "$(grep -c 'guest reset: rebooting' "$T/err")" = 2 ]; ok $? "run: two reboots said"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='p:boot1,reset;p:boot2,down:3' \
	status "run: --no-reboot, a reset is status 0" 0 $A run --no-reboot --image $G
has out '^boot1$' "run: --no-reboot: one boot"
grep -q RESTART "$T/log"; [ $? = 1 ]; ok $? "run: --no-reboot: no RESTART"
[ ! -s "$T/err" ]; ok $? "run: --no-reboot: a clean end, nothing on stderr"
has log 'CREATE_VM flags=2 ' "run: --no-reboot asks nothing of a VMM-mode VM"
echo '{"base":{"no_reboot":true},"kernel":{"kernel_path":"g.bin"}}' > "$T/nrrun.json"
FAKE_SCRIPT='p:boot1,reset;p:boot2,down:3' \
	status "run: base.no_reboot, a reset is status 0" 0 $A run "$T/nrrun.json"
has out '^boot1$' "run: base.no_reboot: one boot"
FAKE_SCRIPT='reset;down:5' status "run: 4 vCPUs, all reset, reboot" 5 \
	$A run --cpus 4 --platform none --image $G
[ "$(grep -c 'guest reset: rebooting' "$T/err")" = 1 ]; ok $? "run: 4 vCPUs: one reboot"
FAKE_SCRIPT='reset' status "run: --timeout ends a guest that resets forever" 124 \
	$A run --timeout 0.5 --image $G
has err 'timeout after 0.500 s: stopped' "run: ... saying timeout"
FAKE_SCRIPT='reset;hlt' status "run: --timeout counts the whole run" 124 \
	$A run --timeout 0.3 --image $G
has err 'guest reset: rebooting' "run: ... the reboot first"
FAKE_SCRIPT='reset;triple' status "run: a triple fault after a reboot" 126 $A run --image $G
has err 'shutdown (triple fault)' "run: ... is still a failure"
FAKE_SCRIPT='p:x,poweroff' status "run: ACPI poweroff is status 0" 0 $A run --image $G
printf 'abq' | FAKE_SCRIPT='reset;echo' timeout 20 $A run --image $G > "$T/out" 2> "$T/err"
ok $? "run: stdin reaches the guest after a reboot"
has out 'abq' "run: ... and its echo comes back"
FAKE_SCRIPT=reset timeout 20 $A run --image $G > /dev/null 2>&1 &
pid=$!
sleep 0.3
kill -TERM $pid
wait $pid
ok $? "run: SIGTERM stops a guest that resets forever, status 0"
rm -f "$T/log"

# ---- run: what it asks of the module ---------------------------------------
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: defaults" 1 $A run --image $G
has log 'CREATE_VM flags=2 id=0 max_vcpus=1' "run: VMM mode, PC platform, 1 vCPU"
has log 'SET_MEMORY_REGION gpa=0 size=4000000 flags=7 map=0' "run: 64M rwx alloc at 0"
has log 'ADD_DEVICE type=1 space=0 base=3f8 len=8 irq=4' "run: COM1"
has log 'ADD_DEVICE type=2 space=0 base=f4 len=4 irq=-1' "run: debug-exit"
has log 'LOAD_IMAGE format=0 flags=1 gpa=100000' "run: raw image at 0x100000"
has log 'SET_ENTRY entry=100000 mode=2 flags=0' "run: long mode at the image"
[ "$(grep -c SET_ENTRY "$T/log")" = 1 ]; ok $? "run: no AP entry unless asked"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: real mode" 1 \
	$A run --mode real --memory 1M --cpus 2 --name r --image $G
has log 'CREATE_VM flags=2 id=0 max_vcpus=2 name=r' "run: --cpus, --name"
has log 'SET_MEMORY_REGION gpa=0 size=100000' "run: --memory 1M"
has log 'LOAD_IMAGE format=0 flags=1 gpa=7c00' "run: real mode loads at 0x7c00"
has log 'SET_ENTRY entry=7c00 mode=0' "run: real mode entry"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: --image FILE@GPA --entry" 1 \
	$A run --image $G@0x2000 --entry 0x2010 --mode protected
has log 'LOAD_IMAGE format=0 flags=1 gpa=2000' "run: image at its GPA"
has log 'SET_ENTRY entry=2010 mode=1' "run: --entry, --mode"
status "run: real mode entry above 64K" 125 $A run --mode real --image $G@0x20000

# An ELF32 with a Multiboot header, and a plain ELF64.
printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000' > "$T/mb.elf"
printf '\002\260\255\033\000\000\000\000\376\117\122\344' >> "$T/mb.elf"
printf '\177ELF\002\001\001\000' > "$T/k.elf"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: --kernel multiboot" 1 $A run --kernel "$T/mb.elf"
has log 'LOAD_IMAGE format=2' "run: a Multiboot header makes it MULTIBOOT"
has log 'SET_ENTRY entry=200000 mode=1' "run: the image's entry and mode"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: --kernel ELF" 1 $A run --kernel "$T/k.elf"
has log 'LOAD_IMAGE format=1' "run: ELF"
status "run: --kernel of a non-ELF" 125 $A run --kernel $G
has err 'not an ELF file' "run: says not an ELF"

# A Multiboot kernel's command line, then its modules in order.
printf 'NR_CPUS=1\n' > "$T/env"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: --cmdline, --initrd" 1 \
	$A run --kernel "$T/mb.elf" --initrd "$T/env" --cmdline "a b" --initrd $G
grep LOAD_IMAGE "$T/log" > "$T/loads"
printf '%s\n' "LOAD_IMAGE format=2 flags=1 gpa=0 size=28 cmdline=a b" \
	"LOAD_IMAGE format=3 flags=0 gpa=0 size=10 cmdline=$T/env" \
	"LOAD_IMAGE format=3 flags=0 gpa=0 size=4 cmdline=$G" | cmp -s - "$T/loads"
ok $? "run: the kernel with its cmdline, then each module with its name"
status "run: --cmdline with an ELF64" 125 $A run --kernel "$T/k.elf" --cmdline x
has err 'need a Multiboot kernel' "run: says --cmdline needs Multiboot"
status "run: --initrd with a raw image" 125 $A run --image $G --initrd "$T/env"

# A bzImage ("HdrS" at 0x202): its format, its cmdline, one initrd.
head -c 1024 /dev/zero > "$T/bz"
printf 'HdrS' | dd of="$T/bz" bs=1 seek=514 conv=notrunc 2>/dev/null
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: a bzImage with --initrd, --cmdline" 1 \
	$A run --kernel "$T/bz" --initrd "$T/env" --cmdline "console=ttyS0"
grep LOAD_IMAGE "$T/log" > "$T/loads"
printf '%s\n' "LOAD_IMAGE format=4 flags=1 gpa=0 size=1024 cmdline=console=ttyS0" \
	"LOAD_IMAGE format=5 flags=0 gpa=0 size=10" | cmp -s - "$T/loads"
ok $? "run: the bzImage with its cmdline, then its initrd"
status "run: a bzImage takes one initrd" 125 \
	$A run --kernel "$T/bz" --initrd "$T/env" --initrd "$T/env"
has err 'one --initrd' "run: says a bzImage takes one initrd"
# A PC VM of 4 GiB: 3 GiB low, the rest at 4 GiB; a bare VM as given.
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: --memory 4G on the PC" 1 \
	$A run --kernel "$T/bz" --memory 4G
has log 'SET_MEMORY_REGION gpa=0 size=c0000000 ' "run: 4G: 3 GiB below the hole"
has log 'SET_MEMORY_REGION gpa=100000000 size=40000000 ' "run: 4G: 1 GiB at 4 GiB"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: --memory 4G, bare" 1 \
	$A run --kernel "$T/bz" --memory 4G --platform none
has log 'SET_MEMORY_REGION gpa=0 size=100000000 ' "run: 4G bare: one region"
status "run: a missing --initrd" 125 $A run --kernel "$T/mb.elf" --initrd "$T/nope"
has err "$T/nope" "run: names the missing module"
L=$(head -c 2048 /dev/zero | tr '\0' x)
status "run: --cmdline of 2048 bytes" 125 $A run --kernel "$T/mb.elf" --cmdline "$L"
has err 'longer than 2047' "run: says how long a cmdline may be"
status "create: --cmdline of 2048 bytes" 2 $A create --kernel "$T/mb.elf" --cmdline "$L"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: --cmdline of 2047 bytes" 1 \
	$A run --kernel "$T/mb.elf" --cmdline "${L%x}"
has log "cmdline=${L%x}\$" "run: a 2047-byte cmdline is passed whole"
status "run: 9 --initrd" 125 $A run --kernel "$T/mb.elf" $(for i in 1 2 3 4 5 6 7 8 9; do echo --initrd $G; done)
has err 'more than 8' "run: says at most 8 modules"

# The platform: pc by default, --platform none a bare VM; the APs' entry.
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: --platform none" 1 \
	$A run --platform none --cpus 2 --image $G
has log 'CREATE_VM flags=0 id=0 max_vcpus=2' "run: --platform none is a bare VM"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: --platform pc" 1 \
	$A run --platform pc --image $G
has log 'CREATE_VM flags=2 ' "run: --platform pc"
FAKE_SCRIPT='p:x,down:5' status "run: --platform pc --cpus 3, the BSP exits" 5 \
	$A run --platform pc --cpus 3 --image $G
has out '^x$' "run: only the BSP played the script (the APs wait for SIPI)"
status "run: --platform bogus" 125 $A run --platform bogus --image $G
has err '--platform: bad platform "bogus" (pc or none)' "run: says which platforms there are"
status "create: --platform bogus" 2 $A create --platform bogus --image $G
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: --ap-entry" 1 \
	$A run --cpus 2 --ap-entry 0x100400 --image $G
grep SET_ENTRY "$T/log" > "$T/entries"
printf '%s\n' "SET_ENTRY entry=100000 mode=2 flags=0" \
	"SET_ENTRY entry=100400 mode=0 flags=1" | cmp -s - "$T/entries"
ok $? "run: the VM's entry, then the APs' (AXVM_ENTRY_AP)"
FAKE_SCRIPT='p:y' status "run: --ap-entry starts the APs" 124 \
	$A run --cpus 2 --ap-entry 0x100400 --timeout 0.5 --image $G
has out '^yy$' "run: the AP ran too"
status "run: --ap-entry xyz" 125 $A run --ap-entry xyz --image $G
has err '--ap-entry: bad address "xyz"' "run: names the bad AP entry"
status "run: real mode AP entry above 64K" 125 \
	$A run --mode real --ap-entry 0x10000 --image $G
has err 'AP entry 0x10000 must be below 0x10000' "run: says the AP entry is too high"

# A module from before the platform: the default quietly becomes none.
rm -f "$T/log"
FAKE_NO_PLATFORM=1 FAKE_LOG=$T/log FAKE_SCRIPT='down:1' \
	status "run: no platform_pc, the default" 1 $A run --image $G
has log 'CREATE_VM flags=0 ' "run: no platform_pc: a bare VM"
[ ! -s "$T/err" ]; ok $? "run: ... without a word"
FAKE_NO_PLATFORM=1 FAKE_SCRIPT='down:1' status "run: no platform_pc, --platform none" 1 \
	$A run --platform none --image $G
FAKE_NO_PLATFORM=1 status "run: no platform_pc, --platform pc" 125 \
	$A run --platform pc --image $G
has err 'run: new vm: the PC platform needs the capability platform_pc' "run: says the module lacks it"
FAKE_NO_PLATFORM=1 FAKE_VMS= status "create: no platform_pc, --platform pc" 1 \
	$A create --platform pc --image $G
FAKE_NO_PLATFORM=1 status "run: no ap_entry, --ap-entry" 125 \
	$A run --ap-entry 0x100400 --image $G
has err 'the capability ap_entry' "run: says the module lacks ap_entry"

# A config: exactly its devices and regions, flags override it.
cat > "$T/c.json" <<EOF
{ "base": { "name": "cfg", "cpu_num": 2, "phys_cpu_sets": [1, 2] },
  "kernel": { "kernel_path": "g.bin", "kernel_load_addr": "0x200000",
              "entry_point": "0x200004", "mode": "protected",
              "memory_regions": [ [0, "16M", "rwx", "alloc"] ] },
  "devices": { "emu_devices": [ { "name": "exit", "emu_type": "debug-exit",
                                  "base_gpa": "0x501", "length": 4 } ] } }
EOF
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:3' status "run: config" 3 $A run "$T/c.json"
has log 'max_vcpus=2 name=cfg set0=0' "run: config base (no pCPU sets in VMM mode)"
has log 'SET_MEMORY_REGION gpa=0 size=1000000' "run: config region"
has log 'ADD_DEVICE type=2 space=0 base=501 len=4 irq=-1 name=exit' "run: config device"
[ "$(grep -c ADD_DEVICE "$T/log")" = 1 ]
ok $? "run: exactly the config's devices"
has log 'LOAD_IMAGE format=0 flags=1 gpa=200000' "run: kernel_load_addr"
has log 'SET_ENTRY entry=200004 mode=1' "run: entry_point and mode"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:3' status "run: config + flags" 3 \
	$A run --name other --memory 32M --mode long "$T/c.json"
has log 'name=other' "run: --name overrides"
has log 'SET_MEMORY_REGION gpa=0 size=2000000' "run: --memory overrides"
has log 'mode=2' "run: --mode overrides"

# base.platform and kernel.ap_entry, and the flags over them.
cat > "$T/p.json" <<EOF
{ "base": { "cpu_num": 2, "platform": "none" },
  "kernel": { "kernel_path": "g.bin", "ap_entry": "0x100200" } }
EOF
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: config platform, ap_entry" 1 $A run "$T/p.json"
has log 'CREATE_VM flags=0 ' "run: base.platform none"
has log 'SET_ENTRY entry=100200 mode=0 flags=1' "run: kernel.ap_entry"
sed 's/"none"/"pc"/' "$T/p.json" > "$T/pc.json"
FAKE_NO_PLATFORM=1 status "run: no platform_pc, base.platform pc" 125 $A run "$T/pc.json"
has err 'the PC platform needs the capability platform_pc' "run: a config's pc is asked for too"
sed 's/"none"/"vga"/' "$T/p.json" > "$T/vga.json"
status "run: base.platform vga" 125 $A run "$T/vga.json"
has err 'vga.json: base.platform: bad platform "vga" (pc or none)' "run: names the file and key"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: config + --platform, --ap-entry" 1 \
	$A run --platform pc --ap-entry 0x100300 "$T/p.json"
grep -E -o 'CREATE_VM flags=[0-9]+|SET_ENTRY .* flags=1' "$T/log" > "$T/got"
printf '%s\n' "CREATE_VM flags=2" "SET_ENTRY entry=100300 mode=0 flags=1" |
	cmp -s - "$T/got"
ok $? "run: --platform and --ap-entry override base.platform and kernel.ap_entry"

# A config's cmdline and ramdisk (relative to it, at ramdisk_load_addr).
cat > "$T/mb.json" <<EOF
{ "kernel": { "kernel_path": "mb.elf", "cmdline": "from config",
              "ramdisk_path": "env", "ramdisk_load_addr": "0x400000" } }
EOF
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: config cmdline, ramdisk" 1 $A run "$T/mb.json"
has log 'LOAD_IMAGE format=2 flags=1 gpa=0 size=28 cmdline=from config$' "run: config cmdline"
has log "LOAD_IMAGE format=3 flags=0 gpa=400000 size=10 cmdline=$T/env\$" "run: ramdisk_path at ramdisk_load_addr"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_SCRIPT='down:1' status "run: config + --cmdline, --initrd" 1 \
	$A run --cmdline "" --initrd $G "$T/mb.json"
grep LOAD_IMAGE "$T/log" > "$T/loads"
printf '%s\n' "LOAD_IMAGE format=2 flags=1 gpa=0 size=28" \
	"LOAD_IMAGE format=3 flags=0 gpa=0 size=4 cmdline=$G" | cmp -s - "$T/loads"
ok $? "run: --cmdline and --initrd replace the config's (and its address)"

# The example configs build (with our image as their hello.bin).
EX=$(dirname "$0")/../../examples
cp "$G" "$T/hello.bin"
for f in "$EX"/*.json; do
	cp "$f" "$T/"
	FAKE_SCRIPT='down:9' status "run: examples/$(basename $f)" 9 $A run "$T/$(basename $f)"
	FAKE_VMS= status "create: examples/$(basename $f)" 0 $A create "$T/$(basename $f)"
done

# ---- run: failures -----------------------------------------------------------
status "run: no /dev/axvm" 125 env AXVM_DEVICE=/nonexistent $A run --image $G
has err '/nonexistent' "run: names the device"
status "run: ioctl error" 125 env AXVM_DEVICE=/dev/null $A run --image $G
has err 'run: new vm: create: Inappropriate ioctl' "run: names the operation and errno"
status "run: bad option" 125 $A run --bogus
status "run: bad --memory" 125 $A run --memory 64Q --image $G
status "run: --image and --kernel" 125 $A run --image $G --kernel $G
status "run: two configs" 125 $A run a.json b.json
status "run: no image" 125 $A run
status "run: --help" 0 $A run --help

# ---- managed VMs -------------------------------------------------------------
export FAKE_VMS='3:hello:2:mp,5:web:5:m,7:vmm:2:v,8:paused:3:mp'
status "list" 0 $A list
has out '^ID  *NAME  *STATE  *MODE  *VCPUS  *MEMORY  *PLATFORM$' "list: header"
has out '^3  *hello  *running  *managed  *1  *64M  *pc$' "list: a row"
has out '^5  *web  *stopped  *managed  *1  *64M  *none$' "list: a bare VM"
status "list --json" 0 $A list --json
$J "$T/out" . length 4; ok $? "list --json: 4 VMs"
for k in id:number name:string state:string mode:string vcpus:number memory_bytes:number \
	 platform:string; do
	$J "$T/out" ".[0].${k%%:*}" ${k#*:}
	ok $? "list --json: .[0].${k%%:*} is a ${k#*:}"
done
$J "$T/out" '.[id=7].mode' string vmm; ok $? "list --json: VMM mode"
$J "$T/out" '.[id=8].state' string suspended; ok $? "list --json: suspended"
$J "$T/out" '.[id=3].platform' string pc; ok $? "list --json: a PC platform VM"
$J "$T/out" '.[id=7].platform' string none; ok $? "list --json: a bare VM"
status "info --json" 0 $A info 5 --json
$J "$T/out" .exit_reason string debug-exit; ok $? "info: exit_reason"
$J "$T/out" .exit_code number 42; ok $? "info: exit_code"
$J "$T/out" .created_ns number; ok $? "info: created_ns"
$J "$T/out" .platform string none; ok $? "info: platform"
for k in exits io_exits mmio_exits unhandled_io unhandled_mmio injected_irqs; do
	$J "$T/out" .stats.$k number; ok $? "info: stats.$k"
done
status "info (text)" 0 $A info 3
has out '^state: *running$' "info: text state"
has out '^platform: *pc$' "info: text platform"
status "caps --json" 0 $A caps --json
$J "$T/out" .api_version number 1; ok $? "caps: api_version"
$J "$T/out" .arch string x86_64; ok $? "caps: arch"
$J "$T/out" .capabilities contains vmm_mode; ok $? "caps: capabilities"
for c in platform_pc set_gsi signal_msi ap_entry reset; do
	$J "$T/out" .capabilities contains $c; ok $? "caps: $c"
done

status "start a running VM fails" 1 $A start 3
has err 'start: vm 3: Invalid argument (the vm is running)' "start: names op, VM, errno"
status "pause" 0 $A pause 3
status "resume" 0 $A resume 8
status "stop" 0 $A stop 3
status "stop a stopped VM succeeds (DESIGN §8)" 0 $A stop 5
status "restart" 0 $A restart 5
status "destroy" 0 $A destroy 5
status "destroy a running VM fails" 1 $A destroy 3
has err 'Device or resource busy' "destroy: EBUSY"
status "start a missing VM" 1 $A start 99
has err 'start: vm 99: No such file or directory' "missing VM message"
status "start without ID" 2 $A start
status "start a bad ID" 2 $A start x1
status "start two IDs" 2 $A start 1 2
status "info without ID" 2 $A info
status "list with an argument" 2 $A list x
status "list, no module" 1 env AXVM_DEVICE=/nonexistent $A list

echo '{"base":{"name":"m","phys_cpu_sets":[2]},"kernel":{"kernel_path":"g.bin"}}' > "$T/m.json"
rm -f "$T/log"
FAKE_LOG=$T/log status "create" 0 $A create "$T/m.json"
has out '^1$' "create prints the id alone"
has log 'CREATE_VM flags=3 id=0 max_vcpus=1 name=m set0=2' "create: managed, PC platform, pCPU set"
has log 'FINALIZE' "create: finalized"
grep -q START "$T/log"; [ $? = 1 ]; ok $? "create: not started"
echo '{"base":{"id":3},"kernel":{"kernel_path":"g.bin"}}' > "$T/dup.json"
status "create with an id in use" 1 $A create "$T/dup.json"
has err 'File exists' "create: EEXIST"
echo '{"kernel":{"kernel_path":"g.bin","dtb_path":"x.dtb"}}' > "$T/bad.json"
status "create with a bad config" 1 $A create "$T/bad.json"
has err 'bad.json: kernel.dtb_path: not supported' "create: config error"
status "create without a config" 2 $A create
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_VMS= status "create --no-reboot" 0 $A create --no-reboot "$T/m.json"
has log 'CREATE_VM flags=7 ' "create --no-reboot: AXVM_VM_NO_REBOOT"
echo '{"base":{"no_reboot":true,"platform":"none"},"kernel":{"kernel_path":"g.bin"}}' > "$T/nr.json"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_VMS= status "create: base.no_reboot" 0 $A create "$T/nr.json"
has log 'CREATE_VM flags=5 ' "create: base.no_reboot true: AXVM_VM_NO_REBOOT"
rm -f "$T/log"
FAKE_LOG=$T/log FAKE_VMS= status "create: a reset reboots by default" 0 $A create "$T/m.json"
has log 'CREATE_VM flags=3 ' "create: no AXVM_VM_NO_REBOOT unless asked"
FAKE_NO_PLATFORM=1 FAKE_VMS= status "create --no-reboot, no reset capability" 1 \
	$A create --no-reboot --platform none "$T/m.json"
has err 'create: vm m: --no-reboot needs the capability reset' "create: says the module lacks reset"
FAKE_VMS='4:rebooted:5:mr' status "info of a VM stopped by a reset" 0 $A info 4 --json
$J "$T/out" .exit_reason string reset; ok $? "info: exit_reason reset"
FAKE_VMS='4:rebooted:5:mpr' status "info (text) of a VM stopped by a reset" 0 $A info 4
has out '^exit_reason: *reset$' "info: text exit_reason reset"
has out '^platform: *pc$' "info: p and r together"

printf 'hi\035' | timeout 10 $A console 3 > "$T/out" 2> "$T/err"
ok $? "console: Ctrl-] detaches"
has out 'ring of hello' "console: prints the ring first"
timeout 10 $A console 3 > "$T/out" 2> "$T/err" < /dev/null &
pid=$!
sleep 0.3
kill -TERM $pid
wait $pid
ok $? "console: follows until a signal, then status 0"
has out 'ring of hello' "console: ring when stdin is /dev/null"
status "console of a missing VM" 1 $A console 42

# ---- the rest of the command line ----------------------------------------
status "--version" 0 $A --version
has out '^axvmctl .* (axvm API 1)$' "--version format"
status "help" 0 $A help
status "--help" 0 $A --help
status "help run" 0 $A help run
status "help bogus" 2 $A help bogus
status "no command" 2 $A
status "unknown command" 2 $A bogus
status "prefix is not a command" 2 $A lis

echo "1..$n"
[ $failed = 0 ]
