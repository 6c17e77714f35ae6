"""`zmem build`: configure and build an application with CMake, as `west build` does.

Steps, each a small function below:
  1. read the build directory's CMakeCache.txt, if any (the app is
     CMAKE_HOME_DIRECTORY, the board is BOARD);
  2. choose the app and the board: the command line, else the cache, else the
     current directory / $BOARD / native_sim;
  3. pristine: "always" wipes the build directory, "auto" wipes it when it
     belongs to another app or board, "never" (the default) stops with an
     error in that case;
  4. configure (`cmake -S app -B build -G ... -DBOARD=...`) when the
     directory is new or extra cmake arguments were given;
  5. build (`cmake --build build [--target T]`).
"""
import os
import re
import shutil

from .boards import check_board, zephyr_base
from .errors import ZmemError
from .runner import Runner, require_program

PRISTINE_CHOICES = ("always", "auto", "never")
DEFAULT_BOARD = "native_sim"
DEFAULT_BUILD_DIR = "build"

# KEY:TYPE=VALUE, the key optionally quoted (CMake quotes keys with ':' or spaces).
_CACHE_LINE = re.compile(r'^(?:"([^"]*)"|([^:=]+))(?::[^=]*)?=(.*)$')


def read_cache(build_dir):
    """The entries of build_dir/CMakeCache.txt as a dict, or None without one."""
    path = os.path.join(build_dir, "CMakeCache.txt")
    if not os.path.isfile(path):
        return None
    entries = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line or line.startswith(("#", "//")):
                continue
            m = _CACHE_LINE.match(line)
            if m:
                entries[m.group(1) or m.group(2)] = m.group(3)
    return entries


def same_path(a, b):
    return os.path.realpath(a) == os.path.realpath(b)


def is_inside(path, parent):
    """True if path is parent or lies below it."""
    path, parent = os.path.realpath(path), os.path.realpath(parent)
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


def choose_source(given, cache, build_dir, base):
    if given:
        return os.path.abspath(given)
    if cache and cache.get("CMAKE_HOME_DIRECTORY"):
        return cache["CMAKE_HOME_DIRECTORY"]
    cwd = os.getcwd()
    if os.path.isfile(os.path.join(cwd, "CMakeLists.txt")) and not same_path(cwd, base):
        return cwd  # west's habit: the app is the current directory
    raise ZmemError("no app directory given and '{}' is not a build directory; "
                    "use: zmem build -b <board> <app-dir>".format(build_dir))


def choose_board(given, cache):
    if given:
        return given
    if cache:
        cached = cache.get("BOARD") or cache.get("CACHED_BOARD")
        if cached:
            return cached
    return os.environ.get("BOARD") or DEFAULT_BOARD


def check_app(source):
    if not os.path.isdir(source):
        raise ZmemError("app directory '{}' does not exist".format(source))
    if not os.path.isfile(os.path.join(source, "CMakeLists.txt")):
        raise ZmemError("'{}' is not an application directory: it has no CMakeLists.txt"
                        .format(source))


def mismatch(cache, source, board):
    """What differs between the build directory and the request, or None."""
    if not cache:
        return None
    cached_source = cache.get("CMAKE_HOME_DIRECTORY")
    cached_board = cache.get("BOARD") or cache.get("CACHED_BOARD")
    if cached_board and cached_board != board:
        return "board '{}', not '{}'".format(cached_board, board)
    if cached_source and not same_path(cached_source, source):
        return "app '{}', not '{}'".format(cached_source, source)
    return None


def make_pristine(build_dir, source, base, runner):
    """Removes build_dir, but only if it is a CMake build directory of its own."""
    if not os.path.isdir(build_dir):
        return
    if os.listdir(build_dir) and read_cache(build_dir) is None:
        raise ZmemError("refusing to wipe '{}': not a CMake build directory "
                        "(no CMakeCache.txt)".format(build_dir))
    for precious in (source, base, os.getcwd()):
        if is_inside(precious, build_dir):
            raise ZmemError("refusing to wipe '{}': it contains {}".format(build_dir, precious))
    runner.note("making build directory '{}' pristine".format(build_dir))
    if not runner.dry_run:
        shutil.rmtree(build_dir)


def generator_args(cmake_args):
    """-G Ninja when ninja is on PATH, else Unix Makefiles; none if the user gave -G."""
    if any(a == "-G" or a.startswith("-G") for a in cmake_args):
        return []
    return ["-G", "Ninja" if shutil.which("ninja") else "Unix Makefiles"]


def cmd_build(args, cmake_args):
    base = zephyr_base()
    runner = Runner(verbose=args.verbose > 0, dry_run=args.dry_run)
    build_dir = args.build_dir or DEFAULT_BUILD_DIR
    pristine = args.pristine or "never"

    cache = read_cache(build_dir)
    source = choose_source(args.source_dir, cache, build_dir, base)
    board = choose_board(args.board, cache)
    check_app(source)
    check_board(base, board)
    require_program("cmake")

    differs = mismatch(cache, source, board)
    if pristine == "always" or (pristine == "auto" and differs):
        make_pristine(build_dir, source, base, runner)
        cache = None
    elif differs:
        raise ZmemError("build directory '{}' is configured for {}; use -p to start over "
                        "(or -d <another build dir>)".format(build_dir, differs))

    env_updates = {"ZEPHYR_BASE": base}
    env = dict(os.environ, **env_updates)
    if cache is None or cmake_args:
        configure = ["cmake", "-S", source, "-B", build_dir]
        if cache is None:
            configure += generator_args(cmake_args)
        configure += ["-DBOARD=" + board] + cmake_args
        status = runner.run(configure, env_updates, env)
        if status != 0:
            return status

    build = ["cmake", "--build", build_dir]
    if args.target:
        build += ["--target", args.target]
    return runner.run(build, env_updates, env)
