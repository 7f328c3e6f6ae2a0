#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make kvm-unit-tests KUT=DIR: issue 13's acceptance table.

Runs the x86 tests of a kvm-unit-tests tree built elsewhere (never part
of this project, never fetched by this script: see docs/kvm-unit-tests.md)
twice, with the same Multiboot environment module, command line, memory
and CPU count:
  - QEMU TCG on this machine (-cpu max), the baseline;
  - axvm: `axvmctl run` for each test inside ONE QEMU test host that
    boots Debian's kernel and loads axvm.ko (like the integration tier).
and writes the table into docs/kvm-unit-tests.md (between the markers
<!-- kut-table begin/end -->; the prose around them is kept).
Not part of make check: CI cannot fetch kvm-unit-tests.

Results of every run are kept in $AXVM_BUILD/kut/results.json, so
--no-tcg or --no-axvm reruns one side and keeps the other's column.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time

import axvm_harness as H
from axvm_harness import (BUILD, TOP, Tally, build_initramfs, install_deps,
                          kbuild, log, make_user, parse_blocks, qemu,
                          stock_kdir, stock_kernel)

# Issue 13's list (must pass), then the stretch / part-2 tests, run when
# the tree's unittests.cfg has them.
TESTS = ["smptest", "smptest3", "eventinj", "memory", "realmode", "setjmp",
         "sieve", "syscall", "tsc", "xsave", "pku", "pks", "smap", "rdpru",
         "umip", "rmap_chain", "vmexit_cpuid", "vmexit_mov_from_cr8",
         "vmexit_mov_to_cr8", "vmexit_ipi", "vmexit_ipi_halt",
         "vmexit_ple_round_robin", "vmexit_cr0_wp", "vmexit_cr4_pge"]
OPTIONAL = ["apic", "apic-split", "x2apic", "xapic", "ioapic",
            "ioapic-split", "vmexit_tscdeadline", "vmexit_tscdeadline_immed",
            "vmexit_inl_pmtimer"]
MEM_MB = 256
OUT = os.path.join(BUILD, "kut")
DOC = os.path.join(TOP, "docs", "kvm-unit-tests.md")
BEGIN, END = "<!-- kut-table begin -->", "<!-- kut-table end -->"
# A failure's "first telling line" in a test's output.
TELLING = re.compile(r"Unhandled exception|unhandled|^FAIL|\bFAIL:|abort|"
                     r"triple fault|shutdown|panic|error|fault|"
                     r"^axvmctl:|not supported|refused|assert", re.I | re.M)


# ------------------------------------------------------------ the tests

def parse_cfg(kut):
    """x86/unittests.cfg as {name: {file, smp, args}}. args is the test's
    command line: `test_args` in today's format, the -append of
    `extra_params` in older trees. qemu_params (CPU models, machine
    options) are not used: both sides run -cpu max, as issue 13 says."""
    tests, cur = {}, None
    with open(os.path.join(kut, "x86", "unittests.cfg")) as f:
        for line in f:
            line = line.split("#", 1)[0].rstrip()
            m = re.match(r"^\[(.+)\]$", line)
            if m:
                cur = tests.setdefault(m.group(1), {"smp": "1", "args": ""})
                continue
            m = re.match(r"^(\w+)\s*=\s*(.*)$", line)
            if cur is None or not m:
                continue
            key, val = m.group(1), m.group(2).strip()
            if key in ("file", "smp"):
                cur[key] = val
            elif key == "test_args":
                cur["args"] = " ".join(shlex.split(val))
            elif key == "extra_params":
                words = shlex.split(val)
                if "-append" in words:
                    cur["args"] = words[words.index("-append") + 1]
    return tests


def select(cfg, only):
    """The tests to run, in table order: [(name, entry)]. An entry whose
    smp is not a plain number (an expression of $MAX_SMP) is left out."""
    names = [n for n in TESTS + OPTIONAL if n in cfg]
    if only:
        names = [n for n in names if n in only]
        for n in only:
            if n not in cfg:
                sys.exit(f"kvm-unit-tests: no test {n} in x86/unittests.cfg")
    out = []
    for n in names:
        e = dict(cfg[n])
        if not e.get("file") or not e["smp"].isdigit():
            log(f"  skip  {n}: file/smp not usable ({e})")
            continue
        e["smp"] = int(e["smp"])
        out.append((n, e))
    return out


