"""Tests of scripts/zmem: argument handling, command construction, pristine
logic, the boards listing and the error messages.

zmem runs as a subprocess with PATH reduced to a temporary bin/ holding a
fake `cmake` (and, when a test wants it, a fake `ninja`). The fake cmake
appends each call (arguments and ZEPHYR_BASE) to a log, writes a
CMakeCache.txt on configure as real cmake would, and exits with the status a
test asks for. ZEPHYR_BASE is a small fake checkout with known boards.
"""
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.dirname(os.path.dirname(HERE))
ZMEM = os.path.join(CHECKOUT, "scripts", "zmem")

FAKE_CMAKE = textwrap.dedent("""\
    #!{python}
    import json, os, sys
    args = sys.argv[1:]
    with open(os.environ["FAKE_CMAKE_LOG"], "a") as f:
        f.write(json.dumps({{"argv": args, "ZEPHYR_BASE": os.environ.get("ZEPHYR_BASE")}}) + "\\n")
    if args[0] == "--build":
        if os.environ.get("FAKE_CMAKE_BUILD_SIGNAL"):
            import signal
            os.kill(os.getpid(), signal.SIGTERM)
        sys.exit(int(os.environ.get("FAKE_CMAKE_BUILD_STATUS", "0")))
    status = int(os.environ.get("FAKE_CMAKE_CONFIGURE_STATUS", "0"))
    if status:
        sys.exit(status)
    src, bld = args[args.index("-S") + 1], args[args.index("-B") + 1]
    board = [a[len("-DBOARD="):] for a in args if a.startswith("-DBOARD=")][-1]
    os.makedirs(bld, exist_ok=True)
    cache = os.path.join(bld, "CMakeCache.txt")
    if not os.path.exists(cache):
        with open(cache, "w") as f:
            f.write("# This is the CMakeCache file.\\n//Board\\nBOARD:STRING=%s\\n"
                    "CMAKE_HOME_DIRECTORY:INTERNAL=%s\\n" % (board, src))
""")


