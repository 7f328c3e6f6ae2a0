#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# axvmctl against the real module, in the QEMU test host (busybox sh):
# every command's success and failure, every exit status of DESIGN.md §8
# that can be produced, --json key by key (jsoncheck), each config error,
# console attach/detach, and a managed VM driven by id after the
# process that created it has exited. Prints TAP. axvm.ko must be loaded.
#
# The guests are a few bytes each, written here (the assembly is beside
# each one), so every status is exact; the project's guests and example
# configs are used when they are present.
#
# Environment: AXVMCTL, JSONCHECK, GUESTS, EXAMPLES override the paths.
A=${AXVMCTL:-/axvm/bin/axvmctl}
J=${JSONCHECK:-/axvm/bin/jsoncheck}
GUESTS=${GUESTS:-/axvm/bin/guests}
EXAMPLES=${EXAMPLES:-/axvm/examples}
T=/tmp/axvmctl-cli.$$
SLOW=${SLOW:-60}		# a safety net around every command: TCG is slow
mkdir -p $T
n=0
failed=0
CREATED=""

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		[ -s $T/err ] && sed 's/^/# stderr: /' $T/err | head -5
	fi
}

# st NAME WANT CMD...: CMD (stdin /dev/null) exits with status WANT.
st() {
	name=$1 want=$2
	shift 2
	timeout $SLOW "$@" > $T/out 2> $T/err < /dev/null
	got=$?
	[ "$got" = "$want" ]
	ok $? "$name: status $got (want $want)"
}

# has FILE PATTERN NAME / hasnt FILE PATTERN NAME
has() { grep -q -- "$2" $T/$1; ok $? "$3"; }
hasnt() { ! grep -q -- "$2" $T/$1; ok $? "$3"; }
empty() { [ ! -s $T/$1 ]; ok $? "$2"; }

# log_mark, then log_since: the kernel log lines in between, in $T/newlog
# (the plan scans the whole log afterwards: never clear it here).
log_mark() { LOG_MARK=$(dmesg | wc -l); }
log_since() { dmesg | tail -n +$((LOG_MARK + 1)) > $T/newlog; }

# jc PATH CHECK [VALUE]: a jsoncheck of $T/out.
jc() { $J $T/out "$@" 2> $T/err; ok $? "json $1 $2 $3"; }

# wait_for FILE PATTERN: up to $SLOW s.
wait_for() {
	i=0
	while ! grep -q -- "$2" "$1" 2> /dev/null; do
		i=$((i + 1))
		[ $i -gt $SLOW ] && return 1
		sleep 1
	done
}

# wait_state ID STATE: up to $SLOW s.
wait_state() {
	i=0
	while :; do
		$A info $1 --json > $T/state.json 2> /dev/null &&
			$J $T/state.json .state string $2 2> /dev/null && return 0
		i=$((i + 1))
		[ $i -gt $SLOW ] && return 1
		sleep 1
	done
}