def env_file(smp):
    """The environment module kvm-unit-tests reads (host path)."""
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f"env-{smp}")
    with open(path, "w") as f:
        f.write(f"NR_CPUS={smp}\nMEMSIZE={MEM_MB}\nTEST_DEVICE=0\n")
    return path


def summary_line(text):
    """The last SUMMARY line of a test's output, without the prefix."""
    lines = re.findall(r"^SUMMARY: (.*)$", text, re.M)
    return lines[-1].strip() if lines else ""


def telling(text):
    """The first line of @text that says why a test failed, else ''."""
    m = TELLING.search(text)
    if not m:
        return ""
    s = text.rfind("\n", 0, m.start()) + 1
    e = text.find("\n", m.start())
    line = text[s:e if e >= 0 else None].strip()
    return re.sub(r"^\[\s*\d+\.\d+\]\s*", "", line)   # a dmesg time stamp


def symbolize(kut, file, text, smp=1):
    """Say where a test's first unhandled exception happened, from the
    test's .elf: "#GP(0) at 402f6c: wrmsr 0x1b in disable_apic
    (apic.c:174)" (the MSR from the dump's rcx only with one vCPU: with
    more, the registers printed may be another vCPU's). Dumps garbled by
    several vCPUs printing at once are passed over. '' when there is none
    or the .elf is missing."""
    elf = os.path.join(kut, "x86", file.replace(".flat", ".elf"))
    if not os.path.exists(elf):
        return ""
    pat = r"Unhandled exception \d+ (#\w+\(\w*\)) at ip 0*([0-9a-f]{1,16})\b"
    for m in re.finditer(pat, text):
        vec, ip = m.group(1), m.group(2)
        _, dis = H.run(["objdump", "-d", "--no-show-raw-insn", elf,
                        f"--start-address=0x{ip}",
                        f"--stop-address=0x{int(ip, 16) + 16:x}"])
        insn = re.search(rf"^\s*{ip}:\s*(.*)$", dis, re.M)
        if not insn:
            continue
        insn = re.sub(r"\s+", " ", insn.group(1)).strip()
        dump = text[m.end():].split("Unhandled exception", 1)[0]
        rcx = re.search(r"\brcx=0*([0-9a-f]{1,16}) ", dump)
        if insn in ("rdmsr", "wrmsr") and rcx and smp == 1 and \
                len(rcx.group(0)) == len("rcx=") + 17:
            insn += f" 0x{rcx.group(1)}"
        _, where = H.run(["addr2line", "-f", "-i", "-s", "-e", elf, f"0x{ip}"])
        where = where.split()
        site = f" in {where[-2]} ({where[-1]})" if len(where) >= 2 else ""
        return f"{vec} at {ip}: {insn}{site}"
    m = re.search(r"Unhandled exception \d+ (#\w+\(\w*\))", text)
    return f"{m.group(1)}, its dump garbled by several vCPUs printing " \
        "at once" if m else ""


# ------------------------------------------------------------ QEMU TCG

def run_tcg(kut, name, e, timeout):
    """One test under plain QEMU TCG; returns {verdict, status, summary,
    reason}. Pass is status 1 ((0 << 1) | 1 from isa-debug-exit), skip 155
    (77 = every case skipped), timeout when QEMU had to be killed."""
    logdir = os.path.join(OUT, "tcg")
    os.makedirs(logdir, exist_ok=True)
    serial = os.path.join(logdir, f"{name}.log")
    if os.path.exists(serial):
        os.unlink(serial)
    cmd = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max",
           "-m", str(MEM_MB), "-smp", str(e["smp"]),
           "-kernel", os.path.join(kut, "x86", e["file"]),
           "-initrd", env_file(e["smp"]), "-append", e["args"],
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x4",
           "-display", "none", "-monitor", "none",
           "-serial", f"file:{serial}", "-no-reboot"]
    t0 = time.time()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=timeout)
        status, qerr = p.returncode, p.stdout
    except subprocess.TimeoutExpired:
        status, qerr = 124, ""
    text = open(serial, errors="replace").read() \
        if os.path.exists(serial) else ""
    text = text.replace("\r", "") + qerr
    verdict = {1: "pass", 155: "skip", 124: "timeout"}.get(status, "fail")
    return {"verdict": verdict, "status": status, "secs": round(time.time() - t0),
            "summary": summary_line(text),
            "reason": "" if verdict == "pass" else
            symbolize(kut, e["file"], text, e["smp"]) or telling(text)}


