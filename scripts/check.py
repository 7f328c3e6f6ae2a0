#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make check / make demo / make kunit: build axvm and run every test tier
inside QEMU test hosts. Nothing is ever loaded into this machine's kernel.

Tiers (DESIGN.md §7):
  build        module W=1 -Werror against Debian 6.1 and the test kernel,
               sparse, checkpatch, userspace tools and tests (64/32-bit)
  kunit        the KUnit suites in the debug test kernel, then dmesg and
               kmemleak; the harness self-tests (each must be judged red)
  integration  the API tests in the stock Debian kernel and in the test kernel

Ends with one line: "N passed, N failed".
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# AXVM_BUILD lets two runs share a checkout without sharing objects.
BUILD = os.environ.get("AXVM_BUILD", os.path.join(TOP, "build"))
QEMU_MEM = "1G"


def log(msg):
    print(msg, flush=True)


def run(cmd, **kw):
    """Run a command; return (rc, combined output)."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace", **kw)
    return p.returncode, p.stdout


class Tally:
    def __init__(self):
        self.tiers = []          # (name, passed, failed, skipped, seconds)
        self.cur = None
        self.failures = []
        self.skips = []

    def begin(self, name):
        self.cur = [name, 0, 0, 0, time.time()]
        log(f"=== tier {name}")

    def end(self):
        name, p, f, s, t0 = self.cur
        self.tiers.append((name, p, f, s, time.time() - t0))
        self.cur = None

    def ok(self, name):
        self.cur[1] += 1
        log(f"  ok    {name}")

    def fail(self, name, why=""):
        self.cur[2] += 1
        self.failures.append(f"{self.cur[0]}: {name}")
        log(f"  FAIL  {name}")
        if why:
            for line in why.rstrip().splitlines()[-40:]:
                log(f"        | {line}")

    def skip(self, name, why):
        self.cur[3] += 1
        self.skips.append(f"{self.cur[0]}: {name}: {why}")
        log(f"  skip  {name}: {why}")

    def check(self, name, cond, why=""):
        (self.ok if cond else self.fail)(name, *([why] if not cond else []))
        return cond

    def summary(self):
        log("")
        log(f"{'tier':<22}{'passed':>8}{'failed':>8}{'skipped':>9}{'time':>9}")
        P = F = S = 0
        for name, p, f, s, secs in self.tiers:
            log(f"{name:<22}{p:>8}{f:>8}{s:>9}{secs:>8.0f}s")
            P, F, S = P + p, F + f, S + s
        for f in self.failures:
            log(f"failed: {f}")
        for s in self.skips:
            log(f"skipped: {s}")
        line = f"{P} passed, {F} failed"
        if S:
            line += f", {S} skipped"
        log(line)
        return F == 0 and P > 0


# ---------------------------------------------------------------- setup

def install_deps():
    rc, out = run([os.path.join(TOP, "scripts/install-deps")])
    if rc:
        log(out)
        sys.exit("axvm: installing dependencies failed")
    return out.strip().splitlines()[-1]


def test_kernel():
    # Its progress lines go straight to our stderr while it builds.
    p = subprocess.run([os.path.join(TOP, "scripts/test-kernel")],
                       stdout=subprocess.PIPE, text=True)
    if p.returncode:
        sys.exit("axvm: the test kernel could not be built")
    return p.stdout.strip().splitlines()[-1]


def kbuild(t, label, kdir, outdir, extra=(), want_sparse=False):
    """Build the module out of a copy of the tree, so builds against two
    kernels (and a developer's in-tree build) never share objects."""
    os.makedirs(outdir, exist_ok=True)
    rc, out = run(["rsync", "-a", "--delete", "--delete-excluded",
                   "--exclude=*.o", "--exclude=*.ko", "--exclude=.*.cmd",
                   "--exclude=*.mod", "--exclude=*.mod.c",
                   "--exclude=modules.order", "--exclude=Module.symvers",
                   "--include=/Kbuild", "--include=/Makefile",
                   "--include=/module/***", "--include=/arch/***",
                   "--include=/include/***", "--include=/tests/",
                   "--include=/tests/kunit/***", "--exclude=*",
                   TOP + "/", outdir + "/"])
    if rc:
        return t.fail(f"{label}: copy", out)
    cmd = ["make", "-C", kdir, f"M={outdir}", "W=1",
           "KCFLAGS=-Werror -DAXVM_VERSION=\\\"%s\\\"" % version(),
           f"-j{os.cpu_count()}", "modules", *extra]
    if want_sparse:
        cmd.append("C=2")
    rc, out = run(cmd)
    warn = [l for l in out.splitlines()
            if re.search(r"warning:|error:", l) and "Skipping BTF" not in l]
    ok = rc == 0 and not warn
    t.check(label, ok, "\n".join(warn) or out)
    return ok


def version():
    with open(os.path.join(TOP, "Makefile")) as f:
        return re.search(r"^VERSION := (\S+)", f.read(), re.M).group(1)


def make_user(t, label, *targets):
    rc, out = run(["make", "-C", TOP, *targets])
    t.check(label, rc == 0, out)
    return rc == 0


# ---------------------------------------------------------------- QEMU

def build_initramfs(name, files, plan):
    """files: {path inside /axvm: host path}. Returns the cpio.gz path."""
    root = os.path.join(BUILD, "initramfs", name)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "bin"))
    os.makedirs(os.path.join(root, "axvm"))
    shutil.copy("/bin/busybox", os.path.join(root, "bin/busybox"))
    shutil.copy(os.path.join(TOP, "tests/harness/init"),
                os.path.join(root, "init"))
    os.chmod(os.path.join(root, "init"), 0o755)
    shutil.copy(os.path.join(TOP, "tests/harness/guest-lib.sh"),
                os.path.join(root, "axvm/guest-lib.sh"))
    shutil.copy(os.path.join(TOP, "tests/harness", plan),
                os.path.join(root, "axvm/plan.sh"))
    for dst, src in files.items():
        d = os.path.join(root, "axvm", dst)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        if os.path.isdir(src):
            shutil.copytree(src, d, symlinks=True)
        else:
            shutil.copy(src, d)
    out = os.path.join(BUILD, f"initramfs-{name}.cpio.gz")
    rc, msg = run(["sh", "-c",
                   f"cd {root} && find . | cpio -o -H newc --quiet | gzip -1 > {out}"])
    if rc:
        sys.exit(f"axvm: initramfs {name}: {msg}")
    return out


