#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The example VMM (examples/vmm/axvm-vmm.c) in the QEMU test host, with
# axvm.ko loaded: it must run the hello guest and its own built-in
# real-mode guest, print what they print, and exit with what they wrote
# to port 0xf4. busybox sh; prints TAP.
#
# AXVM_BIN (default /axvm/bin) holds examples/axvm-vmm and guests/*.bin,
# which is where scripts/check.py puts build/user in the test host.

BIN=${AXVM_BIN:-/axvm/bin}
VMM=$BIN/examples/axvm-vmm
GUESTS=$BIN/guests
TMO=120
n=0

tap() {		# tap STATUS DESCRIPTION: STATUS 0 is ok
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
	fi
}

# vmm ARGS...: run the example; sets $out and $rc.
vmm() {
	out=$(timeout $TMO "$VMM" "$@" 2>&1)
	rc=$?
}

if ! [ -x "$VMM" ]; then
	echo "1..0 # SKIP $VMM not built (make examples)"
	exit 0
fi

vmm "$GUESTS/hello.bin"
tap $rc "axvm-vmm hello.bin: exit status 0 (got $rc)"
case $out in
*"Hello from axvm guest"*) tap 0 "axvm-vmm hello.bin: prints the guest's line" ;;
*) tap 1 "axvm-vmm hello.bin: prints the guest's line (got: $out)" ;;
esac

vmm
tap $rc "axvm-vmm, built-in real-mode guest: exit status 0 (got $rc)"
[ "$out" = 4 ]
tap $? "axvm-vmm, built-in real-mode guest: prints 2 + 2 = 4 (got: $out)"

vmm "$GUESTS/exit8.bin"
[ $rc -eq 42 ]
tap $? "axvm-vmm exit8.bin: the guest's exit code 42 is the status (got $rc)"

vmm /nonexistent.bin
[ $rc -eq 1 ] && case $out in *nonexistent.bin*) true ;; *) false ;; esac
tap $? "axvm-vmm with a missing image: status 1, names the file (got $rc: $out)"

echo "1..$n"
