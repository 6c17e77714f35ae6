#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Merge Kconfig fragments the way Zephyr does and write the build's configuration.

Inputs
  --kconfig FILE     top of the Kconfig tree (zmem's Kconfig)
  --srctree DIR      directory that `source` paths in the tree are relative to
  --env NAME=VALUE   environment for $(NAME) references in the tree (BOARD, ZMEM_64BIT, ...)
  --config-in FILE   configuration fragments, merged in the order given: the board's
                     defconfig, then prj.conf (or CONF_FILE), then each EXTRA_CONF_FILE.
                     When FILE is the --out-config file itself, it is a complete .config
                     from an earlier run (possibly edited with menuconfig) and is loaded
                     as such: every symbol may appear in it, without the checks below.
  --set CONFIG_X=V   command-line assignments (-DCONFIG_X=V), applied last

Outputs (each written only when its contents change, so builds do not redo work)
  --out-config FILE  the full .config
  --out-header FILE  autoconf.h: `#define CONFIG_X 1` for y, numbers as they are, strings
                     quoted; symbols that are n are left out
  --out-cmake FILE   the same values as CMake `set(CONFIG_X "value")` commands (n symbols
                     are not set)
  --out-deps FILE    every Kconfig file read and every fragment, one absolute path per line,
                     for CMake's re-run dependencies

A later assignment overrides an earlier one. Problems stop the merge with exit status 1 and
one line each on stderr, `<file>:<line>: error: <reason>` (`command line (-DCONFIG_X=V):
error: ...` for --set): an unknown symbol, a malformed line, a value of the wrong type or
out of range, two members of one choice set to y in the same file, and a final assignment
that did not take effect (unmet dependency, no prompt, forced by a select, choice).

Run it with an interpreter that imports kconfiglib (Debian: python3-kconfiglib, under
/usr/bin/python3).
"""

import argparse
import os
import re
import sys

try:
    import kconfiglib
except ImportError:
    sys.exit("error: {} cannot import kconfiglib: run this script with /usr/bin/python3 "
             "or install Debian's python3-kconfiglib".format(sys.executable))

from kconfiglib import BOOL, HEX, INT, STRING, TRISTATE, AND, expr_str, expr_value

ASSIGN_RE = re.compile(r"CONFIG_([A-Za-z0-9_]+)=(.*)")
UNSET_RE = re.compile(r"# CONFIG_([A-Za-z0-9_]+) is not set")
INT_RE = re.compile(r"[-+]?[0-9]+")
HEX_RE = re.compile(r"(0[xX])?[0-9a-fA-F]+")
STRING_RE = re.compile(r'"((?:[^"\\]|\\.)*)"')

TYPE_NAME = {BOOL: "bool", TRISTATE: "tristate", INT: "int", HEX: "hex", STRING: "string"}


class Assignment:
    """One `CONFIG_X=value` from a fragment or the command line."""

    def __init__(self, where, name, value, text):
        self.where = where      # "file:line" or "command line (-DCONFIG_X=...)"
        self.name = name        # symbol name without CONFIG_
        self.value = value      # value in kconfiglib's form (strings unquoted)
        self.text = text        # value as written, for messages
        self.sym = None
        self.source = None      # the fragment path, or None for the command line


class Merge:
    def __init__(self, kconf):
        self.kconf = kconf
        self.errors = []
        self.last = {}            # symbol name -> its last Assignment
        self.last_choice_y = {}   # Choice -> last Assignment of one of its members to y

    def error(self, where, reason):
        self.errors.append("{}: error: {}".format(where, reason))

    # ---- parsing and type checks -------------------------------------------------

    def check_value(self, sym, raw, where, from_cli):
        """Return the value in kconfiglib's form, or None after reporting an error."""
        if sym.orig_type in (BOOL, TRISTATE):
            if raw in ("y", "n"):
                return raw
            self.error(where, "CONFIG_{} is a bool: the value must be y or n, not '{}'"
                       .format(sym.name, raw))
            return None
        if sym.orig_type == INT:
            if INT_RE.fullmatch(raw):
                return str(int(raw, 10))
            self.error(where, "CONFIG_{} is an int: '{}' is not a decimal number"
                       .format(sym.name, raw))
            return None
        if sym.orig_type == HEX:
            if HEX_RE.fullmatch(raw):
                return "0x" + raw[2:] if raw[:2].lower() == "0x" else "0x" + raw
            self.error(where, "CONFIG_{} is a hex: '{}' is not a hexadecimal number"
                       .format(sym.name, raw))
            return None
        if sym.orig_type == STRING:
            m = STRING_RE.fullmatch(raw)
            if m:
                return kconfiglib.unescape(m.group(1))
            if from_cli and '"' not in raw:
                return raw  # the shell ate the quotes of -DCONFIG_X="text"
            self.error(where, 'CONFIG_{} is a string: write it in double quotes, '
                       'e.g. CONFIG_{}="text" (inner " and \\ escaped with \\)'
                       .format(sym.name, sym.name))
            return None
        self.error(where, "CONFIG_{} has no type in the Kconfig tree".format(sym.name))
        return None

    def lookup(self, name, where):
        sym = self.kconf.syms.get(name)
        if sym is None or not sym.nodes:
            self.error(where, "unknown symbol CONFIG_{}: no Kconfig file defines it "
                       "(see docs/kconfig.md for the list)".format(name))
            return None
        return sym

    def read_fragment(self, path):
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except OSError as e:
            self.error(path, "cannot read configuration file: {}".format(e.strerror))
            return
        choice_y_here = {}
        for number, line in enumerate(lines, 1):
            where = "{}:{}".format(path, number)
            text = line.strip()
            if not text:
                continue
            m = UNSET_RE.fullmatch(text)
            if m:
                raw = "n"
            elif text.startswith("#"):
                continue
            else:
                m = ASSIGN_RE.fullmatch(text)
                if not m:
                    self.error(where, "malformed line '{}': expected CONFIG_<NAME>=<value>, "
                               "'# CONFIG_<NAME> is not set', a comment or a blank line"
                               .format(text))
                    continue
                raw = m.group(2).rstrip()
            name = m.group(1)
            sym = self.lookup(name, where)
            if sym is None:
                continue
            if UNSET_RE.fullmatch(text) and sym.orig_type not in (BOOL, TRISTATE):
                self.error(where, "'# CONFIG_{} is not set' only applies to bool symbols; "
                           "CONFIG_{} is {}".format(name, name, TYPE_NAME[sym.orig_type]))
                continue
            value = self.check_value(sym, raw, where, from_cli=False)
            if value is None:
                continue
            a = Assignment(where, name, value, raw)
            a.sym = sym
            a.source = path
            if sym.choice is not None and value == "y":
                other = choice_y_here.get(sym.choice)
                if other is not None and other.sym is not sym:
                    self.error(where, "choice conflict: CONFIG_{}=y and CONFIG_{}=y ({}) are "
                               "both members of the choice '{}'; set only one of them to y"
                               .format(name, other.name, other.where, choice_name(sym.choice)))
                    continue
                choice_y_here[sym.choice] = a
            self.apply(a)

    def read_cli(self, text):
        where = "command line (-D{})".format(text)
        m = ASSIGN_RE.fullmatch(text)
        if not m:
            self.error(where, "expected -DCONFIG_<NAME>=<value>")
            return
        sym = self.lookup(m.group(1), where)
        if sym is None:
            return
        value = self.check_value(sym, m.group(2), where, from_cli=True)
        if value is None:
            return
        a = Assignment(where, m.group(1), value, m.group(2))
        a.sym = sym
        self.apply(a)

    def apply(self, a):
        # Setting a choice member to y also makes it the choice's user selection, so a
        # later file's member overrides an earlier file's, as in Zephyr.
        a.sym.set_value(a.value)
        self.last[a.name] = a
        if a.sym.choice is not None and a.value == "y":
            self.last_choice_y[a.sym.choice] = a

    # ---- checks on the final values ----------------------------------------------

    def check_final(self):
        for a in self.last.values():
            sym = a.sym
            if sym.choice is not None:
                self.check_choice_member(a)
            elif sym.orig_type in (BOOL, TRISTATE):
                if sym.str_value != a.value:
                    self.error(a.where, "CONFIG_{}={} did not take effect (the value is {}): {}"
                               .format(a.name, a.text, sym.str_value, self.why_bool(sym, a)))
            else:
                self.check_valued(a)

    def check_choice_member(self, a):
        sym, choice = a.sym, a.sym.choice
        if a.value == "y":
            if self.last_choice_y.get(choice) is not a:
                return  # a later file chose another member
            if choice.selection is sym:
                return
            if not choice.visibility:
                reason = unmet_reason("the choice '{}'".format(choice_name(choice)),
                                      choice_dep(choice))
            elif not sym.visibility:
                reason = unmet_reason("CONFIG_" + sym.name, node_dep(sym))
            else:
                reason = "the choice '{}' ended up with CONFIG_{}".format(
                    choice_name(choice), choice.selection.name if choice.selection else "none")
            self.error(a.where, "CONFIG_{}=y did not take effect: {}".format(a.name, reason))
        elif sym.str_value != "n":
            self.error(a.where, "CONFIG_{}=n did not take effect: it is the selected member "
                       "of the choice '{}'; set another member to y instead"
                       .format(a.name, choice_name(choice)))

    def why_bool(self, sym, a):
        if a.value == "n":
            if expr_value(sym.rev_dep):
                return "it is selected by {}".format(true_terms(sym.rev_dep))
            return "it is forced on by the Kconfig tree"
        if not has_prompt(sym):
            return no_prompt_reason(sym)
        if not sym.visibility:
            return unmet_reason("CONFIG_" + sym.name, node_dep(sym))
        return "the Kconfig tree limits it to {}".format(sym.str_value)

    def check_valued(self, a):
        sym = a.sym
        if not has_prompt(sym):
            self.error(a.where, "CONFIG_{}={} did not take effect: {}"
                       .format(a.name, a.text, no_prompt_reason(sym)))
            return
        if not sym.visibility:
            self.error(a.where, "CONFIG_{}={} did not take effect: {}"
                       .format(a.name, a.text, unmet_reason("CONFIG_" + sym.name,
                                                            node_dep(sym))))
            return
        bounds = active_range(sym)
        if bounds is not None:
            base = 16 if sym.orig_type == HEX else 10
            low, high, low_text, high_text = bounds
            if not low <= int(a.value, base) <= high:
                self.error(a.where, "CONFIG_{}={} is out of range: it must be between {} and {}"
                           .format(a.name, a.text, low_text, high_text))
                return
        if sym.str_value != a.value:
            self.error(a.where, "CONFIG_{}={} did not take effect (the value is '{}')"
                       .format(a.name, a.text, sym.str_value))


# ---- helpers on kconfiglib objects ------------------------------------------------------

def choice_name(choice):
    for node in choice.nodes:
        if node.prompt:
            return node.prompt[0]
    return choice.name or "<choice>"


def has_prompt(sym):
    return any(node.prompt for node in sym.nodes)


def node_dep(sym):
    """What a symbol's visibility needs: its dependencies and its prompt's condition."""
    deps = []
    for node in sym.nodes:
        if node.prompt:
            deps.append(node.prompt[1])
    return deps


def choice_dep(choice):
    return [node.prompt[1] for node in choice.nodes if node.prompt] or [choice.direct_dep]


def true_terms(expr):
    """The OR-terms of a select expression that are currently true, as text."""
    terms = []
    stack = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, tuple) and e[0] == kconfiglib.OR:
            stack.extend([e[2], e[1]])
        elif expr_value(e):
            terms.append(expr_str(e, sc_expr_str))
    return ", ".join(terms)