def qemu(name, kernel, initrd, timeout, extra_append=""):
    """Boot a test host; return (results text, console text, finished)."""
    rdir = os.path.join(BUILD, "runs")
    os.makedirs(rdir, exist_ok=True)
    res = os.path.join(rdir, f"{name}.results")
    con = os.path.join(rdir, f"{name}.console")
    for f in (res, con):
        if os.path.exists(f):
            os.unlink(f)
    cmd = ["qemu-system-x86_64", "-M", "q35", "-cpu", "max",
           "-accel", "tcg,thread=single", "-smp", "2", "-m", QEMU_MEM,
           "-display", "none", "-no-reboot", "-monitor", "none",
           "-serial", f"file:{con}", "-serial", f"file:{res}",
           "-kernel", kernel, "-initrd", initrd,
           "-append", "console=ttyS0 panic=-1 loglevel=4 no_timer_check " + extra_append]
    try:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                       timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    text = open(res, errors="replace").read() if os.path.exists(res) else ""
    ctext = open(con, errors="replace").read() if os.path.exists(con) else ""
    return text.replace("\r", ""), ctext.replace("\r", ""), "@@DONE" in text


# What in a kernel log is a failure, with the reason reported.
DMESG_PROBLEMS = [
    (r"WARNING:", "WARNING"),
    (r"\bBUG:", "BUG"),
    (r"KASAN", "KASAN"),
    (r"UBSAN", "UBSAN"),
    (r"possible circular locking|possible recursive locking|"
     r"inconsistent lock state|lockdep", "lockdep"),
    (r"sleeping function called from invalid context", "sleep-in-atomic"),
    (r"general protection fault|Oops", "oops"),
    (r"unreferenced object", "kmemleak"),
    (r"Kernel panic", "panic"),
]


