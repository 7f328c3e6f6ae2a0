#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The layering check: which part of axvm may use which (docs/design.md,
"Layers"), held by the linker's view of the objects rather than by review.

From the objects of a module build (kbuild's per-file .o: module/,
module/devices/, arch/x86/, arch/x86/svm/) and axvmctl's (and libaxvm's)
objects, each
global symbol an object defines (`nm`) is mapped to its part; an object
that uses (has undefined) a symbol another part defines must be allowed
to by the table below. Symbols no object of ours defines (the kernel's,
libc's) are not our business here.

  layering.py [--objs DIR] [--user-objs DIR] [--known FILE | --no-known]
      DIR: a module build copy (default $AXVM_BUILD/stock, made by make
      check, make integration or --build), axvmctl's objects (default
      $AXVM_BUILD/axvmctl). Prints each violation as
          PART/file.o uses SYMBOL from PART/file.o
      A violation listed in FILE (default scripts/layering.known) is
      printed as a note and does not fail; a new one fails (exit 1).
  layering.py --build    first build both (incrementally; make layering)
  layering.py --uses     also list every use across parts, allowed or not
  layering.py --selftest plant violations in a set of tiny objects built
      in a temporary directory: exactly those must be reported, and
      layering.known must turn exactly the listed ones into notes (exit 0
      when the check judged the planted set right)
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BUILD = os.environ.get("AXVM_BUILD", os.path.join(TOP, "build"))
KNOWN = os.path.join(HERE, "layering.known")

# ====================================================================
# The layers. Edit here.
#
# PARTS: (part, world, directory, patterns, sources). An object belongs
# to the first part whose pattern matches its path under the directory
# (in the module build copy for the "kernel" world, in axvmctl's object
# directory for "user"). A violation names an object as
# PART/path-under-directory. An object counts only while its source (.c
# or .S) exists, next to it or under sources in the tree: a leftover of
# a removed file is ignored.
PARTS = [
    ("hal_linux", "kernel", "module", ["hal_linux.o"], "module"),
    ("glue", "kernel", "module", ["main.o"], "module"),
    ("core", "kernel", "module", ["*.o"], "module"),
    ("devices", "kernel", "module/devices", ["*.o"], "module/devices"),
    ("arch_x86", "kernel", "arch/x86", ["*.o", "**/*.o"], "arch/x86"),
    ("axvmctl", "user", ".", ["*.o"], "tools/axvmctl"),
    # tools/lib/axvm: the top Makefile builds it in $(BUILD)/lib,
    # tools/axvmctl's own in its objects' libaxvm/.
    ("libaxvm", "user", "../lib", ["*.o"], "tools/lib/axvm"),
    ("libaxvm", "user", "libaxvm", ["*.o"], "tools/lib/axvm"),
]

# Named sets of symbols the rules refer to: names, "re:" patterns, or
# "decl:HEADER": every function and object HEADER (in the build copy)
# declares at file scope.
SYMBOLS = {
    # What a device type and the core may use of each other.
    "device-api": ["decl:module/api/device.h"],
    # The core's small vCPU API (module/axvm.h, vm.h): what a backend
    # calls from vcpu_run, and what the Linux HAL's inject_irq_to_vcpu
    # needs.
    "vcpu-api": ["axvm_vcpu_pending_irq", "axvm_vcpu_ack_irq",
                 "axvm_vcpu_should_exit", "axvm_vcpu_inject",
                 "axvm_vcpu_kick", "axvm_vcpu_lookup_rcu"],
    # Guest memory through the VM's stage-2 table (module/mm.h): the
    # backend's instruction fetch, string I/O and nested page faults.
    "guest-memory": ["axvm_aspace_read", "axvm_aspace_write",
                     "axvm_aspace_is_ram", "axvm_aspace_handle_fault"],
    # The PC's interrupt controllers, timers and ACPI hardware
    # (module/devices/), which the x86 platform (arch/x86/pc.c,
    # pc_firmware.c) wires to the vCPUs.
    "pc-devices": ["decl:module/devices/lapic.h",
                   "decl:module/devices/ioapic.h",
                   "decl:module/devices/i8259.h",
                   "decl:module/devices/i8254.h",
                   "decl:module/devices/hpet.h",
                   "decl:module/devices/mc146818.h",
                   "decl:module/devices/acpi_pm.h"],
    # What a platform (module/platform.h) asks of the VM around it: stop
    # it (poweroff, reset), its RAM and devices for the firmware tables.
    "platform-api": ["axvm_vm_stop_from_guest", "axvm_aspace_iterate_regions",
                     "axvm_devset_for_each"],
    # The tracepoints of module/trace.h (the static call keys and
    # trampolines a tracepoint call site references).
    "tracepoints": [r"re:^(__tracepoint_|__SCK__tp_func_|__SCT__tp_func_)axvm_"],
}