# ---- guests ---------------------------------------------------------------
g() { printf "$2" > $T/$1.bin; }
# mov al,42; out 0xf4,al; 1: cli; hlt; jmp 1b   (any mode)
g exit42 '\260\052\346\364\372\364\353\374'
# mov dx,0x3f8; "hello\n" a byte at a time out dx,al; debug-exit 0 (32/64-bit)
g hello '\146\272\370\003\260\150\356\260\145\356\260\154\356\260\154\356\260\157\356\260\012\356\260\000\346\364\372\364\353\374'
# the same in 16-bit code: "real\n", debug-exit 16
g hello16 '\272\370\003\260\162\356\260\145\356\260\141\356\260\154\356\260\012\356\260\020\346\364\372\364\353\374'
# print "ready\n", then cli; hlt forever
g hang '\146\272\370\003\260\162\356\260\145\356\260\141\356\260\144\356\260\171\356\260\012\356\372\364\353\374'
# ud2 with no IDT: a triple fault
g triple '\017\013'
# mov eax,99; vmmcall; out 0xf4,al (-ENOSYS & 0xff = 218)
g hcall '\270\143\000\000\000\017\001\331\346\364\372\364\353\374'
# out 0x80,al; in al,0x80; out 0xf4,al (unclaimed port: 255)
g pio '\346\200\344\200\346\364\372\364\353\374'
# mov ebx,0xd0000000; mov byte [rbx],1; mov al,[rbx]; out 0xf4,al (255)
g mmio '\273\000\000\000\320\306\003\001\212\003\346\364\372\364\353\374'
# echo COM1 input until 'q', then debug-exit 0
g echo '\146\272\375\003\354\250\001\164\367\146\272\370\003\354\356\074\161\165\355\260\000\346\364\372\364\353\374'
# CPUID.1:EBX[31:24] = APIC id; vCPU n>0 exits with 20+n, vCPU 0 halts
g smp '\270\001\000\000\000\017\242\301\353\030\205\333\164\005\215\103\024\346\364\372\364\353\374'
# the same, but vCPU 0 counts 0x1000000 down, then exits with 10
g bspexit '\270\001\000\000\000\017\242\301\353\030\205\333\164\011\215\103\024\346\364\372\364\353\374\271\000\000\000\001\377\311\165\374\260\012\346\364\372\364\353\374'
# in al,0x80; out 0x80,al; print "up\n"; halt forever (managed stats)
g mstat '\344\200\346\200\146\272\370\003\260\165\356\260\160\356\260\012\356\372\364\353\374'
# two hlt bytes, then exit42: right only with --entry past them
g entry '\364\364\260\052\346\364\372\364\353\374'
# ELF64, one PT_LOAD at 0x200000, e_entry 0x200078: debug-exit 5
g elf64 '\177\105\114\106\002\001\001\000\000\000\000\000\000\000\000\000\002\000\076\000\001\000\000\000\170\000\040\000\000\000\000\000\100\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\100\000\070\000\001\000\000\000\000\000\000\000\001\000\000\000\005\000\000\000\000\000\000\000\000\000\000\000\000\000\040\000\000\000\000\000\000\000\040\000\000\000\000\000\200\000\000\000\000\000\000\000\200\000\000\000\000\000\000\000\000\020\000\000\000\000\000\000\260\005\346\364\372\364\353\374'
# Multiboot ELF32 at 0x300000: exit 6 when EAX = 0x2BADB002, else 7
g mb '\177\105\114\106\001\001\001\000\000\000\000\000\000\000\000\000\002\000\003\000\001\000\000\000\140\000\060\000\064\000\000\000\000\000\000\000\000\000\000\000\064\000\040\000\001\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\000\060\000\000\000\060\000\163\000\000\000\163\000\000\000\005\000\000\000\000\020\000\000\002\260\255\033\000\000\000\000\376\117\122\344\075\002\260\255\053\165\004\260\006\346\364\260\007\346\364\372\364\353\374'
# plain ELF32 at 0x300000: debug-exit 8
g elf32 '\177\105\114\106\001\001\001\000\000\000\000\000\000\000\000\000\002\000\003\000\001\000\000\000\124\000\060\000\064\000\000\000\000\000\000\000\000\000\000\000\064\000\040\000\001\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\000\060\000\000\000\060\000\134\000\000\000\134\000\000\000\005\000\000\000\000\020\000\000\260\010\346\364\372\364\353\374'

# cfg FILE IMAGE [NAME] [DEVICES]: a config for IMAGE (COM1 and debug-exit
# unless DEVICES, a JSON list body, is given).
DEVS='{ "name": "com1", "emu_type": "uart16550", "base_gpa": "0x3f8", "length": 8, "irq_id": 4 },
                  { "name": "exit", "emu_type": "debug-exit", "base_gpa": "0xf4", "length": 4 }'
cfg() {
	cat > $T/$1 <<EOF
{ "base": { "name": "${3:-cli-$$-${1%.json}}", "cpu_num": 1, "phys_cpu_sets": [1] },
  "kernel": { "kernel_path": "$2", "mode": "long",
              "memory_regions": [ { "gpa": "0x0", "size": "64M",
                                    "flags": "rwx", "map_type": "alloc" } ] },
  "devices": { "emu_devices": [ ${4:-$DEVS} ] } }
EOF
}

# ---- the command line -----------------------------------------------------
st "--version" 0 $A --version
grep -qx 'axvmctl [^ ]* (axvm API [0-9][0-9]*)' $T/out
ok $? "--version prints 'axvmctl VERSION (axvm API N)'"
st "help" 0 $A help
has out 'run' "help lists the commands"
empty err "help writes nothing to stderr"
st "--help" 0 $A --help
st "-h" 0 $A -h
for c in run create start pause resume stop restart destroy list info console caps help; do
	st "help $c" 0 $A help $c
	has out "axvmctl $c" "help $c shows its usage"
	st "$c --help" 0 $A $c --help
