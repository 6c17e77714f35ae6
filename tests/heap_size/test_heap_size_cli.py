"""Tests of `scripts/zmem heap-size` on hand-written logs: the report, the tool's width for a
32-bit trace, and the error messages (docs/heap_trace.md, docs/cli.md).

The CLI builds tools/heap_size with the real cmake, once, into a cache directory
(XDG_CACHE_HOME points into a temporary directory shared by the tests of this file).
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.dirname(os.path.dirname(HERE))
ZMEM = os.path.join(CHECKOUT, "scripts", "zmem")
PTR = struct.calcsize("P")

# One heap of 4096 bytes: a 100-byte block, a request that failed, a free.
LOG = """booting
#zht init v1 1000 2000 4096 {ptr} auto 0 - -
app: hello
#zht alloc 1000 100 a010
#zht alloc 1000 5000 0
#zht free 1000 a010
""".format(ptr=PTR)


def m32_works():
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "p.c")
        with open(src, "w") as f:
            f.write("int main(void) { return 0; }\n")
        return subprocess.run([cc, "-m32", src, "-o", os.path.join(tmp, "p")],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0


class HeapSizeCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="zmem-heap-size-cli-")
        cls.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(cls.tmp, "cache"),
                       ZEPHYR_BASE=CHECKOUT)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def zmem(self, *args, cwd=None):
        return subprocess.run([sys.executable, ZMEM, "heap-size"] + list(args),
                              env=self.env, cwd=cwd or self.tmp, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=600)

    def write_log(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_sizes_a_log(self):
        r = self.zmem(self.write_log("ok.log", LOG))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("4 trace records, 1 heap", r.stdout)
        self.assertIn("heap heap@1000 (1000), init at line 2: 4096 bytes at 2000", r.stdout)
        self.assertIn("2 requests (1 failed), 1 free\n", r.stdout)
        self.assertIn("check: not verified (the trace's pointers do not lie in its buffer",
                      r.stdout)
        self.assertIn("note: the 1 request that failed in the original run was replayed; "
                      "1 allocation stays live to the end", r.stdout)
        self.assertRegex(r.stdout, r"\n  heap@1000 +4096 +\d+ +-\d+ +1\n")
        self.assertIn("{}-bit engine".format(8 * PTR), r.stdout)

    def test_32bit_trace_gets_a_32bit_engine(self):
        if PTR != 8 or not m32_works():
            self.skipTest("needs a 64-bit host with gcc-multilib")
        r = self.zmem(self.write_log("m32.log", LOG.replace(" 8 auto", " 4 auto")))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("replay: 32-bit engine, layout auto, runtime stats off, for a 32-bit "
                      "trace: exact", r.stdout)

    def test_malformed_log(self):
        path = self.write_log("bad.log", LOG.replace("alloc 1000 100", "alloc 1000 1o0"))
        r = self.zmem(path)
        self.assertEqual(r.returncode, 2)
        self.assertIn("heap_size: {}:4: field BYTES: '1o0' is not a decimal number"
                      .format(path), r.stderr)

    def test_log_without_records(self):
        path = self.write_log("none.log", "hello\nworld\n")
        r = self.zmem(path)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no heap trace records", r.stderr)
        self.assertIn("CONFIG_SYS_HEAP_TRACE=y", r.stderr)

    def test_missing_log(self):
        r = self.zmem(os.path.join(self.tmp, "nope.log"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("zmem: error: log '{}' does not exist"
                      .format(os.path.join(self.tmp, "nope.log")), r.stderr)

    def test_no_build_directory(self):
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty, exist_ok=True)
        r = self.zmem("-d", empty)
        self.assertEqual(r.returncode, 1)
        self.assertIn("zmem: error: '{}' is not a build directory".format(empty), r.stderr)


if __name__ == "__main__":
    unittest.main()