ANY = "any"
# Who may use what: part -> {another part: ANY or [names of SYMBOLS]}.
# A part may always use itself; every use not listed is a violation.
MAY_USE = {
    # main.c wires the module together: it may use anything.
    "glue": {"core": ANY, "hal_linux": ANY, "devices": ANY, "arch_x86": ANY},
    # The core reaches the host only through struct axvm_hal_ops and the
    # hardware only through struct axvm_arch_ops (both handed to it by
    # glue): never a symbol of hal_linux or arch_x86.
    "core": {"devices": ["device-api"]},
    "devices": {"core": ["device-api"]},
    "hal_linux": {"core": ["vcpu-api"]},
    "arch_x86": {"core": ["vcpu-api", "guest-memory", "tracepoints",
                          "platform-api"],
                 "devices": ["pc-devices", "device-api"]},
    # Userspace links no kernel object.
    "axvmctl": {"libaxvm": ANY},
    "libaxvm": {},
}
# ====================================================================


def part_of_objects(kdir, udir):
    """{object path: (part, world, display name)} for every object."""
    objs = {}
    for part, world, sub, pats, srcdir in PARTS:
        root = kdir if world == "kernel" else udir
        if not root:
            continue
        base = os.path.normpath(os.path.join(root, sub))
        for pat in pats:
            for p in sorted(glob.glob(os.path.join(base, pat),
                                      recursive=True)):
                if p in objs or not os.path.isfile(p):
                    continue
                rel = os.path.relpath(p, base)
                stem = [p[:-2], os.path.join(TOP, srcdir, rel[:-2])]
                if not any(os.path.exists(s + ext) for s in stem
                           for ext in (".c", ".S")):
                    continue
                objs[p] = (part, world, f"{part}/{rel}")
    return objs