def tcg_all(kut, tests, timeout):
    """Every test under QEMU TCG, one after the other: {name: result}."""
    results = {}
    for name, e in tests:
        r = run_tcg(kut, name, e, timeout)
        log(f"  tcg   {name:<26} {r['verdict']:<8} {r['secs']:>4}s  {r['summary']}")
        results[name] = r
    return results


# ------------------------------------------------------------ axvm

def build_axvm(axvmctl):
    """The module for Debian's kernel and axvmctl, built incrementally in
    $AXVM_BUILD. Returns (Debian ABI, axvm.ko, axvmctl)."""
    t = Tally()
    t.begin("build")
    abi = install_deps()
    ko = os.path.join(BUILD, "stock", "axvm.ko")
    ok = kbuild(t, f"module, Debian {abi}", stock_kdir(abi),
                os.path.join(BUILD, "stock"), incremental=True)
    if not axvmctl:
        axvmctl = os.path.join(BUILD, "user", "axvmctl")
        ok = make_user(t, "axvmctl", "tools", f"BUILD={BUILD}") and ok
    t.end()
    if not ok:
        sys.exit("kvm-unit-tests: the build failed")
    rc, out = H.run([axvmctl, "help", "run"])
    if "--initrd" not in out or "--cmdline" not in out:
        sys.exit(f"kvm-unit-tests: {axvmctl} has no --initrd/--cmdline "
                 "(Multiboot modules and command line, issue 13)")
    return abi, ko, axvmctl


# The test host's side; guest-lib.sh gives $R, step and block. A block's
# body always ends with a newline, so @@END is a line of its own.
PLAN = """# Generated by scripts/kvm_unit_tests.py.
A=/axvm/axvmctl
emit() {{ echo "@@BEGIN $1" > $R; cat > $R; echo > $R; echo @@END > $R; }}
kut() {{
	name=$1 smp=$2 file=$3 args=$4
	dmesg -c > /dev/null
	t0=$(date +%s)
	timeout -s KILL {kill} $A run --kernel /axvm/kut/$file \\
		--initrd /axvm/kut/env-$smp --cmdline "$file $args" \\
		--memory {mem}M --cpus $smp --timeout {timeout} \\
		< /dev/null > /tmp/out 2> /tmp/err
	rc=$?
	head -c 65536 /tmp/out | emit "kut $name $rc $(( $(date +%s) - t0 ))"
	head -c 4096 /tmp/err | emit "kut-err $name"
	dmesg -c | tail -40 | emit "kut-dmesg $name"
}}
block output host uname -sr
step 'insmod axvm.ko' insmod /axvm/axvm.ko
block output axvmctl $A --version
"""


def axvm_plan(tests, timeout):
    """The test host's plan (tests/harness/guest-lib.sh style): insmod,
    then per test a `kut NAME STATUS SECONDS` block with axvmctl's
    stdout (the guest's console), a `kut-err NAME` block with its stderr
    and a `kut-dmesg NAME` block with what the kernel logged.

    The command line starts with the kernel's name, as QEMU and GRUB make
    a Multiboot command line: kvm-unit-tests take the first word as
    argv[0] (vmexit.flat runs every sub-test when it has no argv[1])."""
    plan = PLAN.format(kill=timeout + 30, mem=MEM_MB, timeout=timeout)
    lines = plan.splitlines()
    for name, e in tests:
        lines.append(f"kut {name} {e['smp']} {e['file']} "
                     f"{shlex.quote(e['args'])}")
    lines.append("step 'rmmod axvm' rmmod axvm")
    path = os.path.join(OUT, "plan-kvm-unit-tests.sh")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def axvm_verdict(kut, e, status, text, err, dmesg):
    """(verdict, reason) of one axvmctl run (statuses: DESIGN §8); a
    kernel WARNING, BUG or oops meanwhile is named even when it passed."""
    probs = H.scan_log(dmesg)
    bad = "; ".join(f"kernel {r}: {b.splitlines()[0].strip()}"
                    for r, b in probs)
    if status == 0:
        return "pass", bad
    if status == 77:
        return "skip", bad
    verdict = {124: "timeout", 125: "error", 126: "vm failed",
               137: "killed"}.get(status, "fail")
    why = "; ".join(x for x in (err.strip().splitlines()[:1] +
                                [symbolize(kut, e["file"], text, e["smp"])
                                 or telling(text)])
                    if x)
    if status == 137:
        why = "axvmctl still running 30 s after --timeout: killed"
    elif not why and status == 124:
        last = [l for l in text.splitlines() if l.strip()]
        why = f"no exit in time; last output: {last[-1].strip()}" if last \
            else "no output at all"
    k = telling(dmesg)
    if k and k not in why:
        why = f"{why}; kernel: {k}" if why else f"kernel: {k}"
    why = "; ".join(x for x in (why, bad) if x)
    return verdict, why or f"status {status}"


