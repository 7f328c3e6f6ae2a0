# SPDX-License-Identifier: GPL-2.0
# The integration tier: load axvm.ko, run every test program, unload.
dmesg_reset
kmemleak_clear
step "insmod axvm.ko" insmod /axvm/axvm.ko
step "/dev/axvm is a char device, mode 0600" \
	sh -c '[ -c /dev/axvm ] && [ "$(stat -c %a /dev/axvm)" = 600 ]'
for t in /axvm/bin/tests/*; do
	[ -x "$t" ] || continue
	block tap "$(basename $t)" "$t"
done
# SIMD noise in host interrupts against guest FPU state, both run modes.
block tap fpu_noise sh /axvm/fpu_noise/fpu_noise_test.sh
step "rmmod axvm" rmmod axvm
step "/dev/axvm gone after rmmod" sh -c '! [ -e /dev/axvm ]'
dmesg_block integration
kmemleak_block integration
