#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Print the Markdown table of zmem's Kconfig symbols used in docs/kconfig.md.

Usage: /usr/bin/python3 scripts/kconfig/symbol_table.py [--srctree <zmem>]
Input: the Kconfig tree. Output (stdout): one row per symbol in menu order, with its type,
its defaults as written in the tree (the first true one applies), its dependencies and
whether zmem implements it yet.
"""

import argparse
import os
import sys

import kconfiglib
from kconfiglib import MENU, TYPE_TO_STR, Choice, Symbol, expr_str


def cell(text):
    return text.replace("|", "\\|") or "-"


def defaults_text(item):
    parts = []
    for node in item.nodes:
        for value, cond in node.orig_defaults:
            text = expr_str(value)
            if cond is not item.kconfig.y:
                text += " if " + expr_str(cond)
            parts.append(text)
    if isinstance(item, Symbol) and not parts and item.orig_type == kconfiglib.BOOL:
        parts.append("n")
    if isinstance(item, Symbol) and item.rev_dep is not item.kconfig.n:
        parts.append("selected by " + expr_str(item.rev_dep))
    return "; ".join(parts)


def depends_text(item):
    deps = []
    for node in item.nodes:
        # Members of a choice depend on the choice itself: leave that out.
        parts = [p for p in kconfiglib.split_expr(node.dep, kconfiglib.AND)
                 if p is not item.kconfig.y and not isinstance(p, Choice)]
        if parts:
            deps.append(" && ".join(expr_str(p) for p in parts))
    return "; ".join(dict.fromkeys(deps))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--srctree", default=os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    args = p.parse_args()
    os.environ["srctree"] = args.srctree
    # Show the environment references as written rather than one board's values.
    os.environ["BOARD"] = "$(BOARD)"
    os.environ["ZMEM_64BIT"] = "$(ZMEM_64BIT)"
    kconf = kconfiglib.Kconfig(os.path.join(args.srctree, "Kconfig"), warn_to_stderr=False)
    print("| Symbol | Type | Default | Depends on | Prompt | zmem |")
    print("|---|---|---|---|---|---|")
    seen = set()
    for node in kconf.node_iter():
        item = node.item
        if not isinstance(item, (Symbol, Choice)) or item in seen:
            continue
        seen.add(item)
        if isinstance(item, Choice):
            name = "choice " + (item.name or "")
            kind = "choice"
        else:
            name = "`CONFIG_{}`".format(item.name)
            kind = TYPE_TO_STR[item.orig_type]
        prompt = next((n.prompt[0] for n in item.nodes if n.prompt), "(no prompt)")
        helptext = " ".join(n.help or "" for n in item.nodes)
        status = "not yet" if "not implemented yet" in helptext else ""
        print("| {} | {} | {} | {} | {} | {} |".format(
            name, kind, cell(defaults_text(item)), cell(depends_text(item)), cell(prompt),
            status))
    return 0


if __name__ == "__main__":
    sys.exit(main())