def scan_log(text):
    """Return the problems (reason, first lines) a kernel log shows."""
    found = []
    lines = text.splitlines()
    for pat, reason in DMESG_PROBLEMS:
        for i, l in enumerate(lines):
            if re.search(pat, l):
                found.append((reason, "\n".join(lines[i:i + 25])))
                break
    return found


def parse_blocks(text):
    """Yield ("result", ok, name) and ("block", kind, args, body)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        l = lines[i]
        if l.startswith("@@RESULT "):
            _, st, rest = l.split(" ", 2)
            yield ("result", st == "ok", rest)
        elif l.startswith("@@BEGIN "):
            head = l.split()[1:]
            body = []
            i += 1
            while i < len(lines) and lines[i] != "@@END":
                body.append(lines[i])
                i += 1
            yield ("block", head[0], head[1:], "\n".join(body))
        i += 1


def ktap_cases(body):
    """(name, status) per test case of a suite's KTAP results; status is
    ok / fail / skip. Cases are the 4-space-indented results lines."""
    cases = []
    for l in body.splitlines():
        m = re.match(r"^    (ok|not ok) \d+ (?:- )?(\S+)(.*)$", l)
        if m:
            st = "fail" if m.group(1) == "not ok" else (
                "skip" if "# SKIP" in m.group(3) else "ok")
            cases.append((m.group(2), st, m.group(3)))
    return cases


def judge_run(t, name, text, console, finished):
    seen_booted = "@@BOOTED" in text
    if not t.check(f"{name}: host booted", seen_booted,
                   "\n".join(console.splitlines()[-30:])):
        return
    for item in parse_blocks(text):
        if item[0] == "result":
            _, ok, rest = item
            t.check(f"{name}: {rest}" if ok else f"{name}: {rest}", ok)
            continue
        _, kind, args, body = item
        if kind == "ktap":
            suite = args[0]
            cases = ktap_cases(body)
            if suite.startswith("axvm_selftest_"):
                # Must be judged red: its failing case must count as failed.
                bad = [c for c in cases if c[1] == "fail"]
                t.check(f"{name}: selftest {suite} is red",
                        len(bad) == 1 and len(cases) == 2, body)
                continue
            if not cases:
                t.fail(f"{name}: {suite}: no test cases ran", body)
            for case, st, rest in cases:
                if st == "ok":
                    t.ok(f"{suite}.{case}")
                elif st == "skip":
                    t.skip(f"{suite}.{case}", rest.split("# SKIP", 1)[-1].strip())
                else:
                    t.fail(f"{suite}.{case}", body)
        elif kind == "tap":
            parse_tap(t, args[0], body)
        elif kind in ("dmesg", "kmemleak"):
            what, expect = args[0], args[1]
            probs = scan_log(body)
            if expect == "clean":
                t.check(f"{name}: {kind} clean after {what}", not probs,
                        "\n".join(f"[{r}]\n{b}" for r, b in probs))
            else:
                # A harness self-test: the scanner must name the problem.
                reasons = [r for r, _ in probs]
                t.check(f"{name}: selftest {what} is red ({expect})",
                        expect in reasons, body)
        elif kind == "output":
            log(body)
    t.check(f"{name}: ran to completion", finished,
            "timed out or crashed; last console lines:\n" +
            "\n".join(console.splitlines()[-30:]))


# ---------------------------------------------------------------- tiers

def tier_build(t, abi, tk):
    t.begin("build")
    stock = f"/usr/src/linux-headers-{abi}"
    ok = kbuild(t, f"module W=1 -Werror, Debian {abi}", stock,
                os.path.join(BUILD, "stock"))
    ok = kbuild(t, "module + KUnit W=1 -Werror, test kernel", tk,
                os.path.join(BUILD, "debug")) and ok
    # sparse over our sources against the test kernel (C=2: check all).
    kbuild(t, "sparse (C=2) clean", tk, os.path.join(BUILD, "sparse"),
           want_sparse=True)
    rc, out = run(["make", "-C", TOP, "checkpatch",
                   f"CHECKPATCH={tk}/scripts/checkpatch.pl"])
    t.check("checkpatch clean", rc == 0, out)
    rc, out = run(["make", "-C", tk, f"M={TOP}/tests/selftest", "modules"])
    t.check("harness self-test modules", rc == 0, out)
    fpu_noise_build(t, f"Debian {abi}", stock, "stock")
    fpu_noise_build(t, "test kernel", tk, "debug")
    ok = make_user(t, "userspace tools and tests (64/32-bit, -Werror)",
                   "user", f"BUILD={BUILD}") and ok
    t.end()
    return ok


def fpu_noise_build(t, label, kdir, flavour):
    """tests/fpu_noise's module for one kernel, in a copy of its own."""
    out_dir = os.path.join(BUILD, f"fpu_noise-{flavour}")
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    for f in ("Kbuild", "axvm_fpu_noise.c"):
        shutil.copy(os.path.join(TOP, "tests/fpu_noise", f), out_dir)
    rc, out = run(["make", "-C", kdir, f"M={out_dir}", "W=1",
                   "KCFLAGS=-Werror", "modules"])
    t.check(f"fpu noise test module, {label}", rc == 0, out)