def sc_expr_str(sc):
    if isinstance(sc, kconfiglib.Symbol) and not sc.is_constant:
        return "{} (={})".format(sc.name, sc.str_value)
    return kconfiglib.standard_sc_expr_str(sc)


def unmet_reason(what, deps):
    """Name the false factors of the (AND-ed) dependencies."""
    missing = []
    for dep in deps:
        for factor in kconfiglib.split_expr(dep, AND):
            if not expr_value(factor):
                text = expr_str(factor, sc_expr_str)
                if text not in missing:
                    missing.append(text)
    if not missing:
        return "{} is not visible in this configuration".format(what)
    return "unmet dependency: {} depends on {}".format(what, " && ".join(missing))


def no_prompt_reason(sym):
    return ("CONFIG_{} has no prompt, so no configuration file may set it; its value comes "
            "from the Kconfig tree (board, selects, defaults)".format(sym.name))


def active_range(sym):
    for low, high, cond in sym.ranges:
        if expr_value(cond):
            base = 16 if sym.orig_type == HEX else 10
            try:
                lo = int(low.str_value, base)
                hi = int(high.str_value, base)
            except ValueError:
                return None
            return lo, hi, low.str_value, high.str_value
    return None


# ---- outputs -----------------------------------------------------------------------

def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return False
    except OSError:
        pass
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    return True


