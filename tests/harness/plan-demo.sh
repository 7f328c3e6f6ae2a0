# SPDX-License-Identifier: GPL-2.0
# make demo: load axvm.ko in the QEMU test host and show it working.
block output "uname" uname -sr
step "insmod axvm.ko" insmod /axvm/axvm.ko
block output "dev" ls -l /dev/axvm
if [ -x /axvm/bin/axvmctl ]; then
	block output "caps" /axvm/bin/axvmctl caps
	[ -f /axvm/bin/guests/hello.bin ] &&
		block output "run" /axvm/bin/axvmctl run --image /axvm/bin/guests/hello.bin
fi
block output "dmesg" sh -c 'dmesg | grep axvm'