def axvm_all(kut, tests, timeout, axvmctl):
    """Every test in one QEMU test host; returns (Debian ABI, {name:
    result})."""
    abi, ko, axvmctl = build_axvm(axvmctl)
    files = {"axvm.ko": ko, "axvmctl": axvmctl}
    for _, e in tests:
        files[f"kut/{e['file']}"] = os.path.join(kut, "x86", e["file"])
        files[f"kut/env-{e['smp']}"] = env_file(e["smp"])
    initrd = build_initramfs("kvm-unit-tests", files, axvm_plan(tests, timeout))
    # Room for 256M guests; the host may take each test's timeout plus
    # the kill margin, and two minutes to boot and unload.
    H.QEMU_MEM = "2G"
    host_timeout = 120 + len(tests) * (timeout + 30)
    log(f"booting the test host (Debian {abi}); at most {host_timeout}s ...")
    text, con, done = qemu("kvm-unit-tests", stock_kernel(abi), initrd,
                           host_timeout, "oops=panic")
    results, dmesg, err = {}, {}, {}
    logdir = os.path.join(OUT, "axvm")
    os.makedirs(logdir, exist_ok=True)
    for item in parse_blocks(text):
        if item[0] == "result":
            log(f"  host  {'ok' if item[1] else 'FAIL'} {item[2]}")
            continue
        _, kind, args, body = item
        if kind == "kut-dmesg":
            dmesg[args[0]] = body
        elif kind == "kut-err":
            err[args[0]] = body
        elif kind == "kut":
            name, status, secs = args[0], int(args[1]), int(args[2])
            with open(os.path.join(logdir, f"{name}.log"), "w") as f:
                f.write(body + "\n")
            results[name] = {"status": status, "secs": secs, "out": body,
                             "summary": summary_line(body)}
        elif kind == "output":
            log(f"  host  {args[0]}: {body.splitlines()[0] if body else ''}")
    for name, r in results.items():
        with open(os.path.join(logdir, f"{name}.log"), "a") as f:
            f.write("---- stderr\n" + err.get(name, "") + "\n---- dmesg\n"
                    + dmesg.get(name, "") + "\n")
        r["verdict"], r["reason"] = axvm_verdict(
            kut, dict(tests)[name], r["status"], r.pop("out"),
            err.get(name, ""), dmesg.get(name, ""))
        log(f"  axvm  {name:<26} {r['verdict']:<9} {r['secs']:>4}s  {r['reason']}")
    lost = [n for n, _ in tests if n not in results]
    tail = "; ".join(l for l in con.splitlines()[-3:] if l.strip())
    for n in lost:
        results[n] = {"verdict": "not run", "status": None, "secs": 0,
                      "summary": "",
                      "reason": "the test host " + ("finished without it" if done
                                                    else f"died or timed out: {tail}")}
    return abi, results


# ------------------------------------------------------------ the table

def cell(r):
    """A table cell: the verdict, and the SUMMARY line when there is one."""
    if not r:
        return "not run"
    s = r["verdict"] if r["verdict"] in ("pass", "skip", "timeout") else \
        f"{r['verdict']} ({r['status']})"
    return f"{s}: {r['summary']}" if r.get("summary") else s


def table(tests, res):
    """The Markdown table: test | smp | args | QEMU TCG | axvm | reason."""
    rows = ["| test | smp | args | QEMU TCG | axvm | reason |",
            "|---|---|---|---|---|---|"]
    for name, e in tests:
        t, a = res.get(name, {}).get("tcg"), res.get(name, {}).get("axvm")
        why = a["reason"] if a else ""
        if t and t["verdict"] != "pass" and t.get("reason"):
            why += f"{'; ' if why else ''}TCG: {t['reason']}"
        why = why.replace("|", "\\|")
        rows.append(f"| {name} | {e['smp']} | {e['args'] or '-'} | {cell(t)} "
                    f"| {cell(a)} | {why} |")
    def passed(side):
        return sum(1 for x, _ in tests
                   if (res.get(x, {}).get(side) or {}).get("verdict") == "pass")
    n = len(tests)
    rows += ["", f"QEMU TCG: {passed('tcg')}/{n} pass; "
             f"axvm: {passed('axvm')}/{n} pass."]
    return "\n".join(rows)