def written_values(kconf):
    """(name, type, value) of every symbol that .config holds with a value other than n."""
    for sym in kconf.unique_defined_syms:
        if not sym.config_string:
            continue
        value = sym.str_value
        if sym.orig_type in (BOOL, TRISTATE) and value == "n":
            continue
        yield sym.name, sym.orig_type, value


def header_text(kconf):
    lines = ["/* Generated by zmem scripts/kconfig/kconfig.py; do not edit. */"]
    for name, typ, value in written_values(kconf):
        if typ in (BOOL, TRISTATE):
            value = "1"
        elif typ == STRING:
            value = '"{}"'.format(kconfiglib.escape(value))
        elif typ == HEX and not value.lower().startswith("0x"):
            value = "0x" + value
        lines.append("#define CONFIG_{} {}".format(name, value))
    return "\n".join(lines) + "\n"


def cmake_quote(value):
    return '"{}"'.format(value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$"))


def cmake_text(kconf):
    lines = ["# Generated by zmem scripts/kconfig/kconfig.py; do not edit.",
             "# Symbols that are n are not set."]
    for name, _, value in written_values(kconf):
        lines.append("set(CONFIG_{} {})".format(name, cmake_quote(value)))
    return "\n".join(lines) + "\n"


CONFIG_HEADER = "# Generated by zmem scripts/kconfig/kconfig.py; edit with menuconfig.\n"


# ---- main ----------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description="Merge Kconfig fragments (Zephyr order) and "
                                "write .config, autoconf.h and CMake values.")
    p.add_argument("--kconfig", required=True)
    p.add_argument("--srctree", required=True)
    p.add_argument("--config-in", action="append", default=[])
    p.add_argument("--set", action="append", default=[], dest="sets")
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--out-config", required=True)
    p.add_argument("--out-header", required=True)
    p.add_argument("--out-cmake")
    p.add_argument("--out-deps")
    return p.parse_args(argv)


