# SPDX-License-Identifier: GPL-2.0
"""The test harness that scripts/check.py, demo.py, bench.py and
layering.py share: the tally of results, the setup tier, kbuild of private
copies of the tree, the QEMU test host (initramfs, boot) and the judging
of what it reports (kernel logs, KTAP, TAP). Nothing here is ever loaded
into this machine's kernel.

The test host's side of the protocol is tests/harness/ (init, guest-lib.sh
and the plans): it prints @@BOOTED, @@RESULT ok|fail NAME,
@@BEGIN KIND ARGS... / @@END blocks and @@DONE on its second serial port.
"""
import os
import re
import shutil
import subprocess
import sys
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


def setup(t, want_test_kernel=True):
    """The setup tier: dependencies, the test kernel kit (built on the
    first run, ~10 min; demo and bench boot Debian's kernel only and do
    without it). Returns (the Debian kernel ABI, the test kernel tree or
    None)."""
    os.makedirs(BUILD, exist_ok=True)
    t.begin("setup")
    abi = install_deps()
    t.ok(f"dependencies (Debian kernel {abi})")
    tk = None
    if want_test_kernel:
        tk = test_kernel()
        t.ok(f"test kernel kit {os.path.basename(tk)}")
    t.end()
    return abi, tk


def stock_kdir(abi):
    return f"/usr/src/linux-headers-{abi}"


def stock_kernel(abi):
    return f"/boot/vmlinuz-{abi}"


def test_kernel_image(tk):
    return os.path.join(tk, "arch/x86/boot/bzImage")


# ---------------------------------------------------------------- builds

# What of the tree a module build needs.
KBUILD_FILTER = ["--include=/Kbuild", "--include=/Makefile",
                 "--include=/module/***", "--include=/arch/***",
                 "--include=/include/***", "--include=/tests/",
                 "--include=/tests/kunit/***", "--exclude=*"]
# What a module build makes (never copied from the tree).
KBUILD_PRODUCTS = ["--exclude=*.o", "--exclude=*.ko", "--exclude=.*.cmd",
                   "--exclude=*.mod", "--exclude=*.mod.c",
                   "--exclude=modules.order", "--exclude=Module.symvers"]


def copy_tree(outdir, incremental=False):
    """Copy what a module build needs into @outdir. Clean (the default):
    every object of an earlier build there is deleted, the build starts
    from nothing. Incremental: objects stay; a source file is rewritten
    (with a new mtime) only when its content changed, so kbuild rebuilds
    exactly what changed, even when the tree was edited during an earlier
    build."""
    os.makedirs(outdir, exist_ok=True)
    if incremental:
        cmd = ["rsync", "-rlpgoD", "--checksum", "--delete",
               *KBUILD_PRODUCTS, *KBUILD_FILTER]
    else:
        cmd = ["rsync", "-a", "--delete", "--delete-excluded",
               *KBUILD_PRODUCTS, *KBUILD_FILTER]
    return run([*cmd, TOP + "/", outdir + "/"])


def kbuild(t, label, kdir, outdir, extra=(), want_sparse=False,
           incremental=False):
    """Build the module out of a copy of the tree, so builds against two
    kernels (and a developer's in-tree build) never share objects."""
    rc, out = copy_tree(outdir, incremental)
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


def tests_files():
    """What of the userspace build goes into a test host: {path in /axvm:
    host path}."""
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


# ---------------------------------------------------------------- QEMU

def build_initramfs(name, files, plan):
    """files: {path inside /axvm: host path}; plan: a file of
    tests/harness/ or an absolute path. Returns the cpio.gz path."""
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


# ---------------------------------------------------------------- judging

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
            bad = [c for c in cases if c[1] == "fail"]
            # A case whose log overflows KUNIT_LOG_SIZE can lose its own
            # result line from debugfs: the plan and the suite's verdict
            # still tell that it ran, and whether something failed.
            plan = re.search(r"^    1\.\.(\d+)$", body, re.M)
            verdict = re.search(r"^(ok|not ok) \d+ (?:- )?" + re.escape(suite)
                                + r"\b", body, re.M)
            lost = int(plan.group(1)) - len(cases) if plan else 0
            hidden = lost > 0 or (verdict and verdict.group(1) == "not ok"
                                  and not bad)
            if suite.startswith("axvm_selftest_"):
                # Must be judged red: its failing case counts as failed,
                # seen (one of two) or lost (the _lost suite's long log).
                t.check(f"{name}: selftest {suite} is red",
                        (hidden and lost == 1) if suite.endswith("_lost")
                        else (len(bad) == 1 and len(cases) == 2), body)
                continue
            if not cases:
                t.fail(f"{name}: {suite}: no test cases ran", body)
            if hidden:
                t.fail(f"{name}: {suite}: {lost} case result(s) lost, "
                       f"suite {verdict.group(1) if verdict else 'no verdict'}",
                       "\n".join(l for l in body.splitlines()
                                 if "EXPECTATION FAILED" in l or
                                 "ASSERTION FAILED" in l or
                                 l.startswith("not ok")))
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