def parse_tap(t, label, body):
    """Count the TAP lines of @body; the plan must match."""
    ran = 0
    for l in body.splitlines():
        m = re.match(r"^(ok|not ok) \d+ (?:- )?(.*)$", l)
        if not m:
            continue
        ran += 1
        desc = m.group(2)
        if "# SKIP" in desc:
            t.skip(f"{label}: {desc.split('# SKIP')[0].strip()}",
                   desc.split("# SKIP", 1)[1].strip())
        elif m.group(1) == "ok":
            t.ok(f"{label}: {desc}")
        else:
            t.fail(f"{label}: {desc}", body)
    # Several TAP streams may follow each other: their plans add up.
    plans = [int(n) for n in re.findall(r"^1\.\.(\d+)", body, re.M)]
    if not plans or sum(plans) != ran:
        t.fail(f"{label}: plan",
               f"TAP plans {plans} do not match {ran} results:\n" + body)


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
    secs = os.environ.get("FUZZ_SECONDS", "15")
    rc, out = run(["make", "-s", "-C", os.path.join(TOP, "tests/fuzz"),
                   "unit", "run", f"FUZZ_SECONDS={secs}"])
    t.check(f"fuzz: decoder and guest walker, {secs}s each, no crash",
            rc == 0, out)
    t.end()


def tests_files():
    files = {}
    udir = os.path.join(BUILD, "user")
    if os.path.isdir(udir):
        files["bin"] = udir
    ex = os.path.join(TOP, "examples")
    if os.path.isdir(ex):
        files["examples"] = ex
        # The example configs name their images relative to themselves.
        for g in ("hello.bin",):
            gp = os.path.join(udir, "guests", g)
            if os.path.exists(gp):
                files[f"examples/{g}"] = gp
    return files


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
    text, con, done = qemu("kunit", os.path.join(tk, "arch/x86/boot/bzImage"),
                           initrd, timeout=600)
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=["kunit", "integration", "build"])
    ap.add_argument("--demo", action="store_true")
    ap.add_argument("--bench", action="store_true")
    args = ap.parse_args()

    t0 = time.time()
    os.makedirs(BUILD, exist_ok=True)
    t = Tally()
    t.begin("setup")
    abi = install_deps()
    t.ok(f"dependencies (Debian kernel {abi})")
    tk = test_kernel()
    t.ok(f"test kernel kit {os.path.basename(tk)}")
    t.end()

    if args.demo:
        return demo(abi)
    if args.bench:
        return bench(abi)

    built = tier_build(t, abi, tk)
    if args.only is None:
        tier_host(t, abi)
    if not built:
        log("build failed: the QEMU tiers cannot run")
    elif args.only in (None, "kunit"):
        tier_kunit(t, tk)
    if built and args.only in (None, "integration"):
        tier_integration(t, f"Debian {abi}", f"/boot/vmlinuz-{abi}",
                         os.path.join(BUILD, "stock", "axvm.ko"), "stock")
        tier_integration(t, "test kernel",
                         os.path.join(tk, "arch/x86/boot/bzImage"),
                         os.path.join(BUILD, "debug", "axvm.ko"), "debug")
    log(f"\ntotal wall time {time.time() - t0:.0f}s "
        "(budget: cached run under 20 min)")
    ok = t.summary()
    sys.exit(0 if ok else 1)