done
st "no command" 2 $A
empty out "misuse prints nothing to stdout"
has err 'usage' "no command: usage on stderr"
st "unknown command" 2 $A frobnicate
has err 'frobnicate' "unknown command named"
st "a prefix is not a command" 2 $A lis
st "unknown top option" 2 $A --frob
st "help of an unknown command" 2 $A help frob
for c in start pause resume stop restart destroy info console; do
	st "$c without ID" 2 $A $c
	st "$c with a bad ID" 2 $A $c 12x
	st "$c with two IDs" 2 $A $c 1 2
	st "$c with an unknown option" 2 $A $c --frob 1
done
st "list with an argument" 2 $A list 1
st "list --frob" 2 $A list --frob
st "caps with an argument" 2 $A caps 1
st "create without a config" 2 $A create
st "create with --timeout" 2 $A create --timeout 5 $T/x.json
st "create with two configs" 2 $A create $T/a.json $T/b.json
st "run --frob" 125 $A run --frob
has err 'frob' "run: the bad option is named"
st "run --memory 64Q" 125 $A run --memory 64Q --image $T/exit42.bin
has err '64Q' "run: the bad size is named"
st "run --memory without a value" 125 $A run --memory
st "run --cpus 0" 125 $A run --cpus 0 --image $T/exit42.bin
st "run --mode virtual" 125 $A run --mode virtual --image $T/exit42.bin
st "run --entry xyz" 125 $A run --entry xyz --image $T/exit42.bin
st "run --ap-entry xyz" 125 $A run --ap-entry xyz --image $T/exit42.bin
has err 'ap-entry: bad address "xyz"' "run: the bad AP entry is named"
st "run --platform vga" 125 $A run --platform vga --image $T/exit42.bin
has err 'platform: bad platform "vga" (pc or none)' "run: says which platforms there are"
st "create --platform vga" 2 $A create --platform vga --image $T/exit42.bin
st "run --timeout soon" 125 $A run --timeout soon --image $T/exit42.bin
st "run --image with --kernel" 125 $A run --image $T/exit42.bin --kernel $T/elf64.bin
st "run without an image" 125 $A run
st "run a missing image" 125 $A run --image $T/nope.bin
has err 'nope.bin' "run: the missing image is named"
st "run --kernel of a raw file" 125 $A run --kernel $T/exit42.bin
has err 'not an ELF' "run: --kernel wants an ELF"
st "run a missing config" 125 $A run $T/nope.json
st "run two configs" 125 $A run $T/a.json $T/b.json
st "run, no /dev/axvm" 125 env AXVM_DEVICE=$T/none $A run --image $T/exit42.bin
has err "$T/none" "run: names the missing device"
st "run, ioctl error" 125 env AXVM_DEVICE=/dev/null $A run --image $T/exit42.bin
has err 'run: .*create: ' "run: names the failed ioctl"
st "list, no /dev/axvm" 1 env AXVM_DEVICE=$T/none $A list
st "caps, no /dev/axvm" 1 env AXVM_DEVICE=$T/none $A caps
st "start, no /dev/axvm" 1 env AXVM_DEVICE=$T/none $A start 1

# ---- caps -----------------------------------------------------------------
st "caps" 0 $A caps
has out 'api_version' "caps (text) shows the API version"
st "caps --json" 0 $A caps --json
$J $T/out; ok $? "caps --json is one JSON document"
jc .api_version number 1
jc .arch string x86_64
jc .capabilities array
for c in vmm_mode managed_mode console dev_uart16550 dev_debug_exit image_elf \
	 image_multiboot hw_virt platform_pc set_gsi signal_msi ap_entry \
	 reset image_bzimage; do
	jc .capabilities contains $c
done

# ---- config errors: file and key named; run 125, create 1 ------------------
# bad NAME JSON MESSAGE
bad() {
	printf '%s\n' "$2" > $T/$1.json
	st "config $1 (run)" 125 $A run $T/$1.json
	grep -qF -- "axvmctl: $T/$1.json: $3" $T/err
	ok $? "config $1: says '$3'"
	st "config $1 (create)" 1 $A create $T/$1.json
}
bad size '{"kernel": {"kernel_path": "exit42.bin", "memory_regions": [{"gpa": 0, "size": "64Q"}]}}' \
	'kernel.memory_regions[0].size: bad size "64Q"'
bad unknown '{"kernel": {"kernel_path": "exit42.bin", "colour": "red"}}' \
	'kernel.colour: unknown key'
