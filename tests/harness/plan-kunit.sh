# SPDX-License-Identifier: GPL-2.0
# The KUnit tier, in the debug test kernel.
dmesg_reset
kmemleak_clear
step "insmod axvm.ko" insmod /axvm/axvm.ko
kunit_block /axvm/axvm_kunit.ko
step "rmmod axvm_kunit" rmmod axvm_kunit
step "rmmod axvm" rmmod axvm
dmesg_block kunit
kmemleak_block kunit

# The harness's own self-tests, last: each must be judged red.
kunit_block /axvm/axvm_st_kunit_fail.ko
dmesg_reset
insmod /axvm/axvm_st_warn.ko
dmesg_block selftest-warn WARNING
insmod /axvm/axvm_st_leak.ko
kmemleak_block selftest-leak kmemleak