def demo(abi):
    rc, out = run(["make", "-C", TOP, "user", f"BUILD={BUILD}"])
    if rc:
        sys.exit(out)
    stock = f"/usr/src/linux-headers-{abi}"
    t = Tally()
    t.begin("demo build")
    if not kbuild(t, "module", stock, os.path.join(BUILD, "stock")):
        sys.exit(1)
    t.end()
    files = {"axvm.ko": os.path.join(BUILD, "stock", "axvm.ko")}
    files.update(tests_files())
    initrd = build_initramfs("demo", files, "plan-demo.sh")
    log("booting the Debian kernel in QEMU and running a VM in it ...")
    text, con, done = qemu("demo", f"/boot/vmlinuz-{abi}", initrd, timeout=300)
    for item in parse_blocks(text):
        if item[0] == "block":
            print(item[3])
        else:
            print(("ok: " if item[1] else "FAILED: ") + item[2])
    if not done:
        print("\n".join(con.splitlines()[-30:]))
        sys.exit("axvm: the demo did not finish")


# ---------------------------------------------------------------- bench

# make bench: the rows of the table, in order, with where each side
# handles the workload's exit (axbench checks the userspace/kernel part:
# it counts the exits that reach it).
BENCH_ROWS = [
    ("cpuid", "kernel", "kernel"),
    ("vmmcall", "userspace (HYPERCALL exit)",
     "kernel (-KVM_ENOSYS in RAX, no exit: KVM's default)"),
    ("vmmcall-user", "userspace (HYPERCALL exit)",
     "userspace (KVM_EXIT_HYPERCALL, KVM_CAP_EXIT_HYPERCALL on)"),
    ("pio", "userspace", "userspace"),
    ("mmio", "userspace (NPF, decode)", "userspace (NPF, emulate)"),
    ("run-immediate", "no entry (ioctl floor)", "no entry (ioctl floor)"),
    ("uart-1m", "kernel (16550 -> console ring)",
     "userspace (a PIO exit per byte)"),
    ("create-destroy-64m", "-", "-"),
    ("create-destroy-4g", "-", "-"),
    ("first-insn", "CREATE_VM .. first exit", "CREATE_VM .. first exit"),
    ("idle-vm-kmem", "-", "-"),
]

# Sizes: the full run and the smoke form. BUDGET: seconds of the test
# host's uptime after which no new round starts (bench/plan-bench.sh), so
# a loaded machine gives fewer rounds, not a run past ~25 minutes.
BENCH_FULL = dict(ROUNDS=10, UART_ROUNDS=3, AA=1, ITERS=10000, WARMUP=64,
                  UART_BYTES=1 << 20, REPS=10, VMS=32, BUDGET=21 * 60)
BENCH_SMOKE = dict(ROUNDS=1, UART_ROUNDS=1, AA=0, ITERS=300, WARMUP=16,
                   UART_BYTES=300, REPS=3, VMS=4, BUDGET=0)

# The KVM modules of the Debian kernel, in load order.
KVM_MODULES = ["virt/lib/irqbypass", "drivers/crypto/ccp/ccp",
               "arch/x86/kvm/kvm", "arch/x86/kvm/kvm-amd"]


def kvm_module_files(abi, outdir):
    """{path in the initramfs: plain .ko}; busybox insmod reads no .xz."""
    files = {}
    os.makedirs(outdir, exist_ok=True)
    for rel in KVM_MODULES:
        base = f"/lib/modules/{abi}/kernel/{rel}.ko"
        name = os.path.basename(rel) + ".ko"
        dst = os.path.join(outdir, name)
        for ext, cmd in (("", None), (".xz", "xz"), (".zst", "zstd"),
                         (".gz", "gzip")):
            if not os.path.exists(base + ext):
                continue
            if cmd:
                with open(dst, "wb") as f:
                    p = subprocess.run([cmd, "-dc", base + ext], stdout=f)
                if p.returncode:
                    sys.exit(f"axvm: cannot decompress {base + ext}")
            else:
                shutil.copy(base, dst)
            break
        else:
            sys.exit(f"axvm: {base}[.xz|.zst|.gz] is missing: "
                     f"install linux-image-{abi}")
        files[f"kvm/{name}"] = dst
    return files