bad section '{"bios": {}}' 'bios: unknown key'
bad dtb '{"kernel": {"kernel_path": "exit42.bin", "dtb_path": "x.dtb"}}' \
	'kernel.dtb_path: not supported'
bad cmdline '{"kernel": {"kernel_path": "exit42.bin", "cmdline": ["quiet"]}}' \
	'kernel.cmdline: expected a string, got ["quiet"]'
bad ramdisk '{"kernel": {"kernel_path": "exit42.bin", "ramdisk_path": "none.img"}}' \
	"kernel.ramdisk_path: $T/none.img: No such file or directory"
bad ramdisk_addr '{"kernel": {"kernel_path": "exit42.bin", "ramdisk_load_addr": "0x1001"}}' \
	'kernel.ramdisk_load_addr: not 4 KiB aligned: "0x1001"'
bad passthrough '{"devices": {"passthrough_devices": [["pic", "0x20", "0x20", 2, 0]]}}' \
	'devices.passthrough_devices: not supported'
bad reserved '{"kernel": {"memory_regions": [{"gpa": 0, "size": "4K", "map_type": "reserved"}]}}' \
	'kernel.memory_regions[0].map_type: "reserved" not supported'
bad flags '{"kernel": {"memory_regions": [{"gpa": 0, "size": "4K", "flags": "rwq"}]}}' \
	'kernel.memory_regions[0].flags: bad flags "rwq"'
bad align '{"kernel": {"memory_regions": [{"gpa": "0x1001", "size": "4K"}]}}' \
	'kernel.memory_regions[0].gpa: not 4 KiB aligned'
bad cpus '{"base": {"cpu_num": 2, "phys_cpu_sets": [1]}}' \
	'base.cpu_num: 2 does not match'
bad emutype '{"devices": {"emu_devices": [{"emu_type": "virtio-blk", "base_gpa": 0}]}}' \
	'devices.emu_devices[0].emu_type: bad emu_type "virtio-blk"'
bad no_reboot '{"base": {"no_reboot": 1}}' \
	'base.no_reboot: expected true or false, got 1'
bad length '{"devices": {"emu_devices": [{"emu_type": "uart16550", "base_gpa": "0x3f8", "length": 4}]}}' \
	'devices.emu_devices[0].length: must be 8'
bad mode '{"kernel": {"mode": "virtual"}}' 'kernel.mode: bad mode "virtual"'
bad platform '{"base": {"platform": "isa"}}' 'base.platform: bad platform "isa" (pc or none)'
bad ap_entry '{"kernel": {"ap_entry": "0x10g"}}' 'kernel.ap_entry: bad number "0x10g"'
bad entry '{"kernel": {"entry_point": "0x10g"}}' 'kernel.entry_point: bad number "0x10g"'
bad path '{"kernel": {"kernel_path": "missing.bin"}}' \
	"kernel.kernel_path: $T/missing.bin: No such file or directory"
bad name '{"base": {"name": "a-name-that-is-far-too-long-for-axvm"}}' \
	'base.name: longer than 31 bytes'
bad syntax '{"base": {"id": 1 "name": "x"}}' 'line 1: JSON syntax error'
bad type '{"base": {"cpu_num": [1]}}' 'base.cpu_num: bad number [1]'

# ---- run: exit statuses ---------------------------------------------------
st "run: debug-exit 42" 42 $A run --image $T/exit42.bin
log_mark
st "run: hello" 0 $A run --image $T/hello.bin
log_since
empty newlog "a clean run leaves no kernel log line"
has out '^hello$' "run: the guest's UART output is on stdout"
st "run: real mode" 16 $A run --mode real --image $T/hello16.bin
has out '^real$' "run: real mode output"
st "run: protected mode" 42 $A run --mode protected --image $T/exit42.bin
st "run: --image FILE@GPA" 42 $A run --image $T/exit42.bin@0x200000
st "run: --entry" 42 $A run --timeout 20 --image $T/entry.bin --entry 0x100002
st "run: --memory 4M" 42 $A run --memory 4M --image $T/exit42.bin
st "run: --memory 1M (no room at 0x100000)" 125 $A run --memory 1M --image $T/exit42.bin
st "run: --kernel ELF64" 5 $A run --kernel $T/elf64.bin
st "run: --kernel Multiboot (EAX magic)" 6 $A run --kernel $T/mb.bin
st "run: --kernel ELF32" 8 $A run --kernel $T/elf32.bin
st "run: triple fault" 126 $A run --image $T/triple.bin
has err 'shutdown (triple fault)' "run: stderr says shutdown (triple fault)"
st "run: hypercall gets -ENOSYS" 218 $A run --image $T/hcall.bin
st "run: unclaimed port reads all ones" 255 $A run --image $T/pio.bin
st "run: unclaimed MMIO reads all ones" 255 $A run --image $T/mmio.bin
# Without the PC platform every vCPU starts at the entry (DESIGN.md §4);
# with it (the default) vCPU 0 does, the others wait for INIT/SIPI
# unless --ap-entry starts them.
st "run: --platform none --cpus 2, vCPU 1 exits" 21 \
	$A run --platform none --cpus 2 --image $T/smp.bin
