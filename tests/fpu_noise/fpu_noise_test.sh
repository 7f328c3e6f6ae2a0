#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A guest's FPU registers against SIMD work in host interrupt context:
# with axvm_fpu_noise.ko loaded (xmm/ymm loads in a softirq every jiffy
# and a hardirq every 4 ms, on every CPU), the fpu_noise guest must find
# its registers intact after a few seconds of timer exits, run by a user
# thread (VMM mode, axvmctl run) and by a kernel thread (managed mode),
# and the noise must have run on the vCPU's task meanwhile (on_axvm).
# Prints TAP; axvm.ko must be loaded.
#   fpu_noise_test.sh [NOISE.ko [BIN_DIR]]
# NOISE_ARGS: the module's parameters (hard=0: softirq noise only).
KO=${1:-/axvm/fpu_noise/axvm_fpu_noise.ko}
B=${2:-/axvm/bin}
A=$B/axvmctl
G=$B/guests/fpu_noise.bin
P=/sys/module/axvm_fpu_noise/parameters
T=/tmp/fpu_noise.$$
SLOW=300			# TCG with KASAN: a safety net, not a budget
n=0

tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -s $T ] && sed 's/^/# /' $T | tail -8
	fi
}

counters() {
	for c in runs hard_runs refused on_axvm; do
		printf '%s ' "$(cat $P/$c 2> /dev/null || echo 0)"
	done
}

# noise_ran MODE BEFORE: report what the noise did since BEFORE; the
# loads must have hit the vCPU's task (its CPU, while it ran).
noise_ran() {
	set -- "$1" $2 $(counters)
	echo "# $1: softirq loads $(($6 - $2)), hardirq loads $(($7 - $3))," \
	     "refused $(($8 - $4)), on the vCPU task $(($9 - $5))"
	[ $(($6 - $2)) -gt 0 ] && [ $(($9 - $5)) -gt 0 ]
	tap $? "$1: the noise ran on the vCPU's task during the guest"
}

: > $T
insmod $KO $NOISE_ARGS > $T 2>&1
tap $? "insmod axvm_fpu_noise.ko${NOISE_ARGS:+ $NOISE_ARGS}"

# VMM mode: the vCPU is axvmctl's thread; the exit status is the guest's.
before=$(counters)
t0=$(date +%s)
timeout $SLOW $A run --name fpu_noise --image $G > $T 2>&1
st=$?
echo "# VMM mode: guest ran $(($(date +%s) - t0))s"
[ $st = 0 ] && grep -q "^fpu_noise ok" $T
tap $? "VMM mode: guest FPU registers intact (status $st)"
noise_ran "VMM mode" "$before"

# Managed mode: the vCPU is a kernel thread of the module.
before=$(counters)
t0=$(date +%s)
id=$($A create --name fpu_noise --image $G 2> $T)
[ -n "$id" ] && $A start $id >> $T 2>&1
tap $? "managed mode: create and start (id $id)"
i=0
[ -n "$id" ] || i=$SLOW
while [ $i -lt $SLOW ] && ! $A info $id --json 2> /dev/null |
	grep -q '"state": *"stopped"'; do
	sleep 1
	i=$((i + 1))
done
echo "# managed mode: guest ran $(($(date +%s) - t0))s"
$A info $id --json > $T.info 2>&1
code=$(sed -n 's/.*"exit_code": *\([0-9]*\).*/\1/p' $T.info)
reason=$(sed -n 's/.*"exit_reason": *"\([^"]*\)".*/\1/p' $T.info)
cp $T.info $T
printf '\035' | timeout 10 $A console $id >> $T 2>&1
[ "$reason" = debug-exit ] && [ "$code" = 0 ]
tap $? "managed mode: guest FPU registers intact ($reason, code $code)"
noise_ran "managed mode" "$before"
$A stop $id > /dev/null 2>&1
$A destroy $id > $T 2>&1
tap $? "managed mode: destroy"

rmmod axvm_fpu_noise > $T 2>&1
tap $? "rmmod axvm_fpu_noise"
rm -f $T $T.info
echo "1..$n"