def bench_progress(path, stop):
    """Log the test host's @@PROGRESS lines while QEMU runs."""
    seen = 0
    while not stop.wait(5):
        try:
            with open(path, errors="replace") as f:
                lines = [l.strip() for l in f if l.startswith("@@PROGRESS")]
        except OSError:
            continue
        for l in lines[seen:]:
            log(f"  {l[len('@@PROGRESS '):]}")
        seen = len(lines)


def bench_boot(t, abi, sizes, name, timeout, progress=False):
    """Build, boot the stock kernel, run bench/plan-bench.sh. Returns
    (samples {series: {workload: [values]}}, units, errors, text, console,
    finished) or None when the build failed (reported to @t)."""
    stock = f"/usr/src/linux-headers-{abi}"
    if not kbuild(t, f"module, Debian {abi}", stock,
                  os.path.join(BUILD, "stock")):
        return None
    bdir = os.path.join(BUILD, "bench")
    rc, out = run(["make", "-C", os.path.join(TOP, "bench"), f"OUT={bdir}"])
    if not t.check("axbench and its guests", rc == 0, out):
        return None
    conf = os.path.join(bdir, "bench.conf")
    with open(conf, "w") as f:
        f.write("".join(f"{k}={v}\n" for k, v in sizes.items()))
    files = {"axvm.ko": os.path.join(BUILD, "stock", "axvm.ko"),
             "bench.conf": conf,
             "bench/axbench": os.path.join(bdir, "axbench"),
             "bench/guests": os.path.join(bdir, "guests")}
    files.update(kvm_module_files(abi, os.path.join(bdir, "kvm")))
    initrd = build_initramfs(name, files,
                             os.path.join(TOP, "bench/plan-bench.sh"))
    res = os.path.join(BUILD, "runs", f"{name}.results")
    if os.path.exists(res):
        os.unlink(res)
    stop = threading.Event()
    watcher = threading.Thread(target=bench_progress, args=(res, stop),
                               daemon=True)
    if progress:
        watcher.start()
    text, con, done = qemu(name, f"/boot/vmlinuz-{abi}", initrd, timeout)
    stop.set()
    samples, units, errors = {}, {}, []
    for item in parse_blocks(text):
        if item[0] != "block" or item[1] != "bench":
            continue
        series, rnd = item[2][0], item[2][1]
        for line in item[3].splitlines():
            f = line.split()
            if len(f) == 4 and f[0] == "result":
                samples.setdefault(series, {}).setdefault(
                    f[1], []).append(float(f[2]))
                units[f[1]] = f[3]
            elif f and f[0] == "error":
                errors.append(f"{series} round {rnd}: {line}")
            elif f and f[0] == "status" and f[1:] != ["0"]:
                errors.append(f"{series} round {rnd}: axbench {line}")
    return samples, units, errors, text, con, done


def _median(v):
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def _spread(v):
    """Interquartile range over the median, in percent."""
    s = sorted(v)
    if len(s) < 2:
        return 0.0
    q = lambda p: s[min(len(s) - 1, max(0, round(p * (len(s) - 1))))]
    med = _median(s)
    return 100.0 * (q(0.75) - q(0.25)) / med if med else 0.0


def bench_table(samples, units):
    """The rows for bench/results.json and the printed table."""
    rows = []
    for name, h_ax, h_kvm in BENCH_ROWS:
        ax = samples.get("axvm", {}).get(name, [])
        kv = samples.get("kvm", {}).get(name, [])
        kv2 = samples.get("kvm2", {}).get(name, [])
        unit = units.get(name, "")
        row = {"name": name,
               "axvm": {"value": round(_median(ax), 4), "unit": unit}
               if ax else None,
               "kvm": {"value": round(_median(kv), 4), "unit": unit}
               if kv else None,
               "spread": {"axvm": round(_spread(ax), 1),
                          "kvm": round(_spread(kv), 1), "unit": "%"},
               "ratio": None,
               "handled": {"axvm": h_ax, "kvm": h_kvm},
               "rounds": {"axvm": len(ax), "kvm": len(kv)}}
        if ax and kv and _median(kv):
            row["ratio"] = round(_median(ax) / _median(kv), 3)
        if ax and kv and min(kv) > 0:
            # Load on the machine only adds time: the best rounds agree.
            row["ratio_min"] = round(min(ax) / min(kv), 3)
        if kv2 and kv and _median(kv):
            row["aa_kvm2_over_kvm"] = round(_median(kv2) / _median(kv), 3)
            row["kvm2"] = {"value": round(_median(kv2), 4), "unit": unit}
        row["samples"] = {"axvm": ax, "kvm": kv, "kvm2": kv2}
        rows.append(row)
    return rows