def kut_commit(kut):
    rc, out = H.run(["git", "-C", kut, "log", "-1",
                     "--format=%H (%cd, %s)", "--date=short"])
    return out.strip() if rc == 0 else "unknown (not a git checkout)"


def write_doc(kut, tests, res, meta):
    """Put the table between the markers of docs/kvm-unit-tests.md."""
    block = "\n".join([
        BEGIN,
        f"kvm-unit-tests commit: {kut_commit(kut)}  ",
        f"Run on {meta['date']}: QEMU {meta['qemu']} "
        f"(TCG baseline `-cpu max`, {MEM_MB} MiB), axvm at {meta['axvm']} "
        f"in Debian {meta.get('abi', '6.1')}'s kernel under QEMU TCG; "
        f"per-test timeout {meta['timeout']} s; the QEMU TCG column took "
        f"{meta.get('tcg_secs', '?')} s, the axvm column "
        f"{meta.get('axvm_secs', '?')} s (build and test host included).",
        "",
        table(tests, res),
        END])
    text = open(DOC).read() if os.path.exists(DOC) else f"{BEGIN}\n{END}\n"
    s, e = text.find(BEGIN), text.find(END)
    if s < 0 or e < 0:
        sys.exit(f"kvm-unit-tests: {DOC} lacks the markers {BEGIN} / {END}")
    with open(DOC, "w") as f:
        f.write(text[:s] + block + text[e + len(END):])
    log(f"wrote {os.path.relpath(DOC, TOP)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kut", required=True,
                    help="a kvm-unit-tests tree built for x86_64")
    ap.add_argument("--tests", help="comma-separated subset to run (default: "
                    "all); the table keeps the last results of the others")
    ap.add_argument("--timeout", type=int, default=180,
                    help="seconds per test (default 180)")
    ap.add_argument("--no-tcg", action="store_true",
                    help="keep the QEMU TCG column of the last run")
    ap.add_argument("--no-axvm", action="store_true",
                    help="keep the axvm column of the last run")
    ap.add_argument("--axvmctl", help="an axvmctl binary to use instead of "
                    "building $AXVM_BUILD/user/axvmctl")
    ap.add_argument("--no-doc", action="store_true",
                    help="print the table, leave docs/ alone")
    args = ap.parse_args()
    kut = os.path.abspath(args.kut)
    if not os.path.exists(os.path.join(kut, "x86", "smptest.flat")):
        sys.exit(f"kvm-unit-tests: no x86/*.flat in {kut}: "
                 "./configure --arch=x86_64 && make there first")
    cfg = parse_cfg(kut)
    tests = select(cfg, args.tests.split(",") if args.tests else None)
    # The table lists every test; a --tests run updates only its rows.
    every = select(cfg, None) if args.tests else tests
    t0 = time.time()
    os.makedirs(OUT, exist_ok=True)
    store = os.path.join(OUT, "results.json")
    saved = json.load(open(store)) if os.path.exists(store) else {}
    res, meta = saved.get("results", {}), saved.get("meta", {})
    if not args.no_tcg:
        log(f"=== QEMU TCG baseline, {len(tests)} tests")
        t1 = time.time()
        for n, r in tcg_all(kut, tests, args.timeout).items():
            res.setdefault(n, {})["tcg"] = r
        meta["tcg_secs"] = round(time.time() - t1)
    if not args.no_axvm:
        log(f"=== axvm, {len(tests)} tests in one test host")
        t1 = time.time()
        meta["abi"], ares = axvm_all(kut, tests, args.timeout, args.axvmctl)
        for n, r in ares.items():
            res.setdefault(n, {})["axvm"] = r
        meta["axvm_secs"] = round(time.time() - t1)
        meta["axvm"] = H.run(["git", "-C", TOP, "describe", "--always",
                              "--dirty"])[1].strip()
        if args.axvmctl:
            meta["axvm"] += " with a prebuilt axvmctl (--axvmctl)"
    rc, qv = H.run(["qemu-system-x86_64", "--version"])
    meta.update({"date": time.strftime("%Y-%m-%d"), "timeout": args.timeout,
                 "qemu": qv.split()[3] if rc == 0 else "?"})
    with open(store, "w") as f:
        json.dump({"meta": meta, "results": res}, f, indent=1)
    print(table(every, res))
    if not args.no_doc:
        write_doc(kut, every, res, meta)
    log(f"wall time {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
