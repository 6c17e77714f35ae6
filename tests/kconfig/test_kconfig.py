# SPDX-License-Identifier: Apache-2.0
"""Tests of scripts/kconfig/kconfig.py (the Kconfig merge), the Kconfig tree and the UI
launchers. Run with an interpreter that imports kconfiglib:
    /usr/bin/python3 -m unittest -v test_kconfig        (from tests/kconfig)
"""

import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ZMEM = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(ZMEM, "scripts", "kconfig")
FIXTURE = os.path.join(HERE, "fixture")
BOARDS = ("native_sim", "qemu_cortex_m3", "mps2_an385")


class Run:
    """One run of kconfig.py in its own build directory."""

    def __init__(self, case, tree="zmem", board="native_sim", bits="y"):
        self.case = case
        self.dir = case.tmp
        self.kconfig = os.path.join(ZMEM, "Kconfig") if tree == "zmem" else \
            os.path.join(FIXTURE, "Kconfig")
        self.srctree = ZMEM if tree == "zmem" else FIXTURE
        self.env = ["BOARD=" + board, "ZMEM_64BIT=" + bits]
        self.config = os.path.join(self.dir, "zephyr", ".config")
        self.header = os.path.join(self.dir, "zephyr", "include", "generated", "zephyr",
                                   "autoconf.h")
        self.cmake = os.path.join(self.dir, "kconfig_values.cmake")
        self.deps = os.path.join(self.dir, "kconfig_deps.txt")

    def __call__(self, fragments=(), sets=(), extra=()):
        cmd = [sys.executable, os.path.join(SCRIPTS, "kconfig.py"),
               "--kconfig", self.kconfig, "--srctree", self.srctree]
        for e in self.env:
            cmd += ["--env", e]
        for f in fragments:
            cmd += ["--config-in", f]
        for s in sets:
            cmd += ["--set", s]
        cmd += ["--out-config", self.config, "--out-header", self.header,
                "--out-cmake", self.cmake, "--out-deps", self.deps]
        cmd += list(extra)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
        self.rc, self.out, self.err = p.returncode, p.stdout, p.stderr
        return self

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def defines(self):
        result = {}
        with open(self.header) as f:
            for line in f:
                if line.startswith("#define "):
                    _, name, value = line.rstrip("\n").split(" ", 2)
                    result[name] = value
        return result

    def error_lines(self):
        return [l for l in self.err.splitlines() if l]


