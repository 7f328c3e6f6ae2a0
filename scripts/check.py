#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make check / make kunit / make integration: build axvm and run the test
tiers inside QEMU test hosts. Nothing is ever loaded into this machine's
kernel. The harness itself is scripts/axvm_harness.py; make demo is
scripts/demo.py, make bench scripts/bench.py.

Tiers (DESIGN.md §7):
  build        module W=1 -Werror against Debian 6.1 and the test kernel,
               sparse, checkpatch, userspace tools and tests (64/32-bit),
               the layering check (scripts/layering.py) and its self-test
  host         axvmctl's unit tests, DKMS/install checks, the ACPI tables
               through iasl (tests/acpi), the fuzzers
  kunit        the KUnit suites in the debug test kernel, then dmesg and
               kmemleak; the harness self-tests (each must be judged red)
  integration  the API tests in the stock Debian kernel and in the test kernel
  bench smoke  make bench's workloads a few hundred times through KVM and
               axvm (scripts/bench.py): each must give a number

  check.py                        every tier (make check)
  check.py --only build           the whole build tier alone
  check.py --only kunit           the development loop: only what the
  check.py --only integration     tier boots, built incrementally; no
           [--kernel stock|debug] sparse, checkpatch, layering, host tier

Ends with one line: "N passed, N failed".
"""
import argparse
import filecmp
import os
import re
import shutil
import sys
import time

from axvm_harness import (BUILD, TOP, Tally, build_initramfs, judge_run,
                          kbuild, log, make_user, parse_tap, qemu, run,
                          setup, stock_kdir, stock_kernel, test_kernel_image,
                          tests_files)
from bench import tier_bench_smoke

KERNELS = ("stock", "debug")


# ---------------------------------------------------------------- build

def tier_build(t, abi, tk):
    """make check's build tier: everything, from clean copies."""
    t.begin("build")
    stock = stock_kdir(abi)
    ok = kbuild(t, f"module W=1 -Werror, Debian {abi}", stock,
                os.path.join(BUILD, "stock"))
    stock_ok = ok
    ok = kbuild(t, "module + KUnit W=1 -Werror, test kernel", tk,
                os.path.join(BUILD, "debug")) and ok
    # sparse over our sources against the test kernel (C=2: check all).
    kbuild(t, "sparse (C=2) clean", tk, os.path.join(BUILD, "sparse"),
           want_sparse=True)
    rc, out = run(["make", "-C", TOP, "checkpatch",
                   f"CHECKPATCH={tk}/scripts/checkpatch.pl"])
    t.check("checkpatch clean", rc == 0, out)
    selftest_build(t, tk)
    fpu_noise_build(t, f"Debian {abi}", stock, "stock")
    fpu_noise_build(t, "test kernel", tk, "debug")
    user_ok = make_user(t, "userspace tools and tests (64/32-bit, -Werror)",
                        "user", f"BUILD={BUILD}")
    ok = user_ok and ok
    layering(t, stock_ok and user_ok)
    t.end()
    return ok


def tier_build_dev(t, abi, tk, only, kernels):
    """make kunit / make integration: only what @only boots, built
    incrementally (objects of the last build are reused)."""
    t.begin("build")
    ok = True
    if "stock" in kernels:
        ok = kbuild(t, f"module W=1 -Werror, Debian {abi}", stock_kdir(abi),
                    os.path.join(BUILD, "stock"), incremental=True) and ok
    if "debug" in kernels:
        ok = kbuild(t, "module + KUnit W=1 -Werror, test kernel", tk,
                    os.path.join(BUILD, "debug"), incremental=True) and ok
    if only == "kunit":
        selftest_build(t, tk)
    else:
        if "stock" in kernels:
            fpu_noise_build(t, f"Debian {abi}", stock_kdir(abi), "stock",
                            incremental=True)
        if "debug" in kernels:
            fpu_noise_build(t, "test kernel", tk, "debug", incremental=True)
        ok = make_user(t, "userspace tools and tests (64/32-bit, -Werror)",
                       "user", f"BUILD={BUILD}") and ok
    t.end()
    return ok


def selftest_build(t, tk):
    rc, out = run(["make", "-C", tk, f"M={TOP}/tests/selftest", "modules"])
    t.check("harness self-test modules", rc == 0, out)


def fpu_noise_build(t, label, kdir, flavour, incremental=False):
    """tests/fpu_noise's module for one kernel, in a copy of its own."""
    out_dir = os.path.join(BUILD, f"fpu_noise-{flavour}")
    if not incremental:
        shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir, exist_ok=True)
    for f in ("Kbuild", "axvm_fpu_noise.c"):
        src, dst = os.path.join(TOP, "tests/fpu_noise", f), os.path.join(out_dir, f)
        if not (os.path.exists(dst) and filecmp.cmp(src, dst, shallow=False)):
            shutil.copyfile(src, dst)
    rc, out = run(["make", "-C", kdir, f"M={out_dir}", "W=1",
                   "KCFLAGS=-Werror", "modules"])
    t.check(f"fpu noise test module, {label}", rc == 0, out)


def layering(t, built):
    """scripts/layering.py on the Debian build and axvmctl's objects: one
    result for the check (a violation listed in scripts/layering.known is
    a note, a new one fails), one for its self-test (planted violations
    must be judged red)."""
    script = os.path.join(TOP, "scripts/layering.py")
    if not built:
        t.skip("layering: no new violations", "the module or axvmctl did "
               "not build")
    else:
        rc, out = run([sys.executable, script,
                       "--objs", os.path.join(BUILD, "stock"),
                       "--user-objs", os.path.join(BUILD, "axvmctl")])
        notes = [l for l in out.splitlines() if l.startswith("note:")]
        known = sum(1 for l in notes if l.startswith("note: known"))
        if t.check(f"layering: no new violations ({known} known, "
                   "scripts/layering.known)", rc == 0, out):
            for l in notes:
                log(f"        {l}")
    rc, out = run([sys.executable, script, "--selftest"])
    t.check("layering self-test: planted violations are judged red",
            rc == 0, out)


