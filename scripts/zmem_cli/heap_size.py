"""`zmem heap-size`: how big must each heap be? (docs/heap_trace.md)

Inputs: a log holding a heap trace (an application built with CONFIG_SYS_HEAP_TRACE=y
prints one), or a build directory whose `run` target prints one; ZEPHYR_BASE.
Steps:
  1. without LOG, run `cmake --build BUILD_DIR --target run`, show its output and keep
     it in BUILD_DIR/heap_trace.log (a nonzero exit of the app is reported, not fatal:
     failed allocations are what is being sized away);
  2. pick the tool's pointer width: a 32-bit trace (a Cortex-M board) gets a -m32 build
     when the host compiler can make one, so the replay runs the engine exactly as traced;
  3. build tools/heap_size if needed (cmake; under BUILD_DIR/heap_size_tool[-m32] when -d
     is given, else under the user's cache directory);
  4. run it on the log, with --elf BUILD_DIR/zephyr/zephyr.{exe,elf} to name the heaps.
Output: the tool's report; exit status: the tool's (0: every heap sized).
"""
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile

from .boards import zephyr_base
from .build import DEFAULT_BUILD_DIR, read_cache
from .errors import ZmemError
from .runner import Runner, quote, require_program

LOG_NAME = "heap_trace.log"


def trace_pointer_sizes(log_path):
    """The PTR fields of the log's init records, as a set of ints."""
    sizes = set()
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            at = line.find("#zht init ")
            if at < 0:
                continue
            fields = line[at:].split()
            # #zht init v1 HEAP MEM BYTES PTR ...
            if len(fields) > 6 and fields[6].isdigit():
                sizes.add(int(fields[6]))
    return sizes


def can_build_m32(work_dir):
    """True if the host C compiler links a -m32 program (gcc-multilib)."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return False
    os.makedirs(work_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        src = os.path.join(tmp, "probe.c")
        with open(src, "w") as f:
            f.write("#include <stdio.h>\nint main(void) { return printf(\"\") ; }\n")
        proc = subprocess.run([cc, "-m32", src, "-o", os.path.join(tmp, "probe")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return proc.returncode == 0


def cache_root(base):
    """Where tools built for this checkout live when no build directory is given."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    tag = hashlib.sha1(os.path.realpath(base).encode()).hexdigest()[:12]
    return os.path.join(root, "zmem", "heap_size-" + tag)


def run_captured(runner, argv, env=None):
    """Runs argv, returns (status, output) with stderr merged; echoes under -v."""
    if runner.verbose:
        print(quote(argv), flush=True)
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=env, stdin=subprocess.DEVNULL)
    except OSError as e:
        raise ZmemError("cannot run {}: {}".format(argv[0], e.strerror))
    return proc.returncode, proc.stdout.decode("utf-8", errors="replace")


def build_tool(runner, base, tool_dir, m32):
    """Configures (once) and builds tools/heap_size in tool_dir; returns the executable."""
    require_program("cmake")
    source = os.path.join(base, "tools", "heap_size")
    if not os.path.isfile(os.path.join(source, "CMakeLists.txt")):
        raise ZmemError("no tools/heap_size in ZEPHYR_BASE {} (is it a zmem checkout?)"
                        .format(base))
    if read_cache(tool_dir) is None:
        configure = ["cmake", "-S", source, "-B", tool_dir]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        configure.append("-DHEAP_SIZE_M32=" + ("ON" if m32 else "OFF"))
        status, out = run_captured(runner, configure)
        if status != 0:
            raise ZmemError("configuring tools/heap_size in '{}' failed:\n{}"
                            .format(tool_dir, out.rstrip()))
    status, out = run_captured(runner, ["cmake", "--build", tool_dir])
    if status != 0:
        raise ZmemError("building tools/heap_size in '{}' failed:\n{}"
                        .format(tool_dir, out.rstrip()))
    return os.path.join(tool_dir, "heap_size")


def image_of(build_dir):
    for name in ("zephyr.exe", "zephyr.elf"):
        path = os.path.join(build_dir, "zephyr", name)
        if os.path.isfile(path):
            return path
    return None


def run_app(runner, build_dir):
    """Runs the build's `run` target; returns the path of the saved log."""
    if read_cache(build_dir) is None:
        raise ZmemError("'{}' is not a build directory (no CMakeCache.txt); build the app "
                        "with CONFIG_SYS_HEAP_TRACE=y first, or give a LOG".format(build_dir))
    require_program("cmake")
    argv = ["cmake", "--build", build_dir, "--target", "run"]
    runner.note("running the app: " + quote(argv))
    status, out = run_captured(runner, argv)
    # The app's own output is shown; its trace records go to the log only.
    records = 0
    for line in out.splitlines(True):
        if "#zht " in line:
            records += 1
        else:
            sys.stdout.write(line)
    log_path = os.path.join(build_dir, LOG_NAME)
    with open(log_path, "w", encoding="utf-8") as f:
        f.write(out)
    runner.note("{} trace records".format(records))
    if status != 0:
        runner.note("the run exited with status {}; sizing its trace anyway".format(status))
    runner.note("output kept in " + log_path)
    return log_path


def cmd_heap_size(args):
    base = zephyr_base()
    runner = Runner(verbose=args.verbose > 0)
    build_dir = args.build_dir
    if args.log:
        if not os.path.isfile(args.log):
            raise ZmemError("log '{}' does not exist".format(args.log))
        log_path = args.log
    else:
        build_dir = build_dir or DEFAULT_BUILD_DIR
        log_path = run_app(runner, build_dir)

    host_ptr = struct.calcsize("P")
    tool_root = (os.path.join(build_dir, "heap_size_tool") if build_dir
                 else cache_root(base))
    m32 = False
    if host_ptr == 8 and 4 in trace_pointer_sizes(log_path):
        m32 = can_build_m32(os.path.dirname(os.path.abspath(tool_root)))
        if not m32:
            runner.note("32-bit trace, but the C compiler cannot build -m32 programs "
                        "(Debian: apt-get install gcc-multilib): replaying with 64-bit "
                        "engines")
    tool = build_tool(runner, base, tool_root + ("-m32" if m32 else ""), m32)

    argv = [tool, log_path]
    elf = args.elf or (image_of(build_dir) if build_dir else None)
    if elf:
        argv += ["--elf", elf]
    if args.max_size:
        argv += ["--max-size", str(args.max_size)]
    return runner.run(argv)