st "run: --platform pc --cpus 2, vCPU 1 does not run the entry" 124 \
	$A run --platform pc --cpus 2 --timeout 3 --image $T/smp.bin
st "run: --platform pc --cpus 2 --ap-entry, vCPU 1 exits" 21 \
	$A run --platform pc --cpus 2 --ap-entry 0x100000 --image $T/smp.bin
st "run: --platform pc --cpus 2, vCPU 0 exits" 10 \
	$A run --platform pc --cpus 2 --image $T/bspexit.bin
st "run: the default platform is pc (--cpus 4)" 10 \
	$A run --cpus 4 --image $T/bspexit.bin
st "run: --ap-entry above 64K in real mode" 125 \
	$A run --mode real --cpus 2 --ap-entry 0x10000 --image $T/hello16.bin
has err 'AP entry 0x10000 must be below 0x10000' "run: says the AP entry is too high"
st "run: --timeout" 124 $A run --timeout 3 --image $T/hang.bin
has out 'ready' "run: output before the timeout"
has err 'timeout' "run: timeout message"
printf 'abq' | timeout $SLOW $A run --image $T/echo.bin > $T/out 2> $T/err
ok $? "run: stdin from a pipe reaches the guest"
has out 'abq' "run: the guest echoed the input"
printf 'cdq' > $T/in
timeout $SLOW $A run --image $T/echo.bin < $T/in > $T/out 2> $T/err
ok $? "run: stdin from a file reaches the guest"
has out 'cdq' "run: the guest echoed the file"
for sig in INT TERM; do
	timeout $SLOW $A run --image $T/hang.bin > $T/sig.out 2> $T/err < /dev/null &
	pid=$!
	wait_for $T/sig.out ready
	kill -$sig $pid
	wait $pid
	ok $? "run: SIG$sig stops the VM, status 0"
done

# A guest reset reboots the VM under run unless --no-reboot (then 0);
# ACPI S5 is status 0 with stop reason poweroff (DESIGN.md §8). The
# project's reset guest resets through 0xcf9 on its first boot and
# exits 0 on its second (CMOS byte 0x40 tells them apart).
if [ -f $GUESTS/reset.bin ] && [ -f $GUESTS/platform.bin ]; then
	st "run: a guest reset reboots the VM" 0 \
		$A run --timeout 50 --image $GUESTS/reset.bin
	has out '^reset ok$' "run: the second boot ran"
	has err 'guest reset: rebooting' "run: says the guest reset"
	st "run: --no-reboot: a guest reset is status 0" 0 \
		$A run --no-reboot --timeout 50 --image $GUESTS/reset.bin
	hasnt out 'reset ok' "run: --no-reboot: no second boot"
	cfg noreboot.json $GUESTS/reset.bin
	sed -i 's/"cpu_num": 1,/"cpu_num": 1, "no_reboot": true,/' $T/noreboot.json
	st "run: base.no_reboot: a guest reset is status 0" 0 \
		$A run --timeout 50 $T/noreboot.json
	hasnt out 'reset ok' "run: base.no_reboot: no second boot"
	st "run: ACPI S5 poweroff is status 0" 0 \
		$A run --timeout 50 --image $GUESTS/platform.bin
	has out '^platform ok$' "run: S5 after the platform checks"
else
	ok 1 "the reset and platform guests exist"
fi

