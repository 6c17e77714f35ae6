"""Proof tests for zephyr_code_relocate() on the QEMU boards (issue 5).

Builds tests/relocation/app for a board, runs it under QEMU (through
scripts/ci/check-sample: the app checks its own addresses and values at run
time), then checks the ELF with arm-none-eabi-nm/readelf and the generated
tables: relocated symbols inside their region, NOCOPY without a copy entry,
and an unknown region failing at configure time.

Environment: ZMEM_RELOC_BOARD (qemu_cortex_m3 or mps2_an385), ZMEM_RELOC_BUILD
(a scratch directory). Run: python3 -m unittest test_relocation
"""
import os
import re
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
APP = os.path.join(HERE, "app")
BOARD = os.environ.get("ZMEM_RELOC_BOARD", "qemu_cortex_m3")
BUILD = os.environ.get("ZMEM_RELOC_BUILD", f"/tmp/zmem-relocation-{BOARD}")

REGIONS = {
    "qemu_cortex_m3": {"FLASH": (0x0, 256 << 10), "SRAM": (0x20000000, 64 << 10)},
    "mps2_an385": {"FLASH": (0x0, 4 << 20), "SRAM": (0x20000000, 4 << 20),
                   "SDRAM": (0x21000000, 16 << 20)},
}[BOARD]
EXT = "SDRAM" if BOARD == "mps2_an385" else "SRAM"


def symbols(elf):
    out = subprocess.run(["arm-none-eabi-nm", elf], check=True, capture_output=True,
                         text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


class RelocationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        env = dict(os.environ, ZEPHYR_BASE=ROOT)
        proc = subprocess.run([sys.executable, os.path.join(ROOT, "scripts/ci/check-sample"),
                               APP, BUILD, "--board", BOARD, "--timeout", "60"],
                              env=env, capture_output=True, text=True)
        cls.run_output = proc.stdout + proc.stderr
        cls.run_status = proc.returncode
        cls.elf = os.path.join(BUILD, "zephyr", "zephyr.elf")
        cls.frag = os.path.join(BUILD, "zephyr", "linker")

    def in_region(self, name, addr):
        base, size = REGIONS[name]
        return base <= addr < base + size

    def test_runs_and_self_checks(self):
        self.assertEqual(self.run_status, 0, self.run_output)
        self.assertIn("relocation: all checks passed", self.run_output)

    def test_nm_addresses_inside_regions(self):
        syms = symbols(self.elf)
        for name in ("reloc_sram_checksum", "reloc_sram_where", "reloc_sram_counter",
                     "reloc_sram_zeroed", "weights", "reloc_data_table", "reloc_nocopy_where"):
            self.assertTrue(self.in_region("SRAM", syms[name] & ~1), f"{name} {syms[name]:#x}")
        for name in ("reloc_ext_fib", "reloc_ext_where", "reloc_ext_data", "reloc_ext_bss"):
            self.assertTrue(self.in_region(EXT, syms[name] & ~1), f"{name} {syms[name]:#x}")
        # SRAM_DATA moves only the data: the function stays in flash.
        self.assertTrue(self.in_region("FLASH", syms["reloc_data_sum"] & ~1))
        self.assertTrue(self.in_region("FLASH", syms["main"] & ~1))

    def test_library_nokeep(self):
        syms = symbols(self.elf)
        # printk's formatter comes from zmem_cores: it runs from SRAM.
        self.assertTrue(self.in_region("SRAM", syms["cbvprintf"] & ~1), hex(syms["cbvprintf"]))
        with open(os.path.join(self.frag, "reloc_sections.ld"), encoding="utf-8") as f:
            lines = [ln for ln in f if "libzmem_cores.a:" in ln]
        self.assertTrue(lines)
        self.assertFalse(any("KEEP(" in ln for ln in lines), "NOKEEP rules must not KEEP()")
        # Unreferenced functions of the library were dropped by --gc-sections.
        self.assertNotIn("sys_heap_realloc", syms)

    def test_copy_and_zero_tables(self):
        with open(os.path.join(self.frag, "copy_table.ld"), encoding="utf-8") as f:
            copy = f.read()
        with open(os.path.join(self.frag, "zero_table.ld"), encoding="utf-8") as f:
            zero = f.read()
        self.assertIn("LOADADDR(.zmem_reloc_sram_text)", copy)
        self.assertIn("LOADADDR(.zmem_reloc_sram_data)", copy)
        self.assertIn("ADDR(.zmem_reloc_sram_bss)", zero)
        if EXT == "SDRAM":
            self.assertIn("LOADADDR(.zmem_reloc_sdram_text)", copy)
            self.assertIn("ADDR(.zmem_reloc_sdram_bss)", zero)

    def test_nocopy_has_no_copy_entry(self):
        with open(os.path.join(self.frag, "copy_table.ld"), encoding="utf-8") as f:
            self.assertNotIn("nocopy", f.read())
        with open(os.path.join(self.frag, "relocation.txt"), encoding="utf-8") as f:
            self.assertIn("nocopy .zmem_reloc_sram_text_nocopy", f.read())
        out = subprocess.run(["arm-none-eabi-objdump", "-h", self.elf], check=True,
                             capture_output=True, text=True).stdout
        m = re.search(r"\.zmem_reloc_sram_text_nocopy\s+\S+\s+(\S+)\s+(\S+)", out)
        self.assertIsNotNone(m, out)
        self.assertEqual(m.group(1), m.group(2), "NOCOPY: load address must equal run address")

    def test_unknown_region_fails_at_configure(self):
        build = BUILD + "-bad"
        shutil.rmtree(build, ignore_errors=True)
        proc = subprocess.run(["cmake", "-S", APP, "-B", build, f"-DBOARD={BOARD}",
                               "-DRELOC_BAD_REGION=CCM_TEXT"],
                              env=dict(os.environ, ZEPHYR_BASE=ROOT), capture_output=True,
                              text=True)
        self.assertNotEqual(proc.returncode, 0)
        err = re.sub(r"\s+", " ", proc.stderr)
        self.assertIn("has no memory region 'CCM'", err)
        self.assertIn("its regions are: " + ", ".join(REGIONS), err)
        shutil.rmtree(build, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
