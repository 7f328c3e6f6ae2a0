# SPDX-License-Identifier: GPL-2.0
# make bench (and the smoke form in make check), inside the QEMU test host
# booted from the stock Debian kernel: the same workloads through KVM and
# through axvm, never both loaded at once. Results go to the host as
# "bench" blocks (scripts/check.py parses them); /axvm/bench.conf sets
# the sizes and BUDGET, the seconds of uptime after which no new round
# starts (0: no limit).
#
#   1. uart-1m, the longest workload, once through each side, so it is
#      sure to have a ratio;
#   2. rounds of every other workload: each runs the series "kvm"
#      (kvm_amd loaded), "axvm" (axvm loaded) and, for the A/A pair,
#      "kvm2" (kvm_amd again), in an order that rotates from round to
#      round; until ROUNDS, or until the next round would pass BUDGET
#      (judged by the last one; at least one round always runs);
#   3. more uart-1m rounds, alternating which side goes first, up to
#      UART_ROUNDS while BUDGET allows.
. /axvm/bench.conf
B=/axvm/bench/axbench
K=/axvm/kvm

load_kvm() {
	for m in irqbypass ccp kvm kvm-amd; do
		insmod $K/$m.ko || return 1
	done
}
unload_kvm() { rmmod kvm_amd && rmmod kvm && rmmod ccp && rmmod irqbypass; }
load_axvm() { insmod /axvm/axvm.ko; }
unload_axvm() { rmmod axvm; }

now() { cut -d. -f1 /proc/uptime; }
progress() { echo "@@PROGRESS $* (at $(now)s)" > $R; }

# Would a step that takes as long as the last one end after BUDGET?
over_budget() { [ "$BUDGET" -gt 0 ] && [ $(($(now) + $1)) -gt "$BUDGET" ]; }

# series NAME ROUND WORKLOAD...: load, run axbench, unload.
series() {
	name=$1 round=$2; shift 2
	case $name in kvm*) side=kvm ;; *) side=axvm ;; esac
	if ! out=$(load_$side 2>&1); then
		echo "@@RESULT fail load $side for $name round $round ($out)" > $R
		unload_$side > /dev/null 2>&1
		return
	fi
	echo "@@BEGIN bench $name $round" > $R
	$B --$side --iters $ITERS --warmup $WARMUP --uart-bytes $UART_BYTES \
		--reps $REPS --vms $VMS --guests /axvm/bench/guests "$@" \
		> $R 2>&1
	echo "status $?" > $R
	echo "@@END" > $R
	if ! out=$(unload_$side 2>&1); then
		echo "@@RESULT fail unload $side after $name round $round ($out)" > $R
	fi
}

WL="cpuid vmmcall vmmcall-user pio mmio run-immediate create-destroy-64m create-destroy-4g first-insn idle-vm-kmem"
block output host sh -c 'uname -r; nproc; grep -m1 "model name" /proc/cpuinfo'
dmesg_reset

t=$(now)
series kvm u1 uart-1m
series axvm u1 uart-1m
uart_took=$(($(now) - t))
progress "uart-1m round 1 of $UART_ROUNDS done in ${uart_took}s"

r=1 took=0
while [ $r -le $ROUNDS ]; do
	if [ $r -gt 1 ] && over_budget $took; then
		progress "time budget: stopping after $((r - 1)) rounds"
		break
	fi
	t=$(now)
	if [ "$AA" = 1 ]; then
		case $((r % 3)) in
		1) order="kvm axvm kvm2" ;;
		2) order="axvm kvm2 kvm" ;;
		0) order="kvm2 kvm axvm" ;;
		esac
	else
		case $((r % 2)) in
		1) order="kvm axvm" ;;
		0) order="axvm kvm" ;;
		esac
	fi
	for s in $order; do
		series $s $r $WL
	done
	took=$(($(now) - t))
	progress "round $r of $ROUNDS done in ${took}s"
	r=$((r + 1))
done

u=2
while [ $u -le $UART_ROUNDS ]; do
	if over_budget $uart_took; then
		progress "time budget: uart-1m stops after $((u - 1)) rounds"
		break
	fi
	t=$(now)
	if [ $((u % 2)) = 0 ]; then
		series axvm u$u uart-1m
		series kvm u$u uart-1m
	else
		series kvm u$u uart-1m
		series axvm u$u uart-1m
	fi
	uart_took=$(($(now) - t))
	progress "uart-1m round $u of $UART_ROUNDS done in ${uart_took}s"
	u=$((u + 1))
done
dmesg_block "bench"