# The example config, with our hello as its image; and as shipped.
if [ -f $EXAMPLES/hello.json ]; then
	sed 's/"kernel_path": *"[^"]*"/"kernel_path": "hello.bin"/' \
		$EXAMPLES/hello.json > $T/example.json
	st "run: examples/hello.json" 0 $A run $T/example.json
	has out '^hello$' "run: examples/hello.json output"
	st "run: examples/hello.json --memory 16M --name x" 0 \
		$A run --memory 16M --name cli-$$-x $T/example.json
	if [ -f $EXAMPLES/hello.bin ]; then
		timeout $SLOW $A run --timeout 30 $EXAMPLES/hello.json > $T/out 2> $T/err
		s=$?
		[ $s -lt 124 ] && [ -s $T/out ]
		ok $? "run: examples/hello.json as shipped: status $s, output"
	fi
else
	ok 1 "examples/hello.json exists"
fi
if [ -f $GUESTS/hello.bin ]; then
	timeout $SLOW $A run --timeout 30 --image $GUESTS/hello.bin > $T/out 2> $T/err
	s=$?
	[ $s -lt 124 ] && [ -s $T/out ]
	ok $? "run: guests/hello.bin: status $s, output"
fi

# ---- Multiboot: --cmdline, --initrd, the config's cmdline and ramdisk -----
# mbinfo (tests/guests/mbinfo.S) exits 0 when its command line is
# "mbinfo hello" and its modules are mbinfo.env and a file starting with
# '2'; else with the code of the first check that failed (listed there).
MB=$GUESTS/mbinfo.elf
printf 'NR_CPUS=1\n' > $T/mbinfo.env
printf '2nd module\n' > $T/two
LONG=$(head -c 2048 /dev/zero | tr '\0' x)
if [ -f $MB ]; then
	st "run: Multiboot --cmdline, --initrd x2" 0 $A run --kernel $MB \
		--cmdline "mbinfo hello" --initrd $T/mbinfo.env --initrd $T/two
	has out "^mbinfo: cmdline 'mbinfo hello'$" "run: mbinfo prints its command line"
	st "run: the guest reads the command line" 4 $A run --kernel $MB \
		--cmdline "mbinfo bye" --initrd $T/mbinfo.env --initrd $T/two
	has out "^mbinfo: cmdline 'mbinfo bye'$" "run: the other command line arrived"
	st "run: the modules come in --initrd order" 5 $A run --kernel $MB \
		--cmdline "mbinfo hello" --initrd $T/two --initrd $T/mbinfo.env
	st "run: no --initrd, no modules" 3 $A run --kernel $MB --cmdline "mbinfo hello"
	cp $T/mbinfo.env $T/env.other
	st "run: a module's string is its file name" 6 $A run --kernel $MB \
		--cmdline "mbinfo hello" --initrd $T/env.other --initrd $T/two
	st "run: module 2 is the second file" 8 $A run --kernel $MB \
		--cmdline "mbinfo hello" --initrd $T/mbinfo.env --initrd $T/mbinfo.env
	st "run: a --cmdline of 2047 bytes reaches the guest" 4 $A run --kernel $MB \
		--cmdline "${LONG%x}" --initrd $T/mbinfo.env --initrd $T/two
	grep -q "^mbinfo: cmdline '${LONG%x}'$" $T/out
	ok $? "run: ... whole"
	cat > $T/mb.json <<EOF
{ "base": { "name": "cli-$$-mb" },
  "kernel": { "kernel_path": "$MB", "cmdline": "mbinfo hello",
              "ramdisk_path": "mbinfo.env", "ramdisk_load_addr": "0x400000" },
  "devices": { "emu_devices": [ $DEVS ] } }
EOF
	st "run: config cmdline and ramdisk_path (one module: 7)" 7 $A run $T/mb.json
	has out "^mbinfo: cmdline 'mbinfo hello'$" "run: the config's command line arrived"
	st "run: config, --initrd replaces its ramdisk" 0 $A run \
		--initrd $T/mbinfo.env --initrd $T/two $T/mb.json
	st "run: config, --cmdline replaces its cmdline" 4 $A run --cmdline "mbinfo bye" \
		--initrd $T/mbinfo.env --initrd $T/two $T/mb.json
	sed 's/0x400000/0x8000000/' $T/mb.json > $T/mbhigh.json
	st "run: ramdisk_load_addr beyond RAM" 125 $A run $T/mbhigh.json
	has err "load module $T/mbinfo.env: " "run: names the module it could not load"
else
	ok 1 "$MB exists"
