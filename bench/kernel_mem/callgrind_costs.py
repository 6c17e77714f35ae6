#!/usr/bin/env python3
"""Instructions per slab alloc+free pair, from a callgrind run of
`kernel_mem_bench --mode=callgrind` (docs/bench_kernel.md).

Input:  callgrind_costs.py CALLGRIND_OUT
Output: a table: instructions per pair for the floor (a bare intrusive free
        list), each slab with its lock, the lock's share, and the slab's own
        code (pair minus the lock), with ratios to the floor.
        Exit status 1 when an expected call arc is missing.

Costs are inclusive costs of call arcs: caller -> callee, from the callee's
first instruction through its ret. The slab's lock is the cost of the arcs
k_mem_slab_alloc/free -> arch_irq_lock/arch_irq_unlock (plus, in the SMP
build, the inlined atomic exchange and store, which stay in "own"; a baton
build has none). kernel_mem_bench_nolock and _trusting compile the slab
without its lock (no arcs), so "own code" there is the slab alone. The
floor's pop and push are non-inlined functions called the same way as the
slab's entry points.
"""
import re
import sys
from collections import defaultdict

NAME_RE = re.compile(r"^c?fn=\((\d+)\)(?: (.*))?$")


def clean(name):
    return re.sub(r"'\d+$", "", name)


def parse(path):
    names = {}
    arcs = defaultdict(lambda: [0, 0])  # (caller, callee) -> [calls, inclusive Ir]
    caller = callee = None
    pending = 0
    events = None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if pending:
                arcs[(caller, callee)][0] += pending
                arcs[(caller, callee)][1] += int(line.split()[1 + events.index("Ir")])
                pending = 0
            elif line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith(("fn=", "cfn=")):
                m = NAME_RE.match(line)
                if m.group(2) is not None:
                    names[m.group(1)] = clean(m.group(2))
                if line.startswith("fn="):
                    caller = names[m.group(1)]
                else:
                    callee = names[m.group(1)]
            elif line.startswith("calls="):
                pending = int(line.split()[0][6:])
    return arcs


def per_call(arcs, caller, callee):
    calls, cost = arcs.get((caller, callee), (0, 0))
    if calls == 0:
        sys.exit(f"callgrind_costs: no calls {caller} -> {callee}")
    return cost / calls


def lock_per_call(arcs, entry):
    calls = arcs.get(("map_alloc", entry), (0, 0))[0] + arcs.get(("word_alloc", entry), (0, 0))[0]
    calls += arcs.get(("map_free", entry), (0, 0))[0] + arcs.get(("word_free", entry), (0, 0))[0]
    lock_fns = ("arch_irq_lock", "arch_irq_unlock", "__wrap_arch_irq_lock",
                "__wrap_arch_irq_unlock")
    cost = sum(arcs.get((entry, f), (0, 0))[1] for f in lock_fns)
    return cost / calls


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    arcs = parse(sys.argv[1])
    floor = per_call(arcs, "floor_loop", "floor_alloc") + per_call(arcs, "floor_loop", "floor_free")
    lock = lock_per_call(arcs, "k_mem_slab_alloc") + lock_per_call(arcs, "k_mem_slab_free")
    print(f"{'instructions per alloc+free pair':44} {'Ir':>7} {'x floor':>8}")
    print(f"{'floor: intrusive free list':44} {floor:7.1f} {1.0:8.2f}")
    for kind, label in (("map", "DEFINE slab (bitmap)"), ("word", "init slab (check word)")):
        pair = per_call(arcs, f"{kind}_alloc", "k_mem_slab_alloc") + \
            per_call(arcs, f"{kind}_free", "k_mem_slab_free")
        print(f"{label + ', with lock':44} {pair:7.1f} {pair / floor:8.2f}")
        own = pair - lock
        print(f"{label + ', own code (minus lock)':44} {own:7.1f} {own / floor:8.2f}")
    print(f"{'of which the lock (2 lock+unlock calls)':44} {lock:7.1f}")


if __name__ == "__main__":
    main()
