# SPDX-License-Identifier: GPL-2.0
# make demo: load axvm.ko in the QEMU test host and run VMs with axvmctl.
A=/axvm/bin/axvmctl
G=/axvm/bin/guests
show() {
	echo "@@BEGIN output demo" > $R
	echo "# $*" > $R
	"$@" > $R 2>&1
	echo "[exit status $?]" > $R
	echo "@@END" > $R
}
block output "host" uname -sr
step "insmod axvm.ko" insmod /axvm/axvm.ko
show ls -l /dev/axvm
show $A --version
show $A caps
# A VM in the foreground (VMM mode): its console is our stdout.
show $A run --image $G/hello.bin
# The guest's exit code through port 0xf4 is axvmctl's exit status.
show $A run --image $G/exit8.bin
# A managed VM lives in the module after axvmctl exits.
show $A create /axvm/examples/hello.json
id=$($A list --json | sed -n 's/.*"id": *\([0-9]*\).*/\1/p' | head -1)
show $A list
show $A start $id
sleep 2
show $A info $id
show $A destroy $id
show $A list --json
show rmmod axvm
block output "dmesg" sh -c 'dmesg | grep axvm'