def print_bench_table(rows):
    def num(v):
        return f"{v['value']:.4g}" if v else "-"
    log(f"{'workload':<20}{'axvm':>10}{'kvm':>10} {'unit':<6}"
        f"{'spread ax/kvm':>14}{'axvm/kvm':>9}{'best':>6}{'A/A':>6}"
        f"  handled (axvm | kvm)")
    for r in rows:
        sp = f"{r['spread']['axvm']:.0f}%/{r['spread']['kvm']:.0f}%"
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        aa = r.get("aa_kvm2_over_kvm")
        aa = f"{aa:.2f}" if aa is not None else "-"
        best = r.get("ratio_min")
        best = f"{best:.2f}" if best is not None else "-"
        unit = (r["axvm"] or r["kvm"] or {}).get("unit", "")
        log(f"{r['name']:<20}{num(r['axvm']):>10}{num(r['kvm']):>10} "
            f"{unit:<6}{sp:>14}{ratio:>9}{best:>6}{aa:>6}  "
            f"{r['handled']['axvm']} | {r['handled']['kvm']}")
    log("each round's value: its fastest burst or repetition "
        "(bench/README.md); the table: medians over rounds; "
        "spread: interquartile range / median; "
        "axvm/kvm: of the medians, below 1 axvm is faster or smaller; "
        "best: of the best rounds; A/A: a second KVM series over the "
        "first, the noise floor")


def bench(abi):
    """make bench: the full side-by-side run; bench/results.json."""
    t = Tally()
    t.begin("bench")
    sizes = dict(BENCH_FULL)
    for k in sizes:     # e.g. BENCH_ROUNDS=3 make bench
        if os.environ.get(f"BENCH_{k}"):
            sizes[k] = int(os.environ[f"BENCH_{k}"])
    log(f"booting Debian {abi} in QEMU; KVM and axvm alternate: up to "
        f"{sizes['ROUNDS']} rounds and {sizes['UART_ROUNDS']} of uart-1m "
        f"within {sizes['BUDGET']}s")
    t0 = time.time()
    got = bench_boot(t, abi, sizes, "bench", timeout=45 * 60, progress=True)
    if got is None:
        sys.exit(1)
    samples, units, errors, text, con, done = got
    for l in text.splitlines():
        if l.startswith("@@RESULT fail"):
            errors.append(l)
    rows = bench_table(samples, units)
    out = os.path.join(TOP, "bench", "results.json")
    with open(out, "w") as f:
        json.dump(rows, f, indent=1)
        f.write("\n")
    log("")
    print_bench_table(rows)
    log(f"\n{out}; {time.time() - t0:.0f}s")
    for e in errors:
        log(f"error: {e}")
    missing = [r["name"] for r in rows if r["ratio"] is None]
    if not done:
        log("the run did not finish; last console lines:\n" +
            "\n".join(con.splitlines()[-30:]))
    if missing:
        log(f"no ratio for: {', '.join(missing)}")
    sys.exit(0 if done and not missing and not errors else 1)


def tier_bench_smoke(t, abi):
    """make check: every workload a few hundred iterations, once per side,
    so the benchmark cannot rot. Timings are never judged."""
    t.begin("bench smoke")
    got = bench_boot(t, abi, BENCH_SMOKE, "bench-smoke", timeout=600)
    if got is not None:
        samples, units, errors, text, con, done = got
        judge_run(t, "bench smoke", text, con, done)
        for name, _, _ in BENCH_ROWS:
            for side in ("kvm", "axvm"):
                v = samples.get(side, {}).get(name)
                why = "\n".join(e for e in errors
                                if e.startswith(f"{side} ")) or text
                t.check(f"bench smoke: {name} through {side} gave a number",
                        bool(v), why)
    t.end()


if __name__ == "__main__":
    main()
