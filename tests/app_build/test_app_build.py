"""End-to-end tests of zmem's application build (cmake/zephyr_app.cmake).

Each test writes a small Zephyr-style app into a scratch directory outside the
repository and drives cmake exactly as a user would.
"""
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = ["-G", "Ninja"] if shutil.which("ninja") else []

CMAKELISTS = """\
cmake_minimum_required(VERSION 3.20.0)
find_package({pkg} REQUIRED HINTS $ENV{{{env}}})
project(test_app LANGUAGES C)
target_sources(app PRIVATE src/main.c)
"""

MAIN = """\
#include <zephyr/kernel.h>
int main(void)
{
	printk("board=%s pool=%d ret=%d\\n", CONFIG_BOARD, CONFIG_HEAP_MEM_POOL_SIZE, RET);
	return RET;
}
"""


class AppBuildTest(unittest.TestCase):
    def setUp(self):
        base = os.environ.get("ZMEM_TEST_TMP") or tempfile.gettempdir()
        os.makedirs(base, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix="app-", dir=base)
        self.app = os.path.join(self.dir, "app")
        self.build = os.path.join(self.dir, "build")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write_app(self, prj="CONFIG_HEAP_MEM_POOL_SIZE=1024\n", ret=0, pkg="Zephyr",
                  env="ZEPHYR_BASE", main=MAIN, extra_files=None):
        os.makedirs(os.path.join(self.app, "src"), exist_ok=True)
        with open(os.path.join(self.app, "CMakeLists.txt"), "w") as f:
            f.write(CMAKELISTS.format(pkg=pkg, env=env))
        with open(os.path.join(self.app, "prj.conf"), "w") as f:
            f.write(prj)
        with open(os.path.join(self.app, "src", "main.c"), "w") as f:
            f.write(main.replace("RET", str(ret)))
        for name, text in (extra_files or {}).items():
            path = os.path.join(self.app, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)

    def cmake(self, *args, env=None, board=None):
        e = dict(os.environ, ZEPHYR_BASE=ROOT)
        e.pop("BOARD", None)
        if env:
            e.update(env)
        cmd = ["cmake", "-S", self.app, "-B", self.build, *GEN, *args]
        if board:
            cmd.append(f"-DBOARD={board}")
        return subprocess.run(cmd, env=e, capture_output=True, text=True)

    def build_target(self, target=None):
        cmd = ["cmake", "--build", self.build]
        if target:
            cmd += ["--target", target]
        return subprocess.run(cmd, capture_output=True, text=True)

    def autoconf(self):
        with open(os.path.join(self.build, "zephyr", "include", "generated", "zephyr",
                               "autoconf.h")) as f:
            return f.read()

    def configure_ok(self, *args, **kw):
        r = self.cmake(*args, **kw)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def test_build_and_run_default_board(self):
        self.write_app(ret=0)
        self.configure_ok()
        r = self.build_target()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        exe = os.path.join(self.build, "zephyr", "zephyr.exe")
        self.assertTrue(os.access(exe, os.X_OK))
        out = subprocess.run([exe], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        self.assertIn("board=native_sim pool=1024 ret=0", out.stdout)
        self.assertEqual(self.build_target("run").returncode, 0)
        with open(os.path.join(self.build, "zephyr", ".config")) as f:
            self.assertIn("CONFIG_HEAP_MEM_POOL_SIZE=1024", f.read())
        self.assertIn('#define CONFIG_BOARD "native_sim"', self.autoconf())

    def test_main_return_value_is_exit_status(self):
        self.write_app(ret=7)
        self.configure_ok()
        self.assertEqual(self.build_target().returncode, 0)
        exe = os.path.join(self.build, "zephyr", "zephyr.exe")
        self.assertEqual(subprocess.run([exe], capture_output=True).returncode, 7)
        r = self.build_target("run")
        self.assertNotEqual(r.returncode, 0, "run must fail when main() returns nonzero")

    def test_find_package_zmem_with_zmem_base(self):
        self.write_app(pkg="Zmem", env="ZMEM_BASE")
        r = self.cmake(env={"ZMEM_BASE": ROOT, "ZEPHYR_BASE": ""})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.build_target().returncode, 0)

    def export(self, home, *extra):
        env = dict(os.environ, HOME=home)
        env.pop("ZEPHYR_BASE", None)
        r = subprocess.run([os.path.join(ROOT, "scripts", "zmem"), "export", *extra], env=env,
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_missing_zephyr_base(self):
        home = os.path.join(self.dir, "home")
        os.makedirs(home)
        self.write_app()
        # Nothing registered: CMake itself says it cannot find the Zephyr package.
        r = self.cmake(env={"HOME": home, "ZEPHYR_BASE": ""})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Zephyr", r.stderr)
        # After `zmem export` an unset ZEPHYR_BASE is fine, as with Zephyr's west.
        self.export(home)
        shutil.rmtree(self.build)
        r = self.cmake(env={"HOME": home, "ZEPHYR_BASE": ""})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("ZEPHYR_BASE is not set; using " + ROOT, r.stdout)
        # A ZEPHYR_BASE that is not a zmem checkout: one line naming the fix.
        shutil.rmtree(self.build)
        r = self.cmake(env={"HOME": home, "ZEPHYR_BASE": self.dir})
        self.assertNotEqual(r.returncode, 0)
        # One message; CMake wraps long lines between any two words when it prints them.
        self.assertRegex(" ".join(r.stderr.split()),
                         r"ZEPHYR_BASE=\S+ is not a zmem checkout; set ZEPHYR_BASE=" + ROOT)
        self.export(home, "--remove")
        self.assertEqual(os.listdir(os.path.join(home, ".cmake", "packages", "Zephyr")), [])

    def test_board_from_environment_and_unknown_board(self):
        self.write_app()
        r = self.cmake(env={"BOARD": "no_such_board"})
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stderr, r"unknown BOARD 'no_such_board'; boards: .*native_sim")

    def test_board_flag_beats_environment(self):
        self.write_app()
        self.configure_ok(env={"BOARD": "no_such_board"}, board="native_sim")

    def test_merge_order(self):
        # board defconfig < prj.conf < boards/<board>.conf < EXTRA_CONF_FILE < -DCONFIG_
        self.write_app(prj="CONFIG_HEAP_MEM_POOL_SIZE=100\nCONFIG_SYS_HEAP_ALLOC_LOOPS=5\n"
                           "CONFIG_ASSERT=y\n",
                       extra_files={"extra.conf": "CONFIG_HEAP_MEM_POOL_SIZE=200\n"
                                                  "CONFIG_SYS_HEAP_ALLOC_LOOPS=6\n",
                                    "boards/native_sim.conf": "CONFIG_SYS_HEAP_ALLOC_LOOPS=4\n"
                                                              "CONFIG_ASSERT=n\n"})
        self.configure_ok("-DEXTRA_CONF_FILE=extra.conf", "-DCONFIG_HEAP_MEM_POOL_SIZE=300")
        h = self.autoconf()
        self.assertIn("#define CONFIG_HEAP_MEM_POOL_SIZE 300", h)
        self.assertIn("#define CONFIG_SYS_HEAP_ALLOC_LOOPS 6", h)
        self.assertNotIn("#define CONFIG_ASSERT 1", h)

    def test_conf_file_replaces_prj_conf(self):
        self.write_app(prj="CONFIG_HEAP_MEM_POOL_SIZE=100\n",
                       extra_files={"other.conf": "CONFIG_HEAP_MEM_POOL_SIZE=4096\n"})
        self.configure_ok("-DCONF_FILE=other.conf")
        self.assertIn("#define CONFIG_HEAP_MEM_POOL_SIZE 4096", self.autoconf())

    def test_unknown_symbol_names_file_and_line(self):
        self.write_app(prj="CONFIG_HEAP_MEM_POOL_SIZE=64\n\nCONFIG_NO_SUCH_OPTION=y\n")
        r = self.cmake()
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stdout + r.stderr, r"prj\.conf:3: error: .*NO_SUCH_OPTION")

    def test_bad_value_names_file_and_line(self):
        self.write_app(prj="CONFIG_HEAP_MEM_POOL_SIZE=lots\n")
        r = self.cmake()
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stdout + r.stderr, r"prj\.conf:1: error: .*HEAP_MEM_POOL_SIZE")

    def test_malformed_line(self):
        self.write_app(prj="this is not kconfig\n")
        r = self.cmake()
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stdout + r.stderr, r"prj\.conf:1: error")

    def test_bad_command_line_value(self):
        self.write_app()
        r = self.cmake("-DCONFIG_HEAP_MEM_POOL_SIZE=abc")
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stdout + r.stderr, r"command line.*error")

    def test_compile_error_shows_compiler_message(self):
        self.write_app(main="int main(void) { return undeclared_thing; }\n")
        self.configure_ok()
        r = self.build_target()
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stdout + r.stderr, r"main\.c:1:\d+: error: .undeclared_thing")
        self.assertNotIn("CMake Error", r.stdout + r.stderr)

    def test_menuconfig_edit_survives_reconfigure(self):
        self.write_app()
        self.configure_ok()
        targets = subprocess.run(["cmake", "--build", self.build, "--target", "help"],
                                 capture_output=True, text=True).stdout
        for t in ("run", "menuconfig", "guiconfig"):
            self.assertRegex(targets, rf"\b{t}\b")
        # What menuconfig does: rewrite .config. Unchanged inputs keep the edit.
        dotconfig = os.path.join(self.build, "zephyr", ".config")
        with open(dotconfig) as f:
            text = f.read()
        with open(dotconfig, "w") as f:
            f.write(re.sub(r"CONFIG_HEAP_MEM_POOL_SIZE=\d+", "CONFIG_HEAP_MEM_POOL_SIZE=2048",
                           text))
        self.configure_ok()
        self.assertIn("#define CONFIG_HEAP_MEM_POOL_SIZE 2048", self.autoconf())
        # Changing prj.conf starts again from the inputs.
        with open(os.path.join(self.app, "prj.conf"), "w") as f:
            f.write("CONFIG_HEAP_MEM_POOL_SIZE=512\n")
        self.configure_ok()
        self.assertIn("#define CONFIG_HEAP_MEM_POOL_SIZE 512", self.autoconf())

    def test_system_heap_presence_follows_kconfig(self):
        uses_malloc = ("#include <zephyr/kernel.h>\n"
                       "int main(void) { void *p = k_malloc(8); k_free(p); return p ? 0 : 1; }\n")
        # Pool size 0: no system heap, so k_malloc does not link (k_free alone does).
        self.write_app(prj="CONFIG_HEAP_MEM_POOL_SIZE=0\n", main=uses_malloc)
        self.configure_ok()
        r = self.build_target()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("k_malloc", r.stdout + r.stderr)
        # With a pool it links and runs.
        shutil.rmtree(self.build)
        self.write_app(prj="CONFIG_HEAP_MEM_POOL_SIZE=256\n", main=uses_malloc)
        self.configure_ok()
        self.assertEqual(self.build_target("run").returncode, 0)
        # KERNEL_MEM_POOL=n leaves out the whole family, k_free included.
        shutil.rmtree(self.build)
        self.write_app(prj="CONFIG_KERNEL_MEM_POOL=n\n",
                       main="#include <zephyr/kernel.h>\nint main(void) { k_free(0); return 0; }\n")
        self.configure_ok()
        r = self.build_target()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("k_free", r.stdout + r.stderr)

    def test_optimization_level_follows_kconfig(self):
        # GCC predefines __OPTIMIZE__ at -O1 and above, __OPTIMIZE_SIZE__ at -Os only, and
        # the app's sources get the same flag as zmem's.
        level = ("#include <zephyr/kernel.h>\n"
                 "int main(void)\n{\n"
                 "#if defined(__OPTIMIZE_SIZE__)\n\tprintk(\"opt=size\\n\");\n"
                 "#elif defined(__OPTIMIZE__)\n\tprintk(\"opt=on\\n\");\n"
                 "#else\n\tprintk(\"opt=none\\n\");\n#endif\n\treturn 0;\n}\n")
        for prj, expected in (("", "opt=size"), ("CONFIG_SPEED_OPTIMIZATIONS=y\n", "opt=on"),
                              ("CONFIG_DEBUG_OPTIMIZATIONS=y\n", "opt=on"),
                              ("CONFIG_NO_OPTIMIZATIONS=y\n", "opt=none")):
            shutil.rmtree(self.build, ignore_errors=True)
            self.write_app(prj=prj, main=level)
            self.configure_ok()
            self.assertEqual(self.build_target().returncode, 0)
            out = subprocess.run([os.path.join(self.build, "zephyr", "zephyr.exe")],
                                 capture_output=True, text=True)
            self.assertIn(expected, out.stdout, prj or "default")

    def test_code_relocate_is_a_reported_noop_on_native_sim(self):
        self.write_app(prj="CONFIG_CODE_DATA_RELOCATION=y\n")
        with open(os.path.join(self.app, "CMakeLists.txt"), "a") as f:
            f.write("zephyr_code_relocate(FILES src/main.c LOCATION SRAM)\n"
                    "zephyr_code_relocate(FILES src/main.c LOCATION SRAM_DATA)\n")
        r = self.configure_ok()
        self.assertIn("no-op on native_sim", r.stdout)


if __name__ == "__main__":
    unittest.main()