def set_environment(srctree, env):
    os.environ["srctree"] = os.path.abspath(srctree)
    # kconfiglib reads these: keep the user's shell settings out of the build.
    for name in ("KCONFIG_CONFIG_HEADER", "KCONFIG_AUTOHEADER_HEADER", "KCONFIG_WARN_UNDEF",
                 "KCONFIG_WARN_UNDEF_ASSIGN", "KCONFIG_STRICT"):
        os.environ.pop(name, None)
    for item in env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            return "error: --env {}: expected NAME=value".format(item)
        os.environ[name] = value
    return None


def load_kconfig(path):
    try:
        kconf = kconfiglib.Kconfig(path, warn_to_stderr=False)
    except kconfiglib.KconfigError as e:
        return None, str(e).strip()
    except OSError as e:
        return None, "{}: error: {}".format(path, e.strerror or e)
    return kconf, None


def check_board(kconf, merge):
    board = os.environ.get("BOARD", "")
    if not board or not any(n.startswith("BOARD_") for n in kconf.syms):
        return  # no board given, or a tree without boards (the tests' fixture)
    name = "BOARD_" + re.sub(r"[^A-Za-z0-9]", "_", board).upper()
    sym = kconf.syms.get(name)
    if sym is None or not sym.nodes:
        merge.error("BOARD={}".format(board), "unknown board '{}': there is no "
                    "boards/{}/Kconfig.board in {}".format(board, board,
                                                          os.environ["srctree"]))


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    problem = set_environment(args.srctree, args.env)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    kconf, problem = load_kconfig(args.kconfig)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    for warning in kconf.warnings:
        print("warning: " + warning.replace("\n", " "), file=sys.stderr)

    merge = Merge(kconf)
    check_board(kconf, merge)
    out_config = os.path.realpath(args.out_config)
    full_configs = []
    for path in args.config_in:
        if os.path.exists(path) and os.path.realpath(path) == out_config:
            # The build's own .config: complete, possibly edited with menuconfig.
            kconf.warnings = []
            kconf.load_config(path, replace=False)
            full_configs.append(path)
            for warning in kconf.warnings:
                print("warning: " + warning.replace("\n", " "), file=sys.stderr)
        else:
            merge.read_fragment(path)
    for text in args.sets:
        merge.read_cli(text)
    if not merge.errors:
        merge.check_final()
    if merge.errors:
        for line in merge.errors:
            print(line, file=sys.stderr)
        return 1

    directory = os.path.dirname(args.out_config)
    if directory:
        os.makedirs(directory, exist_ok=True)
    kconf.write_config(args.out_config, CONFIG_HEADER, save_old=False)
    write_if_changed(args.out_header, header_text(kconf))
    if args.out_cmake:
        write_if_changed(args.out_cmake, cmake_text(kconf))
    if args.out_deps:
        deps = [os.path.join(os.environ["srctree"], f) if not os.path.isabs(f) else f
                for f in kconf.kconfig_filenames]
        deps += [os.path.abspath(p) for p in args.config_in if p not in full_configs]
        write_if_changed(args.out_deps, "\n".join(dict.fromkeys(deps)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
