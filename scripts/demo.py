#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make demo: boot a QEMU test host with Debian's kernel, load axvm.ko
there, show /dev/axvm and run VMs with axvmctl (tests/harness/
plan-demo.sh). Nothing is ever loaded into this machine's kernel."""
import os
import sys

from axvm_harness import (BUILD, TOP, Tally, build_initramfs, kbuild, log,
                          parse_blocks, qemu, run, setup, stock_kdir,
                          stock_kernel, tests_files)


def demo(abi):
    rc, out = run(["make", "-C", TOP, "user", f"BUILD={BUILD}"])
    if rc:
        sys.exit(out)
    t = Tally()
    t.begin("demo build")
    if not kbuild(t, "module", stock_kdir(abi), os.path.join(BUILD, "stock")):
        sys.exit(1)
    t.end()
    files = {"axvm.ko": os.path.join(BUILD, "stock", "axvm.ko")}
    files.update(tests_files())
    initrd = build_initramfs("demo", files, "plan-demo.sh")
    log("booting the Debian kernel in QEMU and running a VM in it ...")
    text, con, done = qemu("demo", stock_kernel(abi), initrd, timeout=300)
    for item in parse_blocks(text):
        if item[0] == "block":
            print(item[3])
        else:
            print(("ok: " if item[1] else "FAILED: ") + item[2])
    if not done:
        print("\n".join(con.splitlines()[-30:]))
        sys.exit("axvm: the demo did not finish")


def main():
    abi, _ = setup(Tally(), want_test_kernel=False)
    demo(abi)


if __name__ == "__main__":
    main()
