#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: the same guest workloads through KVM and through axvm in
one QEMU test host booted from Debian's kernel, side by side, as ratios;
writes bench/results.json (bench/README.md).

  bench.py            the full run (make bench); BENCH_ROUNDS=3 etc.
                      override the sizes of BENCH_FULL
  bench.py --smoke    every workload a few hundred iterations, once per
                      side, judged like a test tier (make bench-smoke):
                      each workload must give a number through each side;
                      timings are never judged

Nothing is ever loaded into this machine's kernel.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time

from axvm_harness import (BUILD, TOP, Tally, build_initramfs, judge_run,
                          kbuild, log, parse_blocks, qemu, run, setup,
                          stock_kdir, stock_kernel)

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


def bench_boot(t, abi, sizes, name, timeout, progress=False, built=False):
    """Build (the module too unless @built: BUILD/stock has it), boot the
    stock kernel, run bench/plan-bench.sh. Returns (samples {series:
    {workload: [values]}}, units, errors, text, console, finished) or None
    when the build failed (reported to @t)."""
    if not built and not kbuild(t, f"module, Debian {abi}", stock_kdir(abi),
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
    text, con, done = qemu(name, stock_kernel(abi), initrd, timeout)
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


def tier_bench_smoke(t, abi, built=False):
    """make bench-smoke: every workload a few hundred iterations, once per
    side, so the benchmark cannot rot. Timings are never judged. @built:
    BUILD/stock/axvm.ko is already built (by make check's build tier)."""
    t.begin("bench smoke")
    got = bench_boot(t, abi, BENCH_SMOKE, "bench-smoke", timeout=600,
                     built=built)
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help="the smoke form, judged: N passed, N failed")
    args = ap.parse_args()
    t0 = time.time()
    t = Tally()
    abi, _ = setup(t, want_test_kernel=False)
    if not args.smoke:
        return bench(abi)
    tier_bench_smoke(t, abi)
    log(f"\ntotal wall time {time.time() - t0:.0f}s")
    sys.exit(0 if t.summary() else 1)


if __name__ == "__main__":
    main()
