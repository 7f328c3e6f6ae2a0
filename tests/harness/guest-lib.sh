# SPDX-License-Identifier: GPL-2.0
# Helpers for the test plans that run inside the QEMU test host. The host
# side (scripts/check.py) parses what they print on $R and judges it.

R=/dev/ttyS1

# step NAME CMD...: run a command, report ok/fail with its output on failure.
step() {
	name=$1; shift
	if out=$("$@" 2>&1); then
		echo "@@RESULT ok $name" > $R
	else
		echo "@@RESULT fail $name ($(echo "$out" | tail -3 | tr '\n' ' '))" > $R
	fi
}

# expect_fail NAME CMD...: the command must fail.
expect_fail() {
	name=$1; shift
	if "$@" >/dev/null 2>&1; then
		echo "@@RESULT fail $name (succeeded but must fail)" > $R
	else
		echo "@@RESULT ok $name" > $R
	fi
}

# block KIND NAME CMD...: the command's output as a block for the host.
block() {
	kind=$1 name=$2; shift 2
	t0=$(date +%s)
	echo "@@BEGIN $kind $name" > $R
	"$@" > $R 2>&1
	echo "# $name took $(( $(date +%s) - t0 ))s" > $R
	echo "@@END" > $R
}

dmesg_reset() { dmesg -c > /dev/null; }

# dmesg_block NAME [EXPECT]: the kernel log since the last reset, judged
# by the host (EXPECT "clean" by default, or the problem it must show).
dmesg_block() {
	echo "@@BEGIN dmesg $1 ${2:-clean}" > $R
	dmesg -c > $R
	echo "@@END" > $R
}

KMEMLEAK=/sys/kernel/debug/kmemleak
have_kmemleak() { [ -w $KMEMLEAK ]; }

# Forget what is already suspected (boot-time noise), so a later report
# is about what ran since.
kmemleak_clear() {
	have_kmemleak && echo clear > $KMEMLEAK
}

# kmemleak_block NAME [EXPECT]: objects must be older than 5 s to be
# reported, and two scans are needed to be sure; then clear.
kmemleak_block() {
	have_kmemleak || return 0
	sleep 6
	echo scan > $KMEMLEAK
	echo scan > $KMEMLEAK
	echo "@@BEGIN kmemleak $1 ${2:-clean}" > $R
	cat $KMEMLEAK > $R
	echo "@@END" > $R
	echo clear > $KMEMLEAK
}

# kunit_block MODULE: load a KUnit module and hand every suite's KTAP
# results to the host; suites that existed before are skipped.
kunit_block() {
	mod=$1
	before=$(ls /sys/kernel/debug/kunit 2>/dev/null)
	if ! insmod "$mod" 2>/tmp/insmod.err; then
		echo "@@RESULT fail insmod-$(basename $mod) ($(cat /tmp/insmod.err))" > $R
		return 1
	fi
	for d in /sys/kernel/debug/kunit/*; do
		s=$(basename $d)
		case " $before " in *" $s "*) continue ;; esac
		echo "@@BEGIN ktap $s" > $R
		cat $d/results > $R
		echo "@@END" > $R
	done
}