def write(path, text, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    if mode:
        os.chmod(path, mode)


class ZmemCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="zmem-cli-test-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.bin = os.path.join(self.tmp, "bin")
        self.base = os.path.join(self.tmp, "zbase")
        self.work = os.path.join(self.tmp, "work")
        self.log = os.path.join(self.tmp, "cmake.log")
        os.makedirs(self.work)
        write(os.path.join(self.bin, "cmake"), FAKE_CMAKE.format(python=sys.executable), 0o755)
        write(os.path.join(self.base, "boards", "native_sim", "board.cmake"),
              "# native_sim: the app as a host executable.\nset(ZMEM_ARCH posix)\n")
        write(os.path.join(self.base, "boards", "mps2_an385", "board.cmake"),
              "\n#\n# Cortex-M3 with an MPU, under QEMU\nset(ZMEM_ARCH arm)\n")
        write(os.path.join(self.base, "boards", "bare", "board.cmake"), "set(X 1)\n")
        os.makedirs(os.path.join(self.base, "boards", "not_a_board"))
        self.app = self.make_app("app")
        self.env = {"PATH": self.bin, "ZEPHYR_BASE": self.base, "FAKE_CMAKE_LOG": self.log,
                    "HOME": self.tmp, "LANG": "C.UTF-8"}

    def make_app(self, name):
        path = os.path.join(self.work, name)
        write(os.path.join(path, "CMakeLists.txt"), "project(app)\n")
        return path

    def add_ninja(self):
        write(os.path.join(self.bin, "ninja"), "#!/bin/sh\nexit 0\n", 0o755)

    def zmem(self, *args, **env):
        e = dict(self.env)
        for k, v in env.items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        p = subprocess.run([sys.executable, ZMEM] + list(args), cwd=self.work, env=e,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
        return p.returncode, p.stdout, p.stderr

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(line) for line in f]

    def argvs(self):
        return [c["argv"] for c in self.calls()]

    def test_export_registers_both_packages_and_removes_them(self):
        rc, out, err = self.zmem("export")
        self.assertEqual(rc, 0, err)
        registry = os.path.join(self.tmp, ".cmake", "packages")
        for package, folder in (("Zephyr", "zephyr-package"), ("Zmem", "zmem-package")):
            entries = os.listdir(os.path.join(registry, package))
            self.assertEqual(len(entries), 1)
            with open(os.path.join(registry, package, entries[0])) as f:
                self.assertEqual(f.read().strip(),
                                 os.path.join(self.base, "share", folder, "cmake"))
        rc, out, err = self.zmem("export")  # again: same entries, no duplicates
        self.assertEqual(len(os.listdir(os.path.join(registry, "Zephyr"))), 1)
        rc, out, err = self.zmem("export", "--remove")
        self.assertEqual(rc, 0, err)
        self.assertEqual(os.listdir(os.path.join(registry, "Zephyr")), [])
        self.assertEqual(os.listdir(os.path.join(registry, "Zmem")), [])
        self.assertEqual(self.calls(), [])

    def assert_one_line_error(self, rc, err, *needles):
        self.assertEqual(rc, 1)
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertTrue(err.startswith("zmem: error: "), err)
        for needle in needles:
            self.assertIn(needle, err)

    # ------------------------------------------------------------ boards

    def test_boards_lists_board_cmake_dirs_with_descriptions(self):
        rc, out, err = self.zmem("boards")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines(), [
            "bare        (no description)",
            "mps2_an385  Cortex-M3 with an MPU, under QEMU",
            "native_sim  the app as a host executable.",
        ])

    def test_boards_of_the_checkout_when_zephyr_base_is_unset(self):
        rc, out, err = self.zmem("boards", ZEPHYR_BASE=None)
        self.assertEqual(rc, 0, err)
        self.assertIn("native_sim", [line.split()[0] for line in out.splitlines()])

    # ------------------------------------------------------- build: fresh

    def test_fresh_build_configures_then_builds(self):
        self.add_ninja()
        rc, out, err = self.zmem("build", "-b", "mps2_an385", "app")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.argvs(), [
            ["-S", self.app, "-B", "build", "-G", "Ninja", "-DBOARD=mps2_an385"],
            ["--build", "build"],
        ])
        self.assertEqual([c["ZEPHYR_BASE"] for c in self.calls()], [self.base] * 2)

    def test_generator_falls_back_to_makefiles_without_ninja(self):
        rc, _, err = self.zmem("build", "-b", "native_sim", "app")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.argvs()[0][4:6], ["-G", "Unix Makefiles"])

    def test_board_defaults_to_env_then_native_sim(self):
        self.zmem("build", "app", "-d", "b1", BOARD="mps2_an385")
        self.zmem("build", "app", "-d", "b2")
        boards = [a[-1] for a in self.argvs() if a[0] == "-S"]
        self.assertEqual(boards, ["-DBOARD=mps2_an385", "-DBOARD=native_sim"])

    def test_app_defaults_to_current_directory(self):
        p = subprocess.run([sys.executable, ZMEM, "build", "-b", "native_sim"], cwd=self.app,
                           env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.argvs()[0][:4], ["-S", self.app, "-B", "build"])

    def test_extra_cmake_args_after_double_dash(self):
        rc, _, err = self.zmem("build", "-b", "native_sim", "app", "--",
                               "-DCONF_FILE=a b.conf", "-DCONFIG_X=y")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.argvs()[0][-3:],
                         ["-DBOARD=native_sim", "-DCONF_FILE=a b.conf", "-DCONFIG_X=y"])

    def test_user_generator_replaces_ours(self):
        self.zmem("build", "-b", "native_sim", "app", "--", "-GNinja Multi-Config")
        self.assertNotIn("-G", self.argvs()[0])
        self.assertIn("-GNinja Multi-Config", self.argvs()[0])

    # ----------------------------------------------------- build: reuse

    def test_rebuild_reads_app_and_board_from_cache(self):
        self.zmem("build", "-b", "mps2_an385", "app", "-d", "out")
        rc, _, err = self.zmem("build", "-d", "out", "-t", "run")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.argvs()[2:], [["--build", "out", "--target", "run"]])

    def test_rebuild_with_cmake_args_reconfigures_without_generator(self):
        self.zmem("build", "-b", "mps2_an385", "app")
        self.zmem("build", "--", "-DCONFIG_X=y")
        self.assertEqual(self.argvs()[2:], [
            ["-S", self.app, "-B", "build", "-DBOARD=mps2_an385", "-DCONFIG_X=y"],
            ["--build", "build"],
        ])

    def test_same_board_and_app_again_only_builds(self):
        self.zmem("build", "-b", "native_sim", "app")
        self.zmem("build", "-b", "native_sim", "app", "-t", "menuconfig")
        self.assertEqual(self.argvs()[2:], [["--build", "build", "--target", "menuconfig"]])

    def test_no_app_and_no_build_dir_is_an_error(self):
        rc, _, err = self.zmem("build", "-t", "run")
        self.assert_one_line_error(rc, err, "'build' is not a build directory",
                                   "zmem build -b <board> <app-dir>")
        self.assertEqual(self.calls(), [])

    # --------------------------------------------------------- pristine

    def test_other_board_without_pristine_is_refused(self):
        self.zmem("build", "-b", "native_sim", "app")
        rc, _, err = self.zmem("build", "-b", "mps2_an385", "app")
        self.assert_one_line_error(rc, err, "board 'native_sim', not 'mps2_an385'", "-p")
        self.assertEqual(len(self.calls()), 2)

    def test_other_app_without_pristine_is_refused(self):
        self.zmem("build", "-b", "native_sim", "app")
        other = self.make_app("other")
        rc, _, err = self.zmem("build", "other", "-p", "never")
        self.assert_one_line_error(rc, err, "app '{}', not '{}'".format(self.app, other), "-p")

    def test_pristine_auto_wipes_only_on_mismatch(self):
        self.zmem("build", "-b", "native_sim", "app")
        marker = os.path.join(self.work, "build", "marker")
        write(marker, "x")
        self.zmem("build", "-b", "native_sim", "app", "-p", "auto")
        self.assertTrue(os.path.exists(marker))
        rc, out, err = self.zmem("build", "-b", "mps2_an385", "app", "-p", "auto")
        self.assertEqual(rc, 0, err)
        self.assertFalse(os.path.exists(marker))
        self.assertIn("pristine", out)
        self.assertEqual(self.argvs()[-2][-1], "-DBOARD=mps2_an385")

    def test_pristine_always_wipes_and_reconfigures(self):
        self.zmem("build", "-b", "native_sim", "app")
        marker = os.path.join(self.work, "build", "marker")
        write(marker, "x")
        rc, _, err = self.zmem("build", "-p")
        self.assertEqual(rc, 0, err)
        self.assertFalse(os.path.exists(marker))
        self.assertEqual(self.argvs()[2][:4], ["-S", self.app, "-B", "build"])
        self.assertEqual(self.argvs()[2][-1], "-DBOARD=native_sim")

    def test_dash_p_followed_by_app_dir_means_always(self):
        self.zmem("build", "-b", "native_sim", "app")
        other = self.make_app("other")
        rc, _, err = self.zmem("build", "-p", "other", "-b", "native_sim")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.argvs()[2][:2], ["-S", other])

    def test_pristine_with_bad_value_and_app_is_a_usage_error(self):
        rc, _, err = self.zmem("build", "-p", "sometimes", "app")
        self.assertEqual(rc, 2)
        self.assertIn("always, auto or never", err)

    def test_pristine_refuses_a_directory_that_is_not_a_build(self):
        write(os.path.join(self.work, "notbuild", "precious.txt"), "keep me")
        rc, _, err = self.zmem("build", "-b", "native_sim", "app", "-d", "notbuild", "-p")
        self.assert_one_line_error(rc, err, "refusing to wipe", "no CMakeCache.txt")
        self.assertTrue(os.path.exists(os.path.join(self.work, "notbuild", "precious.txt")))

    def test_pristine_refuses_a_build_dir_holding_the_app(self):
        write(os.path.join(self.work, "CMakeCache.txt"), "BOARD:STRING=native_sim\n")
        rc, _, err = self.zmem("build", "-b", "native_sim", "app", "-d", ".", "-p")
        self.assert_one_line_error(rc, err, "refusing to wipe")
        self.assertTrue(os.path.isdir(self.app))

    # ------------------------------------------------- -v and --dry-run

    def test_verbose_prints_commands_shell_quoted(self):
        spaced = self.make_app("my app")
        rc, out, err = self.zmem("build", "-v", "-b", "native_sim", "my app", "--", "-DX=a b")
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        configure = ("ZEPHYR_BASE={} cmake -S {} -B build -G 'Unix Makefiles' "
                     "-DBOARD=native_sim '-DX=a b'".format(shlex.quote(self.base),
                                                          shlex.quote(spaced)))
        self.assertIn(configure, lines)
        self.assertIn("ZEPHYR_BASE={} cmake --build build".format(shlex.quote(self.base)),
                      lines)
        # what was printed is what ran
        self.assertEqual(shlex.split(configure)[2:], self.argvs()[0])

    def test_verbose_before_the_command(self):
        rc, out, _ = self.zmem("-v", "build", "-b", "native_sim", "app")
        self.assertEqual(rc, 0)
        self.assertIn("cmake --build build", out)

    def test_quiet_by_default(self):
        rc, out, _ = self.zmem("build", "-b", "native_sim", "app")
        self.assertEqual(rc, 0)
        self.assertNotIn("cmake", out)

    def test_dry_run_runs_nothing(self):
        rc, out, err = self.zmem("build", "-n", "-b", "native_sim", "app")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.calls(), [])
        self.assertEqual(len(out.splitlines()), 2)
        self.assertFalse(os.path.exists(os.path.join(self.work, "build")))

    def test_zephyr_base_defaults_to_the_checkout(self):
        rc, out, err = self.zmem("build", "-n", "-b", "native_sim", "app", ZEPHYR_BASE=None)
        self.assertEqual(rc, 0, err)
        self.assertTrue(out.startswith("ZEPHYR_BASE={} cmake ".format(shlex.quote(CHECKOUT))),
                        out)

    # ---------------------------------------------------------- status

    def test_build_failure_status_is_passed_on(self):
        rc, _, _ = self.zmem("build", "-b", "native_sim", "app", FAKE_CMAKE_BUILD_STATUS="3")
        self.assertEqual(rc, 3)

    def test_configure_failure_stops_before_build(self):
        rc, _, _ = self.zmem("build", "-b", "native_sim", "app",
                             FAKE_CMAKE_CONFIGURE_STATUS="5")
        self.assertEqual(rc, 5)
        self.assertEqual(len(self.calls()), 1)

    def test_killed_command_gives_128_plus_signal(self):
        rc, _, _ = self.zmem("build", "-b", "native_sim", "app", FAKE_CMAKE_BUILD_SIGNAL="1")
        self.assertEqual(rc, 128 + 15)

    # ------------------------------------------------------- bad input

    def test_unknown_board_lists_the_boards(self):
        rc, _, err = self.zmem("build", "-b", "nrf52", "app")
        self.assert_one_line_error(rc, err, "unknown board 'nrf52'",
                                   "bare, mps2_an385, native_sim")
        self.assertNotIn("not_a_board", err)
        self.assertEqual(self.calls(), [])

    def test_app_without_cmakelists(self):
        os.makedirs(os.path.join(self.work, "empty"))
        rc, _, err = self.zmem("build", "-b", "native_sim", "empty")
        self.assert_one_line_error(rc, err, "no CMakeLists.txt")

    def test_missing_app_dir(self):
        rc, _, err = self.zmem("build", "-b", "native_sim", "nowhere")
        self.assert_one_line_error(rc, err, "does not exist")

    def test_cmake_missing_names_the_debian_package(self):
        os.remove(os.path.join(self.bin, "cmake"))
        rc, _, err = self.zmem("build", "-b", "native_sim", "app")
        self.assert_one_line_error(rc, err, "cmake not found", "apt-get install cmake")

    def test_no_command_is_a_usage_error(self):
        rc, _, err = self.zmem()
        self.assertEqual(rc, 2)
        self.assertIn("usage: zmem", err)


if __name__ == "__main__":
    unittest.main()
