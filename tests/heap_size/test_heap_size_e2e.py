#!/usr/bin/env python3
"""End to end: a traced application sized by `zmem heap-size`, then rebuilt at the sizes
the tool reported (no allocation fails) and, heap by heap, 8 bytes below (that heap fails).

Inputs:  --board B --work DIR [--timeout S] [-- extra cmake args for the app]
         The app is tests/apps/heap_size_demo: three heaps (_system_heap, msg_heap,
         raw_heap) whose sizes come from CONFIG_HEAP_MEM_POOL_SIZE, APP_MSG_HEAP_SIZE and
         APP_RAW_HEAP_SIZE; it prints "heap_size_demo: failures system=N msg=N raw=N".
Steps:   1. build at generous sizes (nothing fails), `zmem heap-size -d` runs and sizes it:
            every heap must be sized, its replay checked against the original results;
         2. rebuild at the reported sizes: no failure, and the tool, run again, reports
            the same minimum sizes (headroom 0);
         3. for each heap, rebuild with that heap 8 bytes smaller: that heap, and only that
            one, has failures (the tool's search made sure min - 8 fails its replay, and the
            replay is exact up to the first failure).
Output:  the commands and their output; exit status 0 when every check holds, 1 otherwise.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APP = os.path.join(ROOT, "tests", "apps", "heap_size_demo")
ZMEM = os.path.join(ROOT, "scripts", "zmem")
HEAPS = {"_system_heap": ("CONFIG_HEAP_MEM_POOL_SIZE", "system"),
         "msg_heap": ("APP_MSG_HEAP_SIZE", "msg"),
         "raw_heap": ("APP_RAW_HEAP_SIZE", "raw")}
SUMMARY_ROW = re.compile(r"^\s+(\S+)\s+(\d+)\s+(\d+)\s+([+-]\d+)\s+(\d+)\s*$")


class Failure(Exception):
    pass


def run(cmd, env, timeout):
    print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, timeout=timeout, text=True,
                          errors="replace")
    shown = [line for line in proc.stdout.splitlines() if "#zht " not in line]
    print("\n".join(shown), flush=True)
    return proc.returncode, proc.stdout


def configure_and_build(a, env, sizes):
    defs = ["-D{}={}".format(HEAPS[h][0], n) for h, n in sorted(sizes.items())]
    status, _ = run(["cmake", "-S", APP, "-B", a.build, "-G", "Ninja", "-DBOARD=" + a.board]
                    + a.cmake_args + defs, env, a.timeout)
    if status != 0:
        raise Failure("configure failed")
    status, _ = run(["cmake", "--build", a.build], env, a.timeout)
    if status != 0:
        raise Failure("build failed")


def size_with_tool(a, env):
    """Runs `zmem heap-size -d`; returns {heap: (original, minimum)} and the report."""
    status, out = run([sys.executable, ZMEM, "heap-size", "-d", a.build], env, a.timeout)
    if status != 0:
        raise Failure("zmem heap-size exited with {}".format(status))
    rows = {}
    in_summary = False
    for line in out.splitlines():
        if line.startswith("summary (bytes):"):
            in_summary = True
            continue
        m = SUMMARY_ROW.match(line) if in_summary else None
        if m:
            rows[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    if set(rows) != set(HEAPS):
        raise Failure("the summary names {} instead of {}".format(sorted(rows), sorted(HEAPS)))
    checks = len(re.findall(r"check: replayed at the original size, all \d+ results match",
                            out))
    if checks != len(HEAPS):
        raise Failure("{} of {} heaps replayed exactly at their original size"
                      .format(checks, len(HEAPS)))
    return rows


def failures_of_run(a, env):
    """Runs the app; returns ({system, msg, raw: failures}, exit status)."""
    status, out = run(["cmake", "--build", a.build, "--target", "run"], env, a.timeout)
    m = re.search(r"heap_size_demo: failures system=(\d+) msg=(\d+) raw=(\d+)", out)
    if not m:
        raise Failure("the app printed no failure counts")
    return dict(zip(("system", "msg", "raw"), map(int, m.groups()))), status


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--board", default="native_sim")
    ap.add_argument("--work", required=True)
    ap.add_argument("--timeout", type=int, default=300)
    argv = sys.argv[1:]
    cmake_args = argv[argv.index("--") + 1:] if "--" in argv else []
    a = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    a.cmake_args = cmake_args
    a.build = os.path.join(a.work, "build")
    env = dict(os.environ, ZEPHYR_BASE=ROOT)
    env.pop("BOARD", None)
    shutil.rmtree(a.work, ignore_errors=True)
    try:
        generous = {h: 8192 for h in HEAPS}
        configure_and_build(a, env, generous)
        rows = size_with_tool(a, env)
        minimum = {h: rows[h][1] for h in HEAPS}
        print("== reported minimum sizes: {}".format(minimum), flush=True)

        configure_and_build(a, env, minimum)
        fails, status = failures_of_run(a, env)
        if any(fails.values()) or status != 0:
            raise Failure("at the reported sizes: failures {}, exit {}".format(fails, status))
        again = size_with_tool(a, env)
        if {h: again[h][1] for h in HEAPS} != minimum:
            raise Failure("sizing the run at the minimum sizes gave {}".format(again))

        for heap, (_, key) in sorted(HEAPS.items()):
            smaller = dict(minimum, **{heap: minimum[heap] - 8})
            configure_and_build(a, env, smaller)
            fails, status = failures_of_run(a, env)
            others = {k: v for k, v in fails.items() if k != key}
            if fails[key] == 0 or any(others.values()) or status == 0:
                raise Failure("{} at {} bytes: failures {}, exit {}; expected failures in "
                              "{} only".format(heap, smaller[heap], fails, status, key))
            print("== {} at {} bytes (minimum - 8): {} failure(s), as expected"
                  .format(heap, smaller[heap], fails[key]), flush=True)
    except (Failure, subprocess.TimeoutExpired) as e:
        print("FAIL: {}".format(e))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