fi
st "run: --cmdline with an ELF64 kernel" 125 $A run --kernel $T/elf64.bin --cmdline x
has err 'run: .*--cmdline and --initrd need a Multiboot kernel or a bzImage' "run: says why"
st "run: --initrd with a raw image" 125 $A run --image $T/exit42.bin --initrd $T/two
st "create: --cmdline with an ELF64 kernel" 1 $A create --kernel $T/elf64.bin --cmdline x
st "run: a --cmdline of 2048 bytes" 125 $A run --kernel $T/mb.bin --cmdline "$LONG"
has err 'cmdline: longer than 2047 bytes' "run: says how long it may be"
st "create: a --cmdline of 2048 bytes" 2 $A create --kernel $T/mb.bin --cmdline "$LONG"

# Exactly the config's devices: no UART, so hello prints nothing.
cfg nouart.json hello.bin "" '{ "name": "exit", "emu_type": "debug-exit", "base_gpa": "0xf4", "length": 4 }'
st "run: a config without a UART" 0 $A run $T/nouart.json
empty out "run: no UART, no output"
cfg ok.json exit42.bin
st "run: a config" 42 $A run $T/ok.json
st "run: a config, --mode protected" 42 $A run --mode protected $T/ok.json

# ---- managed VMs ----------------------------------------------------------
# create CONFIG: sets ID.
create() {
	ID=$(timeout $SLOW $A create $T/$1 2> $T/err)
	s=$?
	[ $s = 0 ] && echo "$ID" | grep -qx '[0-9][0-9]*'
	ok $? "create $1 prints an id alone: '$ID'"
	[ -n "$ID" ] || ID=4000000000	# later checks fail, not skip
	CREATED="$CREATED $ID"
}

cfg m.json mstat.bin cli-$$-m
create m.json
M=$ID
timeout $SLOW $A create $T/m.json > $T/out 2> $T/err
[ $? = 1 ]; ok $? "create a second VM with the same name fails with status 1"
st "list" 0 $A list
grep -q "^$M  *cli-$$-m  *loaded  *managed  *1  *64M  *pc$" $T/out
ok $? "list shows the created VM, loaded, on the PC platform"
st "list --json" 0 $A list --json
$J $T/out; ok $? "list --json is one JSON document"
jc . array
jc ".[id=$M].id" number $M
jc ".[id=$M].name" string cli-$$-m
jc ".[id=$M].state" string loaded
jc ".[id=$M].mode" string managed
jc ".[id=$M].vcpus" number 1
jc ".[id=$M].memory_bytes" number 67108864
jc ".[id=$M].platform" string pc
st "info --json (loaded)" 0 $A info $M --json
jc .id number $M
jc .state string loaded
jc .exit_reason string none
jc .exit_code number 0
jc .created_ns number
jc .stats object
for k in exits io_exits mmio_exits unhandled_io unhandled_mmio injected_irqs; do
	jc .stats.$k number
done
st "info (text)" 0 $A info $M
has out 'state: *loaded' "info shows the state"
has out 'platform: *pc' "info shows the platform"

st "start" 0 $A start $M
wait_state $M running; ok $? "the VM runs after axvmctl exited"
st "start a running VM" 1 $A start $M
has err "start: vm $M: " "start failure names the op and the VM"
printf '\035' | timeout $SLOW $A console $M > $T/out 2> $T/err
ok $? "console: Ctrl-] detaches, status 0"
has out 'up' "console prints what the ring holds"
timeout $SLOW $A console $M > $T/con.out 2> $T/err < /dev/null &
pid=$!
wait_for $T/con.out up; ok $? "console follows with stdin at EOF"
kill -TERM $pid
wait $pid
ok $? "console: SIGTERM ends it with status 0"
st "info --json (running)" 0 $A info $M --json
jc .state string running
jc .stats.exits min 1
jc .stats.io_exits min 1
jc .stats.unhandled_io min 2

st "pause" 0 $A pause $M
wait_state $M suspended; ok $? "paused: suspended"
st "pause a suspended VM" 1 $A pause $M
st "resume" 0 $A resume $M
wait_state $M running; ok $? "resumed: running"
st "resume a running VM" 1 $A resume $M
st "destroy a running VM" 1 $A destroy $M
has err "destroy: vm $M: " "destroy failure names the op and the VM"
st "restart a running VM" 1 $A restart $M
st "stop" 0 $A stop $M
st "info --json (stopped)" 0 $A info $M --json
jc .state string stopped
jc .exit_reason string requested
log_mark
st "stop a stopped VM succeeds" 0 $A stop $M
empty err "stop of a stopped VM: nothing on stderr"
log_since
empty newlog "stop of a stopped VM: no kernel log line"
st "restart" 0 $A restart $M
wait_state $M running; ok $? "restarted: running"
st "stop again" 0 $A stop $M
st "destroy" 0 $A destroy $M
st "list --json after destroy" 0 $A list --json
jc ".[id=$M]" absent
st "info of a destroyed VM" 1 $A info $M
has err "info: vm $M: " "info failure names the op and the VM"
st "start a destroyed VM" 1 $A start $M
st "destroy a destroyed VM" 1 $A destroy $M
st "console of a destroyed VM" 1 $A console $M