class Base(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="kconfig-test-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def assertOk(self, run):
        self.assertEqual(run.rc, 0, run.err)
        self.assertEqual(run.err, "", "unexpected messages")

    def assertOneError(self, run, where, *words):
        self.assertEqual(run.rc, 1, "expected failure; stderr: " + run.err)
        lines = run.error_lines()
        self.assertEqual(len(lines), 1, run.err)
        self.assertTrue(lines[0].startswith(where + ": error: "), lines[0])
        for w in words:
            self.assertIn(w, lines[0])


class ErrorTests(Base):
    def fixture(self):
        return Run(self, tree="fixture")

    def test_unknown_symbol(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_FLAG=y\n\nCONFIG_NO_SUCH_THING=y\n")
        self.assertOneError(r([conf]), conf + ":3", "unknown symbol CONFIG_NO_SUCH_THING")

    def test_unknown_symbol_on_command_line(self):
        r = self.fixture()([], ["CONFIG_NOPE=1"])
        self.assertOneError(r, "command line (-DCONFIG_NOPE=1)", "unknown symbol")

    def test_malformed_lines(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_FLAG = y\nFLAG=y\n# a comment\n  \nCONFIG_FLAG=y\n")
        r([conf])
        self.assertEqual(r.rc, 1)
        lines = r.error_lines()
        self.assertEqual(len(lines), 2, r.err)
        self.assertTrue(lines[0].startswith(conf + ":1: error: malformed line"))
        self.assertTrue(lines[1].startswith(conf + ":2: error: malformed line"))

    def test_bool_value(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_FLAG=yes\n")
        self.assertOneError(r([conf]), conf + ":1", "bool", "'yes'")

    def test_trailing_comment_is_not_part_of_syntax(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_FLAG=y # on\n")
        self.assertOneError(r([conf]), conf + ":1", "bool")

    def test_int_value(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_COUNT=4k\n")
        self.assertOneError(r([conf]), conf + ":1", "int", "'4k'")

    def test_hex_value(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_ADDRESS=0xZZ\n")
        self.assertOneError(r([conf]), conf + ":1", "hex")

    def test_string_needs_quotes_in_files(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_NAME=abc\n")
        self.assertOneError(r([conf]), conf + ":1", "double quotes")

    def test_not_set_for_int(self):
        r = self.fixture()
        conf = r.write("prj.conf", "# CONFIG_COUNT is not set\n")
        self.assertOneError(r([conf]), conf + ":1", "only applies to bool")

    def test_out_of_range(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_COUNT=11\n")
        self.assertOneError(r([conf]), conf + ":1", "out of range", "1 and 10")

    def test_out_of_range_on_command_line(self):
        r = self.fixture()([], ["CONFIG_COUNT=0"])
        self.assertOneError(r, "command line (-DCONFIG_COUNT=0)", "out of range")

    def test_unmet_dependency_names_it(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_NEEDS_FLAG=y\n")
        self.assertOneError(r([conf]), conf + ":1", "unmet dependency", "FLAG (=n)")

    def test_dependency_met_by_later_file(self):
        r = self.fixture()
        a = r.write("a.conf", "CONFIG_NEEDS_FLAG=y\n")
        b = r.write("b.conf", "CONFIG_FLAG=y\n")
        self.assertOk(r([a, b]))
        self.assertEqual(r.defines()["CONFIG_NEEDS_FLAG"], "1")

    def test_selected_symbol_cannot_be_n(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_SELECTOR=y\nCONFIG_FORCED=n\n")
        self.assertOneError(r([conf]), conf + ":2", "selected by SELECTOR")

    def test_symbol_without_prompt(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_HIDDEN=3\n")
        self.assertOneError(r([conf]), conf + ":1", "no prompt")

    def test_choice_conflict_in_one_file(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_SIZE_SMALL=y\nCONFIG_SIZE_BIG=y\n")
        self.assertOneError(r([conf]), conf + ":2", "choice conflict", conf + ":1")

    def test_choice_later_file_wins(self):
        r = self.fixture()
        a = r.write("a.conf", "CONFIG_SIZE_BIG=y\n")
        b = r.write("b.conf", "CONFIG_SIZE_SMALL=y\n")
        self.assertOk(r([a, b]))
        d = r.defines()
        self.assertIn("CONFIG_SIZE_SMALL", d)
        self.assertNotIn("CONFIG_SIZE_BIG", d)

    def test_choice_member_cannot_be_switched_off(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_SIZE_SMALL=n\n")
        self.assertOneError(r([conf]), conf + ":1", "set another member to y")

    def test_every_problem_is_reported(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_A1=y\nCONFIG_FLAG=2\nCONFIG_COUNT=x\n")
        r([conf])
        self.assertEqual(r.rc, 1)
        self.assertEqual([l.split(": error:")[0] for l in r.error_lines()],
                         [conf + ":1", conf + ":2", conf + ":3"])

    def test_no_outputs_on_error(self):
        r = self.fixture()
        conf = r.write("prj.conf", "CONFIG_NOPE=y\n")
        r([conf])
        self.assertEqual(r.rc, 1)
        self.assertFalse(os.path.exists(r.config))
        self.assertFalse(os.path.exists(r.header))

    def test_unmet_dependency_in_zmem_tree(self):
        r = Run(self, board="qemu_cortex_m3", bits="n")
        conf = r.write("prj.conf", "CONFIG_USERSPACE=y\n")
        self.assertOneError(r([conf]), conf + ":1", "ARCH_HAS_USERSPACE (=n)")

    def test_heap_size_choice_needs_32_bit(self):
        r = Run(self, board="native_sim", bits="y")
        conf = r.write("prj.conf", "CONFIG_SYS_HEAP_SMALL_ONLY=y\n")
        self.assertOneError(r([conf]), conf + ":1", "!64BIT")

    def test_unknown_board(self):
        r = Run(self, board="no_such_board")([])
        self.assertOneError(r, "BOARD=no_such_board", "unknown board")


class MergeTests(Base):
    def test_order_defconfig_prj_extra_cli(self):
        r = Run(self, tree="fixture")
        defconfig = r.write("board_defconfig", "CONFIG_COUNT=2\nCONFIG_FLAG=y\n"
                            "CONFIG_NAME=\"board\"\n")
        prj = r.write("prj.conf", "CONFIG_COUNT=3\nCONFIG_NAME=\"prj\"\n")
        extra = r.write("extra.conf", "CONFIG_COUNT=5\n")
        self.assertOk(r([defconfig, prj, extra]))
        d = r.defines()
        self.assertEqual(d["CONFIG_COUNT"], "5")
        self.assertEqual(d["CONFIG_NAME"], '"prj"')
        self.assertEqual(d["CONFIG_FLAG"], "1")
        self.assertOk(r([defconfig, prj, extra], ["CONFIG_COUNT=9", "CONFIG_FLAG=n"]))
        d = r.defines()
        self.assertEqual(d["CONFIG_COUNT"], "9")
        self.assertNotIn("CONFIG_FLAG", d)

    def test_last_of_repeated_cli_wins(self):
        r = Run(self, tree="fixture")([], ["CONFIG_COUNT=2", "CONFIG_COUNT=6"])
        self.assertOk(r)
        self.assertEqual(r.defines()["CONFIG_COUNT"], "6")

    def test_real_tree_merge(self):
        r = Run(self)
        prj = r.write("prj.conf", "CONFIG_HEAP_MEM_POOL_SIZE=4096\nCONFIG_ASSERT=y\n")
        extra = r.write("extra.conf", "CONFIG_HEAP_MEM_POOL_SIZE=8192\n")
        defconfig = os.path.join(ZMEM, "boards", "native_sim", "native_sim_defconfig")
        self.assertOk(r([defconfig, prj, extra], ["CONFIG_SYS_HEAP_RUNTIME_STATS=y"]))
        d = r.defines()
        self.assertEqual(d["CONFIG_HEAP_MEM_POOL_SIZE"], "8192")
        self.assertEqual(d["CONFIG_SYS_HEAP_RUNTIME_STATS"], "1")
        self.assertEqual(d["CONFIG_SYS_HEAP_HARDENING_MODERATE"], "1")  # default if ASSERT

    def test_own_dotconfig_is_loaded_as_a_whole(self):
        # The build passes its own .config back when nothing else changed (menuconfig edits).
        r = Run(self)
        prj = r.write("prj.conf", "CONFIG_THREAD_NAME=y\n")
        self.assertOk(r([prj]))
        with open(r.config) as f:
            text = f.read()
        with open(r.config, "w") as f:
            f.write(text.replace("CONFIG_THREAD_MAX_NAME_LEN=32", "CONFIG_THREAD_MAX_NAME_LEN=20"))
        self.assertOk(r([r.config]))
        self.assertEqual(r.defines()["CONFIG_THREAD_MAX_NAME_LEN"], "20")


class OutputTests(Base):
    def test_string_quoting_in_header_and_cmake(self):
        r = Run(self, tree="fixture")
        prj = r.write("prj.conf", 'CONFIG_NAME="say \\"hi\\" \\\\ $HOME"\n')
        self.assertOk(r([prj]))
        self.assertEqual(r.defines()["CONFIG_NAME"], r'"say \"hi\" \\ $HOME"')
        with open(r.cmake) as f:
            self.assertIn(r'set(CONFIG_NAME "say \"hi\" \\ \$HOME")', f.read())

    def test_string_from_command_line_without_quotes(self):
        r = Run(self, tree="fixture")([], ["CONFIG_NAME=from cli"])
        self.assertOk(r)
        self.assertEqual(r.defines()["CONFIG_NAME"], '"from cli"')

    def test_header_format(self):
        r = Run(self, tree="fixture")
        prj = r.write("prj.conf", "CONFIG_FLAG=y\nCONFIG_ADDRESS=20\n")
        self.assertOk(r([prj]))
        d = r.defines()
        self.assertEqual(d["CONFIG_FLAG"], "1")
        self.assertEqual(d["CONFIG_COUNT"], "4")
        self.assertEqual(d["CONFIG_ADDRESS"], "0x20")
        self.assertNotIn("CONFIG_NEEDS_FLAG", d)
        with open(r.config) as f:
            text = f.read()
        self.assertIn("# CONFIG_NEEDS_FLAG is not set\n", text)
        self.assertIn("CONFIG_ADDRESS=0x20\n", text)

    def test_config_board_is_a_string(self):
        for board in BOARDS:
            r = Run(self, board=board, bits="y" if board == "native_sim" else "n")([])
            self.assertOk(r)
            d = r.defines()
            self.assertEqual(d["CONFIG_BOARD"], '"{}"'.format(board))
            self.assertEqual(d["CONFIG_BOARD_" + board.upper()], "1")
            with open(r.cmake) as f:
                self.assertIn('set(CONFIG_BOARD "{}")'.format(board), f.read())

    def test_outputs_not_rewritten_when_unchanged(self):
        r = Run(self)
        prj = r.write("prj.conf", "CONFIG_ASSERT=y\n")
        self.assertOk(r([prj]))
        outputs = (r.config, r.header, r.cmake, r.deps)
        old = 1000000000  # 2001: any rewrite would change it
        for path in outputs:
            os.utime(path, (old, old))
        self.assertOk(r([prj]))
        for path in outputs:
            self.assertEqual(os.stat(path).st_mtime, old, path + " was rewritten")
        r.write("prj.conf", "CONFIG_ASSERT=n\n")
        self.assertOk(r([prj]))
        self.assertNotEqual(os.stat(r.header).st_mtime, old)
        self.assertNotIn("CONFIG_ASSERT", r.defines())

    def test_deps_list_kconfig_files_and_fragments(self):
        r = Run(self)
        prj = r.write("prj.conf", "\n")
        self.assertOk(r([prj]))
        with open(r.deps) as f:
            deps = f.read().split()
        self.assertIn(os.path.join(ZMEM, "Kconfig"), deps)
        self.assertIn(os.path.join(ZMEM, "lib", "heap", "Kconfig"), deps)
        self.assertIn(prj, deps)


class TreeTests(Base):
    def test_tree_parses_without_warnings(self):
        for board in BOARDS:
            for bits in ("y", "n"):
                r = Run(self, board=board, bits=bits)([])
                self.assertOk(r)

    def test_every_board_defconfig_is_valid(self):
        for board in BOARDS:
            defconfig = os.path.join(ZMEM, "boards", board, board + "_defconfig")
            self.assertTrue(os.path.isfile(defconfig), defconfig)
            for bits in ("y", "n") if board == "native_sim" else ("n",):
                r = Run(self, board=board, bits=bits)([defconfig])
                self.assertOk(r)

    def test_board_facts(self):
        expect = {
            "native_sim": {"CONFIG_ARCH_POSIX": "1", "CONFIG_ARCH": '"posix"'},
            "qemu_cortex_m3": {"CONFIG_ARM": "1", "CONFIG_CPU_CORTEX_M3": "1",
                               "CONFIG_SRAM_SIZE": "64", "CONFIG_SYS_HEAP_SMALL_ONLY": "1"},
            "mps2_an385": {"CONFIG_ARM": "1", "CONFIG_ARM_MPU": "1", "CONFIG_SRAM_SIZE": "4096",
                           "CONFIG_MPU_REQUIRES_POWER_OF_TWO_ALIGNMENT": "1",
                           "CONFIG_ARM_MPU_REGION_MIN_ALIGN_AND_SIZE": "32",
                           "CONFIG_SYS_HEAP_AUTO": "1"},
        }
        for board, values in expect.items():
            defconfig = os.path.join(ZMEM, "boards", board, board + "_defconfig")
            r = Run(self, board=board, bits="n")([defconfig])
            self.assertOk(r)
            d = r.defines()
            for name, value in values.items():
                self.assertEqual(d.get(name), value, "{} on {}".format(name, board))

    def test_64bit_comes_from_environment(self):
        d = Run(self, bits="y")([]).defines()
        self.assertEqual(d.get("CONFIG_64BIT"), "1")
        self.assertNotIn("CONFIG_SYS_HEAP_AUTO", d)
        d = Run(self, bits="n")([]).defines()
        self.assertNotIn("CONFIG_64BIT", d)
        self.assertEqual(d.get("CONFIG_SYS_HEAP_AUTO"), "1")  # 64 MiB of SRAM: not small

    def test_api_symbols_are_defined(self):
        # Every option of API.md section 1.8 and the seed, and those the build needs.
        import kconfiglib
        os.environ["srctree"] = ZMEM
        os.environ["BOARD"] = "native_sim"
        kconf = kconfiglib.Kconfig(os.path.join(ZMEM, "Kconfig"), warn_to_stderr=False)
        names = """BOARD BOARD_NATIVE_SIM BOARD_QEMU_CORTEX_M3 BOARD_MPS2_AN385 ARCH_POSIX ARM
            CPU_CORTEX_M3 CPU_HAS_MPU ARM_MPU 64BIT SRAM_SIZE SYS_CLOCK_TICKS_PER_SEC
            SYS_CLOCK_HW_CYCLES_PER_SEC MULTITHREADING NUM_PREEMPT_PRIORITIES
            NUM_COOP_PRIORITIES MAIN_STACK_SIZE MAIN_THREAD_PRIORITY THREAD_NAME
            THREAD_MAX_NAME_LEN SMP MP_MAX_NUM_CPUS ASSERT ASSERT_LEVEL ASSERT_VERBOSE
            ASSERT_ON_ERRORS NO_RUNTIME_CHECKS PRINTK KERNEL_MEM_POOL HEAP_MEM_POOL_SIZE
            HEAP_MEM_POOL_IGNORE_MIN HEAP_MEM_POOL_ADD_SIZE_BOARD SYS_HEAP_VALIDATE
            SYS_HEAP_RUNTIME_STATS SYS_HEAP_INFO SYS_HEAP_STRESS SYS_HEAP_LISTENER
            SYS_HEAP_ARRAY_SIZE SYS_HEAP_ALLOC_LOOPS SYS_HEAP_SMALL_ONLY SYS_HEAP_BIG_ONLY
            SYS_HEAP_AUTO SYS_HEAP_HARDENING_NONE SYS_HEAP_HARDENING_BASIC
            SYS_HEAP_HARDENING_MODERATE SYS_HEAP_HARDENING_FULL SYS_HEAP_HARDENING_EXTREME
            MULTI_HEAP SHARED_MULTI_HEAP SYS_MEM_BLOCKS SYS_MEM_BLOCKS_RUNTIME_STATS
            SYS_MEM_BLOCKS_LISTENER MEM_SLAB_TRACE_MAX_UTILIZATION MEM_SLAB_POINTER_VALIDATE
            USERSPACE MAX_DOMAIN_PARTITIONS EXECUTE_XOR_WRITE
            MPU_REQUIRES_POWER_OF_TWO_ALIGNMENT MPU_REQUIRES_NON_OVERLAPPING_REGIONS
            ARM_MPU_REGION_MIN_ALIGN_AND_SIZE MPU_STACK_GUARD MPU_GAP_FILLING
            CODE_DATA_RELOCATION CODE_DATA_RELOCATION_SRAM DYNAMIC_OBJECTS TEST ZTEST""".split()
        for name in names:
            sym = kconf.syms.get(name)
            self.assertTrue(sym is not None and sym.nodes, name + " is not defined")
            self.assertTrue(all(node.help for node in sym.nodes
                                if node.prompt or node is sym.nodes[-1]),
                            name + " has no help text")

    def test_every_symbol_has_help(self):
        import kconfiglib
        os.environ["srctree"] = ZMEM
        kconf = kconfiglib.Kconfig(os.path.join(ZMEM, "Kconfig"), warn_to_stderr=False)
        for sym in kconf.unique_defined_syms:
            self.assertTrue(any(node.help for node in sym.nodes), sym.name + " has no help")


    def test_docs_list_every_symbol(self):
        import kconfiglib
        os.environ["srctree"] = ZMEM
        kconf = kconfiglib.Kconfig(os.path.join(ZMEM, "Kconfig"), warn_to_stderr=False)
        with open(os.path.join(ZMEM, "docs", "kconfig.md")) as f:
            docs = f.read()
        for sym in kconf.unique_defined_syms:
            self.assertIn("`CONFIG_{}`".format(sym.name), docs,
                          "docs/kconfig.md lacks CONFIG_{}: regenerate its table with "
                          "scripts/kconfig/symbol_table.py".format(sym.name))


class LauncherTests(Base):
    def launch(self, tool, config, stdin=subprocess.DEVNULL):
        cmd = [sys.executable, os.path.join(SCRIPTS, tool + ".py"),
               "--kconfig", os.path.join(ZMEM, "Kconfig"), "--srctree", ZMEM,
               "--env", "BOARD=native_sim", "--env", "ZMEM_64BIT=y", "--config", config]
        return subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)

    def test_guiconfig_without_tk_says_so(self):
        try:
            import tkinter  # noqa: F401
        except ImportError:
            r = Run(self)([])
            p = self.launch("guiconfig", r.config)
            self.assertEqual(p.returncode, 1)
            self.assertIn("python3-tk", p.stderr)
        else:
            self.skipTest("tkinter is present")

    def test_missing_config(self):
        p = self.launch("menuconfig", os.path.join(self.tmp, "nope", ".config"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("configure the build first", p.stderr)

    def test_menuconfig_edits_and_saves(self):
        import pty
        import select
        import time
        r = Run(self)([])
        self.assertOk(r)
        pid, fd = pty.fork()
        if pid == 0:
            os.environ["TERM"] = "xterm"
            cmd = [sys.executable, os.path.join(SCRIPTS, "menuconfig.py"),
                   "--kconfig", os.path.join(ZMEM, "Kconfig"), "--srctree", ZMEM,
                   "--env", "BOARD=native_sim", "--env", "ZMEM_64BIT=y", "--config", r.config]
            os.execv(sys.executable, cmd)

        def drain(seconds, until=None):
            """Read the screen for up to `seconds`, or until `until` appears in it."""
            seen = b""
            end = time.time() + seconds
            while time.time() < end:
                ready, _, _ = select.select([fd], [], [], 0.05)
                if ready:
                    try:
                        seen += os.read(fd, 65536)
                    except OSError:
                        break
                    if until is not None and until in seen:
                        break
            return seen

        self.assertIn(b"zmem configuration", drain(30, until=b"zmem configuration"))
        # Search for the symbol, jump to it, toggle it, quit and confirm saving.
        for keys in (b"/", b"SYS_HEAP_VALIDATE", b"\n", b" ", b"Q", b"y"):
            os.write(fd, keys)
            drain(0.5)
        deadline = time.time() + 30
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.time() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                self.fail("menuconfig did not exit")
            drain(0.2)
        os.close(fd)
        self.assertEqual(status, 0)
        with open(r.config) as f:
            text = f.read()
        self.assertIn("CONFIG_SYS_HEAP_VALIDATE=y\n", text)
        self.assertTrue(text.startswith("# Generated by zmem"))
        # The build then loads the edited .config as a whole.
        self.assertOk(r([r.config]))
        self.assertEqual(r.defines().get("CONFIG_SYS_HEAP_VALIDATE"), "1")


if __name__ == "__main__":
    unittest.main()