# ---------------------------------------------------------------- host

def tier_host(t, abi):
    """Userspace tests that need no kernel: run here."""
    t.begin("host (userspace)")
    rc, out = run(["make", "-s", "-C", os.path.join(TOP, "tools/axvmctl"),
                   "test"])
    parse_tap(t, "axvmctl unit", out)
    if rc:
        t.fail("axvmctl unit: exit status", out)
    # DKMS build in a scratch tree, make install DESTDIR=, modinfo.
    rc, out = run(["sh", os.path.join(TOP, "tests/install/install_test.sh")],
                  env={**os.environ, "AXVM_KVER": abi, "AXVM_BUILD": BUILD})
    parse_tap(t, "install", out)
    if rc:
        t.fail("install: exit status", out)
    # arch/x86/acpi_tables.c in userspace, its tables judged by iasl.
    rc, out = run(["make", "-s", "-C", os.path.join(TOP, "tests/acpi"),
                   "test"])
    parse_tap(t, "acpi tables", out)
    if rc:
        t.fail("acpi tables: exit status", out)
    secs = os.environ.get("FUZZ_SECONDS", "15")
    rc, out = run(["make", "-s", "-C", os.path.join(TOP, "tests/fuzz"),
                   "unit", "run", f"FUZZ_SECONDS={secs}"])
    t.check(f"fuzz: decoder and guest walker, {secs}s each, no crash",
            rc == 0, out)
    t.end()


# ---------------------------------------------------------------- QEMU tiers

def tier_kunit(t, tk):
    t.begin("kunit (test kernel)")
    dbg = os.path.join(BUILD, "debug")
    st = os.path.join(TOP, "tests/selftest")
    files = {"axvm.ko": os.path.join(dbg, "axvm.ko"),
             "axvm_kunit.ko": os.path.join(dbg, "axvm_kunit.ko"),
             "axvm_st_kunit_fail.ko": os.path.join(st, "axvm_st_kunit_fail.ko"),
             "axvm_st_leak.ko": os.path.join(st, "axvm_st_leak.ko"),
             "axvm_st_warn.ko": os.path.join(st, "axvm_st_warn.ko")}
    initrd = build_initramfs("kunit", files, "plan-kunit.sh")
    text, con, done = qemu("kunit", test_kernel_image(tk), initrd, timeout=600)
    judge_run(t, "kunit", text, con, done)
    t.end()


def tier_integration(t, label, kernel, ko, flavour):
    t.begin(f"integration ({label})")
    files = {"axvm.ko": ko}
    files.update(tests_files())
    noise = os.path.join(BUILD, f"fpu_noise-{flavour}", "axvm_fpu_noise.ko")
    if os.path.exists(noise):    # else its TAP block fails the tier
        files["fpu_noise/axvm_fpu_noise.ko"] = noise
    files["fpu_noise/fpu_noise_test.sh"] = os.path.join(
        TOP, "tests/fpu_noise/fpu_noise_test.sh")
    run_name = "integ-" + re.sub(r"[^A-Za-z0-9.-]+", "-", label)
    initrd = build_initramfs(run_name, files, "plan-integration.sh")
    text, con, done = qemu(run_name, kernel, initrd, timeout=1500)
    for took in re.findall(r"^# (\S+ took \d+s)$", text, re.M):
        log(f"  time  {took}")
    judge_run(t, label, text, con, done)
    t.end()


def integrations(t, abi, tk, kernels):
    if "stock" in kernels:
        tier_integration(t, f"Debian {abi}", stock_kernel(abi),
                         os.path.join(BUILD, "stock", "axvm.ko"), "stock")
    if "debug" in kernels:
        tier_integration(t, "test kernel", test_kernel_image(tk),
                         os.path.join(BUILD, "debug", "axvm.ko"), "debug")


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(
        description="make check: every tier; --only TIER: one of them "
        "(kunit and integration: the fast development loop)")
    ap.add_argument("--only", choices=["kunit", "integration", "build"])
    ap.add_argument("--kernel", choices=KERNELS,
                    help="with --only integration: boot only this kernel "
                    "(stock: Debian's; debug: the test kernel)")
    args = ap.parse_args()
    if args.kernel and args.only != "integration":
        ap.error("--kernel goes with --only integration")

    t0 = time.time()
    t = Tally()
    abi, tk = setup(t)

    if args.only in (None, "build"):
        built = tier_build(t, abi, tk)
        if args.only is None:
            tier_host(t, abi)
        if not built:
            log("build failed: the QEMU tiers cannot run")
        elif args.only is None:
            tier_kunit(t, tk)
            integrations(t, abi, tk, KERNELS)
            # make bench's workloads a few hundred times, on the module
            # the build tier made: ~20 s, so the benchmark cannot rot.
            tier_bench_smoke(t, abi, built=True)
    else:
        kernels = ("debug",) if args.only == "kunit" else (
            (args.kernel,) if args.kernel else KERNELS)
        if not tier_build_dev(t, abi, tk, args.only, kernels):
            log("build failed: the QEMU tiers cannot run")
        elif args.only == "kunit":
            tier_kunit(t, tk)
        else:
            integrations(t, abi, tk, kernels)
    log(f"\ntotal wall time {time.time() - t0:.0f}s "
        "(budget: cached run under 20 min)")
    ok = t.summary()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