# A managed guest's own ends: debug-exit, triple fault, -ENOSYS.
cfg m42.json exit42.bin
create m42.json
st "start (debug-exit guest)" 0 $A start $ID
wait_state $ID stopped; ok $? "a debug-exit stops the managed VM"
st "info" 0 $A info $ID --json
jc .exit_reason string debug-exit
jc .exit_code number 42
st "restart after debug-exit" 0 $A restart $ID
wait_state $ID stopped; ok $? "restarted guest stops again"

cfg mtriple.json triple.bin
create mtriple.json
st "start (triple-fault guest)" 0 $A start $ID
wait_state $ID stopped; ok $? "a triple fault stops the managed VM"
st "info" 0 $A info $ID --json
jc .exit_reason string shutdown

cfg mhcall.json hcall.bin
create mhcall.json
st "start (hypercall guest)" 0 $A start $ID
wait_state $ID stopped; ok $? "the hypercall guest ends"
st "info" 0 $A info $ID --json
jc .exit_code number 218

# Managed vCPU threads on the PC platform: the AP waits, vCPU 0 exits
# 10; with base.platform none the AP runs the entry too (smp: it exits 21).
# smp2 GUEST BASE-KEYS PLATFORM CODE: a managed VM of 2 vCPUs running
# GUEST stops by itself with CODE, and info shows PLATFORM.
smp2() {
	cfg m$1.json $1.bin
	sed "s/\"cpu_num\": 1, \"phys_cpu_sets\": \[1\]/\"cpu_num\": 2$2/" \
		$T/m$1.json > $T/m$1-2.json
	create m$1-2.json
	st "start ($1, 2 vCPUs, platform $3)" 0 $A start $ID
	wait_state $ID stopped; ok $? "the guest stops the VM"
	st "info" 0 $A info $ID --json
	jc .platform string $3
	jc .exit_code number $4
}
smp2 bspexit "" pc 10
smp2 smp ', "platform": "none"' none 21

# A Multiboot kernel with the config's command line and ramdisk (exit 7:
# everything but a second module).
if [ -f $T/mb.json ]; then
	create mb.json
	st "start (Multiboot guest)" 0 $A start $ID
	wait_state $ID stopped; ok $? "the managed Multiboot guest ends"
	st "info" 0 $A info $ID --json
	jc .exit_code number 7
fi

# Keyboard input through console, to a managed echo guest.
cfg mecho.json echo.bin
create mecho.json
E=$ID
st "start (echo guest)" 0 $A start $E
printf 'xyq\035' | timeout $SLOW $A console $E > $T/out 2> $T/err
wait_state $E stopped; ok $? "console input reached the guest ('q' stops it)"
printf '\035' | timeout $SLOW $A console $E > $T/out 2> $T/err
has out 'xyq' "the guest's echo is in the console ring"

# An id of our own, and one in use.
sed 's/"base": {/"base": { "id": 4242,/' $T/m.json | sed "s/cli-$$-m/cli-$$-id/" > $T/id.json
create id.json
[ "$ID" = 4242 ]; ok $? "create with base.id 4242 gets 4242"
sed "s/cli-$$-id/cli-$$-id2/" $T/id.json > $T/id2.json
st "create with an id in use" 1 $A create $T/id2.json
has err 'create' "id in use: names the op"
st "list --json (several VMs)" 0 $A list --json
jc ".[id=4242].state" string loaded

# ---- clean up -------------------------------------------------------------
for id in $CREATED; do
	$A stop $id > /dev/null 2>&1
	$A destroy $id > /dev/null 2>&1
done
st "list --json after cleanup" 0 $A list --json
for id in $CREATED; do
	$J $T/out ".[id=$id]" absent 2> /dev/null || { ok 1 "vm $id destroyed"; }
done
rm -rf $T
echo "1..$n"
[ $failed = 0 ]
