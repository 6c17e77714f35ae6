#!/usr/bin/env python3
"""Generate the build-time linker-script fragments of a Cortex-M image.

Reads the section names of every compiled object (arm-none-eabi-readelf -SW on
the image's static libraries) and writes, into --out-dir:
  reloc_sections.ld  output sections for zephyr_code_relocate() requests
  iterable_rom.ld    one output section per read-only zmem_it_<type> section
  iterable_ram.ld    one output section per writable zmem_it_<type> section
  app_smem.ld        one aligned region per K_APPMEM_PARTITION_DEFINE partition
                     (app_smem.py)
  copy_table.ld      {run address, load address, bytes} entries to copy at boot
  zero_table.ld      {run address, bytes} entries to zero at boot
  relocation.txt     a readable report: every relocated input section, and
                     every copy/zero entry (tests read it)

Inputs:
  --readelf PATH           arm-none-eabi-readelf
  --archive PATH           a static library of the image (repeatable)
  --requests PATH          one request per line, fields separated by '|':
                           LOCATION|COPY or NOCOPY|KEEP or NOKEEP|FILES or LIBRARY|items
                           (items separated by ';': source paths, or one archive path)
  --regions "A B C"        the board's memory regions; the first holds code
Exit status: 0, or 1 with a message naming the request that cannot be honoured.
Python standard library only.
"""
import argparse
import os
import re
import subprocess
import sys

import app_smem

KINDS = ("TEXT", "RODATA", "DATA", "BSS")
KIND_PREFIX = {"TEXT": ".text", "RODATA": ".rodata", "DATA": ".data", "BSS": ".bss"}


class Section:
    def __init__(self, name, stype, flags):
        self.name = name
        self.nobits = stype == "NOBITS"
        self.flags = flags


