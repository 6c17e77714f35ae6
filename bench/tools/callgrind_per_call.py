#!/usr/bin/env python3
"""Mean inclusive instructions per call, from a callgrind.out file.

Input:  callgrind_per_call.py CALLGRIND_OUT LABEL=CALLER [LABEL=CALLER...]
Output: one line per label: "LABEL calls=N inclusive_Ir=T mean=T/N".
        Exit status 1 when CALLER made no calls, 2 on usage errors.

Sums every call arc (a "calls=" line; the line after it holds the inclusive
cost of those calls) whose caller is the function CALLER. bench/heap's
wrappers (zmem_alloc, glibc_free, ...) each make exactly one call, to the
allocator's own entry point, so this is the allocator's inclusive cost per
call: from its first instruction through its ret, without the caller's call
instruction (PEERS.md's figures include about 4 more for the call).
Matching the caller, not the callee, is deliberate: Debian's mimalloc exports
mi_malloc and malloc at one address, and callgrind may name it either way.
Name compression ("fn=(12) name" once, then "fn=(12)") is resolved here.
"""
import re
import sys

NAME_RE = re.compile(r"^c?fn=\((\d+)\)(?: (.*))?$")


def parse(path, callers):
    names = {}
    events = None
    calls = {c: 0 for c in callers}
    cost = {c: 0 for c in callers}
    caller = None
    pending = False
    with open(path) as f:
        for line in f:
            if pending:
                if caller in callers:
                    cost[caller] += int(line.split()[1 + events.index("Ir")])
                pending = False
            elif line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith(("fn=", "cfn=")):
                m = NAME_RE.match(line.rstrip("\n"))
                if m is None:
                    continue
                if m.group(2) is not None:
                    names[m.group(1)] = m.group(2)
                if line.startswith("fn="):
                    caller = names.get(m.group(1))
            elif line.startswith("calls="):
                if caller in callers:
                    calls[caller] += int(line[6:].split()[0])
                pending = True
    return calls, cost


def main(argv):
    pairs = [a.split("=", 1) for a in argv[2:]]
    if len(argv) < 3 or any(len(p) != 2 for p in pairs):
        sys.stderr.write(__doc__)
        return 2
    calls, cost = parse(argv[1], {p[1] for p in pairs})
    status = 0
    for label, caller in pairs:
        n = calls[caller]
        if n == 0:
            print(f"{label} calls=0")
            status = 1
            continue
        print(f"{label} calls={n} inclusive_Ir={cost[caller]} mean={cost[caller] / n:.2f}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
