#!/usr/bin/env python3
"""Longest path, in instructions, through one function of an x86-64 binary.

Usage: bench/tools/cfg_longest_path.py BINARY FUNCTION [FUNCTION ...]
Input:  `objdump -d` of BINARY (GNU binutils).
Output: one line per function: "FUNCTION longest=N instructions=M".
The path counts from the function's first instruction to a `ret`, or to a jump
out of the function (a tail call, or the jump to its `.cold` part, which ends the
path and is not counted further). Exit status 1 if the function is missing or
its control-flow graph has a cycle (then no bound exists).
"""
import functools
import re
import subprocess
import sys

LINE = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
TARGET = re.compile(r"^([0-9a-f]+)\s+<")


def disassemble(binary, name):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", binary], check=True,
                         capture_output=True, text=True).stdout
    insns, inside = [], False
    for line in out.splitlines():
        if line.endswith(f"<{name}>:"):
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            m = LINE.match(line)
            if m:
                insns.append((int(m.group(1), 16), m.group(2), m.group(3)))
    return insns


def longest(insns):
    index = {addr: i for i, (addr, _, _) in enumerate(insns)}

    def successors(i):
        _, op, args = insns[i]
        if op.startswith("ret"):
            return []
        if op.startswith("j"):
            m = TARGET.match(args)
            inner = [index[int(m.group(1), 16)]] if m and int(m.group(1), 16) in index else []
            if op.startswith("jmp"):
                return inner
            return inner + ([i + 1] if i + 1 < len(insns) else [])
        if op in ("ud2", "hlt"):
            return []
        return [i + 1] if i + 1 < len(insns) else []

    on_stack = set()

    @functools.lru_cache(maxsize=None)
    def depth(i):
        if i in on_stack:
            raise ValueError("cycle")
        on_stack.add(i)
        best = 1 + max((depth(s) for s in successors(i)), default=0)
        on_stack.discard(i)
        return best

    sys.setrecursionlimit(100000)
    return depth(0)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 1
    status = 0
    for name in argv[2:]:
        insns = disassemble(argv[1], name)
        if not insns:
            print(f"{name}: not found", file=sys.stderr)
            status = 1
            continue
        try:
            print(f"{name} longest={longest(insns)} instructions={len(insns)}")
        except ValueError:
            print(f"{name}: the control-flow graph has a cycle", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