def read_archive(readelf, path):
    """Return {member: [Section]} for one archive (or a single object)."""
    out = subprocess.run([readelf, "-SW", path], check=True, capture_output=True,
                         text=True).stdout
    members, current = {}, os.path.basename(path)
    file_rx = re.compile(r"^File: .*\((.+)\)$")
    sec_rx = re.compile(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+\S+\s+\S+\s+\S+\s+\S+\s*(\S*)")
    for line in out.splitlines():
        m = file_rx.match(line)
        if m:
            current = m.group(1)
            members.setdefault(current, [])
            continue
        m = sec_rx.match(line)
        if m and m.group(1) != "NULL":
            flags = m.group(3) if re.fullmatch(r"[A-Za-z]+", m.group(3) or "") else ""
            members.setdefault(current, []).append(Section(m.group(1), m.group(2), flags))
    return members


def kind_of(name):
    for kind, prefix in KIND_PREFIX.items():
        if name == prefix or name.startswith(prefix + "."):
            return kind
    return None


def parse_location(location, regions):
    """'SRAM' -> ('SRAM', all kinds); 'SRAM2_DATA_BSS' -> ('SRAM2', [DATA, BSS])."""
    parts = location.split("_")
    kinds = []
    while len(parts) > 1 and parts[-1] in KINDS:
        kinds.insert(0, parts.pop())
    region = "_".join(parts)
    if region not in regions:
        raise ValueError(f"region '{region}' (from LOCATION {location}) is not a memory "
                         f"region of this board; regions: {', '.join(regions)}")
    return region, kinds or list(KINDS)


def member_for(source, archives):
    """Find the archive member compiled from `source` (CMake names it <file>.obj/.o)."""
    base = os.path.basename(source)
    hits = [(a, m) for a, members in archives.items() for m in members
            if m in (base + ".obj", base + ".o")]
    if not hits:
        raise ValueError(f"no compiled object for {source} in the image's libraries")
    if len(hits) > 1:
        where = ", ".join(f"{os.path.basename(a)}:{m}" for a, m in hits)
        raise ValueError(f"{source} is ambiguous: several objects are named after it ({where})")
    return hits[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readelf", required=True)
    ap.add_argument("--archive", action="append", default=[])
    ap.add_argument("--requests", required=True)
    ap.add_argument("--regions", required=True)
    ap.add_argument("--out-dir", required=True)
    a = ap.parse_args()

    regions = a.regions.split()
    code_region = regions[0]
    archives = {path: read_archive(a.readelf, path) for path in a.archive}

    # groups: (region, kind, copy, keep) -> [(archive, member, [section names])]
    groups, order = {}, []
    taken = set()
    with open(a.requests, encoding="utf-8") as f:
        requests = [line.rstrip("\n") for line in f if line.strip()]
    for req in requests:
        location, copy, keep, form, items = req.split("|", 4)
        try:
            region, kinds = parse_location(location, regions)
            if form == "LIBRARY":
                lib = items.split(";")[0]
                targets = [(lib, m) for m in archives.get(lib, {})]
            else:
                targets = [member_for(s, archives) for s in items.split(";") if s]
        except ValueError as e:
            print(f"zephyr_code_relocate: {e}", file=sys.stderr)
            return 1
        for kind in kinds:
            if region == code_region and kind in ("DATA", "BSS"):
                print(f"zephyr_code_relocate: LOCATION {location}: {kind.lower()} cannot run "
                      f"from {code_region}, the read-only code region", file=sys.stderr)
                return 1
            key = (region, kind, copy == "COPY", keep == "KEEP")
            for archive, member in targets:
                names = [s.name for s in archives[archive][member]
                         if kind_of(s.name) == kind and (archive, member, s.name) not in taken]
                if not names:
                    continue
                taken.update((archive, member, n) for n in names)
                if key not in groups:
                    groups[key] = []
                    order.append(key)
                groups[key].append((archive, member, names))

    reloc, copies, zeros, report = [], [], [], []
    for region, kind, copy, keep in order:
        sec = f".zmem_reloc_{region.lower()}_{kind.lower()}" + ("" if copy else "_nocopy") + \
            ("" if keep else "_nokeep")
        lines = []
        for archive, member, names in groups[(region, kind, copy, keep)]:
            pattern = f"*{os.path.basename(archive)}:{member}({' '.join(names)})"
            lines.append(f"\t\t{'KEEP(' + pattern + ')' if keep else pattern}")
            report.extend(f"section {region} {kind} {os.path.basename(archive)}:{member} {n}"
                          for n in names)
        body = "\n".join(lines)
        if kind == "BSS":
            reloc.append(f"\t{sec} (NOLOAD) : ALIGN(4)\n\t{{\n{body}\n\t\t. = ALIGN(4);\n"
                         f"\t}} > {region}\n")
            zeros.append(f"\t\tLONG(ADDR({sec})) LONG(SIZEOF({sec}))")
            report.append(f"zero {sec}")
        elif region == code_region or not copy:
            # Runs where it is loaded: nothing to copy (NOCOPY, or code region).
            # AT> the same region, or ld would give it the previous section's LMA region.
            reloc.append(f"\t{sec} : ALIGN(4)\n\t{{\n{body}\n\t\t. = ALIGN(4);\n"
                         f"\t}} > {region} AT> {region}\n")
            report.append(f"nocopy {sec}")
        else:
            reloc.append(f"\t{sec} : ALIGN(4)\n\t{{\n{body}\n\t\t. = ALIGN(4);\n"
                         f"\t}} > {region} AT> {code_region}\n")
            copies.append(f"\t\tLONG(ADDR({sec})) LONG(LOADADDR({sec})) LONG(SIZEOF({sec}))")
            report.append(f"copy {sec}")

    # Iterable sections: named after their type, a C identifier, so GNU ld
    # defines __start_<name> and __stop_<name> around each output section.
    it_rom, it_ram = {}, {}
    for members in archives.values():
        for sections in members.values():
            for s in sections:
                if s.name.startswith("zmem_it_"):
                    (it_ram if "W" in s.flags else it_rom)[s.name] = True
    rom = [f"\t{n} :\n\t{{\n\t\tKEEP(*({n}))\n\t}} > {code_region}\n" for n in sorted(it_rom)]
    ram = []
    for n in sorted(it_ram):
        ram.append(f"\t{n} : ALIGN(4)\n\t{{\n\t\tKEEP(*({n}))\n\t\t. = ALIGN(4);\n"
                   f"\t}} > SRAM AT> {code_region}\n")
        copies.insert(0, f"\t\tLONG(ADDR({n})) LONG(LOADADDR({n})) LONG(SIZEOF({n}))")

    smem, smem_copies, smem_zeros = app_smem.arm_fragment(
        app_smem.collect(a.readelf, a.archive), code_region)
    copies.extend(smem_copies)
    zeros.extend(smem_zeros)

    os.makedirs(a.out_dir, exist_ok=True)
    outputs = {
        "reloc_sections.ld": reloc, "iterable_rom.ld": rom, "iterable_ram.ld": ram,
        "app_smem.ld": [smem] if smem else [],
        "copy_table.ld": copies, "zero_table.ld": zeros,
        "relocation.txt": report,
    }
    for name, lines in outputs.items():
        text = "\n".join(lines) + "\n" if lines else ""
        if name.endswith(".ld"):
            text = "/* Generated by scripts/relocate/gen_sections.py. Do not edit. */\n" + text
        with open(os.path.join(a.out_dir, name), "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