def nm(path):
    """(defined globals, undefined symbols) of one object."""
    p = subprocess.run(["nm", "-P", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode:
        sys.exit(f"layering: nm {path}: {p.stderr.strip()}")
    defs, undefs = set(), set()
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        name, typ = f[0], f[1]
        if typ in ("U", "w", "v"):
            undefs.add(name)
        elif typ.isupper():
            defs.add(name)
    return defs, undefs


def header_decls(path):
    """Names of the functions and objects @path declares at file scope."""
    with open(path) as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"^\s*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)
    top, depth = [], 0
    for ch in text:          # what is outside every { }
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            top.append(ch)
    names = set()
    for decl in "".join(top).split(";"):
        decl = " ".join(decl.split())
        if not decl or decl.startswith("typedef"):
            continue
        m = re.search(r"(\w+)\s*\(", decl)
        if m and not re.search(r"\(\s*\*", decl[:m.end() + 2]):
            names.add(m.group(1))            # a function
        elif decl.startswith("extern"):
            names.add(re.findall(r"\w+", decl)[-1])
    return names


def symbol_sets(kdir):
    """{set name: (names, [compiled patterns])}."""
    out = {}
    for name, items in SYMBOLS.items():
        names, pats = set(), []
        for it in items:
            if it.startswith("re:"):
                pats.append(re.compile(it[3:]))
            elif it.startswith("decl:"):
                h = os.path.join(kdir or "", it[5:])
                if not os.path.exists(h):
                    h = os.path.join(TOP, it[5:])
                names |= header_decls(h)
            else:
                names.add(it)
        out[name] = (names, pats)
    return out


def allowed(user, owner, sym, sets):
    """None when @user's part may not use @sym of @owner's part, else why
    it may."""
    if user == owner:
        return "own part"
    rule = MAY_USE.get(user, {}).get(owner)
    if rule is None:
        return None
    if rule == ANY:
        return "any"
    for s in rule:
        names, pats = sets[s]
        if sym in names or any(p.search(sym) for p in pats):
            return s
    return None


def analyse(kdir, udir):
    """(violations, uses): sorted lines; uses lists every use across
    parts with its verdict."""
    objs = part_of_objects(kdir, udir)
    if not any(w == "kernel" for _, w, _ in objs.values()) and kdir:
        sys.exit(f"layering: no module objects under {kdir}: build first "
                 "(make layering builds them)")
    sets = symbol_sets(kdir)
    info = {p: nm(p) for p in objs}
    definers = {}
    for p, (defs, _) in info.items():
        for s in defs:
            definers.setdefault(s, []).append(p)
    violations, uses = set(), set()
    for p, (_, undefs) in info.items():
        part, _, shown = objs[p]
        for s in sorted(undefs):
            ds = [d for d in definers.get(s, []) if d != p]
            if any(objs[d][0] == part for d in ds):
                continue        # resolved in its own part
            # The module and userspace are linked apart: a name both
            # define resolves in the user's own world.
            same = [d for d in ds if objs[d][1] == objs[p][1]]
            ds = same or ds
            for d in ds:
                line = f"{shown} uses {s} from {objs[d][2]}"
                why = allowed(part, objs[d][0], s, sets)
                uses.add(f"{line}  [{why or 'VIOLATION'}]")
                if why is None:
                    violations.add(line)
    return sorted(violations), sorted(uses)


def read_known(path):
    if not path or not os.path.exists(path):
        return []
    with open(path) as f:
        return [l.strip() for l in f
                if l.strip() and not l.lstrip().startswith("#")]


def report(violations, known, out=print):
    """Print the verdict; return the number of new violations."""
    new = [v for v in violations if v not in known]
    for v in violations:
        if v in known:
            out(f"note: known violation: {v}")
    for k in known:
        if k not in violations:
            out(f"note: no longer seen, drop it from layering.known: {k}")
    for v in new:
        out(v)
    out(f"layering: {len(violations)} violation(s), "
        f"{len(violations) - len(new)} known, {len(new)} new")
    return len(new)


# ---------------------------------------------------------------- self-test

def selftest():
    """Plant one violation of each rule, and allowed uses next to them,
    in tiny objects laid out like a module build and axvmctl's objects;
    the check must report exactly the planted violations."""
    sets = symbol_sets(TOP)

    def pick(setname, n):
        names = sorted(sets[setname][0])
        if len(names) < n:
            sys.exit(f"layering selftest: SYMBOLS[{setname!r}] has fewer "
                     f"than {n} names: adapt the self-test")
        return names[:n]

    vcpu, = pick("vcpu-api", 1)
    dev_core, dev_dev = pick("device-api", 2)
    internal, hal, arch = ("axvm_selftest_core_internal",
                           "axvm_selftest_hal", "axvm_selftest_arch")
    shared = "axvm_selftest_both_worlds"    # defined in core and libaxvm
    # path: (defines, uses)
    plan = {
        "kernel/module/vm.c": ([internal, vcpu, dev_core, shared],
                               [hal, arch, dev_dev]),
        "kernel/module/hal_linux.c": ([hal], [vcpu, internal]),
        "kernel/module/main.c": (["axvm_selftest_glue"],
                                 [internal, hal, arch, dev_dev, vcpu]),
        "kernel/module/devices/uart.c": ([dev_dev], [dev_core, internal]),
        "kernel/arch/x86/svm/run.c": ([arch], [vcpu, internal]),
        "kernel/arch/x86/decode.c": (["axvm_selftest_decode"], [arch]),
        "user/cli.c": (["main"], [internal, "printf", "axvm_selftest_lib",
                                  shared]),
        "user/libaxvm/vm.c": (["axvm_selftest_lib", shared], [arch]),
    }
    expect = sorted([
        f"core/vm.o uses {hal} from hal_linux/hal_linux.o",
        f"core/vm.o uses {arch} from arch_x86/svm/run.o",
        f"hal_linux/hal_linux.o uses {internal} from core/vm.o",
        f"devices/uart.o uses {internal} from core/vm.o",
        f"arch_x86/svm/run.o uses {internal} from core/vm.o",
        f"axvmctl/cli.o uses {internal} from core/vm.o",
        f"libaxvm/vm.o uses {arch} from arch_x86/svm/run.o",
    ])
    with tempfile.TemporaryDirectory(prefix="axvm-layering-") as tmp:
        for rel, (defs, uses) in plan.items():
            src = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(src), exist_ok=True)
            with open(src, "w") as f:
                f.writelines(f"extern void {u}(void);\n" for u in uses)
                for i, d in enumerate(defs):
                    body = " ".join(f"{u}();" for u in uses) if i == 0 else ""
                    f.write(f"void {d}(void) {{ {body} }}\n")
            rc = subprocess.run(["gcc", "-c", "-O0", "-w", "-o",
                                 src[:-2] + ".o", src]).returncode
            if rc:
                sys.exit(f"layering selftest: cannot compile {rel}")
        got, _ = analyse(os.path.join(tmp, "kernel"),
                         os.path.join(tmp, "user"))
    ok = True
    lines = []
    if got != expect:
        ok = False
        lines.append("planted violations were judged wrong:")
        lines += [f"  missed: {v}" for v in expect if v not in got]
        lines += [f"  wrongly reported: {v}" for v in got if v not in expect]
    # layering.known: a listed violation is a note, a new one still fails.
    quiet = []
    if report(got, expect[:-1], quiet.append) != 1:
        ok = False
        lines.append("a violation missing from the known list did not fail")
    if report(got, expect + ["core/x.o uses y from arch_x86/z.o"],
              quiet.append) != 0:
        ok = False
        lines.append("violations all in the known list still failed")
    print("\n".join(lines) if lines else
          f"layering selftest: the {len(expect)} planted violations were "
          "reported, nothing else; the known list works")
    return ok


# ---------------------------------------------------------------- main

def build(kdir, udir):
    """The Debian module build and axvmctl, incrementally (make layering)."""
    sys.path.insert(0, HERE)
    import axvm_harness as h
    t = h.Tally()
    t.begin("layering build")
    abi = h.install_deps()
    ok = h.kbuild(t, f"module, Debian {abi}", h.stock_kdir(abi), kdir,
                  incremental=True)
    ok = h.make_user(t, "axvmctl", "tools",
                     f"BUILD={os.path.dirname(udir)}") and ok
    t.end()
    if not ok:
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description="the layering check",
                                 epilog="see the top of scripts/layering.py")
    ap.add_argument("--objs", default=os.path.join(BUILD, "stock"))
    ap.add_argument("--user-objs", default=os.path.join(BUILD, "axvmctl"))
    ap.add_argument("--known", default=KNOWN)
    ap.add_argument("--no-known", action="store_true",
                    help="every violation fails")
    ap.add_argument("--build", action="store_true")
    ap.add_argument("--uses", action="store_true")
    ap.add_argument("--selftest", action="store_true")
    args = ap.parse_args()
    if args.selftest:
        sys.exit(0 if selftest() else 1)
    if args.build:
        build(args.objs, args.user_objs)
    violations, uses = analyse(args.objs, args.user_objs)
    if args.uses:
        print("\n".join(uses))
    known = [] if args.no_known else read_known(args.known)
    sys.exit(1 if report(violations, known) else 0)


if __name__ == "__main__":
    main()
